/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A plan as Kubernetes objects (see kube.h).  The plan may have been
 * edited by hand, so after v2c_plan_check every field read here that
 * the check does not cover (the issue-5 component fields: probes,
 * resources, schedule, source, depends_on, write_paths, ...) is checked
 * again, and an absent or null one gets a sensible default: tcpSocket
 * probes on the first TCP port, the VM's CPUs and memory shared among
 * the components, a read-write root file system.
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

static int
read_ports (struct ctx *c, struct comp *k)
{
  const json_t *ports = json_object_get (k->j, "ports"), *p;
  size_t i;

  k->ports = json_array ();
  if (k->ports == NULL)
    return -1;
  json_array_foreach (ports, i, p)
  {
    json_int_t port = json_integer_value (json_object_get (p, "port"));
    const char *proto = opt_string (p, "protocol");
    const char *name = opt_string (p, "name");
    char up[8], gen[16];
    size_t j;
    json_t *q;
    int dup = 0;

    if (port < 1 || port > 65535 || proto == NULL
        || (strcmp (proto, "tcp") != 0 && strcmp (proto, "udp") != 0
            && strcmp (proto, "sctp") != 0))
      return kube_bad (c,
                       "components[%zu].ports[%zu]: expected a port and tcp, "
                       "udp or sctp",
                       k->idx, i);
    for (j = 0; proto[j] && j < sizeof up - 1; j++)
      up[j] = (char) (proto[j] - 'a' + 'A');
    up[j] = '\0';
    snprintf (gen, sizeof gen, "%s-%d", proto, (int) port);
    json_array_foreach (k->ports, j, q)
    {
      if (json_integer_value (json_object_get (q, "containerPort")) == port
          && strcmp (opt_string (q, "protocol"), up) == 0)
        dup = 1;
      if (name && strcmp (opt_string (q, "name"), name) == 0)
        name = NULL;
    }
    if (dup)
      continue;
    if (name && !kube_port_name_valid (name))
      return kube_bad (c,
                       "components[%zu].ports[%zu].name: '%s' is not a port "
                       "name (1-15 of a-z, 0-9, '-', with a letter)",
                       k->idx, i, name);
    if (json_array_append_new (
            k->ports, json_pack ("{s:s, s:I, s:s}", "name", name ? name : gen,
                                 "containerPort", port, "protocol", up))
        == -1)
      return -1;
    if (port < 1024)
      k->low_port = 1;
  }
  return 0;
}

static int
read_components (struct ctx *c)
{
  const json_t *comps = json_object_get (c->plan, "components"), *j;
  const json_t *vm = json_object_get (c->plan, "vm");
  json_int_t cpus = json_integer_value (json_object_get (vm, "cpus"));
  json_int_t mem = json_integer_value (json_object_get (vm, "memory_mib"));
  double weight = 0;
  size_t i;

  c->ncomps = json_array_size (comps);
  c->comps = calloc (c->ncomps ? c->ncomps : 1, sizeof *c->comps);
  if (c->comps == NULL)
    return -1;
  json_array_foreach (comps, i, j)
  {
    struct comp *k = &c->comps[i];
    const json_t *rar = json_object_get (j, "run_as_root");

    k->j = j;
    k->idx = i;
    k->name = opt_string (j, "name");
    k->kind = opt_string (j, "kind");
    k->converter = opt_string (j, "converter");
    k->uid = json_integer_value (json_object_get (j, "uid"));
    k->gid = json_integer_value (json_object_get (j, "gid"));
    k->cron = strcmp (k->kind, "CronJob") == 0;
    if (rar && !json_is_null (rar) && !json_is_boolean (rar))
      return kube_bad (
          c, "components[%zu].run_as_root: expected true or false", i);
    k->root = json_is_boolean (rar) ? json_is_true (rar) : k->uid == 0;
    if (!k->root && k->uid == 0)
      return kube_bad (c, "components[%zu]: run_as_root is false but uid is 0",
                       i);
    kube_label_value (k->converter, k->component, sizeof k->component);
    snprintf (k->svc, sizeof k->svc, "%s", k->name);
    if (k->svc[0] >= '0' && k->svc[0] <= '9')
      snprintf (k->svc, sizeof k->svc, "svc-%.58s", k->name);
    if (k->cron && strlen (k->name) > 52)
      return kube_bad (c,
                       "components[%zu].name: a CronJob's name has at most 52 "
                       "characters",
                       i);
    if (read_ports (c, k) == -1)
      return -1;
    if (!k->cron)
      weight += kube_is_database (k->converter) ? 2 : 1;
  }
  if (cpus <= 0 || cpus > V2C_MAX_CPUS)
    cpus = 1;
  if (mem <= 0 || (unsigned long long) mem > V2C_MAX_MEMORY_MIB)
    mem = 1024;
  if (weight > 0) {
    c->cpu_share_m = (double) cpus * 1000 / weight;
    c->mem_share_mi = (double) mem / weight;
  }
  return 0;
}

static struct comp *
find_comp (struct ctx *c, const char *name)
{
  size_t i;

  for (i = 0; i < c->ncomps; i++)
    if (strcmp (c->comps[i].name, name) == 0)
      return &c->comps[i];
  return NULL;
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
  const json_t *deps = json_object_get (k->j, "depends_on"), *d;
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
  if (deps && !json_is_null (deps) && !json_is_array (deps)) {
    json_decref (ingress);
    json_decref (egress);
    return kube_bad (
        c,
        "components[%zu].depends_on: expected a list of component "
        "names",
        k->idx);
  }
  json_array_foreach (deps, i, d)
  {
    const struct comp *dep
        = json_string_value (d) ? find_comp (c, json_string_value (d)) : NULL;

    if (dep == NULL || dep == k) {
      json_decref (ingress);
      json_decref (egress);
      return kube_bad (
          c,
          "components[%zu].depends_on[%zu]: '%s' is not another "
          "component",
          k->idx, i, json_string_value (d) ? json_string_value (d) : "(null)");
    }
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
registry_valid (const char *r)
{
  size_t i, n = strlen (r);

  if (n == 0 || n > 255 || r[0] == '/' || r[n - 1] == '/'
      || strstr (r, "//") != NULL)
    return 0;
  for (i = 0; i < n; i++)
    if (!kube_is_alnum (r[i]) && strchr ("._:/-", r[i]) == NULL)
      return 0;
  return 1;
}

static int
image_ref (struct ctx *c)
{
  const char *name = opt_string (c->plan, "name");
  char repo[64], digest[80];
  const char *reg = c->o->registry;

  kube_dns_label (name, repo, sizeof repo);
  if (reg && !registry_valid (reg))
    return v2c_set_error (c->err, 0,
                          "'%s' is not a registry (host[:port][/path])", reg);
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
    lst = kube_file_list (c, &c->comps[i], "config_files", "configMap");
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
v2c_kube_build (const json_t *plan, const struct v2c_kube_opts *o,
                struct v2c_err *err)
{
  static const struct v2c_kube_opts none = { NULL, NULL, NULL };
  struct ctx c;
  const json_t *vm;
  json_t *result = NULL;
  char ns[64];
  size_t i;

  memset (&c, 0, sizeof c);
  c.plan = plan;
  c.o = o ? o : &none;
  c.err = err;
  v2c_clear_error (err);
  if (v2c_plan_check (plan, err) == -1)
    return NULL;
  if (c.o->ns) {
    kube_dns_label (c.o->ns, ns, sizeof ns);
    if (strcmp (ns, c.o->ns) != 0) {
      v2c_set_error (err, 0, "'%s' is not a namespace name (a DNS-1123 label)",
                     c.o->ns);
      return NULL;
    }
  }
  vm = json_object_get (plan, "vm");
  if (vm && !json_is_null (vm) && !json_is_object (vm)) {
    kube_bad (&c, "vm: expected an object or null");
    return NULL;
  }
  c.vm_name = opt_string (json_object_get (plan, "source"), "vm");
  if (c.vm_name == NULL)
    c.vm_name = opt_string (plan, "name");
  kube_label_value (c.vm_name, c.vm, sizeof c.vm);
  c.out = json_array ();
  c.seen = json_object ();
  if (c.out == NULL || c.seen == NULL) {
    kube_oom (&c);
    goto out;
  }
  if (image_ref (&c) == -1)
    goto out;
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
