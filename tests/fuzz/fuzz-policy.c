/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target of lib/policy.c: the input is an organisation's rules
 * file (--policy-rules, read from the user's disk) and, the same bytes
 * as YAML, a Kubernetes object v2c checks (its own output, read back
 * from DIR).  What loads becomes policies (every expression and name
 * as given, each rule one policy); every check returns a list whose
 * entries name a policy.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "v2c-yaml.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2c_err err = { 0, "" };
  struct v2c_policy_env envs[2] = { { "dev", NULL },
                                    { "prod", "registry.example.org/x" } };
  json_t *rules, *objs, *o, *v, *x;
  size_t i, j;

  if (size > 65536)
    return 0;
  rules = v2c_policy_rules_load ((const char *) data, size, &err);
  if (rules) {
    objs = v2c_policy_objects (envs, 2, rules, &err);
    if (objs == NULL
        || json_array_size (objs)
               != 2 * (6 + json_array_size (json_object_get (rules, "rules"))))
      abort ();
    json_decref (objs);
    json_decref (rules);
  }
  o = v2c_yaml_load ((const char *) data, size, "fuzz", &err);
  for (i = 0; o && i < 3; i++) {
    v = v2c_policy_check (o, i < 2 ? &envs[i] : NULL);
    if (v == NULL)
      abort ();
    json_array_foreach (v, j, x)
    {
      if (!json_is_string (json_object_get (x, "policy")))
        abort ();
    }
    json_decref (v);
  }
  json_decref (o);
  return 0;
}
