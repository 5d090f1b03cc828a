/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Policy as code (lib/policy.c): what v2c promises of the objects it
 * writes, as Kubernetes ValidatingAdmissionPolicy objects (CEL) with
 * their bindings, and the same rules evaluated by v2c itself on its
 * objects before they are deployed.  Not installed.
 */
#ifndef V2C_POLICY_H
#define V2C_POLICY_H

#include <jansson.h>
#include <stddef.h>

#include "v2c-internal.h"

#define V2C_POLICY_REPORT_SCHEMA "v2c.policy-report/1"
/* Limits of an organisation's rules file (--policy-rules). */
#define V2C_POLICY_RULES_MAX 100
#define V2C_POLICY_EXPR_MAX 4096

/* An environment's registry: its images must come from there. */
struct v2c_policy_env {
  const char *name;     /* the v2c.io/environment label; "dev" is exempt
                         * from the placeholder rule */
  const char *registry; /* NULL: any registry */
};

/* The policies and their bindings: an array of objects, in a stable
 * order.  envs[0..nenvs) are the environments (their registries give
 * a registry policy each); rules is the organisation's rules (from
 * v2c_policy_rules_load; may be NULL).  New reference; NULL with err. */
json_t *v2c_policy_objects (const struct v2c_policy_env *envs, size_t nenvs,
                            const json_t *rules, struct v2c_err *err);

/* Load an organisation's rules (YAML or JSON): {rules: [{name (a DNS
 * label), expression (CEL, at most V2C_POLICY_EXPR_MAX bytes), message,
 * resources (optional list of plural resource names of apps/v1,
 * batch/v1 or v1)}]}, at most V2C_POLICY_RULES_MAX.  The expression is
 * shipped as it is (the API server compiles it).  New reference; NULL
 * with err set naming the problem. */
json_t *v2c_policy_rules_load (const char *buf, size_t len,
                               struct v2c_err *err);

/* The built-in policies an object of environment env (NULL: none)
 * breaks, as v2c's own evaluation of their CEL expressions: an array of
 * {policy, message}, empty when it breaks none.  New reference; NULL
 * on out of memory. */
json_t *v2c_policy_check (const json_t *object, const struct v2c_policy_env *env);

/* The pod spec of a workload object (of a CronJob: its job
 * template's), or NULL. */
const json_t *v2c_policy_pod_spec (const json_t *object);

/* An image named without a registry (v2c's VM and VM-data images,
 * which an environment's overlay renames into its registry): its name,
 * before any tag or digest, into name[size], and the name's length; 0
 * when img names a registry, is empty or its name does not fit. */
size_t v2c_policy_local_image (const char *img, char *name, size_t size);

/* The names and summaries of the built-in policies, for reports. */
json_t *v2c_policy_catalogue (void);

#endif /* V2C_POLICY_H */
