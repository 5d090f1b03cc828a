/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Test helpers shared by tests/test-layer.c and tests/test-oci.c: build a
 * tree on disk with the cases a guest has (setuid, sticky, symlinks, a
 * hard link, xattrs, a sparse file, other owners, fixed mtimes), walk it
 * in layer order, and feed it to a layer writer.  The tree on disk, as
 * the kernel reports it, is the ground truth the tests compare with.
 */
#ifndef V2C_TEST_IMAGE_TREE_H
#define V2C_TEST_IMAGE_TREE_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "image.h"

#define TREE_RANDOM_SIZE (20u << 20)
#define TREE_MAX_XATTRS 8

struct tent {
  char *path; /* relative */
  struct stat st;
  char *link;     /* symlink target */
  char *hardlink; /* earlier path with the same inode */
  size_t nx;
  char *xname[TREE_MAX_XATTRS];
  unsigned char *xval[TREE_MAX_XATTRS];
  size_t xlen[TREE_MAX_XATTRS];
  uint64_t *sparse; /* pairs; NULL when not sparse */
  size_t nsparse;
};

struct tree {
  char *root;
  struct tent *v;
  size_t n;
};

static void __attribute__ ((noreturn, format (printf, 1, 2)))
tree_die (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fprintf (stderr, "FAIL: ");
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fprintf (stderr, "\n");
  exit (1);
}

static void
tree_write (const char *root, const char *rel, const void *buf, size_t len,
            off_t off)
{
  char p[4096];
  int fd;

  snprintf (p, sizeof p, "%s/%s", root, rel);
  fd = open (p, O_WRONLY | O_CREAT, 0644);
  if (fd == -1 || pwrite (fd, buf, len, off) != (ssize_t) len || close (fd))
    tree_die ("can't write %s: %s", p, strerror (errno));
}

static void
tree_do (int r, const char *what, const char *path)
{
  if (r == -1)
    tree_die ("%s %s: %s", what, path, strerror (errno));
}

/* Owner, mode, xattrs, mtime in the order the kernel needs: chown clears
 * setuid and security.capability, so it comes first. */
static void
tree_meta (const char *root, const char *rel, uid_t uid, gid_t gid,
           mode_t mode, time_t mtime, int symlink)
{
  char p[4096];
  struct timespec ts[2] = { { mtime, 0 }, { mtime, 0 } };

  snprintf (p, sizeof p, "%s/%s", root, rel);
  if (geteuid () == 0)
    tree_do (lchown (p, uid, gid), "chown", p);
  if (!symlink)
    tree_do (chmod (p, mode), "chmod", p);
  tree_do (utimensat (AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW), "utimensat", p);
}

/* The tree.  sparse_size: logical size of the sparse file. */
static void
tree_make (const char *root, int64_t sparse_size)
{
  static const unsigned char cap[20] = { 0x01, 0, 0, 0x02, 0, 0x04 };
  char p[4096], *buf;
  uint64_t x = 0x9e3779b97f4a7c15ull;
  int is_root = geteuid () == 0;

  tree_do (mkdir (root, 0755), "mkdir", root);
#define D(rel)                                                                \
  do {                                                                        \
    snprintf (p, sizeof p, "%s/%s", root, rel);                               \
    tree_do (mkdir (p, 0755), "mkdir", p);                                    \
  } while (0)
#define L(target, rel)                                                        \
  do {                                                                        \
    snprintf (p, sizeof p, "%s/%s", root, rel);                               \
    tree_do (symlink (target, p), "symlink", p);                              \
  } while (0)
  D ("a");
  D ("a/b");
  tree_write (root, "a/b/f", "a/b/f\n", 6, 0);
  tree_write (root, "a-b", "a-b\n", 4, 0);
  tree_write (root, "a.b", "a.b\n", 4, 0);
  L ("/etc/passwd", "abs");
  D ("bin");
  tree_write (root, "bin/dash", "#!dash\n", 7, 0);
  tree_write (root, "bin/ping",
              "\x7f"
              "ELFping",
              8, 0);
  L ("dash", "bin/sh");
  D ("data");
  buf = malloc (TREE_RANDOM_SIZE);
  if (buf == NULL)
    tree_die ("out of memory");
  for (size_t i = 0; i < TREE_RANDOM_SIZE; i += 8) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    memcpy (buf + i, &x, 8);
  }
  tree_write (root, "data/random", buf, TREE_RANDOM_SIZE, 0);
  tree_write (root, "data/sparse", buf, 4096, 0);
  tree_write (root, "data/sparse", buf + 8192, 3000, sparse_size / 2);
  tree_write (root, "data/sparse", buf + 20000, 100, sparse_size - 100);
  free (buf);
  tree_write (root, "empty", "", 0, 0);
  D ("etc");
  tree_write (root, "etc/passwd", "root:x:0:0::/root:/bin/sh\n", 26, 0);
  snprintf (p, sizeof p, "%s/etc/passwd", root);
  tree_do (setxattr (p, "user.x", "hello", 5, 0), "setxattr user.x", p);
  {
    char q[4096];
    snprintf (q, sizeof q, "%s/etc/passwd-hl", root);
    tree_do (link (p, q), "link", q);
  }
  D ("home");
  D ("home/app");
  tree_write (root, "home/app/file", "app data\n", 9, 0);
  D ("tmp");

  tree_meta (root, "a/b/f", 0, 0, 0644, 1600000001, 0);
  tree_meta (root, "a/b", 0, 0, 0755, 1600000002, 0);
  tree_meta (root, "a", 0, 0, 0755, 1600000003, 0);
  tree_meta (root, "a-b", 0, 0, 0600, 1600000004, 0);
  tree_meta (root, "a.b", 0, 0, 0444, 1600000005, 0);
  tree_meta (root, "abs", 0, 0, 0777, 1600000006, 1);
  tree_meta (root, "bin/dash", 0, 0, 0755, 1600000007, 0);
  tree_meta (root, "bin/ping", 0, 0, 04755, 1600000008, 0);
  if (is_root) {
    snprintf (p, sizeof p, "%s/bin/ping", root);
    tree_do (setxattr (p, "security.capability", cap, sizeof cap, 0),
             "setxattr security.capability", p);
  }
  tree_meta (root, "bin/sh", 0, 0, 0777, 1600000009, 1);
  tree_meta (root, "bin", 0, 0, 0755, 1600000010, 0);
  tree_meta (root, "data/random", 0, 0, 0644, 1600000011, 0);
  tree_meta (root, "data/sparse", 0, 0, 0640, 1600000012, 0);
  tree_meta (root, "data", 0, 0, 0755, 1600000013, 0);
  tree_meta (root, "empty", 0, 0, 0644, 1600000014, 0);
  tree_meta (root, "etc/passwd", 0, 0, 0644, 1600000015, 0);
  tree_meta (root, "etc", 0, 0, 0755, 1600000016, 0);
  tree_meta (root, "home/app/file", 1001, 1001, 0640, 1600000017, 0);
  tree_meta (root, "home/app", 1001, 1001, 0750, 1600000018, 0);
  tree_meta (root, "home", 0, 0, 0755, 1600000019, 0);
  tree_meta (root, "tmp", 0, 0, 01777, 1600000020, 0);
#undef D
#undef L
}

/* The order of the brief, written independently of the library: compare
 * with '/' mapped below every other byte. */
static int
tree_order (const char *a, const char *b)
{
  for (;; a++, b++) {
    int x = *a == '/' ? 1 : *a ? (unsigned char) *a + 1 : 0;
    int y = *b == '/' ? 1 : *b ? (unsigned char) *b + 1 : 0;
    if (x != y)
      return x < y ? -1 : 1;
    if (x == 0)
      return 0;
  }
}

static int
tree_cmp_ent (const void *a, const void *b)
{
  return tree_order (((const struct tent *) a)->path,
                     ((const struct tent *) b)->path);
}

static void
tree_collect (struct tree *t, const char *rel)
{
  char p[4096];
  DIR *d;
  struct dirent *e;

  snprintf (p, sizeof p, "%s%s%s", t->root, rel[0] ? "/" : "", rel);
  d = opendir (p);
  if (d == NULL)
    tree_die ("opendir %s: %s", p, strerror (errno));
  while ((e = readdir (d)) != NULL) {
    struct tent *te;
    char q[4096];
    if (!strcmp (e->d_name, ".") || !strcmp (e->d_name, ".."))
      continue;
    t->v = realloc (t->v, (t->n + 1) * sizeof *t->v);
    te = &t->v[t->n++];
    memset (te, 0, sizeof *te);
    snprintf (q, sizeof q, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
    te->path = strdup (q);
    snprintf (q, sizeof q, "%s/%s", t->root, te->path);
    tree_do (lstat (q, &te->st), "lstat", q);
    if (S_ISDIR (te->st.st_mode))
      tree_collect (t, te->path);
  }
  closedir (d);
}

static void
tree_details (struct tree *t, struct tent *te)
{
  char p[4096], names[4096];
  ssize_t nl;

  snprintf (p, sizeof p, "%s/%s", t->root, te->path);
  if (S_ISLNK (te->st.st_mode)) {
    char l[4096];
    ssize_t n = readlink (p, l, sizeof l - 1);
    tree_do (n, "readlink", p);
    l[n] = '\0';
    te->link = strdup (l);
    return;
  }
  nl = llistxattr (p, names, sizeof names);
  tree_do (nl, "llistxattr", p);
  for (char *n = names; n < names + nl; n += strlen (n) + 1) {
    unsigned char v[4096];
    ssize_t len = lgetxattr (p, n, v, sizeof v);
    tree_do (len, "lgetxattr", p);
    if (te->nx == TREE_MAX_XATTRS)
      tree_die ("too many xattrs on %s", p);
    te->xname[te->nx] = strdup (n);
    te->xval[te->nx] = malloc ((size_t) len + 1);
    memcpy (te->xval[te->nx], v, (size_t) len);
    te->xlen[te->nx++] = (size_t) len;
  }
  if (S_ISREG (te->st.st_mode)
      && (int64_t) te->st.st_blocks * 512 < (int64_t) te->st.st_size) {
    int fd = open (p, O_RDONLY);
    off_t pos = 0, end = te->st.st_size;
    size_t cap = 0;
    tree_do (fd, "open", p);
    te->sparse = calloc (1, 2 * sizeof *te->sparse);
    cap = 1;
    while (pos < end) {
      off_t data = lseek (fd, pos, SEEK_DATA), hole;
      if (data == -1 && errno == ENXIO)
        break;
      tree_do ((int) (data == -1 ? -1 : 0), "SEEK_DATA", p);
      hole = lseek (fd, data, SEEK_HOLE);
      tree_do ((int) (hole == -1 ? -1 : 0), "SEEK_HOLE", p);
      if (te->nsparse == cap) {
        cap *= 2;
        te->sparse = realloc (te->sparse, cap * 2 * sizeof *te->sparse);
      }
      te->sparse[2 * te->nsparse] = (uint64_t) data;
      te->sparse[2 * te->nsparse + 1] = (uint64_t) (hole - data);
      te->nsparse++;
      pos = hole;
    }
    close (fd);
  }
}

/* Every path under root, in layer order, with hard links resolved to
 * the first path of their inode. */
static void
tree_walk (struct tree *t, const char *root)
{
  t->root = strdup (root);
  t->v = NULL;
  t->n = 0;
  tree_collect (t, "");
  qsort (t->v, t->n, sizeof *t->v, tree_cmp_ent);
  for (size_t i = 0; i < t->n; i++) {
    tree_details (t, &t->v[i]);
    if (!S_ISREG (t->v[i].st.st_mode) || t->v[i].st.st_nlink < 2)
      continue;
    for (size_t j = 0; j < i; j++)
      if (t->v[j].st.st_ino == t->v[i].st.st_ino
          && t->v[j].st.st_dev == t->v[i].st.st_dev) {
        t->v[i].hardlink = t->v[j].path;
        break;
      }
  }
}

static void
tree_free (struct tree *t)
{
  for (size_t i = 0; i < t->n; i++) {
    free (t->v[i].path);
    free (t->v[i].link);
    free (t->v[i].sparse);
    for (size_t k = 0; k < t->v[i].nx; k++) {
      free (t->v[i].xname[k]);
      free (t->v[i].xval[k]);
    }
  }
  free (t->v);
  free (t->root);
}

/* Feed entries [from, to) to w: the data of regular files is read from
 * disk (only the data segments of a sparse file). */
static void
tree_feed (struct v2c_layer_writer *w, struct tree *t, size_t from, size_t to)
{
  static char buf[1 << 16];

  for (size_t i = from; i < to; i++) {
    struct tent *te = &t->v[i];
    struct v2c_xattr xs[TREE_MAX_XATTRS];
    struct v2c_layer_entry e = { 0 };
    char p[4096];

    for (size_t k = 0; k < te->nx; k++) {
      xs[k].name = te->xname[k];
      xs[k].value = te->xval[k];
      xs[k].len = te->xlen[k];
    }
    e.path = te->path;
    e.mode = te->st.st_mode & 07777;
    e.uid = te->st.st_uid;
    e.gid = te->st.st_gid;
    e.uname = te->st.st_uid == 0 ? "root" : NULL;
    e.gname = te->st.st_gid == 0 ? "root" : NULL;
    e.mtime = te->st.st_mtim.tv_sec;
    e.mtime_nsec = (uint32_t) te->st.st_mtim.tv_nsec;
    e.xattrs = xs;
    e.nxattrs = te->nx;
    if (S_ISDIR (te->st.st_mode))
      e.type = V2C_FS_DIR;
    else if (S_ISLNK (te->st.st_mode)) {
      e.type = V2C_FS_LNK;
      e.link_target = te->link;
    } else if (te->hardlink) {
      e.type = V2C_LAYER_HARDLINK;
      e.link_target = te->hardlink;
    } else {
      e.type = V2C_FS_REG;
      e.size = te->st.st_size;
      e.sparse = te->sparse;
      e.nsparse = te->nsparse;
    }
    if (v2c_layer_writer_add (w, &e) == -1)
      tree_die ("add %s: %s", te->path, v2c_layer_writer_error (w));
    if (e.type != V2C_FS_REG)
      continue;
    snprintf (p, sizeof p, "%s/%s", t->root, te->path);
    int fd = open (p, O_RDONLY);
    tree_do (fd, "open", p);
    size_t nseg = te->sparse ? te->nsparse : 1;
    for (size_t s = 0; s < nseg; s++) {
      uint64_t off = te->sparse ? te->sparse[2 * s] : 0;
      uint64_t len
          = te->sparse ? te->sparse[2 * s + 1] : (uint64_t) te->st.st_size;
      while (len > 0) {
        size_t k = len < sizeof buf ? (size_t) len : sizeof buf;
        ssize_t r = pread (fd, buf, k, (off_t) off);
        if (r <= 0)
          tree_die ("read %s: %s", p, r ? strerror (errno) : "short");
        if (v2c_layer_writer_write_data (w, buf, (size_t) r) == -1)
          tree_die ("write_data %s: %s", te->path, v2c_layer_writer_error (w));
        off += (uint64_t) r;
        len -= (uint64_t) r;
      }
    }
    close (fd);
  }
}

#endif /* V2C_TEST_IMAGE_TREE_H */
