/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Filling a component's PVCs with the data copied from the VM (the
 * plan's image.volumes[].data, written by v2c-convert --data): an
 * initContainer per seeded volume, running the data image, copies
 * /v2c-data/NAME into the claim when the claim is empty and unmarked,
 * then marks it, so a claim with data is never touched; and a seed Job
 * per volume in seed/ (not in the kustomization) whose pod mounts the
 * claim for an archive of DIR/data to be streamed in with kubectl exec.
 * The commands are the image's own shell's: /bin/sh and the tools on
 * PATH, or busybox's applets when the os layer has only /bin/busybox.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube-private.h"

#define SEED_MOUNT "/v2c-pvc"
#define SEED_MARKER ".v2c-seeded"
#define SEED_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

const struct v2c_plan_volume_data *
kube_volume_data (const struct ctx *c, const char *path)
{
  size_t i;

  for (i = 0; i < c->plan->image.volumes.n; i++)
    if (strcmp (c->plan->image.volumes.v[i].path, path) == 0)
      return c->plan->image.volumes.v[i].data;
  return NULL;
}

/* The command that runs script with the image's shell. */
static json_t *
shell_command (struct ctx *c, const char *script)
{
  const char *sh = c->plan->image.data_shell;

  if (strcmp (sh, "/bin/busybox") == 0)
    return json_pack ("[s, s, s, s]", sh, "sh", "-c", script);
  return json_pack ("[s, s, s]", sh, "-c", script);
}

/* What runs a tool: busybox's applet, or the one on PATH. */
static const char *
tool_prefix (struct ctx *c)
{
  return strcmp (c->plan->image.data_shell, "/bin/busybox") == 0
           ? "/bin/busybox " : "";
}

/* Root, with only the capabilities a copy that keeps owners and modes
 * needs. */
static json_t *
seed_security (void)
{
  return json_pack ("{s:i, s:i, s:b, s:b, s:b, s:b, s:{s:[s], s:[s, s, s, s]}}",
                    "runAsUser", 0, "runAsGroup", 0, "runAsNonRoot", 0,
                    "allowPrivilegeEscalation", 0, "privileged", 0,
                    "readOnlyRootFilesystem", 1, "capabilities", "drop",
                    "ALL", "add", "CHOWN", "DAC_OVERRIDE", "FOWNER",
                    "FSETID");
}

static json_t *
seed_container (struct ctx *c, const char *name, const char *image,
                const char *volume, const char *script)
{
  return json_pack (
    "{s:s, s:s, s:s, s:o, s:[{s:s, s:s}], s:{s:{s:s, s:s}, s:{s:s}}, s:o, "
    "s:[{s:s, s:s}]}",
    "name", name, "image", image, "imagePullPolicy", "IfNotPresent",
    "command", shell_command (c, script), "env", "name", "PATH", "value",
    SEED_PATH, "resources", "requests", "cpu", "100m", "memory", "64Mi",
    "limits", "memory", "256Mi", "securityContext", seed_security (),
    "volumeMounts", "name", volume, "mountPath", SEED_MOUNT);
}

/* The data image's reference, pinned like the image's. */
static void
data_image (struct ctx *c, char *buf, size_t size)
{
  const char *reg = c->o->registry;
  char repo[64], name[80];

  snprintf (name, sizeof name, "%s-data", c->plan->name);
  v2c_kube_dns_label (name, repo, sizeof repo);
  snprintf (buf, size, "%s%s%s@%s", reg ? reg : "", reg ? "/" : "", repo,
            c->plan->image.data_manifest);
}

json_t *
kube_seed_containers (struct ctx *c, const struct comp *k)
{
  json_t *a = json_array ();
  char image[400];
  size_t i;

  if (a == NULL)
    return kube_oom (c);
  if (c->plan->image.data_manifest == NULL || c->plan->image.data_shell == NULL)
    return a;
  data_image (c, image, sizeof image);
  for (i = 0; i < k->p->volumes.n; i++) {
    const struct v2c_plan_volume *v = &k->p->volumes.v[i];
    const struct v2c_plan_volume_data *d;
    char name[64], *script;
    const char *p = tool_prefix (c);
    json_t *ctr;

    if (strcmp (v->kind, "pvc") != 0
        || (d = kube_volume_data (c, v->mount_path)) == NULL || d->seed == NULL)
      continue;
    snprintf (name, sizeof name, "v2c-seed-%.53s", v->name);
    if (asprintf (&script,
                  "set -e\n"
                  "d=" SEED_MOUNT "\n"
                  "if [ -e \"$d/" SEED_MARKER "\" ]; then\n"
                  "  echo \"v2c-seed: $d was seeded already\"; exit 0\n"
                  "fi\n"
                  "for f in \"$d\"/* \"$d\"/.[!.]* \"$d\"/..?*; do\n"
                  "  if [ -e \"$f\" ] || [ -L \"$f\" ]; then\n"
                  "    if [ \"$f\" != \"$d/lost+found\" ]; then\n"
                  "      echo \"v2c-seed: $d holds data: left as it is\"; "
                  "exit 0\n"
                  "    fi\n"
                  "  fi\n"
                  "done\n"
                  "%scp -a %s/. \"$d\"/\n"
                  "%schown %lld:%lld \"$d\"\n"
                  "%schmod %llo \"$d\"\n"
                  "echo %s > \"$d/" SEED_MARKER "\"\n"
                  "echo \"v2c-seed: $d seeded from %s\"\n",
                  p, d->seed, p, (long long) d->uid, (long long) d->gid, p,
                  (unsigned long long) d->mode, image, d->seed)
        == -1)
      goto oom;
    ctr = seed_container (c, name, image, v->name, script);
    free (script);
    if (ctr == NULL || json_array_append_new (a, ctr) == -1)
      goto oom;
  }
  return a;
 oom:
  json_decref (a);
  return kube_oom (c);
}

/* ------------------------------------------------------------------ */
/* seed/ Jobs                                                          */

int
kube_seed_jobs (struct ctx *c, const struct comp *k)
{
  size_t i;

  if (c->plan->image.data_shell == NULL || k->cron)
    return 0;
  for (i = 0; i < k->p->volumes.n; i++) {
    const struct v2c_plan_volume *v = &k->p->volumes.v[i];
    const struct v2c_plan_volume_data *d;
    char name[64], claim[200], *script;
    const char *p = tool_prefix (c);
    json_t *ctr, *job, *md;

    if (strcmp (v->kind, "pvc") != 0
        || (d = kube_volume_data (c, v->mount_path)) == NULL || d->archive == NULL)
      continue;
    snprintf (name, sizeof name, "v2c-seed-%.53s", v->name);
    kube_claim_name (k->kind, k->name, v->name, claim, sizeof claim);
    /* waits for the archive (kubectl exec ... tar), at most a day */
    if (asprintf (&script,
                  "i=0\n"
                  "while [ ! -e " SEED_MOUNT "/" SEED_MARKER " ] && "
                  "[ $i -lt 86400 ]; do %ssleep 5; i=$((i + 5)); done\n",
                  p) == -1) {
      kube_oom (c);
      return -1;
    }
    ctr = seed_container (c, "seed", c->image, "data", script);
    free (script);
    if (ctr)
      json_object_set_new (json_object_get (ctr, "securityContext"),
                           "readOnlyRootFilesystem", json_false ());
    md = kube_metadata (c, k, name);
    if (md)
      json_object_set_new (json_object_get (md, "annotations"),
                           "v2c.io/seed-archive", json_string (d->archive));
    job = json_pack (
      "{s:s, s:s, s:o, s:{s:i, s:{s:{s:o}, s:{s:s, s:b, s:[o], "
      "s:[{s:s, s:{s:s}}]}}}}",
      "apiVersion", "batch/v1", "kind", "Job", "metadata", md, "spec",
      "backoffLimit", 0, "template", "metadata", "labels",
      /* not the workload's labels: its Service must not pick this pod */
      json_pack ("{s:s, s:s, s:s}", L_NAME, name, L_PART_OF, c->vm,
                 L_MANAGED_BY, "v2c"), "spec", "restartPolicy", "Never",
      "automountServiceAccountToken", 0, "containers", ctr, "volumes",
      "name", "data", "persistentVolumeClaim", "claimName", claim);
    /* in seed/, not applied with the rest */
    if (kube_add_object (c, "Job", name, job, NULL) == -1
        || kube_unlist_last (c, "seed") == -1)
      return -1;
  }
  return 0;
}
