/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The plan ("v2c.plan/1") of a loaded inventory (struct v2c_inventory,
 * lib/model.h): v2c_plan_build reads its head, data directories and
 * secrets, describes the image,
 * and walks the services, timers and cron jobs, each converted by the
 * converter that owns it (converters/) or dropped with a reason.  The
 * parts are in lib/plan-*.c (see lib/plan-private.h).
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "converter-util.h"
#include "plan-private.h"

/* ------------------------------------------------------------------ */
/* Walking the inventory                                              */

/* Characters that make a cron command need a shell. */
static int
needs_shell (const char *s)
{
  return s[strcspn (s, "|&;<>()$`\\\"'*?[]#~=%{}\n")] != '\0';
}

static int
add_notes (struct plan_ctx *c, size_t ncomp)
{
  size_t i;

  for (i = 0; i < c->model->blockers.n; i++) {
    const struct v2c_inv_blocker *b = &c->model->blockers.v[i];
    const char *first = b->evidence.n > 0 ? b->evidence.v[0] : NULL;

    plan_note (c, "blockers: %s (%s): %s", b->rule,
               b->severity ? b->severity : "unknown",
               b->summary ? b->summary
               : first    ? first
                          : "no evidence");
  }
  if (ncomp == 0)
    plan_note (c, "no service became a component: the image runs /bin/sh");
  return 0;
}

static int
cmp_comp (const void *a, const void *b)
{
  return strcmp (((const struct comp *) a)->name,
                 ((const struct comp *) b)->name);
}

static int
cmp_named (const void *a, const void *b)
{
  return strcmp (((const struct v2c_plan_dropped *) a)->name,
                 ((const struct v2c_plan_dropped *) b)->name);
}

/* Growing lists of the build. */
struct lists {
  struct comp *cv;
  size_t nc, capc;
  struct v2c_plan_dropped *dv;
  size_t nd;
};

static int
add_dropped (struct plan_ctx *c, struct lists *L, const char *name,
             const char *reason)
{
  struct v2c_plan_dropped *d = v2c_conv_grow (&L->dv, &L->nd, sizeof *d);

  if (d == NULL || (d->name = plan_dup (c, name)) == NULL
      || (d->reason = plan_dup (c, reason)) == NULL)
    return v2c_set_error (c->err, ENOMEM, "out of memory");
  return 0;
}

/* Run the item's converter on its component; add it, or drop it. */
static int
convert (struct plan_ctx *c, struct lists *L, struct v2c_conv_in *in,
         const struct v2c_converter *conv, struct v2c_plan_component *kc,
         const char *where, const char *exe)
{
  struct v2c_conv_out out;
  struct comp *k;

  memset (&out, 0, sizeof out);
  out.comp = kc;
  out.weight = 1;
  memset (&c->said, 0, sizeof c->said);
  c->said.comp = kc;
  c->said.kind = conv->kind;
  free (kc->converter);
  kc->converter = strdup (conv->name);
  if (kc->converter == NULL) {
    plan_component_free (kc);
    return v2c_set_error (c->err, ENOMEM, "out of memory");
  }
  if (conv->contribute (&c->conv, in, &out, c->err) == -1) {
    plan_component_free (kc);
    return -1;
  }
  if (out.reason[0]) {
    plan_component_free (kc);
    return add_dropped (c, L, in->name, out.reason);
  }
  if (L->nc == L->capc || c->nnames == L->capc) {
    size_t cap = L->capc ? L->capc * 2 : 16;
    struct comp *n = realloc (L->cv, cap * sizeof *n);
    const char **nn;
    if (n == NULL) {
      plan_component_free (kc);
      return v2c_set_error (c->err, ENOMEM, "out of memory");
    }
    L->cv = n;
    nn = realloc (c->names, cap * sizeof *nn);
    if (nn == NULL) {
      plan_component_free (kc);
      return v2c_set_error (c->err, ENOMEM, "out of memory");
    }
    c->names = nn;
    L->capc = cap;
  }
  k = &L->cv[L->nc];
  memset (k, 0, sizeof *k);
  k->conv = conv;
  k->svc = in->service;
  k->cron = in->cron;
  snprintf (k->where, sizeof k->where, "%s", where);
  k->talks_to = out.talks_to;
  k->write_known = out.write_known;
  k->weight = out.weight > 0 ? out.weight : 1;
  k->said = c->said;
  k->said.comp = NULL;
  k->exe = strdup (exe);
  k->unit = in->unit ? strdup (in->unit) : NULL;
  k->unit_base = strdup (in->base ? in->base : "");
  if (k->exe == NULL || (in->unit && k->unit == NULL)
      || k->unit_base == NULL) {
    free (k->exe);
    free (k->unit);
    free (k->unit_base);
    plan_component_free (kc);
    return v2c_set_error (c->err, ENOMEM, "out of memory");
  }
  plan_finish_component (c, k, kc);
  k->model = kc;
  L->nc++;
  k->name = kc->name;
  k->workdir = kc->working_dir;
  c->names[c->nnames++] = k->name;
  return c->oom ? v2c_set_error (c->err, ENOMEM, "out of memory") : 0;
}

/* The base name of a unit: without ".service" and "@instance". */
static void
unit_base (const char *unit, char *base, size_t len)
{
  char *cut;

  snprintf (base, len, "%s", unit);
  cut = strrchr (base, '.');
  if (cut && strcmp (cut, ".service") == 0)
    *cut = '\0';
  cut = strchr (base, '@');
  if (cut)
    *cut = '\0';
}

/* The name of the timer of inventory.timers[] that starts unit, or
 * NULL. */
static const char *
timer_of (struct plan_ctx *c, const char *unit)
{
  size_t i;

  for (i = 0; i < c->model->timers.n; i++)
    if (c->model->timers.v[i].unit
        && strcmp (c->model->timers.v[i].unit, unit) == 0)
      return c->model->timers.v[i].name;
  return NULL;
}

/* One service, or the service a timer starts (timer != NULL). */
static int
plan_service (struct plan_ctx *c, struct lists *L, size_t si, const char *w,
              const struct v2c_inv_timer *timer, const char *timer_name,
              const char *timer_path)
{
  const struct v2c_inv_service *isvc = &c->model->services.v[si];
  char base[512], reasonbuf[600];
  const char *unit, *kind, *exec, *type, *instance, *reason;
  struct v2c_conv_in in;
  struct v2c_exec_words words = { NULL, 0 };
  const struct v2c_converter *conv;
  struct v2c_plan_component *obj = NULL;
  size_t nnotes, nd;
  int status = -1;

  unit = isvc->name;
  kind = isvc->kind;
  exec = isvc->exec_start;
  type = isvc->type;
  instance = isvc->template_instance;
  if (*unit == '\0') {
    char nw[V2C_MODEL_WHERE];
    return v2c_model_bad (c->err, INV, v2c_model_sub (nw, w, "name"), "empty");
  }
  unit_base (unit, base, sizeof base);
  reason = plan_plumbing_reason (base);
  if (timer) {
    if (reason) {
      snprintf (reasonbuf, sizeof reasonbuf, "starts '%s': %s", unit, reason);
      return add_dropped (c, L, timer_name, reasonbuf);
    }
  } else if (reason == NULL) {
    /* its timer makes it a CronJob */
    if (timer_of (c, unit))
      return 0;
    if (!isvc->enabled)
      reason = "not enabled at boot";
  }
  if (reason == NULL && (exec == NULL || *exec == '\0'))
    reason = "no ExecStart: nothing to run";
  if (reason == NULL)
    reason = plan_unit_words (exec, unit, instance, &words, reasonbuf,
                              sizeof reasonbuf);
  if (reason)
    return add_dropped (c, L, timer ? timer_name : unit, reason);

  memset (&in, 0, sizeof in);
  in.src = timer ? V2C_CONV_TIMER : V2C_CONV_SERVICE;
  in.inv = c->model;
  in.service = isvc;
  in.timer = timer;
  in.name = timer ? timer_name : unit;
  in.unit = unit;
  in.base = base;
  in.instance = instance;
  in.kind = kind;
  in.type = type;
  in.line = exec;
  in.argv = words.v;
  in.argc = words.n;
  in.exe = v2c_conv_basename (words.v[0]);
  conv = v2c_converter_for (&in);
  if (conv == NULL) {
    status = add_dropped (c, L, in.name, "no converter takes it");
    goto out;
  }
  nnotes = c->notes.n;
  in.loopback_only = plan_loopback_only (&in, conv->aliases);
  if (plan_service_component (c, w, &in, &words, conv, &obj, &reason)
      == -1)
    goto out;
  if (reason) {
    status = add_dropped (c, L, in.name, reason);
    goto out;
  }
  if (timer && plan_set_source (obj, "timer", timer_path, 0) == -1) {
    plan_component_free (obj);
    status = v2c_set_error (c->err, ENOMEM, "out of memory");
    goto out;
  }
  nd = L->nd;
  status = convert (c, L, &in, conv, obj, w, words.v[0]);
  /* the notes of an item that was dropped go with it */
  while (status == 0 && L->nd > nd && c->notes.n > nnotes) {
    free (c->notes.v[--c->notes.n]);
    c->notes.v[c->notes.n] = NULL;
  }
out:
  v2c_exec_words_free (&words);
  return status;
}

static int
plan_timers (struct plan_ctx *c, struct lists *L)
{
  const struct v2c_inventory *inv = c->model;
  char sw[V2C_MODEL_WHERE];
  const char *name, *unit, *path;
  size_t i, k;

  for (i = 0; i < inv->timers.n; i++) {
    const struct v2c_inv_timer *t = &inv->timers.v[i];
    char unitbuf[600];

    name = t->name;
    unit = t->unit;
    path = t->unit_path;
    if (path && v2c_model_path_problem (path))
      path = NULL;
    if (unit == NULL) {
      /* the unit of the same name */
      size_t n = strlen (name);
      if (n > 6 && strcmp (name + n - 6, ".timer") == 0)
        n -= 6;
      snprintf (unitbuf, sizeof unitbuf, "%.*s.service",
                (int) (n < 500 ? n : 500), name);
      unit = unitbuf;
    }
    if (!t->enabled) {
      if (add_dropped (c, L, name, "timer not enabled") == -1)
        return -1;
      continue;
    }
    for (k = 0; k < inv->services.n; k++)
      if (strcmp (inv->services.v[k].name, unit) == 0)
        break;
    if (k == inv->services.n) {
      char why[700];
      snprintf (why, sizeof why,
                "starts '%.600s', which the inventory does not list", unit);
      if (add_dropped (c, L, name, why) == -1)
        return -1;
      continue;
    }
    v2c_model_idx (sw, "services", k);
    if (plan_service (c, L, k, sw, t, name, path) == -1)
      return -1;
  }
  return 0;
}

/* Drop a cron job that is a package's housekeeping (1), or keep it
 * (0): the package must ship the file unchanged.  An edited one is kept
 * with a note; a job of an inventory older than cron[].package is
 * judged by its file alone. */
static int
cron_housekeeping (struct plan_ctx *c, struct lists *L,
                   const struct v2c_inv_cron *job, const char *name)
{
  const char *path = job->file;
  const struct plan_housekeeping *h;
  char why[800];

  /* the scripts of /etc/cron.daily & co are listed with line 0 */
  if (job->line == 0 && path && strncmp (path, "/etc/cron.", 10) == 0
      && strcmp (path, "/etc/cron.d") != 0)
    path = job->command;
  h = path ? plan_housekeeping (path) : NULL;
  if (h == NULL)
    return 0;
  if (!(job->has & V2C_INV_CRON_HAS_PACKAGE))
    snprintf (why, sizeof why, "housekeeping (%s): %s", h->what, h->why);
  else if (job->package == NULL)
    return 0; /* the site's own file of that name */
  else if (job->modified || !(job->has & V2C_INV_CRON_HAS_MODIFIED)) {
    plan_note (c,
               "cron job '%s' is package '%s''s housekeeping (%s) but its "
               "file '%s' was edited: kept as a CronJob; remove it from "
               "the plan if the edit is not needed in a container",
               name, job->package, h->what, path);
    return c->oom ? v2c_set_error (c->err, ENOMEM, "out of memory") : 0;
  } else
    snprintf (why, sizeof why, "housekeeping of package '%.200s' (%s): %s",
              job->package, h->what, h->why);
  return add_dropped (c, L, name, why) == -1 ? -1 : 1;
}

static int
plan_cron (struct plan_ctx *c, struct lists *L)
{
  char w[V2C_MODEL_WHERE], name[700], stem[512];
  struct v2c_plan_component *obj;
  const char *cmd, *file, *user, *exe = "";
  int64_t line;
  struct v2c_exec_words words = { NULL, 0 };
  struct v2c_conv_in in;
  const struct v2c_converter *conv;
  size_t i;

  for (i = 0; i < c->model->cron.n; i++) {
    const struct v2c_inv_cron *job = &c->model->cron.v[i];

    v2c_model_idx (w, "cron", i);
    cmd = job->command;
    user = job->user;
    file = job->file;
    line = job->line;
    if (line > INT32_MAX) {
      char lw[V2C_MODEL_WHERE];
      v2c_model_bad (c->err, INV, v2c_model_sub (lw, w, "line"),
                "%" PRId64 " is out of range", line);
      goto fail;
    }
    if (strlen (cmd) > MAX_LINE) {
      char cw[V2C_MODEL_WHERE];
      v2c_model_bad (c->err, INV, v2c_model_sub (cw, w, "command"),
                     "too long");
      goto fail;
    }
    /* a job is named by its place, or by its script in cron.daily & co */
    if (file && line > 0)
      snprintf (name, sizeof name, "%.600s:%" PRId64, file, line);
    else
      snprintf (name, sizeof name, "%.600s", cmd);
    v2c_exec_words_free (&words);
    if (!needs_shell (cmd) && v2c_exec_split (cmd, &words) != NULL)
      v2c_exec_words_free (&words);
    exe = words.n ? v2c_conv_basename (words.v[0]) : "";
    if (file && strncmp (file, "/etc/cron.d/", 12) == 0)
      snprintf (stem, sizeof stem, "%.500s", v2c_conv_basename (file));
    else if (words.n) {
      const char *dot;
      snprintf (stem, sizeof stem, "%.500s", exe);
      dot = strrchr (stem, '.');
      if (dot && dot != stem)
        stem[dot - stem] = '\0';
    } else {
      /* a shell line: named by its first word's program */
      size_t k = strcspn (cmd, " \t;|&<>");
      char first[512];
      snprintf (first, sizeof first, "%.*s", (int) (k < 500 ? k : 500), cmd);
      snprintf (stem, sizeof stem, "%.500s", v2c_conv_basename (first));
      if (strrchr (stem, '.') && strrchr (stem, '.') != stem)
        *strrchr (stem, '.') = '\0';
      if (stem[0] == '\0' || strchr (first, '=') || strchr (first, '('))
        snprintf (stem, sizeof stem, "cron-%.480s", user ? user : "job");
    }
    switch (cron_housekeeping (c, L, job, name)) {
    case -1:
      goto fail;
    case 1:
      continue;
    }
    memset (&in, 0, sizeof in);
    in.src = V2C_CONV_CRON;
    in.inv = c->model;
    in.cron = job;
    in.name = name;
    in.line = cmd;
    in.argv = words.v;
    in.argc = words.n;
    in.exe = exe;
    conv = v2c_converter_for (&in);
    if (conv == NULL) {
      if (add_dropped (c, L, name, "no converter takes it") == -1)
        goto fail;
      continue;
    }
    if (plan_cron_component (c, &in, stem, &obj) == -1
        || convert (c, L, &in, conv, obj, w, words.n ? words.v[0] : "")
               == -1)
      goto fail;
  }
  v2c_exec_words_free (&words);
  return 0;
fail:
  v2c_exec_words_free (&words);
  return -1;
}

/* What the plan takes from the inventory's head. */
struct head {
  const char *name, *format, *path;                /* the VM, its source */
  const char *type, *distro, *version, *arch, *pm; /* os */
  const char *garch, *variant;                     /* the image's */
};

/* Read and check what the plan needs of the inventory's head. */
static int
read_head (const struct v2c_inventory *inv, struct head *h,
           struct v2c_err *err)
{
  const struct v2c_inv_os *os = inv->os;

  h->name = inv->name;
  h->format = inv->source.format;
  h->path = inv->source.path;
  if (os == NULL)
    return v2c_model_bad (err, INV, "os",
                     "null: the guest was not inspected "
                     "(--descriptor-only), there is nothing to plan");
  h->type = os->type;
  h->distro = os->distro;
  h->version = os->version;
  h->arch = os->arch;
  h->pm = os->package_manager;
  h->garch = plan_goarch (h->arch, &h->variant);
  if (h->garch == NULL)
    return v2c_model_bad (err, INV, "os.arch", "unknown architecture '%s'",
                     h->arch ? h->arch : "null");
  return 0;
}

/* The plan's image: base, platform, layers of the strategy, excludes,
 * data volumes (the secret files are there already).  -1 when out of
 * memory. */
static int
describe_image (struct plan_ctx *c, const struct head *h, const char *strategy,
                struct v2c_plan_image *image)
{
  static const char *const config_inc[] = { "/etc" };
  size_t i;

  image->strategy = plan_dup (c, strategy);
  image->base.distro = plan_dup (c, h->distro);
  image->base.version = plan_dup (c, h->version);
  image->os = plan_dup (c, h->type && strcmp (h->type, "windows") == 0
                               ? "windows"
                               : "linux");
  image->architecture = plan_dup (c, h->garch);
  image->variant = plan_dup (c, h->variant);
  image->package_manager = plan_dup (c, h->pm);
  if (strcmp (strategy, "split") == 0) {
    if (plan_layer (image, "os", NULL, 0) == -1
        || plan_layer (image, "config", config_inc, 1) == -1
        || plan_layer (image, "app", NULL, 0) == -1)
      return -1;
  } else if (plan_layer (image, "rootfs", NULL, 0) == -1)
    return -1;
  if (plan_default_excludes (image) == -1)
    return -1;
  for (i = 0; i < c->ndd; i++) {
    struct v2c_plan_data_volume *v
        = v2c_conv_grow (&image->volumes.v, &image->volumes.n, sizeof *v);
    if (v == NULL)
      return -1;
    v->path = plan_dup (c, c->dd[i].path);
    v->service = plan_dup (c, c->dd[i].service);
    v->used_bytes.v = c->dd[i].has_used ? c->dd[i].used : 0;
    v->used_bytes.set = c->dd[i].has_used;
    v->reason = plan_dup (c, "data directory");
  }
  return c->oom ? -1 : 0;
}

/* The components: services, then timers, then cron jobs, each by the
 * converter that owns it; then the VM's resources shared among them,
 * their links, their order, the main one (*m) and the notes. */
static int
plan_components (struct plan_ctx *c, struct lists *L, struct v2c_plan *plan,
                 long *m)
{
  char w[V2C_MODEL_WHERE];
  size_t i;

  if (c->model->services.n > V2C_PLAN_MAX_ITEMS)
    return v2c_model_bad (c->err, INV, "services", "more than %d entries",
                     V2C_PLAN_MAX_ITEMS);
  for (i = 0; i < c->model->services.n; i++)
    if (plan_service (c, L, i, v2c_model_idx (w, "services", i), NULL, NULL,
                      NULL)
        == -1)
      return -1;
  if (plan_timers (c, L) == -1 || plan_cron (c, L) == -1)
    return -1;
  if (L->nc > V2C_PLAN_MAX_ITEMS || L->nd > V2C_PLAN_MAX_ITEMS)
    return v2c_model_bad (c->err, INV, "",
                     "more than %d components or dropped items",
                     V2C_PLAN_MAX_ITEMS);
  if (plan_share_resources (c, L->cv, L->nc, plan) == -1
      || plan_link_components (c, L->cv, L->nc) == -1
      || plan_share_claims (c, L->cv, L->nc) == -1)
    return -1;
  if (L->nc)
    qsort (L->cv, L->nc, sizeof *L->cv, cmp_comp);
  if (L->nd)
    qsort (L->dv, L->nd, sizeof *L->dv, cmp_named);
  *m = plan_main_component (L->cv, L->nc);
  return add_notes (c, L->nc);
}

/* The rest of the plan, taking the notes and the lists' components and
 * dropped items.  -1 when out of memory. */
static int
assemble (struct plan_ctx *c, const struct head *h, struct lists *L, long m,
          struct v2c_plan *plan)
{
  size_t i;

  plan->schema = plan_dup (c, "v2c.plan/1");
  plan->name = plan_dup (c, h->name);
  plan->source.vm = plan_dup (c, h->name);
  plan->source.format = plan_dup (c, h->format);
  plan->source.path = plan_dup (c, h->path);
  plan->main_component = m >= 0 ? plan_dup (c, L->cv[m].name) : NULL;
  if (L->nc > 0) {
    plan->components.v = calloc (L->nc, sizeof *plan->components.v);
    if (plan->components.v == NULL)
      return -1;
  }
  for (i = 0; i < L->nc; i++) {
    plan->components.v[plan->components.n++] = *L->cv[i].model;
    free (L->cv[i].model);
    L->cv[i].model = NULL;
  }
  plan->dropped.v = L->dv;
  plan->dropped.n = L->nd;
  L->dv = NULL;
  L->nd = 0;
  plan->notes = c->notes;
  memset (&c->notes, 0, sizeof c->notes);
  return c->oom ? -1 : 0;
}

static void
lists_free (struct lists *L)
{
  size_t i;

  for (i = 0; i < L->nc; i++) {
    plan_component_free (L->cv[i].model);
    free (L->cv[i].exe);
    free (L->cv[i].unit);
    free (L->cv[i].unit_base);
  }
  for (i = 0; i < L->nd; i++) {
    free (L->dv[i].name);
    free (L->dv[i].reason);
  }
  free (L->cv);
  free (L->dv);
}

/* The plan of a loaded inventory, built from its structs. */
static struct v2c_plan *
build (const struct v2c_inventory *inv, const char *strategy,
       struct v2c_err *err)
{
  struct plan_ctx c;
  struct lists L = { NULL, 0, 0, NULL, 0 };
  struct head h;
  struct v2c_plan *plan = NULL;
  long m = -1;
  int ok = 0;

  plan_ctx_init (&c, inv, err);
  if (strategy == NULL)
    strategy = "split";
  if (strcmp (strategy, "split") != 0 && strcmp (strategy, "single") != 0) {
    v2c_set_error (err, 0, "unknown strategy '%s' (split or single)",
                   strategy);
    return NULL;
  }
  if (read_head (inv, &h, err) == -1)
    return NULL;
  plan = calloc (1, sizeof *plan);
  if (plan == NULL) {
    v2c_set_error (err, ENOMEM, "out of memory");
    goto out;
  }
  if (plan_read_data_dirs (&c, &c.dd, &c.ndd) == -1
      || plan_secret_files (&c, plan) == -1)
    goto out;
  if (describe_image (&c, &h, strategy, &plan->image) == -1) {
    v2c_set_error (err, ENOMEM, "out of memory");
    goto out;
  }
  if (plan_components (&c, &L, plan, &m) == -1)
    goto out;
  if (assemble (&c, &h, &L, m, plan) == -1)
    v2c_set_error (err, ENOMEM, "out of memory");
  else
    ok = 1;
out:
  v2c_strvec_clear (&c.notes);
  lists_free (&L);
  free (c.names);
  free (c.dd);
  free (c.secret_paths);
  free (c.secret_recs);
  if (!ok) {
    if (plan)
      v2c_plan_free (plan);
    plan = NULL;
  }
  return plan;
}

struct v2c_plan *
v2c_plan_build (const struct v2c_inventory *inv, const char *strategy,
                struct v2c_err *err)
{
  struct v2c_plan *plan = build (inv, strategy, err), *check;
  json_t *doc;

  if (plan == NULL)
    return NULL;
  /* GPU requests, the driver out of the image, the CUDA layer */
  if (v2c_plan_set_gpu (plan, inv, NULL, err) == -1) {
    v2c_plan_free (plan);
    return NULL;
  }
  /* the target --target auto picks: most VMs get none (containers) */
  if (v2c_plan_set_target (plan, inv, NULL, err) == -1) {
    v2c_plan_free (plan);
    return NULL;
  }
  /* what is written must read back: the model's loader holds every
   * rule of a plan, and checks a document; it checks what is built
   * here through the document it would be written as */
  doc = v2c_plan_to_json (plan);
  if (doc == NULL) {
    v2c_plan_free (plan);
    v2c_set_error (err, ENOMEM, "out of memory");
    return NULL;
  }
  check = v2c_plan_load (doc, err);
  json_decref (doc);
  if (check == NULL) {
    v2c_error_prefix (err, "can't make a valid plan");
    v2c_plan_free (plan);
    return NULL;
  }
  v2c_plan_free (check);
  return plan;
}
