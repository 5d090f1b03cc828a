/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Web servers' configuration: nginx, apache httpd, tomcat's server.xml.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "inspect-conf-private.h"
#include "strbuf.h"

#define MAX_WORD (64u << 10)
#define MAX_NAMES 1024

static int
oom (struct v2c_err *err)
{
  return v2c_set_error (err, ENOMEM, "out of memory");
}

/* Names past MAX_NAMES are dropped: a hostile file can't grow them. */
static int
add_name (struct v2c_strvec *v, const char *s, size_t len)
{
  return v->n >= MAX_NAMES ? 0 : v2c_strvec_pushn (v, s, len);
}

/* A port fact from "ADDR:PORT" style text; nothing when it holds no
 * usable port. */
static int
listen_port (struct v2c_conf_facts *out, const char *spec, int def,
             const char *proto, const char *service, const char *file,
             int line, const char *text, size_t tlen, struct v2c_err *err)
{
  char *addr, *ev;
  int port, r;

  if (v2c_conf_hostport (spec, strlen (spec), def, &addr, &port) == -1)
    return oom (err);
  if (port <= 0) {
    free (addr);
    return 0;
  }
  ev = v2c_conf_evidence (file, line, text, tlen);
  r = v2c_conf_add_port (out, port, proto, addr, service, ev, err);
  free (addr);
  return r;
}

/* ------------------------------------------------------------------ */
/* nginx                                                               */

enum nx_ctx {
  NX_MAIN,
  NX_HTTP,
  NX_SERVER,
  NX_STREAM,
  NX_SSERVER,
  NX_UPSTREAM,
  NX_OTHER
};

struct nx_block {
  enum nx_ctx ctx;
  int line;
  int has_listen;
  const char *file;
};

struct nx_state {
  struct v2c_conf_state base;
  struct nx_block stack[V2C_CONF_MAX_DEPTH];
  size_t depth;
  struct v2c_strvec upstreams;
  /* proxy_pass URLs without a port: an upstream's name, or a host */
  struct v2c_strvec pend_host, pend_target;
};

enum nx_tok { T_EOF, T_WORD, T_SEMI, T_OPEN, T_CLOSE };

struct nx_lex {
  const char *b;
  size_t len, pos;
  int line;
};

static int
nx_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Next token; a word is returned malloc'd in *word (quotes removed,
 * escapes \" \' \\ \n \t \r in quoted strings resolved). */
static int
nx_next (struct nx_lex *lx, enum nx_tok *tok, char **word, size_t *start,
         int *line, const char *file, struct v2c_err *err)
{
  const char *b = lx->b;
  size_t n = lx->len, w;
  char *out;

  *word = NULL;
  for (;;) {
    while (lx->pos < n && nx_space (b[lx->pos])) {
      if (b[lx->pos] == '\n')
        lx->line++;
      lx->pos++;
    }
    if (lx->pos < n && b[lx->pos] == '#') {
      while (lx->pos < n && b[lx->pos] != '\n')
        lx->pos++;
      continue;
    }
    break;
  }
  *start = lx->pos;
  *line = lx->line;
  if (lx->pos >= n) {
    *tok = T_EOF;
    return 0;
  }
  switch (b[lx->pos]) {
  case ';':
    lx->pos++;
    *tok = T_SEMI;
    return 0;
  case '{':
    lx->pos++;
    *tok = T_OPEN;
    return 0;
  case '}':
    lx->pos++;
    *tok = T_CLOSE;
    return 0;
  }
  out = malloc (64);
  if (out == NULL)
    return oom (err);
  w = 0;
  *tok = T_WORD;
  if (b[lx->pos] == '"' || b[lx->pos] == '\'') {
    char q = b[lx->pos++];
    size_t cap = 64;
    while (lx->pos < n && b[lx->pos] != q) {
      char c = b[lx->pos++];
      if (c == '\n')
        lx->line++;
      if (c == '\\' && lx->pos < n) {
        char e = b[lx->pos];
        if (e == '"' || e == '\'' || e == '\\') {
          c = e;
          lx->pos++;
        } else if (e == 'n' || e == 't' || e == 'r') {
          c = e == 'n' ? '\n' : e == 't' ? '\t' : '\r';
          lx->pos++;
        }
      }
      if (w + 2 > cap) {
        char *no;
        if (cap >= MAX_WORD) {
          free (out);
          return v2c_set_error (err, 0, "'%s' line %d: string too long", file,
                                *line);
        }
        no = realloc (out, cap * 2);
        if (no == NULL) {
          free (out);
          return oom (err);
        }
        out = no;
        cap *= 2;
      }
      out[w++] = c;
    }
    if (lx->pos >= n) {
      free (out);
      return v2c_set_error (err, 0, "'%s' line %d: unterminated string", file,
                            *line);
    }
    lx->pos++;
    out[w] = '\0';
    *word = out;
    return 0;
  }
  {
    size_t s = lx->pos, brace = 0;
    char *no;
    while (lx->pos < n) {
      char c = b[lx->pos];
      if (nx_space (c) || c == ';' || (c == '{' && !brace)
          || (c == '}' && !brace))
        break;
      /* ${var} is part of a word */
      if (c == '$' && lx->pos + 1 < n && b[lx->pos + 1] == '{') {
        brace = 1;
        lx->pos += 2;
        continue;
      }
      if (c == '}')
        brace = 0;
      if (c == '\\' && lx->pos + 1 < n && b[lx->pos + 1] != '\n')
        lx->pos++;
      lx->pos++;
    }
    if (lx->pos - s > MAX_WORD) {
      free (out);
      return v2c_set_error (err, 0, "'%s' line %d: word too long", file,
                            *line);
    }
    no = realloc (out, lx->pos - s + 1);
    if (no == NULL) {
      free (out);
      return oom (err);
    }
    out = no;
    memcpy (out, b + s, lx->pos - s);
    out[lx->pos - s] = '\0';
    *word = out;
  }
  return 0;
}

static enum nx_ctx
nx_top (const struct nx_state *st)
{
  return st->depth ? st->stack[st->depth - 1].ctx : NX_MAIN;
}

/* Whether a URL names its port: the authority has ':' after the host. */
static int
url_has_port (const char *url)
{
  const char *h = strstr (url, "://"), *end, *at, *c;

  if (h == NULL)
    return 0;
  h += 3;
  end = h + strcspn (h, "/?#");
  at = memchr (h, '@', end - h);
  if (at)
    h = at + 1;
  if (*h == '[') {
    c = memchr (h, ']', end - h);
    return c && c + 1 < end && c[1] == ':';
  }
  return memchr (h, ':', end - h) != NULL;
}

static int
nx_pass (struct nx_state *st, struct v2c_conf_facts *out, const char *arg,
         struct v2c_err *err)
{
  char *t = NULL, *addr = NULL;
  int port;

  if (strchr (arg, '$') || v2c_strcaseprefix (arg, "unix:"))
    return 0;
  if (strstr (arg, "://")) {
    const char *h = strstr (arg, "://") + 3;
    t = v2c_conf_url_target (arg);
    if (t == NULL)
      return 0;
    if (!url_has_port (arg)) {
      /* maybe an upstream's name: decided when the tree is read */
      size_t hl = strcspn (h, "/?#:");
      if (add_name (&st->pend_host, h, hl) == -1
          || add_name (&st->pend_target, t, strlen (t)) == -1) {
        free (t);
        return oom (err);
      }
      free (t);
      return 0;
    }
  } else {
    /* fastcgi_pass 127.0.0.1:9000; stream proxy_pass host:port */
    if (v2c_conf_hostport (arg, strlen (arg), -1, &addr, &port) == -1)
      return oom (err);
    if (addr == NULL || port <= 0) {
      free (addr);
      return 0;
    }
    if (asprintf (&t, strchr (addr, ':') ? "[%s]:%d" : "%s:%d", addr, port)
        == -1)
      t = NULL;
    free (addr);
    if (t == NULL)
      return oom (err);
  }
  port = v2c_conf_add_proxy (out, t, err);
  free (t);
  return port;
}

static int
nx_directive (struct nx_state *st, const char *file, int line, char **args,
              size_t nargs, const char *text, size_t tlen,
              struct v2c_conf_facts *out, v2c_include_cb inc, void *opaque,
              struct v2c_err *err)
{
  enum nx_ctx ctx = nx_top (st);
  const char *d = args[0];

  if (nargs < 2)
    return 0;
  if (strcmp (d, "listen") == 0 && (ctx == NX_SERVER || ctx == NX_SSERVER)) {
    const char *proto = "tcp";
    size_t i;
    st->stack[st->depth - 1].has_listen = 1;
    if (v2c_strcaseprefix (args[1], "unix:"))
      return 0;
    for (i = 2; i < nargs; i++)
      if (strcmp (args[i], "udp") == 0 || strcmp (args[i], "quic") == 0)
        proto = "udp";
    return listen_port (out, args[1], ctx == NX_SERVER ? 80 : -1, proto,
                        st->base.service, file, line, text, tlen, err);
  }
  if (strcmp (d, "proxy_pass") == 0 || strcmp (d, "fastcgi_pass") == 0
      || strcmp (d, "uwsgi_pass") == 0 || strcmp (d, "scgi_pass") == 0
      || strcmp (d, "grpc_pass") == 0 || strcmp (d, "memcached_pass") == 0)
    return nx_pass (st, out, args[1], err);
  if (strcmp (d, "server") == 0 && ctx == NX_UPSTREAM) {
    char *addr, *t;
    int port, r;
    if (v2c_strcaseprefix (args[1], "unix:") || strchr (args[1], '$'))
      return 0;
    if (v2c_conf_hostport (args[1], strlen (args[1]), 80, &addr, &port) == -1)
      return oom (err);
    if (addr == NULL || port <= 0) {
      free (addr);
      return 0;
    }
    r = asprintf (&t, strchr (addr, ':') ? "[%s]:%d" : "%s:%d", addr, port);
    free (addr);
    if (r == -1)
      return oom (err);
    r = v2c_conf_add_proxy (out, t, err);
    free (t);
    return r;
  }
  if (strcmp (d, "ssl_certificate_key") == 0 || strcmp (d, "ssl_certificate") == 0
      || strcmp (d, "ssl_password_file") == 0
      || strcmp (d, "ssl_trusted_certificate") == 0
      || strcmp (d, "ssl_client_certificate") == 0
      || strcmp (d, "auth_basic_user_file") == 0) {
    char *ev = v2c_conf_evidence (file, line, text, tlen);
    if (ev == NULL)
      return oom (err);
    return v2c_conf_add_ref (out, args[1], st->base.service, ev, err);
  }
  if (strcmp (d, "include") == 0 && inc && inc (opaque, args[1]) == -1)
    return v2c_set_error (err, 0, "'%s' line %d: can't include '%s'", file,
                          line, args[1]);
  return 0;
}

static int
nx_open (struct nx_state *st, const char *file, int line, char **args,
         size_t nargs, struct v2c_err *err)
{
  enum nx_ctx ctx = nx_top (st), nc = NX_OTHER;
  const char *d = args[0];

  if (st->depth >= V2C_CONF_MAX_DEPTH)
    return v2c_set_error (err, 0, "'%s' line %d: blocks nested too deeply",
                          file, line);
  if (strcmp (d, "http") == 0 && ctx == NX_MAIN)
    nc = NX_HTTP;
  else if (strcmp (d, "stream") == 0 && ctx == NX_MAIN)
    nc = NX_STREAM;
  else if (strcmp (d, "server") == 0 && (ctx == NX_HTTP || ctx == NX_MAIN))
    nc = NX_SERVER;
  else if (strcmp (d, "server") == 0 && ctx == NX_STREAM)
    nc = NX_SSERVER;
  else if (strcmp (d, "upstream") == 0 && nargs >= 2) {
    nc = NX_UPSTREAM;
    if (add_name (&st->upstreams, args[1], strlen (args[1])) == -1)
      return oom (err);
  }
  st->stack[st->depth].ctx = nc;
  st->stack[st->depth].line = line;
  st->stack[st->depth].has_listen = 0;
  st->stack[st->depth].file = file;
  st->depth++;
  return 0;
}

static int
nx_close (struct nx_state *st, struct v2c_conf_facts *out, struct v2c_err *err)
{
  struct nx_block *b = &st->stack[--st->depth];

  if (b->ctx == NX_SERVER && !b->has_listen) {
    /* nginx's default when a server names no listen */
    static const char text[] = "server (no listen: default *:80)";
    char *ev = v2c_conf_evidence (b->file, b->line, text, sizeof text - 1);
    return v2c_conf_add_port (out, 80, "tcp", NULL, st->base.service, ev, err);
  }
  return 0;
}

static int
nx_parse (void *state, const char *file, const char *buf, size_t len,
          struct v2c_conf_facts *out, v2c_include_cb inc, void *opaque,
          struct v2c_err *err)
{
  struct nx_state *st = state;
  struct nx_lex lx = { buf, len, 0, 1 };
  size_t base = st->depth, nargs = 0, kept = 0, dstart = 0, i;
  char *args[V2C_CONF_MAX_ARGS];
  int dline = 0, r = 0;

  for (;;) {
    enum nx_tok tok = T_EOF;
    char *word;
    size_t start;
    int line;

    if (nx_next (&lx, &tok, &word, &start, &line, file, err) == -1) {
      r = -1;
      break;
    }
    if (tok == T_WORD) {
      if (nargs == 0) {
        dstart = start;
        dline = line;
      }
      nargs++;
      if (kept < V2C_CONF_MAX_ARGS)
        args[kept++] = word;
      else
        free (word);
      continue;
    }
    if (tok == T_EOF) {
      if (nargs > 0 || st->depth != base)
        r = v2c_set_error (err, 0, "'%s' line %d: unexpected end of file",
                           file, line);
      break;
    }
    if (tok == T_SEMI && nargs > 0)
      r = nx_directive (st, file, dline, args, kept, buf + dstart,
                        lx.pos - dstart, out, inc, opaque, err);
    else if (tok == T_OPEN && nargs > 0)
      r = nx_open (st, file, dline, args, kept, err);
    else if (tok == T_CLOSE && nargs == 0 && st->depth > base)
      r = nx_close (st, out, err);
    else
      r = v2c_set_error (err, 0, "'%s' line %d: unexpected '%c'", file, line,
                         buf[start]);
    for (i = 0; i < kept; i++)
      free (args[i]);
    nargs = kept = 0;
    if (r == -1)
      break;
  }
  for (i = 0; i < kept; i++)
    free (args[i]);
  /* a broken file does not leave its blocks open for the next */
  st->depth = st->depth > base ? base : st->depth;
  return r;
}

static int
nx_finish (void *state, struct v2c_conf_facts *out, struct v2c_err *err)
{
  struct nx_state *st = state;
  size_t i;

  for (i = 0; i < st->pend_host.n && i < st->pend_target.n; i++)
    if (v2c_strvec_find (&st->upstreams, st->pend_host.v[i]) < 0
        && v2c_conf_add_proxy (out, st->pend_target.v[i], err) == -1)
      return -1;
  return 0;
}

static void
nx_release (void *state)
{
  struct nx_state *st = state;

  v2c_strvec_clear (&st->upstreams);
  v2c_strvec_clear (&st->pend_host);
  v2c_strvec_clear (&st->pend_target);
}

V2C_CONF_DEFINE_SYNTAX (nginx, "nginx", struct nx_state, nx)

/* ------------------------------------------------------------------ */
/* apache httpd                                                        */

struct ap_section {
  int active;
};

struct ap_state {
  struct v2c_conf_state base;
  struct ap_section stack[V2C_CONF_MAX_DEPTH];
  size_t depth;
  struct v2c_strvec modules; /* LoadModule'd, as "ssl_module" */
  char *server_root;
};

/* Modules built into Debian's and Fedora's httpd binaries. */
static const char *const ap_static[] = { "core_module",       "so_module",
                                         "watchdog_module",   "http_module",
                                         "log_config_module", "logio_module",
                                         "version_module",    "unixd_module",
                                         "mpm_common_module", NULL };

/* The words of a directive line, as ap_getword_conf splits them. */
static size_t
ap_words (const char *s, size_t n, char **v, size_t max)
{
  size_t i = 0, cnt = 0;

  while (i < n) {
    size_t w = 0;
    char *out;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
      i++;
    if (i >= n)
      break;
    out = malloc (n - i + 1);
    if (out == NULL)
      break;
    if (s[i] == '"' || s[i] == '\'') {
      char q = s[i++];
      while (i < n && s[i] != q) {
        if (s[i] == '\\' && i + 1 < n && (s[i + 1] == q || s[i + 1] == '\\'))
          i++;
        out[w++] = s[i++];
      }
      if (i < n)
        i++;
    } else
      while (i < n && s[i] != ' ' && s[i] != '\t')
        out[w++] = s[i++];
    out[w] = '\0';
    if (cnt < max)
      v[cnt++] = out;
    else
      free (out);
  }
  return cnt;
}

/* "mod_ssl.c" and "ssl_module" both name ssl_module. */
static char *
ap_module_id (const char *name)
{
  size_t n = strlen (name);
  char *out;

  if (v2c_strcaseprefix (name, "mod_") && n > 6
      && strcmp (name + n - 2, ".c") == 0) {
    if (asprintf (&out, "%.*s_module", (int) (n - 6), name + 4) == -1)
      return NULL;
    return out;
  }
  return strdup (name);
}

static int
ap_if_module (struct ap_state *st, const char *arg)
{
  int neg = arg[0] == '!';
  char *id = ap_module_id (arg + neg);
  size_t i;
  int have;

  /* without LoadModule lines (a lone file) every branch may apply */
  if (id == NULL || st->modules.n == 0) {
    free (id);
    return 1;
  }
  have = v2c_strvec_find (&st->modules, id) >= 0;
  for (i = 0; ap_static[i]; i++)
    if (strcmp (ap_static[i], id) == 0)
      have = 1;
  free (id);
  return neg ? !have : have;
}

static int
ap_line (struct ap_state *st, const char *file, int line, const char *s,
         size_t n, struct v2c_conf_facts *out, v2c_include_cb inc,
         void *opaque, struct v2c_err *err)
{
  char *w[V2C_CONF_MAX_ARGS];
  size_t nw, i;
  int active = st->depth ? st->stack[st->depth - 1].active : 1, r = 0;
  const char *d;

  if (n >= 2 && s[0] == '<' && s[1] == '/') {
    if (st->depth > 0)
      st->depth--;
    return 0;
  }
  if (s[0] == '<') {
    size_t e = n;
    int act = active;
    while (e > 1 && (s[e - 1] == ' ' || s[e - 1] == '\t'))
      e--;
    if (e > 1 && s[e - 1] == '>')
      e--;
    nw = ap_words (s + 1, e - 1, w, V2C_CONF_MAX_ARGS);
    if (nw == 0)
      return 0;
    if (st->depth >= V2C_CONF_MAX_DEPTH) {
      r = v2c_set_error (err, 0, "'%s' line %d: sections nested too deeply",
                         file, line);
      goto out;
    }
    if (strcasecmp (w[0], "IfModule") == 0 && nw >= 2)
      act = active && ap_if_module (st, w[1]);
    else if (strcasecmp (w[0], "VirtualHost") == 0 && active)
      for (i = 1; i < nw && r == 0; i++) {
        /* a virtual host's address names its port; one without a port
           takes the Listen ports */
        if (strchr (w[i], ':') == NULL || w[i][0] == '_')
          continue;
        r = listen_port (out, w[i], -1, "tcp", st->base.service, file, line, s,
                         n, err);
      }
    st->stack[st->depth++].active = act;
    goto out;
  }
  if (!active)
    return 0;
  nw = ap_words (s, n, w, V2C_CONF_MAX_ARGS);
  if (nw < 2)
    goto out;
  d = w[0];
  if (strcasecmp (d, "LoadModule") == 0) {
    if (add_name (&st->modules, w[1], strlen (w[1])) == -1)
      r = oom (err);
  } else if (strcasecmp (d, "ServerRoot") == 0) {
    free (st->server_root);
    st->server_root = strdup (w[1]);
    if (st->server_root == NULL)
      r = oom (err);
  } else if (strcasecmp (d, "Listen") == 0) {
    r = listen_port (out, w[1], -1, "tcp", st->base.service, file, line, s, n,
                     err);
  } else if (strcasecmp (d, "ProxyPass") == 0
             || strcasecmp (d, "ProxyPassMatch") == 0
             || strcasecmp (d, "BalancerMember") == 0) {
    for (i = 1; i < nw && r == 0; i++) {
      char *t;
      if (strstr (w[i], "://") == NULL
          || v2c_strcaseprefix (w[i], "balancer://"))
        continue;
      t = v2c_conf_url_target (w[i]);
      if (t)
        r = v2c_conf_add_proxy (out, t, err);
      free (t);
      break;
    }
  } else if (strcasecmp (d, "SSLCertificateKeyFile") == 0
             || strcasecmp (d, "SSLCertificateFile") == 0
             || strcasecmp (d, "SSLCACertificateFile") == 0
             || strcasecmp (d, "AuthUserFile") == 0
             || strcasecmp (d, "AuthGroupFile") == 0) {
    /* relative to ServerRoot; Debian's is the main file's directory */
    char *top = st->server_root || st->base.top == NULL
                    ? NULL : v2c_conf_dirname (st->base.top);
    char *p = v2c_conf_join (st->server_root ? st->server_root : top, w[1]);
    char *ev = p ? v2c_conf_evidence (file, line, s, n) : NULL;
    free (top);
    if (ev == NULL)
      r = oom (err);
    else
      r = v2c_conf_add_ref (out, p, st->base.service, ev, err);
    free (p);
  } else if ((strcasecmp (d, "Include") == 0
              || strcasecmp (d, "IncludeOptional") == 0)
             && inc) {
    char *p = v2c_conf_join (st->server_root, w[1]);
    if (p == NULL)
      r = oom (err);
    else if (inc (opaque, p) == -1)
      r = v2c_set_error (err, 0, "'%s' line %d: can't include '%s'", file,
                         line, w[1]);
    free (p);
  }
out:
  for (i = 0; i < nw; i++)
    free (w[i]);
  return r;
}

static int
ap_parse (void *state, const char *file, const char *buf, size_t len,
          struct v2c_conf_facts *out, v2c_include_cb inc, void *opaque,
          struct v2c_err *err)
{
  struct ap_state *st = state;
  size_t pos = 0, base = st->depth;
  int line = 1, r = 0;
  char *l = NULL;

  while (pos < len && r == 0) {
    size_t ln = 0, cap = 0, s;
    int first = line;

    /* a logical line: physical lines joined at a final backslash */
    for (;;) {
      const char *nl = memchr (buf + pos, '\n', len - pos);
      size_t e = nl ? (size_t) (nl - buf) : len, pe = e;
      int cont;
      if (pe > pos && buf[pe - 1] == '\r')
        pe--;
      cont = pe > pos && buf[pe - 1] == '\\';
      if (cont)
        pe--;
      if (ln + (pe - pos) + 1 > cap) {
        char *nl2;
        cap = ln + (pe - pos) + 64;
        nl2 = realloc (l, cap);
        if (nl2 == NULL) {
          free (l);
          return oom (err);
        }
        l = nl2;
      }
      memcpy (l + ln, buf + pos, pe - pos);
      ln += pe - pos;
      pos = e + 1;
      line++;
      if (!cont || e >= len)
        break;
    }
    if (l == NULL)
      continue;
    l[ln] = '\0';
    s = strspn (l, " \t");
    while (ln > s && (l[ln - 1] == ' ' || l[ln - 1] == '\t'))
      ln--;
    if (ln == s || l[s] == '#')
      continue;
    r = ap_line (st, file, first, l + s, ln - s, out, inc, opaque, err);
  }
  free (l);
  if (st->depth > base)
    st->depth = base;
  return r;
}

static int
ap_finish (void *state, struct v2c_conf_facts *out, struct v2c_err *err)
{
  (void) state;
  (void) out;
  (void) err;
  return 0;
}

static void
ap_release (void *state)
{
  struct ap_state *st = state;

  v2c_strvec_clear (&st->modules);
  free (st->server_root);
}

const struct v2c_conf_syntax v2c_conf_syntax_apache
    = { "apache2", sizeof (struct ap_state), ap_parse, ap_finish, ap_release };

int
v2c_conf_apache (const char *file, const char *buf, size_t len,
                 struct v2c_conf_facts *out, v2c_include_cb inc, void *opaque,
                 struct v2c_err *err)
{
  const char *svc = file && strstr (file, "httpd") ? "httpd" : "apache2";

  return v2c_conf_run_one (&v2c_conf_syntax_apache, svc, file, buf, len, out,
                           inc, opaque, err);
}

/* ------------------------------------------------------------------ */
/* tomcat server.xml                                                   */

/* libxml2 numbers an element by the line its start tag ends on; the
 * evidence names the line it starts on: the last "<NAME" at or before
 * the end of that line. */
static int
tc_start_line (const char *buf, size_t len, long line, const char *name)
{
  size_t pos = 0, nl = strlen (name), i;
  long cur = 1;
  int start = 0;

  while (pos < len && cur < line) {
    if (buf[pos] == '\n')
      cur++;
    pos++;
  }
  while (pos < len && buf[pos] != '\n')
    pos++;
  for (i = pos; i > 0; i--)
    if (buf[i - 1] == '<' && i + nl <= len
        && strncmp (buf + i, name, nl) == 0) {
      size_t k;
      start = 1;
      for (k = 0; k + 1 < i; k++)
        start += buf[k] == '\n';
      break;
    }
  return start ? start : (int) line;
}

/* Connector elements are the listening ports.  The Server element's
 * port is tomcat's shutdown port on localhost: not a service port, so
 * it is not reported. */
static int
tc_parse (void *state, const char *file, const char *buf, size_t len,
          struct v2c_conf_facts *out, v2c_include_cb inc, void *opaque,
          struct v2c_err *err)
{
  struct v2c_conf_state *st = state;
  xmlDocPtr doc;
  xmlNodePtr n;
  int r = 0;

  (void) inc;
  (void) opaque;
  if (len > INT_MAX)
    return v2c_set_error (err, EFBIG, "'%s' is too large", file);
  doc = xmlReadMemory (buf, (int) len, file, NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR
                           | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
  if (doc == NULL) {
    const xmlError *e = xmlGetLastError ();
    return v2c_set_error (err, 0, "can't parse '%s' line %d", file,
                          e ? e->line : 0);
  }
  n = xmlDocGetRootElement (doc);
  while (n && r == 0) {
    if (n->type == XML_ELEMENT_NODE
        && xmlStrcmp (n->name, BAD_CAST "Connector") == 0) {
      xmlChar *port = xmlGetNoNsProp (n, BAD_CAST "port");
      xmlChar *proto = xmlGetNoNsProp (n, BAD_CAST "protocol");
      xmlChar *addr = xmlGetNoNsProp (n, BAD_CAST "address");
      int p = port ? v2c_conf_port ((const char *) port,
                                    strlen ((const char *) port))
                   : -1;
      if (p > 0) {
        char *text;
        if (asprintf (&text, "<Connector port=\"%s\"%s%s%s%s%s%s>",
                      (const char *) port, proto ? " protocol=\"" : "",
                      proto ? (const char *) proto : "", proto ? "\"" : "",
                      addr ? " address=\"" : "",
                      addr ? (const char *) addr : "", addr ? "\"" : "")
            == -1)
          r = oom (err);
        else {
          int line = tc_start_line (buf, len, xmlGetLineNo (n), "Connector");
          char *ev = v2c_conf_evidence (file, line, text, strlen (text));
          r = v2c_conf_add_port (out, p, "tcp", (const char *) addr,
                                 st->service, ev, err);
          free (text);
        }
      }
      xmlFree (port);
      xmlFree (proto);
      xmlFree (addr);
    }
    /* depth-first, without recursion */
    if (n->children && n->type == XML_ELEMENT_NODE)
      n = n->children;
    else {
      while (n && n->next == NULL)
        n = n->parent && n->parent->type == XML_ELEMENT_NODE ? n->parent
                                                             : NULL;
      if (n)
        n = n->next;
    }
  }
  xmlFreeDoc (doc);
  return r;
}

static int
tc_finish (void *state, struct v2c_conf_facts *out, struct v2c_err *err)
{
  (void) state;
  (void) out;
  (void) err;
  return 0;
}

static void
tc_release (void *state)
{
  (void) state;
}

V2C_CONF_DEFINE_SYNTAX (tomcat, "tomcat", struct v2c_conf_state, tc)
