/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The growing text buffer and string vector of strbuf.h, which the
 * YAML writer, the report and fleet renderers, the SPDX license
 * expressions and the guest parsers share.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

int
v2c_strbuf_add (struct v2c_strbuf *b, const void *p, size_t n)
{
  if (b->failed)
    return -1;
  if (n > SIZE_MAX - b->len - 1) {
    b->failed = 1;
    return -1;
  }
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    char *s;

    while (cap < b->len + n + 1) {
      if (cap > SIZE_MAX / 2) {
        cap = b->len + n + 1;
        break;
      }
      cap *= 2;
    }
    s = realloc (b->s, cap);
    if (s == NULL) {
      b->failed = 1;
      return -1;
    }
    b->s = s;
    b->cap = cap;
  }
  if (n)
    memcpy (b->s + b->len, p, n);
  b->len += n;
  b->s[b->len] = '\0';
  return 0;
}

int
v2c_strbuf_puts (struct v2c_strbuf *b, const char *s)
{
  return v2c_strbuf_add (b, s, strlen (s));
}

int
v2c_strbuf_addc (struct v2c_strbuf *b, char c)
{
  return v2c_strbuf_add (b, &c, 1);
}

int
v2c_strbuf_printf (struct v2c_strbuf *b, const char *fmt, ...)
{
  char small[512], *big = NULL;
  va_list ap;
  int n, r;

  if (b->failed)
    return -1;
  va_start (ap, fmt);
  n = vsnprintf (small, sizeof small, fmt, ap);
  va_end (ap);
  if (n < 0) {
    b->failed = 1;
    return -1;
  }
  if ((size_t) n < sizeof small)
    return v2c_strbuf_add (b, small, (size_t) n);
  va_start (ap, fmt);
  n = vasprintf (&big, fmt, ap);
  va_end (ap);
  if (n < 0) {
    b->failed = 1;
    return -1;
  }
  r = v2c_strbuf_add (b, big, (size_t) n);
  free (big);
  return r;
}

void
v2c_strbuf_release (struct v2c_strbuf *b)
{
  free (b->s);
  b->s = NULL;
  b->len = b->cap = 0;
  b->failed = 0;
}

int
v2c_strvec_pushn (struct v2c_strvec *sv, const char *s, size_t len)
{
  char *copy;

  if (sv->n + 2 > sv->cap) {
    size_t cap = sv->cap ? sv->cap * 2 : 8;
    char **v;

    if (cap > SIZE_MAX / sizeof *v) {
      errno = ENOMEM;
      return -1;
    }
    v = realloc (sv->v, cap * sizeof *v);
    if (v == NULL)
      return -1;
    sv->v = v;
    sv->cap = cap;
  }
  copy = strndup (s, len);
  if (copy == NULL)
    return -1;
  sv->v[sv->n++] = copy;
  sv->v[sv->n] = NULL;
  return 0;
}

int
v2c_strvec_push (struct v2c_strvec *sv, const char *s)
{
  return v2c_strvec_pushn (sv, s, strlen (s));
}

long
v2c_strvec_findn (const struct v2c_strvec *sv, const char *s, size_t len)
{
  size_t i;

  for (i = 0; i < sv->n; i++)
    if (strncmp (sv->v[i], s, len) == 0 && sv->v[i][len] == '\0')
      return (long) i;
  return -1;
}

long
v2c_strvec_find (const struct v2c_strvec *sv, const char *s)
{
  return v2c_strvec_findn (sv, s, strlen (s));
}

char **
v2c_strvec_detach (struct v2c_strvec *sv)
{
  char **v = sv->v;

  sv->v = NULL;
  sv->n = sv->cap = 0;
  return v;
}

void
v2c_strvec_clear (struct v2c_strvec *sv)
{
  size_t i;

  for (i = 0; i < sv->n; i++)
    free (sv->v[i]);
  free (sv->v);
  sv->v = NULL;
  sv->n = sv->cap = 0;
}
