/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Node.js services (node, nodejs, npm start, pm2-runtime):
 * the unit's command, which already runs in the foreground, with a
 * scratch /tmp.
 */
#include <config.h>

#include <string.h>

#include "converter-util.h"

static int
detect (const struct v2c_conv_in *in)
{
  static const char *const exes[]
      = { "node", "nodejs", "npm", "yarn", "pm2-runtime", NULL };
  size_t i;

  if (in->src != V2C_CONV_SERVICE)
    return 0;
  for (i = 0; exes[i]; i++)
    if (strcmp (in->exe, exes[i]) == 0)
      return 1;
  return 0;
}

static int
contribute (struct v2c_conv_ctx *ctx, const struct v2c_conv_in *in,
            struct v2c_conv_out *out, struct v2c_err *err)
{
  if (v2c_converter_systemd.contribute (ctx, in, out, err) == -1)
    return -1;
  if (out->reason[0])
    return 0;
  return v2c_conv_write_path (out->comp, "/tmp", 1);
}

const struct v2c_converter v2c_converter_node
    = { "node", NULL, detect, contribute };
