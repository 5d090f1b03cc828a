/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The state of a build (struct plan_ctx) and what it holds of the
 * inventory: the converters' context wired to it, adding to the plan
 * and its notes, the users and groups, the data directories and the
 * secret files.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "converter-util.h"
#include "plan-private.h"

/* The planner's side of the converters' context (struct v2c_conv_ctx,
 * converters/converters.h): a note, a user of the inventory, and what
 * a converter says of the component being converted (c->said). */
static void
ctx_note (void *data, const char *msg)
{
  plan_note (data, "%s", msg);
}

static int
ctx_set_user (void *data, struct v2c_plan_component *comp, const char *user,
              struct v2c_err *err)
{
  struct plan_ctx *c = data;
  json_int_t uid = 65534, gid = 65534;
  int found;

  (void) err;
  if (plan_lookup_id (c, "users", user, "uid", &uid, &gid, NULL, &found) == -1)
    return -1;
  if (!found) {
    uid = gid = 65534;
    plan_note (c,
               "component '%s': user '%s' is not in the inventory's users, "
               "running as 65534:65534",
               comp->name, user);
  }
  free (comp->user);
  comp->user = strdup (user);
  comp->uid = uid;
  comp->gid = gid;
  return comp->user ? 0 : v2c_set_error (c->err, ENOMEM, "out of memory");
}

static void
ctx_set_kind (struct v2c_conv_ctx *ctx, enum v2c_conv_kind kind)
{
  struct plan_ctx *c = ctx->data;

  c->said.kind = kind;
}

static int
ctx_add_volume (struct v2c_conv_ctx *ctx, const char *path, const char *kind,
                const char *size, const char *source_path)
{
  struct plan_ctx *c = ctx->data;

  return v2c_conv_add_volume (c->said.comp, path, kind, size, source_path);
}

static void
ctx_set_probe (struct v2c_conv_ctx *ctx, const char *http_path, int port,
               int delay)
{
  struct plan_ctx *c = ctx->data;

  c->said.http_path = http_path;
  c->said.http_port = port;
  c->said.initial_delay = delay;
}

static int
ctx_replace_with (struct v2c_conv_ctx *ctx, const char *image,
                  const char *advice)
{
  struct plan_ctx *c = ctx->data;

  return v2c_conv_replace_with (c->said.comp, image, advice);
}

void
plan_ctx_init (struct plan_ctx *c, const struct v2c_inventory *inv,
               struct v2c_err *err)
{
  memset (c, 0, sizeof *c);
  c->conv.data = c;
  c->conv.note = ctx_note;
  c->conv.set_user = ctx_set_user;
  c->conv.set_kind = ctx_set_kind;
  c->conv.add_volume = ctx_add_volume;
  c->conv.set_probe = ctx_set_probe;
  c->conv.replace_with = ctx_replace_with;
  c->model = inv;
  c->err = err;
}

char *
plan_dup (struct plan_ctx *c, const char *s)
{
  char *d = s ? strdup (s) : NULL;

  if (s && d == NULL)
    c->oom = 1;
  return d;
}

void
plan_push (struct plan_ctx *c, struct v2c_strvec *v, const char *s)
{
  if (v2c_strvec_push (v, s) == -1)
    c->oom = 1;
}

void
plan_note (struct plan_ctx *c, const char *fmt, ...)
{
  char buf[1024];
  va_list ap;

  if (c->notes.n >= V2C_PLAN_MAX_ITEMS)
    return;
  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  plan_push (c, &c->notes, buf);
}

/* ------------------------------------------------------------------ */
/* The inventory's data directories and secrets                       */

static int
cmp_ddir (const void *a, const void *b)
{
  return v2c_path_cmp (((const struct ddir *) a)->path,
                       ((const struct ddir *) b)->path);
}

/* Read, check and merge inventory.data_dirs[]: sorted by path. */
int
plan_read_data_dirs (struct plan_ctx *c, struct ddir **out, size_t *nout)
{
  const struct v2c_inventory *inv = c->model;
  struct ddir *d;
  size_t i, n = 0;
  const char *why;

  *out = NULL;
  *nout = 0;
  if (inv->data_dirs.n == 0)
    return 0;
  d = calloc (inv->data_dirs.n, sizeof *d);
  if (d == NULL)
    return v2c_set_error (c->err, ENOMEM, "out of memory");
  for (i = 0; i < inv->data_dirs.n; i++) {
    const struct v2c_inv_data_dir *e = &inv->data_dirs.v[i];
    char w[V2C_MODEL_WHERE], pw[V2C_MODEL_WHERE];

    d[i].path = e->path;
    d[i].service = e->service;
    d[i].evidence = e->evidence;
    d[i].used = e->used_bytes.v;
    d[i].has_used = e->used_bytes.set;
    why = v2c_model_path_problem (d[i].path);
    if (why) {
      v2c_model_idx (w, "data_dirs", i);
      v2c_model_bad (c->err, INV, v2c_model_sub (pw, w, "path"), "%s", why);
      goto fail;
    }
  }
  qsort (d, i, sizeof *d, cmp_ddir);
  for (i = 0; i < inv->data_dirs.n; i++) {
    if (n > 0 && strcmp (d[n - 1].path, d[i].path) == 0) {
      if (d[n - 1].service == NULL)
        d[n - 1].service = d[i].service;
      if (d[n - 1].evidence == NULL)
        d[n - 1].evidence = d[i].evidence;
      if (d[i].has_used && (!d[n - 1].has_used || d[i].used > d[n - 1].used)) {
        d[n - 1].used = d[i].used;
        d[n - 1].has_used = 1;
      }
      continue;
    }
    d[n++] = d[i];
  }
  if (n > V2C_PLAN_MAX_ITEMS) {
    free (d);
    return v2c_model_bad (c->err, INV, "data_dirs", "more than %d directories",
                     V2C_PLAN_MAX_ITEMS);
  }
  *out = d;
  *nout = n;
  return 0;
fail:
  free (d);
  return -1;
}

struct secret {
  const struct v2c_inv_secret *rec;
  size_t idx;
};

static int
cmp_secret (const void *a, const void *b)
{
  const struct secret *x = a, *y = b;
  int r = strcmp (x->rec->path, y->rec->path);

  if (r == 0)
    r = (x->rec->line > y->rec->line) - (x->rec->line < y->rec->line);
  if (r == 0)
    r = strcmp (x->rec->kind, y->rec->kind);
  return r ? r : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Findings that are not about a file's content: a variable of a unit or
 * a job (the file holding its value is a finding of its own), an OVF
 * property. */
static int
not_a_file (const char *kind)
{
  return strcmp (kind, "environment") == 0 || strcmp (kind, "argument") == 0
         || strcmp (kind, "ovf-password-property") == 0;
}

#define SECRET_HAS_NAME ((uint64_t) 1 << 3)
#define SECRET_HAS_FP ((uint64_t) 1 << 4)
#define INV_HAS_MODE ((uint64_t) 1 << 6)
#define FILE_HAS_MODE ((uint64_t) 7 << 2)

/* plan.secrets[]: where each secret is, its variable and fingerprint. */
static int
copy_finding (struct plan_ctx *c, struct v2c_plan *plan,
              const struct v2c_inv_secret *r)
{
  struct v2c_plan_secret *o
      = v2c_conv_grow (&plan->secrets.v, &plan->secrets.n, sizeof *o);

  if (o == NULL)
    return -1;
  o->path = plan_dup (c, r->path);
  o->kind = plan_dup (c, r->kind);
  o->line = r->line;
  if (r->name) {
    o->name = plan_dup (c, r->name);
    o->has |= SECRET_HAS_NAME;
  }
  if (r->fingerprint) {
    o->fingerprint = plan_dup (c, r->fingerprint);
    o->has |= SECRET_HAS_FP;
  }
  return c->oom ? -1 : 0;
}

/* image.secret_files (each file once, with its mode and owner) and
 * plan.secrets from inventory.secrets[]; also fills c->secret_paths. */
int
plan_secret_files (struct plan_ctx *c, struct v2c_plan *plan)
{
  char w[V2C_MODEL_WHERE], pw[V2C_MODEL_WHERE];
  struct v2c_plan_image *image = &plan->image;
  struct v2c_plan_secret_file *item = NULL;
  struct secret *s = NULL;
  size_t i, n = c->model->secrets.n;
  const char *why, *last = NULL;
  int r = -1;

  if (n > 0) {
    s = calloc (n, sizeof *s);
    c->secret_paths = calloc (n, sizeof *c->secret_paths);
    c->secret_recs = calloc (n, sizeof *c->secret_recs);
    if (s == NULL || c->secret_paths == NULL || c->secret_recs == NULL)
      goto oom;
  }
  for (i = 0; i < n; i++) {
    s[i].rec = &c->model->secrets.v[i];
    s[i].idx = i;
    why = not_a_file (s[i].rec->kind) ? NULL
                                      : v2c_model_path_problem (s[i].rec->path);
    if (why) {
      v2c_model_idx (w, "secrets", i);
      v2c_model_bad (c->err, INV, v2c_model_sub (pw, w, "path"), "%s", why);
      goto out;
    }
  }
  if (n > 0)
    qsort (s, n, sizeof *s, cmp_secret);
  for (i = 0; i < n; i++) {
    const struct v2c_inv_secret *rec = s[i].rec;

    if (copy_finding (c, plan, rec) == -1)
      goto oom;
    if (not_a_file (rec->kind))
      continue;
    if (last == NULL || strcmp (rec->path, last) != 0) {
      if (c->nsecret >= V2C_PLAN_MAX_ITEMS) {
        v2c_model_bad (c->err, INV, "secrets", "more than %d files",
                       V2C_PLAN_MAX_ITEMS);
        goto out;
      }
      c->secret_recs[c->nsecret] = rec;
      c->secret_paths[c->nsecret++] = rec->path;
      last = rec->path;
      item = v2c_conv_grow (&image->secret_files.v, &image->secret_files.n,
                            sizeof *item);
      if (item == NULL || (item->path = plan_dup (c, rec->path)) == NULL)
        goto oom;
    }
    if ((rec->has & INV_HAS_MODE) && !(item->has & FILE_HAS_MODE)) {
      item->mode = rec->mode;
      item->uid = rec->uid;
      item->gid = rec->gid;
      item->has |= FILE_HAS_MODE;
    }
    if (v2c_strvec_find (&item->kinds, rec->kind) < 0)
      plan_push (c, &item->kinds, rec->kind);
    if (c->oom)
      goto oom;
  }
  r = 0;
  goto out;
oom:
  v2c_set_error (c->err, ENOMEM, "out of memory");
out:
  free (s);
  return r;
}

/* The inventory's first finding of a secret file, or NULL. */
const struct v2c_inv_secret *
plan_secret_record (struct plan_ctx *c, const char *path)
{
  const char **hit;

  if (c->nsecret == 0)
    return NULL;
  hit = bsearch (&path, c->secret_paths, c->nsecret, sizeof *c->secret_paths,
                 plan_cmp_str);
  return hit ? c->secret_recs[hit - c->secret_paths] : NULL;
}

int
plan_is_secret_path (struct plan_ctx *c, const char *path)
{
  return c->nsecret > 0
         && bsearch (&path, c->secret_paths, c->nsecret,
                     sizeof *c->secret_paths, plan_cmp_str)
                != NULL;
}

/* An id of the inventory's users or groups within what a container
 * takes: 0, or -1 with err set. */
static int
id_in_range (struct plan_ctx *c, const char *list, size_t i, const char *key,
             int64_t v)
{
  char w[V2C_MODEL_WHERE], kw[V2C_MODEL_WHERE];

  if (v <= (int64_t) UINT32_MAX - 1)
    return 0;
  v2c_model_idx (w, list, i);
  return v2c_model_bad (c->err, INV, v2c_model_sub (kw, w, key),
                   "%" PRId64 " is out of range", v);
}

/* uid/gid of a user or group name (or number) from the inventory. */
int
plan_lookup_id (struct plan_ctx *c, const char *list, const char *name,
                const char *idkey, json_int_t *id, json_int_t *gid,
                const char **home, int *found)
{
  const struct v2c_inventory *inv = c->model;
  int users = strcmp (list, "users") == 0;
  size_t i, n = users ? inv->users.n : inv->groups.n;
  char *end;

  *found = 0;
  if (home)
    *home = NULL;
  for (i = 0; i < n; i++) {
    const char *nm = users ? inv->users.v[i].name : inv->groups.v[i].name;
    int64_t v = users ? inv->users.v[i].uid : inv->groups.v[i].gid;

    if (strcmp (nm, name) != 0)
      continue;
    if (id_in_range (c, list, i, idkey, v) == -1)
      return -1;
    *id = v;
    if (gid && users) {
      if (id_in_range (c, list, i, "gid", inv->users.v[i].gid) == -1)
        return -1;
      *gid = inv->users.v[i].gid;
    }
    if (home && users)
      *home = inv->users.v[i].home;
    *found = 1;
    return 0;
  }
  /* systemd takes numbers too */
  if (name[0] >= '0' && name[0] <= '9') {
    unsigned long long v;
    errno = 0;
    v = strtoull (name, &end, 10);
    if (errno == 0 && *end == '\0' && v < UINT32_MAX) {
      *id = (json_int_t) v;
      if (gid)
        *gid = (json_int_t) v;
      *found = 1;
    }
  }
  return 0;
}
