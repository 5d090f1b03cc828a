/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An .ovf with its disks in the same directory (an OVF folder, or an OVA
 * unpacked from gzip): the descriptor, the .mf beside it, the disks.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source-private.h"

/* Verify a .mf beside a descriptor in a directory (OVF folder, or an
 * OVA unpacked from gzip). */
static int
verify_manifest_dir (struct v2c_source *s, const char *mfpath,
                     const char *dir, const char *ovfpath)
{
  const char *mfname = strrchr (mfpath, '/') ? strrchr (mfpath, '/') + 1
                                             : mfpath;
  const char *ovfname = strrchr (ovfpath, '/') ? strrchr (ovfpath, '/') + 1
                                               : ovfpath;
  CLEANUP_FREE char *buf = NULL;
  struct v2c_mf_entry *ents = NULL;
  struct verify_job *jobs = NULL;
  size_t len, n = 0, i, nj = 0;
  int r = -1;

  buf = v2c_read_file (mfpath, V2C_MAX_DESCRIPTOR_BYTES, &len, &s->err);
  if (buf == NULL)
    return -1;
  if (v2c_mf_parse (buf, len, &ents, &n, &s->err) == -1)
    return v2c_error_prefix (&s->err, "'%s'", mfpath);
  if (v2c_mf_check_coverage (s, ents, n, mfname, ovfname) == -1) {
    v2c_mf_entries_free (ents, n);
    return -1;
  }
  jobs = calloc (n ? n : 1, sizeof *jobs);
  if (jobs == NULL) {
    v2c_set_error (&s->err, errno, "out of memory");
    goto out;
  }
  for (i = 0; i < n; i++) {
    CLEANUP_FREE char *path = NULL;
    struct stat st;
    int fd;

    if (ents[i].file[0] == '/') {
      v2c_set_error (&s->err, 0, "manifest '%s' names an unsafe file '%s'",
                     mfpath, ents[i].file);
      goto out;
    }
    path = v2c_contain_path (v2c_source_root (s), dir, ents[i].file,
                             "file", NULL, &s->err);
    if (path == NULL) {
      v2c_error_prefix (&s->err, "manifest '%s'", mfpath);
      goto out;
    }
    /* Planning reads only the descriptor: check just its digest. */
    if (s->descriptor_only && strcmp (ents[i].file, ovfname) != 0)
      continue;
    fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd == -1) {
      if (errno == ENOENT && s->descriptor_only)
        continue;
      v2c_set_error (&s->err, errno, "can't open '%s' named in the manifest",
                     path);
      goto out;
    }
    if (fstat (fd, &st) == -1 || !S_ISREG (st.st_mode)) {
      close (fd);
      v2c_set_error (&s->err, 0, "'%s' named in the manifest is not a file",
                     path);
      goto out;
    }
    jobs[nj].fd = fd;
    jobs[nj].offset = 0;
    jobs[nj].size = (uint64_t) st.st_size;
    jobs[nj].entry = &ents[i];
    nj++;
  }
  r = v2c_verify_jobs (s, jobs, nj);
 out:
  for (i = 0; i < nj; i++)
    close (jobs[i].fd);
  free (jobs);
  v2c_mf_entries_free (ents, n);
  return r;
}

/* An .ovf file with its disks beside it. */
int
v2c_source_open_ovf_dir (struct v2c_source *s, const char *ovfpath)
{
  CLEANUP_FREE char *buf = NULL;
  CLEANUP_FREE char *dir = NULL;
  CLEANUP_FREE char *stem = NULL;
  char mfpath[PATH_MAX];
  size_t len;

  /* (a compressed OVA's descriptor was read as it was unpacked) */
  if (s->vms == NULL) {
    buf = v2c_read_file (ovfpath, V2C_MAX_DESCRIPTOR_BYTES, &len, &s->err);
    if (buf == NULL)
      return -1;
    if (v2c_ovf_parse (buf, len, &s->vms, &s->nvms, &s->err) == -1)
      return v2c_error_prefix (&s->err, "'%s'", ovfpath);
  }
  if (v2c_source_select_vm (s) == -1)
    return -1;
  dir = v2c_source_dir_of (ovfpath);
  stem = v2c_source_path_stem (ovfpath);
  if (dir == NULL || stem == NULL)
    return v2c_set_error (&s->err, errno, "out of memory");
  /* A compressed OVA's one manifest, whatever its name; else the one
   * named after the descriptor. */
  if (s->ova_mf[0])
    snprintf (mfpath, sizeof mfpath, "%s", s->ova_mf);
  else
    snprintf (mfpath, sizeof mfpath, "%s/%s.mf", dir, stem);
  if (s->verify && access (mfpath, F_OK) == 0
      && verify_manifest_dir (s, mfpath, dir, ovfpath) == -1)
    return -1;
  return v2c_source_open_vm_disks (s, dir);
}

