/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Node.js services (node, nodejs, npm start, pm2-runtime):
 * the unit's command, which already runs in the foreground, with a
 * scratch /tmp.
 *
 * Kind: the generic default (a Deployment, a StatefulSet with a data
 * directory); probes: TCP on its first port.  No report rule of its own.
 */
#include <config.h>

#include <string.h>

#include "converter-util.h"

static int
detect (const struct v2c_conv_in *in)
{
  static const char *const exes[]
      = { "node", "nodejs", "npm", "yarn", "pm2-runtime", NULL };

  return v2c_conv_service_named (in, NULL, exes);
}

const struct v2c_converter v2c_converter_node = {
  .name = "node",
  .aliases = NULL,
  .kind = V2C_KIND_AUTO,
  .detect = detect,
  .contribute = v2c_conv_runtime_contribute,
};
