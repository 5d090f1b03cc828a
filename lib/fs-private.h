/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Backends of struct v2c_fs.  Not installed.
 */
#ifndef V2C_FS_PRIVATE_H
#define V2C_FS_PRIVATE_H

#include "fs-tree.h"
#include "inspect.h"
#include "strbuf.h"

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
  /* Optional: read an account database (/etc/shadow) that read()
   * refuses, for v2c_fs_password_hashes only. */
  char *(*read_account_db) (struct v2c_fs *fs, const char *path, size_t max,
                            size_t *len);
};

/* The tree operations of lib/fs-tree.h, with the same contracts: what
 * the extractor walks and reads the whole tree with. */
struct v2c_fs_tree_ops {
  int (*list_lstat) (struct v2c_fs *fs, const char *dir, size_t max,
                     struct v2c_fs_dirent **out, size_t *n,
                     struct v2c_err *err);
  char **(*readlinks) (struct v2c_fs *fs, const char *dir,
                       char *const *names, size_t n, struct v2c_err *err);
  int (*xattrs) (struct v2c_fs *fs, const char *dir, char *const *names,
                 size_t n, struct v2c_fs_xattrs *out, struct v2c_err *err);
  char *(*pread) (struct v2c_fs *fs, const char *path, int64_t off,
                  size_t want, size_t *got, struct v2c_err *err);
  char *(*checksum) (struct v2c_fs *fs, const char *alg, const char *path,
                     struct v2c_err *err);
  uint64_t (*used_bytes) (struct v2c_fs *fs);
  struct v2c_fs *(*reopen) (struct v2c_fs *fs, struct v2c_err *err);
};

struct v2c_fs {
  const struct v2c_fs_ops *ops;
  const struct v2c_fs_tree_ops *tree;
};

/* Resolve every symlink of path inside the guest root into out
 * (PATH_MAX bytes); the last component too unless no_follow. */
int v2c_fs_resolve (struct v2c_fs *fs, const char *path, int no_follow,
                    char *out);

/* The vector of sv, handed over; an empty one (not NULL) when nothing
 * was pushed.  NULL (ENOMEM) only when that fails; sv is empty again. */
char **v2c_fs_strvec_result (struct v2c_strvec *sv);

/* Add one attribute (copies of name and value[0..len)) to x, the
 * attributes of the names before it already in; 0, or -1 (ENOMEM). */
int v2c_fs_xattrs_add (struct v2c_fs_xattrs *x, const char *name,
                       const void *value, size_t len);

/* The extraction side of the guest backend (lib/fs-guest-tree.c), on
 * the guestfs_h * that v2c_fs_guest_h gives. */
void *v2c_fs_guest_h (struct v2c_fs *fs);
extern const struct v2c_fs_tree_ops v2c_fs_guest_tree_ops;

#endif /* V2C_FS_PRIVATE_H */
