/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Text in other encodings and names outside ASCII: checking UTF-8,
 * decoding a descriptor's charset into UTF-8 (iconv), and folding a VM's
 * name into the ASCII that Kubernetes and directory names accept, with a
 * short hash of the original whenever the folding lost something, so
 * that two different names never fold into the same one.
 */
#include <config.h>

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>

#include "v2c-internal.h"

/* The code point at s (at most n bytes) and its length in *len; -1 and
 * *len = 1 when the bytes are not UTF-8 (overlong forms, surrogates and
 * code points above U+10FFFF included). */
static long
utf8_next (const unsigned char *s, size_t n, size_t *len)
{
  unsigned char c = s[0];
  size_t k, i;
  long cp, min;

  *len = 1;
  if (c < 0x80)
    return c;
  if (c >= 0xc2 && c <= 0xdf)
    k = 2, cp = c & 0x1f, min = 0x80;
  else if (c >= 0xe0 && c <= 0xef)
    k = 3, cp = c & 0x0f, min = 0x800;
  else if (c >= 0xf0 && c <= 0xf4)
    k = 4, cp = c & 0x07, min = 0x10000;
  else
    return -1;
  if (n < k)
    return -1;
  for (i = 1; i < k; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return -1;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return -1;
  *len = k;
  return cp;
}

int
v2c_utf8_valid (const char *s, size_t n, size_t *bad)
{
  const unsigned char *u = (const unsigned char *) s;
  size_t i = 0, k;

  while (i < n) {
    if (utf8_next (u + i, n - i, &k) < 0) {
      if (bad)
        *bad = i;
      return 0;
    }
    i += k;
  }
  return 1;
}

char *
v2c_to_utf8 (const char *buf, size_t len, const char *charset, size_t *outlen,
             size_t *bad)
{
  iconv_t cd = iconv_open ("UTF-8", charset);
  char *in = (char *) buf, *out, *p;
  size_t inleft = len, cap, left;

  if (cd == (iconv_t) -1) {
    errno = EINVAL;
    return NULL;
  }
  /* Four bytes of UTF-8 at most per input byte, and the NUL. */
  cap = len * 4 + 1;
  out = malloc (cap);
  if (out == NULL) {
    iconv_close (cd);
    errno = ENOMEM;
    return NULL;
  }
  p = out;
  left = cap - 1;
  if (iconv (cd, &in, &inleft, &p, &left) == (size_t) -1
      || iconv (cd, NULL, NULL, &p, &left) == (size_t) -1) {
    int saved = errno == E2BIG ? ENOMEM : EILSEQ;

    if (bad)
      *bad = (size_t) (in - buf);
    free (out);
    iconv_close (cd);
    errno = saved;
    return NULL;
  }
  iconv_close (cd);
  *p = '\0';
  if (outlen)
    *outlen = (size_t) (p - out);
  return out;
}

/* ASCII for U+00C0 .. U+017F: the letter without its mark; '*' is two
 * letters (see fold_pair), '.' no letter (the signs x and /). */
static const char latin_fold[] =
    /* U+00C0 */ "AAAAAA*CEEEEIIIIDNOOOOO.OUUUUY**"
                 /* U+00E0 */ "aaaaaa*ceeeeiiiidnooooo.ouuuuy*y"
                 /* U+0100 */ "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGg"
                 /* U+0120 */ "GgGgHhHhIiIiIiIiIi**JjKkkLlLlLlL"
                 /* U+0140 */ "lLlNnNnNnnNnOoOoOo**RrRrRrSsSsSs"
                 /* U+0160 */ "SsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
_Static_assert(sizeof latin_fold == 0x180 - 0xc0 + 1, "one per code point");

static const char *
fold_pair (long cp)
{
  switch (cp) {
  case 0xc6:
    return "AE";
  case 0xde:
    return "TH";
  case 0xdf:
    return "ss";
  case 0xe6:
    return "ae";
  case 0xfe:
    return "th";
  case 0x132:
    return "IJ";
  case 0x133:
    return "ij";
  case 0x152:
    return "OE";
  case 0x153:
    return "oe";
  default:
    return "";
  }
}

int
v2c_name_fold (const char *s, char *out, size_t size)
{
  const unsigned char *u = (const unsigned char *) s;
  size_t n = s ? strlen (s) : 0, i = 0, o = 0, k;
  int lossy = 0, gap = 0;

  while (i < n) {
    long cp = utf8_next (u + i, n - i, &k);
    const char *add = NULL;
    char one[2] = { 0, 0 };

    i += k;
    if (cp >= 0 && cp < 0x80) {
      one[0] = (char) cp;
      add = one;
    } else {
      lossy = 1;
      if (cp >= 0xc0 && cp <= 0x17f) {
        char f = latin_fold[cp - 0xc0];

        one[0] = f;
        add = f == '*' ? fold_pair (cp) : f == '.' ? NULL : one;
      } else if (cp >= 0x300 && cp <= 0x36f)
        continue; /* a combining mark: the letter before it stays */
    }
    /* One space for a run of characters that have no ASCII letter. */
    if (add == NULL) {
      gap = 1;
      continue;
    }
    if (gap && o + 1 < size)
      out[o++] = ' ';
    gap = 0;
    for (; *add && o + 1 < size; add++)
      out[o++] = *add;
  }
  if (gap && o + 1 < size)
    out[o++] = ' ';
  if (size > 0)
    out[o < size ? o : size - 1] = '\0';
  return lossy;
}

void
v2c_name_hash (const char *s, char out[9])
{
  uint32_t h = 2166136261u; /* 32-bit FNV-1a */

  for (; s && *s; s++) {
    h ^= (unsigned char) *s;
    h *= 16777619u;
  }
  snprintf (out, 9, "%08x", (unsigned) h);
}

char *
v2c_utf8_repair (const char *s)
{
  const unsigned char *u = (const unsigned char *) s;
  size_t n = strlen (s), i = 0, o = 0, k;
  char *r = malloc (n * 3 + 1);

  if (r == NULL)
    return NULL;
  while (i < n) {
    if (utf8_next (u + i, n - i, &k) < 0) {
      memcpy (r + o, "\xef\xbf\xbd", 3);
      o += 3;
      i++;
      continue;
    }
    memcpy (r + o, s + i, k);
    o += k;
    i += k;
  }
  r[o] = '\0';
  return r;
}
