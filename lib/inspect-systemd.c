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
 *   OnCalendar=, WantedBy=) are reset by an empty assignment;
 *   dependencies (After=, Wants=, Requires=) cannot be reset, as in
 *   systemd.
 * - "enabled" means reachable at boot: from the default target
 *   (/etc/systemd/system/default.target, else the one of the vendor
 *   directories, else multi-user.target) through NAME.wants/ and
 *   NAME.requires/ of every path directory and Wants=, Requires= and
 *   BindsTo= of every unit reached.  A unit whose [Install] section
 *   names a target it was never linked into is not enabled.  Socket,
 *   path or D-Bus activation does not count.
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

#include "inspect.h"

#define UNIT_MAX_BYTES (1u << 20)
#define UNIT_MAX_LINE (64u << 10)
#define UNIT_MAX_ENTRIES 10000
#define ENVFILE_MAX_BYTES (1u << 20)
#define MAX_UNITS 50000
#define MAX_DROPINS 256
#define MAX_ENV 4096
#define MAX_LIST 4096
#define MAX_ALIAS_DEPTH 16
#define MAX_PG 256

/* ------------------------------------------------------------------ */
/* Unit file syntax (systemd.syntax(7))                                 */

static int
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
trim (const char **s, size_t *n)
{
  while (*n > 0 && is_space (**s)) {
    (*s)++;
    (*n)--;
  }
  while (*n > 0 && is_space ((*s)[*n - 1]))
    (*n)--;
}

void
v2c_unit_file_free_contents (struct v2c_unit_file *u)
{
  size_t i;

  if (u == NULL)
    return;
  for (i = 0; i < u->n; i++) {
    free (u->v[i].section);
    free (u->v[i].key);
    free (u->v[i].value);
  }
  free (u->v);
  u->v = NULL;
  u->n = 0;
}

static int
unit_add (struct v2c_unit_file *out, size_t *cap, const char *section,
          const char *key, size_t klen, const char *val, size_t vlen, int line,
          struct v2c_err *err)
{
  struct v2c_unit_entry *e;

  if (out->n >= UNIT_MAX_ENTRIES)
    return v2c_set_error (err, 0, "more than %d assignments at line %d",
                          UNIT_MAX_ENTRIES, line);
  if (out->n == *cap) {
    size_t ncap = *cap ? *cap * 2 : 32;
    e = realloc (out->v, ncap * sizeof *e);
    if (e == NULL)
      return v2c_set_error (err, errno, "out of memory");
    out->v = e;
    *cap = ncap;
  }
  e = &out->v[out->n];
  e->section = strdup (section);
  e->key = strndup (key, klen);
  e->value = strndup (val, vlen);
  e->line = line;
  if (e->section == NULL || e->key == NULL || e->value == NULL) {
    free (e->section);
    free (e->key);
    free (e->value);
    return v2c_set_error (err, errno, "out of memory");
  }
  out->n++;
  return 0;
}

int
v2c_unit_parse (const char *buf, size_t len, struct v2c_unit_file *out,
                struct v2c_err *err)
{
  char *logical = NULL, *section = NULL;
  size_t llen = 0, cap = 0, pos = 0;
  int line = 0, start_line = 0, cont = 0;

  out->v = NULL;
  out->n = 0;
  if (memchr (buf, '\0', len))
    return v2c_set_error (err, 0, "unit file contains a NUL byte");
  logical = malloc (UNIT_MAX_LINE + 1);
  if (logical == NULL)
    return v2c_set_error (err, errno, "out of memory");
  while (pos < len) {
    const char *l = buf + pos, *nl = memchr (l, '\n', len - pos);
    size_t n = nl ? (size_t) (nl - l) : len - pos, tn;
    const char *t = l;

    pos += n + (nl != NULL);
    line++;
    tn = n;
    trim (&t, &tn);
    if (cont) {
      /* a comment line inside a continuation is dropped */
      if (tn > 0 && (t[0] == '#' || t[0] == ';'))
        continue;
    } else {
      if (tn == 0 || t[0] == '#' || t[0] == ';')
        continue;
      start_line = line;
      llen = 0;
    }
    if (llen + tn + 1 > UNIT_MAX_LINE) {
      v2c_set_error (err, 0, "line %d longer than %u bytes", start_line,
                     UNIT_MAX_LINE);
      goto fail;
    }
    /* the backslash of a continued line becomes a space */
    if (tn > 0 && t[tn - 1] == '\\') {
      memcpy (logical + llen, t, tn - 1);
      llen += tn - 1;
      logical[llen++] = ' ';
      cont = 1;
      if (pos < len)
        continue;
    } else {
      memcpy (logical + llen, t, tn);
      llen += tn;
      cont = 0;
    }
    cont = 0;
    {
      const char *s = logical, *eq;
      size_t sn = llen;

      trim (&s, &sn);
      if (sn == 0)
        continue;
      if (s[0] == '[') {
        if (sn < 2 || s[sn - 1] != ']') {
          v2c_set_error (err, 0, "invalid section header at line %d",
                         start_line);
          goto fail;
        }
        free (section);
        section = strndup (s + 1, sn - 2);
        if (section == NULL) {
          v2c_set_error (err, errno, "out of memory");
          goto fail;
        }
        continue;
      }
      eq = memchr (s, '=', sn);
      /* systemd ignores (with a warning) lines without '=' and
       * assignments before the first section */
      if (eq == NULL || section == NULL)
        continue;
      {
        const char *k = s, *v = eq + 1;
        size_t kn = (size_t) (eq - s), vn = sn - kn - 1;

        trim (&k, &kn);
        trim (&v, &vn);
        if (kn == 0)
          continue;
        if (unit_add (out, &cap, section, k, kn, v, vn, start_line, err) == -1)
          goto fail;
      }
    }
  }
  free (logical);
  free (section);
  return 0;

fail:
  free (logical);
  free (section);
  v2c_unit_file_free_contents (out);
  return -1;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                              */

static const char *const unit_path[] = {
  "/etc/systemd/system",           "/run/systemd/system",
  "/usr/local/lib/systemd/system", "/lib/systemd/system",
  "/usr/lib/systemd/system",
};
#define NPATH (sizeof unit_path / sizeof unit_path[0])

struct ctx {
  struct v2c_fs *fs;
  int oom;
};

static char *
xstrdup (struct ctx *c, const char *s)
{
  char *r;

  if (s == NULL)
    return NULL;
  r = strdup (s);
  if (r == NULL)
    c->oom = 1;
  return r;
}

static char *xprintf (struct ctx *c, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static char *
xprintf (struct ctx *c, const char *fmt, ...)
{
  va_list ap;
  char *r;

  va_start (ap, fmt);
  if (vasprintf (&r, fmt, ap) == -1) {
    r = NULL;
    c->oom = 1;
  }
  va_end (ap);
  return r;
}

static size_t
strv_len (char **v)
{
  size_t n = 0;

  while (v && v[n])
    n++;
  return n;
}

/* Append s (owned) to the NULL-terminated vector *v. */
static void
strv_push (struct ctx *c, char ***v, char *s)
{
  size_t n = strv_len (*v);
  char **nv;

  if (s == NULL) {
    c->oom = 1;
    return;
  }
  if (n >= MAX_LIST) {
    free (s);
    return;
  }
  nv = realloc (*v, (n + 2) * sizeof *nv);
  if (nv == NULL) {
    free (s);
    c->oom = 1;
    return;
  }
  nv[n] = s;
  nv[n + 1] = NULL;
  *v = nv;
}

static int
strv_has (char **v, const char *s)
{
  size_t i;

  for (i = 0; v && v[i]; i++)
    if (strcmp (v[i], s) == 0)
      return 1;
  return 0;
}

static void
strv_clear (char ***v)
{
  v2c_strv_free (*v);
  *v = NULL;
}

static int
has_suffix (const char *s, const char *suf)
{
  size_t ls = strlen (s), lx = strlen (suf);
  return ls >= lx && strcmp (s + ls - lx, suf) == 0;
}

static const char *
base_name (const char *p)
{
  const char *s = strrchr (p, '/');
  return s ? s + 1 : p;
}

/* A sorted listing contains name. */
static int
listed (char **v, const char *name)
{
  size_t lo = 0, hi = strv_len (v);

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int r = strcmp (v[mid], name);
    if (r == 0)
      return 1;
    if (r < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* The unit table                                                       */

struct unit {
  char *name;
  char *path;     /* main file, NULL for aliases and instances */
  char *alias_of; /* alias: the name it points at */
  int masked;
  ssize_t tmpl; /* instance: index of the template, else -1 */
  char *instance;
  int loaded;
  struct v2c_unit_file uf; /* main file then drop-ins */
  char **dropins;
  char **gen_wants; /* edges added by generators */
  int reach;        /* 1: from the default target, 2: timers.target */
};

struct table {
  struct unit *u;
  size_t n, cap;
  ssize_t *hash;
  size_t hcap;
  char **dirs[NPATH]; /* sorted listing of each path directory */
};

static uint32_t
hash_str (const char *s)
{
  uint32_t h = 2166136261u;

  while (*s)
    h = (h ^ (unsigned char) *s++) * 16777619u;
  return h;
}

static ssize_t
find (struct table *t, const char *name)
{
  size_t i;

  if (t->hcap == 0)
    return -1;
  for (i = hash_str (name) & (t->hcap - 1); t->hash[i] != -1;
       i = (i + 1) & (t->hcap - 1))
    if (strcmp (t->u[t->hash[i]].name, name) == 0)
      return t->hash[i];
  return -1;
}

static int
rehash (struct table *t, size_t hcap)
{
  ssize_t *h = malloc (hcap * sizeof *h);
  size_t i, j;

  if (h == NULL)
    return -1;
  for (i = 0; i < hcap; i++)
    h[i] = -1;
  for (j = 0; j < t->n; j++) {
    for (i = hash_str (t->u[j].name) & (hcap - 1); h[i] != -1;
         i = (i + 1) & (hcap - 1))
      ;
    h[i] = (ssize_t) j;
  }
  free (t->hash);
  t->hash = h;
  t->hcap = hcap;
  return 0;
}

/* Add a unit named name (owned); -1 when full or out of memory. */
static ssize_t
add (struct ctx *c, struct table *t, char *name)
{
  struct unit *u;

  if (name == NULL || t->n >= MAX_UNITS) {
    if (name == NULL)
      c->oom = 1;
    free (name);
    return -1;
  }
  if (t->n == t->cap) {
    size_t ncap = t->cap ? t->cap * 2 : 256;
    u = realloc (t->u, ncap * sizeof *u);
    if (u == NULL) {
      c->oom = 1;
      free (name);
      return -1;
    }
    t->u = u;
    t->cap = ncap;
  }
  u = &t->u[t->n];
  memset (u, 0, sizeof *u);
  u->name = name;
  u->tmpl = -1;
  t->n++;
  if (t->n * 2 > t->hcap) {
    if (rehash (t, t->hcap ? t->hcap * 2 : 512) == -1) {
      c->oom = 1;
      free (name);
      t->n--;
      return -1;
    }
  } else {
    size_t i;
    for (i = hash_str (name) & (t->hcap - 1); t->hash[i] != -1;
         i = (i + 1) & (t->hcap - 1))
      ;
    t->hash[i] = (ssize_t) (t->n - 1);
  }
  return (ssize_t) (t->n - 1);
}

/* Split "p@i.suffix" into template name "p@.suffix" and instance. */
static int
split_instance (struct ctx *c, const char *name, char **tmpl, char **inst)
{
  const char *at = strchr (name, '@'), *dot = strrchr (name, '.');

  if (at == NULL || dot == NULL || dot < at || dot == at + 1)
    return 0;
  *tmpl = xprintf (c, "%.*s@%s", (int) (at - name), name, dot);
  *inst = strndup (at + 1, (size_t) (dot - at - 1));
  if (*tmpl == NULL || *inst == NULL) {
    free (*tmpl);
    free (*inst);
    c->oom = 1;
    return 0;
  }
  return 1;
}

/* The unit a name means: aliases followed, instances created from their
 * template on first use.  -1 when no such unit exists. */
static ssize_t
resolve (struct ctx *c, struct table *t, const char *name)
{
  ssize_t i = find (t, name);
  int depth = 0;
  char *tn, *inst;

  while (i >= 0 && t->u[i].alias_of) {
    if (++depth > MAX_ALIAS_DEPTH)
      return -1;
    i = find (t, t->u[i].alias_of);
  }
  if (i >= 0)
    return i;
  if (!split_instance (c, name, &tn, &inst))
    return -1;
  i = resolve (c, t, tn);
  free (tn);
  if (i < 0 || t->u[i].tmpl >= 0 || t->u[i].path == NULL || t->u[i].masked
      || t->u[i].instance) {
    free (inst);
    return -1;
  }
  {
    ssize_t tmpl = i;
    /* an alias of a template gives instances under the real name */
    const char *tname = t->u[tmpl].name, *at = strchr (tname, '@');
    char *real = at ? xprintf (c, "%.*s@%s%s", (int) (at - tname), tname, inst,
                               at + 1)
                    : NULL;
    if (real == NULL) {
      free (inst);
      return -1;
    }
    if ((i = find (t, real)) >= 0) {
      free (real);
      free (inst);
      return i;
    }
    i = add (c, t, real);
    if (i < 0) {
      free (inst);
      return -1;
    }
    t->u[i].tmpl = tmpl;
    t->u[i].instance = inst;
    return i;
  }
}

static void
table_free (struct table *t)
{
  size_t i;

  for (i = 0; i < t->n; i++) {
    struct unit *u = &t->u[i];
    free (u->name);
    free (u->path);
    free (u->alias_of);
    free (u->instance);
    v2c_unit_file_free_contents (&u->uf);
    v2c_strv_free (u->dropins);
    v2c_strv_free (u->gen_wants);
  }
  free (t->u);
  free (t->hash);
  for (i = 0; i < NPATH; i++)
    v2c_strv_free (t->dirs[i]);
}

static int
unit_suffix (const char *name)
{
  static const char *const sfx[] = {
    ".service", ".timer", ".target", ".socket", ".path",      ".mount",
    ".slice",   ".scope", ".device", ".swap",   ".automount",
  };
  size_t i;

  for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++)
    if (has_suffix (name, sfx[i]) && strlen (name) > strlen (sfx[i]))
      return 1;
  return 0;
}

/* Scan the path directories: the first file of a name wins. */
static void
scan (struct ctx *c, struct table *t)
{
  size_t d, j;

  for (d = 0; d < NPATH; d++) {
    char **v = v2c_fs_list (c->fs, unit_path[d]);

    if (v == NULL) {
      if (errno == ENOMEM)
        c->oom = 1;
      continue;
    }
    t->dirs[d] = v;
    for (j = 0; v[j]; j++) {
      char *p;
      struct v2c_fs_stat st;
      ssize_t i;

      if (!unit_suffix (v[j]))
        continue;
      p = xprintf (c, "%s/%s", unit_path[d], v[j]);
      if (p == NULL)
        return;
      if (v2c_fs_stat (c->fs, p, 1, &st) == -1) {
        free (p);
        continue;
      }
      i = find (t, v[j]);
      if (i >= 0) {
        /* a masked name still shows the file it hides */
        if (t->u[i].masked && t->u[i].path == NULL && t->u[i].alias_of == NULL
            && st.type == V2C_FS_REG)
          t->u[i].path = p;
        else
          free (p);
        continue;
      }
      if (st.type == V2C_FS_LNK) {
        char *target = v2c_fs_readlink (c->fs, p);
        if (target == NULL) {
          free (p);
          continue;
        }
        i = add (c, t, xstrdup (c, v[j]));
        if (i < 0) {
          free (target);
          free (p);
          return;
        }
        if (strcmp (target, "/dev/null") == 0)
          t->u[i].masked = 1;
        else if (strcmp (base_name (target), v[j]) != 0
                 && unit_suffix (base_name (target)))
          t->u[i].alias_of = xstrdup (c, base_name (target));
        free (target);
        if (t->u[i].masked)
          free (p);
        else
          t->u[i].path = p; /* linked or alias: reading follows it */
      } else if (st.type == V2C_FS_REG) {
        i = add (c, t, xstrdup (c, v[j]));
        if (i < 0) {
          free (p);
          return;
        }
        t->u[i].path = p;
      } else
        free (p);
    }
  }
}

/* Aliases whose target is no unit are read through the link; a link
 * from an instance name to its template makes an instance. */
static void
fix_aliases (struct ctx *c, struct table *t)
{
  size_t i, n = t->n;

  for (i = 0; i < n; i++) {
    struct unit *u = &t->u[i];
    char *tn = NULL, *inst = NULL;

    if (u->alias_of == NULL)
      continue;
    if (split_instance (c, u->name, &tn, &inst)
        && strcmp (tn, u->alias_of) == 0 && find (t, tn) >= 0) {
      ssize_t ti = find (t, tn);
      free (u->alias_of);
      u->alias_of = NULL;
      free (u->path);
      u->path = NULL;
      t->u[i].tmpl = ti;
      t->u[i].instance = inst;
      inst = NULL;
    } else if (find (t, u->alias_of) < 0) {
      free (u->alias_of);
      u->alias_of = NULL;
    }
    free (tn);
    free (inst);
  }
}

static int
cmp_dropin (const void *a, const void *b)
{
  return strcmp (base_name (*(char *const *) a),
                 base_name (*(char *const *) b));
}

/* Drop-ins of dir NAME.d in every path directory, one per file name. */
static void
collect_dropins (struct ctx *c, struct table *t, const char *name, char ***out)
{
  size_t d, j;
  char *dn = xprintf (c, "%s.d", name);

  if (dn == NULL)
    return;
  for (d = 0; d < NPATH; d++) {
    char *dir, **v;

    if (!listed (t->dirs[d], dn))
      continue;
    dir = xprintf (c, "%s/%s", unit_path[d], dn);
    if (dir == NULL)
      break;
    v = v2c_fs_list (c->fs, dir);
    for (j = 0; v && v[j]; j++) {
      size_t k;
      int dup = 0;
      char *p;

      if (!has_suffix (v[j], ".conf") || strlen (v[j]) <= 5)
        continue;
      for (k = 0; *out && (*out)[k]; k++)
        if (strcmp (base_name ((*out)[k]), v[j]) == 0)
          dup = 1;
      if (dup || strv_len (*out) >= MAX_DROPINS)
        continue;
      p = xprintf (c, "%s/%s", dir, v[j]);
      if (p == NULL)
        continue;
      /* kept even when linked to /dev/null: it masks the lower ones of
       * its name, and load() skips it */
      strv_push (c, out, p);
    }
    v2c_strv_free (v);
    free (dir);
  }
  free (dn);
}

static void
append_file (struct ctx *c, struct unit *u, const char *path)
{
  struct v2c_unit_file f;
  struct v2c_err e;
  size_t len, i;
  char *buf = v2c_fs_read (c->fs, path, UNIT_MAX_BYTES, &len);

  if (buf == NULL) {
    if (errno == ENOMEM)
      c->oom = 1;
    return;
  }
  /* a broken file is skipped, as systemd skips what it can't parse */
  if (v2c_unit_parse (buf, len, &f, &e) == 0) {
    struct v2c_unit_entry *nv = NULL;

    if (u->uf.n + f.n <= UNIT_MAX_ENTRIES)
      nv = realloc (u->uf.v, (u->uf.n + f.n + 1) * sizeof *nv);
    if (nv) {
      u->uf.v = nv;
      for (i = 0; i < f.n; i++)
        u->uf.v[u->uf.n++] = f.v[i];
      free (f.v);
    } else {
      v2c_unit_file_free_contents (&f);
    }
  }
  free (buf);
}

static void
load (struct ctx *c, struct table *t, struct unit *u)
{
  char **all = NULL;
  struct unit *tm = u->tmpl >= 0 ? &t->u[u->tmpl] : NULL;
  size_t i;

  if (u->loaded)
    return;
  u->loaded = 1;
  if (tm ? tm->path == NULL : u->path == NULL)
    return;
  append_file (c, u, tm ? tm->path : u->path);
  collect_dropins (c, t, u->name, &all);
  if (tm)
    collect_dropins (c, t, tm->name, &all);
  if (all)
    qsort (all, strv_len (all), sizeof *all, cmp_dropin);
  for (i = 0; all && all[i]; i++) {
    char *target = v2c_fs_readlink (c->fs, all[i]);
    int masked = target && strcmp (target, "/dev/null") == 0;

    free (target);
    if (masked)
      continue;
    append_file (c, u, all[i]);
    strv_push (c, &u->dropins, xstrdup (c, all[i]));
  }
  v2c_strv_free (all);
}

/* ------------------------------------------------------------------ */
/* Specifiers                                                           */

static void
unescape_into (const char *s, size_t n, char *o, size_t *on)
{
  size_t i;

  for (i = 0; i < n; i++) {
    if (s[i] == '-')
      o[(*on)++] = '/';
    else if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x') {
      char hex[3] = { s[i + 2], s[i + 3], 0 };
      char *end;
      long v = strtol (hex, &end, 16);
      if (*end == '\0' && v > 0) {
        o[(*on)++] = (char) v;
        i += 3;
      } else
        o[(*on)++] = s[i];
    } else
      o[(*on)++] = s[i];
  }
}

/* s with %i %I %n %N %p %P %% replaced (caller frees). */
static char *
subst (struct ctx *c, const struct unit *u, const char *s)
{
  size_t n = strlen (u->name), cap, on = 0;
  const char *dot = strrchr (u->name, '.'), *at = strchr (u->name, '@');
  size_t nlen = dot ? (size_t) (dot - u->name) : n;
  size_t plen = at ? (size_t) (at - u->name) : nlen;
  const char *inst = u->instance ? u->instance : "";
  char *o;

  if (s == NULL)
    return NULL;
  if (strchr (s, '%') == NULL)
    return xstrdup (c, s);
  /* each specifier expands to at most the unit name or the instance */
  {
    const char *q;
    size_t grow = n > strlen (inst) ? n : strlen (inst);

    cap = 1;
    for (q = s; *q; q++)
      cap += *q == '%' ? grow + 2 : 1;
  }
  o = malloc (cap);
  if (o == NULL) {
    c->oom = 1;
    return NULL;
  }
  for (; *s; s++) {
    if (*s != '%' || s[1] == '\0') {
      o[on++] = *s;
      continue;
    }
    s++;
    switch (*s) {
    case '%':
      o[on++] = '%';
      break;
    case 'n':
      memcpy (o + on, u->name, n);
      on += n;
      break;
    case 'N':
      memcpy (o + on, u->name, nlen);
      on += nlen;
      break;
    case 'p':
      memcpy (o + on, u->name, plen);
      on += plen;
      break;
    case 'P':
      unescape_into (u->name, plen, o, &on);
      break;
    case 'i':
      memcpy (o + on, inst, strlen (inst));
      on += strlen (inst);
      break;
    case 'I':
      unescape_into (inst, strlen (inst), o, &on);
      break;
    default:
      o[on++] = '%';
      o[on++] = *s;
    }
  }
  o[on] = '\0';
  return o;
}

/* ------------------------------------------------------------------ */
/* Settings                                                             */

static const char *
last (const struct unit *u, const char *section, const char *key)
{
  const char *v = NULL;
  size_t i;

  for (i = 0; i < u->uf.n; i++)
    if (strcmp (u->uf.v[i].section, section) == 0
        && strcmp (u->uf.v[i].key, key) == 0)
      v = u->uf.v[i].value[0] ? u->uf.v[i].value : NULL;
  return v;
}

/* Every value of a list setting, an empty assignment resetting it. */
static char **
list_setting (struct ctx *c, const struct unit *u, const char *section,
              const char *key, int resets)
{
  char **v = NULL;
  size_t i;

  for (i = 0; i < u->uf.n; i++) {
    if (strcmp (u->uf.v[i].section, section) != 0
        || strcmp (u->uf.v[i].key, key) != 0)
      continue;
    if (u->uf.v[i].value[0] == '\0') {
      if (resets)
        strv_clear (&v);
      continue;
    }
    strv_push (c, &v, subst (c, u, u->uf.v[i].value));
  }
  return v;
}

/* Space-separated unit names of a dependency setting, deduplicated. */
static char **
name_list (struct ctx *c, const struct unit *u, const char *section,
           const char *key, int resets)
{
  char **raw = list_setting (c, u, section, key, resets), **v = NULL;
  size_t i;

  for (i = 0; raw && raw[i]; i++) {
    char *p = raw[i], *tok;
    while ((tok = strsep (&p, " \t")) != NULL)
      if (*tok && !strv_has (v, tok))
        strv_push (c, &v, xstrdup (c, tok));
  }
  v2c_strv_free (raw);
  return v;
}

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
  v = v2c_secret_key_name (k) ? strdup ("<redacted>") : strndup (val, vlen);
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
    trim (&l, &n);
    if (n == 0 || l[0] == '#' || l[0] == ';')
      continue;
    if (n > 7 && strncmp (l, "export", 6) == 0
        && (l[6] == ' ' || l[6] == '\t')) {
      l += 7;
      n -= 7;
      trim (&l, &n);
    }
    eq = memchr (l, '=', n);
    if (eq == NULL)
      continue;
    k = l;
    kn = (size_t) (eq - l);
    v = eq + 1;
    vn = n - kn - 1;
    trim (&k, &kn);
    trim (&v, &vn);
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

static void
fill_service (struct ctx *c, struct table *t, size_t idx,
              struct v2c_service *s)
{
  struct unit *u = &t->u[idx];
  struct unit *tm = u->tmpl >= 0 ? &t->u[u->tmpl] : NULL;
  char **execs, **envs, **files;
  const char *type;
  size_t i;

  load (c, t, u);
  s->name = xstrdup (c, u->name);
  s->kind = xstrdup (c, "systemd");
  s->enabled = (u->reach & 1) && !u->masked;
  s->unit_path = xstrdup (c, tm ? tm->path : u->path);
  for (i = 0; u->dropins && u->dropins[i]; i++)
    strv_push (c, &s->dropins, xstrdup (c, u->dropins[i]));
  s->description = subst (c, u, last (u, "Unit", "Description"));
  type = last (u, "Service", "Type");
  s->type = xstrdup (c, type ? type : "simple");
  execs = list_setting (c, u, "Service", "ExecStart", 1);
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
    s->exec_start = xstrdup (c, execs[strv_len (execs) - 1]);
  v2c_strv_free (execs);
  s->exec_start_pre = list_setting (c, u, "Service", "ExecStartPre", 1);
  s->user = subst (c, u, last (u, "Service", "User"));
  s->group = subst (c, u, last (u, "Service", "Group"));
  s->dynamic_user = parse_bool (last (u, "Service", "DynamicUser"));
  s->working_directory = subst (c, u, last (u, "Service", "WorkingDirectory"));
  /* Environment= first; the files override it (systemd.exec(5)) */
  envs = list_setting (c, u, "Service", "Environment", 1);
  for (i = 0; envs && envs[i]; i++)
    env_assignments (c, s, envs[i]);
  v2c_strv_free (envs);
  files = list_setting (c, u, "Service", "EnvironmentFile", 1);
  for (i = 0; files && files[i]; i++) {
    const char *p = files[i][0] == '-' ? files[i] + 1 : files[i];
    if (p[0] == '/')
      env_file (c, s, p);
  }
  s->environment_files = files;
  s->after = name_list (c, u, "Unit", "After", 0);
  s->wants = name_list (c, u, "Unit", "Wants", 0);
  s->requires = name_list (c, u, "Unit", "Requires", 0);
  s->wanted_by = name_list (c, u, "Install", "WantedBy", 1);
  s->template_instance = xstrdup (c, u->instance);
}

static void
fill_timer (struct ctx *c, struct table *t, size_t idx, struct v2c_timer *tm)
{
  struct unit *u = &t->u[idx];
  const char *unit;

  load (c, t, u);
  tm->name = xstrdup (c, u->name);
  unit = last (u, "Timer", "Unit");
  if (unit)
    tm->unit = subst (c, u, unit);
  else {
    size_t n = strlen (u->name) - strlen (".timer");
    tm->unit = xprintf (c, "%.*s.service", (int) n, u->name);
  }
  tm->on_calendar = list_setting (c, u, "Timer", "OnCalendar", 1);
  tm->on_boot_sec = xstrdup (c, last (u, "Timer", "OnBootSec"));
  tm->on_unit_active_sec = xstrdup (c, last (u, "Timer", "OnUnitActiveSec"));
  tm->enabled = u->reach != 0 && !u->masked;
  tm->unit_path = xstrdup (c, u->tmpl >= 0 ? t->u[u->tmpl].path : u->path);
}

/* ------------------------------------------------------------------ */
/* Generators                                                           */

static int
safe_name (const char *s)
{
  if (*s == '\0' || *s == '.')
    return 0;
  for (; *s; s++)
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')
          || (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
      return 0;
  return 1;
}

/* postgresql-common's /lib/systemd/system-generators/postgresql-generator
 * links postgresql@V-C.service into postgresql.service.wants for every
 * /etc/postgresql/V/C/postgresql.conf whose start.conf says "auto" (or
 * is absent) and whose server binary /usr/lib/postgresql/V/bin/postgres
 * is still installed.  Clusters started manually are listed as instances
 * that are not enabled; clusters of a removed version are not listed. */
static void
gen_postgresql (struct ctx *c, struct table *t)
{
  ssize_t pg, tmpl = resolve (c, t, "postgresql@.service");
  char **vers, **clus;
  size_t i, j, count = 0;

  if (tmpl < 0 || t->u[tmpl].path == NULL)
    return;
  pg = resolve (c, t, "postgresql.service");
  vers = v2c_fs_list (c->fs, "/etc/postgresql");
  for (i = 0; vers && vers[i]; i++) {
    char *vd, *bin;
    struct v2c_fs_stat st;

    if (!safe_name (vers[i]))
      continue;
    bin = xprintf (c, "/usr/lib/postgresql/%s/bin/postgres", vers[i]);
    if (bin == NULL || v2c_fs_stat (c->fs, bin, 0, &st) == -1
        || st.type != V2C_FS_REG || (st.mode & 0111) == 0) {
      free (bin);
      continue;
    }
    free (bin);
    vd = xprintf (c, "/etc/postgresql/%s", vers[i]);
    clus = vd ? v2c_fs_list (c->fs, vd) : NULL;
    for (j = 0; clus && clus[j] && count < MAX_PG; j++) {
      char *conf, *start, *name, *buf;
      int autostart = 1;
      size_t len;
      ssize_t inst;

      if (!safe_name (clus[j]))
        continue;
      conf = xprintf (c, "%s/%s/postgresql.conf", vd, clus[j]);
      if (conf == NULL || v2c_fs_stat (c->fs, conf, 1, &st) == -1) {
        free (conf);
        continue;
      }
      free (conf);
      start = xprintf (c, "%s/%s/start.conf", vd, clus[j]);
      buf = start ? v2c_fs_read (c->fs, start, 65536, &len) : NULL;
      free (start);
      if (buf) {
        /* the first word that is not a comment */
        char *p = buf, *l;
        autostart = 0;
        while ((l = strsep (&p, "\n")) != NULL) {
          char *h = strchr (l, '#');
          const char *w = l;
          size_t wn;
          if (h)
            *h = '\0';
          wn = strlen (w);
          trim (&w, &wn);
          if (wn == 0)
            continue;
          autostart = wn == 4 && strncmp (w, "auto", 4) == 0;
          break;
        }
        free (buf);
      }
      name = xprintf (c, "postgresql@%s-%s.service", vers[i], clus[j]);
      if (name == NULL)
        continue;
      inst = resolve (c, t, name);
      count++;
      if (inst >= 0 && autostart && pg >= 0
          && !strv_has (t->u[pg].gen_wants, name))
        strv_push (c, &t->u[pg].gen_wants, name);
      else
        free (name);
    }
    v2c_strv_free (clus);
    free (vd);
  }
  v2c_strv_free (vers);
}

/* ------------------------------------------------------------------ */
/* Reachability                                                         */

static void
edge (struct ctx *c, struct table *t, const char *name, int bit, size_t **q,
      size_t *qn, size_t *qcap)
{
  ssize_t i = resolve (c, t, name);

  if (i < 0 || t->u[i].masked || (t->u[i].reach & bit))
    return;
  t->u[i].reach |= bit;
  if (*qn == *qcap) {
    size_t ncap = *qcap ? *qcap * 2 : 64;
    size_t *nq = realloc (*q, ncap * sizeof *nq);
    if (nq == NULL) {
      c->oom = 1;
      return;
    }
    *q = nq;
    *qcap = ncap;
  }
  (*q)[(*qn)++] = (size_t) i;
}

/* Names in NAME.wants/ and NAME.requires/ of every path directory. */
static void
link_edges (struct ctx *c, struct table *t, const char *name, int bit,
            size_t **q, size_t *qn, size_t *qcap)
{
  static const char *const kinds[] = { "wants", "requires" };
  size_t d, k, j;

  for (d = 0; d < NPATH; d++)
    for (k = 0; k < 2; k++) {
      char *dn = xprintf (c, "%s.%s", name, kinds[k]), *dir, **v;
      if (dn == NULL)
        return;
      if (!listed (t->dirs[d], dn)) {
        free (dn);
        continue;
      }
      dir = xprintf (c, "%s/%s", unit_path[d], dn);
      free (dn);
      v = dir ? v2c_fs_list (c->fs, dir) : NULL;
      free (dir);
      for (j = 0; v && v[j]; j++)
        edge (c, t, v[j], bit, q, qn, qcap);
      v2c_strv_free (v);
    }
}

static void
reach_from (struct ctx *c, struct table *t, const char *root, int bit)
{
  static const char *const deps[] = { "Wants", "Requires", "BindsTo" };
  size_t *q = NULL, qn = 0, qcap = 0, head = 0, k, j;

  edge (c, t, root, bit, &q, &qn, &qcap);
  while (head < qn && !c->oom) {
    size_t i = q[head++];
    char *name;
    struct unit *u;

    load (c, t, &t->u[i]);
    name = xstrdup (c, t->u[i].name);
    if (name == NULL)
      break;
    link_edges (c, t, name, bit, &q, &qn, &qcap);
    if (t->u[i].tmpl >= 0) {
      char *tn = xstrdup (c, t->u[t->u[i].tmpl].name);
      if (tn)
        link_edges (c, t, tn, bit, &q, &qn, &qcap);
      free (tn);
    }
    free (name);
    for (k = 0; k < 3; k++) {
      char **v = name_list (c, &t->u[i], "Unit", deps[k], 0);
      for (j = 0; v && v[j]; j++)
        edge (c, t, v[j], bit, &q, &qn, &qcap);
      v2c_strv_free (v);
    }
    u = &t->u[i]; /* edge() may have moved the table */
    for (j = 0; u->gen_wants && u->gen_wants[j]; j++) {
      char *g = xstrdup (c, u->gen_wants[j]);
      if (g)
        edge (c, t, g, bit, &q, &qn, &qcap);
      free (g);
      u = &t->u[i];
    }
  }
  free (q);
}

/* Instances named in any .wants/.requires directory are listed even
 * when what wants them is not reached. */
static void
wanted_instances (struct ctx *c, struct table *t)
{
  size_t d, j, k;

  for (d = 0; d < NPATH; d++)
    for (j = 0; t->dirs[d] && t->dirs[d][j]; j++) {
      const char *n = t->dirs[d][j];
      char *dir, **v;

      if (!has_suffix (n, ".wants") && !has_suffix (n, ".requires"))
        continue;
      dir = xprintf (c, "%s/%s", unit_path[d], n);
      v = dir ? v2c_fs_list (c->fs, dir) : NULL;
      free (dir);
      for (k = 0; v && v[k]; k++)
        if (strstr (v[k], "@.") == NULL && strchr (v[k], '@'))
          resolve (c, t, v[k]);
      v2c_strv_free (v);
    }
}

/* ------------------------------------------------------------------ */
/* Output                                                               */

static void
service_free (struct v2c_service *s)
{
  size_t i;

  free (s->name);
  free (s->kind);
  free (s->unit_path);
  v2c_strv_free (s->dropins);
  free (s->description);
  free (s->type);
  free (s->exec_start);
  v2c_strv_free (s->exec_start_pre);
  free (s->user);
  free (s->group);
  free (s->working_directory);
  for (i = 0; i < s->nenvironment; i++) {
    free (s->environment[i].key);
    free (s->environment[i].value);
  }
  free (s->environment);
  v2c_strv_free (s->environment_files);
  v2c_strv_free (s->after);
  v2c_strv_free (s->wants);
  v2c_strv_free (s->requires);
  v2c_strv_free (s->wanted_by);
  free (s->template_instance);
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
    free (s->timers[i].name);
    free (s->timers[i].unit);
    v2c_strv_free (s->timers[i].on_calendar);
    free (s->timers[i].on_boot_sec);
    free (s->timers[i].on_unit_active_sec);
    free (s->timers[i].unit_path);
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
  scan (&c, &t);
  fix_aliases (&c, &t);
  gen_postgresql (&c, &t);
  wanted_instances (&c, &t);
  def = find (&t, "default.target");
  if (def >= 0 && (def = resolve (&c, &t, "default.target")) >= 0)
    reach_from (&c, &t, t.u[def].name, 1);
  else
    reach_from (&c, &t, "multi-user.target", 1);
  reach_from (&c, &t, "timers.target", 2);
  if (c.oom) {
    table_free (&t);
    return v2c_set_error (err, ENOMEM, "out of memory reading systemd units");
  }

  for (i = 0; i < t.n; i++)
    if (listable (&t.u[i])) {
      if (has_suffix (t.u[i].name, ".service"))
        ns++;
      else if (has_suffix (t.u[i].name, ".timer"))
        nt++;
    }
  sv = calloc (out->n + ns + 1, sizeof *sv);
  tv = calloc (out->ntimers + nt + 1, sizeof *tv);
  if (sv == NULL || tv == NULL) {
    free (sv);
    free (tv);
    table_free (&t);
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
    if (has_suffix (t.u[i].name, ".service")) {
      fill_service (&c, &t, i, &out->v[out->n++]);
      /* reach bit 2 alone does not make a service enabled */
    } else if (has_suffix (t.u[i].name, ".timer"))
      fill_timer (&c, &t, i, &out->timers[out->ntimers++]);
  }
  qsort (out->v + ns, out->n - ns, sizeof *out->v, cmp_service);
  qsort (out->timers + nt, out->ntimers - nt, sizeof *out->timers, cmp_timer);
  table_free (&t);
  if (c.oom) {
    v2c_services_free_contents (out);
    return v2c_set_error (err, ENOMEM, "out of memory reading systemd units");
  }
  return 0;
}
