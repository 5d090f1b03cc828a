/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Licence texts of package databases as SPDX licence expressions.
 *
 * Debian's copyright files name licences by DEP-5 short names
 * ("GPL-2+", "Expat", "public-domain"), older rpm packages by Fedora's
 * former names ("GPLv2+", "ASL 2.0"), newer rpm and apk packages by SPDX
 * ids, apk sometimes as a bare space-separated list.  The table below
 * maps the names seen in practice; everything else becomes a
 * LicenseRef-, which SPDX allows and scanners show as is, rather than a
 * guess.  Every id on the right is on the SPDX licence list that the
 * CycloneDX 1.5 schema enumerates (checked by tests/sbom-schema.sh).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sbom.h"
#include "strbuf.h"

#define MAX_TEXT 4096 /* longer licence fields are cut */
#define MAX_TOKENS 256
#define MAX_DEPTH 8
#define MAX_REF 64 /* characters of a LicenseRef- name */

struct map {
  const char *name, *spdx;
};

/* Matched case-insensitively; a name that is itself an SPDX id maps to
 * itself so that expressions already in SPDX form come through. */
static const struct map licenses[] = {
  /* DEP-5 short names (copyright-format 1.0) and their usual variants */
  { "Apache-1.0", "Apache-1.0" },
  { "Apache-1.1", "Apache-1.1" },
  { "Apache-2.0", "Apache-2.0" },
  { "Apache-2", "Apache-2.0" },
  { "Artistic", "Artistic-1.0" },
  { "Artistic-1.0", "Artistic-1.0" },
  { "Artistic-2.0", "Artistic-2.0" },
  { "Artistic-1.0-Perl", "Artistic-1.0-Perl" },
  { "BSD-2-clause", "BSD-2-Clause" },
  { "BSD-3-clause", "BSD-3-Clause" },
  { "BSD-4-clause", "BSD-4-Clause" },
  { "BSL-1.0", "BSL-1.0" },
  { "CC-BY-3.0", "CC-BY-3.0" },
  { "CC-BY-4.0", "CC-BY-4.0" },
  { "CC-BY-SA-3.0", "CC-BY-SA-3.0" },
  { "CC-BY-SA-4.0", "CC-BY-SA-4.0" },
  { "CC0-1.0", "CC0-1.0" },
  { "CC0", "CC0-1.0" },
  { "CDDL-1.0", "CDDL-1.0" },
  { "CPL-1.0", "CPL-1.0" },
  { "EPL-1.0", "EPL-1.0" },
  { "EPL-2.0", "EPL-2.0" },
  { "Expat", "MIT" },
  { "MIT", "MIT" },
  { "MIT-0", "MIT-0" },
  { "X11", "X11" },
  { "ISC", "ISC" },
  { "FTL", "FTL" },
  { "GFDL-1.2", "GFDL-1.2-only" },
  { "GFDL-1.2+", "GFDL-1.2-or-later" },
  { "GFDL-1.3", "GFDL-1.3-only" },
  { "GFDL-1.3+", "GFDL-1.3-or-later" },
  { "GPL-1", "GPL-1.0-only" },
  { "GPL-1+", "GPL-1.0-or-later" },
  { "GPL-1.0+", "GPL-1.0-or-later" },
  { "GPL-2", "GPL-2.0-only" },
  { "GPL-2.0", "GPL-2.0-only" },
  { "GPL-2+", "GPL-2.0-or-later" },
  { "GPL-2.0+", "GPL-2.0-or-later" },
  { "GPL-3", "GPL-3.0-only" },
  { "GPL-3.0", "GPL-3.0-only" },
  { "GPL-3+", "GPL-3.0-or-later" },
  { "GPL-3.0+", "GPL-3.0-or-later" },
  { "GPL-1.0-only", "GPL-1.0-only" },
  { "GPL-1.0-or-later", "GPL-1.0-or-later" },
  { "GPL-2.0-only", "GPL-2.0-only" },
  { "GPL-2.0-or-later", "GPL-2.0-or-later" },
  { "GPL-3.0-only", "GPL-3.0-only" },
  { "GPL-3.0-or-later", "GPL-3.0-or-later" },
  { "LGPL-2", "LGPL-2.0-only" },
  { "LGPL-2.0", "LGPL-2.0-only" },
  { "LGPL-2+", "LGPL-2.0-or-later" },
  { "LGPL-2.0+", "LGPL-2.0-or-later" },
  { "LGPL-2.1", "LGPL-2.1-only" },
  { "LGPL-2.1+", "LGPL-2.1-or-later" },
  { "LGPL-3", "LGPL-3.0-only" },
  { "LGPL-3.0", "LGPL-3.0-only" },
  { "LGPL-3+", "LGPL-3.0-or-later" },
  { "LGPL-3.0+", "LGPL-3.0-or-later" },
  { "LGPL-2.0-only", "LGPL-2.0-only" },
  { "LGPL-2.0-or-later", "LGPL-2.0-or-later" },
  { "LGPL-2.1-only", "LGPL-2.1-only" },
  { "LGPL-2.1-or-later", "LGPL-2.1-or-later" },
  { "LGPL-3.0-only", "LGPL-3.0-only" },
  { "LGPL-3.0-or-later", "LGPL-3.0-or-later" },
  { "AGPL-3", "AGPL-3.0-only" },
  { "AGPL-3+", "AGPL-3.0-or-later" },
  { "AGPL-3.0-only", "AGPL-3.0-only" },
  { "AGPL-3.0-or-later", "AGPL-3.0-or-later" },
  { "LPPL-1.3c", "LPPL-1.3c" },
  { "MPL-1.1", "MPL-1.1" },
  { "MPL-2.0", "MPL-2.0" },
  { "Perl", "Artistic-1.0-Perl OR GPL-1.0-or-later" },
  { "Python-2.0", "Python-2.0" },
  { "PSF-2.0", "PSF-2.0" },
  { "QPL-1.0", "QPL-1.0" },
  { "W3C", "W3C" },
  { "Zlib", "Zlib" },
  { "Zope-2.1", "ZPL-2.1" },
  { "ZPL-2.1", "ZPL-2.1" },
  { "OpenSSL", "OpenSSL" },
  { "SSLeay", "OpenSSL" },
  { "curl", "curl" },
  { "bzip2-1.0.6", "bzip2-1.0.6" },
  { "Unicode-DFS-2016", "Unicode-DFS-2016" },
  { "Unicode-3.0", "Unicode-3.0" },
  { "OFL-1.1", "OFL-1.1" },
  { "Sleepycat", "Sleepycat" },
  { "TCL", "TCL" },
  { "Unlicense", "Unlicense" },
  { "WTFPL", "WTFPL" },
  { "0BSD", "0BSD" },
  { "BSD-2-Clause-Patent", "BSD-2-Clause-Patent" },
  { "ICU", "ICU" },
  { "NTP", "NTP" },
  { "PostgreSQL", "PostgreSQL" },
  { "Ruby", "Ruby" },
  { "Vim", "Vim" },
  { "libpng-2.0", "libpng-2.0" },
  { "Libpng", "Libpng" },
  { "IJG", "IJG" },
  /* rpm (Fedora's names before its move to SPDX) */
  { "GPLv1", "GPL-1.0-only" },
  { "GPL+", "GPL-1.0-or-later" },
  { "GPLv2", "GPL-2.0-only" },
  { "GPLv2+", "GPL-2.0-or-later" },
  { "GPLv3", "GPL-3.0-only" },
  { "GPLv3+", "GPL-3.0-or-later" },
  { "LGPLv2", "LGPL-2.0-only" },
  { "LGPLv2+", "LGPL-2.0-or-later" },
  { "LGPLv2.1", "LGPL-2.1-only" },
  { "LGPLv2.1+", "LGPL-2.1-or-later" },
  { "LGPLv3", "LGPL-3.0-only" },
  { "LGPLv3+", "LGPL-3.0-or-later" },
  { "AGPLv3", "AGPL-3.0-only" },
  { "AGPLv3+", "AGPL-3.0-or-later" },
  { "GFDL", "GFDL-1.1-or-later" },
  { "ASL 1.1", "Apache-1.1" },
  { "ASL 2.0", "Apache-2.0" },
  { "MPLv1.1", "MPL-1.1" },
  { "MPLv2.0", "MPL-2.0" },
  { "Boost", "BSL-1.0" },
  { "zlib", "Zlib" },
  { "Python", "Python-2.0" },
};

/* Exceptions of "X WITH Y"; DEP-5 writes them as words ("with OpenSSL
 * exception"), SPDX as ids. */
static const struct map exceptions[] = {
  { "Classpath-exception-2.0", "Classpath-exception-2.0" },
  { "GCC-exception-2.0", "GCC-exception-2.0" },
  { "GCC-exception-3.1", "GCC-exception-3.1" },
  { "Autoconf-exception-2.0", "Autoconf-exception-2.0" },
  { "Autoconf-exception-3.0", "Autoconf-exception-3.0" },
  { "Bison-exception-2.2", "Bison-exception-2.2" },
  { "Font-exception-2.0", "Font-exception-2.0" },
  { "Linux-syscall-note", "Linux-syscall-note" },
  { "LLVM-exception", "LLVM-exception" },
  { "Libtool-exception", "Libtool-exception" },
  { "GCC runtime library exception", "GCC-exception-3.1" },
};

static const char *
lookup (const struct map *m, size_t n, const char *name)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (strcasecmp (m[i].name, name) == 0)
      return m[i].spdx;
  /* every id the table gives maps to itself, so that an expression
   * made here reads back the same */
  for (i = 0; i < n; i++)
    if (strchr (m[i].spdx, ' ') == NULL && strcasecmp (m[i].spdx, name) == 0)
      return m[i].spdx;
  return NULL;
}

int
v2c_license_is_spdx_id (const char *s)
{
  size_t i;

  for (i = 0; i < sizeof licenses / sizeof licenses[0]; i++)
    if (strcmp (licenses[i].spdx, s) == 0)
      return 1;
  return 0;
}

/* "LicenseRef-" and the text with every run of other characters than
 * [A-Za-z0-9.] made one '-'; 0 when nothing is left. */
static int
add_ref (struct v2c_strbuf *b, const char *s, size_t n)
{
  char out[MAX_REF + 1];
  size_t i, k = 0;
  int dash = 0;

  if (n >= 11 && strncasecmp (s, "LicenseRef-", 11) == 0) {
    s += 11;
    n -= 11;
  }
  for (i = 0; i < n && k < MAX_REF; i++) {
    char c = s[i];
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9') || c == '.') {
      if (dash && k > 0 && k < MAX_REF)
        out[k++] = '-';
      dash = 0;
      if (k < MAX_REF)
        out[k++] = c;
    } else
      dash = 1;
  }
  while (k > 0 && out[k - 1] == '-')
    k--; /* cut at MAX_REF right after a dash */
  if (k == 0)
    return 0;
  out[k] = '\0';
  v2c_strbuf_puts (b, "LicenseRef-");
  v2c_strbuf_puts (b, out);
  return 1;
}

enum tok_kind { T_WORD, T_AND, T_OR, T_WITH, T_OPEN, T_CLOSE };

struct tok {
  enum tok_kind kind;
  const char *s;
  size_t n;
};

struct parser {
  struct tok t[MAX_TOKENS];
  size_t nt, pos;
  int all_known;
};

static int
word_is (const struct tok *t, const char *w)
{
  return t->n == strlen (w) && strncasecmp (t->s, w, t->n) == 0;
}

static int
tokenize (struct parser *p, const char *s, size_t len)
{
  size_t i = 0;

  p->nt = 0;
  while (i < len) {
    struct tok *t;
    char c = s[i];

    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      i++;
      continue;
    }
    if (p->nt == MAX_TOKENS)
      return -1;
    t = &p->t[p->nt++];
    t->s = s + i;
    t->n = 1;
    if (c == '(' || c == ')') {
      t->kind = c == '(' ? T_OPEN : T_CLOSE;
      i++;
      continue;
    }
    if (c == ',' || c == ';' || c == '&') {
      /* DEP-5 and old rpm fields list licences with commas */
      t->kind = T_AND;
      i++;
      continue;
    }
    while (i + t->n < len && !strchr (" \t\n\r(),;&", s[i + t->n])
           && s[i + t->n] != '\0')
      t->n++;
    if (s[i] == '\0') {
      p->nt--;
      i++;
      continue;
    }
    i += t->n;
    t->kind = T_WORD;
    if (word_is (t, "and"))
      t->kind = T_AND;
    else if (word_is (t, "or"))
      t->kind = T_OR;
    else if (word_is (t, "with"))
      t->kind = T_WITH;
  }
  return 0;
}

/* Words from t[a] to t[b] (exclusive) joined by single spaces. */
static int
phrase (const struct parser *p, size_t a, size_t b, char *out, size_t size)
{
  size_t k = 0, i;

  for (i = a; i < b; i++) {
    if (k + p->t[i].n + 2 > size)
      return -1;
    if (i > a)
      out[k++] = ' ';
    memcpy (out + k, p->t[i].s, p->t[i].n);
    k += p->t[i].n;
  }
  out[k] = '\0';
  return 0;
}

/* Which kind of expression a part is, for the parentheses its parent
 * needs. */
enum shape { S_SIMPLE, S_AND, S_OR };

static enum shape
shape_of (const char *spdx)
{
  if (strstr (spdx, " OR "))
    return S_OR;
  if (strstr (spdx, " AND "))
    return S_AND;
  return S_SIMPLE;
}

/* A run of words: one table name ("ASL 2.0"), or several names
 * (apk's "MIT BSD-2-Clause"), else one LicenseRef; and "WITH exc". */
static int
term (struct parser *p, struct v2c_strbuf *b, enum shape *shape)
{
  char name[MAX_TEXT + 1], exc[MAX_TEXT + 1];
  size_t a = p->pos, e, i;
  const char *m, *x = NULL;
  int have_exc = 0;

  while (p->pos < p->nt && p->t[p->pos].kind == T_WORD)
    p->pos++;
  e = p->pos;
  if (e == a)
    return -1;
  if (p->pos < p->nt && p->t[p->pos].kind == T_WITH) {
    size_t xa = ++p->pos;
    while (p->pos < p->nt && p->t[p->pos].kind == T_WORD)
      p->pos++;
    if (p->pos == xa || phrase (p, xa, p->pos, exc, sizeof exc) == -1)
      return -1;
    have_exc = 1;
    x = lookup (exceptions, sizeof exceptions / sizeof exceptions[0], exc);
    if (x == NULL) {
      /* "OpenSSL exception" and the like: try the words as an id */
      for (i = 0; exc[i]; i++)
        if (exc[i] == ' ')
          exc[i] = '-';
      x = lookup (exceptions, sizeof exceptions / sizeof exceptions[0], exc);
    }
  }
  if (phrase (p, a, e, name, sizeof name) == -1)
    return -1;
  m = lookup (licenses, sizeof licenses / sizeof licenses[0], name);
  if (have_exc) {
    if (m && x && shape_of (m) == S_SIMPLE) {
      v2c_strbuf_puts (b, m);
      v2c_strbuf_puts (b, " WITH ");
      v2c_strbuf_puts (b, x);
      *shape = S_SIMPLE;
      return 0;
    }
    /* an exception SPDX does not list: the whole as one reference */
    p->all_known = 0;
    {
      char whole[2 * MAX_TEXT + 8];
      snprintf (whole, sizeof whole, "%s with %s", name, exc);
      if (!add_ref (b, whole, strlen (whole)))
        return -1;
    }
    *shape = S_SIMPLE;
    return 0;
  }
  if (m) {
    v2c_strbuf_puts (b, m);
    *shape = shape_of (m);
    return 0;
  }
  if (e - a > 1) {
    /* every word a licence: a list of them */
    for (i = a; i < e; i++) {
      char w[MAX_TEXT + 1];
      if (phrase (p, i, i + 1, w, sizeof w) == -1
          || lookup (licenses, sizeof licenses / sizeof licenses[0], w)
                 == NULL)
        break;
    }
    if (i == e) {
      for (i = a; i < e; i++) {
        char w[MAX_TEXT + 1];
        phrase (p, i, i + 1, w, sizeof w);
        m = lookup (licenses, sizeof licenses / sizeof licenses[0], w);
        if (i > a)
          v2c_strbuf_puts (b, " AND ");
        if (shape_of (m) == S_OR) {
          v2c_strbuf_puts (b, "(");
          v2c_strbuf_puts (b, m);
          v2c_strbuf_puts (b, ")");
        } else
          v2c_strbuf_puts (b, m);
      }
      *shape = S_AND;
      return 0;
    }
  }
  p->all_known = 0;
  if (!add_ref (b, name, strlen (name)))
    return -1;
  *shape = S_SIMPLE;
  return 0;
}

static int expr (struct parser *p, struct v2c_strbuf *b, enum shape *shape,
                 int depth);

static int
primary (struct parser *p, struct v2c_strbuf *b, enum shape *shape, int depth)
{
  if (p->pos < p->nt && p->t[p->pos].kind == T_OPEN) {
    struct v2c_strbuf in = V2C_STRBUF_INIT;
    enum shape s;

    p->pos++;
    if (depth >= MAX_DEPTH || expr (p, &in, &s, depth + 1) == -1
        || p->pos >= p->nt || p->t[p->pos].kind != T_CLOSE || in.failed) {
      free (in.s);
      return -1;
    }
    p->pos++;
    v2c_strbuf_puts (b, in.s);
    free (in.s);
    *shape = s;
    return 0;
  }
  return term (p, b, shape);
}

struct part {
  char *s;
  enum shape shape;
};

/* Append a copy of s[0..n) unless already there. */
static int
add_part (struct part **v, size_t *n, const char *s, size_t len,
          enum shape shape)
{
  struct part *nv;
  size_t i;

  for (i = 0; i < *n; i++)
    if (strlen ((*v)[i].s) == len && memcmp ((*v)[i].s, s, len) == 0)
      return 0;
  if (*n >= MAX_TOKENS)
    return -1;
  nv = realloc (*v, (*n + 1) * sizeof *nv);
  if (nv == NULL)
    return -1;
  *v = nv;
  nv[*n].s = strndup (s, len);
  if (nv[*n].s == NULL)
    return -1;
  nv[*n].shape = shape;
  (*n)++;
  return 0;
}

/* One operator's operands: AND binds tighter than OR, as in SPDX.  An
 * operand written twice (DEP-5 files name GPL-2+ and GPL-2.0+, which
 * map to one id) is kept once. */
static int
chain (struct parser *p, struct v2c_strbuf *b, enum shape *shape, int depth,
       enum tok_kind op)
{
  struct part *v = NULL;
  size_t n = 0, k;
  int ret = -1;

  for (;;) {
    struct v2c_strbuf part = V2C_STRBUF_INIT;
    enum shape s;
    int r = op == T_OR ? chain (p, &part, &s, depth, T_AND)
                       : primary (p, &part, &s, depth);

    if (r == -1 || part.failed) {
      free (part.s);
      goto out;
    }
    if (s == (op == T_AND ? S_AND : S_OR)) {
      /* "A AND (B AND C)": the inner operands join this chain, so
       * that duplicates across groups go too */
      const char *sep = op == T_AND ? " AND " : " OR ", *q = part.s;
      size_t sl = strlen (sep), d = 0, start = 0, j;

      for (j = 0;; j++) {
        if (q[j] == '(')
          d++;
        else if (q[j] == ')' && d)
          d--;
        if (q[j] == '\0' || (d == 0 && strncmp (q + j, sep, sl) == 0)) {
          /* a piece in parentheses is an OR group, kept wrapped */
          if (add_part (&v, &n, q + start, j - start,
                        q[start] == '(' ? S_OR : S_SIMPLE)
              == -1) {
            free (part.s);
            goto out;
          }
          if (q[j] == '\0')
            break;
          start = j + sl;
          j += sl - 1;
        }
      }
      free (part.s);
    } else if (op == T_AND && s == S_OR) {
      /* kept wrapped, as groups split out of other operands are, so
       * that the same group compares equal wherever it came from */
      struct v2c_strbuf w = V2C_STRBUF_INIT;
      int r2;
      v2c_strbuf_puts (&w, "(");
      v2c_strbuf_puts (&w, part.s);
      v2c_strbuf_puts (&w, ")");
      free (part.s);
      r2 = w.failed ? -1 : add_part (&v, &n, w.s, strlen (w.s), S_OR);
      free (w.s);
      if (r2 == -1)
        goto out;
    } else {
      int r2 = add_part (&v, &n, part.s, strlen (part.s), s);
      free (part.s);
      if (r2 == -1)
        goto out;
    }
    if (p->pos >= p->nt || p->t[p->pos].kind != op)
      break;
    p->pos++;
  }
  if (n == 1 && op == T_AND && v[0].shape == S_OR)
    /* alone, an OR group needs no parentheses */
    v2c_strbuf_add (b, v[0].s + 1, strlen (v[0].s) - 2);
  else
    for (k = 0; k < n; k++) {
      if (k > 0)
        v2c_strbuf_puts (b, op == T_OR ? " OR " : " AND ");
      v2c_strbuf_puts (b, v[k].s);
    }
  *shape = n == 1 ? v[0].shape : op == T_OR ? S_OR : S_AND;
  ret = b->failed ? -1 : 0;
out:
  for (k = 0; k < n; k++)
    free (v[k].s);
  free (v);
  return ret;
}

static int
expr (struct parser *p, struct v2c_strbuf *b, enum shape *shape, int depth)
{
  return chain (p, b, shape, depth, T_OR);
}

char *
v2c_license_spdx (const char *text, size_t len, int *all_known)
{
  struct parser *p;
  struct v2c_strbuf b = V2C_STRBUF_INIT;
  enum shape s;
  size_t n = len < MAX_TEXT ? len : MAX_TEXT;

  if (all_known)
    *all_known = 0;
  if (text == NULL)
    return NULL;
  n = strnlen (text, n);
  p = calloc (1, sizeof *p);
  if (p == NULL)
    return NULL;
  p->all_known = 1;
  if (tokenize (p, text, n) == 0 && p->nt > 0 && expr (p, &b, &s, 0) == 0
      && p->pos == p->nt && !b.failed) {
    if (all_known)
      *all_known = p->all_known;
    free (p);
    return b.s;
  }
  /* not an expression: the whole text is one reference */
  free (b.s);
  free (p);
  memset (&b, 0, sizeof b);
  if (!add_ref (&b, text, n)) {
    errno = 0;
    return NULL;
  }
  if (b.failed)
    errno = ENOMEM;
  return b.s;
}
