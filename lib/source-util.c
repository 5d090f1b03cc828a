/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What every opener of a source shares (lib/source.c, lib/source-ova.c,
 * lib/source-ovfdir.c, lib/source-libvirt.c): messages, the private
 * temporary directory, running a helper program, probing an image's
 * format, choosing the VM, adding the VM's disk files, and checking a
 * manifest's digests on two threads.  It calls none of the openers, so
 * the dependency runs one way: openers -> here.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source-private.h"

int
v2c_source_make_tmpdir (struct v2c_source *s)
{
  const char *base = getenv ("TMPDIR");
  char tmpl[PATH_MAX];

  if (s->tmpdir)
    return 0;
  if (base == NULL || *base == '\0')
    base = "/var/tmp";
  snprintf (tmpl, sizeof tmpl, "%s/v2c.XXXXXX", base);
  if (mkdtemp (tmpl) == NULL)
    return v2c_set_error (&s->err, errno,
                          "can't create a temporary directory in '%s'", base);
  s->tmpdir = strdup (tmpl);
  if (s->tmpdir == NULL) {
    rmdir (tmpl);
    return v2c_set_error (&s->err, errno, "out of memory");
  }
  return 0;
}

struct v2c_open_disk *
v2c_source_add_open_disk (struct v2c_source *s)
{
  struct v2c_open_disk *d;

  d = realloc (s->disks, (s->ndisks + 1) * sizeof *d);
  if (d == NULL) {
    v2c_set_error (&s->err, errno, "out of memory");
    return NULL;
  }
  s->disks = d;
  d = &s->disks[s->ndisks++];
  memset (d, 0, sizeof *d);
  d->virtual_size = -1;
  return d;
}

static uint64_t
get_le (const unsigned char *p, int n)
{
  uint64_t v = 0;
  while (n-- > 0)
    v = (v << 8) | p[n];
  return v;
}

static uint64_t
get_be (const unsigned char *p, int n)
{
  uint64_t v = 0;
  int i;
  for (i = 0; i < n; i++)
    v = (v << 8) | p[i];
  return v;
}

int
v2c_probe_image (int fd, uint64_t offset, uint64_t size, const char **format,
                 int64_t *virtual_size, int *is_descriptor)
{
  unsigned char h[512];
  ssize_t r;
  uint64_t v;

  *format = "raw";
  *virtual_size = size <= INT64_MAX ? (int64_t) size : -1;
  *is_descriptor = 0;
  memset (h, 0, sizeof h);
  r = pread (fd, h, size < sizeof h ? size : sizeof h, (off_t) offset);
  if (r == -1)
    return -1;
  if (memcmp (h, "QFI\xfb", 4) == 0) {
    *format = "qcow2";
    v = get_be (h + 24, 8);
    *virtual_size = v <= V2C_MAX_CAPACITY_BYTES ? (int64_t) v : -1;
  } else if (memcmp (h, "KDMV", 4) == 0) {
    *format = "vmdk";
    v = get_le (h + 12, 8);
    *virtual_size = v <= V2C_MAX_CAPACITY_BYTES / 512 ? (int64_t) v * 512 : -1;
  } else if (memcmp (h, "COWD", 4) == 0) {
    *format = "vmdk";
    v = get_le (h + 12, 4);
    *virtual_size = (int64_t) v * 512;
  } else if (memcmp (h, "# Disk DescriptorFile", 21) == 0) {
    *format = "vmdk";
    *virtual_size = -1;
    *is_descriptor = 1;
  }
  return 0;
}

int
v2c_source_select_vm (struct v2c_source *s)
{
  size_t i;

  if (s->nvms == 0)
    return v2c_set_error (&s->err, 0, "'%s' describes no virtual machine",
                          s->path);
  if (s->vm_select == NULL) {
    char names[768] = "";
    size_t len = 0;

    if (s->nvms == 1) {
      s->vm = &s->vms[0];
      return 0;
    }
    for (i = 0; i < s->nvms && len < sizeof names - 1; i++)
      len += (size_t) snprintf (names + len, sizeof names - len, "%s'%s'",
                                i ? ", " : "",
                                s->vms[i].name ? s->vms[i].name
                                               : s->vms[i].id);
    return v2c_set_error (&s->err, 0,
                          "'%s' holds %zu virtual machines (%s): choose one "
                          "with --vm NAME", s->path, s->nvms, names);
  }
  for (i = 0; i < s->nvms; i++) {
    const struct v2c_vm *vm = &s->vms[i];
    if ((vm->name && strcmp (vm->name, s->vm_select) == 0)
        || (vm->id && strcmp (vm->id, s->vm_select) == 0)) {
      s->vm = &s->vms[i];
      return 0;
    }
  }
  return v2c_set_error (&s->err, 0, "no virtual machine named '%s' in '%s'",
                        s->vm_select, s->path);
}

/* The stem of a path: "/x/y/demo.vmx" -> "demo". */
char *
v2c_source_path_stem (const char *path)
{
  const char *base = strrchr (path, '/');
  const char *dot;

  base = base ? base + 1 : path;
  dot = strrchr (base, '.');
  return strndup (base, dot && dot != base ? (size_t) (dot - base)
                                           : strlen (base));
}

char *
v2c_source_dir_of (const char *path)
{
  const char *slash = strrchr (path, '/');

  if (slash == NULL)
    return strdup (".");
  if (slash == path)
    return strdup ("/");
  return strndup (path, (size_t) (slash - path));
}

int
v2c_source_make_overlay (struct v2c_source *s, json_t *spec,
                         const char *format, const char *name,
                         const char *what, char **overlay)
{
  char path[PATH_MAX], *json_str = NULL, *backing = NULL;
  int r = -1;

  if (spec == NULL)
    return v2c_set_error (&s->err, ENOMEM, "out of memory");
  if (v2c_source_make_tmpdir (s) == -1)
    goto out;
  snprintf (path, sizeof path, "%s/%s", s->tmpdir, name);
  json_str = json_dumps (spec, JSON_COMPACT);
  if (json_str == NULL || asprintf (&backing, "json:%s", json_str) == -1) {
    backing = NULL;
    goto oom;
  }
  {
    char *argv[] = { (char *) QEMU_IMG, (char *) "create", (char *) "-q",
                     (char *) "-f", (char *) "qcow2", (char *) "-F",
                     (char *) format, (char *) "-b", backing, path, NULL };
    if (v2c_run_command (argv, &s->err) == -1) {
      v2c_error_prefix (&s->err, "can't make a read-only view of %s", what);
      goto out;
    }
  }
  *overlay = strdup (path);
  if (*overlay == NULL)
    goto oom;
  r = 0;
  goto out;
oom:
  v2c_set_error (&s->err, errno, "out of memory");
out:
  json_decref (spec);
  free (json_str);
  free (backing);
  return r;
}

/* A qcow2 overlay whose backing is the VMDK chain as v2c found it: qemu
 * follows parentFileNameHint literally, so a chain whose parents were
 * found by name needs each level spelled out. */
static int
chain_overlay (struct v2c_source *s, const struct v2c_vmdk_info *info,
               char **overlay)
{
  char name[64], what[PATH_MAX + 8];
  json_t *spec = NULL;

  for (size_t i = info->nchain; i-- > 0;) {
    json_t *node = json_pack ("{s:s, s:{s:s, s:s}}", "driver", "vmdk",
                              "file", "driver", "file",
                              "filename", info->chain[i]);
    if (node == NULL) {
      json_decref (spec);
      return v2c_set_error (&s->err, ENOMEM, "out of memory");
    }
    if (spec)
      json_object_set_new (node, "backing", spec);
    spec = node;
  }
  snprintf (name, sizeof name, "chain%zu.qcow2", s->ndisks);
  snprintf (what, sizeof what, "'%s'", info->chain[0]);
  return v2c_source_make_overlay (s, spec, "vmdk", name, what, overlay);
}

/* Open one disk file on the host and record it for qemu. */
int
v2c_source_add_disk_file (struct v2c_source *s, const char *path, const char *want_format)
{
  struct v2c_open_disk *d;
  struct v2c_vmdk_info info;
  const char *format;
  char *overlay = NULL;
  int64_t vsize;
  int fd, is_desc;
  struct stat st;

  /* O_NONBLOCK: a FIFO must not hang us before fstat says what it is. */
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd == -1)
    return v2c_set_error (&s->err, errno, "can't open disk '%s'", path);
  if (fstat (fd, &st) == -1) {
    v2c_set_error (&s->err, errno, "can't read disk '%s'", path);
    close (fd);
    return -1;
  }
  if (S_ISDIR (st.st_mode)) {
    close (fd);
    return v2c_set_error (&s->err, EISDIR, "can't use disk '%s'", path);
  }
  if (!S_ISREG (st.st_mode) && !S_ISBLK (st.st_mode)) {
    close (fd);
    return v2c_set_error (&s->err, 0,
                          "disk '%s' is not a regular file or a block device",
                          path);
  }
  if (v2c_probe_image (fd, 0, (uint64_t) st.st_size, &format, &vsize,
                       &is_desc) == -1) {
    v2c_set_error (&s->err, errno, "can't read disk '%s'", path);
    close (fd);
    return -1;
  }
  close (fd);
  if (st.st_size == 0)
    return v2c_set_error (&s->err, 0, "disk '%s' is empty", path);
  if (strcmp (format, "raw") == 0
      && ((want_format && strcmp (want_format, "vmdk") == 0)
          || v2c_strcasesuffix (path, ".vmdk")))
    return v2c_set_error (&s->err, 0, "'%s' is not a VMDK file", path);
  if (strcmp (format, "raw") == 0
      && (v2c_strcasesuffix (path, ".qcow2")))
    return v2c_set_error (&s->err, 0, "'%s' is not a qcow2 image", path);
  memset (&info, 0, sizeof info);
  if (strcmp (format, "vmdk") == 0) {
    /* Every VMDK, sparse ones too: a delta names its parent, and qemu
     * would follow that name. */
    if (v2c_vmdk_read (path, v2c_source_root (s), &info, &s->err) == -1)
      return -1;
    if (is_desc)
      vsize = info.capacity_bytes;
    if (info.remapped) {
      v2c_message (&s->msg, V2C_MSG_WARNING,
                   "'%s': a parent named by an absolute path was found by "
                   "its name in the export's folder", path);
      if (chain_overlay (s, &info, &overlay) == -1) {
        v2c_vmdk_info_free_contents (&info);
        return -1;
      }
    }
  }
  v2c_vmdk_info_free_contents (&info);
  d = v2c_source_add_open_disk (s);
  if (d == NULL) {
    free (overlay);
    return -1;
  }
  d->host_path = realpath (path, NULL);
  d->qemu_path = overlay ? overlay : d->host_path ? strdup (d->host_path)
                                                  : NULL;
  d->format = strdup (format);
  d->qemu_format = strdup (overlay ? "qcow2" : format);
  d->virtual_size = vsize;
  if (d->host_path == NULL || d->qemu_path == NULL || d->format == NULL
      || d->qemu_format == NULL)
    return v2c_set_error (&s->err, errno, "can't resolve '%s'", path);
  return 0;
}

int
v2c_source_open_vm_disks (struct v2c_source *s, const char *dir)
{
  size_t i;

  for (i = 0; i < s->vm->ndisks; i++) {
    struct v2c_vm_disk *vd = &s->vm->disks[i];
    bool remapped;
    char *path;

    if (vd->file == NULL)
      continue;  /* a blank disk with no file: nothing to read */
    path = v2c_contain_path (v2c_source_root (s), dir, vd->file, "disk",
                             &remapped, &s->err);
    if (path == NULL)
      return -1;
    if (remapped)
      v2c_message (&s->msg, V2C_MSG_WARNING,
                   "disk '%s' is not in the export's folder: using '%s', "
                   "the one file of that name in it", vd->file, path);
    free (vd->path);
    vd->path = path;
    if (s->descriptor_only)
      continue;
    if (v2c_source_add_disk_file (s, vd->path, vd->format) == -1)
      return -1;
  }
  return 0;
}

static bool
mf_covers (const struct v2c_mf_entry *ents, size_t n, const char *file)
{
  if (strncmp (file, "./", 2) == 0)
    file += 2;
  for (size_t i = 0; i < n; i++) {
    const char *f = ents[i].file;

    if (strncmp (f, "./", 2) == 0)
      f += 2;
    if (strcmp (f, file) == 0)
      return true;
  }
  return false;
}

int
v2c_mf_check_coverage (struct v2c_source *s, const struct v2c_mf_entry *ents,
                       size_t n, const char *mfname, const char *ovfname)
{
  if (n == 0)
    return v2c_set_error (&s->err, 0,
                          "manifest '%s' is empty: it vouches for nothing "
                          "(--no-verify to read the export unchecked)",
                          mfname);
  if (!mf_covers (ents, n, ovfname))
    return v2c_set_error (&s->err, 0,
                          "manifest '%s' does not cover '%s' "
                          "(--no-verify to read the export unchecked)",
                          mfname, ovfname);
  for (size_t v = 0; v < s->nvms; v++)
    for (size_t i = 0; i < s->vms[v].ndisks; i++) {
      const char *f = s->vms[v].disks[i].file;

      if (f && !mf_covers (ents, n, f))
        return v2c_set_error (&s->err, 0,
                              "manifest '%s' does not cover '%s' "
                              "(--no-verify to read the export unchecked)",
                              mfname, f);
    }
  return 0;
}

struct verify_pool {
  struct verify_job *jobs;
  size_t njobs, next;
  int failed;
  struct v2c_err err;
  pthread_mutex_t lock;
  struct v2c_source *s;
  uint64_t done_total, total;
};

static void *
verify_worker (void *arg)
{
  struct verify_pool *p = arg;

  for (;;) {
    struct verify_job *j;
    struct v2c_err err = { 0, "" };
    int r;

    pthread_mutex_lock (&p->lock);
    if (p->failed || p->next >= p->njobs) {
      pthread_mutex_unlock (&p->lock);
      return NULL;
    }
    j = &p->jobs[p->next++];
    pthread_mutex_unlock (&p->lock);

    r = v2c_mf_verify_range (j->fd, j->offset, j->size, j->entry,
                             NULL, NULL, &err);
    pthread_mutex_lock (&p->lock);
    if (r == -1 && !p->failed) {
      p->failed = 1;
      p->err = err;
    }
    p->done_total += j->size;
    if (p->s->progress_cb)
      p->s->progress_cb (p->s->progress_opaque, "verifying manifest",
                         p->done_total, p->total);
    pthread_mutex_unlock (&p->lock);
  }
}

/* Check every digest of a manifest, two files at a time (hashing is
 * CPU-bound at SSD speeds, and an OVA usually has several disks). */
int
v2c_verify_jobs (struct v2c_source *s, struct verify_job *jobs, size_t n)
{
  struct verify_pool p;
  pthread_t th[2];
  int nth = 0, i;
  long ncpu = sysconf (_SC_NPROCESSORS_ONLN);

  memset (&p, 0, sizeof p);
  p.jobs = jobs;
  p.njobs = n;
  p.s = s;
  for (size_t k = 0; k < n; k++)
    p.total += jobs[k].size;
  pthread_mutex_init (&p.lock, NULL);
  for (i = 0; i < 2 && (i == 0 || (ncpu > 1 && n > 1)); i++)
    if (pthread_create (&th[nth], NULL, verify_worker, &p) == 0)
      nth++;
  if (nth == 0)
    verify_worker (&p);
  for (i = 0; i < nth; i++)
    pthread_join (th[i], NULL);
  pthread_mutex_destroy (&p.lock);
  if (p.failed) {
    s->err = p.err;
    return -1;
  }
  return 0;
}
