/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * v2c-batch's VM list (tools/batch-source.c).
 */
#ifndef V2C_TOOLS_BATCH_SOURCE_H
#define V2C_TOOLS_BATCH_SOURCE_H

#include <stddef.h>

#include "batch.h"

/* Every *.ova, *.ovf, *.vmx under dir (case-insensitive, symbolic links
 * not followed), sorted by path; an .ovf that is an unpacked OVA found
 * beside it (x/NAME.ova, or PARENT/NAME.ova for an .ovf in PARENT/NAME/) is
 * left out.  Returns 0 or -1 (message printed); caller frees. */
int batch_find_sources (const char *dir, char ***paths, size_t *n);

/* Give each VM its unique directory name, its Kubernetes name unique
 * in the batch (v2c_fleet_kube_names, keyed by its path relative to
 * root, a directory, or when NULL to the directory common to every
 * SOURCE) and its source fingerprint.  0, or -1
 * when out of memory (message printed). */
int batch_name_vms (struct vm *vms, size_t n, const char *root);

struct v2c_source;
/* The VM's source opened descriptor-only, or NULL (error at -v). */
struct v2c_source *batch_open_descriptor (const struct vm *vm);

#endif /* V2C_TOOLS_BATCH_SOURCE_H */
