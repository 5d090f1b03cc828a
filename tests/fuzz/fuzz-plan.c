/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for the plan: the bytes as JSON through
 * v2c_plan_load and v2c_plan_image_config; when they are an inventory
 * ("schema": "v2c.inventory/1") that loads, through v2c_plan_build too,
 * whose plan must then write and read back.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "plan.h"

/* The image configuration of a plan that loads, which must not fail
 * (but for out of memory). */
static void
image_config (const json_t *doc)
{
  struct v2c_err err = { 0, "" };
  struct v2c_plan *plan = v2c_plan_load (doc, &err);
  json_t *cfg;

  if (plan == NULL)
    return;
  cfg = v2c_plan_image_config (plan, &err);
  if (cfg == NULL)
    abort ();
  json_decref (cfg);
  v2c_plan_free (plan);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2c_err err = { 0, "" };
  struct v2c_inventory *inv;
  struct v2c_plan *plan;
  json_t *doc, *back;
  const char *schema;

  doc = json_loadb ((const char *) data, size, 0, NULL);
  if (doc == NULL)
    return 0;
  image_config (doc);
  schema = json_string_value (json_object_get (doc, "schema"));
  inv = schema && strcmp (schema, "v2c.inventory/1") == 0
            ? v2c_inventory_load (doc, &err)
            : NULL;
  if (inv) {
    plan = v2c_plan_build (inv, NULL, &err);
    if (plan) {
      /* what the planner writes reads back */
      back = v2c_plan_to_json (plan);
      if (back == NULL || v2c_plan_check (back, &err) != 0)
        abort ();
      image_config (back);
      json_decref (back);
      v2c_plan_free (plan);
    }
    plan = v2c_plan_build (inv, "single", &err);
    v2c_plan_free (plan);
  }
  v2c_inventory_free (inv);
  json_decref (doc);
  return 0;
}
