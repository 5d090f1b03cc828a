/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * v2c_plan_check: a plan read from a file is hostile input (an
 * engineer edits it between v2c-plan and v2c-extract), so every field
 * the later stages read is checked, and the first problem is named by
 * its JSON path.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "converter-util.h"
#include "plan-private.h"

/* A Kubernetes object name: DNS-1123 label. */
static int
dns_label_valid (const char *s)
{
  size_t n = strlen (s), i;

  if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
    return 0;
  for (i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')
          || s[i] == '-'))
      return 0;
  return 1;
}

/* The name of element i of a (at w): a DNS-1123 label that no earlier
 * element has. */
static int
chk_unique_label (const json_t *a, size_t i, const char *w, const char **out,
                  struct v2c_err *err)
{
  char nw[WHERE];
  const char *s;
  size_t j;

  if (plan_get_str (json_array_get (a, i), "name", w, REQ, &s, PLAN, err)
      == -1)
    return -1;
  if (!dns_label_valid (s))
    return plan_bad (err, PLAN, plan_sub (nw, w, "name"),
                     "'%s' is not a DNS-1123 label", s);
  for (j = 0; j < i; j++)
    if (strcmp (s, json_string_value (
                       json_object_get (json_array_get (a, j), "name")))
        == 0)
      return plan_bad (err, PLAN, plan_sub (nw, w, "name"),
                       "'%s' is used twice", s);
  *out = s;
  return 0;
}

enum { ANY_STRING, A_PATH, A_PATTERN };

/* A list of strings (of paths, of patterns) at o.key. */
static int
chk_strings (const json_t *o, const char *key, const char *where, size_t max,
             int what, json_t **out, struct v2c_err *err)
{
  char w[WHERE], iw[WHERE];
  json_t *a;
  const char *s, *why;
  size_t i;

  if (plan_get (o, key, where, JSON_ARRAY, REQ, &a, PLAN, err) == -1)
    return -1;
  plan_sub (w, where, key);
  if (plan_check_count (a, max, w, PLAN, err) == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    if (plan_elem_str (a, i, w, &s, PLAN, err) == -1)
      return -1;
    if (what != ANY_STRING && (why = plan_path_problem (s)) != NULL)
      return plan_bad (err, PLAN, plan_idx (iw, w, i), "%s %s",
                       what == A_PATTERN ? "pattern" : "path", why);
  }
  if (out)
    *out = a;
  return 0;
}

static int
chk_path (const json_t *o, const char *key, const char *where, int flags,
          const char *what, struct v2c_err *err)
{
  char w[WHERE];
  const char *s, *why;

  if (plan_get_str (o, key, where, flags, &s, PLAN, err) == -1)
    return -1;
  if (s && (why = plan_path_problem (s)) != NULL)
    return plan_bad (err, PLAN, plan_sub (w, where, key), "%s %s", what, why);
  return 0;
}

static int
chk_enum (const json_t *o, const char *key, const char *where,
          const char *const *allowed, const char **out, struct v2c_err *err)
{
  char w[WHERE], list[256] = "";
  const char *s;
  size_t i;

  if (plan_get_str (o, key, where, REQ, &s, PLAN, err) == -1)
    return -1;
  for (i = 0; allowed[i]; i++) {
    if (strcmp (s, allowed[i]) == 0) {
      if (out)
        *out = s;
      return 0;
    }
    snprintf (list + strlen (list), sizeof list - strlen (list), "%s%s",
              i ? ", " : "", allowed[i]);
  }
  return plan_bad (err, PLAN, plan_sub (w, where, key),
                   "'%s' is not one of: %s", s, list);
}

static int
chk_int (const json_t *o, const char *key, const char *where, int flags,
         json_int_t min, json_int_t max, struct v2c_err *err)
{
  char w[WHERE];
  json_t *v;

  if (plan_get (o, key, where, JSON_INTEGER, flags, &v, PLAN, err) == -1)
    return -1;
  if (v && (json_integer_value (v) < min || json_integer_value (v) > max))
    return plan_bad (err, PLAN, plan_sub (w, where, key),
                     "%" JSON_INTEGER_FORMAT
                     " is out of range (%" JSON_INTEGER_FORMAT
                     "..%" JSON_INTEGER_FORMAT ")",
                     json_integer_value (v), min, max);
  return 0;
}

/* An array of objects at o.key: checks the count, gives the array. */
static int
chk_objects (const json_t *o, const char *key, const char *where, size_t max,
             json_t **out, struct v2c_err *err)
{
  char w[WHERE], iw[WHERE];
  size_t i;

  if (plan_get (o, key, where, JSON_ARRAY, REQ, out, PLAN, err) == -1)
    return -1;
  plan_sub (w, where, key);
  if (plan_check_count (*out, max, w, PLAN, err) == -1)
    return -1;
  for (i = 0; i < json_array_size (*out); i++)
    if (!json_is_object (json_array_get (*out, i)))
      return plan_bad (err, PLAN, plan_idx (iw, w, i), "expected an object");
  return 0;
}

static int
size_valid (const char *s)
{
  size_t d = strspn (s, "0123456789");

  return d > 0 && d <= 15 && s[0] != '0'
         && (strcmp (s + d, "Ki") == 0 || strcmp (s + d, "Mi") == 0
             || strcmp (s + d, "Gi") == 0 || strcmp (s + d, "Ti") == 0
             || strcmp (s + d, "Pi") == 0);
}

static int
chk_layers (const json_t *img, const char *strategy, struct v2c_err *err)
{
  static const char *const split[] = { "os", "config", "app" };
  char w[WHERE];
  json_t *a, *l;
  const char *name;
  size_t i, k, want = strcmp (strategy, "split") == 0 ? 3 : 1;

  if (chk_objects (img, "layers", "image", 16, &a, err) == -1)
    return -1;
  if (json_array_size (a) != want)
    return plan_bad (err, PLAN, "image.layers",
                     "strategy '%s' needs %zu layer%s, not %zu", strategy,
                     want, want == 1 ? "" : "s", json_array_size (a));
  for (i = 0; i < json_array_size (a); i++) {
    l = json_array_get (a, i);
    plan_idx (w, "image.layers", i);
    if (plan_get_str (l, "name", w, REQ, &name, PLAN, err) == -1)
      return -1;
    if (strcmp (name, want == 3 ? split[i] : "rootfs") != 0) {
      char nw[WHERE];
      return plan_bad (err, PLAN, plan_sub (nw, w, "name"),
                       "'%s', expected '%s'", name,
                       want == 3 ? split[i] : "rootfs");
    }
    for (k = 0; k < i; k++)
      if (strcmp (name, json_string_value (
                            json_object_get (json_array_get (a, k), "name")))
          == 0)
        return plan_bad (err, PLAN, w, "name '%s' is used twice", name);
    if (chk_strings (l, "includes", w, V2C_PLAN_MAX_PATTERNS, A_PATTERN, NULL,
                     err)
            == -1
        || chk_strings (l, "excludes", w, V2C_PLAN_MAX_PATTERNS, A_PATTERN,
                        NULL, err)
               == -1)
      return -1;
  }
  return 0;
}

static int
chk_image (const json_t *plan, struct v2c_err *err)
{
  static const char *const strategies[] = { "split", "single", NULL };
  static const char *const oses[] = { "linux", "windows", NULL };
  static const char *const arches[] = { "amd64",   "arm64", "386",     "arm",
                                        "ppc64le", "s390x", "riscv64", NULL };
  static const char *const whats[] = { "all", "contents", "files", NULL };
  char w[WHERE];
  json_t *img, *base, *a, *e, *kinds;
  const char *strategy, *s;
  size_t i;

  if (plan_get (plan, "image", "", JSON_OBJECT, REQ, &img, PLAN, err) == -1
      || chk_enum (img, "strategy", "image", strategies, &strategy, err) == -1
      || plan_get (img, "base", "image", JSON_OBJECT, REQ, &base, PLAN, err)
             == -1
      || plan_get_str (base, "distro", "image.base", NUL_OK, &s, PLAN, err)
             == -1
      || plan_get_str (base, "version", "image.base", NUL_OK, &s, PLAN, err)
             == -1
      || chk_enum (img, "os", "image", oses, NULL, err) == -1
      || chk_enum (img, "architecture", "image", arches, NULL, err) == -1
      || plan_get_str (img, "variant", "image", OPT, &s, PLAN, err) == -1
      || plan_get_str (img, "package_manager", "image", NUL_OK, &s, PLAN, err)
             == -1
      || chk_layers (img, strategy, err) == -1)
    return -1;
  if (chk_objects (img, "excludes", "image", V2C_PLAN_MAX_PATTERNS, &a, err)
      == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    e = json_array_get (a, i);
    plan_idx (w, "image.excludes", i);
    if (chk_path (e, "pattern", w, REQ, "pattern", err) == -1
        || chk_enum (e, "what", w, whats, NULL, err) == -1
        || plan_get_str (e, "reason", w, REQ, &s, PLAN, err) == -1)
      return -1;
  }
  if (chk_objects (img, "volumes", "image", V2C_PLAN_MAX_ITEMS, &a, err) == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    e = json_array_get (a, i);
    plan_idx (w, "image.volumes", i);
    if (chk_path (e, "path", w, REQ, "path", err) == -1
        || plan_get_str (e, "service", w, NUL_OK, &s, PLAN, err) == -1
        || chk_int (e, "used_bytes", w, NUL_OK, 0, INT64_MAX, err) == -1
        || plan_get_str (e, "reason", w, REQ, &s, PLAN, err) == -1)
      return -1;
  }
  if (chk_objects (img, "secret_files", "image", V2C_PLAN_MAX_ITEMS, &a, err)
      == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    e = json_array_get (a, i);
    plan_idx (w, "image.secret_files", i);
    if (chk_path (e, "path", w, REQ, "path", err) == -1
        || chk_strings (e, "kinds", w, 64, ANY_STRING, &kinds, err) == -1)
      return -1;
  }
  return 0;
}

/* A Kubernetes port name (IANA_SVC_NAME): 1 to 15 of [a-z0-9-], a
 * letter among them, no '-' at either end nor "--". */
static int
port_name_valid (const char *s)
{
  size_t n = strlen (s), i;
  int letter = 0;

  if (n == 0 || n > 15 || s[0] == '-' || s[n - 1] == '-' || strstr (s, "--"))
    return 0;
  for (i = 0; i < n; i++) {
    if (s[i] >= 'a' && s[i] <= 'z')
      letter = 1;
    else if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
      return 0;
  }
  return letter;
}

/* A CPU quantity ("500m", "2") or a memory one ("512Mi", "1Gi"). */
static int
quantity_valid (const char *s, int memory)
{
  size_t d = strspn (s, "0123456789");

  if (d == 0 || d > 12 || s[0] == '0')
    return 0;
  if (!memory)
    return s[d] == '\0' || strcmp (s + d, "m") == 0;
  return strcmp (s + d, "Ki") == 0 || strcmp (s + d, "Mi") == 0
         || strcmp (s + d, "Gi") == 0 || strcmp (s + d, "Ti") == 0;
}

static int
has_port (const json_t *ports, json_int_t port)
{
  size_t i;

  for (i = 0; i < json_array_size (ports); i++)
    if (json_integer_value (
            json_object_get (json_array_get (ports, i), "port"))
        == port)
      return 1;
  return 0;
}

/* One probe: exactly one of tcpSocket {port} and httpGet {path, port},
 * on a port of the component, and its timings. */
static int
chk_probe (const json_t *pr, const char *key, const char *w,
           const json_t *ports, struct v2c_err *err)
{
  char pw[WHERE], hw[WHERE], xw[WHERE];
  json_t *p, *tcp, *http, *port;
  const char *s;

  if (plan_get (pr, key, w, JSON_OBJECT, REQ, &p, PLAN, err) == -1)
    return -1;
  plan_sub (pw, w, key);
  if (plan_get (p, "tcpSocket", pw, JSON_OBJECT, OPT, &tcp, PLAN, err) == -1
      || plan_get (p, "httpGet", pw, JSON_OBJECT, OPT, &http, PLAN, err) == -1)
    return -1;
  if ((tcp == NULL) == (http == NULL))
    return plan_bad (err, PLAN, pw,
                     "needs exactly one of tcpSocket and httpGet");
  plan_sub (hw, pw, tcp ? "tcpSocket" : "httpGet");
  if (chk_int (tcp ? tcp : http, "port", hw, REQ, 1, 65535, err) == -1)
    return -1;
  port = json_object_get (tcp ? tcp : http, "port");
  if (!has_port (ports, json_integer_value (port)))
    return plan_bad (err, PLAN, plan_sub (xw, hw, "port"),
                     "%" JSON_INTEGER_FORMAT " is not a port of the component",
                     json_integer_value (port));
  if (http) {
    if (plan_get_str (http, "path", hw, REQ, &s, PLAN, err) == -1)
      return -1;
    if (s[0] != '/')
      return plan_bad (err, PLAN, plan_sub (xw, hw, "path"),
                       "must start with '/'");
  }
  if (chk_int (p, "initialDelaySeconds", pw, REQ, 0, 3600, err) == -1
      || chk_int (p, "periodSeconds", pw, REQ, 1, 3600, err) == -1)
    return -1;
  return 0;
}

/* converter, kind, schedule (a CronJob's only: *cron) and source. */
static int
chk_comp_kind (const json_t *k, const char *w, int *cron_out,
               struct v2c_err *err)
{
  static const char *const kinds[]
      = { "Deployment", "StatefulSet", "CronJob", NULL };
  static const char *const skinds[]
      = { "systemd", "sysv", "cron", "timer", NULL };
  char ww[WHERE];
  json_t *src;
  const char *s, *kind;
  int cron;

  if (plan_get_str (k, "converter", w, REQ, &s, PLAN, err) == -1)
    return -1;
  if (*s == '\0')
    return plan_bad (err, PLAN, plan_sub (ww, w, "converter"), "empty");
  if (chk_enum (k, "kind", w, kinds, &kind, err) == -1
      || plan_get_str (k, "schedule", w, NUL_OK, &s, PLAN, err) == -1)
    return -1;
  cron = strcmp (kind, "CronJob") == 0;
  if (cron && s == NULL)
    return plan_bad (err, PLAN, plan_sub (ww, w, "schedule"),
                     "a CronJob needs one");
  if (!cron && s)
    return plan_bad (err, PLAN, plan_sub (ww, w, "schedule"),
                     "only a CronJob has one (null)");
  if (s && !v2c_cron_valid (s))
    return plan_bad (err, PLAN, plan_sub (ww, w, "schedule"),
                     "'%s' is not 5 cron fields", s);
  if (plan_get (k, "source", w, JSON_OBJECT, REQ, &src, PLAN, err) == -1
      || chk_enum (src, "kind", plan_sub (ww, w, "source"), skinds, NULL, err)
             == -1
      || chk_path (src, "file", ww, NUL_OK, "path", err) == -1
      || chk_int (src, "line", ww, NUL_OK, 1, INT32_MAX, err) == -1)
    return -1;
  *cron_out = cron;
  return 0;
}

/* What runs: service, command, args, user and ids, working_dir, env. */
static int
chk_comp_run (const json_t *k, const char *w, struct v2c_err *err)
{
  char ww[WHERE], iw[WHERE];
  json_t *a, *env, *v;
  const char *s, *key;

  if (plan_get_str (k, "service", w, NUL_OK, &s, PLAN, err) == -1
      || chk_strings (k, "command", w, V2C_PLAN_MAX_ITEMS, ANY_STRING, &a, err)
             == -1)
    return -1;
  if (json_array_size (a) == 0)
    return plan_bad (err, PLAN, plan_sub (ww, w, "command"), "empty");
  if (chk_strings (k, "args", w, V2C_PLAN_MAX_ITEMS, ANY_STRING, NULL, err)
          == -1
      || plan_get_str (k, "user", w, NUL_OK, &s, PLAN, err) == -1
      || chk_int (k, "uid", w, REQ, 0, UINT32_MAX - 1, err) == -1
      || chk_int (k, "gid", w, REQ, 0, UINT32_MAX - 1, err) == -1
      || chk_path (k, "working_dir", w, NUL_OK, "path", err) == -1
      || plan_get (k, "env", w, JSON_OBJECT, REQ, &env, PLAN, err) == -1)
    return -1;
  plan_sub (ww, w, "env");
  if (json_object_size (env) > V2C_PLAN_MAX_ITEMS)
    return plan_bad (err, PLAN, ww, "more than %d variables",
                     V2C_PLAN_MAX_ITEMS);
  json_object_foreach (env, key, v)
  {
    if (*key == '\0' || strchr (key, '='))
      return plan_bad (err, PLAN, ww, "'%s' is not a variable name", key);
    if (!json_is_string (v)
        || strlen (json_string_value (v)) != json_string_length (v))
      return plan_bad (err, PLAN, plan_sub (iw, ww, key), "expected a string");
  }
  return 0;
}

/* secret_env, environment_files and ports (given in *ports). */
static int
chk_comp_ports (const json_t *k, const char *w, json_t **ports,
                struct v2c_err *err)
{
  static const char *const protos[] = { "tcp", "udp", "sctp", NULL };
  char ww[WHERE], iw[WHERE], vw[WHERE];
  json_t *a, *e;
  const char *s;
  size_t i, j;

  if (chk_strings (k, "secret_env", w, V2C_PLAN_MAX_ITEMS, ANY_STRING, NULL,
                   err)
          == -1
      || chk_strings (k, "environment_files", w, V2C_PLAN_MAX_PATTERNS, A_PATH,
                      NULL, err)
             == -1
      || chk_objects (k, "ports", w, V2C_PLAN_MAX_ITEMS, &a, err) == -1)
    return -1;
  *ports = a;
  for (i = 0; i < json_array_size (a); i++) {
    e = json_array_get (a, i);
    plan_idx (iw, plan_sub (ww, w, "ports"), i);
    if (chk_int (e, "port", iw, REQ, 1, 65535, err) == -1
        || chk_enum (e, "protocol", iw, protos, NULL, err) == -1
        || plan_get_str (e, "name", iw, REQ, &s, PLAN, err) == -1)
      return -1;
    if (!port_name_valid (s))
      return plan_bad (
          err, PLAN, plan_sub (vw, iw, "name"),
          "'%s' is not a port name (1 to 15 of a-z, 0-9, '-', with "
          "a letter)",
          s);
    for (j = 0; j < i; j++)
      if (strcmp (s, json_string_value (
                         json_object_get (json_array_get (a, j), "name")))
          == 0)
        return plan_bad (err, PLAN, plan_sub (vw, iw, "name"),
                         "'%s' is used twice", s);
  }
  return 0;
}

static int
chk_comp_volumes (const json_t *k, const char *w, struct v2c_err *err)
{
  static const char *const vkinds[]
      = { "pvc", "emptyDir", "configMap", "secret", NULL };
  char iw[WHERE], vw[WHERE], ww[WHERE];
  json_t *a, *e, *b;
  const char *s, *vk;
  size_t i;

  if (chk_objects (k, "volumes", w, V2C_PLAN_MAX_ITEMS, &a, err) == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    e = json_array_get (a, i);
    plan_idx (iw, plan_sub (ww, w, "volumes"), i);
    if (chk_unique_label (a, i, iw, &s, err) == -1)
      return -1;
    if (chk_path (e, "mount_path", iw, REQ, "path", err) == -1
        || chk_enum (e, "kind", iw, vkinds, &vk, err) == -1
        || plan_get_str (e, "size", iw, NUL_OK, &s, PLAN, err) == -1)
      return -1;
    if (s && !size_valid (s))
      return plan_bad (err, PLAN, plan_sub (vw, iw, "size"),
                       "'%s' is not a size like '10Gi'", s);
    if (s == NULL && strcmp (vk, "pvc") == 0)
      return plan_bad (err, PLAN, plan_sub (vw, iw, "size"),
                       "a pvc needs a size");
    if (chk_path (e, "source_path", iw, NUL_OK, "path", err) == -1)
      return -1;
    b = json_object_get (e, "source_path");
    if (json_is_null (b)
        && (strcmp (vk, "configMap") == 0 || strcmp (vk, "secret") == 0))
      return plan_bad (err, PLAN, plan_sub (vw, iw, "source_path"),
                       "a %s volume needs the guest file", vk);
    if (!json_is_null (b) && strcmp (vk, "configMap") != 0
        && strcmp (vk, "secret") != 0)
      return plan_bad (err, PLAN, plan_sub (vw, iw, "source_path"),
                       "only a configMap or secret volume has one (null)");
  }
  return 0;
}

/* requests.cpu, requests.memory and limits.memory. */
static int
chk_comp_resources (const json_t *k, const char *w, struct v2c_err *err)
{
  char ww[WHERE], iw[WHERE], vw[WHERE];
  json_t *res, *rq, *lim;
  const char *s;

  if (plan_get (k, "resources", w, JSON_OBJECT, REQ, &res, PLAN, err) == -1
      || plan_get (res, "requests", plan_sub (ww, w, "resources"), JSON_OBJECT,
                   REQ, &rq, PLAN, err)
             == -1
      || plan_get (res, "limits", ww, JSON_OBJECT, REQ, &lim, PLAN, err) == -1)
    return -1;
  plan_sub (iw, ww, "requests");
  if (plan_get_str (rq, "cpu", iw, REQ, &s, PLAN, err) == -1)
    return -1;
  if (!quantity_valid (s, 0))
    return plan_bad (err, PLAN, plan_sub (vw, iw, "cpu"),
                     "'%s' is not a CPU quantity like '500m'", s);
  if (plan_get_str (rq, "memory", iw, REQ, &s, PLAN, err) == -1)
    return -1;
  if (!quantity_valid (s, 1))
    return plan_bad (err, PLAN, plan_sub (vw, iw, "memory"),
                     "'%s' is not a memory quantity like '512Mi'", s);
  plan_sub (iw, ww, "limits");
  if (plan_get_str (lim, "memory", iw, REQ, &s, PLAN, err) == -1)
    return -1;
  if (!quantity_valid (s, 1))
    return plan_bad (err, PLAN, plan_sub (vw, iw, "memory"),
                     "'%s' is not a memory quantity like '1Gi'", s);
  return 0;
}

static int
chk_component (const json_t *k, const char *w, struct v2c_err *err)
{
  char ww[WHERE], iw[WHERE];
  json_t *ports, *pr, *rw, *b;
  const char *s;
  int cron = 0;

  if (chk_comp_kind (k, w, &cron, err) == -1 || chk_comp_run (k, w, err) == -1
      || chk_comp_ports (k, w, &ports, err) == -1
      || chk_comp_volumes (k, w, err) == -1)
    return -1;
  if (chk_strings (k, "config_files", w, V2C_PLAN_MAX_ITEMS, A_PATH, NULL, err)
          == -1
      || chk_strings (k, "secret_files", w, V2C_PLAN_MAX_ITEMS, A_PATH, NULL,
                      err)
             == -1
      || chk_strings (k, "write_paths", w, V2C_PLAN_MAX_ITEMS, A_PATH, NULL,
                      err)
             == -1
      || plan_get (k, "read_only_root", w, JSON_TRUE, REQ, &b, PLAN, err) == -1
      || plan_get (k, "run_as_root", w, JSON_TRUE, REQ, &b, PLAN, err) == -1)
    return -1;
  if (json_is_true (b)
      != (json_integer_value (json_object_get (k, "uid")) == 0))
    return plan_bad (err, PLAN, plan_sub (ww, w, "run_as_root"),
                     "is %s but uid is %" JSON_INTEGER_FORMAT,
                     json_is_true (b) ? "true" : "false",
                     json_integer_value (json_object_get (k, "uid")));

  /* probes: none for a CronJob */
  if (plan_get (k, "probes", w, JSON_OBJECT, NUL_OK, &pr, PLAN, err) == -1)
    return -1;
  if (pr && cron)
    return plan_bad (err, PLAN, plan_sub (ww, w, "probes"),
                     "a CronJob has none (null)");
  if (pr
      && (chk_probe (pr, "liveness", plan_sub (ww, w, "probes"), ports, err)
              == -1
          || chk_probe (pr, "readiness", ww, ports, err) == -1))
    return -1;
  if (chk_comp_resources (k, w, err) == -1)
    return -1;

  if (plan_get (k, "replace_with", w, JSON_OBJECT, NUL_OK, &rw, PLAN, err)
      == -1)
    return -1;
  if (rw) {
    plan_sub (ww, w, "replace_with");
    if (plan_get_str (rw, "image", ww, REQ, &s, PLAN, err) == -1)
      return -1;
    if (*s == '\0')
      return plan_bad (err, PLAN, plan_sub (iw, ww, "image"), "empty");
    if (plan_get_str (rw, "advice", ww, REQ, &s, PLAN, err) == -1)
      return -1;
  }
  return chk_strings (k, "depends_on", w, V2C_PLAN_MAX_ITEMS, ANY_STRING, NULL,
                      err);
}

int
v2c_plan_check (const json_t *plan, struct v2c_err *err)
{
  char w[WHERE];
  json_t *src, *a, *e, *mainc, *vm;
  const char *s, *name;
  size_t i, j;
  int found = 0;

  if (!json_is_object (plan))
    return plan_bad (err, PLAN, "", "not a JSON object");
  if (plan_get_str (plan, "schema", "", REQ, &s, PLAN, err) == -1)
    return -1;
  if (strcmp (s, "v2c.plan/1") != 0)
    return plan_bad (err, PLAN, "schema", "'%s' is not 'v2c.plan/1'", s);
  if (plan_get_str (plan, "name", "", REQ, &s, PLAN, err) == -1)
    return -1;
  if (*s == '\0')
    return plan_bad (err, PLAN, "name", "empty");
  if (plan_get (plan, "source", "", JSON_OBJECT, REQ, &src, PLAN, err) == -1
      || plan_get_str (src, "vm", "source", REQ, &s, PLAN, err) == -1
      || plan_get_str (src, "format", "source", REQ, &s, PLAN, err) == -1
      || plan_get_str (src, "path", "source", NUL_OK, &s, PLAN, err) == -1
      || chk_image (plan, err) == -1
      || chk_objects (plan, "components", "", V2C_PLAN_MAX_ITEMS, &a, err)
             == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    e = json_array_get (a, i);
    plan_idx (w, "components", i);
    if (chk_unique_label (a, i, w, &name, err) == -1)
      return -1;
    if (chk_component (e, w, err) == -1)
      return -1;
  }
  /* every depends_on names another component, once */
  for (i = 0; i < json_array_size (a); i++) {
    json_t *deps = json_object_get (json_array_get (a, i), "depends_on");
    const char *self
        = json_string_value (json_object_get (json_array_get (a, i), "name"));
    size_t k, m;
    for (j = 0; j < json_array_size (deps); j++) {
      const char *d = json_string_value (json_array_get (deps, j));
      int known = 0;
      snprintf (w, sizeof w, "components[%zu].depends_on[%zu]", i, j);
      if (strcmp (d, self) == 0)
        return plan_bad (err, PLAN, w, "'%s' is the component itself", d);
      for (k = 0; k < json_array_size (a); k++)
        if (strcmp (d, json_string_value (
                           json_object_get (json_array_get (a, k), "name")))
            == 0)
          known = 1;
      if (!known)
        return plan_bad (err, PLAN, w, "no component is named '%s'", d);
      for (m = 0; m < j; m++)
        if (strcmp (d, json_string_value (json_array_get (deps, m))) == 0)
          return plan_bad (err, PLAN, w, "'%s' is listed twice", d);
    }
  }
  if (plan_get (plan, "vm", "", JSON_OBJECT, REQ, &vm, PLAN, err) == -1
      || chk_int (vm, "cpus", "vm", NUL_OK, 1, 4096, err) == -1
      || chk_int (vm, "memory_mib", "vm", NUL_OK, 1, (json_int_t) 1 << 32, err)
             == -1)
    return -1;
  if (plan_get (plan, "main_component", "", JSON_STRING, NUL_OK, &mainc, PLAN,
                err)
      == -1)
    return -1;
  for (i = 0; mainc && i < json_array_size (a); i++)
    if (strcmp (json_string_value (mainc), json_string_value (json_object_get (
                                               json_array_get (a, i), "name")))
        == 0)
      found = 1;
  if (mainc && !found)
    return plan_bad (err, PLAN, "main_component", "no component is named '%s'",
                     json_string_value (mainc));
  if (chk_objects (plan, "dropped", "", V2C_PLAN_MAX_ITEMS, &a, err) == -1)
    return -1;
  for (i = 0; i < json_array_size (a); i++) {
    e = json_array_get (a, i);
    plan_idx (w, "dropped", i);
    if (plan_get_str (e, "name", w, REQ, &s, PLAN, err) == -1
        || plan_get_str (e, "reason", w, REQ, &s, PLAN, err) == -1)
      return -1;
  }
  return chk_strings (plan, "notes", "", V2C_PLAN_MAX_ITEMS, ANY_STRING, NULL,
                      err);
}
