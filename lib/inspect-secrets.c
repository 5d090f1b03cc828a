/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Secrets in guest files: private keys, passwords and tokens in
 * assignments, credentials in connection strings, and the files whose
 * path says what they hold (.pgpass, .netrc, .my.cnf, cloud credentials,
 * ssh host keys).  What is reported never holds any part of a value: the
 * evidence is the line up to the end of the value, every value on it
 * replaced by "<redacted>", and a finding whose evidence would still
 * share six characters with a value gets plain "<redacted>".
 *
 * Which keys are secret: a key is split into words at '_', '.', '-' and
 * lower-to-upper case changes (dbPassword, DB_PASSWORD, db.password).
 * Words containing password/passwd/passphrase, or equal to pass/pwd,
 * make a "password"; token(s) or a word ending in token a "token"; a
 * word containing secret a "secret"; api+key, apikey, access+key an
 * "api-key"; the word auth with another word a "secret".  A key whose last
 * word says it names something about the secret and not the secret itself is
 * not secret: _FILE, _PATH, _DIR, _LEN, _LENGTH, _MIN, _MAX, _SIZE, _COUNT,
 * _TIMEOUT, _TTL, _EXPIRY, _AGE, _LIFETIME, _ENABLED, _REQUIRED,
 * _METHOD, _TYPE, _ENCRYPTION, _AUTHENTICATION, _POLICY, _COMMAND,
 * _NAME, _ID, _HEADER, _MODE, _FORMAT, _ALGORITHM, _PROMPT, _HINT; so
 * are PWD and OLDPWD (the shell's directories).
 *
 * In a line that is a comment (#, ;, //) only a commented-out setting
 * right after the marker counts ("#password=x"), not prose ("this
 * password: ..."); <key>V</key> needs its closing tag, and
 * define('KEY', 'V') its parenthesis.
 *
 * Values that are not secrets: empty, references (${VAR}, $VAR,
 * %(name)s, {{ var }}, <placeholder>), masks (***, xxx), null/none/
 * true/false/yes/no/on/off, and unquoted code (a call, process.env.X,
 * os.environ).  "changeme" and other weak defaults are reported: a weak
 * password in use is still a password.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "inspect.h"
#include "secret-class.h"
#include "secret-class-private.h"

#define MAX_SPANS 64 /* secret values on one line */
#define MAX_FINDINGS_FILE 1000
#define MAX_FINDINGS 100000
#define MAX_EVIDENCE 200
#define BINARY_PROBE 8192
#define REDACTED "<redacted>"

struct span {
  size_t start, end; /* the value */
  size_t ev_end;     /* where the evidence stops */
  const char *kind;
  int pem; /* the rest of a private key line */
};

struct line_spans {
  struct span v[MAX_SPANS];
  size_t n;
};

/* ------------------------------------------------------------------ */
/* Key names                                                           */

static const char *const not_secret_last[]
    = { "file",      "path",    "dir",        "len",
        "length",    "min",     "max",        "size",
        "count",     "timeout", "ttl",        "expiry",
        "expires",   "expire",  "age",        "lifetime",
        "enabled",   "enable",  "disabled",   "required",
        "method",    "type",    "encryption", "authentication",
        "policy",    "command", "cmd",        "name",
        "id",        "header",  "mode",       "format",
        "algorithm", "prompt",  "hint",       NULL };

/* Kind of secret a key names, or NULL. */
static const char *
key_kind (const char *key, size_t n)
{
  char words[V2C_SECRET_KEY_WORDS][32];
  size_t nw, i;
  int pw = 0, token = 0, secret = 0, api = 0, auth = 0;

  nw = v2c_secret_key_words (key, n, words);
  if (nw == 0 || v2c_secret_in_list (words[nw - 1], not_secret_last))
    return NULL;
  for (i = 0; i < nw; i++) {
    const char *w = words[i];
    if (strstr (w, "password") || strstr (w, "passwd")
        || strstr (w, "passphrase") || strcmp (w, "pass") == 0
        || strcmp (w, "pwd") == 0)
      pw = 1;
    if (strcmp (w, "tokens") == 0 || v2c_secret_ends_with (w, "token"))
      token = 1;
    if (strstr (w, "secret"))
      secret = 1;
    if (strcmp (w, "apikey") == 0 || strcmp (w, "accesskey") == 0
        || ((strcmp (w, "api") == 0 || strcmp (w, "access") == 0) && i + 1 < nw
            && strcmp (words[i + 1], "key") == 0))
      api = 1;
    /* "auth" names a secret only with another word (REDIS_AUTH,
       auth_token): alone it is tomcat's auth="Container", a flag */
    if (strcmp (w, "auth") == 0 && nw > 1)
      auth = 1;
  }
  if (pw)
    return "password";
  if (token)
    return "token";
  if (secret)
    return "secret";
  if (api)
    return "api-key";
  if (auth)
    return "secret";
  return NULL;
}

int
v2c_secret_key_name (const char *key)
{
  if (key == NULL)
    return 0;
  return key_kind (key, strlen (key)) != NULL;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

static int
placeholder (const char *s, size_t n, int quoted)
{
  static const char *const code[]
      = { "process.env", "os.environ", "os.getenv",     "getenv",
          "env(",        "ENV[",       "System.getenv", NULL };
  size_t i;

  while (n > 0
         && (s[n - 1] == ' ' || s[n - 1] == '\t'
             || (!quoted && (s[n - 1] == ',' || s[n - 1] == ';'))))
    n--;
  if (v2c_secret_value_is_placeholder (s, n))
    return 1;
  if (!quoted) {
    if (memchr (s, '(', n) && (s[n - 1] == ')' || s[n - 1] == ';'))
      return 1;
    for (i = 0; code[i]; i++)
      if (n >= strlen (code[i]) && strncmp (s, code[i], strlen (code[i])) == 0)
        return 1;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Finding values on a line                                            */

static int
overlaps (const struct line_spans *ls, size_t a, size_t b)
{
  size_t i;

  for (i = 0; i < ls->n; i++)
    if (a < ls->v[i].end && ls->v[i].start < b)
      return 1;
    else if (a == b && a == ls->v[i].start)
      return 1;
  return 0;
}

static void
add_span (struct line_spans *ls, size_t start, size_t end, size_t ev_end,
          const char *kind, int pem)
{
  if (ls->n >= MAX_SPANS || overlaps (ls, start, end))
    return;
  ls->v[ls->n].start = start;
  ls->v[ls->n].end = end;
  ls->v[ls->n].ev_end = ev_end;
  ls->v[ls->n].kind = kind;
  ls->v[ls->n].pem = pem;
  ls->n++;
}

static const char *
find_mem (const char *h, size_t hn, const char *needle)
{
  size_t nn = strlen (needle);

  if (hn < nn)
    return NULL;
  return memmem (h, hn, needle, nn);
}

/* -----BEGIN ... PRIVATE KEY----- : the rest of the line is key. */
static int
find_pem (const char *s, size_t n, struct line_spans *ls)
{
  const char *b = find_mem (s, n, "-----BEGIN ");
  const char *label, *e;

  if (b == NULL)
    return 0;
  label = b + 11;
  e = find_mem (label, n - (label - s), "-----");
  if (e == NULL || e - label > 64
      || !find_mem (label, e - label, "PRIVATE KEY"))
    return 0;
  e += 5;
  add_span (ls, e - s, n, n, "private-key", 1);
  return 1;
}

static int
scheme_char (char c)
{
  return isalnum ((unsigned char) c) || c == '+' || c == '.' || c == '-';
}

static int
url_stop (char c)
{
  return c == '/' || c == '?' || c == '#' || c == ' ' || c == '\t' || c == '"'
         || c == '\'' || c == '<' || c == '>' || c == '`' || c == ','
         || c == ';' || c == '\\';
}

/* scheme://user:pass@host */
static void
find_urls (const char *s, size_t n, struct line_spans *ls)
{
  size_t i;

  for (i = 1; i + 3 <= n; i++) {
    size_t a, end, at, colon, k;

    if (s[i] != ':' || s[i + 1] != '/' || s[i + 2] != '/')
      continue;
    for (a = i; a > 0 && scheme_char (s[a - 1]); a--)
      ;
    if (i - a < 2 || !isalpha ((unsigned char) s[a]))
      continue;
    a = i + 3;
    /* the authority; a password may hold '/' only URL-encoded */
    for (end = a; end < n && !url_stop (s[end]); end++)
      ;
    at = colon = n;
    for (k = a; k < end; k++)
      if (s[k] == '@')
        at = k;
    if (at == n)
      continue;
    for (k = a; k < at; k++)
      if (s[k] == ':') {
        colon = k;
        break;
      }
    if (colon == n || colon + 1 >= at)
      continue;
    if (placeholder (s + colon + 1, at - colon - 1, 1))
      continue;
    /* the evidence shows host and path, not the query */
    for (k = end;
         k < n && s[k] != '?' && s[k] != '#' && s[k] != ' ' && s[k] != '\t'
         && s[k] != '"' && s[k] != '\'' && s[k] != '<' && s[k] != '`';
         k++)
      ;
    add_span (ls, colon + 1, at, k, "connection-string", 0);
    i = end > i ? end - 1 : i;
  }
}

static int
key_char (char c)
{
  return isalnum ((unsigned char) c) || c == '_' || c == '.' || c == '-';
}

/* redis' "requirepass V" and "masterauth V", first on their line */
static int
redis_key (const char *s, size_t ks, size_t ke)
{
  size_t i;

  for (i = 0; i < ks; i++)
    if (s[i] != ' ' && s[i] != '\t')
      return 0;
  return v2c_secret_word_eq (s + ks, ke - ks, "requirepass")
         || v2c_secret_word_eq (s + ks, ke - ks, "masterauth");
}

/* Where a setting would start after a comment marker (#, ;, //) that
 * opens the line, or 0 when the line is no comment. */
static size_t
comment_start (const char *s, size_t n)
{
  size_t i = 0;

  while (i < n && (s[i] == ' ' || s[i] == '\t'))
    i++;
  if (i < n && (s[i] == '#' || s[i] == ';'))
    i++;
  else if (i + 1 < n && s[i] == '/' && s[i + 1] == '/')
    i += 2;
  else
    return 0;
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '#'))
    i++;
  /* a quoted or dashed key still starts right there */
  if (i < n && (s[i] == '"' || s[i] == '\'' || s[i] == '<'))
    i++;
  while (i < n && s[i] == '-')
    i++;
  return i;
}

/* Whether the quote at q opens a call's argument: "(" before it. */
static int
in_call (const char *s, size_t q)
{
  while (q > 0 && (s[q - 1] == ' ' || s[q - 1] == '\t'))
    q--;
  return q > 0 && s[q - 1] == '(';
}

/* Assignments: KEY=V, KEY: V, "KEY": "V", KEY => V, define('KEY', 'V'),
 * <key>V</key>, key="V" (attributes), --key V, --key=V, and redis'
 * "requirepass V" / "masterauth V". */
static void
find_assignments (const char *s, size_t n, struct line_spans *ls)
{
  size_t i = 0;

  while (i < n) {
    size_t ks, ke, k, vs, ve, ev;
    int dashes = 0, qkey = 0, xml = 0, ws_sep = 0, quoted = 0;
    const char *kind;
    char q = 0;

    if (!key_char (s[i])) {
      i++;
      continue;
    }
    ks = i;
    while (i < n && key_char (s[i]))
      i++;
    ke = i;
    while (ks < ke && s[ks] == '-') {
      ks++;
      dashes++;
    }
    while (ke > ks && (s[ke - 1] == '.' || s[ke - 1] == '-'))
      ke--;
    if (ks == ke || ke != i)
      continue;
    k = ke;
    if (ks > 0 && (s[ks - 1] == '"' || s[ks - 1] == '\'') && k < n
        && s[k] == s[ks - 1]) {
      qkey = 1;
      k++;
      /* $config['secret'] = ..., params["password"] = ... */
      if (k < n && s[k] == ']')
        k++;
    } else if (ks > 0 && s[ks - 1] == '<' && k < n && s[k] == '>')
      xml = 1;
    if (xml) {
      k++;
    } else {
      size_t k0 = k;
      while (k < n && (s[k] == ' ' || s[k] == '\t'))
        k++;
      if (k < n && s[k] == '=' && k + 1 < n && s[k + 1] == '>')
        k += 2;
      else if (k < n && s[k] == '=' && (k + 1 >= n || s[k + 1] != '='))
        k++;
      else if (k < n && s[k] == ':'
               && (k + 1 >= n || (s[k + 1] != ':' && s[k + 1] != '/')))
        k++;
      else if (k < n && s[k] == ',' && qkey && in_call (s, ks - 1))
        k++;
      else if (k > k0 && k < n && (dashes || redis_key (s, ks, ke)))
        ws_sep = 1;
      else
        continue;
    }
    if (ws_sep && !dashes)
      kind = "password";
    else
      kind = key_kind (s + ks, ke - ks);
    /* a key that says nothing may still hold a token or a URL with
     * credentials: judged by the value below */
    if (!xml)
      while (k < n && (s[k] == ' ' || s[k] == '\t'))
        k++;
    if (k < n && !xml && (s[k] == '"' || s[k] == '\'' || s[k] == '`')) {
      q = s[k];
      quoted = 1;
      vs = ++k;
      while (k < n && s[k] != q) {
        if (s[k] == '\\' && q != '\'' && k + 1 < n)
          k++;
        k++;
      }
      ve = k;
      ev = k < n ? k + 1 : k;
    } else if (xml) {
      vs = k;
      while (k < n && s[k] != '<')
        k++;
      ve = ev = k;
      /* <password>V</password>, not prose like "AUTH <password>" */
      if (k + 1 >= n || s[k + 1] != '/')
        continue;
    } else if (ws_sep || dashes) {
      vs = k;
      while (k < n && s[k] != ' ' && s[k] != '\t')
        k++;
      ve = ev = k;
    } else {
      vs = k;
      ve = n;
      while (ve > vs && (s[ve - 1] == ' ' || s[ve - 1] == '\t'))
        ve--;
      ev = k = ve;
    }
    if (ve > n)
      ve = n;
    if (kind == NULL) {
      /* URLs are find_urls'; the rest of the line is read on, for
       * ExecStart=cmd --password=X */
      if (v2c_secret_value_kind (s + vs, ve - vs) == V2C_SECRET_TOKEN)
        add_span (ls, vs, ve, ev, "token", 0);
      i = ke;
      continue;
    }
    if (!placeholder (s + vs, ve - vs, quoted))
      add_span (ls, vs, ve, ev, kind, 0);
    i = k > i ? k : i;
  }
}

/* Files whose lines are commands: where the command starts in a line
 * (after a crontab's schedule and user), or -1 when the file is not
 * one of them. */
static int
command_file (const char *path)
{
  if (strncmp (path, "/var/spool/cron/", 16) == 0)
    return 5;                   /* a user's crontab: schedule, command */
  if (strcmp (path, "/etc/crontab") == 0
      || strncmp (path, "/etc/cron.d/", 12) == 0)
    return 6;                   /* schedule, user, command */
  if (strncmp (path, "/etc/init.d/", 12) == 0
      || strcmp (path, "/etc/rc.local") == 0 || v2c_strcasesuffix (path, ".sh")
      || v2c_strcasesuffix (path, ".service")
      || strncmp (path, "/etc/cron.", 10) == 0)
    return 0;
  return -1;
}

static void
command_spans (const char *s, size_t n, int fields, struct line_spans *ls)
{
  struct v2c_secret_span sp[MAX_SPANS];
  size_t i = 0, k, m;
  char *line;

  while (i < n && (s[i] == ' ' || s[i] == '\t'))
    i++;
  if (i == n || s[i] == '#')
    return;
  if (fields > 0 && s[i] == '@')
    fields = fields == 6 ? 2 : 1;       /* @reboot [user] command */
  for (k = 0; fields > 0 && k < (size_t) fields; k++) {
    while (i < n && s[i] != ' ' && s[i] != '\t')
      i++;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
      i++;
  }
  /* a unit's Exec*= line: the command after '=' and its prefixes */
  if (n - i > 4 && strncmp (s + i, "Exec", 4) == 0) {
    const char *eq = memchr (s + i, '=', n - i);
    if (eq == NULL)
      return;
    i = (size_t) (eq - s) + 1;
    while (i < n && strchr ("-@:+!", s[i]))
      i++;
  }
  line = strndup (s + i, n - i);
  if (line == NULL)
    return;
  m = v2c_secret_command_spans (line, sp, MAX_SPANS);
  for (k = 0; k < m && k < MAX_SPANS; k++)
    add_span (ls, i + sp[k].start, i + sp[k].end, i + sp[k].end, "argument",
              0);
  free (line);
}

static void
line_spans (const char *s, size_t n, int cmd, struct line_spans *ls)
{
  ls->n = 0;
  /* a comment is never a finding: stock files document settings with
   * examples ("# input_password = secret") */
  if (comment_start (s, n) != 0)
    return;
  find_pem (s, n, ls);
  find_urls (s, n, ls);
  if (cmd >= 0)
    command_spans (s, n, cmd, ls);
  find_assignments (s, n, ls);
}

static int
cmp_span (const void *a, const void *b)
{
  const struct span *x = a, *y = b;

  return x->start < y->start ? -1 : x->start > y->start;
}

/* [s, s+upto) with every span replaced.  Caller frees. */
static char *
redact (const char *s, size_t upto, struct line_spans *ls)
{
  size_t i, pos = 0, cap = upto + 1, len = 0;
  char *out;

  qsort (ls->v, ls->n, sizeof ls->v[0], cmp_span);
  for (i = 0; i < ls->n; i++)
    cap += sizeof REDACTED + 1;
  out = malloc (cap);
  if (out == NULL)
    return NULL;
  for (i = 0; i < ls->n && ls->v[i].start <= upto; i++) {
    const struct span *sp = &ls->v[i];
    memcpy (out + len, s + pos, sp->start - pos);
    len += sp->start - pos;
    if (sp->pem)
      out[len++] = ' ';
    memcpy (out + len, REDACTED, sizeof REDACTED - 1);
    len += sizeof REDACTED - 1;
    pos = sp->end;
  }
  if (pos < upto) {
    memcpy (out + len, s + pos, upto - pos);
    len += upto - pos;
  }
  out[len] = '\0';
  return out;
}

char *
v2c_secret_redact_line (const char *line, size_t len)
{
  struct line_spans ls;

  line_spans (line, len, 0, &ls);
  return redact (line, len, &ls);
}

/* ------------------------------------------------------------------ */
/* Scanning a file                                                     */

struct scan {
  const char *path;
  struct v2c_secrets *out;
  size_t found;
  struct v2c_err *err;
};

/* Trim, collapse white space, drop control characters, cut at
 * MAX_EVIDENCE; plain "<redacted>" when any 6 characters of a value
 * are still there. */
static char *
finish_evidence (char *text, const char *line, const struct line_spans *ls)
{
  size_t i, n = 0;
  int space = 0;
  char *p = text;

  while (*p == ' ' || *p == '\t')
    p++;
  for (; *p && n < MAX_EVIDENCE; p++) {
    unsigned char c = *p;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = 1;
      continue;
    }
    if (c < 0x20 || c == 0x7f)
      continue;
    if (space && n > 0)
      text[n++] = ' ';
    space = 0;
    if (n < MAX_EVIDENCE)
      text[n++] = c;
  }
  while (n > 0 && (text[n - 1] & 0xc0) == 0x80 && *p)
    n--;
  text[n] = '\0';
  for (i = 0; i < ls->n; i++) {
    size_t vl = ls->v[i].end - ls->v[i].start, w;
    const char *v = line + ls->v[i].start;
    /* a key's body follows its marker: nothing of it is in the text */
    if (ls->v[i].pem)
      continue;
    if (vl > 256)
      vl = 256;
    for (w = 0; vl >= 6 && w + 6 <= vl; w++)
      if (memmem (text, n, v + w, 6)) {
        strcpy (text, REDACTED);
        return text;
      }
    if (vl > 0 && vl < 6 && memmem (text, n, v, vl)
        && ls->v[i].end - ls->v[i].start == vl) {
      /* a short value still in the text, e.g. password=abc # abc */
      strcpy (text, REDACTED);
      return text;
    }
  }
  return text;
}

static int
add_finding (struct scan *sc, const char *kind, int line, char *evidence)
{
  struct v2c_secret *v, *f;

  if (evidence == NULL)
    return v2c_set_error (sc->err, ENOMEM, "out of memory");
  if (sc->found >= MAX_FINDINGS_FILE || sc->out->n >= MAX_FINDINGS) {
    free (evidence);
    return 0;
  }
  v = realloc (sc->out->v, (sc->out->n + 1) * sizeof *v);
  if (v == NULL) {
    free (evidence);
    return v2c_set_error (sc->err, errno, "out of memory");
  }
  sc->out->v = v;
  f = &v[sc->out->n++];
  memset (f, 0, sizeof *f);
  f->mode = f->uid = f->gid = -1;
  f->evidence = evidence;
  f->line = line;
  f->kind = strdup (kind);
  f->path = strdup (sc->path);
  sc->found++;
  if (f->kind == NULL || f->path == NULL)
    return v2c_set_error (sc->err, ENOMEM, "out of memory");
  return 0;
}

/* What the path says about the file. */
enum file_kind { F_ANY, F_PGPASS, F_MYCNF, F_NETRC, F_CLOUD, F_SSH_HOST_KEY };

static enum file_kind
file_kind (const char *path)
{
  const char *base = strrchr (path, '/');

  base = base ? base + 1 : path;
  if (strcmp (base, ".pgpass") == 0 || v2c_strcasesuffix (base, ".pgpass"))
    return F_PGPASS;
  if (strcmp (base, ".my.cnf") == 0 || strcmp (base, "debian.cnf") == 0)
    return F_MYCNF;
  if (strcmp (base, ".netrc") == 0 || strcmp (base, "_netrc") == 0)
    return F_NETRC;
  if (strstr (path, "/.aws/credentials") || strstr (path, "/.aws/config")
      || strstr (path, "/.azure/")
      || (strstr (path, "/.config/gcloud/")
          && v2c_strcasesuffix (base, ".json")))
    return F_CLOUD;
  /* SSH host keys, the snakeoil key: generated at install time */
  if (v2c_secret_path (path, NULL) == V2C_SECRET_HOST_KEY)
    return F_SSH_HOST_KEY;
  return F_ANY;
}

static const char *
kind_for (enum file_kind fk, const struct span *sp)
{
  switch (fk) {
  case F_SSH_HOST_KEY:
    return sp->pem ? "host-key" : sp->kind;
  case F_CLOUD:
    return "cloud-credentials";
  case F_MYCNF:
    return strcmp (sp->kind, "password") == 0 ? "mysql-client" : sp->kind;
  default:
    return sp->kind;
  }
}

static int
report_spans (struct scan *sc, enum file_kind fk, const char *s, size_t n,
              int lineno, struct line_spans *ls)
{
  struct line_spans sorted = *ls;
  size_t i;

  qsort (sorted.v, sorted.n, sizeof sorted.v[0], cmp_span);
  for (i = 0; i < sorted.n; i++) {
    const struct span *sp = &sorted.v[i];
    struct line_spans tmp = sorted;
    char *text;
    size_t upto = sp->ev_end;

    if (upto > n)
      upto = n;
    text = redact (s, upto, &tmp);
    if (text == NULL)
      return v2c_set_error (sc->err, ENOMEM, "out of memory");
    text = finish_evidence (text, s, &sorted);
    size_t before = sc->out->n;
    if (add_finding (sc, kind_for (fk, sp), lineno, text) == -1)
      return -1;
    if (sc->out->n > before && !sp->pem && sp->end > sp->start && sp->end <= n)
      v2c_secret_fingerprint (s + sp->start, sp->end - sp->start,
                              sc->out->v[before].fingerprint);
  }
  return 0;
}

/* A file whose path says it holds credentials (a keystore, a history,
 * .docker/config.json, .kube/config, /etc/shadow, ...) is one finding
 * as a whole when its lines gave none. */
static int
whole_file (struct scan *sc, size_t found_before)
{
  enum v2c_secret_kind k = v2c_secret_path (sc->path, NULL);

  if (k == V2C_SECRET_NONE || sc->out->n > found_before)
    return 0;
  return add_finding (sc, v2c_secret_kind_name (k), 0, strdup (REDACTED));
}

int
v2c_secrets_path_only (const char *path, struct v2c_secrets *out,
                       struct v2c_err *err)
{
  struct scan sc = { path ? path : "", out, 0, err };

  return whole_file (&sc, out->n);
}

/* host:port:database:username:password */
static void
pgpass_spans (const char *s, size_t n, struct line_spans *ls)
{
  size_t i, fields = 0;

  ls->n = 0;
  if (n == 0 || s[0] == '#')
    return;
  for (i = 0; i < n; i++) {
    if (s[i] == '\\' && i + 1 < n) {
      i++;
      continue;
    }
    if (s[i] == ':' && ++fields == 4) {
      if (i + 1 < n)
        add_span (ls, i + 1, n, n, "pgpass", 0);
      return;
    }
  }
}

/* .netrc: "password VALUE" anywhere, the value maybe on the next line */
static int
scan_netrc (struct scan *sc, const char *buf, size_t len)
{
  size_t i = 0;
  int line = 1, want = 0;

  while (i < len) {
    size_t ts;
    if (buf[i] == '\n') {
      line++;
      i++;
      continue;
    }
    if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r') {
      i++;
      continue;
    }
    ts = i;
    while (i < len && buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n'
           && buf[i] != '\r')
      i++;
    if (want) {
      size_t ls0 = ts, le = i;
      struct line_spans ls;
      while (ls0 > 0 && buf[ls0 - 1] != '\n')
        ls0--;
      while (le < len && buf[le] != '\n')
        le++;
      ls.n = 0;
      add_span (&ls, ts - ls0, i - ls0, i - ls0, "netrc", 0);
      if (report_spans (sc, F_NETRC, buf + ls0, le - ls0, line, &ls) == -1)
        return -1;
      want = 0;
    } else
      want = v2c_secret_word_eq (buf + ts, i - ts, "password")
             || v2c_secret_word_eq (buf + ts, i - ts, "passwd");
  }
  return 0;
}

int
v2c_secrets_scan (const char *path, const char *buf, size_t len,
                  struct v2c_secrets *out, struct v2c_err *err)
{
  struct scan sc = { path ? path : "", out, 0, err };
  enum file_kind fk = file_kind (sc.path);
  size_t pos = 0, found_before = out->n;
  int line = 0, in_key = 0, cmd = command_file (sc.path);

  /* "passwd: files systemd" names a database, never a credential */
  if (strcmp (sc.path, "/etc/nsswitch.conf") == 0)
    return 0;
  if (memchr (buf, '\0', len < BINARY_PROBE ? len : BINARY_PROBE))
    return whole_file (&sc, found_before);
  if (fk == F_NETRC)
    return scan_netrc (&sc, buf, len) == -1 ? -1
                                            : whole_file (&sc, found_before);
  while (pos < len) {
    const char *s = buf + pos, *nl = memchr (s, '\n', len - pos);
    size_t n = nl ? (size_t) (nl - s) : len - pos;
    struct line_spans ls;

    pos += n + 1;
    line++;
    if (n > 0 && s[n - 1] == '\r')
      n--;
    if (in_key) {
      /* the body of a private key */
      if (find_mem (s, n, "-----END "))
        in_key = 0;
      continue;
    }
    if (fk == F_PGPASS)
      pgpass_spans (s, n, &ls);
    else
      line_spans (s, n, cmd, &ls);
    if (ls.n == 0)
      continue;
    if (fk != F_PGPASS && ls.n > 0) {
      size_t i;
      for (i = 0; i < ls.n; i++)
        if (ls.v[i].pem && !find_mem (s, n, "-----END "))
          in_key = 1;
    }
    if (report_spans (&sc, fk, s, n, line, &ls) == -1)
      return -1;
  }
  if (fk == F_SSH_HOST_KEY && out->n == found_before && len > 0) {
    char *ev = strdup (REDACTED);
    return add_finding (&sc, "host-key", 0, ev);
  }
  return whole_file (&sc, found_before);
}

void
v2c_secrets_free_contents (struct v2c_secrets *s)
{
  size_t i;

  if (s == NULL)
    return;
  for (i = 0; i < s->n; i++)
    V2C_FREE (s->v[i].path, s->v[i].kind, s->v[i].evidence, s->v[i].name);
  free (s->v);
  memset (s, 0, sizeof *s);
}
