/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 * The pod of a component (container, probes, resources, env,
 * securityContext, volumes) and the objects it needs: its ConfigMap,
 * its Secrets (placeholders only) and PersistentVolumeClaims.  See
 * kube.h.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kube-private.h"
#include "plan.h"
#include "v2c-yaml.h"

/* ------------------------------------------------------------------ */
/* Pieces of the pod                                                   */

static json_t *
resources (struct ctx *c, const struct comp *k)
{
  const json_t *r = json_object_get (k->j, "resources"), *part, *q;
  static const char *const parts[] = { "requests", "limits", NULL };
  const char *key;
  json_t *out;
  size_t p;

  if (r == NULL || json_is_null (r)) {
    long cpu_m, mem_mi;

    if (k->cron)
      return json_pack ("{s:{s:s, s:s}, s:{s:s}}", "requests", "cpu", "100m",
                        "memory", "128Mi", "limits", "memory", "256Mi");
    cpu_m
        = (long) (c->cpu_share_m * (kube_is_database (k->converter) ? 2 : 1));
    mem_mi
        = (long) (c->mem_share_mi * (kube_is_database (k->converter) ? 2 : 1));
    if (cpu_m < 50)
      cpu_m = 50;
    if (mem_mi < 64)
      mem_mi = 64;
    /* the limit leaves room for peaks: twice the request */
    return json_pack ("{s:{s:o, s:o}, s:{s:o}}", "requests", "cpu",
                      json_sprintf ("%ldm", cpu_m), "memory",
                      json_sprintf ("%ldMi", mem_mi), "limits", "memory",
                      json_sprintf ("%ldMi", 2 * mem_mi));
  }
  if (!json_is_object (r))
    return bad_null (
        c, "components[%zu].resources: expected an object or null", k->idx);
  out = json_object ();
  for (p = 0; parts[p]; p++) {
    json_t *o;

    part = json_object_get (r, parts[p]);
    if (part == NULL || json_is_null (part))
      continue;
    if (!json_is_object (part)) {
      json_decref (out);
      return bad_null (c, "components[%zu].resources.%s: expected an object",
                       k->idx, parts[p]);
    }
    o = json_object ();
    json_object_set_new (out, parts[p], o);
    json_object_foreach ((json_t *) part, key, q)
    {
      if (strcmp (key, "cpu") != 0 && strcmp (key, "memory") != 0
          && strcmp (key, "ephemeral-storage") != 0) {
        json_decref (out);
        return bad_null (c,
                         "components[%zu].resources.%s.%s: expected cpu, "
                         "memory or ephemeral-storage",
                         k->idx, parts[p], key);
      }
      if (!kube_quantity_valid (json_string_value (q))) {
        json_decref (out);
        return bad_null (c,
                         "components[%zu].resources.%s.%s: expected a "
                         "quantity such as \"500m\" or \"512Mi\"",
                         k->idx, parts[p], key);
      }
      json_object_set (o, key, (json_t *) q);
    }
  }
  return out;
}

static int
probe_port (struct ctx *c, const struct comp *k, const json_t *port,
            const char *where, json_t *dst)
{
  if (json_is_integer (port) && json_integer_value (port) >= 1
      && json_integer_value (port) <= 65535)
    return json_object_set (dst, "port", (json_t *) port);
  if (json_is_string (port) && kube_port_name_valid (json_string_value (port)))
    return json_object_set (dst, "port", (json_t *) port);
  return kube_bad (c,
                   "components[%zu].probes.%s.port: expected a port number or "
                   "a port name",
                   k->idx, where);
}

/* One probe of the plan ({"tcpSocket": {"port": N}} or {"httpGet":
 * {"path": "/", "port": N}} or {"exec": {"command": [...]}}, with
 * optional timings), checked and copied. */
static json_t *
probe (struct ctx *c, const struct comp *k, const char *which, const json_t *p)
{
  static const char *const timings[]
      = { "initialDelaySeconds", "periodSeconds",    "timeoutSeconds",
          "failureThreshold",    "successThreshold", NULL };
  const json_t *v;
  const char *key;
  json_t *out = json_object (), *h;
  int handlers = 0;
  size_t i;

  if (out == NULL)
    return kube_oom (c);
  if (!json_is_object (p)) {
    json_decref (out);
    return bad_null (c, "components[%zu].probes.%s: expected an object",
                     k->idx, which);
  }
  json_object_foreach ((json_t *) p, key, v)
  {
    if (strcmp (key, "tcpSocket") == 0 || strcmp (key, "httpGet") == 0) {
      const char *path = opt_string (v, "path");
      const char *scheme = opt_string (v, "scheme");

      handlers++;
      h = json_object ();
      json_object_set_new (out, key, h);
      if (!json_is_object (v)
          || probe_port (c, k, json_object_get (v, "port"), which, h) == -1)
        goto fail_port;
      if (strcmp (key, "httpGet") == 0) {
        if (path == NULL || path[0] != '/' || strlen (path) > 2048
            || strpbrk (path, " \t\r\n") != NULL) {
          kube_bad (c,
                    "components[%zu].probes.%s.httpGet.path: expected an "
                    "absolute URL path",
                    k->idx, which);
          goto fail;
        }
        json_object_set_new (h, "path", json_string (path));
        if (scheme && strcmp (scheme, "HTTP") != 0
            && strcmp (scheme, "HTTPS") != 0) {
          kube_bad (c,
                    "components[%zu].probes.%s.httpGet.scheme: HTTP or HTTPS",
                    k->idx, which);
          goto fail;
        }
        if (scheme)
          json_object_set_new (h, "scheme", json_string (scheme));
      }
    } else if (strcmp (key, "exec") == 0) {
      const json_t *cmd = json_object_get (v, "command"), *w;

      handlers++;
      if (json_array_size (cmd) == 0 || json_array_size (cmd) > 256) {
        kube_bad (c,
                  "components[%zu].probes.%s.exec.command: expected a list of "
                  "words",
                  k->idx, which);
        goto fail;
      }
      json_array_foreach (cmd, i, w)
      {
        if (!json_is_string (w)) {
          kube_bad (c,
                    "components[%zu].probes.%s.exec.command[%zu]: expected a "
                    "string",
                    k->idx, which, i);
          goto fail;
        }
      }
      json_object_set_new (out, "exec",
                           json_pack ("{s:O}", "command", (json_t *) cmd));
    } else {
      for (i = 0; timings[i]; i++)
        if (strcmp (key, timings[i]) == 0)
          break;
      if (timings[i] == NULL) {
        kube_bad (c, "components[%zu].probes.%s: unknown field '%s'", k->idx,
                  which, key);
        goto fail;
      }
      if (!json_is_integer (v) || json_integer_value (v) < 0
          || json_integer_value (v) > 86400
          || (i >= 3 && json_integer_value (v) < 1)
          || (i == 4 && strcmp (which, "readiness") != 0
              && json_integer_value (v) != 1)) {
        kube_bad (c, "components[%zu].probes.%s.%s: out of range", k->idx,
                  which, key);
        goto fail;
      }
      json_object_set (out, key, (json_t *) v);
    }
  }
  if (handlers != 1) {
    kube_bad (c,
              "components[%zu].probes.%s: expected one of tcpSocket, httpGet, "
              "exec",
              k->idx, which);
    goto fail;
  }
  return out;
fail_port:
  if (!json_is_object (v))
    kube_bad (c, "components[%zu].probes.%s.%s: expected an object", k->idx,
              which, key);
fail:
  json_decref (out);
  return NULL;
}

static int
add_probes (struct ctx *c, const struct comp *k, json_t *ctr)
{
  const json_t *p = json_object_get (k->j, "probes"), *v;
  const char *key;
  size_t i;
  json_t *q;

  if (p == NULL || json_is_null (p)) {
    /* No probe in the plan: is the first TCP port open? */
    if (k->cron)
      return 0;
    json_array_foreach (k->ports, i, q)
    {
      if (strcmp (opt_string (q, "protocol"), "TCP") == 0) {
        json_int_t port
            = json_integer_value (json_object_get (q, "containerPort"));

        json_object_set_new (ctr, "readinessProbe",
                             json_pack ("{s:{s:I}, s:i, s:i}", "tcpSocket",
                                        "port", port, "initialDelaySeconds", 5,
                                        "periodSeconds", 10));
        json_object_set_new (ctr, "livenessProbe",
                             json_pack ("{s:{s:I}, s:i, s:i}", "tcpSocket",
                                        "port", port, "initialDelaySeconds",
                                        15, "periodSeconds", 20));
        return 0;
      }
    }
    return 0;
  }
  if (!json_is_object (p))
    return kube_bad (c, "components[%zu].probes: expected an object or null",
                     k->idx);
  json_object_foreach ((json_t *) p, key, v)
  {
    char field[32];
    json_t *pr;

    if (strcmp (key, "liveness") != 0 && strcmp (key, "readiness") != 0
        && strcmp (key, "startup") != 0)
      return kube_bad (c, "components[%zu].probes: unknown probe '%s'", k->idx,
                       key);
    if (json_is_null (v))
      continue;
    pr = probe (c, k, key, v);
    if (pr == NULL)
      return -1;
    snprintf (field, sizeof field, "%sProbe", key);
    json_object_set_new (ctr, field, pr);
  }
  return 0;
}

static json_t *
env_list (struct ctx *c, const struct comp *k, const char *secret)
{
  const json_t *env = json_object_get (k->j, "env");
  const json_t *senv = json_object_get (k->j, "secret_env"), *v, *w;
  json_t *out = json_array ();
  const char *key;
  size_t i, j;

  if (out == NULL)
    return kube_oom (c);
  json_object_foreach ((json_t *) env, key, v)
  {
    int secret_too = 0;

    if (!kube_env_name_valid (key)) {
      json_decref (out);
      return bad_null (c, "components[%zu].env: '%s' is not a variable name",
                       k->idx, key);
    }
    json_array_foreach (senv, j, w)
    {
      if (json_string_value (w) && strcmp (json_string_value (w), key) == 0)
        secret_too = 1;
    }
    if (secret_too)
      continue;
    json_array_append_new (out, json_pack ("{s:s, s:O}", "name", key, "value",
                                           json_object_get (env, key)));
  }
  json_array_foreach (senv, i, v)
  {
    const char *name = json_string_value (v);

    if (!kube_env_name_valid (name)) {
      json_decref (out);
      return bad_null (c,
                       "components[%zu].secret_env[%zu]: '%s' is not a "
                       "variable name",
                       k->idx, i, name ? name : "");
    }
    json_array_append_new (out, json_pack ("{s:s, s:{s:{s:s, s:s}}}", "name",
                                           name, "valueFrom", "secretKeyRef",
                                           "name", secret, "key", name));
  }
  return out;
}

/* Are all write paths of the component on volumes? */
static int
read_only_root (struct ctx *c, const struct comp *k, int *ro)
{
  const json_t *f = json_object_get (k->j, "read_only_root");
  const json_t *wp = json_object_get (k->j, "write_paths"), *w, *v;
  size_t i, j;

  *ro = 0;
  if (json_is_boolean (f)) {
    *ro = json_is_true (f);
    return 0;
  }
  if (f && !json_is_null (f))
    return kube_bad (c,
                     "components[%zu].read_only_root: expected true, false or "
                     "null",
                     k->idx);
  if (wp == NULL || json_is_null (wp))
    return 0;
  if (!json_is_array (wp) || json_array_size (wp) > V2C_PLAN_MAX_ITEMS)
    return kube_bad (
        c, "components[%zu].write_paths: expected a list of paths", k->idx);
  *ro = 1;
  json_array_foreach (wp, i, w)
  {
    const char *p = json_string_value (w);
    int covered = 0;

    if (p == NULL || !v2c_plan_pattern_valid (p))
      return kube_bad (
          c,
          "components[%zu].write_paths[%zu]: expected an absolute "
          "path",
          k->idx, i);
    json_array_foreach (json_object_get (k->j, "volumes"), j, v)
    {
      const char *m = opt_string (v, "mount_path");
      size_t ml = m ? strlen (m) : 0;
      const char *vk = opt_string (v, "kind");

      if (m && vk && (strcmp (vk, "pvc") == 0 || strcmp (vk, "emptyDir") == 0)
          && strncmp (p, m, ml) == 0
          && (p[ml] == '\0' || p[ml] == '/' || strcmp (m, "/") == 0))
        covered = 1;
    }
    if (!covered)
      *ro = 0;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Volumes, ConfigMap, Secrets                                         */

static int
add_mount (struct ctx *c, const struct comp *k, struct pod *pod,
           const char *vol, const char *path, const char *sub, int ro)
{
  json_t *m;

  if (path == NULL || !v2c_plan_pattern_valid (path)
      || strcmp (path, "/") == 0)
    return kube_bad (c, "components[%zu]: '%s' can't be a mount point", k->idx,
                     path ? path : "(null)");
  if (json_object_get (pod->paths, path) != NULL)
    return kube_bad (c, "components[%zu]: '%s' is mounted twice", k->idx,
                     path);
  m = json_pack ("{s:s, s:s}", "name", vol, "mountPath", path);
  if (m == NULL)
    return -1;
  if (sub)
    json_object_set_new (m, "subPath", json_string (sub));
  if (ro)
    json_object_set_new (m, "readOnly", json_true ());
  json_object_set_new (pod->paths, path, json_true ());
  return json_array_append_new (pod->mounts, m);
}

static int
add_volume (struct ctx *c, const struct comp *k, struct pod *pod,
            const char *name, json_t *source_key, json_t *source)
{
  size_t i;
  json_t *v;

  json_array_foreach (pod->volumes, i, v)
  {
    if (strcmp (opt_string (v, "name"), name) == 0) {
      json_decref (source);
      json_decref (source_key);
      return kube_bad (c, "components[%zu]: two volumes are named '%s'",
                       k->idx, name);
    }
  }
  v = json_pack ("{s:s, s:o}", "name", name, json_string_value (source_key),
                 source);
  json_decref (source_key);
  if (v == NULL)
    return -1;
  return json_array_append_new (pod->volumes, v);
}

static char *
base64 (const char *data, size_t len)
{
  static const char tab[]
      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char *out = malloc ((len + 2) / 3 * 4 + 1), *o = out;
  size_t i;

  if (out == NULL)
    return NULL;
  for (i = 0; i + 2 < len; i += 3) {
    unsigned v = ((unsigned char) data[i] << 16)
                 | ((unsigned char) data[i + 1] << 8)
                 | (unsigned char) data[i + 2];
    *o++ = tab[(v >> 18) & 63];
    *o++ = tab[(v >> 12) & 63];
    *o++ = tab[(v >> 6) & 63];
    *o++ = tab[v & 63];
  }
  if (i < len) {
    unsigned v = (unsigned char) data[i] << 16;

    if (i + 1 < len)
      v |= (unsigned char) data[i + 1] << 8;
    *o++ = tab[(v >> 18) & 63];
    *o++ = tab[(v >> 12) & 63];
    *o++ = i + 1 < len ? tab[(v >> 6) & 63] : '=';
    *o++ = '=';
  }
  *o = '\0';
  return out;
}

static const struct v2c_kube_file *
image_file (struct ctx *c, const char *path)
{
  size_t i;

  for (i = 0; c->have_files && i < c->nfiles; i++)
    if (strcmp (c->files[i].path, path) == 0)
      return &c->files[i];
  return NULL;
}

/* Is path a file the inventory or the component says holds secrets?
 * Such a file is never read into a ConfigMap, whatever config_files
 * says: it gets its Secret stub only. */
static int
holds_secrets (struct ctx *c, const struct comp *k, const char *path)
{
  const json_t *v;
  size_t i;

  json_array_foreach (json_object_get (k->j, "secret_files"), i, v)
  {
    if (json_string_value (v) && strcmp (json_string_value (v), path) == 0)
      return 1;
  }
  json_array_foreach (json_object_get (k->j, "volumes"), i, v)
  {
    if (opt_string (v, "kind")
        && strcmp (opt_string (v, "kind"), "secret") == 0
        && opt_string (v, "source_path")
        && strcmp (opt_string (v, "source_path"), path) == 0)
      return 1;
  }
  json_array_foreach (
      json_object_get (json_object_get (c->plan, "image"), "secret_files"), i,
      v)
  {
    if (opt_string (v, "path") && strcmp (opt_string (v, "path"), path) == 0)
      return 1;
  }
  return 0;
}

/* The files of one kind ("configMap" or "secret") of a component: its
 * config_files / secret_files (mounted where they were) and its volumes
 * of that kind (mounted at mount_path).  [[source, mount], ...] */
json_t *
kube_file_list (struct ctx *c, const struct comp *k, const char *list,
                const char *vkind)
{
  json_t *out = json_array (), *v, *q;
  size_t i, j;

  if (out == NULL)
    return kube_oom (c);
  json_array_foreach (json_object_get (k->j, list), i, v)
  {
    const char *p = json_string_value (v);

    if (p == NULL || !v2c_plan_pattern_valid (p)) {
      json_decref (out);
      return bad_null (c, "components[%zu].%s[%zu]: expected an absolute path",
                       k->idx, list, i);
    }
    if (strcmp (vkind, "configMap") == 0 && holds_secrets (c, k, p))
      continue;
    json_array_append_new (out, json_pack ("[s, s]", p, p));
  }
  json_array_foreach (json_object_get (k->j, "volumes"), i, v)
  {
    const char *src = opt_string (v, "source_path");
    const char *mnt = opt_string (v, "mount_path");
    int dup = 0;

    if (strcmp (opt_string (v, "kind"), vkind) != 0)
      continue;
    if (src == NULL)
      src = mnt;
    if (!v2c_plan_pattern_valid (src)) {
      json_decref (out);
      return bad_null (c,
                       "components[%zu].volumes[%zu].source_path: expected "
                       "an absolute path",
                       k->idx, i);
    }
    if (strcmp (vkind, "configMap") == 0 && holds_secrets (c, k, src))
      continue;
    json_array_foreach (out, j, q)
    {
      if (strcmp (json_string_value (json_array_get (q, 0)), src) == 0)
        dup = 1;
    }
    if (!dup)
      json_array_append_new (out, json_pack ("[s, s]", src, mnt));
  }
  return out;
}

static int
config_map (struct ctx *c, const struct comp *k, struct pod *pod)
{
  json_t *files = kube_file_list (c, k, "config_files", "configMap"), *f;
  json_t *data = NULL, *bin = NULL, *cm;
  char name[128], *comment = NULL;
  size_t i, clen = 0;
  FILE *cf = NULL;
  int status = -1;

  if (files == NULL)
    return -1;
  if (json_array_size (files) == 0) {
    json_decref (files);
    return 0;
  }
  snprintf (name, sizeof name, "%s-config", k->name);
  data = json_object ();
  bin = json_object ();
  cf = open_memstream (&comment, &clen);
  if (data == NULL || bin == NULL || cf == NULL)
    goto out;
  fprintf (cf,
           "Configuration files of '%s' on the VM '%s', mounted where "
           "they were (subPath).",
           k->name, c->vm_name);
  json_array_foreach (files, i, f)
  {
    const char *src = json_string_value (json_array_get (f, 0));
    const char *mnt = json_string_value (json_array_get (f, 1));
    const struct v2c_kube_file *img = image_file (c, src);
    char key[256], alt[256];
    json_t *val = NULL;
    int n = 2;

    kube_data_key (kube_basename_of (src), key, sizeof key);
    if (json_object_get (data, key) || json_object_get (bin, key)) {
      kube_data_key (src + 1, key, sizeof key);
      snprintf (alt, sizeof alt, "%s", key);
      while (json_object_get (data, key) || json_object_get (bin, key))
        snprintf (key, sizeof key, "%.200s-%d", alt, n++);
    }
    if (img && img->data)
      val = json_stringn (img->data, img->len);
    if (val) {
      fprintf (cf, "\n%s: '%s' from the image", key, src);
      json_object_set_new (data, key, val);
    } else if (img && img->data) {
      char *b = base64 (img->data, img->len);

      if (b == NULL)
        goto out;
      fprintf (cf, "\n%s: '%s' from the image (binary)", key, src);
      json_object_set_new (bin, key, json_string (b));
      free (b);
    } else {
      const char *why
          = img ? img->why
                : (c->o->image_dir ? "not in the image" : "no --image given");
      fprintf (cf,
               "\n%s: PLACEHOLDER: put the content of '%s' from the VM "
               "here (%s)",
               key, src, why);
      json_object_set_new (
          data, key,
          json_sprintf ("# v2c: put the content of '%s' from the VM here\n",
                        src));
    }
    if (add_mount (c, k, pod, "v2c-config", mnt, key, 1) == -1)
      goto out;
  }
  if (fclose (cf) != 0) {
    cf = NULL;
    goto out;
  }
  cf = NULL;
  cm = json_pack ("{s:s, s:s, s:o}", "apiVersion", "v1", "kind", "ConfigMap",
                  "metadata", kube_metadata (c, k, name));
  if (cm && json_object_size (data))
    json_object_set (cm, "data", data);
  if (cm && json_object_size (bin))
    json_object_set (cm, "binaryData", bin);
  if (kube_add_object (c, "ConfigMap", name, cm, comment) == -1
      || add_volume (c, k, pod, "v2c-config", json_string ("configMap"),
                     json_pack ("{s:s}", "name", name))
             == -1)
    goto out;
  status = 0;
out:
  if (cf)
    fclose (cf);
  if (status == -1 && c->err->msg[0] == '\0')
    kube_oom (c);
  free (comment);
  json_decref (data);
  json_decref (bin);
  json_decref (files);
  return status;
}

static json_t *
secret_object (struct ctx *c, const struct comp *k, const char *name,
               json_t *keys, const char *file)
{
  json_t *md = kube_metadata (c, k, name);

  if (md && file)
    json_object_set_new (json_object_get (md, "annotations"),
                         "v2c.io/source-file", json_string (file));
  return json_pack ("{s:s, s:s, s:o, s:s, s:o}", "apiVersion", "v1", "kind",
                    "Secret", "metadata", md, "type", "Opaque", "stringData",
                    keys);
}

static int
secrets (struct ctx *c, const struct comp *k, struct pod *pod,
         const char *env_secret)
{
  json_t *files = kube_file_list (c, k, "secret_files", "secret"), *f, *keys;
  const json_t *senv = json_object_get (k->j, "secret_env"), *v;
  size_t i;
  int status = -1;

  if (files == NULL)
    return -1;
  json_array_foreach (files, i, f)
  {
    const char *src = json_string_value (json_array_get (f, 0));
    const char *mnt = json_string_value (json_array_get (f, 1));
    char key[256], label[64], name[200], vol[32], id[260], *comment = NULL;
    int n = 2;

    kube_data_key (kube_basename_of (src), key, sizeof key);
    kube_dns_label (kube_basename_of (src), label, sizeof label);
    snprintf (name, sizeof name, "%s-file-%s", k->name, label);
    for (;;) {
      snprintf (id, sizeof id, "Secret/%s", name);
      if (json_object_get (c->seen, id) == NULL)
        break;
      snprintf (name, sizeof name, "%s-file-%s-%d", k->name, label, n++);
    }
    snprintf (vol, sizeof vol, "v2c-secret-%d", ++pod->nsecret);
    if (asprintf (&comment,
                  "A stub for the secret file '%s' of the VM '%s' (component "
                  "'%s').\nPlaceholder values only: put the real content "
                  "in place of %s when you\ncreate this Secret (e.g. kubectl "
                  "create secret generic --from-file),\nnever in version "
                  "control.",
                  src, c->vm_name, k->name, V2C_KUBE_PLACEHOLDER)
        == -1) {
      comment = NULL;
      goto out;
    }
    keys = json_pack ("{s:s}", key, V2C_KUBE_PLACEHOLDER);
    if (kube_add_object (c, "Secret", name,
                         secret_object (c, k, name, keys, src), comment)
        == -1) {
      free (comment);
      goto out;
    }
    free (comment);
    /* 0440: readable by the group the pod's fsGroup gives it */
    if (add_volume (
            c, k, pod, vol, json_string ("secret"),
            json_pack ("{s:s, s:i}", "secretName", name, "defaultMode", 0440))
            == -1
        || add_mount (c, k, pod, vol, mnt, key, 1) == -1)
      goto out;
  }
  if (json_array_size (senv) > 0) {
    char *comment = NULL;

    keys = json_object ();
    json_array_foreach (senv, i, v)
    {
      if (json_string_value (v))
        json_object_set_new (keys, json_string_value (v),
                             json_string (V2C_KUBE_PLACEHOLDER));
    }
    if (asprintf (&comment,
                  "The secret environment variables of '%s' on the VM '%s'.\n"
                  "Placeholder values only: set the real values when you "
                  "create this Secret.",
                  k->name, c->vm_name)
        == -1) {
      json_decref (keys);
      goto out;
    }
    if (kube_add_object (c, "Secret", env_secret,
                         secret_object (c, k, env_secret, keys, NULL), comment)
        == -1) {
      free (comment);
      goto out;
    }
    free (comment);
  }
  status = 0;
out:
  json_decref (files);
  return status;
}

static int
plan_volumes (struct ctx *c, const struct comp *k, struct pod *pod,
              int statefulset, int *has_pvc)
{
  const json_t *v;
  size_t i;

  json_array_foreach (json_object_get (k->j, "volumes"), i, v)
  {
    const char *name = opt_string (v, "name");
    const char *kind = opt_string (v, "kind");
    const char *mnt = opt_string (v, "mount_path");
    const char *size = opt_string (v, "size");

    if (strncmp (name, "v2c-", 4) == 0)
      return kube_bad (c,
                       "components[%zu].volumes[%zu].name: names starting "
                       "with 'v2c-' are v2c-manifest's own",
                       k->idx, i);
    if (strcmp (kind, "pvc") == 0) {
      char claim[200];
      json_t *spec;

      if (size == NULL)
        size = "1Gi";
      if (!kube_quantity_valid (size))
        return kube_bad (c,
                         "components[%zu].volumes[%zu].size: expected a size "
                         "such as \"10Gi\"",
                         k->idx, i);
      spec = json_pack ("{s:[s], s:{s:{s:s}}}", "accessModes", "ReadWriteOnce",
                        "resources", "requests", "storage", size);
      *has_pvc = 1;
      if (statefulset) {
        if (json_array_append_new (pod->vcts,
                                   json_pack ("{s:{s:s}, s:o}", "metadata",
                                              "name", name, "spec", spec))
            == -1)
          return -1;
      } else {
        json_t *md;

        snprintf (claim, sizeof claim, "%s-%s", k->name, name);
        md = kube_metadata (c, k, claim);
        if (md)
          json_object_set_new (json_object_get (md, "annotations"),
                               "v2c.io/data-dir", json_string (mnt));
        if (kube_add_object (c, "PersistentVolumeClaim", claim,
                             json_pack ("{s:s, s:s, s:o, s:o}", "apiVersion",
                                        "v1", "kind", "PersistentVolumeClaim",
                                        "metadata", md, "spec", spec),
                             NULL)
                == -1
            || add_volume (c, k, pod, name,
                           json_string ("persistentVolumeClaim"),
                           json_pack ("{s:s}", "claimName", claim))
                   == -1)
          return -1;
      }
    } else if (strcmp (kind, "emptyDir") == 0) {
      if (add_volume (c, k, pod, name, json_string ("emptyDir"),
                      json_object ())
          == -1)
        return -1;
    } else
      continue; /* configMap and secret volumes: config_map, secrets */
    if (add_mount (c, k, pod, name, mnt, NULL, 0) == -1)
      return -1;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Workload, Service, NetworkPolicy, ServiceAccount                    */

static json_t *
container (struct ctx *c, const struct comp *k, struct pod *pod,
           const char *env_secret)
{
  const char *wd = opt_string (k->j, "working_dir");
  json_t *ctr, *env, *res, *sc, *caps;
  int ro;

  if (read_only_root (c, k, &ro) == -1)
    return NULL;
  ctr = json_pack ("{s:s, s:s, s:s, s:O}", "name", k->name, "image", c->image,
                   "imagePullPolicy", "IfNotPresent", "command",
                   json_object_get (k->j, "command"));
  if (ctr == NULL)
    return kube_oom (c);
  if (json_array_size (json_object_get (k->j, "args")) > 0)
    json_object_set (ctr, "args", json_object_get (k->j, "args"));
  if (wd)
    json_object_set_new (ctr, "workingDir", json_string (wd));
  env = env_list (c, k, env_secret);
  if (env == NULL)
    goto fail;
  if (json_array_size (env))
    json_object_set_new (ctr, "env", env);
  else
    json_decref (env);
  if (json_array_size (k->ports))
    json_object_set (ctr, "ports", k->ports);
  res = resources (c, k);
  if (res == NULL)
    goto fail;
  json_object_set_new (ctr, "resources", res);
  if (add_probes (c, k, ctr) == -1)
    goto fail;
  caps = json_pack ("{s:[s]}", "drop", "ALL");
  if (k->low_port)
    json_object_set_new (caps, "add", json_pack ("[s]", "NET_BIND_SERVICE"));
  sc = json_pack ("{s:b, s:b, s:o, s:b}", "allowPrivilegeEscalation", 0,
                  "privileged", 0, "capabilities", caps,
                  "readOnlyRootFilesystem", ro);
  json_object_set_new (ctr, "securityContext", sc);
  if (json_array_size (pod->mounts))
    json_object_set (ctr, "volumeMounts", pod->mounts);
  return ctr;
fail:
  json_decref (ctr);
  return NULL;
}

static json_t *
pod_template (struct ctx *c, const struct comp *k, struct pod *pod,
              const char *env_secret)
{
  json_t *ctr = container (c, k, pod, env_secret), *sc, *spec;

  if (ctr == NULL)
    return NULL;
  sc = json_pack ("{s:{s:s}}", "seccompProfile", "type", "RuntimeDefault");
  if (!k->root) {
    json_object_set_new (sc, "runAsNonRoot", json_true ());
    json_object_set_new (sc, "runAsUser", json_integer (k->uid));
    json_object_set_new (sc, "runAsGroup", json_integer (k->gid));
    /* volumes (data, secret files) become the service's group's */
    json_object_set_new (sc, "fsGroup", json_integer (k->gid));
  }
  spec = json_pack ("{s:s, s:b, s:b, s:o, s:[o]}", "serviceAccountName",
                    k->name, "automountServiceAccountToken", 0,
                    "enableServiceLinks", 0, "securityContext", sc,
                    "containers", ctr);
  if (spec == NULL)
    return kube_oom (c);
  if (k->cron)
    json_object_set_new (spec, "restartPolicy", json_string ("OnFailure"));
  if (json_array_size (pod->volumes))
    json_object_set (spec, "volumes", pod->volumes);
  return json_pack ("{s:{s:o, s:o}, s:o}", "metadata", "labels",
                    kube_labels (c, k), "annotations", kube_annotations (c, k),
                    "spec", spec);
}

int
kube_workload (struct ctx *c, const struct comp *k)
{
  struct pod pod
      = { json_array (), json_array (), json_array (), json_object (), 0 };
  char env_secret[128];
  json_t *tmpl, *obj = NULL, *spec;
  int sts = strcmp (k->kind, "StatefulSet") == 0, has_pvc = 0, status = -1;

  if (pod.volumes == NULL || pod.mounts == NULL || pod.vcts == NULL
      || pod.paths == NULL) {
    kube_oom (c);
    goto out;
  }
  snprintf (env_secret, sizeof env_secret, "%s-env", k->name);
  if (plan_volumes (c, k, &pod, sts, &has_pvc) == -1
      || config_map (c, k, &pod) == -1
      || secrets (c, k, &pod, env_secret) == -1)
    goto out;
  tmpl = pod_template (c, k, &pod, env_secret);
  if (tmpl == NULL)
    goto out;
  if (k->cron) {
    const char *sched = opt_string (k->j, "schedule");

    if (!kube_schedule_valid (sched)) {
      json_decref (tmpl);
      kube_bad (c,
                "components[%zu].schedule: a CronJob needs a schedule of 5 "
                "cron fields",
                k->idx);
      goto out;
    }
    spec = json_pack (
        "{s:s, s:s, s:i, s:i, s:{s:{s:o}, s:{s:i, s:o}}}", "schedule", sched,
        "concurrencyPolicy", "Forbid", "successfulJobsHistoryLimit", 3,
        "failedJobsHistoryLimit", 3, "jobTemplate", "metadata", "labels",
        kube_labels (c, k), "spec", "backoffLimit", 2, "template", tmpl);
    obj = json_pack ("{s:s, s:s, s:o, s:o}", "apiVersion", "batch/v1", "kind",
                     "CronJob", "metadata", kube_metadata (c, k, k->name),
                     "spec", spec);
  } else {
    spec = json_pack ("{s:i, s:{s:o}}", "replicas", 1, "selector",
                      "matchLabels", kube_selector (c, k));
    if (spec && sts)
      json_object_set_new (spec, "serviceName", json_string (k->svc));
    if (spec && !sts && has_pvc)
      /* a ReadWriteOnce claim can't be shared by old and new pods */
      json_object_set_new (spec, "strategy",
                           json_pack ("{s:s}", "type", "Recreate"));
    if (spec)
      json_object_set_new (spec, "template", tmpl);
    else
      json_decref (tmpl);
    if (spec && sts && json_array_size (pod.vcts))
      json_object_set (spec, "volumeClaimTemplates", pod.vcts);
    obj = json_pack ("{s:s, s:s, s:o, s:o}", "apiVersion", "apps/v1", "kind",
                     k->kind, "metadata", kube_metadata (c, k, k->name),
                     "spec", spec);
  }
  if (kube_add_object (c, k->kind, k->name, obj, NULL) == -1)
    goto out;
  status = 0;
out:
  json_decref (pod.volumes);
  json_decref (pod.mounts);
  json_decref (pod.vcts);
  json_decref (pod.paths);
  return status;
}
