/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The plan ("v2c.plan/1", lib/plan.c): what v2c-plan decides from an
 * inventory (images, layers, excludes, volumes, components) and what
 * v2c-extract and v2c-manifest read back.  Not installed.
 *
 * A plan is meant to be edited by an engineer between v2c-plan and
 * v2c-extract, so a plan read from a file is hostile input:
 * v2c_plan_check verifies every field the later stages read, and its
 * messages name the JSON path of what is wrong ("plan:
 * image.layers[1].includes[0]: pattern must be an absolute path").
 *
 * Patterns (layer includes/excludes, image excludes) are absolute path
 * globs: "*" within one path component, "**" across components, "?" one
 * character, "[...]" a class; a pattern matching a directory covers its
 * subtree.  Matching is lib/extract.c's; here they are only validated.
 */
#ifndef V2C_PLAN_H
#define V2C_PLAN_H

#include <jansson.h>

#include "model.h"
#include "v2c-internal.h"

/* Longest pattern or path in a plan, and most patterns in one list. */
#define V2C_PLAN_MAX_PATTERN 4096
#define V2C_PLAN_MAX_PATTERNS 1024
/* Most entries of any other list of a plan (components, volumes, secret
 * files, ports, words of a command, ...). */
#define V2C_PLAN_MAX_ITEMS 16384
/* Most components of a plan: what v2c-report reads of a list, so the
 * manifest and the report of one plan always agree (each component is
 * three to six Kubernetes objects). */
#define V2C_PLAN_MAX_COMPONENTS 4096

/* Build the plan of a loaded inventory (v2c_inventory_load).  strategy
 * is NULL (the default, "split") or "split" or "single".  What the
 * planner needs beyond the schema is checked as it is read.  A new plan
 * (v2c_plan_to_json writes it) to free with v2c_plan_free; NULL with err
 * set on failure. */
struct v2c_plan *v2c_plan_build (const struct v2c_inventory *inventory,
                                 const char *strategy, struct v2c_err *err);

/* The target of a VM (lib/target.c).  v2c_target_auto: 1 when the VM
 * should stay a VM (its fitness verdict is not-containerisable, or
 * poor because of a kernel-level rule: modules the nodes don't have),
 * 0 for containers, with why in reason; -1 with err set.  The one
 * decision: v2c_plan_set_target records it, the report shows it. */
int v2c_target_auto (const struct v2c_inventory *inventory,
                     const struct v2c_plan *plan, char *reason, size_t size,
                     struct v2c_err *err);
/* Record target ("auto" or NULL, "container", "vm") in plan->target,
 * with what a VirtualMachine needs of the inventory (OS, firmware,
 * disks, NICs with their MAC address, ports).  auto deciding
 * containers leaves plan->target NULL: a plan without a target is
 * containers.  0, or -1 with err set. */
int v2c_plan_set_target (struct v2c_plan *plan,
                         const struct v2c_inventory *inventory,
                         const char *target, struct v2c_err *err);

/* GPU workloads (lib/plan-gpu.c).  The components of the inventory's
 * AI servers request the VM's GPUs (resource, count) the way o says:
 * sharing exclusive (NULL), time-slicing or mig (mig_profile, NULL:
 * 1g.10gb), a runtimeClassName, a toleration of the GPU nodes' taint;
 * the image leaves the GPU driver and loose model files out and puts the
 * CUDA user space in a layer of its own.  v2c_plan_build calls it with
 * o NULL; calling it again re-decides the requests.  models "oci"
 * (o->models; NULL or "pvc": persistent volumes) makes each server's
 * model volume an image volume: its files become an OCI image of their
 * own that the pod mounts read-only.  Nothing changes for an inventory
 * without "ai".  0, or -1 with err set. */
struct v2c_gpu_opts {
  const char *sharing, *mig_profile, *runtime_class;
  int tolerate;
  const char *models; /* pvc (NULL), oci */
};
int v2c_plan_set_gpu (struct v2c_plan *plan,
                      const struct v2c_inventory *inventory,
                      const struct v2c_gpu_opts *o, struct v2c_err *err);
/* The KubeVirt GPU devices of a VM kept as a VM, from its hardware's
 * GPUs (lib/target.c calls it).  -1 when out of memory. */
int v2c_plan_vm_gpus (struct v2c_plan_target *t,
                      const struct v2c_inventory *inventory);

/* Check a plan: 0 when it is sound, -1 with err naming the JSON path of
 * the first problem.  The checks are the plan's loader, v2c_plan_load
 * (lib/model.h): a stage that reads the plan loads it instead. */
int v2c_plan_check (const json_t *plan, struct v2c_err *err);

/* The OCI image configuration's "config" object (User, Env, Entrypoint,
 * Cmd, WorkingDir, ExposedPorts, Volumes, Labels) of a loaded plan, from
 * its main component.  New reference, caller must json_decref; NULL
 * with err set (out of memory). */
json_t *v2c_plan_image_config (const struct v2c_plan *plan,
                               struct v2c_err *err);

/* 1 when pattern is a valid plan pattern (absolute, no "//", "/./" or
 * "/../" and no trailing "/" or "/." or "/..", at most
 * V2C_PLAN_MAX_PATTERN bytes), else 0. */
int v2c_plan_pattern_valid (const char *pattern);

#endif /* V2C_PLAN_H */
