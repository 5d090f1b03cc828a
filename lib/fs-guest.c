/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The guest backend of struct v2c_fs.  Each libguestfs call is a round
 * trip to the appliance (milliseconds under TCG), and the inspectors
 * read thousands of small files (/etc, the dpkg database, unit files),
 * so the directories they need are preloaded, each in one tar-out
 * stream parsed here with libarchive while the appliance writes it.
 * Lookups under a preloaded directory never go to the appliance; other
 * paths are served by single calls.
 */
#include <config.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <guestfs.h>

#include "fs-private.h"

struct cached {
  char *path;              /* absolute, canonical */
  struct v2c_fs_stat st;
  char *target;            /* symlink target */
  char *content;           /* NULL: not loaded (too large, or not a file) */
  size_t len;
};

/* Answers of live lstat/readlink calls, kept: the guest is mounted
 * read-only, so they can't change, and path resolution asks for the
 * same components ("/lib" of a merged-/usr guest) again and again. */
struct live {
  char *path;
  int errnum;              /* 0, or the lstat's errno */
  struct v2c_fs_stat st;
  char *target;            /* readlink, when asked */
};

#define LIVE_BUCKETS 4096

struct guest_fs {
  struct v2c_fs fs;
  guestfs_h *g;
  struct live *live[LIVE_BUCKETS]; /* open addressing, see live_find */
  size_t nlive;
  struct cached *v;        /* sorted by path once a preload ends */
  size_t n, cap;
  char **covered;          /* preloaded directories */
  size_t ncovered;
};

static int
cmp_cached (const void *a, const void *b)
{
  /* v2c_path_cmp: everything under a directory directly follows it */
  return v2c_path_cmp (((const struct cached *) a)->path,
                       ((const struct cached *) b)->path);
}

static int
is_covered (struct guest_fs *gf, const char *path)
{
  size_t i;

  for (i = 0; i < gf->ncovered; i++) {
    size_t l = strlen (gf->covered[i]);
    if (strncmp (path, gf->covered[i], l) == 0
        && (path[l] == '\0' || path[l] == '/' || l == 1))
      return 1;
  }
  return 0;
}

static struct cached *
lookup (struct guest_fs *gf, const char *path)
{
  struct cached key = { .path = (char *) path };

  if (gf->n == 0)
    return NULL;
  return bsearch (&key, gf->v, gf->n, sizeof key, cmp_cached);
}

/* Run a libguestfs call that writes to a local file name in a thread,
 * giving it the write end of a pipe, while the caller reads the other
 * end: nothing is staged on the host. */
struct pipe_call {
  guestfs_h *g;
  int (*fn) (struct pipe_call *pc, const char *dest);
  const char *path;
  char *const *excludes;   /* tar-out exclude patterns, or NULL */
  int wfd;
  int ret;
  char errmsg[512];
  int errnum;
};

static void *
pipe_thread (void *arg)
{
  struct pipe_call *pc = arg;
  char dest[64];

  /* libguestfs keeps the error handler per thread: this one must not
   * print either */
  guestfs_set_error_handler (pc->g, NULL, NULL);
  snprintf (dest, sizeof dest, "/dev/fd/%d", pc->wfd);
  pc->ret = pc->fn (pc, dest);
  if (pc->ret == -1) {
    const char *e = guestfs_last_error (pc->g);
    snprintf (pc->errmsg, sizeof pc->errmsg, "%s", e ? e : "unknown error");
    pc->errnum = guestfs_last_errno (pc->g);
  }
  close (pc->wfd);
  return NULL;
}

static int
start_pipe_call (struct pipe_call *pc, pthread_t *th, int *rfd)
{
  int fds[2];

  if (pipe2 (fds, O_CLOEXEC) == -1)
    return -1;
  pc->wfd = fds[1];
  if (pthread_create (th, NULL, pipe_thread, pc) != 0) {
    close (fds[0]);
    close (fds[1]);
    errno = EAGAIN;
    return -1;
  }
  *rfd = fds[0];
  return 0;
}

/* Drain what is left so the appliance call can finish, then join. */
static void
finish_pipe_call (pthread_t th, int rfd)
{
  char buf[65536];

  while (read (rfd, buf, sizeof buf) > 0)
    ;
  close (rfd);
  pthread_join (th, NULL);
}

static int
call_tar_out (struct pipe_call *pc, const char *dest)
{
  if (pc->excludes)
    return guestfs_tar_out_opts (pc->g, pc->path, dest,
                                 GUESTFS_TAR_OUT_OPTS_NUMERICOWNER, 1,
                                 GUESTFS_TAR_OUT_OPTS_EXCLUDES, pc->excludes,
                                 -1);
  return guestfs_tar_out_opts (pc->g, pc->path, dest,
                               GUESTFS_TAR_OUT_OPTS_NUMERICOWNER, 1, -1);
}

static int
call_download (struct pipe_call *pc, const char *dest)
{
  return guestfs_download (pc->g, pc->path, dest);
}

static int
add_entry (struct guest_fs *gf, struct cached *c)
{
  if (gf->n == gf->cap) {
    size_t ncap = gf->cap ? gf->cap * 2 : 1024;
    struct cached *nv = realloc (gf->v, ncap * sizeof *nv);
    if (nv == NULL)
      return -1;
    gf->v = nv;
    gf->cap = ncap;
  }
  gf->v[gf->n++] = *c;
  return 0;
}

static void
free_cached (struct cached *c)
{
  free (c->path);
  free (c->target);
  free (c->content);
}

/* Read one tar stream of directory dir into the cache. */
static int
load_tar (struct guest_fs *gf, const char *dir, int rfd, size_t content_max,
          struct v2c_err *err)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *e;
  size_t dlen = strlen (dir);
  int r, ret = -1;

  archive_read_support_format_tar (a);
  if (archive_read_open_fd (a, rfd, 1 << 16) != ARCHIVE_OK) {
    v2c_set_error (err, 0, "can't read the guest's '%s': %s", dir,
                   archive_error_string (a));
    goto out;
  }
  while ((r = archive_read_next_header (a, &e)) == ARCHIVE_OK) {
    const char *name = archive_entry_pathname (e);
    const char *hard = archive_entry_hardlink (e);
    struct cached c;
    char path[PATH_MAX];
    mode_t mode = archive_entry_mode (e);

    if (name == NULL)
      continue;
    if (strncmp (name, "./", 2) == 0)
      name += 2;
    else if (strcmp (name, ".") == 0)
      name = "";
    while (*name == '/')
      name++;
    if (*name == '\0')
      snprintf (path, sizeof path, "%s", dir);
    else if ((size_t) snprintf (path, sizeof path, "%s%s%s", dir,
                                dlen > 1 ? "/" : "", name) >= sizeof path)
      continue;
    {
      size_t pl = strlen (path);
      while (pl > 1 && path[pl - 1] == '/')
        path[--pl] = '\0';
    }
    memset (&c, 0, sizeof c);
    c.path = strdup (path);
    if (c.path == NULL)
      goto oom;
    c.st.type = S_ISREG (mode)   ? V2C_FS_REG
                : S_ISDIR (mode) ? V2C_FS_DIR
                : S_ISLNK (mode) ? V2C_FS_LNK
                                 : V2C_FS_OTHER;
    c.st.mode = mode & 07777;
    c.st.uid = (uint32_t) archive_entry_uid (e);
    c.st.gid = (uint32_t) archive_entry_gid (e);
    c.st.size = archive_entry_size (e);
    c.st.mtime = archive_entry_mtime (e);
    if (c.st.type == V2C_FS_LNK) {
      const char *t = archive_entry_symlink (e);
      c.target = strdup (t ? t : "");
      if (c.target == NULL)
        goto oom_entry;
      c.st.size = (int64_t) strlen (c.target);
    } else if (hard) {
      /* A hard link: same inode as an earlier entry of this stream. */
      char hpath[PATH_MAX];
      struct cached *h = NULL;
      size_t i;

      if (strncmp (hard, "./", 2) == 0)
        hard += 2;
      snprintf (hpath, sizeof hpath, "%s%s%s", dir, dlen > 1 ? "/" : "",
                hard);
      for (i = gf->n; i-- > 0;)
        if (strcmp (gf->v[i].path, hpath) == 0) {
          h = &gf->v[i];
          break;
        }
      if (h) {
        c.st = h->st;
        if (h->content && (c.content = malloc (h->len + 1))) {
          memcpy (c.content, h->content, h->len + 1);
          c.len = h->len;
        }
      }
    } else if (c.st.type == V2C_FS_REG && c.st.size >= 0
               && (uint64_t) c.st.size <= content_max) {
      size_t want = (size_t) c.st.size;
      la_ssize_t got;

      c.content = malloc (want + 1);
      if (c.content == NULL)
        goto oom_entry;
      c.len = 0;
      while (c.len < want
             && (got = archive_read_data (a, c.content + c.len,
                                          want - c.len)) > 0)
        c.len += (size_t) got;
      c.content[c.len] = '\0';
    }
    if (add_entry (gf, &c) == -1)
      goto oom_entry;
    continue;
  oom_entry:
    free_cached (&c);
    goto oom;
  }
  if (r == ARCHIVE_EOF)
    ret = 0;
  else
    v2c_set_error (err, 0, "can't read the guest's '%s': %s", dir,
                   archive_error_string (a));
  goto out;
 oom:
  v2c_set_error (err, ENOMEM, "out of memory reading the guest's '%s'", dir);
 out:
  archive_read_free (a);
  return ret;
}

static const char *const shadow_files[] = {
  "./shadow", "./shadow-", "./gshadow", "./gshadow-", NULL
};

static int
is_shadow (const char *path)
{
  size_t i;

  if (strncmp (path, "/etc/", 5) != 0)
    return 0;
  for (i = 0; shadow_files[i]; i++)
    if (strcmp (path + 5, shadow_files[i] + 2) == 0)
      return 1;
  return 0;
}

/* The password hash files are left out of /etc's stream, but their
 * type, mode and owner are known (the secret scan lists them without
 * reading them). */
static int
shadow_stats (struct guest_fs *gf, struct v2c_err *err)
{
  size_t i;

  for (i = 0; shadow_files[i]; i++) {
    struct guestfs_statns *s;
    struct cached c;
    char path[32];

    snprintf (path, sizeof path, "/etc/%s", shadow_files[i] + 2);
    s = guestfs_lstatns (gf->g, path);
    if (s == NULL)
      continue;     /* absent, or not readable: nothing to list */
    memset (&c, 0, sizeof c);
    c.st.type = S_ISREG (s->st_mode) ? V2C_FS_REG
                : S_ISLNK (s->st_mode) ? V2C_FS_LNK : V2C_FS_OTHER;
    c.st.mode = (uint32_t) s->st_mode & 07777;
    c.st.uid = (uint32_t) s->st_uid;
    c.st.gid = (uint32_t) s->st_gid;
    c.st.size = s->st_size;
    c.st.mtime = s->st_mtime_sec;
    guestfs_free_statns (s);
    if (c.st.type == V2C_FS_LNK)
      continue;     /* a link's target would need reading: rare, skipped */
    if ((c.path = strdup (path)) == NULL || add_entry (gf, &c) == -1) {
      free (c.path);
      return v2c_set_error (err, ENOMEM, "out of memory");
    }
  }
  return 0;
}

int
v2c_fs_guest_preload (struct v2c_fs *fs, const char *const *dirs,
                      size_t content_max, struct v2c_err *err)
{
  struct guest_fs *gf = (struct guest_fs *) fs;
  size_t i;

  /* another backend has everything at hand already */
  if (fs->tree != &v2c_fs_guest_tree_ops)
    return 0;
  for (i = 0; dirs[i]; i++) {
    char real[PATH_MAX];
    struct v2c_fs_stat st;
    struct pipe_call pc;
    pthread_t th;
    char **nc;
    int rfd, r;

    if (v2c_fs_resolve (fs, dirs[i], 0, real) == -1) {
      if (errno == ENOENT || errno == ENOTDIR)
        continue;
      return v2c_set_error (err, errno, "can't resolve the guest's '%s'",
                            dirs[i]);
    }
    if (is_covered (gf, real))
      continue;
    memset (&st, 0, sizeof st);
    if (fs->ops->lstat (fs, real, &st) == -1) {
      /* absent: remember that, so lookups under it cost nothing */
      if (errno != ENOENT)
        continue;
    } else if (st.type != V2C_FS_DIR) {
      continue;
    } else {
      memset (&pc, 0, sizeof pc);
      pc.g = gf->g;
      pc.fn = call_tar_out;
      pc.path = real;
      /* Password hashes are never read into v2c, not even in memory. */
      if (strcmp (real, "/etc") == 0)
        pc.excludes = (char *const *) shadow_files;
      if (start_pipe_call (&pc, &th, &rfd) == -1)
        return v2c_set_error (err, errno, "can't stream the guest's '%s'",
                              real);
      r = load_tar (gf, real, rfd, content_max, err);
      finish_pipe_call (th, rfd);
      if (r == -1)
        return -1;
      if (pc.excludes && shadow_stats (gf, err) == -1)
        return -1;
      if (pc.ret == -1)
        return v2c_set_error (err, pc.errnum,
                              "can't stream the guest's '%s': %s", real,
                              pc.errmsg);
      qsort (gf->v, gf->n, sizeof *gf->v, cmp_cached);
    }
    nc = realloc (gf->covered, (gf->ncovered + 1) * sizeof *nc);
    if (nc == NULL || (nc[gf->ncovered] = strdup (real)) == NULL) {
      if (nc)
        gf->covered = nc;
      return v2c_set_error (err, ENOMEM, "out of memory");
    }
    gf->covered = nc;
    gf->ncovered++;
  }
  return 0;
}

static int
set_errno_from_guestfs (guestfs_h *g)
{
  int e = guestfs_last_errno (g);
  errno = e ? e : EIO;
  return -1;
}

static size_t
hash_path (const char *p)
{
  size_t h = 5381;

  while (*p)
    h = h * 33 + (unsigned char) *p++;
  return h;
}

/* The live answer for path, or NULL (then *slot is where to add it).
 * A fixed table of LIVE_BUCKETS with linear probing; past 3/4 full the
 * memo stops growing and calls simply go to the appliance. */
static struct live *
live_find (struct guest_fs *gf, const char *path, size_t *slot)
{
  size_t h = hash_path (path) % LIVE_BUCKETS, i;

  for (i = 0; i < LIVE_BUCKETS; i++) {
    size_t k = (h + i) % LIVE_BUCKETS;
    if (gf->live[k] == NULL) {
      *slot = k;
      return NULL;
    }
    if (strcmp (gf->live[k]->path, path) == 0)
      return gf->live[k];
  }
  *slot = (size_t) -1;
  return NULL;
}

static struct live *
live_add (struct guest_fs *gf, const char *path, size_t slot)
{
  struct live *l;

  if (slot == (size_t) -1 || gf->nlive >= LIVE_BUCKETS * 3 / 4)
    return NULL;
  l = calloc (1, sizeof *l);
  if (l == NULL || (l->path = strdup (path)) == NULL) {
    free (l);
    return NULL;
  }
  gf->live[slot] = l;
  gf->nlive++;
  return l;
}

static int
guest_lstat (struct v2c_fs *fs, const char *path, struct v2c_fs_stat *st)
{
  struct guest_fs *gf = (struct guest_fs *) fs;
  struct guestfs_statns *s;
  struct live *l;
  size_t slot;

  if (is_covered (gf, path)) {
    struct cached *c = lookup (gf, path);
    if (c == NULL) {
      errno = ENOENT;
      return -1;
    }
    *st = c->st;
    return 0;
  }
  l = live_find (gf, path, &slot);
  if (l) {
    if (l->errnum) {
      errno = l->errnum;
      return -1;
    }
    *st = l->st;
    return 0;
  }
  s = guestfs_lstatns (gf->g, path);
  if (s == NULL) {
    set_errno_from_guestfs (gf->g);
    if ((errno == ENOENT || errno == ENOTDIR)
        && (l = live_add (gf, path, slot)) != NULL)
      l->errnum = errno;
    return -1;
  }
  st->type = S_ISREG (s->st_mode)   ? V2C_FS_REG
             : S_ISDIR (s->st_mode) ? V2C_FS_DIR
             : S_ISLNK (s->st_mode) ? V2C_FS_LNK
                                    : V2C_FS_OTHER;
  st->mode = (uint32_t) s->st_mode & 07777;
  st->uid = (uint32_t) s->st_uid;
  st->gid = (uint32_t) s->st_gid;
  st->size = s->st_size;
  st->mtime = s->st_mtime_sec;
  guestfs_free_statns (s);
  if ((l = live_add (gf, path, slot)) != NULL)
    l->st = *st;
  return 0;
}

static char *
guest_read (struct v2c_fs *fs, const char *path, size_t max, size_t *len)
{
  struct guest_fs *gf = (struct guest_fs *) fs;
  struct cached *c = is_covered (gf, path) ? lookup (gf, path) : NULL;
  struct pipe_call pc;
  pthread_t th;
  char *buf = NULL;
  size_t have = 0, cap = 0;
  int rfd;

  if (c && c->content == NULL && is_shadow (path)) {
    errno = EACCES;     /* password hashes are never read */
    return NULL;
  }
  if (c && c->content) {
    char *copy = malloc (c->len + 1);
    if (copy == NULL)
      return NULL;
    memcpy (copy, c->content, c->len + 1);
    if (len)
      *len = c->len;
    return copy;
  }
  /* Small enough for one message: one round trip. */
  if (!c && max <= (2u << 20)) {
    size_t sz;
    char *r = guestfs_read_file (gf->g, path, &sz), *copy;

    if (r == NULL) {
      set_errno_from_guestfs (gf->g);
      return NULL;
    }
    if (sz > max) {
      free (r);
      errno = EFBIG;
      return NULL;
    }
    copy = realloc (r, sz + 1);
    if (copy == NULL) {
      free (r);
      return NULL;
    }
    copy[sz] = '\0';
    if (len)
      *len = sz;
    return copy;
  }
  /* Larger than the cache keeps, or outside it: stream it. */
  memset (&pc, 0, sizeof pc);
  pc.g = gf->g;
  pc.fn = call_download;
  pc.path = path;
  if (start_pipe_call (&pc, &th, &rfd) == -1)
    return NULL;
  for (;;) {
    ssize_t r;

    if (have + 65536 + 1 > cap) {
      size_t ncap = cap ? cap * 2 : 65536 * 2;
      char *nb;
      if (ncap > max + 65536 + 1)
        ncap = max + 65536 + 1;
      nb = realloc (buf, ncap);
      if (nb == NULL)
        break;
      buf = nb;
      cap = ncap;
    }
    r = read (rfd, buf + have, cap - have - 1);
    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    have += (size_t) r;
    if (have > max)
      break;
  }
  finish_pipe_call (th, rfd);
  if (pc.ret == -1 || buf == NULL || have > max) {
    int e = have > max ? EFBIG : pc.errnum ? pc.errnum : EIO;
    free (buf);
    errno = e;
    return NULL;
  }
  buf[have] = '\0';
  if (len)
    *len = have;
  return buf;
}

static char **
guest_list (struct v2c_fs *fs, const char *path)
{
  struct guest_fs *gf = (struct guest_fs *) fs;
  char **v;
  size_t i, plen = strlen (path);

  if (is_covered (gf, path)) {
    struct cached *c = lookup (gf, path);
    struct cached key = { .path = (char *) path };
    size_t lo = 0, hi = gf->n;
    struct v2c_strvec sv = V2C_STRVEC_INIT;

    if (c == NULL) {
      errno = ENOENT;
      return NULL;
    }
    if (c->st.type != V2C_FS_DIR) {
      errno = ENOTDIR;
      return NULL;
    }
    /* entries under path sort right after it */
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (cmp_cached (&gf->v[mid], &key) <= 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    for (i = lo; i < gf->n; i++) {
      const char *p = gf->v[i].path, *rest;

      if (plen == 1 ? p[0] != '/' : (strncmp (p, path, plen) || p[plen] != '/'))
        break;
      rest = p + (plen == 1 ? 1 : plen + 1);
      if (*rest == '\0' || strchr (rest, '/'))
        continue;
      if (v2c_strvec_push (&sv, rest) == -1) {
        v2c_strvec_clear (&sv);
        errno = ENOMEM;
        return NULL;
      }
    }
    if ((v = v2c_fs_strvec_result (&sv)) == NULL)
      errno = ENOMEM;
    return v;
  }
  v = guestfs_ls (gf->g, path);
  if (v == NULL) {
    set_errno_from_guestfs (gf->g);
    return NULL;
  }
  return v;
}

static char *
guest_readlink (struct v2c_fs *fs, const char *path)
{
  struct guest_fs *gf = (struct guest_fs *) fs;
  char *t;

  if (is_covered (gf, path)) {
    struct cached *c = lookup (gf, path);
    if (c == NULL || c->st.type != V2C_FS_LNK) {
      errno = c ? EINVAL : ENOENT;
      return NULL;
    }
    return strdup (c->target);
  }
  {
    size_t slot;
    struct live *l = live_find (gf, path, &slot);

    if (l && l->target)
      return strdup (l->target);
    t = guestfs_readlink (gf->g, path);
    if (t == NULL) {
      set_errno_from_guestfs (gf->g);
      return NULL;
    }
    if (l == NULL)
      l = live_add (gf, path, slot);
    if (l && l->target == NULL)
      l->target = strdup (t);
    return t;
  }
}

static int64_t
guest_du (struct v2c_fs *fs, const char *path)
{
  struct guest_fs *gf = (struct guest_fs *) fs;
  int64_t kib = guestfs_du (gf->g, path);

  if (kib == -1)
    return set_errno_from_guestfs (gf->g);
  return kib * 1024;
}

static int
call_find0 (struct pipe_call *pc, const char *dest)
{
  return guestfs_find0 (pc->g, pc->path, dest);
}

static char **
guest_find (struct v2c_fs *fs, const char *path, size_t max)
{
  struct guest_fs *gf = (struct guest_fs *) fs;
  struct pipe_call pc;
  pthread_t th;
  struct v2c_strvec sv = V2C_STRVEC_INIT;
  char **v, name[PATH_MAX];
  size_t nl = 0;
  int rfd, failed = 0;

  if (is_covered (gf, path)) {
    size_t plen = strlen (path), i;
    struct cached *c = lookup (gf, path);

    if (c == NULL || c->st.type != V2C_FS_DIR) {
      errno = c ? ENOTDIR : ENOENT;
      return NULL;
    }
    /* sorted: everything under path follows it */
    for (i = (size_t) (c - gf->v) + 1; i < gf->n && sv.n < max; i++) {
      const char *p = gf->v[i].path;
      if (plen > 1 && (strncmp (p, path, plen) || p[plen] != '/'))
        break;
      if (v2c_strvec_push (&sv, p + (plen == 1 ? 1 : plen + 1)) == -1) {
        v2c_strvec_clear (&sv);
        errno = ENOMEM;
        return NULL;
      }
    }
    if ((v = v2c_fs_strvec_result (&sv)) == NULL)
      errno = ENOMEM;
    return v;
  }
  memset (&pc, 0, sizeof pc);
  pc.g = gf->g;
  pc.fn = call_find0;
  pc.path = path;
  if (start_pipe_call (&pc, &th, &rfd) == -1)
    return NULL;
  /* NUL-separated names, streamed: keep at most max */
  for (;;) {
    char buf[65536];
    ssize_t r = read (rfd, buf, sizeof buf), i;

    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    for (i = 0; i < r; i++) {
      if (buf[i] != '\0') {
        if (nl < sizeof name - 1)
          name[nl++] = buf[i];
        continue;
      }
      name[nl] = '\0';
      nl = 0;
      /* find0 writes "/sub/name": keep them relative, like the others */
      if (sv.n < max && !failed && name[0]
          && v2c_strvec_push (&sv, name + (name[0] == '/')) == -1)
        failed = 1;
    }
  }
  finish_pipe_call (th, rfd);
  if (pc.ret == -1 || failed) {
    v2c_strvec_clear (&sv);
    errno = failed ? ENOMEM : pc.errnum ? pc.errnum : EIO;
    return NULL;
  }
  if ((v = v2c_fs_strvec_result (&sv)) == NULL)
    errno = ENOMEM;
  return v;
}

static void
guest_free (struct v2c_fs *fs)
{
  struct guest_fs *gf = (struct guest_fs *) fs;
  size_t i;

  for (i = 0; i < gf->n; i++)
    free_cached (&gf->v[i]);
  free (gf->v);
  for (i = 0; i < gf->ncovered; i++)
    free (gf->covered[i]);
  free (gf->covered);
  for (i = 0; i < LIVE_BUCKETS; i++)
    if (gf->live[i]) {
      free (gf->live[i]->path);
      free (gf->live[i]->target);
      free (gf->live[i]);
    }
}

/* The one read of a password database: straight from the appliance,
 * never through the cache (lib/fs.c counts the hashes and wipes it). */
static char *
guest_read_account_db (struct v2c_fs *fs, const char *path, size_t max,
                       size_t *len)
{
  struct guest_fs *gf = (struct guest_fs *) fs;
  size_t sz;
  char *r = guestfs_read_file (gf->g, path, &sz), *copy;

  if (r == NULL) {
    errno = guestfs_last_errno (gf->g) ? guestfs_last_errno (gf->g) : EIO;
    return NULL;
  }
  if (sz > max) {
    explicit_bzero (r, sz);
    free (r);
    errno = EFBIG;
    return NULL;
  }
  copy = malloc (sz + 1);
  if (copy) {
    memcpy (copy, r, sz);
    copy[sz] = '\0';
    *len = sz;
  }
  explicit_bzero (r, sz);
  free (r);
  return copy;
}

static const struct v2c_fs_ops guest_ops = {
  .read_account_db = guest_read_account_db,
  .lstat = guest_lstat,
  .read = guest_read,
  .list = guest_list,
  .readlink = guest_readlink,
  .du = guest_du,
  .find = guest_find,
  .free = guest_free,
};

void *
v2c_fs_guest_h (struct v2c_fs *fs)
{
  return ((struct guest_fs *) fs)->g;
}

struct v2c_fs *
v2c_fs_open_guest (void *guestfs_handle, struct v2c_err *err)
{
  struct guest_fs *gf;

  if (guestfs_handle == NULL) {
    v2c_set_error (err, 0, "guest not launched");
    return NULL;
  }
  gf = calloc (1, sizeof *gf);
  if (gf == NULL) {
    v2c_set_error (err, errno, "out of memory");
    return NULL;
  }
  gf->fs.ops = &guest_ops;
  gf->fs.tree = &v2c_fs_guest_tree_ops;
  gf->g = guestfs_handle;
  return &gf->fs;
}
