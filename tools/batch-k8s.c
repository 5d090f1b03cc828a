/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * v2c-batch --emit-k8s-job: the batch as a Kubernetes Indexed Job.
 * Completion index i converts line i+1 of the VM list (a ConfigMap
 * mounted as files): /exports/SOURCE into /results/NAME.  The list is
 * data, the command a constant, and the pass-through options are the
 * container's args, so nothing from a file name is ever parsed by a
 * shell.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "options.h"
#include "v2c-yaml.h"

/* The container's command, run as: sh -c SCRIPT v2c-batch-job ARGS...
 * where ARGS are the pass-through options. */
static const char job_script[]
    = "set -eu\n"
      "i=$((JOB_COMPLETION_INDEX + 1))\n"
      "name=$(sed -n \"${i}p\" /etc/v2c-batch/names)\n"
      "src=$(sed -n \"${i}p\" /etc/v2c-batch/sources)\n"
      "if [ -z \"$name\" ] || [ -z \"$src\" ]; then\n"
      "  echo \"v2c-batch-job: no VM at index $JOB_COMPLETION_INDEX\" >&2\n"
      "  exit 1\n"
      "fi\n"
      "echo \"v2c-batch-job: index $JOB_COMPLETION_INDEX: $src -> "
      "/results/$name\" >&2\n"
      "exec v2c-convert --force \"$@\" \"/exports/$src\" -o "
      "\"/results/$name\"\n";

/* path relative to the exports root, or NULL (message printed). */
static char *
relative (const char *path)
{
  const char *root = bopts.exports_root;
  char rroot[4096], rpath[4096];
  size_t len;

  if (strchr (path, '\n') || strchr (path, '\r')) {
    tool_error ("'%s': a line break in a SOURCE path can't go into the "
                "Job's list",
                path);
    return NULL;
  }
  if (root == NULL) {
    if (path[0] == '/') {
      tool_error ("'%s': give --from-dir or --exports-root to make it "
                  "relative to the exports volume",
                  path);
      return NULL;
    }
    return strdup (path);
  }
  if (realpath (root, rroot) == NULL || realpath (path, rpath) == NULL) {
    tool_error ("'%s': %s", realpath (root, rroot) ? path : root,
                strerror (errno));
    return NULL;
  }
  len = strlen (rroot);
  if (strncmp (rpath, rroot, len) != 0 || rpath[len] != '/') {
    tool_error ("'%s' is not under the exports root '%s'", path, root);
    return NULL;
  }
  return strdup (rpath + len + 1);
}

static int
write_yaml (const char *dir, const char *file, const json_t *doc,
            const char *comment)
{
  struct v2c_err err = { 0, "" };
  char path[4200];
  size_t len;
  char *text = v2c_yaml_dump (doc, comment, &len, &err);
  FILE *f;
  int ok;

  if (text == NULL) {
    tool_error ("%s: %s", file, err.msg);
    return -1;
  }
  snprintf (path, sizeof path, "%s/%s", dir, file);
  f = fopen (path, "we");
  ok = f && fwrite (text, 1, len, f) == len;
  if (f && fclose (f) != 0)
    ok = 0;
  free (text);
  if (!ok) {
    tool_error ("can't write '%s': %s", path, strerror (errno));
    return -1;
  }
  return 0;
}

static json_t *
job_object (size_t n, json_t *args)
{
  const char *image = bopts.image;
  char def[64];

  if (image == NULL) {
    snprintf (def, sizeof def, "v2c:%s", PACKAGE_VERSION);
    image = def;
  }
  return json_pack (
      "{s:s,s:s,s:{s:s,s:{s:s,s:s}},s:{s:s,s:I,s:I,s:i,s:{s:{s:{s:s}},s:{"
      "s:s,s:{s:b,s:i,s:i,s:i,s:{s:s}},s:[{s:s,s:s,s:s,s:[s,s,s,s],s:o,s:"
      "[{s:s,s:s},{s:s,s:s}],s:{s:b,s:b,s:{s:[s]}},s:{s:{s:s,s:s},s:{s:s}},"
      "s:[{s:s,s:s,s:b},{s:s,s:s},{s:s,s:s,s:b},{s:s,s:s},{s:s,s:s}]}],s:"
      "[{s:s,s:{s:s,s:b}},{s:s,s:{s:s}},{s:s,s:{s:s}},{s:s,s:{}},{s:s,s:{}}"
      "]}}}}",
      "apiVersion", "batch/v1", "kind", "Job", "metadata", "name", "v2c-batch",
      "labels", "app.kubernetes.io/name", "v2c-batch",
      "app.kubernetes.io/managed-by", "v2c-batch",
      /* spec */
      "spec", "completionMode", "Indexed", "completions", (json_int_t) n,
      "parallelism",
      (json_int_t) (bopts.jobs < (int) n ? bopts.jobs : (int) n),
      "backoffLimitPerIndex", 1,
      /* template */
      "template", "metadata", "labels", "app.kubernetes.io/name", "v2c-batch",
      "spec", "restartPolicy", "Never", "securityContext", "runAsNonRoot", 1,
      "runAsUser", 1000, "runAsGroup", 1000, "fsGroup", 1000, "seccompProfile",
      "type", "RuntimeDefault",
      /* container */
      "containers", "name", "v2c-convert", "image", image, "imagePullPolicy",
      "IfNotPresent", "command", "sh", "-c", job_script, "v2c-batch-job",
      "args", args, "env", "name", "HOME", "value", "/tmp", "name",
      "LIBGUESTFS_CACHEDIR", "value", "/var/tmp", "securityContext",
      "allowPrivilegeEscalation", 0, "readOnlyRootFilesystem", 1,
      "capabilities", "drop", "ALL", "resources", "requests", "cpu", "1",
      "memory", "2Gi", "limits", "memory", "4Gi", "volumeMounts", "name",
      "exports", "mountPath", "/exports", "readOnly", 1, "name", "results",
      "mountPath", "/results", "name", "vm-list", "mountPath",
      "/etc/v2c-batch", "readOnly", 1, "name", "tmp", "mountPath", "/tmp",
      "name", "var-tmp", "mountPath", "/var/tmp",
      /* volumes */
      "volumes", "name", "exports", "persistentVolumeClaim", "claimName",
      bopts.exports_pvc ? bopts.exports_pvc : "v2c-exports", "readOnly", 1,
      "name", "results", "persistentVolumeClaim", "claimName",
      bopts.results_pvc ? bopts.results_pvc : "v2c-results", "name", "vm-list",
      "configMap", "name", "v2c-batch-vms", "name", "tmp", "emptyDir", "name",
      "var-tmp", "emptyDir");
}

int
batch_emit_k8s_job (struct vm *vms, size_t n)
{
  char *dir = batch_path ("k8s-job"), *names = NULL, *sources = NULL;
  size_t nl = 0, sl = 0, i;
  FILE *fn = NULL, *fs = NULL;
  json_t *args = json_array (), *job = NULL, *cm = NULL, *kust = NULL;
  int ret = -1;
  char hdr[256];

  if (dir == NULL || args == NULL)
    goto oom;
  if (mkdir (dir, 0755) == -1 && errno != EEXIST) {
    tool_error ("can't create '%s': %s", dir, strerror (errno));
    goto out;
  }
  fn = open_memstream (&names, &nl);
  fs = open_memstream (&sources, &sl);
  if (fn == NULL || fs == NULL)
    goto oom;
  for (i = 0; i < n; i++) {
    char *rel = relative (vms[i].path);

    if (rel == NULL)
      goto out;
    fprintf (fn, "%s\n", vms[i].name);
    fprintf (fs, "%s\n", rel);
    free (rel);
  }
  if (fclose (fn) != 0 || fclose (fs) != 0) {
    fn = fs = NULL;
    goto oom;
  }
  fn = fs = NULL;
  for (i = 0; i < bopts.npass; i++)
    if (json_array_append_new (args, json_string (bopts.pass[i])) == -1)
      goto oom;
  cm = json_pack ("{s:s,s:s,s:{s:s,s:{s:s}},s:{s:s,s:s}}", "apiVersion", "v1",
                  "kind", "ConfigMap", "metadata", "name", "v2c-batch-vms",
                  "labels", "app.kubernetes.io/name", "v2c-batch", "data",
                  "names", names, "sources", sources);
  job = job_object (n, args);
  args = NULL;
  kust = json_pack ("{s:s,s:s,s:[s,s]}", "apiVersion",
                    "kustomize.config.k8s.io/v1beta1", "kind", "Kustomization",
                    "resources", "configmap.yaml", "job.yaml");
  if (cm == NULL || job == NULL || kust == NULL)
    goto oom;
  if (bopts.ns
      && json_object_set_new (kust, "namespace", json_string (bopts.ns)) == -1)
    goto oom;
  snprintf (hdr, sizeof hdr,
            "Written by v2c-batch %s --emit-k8s-job: %zu VMs, one "
            "completion index each.",
            PACKAGE_VERSION, n);
  if (write_yaml (dir, "configmap.yaml", cm, hdr) == -1
      || write_yaml (dir, "job.yaml", job, hdr) == -1
      || write_yaml (dir, "kustomization.yaml", kust, hdr) == -1)
    goto out;
  if (!opts.quiet)
    fprintf (stderr, "%s: a Job of %zu VMs in '%s' (kubectl apply -k)\n",
             program_name, n, dir);
  ret = 0;
  goto out;
oom:
  tool_error ("out of memory");
out:
  if (fn)
    fclose (fn);
  if (fs)
    fclose (fs);
  free (names);
  free (sources);
  json_decref (args);
  json_decref (job);
  json_decref (cm);
  json_decref (kust);
  free (dir);
  return ret;
}
