/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The planner's insides, shared by its files:
 *
 *   lib/plan-build.c    the driver: v2c_plan_build walks the loaded
 *                       inventory's (lib/model.h) services, timers and
 *                       cron jobs and builds the plan's structs; the
 *                       model's loader checks the plan at the end
 *   lib/plan-ctx.c      the build's state: the converters' context,
 *                       notes, users, data directories, secret files
 *   lib/plan-service.c  the generic component of a service or cron job
 *                       (user, environment, files, ports, volumes)
 *   lib/plan-link.c     finishing components and tying them together
 *                       (the kinds and probes their converters state,
 *                       resources, depends_on, main)
 *   lib/plan-rules.c    the fixed rules: plumbing services to drop,
 *                       image layers and excludes, architectures, ports
 *   lib/plan-check.c    v2c_plan_check, the validator
 *   lib/plan-image.c    the OCI image configuration of a plan
 *   lib/plan-json.c     errors that name the JSON path, paths, patterns
 *
 * plan.h is the public face.  Not installed.
 */
#ifndef V2C_PLAN_PRIVATE_H
#define V2C_PLAN_PRIVATE_H

#include <jansson.h>

#include "converters.h"
#include "plan.h"
#include "systemd-exec.h"

/* Longest command line or environment value taken from an inventory. */
#define MAX_LINE (64u << 10)
/* The documents an error names. */
#define INV "inventory"
#define PLAN "plan"

/* ---- paths (lib/plan-json.c; errors: v2c_model_bad in lib/model.h) ---- */

int plan_cmp_str (const void *a, const void *b);
/* 1 when path is strictly below dir (never below "/"). */
int plan_is_under (const char *path, const char *dir);

/* ---- the build's state (lib/plan-ctx.c) ---- */

/* A data directory of the inventory, merged by path. */
struct ddir {
  const char *path, *service, *evidence;
  json_int_t used;
  int has_used;
};

/* What the converter of a component said of it through the context:
 * its kind, and its probes (struct v2c_conv_ctx). */
struct conv_said {
  struct v2c_plan_component *comp; /* the component being converted */
  enum v2c_conv_kind kind;
  const char *http_path;
  int http_port, initial_delay;
};

/* A component being built, and what its converter said of it. */
struct comp {
  struct v2c_plan_component *model;
  const char *name;    /* in model */
  char *exe;           /* command[0] as the unit or crontab wrote it */
  const char *workdir; /* in model, or NULL */
  char *unit;          /* its service, or NULL (cron) */
  char *unit_base;     /* the service without .service and @instance */
  const struct v2c_inv_service *svc; /* the inventory's, or NULL */
  const struct v2c_inv_cron *cron;   /* the inventory's, or NULL */
  char where[V2C_MODEL_WHERE];   /* its JSON path */
  const struct v2c_converter *conv;
  const char *talks_to;
  int has_ports, cronjob, write_known, weight;
  struct conv_said said;
};

/* The state of a build; conv is what converters get of it. */
struct plan_ctx {
  struct v2c_conv_ctx conv;
  const struct v2c_inventory *model; /* the inventory, loaded */
  struct v2c_err *err;
  struct v2c_strvec notes; /* the plan's, until it is assembled */
  int oom;
  const char **secret_paths; /* distinct, sorted (strcmp) */
  const struct v2c_inv_secret **secret_recs; /* of each secret_paths[i] */
  size_t nsecret;
  struct ddir *dd; /* inventory.data_dirs, merged, sorted by path */
  size_t ndd;
  const char **names; /* of the components so far */
  size_t nnames;
  struct conv_said said; /* of the component being converted */
};

/* A copy of s, or NULL for NULL; c->oom when out of memory. */
char *plan_dup (struct plan_ctx *c, const char *s);
/* v += a copy of s; c->oom when out of memory. */
void plan_push (struct plan_ctx *c, struct v2c_strvec *v, const char *s);
/* Add a line to the plan's notes. */
void plan_note (struct plan_ctx *c, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
/* 1 when the inventory lists path as a secret file. */
int plan_is_secret_path (struct plan_ctx *c, const char *path);
/* A build's state, empty, with the converters' context wired to it. */
void plan_ctx_init (struct plan_ctx *c, const struct v2c_inventory *inv,
                    struct v2c_err *err);
/* uid (or gid, idkey) of a user or group name (or number) of the
 * inventory's list ("users", "groups"), with the user's gid and home
 * when asked; *found 0 when it has none. */
int plan_lookup_id (struct plan_ctx *c, const char *list, const char *name,
                    const char *idkey, json_int_t *id, json_int_t *gid,
                    const char **home, int *found);
/* inventory.data_dirs[], checked, merged by path and sorted. */
int plan_read_data_dirs (struct plan_ctx *c, struct ddir **out, size_t *nout);
/* image.secret_files and plan.secrets from inventory.secrets[]; also
 * fills c->secret_paths.  -1 with c->err on failure. */
int plan_secret_files (struct plan_ctx *c, struct v2c_plan *plan);
/* The inventory's first finding of a secret file (mode, owner), or
 * NULL when path is not one. */
const struct v2c_inv_secret *plan_secret_record (struct plan_ctx *c,
                                                 const char *path);

/* ---- components (lib/plan-service.c) ---- */

/* The secret files a component needs besides its environment files:
 * named by its command line, under /etc/<base>/, or owned by its user. */
/* o->groups: the user's supplementary groups on the VM (none for root). */
void plan_user_groups (struct plan_ctx *c, struct v2c_plan_component *o);
void plan_claim_secrets (struct plan_ctx *c, struct v2c_plan_component *o,
                         const char *line, const char *base);

/* A component's source {kind, file, line} (a NULL file: null, a line
 * <= 0: null).  -1 when out of memory. */
int plan_set_source (struct v2c_plan_component *k, const char *kind,
                     const char *file, json_int_t line);
/* Free a component the planner built, and what it holds. */
void plan_component_free (struct v2c_plan_component *k);
/* ExecStart= split, with the specifiers resolved, into words.  NULL
 * on success, else the reason the service is dropped (maybe in
 * reasonbuf). */
const char *plan_unit_words (const char *exec, const char *unit,
                             const char *instance,
                             struct v2c_exec_words *words, char *reasonbuf,
                             size_t reasonlen);
/* The component of a service (for itself or for a timer that starts
 * it), with what every workload has; the converter finishes it.
 * *reason when it can't be one.  -1 with c->err on failure. */
int plan_service_component (struct plan_ctx *c, const char *w,
                            const struct v2c_conv_in *in,
                            struct v2c_exec_words *words,
                            const struct v2c_converter *conv,
                            struct v2c_plan_component **outp,
                            const char **reason);
/* Does the service listen on loopback addresses only, as the
 * inventory's ports[] say (entries of its unit, base name or aliases)?
 * What the planner tells converters as in->loopback_only. */
int plan_loopback_only (const struct v2c_conv_in *in,
                        const char *const *aliases);
/* The component of a cron entry; the cron converter finishes it. */
int plan_cron_component (struct plan_ctx *c, const struct v2c_conv_in *in,
                         const char *stem, struct v2c_plan_component **outp);

/* ---- finishing and linking (lib/plan-link.c) ---- */

/* Kind, port names, file volumes, probes, read_only_root, run_as_root. */
void plan_finish_component (struct plan_ctx *c, struct comp *k,
                            struct v2c_plan_component *o);
/* The VM's CPU and memory shared among the components; the plan's vm
 * into plan. */
int plan_share_resources (struct plan_ctx *c, struct comp *cv, size_t nc,
                          struct v2c_plan *plan);
/* depends_on of every component. */
int plan_link_components (struct plan_ctx *c, struct comp *cv, size_t nc);
/* A cron job that names the data directory of a Deployment's or
 * StatefulSet's pvc mounts that claim too (a "shared" volume).  -1 with
 * c->err when out of memory. */
int plan_share_claims (struct plan_ctx *c, struct comp *cv, size_t nc);
/* The index of the main component, or -1. */
long plan_main_component (const struct comp *cv, size_t n);

/* ---- fixed rules (lib/plan-rules.c) ---- */

/* The Go architecture (and variant) of a kernel's, or NULL. */
const char *plan_goarch (const char *arch, const char **variant);
/* An image layer {name, includes, excludes: []} added to image.  -1
 * when out of memory. */
int plan_layer (struct v2c_plan_image *image, const char *name,
                const char *const *inc, size_t ninc);
/* image.excludes: what no image takes from a VM.  -1 when out of
 * memory. */
int plan_default_excludes (struct v2c_plan_image *image);
/* Why a service (its base name) is the machine's plumbing, or NULL. */
const char *plan_plumbing_reason (const char *base);
/* A package's housekeeping job: what it does and why the platform
 * makes it needless. */
struct plan_housekeeping {
  const char *what, *why;
};
/* The housekeeping job a package installs as path (a crontab of
 * /etc/cron.d, a script of /etc/cron.daily & co), or NULL. */
const struct plan_housekeeping *plan_housekeeping (const char *path);
/* The IANA name of a port, or NULL. */
const char *plan_well_known_port (json_int_t port, const char *proto);

#endif /* V2C_PLAN_PRIVATE_H */
