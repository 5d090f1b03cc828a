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
/* s as HTML text or attribute value (markup escaped, controls dropped). */
void v2c_fleet_html_escape (struct v2c_strbuf *f, const char *s);
/* The "Migration waves" section of fleet.html and graph.html: a table
 * of the waves of waves.json (nothing when waves is not an object). */
void v2c_fleet_html_waves_table (struct v2c_strbuf *f, const json_t *waves);
/* fleet.html with the sections of the migration plan: the waves
 * (waves.json) and the policies (policy.json); NULL: no such section. */
char *v2c_fleet_html_plan (const json_t *fleet, const json_t *waves,
                           const json_t *policy, size_t *lenp,
                           struct v2c_err *err);

/* ------------------------------------------------------------------ */
/* The dependency graph and the migration waves (lib/fleet-graph.c,    */
/* lib/fleet-waves.c)                                                  */

#define V2C_GRAPH_SCHEMA "v2c.graph/1"
#define V2C_WAVES_SCHEMA "v2c.waves/1"

/* One VM of the batch as the graph sees it.  inv may be NULL (a VM
 * whose inventory did not load: it is a node without references or
 * names); verdict is the report's fitness verdict or NULL. */
struct v2c_fleet_node {
  const char *name, *kube_name, *verdict;
  const struct v2c_inventory *inv;
};

/* One reference of one VM as the graph resolved it.  to is the index
 * of the VM it reaches, or V2C_FLEET_EXTERNAL (outside the batch) or
 * V2C_FLEET_AMBIGUOUS (several VMs have that name).  via says how:
 * "address" (an address of the VM's interfaces), "hosts" (the calling
 * VM's /etc/hosts gave the address; hosts_source is its FILE:LINE),
 * "fqdn", "hostname" or "search" (a short name completed by the calling
 * VM's search domains).  address is the one reached, when known. */
#define V2C_FLEET_EXTERNAL ((size_t) -1)
#define V2C_FLEET_AMBIGUOUS ((size_t) -2)
struct v2c_fleet_edge_ref {
  size_t from, to;
  const struct v2c_inv_reference *ref;
  const char *via, *hosts_source;
  char address[46]; /* INET6_ADDRSTRLEN; "" when unknown */
  const char *from_service, *to_service; /* NULL: unknown */
};

struct v2c_fleet_graph {
  const struct v2c_fleet_node *nodes;
  size_t n;
  struct v2c_fleet_edge_ref *refs; /* by from, then inventory order */
  size_t nrefs;
};

/* Resolve every reference of the n nodes against the names and
 * addresses of the others (n log n: sorted indexes, no pairwise scan).
 * A reference to the calling VM itself is dropped.  0, or -1 with err
 * set (out of memory); free with v2c_fleet_graph_free. */
int v2c_fleet_graph_build (const struct v2c_fleet_node *nodes, size_t n,
                           struct v2c_fleet_graph *g, struct v2c_err *err);
void v2c_fleet_graph_free (struct v2c_fleet_graph *g);

/* graph.json ("v2c.graph/1"): vms[], edges[] {from, to, references[]
 * with their evidence}, external[] {host, references[]}, ambiguous[].
 * New reference; NULL with err set. */
json_t *v2c_fleet_graph_json (const struct v2c_fleet_graph *g,
                              struct v2c_err *err);

/* waves.json ("v2c.waves/1") of a graph: the VMs that depend on each
 * other in a cycle form one group; wave 1 is the pilot (the group of
 * the best fitness, then the fewest dependants, then the fewest
 * dependencies, then the first name); the other groups follow in
 * dependency order, a wave never depending on a later one, at most
 * max_per_wave VMs in a wave (0: no limit; a group larger than that is
 * a wave of its own, marked "oversize").  Each wave lists its bridges:
 * for every VM of a later wave its VMs reach, the Service without
 * selector, the EndpointSlice and the egress NetworkPolicy that take
 * the containers to the old VM until it moves.  namespace may be NULL.
 * New reference; NULL with err set. */
json_t *v2c_fleet_waves_json (const struct v2c_fleet_graph *g,
                              size_t max_per_wave, struct v2c_err *err);

/* The Kubernetes objects of one wave's bridges (waves.json's wave
 * object): an array of objects, in a stable order.  New reference;
 * NULL with err set. */
json_t *v2c_fleet_bridge_objects (const json_t *wave, struct v2c_err *err);

/* The handover of a bridge (waves.json's bridge object) once the VM it
 * reaches has moved: the Service of the bridge's name, now reaching
 * svc, the moved VM's Service that serves the bridge's ports (as its
 * kustomize base has it) -- in the caller's namespace (ns NULL) a
 * Service with svc's selector and target ports; else an ExternalName
 * Service to svc in namespace ns -- and the egress NetworkPolicy that
 * lets the calling VMs' pods reach svc's pods.  New reference; NULL
 * with err set (svc not serving every port, or out of memory). */
json_t *v2c_fleet_handover_objects (const json_t *bridge, const json_t *svc,
                                    const char *ns, struct v2c_err *err);
/* The first of services (Service objects) with a selector that serves
 * every port of the bridge, or NULL. */
const json_t *v2c_fleet_handover_service (const json_t *bridge,
                                          const json_t *services);

/* graph.html: the graph drawn as inline SVG, one column per wave, and
 * its tables; self-contained (no script, no fetch).  waves may be NULL.
 * NUL-terminated, length in *lenp; caller frees.  NULL with err set. */
char *v2c_fleet_graph_html (const json_t *graph, const json_t *waves,
                            size_t *lenp, struct v2c_err *err);

#endif /* V2C_FLEET_H */
