/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Converters: one per workload kind (nginx, postgresql, cron jobs, ...).
 * lib/plan-build.c walks the inventory's services, timers and cron entries;
 * for each it asks the registry (converters/registry.c, one table in
 * priority order) which converter owns it, builds a component with what
 * every workload has (user, environment, ports, data directories) and
 * lets the converter finish it: a command that runs in the foreground,
 * volumes for the paths it writes, its workload kind, probes, a
 * maintained image to use instead; the report asks the converter for
 * its advice (lib/report-rules.c).  A converter may instead drop the
 * item, with a reason.  HACKING.md says how to add one.  Not installed.
 */
#ifndef V2C_CONVERTERS_H
#define V2C_CONVERTERS_H

#include <stddef.h>

#include "model.h"
#include "v2c-internal.h"

/* What the item is. */
enum v2c_conv_src {
  V2C_CONV_SERVICE, /* inventory.services[] */
  V2C_CONV_TIMER,   /* inventory.timers[] (with the service it starts) */
  V2C_CONV_CRON,    /* inventory.cron[] */
};

/* Seconds before the first probe of a component, unless its converter
 * says otherwise (readiness: half of it). */
#define V2C_CONV_PROBE_DELAY 10

/* The workload kind of a component. */
enum v2c_conv_kind {
  /* the generic default: a StatefulSet when one of its volumes is a
   * pvc (a data directory of the VM), else a Deployment */
  V2C_KIND_AUTO = 0,
  V2C_KIND_DEPLOYMENT,
  V2C_KIND_STATEFULSET,
  V2C_KIND_CRONJOB,
};

/* What the planner lends a converter, as functions on its own data:
 * a converter includes this header and converter-util.h, never the
 * planner's (dependencies run one way: plan -> converter API).  The
 * set_, add_ and replace_ functions act on the component being
 * converted; note and set_user are called through v2c_conv_note and
 * v2c_conv_set_user. */
struct v2c_conv_ctx {
  void *data; /* the planner's build state */
  /* Add a line to the plan's notes. */
  void (*note) (void *data, const char *msg);
  /* Set comp's user, uid and gid from the inventory's users; -1 with
   * err on failure. */
  int (*set_user) (void *data, struct v2c_plan_component *comp, const char *user,
                   struct v2c_err *err);
  /* The component's kind, instead of its converter's. */
  void (*set_kind) (struct v2c_conv_ctx *ctx, enum v2c_conv_kind kind);
  /* Add a volume ("pvc", "emptyDir", "configMap", "secret") at path; a
   * mount path already there is left alone.  size and source_path may
   * be NULL.  -1 when out of memory. */
  int (*add_volume) (struct v2c_conv_ctx *ctx, const char *path,
                     const char *kind, const char *size,
                     const char *source_path);
  /* Its liveness and readiness probes: an httpGet of http_path, or a
   * TCP connection when it is NULL; on port (0: its first TCP port),
   * after delay seconds (0: V2C_CONV_PROBE_DELAY).  Without a call:
   * TCP on its first TCP port. */
  void (*set_probe) (struct v2c_conv_ctx *ctx, const char *http_path, int port,
                     int delay);
  /* A maintained image that does its job, and why.  -1 when out of
   * memory. */
  int (*replace_with) (struct v2c_conv_ctx *ctx, const char *image,
                       const char *advice);
};

/* One item as a converter sees it, from the loaded inventory
 * (lib/model.h).  Strings point into the inventory or into the
 * planner's buffers and live as long as the call. */
struct v2c_conv_in {
  enum v2c_conv_src src;
  const struct v2c_inventory *inv;
  const struct v2c_inv_service *service; /* SERVICE, TIMER, else NULL */
  const struct v2c_inv_timer *timer;     /* TIMER only */
  const struct v2c_inv_cron *cron;       /* CRON only */
  const char *name;      /* unit, timer or cron entry ("file:line") */
  const char *unit;      /* the service's unit name, or NULL */
  const char *base;      /* unit without ".service" and "@instance" */
  const char *instance;  /* template instance, or NULL */
  const char *kind;      /* "systemd" or "sysv" (services), else NULL */
  const char *type;      /* Type= ("simple", "forking", ...) or NULL */
  const char *line;      /* ExecStart= or the cron command */
  char **argv;           /* line split (specifiers resolved), or NULL */
  size_t argc;           /*   when a cron command needs a shell: 0 */
  const char *exe;       /* basename of argv[0], or "" */
  int loopback_only;     /* SERVICE, TIMER: every address the inventory
                            has it listening on is a loopback one */
};

/* What a converter adds beside the component itself. */
struct v2c_conv_out {
  struct v2c_plan_component *comp; /* the component, filled in by the
                                     planner */
  char reason[512];     /* non-empty: the item is dropped, for this */
  const char *talks_to; /* converter of a component this one uses */
  int write_known;      /* write_paths lists all the program writes */
  int weight;           /* share of the VM's CPU and memory: 1 or 2 */
};

/* How the report rates a component (lib/report-rules.c): the fitness
 * rule its converter adds.  The components of all converters with
 * advice of the same id make one rule. */
enum v2c_conv_severity {
  V2C_CONV_INFO = 0,
  V2C_CONV_LOW,
  V2C_CONV_MEDIUM,
  V2C_CONV_HIGH,
  V2C_CONV_BLOCKER,
};

struct v2c_conv_advice {
  const char *id; /* the rule's id ("database-in-container") */
  enum v2c_conv_severity severity;
  const char *title;
  const char *text;
  /* the evidence of a component: "NAME (why)", or with why NULL
   * "NAME (converter CONVERTER)" when with_converter, else "NAME" */
  const char *why;
  int with_converter;
  /* the advice says how its data moves: the generic advice on a
   * StatefulSet's persistent volume (v2c_conv_stateful_advice) is left
   * out */
  int moves_state;
};

/* What a converter does beside contribute (flags). */
enum {
  /* it speaks HTTP: its TCP ports without a well-known name are named
   * "http" */
  V2C_CONV_HTTP = 1,
  /* it forwards requests to the inventory's proxy_targets: it depends
   * on the components that listen there */
  V2C_CONV_PROXY = 2,
  /* it makes a server that listened on loopback only (in->loopback_only)
   * listen on the pod's addresses, and says so: the planner does not
   * ask the engineer to */
  V2C_CONV_LISTEN_ANY = 4,
};

struct v2c_converter {
  const char *name;
  /* Other names the inventory uses for this workload's ports and data
   * directories ("redis" for redis-server.service), NULL-terminated. */
  const char *const *aliases;
  /* The kind of its components (contribute may change it with
   * ctx->set_kind). */
  enum v2c_conv_kind kind;
  unsigned flags; /* V2C_CONV_HTTP, V2C_CONV_PROXY, V2C_CONV_LISTEN_ANY */
  /* What the report says of its components, or NULL. */
  const struct v2c_conv_advice *advice;
  /* 1 when the item is this converter's. */
  int (*detect) (const struct v2c_conv_in *in);
  /* Finish out->comp, or set out->reason.  -1 with err on failure
   * (out of memory, an inventory field of the wrong type). */
  int (*contribute) (struct v2c_conv_ctx *ctx, const struct v2c_conv_in *in,
                     struct v2c_conv_out *out, struct v2c_err *err);
};

/* The registry: the first converter whose detect says yes owns the
 * item; the last ones (cron, timer, systemd) take what is left.
 * Converters registered at run time come before the table, in the
 * order of their registration. */
extern const struct v2c_converter *const v2c_converters[];
const struct v2c_converter *v2c_converter_for (const struct v2c_conv_in *in);
const struct v2c_converter *v2c_converter_named (const char *name);
/* The i-th converter in priority order, or NULL past the last. */
const struct v2c_converter *v2c_converter_at (size_t i);
/* Add a converter before the table's (for a test or a program that
 * embeds libv2c; not thread-safe: before any plan is built).  -1 when
 * V2C_CONVERTERS_EXTRA are registered already, or one of that name. */
#define V2C_CONVERTERS_EXTRA 8
int v2c_converter_register (const struct v2c_converter *conv);
/* Take back what v2c_converter_register added. */
void v2c_converter_unregister_all (void);

/* The generic advice on a component that keeps state in a persistent
 * volume (converters/converter-util.c). */
extern const struct v2c_conv_advice v2c_conv_stateful_advice;

/* The generic converter of a long-running unit (converters/systemd.c):
 * the language runtimes' converters start from it.  The others are
 * named in converters/registry.c only. */
extern const struct v2c_converter v2c_converter_systemd;

#endif /* V2C_CONVERTERS_H */
