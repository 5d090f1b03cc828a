/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Any other long-running unit: its ExecStart= runs as it is when the
 * unit keeps its main process in the foreground (Type=simple, exec,
 * notify, idle, dbus); a oneshot unit has nothing to keep running and a
 * forking one (SysV scripts included) daemonizes in a way no generic
 * rule can undo, so both are dropped with the reason.
 *
 * Kind: the generic default (a Deployment, a StatefulSet with a data
 * directory); probes: TCP on its first port.  Report rule
 * unknown-daemon: nobody knows what it does.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "converter-util.h"

static int
detect (const struct v2c_conv_in *in)
{
  return in->src == V2C_CONV_SERVICE;
}

static int
contribute (struct v2c_conv_ctx *ctx, const struct v2c_conv_in *in,
            struct v2c_conv_out *out, struct v2c_err *err)
{
  const char *type = in->type ? in->type : "simple";

  (void) ctx;
  (void) err;
  if (in->kind && strcmp (in->kind, "sysv") == 0) {
    snprintf (out->reason, sizeof out->reason,
              "SysV init script: '%s' starts a daemon in the background "
              "and no converter knows its foreground command",
              in->line);
    return 0;
  }
  if (strcmp (type, "oneshot") == 0) {
    snprintf (out->reason, sizeof out->reason,
              "oneshot unit: it runs once and exits, nothing to keep "
              "running (a Job or an init container if it is needed)");
    return 0;
  }
  if (strcmp (type, "forking") == 0) {
    snprintf (out->reason, sizeof out->reason,
              "forking unit: '%s' daemonizes and no converter knows its "
              "foreground command",
              in->exe);
    return 0;
  }
  out->write_known = 0;
  return 0;
}

/* Nobody knows what the unit does: the report says so. */
static const struct v2c_conv_advice advice = {
  .id = "unknown-daemon",
  .severity = V2C_CONV_LOW,
  .title = "daemons no converter knows",
  .text = "the generic converter copied the unit as it is: check the "
          "command, its state, its logs and its health before trusting the "
          "container",
};

const struct v2c_converter v2c_converter_systemd = {
  .name = "systemd",
  .aliases = NULL,
  .kind = V2C_KIND_AUTO,
  .advice = &advice,
  .detect = detect,
  .contribute = contribute,
};
