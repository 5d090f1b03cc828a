/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Python services (python3 -m ..., gunicorn, uwsgi, uvicorn, celery):
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
      = { "gunicorn", "gunicorn3", "uwsgi",          "uvicorn", "celery",
          "daphne",   "hypercorn", "waitress-serve", NULL };

  if (in->src == V2C_CONV_SERVICE && strncmp (in->exe, "python", 6) == 0)
    return 1;
  return v2c_conv_service_named (in, NULL, exes);
}

const struct v2c_converter v2c_converter_python = {
  .name = "python",
  .aliases = NULL,
  .kind = V2C_KIND_AUTO,
  .detect = detect,
  .contribute = v2c_conv_runtime_contribute,
};
