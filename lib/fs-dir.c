/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The host directory backend of struct v2c_fs: a tree on the host (an
 * unpacked image, a debootstrap tree, the fixtures' demo tree) seen as
 * a guest's root.  The inspectors' primitives work on canonical paths
 * under the root; the tree operations of lib/fs-tree.h open every
 * component with O_NOFOLLOW, so no symlink in the tree leads out of it.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "fs-private.h"

struct dir_fs {
  struct v2c_fs fs;
  char *root;              /* realpath, "" for "/" */
  char *fd_path;           /* the file fd is open on (dir_pread) */
  int fd;
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
  struct v2c_strvec sv = V2C_STRVEC_INIT;
  int failed = 0;

  if (host_path (fs, path, hp) == -1 || (dir = opendir (hp)) == NULL)
    return NULL;
  while (!failed && (e = readdir (dir)))
    if (strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0)
      failed = v2c_strvec_push (&sv, e->d_name) == -1;
  closedir (dir);
  if (failed) {
    v2c_strvec_clear (&sv);
    errno = ENOMEM;
    return NULL;
  }
  return v2c_fs_strvec_result (&sv);
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
find_rec (const char *hp, const char *rel, int depth, struct v2c_strvec *sv,
          size_t max)
{
  DIR *dir;
  struct dirent *e;

  if (depth > 64 || (dir = opendir (hp)) == NULL)
    return 0;
  while ((e = readdir (dir)) && sv->n < max) {
    char sub[PATH_MAX], subrel[PATH_MAX];
    struct stat s;

    if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
      continue;
    if ((size_t) snprintf (sub, sizeof sub, "%s/%s", hp, e->d_name)
          >= sizeof sub
        || (size_t) snprintf (subrel, sizeof subrel, "%s%s%s", rel,
                              *rel ? "/" : "", e->d_name) >= sizeof subrel)
      continue;
    if (v2c_strvec_push (sv, subrel) == -1) {
      closedir (dir);
      return -1;
    }
    if (lstat (sub, &s) == 0 && S_ISDIR (s.st_mode)
        && find_rec (sub, subrel, depth + 1, sv, max) == -1) {
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
  struct v2c_strvec sv = V2C_STRVEC_INIT;

  if (host_path (fs, path, hp) == -1
      || find_rec (hp, "", 0, &sv, max) == -1) {
    v2c_strvec_clear (&sv);
    return NULL;
  }
  return v2c_fs_strvec_result (&sv);
}

/* ------------------------------------------------------------------ */
/* Tree operations (lib/fs-tree.h)                                     */

/* Open path under the root component by component, following no
 * symlink on the way (O_NOFOLLOW at each step), so nothing leads out of
 * the root; flags for the last one. */
static int
open_beneath (struct dir_fs *d, const char *path, int flags)
{
  int fd = open (d->root[0] ? d->root : "/",
                 O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const char *p = path;

  while (fd != -1) {
    char name[NAME_MAX + 1];
    size_t n;
    int nfd;

    while (*p == '/')
      p++;
    if (*p == '\0')
      break;
    n = strcspn (p, "/");
    if (n > NAME_MAX) {
      close (fd);
      errno = ENAMETOOLONG;
      return -1;
    }
    memcpy (name, p, n);
    name[n] = '\0';
    p += n;
    while (*p == '/')
      p++;
    nfd = openat (fd, name, (*p ? O_RDONLY | O_DIRECTORY : flags)
                              | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    close (fd);
    fd = nfd;
  }
  return fd;
}

static int
dir_error (struct dir_fs *d, struct v2c_err *err, const char *what,
           const char *path)
{
  return v2c_set_error (err, errno, "can't %s '%s' under '%s'", what, path,
                        d->root[0] ? d->root : "/");
}

static void
fill_lstat (const struct stat *s, struct v2c_fs_lstat *st)
{
  st->dev = (int64_t) s->st_dev;
  st->ino = (int64_t) s->st_ino;
  st->mode = s->st_mode;
  st->nlink = (int64_t) s->st_nlink;
  st->uid = s->st_uid;
  st->gid = s->st_gid;
  st->size = s->st_size;
  st->blocks = s->st_blocks;
  st->mtime_sec = s->st_mtim.tv_sec;
  st->mtime_nsec = s->st_mtim.tv_nsec;
}

static int
dir_list_lstat (struct v2c_fs *fs, const char *dir, size_t max,
                struct v2c_fs_dirent **out, size_t *n, struct v2c_err *err)
{
  struct dir_fs *d = (struct dir_fs *) fs;
  int fd = open_beneath (d, dir, O_RDONLY | O_DIRECTORY);
  struct v2c_fs_dirent *v = NULL;
  size_t cap = 0;
  struct dirent *e;
  DIR *dp;

  if (fd == -1 || (dp = fdopendir (fd)) == NULL) {
    dir_error (d, err, "list", dir);
    if (fd != -1)
      close (fd);
    return -1;
  }
  while ((errno = 0, e = readdir (dp))) {
    struct stat s;

    if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
      continue;
    if (*n >= max) {
      v2c_set_error (err, 0, "'%s' has more than %zu entries", dir, max);
      goto fail;
    }
    if (fstatat (fd, e->d_name, &s, AT_SYMLINK_NOFOLLOW) == -1) {
      dir_error (d, err, "lstat the entries of", dir);
      goto fail;
    }
    if (*n == cap) {
      size_t nc = cap ? cap * 2 : 64;
      struct v2c_fs_dirent *nv = realloc (v, nc * sizeof *nv);
      if (nv == NULL)
        goto oom;
      v = nv;
      cap = nc;
    }
    if ((v[*n].name = strdup (e->d_name)) == NULL)
      goto oom;
    fill_lstat (&s, &v[*n].st);
    (*n)++;
  }
  if (errno) {
    dir_error (d, err, "list", dir);
    goto fail;
  }
  closedir (dp);
  *out = v;
  return 0;
 oom:
  v2c_set_error (err, ENOMEM, "out of memory");
 fail:
  closedir (dp);
  v2c_fs_dirents_free (v, *n);
  *n = 0;
  return -1;
}

/* Like the guest's readlinklist: "" for a name that is no symlink. */
static char **
dir_readlinks (struct v2c_fs *fs, const char *dir, char *const *names,
               size_t n, struct v2c_err *err)
{
  struct dir_fs *d = (struct dir_fs *) fs;
  int fd = open_beneath (d, dir, O_RDONLY | O_DIRECTORY);
  struct v2c_strvec sv = V2C_STRVEC_INIT;
  size_t i;
  char **v;

  if (fd == -1) {
    dir_error (d, err, "read the symlinks of", dir);
    return NULL;
  }
  for (i = 0; i < n; i++) {
    char buf[PATH_MAX];
    ssize_t r = readlinkat (fd, names[i], buf, sizeof buf - 1);

    if (v2c_strvec_pushn (&sv, buf, r > 0 ? (size_t) r : 0) == -1) {
      close (fd);
      v2c_strvec_clear (&sv);
      v2c_set_error (err, ENOMEM, "out of memory");
      return NULL;
    }
  }
  close (fd);
  v = v2c_fs_strvec_result (&sv);
  if (v == NULL)
    v2c_set_error (err, ENOMEM, "out of memory");
  return v;
}

/* The attributes of one name (hp: its host path) into x. */
static int
name_xattrs (const char *hp, struct v2c_fs_xattrs *x, size_t *count)
{
  char list[65536], *a;
  ssize_t len = llistxattr (hp, list, sizeof list);

  *count = 0;
  if (len == -1)
    return errno == ENOTSUP ? 0 : -1;
  for (a = list; a < list + len; a += strlen (a) + 1) {
    char val[65536];
    ssize_t vl = lgetxattr (hp, a, val, sizeof val);

    if (vl == -1) {
      if (errno == ENODATA)
        continue;
      return -1;
    }
    if (v2c_fs_xattrs_add (x, a, val, (size_t) vl) == -1)
      return -1;
    (*count)++;
  }
  return 0;
}

static int
dir_xattrs (struct v2c_fs *fs, const char *dir, char *const *names,
            size_t n, struct v2c_fs_xattrs *out, struct v2c_err *err)
{
  struct dir_fs *d = (struct dir_fs *) fs;
  int fd = open_beneath (d, dir, O_RDONLY | O_DIRECTORY);
  size_t i;

  /* open_beneath checked that no component of dir is a symlink; the
   * names are single components, never followed (l*xattr) */
  if (fd == -1)
    return dir_error (d, err, "read the extended attributes in", dir);
  close (fd);
  for (i = 0; i < n; i++) {
    char hp[PATH_MAX];

    if ((size_t) snprintf (hp, sizeof hp, "%s%s/%s", d->root,
                           strcmp (dir, "/") ? dir : "", names[i])
          >= sizeof hp) {
      errno = ENAMETOOLONG;
      return dir_error (d, err, "read the extended attributes in", dir);
    }
    if (name_xattrs (hp, out, &out->count[i]) == -1)
      return dir_error (d, err, "read the extended attributes of", hp);
  }
  return 0;
}

/* The open file of the last pread, kept for the next chunks. */
static int
file_fd (struct dir_fs *d, const char *path, struct v2c_err *err)
{
  struct stat s;
  int fd;

  if (d->fd_path && strcmp (d->fd_path, path) == 0)
    return d->fd;
  fd = open_beneath (d, path, O_RDONLY | O_NONBLOCK);
  if (fd == -1 || fstat (fd, &s) == -1 || !S_ISREG (s.st_mode)) {
    if (fd != -1) {
      close (fd);
      errno = EINVAL;
    }
    return dir_error (d, err, "read", path);
  }
  if (d->fd_path) {
    close (d->fd);
    free (d->fd_path);
  }
  d->fd_path = strdup (path);
  if (d->fd_path == NULL) {
    close (fd);
    return v2c_set_error (err, ENOMEM, "out of memory");
  }
  d->fd = fd;
  return fd;
}

static char *
dir_pread (struct v2c_fs *fs, const char *path, int64_t off, size_t want,
           size_t *got, struct v2c_err *err)
{
  struct dir_fs *d = (struct dir_fs *) fs;
  int fd = file_fd (d, path, err);
  char *buf;

  if (fd == -1)
    return NULL;
  buf = malloc (want ? want : 1);
  if (buf == NULL) {
    v2c_set_error (err, ENOMEM, "out of memory");
    return NULL;
  }
  while (*got < want) {
    ssize_t r = pread (fd, buf + *got, want - *got, (off_t) (off + *got));

    if (r == -1 && errno == EINTR)
      continue;
    if (r == -1) {
      free (buf);
      dir_error (d, err, "read", path);
      return NULL;
    }
    if (r == 0)
      break;
    *got += (size_t) r;
  }
  return buf;
}

static char *
dir_checksum (struct v2c_fs *fs, const char *alg, const char *path,
              struct v2c_err *err)
{
  static const char *const algs[] = { "md5", "sha1", "sha224", "sha256",
                                      "sha384", "sha512", NULL };
  struct dir_fs *d = (struct dir_fs *) fs;
  const EVP_MD *md = NULL;
  EVP_MD_CTX *ctx;
  unsigned char dg[EVP_MAX_MD_SIZE];
  unsigned dl = 0, k;
  char *hex = NULL;
  int64_t off = 0;
  size_t i;
  int fd;

  for (i = 0; algs[i]; i++)
    if (strcmp (algs[i], alg) == 0)
      md = EVP_get_digestbyname (alg);
  if (md == NULL) {
    v2c_set_error (err, EINVAL, "unknown checksum '%s'", alg);
    return NULL;
  }
  if ((fd = file_fd (d, path, err)) == -1)
    return NULL;
  ctx = EVP_MD_CTX_new ();
  if (ctx == NULL || !EVP_DigestInit_ex (ctx, md, NULL))
    goto crypto;
  for (;;) {
    char buf[65536];
    ssize_t r = pread (fd, buf, sizeof buf, (off_t) off);

    if (r == -1 && errno == EINTR)
      continue;
    if (r == -1) {
      dir_error (d, err, "checksum", path);
      goto out;
    }
    if (r == 0)
      break;
    if (!EVP_DigestUpdate (ctx, buf, (size_t) r))
      goto crypto;
    off += r;
  }
  if (!EVP_DigestFinal_ex (ctx, dg, &dl) || (hex = malloc (2 * dl + 1)) == NULL)
    goto crypto;
  for (k = 0; k < dl; k++)
    sprintf (hex + 2 * k, "%02x", dg[k]);
  hex[2 * dl] = '\0';
  goto out;
 crypto:
  v2c_set_error (err, 0, "can't compute %s of '%s'", alg, path);
 out:
  EVP_MD_CTX_free (ctx);
  return hex;
}

static uint64_t
dir_used_bytes (struct v2c_fs *fs)
{
  int64_t n = dir_du (fs, "/");

  return n > 0 ? (uint64_t) n : 0;
}

static struct v2c_fs *
dir_reopen (struct v2c_fs *fs, struct v2c_err *err)
{
  struct dir_fs *d = (struct dir_fs *) fs;

  return v2c_fs_open_dir (d->root[0] ? d->root : "/", err);
}

static void
dir_free (struct v2c_fs *fs)
{
  struct dir_fs *d = (struct dir_fs *) fs;

  if (d->fd_path)
    close (d->fd);
  free (d->fd_path);
  free (d->root);
}

static const struct v2c_fs_ops dir_ops = {
  .lstat = dir_lstat,
  .read = dir_read,
  .list = dir_list,
  .readlink = dir_readlink,
  .du = dir_du,
  .find = dir_find,
  .free = dir_free,
  .list_lstat = dir_list_lstat,
  .readlinks = dir_readlinks,
  .xattrs = dir_xattrs,
  .pread = dir_pread,
  .checksum = dir_checksum,
  .used_bytes = dir_used_bytes,
  .reopen = dir_reopen,
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
