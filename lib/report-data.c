/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the report says of a volume whose content v2c-convert copied
 * (the plan's image.volumes[].data): how the data image seeds it, the
 * commands that seed a PVC from its archive on a cluster through the
 * seed Job of k8s/seed/, and for a database what a copy of its files
 * is worth and how live data is cut over.
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report-private.h"

static const struct v2c_plan_volume_data *
volume_data (const struct v2c_plan *plan, const char *path)
{
  size_t i;

  for (i = 0; i < plan->image.volumes.n; i++)
    if (strcmp (plan->image.volumes.v[i].path, path) == 0)
      return plan->image.volumes.v[i].data;
  return NULL;
}

static int
add (json_t *a, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static int
add (json_t *a, const char *fmt, ...)
{
  va_list ap;
  char *s;
  int r;

  va_start (ap, fmt);
  r = vasprintf (&s, fmt, ap);
  va_end (ap);
  if (r == -1)
    return -1;
  r = json_array_append_new (a, json_string (s));
  free (s);
  return r;
}

/* The commands that stream the archive into the claim, from DIR. */
static json_t *
seed_commands (const struct v2c_plan *plan, const struct v2c_plan_component *c,
               const char *name, const struct v2c_plan_volume_data *d)
{
  const char *bb = plan->image.data_shell
                       && strcmp (plan->image.data_shell, "/bin/busybox") == 0
                     ? "/bin/busybox " : "";
  const char *sh = plan->image.data_shell ? plan->image.data_shell : "/bin/sh";
  const char *kind = strcmp (c->kind, "StatefulSet") == 0 ? "statefulset"
                                                          : "deployment";
  const char *unz = strstr (d->archive, ".zst") ? "zstd -dc" : "gzip -dc";
  json_t *a = json_array ();
  char job[80];

  snprintf (job, sizeof job, "v2c-seed-%.53s", name);
  if (a == NULL
      || add (a, "sha256sum %s    # %s", d->archive, d->sha256) == -1
      || add (a, "kubectl apply -k k8s") == -1
      || add (a, "kubectl scale %s/%s --replicas=0", kind, c->name) == -1
      || add (a, "kubectl apply -f k8s/seed/job-%s.yaml", job) == -1
      || add (a, "kubectl wait --for=condition=Ready pod -l "
              "app.kubernetes.io/name=%s --timeout=10m", job) == -1
      || add (a, "%s %s | kubectl exec -i job/%s -- %star -C /v2c-pvc "
              "-xpf -", unz, d->archive, job, bb) == -1
      || add (a, "kubectl exec job/%s -- %s%s -c '%schown %lld:%lld "
              "/v2c-pvc && %schmod %llo /v2c-pvc && echo %s > "
              "/v2c-pvc/.v2c-seeded'", job, sh,
              strcmp (sh, "/bin/busybox") == 0 ? " sh" : "", bb,
              (long long) d->uid, (long long) d->gid, bb,
              (unsigned long long) d->mode, d->archive) == -1
      || add (a, "kubectl wait --for=condition=complete job/%s "
              "--timeout=2m && kubectl delete job %s", job, job) == -1
      || add (a, "kubectl scale %s/%s --replicas=1", kind, c->name) == -1) {
    json_decref (a);
    return NULL;
  }
  return a;
}

/* A database's files copied from a running VM: what they are worth. */
static char *
database_note (const struct v2c_plan_component *c)
{
  const char *conv = c->converter;
  char *s = NULL;
  int r = -1;

  if (conv && strcmp (conv, "postgresql") == 0)
    r = asprintf (
      &s,
      "These are PostgreSQL's files as the VM's disk held them: from a VM "
      "exported while running they are a crash-consistent copy, which "
      "PostgreSQL recovers at start by replaying its WAL, like after a power "
      "cut. For live data the cut-over is a final dump and restore (or "
      "replication): stop the writers, then 'pg_dump -Fc -h VM -U postgres "
      "DBNAME > DBNAME.dump', 'kubectl port-forward svc/%s 5432:5432' and "
      "'pg_restore -h 127.0.0.1 -U postgres -d DBNAME --clean --if-exists "
      "DBNAME.dump'.",
      c->name);
  else if (conv && (strcmp (conv, "mysql") == 0 || strcmp (conv, "mariadb") == 0))
    r = asprintf (
      &s,
      "These are MariaDB/MySQL's files as the VM's disk held them: from a "
      "VM exported while running they are a crash-consistent copy, which "
      "InnoDB recovers at start from its redo log, like after a power cut. "
      "For live data the cut-over is a final dump and restore (or "
      "replication): stop the writers, then 'mysqldump -h VM -u root -p "
      "--single-transaction --routines --triggers --events --all-databases "
      "> all.sql' and 'kubectl exec -i statefulset/%s -- mysql -u root -p "
      "< all.sql'.",
      c->name);
  return r == -1 ? NULL : s;
}

int
v2c_report_volume_data (json_t *v, const struct v2c_plan *plan,
                        const struct v2c_plan_component *c,
                        const struct v2c_plan_volume *pv)
{
  const struct v2c_plan_volume_data *d = volume_data (plan, pv->mount_path);
  json_t *cmds = NULL;
  char *how = NULL, *note;
  int bad;

  if (d == NULL)
    return 0;
  if (d->seed && d->archive)
    bad = asprintf (&how, "seeded by its initContainer from the data image "
                    "when the PVC is empty; also %s", d->archive) == -1;
  else if (d->seed)
    bad = asprintf (&how, "seeded by its initContainer from the data image "
                    "when the PVC is empty") == -1;
  else if (d->archive)
    bad = asprintf (&how, "copied to %s: seed the PVC from it", d->archive)
          == -1;
  else
    return 0;
  if (bad)
    return -1;
  if (d->archive && (cmds = seed_commands (plan, c, pv->name, d)) == NULL) {
    free (how);
    return -1;
  }
  note = database_note (c);
  bad = json_object_set_new (v, "migrate", json_string (how)) == -1
        || json_object_set_new (v, "archive", d->archive
                                  ? json_string (d->archive) : json_null ())
             == -1
        || json_object_set_new (v, "sha256", d->sha256
                                  ? json_string (d->sha256) : json_null ())
             == -1
        || (cmds && json_object_set_new (v, "seed_commands", cmds) == -1)
        || (note && json_object_set_new (v, "note", json_string (note)) == -1);
  free (how);
  free (note);
  return bad ? -1 : 0;
}

void
v2c_report_walk_seed (struct v2c_strbuf *b, const struct v2c_report_fmt *f,
                      const json_t *report)
{
  const json_t *v, *cmd;
  size_t i, j;
  int said = 0;

  json_array_foreach (json_object_get (report, "volumes"), i, v)
  {
    const json_t *cmds = json_object_get (v, "seed_commands");
    const char *note = json_string_value (json_object_get (v, "note"));

    if (json_array_size (cmds) == 0 && note == NULL)
      continue;
    if (!said)
      v2c_strbuf_puts (b, f->gap);
    if (!said)
      v2c_strbuf_printf (
        b, f->para,
        "Each seeded PVC is filled by its workload's initContainer from "
        "the data image, only when it is empty; a PVC that holds data is "
        "never touched. To seed a PVC on a cluster from the archive instead, "
        "run from the output directory:");
    said = 1;
    v2c_strbuf_printf (b, f->code.open, "Volume");
    f->text (b, v2c_report_str (v, "name"));
    v2c_strbuf_puts (b, f->code.close);
    v2c_strbuf_puts (b, f->list.open);
    json_array_foreach (cmds, j, cmd)
    {
      v2c_strbuf_puts (b, f->list.sep);
      f->text (b, json_string_value (cmd));
      v2c_strbuf_puts (b, f->list.close);
    }
    if (note) {
      v2c_strbuf_puts (b, f->list.sep);
      f->text (b, note);
      v2c_strbuf_puts (b, f->list.close);
    }
    v2c_strbuf_puts (b, f->list.end);
    v2c_strbuf_puts (b, f->gap);
  }
}
