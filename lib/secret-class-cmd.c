/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The secret classifier's command lines (see secret-class.h): the
 * spans of the secret values in a command and the command with each
 * replaced by $(VAR).
 *
 * Words are split as a shell would: blanks, ' " and \ quoting, $(...),
 * ${...} and `...` kept inside their word, ; & | and newlines between
 * commands.  A span whose ends fall in different quoting grows to the
 * quotes around it, so that "$(VAR)" always replaces whole quoted text
 * (in "--password=ab"cd that is the whole word).  A word holding blanks
 * (sh -c '...', -H "X: Y") is split once more, one level deep.  Only
 * the first 64 KiB of a command are scanned; the spans found there are
 * returned.  Out of memory finds nothing (0).
 */
#include <config.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secret-class.h"
#include "secret-class-private.h"

#define MAX_NESTED 256 /* spans of one word split again */

/* ------------------------------------------------------------------ */
/* Command lines: words                                                */

/* One word, decoded: byte i of d came from src [rs[i], re[i]) (a
 * backslash escape: from the backslash), in quoting qs[i] (0, '\'' or
 * '"') opened at qo[i] and closed at qc[i]. */
struct dec {
  char *d;
  uint32_t *rs, *re, *qo, *qc;
  unsigned char *qs;
  size_t n;
};

static int
dec_init (struct dec *w, size_t cap)
{
  w->d = malloc (cap + 1);
  w->rs = malloc ((cap + 1) * sizeof *w->rs);
  w->re = malloc ((cap + 1) * sizeof *w->re);
  w->qo = malloc ((cap + 1) * sizeof *w->qo);
  w->qc = malloc ((cap + 1) * sizeof *w->qc);
  w->qs = malloc (cap + 1);
  w->n = 0;
  return w->d && w->rs && w->re && w->qo && w->qc && w->qs ? 0 : -1;
}

static void
dec_free (struct dec *w)
{
  free (w->d);
  free (w->rs);
  free (w->re);
  free (w->qo);
  free (w->qc);
  free (w->qs);
}

static void
put (struct dec *w, char c, size_t from, size_t to, unsigned char q,
     size_t qo)
{
  w->d[w->n] = c;
  w->rs[w->n] = (uint32_t) from;
  w->re[w->n] = (uint32_t) to;
  w->qs[w->n] = q;
  w->qo[w->n] = (uint32_t) qo;
  w->qc[w->n] = (uint32_t) qo;
  w->n++;
}

/* Sets the closing quote of the bytes decoded since 'first'. */
static void
close_quote (struct dec *w, size_t first, size_t at)
{
  for (; first < w->n; first++)
    w->qc[first] = (uint32_t) at;
}

/* $(...), ${...} or `...` at s[*i]: copied whole into the word. */
static void
substitution (const char *s, size_t n, size_t *i, struct dec *w,
              unsigned char q, size_t qo)
{
  size_t j = *i, depth = 0;
  char open = 0, close = '`';

  if (s[j] == '$') {
    open = s[j + 1];
    close = open == '(' ? ')' : '}';
    put (w, s[j], j, j + 1, q, qo);
    j++;
  }
  put (w, s[j], j, j + 1, q, qo);
  j++;
  for (; j < n; j++) {
    put (w, s[j], j, j + 1, q, qo);
    if (open && s[j] == open)
      depth++;
    else if (s[j] == close && depth-- == 0) {
      j++;
      break;
    }
  }
  *i = j;
}

static int
is_subst (const char *s, size_t n, size_t i)
{
  return s[i] == '`'
         || (s[i] == '$' && i + 1 < n && (s[i + 1] == '(' || s[i + 1] == '{'));
}

/* A double-quoted string starting at s[*i] ('"'). */
static void
dquoted (const char *s, size_t n, size_t *i, struct dec *w)
{
  size_t q = *i, j = q + 1, first = w->n;

  while (j < n && s[j] != '"') {
    if (s[j] == '\\' && j + 1 < n && strchr ("$`\"\\\n", s[j + 1])) {
      if (s[j + 1] != '\n')
        put (w, s[j + 1], j, j + 2, '"', q);
      j += 2;
    } else if (is_subst (s, n, j))
      substitution (s, n, &j, w, '"', q);
    else {
      put (w, s[j], j, j + 1, '"', q);
      j++;
    }
  }
  close_quote (w, first, j < n ? j : n - 1);
  *i = j < n ? j + 1 : n;
}

static int
blank (char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

static int
separator (char c)
{
  return c == ';' || c == '&' || c == '|' || c == '\n';
}

/* The next word from s[*i] into w: 1 a word, 2 a command separator, 0
 * the end. */
static int
next_word (const char *s, size_t n, size_t *i, struct dec *w)
{
  size_t j = *i;

  w->n = 0;
  while (j < n && (blank (s[j]) || s[j] == '<' || s[j] == '>'))
    j++;
  if (j == n) {
    *i = j;
    return 0;
  }
  if (separator (s[j])) {
    *i = j + 1;
    return 2;
  }
  while (j < n && !blank (s[j]) && !separator (s[j]) && s[j] != '<'
         && s[j] != '>') {
    if (s[j] == '\\') {
      if (j + 1 < n && s[j + 1] != '\n')
        put (w, s[j + 1], j, j + 2, 0, j);
      else if (j + 1 == n)
        put (w, s[j], j, j + 1, 0, j);
      j += 2;
    } else if (s[j] == '\'') {
      size_t q = j++, first = w->n;
      for (; j < n && s[j] != '\''; j++)
        put (w, s[j], j, j + 1, '\'', q);
      close_quote (w, first, j < n ? j : n - 1);
      if (j < n)
        j++;
    } else if (s[j] == '"')
      dquoted (s, n, &j, w);
    else if (is_subst (s, n, j))
      substitution (s, n, &j, w, 0, j);
    else {
      put (w, s[j], j, j + 1, 0, j);
      j++;
    }
  }
  *i = j > n ? n : j;
  w->d[w->n] = '\0';
  return 1;
}

/* Bytes [a, b) of a decoded word as a range of its source: grown to the
 * quotes around an end when its two ends are quoted differently. */
static void
src_range (const struct dec *w, size_t a, size_t b, size_t *s, size_t *e)
{
  *s = w->rs[a];
  *e = w->re[b - 1];
  if (w->qs[a] != w->qs[b - 1]) {
    if (w->qs[a])
      *s = w->qo[a];
    if (w->qs[b - 1])
      *e = w->qc[b - 1] + 1;
  }
}

/* ------------------------------------------------------------------ */
/* Command lines: rules                                                */

struct found {
  struct v2c_secret_span *v;
  size_t max, count, last_end;
};

static void
var_name (char *var, const char *name, size_t n, const char *suffix)
{
  size_t k = 0, i;

  if (n > 0 && isdigit ((unsigned char) name[0]))
    var[k++] = '_';
  for (i = 0; i < n && k < 63; i++) {
    unsigned char c = (unsigned char) name[i];
    var[k++] = isalnum (c) ? (char) toupper (c) : '_';
  }
  for (i = 0; suffix && suffix[i] && k < 63; i++)
    var[k++] = suffix[i];
  if (k == 0) {
    memcpy (var, "SECRET", 7);
    return;
  }
  var[k] = '\0';
}

static void
add (struct found *f, size_t s, size_t e, const char *var,
     enum v2c_secret_kind kind)
{
  if (s >= e)
    return;
  if (f->count > 0 && s < f->last_end) {
    /* overlaps what is already found (a quoted value inside a word
     * found as a whole): widen the earlier span, merging back while
     * it reaches into the one before */
    size_t k = (f->count <= f->max ? f->count : f->max);
    if (e > f->last_end)
      f->last_end = e;
    if (k == 0 || k < f->count)
      return;
    struct v2c_secret_span *sp = &f->v[k - 1];
    if (s < sp->start)
      sp->start = s;
    if (e > sp->end)
      sp->end = e;
    while (k >= 2 && f->v[k - 2].end > f->v[k - 1].start) {
      if (f->v[k - 1].start < f->v[k - 2].start)
        f->v[k - 2].start = f->v[k - 1].start;
      if (f->v[k - 1].end > f->v[k - 2].end)
        f->v[k - 2].end = f->v[k - 1].end;
      k--;
      f->count--;
    }
    return;
  }
  if (f->count < f->max) {
    struct v2c_secret_span *sp = &f->v[f->count];
    sp->start = s;
    sp->end = e;
    snprintf (sp->var, sizeof sp->var, "%s", var);
    sp->kind = kind;
  }
  f->count++;
  f->last_end = e;
}

/* Decoded bytes [a, b) of w hold a secret. */
static void
add_dec (struct found *f, const struct dec *w, size_t a, size_t b,
         const char *var, enum v2c_secret_kind kind)
{
  size_t s, e;

  if (a >= b)
    return;
  src_range (w, a, b, &s, &e);
  add (f, s, e, var, kind);
}

enum prog { P_OTHER, P_MYSQL, P_PG, P_CURL, P_WGET };

static enum prog
prog_of (const char *cmd)
{
  static const char *const mysql[]
      = { "mysql",        "mysqldump",     "mysqladmin",   "mysqlimport",
          "mysqlshow",    "mysqlcheck",    "mysqlpump",    "mysqlbinlog",
          "mariadb",      "mariadb-dump",  "mariadb-admin", "mariadb-import",
          "mariadb-show", "mariadb-check", NULL };
  static const char *const pg[]
      = { "psql",     "pg_dump",  "pg_dumpall", "pg_restore", "pg_basebackup",
          "createdb", "dropdb",   "createuser", "dropuser",   "vacuumdb",
          "reindexdb", "clusterdb", "pg_isready", NULL };
  const char *b = strrchr (cmd, '/');

  b = b ? b + 1 : cmd;
  if (v2c_secret_in_list (b, mysql))
    return P_MYSQL;
  if (v2c_secret_in_list (b, pg))
    return P_PG;
  if (strcmp (b, "curl") == 0)
    return P_CURL;
  if (strcmp (b, "wget") == 0)
    return P_WGET;
  return P_OTHER;
}

static int
wrapper (const char *cmd)
{
  static const char *const w[]
      = { "env",  "sudo",   "exec",   "nohup", "nice", "ionice", "time",
          "command", "stdbuf", "setsid", "doas", "xargs", NULL };
  const char *b = strrchr (cmd, '/');

  return v2c_secret_in_list (b ? b + 1 : cmd, w);
}

/* Option words that are flags even when they name a password
 * (--no-password, --ask-password). */
static int
flag_option (const char *name, size_t n)
{
  static const char *const first[]
      = { "no",     "ask",     "prompt", "skip", "disable", "enable",
          "use",    "require", "force",  "with", "without", "show",
          "hide",   "reset",   "change", "generate", "random", "read",
          "stdin",  NULL };
  size_t i, k;

  for (k = 0; k < n && name[k] != '-' && name[k] != '_'; k++)
    ;
  for (i = 0; first[i]; i++)
    if (k < n && v2c_secret_word_eq (name, k, first[i]))
      return 1;
  return 0;
}

static int
key_char (char c)
{
  return isalnum ((unsigned char) c) || c == '_' || c == '.' || c == '-';
}

/* user:pass at w->d[a..): the pass part. */
static void
userpass (struct found *f, const struct dec *w, size_t a, const char *var)
{
  const char *c = memchr (w->d + a, ':', w->n - a);
  size_t p;

  if (c == NULL)
    return;
  p = (size_t) (c - w->d) + 1;
  if (!v2c_secret_value_is_placeholder (w->d + p, w->n - p))
    add_dec (f, w, p, w->n, var, V2C_SECRET_NAME);
}

/* key=value inside a word (?token=X&, a,password=X): the value. */
static size_t
embedded (struct found *f, const struct dec *w, size_t p)
{
  const char *d = w->d;
  size_t k = p, v, e;
  char var[64];

  while (k < w->n && key_char (d[k]))
    k++;
  if (k == p || k >= w->n || d[k] != '='
      || !v2c_secret_key_is_secret (d + p, k - p))
    return 0;
  v = k + 1;
  for (e = v; e < w->n && !strchr ("&;,#", d[e]); e++)
    ;
  if (v2c_secret_value_is_placeholder (d + v, e - v))
    return 0;
  var_name (var, d + p, k - p, NULL);
  add_dec (f, w, v, e, var, V2C_SECRET_NAME);
  return e;
}

static void scan_cmd (const char *s, size_t n, int depth, struct found *f);

/* A word split once more: its spans mapped back through w. */
static void
nested (struct found *f, const struct dec *w)
{
  struct v2c_secret_span tmp[MAX_NESTED];
  struct found nf = { tmp, MAX_NESTED, 0, 0 };
  size_t i;

  scan_cmd (w->d, w->n, 1, &nf);
  for (i = 0; i < nf.count && i < MAX_NESTED; i++)
    add_dec (f, w, tmp[i].start, tmp[i].end, tmp[i].var, tmp[i].kind);
}

/* URL passwords, tokens and key=value anywhere in a word. */
static void
scan_word (struct found *f, const struct dec *w, int depth)
{
  const char *d = w->d;
  size_t p, n = w->n;

  if (depth == 0 && (memchr (d, ' ', n) || memchr (d, '\t', n)
                     || memchr (d, '\n', n))) {
    nested (f, w);
    return;
  }
  for (p = 0; p < n; p++) {
    size_t ss, ps, pe, ae, e;
    char var[64];
    if (d[p] == ':' && v2c_secret_url_password (d, n, p, &ss, &ps, &pe, &ae)) {
      var_name (var, d + ss, p - ss, "_PASSWORD");
      add_dec (f, w, ps, pe, var, V2C_SECRET_URL);
      p = ae - 1;
    } else if (d[p] == ':' && n - p >= 3 && d[p + 1] == '/' && d[p + 2] == '/')
      p = ae - 1;
    else if ((e = v2c_secret_token_at (d, n, p))) {
      add_dec (f, w, p, e, "TOKEN", V2C_SECRET_TOKEN);
      p = e - 1;
    } else if (p > 0 && strchr ("?&;,", d[p - 1]) && (e = embedded (f, w, p)))
      p = e - 1;
  }
}

/* What the previous word asked of this one. */
enum want { W_NONE, W_VALUE, W_USERPASS };

struct cmd_state {
  int expect_cmd, after_wrapper;
  enum prog prog;
  enum want want;
  char var[64];
};

/* --name=value, NAME=value, -Dname=value: 1 when the word was an
 * assignment of a secret or of curl's user. */
static int
assignment (struct found *f, const struct dec *w, const struct cmd_state *st)
{
  const char *d = w->d, *eq = memchr (d, '=', w->n);
  size_t a = 0, k, dashes;
  char var[64];

  if (eq == NULL)
    return 0;
  k = (size_t) (eq - d);
  while (a < k && d[a] == '-')
    a++;
  dashes = a;
  if (dashes == 1 && k - a > 1 && d[a] == 'D')
    a++;
  if (a == k)
    return 0;
  for (size_t i = a; i < k; i++)
    if (!key_char (d[i]))
      return 0;
  if (st->prog == P_CURL && dashes == 2
      && (v2c_secret_word_eq (d + a, k - a, "user") || v2c_secret_word_eq (d + a, k - a, "proxy-user"))) {
    userpass (f, w, k + 1,
              d[a] == 'u' ? "CURL_PASSWORD" : "CURL_PROXY_PASSWORD");
    return 1;
  }
  if (!v2c_secret_key_is_secret (d + a, k - a))
    return 0;
  if (v2c_secret_value_is_placeholder (d + k + 1, w->n - k - 1))
    return 1;
  if (st->prog == P_MYSQL && dashes == 2
      && (v2c_secret_word_eq (d + a, k - a, "password") || v2c_secret_word_eq (d + a, k - a, "pass")))
    snprintf (var, sizeof var, "MYSQL_PWD");
  else
    var_name (var, d + a, k - a, NULL);
  add_dec (f, w, k + 1, w->n, var, V2C_SECRET_NAME);
  return 1;
}

/* An option's name is letters, digits, '-', '_' and '.': a word such
 * as "--x://u:$(P)@h" is not an option that takes the next word. */
static int
option_name (const char *name, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (!isalnum ((unsigned char) name[i]) && name[i] != '-'
        && name[i] != '_' && name[i] != '.')
      return 0;
  return n > 0;
}

/* An option word without '=': 1 when handled. */
static int
option (struct found *f, const struct dec *w, struct cmd_state *st)
{
  const char *d = w->d, *name;
  size_t n = w->n, nl;

  if (n < 2 || d[0] != '-')
    return 0;
  if (st->prog == P_CURL) {
    if (strcmp (d, "-u") == 0 || strcmp (d, "--user") == 0
        || strcmp (d, "-U") == 0 || strcmp (d, "--proxy-user") == 0) {
      st->want = W_USERPASS;
      snprintf (st->var, sizeof st->var, "%s",
                d[1] == 'u' || d[2] == 'u' ? "CURL_PASSWORD"
                                           : "CURL_PROXY_PASSWORD");
      return 1;
    }
    if (n > 2 && (d[1] == 'u' || d[1] == 'U')) {
      userpass (f, w, 2, d[1] == 'u' ? "CURL_PASSWORD" : "CURL_PROXY_PASSWORD");
      return 1;
    }
  }
  if (st->prog == P_MYSQL && d[1] == 'p' && n > 2) {
    if (!v2c_secret_value_is_placeholder (d + 2, n - 2))
      add_dec (f, w, 2, n, "MYSQL_PWD", V2C_SECRET_NAME);
    return 1;
  }
  name = d + 1 + (d[1] == '-');
  nl = n - (size_t) (name - d);
  if (memchr (name, '=', nl) || !option_name (name, nl)
      || !v2c_secret_key_is_secret (name, nl))
    return 0;
  /* mysql's --password and psql's take no separate value */
  if (st->prog == P_MYSQL || st->prog == P_PG || flag_option (name, nl))
    return 1;
  st->want = W_VALUE;
  if (st->prog == P_WGET && strcmp (name, "password") == 0)
    snprintf (st->var, sizeof st->var, "WGET_PASSWORD");
  else
    var_name (st->var, name[0] == 'D' && d[1] != '-' && nl > 1 ? name + 1 : name,
              name[0] == 'D' && d[1] != '-' && nl > 1 ? nl - 1 : nl, NULL);
  return 1;
}

static int
env_assignment (const struct dec *w)
{
  const char *eq = memchr (w->d, '=', w->n);

  return eq && v2c_secret_ident (w->d, (size_t) (eq - w->d));
}

static void
one_word (struct found *f, const struct dec *w, struct cmd_state *st,
          int depth)
{
  enum want want = st->want;

  st->want = W_NONE;
  if (want != W_NONE && w->n > 0 && w->d[0] != '-') {
    if (want == W_USERPASS)
      userpass (f, w, 0, st->var);
    else if (!v2c_secret_value_is_placeholder (w->d, w->n))
      add_dec (f, w, 0, w->n, st->var, V2C_SECRET_NAME);
    return;
  }
  if (st->expect_cmd) {
    if (env_assignment (w)) {
      if (!assignment (f, w, st))
        scan_word (f, w, depth);
      return;
    }
    if (st->after_wrapper && w->n > 0 && w->d[0] == '-')
      return;
    if (wrapper (w->d)) {
      st->after_wrapper = 1;
      return;
    }
    st->expect_cmd = 0;
    st->prog = prog_of (w->d + strspn (w->d, "-@+!:"));
  }
  if (assignment (f, w, st) || option (f, w, st))
    return;
  scan_word (f, w, depth);
}

static void
scan_cmd (const char *s, size_t n, int depth, struct found *f)
{
  struct cmd_state st;
  struct dec w;
  size_t i = 0;
  int r;

  if (n > V2C_SECRET_MAX_CMD)
    n = V2C_SECRET_MAX_CMD;
  if (dec_init (&w, n) == -1) {
    dec_free (&w);
    return;
  }
  memset (&st, 0, sizeof st);
  st.expect_cmd = 1;
  while ((r = next_word (s, n, &i, &w)) != 0) {
    if (r == 2) {
      memset (&st, 0, sizeof st);
      st.expect_cmd = 1;
      continue;
    }
    one_word (f, &w, &st, depth);
  }
  dec_free (&w);
}

size_t
v2c_secret_command_spans (const char *cmd, struct v2c_secret_span *out,
                          size_t max)
{
  struct found f = { out, out ? max : 0, 0, 0 };

  if (cmd == NULL)
    return 0;
  scan_cmd (cmd, strnlen (cmd, V2C_SECRET_MAX_CMD), 0, &f);
  return f.count;
}

char *
v2c_secret_command_rewrite (const char *cmd, const struct v2c_secret_span *s,
                            size_t n)
{
  size_t len, cap, i, pos = 0, o = 0;
  char *out;

  if (cmd == NULL)
    return NULL;
  len = strlen (cmd);
  cap = len + 1;
  for (i = 0; i < n; i++)
    cap += strlen (s[i].var) + 3;
  out = malloc (cap);
  if (out == NULL)
    return NULL;
  for (i = 0; i < n; i++) {
    /* spans out of order or out of the command are left out */
    if (s[i].start < pos || s[i].end < s[i].start || s[i].end > len)
      continue;
    memcpy (out + o, cmd + pos, s[i].start - pos);
    o += s[i].start - pos;
    o += (size_t) sprintf (out + o, "$(%s)", s[i].var);
    pos = s[i].end;
  }
  memcpy (out + o, cmd + pos, len - pos);
  o += len - pos;
  out[o] = '\0';
  return out;
}

