/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Loopback proxy targets of an nginx configuration file, rewritten to
 * the Service of the component that listens there (see kube.h).  On
 * the VM nginx and the app shared 127.0.0.1; in Kubernetes each is its
 * own pod and the app is reached by its Service's name.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube-private.h"

/* The directives whose first argument is an upstream address. */
static int
is_pass_directive (const char *w, size_t n)
{
  static const char *const names[]
      = { "proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass",
          "grpc_pass" };
  size_t i;

  for (i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strlen (names[i]) == n && memcmp (names[i], w, n) == 0)
      return 1;
  return 0;
}

/* The length of a loopback (or hostname) "host:" at s, 0 when none. */
static size_t
loopback_at (const char *s, const char *end, const char *hostname)
{
  static const char *const hosts[] = { "127.0.0.1", "localhost", "[::1]" };
  size_t i, n;

  for (i = 0; i <= sizeof hosts / sizeof hosts[0]; i++) {
    const char *h = i < sizeof hosts / sizeof hosts[0] ? hosts[i] : hostname;
    if (h == NULL || *h == '\0')
      continue;
    n = strlen (h);
    if ((size_t) (end - s) > n && memcmp (s, h, n) == 0 && s[n] == ':')
      return n;
  }
  return 0;
}

static const char *
service_of (long port, const struct v2c_kube_upstream *ups, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (ups[i].port == port)
      return ups[i].service;
  return NULL;
}

/* Rewrite the argument [a, e) of a pass directive into f. */
static void
rewrite_arg (FILE *f, const char *a, const char *e, const char *hostname,
             const struct v2c_kube_upstream *ups, size_t n, size_t *count,
             FILE *log)
{
  const char *h = a;
  size_t hl;
  char *endp;
  long port;
  const char *svc;

  /* [scheme://]host:port[/...] */
  if (e - a > 3) {
    const char *sep = memchr (a, ':', (size_t) (e - a));
    if (sep && e - sep > 3 && sep[1] == '/' && sep[2] == '/')
      h = sep + 3;
  }
  hl = loopback_at (h, e, hostname);
  if (hl == 0 || h[hl + 1] < '0' || h[hl + 1] > '9') {
    fwrite (a, 1, (size_t) (e - a), f);
    return;
  }
  port = strtol (h + hl + 1, &endp, 10);
  svc = endp <= e && (endp == e || !(*endp >= '0' && *endp <= '9'))
            ? service_of (port, ups, n)
            : NULL;
  if (svc == NULL) {
    fwrite (a, 1, (size_t) (e - a), f);
    return;
  }
  fwrite (a, 1, (size_t) (h - a), f);
  fputs (svc, f);
  fwrite (h + hl, 1, (size_t) (e - h - hl), f);
  if (log)
    fprintf (log, "%s%.*s:%ld -> %s:%ld", *count ? ", " : "", (int) hl, h,
             port, svc, port);
  (*count)++;
}

int
v2c_kube_rewrite_proxy (const char *text, size_t len, const char *hostname,
                        const struct v2c_kube_upstream *ups, size_t n,
                        char **result, size_t *count, FILE *log)
{
  const char *p = text, *end = text + len;
  char *out = NULL;
  size_t olen = 0;
  int start = 1, pass = 0, argno = 0;
  FILE *f = open_memstream (&out, &olen);

  *count = 0;
  *result = NULL;
  if (f == NULL)
    return -1;
  while (p < end) {
    const char *w = p;
    char ch = *p;

    if (ch == '#') {
      while (p < end && *p != '\n')
        p++;
    } else if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
      p++;
    } else if (ch == ';' || ch == '{' || ch == '}') {
      p++;
      start = 1;
      pass = 0;
    } else {
      /* a word, possibly quoted */
      char q = (ch == '"' || ch == '\'') ? ch : 0;
      int closed = 0;
      if (q) {
        p++;
        while (p < end && *p != q)
          p += (*p == '\\' && p + 1 < end) ? 2 : 1;
        if (p < end) {
          p++;
          closed = 1;
        }
      } else
        while (p < end && (*p == '\0' || !strchr (" \t\r\n;{}#", *p)))
          p += (*p == '\\' && p + 1 < end) ? 2 : 1;
      if (start) {
        pass = is_pass_directive (w, (size_t) (p - w));
        argno = 0;
        start = 0;
      } else if (pass && ++argno == 1) {
        if (q)
          fputc (q, f);
        rewrite_arg (f, w + (q != 0), p - closed, hostname, ups, n, count,
                     log);
        if (closed)
          fputc (q, f);
        continue;
      }
    }
    fwrite (w, 1, (size_t) (p - w), f);
  }
  if (fclose (f) != 0) {
    free (out);
    return -1;
  }
  if (*count == 0)
    free (out);
  else
    *result = out;
  return 0;
}

int
kube_proxy_content (struct ctx *c, const struct comp *k,
                    const struct v2c_kube_file *img, char **result, FILE *cf)
{
  struct v2c_kube_upstream *ups;
  size_t i, j, n = 0, count;
  json_t *p;
  char *note = NULL;
  size_t len = 0;
  FILE *log;
  int r;

  *result = NULL;
  if (strcmp (k->converter, "nginx") != 0 || img->data == NULL)
    return 0;
  for (i = 0; i < c->ncomps; i++)
    n += json_array_size (c->comps[i].ports);
  ups = calloc (n + 1, sizeof *ups);
  if (ups == NULL)
    return -1;
  n = 0;
  for (i = 0; i < c->ncomps; i++) {
    const struct comp *o = &c->comps[i];
    if (o == k || o->cron)
      continue;
    json_array_foreach (o->ports, j, p)
    {
      ups[n].port
          = (long) json_integer_value (json_object_get (p, "containerPort"));
      ups[n++].service = o->svc;
    }
  }
  log = open_memstream (&note, &len);
  r = log ? v2c_kube_rewrite_proxy (img->data, img->len, NULL, ups, n, result,
                                    &count, log)
          : -1;
  if (log && fclose (log) != 0)
    r = -1;
  if (r == 0 && count > 0)
    fprintf (cf, "; loopback proxy targets rewritten to Services: %s", note);
  free (note);
  free (ups);
  return r;
}
