/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Shared helpers of the service configuration readers
 * (lib/inspect-conf*.c).  Not installed.
 *
 * A configuration is often spread over several files (nginx.conf and
 * the files of sites-enabled, postgresql.conf and conf.d), and what one file
 * says depends on what came before it: the block an included file sits in, the
 * modules apache loaded, the last 'port' setting that wins.  So each syntax
 * keeps a state for a whole tree of files; the public parser of one text
 * (v2c_conf_nginx ...) runs a tree of one file, and v2c_conf_read runs the
 * tree of the main file, parsing each included file at its include directive
 * with the same state.
 */
#ifndef V2C_INSPECT_CONF_PRIVATE_H
#define V2C_INSPECT_CONF_PRIVATE_H

#include "inspect.h"

/* Limits on what one tree of configuration files may add. */
#define V2C_CONF_MAX_FILE_BYTES (4u << 20)
#define V2C_CONF_MAX_FACTS 4096   /* ports, dirs, proxy targets each */
#define V2C_CONF_MAX_DEPTH 64     /* nesting of blocks / sections */
#define V2C_CONF_MAX_ARGS 64      /* arguments kept per directive */
#define V2C_CONF_MAX_EVIDENCE 200 /* bytes of an evidence string */

/* The first member of every syntax's state. */
struct v2c_conf_state {
  const char *service; /* "nginx", "apache2", ... */
  const char *top;     /* the tree's main file, for "FILE: default" */
};

struct v2c_conf_syntax {
  const char *name;  /* default service name */
  size_t state_size; /* calloc'd; starts with struct v2c_conf_state */
  int (*parse) (void *state, const char *file, const char *buf, size_t len,
                struct v2c_conf_facts *out, v2c_include_cb inc, void *opaque,
                struct v2c_err *err);
  /* After the tree: defaults, settings where the last one wins. */
  int (*finish) (void *state, struct v2c_conf_facts *out, struct v2c_err *err);
  void (*release) (void *state); /* frees what the state holds */
};

extern const struct v2c_conf_syntax v2c_conf_syntax_nginx;
extern const struct v2c_conf_syntax v2c_conf_syntax_apache;
extern const struct v2c_conf_syntax v2c_conf_syntax_postgresql;
extern const struct v2c_conf_syntax v2c_conf_syntax_mysql;
extern const struct v2c_conf_syntax v2c_conf_syntax_redis;
extern const struct v2c_conf_syntax v2c_conf_syntax_sshd;
extern const struct v2c_conf_syntax v2c_conf_syntax_tomcat;
extern const struct v2c_conf_syntax v2c_conf_syntax_mongodb;

/* Define syntax NAME: its entry v2c_conf_syntax_NAME (default service
 * LABEL, calloc'd state of type STATE, functions PREFIX_parse,
 * PREFIX_finish and PREFIX_release) and its public one-text parser
 * v2c_conf_NAME. */
#define V2C_CONF_DEFINE_SYNTAX(name, label, state, prefix)              \
  const struct v2c_conf_syntax v2c_conf_syntax_##name                   \
      = { label, sizeof (state), prefix##_parse, prefix##_finish,       \
          prefix##_release };                                           \
  int                                                                   \
  v2c_conf_##name (const char *file, const char *buf, size_t len,       \
                   struct v2c_conf_facts *out, v2c_include_cb inc,      \
                   void *opaque, struct v2c_err *err)                   \
  {                                                                     \
    return v2c_conf_run_one (&v2c_conf_syntax_##name, NULL, file, buf,  \
                             len, out, inc, opaque, err);               \
  }

/* Parse one text as a tree of one file (the public v2c_conf_NAME). */
int v2c_conf_run_one (const struct v2c_conf_syntax *syn, const char *service,
                      const char *file, const char *buf, size_t len,
                      struct v2c_conf_facts *out, v2c_include_cb inc,
                      void *opaque, struct v2c_err *err);

/* "FILE:LINE: text" (line 0: "FILE: text"): text is raw directive
 * source; secrets are redacted, white space collapsed, control
 * characters dropped, at most V2C_CONF_MAX_EVIDENCE bytes.  NULL when
 * out of memory. */
char *v2c_conf_evidence (const char *file, int line, const char *text,
                         size_t len);
/* Add facts.  evidence is taken over (freed on every path).  A port
 * already known for the same protocol, service and bind address (so one
 * service bound to two addresses keeps both), a data directory
 * already known for the service, a known proxy target are not added
 * again.  -1 (err set) when out of memory or over V2C_CONF_MAX_FACTS. */
int v2c_conf_add_port (struct v2c_conf_facts *f, int port,
                       const char *protocol, const char *address,
                       const char *service, char *evidence,
                       struct v2c_err *err);
int v2c_conf_add_dir (struct v2c_conf_facts *f, const char *path,
                      const char *service, char *evidence,
                      struct v2c_err *err);
int v2c_conf_add_proxy (struct v2c_conf_facts *f, const char *target,
                        struct v2c_err *err);
/* A file the service's configuration names (key, certificate, password
 * file): only absolute paths are kept; evidence is taken over. */
int v2c_conf_add_ref (struct v2c_conf_facts *f, const char *path,
                      const char *service, char *evidence,
                      struct v2c_err *err);

/* A port number of exactly [s, s+n): decimal digits, 1..65535.  Returns
 * the port, 0 for "0", -1 when not a port. */
int v2c_conf_port (const char *s, size_t n);
/* Split "ADDR:PORT", "[V6]:PORT", "[V6]", "PORT" or "HOST".  *port is
 * the port or def when none is written (-1 when the port part is not a
 * number); *addr a malloc'd address or NULL when none is written.
 * -1 only when out of memory. */
int v2c_conf_hostport (const char *s, size_t n, int def, char **addr,
                       int *port);
/* "host:port" of a URL (scheme://[user[:pass]@]host[:port][/...]), with
 * the scheme's default port; NULL when it is not a URL with a literal
 * host (unix sockets, variables) or out of memory. */
char *v2c_conf_url_target (const char *url);
/* Join dir and a relative path; an absolute path is copied. */
char *v2c_conf_join (const char *dir, const char *path);
/* The directory part of a path ("/" for "/x"). */
char *v2c_conf_dirname (const char *path);
/* Case-insensitive equality of [s, s+n) and the NUL-terminated word. */
int v2c_conf_word_eq (const char *s, size_t n, const char *word);

#endif /* V2C_INSPECT_CONF_PRIVATE_H */
