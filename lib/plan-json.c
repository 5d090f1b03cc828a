/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The planner's checks of paths and patterns (its errors name the JSON
 * path of what is wrong through v2c_model_bad, lib/model.h).
 */
#include <config.h>

#include <string.h>

#include "model.h"
#include "plan-private.h"

/* ------------------------------------------------------------------ */
/* Paths, patterns, names                                             */

int
v2c_plan_pattern_valid (const char *pattern)
{
  return pattern != NULL && v2c_model_path_problem (pattern) == NULL;
}

int
plan_cmp_str (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

int
plan_is_under (const char *path, const char *dir)
{
  size_t n = strlen (dir);

  if (strcmp (dir, "/") == 0)
    return 0;
  return strncmp (path, dir, n) == 0 && path[n] == '/';
}
