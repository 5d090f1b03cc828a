/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The dpkg database: /var/lib/dpkg/status, the journal in updates/, the
 * one-stanza-per-file status.d/ of distroless images, and per package
 * info/NAME[:ARCH].{list,md5sums,conffiles}; and, when asked
 * (V2C_PKG_LICENSES), each package's licence from the machine-readable
 * /usr/share/doc/NAME/copyright.
 *
 * Which packages count as installed: those whose Status says the
 * package's files are (at least partly) on disk, which are also the ones
 * dpkg-query -W prints with a version.  The want word is not looked at
 * (a package on hold or selected for removal is still there), the error
 * flag must be "ok" or "reinstreq" (a package needing reinstallation
 * still has its files), and the state one of installed, half-configured,
 * unpacked, triggers-awaited, triggers-pending or half-installed.
 * half-installed is kept although dpkg could not finish unpacking it:
 * some of its files are on disk and belong to it, and the image must
 * carry them.  config-files (only conffiles left) and not-installed are
 * left out.  A stanza without Status counts as installed only in
 * status.d/, where distroless images keep bare control files.
 *
 * As in dpkg, a later stanza for the same package (name and
 * architecture) replaces an earlier one: status, then status.d/, then
 * the updates/ journal in order.  Stanzas without Package or Version
 * are skipped.  The result is sorted by name, then architecture.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "inspect-pkg-dpkg.h"
#include "sbom.h"

struct db {
  struct ent *v;
  size_t n, cap;
  size_t skipped; /* stanzas without Package or Version */
};

static void
ent_free (struct ent *e)
{
  v2c_pkgutil_free_pkg (&e->p);
  free (e->conffiles);
  free (e->md5sums);
  e->conffiles = e->md5sums = NULL;
}

static void
db_free (struct db *db)
{
  size_t i;

  for (i = 0; i < db->n; i++)
    ent_free (&db->v[i]);
  free (db->v);
  memset (db, 0, sizeof *db);
}

static int
span_is (struct span v, const char *word)
{
  size_t n = strlen (word);
  return v.n == n && memcmp (v.s, word, n) == 0;
}

/* Split v at whitespace into up to three words. */
static size_t
words (struct span v, struct span w[3])
{
  size_t i = 0, k = 0;

  while (i < v.n && k < 3) {
    while (i < v.n && (v.s[i] == ' ' || v.s[i] == '\t'))
      i++;
    if (i == v.n)
      break;
    w[k].s = v.s + i;
    while (i < v.n && v.s[i] != ' ' && v.s[i] != '\t')
      i++;
    w[k].n = v.s + i - w[k].s;
    k++;
  }
  return k;
}

static int
status_installed (struct span st)
{
  static const char *const states[] = {
    "installed",        "half-configured",  "unpacked",
    "triggers-awaited", "triggers-pending", "half-installed",
  };
  struct span w[3];
  size_t i;

  if (words (st, w) != 3)
    return 0;
  if (!span_is (w[1], "ok") && !span_is (w[1], "reinstreq"))
    return 0;
  for (i = 0; i < sizeof states / sizeof states[0]; i++)
    if (span_is (w[2], states[i]))
      return 1;
  return 0;
}

/* "src" or "src (version)". */
static int
set_source (struct v2c_pkg *p, struct span v)
{
  const char *end = v.s + v.n, *q = v.s, *open, *close;
  size_t n;

  while (q < end && *q != ' ' && *q != '\t' && *q != '(')
    q++;
  n = q - v.s;
  if (n > 0 && !(strlen (p->name) == n && memcmp (p->name, v.s, n) == 0)) {
    p->source_package = strndup (v.s, n);
    if (p->source_package == NULL)
      return -1;
  }
  open = memchr (q, '(', end - q);
  if (open == NULL)
    return 0;
  close = memchr (open, ')', end - open);
  if (close == NULL)
    return 0;
  open++;
  while (open < close && (*open == ' ' || *open == '\t'))
    open++;
  while (close > open && (close[-1] == ' ' || close[-1] == '\t'))
    close--;
  n = close - open;
  if (n > 0 && !(strlen (p->evr) == n && memcmp (p->evr, open, n) == 0)) {
    p->source_version = strndup (open, n);
    if (p->source_version == NULL)
      return -1;
  }
  return 0;
}

/* Installed-Size is in KiB; -1 when absent or not a number. */
static int64_t
installed_size (struct span v)
{
  int64_t k = 0;
  size_t i;

  if (v.s == NULL || v.n == 0)
    return -1;
  for (i = 0; i < v.n; i++) {
    if (v.s[i] < '0' || v.s[i] > '9')
      return -1;
    if (k > (INT64_MAX / 1024 - 9) / 10)
      return -1;
    k = k * 10 + (v.s[i] - '0');
  }
  return k * 1024;
}

enum field {
  F_OTHER,
  F_PACKAGE,
  F_VERSION,
  F_ARCH,
  F_SOURCE,
  F_SIZE,
  F_STATUS,
  F_MULTIARCH,
  F_CONFFILES,
  F_COUNT
};

static enum field
field_of (const char *s, size_t n)
{
  static const char *const names[F_COUNT] = {
    [F_PACKAGE] = "Package",      [F_VERSION] = "Version",
    [F_ARCH] = "Architecture",    [F_SOURCE] = "Source",
    [F_SIZE] = "Installed-Size",  [F_STATUS] = "Status",
    [F_MULTIARCH] = "Multi-Arch", [F_CONFFILES] = "Conffiles",
  };
  int f;

  for (f = F_PACKAGE; f < F_COUNT; f++)
    if (strlen (names[f]) == n && strncasecmp (names[f], s, n) == 0)
      return f;
  return F_OTHER;
}

struct stanza {
  struct span f[F_COUNT];
  struct span conf; /* the continuation lines of Conffiles */
  int any;
};

static struct ent *
db_add (struct db *db, struct v2c_err *err)
{
  struct ent *e;

  if (db->n >= MAX_PKGS) {
    v2c_set_error (err, 0, "more than %u packages", MAX_PKGS);
    return NULL;
  }
  if (db->n == db->cap) {
    size_t cap = db->cap ? db->cap * 2 : 256;
    e = realloc (db->v, cap * sizeof *e);
    if (e == NULL) {
      v2c_set_error (err, errno, "out of memory");
      return NULL;
    }
    db->v = e;
    db->cap = cap;
  }
  e = &db->v[db->n];
  memset (e, 0, sizeof *e);
  e->p.installed_size = -1;
  e->seq = db->n++;
  return e;
}

static int
stanza_end (struct db *db, struct stanza *st, int implicit,
            const char *md5sums, struct v2c_err *err)
{
  struct span *f = st->f;
  struct ent *e;

  if (!st->any)
    return 0;
  if (f[F_PACKAGE].n == 0 || f[F_VERSION].n == 0) {
    db->skipped++;
    return 0;
  }
  e = db_add (db, err);
  if (e == NULL)
    return -1;
  e->installed = f[F_STATUS].s ? status_installed (f[F_STATUS]) : implicit;
  e->ma_same = span_is (f[F_MULTIARCH], "same");
  e->p.name = strndup (f[F_PACKAGE].s, f[F_PACKAGE].n);
  e->p.manager = strdup ("dpkg");
  if (e->p.name == NULL || e->p.manager == NULL)
    goto oom;
  if (v2c_pkgutil_set_version (&e->p, f[F_VERSION].s, f[F_VERSION].n, 1) == -1)
    goto oom;
  if (f[F_ARCH].n && (e->p.arch = strndup (f[F_ARCH].s, f[F_ARCH].n)) == NULL)
    goto oom;
  if (f[F_SOURCE].n && set_source (&e->p, f[F_SOURCE]) == -1)
    goto oom;
  e->p.installed_size = installed_size (f[F_SIZE]);
  if (st->conf.n && (e->conffiles = strndup (st->conf.s, st->conf.n)) == NULL)
    goto oom;
  if (md5sums && (e->md5sums = strdup (md5sums)) == NULL)
    goto oom;
  return 0;
oom:
  return v2c_set_error (err, errno, "out of memory");
}


/* Add the stanzas of buf to db.  implicit: whether a stanza without a
 * Status field is installed.  md5sums: the file list of a status.d
 * entry. */
static int
parse (struct db *db, const char *buf, size_t len, int implicit,
       const char *md5sums, struct v2c_err *err)
{
  struct stanza st;
  enum field cur = F_OTHER;
  const char *line;
  size_t pos = 0, llen, lineno = 0;
  int r;

  memset (&st, 0, sizeof st);
  while ((r = v2c_pkgutil_line (buf, len, &pos, MAX_LINE, &line, &llen))
         != 0) {
    const char *colon, *v;
    size_t vn;

    lineno++;
    if (r == -1)
      return v2c_set_error (err, 0, "line %zu is longer than %u bytes", lineno,
                            MAX_LINE);
    if (llen == 0) {
      if (stanza_end (db, &st, implicit, md5sums, err) == -1)
        return -1;
      memset (&st, 0, sizeof st);
      cur = F_OTHER;
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      /* a continuation line: only Conffiles' matter */
      if (cur == F_CONFFILES) {
        if (st.conf.s == NULL)
          st.conf.s = line;
        st.conf.n = line + llen - st.conf.s;
      }
      continue;
    }
    colon = memchr (line, ':', llen);
    if (colon == NULL || colon == line) {
      cur = F_OTHER;
      continue;
    }
    st.any = 1;
    cur = field_of (line, colon - line);
    v = colon + 1;
    vn = line + llen - v;
    /* a NUL ends the value, as it ends the strings made of it */
    vn = strnlen (v, vn);
    v2c_dpkg_trim (&v, &vn);
    st.f[cur].s = v;
    st.f[cur].n = vn;
    if (cur == F_CONFFILES)
      st.conf.s = NULL, st.conf.n = 0;
  }
  return stanza_end (db, &st, implicit, md5sums, err);
}

static int
cmp_str0 (const char *a, const char *b)
{
  return strcmp (a ? a : "", b ? b : "");
}

static int
cmp_ent (const void *x, const void *y)
{
  const struct ent *a = *(const struct ent *const *) x;
  const struct ent *b = *(const struct ent *const *) y;
  int c = strcmp (a->p.name, b->p.name);

  if (c == 0)
    c = cmp_str0 (a->p.arch, b->p.arch);
  if (c == 0)
    c = a->seq < b->seq ? -1 : a->seq > b->seq;
  return c;
}

/* Keep, for each name and architecture, the last stanza, when it is
 * installed; sorted.  The kept entries move to the front of db->v. */
static int
db_finish (struct db *db, struct v2c_err *err)
{
  struct ent **ix, *nv;
  size_t i, k = 0;

  if (db->n == 0)
    return 0;
  ix = malloc (db->n * sizeof *ix);
  nv = malloc (db->n * sizeof *nv);
  if (ix == NULL || nv == NULL) {
    free (ix);
    free (nv);
    return v2c_set_error (err, errno, "out of memory");
  }
  for (i = 0; i < db->n; i++)
    ix[i] = &db->v[i];
  qsort (ix, db->n, sizeof *ix, cmp_ent);
  for (i = 0; i < db->n; i++) {
    int last = i + 1 == db->n || strcmp (ix[i]->p.name, ix[i + 1]->p.name) != 0
               || cmp_str0 (ix[i]->p.arch, ix[i + 1]->p.arch) != 0;
    if (last && ix[i]->installed)
      nv[k++] = *ix[i];
    else
      ent_free (ix[i]);
  }
  free (ix);
  free (db->v);
  db->v = nv;
  db->n = k;
  db->cap = db->n;
  return 0;
}

/* Move the packages of db into out. */
static int
db_out (struct db *db, struct v2c_pkgs *out, struct v2c_err *err)
{
  size_t i;

  out->v = NULL;
  out->n = 0;
  if (db->n == 0) {
    db_free (db);
    return 0;
  }
  out->v = malloc (db->n * sizeof *out->v);
  if (out->v == NULL) {
    db_free (db);
    return v2c_set_error (err, errno, "out of memory");
  }
  for (i = 0; i < db->n; i++) {
    out->v[i] = db->v[i].p;
    memset (&db->v[i].p, 0, sizeof db->v[i].p);
  }
  out->n = db->n;
  db_free (db);
  return 0;
}

int
v2c_dpkg_parse_status (const char *buf, size_t len, struct v2c_pkgs *out,
                       struct v2c_err *err)
{
  struct db db = { 0 };

  out->v = NULL;
  out->n = 0;
  if (parse (&db, buf, len, 0, NULL, err) == -1
      || db_finish (&db, err) == -1) {
    db_free (&db);
    return -1;
  }
  return db_out (&db, out, err);
}


/* ------------------------------------------------------------------ */
/* Licences: /usr/share/doc/NAME/copyright                             */

#define MAX_COPYRIGHT_BYTES (64u << 10)
#define MAX_LICENSES 64 /* distinct short names in one file */
#define MAX_LICENSE_NAME 256

/* Whether a paragraph's Format: says machine-readable (DEP-5): the
 * published URL ends in copyright-format/1.0/, drafts said dep5. */
static int
is_dep5_format (const char *v, size_t n)
{
  static const char *const marks[] = { "copyright-format", "dep5", "dep-5" };
  size_t i, k;

  for (k = 0; k < sizeof marks / sizeof marks[0]; k++) {
    size_t ml = strlen (marks[k]);
    for (i = 0; i + ml <= n; i++)
      if (strncasecmp (v + i, marks[k], ml) == 0)
        return 1;
  }
  return 0;
}

/* A short name joins the list when not there yet. */
static int
add_license (struct span *names, size_t *n, struct span v)
{
  size_t i;

  if (v.n == 0 || v.n > MAX_LICENSE_NAME)
    return 0;
  for (i = 0; i < *n; i++)
    if (names[i].n == v.n && memcmp (names[i].s, v.s, v.n) == 0)
      return 0;
  if (*n == MAX_LICENSES)
    return -1;
  names[(*n)++] = v;
  return 0;
}

char *
v2c_dpkg_copyright_license (const char *buf, size_t len)
{
  struct span names[MAX_LICENSES], header = { NULL, 0 }, lic = { NULL, 0 };
  size_t n = 0, i, pos = 0, llen, total = 0;
  int files = 0, dep5 = 0, r, known = 0, any = 0, header_done = 0;
  const char *line;
  char *joined, *spdx, *out;

  errno = 0;
  if (len > MAX_COPYRIGHT_BYTES)
    len = MAX_COPYRIGHT_BYTES;
  /* paragraphs: Format: in the first, then Files: + License: ones */
  while ((r = v2c_pkgutil_line (buf, len, &pos, len, &line, &llen)) != 0) {
    const char *colon, *v;
    size_t vn, k;
    int blank = 1;

    for (k = 0; k < llen && blank; k++)
      if (line[k] != ' ' && line[k] != '\t' && line[k] != '\r')
        blank = 0;
    if (blank) {
      if (!any)
        continue;
      if (files && lic.n && add_license (names, &n, lic) == -1)
        break;
      if (!header_done && !dep5)
        return NULL; /* a free-form file: the licence is prose */
      header_done = 1;
      files = any = 0;
      lic.n = 0;
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t' || line[0] == '#')
      continue; /* continuation (the licence text) or comment */
    colon = memchr (line, ':', llen);
    if (colon == NULL)
      continue;
    any = 1;
    v = colon + 1;
    vn = line + llen - v;
    vn = strnlen (v, vn);
    v2c_dpkg_trim (&v, &vn);
    while (vn && v[vn - 1] == '\r')
      vn--;
    if (!header_done && (size_t) (colon - line) == 6
        && strncasecmp (line, "Format", 6) == 0)
      dep5 = is_dep5_format (v, vn);
    else if (!header_done && (size_t) (colon - line) == 20
             && strncasecmp (line, "Format-Specification", 20) == 0)
      dep5 = is_dep5_format (v, vn);
    else if ((size_t) (colon - line) == 5
             && strncasecmp (line, "Files", 5) == 0)
      files = 1;
    else if ((size_t) (colon - line) == 7
             && strncasecmp (line, "License", 7) == 0) {
      lic.s = v;
      lic.n = vn;
      if (!header_done) {
        header.s = v;
        header.n = vn;
      }
    }
  }
  if (!dep5)
    return NULL;
  if (files && lic.n && add_license (names, &n, lic) == -1)
    n = MAX_LICENSES;
  if (n == 0 && header.n && add_license (names, &n, header) == -1)
    return NULL;
  if (n == 0)
    return NULL;
  for (i = 0; i < n; i++)
    total += names[i].n + 8;
  joined = malloc (total + 1);
  if (joined == NULL)
    return NULL;
  pos = 0;
  for (i = 0; i < n; i++) {
    int compound = memchr (names[i].s, ' ', names[i].n) != NULL
                   || memchr (names[i].s, ',', names[i].n) != NULL;
    if (i > 0) {
      memcpy (joined + pos, " AND ", 5);
      pos += 5;
    }
    if (compound)
      joined[pos++] = '(';
    memcpy (joined + pos, names[i].s, names[i].n);
    pos += names[i].n;
    if (compound)
      joined[pos++] = ')';
  }
  joined[pos] = '\0';
  /* an SPDX expression when every name maps, else the names as written */
  spdx = v2c_license_spdx (joined, pos, &known);
  if (spdx && known) {
    free (joined);
    return spdx;
  }
  free (spdx);
  out = joined;
  errno = 0;
  return out;
}

/* The licence of a package from its copyright file; an absent,
 * unreadable, oversized or free-form file leaves it unknown. */
static int
load_license (struct v2c_fs *fs, struct ent *e, struct v2c_err *err)
{
  char path[MAX_PATH + 64], *buf;
  size_t len;

  if (strchr (e->p.name, '/') || strcmp (e->p.name, "..") == 0
      || strcmp (e->p.name, ".") == 0 || strlen (e->p.name) > MAX_PATH)
    return 0;
  snprintf (path, sizeof path, "/usr/share/doc/%s/copyright", e->p.name);
  buf = v2c_fs_read (fs, path, MAX_COPYRIGHT_BYTES, &len);
  if (buf == NULL)
    return 0;
  e->p.license = v2c_dpkg_copyright_license (buf, len);
  free (buf);
  if (e->p.license == NULL && errno == ENOMEM)
    return v2c_set_error (err, ENOMEM, "out of memory");
  return 0;
}

/* ------------------------------------------------------------------ */

static int
read_dir_files (struct v2c_fs *fs, struct db *db, const char *dir, int journal,
                int *found, struct v2c_err *err)
{
  char **names = v2c_fs_list (fs, dir), path[MAX_PATH + 64];
  size_t i, n = 0, total = 0;
  int ret = -1;

  if (names == NULL)
    return 0; /* both are optional */
  while (names[n])
    n++;
  if (n > MAX_DIR_FILES) {
    v2c_set_error (err, 0, "more than %u files in '%s'", MAX_DIR_FILES, dir);
    goto out;
  }
  for (i = 0; i < n; i++) {
    const char *name = names[i];
    size_t nl = strlen (name), len;
    char md5path[MAX_PATH + 64], *buf;
    const char *md5 = NULL;
    int failed;

    if (journal) {
      /* dpkg's journal entries are named by digits only */
      if (strspn (name, "0123456789") != nl)
        continue;
    } else {
      if (name[0] == '.' || nl > MAX_PATH
          || (nl >= 8 && strcmp (name + nl - 8, ".md5sums") == 0))
        continue;
      snprintf (md5path, sizeof md5path, "%s.md5sums", name);
      if (v2c_dpkg_in_list (names, n, md5path)) {
        snprintf (md5path, sizeof md5path, "%s/%s.md5sums", dir, name);
        md5 = md5path;
      }
    }
    snprintf (path, sizeof path, "%s/%s", dir, name);
    buf = v2c_dpkg_read_opt (fs, path, MAX_STATUS_BYTES, &len, err, &failed);
    if (failed) {
      /* a directory or other odd entry in status.d/ is not a stanza */
      if (err->errnum == EISDIR || err->errnum == EINVAL)
        continue;
      goto out;
    }
    if (buf == NULL)
      continue;
    total += len;
    if (total > MAX_STATUS_BYTES) {
      free (buf);
      v2c_set_error (err, 0, "'%s' holds more than %u bytes", dir,
                     MAX_STATUS_BYTES);
      goto out;
    }
    if (parse (db, buf, len, !journal, md5, err) == -1) {
      free (buf);
      v2c_error_prefix (err, "'%s'", path);
      goto out;
    }
    free (buf);
    *found = 1;
  }
  ret = 0;
out:
  v2c_strv_free (names);
  return ret;
}

int
v2c_dpkg_read (struct v2c_fs *fs, int with_files, struct v2c_pkgs *out,
               struct v2c_err *err)
{
  const char *status_path = DPKG_DIR "/status";
  struct db db = { 0 };
  char *buf, **names = NULL;
  size_t len, i, nnames = 0;
  int found = 0, missing_errno = 0;

  out->v = NULL;
  out->n = 0;
  buf = v2c_fs_read (fs, status_path, MAX_STATUS_BYTES, &len);
  if (buf == NULL) {
    if (errno != ENOENT)
      return v2c_set_error (err, errno, "can't read '%s'", status_path);
    missing_errno = errno;
  } else {
    int r = parse (&db, buf, len, 0, NULL, err);
    free (buf);
    if (r == -1) {
      v2c_error_prefix (err, "'%s'", status_path);
      goto fail;
    }
    found = 1;
  }
  if (read_dir_files (fs, &db, DPKG_DIR "/status.d", 0, &found, err) == -1)
    goto fail;
  if (!found) {
    v2c_set_error (err, missing_errno, "can't read '%s'", status_path);
    goto fail;
  }
  if (read_dir_files (fs, &db, DPKG_DIR "/updates", 1, &found, err) == -1)
    goto fail;
  if (db_finish (&db, err) == -1)
    goto fail;

  if (with_files & V2C_PKG_FILES) {
    names = v2c_fs_list (fs, DPKG_DIR "/info");
    while (names && names[nnames])
      nnames++;
    for (i = 0; i < db.n; i++)
      if (v2c_dpkg_load_files (fs, names, nnames, &db.v[i], err) == -1) {
        v2c_error_prefix (err, "package '%s'", db.v[i].p.name);
        goto fail;
      }
    v2c_strv_free (names);
    names = NULL;
  }
  /* one read a package: cheap on a directory or once the guest's
   * /usr/share/doc is preloaded, a round trip each otherwise */
  if (with_files & V2C_PKG_LICENSES)
    for (i = 0; i < db.n; i++)
      if (load_license (fs, &db.v[i], err) == -1) {
        v2c_error_prefix (err, "package '%s'", db.v[i].p.name);
        goto fail;
      }
  return db_out (&db, out, err);

fail:
  v2c_strv_free (names);
  db_free (&db);
  return -1;
}
