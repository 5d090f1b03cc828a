/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The typed plan ("v2c.plan/1", docs/plan.schema.json) as C structs,
 * with its one validating loader and its one writer (lib/model-plan.c,
 * on the table-driven engine of lib/model-load.c and
 * lib/model-write.c).  JSON exists only where a plan is read or
 * written: the stages after the planner work on struct v2c_plan.
 *
 * Every string is owned by the struct (a NUL-free copy); a nullable
 * string or object is NULL when the document has null; a nullable
 * integer is a struct v2c_nint.  Enumerations keep their JSON text
 * (kind "StatefulSet", protocol "tcp", ...), already checked to be one
 * of the schema's values.  Not installed.
 */
#ifndef V2C_MODEL_H
#define V2C_MODEL_H

#include <jansson.h>
#include <stdint.h>

#include "v2c-internal.h"

/* An integer that may be null (set == 0). */
struct v2c_nint {
  int64_t v;
  int set;
};

/* A list of strings. */
struct v2c_strs {
  char **v;
  size_t n;
};

/* An ordered map of strings (a component's env). */
struct v2c_pair {
  char *name, *value;
};
struct v2c_pairs {
  struct v2c_pair *v;
  size_t n;
};

/* ------------------------------------------------------------------ */
/* The image                                                           */

struct v2c_plan_layer {
  char *name; /* os, config, app (split) or rootfs (single) */
  struct v2c_strs includes, excludes;
};

struct v2c_plan_exclude {
  char *pattern, *what, *reason; /* what: all, contents, files */
};

struct v2c_plan_data_volume {
  char *path, *service; /* service may be NULL */
  struct v2c_nint used_bytes;
  char *reason;
};

struct v2c_plan_secret_file {
  char *path;
  struct v2c_strs kinds;
};

struct v2c_plan_image {
  char *strategy; /* split, single */
  struct {
    char *distro, *version; /* may be NULL */
  } base;
  char *os, *architecture;
  char *variant; /* NULL when absent */
  char *package_manager;
  struct {
    struct v2c_plan_layer *v;
    size_t n;
  } layers;
  struct {
    struct v2c_plan_exclude *v;
    size_t n;
  } excludes;
  struct {
    struct v2c_plan_data_volume *v;
    size_t n;
  } volumes;
  struct {
    struct v2c_plan_secret_file *v;
    size_t n;
  } secret_files;
};

/* ------------------------------------------------------------------ */
/* Components                                                          */

struct v2c_plan_port {
  int64_t port;
  char *protocol; /* tcp, udp, sctp */
  char *name;
};

struct v2c_plan_volume {
  char *name, *mount_path;
  char *kind;        /* pvc, emptyDir, configMap, secret */
  char *size;        /* NULL for all but pvc (may be set for others) */
  char *source_path; /* configMap and secret only, else NULL */
};

/* A probe: tcpSocket {port} when http is NULL, else httpGet {path,
 * port}. */
struct v2c_plan_probe_target {
  int64_t port;
};
struct v2c_plan_http_target {
  char *path;
  int64_t port;
};
struct v2c_plan_probe {
  struct v2c_plan_probe_target *tcp;
  struct v2c_plan_http_target *http;
  int64_t initial_delay, period;
};

struct v2c_plan_probes {
  struct v2c_plan_probe liveness, readiness;
};

struct v2c_plan_replace {
  char *image, *advice;
};

struct v2c_plan_component {
  char *name, *converter;
  char *kind;     /* Deployment, StatefulSet, CronJob */
  char *schedule; /* CronJob only, else NULL */
  char *service;  /* may be NULL */
  struct {
    char *kind; /* systemd, sysv, cron, timer */
    char *file; /* may be NULL */
    struct v2c_nint line;
  } source;
  struct v2c_strs command, args;
  char *user; /* may be NULL */
  int64_t uid, gid;
  int run_as_root;
  char *working_dir; /* may be NULL */
  struct v2c_pairs env;
  struct v2c_strs secret_env, environment_files;
  struct {
    struct v2c_plan_port *v;
    size_t n;
  } ports;
  struct {
    struct v2c_plan_volume *v;
    size_t n;
  } volumes;
  struct v2c_strs write_paths;
  int read_only_root;
  struct v2c_strs config_files, secret_files;
  struct v2c_plan_probes *probes; /* NULL for none */
  struct {
    struct {
      char *cpu, *memory;
    } requests;
    struct {
      char *memory;
    } limits;
  } resources;
  struct v2c_plan_replace *replace_with; /* may be NULL */
  struct v2c_strs depends_on;
};

struct v2c_plan_dropped {
  char *name, *reason;
};

struct v2c_plan {
  char *schema; /* "v2c.plan/1" */
  char *name;
  struct {
    char *vm, *format;
    char *path; /* may be NULL */
  } source;
  struct {
    struct v2c_nint cpus, memory_mib;
  } vm;
  struct v2c_plan_image image;
  struct {
    struct v2c_plan_component *v;
    size_t n;
  } components;
  char *main_component; /* may be NULL */
  struct {
    struct v2c_plan_dropped *v;
    size_t n;
  } dropped;
  struct v2c_strs notes;
};

/* Load a plan document: every field checked (types, required fields,
 * enumerations, limits, the rules between fields), the first problem
 * named by its JSON path ("plan: components[2].ports[0].port: 0 is out
 * of range (1..65535)").  Members the schema does not know are ignored,
 * as they always were.  A new plan to free with v2c_plan_free, or NULL
 * with err set. */
struct v2c_plan *v2c_plan_load (const json_t *doc, struct v2c_err *err);
void v2c_plan_free (struct v2c_plan *plan);

/* The document of a plan, its members in the schema's order (what
 * v2c_json_write_file turns into the bytes of plan.json).  New
 * reference; NULL on out of memory. */
json_t *v2c_plan_to_json (const struct v2c_plan *plan);

/* The component named name, or NULL. */
const struct v2c_plan_component *
v2c_plan_component (const struct v2c_plan *plan, const char *name);

/* The problem of a path or pattern ("must be an absolute path", "has a
 * '..' component", ...), or NULL when it is sound. */
const char *v2c_model_path_problem (const char *p);

#endif /* V2C_MODEL_H */
