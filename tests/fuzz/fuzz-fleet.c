/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target: v2c-batch's state records (v2c_fleet_state_parse),
 * and the same bytes, when they are JSON, as the report, inventory and
 * plan (when they load) and image manifest of a VM of the fleet summary, then written
 * as CSV and HTML.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "fleet.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2c_err err = { 0, "" };
  json_t *state, *doc, *vm, *vms, *fleet;
  struct v2c_inventory *inv = NULL;
  struct v2c_plan *plan = NULL;
  char *text;
  size_t len;

  state = v2c_fleet_state_parse ((const char *) data, size, &err);
  if (size > V2C_FLEET_MAX_STATE_BYTES)
    return 0;
  doc = json_loadb ((const char *) data, size, 0, NULL);
  if (doc) {
    inv = v2c_inventory_load (doc, &err);
    plan = v2c_plan_load (doc, &err);
  }
  if (state == NULL)
    state = json_pack ("{s:s,s:s,s:s,s:f}", "name", "vm", "source", "x.ova",
                       "status", "converted", "duration_s", 1.5);
  vms = json_array ();
  if (state && vms) {
    vm = v2c_fleet_vm (state, inv, plan, doc, doc, &err);
    if (vm)
      json_array_append_new (vms, vm);
    /* twice: the layers are shared */
    vm = v2c_fleet_vm (state, inv, plan, doc, doc, &err);
    if (vm)
      json_array_append_new (vms, vm);
    fleet = v2c_fleet_build (vms, "convert", &err);
    if (fleet) {
      text = v2c_fleet_csv (fleet, &len, &err);
      free (text);
      text = v2c_fleet_html (fleet, &len, &err);
      free (text);
      json_decref (fleet);
    }
  }
  json_decref (vms);
  json_decref (state);
  v2c_inventory_free (inv);
  v2c_plan_free (plan);
  json_decref (doc);
  return 0;
}
