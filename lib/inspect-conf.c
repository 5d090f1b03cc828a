/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Service configuration facts: where the software's packages keep their
 * configuration, following its includes inside the guest, plus the ports
 * that services' command lines and environments name.
 */
#include <config.h>

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "inspect-conf-private.h"
#include "model.h"
#include "strbuf.h"
#include "systemd-exec.h"

#define MAX_INCLUDE_DEPTH 16
#define MAX_TREE_FILES 256
#define MAX_GLOB_MATCHES 1024

void
v2c_conf_facts_free_contents (struct v2c_conf_facts *f)
{
  size_t i;

  if (f == NULL)
    return;
  for (i = 0; i < f->nports; i++)
    V2C_FREE (f->ports[i].protocol, f->ports[i].address,
              f->ports[i].service, f->ports[i].evidence);
  free (f->ports);
  for (i = 0; i < f->ndirs; i++)
    V2C_FREE (f->dirs[i].path, f->dirs[i].service, f->dirs[i].evidence);
  free (f->dirs);
  for (i = 0; i < f->nrefs; i++)
    V2C_FREE (f->refs[i].path, f->refs[i].service, f->refs[i].evidence);
  free (f->refs);
  for (i = 0; i < f->nproxy; i++)
    free (f->proxy_targets[i]);
  free (f->proxy_targets);
  memset (f, 0, sizeof *f);
}

/* ------------------------------------------------------------------ */
/* Helpers shared by the syntaxes                                      */

int
v2c_conf_word_eq (const char *s, size_t n, const char *word)
{
  return strlen (word) == n && strncasecmp (s, word, n) == 0;
}

char *
v2c_conf_evidence (const char *file, int line, const char *text, size_t len)
{
  char *red, *out, *p;
  size_t i, n, cap = V2C_CONF_MAX_EVIDENCE;
  int space = 0;

  red = v2c_secret_redact_line (text, len);
  if (red == NULL)
    return NULL;
  out = malloc (cap + 1);
  if (out == NULL) {
    free (red);
    return NULL;
  }
  if (line > 0)
    snprintf (out, cap + 1, "%s:%d: ", file, line);
  else
    snprintf (out, cap + 1, "%s: ", file);
  n = strlen (out);
  p = red;
  while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
    p++;
  for (i = 0; p[i] && n < cap; i++) {
    unsigned char c = p[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v'
        || c == '\f') {
      space = 1;
      continue;
    }
    if (c < 0x20 || c == 0x7f)
      continue;
    if (space && n + 1 < cap)
      out[n++] = ' ';
    space = 0;
    out[n++] = c;
  }
  /* cut at a character boundary, marking the cut */
  if (p[i] && n >= cap) {
    n = cap - 3;
    while (n > 0 && ((unsigned char) out[n] & 0xc0) == 0x80)
      n--;
    memcpy (out + n, "...", 3);
    n += 3;
  }
  out[n] = '\0';
  free (red);
  return out;
}

static int
str_eq (const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return strcmp (a, b) == 0;
}

/* The facts v (n of size bytes) with room for one more, zeroed, whose
 * evidence this is; NULL with err set and the evidence freed. */
static void *
new_fact (void *v, size_t n, size_t size, const char *what, char *evidence,
          struct v2c_err *err)
{
  if (evidence == NULL) {
    v2c_set_error (err, ENOMEM, "out of memory");
    return NULL;
  }
  v = v2c_array_grow (v, n, size, V2C_CONF_MAX_FACTS, what, err);
  if (v == NULL)
    free (evidence);
  return v;
}

int
v2c_conf_add_port (struct v2c_conf_facts *f, int port, const char *protocol,
                   const char *address, const char *service, char *evidence,
                   struct v2c_err *err)
{
  struct v2c_port *v, *p;
  size_t i;

  for (i = 0; i < f->nports; i++)
    if (f->ports[i].port == port && str_eq (f->ports[i].protocol, protocol)
        && str_eq (f->ports[i].service, service)
        && str_eq (f->ports[i].address, address)) {
      free (evidence);
      return 0;
    }
  v = new_fact (f->ports, f->nports, sizeof *v, "ports in the configuration",
                evidence, err);
  if (v == NULL)
    return -1;
  f->ports = v;
  p = &v[f->nports];
  p->port = port;
  p->evidence = evidence;
  p->protocol = strdup (protocol);
  p->service = strdup (service);
  p->address = address ? strdup (address) : NULL;
  f->nports++;
  if (p->protocol == NULL || p->service == NULL
      || (address && p->address == NULL))
    return v2c_set_error (err, ENOMEM, "out of memory");
  return 0;
}

int
v2c_conf_add_dir (struct v2c_conf_facts *f, const char *path,
                  const char *service, char *evidence, struct v2c_err *err)
{
  struct v2c_datadir *v, *d;
  size_t i;

  for (i = 0; i < f->ndirs; i++)
    if (str_eq (f->dirs[i].path, path)
        && str_eq (f->dirs[i].service, service)) {
      free (evidence);
      return 0;
    }
  v = new_fact (f->dirs, f->ndirs, sizeof *v,
                "data directories in the configuration", evidence, err);
  if (v == NULL)
    return -1;
  f->dirs = v;
  d = &v[f->ndirs];
  d->evidence = evidence;
  d->used_bytes = -1;
  d->path = strdup (path);
  d->service = strdup (service);
  f->ndirs++;
  if (d->path == NULL || d->service == NULL)
    return v2c_set_error (err, ENOMEM, "out of memory");
  return 0;
}

int
v2c_conf_add_ref (struct v2c_conf_facts *f, const char *path,
                  const char *service, char *evidence, struct v2c_err *err)
{
  struct v2c_fileref *v, *d;
  size_t i;

  if (path[0] != '/' || v2c_model_path_problem (path)) {
    free (evidence);
    return 0;
  }
  for (i = 0; i < f->nrefs; i++)
    if (str_eq (f->refs[i].path, path)
        && str_eq (f->refs[i].service, service)) {
      free (evidence);
      return 0;
    }
  v = new_fact (f->refs, f->nrefs, sizeof *v,
                "files named in the configuration", evidence, err);
  if (v == NULL)
    return -1;
  f->refs = v;
  d = &v[f->nrefs];
  d->evidence = evidence;
  d->path = strdup (path);
  d->service = strdup (service);
  f->nrefs++;
  if (d->path == NULL || d->service == NULL)
    return v2c_set_error (err, ENOMEM, "out of memory");
  return 0;
}

int
v2c_conf_add_proxy (struct v2c_conf_facts *f, const char *target,
                    struct v2c_err *err)
{
  char **v;
  size_t i;

  for (i = 0; i < f->nproxy; i++)
    if (strcmp (f->proxy_targets[i], target) == 0)
      return 0;
  v = v2c_array_grow (f->proxy_targets, f->nproxy, sizeof *v,
                      V2C_CONF_MAX_FACTS, "proxy targets in the configuration",
                      err);
  if (v == NULL)
    return -1;
  f->proxy_targets = v;
  v[f->nproxy] = strdup (target);
  if (v[f->nproxy] == NULL)
    return v2c_set_error (err, ENOMEM, "out of memory");
  f->nproxy++;
  return 0;
}

int
v2c_conf_port (const char *s, size_t n)
{
  size_t i;
  int v = 0;

  if (n == 0 || n > 5)
    return -1;
  for (i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v <= 65535 ? v : -1;
}

int
v2c_conf_hostport (const char *s, size_t n, int def, char **addr, int *port)
{
  const char *colon = NULL;
  size_t i, hlen;

  *addr = NULL;
  *port = def;
  if (n > 0 && s[0] == '[') {
    const char *close = memchr (s, ']', n);
    if (close == NULL) {
      *port = -1;
      return 0;
    }
    *addr = v2c_strndup0 (s + 1, close - s - 1);
    if (*addr == NULL)
      return -1;
    i = close - s + 1;
    if (i < n) {
      if (s[i] != ':')
        *port = -1;
      else
        *port = v2c_conf_port (s + i + 1, n - i - 1);
    }
    return 0;
  }
  if (v2c_conf_port (s, n) >= 0) {
    *port = v2c_conf_port (s, n);
    return 0;
  }
  for (i = 0; i < n; i++)
    if (s[i] == ':') {
      if (colon) {
        colon = NULL; /* a bare IPv6 address: no port */
        break;
      }
      colon = s + i;
    }
  hlen = colon ? (size_t) (colon - s) : n;
  if (colon)
    *port = v2c_conf_port (colon + 1, n - hlen - 1);
  if (hlen > 0 && !(hlen == 1 && s[0] == '*')) {
    *addr = v2c_strndup0 (s, hlen);
    if (*addr == NULL)
      return -1;
  }
  return 0;
}

static const struct {
  const char *scheme;
  int port;
} default_ports[] = {
  { "http", 80 },    { "https", 443 },     { "ws", 80 },      { "wss", 443 },
  { "ajp", 8009 },   { "grpc", 80 },       { "grpcs", 443 },  { "h2c", 80 },
  { "h2", 443 },     { "fcgi", 9000 },     { "uwsgi", 0 },    { "scgi", 0 },
  { "redis", 6379 }, { "postgres", 5432 }, { "mysql", 3306 },
};

char *
v2c_conf_url_target (const char *url)
{
  const char *p = strstr (url, "://"), *host, *end, *at;
  char *addr = NULL, *out;
  size_t i, slen, hlen;
  int def = -1, port;

  if (p == NULL || p == url)
    return NULL;
  slen = p - url;
  for (i = 0; i < sizeof default_ports / sizeof default_ports[0]; i++)
    if (v2c_conf_word_eq (url, slen, default_ports[i].scheme))
      def = default_ports[i].port > 0 ? default_ports[i].port : -1;
  host = p + 3;
  end = host + strcspn (host, "/?#");
  /* credentials never become part of a target */
  at = memchr (host, '@', end - host);
  if (at)
    host = at + 1;
  hlen = end - host;
  if (hlen == 0 || memchr (host, '$', hlen)
      || v2c_strcaseprefix (host, "unix:"))
    return NULL;
  if (v2c_conf_hostport (host, hlen, def, &addr, &port) == -1)
    return NULL;
  if (addr == NULL || port == 0 || port < -1) {
    free (addr);
    return NULL;
  }
  if (port == -1) {
    /* an unknown scheme without a port: the host is all we know */
    return addr;
  }
  if (strchr (addr, ':')) {
    if (asprintf (&out, "[%s]:%d", addr, port) == -1)
      out = NULL;
  } else if (asprintf (&out, "%s:%d", addr, port) == -1)
    out = NULL;
  free (addr);
  return out;
}

char *
v2c_conf_join (const char *dir, const char *path)
{
  char *out;
  size_t dl;

  if (path[0] == '/' || dir == NULL)
    return strdup (path);
  dl = strlen (dir);
  while (dl > 1 && dir[dl - 1] == '/')
    dl--;
  if (asprintf (&out, "%.*s/%s", (int) dl, dir, path) == -1)
    return NULL;
  return out;
}

char *
v2c_conf_dirname (const char *path)
{
  const char *slash = strrchr (path, '/');

  if (slash == NULL)
    return strdup (".");
  if (slash == path)
    return strdup ("/");
  return v2c_strndup0 (path, slash - path);
}

int
v2c_conf_run_one (const struct v2c_conf_syntax *syn, const char *service,
                  const char *file, const char *buf, size_t len,
                  struct v2c_conf_facts *out, v2c_include_cb inc, void *opaque,
                  struct v2c_err *err)
{
  struct v2c_conf_state *st;
  int r;

  if (len > V2C_CONF_MAX_FILE_BYTES)
    return v2c_set_error (err, EFBIG, "configuration '%s' is too large", file);
  st = calloc (1, syn->state_size);
  if (st == NULL)
    return v2c_set_error (err, errno, "out of memory");
  st->service = service ? service : syn->name;
  st->top = file;
  r = syn->parse (st, file, buf, len, out, inc, opaque, err);
  if (syn->finish (st, out, r == 0 ? err : NULL) == -1 && r == 0)
    r = -1;
  syn->release (st);
  free (st);
  return r;
}

/* ------------------------------------------------------------------ */
/* A tree of configuration files inside the guest                      */

struct tree {
  struct v2c_fs *fs;
  struct v2c_conf_facts *out;
  const struct v2c_conf_syntax *syn;
  void *state;
  const char *base; /* directory of relative include patterns */
  char *stack[MAX_INCLUDE_DEPTH + 1];
  size_t depth;
  char **seen; /* every file parsed */
  size_t nseen;
  int fatal; /* out of memory: stop */
  struct v2c_err *err;
};

static int tree_file (struct tree *t, const char *path);

static int
tree_seen (struct tree *t, const char *path)
{
  size_t i;

  for (i = 0; i < t->nseen; i++)
    if (strcmp (t->seen[i], path) == 0)
      return 1;
  return 0;
}

static int
has_glob (const char *s)
{
  return strpbrk (s, "*?[") != NULL;
}

/* Append the existing paths matching pattern (absolute, wildcards in
 * any component) to v; bounded by MAX_GLOB_MATCHES. */
static int
glob_expand (struct v2c_fs *fs, const char *prefix, const char *rest,
             struct v2c_strvec *v)
{
  const char *slash;
  char comp[NAME_MAX + 1], *path;
  size_t clen;
  char **names;
  size_t i;

  while (*rest == '/')
    rest++;
  if (*rest == '\0')
    return v->n >= MAX_GLOB_MATCHES ? 0
           : v2c_strvec_push (v, prefix[0] ? prefix : "/");
  slash = strchr (rest, '/');
  clen = slash ? (size_t) (slash - rest) : strlen (rest);
  if (clen > NAME_MAX)
    return 0;
  memcpy (comp, rest, clen);
  comp[clen] = '\0';
  if (!has_glob (comp)) {
    struct v2c_fs_stat st;
    int r;
    if (asprintf (&path, "%s/%s", prefix, comp) == -1)
      return -1;
    r = 0;
    if (v2c_fs_stat (fs, path, 0, &st) == 0)
      r = glob_expand (fs, path, rest + clen, v);
    free (path);
    return r;
  }
  names = v2c_fs_list (fs, prefix[0] ? prefix : "/");
  if (names == NULL)
    return 0;
  for (i = 0; names[i]; i++) {
    int r;
    /* like glob(3): a leading dot is matched only by a leading dot */
    if (names[i][0] == '.' && comp[0] != '.')
      continue;
    if (fnmatch (comp, names[i], FNM_PERIOD) != 0)
      continue;
    if (asprintf (&path, "%s/%s", prefix, names[i]) == -1) {
      v2c_strv_free (names);
      return -1;
    }
    r = glob_expand (fs, path, rest + clen, v);
    free (path);
    if (r == -1) {
      v2c_strv_free (names);
      return -1;
    }
  }
  v2c_strv_free (names);
  return 0;
}

static int
tree_include (void *opaque, const char *pattern)
{
  struct tree *t = opaque;
  struct v2c_strvec m = V2C_STRVEC_INIT;
  char *abs;
  size_t i;
  int r = 0;

  if (t->fatal || pattern[0] == '\0')
    return t->fatal ? -1 : 0;
  abs = v2c_conf_join (t->base, pattern);
  if (abs == NULL || glob_expand (t->fs, "", abs, &m) == -1) {
    free (abs);
    v2c_strvec_clear (&m);
    t->fatal = 1;
    return v2c_set_error (t->err, ENOMEM, "out of memory");
  }
  free (abs);
  for (i = 0; i < m.n && r == 0; i++) {
    struct v2c_fs_stat st;
    if (v2c_fs_stat (t->fs, m.v[i], 0, &st) == -1)
      continue;
    if (st.type == V2C_FS_DIR) {
      /* apache includes every file of a named directory */
      char **names = v2c_fs_list (t->fs, m.v[i]);
      size_t j;
      for (j = 0; names && names[j] && r == 0; j++) {
        char *p = v2c_conf_join (m.v[i], names[j]);
        if (p == NULL) {
          t->fatal = 1;
          r = v2c_set_error (t->err, ENOMEM, "out of memory");
          break;
        }
        if (v2c_fs_stat (t->fs, p, 0, &st) == 0 && st.type == V2C_FS_REG)
          r = tree_file (t, p);
        free (p);
      }
      v2c_strv_free (names);
    } else if (st.type == V2C_FS_REG)
      r = tree_file (t, m.v[i]);
  }
  v2c_strvec_clear (&m);
  return t->fatal ? -1 : 0;
}

/* Parse one file of the tree.  Errors in a file (syntax, unreadable)
 * leave what it said so far and go on with the rest of the tree, as an
 * inventory should; only running out of memory stops. */
static int
tree_file (struct tree *t, const char *path)
{
  char *buf, **ns;
  size_t len, i;
  struct v2c_err perr = { 0, "" };

  if (t->fatal)
    return -1;
  for (i = 0; i < t->depth; i++)
    if (strcmp (t->stack[i], path) == 0)
      return 0; /* an include loop */
  if (t->depth > MAX_INCLUDE_DEPTH || t->nseen >= MAX_TREE_FILES)
    return 0;
  buf = v2c_fs_read (t->fs, path, V2C_CONF_MAX_FILE_BYTES, &len);
  if (buf == NULL)
    return 0;
  ns = realloc (t->seen, (t->nseen + 1) * sizeof *ns);
  if (ns == NULL || (ns[t->nseen] = strdup (path)) == NULL) {
    if (ns)
      t->seen = ns;
    free (buf);
    t->fatal = 1;
    return v2c_set_error (t->err, ENOMEM, "out of memory");
  }
  t->seen = ns;
  t->stack[t->depth++] = t->seen[t->nseen++];
  if (t->syn->parse (t->state, t->seen[t->nseen - 1], buf, len, t->out,
                     tree_include, t, &perr)
          == -1
      && perr.errnum == ENOMEM)
    t->fatal = 1;
  t->depth--;
  free (buf);
  if (t->fatal) {
    if (t->err->msg[0] == '\0')
      v2c_set_error (t->err, ENOMEM, "out of memory");
    return -1;
  }
  return 0;
}

/* Parse the tree of the first existing file of mains (the rest are read
 * in order too when not reached by includes: mysql reads /etc/my.cnf and
 * /etc/mysql/my.cnf). */
static int
read_tree (struct v2c_fs *fs, const struct v2c_conf_syntax *syn,
           const char *service, const char *base, const char *const *mains,
           struct v2c_conf_facts *out, struct v2c_err *err)
{
  struct tree t;
  struct v2c_conf_state *st;
  size_t i;
  int r = 0;

  memset (&t, 0, sizeof t);
  for (i = 0; mains[i]; i++) {
    struct v2c_fs_stat fst;
    if (v2c_fs_stat (fs, mains[i], 0, &fst) == 0 && fst.type == V2C_FS_REG)
      break;
  }
  if (mains[i] == NULL)
    return 0;
  st = calloc (1, syn->state_size);
  if (st == NULL)
    return v2c_set_error (err, errno, "out of memory");
  st->service = service;
  st->top = mains[i];
  t.fs = fs;
  t.out = out;
  t.syn = syn;
  t.state = st;
  t.base = base;
  t.err = err;
  for (; mains[i] && r == 0; i++)
    if (!tree_seen (&t, mains[i]))
      r = tree_file (&t, mains[i]);
  if (r == 0) {
    struct v2c_err ferr = { 0, "" };
    if (syn->finish (st, out, &ferr) == -1 && ferr.errnum == ENOMEM)
      r = v2c_set_error (err, ENOMEM, "out of memory");
  }
  syn->release (st);
  free (st);
  for (i = 0; i < t.nseen; i++)
    free (t.seen[i]);
  free (t.seen);
  return r;
}

static int
read_one (struct v2c_fs *fs, const struct v2c_conf_syntax *syn,
          const char *service, const char *base, const char *main,
          struct v2c_conf_facts *out, struct v2c_err *err)
{
  const char *mains[2] = { main, NULL };

  return read_tree (fs, syn, service, base, mains, out, err);
}

/* Every DIR/NAME matching dir_pattern/name_pattern (one level), each a
 * tree of its own whose relative includes resolve in its directory. */
static int
read_each (struct v2c_fs *fs, const struct v2c_conf_syntax *syn,
           const char *service, const char *pattern,
           struct v2c_conf_facts *out, struct v2c_err *err)
{
  struct v2c_strvec m = V2C_STRVEC_INIT;
  size_t i;
  int r = 0;

  if (glob_expand (fs, "", pattern, &m) == -1) {
    v2c_strvec_clear (&m);
    return v2c_set_error (err, ENOMEM, "out of memory");
  }
  for (i = 0; i < m.n && r == 0; i++) {
    char *dir = v2c_conf_dirname (m.v[i]);
    if (dir == NULL) {
      r = v2c_set_error (err, ENOMEM, "out of memory");
      break;
    }
    r = read_one (fs, syn, service, dir, m.v[i], out, err);
    free (dir);
  }
  v2c_strvec_clear (&m);
  return r;
}

/* ------------------------------------------------------------------ */
/* Ports from services' command lines and environment                  */

static int
ends_with_word (const char *name, size_t n, const char *word)
{
  size_t wl = strlen (word);

  if (n < wl || strncasecmp (name + n - wl, word, wl) != 0)
    return 0;
  return n == wl || name[n - wl - 1] == '-' || name[n - wl - 1] == '_'
         || name[n - wl - 1] == '.';
}

/* A flag that takes a port (--port, --http-port, -p) or an address with
 * a port (--listen, --bind, --listen-address, --web.listen-address). */
static int
flag_kind (const char *name, size_t n)
{
  if (n == 1 && name[0] == 'p')
    return 1;
  if (ends_with_word (name, n, "port"))
    return 1;
  if (ends_with_word (name, n, "listen") || ends_with_word (name, n, "bind")
      || ends_with_word (name, n, "listen-address")
      || ends_with_word (name, n, "listen_address")
      || ends_with_word (name, n, "bind-address")
      || ends_with_word (name, n, "bind_address")
      || ends_with_word (name, n, "addr")
      || ends_with_word (name, n, "address"))
    return 2;
  return 0;
}

static int
svc_port (struct v2c_conf_facts *out, const struct v2c_service *s,
          const char *what, const char *text, int kind, const char *value,
          struct v2c_err *err)
{
  char *addr = NULL, *ev, *t;
  int port;

  if (kind == 1)
    port = v2c_conf_port (value, strlen (value));
  else if (v2c_conf_hostport (value, strlen (value), -1, &addr, &port) == -1)
    return v2c_set_error (err, ENOMEM, "out of memory");
  if (port <= 0) {
    free (addr);
    return 0;
  }
  if (asprintf (&t, "%s %s", what, text) == -1) {
    free (addr);
    return v2c_set_error (err, ENOMEM, "out of memory");
  }
  ev = v2c_conf_evidence (s->unit_path ? s->unit_path : s->name, 0, t,
                          strlen (t));
  free (t);
  port = v2c_conf_add_port (out, port, "tcp", addr, s->name, ev, err);
  free (addr);
  return port;
}

static int
service_ports (struct v2c_conf_facts *out, const struct v2c_service *s,
               struct v2c_err *err)
{
  struct v2c_exec_words w = { NULL, 0 };
  const char *why = NULL;
  size_t i;
  int r = 0;

  if (s->name == NULL)
    return 0;
  /* the words as systemd runs them: a line it refuses gives no ports */
  if (s->exec_start)
    why = v2c_exec_split (s->exec_start, &w);
  if (why && strcmp (why, "out of memory") == 0)
    return v2c_set_error (err, ENOMEM, "out of memory");
  if (w.n) {
    for (i = 1; i < w.n && r == 0; i++) {
      const char *a = w.v[i], *eq, *name;
      char *text;
      size_t nl;
      int kind;

      if (strncmp (a, "-D", 2) == 0 && (eq = strchr (a, '=')) != NULL) {
        /* a Java system property: -Dserver.port=8080 */
        if (!ends_with_word (a + 2, eq - a - 2, "port"))
          continue;
        r = svc_port (out, s, "ExecStart", a, 1, eq + 1, err);
        continue;
      }
      if (a[0] != '-')
        continue;
      name = a + 1 + (a[1] == '-');
      eq = strchr (name, '=');
      nl = eq ? (size_t) (eq - name) : strlen (name);
      if (nl == 1 && a[1] == '-')
        continue;
      if (nl == 1 && name[0] != 'p')
        continue;
      kind = flag_kind (name, nl);
      if (kind == 0)
        continue;
      if (eq) {
        r = svc_port (out, s, "ExecStart", a, kind, eq + 1, err);
      } else if (i + 1 < w.n) {
        if (asprintf (&text, "%s %s", a, w.v[i + 1]) == -1) {
          r = v2c_set_error (err, ENOMEM, "out of memory");
          break;
        }
        r = svc_port (out, s, "ExecStart", text, kind, w.v[i + 1], err);
        free (text);
      }
    }
    v2c_exec_words_free (&w);
  }
  for (i = 0; i < s->nenvironment && r == 0; i++) {
    const char *k = s->environment[i].key, *v = s->environment[i].value;
    char *text;
    if (k == NULL || v == NULL)
      continue;
    if (strcmp (k, "PORT") != 0 && !v2c_strcasesuffix (k, "_PORT"))
      continue;
    if (asprintf (&text, "%s=%s", k, v) == -1)
      return v2c_set_error (err, ENOMEM, "out of memory");
    r = svc_port (out, s, "Environment", text, 1, v, err);
    free (text);
  }
  return r;
}

/* ------------------------------------------------------------------ */

/* Where each service's configuration is looked for, in this order:
 * a tree of main files whose relative includes resolve in base, or
 * (base NULL) each match of the pattern paths[0], a tree of its own. */
static const struct {
  const struct v2c_conf_syntax *syn;
  const char *service;
  const char *base;
  const char *paths[3];
} conf_places[] = {
  { &v2c_conf_syntax_nginx, "nginx", "/etc/nginx",
    { "/etc/nginx/nginx.conf" } },
  { &v2c_conf_syntax_apache, "apache2", "/etc/apache2",
    { "/etc/apache2/apache2.conf", "/etc/apache2/ports.conf" } },
  { &v2c_conf_syntax_apache, "httpd", "/etc/httpd",
    { "/etc/httpd/conf/httpd.conf" } },
  { &v2c_conf_syntax_postgresql, "postgresql", NULL,
    { "/etc/postgresql/*/*/postgresql.conf" } },
  { &v2c_conf_syntax_postgresql, "postgresql", NULL,
    { "/var/lib/pgsql/data/postgresql.conf" } },
  { &v2c_conf_syntax_postgresql, "postgresql", NULL,
    { "/var/lib/pgsql/*/data/postgresql.conf" } },
  { &v2c_conf_syntax_mysql, "mysql", "/etc/mysql",
    { "/etc/my.cnf", "/etc/mysql/my.cnf" } },
  { &v2c_conf_syntax_redis, "redis", NULL, { "/etc/redis/redis.conf" } },
  { &v2c_conf_syntax_redis, "redis", NULL, { "/etc/redis.conf" } },
  { &v2c_conf_syntax_sshd, "sshd", "/etc/ssh", { "/etc/ssh/sshd_config" } },
  { &v2c_conf_syntax_tomcat, "tomcat", NULL, { "/etc/tomcat*/server.xml" } },
  { &v2c_conf_syntax_tomcat, "tomcat", NULL,
    { "/opt/tomcat*/conf/server.xml" } },
  { &v2c_conf_syntax_mongodb, "mongodb", "/etc",
    { "/etc/mongod.conf", "/etc/mongodb.conf" } },
};

int
v2c_conf_read (struct v2c_fs *fs, const struct v2c_services *svcs,
               struct v2c_conf_facts *out, struct v2c_err *err)
{
  size_t i;
  int r = 0;

  memset (out, 0, sizeof *out);
  for (i = 0; i < sizeof conf_places / sizeof conf_places[0] && r == 0;
       i++) {
    const char *base = conf_places[i].base;

    if (base)
      r = read_tree (fs, conf_places[i].syn, conf_places[i].service, base,
                     conf_places[i].paths, out, err);
    else
      r = read_each (fs, conf_places[i].syn, conf_places[i].service,
                     conf_places[i].paths[0], out, err);
  }
  for (i = 0; svcs && i < svcs->n && r == 0; i++)
    r = service_ports (out, &svcs->v[i], err);
  if (r == -1) {
    v2c_conf_facts_free_contents (out);
    return -1;
  }
  for (i = 0; i < out->ndirs; i++)
    out->dirs[i].used_bytes = v2c_fs_du (fs, out->dirs[i].path);
  return 0;
}
