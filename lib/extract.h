/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal interface of lib/extract.c: a tree (the guest's mounted
 * filesystems, or a host directory) walked in sorted order through the
 * filesystem view, streamed
 * into the layers a plan describes and written as an OCI image layout.
 * Not installed.
 */
#ifndef V2C_EXTRACT_H
#define V2C_EXTRACT_H

#include <signal.h>
#include <stdint.h>

#include <jansson.h>

#include "extract-match.h"
#include "image.h"
#include "model.h"
#include "v2c.h"

struct v2c_extract;

struct v2c_extract *v2c_extract_new (void);
/* The last failure of x: its text ("" when none) and errno. */
const char *v2c_extract_error (const struct v2c_extract *x);
int v2c_extract_errno (const struct v2c_extract *x);
void v2c_extract_set_message_callback (struct v2c_extract *x,
                                       v2c_message_cb cb, void *opaque);
/* what = "extracting", done/total in bytes of file data (total: the
 * used bytes of the mounted filesystems). */
void v2c_extract_set_progress_callback (struct v2c_extract *x,
                                        v2c_progress_cb cb, void *opaque);
int v2c_extract_set_compression (struct v2c_extract *x,
                                 enum v2c_compression c, int level);
int v2c_extract_set_threads (struct v2c_extract *x, int n);
/* Patterns given on the command line, after the plan's own: an include
 * keeps a path the plan's excludes (or volumes) would drop; an exclude
 * drops a path and its subtree.  Files holding secrets stay out
 * whatever the includes say.  Syntax: v2c_extract_match. */
int v2c_extract_add_pattern (struct v2c_extract *x, int include,
                             const char *pattern);
/* Data volumes: the plan's pvc volumes copied in the same walk.
 * V2C_DATA_ARCHIVE: each as DIR/NAME.tar.zst (.tar.gz without zstd),
 * dir being the directory given; V2C_DATA_SEED: a data image NAME-data
 * in the same layout (the image's first layer and one layer per volume
 * under /v2c-data/NAME) when the plan's used_bytes of the volumes add up
 * to at most max.  Default: none. */
#define V2C_DATA_SEED 1
#define V2C_DATA_ARCHIVE 2
int v2c_extract_set_data (struct v2c_extract *x, int mode, const char *dir,
                          uint64_t max);
/* After a successful run: record what was copied in plan (its image's
 * volumes[].data and data_ref, data_manifest, data_shell). */
int v2c_extract_data_to_plan (struct v2c_extract *x, struct v2c_plan *plan);
/* When *flag becomes non-zero (a signal handler), the run stops at the
 * next file or chunk and fails with "interrupted". */
void v2c_extract_set_cancel_flag (struct v2c_extract *x,
                                  volatile sig_atomic_t *flag);
/* Start the image in a temporary directory beside dir (see v2c_oci_open
 * for force): called before the guest is launched, so a wrong output
 * fails fast.  The directory is removed unless a run succeeds. */
int v2c_extract_open (struct v2c_extract *x, const char *dir, int force);
/* Walk the tree fs (borrowed) and write the image that plan (loaded
 * with v2c_plan_load; borrowed for the run) describes, named ref (NULL:
 * the plan's name), then move it into place.  Once per open. */
int v2c_extract_run_fs (struct v2c_extract *x, struct v2c_fs *fs,
                        const struct v2c_plan *plan, const char *ref);
/* The same on the mounted filesystems of the inspected guest g. */
int v2c_extract_run (struct v2c_extract *x, struct v2c_guest *g,
                     const struct v2c_plan *plan, const char *ref);
/* After a successful run: {"manifest": "sha256:..", "ref": name,
 * "created": "YYYY-MM-DDTHH:MM:SSZ" (the newest guest mtime), "layers": [{name,
 * digest, diff_id, size, tar_size, entries, data_bytes}], "skipped":
 * {secret_files, excluded, devices, unlayered}, "data_bytes"} (new
 * reference). */
json_t *v2c_extract_summary (const struct v2c_extract *x);
void v2c_extract_free (struct v2c_extract *x);

#endif /* V2C_EXTRACT_H */
