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

#include "converter-util.h"
#include "converters.h"
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

struct ddir {
  const char *path, *service, *evidence;
  json_int_t used;
  int has_used;
};

/* A component being built, and what its converter said of it. */
struct comp {
  json_t *obj;
  const char *name;    /* in obj */
  char *exe;           /* command[0] as the unit or crontab wrote it */
  const char *workdir; /* in obj, or NULL */
  char *unit;          /* its service, or NULL (cron) */
  char *unit_base;     /* the service without .service and @instance */
  const json_t *svc;   /* the inventory's service, or NULL */
  char where[WHERE];   /* its JSON path */
  const struct v2c_converter *conv;
  const char *http_path, *talks_to;
  int has_ports, cronjob, write_known, weight, initial_delay, http_port;
};

struct v2c_conv_ctx {
  const json_t *inv;
  struct v2c_err *err;
  json_t *notes;
  int oom;
  const char **secret_paths; /* distinct, sorted (strcmp) */
  size_t nsecret;
  struct ddir *dd; /* inventory.data_dirs, merged, sorted by path */
  size_t ndd;
  const char **names; /* of the components so far */
  size_t nnames;
};

static const char INV[] = "inventory";

static void
set (struct v2c_conv_ctx *c, json_t *o, const char *key, json_t *v)
{
  if (v == NULL || json_object_set_new (o, key, v) == -1)
    c->oom = 1;
}

static void
append (struct v2c_conv_ctx *c, json_t *a, json_t *v)
{
  if (v == NULL || json_array_append_new (a, v) == -1)
    c->oom = 1;
}

static json_t *
str_or_null (const char *s)
{
  return s ? json_string (s) : json_null ();
}

static void note (struct v2c_conv_ctx *c, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static void
note (struct v2c_conv_ctx *c, const char *fmt, ...)
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

static int
cmp_ddir (const void *a, const void *b)
{
  return v2c_path_cmp (((const struct ddir *) a)->path,
                       ((const struct ddir *) b)->path);
}

/* Read, check and merge inventory.data_dirs[]: sorted by path. */
static int
read_data_dirs (struct v2c_conv_ctx *c, struct ddir **out, size_t *nout)
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
        || get_str (e, "evidence", w, OPT | NUL_OK, &d[i].evidence, INV,
                    c->err)
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
      if (d[n - 1].evidence == NULL)
        d[n - 1].evidence = d[i].evidence;
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
secret_files (struct v2c_conv_ctx *c)
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
is_secret_path (struct v2c_conv_ctx *c, const char *path)
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
    { "getty-static", 0, "console login" },
    { "modprobe", 0, "kernel modules are the node's" },
    { "kmod-static-nodes", 0, "devices are the node's" },
    { "e2scrub", 1, "filesystem maintenance is the node's" },
    { "fstrim", 0, "filesystem maintenance is the node's" },
    { "quotaon", 0, "filesystem maintenance is the node's" },
    { "dpkg-db-backup", 0, "package database backup: the image is rebuilt" },
    { "man-db", 0, "manual page index: not used in a container" },
    { "logrotate", 0, "logs go to stdout" },
    { "debug-shell", 0, "console shell" },
    { "emergency", 0, "console shell" },
    { "rescue", 0, "console shell" },
    { "initrd-", 1, "boot: the node's" },
    { "rc-local", 0, "boot script: the node's" },
    { "hwclock.sh", 0, "time is the node's" },
    { "pam_namespace", 0, "login sessions: not used in a container" },
    { "system-update-cleanup", 0, "offline updates: the image is rebuilt" },
    { "keyboard-setup", 0, "console: the node's" },
    { "console-setup", 0, "console: the node's" },
    { "plymouth", 1, "boot splash: the node's" },
    { "apparmor", 0, "security profiles are the node's" },
    { "auditd", 0, "auditing is the node's" },
    { "irqbalance", 0, "the node's hardware" },
    { "lvm2", 1, "storage is the node's" },
    { "mdmonitor", 0, "storage is the node's" },
    { "multipathd", 0, "storage is the node's" },
    { "polkit", 0, "system authorisation: not used in a container" },
    { "accounts-daemon", 0, "desktop session: not used in a container" },
    { "cloud-init", 1, "VM provisioning: not used in a container" },
    { "snapd", 1, "package manager daemon: the image is rebuilt" },
    { "packagekit", 0, "package manager daemon: the image is rebuilt" },
    { "dnf-makecache", 0, "updates come with a new image" },
    { "atd", 0, "no at jobs in a container" },
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
lookup_id (struct v2c_conv_ctx *c, const char *list, const char *name,
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

/* The context's side of the converters' interface. */
void
v2c_conv_note (struct v2c_conv_ctx *c, const char *fmt, ...)
{
  char buf[1024];
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  note (c, "%s", buf);
}

int
v2c_conv_set_user (struct v2c_conv_ctx *c, json_t *comp, const char *user,
                   struct v2c_err *err)
{
  json_int_t uid = 65534, gid = 65534;
  int found;

  (void) err;
  if (lookup_id (c, "users", user, "uid", &uid, &gid, NULL, &found) == -1)
    return -1;
  if (!found) {
    uid = gid = 65534;
    note (c,
          "component '%s': user '%s' is not in the inventory's users, "
          "running as 65534:65534",
          json_string_value (json_object_get (comp, "name")), user);
  }
  set (c, comp, "user", json_string (user));
  set (c, comp, "uid", json_integer (uid));
  set (c, comp, "gid", json_integer (gid));
  return c->oom ? v2c_set_error (c->err, ENOMEM, "out of memory") : 0;
}

/* Whether an inventory "service" field names this unit: its name, its
 * base name or one of its converter's aliases. */
static int
svc_match (const char *svc, const char *unit, const char *base,
           const char *const *aliases)
{
  size_t i;

  if (svc == NULL)
    return 0;
  if ((unit && strcmp (svc, unit) == 0) || (base && strcmp (svc, base) == 0))
    return 1;
  for (i = 0; aliases && aliases[i]; i++)
    if (strcmp (svc, aliases[i]) == 0)
      return 1;
  return 0;
}

static int
is_loopback (const char *a)
{
  return a
         && (strcmp (a, "localhost") == 0 || strncmp (a, "127.", 4) == 0
             || strcmp (a, "::1") == 0 || strcmp (a, "[::1]") == 0);
}

/* The guest file an evidence string starts with ("/etc/x.conf:12: ...")
 * into buf, when it is a configuration file under /etc; else NULL. */
static const char *
evidence_file (const char *ev, char *buf, size_t len)
{
  size_t n;

  if (ev == NULL || strncmp (ev, "/etc/", 5) != 0)
    return NULL;
  n = strcspn (ev, ": ");
  if (n >= len)
    return NULL;
  memcpy (buf, ev, n);
  buf[n] = '\0';
  if (path_problem (buf) || v2c_strcasesuffix (buf, ".service")
      || strncmp (buf, "/etc/systemd/", 13) == 0)
    return NULL;
  return buf;
}

struct port {
  json_int_t port;
  const char *proto, *address, *evidence;
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
collect_ports (struct v2c_conv_ctx *c, const json_t *a, const char *where,
               const char *unit, const char *base, const char *const *aliases,
               struct port **p, size_t *n)
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
        || get_str (e, "protocol", w, REQ, &q.proto, INV, c->err) == -1
        || get_str (e, "address", w, OPT | NUL_OK, &q.address, INV, c->err)
               == -1
        || get_str (e, "evidence", w, OPT | NUL_OK, &q.evidence, INV, c->err)
               == -1)
      return -1;
    if (unit) {
      if (get_str (e, "service", w, OPT | NUL_OK, &svc, INV, c->err) == -1)
        return -1;
      if (!svc_match (svc, unit, base, aliases))
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

/* A new component with every field at its default. */
static json_t *
new_component (const char *label, const char *converter, const char *kind)
{
  return json_pack ("{s:s, s:s, s:s, s:n, s:n, s:n, s:[], s:[], s:n, s:i, "
                    "s:i, s:b, s:n, s:{}, s:[], s:[], s:[], s:[], s:[], "
                    "s:b, s:[], s:[], s:n, s:n, s:n, s:[]}",
                    "name", label, "converter", converter, "kind", kind,
                    "schedule", "service", "source", "command", "args", "user",
                    "uid", 0, "gid", 0, "run_as_root", 1, "working_dir", "env",
                    "secret_env", "environment_files", "ports", "volumes",
                    "write_paths", "read_only_root", 0, "config_files",
                    "secret_files", "probes", "resources", "replace_with",
                    "depends_on");
}

static json_t *
source_obj (const char *kind, const char *file, json_int_t line)
{
  return json_pack ("{s:s, s:o, s:o}", "kind", kind, "file",
                    str_or_null (file), "line",
                    line > 0 ? json_integer (line) : json_null ());
}

/* A command line: the words as they are, or /bin/sh -c "exec ..." when
 * one expands a variable.  NULL reason on success. */
static const char *
command_of (struct v2c_conv_ctx *c, struct words *words, json_t **out)
{
  json_t *cmd = json_array ();
  char *line = NULL;
  size_t i;

  *out = NULL;
  if (cmd == NULL)
    goto oom;
  for (i = 0; i < words->n && !word_has_var (words->v[i]); i++)
    ;
  if (i < words->n) {
    size_t n = 4, cap = 5;
    line = malloc (cap);
    if (line == NULL)
      goto oom;
    memcpy (line, "exec", 5);
    for (i = 0; i < words->n; i++)
      if (sh_append (&line, &n, &cap, words->v[i]) == -1) {
        free (line);
        json_decref (cmd);
        return "the command line is too long";
      }
    append (c, cmd, json_string ("/bin/sh"));
    append (c, cmd, json_string ("-c"));
    append (c, cmd, json_string (line));
    free (line);
  } else
    for (i = 0; i < words->n; i++) {
      char *u = strdup (words->v[i]);
      if (u == NULL)
        goto oom;
      undouble_dollars (u);
      append (c, cmd, json_string (u));
      free (u);
    }
  *out = cmd;
  return NULL;
oom:
  json_decref (cmd);
  c->oom = 1;
  return NULL;
}

/* ExecStart= split, with the specifiers resolved, into words.  NULL
 * reason on success. */
static const char *
unit_words (const char *exec, const char *unit, const char *instance,
            struct words *words, char *reasonbuf, size_t reasonlen)
{
  const char *why = split_exec (exec, words);
  size_t i;

  if (why) {
    snprintf (reasonbuf, reasonlen, "can't split ExecStart: %s", why);
    return reasonbuf;
  }
  /* specifiers are resolved in each word, after the split, as systemd */
  for (i = 0; i < words->n; i++) {
    char *expanded = expand_specifiers (words->v[i], unit, instance);
    if (expanded == NULL) {
      words_free (words);
      return "the command line is too long";
    }
    free (words->v[i]);
    words->v[i] = expanded;
  }
  return NULL;
}

/* The component of a service (for itself or for a timer that starts
 * it), with what every workload has; the converter finishes it.
 * *reason when it can't be one. */
static int
service_component (struct v2c_conv_ctx *c, const json_t *svc, const char *w,
                   const struct v2c_conv_in *in, struct words *words,
                   const char *const *aliases, json_t **outp,
                   const char **reason)
{
  char ww[WHERE], ew[WHERE], label[64], fbuf[V2C_PLAN_MAX_PATTERN + 1];
  const char *user, *group, *wd, *home = NULL, *why, *unit_path, *key;
  json_t *env, *efiles, *ports, *o = NULL, *a, *cmd = NULL, *v;
  json_t *envo, *secret_env, *efout, *cfg, *sec, *vols, *pa;
  json_int_t uid = 0, gid = 0, g2;
  struct port *p = NULL;
  size_t np = 0, i;
  const char **vnames = NULL, **keys = NULL;
  size_t nv = 0, nkeys = 0;
  char wdbuf[V2C_PLAN_MAX_PATTERN + 1];
  int found, status = -1;

  *outp = NULL;
  *reason = NULL;
  if (get_str (svc, "user", w, OPT | NUL_OK, &user, INV, c->err) == -1
      || get_str (svc, "group", w, OPT | NUL_OK, &group, INV, c->err) == -1
      || get_str (svc, "working_directory", w, OPT | NUL_OK, &wd, INV, c->err)
             == -1
      || get_str (svc, "unit_path", w, OPT | NUL_OK, &unit_path, INV, c->err)
             == -1
      || get (svc, "environment", w, JSON_OBJECT, OPT, &env, INV, c->err) == -1
      || inv_array (svc, "environment_files", w, &efiles, c->err) == -1
      || inv_array (svc, "ports", w, &ports, c->err) == -1)
    return -1;

  /* user and ids */
  if (user) {
    if (lookup_id (c, "users", user, "uid", &uid, &gid, &home, &found) == -1)
      goto out;
    if (!found) {
      uid = gid = 65534;
      note (c,
            "component of '%s': user '%s' is not in the inventory's users, "
            "running as 65534:65534",
            in->unit, user);
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
            in->unit, group);
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
  if (unit_path && path_problem (unit_path))
    unit_path = NULL;

  {
    char stem[512];
    size_t ul = strlen (in->unit);
    if (ul > 8 && strcmp (in->unit + ul - 8, ".service") == 0)
      ul -= 8;
    snprintf (stem, sizeof stem, "%.*s", (int) (ul < 511 ? ul : 511),
              in->unit);
    v2c_conv_unique_label (stem, "service", c->names, c->nnames, label);
  }

  why = command_of (c, words, &cmd);
  if (why) {
    *reason = why;
    status = 0;
    goto out;
  }
  o = new_component (label, "systemd", "Deployment");
  if (o == NULL || cmd == NULL)
    goto oom;
  set (c, o, "service", json_string (in->unit));
  set (c, o, "source", source_obj (in->kind, unit_path, 0));
  set (c, o, "command", cmd);
  cmd = NULL;
  set (c, o, "user", str_or_null (user));
  set (c, o, "uid", json_integer (uid));
  set (c, o, "gid", json_integer (gid));
  set (c, o, "working_dir", str_or_null (wd));

  /* environment: secret values never leave the inventory redacted */
  envo = json_object_get (o, "env");
  secret_env = json_object_get (o, "secret_env");
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

  /* files the service reads its environment from */
  efout = json_object_get (o, "environment_files");
  cfg = json_object_get (o, "config_files");
  sec = json_object_get (o, "secret_files");
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

  /* ports: the unit's and those the inventory found for it */
  if (collect_ports (c, ports, sub (ww, w, "ports"), NULL, NULL, NULL, &p, &np)
      == -1)
    goto out;
  if (inv_array (c->inv, "ports", "", &a, c->err) == -1
      || collect_ports (c, a, "ports", in->unit, in->base, aliases, &p, &np)
             == -1)
    goto out;
  if (np)
    qsort (p, np, sizeof *p, cmp_port);
  pa = json_object_get (o, "ports");
  for (i = 0; i < np; i++) {
    const char *f = evidence_file (p[i].evidence, fbuf, sizeof fbuf);
    if (f && v2c_conv_config_file (o, f) == -1)
      goto oom;
    if (is_loopback (p[i].address))
      note (c,
            "'%s' listens on %s port %" JSON_INTEGER_FORMAT
            " only: make it listen on all addresses so that other pods "
            "reach its Service",
            in->unit, p[i].address, p[i].port);
    if (i == 0 || cmp_port (&p[i], &p[i - 1]) != 0)
      append (c, pa,
              json_pack ("{s:I, s:s, s:n}", "port", p[i].port, "protocol",
                         p[i].proto, "name"));
  }

  /* volumes: its data directories, twice their size, at least 1Gi */
  vols = json_object_get (o, "volumes");
  vnames = calloc (c->ndd + 1, sizeof *vnames);
  if (vnames == NULL)
    goto oom;
  for (i = 0; i < c->ndd; i++) {
    const struct ddir *d = &c->dd[i];
    char vname[64], size[32];
    const char *f;
    json_int_t gib;
    json_t *vo;
    if (!svc_match (d->service, in->unit, in->base, aliases))
      continue;
    v2c_conv_unique_label (d->path + 1, "data", vnames, nv, vname);
    gib = d->has_used ? d->used / (1 << 29) + (d->used % (1 << 29) != 0) : 1;
    if (gib < 1)
      gib = 1;
    snprintf (size, sizeof size, "%" JSON_INTEGER_FORMAT "Gi", gib);
    vo = json_pack ("{s:s, s:s, s:s, s:s, s:n}", "name", vname, "mount_path",
                    d->path, "kind", "pvc", "size", size, "source_path");
    append (c, vols, vo);
    append (c, json_object_get (o, "write_paths"), json_string (d->path));
    if (vo)
      vnames[nv++] = json_string_value (json_object_get (vo, "name"));
    f = evidence_file (d->evidence, fbuf, sizeof fbuf);
    if (f && v2c_conv_config_file (o, f) == -1)
      goto oom;
  }
  if (c->oom)
    goto oom;
  *outp = o;
  o = NULL;
  status = 0;
  goto out;
oom:
  v2c_set_error (c->err, ENOMEM, "out of memory");
out:
  json_decref (o);
  json_decref (cmd);
  free (vnames);
  free (keys);
  free (p);
  return status;
}

/* Characters that make a cron command need a shell. */
static int
needs_shell (const char *s)
{
  return s[strcspn (s, "|&;<>()$`\\\"'*?[]#~=%{}\n")] != '\0';
}

/* The component of a cron entry; the cron converter finishes it. */
static int
cron_component (struct v2c_conv_ctx *c, const json_t *e, const char *w,
                const struct v2c_conv_in *in, const char *stem, json_t **outp)
{
  char label[64];
  const char *user, *file, *home = NULL;
  json_int_t uid = 0, gid = 0, line = 0;
  json_t *o, *cmd;
  size_t i;
  int found, present;

  *outp = NULL;
  if (get_str (e, "user", w, OPT | NUL_OK, &user, INV, c->err) == -1
      || get_str (e, "file", w, OPT | NUL_OK, &file, INV, c->err) == -1
      || inv_int (e, "line", w, OPT | NUL_OK, 0, INT32_MAX, &line, &present,
                  c->err)
             == -1)
    return -1;
  if (file && path_problem (file))
    file = NULL;
  if (user) {
    if (lookup_id (c, "users", user, "uid", &uid, &gid, &home, &found) == -1)
      return -1;
    if (!found) {
      uid = gid = 65534;
      note (c,
            "cron job '%s': user '%s' is not in the inventory's users, "
            "running as 65534:65534",
            in->name, user);
    }
  }
  if (home && path_problem (home))
    home = NULL;
  v2c_conv_unique_label (stem, "cron-job", c->names, c->nnames, label);
  o = new_component (label, "cron", "CronJob");
  cmd = json_array ();
  if (o == NULL || cmd == NULL)
    goto oom;
  if (in->argc > 0)
    for (i = 0; i < in->argc; i++)
      append (c, cmd, json_string (in->argv[i]));
  else {
    append (c, cmd, json_string ("/bin/sh"));
    append (c, cmd, json_string ("-c"));
    append (c, cmd, json_string (in->line));
  }
  set (c, o, "command", cmd);
  set (c, o, "source", source_obj ("cron", file, line));
  set (c, o, "user", str_or_null (user));
  set (c, o, "uid", json_integer (uid));
  set (c, o, "gid", json_integer (gid));
  /* cron runs a job in its user's home */
  set (c, o, "working_dir", str_or_null (home));
  if (c->oom)
    goto oom;
  *outp = o;
  return 0;
oom:
  json_decref (o);
  return v2c_set_error (c->err, ENOMEM, "out of memory");
}

/* ---- finishing a component ---- */

static const char *
well_known_port (json_int_t port, const char *proto)
{
  static const struct {
    int port;
    const char *name;
  } t[] = {
    { 21, "ftp" },
    { 25, "smtp" },
    { 53, "dns" },
    { 80, "http" },
    { 110, "pop3" },
    { 143, "imap" },
    { 389, "ldap" },
    { 443, "https" },
    { 465, "smtps" },
    { 587, "submission" },
    { 636, "ldaps" },
    { 993, "imaps" },
    { 995, "pop3s" },
    { 1433, "mssql" },
    { 1521, "oracle" },
    { 2049, "nfs" },
    { 3306, "mysql" },
    { 5432, "postgresql" },
    { 5672, "amqp" },
    { 6379, "redis" },
    { 8009, "ajp" },
    { 8443, "https-alt" },
    { 9200, "elasticsearch" },
    { 11211, "memcache" },
    { 27017, "mongodb" },
  };
  size_t i;

  for (i = 0; i < sizeof t / sizeof t[0]; i++)
    if (t[i].port == port && (strcmp (proto, "tcp") == 0 || t[i].port == 53))
      return t[i].name;
  return NULL;
}

static int
port_name_used (const json_t *pa, const char *name)
{
  size_t i;

  for (i = 0; i < json_array_size (pa); i++)
    if (json_is_string (json_object_get (json_array_get (pa, i), "name"))
        && strcmp (json_string_value (
                       json_object_get (json_array_get (pa, i), "name")),
                   name)
               == 0)
      return 1;
  return 0;
}

static int
covered (const json_t *vols, const char *path)
{
  size_t i;

  for (i = 0; i < json_array_size (vols); i++) {
    const json_t *v = json_array_get (vols, i);
    const char *k = json_string_value (json_object_get (v, "kind"));
    if ((strcmp (k, "pvc") == 0 || strcmp (k, "emptyDir") == 0)
        && v2c_conv_path_within (
            path, json_string_value (json_object_get (v, "mount_path"))))
      return 1;
  }
  return 0;
}

static json_t *
probe (const char *http_path, json_int_t port, int delay)
{
  if (http_path)
    return json_pack ("{s:{s:s, s:I}, s:i, s:i}", "httpGet", "path", http_path,
                      "port", port, "initialDelaySeconds", delay,
                      "periodSeconds", 10);
  return json_pack ("{s:{s:I}, s:i, s:i}", "tcpSocket", "port", port,
                    "initialDelaySeconds", delay, "periodSeconds", 10);
}

/* Kind, port names, file volumes, probes, read_only_root, run_as_root. */
static void
finish_component (struct v2c_conv_ctx *c, struct comp *k)
{
  json_t *o = k->obj, *pa = json_object_get (o, "ports");
  json_t *vols = json_object_get (o, "volumes"), *wp;
  json_int_t probe_port = 0;
  size_t i;
  int cron
      = strcmp (json_string_value (json_object_get (o, "kind")), "CronJob")
        == 0,
      ro = k->write_known;
  static const char *const web[] = { "nginx", "apache", "tomcat", NULL };
  int is_web = 0;

  for (i = 0; web[i]; i++)
    if (strcmp (k->conv->name, web[i]) == 0)
      is_web = 1;
  if (!cron)
    set (c, o, "kind",
         json_string (v2c_conv_pvc (o) ? "StatefulSet" : "Deployment"));
  k->cronjob = cron;

  /* port names: well known, "http" for a web server, else proto-port */
  for (i = 0; i < json_array_size (pa); i++) {
    json_t *p = json_array_get (pa, i);
    json_int_t port = json_integer_value (json_object_get (p, "port"));
    const char *proto = json_string_value (json_object_get (p, "protocol"));
    const char *name = well_known_port (port, proto);
    char buf[32];
    if (json_is_string (json_object_get (p, "name")))
      continue;
    if (name == NULL && is_web && strcmp (proto, "tcp") == 0)
      name = "http";
    if (name == NULL || port_name_used (pa, name)) {
      snprintf (buf, sizeof buf, "%s-%" JSON_INTEGER_FORMAT, proto, port);
      name = buf;
    }
    set (c, p, "name", json_string (name));
    if (probe_port == 0 && strcmp (proto, "tcp") == 0
        && (k->http_port == 0 || k->http_port == port))
      probe_port = port;
  }
  for (i = 0; probe_port == 0 && i < json_array_size (pa); i++)
    if (strcmp (json_string_value (
                    json_object_get (json_array_get (pa, i), "protocol")),
                "tcp")
        == 0)
      probe_port = json_integer_value (
          json_object_get (json_array_get (pa, i), "port"));
  k->has_ports = json_array_size (pa) > 0;

  /* configuration and secret files, each mounted at its own path */
  for (i = 0; i < json_array_size (json_object_get (o, "config_files")); i++) {
    const char *f = json_string_value (
        json_array_get (json_object_get (o, "config_files"), i));
    if (!covered (vols, f)
        && v2c_conv_add_volume (o, f, "configMap", NULL, f) == -1)
      c->oom = 1;
  }
  for (i = 0; i < json_array_size (json_object_get (o, "secret_files")); i++) {
    const char *f = json_string_value (
        json_array_get (json_object_get (o, "secret_files"), i));
    if (!covered (vols, f)
        && v2c_conv_add_volume (o, f, "secret", NULL, f) == -1)
      c->oom = 1;
  }

  if (!cron && probe_port > 0) {
    int delay = k->initial_delay > 0 ? k->initial_delay : 10;
    set (c, o, "probes",
         json_pack ("{s:o, s:o}", "liveness",
                    probe (k->http_path, probe_port, delay), "readiness",
                    probe (k->http_path, probe_port, delay / 2)));
  }
  wp = json_object_get (o, "write_paths");
  for (i = 0; i < json_array_size (wp); i++)
    if (!covered (vols, json_string_value (json_array_get (wp, i))))
      ro = 0;
  set (c, o, "read_only_root", json_boolean (ro));
  set (c, o, "run_as_root",
       json_boolean (json_integer_value (json_object_get (o, "uid")) == 0));
}

/* CPU and memory of the VM shared among the long-running components
 * by weight; CronJobs get a small fixed share. */
static int
share_resources (struct v2c_conv_ctx *c, struct comp *cv, size_t nc,
                 json_t **vm)
{
  json_t *hw;
  json_int_t cpus = 1, mem = 1024, v;
  int present, has_cpus = 0, has_mem = 0;
  long long total = 0;
  size_t i;

  *vm = NULL;
  if (get (c->inv, "hardware", "", JSON_OBJECT, OPT | NUL_OK, &hw, INV, c->err)
      == -1)
    return -1;
  if (hw) {
    if (inv_int (hw, "cpus", "hardware", OPT | NUL_OK, 1, 4096, &v, &present,
                 c->err)
        == -1)
      return -1;
    if (present) {
      cpus = v;
      has_cpus = 1;
    }
    if (inv_int (hw, "memory_mib", "hardware", OPT | NUL_OK, 1,
                 (json_int_t) 1 << 32, &v, &present, c->err)
        == -1)
      return -1;
    if (present) {
      mem = v;
      has_mem = 1;
    }
  }
  *vm = json_pack ("{s:o, s:o}", "cpus",
                   has_cpus ? json_integer (cpus) : json_null (), "memory_mib",
                   has_mem ? json_integer (mem) : json_null ());
  if (*vm == NULL)
    c->oom = 1;
  for (i = 0; i < nc; i++)
    if (!cv[i].cronjob)
      total += cv[i].weight;
  for (i = 0; i < nc; i++) {
    char cpu[32], req[32], lim[32];
    long long m, l;
    if (cv[i].cronjob) {
      set (c, cv[i].obj, "resources",
           json_pack ("{s:{s:s, s:s}, s:{s:s}}", "requests", "cpu", "100m",
                      "memory", "128Mi", "limits", "memory", "256Mi"));
      continue;
    }
    m = (long long) cpus * 1000 * cv[i].weight / total;
    snprintf (cpu, sizeof cpu, "%lldm", m < 50 ? 50 : m);
    m = (long long) mem * cv[i].weight / total;
    if (m < 64)
      m = 64;
    l = 2 * m < mem ? 2 * m : mem;
    if (l < m)
      l = m;
    snprintf (req, sizeof req, m % 1024 ? "%lldMi" : "%lldGi",
              m % 1024 ? m : m / 1024);
    snprintf (lim, sizeof lim, l % 1024 ? "%lldMi" : "%lldGi",
              l % 1024 ? l : l / 1024);
    set (c, cv[i].obj, "resources",
         json_pack ("{s:{s:s, s:s}, s:{s:s}}", "requests", "cpu", cpu,
                    "memory", req, "limits", "memory", lim));
  }
  return 0;
}

static void
depend (struct v2c_conv_ctx *c, struct comp *from, const struct comp *to)
{
  json_t *a = json_object_get (from->obj, "depends_on");
  size_t i;

  if (from == to)
    return;
  for (i = 0; i < json_array_size (a); i++)
    if (strcmp (json_string_value (json_array_get (a, i)), to->name) == 0)
      return;
  append (c, a, json_string (to->name));
}

/* The long-running component listening on a TCP port, or NULL. */
static struct comp *
listener (struct comp *cv, size_t nc, json_int_t port)
{
  size_t i, k;

  for (i = 0; i < nc; i++) {
    json_t *pa = json_object_get (cv[i].obj, "ports");
    if (cv[i].cronjob)
      continue;
    for (k = 0; k < json_array_size (pa); k++)
      if (json_integer_value (json_object_get (json_array_get (pa, k), "port"))
          == port)
        return &cv[i];
  }
  return NULL;
}

/* "[host:]port" of a loopback or this VM's address in s: the port, or
 * 0.  s is "127.0.0.1:8080", "http://localhost:5432/db", ... */
static json_int_t
local_port (const char *s, const char *hostname)
{
  static const char *const hosts[]
      = { "127.0.0.1", "localhost", "[::1]", "0.0.0.0" };
  const char *p;
  size_t i, n;

  /* the fixed names, then the VM's own */
  for (i = 0; i <= sizeof hosts / sizeof hosts[0]; i++) {
    char h[300];
    const char *host
        = i < sizeof hosts / sizeof hosts[0] ? hosts[i] : hostname;
    if (host == NULL || *host == '\0')
      continue;
    snprintf (h, sizeof h, "%s:", host);
    p = strstr (s, h);
    if (p == NULL)
      continue;
    p += strlen (h);
    n = strspn (p, "0123456789");
    if (n > 0 && n <= 5) {
      json_int_t v = strtol (p, NULL, 10);
      if (v > 0 && v <= 65535)
        return v;
    }
  }
  return 0;
}

/* depends_on: After=/Wants=/Requires= of the unit, proxy targets of a
 * web server, host:port values of the environment, what a job's
 * program talks to. */
static int
link_components (struct v2c_conv_ctx *c, struct comp *cv, size_t nc)
{
  static const char *const lists[] = { "after", "wants", "requires" };
  const char *hostname = NULL, *s;
  json_t *os, *pt, *a;
  size_t i, j, k, l;
  char w[WHERE];

  os = json_object_get (c->inv, "os");
  if (get_str (os, "hostname", "os", OPT | NUL_OK, &hostname, INV, c->err)
          == -1
      || inv_array (c->inv, "proxy_targets", "", &pt, c->err) == -1)
    return -1;
  for (i = 0; i < json_array_size (pt); i++)
    if (elem_str (pt, i, "proxy_targets", &s, INV, c->err) == -1)
      return -1;
  for (i = 0; i < nc; i++) {
    struct comp *k1 = &cv[i];
    json_t *env;
    const char *key;
    json_t *v;
    if (k1->svc)
      for (l = 0; l < 3; l++) {
        if (inv_array (k1->svc, lists[l], k1->where, &a, c->err) == -1)
          return -1;
        for (j = 0; j < json_array_size (a); j++) {
          char want[512], *cut;
          if (elem_str (a, j, sub (w, k1->where, lists[l]), &s, INV, c->err)
              == -1)
            return -1;
          snprintf (want, sizeof want, "%s", s);
          cut = strrchr (want, '.');
          if (cut == NULL || strcmp (cut, ".service") != 0)
            continue;
          *cut = '\0';
          for (k = 0; k < nc; k++)
            if (cv[k].unit && !cv[k].cronjob
                && (strcmp (cv[k].unit, s) == 0
                    || strcmp (cv[k].unit_base, want) == 0))
              depend (c, k1, &cv[k]);
        }
      }
    if (strcmp (k1->conv->name, "nginx") == 0
        || strcmp (k1->conv->name, "apache") == 0)
      for (j = 0; j < json_array_size (pt); j++) {
        const char *t = json_string_value (json_array_get (pt, j));
        struct comp *to = listener (cv, nc, local_port (t, hostname));
        if (to && to != k1) {
          depend (c, k1, to);
          note (c,
                "'%s' proxies to %s: in Kubernetes that is the Service "
                "'%s'",
                k1->name, t, to->name);
        }
      }
    env = json_object_get (k1->obj, "env");
    json_object_foreach (env, key, v)
    {
      struct comp *to
          = listener (cv, nc, local_port (json_string_value (v), hostname));
      if (to && to != k1)
        depend (c, k1, to);
    }
    for (k = 0; k1->talks_to && k < nc; k++)
      if (!cv[k].cronjob && strcmp (cv[k].conv->name, k1->talks_to) == 0) {
        depend (c, k1, &cv[k]);
        break;
      }
  }
  for (i = 0; i < nc; i++) {
    a = json_object_get (cv[i].obj, "depends_on");
    if (json_array_size (a) > 1) {
      size_t n = json_array_size (a);
      const char **names = calloc (n, sizeof *names);
      json_t *sorted = json_array ();
      if (names == NULL || sorted == NULL) {
        free (names);
        json_decref (sorted);
        return v2c_set_error (c->err, ENOMEM, "out of memory");
      }
      for (j = 0; j < n; j++)
        names[j] = json_string_value (json_array_get (a, j));
      qsort (names, n, sizeof *names, cmp_str);
      for (j = 0; j < n; j++)
        append (c, sorted, json_string (names[j]));
      free (names);
      set (c, cv[i].obj, "depends_on", sorted);
    }
  }
  return 0;
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
    if (is_under (k->exe, dirs[i])
        || (k->workdir && v2c_conv_path_within (k->workdir, dirs[i])))
      return 1;
  return k->workdir && is_under (k->exe, k->workdir);
}

/* The main component, among the long-running ones: an application's
 * (its program or working directory under /opt, /srv, /home,
 * /usr/local, or its program under its working directory), one with
 * ports first; else the first with ports; else the first; -1 when
 * none. */
static long
main_component (const struct comp *cv, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (!cv[i].cronjob && exe_is_app (&cv[i]) && cv[i].has_ports)
      return (long) i;
  for (i = 0; i < n; i++)
    if (!cv[i].cronjob && exe_is_app (&cv[i]))
      return (long) i;
  for (i = 0; i < n; i++)
    if (!cv[i].cronjob && cv[i].has_ports)
      return (long) i;
  for (i = 0; i < n; i++)
    if (!cv[i].cronjob)
      return (long) i;
  return -1;
}

static int
add_notes (struct v2c_conv_ctx *c, size_t ncomp)
{
  char w[WHERE];
  json_t *a, *e, *ev;
  size_t i;
  const char *rule, *sev, *summary, *first;

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

/* Growing lists of the build. */
struct lists {
  struct comp *cv;
  size_t nc, capc;
  json_t **dv;
  size_t nd, capd;
};

static int
add_dropped (struct v2c_conv_ctx *c, struct lists *L, const char *name,
             const char *reason)
{
  if (L->nd == L->capd) {
    size_t cap = L->capd ? L->capd * 2 : 16;
    json_t **n = realloc (L->dv, cap * sizeof *n);
    if (n == NULL)
      return v2c_set_error (c->err, ENOMEM, "out of memory");
    L->dv = n;
    L->capd = cap;
  }
  L->dv[L->nd] = json_pack ("{s:s, s:s}", "name", name, "reason", reason);
  if (L->dv[L->nd] == NULL)
    return v2c_set_error (c->err, ENOMEM, "out of memory");
  L->nd++;
  return 0;
}

/* Run the item's converter on its component; add it, or drop it. */
static int
convert (struct v2c_conv_ctx *c, struct lists *L, struct v2c_conv_in *in,
         const struct v2c_converter *conv, json_t *obj, const json_t *svc,
         const char *where, const char *exe)
{
  struct v2c_conv_out out;
  struct comp *k;

  memset (&out, 0, sizeof out);
  out.comp = obj;
  out.weight = 1;
  set (c, obj, "converter", json_string (conv->name));
  if (c->oom) {
    json_decref (obj);
    return v2c_set_error (c->err, ENOMEM, "out of memory");
  }
  if (conv->contribute (c, in, &out, c->err) == -1) {
    json_decref (obj);
    return -1;
  }
  if (out.reason[0]) {
    json_decref (obj);
    return add_dropped (c, L, in->name, out.reason);
  }
  if (L->nc == L->capc || c->nnames == L->capc) {
    size_t cap = L->capc ? L->capc * 2 : 16;
    struct comp *n = realloc (L->cv, cap * sizeof *n);
    const char **nn;
    if (n == NULL) {
      json_decref (obj);
      return v2c_set_error (c->err, ENOMEM, "out of memory");
    }
    L->cv = n;
    nn = realloc (c->names, cap * sizeof *nn);
    if (nn == NULL) {
      json_decref (obj);
      return v2c_set_error (c->err, ENOMEM, "out of memory");
    }
    c->names = nn;
    L->capc = cap;
  }
  k = &L->cv[L->nc];
  memset (k, 0, sizeof *k);
  k->obj = obj;
  k->conv = conv;
  k->svc = svc;
  snprintf (k->where, sizeof k->where, "%s", where);
  k->http_path = out.http_path;
  k->talks_to = out.talks_to;
  k->write_known = out.write_known;
  k->weight = out.weight > 0 ? out.weight : 1;
  k->initial_delay = out.initial_delay;
  k->http_port = out.http_port;
  k->exe = strdup (exe);
  k->unit = in->unit ? strdup (in->unit) : NULL;
  k->unit_base = strdup (in->base ? in->base : "");
  if (k->exe == NULL || (in->unit && k->unit == NULL)
      || k->unit_base == NULL) {
    free (k->exe);
    free (k->unit);
    free (k->unit_base);
    json_decref (obj);
    return v2c_set_error (c->err, ENOMEM, "out of memory");
  }
  L->nc++;
  finish_component (c, k);
  k->name = json_string_value (json_object_get (obj, "name"));
  k->workdir = json_string_value (json_object_get (obj, "working_dir"));
  c->names[c->nnames++] = k->name;
  return c->oom ? v2c_set_error (c->err, ENOMEM, "out of memory") : 0;
}

/* The base name of a unit: without ".service" and "@instance". */
static void
unit_base (const char *unit, char *base, size_t len)
{
  char *cut;

  snprintf (base, len, "%s", unit);
  cut = strrchr (base, '.');
  if (cut && strcmp (cut, ".service") == 0)
    *cut = '\0';
  cut = strchr (base, '@');
  if (cut)
    *cut = '\0';
}

/* The timer of inventory.timers[] that starts unit, or NULL. */
static int
timer_of (struct v2c_conv_ctx *c, const char *unit, const char **timer)
{
  char w[WHERE];
  json_t *a, *e;
  size_t i;
  const char *name, *u;

  *timer = NULL;
  if (inv_array (c->inv, "timers", "", &a, c->err) == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    if (inv_elem (a, i, "timers", &e, w, c->err) == -1
        || get_str (e, "name", w, REQ, &name, INV, c->err) == -1
        || get_str (e, "unit", w, OPT | NUL_OK, &u, INV, c->err) == -1)
      return -1;
    if (u && strcmp (u, unit) == 0) {
      *timer = name;
      return 0;
    }
  }
  return 0;
}

/* One service, or the service a timer starts (timer != NULL). */
static int
plan_service (struct v2c_conv_ctx *c, struct lists *L, const json_t *svc,
              const char *w, const json_t *timer, const char *timer_name,
              const char *timer_path)
{
  char base[512], reasonbuf[600];
  const char *unit, *kind, *exec, *type, *instance, *reason, *tname;
  struct v2c_conv_in in;
  struct words words = { NULL, 0 };
  const struct v2c_converter *conv;
  json_t *enabled, *obj = NULL;
  size_t nnotes, nd;
  int status = -1;

  if (get_str (svc, "name", w, REQ, &unit, INV, c->err) == -1
      || get_str (svc, "kind", w, REQ, &kind, INV, c->err) == -1
      || get (svc, "enabled", w, JSON_TRUE, REQ, &enabled, INV, c->err) == -1
      || get_str (svc, "exec_start", w, NUL_OK, &exec, INV, c->err) == -1
      || get_str (svc, "type", w, OPT | NUL_OK, &type, INV, c->err) == -1
      || get_str (svc, "template_instance", w, OPT | NUL_OK, &instance, INV,
                  c->err)
             == -1)
    return -1;
  if (*unit == '\0') {
    char nw[WHERE];
    return bad (c->err, INV, sub (nw, w, "name"), "empty");
  }
  if (strcmp (kind, "systemd") != 0 && strcmp (kind, "sysv") != 0) {
    char kw[WHERE];
    return bad (c->err, INV, sub (kw, w, "kind"),
                "'%s' is not systemd or sysv", kind);
  }
  unit_base (unit, base, sizeof base);
  reason = plumbing_reason (base);
  if (timer) {
    if (reason) {
      snprintf (reasonbuf, sizeof reasonbuf, "starts '%s': %s", unit, reason);
      return add_dropped (c, L, timer_name, reasonbuf);
    }
  } else if (reason == NULL) {
    if (timer_of (c, unit, &tname) == -1)
      return -1;
    /* its timer makes it a CronJob */
    if (tname)
      return 0;
    if (!json_is_true (enabled))
      reason = "not enabled at boot";
  }
  if (reason == NULL && (exec == NULL || *exec == '\0'))
    reason = "no ExecStart: nothing to run";
  if (reason == NULL)
    reason = unit_words (exec, unit, instance, &words, reasonbuf,
                         sizeof reasonbuf);
  if (reason)
    return add_dropped (c, L, timer ? timer_name : unit, reason);

  memset (&in, 0, sizeof in);
  in.src = timer ? V2C_CONV_TIMER : V2C_CONV_SERVICE;
  in.inv = c->inv;
  in.service = svc;
  in.timer = timer;
  in.name = timer ? timer_name : unit;
  in.unit = unit;
  in.base = base;
  in.instance = instance;
  in.kind = kind;
  in.type = type;
  in.line = exec;
  in.argv = words.v;
  in.argc = words.n;
  in.exe = v2c_conv_basename (words.v[0]);
  conv = v2c_converter_for (&in);
  if (conv == NULL) {
    status = add_dropped (c, L, in.name, "no converter takes it");
    goto out;
  }
  nnotes = json_array_size (c->notes);
  if (service_component (c, svc, w, &in, &words, conv->aliases, &obj, &reason)
      == -1)
    goto out;
  if (reason) {
    status = add_dropped (c, L, in.name, reason);
    goto out;
  }
  if (timer) {
    set (c, obj, "kind", json_string ("CronJob"));
    set (c, obj, "source", source_obj ("timer", timer_path, 0));
  }
  nd = L->nd;
  status = convert (c, L, &in, conv, obj, svc, w, words.v[0]);
  /* the notes of an item that was dropped go with it */
  while (status == 0 && L->nd > nd && json_array_size (c->notes) > nnotes)
    json_array_remove (c->notes, json_array_size (c->notes) - 1);
out:
  words_free (&words);
  return status;
}

static int
plan_timers (struct v2c_conv_ctx *c, struct lists *L, const json_t *services)
{
  char w[WHERE], cw[WHERE], sw[WHERE];
  json_t *a, *e, *cal, *en, *svc;
  const char *name, *unit, *path, *s;
  size_t i, k;

  if (inv_array (c->inv, "timers", "", &a, c->err) == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    char unitbuf[600];
    if (inv_elem (a, i, "timers", &e, w, c->err) == -1
        || get_str (e, "name", w, REQ, &name, INV, c->err) == -1
        || get_str (e, "unit", w, OPT | NUL_OK, &unit, INV, c->err) == -1
        || get_str (e, "unit_path", w, OPT | NUL_OK, &path, INV, c->err) == -1
        || get (e, "enabled", w, JSON_TRUE, OPT | NUL_OK, &en, INV, c->err)
               == -1
        || inv_array (e, "on_calendar", w, &cal, c->err) == -1)
      return -1;
    for (k = 0; k < json_array_size (cal); k++)
      if (elem_str (cal, k, sub (cw, w, "on_calendar"), &s, INV, c->err) == -1)
        return -1;
    if (path && path_problem (path))
      path = NULL;
    if (unit == NULL) {
      /* the unit of the same name */
      size_t n = strlen (name);
      if (n > 6 && strcmp (name + n - 6, ".timer") == 0)
        n -= 6;
      snprintf (unitbuf, sizeof unitbuf, "%.*s.service",
                (int) (n < 500 ? n : 500), name);
      unit = unitbuf;
    }
    if (en && !json_is_true (en)) {
      if (add_dropped (c, L, name, "timer not enabled") == -1)
        return -1;
      continue;
    }
    svc = NULL;
    for (k = 0; k < json_array_size (services); k++) {
      json_t *x = json_array_get (services, k);
      if (json_is_string (json_object_get (x, "name"))
          && strcmp (json_string_value (json_object_get (x, "name")), unit)
                 == 0) {
        svc = x;
        idx (sw, "services", k);
        break;
      }
    }
    if (svc == NULL) {
      char why[700];
      snprintf (why, sizeof why,
                "starts '%.600s', which the inventory does not list", unit);
      if (add_dropped (c, L, name, why) == -1)
        return -1;
      continue;
    }
    if (plan_service (c, L, svc, sw, e, name, path) == -1)
      return -1;
  }
  return 0;
}

static int
plan_cron (struct v2c_conv_ctx *c, struct lists *L)
{
  char w[WHERE], name[700], stem[512];
  json_t *a, *e, *obj;
  const char *cmd, *file, *sched, *user, *exe = "";
  json_int_t line;
  struct words words = { NULL, 0 };
  struct v2c_conv_in in;
  const struct v2c_converter *conv;
  size_t i;
  int present;

  if (inv_array (c->inv, "cron", "", &a, c->err) == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    line = 0;
    if (inv_elem (a, i, "cron", &e, w, c->err) == -1
        || get_str (e, "schedule", w, REQ, &sched, INV, c->err) == -1
        || get_str (e, "command", w, REQ, &cmd, INV, c->err) == -1
        || get_str (e, "user", w, OPT | NUL_OK, &user, INV, c->err) == -1
        || get_str (e, "file", w, OPT | NUL_OK, &file, INV, c->err) == -1
        || inv_int (e, "line", w, OPT | NUL_OK, 0, INT32_MAX, &line, &present,
                    c->err)
               == -1)
      goto fail;
    if (strlen (cmd) > MAX_LINE) {
      char cw[WHERE];
      bad (c->err, INV, sub (cw, w, "command"), "too long");
      goto fail;
    }
    /* a job is named by its place, or by its script in cron.daily & co */
    if (file && line > 0)
      snprintf (name, sizeof name, "%.600s:%" JSON_INTEGER_FORMAT, file, line);
    else
      snprintf (name, sizeof name, "%.600s", cmd);
    words_free (&words);
    if (!needs_shell (cmd) && split_exec (cmd, &words) != NULL)
      words_free (&words);
    exe = words.n ? v2c_conv_basename (words.v[0]) : "";
    if (file && strncmp (file, "/etc/cron.d/", 12) == 0)
      snprintf (stem, sizeof stem, "%.500s", v2c_conv_basename (file));
    else if (words.n) {
      const char *dot;
      snprintf (stem, sizeof stem, "%.500s", exe);
      dot = strrchr (stem, '.');
      if (dot && dot != stem)
        stem[dot - stem] = '\0';
    } else {
      /* a shell line: named by its first word's program */
      size_t k = strcspn (cmd, " \t;|&<>");
      char first[512];
      snprintf (first, sizeof first, "%.*s", (int) (k < 500 ? k : 500), cmd);
      snprintf (stem, sizeof stem, "%.500s", v2c_conv_basename (first));
      if (strrchr (stem, '.') && strrchr (stem, '.') != stem)
        *strrchr (stem, '.') = '\0';
      if (stem[0] == '\0' || strchr (first, '=') || strchr (first, '('))
        snprintf (stem, sizeof stem, "cron-%.480s", user ? user : "job");
    }
    memset (&in, 0, sizeof in);
    in.src = V2C_CONV_CRON;
    in.inv = c->inv;
    in.cron = e;
    in.name = name;
    in.line = cmd;
    in.argv = words.v;
    in.argc = words.n;
    in.exe = exe;
    conv = v2c_converter_for (&in);
    if (conv == NULL) {
      if (add_dropped (c, L, name, "no converter takes it") == -1)
        goto fail;
      continue;
    }
    if (cron_component (c, e, w, &in, stem, &obj) == -1
        || convert (c, L, &in, conv, obj, NULL, w, words.n ? words.v[0] : "")
               == -1)
      goto fail;
  }
  words_free (&words);
  return 0;
fail:
  words_free (&words);
  return -1;
}

json_t *
v2c_plan_build (const json_t *inv, const char *strategy, struct v2c_err *err)
{
  struct v2c_conv_ctx c;
  struct lists L = { NULL, 0, 0, NULL, 0, 0 };
  static const char *const config_inc[] = { "/etc" };
  char w[WHERE];
  json_t *plan = NULL, *src, *os, *image = NULL, *services, *svc, *vm = NULL;
  json_t *comps = NULL, *dropped = NULL, *sf = NULL, *layers, *vols;
  const char *schema, *name, *format, *path, *type, *distro, *version;
  const char *arch, *pm, *variant, *garch;
  size_t i, n;
  long m;
  int ok = 0;

  memset (&c, 0, sizeof c);
  c.inv = inv;
  c.err = err;
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
  if (read_data_dirs (&c, &c.dd, &c.ndd) == -1)
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
  for (i = 0; vols && i < c.ndd; i++)
    append (&c, vols,
            json_pack ("{s:s, s:o, s:o, s:s}", "path", c.dd[i].path, "service",
                       str_or_null (c.dd[i].service), "used_bytes",
                       c.dd[i].has_used ? json_integer (c.dd[i].used)
                                        : json_null (),
                       "reason", "data directory"));
  set (&c, image, "volumes", vols);
  set (&c, image, "secret_files", sf);
  sf = NULL;

  /* components: services, then timers, then cron jobs, each by the
   * converter that owns it */
  if (inv_array (inv, "services", "", &services, err) == -1
      || check_count (services, V2C_PLAN_MAX_ITEMS, "services", INV, err)
             == -1)
    goto out;
  n = json_array_size (services);
  for (i = 0; i < n; i++) {
    if (inv_elem (services, i, "services", &svc, w, err) == -1
        || plan_service (&c, &L, svc, w, NULL, NULL, NULL) == -1)
      goto out;
  }
  if (plan_timers (&c, &L, services) == -1 || plan_cron (&c, &L) == -1)
    goto out;
  if (L.nc > V2C_PLAN_MAX_ITEMS || L.nd > V2C_PLAN_MAX_ITEMS) {
    bad (err, INV, "", "more than %d components or dropped items",
         V2C_PLAN_MAX_ITEMS);
    goto out;
  }
  if (share_resources (&c, L.cv, L.nc, &vm) == -1
      || link_components (&c, L.cv, L.nc) == -1)
    goto out;
  if (L.nc)
    qsort (L.cv, L.nc, sizeof *L.cv, cmp_comp);
  if (L.nd)
    qsort (L.dv, L.nd, sizeof *L.dv, cmp_named);
  m = main_component (L.cv, L.nc);
  if (add_notes (&c, L.nc) == -1)
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
  set (&c, plan, "vm", vm);
  vm = NULL;
  set (&c, plan, "image", image);
  image = NULL;
  set (&c, plan, "main_component",
       m >= 0 ? json_string (L.cv[m].name) : json_null ());
  for (i = 0; i < L.nc; i++) {
    append (&c, comps, L.cv[i].obj);
    L.cv[i].obj = NULL;
  }
  set (&c, plan, "components", comps);
  comps = NULL;
  for (i = 0; i < L.nd; i++) {
    append (&c, dropped, L.dv[i]);
    L.dv[i] = NULL;
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
  json_decref (vm);
  json_decref (sf);
  json_decref (comps);
  json_decref (dropped);
  for (i = 0; i < L.nc; i++) {
    json_decref (L.cv[i].obj);
    free (L.cv[i].exe);
    free (L.cv[i].unit);
    free (L.cv[i].unit_base);
  }
  for (i = 0; i < L.nd; i++)
    json_decref (L.dv[i]);
  free (L.cv);
  free (L.dv);
  free (c.names);
  free (c.dd);
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

/* A Kubernetes port name (IANA_SVC_NAME): 1 to 15 of [a-z0-9-], a
 * letter among them, no '-' at either end nor "--". */
static int
port_name_valid (const char *s)
{
  size_t n = strlen (s), i;
  int letter = 0;

  if (n == 0 || n > 15 || s[0] == '-' || s[n - 1] == '-' || strstr (s, "--"))
    return 0;
  for (i = 0; i < n; i++) {
    if (s[i] >= 'a' && s[i] <= 'z')
      letter = 1;
    else if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
      return 0;
  }
  return letter;
}

/* A CPU quantity ("500m", "2") or a memory one ("512Mi", "1Gi"). */
static int
quantity_valid (const char *s, int memory)
{
  size_t d = strspn (s, "0123456789");

  if (d == 0 || d > 12 || s[0] == '0')
    return 0;
  if (!memory)
    return s[d] == '\0' || strcmp (s + d, "m") == 0;
  return strcmp (s + d, "Ki") == 0 || strcmp (s + d, "Mi") == 0
         || strcmp (s + d, "Gi") == 0 || strcmp (s + d, "Ti") == 0;
}

static int
has_port (const json_t *ports, json_int_t port)
{
  size_t i;

  for (i = 0; i < json_array_size (ports); i++)
    if (json_integer_value (
            json_object_get (json_array_get (ports, i), "port"))
        == port)
      return 1;
  return 0;
}

/* One probe: exactly one of tcpSocket {port} and httpGet {path, port},
 * on a port of the component, and its timings. */
static int
chk_probe (const json_t *pr, const char *key, const char *w,
           const json_t *ports, struct v2c_err *err)
{
  char pw[WHERE], hw[WHERE], xw[WHERE];
  json_t *p, *tcp, *http, *port;
  const char *s;

  if (get (pr, key, w, JSON_OBJECT, REQ, &p, PLAN, err) == -1)
    return -1;
  sub (pw, w, key);
  if (get (p, "tcpSocket", pw, JSON_OBJECT, OPT, &tcp, PLAN, err) == -1
      || get (p, "httpGet", pw, JSON_OBJECT, OPT, &http, PLAN, err) == -1)
    return -1;
  if ((tcp == NULL) == (http == NULL))
    return bad (err, PLAN, pw, "needs exactly one of tcpSocket and httpGet");
  sub (hw, pw, tcp ? "tcpSocket" : "httpGet");
  if (chk_int (tcp ? tcp : http, "port", hw, REQ, 1, 65535, err) == -1)
    return -1;
  port = json_object_get (tcp ? tcp : http, "port");
  if (!has_port (ports, json_integer_value (port)))
    return bad (err, PLAN, sub (xw, hw, "port"),
                "%" JSON_INTEGER_FORMAT " is not a port of the component",
                json_integer_value (port));
  if (http) {
    if (get_str (http, "path", hw, REQ, &s, PLAN, err) == -1)
      return -1;
    if (s[0] != '/')
      return bad (err, PLAN, sub (xw, hw, "path"), "must start with '/'");
  }
  if (chk_int (p, "initialDelaySeconds", pw, REQ, 0, 3600, err) == -1
      || chk_int (p, "periodSeconds", pw, REQ, 1, 3600, err) == -1)
    return -1;
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
  static const char *const skinds[]
      = { "systemd", "sysv", "cron", "timer", NULL };
  char ww[WHERE], iw[WHERE], vw[WHERE];
  json_t *a, *env, *v, *e, *src, *ports, *pr, *res, *rq, *lim, *rw, *b;
  const char *s, *key, *kind, *vk;
  size_t i, j;
  int cron;

  if (get_str (k, "converter", w, REQ, &s, PLAN, err) == -1)
    return -1;
  if (*s == '\0')
    return bad (err, PLAN, sub (ww, w, "converter"), "empty");
  if (chk_enum (k, "kind", w, kinds, &kind, err) == -1
      || get_str (k, "schedule", w, NUL_OK, &s, PLAN, err) == -1)
    return -1;
  cron = strcmp (kind, "CronJob") == 0;
  if (cron && s == NULL)
    return bad (err, PLAN, sub (ww, w, "schedule"), "a CronJob needs one");
  if (!cron && s)
    return bad (err, PLAN, sub (ww, w, "schedule"),
                "only a CronJob has one (null)");
  if (s && !v2c_cron_valid (s))
    return bad (err, PLAN, sub (ww, w, "schedule"),
                "'%s' is not 5 cron fields", s);
  if (get (k, "source", w, JSON_OBJECT, REQ, &src, PLAN, err) == -1
      || chk_enum (src, "kind", sub (ww, w, "source"), skinds, NULL, err) == -1
      || chk_path (src, "file", ww, NUL_OK, "path", err) == -1
      || chk_int (src, "line", ww, NUL_OK, 1, INT32_MAX, err) == -1)
    return -1;
  if (get_str (k, "service", w, NUL_OK, &s, PLAN, err) == -1
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
  ports = a;
  for (i = 0; i < json_array_size (a); i++) {
    e = json_array_get (a, i);
    idx (iw, sub (ww, w, "ports"), i);
    if (chk_int (e, "port", iw, REQ, 1, 65535, err) == -1
        || chk_enum (e, "protocol", iw, protos, NULL, err) == -1
        || get_str (e, "name", iw, REQ, &s, PLAN, err) == -1)
      return -1;
    if (!port_name_valid (s))
      return bad (err, PLAN, sub (vw, iw, "name"),
                  "'%s' is not a port name (1 to 15 of a-z, 0-9, '-', with "
                  "a letter)",
                  s);
    for (j = 0; j < i; j++)
      if (strcmp (s, json_string_value (
                         json_object_get (json_array_get (a, j), "name")))
          == 0)
        return bad (err, PLAN, sub (vw, iw, "name"), "'%s' is used twice", s);
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
        || chk_enum (e, "kind", iw, vkinds, &vk, err) == -1
        || get_str (e, "size", iw, NUL_OK, &s, PLAN, err) == -1)
      return -1;
    if (s && !size_valid (s))
      return bad (err, PLAN, sub (vw, iw, "size"),
                  "'%s' is not a size like '10Gi'", s);
    if (s == NULL && strcmp (vk, "pvc") == 0)
      return bad (err, PLAN, sub (vw, iw, "size"), "a pvc needs a size");
    if (chk_path (e, "source_path", iw, NUL_OK, "path", err) == -1)
      return -1;
    b = json_object_get (e, "source_path");
    if (json_is_null (b)
        && (strcmp (vk, "configMap") == 0 || strcmp (vk, "secret") == 0))
      return bad (err, PLAN, sub (vw, iw, "source_path"),
                  "a %s volume needs the guest file", vk);
    if (!json_is_null (b) && strcmp (vk, "configMap") != 0
        && strcmp (vk, "secret") != 0)
      return bad (err, PLAN, sub (vw, iw, "source_path"),
                  "only a configMap or secret volume has one (null)");
  }
  if (chk_strings (k, "config_files", w, V2C_PLAN_MAX_ITEMS, A_PATH, NULL, err)
          == -1
      || chk_strings (k, "secret_files", w, V2C_PLAN_MAX_ITEMS, A_PATH, NULL,
                      err)
             == -1
      || chk_strings (k, "write_paths", w, V2C_PLAN_MAX_ITEMS, A_PATH, NULL,
                      err)
             == -1
      || get (k, "read_only_root", w, JSON_TRUE, REQ, &b, PLAN, err) == -1
      || get (k, "run_as_root", w, JSON_TRUE, REQ, &b, PLAN, err) == -1)
    return -1;
  if (json_is_true (b)
      != (json_integer_value (json_object_get (k, "uid")) == 0))
    return bad (err, PLAN, sub (ww, w, "run_as_root"),
                "is %s but uid is %" JSON_INTEGER_FORMAT,
                json_is_true (b) ? "true" : "false",
                json_integer_value (json_object_get (k, "uid")));

  /* probes: none for a CronJob */
  if (get (k, "probes", w, JSON_OBJECT, NUL_OK, &pr, PLAN, err) == -1)
    return -1;
  if (pr && cron)
    return bad (err, PLAN, sub (ww, w, "probes"), "a CronJob has none (null)");
  if (pr
      && (chk_probe (pr, "liveness", sub (ww, w, "probes"), ports, err) == -1
          || chk_probe (pr, "readiness", ww, ports, err) == -1))
    return -1;

  if (get (k, "resources", w, JSON_OBJECT, REQ, &res, PLAN, err) == -1
      || get (res, "requests", sub (ww, w, "resources"), JSON_OBJECT, REQ, &rq,
              PLAN, err)
             == -1
      || get (res, "limits", ww, JSON_OBJECT, REQ, &lim, PLAN, err) == -1)
    return -1;
  sub (iw, ww, "requests");
  if (get_str (rq, "cpu", iw, REQ, &s, PLAN, err) == -1)
    return -1;
  if (!quantity_valid (s, 0))
    return bad (err, PLAN, sub (vw, iw, "cpu"),
                "'%s' is not a CPU quantity like '500m'", s);
  if (get_str (rq, "memory", iw, REQ, &s, PLAN, err) == -1)
    return -1;
  if (!quantity_valid (s, 1))
    return bad (err, PLAN, sub (vw, iw, "memory"),
                "'%s' is not a memory quantity like '512Mi'", s);
  sub (iw, ww, "limits");
  if (get_str (lim, "memory", iw, REQ, &s, PLAN, err) == -1)
    return -1;
  if (!quantity_valid (s, 1))
    return bad (err, PLAN, sub (vw, iw, "memory"),
                "'%s' is not a memory quantity like '1Gi'", s);

  if (get (k, "replace_with", w, JSON_OBJECT, NUL_OK, &rw, PLAN, err) == -1)
    return -1;
  if (rw) {
    sub (ww, w, "replace_with");
    if (get_str (rw, "image", ww, REQ, &s, PLAN, err) == -1)
      return -1;
    if (*s == '\0')
      return bad (err, PLAN, sub (iw, ww, "image"), "empty");
    if (get_str (rw, "advice", ww, REQ, &s, PLAN, err) == -1)
      return -1;
  }
  return chk_strings (k, "depends_on", w, V2C_PLAN_MAX_ITEMS, ANY_STRING, NULL,
                      err);
}

int
v2c_plan_check (const json_t *plan, struct v2c_err *err)
{
  char w[WHERE], nw[WHERE];
  json_t *src, *a, *e, *mainc, *vm;
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
  /* every depends_on names another component, once */
  for (i = 0; i < json_array_size (a); i++) {
    json_t *deps = json_object_get (json_array_get (a, i), "depends_on");
    const char *self
        = json_string_value (json_object_get (json_array_get (a, i), "name"));
    size_t k, m;
    for (j = 0; j < json_array_size (deps); j++) {
      const char *d = json_string_value (json_array_get (deps, j));
      int known = 0;
      snprintf (w, sizeof w, "components[%zu].depends_on[%zu]", i, j);
      if (strcmp (d, self) == 0)
        return bad (err, PLAN, w, "'%s' is the component itself", d);
      for (k = 0; k < json_array_size (a); k++)
        if (strcmp (d, json_string_value (
                           json_object_get (json_array_get (a, k), "name")))
            == 0)
          known = 1;
      if (!known)
        return bad (err, PLAN, w, "no component is named '%s'", d);
      for (m = 0; m < j; m++)
        if (strcmp (d, json_string_value (json_array_get (deps, m))) == 0)
          return bad (err, PLAN, w, "'%s' is listed twice", d);
    }
  }
  if (get (plan, "vm", "", JSON_OBJECT, REQ, &vm, PLAN, err) == -1
      || chk_int (vm, "cpus", "vm", NUL_OK, 1, 4096, err) == -1
      || chk_int (vm, "memory_mib", "vm", NUL_OK, 1, (json_int_t) 1 << 32, err)
             == -1)
    return -1;
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
