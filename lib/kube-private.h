/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 * What lib/kube.c (the objects of a plan), lib/kube-pod.c (the pod
 * of a component, its ConfigMap, Secrets and claims) and
 * lib/kube-template.c share.  Not installed.  The layers run one way:
 * kube.c -> kube-pod.c -> kube-util.c.
 */
#ifndef V2C_KUBE_PRIVATE_H
#define V2C_KUBE_PRIVATE_H

#include <jansson.h>

#include "kube.h"
#include "model.h"

#define L_NAME "app.kubernetes.io/name"
#define L_INSTANCE "app.kubernetes.io/instance"
#define L_COMPONENT "app.kubernetes.io/component"
#define L_PART_OF "app.kubernetes.io/part-of"
#define L_MANAGED_BY "app.kubernetes.io/managed-by"

struct comp {
  const struct v2c_plan_component *p;
  size_t idx;
  const char *name, *kind, *converter;
  char svc[64];       /* Service name: a DNS-1035 label */
  char component[64]; /* label value of the converter */
  int64_t uid, gid;
  int root, low_port, cron;
  json_t *ports; /* [{name, containerPort, protocol}] */
};

struct ctx {
  const struct v2c_plan *plan;
  const struct v2c_kube_opts *o;
  struct v2c_err *err;
  json_t *out;
  json_t *seen; /* "Kind/name" of every object so far */
  char vm[64];  /* the VM's name as a label value */
  const char *vm_name;
  char image[1200];
  struct comp *comps;
  size_t ncomps;
  struct v2c_kube_file *files; /* configuration files read from the image */
  json_t *file_paths;
  size_t nfiles;
  int have_files;
};

struct pod {
  json_t *volumes, *mounts, *vcts, *paths;
  int nsecret;
  const struct comp *near; /* whose pod it must run beside, or NULL */
};

/* lib/kube-util.c */
/* "plan: " + message in c->err; returns -1. */
int kube_bad (struct ctx *c, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
/* kube_bad for functions returning a pointer. */
#define bad_null(...) (kube_bad (__VA_ARGS__), (json_t *) NULL)
/* Out of memory in c->err; returns NULL. */
json_t *kube_oom (struct ctx *c);

int kube_is_alnum (char ch);
/* Label value, ConfigMap/Secret key of in (size >= 64). */
void kube_label_value (const char *in, char *out, size_t size);
void kube_data_key (const char *in, char *out, size_t size);
const char *kube_basename_of (const char *path);
int kube_port_name_valid (const char *s);
int kube_quantity_valid (const char *s);
int kube_env_name_valid (const char *s);
int kube_schedule_valid (const char *s);

static inline const char *
opt_string (const json_t *o, const char *key)
{
  return json_string_value (json_object_get (o, key));
}

/* Append an object (steals obj) as KIND-NAME.yaml; -1 on a duplicate. */
int kube_add_object (struct ctx *c, const char *kind, const char *name,
                     json_t *obj, const char *comment);
json_t *kube_labels (struct ctx *c, const struct comp *k);
json_t *kube_selector (struct ctx *c, const struct comp *k);
json_t *kube_annotations (struct ctx *c, const struct comp *k);
json_t *kube_metadata (struct ctx *c, const struct comp *k, const char *name);
/* The component of that name, or NULL. */
const struct comp *kube_find_comp (const struct ctx *c, const char *name);
/* The claim a component's pvc volume gets: VOLUME-COMP-0 from a
 * StatefulSet's volumeClaimTemplate (its first pod's), COMP-VOLUME for
 * a Deployment's PersistentVolumeClaim. */
void kube_claim_name (const char *kind, const char *comp, const char *volume,
                      char *out, size_t size);

/* lib/kube-pod.c */
/* [[source, mount], ...] of a component's files of list (its
 * config_files or secret_files) and of its volumes of kind vkind. */
json_t *kube_file_list (struct ctx *c, const struct comp *k,
                        const struct v2c_strvec *list, const char *vkind);
/* The component's Deployment, StatefulSet or CronJob with its
 * ConfigMap, Secrets and claims. */
int kube_workload (struct ctx *c, const struct comp *k);

/* lib/kube-proxy.c */
/* The content of img for k's ConfigMap when it differs from the
 * image's: nginx's loopback proxy targets rewritten to the Services
 * of the other components (*result, caller frees; NULL when nothing
 * was rewritten).  Writes a note for cf.  0, or -1 when out of
 * memory. */
int kube_proxy_content (struct ctx *c, const struct comp *k,
                        const struct v2c_kube_file *img, char **result,
                        FILE *cf);
/* lib/kube-vm.c */
/* The objects of a plan whose target is a VM: the VirtualMachine, a
 * DataVolume per large disk, a Service per port, the NetworkPolicy. */
int kube_vm (struct ctx *c);
/* lib/kube-seed.c */
/* The initContainers that seed the component's empty PVCs from the data
 * image (an empty array when none: no data image, no seeded volume). */
json_t *kube_seed_containers (struct ctx *c, const struct comp *k);
/* The copied data of the plan's data volume mounted at path (the
 * plan's image.volumes[].data), or NULL. */
const struct v2c_plan_volume_data *kube_volume_data (const struct ctx *c,
                                                     const char *path);
/* A Job per archived volume of the component, as seed/job-NAME.yaml,
 * marked "unlisted" (not in kustomization.yaml). */
int kube_seed_jobs (struct ctx *c, const struct comp *k);

/* The object kube_add_object added last goes to DIR/ and out of the
 * kustomization (seed Jobs, the GPU sharing ConfigMap).  -1 on failure. */
int kube_unlist_last (struct ctx *c, const char *dir);
/* The GPU sharing configuration a plan's time-slicing needs, unlisted
 * in gpu/ (lib/kube-pod.c).  -1 on failure. */
int kube_gpu_sharing (struct ctx *c);

#endif /* V2C_KUBE_PRIVATE_H */
