/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * systemd units of a guest, read offline the way systemd itself would
 * load them at boot:
 *
 * - The unit search path is /etc/systemd/system, /run/systemd/system,
 *   /usr/local/lib/systemd/system, /lib/systemd/system,
 *   /usr/lib/systemd/system; the first file of a name wins (on a
 *   merged-/usr guest the last two are one directory, which the same
 *   rule dedupes).
 * - A name linked to /dev/null is masked: it is still listed when a unit
 *   file of that name exists further down the path (enabled = 0, the
 *   fields from that file), and not listed when there is none.
 * - A symlink with another unit's name is an alias: the real unit is
 *   listed once, under its own name.
 * - Drop-ins NAME.d/ *.conf (and, for an instance, TEMPLATE.d/ *.conf)
 *   from every path directory, one per file name (the higher directory
 *   wins), applied after the main file in file name order.  List
 *   settings (ExecStart=, ExecStartPre=, Environment=, EnvironmentFile=,
 *   OnCalendar=, WantedBy=, LoadCredential=) are reset by an empty
 *   assignment;
 *   dependencies (After=, Wants=, Requires=) cannot be reset, as in
 *   systemd.
 * - "enabled" means reachable at boot: from the default target
 *   (/etc/systemd/system/default.target, else the one of the vendor
 *   directories, else multi-user.target) through NAME.wants/ and
 *   NAME.requires/ of every path directory, for every NAME of a unit
 *   (its own and its aliases': default.target.wants/ counts when
 *   default.target links to multi-user.target), and Wants=, Requires=
 *   and BindsTo= of every unit reached.  A unit whose [Install]
 *   section names a target it was never linked into is not enabled.
 *   Socket, path or D-Bus activation does not count.  Alias= of
 *   [Install] makes no alias until systemctl enable links it.
 * - Templates are not listed themselves; their instances are: every
 *   instance named by a symlink in a .wants/.requires directory or a
 *   dependency, and the ones of the generators emulated below.
 * - For Type=oneshot several ExecStart= commands are kept, one per line
 *   of exec_start; other types take the last one.
 * - The fields copied out have the specifiers %i %I %n %N %p %P %%
 *   replaced; other specifiers are kept as written.
 *
 * Not emulated: prefix drop-ins ("foo-.service.d"), type-wide drop-ins
 * ("service.d"), globs in EnvironmentFile=, and generators other than
 * postgresql-common's.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "inspect-systemd.h"

/* ------------------------------------------------------------------ */
/* Settings                                                           */

static int
parse_bool (const char *s)
{
  return s
         && (strcasecmp (s, "yes") == 0 || strcasecmp (s, "true") == 0
             || strcasecmp (s, "on") == 0 || strcmp (s, "1") == 0);
}

static void
env_set (struct ctx *c, struct v2c_service *s, const char *key, size_t klen,
         const char *val, size_t vlen)
{
  size_t i;
  char *k = strndup (key, klen), *v;
  struct v2c_kv *nv;

  if (k == NULL) {
    c->oom = 1;
    return;
  }
  /* secret values are replaced by v2c_inspect_exec_secrets, which
   * records where they were */
  v = strndup (val, vlen);
  if (v == NULL) {
    free (k);
    c->oom = 1;
    return;
  }
  for (i = 0; i < s->nenvironment; i++)
    if (strcmp (s->environment[i].key, k) == 0) {
      free (k);
      free (s->environment[i].value);
      s->environment[i].value = v;
      return;
    }
  if (s->nenvironment >= MAX_ENV
      || (nv = realloc (s->environment, (s->nenvironment + 1) * sizeof *nv))
             == NULL) {
    if (s->nenvironment < MAX_ENV)
      c->oom = 1;
    free (k);
    free (v);
    return;
  }
  s->environment = nv;
  nv[s->nenvironment].key = k;
  nv[s->nenvironment].value = v;
  s->nenvironment++;
}

static int
valid_env_name (const char *k, size_t n)
{
  size_t i;

  if (n == 0 || (k[0] >= '0' && k[0] <= '9'))
    return 0;
  for (i = 0; i < n; i++)
    if (!((k[i] >= 'A' && k[i] <= 'Z') || (k[i] >= 'a' && k[i] <= 'z')
          || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
      return 0;
  return 1;
}

/* One word of an Environment= line (quotes and C escapes), copied into
 * o; returns the position after it. */
static const char *
env_word (const char *p, char *o, size_t *on)
{
  char q = 0;

  *on = 0;
  for (; *p; p++) {
    if (!q && (*p == ' ' || *p == '\t'))
      break;
    if (!q && (*p == '"' || *p == '\'')) {
      q = *p;
      continue;
    }
    if (q && *p == q) {
      q = 0;
      continue;
    }
    if (*p == '\\' && q != '\'' && p[1]) {
      p++;
      switch (*p) {
      case 'n':
        o[(*on)++] = '\n';
        break;
      case 't':
        o[(*on)++] = '\t';
        break;
      case 's':
        o[(*on)++] = ' ';
        break;
      default:
        o[(*on)++] = *p;
      }
      continue;
    }
    o[(*on)++] = *p;
  }
  return p;
}

static void
env_assignments (struct ctx *c, struct v2c_service *s, const char *line)
{
  char *w = malloc (strlen (line) + 1);
  const char *p = line;

  if (w == NULL) {
    c->oom = 1;
    return;
  }
  while (*p) {
    size_t wn;
    const char *eq;

    while (*p == ' ' || *p == '\t')
      p++;
    if (*p == '\0')
      break;
    p = env_word (p, w, &wn);
    eq = memchr (w, '=', wn);
    if (eq && valid_env_name (w, (size_t) (eq - w)))
      env_set (c, s, w, (size_t) (eq - w), eq + 1, wn - (size_t) (eq - w) - 1);
  }
  free (w);
}

/* KEY=value lines of an environment file (systemd's format, plus
 * "export "). */
static void
env_file (struct ctx *c, struct v2c_service *s, const char *path)
{
  size_t len, pos = 0;
  char *buf = v2c_fs_read (c->fs, path, ENVFILE_MAX_BYTES, &len);

  if (buf == NULL)
    return;
  while (pos < len) {
    const char *l = buf + pos, *nl = memchr (l, '\n', len - pos), *k, *v, *eq;
    size_t n = nl ? (size_t) (nl - l) : len - pos, kn, vn;

    pos += n + (nl != NULL);
    sysd_trim (&l, &n);
    if (n == 0 || l[0] == '#' || l[0] == ';')
      continue;
    if (n > 7 && strncmp (l, "export", 6) == 0
        && (l[6] == ' ' || l[6] == '\t')) {
      l += 7;
      n -= 7;
      sysd_trim (&l, &n);
    }
    eq = memchr (l, '=', n);
    if (eq == NULL)
      continue;
    k = l;
    kn = (size_t) (eq - l);
    v = eq + 1;
    vn = n - kn - 1;
    sysd_trim (&k, &kn);
    sysd_trim (&v, &vn);
    if (!valid_env_name (k, kn))
      continue;
    if (vn >= 2 && (v[0] == '"' || v[0] == '\'') && v[vn - 1] == v[0]) {
      char *o = malloc (vn), q = v[0];
      size_t on = 0, i;
      if (o == NULL) {
        c->oom = 1;
        break;
      }
      for (i = 1; i + 1 < vn; i++) {
        if (q == '"' && v[i] == '\\' && i + 2 < vn)
          i++;
        o[on++] = v[i];
      }
      env_set (c, s, k, kn, o, on);
      free (o);
    } else
      env_set (c, s, k, kn, v, vn);
  }
  free (buf);
}

/* A credential id systemd accepts: a file name of at most 255 bytes,
 * no control characters. */
static int
valid_cred_id (const char *id, size_t n)
{
  size_t i;

  if (n == 0 || n > 255 || (n == 1 && id[0] == '.')
      || (n == 2 && id[0] == '.' && id[1] == '.'))
    return 0;
  for (i = 0; i < n; i++)
    if (id[i] == '/' || (unsigned char) id[i] < 0x20 || id[i] == 0x7f)
      return 0;
  return 1;
}

/* Set credential id (replacing an earlier one of that id, as systemd
 * does) from "ID[:PATH]"; a relative or missing path is looked up in
 * the credential stores, which an offline reading leaves alone. */
static void
cred_set (struct ctx *c, struct v2c_service *s, const char *val,
          int encrypted)
{
  const char *colon = strchr (val, ':'), *path = colon ? colon + 1 : NULL;
  size_t idn = colon ? (size_t) (colon - val) : strlen (val), i;
  struct v2c_credential *cr = NULL, *nv;
  struct v2c_fs_stat st;

  if (!valid_cred_id (val, idn))
    return;
  for (i = 0; i < s->ncredentials; i++)
    if (strlen (s->credentials[i].id) == idn
        && strncmp (s->credentials[i].id, val, idn) == 0) {
      cr = &s->credentials[i];
      V2C_FREE (cr->id, cr->path);
      /* keep the order of the last assignments */
      memmove (cr, cr + 1, (s->ncredentials - i - 1) * sizeof *cr);
      s->ncredentials--;
      break;
    }
  if (s->ncredentials >= MAX_LIST)
    return;
  nv = realloc (s->credentials, (s->ncredentials + 1) * sizeof *nv);
  if (nv == NULL) {
    c->oom = 1;
    return;
  }
  s->credentials = nv;
  cr = &nv[s->ncredentials];
  memset (cr, 0, sizeof *cr);
  cr->id = strndup (val, idn);
  if (cr->id == NULL) {
    c->oom = 1;
    return;
  }
  s->ncredentials++;
  cr->encrypted = encrypted;
  if (path && path[0] == '/') {
    cr->path = sysd_xstrdup (c, path);
    cr->directory = v2c_fs_stat (c->fs, path, 0, &st) == 0
                    && st.type == V2C_FS_DIR;
  }
}

/* LoadCredential= and LoadCredentialEncrypted=, in the order of the
 * unit and its drop-ins; an empty assignment of either resets both
 * (they are one list in systemd). */
static void
fill_credentials (struct ctx *c, const struct unit *u, struct v2c_service *s)
{
  size_t i;

  for (i = 0; i < u->uf.n && !c->oom; i++) {
    const struct v2c_unit_entry *e = &u->uf.v[i];
    int enc;
    char *val;

    if (strcmp (e->section, "Service") != 0)
      continue;
    if (strcmp (e->key, "LoadCredential") == 0)
      enc = 0;
    else if (strcmp (e->key, "LoadCredentialEncrypted") == 0)
      enc = 1;
    else
      continue;
    if (e->value[0] == '\0') {
      while (s->ncredentials > 0) {
        s->ncredentials--;
        V2C_FREE (s->credentials[s->ncredentials].id,
                  s->credentials[s->ncredentials].path);
      }
      continue;
    }
    val = sysd_subst (c, u, e->value);
    if (val)
      cred_set (c, s, val, enc);
    free (val);
  }
}

static void
fill_service (struct ctx *c, struct table *t, size_t idx,
              struct v2c_service *s)
{
  struct unit *u = &t->u[idx];
  struct unit *tm = u->tmpl >= 0 ? &t->u[u->tmpl] : NULL;
  struct v2c_strvec dropins = V2C_STRVEC_INIT;
  char **execs, **envs, **files;
  const char *type;
  size_t i;

  sysd_load (c, t, u);
  s->name = sysd_xstrdup (c, u->name);
  s->kind = sysd_xstrdup (c, "systemd");
  s->enabled = (u->reach & 1) && !u->masked;
  s->unit_path = sysd_xstrdup (c, tm ? tm->path : u->path);
  for (i = 0; i < u->dropins.n; i++)
    sysd_strv_push (c, &dropins, sysd_xstrdup (c, u->dropins.v[i]));
  s->dropins = v2c_strvec_detach (&dropins);
  s->description = sysd_subst (c, u, sysd_last (u, "Unit", "Description"));
  type = sysd_last (u, "Service", "Type");
  s->type = sysd_xstrdup (c, type ? type : "simple");
  execs = sysd_list_setting (c, u, "Service", "ExecStart", 1);
  if (execs && type && strcmp (type, "oneshot") == 0) {
    size_t total = 0;
    for (i = 0; execs[i]; i++)
      total += strlen (execs[i]) + 1;
    s->exec_start = malloc (total);
    if (s->exec_start == NULL)
      c->oom = 1;
    else {
      s->exec_start[0] = '\0';
      for (i = 0; execs[i]; i++) {
        if (i)
          strcat (s->exec_start, "\n");
        strcat (s->exec_start, execs[i]);
      }
    }
  } else if (execs)
    s->exec_start = sysd_xstrdup (c, execs[sysd_strv_len (execs) - 1]);
  v2c_strv_free (execs);
  s->exec_start_pre = sysd_list_setting (c, u, "Service", "ExecStartPre", 1);
  s->user = sysd_subst (c, u, sysd_last (u, "Service", "User"));
  s->group = sysd_subst (c, u, sysd_last (u, "Service", "Group"));
  s->dynamic_user = parse_bool (sysd_last (u, "Service", "DynamicUser"));
  s->working_directory
      = sysd_subst (c, u, sysd_last (u, "Service", "WorkingDirectory"));
  /* Environment= first; the files override it (systemd.exec(5)) */
  envs = sysd_list_setting (c, u, "Service", "Environment", 1);
  for (i = 0; envs && envs[i]; i++)
    env_assignments (c, s, envs[i]);
  v2c_strv_free (envs);
  files = sysd_list_setting (c, u, "Service", "EnvironmentFile", 1);
  for (i = 0; files && files[i]; i++) {
    const char *p = files[i][0] == '-' ? files[i] + 1 : files[i];
    if (p[0] == '/')
      env_file (c, s, p);
  }
  s->environment_files = files;
  fill_credentials (c, u, s);
  s->after = sysd_name_list (c, u, "Unit", "After", 0);
  s->wants = sysd_name_list (c, u, "Unit", "Wants", 0);
  s->requires = sysd_name_list (c, u, "Unit", "Requires", 0);
  s->wanted_by = sysd_name_list (c, u, "Install", "WantedBy", 1);
  s->template_instance = sysd_xstrdup (c, u->instance);
}

static void
fill_timer (struct ctx *c, struct table *t, size_t idx, struct v2c_timer *tm)
{
  struct unit *u = &t->u[idx];
  const char *unit;

  sysd_load (c, t, u);
  tm->name = sysd_xstrdup (c, u->name);
  unit = sysd_last (u, "Timer", "Unit");
  if (unit)
    tm->unit = sysd_subst (c, u, unit);
  else {
    size_t n = strlen (u->name) - strlen (".timer");
    tm->unit = sysd_xprintf (c, "%.*s.service", (int) n, u->name);
  }
  tm->on_calendar = sysd_list_setting (c, u, "Timer", "OnCalendar", 1);
  tm->on_boot_sec = sysd_xstrdup (c, sysd_last (u, "Timer", "OnBootSec"));
  tm->on_unit_active_sec
      = sysd_xstrdup (c, sysd_last (u, "Timer", "OnUnitActiveSec"));
  tm->enabled = u->reach != 0 && !u->masked;
  tm->unit_path
      = sysd_xstrdup (c, u->tmpl >= 0 ? t->u[u->tmpl].path : u->path);
}

/* ------------------------------------------------------------------ */
/* Output                                                             */

static void
service_free (struct v2c_service *s)
{
  size_t i;

  V2C_FREE (s->name, s->kind, s->unit_path, s->description, s->type,
            s->exec_start, s->user, s->group, s->working_directory,
            s->template_instance);
  v2c_strv_free (s->dropins);
  v2c_strv_free (s->exec_start_pre);
  for (i = 0; i < s->nenvironment; i++)
    V2C_FREE (s->environment[i].key, s->environment[i].value);
  free (s->environment);
  v2c_strv_free (s->environment_files);
  for (i = 0; i < s->ncredentials; i++)
    V2C_FREE (s->credentials[i].id, s->credentials[i].path);
  free (s->credentials);
  v2c_strv_free (s->after);
  v2c_strv_free (s->wants);
  v2c_strv_free (s->requires);
  v2c_strv_free (s->wanted_by);
}

void
v2c_services_free_contents (struct v2c_services *s)
{
  size_t i;

  if (s == NULL)
    return;
  for (i = 0; i < s->n; i++)
    service_free (&s->v[i]);
  free (s->v);
  for (i = 0; i < s->ntimers; i++) {
    struct v2c_timer *t = &s->timers[i];

    V2C_FREE (t->name, t->unit, t->on_boot_sec, t->on_unit_active_sec,
              t->unit_path);
    v2c_strv_free (t->on_calendar);
  }
  free (s->timers);
  memset (s, 0, sizeof *s);
}

/* A unit to list: a real unit file or an instance of one, not a
 * template, not an alias; masked only when a file exists. */
static int
listable (const struct unit *u)
{
  if (u->alias_of)
    return 0;
  if (u->tmpl >= 0)
    return 1;
  if (u->path == NULL || strstr (u->name, "@."))
    return 0;
  return 1;
}

static int
cmp_service (const void *a, const void *b)
{
  return strcmp (((const struct v2c_service *) a)->name,
                 ((const struct v2c_service *) b)->name);
}

static int
cmp_timer (const void *a, const void *b)
{
  return strcmp (((const struct v2c_timer *) a)->name,
                 ((const struct v2c_timer *) b)->name);
}

int
v2c_systemd_read (struct v2c_fs *fs, struct v2c_services *out,
                  struct v2c_err *err)
{
  struct ctx c = { fs, 0 };
  struct table t;
  ssize_t def;
  size_t i, ns = 0, nt = 0;
  struct v2c_service *sv;
  struct v2c_timer *tv;

  memset (&t, 0, sizeof t);
  sysd_scan (&c, &t);
  sysd_fix_aliases (&c, &t);
  sysd_gen_postgresql (&c, &t);
  sysd_wanted_instances (&c, &t);
  def = sysd_find (&t, "default.target");
  if (def >= 0 && (def = sysd_resolve (&c, &t, "default.target")) >= 0)
    sysd_reach_from (&c, &t, t.u[def].name, 1);
  else
    sysd_reach_from (&c, &t, "multi-user.target", 1);
  sysd_reach_from (&c, &t, "timers.target", 2);
  if (c.oom) {
    sysd_table_free (&t);
    return v2c_set_error (err, ENOMEM, "out of memory reading systemd units");
  }

  for (i = 0; i < t.n; i++)
    if (listable (&t.u[i])) {
      if (sysd_has_suffix (t.u[i].name, ".service"))
        ns++;
      else if (sysd_has_suffix (t.u[i].name, ".timer"))
        nt++;
    }
  sv = calloc (out->n + ns + 1, sizeof *sv);
  tv = calloc (out->ntimers + nt + 1, sizeof *tv);
  if (sv == NULL || tv == NULL) {
    free (sv);
    free (tv);
    sysd_table_free (&t);
    return v2c_set_error (err, ENOMEM, "out of memory");
  }
  if (out->n)
    memcpy (sv, out->v, out->n * sizeof *sv);
  if (out->ntimers)
    memcpy (tv, out->timers, out->ntimers * sizeof *tv);
  free (out->v);
  free (out->timers);
  out->v = sv;
  out->timers = tv;
  ns = out->n;
  nt = out->ntimers;
  for (i = 0; i < t.n; i++) {
    if (!listable (&t.u[i]))
      continue;
    if (sysd_has_suffix (t.u[i].name, ".service")) {
      fill_service (&c, &t, i, &out->v[out->n++]);
      /* reach bit 2 alone does not make a service enabled */
    } else if (sysd_has_suffix (t.u[i].name, ".timer"))
      fill_timer (&c, &t, i, &out->timers[out->ntimers++]);
  }
  qsort (out->v + ns, out->n - ns, sizeof *out->v, cmp_service);
  qsort (out->timers + nt, out->ntimers - nt, sizeof *out->timers, cmp_timer);
  sysd_table_free (&t);
  if (c.oom) {
    v2c_services_free_contents (out);
    return v2c_set_error (err, ENOMEM, "out of memory reading systemd units");
  }
  return 0;
}
