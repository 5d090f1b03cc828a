/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * lib/kube.c: every object built from the plan fixtures of
 * tests/data/manifest, written as YAML, parses back (libyaml) to the
 * same tree; the template merge rules; refusals of hostile plans; the
 * names v2c_kube_check_name accepts.
 * (kubectl and kubernetes-models check the objects themselves in
 * tests/manifest-*.sh.)
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "kube.h"
#include "v2c-yaml.h"
#include "unit.h"

/* The objects of a plan document: loaded (as the tools do), then
 * built. */
static json_t *
build (const json_t *doc, struct v2c_err *err)
{
  struct v2c_plan *plan = v2c_plan_load (doc, err);
  json_t *objs = plan ? v2c_kube_build (plan, NULL, err) : NULL;

  v2c_plan_free (plan);
  return objs;
}

static size_t
round_trip (const char *path)
{
  struct v2c_err err = { 0, "" };
  json_t *plan = json_load_file (path, JSON_REJECT_DUPLICATES, NULL);
  json_t *objs, *item, *kust;
  size_t i, n = 0;

  CHECK (plan != NULL, "can't read '%s'", path);
  if (plan == NULL)
    return 0;
  objs = build (plan, &err);
  CHECK (objs != NULL && json_array_size (objs) > 0, "%s: %s", path, err.msg);
  kust = objs ? v2c_kube_kustomization (objs, "ns") : NULL;
  if (kust)
    json_array_append_new (objs, json_pack ("{s:s, s:s, s:O}", "file",
                                            "kustomization.yaml", "comment",
                                            "a comment", "object", kust));
  json_decref (kust);
  json_array_foreach (objs, i, item)
  {
    const json_t *obj = json_object_get (item, "object");
    const char *comment
        = json_string_value (json_object_get (item, "comment"));
    size_t len;
    char *y = v2c_yaml_dump (obj, comment, &len, &err);
    json_t *back;

    CHECK (y != NULL, "%s: %s", path, err.msg);
    if (y == NULL)
      continue;
    back = v2c_yaml_load (y, len, "generated", &err);
    CHECK (back && json_equal (back, obj), "%s: %s reads back differently: %s",
           path, json_string_value (json_object_get (item, "file")),
           back ? y : err.msg);
    json_decref (back);
    free (y);
    n++;
  }
  json_decref (objs);
  json_decref (plan);
  return n;
}

static void
check_merge (void)
{
  struct v2c_err err = { 0, "" };
  json_t *dst = json_loads (
      "{\"a\": {\"b\": 1, \"c\": [\"x\", \"y\"], \"d\": [{\"n\": 1}]},"
      " \"e\": \"keep\", \"f\": 2, \"g\": [1]}",
      0, NULL);
  json_t *ov = json_loads (
      "{\"a\": {\"c\": [\"y\", \"z\"], \"d\": [{\"n\": 2}], \"new\": true},"
      " \"f\": null, \"g\": {\"now\": \"object\"}, \"h\": [1, 1]}",
      0, NULL);
  json_t *want = json_loads (
      "{\"a\": {\"b\": 1, \"c\": [\"x\", \"y\", \"z\"], \"d\": [{\"n\": 2}],"
      " \"new\": true}, \"e\": \"keep\", \"g\": {\"now\": \"object\"},"
      " \"h\": [1, 1]}",
      0, NULL);

  CHECK (v2c_kube_merge (dst, ov, &err) == 0, "merge: %s", err.msg);
  CHECK (json_equal (dst, want), "merge gave %s",
         json_dumps (dst, JSON_COMPACT | JSON_SORT_KEYS));
  CHECK (v2c_kube_merge (dst, json_array_get (json_object_get (dst, "h"), 0),
                         &err)
             == -1,
         "merging a scalar into an object was accepted");
  json_decref (dst);
  json_decref (ov);
  json_decref (want);
}

static void
check_refused (const char *dir, const char *edit_key, json_t *value,
               const char *want)
{
  struct v2c_err err = { 0, "" };
  char path[4096];
  json_t *plan, *objs;

  snprintf (path, sizeof path, "%s/tests/data/manifest/debian-plan.json", dir);
  plan = json_load_file (path, 0, NULL);
  if (plan == NULL) {
    json_decref (value);
    CHECK (0, "can't read '%s'", path);
    return;
  }
  json_object_set_new (
      json_array_get (json_object_get (plan, "components"), 4), edit_key,
      value);
  objs = build (plan, &err);
  CHECK (objs == NULL && strstr (err.msg, want) != NULL,
         "%s: expected '%s', got '%s'", edit_key, want,
         objs ? "objects" : err.msg);
  json_decref (objs);
  json_decref (plan);
}

/* v2c_kube_check_name: what Kubernetes and image references allow. */
static void
check_names (void)
{
  static const struct {
    enum v2c_kube_name_kind kind;
    const char *value;
    int ok;
  } t[] = {
    { V2C_KUBE_LABEL, "shop", 1 },
    { V2C_KUBE_LABEL, "web-3fa9c1", 1 },
    { V2C_KUBE_LABEL, "0a", 1 },
    { V2C_KUBE_LABEL, "Evil NS: {x}", 0 },
    { V2C_KUBE_LABEL, "Bad_NS", 0 },
    { V2C_KUBE_LABEL, "-a", 0 },
    { V2C_KUBE_LABEL, "a-", 0 },
    { V2C_KUBE_LABEL, "a.b", 0 },
    { V2C_KUBE_LABEL, "", 0 },
    { V2C_KUBE_LABEL, NULL, 0 },
    { V2C_KUBE_LABEL,
      "a234567890123456789012345678901234567890123456789012345678901234", 0 },
    { V2C_KUBE_LABEL,
      "a23456789012345678901234567890123456789012345678901234567890123", 1 },
    { V2C_KUBE_SUBDOMAIN, "v2c-exports", 1 },
    { V2C_KUBE_SUBDOMAIN, "exports.v1", 1 },
    { V2C_KUBE_SUBDOMAIN, "exports..v1", 0 },
    { V2C_KUBE_SUBDOMAIN, ".x", 0 },
    { V2C_KUBE_SUBDOMAIN, "Exports", 0 },
    { V2C_KUBE_SUBDOMAIN, "Evil NS: {x}", 0 },
    { V2C_KUBE_IMAGE, "v2c:0.1", 1 },
    { V2C_KUBE_IMAGE, "registry.example/v2c:test", 1 },
    { V2C_KUBE_IMAGE, "registry.example:5000/team/v2c_x__y.z-w:1.0", 1 },
    { V2C_KUBE_IMAGE, "localhost/v2c", 1 },
    { V2C_KUBE_IMAGE,
      "quay.io/a/b@sha256:"
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 1 },
    { V2C_KUBE_IMAGE, "Evil NS: {x}", 0 },
    { V2C_KUBE_IMAGE, "UPPER/v2c", 0 },
    { V2C_KUBE_IMAGE, "v2c:", 0 },
    { V2C_KUBE_IMAGE, "v2c:-x", 0 },
    { V2C_KUBE_IMAGE, "a//b", 0 },
    { V2C_KUBE_IMAGE, "a/b@sha256:0123", 0 },
    { V2C_KUBE_IMAGE, "a_/b", 0 },
    { V2C_KUBE_IMAGE, "a-.b", 0 },
    { V2C_KUBE_IMAGE, "-h.example/b", 0 },
    { V2C_KUBE_IMAGE, "h.example:x/b", 0 },
    { V2C_KUBE_IMAGE, "", 0 },
    { V2C_KUBE_REGISTRY, "registry.example/team", 1 },
    { V2C_KUBE_REGISTRY, "reg example", 0 },
    { V2C_KUBE_REGISTRY, "reg//x", 0 },
  };
  size_t i;

  for (i = 0; i < sizeof t / sizeof t[0]; i++) {
    struct v2c_err err = { 0, "" };
    int r = v2c_kube_check_name (t[i].kind, t[i].value, &err);

    CHECK ((r == 0) == t[i].ok
               && (r == 0 ? err.msg[0] == '\0'
                          : strstr (err.msg, " is not ") != NULL),
           "kind %d '%s': %d '%s'", (int) t[i].kind,
           t[i].value ? t[i].value : "(null)", r, err.msg);
  }
}

int
main (void)
{
  const char *top = getenv ("top_srcdir");
  static const char *const fixtures[]
      = { "debian-plan.json", "edge-plan.json", NULL };
  char path[4096];
  size_t i, n = 0;

  if (top == NULL)
    top = SRCDIR_FALLBACK;
  for (i = 0; fixtures[i]; i++) {
    snprintf (path, sizeof path, "%s/tests/data/manifest/%s", top,
              fixtures[i]);
    n += round_trip (path);
  }
  CHECK (n > 40, "only %zu objects", n);
  check_merge ();
  check_names ();
  check_refused (top, "ports",
                 json_pack ("[{s:i, s:s}]", "port", 70000, "protocol", "tcp"),
                 "components[4].ports[0]");
  check_refused (top, "run_as_root", json_string ("no"),
                 "components[4].run_as_root");
  check_refused (
      top, "volumes",
      json_pack ("[{s:s, s:s, s:s, s:n, s:n}, {s:s, s:s, s:s, s:n, s:n}]",
                 "name", "a", "mount_path", "/x", "kind", "emptyDir", "size",
                 "source_path", "name", "b", "mount_path", "/x", "kind",
                 "emptyDir", "size", "source_path"),
      "'/x' is mounted twice");
  check_refused (top, "env", json_pack ("{s:s}", "A=B", "x"),
                 "'A=B' is not a variable name");
  check_refused (top, "probes",
                 json_pack ("{s:{s:{s:s, s:i}, s:i, s:i}}", "liveness",
                            "httpGet", "path", "relative", "port", 9090,
                            "initialDelaySeconds", 1, "periodSeconds", 1),
                 "httpGet.path");
  if (failures) {
    fprintf (stderr, "%d failures\n", failures);
    return 1;
  }
  printf ("ok: %zu objects read back to the same tree; merge rules; "
          "refusals\n",
          n);
  return 0;
}
