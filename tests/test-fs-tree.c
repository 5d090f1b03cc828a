/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The tree operations of the host directory backend (lib/fs-tree.h),
 * which v2c-extract --root reads through: a listing with the lstat of
 * every entry, symlink targets and xattrs of many names, file data in
 * chunks, checksums; paths that are not canonical are refused, and no
 * symlink of the tree leads out of its root (a link to the host's /etc
 * is an entry, never a directory to list or a file to read).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fs-tree.h"
#include "unit.h"

static const struct v2c_fs_dirent *
find_ent (const struct v2c_fs_dirent *v, size_t n, const char *name)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (strcmp (v[i].name, name) == 0)
      return &v[i];
  return NULL;
}

/* Every way out of the root fails. */
static void
check_escapes (struct v2c_fs *fs)
{
  struct v2c_err err = { 0, "" };
  struct v2c_fs_dirent *v = NULL;
  struct v2c_fs_xattrs xa;
  char *names[] = { "passwd", NULL }, *b;
  size_t n = 0, got;
  char **t;

  CHECK (v2c_fs_list_lstat (fs, "/esc", 100, &v, &n, &err) == -1,
         "listing through a link to the host's /etc is refused");
  CHECK (v2c_fs_list_lstat (fs, "/d/../..", 100, &v, &n, &err) == -1
           && err.errnum == EINVAL, "'..' is refused: %s", err.msg);
  b = v2c_fs_pread (fs, "/esc/passwd", 0, 100, &got, &err);
  CHECK (b == NULL, "reading through a link to the host's /etc is refused");
  free (b);
  b = v2c_fs_pread (fs, "/d/l", 0, 100, &got, &err);
  CHECK (b == NULL, "a symlink is not read through");
  free (b);
  b = v2c_fs_pread (fs, "d/f", 0, 100, &got, &err);
  CHECK (b == NULL && err.errnum == EINVAL, "a relative path is refused");
  free (b);
  t = v2c_fs_readlinks (fs, "/esc", names, 1, &err);
  CHECK (t == NULL, "readlinks through a link is refused");
  v2c_strv_free (t);
  CHECK (v2c_fs_xattrs (fs, "/esc", names, 1, &xa, &err) == -1,
         "xattrs through a link are refused");
  b = v2c_fs_checksum (fs, "sha256", "/esc/passwd", &err);
  CHECK (b == NULL, "checksum through a link is refused");
  free (b);
  {
    char *bad[] = { "../x", NULL };
    t = v2c_fs_readlinks (fs, "/d", bad, 1, &err);
    CHECK (t == NULL && err.errnum == EINVAL, "a name with '/' is refused");
  }
}

static void
check_listing (struct v2c_fs *fs)
{
  struct v2c_err err = { 0, "" };
  struct v2c_fs_dirent *v = NULL;
  const struct v2c_fs_dirent *a, *d, *esc;
  size_t n = 0;

  CHECK (v2c_fs_list_lstat (fs, "/", 100, &v, &n, &err) == 0,
         "list /: %s", err.msg);
  CHECK (n == 4, "/ has 4 entries, not %zu", n);
  a = find_ent (v, n, "a");
  d = find_ent (v, n, "d");
  esc = find_ent (v, n, "esc");
  CHECK (a && S_ISREG (a->st.mode) && a->st.size == 5000 && a->st.nlink == 2
           && (a->st.mode & 07777) == 0640,
         "/a: a file of 5000 bytes, mode 0640, two links");
  CHECK (d && S_ISDIR (d->st.mode), "/d: a directory");
  CHECK (esc && S_ISLNK (esc->st.mode), "/esc: a symlink, not followed");
  v2c_fs_dirents_free (v, n);
  v = NULL;
  CHECK (v2c_fs_list_lstat (fs, "/", 3, &v, &n, &err) == -1
           && strstr (err.msg, "more than 3 entries"),
         "a directory over the limit: %s", err.msg);
  CHECK (v2c_fs_list_lstat (fs, "/d", 100, &v, &n, &err) == 0 && n == 3,
         "list /d: %s", err.msg);
  a = find_ent (v, n, "h");
  CHECK (a && a->st.nlink == 2, "/d/h: the hard link");
  v2c_fs_dirents_free (v, n);
}

static void
check_links_xattrs (struct v2c_fs *fs, int have_xattr)
{
  struct v2c_err err = { 0, "" };
  char *names[] = { "l", "f", NULL }, **t;
  struct v2c_fs_xattrs xa;

  t = v2c_fs_readlinks (fs, "/d", names, 2, &err);
  CHECK (t && strcmp (t[0], "../a") == 0 && strcmp (t[1], "") == 0
           && t[2] == NULL, "readlinks: the target, '' for a file");
  v2c_strv_free (t);
  names[0] = "f";
  names[1] = "l";
  CHECK (v2c_fs_xattrs (fs, "/d", names, 2, &xa, &err) == 0,
         "xattrs: %s", err.msg);
  if (have_xattr) {
    size_t i, found = 0;
    for (i = 0; i < xa.count[0]; i++)
      if (strcmp (xa.v[i].name, "user.v2c") == 0 && xa.v[i].len == 5
          && memcmp (xa.v[i].value, "value", 5) == 0)
        found = 1;
    CHECK (found, "the user.v2c attribute of /d/f");
  }
  CHECK (xa.count[1] == 0, "no attribute on the symlink");
  v2c_fs_xattrs_free (&xa);
}

static void
check_data (struct v2c_fs *fs, const char *content)
{
  struct v2c_err err = { 0, "" };
  size_t got;
  char *b, *sum;

  b = v2c_fs_pread (fs, "/a", 0, 4096, &got, &err);
  CHECK (b && got == 4096 && memcmp (b, content, 4096) == 0, "chunk 1");
  free (b);
  b = v2c_fs_pread (fs, "/a", 4096, 4096, &got, &err);
  CHECK (b && got == 904 && memcmp (b, content + 4096, 904) == 0,
         "chunk 2: the last 904 bytes");
  free (b);
  b = v2c_fs_pread (fs, "/a", 5000, 10, &got, &err);
  CHECK (b && got == 0, "past the end: 0 bytes");
  free (b);
  b = v2c_fs_pread (fs, "/d", 0, 10, &got, &err);
  CHECK (b == NULL, "a directory is not read as a file");
  free (b);
  sum = v2c_fs_checksum (fs, "sha256", "/abc", &err);
  unit_check_str ("/abc", "sha256", sum, "ba7816bf8f01cfea414140de5dae2223"
                  "b00361a396177a9cb410ff61f20015ad");
  free (sum);
  sum = v2c_fs_checksum (fs, "md5", "/abc", &err);
  unit_check_str ("/abc", "md5", sum, "900150983cd24fb0d6963f7d28e17f72");
  free (sum);
  sum = v2c_fs_checksum (fs, "crc32", "/abc", &err);
  CHECK (sum == NULL, "an unknown checksum is refused");
  free (sum);
  CHECK (v2c_fs_used_bytes (fs) >= 5003, "used bytes: at least the files");
}

int
main (void)
{
  char root[] = "v2c-test-fs-tree.XXXXXX", p[4096], q[4096], cmd[4200];
  char content[5001];
  struct v2c_err err = { 0, "" };
  struct v2c_fs *fs, *again;
  size_t i;
  int have_xattr;

  /* in the build tree, not /tmp: user xattrs need a disk filesystem */
  if (mkdtemp (root) == NULL)
    return 99;
  for (i = 0; i < 5000; i++)
    content[i] = (char) ('a' + i % 23);
  content[5000] = '\0';
  unit_put (root, "a", content);
  unit_put (root, "abc", "abc");
  unit_put (root, "d/f", "f\n");
  unit_symlink (root, "../a", "d/l");
  unit_symlink (root, "/etc", "esc");
  snprintf (p, sizeof p, "%s/a", root);
  snprintf (q, sizeof q, "%s/d/h", root);
  if (chmod (p, 0640) == -1 || link (p, q) == -1)
    return 99;
  snprintf (p, sizeof p, "%s/d/f", root);
  have_xattr = setxattr (p, "user.v2c", "value", 5, 0) == 0;
  if (!have_xattr)
    printf ("note: no user xattrs here (%s)\n", strerror (errno));

  fs = v2c_fs_open_dir (root, &err);
  CHECK (fs != NULL, "open: %s", err.msg);
  if (fs) {
    check_listing (fs);
    check_links_xattrs (fs, have_xattr);
    check_data (fs, content);
    check_escapes (fs);
    again = v2c_fs_reopen (fs, &err);
    CHECK (again != NULL && v2c_fs_used_bytes (again)
             == v2c_fs_used_bytes (fs), "reopen: the same tree");
    v2c_fs_free (again);
    v2c_fs_free (fs);
  }
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", root);
  if (system (cmd) != 0)
    return 1;
  if (failures == 0)
    printf ("ok: the host tree's operations for v2c-extract\n");
  return unit_status ();
}
