/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * systemd timers as CronJobs running the service they start, on their
 * OnCalendar= schedule (converters/calendar.c).  Monotonic timers
 * (OnBootSec=, OnUnitActiveSec=) and calendars cron can't express are
 * dropped with the reason; so is a forking service, whose job would
 * end as soon as it daemonizes.
 *
 * Kind: a CronJob (no probes).  Timers are read at inspection by
 * lib/inspect-systemd*.c.  No report rule of its own.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "converter-util.h"

static int
detect (const struct v2c_conv_in *in)
{
  return in->src == V2C_CONV_TIMER;
}

static int
contribute (struct v2c_conv_ctx *ctx, const struct v2c_conv_in *in,
            struct v2c_conv_out *out, struct v2c_err *err)
{
  const struct v2c_strvec *cal = &in->timer->on_calendar;
  char sched[V2C_CRON_MAX] = "", one[V2C_CRON_MAX];
  const char *why, *s;
  size_t i;

  (void) ctx;
  if (in->type && strcmp (in->type, "forking") == 0) {
    snprintf (out->reason, sizeof out->reason,
              "starts '%s', a forking unit: the job would end when it "
              "daemonizes",
              in->unit);
    return 0;
  }
  if (cal->n == 0) {
    snprintf (out->reason, sizeof out->reason,
              "monotonic timer (OnBootSec=, OnUnitActiveSec=): a CronJob "
              "needs a calendar schedule");
    return 0;
  }
  for (i = 0; i < cal->n; i++) {
    s = cal->v[i];
    if (v2c_calendar_to_cron (s, one, sizeof one, &why) == -1) {
      snprintf (out->reason, sizeof out->reason, "OnCalendar=%.200s: %s", s,
                why);
      return 0;
    }
    if (sched[0] && strcmp (sched, one) != 0) {
      snprintf (out->reason, sizeof out->reason,
                "several OnCalendar= schedules: a CronJob has one");
      return 0;
    }
    memcpy (sched, one, sizeof sched);
  }
  if (v2c_conv_set_schedule (out->comp, sched) == -1)
    return v2c_set_error (err, 0, "out of memory");
  out->write_known = 0;
  return 0;
}

const struct v2c_converter v2c_converter_timer = {
  .name = "timer",
  .aliases = NULL,
  .kind = V2C_KIND_CRONJOB,
  .detect = detect,
  .contribute = contribute,
};
