/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Java programs run as "java ... -jar FILE" (a Tomcat has its own
 * converter):
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
  size_t i;

  if (in->src != V2C_CONV_SERVICE || strcmp (in->exe, "java") != 0)
    return 0;
  for (i = 1; i < in->argc; i++)
    if (strcmp (in->argv[i], "-jar") == 0)
      return 1;
  return 0;
}

const struct v2c_converter v2c_converter_java = {
  .name = "java",
  .aliases = NULL,
  .kind = V2C_KIND_AUTO,
  .detect = detect,
  .contribute = v2c_conv_runtime_contribute,
};
