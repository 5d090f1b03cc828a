/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Installed rpm packages: the header blobs of the rpm database.
 *
 * A blob as the database stores it (rpm's headerExport, without the
 * 8-byte magic of a package file) is, all big-endian:
 *   int32 il, int32 dl, il index entries {tag, type, offset, count},
 *   then dl bytes of data.
 * Offsets are relative to the data; numbers are aligned to their size;
 * strings are NUL-terminated.  Entries past the first region (the
 * "dribble" added after install) override earlier ones with the same
 * tag, so the last entry of a tag wins, as in rpm.
 *
 * gpg-pubkey pseudo packages are kept: 'rpm -qa' lists them too (they
 * have no arch and no source rpm).
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect-pkg-private.h"
#include "inspect-rpmdb.h"

#define RPM_MAX_INDEX 1000000u
#define RPM_MAX_DATA (256u << 20)
#define RPM_MAX_FILES 1000000u
#define RPM_MAX_DB_BYTES ((size_t) 1 << 30)

enum {
  T_NULL,
  T_CHAR,
  T_INT8,
  T_INT16,
  T_INT32,
  T_INT64,
  T_STRING,
  T_BIN,
  T_STRING_ARRAY,
  T_I18NSTRING
};

#define RPMFILE_CONFIG (1u << 0)
#define RPMFILE_GHOST (1u << 6)

/* The tags read, and their slot in struct hdr. */
enum {
  K_NAME,
  K_VERSION,
  K_RELEASE,
  K_EPOCH,
  K_SIZE,
  K_LICENSE,
  K_ARCH,
  K_OLDFILENAMES,
  K_FILEDIGESTS,
  K_FILEFLAGS,
  K_SOURCERPM,
  K_DIRINDEXES,
  K_BASENAMES,
  K_DIRNAMES,
  K_LONGSIZE,
  K_FILEDIGESTALGO,
  K_N
};

static const uint32_t tag_of[K_N] = {
  [K_NAME] = 1000,           [K_VERSION] = 1001,      [K_RELEASE] = 1002,
  [K_EPOCH] = 1003,          [K_SIZE] = 1009,         [K_LICENSE] = 1014,
  [K_ARCH] = 1022,           [K_OLDFILENAMES] = 1027, [K_FILEDIGESTS] = 1035,
  [K_FILEFLAGS] = 1037,      [K_SOURCERPM] = 1044,    [K_DIRINDEXES] = 1116,
  [K_BASENAMES] = 1117,      [K_DIRNAMES] = 1118,     [K_LONGSIZE] = 5009,
  [K_FILEDIGESTALGO] = 5011,
};

static const char *const tag_name[K_N] = {
  "NAME",        "VERSION",   "RELEASE",   "EPOCH",
  "SIZE",        "LICENSE",   "ARCH",      "OLDFILENAMES",
  "FILEDIGESTS", "FILEFLAGS", "SOURCERPM", "DIRINDEXES",
  "BASENAMES",   "DIRNAMES",  "LONGSIZE",  "FILEDIGESTALGO",
};

struct ent {
  int present;
  uint32_t type, off, count;
};

struct hdr {
  const unsigned char *data;
  uint32_t dl;
  struct ent e[K_N];
};

static uint32_t
be32 (const unsigned char *p)
{
  return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8
         | p[3];
}

static int
oom (struct v2c_err *err)
{
  return v2c_set_error (err, ENOMEM, "can't parse rpm header");
}

/* Size and alignment of one element of a fixed-size type, 0 for the
 * others. */
static uint32_t
type_size (uint32_t type)
{
  switch (type) {
  case T_CHAR:
  case T_INT8:
  case T_BIN:
    return 1;
  case T_INT16:
    return 2;
  case T_INT32:
    return 4;
  case T_INT64:
    return 8;
  default:
    return 0;
  }
}

/* Check that count strings start at off and each ends inside the data.
 * Only done for the tags we read: doing it for every entry would let
 * many entries sharing one huge string array cost il * dl. */
static int
check_strings (const struct hdr *h, int k, struct v2c_err *err)
{
  const struct ent *e = &h->e[k];
  uint32_t p = e->off, i;

  for (i = 0; i < e->count; i++) {
    const unsigned char *z;

    if (p >= h->dl)
      return v2c_set_error (err, 0, "rpm header tag %s runs past the data",
                            tag_name[k]);
    z = memchr (h->data + p, '\0', h->dl - p);
    if (z == NULL)
      return v2c_set_error (err, 0,
                            "rpm header tag %s has an unterminated "
                            "string",
                            tag_name[k]);
    p = (uint32_t) (z - h->data) + 1;
  }
  return 0;
}

static int
hdr_load (const unsigned char *blob, size_t len, struct hdr *h,
          struct v2c_err *err)
{
  uint32_t il, dl, i;
  int k;

  memset (h, 0, sizeof *h);
  if (len < 8)
    return v2c_set_error (err, 0, "rpm header is truncated (%zu bytes)", len);
  il = be32 (blob);
  dl = be32 (blob + 4);
  if (il == 0 || il > RPM_MAX_INDEX)
    return v2c_set_error (
        err, 0, "rpm header index count %" PRIu32 " is out of range", il);
  if (dl > RPM_MAX_DATA)
    return v2c_set_error (
        err, 0, "rpm header data size %" PRIu32 " is out of range", dl);
  if ((uint64_t) 8 + (uint64_t) il * 16 + dl > len)
    return v2c_set_error (err, 0,
                          "rpm header is truncated (%zu bytes, "
                          "index %" PRIu32 ", data %" PRIu32 ")",
                          len, il, dl);
  h->data = blob + 8 + (size_t) il * 16;
  h->dl = dl;

  for (i = 0; i < il; i++) {
    const unsigned char *ix = blob + 8 + (size_t) i * 16;
    uint32_t tag = be32 (ix), type = be32 (ix + 4);
    uint32_t off = be32 (ix + 8), count = be32 (ix + 12), sz;

    if (type > T_I18NSTRING)
      return v2c_set_error (err, 0,
                            "rpm header entry %" PRIu32 " has bad "
                            "type %" PRIu32,
                            i, type);
    if (off > dl)
      return v2c_set_error (err, 0,
                            "rpm header entry %" PRIu32 " offset "
                            "%" PRIu32 " is out of range",
                            i, off);
    sz = type_size (type);
    if (sz) {
      if (off % sz != 0)
        return v2c_set_error (err, 0,
                              "rpm header entry %" PRIu32 " is not "
                              "aligned",
                              i);
      if ((uint64_t) count * sz > dl - off)
        return v2c_set_error (err, 0,
                              "rpm header entry %" PRIu32 " runs "
                              "past the data",
                              i);
    } else if (type == T_STRING && count != 1)
      return v2c_set_error (err, 0,
                            "rpm header entry %" PRIu32 " is a "
                            "string with count %" PRIu32,
                            i, count);
    else if (type != T_NULL && count > dl - off)
      return v2c_set_error (err, 0,
                            "rpm header entry %" PRIu32 " runs "
                            "past the data",
                            i);
    for (k = 0; k < K_N; k++)
      if (tag_of[k] == tag) {
        h->e[k].present = 1;
        h->e[k].type = type;
        h->e[k].off = off;
        h->e[k].count = count;
      }
  }
  for (k = 0; k < K_N; k++) {
    uint32_t t = h->e[k].type;

    if (h->e[k].present
        && (t == T_STRING || t == T_STRING_ARRAY || t == T_I18NSTRING)
        && check_strings (h, k, err) == -1)
      return -1;
  }
  return 0;
}

/* A string tag (first string of an array / i18n table), or NULL. */
static const char *
hdr_str (const struct hdr *h, int k)
{
  const struct ent *e = &h->e[k];

  if (!e->present || e->count == 0
      || (e->type != T_STRING && e->type != T_STRING_ARRAY
          && e->type != T_I18NSTRING))
    return NULL;
  return (const char *) h->data + e->off;
}

static int
hdr_has (const struct hdr *h, int k, uint32_t type)
{
  return h->e[k].present && h->e[k].type == type && h->e[k].count > 0;
}

static uint32_t
hdr_u32 (const struct hdr *h, int k, uint32_t i)
{
  return be32 (h->data + h->e[k].off + 4 * (size_t) i);
}

/* Pointers to the strings of a string array (already checked). */
static const char **
hdr_strv (const struct hdr *h, int k, struct v2c_err *err)
{
  const struct ent *e = &h->e[k];
  const char **v;
  const char *p = (const char *) h->data + e->off;
  uint32_t i;

  v = calloc (e->count ? e->count : 1, sizeof *v);
  if (v == NULL) {
    oom (err);
    return NULL;
  }
  for (i = 0; i < e->count; i++) {
    v[i] = p;
    p += strlen (p) + 1;
  }
  return v;
}

static int
dup_opt (char **dst, const char *s)
{
  if (s == NULL)
    return 0;
  *dst = strdup (s);
  return *dst ? 0 : -1;
}

/* "bash-5.1.8-6.el9.src.rpm" -> "bash", "5.1.8-6.el9". */
static int
split_sourcerpm (const char *s, struct v2c_pkg *p)
{
  size_t n = strlen (s);
  const char *rel, *ver;

  if (n > 8 && strcmp (s + n - 8, ".src.rpm") == 0)
    n -= 8;
  else if (n > 10 && strcmp (s + n - 10, ".nosrc.rpm") == 0)
    n -= 10;
  else
    return 0;
  rel = memrchr (s, '-', n);
  if (rel == NULL || rel == s || rel + 1 == s + n)
    return 0;
  ver = memrchr (s, '-', (size_t) (rel - s));
  if (ver == NULL || ver == s || ver + 1 == rel)
    return 0;
  p->source_package = strndup (s, (size_t) (ver - s));
  p->source_version = strndup (ver + 1, (size_t) (s + n - ver - 1));
  return p->source_package && p->source_version ? 0 : -1;
}

/* A digest as rpm stores it (hex); NULL for "" (directories, links). */
static int
dup_digest (const char *d, char **out, struct v2c_err *err)
{
  size_t i, n = strlen (d);

  *out = NULL;
  if (n == 0)
    return 0;
  if (n > 256)
    return v2c_set_error (err, 0, "rpm file digest is too long");
  *out = malloc (n + 1);
  if (*out == NULL)
    return oom (err);
  for (i = 0; i < n; i++) {
    char c = d[i];

    if (c >= 'A' && c <= 'F')
      c = (char) (c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      free (*out);
      *out = NULL;
      return v2c_set_error (err, 0, "rpm file digest is not hexadecimal");
    }
    (*out)[i] = c;
  }
  (*out)[n] = '\0';
  return 0;
}

static int
read_files (const struct hdr *h, struct v2c_pkg *p, struct v2c_err *err)
{
  const char **base = NULL, **dirs = NULL, **digests = NULL;
  uint32_t n, ndirs = 0, i;
  int r = -1;

  if (hdr_has (h, K_BASENAMES, T_STRING_ARRAY)) {
    n = h->e[K_BASENAMES].count;
    if (!hdr_has (h, K_DIRINDEXES, T_INT32) || h->e[K_DIRINDEXES].count != n
        || !hdr_has (h, K_DIRNAMES, T_STRING_ARRAY))
      return v2c_set_error (err, 0,
                            "rpm header has BASENAMES without "
                            "matching DIRINDEXES and DIRNAMES");
    ndirs = h->e[K_DIRNAMES].count;
  } else if (hdr_has (h, K_OLDFILENAMES, T_STRING_ARRAY))
    n = h->e[K_OLDFILENAMES].count;
  else
    return 0; /* a package without files */
  if (n > RPM_MAX_FILES)
    return v2c_set_error (err, 0,
                          "rpm header lists %" PRIu32 " files, "
                          "more than %u",
                          n, RPM_MAX_FILES);
  if (h->e[K_FILEDIGESTS].present
      && (h->e[K_FILEDIGESTS].type != T_STRING_ARRAY
          || h->e[K_FILEDIGESTS].count != n))
    return v2c_set_error (err, 0,
                          "rpm header FILEDIGESTS does not match "
                          "the file list");
  if (h->e[K_FILEFLAGS].present
      && (h->e[K_FILEFLAGS].type != T_INT32 || h->e[K_FILEFLAGS].count != n))
    return v2c_set_error (err, 0,
                          "rpm header FILEFLAGS does not match the "
                          "file list");

  if (ndirs) {
    base = hdr_strv (h, K_BASENAMES, err);
    dirs = hdr_strv (h, K_DIRNAMES, err);
  } else
    base = hdr_strv (h, K_OLDFILENAMES, err);
  if (base == NULL || (ndirs && dirs == NULL))
    goto out;
  if (h->e[K_FILEDIGESTS].present) {
    digests = hdr_strv (h, K_FILEDIGESTS, err);
    if (digests == NULL)
      goto out;
  }
  p->files = calloc (n ? n : 1, sizeof *p->files);
  if (p->files == NULL) {
    oom (err);
    goto out;
  }
  for (i = 0; i < n; i++) {
    struct v2c_pkg_file *f = &p->files[i];
    uint32_t flags = 0;

    if (ndirs) {
      uint32_t di = hdr_u32 (h, K_DIRINDEXES, i);

      if (di >= ndirs) {
        v2c_set_error (err, 0,
                       "rpm header file %" PRIu32 " has directory "
                       "index %" PRIu32 " out of range",
                       i, di);
        goto out;
      }
      if (asprintf (&f->path, "%s%s", dirs[di], base[i]) == -1) {
        f->path = NULL;
        oom (err);
        goto out;
      }
    } else if ((f->path = strdup (base[i])) == NULL) {
      oom (err);
      goto out;
    }
    p->nfiles++;
    if (f->path[0] != '/') {
      v2c_set_error (err, 0,
                     "rpm header file %" PRIu32 " is not an "
                     "absolute path",
                     i);
      goto out;
    }
    if (h->e[K_FILEFLAGS].present)
      flags = hdr_u32 (h, K_FILEFLAGS, i);
    f->conffile = (flags & RPMFILE_CONFIG) != 0;
    /* A ghost file is not in the package: whatever is on disk now was
     * never recorded, so there is no digest to compare with. */
    if (digests && !(flags & RPMFILE_GHOST)
        && dup_digest (digests[i], &f->digest, err) == -1)
      goto out;
  }
  r = 0;
out:
  free (base);
  free (dirs);
  free (digests);
  return r;
}

int
v2c_rpm_parse_header (const unsigned char *blob, size_t len, int with_files,
                      struct v2c_pkg *out, struct v2c_err *err)
{
  struct hdr h;
  struct v2c_pkg p = { 0 };
  const char *name, *version, *release, *srpm;

  if (hdr_load (blob, len, &h, err) == -1)
    return -1;
  name = hdr_str (&h, K_NAME);
  version = hdr_str (&h, K_VERSION);
  release = hdr_str (&h, K_RELEASE);
  if (name == NULL || name[0] == '\0' || version == NULL || release == NULL)
    return v2c_set_error (err, 0,
                          "rpm header has no NAME, VERSION or "
                          "RELEASE");
  p.installed_size = -1;
  if (dup_opt (&p.name, name) == -1 || dup_opt (&p.version, version) == -1
      || dup_opt (&p.release, release) == -1
      || dup_opt (&p.arch, hdr_str (&h, K_ARCH)) == -1
      || dup_opt (&p.license, hdr_str (&h, K_LICENSE)) == -1
      || (p.manager = strdup ("rpm")) == NULL)
    goto nomem;
  if (hdr_has (&h, K_EPOCH, T_INT32)) {
    if (asprintf (&p.epoch, "%" PRIu32, hdr_u32 (&h, K_EPOCH, 0)) == -1) {
      p.epoch = NULL;
      goto nomem;
    }
  }
  if ((p.epoch ? asprintf (&p.evr, "%s:%s-%s", p.epoch, version, release)
               : asprintf (&p.evr, "%s-%s", version, release))
      == -1) {
    p.evr = NULL;
    goto nomem;
  }
  if (hdr_has (&h, K_LONGSIZE, T_INT64)) {
    const unsigned char *q = h.data + h.e[K_LONGSIZE].off;
    uint64_t v = (uint64_t) be32 (q) << 32 | be32 (q + 4);

    p.installed_size = v > INT64_MAX ? -1 : (int64_t) v;
  } else if (hdr_has (&h, K_SIZE, T_INT32))
    p.installed_size = hdr_u32 (&h, K_SIZE, 0);
  srpm = hdr_str (&h, K_SOURCERPM);
  if (srpm && split_sourcerpm (srpm, &p) == -1)
    goto nomem;
  if (with_files && read_files (&h, &p, err) == -1) {
    v2c_pkgutil_free_pkg (&p);
    return -1;
  }
  *out = p;
  return 0;

nomem:
  v2c_pkgutil_free_pkg (&p);
  return oom (err);
}

/* ------------------------------------------------------------------ */
/* The database                                                        */

struct collect {
  struct v2c_pkgs pkgs;
  size_t cap;
  int with_files;
};

/* A header that does not parse is skipped, as 'rpm -qa' skips it (it
 * says "skipping h#"); only running out of memory stops the walk. */
static int
collect_one (void *opaque, const unsigned char *blob, size_t len,
             struct v2c_err *err)
{
  struct collect *c = opaque;
  struct v2c_pkg p;
  struct v2c_err e2 = { 0, "" };

  if (v2c_rpm_parse_header (blob, len, c->with_files, &p, &e2) == -1) {
    if (e2.errnum == ENOMEM)
      return v2c_set_error (err, ENOMEM, "can't parse rpm header");
    return 0;
  }
  if (c->pkgs.n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 16;
    struct v2c_pkg *v = realloc (c->pkgs.v, cap * sizeof *v);

    if (v == NULL) {
      v2c_pkgutil_free_pkg (&p);
      return v2c_set_error (err, ENOMEM, "can't parse rpm header");
    }
    c->pkgs.v = v;
    c->cap = cap;
  }
  c->pkgs.v[c->pkgs.n++] = p;
  return 0;
}

/* Read a file of the guest; 1 when it exists, 0 when it does not. */
static int
read_opt (struct v2c_fs *fs, const char *path, char **buf, size_t *len,
          struct v2c_err *err)
{
  *buf = v2c_fs_read (fs, path, RPM_MAX_DB_BYTES, len);
  if (*buf)
    return 1;
  if (errno == ENOENT || errno == ENOTDIR)
    return 0;
  return v2c_set_error (err, errno, "can't read '%s'", path);
}

static int
read_dir (struct v2c_fs *fs, const char *dir, struct collect *c,
          struct v2c_err *err)
{
  static const char *const files[]
      = { "rpmdb.sqlite", "Packages.db", "Packages" };
  char path[256];
  size_t i;

  for (i = 0; i < sizeof files / sizeof files[0]; i++) {
    char *buf, *wal = NULL;
    size_t len, wal_len = 0;
    int r;

    snprintf (path, sizeof path, "%s/%s", dir, files[i]);
    r = read_opt (fs, path, &buf, &len, err);
    if (r <= 0) {
      if (r == 0)
        continue;
      return -1;
    }
    if (i == 0) {
      char wpath[300];

      snprintf (wpath, sizeof wpath, "%s-wal", path);
      if (read_opt (fs, wpath, &wal, &wal_len, err) == -1) {
        free (buf);
        return -1;
      }
      r = v2c_rpmdb_sqlite_walk ((unsigned char *) buf, len,
                                 (unsigned char *) wal, wal_len, collect_one,
                                 c, err);
    } else if (i == 1)
      r = v2c_rpmdb_ndb_walk ((unsigned char *) buf, len, collect_one, c, err);
    else
      r = v2c_rpmdb_bdb_walk ((unsigned char *) buf, len, collect_one, c, err);
    free (buf);
    free (wal);
    if (r == -1)
      return v2c_error_prefix (err, "can't read rpm database '%s'", path);
    return 1;
  }
  return 0;
}

/* The first directory holding a database wins: Fedora and openSUSE use
 * /usr/lib/sysimage/rpm (with /var/lib/rpm a symlink to it), RHEL and
 * older systems /var/lib/rpm.  Inside one directory the newest format
 * is taken, since a conversion leaves the old file behind.  A guest
 * without any rpm database has no rpm packages: that is not an error. */
int
v2c_rpm_read (struct v2c_fs *fs, int with_files, struct v2c_pkgs *out,
              struct v2c_err *err)
{
  static const char *const dirs[]
      = { "/usr/lib/sysimage/rpm", "/var/lib/rpm" };
  struct collect c = { { NULL, 0 }, 0, with_files };
  size_t i;
  int r = 0;

  for (i = 0; i < sizeof dirs / sizeof dirs[0] && r == 0; i++)
    r = read_dir (fs, dirs[i], &c, err);
  if (r == -1) {
    for (i = 0; i < c.pkgs.n; i++)
      v2c_pkgutil_free_pkg (&c.pkgs.v[i]);
    free (c.pkgs.v);
    return -1;
  }
  if (c.pkgs.n) {
    struct v2c_pkg *v = realloc (out->v, (out->n + c.pkgs.n) * sizeof *v);

    if (v == NULL) {
      for (i = 0; i < c.pkgs.n; i++)
        v2c_pkgutil_free_pkg (&c.pkgs.v[i]);
      free (c.pkgs.v);
      return v2c_set_error (err, ENOMEM, "can't list rpm packages");
    }
    memcpy (v + out->n, c.pkgs.v, c.pkgs.n * sizeof *v);
    out->v = v;
    out->n += c.pkgs.n;
  }
  free (c.pkgs.v);
  return 0;
}
