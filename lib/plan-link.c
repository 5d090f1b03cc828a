/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Finishing the components of a plan and tying them together: the
 * workload kind and probes its converter stated (or the generic
 * defaults), port names and file volumes of each, the VM's
 * CPU and memory shared among them, what each depends on, the claims
 * a cron job shares with the component whose data it works on, and
 * which is the main one.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "converter-util.h"
#include "plan-private.h"

static int
port_name_used (const struct v2c_plan_component *o, const char *name)
{
  size_t i;

  for (i = 0; i < o->ports.n; i++)
    if (o->ports.v[i].name && strcmp (o->ports.v[i].name, name) == 0)
      return 1;
  return 0;
}

static void
probe (struct v2c_plan_probe *p, const char *http_path, json_int_t port,
       int delay, int *oom)
{
  if (http_path) {
    p->http = calloc (1, sizeof *p->http);
    if (p->http == NULL || (p->http->path = strdup (http_path)) == NULL) {
      *oom = 1;
      return;
    }
    p->http->port = port;
  } else {
    p->tcp = calloc (1, sizeof *p->tcp);
    if (p->tcp == NULL) {
      *oom = 1;
      return;
    }
    p->tcp->port = port;
  }
  p->initial_delay = delay;
  p->period = 10;
}

/* Port names: well known, "http" for a web server, else proto-port;
 * the port of the probes. */
static json_int_t
name_ports (struct plan_ctx *c, struct comp *k, struct v2c_plan_component *o)
{
  int is_web = (k->conv->flags & V2C_CONV_HTTP) != 0;
  json_int_t probe_port = 0;
  size_t i;

  for (i = 0; i < o->ports.n; i++) {
    struct v2c_plan_port *p = &o->ports.v[i];
    const char *name = plan_well_known_port (p->port, p->protocol);
    char buf[32];
    if (p->name)
      continue;
    if (name == NULL && is_web && strcmp (p->protocol, "tcp") == 0)
      name = "http";
    if (name == NULL || port_name_used (o, name)) {
      snprintf (buf, sizeof buf, "%s-%" PRId64, p->protocol, p->port);
      name = buf;
    }
    if ((p->name = strdup (name)) == NULL)
      c->oom = 1;
    if (probe_port == 0 && strcmp (p->protocol, "tcp") == 0
        && (k->said.http_port == 0 || k->said.http_port == p->port))
      probe_port = p->port;
  }
  for (i = 0; probe_port == 0 && i < o->ports.n; i++)
    if (strcmp (o->ports.v[i].protocol, "tcp") == 0)
      probe_port = o->ports.v[i].port;
  return probe_port;
}

/* Kind, port names, file volumes, probes, read_only_root, run_as_root. */
void
plan_finish_component (struct plan_ctx *c, struct comp *k,
                       struct v2c_plan_component *o)
{
  json_int_t probe_port;
  size_t i;
  const char *kind = v2c_conv_kind_name (k->said.kind, o);
  int cron = strcmp (kind, "CronJob") == 0, ro = k->write_known;

  free (o->kind);
  if ((o->kind = strdup (kind)) == NULL)
    c->oom = 1;
  k->cronjob = cron;
  probe_port = name_ports (c, k, o);
  k->has_ports = o->ports.n > 0;

  /* configuration and secret files, each mounted at its own path */
  for (i = 0; i < o->config_files.n; i++) {
    const char *f = o->config_files.v[i];
    if (!v2c_conv_covered (o, f)
        && v2c_conv_add_volume (o, f, "configMap", NULL, f) == -1)
      c->oom = 1;
  }
  for (i = 0; i < o->secret_files.n; i++) {
    const char *f = o->secret_files.v[i];
    if (!v2c_conv_covered (o, f)
        && v2c_conv_add_volume (o, f, "secret", NULL, f) == -1)
      c->oom = 1;
  }

  if (!cron && probe_port > 0) {
    int delay = k->said.initial_delay > 0 ? k->said.initial_delay
                                          : V2C_CONV_PROBE_DELAY;
    o->probes = calloc (1, sizeof *o->probes);
    if (o->probes == NULL)
      c->oom = 1;
    else {
      probe (&o->probes->liveness, k->said.http_path, probe_port, delay,
             &c->oom);
      probe (&o->probes->readiness, k->said.http_path, probe_port,
             delay / 2, &c->oom);
    }
  }
  for (i = 0; i < o->write_paths.n; i++)
    if (!v2c_conv_covered (o, o->write_paths.v[i]))
      ro = 0;
  o->read_only_root = ro;
  o->run_as_root = o->uid == 0;
  plan_user_groups (c, o);
}

static void
set_resources (struct plan_ctx *c, struct v2c_plan_component *o,
               const char *cpu, const char *memory, const char *limit)
{
  free (o->resources.requests.cpu);
  free (o->resources.requests.memory);
  free (o->resources.limits.memory);
  o->resources.requests.cpu = strdup (cpu);
  o->resources.requests.memory = strdup (memory);
  o->resources.limits.memory = strdup (limit);
  if (o->resources.requests.cpu == NULL || o->resources.requests.memory == NULL
      || o->resources.limits.memory == NULL)
    c->oom = 1;
}

/* CPU and memory of the VM shared among the long-running components
 * by weight; CronJobs get a small fixed share. */
int
plan_share_resources (struct plan_ctx *c, struct comp *cv, size_t nc,
                      struct v2c_plan *plan)
{
  const struct v2c_nint *ncpus = &c->model->hardware.cpus;
  const struct v2c_nint *nmem = &c->model->hardware.memory_mib;
  json_int_t cpus = 1, mem = 1024;
  int has_cpus = 0, has_mem = 0;
  long long total = 0;
  size_t i;

  /* the planner's own bounds, within the schema's */
  if (ncpus->set && ncpus->v > 4096)
    return v2c_model_bad (c->err, INV, "hardware.cpus",
                     "%" PRId64 " is out of range", ncpus->v);
  if (nmem->set && nmem->v > (int64_t) 1 << 32)
    return v2c_model_bad (c->err, INV, "hardware.memory_mib",
                     "%" PRId64 " is out of range", nmem->v);
  if (ncpus->set) {
    cpus = ncpus->v;
    has_cpus = 1;
  }
  if (nmem->set) {
    mem = nmem->v;
    has_mem = 1;
  }
  plan->vm.cpus.v = has_cpus ? cpus : 0;
  plan->vm.cpus.set = has_cpus;
  plan->vm.memory_mib.v = has_mem ? mem : 0;
  plan->vm.memory_mib.set = has_mem;
  for (i = 0; i < nc; i++)
    if (!cv[i].cronjob)
      total += cv[i].weight;
  for (i = 0; i < nc; i++) {
    char cpu[32], req[32], lim[32];
    long long m, l;
    if (cv[i].cronjob) {
      set_resources (c, cv[i].model, "100m", "128Mi", "256Mi");
      continue;
    }
    m = (long long) cpus * 1000 * cv[i].weight / total;
    snprintf (cpu, sizeof cpu, "%lldm", m < 50 ? 50 : m);
    m = (long long) mem * cv[i].weight / total;
    if (m < 64)
      m = 64;
    l = 2 * m < mem ? 2 * m : mem;
    if (l < m)
      l = m;
    snprintf (req, sizeof req, m % 1024 ? "%lldMi" : "%lldGi",
              m % 1024 ? m : m / 1024);
    snprintf (lim, sizeof lim, l % 1024 ? "%lldMi" : "%lldGi",
              l % 1024 ? l : l / 1024);
    set_resources (c, cv[i].model, cpu, req, lim);
  }
  return 0;
}

static void
depend (struct plan_ctx *c, struct comp *from, const struct comp *to)
{
  struct v2c_strvec *a = &from->model->depends_on;

  if (from == to || v2c_strvec_find (a, to->name) >= 0)
    return;
  if (v2c_strvec_push (a, to->name) == -1)
    c->oom = 1;
}

/* The long-running component listening on a TCP port, or NULL. */
static struct comp *
listener (struct comp *cv, size_t nc, json_int_t port)
{
  size_t i, k;

  for (i = 0; i < nc; i++) {
    const struct v2c_plan_component *o = cv[i].model;
    if (cv[i].cronjob)
      continue;
    for (k = 0; k < o->ports.n; k++)
      if (o->ports.v[k].port == port)
        return &cv[i];
  }
  return NULL;
}

/* "[host:]port" of a loopback or this VM's address in s: the port, or
 * 0.  s is "127.0.0.1:8080", "http://localhost:5432/db", ... */
static json_int_t
local_port (const char *s, const char *hostname)
{
  static const char *const hosts[]
      = { "127.0.0.1", "localhost", "[::1]", "0.0.0.0" };
  const char *p;
  size_t i, n;

  /* the fixed names, then the VM's own */
  for (i = 0; i <= sizeof hosts / sizeof hosts[0]; i++) {
    char h[300];
    const char *host
        = i < sizeof hosts / sizeof hosts[0] ? hosts[i] : hostname;
    if (host == NULL || *host == '\0')
      continue;
    snprintf (h, sizeof h, "%s:", host);
    p = strstr (s, h);
    if (p == NULL)
      continue;
    p += strlen (h);
    n = strspn (p, "0123456789");
    if (n > 0 && n <= 5) {
      json_int_t v = strtol (p, NULL, 10);
      if (v > 0 && v <= 65535)
        return v;
    }
  }
  return 0;
}

/* depends_on: After=/Wants=/Requires= of the unit, proxy targets of a
 * web server, host:port values of the environment, what a job's
 * program talks to. */
int
plan_link_components (struct plan_ctx *c, struct comp *cv, size_t nc)
{
  const char *hostname = c->model->os ? c->model->os->hostname : NULL, *s;
  const struct v2c_strvec *pt = &c->model->proxy_targets;
  size_t i, j, k, l;

  for (i = 0; i < nc; i++) {
    struct comp *k1 = &cv[i];
    const struct v2c_pairs *env = &k1->model->env;
    const struct v2c_strvec *deps[3] = { NULL, NULL, NULL };

    if (k1->svc) {
      deps[0] = &k1->svc->after;
      deps[1] = &k1->svc->wants;
      deps[2] = &k1->svc->requires;
    }
    for (l = 0; l < 3; l++)
      for (j = 0; deps[l] && j < deps[l]->n; j++) {
        char want[512], *cut;

        s = deps[l]->v[j];
        snprintf (want, sizeof want, "%s", s);
        cut = strrchr (want, '.');
        if (cut == NULL || strcmp (cut, ".service") != 0)
          continue;
        *cut = '\0';
        for (k = 0; k < nc; k++)
          if (cv[k].unit && !cv[k].cronjob
              && (strcmp (cv[k].unit, s) == 0
                  || strcmp (cv[k].unit_base, want) == 0))
            depend (c, k1, &cv[k]);
      }
    if (k1->conv->flags & V2C_CONV_PROXY)
      for (j = 0; j < pt->n; j++) {
        const char *t = pt->v[j];
        struct comp *to = listener (cv, nc, local_port (t, hostname));
        if (to && to != k1) {
          depend (c, k1, to);
          if (strcmp (k1->conv->name, "nginx") == 0)
            plan_note (c,
                       "'%s' proxies to %s: in Kubernetes that is the "
                       "Service '%s'; the ConfigMap's proxy_pass says "
                       "'%s:%lld' instead",
                       k1->name, t, to->name, to->name,
                       (long long) local_port (t, hostname));
          else
            plan_note (c,
                       "'%s' proxies to %s: in Kubernetes that is the "
                       "Service '%s'",
                       k1->name, t, to->name);
        }
      }
    for (j = 0; j < env->n; j++) {
      struct comp *to
          = listener (cv, nc, local_port (env->v[j].value, hostname));
      if (to && to != k1)
        depend (c, k1, to);
    }
    for (k = 0; k1->talks_to && k < nc; k++)
      if (!cv[k].cronjob && strcmp (cv[k].conv->name, k1->talks_to) == 0) {
        depend (c, k1, &cv[k]);
        break;
      }
  }
  for (i = 0; i < nc; i++) {
    struct v2c_strvec *a = &cv[i].model->depends_on;
    if (a->n > 1)
      qsort (a->v, a->n, sizeof *a->v, plan_cmp_str);
  }
  return c->oom ? v2c_set_error (c->err, ENOMEM, "out of memory") : 0;
}

static int
has_volume (const struct v2c_plan_component *o, const char *name,
            const char *mount_path)
{
  size_t i;

  for (i = 0; i < o->volumes.n; i++)
    if (strcmp (o->volumes.v[i].name, name) == 0
        || strcmp (o->volumes.v[i].mount_path, mount_path) == 0)
      return 1;
  return 0;
}

static int
share_claim (struct plan_ctx *c, struct comp *job, const struct comp *owner,
             const struct v2c_plan_volume *v)
{
  struct v2c_plan_component *o = job->model;
  struct v2c_plan_volume *nv;

  if (has_volume (o, v->name, v->mount_path))
    return 0;
  nv = v2c_conv_grow (&o->volumes.v, &o->volumes.n, sizeof *nv);
  if (nv == NULL)
    return -1;
  nv->name = plan_dup (c, v->name);
  nv->mount_path = plan_dup (c, v->mount_path);
  nv->kind = plan_dup (c, "shared");
  nv->owner = plan_dup (c, owner->name);
  plan_note (c,
             "cron job '%s' works on %s, the data of '%s': it mounts that "
             "claim too (volume '%s') and runs on the same node as '%s' "
             "(podAffinity), which a ReadWriteOnce claim needs",
             job->name, v->mount_path, owner->name, v->name, owner->name);
  return c->oom ? -1 : 0;
}

int
plan_share_claims (struct plan_ctx *c, struct comp *cv, size_t nc)
{
  size_t i, j, k, l;

  for (i = 0; i < nc; i++) {
    const struct v2c_strvec *dirs;

    if (cv[i].cron == NULL || strcmp (cv[i].model->kind, "CronJob") != 0)
      continue;
    dirs = &cv[i].cron->data_dirs;
    for (j = 0; j < dirs->n; j++)
      for (k = 0; k < nc; k++) {
        const struct v2c_plan_component *o = cv[k].model;
        int done = 0;

        if (strcmp (o->kind, "CronJob") == 0)
          continue;
        for (l = 0; l < o->volumes.n && !done; l++) {
          const struct v2c_plan_volume *v = &o->volumes.v[l];
          if (strcmp (v->kind, "pvc") != 0
              || !v2c_conv_path_within (dirs->v[j], v->mount_path))
            continue;
          if (share_claim (c, &cv[i], &cv[k], v) == -1)
            return v2c_set_error (c->err, ENOMEM, "out of memory");
          done = 1;
        }
        if (done)
          break;
      }
  }
  return 0;
}

static int
exe_is_app (const struct comp *k)
{
  static const char *const dirs[] = { "/opt", "/srv", "/home", "/usr/local" };
  size_t i;

  for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
    if (plan_is_under (k->exe, dirs[i])
        || (k->workdir && v2c_conv_path_within (k->workdir, dirs[i])))
      return 1;
  return k->workdir && plan_is_under (k->exe, k->workdir);
}

/* The main component, among the long-running ones: an application's
 * (its program or working directory under /opt, /srv, /home,
 * /usr/local, or its program under its working directory), one with
 * ports first; else the first with ports; else the first; -1 when
 * none. */
long
plan_main_component (const struct comp *cv, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (!cv[i].cronjob && exe_is_app (&cv[i]) && cv[i].has_ports)
      return (long) i;
  for (i = 0; i < n; i++)
    if (!cv[i].cronjob && exe_is_app (&cv[i]))
      return (long) i;
  for (i = 0; i < n; i++)
    if (!cv[i].cronjob && cv[i].has_ports)
      return (long) i;
  for (i = 0; i < n; i++)
    if (!cv[i].cronjob)
      return (long) i;
  return -1;
}
