/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The inventory of what runs in a guest: packages, services, timers,
 * cron jobs, users, ports, data directories, secrets and blockers, read
 * through a struct v2c_fs (the guest session, or a local tree in tests)
 * and turned into the inventory's JSON fields.
 */
#include <config.h>

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <time.h>

#include <guestfs.h>

#include "inspect.h"
#include "source-private.h"
#include "inspect-net.h"
#include "inspect-private.h"
#include "inspect-pkg-private.h"

static json_t *
jstr (const char *s)
{
  return s ? json_string (s) : json_null ();
}

static json_t *
jstrv (char **v)
{
  json_t *a = json_array ();
  size_t i;

  for (i = 0; v && v[i]; i++)
    json_array_append_new (a, json_string (v[i]));
  return a;
}

/* Command lines: their secrets were replaced by $(VAR) references
 * (v2c_inspect_exec_secrets) before anything is written. */
static json_t *
jcmd (const char *cmd)
{
  return jstr (cmd);
}

static json_t *
jcmdv (char **v)
{
  json_t *a = json_array ();
  size_t i;

  for (i = 0; v && v[i]; i++)
    json_array_append_new (a, jcmd (v[i]));
  return a;
}

/* The members of the inventory's records, each as a table of fields:
 * the JSON key is the member's name. */
enum jkind {
  J_STR,     /* char *, null when NULL */
  J_CMD,     /* char *, a command line with its secrets redacted */
  J_STRV,    /* char **, NULL-terminated */
  J_CMDV,    /* char **, command lines */
  J_INT,     /* int */
  J_U32,     /* uint32_t */
  J_BOOL,    /* int */
  J_SIZE     /* int64_t, null when negative */
};
struct jfield {
  const char *key;
  enum jkind kind;
  size_t off;
};
#define JF(type, member, kind) { #member, kind, offsetof (type, member) }
#define NFIELDS(t) (sizeof (t) / sizeof (t)[0])

static json_t *
jfield_value (const char *m, enum jkind kind)
{
  int64_t size;

  switch (kind) {
  case J_STR:
    return jstr (*(char *const *) m);
  case J_CMD:
    return jcmd (*(char *const *) m);
  case J_STRV:
    return jstrv (*(char **const *) m);
  case J_CMDV:
    return jcmdv (*(char **const *) m);
  case J_INT:
    return json_integer (*(const int *) m);
  case J_U32:
    return json_integer (*(const uint32_t *) m);
  case J_BOOL:
    return json_boolean (*(const int *) m);
  case J_SIZE:
    size = *(const int64_t *) m;
    return size >= 0 ? json_integer (size) : json_null ();
  }
  return json_null ();
}

/* Add the fields f[0..n) of the record rec to the object o; o. */
static json_t *
jfields (json_t *o, const void *rec, const struct jfield *f, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    json_object_set_new (o, f[i].key,
                         jfield_value ((const char *) rec + f[i].off,
                                       f[i].kind));
  return o;
}

/* An array of the n records of size bytes at v, each an object of the
 * fields f[0..nf). */
static json_t *
jrecords (const void *v, size_t n, size_t size, const struct jfield *f,
          size_t nf)
{
  json_t *a = json_array ();
  size_t i;

  for (i = 0; i < n; i++)
    json_array_append_new (a, jfields (json_object (),
                                       (const char *) v + i * size, f, nf));
  return a;
}

/* ------------------------------------------------------------------ */
/* Packages                                                             */

static const struct jfield pkg_fields[] = {
  JF (struct v2c_pkg, name, J_STR), JF (struct v2c_pkg, version, J_STR),
  JF (struct v2c_pkg, release, J_STR), JF (struct v2c_pkg, epoch, J_STR),
  JF (struct v2c_pkg, evr, J_STR), JF (struct v2c_pkg, arch, J_STR),
  JF (struct v2c_pkg, manager, J_STR),
};

static json_t *
packages_json (const struct v2c_pkgs *p)
{
  json_t *a = json_array ();
  size_t i, j;

  for (i = 0; i < p->n; i++) {
    const struct v2c_pkg *k = &p->v[i];
    json_t *o = json_object (), *conf = json_array ();

    jfields (o, k, pkg_fields, NFIELDS (pkg_fields));
    json_object_set_new (o, "source_package",
                         jstr (k->source_package ? k->source_package
                                                 : k->name));
    json_object_set_new (o, "source_version",
                         jstr (k->source_version ? k->source_version
                                                 : k->evr));
    json_object_set_new (o, "license", jstr (k->license));
    json_object_set_new (o, "installed_size",
                         k->installed_size >= 0
                           ? json_integer (k->installed_size)
                           : json_null ());
    json_object_set_new (o, "files", json_integer ((json_int_t) k->nfiles));
    for (j = 0; j < k->nfiles; j++)
      if (k->files[j].conffile)
        json_array_append_new (conf, json_string (k->files[j].path));
    json_object_set_new (o, "conffiles", conf);
    json_array_append_new (a, o);
  }
  return a;
}

int
v2c_inspect_packages (struct v2c_fs *fs, const char *package_format,
                      int with_files, struct v2c_pkgs *out,
                      struct v2c_err *err)
{
  struct v2c_fs_stat st;

  memset (out, 0, sizeof *out);
  if ((package_format && strcmp (package_format, "deb") == 0)
      || (package_format == NULL
          && v2c_fs_stat (fs, "/var/lib/dpkg/status", 0, &st) == 0))
    return v2c_dpkg_read (fs, with_files, out, err);
  if ((package_format && strcmp (package_format, "rpm") == 0)
      || (package_format == NULL
          && (v2c_fs_stat (fs, "/var/lib/rpm", 0, &st) == 0
              || v2c_fs_stat (fs, "/usr/lib/sysimage/rpm", 0, &st) == 0)))
    return v2c_rpm_read (fs, with_files, out, err);
  if ((package_format && strcmp (package_format, "apk") == 0)
      || (package_format == NULL
          && v2c_fs_stat (fs, "/lib/apk/db/installed", 0, &st) == 0))
    return v2c_apk_read (fs, with_files, out, err);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Services and what their configuration says                          */

/* Which unit a software name from a config file belongs to: "nginx" ->
 * nginx.service, "postgresql" -> postgresql@15-main.service, ... */
static const struct {
  const char *software;
  const char *patterns[6];
} unit_of[] = {
  { "nginx", { "nginx.service", NULL } },
  { "apache2", { "apache2.service", "httpd.service", NULL } },
  { "httpd", { "httpd.service", "apache2.service", NULL } },
  { "postgresql", { "postgresql@*.service", "postgresql-*.service",
                    "postgresql.service", NULL } },
  { "mysql", { "mariadb.service", "mysql.service", "mysqld.service",
               NULL } },
  { "redis", { "redis-server.service", "redis.service", "redis-server@*",
               NULL } },
  { "sshd", { "ssh.service", "sshd.service", NULL } },
  { "tomcat", { "tomcat*.service", NULL } },
  { "mongodb", { "mongod.service", "mongodb.service", NULL } },
};

int
v2c_service_matches (const struct v2c_service *svc, const char *software)
{
  size_t i, j;

  if (software == NULL)
    return 0;
  if (strcmp (svc->name, software) == 0)
    return 1;
  for (i = 0; i < sizeof unit_of / sizeof unit_of[0]; i++) {
    if (strcmp (unit_of[i].software, software))
      continue;
    for (j = 0; unit_of[i].patterns[j]; j++)
      if (fnmatch (unit_of[i].patterns[j], svc->name, 0) == 0)
        return 1;
  }
  return 0;
}

#define SF(member, kind) JF (struct v2c_service, member, kind)
static const struct jfield svc_head[] = {
  SF (name, J_STR), SF (kind, J_STR), SF (enabled, J_BOOL),
  SF (description, J_STR), SF (type, J_STR), SF (exec_start, J_CMD),
  SF (exec_start_pre, J_CMDV), SF (user, J_STR), SF (group, J_STR),
  SF (dynamic_user, J_BOOL), SF (working_directory, J_STR),
};
/* after the environment and the ports */
static const struct jfield svc_tail[] = {
  SF (after, J_STRV), SF (wants, J_STRV), SF (requires, J_STRV),
  SF (wanted_by, J_STRV), SF (unit_path, J_STR), SF (dropins, J_STRV),
  SF (template_instance, J_STR),
};
#undef SF

/* LoadCredential= & co: ids and paths, never a content. */
static json_t *
credentials_json (const struct v2c_service *v)
{
  json_t *a = json_array ();
  size_t i;

  for (i = 0; a && i < v->ncredentials; i++) {
    const struct v2c_credential *cr = &v->credentials[i];

    json_array_append_new (
        a, json_pack ("{s:s, s:o, s:b, s:b}", "id", cr->id, "path",
                      jstr (cr->path), "encrypted", cr->encrypted,
                      "directory", cr->directory));
  }
  return a;
}

static json_t *
services_json (const struct v2c_services *s, const struct v2c_conf_facts *f)
{
  json_t *a = json_array ();
  size_t i, j;

  for (i = 0; i < s->n; i++) {
    const struct v2c_service *v = &s->v[i];
    json_t *o = json_object (), *env = json_object (), *ports = json_array ();

    jfields (o, v, svc_head, NFIELDS (svc_head));
    for (j = 0; j < v->nenvironment; j++)
      json_object_set_new (env, v->environment[j].key,
                           jstr (v->environment[j].value));
    json_object_set_new (o, "environment", env);
    json_object_set_new (o, "environment_files",
                         jstrv (v->environment_files));
    for (j = 0; f && j < f->nports; j++)
      if (v2c_service_matches (v, f->ports[j].service)) {
        json_t *p = json_object ();
        json_object_set_new (p, "port", json_integer (f->ports[j].port));
        json_object_set_new (p, "protocol", jstr (f->ports[j].protocol));
        json_array_append_new (ports, p);
      }
    json_object_set_new (o, "ports", ports);
    jfields (o, v, svc_tail, NFIELDS (svc_tail));
    /* only when it has any: inventories without stay as they were */
    if (v->ncredentials)
      json_object_set_new (o, "credentials", credentials_json (v));
    json_array_append_new (a, o);
  }
  return a;
}

#define TF(member, kind) JF (struct v2c_timer, member, kind)
static const struct jfield timer_fields[] = {
  TF (name, J_STR), TF (unit, J_STR), TF (on_calendar, J_STRV),
  TF (on_boot_sec, J_STR), TF (on_unit_active_sec, J_STR),
  TF (enabled, J_BOOL), TF (unit_path, J_STR),
};
#undef TF

#define CF(member, kind) JF (struct v2c_cron_job, member, kind)
static const struct jfield cron_fields[] = {
  CF (schedule, J_STR), CF (user, J_STR), CF (command, J_CMD),
  CF (file, J_STR), CF (line, J_INT),
};
#undef CF

#define UF(member, kind) JF (struct v2c_user, member, kind)
static const struct jfield user_fields[] = {
  UF (name, J_STR), UF (uid, J_U32), UF (gid, J_U32), UF (gecos, J_STR),
  UF (home, J_STR), UF (shell, J_STR),
};
static const struct jfield group_fields[] = {
  UF (name, J_STR), UF (gid, J_U32), UF (members, J_STRV),
};
#undef UF

#define PF(member, kind) JF (struct v2c_port, member, kind)
static const struct jfield port_fields[] = {
  PF (port, J_INT), PF (protocol, J_STR), PF (address, J_STR),
  PF (service, J_STR), PF (evidence, J_STR),
};
#undef PF

#define DF(member, kind) JF (struct v2c_datadir, member, kind)
static const struct jfield dir_fields[] = {
  DF (path, J_STR), DF (service, J_STR), DF (used_bytes, J_SIZE),
  DF (evidence, J_STR),
};
#undef DF

#define RF(member, kind) JF (struct v2c_fileref, member, kind)
static const struct jfield ref_fields[] = {
  RF (path, J_STR), RF (service, J_STR), RF (evidence, J_STR),
};
#undef RF

#define XF(member, kind) JF (struct v2c_secret, member, kind)
static const struct jfield secret_fields[] = {
  XF (path, J_STR), XF (kind, J_STR), XF (line, J_INT), XF (evidence, J_STR),
};
#undef XF

/* secrets[]: the fields above, then the variable's name, the value's
 * fingerprint and the file's mode and owner where they apply. */
static json_t *
secrets_json (const struct v2c_secrets *s)
{
  json_t *a = json_array ();
  size_t i;

  for (i = 0; i < s->n; i++) {
    const struct v2c_secret *x = &s->v[i];
    json_t *o = jfields (json_object (), x, secret_fields,
                         NFIELDS (secret_fields));

    if (x->name)
      json_object_set_new (o, "name", json_string (x->name));
    if (x->fingerprint[0])
      json_object_set_new (o, "fingerprint", json_string (x->fingerprint));
    if (x->mode >= 0) {
      json_object_set_new (o, "mode", json_integer (x->mode));
      json_object_set_new (o, "uid", json_integer (x->uid));
      json_object_set_new (o, "gid", json_integer (x->gid));
    }
    json_array_append_new (a, o);
  }
  return a;
}

/* cron[]: the package that ships a job (null when none does), whether
 * it was modified (only with a package), the data directories it names
 * and an "environment" object, each only for a job that has them. */
static json_t *
cron_json (const struct v2c_cron *c)
{
  json_t *a = jrecords (c->v, c->n, sizeof *c->v, cron_fields,
                        NFIELDS (cron_fields));
  size_t i, j;

  for (i = 0; i < c->n; i++) {
    json_t *env, *o = json_array_get (a, i);

    json_object_set_new (o, "package", jstr (c->v[i].package));
    if (c->v[i].package)
      json_object_set_new (o, "modified", json_boolean (c->v[i].modified));
    if (c->v[i].ndata_dirs) {
      json_t *dd = json_array ();
      for (j = 0; j < c->v[i].ndata_dirs; j++)
        json_array_append_new (dd, json_string (c->v[i].data_dirs[j]));
      json_object_set_new (o, "data_dirs", dd);
    }
    if (c->v[i].nenvironment == 0)
      continue;
    env = json_object ();
    for (j = 0; j < c->v[i].nenvironment; j++)
      json_object_set_new (env, c->v[i].environment[j].key,
                           jstr (c->v[i].environment[j].value));
    json_object_set_new (o, "environment", env);
  }
  return a;
}

static void
users_json (const struct v2c_users *u, json_t **users, json_t **groups)
{
  size_t i;

  *users = json_array ();
  *groups = json_array ();
  for (i = 0; i < u->n; i++) {
    const struct v2c_user *x = &u->v[i];

    if (x->is_group)
      json_array_append_new (*groups, jfields (json_object (), x, group_fields,
                                               NFIELDS (group_fields)));
    else
      json_array_append_new (*users, jfields (json_object (), x, user_fields,
                                              NFIELDS (user_fields)));
  }
}

static json_t *
proxy_json (const struct v2c_conf_facts *f)
{
  json_t *a = json_array ();
  size_t i;

  for (i = 0; i < f->nproxy; i++)
    json_array_append_new (a, json_string (f->proxy_targets[i]));
  return a;
}

/* ------------------------------------------------------------------ */

/* Directories the inspectors read many small files from: each is one
 * stream from the appliance instead of thousands of round trips. */
static const char *const preload_dirs[] = {
  "/etc", "/var/lib/dpkg", "/lib/apk/db", "/var/spool/cron",
  "/usr/lib/systemd/system", "/lib/systemd/system",
  "/usr/local/lib/systemd/system", "/run/systemd/system", NULL
};

/* A data directory more in f, its used bytes unknown (-1); NULL with
 * err set when out of memory. */
static struct v2c_datadir *
add_datadir (struct v2c_conf_facts *f, const char *path, const char *svc,
             const char *ev, struct v2c_err *err)
{
  struct v2c_datadir *d = realloc (f->dirs, (f->ndirs + 1) * sizeof *d);

  if (d == NULL) {
    v2c_set_error (err, ENOMEM, "out of memory");
    return NULL;
  }
  f->dirs = d;
  d = &f->dirs[f->ndirs];
  memset (d, 0, sizeof *d);
  d->used_bytes = -1;
  d->path = strdup (path);
  d->service = strdup (svc);
  d->evidence = strdup (ev);
  if (d->path == NULL || d->service == NULL || d->evidence == NULL) {
    V2C_FREE (d->path, d->service, d->evidence);
    v2c_set_error (err, ENOMEM, "out of memory");
    return NULL;
  }
  f->ndirs++;
  return d;
}

/* /var/lib/<service> of each enabled service is its state, unless a
 * configuration already named the service's data directory. */
static int
service_state_dirs (struct v2c_fs *fs, const struct v2c_services *svcs,
                    struct v2c_conf_facts *f, struct v2c_err *err)
{
  size_t i, j;

  for (i = 0; i < svcs->n; i++) {
    const struct v2c_service *s = &svcs->v[i];
    char stem[256], path[PATH_MAX], ev[PATH_MAX + 64];
    struct v2c_fs_stat st;
    struct v2c_datadir *d;
    size_t len;
    int known = 0;

    if (!s->enabled || s->name == NULL)
      continue;
    len = strcspn (s->name, "@.");
    if (len == 0 || len >= sizeof stem)
      continue;
    memcpy (stem, s->name, len);
    stem[len] = '\0';
    snprintf (path, sizeof path, "/var/lib/%s", stem);
    if (v2c_fs_stat (fs, path, 0, &st) == -1 || st.type != V2C_FS_DIR)
      continue;
    for (j = 0; j < f->ndirs; j++)
      if (strncmp (f->dirs[j].path, path, strlen (path)) == 0
          || strncmp (path, f->dirs[j].path, strlen (f->dirs[j].path)) == 0)
        known = 1;
    if (known)
      continue;
    snprintf (ev, sizeof ev, "state directory of %s", s->name);
    if ((d = add_datadir (f, path, s->name, ev, err)) == NULL)
      return -1;
    d->used_bytes = v2c_fs_du (fs, path);
  }
  return 0;
}

/* The model path of each AI server (its directory; a file's directory)
 * is a data directory of its service, unless one already holds it. */
static int
model_dirs (struct v2c_fs *fs, const json_t *ai, struct v2c_conf_facts *f,
            struct v2c_err *err)
{
  const json_t *s;
  size_t i, j;

  json_array_foreach (json_object_get (ai, "servers"), i, s)
  {
    const char *m = json_string_value (json_object_get (s, "model"));
    const char *svc = json_string_value (json_object_get (s, "service"));
    char path[PATH_MAX], ev[PATH_MAX + 64], *slash;
    struct v2c_fs_stat st;
    struct v2c_datadir *d;
    int known = 0;

    if (m == NULL || m[0] != '/' || svc == NULL
        || snprintf (path, sizeof path, "%s", m) >= (int) sizeof path
        || v2c_fs_stat (fs, path, 0, &st) == -1)
      continue;
    if (st.type != V2C_FS_DIR) {
      if ((slash = strrchr (path, '/')) == NULL || slash == path)
        continue;
      *slash = '\0';
    }
    for (j = 0; j < f->ndirs; j++) {
      size_t l = strlen (f->dirs[j].path);

      known |= strncmp (path, f->dirs[j].path, l) == 0
               && (path[l] == '/' || path[l] == '\0');
    }
    if (known)
      continue;
    snprintf (ev, sizeof ev, "the models %s serves (%s)", svc, m);
    if ((d = add_datadir (f, path, svc, ev, err)) == NULL)
      return -1;
    d->used_bytes = v2c_fs_du (fs, path);
    /* a model is often sparse (allocated as it was downloaded): its
     * volume needs its apparent size */
    {
      const json_t *mo;
      int64_t sum = 0;
      size_t k, l = strlen (path);

      json_array_foreach (json_object_get (ai, "models"), k, mo)
      {
        const char *mp = json_string_value (json_object_get (mo, "path"));

        if (mp && strncmp (mp, path, l) == 0 && mp[l] == '/')
          sum += json_integer_value (json_object_get (mo, "size_bytes"));
      }
      if (sum > d->used_bytes)
        d->used_bytes = sum;
    }
  }
  return 0;
}

/* Stage timings for -v: where an inventory's time goes. */
static __thread struct v2c_guest *timing_guest;
static __thread double timing_start;

static void
stage (const char *what)
{
  double t = v2c_now ();

  if (timing_guest)
    v2c_message (v2c_guest_msg_sink (timing_guest), V2C_MSG_VERBOSE,
                 "inventory: %s (%.2f s)", what, t - timing_start);
  timing_start = t;
}

int
v2c_inspect_fs (struct v2c_fs *fs, const char *package_format,
                json_t *inv, struct v2c_err *err)
{
  struct v2c_pkgs pkgs;
  struct v2c_services svcs;
  struct v2c_cron cron;
  struct v2c_users users;
  struct v2c_conf_facts facts;
  struct v2c_secrets secrets;
  json_t *ju, *jg, *blockers, *ai = NULL;
  int r = -1;

  memset (&pkgs, 0, sizeof pkgs);
  memset (&svcs, 0, sizeof svcs);
  memset (&cron, 0, sizeof cron);
  memset (&users, 0, sizeof users);
  memset (&facts, 0, sizeof facts);
  memset (&secrets, 0, sizeof secrets);

  if (v2c_inspect_packages (fs, package_format,
                            V2C_PKG_FILES | V2C_PKG_LICENSES, &pkgs, err)
      == -1) {
    v2c_error_prefix (err, "packages");
    goto out;
  }
  stage ("packages");
  if (v2c_systemd_read (fs, &svcs, err) == -1
      || v2c_sysv_read (fs, &svcs, err) == -1) {
    v2c_error_prefix (err, "services");
    goto out;
  }
  stage ("services");
  if (v2c_cron_read (fs, &cron, err) == -1
      || v2c_inspect_cron_owners (fs, &pkgs, &cron, err) == -1) {
    v2c_error_prefix (err, "cron");
    goto out;
  }
  if (v2c_users_read (fs, &users, err) == -1) {
    v2c_error_prefix (err, "users");
    goto out;
  }
  if (v2c_inspect_exec_secrets (&svcs, &cron, &secrets, err) == -1) {
    v2c_error_prefix (err, "secrets in commands");
    goto out;
  }
  stage ("cron and users");
  if (v2c_conf_read (fs, &svcs, &facts, err) == -1) {
    v2c_error_prefix (err, "service configuration");
    goto out;
  }
  if (service_state_dirs (fs, &svcs, &facts, err) == -1)
    goto out;
  /* the AI software; the directories of the models its servers read
   * are their data */
  ai = v2c_inspect_ai (fs, &pkgs, &svcs);
  if (ai && model_dirs (fs, ai, &facts, err) == -1)
    goto out;
  if (v2c_inspect_cron_data (fs, &facts, &cron, err) == -1) {
    v2c_error_prefix (err, "cron");
    goto out;
  }
  stage ("service configuration and data directories");
  if (v2c_inspect_secrets (fs, &svcs, &pkgs, &secrets, err) == -1) {
    v2c_error_prefix (err, "secrets");
    goto out;
  }
  stage ("secrets");
  blockers = v2c_inspect_blockers (fs, inv, &pkgs, &svcs, &facts);
  if (blockers == NULL) {
    v2c_set_error (err, ENOMEM, "out of memory");
    goto out;
  }

  json_object_set_new (inv, "packages", packages_json (&pkgs));
  json_object_set_new (inv, "services", services_json (&svcs, &facts));
  json_object_set_new (inv, "timers",
                       jrecords (svcs.timers, svcs.ntimers,
                                 sizeof *svcs.timers, timer_fields,
                                 NFIELDS (timer_fields)));
  json_object_set_new (inv, "cron", cron_json (&cron));
  users_json (&users, &ju, &jg);
  json_object_set_new (inv, "users", ju);
  json_object_set_new (inv, "groups", jg);
  json_object_set_new (inv, "ports",
                       jrecords (facts.ports, facts.nports,
                                 sizeof *facts.ports, port_fields,
                                 NFIELDS (port_fields)));
  json_object_set_new (inv, "data_dirs",
                       jrecords (facts.dirs, facts.ndirs, sizeof *facts.dirs,
                                 dir_fields, NFIELDS (dir_fields)));
  json_object_set_new (inv, "file_refs",
                       jrecords (facts.refs, facts.nrefs, sizeof *facts.refs,
                                 ref_fields, NFIELDS (ref_fields)));
  json_object_set_new (inv, "proxy_targets", proxy_json (&facts));
  json_object_set_new (inv, "network", v2c_inspect_network (fs));
  json_object_set_new (inv, "references", v2c_inspect_references (fs));
  if (ai)
    json_object_set_new (inv, "ai", json_incref (ai));
  json_object_set_new (inv, "secrets", secrets_json (&secrets));
  json_object_set_new (inv, "blockers", blockers);
  r = 0;
 out:
  v2c_pkgs_free_contents (&pkgs);
  v2c_services_free_contents (&svcs);
  v2c_cron_free_contents (&cron);
  v2c_users_free_contents (&users);
  v2c_conf_facts_free_contents (&facts);
  v2c_secrets_free_contents (&secrets);
  json_decref (ai);
  return r;
}

static json_t *
empty_null (const char *s)
{
  return s && *s ? json_string (s) : json_null ();
}

/* A Windows guest: no Linux inspector applies, but the inventory still
 * says what is installed (from the registry, through libguestfs) and
 * that it can't become a Linux container. */
static int
inspect_windows (guestfs_h *h, json_t *inv, struct v2c_err *err)
{
  json_t *os = json_object_get (inv, "os");
  const char *root = json_string_value (json_object_get (os, "root"));
  struct guestfs_application2_list *apps;
  json_t *pkgs = json_array (), *blockers = json_array (), *b, *ev;
  char line[512];
  size_t i;

  apps = root ? guestfs_inspect_list_applications2 (h, root) : NULL;
  if (apps == NULL)
    return v2c_set_error (err, 0, "can't list the Windows guest's installed "
                          "programs: %s", guestfs_last_error (h)
                                            ? guestfs_last_error (h) : "");
  for (i = 0; apps && i < apps->len; i++) {
    const struct guestfs_application2 *a = &apps->val[i];
    json_t *o = json_object ();

    /* MSI installs name their Uninstall key by product GUID: the name a
     * person reads is the DisplayName */
    const char *name = a->app2_name[0] == '{' && a->app2_display_name[0]
                         ? a->app2_display_name : a->app2_name;

    json_object_set_new (o, "name", json_string (name));
    json_object_set_new (o, "display_name", empty_null (a->app2_display_name));
    json_object_set_new (o, "version", empty_null (a->app2_version));
    json_object_set_new (o, "release", json_null ());
    json_object_set_new (o, "epoch", json_null ());
    json_object_set_new (o, "evr", empty_null (a->app2_version));
    json_object_set_new (o, "arch", empty_null (a->app2_arch));
    json_object_set_new (o, "manager", json_string ("windows"));
    json_object_set_new (o, "source_package", json_null ());
    json_object_set_new (o, "publisher", empty_null (a->app2_publisher));
    json_array_append_new (pkgs, o);
  }
  if (apps)
    guestfs_free_application2_list (apps);
  b = json_object ();
  json_object_set_new (b, "rule", json_string ("windows-guest"));
  json_object_set_new (b, "severity", json_string ("critical"));
  json_object_set_new (b, "summary",
                       json_string ("a Windows guest: Linux container "
                                    "platforms can't run it; keep it as a "
                                    "VM (KubeVirt) or rebuild the service"));
  ev = json_array ();
  snprintf (line, sizeof line, "os.type windows, product '%s'",
            json_string_value (json_object_get (os, "product_name"))
              ? json_string_value (json_object_get (os, "product_name"))
              : "unknown");
  json_array_append_new (ev, json_string (line));
  json_object_set_new (b, "evidence", ev);
  json_array_append_new (blockers, b);
  json_object_set_new (inv, "packages", pkgs);
  json_object_set_new (inv, "services", json_array ());
  json_object_set_new (inv, "timers", json_array ());
  json_object_set_new (inv, "cron", json_array ());
  json_object_set_new (inv, "users", json_array ());
  json_object_set_new (inv, "groups", json_array ());
  json_object_set_new (inv, "ports", json_array ());
  json_object_set_new (inv, "data_dirs", json_array ());
  json_object_set_new (inv, "file_refs", json_array ());
  json_object_set_new (inv, "proxy_targets", json_array ());
  json_object_set_new (inv, "network", v2c_net_new ());
  json_object_set_new (inv, "references", json_array ());
  json_object_set_new (inv, "secrets", json_array ());
  json_object_set_new (inv, "blockers", blockers);
  return 0;
}

int
v2c_inspect_guest (struct v2c_guest *g, json_t *inv, struct v2c_err *err)
{
  struct v2c_fs *fs;
  json_t *os = json_object_get (inv, "os");
  const char *pf = json_string_value (json_object_get (os, "package_format"));
  int r;

  const char *type = json_string_value (json_object_get (os, "type"));

  if (type && strcmp (type, "windows") == 0)
    return inspect_windows (v2c_guest_handle (g), inv, err);
  fs = v2c_fs_open_guest (v2c_guest_handle (g), err);
  if (fs == NULL)
    return -1;
  timing_guest = g;
  timing_start = v2c_now ();
  if (v2c_fs_guest_preload (fs, preload_dirs, 4u << 20, err) == -1) {
    v2c_fs_free (fs);
    timing_guest = NULL;
    return -1;
  }
  stage ("streamed /etc, the package database and unit directories");
  /* Debian's licences are in /usr/share/doc/NAME/copyright: one stream
   * of the directory, files cut at 64 KiB (the licence reader's limit),
   * instead of a round trip per package */
  if (pf && strcmp (pf, "deb") == 0) {
    static const char *const doc[] = { "/usr/share/doc", NULL };

    if (v2c_fs_guest_preload (fs, doc, 64u << 10, err) == -1) {
      v2c_fs_free (fs);
      timing_guest = NULL;
      return -1;
    }
    stage ("streamed /usr/share/doc (licences)");
  }
  r = v2c_inspect_fs (fs, pf, inv, err);
  timing_guest = NULL;
  v2c_fs_free (fs);
  return r;
}
