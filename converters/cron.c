/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Cron jobs (crontabs, /etc/cron.d, /etc/cron.daily and the like) as
 * CronJobs with the crontab's schedule.  The cron daemon's run-parts
 * of the cron.* directories and anacron are dropped here; the packages'
 * housekeeping (e2scrub, dpkg, apt, man-db, logrotate, php's session
 * cleaner, ...) is dropped by the planner (lib/plan-rules.c).
 *
 * Kind: a CronJob (no probes).  The crontabs are read at inspection by
 * lib/inspect-cron.c.  No report rule of its own.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "converter-util.h"

static int
detect (const struct v2c_conv_in *in)
{
  return in->src == V2C_CONV_CRON;
}

/* Why a job is the cron daemon's own mechanism, or NULL: the lines of
 * /etc/crontab and /etc/anacrontab that run the cron.* directories
 * (whose scripts are listed one by one) and anacron's hourly start.
 * The packages' housekeeping scripts are the planner's to drop
 * (plan_housekeeping), as it alone knows which package ships them. */
static const char *
housekeeping (const struct v2c_conv_in *in)
{
  static const char *const words[] = { "run-parts", "anacron", NULL };
  size_t i;

  for (i = 0; words[i]; i++)
    if (strstr (in->line, words[i]))
      return "OS housekeeping (cron.{hourly,daily,weekly,monthly}, "
             "anacron, e2scrub and the like): the image is rebuilt, not "
             "maintained in place";
  return NULL;
}

/* The component a job's program talks to, by the program's name. */
static const char *
talks_to (const char *exe)
{
  static const struct {
    const char *exe, *conv;
  } t[] = {
    { "vacuumdb", "postgresql" },   { "pg_dump", "postgresql" },
    { "pg_dumpall", "postgresql" }, { "psql", "postgresql" },
    { "reindexdb", "postgresql" },  { "clusterdb", "postgresql" },
    { "mysqldump", "mysql" },       { "mysql", "mysql" },
    { "mariadb-dump", "mysql" },    { "mariadb", "mysql" },
    { "mysqlcheck", "mysql" },      { "mariadb-check", "mysql" },
    { "redis-cli", "redis" },
  };
  size_t i;

  for (i = 0; i < sizeof t / sizeof t[0]; i++)
    if (strcmp (exe, t[i].exe) == 0)
      return t[i].conv;
  return NULL;
}

static int
contribute (struct v2c_conv_ctx *ctx, const struct v2c_conv_in *in,
            struct v2c_conv_out *out, struct v2c_err *err)
{
  char sched[V2C_CRON_MAX];
  const char *schedule, *why, *p;

  why = housekeeping (in);
  if (why) {
    snprintf (out->reason, sizeof out->reason, "%s", why);
    return 0;
  }
  /* in a crontab an unescaped '%' ends the command: the rest is stdin */
  for (p = in->line; *p; p++) {
    if (*p == '\\' && p[1]) {
      p++;
      continue;
    }
    if (*p == '%') {
      snprintf (out->reason, sizeof out->reason,
                "the command feeds standard input with '%%': convert it by "
                "hand");
      return 0;
    }
  }
  schedule = in->cron->schedule;
  if (schedule == NULL
      || v2c_cron_schedule (schedule, sched, sizeof sched, &why) == -1) {
    snprintf (out->reason, sizeof out->reason, "schedule '%.200s': %s",
              schedule ? schedule : "(none)", why);
    return 0;
  }
  if (v2c_conv_set_schedule (out->comp, sched) == -1)
    return v2c_set_error (err, 0, "out of memory");
  out->talks_to = talks_to (in->exe);
  if (out->talks_to && in->argc > 0 && v2c_conv_option (in, "-h") == NULL
      && v2c_conv_option (in, "--host") == NULL)
    v2c_conv_note (ctx,
                   "cron job '%s' runs %s against the local server: in its "
                   "own pod it needs the %s Service's name (-h/--host)",
                   in->name, in->exe, out->talks_to);
  out->write_known = 0;
  return 0;
}

const struct v2c_converter v2c_converter_cron = {
  .name = "cron",
  .aliases = NULL,
  .kind = V2C_KIND_CRONJOB,
  .detect = detect,
  .contribute = contribute,
};
