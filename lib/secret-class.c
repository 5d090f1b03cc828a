/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The one secret classifier (see secret-class.h).
 *
 * Key names use the word rules of lib/inspect-secrets.c (key_kind), with
 * CREDENTIAL(S), PRIVATE and a last word KEY (SSH_KEY, not PUBLIC_KEY)
 * added, and a few more last words that name something about a secret
 * (HOST, PORT, URL, USER, ...).
 *
 * Command lines: lib/secret-class-cmd.c.
 *
 * The fingerprint salt is read once (pthread_once), from V2C_SECRET_SALT
 * or the salt file; a salt file made by two processes at once is made
 * by one of them (link, which never replaces), and both use it.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "secret-class.h"
#include "secret-class-private.h"

#define MAX_RUN 4096 /* characters of a token looked at */

/* ------------------------------------------------------------------ */
/* Key names                                                           */

static const char *const not_secret_last[]
    = { "file",      "path",     "dir",        "len",
        "length",    "min",      "max",        "size",
        "count",     "timeout",  "ttl",        "expiry",
        "expires",   "expire",   "age",        "lifetime",
        "enabled",   "enable",   "disabled",   "required",
        "method",    "type",     "encryption", "authentication",
        "policy",    "command",  "cmd",        "name",
        "id",        "header",   "mode",       "format",
        "algorithm", "prompt",   "hint",       "host",
        "hostname",  "port",     "url",        "uri",
        "endpoint",  "user",     "username",   "ip",
        "address",   "addr",     "network",    "subnet",
        "version",   "location", "store",      NULL };

/* The word before a last KEY that makes it no secret. */
static const char *const not_secret_key[]
    = { "public", "pub",   "primary", "foreign", "sort",  "partition",
        "cache",  "shard", "routing", "lookup",  "index", "unique",
        "hot",    "map",   "group",   "idempotency", "dedup", "join",
        NULL };

int
v2c_secret_in_list (const char *w, const char *const *list)
{
  size_t i;

  for (i = 0; list[i]; i++)
    if (strcmp (w, list[i]) == 0)
      return 1;
  return 0;
}

int
v2c_secret_ends_with (const char *w, const char *suffix)
{
  size_t wl = strlen (w), sl = strlen (suffix);

  return wl >= sl && strcmp (w + wl - sl, suffix) == 0;
}

size_t
v2c_secret_key_words (const char *key, size_t n,
                      char words[V2C_SECRET_KEY_WORDS][32])
{
  size_t nw = 0, wl = 0, i;

  if (n == 0 || n > 128 || v2c_secret_word_eq (key, n, "pwd")
      || v2c_secret_word_eq (key, n, "oldpwd"))
    return 0;
  for (i = 0; i <= n; i++) {
    int sep = i == n || key[i] == '_' || key[i] == '.' || key[i] == '-';
    int camel = !sep && i > 0 && islower ((unsigned char) key[i - 1])
                && isupper ((unsigned char) key[i]);
    if ((sep || camel) && wl > 0) {
      words[nw][wl] = '\0';
      if (++nw == V2C_SECRET_KEY_WORDS)
        break;
      wl = 0;
    }
    if (!sep && wl < sizeof words[0] - 1)
      words[nw][wl++] = (char) tolower ((unsigned char) key[i]);
  }
  return nw;
}

int
v2c_secret_word_eq (const char *s, size_t n, const char *word)
{
  return strlen (word) == n && strncasecmp (s, word, n) == 0;
}

int
v2c_secret_key_is_secret (const char *key, size_t n)
{
  char words[V2C_SECRET_KEY_WORDS][32];
  size_t nw, i;

  if (key == NULL)
    return 0;
  nw = v2c_secret_key_words (key, n, words);
  if (nw == 0 || v2c_secret_in_list (words[nw - 1], not_secret_last))
    return 0;
  for (i = 0; i < nw; i++) {
    const char *w = words[i];
    if (strstr (w, "password") || strstr (w, "passwd")
        || strstr (w, "passphrase") || strcmp (w, "pass") == 0
        || strcmp (w, "pwd") == 0 || strcmp (w, "tokens") == 0
        || v2c_secret_ends_with (w, "token") || strstr (w, "secret")
        || strcmp (w, "apikey") == 0 || strcmp (w, "accesskey") == 0
        || strcmp (w, "credential") == 0 || strcmp (w, "credentials") == 0
        || strcmp (w, "private") == 0)
      return 1;
    if ((strcmp (w, "api") == 0 || strcmp (w, "access") == 0) && i + 1 < nw
        && strcmp (words[i + 1], "key") == 0)
      return 1;
    /* "auth" alone is tomcat's auth="Container", a flag */
    if (strcmp (w, "auth") == 0 && nw > 1)
      return 1;
  }
  /* SSH_KEY, ENCRYPTION_KEY; not PUBLIC_KEY, SORT_KEY */
  if (nw > 1
      && (strcmp (words[nw - 1], "key") == 0
          || strcmp (words[nw - 1], "keys") == 0)
      && !v2c_secret_in_list (words[nw - 2], not_secret_key))
    return 1;
  return 0;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

int
v2c_secret_ident (const char *s, size_t n)
{
  size_t i;

  if (n == 0 || !(isalpha ((unsigned char) s[0]) || s[0] == '_'))
    return 0;
  for (i = 1; i < n; i++)
    if (!(isalnum ((unsigned char) s[i]) || s[i] == '_'))
      return 0;
  return 1;
}

int
v2c_secret_value_is_placeholder (const char *s, size_t n)
{
  static const char *const words[]
      = { "null", "none", "nil",       "true", "false",  "yes", "no",
          "on",   "off",  "undefined", "~",    "_null_", NULL };
  size_t i;

  if (s == NULL)
    return 1;
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  while (n > 0 && (s[0] == ' ' || s[0] == '\t'))
    s++, n--;
  if (n == 0)
    return 1;
  for (i = 0; words[i]; i++)
    if (v2c_secret_word_eq (s, n, words[i]))
      return 1;
  if (s[0] == '$' && n >= 3 && ((s[1] == '{' && s[n - 1] == '}')
                                || (s[1] == '(' && s[n - 1] == ')')))
    return 1;
  if (s[0] == '$' && v2c_secret_ident (s + 1, n - 1))
    return 1;
  if (n >= 2 && s[0] == '`' && s[n - 1] == '`')
    return 1;
  if (n >= 4 && s[0] == '%' && s[1] == '(' && s[n - 1] == 's'
      && s[n - 2] == ')')
    return 1;
  if (n >= 4 && s[0] == '{' && s[1] == '{' && s[n - 1] == '}'
      && s[n - 2] == '}')
    return 1;
  if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
    return 1;
  if (n >= 3) {
    for (i = 0; i < n && (s[i] == '*' || s[i] == 'x' || s[i] == 'X'); i++)
      ;
    if (i == n)
      return 1;
  }
  /* no letter or digit: a shell pattern ("*)" of a case branch), a
   * mask, punctuation */
  for (i = 0; i < n && !isalnum ((unsigned char) s[i]); i++)
    ;
  return i == n && (n >= 2 || strchr ("})]*;|&", s[0]) != NULL);
}

enum cls { ALNUM, ALNUM_, B64URL, UPNUM, SLACK };

static int
in_cls (char c, enum cls k)
{
  unsigned char u = (unsigned char) c;

  switch (k) {
  case ALNUM: return isalnum (u);
  case ALNUM_: return isalnum (u) || c == '_';
  case B64URL: return isalnum (u) || c == '_' || c == '-';
  case UPNUM: return isupper (u) || isdigit (u);
  case SLACK: return isalnum (u) || c == '-';
  }
  return 0;
}

static size_t
run (const char *s, size_t n, size_t i, enum cls k)
{
  size_t j = i;

  while (j < n && j - i < MAX_RUN && in_cls (s[j], k))
    j++;
  return j - i;
}

static int
word_char (char c)
{
  return isalnum ((unsigned char) c) || c == '_';
}

/* A JWT at p: eyJ... . eyJ... . signature; its end, or 0. */
static size_t
jwt_at (const char *s, size_t n, size_t p)
{
  size_t i = p, r, part;

  for (part = 0; part < 2; part++) {
    if (n - i < 3 || memcmp (s + i, "eyJ", 3) != 0)
      return 0;
    r = run (s, n, i + 3, B64URL);
    if (r < 10 || i + 3 + r >= n || s[i + 3 + r] != '.')
      return 0;
    i += 3 + r + 1;
  }
  return i + run (s, n, i, B64URL);
}

/* A known token shape starting at p (at a word boundary); its end, or 0. */
size_t
v2c_secret_token_at (const char *s, size_t n, size_t p)
{
  static const struct {
    const char *prefix;
    enum cls k;
    size_t min, max;
  } shapes[] = {
    { "sk_live_", ALNUM, 16, 255 }, { "sk_test_", ALNUM, 16, 255 },
    { "rk_live_", ALNUM, 16, 255 }, { "rk_test_", ALNUM, 16, 255 },
    { "ghp_", ALNUM, 30, 255 },     { "gho_", ALNUM, 30, 255 },
    { "ghu_", ALNUM, 30, 255 },     { "ghs_", ALNUM, 30, 255 },
    { "ghr_", ALNUM, 30, 255 },     { "github_pat_", ALNUM_, 22, 255 },
    { "AKIA", UPNUM, 16, 16 },      { "ASIA", UPNUM, 16, 16 },
    { "xoxb-", SLACK, 10, 255 },    { "xoxp-", SLACK, 10, 255 },
    { "xoxa-", SLACK, 10, 255 },    { "xoxs-", SLACK, 10, 255 },
    { "glpat-", B64URL, 20, 255 },  { "AIza", B64URL, 35, 35 },
    { "npm_", ALNUM, 36, 36 },
  };
  size_t i;

  if (p > 0 && word_char (s[p - 1]))
    return 0;
  if (s[p] == 'e')
    return jwt_at (s, n, p);
  for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
    size_t pl = strlen (shapes[i].prefix), r, e;
    if (n - p < pl || memcmp (s + p, shapes[i].prefix, pl) != 0)
      continue;
    r = run (s, n, p + pl, shapes[i].k);
    e = p + pl + r;
    if (r >= shapes[i].min && r <= shapes[i].max
        && (e == n || !word_char (s[e])))
      return e;
  }
  return 0;
}

static int
scheme_char (char c)
{
  return isalnum ((unsigned char) c) || c == '+' || c == '.' || c == '-';
}

static int
url_stop (char c)
{
  return c == '/' || c == '?' || c == '#' || c == ' ' || c == '\t'
         || c == '\n' || c == '"' || c == '\'' || c == '<' || c == '>'
         || c == '`' || c == ',' || c == ';' || c == '\\';
}

/* At s[i] "://": the password of scheme://user:pass@ as [*ps, *pe), the
 * scheme as [*ss, i), the authority's end as *ae.  0 when there is no
 * password (or a placeholder). */
int
v2c_secret_url_password (const char *s, size_t n, size_t i, size_t *ss, size_t *ps,
              size_t *pe, size_t *ae)
{
  size_t a, end, at = n, colon = n, k;

  if (n - i < 3 || s[i] != ':' || s[i + 1] != '/' || s[i + 2] != '/')
    return 0;
  for (a = i; a > 0 && scheme_char (s[a - 1]); a--)
    ;
  while (a < i && !isalpha ((unsigned char) s[a]))
    a++;
  for (end = i + 3; end < n && !url_stop (s[end]); end++)
    if (s[end] == '@')
      at = end;
  *ae = end;
  if (i - a < 2 || at == n)
    return 0;
  for (k = i + 3; k < at; k++)
    if (s[k] == ':') {
      colon = k;
      break;
    }
  if (colon == n || colon + 1 >= at
      || v2c_secret_value_is_placeholder (s + colon + 1, at - colon - 1))
    return 0;
  *ss = a;
  *ps = colon + 1;
  *pe = at;
  return 1;
}

enum v2c_secret_kind
v2c_secret_value_kind (const char *s, size_t n)
{
  size_t i, ss, ps, pe, ae;

  if (s == NULL)
    return V2C_SECRET_NONE;
  if (n > V2C_SECRET_MAX_CMD)
    n = V2C_SECRET_MAX_CMD;
  for (i = 0; i + 3 <= n; i++)
    if (s[i] == ':' && v2c_secret_url_password (s, n, i, &ss, &ps, &pe, &ae))
      return V2C_SECRET_URL;
  for (i = 0; i < n; i++)
    if (v2c_secret_token_at (s, n, i))
      return V2C_SECRET_TOKEN;
  return V2C_SECRET_NONE;
}

enum v2c_secret_kind
v2c_secret_env (const char *name, const char *value)
{
  size_t vl;

  if (name == NULL || value == NULL)
    return V2C_SECRET_NONE;
  vl = strlen (value);
  if (v2c_secret_key_is_secret (name, strlen (name))
      && !v2c_secret_value_is_placeholder (value, vl))
    return V2C_SECRET_NAME;
  return v2c_secret_value_kind (value, vl);
}

const char *
v2c_secret_kind_name (enum v2c_secret_kind k)
{
  switch (k) {
  case V2C_SECRET_NONE: return "none";
  case V2C_SECRET_NAME: return "password";
  case V2C_SECRET_URL: return "url-credentials";
  case V2C_SECRET_TOKEN: return "token";
  case V2C_SECRET_FILE: return "credential-file";
  case V2C_SECRET_HOST_KEY: return "host-key";
  }
  return "none";
}

/* ------------------------------------------------------------------ */
/* Paths                                                               */

/* Whether path is tail or ends with "/" tail. */
static int
path_tail (const char *path, size_t pl, const char *tail)
{
  size_t tl = strlen (tail);

  if (pl < tl || memcmp (path + pl - tl, tail, tl) != 0)
    return 0;
  return pl == tl || path[pl - tl - 1] == '/';
}

static int
has_suffix (const char *s, const char *suffix)
{
  size_t sl = strlen (s), xl = strlen (suffix);

  return sl > xl && strcmp (s + sl - xl, suffix) == 0;
}

enum v2c_secret_kind
v2c_secret_path (const char *path, const char **what)
{
  static const struct {
    const char *tail, *what;
  } tails[] = {
    { ".pgpass", "pgpass" },
    { ".my.cnf", "mysql-client" },
    { ".mylogin.cnf", "mysql-client" },
    { ".netrc", "netrc" },
    { ".git-credentials", "git-credentials" },
    { ".docker/config.json", "docker-config" },
    { ".aws/credentials", "cloud-credentials" },
    { ".config/gcloud/application_default_credentials.json",
      "cloud-credentials" },
    { ".config/gcloud/credentials.db", "cloud-credentials" },
    { ".azure/accessTokens.json", "cloud-credentials" },
    { ".kube/config", "kubeconfig" },
    { ".htpasswd", "htpasswd" },
    { "tomcat-users.xml", "tomcat-users" },
    { "etc/shadow", "shadow" },
    { "etc/shadow-", "shadow" },
    { "etc/gshadow", "shadow" },
    { "etc/gshadow-", "shadow" },
  };
  static const char *const histories[]
      = { ".bash_history",   ".zsh_history",    ".mysql_history",
          ".psql_history",   ".python_history", ".sh_history",
          ".rediscli_history", ".sqlite_history", ".node_repl_history",
          ".mongo_history",  ".dbshell",        ".irb_history",
          NULL };
  static const char *const stores[]
      = { ".jks", ".keystore", ".p12", ".pfx", NULL };
  const char *base, *w = NULL;
  enum v2c_secret_kind k = V2C_SECRET_NONE;
  size_t pl, i;

  if (what)
    *what = NULL;
  if (path == NULL)
    return V2C_SECRET_NONE;
  pl = strlen (path);
  base = strrchr (path, '/');
  base = base ? base + 1 : path;
  for (i = 0; i < sizeof tails / sizeof tails[0] && !w; i++)
    if (path_tail (path, pl, tails[i].tail))
      w = tails[i].what;
  if (!w && has_suffix (base, ".htpasswd"))
    w = "htpasswd";
  if (!w && v2c_secret_in_list (base, histories))
    w = "history";
  for (i = 0; !w && stores[i]; i++)
    if (has_suffix (base, stores[i]))
      w = "keystore";
  if (!w && strncmp (base, "id_", 3) == 0 && base[3] != '\0'
      && !has_suffix (base, ".pub") && base - path >= 5
      && path_tail (path, (size_t) (base - path - 1), ".ssh"))
    w = "ssh-private-key";
  if (w)
    k = V2C_SECRET_FILE;
  else if (strncmp (base, "ssh_host_", 9) == 0 && has_suffix (base, "_key")
           && base - path >= 4
           && path_tail (path, (size_t) (base - path - 1), "ssh")) {
    w = "ssh-host-key";
    k = V2C_SECRET_HOST_KEY;
  } else if (path_tail (path, pl, "ssl/private/ssl-cert-snakeoil.key")) {
    w = "snakeoil-key";
    k = V2C_SECRET_HOST_KEY;
  }
  if (what)
    *what = w;
  return k;
}

/* ------------------------------------------------------------------ */
/* Fingerprints                                                        */

static pthread_once_t salt_once = PTHREAD_ONCE_INIT;
static char *salt;
static size_t salt_len;

/* The salt file's content, without a final newline; NULL if none. */
static char *
read_salt (const char *path, size_t *len)
{
  char buf[4096];
  ssize_t r;
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  char *s;

  if (fd == -1)
    return NULL;
  r = read (fd, buf, sizeof buf);
  close (fd);
  while (r > 0 && (buf[r - 1] == '\n' || buf[r - 1] == '\r'))
    r--;
  if (r <= 0 || (s = malloc ((size_t) r)) == NULL)
    return NULL;
  memcpy (s, buf, (size_t) r);
  *len = (size_t) r;
  return s;
}

/* 32 random bytes as hex in dir/secret-salt, made under a temporary name
 * and linked into place: a file another process made first wins. */
static char *
make_salt (const char *dir, const char *path, size_t *len)
{
  unsigned char raw[32];
  char hex[2 * sizeof raw + 2], tmp[4096];
  size_t i;
  int fd, ok;

  if (RAND_bytes (raw, sizeof raw) != 1)
    return NULL;
  for (i = 0; i < sizeof raw; i++)
    sprintf (hex + 2 * i, "%02x", raw[i]);
  hex[2 * sizeof raw] = '\n';
  if ((size_t) snprintf (tmp, sizeof tmp, "%s/.secret-salt.XXXXXX", dir)
      >= sizeof tmp)
    return NULL;
  fd = mkstemp (tmp);
  if (fd == -1)
    return NULL;
  ok = fchmod (fd, 0600) == 0
       && write (fd, hex, sizeof hex - 1) == (ssize_t) (sizeof hex - 1)
       && fsync (fd) == 0;
  ok = close (fd) == 0 && ok;
  if (ok && link (tmp, path) == -1 && errno != EEXIST)
    ok = rename (tmp, path) == 0;
  unlink (tmp);
  return ok ? read_salt (path, len) : NULL;
}

static void
load_salt (void)
{
  const char *env = getenv ("V2C_SECRET_SALT");
  const char *xdg = getenv ("XDG_CONFIG_HOME"), *home = getenv ("HOME");
  char dir[4096], path[4096 + 16];

  if (env && env[0]) {
    salt_len = strlen (env);
    salt = malloc (salt_len);
    if (salt)
      memcpy (salt, env, salt_len);
    return;
  }
  if (xdg && xdg[0] == '/')
    snprintf (dir, sizeof dir, "%s", xdg);
  else if (home && home[0] == '/') {
    snprintf (dir, sizeof dir, "%s/.config", home);
    mkdir (dir, 0700);
  } else
    return;
  if (strlen (dir) + 5 >= sizeof dir)
    return;
  strcat (dir, "/v2c");
  snprintf (path, sizeof path, "%s/secret-salt", dir);
  salt = read_salt (path, &salt_len);
  if (salt == NULL && (mkdir (dir, 0700) == 0 || errno == EEXIST))
    salt = make_salt (dir, path, &salt_len);
}

int
v2c_secret_fingerprint (const char *value, size_t len,
                        char out[V2C_SECRET_FP_LEN])
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  size_t i;

  pthread_once (&salt_once, load_salt);
  if (salt == NULL || (value == NULL && len > 0) || salt_len > INT32_MAX)
    return -1;
  if (HMAC (EVP_sha256 (), salt, (int) salt_len,
            (const unsigned char *) (value ? value : ""), len, md, &mdlen)
          == NULL
      || mdlen < 8)
    return -1;
  memcpy (out, "hmac-sha256:", 12);
  for (i = 0; i < 8; i++)
    sprintf (out + 12 + 2 * i, "%02x", md[i]);
  return 0;
}
