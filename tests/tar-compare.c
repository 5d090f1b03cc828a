/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* tar-compare: does the union of the layers of an image equal a reference
 * tar of the guest filesystem (written by guestfish tar-out, not by v2c)?
 *
 *   tar-compare [--missing PATTERN]... [--absent PATTERN]...
 *               [--ignore-mtime-dirs] [--layers-only] REF.tar LAYER...
 *
 * The layers are applied in order as an overlay (OCI whiteouts honoured).
 * Every path of the image must be in the reference with the same type,
 * permission bits, owner, size, content, link target, xattrs and mtime.
 * Every path of the reference must be in the image unless a --missing or
 * --absent pattern covers it (device nodes, fifos and sockets may always
 * be missing).  --absent paths must not be in the image.  --layers-only
 * checks the image's paths against the reference and skips the check that
 * the reference's paths are all in the image.
 *
 * Exit 0: equal, 1: differences, 2: usage or read error.
 */
#include <config.h>

#include <archive.h>
#include <archive_entry.h>
#include <getopt.h>
#include <inttypes.h>
#include <locale.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHA_LEN 32
/* Bounds for hostile archives: test trees are far smaller. */
#define MAX_ENTRIES 4000000
#define MAX_PATH_LEN 65536
#define MAX_XATTRS 4096
#define MAX_PATTERNS 4096
#define MAX_PATTERN_LEN 4096
#define MAX_SHOWN 50
/* Holes of sparse entries are hashed as zeros: bound the time spent. */
#define MAX_LOGICAL_SIZE (INT64_C (64) << 30)

enum ftype { FT_REG, FT_DIR, FT_LNK, FT_CHR, FT_BLK, FT_FIFO, FT_SOCK };

static const char *const type_names[] = {
  "regular file", "directory", "symbolic link", "character device",
  "block device", "fifo",      "socket",
};

struct xattr {
  char *name;
  size_t len;
  unsigned char sha[SHA_LEN];
};

struct rec {
  struct rec *next; /* hash chain */
  size_t hash;
  char *path;
  enum ftype type;
  unsigned mode;
  int64_t uid, gid, size, mtime;
  bool mtime_set;
  unsigned char sha[SHA_LEN];
  char *symlink;
  char *hardlink; /* the name this entry is a hard link to, or NULL */
  unsigned long rmajor, rminor;
  struct xattr *xattrs;
  size_t nxattrs;
  int layer;
};

struct map {
  struct rec **b;
  size_t nb, n;
};

enum tok_kind { T_LIT, T_ONE, T_STAR, T_STARSTAR, T_STARSTAR_SLASH };

struct tok {
  enum tok_kind kind;
  char c;
};

struct pattern {
  const char *text;
  struct tok *t;
  size_t n;
  bool used;
};

struct diffs {
  char *lines[MAX_SHOWN];
  size_t n;
};

static void *
xmalloc (size_t n)
{
  void *p = malloc (n ? n : 1);
  if (p == NULL) {
    fprintf (stderr, "tar-compare: out of memory\n");
    exit (2);
  }
  return p;
}

static void *
xcalloc (size_t n, size_t size)
{
  void *p = calloc (n ? n : 1, size ? size : 1);
  if (p == NULL) {
    fprintf (stderr, "tar-compare: out of memory\n");
    exit (2);
  }
  return p;
}

static char *
xstrdup (const char *s)
{
  size_t len = strlen (s);
  char *p = xmalloc (len + 1);
  memcpy (p, s, len + 1);
  return p;
}

/* A copy of S fit for one output line: control bytes and backslashes as
 * \ooo escapes, at most about 4096 bytes. */
static char *
escape (const char *s)
{
  size_t len = strlen (s), max = 4096, o = 0;
  char *out = xmalloc ((len < max ? len : max) * 4 + 4);

  for (size_t i = 0; i < len && i < max; i++) {
    unsigned char ch = (unsigned char) s[i];
    if (ch < 0x20 || ch == 0x7f || ch == '\\')
      o += (size_t) sprintf (out + o, "\\%03o", ch);
    else
      out[o++] = (char) ch;
  }
  if (len > max) {
    memcpy (out + o, "...", 3);
    o += 3;
  }
  out[o] = '\0';
  return out;
}

static void
diff_add (struct diffs *d, const char *fmt, ...)
{
  va_list ap;
  char *line;

  d->n++;
  if (d->n > MAX_SHOWN)
    return;
  va_start (ap, fmt);
  if (vasprintf (&line, fmt, ap) < 0) {
    fprintf (stderr, "tar-compare: out of memory\n");
    exit (2);
  }
  va_end (ap);
  d->lines[d->n - 1] = escape (line);
  free (line);
}

/* ---- the path map ---- */

static size_t
str_hash (const char *s)
{
  uint64_t h = 14695981039346656037ULL;
  for (; *s; s++)
    h = (h ^ (unsigned char) *s) * 1099511628211ULL;
  return (size_t) h;
}

static void
map_init (struct map *m)
{
  m->nb = 1024;
  m->n = 0;
  m->b = xcalloc (m->nb, sizeof *m->b);
}

static struct rec *
map_find (const struct map *m, const char *path)
{
  size_t h = str_hash (path);
  for (struct rec *r = m->b[h & (m->nb - 1)]; r; r = r->next)
    if (r->hash == h && strcmp (r->path, path) == 0)
      return r;
  return NULL;
}

static void
rec_free (struct rec *r)
{
  if (r == NULL)
    return;
  free (r->path);
  free (r->symlink);
  free (r->hardlink);
  for (size_t i = 0; i < r->nxattrs; i++)
    free (r->xattrs[i].name);
  free (r->xattrs);
  free (r);
}

static void
map_grow (struct map *m)
{
  size_t nb = m->nb * 2;
  struct rec **b = xcalloc (nb, sizeof *b);

  for (size_t i = 0; i < m->nb; i++) {
    struct rec *r = m->b[i], *next;
    for (; r; r = next) {
      next = r->next;
      r->next = b[r->hash & (nb - 1)];
      b[r->hash & (nb - 1)] = r;
    }
  }
  free (m->b);
  m->b = b;
  m->nb = nb;
}

/* Adds R (which owns its path), replacing a record of the same path. */
static void
map_put (struct map *m, struct rec *r)
{
  struct rec **pp;

  r->hash = str_hash (r->path);
  for (pp = &m->b[r->hash & (m->nb - 1)]; *pp; pp = &(*pp)->next) {
    if ((*pp)->hash == r->hash && strcmp ((*pp)->path, r->path) == 0) {
      struct rec *old = *pp;
      r->next = old->next;
      *pp = r;
      rec_free (old);
      return;
    }
  }
  r->next = NULL;
  *pp = r;
  m->n++;
  if (m->n > m->nb)
    map_grow (m);
}

/* Is PATH strictly below directory DIR?  "/" is above everything. */
static bool
is_below (const char *path, const char *dir)
{
  size_t len = strlen (dir);
  if (strcmp (dir, "/") == 0)
    return strcmp (path, "/") != 0;
  return strncmp (path, dir, len) == 0 && path[len] == '/';
}

/* Removes the records of layers before LAYER that are at DIR (when
 * WITH_SELF) or below it. */
static void
map_remove_tree (struct map *m, const char *dir, bool with_self, int layer)
{
  for (size_t i = 0; i < m->nb; i++) {
    struct rec **pp = &m->b[i];
    while (*pp) {
      struct rec *r = *pp;
      if (r->layer < layer
          && (is_below (r->path, dir)
              || (with_self && strcmp (r->path, dir) == 0))) {
        *pp = r->next;
        rec_free (r);
        m->n--;
      } else
        pp = &r->next;
    }
  }
}

static void
map_free (struct map *m)
{
  for (size_t i = 0; i < m->nb; i++) {
    struct rec *r = m->b[i], *next;
    for (; r; r = next) {
      next = r->next;
      rec_free (r);
    }
  }
  free (m->b);
}

static int
cmp_rec_path (const void *a, const void *b)
{
  const struct rec *const *ra = a, *const *rb = b;
  return strcmp ((*ra)->path, (*rb)->path);
}

/* The records sorted by path. */
static struct rec **
map_sorted (const struct map *m)
{
  struct rec **v = xcalloc (m->n, sizeof *v);
  size_t k = 0;

  for (size_t i = 0; i < m->nb; i++)
    for (struct rec *r = m->b[i]; r; r = r->next)
      v[k++] = r;
  qsort (v, k, sizeof *v, cmp_rec_path);
  return v;
}

/* ---- names ---- */

/* NAME as "/a/b": no "." components, no repeated or trailing slashes,
 * "." is "/".  NULL (and *WHY) for a name with "..", an empty name or
 * one too long. */
static char *
norm_path (const char *name, const char **why)
{
  size_t len = strlen (name), o = 0;
  char *out;

  if (len == 0) {
    *why = "empty name";
    return NULL;
  }
  if (len > MAX_PATH_LEN) {
    *why = "name too long";
    return NULL;
  }
  out = xmalloc (len + 2);
  for (const char *p = name; *p;) {
    const char *end = strchr (p, '/');
    size_t clen = end ? (size_t) (end - p) : strlen (p);
    if (clen == 2 && p[0] == '.' && p[1] == '.') {
      free (out);
      *why = "'..' in the name";
      return NULL;
    }
    if (clen > 0 && !(clen == 1 && p[0] == '.')) {
      out[o++] = '/';
      memcpy (out + o, p, clen);
      o += clen;
    }
    p += clen;
    if (*p == '/')
      p++;
  }
  if (o == 0)
    out[o++] = '/';
  out[o] = '\0';
  return out;
}

/* ---- patterns ---- */

static int
pattern_compile (struct pattern *pat, const char *text)
{
  size_t len = strlen (text), n = 0;

  if (len == 0 || len > MAX_PATTERN_LEN || (text[0] != '/' && text[0] != '*'))
    return -1;
  /* A trailing slash names the directory itself. */
  while (len > 1 && text[len - 1] == '/')
    len--;
  pat->text = text;
  pat->used = false;
  pat->t = xcalloc (len, sizeof *pat->t);
  for (size_t i = 0; i < len;) {
    if (text[i] == '*') {
      size_t run = 0;
      while (i + run < len && text[i + run] == '*')
        run++;
      i += run;
      if (run == 1)
        pat->t[n].kind = T_STAR;
      else if (i < len && text[i] == '/') {
        /* "**" then "/": any run of whole components, also none */
        pat->t[n].kind = T_STARSTAR_SLASH;
        i++;
      } else
        pat->t[n].kind = T_STARSTAR;
    } else if (text[i] == '?') {
      pat->t[n].kind = T_ONE;
      i++;
    } else {
      if (text[i] == '\\' && i + 1 < len)
        i++;
      pat->t[n].kind = T_LIT;
      pat->t[n].c = text[i];
      i++;
    }
    n++;
  }
  pat->n = n;
  return 0;
}

/* Does PAT match S or one of the directories above it (except "/")?
 * One pass of dynamic programming over the prefixes of S, so no
 * backtracking whatever the pattern. */
static bool
pattern_covers (const struct pattern *pat, const char *s)
{
  size_t n = strlen (s);
  bool *row = xcalloc (n + 1, sizeof *row), *next = xcalloc (n + 1, 1);
  bool hit = false;

  row[0] = true;
  for (size_t i = 0; i < pat->n; i++) {
    const struct tok *t = &pat->t[i];
    bool reach = false;

    next[0] = (t->kind == T_STAR || t->kind == T_STARSTAR
               || t->kind == T_STARSTAR_SLASH)
                  ? row[0]
                  : false;
    for (size_t j = 1; j <= n; j++) {
      char c = s[j - 1];
      switch (t->kind) {
      case T_LIT:
        next[j] = row[j - 1] && c == t->c;
        break;
      case T_ONE:
        next[j] = row[j - 1] && c != '/';
        break;
      case T_STAR:
        next[j] = row[j] || (next[j - 1] && c != '/');
        break;
      case T_STARSTAR:
        next[j] = row[j] || next[j - 1];
        break;
      case T_STARSTAR_SLASH:
        reach = reach || row[j - 1];
        next[j] = row[j] || (c == '/' && reach);
        break;
      }
    }
    bool *tmp = row;
    row = next;
    next = tmp;
  }
  if (row[n])
    hit = true;
  for (size_t j = 2; j < n && !hit; j++)
    if (s[j] == '/' && row[j])
      hit = true;
  free (row);
  free (next);
  return hit;
}

/* ---- reading archives ---- */

static const unsigned char zeros[65536];

static const char *
aerr (struct archive *a)
{
  const char *s = archive_error_string (a);
  return s ? s : "unknown error";
}

/* Hashes the data of the current entry as the logical content: holes of
 * sparse entries are zeros.  Returns the length hashed, -1 on a read
 * error. */
static int64_t
hash_data (struct archive *a, struct archive_entry *e, unsigned char *sha,
           const char **why)
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  int64_t pos = 0,
          want = archive_entry_size_is_set (e) ? archive_entry_size (e) : 0;
  unsigned len;

  if (ctx == NULL || EVP_DigestInit_ex (ctx, EVP_sha256 (), NULL) != 1) {
    fprintf (stderr, "tar-compare: can't start a SHA-256 digest\n");
    exit (2);
  }
  for (;;) {
    const void *buf;
    size_t size;
    la_int64_t off;
    int r = archive_read_data_block (a, &buf, &size, &off);
    if (r == ARCHIVE_EOF)
      break;
    if (r < ARCHIVE_WARN) {
      *why = aerr (a);
      EVP_MD_CTX_free (ctx);
      return -1;
    }
    if (off < pos || off > MAX_LOGICAL_SIZE
        || size > (size_t) (MAX_LOGICAL_SIZE - off)) {
      *why = off < pos ? "data blocks out of order"
                       : "logical size over 64 GiB";
      EVP_MD_CTX_free (ctx);
      return -1;
    }
    while (pos < off) {
      size_t k = off - pos < (int64_t) sizeof zeros ? (size_t) (off - pos)
                                                    : sizeof zeros;
      EVP_DigestUpdate (ctx, zeros, k);
      pos += (int64_t) k;
    }
    EVP_DigestUpdate (ctx, buf, size);
    pos += (int64_t) size;
  }
  /* a sparse file ending in a hole */
  if (want > MAX_LOGICAL_SIZE) {
    *why = "logical size over 64 GiB";
    EVP_MD_CTX_free (ctx);
    return -1;
  }
  while (pos < want) {
    size_t k = want - pos < (int64_t) sizeof zeros ? (size_t) (want - pos)
                                                   : sizeof zeros;
    EVP_DigestUpdate (ctx, zeros, k);
    pos += (int64_t) k;
  }
  EVP_DigestFinal_ex (ctx, sha, &len);
  EVP_MD_CTX_free (ctx);
  return pos;
}

static int
cmp_xattr (const void *a, const void *b)
{
  const struct xattr *xa = a, *xb = b;
  return strcmp (xa->name, xb->name);
}

static void
read_xattrs (struct archive_entry *e, struct rec *r)
{
  const char *name;
  const void *value;
  size_t size, n = 0;
  int count = archive_entry_xattr_reset (e);

  if (count <= 0)
    return;
  if (count > MAX_XATTRS)
    count = MAX_XATTRS;
  r->xattrs = xcalloc ((size_t) count, sizeof *r->xattrs);
  while (n < (size_t) count
         && archive_entry_xattr_next (e, &name, &value, &size) == ARCHIVE_OK) {
    struct xattr *x = &r->xattrs[n++];
    unsigned len;
    x->name = xstrdup (name ? name : "");
    x->len = size;
    if (EVP_Digest (value ? value : "", value ? size : 0, x->sha, &len,
                    EVP_sha256 (), NULL)
        != 1) {
      fprintf (stderr, "tar-compare: can't compute a SHA-256 digest\n");
      exit (2);
    }
  }
  r->nxattrs = n;
  qsort (r->xattrs, n, sizeof *r->xattrs, cmp_xattr);
}

static struct rec *
rec_copy (const struct rec *src)
{
  struct rec *r = xmalloc (sizeof *r);

  *r = *src;
  r->next = NULL;
  r->path = NULL;
  r->symlink = src->symlink ? xstrdup (src->symlink) : NULL;
  r->hardlink = src->hardlink ? xstrdup (src->hardlink) : NULL;
  r->xattrs = xcalloc (src->nxattrs, sizeof *r->xattrs);
  for (size_t i = 0; i < src->nxattrs; i++) {
    r->xattrs[i] = src->xattrs[i];
    r->xattrs[i].name = xstrdup (src->xattrs[i].name);
  }
  return r;
}

/* Records that PATH has a parent chain, so that a non-directory replacing
 * one of those directories in a later layer knows to hide what was below
 * it. */
static void
note_parents (struct map *parents, const char *path)
{
  char *p = xstrdup (path);

  for (;;) {
    char *slash = strrchr (p, '/');
    if (slash == NULL || slash == p)
      break;
    *slash = '\0';
    if (map_find (parents, p))
      break;
    struct rec *r = xcalloc (1, sizeof *r);
    r->path = xstrdup (p);
    map_put (parents, r);
  }
  free (p);
}

static const char *
entry_name (const char *mbs, const char *utf8)
{
  return mbs ? mbs : utf8;
}

/* Whiteout entry PATH of layer LAYER (basename ".wh.*"): hides paths of
 * earlier layers.  Returns false when PATH is no whiteout. */
static bool
apply_whiteout (struct map *m, const char *path, int layer, const char *file,
                struct diffs *d)
{
  const char *base = strrchr (path, '/') + 1;
  size_t dirlen = (size_t) (base - path);

  if (strncmp (base, ".wh.", 4) != 0)
    return false;
  if (strcmp (base, ".wh..wh..opq") == 0) {
    char *dir = xmalloc (dirlen + 1);
    memcpy (dir, path, dirlen);
    dir[dirlen > 1 ? dirlen - 1 : 1] = '\0';
    map_remove_tree (m, dir, false, layer);
    free (dir);
  } else if (base[4] == '\0' || strcmp (base + 4, ".") == 0
             || strcmp (base + 4, "..") == 0) {
    diff_add (d, "bad whiteout in %s: %s", file, path);
  } else {
    char *victim = xmalloc (strlen (path) + 1);
    memcpy (victim, path, dirlen);
    strcpy (victim + dirlen, base + 4);
    map_remove_tree (m, victim, true, layer);
    free (victim);
  }
  return true;
}

/* Reads FILE into M.  LAYER > 0: an image layer applied over M;
 * LAYER == 0: the reference.  Returns -1 on a read error (reported). */
static int
read_archive (const char *file, struct map *m, struct map *parents, int layer,
              struct diffs *d)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *e;
  int ret = -1;

  if (a == NULL) {
    fprintf (stderr, "tar-compare: out of memory\n");
    exit (2);
  }
  archive_read_support_filter_all (a);
  archive_read_support_format_all (a);
  if (archive_read_open_filename (a, file, 65536) != ARCHIVE_OK) {
    fprintf (stderr, "tar-compare: can't open '%s': %s\n", file, aerr (a));
    goto out;
  }
  for (;;) {
    int r = archive_read_next_header (a, &e);
    const char *name, *why = NULL, *link;
    char *path;
    struct rec *rec;

    if (r == ARCHIVE_EOF)
      break;
    if (r == ARCHIVE_WARN)
      fprintf (stderr, "tar-compare: warning: '%s': %s\n", file, aerr (a));
    else if (r != ARCHIVE_OK) {
      fprintf (stderr, "tar-compare: can't read '%s': %s\n", file, aerr (a));
      goto out;
    }
    name = entry_name (archive_entry_pathname (e),
                       archive_entry_pathname_utf8 (e));
    if (name == NULL) {
      diff_add (d, "entry without a readable name in %s", file);
      continue;
    }
    path = norm_path (name, &why);
    if (path == NULL) {
      diff_add (d, "bad name in %s: '%.200s': %s", file, name, why);
      continue;
    }
    if (layer > 0 && apply_whiteout (m, path, layer, file, d)) {
      free (path);
      continue;
    }

    link = entry_name (archive_entry_hardlink (e),
                       archive_entry_hardlink_utf8 (e));
    if (link) {
      char *target = norm_path (link, &why);
      const struct rec *t = target ? map_find (m, target) : NULL;
      if (t == NULL) {
        diff_add (d, "hard link to a missing target in %s: %s -> %.200s", file,
                  path, link);
        free (target);
        free (path);
        continue;
      }
      rec = rec_copy (t);
      free (rec->hardlink);
      rec->hardlink = target;
      /* a pax hard link may carry the data of the file again */
      if (archive_entry_size_is_set (e) && archive_entry_size (e) > 0
          && rec->type == FT_REG) {
        unsigned char sha[SHA_LEN];
        int64_t got = hash_data (a, e, sha, &why);
        if (got < 0) {
          fprintf (stderr, "tar-compare: can't read '%s': %s: %s\n", file,
                   path, why ? why : "read error");
          free (path);
          rec_free (rec);
          goto out;
        }
        rec->size = got;
        memcpy (rec->sha, sha, SHA_LEN);
      }
    } else {
      rec = xcalloc (1, sizeof *rec);
      switch (archive_entry_filetype (e)) {
      case AE_IFREG:
        rec->type = FT_REG;
        break;
      case AE_IFDIR:
        rec->type = FT_DIR;
        break;
      case AE_IFLNK:
        rec->type = FT_LNK;
        break;
      case AE_IFCHR:
        rec->type = FT_CHR;
        break;
      case AE_IFBLK:
        rec->type = FT_BLK;
        break;
      case AE_IFIFO:
        rec->type = FT_FIFO;
        break;
      case AE_IFSOCK:
        rec->type = FT_SOCK;
        break;
      default:
        diff_add (d, "entry of unknown type in %s: %s", file, path);
        free (rec);
        free (path);
        continue;
      }
      rec->mode = archive_entry_mode (e) & 07777;
      rec->uid = archive_entry_uid (e);
      rec->gid = archive_entry_gid (e);
      rec->mtime_set = archive_entry_mtime_is_set (e) != 0;
      rec->mtime = rec->mtime_set ? archive_entry_mtime (e) : 0;
      if (rec->type == FT_REG) {
        rec->size = hash_data (a, e, rec->sha, &why);
        if (rec->size < 0) {
          fprintf (stderr, "tar-compare: can't read '%s': %s: %s\n", file,
                   path, why ? why : "read error");
          free (path);
          rec_free (rec);
          goto out;
        }
      } else if (rec->type == FT_LNK) {
        const char *s = entry_name (archive_entry_symlink (e),
                                    archive_entry_symlink_utf8 (e));
        rec->symlink = xstrdup (s ? s : "");
      } else if (rec->type == FT_CHR || rec->type == FT_BLK) {
        rec->rmajor = (unsigned long) archive_entry_rdevmajor (e);
        rec->rminor = (unsigned long) archive_entry_rdevminor (e);
      }
      read_xattrs (e, rec);
    }
    rec->path = path;
    rec->layer = layer;
    /* A non-directory in a later layer hides what earlier layers had
     * below a directory of that name. */
    if (layer > 1 && rec->type != FT_DIR && map_find (parents, path))
      map_remove_tree (m, path, false, layer);
    note_parents (parents, path);
    map_put (m, rec);
    if (m->n > MAX_ENTRIES) {
      fprintf (stderr, "tar-compare: can't read '%s': more than %d paths\n",
               file, MAX_ENTRIES);
      goto out;
    }
  }
  ret = 0;
out:
  archive_read_free (a);
  return ret;
}

/* ---- comparing ---- */

static void
hex12 (const unsigned char *sha, char *out)
{
  for (int i = 0; i < 6; i++)
    sprintf (out + 2 * i, "%02x", sha[i]);
}

static void
link_note (const struct rec *r, const char *side, char *buf, size_t size)
{
  if (r->hardlink)
    snprintf (buf, size, " (%s: hard link to %.1000s)", side, r->hardlink);
  else
    buf[0] = '\0';
}

static void
compare_xattrs (const struct rec *img, const struct rec *ref, struct diffs *d)
{
  size_t i = 0, j = 0;

  while (i < img->nxattrs || j < ref->nxattrs) {
    int c = i == img->nxattrs ? 1
            : j == ref->nxattrs
                ? -1
                : strcmp (img->xattrs[i].name, ref->xattrs[j].name);
    if (c < 0) {
      diff_add (d, "xattr only in image: %s: %s", img->path,
                img->xattrs[i].name);
      i++;
    } else if (c > 0) {
      diff_add (d, "xattr missing from image: %s: %s", img->path,
                ref->xattrs[j].name);
      j++;
    } else {
      if (img->xattrs[i].len != ref->xattrs[j].len
          || memcmp (img->xattrs[i].sha, ref->xattrs[j].sha, SHA_LEN) != 0)
        diff_add (d,
                  "xattr value differs: %s: %s (image %zu bytes, "
                  "reference %zu bytes)",
                  img->path, img->xattrs[i].name, img->xattrs[i].len,
                  ref->xattrs[j].len);
      i++;
      j++;
    }
  }
}

static void
compare_rec (const struct rec *img, const struct rec *ref,
             bool ignore_mtime_dirs, struct diffs *d)
{
  const char *p = img->path;

  if (img->type != ref->type) {
    diff_add (d, "type differs: %s: image %s, reference %s", p,
              type_names[img->type], type_names[ref->type]);
    return;
  }
  if (img->mode != ref->mode)
    diff_add (d, "mode differs: %s: image %04o, reference %04o", p, img->mode,
              ref->mode);
  if (img->uid != ref->uid || img->gid != ref->gid)
    diff_add (d,
              "owner differs: %s: image %" PRId64 ":%" PRId64
              ", reference %" PRId64 ":%" PRId64,
              p, img->uid, img->gid, ref->uid, ref->gid);
  if (img->type == FT_REG) {
    char ni[1100], nr[1100];
    link_note (img, "image", ni, sizeof ni);
    link_note (ref, "reference", nr, sizeof nr);
    if (img->size != ref->size)
      diff_add (
          d, "size differs: %s: image %" PRId64 ", reference %" PRId64 "%s%s",
          p, img->size, ref->size, ni, nr);
    else if (memcmp (img->sha, ref->sha, SHA_LEN) != 0) {
      char hi[13], hr[13];
      hex12 (img->sha, hi);
      hex12 (ref->sha, hr);
      diff_add (d,
                "content differs: %s: image sha256:%s, reference "
                "sha256:%s%s%s",
                p, hi, hr, ni, nr);
    }
  }
  if (img->type == FT_LNK && strcmp (img->symlink, ref->symlink) != 0)
    diff_add (d, "symlink target differs: %s: image '%s', reference '%s'", p,
              img->symlink, ref->symlink);
  if ((img->type == FT_CHR || img->type == FT_BLK)
      && (img->rmajor != ref->rmajor || img->rminor != ref->rminor))
    diff_add (d,
              "device number differs: %s: image %lu:%lu, reference "
              "%lu:%lu",
              p, img->rmajor, img->rminor, ref->rmajor, ref->rminor);
  compare_xattrs (img, ref, d);
  if ((img->type != FT_DIR || !ignore_mtime_dirs)
      && (img->mtime_set != ref->mtime_set || img->mtime != ref->mtime)) {
    if (img->mtime_set && ref->mtime_set)
      diff_add (d, "mtime differs: %s: image %" PRId64 ", reference %" PRId64,
                p, img->mtime, ref->mtime);
    else
      diff_add (d, "mtime differs: %s: image %s, reference %s", p,
                img->mtime_set ? "set" : "unset",
                ref->mtime_set ? "set" : "unset");
  }
}

/* The first of N patterns that covers PATH, or NULL. */
static struct pattern *
covering (struct pattern *pats, size_t n, const char *path)
{
  for (size_t i = 0; i < n; i++)
    if (pattern_covers (&pats[i], path))
      return &pats[i];
  return NULL;
}

static void
usage (FILE *f)
{
  fprintf (f,
           "usage: tar-compare [--missing PATTERN]... [--absent PATTERN]...\n"
           "                   [--ignore-mtime-dirs] [--layers-only] "
           "REF.tar LAYER...\n"
           "PATTERN: a glob on absolute paths ('*' and '?' within a "
           "component,\n"
           "'**' across); a pattern matching a directory covers what is "
           "below it\n");
}

int
main (int argc, char **argv)
{
  static const struct option opts[] = {
    { "missing", required_argument, NULL, 'm' },
    { "absent", required_argument, NULL, 'a' },
    { "ignore-mtime-dirs", no_argument, NULL, 'd' },
    { "layers-only", no_argument, NULL, 'l' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct pattern *missing = xcalloc (MAX_PATTERNS, sizeof *missing);
  struct pattern *absent = xcalloc (MAX_PATTERNS, sizeof *absent);
  size_t nmissing = 0, nabsent = 0, expected = 0, specials = 0;
  size_t unchecked = 0;
  bool ignore_mtime_dirs = false, layers_only = false;
  struct map ref, img, ref_parents, img_parents;
  struct diffs d = { .n = 0 };
  struct rec **v;
  char *cover = NULL;
  int c, status = 2;

  map_init (&ref);
  map_init (&img);
  map_init (&ref_parents);
  map_init (&img_parents);
  if (setlocale (LC_CTYPE, "C.UTF-8") == NULL)
    setlocale (LC_CTYPE, "");
  while ((c = getopt_long (argc, argv, "", opts, NULL)) != -1) {
    struct pattern *list = c == 'm' ? missing : absent;
    size_t *np = c == 'm' ? &nmissing : &nabsent;
    switch (c) {
    case 'm':
    case 'a':
      if (*np >= MAX_PATTERNS) {
        fprintf (stderr, "tar-compare: more than %d patterns\n", MAX_PATTERNS);
        goto out;
      }
      if (pattern_compile (&list[*np], optarg) == -1) {
        fprintf (stderr,
                 "tar-compare: bad pattern '%s': it must start with '/' "
                 "or '*' and be at most %d bytes\n",
                 optarg, MAX_PATTERN_LEN);
        goto out;
      }
      (*np)++;
      break;
    case 'd':
      ignore_mtime_dirs = true;
      break;
    case 'l':
      layers_only = true;
      break;
    case 'h':
      usage (stdout);
      status = 0;
      goto out;
    default:
      usage (stderr);
      goto out;
    }
  }
  if (argc - optind < 2) {
    usage (stderr);
    goto out;
  }

  if (read_archive (argv[optind], &ref, &ref_parents, 0, &d) == -1)
    goto out;
  for (int i = optind + 1; i < argc; i++)
    if (read_archive (argv[i], &img, &img_parents, i - optind, &d) == -1)
      goto out;

  /* the image against the reference */
  v = map_sorted (&img);
  for (size_t i = 0; i < img.n; i++) {
    const struct rec *r = v[i], *t = map_find (&ref, r->path);
    struct pattern *pat = covering (absent, nabsent, r->path);
    if (pat) {
      pat->used = true;
      diff_add (&d, "present but must be absent: %s (--absent '%s')", r->path,
                pat->text);
    } else if (t == NULL)
      diff_add (&d, "not in reference: %s (%s)", r->path, type_names[r->type]);
    else
      compare_rec (r, t, ignore_mtime_dirs, &d);
  }
  free (v);

  /* the reference against the image */
  v = map_sorted (&ref);
  for (size_t i = 0; i < ref.n; i++) {
    const struct rec *r = v[i];
    struct pattern *pat;
    if (map_find (&img, r->path))
      continue;
    if (strcmp (r->path, "/") == 0) {
      /* the root of the container exists whatever the layers hold */
      expected++;
      continue;
    }
    if (r->type == FT_CHR || r->type == FT_BLK || r->type == FT_FIFO
        || r->type == FT_SOCK) {
      specials++;
      expected++;
      continue;
    }
    if (layers_only) {
      unchecked++;
      continue;
    }
    /* Paths sort after their directory: a path below the last covered
     * one is covered too. */
    if (cover && is_below (r->path, cover)) {
      expected++;
      continue;
    }
    pat = covering (absent, nabsent, r->path);
    if (pat == NULL)
      pat = covering (missing, nmissing, r->path);
    if (pat) {
      pat->used = true;
      expected++;
      free (cover);
      cover = xstrdup (r->path);
    } else
      diff_add (&d, "missing from image: %s (%s)", r->path,
                type_names[r->type]);
  }
  free (v);

  for (size_t i = 0; i < d.n && i < MAX_SHOWN; i++)
    printf ("%s\n", d.lines[i]);
  if (d.n > MAX_SHOWN)
    printf ("... and %zu more\n", d.n - MAX_SHOWN);
  if (!layers_only)
    for (size_t i = 0; i < nmissing; i++)
      if (!missing[i].used)
        printf ("tar-compare: warning: --missing pattern '%s' matched no "
                "missing path\n",
                missing[i].text);
  if (specials)
    printf ("tar-compare: %zu device nodes, fifos and sockets of the "
            "reference are not in the image (allowed)\n",
            specials);
  if (unchecked)
    printf ("tar-compare: %zu paths of the reference are not in the image "
            "(not checked: --layers-only)\n",
            unchecked);
  printf ("tar-compare: %zu paths in image, %zu in reference, %zu missing "
          "as expected, %zu differences\n",
          img.n, ref.n, expected, d.n);
  status = d.n ? 1 : 0;
out:
  if (fflush (stdout) != 0 && status != 2) {
    fprintf (stderr, "tar-compare: can't write the output\n");
    status = 2;
  }
  free (cover);
  for (size_t i = 0; i < d.n && i < MAX_SHOWN; i++)
    free (d.lines[i]);
  for (size_t i = 0; i < nmissing; i++)
    free (missing[i].t);
  for (size_t i = 0; i < nabsent; i++)
    free (absent[i].t);
  free (missing);
  free (absent);
  map_free (&ref);
  map_free (&img);
  map_free (&ref_parents);
  map_free (&img_parents);
  return status;
}
