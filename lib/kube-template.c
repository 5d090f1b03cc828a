/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 * kustomization.yaml and the organisation's templates (see kube.h).
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kube-private.h"
#include "plan.h"
#include "v2c-yaml.h"

json_t *
v2c_kube_kustomization (const json_t *objects, const char *ns)
{
  json_t *k, *res = json_array (), *item;
  size_t i;

  if (res == NULL)
    return NULL;
  json_array_foreach (objects, i, item)
  {
    if (!json_is_true (json_object_get (item, "unlisted")))
      json_array_append (res, json_object_get (item, "file"));
  }
  k = json_pack ("{s:s, s:s}", "apiVersion", "kustomize.config.k8s.io/v1beta1",
                 "kind", "Kustomization");
  if (k == NULL) {
    json_decref (res);
    return NULL;
  }
  if (ns)
    json_object_set_new (k, "namespace", json_string (ns));
  json_object_set_new (k, "resources", res);
  return k;
}

/* ------------------------------------------------------------------ */
/* Templates                                                           */

static int
all_scalars (const json_t *a)
{
  size_t i;
  json_t *v;

  json_array_foreach (a, i, v)
  {
    if (json_is_object (v) || json_is_array (v))
      return 0;
  }
  return 1;
}

static int
merge (json_t *dst, const json_t *ov, int depth, struct v2c_err *err)
{
  const char *key;
  json_t *v, *d;

  if (depth > V2C_YAML_MAX_DEPTH * 2)
    return v2c_set_error (err, 0, "template: nested too deeply");
  json_object_foreach ((json_t *) ov, key, v)
  {
    d = json_object_get (dst, key);
    if (json_is_null (v)) {
      json_object_del (dst, key);
      continue;
    }
    if (json_is_object (v) && json_is_object (d)) {
      if (merge (d, v, depth + 1, err) == -1)
        return -1;
    } else if (json_is_array (v) && json_is_array (d) && all_scalars (v)
               && all_scalars (d)) {
      size_t i, j;
      json_t *x, *y;

      json_array_foreach (v, i, x)
      {
        int have = 0;

        json_array_foreach (d, j, y)
        {
          if (json_equal (x, y))
            have = 1;
        }
        if (!have && json_array_append (d, x) == -1)
          return v2c_set_error (err, ENOMEM, "template");
      }
    } else if (json_object_set_new (dst, key, json_deep_copy (v)) == -1)
      return v2c_set_error (err, ENOMEM, "template");
  }
  return 0;
}

int
v2c_kube_merge (json_t *dst, const json_t *overlay, struct v2c_err *err)
{
  if (!json_is_object (dst) || !json_is_object (overlay))
    return v2c_set_error (err, EINVAL, "template: expected two mappings");
  return merge (dst, overlay, 0, err);
}

/* DIR/NAME.yaml as a template: NULL when there is none (*tmpl stays
 * NULL), -1 on error. */
static int
load_template (const char *dir, const char *name, json_t **tmpl,
               struct v2c_err *err)
{
  char path[4096];
  const json_t *md;
  json_t *t;

  *tmpl = NULL;
  if ((size_t) snprintf (path, sizeof path, "%s/%s.yaml", dir, name)
      >= sizeof path)
    return v2c_set_error (err, ENAMETOOLONG, "can't open '%s'", dir);
  t = v2c_yaml_load_file (path, err);
  if (t == NULL) {
    if (err->errnum == ENOENT) {
      v2c_clear_error (err);
      return 0;
    }
    return v2c_error_prefix (err, "template");
  }
  if (json_is_null (t))
    return 0;
  md = json_object_get (t, "metadata");
  if (!json_is_object (t)) {
    json_decref (t);
    return v2c_set_error (err, 0, "template '%s': expected a mapping", path);
  }
  if (json_object_get (t, "apiVersion") || json_object_get (t, "kind")
      || json_object_get (md, "name") || json_object_get (md, "namespace")) {
    json_decref (t);
    return v2c_set_error (err, 0,
                          "template '%s': a template can't set apiVersion, "
                          "kind, metadata.name or metadata.namespace",
                          path);
  }
  *tmpl = t;
  return 0;
}

int
v2c_kube_apply_templates (json_t *objects, const char *dir,
                          struct v2c_err *err)
{
  json_t *all = NULL, *kinds = json_object (), *item, *t;
  size_t i;
  int status = -1;

  if (kinds == NULL)
    return v2c_set_error (err, ENOMEM, "template");
  if (load_template (dir, "all", &all, err) == -1)
    goto out;
  json_array_foreach (objects, i, item)
  {
    json_t *obj = json_object_get (item, "object");
    const char *kind = opt_string (obj, "kind");
    char low[64];
    size_t j;

    if (kind == NULL)
      continue;
    for (j = 0; kind[j] && j < sizeof low - 1; j++)
      low[j] = (kind[j] >= 'A' && kind[j] <= 'Z')
                   ? (char) (kind[j] - 'A' + 'a')
                   : kind[j];
    low[j] = '\0';
    t = json_object_get (kinds, low);
    if (t == NULL) {
      if (load_template (dir, low, &t, err) == -1)
        goto out;
      json_object_set_new (kinds, low, t ? t : json_null ());
    }
    if (all && v2c_kube_merge (obj, all, err) == -1)
      goto out;
    if (json_is_object (t) && v2c_kube_merge (obj, t, err) == -1)
      goto out;
  }
  status = 0;
out:
  json_decref (all);
  json_decref (kinds);
  return status;
}
