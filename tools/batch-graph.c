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

int
batch_write_bridges (const json_t *wave, const json_t *objects,
                     const char *vm, const char *dir, const char *prefix,
                     const char *comment, json_t *files)
{
  const json_t *b, *f, *o;
  size_t i, j;

  json_array_foreach (json_object_get (wave, "bridges"), i, b)
  {
    const char *bto = json_string_value (json_object_get (b, "to_kube_name"));
    int mine = 0;

    json_array_foreach (json_object_get (b, "from"), j, f)
        mine |= strcmp (json_string_value (f) ?: "", vm) == 0;
    if (!mine || bto == NULL)
      continue;
    json_array_foreach (objects, j, o)
    {
      const json_t *meta = json_object_get (o, "metadata");
      const char *to = json_string_value (json_object_get (
          json_object_get (meta, "labels"), "v2c.io/bridge-to"));
      const char *kind = json_string_value (json_object_get (o, "kind"));
      const char *name = json_string_value (json_object_get (meta, "name"));
      char lower[64], file[200], path[PATH_MAX];
      size_t c;

      if (to == NULL || strcmp (to, bto) != 0 || kind == NULL || name == NULL)
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
  }
  return 0;
}

/* DIR/waves.new/wave-K/VM/: kustomization.yaml (the VM's base and the
 * wave's bridges the VM calls through) and the bridge objects. */
static int
write_vm_overlay (const char *top, const json_t *wave, const char *vm,
                  const json_t *objects)
{
  json_t *kust, *res;
  char dir[PATH_MAX], path[PATH_MAX];
  int ret = -1;

  snprintf (dir, sizeof dir, "%s/wave-%" JSON_INTEGER_FORMAT "/%s", top,
            json_integer_value (json_object_get (wave, "wave")), vm);
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
  /* the bridges of this wave that this VM calls through */
  if (batch_write_bridges (wave, objects, vm, dir, "",
                           "v2c bridge: reach the VM until it moves", res)
      == -1)
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

/* DIR/waves/: one directory per wave, one overlay per converted VM. */
static int
write_wave_dirs (const struct vm *vms, size_t n, const json_t *waves)
{
  struct v2c_err err = { 0, "" };
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
    json_t *objects = v2c_fleet_bridge_objects (w, &err);

    if (objects == NULL) {
      tool_error ("%s", err.msg);
      goto out;
    }
    json_array_foreach (json_object_get (w, "vms"), j, v)
    {
      const char *name = json_string_value (v);
      int converted = name && json_object_get (done, name) != NULL;

      /* a VM without a kustomize base (an output v2c did not write)
       * gets no overlay */
      if (converted) {
        char *base = batch_path ("%s/k8s/kustomization.yaml", name);
        struct stat st;

        converted = base && stat (base, &st) == 0;
        free (base);
      }
      if (converted && write_vm_overlay (tmp, w, name, objects) == -1) {
        json_decref (objects);
        goto out;
      }
    }
    json_decref (objects);
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
