/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The Indexed Job of a batch of VMs (see kube-job.h): the VM list as a
 * ConfigMap, the Job, and the kustomization that applies both.  The
 * list is data, the command a constant, and the pass-through options
 * are the container's args, so nothing from a file name is ever parsed
 * by a shell.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kube-job.h"
#include "kube.h"
#include "v2c-yaml.h"

/* The container's command, run as: sh -c SCRIPT v2c-batch-job ARGS...
 * where ARGS are the pass-through options. */
static const char job_script[]
    = "set -eu\n"
      "i=$((JOB_COMPLETION_INDEX + 1))\n"
      "name=$(sed -n \"${i}p\" /etc/v2c-batch/names)\n"
      "src=$(sed -n \"${i}p\" /etc/v2c-batch/sources)\n"
      "kname=$(sed -n \"${i}p\" /etc/v2c-batch/kube-names)\n"
      "if [ -z \"$name\" ] || [ -z \"$src\" ]; then\n"
      "  echo \"v2c-batch-job: no VM at index $JOB_COMPLETION_INDEX\" >&2\n"
      "  exit 1\n"
      "fi\n"
      "echo \"v2c-batch-job: index $JOB_COMPLETION_INDEX: $src -> "
      "/results/$name\" >&2\n"
      "if [ -n \"$kname\" ]; then set -- --name \"$kname\" \"$@\"; fi\n"
      "exec v2c-convert --force \"$@\" \"/exports/$src\" -o "
      "\"/results/$name\"\n";

/* path relative to root (NULL: path must be relative), or NULL with
 * err set. */
static char *
relative (const char *root, const char *path, struct v2c_err *err)
{
  char rroot[4096], rpath[4096], *rel;
  size_t len;

  if (strchr (path, '\n') || strchr (path, '\r')) {
    v2c_set_error (err, 0,
                   "'%s': a line break in a SOURCE path can't go into the "
                   "Job's list",
                   path);
    return NULL;
  }
  if (root == NULL) {
    if (path[0] == '/') {
      v2c_set_error (err, 0,
                     "'%s': give --from-dir or --exports-root to make it "
                     "relative to the exports volume",
                     path);
      return NULL;
    }
    rel = strdup (path);
  } else {
    if (realpath (root, rroot) == NULL || realpath (path, rpath) == NULL) {
      v2c_set_error (err, 0, "'%s': %s", realpath (root, rroot) ? path : root,
                     strerror (errno));
      return NULL;
    }
    len = strlen (rroot);
    if (strncmp (rpath, rroot, len) != 0 || rpath[len] != '/') {
      v2c_set_error (err, 0, "'%s' is not under the exports root '%s'", path,
                     root);
      return NULL;
    }
    rel = strdup (rpath + len + 1);
  }
  if (rel == NULL)
    v2c_set_error (err, 0, "out of memory");
  return rel;
}

static int
write_yaml (const char *dir, const char *file, const json_t *doc,
            const char *comment, struct v2c_err *err)
{
  char path[4200];
  size_t len;
  char *text = v2c_yaml_dump (doc, comment, &len, err);
  FILE *f;
  int ok;

  if (text == NULL)
    return v2c_error_prefix (err, "%s", file);
  snprintf (path, sizeof path, "%s/%s", dir, file);
  f = fopen (path, "we");
  ok = f && fwrite (text, 1, len, f) == len;
  if (f && fclose (f) != 0)
    ok = 0;
  free (text);
  if (!ok)
    return v2c_set_error (err, 0, "can't write '%s': %s", path,
                          strerror (errno));
  return 0;
}

/* The Job object; args is stolen. */
static json_t *
job_object (const struct v2c_kube_job *job, json_t *args)
{
  const char *image = job->image;
  size_t n = job->n;
  char def[64];

  if (image == NULL) {
    snprintf (def, sizeof def, "v2c:%s", PACKAGE_VERSION);
    image = def;
  }
  return json_pack (
      "{s:s,s:s,s:{s:s,s:{s:s,s:s}},s:{s:s,s:I,s:I,s:i,s:{s:{s:{s:s}},s:{"
      "s:s,s:{s:b,s:i,s:i,s:i,s:{s:s}},s:[{s:s,s:s,s:s,s:[s,s,s,s],s:o,s:"
      "[{s:s,s:s},{s:s,s:s},{s:s,s:{s:{s:s,s:s,s:b}}}],s:{s:b,s:b,s:{s:[s]}},"
      "s:{s:{s:s,s:s},s:{s:s}},"
      "s:[{s:s,s:s,s:b},{s:s,s:s},{s:s,s:s,s:b},{s:s,s:s},{s:s,s:s}]}],s:"
      "[{s:s,s:{s:s,s:b}},{s:s,s:{s:s}},{s:s,s:{s:s}},{s:s,s:{}},{s:s,s:{}}"
      "]}}}}",
      "apiVersion", "batch/v1", "kind", "Job", "metadata", "name", "v2c-batch",
      "labels", "app.kubernetes.io/name", "v2c-batch",
      "app.kubernetes.io/managed-by", "v2c-batch",
      /* spec */
      "spec", "completionMode", "Indexed", "completions", (json_int_t) n,
      "parallelism",
      (json_int_t) (job->parallelism < (int) n ? job->parallelism : (int) n),
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
      "LIBGUESTFS_CACHEDIR", "value", "/var/tmp",
      /* one fingerprint salt for every pod of the Job, when the Secret
         exists; else each pod makes its own (lib/secret-class.h) */
      "name", "V2C_SECRET_SALT", "valueFrom", "secretKeyRef", "name",
      "v2c-secret-salt", "key", "salt", "optional", 1, "securityContext",
      "allowPrivilegeEscalation", 0, "readOnlyRootFilesystem", 1,
      "capabilities", "drop", "ALL", "resources", "requests", "cpu", "1",
      "memory", "2Gi", "limits", "memory", "4Gi", "volumeMounts", "name",
      "exports", "mountPath", "/exports", "readOnly", 1, "name", "results",
      "mountPath", "/results", "name", "vm-list", "mountPath",
      "/etc/v2c-batch", "readOnly", 1, "name", "tmp", "mountPath", "/tmp",
      "name", "var-tmp", "mountPath", "/var/tmp",
      /* volumes */
      "volumes", "name", "exports", "persistentVolumeClaim", "claimName",
      job->exports_pvc ? job->exports_pvc : "v2c-exports", "readOnly", 1,
      "name", "results", "persistentVolumeClaim", "claimName",
      job->results_pvc ? job->results_pvc : "v2c-results", "name", "vm-list",
      "configMap", "name", "v2c-batch-vms", "name", "tmp", "emptyDir", "name",
      "var-tmp", "emptyDir");
}

/* The ConfigMap of the VM list: "names" and "sources", a line each. */
static json_t *
list_object (const struct v2c_kube_job *job, struct v2c_err *err)
{
  char *names = NULL, *sources = NULL, *knames = NULL;
  size_t nl = 0, sl = 0, kl = 0, i;
  FILE *fn = open_memstream (&names, &nl);
  FILE *fs = open_memstream (&sources, &sl);
  FILE *fk = open_memstream (&knames, &kl);
  json_t *cm = NULL;

  if (fn == NULL || fs == NULL || fk == NULL)
    goto oom;
  for (i = 0; i < job->n; i++) {
    char *rel = relative (job->exports_root, job->sources[i], err);
    const char *kname;

    if (rel == NULL)
      goto out;
    fprintf (fn, "%s\n", job->names[i]);
    fprintf (fs, "%s\n", rel);
    free (rel);
    kname = job->kube_names ? job->kube_names[i] : NULL;
    if (kname && v2c_kube_check_name (V2C_KUBE_LABEL, kname, err) == -1) {
      v2c_error_prefix (err, "the Kubernetes name of '%s'", job->names[i]);
      goto out;
    }
    fprintf (fk, "%s\n", kname ? kname : "");
  }
  if (fclose (fn) != 0 || fclose (fs) != 0 || fclose (fk) != 0) {
    fn = fs = fk = NULL;
    goto oom;
  }
  fn = fs = fk = NULL;
  cm = json_pack ("{s:s,s:s,s:{s:s,s:{s:s}},s:{s:s,s:s,s:s}}", "apiVersion",
                  "v1", "kind", "ConfigMap", "metadata", "name",
                  "v2c-batch-vms", "labels", "app.kubernetes.io/name",
                  "v2c-batch", "data", "names", names, "sources", sources,
                  "kube-names", knames);
  if (cm)
    goto out;
oom:
  v2c_set_error (err, 0, "out of memory");
out:
  if (fn)
    fclose (fn);
  if (fs)
    fclose (fs);
  if (fk)
    fclose (fk);
  free (names);
  free (sources);
  free (knames);
  return cm;
}

int
v2c_kube_job_write (const char *dir, const struct v2c_kube_job *job,
                    struct v2c_err *err)
{
  json_t *args = json_array (), *obj = NULL, *cm = NULL, *kust = NULL;
  char hdr[256];
  size_t i;
  int ret = -1;

  if (args == NULL)
    goto oom;
  if ((job->image
       && v2c_kube_check_name (V2C_KUBE_IMAGE, job->image, err) == -1)
      || (job->exports_pvc
          && v2c_kube_check_name (V2C_KUBE_SUBDOMAIN, job->exports_pvc, err)
                 == -1)
      || (job->results_pvc
          && v2c_kube_check_name (V2C_KUBE_SUBDOMAIN, job->results_pvc, err)
                 == -1)
      || (job->ns && v2c_kube_check_name (V2C_KUBE_LABEL, job->ns, err) == -1))
    goto out;
  if (mkdir (dir, 0755) == -1 && errno != EEXIST) {
    v2c_set_error (err, 0, "can't create '%s': %s", dir, strerror (errno));
    goto out;
  }
  cm = list_object (job, err);
  if (cm == NULL)
    goto out;
  for (i = 0; i < job->nargs; i++)
    if (json_array_append_new (args, json_string (job->args[i])) == -1)
      goto oom;
  obj = job_object (job, args);
  args = NULL;
  kust = json_pack ("{s:s,s:s,s:[s,s]}", "apiVersion",
                    "kustomize.config.k8s.io/v1beta1", "kind", "Kustomization",
                    "resources", "configmap.yaml", "job.yaml");
  if (obj == NULL || kust == NULL)
    goto oom;
  if (job->ns
      && json_object_set_new (kust, "namespace", json_string (job->ns)) == -1)
    goto oom;
  snprintf (hdr, sizeof hdr,
            "Written by v2c-batch %s --emit-k8s-job: %zu VMs, one "
            "completion index each.",
            PACKAGE_VERSION, job->n);
  if (write_yaml (dir, "configmap.yaml", cm, hdr, err) == -1
      || write_yaml (dir, "job.yaml", obj, hdr, err) == -1
      || write_yaml (dir, "kustomization.yaml", kust, hdr, err) == -1)
    goto out;
  ret = 0;
  goto out;
oom:
  v2c_set_error (err, 0, "out of memory");
out:
  json_decref (args);
  json_decref (obj);
  json_decref (cm);
  json_decref (kust);
  return ret;
}
