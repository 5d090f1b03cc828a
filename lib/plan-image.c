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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan-private.h"

static const char default_path[]
    = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

json_t *
v2c_plan_image_config (const json_t *plan, struct v2c_err *err)
{
  json_t *cfg = NULL, *comp = NULL, *a, *env, *v, *o, *labels;
  json_t *mainc, *src, *img;
  const char **keys = NULL, *key;
  size_t i, n = 0;
  int oom = 0;
  char buf[64];

#define PUT(obj, k, val)                                                      \
  do {                                                                        \
    json_t *v_ = (val);                                                       \
    if (v_ == NULL || json_object_set_new ((obj), (k), v_) == -1)             \
      oom = 1;                                                                \
  } while (0)
#define ADD(arr, val)                                                         \
  do {                                                                        \
    json_t *v_ = (val);                                                       \
    if (v_ == NULL || json_array_append_new ((arr), v_) == -1)                \
      oom = 1;                                                                \
  } while (0)

  if (v2c_plan_check (plan, err) == -1)
    return NULL;
  mainc = json_object_get (plan, "main_component");
  a = json_object_get (plan, "components");
  for (i = 0; json_is_string (mainc) && i < json_array_size (a); i++)
    if (strcmp (json_string_value (
                    json_object_get (json_array_get (a, i), "name")),
                json_string_value (mainc))
        == 0)
      comp = json_array_get (a, i);
  cfg = json_object ();
  if (cfg == NULL)
    goto oom;

  if (comp)
    snprintf (buf, sizeof buf,
              "%" JSON_INTEGER_FORMAT ":%" JSON_INTEGER_FORMAT,
              json_integer_value (json_object_get (comp, "uid")),
              json_integer_value (json_object_get (comp, "gid")));
  else
    snprintf (buf, sizeof buf, "0:0");
  PUT (cfg, "User", json_string (buf));

  /* Env: the default PATH unless the component sets its own, then the
   * component's variables sorted by name */
  o = json_array ();
  PUT (cfg, "Env", o);
  env = comp ? json_object_get (comp, "env") : NULL;
  if (o && json_object_get (env, "PATH") == NULL)
    ADD (o, json_string (default_path));
  keys = calloc (json_object_size (env) + 1, sizeof *keys);
  if (keys == NULL)
    goto oom;
  json_object_foreach (env, key, v) keys[n++] = key;
  if (n)
    qsort (keys, n, sizeof *keys, plan_cmp_str);
  for (i = 0; o && i < n; i++) {
    const char *val = json_string_value (json_object_get (env, keys[i]));
    size_t kl = strlen (keys[i]), vl = strlen (val);
    char *kv = malloc (kl + vl + 2);
    if (kv == NULL)
      goto oom;
    memcpy (kv, keys[i], kl);
    kv[kl] = '=';
    memcpy (kv + kl + 1, val, vl + 1);
    ADD (o, json_string (kv));
    free (kv);
  }

  if (comp) {
    PUT (cfg, "Entrypoint",
         json_deep_copy (json_object_get (comp, "command")));
    if (json_array_size (json_object_get (comp, "args")) > 0)
      PUT (cfg, "Cmd", json_deep_copy (json_object_get (comp, "args")));
    if (json_is_string (json_object_get (comp, "working_dir")))
      PUT (cfg, "WorkingDir",
           json_deep_copy (json_object_get (comp, "working_dir")));
    a = json_object_get (comp, "ports");
    if (json_array_size (a) > 0) {
      o = json_object ();
      PUT (cfg, "ExposedPorts", o);
      for (i = 0; o && i < json_array_size (a); i++) {
        json_t *p = json_array_get (a, i);
        snprintf (buf, sizeof buf, "%" JSON_INTEGER_FORMAT "/%s",
                  json_integer_value (json_object_get (p, "port")),
                  json_string_value (json_object_get (p, "protocol")));
        PUT (o, buf, json_object ());
      }
    }
  } else
    PUT (cfg, "Cmd", json_pack ("[s]", "/bin/sh"));

  img = json_object_get (plan, "image");
  a = json_object_get (img, "volumes");
  if (json_array_size (a) > 0) {
    o = json_object ();
    PUT (cfg, "Volumes", o);
    for (i = 0; o && i < json_array_size (a); i++)
      PUT (o,
           json_string_value (json_object_get (json_array_get (a, i), "path")),
           json_object ());
  }

  src = json_object_get (plan, "source");
  labels = json_object ();
  PUT (cfg, "Labels", labels);
  if (labels) {
    PUT (labels, "io.v2c.source.vm",
         json_deep_copy (json_object_get (src, "vm")));
    PUT (labels, "io.v2c.source.format",
         json_deep_copy (json_object_get (src, "format")));
    if (comp)
      PUT (labels, "io.v2c.plan.main-component", json_deep_copy (mainc));
    PUT (labels, "org.opencontainers.image.title",
         json_deep_copy (json_object_get (plan, "name")));
  }
  if (oom)
    goto oom;
  free (keys);
  return cfg;
oom:
  free (keys);
  json_decref (cfg);
  v2c_set_error (err, ENOMEM, "out of memory");
  return NULL;
#undef PUT
#undef ADD
}
