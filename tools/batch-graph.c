/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * v2c-batch's fleet plan: DIR/graph.json, graph.html and waves.json
 * from the VMs' inventories (lib/fleet-graph.c, lib/fleet-waves.c),
 * and after a conversion DIR/waves/wave-N/VM/, a kustomization per VM
 * of each wave: its base (DIR/VM/k8s) and the bridges its wave needs to
 * the VMs not yet moved.  DIR/waves is written beside and renamed into
 * place, so it is never half old, half new.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "fleet.h"
#include "options.h"
#include "outdir.h"
#include "v2c-yaml.h"

int
batch_mkdir_p (const char *dir)
{
  char buf[PATH_MAX], *p;

  if (snprintf (buf, sizeof buf, "%s", dir) >= (int) sizeof buf) {
    errno = ENAMETOOLONG;
    return -1;
  }
  for (p = buf + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      if (mkdir (buf, 0755) == -1 && errno != EEXIST)
        return -1;
      *p = '/';
    }
  if (mkdir (buf, 0755) == -1 && errno != EEXIST)
    return -1;
  return 0;
}

json_t *
batch_read_json (const char *path)
{
  struct v2c_err err = { 0, "" };
  size_t len;
  char *buf = v2c_read_file (path, V2C_FLEET_MAX_DOC_BYTES, &len, &err);
  json_t *doc;

  if (buf == NULL)
    return NULL;
  doc = json_loadb (buf, len, JSON_REJECT_DUPLICATES, NULL);
  free (buf);
  return doc;
}

json_t *
batch_load_inventory_file (struct vm *vm)
{
  struct v2c_err err = { 0, "" };
  struct v2c_inventory *inv = NULL;
  json_t *doc = batch_read_json (vm->path);

  if (doc && (inv = v2c_inventory_load (doc, &err)) != NULL) {
    v2c_inventory_free (inv);
    return doc;
  }
  vm->status = ST_FAILED;
  if (asprintf (&vm->error, "'%s': %s", vm->path,
                doc ? err.msg : "not a readable JSON document")
      == -1)
    vm->error = NULL;
  tool_warning ("%s: %s", vm->name, vm->error ? vm->error : "");
  json_decref (doc);
  return NULL;
}

int
batch_write_json (const char *name, const json_t *doc)
{
  char *text = json_dumps (doc, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  size_t len = text ? strlen (text) : 0;
  char *nl = text ? realloc (text, len + 2) : NULL;
  int ret;

  if (nl == NULL) {
    free (text);
    tool_error ("can't write '%s': out of memory", name);
    return -1;
  }
  nl[len] = '\n';
  nl[len + 1] = '\0';
  ret = batch_write_text (name, nl, len + 1);
  free (nl);
  return ret;
}

int
batch_put_yaml (const char *path, const json_t *doc, const char *comment)
{
  struct v2c_err err = { 0, "" };
  size_t len;
  char *text = v2c_yaml_dump (doc, comment, &len, &err);
  int ret = 0;

  if (text == NULL) {
    tool_error ("%s: %s", path, err.msg);
    return -1;
  }
  if (v2c_write_file_atomic (path, text, len) == -1) {
    tool_error ("can't write '%s': %s", path, strerror (errno));
    ret = -1;
  }
  free (text);
  return ret;
}

int
batch_put_yaml_new (const char *path, json_t *doc, const char *comment)
{
  int ret;

  if (doc == NULL) {
    tool_error ("%s: out of memory", path);
    return -1;
  }
  ret = batch_put_yaml (path, doc, comment);
  json_decref (doc);
  return ret;
}

json_t *
batch_base_objects (const char *base, int (*want) (const json_t *))
{
  struct v2c_err err = { 0, "" };
  char path[PATH_MAX];
  json_t *kust, *out = json_array (), *r;
  size_t i;

  snprintf (path, sizeof path, "%s/kustomization.yaml", base);
  kust = v2c_yaml_load_file (path, &err);
  json_array_foreach (json_object_get (kust, "resources"), i, r)
  {
    const char *f = json_string_value (r);
    json_t *o;

    if (f == NULL || strchr (f, '/'))
      continue;
    snprintf (path, sizeof path, "%s/%s", base, f);
    o = v2c_yaml_load_file (path, &err);
    if (o && out && want (o))
      json_array_append (out, o);
    json_decref (o);
  }
  json_decref (kust);
  return out;
}

static int
is_service (const json_t *o)
{
  return strcmp (json_string_value (json_object_get (o, "kind")) ?: "",
                 "Service")
         == 0;
}

/* The Services of VM to's kustomize base (DIR/TO/k8s), in the order
 * its kustomization.yaml lists them. */
static json_t *
base_services (const char *to)
{
  char *base = batch_path ("%s/k8s", to);
  json_t *out = base ? batch_base_objects (base, is_service) : NULL;

  free (base);
  return out;
}

static const struct vm *
vm_named (const struct vm *vms, size_t n, const char *name)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (strcmp (vms[i].name, name) == 0)
      return &vms[i];
  return NULL;
}

/* PREFIXkind-NAME.yaml of each of objects into dir, with comment; each
 * file name appended to files.  label: only the objects whose label
 * v2c.io/bridge-to is that value (NULL: all). */
static int
put_objects (const json_t *objects, const char *label, const char *dir,
             const char *prefix, const char *comment, json_t *files)
{
  const json_t *o;
  size_t j;

  json_array_foreach (objects, j, o)
  {
    const json_t *meta = json_object_get (o, "metadata");
    const char *to = json_string_value (json_object_get (
        json_object_get (meta, "labels"), "v2c.io/bridge-to"));
    const char *kind = json_string_value (json_object_get (o, "kind"));
    const char *name = json_string_value (json_object_get (meta, "name"));
    char lower[64], file[200], path[PATH_MAX];
    size_t c;

    if ((label && (to == NULL || strcmp (to, label) != 0)) || kind == NULL
        || name == NULL)
      continue;
    for (c = 0; kind[c] && c + 1 < sizeof lower; c++)
      lower[c] = (char) (kind[c] >= 'A' && kind[c] <= 'Z' ? kind[c] + 32
                                                          : kind[c]);
    lower[c] = '\0';
    snprintf (file, sizeof file, "%s%s-%s.yaml", prefix, lower, name);
    snprintf (path, sizeof path, "%s/%s", dir, file);
    if (batch_put_yaml (path, o, comment) == -1)
      return -1;
    if (json_array_append_new (files, json_string (file)) == -1) {
      tool_error ("out of memory");
      return -1;
    }
  }
  return 0;
}

/* The handover of bridge b into dir; 1 when the moved VM has no Service
 * serving the bridge's ports (the bridge stays), 0, or -1. */
static int
put_handover (const json_t *b, const struct vm *vms, size_t n,
              const struct batch_links *l, json_t *files)
{
  struct v2c_err err = { 0, "" };
  const char *to = json_string_value (json_object_get (b, "to"));
  const struct vm *tvm = to ? vm_named (vms, n, to) : NULL;
  json_t *services = to ? base_services (to) : NULL, *objects;
  const json_t *svc = v2c_fleet_handover_service (b, services);
  char ns[64], comment[512];
  int ret = -1;

  if (services == NULL) {
    tool_error ("out of memory");
    return -1;
  }
  if (svc == NULL || tvm == NULL) {
    tool_warning ("%s: no Service of %s serves the ports its callers use: "
                  "the bridge to its old address stays",
                  json_string_value (json_object_get (b, "service")), to);
    json_decref (services);
    return 1;
  }
  if (l->env)
    batch_env_name (tvm, l->env, ns, sizeof ns);
  objects = v2c_fleet_handover_objects (b, svc, l->env ? ns : NULL, &err);
  snprintf (comment, sizeof comment,
            "%s%sv2c handover: %s moved in wave %" JSON_INTEGER_FORMAT
            "; this Service reaches its Service %s.\n%s%s",
            l->header ? l->header : "", l->header ? "\n" : "", to,
            json_integer_value (json_object_get (b, "replaced_in_wave")),
            json_string_value (
                json_object_get (json_object_get (svc, "metadata"), "name")),
            l->env ? "Argo CD and Flux prune the bridge's objects."
                   : "Once applied, remove the bridge's other objects: "
                     "kubectl delete endpointslice,networkpolicy -l "
                     "v2c.io/bridge-to=",
            l->env ? "" : json_string_value (json_object_get (b, "to_kube_name")));
  if (objects == NULL)
    tool_error ("%s", err.msg);
  else
    ret = put_objects (objects, NULL, l->dir, *l->prefix ? "handover-" : "",
                       comment, files);
  json_decref (objects);
  json_decref (services);
  return ret;
}

int
batch_write_links (const json_t *wave, const json_t *objects, const char *vm,
                   const struct vm *vms, size_t n,
                   const struct batch_links *l, json_t *files)
{
  const json_t *b, *f;
  size_t i, j;

  json_array_foreach (json_object_get (wave, "bridges"), i, b)
  {
    const char *bto = json_string_value (json_object_get (b, "to_kube_name"));
    int mine = 0, r = 1;

    json_array_foreach (json_object_get (b, "from"), j, f)
        mine |= strcmp (json_string_value (f) ?: "", vm) == 0;
    if (!mine || bto == NULL)
      continue;
    if (json_integer_value (json_object_get (b, "replaced_in_wave"))
            <= l->upto
        && (r = put_handover (b, vms, n, l, files)) == -1)
      return -1;
    if (r == 1
        && put_objects (objects, bto, l->dir, l->prefix, l->comment, files)
               == -1)
      return -1;
  }
  return 0;
}

/* DIR/waves.new/wave-K/VM/: kustomization.yaml (the VM's base and its
 * links as of wave K: the bridges of its wave (vwave) it calls through
 * to VMs not yet moved, the handovers to those moved) and their
 * objects. */
static int
write_vm_overlay (const char *top, json_int_t k, const json_t *vwave,
                  const char *vm, const json_t *objects, const struct vm *vms,
                  size_t n)
{
  struct batch_links l = { 0 };
  json_t *kust, *res;
  char dir[PATH_MAX], path[PATH_MAX];
  int ret = -1;

  snprintf (dir, sizeof dir, "%s/wave-%" JSON_INTEGER_FORMAT "/%s", top, k,
            vm);
  if (batch_mkdir_p (dir) == -1) {
    tool_error ("can't create '%s': %s", dir, strerror (errno));
    return -1;
  }
  res = json_pack ("[o]", json_sprintf ("../../../%s/k8s", vm));
  kust = res ? json_pack ("{s:s,s:s,s:o}", "apiVersion",
                          "kustomize.config.k8s.io/v1beta1", "kind",
                          "Kustomization", "resources", res)
             : NULL;
  if (kust == NULL)
    goto oom;
  l.upto = k;
  l.dir = dir;
  l.prefix = "";
  l.comment = "v2c bridge: reach the VM until it moves";
  if (batch_write_links (vwave, objects, vm, vms, n, &l, res) == -1)
    goto out;
  snprintf (path, sizeof path, "%s/kustomization.yaml", dir);
  if (batch_put_yaml (path, kust, NULL) == -1)
    goto out;
  ret = 0;
  goto out;
oom:
  tool_error ("out of memory");
out:
  json_decref (kust);
  return ret;
}

/* The VMs of earlier waves than k with a bridge to a VM of wave k: they
 * get an overlay in wave k too, their handover.  {VM: its wave}. */
static json_t *
handed_over (const json_t *waves, json_int_t k)
{
  json_t *out = json_object (), *w, *b, *f;
  size_t i, j, m;

  json_array_foreach (json_object_get (waves, "waves"), i, w)
  {
    if (json_integer_value (json_object_get (w, "wave")) >= k)
      break;
    json_array_foreach (json_object_get (w, "bridges"), j, b)
    {
      if (json_integer_value (json_object_get (b, "replaced_in_wave")) != k)
        continue;
      json_array_foreach (json_object_get (b, "from"), m, f) if (
          out && json_is_string (f)
          && json_object_set (out, json_string_value (f), w) == -1)
      {
        json_decref (out);
        out = NULL;
      }
    }
  }
  return out;
}

/* A VM without a kustomize base (an output v2c did not write) gets no
 * overlay. */
static int
has_base (const char *name)
{
  char *base = batch_path ("%s/k8s/kustomization.yaml", name);
  struct stat st;
  int ret = base && stat (base, &st) == 0;

  free (base);
  return ret;
}

/* The overlay of VM name in wave k, vw its own wave. */
static int
overlay (const char *top, json_int_t k, const json_t *vw, const char *name,
         const struct vm *vms, size_t n)
{
  struct v2c_err err = { 0, "" };
  json_t *objects = v2c_fleet_bridge_objects (vw, &err);
  int ret;

  if (objects == NULL) {
    tool_error ("%s", err.msg);
    return -1;
  }
  ret = write_vm_overlay (top, k, vw, name, objects, vms, n);
  json_decref (objects);
  return ret;
}

/* DIR/waves/: one directory per wave, one overlay per converted VM of
 * the wave and per converted VM of an earlier wave handed over to it. */
static int
write_wave_dirs (const struct vm *vms, size_t n, const json_t *waves)
{
  char *top = batch_path ("waves"), *tmp = batch_path (".waves.new");
  char *old = batch_path (".waves.old");
  json_t *done = json_object (); /* {VM: true} of the VMs converted */
  const json_t *w, *v;
  size_t i, j, k;
  int ret = -1;

  for (k = 0; done && k < n; k++)
    if ((ST_IS (vms[k].status, ST_CONVERTED)
         || ST_IS (vms[k].status, ST_UP_TO_DATE))
        && json_object_set_new (done, vms[k].name, json_true ()) == -1) {
      json_decref (done);
      done = NULL;
    }
  if (top == NULL || tmp == NULL || old == NULL || done == NULL) {
    tool_error ("out of memory");
    goto out;
  }
  tool_remove_tree (tmp);
  tool_remove_tree (old);
  if (batch_mkdir_p (tmp) == -1) {
    tool_error ("can't create '%s': %s", tmp, strerror (errno));
    goto out;
  }
  json_array_foreach (json_object_get (waves, "waves"), i, w)
  {
    json_int_t wk = json_integer_value (json_object_get (w, "wave"));
    json_t *earlier = handed_over (waves, wk), *vw;
    const char *name;

    if (earlier == NULL) {
      tool_error ("out of memory");
      goto out;
    }
    /* the VMs of wave k, then the earlier VMs whose bridges to them
     * are handed over */
    json_array_foreach (json_object_get (w, "vms"), j, v)
    {
      name = json_string_value (v);
      if (name && json_object_get (done, name) && has_base (name)
          && overlay (tmp, wk, w, name, vms, n) == -1) {
        json_decref (earlier);
        goto out;
      }
    }
    json_object_foreach (earlier, name, vw)
    {
      if (json_object_get (done, name) && has_base (name)
          && overlay (tmp, wk, vw, name, vms, n) == -1) {
        json_decref (earlier);
        goto out;
      }
    }
    json_decref (earlier);
  }
  if ((rename (top, old) == -1 && errno != ENOENT)
      || rename (tmp, top) == -1) {
    tool_error ("can't rename '%s' to '%s': %s", tmp, top, strerror (errno));
    goto out;
  }
  tool_remove_tree (old);
  ret = 0;
out:
  if (ret)
    tool_remove_tree (tmp);
  json_decref (done);
  free (top);
  free (tmp);
  free (old);
  return ret;
}

int
batch_write_graph (const struct vm *vms, size_t n,
                   struct v2c_inventory *const *invs,
                   char *const *verdicts, int converted, json_t **wavesp,
                   json_t **policyp)
{
  struct v2c_err err = { 0, "" };
  struct v2c_fleet_node *nodes = calloc (n ? n : 1, sizeof *nodes);
  struct v2c_fleet_graph g;
  json_t *graph = NULL, *waves = NULL;
  char *html = NULL;
  size_t i, len;
  int ret = -1;

  *wavesp = NULL;
  *policyp = NULL;
  memset (&g, 0, sizeof g);
  if (nodes == NULL) {
    tool_error ("out of memory");
    return -1;
  }
  for (i = 0; i < n; i++) {
    nodes[i].name = vms[i].name;
    nodes[i].kube_name = vms[i].kube_name;
    nodes[i].verdict = verdicts[i];
    nodes[i].inv = invs[i];
  }
  if (v2c_fleet_graph_build (nodes, n, &g, &err) == -1
      || (graph = v2c_fleet_graph_json (&g, &err)) == NULL
      || (waves = v2c_fleet_waves_json (&g, bopts.waves_max, &err)) == NULL
      || (html = v2c_fleet_graph_html (graph, waves, &len, &err)) == NULL) {
    tool_error ("%s", err.msg);
    goto out;
  }
  if (batch_write_json ("graph.json", graph) == -1
      || batch_write_json ("waves.json", waves) == -1
      || batch_write_text ("graph.html", html, len) == -1)
    goto out;
  if (converted && write_wave_dirs (vms, n, waves) == -1)
    goto out;
  if (converted && batch_write_policy (vms, n, policyp) == -1)
    goto out;
  if (converted && bopts.gitops && batch_write_gitops (vms, n, waves) == -1)
    goto out;
  *wavesp = waves;
  waves = NULL;
  ret = 0;
out:
  free (html);
  json_decref (graph);
  json_decref (waves);
  v2c_fleet_graph_free (&g);
  free (nodes);
  return ret;
}
