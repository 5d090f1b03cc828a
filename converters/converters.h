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
 * volumes for the paths it writes, probes, advice.  A converter may
 * instead drop the item, with a reason.  Not installed.
 */
#ifndef V2C_CONVERTERS_H
#define V2C_CONVERTERS_H

#include <stddef.h>

#include <jansson.h>

#include "v2c-internal.h"

/* What the item is. */
enum v2c_conv_src {
  V2C_CONV_SERVICE, /* inventory.services[] */
  V2C_CONV_TIMER,   /* inventory.timers[] (with the service it starts) */
  V2C_CONV_CRON,    /* inventory.cron[] */
};

/* What the planner lends a converter, as functions on its own data:
 * a converter includes this header and converter-util.h, never the
 * planner's (dependencies run one way: plan -> converter API).  Call
 * them through v2c_conv_note and v2c_conv_set_user. */
struct v2c_conv_ctx {
  void *data; /* the planner's build state */
  /* Add a line to the plan's notes. */
  void (*note) (void *data, const char *msg);
  /* Set comp's user, uid and gid from the inventory's users; -1 with
   * err on failure. */
  int (*set_user) (void *data, json_t *comp, const char *user,
                   struct v2c_err *err);
};

/* One item as a converter sees it.  Strings point into the inventory
 * or into the planner's buffers and live as long as the call. */
struct v2c_conv_in {
  enum v2c_conv_src src;
  const json_t *inv;
  const json_t *service; /* the service (SERVICE, TIMER), else NULL */
  const json_t *timer;   /* TIMER only */
  const json_t *cron;    /* CRON only */
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
};

/* What a converter adds beside the component itself. */
struct v2c_conv_out {
  json_t *comp;          /* the component, filled in by the planner */
  char reason[512];      /* non-empty: the item is dropped, for this */
  const char *http_path; /* probe with httpGet on this path, else TCP */
  const char *talks_to;  /* converter of a component this one uses */
  int write_known;       /* write_paths lists all the program writes */
  int weight;            /* share of the VM's CPU and memory: 1 or 2 */
  int initial_delay;     /* probes' initialDelaySeconds (0: default) */
  int http_port;         /* the port that speaks HTTP (0: the first) */
};

struct v2c_converter {
  const char *name;
  /* Other names the inventory uses for this workload's ports and data
   * directories ("redis" for redis-server.service), NULL-terminated. */
  const char *const *aliases;
  /* 1 when the item is this converter's. */
  int (*detect) (const struct v2c_conv_in *in);
  /* Finish out->comp, or set out->reason.  -1 with err on failure
   * (out of memory, an inventory field of the wrong type). */
  int (*contribute) (struct v2c_conv_ctx *ctx, const struct v2c_conv_in *in,
                     struct v2c_conv_out *out, struct v2c_err *err);
};

/* The registry: the first converter whose detect says yes owns the
 * item; the last ones (cron, timer, systemd) take what is left. */
extern const struct v2c_converter *const v2c_converters[];
const struct v2c_converter *v2c_converter_for (const struct v2c_conv_in *in);
const struct v2c_converter *v2c_converter_named (const char *name);

#define V2C_CONVERTER(n) extern const struct v2c_converter v2c_converter_##n

V2C_CONVERTER (nginx);
V2C_CONVERTER (apache);
V2C_CONVERTER (postgresql);
V2C_CONVERTER (mysql);
V2C_CONVERTER (redis);
V2C_CONVERTER (tomcat);
V2C_CONVERTER (php_fpm);
V2C_CONVERTER (java);
V2C_CONVERTER (python);
V2C_CONVERTER (node);
V2C_CONVERTER (cron);
V2C_CONVERTER (timer);
V2C_CONVERTER (systemd);

#undef V2C_CONVERTER

#endif /* V2C_CONVERTERS_H */
