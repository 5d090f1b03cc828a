/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A plan ("v2c.plan/1") as Kubernetes objects (lib/kube.c), the files
 * of an OCI image layout they need (lib/kube-image.c), and the
 * organisation's templates merged into them.  Not installed.
 *
 * Per component: a ServiceAccount (no token), a Deployment, StatefulSet
 * (volumeClaimTemplates for its pvc volumes) or CronJob, a Service with
 * its ports (not for CronJobs), a NetworkPolicy (ingress only to its
 * ports, egress only to DNS and the components it depends on), a
 * ConfigMap of its configuration files, a Secret per secret file and
 * one for its secret environment variables (placeholder values only),
 * and a PersistentVolumeClaim per pvc volume of a Deployment or
 * CronJob.  The plan is read as struct v2c_plan (lib/model.h); the
 * objects are JSON trees, which lib/yaml.c writes.
 */
#ifndef V2C_KUBE_H
#define V2C_KUBE_H

#include <jansson.h>
#include <stdio.h>

#include "model.h"
#include "v2c-internal.h"

/* The value every secret key gets. */
#define V2C_KUBE_PLACEHOLDER "REPLACE_ME"
/* Largest configuration file put into a ConfigMap (Kubernetes caps a
 * whole ConfigMap at 1 MiB). */
#define V2C_KUBE_MAX_CONFIG_BYTES (512u << 10)
/* Most objects of one plan. */
#define V2C_KUBE_MAX_OBJECTS 65536

struct v2c_kube_opts {
  const char *registry;  /* "registry.example.com/team", or NULL */
  const char *image_dir; /* OCI image layout of the plan's image, or NULL */
  const char *ns;        /* namespace of every object, or NULL */
};

/* What a name given to v2c (an option, a batch's VM) must be. */
enum v2c_kube_name_kind {
  V2C_KUBE_LABEL,     /* DNS-1123 label: a namespace, a VM's name */
  V2C_KUBE_SUBDOMAIN, /* DNS-1123 subdomain: a PersistentVolumeClaim */
  V2C_KUBE_IMAGE,     /* image reference [HOST[:PORT]/]PATH[:TAG][@DIGEST] */
  V2C_KUBE_REGISTRY,  /* where images go: HOST[:PORT][/PATH] */
};

/* 0 when value is a valid name of that kind, else -1 with err set to
 * "'VALUE' is not ...".  Every tool checks its options with it, and
 * v2c_kube_build and v2c_kube_job_write check theirs again. */
int v2c_kube_check_name (enum v2c_kube_name_kind kind, const char *value,
                         struct v2c_err *err);

/* The DNS-1123 label form of in: lower case, runs of other characters
 * as one '-', at most 63 characters (and size - 1), "x" when nothing is
 * left. */
void v2c_kube_dns_label (const char *in, char *out, size_t size);

/* The objects of a loaded plan (v2c_plan_load checked every field;
 * what Kubernetes adds is checked here).  A JSON array, sorted by file
 * name, of
 * {"file": "kind-name.yaml", "comment": text or null, "object": {...}}.
 * With o->image_dir, the image is pinned by the digest of its manifest
 * and configuration files are read from its layers.  New reference,
 * caller must json_decref; NULL with err set. */
json_t *v2c_kube_build (const struct v2c_plan *plan,
                        const struct v2c_kube_opts *o, struct v2c_err *err);

/* The kustomization.yaml object listing the files of objects (sorted),
 * with ns (may be NULL) as its namespace.  New reference; NULL on out
 * of memory. */
json_t *v2c_kube_kustomization (const json_t *objects, const char *ns);

/* Deep-merge overlay into dst: objects merge key by key, arrays whose
 * items are all scalars get the overlay's items they lack appended,
 * other arrays and scalars are replaced, and a null in the overlay
 * removes the key.  0, or -1 with err set (nesting too deep, out of
 * memory). */
int v2c_kube_merge (json_t *dst, const json_t *overlay, struct v2c_err *err);

/* Merge DIR/all.yaml into every object of objects (as returned by
 * v2c_kube_build), then DIR/KIND.yaml (lower case, e.g.
 * deployment.yaml) into the objects of that kind.  A missing file is
 * skipped; a template that is not a mapping, or that sets apiVersion,
 * kind, metadata.name or metadata.namespace, is an error.  0 or -1. */
int v2c_kube_apply_templates (json_t *objects, const char *dir,
                              struct v2c_err *err);

/* ------------------------------------------------------------------ */
/* OCI image layout (lib/kube-image.c)                                 */

#define V2C_KUBE_MAX_LINKS 8

/* A file wanted from the image's layers. */
struct v2c_kube_file {
  const char *path; /* absolute guest path (borrowed) */
  char *data;       /* its content when found, else NULL */
  size_t len;
  char *why;    /* when not found: a short reason */
  int layer;    /* index of the layer it came from, -1 */
  char *target; /* path is a symbolic link: the file read instead, else NULL */
  char *link;   /* while reading: the text of the symbolic link at path */
};

/* The digest ("sha256:<64 hex>") of the first image manifest listed in
 * DIR/index.json, after checking the manifest blob's SHA-256.  Writes
 * at most 72 bytes into digest.  0 or -1 with err set. */
int v2c_kube_image_digest (const char *dir, char *digest, size_t size,
                           struct v2c_err *err);

/* Read the files of want[0..n) from the layers of that manifest, last
 * layer winning, whiteouts honoured.  A file that is a symbolic link
 * is followed inside the image (at most V2C_KUBE_MAX_LINKS links, never
 * above its root; the directories on the way are taken as they are):
 * its target's content, with target set.  Files that are absent, not
 * regular, or larger than V2C_KUBE_MAX_CONFIG_BYTES get data NULL and
 * a reason in why.  0, or -1 with err set when the layout or a layer
 * can't be read.  Free with v2c_kube_files_clear. */
int v2c_kube_image_read_files (const char *dir, struct v2c_kube_file *want,
                               size_t n, struct v2c_err *err);
void v2c_kube_files_clear (struct v2c_kube_file *want, size_t n);

/* A port of the plan and the Service that serves it. */
struct v2c_kube_upstream {
  long port;
  const char *service;
};

/* text[0..len), an nginx configuration file, with the loopback address
 * (127.0.0.1, localhost, [::1] or hostname) of the first argument of
 * each proxy_pass, fastcgi_pass, uwsgi_pass, scgi_pass and grpc_pass
 * directive replaced by the Service of ups[0..n) that has its port;
 * comments and other directives are left alone.  *result (caller frees,
 * NUL-terminated) is NULL when nothing was rewritten; *count is the
 * number of rewrites, each logged "HOST:PORT -> SERVICE:PORT" (comma
 * separated) to log when not NULL.  0, or -1 when out of memory. */
int v2c_kube_rewrite_proxy (const char *text, size_t len, const char *hostname,
                            const struct v2c_kube_upstream *ups, size_t n,
                            char **result, size_t *count, FILE *log);

/* The absolute path named by the symbolic link at the absolute path
 * from whose text is link ("." and ".." resolved as text) in out.  0,
 * or -1 when it climbs above "/" or does not fit in size. */
int v2c_kube_link_target (const char *from, const char *link, char *out,
                          size_t size);

#endif /* V2C_KUBE_H */
