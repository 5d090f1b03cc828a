/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The one growing text buffer and the one growing string vector of
 * the library (lib/strbuf.c), in the utility layer under every stage.
 * Not installed.
 */
#ifndef V2C_STRBUF_H
#define V2C_STRBUF_H

#include <stddef.h>

/* A NUL-terminated text that grows.  The first failure (out of memory,
 * or a length past SIZE_MAX) sets failed, and every later addition is
 * ignored, so a writer checks once at the end.  s stays NULL until the
 * first addition (even of nothing). */
struct v2c_strbuf {
  char *s;
  size_t len, cap;
  int failed;
};
#define V2C_STRBUF_INIT { NULL, 0, 0, 0 }

/* Each returns 0, or -1 once failed is set. */
int v2c_strbuf_add (struct v2c_strbuf *b, const void *p, size_t n);
int v2c_strbuf_puts (struct v2c_strbuf *b, const char *s);
int v2c_strbuf_addc (struct v2c_strbuf *b, char c);
int v2c_strbuf_printf (struct v2c_strbuf *b, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
/* Free the text and make b empty again (failed cleared). */
void v2c_strbuf_release (struct v2c_strbuf *b);

/* A NULL-terminated vector of malloc'd strings that grows; v stays
 * NULL until the first push. */
struct v2c_strvec {
  char **v;
  size_t n, cap;
};
#define V2C_STRVEC_INIT { NULL, 0, 0 }

/* Append a copy of s[0..len) / of s: 0, or -1 (ENOMEM) with v
 * unchanged. */
int v2c_strvec_pushn (struct v2c_strvec *sv, const char *s, size_t len);
int v2c_strvec_push (struct v2c_strvec *sv, const char *s);
/* Index of the first string equal to s / to s[0..len), or -1. */
long v2c_strvec_find (const struct v2c_strvec *sv, const char *s);
long v2c_strvec_findn (const struct v2c_strvec *sv, const char *s,
                       size_t len);
/* Hand the vector over (NULL-terminated, NULL when empty; free it with
 * v2c_strv_free, as the inventory's lists); sv is empty again. */
char **v2c_strvec_detach (struct v2c_strvec *sv);
/* Free every string and the vector; sv is empty again. */
void v2c_strvec_clear (struct v2c_strvec *sv);

#endif /* V2C_STRBUF_H */
