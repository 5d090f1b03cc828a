/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The guest filesystem view resolves symlinks as the guest would: an
 * absolute target is relative to the guest's root, ".." stops at the
 * root, loops end with ELOOP, and nothing outside the root is reachable.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inspect.h"
#include "unit.h"

int
main (void)
{
  char root[] = "/tmp/v2c-test-fs.XXXXXX", p[4096], cmd[4200];
  struct v2c_err err = { 0, "" };
  struct v2c_fs *fs;
  struct v2c_fs_stat st;
  char *buf, **names;
  size_t len;

  if (mkdtemp (root) == NULL)
    return 1;
  snprintf (p, sizeof p, "%s/etc", root);
  mkdir (p, 0755);
  snprintf (p, sizeof p, "%s/usr", root);
  mkdir (p, 0755);
  snprintf (p, sizeof p, "%s/usr/lib", root);
  mkdir (p, 0755);
  unit_put (root, "etc/hostname", "guest\n");
  unit_put (root, "usr/lib/os-release", "ID=debian\n");
  unit_symlink (root, "../usr/lib/os-release", "etc/os-release");
  unit_symlink (root, "/etc/hostname", "etc/abs-link");       /* guest's /etc */
  unit_symlink (root, "/../../../../etc/hostname", "etc/escape");
  unit_symlink (root, "loop2", "etc/loop1");
  unit_symlink (root, "loop1", "etc/loop2");
  unit_symlink (root, "usr/lib", "lib");                       /* merged /usr */
  unit_symlink (root, "/nonexistent", "etc/dangling");

  /* account databases: only real password hashes count (issue 13) */
  unit_put (root, "etc/shadow", "root:*:19782:0:99999:7:::\n"
                                "daemon:!:19782::::::\n"
                                "nopw::19782::::::\n"
                                "sys:!*:19782::::::\n");
  unit_put (root, "etc/shadow-", "root:$6$salt$hashhashhash:19782::::::\n"
                                 "old:!$y$j9T$abc$def:19782::::::\n"
                                 "des:abcdefghijklm:19782::::::\n"
                                 "x:*:1::::::\n");

  fs = v2c_fs_open_dir (root, &err);
  CHECK (fs != NULL, "open: %s", err.msg);
  {
    size_t n = 99;

    CHECK (v2c_fs_password_hashes (fs, "/etc/shadow", &n) == 0 && n == 0,
           "locked and empty accounts are no hashes (%zu)", n);
    CHECK (v2c_fs_password_hashes (fs, "/etc/shadow-", &n) == 0 && n == 3,
           "sha512, a locked yescrypt and a DES crypt are 3 hashes (%zu)",
           n);
    CHECK (v2c_fs_password_hashes (fs, "/etc/nope", &n) == -1
           && errno == ENOENT, "a missing database is an error");
  }

  buf = v2c_fs_read (fs, "/etc/os-release", 1024, &len);
  CHECK (buf && strcmp (buf, "ID=debian\n") == 0, "relative link");
  free (buf);
  buf = v2c_fs_read (fs, "/etc/abs-link", 1024, &len);
  CHECK (buf && strcmp (buf, "guest\n") == 0, "absolute link inside root");
  free (buf);
  buf = v2c_fs_read (fs, "/etc/escape", 1024, &len);
  CHECK (buf && strcmp (buf, "guest\n") == 0,
         "'..' above the root stays at the guest's root, got %s",
         buf ? buf : strerror (errno));
  free (buf);
  buf = v2c_fs_read (fs, "/lib/os-release", 1024, &len);
  CHECK (buf && strcmp (buf, "ID=debian\n") == 0, "directory symlink");
  free (buf);
  errno = 0;
  buf = v2c_fs_read (fs, "/etc/loop1", 1024, &len);
  CHECK (buf == NULL && errno == ELOOP, "loop gives ELOOP (%s)",
         strerror (errno));
  errno = 0;
  buf = v2c_fs_read (fs, "/etc/dangling", 1024, &len);
  CHECK (buf == NULL && errno == ENOENT, "dangling gives ENOENT");
  errno = 0;
  buf = v2c_fs_read (fs, "/etc/hostname", 3, &len);
  CHECK (buf == NULL && errno == EFBIG, "size limit gives EFBIG");
  CHECK (v2c_fs_stat (fs, "/etc/os-release", 1, &st) == 0
           && st.type == V2C_FS_LNK, "lstat sees the link");
  CHECK (v2c_fs_stat (fs, "/etc/os-release", 0, &st) == 0
           && st.type == V2C_FS_REG && st.size == 10, "stat follows");
  buf = v2c_fs_readlink (fs, "/lib");
  CHECK (buf && strcmp (buf, "usr/lib") == 0, "readlink");
  free (buf);
  names = v2c_fs_list (fs, "/etc");
  CHECK (names && names[0] && strcmp (names[0], "abs-link") == 0
           && names[8] && names[9] == NULL, "sorted listing of /etc");
  v2c_strv_free (names);
  CHECK (v2c_fs_du (fs, "/usr") == 10, "du");
  v2c_fs_free (fs);
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", root);
  if (system (cmd) != 0)
    return 1;
  if (failures == 0)
    printf ("ok: guest filesystem view\n");
  return unit_status ();
}
