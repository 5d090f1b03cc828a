/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Interface of lib/layer-policy.c: which layer of the image a guest file
 * goes to, from the plan's layers and the package database.  A pure
 * function of its inputs: no guest, no I/O (tests/test-layer-policy.c).
 * Not installed.
 */
#ifndef V2C_LAYER_POLICY_H
#define V2C_LAYER_POLICY_H

#include <stddef.h>

#include "inspect.h"
#include "model.h"

#define V2C_POLICY_MAX_LAYERS 8

struct v2c_policy_layer {
  const char *name;              /* borrowed from the plan */
  const struct v2c_strvec *includes, *excludes;
  int shared; /* "os" and "cuda" of the split strategy: directories get
                 mtime 0, so VMs with the same packages share the layer */
};

/* A path a package owns, with its digest (NULL when the package manager
 * keeps none). */
struct v2c_owned {
  char *path;
  const char *digest;            /* borrowed from the packages */
  int left_out;                  /* every package owning it is left out */
};

/* Merged /usr: a package lists /bin/ls, the guest holds /usr/bin/ls
 * (from "/bin/" to "/usr/bin/"). */
struct v2c_path_alias {
  char from[16];
  char to[64];
};

struct v2c_layer_policy {
  int split;                     /* the "split" strategy, else one layer */
  struct v2c_policy_layer layers[V2C_POLICY_MAX_LAYERS];
  size_t nlayers;
  int os_layer, config_layer, app_layer;
  struct v2c_owned *own;         /* sorted by path */
  size_t nown;
  /* packages the image leaves out (the plan's image.left_out_packages,
   * borrowed; NULL: none), set before v2c_layer_policy_add_packages */
  const struct v2c_strvec *leave_out;
};

/* The n layers of the plan's image (image.layers, in order, borrowed)
 * under strategy split or not: the split strategy needs os, config and
 * app. */
int v2c_layer_policy_set_layers (struct v2c_layer_policy *p,
                                 const struct v2c_plan_layer *layers,
                                 size_t n, int split, struct v2c_err *err);
/* The paths the packages own, with their aliases (the packages must
 * outlive the policy: digests are borrowed). */
int v2c_layer_policy_add_packages (struct v2c_layer_policy *p,
                                   const struct v2c_pkgs *pkgs,
                                   const struct v2c_path_alias *al,
                                   size_t nal, struct v2c_err *err);
/* The package digest that path's content must be checked against before
 * v2c_layer_policy_choose can place it, or NULL when the choice does not
 * depend on the content. */
const char *v2c_layer_policy_digest (const struct v2c_layer_policy *p,
                                     const char *path, int is_reg);
/* The digest the package database gives path, whatever layer it goes
 * to (NULL when no package owns it or keeps none). */
const char *v2c_layer_policy_owned_digest (const struct v2c_layer_policy *p,
                                           const char *path);
/* The layer of path (a regular file when is_reg): the first layer whose
 * includes cover it; else with the split strategy "app" for a file no
 * package owns, "os" for a package's file that is not regular, has no
 * digest or still has it (same), "config" for a changed one; then a
 * layer's excludes send it on to the next layer.  -1 when no layer
 * takes it, or when only packages the image leaves out own it. */
int v2c_layer_policy_choose (const struct v2c_layer_policy *p,
                             const char *path, int is_reg, int same);
/* Free the owned paths and reset the policy. */
void v2c_layer_policy_clear (struct v2c_layer_policy *p);

#endif /* V2C_LAYER_POLICY_H */
