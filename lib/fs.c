/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A read-only view of a guest's filesystem tree.  The backend supplies
 * primitives on canonical paths (no symlink in any component but maybe
 * the last); this file resolves symlinks the way the guest would see
 * them: inside the guest's root, never escaping to the host's.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Append a copy of s to a NULL-terminated vector of n entries. */
int
v2c_strv_push (char ***v, size_t *n, const char *s)
{
  char **nv = realloc (*v, (*n + 2) * sizeof *nv);

  if (nv == NULL)
    return -1;
  *v = nv;
  if ((nv[*n] = strdup (s)) == NULL) {
    nv[*n] = NULL;
    return -1;
  }
  nv[++*n] = NULL;
  return 0;
}

/* ------------------------------------------------------------------ */
/* Local directory backend                                              */

struct dir_fs {
  struct v2c_fs fs;
  char *root;
};

static int
host_path (struct v2c_fs *fs, const char *path, char *out)
{
  struct dir_fs *d = (struct dir_fs *) fs;

  if ((size_t) snprintf (out, PATH_MAX, "%s%s", d->root, path) >= PATH_MAX) {
    errno = ENAMETOOLONG;
    return -1;
  }
  return 0;
}

static void
fill_stat (const struct stat *s, struct v2c_fs_stat *st)
{
  st->type = S_ISREG (s->st_mode)   ? V2C_FS_REG
             : S_ISDIR (s->st_mode) ? V2C_FS_DIR
             : S_ISLNK (s->st_mode) ? V2C_FS_LNK
                                    : V2C_FS_OTHER;
  st->mode = s->st_mode & 07777;
  st->uid = s->st_uid;
  st->gid = s->st_gid;
  st->size = s->st_size;
  st->mtime = s->st_mtime;
}

static int
dir_lstat (struct v2c_fs *fs, const char *path, struct v2c_fs_stat *st)
{
  char hp[PATH_MAX];
  struct stat s;

  if (host_path (fs, path, hp) == -1 || lstat (hp, &s) == -1)
    return -1;
  fill_stat (&s, st);
  return 0;
}

static char *
dir_read (struct v2c_fs *fs, const char *path, size_t max, size_t *len)
{
  char hp[PATH_MAX];
  struct v2c_err err;
  char *buf;
  int fd;

  if (host_path (fs, path, hp) == -1)
    return NULL;
  /* the path is resolved: refuse a link swapped in meanwhile */
  fd = open (hp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
  if (fd == -1)
    return NULL;
  close (fd);
  buf = v2c_read_file (hp, max, len, &err);
  if (buf == NULL && err.errnum == 0)
    errno = EFBIG;
  return buf;
}

static char **
dir_list (struct v2c_fs *fs, const char *path)
{
  char hp[PATH_MAX];
  DIR *dir;
  struct dirent *e;
  char **v = NULL;
  size_t n = 0;

  if (host_path (fs, path, hp) == -1 || (dir = opendir (hp)) == NULL)
    return NULL;
  v = calloc (1, sizeof *v);
  while (v && (e = readdir (dir))) {
    char **nv;
    if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
      continue;
    nv = realloc (v, (n + 2) * sizeof *v);
    if (nv == NULL || (nv[n] = strdup (e->d_name)) == NULL) {
      v2c_strv_free (nv ? nv : v);
      v = NULL;
      break;
    }
    v = nv;
    v[++n] = NULL;
  }
  closedir (dir);
  if (v == NULL)
    errno = ENOMEM;
  return v;
}

static char *
dir_readlink (struct v2c_fs *fs, const char *path)
{
  char hp[PATH_MAX], buf[PATH_MAX];
  ssize_t r;

  if (host_path (fs, path, hp) == -1)
    return NULL;
  r = readlink (hp, buf, sizeof buf - 1);
  if (r == -1)
    return NULL;
  buf[r] = '\0';
  return strdup (buf);
}

static int64_t
du_rec (const char *hp, int depth)
{
  struct stat s;
  int64_t total;
  DIR *dir;
  struct dirent *e;

  if (lstat (hp, &s) == -1)
    return 0;
  total = S_ISDIR (s.st_mode) ? 0 : s.st_size;
  if (!S_ISDIR (s.st_mode) || depth > 64)
    return total;
  dir = opendir (hp);
  if (dir == NULL)
    return total;
  while ((e = readdir (dir))) {
    char sub[PATH_MAX];
    if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
      continue;
    if ((size_t) snprintf (sub, sizeof sub, "%s/%s", hp, e->d_name)
        < sizeof sub)
      total += du_rec (sub, depth + 1);
  }
  closedir (dir);
  return total;
}

static int64_t
dir_du (struct v2c_fs *fs, const char *path)
{
  char hp[PATH_MAX];
  struct stat s;

  if (host_path (fs, path, hp) == -1 || lstat (hp, &s) == -1)
    return -1;
  return du_rec (hp, 0);
}

static int
find_rec (const char *hp, const char *rel, int depth, char ***v, size_t *n,
          size_t max)
{
  DIR *dir;
  struct dirent *e;

  if (depth > 64 || (dir = opendir (hp)) == NULL)
    return 0;
  while ((e = readdir (dir)) && *n < max) {
    char sub[PATH_MAX], subrel[PATH_MAX];
    struct stat s;

    if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
      continue;
    if ((size_t) snprintf (sub, sizeof sub, "%s/%s", hp, e->d_name)
          >= sizeof sub
        || (size_t) snprintf (subrel, sizeof subrel, "%s%s%s", rel,
                              *rel ? "/" : "", e->d_name) >= sizeof subrel)
      continue;
    if (v2c_strv_push (v, n, subrel) == -1) {
      closedir (dir);
      return -1;
    }
    if (lstat (sub, &s) == 0 && S_ISDIR (s.st_mode)
        && find_rec (sub, subrel, depth + 1, v, n, max) == -1) {
      closedir (dir);
      return -1;
    }
  }
  closedir (dir);
  return 0;
}

static char **
dir_find (struct v2c_fs *fs, const char *path, size_t max)
{
  char hp[PATH_MAX];
  char **v = calloc (1, sizeof *v);
  size_t n = 0;

  if (v == NULL || host_path (fs, path, hp) == -1
      || find_rec (hp, "", 0, &v, &n, max) == -1) {
    v2c_strv_free (v);
    return NULL;
  }
  return v;
}

static void
dir_free (struct v2c_fs *fs)
{
  free (((struct dir_fs *) fs)->root);
}

static const struct v2c_fs_ops dir_ops = {
  .lstat = dir_lstat,
  .read = dir_read,
  .list = dir_list,
  .readlink = dir_readlink,
  .du = dir_du,
  .find = dir_find,
  .free = dir_free,
};

struct v2c_fs *
v2c_fs_open_dir (const char *root, struct v2c_err *err)
{
  struct dir_fs *d;
  struct stat s;

  if (stat (root, &s) == -1 || !S_ISDIR (s.st_mode)) {
    v2c_set_error (err, errno ? errno : ENOTDIR, "can't open '%s'", root);
    return NULL;
  }
  d = calloc (1, sizeof *d);
  if (d == NULL || (d->root = realpath (root, NULL)) == NULL) {
    v2c_set_error (err, errno, "can't open '%s'", root);
    free (d);
    return NULL;
  }
  /* "/" as root: paths are appended, so drop the trailing slash */
  if (strcmp (d->root, "/") == 0)
    d->root[0] = '\0';
  d->fs.ops = &dir_ops;
  return &d->fs;
}
