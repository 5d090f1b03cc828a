/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The tree operations of the guest backend (lib/fs-tree.h), for the
 * image extractor: each is one libguestfs call or a few batched ones,
 * since every call is a round trip to the appliance.  A directory is
 * one readdir and an lstatnslist per STAT_BATCH names; the symlinks and
 * extended attributes of a batch one readlinklist and one lxattrlist;
 * file data one pread per chunk.  Nothing here is cached: the walk asks
 * for each path once.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guestfs.h>

#include "fs-private.h"

#define STAT_BATCH 1000        /* names per lstatnslist call */

/* err from the session's last error: "can't WHAT 'PATH' in the guest:
 * ...".  Returns -1. */
static int
guest_error (guestfs_h *h, struct v2c_err *err, const char *what,
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

/* lstat names[0..n) of dir into v[0..n).st, STAT_BATCH at a time. */
static int
lstat_names (guestfs_h *h, const char *dir, char **names, size_t n,
             struct v2c_fs_dirent *v, struct v2c_err *err)
{
  size_t b, k;

  for (b = 0; b < n; b += STAT_BATCH) {
    size_t cnt = n - b < STAT_BATCH ? n - b : STAT_BATCH;
    char *saved = names[b + cnt];
    struct guestfs_statns_list *sl;

    names[b + cnt] = NULL;
    sl = guestfs_lstatnslist (h, dir, &names[b]);
    names[b + cnt] = saved;
    if (sl == NULL)
      return guest_error (h, err, "lstat the entries of", dir);
    if (sl->len != cnt) {
      v2c_set_error (err, 0, "'%s': lstatnslist gave %u answers for %zu "
                     "names", dir, sl->len, cnt);
      guestfs_free_statns_list (sl);
      return -1;
    }
    for (k = 0; k < cnt; k++) {
      const struct guestfs_statns *s = &sl->val[k];
      struct v2c_fs_lstat *st = &v[b + k].st;

      st->dev = s->st_dev;
      st->ino = s->st_ino;
      st->mode = s->st_mode;
      st->nlink = s->st_nlink;
      st->uid = s->st_uid;
      st->gid = s->st_gid;
      st->size = s->st_size;
      st->blocks = s->st_blocks;
      st->mtime_sec = s->st_mtime_sec;
      st->mtime_nsec = s->st_mtime_nsec;
    }
    guestfs_free_statns_list (sl);
  }
  return 0;
}

int
v2c_fs_guest_list_lstat (struct v2c_fs *fs, const char *dir, size_t max,
                         struct v2c_fs_dirent **out, size_t *n,
                         struct v2c_err *err)
{
  guestfs_h *h = v2c_fs_guest_h (fs);
  struct guestfs_dirent_list *dl = guestfs_readdir (h, dir);
  struct v2c_fs_dirent *v = NULL;
  char **names = NULL;
  size_t i, cnt = 0;
  int r = -1;

  if (dl == NULL)
    return guest_error (h, err, "list", dir);
  if (dl->len > max) {
    v2c_set_error (err, 0, "'%s' has more than %zu entries", dir, max);
    goto out;
  }
  names = calloc (dl->len + 1, sizeof *names);
  v = calloc (dl->len + 1, sizeof *v);
  if (names == NULL || v == NULL) {
    v2c_set_error (err, ENOMEM, "out of memory");
    goto out;
  }
  for (i = 0; i < dl->len; i++)
    if (strcmp (dl->val[i].name, ".") != 0
        && strcmp (dl->val[i].name, "..") != 0)
      names[cnt++] = dl->val[i].name;
  if (lstat_names (h, dir, names, cnt, v, err) == -1)
    goto out;
  for (i = 0; i < cnt; i++)
    if ((v[i].name = strdup (names[i])) == NULL) {
      v2c_set_error (err, ENOMEM, "out of memory");
      goto out;
    }
  *out = v;
  *n = cnt;
  v = NULL;
  r = 0;
 out:
  v2c_fs_dirents_free (v, cnt);
  free (names);
  guestfs_free_dirent_list (dl);
  return r;
}

char **
v2c_fs_guest_readlinks (struct v2c_fs *fs, const char *dir,
                        char *const *names, size_t n, struct v2c_err *err)
{
  guestfs_h *h = v2c_fs_guest_h (fs);
  char **list = calloc (n + 1, sizeof *list), **t;
  size_t m = 0;

  if (list == NULL) {
    v2c_set_error (err, ENOMEM, "out of memory");
    return NULL;
  }
  memcpy (list, names, n * sizeof *list);
  t = guestfs_readlinklist (h, dir, list);
  free (list);
  if (t == NULL) {
    guest_error (h, err, "read the symlinks of", dir);
    return NULL;
  }
  while (t[m])
    m++;
  if (m != n) {
    v2c_set_error (err, 0, "'%s': readlinklist gave %zu answers for %zu "
                   "links", dir, m, n);
    v2c_strv_free (t);
    return NULL;
  }
  return t;
}

/* lxattrlist gives, per name, a header entry ("" = count) then its
 * attributes. */
static int
parse_xattrs (const struct guestfs_xattr_list *xl, const char *dir,
              size_t n, struct v2c_fs_xattrs *out, struct v2c_err *err)
{
  size_t k, pos = 0;

  for (k = 0; k < n; k++) {
    char num[24];
    unsigned long c;
    size_t m, vl;

    if (pos >= xl->len || xl->val[pos].attrname[0] != '\0')
      return v2c_set_error (err, 0, "'%s': bad lxattrlist reply", dir);
    vl = xl->val[pos].attrval_len < sizeof num - 1
           ? xl->val[pos].attrval_len : sizeof num - 1;
    memcpy (num, xl->val[pos].attrval, vl);
    num[vl] = '\0';
    c = strtoul (num, NULL, 10);
    pos++;
    if (c > xl->len - pos)
      return v2c_set_error (err, 0, "'%s': bad lxattrlist reply", dir);
    for (m = 0; m < c; m++, pos++)
      if (v2c_fs_xattrs_add (out, xl->val[pos].attrname, xl->val[pos].attrval,
                             xl->val[pos].attrval_len) == -1)
        return v2c_set_error (err, ENOMEM, "out of memory");
    out->count[k] = c;
  }
  return 0;
}

int
v2c_fs_guest_xattrs (struct v2c_fs *fs, const char *dir, char *const *names,
                     size_t n, struct v2c_fs_xattrs *out, struct v2c_err *err)
{
  guestfs_h *h = v2c_fs_guest_h (fs);
  char **list = calloc (n + 1, sizeof *list);
  struct guestfs_xattr_list *xl;
  int r;

  if (list == NULL)
    return v2c_set_error (err, ENOMEM, "out of memory");
  memcpy (list, names, n * sizeof *list);
  xl = guestfs_lxattrlist (h, dir, list);
  free (list);
  if (xl == NULL)
    return guest_error (h, err, "read the extended attributes in", dir);
  r = parse_xattrs (xl, dir, n, out, err);
  guestfs_free_xattr_list (xl);
  return r;
}

char *
v2c_fs_guest_pread (struct v2c_fs *fs, const char *path, int64_t off,
                    size_t want, size_t *got, struct v2c_err *err)
{
  guestfs_h *h = v2c_fs_guest_h (fs);
  char *b = guestfs_pread (h, path, (int) want, off, got);

  if (b == NULL)
    guest_error (h, err, "read", path);
  return b;
}

char *
v2c_fs_guest_checksum (struct v2c_fs *fs, const char *alg, const char *path,
                       struct v2c_err *err)
{
  guestfs_h *h = v2c_fs_guest_h (fs);
  char *sum = guestfs_checksum (h, alg, path);

  if (sum == NULL)
    guest_error (h, err, "checksum", path);
  return sum;
}

/* The used blocks of every mounted filesystem (statvfs). */
uint64_t
v2c_fs_guest_used_bytes (struct v2c_fs *fs)
{
  guestfs_h *h = v2c_fs_guest_h (fs);
  char **mps = guestfs_mountpoints (h);
  uint64_t total = 0;
  size_t i;

  if (mps == NULL)
    return 0;
  for (i = 0; mps[i] && mps[i + 1]; i += 2) {
    struct guestfs_statvfs *sv = guestfs_statvfs (h, mps[i + 1]);
    if (sv) {
      if (sv->blocks > sv->bfree && sv->frsize > 0)
        total += (uint64_t) (sv->blocks - sv->bfree) * (uint64_t) sv->frsize;
      guestfs_free_statvfs (sv);
    }
  }
  v2c_strv_free (mps);
  return total;
}
