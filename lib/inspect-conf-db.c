/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Databases' and sshd's configuration: postgresql.conf, my.cnf,
 * redis.conf, sshd_config, mongod.conf.  Where the last setting wins
 * (postgresql, mysql, redis, mongodb), the tree's state keeps the last
 * one seen and reports it when the whole tree is read, with the
 * program's default when none is written ("FILE: default").
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "inspect-conf-private.h"

static int
oom (struct v2c_err *err)
{
  return v2c_set_error (err, ENOMEM, "out of memory");
}

/* A setting and where it was made. */
struct setting {
  char *value;
  char *evidence;
};

static int
set (struct setting *s, const char *value, size_t vlen, const char *file,
     int line, const char *text, size_t tlen, struct v2c_err *err)
{
  char *v = v2c_strndup0 (value, vlen);
  char *ev = v2c_conf_evidence (file, line, text, tlen);

  if (v == NULL || ev == NULL) {
    free (v);
    free (ev);
    return oom (err);
  }
  free (s->value);
  free (s->evidence);
  s->value = v;
  s->evidence = ev;
  return 0;
}

/* A file the configuration names (the last setting need not win: a
 * file named once may be what the service reads). */
static int
ref (struct v2c_conf_facts *out, const char *service, const char *value,
     const char *file, int line, const char *text, size_t tlen,
     struct v2c_err *err)
{
  char *ev = v2c_conf_evidence (file, line, text, tlen);

  if (ev == NULL)
    return oom (err);
  return v2c_conf_add_ref (out, value, service, ev, err);
}

static void
unset (struct setting *s)
{
  free (s->value);
  free (s->evidence);
  s->value = s->evidence = NULL;
}

/* The release of a state: UNSET (&st->port, &st->dir). */
static void
unset_list (struct setting *const *v, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    unset (v[i]);
}
#define UNSET(...)                                                      \
  unset_list ((struct setting *const[]) { __VA_ARGS__ },                \
              sizeof ((struct setting *const[]) { __VA_ARGS__ })        \
                  / sizeof (struct setting *))

static char *
default_evidence (const struct v2c_conf_state *st, const char *what)
{
  return v2c_conf_evidence (st->top, 0, what, strlen (what));
}

/* Report a port setting (or the default); address NULL for wildcards. */
static int
report_port (const struct v2c_conf_state *st, const struct setting *s, int def,
             const char *def_text, const char *address,
             struct v2c_conf_facts *out, struct v2c_err *err)
{
  int port = def;
  char *ev;

  if (s->value) {
    port = v2c_conf_port (s->value, strlen (s->value));
    if (port <= 0)
      return 0;
    ev = strdup (s->evidence);
  } else
    ev = default_evidence (st, def_text);
  if (address
      && (strcmp (address, "*") == 0 || strcmp (address, "0.0.0.0") == 0
          || address[0] == '\0'))
    address = NULL;
  return v2c_conf_add_port (out, port, "tcp", address, st->service, ev, err);
}

static int
report_dir (const struct v2c_conf_state *st, const struct setting *s,
            const char *def, const char *def_text, struct v2c_conf_facts *out,
            struct v2c_err *err)
{
  if (s->value && s->value[0] == '/')
    return v2c_conf_add_dir (out, s->value, st->service, strdup (s->evidence),
                             err);
  if (s->value || def == NULL)
    return 0;
  return v2c_conf_add_dir (out, def, st->service,
                           default_evidence (st, def_text), err);
}

/* A server's port and data directory when its configuration names
 * none, with the evidence text of each. */
struct server_defaults {
  int port;
  const char *port_text;
  const char *dir;
  const char *dir_text;
};

/* A server's port on address (none when port is NULL: no TCP
 * listener), then its data directory. */
static int
report_server (const struct v2c_conf_state *st, const struct setting *port,
               const char *address, const struct setting *dir,
               const struct server_defaults *def, struct v2c_conf_facts *out,
               struct v2c_err *err)
{
  int r = 0;

  if (port)
    r = report_port (st, port, def->port, def->port_text, address, out, err);
  if (r == 0)
    r = report_dir (st, dir, def->dir, def->dir_text, out, err);
  return r;
}

static int
include (v2c_include_cb inc, void *opaque, const char *file, int line,
         const char *dir, const char *pattern, struct v2c_err *err)
{
  char *p;
  int r = 0;

  if (inc == NULL || pattern[0] == '\0')
    return 0;
  p = v2c_conf_join (dir, pattern);
  if (p == NULL)
    return oom (err);
  if (inc (opaque, p) == -1)
    r = v2c_set_error (err, 0, "'%s' line %d: can't include '%s'", file, line,
                       pattern);
  free (p);
  return r;
}

/* Lines of a text: [*s, *s + *n), the number in *line.  0 at the end. */
struct lines {
  const char *b;
  size_t len, pos;
  int line;
};

static int
next_line (struct lines *l, const char **s, size_t *n)
{
  const char *nl;

  if (l->pos >= l->len)
    return 0;
  *s = l->b + l->pos;
  nl = memchr (*s, '\n', l->len - l->pos);
  *n = nl ? (size_t) (nl - *s) : l->len - l->pos;
  l->pos += *n + 1;
  l->line++;
  if (*n > 0 && (*s)[*n - 1] == '\r')
    (*n)--;
  while (*n > 0 && ((*s)[0] == ' ' || (*s)[0] == '\t')) {
    (*s)++;
    (*n)--;
  }
  while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
    (*n)--;
  return 1;
}

/* Space-separated words with "..." and '...' quoting (redis'
 * sdssplitargs, sshd's argv splitting); at most max words. */
static size_t
words (const char *s, size_t n, char **v, size_t max, const char *extra_sep)
{
  size_t i = 0, cnt = 0;

  while (i < n && cnt < max) {
    size_t w = 0;
    char *out;

    while (i < n
           && (s[i] == ' ' || s[i] == '\t'
               || (extra_sep && cnt == 1 && strchr (extra_sep, s[i]))))
      i++;
    if (i >= n)
      break;
    out = malloc (n - i + 1);
    if (out == NULL)
      break;
    while (i < n && s[i] != ' ' && s[i] != '\t'
           && !(extra_sep && cnt == 0 && strchr (extra_sep, s[i]))) {
      if (s[i] == '"' || s[i] == '\'') {
        char q = s[i++];
        while (i < n && s[i] != q) {
          if (s[i] == '\\' && i + 1 < n) {
            char e = s[++i];
            out[w++] = e == 'n' ? '\n' : e == 't' ? '\t' : e;
            i++;
            continue;
          }
          out[w++] = s[i++];
        }
        if (i < n)
          i++;
      } else
        out[w++] = s[i++];
    }
    out[w] = '\0';
    v[cnt++] = out;
  }
  return cnt;
}

static void
free_words (char **v, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    free (v[i]);
}

/* ------------------------------------------------------------------ */
/* postgresql.conf                                                     */

struct pg_state {
  struct v2c_conf_state base;
  struct setting port, data_dir, listen;
};

static int
pg_parse (void *state, const char *file, const char *buf, size_t len,
          struct v2c_conf_facts *out, v2c_include_cb inc, void *opaque,
          struct v2c_err *err)
{
  struct pg_state *st = state;
  struct lines l = { buf, len, 0, 0 };
  const char *s;
  size_t n;
  char *dir = v2c_conf_dirname (file), *val = NULL;
  int r = 0;

  (void) out;
  if (dir == NULL)
    return oom (err);
  while (r == 0 && next_line (&l, &s, &n)) {
    size_t i = 0, ks, kl, vl = 0, end;

    if (n == 0 || s[0] == '#')
      continue;
    ks = i;
    while (i < n
           && (s[i] == '_' || s[i] == '.' || s[i] == '-'
               || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
               || (s[i] >= '0' && s[i] <= '9')))
      i++;
    kl = i - ks;
    if (kl == 0)
      continue;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
      i++;
    if (i < n && s[i] == '=')
      i++;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
      i++;
    free (val);
    val = malloc (n - i + 1);
    if (val == NULL) {
      r = oom (err);
      break;
    }
    if (i < n && s[i] == '\'') {
      /* 'quoted', with '' and backslash escapes */
      i++;
      while (i < n) {
        if (s[i] == '\'' && i + 1 < n && s[i + 1] == '\'') {
          val[vl++] = '\'';
          i += 2;
        } else if (s[i] == '\'')
          break;
        else if (s[i] == '\\' && i + 1 < n) {
          val[vl++] = s[i + 1];
          i += 2;
        } else
          val[vl++] = s[i++];
      }
      if (i >= n)
        continue; /* unterminated: postgres refuses the line */
      i++;
    } else
      while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '#')
        val[vl++] = s[i++];
    val[vl] = '\0';
    end = i;
    if (v2c_conf_word_eq (s + ks, kl, "port"))
      r = set (&st->port, val, vl, file, l.line, s, end, err);
    else if (v2c_conf_word_eq (s + ks, kl, "data_directory"))
      r = set (&st->data_dir, val, vl, file, l.line, s, end, err);
    else if (v2c_conf_word_eq (s + ks, kl, "listen_addresses"))
      r = set (&st->listen, val, vl, file, l.line, s, end, err);
    else if (v2c_conf_word_eq (s + ks, kl, "ssl_key_file")
             || v2c_conf_word_eq (s + ks, kl, "ssl_cert_file")
             || v2c_conf_word_eq (s + ks, kl, "ssl_ca_file")
             || v2c_conf_word_eq (s + ks, kl, "ssl_crl_file"))
      r = ref (out, st->base.service, val, file, l.line, s, end, err);
    else if (v2c_conf_word_eq (s + ks, kl, "include")
             || v2c_conf_word_eq (s + ks, kl, "include_if_exists"))
      r = include (inc, opaque, file, l.line, dir, val, err);
    else if (v2c_conf_word_eq (s + ks, kl, "include_dir") && vl > 0) {
      char *pat;
      if (asprintf (&pat, "%s/*.conf", val) == -1)
        r = oom (err);
      else {
        r = include (inc, opaque, file, l.line, dir, pat, err);
        free (pat);
      }
    }
  }
  free (val);
  free (dir);
  return r;
}

static int
pg_finish (void *state, struct v2c_conf_facts *out, struct v2c_err *err)
{
  struct pg_state *st = state;
  const char *addr = st->listen.value ? st->listen.value : "localhost";
  char *dir;
  int r = 0;

  /* listen_addresses = '' : unix-domain sockets only, no TCP port */
  if (addr[0] != '\0')
    r = report_port (&st->base, &st->port, 5432, "default port 5432", addr,
                     out, err);
  if (r == 0) {
    /* without data_directory the data is where the configuration is */
    dir = v2c_conf_dirname (st->base.top);
    if (dir == NULL)
      return oom (err);
    r = report_dir (&st->base, &st->data_dir, dir,
                    "default data_directory: the configuration's directory",
                    out, err);
    free (dir);
  }
  return r;
}

static void
pg_release (void *state)
{
  struct pg_state *st = state;

  UNSET (&st->port, &st->data_dir, &st->listen);
}

V2C_CONF_DEFINE_SYNTAX (postgresql, "postgresql", struct pg_state, pg)

/* ------------------------------------------------------------------ */
/* my.cnf (MySQL, MariaDB)                                             */

struct my_state {
  struct v2c_conf_state base;
  int server_seen, in_server, skip_networking;
  struct setting port, data_dir, bind;
};

/* Groups mysqld and mariadbd read. */
static int
my_server_group (const char *s, size_t n)
{
  static const char *const groups[]
      = { "mysqld", "server", "mariadb", "mariadbd", NULL };
  size_t i, gl;

  for (i = 0; groups[i]; i++) {
    gl = strlen (groups[i]);
    if (n == gl && strncasecmp (s, groups[i], n) == 0)
      return 1;
    /* [mysqld-8.0], [mariadb-10.11] */
    if (n > gl + 1 && strncasecmp (s, groups[i], gl) == 0 && s[gl] == '-'
        && s[gl + 1] >= '0' && s[gl + 1] <= '9')
      return 1;
  }
  return 0;
}

static int
my_parse (void *state, const char *file, const char *buf, size_t len,
          struct v2c_conf_facts *out, v2c_include_cb inc, void *opaque,
          struct v2c_err *err)
{
  struct my_state *st = state;
  struct lines l = { buf, len, 0, 0 };
  const char *s;
  size_t n;
  char *dir = v2c_conf_dirname (file);
  int r = 0, saved = st->in_server;

  (void) out;
  if (dir == NULL)
    return oom (err);
  /* an included file starts outside any group */
  st->in_server = 0;
  while (r == 0 && next_line (&l, &s, &n)) {
    char key[64];
    size_t i, kl = 0, vs, ve;

    if (n == 0 || s[0] == '#' || s[0] == ';')
      continue;
    if (s[0] == '[') {
      const char *e = memchr (s, ']', n);
      if (e) {
        size_t gs = 1, ge = e - s;
        while (gs < ge && (s[gs] == ' ' || s[gs] == '\t'))
          gs++;
        while (ge > gs && (s[ge - 1] == ' ' || s[ge - 1] == '\t'))
          ge--;
        st->in_server = my_server_group (s + gs, ge - gs);
        st->server_seen |= st->in_server;
      }
      continue;
    }
    if (s[0] == '!') {
      char *w[2] = { NULL, NULL };
      size_t nw = words (s + 1, n - 1, w, 2, NULL);
      if (nw == 2 && strcasecmp (w[0], "include") == 0)
        r = include (inc, opaque, file, l.line, dir, w[1], err);
      else if (nw == 2 && strcasecmp (w[0], "includedir") == 0) {
        char *pat;
        if (asprintf (&pat, "%s/*.cnf", w[1]) == -1)
          r = oom (err);
        else {
          r = include (inc, opaque, file, l.line, dir, pat, err);
          free (pat);
        }
      }
      free_words (w, nw);
      continue;
    }
    if (!st->in_server)
      continue;
    for (i = 0; i < n && s[i] != '=' && s[i] != ' ' && s[i] != '\t'; i++)
      if (kl < sizeof key - 1)
        key[kl++] = s[i] == '-' ? '_' : s[i];
    key[kl] = '\0';
    if (strncasecmp (key, "loose_", 6) == 0)
      memmove (key, key + 6, kl - 5);
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
      i++;
    if (strcasecmp (key, "skip_networking") == 0) {
      st->skip_networking = 1;
      continue;
    }
    if (i >= n || s[i] != '=')
      continue;
    i++;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
      i++;
    if (i < n && (s[i] == '"' || s[i] == '\'')) {
      const char *q = memchr (s + i + 1, s[i], n - i - 1);
      vs = i + 1;
      ve = q ? (size_t) (q - s) : n;
    } else {
      const char *h = NULL;
      size_t k;
      for (k = i; k < n; k++)
        if (s[k] == '#' && k > i && (s[k - 1] == ' ' || s[k - 1] == '\t')) {
          h = s + k;
          break;
        }
      vs = i;
      ve = h ? (size_t) (h - s) : n;
      while (ve > vs && (s[ve - 1] == ' ' || s[ve - 1] == '\t'))
        ve--;
    }
    if (strcasecmp (key, "port") == 0)
      r = set (&st->port, s + vs, ve - vs, file, l.line, s, n, err);
    else if (strcasecmp (key, "datadir") == 0)
      r = set (&st->data_dir, s + vs, ve - vs, file, l.line, s, n, err);
    else if (strcasecmp (key, "bind_address") == 0)
      r = set (&st->bind, s + vs, ve - vs, file, l.line, s, n, err);
    else if ((strcasecmp (key, "ssl_key") == 0
              || strcasecmp (key, "ssl_cert") == 0
              || strcasecmp (key, "ssl_ca") == 0)
             && ve > vs) {
      char *v = v2c_strndup0 (s + vs, ve - vs);
      r = v ? ref (out, st->base.service, v, file, l.line, s, n, err)
            : oom (err);
      free (v);
    } else if (strcasecmp (key, "skip_networking") == 0)
      st->skip_networking = !(ve - vs == 1 && s[vs] == '0')
                            && !v2c_conf_word_eq (s + vs, ve - vs, "off")
                            && !v2c_conf_word_eq (s + vs, ve - vs, "false");
  }
  st->in_server = saved;
  free (dir);
  return r;
}

static int
my_finish (void *state, struct v2c_conf_facts *out, struct v2c_err *err)
{
  static const struct server_defaults def
      = { 3306, "default port 3306", "/var/lib/mysql",
          "default datadir /var/lib/mysql" };
  struct my_state *st = state;

  if (!st->server_seen)
    return 0;
  return report_server (&st->base, st->skip_networking ? NULL : &st->port,
                        st->bind.value, &st->data_dir, &def, out, err);
}

static void
my_release (void *state)
{
  struct my_state *st = state;

  UNSET (&st->port, &st->data_dir, &st->bind);
}

V2C_CONF_DEFINE_SYNTAX (mysql, "mysql", struct my_state, my)

/* ------------------------------------------------------------------ */
/* redis.conf                                                          */

/* requirepass and masterauth hold passwords: the secrets scanner
 * reports them, never these facts. */
struct rd_state {
  struct v2c_conf_state base;
  struct setting port, tls_port, dir, bind;
};

static int
rd_parse (void *state, const char *file, const char *buf, size_t len,
          struct v2c_conf_facts *out, v2c_include_cb inc, void *opaque,
          struct v2c_err *err)
{
  struct rd_state *st = state;
  struct lines l = { buf, len, 0, 0 };
  const char *s;
  size_t n;
  int r = 0;

  (void) out;
  while (r == 0 && next_line (&l, &s, &n)) {
    char *w[V2C_CONF_MAX_ARGS];
    size_t nw;

    if (n == 0 || s[0] == '#')
      continue;
    nw = words (s, n, w, V2C_CONF_MAX_ARGS, NULL);
    if (nw >= 2) {
      const char *k = w[0];
      if (strcasecmp (k, "port") == 0)
        r = set (&st->port, w[1], strlen (w[1]), file, l.line, s, n, err);
      else if (strcasecmp (k, "tls-port") == 0)
        r = set (&st->tls_port, w[1], strlen (w[1]), file, l.line, s, n, err);
      else if (strcasecmp (k, "dir") == 0)
        r = set (&st->dir, w[1], strlen (w[1]), file, l.line, s, n, err);
      else if (strcasecmp (k, "bind") == 0) {
        /* "-::1": an address that may be missing */
        const char *a = w[1][0] == '-' ? w[1] + 1 : w[1];
        r = set (&st->bind, a, strlen (a), file, l.line, s, n, err);
      } else if (strcasecmp (k, "tls-key-file") == 0
                 || strcasecmp (k, "tls-cert-file") == 0
                 || strcasecmp (k, "tls-ca-cert-file") == 0
                 || strcasecmp (k, "aclfile") == 0)
        r = ref (out, st->base.service, w[1], file, l.line, s, n, err);
      else if (strcasecmp (k, "include") == 0)
        r = include (inc, opaque, file, l.line, NULL, w[1], err);
    }
    free_words (w, nw);
  }
  return r;
}

static int
rd_finish (void *state, struct v2c_conf_facts *out, struct v2c_err *err)
{
  struct rd_state *st = state;
  int r;

  /* port 0: no TCP listener */
  r = report_port (&st->base, &st->port, 6379, "default port 6379",
                   st->bind.value, out, err);
  if (r == 0 && st->tls_port.value)
    r = report_port (&st->base, &st->tls_port, 0, "", st->bind.value, out,
                     err);
  if (r == 0)
    r = report_dir (&st->base, &st->dir, NULL, NULL, out, err);
  return r;
}

static void
rd_release (void *state)
{
  struct rd_state *st = state;

  UNSET (&st->port, &st->tls_port, &st->dir, &st->bind);
}

V2C_CONF_DEFINE_SYNTAX (redis, "redis", struct rd_state, rd)

/* ------------------------------------------------------------------ */
/* sshd_config                                                         */

/* Port may be given several times, and ListenAddress may name a port;
 * neither is allowed inside Match.  Include patterns are relative to
 * /etc/ssh (passed on as written). */
struct ssh_state {
  struct v2c_conf_state base;
  int ports_seen, in_match;
};

static int
ssh_parse (void *state, const char *file, const char *buf, size_t len,
           struct v2c_conf_facts *out, v2c_include_cb inc, void *opaque,
           struct v2c_err *err)
{
  struct ssh_state *st = state;
  struct lines l = { buf, len, 0, 0 };
  const char *s;
  size_t n;
  int r = 0, saved = st->in_match;

  while (r == 0 && next_line (&l, &s, &n)) {
    char *w[V2C_CONF_MAX_ARGS];
    size_t nw, i;

    if (n == 0 || s[0] == '#')
      continue;
    nw = words (s, n, w, V2C_CONF_MAX_ARGS, "=");
    if (nw >= 1 && strcasecmp (w[0], "Match") == 0)
      st->in_match = !(nw == 2 && strcasecmp (w[1], "all") == 0);
    else if (nw >= 2 && strcasecmp (w[0], "Port") == 0 && !st->in_match) {
      int port = v2c_conf_port (w[1], strlen (w[1]));
      if (port > 0) {
        st->ports_seen = 1;
        r = v2c_conf_add_port (out, port, "tcp", NULL, st->base.service,
                               v2c_conf_evidence (file, l.line, s, n), err);
      }
    } else if (nw >= 2 && strcasecmp (w[0], "ListenAddress") == 0
               && !st->in_match) {
      char *addr;
      int port;
      if (v2c_conf_hostport (w[1], strlen (w[1]), -1, &addr, &port) == -1)
        r = -1;
      else if (port > 0) {
        st->ports_seen = 1;
        r = v2c_conf_add_port (out, port, "tcp", addr, st->base.service,
                               v2c_conf_evidence (file, l.line, s, n), err);
      }
      free (addr);
    } else if (nw >= 2 && strcasecmp (w[0], "Include") == 0)
      for (i = 1; i < nw && r == 0; i++)
        r = include (inc, opaque, file, l.line, NULL, w[i], err);
    free_words (w, nw);
  }
  st->in_match = saved;
  return r;
}

static int
ssh_finish (void *state, struct v2c_conf_facts *out, struct v2c_err *err)
{
  struct ssh_state *st = state;

  if (st->ports_seen)
    return 0;
  return v2c_conf_add_port (out, 22, "tcp", NULL, st->base.service,
                            default_evidence (&st->base, "default Port 22"),
                            err);
}

static void
ssh_release (void *state)
{
  (void) state;
}

V2C_CONF_DEFINE_SYNTAX (sshd, "sshd", struct ssh_state, ssh)

/* ------------------------------------------------------------------ */
/* mongod.conf: YAML (net.port, net.bindIp, storage.dbPath) or the old
 * "key = value" format (port, bind_ip, dbpath).                       */

#define YAML_MAX_DEPTH 64
#define YAML_MAX_KEY 256

struct mg_state {
  struct v2c_conf_state base;
  struct setting port, bind, dir;
};

/* The physical line around offset off. */
static void
line_at (const char *buf, size_t len, size_t off, const char **s, size_t *n)
{
  size_t a = off > len ? len : off, e = a;

  while (a > 0 && buf[a - 1] != '\n')
    a--;
  while (e < len && buf[e] != '\n')
    e++;
  *s = buf + a;
  *n = e - a;
}

static int
mg_value (struct mg_state *st, const char *path, const char *v, size_t vl,
          const char *file, int line, const char *text, size_t tlen,
          struct v2c_err *err)
{
  if (strcmp (path, "net.port") == 0 || strcasecmp (path, "port") == 0)
    return set (&st->port, v, vl, file, line, text, tlen, err);
  if (strcmp (path, "net.bindIp") == 0 || strcasecmp (path, "bind_ip") == 0)
    return set (&st->bind, v, vl, file, line, text, tlen, err);
  if (strcmp (path, "storage.dbPath") == 0 || strcasecmp (path, "dbpath") == 0)
    return set (&st->dir, v, vl, file, line, text, tlen, err);
  return 0;
}

static int
mg_old (struct mg_state *st, const char *file, const char *buf, size_t len,
        struct v2c_err *err)
{
  struct lines l = { buf, len, 0, 0 };
  const char *s;
  size_t n;
  int r = 0;

  while (r == 0 && next_line (&l, &s, &n)) {
    const char *eq = memchr (s, '=', n);
    size_t kl, vs;
    char key[32];

    if (n == 0 || s[0] == '#' || eq == NULL)
      continue;
    kl = eq - s;
    while (kl > 0 && (s[kl - 1] == ' ' || s[kl - 1] == '\t'))
      kl--;
    if (kl == 0 || kl >= sizeof key)
      continue;
    memcpy (key, s, kl);
    key[kl] = '\0';
    vs = eq - s + 1;
    while (vs < n && (s[vs] == ' ' || s[vs] == '\t'))
      vs++;
    r = mg_value (st, key, s + vs, n - vs, file, l.line, s, n, err);
  }
  return r;
}

struct yframe {
  int mapping, want_key;
  char *key;
};

static int
mg_parse (void *state, const char *file, const char *buf, size_t len,
          struct v2c_conf_facts *out, v2c_include_cb inc, void *opaque,
          struct v2c_err *err)
{
  struct mg_state *st = state;
  struct yframe fr[YAML_MAX_DEPTH];
  yaml_parser_t p;
  size_t depth = 0, skipped = 0, i;
  int r = 0, done = 0, root_seen = 0, old = 0;

  (void) out;
  (void) inc;
  (void) opaque;
  if (!yaml_parser_initialize (&p))
    return oom (err);
  yaml_parser_set_input_string (&p, (const unsigned char *) buf, len);
  while (!done && r == 0) {
    yaml_event_t ev;
    struct yframe *top;

    if (!yaml_parser_parse (&p, &ev)) {
      /* not YAML: maybe the old format */
      old = 1;
      break;
    }
    top = depth && !skipped ? &fr[depth - 1] : NULL;
    switch (ev.type) {
    case YAML_STREAM_END_EVENT:
      done = 1;
      break;
    case YAML_SCALAR_EVENT:
    case YAML_ALIAS_EVENT:
      if (!root_seen && depth == 0) {
        /* a document that is one scalar: "key = value" lines */
        old = ev.type == YAML_SCALAR_EVENT;
        done = 1;
        break;
      }
      if (top && top->mapping && top->want_key) {
        free (top->key);
        top->key = NULL;
        if (ev.type == YAML_SCALAR_EVENT
            && ev.data.scalar.length < YAML_MAX_KEY) {
          top->key = v2c_strndup0 ((const char *) ev.data.scalar.value,
                                   ev.data.scalar.length);
          if (top->key == NULL)
            r = oom (err);
        }
        top->want_key = 0;
      } else if (top) {
        if (top->mapping && ev.type == YAML_SCALAR_EVENT) {
          char path[YAML_MAX_DEPTH * (YAML_MAX_KEY + 1)];
          size_t pl = 0;
          for (i = 0; i < depth; i++) {
            const char *k = fr[i].mapping && fr[i].key ? fr[i].key : "-";
            pl += snprintf (path + pl, sizeof path - pl, "%s%s", i ? "." : "",
                            k);
            if (pl >= sizeof path)
              break;
          }
          if (pl < sizeof path) {
            const char *ls;
            size_t ln;
            line_at (buf, len, ev.start_mark.index, &ls, &ln);
            r = mg_value (st, path, (const char *) ev.data.scalar.value,
                          ev.data.scalar.length, file,
                          (int) ev.start_mark.line + 1, ls, ln, err);
          }
        }
        if (top->mapping)
          top->want_key = 1;
      }
      break;
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT:
      root_seen = 1;
      if (skipped || depth >= YAML_MAX_DEPTH) {
        skipped++;
        break;
      }
      fr[depth].mapping = ev.type == YAML_MAPPING_START_EVENT;
      fr[depth].want_key = 1;
      fr[depth].key = NULL;
      depth++;
      break;
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
      if (skipped) {
        skipped--;
        break;
      }
      if (depth) {
        free (fr[--depth].key);
        if (depth && fr[depth - 1].mapping)
          fr[depth - 1].want_key = 1;
      }
      break;
    default:
      break;
    }
    yaml_event_delete (&ev);
  }
  for (i = 0; i < depth; i++)
    free (fr[i].key);
  if (old && r == 0) {
    size_t line = p.problem_mark.line + 1;
    int yaml_failed = p.error != YAML_NO_ERROR;
    r = mg_old (st, file, buf, len, err);
    if (r == 0 && yaml_failed && !st->port.value && !st->dir.value
        && !st->bind.value)
      r = v2c_set_error (err, 0, "can't parse '%s' line %zu: %s", file, line,
                         p.problem ? p.problem : "not YAML");
  }
  yaml_parser_delete (&p);
  return r;
}

static int
mg_finish (void *state, struct v2c_conf_facts *out, struct v2c_err *err)
{
  static const struct server_defaults def
      = { 27017, "default net.port 27017", "/data/db",
          "default storage.dbPath /data/db" };
  struct mg_state *st = state;

  return report_server (&st->base, &st->port, st->bind.value, &st->dir,
                        &def, out, err);
}

static void
mg_release (void *state)
{
  struct mg_state *st = state;

  UNSET (&st->port, &st->bind, &st->dir);
}

V2C_CONF_DEFINE_SYNTAX (mongodb, "mongodb", struct mg_state, mg)
