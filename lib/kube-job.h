/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A batch of VMs as a Kubernetes Indexed Job (lib/kube-job.c), the
 * cluster form of v2c-batch.  Completion index i converts line i+1 of
 * the VM list (a ConfigMap mounted as files): /exports/SOURCE into
 * /results/NAME.  Not installed.
 */
#ifndef V2C_KUBE_JOB_H
#define V2C_KUBE_JOB_H

#include <stddef.h>

#include "v2c-internal.h"

struct v2c_kube_job {
  const char *const *names;   /* the VMs' unique directory names */
  const char *const *sources; /* their SOURCE paths, as given */
  const char *const *kube_names; /* NULL, or per VM its v2c-convert
                                    --name (NULL: none) */
  size_t n;                   /* how many VMs */
  const char *exports_root;   /* sources are made relative to it; NULL:
                                 they must be relative already */
  const char *image;          /* the container image; NULL: v2c:VERSION */
  const char *exports_pvc;    /* NULL: "v2c-exports" */
  const char *results_pvc;    /* NULL: "v2c-results" */
  const char *ns;             /* the kustomization's namespace, or NULL */
  int parallelism;            /* pods at a time (at most n are used) */
  char *const *args;          /* options passed to every v2c-convert */
  size_t nargs;
};

/* Create dir (its parent must exist) and write into it configmap.yaml
 * (the VM list), job.yaml (the Job) and kustomization.yaml, for
 * kubectl apply -k.  A SOURCE with a line break, one outside the
 * exports root, or an image, claim, namespace or --name that
 * v2c_kube_check_name refuses is an error.  0, or -1 with err set. */
int v2c_kube_job_write (const char *dir, const struct v2c_kube_job *job,
                        struct v2c_err *err);

#endif /* V2C_KUBE_JOB_H */
