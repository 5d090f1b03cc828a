/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The OCI image configuration of a plan (User, Env, Entrypoint, Cmd,
 * WorkingDir, ExposedPorts, Volumes, Labels), from its main
 * component.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "plan.h"

static const char default_path[]
    = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/* A JSON array of the strings of l; NULL on out of memory. */
static json_t *
strs_json (const struct v2c_strvec *l)
{
  json_t *a = json_array ();
  size_t i;

  for (i = 0; a && i < l->n; i++)
    if (json_array_append_new (a, json_string (l->v[i])) == -1) {
      json_decref (a);
      a = NULL;
    }
  return a;
}

static int
cmp_pair (const void *a, const void *b)
{
  return strcmp ((*(const struct v2c_pair *const *) a)->name,
                 (*(const struct v2c_pair *const *) b)->name);
}

/* Env: the default PATH unless the component (may be NULL) sets its
 * own, then the component's variables sorted by name.  NULL on out of
 * memory. */
static json_t *
image_env (const struct v2c_plan_component *comp)
{
  const struct v2c_pairs *env = comp ? &comp->env : NULL;
  const struct v2c_pair **sorted;
  json_t *o = json_array ();
  size_t i, n = env ? env->n : 0;
  int path = 0;

  sorted = calloc (n + 1, sizeof *sorted);
  if (o == NULL || sorted == NULL)
    goto oom;
  for (i = 0; i < n; i++) {
    sorted[i] = &env->v[i];
    path |= strcmp (env->v[i].name, "PATH") == 0;
  }
  if (!path && json_array_append_new (o, json_string (default_path)) == -1)
    goto oom;
  if (n)
    qsort (sorted, n, sizeof *sorted, cmp_pair);
  for (i = 0; i < n; i++) {
    size_t kl = strlen (sorted[i]->name), vl = strlen (sorted[i]->value);
    char *kv = malloc (kl + vl + 2);
    int r;

    if (kv == NULL)
      goto oom;
    memcpy (kv, sorted[i]->name, kl);
    kv[kl] = '=';
    memcpy (kv + kl + 1, sorted[i]->value, vl + 1);
    r = json_array_append_new (o, json_string (kv));
    free (kv);
    if (r == -1)
      goto oom;
  }
  free (sorted);
  return o;
oom:
  free (sorted);
  json_decref (o);
  return NULL;
}

json_t *
v2c_plan_image_config (const struct v2c_plan *plan, struct v2c_err *err)
{
  const struct v2c_plan_component *comp = NULL;
  json_t *cfg = NULL, *o, *labels;
  size_t i;
  int oom = 0;
  char buf[64];

#define PUT(obj, k, val)                                                      \
  do {                                                                        \
    json_t *v_ = (val);                                                       \
    if (v_ == NULL || json_object_set_new ((obj), (k), v_) == -1)             \
      oom = 1;                                                                \
  } while (0)

  if (plan->main_component)
    comp = v2c_plan_component (plan, plan->main_component);
  cfg = json_object ();
  if (cfg == NULL)
    goto oom;

  if (comp)
    snprintf (buf, sizeof buf, "%" PRId64 ":%" PRId64, comp->uid, comp->gid);
  else
    snprintf (buf, sizeof buf, "0:0");
  PUT (cfg, "User", json_string (buf));
  PUT (cfg, "Env", image_env (comp));

  if (comp) {
    PUT (cfg, "Entrypoint", strs_json (&comp->command));
    if (comp->args.n > 0)
      PUT (cfg, "Cmd", strs_json (&comp->args));
    if (comp->working_dir)
      PUT (cfg, "WorkingDir", json_string (comp->working_dir));
    if (comp->ports.n > 0) {
      o = json_object ();
      PUT (cfg, "ExposedPorts", o);
      for (i = 0; o && i < comp->ports.n; i++) {
        snprintf (buf, sizeof buf, "%" PRId64 "/%s", comp->ports.v[i].port,
                  comp->ports.v[i].protocol);
        PUT (o, buf, json_object ());
      }
    }
  } else
    PUT (cfg, "Cmd", json_pack ("[s]", "/bin/sh"));

  if (plan->image.volumes.n > 0) {
    o = json_object ();
    PUT (cfg, "Volumes", o);
    for (i = 0; o && i < plan->image.volumes.n; i++)
      /* an image volume's files come from their own image (--models
       * oci): no volume of the container's for them */
      if (v2c_plan_image_volume (plan, plan->image.volumes.v[i].path) == NULL)
        PUT (o, plan->image.volumes.v[i].path, json_object ());
  }

  labels = json_object ();
  PUT (cfg, "Labels", labels);
  if (labels) {
    PUT (labels, "io.v2c.source.vm", json_string (plan->source.vm));
    PUT (labels, "io.v2c.source.format", json_string (plan->source.format));
    if (comp)
      PUT (labels, "io.v2c.plan.main-component", json_string (comp->name));
    PUT (labels, "org.opencontainers.image.title", json_string (plan->name));
  }
  if (oom)
    goto oom;
  return cfg;
oom:
  json_decref (cfg);
  v2c_set_error (err, ENOMEM, "out of memory");
  return NULL;
#undef PUT
}
