/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A read-only view of a guest's filesystem tree.  The backend supplies
 * primitives on canonical paths (no symlink in any component but maybe
 * the last); this file resolves symlinks the way the guest would see
 * them: inside the guest's root, never escaping to the host's.  The
 * tree operations of lib/fs-tree.h check their paths here and go to the
 * backend.  The host directory backend is lib/fs-dir.c.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "fs-private.h"

#define MAX_LINKS 40

void
v2c_strv_free (char **v)
{
  size_t i;

  if (v == NULL)
    return;
  for (i = 0; v[i]; i++)
    free (v[i]);
  free (v);
}

void
v2c_fs_free (struct v2c_fs *fs)
{
  if (fs == NULL)
    return;
  if (fs->ops->free)
    fs->ops->free (fs);
  free (fs);
}

/* Append component [c, c+n) to the canonical path buf (len *blen). */
static int
push (char *buf, size_t *blen, const char *c, size_t n)
{
  if (*blen + 1 + n >= PATH_MAX) {
    errno = ENAMETOOLONG;
    return -1;
  }
  if (*blen == 0 || buf[*blen - 1] != '/')
    buf[(*blen)++] = '/';
  memcpy (buf + *blen, c, n);
  *blen += n;
  buf[*blen] = '\0';
  return 0;
}

static void
pop (char *buf, size_t *blen)
{
  while (*blen > 1 && buf[*blen - 1] != '/')
    (*blen)--;
  if (*blen > 1)
    (*blen)--;
  buf[*blen] = '\0';
}

/* Resolve path into out (PATH_MAX): every symlink in every component,
 * and the last one too unless no_follow. */
int
v2c_fs_resolve (struct v2c_fs *fs, const char *path, int no_follow,
                char *out)
{
  char rest[PATH_MAX * 2];
  size_t olen = 1, links = 0;
  char *p;

  if (path[0] != '/') {
    errno = EINVAL;
    return -1;
  }
  if (strlen (path) >= sizeof rest) {
    errno = ENAMETOOLONG;
    return -1;
  }
  strcpy (rest, path);
  strcpy (out, "/");
  p = rest;
  while (*p) {
    size_t n;
    char *c;
    struct v2c_fs_stat st;

    while (*p == '/')
      p++;
    if (*p == '\0')
      break;
    c = p;
    n = strcspn (p, "/");
    p += n;
    if (n == 1 && c[0] == '.')
      continue;
    if (n == 2 && c[0] == '.' && c[1] == '.') {
      pop (out, &olen);
      continue;
    }
    if (push (out, &olen, c, n) == -1)
      return -1;
    while (*p == '/')
      p++;
    if (*p == '\0' && no_follow)
      break;
    if (fs->ops->lstat (fs, out, &st) == -1) {
      if (errno == ENOENT && *p == '\0')
        return 0;  /* the last component may not exist */
      return -1;
    }
    if (st.type == V2C_FS_LNK) {
      char *target, tmp[PATH_MAX * 2];

      if (++links > MAX_LINKS) {
        errno = ELOOP;
        return -1;
      }
      target = fs->ops->readlink (fs, out);
      if (target == NULL)
        return -1;
      if (strlen (target) + 1 + strlen (p) >= sizeof tmp) {
        free (target);
        errno = ENAMETOOLONG;
        return -1;
      }
      snprintf (tmp, sizeof tmp, "%s/%s", target, p);
      if (target[0] == '/') {
        olen = 1;
        strcpy (out, "/");
      } else
        pop (out, &olen);
      free (target);
      strcpy (rest, tmp);
      p = rest;
    } else if (*p && st.type != V2C_FS_DIR) {
      errno = ENOTDIR;
      return -1;
    }
  }
  return 0;
}

char *
v2c_fs_read (struct v2c_fs *fs, const char *path, size_t max, size_t *len)
{
  char real[PATH_MAX];
  struct v2c_fs_stat st;

  if (v2c_fs_resolve (fs, path, 0, real) == -1)
    return NULL;
  if (fs->ops->lstat (fs, real, &st) == -1)
    return NULL;
  if (st.type == V2C_FS_DIR) {
    errno = EISDIR;
    return NULL;
  }
  if (st.type != V2C_FS_REG) {
    errno = EINVAL;
    return NULL;
  }
  if (st.size < 0 || (uint64_t) st.size > max) {
    errno = EFBIG;
    return NULL;
  }
  return fs->ops->read (fs, real, max, len);
}

int
v2c_fs_password_hashes (struct v2c_fs *fs, const char *path, size_t *n)
{
  const size_t max = 16u << 20;
  char real[PATH_MAX], *buf;
  struct v2c_fs_stat st;
  size_t len, i = 0;

  *n = 0;
  if (v2c_fs_resolve (fs, path, 0, real) == -1
      || fs->ops->lstat (fs, real, &st) == -1)
    return -1;
  if (st.type != V2C_FS_REG || st.size < 0 || (uint64_t) st.size > max) {
    errno = st.type != V2C_FS_REG ? EINVAL : EFBIG;
    return -1;
  }
  buf = fs->ops->read_account_db ? fs->ops->read_account_db (fs, real, max,
                                                             &len)
                                 : fs->ops->read (fs, real, max, &len);
  if (buf == NULL)
    return -1;
  /* name:PASSWORD:...  A hash is what is left of the second field once
   * the lock marks ('!') are gone, unless that is empty or '*' / 'x'
   * (no password).  DES crypt is 13 characters, the others begin '$'. */
  while (i < len) {
    size_t e = i, f1, f2;

    while (e < len && buf[e] != '\n')
      e++;
    for (f1 = i; f1 < e && buf[f1] != ':'; f1++)
      ;
    if (f1 < e) {
      f1++;
      while (f1 < e && buf[f1] == '!')
        f1++;
      for (f2 = f1; f2 < e && buf[f2] != ':'; f2++)
        ;
      if (f2 - f1 >= 13 || (f2 > f1 && buf[f1] == '$'))
        (*n)++;
    }
    i = e + 1;
  }
  explicit_bzero (buf, len);
  free (buf);
  return 0;
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

char **
v2c_fs_list (struct v2c_fs *fs, const char *dir)
{
  char real[PATH_MAX];
  char **v;
  size_t n;

  if (v2c_fs_resolve (fs, dir, 0, real) == -1)
    return NULL;
  v = fs->ops->list (fs, real);
  if (v == NULL)
    return NULL;
  for (n = 0; v[n]; n++)
    ;
  qsort (v, n, sizeof *v, cmp_str);
  return v;
}

int
v2c_fs_stat (struct v2c_fs *fs, const char *path, int no_follow,
             struct v2c_fs_stat *st)
{
  char real[PATH_MAX];

  if (v2c_fs_resolve (fs, path, no_follow, real) == -1)
    return -1;
  return fs->ops->lstat (fs, real, st);
}

char *
v2c_fs_readlink (struct v2c_fs *fs, const char *path)
{
  char real[PATH_MAX];

  if (v2c_fs_resolve (fs, path, 1, real) == -1)
    return NULL;
  return fs->ops->readlink (fs, real);
}

int64_t
v2c_fs_du (struct v2c_fs *fs, const char *path)
{
  char real[PATH_MAX];

  if (v2c_fs_resolve (fs, path, 0, real) == -1)
    return -1;
  return fs->ops->du (fs, real);
}

char **
v2c_fs_find (struct v2c_fs *fs, const char *dir, size_t max)
{
  char real[PATH_MAX];

  if (v2c_fs_resolve (fs, dir, 0, real) == -1)
    return NULL;
  return fs->ops->find (fs, real, max);
}

char **
v2c_fs_strvec_result (struct v2c_strvec *sv)
{
  char **v = v2c_strvec_detach (sv);

  if (v == NULL)
    v = calloc (1, sizeof *v);
  return v;
}

/* ------------------------------------------------------------------ */
/* Tree operations (lib/fs-tree.h)                                     */

/* A canonical absolute path: no empty, "." or ".." component, so it
 * stays under the root whatever backend prefixes it. */
static int
canonical (const char *path, struct v2c_err *err)
{
  const char *p = path;

  if (path[0] != '/')
    return v2c_set_error (err, EINVAL, "'%s' is not an absolute path", path);
  while (*p) {
    size_t n;

    p++;
    n = strcspn (p, "/");
    if ((n == 0 && p[0] != '\0') || (n == 1 && p[0] == '.')
        || (n == 2 && p[0] == '.' && p[1] == '.'))
      return v2c_set_error (err, EINVAL, "'%s' is not a canonical path",
                            path);
    p += n;
  }
  return 0;
}

/* A name of a directory listing: one component. */
static int
valid_names (char *const *names, size_t n, struct v2c_err *err)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (names[i][0] == '\0' || strchr (names[i], '/')
        || strcmp (names[i], ".") == 0 || strcmp (names[i], "..") == 0)
      return v2c_set_error (err, EINVAL, "'%s' is not a name in a "
                            "directory", names[i]);
  return 0;
}

int
v2c_fs_list_lstat (struct v2c_fs *fs, const char *dir, size_t max,
                   struct v2c_fs_dirent **out, size_t *n, struct v2c_err *err)
{
  *out = NULL;
  *n = 0;
  if (canonical (dir, err) == -1)
    return -1;
  return fs->tree->list_lstat (fs, dir, max, out, n, err);
}

void
v2c_fs_dirents_free (struct v2c_fs_dirent *v, size_t n)
{
  size_t i;

  for (i = 0; v && i < n; i++)
    free (v[i].name);
  free (v);
}

char **
v2c_fs_readlinks (struct v2c_fs *fs, const char *dir, char *const *names,
                  size_t n, struct v2c_err *err)
{
  if (canonical (dir, err) == -1 || valid_names (names, n, err) == -1)
    return NULL;
  return fs->tree->readlinks (fs, dir, names, n, err);
}

int
v2c_fs_xattrs (struct v2c_fs *fs, const char *dir, char *const *names,
               size_t n, struct v2c_fs_xattrs *out, struct v2c_err *err)
{
  memset (out, 0, sizeof *out);
  if (canonical (dir, err) == -1 || valid_names (names, n, err) == -1)
    return -1;
  out->count = calloc (n + 1, sizeof *out->count);
  if (out->count == NULL)
    return v2c_set_error (err, ENOMEM, "out of memory");
  if (fs->tree->xattrs (fs, dir, names, n, out, err) == -1) {
    v2c_fs_xattrs_free (out);
    return -1;
  }
  return 0;
}

int
v2c_fs_xattrs_add (struct v2c_fs_xattrs *x, const char *name,
                   const void *value, size_t len)
{
  struct v2c_xattr *nv = realloc (x->v, (x->n + 1) * sizeof *nv);
  char *nm, *val;

  if (nv == NULL)
    return -1;
  x->v = nv;
  nm = strdup (name);
  val = malloc (len + 1);
  if (nm == NULL || val == NULL) {
    free (nm);
    free (val);
    errno = ENOMEM;
    return -1;
  }
  memcpy (val, value, len);
  val[len] = '\0';
  nv[x->n].name = nm;
  nv[x->n].value = val;
  nv[x->n].len = len;
  x->n++;
  return 0;
}

void
v2c_fs_xattrs_free (struct v2c_fs_xattrs *x)
{
  size_t i;

  for (i = 0; i < x->n; i++) {
    free ((char *) x->v[i].name);
    free ((void *) x->v[i].value);
  }
  free (x->v);
  free (x->count);
  memset (x, 0, sizeof *x);
}

char *
v2c_fs_pread (struct v2c_fs *fs, const char *path, int64_t off, size_t want,
              size_t *got, struct v2c_err *err)
{
  *got = 0;
  if (canonical (path, err) == -1)
    return NULL;
  if (off < 0) {
    v2c_set_error (err, EINVAL, "bad offset %lld in '%s'", (long long) off,
                   path);
    return NULL;
  }
  return fs->tree->pread (fs, path, off, want, got, err);
}

char *
v2c_fs_checksum (struct v2c_fs *fs, const char *alg, const char *path,
                 struct v2c_err *err)
{
  if (canonical (path, err) == -1)
    return NULL;
  return fs->tree->checksum (fs, alg, path, err);
}

uint64_t
v2c_fs_used_bytes (struct v2c_fs *fs)
{
  return fs->tree->used_bytes (fs);
}

struct v2c_fs *
v2c_fs_reopen (struct v2c_fs *fs, struct v2c_err *err)
{
  return fs->tree->reopen (fs, err);
}
