/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The apk database: /lib/apk/db/installed (Alpine), stanzas of
 * "X:value" lines separated by blank lines.  P name, V version
 * ("1.36.1-r5": version 1.36.1, release r5), A arch, L license, o origin
 * (the source package), I installed size in bytes; F a directory of
 * the package (relative to /), R a file in the last F, Z the checksum
 * of the last R.  Other keys (C, T, U, D, p, a, M, ...) are not needed.
 *
 * files[] lists every F directory (no digest) and every R file, as
 * absolute paths, in the order written: directories belong to apk
 * packages as they do to dpkg's.  Digests are lower-case hex like the
 * other managers': "Q1" + base64 is SHA-1 (40 hex digits), "Q2" +
 * base64 SHA-256 (64), and a bare hex string (old databases' MD5) is
 * kept lower-cased; anything else is not a checksum we can name, and
 * the digest stays NULL rather than carry an unknown format.
 *
 * Every stanza with P and V is a package (apk keeps only installed ones
 * in this file); stanzas without them are skipped, so are R lines
 * before any F and Z lines before any R, which apk itself refuses.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "inspect-pkg-private.h"

#define MAX_DB_BYTES (256u << 20)
#define MAX_LINE (1u << 20)
#define MAX_PKGS 262144u
#define MAX_FILES (1u << 21) /* per package */
#define MAX_PATH 4096

static int
b64val (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

/* Decode base64 s[0..n) into exactly want bytes, as lower-case hex; NULL
 * when it is not that (errno EINVAL) or out of memory. */
static char *
b64_hex (const char *s, size_t n, size_t want)
{
  static const char hex[] = "0123456789abcdef";
  unsigned char bytes[64];
  uint32_t acc = 0;
  size_t i, bits = 0, k = 0;
  char *r;

  while (n > 0 && s[n - 1] == '=')
    n--;
  if (want > sizeof bytes || n != (want * 8 + 5) / 6)
    goto bad;
  for (i = 0; i < n; i++) {
    int v = b64val (s[i]);
    if (v < 0)
      goto bad;
    acc = (acc << 6) | (uint32_t) v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (k < want)
        bytes[k++] = (acc >> bits) & 0xff;
    }
  }
  if (k != want)
    goto bad;
  r = malloc (want * 2 + 1);
  if (r == NULL)
    return NULL;
  for (i = 0; i < want; i++) {
    r[2 * i] = hex[bytes[i] >> 4];
    r[2 * i + 1] = hex[bytes[i] & 15];
  }
  r[want * 2] = '\0';
  return r;
bad:
  errno = EINVAL;
  return NULL;
}

/* A Z: value as lower-case hex; NULL (errno EINVAL) when unknown. */
static char *
digest_hex (const char *v, size_t n)
{
  if (n > 2 && v[0] == 'Q' && v[1] == '1')
    return b64_hex (v + 2, n - 2, 20);
  if (n > 2 && v[0] == 'Q' && v[1] == '2')
    return b64_hex (v + 2, n - 2, 32);
  if ((n == 32 || n == 40 || n == 64) && v2c_pkgutil_is_hex (v, n))
    return v2c_pkgutil_lower (v, n);
  errno = EINVAL;
  return NULL;
}

static int
set_str (char **dst, const char *v, size_t n)
{
  free (*dst);
  *dst = strndup (v, n);
  return *dst ? 0 : -1;
}

/* The file entry "/" dir ["/" name]; 0 when skipped as too long. */
static int
add_path (struct v2c_pkg *p, const char *dir, size_t dn, const char *name,
          size_t nn, struct v2c_err *err)
{
  struct v2c_pkg_file *f;
  size_t len = 1 + dn + (name ? 1 + nn : 0);
  char *s;

  if (len > MAX_PATH)
    return 0;
  f = v2c_pkgutil_add_file (p, MAX_FILES, err);
  if (f == NULL)
    return -1;
  f->path = s = malloc (len + 1);
  if (s == NULL)
    return v2c_set_error (err, errno, "out of memory");
  *s++ = '/';
  memcpy (s, dir, dn);
  s += dn;
  if (name) {
    *s++ = '/';
    memcpy (s, name, nn);
    s += nn;
  }
  *s = '\0';
  return 1;
}

struct stanza {
  struct v2c_pkg *p; /* the last of out, once the stanza has begun */
  int have_version;
  char *dir; /* the last F */
  size_t dirn;
  int have_dir;
  int have_file; /* the last entry of p->files is an R */
};

static int
stanza_end (struct v2c_pkgs *out, struct stanza *st, struct v2c_err *err)
{
  struct v2c_pkg *p = st->p;

  free (st->dir);
  if (p == NULL) {
    memset (st, 0, sizeof *st);
    return 0;
  }
  if (p->name == NULL || !st->have_version) {
    v2c_pkgutil_free_pkg (p);
    out->n--;
    memset (st, 0, sizeof *st);
    return 0;
  }
  if (p->source_package && strcmp (p->source_package, p->name) == 0) {
    free (p->source_package);
    p->source_package = NULL;
  }
  memset (st, 0, sizeof *st);
  return 0;
}

static int64_t
parse_size (const char *v, size_t n)
{
  int64_t k = 0;
  size_t i;

  if (n == 0)
    return -1;
  for (i = 0; i < n; i++) {
    if (v[i] < '0' || v[i] > '9' || k > (INT64_MAX - 9) / 10)
      return -1;
    k = k * 10 + (v[i] - '0');
  }
  return k;
}

static int
line (struct v2c_pkgs *out, struct stanza *st, char key, const char *v,
      size_t n, int with_files, struct v2c_err *err)
{
  struct v2c_pkg *p;
  int r;

  if (st->p == NULL) {
    st->p = v2c_pkgutil_add (out, MAX_PKGS, err);
    if (st->p == NULL)
      return -1;
    if ((st->p->manager = strdup ("apk")) == NULL)
      goto oom;
  }
  p = st->p;
  /* a NUL ends the value, as it ends the strings made of it */
  n = strnlen (v, n);
  switch (key) {
  case 'P':
    if (set_str (&p->name, v, n) == -1)
      goto oom;
    return 0;
  case 'V':
    free (p->evr);
    free (p->version);
    free (p->release);
    p->evr = p->version = p->release = NULL;
    if (v2c_pkgutil_set_version (p, v, n, 0) == -1)
      goto oom;
    st->have_version = n > 0;
    return 0;
  case 'A':
    if (set_str (&p->arch, v, n) == -1)
      goto oom;
    return 0;
  case 'L':
    if (set_str (&p->license, v, n) == -1)
      goto oom;
    return 0;
  case 'o':
    if (set_str (&p->source_package, v, n) == -1)
      goto oom;
    return 0;
  case 'I':
    p->installed_size = parse_size (v, n);
    return 0;
  case 'F':
    if (!with_files)
      return 0;
    if (set_str (&st->dir, v, n) == -1)
      goto oom;
    st->dirn = n;
    st->have_dir = 1;
    st->have_file = 0;
    if (n == 0)
      return 0; /* the root itself */
    r = add_path (p, v, n, NULL, 0, err);
    return r == -1 ? -1 : 0;
  case 'R':
    if (!with_files || !st->have_dir || n == 0)
      return 0;
    if (st->dirn == 0)
      r = add_path (p, v, n, NULL, 0, err);
    else
      r = add_path (p, st->dir, st->dirn, v, n, err);
    if (r == -1)
      return -1;
    st->have_file = r == 1;
    return 0;
  case 'Z':
    if (!with_files || !st->have_file)
      return 0;
    {
      struct v2c_pkg_file *f = &p->files[p->nfiles - 1];
      free (f->digest);
      f->digest = digest_hex (v, n);
      if (f->digest == NULL && errno != EINVAL)
        goto oom;
    }
    return 0;
  default:
    return 0;
  }
oom:
  return v2c_set_error (err, errno, "out of memory");
}

int
v2c_apk_parse_installed (const char *buf, size_t len, int with_files,
                         struct v2c_pkgs *out, struct v2c_err *err)
{
  struct stanza st = { 0 };
  const char *l;
  size_t pos = 0, llen, lineno = 0;
  int r;

  out->v = NULL;
  out->n = 0;
  while ((r = v2c_pkgutil_line (buf, len, &pos, MAX_LINE, &l, &llen)) != 0) {
    lineno++;
    if (r == -1) {
      v2c_set_error (err, 0, "line %zu is longer than %u bytes", lineno,
                     MAX_LINE);
      goto fail;
    }
    if (llen == 0) {
      if (stanza_end (out, &st, err) == -1)
        goto fail;
      continue;
    }
    if (llen < 2 || l[1] != ':')
      continue;
    if (line (out, &st, l[0], l + 2, llen - 2, with_files, err) == -1)
      goto fail;
  }
  if (stanza_end (out, &st, err) == -1)
    goto fail;
  return 0;
fail:
  free (st.dir);
  v2c_pkgs_free_contents (out);
  return -1;
}

int
v2c_apk_read (struct v2c_fs *fs, int with_files, struct v2c_pkgs *out,
              struct v2c_err *err)
{
  /* apk-tools 3 may keep its database under /usr/lib on systems whose
   * /lib is not a link to it */
  static const char *const paths[] = {
    "/lib/apk/db/installed",
    "/usr/lib/apk/db/installed",
  };
  size_t i, len;
  char *buf = NULL;
  int r;

  out->v = NULL;
  out->n = 0;
  for (i = 0; i < 2; i++) {
    buf = v2c_fs_read (fs, paths[i], MAX_DB_BYTES, &len);
    if (buf)
      break;
    if (errno != ENOENT)
      return v2c_set_error (err, errno, "can't read '%s'", paths[i]);
  }
  if (buf == NULL)
    return v2c_set_error (err, ENOENT, "can't read '%s'", paths[0]);
  r = v2c_apk_parse_installed (buf, len, with_files, out, err);
  free (buf);
  if (r == -1)
    return v2c_error_prefix (err, "'%s'", paths[i]);
  return 0;
}
