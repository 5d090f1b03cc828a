/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * v2c-batch's parts: the options and steps (v2c-batch.c), the VM list
 * (batch-source.c), running the workers (batch-run.c).
 */
#ifndef V2C_TOOLS_BATCH_H
#define V2C_TOOLS_BATCH_H

#include <jansson.h>
#include <string.h>
#include <sys/types.h>

/* Statuses of a VM in this run (fleet.json "status"). */
#define ST_CONVERTED "converted"
#define ST_UP_TO_DATE "up-to-date"
#define ST_FAILED "failed"
#define ST_TIMED_OUT "timed-out"
#define ST_PLANNED "planned"
#define ST_INTERRUPTED "interrupted"
#define ST_PENDING "pending"
#define ST_RUNNING "running"
#define ST_IS(s, st) ((s) != NULL && strcmp ((s), (st)) == 0)

struct vm {
  char *name;          /* unique, safe directory name */
  char *kube_name;     /* its Kubernetes name, unique in the batch */
  int renamed;         /* kube_name has a suffix: v2c-convert --name */
  char *path;          /* SOURCE path, or NULL for a libvirt domain */
  char *domain;        /* libvirt domain name (with batch_opts.uri) */
  char *source;        /* path or "URI#DOMAIN", as recorded */
  json_t *fingerprint; /* {files[], digest} of the source now */
  json_t *prev;        /* the state record of the last run, or NULL */
  const char *status;  /* ST_*: this run's outcome */
  char *error;         /* the error of a failed VM */
  int todo;            /* to be converted in this run */
  int force;           /* DIR/NAME exists: v2c-convert --force */
  time_t started;
  double duration;
  long max_rss_kib;
  int exit_status; /* worker's exit status, -1 when none */
  /* while running */
  pid_t pid;
  double t0, term_at, kill_at;
  int timed_out;
};

struct batch_opts {
  const char *out; /* -o DIR */
  const char *uri; /* -c URI */
  int jobs;        /* -j */
  double timeout;  /* --timeout seconds, 0: none */
  int retry_failed;
  const char *convert; /* the v2c-convert to run */
  char **pass;         /* pass-through options for v2c-convert */
  size_t npass;
  size_t waves_max; /* --waves-max, 0: no limit */
  size_t gitops_wave; /* --gitops-wave, 0: the last */
  /* --gitops REPO: the tree, the URL it is cloned from, the
   * environments (comma-separated) and ENV=REGISTRY pairs */
  const char *gitops, *gitops_url, *overlays;
  const char *policy_rules; /* --policy-rules FILE */
  char **gitops_registries;
  size_t ngitops_registries;
  /* --emit-k8s-job */
  const char *image, *exports_pvc, *results_pvc, *ns, *exports_root;
};

extern struct batch_opts bopts;

/* "DIR/.v2c-batch/state/NAME.json" etc.: malloc'd, caller frees. */
char *batch_path (const char *fmt, ...)
    __attribute__ ((format (printf, 1, 2)));

/* Write the state record of vm (status st) atomically; warns on error. */
void batch_write_state (const struct vm *vm, const char *st);

/* Run the VMs marked todo, -j at a time.  Returns 0, or the signal
 * number that stopped the batch (the running ones are then stopped,
 * waited for and marked interrupted, the others left pending). */
int batch_run (struct vm *vms, size_t n);

/* DIR/NAME written atomically: text, or a JSON document.  0, or -1
 * (message printed). */
int batch_write_text (const char *name, const char *text, size_t len);
int batch_write_json (const char *name, const json_t *doc);

/* --descriptor-only over FILE.json: the inventory vm->path holds,
 * checked by the model's loader; NULL with vm's status failed and its
 * error set (warned). */
json_t *batch_load_inventory_file (struct vm *vm);

/* doc as YAML in path (written atomically), after the comment (NULL:
 * none).  0, or -1 (message printed). */
int batch_put_yaml (const char *path, const json_t *doc, const char *comment);
/* batch_put_yaml, then doc released (NULL: out of memory, said). */
int batch_put_yaml_new (const char *path, json_t *doc, const char *comment);

/* A JSON file of at most V2C_FLEET_MAX_DOC_BYTES, or NULL. */
json_t *batch_read_json (const char *path);

/* mkdir -p: 0, or -1 with errno set. */
int batch_mkdir_p (const char *dir);

struct v2c_inventory;
/* DIR/graph.json, graph.html, waves.json from the VMs' inventories
 * (invs[i] and verdicts[i] may be NULL), and with converted
 * DIR/waves/wave-N/VM/, DIR/policies/ and policy.json (and --gitops's
 * tree) for the VMs converted.  *wavesp, *policyp: waves.json's and
 * policy.json's documents for fleet.html.  0, or -1 (message printed). */
int batch_write_graph (const struct vm *vms, size_t n,
                       struct v2c_inventory *const *invs,
                       char *const *verdicts, int converted, json_t **wavesp,
                       json_t **policyp);

/* --gitops: REPO/apps, argocd, flux for the converted VMs, the waves
 * as sync waves (tools/batch-gitops.c).  0, or -1 (message printed). */
int batch_write_gitops (const struct vm *vms, size_t n, const json_t *waves);
/* --gitops-registry ENV=REG, kept; the checks of the --gitops options
 * after parsing (a usage error exits 2). */
void batch_add_gitops_registry (const char *arg);
/* The registry of environment env (--gitops-registry ENV=REG), or NULL. */
const char *batch_gitops_registry (const char *env);
void batch_check_gitops (int descriptor_only, int k8s_job);

/* --policy-rules FILE, loaded and checked (a bad file exits 2). */
void batch_load_policy_rules (const char *path);
/* DIR/policies/ and DIR/policy.json, v2c's evaluation of its policies
 * on the converted VMs' objects (tools/batch-policy.c); *reportp:
 * policy.json's document for fleet.html.  0, or -1 (message printed). */
int batch_write_policy (const struct vm *vms, size_t n, json_t **reportp);
/* Where and how batch_write_links writes a VM's links. */
struct batch_links {
  json_int_t upto;    /* the last wave moved */
  const char *env;    /* --gitops environment (a namespace per VM and
                       * environment), or NULL: one namespace */
  const char *dir;    /* into dir/PREFIXkind-NAME.yaml */
  const char *prefix; /* "" or "bridge-" (handovers: "" or "handover-") */
  const char *comment; /* of a bridge's files */
  const char *header;  /* first line of a handover's comment, or NULL */
};
/* The links of VM vm, a VM of wave, as of wave l->upto: for each bridge
 * of wave vm calls through, while the VM it reaches moves after upto
 * the bridge's objects (objects: v2c_fleet_bridge_objects of wave),
 * once it has moved the handover to that VM's Service in its base
 * DIR/TO/k8s (v2c_fleet_handover_objects; a moved VM with no Service
 * serving the ports keeps the bridge, with a warning).  Each file name
 * appended to files.  -1 after the error. */
int batch_write_links (const json_t *wave, const json_t *objects,
                       const char *vm, const struct vm *vms, size_t n,
                       const struct batch_links *l, json_t *files);
/* The objects of kustomize base dir (the files its kustomization.yaml
 * lists) for which want is true, in that order.  New reference; NULL
 * on out of memory. */
json_t *batch_base_objects (const char *base, int (*want) (const json_t *));
/* "LABEL-ENV": the name of a VM's namespace, Application and Flux
 * Kustomization in environment env (--gitops). */
void batch_env_name (const struct vm *vm, const char *env, char *out,
                     size_t size);
/* The policies of the last batch_write_policy into dir (--gitops). */
int batch_write_policy_dir (const char *dir);
void batch_free_policy_rules (void);

#endif /* V2C_TOOLS_BATCH_H */
