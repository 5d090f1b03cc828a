/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The whole-tree side of struct v2c_fs, for the image extractor
 * (lib/extract*.c): a directory listed with the full lstat of every
 * entry, symlink targets and extended attributes of many names at once,
 * file data in chunks, checksums computed where the file is, and the
 * space the tree's filesystems use.  The guest backend turns each into
 * the libguestfs batch calls (readdir, lstatnslist, readlinklist,
 * lxattrlist, pread, checksum, mountpoints + statvfs); the directory
 * backend into lstat, readlink, llistxattr, pread under its root.
 *
 * Paths here are canonical (as a listing of the tree gives them): no
 * symlink is followed, not even the last component.  Errors are set on
 * err with the path and the backend's own reason.  Not installed.
 */
#ifndef V2C_FS_TREE_H
#define V2C_FS_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "image.h"

/* The lstat of an entry, as an image needs it (st_mode with its type
 * bits; mtime in seconds and nanoseconds). */
struct v2c_fs_lstat {
  int64_t dev, ino, mode, nlink, uid, gid, size, blocks;
  int64_t mtime_sec, mtime_nsec;
};

/* One entry of a directory. */
struct v2c_fs_dirent {
  char *name;
  struct v2c_fs_lstat st;
};

/* The extended attributes of n names: v holds all of them, name after
 * name, count[i] of the i-th name. */
struct v2c_fs_xattrs {
  struct v2c_xattr *v;
  size_t n;
  size_t *count;
};

/* The entries of dir without "." and "..", in no particular order, each
 * with its lstat; more than max of them is an error.  *out (caller
 * frees with v2c_fs_dirents_free) and *n; 0, or -1 with err set. */
int v2c_fs_list_lstat (struct v2c_fs *fs, const char *dir, size_t max,
                       struct v2c_fs_dirent **out, size_t *n,
                       struct v2c_err *err);
void v2c_fs_dirents_free (struct v2c_fs_dirent *v, size_t n);
/* The targets of the symlinks names[0..n) of dir, in order: a
 * NULL-terminated vector of n strings (v2c_strv_free), or NULL. */
char **v2c_fs_readlinks (struct v2c_fs *fs, const char *dir,
                         char *const *names, size_t n, struct v2c_err *err);
/* The extended attributes of names[0..n) of dir into *out (free with
 * v2c_fs_xattrs_free); 0, or -1. */
int v2c_fs_xattrs (struct v2c_fs *fs, const char *dir, char *const *names,
                   size_t n, struct v2c_fs_xattrs *out, struct v2c_err *err);
void v2c_fs_xattrs_free (struct v2c_fs_xattrs *x);
/* Up to want bytes of the regular file path from off: a malloc'd
 * buffer of *got bytes (0 at its end), or NULL.  Caller frees. */
char *v2c_fs_pread (struct v2c_fs *fs, const char *path, int64_t off,
                    size_t want, size_t *got, struct v2c_err *err);
/* The hex digest of a regular file's content (alg: md5, sha1, sha224,
 * sha256, sha384, sha512), computed where the file is.  Caller frees;
 * NULL with err set. */
char *v2c_fs_checksum (struct v2c_fs *fs, const char *alg, const char *path,
                       struct v2c_err *err);
/* Bytes the tree's filesystems hold (for progress only): 0 when
 * unknown. */
uint64_t v2c_fs_used_bytes (struct v2c_fs *fs);
/* A new view of the same tree, without what fs has cached (preloaded
 * directories).  v2c_fs_free it before fs. */
struct v2c_fs *v2c_fs_reopen (struct v2c_fs *fs, struct v2c_err *err);

#endif /* V2C_FS_TREE_H */
