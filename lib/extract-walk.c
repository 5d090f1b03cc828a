/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The guest walker of v2c-extract.  libguestfs's tar-out streams entries
 * in the filesystem's hash order, so the walk is done here: every
 * directory is listed (readdir), its names sorted, their metadata
 * fetched in batches of STAT_BATCH (lstatnslist, readlinklist,
 * lxattrlist), and each entry handed to the caller in name order.
 * Memory is O(largest directory + depth).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "extract-walk.h"

#define STAT_BATCH 1000        /* names per lstatnslist call */
#define MAX_DIR_NAMES 1000000

/* The metadata of up to STAT_BATCH names of one directory. */
struct batch {
  char **names;              /* cnt names, NULL-terminated while asked */
  size_t cnt;
  struct guestfs_statns_list *sl;
  char **targets;            /* of the symlinks, in order */
  struct guestfs_xattr_list *xl;
  struct v2c_xattr *xa;      /* the kept xattrs of all names */
  size_t *xstart, *xcount;   /* per name: its slice of xa */
};

int
v2c_guest_walk_error (guestfs_h *h, struct v2c_err *err, const char *what,
                      const char *path)
{
  const char *e = guestfs_last_error (h);
  int errnum = guestfs_last_errno (h);
  /* the errno's text, unless the message says it already */
  int add = errnum > 0 && (e == NULL || strstr (e, strerror (errnum)) == NULL);

  return v2c_set_error (err, 0, "can't %s '%s' in the guest: %s%s%s",
                        what, path, e ? e : "unknown error",
                        add ? ": " : "", add ? strerror (errnum) : "");
}

static int cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
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
  size_t k;

  if (bt->targets) {
    for (k = 0; bt->targets[k]; k++)
      free (bt->targets[k]);
    free (bt->targets);
  }
  free (bt->xstart);
  free (bt->xcount);
  free (bt->xa);
  if (bt->sl)
    guestfs_free_statns_list (bt->sl);
  if (bt->xl)
    guestfs_free_xattr_list (bt->xl);
}
/* lstat the names, and read the targets of the symlinks among them. */
static int
batch_stat (struct v2c_guest_walk *w, const char *dir, struct batch *bt)
{
  char *saved = bt->names[bt->cnt], **links;
  size_t k, nl = 0, m = 0;

  bt->names[bt->cnt] = NULL;
  bt->sl = guestfs_lstatnslist (w->h, dir, bt->names);
  bt->names[bt->cnt] = saved;
  if (bt->sl == NULL)
    return v2c_guest_walk_error (w->h, w->err, "lstat the entries of", dir);
  if (bt->sl->len != bt->cnt)
    return v2c_set_error (w->err, 0, "'%s': lstatnslist gave %u answers for "
                          "%zu names", dir, bt->sl->len, bt->cnt);
  links = calloc (bt->cnt + 1, sizeof *links);
  bt->xstart = calloc (bt->cnt, sizeof *bt->xstart);
  bt->xcount = calloc (bt->cnt, sizeof *bt->xcount);
  if (links == NULL || bt->xstart == NULL || bt->xcount == NULL) {
    free (links);
    return v2c_set_error (w->err, ENOMEM, "out of memory");
  }
  for (k = 0; k < bt->cnt; k++)
    if (S_ISLNK (bt->sl->val[k].st_mode))
      links[nl++] = bt->names[k];
  if (nl == 0) {
    free (links);
    return 0;
  }
  bt->targets = guestfs_readlinklist (w->h, dir, links);
  free (links);
  if (bt->targets == NULL)
    return v2c_guest_walk_error (w->h, w->err, "read the symlinks of", dir);
  while (bt->targets[m])
    m++;
  if (m != nl)
    return v2c_set_error (w->err, 0, "'%s': readlinklist gave %zu answers "
                          "for %zu links", dir, m, nl);
  return 0;
}

/* The extended attributes of the names: lxattrlist gives, per name, a
 * header entry ("" = count) then its attributes; keep the ones an image
 * wants. */
static int
batch_xattrs (struct v2c_guest_walk *w, const char *dir, struct batch *bt)
{
  char *saved = bt->names[bt->cnt];
  struct guestfs_xattr_list *xl;
  size_t k, pos = 0, out = 0;

  bt->names[bt->cnt] = NULL;
  xl = bt->xl = guestfs_lxattrlist (w->h, dir, bt->names);
  bt->names[bt->cnt] = saved;
  if (xl == NULL)
    return v2c_guest_walk_error (w->h, w->err,
                                 "read the extended attributes in", dir);
  bt->xa = calloc (xl->len + 1, sizeof *bt->xa);
  if (bt->xa == NULL)
    return v2c_set_error (w->err, ENOMEM, "out of memory");
  for (k = 0; k < bt->cnt; k++) {
    char num[24];
    unsigned long c;
    size_t m, vl;
    if (pos >= xl->len || xl->val[pos].attrname[0] != '\0')
      return v2c_set_error (w->err, 0, "'%s': bad lxattrlist reply", dir);
    vl = xl->val[pos].attrval_len < sizeof num - 1
           ? xl->val[pos].attrval_len : sizeof num - 1;
    memcpy (num, xl->val[pos].attrval, vl);
    num[vl] = '\0';
    c = strtoul (num, NULL, 10);
    pos++;
    if (c > xl->len - pos)
      return v2c_set_error (w->err, 0, "'%s': bad lxattrlist reply", dir);
    bt->xstart[k] = out;
    for (m = 0; m < c; m++, pos++)
      if (keep_xattr (xl->val[pos].attrname)
          && bt->xcount[k] < V2C_LAYER_MAX_XATTRS) {
        bt->xa[out].name = xl->val[pos].attrname;
        bt->xa[out].value = xl->val[pos].attrval;
        bt->xa[out].len = xl->val[pos].attrval_len;
        out++;
        bt->xcount[k]++;
      }
  }
  return 0;
}

/* Hand each name of the batch to the caller. */
static int
batch_visit (struct v2c_guest_walk *w, const char *dir, struct batch *bt,
             int state)
{
  size_t k, li = 0, dlen = strlen (dir);

  for (k = 0; k < bt->cnt; k++) {
    struct v2c_walk_entry e;
    char *path;
    int r;

    memset (&e, 0, sizeof e);
    e.st = &bt->sl->val[k];
    if (S_ISLNK (e.st->st_mode))
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

/* The names of dir, sorted, without "." and ".." (*dl: the listing the
 * names point into; caller frees both). */
static char **
sorted_names (struct v2c_guest_walk *w, const char *dir,
              struct guestfs_dirent_list **dl, size_t *n)
{
  char **names;
  size_t i;

  *n = 0;
  *dl = guestfs_readdir (w->h, dir);
  if (*dl == NULL) {
    v2c_guest_walk_error (w->h, w->err, "list", dir);
    return NULL;
  }
  w->n_dirs++;
  if ((*dl)->len > MAX_DIR_NAMES) {
    v2c_set_error (w->err, 0, "'%s' has more than %d entries", dir,
                   MAX_DIR_NAMES);
    return NULL;
  }
  names = calloc ((*dl)->len + 1, sizeof *names);
  if (names == NULL) {
    v2c_set_error (w->err, ENOMEM, "out of memory");
    return NULL;
  }
  for (i = 0; i < (*dl)->len; i++)
    if (strcmp ((*dl)->val[i].name, ".") != 0
        && strcmp ((*dl)->val[i].name, "..") != 0)
      names[(*n)++] = (*dl)->val[i].name;
  qsort (names, *n, sizeof *names, cmp_str);
  return names;
}

int
v2c_guest_walk_dir (struct v2c_guest_walk *w, const char *dir, int state)
{
  struct guestfs_dirent_list *dl = NULL;
  size_t n, b;
  char **names = sorted_names (w, dir, &dl, &n);
  int r = names ? 0 : -1;

  for (b = 0; r == 0 && b < n; b += STAT_BATCH) {
    struct batch bt;

    memset (&bt, 0, sizeof bt);
    bt.names = &names[b];
    bt.cnt = n - b < STAT_BATCH ? n - b : STAT_BATCH;
    r = batch_stat (w, dir, &bt);
    if (r == 0)
      r = batch_xattrs (w, dir, &bt);
    if (r == 0)
      r = batch_visit (w, dir, &bt, state);
    batch_free (&bt);
  }
  free (names);
  if (dl)
    guestfs_free_dirent_list (dl);
  return r;
}
