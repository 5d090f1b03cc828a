/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The tree walker of v2c-extract.  libguestfs's tar-out streams entries
 * in the filesystem's hash order, so the walk is done here: every
 * directory is listed with the lstat of its entries (the guest backend:
 * readdir, then lstatnslist in batches), sorted by name, the symlinks
 * and extended attributes of STAT_BATCH names fetched at a time
 * (readlinklist, lxattrlist), and each entry handed to the caller in
 * name order.  Memory is O(largest directory + depth).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "extract-walk.h"

#define STAT_BATCH 1000        /* names per readlinks/xattrs call */
#define MAX_DIR_NAMES 1000000

/* The metadata of up to STAT_BATCH entries of one directory. */
struct batch {
  const struct v2c_fs_dirent *ents;
  char **names;              /* cnt names */
  size_t cnt;
  char **targets;            /* of the symlinks, in order */
  struct v2c_fs_xattrs all;  /* every xattr of every name */
  struct v2c_xattr *xa;      /* the kept xattrs of all names */
  size_t *xstart, *xcount;   /* per name: its slice of xa */
};

static int
cmp_dirent (const void *a, const void *b)
{
  return strcmp (((const struct v2c_fs_dirent *) a)->name,
                 ((const struct v2c_fs_dirent *) b)->name);
}

/* xattrs worth keeping in an image: not SELinux labels or IMA/EVM
 * signatures of the source host. */
static int
keep_xattr (const char *name)
{
  return strcmp (name, "security.selinux") != 0
         && strcmp (name, "security.ima") != 0
         && strcmp (name, "security.evm") != 0
         && strncmp (name, "trusted.", 8) != 0;
}

static void
batch_free (struct batch *bt)
{
  v2c_strv_free (bt->targets);
  free (bt->xstart);
  free (bt->xcount);
  free (bt->xa);
  v2c_fs_xattrs_free (&bt->all);
}

/* The targets of the symlinks among the names. */
static int
batch_links (struct v2c_walk *w, const char *dir, struct batch *bt)
{
  char **links = calloc (bt->cnt + 1, sizeof *links);
  size_t k, nl = 0;

  if (links == NULL)
    return v2c_set_error (w->err, ENOMEM, "out of memory");
  for (k = 0; k < bt->cnt; k++)
    if (S_ISLNK (bt->ents[k].st.mode))
      links[nl++] = bt->names[k];
  if (nl > 0)
    bt->targets = v2c_fs_readlinks (w->fs, dir, links, nl, w->err);
  free (links);
  return nl > 0 && bt->targets == NULL ? -1 : 0;
}

/* The extended attributes of the names: keep the ones an image wants. */
static int
batch_xattrs (struct v2c_walk *w, const char *dir, struct batch *bt)
{
  size_t k, m, pos = 0, out = 0;

  if (v2c_fs_xattrs (w->fs, dir, bt->names, bt->cnt, &bt->all, w->err)
      == -1)
    return -1;
  bt->xa = calloc (bt->all.n + 1, sizeof *bt->xa);
  bt->xstart = calloc (bt->cnt, sizeof *bt->xstart);
  bt->xcount = calloc (bt->cnt, sizeof *bt->xcount);
  if (bt->xa == NULL || bt->xstart == NULL || bt->xcount == NULL)
    return v2c_set_error (w->err, ENOMEM, "out of memory");
  for (k = 0; k < bt->cnt; k++) {
    bt->xstart[k] = out;
    for (m = 0; m < bt->all.count[k]; m++, pos++)
      if (keep_xattr (bt->all.v[pos].name)
          && bt->xcount[k] < V2C_LAYER_MAX_XATTRS) {
        bt->xa[out++] = bt->all.v[pos];
        bt->xcount[k]++;
      }
  }
  return 0;
}

/* Hand each entry of the batch to the caller. */
static int
batch_visit (struct v2c_walk *w, const char *dir, struct batch *bt,
             int state)
{
  size_t k, li = 0, dlen = strlen (dir);

  for (k = 0; k < bt->cnt; k++) {
    struct v2c_walk_entry e;
    char *path;
    int r;

    memset (&e, 0, sizeof e);
    e.st = &bt->ents[k].st;
    if (S_ISLNK (e.st->mode))
      e.target = bt->targets[li++];
    if (asprintf (&path, "%s%s%s", dir, dlen > 1 ? "/" : "",
                  bt->names[k]) == -1)
      return v2c_set_error (w->err, ENOMEM, "out of memory");
    if (strlen (path) > V2C_LAYER_MAX_PATH) {
      free (path);
      return v2c_set_error (w->err, 0, "a path in '%s' is longer than %d "
                            "bytes", dir, V2C_LAYER_MAX_PATH);
    }
    e.path = path;
    e.xattrs = bt->xcount[k] ? &bt->xa[bt->xstart[k]] : NULL;
    e.nxattrs = bt->xcount[k];
    r = w->fn (w->opaque, &e, state);
    free (path);
    if (r != 0)
      return r;
  }
  return 0;
}

int
v2c_walk_dir (struct v2c_walk *w, const char *dir, int state)
{
  struct v2c_fs_dirent *ents = NULL;
  char **names = NULL;
  size_t n = 0, b, i;
  int r;

  if (v2c_fs_list_lstat (w->fs, dir, MAX_DIR_NAMES, &ents, &n, w->err)
      == -1)
    return -1;
  w->n_dirs++;
  if (n > 1)
    qsort (ents, n, sizeof *ents, cmp_dirent);
  names = calloc (n + 1, sizeof *names);
  r = names ? 0 : v2c_set_error (w->err, ENOMEM, "out of memory");
  for (i = 0; names && i < n; i++)
    names[i] = ents[i].name;
  for (b = 0; r == 0 && b < n; b += STAT_BATCH) {
    struct batch bt;

    memset (&bt, 0, sizeof bt);
    bt.ents = &ents[b];
    bt.names = &names[b];
    bt.cnt = n - b < STAT_BATCH ? n - b : STAT_BATCH;
    r = batch_links (w, dir, &bt);
    if (r == 0)
      r = batch_xattrs (w, dir, &bt);
    if (r == 0)
      r = batch_visit (w, dir, &bt, state);
    batch_free (&bt);
  }
  free (names);
  v2c_fs_dirents_free (ents, n);
  return r;
}
