/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A plan as Kubernetes objects (see kube.h).  The plan is a struct
 * v2c_plan: its loader checked every field, so what is checked here is
 * only what Kubernetes adds (a CronJob's name length, names v2c-manifest
 * keeps for itself, mount points); a component without probes gets
 * tcpSocket probes on its first TCP port.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kube-private.h"
#include "plan.h"
#include "v2c-yaml.h"

/* ------------------------------------------------------------------ */
/* Reading a component                                                 */

/* The container ports of a component: a port given twice (same number
 * and protocol) once. */
static int
read_ports (struct comp *k)
{
  size_t i, j;
  json_t *q;

  k->ports = json_array ();
  if (k->ports == NULL)
    return -1;
  for (i = 0; i < k->p->ports.n; i++) {
    const struct v2c_plan_port *p = &k->p->ports.v[i];
    char up[8];
    int dup = 0;

    for (j = 0; p->protocol[j] && j < sizeof up - 1; j++)
      up[j] = (char) (p->protocol[j] - 'a' + 'A');
    up[j] = '\0';
    json_array_foreach (k->ports, j, q)
    {
      if (json_integer_value (json_object_get (q, "containerPort")) == p->port
          && strcmp (opt_string (q, "protocol"), up) == 0)
        dup = 1;
    }
    if (dup)
      continue;
    if (json_array_append_new (k->ports, json_pack ("{s:s, s:I, s:s}", "name",
                                                    p->name, "containerPort",
                                                    (json_int_t) p->port,
                                                    "protocol", up))
        == -1)
      return -1;
    if (p->port < 1024)
      k->low_port = 1;
  }
  return 0;
}

static int
read_components (struct ctx *c)
{
  size_t i;

  c->ncomps = c->plan->components.n;
  c->comps = calloc (c->ncomps ? c->ncomps : 1, sizeof *c->comps);
  if (c->comps == NULL)
    return -1;
  for (i = 0; i < c->ncomps; i++) {
    struct comp *k = &c->comps[i];
    const struct v2c_plan_component *p = &c->plan->components.v[i];

    k->p = p;
    k->idx = i;
    k->name = p->name;
    k->kind = p->kind;
    k->converter = p->converter;
    k->uid = p->uid;
    k->gid = p->gid;
    k->cron = strcmp (k->kind, "CronJob") == 0;
    k->root = p->run_as_root;
    kube_label_value (k->converter, k->component, sizeof k->component);
    snprintf (k->svc, sizeof k->svc, "%s", k->name);
    if (k->svc[0] >= '0' && k->svc[0] <= '9')
      snprintf (k->svc, sizeof k->svc, "svc-%.58s", k->name);
    if (k->cron && strlen (k->name) > 52)
      return kube_bad (c,
                       "components[%zu].name: a CronJob's name has at most 52 "
                       "characters",
                       i);
    if (read_ports (k) == -1)
      return -1;
  }
  return 0;
}

static int
service (struct ctx *c, const struct comp *k)
{
  json_t *ports = json_array (), *p, *spec;
  int sts = strcmp (k->kind, "StatefulSet") == 0;
  size_t i;

  if (ports == NULL)
    return -1;
  json_array_foreach (k->ports, i, p)
  {
    json_array_append_new (
        ports,
        json_pack ("{s:O, s:O, s:O, s:O}", "name", json_object_get (p, "name"),
                   "port", json_object_get (p, "containerPort"), "targetPort",
                   json_object_get (p, "name"), "protocol",
                   json_object_get (p, "protocol")));
  }
  if (k->cron || (json_array_size (ports) == 0 && !sts)) {
    json_decref (ports);
    return 0;
  }
  spec = json_pack ("{s:o}", "selector", kube_selector (c, k));
  if (spec == NULL) {
    json_decref (ports);
    return -1;
  }
  /* a StatefulSet's governing Service is headless */
  if (sts)
    json_object_set_new (spec, "clusterIP", json_string ("None"));
  else
    json_object_set_new (spec, "type", json_string ("ClusterIP"));
  if (json_array_size (ports))
    json_object_set (spec, "ports", ports);
  json_decref (ports);
  return kube_add_object (
      c, "Service", k->svc,
      json_pack ("{s:s, s:s, s:o, s:o}", "apiVersion", "v1", "kind", "Service",
                 "metadata", kube_metadata (c, k, k->svc), "spec", spec),
      NULL);
}

static json_t *
policy_ports (const struct comp *k)
{
  json_t *out = json_array (), *p;
  size_t i;

  json_array_foreach (k->ports, i, p)
  {
    json_array_append_new (out,
                           json_pack ("{s:O, s:O}", "protocol",
                                      json_object_get (p, "protocol"), "port",
                                      json_object_get (p, "containerPort")));
  }
  return out;
}

static int
network_policy (struct ctx *c, const struct comp *k)
{
  const struct v2c_strvec *deps = &k->p->depends_on;
  json_t *ingress = json_array (), *egress, *rule;
  size_t i;

  if (ingress == NULL)
    return -1;
  if (json_array_size (k->ports))
    json_array_append_new (ingress,
                           json_pack ("{s:o}", "ports", policy_ports (k)));
  egress = json_pack ("[{s:[{s:{s:{s:s}}}], s:[{s:s, s:i}, {s:s, s:i}]}]",
                      "to", "namespaceSelector", "matchLabels",
                      "kubernetes.io/metadata.name", "kube-system", "ports",
                      "protocol", "UDP", "port", 53, "protocol", "TCP", "port",
                      53);
  /* the loader made sure each names another component */
  for (i = 0; i < deps->n; i++) {
    const struct comp *dep = kube_find_comp (c, deps->v[i]);

    rule = json_pack ("{s:[{s:{s:o}}]}", "to", "podSelector", "matchLabels",
                      kube_selector (c, dep));
    if (rule && json_array_size (dep->ports))
      json_object_set_new (rule, "ports", policy_ports (dep));
    json_array_append_new (egress, rule);
  }
  return kube_add_object (
      c, "NetworkPolicy", k->name,
      json_pack ("{s:s, s:s, s:o, s:{s:{s:o}, s:[s, s], s:o, s:o}}",
                 "apiVersion", "networking.k8s.io/v1", "kind", "NetworkPolicy",
                 "metadata", kube_metadata (c, k, k->name), "spec",
                 "podSelector", "matchLabels", kube_selector (c, k),
                 "policyTypes", "Ingress", "Egress", "ingress", ingress,
                 "egress", egress),
      NULL);
}

static int
service_account (struct ctx *c, const struct comp *k)
{
  return kube_add_object (c, "ServiceAccount", k->name,
                          json_pack ("{s:s, s:s, s:o, s:b}", "apiVersion",
                                     "v1", "kind", "ServiceAccount",
                                     "metadata", kube_metadata (c, k, k->name),
                                     "automountServiceAccountToken", 0),
                          NULL);
}

/* ------------------------------------------------------------------ */
/* The plan                                                            */

static int
image_ref (struct ctx *c)
{
  const char *name = c->plan->name;
  char repo[64], digest[80];
  const char *reg = c->o->registry;

  v2c_kube_dns_label (name, repo, sizeof repo);
  if (reg && v2c_kube_check_name (V2C_KUBE_REGISTRY, reg, c->err) == -1)
    return -1;
  if (c->o->image_dir) {
    if (v2c_kube_image_digest (c->o->image_dir, digest, sizeof digest, c->err)
        == -1)
      return -1;
    snprintf (c->image, sizeof c->image, "%s%s%s@%s", reg ? reg : "",
              reg ? "/" : "", repo, digest);
  } else
    snprintf (c->image, sizeof c->image, "%s%s%s:latest", reg ? reg : "",
              reg ? "/" : "", repo);
  return 0;
}

/* Every configuration file any component wants, read from the image. */
static int
read_image_files (struct ctx *c)
{
  json_t *all = json_array (), *lst, *f;
  size_t i, j, n = 0;

  if (all == NULL)
    return -1;
  for (i = 0; i < c->ncomps; i++) {
    lst = kube_file_list (c, &c->comps[i], &c->comps[i].p->config_files,
                          "configMap");
    if (lst == NULL) {
      json_decref (all);
      return -1;
    }
    json_array_extend (all, lst);
    json_decref (lst);
  }
  c->files = calloc (json_array_size (all) + 1, sizeof *c->files);
  if (c->files == NULL) {
    json_decref (all);
    return -1;
  }
  json_array_foreach (all, i, f)
  {
    const char *p = json_string_value (json_array_get (f, 0));
    int dup = 0;

    for (j = 0; j < n; j++)
      if (strcmp (c->files[j].path, p) == 0)
        dup = 1;
    if (!dup)
      c->files[n++].path = p;
  }
  c->nfiles = n;
  /* the paths belong to 'all', kept until the end of v2c_kube_build */
  c->file_paths = all;
  return v2c_kube_image_read_files (c->o->image_dir, c->files, n, c->err);
}

static int
cmp_items (const void *a, const void *b)
{
  const json_t *x = *(const json_t *const *) a,
               *y = *(const json_t *const *) b;

  return strcmp (opt_string (x, "file"), opt_string (y, "file"));
}

static json_t *
sorted (struct ctx *c)
{
  size_t n = json_array_size (c->out), i;
  json_t **items = calloc (n + 1, sizeof *items), *out;

  if (items == NULL)
    return kube_oom (c);
  for (i = 0; i < n; i++)
    items[i] = json_array_get (c->out, i);
  qsort (items, n, sizeof *items, cmp_items);
  out = json_array ();
  for (i = 0; out && i < n; i++)
    if (json_array_append (out, items[i]) == -1) {
      json_decref (out);
      out = NULL;
    }
  free (items);
  return out ? out : kube_oom (c);
}

json_t *
v2c_kube_build (const struct v2c_plan *plan, const struct v2c_kube_opts *o,
                struct v2c_err *err)
{
  static const struct v2c_kube_opts none = { NULL, NULL, NULL };
  struct ctx c;
  json_t *result = NULL;
  size_t i;

  memset (&c, 0, sizeof c);
  c.plan = plan;
  c.o = o ? o : &none;
  c.err = err;
  v2c_clear_error (err);
  if (c.o->ns && v2c_kube_check_name (V2C_KUBE_LABEL, c.o->ns, err) == -1) {
    v2c_error_prefix (err, "namespace");
    return NULL;
  }
  c.vm_name = plan->source.vm;
  /* the labels name the VM as the plan does (v2c-convert --name): two
   * VMs of one name in a batch get different ones */
  kube_label_value (plan->name, c.vm, sizeof c.vm);
  c.out = json_array ();
  c.seen = json_object ();
  if (c.out == NULL || c.seen == NULL) {
    kube_oom (&c);
    goto out;
  }
  if (image_ref (&c) == -1)
    goto out;
  /* a VM kept as a VM: its guest runs the components */
  if (v2c_plan_is_vm (plan)) {
    if (kube_vm (&c) == 0)
      result = sorted (&c);
    goto out;
  }
  if (read_components (&c) == -1) {
    if (err->msg[0] == '\0')
      kube_oom (&c);
    goto out;
  }
  if (c.o->image_dir) {
    if (read_image_files (&c) == -1) {
      if (err->msg[0] == '\0')
        kube_oom (&c);
      goto out;
    }
    c.have_files = 1;
  }
  for (i = 0; i < c.ncomps; i++) {
    const struct comp *k = &c.comps[i];

    if (service_account (&c, k) == -1 || kube_workload (&c, k) == -1
        || service (&c, k) == -1 || network_policy (&c, k) == -1) {
      if (err->msg[0] == '\0')
        kube_oom (&c);
      goto out;
    }
  }
  if (kube_gpu_sharing (&c) == -1) {
    if (err->msg[0] == '\0')
      kube_oom (&c);
    goto out;
  }
  result = sorted (&c);
out:
  for (i = 0; c.comps && i < c.ncomps; i++)
    json_decref (c.comps[i].ports);
  free (c.comps);
  v2c_kube_files_clear (c.files, c.nfiles);
  free (c.files);
  json_decref (c.file_paths);
  json_decref (c.out);
  json_decref (c.seen);
  return result;
}
