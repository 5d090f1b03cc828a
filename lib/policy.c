/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * v2c's policies as ValidatingAdmissionPolicy objects
 * (admissionregistration.k8s.io/v1, Kubernetes 1.30 and later), each
 * rule written twice: as the CEL expression the API server evaluates,
 * and as C that evaluates the same on v2c's own objects before they
 * are deployed.  tests/policy-cel.sh runs the CEL with a CEL evaluator
 * (@bufbuild/cel) on every object v2c wrote and on broken copies, and
 * requires the same verdicts as the C.
 *
 * The workload rules (Deployment, StatefulSet, DaemonSet, Job, CronJob
 * of app.kubernetes.io/managed-by=v2c) see the pod spec as
 * variables.podSpec and every container, init containers included, as
 * variables.containers:
 *   v2c-image-digest      images pinned by digest
 *   v2c-non-root          the pod runs as non-root (runAsNonRoot, no
 *                         container as uid 0) unless v2c recorded why
 *                         not (v2c.io/runs-as-root: the plan's reason;
 *                         v2c.io/seed-archive: the Job that writes a
 *                         volume's data as its owners); init containers
 *                         may run as root (v2c's seed chowns the volume)
 *   v2c-not-privileged    no privileged container
 *   v2c-resources         every container requests CPU and memory and
 *                         limits memory
 *   v2c-image-registry-ENV  (an environment with a registry) images
 *                         from that registry, in its namespaces
 * and for Secrets:
 *   v2c-no-placeholder-secret  no value holds REPLACE_ME (v2c's
 *                         placeholder), outside namespaces labelled
 *                         v2c.io/environment=dev
 */
#include <config.h>

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "policy.h"
#include "v2c-yaml.h"

#define PLACEHOLDER "REPLACE_ME"

static const char *const workload_vars[][2] = {
  { "podSpec", "object.kind == 'CronJob' ? "
               "object.spec.jobTemplate.spec.template.spec : "
               "object.spec.template.spec" },
  { "containers", "variables.podSpec.containers + "
                  "(has(variables.podSpec.initContainers) ? "
                  "variables.podSpec.initContainers : [])" },
  { "exempt", "has(object.metadata.annotations) && "
              "('v2c.io/runs-as-root' in object.metadata.annotations || "
              "'v2c.io/seed-archive' in object.metadata.annotations)" },
};

struct rule {
  const char *name, *summary, *expression, *message;
  int secrets; /* matches Secrets, else workloads */
};

static const struct rule rules[] = {
  { "v2c-image-digest", "every image is pinned by digest",
    "variables.containers.all(c, c.image.matches('@sha256:[0-9a-f]{64}$'))",
    "every image must be pinned by digest (NAME@sha256:...)", 0 },
  { "v2c-non-root",
    "the pod runs as non-root unless v2c recorded why not "
    "(v2c.io/runs-as-root)",
    "variables.exempt || (has(variables.podSpec.securityContext) && "
    "has(variables.podSpec.securityContext.runAsNonRoot) && "
    "variables.podSpec.securityContext.runAsNonRoot == true && "
    "variables.podSpec.containers.all(c, !has(c.securityContext) || "
    "((!has(c.securityContext.runAsNonRoot) || "
    "c.securityContext.runAsNonRoot == true) && "
    "(!has(c.securityContext.runAsUser) || "
    "c.securityContext.runAsUser != 0))))",
    "the pod must run as non-root (runAsNonRoot: true, no container as "
    "uid 0) unless the annotation v2c.io/runs-as-root says why not",
    0 },
  { "v2c-not-privileged", "no privileged container",
    "variables.containers.all(c, !has(c.securityContext) || "
    "!has(c.securityContext.privileged) || "
    "c.securityContext.privileged == false)",
    "no container may be privileged", 0 },
  { "v2c-resources", "every container requests CPU and memory, limits memory",
    "variables.containers.all(c, has(c.resources) && "
    "has(c.resources.requests) && 'cpu' in c.resources.requests && "
    "'memory' in c.resources.requests && has(c.resources.limits) && "
    "'memory' in c.resources.limits)",
    "every container must request CPU and memory and limit memory", 0 },
  { "v2c-no-placeholder-secret",
    "no Secret holds v2c's placeholder REPLACE_ME outside dev",
    "(!has(object.data) || object.data.all(k, "
    "!string(object.data[k]).contains('" PLACEHOLDER "'))) && "
    "(!has(object.stringData) || object.stringData.all(k, "
    "!object.stringData[k].contains('" PLACEHOLDER "')))",
    "the Secret still holds the placeholder " PLACEHOLDER
    ": set the real values before deploying outside dev",
    1 },
};

/* ------------------------------------------------------------------ */
/* The objects                                                         */

static json_t *
resource_rules (int secrets, const json_t *resources)
{
  if (resources) {
    /* an organisation's rule: its resources in whichever group has them */
    return json_pack (
        "[{s:[s],s:[s],s:[s,s],s:O},{s:[s],s:[s],s:[s,s],s:O},"
        "{s:[s],s:[s],s:[s,s],s:O}]",
        "apiGroups", "apps", "apiVersions", "v1", "operations", "CREATE",
        "UPDATE", "resources", resources, "apiGroups", "batch", "apiVersions",
        "v1", "operations", "CREATE", "UPDATE", "resources", resources,
        "apiGroups", "", "apiVersions", "v1", "operations", "CREATE", "UPDATE",
        "resources", resources);
  }
  if (secrets)
    return json_pack ("[{s:[s],s:[s],s:[s,s],s:[s]}]", "apiGroups", "",
                      "apiVersions", "v1", "operations", "CREATE", "UPDATE",
                      "resources", "secrets");
  return json_pack ("[{s:[s],s:[s],s:[s,s],s:[s,s,s]},"
                    "{s:[s],s:[s],s:[s,s],s:[s,s]}]",
                    "apiGroups", "apps", "apiVersions", "v1", "operations",
                    "CREATE", "UPDATE", "resources", "deployments",
                    "statefulsets", "daemonsets", "apiGroups", "batch",
                    "apiVersions", "v1", "operations", "CREATE", "UPDATE",
                    "resources", "jobs", "cronjobs");
}

static json_t *
policy (const char *name, const char *summary, int secrets,
        const json_t *resources, json_t *validations)
{
  json_t *vars = json_array (), *p;
  size_t i;

  for (i = 0; !secrets && vars && i < sizeof workload_vars / sizeof workload_vars[0];
       i++)
    json_array_append_new (vars, json_pack ("{s:s,s:s}", "name",
                                            workload_vars[i][0], "expression",
                                            workload_vars[i][1]));
  p = json_pack ("{s:s,s:s,s:{s:s,s:{s:s}},s:{s:s,s:{s:o},s:o,s:o}}",
                 "apiVersion", "admissionregistration.k8s.io/v1", "kind",
                 "ValidatingAdmissionPolicy", "metadata", "name", name,
                 "annotations", "v2c.io/summary", summary, "spec",
                 "failurePolicy", "Fail", "matchConstraints", "resourceRules",
                 resource_rules (secrets, resources), "variables",
                 vars ? vars : json_array (), "validations", validations);
  return p;
}

/* The binding: v2c's objects (or all, for the organisation's rules),
 * in the namespaces the selector picks (NULL: all). */
static json_t *
binding (const char *name, int v2c_only, json_t *ns_selector)
{
  json_t *match = json_object (), *b;

  if (match == NULL)
    return NULL;
  if (v2c_only)
    json_object_set_new (match, "objectSelector",
                         json_pack ("{s:{s:s}}", "matchLabels",
                                    "app.kubernetes.io/managed-by", "v2c"));
  if (ns_selector)
    json_object_set_new (match, "namespaceSelector", ns_selector);
  b = json_pack ("{s:s,s:s,s:{s:s},s:{s:s,s:[s],s:o}}", "apiVersion",
                 "admissionregistration.k8s.io/v1", "kind",
                 "ValidatingAdmissionPolicyBinding", "metadata", "name", name,
                 "spec", "policyName", name, "validationActions", "Deny",
                 "matchResources", match);
  return b;
}

static int
add2 (json_t *out, json_t *p, json_t *b)
{
  if (p == NULL || b == NULL || json_array_append_new (out, p)) {
    json_decref (b);
    return -1;
  }
  return json_array_append_new (out, b);
}

/* 'a', 'b' as a CEL list literal of strings (registries are checked to
 * hold no quote or backslash). */
static char *
cel_list (const char *s)
{
  size_t len = strlen (s) + 5;
  char *out = malloc (len);

  if (out)
    snprintf (out, len, "['%s']", s);
  return out;
}

json_t *
v2c_policy_objects (const struct v2c_policy_env *envs, size_t nenvs,
                    const json_t *org, struct v2c_err *err)
{
  json_t *out = json_array (), *r;
  size_t i;

  for (i = 0; out && i < sizeof rules / sizeof rules[0]; i++) {
    const struct rule *ru = &rules[i];
    json_t *ns = ru->secrets
                     ? json_pack ("{s:[{s:s,s:s,s:[s]}]}", "matchExpressions",
                                  "key", "v2c.io/environment", "operator",
                                  "NotIn", "values", "dev")
                     : NULL;

    if (add2 (out,
              policy (ru->name, ru->summary, ru->secrets, NULL,
                      json_pack ("[{s:s,s:s}]", "expression", ru->expression,
                                 "message", ru->message)),
              binding (ru->name, 1, ns))
        == -1)
      goto oom;
  }
  for (i = 0; out && i < nenvs; i++) {
    char name[80], *list, *expr;
    size_t len;

    if (envs[i].registry == NULL)
      continue;
    if (strpbrk (envs[i].registry, "'\\\"") != NULL) {
      json_decref (out);
      v2c_set_error (err, EINVAL, "registry '%s': a quote or backslash",
                     envs[i].registry);
      return NULL;
    }
    snprintf (name, sizeof name, "v2c-image-registry-%s", envs[i].name);
    list = cel_list (envs[i].registry);
    len = (list ? strlen (list) : 0) + 128;
    expr = list ? malloc (len) : NULL;
    if (expr)
      snprintf (expr, len,
                "variables.containers.all(c, %s.exists(r, "
                "c.image.startsWith(r + '/')))",
                list);
    free (list);
    if (expr == NULL
        || add2 (out,
                 policy (name, "images come from the environment's registry",
                         0, NULL,
                         json_pack ("[{s:s,s:s+}]", "expression", expr,
                                    "message",
                                    "images must come from the registry of "
                                    "this environment, ",
                                    envs[i].registry)),
                 binding (name, 1,
                          json_pack ("{s:{s:s}}", "matchLabels",
                                     "v2c.io/environment", envs[i].name)))
               == -1) {
      free (expr);
      goto oom;
    }
    free (expr);
  }
  json_array_foreach (json_object_get (org, "rules"), i, r)
  {
    char name[96];
    const json_t *res = json_object_get (r, "resources");
    json_t *defaults = NULL;

    snprintf (name, sizeof name, "v2c-org-%s",
              json_string_value (json_object_get (r, "name")));
    if (res == NULL)
      res = defaults = json_pack ("[s,s,s,s,s]", "deployments", "statefulsets",
                                  "daemonsets", "jobs", "cronjobs");
    if (add2 (out,
              policy (name, json_string_value (json_object_get (r, "message")),
                      0, res,
                      json_pack ("[{s:O,s:O}]", "expression",
                                 json_object_get (r, "expression"), "message",
                                 json_object_get (r, "message"))),
              binding (name, 0, NULL))
        == -1) {
      json_decref (defaults);
      goto oom;
    }
    json_decref (defaults);
  }
  if (out)
    return out;
oom:
  json_decref (out);
  v2c_set_error (err, ENOMEM, "can't build the policies");
  return NULL;
}

/* ------------------------------------------------------------------ */
/* An organisation's rules                                             */

json_t *
v2c_policy_rules_load (const char *buf, size_t len, struct v2c_err *err)
{
  static const char *const known[]
      = { "deployments", "statefulsets", "daemonsets", "jobs", "cronjobs",
          "pods", "services", "secrets", "configmaps",
          "persistentvolumeclaims", "serviceaccounts", NULL };
  json_t *doc = v2c_yaml_load (buf, len, "policy rules", err), *r, *v;
  const json_t *list = json_object_get (doc, "rules");
  size_t i, j, k;

  if (doc == NULL)
    return NULL;
  if (!json_is_array (list) || json_array_size (list) == 0
      || json_array_size (list) > V2C_POLICY_RULES_MAX) {
    v2c_set_error (err, EINVAL,
                   "policy rules: expected 'rules', a list of 1 to %d rules",
                   V2C_POLICY_RULES_MAX);
    goto bad;
  }
  json_array_foreach (list, i, r)
  {
    const char *name = json_string_value (json_object_get (r, "name"));
    const char *expr = json_string_value (json_object_get (r, "expression"));
    const char *msg = json_string_value (json_object_get (r, "message"));
    const char *key;

    if (!json_is_object (r) || name == NULL || strlen (name) > 40
        || !v2c_dns_label_ok (name)) {
      v2c_set_error (err, EINVAL,
                     "policy rules: rules[%zu].name: expected a DNS label of "
                     "at most 40 characters",
                     i);
      goto bad;
    }
    for (j = 0; j < i; j++)
      if (strcmp (json_string_value (json_object_get (
                      json_array_get (list, j), "name")),
                  name)
          == 0) {
        v2c_set_error (err, EINVAL, "policy rules: rule '%s' twice", name);
        goto bad;
      }
    if (expr == NULL || *expr == '\0' || strlen (expr) > V2C_POLICY_EXPR_MAX
        || msg == NULL || *msg == '\0' || strlen (msg) > 1024) {
      v2c_set_error (err, EINVAL,
                     "policy rules: rule '%s': expected an expression (at "
                     "most %d bytes) and a message",
                     name, V2C_POLICY_EXPR_MAX);
      goto bad;
    }
    json_object_foreach (r, key, v)
    {
      if (strcmp (key, "name") && strcmp (key, "expression")
          && strcmp (key, "message") && strcmp (key, "resources")) {
        v2c_set_error (err, EINVAL, "policy rules: rule '%s': unknown '%s'",
                       name, key);
        goto bad;
      }
    }
    v = json_object_get (r, "resources");
    if (v && (!json_is_array (v) || json_array_size (v) == 0)) {
      v2c_set_error (err, EINVAL,
                     "policy rules: rule '%s': resources: expected a list",
                     name);
      goto bad;
    }
    json_array_foreach (v, j, r)
    {
      const char *res = json_string_value (r);

      for (k = 0; res && known[k] && strcmp (known[k], res); k++)
        ;
      if (res == NULL || known[k] == NULL) {
        v2c_set_error (err, EINVAL,
                       "policy rules: rule '%s': resources[%zu]: not one of "
                       "deployments, statefulsets, daemonsets, jobs, "
                       "cronjobs, pods, services, secrets, configmaps, "
                       "persistentvolumeclaims, serviceaccounts",
                       name, j);
        goto bad;
      }
    }
  }
  return doc;
bad:
  json_decref (doc);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* v2c's own evaluation: the CEL above, in C                           */

const json_t *
v2c_policy_pod_spec (const json_t *o)
{
  const char *kind = json_string_value (json_object_get (o, "kind"));
  const json_t *spec = json_object_get (o, "spec");

  if (kind && strcmp (kind, "CronJob") == 0)
    spec = json_object_get (json_object_get (spec, "jobTemplate"), "spec");
  return json_object_get (json_object_get (spec, "template"), "spec");
}

size_t
v2c_policy_local_image (const char *img, char *name, size_t size)
{
  size_t n = img ? strcspn (img, "@:") : 0;

  if (n == 0 || n >= size || memchr (img, '/', n))
    return 0;
  memcpy (name, img, n);
  name[n] = '\0';
  return n;
}

static int
is_workload (const json_t *o)
{
  static const char *const kinds[]
      = { "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", NULL };
  const char *kind = json_string_value (json_object_get (o, "kind"));
  size_t i;

  for (i = 0; kind && kinds[i]; i++)
    if (strcmp (kind, kinds[i]) == 0)
      return 1;
  return 0;
}

/* Each container of the pod (init containers too when all). */
#define FOREACH_CONTAINER(ps, all, i, c)                                     \
  for (int pass_ = 0; pass_ < ((all) ? 2 : 1); pass_++)                      \
    json_array_foreach (json_object_get ((ps), pass_ ? "initContainers"      \
                                                     : "containers"),        \
                        (i), (c))

static int
digest_ok (const char *image)
{
  const char *at = image ? strrchr (image, '@') : NULL;
  size_t i;

  if (at == NULL || strncmp (at, "@sha256:", 8) != 0 || strlen (at + 8) != 64)
    return 0;
  for (i = 8; i < 72; i++)
    if (!((at[i] >= '0' && at[i] <= '9') || (at[i] >= 'a' && at[i] <= 'f')))
      return 0;
  return 1;
}

static int
check_digest (const json_t *ps, const struct v2c_policy_env *env)
{
  const json_t *c;
  size_t i;

  (void) env;
  FOREACH_CONTAINER (ps, 1, i, c)
  {
    if (!digest_ok (json_string_value (json_object_get (c, "image"))))
      return 0;
  }
  return 1;
}

static int
exempt (const json_t *o)
{
  const json_t *a = json_object_get (json_object_get (o, "metadata"),
                                     "annotations");

  return json_object_get (a, "v2c.io/runs-as-root") != NULL
         || json_object_get (a, "v2c.io/seed-archive") != NULL;
}

static int
check_non_root (const json_t *ps, const struct v2c_policy_env *env)
{
  const json_t *sc = json_object_get (ps, "securityContext"), *c;
  size_t i;

  (void) env;
  if (!json_is_true (json_object_get (sc, "runAsNonRoot")))
    return 0;
  FOREACH_CONTAINER (ps, 0, i, c)
  {
    const json_t *csc = json_object_get (c, "securityContext");
    const json_t *nr = json_object_get (csc, "runAsNonRoot");
    const json_t *uid = json_object_get (csc, "runAsUser");

    if ((nr && !json_is_true (nr))
        || (uid && json_is_integer (uid) && json_integer_value (uid) == 0))
      return 0;
  }
  return 1;
}

static int
check_privileged (const json_t *ps, const struct v2c_policy_env *env)
{
  const json_t *c;
  size_t i;

  (void) env;
  FOREACH_CONTAINER (ps, 1, i, c)
  {
    const json_t *p = json_object_get (json_object_get (c, "securityContext"),
                                       "privileged");

    if (p && !json_is_false (p))
      return 0;
  }
  return 1;
}

static int
check_resources (const json_t *ps, const struct v2c_policy_env *env)
{
  const json_t *c;
  size_t i;

  (void) env;
  FOREACH_CONTAINER (ps, 1, i, c)
  {
    const json_t *r = json_object_get (c, "resources");
    const json_t *req = json_object_get (r, "requests");

    if (!json_object_get (req, "cpu") || !json_object_get (req, "memory")
        || !json_object_get (json_object_get (r, "limits"), "memory"))
      return 0;
  }
  return 1;
}

static int
check_registry (const json_t *ps, const struct v2c_policy_env *env)
{
  const json_t *c;
  size_t i, n = strlen (env->registry);

  FOREACH_CONTAINER (ps, 1, i, c)
  {
    const char *img = json_string_value (json_object_get (c, "image"));

    if (img == NULL || strncmp (img, env->registry, n) != 0 || img[n] != '/')
      return 0;
  }
  return 1;
}

/* A Secret's value holds the placeholder: stringData as it is, data
 * after base64. */
static int
secret_ok (const json_t *o)
{
  const json_t *v;
  const char *k;

  json_object_foreach ((json_t *) json_object_get (o, "stringData"), k, v)
  {
    if (json_is_string (v) && strstr (json_string_value (v), PLACEHOLDER))
      return 0;
  }
  json_object_foreach ((json_t *) json_object_get (o, "data"), k, v)
  {
    const char *b = json_string_value (v);
    size_t n = b ? strlen (b) : 0;
    unsigned char *d = n ? malloc (n + 1) : NULL;
    int len = d ? EVP_DecodeBlock (d, (const unsigned char *) b, (int) n) : -1;
    int found = 0;

    if (len > 0) {
      d[len] = '\0';
      found = memmem (d, (size_t) len, PLACEHOLDER, strlen (PLACEHOLDER))
              != NULL;
    }
    free (d);
    if (found)
      return 0;
  }
  return 1;
}

static int
add_violation (json_t *out, const char *policy, const char *message)
{
  return json_array_append_new (out, json_pack ("{s:s,s:s}", "policy", policy,
                                                "message", message));
}

json_t *
v2c_policy_check (const json_t *o, const struct v2c_policy_env *env)
{
  static int (*const checks[]) (const json_t *,
                                const struct v2c_policy_env *)
      = { check_digest, check_non_root, check_privileged, check_resources };
  const char *kind = json_string_value (json_object_get (o, "kind"));
  const json_t *labels = json_object_get (json_object_get (o, "metadata"),
                                          "labels");
  const char *by = json_string_value (
      json_object_get (labels, "app.kubernetes.io/managed-by"));
  json_t *out = json_array ();
  size_t i;

  /* the bindings select v2c's objects only */
  if (out == NULL || by == NULL || strcmp (by, "v2c") != 0)
    return out;
  if (kind && strcmp (kind, "Secret") == 0) {
    if (!(env && env->name && strcmp (env->name, "dev") == 0) && !secret_ok (o)
        && add_violation (out, rules[4].name, rules[4].message))
      goto oom;
    return out;
  }
  if (!is_workload (o))
    return out;
  for (i = 0; i < sizeof checks / sizeof checks[0]; i++) {
    if (i == 1 && exempt (o))
      continue;
    if (!checks[i](v2c_policy_pod_spec (o), env)
        && add_violation (out, rules[i].name, rules[i].message))
      goto oom;
  }
  if (env && env->registry && !check_registry (v2c_policy_pod_spec (o), env)) {
    char name[80];

    snprintf (name, sizeof name, "v2c-image-registry-%s", env->name);
    if (add_violation (out, name,
                       "images must come from the registry of this "
                       "environment"))
      goto oom;
  }
  return out;
oom:
  json_decref (out);
  return NULL;
}

json_t *
v2c_policy_catalogue (void)
{
  json_t *out = json_array ();
  size_t i;

  for (i = 0; out && i < sizeof rules / sizeof rules[0]; i++)
    json_array_append_new (out, json_pack ("{s:s,s:s}", "name", rules[i].name,
                                           "summary", rules[i].summary));
  return out;
}
