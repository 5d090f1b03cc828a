/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Interface of lib/extract-walk.c: a directory of the tree listed in
 * sorted order, with the metadata of its entries fetched in batches
 * through the filesystem view (lib/fs-tree.h).  Not installed.
 */
#ifndef V2C_EXTRACT_WALK_H
#define V2C_EXTRACT_WALK_H

#include <stdint.h>

#include "fs-tree.h"
#include "image.h"

/* One entry of a directory; valid during the call only. */
struct v2c_walk_entry {
  const char *path;                   /* absolute */
  const struct v2c_fs_lstat *st;
  const char *target;                 /* a symlink's target, else NULL */
  const struct v2c_xattr *xattrs;     /* the ones an image keeps */
  size_t nxattrs;
};

/* Called for each entry of a directory, in name order, with the state
 * given to v2c_walk_dir; it may walk a subdirectory itself.  Non-zero
 * stops the walk with that value. */
typedef int (*v2c_walk_fn) (void *opaque, const struct v2c_walk_entry *e,
                            int state);

struct v2c_walk {
  struct v2c_fs *fs;
  struct v2c_err *err;
  v2c_walk_fn fn;
  void *opaque;
  uint64_t n_dirs;                    /* directories listed */
};

/* List dir and call w->fn for each entry. */
int v2c_walk_dir (struct v2c_walk *w, const char *dir, int state);

#endif /* V2C_EXTRACT_WALK_H */
