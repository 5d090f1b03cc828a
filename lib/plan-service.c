/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The generic component of a service (or of the service a timer
 * starts) and of a cron job: what every workload has, read from the
 * inventory (command, user and ids, working directory, environment and
 * its files, secret files, ports, data volumes); the converter that
 * owns the item finishes it.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "converter-util.h"
#include "plan-private.h"

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
loopback_word (const char *a, size_t n)
{
  if (n && a[0] == '-') /* Redis: an address that may be missing */
    a++, n--;
  if (n >= 2 && a[0] == '[' && a[n - 1] == ']')
    a++, n -= 2;
  return (n == 9 && strncmp (a, "localhost", 9) == 0)
         || (n == 3 && strncmp (a, "::1", 3) == 0)
         || (n >= 4 && strncmp (a, "127.", 4) == 0);
}

/* Is an inventory address a loopback one: localhost, 127.0.0.0/8, ::1,
 * or a list of them ("localhost,::1", "127.0.0.1 -::1")? */
static int
is_loopback (const char *a)
{
  int any = 0;

  while (a && *a) {
    size_t n;

    a += strspn (a, ", \t'\"");
    n = strcspn (a, ", \t'\"");
    if (n == 0)
      break;
    if (!loopback_word (a, n))
      return 0;
    any = 1;
    a += n;
  }
  return any;
}

int
plan_loopback_only (const struct v2c_conv_in *in, const char *const *aliases)
{
  size_t i;
  int seen = 0;

  for (i = 0; i < in->inv->ports.n; i++) {
    const struct v2c_inv_listen *p = &in->inv->ports.v[i];

    if (!svc_match (p->service, in->unit, in->base, aliases))
      continue;
    if (!is_loopback (p->address))
      return 0;
    seen = 1;
  }
  return seen;
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
  if (v2c_model_path_problem (buf) || v2c_strcasesuffix (buf, ".service")
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

/* Add port q to p[] (a port 0 is no port). */
static int
add_port (struct plan_ctx *c, const char *where, const struct port *q,
          struct port **p, size_t *n)
{
  if (q->port == 0)
    return 0;
  if (*n >= V2C_PLAN_MAX_ITEMS)
    return v2c_model_bad (c->err, INV, where, "more than %d ports",
                     V2C_PLAN_MAX_ITEMS);
  if ((*n & (*n - 1)) == 0 || *n == 0) {
    struct port *np = realloc (*p, (*n ? *n * 2 : 4) * sizeof *np);
    if (np == NULL)
      return v2c_set_error (c->err, ENOMEM, "out of memory");
    *p = np;
  }
  (*p)[(*n)++] = *q;
  return 0;
}

/* Ports of the service's own ports[], then those of the inventory's
 * top-level ports[] whose service is this one, added to p[]. */
static int
collect_ports (struct plan_ctx *c, const char *w,
               const struct v2c_conv_in *in, const char *const *aliases,
               struct port **p, size_t *n)
{
  const struct v2c_inventory *inv = c->model;
  char ww[V2C_MODEL_WHERE];
  size_t i;

  v2c_model_sub (ww, w, "ports");
  for (i = 0; i < in->service->ports.n; i++) {
    struct port q = { in->service->ports.v[i].port,
                      in->service->ports.v[i].protocol, NULL, NULL };
    if (add_port (c, ww, &q, p, n) == -1)
      return -1;
  }
  for (i = 0; i < inv->ports.n; i++) {
    const struct v2c_inv_listen *l = &inv->ports.v[i];
    struct port q = { l->port, l->protocol, l->address, l->evidence };

    if (svc_match (l->service, in->unit, in->base, aliases)
        && add_port (c, "ports", &q, p, n) == -1)
      return -1;
  }
  return 0;
}

/* A new component with every field at its default; its converter and
 * kind are set when the converter has finished it (lib/plan-build.c,
 * lib/plan-link.c).  NULL when out of memory. */
static struct v2c_plan_component *
new_component (const char *label)
{
  struct v2c_plan_component *k = calloc (1, sizeof *k);

  if (k && (k->name = strdup (label)) == NULL) {
    free (k);
    return NULL;
  }
  if (k)
    k->run_as_root = 1;
  return k;
}

int
plan_set_source (struct v2c_plan_component *k, const char *kind,
                 const char *file, json_int_t line)
{
  free (k->source.kind);
  free (k->source.file);
  k->source.kind = strdup (kind);
  k->source.file = file ? strdup (file) : NULL;
  k->source.line.v = line > 0 ? line : 0;
  k->source.line.set = line > 0;
  return k->source.kind && (file == NULL || k->source.file) ? 0 : -1;
}

/* A command line: the words as they are, or /bin/sh -c "exec ..." when
 * one expands a variable.  NULL reason on success. */
static const char *
command_of (struct plan_ctx *c, struct v2c_exec_words *words,
            struct v2c_strvec *cmd)
{
  char *line = NULL;
  size_t i;

  for (i = 0; i < words->n && !v2c_exec_has_var (words->v[i]); i++)
    ;
  if (i < words->n) {
    size_t n = 4, cap = 5;
    line = malloc (cap);
    if (line == NULL)
      goto oom;
    memcpy (line, "exec", 5);
    for (i = 0; i < words->n; i++)
      if (v2c_exec_sh_append (&line, &n, &cap, words->v[i]) == -1) {
        free (line);
        v2c_strvec_clear (cmd);
        return "the command line is too long";
      }
    plan_push (c, cmd, "/bin/sh");
    plan_push (c, cmd, "-c");
    plan_push (c, cmd, line);
    free (line);
  } else
    for (i = 0; i < words->n; i++) {
      char *u = strdup (words->v[i]);
      if (u == NULL)
        goto oom;
      v2c_exec_undouble_dollars (u);
      plan_push (c, cmd, u);
      free (u);
    }
  return NULL;
oom:
  c->oom = 1;
  return NULL;
}

/* ExecStart= split, with the specifiers resolved, into words.  NULL
 * reason on success. */
const char *
plan_unit_words (const char *exec, const char *unit, const char *instance,
                 struct v2c_exec_words *words, char *reasonbuf,
                 size_t reasonlen)
{
  const char *why = v2c_exec_split (exec, words);
  struct v2c_unit_names names;
  size_t i;

  if (why) {
    snprintf (reasonbuf, reasonlen, "can't split ExecStart: %s", why);
    return reasonbuf;
  }
  /* specifiers are resolved in each word, after the split, as systemd */
  v2c_unit_names_service (&names, unit, instance);
  for (i = 0; i < words->n; i++) {
    char *expanded = v2c_unit_specifiers (words->v[i], &names, MAX_LINE);
    if (expanded == NULL) {
      v2c_exec_words_free (words);
      return "the command line is too long";
    }
    free (words->v[i]);
    words->v[i] = expanded;
  }
  return NULL;
}

/* What a service's component is made of, read from the inventory. */
struct svc_fields {
  const char *user, *group, *wd, *unit_path, *home;
  const struct v2c_pairs *env;
  const struct v2c_strvec *efiles;
  json_int_t uid, gid;
  char wdbuf[V2C_PLAN_MAX_PATTERN + 1];
};

static void
svc_read (const struct v2c_inv_service *svc, struct svc_fields *f)
{
  memset (f, 0, sizeof *f);
  f->user = svc->user;
  f->group = svc->group;
  f->wd = svc->working_directory;
  f->unit_path = svc->unit_path;
  f->env = &svc->environment;
  f->efiles = &svc->environment_files;
}

/* uid and gid of User= and Group=, and the user's home. */
static int
svc_ids (struct plan_ctx *c, const struct v2c_conv_in *in,
         struct svc_fields *f)
{
  json_int_t g2;
  int found;

  if (f->user) {
    if (plan_lookup_id (c, "users", f->user, "uid", &f->uid, &f->gid, &f->home,
                        &found)
        == -1)
      return -1;
    if (!found) {
      f->uid = f->gid = 65534;
      plan_note (
          c,
          "component of '%s': user '%s' is not in the inventory's users, "
          "running as 65534:65534",
          in->unit, f->user);
    }
  }
  if (f->group) {
    if (plan_lookup_id (c, "groups", f->group, "gid", &g2, NULL, NULL, &found)
        == -1)
      return -1;
    if (found)
      f->gid = g2;
    else
      plan_note (
          c, "component of '%s': group '%s' is not in the inventory's groups",
          in->unit, f->group);
  }
  return 0;
}

/* WorkingDirectory=: "-" (may be missing) and "~" (home) as systemd, no
 * trailing slash; and a unit path that is a plan path, or NULL. */
static int
svc_workdir (struct plan_ctx *c, const char *w, struct svc_fields *f)
{
  char ww[V2C_MODEL_WHERE];
  const char *why;

  if (f->wd) {
    if (f->wd[0] == '-')
      f->wd++;
    if (strcmp (f->wd, "~") == 0)
      f->wd = f->home;
  }
  if (f->wd) {
    size_t l = strlen (f->wd);
    if (l > V2C_PLAN_MAX_PATTERN)
      return v2c_model_bad (c->err, INV,
                            v2c_model_sub (ww, w, "working_directory"),
                            "too long");
    /* a trailing slash is harmless in the unit: drop it */
    memcpy (f->wdbuf, f->wd, l + 1);
    while (l > 1 && f->wdbuf[l - 1] == '/')
      f->wdbuf[--l] = '\0';
    f->wd = f->wdbuf;
    why = v2c_model_path_problem (f->wd);
    if (why)
      return v2c_model_bad (c->err, INV,
                            v2c_model_sub (ww, w, "working_directory"),
                            "%s", why);
  }
  if (f->unit_path && v2c_model_path_problem (f->unit_path))
    f->unit_path = NULL;
  return 0;
}

/* The component's name: the unit's without ".service", unique. */
static void
svc_label (struct plan_ctx *c, const char *unit, char label[64])
{
  char stem[512];
  size_t ul = strlen (unit);

  if (ul > 8 && strcmp (unit + ul - 8, ".service") == 0)
    ul -= 8;
  snprintf (stem, sizeof stem, "%.*s", (int) (ul < 511 ? ul : 511), unit);
  v2c_conv_unique_label (stem, "service", c->names, c->nnames, label);
}

/* env and secret_env: secret values never leave the inventory
 * redacted. */
static int
svc_env (struct plan_ctx *c, const char *w, const struct v2c_pairs *env,
         struct v2c_plan_component *o)
{
  char ww[V2C_MODEL_WHERE], ew[V2C_MODEL_WHERE];
  const char **keys;
  size_t i, nkeys = 0;

  if (env->n > V2C_PLAN_MAX_ITEMS)
    return v2c_model_bad (c->err, INV, v2c_model_sub (ww, w, "environment"),
                     "more than %d variables", V2C_PLAN_MAX_ITEMS);
  keys = calloc (env->n + 1, sizeof *keys);
  if (keys == NULL)
    return v2c_set_error (c->err, ENOMEM, "out of memory");
  for (i = 0; i < env->n; i++) {
    const char *key = env->v[i].name, *val = env->v[i].value, *why = NULL;

    snprintf (ew, sizeof ew, "environment.%s", key);
    if (*key == '\0' || strchr (key, '=')
        || strlen (key) > V2C_PLAN_MAX_PATTERN)
      why = "not a variable name";
    else if (val == NULL)
      continue;
    else if (strlen (val) > MAX_LINE)
      why = "too long";
    if (why) {
      free (keys);
      return v2c_model_bad (c->err, INV, v2c_model_sub (ww, w, ew), "%s", why);
    }
    if (strcmp (val, "<redacted>") == 0)
      keys[nkeys++] = key;
    else if (v2c_conv_set_env (o, key, val) == -1)
      c->oom = 1;
  }
  if (nkeys)
    qsort (keys, nkeys, sizeof *keys, plan_cmp_str);
  for (i = 0; i < nkeys; i++)
    plan_push (c, &o->secret_env, keys[i]);
  free (keys);
  return 0;
}

/* Whether a command line names path as one of its words (or as the
 * value of an option: --key=/etc/app/key.pem). */
static int
names_path (const char *line, const char *path)
{
  size_t pl = strlen (path);
  const char *p;

  for (p = line ? strstr (line, path) : NULL; p; p = strstr (p + 1, path)) {
    char before = p == line ? ' ' : p[-1], after = p[pl];

    if (strchr (" \t='\"", before) && strchr (" \t'\";", after))
      return 1;
  }
  return 0;
}

/* The secret files a component needs besides those it names in its
 * environment: those its command line names, those under
 * /etc/<base>/ (base: the unit without .service, or NULL), and those
 * its own user owns (not root's).  Host keys are never carried. */
void
plan_claim_secrets (struct plan_ctx *c, struct v2c_plan_component *o,
                    const char *line, const char *base)
{
  char dir[300];
  size_t i;

  if (base && *base && !strchr (base, '/'))
    snprintf (dir, sizeof dir, "/etc/%s", base);
  else
    dir[0] = '\0';
  for (i = 0; i < c->nsecret; i++) {
    const char *p = c->secret_paths[i];
    const struct v2c_inv_secret *r = c->secret_recs[i];
    int claim;

    if (strcmp (r->kind, "host-key") == 0
        || strcmp (r->kind, "ssh-host-key") == 0
        || v2c_strvec_find (&o->secret_files, p) >= 0)
      continue;
    claim = names_path (line, p) || (dir[0] && plan_is_under (p, dir))
            || (o->uid != 0 && r->uid == o->uid && r->mode >= 0
                && (r->has & ((uint64_t) 1 << 6)));
    if (claim)
      plan_push (c, &o->secret_files, p);
  }
}

/* groups: the groups whose members the user is on the VM (besides
 * its own), as supplementalGroups give them back in the pod: a key
 * under /etc/ssl/private is readable through ssl-cert. */
void
plan_user_groups (struct plan_ctx *c, struct v2c_plan_component *o)
{
  size_t i;

  if (o->user == NULL || o->uid == 0 || o->groups.n)
    return;
  for (i = 0; i < c->model->groups.n; i++) {
    const struct v2c_inv_group *g = &c->model->groups.v[i];
    struct v2c_plan_group *pg;

    if (g->gid == o->gid || v2c_strvec_find (&g->members, o->user) < 0)
      continue;
    pg = v2c_conv_grow (&o->groups.v, &o->groups.n, sizeof *pg);
    if (pg == NULL) {
      c->oom = 1;
      return;
    }
    pg->name = plan_dup (c, g->name);
    pg->gid = g->gid;
  }
}

/* The secret files the service's own configuration names (ssl_key_file
 * of postgresql.conf, nginx's ssl_certificate_key, ...), wherever they
 * lie and whatever their kind: without them it does not start. */
static void
svc_named_secrets (struct plan_ctx *c, const struct v2c_conv_in *in,
                   const char *const *aliases, struct v2c_plan_component *o)
{
  size_t i;

  for (i = 0; i < c->model->file_refs.n; i++) {
    const struct v2c_inv_file_ref *r = &c->model->file_refs.v[i];
    const struct v2c_inv_secret *rec;
    int host;

    if (!svc_match (r->service, in->unit, in->base, aliases)
        || !plan_is_secret_path (c, r->path)
        || v2c_strvec_find (&o->secret_files, r->path) >= 0)
      continue;
    rec = plan_secret_record (c, r->path);
    host = rec && (strcmp (rec->kind, "host-key") == 0
                   || strcmp (rec->kind, "ssh-host-key") == 0);
    plan_push (c, &o->secret_files, r->path);
    plan_note (c,
               host ? "'%s' needs the host key '%s' (%s): it is mounted from "
                      "a Secret; generate a new one for the target and put it "
                      "there"
                    : "'%s' needs the secret file '%s' (%s): it is mounted "
                      "from a Secret; put the real content in it",
               o->name, r->path, r->evidence);
  }
}

/* Take path, and the files under it, out of the component's
 * secret_files. */
static void
drop_secret_files (struct v2c_plan_component *o, const char *path)
{
  struct v2c_strvec *sf = &o->secret_files;
  size_t i = 0;

  while (i < sf->n)
    if (strcmp (sf->v[i], path) == 0 || plan_is_under (sf->v[i], path)) {
      free (sf->v[i]);
      /* with the NULL that ends the vector */
      memmove (sf->v + i, sf->v + i + 1, (sf->n - i) * sizeof *sf->v);
      sf->n--;
    } else
      i++;
}

/* LoadCredential=: systemd hands the file to the service as
 * /run/credentials/UNIT/ID (read-only, the service user's) and says
 * where in CREDENTIALS_DIRECTORY; the component gets it there from a
 * Secret, and not at its own path too.  What can't be given back
 * offline (an encrypted credential, one from the credential stores, a
 * directory of them) is a note. */
static void
svc_credentials (struct plan_ctx *c, const struct v2c_conv_in *in,
                 struct v2c_plan_component *o)
{
  const struct v2c_inv_service *svc = in->service;
  char dir[V2C_PLAN_MAX_PATTERN + 1], mnt[V2C_PLAN_MAX_PATTERN + 1];
  char what[2 * V2C_PLAN_MAX_PATTERN + 100];
  size_t i;
  int mounted = 0;

  if (svc->credentials.n == 0 || in->unit == NULL
      || (size_t) snprintf (dir, sizeof dir, "/run/credentials/%s", in->unit)
             >= sizeof dir
      || v2c_model_path_problem (dir))
    return;
  for (i = 0; i < svc->credentials.n; i++) {
    const struct v2c_inv_credential *cr = &svc->credentials.v[i];
    const char *key = cr->encrypted ? "LoadCredentialEncrypted"
                                    : "LoadCredential";

    if ((size_t) snprintf (mnt, sizeof mnt, "%s/%s", dir, cr->id)
            >= sizeof mnt
        || v2c_model_path_problem (mnt))
      continue;
    /* given back where systemd puts it, or not at all: not at its
     * own path (where /etc/<base>/ claimed it) */
    if (cr->path)
      drop_secret_files (o, cr->path);
    if (cr->path == NULL)
      snprintf (what, sizeof what,
                "the credential '%s' from systemd's credential stores",
                cr->id);
    else if (cr->encrypted)
      snprintf (what, sizeof what,
                "the encrypted credential '%s' from '%s', which can't be "
                "decrypted offline",
                cr->id, cr->path);
    else if (cr->directory)
      snprintf (what, sizeof what,
                "the credentials '%s_*' from the directory '%s'", cr->id,
                cr->path);
    else {
      if (v2c_conv_add_volume (o, mnt, "secret", NULL, cr->path) == -1) {
        c->oom = 1;
        return;
      }
      plan_note (c,
                 "'%s' needs the credential file '%s' (%s=%s): it is mounted "
                 "from a Secret at '%s'; put the real content in it",
                 o->name, cr->path, key, cr->id, mnt);
      mounted = 1;
      continue;
    }
    plan_note (c,
               "'%s' loads %s (%s=): it is not mounted; give %s a Secret "
               "key mounted %s '%s'",
               o->name, what, key, cr->directory ? "each file" : "it",
               cr->directory ? "under" : "at", cr->directory ? dir : mnt);
  }
  if (mounted && v2c_conv_set_env (o, "CREDENTIALS_DIRECTORY", dir) == -1)
    c->oom = 1;
}

/* The files the service reads its environment from, and the other
 * secret files under its working directory. */
static int
svc_files (struct plan_ctx *c, const char *w, const struct svc_fields *f,
           struct v2c_plan_component *o)
{
  char ww[V2C_MODEL_WHERE];
  const char *why;
  size_t i;

  v2c_model_sub (ww, w, "environment_files");
  if (f->efiles->n > V2C_PLAN_MAX_PATTERNS)
    return v2c_model_bad (c->err, INV, ww, "more than %d entries",
                     V2C_PLAN_MAX_PATTERNS);
  for (i = 0; i < f->efiles->n; i++) {
    const char *p = f->efiles->v[i];
    if (p[0] == '-')
      p++;
    why = v2c_model_path_problem (p);
    if (why) {
      char iw[V2C_MODEL_WHERE];
      return v2c_model_bad (c->err, INV, v2c_model_idx (iw, ww, i), "%s", why);
    }
    plan_push (c, &o->environment_files, p);
    plan_push (c, plan_is_secret_path (c, p) ? &o->secret_files : &o->config_files,
          p);
  }
  for (i = 0; f->wd && i < c->nsecret; i++)
    if (plan_is_under (c->secret_paths[i], f->wd)
        && v2c_strvec_find (&o->secret_files, c->secret_paths[i]) < 0)
      plan_push (c, &o->secret_files, c->secret_paths[i]);
  return 0;
}

/* ports: the unit's and those the inventory found for it. */
static int
svc_ports (struct plan_ctx *c, const char *w, const struct v2c_conv_in *in,
           const struct v2c_converter *conv, struct v2c_plan_component *o)
{
  const char *const *aliases = conv->aliases;
  char fbuf[V2C_PLAN_MAX_PATTERN + 1];
  struct port *p = NULL;
  size_t np = 0, i;

  if (collect_ports (c, w, in, aliases, &p, &np) == -1) {
    free (p);
    return -1;
  }
  if (np)
    qsort (p, np, sizeof *p, cmp_port);
  for (i = 0; i < np; i++) {
    const char *f = evidence_file (p[i].evidence, fbuf, sizeof fbuf);
    if (f && v2c_conv_config_file (o, f) == -1) {
      free (p);
      return v2c_set_error (c->err, ENOMEM, "out of memory");
    }
    if (is_loopback (p[i].address)
        && !(in->loopback_only && (conv->flags & V2C_CONV_LISTEN_ANY)))
      plan_note (c,
                 "'%s' listens on %s port %" JSON_INTEGER_FORMAT
                 " only: make it listen on all addresses so that other pods "
                 "reach its Service",
                 in->unit, p[i].address, p[i].port);
    if ((i == 0 || cmp_port (&p[i], &p[i - 1]) != 0)
        && v2c_conv_add_port (o, (int) p[i].port, p[i].proto, NULL) == -1)
      c->oom = 1;
  }
  free (p);
  return 0;
}

/* volumes: its data directories, twice their size, at least 1Gi. */
static int
svc_volumes (struct plan_ctx *c, const struct v2c_conv_in *in,
             const char *const *aliases, struct v2c_plan_component *o)
{
  char fbuf[V2C_PLAN_MAX_PATTERN + 1];
  const char **vnames = calloc (c->ndd + 1, sizeof *vnames);
  size_t nv = 0, i;

  if (vnames == NULL)
    return v2c_set_error (c->err, ENOMEM, "out of memory");
  for (i = 0; i < c->ndd; i++) {
    const struct ddir *d = &c->dd[i];
    char vname[64], size[32];
    const char *f;
    json_int_t gib;
    struct v2c_plan_volume *vo;
    if (!svc_match (d->service, in->unit, in->base, aliases))
      continue;
    v2c_conv_unique_label (d->path + 1, "data", vnames, nv, vname);
    gib = d->has_used ? d->used / (1 << 29) + (d->used % (1 << 29) != 0) : 1;
    if (gib < 1)
      gib = 1;
    snprintf (size, sizeof size, "%" JSON_INTEGER_FORMAT "Gi", gib);
    vo = v2c_conv_grow (&o->volumes.v, &o->volumes.n, sizeof *vo);
    if (vo == NULL) {
      free (vnames);
      return v2c_set_error (c->err, ENOMEM, "out of memory");
    }
    vo->name = plan_dup (c, vname);
    vo->mount_path = plan_dup (c, d->path);
    vo->kind = plan_dup (c, "pvc");
    vo->size = plan_dup (c, size);
    plan_push (c, &o->write_paths, d->path);
    if (vo->name)
      vnames[nv++] = vo->name;
    f = evidence_file (d->evidence, fbuf, sizeof fbuf);
    if (f && v2c_conv_config_file (o, f) == -1) {
      free (vnames);
      return v2c_set_error (c->err, ENOMEM, "out of memory");
    }
  }
  free (vnames);
  return 0;
}

/* The component of a service (for itself or for a timer that starts
 * it), with what every workload has; the converter finishes it.
 * *reason when it can't be one. */
int
plan_service_component (struct plan_ctx *c, const char *w,
                        const struct v2c_conv_in *in,
                        struct v2c_exec_words *words,
                        const struct v2c_converter *conv,
                        struct v2c_plan_component **outp, const char **reason)
{
  const char *const *aliases = conv->aliases;
  struct svc_fields f;
  char label[64];
  struct v2c_plan_component *o;

  *outp = NULL;
  *reason = NULL;
  svc_read (in->service, &f);
  if (svc_ids (c, in, &f) == -1 || svc_workdir (c, w, &f) == -1)
    return -1;
  svc_label (c, in->unit, label);
  o = new_component (label);
  if (o == NULL)
    return v2c_set_error (c->err, ENOMEM, "out of memory");
  *reason = command_of (c, words, &o->command);
  if (*reason) {
    plan_component_free (o);
    return 0;
  }
  o->service = plan_dup (c, in->unit);
  if (plan_set_source (o, in->kind, f.unit_path, 0) == -1)
    c->oom = 1;
  o->user = plan_dup (c, f.user);
  o->uid = f.uid;
  o->gid = f.gid;
  o->working_dir = plan_dup (c, f.wd);
  if (c->oom || svc_env (c, w, f.env, o) == -1
      || svc_files (c, w, &f, o) == -1
      || svc_ports (c, w, in, conv, o) == -1
      || svc_volumes (c, in, aliases, o) == -1) {
    plan_component_free (o);
    return c->oom ? v2c_set_error (c->err, ENOMEM, "out of memory") : -1;
  }
  plan_claim_secrets (c, o, in->line, in->base);
  svc_named_secrets (c, in, aliases, o);
  svc_credentials (c, in, o);
  if (c->oom) {
    plan_component_free (o);
    return v2c_set_error (c->err, ENOMEM, "out of memory");
  }
  *outp = o;
  return 0;
}

/* The component of a cron entry; the cron converter finishes it. */
int
plan_cron_component (struct plan_ctx *c, const struct v2c_conv_in *in,
                     const char *stem, struct v2c_plan_component **outp)
{
  char label[64];
  const char *user = in->cron->user, *file = in->cron->file, *home = NULL;
  json_int_t uid = 0, gid = 0, line = in->cron->line;
  struct v2c_plan_component *o;
  size_t i;
  int found;

  *outp = NULL;
  if (file && v2c_model_path_problem (file))
    file = NULL;
  if (user) {
    if (plan_lookup_id (c, "users", user, "uid", &uid, &gid, &home, &found)
        == -1)
      return -1;
    if (!found) {
      uid = gid = 65534;
      plan_note (c,
                 "cron job '%s': user '%s' is not in the inventory's users, "
                 "running as 65534:65534",
                 in->name, user);
    }
  }
  if (home && v2c_model_path_problem (home))
    home = NULL;
  v2c_conv_unique_label (stem, "cron-job", c->names, c->nnames, label);
  o = new_component (label);
  if (o == NULL)
    return v2c_set_error (c->err, ENOMEM, "out of memory");
  if (in->argc > 0)
    for (i = 0; i < in->argc; i++)
      plan_push (c, &o->command, in->argv[i]);
  else {
    plan_push (c, &o->command, "/bin/sh");
    plan_push (c, &o->command, "-c");
    plan_push (c, &o->command, in->line);
  }
  if (plan_set_source (o, "cron", file, line) == -1)
    c->oom = 1;
  o->user = plan_dup (c, user);
  o->uid = uid;
  o->gid = gid;
  /* cron runs a job in its user's home */
  o->working_dir = plan_dup (c, home);
  plan_claim_secrets (c, o, in->line, NULL);
  /* the variables that carry its command's secrets */
  if (in->cron->environment.n
      && svc_env (c, "cron", &in->cron->environment, o) == -1) {
    plan_component_free (o);
    return -1;
  }
  if (c->oom) {
    plan_component_free (o);
    return v2c_set_error (c->err, ENOMEM, "out of memory");
  }
  *outp = o;
  return 0;
}

void
plan_component_free (struct v2c_plan_component *k)
{
  if (k)
    v2c_plan_component_clear (k);
  free (k);
}
