/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The plan ("v2c.plan/1") as tables of lib/model-private.h, with the
 * rules between its fields as hooks: v2c_plan_load, the one validating
 * loader (what docs/plan.schema.json says, with the messages
 * v2c_plan_check always gave), v2c_plan_to_json, the one writer, and
 * v2c_plan_free.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "converter-util.h"
#include "model-private.h"
#include "plan.h"

#define ITEMS V2C_PLAN_MAX_ITEMS
#define PATTERNS V2C_PLAN_MAX_PATTERNS

/* Field makers: T is the struct type of the table. */
#define STR(T, k, m, fl, ck)                                                  \
  {                                                                           \
    .key = k, .kind = MT_STR, .flags = fl, .check = ck,                       \
    .off = offsetof (T, m)                                                    \
  }
#define STRH(T, k, m, fl, ck, hook)                                           \
  {                                                                           \
    .key = k, .kind = MT_STR, .flags = fl, .check = ck,                       \
    .off = offsetof (T, m), .post = hook                                      \
  }
#define ENUM(T, k, m, e)                                                      \
  {                                                                           \
    .key = k, .kind = MT_STR, .check = MS_ENUM, .off = offsetof (T, m),       \
    .enums = e                                                                \
  }
#define INT(T, k, m, kd, fl, lo, hi)                                          \
  {                                                                           \
    .key = k, .kind = kd, .flags = fl, .off = offsetof (T, m), .min = lo,     \
    .max = hi                                                                 \
  }
#define BOOL(T, k, m, hook)                                                   \
  {                                                                           \
    .key = k, .kind = MT_BOOL, .off = offsetof (T, m), .post = hook           \
  }
#define STRS(T, k, m, ck, n)                                                  \
  {                                                                           \
    .key = k, .kind = MT_STRS, .check = ck, .off = offsetof (T, m), .max = n  \
  }
#define SUB(T, k, kd, fl, m, st, n, hook)                                     \
  {                                                                           \
    .key = k, .kind = kd, .flags = fl, .off = offsetof (T, m), .max = n,      \
    .sub = &st, .post = hook                                                  \
  }

typedef struct v2c_plan_component comp_t;

static const char *const strategies[] = { "split", "single", NULL };
static const char *const oses[] = { "linux", "windows", NULL };
static const char *const arches[]
    = { "amd64", "arm64", "386", "arm", "ppc64le", "s390x", "riscv64", NULL };
static const char *const whats[] = { "all", "contents", "files", NULL };
static const char *const kinds[]
    = { "Deployment", "StatefulSet", "CronJob", NULL, 0 };
static const char *const source_kinds[]
    = { "systemd", "sysv", "cron", "timer", NULL, 0 };
static const char *const protocols[] = { "tcp", "udp", "sctp", NULL };
static const char *const volume_kinds[]
    = { "pvc", "emptyDir", "configMap", "secret", "shared", "image", NULL, 0 };
static const char *const target_kinds[] = { "container", "vm", NULL };
static const char *const firmwares[] = { "bios", "efi", NULL };
static const char *const vm_protocols[] = { "tcp", "udp", NULL };

/* ------------------------------------------------------------------ */
/* Rules between fields                                                */

static int
digits_then (const char *s, size_t most, const char *const *units)
{
  size_t d = strspn (s, "0123456789"), i;

  if (d == 0 || d > most || s[0] == '0')
    return 0;
  for (i = 0; units[i]; i++)
    if (strcmp (s + d, units[i]) == 0)
      return 1;
  return 0;
}

static const char *const cpu_units[] = { "", "m", NULL };
static const char *const mem_units[] = { "Ki", "Mi", "Gi", "Ti", NULL };
static const char *const size_units[] = { "Ki", "Mi", "Gi", "Ti", "Pi", NULL };

static int
post_cpu (struct model_load *l, const void *o, const char *w)
{
  const char *s = ((const comp_t *) o)->resources.requests.cpu;

  if (!digits_then (s, 12, cpu_units))
    return model_bad (l, w, "'%s' is not a CPU quantity like '500m'", s);
  return 0;
}

static int
post_request_memory (struct model_load *l, const void *o, const char *w)
{
  const char *s = ((const comp_t *) o)->resources.requests.memory;

  if (!digits_then (s, 12, mem_units))
    return model_bad (l, w, "'%s' is not a memory quantity like '512Mi'", s);
  return 0;
}

static int
post_limit_memory (struct model_load *l, const void *o, const char *w)
{
  const char *s = ((const comp_t *) o)->resources.limits.memory;

  if (!digits_then (s, 12, mem_units))
    return model_bad (l, w, "'%s' is not a memory quantity like '1Gi'", s);
  return 0;
}

/* A Kubernetes port name (IANA_SVC_NAME): 1 to 15 of [a-z0-9-], a
 * letter among them, no '-' at either end nor "--". */
static int
post_port_name (struct model_load *l, const void *o, const char *w)
{
  const char *s = ((const struct v2c_plan_port *) o)->name;
  size_t n = strlen (s), i;
  int letter = 0, ok = n > 0 && n <= 15 && s[0] != '-' && s[n - 1] != '-'
                       && !strstr (s, "--");

  for (i = 0; ok && i < n; i++) {
    if (s[i] >= 'a' && s[i] <= 'z')
      letter = 1;
    else if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
      ok = 0;
  }
  if (!ok || !letter)
    return model_bad (l, w,
                      "'%s' is not a port name (1 to 15 of a-z, 0-9, '-', "
                      "with a letter)",
                      s);
  return 0;
}

/* Names of a list (at where) used twice: the name is the member at
 * offset off of each element. */
static int
unique_names (struct model_load *l, const struct model_list *a, size_t size,
              size_t off, const char *where)
{
  char iw[V2C_MODEL_WHERE], nw[V2C_MODEL_WHERE];
  size_t i, j;

  for (i = 0; i < a->n; i++)
    for (j = 0; j < i; j++) {
      const char *s = *(char *const *) ((const char *) a->v + i * size + off);
      if (strcmp (s, *(char *const *) ((const char *) a->v + j * size + off))
          == 0)
        return model_bad (
            l, v2c_model_sub (nw, v2c_model_idx (iw, where, i), "name"),
            "'%s' is used twice", s);
    }
  return 0;
}

static int
post_ports (struct model_load *l, const void *o, const char *w)
{
  return unique_names (l, (const void *) &((const comp_t *) o)->ports,
                       sizeof (struct v2c_plan_port),
                       offsetof (struct v2c_plan_port, name), w);
}

static int
post_volumes (struct model_load *l, const void *o, const char *w)
{
  return unique_names (l, (const void *) &((const comp_t *) o)->volumes,
                       sizeof (struct v2c_plan_volume), 0, w);
}

static int
post_volume_size (struct model_load *l, const void *o, const char *w)
{
  const struct v2c_plan_volume *v = o;

  if (v->size && !digits_then (v->size, 15, size_units))
    return model_bad (l, w, "'%s' is not a size like '10Gi'", v->size);
  if (v->size == NULL && strcmp (v->kind, "pvc") == 0)
    return model_bad (l, w, "a pvc needs a size");
  return 0;
}

static int
post_source_path (struct model_load *l, const void *o, const char *w)
{
  const struct v2c_plan_volume *v = o;
  int file
      = strcmp (v->kind, "configMap") == 0 || strcmp (v->kind, "secret") == 0;

  if (v->source_path == NULL && file)
    return model_bad (l, w, "a %s volume needs the guest file", v->kind);
  if (v->source_path && !file)
    return model_bad (l, w,
                      "only a configMap or secret volume has one (null)");
  return 0;
}

/* A shared volume names the component that owns its claim; nothing
 * else has an owner.  (That the owner has the claim: post_components.) */
static int
post_owner (struct model_load *l, const void *o, const char *w)
{
  const struct v2c_plan_volume *v = o;
  int shared = strcmp (v->kind, "shared") == 0;

  if (v->owner == NULL && shared)
    return model_bad (l, w, "a shared volume needs the component that owns "
                            "its claim");
  if (v->owner && !shared)
    return model_bad (l, w, "only a shared volume has one");
  return 0;
}

static int
post_schedule (struct model_load *l, const void *o, const char *w)
{
  const comp_t *k = o;
  int cron = strcmp (k->kind, "CronJob") == 0;

  if (cron && k->schedule == NULL)
    return model_bad (l, w, "a CronJob needs one");
  if (!cron && k->schedule)
    return model_bad (l, w, "only a CronJob has one (null)");
  if (k->schedule && !v2c_cron_valid (k->schedule))
    return model_bad (l, w, "'%s' is not 5 cron fields", k->schedule);
  return 0;
}

static int
post_command (struct model_load *l, const void *o, const char *w)
{
  if (((const comp_t *) o)->command.n == 0)
    return model_bad (l, w, "empty");
  return 0;
}

static int
post_run_as_root (struct model_load *l, const void *o, const char *w)
{
  const comp_t *k = o;

  if (k->run_as_root != (k->uid == 0))
    return model_bad (l, w, "is %s but uid is %lld",
                      k->run_as_root ? "true" : "false", (long long) k->uid);
  return 0;
}

static int
pre_probes (struct model_load *l, const void *o, const char *w,
            const json_t *v)
{
  if (v && !json_is_null (v)
      && strcmp (((const comp_t *) o)->kind, "CronJob") == 0)
    return model_bad (l, w, "a CronJob has none (null)");
  return 0;
}

static int
probe_port (struct model_load *l, const comp_t *k,
            const struct v2c_plan_probe *p, const char *w, const char *which)
{
  char pw[V2C_MODEL_WHERE], hw[V2C_MODEL_WHERE], xw[V2C_MODEL_WHERE];
  int64_t port = p->tcp ? p->tcp->port : p->http->port;
  size_t i;

  for (i = 0; i < k->ports.n; i++)
    if (k->ports.v[i].port == port)
      return 0;
  v2c_model_sub (hw, v2c_model_sub (pw, w, which),
                 p->tcp ? "tcpSocket" : "httpGet");
  return model_bad (l, v2c_model_sub (xw, hw, "port"),
                    "%lld is not a port of the component", (long long) port);
}

static int
post_probes (struct model_load *l, const void *o, const char *w)
{
  const comp_t *k = o;

  if (k->probes == NULL)
    return 0;
  if (probe_port (l, k, &k->probes->liveness, w, "liveness") == -1
      || probe_port (l, k, &k->probes->readiness, w, "readiness") == -1)
    return -1;
  return 0;
}

static int
post_probe (struct model_load *l, const void *o, const char *w)
{
  const struct v2c_plan_probe *p = o;

  if ((p->tcp == NULL) == (p->http == NULL))
    return model_bad (l, w, "needs exactly one of tcpSocket and httpGet");
  return 0;
}

static int
post_http_path (struct model_load *l, const void *o, const char *w)
{
  if (((const struct v2c_plan_http_target *) o)->path[0] != '/')
    return model_bad (l, w, "must start with '/'");
  return 0;
}

/* An extended resource name: DOMAIN/NAME, a DNS subdomain and a name
 * of [A-Za-z0-9._-] (what a device plugin advertises). */
static int
resource_name_ok (const char *s)
{
  const char *slash = strchr (s, '/'), *p;

  if (slash == NULL || slash == s || slash[1] == '\0' || strlen (s) > 253
      || strchr (slash + 1, '/') || strchr (s, '.') > slash
      || strchr (s, '.') == NULL)
    return 0;
  for (p = s; p < slash; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'
          || *p == '.'))
      return 0;
  for (p = slash + 1; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
          || (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_'))
      return 0;
  return 1;
}

static int
post_gpu_resource (struct model_load *l, const void *o, const char *w)
{
  const char *r = ((const struct v2c_plan_gpu *) o)->resource;

  if (!resource_name_ok (r))
    return model_bad (l, w, "'%s' is not a resource name like "
                      "'nvidia.com/gpu'", r);
  return 0;
}

static int
post_gpu_device (struct model_load *l, const void *o, const char *w)
{
  const char *r = ((const struct v2c_plan_vm_gpu *) o)->device_name;

  if (!resource_name_ok (r))
    return model_bad (l, w, "'%s' is not a resource name like "
                      "'nvidia.com/GV100GL_Tesla_V100'", r);
  return 0;
}

static int
post_layers (struct model_load *l, const void *o, const char *w)
{
  static const char *const split[] = { "os", "config", "app" };
  static const char *const cuda[] = { "os", "cuda", "config", "app" };
  const struct v2c_plan_image *img = o;
  char iw[V2C_MODEL_WHERE], nw[V2C_MODEL_WHERE];
  size_t i, want = strcmp (img->strategy, "split") == 0 ? 3 : 1;
  /* split: os, config, app; os, cuda, config, app with a CUDA layer */
  int with_cuda = want == 3 && img->layers.n == 4
                  && strcmp (img->layers.v[1].name, "cuda") == 0;

  want += with_cuda;
  if (img->layers.n != want)
    return model_bad (l, w, "strategy '%s' needs %zu layer%s, not %zu",
                      img->strategy, want, want == 1 ? "" : "s",
                      img->layers.n);
  for (i = 0; i < want; i++) {
    const char *expect = with_cuda ? cuda[i] : want == 3 ? split[i] : "rootfs";
    if (strcmp (img->layers.v[i].name, expect) != 0)
      return model_bad (
          l, v2c_model_sub (nw, v2c_model_idx (iw, w, i), "name"),
          "'%s', expected '%s'", img->layers.v[i].name, expect);
  }
  return 0;
}

static int
post_schema (struct model_load *l, const void *o, const char *w)
{
  const char *s = ((const struct v2c_plan *) o)->schema;

  if (strcmp (s, "v2c.plan/1") != 0)
    return model_bad (l, w, "'%s' is not 'v2c.plan/1'", s);
  return 0;
}

/* Every depends_on names another component, once; so does
 * main_component (read before the components). */
static int
post_components (struct model_load *l, const void *o, const char *w)
{
  const struct v2c_plan *p = o;
  char dw[V2C_MODEL_WHERE];
  size_t i, j, m;

  if (unique_names (l, (const void *) &p->components, sizeof (comp_t), 0, w)
      == -1)
    return -1;
  for (i = 0; i < p->components.n; i++) {
    const struct v2c_strvec *deps = &p->components.v[i].depends_on;
    for (j = 0; j < deps->n; j++) {
      const char *d = deps->v[j];
      snprintf (dw, sizeof dw, "components[%zu].depends_on[%zu]", i, j);
      if (strcmp (d, p->components.v[i].name) == 0)
        return model_bad (l, dw, "'%s' is the component itself", d);
      if (v2c_plan_component (p, d) == NULL)
        return model_bad (l, dw, "no component is named '%s'", d);
      for (m = 0; m < j; m++)
        if (strcmp (d, deps->v[m]) == 0)
          return model_bad (l, dw, "'%s' is listed twice", d);
    }
  }
  for (i = 0; i < p->components.n; i++) {
    const comp_t *k = &p->components.v[i];
    for (j = 0; j < k->volumes.n; j++) {
      const struct v2c_plan_volume *v = &k->volumes.v[j];
      const comp_t *own;
      size_t n;
      int found = 0;

      if (strcmp (v->kind, "image") == 0) {
        /* its files are a data volume's, which v2c-extract copies */
        for (n = 0; n < p->image.volumes.n; n++)
          found |= strcmp (p->image.volumes.v[n].path, v->mount_path) == 0;
        snprintf (dw, sizeof dw, "components[%zu].volumes[%zu].mount_path",
                  i, j);
        if (!found)
          return model_bad (l, dw, "an image volume at '%s', which is not a "
                                   "path of image.volumes", v->mount_path);
      }
      if (v->owner == NULL)
        continue;
      snprintf (dw, sizeof dw, "components[%zu].volumes[%zu].owner", i, j);
      own = v2c_plan_component (p, v->owner);
      if (own == NULL || own == k || strcmp (own->kind, "CronJob") == 0)
        return model_bad (l, dw, "no other Deployment or StatefulSet is "
                                 "named '%s'", v->owner);
      for (n = 0; n < own->volumes.n; n++)
        found |= strcmp (own->volumes.v[n].kind, "pvc") == 0
                 && strcmp (own->volumes.v[n].name, v->name) == 0
                 && strcmp (own->volumes.v[n].mount_path, v->mount_path)
                        == 0;
      if (!found)
        return model_bad (l, dw, "'%s' has no pvc volume '%s' at '%s'",
                          v->owner, v->name, v->mount_path);
    }
  }
  if (p->main_component && v2c_plan_component (p, p->main_component) == NULL)
    return model_bad (l, "main_component", "no component is named '%s'",
                      p->main_component);
  return 0;
}

/* ------------------------------------------------------------------ */
/* The tables, members in the order plan.json has them                 */

#define T struct v2c_plan_layer
static const struct model_field layer_f[]
    = { STR (T, "name", name, 0, MS_ANY),
        STRS (T, "includes", includes, MS_PATTERN, PATTERNS),
        STRS (T, "excludes", excludes, MS_PATTERN, PATTERNS), MODEL_END };
static const struct model_type layer_t = { sizeof (T), layer_f, NULL, 0 };
#undef T

#define T struct v2c_plan_exclude
static const struct model_field exclude_f[]
    = { STR (T, "pattern", pattern, 0, MS_PATTERN),
        ENUM (T, "what", what, whats), STR (T, "reason", reason, 0, MS_ANY),
        MODEL_END };
static const struct model_type exclude_t = { sizeof (T), exclude_f, NULL, 0 };
#undef T

#define T struct v2c_plan_volume_data
static const struct model_field volume_data_f[]
    = { STR (T, "name", name, 0, MS_LABEL),
        STR (T, "archive", archive, MF_OPT, MS_ANY),
        STR (T, "sha256", sha256, MF_OPT, MS_ANY),
        INT (T, "size", size, MT_INT, 0, 0, INT64_MAX),
        STR (T, "seed", seed, MF_OPT, MS_PATH),
        STR (T, "image_ref", image_ref, MF_OPT, MS_ANY),
        STR (T, "image_manifest", image_manifest, MF_OPT, MS_ANY),
        INT (T, "uid", uid, MT_INT, 0, 0, UINT32_MAX),
        INT (T, "gid", gid, MT_INT, 0, 0, UINT32_MAX),
        INT (T, "mode", mode, MT_INT, 0, 0, 07777), MODEL_END };
static const struct model_type volume_data_t
    = { sizeof (T), volume_data_f, NULL, 0 };
#undef T

#define T struct v2c_plan_data_volume
static const struct model_field data_volume_f[]
    = { STR (T, "path", path, 0, MS_PATH),
        STR (T, "service", service, MF_NUL, MS_ANY),
        INT (T, "used_bytes", used_bytes, MT_NINT, MF_NUL, 0, INT64_MAX),
        STR (T, "reason", reason, 0, MS_ANY),
        SUB (T, "data", MT_PTR, MF_OPT, data, volume_data_t, 0, NULL),
        MODEL_END };
static const struct model_type data_volume_t
    = { sizeof (T), data_volume_f, NULL, 0 };
#undef T

#define T struct v2c_plan_secret_file
static const struct model_field secret_file_f[]
    = { STR (T, "path", path, 0, MS_PATH),
        STRS (T, "kinds", kinds, MS_ANY, 64),
        INT (T, "mode", mode, MT_INT, MF_OPT, 0, 07777),
        INT (T, "uid", uid, MT_INT, MF_OPT, 0, INT64_MAX),
        INT (T, "gid", gid, MT_INT, MF_OPT, 0, INT64_MAX), MODEL_END };
static const struct model_type secret_file_t
    = { sizeof (T), secret_file_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_plan_secret
static const struct model_field plan_secret_f[]
    = { STR (T, "path", path, 0, MS_ANY), STR (T, "kind", kind, 0, MS_ANY),
        INT (T, "line", line, MT_INT, 0, 0, INT64_MAX),
        STR (T, "name", name, MF_OPT, MS_ANY),
        STR (T, "fingerprint", fingerprint, MF_OPT, MS_ANY), MODEL_END };
static const struct model_type plan_secret_t
    = { sizeof (T), plan_secret_f, NULL, MODEL_HAS (T, has) };
#undef T

#define T struct v2c_plan_image
static const struct model_field base_f[]
    = { STR (T, "distro", base.distro, MF_NUL, MS_ANY),
        STR (T, "version", base.version, MF_NUL, MS_ANY), MODEL_END };
static const struct model_type base_t = { 0, base_f, NULL, 0 };
static const struct model_field image_f[]
    = { ENUM (T, "strategy", strategy, strategies),
        { .key = "base", .kind = MT_OBJ, .off = 0, .sub = &base_t },
        ENUM (T, "os", os, oses),
        ENUM (T, "architecture", architecture, arches),
        STR (T, "variant", variant, MF_OPT, MS_ANY),
        STR (T, "package_manager", package_manager, MF_NUL, MS_ANY),
        SUB (T, "layers", MT_LIST, 0, layers, layer_t, 16, post_layers),
        SUB (T, "excludes", MT_LIST, 0, excludes, exclude_t, PATTERNS, NULL),
        SUB (T, "volumes", MT_LIST, 0, volumes, data_volume_t, ITEMS, NULL),
        SUB (T, "secret_files", MT_LIST, 0, secret_files, secret_file_t, ITEMS,
             NULL),
        { .key = "allow_secret", .kind = MT_STRS, .check = MS_PATH,
          .flags = MF_OPT | MF_SKIPEMPTY, .off = offsetof (T, allow_secret),
          .max = ITEMS },
        { .key = "left_out_packages", .kind = MT_STRS, .check = MS_ANY,
          .flags = MF_OPT | MF_SKIPEMPTY,
          .off = offsetof (T, left_out_packages), .max = ITEMS },
        STR (T, "data_ref", data_ref, MF_OPT, MS_ANY),
        STR (T, "data_manifest", data_manifest, MF_OPT, MS_ANY),
        STR (T, "data_shell", data_shell, MF_OPT, MS_PATH),
        MODEL_END };
static const struct model_type image_t = { sizeof (T), image_f, NULL, 0 };
#undef T

#define T struct v2c_plan_group
static const struct model_field group_f[]
    = { STR (T, "name", name, 0, MS_ANY),
        INT (T, "gid", gid, MT_INT, 0, 0, UINT32_MAX - 1), MODEL_END };
static const struct model_type group_t = { sizeof (T), group_f, NULL, 0 };
#undef T

#define T struct v2c_plan_port
static const struct model_field port_f[]
    = { INT (T, "port", port, MT_INT, 0, 1, 65535),
        ENUM (T, "protocol", protocol, protocols),
        STRH (T, "name", name, 0, MS_ANY, post_port_name), MODEL_END };
static const struct model_type port_t = { sizeof (T), port_f, NULL, 0 };
#undef T

#define T struct v2c_plan_volume
static const struct model_field volume_f[]
    = { STR (T, "name", name, 0, MS_LABEL),
        STR (T, "mount_path", mount_path, 0, MS_PATH),
        ENUM (T, "kind", kind, volume_kinds),
        STRH (T, "size", size, MF_NUL, MS_ANY, post_volume_size),
        STRH (T, "source_path", source_path, MF_NUL, MS_PATH,
              post_source_path),
        STRH (T, "owner", owner, MF_OPT, MS_LABEL, post_owner), MODEL_END };
static const struct model_type volume_t = { sizeof (T), volume_f, NULL, 0 };
#undef T

static const struct model_field tcp_f[]
    = { INT (struct v2c_plan_probe_target, "port", port, MT_INT, 0, 1, 65535),
        MODEL_END };
static const struct model_type tcp_t
    = { sizeof (struct v2c_plan_probe_target), tcp_f, NULL, 0 };

#define T struct v2c_plan_http_target
static const struct model_field http_f[]
    = { STRH (T, "path", path, 0, MS_ANY, post_http_path),
        INT (T, "port", port, MT_INT, 0, 1, 65535), MODEL_END };
static const struct model_type http_t = { sizeof (T), http_f, NULL, 0 };
#undef T

#define T struct v2c_plan_probe
static const struct model_field probe_f[]
    = { SUB (T, "tcpSocket", MT_PTR, MF_OPT, tcp, tcp_t, 0, NULL),
        SUB (T, "httpGet", MT_PTR, MF_OPT, http, http_t, 0, NULL),
        INT (T, "initialDelaySeconds", initial_delay, MT_INT, 0, 0, 3600),
        INT (T, "periodSeconds", period, MT_INT, 0, 1, 3600), MODEL_END };
static const struct model_type probe_t
    = { sizeof (T), probe_f, post_probe, 0 };
#undef T

#define T struct v2c_plan_probes
static const struct model_field probes_f[]
    = { SUB (T, "liveness", MT_OBJ, 0, liveness, probe_t, 0, NULL),
        SUB (T, "readiness", MT_OBJ, 0, readiness, probe_t, 0, NULL),
        MODEL_END };
static const struct model_type probes_t = { sizeof (T), probes_f, NULL, 0 };
#undef T

#define T struct v2c_plan_replace
static const struct model_field replace_f[]
    = { STR (T, "image", image, 0, MS_NONEMPTY),
        STR (T, "advice", advice, 0, MS_ANY), MODEL_END };
static const struct model_type replace_t = { sizeof (T), replace_f, NULL, 0 };
#undef T

#define T struct v2c_plan_gpu
static const char *const gpu_vendors[] = { "nvidia", "amd", NULL };
static const char *const gpu_sharings[]
    = { "exclusive", "time-slicing", "mig", NULL };
static const struct model_field gpu_f[]
    = { ENUM (T, "vendor", vendor, gpu_vendors),
        ENUM (T, "sharing", sharing, gpu_sharings),
        STRH (T, "resource", resource, 0, MS_ANY, post_gpu_resource),
        INT (T, "count", count, MT_INT, 0, 1, 64),
        STR (T, "runtime_class", runtime_class, MF_NUL, MS_LABEL),
        BOOL (T, "tolerate", tolerate, NULL),
        STR (T, "reason", reason, 0, MS_ANY), MODEL_END };
static const struct model_type gpu_t = { sizeof (T), gpu_f, NULL, 0 };
#undef T

#define T comp_t
static const struct model_field source_f[]
    = { ENUM (T, "kind", source.kind, source_kinds),
        STR (T, "file", source.file, MF_NUL, MS_PATH),
        INT (T, "line", source.line, MT_NINT, MF_NUL, 1, INT32_MAX),
        MODEL_END };
static const struct model_type source_t = { 0, source_f, NULL, 0 };
static const struct model_field requests_f[]
    = { STRH (T, "cpu", resources.requests.cpu, 0, MS_ANY, post_cpu),
        STRH (T, "memory", resources.requests.memory, 0, MS_ANY,
              post_request_memory),
        MODEL_END };
static const struct model_field limits_f[]
    = { STRH (T, "memory", resources.limits.memory, 0, MS_ANY,
              post_limit_memory),
        MODEL_END };
static const struct model_type requests_t = { 0, requests_f, NULL, 0 };
static const struct model_type limits_t = { 0, limits_f, NULL, 0 };
static const struct model_field resources_f[]
    = { { .key = "requests", .kind = MT_OBJ, .sub = &requests_t },
        { .key = "limits", .kind = MT_OBJ, .sub = &limits_t },
        MODEL_END };
static const struct model_type resources_t = { 0, resources_f, NULL, 0 };
static const struct model_field comp_f[] = {
  STR (T, "name", name, 0, MS_LABEL),
  STR (T, "converter", converter, 0, MS_NONEMPTY),
  ENUM (T, "kind", kind, kinds),
  STRH (T, "schedule", schedule, MF_NUL, MS_ANY, post_schedule),
  STR (T, "service", service, MF_NUL, MS_ANY),
  { .key = "source", .kind = MT_OBJ, .sub = &source_t },
  { .key = "command",
    .kind = MT_STRS,
    .off = offsetof (T, command),
    .max = ITEMS,
    .post = post_command },
  STRS (T, "args", args, MS_ANY, ITEMS),
  STR (T, "user", user, MF_NUL, MS_ANY),
  INT (T, "uid", uid, MT_INT, 0, 0, UINT32_MAX - 1),
  INT (T, "gid", gid, MT_INT, 0, 0, UINT32_MAX - 1),
  SUB (T, "groups", MT_LIST, MF_OPT | MF_SKIPEMPTY, groups, group_t, ITEMS,
       NULL),
  BOOL (T, "run_as_root", run_as_root, post_run_as_root),
  STR (T, "working_dir", working_dir, MF_NUL, MS_PATH),
  { .key = "env", .kind = MT_PAIRS, .off = offsetof (T, env), .max = ITEMS },
  STRS (T, "secret_env", secret_env, MS_ANY, ITEMS),
  STRS (T, "environment_files", environment_files, MS_PATH, PATTERNS),
  SUB (T, "ports", MT_LIST, 0, ports, port_t, ITEMS, post_ports),
  SUB (T, "volumes", MT_LIST, 0, volumes, volume_t, ITEMS, post_volumes),
  STRS (T, "write_paths", write_paths, MS_PATH, ITEMS),
  BOOL (T, "read_only_root", read_only_root, NULL),
  STRS (T, "config_files", config_files, MS_PATH, ITEMS),
  STRS (T, "secret_files", secret_files, MS_PATH, ITEMS),
  { .key = "probes",
    .kind = MT_PTR,
    .flags = MF_NUL,
    .off = offsetof (T, probes),
    .sub = &probes_t,
    .pre = pre_probes,
    .post = post_probes },
  { .key = "resources", .kind = MT_OBJ, .sub = &resources_t },
  SUB (T, "replace_with", MT_PTR, MF_NUL, replace_with, replace_t, 0, NULL),
  STRS (T, "depends_on", depends_on, MS_ANY, ITEMS),
  SUB (T, "gpu", MT_PTR, MF_OPT, gpu, gpu_t, 0, NULL),
  MODEL_END
};
static const struct model_type comp_t_ = { sizeof (T), comp_f, NULL, 0 };
#undef T

#define T struct v2c_plan_dropped
static const struct model_field dropped_f[]
    = { STR (T, "name", name, 0, MS_ANY), STR (T, "reason", reason, 0, MS_ANY),
        MODEL_END };
static const struct model_type dropped_t = { sizeof (T), dropped_f, NULL, 0 };
#undef T

/* A MAC address as KubeVirt takes it: six pairs of hex digits and ':'. */
static int
post_mac (struct model_load *l, const void *o, const char *w)
{
  const char *s = ((const struct v2c_plan_vm_nic *) o)->mac;
  size_t i;

  if (s == NULL)
    return 0;
  for (i = 0; i < 17; i++)
    if (i % 3 == 2 ? s[i] != ':' : !strchr ("0123456789abcdefABCDEF", s[i])
                                       || s[i] == '\0')
      break;
  if (i < 17 || s[17] != '\0')
    return model_bad (l, w, "'%s' is not a MAC address like '00:50:56:01:02:03'",
                      s);
  return 0;
}

static int
post_vm_disks (struct model_load *l, const void *o, const char *w)
{
  return unique_names (l, (const void *) &((const struct v2c_plan_target *) o)->disks,
                       sizeof (struct v2c_plan_vm_disk), 0, w);
}

#define T struct v2c_plan_vm_disk
static const struct model_field vm_disk_f[]
    = { STR (T, "name", name, 0, MS_LABEL),
        INT (T, "size", size, MT_NINT, MF_NUL, 1, INT64_MAX), MODEL_END };
static const struct model_type vm_disk_t = { sizeof (T), vm_disk_f, NULL, 0 };
#undef T

#define T struct v2c_plan_vm_nic
static const struct model_field vm_nic_f[]
    = { STRH (T, "mac", mac, MF_NUL, MS_ANY, post_mac),
        STR (T, "network", network, MF_NUL, MS_ANY), MODEL_END };
static const struct model_type vm_nic_t = { sizeof (T), vm_nic_f, NULL, 0 };
#undef T

#define T struct v2c_plan_vm_port
static const struct model_field vm_port_f[]
    = { INT (T, "port", port, MT_INT, 0, 1, 65535),
        ENUM (T, "protocol", protocol, vm_protocols), MODEL_END };
static const struct model_type vm_port_t = { sizeof (T), vm_port_f, NULL, 0 };
#undef T

#define T struct v2c_plan_vm_gpu
static const struct model_field vm_gpu_f[]
    = { STR (T, "name", name, 0, MS_LABEL),
        STRH (T, "device_name", device_name, 0, MS_ANY, post_gpu_device),
        STR (T, "pci_vendor_selector", pci_vendor_selector, MF_NUL, MS_ANY),
        MODEL_END };
static const struct model_type vm_gpu_t = { sizeof (T), vm_gpu_f, NULL, 0 };
#undef T

#define T struct v2c_plan_target
static const struct model_field target_f[] = {
  ENUM (T, "kind", kind, target_kinds),
  STR (T, "reason", reason, 0, MS_ANY),
  { .key = "os", .kind = MT_STR, .flags = MF_OPT, .check = MS_ENUM,
    .off = offsetof (T, os), .enums = oses },
  { .key = "firmware", .kind = MT_STR, .flags = MF_OPT, .check = MS_ENUM,
    .off = offsetof (T, firmware), .enums = firmwares },
  SUB (T, "disks", MT_LIST, MF_OPT | MF_SKIPEMPTY, disks, vm_disk_t, 64,
       NULL),
  SUB (T, "nics", MT_LIST, MF_OPT | MF_SKIPEMPTY, nics, vm_nic_t, 64, NULL),
  SUB (T, "ports", MT_LIST, MF_OPT | MF_SKIPEMPTY, ports, vm_port_t, ITEMS,
       NULL),
  SUB (T, "gpus", MT_LIST, MF_OPT | MF_SKIPEMPTY, gpus, vm_gpu_t, 16, NULL),
  MODEL_END
};
static const struct model_type target_t
    = { sizeof (T), target_f, post_vm_disks, 0 };
#undef T

#define T struct v2c_plan
static const struct model_field plan_source_f[]
    = { STR (T, "vm", source.vm, 0, MS_ANY),
        STR (T, "format", source.format, 0, MS_ANY),
        STR (T, "path", source.path, MF_NUL, MS_ANY), MODEL_END };
static const struct model_type plan_source_t = { 0, plan_source_f, NULL, 0 };
static const struct model_field vm_f[]
    = { INT (T, "cpus", vm.cpus, MT_NINT, MF_NUL, 1, 4096),
        INT (T, "memory_mib", vm.memory_mib, MT_NINT, MF_NUL, 1,
             (int64_t) 1 << 32),
        MODEL_END };
static const struct model_type vm_t = { 0, vm_f, NULL, 0 };
static const struct model_field plan_f[]
    = { STRH (T, "schema", schema, 0, MS_ANY, post_schema),
        STR (T, "name", name, 0, MS_NONEMPTY),
        { .key = "source", .kind = MT_OBJ, .sub = &plan_source_t },
        { .key = "vm", .kind = MT_OBJ, .sub = &vm_t },
        SUB (T, "target", MT_PTR, MF_OPT, target, target_t, 0, NULL),
        SUB (T, "image", MT_OBJ, 0, image, image_t, 0, NULL),
        STR (T, "main_component", main_component, MF_NUL, MS_ANY),
        SUB (T, "components", MT_LIST, 0, components, comp_t_,
             V2C_PLAN_MAX_COMPONENTS, post_components),
        SUB (T, "dropped", MT_LIST, 0, dropped, dropped_t, ITEMS, NULL),
        STRS (T, "notes", notes, MS_ANY, ITEMS),
        SUB (T, "secrets", MT_LIST, MF_OPT | MF_SKIPEMPTY, secrets,
             plan_secret_t, ITEMS, NULL),
        MODEL_END };
static const struct model_type plan_t = { sizeof (T), plan_f, NULL, 0 };
#undef T

/* ------------------------------------------------------------------ */

MODEL_DOCUMENT (v2c_plan, plan_t, "plan")

void
v2c_plan_target_free (struct v2c_plan_target *t)
{
  if (t == NULL)
    return;
  model_free_object (&target_t, t);
  free (t);
}

json_t *
v2c_plan_component_to_json (const struct v2c_plan_component *k)
{
  return model_write_object (&comp_t_, k);
}

void
v2c_plan_component_clear (struct v2c_plan_component *k)
{
  model_free_object (&comp_t_, k);
  memset (k, 0, sizeof *k);
}

const struct v2c_plan_component *
v2c_plan_component (const struct v2c_plan *plan, const char *name)
{
  size_t i;

  for (i = 0; i < plan->components.n; i++)
    if (plan->components.v[i].name
        && strcmp (plan->components.v[i].name, name) == 0)
      return &plan->components.v[i];
  return NULL;
}

void
v2c_plan_model_image_name (char *buf, size_t size, const char *ref,
                           const char *volume)
{
  snprintf (buf, size, "%s-model-%s", ref, volume);
}

const struct v2c_plan_volume *
v2c_plan_image_volume (const struct v2c_plan *plan, const char *path)
{
  size_t i, j;

  for (i = 0; i < plan->components.n; i++)
    for (j = 0; j < plan->components.v[i].volumes.n; j++) {
      const struct v2c_plan_volume *v = &plan->components.v[i].volumes.v[j];

      if (strcmp (v->kind, "image") == 0 && strcmp (v->mount_path, path) == 0)
        return v;
    }
  return NULL;
}
