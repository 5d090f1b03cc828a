/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The guest backend of the filesystem view must answer exactly as the
 * same tree does on the host: the demo fixture's tree (kept by
 * tests/make-fixtures.sh) against its disk image read through one
 * appliance, for every path: type, mode, size, link target, content,
 * directory listing; with /etc preloaded (served from the tar-out
 * cache) and everything else read live.  The tree operations the
 * extractor reads through (lib/fs-tree.h) too: each directory listed
 * with lstat, its symlinks and xattrs in a batch, its files' first
 * chunk, a checksum.
 *
 * The same appliance then writes libguestfs's own tar of the guest
 * (tar-out, as guestfish does it) to tests/demo-ref.tar of the build
 * tree, with the disk's size and mtime in tests/demo-ref.stamp: the
 * ground truth tests/extract-demo.sh compares the image with, without a
 * launch of its own.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <guestfs.h>

#include "fs-tree.h"
#include "inspect.h"
#define UNIT_MAX_FAILURES 20
#include "unit.h"

/* v2c never streams password hashes out of the guest: /etc/shadow and
 * /etc/gshadow are left out of the comparison, and checked on their
 * own (the guest view has their type, mode and owner, never their
 * content). */
static int
hidden (const char *p)
{
  return strncmp (p, "/etc/shadow", 11) == 0
         || strncmp (p, "/etc/gshadow", 12) == 0 || strcmp (p, "shadow") == 0
         || strcmp (p, "gshadow") == 0 || strcmp (p, "shadow-") == 0
         || strcmp (p, "gshadow-") == 0;
}

static void
drop_hidden (char **v)
{
  size_t i, o = 0;

  for (i = 0; v && v[i]; i++) {
    if (hidden (v[i]))
      free (v[i]);
    else
      v[o++] = v[i];
  }
  if (v)
    v[o] = NULL;
}

static int
same_strv (char **a, char **b)
{
  size_t i;

  if (a == NULL || b == NULL)
    return a == b;
  for (i = 0; a[i] && b[i]; i++)
    if (strcmp (a[i], b[i]))
      return 0;
  return a[i] == NULL && b[i] == NULL;
}

static void
compare_path (struct v2c_fs *host, struct v2c_fs *guest, const char *p)
{
  struct v2c_fs_stat hs, gs;

  memset (&hs, 0, sizeof hs);
  memset (&gs, 0, sizeof gs);
  if (v2c_fs_stat (host, p, 1, &hs) == -1) {
    FAIL ("host lstat '%s': %s", p, strerror (errno));
    return;
  }
  if (v2c_fs_stat (guest, p, 1, &gs) == -1) {
    FAIL ("guest lstat '%s': %s", p, strerror (errno));
    return;
  }
  if (hs.type != gs.type || hs.mode != gs.mode
      || (hs.type != V2C_FS_DIR && hs.size != gs.size))
    FAIL ("'%s': host type %d mode %o size %lld, guest type %d mode %o "
          "size %lld", p, hs.type, hs.mode, (long long) hs.size, gs.type,
          gs.mode, (long long) gs.size);
  if (hs.type == V2C_FS_LNK) {
    char *a = v2c_fs_readlink (host, p), *b = v2c_fs_readlink (guest, p);
    if (a == NULL || b == NULL || strcmp (a, b))
      FAIL ("'%s': link '%s' vs '%s'", p, a ? a : "?", b ? b : "?");
    free (a);
    free (b);
  } else if (hs.type == V2C_FS_REG) {
    size_t la = 0, lb = 0;
    /* a file over the limit must be refused alike (EFBIG), sizes are
     * compared above */
    int ea, eb;
    char *a = v2c_fs_read (host, p, 8u << 20, &la);
    ea = a ? 0 : errno;
    char *b = v2c_fs_read (guest, p, 8u << 20, &lb);
    eb = b ? 0 : errno;
    if (a == NULL && b == NULL && ea == EFBIG && eb == EFBIG)
      ;
    else if (a == NULL || b == NULL || la != lb || memcmp (a, b, la))
      FAIL ("'%s': content differs (%zu vs %zu bytes)", p, la, lb);
    free (a);
    free (b);
  } else if (hs.type == V2C_FS_DIR) {
    char **a = v2c_fs_list (host, p), **b = v2c_fs_list (guest, p);
    if (strcmp (p, "/etc") == 0) {
      drop_hidden (a);
      drop_hidden (b);
    }
    if (!same_strv (a, b))
      FAIL ("'%s': directory listings differ", p);
    v2c_strv_free (a);
    v2c_strv_free (b);
  }
}

static int
cmp_dirent (const void *a, const void *b)
{
  return strcmp (((const struct v2c_fs_dirent *) a)->name,
                 ((const struct v2c_fs_dirent *) b)->name);
}

/* The kept-alike attributes of name i: all but SELinux labels, which
 * the host's filesystem may add. */
static void
xattr_text (const struct v2c_fs_xattrs *x, size_t i, char *out, size_t size)
{
  size_t k, pos = 0, o = 0;

  for (k = 0; k < i; k++)
    pos += x->count[k];
  out[0] = '\0';
  for (k = 0; k < x->count[i]; k++, pos++)
    if (strcmp (x->v[pos].name, "security.selinux") != 0 && o < size)
      o += (size_t) snprintf (out + o, size - o, "%s=%zu:%.*s;",
                              x->v[pos].name, x->v[pos].len,
                              (int) x->v[pos].len,
                              (const char *) x->v[pos].value);
}

/* The first chunk of a file, and its sha256 for the small ones. */
static void
compare_data (struct v2c_fs *host, struct v2c_fs *guest, const char *p,
              int64_t size)
{
  struct v2c_err e1 = { 0, "" }, e2 = { 0, "" };
  size_t la = 0, lb = 0;
  char *a = v2c_fs_pread (host, p, 0, 65536, &la, &e1);
  char *b = v2c_fs_pread (guest, p, 0, 65536, &lb, &e2);

  if (a == NULL || b == NULL || la != lb || memcmp (a, b, la))
    FAIL ("'%s': pread differs (%s%s)", p, e1.msg, e2.msg);
  free (a);
  free (b);
  if (size <= 65536) {
    a = v2c_fs_checksum (host, "sha256", p, &e1);
    b = v2c_fs_checksum (guest, "sha256", p, &e2);
    if (a == NULL || b == NULL || strcmp (a, b))
      FAIL ("'%s': sha256 %s vs %s", p, a ? a : e1.msg, b ? b : e2.msg);
    free (a);
    free (b);
  }
}

static void
compare_entries (struct v2c_fs *host, struct v2c_fs *guest, const char *dir,
                 struct v2c_fs_dirent *hv, struct v2c_fs_dirent *gv, size_t n)
{
  struct v2c_err e1 = { 0, "" }, e2 = { 0, "" };
  char **names = calloc (n + 1, sizeof *names), **links, **ta, **tb;
  struct v2c_fs_xattrs xa, xb;
  size_t i, nl = 0;

  links = calloc (n + 1, sizeof *links);
  for (i = 0; names && links && i < n; i++) {
    const struct v2c_fs_lstat *a = &hv[i].st, *b = &gv[i].st;
    char p[4096];

    names[i] = hv[i].name;
    if (strcmp (hv[i].name, gv[i].name) || a->mode != b->mode
        || (!S_ISDIR (a->mode) && a->size != b->size)
        || (S_ISREG (a->mode) && a->nlink != b->nlink)) {
      FAIL ("'%s/%s': lstat differs (mode %o/%o size %lld/%lld)", dir,
            hv[i].name, (unsigned) a->mode, (unsigned) b->mode,
            (long long) a->size, (long long) b->size);
      continue;
    }
    if (S_ISLNK (a->mode))
      links[nl++] = hv[i].name;
    snprintf (p, sizeof p, "%s/%s", dir, hv[i].name);
    if (S_ISREG (a->mode) && !hidden (p))
      compare_data (host, guest, p, a->size);
  }
  ta = nl ? v2c_fs_readlinks (host, dir, links, nl, &e1) : NULL;
  tb = nl ? v2c_fs_readlinks (guest, dir, links, nl, &e2) : NULL;
  if (nl && !same_strv (ta, tb))
    FAIL ("'%s': readlinks differ (%s%s)", dir, e1.msg, e2.msg);
  v2c_strv_free (ta);
  v2c_strv_free (tb);
  if (v2c_fs_xattrs (host, dir, names, n, &xa, &e1) == -1
      || v2c_fs_xattrs (guest, dir, names, n, &xb, &e2) == -1)
    FAIL ("'%s': xattrs: %s%s", dir, e1.msg, e2.msg);
  else {
    for (i = 0; i < n; i++) {
      char ta1[1024], tb1[1024];
      xattr_text (&xa, i, ta1, sizeof ta1);
      xattr_text (&xb, i, tb1, sizeof tb1);
      if (strcmp (ta1, tb1))
        FAIL ("'%s/%s': xattrs '%s' vs '%s'", dir, names[i], ta1, tb1);
    }
    v2c_fs_xattrs_free (&xa);
    v2c_fs_xattrs_free (&xb);
  }
  free (names);
  free (links);
}

/* A directory through the tree operations of both backends. */
static void
compare_tree_dir (struct v2c_fs *host, struct v2c_fs *guest, const char *dir)
{
  struct v2c_err e1 = { 0, "" }, e2 = { 0, "" };
  struct v2c_fs_dirent *hv = NULL, *gv = NULL;
  size_t nh = 0, ng = 0;

  if (v2c_fs_list_lstat (host, dir, 100000, &hv, &nh, &e1) == -1
      || v2c_fs_list_lstat (guest, dir, 100000, &gv, &ng, &e2) == -1)
    FAIL ("'%s': list_lstat: %s%s", dir, e1.msg, e2.msg);
  else if (nh != ng)
    FAIL ("'%s': list_lstat: %zu entries on the host, %zu in the guest",
          dir, nh, ng);
  else {
    if (nh > 1) {  /* an empty listing may be NULL */
      qsort (hv, nh, sizeof *hv, cmp_dirent);
      qsort (gv, ng, sizeof *gv, cmp_dirent);
    }
    compare_entries (host, guest, dir, hv, gv, nh);
  }
  v2c_fs_dirents_free (hv, nh);
  v2c_fs_dirents_free (gv, ng);
}

/* libguestfs's tar of the whole guest, for tests/extract-demo.sh */
static void
write_ref_tar (struct v2c_guest *g, const char *img)
{
  const char *builddir = getenv ("top_builddir");
  char tar[4096], stamp[4096];
  struct stat st;
  FILE *f;

  if (builddir == NULL || stat (img, &st) == -1)
    return;
  snprintf (tar, sizeof tar, "%s/tests/demo-ref.tar", builddir);
  snprintf (stamp, sizeof stamp, "%s/tests/demo-ref.stamp", builddir);
  unlink (stamp);
  if (guestfs_tar_out_opts (v2c_guest_handle (g), "/", tar,
                            GUESTFS_TAR_OUT_OPTS_NUMERICOWNER, 1,
                            GUESTFS_TAR_OUT_OPTS_XATTRS, 1, -1) == -1) {
    FAIL ("tar-out of the guest to %s", tar);
    return;
  }
  f = fopen (stamp, "w");
  if (f == NULL || fprintf (f, "%lld %lld\n", (long long) st.st_size,
                            (long long) st.st_mtime) < 0 || fclose (f) == EOF)
    FAIL ("can't write %s", stamp);
  else
    printf ("ok: libguestfs's tar of the guest in %s\n", tar);
}

int
main (void)
{
  const char *fx = getenv ("V2C_FIXTURES");
  static const char *const preload[] = { "/etc", "/lib/systemd/system",
                                         NULL };
  static const char *const trees[] = { "/etc", "/opt", "/var/lib/dpkg",
                                       "/lib/systemd", "/var/spool",
                                       "/root", NULL };
  char tree[4096], img[4096];
  struct v2c_err err = { 0, "" };
  struct v2c_source *src;
  struct v2c_guest *g;
  struct v2c_fs *host, *guest;
  size_t i, j, n = 0;

  if (fx == NULL) {
    fprintf (stderr, "SKIP: V2C_FIXTURES not set\n");
    return 77;
  }
  snprintf (tree, sizeof tree, "%s/.skip", fx);
  if (access (tree, F_OK) == 0) {
    fprintf (stderr, "SKIP: fixtures could not be built\n");
    return 77;
  }
  snprintf (tree, sizeof tree, "%s/demo-tree", fx);
  snprintf (img, sizeof img, "%s/disk/demo.img", fx);

  host = v2c_fs_open_dir (tree, &err);
  src = v2c_source_new ();
  g = v2c_guest_new ();
  if (host == NULL || v2c_source_open (src, img) == -1
      || v2c_guest_launch (g, src) == -1 || v2c_guest_inspect (g) == -1) {
    fprintf (stderr, "FAIL: %s%s%s\n", err.msg, v2c_source_error (src),
             v2c_guest_error (g));
    return 1;
  }
  guest = v2c_fs_open_guest (v2c_guest_handle (g), &err);
  if (guest == NULL || v2c_fs_guest_preload (guest, preload, 1u << 20, &err)
      == -1) {
    fprintf (stderr, "FAIL: %s\n", err.msg);
    return 1;
  }
  for (i = 0; trees[i]; i++) {
    char **ha = v2c_fs_find (host, trees[i], 100000);
    char **ga = v2c_fs_find (guest, trees[i], 100000);
    size_t nh = 0, ng = 0;

    if (strcmp (trees[i], "/etc") == 0) {
      drop_hidden (ha);
      drop_hidden (ga);
    }
    for (nh = 0; ha && ha[nh]; nh++)
      ;
    for (ng = 0; ga && ga[ng]; ng++)
      ;
    if (ha == NULL || ga == NULL || nh != ng)
      FAIL ("find '%s': host %zu entries, guest %zu", trees[i], nh, ng);
    compare_path (host, guest, trees[i]);
    compare_tree_dir (host, guest, trees[i]);
    for (j = 0; ha && ha[j]; j++) {
      char p[4096];
      struct v2c_fs_stat st;

      snprintf (p, sizeof p, "%s/%s", trees[i], ha[j]);
      compare_path (host, guest, p);
      if (v2c_fs_stat (host, p, 1, &st) == 0 && st.type == V2C_FS_DIR)
        compare_tree_dir (host, guest, p);
      n++;
    }
    v2c_strv_free (ha);
    v2c_strv_free (ga);
  }
  /* following links the guest's way: an absolute target is inside it */
  {
    size_t la, lb;
    char *a = v2c_fs_read (host, "/etc/systemd/system/multi-user.target.wants/nginx.service", 1 << 20, &la);
    char *b = v2c_fs_read (guest, "/etc/systemd/system/multi-user.target.wants/nginx.service", 1 << 20, &lb);
    if (a == NULL || b == NULL || la != lb || memcmp (a, b, la))
      FAIL ("following an absolute unit link differs");
    free (a);
    free (b);
  }
  if (v2c_fs_used_bytes (guest) == 0)
    FAIL ("the guest's filesystems use no bytes");
  /* password hashes are not even in the cache, and are never read;
   * the file's type, mode and owner are known */
  {
    struct v2c_fs_stat hs, gs;
    char *c;

    errno = 0;
    c = v2c_fs_read (guest, "/etc/shadow", 1 << 20, NULL);
    if (c != NULL || errno != EACCES)
      FAIL ("/etc/shadow was streamed from the guest (errno %d)", errno);
    free (c);
    if (v2c_fs_stat (host, "/etc/shadow", 0, &hs) == 0
        && (v2c_fs_stat (guest, "/etc/shadow", 0, &gs) == -1
            || gs.type != hs.type || gs.mode != hs.mode || gs.uid != hs.uid))
      FAIL ("/etc/shadow: the guest view has not its type, mode and owner");
    /* (the group differs: the disk's is shadow, 42, the tree's root) */
    /* the one read of it: the number of password hashes, as in the tree */
    {
      size_t hn = 0, gn = 99;

      if (v2c_fs_password_hashes (host, "/etc/shadow", &hn) == 0
          && (v2c_fs_password_hashes (guest, "/etc/shadow", &gn) == -1
              || gn != hn))
        FAIL ("/etc/shadow: %zu password hashes in the guest, %zu in the "
              "tree", gn, hn);
    }
  }
  v2c_fs_free (guest);
  v2c_fs_free (host);
  write_ref_tar (g, img);
  v2c_guest_free (g);
  v2c_source_free (src);
  if (failures)
    return 1;
  printf ("ok: %zu paths answered alike by the guest and the host tree\n", n);
  return 0;
}
