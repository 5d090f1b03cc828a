/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers shared by the converters and the planner (lib/plan*.c):
 * the planner's context and editing a component
 * (converters/converter-util.c), and schedules (converters/calendar.c).
 * Not installed.
 */
#ifndef V2C_CONVERTER_UTIL_H
#define V2C_CONVERTER_UTIL_H

#include "converters.h"

/* Longest cron schedule a plan holds (5 fields). */
#define V2C_CRON_MAX 128

/* ---- the planner's context (converters.h, converter-util.c) ---- */

/* Add a line to the plan's notes. */
void v2c_conv_note (struct v2c_conv_ctx *ctx, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* Set the component's user, uid and gid from the inventory's users
 * (a user it lacks: 65534, with a note).  -1 with err when the
 * inventory's users are malformed. */
int v2c_conv_set_user (struct v2c_conv_ctx *ctx, struct v2c_plan_component *comp,
                       const char *user, struct v2c_err *err);
/* The same with the workload's own user (postgres, mysql, ...), unless
 * the unit names one other than root. */
int v2c_conv_own_user (struct v2c_conv_ctx *ctx, struct v2c_plan_component *comp,
                       const char *user, struct v2c_err *err);

/* ---- the generic defaults (converters/converter-util.c) ---- */

/* The name of a component's kind ("Deployment", ...): V2C_KIND_AUTO,
 * the generic default, is a StatefulSet when one of its volumes is a
 * pvc, else a Deployment. */
const char *v2c_conv_kind_name (enum v2c_conv_kind kind, const struct v2c_plan_component *comp);
/* What the report says of a database server (the postgresql, mysql
 * and redis converters). */
extern const struct v2c_conv_advice v2c_conv_database_advice;
/* ctx->replace_with for a database server: the official image
 * docker.io/library/NAME:VERSION, how its data moves (printf format:
 * "the official ... image with the data moved by ...") and why.  -1 with
 * err when out of memory. */
int v2c_conv_replace_database (struct v2c_conv_ctx *ctx,
                               struct v2c_err *err, const char *name,
                               const char *version, const char *how, ...)
  __attribute__ ((format (printf, 5, 6)));

/* ---- editing a component (converters/converter-util.c); -1 only when out of
 * memory ---- */

/* Lower case, every run of other bytes one '-', at most 63 bytes; the
 * fallback when nothing is left.  unique_label adds "-2", "-3", ...
 * until it is none of names[0..n). */
void v2c_conv_label (const char *in, char *out, size_t outlen,
                     const char *fallback);
void v2c_conv_unique_label (const char *in, const char *fallback,
                            const char **names, size_t n, char out[64]);
/* 1 when path is dir or below it. */
int v2c_conv_path_within (const char *path, const char *dir);
/* When the service listened on loopback only (in->loopback_only):
 * append words to the component's command, and a plan
 * note that says how (its options as the note shows them) and what
 * else the engineer must open (extra, "" for nothing).  -1 when out of
 * memory. */
int v2c_conv_listen_in_pod (struct v2c_conv_ctx *ctx,
                            const struct v2c_conv_in *in,
                            struct v2c_plan_component *comp,
                            const char *const *words, size_t n,
                            const char *how, const char *extra);

/* Room for one more item at the end of a list of the model (struct
 * {T *v; size_t n;}, passed as &list.v and &list.n): the new item,
 * zeroed; NULL when out of memory. */
void *v2c_conv_grow (void *v, size_t *n, size_t size);
/* Replace command[] (args[] becomes empty). */
int v2c_conv_set_command (struct v2c_plan_component *comp, const char *const *words, size_t n);
/* Add a volume (name from the path); a mount path already there is
 * left alone.  size and source_path may be NULL. */
int v2c_conv_add_volume (struct v2c_plan_component *comp, const char *path, const char *kind,
                         const char *size, const char *source_path);
/* The first pvc volume's mount path, or NULL. */
const char *v2c_conv_pvc (const struct v2c_plan_component *comp);
/* A pvc at path becomes an emptyDir (scratch space, not data);
 * 1 when there was one. */
int v2c_conv_pvc_to_scratch (struct v2c_plan_component *comp, const char *path);
/* 1 when a pvc or emptyDir volume holds path. */
int v2c_conv_covered (const struct v2c_plan_component *comp,
                      const char *path);
/* Record a path the program writes; with scratch, an emptyDir covers it
 * when no volume does. */
int v2c_conv_write_path (struct v2c_plan_component *comp, const char *path, int scratch);
int v2c_conv_config_file (struct v2c_plan_component *comp, const char *path);
int v2c_conv_add_port (struct v2c_plan_component *comp, int port, const char *proto,
                       const char *name);
/* How many ports the component has (the unit's and the inventory's). */
size_t v2c_conv_port_count (const struct v2c_plan_component *comp);
/* A CronJob's schedule (5 cron fields). */
int v2c_conv_set_schedule (struct v2c_plan_component *comp, const char *schedule);
/* The value of an environment variable of the component, or NULL; and
 * setting one. */
const char *v2c_conv_env (const struct v2c_plan_component *comp, const char *key);
int v2c_conv_set_env (struct v2c_plan_component *comp, const char *key, const char *value);
int v2c_conv_replace_with (struct v2c_plan_component *comp, const char *image,
                           const char *advice);
/* The value of an option of argv ("-D DIR", "-DDIR" or "--opt=VALUE"
 * for a long one), or NULL. */
const char *v2c_conv_option (const struct v2c_conv_in *in, const char *opt);
/* The upstream version of the first installed package of names, cut
 * to parts dot-separated numbers ("1.22"), in buf; NULL when none. */
const char *v2c_conv_package_version (const struct v2c_inventory *inv,
                                      const char *const *names, int parts,
                                      char *buf, size_t len);
/* 1 when the inventory lists one of the packages. */
int v2c_conv_has_package (const struct v2c_inventory *inv,
                          const char *const *names);
/* Basename of a path. */
const char *v2c_conv_basename (const char *path);
/* A service whose unit (without .service/@instance) is one of bases or
 * whose executable is one of exes (NULL-terminated lists; either may be
 * NULL). */
int v2c_conv_service_named (const struct v2c_conv_in *in,
                            const char *const *bases,
                            const char *const *exes);
/* A language runtime's service (java, node, python): the generic
 * systemd component, plus /tmp as scratch space. */
int v2c_conv_runtime_contribute (struct v2c_conv_ctx *ctx,
                                 const struct v2c_conv_in *in,
                                 struct v2c_conv_out *out,
                                 struct v2c_err *err);

/* ---- schedules (converters/calendar.c) ---- */

/* A crontab schedule ("17 3 * * *", "@daily") as the 5 fields a
 * CronJob takes, into out (V2C_CRON_MAX bytes); -1 with *why when it
 * has none (@reboot) or is malformed. */
int v2c_cron_schedule (const char *in, char *out, size_t outlen,
                       const char **why);
/* A systemd OnCalendar= expression ("daily", "Mon *-*-* 03:10") as a
 * cron schedule; -1 with *why when cron can't express it. */
int v2c_calendar_to_cron (const char *in, char *out, size_t outlen,
                          const char **why);
/* 1 when s is 5 cron fields of digits, names, '*', ',', '-', '/'. */
int v2c_cron_valid (const char *s);

#endif /* V2C_CONVERTER_UTIL_H */
