/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Opening an OVA reads its disks in place: the only temporary files are
 * small qcow2 overlays (at most 1 MiB each), their backing is a raw view
 * of the OVA at the member's offset (checked against qemu-img, which
 * v2c did not write), the OVA itself is unchanged, and closing the
 * source removes every temporary file.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "v2c.h"

/* each check needs the one before it */
#define UNIT_MAX_FAILURES 0
#include "unit.h"

static long long biggest;
static int nfiles;

static int
visit (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) ftw;
  if (flag == FTW_F) {
    long long used = (long long) st->st_blocks * 512;
    long long size = used > st->st_size ? used : st->st_size;
    printf ("  temporary file %s: %lld bytes\n", path, (long long) st->st_size);
    if (size > biggest)
      biggest = size;
    nfiles++;
  }
  return 0;
}

static int
count_entries (const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *e;
  int n = 0;

  if (d == NULL)
    return -1;
  while ((e = readdir (d)))
    if (strcmp (e->d_name, ".") && strcmp (e->d_name, ".."))
      n++;
  closedir (d);
  return n;
}

static char *
run (const char *cmd)
{
  static char buf[65536];
  FILE *p = popen (cmd, "r");
  size_t n;

  if (p == NULL)
    return NULL;
  n = fread (buf, 1, sizeof buf - 1, p);
  buf[n] = '\0';
  if (pclose (p) != 0)
    return NULL;
  return buf;
}

int
main (void)
{
  const char *fx = getenv ("V2C_FIXTURES");
  char ova[4096], tmp[] = "/tmp/v2c-test-ova.XXXXXX", cmd[8192];
  char *before, *after, *info;
  struct v2c_source *s;
  size_t i;

  if (fx == NULL)
    unit_skip ("V2C_FIXTURES not set");
  snprintf (ova, sizeof ova, "%s/.skip", fx);
  if (access (ova, F_OK) == 0)
    unit_skip ("fixtures could not be built (see %s)", ova);
  snprintf (ova, sizeof ova, "%s/ova/demo.ova", fx);
  if (mkdtemp (tmp) == NULL || setenv ("TMPDIR", tmp, 1) == -1) {
    perror ("mkdtemp");
    return 1;
  }
  snprintf (cmd, sizeof cmd, "sha256sum '%s'", ova);
  before = strdup (run (cmd) ? run (cmd) : "");

  s = v2c_source_new ();
  if (v2c_source_open (s, ova) == -1) {
    FAIL ("open '%s': %s", ova, v2c_source_error (s));
  }
  if (v2c_source_format (s) != V2C_SOURCE_OVA || v2c_source_disk_count (s) < 1) {
    FAIL ("not read as an OVA with a disk");
  }
  if (nftw (tmp, visit, 16, FTW_PHYS) == -1) {
    perror ("nftw");
    return 1;
  }
  if (nfiles < 1 || biggest > 1024 * 1024) {
    FAIL ("%d temporary files, the largest %lld bytes "
             "(limit 1 MiB)", nfiles, biggest);
  }
  printf ("ok: %d temporary file(s), largest %lld bytes\n", nfiles, biggest);

  for (i = 0; i < v2c_source_disk_count (s); i++) {
    const char *ov = v2c_source_disk_path (s, i);
    json_t *src = v2c_source_json (s), *disk, *vs;
    json_int_t vsize;
    char want[64];

    snprintf (cmd, sizeof cmd,
              "qemu-img info --output=json -U '%s'", ov);
    info = run (cmd);
    if (info == NULL || strcmp (v2c_source_disk_format (s, i), "qcow2")) {
      FAIL ("overlay '%s' is not a qcow2 qemu can read", ov);
    }
    /* the backing is the OVA itself, at an offset: never a copy */
    if (strstr (info, "\\\"driver\\\": \\\"raw\\\"") == NULL
        && strstr (info, "\\\"driver\\\":\\\"raw\\\"") == NULL) {
      FAIL ("backing of '%s' is not a raw view: %s", ov,
               info);
    }
    if (strstr (info, "\\\"offset\\\"") == NULL || strstr (info, ova) == NULL) {
      FAIL ("backing of '%s' is not an offset into '%s': %s",
               ov, ova, info);
    }
    disk = json_array_get (json_object_get (src, "disks"), i);
    vs = json_object_get (disk, "virtual_size");
    vsize = json_integer_value (vs);
    snprintf (want, sizeof want, "\"virtual-size\": %lld", (long long) vsize);
    if (vsize <= 0 || strstr (info, want) == NULL) {
      FAIL ("virtual size %lld not what qemu-img says: %s",
               (long long) vsize, info);
    }
    printf ("ok: disk %zu: overlay over a raw offset view, virtual size %lld "
            "agrees with qemu-img\n", i, (long long) vsize);
    json_decref (src);
  }
  v2c_source_free (s);
  if (count_entries (tmp) != 0) {
    FAIL ("temporary files left in %s", tmp);
  }
  rmdir (tmp);
  snprintf (cmd, sizeof cmd, "sha256sum '%s'", ova);
  after = run (cmd);
  if (after == NULL || strcmp (before, after)) {
    FAIL ("the OVA changed");
  }
  printf ("ok: OVA unchanged, temporary files removed\n");
  free (before);
  return unit_status ();
}
