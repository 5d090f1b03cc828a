/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The fleet summary of v2c-batch (lib/fleet.c): per-VM state records,
 * the per-VM summary built from a VM's conversion output, the fleet
 * totals and layer sharing, and the fleet as CSV and HTML.  Pure
 * functions over JSON trees: the tool reads and writes the files.
 * Not installed.
 */
#ifndef V2C_FLEET_H
#define V2C_FLEET_H

#include <jansson.h>

#include "model.h"
#include "v2c-internal.h"

#define V2C_FLEET_SCHEMA "v2c.fleet/1"
#define V2C_BATCH_STATE_SCHEMA "v2c.batch-state/1"
/* Bounds of a state record: it is read back from disk, so hostile. */
#define V2C_FLEET_MAX_STATE_BYTES (1u << 20)
#define V2C_FLEET_MAX_NAME 128
#define V2C_FLEET_MAX_STRING 65536
#define V2C_FLEET_MAX_FILES (V2C_MAX_DISKS + 1)
/* Largest per-VM JSON file (report, inventory, plan, manifest) read. */
#define V2C_FLEET_MAX_DOC_BYTES (64u << 20)

/* 1 when name is a VM name v2c-batch may use as a directory name: 1 to
 * V2C_FLEET_MAX_NAME bytes of [A-Za-z0-9._+-], not starting with '.'
 * or '-'. */
int v2c_fleet_name_ok (const char *name);

/* The Kubernetes names of the n VMs of a batch (the plan's name, so
 * the image's, the app labels' and the OCI ref name).  names[i] is the
 * VM's name, keys[i] what identifies its source in a stable way (its
 * path relative to the batch's input root, or its libvirt domain).
 * out[i] is the DNS-1123 label of names[i] (v2c_kube_dns_label) when no
 * other VM of the batch has that label; when several have, each gets
 * the label cut to 56 characters, '-' and the first 6 hex digits of the
 * SHA-256 of keys[i], and suffixed[i] is 1 (v2c-batch passes these to
 * v2c-convert --name).  If two are still equal (the same source given
 * twice), the later ones get "-2", "-3" ... on top.  0, or -1 with err
 * set (out of memory); caller frees out[0..n). */
int v2c_fleet_kube_names (const char *const *names, const char *const *keys,
                          size_t n, char **out, int *suffixed,
                          struct v2c_err *err);

/* 1 when status is one of the statuses of a state record: running,
 * converted, up-to-date, failed, timed-out, interrupted. */
int v2c_fleet_state_status_ok (const char *status);

/* Parse and check a state record (schema "v2c.batch-state/1"):
 *   name (v2c_fleet_name_ok), source (string), status, fingerprint
 *   (object or null: files[] {path, size, mtime_ns}, digest),
 *   started (integer >= 0), duration_s (number >= 0), error (string or
 *   null), max_rss_kib (integer >= 0), exit (integer or null).
 * Unknown members are refused.  New reference; NULL with err set. */
json_t *v2c_fleet_state_parse (const char *buf, size_t len,
                               struct v2c_err *err);

/* The summary of one VM for fleet.json.  state is a checked state
 * record (or a record made by the caller, status "planned" allowed;
 * its "kube_name", the VM's Kubernetes name, is copied when present);
 * inventory, plan (loaded, lib/model.h), report and manifest (the OCI
 * image manifest) may be NULL when the VM has no (complete) output:
 * the caller passes NULL for an inventory or a plan that does not load.
 * Values of the wrong type in the others are ignored, never trusted.
 * New reference; NULL with err set (out of memory). */
json_t *v2c_fleet_vm (const json_t *state,
                      const struct v2c_inventory *inventory,
                      const struct v2c_plan *plan, const json_t *report,
                      const json_t *manifest, struct v2c_err *err);

/* The fleet document (schema "v2c.fleet/1") of an array of v2c_fleet_vm
 * summaries (a reference is taken): totals and layer sharing.  mode is
 * "convert" or "descriptor-only".  New reference; NULL with err set. */
json_t *v2c_fleet_build (json_t *vms, const char *mode, struct v2c_err *err);

/* The fleet as CSV (RFC 4180: CRLF line ends, fields with a comma,
 * quote, CR or LF quoted, quotes doubled), one header row then one row
 * per VM; and as a self-contained HTML page (inline CSS, no script,
 * every string escaped).  NUL-terminated, length in *lenp; caller
 * frees.  NULL with err set. */
char *v2c_fleet_csv (const json_t *fleet, size_t *lenp, struct v2c_err *err);
char *v2c_fleet_html (const json_t *fleet, size_t *lenp, struct v2c_err *err);

#endif /* V2C_FLEET_H */
