/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The report JSON ("v2c.report/1") of an inventory and its plan, read
 * as struct v2c_inventory and struct v2c_plan (lib/model.h): their
 * loaders check every member and name the JSON path of a problem.  The
 * image object is read through type-checked getters.
 */
#include <config.h>

#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "plan.h"
#include "report-private.h"

/* key of o: absent or null (0), or an array of at most
 * V2C_REPORT_MAX_ITEMS objects (strings when strings is set). */
static int
check_list (const json_t *o, const char *key, const char *what, int strings,
            struct v2c_err *err)
{
  const json_t *a = json_object_get (o, key), *x;
  size_t i;

  if (a == NULL || json_is_null (a))
    return 0;
  if (!json_is_array (a))
    return v2c_set_error (err, 0, "%s: %s: expected an array", what, key);
  if (json_array_size (a) > V2C_REPORT_MAX_ITEMS)
    return v2c_set_error (err, 0, "%s: %s: more than %d items", what, key,
                          V2C_REPORT_MAX_ITEMS);
  json_array_foreach (
      a, i,
      x) if (strings ? !json_is_string (x)
                     : !json_is_object (
                         x)) return v2c_set_error (err, 0,
                                                   "%s: %s[%zu]: expected %s",
                                                   what, key, i,
                                                   strings ? "a string"
                                                           : "an object");
  return 0;
}

/* Whether the lists of the inventory the report reads are within
 * V2C_REPORT_MAX_ITEMS: 0, or -1 with err set. */
static int
check_inventory (const struct v2c_inventory *inv, struct v2c_err *err)
{
  const struct {
    const char *key;
    size_t n;
  } lists[] = { { "blockers", inv->blockers.n },
                { "secrets", inv->secrets.n },
                { "data_dirs", inv->data_dirs.n },
                { "filesystems", inv->filesystems.n },
                { "hardware.disks", inv->hardware.disks.n } };
  size_t i;

  for (i = 0; i < sizeof lists / sizeof lists[0]; i++)
    if (lists[i].n > V2C_REPORT_MAX_ITEMS)
      return v2c_set_error (err, 0, "inventory: %s: more than %d items",
                            lists[i].key, V2C_REPORT_MAX_ITEMS);
  return 0;
}

static int
check_image (const json_t *image, struct v2c_err *err)
{
  const json_t *l;
  size_t i;

  if (!json_is_object (image))
    return v2c_set_error (err, 0, "image: expected an object");
  if (check_list (image, "layers", "image", 0, err) == -1)
    return -1;
  json_array_foreach (json_object_get (image, "layers"), i, l) if (
      v2c_report_jstr (l, "digest")
      == NULL) return v2c_set_error (err, 0,
                                     "image: layers[%zu].digest: expected a "
                                     "string",
                                     i);
  return 0;
}

/* Set key to a (cut) copy of s, or null. */
static int
set_str (json_t *o, const char *key, const char *s)
{
  return json_object_set_new (o, key, v2c_report_string (s));
}

static json_t *
vm_object (const struct v2c_inventory *inv)
{
  const struct v2c_inv_os *os = inv->os;
  const char *format = inv->source.format, *path = inv->source.path;
  const char *name = inv->name;
  char osname[600] = "", source[V2C_REPORT_MAX_STRING + 64] = "";
  json_t *vm = json_object ();

  if (vm == NULL)
    return NULL;
  if (os) {
    const char *parts[3]
        = { os->distro ? os->distro : os->type, os->version, os->arch };
    size_t i, len = 0;

    for (i = 0; i < 3; i++)
      if (parts[i] && parts[i][0] && len < sizeof osname - 1)
        len += (size_t) snprintf (osname + len, sizeof osname - len,
                                  "%s%.180s", len ? " " : "", parts[i]);
  }
  snprintf (source, sizeof source, "%s%s%.4000s", format, path ? ": " : "",
            path ? path : "");
  if (set_str (vm, "name", name) == -1
      || set_str (vm, "os", osname[0] ? osname : NULL) == -1
      || set_str (vm, "hostname", os ? os->hostname : NULL) == -1
      || set_str (vm, "source", source[0] ? source : NULL) == -1) {
    json_decref (vm);
    return NULL;
  }
  return vm;
}

static int
is_database (const char *conv)
{
  return conv
         && (strcmp (conv, "postgresql") == 0 || strcmp (conv, "mysql") == 0
             || strcmp (conv, "redis") == 0);
}

/* Path and reason of one component. */
static void
component_path (const struct v2c_plan_component *c, const json_t *fitness,
                const char **path, char *reason, size_t size)
{
  const struct v2c_plan_replace *rw = c->replace_with;
  const char *conv = c->converter;

  if (strcmp (v2c_report_jstr (fitness, "verdict"), "not-containerisable")
      == 0) {
    const json_t *r;
    size_t i, len;

    *path = "retain";
    len = (size_t) snprintf (reason, size, "the VM is not containerisable (");
    json_array_foreach (json_object_get (fitness, "rules"), i, r)
    {
      if (strcmp (v2c_report_jstr (r, "severity"), "blocker") != 0
          || len >= size)
        continue;
      len += (size_t) snprintf (reason + len, size - len, "%s%.200s",
                                i ? ", " : "", v2c_report_jstr (r, "title"));
    }
    if (len < size)
      snprintf (reason + len, size - len, "): it stays on the VM");
    return;
  }
  if (rw) {
    *path = "replace";
    if (rw->advice[0])
      snprintf (reason, size, "%s", rw->advice);
    else
      snprintf (reason, size, "use '%.1000s' instead", rw->image);
    return;
  }
  if (strcmp (conv, "systemd") == 0) {
    *path = "refactor";
    snprintf (reason, size,
              "no converter knows this daemon: the generic unit was copied "
              "as it is; check its command, state, logs and health");
    return;
  }
  if (c->run_as_root) {
    *path = "refactor";
    snprintf (reason, size,
              "runs as root: give it a non-root user and only the "
              "capabilities it needs");
    return;
  }
  *path = "replatform";
  snprintf (reason, size, "the '%.200s' converter runs it as a %.200s", conv,
            c->kind);
}

/* The ports, volumes and names of depends_on of a component, into o. */
static int
component_lists (const struct v2c_plan_component *c, json_t *o)
{
  json_t *ports = json_array (), *vols = json_array (), *deps = json_array ();
  size_t j;
  int rc = 0;

  rc |= json_object_set_new (o, "ports", ports);
  rc |= json_object_set_new (o, "volumes", vols);
  rc |= json_object_set_new (o, "depends_on", deps);
  if (rc || ports == NULL || vols == NULL || deps == NULL)
    return -1;
  for (j = 0; j < c->ports.n; j++)
    rc |= json_array_append_new (
        ports,
        json_pack ("{s:I, s:o}", "port", (json_int_t) c->ports.v[j].port,
                   "protocol", v2c_report_string (c->ports.v[j].protocol)));
  for (j = 0; j < c->volumes.n; j++)
    rc |= json_array_append_new (
        vols,
        json_pack ("{s:o, s:o, s:o}", "name",
                   v2c_report_string (c->volumes.v[j].name), "kind",
                   v2c_report_string (c->volumes.v[j].kind), "mount_path",
                   v2c_report_string (c->volumes.v[j].mount_path)));
  for (j = 0; j < c->depends_on.n; j++)
    rc |= json_array_append_new (deps, v2c_report_string (c->depends_on.v[j]));
  return rc ? -1 : 0;
}

static json_t *
components (const struct v2c_plan *plan, const json_t *fitness)
{
  json_t *out = json_array ();
  size_t i;

  if (out == NULL)
    return NULL;
  for (i = 0; i < plan->components.n; i++) {
    const struct v2c_plan_component *c = &plan->components.v[i];
    char reason[V2C_REPORT_MAX_STRING + 1];
    const char *path;
    json_t *o = json_object ();
    int rc = 0;

    if (o == NULL || json_array_append_new (out, o) == -1
        || component_lists (c, o) == -1)
      goto oom;
    component_path (c, fitness, &path, reason, sizeof reason);
    rc |= set_str (o, "name", c->name);
    rc |= set_str (o, "kind", c->kind);
    rc |= set_str (o, "converter", c->converter);
    rc |= set_str (o, "path", path);
    rc |= set_str (o, "reason", reason);
    rc |= set_str (o, "replace_with",
                   c->replace_with ? c->replace_with->image : NULL);
    if (rc)
      goto oom;
  }
  return out;
oom:
  json_decref (out);
  return NULL;
}

static const char *
migrate_how (const char *conv)
{
  if (conv && strcmp (conv, "postgresql") == 0)
    return "dump/restore with pg_dump";
  if (conv && strcmp (conv, "mysql") == 0)
    return "dump/restore with mysqldump";
  if (conv && strcmp (conv, "redis") == 0)
    return "dump/restore with redis-cli --rdb";
  return "rsync into the PVC";
}

/* The used_bytes of the data_dirs entry at path, or -1. */
static long long
data_size (const struct v2c_inventory *inv, const char *path, int *matched)
{
  size_t i;

  for (i = 0; i < inv->data_dirs.n; i++)
    if (strcmp (inv->data_dirs.v[i].path, path) == 0) {
      matched[i] = 1;
      return inv->data_dirs.v[i].used_bytes.set
                 ? inv->data_dirs.v[i].used_bytes.v
                 : -1;
    }
  return -1;
}

static json_t *
volume (const char *comp, const char *name, const char *mount,
        const char *size, long long bytes, const char *how)
{
  json_t *v = json_object ();

  if (v == NULL || set_str (v, "component", comp) == -1
      || set_str (v, "name", name) == -1
      || set_str (v, "mount_path", mount) == -1
      || set_str (v, "size", size) == -1
      || json_object_set_new (v, "size_bytes",
                              bytes >= 0 ? json_integer (bytes) : json_null ())
             == -1
      || set_str (v, "migrate", how) == -1) {
    json_decref (v);
    return NULL;
  }
  return v;
}

static json_t *
volumes (const struct v2c_inventory *inv, const struct v2c_plan *plan)
{
  int *matched = calloc (inv->data_dirs.n + 1, sizeof *matched);
  json_t *out = json_array ();
  size_t i, j;

  if (out == NULL || matched == NULL)
    goto oom;
  for (i = 0; i < plan->components.n; i++) {
    const struct v2c_plan_component *c = &plan->components.v[i];

    for (j = 0; j < c->volumes.n; j++) {
      const struct v2c_plan_volume *v = &c->volumes.v[j];

      if (strcmp (v->kind, "pvc") != 0)
        continue;
      if (json_array_size (out) >= V2C_REPORT_MAX_ITEMS)
        break;
      if (json_array_append_new (
              out,
              volume (c->name, v->name, v->mount_path, v->size,
                      data_size (inv, v->mount_path, matched),
                      migrate_how (is_database (c->converter) ? c->converter
                                                              : NULL)))
              == -1
          || v2c_report_volume_data (json_array_get (out,
                                                     json_array_size (out) - 1),
                                     plan, c, v)
               == -1)
        goto oom;
    }
  }
  /* data no component mounts still has to move somewhere */
  for (i = 0; i < inv->data_dirs.n; i++) {
    const struct v2c_inv_data_dir *d = &inv->data_dirs.v[i];

    if (matched[i] || json_array_size (out) >= V2C_REPORT_MAX_ITEMS)
      continue;
    if (json_array_append_new (
            out, volume (NULL, NULL, d->path, NULL,
                         d->used_bytes.set ? d->used_bytes.v : -1,
                         migrate_how (NULL)))
        == -1)
      goto oom;
  }
  free (matched);
  return out;
oom:
  free (matched);
  json_decref (out);
  return NULL;
}

static int
secret_cmp (const void *a, const void *b)
{
  const json_t *x = *(const json_t *const *) a,
               *y = *(const json_t *const *) b;
  int c = strcmp (v2c_report_jstr (x, "path"), v2c_report_jstr (y, "path"));

  if (c == 0)
    c = strcmp (v2c_report_jstr (x, "kind"), v2c_report_jstr (y, "kind"));
  return c ? c : strcmp (v2c_report_jstr (x, "use"), v2c_report_jstr (y, "use"));
}

static int
is_host_key (const char *kind)
{
  return strcmp (kind, "host-key") == 0 || strcmp (kind, "ssh-host-key") == 0;
}

/* A systemd credential's file (LoadCredential=) that a component gets
 * back from a Secret where systemd puts it: 1 with out "Secret mounted
 * at /run/credentials/UNIT/ID: COMPONENT", else 0. */
static int
credential_use (const struct v2c_plan *p, const struct v2c_inv_secret *s,
                char *out, size_t size)
{
  size_t i, j;

  for (i = 0; i < p->components.n; i++) {
    const struct v2c_plan_component *k = &p->components.v[i];

    for (j = 0; j < k->volumes.n; j++) {
      const struct v2c_plan_volume *v = &k->volumes.v[j];

      if (strcmp (v->kind, "secret") == 0 && v->source_path
          && strcmp (v->source_path, s->path) == 0
          && strncmp (v->mount_path, "/run/credentials/", 17) == 0) {
        snprintf (out, size, "Secret mounted at %s: %s", v->mount_path,
                  k->name);
        return 1;
      }
    }
  }
  return 0;
}

/* What became of a secret: which component gets it back and how (1),
 * or why none does (0).  Names and paths only, never a value. */
static int
secret_use (const struct v2c_plan *p, const struct v2c_inv_secret *s,
            char *out, size_t size)
{
  size_t i, n = 0, o = 0;

  out[0] = '\0';
  if (is_host_key (s->kind)) {
    snprintf (out, size, "host key: regenerate on the target");
    return 1;
  }
  if (strcmp (s->kind, "credential-file") == 0
      && fnmatch ("/etc/*shadow*", s->path, 0) == 0) {
    /* listed only when an account has a password hash */
    snprintf (out, size, "account database with password hashes: never "
                         "copied; set passwords on the target if it needs "
                         "any");
    return 1;
  }
  if (strcmp (s->kind, "ovf-password-property") == 0) {
    snprintf (out, size, "OVF property: set it again on the target");
    return 1;
  }
  if (v2c_strvec_find (&p->image.allow_secret, s->path) >= 0) {
    snprintf (out, size, "in the image: image.allow_secret names it");
    return 1;
  }
  if (credential_use (p, s, out, size))
    return 1;
  for (i = 0; i < p->components.n; i++) {
    const struct v2c_plan_component *k = &p->components.v[i];
    int hit;

    if (strcmp (s->kind, "environment") == 0
        || strcmp (s->kind, "argument") == 0)
      hit = s->name && v2c_strvec_find (&k->secret_env, s->name) >= 0
            && k->source.file && strcmp (k->source.file, s->path) == 0;
    else
      hit = v2c_strvec_find (&k->secret_files, s->path) >= 0;
    if (!hit || o >= size)
      continue;
    o += (size_t) snprintf (out + o, size - o, "%s%s", n++ ? ", " : "",
                            k->name);
  }
  if (n == 0) {
    snprintf (out, size, "%s",
              strcmp (s->kind, "environment") == 0
                      || strcmp (s->kind, "argument") == 0
                  ? "no component runs it"
              : strcmp (s->kind, "credential-file") == 0 && s->evidence
                      && strncmp (s->evidence, "LoadCredentialEncrypted=",
                                  24) == 0
                  ? "not mounted anywhere: an encrypted systemd credential "
                    "can't be decrypted offline"
                  : "not mounted anywhere");
    return 0;
  }
  if (o < size) {
    char names[200];

    snprintf (names, sizeof names, "%s", out);
    if (strcmp (s->kind, "environment") == 0
        || strcmp (s->kind, "argument") == 0)
      snprintf (out, size, "variable %s from a Secret: %s", s->name, names);
    else
      snprintf (out, size, "Secret mounted at its path: %s", names);
  }
  return 1;
}

/* Where the secrets are, their kind and what became of them: never the
 * line or its text. */
static json_t *
secrets (const struct v2c_inventory *inv, const struct v2c_plan *p)
{
  size_t ns = inv->secrets.n;
  json_t **v = calloc (ns + 1, sizeof *v), *out = NULL;
  char (*uses)[512] = calloc (ns + 1, sizeof *uses);
  int *got = calloc (ns + 1, sizeof *got);
  size_t i, j, n = 0;
  char use[600];

  if (v == NULL || uses == NULL || got == NULL) {
    V2C_FREE (v, uses, got);
    return NULL;
  }
  for (i = 0; i < ns; i++)
    got[i] = secret_use (p, &inv->secrets.v[i], uses[i], sizeof uses[i]);
  for (i = 0; i < ns; i++) {
    const struct v2c_inv_secret *s = &inv->secrets.v[i];

    snprintf (use, sizeof use, "%s", uses[i]);
    /* the value of a drop-in or a script line that a component gets
     * back another way (its unit's Environment=, its ExecStart) */
    for (j = 0; !got[i] && s->fingerprint && j < ns; j++) {
      const struct v2c_inv_secret *t = &inv->secrets.v[j];
      if (got[j] && t->fingerprint && strcmp (t->fingerprint, s->fingerprint) == 0) {
        if (strcmp (t->path, s->path) == 0)
          snprintf (use, sizeof use, "%s", uses[j]);
        else
          snprintf (use, sizeof use, "%s (its value is %s's)", uses[j], t->path);
        break;
      }
    }
    v[n] = json_pack ("{s:o, s:o, s:s}", "path", v2c_report_string (s->path),
                      "kind", v2c_report_string (s->kind), "use", use);
    if (v[n] == NULL)
      goto out;
    n++;
  }
  qsort (v, n, sizeof *v, secret_cmp);
  out = json_array ();
  for (i = 0; out && i < n; i++)
    if ((i == 0 || secret_cmp (&v[i - 1], &v[i]) != 0)
        && json_array_append (out, v[i]) == -1) {
      json_decref (out);
      out = NULL;
    }
out:
  for (i = 0; i < n; i++)
    json_decref (v[i]);
  V2C_FREE (v, uses, got);
  return out;
}

static json_t *
dropped (const struct v2c_plan *plan)
{
  json_t *out = json_array ();
  size_t i;

  for (i = 0; out && i < plan->dropped.n; i++) {
    const struct v2c_plan_dropped *d = &plan->dropped.v[i];

    if (json_array_append_new (
            out, json_pack ("{s:o, s:o}", "name", v2c_report_string (d->name),
                            "reason", v2c_report_string (d->reason)))
        == -1) {
      json_decref (out);
      out = NULL;
    }
  }
  return out;
}

static json_t *
layers (const struct v2c_plan *plan, const json_t *image)
{
  const json_t *src = json_object_get (image, "layers"), *l;
  size_t i, n = image ? json_array_size (src) : plan->image.layers.n;
  json_t *out = json_array ();

  for (i = 0; out && i < n; i++) {
    const char *name = NULL;
    long long size = -1;
    json_t *o;

    l = json_array_get (src, i);
    if (image) {
      name = v2c_report_jstr (l, "name");
      size = v2c_report_nonneg (l, "size");
    }
    if (name == NULL && i < plan->image.layers.n)
      name = plan->image.layers.v[i].name;
    o = json_pack (
        "{s:o, s:o, s:o}", "name", v2c_report_string (name), "digest",
        v2c_report_string (image ? v2c_report_jstr (l, "digest") : NULL),
        "size", size >= 0 ? json_integer (size) : json_null ());
    if (json_array_append_new (out, o) == -1) {
      json_decref (out);
      out = NULL;
    }
  }
  return out;
}

/* Sum of the integers that are set at offset off of the n structs of
 * size size at list, -1 when none; saturates rather than overflows. */
static long long
sum (const void *list, size_t n, size_t size, size_t off)
{
  long long total = -1;
  size_t i;

  for (i = 0; i < n; i++) {
    const struct v2c_nint *x
        = (const struct v2c_nint *) ((const char *) list + i * size + off);

    if (!x->set || x->v < 0)
      continue;
    if (total < 0)
      total = 0;
    if (__builtin_add_overflow (total, x->v, &total))
      total = INT64_MAX;
  }
  return total;
}

#define SUM(list, member)                                                     \
  sum ((list).v, (list).n, sizeof *(list).v,                                  \
       offsetof (__typeof__ (*(list).v), member))

static json_t *
jint (long long v)
{
  return v >= 0 ? json_integer (v) : json_null ();
}

static json_t *
sizing (const struct v2c_inventory *inv, const struct v2c_plan *plan)
{
  long long cpus = inv->hardware.cpus.set ? inv->hardware.cpus.v : -1;
  long long mem
      = inv->hardware.memory_mib.set ? inv->hardware.memory_mib.v : -1;
  long long disk = SUM (inv->hardware.disks, capacity_bytes);

  if (cpus < 0 && plan->vm.cpus.set)
    cpus = plan->vm.cpus.v;
  if (mem < 0 && plan->vm.memory_mib.set)
    mem = plan->vm.memory_mib.v;
  return json_pack ("{s:o, s:o, s:o, s:o, s:o}", "cpus", jint (cpus),
                    "memory_mib", jint (mem), "disk_bytes", jint (disk),
                    "used_bytes", jint (SUM (inv->filesystems, used_bytes)),
                    "data_bytes", jint (SUM (inv->data_dirs, used_bytes)));
}

static json_t *
image_info (const json_t *image)
{
  if (image == NULL)
    return json_null ();
  return json_pack ("{s:o, s:o, s:o}", "manifest",
                    v2c_report_string (v2c_report_jstr (image, "manifest")),
                    "ref", v2c_report_string (v2c_report_jstr (image, "ref")),
                    "created",
                    v2c_report_string (v2c_report_jstr (image, "created")));
}

static json_t *
notes (const struct v2c_plan *plan)
{
  json_t *out = json_array ();
  size_t i;

  for (i = 0; out && i < plan->notes.n; i++)
    if (json_array_append_new (out, v2c_report_string (plan->notes.v[i]))
        == -1) {
      json_decref (out);
      out = NULL;
    }
  return out;
}

/* The target (lib/target.c's decision), or NULL for a plan of
 * containers that auto would keep so: the report of a containerisable
 * VM is as it was.  *out NULL then; -1 on out of memory. */
/* A list of image's strings at key (the guest conversion's record), cut
 * as every report string is; NULL when there is none. */
static json_t *
strings_of (const json_t *o, const char *key)
{
  const json_t *a = json_object_get (o, key), *x;
  json_t *out;
  size_t i;

  if (!json_is_array (a) || (out = json_array ()) == NULL)
    return NULL;
  json_array_foreach (a, i, x)
    if (json_is_string (x))
      json_array_append_new (out, v2c_report_string (json_string_value (x)));
  return out;
}

/* What v2c-convert did to a VM kept as a VM (the image summary's
 * "guest" and "disks", lib/vm-*.c): the target's "guest" lists, its
 * "disks", and advice on delivering them. */
static void
conversion (json_t *tg, const json_t *image)
{
  const json_t *guest = json_object_get (image, "guest"), *d;
  json_t *disks = json_array (), *advice = json_object_get (tg, "advice");
  static const char *const keys[] = { "changed", "removed", "devices" };
  char s[V2C_REPORT_MAX_STRING];
  size_t i;

  if (json_is_object (guest)) {
    json_t *g = json_object ();
    for (i = 0; g && i < 3; i++) {
      json_t *l = strings_of (guest, keys[i]);
      json_object_set_new (g, keys[i], l ? l : json_array ());
    }
    json_object_set_new (tg, "guest", g);
  }
  json_array_foreach (json_object_get (image, "disks"), i, d)
  {
    const char *name = v2c_report_str (d, "name"),
               *how = v2c_report_str (d, "delivery");
    long long size = v2c_report_nonneg (d, "size");

    if (strcmp (how, "containerDisk") == 0) {
      snprintf (s, sizeof s, "%.40s: a containerDisk, %.1f MiB of compressed "
                "qcow2 in image/ (%.100s)", name, (double) size / 1048576.0,
                v2c_report_str (d, "image"));
      json_array_append_new (
          advice,
          json_string ("push the containerDisk with 'skopeo copy "
                       "oci:image:REF docker://REGISTRY/REF' and set the "
                       "registry in the VirtualMachine; a containerDisk is "
                       "ephemeral: what the VM writes to its boot disk is lost "
                       "when it restarts, so a VM whose state lives there "
                       "should import the image into a DataVolume (CDI's "
                       "registry source) instead"));
    } else
      snprintf (s, sizeof s, "%.40s: a DataVolume, %.1f MiB of compressed "
                "qcow2 in %.100s: virtctl image-upload dv %.64s --no-create "
                "--image-path=%.100s", name, (double) size / 1048576.0,
                v2c_report_str (d, "file"), v2c_report_str (d, "dataVolume"),
                v2c_report_str (d, "file"));
    json_array_append_new (disks, json_string (s));
  }
  if (json_array_size (disks))
    json_object_set_new (tg, "disks", disks);
  else
    json_decref (disks);
}

static int
target (const struct v2c_inventory *inv, const struct v2c_plan *p,
        const json_t *image, json_t **out, struct v2c_err *err)
{
  const struct v2c_plan_target *t = p->target;
  char why[512], reason[700];
  json_t *advice;
  size_t i;
  int vm;

  *out = NULL;
  if (t == NULL) {
    vm = v2c_target_auto (inv, p, why, sizeof why, err);
    if (vm <= 0)
      return vm;
    snprintf (reason, sizeof reason,
              "the plan has no target, so containers; v2c-plan would keep "
              "the VM as a VM (%s)",
              why);
  } else
    snprintf (reason, sizeof reason, "%s", t->reason);
  advice = json_array ();
  *out = json_pack ("{s:s, s:s, s:o}", "kind",
                    v2c_plan_is_vm (p) ? "vm" : "container", "reason",
                    reason, "advice", advice);
  if (*out == NULL)
    return -1;
  if (!v2c_plan_is_vm (p))
    return 0;
  json_array_append_new (
      advice, json_string ("k8s/ holds a KubeVirt VirtualMachine (q35, the "
                           "VM's CPUs, memory, firmware and MAC addresses) "
                           "with a Service per port the guest listened on"));
  if (t->os && strcmp (t->os, "windows") == 0)
    json_array_append_new (
        advice,
        json_string ("Windows guest: its VirtualMachine has emulated devices "
                     "(SATA disks, e1000e network cards); install the "
                     "virtio-win drivers in the guest, then set the disks' "
                     "bus and the interfaces' model to virtio and restart "
                     "the VM"));
  if (image)
    conversion (*out, image);
  for (i = 0; !image && i < t->disks.n; i++)
    if (t->disks.v[i].size.set && t->disks.v[i].size.v > (10ll << 30)) {
      json_array_append_new (
          advice,
          json_string ("disks larger than 10 GiB are CDI DataVolumes: upload "
                       "each converted disk with 'virtctl image-upload dv "
                       "DATAVOLUME --no-create --image-path=DISK.qcow2' "
                       "(k8s/datavolume-*.yaml)"));
      break;
    }
  return 0;
}

json_t *
v2c_report_build (const struct v2c_inventory *inv, const struct v2c_plan *p,
                  const json_t *image, struct v2c_err *err)
{
  json_t *report = NULL, *fitness, *tg, *ai;

  if (check_inventory (inv, err) == -1)
    return NULL;
  if (image && check_image (image, err) == -1)
    return NULL;
  if (target (inv, p, image, &tg, err) == -1) {
    if (err->msg[0] == '\0')
      v2c_set_error (err, ENOMEM, "can't build the report");
    return NULL;
  }
  fitness = v2c_report_fitness (inv, p, err);
  if (fitness == NULL) {
    json_decref (tg);
    return NULL;
  }
  report = json_pack ("{s:s, s:o*, s:o}", "schema", "v2c.report/1", "vm",
                      vm_object (inv), "fitness", fitness);
  if (report == NULL
      || json_object_set_new (report, "components", components (p, fitness))
             == -1
      || json_object_set_new (report, "volumes", volumes (inv, p)) == -1
      || json_object_set_new (report, "secrets", secrets (inv, p)) == -1
      || json_object_set_new (report, "dropped", dropped (p)) == -1
      || json_object_set_new (report, "layers", layers (p, image)) == -1
      || json_object_set_new (report, "image", image_info (image)) == -1
      || json_object_set_new (report, "sizing", sizing (inv, p)) == -1
      || json_object_set_new (report, "notes", notes (p)) == -1
      || (tg && json_object_set (report, "target", tg) == -1)
      || ((ai = v2c_report_ai (inv, p)) != NULL
          && json_object_set_new (report, "ai", ai) == -1)) {
    json_decref (report);
    report = NULL;
    v2c_set_error (err, ENOMEM, "can't build the report");
  }
  json_decref (tg);
  return report;
}
