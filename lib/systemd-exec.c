/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A unit's command lines as systemd reads them: the unit specifiers,
 * the ExecStart= lexer (quotes and C escapes, as systemd.syntax(7) and
 * systemd.service(5) say), and words made into a sh line.  The
 * inspector expands the specifiers of the settings it copies out; the
 * planner splits a service's ExecStart= into argv.  See
 * lib/systemd-exec.h.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "systemd-exec.h"
#include "v2c-internal.h"

/* ------------------------------------------------------------------ */
/* Unit specifiers                                                     */

void
v2c_unit_names_systemd (struct v2c_unit_names *u, const char *unit,
                        const char *instance)
{
  const char *dot = strrchr (unit, '.'), *at = strchr (unit, '@');

  u->name = unit;
  u->name_len = dot ? (size_t) (dot - unit) : strlen (unit);
  u->prefix_len = at ? (size_t) (at - unit) : u->name_len;
  u->instance = instance;
  u->unescape = 1;
}

void
v2c_unit_names_service (struct v2c_unit_names *u, const char *unit,
                        const char *instance)
{
  size_t n = strnlen (unit, 511);
  const char *at;

  if (n >= 8 && memcmp (unit + n - 8, ".service", 8) == 0)
    n -= 8;
  at = memchr (unit, '@', n);
  u->name = unit;
  u->name_len = n;
  u->prefix_len = at ? (size_t) (at - unit) : n;
  u->instance = instance;
  u->unescape = 0;
}

/* Append s[0..n) unescaped as a unit name part ("-" is "/", "\xNN" a
 * byte) to o at *on; with o NULL only count. */
static void
unescape_into (const char *s, size_t n, char *o, size_t *on)
{
  size_t i;

  for (i = 0; i < n; i++) {
    char c = s[i];
    if (s[i] == '-')
      c = '/';
    else if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x') {
      char hex[3] = { s[i + 2], s[i + 3], 0 };
      char *end;
      long v = strtol (hex, &end, 16);
      if (*end == '\0' && v > 0) {
        c = (char) v;
        i += 3;
      }
    }
    if (o)
      o[*on] = c;
    (*on)++;
  }
}

static void
put (char *o, size_t *on, const char *s, size_t n)
{
  if (o)
    memcpy (o + *on, s, n);
  *on += n;
}

/* s expanded into o (NULL: only count); returns its length. */
static size_t
expand (const char *s, const struct v2c_unit_names *u, char *o)
{
  const char *inst = u->instance ? u->instance : "";
  size_t on = 0;

  for (; *s; s++) {
    if (*s != '%' || s[1] == '\0') {
      put (o, &on, s, 1);
      continue;
    }
    s++;
    switch (*s) {
    case '%':
      put (o, &on, "%", 1);
      break;
    case 'n':
      put (o, &on, u->name, strlen (u->name));
      break;
    case 'N':
      put (o, &on, u->name, u->name_len);
      break;
    case 'p':
      put (o, &on, u->name, u->prefix_len);
      break;
    case 'i':
      put (o, &on, inst, strlen (inst));
      break;
    case 'I':
      if (u->unescape)
        unescape_into (inst, strlen (inst), o, &on);
      else
        put (o, &on, inst, strlen (inst));
      break;
    case 'P':
      if (u->unescape) {
        unescape_into (u->name, u->prefix_len, o, &on);
        break;
      }
      /* fall through */
    default:
      put (o, &on, s - 1, 2);
    }
  }
  return on;
}

char *
v2c_unit_specifiers (const char *s, const struct v2c_unit_names *u, size_t max)
{
  size_t n;
  char *o;

  if (strlen (s) > max)
    return NULL;
  n = expand (s, u, NULL);
  if (n > max)
    return NULL;
  o = malloc (n + 1);
  if (o == NULL)
    return NULL;
  expand (s, u, o);
  o[n] = '\0';
  return o;
}

/* ------------------------------------------------------------------ */
/* ExecStart= as systemd splits it                                     */

void
v2c_exec_words_free (struct v2c_exec_words *w)
{
  size_t i;

  for (i = 0; i < w->n; i++)
    free (w->v[i]);
  free (w->v);
  w->v = NULL;
  w->n = 0;
}

/* Append the UTF-8 of code point cp to buf (room for 4 bytes). */
static size_t
put_utf8 (char *buf, uint32_t cp)
{
  if (cp < 0x80) {
    buf[0] = (char) cp;
    return 1;
  }
  if (cp < 0x800) {
    buf[0] = (char) (0xc0 | (cp >> 6));
    buf[1] = (char) (0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    buf[0] = (char) (0xe0 | (cp >> 12));
    buf[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
    buf[2] = (char) (0x80 | (cp & 0x3f));
    return 3;
  }
  buf[0] = (char) (0xf0 | (cp >> 18));
  buf[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
  buf[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
  buf[3] = (char) (0x80 | (cp & 0x3f));
  return 4;
}

/* One C-style escape after a backslash at s (s[0] is the byte after
 * it); writes the result to out, returns the bytes consumed from s or
 * 0 when the escape is invalid or gives a NUL. */
static size_t
unescape (const char *s, char *out, size_t *outn)
{
  static const char from[] = "abfnrtv\\\"' s";
  static const char to[] = "\a\b\f\n\r\t\v\\\"'  ";
  const char *f;
  uint32_t cp = 0;
  size_t i, n;

  if (s[0] == '\0')
    return 0;
  f = strchr (from, s[0]);
  if (f) {
    out[(*outn)++] = to[f - from];
    return 1;
  }
  if (s[0] == 'x' || s[0] == 'u' || s[0] == 'U') {
    n = s[0] == 'x' ? 2 : s[0] == 'u' ? 4 : 8;
    for (i = 1; i <= n; i++) {
      int h = v2c_hex_value (s[i]);
      if (h < 0)
        return 0;
      cp = cp << 4 | (uint32_t) h;
    }
    if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return 0;
    if (s[0] == 'x')
      out[(*outn)++] = (char) cp;
    else
      *outn += put_utf8 (out + *outn, cp);
    return n + 1;
  }
  if (s[0] >= '0' && s[0] <= '3') {
    for (i = 0; i < 3; i++) {
      if (s[i] < '0' || s[i] > '7')
        return 0;
      cp = cp << 3 | (uint32_t) (s[i] - '0');
    }
    if (cp == 0)
      return 0;
    out[(*outn)++] = (char) cp;
    return 3;
  }
  return 0;
}

/* Split a command line like systemd's ExecStart=: leading "-", "@",
 * "+", "!", "!!", ":" prefixes are stripped ("@": the second word is
 * argv[0] only, and is dropped); words are separated by blanks, quoted
 * with "" or '' anywhere, with C escapes.  NULL reason on success. */
const char *
v2c_exec_split (const char *line, struct v2c_exec_words *w)
{
  struct v2c_strvec sv = V2C_STRVEC_INIT;
  size_t len = strlen (line), n;
  const char *p = line, *why = NULL;
  char *buf;
  int at = 0;

  w->v = NULL;
  w->n = 0;
  if (len > V2C_EXEC_MAX_LINE)
    return "the command line is too long";
  while (*p == ' ' || *p == '\t' || *p == '\n')
    p++;
  while (*p && strchr ("-@+!:", *p)) {
    if (*p == '@')
      at = 1;
    p++;
  }
  /* an escape gives at most 4 bytes for its 5 or more */
  buf = malloc (len + 1);
  if (buf == NULL)
    return "out of memory";
  while (why == NULL) {
    char quote = 0;
    int any = 0;

    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
      p++;
    if (*p == '\0')
      break;
    n = 0;
    while (*p && why == NULL) {
      if (!quote && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        break;
      if (!quote && (*p == '"' || *p == '\'')) {
        quote = *p++;
        any = 1;
      } else if (quote && *p == quote) {
        quote = 0;
        p++;
      } else if (*p == '\\') {
        size_t used = unescape (p + 1, buf, &n);
        if (used == 0)
          why = "invalid backslash escape";
        p += 1 + used;
      } else
        buf[n++] = *p++;
    }
    if (why == NULL && quote)
      why = "unterminated quote";
    else if (why == NULL && (n > 0 || any)
             && (sv.n >= V2C_EXEC_MAX_WORDS
                 || v2c_strvec_pushn (&sv, buf, n) == -1))
      why = "too many words";
  }
  free (buf);
  if (why == NULL && sv.n == 0)
    why = "empty command";
  if (why == NULL && at && sv.n < 2)
    why = "'@' without an argv[0] word";
  if (why) {
    v2c_strvec_clear (&sv);
    return why;
  }
  if (at) {
    /* with the NULL after the last word */
    free (sv.v[1]);
    memmove (&sv.v[1], &sv.v[2], (sv.n - 1) * sizeof *sv.v);
    sv.n--;
  }
  w->n = sv.n;
  w->v = v2c_strvec_detach (&sv);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* The words run by sh when one expands a variable                     */

static int
is_var_start (char c)
{
  return c == '{' || c == '_' || (c >= 'A' && c <= 'Z')
         || (c >= 'a' && c <= 'z');
}

/* Whether a word expands a variable ("$$" is a literal dollar). */
int
v2c_exec_has_var (const char *s)
{
  for (; *s; s++) {
    if (s[0] == '$' && s[1] == '$')
      s++;
    else if (s[0] == '$' && is_var_start (s[1]))
      return 1;
  }
  return 0;
}

/* "$$" -> "$" in place: the word runs without a shell. */
void
v2c_exec_undouble_dollars (char *s)
{
  char *d = s;

  for (; *s; s++) {
    *d++ = *s;
    if (s[0] == '$' && s[1] == '$')
      s++;
  }
  *d = '\0';
}

static int
whole_var (const char *s)
{
  if (s[0] != '$' || !is_var_start (s[1]) || s[1] == '{')
    return 0;
  for (s += 2; *s; s++)
    if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')
          || (*s >= '0' && *s <= '9')))
      return 0;
  return 1;
}

/* Append a word to a sh command line: a lone $NAME stays unquoted (it
 * splits at blanks, as in systemd), anything else that is not plain is
 * double-quoted with its variables still expanding. */
int
v2c_exec_sh_append (char **line, size_t *n, size_t *cap, const char *w)
{
  static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
                              "RSTUVWXYZ0123456789_@%+=:,./-";
  size_t need = *n + 2 * strlen (w) + 4;
  const char *s;
  char *o;
  int quoted;

  if (need > V2C_EXEC_MAX_LINE * 2)
    return -1;
  if (need > *cap) {
    char *nl = realloc (*line, need);
    if (nl == NULL)
      return -1;
    *line = nl;
    *cap = need;
  }
  o = *line + *n;
  *o++ = ' ';
  quoted = !whole_var (w) && (*w == '\0' || w[strspn (w, plain)] != '\0');
  if (quoted)
    *o++ = '"';
  for (s = w; *s; s++) {
    if (*s == '\\' || *s == '"' || *s == '`')
      *o++ = '\\';
    else if (*s == '$' && s[1] == '$') {
      *o++ = '\\';
      s++;
    } else if (*s == '$' && !is_var_start (s[1]))
      *o++ = '\\';
    *o++ = *s;
  }
  if (quoted)
    *o++ = '"';
  *o = '\0';
  *n = (size_t) (o - *line);
  return 0;
}
