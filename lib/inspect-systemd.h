/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The systemd inspector's insides, shared by its files:
 *
 *   lib/inspect-systemd.c        v2c_systemd_read: the services and
 *                                timers, their settings and environment
 *   lib/inspect-systemd-units.c  the units as systemd loads them: search
 *                                path, names, drop-ins, settings with
 *                                specifiers, generators, reachability
 *   lib/systemd-unit.c           unit file syntax (v2c_unit_parse)
 *
 * Not installed.
 */
#ifndef V2C_INSPECT_SYSTEMD_H
#define V2C_INSPECT_SYSTEMD_H

#include <sys/types.h>

#include "inspect.h"
#include "strbuf.h"

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
/* The directories of the unit search path. */
#define NPATH 5

/* A read's state: the guest's files, and whether memory ran out. */
struct ctx {
  struct v2c_fs *fs;
  int oom;
};

/* A unit name: a file, an alias, a mask or a template instance. */
struct unit {
  char *name;
  char *path;     /* main file, NULL for aliases and instances */
  char *alias_of; /* alias: the name it points at */
  int masked;
  ssize_t tmpl; /* instance: index of the template, else -1 */
  char *instance;
  int loaded;
  struct v2c_unit_file uf; /* main file then drop-ins */
  struct v2c_strvec dropins;
  struct v2c_strvec gen_wants; /* edges added by generators */
  struct v2c_strvec aliases;   /* the alias names that lead here */
  int reach;        /* 1: from the default target, 2: timers.target */
};

/* Every unit name of the guest, hashed, and the path directories. */
struct table {
  struct unit *u;
  size_t n, cap;
  ssize_t *hash;
  size_t hcap;
  char **dirs[NPATH]; /* sorted listing of each path directory */
};

/* ---- unit file syntax (lib/systemd-unit.c) ---- */

/* Trim blanks (space, tab, CR, LF) at both ends of s[0..*n). */
void sysd_trim (const char **s, size_t *n);

/* ---- the units (lib/inspect-systemd-units.c) ---- */

/* strdup and asprintf that set c->oom when out of memory. */
char *sysd_xstrdup (struct ctx *c, const char *s);
char *sysd_xprintf (struct ctx *c, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
size_t sysd_strv_len (char **v);
/* Append s to v (at most MAX_LIST strings) and free it; s NULL (out
 * of memory) or no room in memory sets c->oom. */
void sysd_strv_push (struct ctx *c, struct v2c_strvec *v, char *s);
int sysd_has_suffix (const char *s, const char *suf);

/* Index of a name in the table, or -1. */
ssize_t sysd_find (struct table *t, const char *name);
/* Index of the unit a name stands for (through aliases; an instance
 * of a template is added), or -1. */
ssize_t sysd_resolve (struct ctx *c, struct table *t, const char *name);
void sysd_table_free (struct table *t);
/* List the path directories into the table. */
void sysd_scan (struct ctx *c, struct table *t);
/* An alias is listed under the unit it names, and that unit records
 * every alias name leading to it (chains followed, MAX_ALIAS_DEPTH
 * links at most). */
void sysd_fix_aliases (struct ctx *c, struct table *t);
/* Parse the unit's file and drop-ins, once. */
void sysd_load (struct ctx *c, struct table *t, struct unit *u);

/* s with %i %I %n %N %p %P %% replaced (caller frees). */
char *sysd_subst (struct ctx *c, const struct unit *u, const char *s);
/* The last non-empty value of a setting, or NULL. */
const char *sysd_last (const struct unit *u, const char *section,
                       const char *key);
/* Every value of a list setting (an empty assignment resetting it
 * when resets), specifiers expanded. */
char **sysd_list_setting (struct ctx *c, const struct unit *u,
                          const char *section, const char *key, int resets);
/* Space-separated unit names of a dependency setting, deduplicated. */
char **sysd_name_list (struct ctx *c, const struct unit *u,
                       const char *section, const char *key, int resets);

/* postgresql-common's generator: postgresql@VERSION-CLUSTER.service
 * for each cluster it would start. */
void sysd_gen_postgresql (struct ctx *c, struct table *t);
/* Mark with bit every unit reached from root. */
void sysd_reach_from (struct ctx *c, struct table *t, const char *root,
                      int bit);
/* Instances named in .wants/.requires directories. */
void sysd_wanted_instances (struct ctx *c, struct table *t);

#endif /* V2C_INSPECT_SYSTEMD_H */
