/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The layer policy of v2c-extract: each guest entry goes to one layer.
 * With the "split" strategy: files that a package owns and that still
 * have the package manager's checksum go to "os"; changed package files
 * to "config"; the rest to "app"; a layer's includes take a path first
 * and its excludes pass it on to the next layer.  Nothing here reads the
 * guest: the caller checks a file's content against the digest that
 * v2c_layer_policy_digest names.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract-match.h"
#include "layer-policy.h"

static int
list_covers (const struct v2c_strvec *list, const char *path)
{
  size_t i;

  for (i = 0; i < list->n; i++)
    if (v2c_extract_covers (list->v[i], path))
      return 1;
  return 0;
}

int
v2c_layer_policy_set_layers (struct v2c_layer_policy *p,
                             const struct v2c_plan_layer *layers, size_t n,
                             int split, struct v2c_err *err)
{
  size_t i;

  p->split = split;
  p->os_layer = p->config_layer = p->app_layer = -1;
  for (i = 0; i < n; i++) {
    struct v2c_policy_layer *l;
    if (p->nlayers >= V2C_POLICY_MAX_LAYERS)
      return v2c_set_error (err, 0, "plan: more than %d layers",
                            V2C_POLICY_MAX_LAYERS);
    l = &p->layers[p->nlayers];
    l->name = layers[i].name;
    l->includes = &layers[i].includes;
    l->excludes = &layers[i].excludes;
    if (strcmp (l->name, "os") == 0)
      p->os_layer = (int) p->nlayers, l->shared = p->split;
    else if (strcmp (l->name, "cuda") == 0)
      l->shared = p->split;
    else if (strcmp (l->name, "config") == 0)
      p->config_layer = (int) p->nlayers;
    else if (strcmp (l->name, "app") == 0)
      p->app_layer = (int) p->nlayers;
    p->nlayers++;
  }
  if (p->nlayers == 0)
    return v2c_set_error (err, 0, "plan: image.layers is empty");
  if (p->split && (p->os_layer < 0 || p->config_layer < 0
                   || p->app_layer < 0))
    return v2c_set_error (err, 0, "plan: the split strategy needs the "
                          "layers os, config and app");
  return 0;
}

static int
cmp_owned (const void *a, const void *b)
{
  const struct v2c_owned *x = a, *y = b;
  return strcmp (x->path, y->path);
}

static int
add_owned (struct v2c_layer_policy *p, size_t *cap, const char *path,
           const char *digest, int left_out, struct v2c_err *err)
{
  if (p->nown == *cap) {
    size_t n = *cap ? *cap * 2 : 4096;
    struct v2c_owned *v = realloc (p->own, n * sizeof *v);
    if (v == NULL)
      return v2c_set_error (err, ENOMEM, "out of memory");
    p->own = v;
    *cap = n;
  }
  p->own[p->nown].path = strdup (path);
  p->own[p->nown].digest = digest;
  p->own[p->nown].left_out = left_out;
  if (p->own[p->nown].path == NULL)
    return v2c_set_error (err, ENOMEM, "out of memory");
  p->nown++;
  return 0;
}

/* A package file under its own name and under each alias. */
static int
add_pkg_file (struct v2c_layer_policy *p, size_t *cap,
              const struct v2c_pkg_file *f, const struct v2c_path_alias *al,
              size_t nal, int left_out, struct v2c_err *err)
{
  size_t k;
  int r;

  if (add_owned (p, cap, f->path, f->digest, left_out, err) == -1)
    return -1;
  for (k = 0; k < nal; k++) {
    size_t fl = strlen (al[k].from);
    char *alt;
    if (strncmp (f->path, al[k].from, fl) != 0)
      continue;
    if (asprintf (&alt, "%s%s", al[k].to, f->path + fl) == -1)
      return v2c_set_error (err, ENOMEM, "out of memory");
    r = add_owned (p, cap, alt, f->digest, left_out, err);
    free (alt);
    if (r == -1)
      return -1;
  }
  return 0;
}

int
v2c_layer_policy_add_packages (struct v2c_layer_policy *p,
                               const struct v2c_pkgs *pkgs,
                               const struct v2c_path_alias *al, size_t nal,
                               struct v2c_err *err)
{
  size_t cap = p->nown, i, j;

  for (i = 0; i < pkgs->n; i++) {
    int out = p->leave_out && pkgs->v[i].name
              && v2c_strvec_find (p->leave_out, pkgs->v[i].name) >= 0;

    for (j = 0; j < pkgs->v[i].nfiles; j++) {
      const struct v2c_pkg_file *f = &pkgs->v[i].files[j];
      if (f->path == NULL || f->path[0] != '/')
        continue;
      if (add_pkg_file (p, &cap, f, al, nal, out, err) == -1)
        return -1;
    }
  }
  if (p->nown == 0)
    return 0;   /* no package database (a bare tree): own is NULL */
  qsort (p->own, p->nown, sizeof *p->own, cmp_owned);
  /* duplicates (a directory in many packages): keep one, with a digest
   * if any has one */
  for (i = 0, j = 0; i < p->nown; i++) {
    if (j > 0 && strcmp (p->own[j - 1].path, p->own[i].path) == 0) {
      if (p->own[j - 1].digest == NULL)
        p->own[j - 1].digest = p->own[i].digest;
      /* left out only when every owner is */
      p->own[j - 1].left_out &= p->own[i].left_out;
      free (p->own[i].path);
      continue;
    }
    p->own[j++] = p->own[i];
  }
  p->nown = j;
  return 0;
}

static const struct v2c_owned *
find_owned (const struct v2c_layer_policy *p, const char *path)
{
  struct v2c_owned key = { (char *) path, NULL, 0 };

  if (p->nown == 0)
    return NULL;
  return bsearch (&key, p->own, p->nown, sizeof *p->own, cmp_owned);
}

/* The first layer whose includes cover path, or -1. */
static int
included_in (const struct v2c_layer_policy *p, const char *path)
{
  size_t i;

  for (i = 0; i < p->nlayers; i++)
    if (list_covers (p->layers[i].includes, path))
      return (int) i;
  return -1;
}

const char *
v2c_layer_policy_digest (const struct v2c_layer_policy *p, const char *path,
                         int is_reg)
{
  const struct v2c_owned *o;

  if (!p->split || !is_reg || included_in (p, path) >= 0)
    return NULL;
  o = find_owned (p, path);
  return o ? o->digest : NULL;
}

const char *
v2c_layer_policy_owned_digest (const struct v2c_layer_policy *p,
                               const char *path)
{
  const struct v2c_owned *o = find_owned (p, path);

  return o ? o->digest : NULL;
}

int
v2c_layer_policy_choose (const struct v2c_layer_policy *p, const char *path,
                         int is_reg, int same)
{
  const struct v2c_owned *lo = p->leave_out ? find_owned (p, path) : NULL;
  int li = -1;

  if (lo && lo->left_out)
    return -1;
  if (!p->split)
    li = 0;
  else if ((li = included_in (p, path)) < 0) {
    const struct v2c_owned *o = find_owned (p, path);
    if (o == NULL)
      li = p->app_layer;
    else if (!is_reg || o->digest == NULL)
      li = p->os_layer;
    else
      li = same ? p->os_layer : p->config_layer;
  }
  /* a layer's own excludes send the entry to the next layer */
  while (li >= 0 && (size_t) li < p->nlayers
         && list_covers (p->layers[li].excludes, path))
    li++;
  return (size_t) li < p->nlayers ? li : -1;
}

void
v2c_layer_policy_clear (struct v2c_layer_policy *p)
{
  size_t i;

  for (i = 0; i < p->nown; i++)
    free (p->own[i].path);
  free (p->own);
  memset (p, 0, sizeof *p);
}
