/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every address or name a guest's services are configured to reach
 * (the inventory's "references", see inspect-net.h): nginx proxy_pass,
 * upstream servers and fastcgi_pass; Apache ProxyPass and
 * BalancerMember; NFS and CIFS mounts in fstab; rsyslog and syslog-ng
 * forwarding; and in any other configuration file, connection URLs
 * (postgresql://, mysql://, redis://, mongodb://, amqp://, ldap://,
 * smtp://, JDBC) and settings that name a host (DB_HOST=, REDIS_HOST,
 * 'host' => in PHP, 'HOST': in Python, "host": in JSON ...).  A URL's
 * user and password are dropped as it is read: only the kind, host,
 * port and file:line are kept.  Loopback is not a reference.
 */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inspect-net.h"

#define REFS_MAX 4096         /* references of one guest */
#define REFS_FILE_MAX (256u << 10) /* the largest file read */
#define REFS_FILES_MAX 3000   /* files read in all */
#define HOST_MAX 253

struct scheme {
  const char *name, *kind;
  int port;
};

static const struct scheme schemes[] = {
  { "postgresql", "postgresql", 5432 }, { "postgres", "postgresql", 5432 },
  { "mysql", "mysql", 3306 },           { "mariadb", "mysql", 3306 },
  { "redis", "redis", 6379 },           { "rediss", "redis", 6379 },
  { "mongodb", "mongodb", 27017 },      { "mongodb+srv", "mongodb", 27017 },
  { "amqp", "amqp", 5672 },             { "amqps", "amqp", 5671 },
  { "ldap", "ldap", 389 },              { "ldaps", "ldap", 636 },
  { "smtp", "smtp", 25 },               { "smtps", "smtp", 465 },
  { "memcached", "memcached", 11211 },  { "http", "http", 80 },
  { "https", "http", 443 },             { "grpc", "http", 80 },
  { NULL, NULL, 0 },
};

/* The words of a host setting's key, and the kind they make. */
static const struct {
  const char *word, *kind;
} services[] = {
  { "postgresql", "postgresql" }, { "postgres", "postgresql" },
  { "pg", "postgresql" },         { "mysql", "mysql" },
  { "mariadb", "mysql" },         { "database", "database" },
  { "db", "database" },           { "redis", "redis" },
  { "memcached", "memcached" },   { "memcache", "memcached" },
  { "ldap", "ldap" },             { "smtp", "smtp" },
  { "mail", "smtp" },             { "relay", "smtp" },
  { "mongodb", "mongodb" },
  { "mongo", "mongodb" },         { "amqp", "amqp" },
  { "rabbitmq", "amqp" },         { "elasticsearch", "elasticsearch" },
  { NULL, NULL },
};

static int
is_host_char (char c)
{
  return isalnum ((unsigned char) c) || c == '.' || c == '-' || c == '_';
}

static int
loopback_host (const char *h)
{
  return strcasecmp (h, "localhost") == 0 || strncmp (h, "127.", 4) == 0
         || strcmp (h, "::1") == 0 || strcmp (h, "0.0.0.0") == 0
         || strcmp (h, "*") == 0 || strncasecmp (h, "localhost.", 10) == 0;
}

/* Is h a host name or an address (and not a template or a path)? */
static int
plausible_host (const char *h)
{
  size_t i, n = strlen (h);
  int alpha = 0;

  if (n == 0 || n > HOST_MAX || h[0] == '.' || h[0] == '-' || h[n - 1] == '.')
    return 0;
  for (i = 0; i < n; i++) {
    if (!is_host_char (h[i]) && h[i] != ':')
      return 0;
    alpha |= isalpha ((unsigned char) h[i]);
  }
  /* digits only: a number, not a host, unless a dotted address */
  return alpha || strchr (h, '.') != NULL || strchr (h, ':') != NULL;
}

static void
add (json_t *refs, const char *kind, const char *host, long port,
     const char *path, size_t line)
{
  char source[512];
  json_t *o, *x;
  size_t i;

  if (!plausible_host (host) || loopback_host (host)
      || json_array_size (refs) >= REFS_MAX)
    return;
  /* no port given: the kind's own */
  for (i = 0; port <= 0 && schemes[i].name; i++)
    if (strcmp (schemes[i].kind, kind) == 0)
      port = schemes[i].port;
  if (port <= 0 && strcmp (kind, "elasticsearch") == 0)
    port = 9200;
  snprintf (source, sizeof source, "%.480s:%zu", path, line);
  o = json_pack ("{s:s, s:s, s:o, s:s}", "kind", kind, "host", host, "port",
                 port > 0 && port < 65536 ? json_integer (port) : json_null (),
                 "source", source);
  if (o == NULL)
    return;
  json_array_foreach (refs, i, x) if (json_equal (x, o))
  {
    json_decref (o);
    return;
  }
  json_array_append_new (refs, o);
}

/* "host[:port]" or "[v6]:port" at s (n bytes): the host into h, the
 * port (-1 when none).  0 when there is no host. */
static int
host_port (const char *s, size_t n, char *h, size_t hsize, long *port)
{
  size_t e = 0, hl;
  const char *hs = s;

  *port = -1;
  if (n && s[0] == '[') {
    while (e < n && s[e] != ']')
      e++;
    if (e == n)
      return 0;
    hs = s + 1;
    hl = e - 1;
    e++;
  } else {
    while (e < n && is_host_char (s[e]))
      e++;
    hl = e;
  }
  if (hl == 0 || hl >= hsize)
    return 0;
  memcpy (h, hs, hl);
  h[hl] = '\0';
  if (e < n && s[e] == ':' && e + 1 < n && isdigit ((unsigned char) s[e + 1]))
    /* within the n bytes: the text need not end after them */
    for (*port = 0, e++; e < n && isdigit ((unsigned char) s[e]) && *port < 100000;
         e++)
      *port = *port * 10 + (s[e] - '0');
  return 1;
}

/* The URL whose "://" is at sep in line l: its scheme backwards, its
 * authority forwards, user and password skipped. */
static void
url_at (const char *l, size_t n, size_t sep, const char *path, size_t line,
        json_t *refs, int http_too)
{
  size_t s = sep, a = sep + 3, e, at, k;
  char scheme[32], h[HOST_MAX + 1];
  const struct scheme *sc;
  int jdbc = 0;
  long port;

  while (s > 0 && (isalnum ((unsigned char) l[s - 1]) || l[s - 1] == '+'
                   || l[s - 1] == '-' || l[s - 1] == '.'))
    s--;
  if (sep - s == 0 || sep - s >= sizeof scheme)
    return;
  memcpy (scheme, l + s, sep - s);
  scheme[sep - s] = '\0';
  for (k = 0; scheme[k]; k++)
    scheme[k] = (char) tolower ((unsigned char) scheme[k]);
  /* jdbc:postgresql://h:p/db: the part after "jdbc:" */
  if (s >= 5 && strncasecmp (l + s - 5, "jdbc:", 5) == 0)
    jdbc = 1;
  for (sc = schemes; sc->name && strcmp (sc->name, scheme) != 0; sc++)
    ;
  if (sc->name == NULL || (!http_too && !jdbc && strcmp (sc->kind, "http") == 0))
    return;
  for (e = a; e < n && !strchr ("/?#\"' \t;<>)\\", l[e]); e++)
    ;
  /* user:password@ goes, unread */
  for (at = e; at > a && l[at - 1] != '@'; at--)
    ;
  if (at > a)
    a = at;
  /* several hosts: h1:p1,h2:p2 */
  while (a < e) {
    for (k = a; k < e && l[k] != ','; k++)
      ;
    if (host_port (l + a, k - a, h, sizeof h, &port) && h[0] != '$'
        && h[0] != '{')
      add (refs, jdbc ? "jdbc" : sc->kind, h, port > 0 ? port : sc->port,
           path, line);
    a = k + 1;
  }
}

static void
urls (const char *l, size_t n, const char *path, size_t line, json_t *refs,
      int http_too)
{
  size_t i;

  for (i = 1; i + 3 <= n; i++)
    if (l[i] == ':' && l[i + 1] == '/' && l[i + 2] == '/')
      url_at (l, n, i, path, line, refs, http_too);
}

/* The kind a setting's key names a host of, or NULL: a service word
 * then host|hostname|server|addr|address at the end (DB_HOST,
 * redis.host, smtpServer); plain host|hostname|server when bare_ok. */
static const char *
key_kind (const char *k, size_t n, int bare_ok)
{
  static const char *const ends[] = { "hostname", "address", "server", "host",
                                      "addr", NULL };
  char low[64];
  size_t i, el = 0;

  if (n == 0 || n >= sizeof low)
    return NULL;
  for (i = 0; i < n; i++)
    low[i] = (char) tolower ((unsigned char) k[i]);
  low[n] = '\0';
  for (i = 0; ends[i]; i++) {
    el = strlen (ends[i]);
    if (n >= el && strcmp (low + n - el, ends[i]) == 0)
      break;
  }
  if (ends[i] == NULL)
    return NULL;
  if (n == el)
    return bare_ok ? "host-setting" : NULL;
  n -= el;
  while (n > 0 && (low[n - 1] == '_' || low[n - 1] == '.' || low[n - 1] == '-'))
    n--;
  low[n] = '\0';
  for (i = 0; services[i].word; i++) {
    size_t wl = strlen (services[i].word);
    if (n >= wl && strcmp (low + n - wl, services[i].word) == 0
        && (n == wl || !isalpha ((unsigned char) low[n - wl - 1])
            || low[n - wl - 1] == '_'))
      return services[i].kind;
  }
  return NULL;
}

/* KEY = VALUE, KEY: VALUE, 'KEY' => 'VALUE', "KEY": "VALUE",
 * define('KEY', 'VALUE'): each whose key names a host. */
static void
settings (const char *l, size_t n, const char *path, size_t line,
          json_t *refs, int bare_ok)
{
  size_t i = 0, ks, ke, v, ve;
  char h[HOST_MAX + 1];
  const char *kind;
  long port;

  while (i < n) {
    if (!(isalpha ((unsigned char) l[i]) || l[i] == '_')
        || (i > 0 && (isalnum ((unsigned char) l[i - 1]) || l[i - 1] == '_'
                      || l[i - 1] == '.' || l[i - 1] == '-'))) {
      i++;
      continue;
    }
    ks = i;
    while (i < n && (isalnum ((unsigned char) l[i]) || l[i] == '_'
                     || l[i] == '.' || l[i] == '-'))
      i++;
    ke = i;
    if (i < n && (l[i] == '\'' || l[i] == '"'))
      i++;
    while (i < n && (l[i] == ' ' || l[i] == '\t'))
      i++;
    if (i + 1 < n && l[i] == '=' && l[i + 1] == '>')
      i += 2;
    else if (i < n && (l[i] == '=' || l[i] == ',')
             && !(i + 1 < n && l[i + 1] == '='))
      i++;
    else if (i < n && l[i] == ':' && !(i + 2 < n && l[i + 1] == '/'))
      i++;
    else
      continue;
    if ((kind = key_kind (l + ks, ke - ks, bare_ok)) == NULL)
      continue;
    while (i < n && (l[i] == ' ' || l[i] == '\t' || l[i] == '\'' || l[i] == '"'))
      i++;
    v = i;
    for (ve = v; ve < n && (is_host_char (l[ve]) || l[ve] == ':' || l[ve] == '['
                            || l[ve] == ']');
         ve++)
      ;
    if (ve == v || (ve < n && !strchr ("'\" \t;,)\r#", l[ve])))
      continue;
    if (host_port (l + v, ve - v, h, sizeof h, &port))
      add (refs, kind, h, port, path, line);
    i = ve;
  }
}

/* The words of an nginx or Apache directive line (up to its ';'),
 * compared without case. */
static size_t
words (const char *l, size_t n, const char **w, size_t *wn, size_t max)
{
  return v2c_net_words (l, n, w, wn, max, 1);
}

static int
word_is (const char *w, size_t n, const char *s)
{
  return v2c_net_word_is (w, n, s, 1);
}

struct scan {
  enum v2c_ref_kind kind;
  const char *path;
  json_t *refs;
  int in_upstream, bare_ok;
  size_t depth;
  /* nginx: the upstream blocks' names, which proxy_pass names instead
   * of a host (their servers are the references) */
  char upstreams[32][64];
  size_t nupstreams;
};

static int
is_upstream (const struct scan *s, const char *url, size_t n)
{
  const char *h = memmem (url, n, "://", 3);
  size_t i, hl;

  if (h == NULL)
    return 0;
  h += 3;
  for (hl = 0; h + hl < url + n && is_host_char (h[hl]); hl++)
    ;
  for (i = 0; i < s->nupstreams; i++)
    if (strlen (s->upstreams[i]) == hl && memcmp (s->upstreams[i], h, hl) == 0)
      return 1;
  return 0;
}

/* One nginx statement (the text up to ';', '{' or '}'). */
static void
nginx_statement (struct scan *s, const char *l, size_t n, size_t line)
{
  const char *w[4];
  size_t wn[4], k = words (l, n, w, wn, 4);
  char h[HOST_MAX + 1];
  long port;

  if (k >= 2 && s->in_upstream && word_is (w[0], wn[0], "server")
      && host_port (w[1], wn[1], h, sizeof h, &port))
    add (s->refs, "upstream", h, port > 0 ? port : 80, s->path, line);
  else if (k >= 2 && (word_is (w[0], wn[0], "proxy_pass")
                      || word_is (w[0], wn[0], "grpc_pass"))
           && !is_upstream (s, w[1], wn[1]))
    urls (w[1], wn[1], s->path, line, s->refs, 1);
  else if (k >= 2 && (word_is (w[0], wn[0], "fastcgi_pass")
                      || word_is (w[0], wn[0], "uwsgi_pass"))
           && host_port (w[1], wn[1], h, sizeof h, &port) && port > 0)
    add (s->refs, "fastcgi", h, port, s->path, line);
}

/* A line of nginx configuration, statement by statement: an upstream
 * block's servers are references, as are the *_pass targets. */
static void
nginx_line (struct scan *s, const char *l, size_t n, size_t line)
{
  size_t i = 0, st = 0;

  for (i = 0; i <= n; i++) {
    char c = i < n ? l[i] : ';';
    const char *w[2];
    size_t wn[2];

    if (c == '#' && i < n)
      n = i; /* a comment ends the line */
    if (c != ';' && c != '{' && c != '}' && i < n)
      continue;
    if (c == '{') {
      s->depth++;
      if (words (l + st, i - st, w, wn, 2) >= 2
          && word_is (w[0], wn[0], "upstream")) {
        s->in_upstream = (int) s->depth;
        if (s->nupstreams < 32 && wn[1] < 64) {
          memcpy (s->upstreams[s->nupstreams], w[1], wn[1]);
          s->upstreams[s->nupstreams++][wn[1]] = '\0';
        }
      }
    } else if (c == '}') {
      nginx_statement (s, l + st, i - st, line);
      if (s->in_upstream == (int) s->depth)
        s->in_upstream = 0;
      if (s->depth)
        s->depth--;
    } else
      nginx_statement (s, l + st, i - st, line);
    st = i + 1;
  }
}

static void
apache_line (struct scan *s, const char *l, size_t n, size_t line)
{
  const char *w[4];
  size_t wn[4], k = words (l, n, w, wn, 4);

  if (k >= 3 && (word_is (w[0], wn[0], "ProxyPass")
                 || word_is (w[0], wn[0], "ProxyPassMatch")))
    urls (w[2], wn[2], s->path, line, s->refs, 1);
  else if (k >= 2 && word_is (w[0], wn[0], "BalancerMember"))
    urls (w[1], wn[1], s->path, line, s->refs, 1);
}

static void
fstab_line (struct scan *s, const char *l, size_t n, size_t line)
{
  const char *w[4];
  size_t wn[4], k = words (l, n, w, wn, 4), e;
  char h[HOST_MAX + 1];
  long port;

  if (k < 3)
    return;
  if ((word_is (w[2], wn[2], "nfs") || word_is (w[2], wn[2], "nfs4"))
      && memchr (w[0], ':', wn[0])) {
    e = (size_t) ((const char *) memchr (w[0], ':', wn[0]) - w[0]);
    if (host_port (w[0], e, h, sizeof h, &port))
      add (s->refs, "nfs", h, 2049, s->path, line);
  } else if ((word_is (w[2], wn[2], "cifs") || word_is (w[2], wn[2], "smb3"))
             && wn[0] > 2 && w[0][0] == '/' && w[0][1] == '/'
             && host_port (w[0] + 2, wn[0] - 2, h, sizeof h, &port))
    add (s->refs, "cifs", h, 445, s->path, line);
}

/* rsyslog: "*.* @host:514" (UDP), "@@host" (TCP), target="host" in an
 * omfwd action; syslog-ng: network("host"), tcp("host"), udp("host"). */
static void
syslog_line (struct scan *s, const char *l, size_t n, size_t line)
{
  const char *t, *w[4];
  size_t wn[4], k = words (l, n, w, wn, 4), i;
  char h[HOST_MAX + 1];
  long port;

  if (k >= 2 && w[0][0] != '$' && w[1][0] == '@') {
    i = wn[1] > 1 && w[1][1] == '@' ? 2 : 1;
    if (i < wn[1] && w[1][i] == '(') /* @(o)host */
      while (i < wn[1] && w[1][i - 1] != ')')
        i++;
    if (host_port (w[1] + i, wn[1] - i, h, sizeof h, &port))
      add (s->refs, "syslog", h, port > 0 ? port : 514, s->path, line);
    return;
  }
  for (t = l; (t = memmem (t, n - (size_t) (t - l), "target=\"", 8)); t += 8)
    if (host_port (t + 8, n - (size_t) (t + 8 - l), h, sizeof h, &port))
      add (s->refs, "syslog", h, 514, s->path, line);
  for (i = 0; i < 3; i++) {
    static const char *const fn[] = { "network(\"", "tcp(\"", "udp(\"" };
    size_t fl = strlen (fn[i]);
    for (t = l; (t = memmem (t, n - (size_t) (t - l), fn[i], fl)); t += fl)
      if (host_port (t + fl, n - (size_t) (t + fl - l), h, sizeof h, &port))
        add (s->refs, "syslog", h, 514, s->path, line);
  }
}

void
v2c_refs_scan (enum v2c_ref_kind kind, const char *path, const char *text,
               size_t len, json_t *refs)
{
  struct scan s = { .kind = kind, .path = path, .refs = refs };
  const char *dot = strrchr (path, '.');
  size_t off = 0, line = 0;

  /* a bare 'host' key only where code keeps its connection settings */
  s.bare_ok = dot && (strcmp (dot, ".php") == 0 || strcmp (dot, ".py") == 0
                      || strcmp (dot, ".js") == 0 || strcmp (dot, ".json") == 0
                      || strcmp (dot, ".yml") == 0 || strcmp (dot, ".yaml") == 0);
  while (off < len) {
    const char *l = text + off, *nl = memchr (l, '\n', len - off);
    size_t n = nl ? (size_t) (nl - l) : len - off;

    off += n + 1;
    line++;
    switch (kind) {
    case V2C_REFF_NGINX: nginx_line (&s, l, n, line); break;
    case V2C_REFF_APACHE: apache_line (&s, l, n, line); break;
    case V2C_REFF_FSTAB: fstab_line (&s, l, n, line); break;
    case V2C_REFF_SYSLOG: syslog_line (&s, l, n, line); break;
    case V2C_REFF_CONFIG:
      urls (l, n, path, line, refs, 0);
      settings (l, n, path, line, refs, s.bare_ok);
      break;
    }
  }
}

/* ------------------------------------------------------------------ */
/* Which files                                                         */

/* A configuration file by its name (the scan reads text only). */
static int
config_name (const char *name)
{
  static const char *const exts[]
      = { ".conf", ".cnf", ".cfg", ".ini", ".properties", ".env", ".yml",
          ".yaml", ".json", ".xml", ".php", ".py", ".js", ".toml",
          ".service", NULL };
  const char *base = strrchr (name, '/'), *dot;
  size_t i;

  base = base ? base + 1 : name;
  if (strcmp (base, ".env") == 0 || strcmp (base, "environment") == 0)
    return 1;
  dot = strrchr (base, '.');
  for (i = 0; dot && exts[i]; i++)
    if (strcmp (dot, exts[i]) == 0)
      return 1;
  return 0;
}

/* Trees of third-party code and data, whose files configure nothing
 * of this VM (and would drown its references in examples). */
static int
skipped_tree (const char *path)
{
  static const char *const parts[]
      = { "/node_modules/", "/site-packages/", "/dist-packages/", "/vendor/",
          "/.git/", "/__pycache__/", "/share/doc/", "/examples/",
          "/test/", "/tests/", NULL };
  size_t i;

  for (i = 0; parts[i]; i++)
    if (strstr (path, parts[i]))
      return 1;
  return 0;
}

static enum v2c_ref_kind
kind_of (const char *path)
{
  if (strncmp (path, "/etc/nginx/", 11) == 0)
    return V2C_REFF_NGINX;
  if (strncmp (path, "/etc/apache2/", 13) == 0
      || strncmp (path, "/etc/httpd/", 11) == 0)
    return V2C_REFF_APACHE;
  if (strcmp (path, "/etc/rsyslog.conf") == 0
      || strncmp (path, "/etc/rsyslog.d/", 15) == 0
      || strncmp (path, "/etc/syslog-ng/", 15) == 0)
    return V2C_REFF_SYSLOG;
  return V2C_REFF_CONFIG;
}

static void
scan_file (struct v2c_fs *fs, const char *path, json_t *refs, size_t *nfiles)
{
  size_t len;
  char *t;

  if (*nfiles >= REFS_FILES_MAX)
    return;
  (*nfiles)++;
  t = v2c_fs_read (fs, path, REFS_FILE_MAX, &len);
  if (t == NULL)
    return;
  /* text only: a NUL in the first KiB is a binary file */
  if (memchr (t, '\0', len < 1024 ? len : 1024) == NULL)
    v2c_refs_scan (kind_of (path), path, t, len, refs);
  free (t);
}

/* A web server's enabled site or module is a symbolic link to the file
 * beside it (sites-enabled/x -> ../sites-available/x): that file is read
 * once, as itself.  1 when path is such a link to a file the scan reads. */
static int
link_into_scan (struct v2c_fs *fs, const char *path)
{
  struct v2c_fs_stat st;
  char *target, abs[4096];

  if (v2c_fs_stat (fs, path, 1, &st) == -1 || st.type != V2C_FS_LNK)
    return 0;
  if ((target = v2c_fs_readlink (fs, path)) == NULL)
    return 0;
  if (target[0] == '/')
    snprintf (abs, sizeof abs, "%s", target);
  else
    snprintf (abs, sizeof abs, "%.*s/%s",
              (int) (strrchr (path, '/') - path), path, target);
  free (target);
  /* lexically: sites-enabled/../sites-available/x stays in /etc */
  return strncmp (abs, "/etc/", 5) == 0 && strstr (abs, "/../../") == NULL;
}

json_t *
v2c_inspect_references (struct v2c_fs *fs)
{
  static const char *const dirs[]
      = { "/etc", "/srv", "/opt", "/var/www", NULL };
  json_t *refs = json_array ();
  size_t d, i, nfiles = 0;
  char path[4096];

  if (refs == NULL)
    return NULL;
  scan_file (fs, "/etc/fstab", refs, &nfiles);
  for (d = 0; dirs[d]; d++) {
    char **all = v2c_fs_find (fs, dirs[d], 100000);

    for (i = 0; all && all[i]; i++) {
      int nginx_or_syslog;

      snprintf (path, sizeof path, "%s/%s", dirs[d], all[i]);
      nginx_or_syslog = kind_of (path) == V2C_REFF_NGINX
                        || kind_of (path) == V2C_REFF_APACHE
                        || kind_of (path) == V2C_REFF_SYSLOG;
      /* nginx's sites have no suffix; the rest by name */
      if ((nginx_or_syslog || config_name (path))
          && strcmp (path, "/etc/fstab") != 0 && !skipped_tree (path)
          && !(kind_of (path) != V2C_REFF_CONFIG
               && link_into_scan (fs, path)))
        scan_file (fs, path, refs, &nfiles);
    }
    v2c_strv_free (all);
  }
  return refs;
}
