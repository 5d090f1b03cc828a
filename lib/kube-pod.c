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
resources (const struct comp *k)
{
  json_t *r = json_pack ("{s:{s:s, s:s}, s:{s:s}}", "requests", "cpu",
                         k->p->resources.requests.cpu, "memory",
                         k->p->resources.requests.memory, "limits",
                         "memory", k->p->resources.limits.memory);

  /* an extended resource is asked for in limits (requests follow) */
  if (r && k->p->gpu)
    json_object_set_new (json_object_get (r, "limits"), k->p->gpu->resource,
                         json_integer ((json_int_t) k->p->gpu->count));
  return r;
}

/* The GPU nodes a component's pod needs: their label (NVIDIA's GPU
 * feature discovery; AMD's device plugin's resource is enough), the
 * runtime class and the toleration of their taint when the plan asks. */
static void
gpu_scheduling (const struct comp *k, json_t *spec)
{
  const struct v2c_plan_gpu *g = k->p->gpu;

  if (g == NULL)
    return;
  if (strcmp (g->vendor, "nvidia") == 0)
    json_object_set_new (spec, "nodeSelector",
                         json_pack ("{s:s}", "nvidia.com/gpu.present",
                                    "true"));
  if (g->runtime_class)
    json_object_set_new (spec, "runtimeClassName",
                         json_string (g->runtime_class));
  if (g->tolerate)
    json_object_set_new (
        spec, "tolerations",
        json_pack ("[{s:s,s:s,s:s}]", "key",
                   strcmp (g->vendor, "nvidia") == 0 ? "nvidia.com/gpu"
                                                     : "amd.com/gpu",
                   "operator", "Exists", "effect", "NoSchedule"));
}

/* One probe of the plan: tcpSocket {port} or httpGet {port, path}, and
 * its timings. */
static json_t *
probe (const struct v2c_plan_probe *p)
{
  json_t *h
      = p->tcp ? json_pack ("{s:I}", "port", (json_int_t) p->tcp->port)
               : json_pack ("{s:I, s:s}", "port", (json_int_t) p->http->port,
                            "path", p->http->path);

  return json_pack ("{s:o, s:I, s:I}", p->tcp ? "tcpSocket" : "httpGet", h,
                    "initialDelaySeconds", (json_int_t) p->initial_delay,
                    "periodSeconds", (json_int_t) p->period);
}

static int
add_probes (struct ctx *c, const struct comp *k, json_t *ctr)
{
  const struct v2c_plan_probes *p = k->p->probes;
  size_t i;
  json_t *q;

  if (p) {
    json_t *live = probe (&p->liveness), *ready = probe (&p->readiness);

    if (live == NULL || ready == NULL) {
      json_decref (live);
      json_decref (ready);
      return kube_bad (c, "out of memory");
    }
    json_object_set_new (ctr, "livenessProbe", live);
    json_object_set_new (ctr, "readinessProbe", ready);
    return 0;
  }
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
                                      "port", port, "initialDelaySeconds", 15,
                                      "periodSeconds", 20));
      return 0;
    }
  }
  return 0;
}

static int
is_secret_env (const struct comp *k, const char *name)
{
  size_t i;

  for (i = 0; i < k->p->secret_env.n; i++)
    if (strcmp (k->p->secret_env.v[i], name) == 0)
      return 1;
  return 0;
}

static json_t *
env_list (struct ctx *c, const struct comp *k, const char *secret)
{
  const struct v2c_pairs *env = &k->p->env;
  const struct v2c_strvec *senv = &k->p->secret_env;
  json_t *out = json_array ();
  size_t i;

  if (out == NULL)
    return kube_oom (c);
  for (i = 0; i < env->n; i++) {
    const char *key = env->v[i].name;

    if (!kube_env_name_valid (key)) {
      json_decref (out);
      return bad_null (c, "components[%zu].env: '%s' is not a variable name",
                       k->idx, key);
    }
    if (is_secret_env (k, key))
      continue;
    json_array_append_new (
        out, json_pack ("{s:s, s:s}", "name", key, "value", env->v[i].value));
  }
  for (i = 0; i < senv->n; i++) {
    const char *name = senv->v[i];

    if (!kube_env_name_valid (name)) {
      json_decref (out);
      return bad_null (c,
                       "components[%zu].secret_env[%zu]: '%s' is not a "
                       "variable name",
                       k->idx, i, name);
    }
    json_array_append_new (out, json_pack ("{s:s, s:{s:{s:s, s:s}}}", "name",
                                           name, "valueFrom", "secretKeyRef",
                                           "name", secret, "key", name));
  }
  return out;
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
  const struct v2c_plan_image *img = &c->plan->image;
  size_t i;

  for (i = 0; i < k->p->secret_files.n; i++)
    if (strcmp (k->p->secret_files.v[i], path) == 0)
      return 1;
  for (i = 0; i < k->p->volumes.n; i++) {
    const struct v2c_plan_volume *v = &k->p->volumes.v[i];
    if (strcmp (v->kind, "secret") == 0 && v->source_path
        && strcmp (v->source_path, path) == 0)
      return 1;
  }
  for (i = 0; i < img->secret_files.n; i++)
    if (strcmp (img->secret_files.v[i].path, path) == 0)
      return 1;
  return 0;
}

/* The files of one kind ("configMap" or "secret") of a component: list
 * (its config_files or secret_files, mounted where they were) and its
 * volumes of that kind (mounted at mount_path).  [[source, mount],
 * ...] */
json_t *
kube_file_list (struct ctx *c, const struct comp *k,
                const struct v2c_strvec *list, const char *vkind)
{
  json_t *out = json_array (), *q;
  size_t i, j;

  if (out == NULL)
    return kube_oom (c);
  for (i = 0; i < list->n; i++) {
    const char *p = list->v[i];

    if (strcmp (vkind, "configMap") == 0 && holds_secrets (c, k, p))
      continue;
    json_array_append_new (out, json_pack ("[s, s]", p, p));
  }
  for (i = 0; i < k->p->volumes.n; i++) {
    const struct v2c_plan_volume *v = &k->p->volumes.v[i];
    const char *src = v->source_path ? v->source_path : v->mount_path;
    int dup = 0;

    if (strcmp (v->kind, vkind) != 0)
      continue;
    if (strcmp (vkind, "configMap") == 0 && holds_secrets (c, k, src))
      continue;
    json_array_foreach (out, j, q)
    {
      if (strcmp (json_string_value (json_array_get (q, 0)), src) == 0)
        dup = 1;
    }
    if (!dup)
      json_array_append_new (out, json_pack ("[s, s]", src, v->mount_path));
  }
  return out;
}

static int
config_map (struct ctx *c, const struct comp *k, struct pod *pod)
{
  json_t *files = kube_file_list (c, k, &k->p->config_files, "configMap"), *f;
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
    const char *secret_link = NULL;
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
    /* a symbolic link followed to a file that holds secrets: that
     * file's content never goes into a ConfigMap */
    if (img && img->data && img->target && holds_secrets (c, k, img->target))
      secret_link = img->target;
    if (img && img->data && !secret_link
        && (val = json_stringn (img->data, img->len)) != NULL) {
      char *rewritten = NULL;

      fprintf (cf, "\n%s: '%s' from the image", key, src);
      if (img->target)
        fprintf (cf, " (the symbolic link's target '%s')", img->target);
      if (kube_proxy_content (c, k, img, &rewritten, cf) == -1) {
        json_decref (val);
        goto out;
      }
      if (rewritten) {
        json_decref (val);
        val = json_string (rewritten);
        free (rewritten);
      }
      json_object_set_new (data, key, val);
    } else if (img && img->data && !secret_link) {
      char *b = base64 (img->data, img->len);

      if (b == NULL)
        goto out;
      fprintf (cf, "\n%s: '%s' from the image (binary)", key, src);
      json_object_set_new (bin, key, json_string (b));
      free (b);
    } else {
      const char *why
          = secret_link ? "a symbolic link to a file that holds secrets"
            : img
                ? img->why
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

/* The mode a secret file had in the guest (the Secret volume's
 * defaultMode: the files come back as they were; fsGroup gives the
 * component's group read access), 0440 when unknown.  A systemd
 * credential (mounted under /run/credentials/) is 0400, as systemd
 * makes it for the service's user. */
static int
secret_file_mode (const struct ctx *c, const char *path, const char *mnt)
{
  size_t i;

  if (strncmp (mnt, "/run/credentials/", 17) == 0 && strcmp (mnt, path) != 0)
    return 0400;

  for (i = 0; i < c->plan->image.secret_files.n; i++) {
    const struct v2c_plan_secret_file *f = &c->plan->image.secret_files.v[i];

    /* has: bit 2 is "mode" in lib/model-plan.c's table */
    if (strcmp (f->path, path) == 0 && (f->has & ((uint64_t) 1 << 2)))
      return (int) (f->mode & 0777);
  }
  return 0440;
}

static int
secrets (struct ctx *c, const struct comp *k, struct pod *pod,
         const char *env_secret)
{
  json_t *files = kube_file_list (c, k, &k->p->secret_files, "secret"), *f;
  const struct v2c_strvec *senv = &k->p->secret_env;
  json_t *keys;
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
    v2c_kube_dns_label (kube_basename_of (src), label, sizeof label);
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
    if (add_volume (c, k, pod, vol, json_string ("secret"),
                    json_pack ("{s:s, s:i}", "secretName", name, "defaultMode",
                               secret_file_mode (c, src, mnt)))
            == -1
        || add_mount (c, k, pod, vol, mnt, key, 1) == -1)
      goto out;
  }
  if (senv->n > 0) {
    char *comment = NULL;

    keys = json_object ();
    for (i = 0; i < senv->n; i++)
      json_object_set_new (keys, senv->v[i],
                           json_string (V2C_KUBE_PLACEHOLDER));
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

/* The image of the image volume name at mnt: REPO@DIGEST once
 * v2c-extract wrote it (the plan's volume data says), else REPO:latest;
 * REPO is the VM's name and the volume's, as the layout names it. */
static void
model_image (struct ctx *c, const char *name, const char *mnt, char *buf,
             size_t size)
{
  const struct v2c_plan_volume_data *d = kube_volume_data (c, mnt);
  const char *reg = c->o->registry, *digest = d ? d->image_manifest : NULL;
  char repo[64], ref[200];

  v2c_plan_model_image_name (ref, sizeof ref, c->plan->name, name);
  v2c_kube_dns_label (ref, repo, sizeof repo);
  snprintf (buf, size, "%s%s%s%s%s", reg ? reg : "", reg ? "/" : "", repo,
            digest ? "@" : ":", digest ? digest : "latest");
}

static int
plan_volumes (struct ctx *c, const struct comp *k, struct pod *pod,
              int statefulset, int *has_pvc)
{
  size_t i;

  for (i = 0; i < k->p->volumes.n; i++) {
    const struct v2c_plan_volume *v = &k->p->volumes.v[i];
    const char *name = v->name, *kind = v->kind, *mnt = v->mount_path;
    const char *size = v->size;
    int ro = 0;

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

        kube_claim_name (k->kind, k->name, name, claim, sizeof claim);
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
    } else if (strcmp (kind, "shared") == 0) {
      /* the loader made sure the owner has this pvc */
      const struct comp *o = kube_find_comp (c, v->owner);
      char claim[200];

      kube_claim_name (o->kind, o->name, name, claim, sizeof claim);
      if (add_volume (c, k, pod, name, json_string ("persistentVolumeClaim"),
                      json_pack ("{s:s}", "claimName", claim))
          == -1)
        return -1;
      pod->near = o;
    } else if (strcmp (kind, "image") == 0) {
      /* the models' own image, mounted read-only as image volumes are */
      char ref[400];

      model_image (c, name, mnt, ref, sizeof ref);
      if (add_volume (c, k, pod, name, json_string ("image"),
                      json_pack ("{s:s, s:s}", "reference", ref,
                                 "pullPolicy", "IfNotPresent"))
          == -1)
        return -1;
      ro = 1;
    } else
      continue; /* configMap and secret volumes: config_map, secrets */
    if (add_mount (c, k, pod, name, mnt, NULL, ro) == -1)
      return -1;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Workload, Service, NetworkPolicy, ServiceAccount                    */

static json_t *
strs_array (const struct v2c_strvec *s)
{
  json_t *a = json_array ();
  size_t i;

  for (i = 0; a && i < s->n; i++)
    json_array_append_new (a, json_string (s->v[i]));
  return a;
}

static json_t *
container (struct ctx *c, const struct comp *k, struct pod *pod,
           const char *env_secret)
{
  const char *wd = k->p->working_dir;
  json_t *ctr, *env, *res, *sc, *caps;

  ctr = json_pack ("{s:s, s:s, s:s, s:o}", "name", k->name, "image", c->image,
                   "imagePullPolicy", "IfNotPresent", "command",
                   strs_array (&k->p->command));
  if (ctr == NULL)
    return kube_oom (c);
  if (k->p->args.n > 0)
    json_object_set_new (ctr, "args", strs_array (&k->p->args));
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
  res = resources (k);
  if (res == NULL)
    goto fail;
  json_object_set_new (ctr, "resources", res);
  if (add_probes (c, k, ctr) == -1)
    goto fail;
  caps = json_pack ("{s:[s], s:[]}", "drop", "ALL", "add");
  if (k->low_port)
    json_array_append_new (json_object_get (caps, "add"),
                           json_string ("NET_BIND_SERVICE"));
  /* nginx's master, root, makes its temp directories the workers'
   * (chown) and starts the workers as its 'user' (www-data, nobody
   * without the directive): measured with every capability dropped,
   * it needs these three and no more */
  if (k->root && strcmp (k->converter, "nginx") == 0) {
    json_array_append_new (json_object_get (caps, "add"),
                           json_string ("CHOWN"));
    json_array_append_new (json_object_get (caps, "add"),
                           json_string ("SETGID"));
    json_array_append_new (json_object_get (caps, "add"),
                           json_string ("SETUID"));
  }
  if (json_array_size (json_object_get (caps, "add")) == 0)
    json_object_del (caps, "add");
  sc = json_pack ("{s:b, s:b, s:o, s:b}", "allowPrivilegeEscalation", 0,
                  "privileged", 0, "capabilities", caps,
                  "readOnlyRootFilesystem", k->p->read_only_root);
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
    /* and it is in the groups it was in on the VM */
    if (k->p->groups.n) {
      json_t *sg = json_array ();
      size_t i;
      for (i = 0; i < k->p->groups.n; i++)
        json_array_append_new (sg, json_integer (k->p->groups.v[i].gid));
      json_object_set_new (sc, "supplementalGroups", sg);
    }
  } else {
    /* the image's USER is its main component's, maybe not root */
    json_object_set_new (sc, "runAsUser", json_integer (0));
    json_object_set_new (sc, "runAsGroup", json_integer (0));
  }
  spec = json_pack ("{s:s, s:b, s:b, s:o, s:[o]}", "serviceAccountName",
                    k->name, "automountServiceAccountToken", 0,
                    "enableServiceLinks", 0, "securityContext", sc,
                    "containers", ctr);
  if (spec == NULL)
    return kube_oom (c);
  if (k->cron)
    json_object_set_new (spec, "restartPolicy", json_string ("OnFailure"));
  if (pod->near)
    /* a ReadWriteOnce claim is shared by pods on one node only */
    json_object_set_new (
        spec, "affinity",
        json_pack ("{s:{s:[{s:{s:o}, s:s}]}}", "podAffinity",
                   "requiredDuringSchedulingIgnoredDuringExecution",
                   "labelSelector", "matchLabels",
                   kube_selector (c, pod->near), "topologyKey",
                   "kubernetes.io/hostname"));
  if (json_array_size (pod->volumes))
    json_object_set (spec, "volumes", pod->volumes);
  gpu_scheduling (k, spec);
  return json_pack ("{s:{s:o, s:o}, s:o}", "metadata", "labels",
                    kube_labels (c, k), "annotations", kube_annotations (c, k),
                    "spec", spec);
}

int
kube_workload (struct ctx *c, const struct comp *k)
{
  struct pod pod = {
    json_array (), json_array (), json_array (), json_object (), 0, NULL
  };
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
  if (!k->cron) {
    json_t *init = kube_seed_containers (c, k);
    if (init == NULL || kube_seed_jobs (c, k) == -1) {
      json_decref (init);
      json_decref (tmpl);
      goto out;
    }
    if (json_array_size (init))
      json_object_set_new (json_object_get (tmpl, "spec"), "initContainers",
                           init);
    else
      json_decref (init);
  }
  if (k->cron) {
    const char *sched = k->p->schedule;

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

/* With time-slicing, the NVIDIA device plugin's configuration that
 * shares each GPU among the pods (gpu/, not in the kustomization: it
 * belongs to the GPU operator's namespace, and the cluster's admin
 * applies it once; the report says so). */
int
kube_gpu_sharing (struct ctx *c)
{
  const struct v2c_plan *p = c->plan;
  int64_t pods = 0;
  size_t i;
  json_t *cm;
  char config[512];

  for (i = 0; i < p->components.n; i++) {
    const struct v2c_plan_gpu *g = p->components.v[i].gpu;

    if (g && strcmp (g->sharing, "time-slicing") == 0)
      pods += g->count;
  }
  if (pods == 0)
    return 0;
  /* at least as many slices as the VM's servers ask for, and 4 */
  snprintf (config, sizeof config,
            "version: v1\nsharing:\n  timeSlicing:\n    resources:\n"
            "    - name: nvidia.com/gpu\n      replicas: %lld\n",
            (long long) (pods > 4 ? pods : 4));
  cm = json_pack ("{s:s, s:s, s:{s:s, s:s, s:{s:s}}, s:{s:s}}", "apiVersion",
                  "v1", "kind", "ConfigMap", "metadata", "name",
                  "v2c-time-slicing", "namespace", "gpu-operator", "labels",
                  L_MANAGED_BY, "v2c", "data", "any", config);
  if (cm == NULL
      || kube_add_object (c, "ConfigMap", "v2c-time-slicing", cm,
                          "the NVIDIA device plugin's time-slicing: the GPU "
                          "operator's ClusterPolicy names it "
                          "(devicePlugin.config.name v2c-time-slicing, "
                          "default any); apply it once per cluster")
             == -1)
    return -1;
  return kube_unlist_last (c, "gpu");
}
