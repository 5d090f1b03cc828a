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
v2c_conv_set_user (struct v2c_conv_ctx *ctx, json_t *comp, const char *user,
                   struct v2c_err *err)
{
  return ctx->set_user (ctx->data, comp, user, err);
}

int
v2c_conv_own_user (struct v2c_conv_ctx *ctx, json_t *comp, const char *user,
                   struct v2c_err *err)
{
  const char *now = json_string_value (json_object_get (comp, "user"));

  if (now && strcmp (now, "root") != 0)
    return 0;
  return v2c_conv_set_user (ctx, comp, user, err);
}

const char *
v2c_conv_kind_name (enum v2c_conv_kind kind, const json_t *comp)
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

static int
add (json_t *a, json_t *v)
{
  if (v == NULL || a == NULL || json_array_append_new (a, v) == -1)
    return -1;
  return 0;
}

int
v2c_conv_set_command (json_t *comp, const char *const *words, size_t n)
{
  json_t *cmd = json_array ();
  size_t i;

  for (i = 0; i < n; i++)
    if (add (cmd, json_string (words[i])) == -1) {
      json_decref (cmd);
      return -1;
    }
  if (cmd == NULL || json_object_set_new (comp, "command", cmd) == -1
      || json_object_set_new (comp, "args", json_array ()) == -1)
    return -1;
  return 0;
}

static int
has_string (const json_t *a, const char *s)
{
  size_t i;

  for (i = 0; i < json_array_size (a); i++)
    if (json_is_string (json_array_get (a, i))
        && strcmp (json_string_value (json_array_get (a, i)), s) == 0)
      return 1;
  return 0;
}

int
v2c_conv_add_volume (json_t *comp, const char *path, const char *kind,
                     const char *size, const char *source_path)
{
  json_t *vols = json_object_get (comp, "volumes"), *v;
  const char *names[256];
  char name[64];
  size_t i, n = 0;

  for (i = 0; i < json_array_size (vols); i++) {
    v = json_array_get (vols, i);
    if (strcmp (json_string_value (json_object_get (v, "mount_path")), path)
        == 0)
      return 0;
    if (n < sizeof names / sizeof names[0])
      names[n++] = json_string_value (json_object_get (v, "name"));
  }
  v2c_conv_unique_label (path + 1, "volume", names, n, name);
  v = json_pack ("{s:s, s:s, s:s, s:s?, s:s?}", "name", name, "mount_path",
                 path, "kind", kind, "size", size, "source_path", source_path);
  if (v && size == NULL)
    json_object_set_new (v, "size", json_null ());
  if (v && source_path == NULL)
    json_object_set_new (v, "source_path", json_null ());
  return add (vols, v);
}

const char *
v2c_conv_pvc (const json_t *comp)
{
  json_t *vols = json_object_get (comp, "volumes"), *v;
  size_t i;

  for (i = 0; i < json_array_size (vols); i++) {
    v = json_array_get (vols, i);
    if (strcmp (json_string_value (json_object_get (v, "kind")), "pvc") == 0)
      return json_string_value (json_object_get (v, "mount_path"));
  }
  return NULL;
}

int
v2c_conv_pvc_to_scratch (json_t *comp, const char *path)
{
  json_t *vols = json_object_get (comp, "volumes"), *v;
  size_t i;

  for (i = 0; i < json_array_size (vols); i++) {
    v = json_array_get (vols, i);
    if (strcmp (json_string_value (json_object_get (v, "kind")), "pvc") == 0
        && strcmp (json_string_value (json_object_get (v, "mount_path")), path)
               == 0) {
      if (json_object_set_new (v, "kind", json_string ("emptyDir")) == -1
          || json_object_set_new (v, "size", json_null ()) == -1)
        return -1;
      return 1;
    }
  }
  return 0;
}

int
v2c_conv_write_path (json_t *comp, const char *path, int scratch)
{
  json_t *wp = json_object_get (comp, "write_paths");
  json_t *vols = json_object_get (comp, "volumes");
  size_t i;

  if (!has_string (wp, path) && add (wp, json_string (path)) == -1)
    return -1;
  if (!scratch)
    return 0;
  for (i = 0; i < json_array_size (vols); i++) {
    json_t *v = json_array_get (vols, i);
    const char *k = json_string_value (json_object_get (v, "kind"));
    if ((strcmp (k, "pvc") == 0 || strcmp (k, "emptyDir") == 0)
        && v2c_conv_path_within (
            path, json_string_value (json_object_get (v, "mount_path"))))
      return 0;
  }
  return v2c_conv_add_volume (comp, path, "emptyDir", NULL, NULL);
}

int
v2c_conv_config_file (json_t *comp, const char *path)
{
  json_t *a = json_object_get (comp, "config_files");

  if (has_string (a, path)
      || has_string (json_object_get (comp, "secret_files"), path))
    return 0;
  return add (a, json_string (path));
}

int
v2c_conv_add_port (json_t *comp, int port, const char *proto, const char *name)
{
  json_t *a = json_object_get (comp, "ports"), *p;
  size_t i;

  for (i = 0; i < json_array_size (a); i++) {
    p = json_array_get (a, i);
    if (json_integer_value (json_object_get (p, "port")) == port
        && strcmp (json_string_value (json_object_get (p, "protocol")), proto)
               == 0)
      return 0;
  }
  p = json_pack ("{s:i, s:s, s:s?}", "port", port, "protocol", proto, "name",
                 name);
  return add (a, p);
}

size_t
v2c_conv_port_count (const json_t *comp)
{
  return json_array_size (json_object_get (comp, "ports"));
}

int
v2c_conv_set_schedule (json_t *comp, const char *schedule)
{
  return json_object_set_new (comp, "schedule", json_string (schedule));
}

const char *
v2c_conv_env (const json_t *comp, const char *key)
{
  return json_string_value (
      json_object_get (json_object_get (comp, "env"), key));
}

int
v2c_conv_set_env (json_t *comp, const char *key, const char *value)
{
  return json_object_set_new (json_object_get (comp, "env"), key,
                              json_string (value));
}

int
v2c_conv_replace_with (json_t *comp, const char *image, const char *advice)
{
  json_t *r = json_pack ("{s:s, s:s}", "image", image, "advice", advice);

  if (r == NULL || json_object_set_new (comp, "replace_with", r) == -1)
    return -1;
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
