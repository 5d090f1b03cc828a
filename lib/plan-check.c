/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * v2c_plan_check: a plan read from a file is hostile input (an
 * engineer edits it between v2c-plan and v2c-extract), so every field
 * the later stages read is checked, and the first problem is named by
 * its JSON path.  The checking is the typed plan's loader
 * (lib/model-plan.c); this is what it says of a document.
 */
#include <config.h>

#include "model.h"
#include "plan.h"

int
v2c_plan_check (const json_t *plan, struct v2c_err *err)
{
  struct v2c_plan *p = v2c_plan_load (plan, err);

  if (p == NULL)
    return -1;
  v2c_plan_free (p);
  return 0;
}
