/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * v2c-batch: v2c-convert over many VMs, -j at a time, each in its own
 * process; failures isolated, resumable, a fleet summary at the end.
 * Or a fleet plan from the descriptors alone (--descriptor-only), or a
 * Kubernetes Indexed Job that does the same work on a cluster
 * (--emit-k8s-job).
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "batch-source.h"
#include "batch.h"
#include "fleet.h"
#include "kube-job.h"
#include "options.h"
#include "outdir.h"
#include "plan.h"

enum {
  OPT_FROM_DIR = OPT_TOOL_BASE,
  OPT_MATCH,
  OPT_TIMEOUT,
  OPT_RETRY_FAILED,
  OPT_DESCRIPTOR_ONLY,
  OPT_EMIT_K8S_JOB,
  OPT_EXPORTS_PVC,
  OPT_RESULTS_PVC,
  OPT_EXPORTS_ROOT,
  OPT_STRATEGY,
  OPT_COMPRESS,
  OPT_DATA,
  OPT_DATA_MAX,
  OPT_VERIFY_RUN,
  OPT_TARGET,
  OPT_WAVES_MAX,
  OPT_GITOPS,
  OPT_GITOPS_URL,
  OPT_OVERLAYS,
  OPT_GITOPS_REGISTRY,
  OPT_GITOPS_WAVE,
  OPT_POLICY_RULES,
};

struct batch_opts bopts;

static noreturn void
usage (int status)
{
  if (status != EXIT_OK)
    tool_try_help ();
  printf (
      "Usage: %s [OPTION]... -o DIR SOURCE...\n"
      "  or:  %s [OPTION]... -o DIR --from-dir EXPORTDIR\n"
      "  or:  %s [OPTION]... -o DIR -c URI [--match GLOB]\n"
      "Convert many VMs with v2c-convert, N at a time, into DIR/VM/, and\n"
      "summarise the fleet in DIR/fleet.json, fleet.csv and fleet.html,\n"
      "its dependencies in DIR/graph.json and graph.html, and the\n"
      "migration waves in DIR/waves.json and DIR/waves/.\n"
      "A rerun skips the VMs whose output is complete and whose source\n"
      "did not change.\n"
      "\n"
      "  -o, --output=DIR        the output directory (required)\n"
      "      --from-dir=DIR      every *.ova, *.ovf, *.vmx under DIR\n"
      "  -c, --connect=URI       every domain of a libvirt URI\n"
      "      --match=GLOB        only the domains whose name matches\n"
      "  -j, --jobs=N            conversions at a time (default: CPUs)\n"
      "      --timeout=SECONDS   stop a conversion after SECONDS\n"
      "      --retry-failed      rerun only the VMs that failed last time\n"
      "      --descriptor-only   no conversion: a fleet plan from the\n"
      "                          descriptors (no disk is read), or from\n"
      "                          inventories v2c-inspect wrote (FILE.json)\n"
      "      --waves-max=N       at most N VMs in a migration wave\n"
      "      --gitops=REPO       write the converted fleet as a GitOps tree\n"
      "                          in REPO (apps/, argocd/, flux/)\n"
      "      --gitops-url=URL    where Argo CD and Flux clone REPO from\n"
      "                          (required with --gitops)\n"
      "      --overlays=ENV,...  its environments (default: prod)\n"
      "      --gitops-registry=ENV=REG  the image registry of ENV\n"
      "      --gitops-wave=N     the tree as of wave N: the VMs of waves\n"
      "                          1 to N, bridges to the later ones\n"
      "                          (default: the last wave)\n"
      "      --policy-rules=FILE the organisation's CEL rules, shipped\n"
      "                          with v2c's policies in DIR/policies\n"
      "      --emit-k8s-job      no conversion: write DIR/k8s-job/, a\n"
      "                          Kubernetes Indexed Job, one index per VM\n"
      "      --image=REF         the Job's container image (v2c:%s)\n"
      "      --exports-pvc=NAME  the Job reads SOURCEs from this PVC\n"
      "                          (at /exports; default v2c-exports)\n"
      "      --results-pvc=NAME  the Job writes to this PVC (at /results;\n"
      "                          default v2c-results)\n"
      "      --exports-root=DIR  SOURCE paths in the Job are relative to\n"
      "                          DIR (default: --from-dir)\n"
      "      --namespace=NS      the Job's namespace\n"
      "Passed to every v2c-convert:\n"
      "      --registry=REG  --templates=DIR  --strategy=S  "
      "--compress=C\n"
      "      --target=T (auto, container or vm: see v2c-plan(1))\n"
      "      --gpu-sharing=M  --gpu-runtime-class=NAME  --gpu-tolerate\n"
      "      --models=AS (pvc or oci)\n"
      "      --data=WHAT  --data-max=SIZE  --no-verify  --allow-outside-paths\n"
      "      --verify (v2c-verify each VM after its conversion; a failed\n"
      "      check fails the VM)\n"
      "  -v, --verbose           say more\n"
      "  -q, --quiet             no progress, no warnings\n"
      "  -h, --help              show this help and exit\n"
      "  -V, --version           show the version and exit\n"
      "\n"
      "The v2c-convert run is $V2C_CONVERT, else the one beside this\n"
      "program, else the one on $PATH.\n"
      "Exit status: 0 every VM converted, 1 a VM failed, 2 bad usage,\n"
      "130/143 stopped by SIGINT/SIGTERM.\n"
      "See v2c-batch(1).\n",
      program_name, program_name, program_name, PACKAGE_VERSION);
  exit (EXIT_OK);
}

static void
add_pass (const char *opt, const char *arg)
{
  char **p = realloc (bopts.pass, (bopts.npass + 2) * sizeof *p);

  if (p == NULL) {
    tool_error ("out of memory");
    exit (EXIT_FAIL);
  }
  bopts.pass = p;
  p[bopts.npass++] = (char *) opt;
  if (arg)
    p[bopts.npass++] = (char *) arg;
}

static long
number (const char *s, const char *what, long min, long max)
{
  char *end;
  long v;

  errno = 0;
  v = strtol (s, &end, 10);
  if (errno || end == s || *end || v < min || v > max) {
    tool_error ("%s '%s': give a number from %ld to %ld", what, s, min, max);
    tool_try_help ();
  }
  return v;
}

/* $V2C_CONVERT; else v2c-convert beside this program; else $PATH. */
static const char *
find_convert (void)
{
  const char *env = getenv ("V2C_CONVERT");

  return env && *env ? env : tool_sibling ("v2c-convert");
}

/* A VM's inventory and plan, loaded: NULL when absent or not sound (a
 * VM whose output is broken is summarised without them). */
static struct v2c_inventory *
load_inventory (const json_t *doc)
{
  struct v2c_err ignored = { 0, "" };

  return doc ? v2c_inventory_load (doc, &ignored) : NULL;
}

static struct v2c_inventory *
read_inventory (const char *path)
{
  json_t *doc = batch_read_json (path);
  struct v2c_inventory *inv = load_inventory (doc);

  json_decref (doc);
  return inv;
}

static struct v2c_plan *
read_plan (const char *path)
{
  struct v2c_err ignored = { 0, "" };
  json_t *doc = batch_read_json (path);
  struct v2c_plan *plan = doc ? v2c_plan_load (doc, &ignored) : NULL;

  json_decref (doc);
  return plan;
}

/* The previous state record of vm, or NULL (a bad one is reported). */
static json_t *
read_state (const struct vm *vm)
{
  struct v2c_err err = { 0, "" };
  char *path = batch_path (".v2c-batch/state/%s.json", vm->name);
  size_t len;
  char *buf;
  json_t *doc = NULL;

  buf = path ? v2c_read_file (path, V2C_FLEET_MAX_STATE_BYTES, &len, &err)
             : NULL;
  if (buf) {
    doc = v2c_fleet_state_parse (buf, len, &err);
    if (doc == NULL)
      tool_warning ("'%s': %s: the VM is converted again", path, err.msg);
    else if (strcmp (json_string_value (json_object_get (doc, "name")),
                     vm->name)
             != 0) {
      tool_warning ("'%s' is the record of '%s': the VM is converted again",
                    path, json_string_value (json_object_get (doc, "name")));
      json_decref (doc);
      doc = NULL;
    }
    free (buf);
  }
  free (path);
  return doc;
}

static int
is_dir (const char *path)
{
  struct stat st;

  return lstat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

/* Decide what this run does with each VM. */
static void
plan_run (struct vm *vms, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    struct vm *vm = &vms[i];
    const char *last;
    char *out = batch_path ("%s", vm->name);
    char *report = batch_path ("%s/report.json", vm->name);
    int complete = report && access (report, F_OK) == 0;

    vm->exit_status = -1;
    vm->prev = read_state (vm);
    last = json_string_value (json_object_get (vm->prev, "status"));
    vm->force = out && is_dir (out);
    if (complete && last
        && (strcmp (last, ST_CONVERTED) == 0
            || strcmp (last, ST_UP_TO_DATE) == 0)
        && json_is_string (json_object_get (vm->fingerprint, "digest"))
        && json_equal (json_object_get (vm->prev, "fingerprint"),
                       vm->fingerprint)) {
      vm->status = ST_UP_TO_DATE;
      vm->duration
          = json_number_value (json_object_get (vm->prev, "duration_s"));
      vm->max_rss_kib = (long) json_integer_value (
          json_object_get (vm->prev, "max_rss_kib"));
      tool_verbose ("%s: up to date", vm->name);
    } else if (bopts.retry_failed
               && !(last
                    && (strcmp (last, ST_FAILED) == 0
                        || strcmp (last, ST_TIMED_OUT) == 0))) {
      /* not a failure of the last run: left as it is */
      vm->status = ST_PENDING;
      if (last && strcmp (last, ST_INTERRUPTED) == 0)
        vm->status = ST_INTERRUPTED;
      if (json_is_string (json_object_get (vm->prev, "error")))
        vm->error
            = strdup (json_string_value (json_object_get (vm->prev, "error")));
    } else {
      /* what an earlier run left of it goes when the run starts
       * (tools/batch-run.c) */
      vm->todo = 1;
    }
    free (out);
    free (report);
  }
}

/* The OCI manifest of DIR/NAME/image (index.json's first manifest). */
static json_t *
read_manifest (const struct vm *vm)
{
  char *p = batch_path ("%s/image/index.json", vm->name);
  json_t *index = p ? batch_read_json (p) : NULL, *m = NULL;
  const char *d = json_string_value (json_object_get (
      json_array_get (json_object_get (index, "manifests"), 0), "digest"));
  size_t i;

  free (p);
  if (d && strncmp (d, "sha256:", 7) == 0 && strlen (d) == 71) {
    for (i = 7; i < 71 && v2c_hex_value (d[i]) >= 0; i++)
      ;
    if (i == 71
        && (p = batch_path ("%s/image/blobs/sha256/%s", vm->name, d + 7))) {
      m = batch_read_json (p);
      free (p);
    }
  }
  json_decref (index);
  return m;
}

int
batch_write_text (const char *name, const char *text, size_t len)
{
  char *path = batch_path ("%s", name);

  if (path == NULL || v2c_write_file_atomic (path, text, len) == -1) {
    tool_error ("can't write '%s': %s", path ? path : name, strerror (errno));
    free (path);
    return -1;
  }
  free (path);
  return 0;
}

/* fleet.json, fleet.csv, fleet.html from the VMs and their outputs
 * (inventories[i] in descriptor-only mode). */
static int
write_fleet (struct vm *vms, size_t n, json_t **inventories, const char *mode)
{
  struct v2c_err err = { 0, "" };
  json_t *arr = json_array (), *fleet, *waves = NULL, *policy = NULL;
  struct v2c_inventory **invs = calloc (n ? n : 1, sizeof *invs);
  char **verdicts = calloc (n ? n : 1, sizeof *verdicts);
  char *text;
  size_t i, len;
  int ret = 0;

  if (invs == NULL || verdicts == NULL) {
    json_decref (arr);
    arr = NULL;
  }
  for (i = 0; arr && i < n; i++) {
    struct vm *vm = &vms[i];
    json_t *state, *report = NULL, *man = NULL, *sum;
    struct v2c_inventory *inv = NULL;
    struct v2c_plan *plan = NULL;
    const char *verdict;
    int done = ST_IS (vm->status, ST_CONVERTED)
               || ST_IS (vm->status, ST_UP_TO_DATE);

    state = json_pack ("{s:s,s:s?,s:s,s:s,s:o,s:f,s:I}", "name", vm->name,
                       "kube_name", vm->kube_name, "source",
                       vm->source, "status", vm->status, "error",
                       vm->error ? json_string (vm->error) : json_null (),
                       "duration_s", vm->duration, "max_rss_kib",
                       (json_int_t) vm->max_rss_kib);
    if (inventories)
      inv = load_inventory (inventories[i]);
    else if (done) {
      char *p;

      if ((p = batch_path ("%s/inventory.json", vm->name)))
        inv = read_inventory (p);
      free (p);
      if ((p = batch_path ("%s/plan.json", vm->name)))
        plan = read_plan (p);
      free (p);
      if ((p = batch_path ("%s/report.json", vm->name)))
        report = batch_read_json (p);
      free (p);
      man = read_manifest (vm);
      if (report == NULL)
        tool_warning ("%s: no readable '%s/report.json'", vm->name, vm->name);
    }
    sum = state ? v2c_fleet_vm (state, inv, plan, report, man, &err) : NULL;
    verdict = json_string_value (
        json_object_get (json_object_get (report, "fitness"), "verdict"));
    invs[i] = inv;
    verdicts[i] = verdict ? strdup (verdict) : NULL;
    json_decref (state);
    v2c_plan_free (plan);
    json_decref (report);
    json_decref (man);
    if (sum == NULL || json_array_append_new (arr, sum) == -1) {
      json_decref (arr);
      arr = NULL;
    }
  }
  fleet = arr ? v2c_fleet_build (arr, mode, &err) : NULL;
  json_decref (arr);
  if (fleet == NULL) {
    tool_error ("can't build the fleet summary: out of memory");
    ret = -1;
    goto out;
  }
  if (batch_write_json ("fleet.json", fleet) == -1)
    ret = -1;
  text = v2c_fleet_csv (fleet, &len, &err);
  if (text == NULL || batch_write_text ("fleet.csv", text, len) == -1)
    ret = -1;
  free (text);
  /* the dependency graph and the waves, then fleet.html with them */
  if (batch_write_graph (vms, n, invs, verdicts,
                         strcmp (mode, "convert") == 0, &waves, &policy)
      == -1)
    ret = -1;
  text = v2c_fleet_html_plan (fleet, waves, policy, &len, &err);
  if (text == NULL || batch_write_text ("fleet.html", text, len) == -1)
    ret = -1;
  free (text);
  if (!opts.quiet && ret == 0)
    fprintf (
        stderr,
        "%s: fleet of %zu VMs in '%s/fleet.{json,csv,html}'; layers: "
        "%" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT " bytes unique; "
        "%" JSON_INTEGER_FORMAT " waves in waves.json, dependencies in "
        "graph.{json,html}\n",
        program_name, n, bopts.out,
        json_integer_value (json_object_get (json_object_get (fleet, "layers"),
                                             "unique_bytes")),
        json_integer_value (json_object_get (json_object_get (fleet, "layers"),
                                             "total_bytes")),
        json_integer_value (json_object_get (json_object_get (waves, "counts"),
                                             "waves")));
  json_decref (fleet);
out:
  json_decref (waves);
  json_decref (policy);
  for (i = 0; i < n; i++) {
    if (invs)
      v2c_inventory_free (invs[i]);
    if (verdicts)
      free (verdicts[i]);
  }
  free (invs);
  free (verdicts);
  return ret;
}

/* --descriptor-only: each VM's inventory from its descriptor. */
static int
descriptor_only (struct vm *vms, size_t n)
{
  json_t **invs = calloc (n ? n : 1, sizeof *invs);
  char *dir = batch_path ("inventories");
  size_t i;
  int status = EXIT_OK;

  if (invs == NULL || dir == NULL || batch_mkdir_p (dir) == -1) {
    tool_error ("can't create '%s': %s", dir ? dir : "inventories",
                strerror (errno));
    free (invs);
    free (dir);
    return EXIT_FAIL;
  }
  for (i = 0; i < n; i++) {
    struct vm *vm = &vms[i];
    double t0 = tool_now ();
    struct v2c_source *src;
    char *p;

    vm->status = ST_PLANNED;
    if (vm->path && v2c_strcasesuffix (vm->path, ".json")) {
      /* an inventory v2c-inspect wrote */
      if ((invs[i] = batch_load_inventory_file (vm)) == NULL)
        status = EXIT_FAIL;
      vm->duration = tool_now () - t0;
      continue;
    }
    src = v2c_source_new ();
    if (src == NULL) {
      tool_error ("out of memory");
      status = EXIT_FAIL;
      break;
    }
    v2c_source_set_descriptor_only (src, 1);
    /* The descriptor's own digest and the manifest's coverage: cheap. */
    v2c_source_set_verify (src, !opts.no_verify);
    v2c_source_set_allow_outside_paths (src, opts.allow_outside);
    v2c_source_set_message_callback (src, tool_message_cb, NULL);
    if ((vm->path ? v2c_source_open (src, vm->path)
                  : v2c_source_open_libvirt (src, bopts.uri, vm->domain))
            == -1
        || (invs[i] = v2c_inventory_build (src, NULL)) == NULL) {
      vm->status = ST_FAILED;
      vm->error = strdup (v2c_source_error (src));
      tool_warning ("%s: %s", vm->name, v2c_source_error (src));
      status = EXIT_FAIL;
    } else if ((p = batch_path ("inventories/%s.json", vm->name)) == NULL
               || v2c_json_write_file (invs[i], p) == -1) {
      tool_error ("can't write '%s': %s", p ? p : vm->name, strerror (errno));
      status = EXIT_FAIL;
      free (p);
    } else
      free (p);
    v2c_source_free (src);
    vm->duration = tool_now () - t0;
  }
  if (write_fleet (vms, n, invs, "descriptor-only") == -1)
    status = EXIT_FAIL;
  for (i = 0; i < n; i++)
    json_decref (invs[i]);
  free (invs);
  free (dir);
  return status;
}

/* --emit-k8s-job: DIR/k8s-job/ (lib/kube-job.c). */
static int
emit_k8s_job (struct vm *vms, size_t n)
{
  struct v2c_err err = { 0, "" };
  struct v2c_kube_job job = { 0 };
  const char **names = calloc (n, sizeof *names);
  const char **sources = calloc (n, sizeof *sources);
  const char **kube_names = calloc (n, sizeof *kube_names);
  char *dir = batch_path ("k8s-job");
  size_t i;
  int status = EXIT_FAIL;

  if (names == NULL || sources == NULL || kube_names == NULL || dir == NULL) {
    tool_error ("out of memory");
    goto out;
  }
  for (i = 0; i < n; i++) {
    names[i] = vms[i].name;
    sources[i] = vms[i].path;
    kube_names[i] = vms[i].renamed ? vms[i].kube_name : NULL;
  }
  job.names = names;
  job.sources = sources;
  job.kube_names = kube_names;
  job.n = n;
  job.exports_root = bopts.exports_root;
  job.image = bopts.image;
  job.exports_pvc = bopts.exports_pvc;
  job.results_pvc = bopts.results_pvc;
  job.ns = bopts.ns;
  job.parallelism = bopts.jobs;
  job.args = bopts.pass;
  job.nargs = bopts.npass;
  if (v2c_kube_job_write (dir, &job, &err) == -1) {
    tool_error ("%s", err.msg);
    goto out;
  }
  if (!opts.quiet)
    fprintf (stderr, "%s: a Job of %zu VMs in '%s' (kubectl apply -k)\n",
             program_name, n, dir);
  status = EXIT_OK;
out:
  free (names);
  free (sources);
  free (kube_names);
  free (dir);
  return status;
}

static void
free_vms (struct vm *vms, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    free (vms[i].name);
    free (vms[i].kube_name);
    free (vms[i].path);
    free (vms[i].domain);
    free (vms[i].source);
    free (vms[i].error);
    json_decref (vms[i].fingerprint);
    json_decref (vms[i].prev);
  }
  free (vms);
  free (bopts.pass);
  free (bopts.gitops_registries);
  batch_free_policy_rules ();
}

/* A GPU option: checked here, not per VM, and passed on; anything
 * else is a usage error. */
static void
pass_gpu_option (int c, const char *arg)
{
  struct v2c_gpu_opts gpu = { NULL, NULL, NULL, 0, NULL };

  if (!tool_gpu_option (c, arg, &gpu))
    tool_try_help ();
  add_pass (c == OPT_GPU_SHARING    ? "--gpu-sharing"
            : c == OPT_GPU_TOLERATE ? "--gpu-tolerate"
            : c == OPT_GPU_MODELS   ? "--models"
                                    : "--gpu-runtime-class",
            c == OPT_GPU_TOLERATE ? NULL : arg);
}

/* What the command line asks for, besides bopts and opts. */
struct cmdline {
  const char *from_dir; /* --from-dir */
  const char *match;    /* --match */
  int descr;            /* --descriptor-only */
  int k8s;              /* --emit-k8s-job */
  int verify;           /* --verify */
  char **sources;       /* the SOURCE arguments */
  size_t nsources;
};

static void
parse_options (int argc, char **argv, struct cmdline *cl)
{
  static const struct option long_opts[]
      = { COMMON_LONG_OPTS,
          { "jobs", required_argument, NULL, 'j' },
          { "from-dir", required_argument, NULL, OPT_FROM_DIR },
          { "match", required_argument, NULL, OPT_MATCH },
          { "timeout", required_argument, NULL, OPT_TIMEOUT },
          { "retry-failed", no_argument, NULL, OPT_RETRY_FAILED },
          { "descriptor-only", no_argument, NULL, OPT_DESCRIPTOR_ONLY },
          { "emit-k8s-job", no_argument, NULL, OPT_EMIT_K8S_JOB },
          { "image", required_argument, NULL, OPT_IMAGE },
          { "exports-pvc", required_argument, NULL, OPT_EXPORTS_PVC },
          { "results-pvc", required_argument, NULL, OPT_RESULTS_PVC },
          { "exports-root", required_argument, NULL, OPT_EXPORTS_ROOT },
          { "namespace", required_argument, NULL, OPT_NAMESPACE },
          { "registry", required_argument, NULL, OPT_REGISTRY },
          { "strategy", required_argument, NULL, OPT_STRATEGY },
          { "compress", required_argument, NULL, OPT_COMPRESS },
          { "data", required_argument, NULL, OPT_DATA },
          { "data-max", required_argument, NULL, OPT_DATA_MAX },
          { "no-verify", no_argument, NULL, OPT_NO_VERIFY },
          { "allow-outside-paths", no_argument, NULL, OPT_ALLOW_OUTSIDE },
          { "verify", no_argument, NULL, OPT_VERIFY_RUN },
          { "target", required_argument, NULL, OPT_TARGET },
          TOOL_GPU_LONG_OPTS,
          { "waves-max", required_argument, NULL, OPT_WAVES_MAX },
          { "gitops", required_argument, NULL, OPT_GITOPS },
          { "gitops-url", required_argument, NULL, OPT_GITOPS_URL },
          { "overlays", required_argument, NULL, OPT_OVERLAYS },
          { "gitops-registry", required_argument, NULL, OPT_GITOPS_REGISTRY },
          { "gitops-wave", required_argument, NULL, OPT_GITOPS_WAVE },
          { "policy-rules", required_argument, NULL, OPT_POLICY_RULES },
          { NULL, 0, NULL, 0 } };
  long cpus = sysconf (_SC_NPROCESSORS_ONLN);
  int c;

  bopts.jobs = cpus > 0 ? (int) cpus : 1;
  while (
      (c = getopt_long (argc, argv, COMMON_SHORT_OPTS "j:", long_opts, NULL))
      != -1) {
    if (c != OPT_TEMPLATES && c != OPT_NO_VERIFY && c != OPT_ALLOW_OUTSIDE
        && tool_common_option (c, optarg, usage))
      continue;
    switch (c) {
    case 'j':
      bopts.jobs = (int) number (optarg, "-j", 1, 1024);
      break;
    case OPT_FROM_DIR:
      cl->from_dir = optarg;
      break;
    case OPT_MATCH:
      cl->match = optarg;
      break;
    case OPT_TIMEOUT:
      bopts.timeout = (double) number (optarg, "--timeout", 1, 30 * 86400);
      break;
    case OPT_RETRY_FAILED:
      bopts.retry_failed = 1;
      break;
    case OPT_DESCRIPTOR_ONLY:
      cl->descr = 1;
      break;
    case OPT_EMIT_K8S_JOB:
      cl->k8s = 1;
      break;
    case OPT_IMAGE:
      tool_check_kube_name ("--image", V2C_KUBE_IMAGE, optarg);
      bopts.image = optarg;
      break;
    case OPT_EXPORTS_PVC:
      tool_check_kube_name ("--exports-pvc", V2C_KUBE_SUBDOMAIN, optarg);
      bopts.exports_pvc = optarg;
      break;
    case OPT_RESULTS_PVC:
      tool_check_kube_name ("--results-pvc", V2C_KUBE_SUBDOMAIN, optarg);
      bopts.results_pvc = optarg;
      break;
    case OPT_EXPORTS_ROOT:
      bopts.exports_root = optarg;
      break;
    case OPT_NAMESPACE:
      tool_check_kube_name ("--namespace", V2C_KUBE_LABEL, optarg);
      bopts.ns = optarg;
      break;
    case OPT_TEMPLATES:
      add_pass ("--templates", optarg);
      break;
    case OPT_REGISTRY:
      tool_check_kube_name ("--registry", V2C_KUBE_REGISTRY, optarg);
      add_pass ("--registry", optarg);
      break;
    case OPT_STRATEGY:
      add_pass ("--strategy", optarg);
      break;
    case OPT_COMPRESS:
      add_pass ("--compress", optarg);
      break;
    case OPT_GITOPS:
      bopts.gitops = optarg;
      break;
    case OPT_GITOPS_URL:
      bopts.gitops_url = optarg;
      break;
    case OPT_OVERLAYS:
      bopts.overlays = optarg;
      break;
    case OPT_POLICY_RULES:
      bopts.policy_rules = optarg;
      break;
    case OPT_GITOPS_REGISTRY:
      batch_add_gitops_registry (optarg);
      break;
    case OPT_GITOPS_WAVE:
      bopts.gitops_wave = (size_t) number (optarg, "--gitops-wave", 1, 100000);
      break;
    case OPT_WAVES_MAX:
      bopts.waves_max = (size_t) number (optarg, "--waves-max", 1, 100000);
      break;
    case OPT_TARGET:
      add_pass ("--target", tool_target_arg (optarg));
      break;
    case OPT_DATA:
      tool_data_mode (optarg);     /* bad usage here, not per VM */
      add_pass ("--data", optarg);
      break;
    case OPT_DATA_MAX:
      tool_size_arg ("--data-max", optarg);
      add_pass ("--data-max", optarg);
      break;
    case OPT_NO_VERIFY:
      opts.no_verify = 1;
      add_pass ("--no-verify", NULL);
      break;
    case OPT_VERIFY_RUN:
      cl->verify = 1;
      add_pass ("--verify", NULL);
      break;
    case OPT_ALLOW_OUTSIDE:
      opts.allow_outside = 1;
      add_pass ("--allow-outside-paths", NULL);
      break;
    default:
      pass_gpu_option (c, optarg);
    }
  }
  cl->sources = argv + optind;
  cl->nsources = (size_t) (argc - optind);
}

/* Usage errors between the options (exit 2). */
static void
check_options (struct cmdline *cl)
{
  size_t i;

  tool_need_output_dir ();
  bopts.out = opts.output;
  bopts.uri = opts.uri;
  if (opts.domain) {
    tool_error ("-d is for v2c-convert: give -c URI (and --match GLOB)");
    tool_try_help ();
  }
  if ((cl->from_dir != NULL) + (opts.uri != NULL) + (cl->nsources > 0) != 1) {
    tool_error ("give SOURCEs, --from-dir DIR or -c URI (one of them)");
    tool_try_help ();
  }
  if (cl->match && !opts.uri) {
    tool_error ("--match filters the domains of -c URI");
    tool_try_help ();
  }
  if (cl->descr + cl->k8s + bopts.retry_failed > 1) {
    tool_error ("--descriptor-only, --emit-k8s-job and --retry-failed "
                "exclude each other");
    tool_try_help ();
  }
  if (cl->verify && (cl->descr || cl->k8s)) {
    tool_error ("--verify runs converted VMs on podman: not with "
                "--descriptor-only or --emit-k8s-job");
    tool_try_help ();
  }
  if (cl->k8s && opts.uri) {
    tool_error ("--emit-k8s-job takes SOURCE paths or --from-dir, not -c");
    tool_try_help ();
  }
  if (!cl->k8s
      && (bopts.image || bopts.exports_pvc || bopts.results_pvc
          || bopts.exports_root || bopts.ns)) {
    tool_error ("--image, --exports-pvc, --results-pvc, --exports-root and "
                "--namespace go with --emit-k8s-job");
    tool_try_help ();
  }
  if (cl->k8s && !bopts.exports_root)
    bopts.exports_root = cl->from_dir;
  batch_check_gitops (cl->descr, cl->k8s);
  if (bopts.policy_rules)
    batch_load_policy_rules (bopts.policy_rules);
  for (i = 0; !cl->descr && i < cl->nsources; i++)
    if (v2c_strcasesuffix (cl->sources[i], ".json")) {
      tool_error ("'%s': an inventory goes with --descriptor-only (it has "
                  "no disk to convert)",
                  cl->sources[i]);
      tool_try_help ();
    }
}

/* The SOURCE paths or domain names to convert.  0 or -1 (message
 * printed); *list may hold NULLs where memory ran out. */
static int
list_sources (const struct cmdline *cl, char ***list, size_t *n)
{
  struct v2c_err err = { 0, "" };
  size_t i;

  *list = NULL;
  *n = 0;
  if (cl->from_dir)
    return batch_find_sources (cl->from_dir, list, n);
  if (opts.uri) {
    if (v2c_libvirt_list_domains (opts.uri, cl->match, list, n, &err) == -1) {
      tool_error ("%s", err.msg);
      return -1;
    }
    return 0;
  }
  *n = cl->nsources;
  *list = calloc (*n, sizeof **list);
  for (i = 0; *list && i < *n; i++)
    (*list)[i] = strdup (cl->sources[i]);
  return 0;
}

/* The VMs of the batch, named and fingerprinted; NULL (message
 * printed) when there are none or on error. */
static struct vm *
list_vms (const struct cmdline *cl, size_t *np)
{
  char **list;
  struct vm *vms;
  size_t n, i;

  if (list_sources (cl, &list, &n) == -1)
    return NULL;
  if (n == 0) {
    tool_error ("no VM to convert");
    free (list);
    return NULL;
  }
  if (n > 100000) {
    tool_error ("%zu VMs: at most 100000 in one batch", n);
    return NULL;
  }
  vms = calloc (n, sizeof *vms);
  if (vms == NULL || list == NULL) {
    tool_error ("out of memory");
    return NULL;
  }
  for (i = 0; i < n; i++) {
    if (list[i] == NULL) {
      tool_error ("out of memory");
      return NULL;
    }
    vms[i].exit_status = -1;
    if (opts.uri) {
      vms[i].domain = list[i];
      if (asprintf (&vms[i].source, "%s#%s", opts.uri, list[i]) == -1)
        vms[i].source = NULL;
    } else {
      vms[i].path = list[i];
      vms[i].source = strdup (list[i]);
    }
    if (vms[i].source == NULL) {
      tool_error ("out of memory");
      return NULL;
    }
  }
  free (list);
  if (batch_name_vms (vms, n,
                      cl->from_dir ? cl->from_dir : bopts.exports_root)
      == -1)
    return NULL;
  *np = n;
  return vms;
}

/* DIR/.v2c-batch/{state,logs}, and its lock: one batch at a time in
 * DIR.  The lock's descriptor, or -1 (message printed). */
static int
prepare_state (void)
{
  static const char *const dirs[] = { ".v2c-batch/state", ".v2c-batch/logs" };
  char *p;
  size_t i;
  int lockfd;

  for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
    p = batch_path ("%s", dirs[i]);
    if (p == NULL || batch_mkdir_p (p) == -1) {
      tool_error ("can't create '%s': %s", p ? p : bopts.out,
                  strerror (errno));
      return -1;
    }
    free (p);
  }
  p = batch_path (".v2c-batch/lock");
  lockfd = p ? open (p, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;
  if (lockfd == -1 || flock (lockfd, LOCK_EX | LOCK_NB) == -1) {
    tool_error ("can't lock '%s': %s", p ? p : bopts.out,
                errno == EWOULDBLOCK ? "another v2c-batch runs in it"
                                     : strerror (errno));
    return -1;
  }
  free (p);
  return lockfd;
}

/* Convert what needs it, then the fleet summary: the exit status. */
static int
convert (struct vm *vms, size_t n)
{
  int stop, status, lockfd = prepare_state ();
  size_t i;

  if (lockfd == -1)
    return EXIT_FAIL;
  bopts.convert = find_convert ();
  tool_verbose ("running '%s', %d at a time", bopts.convert, bopts.jobs);

  plan_run (vms, n);
  stop = batch_run (vms, n);
  status = write_fleet (vms, n, NULL, "convert") == 0 ? EXIT_OK : EXIT_FAIL;
  for (i = 0; i < n; i++)
    if (ST_IS (vms[i].status, ST_FAILED)
        || ST_IS (vms[i].status, ST_TIMED_OUT))
      status = EXIT_FAIL;
  if (stop)
    status = 128 + stop;
  close (lockfd);
  return status;
}

int
main (int argc, char **argv)
{
  struct cmdline cl = { 0 };
  struct vm *vms;
  size_t n = 0;
  int status;

  tool_init (argc, argv);
  parse_options (argc, argv, &cl);
  check_options (&cl);
  /* the output first: a wrong -o fails before any VM is read */
  if (tool_check_output (bopts.out, 1) == -1)
    return EXIT_FAIL;
  vms = list_vms (&cl, &n);
  if (vms == NULL)
    return EXIT_FAIL;
  if (batch_mkdir_p (bopts.out) == -1) {
    tool_error ("can't create '%s': %s", bopts.out, strerror (errno));
    return EXIT_FAIL;
  }
  if (cl.k8s)
    status = emit_k8s_job (vms, n);
  else if (cl.descr)
    status = descriptor_only (vms, n);
  else
    status = convert (vms, n);
  free_vms (vms, n);
  return status;
}
