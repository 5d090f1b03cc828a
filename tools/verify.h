/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * v2c-verify's parts: child processes (podman, skopeo) run from argv
 * arrays (verify-run.c), a pod template as podman arguments
 * (verify-pod.c), the checks and their evidence (verify-check.c).
 */
#ifndef V2C_TOOLS_VERIFY_H
#define V2C_TOOLS_VERIFY_H

#include <jansson.h>

#include "strbuf.h"

/* What a run knows: the run's id (every name it makes starts with
 * it), the objects of the kustomize base, the temporary directory. */
struct verify {
  char id[40];          /* "v2c-verify-" and 8 hex digits of DIR's path */
  char net[48];         /* the network's name */
  char *tmp;            /* the temporary directory */
  json_t *objects;      /* every object of DIR/k8s */
  json_t *images;       /* image reference -> local name */
  json_t *secrets;      /* "SECRET/KEY" -> value, stubs filled */
  json_t *hosts;        /* Service name -> pod IP */
  struct v2c_strvec secret_values; /* values never shown */
  struct v2c_strvec made_volumes;  /* volumes this run created */
  double timeout;       /* seconds for a readiness probe or a CronJob */
};

/* The run whose secret values verify_run's -vv output hides. */
extern const struct verify *verify_current;
/* Set once the cleanup starts: from then on SIGINT/SIGTERM no longer
 * stop a child (the cleanup's own commands must finish). */
extern int verify_cleaning;

/* Run argv (argv[0] looked up in PATH), its stdout and stderr together
 * in *out (may be NULL: discarded), at most timeout seconds (0: no
 * limit; the child is killed after it, or at SIGINT/SIGTERM unless
 * verify_cleaning).  Returns the exit status, 124 on a timeout or an
 * interruption, -1 if it could not start. */
int verify_run (char *const *argv, struct v2c_strbuf *out, double timeout);
/* verify_run of a NULL-terminated list of arguments. */
int verify_runl (struct v2c_strbuf *out, double timeout, const char *arg0, ...)
  __attribute__ ((sentinel));
/* The last lines of text (at most max bytes), a new string. */
char *verify_tail (const char *text, size_t max);
/* s with every secret value of v replaced by "[secret]", a new string. */
char *verify_redact (const struct verify *v, const char *s);

/* --secrets FILE: each KEY=VALUE line into given.  -1 after the error. */
int verify_read_secrets (const char *path, json_t *given);
/* v->secrets ("SECRET/KEY" -> value) from the Secrets of v->objects,
 * placeholders filled from given or generated; counts gets from_file
 * and generated.  -1 after the error. */
int verify_fill_secrets (struct verify *v, json_t *given, json_t *counts);

/* The pod template spec of a workload object (Deployment, StatefulSet,
 * Job, CronJob), or NULL. */
json_t *verify_pod_spec (json_t *obj);
/* The podman run arguments for container c of pod spec ps of workload
 * name (of kind kind) after "podman run": pushed onto av.  -1 after
 * the reason in *why (a new string). */
int verify_container_args (struct verify *v, const char *workload,
                           const char *kind, json_t *ps, json_t *c,
                           struct v2c_strvec *av, char **why);
/* The number of a container port: a number or the name of one of c's
 * ports; -1 if none. */
long verify_port (json_t *c, json_t *port);

/* Checks: each returns a check object {check, target, passed, ...}. */
json_t *verify_check_http (const char *ip, long port, const char *path,
                           int must_be_http);
json_t *verify_check_tcp (const char *ip, long port);
/* The probe (readinessProbe object) of container cname of pod pod at
 * ip until it passes, the container stops or the timeout; NULL if c
 * has no readiness probe. */
json_t *verify_probe (struct verify *v, const char *cname, json_t *c,
                      const char *ip);
/* "running" when the container is, else its state and log tail. */
json_t *verify_check_running (struct verify *v, const char *cname);

#endif /* V2C_TOOLS_VERIFY_H */
