/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The files of a dpkg package: info/NAME[:ARCH].list with the digests
 * of info/NAME.md5sums (or a distroless status.d/NAME.md5sums) and the
 * conffiles (the Conffiles field or info/NAME.conffiles).  The status
 * database itself is lib/inspect-pkg-dpkg.c.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "inspect-pkg-dpkg.h"
#include "strbuf.h"

/* Drop the blanks around n bytes at *s. */
void
v2c_dpkg_trim (const char **s, size_t *n)
{
  while (*n && (**s == ' ' || **s == '\t')) {
    (*s)++;
    (*n)--;
  }
  while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
    (*n)--;
}


/* A path with its md5 (md5sums, Conffiles) or none (info conffiles). */
struct sum {
  const char *path;
  size_t n;
  const char *md5;
};

struct sums {
  struct sum *v;
  size_t n, cap;
};

static int
sums_add (struct sums *s, const char *path, size_t n, const char *md5,
          struct v2c_err *err)
{
  if (s->n >= MAX_FILES)
    return v2c_set_error (err, 0, "more than %u entries", MAX_FILES);
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 64;
    struct sum *nv = realloc (s->v, cap * sizeof *nv);
    if (nv == NULL)
      return v2c_set_error (err, errno, "out of memory");
    s->v = nv;
    s->cap = cap;
  }
  s->v[s->n].path = path;
  s->v[s->n].n = n;
  s->v[s->n].md5 = md5;
  s->n++;
  return 0;
}

static int
cmp_path (const char *a, size_t an, const char *b, size_t bn)
{
  int c = memcmp (a, b, an < bn ? an : bn);
  if (c)
    return c;
  return an < bn ? -1 : an > bn;
}

static int
cmp_sum (const void *x, const void *y)
{
  const struct sum *a = x, *b = y;
  return cmp_path (a->path, a->n, b->path, b->n);
}

static const struct sum *
sums_find (const struct sums *s, const char *path, size_t n)
{
  size_t lo = 0, hi = s->n;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = cmp_path (path, n, s->v[mid].path, s->v[mid].n);
    if (c == 0)
      return &s->v[mid];
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return NULL;
}

/* md5sums: "MD5  path" with the path relative to /; "MD5 *path" too. */
static int
parse_md5sums (const char *buf, size_t len, struct sums *s, int sort,
               struct v2c_err *err)
{
  const char *line;
  size_t pos = 0, llen;
  int r;

  while ((r = v2c_pkgutil_line (buf, len, &pos, MAX_PATH + 64, &line, &llen))
         != 0) {
    size_t i = 32, sp;

    if (r == -1) {
      /* no real path is that long: skip the line */
      const char *nl = memchr (buf + pos, '\n', len - pos);
      pos = nl ? (size_t) (nl - buf) + 1 : len;
      continue;
    }
    if (llen < 34 || !v2c_pkgutil_is_hex (line, 32))
      continue;
    while (i < llen && (line[i] == ' ' || line[i] == '\t'))
      i++;
    sp = i - 32;
    if (sp == 0)
      continue;
    if (sp == 1 && i < llen && line[i] == '*')
      i++;
    while (i < llen && line[i] == '/')
      i++;
    if (i == llen)
      continue;
    if (sums_add (s, line + i, llen - i, line, err) == -1)
      return -1;
  }
  if (sort && s->n)
    qsort (s->v, s->n, sizeof *s->v, cmp_sum);
  return 0;
}

/* The Conffiles field: " /etc/x MD5 [obsolete|remove-on-upgrade]".  The
 * path may hold spaces, so the words are taken from the end. */
static int
parse_conffiles_field (const char *buf, struct sums *s, struct v2c_err *err)
{
  const char *line;
  size_t pos = 0, llen, len = strlen (buf);
  int r;

  while ((r = v2c_pkgutil_line (buf, len, &pos, MAX_LINE, &line, &llen)) > 0) {
    const char *end, *w;
    size_t n = llen;

    v2c_dpkg_trim (&line, &n);
    end = line + n;
    for (int k = 0; k < 2; k++) {
      w = end;
      while (w > line && w[-1] != ' ' && w[-1] != '\t')
        w--;
      if (w == line)
        break;
      if (k == 0
          && (((size_t) (end - w) == 8 && memcmp (w, "obsolete", 8) == 0)
              || ((size_t) (end - w) == 17
                  && memcmp (w, "remove-on-upgrade", 17) == 0))) {
        end = w;
        while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
          end--;
        continue;
      }
      /* w..end is the md5 (or "newconffile"), line..w the path */
      n = w - line;
      while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
        n--;
      if (n && line[0] == '/'
          && sums_add (
                 s, line, n,
                 (end - w == 32 && v2c_pkgutil_is_hex (w, 32)) ? w : NULL, err)
                 == -1)
        return -1;
      break;
    }
  }
  if (s->n)
    qsort (s->v, s->n, sizeof *s->v, cmp_sum);
  return 0;
}

/* info/PKG.conffiles: one absolute path a line; newer dpkg may prefix
 * "remove-on-upgrade " for files that are not installed any more. */
static int
parse_conffiles_list (const char *buf, size_t len, struct sums *s,
                      struct v2c_err *err)
{
  const char *line;
  size_t pos = 0, llen;
  int r;

  while ((r = v2c_pkgutil_line (buf, len, &pos, MAX_LINE, &line, &llen))
         != 0) {
    if (r == -1)
      return v2c_set_error (err, 0, "line longer than %u bytes", MAX_LINE);
    v2c_dpkg_trim (&line, &llen);
    if (llen && line[0] == '/' && sums_add (s, line, llen, NULL, err) == -1)
      return -1;
  }
  if (s->n)
    qsort (s->v, s->n, sizeof *s->v, cmp_sum);
  return 0;
}

static int
add_file (struct v2c_pkg *p, const char *path, size_t n, const char *md5,
          int conffile, struct v2c_err *err)
{
  struct v2c_pkg_file *f = v2c_pkgutil_add_file (p, MAX_FILES, err);

  if (f == NULL)
    return -1;
  f->conffile = conffile;
  f->path = malloc (n + 2);
  if (f->path == NULL)
    return v2c_set_error (err, errno, "out of memory");
  if (path[0] == '/') {
    memcpy (f->path, path, n);
    f->path[n] = '\0';
  } else {
    f->path[0] = '/';
    memcpy (f->path + 1, path, n);
    f->path[n + 1] = '\0';
  }
  if (md5 && (f->digest = v2c_pkgutil_lower (md5, 32)) == NULL)
    return v2c_set_error (err, errno, "out of memory");
  return 0;
}

int
v2c_dpkg_in_list (char **names, size_t n, const char *name)
{
  size_t lo = 0, hi = n;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp (name, names[mid]);
    if (c == 0)
      return 1;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return 0;
}

/* Read an optional file; NULL with *len 0 when absent. */
char *
v2c_dpkg_read_opt (struct v2c_fs *fs, const char *path, size_t max,
                   size_t *len, struct v2c_err *err, int *failed)
{
  char *b = v2c_fs_read (fs, path, max, len);

  *failed = 0;
  if (b == NULL) {
    *len = 0;
    if (errno != ENOENT) {
      *failed = 1;
      v2c_set_error (err, errno, "can't read '%s'", path);
    }
  }
  return b;
}

/* info/BASE.SUFFIX when the listing names it; NULL with *len 0 and
 * *failed 0 when it does not. */
static char *
read_info (struct v2c_fs *fs, char **names, size_t nnames, const char *base,
           const char *suffix, size_t *len, struct v2c_err *err, int *failed)
{
  char path[MAX_PATH + 64];

  *len = 0;
  *failed = 0;
  snprintf (path, sizeof path, "%s.%s", base, suffix);
  if (!v2c_dpkg_in_list (names, nnames, path))
    return NULL;
  snprintf (path, sizeof path, DPKG_DIR "/info/%s.%s", base, suffix);
  return v2c_dpkg_read_opt (fs, path, MAX_INFO_BYTES, len, err, failed);
}

/* Fill e->p.files from info/ (names: its sorted listing, may be NULL). */
int
v2c_dpkg_load_files (struct v2c_fs *fs, char **names, size_t nnames,
                     struct ent *e, struct v2c_err *err)
{
  char base[2][MAX_PATH], path[MAX_PATH + 64];
  const char *b = NULL;
  char *list = NULL, *md5 = NULL, *conf = NULL;
  size_t listlen = 0, md5len = 0, conflen = 0, k;
  struct sums sums = { 0 }, cfield = { 0 }, clist = { 0 };
  int failed, ret = -1;

  /* Multi-Arch: same packages are NAME:ARCH, the others NAME; try the
   * expected one first and the other after (databases converted by
   * older dpkg keep either) */
  snprintf (base[0], sizeof base[0], "%s", e->p.name);
  base[1][0] = '\0';
  if (e->p.arch
      && snprintf (base[1], sizeof base[1], "%s:%s", e->p.name, e->p.arch)
             >= (int) sizeof base[1])
    base[1][0] = '\0';
  if (e->ma_same) {
    char t[MAX_PATH];
    memcpy (t, base[0], sizeof t);
    memcpy (base[0], base[1], sizeof t);
    memcpy (base[1], t, sizeof t);
  }
  for (k = 0; k < 2 && b == NULL && names; k++) {
    if (base[k][0] == '\0')
      continue;
    snprintf (path, sizeof path, "%s.list", base[k]);
    if (v2c_dpkg_in_list (names, nnames, path))
      b = base[k];
  }
  for (k = 0; k < 2 && b == NULL && names; k++) {
    if (base[k][0] == '\0')
      continue;
    snprintf (path, sizeof path, "%s.md5sums", base[k]);
    if (v2c_dpkg_in_list (names, nnames, path))
      b = base[k];
  }

  if (b) {
    list = read_info (fs, names, nnames, b, "list", &listlen, err, &failed);
    if (failed)
      goto out;
    md5 = read_info (fs, names, nnames, b, "md5sums", &md5len, err, &failed);
    if (failed)
      goto out;
    conf = read_info (fs, names, nnames, b, "conffiles", &conflen, err, &failed);
    if (failed)
      goto out;
  }
  if (md5 == NULL && e->md5sums) {
    md5 = v2c_dpkg_read_opt (fs, e->md5sums, MAX_INFO_BYTES, &md5len, err, &failed);
    if (failed)
      goto out;
  }

  if (md5 && list && parse_md5sums (md5, md5len, &sums, 1, err) == -1)
    goto out;
  if (e->conffiles && parse_conffiles_field (e->conffiles, &cfield, err) == -1)
    goto out;
  if (conf && parse_conffiles_list (conf, conflen, &clist, err) == -1)
    goto out;

  if (list) {
    const char *line;
    size_t pos = 0, llen;
    int r;

    while ((r = v2c_pkgutil_line (list, listlen, &pos, MAX_PATH, &line, &llen))
           != 0) {
      const struct sum *s, *c;
      int isconf;

      if (r == -1) {
        /* no real path is that long: skip the line */
        const char *nl = memchr (list + pos, '\n', listlen - pos);
        pos = nl ? (size_t) (nl - list) + 1 : listlen;
        continue;
      }
      if (llen == 0 || line[0] != '/')
        continue;
      if (llen == 2 && line[1] == '.')
        llen = 1; /* dpkg records the root as "/." */
      s = llen > 1 ? sums_find (&sums, line + 1, llen - 1) : NULL;
      c = sums_find (&cfield, line, llen);
      isconf = c != NULL || sums_find (&clist, line, llen) != NULL;
      if (add_file (&e->p, line, llen,
                    c && c->md5 ? c->md5 : (s ? s->md5 : NULL), isconf, err)
          == -1)
        goto out;
    }
  } else {
    /* no .list (distroless): the files are those of md5sums, in the
     * order written */
    if (md5) {
      struct sums order = { 0 };
      if (parse_md5sums (md5, md5len, &order, 0, err) == -1)
        goto out;
      for (k = 0; k < order.n; k++) {
        char abs[MAX_PATH + 2];
        const struct sum *c;
        int isconf;

        if (order.v[k].n > MAX_PATH)
          continue;
        abs[0] = '/';
        memcpy (abs + 1, order.v[k].path, order.v[k].n);
        c = sums_find (&cfield, abs, order.v[k].n + 1);
        isconf = c != NULL || sums_find (&clist, abs, order.v[k].n + 1);
        if (add_file (&e->p, abs, order.v[k].n + 1,
                      c && c->md5 ? c->md5 : order.v[k].md5, isconf, err)
            == -1) {
          free (order.v);
          goto out;
        }
      }
      free (order.v);
    }
  }
  ret = 0;
out:
  free (sums.v);
  free (cfield.v);
  free (clist.v);
  free (list);
  free (md5);
  free (conf);
  return ret;
}

/* ------------------------------------------------------------------ */
/* The status file without some packages                               */

/* The stanza [start, end) goes to out unless drop; a dropped one's
 * name (name, nn) joins dropped once. */
static int
stanza_out (const char *buf, size_t start, size_t end, int drop,
            const char *name, size_t nn, struct v2c_strbuf *out,
            struct v2c_strvec *dropped)
{
  size_t i;

  if (!drop)
    return end > start ? v2c_strbuf_add (out, buf + start, end - start) : 0;
  for (i = 0; i < dropped->n; i++)
    if (strlen (dropped->v[i]) == nn && memcmp (dropped->v[i], name, nn) == 0)
      return 0;
  return v2c_strvec_pushn (dropped, name, nn);
}

int
v2c_dpkg_status_without (const char *buf, size_t len,
                         const struct v2c_strvec *names,
                         struct v2c_strbuf *out, struct v2c_strvec *dropped)
{
  size_t pos = 0, start = 0, nn = 0, i;
  const char *name = NULL;
  int drop = 0;

  while (pos < len) {
    const char *line = buf + pos, *nl = memchr (line, '\n', len - pos);
    size_t end = nl ? (size_t) (nl - buf) + 1 : len;
    size_t llen = (nl ? (size_t) (nl - buf) : len) - pos;

    if (llen > 0 && line[llen - 1] == '\r')
      llen--;
    if (llen == 0) {
      /* the blank line ends the stanza and goes with it */
      if (stanza_out (buf, start, end, drop, name, nn, out, dropped) == -1)
        return -1;
      start = end;
      drop = 0;
    } else if (llen > 8 && strncasecmp (line, "Package:", 8) == 0) {
      const char *v = line + 8;
      size_t vn = strnlen (v, llen - 8);

      v2c_dpkg_trim (&v, &vn);
      for (i = 0, drop = 0; i < names->n && !drop; i++)
        drop = strlen (names->v[i]) == vn && memcmp (names->v[i], v, vn) == 0;
      name = v;
      nn = vn;
    }
    pos = end;
  }
  return stanza_out (buf, start, len, drop, name, nn, out, dropped);
}
