/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Editing a plan component: the helpers every converter uses; the
 * calls through the planner's context; and the generic defaults a
 * converter may override (its kind, the report's advice on state).
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "converter-util.h"

void
v2c_conv_note (struct v2c_conv_ctx *ctx, const char *fmt, ...)
{
  char buf[1024];
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  ctx->note (ctx->data, buf);
}

int
v2c_conv_set_user (struct v2c_conv_ctx *ctx, struct v2c_plan_component *comp,
                   const char *user, struct v2c_err *err)
{
  return ctx->set_user (ctx->data, comp, user, err);
}

int
v2c_conv_own_user (struct v2c_conv_ctx *ctx, struct v2c_plan_component *comp,
                   const char *user, struct v2c_err *err)
{
  const char *now = comp->user;

  if (now && strcmp (now, "root") != 0)
    return 0;
  return v2c_conv_set_user (ctx, comp, user, err);
}

const char *
v2c_conv_kind_name (enum v2c_conv_kind kind,
                    const struct v2c_plan_component *comp)
{
  switch (kind) {
  case V2C_KIND_DEPLOYMENT:
    return "Deployment";
  case V2C_KIND_STATEFULSET:
    return "StatefulSet";
  case V2C_KIND_CRONJOB:
    return "CronJob";
  case V2C_KIND_AUTO:
  default:
    return v2c_conv_pvc (comp) ? "StatefulSet" : "Deployment";
  }
}

const struct v2c_conv_advice v2c_conv_stateful_advice = {
  .id = "stateful-service",
  .severity = V2C_CONV_LOW,
  .title = "service with state on disk",
  .text = "its data directory becomes a persistent volume: copy it in "
          "(rsync into the PVC) during the cut-over, and back it up like "
          "the VM's disk",
  .why = "StatefulSet with a persistent volume",
};

const struct v2c_conv_advice v2c_conv_database_advice = {
  .id = "database-in-container",
  .severity = V2C_CONV_MEDIUM,
  .title = "database server",
  .text = "prefer a managed database or an operator; otherwise run it as "
          "a StatefulSet with a tested backup, and move the data with the "
          "database's own dump and restore",
  .with_converter = 1,
  .moves_state = 1,
};

int
v2c_conv_replace_database (struct v2c_conv_ctx *ctx, struct v2c_err *err,
                           const char *name, const char *version,
                           const char *how, ...)
{
  char image[96], text[400], advice[512];
  va_list ap;

  snprintf (image, sizeof image, "docker.io/library/%s:%s", name, version);
  va_start (ap, how);
  vsnprintf (text, sizeof text, how, ap);
  va_end (ap);
  snprintf (advice, sizeof advice,
            "%s: a database is better run from a maintained image than "
            "from the VM's files",
            text);
  if (ctx->replace_with (ctx, image, advice) == -1)
    return v2c_set_error (err, 0, "out of memory");
  return 0;
}

void
v2c_conv_label (const char *in, char *out, size_t outlen, const char *fallback)
{
  size_t n = 0, max = outlen - 1 < 63 ? outlen - 1 : 63;
  const char *p;

  for (p = in; *p && n < max; p++) {
    char c = *p;
    if (c >= 'A' && c <= 'Z')
      c = (char) (c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out[n++] = c;
    else if (n > 0 && out[n - 1] != '-')
      out[n++] = '-';
  }
  while (n > 0 && out[n - 1] == '-')
    n--;
  out[n] = '\0';
  if (n == 0)
    snprintf (out, outlen, "%s", fallback);
}

void
v2c_conv_unique_label (const char *in, const char *fallback,
                       const char **names, size_t n, char out[64])
{
  char base[64];
  size_t i, k = 1;
  int clash;

  v2c_conv_label (in, base, sizeof base, fallback);
  snprintf (out, 64, "%s", base);
  do {
    clash = 0;
    for (i = 0; i < n; i++)
      if (strcmp (names[i], out) == 0)
        clash = 1;
    if (clash) {
      char suffix[24];
      size_t keep;
      snprintf (suffix, sizeof suffix, "-%zu", ++k);
      keep = 63 - strlen (suffix);
      if (strlen (base) < keep)
        keep = strlen (base);
      while (keep > 0 && base[keep - 1] == '-')
        keep--;
      snprintf (out, 64, "%.*s%s", (int) keep, base, suffix);
    }
  } while (clash);
}

int
v2c_conv_path_within (const char *path, const char *dir)
{
  size_t n = strlen (dir);

  if (strcmp (dir, "/") == 0)
    return path[0] == '/';
  return strncmp (path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

const char *
v2c_conv_basename (const char *path)
{
  const char *s = strrchr (path, '/');

  return s ? s + 1 : path;
}

void *
v2c_conv_grow (void *vp, size_t *n, size_t size)
{
  void **v = vp;
  char *nv = realloc (*v, (*n + 1) * size);

  if (nv == NULL)
    return NULL;
  *v = nv;
  memset (nv + *n * size, 0, size);
  return nv + (*n)++ * size;
}

/* A copy of s (NULL for NULL) into *dst, freeing what was there. */
static int
set_str (char **dst, const char *s)
{
  char *d = NULL;

  if (s && (d = strdup (s)) == NULL)
    return -1;
  free (*dst);
  *dst = d;
  return 0;
}

int
v2c_conv_set_command (struct v2c_plan_component *comp,
                      const char *const *words, size_t n)
{
  size_t i;

  v2c_strvec_clear (&comp->command);
  v2c_strvec_clear (&comp->args);
  for (i = 0; i < n; i++)
    if (v2c_strvec_push (&comp->command, words[i]) == -1)
      return -1;
  return 0;
}

int
v2c_conv_add_volume (struct v2c_plan_component *comp, const char *path,
                     const char *kind, const char *size,
                     const char *source_path)
{
  const char *names[256];
  char name[64];
  struct v2c_plan_volume *v;
  size_t i, n = 0;

  for (i = 0; i < comp->volumes.n; i++) {
    if (strcmp (comp->volumes.v[i].mount_path, path) == 0)
      return 0;
    if (n < sizeof names / sizeof names[0])
      names[n++] = comp->volumes.v[i].name;
  }
  v2c_conv_unique_label (path + 1, "volume", names, n, name);
  v = v2c_conv_grow (&comp->volumes.v, &comp->volumes.n, sizeof *v);
  if (v == NULL || set_str (&v->name, name) == -1
      || set_str (&v->mount_path, path) == -1 || set_str (&v->kind, kind) == -1
      || set_str (&v->size, size) == -1
      || set_str (&v->source_path, source_path) == -1)
    return -1;
  return 0;
}

const char *
v2c_conv_pvc (const struct v2c_plan_component *comp)
{
  size_t i;

  for (i = 0; i < comp->volumes.n; i++)
    if (strcmp (comp->volumes.v[i].kind, "pvc") == 0)
      return comp->volumes.v[i].mount_path;
  return NULL;
}

int
v2c_conv_pvc_to_scratch (struct v2c_plan_component *comp, const char *path)
{
  size_t i;

  for (i = 0; i < comp->volumes.n; i++) {
    struct v2c_plan_volume *v = &comp->volumes.v[i];
    if (strcmp (v->kind, "pvc") == 0 && strcmp (v->mount_path, path) == 0) {
      if (set_str (&v->kind, "emptyDir") == -1)
        return -1;
      set_str (&v->size, NULL);
      return 1;
    }
  }
  return 0;
}

int
v2c_conv_covered (const struct v2c_plan_component *comp, const char *path)
{
  size_t i;

  for (i = 0; i < comp->volumes.n; i++) {
    const struct v2c_plan_volume *v = &comp->volumes.v[i];
    if ((strcmp (v->kind, "pvc") == 0 || strcmp (v->kind, "emptyDir") == 0)
        && v2c_conv_path_within (path, v->mount_path))
      return 1;
  }
  return 0;
}

int
v2c_conv_write_path (struct v2c_plan_component *comp, const char *path,
                     int scratch)
{
  if (v2c_strvec_find (&comp->write_paths, path) < 0
      && v2c_strvec_push (&comp->write_paths, path) == -1)
    return -1;
  if (!scratch || v2c_conv_covered (comp, path))
    return 0;
  return v2c_conv_add_volume (comp, path, "emptyDir", NULL, NULL);
}

int
v2c_conv_config_file (struct v2c_plan_component *comp, const char *path)
{
  if (v2c_strvec_find (&comp->config_files, path) >= 0
      || v2c_strvec_find (&comp->secret_files, path) >= 0)
    return 0;
  return v2c_strvec_push (&comp->config_files, path);
}

int
v2c_conv_add_port (struct v2c_plan_component *comp, int port,
                   const char *proto, const char *name)
{
  struct v2c_plan_port *p;
  size_t i;

  for (i = 0; i < comp->ports.n; i++)
    if (comp->ports.v[i].port == port
        && strcmp (comp->ports.v[i].protocol, proto) == 0)
      return 0;
  p = v2c_conv_grow (&comp->ports.v, &comp->ports.n, sizeof *p);
  if (p == NULL)
    return -1;
  p->port = port;
  if (set_str (&p->protocol, proto) == -1 || set_str (&p->name, name) == -1)
    return -1;
  return 0;
}

size_t
v2c_conv_port_count (const struct v2c_plan_component *comp)
{
  return comp->ports.n;
}

int
v2c_conv_set_schedule (struct v2c_plan_component *comp, const char *schedule)
{
  return set_str (&comp->schedule, schedule);
}

const char *
v2c_conv_env (const struct v2c_plan_component *comp, const char *key)
{
  size_t i;

  for (i = 0; i < comp->env.n; i++)
    if (strcmp (comp->env.v[i].name, key) == 0)
      return comp->env.v[i].value;
  return NULL;
}

int
v2c_conv_set_env (struct v2c_plan_component *comp, const char *key,
                  const char *value)
{
  struct v2c_pair *p;
  size_t i;

  for (i = 0; i < comp->env.n; i++)
    if (strcmp (comp->env.v[i].name, key) == 0)
      return set_str (&comp->env.v[i].value, value);
  p = v2c_conv_grow (&comp->env.v, &comp->env.n, sizeof *p);
  if (p == NULL || set_str (&p->name, key) == -1
      || set_str (&p->value, value) == -1)
    return -1;
  return 0;
}

int
v2c_conv_replace_with (struct v2c_plan_component *comp, const char *image,
                       const char *advice)
{
  struct v2c_plan_replace *r = calloc (1, sizeof *r);

  if (r == NULL || set_str (&r->image, image) == -1
      || set_str (&r->advice, advice) == -1) {
    if (r)
      free (r->image);
    free (r);
    return -1;
  }
  if (comp->replace_with) {
    free (comp->replace_with->image);
    free (comp->replace_with->advice);
    free (comp->replace_with);
  }
  comp->replace_with = r;
  return 0;
}

const char *
v2c_conv_option (const struct v2c_conv_in *in, const char *opt)
{
  size_t i, n = strlen (opt);

  for (i = 1; i < in->argc; i++) {
    const char *a = in->argv[i];
    if (strcmp (a, opt) == 0)
      return i + 1 < in->argc ? in->argv[i + 1] : NULL;
    if (strncmp (a, opt, n) == 0) {
      if (opt[1] == '-' && a[n] == '=')
        return a + n + 1;
      if (opt[1] != '-' && n == 2 && a[n] != '\0')
        return a + n;
    }
  }
  return NULL;
}

static const struct v2c_inv_package *
find_package (const struct v2c_inventory *inv, const char *const *names)
{
  size_t i, k;

  for (k = 0; names[k]; k++)
    for (i = 0; i < inv->packages.n; i++)
      if (strcmp (inv->packages.v[i].name, names[k]) == 0)
        return &inv->packages.v[i];
  return NULL;
}

int
v2c_conv_has_package (const struct v2c_inventory *inv,
                      const char *const *names)
{
  return find_package (inv, names) != NULL;
}

const char *
v2c_conv_package_version (const struct v2c_inventory *inv,
                          const char *const *names, int parts, char *buf,
                          size_t len)
{
  const struct v2c_inv_package *p = find_package (inv, names);
  const char *v, *s;
  size_t n = 0;
  int seen = 0;

  if (p == NULL || len < 2 || p->version == NULL)
    return NULL;
  v = p->version;
  /* an epoch may be written into the version: "5:7.0.15" */
  s = strchr (v, ':');
  if (s)
    v = s + 1;
  for (s = v; *s && n + 1 < len; s++) {
    if (*s >= '0' && *s <= '9')
      buf[n++] = *s;
    else if (*s == '.' && n > 0 && buf[n - 1] != '.' && ++seen < parts)
      buf[n++] = '.';
    else
      break;
  }
  while (n > 0 && buf[n - 1] == '.')
    n--;
  buf[n] = '\0';
  return n > 0 ? buf : NULL;
}

static int
in_list (const char *s, const char *const *list)
{
  size_t i;

  for (i = 0; list && list[i]; i++)
    if (strcmp (s, list[i]) == 0)
      return 1;
  return 0;
}

int
v2c_conv_service_named (const struct v2c_conv_in *in, const char *const *bases,
                        const char *const *exes)
{
  return in->src == V2C_CONV_SERVICE
         && (in_list (in->base, bases) || in_list (in->exe, exes));
}

int
v2c_conv_runtime_contribute (struct v2c_conv_ctx *ctx,
                             const struct v2c_conv_in *in,
                             struct v2c_conv_out *out, struct v2c_err *err)
{
  if (v2c_converter_systemd.contribute (ctx, in, out, err) == -1)
    return -1;
  if (out->reason[0])
    return 0;
  return v2c_conv_write_path (out->comp, "/tmp", 1);
}

int
v2c_conv_listen_in_pod (struct v2c_conv_ctx *ctx,
                        const struct v2c_conv_in *in,
                        struct v2c_plan_component *comp,
                        const char *const *words, size_t n, const char *how,
                        const char *extra)
{
  char msg[1024];
  size_t i;

  if (!in->loopback_only)
    return 0;
  for (i = 0; i < n; i++)
    if (v2c_strvec_push (&comp->command, words[i]) == -1)
      return -1;
  snprintf (msg, sizeof msg,
            "'%s' listened on the VM's loopback address only: in its pod it "
            "listens on the pod's addresses (%s) so that its Service reaches "
            "it; %sits NetworkPolicy admits only the components that use it",
            in->name, how, extra);
  ctx->note (ctx->data, msg);
  return 0;
}
