/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers shared by the package database readers (inspect-pkg-*.c):
 * growing the package and file vectors under a bound, splitting a
 * version string, and walking the lines of a text database.  The
 * v2c_pkgutil_* functions are declared in lib/inspect-pkg-private.h.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "inspect-pkg-private.h"

void
v2c_pkgutil_free_pkg (struct v2c_pkg *p)
{
  size_t i;

  V2C_FREE (p->name, p->epoch, p->version, p->release, p->evr, p->arch,
            p->source_package, p->source_version, p->license, p->manager);
  for (i = 0; i < p->nfiles; i++)
    V2C_FREE (p->files[i].path, p->files[i].digest);
  free (p->files);
  memset (p, 0, sizeof *p);
  p->installed_size = -1;
}

void
v2c_pkgs_free_contents (struct v2c_pkgs *p)
{
  size_t i;

  if (p == NULL)
    return;
  for (i = 0; i < p->n; i++)
    v2c_pkgutil_free_pkg (&p->v[i]);
  free (p->v);
  p->v = NULL;
  p->n = 0;
}

/* Vectors grow in powers of two from 16, so the capacity follows from
 * the count and the structs of lib/inspect.h need no capacity field. */
static int
grow (void **v, size_t n, size_t size)
{
  size_t cap;
  void *nv;

  if (n != 0 && (n < 16 || (n & (n - 1)) != 0))
    return 0;
  cap = n == 0 ? 16 : n * 2;
  if (cap > SIZE_MAX / size) {
    errno = ENOMEM;
    return -1;
  }
  nv = realloc (*v, cap * size);
  if (nv == NULL)
    return -1;
  *v = nv;
  return 0;
}

/* Append an empty package (installed_size -1), or NULL when over max. */
struct v2c_pkg *
v2c_pkgutil_add (struct v2c_pkgs *p, size_t max, struct v2c_err *err)
{
  struct v2c_pkg *pkg;

  if (p->n >= max) {
    v2c_set_error (err, 0, "more than %zu packages", max);
    return NULL;
  }
  if (grow ((void **) &p->v, p->n, sizeof *p->v) == -1) {
    v2c_set_error (err, errno, "out of memory");
    return NULL;
  }
  pkg = &p->v[p->n++];
  memset (pkg, 0, sizeof *pkg);
  pkg->installed_size = -1;
  return pkg;
}

/* Append an empty file entry to p, or NULL when over max. */
struct v2c_pkg_file *
v2c_pkgutil_add_file (struct v2c_pkg *p, size_t max, struct v2c_err *err)
{
  struct v2c_pkg_file *f;

  if (p->nfiles >= max) {
    v2c_set_error (err, 0, "package '%s' has more than %zu files",
                   p->name ? p->name : "", max);
    return NULL;
  }
  if (grow ((void **) &p->files, p->nfiles, sizeof *p->files) == -1) {
    v2c_set_error (err, errno, "out of memory");
    return NULL;
  }
  f = &p->files[p->nfiles++];
  memset (f, 0, sizeof *f);
  return f;
}

/* Set evr to [evr, evr+len) and split it: the epoch is what comes before
 * the first ':' (when with_epoch), the release what follows the last
 * '-', the version what lies between.  An empty part is NULL, except
 * the version, which is "" at worst.  -1 (errno) when out of memory. */
int
v2c_pkgutil_set_version (struct v2c_pkg *p, const char *evr, size_t len,
                         int with_epoch)
{
  const char *colon = NULL, *dash = NULL, *v, *end = evr + len;

  p->evr = strndup (evr, len);
  if (p->evr == NULL)
    return -1;
  if (with_epoch)
    colon = memchr (evr, ':', len);
  v = colon ? colon + 1 : evr;
  for (const char *q = end; q > v; q--)
    if (q[-1] == '-') {
      dash = q - 1;
      break;
    }
  if (colon && colon > evr) {
    p->epoch = strndup (evr, colon - evr);
    if (p->epoch == NULL)
      return -1;
  }
  if (dash && dash + 1 < end) {
    p->release = strndup (dash + 1, end - dash - 1);
    if (p->release == NULL)
      return -1;
  }
  p->version = strndup (v, (dash ? dash : end) - v);
  if (p->version == NULL)
    return -1;
  return 0;
}

/* Next line of buf from *pos, without its "\n" or "\r\n".  Returns 1 with
 * the line, 0 at the end, -1 when the line is longer than max bytes
 * (*pos is then left at its start, *llen says where it got to). */
int
v2c_pkgutil_line (const char *buf, size_t len, size_t *pos, size_t max,
                  const char **line, size_t *llen)
{
  const char *s, *nl;
  size_t rest, n, m;

  if (*pos >= len)
    return 0;
  s = buf + *pos;
  rest = len - *pos;
  nl = memchr (s, '\n', rest > max + 2 ? max + 2 : rest);
  if (nl == NULL && rest > max + 1) {
    *llen = max + 1;
    return -1;
  }
  n = nl ? (size_t) (nl - s) : rest;
  m = n > 0 && s[n - 1] == '\r' ? n - 1 : n;
  if (m > max) {
    *llen = m;
    return -1;
  }
  *pos += nl ? n + 1 : n;
  *line = s;
  *llen = m;
  return 1;
}

int
v2c_pkgutil_is_hex (const char *s, size_t n)
{
  size_t i;

  if (n == 0)
    return 0;
  for (i = 0; i < n; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')
          || (s[i] >= 'A' && s[i] <= 'F')))
      return 0;
  return 1;
}

/* A lower-case copy of the n hex digits at s. */
char *
v2c_pkgutil_lower (const char *s, size_t n)
{
  char *r = malloc (n + 1);
  size_t i;

  if (r == NULL)
    return NULL;
  for (i = 0; i < n; i++)
    r[i] = (s[i] >= 'A' && s[i] <= 'F') ? s[i] - 'A' + 'a' : s[i];
  r[n] = '\0';
  return r;
}
