/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Secrets in what starts a workload: the services' environment
 * (Environment=, EnvironmentFile=, drop-ins) and command lines
 * (ExecStart=, ExecStartPre=), and the cron jobs' commands.  The
 * classifier (lib/secret-class.c) judges each; every value it finds is
 * replaced here, before anything is written:
 *   - an environment value by "<redacted>" (the planner makes it a
 *     secretKeyRef);
 *   - a value in a command line by "$(VAR)", and VAR=<redacted> joins the
 *     service's or job's environment: Kubernetes expands $(VAR) in
 *     command and args from the container's environment, so the workload
 *     gets the value from the Secret, never a placeholder as a password.
 * Each becomes one secrets[] finding: where it was, the variable's name
 * and a salted fingerprint of the value, never the value.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "inspect-private.h"
#include "secret-class.h"

#define MAX_SPANS 32
#define REDACTED "<redacted>"
#define MAX_FINDINGS 100000

struct envv {
  struct v2c_kv **v;
  size_t *n;
};

static int
push_finding (struct v2c_secrets *out, const char *path, int line,
              const char *kind, const char *name, const char *value,
              size_t vlen, const char *evidence, struct v2c_err *err)
{
  struct v2c_secret *s, *nv;

  if (out->n >= MAX_FINDINGS)
    return 0;
  nv = realloc (out->v, (out->n + 1) * sizeof *nv);
  if (nv == NULL)
    return v2c_set_error (err, ENOMEM, "out of memory");
  out->v = nv;
  s = &out->v[out->n];
  memset (s, 0, sizeof *s);
  s->mode = s->uid = s->gid = -1;
  s->line = line;
  s->path = strdup (path ? path : "");
  s->kind = strdup (kind);
  s->name = name ? strdup (name) : NULL;
  s->evidence = strdup (evidence);
  if (s->path == NULL || s->kind == NULL || (name && s->name == NULL)
      || s->evidence == NULL) {
    V2C_FREE (s->path, s->kind, s->name, s->evidence);
    return v2c_set_error (err, ENOMEM, "out of memory");
  }
  if (v2c_secret_fingerprint (value, vlen, s->fingerprint) == -1)
    s->fingerprint[0] = '\0';
  out->n++;
  return 0;
}

static const char *
env_get (const struct envv *e, const char *name)
{
  size_t i;

  for (i = 0; i < *e->n; i++)
    if (strcmp ((*e->v)[i].key, name) == 0)
      return (*e->v)[i].value;
  return NULL;
}

static int
env_add (struct envv *e, const char *name, struct v2c_err *err)
{
  struct v2c_kv *nv = realloc (*e->v, (*e->n + 1) * sizeof *nv);

  if (nv == NULL)
    return v2c_set_error (err, ENOMEM, "out of memory");
  *e->v = nv;
  nv[*e->n].key = strdup (name);
  nv[*e->n].value = strdup (REDACTED);
  if (nv[*e->n].key == NULL || nv[*e->n].value == NULL) {
    V2C_FREE (nv[*e->n].key, nv[*e->n].value);
    return v2c_set_error (err, ENOMEM, "out of memory");
  }
  (*e->n)++;
  return 0;
}

/* A variable name for a span: its own name when free, else NAME_2, ...
 * (a variable of the unit with another meaning keeps its name). */
static void
free_name (const struct envv *e, struct v2c_secret_span *sp,
           const struct v2c_secret_span *done, size_t ndone)
{
  char base[64], cand[64];
  int n = 1;
  size_t j;

  snprintf (base, sizeof base, "%s", sp->var);
  snprintf (cand, sizeof cand, "%s", base);
  for (;;) {
    int taken = env_get (e, cand) != NULL;

    for (j = 0; j < ndone && !taken; j++)
      taken = strcmp (done[j].var, cand) == 0;
    if (!taken)
      break;
    snprintf (cand, sizeof cand, "%.58s_%d", base, ++n);
  }
  memcpy (sp->var, cand, sizeof sp->var);
}

/* One round of rewriting a command line in place; its variables join
 * e.  Returns how many spans were replaced, or -1. */
static int
exec_round (char **cmd, struct envv *e, const char *what, const char *path,
            int line, struct v2c_secrets *out, struct v2c_err *err)
{
  struct v2c_secret_span sp[MAX_SPANS];
  size_t n, i;
  char *r, ev[256];

  n = v2c_secret_command_spans (*cmd, sp, MAX_SPANS);
  if (n == 0)
    return 0;
  if (n > MAX_SPANS)
    n = MAX_SPANS;
  for (i = 0; i < n; i++)
    free_name (e, &sp[i], sp, i);
  for (i = 0; i < n; i++) {
    snprintf (ev, sizeof ev, "%s: an argument, now $(%s)", what, sp[i].var);
    if (push_finding (out, path, line, "argument", sp[i].var,
                      *cmd + sp[i].start, sp[i].end - sp[i].start, ev, err)
        == -1)
      return -1;
  }
  r = v2c_secret_command_rewrite (*cmd, sp, n);
  if (r == NULL)
    return v2c_set_error (err, ENOMEM, "out of memory");
  /* the values are gone from memory as well as from the outputs */
  memset (*cmd, 0, strlen (*cmd));
  free (*cmd);
  *cmd = r;
  for (i = 0; i < n; i++)
    if (env_get (e, sp[i].var) == NULL && env_add (e, sp[i].var, err) == -1)
      return -1;
  return (int) n;
}

/* Rewrite one command line in place.  Quoting can make a rewritten
 * line hold a span again (a value that ended inside a quoted word), so
 * rounds repeat; a line that still holds one after them is replaced as
 * a whole: no value is ever kept. */
#define MAX_ROUNDS 4
static int
exec_line (char **cmd, struct envv *e, const char *what, const char *path,
           int line, struct v2c_secrets *out, struct v2c_err *err)
{
  int round, r = 1;

  if (*cmd == NULL)
    return 0;
  for (round = 0; round < MAX_ROUNDS && r > 0; round++)
    if ((r = exec_round (cmd, e, what, path, line, out, err)) == -1)
      return -1;
  if (r > 0 && v2c_secret_command_spans (*cmd, NULL, 0) > 0) {
    char *w = strdup ("/bin/false # v2c: a secret could not be separated "
                      "from this command; see the report");
    if (w == NULL)
      return v2c_set_error (err, ENOMEM, "out of memory");
    memset (*cmd, 0, strlen (*cmd));
    free (*cmd);
    *cmd = w;
  }
  return 0;
}

/* Environment values: the classifier's verdict, by name or value. */
static int
exec_env (struct envv *e, const char *path, struct v2c_secrets *out,
          struct v2c_err *err)
{
  size_t i;
  char ev[256];

  for (i = 0; i < *e->n; i++) {
    struct v2c_kv *kv = &(*e->v)[i];
    enum v2c_secret_kind k;
    char *red;

    if (kv->value == NULL || strcmp (kv->value, REDACTED) == 0)
      continue;
    k = v2c_secret_env (kv->key, kv->value);
    if (k == V2C_SECRET_NONE)
      continue;
    snprintf (ev, sizeof ev, "Environment=%.120s=" REDACTED " (%s)", kv->key,
              v2c_secret_kind_name (k));
    if (push_finding (out, path, 0, "environment", kv->key, kv->value,
                      strlen (kv->value), ev, err)
        == -1)
      return -1;
    if ((red = strdup (REDACTED)) == NULL)
      return v2c_set_error (err, ENOMEM, "out of memory");
    memset (kv->value, 0, strlen (kv->value));
    free (kv->value);
    kv->value = red;
  }
  return 0;
}

int
v2c_inspect_exec_secrets (struct v2c_services *svcs, struct v2c_cron *cron,
                          struct v2c_secrets *out, struct v2c_err *err)
{
  size_t i, j;

  for (i = 0; svcs && i < svcs->n; i++) {
    struct v2c_service *s = &svcs->v[i];
    struct envv e = { &s->environment, &s->nenvironment };

    if (exec_env (&e, s->unit_path, out, err) == -1
        || exec_line (&s->exec_start, &e, "ExecStart", s->unit_path, 0, out,
                      err)
               == -1)
      return -1;
    for (j = 0; s->exec_start_pre && s->exec_start_pre[j]; j++)
      if (exec_line (&s->exec_start_pre[j], &e, "ExecStartPre", s->unit_path,
                     0, out, err)
          == -1)
        return -1;
  }
  for (i = 0; cron && i < cron->n; i++) {
    struct v2c_cron_job *job = &cron->v[i];
    struct envv e = { &job->environment, &job->nenvironment };

    if (exec_env (&e, job->file, out, err) == -1
        || exec_line (&job->command, &e, "cron command", job->file, job->line,
                      out, err)
               == -1)
      return -1;
  }
  return 0;
}
