/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The Kubernetes objects of a plan written as a kustomize base: shared
 * by v2c-manifest and v2c-convert.
 */
#ifndef V2C_TOOLS_KUBE_OUT_H
#define V2C_TOOLS_KUBE_OUT_H

#include <jansson.h>

#include "kube.h"

#ifndef V2C_TEMPLATES_DIR
#define V2C_TEMPLATES_DIR "/usr/share/v2c/templates"
#endif

/* Build the objects of a loaded plan (named what in messages), merge the
 * templates (--templates, else V2C_TEMPLATES_DIR when it exists) and
 * write one KIND-NAME.yaml per object and kustomization.yaml into the
 * existing directory dir.  The number of objects, or -1 after printing
 * the error. */
int tool_kube_write (const struct v2c_plan *plan, const char *what,
                     const struct v2c_kube_opts *ko, const char *dir);

#endif /* V2C_TOOLS_KUBE_OUT_H */
