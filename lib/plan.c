/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The plan ("v2c.plan/1"): built from an inventory, checked when read
 * back, and turned into an OCI image configuration.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

/* Longest command line or environment value taken from an inventory,
 * and the most entries read from any of its lists. */
#define MAX_LINE (64u << 10)
#define MAX_INV_ITEMS (1u << 20)
#define WHERE 512

static const char default_path[]
    = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/* ------------------------------------------------------------------ */
/* Errors that name a JSON path                                        */

static int bad (struct v2c_err *err, const char *doc, const char *where,
                const char *fmt, ...) __attribute__ ((format (printf, 4, 5)));

static int
bad (struct v2c_err *err, const char *doc, const char *where, const char *fmt,
     ...)
{
  char msg[768];
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  if (where && *where)
    return v2c_set_error (err, 0, "%s: %s: %s", doc, where, msg);
  return v2c_set_error (err, 0, "%s: %s", doc, msg);
}

static const char *
sub (char *buf, const char *parent, const char *key)
{
  snprintf (buf, WHERE, "%s%s%s", parent, *parent ? "." : "", key);
  return buf;
}

static const char *
idx (char *buf, const char *parent, size_t i)
{
  snprintf (buf, WHERE, "%s[%zu]", parent, i);
  return buf;
}

enum { REQ = 0, OPT = 1, NUL_OK = 2 };

static const char *
type_name (json_type t)
{
  switch (t) {
  case JSON_STRING:
    return "a string";
  case JSON_INTEGER:
    return "an integer";
  case JSON_ARRAY:
    return "an array";
  case JSON_OBJECT:
    return "an object";
  default:
    return "a boolean";
  }
}

/* Member key of o, of type t (JSON_TRUE: a boolean).  flags: OPT
 * allows it to be missing, NUL_OK to be null; both give *out = NULL. */
static int
get (const json_t *o, const char *key, const char *where, json_type t,
     int flags, json_t **out, const char *doc, struct v2c_err *err)
{
  char w[WHERE];
  json_t *v = json_object_get (o, key);
  int ok;

  *out = NULL;
  sub (w, where, key);
  if (v == NULL) {
    if (flags & OPT)
      return 0;
    return bad (err, doc, w, "missing");
  }
  if (json_is_null (v) && (flags & NUL_OK))
    return 0;
  ok = t == JSON_TRUE ? json_is_boolean (v) : json_typeof (v) == t;
  if (!ok)
    return bad (err, doc, w, "expected %s%s", type_name (t),
                flags & NUL_OK ? " or null" : "");
  if (t == JSON_STRING
      && strlen (json_string_value (v)) != json_string_length (v))
    return bad (err, doc, w, "contains a NUL byte");
  *out = v;
  return 0;
}

static int
get_str (const json_t *o, const char *key, const char *where, int flags,
         const char **out, const char *doc, struct v2c_err *err)
{
  json_t *v;

  *out = NULL;
  if (get (o, key, where, JSON_STRING, flags, &v, doc, err) == -1)
    return -1;
  if (v)
    *out = json_string_value (v);
  return 0;
}

/* A string element of an array. */
static int
elem_str (const json_t *a, size_t i, const char *where, const char **out,
          const char *doc, struct v2c_err *err)
{
  char w[WHERE];
  json_t *v = json_array_get (a, i);

  idx (w, where, i);
  if (!json_is_string (v))
    return bad (err, doc, w, "expected a string");
  if (strlen (json_string_value (v)) != json_string_length (v))
    return bad (err, doc, w, "contains a NUL byte");
  *out = json_string_value (v);
  return 0;
}

static int
check_count (const json_t *a, size_t max, const char *where, const char *doc,
             struct v2c_err *err)
{
  if (json_array_size (a) > max)
    return bad (err, doc, where, "more than %zu entries", max);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Paths, patterns, names                                              */

static const char *
path_problem (const char *p)
{
  size_t len = strlen (p);

  if (p[0] != '/')
    return "must be an absolute path";
  if (len > V2C_PLAN_MAX_PATTERN)
    return "longer than 4096 bytes";
  if (strstr (p, "//"))
    return "has an empty component ('//')";
  if (strstr (p, "/./") || (len >= 2 && strcmp (p + len - 2, "/.") == 0))
    return "has a '.' component";
  if (strstr (p, "/../") || (len >= 3 && strcmp (p + len - 3, "/..") == 0))
    return "has a '..' component";
  if (len > 1 && p[len - 1] == '/')
    return "ends with '/'";
  return NULL;
}

int
v2c_plan_pattern_valid (const char *pattern)
{
  return pattern != NULL && path_problem (pattern) == NULL;
}

/* A Kubernetes object name: DNS-1123 label. */
static int
dns_label_valid (const char *s)
{
  size_t n = strlen (s), i;

  if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
    return 0;
  for (i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')
          || s[i] == '-'))
      return 0;
  return 1;
}

/* Lower case, every run of other bytes one '-', trimmed to 63. */
static void
dns_label (const char *in, char *out, size_t outlen, const char *fallback)
{
  size_t n = 0, max = outlen - 1 < 63 ? outlen - 1 : 63;
  const char *p;

  for (p = in; *p && n < max; p++) {
    char c = *p;
    if (c >= 'A' && c <= 'Z')
      c = (char) (c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out[n++] = c;
    else if (n > 0 && out[n - 1] != '-')
      out[n++] = '-';
  }
  while (n > 0 && out[n - 1] == '-')
    n--;
  out[n] = '\0';
  if (n == 0)
    snprintf (out, outlen, "%s", fallback);
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static int
is_under (const char *path, const char *dir)
{
  size_t n = strlen (dir);

  if (strcmp (dir, "/") == 0)
    return 0;
  return strncmp (path, dir, n) == 0 && path[n] == '/';
}

/* ------------------------------------------------------------------ */
/* ExecStart= as systemd splits it                                     */

struct words {
  char **v;
  size_t n;
};

static void
words_free (struct words *w)
{
  size_t i;

  for (i = 0; i < w->n; i++)
    free (w->v[i]);
  free (w->v);
  w->v = NULL;
  w->n = 0;
}

static int
words_add (struct words *w, const char *s, size_t len)
{
  char **nv;

  if (w->n >= V2C_PLAN_MAX_ITEMS)
    return -1;
  nv = realloc (w->v, (w->n + 1) * sizeof *nv);
  if (nv == NULL)
    return -1;
  w->v = nv;
  w->v[w->n] = v2c_strndup0 (s, len);
  if (w->v[w->n] == NULL)
    return -1;
  w->n++;
  return 0;
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

/* Expand the unit specifiers a command line of a plain or template
 * unit commonly uses (%i %I %n %N %p %%); others are kept as written. */
static char *
expand_specifiers (const char *line, const char *unit, const char *instance)
{
  char prefix[512], noext[512];
  size_t n = 0;
  char *out, *at;
  const char *p, *rep;

  if (strlen (line) > MAX_LINE)
    return NULL;
  out = malloc (MAX_LINE + 1);
  if (out == NULL)
    return NULL;
  snprintf (noext, sizeof noext, "%s", unit);
  at = strrchr (noext, '.');
  if (at && strcmp (at, ".service") == 0)
    *at = '\0';
  snprintf (prefix, sizeof prefix, "%s", noext);
  at = strchr (prefix, '@');
  if (at)
    *at = '\0';
  for (p = line; *p; p++) {
    char one[2] = { *p, '\0' };
    rep = one;
    if (p[0] == '%' && p[1]) {
      switch (p[1]) {
      case '%':
        rep = "%";
        break;
      case 'i':
      case 'I':
        rep = instance ? instance : "";
        break;
      case 'n':
        rep = unit;
        break;
      case 'N':
        rep = noext;
        break;
      case 'p':
        rep = prefix;
        break;
      }
      if (rep != one)
        p++;
    }
    if (strlen (rep) > MAX_LINE - n) {
      free (out);
      return NULL;
    }
    memcpy (out + n, rep, strlen (rep));
    n += strlen (rep);
  }
  out[n] = '\0';
  /* words are kept: give back the room */
  at = realloc (out, n + 1);
  return at ? at : out;
}

/* Split a command line like systemd's ExecStart=: leading "-", "@",
 * "+", "!", "!!", ":" prefixes are stripped ("@": the second word is
 * argv[0] only, and is dropped); words are separated by blanks, quoted
 * with "" or '' anywhere, with C escapes.  NULL reason on success. */
static const char *
split_exec (const char *line, struct words *w)
{
  size_t len = strlen (line), n;
  const char *p = line;
  char *buf;
  int at = 0;

  w->v = NULL;
  w->n = 0;
  if (len > MAX_LINE)
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
  for (;;) {
    char quote = 0;
    int any = 0;

    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
      p++;
    if (*p == '\0')
      break;
    n = 0;
    while (*p) {
      if (!quote && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        break;
      if (!quote && (*p == '"' || *p == '\'')) {
        quote = *p++;
        any = 1;
        continue;
      }
      if (quote && *p == quote) {
        quote = 0;
        p++;
        continue;
      }
      if (*p == '\\') {
        size_t used = unescape (p + 1, buf, &n);
        if (used == 0) {
          free (buf);
          words_free (w);
          return "invalid backslash escape";
        }
        p += 1 + used;
        continue;
      }
      buf[n++] = *p++;
    }
    if (quote) {
      free (buf);
      words_free (w);
      return "unterminated quote";
    }
    if ((n > 0 || any) && words_add (w, buf, n) == -1) {
      free (buf);
      words_free (w);
      return "too many words";
    }
  }
  free (buf);
  if (w->n == 0)
    return "empty command";
  if (at) {
    if (w->n < 2) {
      words_free (w);
      return "'@' without an argv[0] word";
    }
    free (w->v[1]);
    memmove (&w->v[1], &w->v[2], (w->n - 2) * sizeof *w->v);
    w->n--;
  }
  return NULL;
}

static int
is_var_start (char c)
{
  return c == '{' || c == '_' || (c >= 'A' && c <= 'Z')
         || (c >= 'a' && c <= 'z');
}

/* Whether a word expands a variable ("$$" is a literal dollar). */
static int
word_has_var (const char *s)
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
static void
undouble_dollars (char *s)
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
static int
sh_append (char **line, size_t *n, size_t *cap, const char *w)
{
  static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
                              "RSTUVWXYZ0123456789_@%+=:,./-";
  size_t need = *n + 2 * strlen (w) + 4;
  const char *s;
  char *o;
  int quoted;

  if (need > MAX_LINE * 2)
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

/* ------------------------------------------------------------------ */
/* Building                                                            */

struct comp {
  json_t *obj;
  const char *name;    /* in obj */
  char *exe;           /* command[0], or the word after "exec " */
  const char *workdir; /* in obj, or NULL */
  int has_ports;
};

struct bctx {
  const json_t *inv;
  struct v2c_err *err;
  json_t *notes;
  int oom;
  const char **secret_paths; /* distinct, sorted (strcmp) */
  size_t nsecret;
};

static const char INV[] = "inventory";

static void
set (struct bctx *c, json_t *o, const char *key, json_t *v)
{
  if (v == NULL || json_object_set_new (o, key, v) == -1)
    c->oom = 1;
}

static void
append (struct bctx *c, json_t *a, json_t *v)
{
  if (v == NULL || json_array_append_new (a, v) == -1)
    c->oom = 1;
}

static json_t *
str_or_null (const char *s)
{
  return s ? json_string (s) : json_null ();
}

static void note (struct bctx *c, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static void
note (struct bctx *c, const char *fmt, ...)
{
  char buf[1024];
  va_list ap;

  if (json_array_size (c->notes) >= V2C_PLAN_MAX_ITEMS)
    return;
  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  append (c, c->notes, json_string (buf));
}

/* An optional array member of the inventory (missing: empty). */
static int
inv_array (const json_t *o, const char *key, const char *where, json_t **out,
           struct v2c_err *err)
{
  char w[WHERE];

  if (get (o, key, where, JSON_ARRAY, OPT, out, INV, err) == -1)
    return -1;
  return check_count (*out, MAX_INV_ITEMS, sub (w, where, key), INV, err);
}

/* An element of an inventory array that must be an object. */
static int
inv_elem (const json_t *a, size_t i, const char *where, json_t **out, char *w,
          struct v2c_err *err)
{
  *out = json_array_get (a, i);
  idx (w, where, i);
  if (!json_is_object (*out))
    return bad (err, INV, w, "expected an object");
  return 0;
}

static int
inv_int (const json_t *o, const char *key, const char *where, int flags,
         json_int_t min, json_int_t max, json_int_t *out, int *present,
         struct v2c_err *err)
{
  char w[WHERE];
  json_t *v;

  *present = 0;
  if (get (o, key, where, JSON_INTEGER, flags, &v, INV, err) == -1)
    return -1;
  if (v == NULL)
    return 0;
  *out = json_integer_value (v);
  if (*out < min || *out > max)
    return bad (err, INV, sub (w, where, key),
                "%" JSON_INTEGER_FORMAT " is out of range", *out);
  *present = 1;
  return 0;
}

static const char *
goarch (const char *arch, const char **variant)
{
  static const struct {
    const char *in, *out, *variant;
  } map[] = {
    { "x86_64", "amd64", NULL },    { "amd64", "amd64", NULL },
    { "aarch64", "arm64", NULL },   { "arm64", "arm64", NULL },
    { "i386", "386", NULL },        { "i486", "386", NULL },
    { "i586", "386", NULL },        { "i686", "386", NULL },
    { "armv7l", "arm", "v7" },      { "armhf", "arm", "v7" },
    { "ppc64le", "ppc64le", NULL }, { "s390x", "s390x", NULL },
    { "riscv64", "riscv64", NULL },
  };
  size_t i;

  *variant = NULL;
  for (i = 0; arch && i < sizeof map / sizeof map[0]; i++)
    if (strcmp (arch, map[i].in) == 0) {
      *variant = map[i].variant;
      return map[i].out;
    }
  return NULL;
}

static json_t *
pattern_list (const char *const *v, size_t n)
{
  json_t *a = json_array ();
  size_t i;

  for (i = 0; a && i < n; i++)
    if (json_array_append_new (a, json_string (v[i])) == -1) {
      json_decref (a);
      return NULL;
    }
  return a;
}

static json_t *
layer (const char *name, const char *const *inc, size_t ninc)
{
  return json_pack ("{s:s, s:o*, s:[]}", "name", name, "includes",
                    pattern_list (inc, ninc), "excludes");
}

static json_t *
default_excludes (void)
{
  static const struct {
    const char *pattern, *what, *reason;
  } ex[] = {
    { "/proc", "contents", "kernel interface, mounted at run time" },
    { "/sys", "contents", "kernel interface, mounted at run time" },
    { "/dev", "contents", "device nodes come from the container runtime" },
    { "/run", "contents", "run-time state" },
    { "/tmp", "contents", "temporary files" },
    { "/var/tmp", "contents", "temporary files" },
    { "/boot", "all", "the kernel is the node's" },
    { "/lib/modules", "all", "kernel modules are the node's" },
    { "/usr/lib/modules", "all", "kernel modules are the node's" },
    { "/lost+found", "all", "filesystem repair area" },
    { "/swapfile", "all", "swap file" },
    { "/swap.img", "all", "swap file" },
    { "/var/cache/apt", "all", "package cache" },
    { "/var/cache/dnf", "all", "package cache" },
    { "/var/cache/yum", "all", "package cache" },
    { "/var/cache/apk", "all", "package cache" },
    { "/var/cache/zypp", "all", "package cache" },
    { "/var/cache/man", "all", "package cache" },
    { "/var/cache/debconf/*-old", "all", "package cache" },
    { "/var/lib/apt/lists", "all", "package index" },
    { "/var/log", "files", "log file contents" },
    { "/etc/machine-id", "all", "machine identity" },
    { "/var/lib/dbus/machine-id", "all", "machine identity" },
    { "/etc/ssh/ssh_host_*", "all", "SSH host keys" },
    { "/etc/shadow", "all", "password hashes" },
    { "/etc/shadow-", "all", "password hashes" },
    { "/etc/gshadow", "all", "password hashes" },
    { "/etc/gshadow-", "all", "password hashes" },
  };
  json_t *a = json_array ();
  size_t i;

  for (i = 0; a && i < sizeof ex / sizeof ex[0]; i++)
    if (json_array_append_new (a, json_pack ("{s:s, s:s, s:s}", "pattern",
                                             ex[i].pattern, "what", ex[i].what,
                                             "reason", ex[i].reason))
        == -1) {
      json_decref (a);
      return NULL;
    }
  return a;
}

struct ddir {
  const char *path, *service;
  json_int_t used;
  int has_used;
};

static int
cmp_ddir (const void *a, const void *b)
{
  return v2c_path_cmp (((const struct ddir *) a)->path,
                       ((const struct ddir *) b)->path);
}

/* Read, check and merge inventory.data_dirs[]: sorted by path. */
static int
read_data_dirs (struct bctx *c, struct ddir **out, size_t *nout)
{
  char w[WHERE];
  json_t *a, *e;
  struct ddir *d;
  size_t i, n = 0;
  const char *why;

  *out = NULL;
  *nout = 0;
  if (inv_array (c->inv, "data_dirs", "", &a, c->err) == -1)
    return -1;
  if (json_array_size (a) == 0)
    return 0;
  d = calloc (json_array_size (a), sizeof *d);
  if (d == NULL)
    return v2c_set_error (c->err, ENOMEM, "out of memory");
  for (i = 0; i < json_array_size (a); i++) {
    char pw[WHERE];
    if (inv_elem (a, i, "data_dirs", &e, w, c->err) == -1
        || get_str (e, "path", w, REQ, &d[i].path, INV, c->err) == -1
        || get_str (e, "service", w, OPT | NUL_OK, &d[i].service, INV, c->err)
               == -1
        || inv_int (e, "used_bytes", w, OPT | NUL_OK, 0, INT64_MAX, &d[i].used,
                    &d[i].has_used, c->err)
               == -1)
      goto fail;
    why = path_problem (d[i].path);
    if (why) {
      bad (c->err, INV, sub (pw, w, "path"), "%s", why);
      goto fail;
    }
  }
  qsort (d, i, sizeof *d, cmp_ddir);
  for (i = 0; i < json_array_size (a); i++) {
    if (n > 0 && strcmp (d[n - 1].path, d[i].path) == 0) {
      if (d[n - 1].service == NULL)
        d[n - 1].service = d[i].service;
      if (d[i].has_used && (!d[n - 1].has_used || d[i].used > d[n - 1].used)) {
        d[n - 1].used = d[i].used;
        d[n - 1].has_used = 1;
      }
      continue;
    }
    d[n++] = d[i];
  }
  if (n > V2C_PLAN_MAX_ITEMS) {
    free (d);
    return bad (c->err, INV, "data_dirs", "more than %d directories",
                V2C_PLAN_MAX_ITEMS);
  }
  *out = d;
  *nout = n;
  return 0;
fail:
  free (d);
  return -1;
}

struct secret {
  const char *path, *kind;
};

static int
cmp_secret (const void *a, const void *b)
{
  const struct secret *x = a, *y = b;
  int r = strcmp (x->path, y->path);

  return r ? r : strcmp (x->kind, y->kind);
}

/* image.secret_files from inventory.secrets[]; also fills
 * c->secret_paths. */
static json_t *
secret_files (struct bctx *c)
{
  char w[WHERE], pw[WHERE];
  json_t *a, *e, *out = NULL, *item = NULL, *kinds = NULL;
  struct secret *s = NULL;
  size_t i, n;
  const char *why;

  if (inv_array (c->inv, "secrets", "", &a, c->err) == -1)
    return NULL;
  n = json_array_size (a);
  if (n > 0) {
    s = calloc (n, sizeof *s);
    c->secret_paths = calloc (n, sizeof *c->secret_paths);
    if (s == NULL || c->secret_paths == NULL) {
      v2c_set_error (c->err, ENOMEM, "out of memory");
      goto out;
    }
  }
  for (i = 0; i < n; i++) {
    if (inv_elem (a, i, "secrets", &e, w, c->err) == -1
        || get_str (e, "path", w, REQ, &s[i].path, INV, c->err) == -1
        || get_str (e, "kind", w, REQ, &s[i].kind, INV, c->err) == -1)
      goto out;
    why = path_problem (s[i].path);
    if (why) {
      bad (c->err, INV, sub (pw, w, "path"), "%s", why);
      goto out;
    }
  }
  if (n > 0)
    qsort (s, n, sizeof *s, cmp_secret);
  out = json_array ();
  if (out == NULL)
    goto oom;
  for (i = 0; i < n; i++) {
    if (i == 0 || strcmp (s[i].path, s[i - 1].path) != 0) {
      if (c->nsecret >= V2C_PLAN_MAX_ITEMS) {
        bad (c->err, INV, "secrets", "more than %d files", V2C_PLAN_MAX_ITEMS);
        json_decref (out);
        out = NULL;
        goto out;
      }
      c->secret_paths[c->nsecret++] = s[i].path;
      kinds = json_array ();
      item = json_pack ("{s:s, s:o*}", "path", s[i].path, "kinds", kinds);
      if (item == NULL || json_array_append_new (out, item) == -1)
        goto oom;
    } else if (strcmp (s[i].kind, s[i - 1].kind) == 0)
      continue;
    if (json_array_append_new (kinds, json_string (s[i].kind)) == -1)
      goto oom;
  }
  goto out;
oom:
  json_decref (out);
  out = NULL;
  v2c_set_error (c->err, ENOMEM, "out of memory");
out:
  free (s);
  return out;
}

static int
is_secret_path (struct bctx *c, const char *path)
{
  return c->nsecret > 0
         && bsearch (&path, c->secret_paths, c->nsecret,
                     sizeof *c->secret_paths, cmp_str)
                != NULL;
}

/* Services that are the machine's plumbing, not an application. */
static const char *
plumbing_reason (const char *base)
{
  static const struct {
    const char *name;
    int prefix;
    const char *reason;
  } rules[] = {
    { "ssh", 0, "remote login: use kubectl exec" },
    { "sshd", 0, "remote login: use kubectl exec" },
    { "getty", 0, "console login" },
    { "serial-getty", 0, "console login" },
    { "console-getty", 0, "console login" },
    { "container-getty", 0, "console login" },
    { "cron", 0, "cron jobs become CronJobs" },
    { "crond", 0, "cron jobs become CronJobs" },
    { "cronie", 0, "cron jobs become CronJobs" },
    { "anacron", 0, "cron jobs become CronJobs" },
    { "networking", 0, "network is the pod's" },
    { "NetworkManager", 0, "network is the pod's" },
    { "systemd-networkd", 0, "network is the pod's" },
    { "wpa_supplicant", 0, "network is the pod's" },
    { "rsyslog", 0, "logs go to stdout" },
    { "syslog", 0, "logs go to stdout" },
    { "syslog-ng", 0, "logs go to stdout" },
    { "systemd-journald", 0, "logs go to stdout" },
    { "udev", 0, "devices are the node's" },
    { "systemd-udevd", 0, "devices are the node's" },
    { "ufw", 0, "network policy" },
    { "firewalld", 0, "network policy" },
    { "chrony", 0, "time is the node's" },
    { "chronyd", 0, "time is the node's" },
    { "ntp", 0, "time is the node's" },
    { "ntpd", 0, "time is the node's" },
    { "systemd-timesyncd", 0, "time is the node's" },
    { "unattended-upgrades", 0, "updates come with a new image" },
    { "apt-daily", 1, "updates come with a new image" },
    { "open-vm-tools", 0, "VMware tools" },
    { "vmtoolsd", 0, "VMware tools" },
    { "vgauth", 0, "VMware tools" },
    { "vgauthd", 0, "VMware tools" },
    { "systemd-", 1, "systemd's own service: the container runtime's job" },
    { "dbus", 1, "system message bus: not used in a container" },
  };
  size_t i;

  for (i = 0; i < sizeof rules / sizeof rules[0]; i++)
    if (rules[i].prefix
            ? strncmp (base, rules[i].name, strlen (rules[i].name)) == 0
            : strcmp (base, rules[i].name) == 0)
      return rules[i].reason;
  return NULL;
}

/* uid/gid of a user or group name (or number) from the inventory. */
static int
lookup_id (struct bctx *c, const char *list, const char *name,
           const char *idkey, json_int_t *id, json_int_t *gid,
           const char **home, int *found)
{
  char w[WHERE];
  json_t *a, *e;
  size_t i;
  const char *n;
  char *end;
  int present;

  *found = 0;
  if (home)
    *home = NULL;
  if (inv_array (c->inv, list, "", &a, c->err) == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    if (inv_elem (a, i, list, &e, w, c->err) == -1
        || get_str (e, "name", w, REQ, &n, INV, c->err) == -1)
      return -1;
    if (strcmp (n, name) != 0)
      continue;
    if (inv_int (e, idkey, w, REQ, 0, UINT32_MAX - 1, id, &present, c->err)
        == -1)
      return -1;
    if (gid
        && inv_int (e, "gid", w, REQ, 0, UINT32_MAX - 1, gid, &present, c->err)
               == -1)
      return -1;
    if (home && get_str (e, "home", w, OPT | NUL_OK, home, INV, c->err) == -1)
      return -1;
    *found = 1;
    return 0;
  }
  /* systemd takes numbers too */
  if (name[0] >= '0' && name[0] <= '9') {
    unsigned long long v;
    errno = 0;
    v = strtoull (name, &end, 10);
    if (errno == 0 && *end == '\0' && v < UINT32_MAX) {
      *id = (json_int_t) v;
      if (gid)
        *gid = (json_int_t) v;
      *found = 1;
    }
  }
  return 0;
}

struct port {
  json_int_t port;
  const char *proto;
};

static int
cmp_port (const void *a, const void *b)
{
  const struct port *x = a, *y = b;

  if (x->port != y->port)
    return x->port < y->port ? -1 : 1;
  return strcmp (x->proto, y->proto);
}

/* Ports of an inventory ports[] array (of a service, or the top-level
 * one filtered by service name) added to p[]. */
static int
collect_ports (struct bctx *c, const json_t *a, const char *where,
               const char *unit, const char *base, struct port **p, size_t *n)
{
  char w[WHERE], pw[WHERE];
  json_t *e;
  size_t i;
  int present;

  for (i = 0; i < json_array_size (a); i++) {
    struct port q;
    const char *svc;
    if (inv_elem (a, i, where, &e, w, c->err) == -1
        || inv_int (e, "port", w, REQ, 0, 65535, &q.port, &present, c->err)
               == -1
        || get_str (e, "protocol", w, REQ, &q.proto, INV, c->err) == -1)
      return -1;
    if (unit) {
      if (get_str (e, "service", w, OPT | NUL_OK, &svc, INV, c->err) == -1)
        return -1;
      if (svc == NULL || (strcmp (svc, unit) != 0 && strcmp (svc, base) != 0))
        continue;
    }
    if (strcmp (q.proto, "tcp") != 0 && strcmp (q.proto, "udp") != 0
        && strcmp (q.proto, "sctp") != 0)
      return bad (c->err, INV, sub (pw, w, "protocol"),
                  "'%s' is not tcp, udp or sctp", q.proto);
    if (q.port == 0)
      continue;
    if (*n >= V2C_PLAN_MAX_ITEMS)
      return bad (c->err, INV, where, "more than %d ports",
                  V2C_PLAN_MAX_ITEMS);
    if ((*n & (*n - 1)) == 0 || *n == 0) {
      struct port *np = realloc (*p, (*n ? *n * 2 : 4) * sizeof *np);
      if (np == NULL)
        return v2c_set_error (c->err, ENOMEM, "out of memory");
      *p = np;
    }
    (*p)[(*n)++] = q;
  }
  return 0;
}

/* The unique label of a component or volume among names[0..n). */
static void
unique_label (const char *in, const char *fallback, const char **names,
              size_t n, char out[64])
{
  char base[64];
  size_t i, k = 1;
  int clash;

  dns_label (in, base, sizeof base, fallback);
  snprintf (out, 64, "%s", base);
  do {
    clash = 0;
    for (i = 0; i < n; i++)
      if (strcmp (names[i], out) == 0)
        clash = 1;
    if (clash) {
      char suffix[24];
      size_t keep;
      snprintf (suffix, sizeof suffix, "-%zu", ++k);
      keep = 63 - strlen (suffix);
      if (strlen (base) < keep)
        keep = strlen (base);
      while (keep > 0 && base[keep - 1] == '-')
        keep--;
      snprintf (out, 64, "%.*s%s", (int) keep, base, suffix);
    }
  } while (clash);
}

/* Build one service's component, or set *reason why it is dropped. */
static int
service_component (struct bctx *c, const json_t *svc, const char *w,
                   const char *unit, const char *base, const char *kind,
                   const struct ddir *dd, size_t ndd, const char **names,
                   size_t nnames, struct comp *out, const char **reason,
                   char *reasonbuf, size_t reasonlen)
{
  char ww[WHERE], ew[WHERE], label[64];
  const char *exec, *user, *group, *wd, *instance, *home = NULL, *why;
  json_t *env, *efiles, *ports, *o = NULL, *a, *cmd = NULL, *v;
  json_t *envo = NULL, *secret_env = NULL, *efout = NULL, *cfg = NULL;
  json_t *sec = NULL, *vols = NULL, *pa = NULL;
  json_int_t uid = 0, gid = 0, g2;
  struct words words = { NULL, 0 };
  struct port *p = NULL;
  size_t np = 0, i;
  const char **vnames = NULL, **keys = NULL;
  size_t nv = 0, nkeys = 0;
  char *line = NULL, *expanded = NULL, wdbuf[V2C_PLAN_MAX_PATTERN + 1];
  int found, status = -1;
  const char *key;

  *reason = NULL;
  if (get_str (svc, "exec_start", w, NUL_OK, &exec, INV, c->err) == -1
      || get_str (svc, "user", w, OPT | NUL_OK, &user, INV, c->err) == -1
      || get_str (svc, "group", w, OPT | NUL_OK, &group, INV, c->err) == -1
      || get_str (svc, "working_directory", w, OPT | NUL_OK, &wd, INV, c->err)
             == -1
      || get_str (svc, "template_instance", w, OPT | NUL_OK, &instance, INV,
                  c->err)
             == -1
      || get (svc, "environment", w, JSON_OBJECT, OPT, &env, INV, c->err) == -1
      || inv_array (svc, "environment_files", w, &efiles, c->err) == -1
      || inv_array (svc, "ports", w, &ports, c->err) == -1)
    return -1;
  if (exec == NULL || *exec == '\0') {
    *reason = "no ExecStart: nothing to run";
    return 0;
  }
  why = split_exec (exec, &words);
  if (why) {
    snprintf (reasonbuf, reasonlen, "can't split ExecStart: %s", why);
    *reason = reasonbuf;
    status = 0;
    goto out;
  }
  /* specifiers are resolved in each word, after the split, as systemd */
  for (i = 0; i < words.n; i++) {
    expanded = expand_specifiers (words.v[i], unit, instance);
    if (expanded == NULL) {
      *reason = "the command line is too long";
      status = 0;
      goto out;
    }
    free (words.v[i]);
    words.v[i] = expanded;
    expanded = NULL;
  }

  /* user and ids */
  if (user) {
    if (lookup_id (c, "users", user, "uid", &uid, &gid, &home, &found) == -1)
      goto out;
    if (!found) {
      uid = gid = 65534;
      note (c,
            "component of '%s': user '%s' is not in the inventory's users, "
            "running as 65534:65534",
            unit, user);
    }
  }
  if (group) {
    if (lookup_id (c, "groups", group, "gid", &g2, NULL, NULL, &found) == -1)
      goto out;
    if (found)
      gid = g2;
    else
      note (c,
            "component of '%s': group '%s' is not in the inventory's groups",
            unit, group);
  }
  /* working directory: "-" (may be missing) and "~" (home) as systemd */
  if (wd) {
    if (wd[0] == '-')
      wd++;
    if (strcmp (wd, "~") == 0)
      wd = home;
  }
  if (wd) {
    size_t l = strlen (wd);
    if (l > V2C_PLAN_MAX_PATTERN) {
      bad (c->err, INV, sub (ww, w, "working_directory"), "too long");
      goto out;
    }
    /* a trailing slash is harmless in the unit: drop it */
    memcpy (wdbuf, wd, l + 1);
    while (l > 1 && wdbuf[l - 1] == '/')
      wdbuf[--l] = '\0';
    wd = wdbuf;
    why = path_problem (wd);
    if (why) {
      bad (c->err, INV, sub (ww, w, "working_directory"), "%s", why);
      goto out;
    }
  }

  {
    char stem[512];
    size_t ul = strlen (unit);
    if (ul > 8 && strcmp (unit + ul - 8, ".service") == 0)
      ul -= 8;
    snprintf (stem, sizeof stem, "%.*s", (int) (ul < 511 ? ul : 511), unit);
    unique_label (stem, "service", names, nnames, label);
  }

  o = json_object ();
  if (o == NULL)
    goto oom;
  set (c, o, "name", json_string (label));
  set (c, o, "converter",
       json_string (strcmp (kind, "sysv") == 0 ? "sysv-service"
                                               : "systemd-service"));
  set (c, o, "kind", json_string ("Deployment"));
  set (c, o, "service", json_string (unit));

  /* command */
  cmd = json_array ();
  if (cmd == NULL)
    goto oom;
  for (i = 0; i < words.n && !word_has_var (words.v[i]); i++)
    ;
  if (i < words.n) {
    size_t n = 4, cap = 5;
    line = malloc (cap);
    if (line == NULL)
      goto oom;
    memcpy (line, "exec", 5);
    for (i = 0; i < words.n; i++)
      if (sh_append (&line, &n, &cap, words.v[i]) == -1) {
        *reason = "the command line is too long";
        status = 0;
        goto out;
      }
    append (c, cmd, json_string ("/bin/sh"));
    append (c, cmd, json_string ("-c"));
    append (c, cmd, json_string (line));
  } else
    for (i = 0; i < words.n; i++) {
      undouble_dollars (words.v[i]);
      append (c, cmd, json_string (words.v[i]));
    }
  set (c, o, "command", cmd);
  set (c, o, "args", json_array ());
  set (c, o, "user", str_or_null (user));
  set (c, o, "uid", json_integer (uid));
  set (c, o, "gid", json_integer (gid));
  set (c, o, "working_dir", str_or_null (wd));

  /* environment: secret values never leave the inventory redacted */
  envo = json_object ();
  secret_env = json_array ();
  if (envo == NULL || secret_env == NULL)
    goto oom;
  if (json_object_size (env) > V2C_PLAN_MAX_ITEMS) {
    bad (c->err, INV, sub (ww, w, "environment"), "more than %d variables",
         V2C_PLAN_MAX_ITEMS);
    goto out;
  }
  keys = calloc (json_object_size (env) + 1, sizeof *keys);
  if (keys == NULL)
    goto oom;
  json_object_foreach (env, key, v)
  {
    const char *val;
    snprintf (ew, sizeof ew, "environment.%s", key);
    if (*key == '\0' || strchr (key, '=')
        || strlen (key) > V2C_PLAN_MAX_PATTERN) {
      bad (c->err, INV, sub (ww, w, ew), "not a variable name");
      goto out;
    }
    if (json_is_null (v))
      continue;
    if (!json_is_string (v)
        || strlen (json_string_value (v)) != json_string_length (v)) {
      bad (c->err, INV, sub (ww, w, ew), "expected a string or null");
      goto out;
    }
    val = json_string_value (v);
    if (strlen (val) > MAX_LINE) {
      bad (c->err, INV, sub (ww, w, ew), "too long");
      goto out;
    }
    if (strcmp (val, "<redacted>") == 0)
      keys[nkeys++] = key;
    else
      set (c, envo, key, json_string (val));
  }
  if (nkeys)
    qsort (keys, nkeys, sizeof *keys, cmp_str);
  for (i = 0; i < nkeys; i++)
    append (c, secret_env, json_string (keys[i]));
  set (c, o, "env", envo);
  set (c, o, "secret_env", secret_env);
  envo = secret_env = NULL;

  /* files the service reads its environment from */
  efout = json_array ();
  cfg = json_array ();
  sec = json_array ();
  if (efout == NULL || cfg == NULL || sec == NULL)
    goto oom;
  if (check_count (efiles, V2C_PLAN_MAX_PATTERNS,
                   sub (ww, w, "environment_files"), INV, c->err)
      == -1)
    goto out;
  for (i = 0; i < json_array_size (efiles); i++) {
    const char *f;
    if (elem_str (efiles, i, sub (ww, w, "environment_files"), &f, INV, c->err)
        == -1)
      goto out;
    if (f[0] == '-')
      f++;
    why = path_problem (f);
    if (why) {
      char iw[WHERE];
      bad (c->err, INV, idx (iw, ww, i), "%s", why);
      goto out;
    }
    append (c, efout, json_string (f));
    append (c, is_secret_path (c, f) ? sec : cfg, json_string (f));
  }
  /* other secret files under the working directory */
  for (i = 0; wd && i < c->nsecret; i++)
    if (is_under (c->secret_paths[i], wd)) {
      size_t k;
      int dup = 0;
      for (k = 0; k < json_array_size (sec); k++)
        if (strcmp (json_string_value (json_array_get (sec, k)),
                    c->secret_paths[i])
            == 0)
          dup = 1;
      if (!dup)
        append (c, sec, json_string (c->secret_paths[i]));
    }
  set (c, o, "environment_files", efout);
  efout = NULL;

  /* ports: the unit's and those the inventory found for it */
  if (collect_ports (c, ports, sub (ww, w, "ports"), NULL, NULL, &p, &np)
      == -1)
    goto out;
  if (inv_array (c->inv, "ports", "", &a, c->err) == -1
      || collect_ports (c, a, "ports", unit, base, &p, &np) == -1)
    goto out;
  if (np)
    qsort (p, np, sizeof *p, cmp_port);
  pa = json_array ();
  if (pa == NULL)
    goto oom;
  for (i = 0; i < np; i++)
    if (i == 0 || cmp_port (&p[i], &p[i - 1]) != 0)
      append (
          c, pa,
          json_pack ("{s:I, s:s}", "port", p[i].port, "protocol", p[i].proto));
  set (c, o, "ports", pa);
  out->has_ports = np > 0;
  pa = NULL;

  /* volumes: its data directories */
  vols = json_array ();
  vnames = calloc (ndd + 1, sizeof *vnames);
  if (vols == NULL || vnames == NULL)
    goto oom;
  for (i = 0; i < ndd; i++) {
    char vname[64], size[32];
    json_int_t gib;
    json_t *vo;
    if (dd[i].service == NULL
        || (strcmp (dd[i].service, unit) != 0
            && strcmp (dd[i].service, base) != 0))
      continue;
    unique_label (dd[i].path + 1, "data", vnames, nv, vname);
    gib = dd[i].has_used
              ? dd[i].used / (1 << 30) + (dd[i].used % (1 << 30) != 0)
              : 1;
    if (gib < 1)
      gib = 1;
    snprintf (size, sizeof size, "%" JSON_INTEGER_FORMAT "Gi", gib);
    vo = json_pack ("{s:s, s:s, s:s, s:s}", "name", vname, "mount_path",
                    dd[i].path, "kind", "pvc", "size", size);
    append (c, vols, vo);
    if (vo)
      vnames[nv++] = json_string_value (json_object_get (vo, "name"));
  }
  set (c, o, "volumes", vols);
  vols = NULL;
  set (c, o, "config_files", cfg);
  set (c, o, "secret_files", sec);
  cfg = sec = NULL;
  if (c->oom)
    goto oom;

  /* the executable: command[0], or the word after "exec " of sh -c */
  out->exe = strdup (words.v[0]);
  if (out->exe == NULL)
    goto oom;
  out->obj = o;
  out->name = json_string_value (json_object_get (o, "name"));
  out->workdir
      = wd ? json_string_value (json_object_get (o, "working_dir")) : NULL;
  o = NULL;
  status = 0;
  goto out;
oom:
  v2c_set_error (c->err, ENOMEM, "out of memory");
out:
  json_decref (o);
  json_decref (envo);
  json_decref (secret_env);
  json_decref (efout);
  json_decref (cfg);
  json_decref (sec);
  json_decref (vols);
  json_decref (pa);
  free (vnames);
  free (keys);
  free (p);
  free (line);
  free (expanded);
  words_free (&words);
  return status;
}

static int
cmp_comp (const void *a, const void *b)
{
  return strcmp (((const struct comp *) a)->name,
                 ((const struct comp *) b)->name);
}

static int
cmp_named (const void *a, const void *b)
{
  const json_t *x = *(const json_t *const *) a,
               *y = *(const json_t *const *) b;

  return strcmp (json_string_value (json_object_get (x, "name")),
                 json_string_value (json_object_get (y, "name")));
}

static int
exe_is_app (const struct comp *k)
{
  static const char *const dirs[] = { "/opt", "/srv", "/home", "/usr/local" };
  size_t i;

  for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
    if (is_under (k->exe, dirs[i]))
      return 1;
  return k->workdir && is_under (k->exe, k->workdir);
}

/* The main component: an application's executable (under /opt, /srv,
 * /home, /usr/local or its working directory), one with ports first;
 * else the first with ports; else the first; -1 when none. */
static long
main_component (const struct comp *cv, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (exe_is_app (&cv[i]) && cv[i].has_ports)
      return (long) i;
  for (i = 0; i < n; i++)
    if (exe_is_app (&cv[i]))
      return (long) i;
  for (i = 0; i < n; i++)
    if (cv[i].has_ports)
      return (long) i;
  return n > 0 ? 0 : -1;
}

/* Why a service that is not enabled is left out. */
static int
disabled_reason (struct bctx *c, const char *unit, char *buf, size_t len)
{
  char w[WHERE];
  json_t *a, *e;
  size_t i;
  const char *name, *u;

  snprintf (buf, len, "not enabled at boot");
  if (inv_array (c->inv, "timers", "", &a, c->err) == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    if (inv_elem (a, i, "timers", &e, w, c->err) == -1
        || get_str (e, "name", w, REQ, &name, INV, c->err) == -1
        || get_str (e, "unit", w, OPT | NUL_OK, &u, INV, c->err) == -1)
      return -1;
    if (u && strcmp (u, unit) == 0) {
      snprintf (buf, len,
                "started by timer '%s': timers are not converted yet", name);
      break;
    }
  }
  return 0;
}

static int
add_notes (struct bctx *c, size_t ncomp)
{
  char w[WHERE];
  json_t *a, *e, *ev;
  size_t i, n;
  const char *rule, *sev, *summary, *first;

  if (inv_array (c->inv, "cron", "", &a, c->err) == -1)
    return -1;
  n = json_array_size (a);
  if (n == 1)
    note (c, "1 cron entry is not converted yet");
  else if (n > 1)
    note (c, "%zu cron entries are not converted yet", n);
  if (inv_array (c->inv, "timers", "", &a, c->err) == -1)
    return -1;
  n = json_array_size (a);
  if (n == 1)
    note (c, "1 timer is not converted yet");
  else if (n > 1)
    note (c, "%zu timers are not converted yet", n);
  if (inv_array (c->inv, "blockers", "", &a, c->err) == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    if (inv_elem (a, i, "blockers", &e, w, c->err) == -1
        || get_str (e, "rule", w, REQ, &rule, INV, c->err) == -1
        || get_str (e, "severity", w, OPT | NUL_OK, &sev, INV, c->err) == -1
        || get_str (e, "summary", w, OPT | NUL_OK, &summary, INV, c->err) == -1
        || get (e, "evidence", w, JSON_ARRAY, OPT | NUL_OK, &ev, INV, c->err)
               == -1)
      return -1;
    first = NULL;
    if (json_array_size (ev) > 0) {
      char ew[WHERE];
      if (elem_str (ev, 0, sub (ew, w, "evidence"), &first, INV, c->err) == -1)
        return -1;
    }
    note (c, "blockers: %s (%s): %s", rule, sev ? sev : "unknown",
          summary ? summary
          : first ? first
                  : "no evidence");
  }
  if (ncomp == 0)
    note (c, "no service became a component: the image runs /bin/sh");
  return 0;
}

json_t *
v2c_plan_build (const json_t *inv, const char *strategy, struct v2c_err *err)
{
  struct bctx c = { inv, err, NULL, 0, NULL, 0 };
  static const char *const config_inc[] = { "/etc" };
  char w[WHERE], reasonbuf[600];
  json_t *plan = NULL, *src, *os, *image = NULL, *services, *svc;
  json_t *comps = NULL, *dropped = NULL, *sf = NULL, *layers, *vols;
  const char *schema, *name, *format, *path, *type, *distro, *version;
  const char *arch, *pm, *variant, *garch, *unit, *kind, *reason;
  struct ddir *dd = NULL;
  struct comp *cv = NULL;
  json_t **dv = NULL;
  const char **names = NULL;
  size_t ndd = 0, nc = 0, nd = 0, i, n;
  long m;
  int ok = 0;

  if (strategy == NULL)
    strategy = "split";
  if (strcmp (strategy, "split") != 0 && strcmp (strategy, "single") != 0) {
    v2c_set_error (err, 0, "unknown strategy '%s' (split or single)",
                   strategy);
    return NULL;
  }
  if (!json_is_object (inv)) {
    v2c_set_error (err, 0, "inventory: not a JSON object");
    return NULL;
  }
  if (get_str (inv, "schema", "", REQ, &schema, INV, err) == -1)
    return NULL;
  if (strcmp (schema, "v2c.inventory/1") != 0) {
    bad (err, INV, "schema", "'%s' is not 'v2c.inventory/1'", schema);
    return NULL;
  }
  if (get_str (inv, "name", "", REQ, &name, INV, err) == -1
      || get (inv, "source", "", JSON_OBJECT, REQ, &src, INV, err) == -1
      || get_str (src, "format", "source", REQ, &format, INV, err) == -1
      || get_str (src, "path", "source", OPT | NUL_OK, &path, INV, err) == -1
      || get (inv, "os", "", JSON_OBJECT, NUL_OK, &os, INV, err) == -1)
    return NULL;
  if (*name == '\0') {
    bad (err, INV, "name", "empty");
    return NULL;
  }
  if (os == NULL) {
    bad (err, INV, "os",
         "null: the guest was not inspected "
         "(--descriptor-only), there is nothing to plan");
    return NULL;
  }
  if (get_str (os, "type", "os", OPT | NUL_OK, &type, INV, err) == -1
      || get_str (os, "distro", "os", OPT | NUL_OK, &distro, INV, err) == -1
      || get_str (os, "version", "os", OPT | NUL_OK, &version, INV, err) == -1
      || get_str (os, "arch", "os", OPT | NUL_OK, &arch, INV, err) == -1
      || get_str (os, "package_manager", "os", OPT | NUL_OK, &pm, INV, err)
             == -1)
    return NULL;
  garch = goarch (arch, &variant);
  if (garch == NULL) {
    bad (err, INV, "os.arch", "unknown architecture '%s'",
         arch ? arch : "null");
    return NULL;
  }

  c.notes = json_array ();
  if (c.notes == NULL)
    goto oom;
  if (read_data_dirs (&c, &dd, &ndd) == -1)
    goto out;
  sf = secret_files (&c);
  if (sf == NULL)
    goto out;

  /* image */
  image = json_object ();
  if (image == NULL)
    goto oom;
  set (&c, image, "strategy", json_string (strategy));
  set (&c, image, "base",
       json_pack ("{s:o, s:o}", "distro", str_or_null (distro), "version",
                  str_or_null (version)));
  set (&c, image, "os",
       json_string (type && strcmp (type, "windows") == 0 ? "windows"
                                                          : "linux"));
  set (&c, image, "architecture", json_string (garch));
  if (variant)
    set (&c, image, "variant", json_string (variant));
  set (&c, image, "package_manager", str_or_null (pm));
  layers = json_array ();
  if (strcmp (strategy, "split") == 0) {
    append (&c, layers, layer ("os", NULL, 0));
    append (&c, layers, layer ("config", config_inc, 1));
    append (&c, layers, layer ("app", NULL, 0));
  } else
    append (&c, layers, layer ("rootfs", NULL, 0));
  set (&c, image, "layers", layers);
  set (&c, image, "excludes", default_excludes ());
  vols = json_array ();
  for (i = 0; vols && i < ndd; i++)
    append (
        &c, vols,
        json_pack ("{s:s, s:o, s:o, s:s}", "path", dd[i].path, "service",
                   str_or_null (dd[i].service), "used_bytes",
                   dd[i].has_used ? json_integer (dd[i].used) : json_null (),
                   "reason", "data directory"));
  set (&c, image, "volumes", vols);
  set (&c, image, "secret_files", sf);
  sf = NULL;

  /* components, one per enabled service that is not plumbing */
  if (inv_array (inv, "services", "", &services, err) == -1
      || check_count (services, V2C_PLAN_MAX_ITEMS, "services", INV, err)
             == -1)
    goto out;
  n = json_array_size (services);
  cv = calloc (n + 1, sizeof *cv);
  dv = calloc (n + 1, sizeof *dv);
  names = calloc (n + 1, sizeof *names);
  if (cv == NULL || dv == NULL || names == NULL)
    goto oom;
  for (i = 0; i < n; i++) {
    char base[512], *cut;
    json_t *enabled;
    if (inv_elem (services, i, "services", &svc, w, err) == -1
        || get_str (svc, "name", w, REQ, &unit, INV, err) == -1
        || get_str (svc, "kind", w, REQ, &kind, INV, err) == -1
        || get (svc, "enabled", w, JSON_TRUE, REQ, &enabled, INV, err) == -1)
      goto out;
    if (*unit == '\0') {
      char nw[WHERE];
      bad (err, INV, sub (nw, w, "name"), "empty");
      goto out;
    }
    if (strcmp (kind, "systemd") != 0 && strcmp (kind, "sysv") != 0) {
      char kw[WHERE];
      bad (err, INV, sub (kw, w, "kind"), "'%s' is not systemd or sysv", kind);
      goto out;
    }
    snprintf (base, sizeof base, "%s", unit);
    cut = strrchr (base, '.');
    if (cut && strcmp (cut, ".service") == 0)
      *cut = '\0';
    cut = strchr (base, '@');
    if (cut)
      *cut = '\0';
    reason = plumbing_reason (base);
    if (reason == NULL && !json_is_true (enabled)) {
      if (disabled_reason (&c, unit, reasonbuf, sizeof reasonbuf) == -1)
        goto out;
      reason = reasonbuf;
    }
    if (reason == NULL) {
      if (service_component (&c, svc, w, unit, base, kind, dd, ndd, names, nc,
                             &cv[nc], &reason, reasonbuf, sizeof reasonbuf)
          == -1)
        goto out;
      if (cv[nc].obj) {
        names[nc] = cv[nc].name;
        nc++;
      }
    }
    if (reason) {
      dv[nd] = json_pack ("{s:s, s:s}", "name", unit, "reason", reason);
      if (dv[nd] == NULL)
        goto oom;
      nd++;
    }
  }
  if (nc)
    qsort (cv, nc, sizeof *cv, cmp_comp);
  if (nd)
    qsort (dv, nd, sizeof *dv, cmp_named);
  m = main_component (cv, nc);
  if (add_notes (&c, nc) == -1)
    goto out;

  plan = json_object ();
  comps = json_array ();
  dropped = json_array ();
  if (plan == NULL || comps == NULL || dropped == NULL)
    goto oom;
  set (&c, plan, "schema", json_string ("v2c.plan/1"));
  set (&c, plan, "name", json_string (name));
  set (&c, plan, "source",
       json_pack ("{s:s, s:s, s:o}", "vm", name, "format", format, "path",
                  str_or_null (path)));
  set (&c, plan, "image", image);
  image = NULL;
  for (i = 0; i < nc; i++) {
    append (&c, comps, cv[i].obj);
    cv[i].obj = NULL;
  }
  set (&c, plan, "components", comps);
  comps = NULL;
  set (&c, plan, "main_component",
       m >= 0 ? json_string (cv[m].name) : json_null ());
  for (i = 0; i < nd; i++) {
    append (&c, dropped, dv[i]);
    dv[i] = NULL;
  }
  set (&c, plan, "dropped", dropped);
  dropped = NULL;
  set (&c, plan, "notes", c.notes);
  c.notes = NULL;
  if (c.oom)
    goto oom;
  /* what is written must read back */
  if (v2c_plan_check (plan, err) == -1) {
    v2c_error_prefix (err, "can't make a valid plan");
    goto out;
  }
  ok = 1;
  goto out;
oom:
  v2c_set_error (err, ENOMEM, "out of memory");
out:
  if (!ok) {
    json_decref (plan);
    plan = NULL;
  }
  json_decref (c.notes);
  json_decref (image);
  json_decref (sf);
  json_decref (comps);
  json_decref (dropped);
  for (i = 0; cv && i < nc; i++) {
    json_decref (cv[i].obj);
    free (cv[i].exe);
  }
  for (i = 0; dv && i < nd; i++)
    json_decref (dv[i]);
  free (cv);
  free (dv);
  free (names);
  free (dd);
  free (c.secret_paths);
  return plan;
}

/* ------------------------------------------------------------------ */
/* Checking                                                            */

static const char PLAN[] = "plan";

enum { ANY_STRING, A_PATH, A_PATTERN };

/* A list of strings (of paths, of patterns) at o.key. */
static int
chk_strings (const json_t *o, const char *key, const char *where, size_t max,
             int what, json_t **out, struct v2c_err *err)
{
  char w[WHERE], iw[WHERE];
  json_t *a;
  const char *s, *why;
  size_t i;

  if (get (o, key, where, JSON_ARRAY, REQ, &a, PLAN, err) == -1)
    return -1;
  sub (w, where, key);
  if (check_count (a, max, w, PLAN, err) == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    if (elem_str (a, i, w, &s, PLAN, err) == -1)
      return -1;
    if (what != ANY_STRING && (why = path_problem (s)) != NULL)
      return bad (err, PLAN, idx (iw, w, i), "%s %s",
                  what == A_PATTERN ? "pattern" : "path", why);
  }
  if (out)
    *out = a;
  return 0;
}

static int
chk_path (const json_t *o, const char *key, const char *where, int flags,
          const char *what, struct v2c_err *err)
{
  char w[WHERE];
  const char *s, *why;

  if (get_str (o, key, where, flags, &s, PLAN, err) == -1)
    return -1;
  if (s && (why = path_problem (s)) != NULL)
    return bad (err, PLAN, sub (w, where, key), "%s %s", what, why);
  return 0;
}

static int
chk_enum (const json_t *o, const char *key, const char *where,
          const char *const *allowed, const char **out, struct v2c_err *err)
{
  char w[WHERE], list[256] = "";
  const char *s;
  size_t i;

  if (get_str (o, key, where, REQ, &s, PLAN, err) == -1)
    return -1;
  for (i = 0; allowed[i]; i++) {
    if (strcmp (s, allowed[i]) == 0) {
      if (out)
        *out = s;
      return 0;
    }
    snprintf (list + strlen (list), sizeof list - strlen (list), "%s%s",
              i ? ", " : "", allowed[i]);
  }
  return bad (err, PLAN, sub (w, where, key), "'%s' is not one of: %s", s,
              list);
}

static int
chk_int (const json_t *o, const char *key, const char *where, int flags,
         json_int_t min, json_int_t max, struct v2c_err *err)
{
  char w[WHERE];
  json_t *v;

  if (get (o, key, where, JSON_INTEGER, flags, &v, PLAN, err) == -1)
    return -1;
  if (v && (json_integer_value (v) < min || json_integer_value (v) > max))
    return bad (err, PLAN, sub (w, where, key),
                "%" JSON_INTEGER_FORMAT
                " is out of range (%" JSON_INTEGER_FORMAT
                "..%" JSON_INTEGER_FORMAT ")",
                json_integer_value (v), min, max);
  return 0;
}

/* An array of objects at o.key: checks the count, gives the array. */
static int
chk_objects (const json_t *o, const char *key, const char *where, size_t max,
             json_t **out, struct v2c_err *err)
{
  char w[WHERE], iw[WHERE];
  size_t i;

  if (get (o, key, where, JSON_ARRAY, REQ, out, PLAN, err) == -1)
    return -1;
  sub (w, where, key);
  if (check_count (*out, max, w, PLAN, err) == -1)
    return -1;
  for (i = 0; i < json_array_size (*out); i++)
    if (!json_is_object (json_array_get (*out, i)))
      return bad (err, PLAN, idx (iw, w, i), "expected an object");
  return 0;
}

static int
size_valid (const char *s)
{
  size_t d = strspn (s, "0123456789");

  return d > 0 && d <= 15 && s[0] != '0'
         && (strcmp (s + d, "Ki") == 0 || strcmp (s + d, "Mi") == 0
             || strcmp (s + d, "Gi") == 0 || strcmp (s + d, "Ti") == 0
             || strcmp (s + d, "Pi") == 0);
}

static int
chk_layers (const json_t *img, const char *strategy, struct v2c_err *err)
{
  static const char *const split[] = { "os", "config", "app" };
  char w[WHERE];
  json_t *a, *l;
  const char *name;
  size_t i, k, want = strcmp (strategy, "split") == 0 ? 3 : 1;

  if (chk_objects (img, "layers", "image", 16, &a, err) == -1)
    return -1;
  if (json_array_size (a) != want)
    return bad (err, PLAN, "image.layers",
                "strategy '%s' needs %zu layer%s, not %zu", strategy, want,
                want == 1 ? "" : "s", json_array_size (a));
  for (i = 0; i < json_array_size (a); i++) {
    l = json_array_get (a, i);
    idx (w, "image.layers", i);
    if (get_str (l, "name", w, REQ, &name, PLAN, err) == -1)
      return -1;
    if (strcmp (name, want == 3 ? split[i] : "rootfs") != 0) {
      char nw[WHERE];
      return bad (err, PLAN, sub (nw, w, "name"), "'%s', expected '%s'", name,
                  want == 3 ? split[i] : "rootfs");
    }
    for (k = 0; k < i; k++)
      if (strcmp (name, json_string_value (
                            json_object_get (json_array_get (a, k), "name")))
          == 0)
        return bad (err, PLAN, w, "name '%s' is used twice", name);
    if (chk_strings (l, "includes", w, V2C_PLAN_MAX_PATTERNS, A_PATTERN, NULL,
                     err)
            == -1
        || chk_strings (l, "excludes", w, V2C_PLAN_MAX_PATTERNS, A_PATTERN,
                        NULL, err)
               == -1)
      return -1;
  }
  return 0;
}

static int
chk_image (const json_t *plan, struct v2c_err *err)
{
  static const char *const strategies[] = { "split", "single", NULL };
  static const char *const oses[] = { "linux", "windows", NULL };
  static const char *const arches[] = { "amd64",   "arm64", "386",     "arm",
                                        "ppc64le", "s390x", "riscv64", NULL };
  static const char *const whats[] = { "all", "contents", "files", NULL };
  char w[WHERE];
  json_t *img, *base, *a, *e, *kinds;
  const char *strategy, *s;
  size_t i;

  if (get (plan, "image", "", JSON_OBJECT, REQ, &img, PLAN, err) == -1
      || chk_enum (img, "strategy", "image", strategies, &strategy, err) == -1
      || get (img, "base", "image", JSON_OBJECT, REQ, &base, PLAN, err) == -1
      || get_str (base, "distro", "image.base", NUL_OK, &s, PLAN, err) == -1
      || get_str (base, "version", "image.base", NUL_OK, &s, PLAN, err) == -1
      || chk_enum (img, "os", "image", oses, NULL, err) == -1
      || chk_enum (img, "architecture", "image", arches, NULL, err) == -1
      || get_str (img, "variant", "image", OPT, &s, PLAN, err) == -1
      || get_str (img, "package_manager", "image", NUL_OK, &s, PLAN, err) == -1
      || chk_layers (img, strategy, err) == -1)
    return -1;
  if (chk_objects (img, "excludes", "image", V2C_PLAN_MAX_PATTERNS, &a, err)
      == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    e = json_array_get (a, i);
    idx (w, "image.excludes", i);
    if (chk_path (e, "pattern", w, REQ, "pattern", err) == -1
        || chk_enum (e, "what", w, whats, NULL, err) == -1
        || get_str (e, "reason", w, REQ, &s, PLAN, err) == -1)
      return -1;
  }
  if (chk_objects (img, "volumes", "image", V2C_PLAN_MAX_ITEMS, &a, err) == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    e = json_array_get (a, i);
    idx (w, "image.volumes", i);
    if (chk_path (e, "path", w, REQ, "path", err) == -1
        || get_str (e, "service", w, NUL_OK, &s, PLAN, err) == -1
        || chk_int (e, "used_bytes", w, NUL_OK, 0, INT64_MAX, err) == -1
        || get_str (e, "reason", w, REQ, &s, PLAN, err) == -1)
      return -1;
  }
  if (chk_objects (img, "secret_files", "image", V2C_PLAN_MAX_ITEMS, &a, err)
      == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    e = json_array_get (a, i);
    idx (w, "image.secret_files", i);
    if (chk_path (e, "path", w, REQ, "path", err) == -1
        || chk_strings (e, "kinds", w, 64, ANY_STRING, &kinds, err) == -1)
      return -1;
  }
  return 0;
}

static int
chk_component (const json_t *k, const char *w, struct v2c_err *err)
{
  static const char *const kinds[]
      = { "Deployment", "StatefulSet", "CronJob", NULL };
  static const char *const protos[] = { "tcp", "udp", "sctp", NULL };
  static const char *const vkinds[]
      = { "pvc", "emptyDir", "configMap", "secret", NULL };
  char ww[WHERE], iw[WHERE], vw[WHERE];
  json_t *a, *env, *v, *e;
  const char *s, *key;
  size_t i, j;

  if (get_str (k, "converter", w, REQ, &s, PLAN, err) == -1)
    return -1;
  if (*s == '\0')
    return bad (err, PLAN, sub (ww, w, "converter"), "empty");
  if (chk_enum (k, "kind", w, kinds, NULL, err) == -1
      || get_str (k, "service", w, NUL_OK, &s, PLAN, err) == -1
      || chk_strings (k, "command", w, V2C_PLAN_MAX_ITEMS, ANY_STRING, &a, err)
             == -1)
    return -1;
  if (json_array_size (a) == 0)
    return bad (err, PLAN, sub (ww, w, "command"), "empty");
  if (chk_strings (k, "args", w, V2C_PLAN_MAX_ITEMS, ANY_STRING, NULL, err)
          == -1
      || get_str (k, "user", w, NUL_OK, &s, PLAN, err) == -1
      || chk_int (k, "uid", w, REQ, 0, UINT32_MAX - 1, err) == -1
      || chk_int (k, "gid", w, REQ, 0, UINT32_MAX - 1, err) == -1
      || chk_path (k, "working_dir", w, NUL_OK, "path", err) == -1
      || get (k, "env", w, JSON_OBJECT, REQ, &env, PLAN, err) == -1)
    return -1;
  sub (ww, w, "env");
  if (json_object_size (env) > V2C_PLAN_MAX_ITEMS)
    return bad (err, PLAN, ww, "more than %d variables", V2C_PLAN_MAX_ITEMS);
  json_object_foreach (env, key, v)
  {
    if (*key == '\0' || strchr (key, '='))
      return bad (err, PLAN, ww, "'%s' is not a variable name", key);
    if (!json_is_string (v)
        || strlen (json_string_value (v)) != json_string_length (v))
      return bad (err, PLAN, sub (iw, ww, key), "expected a string");
  }
  if (chk_strings (k, "secret_env", w, V2C_PLAN_MAX_ITEMS, ANY_STRING, NULL,
                   err)
          == -1
      || chk_strings (k, "environment_files", w, V2C_PLAN_MAX_PATTERNS, A_PATH,
                      NULL, err)
             == -1
      || chk_objects (k, "ports", w, V2C_PLAN_MAX_ITEMS, &a, err) == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    e = json_array_get (a, i);
    idx (iw, sub (ww, w, "ports"), i);
    if (chk_int (e, "port", iw, REQ, 1, 65535, err) == -1
        || chk_enum (e, "protocol", iw, protos, NULL, err) == -1)
      return -1;
  }
  if (chk_objects (k, "volumes", w, V2C_PLAN_MAX_ITEMS, &a, err) == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    e = json_array_get (a, i);
    idx (iw, sub (ww, w, "volumes"), i);
    if (get_str (e, "name", iw, REQ, &s, PLAN, err) == -1)
      return -1;
    if (!dns_label_valid (s))
      return bad (err, PLAN, sub (vw, iw, "name"),
                  "'%s' is not a DNS-1123 label", s);
    for (j = 0; j < i; j++)
      if (strcmp (s, json_string_value (
                         json_object_get (json_array_get (a, j), "name")))
          == 0)
        return bad (err, PLAN, sub (vw, iw, "name"), "'%s' is used twice", s);
    if (chk_path (e, "mount_path", iw, REQ, "path", err) == -1
        || chk_enum (e, "kind", iw, vkinds, NULL, err) == -1
        || get_str (e, "size", iw, NUL_OK, &s, PLAN, err) == -1)
      return -1;
    if (s && !size_valid (s))
      return bad (err, PLAN, sub (vw, iw, "size"),
                  "'%s' is not a size like '10Gi'", s);
  }
  if (chk_strings (k, "config_files", w, V2C_PLAN_MAX_ITEMS, A_PATH, NULL, err)
          == -1
      || chk_strings (k, "secret_files", w, V2C_PLAN_MAX_ITEMS, A_PATH, NULL,
                      err)
             == -1)
    return -1;
  return 0;
}

int
v2c_plan_check (const json_t *plan, struct v2c_err *err)
{
  char w[WHERE], nw[WHERE];
  json_t *src, *a, *e, *mainc;
  const char *s, *name;
  size_t i, j;
  int found = 0;

  if (!json_is_object (plan))
    return bad (err, PLAN, "", "not a JSON object");
  if (get_str (plan, "schema", "", REQ, &s, PLAN, err) == -1)
    return -1;
  if (strcmp (s, "v2c.plan/1") != 0)
    return bad (err, PLAN, "schema", "'%s' is not 'v2c.plan/1'", s);
  if (get_str (plan, "name", "", REQ, &s, PLAN, err) == -1)
    return -1;
  if (*s == '\0')
    return bad (err, PLAN, "name", "empty");
  if (get (plan, "source", "", JSON_OBJECT, REQ, &src, PLAN, err) == -1
      || get_str (src, "vm", "source", REQ, &s, PLAN, err) == -1
      || get_str (src, "format", "source", REQ, &s, PLAN, err) == -1
      || get_str (src, "path", "source", NUL_OK, &s, PLAN, err) == -1
      || chk_image (plan, err) == -1
      || chk_objects (plan, "components", "", V2C_PLAN_MAX_ITEMS, &a, err)
             == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    e = json_array_get (a, i);
    idx (w, "components", i);
    if (get_str (e, "name", w, REQ, &name, PLAN, err) == -1)
      return -1;
    if (!dns_label_valid (name))
      return bad (err, PLAN, sub (nw, w, "name"),
                  "'%s' is not a DNS-1123 label", name);
    for (j = 0; j < i; j++)
      if (strcmp (name, json_string_value (
                            json_object_get (json_array_get (a, j), "name")))
          == 0)
        return bad (err, PLAN, sub (nw, w, "name"), "'%s' is used twice",
                    name);
    if (chk_component (e, w, err) == -1)
      return -1;
  }
  if (get (plan, "main_component", "", JSON_STRING, NUL_OK, &mainc, PLAN, err)
      == -1)
    return -1;
  for (i = 0; mainc && i < json_array_size (a); i++)
    if (strcmp (json_string_value (mainc), json_string_value (json_object_get (
                                               json_array_get (a, i), "name")))
        == 0)
      found = 1;
  if (mainc && !found)
    return bad (err, PLAN, "main_component", "no component is named '%s'",
                json_string_value (mainc));
  if (chk_objects (plan, "dropped", "", V2C_PLAN_MAX_ITEMS, &a, err) == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    e = json_array_get (a, i);
    idx (w, "dropped", i);
    if (get_str (e, "name", w, REQ, &s, PLAN, err) == -1
        || get_str (e, "reason", w, REQ, &s, PLAN, err) == -1)
      return -1;
  }
  return chk_strings (plan, "notes", "", V2C_PLAN_MAX_ITEMS, ANY_STRING, NULL,
                      err);
}

/* ------------------------------------------------------------------ */
/* OCI image configuration                                             */

json_t *
v2c_plan_image_config (const json_t *plan, struct v2c_err *err)
{
  json_t *cfg = NULL, *comp = NULL, *a, *env, *v, *o, *labels;
  json_t *mainc, *src, *img;
  const char **keys = NULL, *key;
  size_t i, n = 0;
  int oom = 0;
  char buf[64];

#define PUT(obj, k, val)                                                      \
  do {                                                                        \
    json_t *v_ = (val);                                                       \
    if (v_ == NULL || json_object_set_new ((obj), (k), v_) == -1)             \
      oom = 1;                                                                \
  } while (0)
#define ADD(arr, val)                                                         \
  do {                                                                        \
    json_t *v_ = (val);                                                       \
    if (v_ == NULL || json_array_append_new ((arr), v_) == -1)                \
      oom = 1;                                                                \
  } while (0)

  if (v2c_plan_check (plan, err) == -1)
    return NULL;
  mainc = json_object_get (plan, "main_component");
  a = json_object_get (plan, "components");
  for (i = 0; json_is_string (mainc) && i < json_array_size (a); i++)
    if (strcmp (json_string_value (
                    json_object_get (json_array_get (a, i), "name")),
                json_string_value (mainc))
        == 0)
      comp = json_array_get (a, i);
  cfg = json_object ();
  if (cfg == NULL)
    goto oom;

  if (comp)
    snprintf (buf, sizeof buf,
              "%" JSON_INTEGER_FORMAT ":%" JSON_INTEGER_FORMAT,
              json_integer_value (json_object_get (comp, "uid")),
              json_integer_value (json_object_get (comp, "gid")));
  else
    snprintf (buf, sizeof buf, "0:0");
  PUT (cfg, "User", json_string (buf));

  /* Env: the default PATH unless the component sets its own, then the
   * component's variables sorted by name */
  o = json_array ();
  PUT (cfg, "Env", o);
  env = comp ? json_object_get (comp, "env") : NULL;
  if (o && json_object_get (env, "PATH") == NULL)
    ADD (o, json_string (default_path));
  keys = calloc (json_object_size (env) + 1, sizeof *keys);
  if (keys == NULL)
    goto oom;
  json_object_foreach (env, key, v) keys[n++] = key;
  if (n)
    qsort (keys, n, sizeof *keys, cmp_str);
  for (i = 0; o && i < n; i++) {
    const char *val = json_string_value (json_object_get (env, keys[i]));
    size_t kl = strlen (keys[i]), vl = strlen (val);
    char *kv = malloc (kl + vl + 2);
    if (kv == NULL)
      goto oom;
    memcpy (kv, keys[i], kl);
    kv[kl] = '=';
    memcpy (kv + kl + 1, val, vl + 1);
    ADD (o, json_string (kv));
    free (kv);
  }

  if (comp) {
    PUT (cfg, "Entrypoint",
         json_deep_copy (json_object_get (comp, "command")));
    if (json_array_size (json_object_get (comp, "args")) > 0)
      PUT (cfg, "Cmd", json_deep_copy (json_object_get (comp, "args")));
    if (json_is_string (json_object_get (comp, "working_dir")))
      PUT (cfg, "WorkingDir",
           json_deep_copy (json_object_get (comp, "working_dir")));
    a = json_object_get (comp, "ports");
    if (json_array_size (a) > 0) {
      o = json_object ();
      PUT (cfg, "ExposedPorts", o);
      for (i = 0; o && i < json_array_size (a); i++) {
        json_t *p = json_array_get (a, i);
        snprintf (buf, sizeof buf, "%" JSON_INTEGER_FORMAT "/%s",
                  json_integer_value (json_object_get (p, "port")),
                  json_string_value (json_object_get (p, "protocol")));
        PUT (o, buf, json_object ());
      }
    }
  } else
    PUT (cfg, "Cmd", json_pack ("[s]", "/bin/sh"));

  img = json_object_get (plan, "image");
  a = json_object_get (img, "volumes");
  if (json_array_size (a) > 0) {
    o = json_object ();
    PUT (cfg, "Volumes", o);
    for (i = 0; o && i < json_array_size (a); i++)
      PUT (o,
           json_string_value (json_object_get (json_array_get (a, i), "path")),
           json_object ());
  }

  src = json_object_get (plan, "source");
  labels = json_object ();
  PUT (cfg, "Labels", labels);
  if (labels) {
    PUT (labels, "io.v2c.source.vm",
         json_deep_copy (json_object_get (src, "vm")));
    PUT (labels, "io.v2c.source.format",
         json_deep_copy (json_object_get (src, "format")));
    if (comp)
      PUT (labels, "io.v2c.plan.main-component", json_deep_copy (mainc));
    PUT (labels, "org.opencontainers.image.title",
         json_deep_copy (json_object_get (plan, "name")));
  }
  if (oom)
    goto oom;
  free (keys);
  return cfg;
oom:
  free (keys);
  json_decref (cfg);
  v2c_set_error (err, ENOMEM, "out of memory");
  return NULL;
#undef PUT
#undef ADD
}
