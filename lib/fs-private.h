/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Backends of struct v2c_fs.  Not installed.
 */
#ifndef V2C_FS_PRIVATE_H
#define V2C_FS_PRIVATE_H

#include "inspect.h"

/* Primitives on canonical paths: no component is a symlink, except
 * possibly the last, which is never followed. */
struct v2c_fs_ops {
  int (*lstat) (struct v2c_fs *fs, const char *path, struct v2c_fs_stat *st);
  char *(*read) (struct v2c_fs *fs, const char *path, size_t max,
                 size_t *len);
  char **(*list) (struct v2c_fs *fs, const char *path);
  char *(*readlink) (struct v2c_fs *fs, const char *path);
  int64_t (*du) (struct v2c_fs *fs, const char *path);
  char **(*find) (struct v2c_fs *fs, const char *dir, size_t max);
  void (*free) (struct v2c_fs *fs);
};

struct v2c_fs {
  const struct v2c_fs_ops *ops;
};

/* Resolve every symlink of path inside the guest root into out
 * (PATH_MAX bytes); the last component too unless no_follow. */
int v2c_fs_resolve (struct v2c_fs *fs, const char *path, int no_follow,
                    char *out);

int v2c_strv_push (char ***v, size_t *n, const char *s);

#endif /* V2C_FS_PRIVATE_H */
