/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The units of a guest as systemd loads them (see lib/inspect-systemd.c
 * for the rules emulated): the unit search path, the table of names
 * with aliases, masks and template instances, drop-ins, the settings
 * of a unit with specifiers expanded (lib/systemd-exec.c), the
 * postgresql-common generator, and what the default target and
 * timers.target reach.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect-systemd.h"
#include "systemd-exec.h"

static const char *const unit_path[NPATH] = {
  "/etc/systemd/system",           "/run/systemd/system",
  "/usr/local/lib/systemd/system", "/lib/systemd/system",
  "/usr/lib/systemd/system",
};

/* ------------------------------------------------------------------ */
/* Helpers                                                            */

char *
sysd_xstrdup (struct ctx *c, const char *s)
{
  char *r;

  if (s == NULL)
    return NULL;
  r = strdup (s);
  if (r == NULL)
    c->oom = 1;
  return r;
}

char *
sysd_xprintf (struct ctx *c, const char *fmt, ...)
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

size_t
sysd_strv_len (char **v)
{
  size_t n = 0;

  while (v && v[n])
    n++;
  return n;
}

void
sysd_strv_push (struct ctx *c, struct v2c_strvec *v, char *s)
{
  if (s == NULL || (v->n < MAX_LIST && v2c_strvec_push (v, s) == -1))
    c->oom = 1;
  free (s);
}

int
sysd_has_suffix (const char *s, const char *suf)
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
  size_t lo = 0, hi = sysd_strv_len (v);

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
/* The unit table                                                     */

static uint32_t
hash_str (const char *s)
{
  uint32_t h = 2166136261u;

  while (*s)
    h = (h ^ (unsigned char) *s++) * 16777619u;
  return h;
}

ssize_t
sysd_find (struct table *t, const char *name)
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
  *tmpl = sysd_xprintf (c, "%.*s@%s", (int) (at - name), name, dot);
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
ssize_t
sysd_resolve (struct ctx *c, struct table *t, const char *name)
{
  ssize_t i = sysd_find (t, name);
  int depth = 0;
  char *tn, *inst;

  while (i >= 0 && t->u[i].alias_of) {
    if (++depth > MAX_ALIAS_DEPTH)
      return -1;
    i = sysd_find (t, t->u[i].alias_of);
  }
  if (i >= 0)
    return i;
  if (!split_instance (c, name, &tn, &inst))
    return -1;
  i = sysd_resolve (c, t, tn);
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
    char *real = at ? sysd_xprintf (c, "%.*s@%s%s", (int) (at - tname), tname,
                                    inst, at + 1)
                    : NULL;
    if (real == NULL) {
      free (inst);
      return -1;
    }
    if ((i = sysd_find (t, real)) >= 0) {
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

void
sysd_table_free (struct table *t)
{
  size_t i;

  for (i = 0; i < t->n; i++) {
    struct unit *u = &t->u[i];
    free (u->name);
    free (u->path);
    free (u->alias_of);
    free (u->instance);
    v2c_unit_file_free_contents (&u->uf);
    v2c_strvec_clear (&u->dropins);
    v2c_strvec_clear (&u->gen_wants);
    v2c_strvec_clear (&u->aliases);
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
    if (sysd_has_suffix (name, sfx[i]) && strlen (name) > strlen (sfx[i]))
      return 1;
  return 0;
}

/* Scan the path directories: the first file of a name wins. */
void
sysd_scan (struct ctx *c, struct table *t)
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
      p = sysd_xprintf (c, "%s/%s", unit_path[d], v[j]);
      if (p == NULL)
        return;
      if (v2c_fs_stat (c->fs, p, 1, &st) == -1) {
        free (p);
        continue;
      }
      i = sysd_find (t, v[j]);
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
        i = add (c, t, sysd_xstrdup (c, v[j]));
        if (i < 0) {
          free (target);
          free (p);
          return;
        }
        if (strcmp (target, "/dev/null") == 0)
          t->u[i].masked = 1;
        else if (strcmp (base_name (target), v[j]) != 0
                 && unit_suffix (base_name (target)))
          t->u[i].alias_of = sysd_xstrdup (c, base_name (target));
        free (target);
        if (t->u[i].masked)
          free (p);
        else
          t->u[i].path = p; /* linked or alias: reading follows it */
      } else if (st.type == V2C_FS_REG) {
        i = add (c, t, sysd_xstrdup (c, v[j]));
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
 * from an instance name to its template makes an instance.  Then each
 * unit learns the alias names that lead to it, since systemd reads the
 * .wants/ and .requires/ directories of every name of a unit (for
 * default.target -> multi-user.target, default.target.wants/ too). */
void
sysd_fix_aliases (struct ctx *c, struct table *t)
{
  size_t i, n = t->n;
  int depth;

  for (i = 0; i < n; i++) {
    struct unit *u = &t->u[i];
    char *tn = NULL, *inst = NULL;

    if (u->alias_of == NULL)
      continue;
    if (split_instance (c, u->name, &tn, &inst)
        && strcmp (tn, u->alias_of) == 0 && sysd_find (t, tn) >= 0) {
      ssize_t ti = sysd_find (t, tn);
      free (u->alias_of);
      u->alias_of = NULL;
      free (u->path);
      u->path = NULL;
      t->u[i].tmpl = ti;
      t->u[i].instance = inst;
      inst = NULL;
    } else if (sysd_find (t, u->alias_of) < 0) {
      free (u->alias_of);
      u->alias_of = NULL;
    }
    free (tn);
    free (inst);
  }
  for (i = 0; i < n; i++) {
    ssize_t r = (ssize_t) i;

    if (t->u[i].alias_of == NULL)
      continue;
    /* a chain (a cycle too) ends after MAX_ALIAS_DEPTH links */
    for (depth = 0; r >= 0 && t->u[r].alias_of && depth < MAX_ALIAS_DEPTH;
         depth++)
      r = sysd_find (t, t->u[r].alias_of);
    if (r >= 0 && t->u[r].alias_of == NULL)
      sysd_strv_push (c, &t->u[r].aliases, sysd_xstrdup (c, t->u[i].name));
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
collect_dropins (struct ctx *c, struct table *t, const char *name,
                 struct v2c_strvec *out)
{
  size_t d, j;
  char *dn = sysd_xprintf (c, "%s.d", name);

  if (dn == NULL)
    return;
  for (d = 0; d < NPATH; d++) {
    char *dir, **v;

    if (!listed (t->dirs[d], dn))
      continue;
    dir = sysd_xprintf (c, "%s/%s", unit_path[d], dn);
    if (dir == NULL)
      break;
    v = v2c_fs_list (c->fs, dir);
    for (j = 0; v && v[j]; j++) {
      size_t k;
      int dup = 0;
      char *p;

      if (!sysd_has_suffix (v[j], ".conf") || strlen (v[j]) <= 5)
        continue;
      for (k = 0; k < out->n; k++)
        if (strcmp (base_name (out->v[k]), v[j]) == 0)
          dup = 1;
      if (dup || out->n >= MAX_DROPINS)
        continue;
      p = sysd_xprintf (c, "%s/%s", dir, v[j]);
      if (p == NULL)
        continue;
      /* kept even when linked to /dev/null: it masks the lower ones of
       * its name, and load() skips it */
      sysd_strv_push (c, out, p);
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

void
sysd_load (struct ctx *c, struct table *t, struct unit *u)
{
  struct v2c_strvec all = V2C_STRVEC_INIT;
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
  if (all.n)
    qsort (all.v, all.n, sizeof *all.v, cmp_dropin);
  for (i = 0; i < all.n; i++) {
    char *target = v2c_fs_readlink (c->fs, all.v[i]);
    int masked = target && strcmp (target, "/dev/null") == 0;

    free (target);
    if (masked)
      continue;
    append_file (c, u, all.v[i]);
    sysd_strv_push (c, &u->dropins, sysd_xstrdup (c, all.v[i]));
  }
  v2c_strvec_clear (&all);
}

/* ------------------------------------------------------------------ */
/* Settings, with the specifiers expanded                             */

/* s with %i %I %n %N %p %P %% replaced (caller frees). */
char *
sysd_subst (struct ctx *c, const struct unit *u, const char *s)
{
  struct v2c_unit_names names;
  char *o;

  if (s == NULL)
    return NULL;
  v2c_unit_names_systemd (&names, u->name, u->instance);
  o = v2c_unit_specifiers (s, &names, SIZE_MAX);
  if (o == NULL)
    c->oom = 1;
  return o;
}

const char *
sysd_last (const struct unit *u, const char *section, const char *key)
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
char **
sysd_list_setting (struct ctx *c, const struct unit *u, const char *section,
                   const char *key, int resets)
{
  struct v2c_strvec v = V2C_STRVEC_INIT;
  size_t i;

  for (i = 0; i < u->uf.n; i++) {
    if (strcmp (u->uf.v[i].section, section) != 0
        || strcmp (u->uf.v[i].key, key) != 0)
      continue;
    if (u->uf.v[i].value[0] == '\0') {
      if (resets)
        v2c_strvec_clear (&v);
      continue;
    }
    sysd_strv_push (c, &v, sysd_subst (c, u, u->uf.v[i].value));
  }
  return v2c_strvec_detach (&v);
}

/* Space-separated unit names of a dependency setting, deduplicated. */
char **
sysd_name_list (struct ctx *c, const struct unit *u, const char *section,
                const char *key, int resets)
{
  char **raw = sysd_list_setting (c, u, section, key, resets);
  struct v2c_strvec v = V2C_STRVEC_INIT;
  size_t i;

  for (i = 0; raw && raw[i]; i++) {
    char *p = raw[i], *tok;
    while ((tok = strsep (&p, " \t")) != NULL)
      if (*tok && v2c_strvec_find (&v, tok) < 0)
        sysd_strv_push (c, &v, sysd_xstrdup (c, tok));
  }
  v2c_strv_free (raw);
  return v2c_strvec_detach (&v);
}

/* ------------------------------------------------------------------ */
/* Generators                                                         */

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
void
sysd_gen_postgresql (struct ctx *c, struct table *t)
{
  ssize_t pg, tmpl = sysd_resolve (c, t, "postgresql@.service");
  char **vers, **clus;
  size_t i, j, count = 0;

  if (tmpl < 0 || t->u[tmpl].path == NULL)
    return;
  pg = sysd_resolve (c, t, "postgresql.service");
  vers = v2c_fs_list (c->fs, "/etc/postgresql");
  for (i = 0; vers && vers[i]; i++) {
    char *vd, *bin;
    struct v2c_fs_stat st;

    if (!safe_name (vers[i]))
      continue;
    bin = sysd_xprintf (c, "/usr/lib/postgresql/%s/bin/postgres", vers[i]);
    if (bin == NULL || v2c_fs_stat (c->fs, bin, 0, &st) == -1
        || st.type != V2C_FS_REG || (st.mode & 0111) == 0) {
      free (bin);
      continue;
    }
    free (bin);
    vd = sysd_xprintf (c, "/etc/postgresql/%s", vers[i]);
    clus = vd ? v2c_fs_list (c->fs, vd) : NULL;
    for (j = 0; clus && clus[j] && count < MAX_PG; j++) {
      char *conf, *start, *name, *buf;
      int autostart = 1;
      size_t len;
      ssize_t inst;

      if (!safe_name (clus[j]))
        continue;
      conf = sysd_xprintf (c, "%s/%s/postgresql.conf", vd, clus[j]);
      if (conf == NULL || v2c_fs_stat (c->fs, conf, 1, &st) == -1) {
        free (conf);
        continue;
      }
      free (conf);
      start = sysd_xprintf (c, "%s/%s/start.conf", vd, clus[j]);
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
          sysd_trim (&w, &wn);
          if (wn == 0)
            continue;
          autostart = wn == 4 && strncmp (w, "auto", 4) == 0;
          break;
        }
        free (buf);
      }
      name = sysd_xprintf (c, "postgresql@%s-%s.service", vers[i], clus[j]);
      if (name == NULL)
        continue;
      inst = sysd_resolve (c, t, name);
      count++;
      if (inst >= 0 && autostart && pg >= 0
          && v2c_strvec_find (&t->u[pg].gen_wants, name) < 0)
        sysd_strv_push (c, &t->u[pg].gen_wants, name);
      else
        free (name);
    }
    v2c_strv_free (clus);
    free (vd);
  }
  v2c_strv_free (vers);
}

/* ------------------------------------------------------------------ */
/* What is reached at boot                                            */

static void
edge (struct ctx *c, struct table *t, const char *name, int bit, size_t **q,
      size_t *qn, size_t *qcap)
{
  ssize_t i = sysd_resolve (c, t, name);

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
      char *dn = sysd_xprintf (c, "%s.%s", name, kinds[k]), *dir, **v;
      if (dn == NULL)
        return;
      if (!listed (t->dirs[d], dn)) {
        free (dn);
        continue;
      }
      dir = sysd_xprintf (c, "%s/%s", unit_path[d], dn);
      free (dn);
      v = dir ? v2c_fs_list (c->fs, dir) : NULL;
      free (dir);
      for (j = 0; v && v[j]; j++)
        edge (c, t, v[j], bit, q, qn, qcap);
      v2c_strv_free (v);
    }
}

/* The names whose .wants/ and .requires/ directories are the unit's:
 * its own and its aliases'; for an instance also its template's, and
 * the instance's name under each alias of the template.  Copies, as
 * link_edges may move the table. */
static void
unit_names (struct ctx *c, struct table *t, size_t i, struct v2c_strvec *out)
{
  const struct unit *u = &t->u[i], *tm;
  size_t k;

  sysd_strv_push (c, out, sysd_xstrdup (c, u->name));
  for (k = 0; k < u->aliases.n; k++)
    sysd_strv_push (c, out, sysd_xstrdup (c, u->aliases.v[k]));
  if (u->tmpl < 0)
    return;
  tm = &t->u[u->tmpl];
  sysd_strv_push (c, out, sysd_xstrdup (c, tm->name));
  for (k = 0; k < tm->aliases.n; k++) {
    const char *a = tm->aliases.v[k], *at = strstr (a, "@.");

    if (at == NULL)
      continue;
    sysd_strv_push (c, out, sysd_xstrdup (c, a));
    if (u->instance)
      sysd_strv_push (c, out,
                      sysd_xprintf (c, "%.*s@%s%s", (int) (at - a), a,
                                    u->instance, at + 1));
  }
}

void
sysd_reach_from (struct ctx *c, struct table *t, const char *root, int bit)
{
  static const char *const deps[] = { "Wants", "Requires", "BindsTo" };
  size_t *q = NULL, qn = 0, qcap = 0, head = 0, k, j;

  edge (c, t, root, bit, &q, &qn, &qcap);
  while (head < qn && !c->oom) {
    size_t i = q[head++];
    struct v2c_strvec names = V2C_STRVEC_INIT;
    struct unit *u;

    sysd_load (c, t, &t->u[i]);
    unit_names (c, t, i, &names);
    for (k = 0; k < names.n; k++)
      link_edges (c, t, names.v[k], bit, &q, &qn, &qcap);
    v2c_strvec_clear (&names);
    for (k = 0; k < 3; k++) {
      char **v = sysd_name_list (c, &t->u[i], "Unit", deps[k], 0);
      for (j = 0; v && v[j]; j++)
        edge (c, t, v[j], bit, &q, &qn, &qcap);
      v2c_strv_free (v);
    }
    u = &t->u[i]; /* edge() may have moved the table */
    for (j = 0; j < u->gen_wants.n; j++) {
      char *g = sysd_xstrdup (c, u->gen_wants.v[j]);
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
void
sysd_wanted_instances (struct ctx *c, struct table *t)
{
  size_t d, j, k;

  for (d = 0; d < NPATH; d++)
    for (j = 0; t->dirs[d] && t->dirs[d][j]; j++) {
      const char *n = t->dirs[d][j];
      char *dir, **v;

      if (!sysd_has_suffix (n, ".wants") && !sysd_has_suffix (n, ".requires"))
        continue;
      dir = sysd_xprintf (c, "%s/%s", unit_path[d], n);
      v = dir ? v2c_fs_list (c->fs, dir) : NULL;
      free (dir);
      for (k = 0; v && v[k]; k++)
        if (strstr (v[k], "@.") == NULL && strchr (v[k], '@'))
          sysd_resolve (c, t, v[k]);
      v2c_strv_free (v);
    }
}
