/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The planner's errors, naming the JSON path of what is wrong
 * ("inventory: users[3].uid: -1 is out of range"), and the checks of
 * paths and patterns.
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "plan-private.h"

int
plan_bad (struct v2c_err *err, const char *doc, const char *where,
          const char *fmt, ...)
{
  char msg[768];
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  if (where && *where)
    return v2c_set_error (err, 0, "%s: %s: %s", doc, where, msg);
  return v2c_set_error (err, 0, "%s: %s", doc, msg);
}

const char *
plan_sub (char *buf, const char *parent, const char *key)
{
  snprintf (buf, WHERE, "%s%s%s", parent, *parent ? "." : "", key);
  return buf;
}

const char *
plan_idx (char *buf, const char *parent, size_t i)
{
  snprintf (buf, WHERE, "%s[%zu]", parent, i);
  return buf;
}

/* ------------------------------------------------------------------ */
/* Paths, patterns, names                                             */

const char *
plan_path_problem (const char *p)
{
  return v2c_model_path_problem (p);
}

int
v2c_plan_pattern_valid (const char *pattern)
{
  return pattern != NULL && plan_path_problem (pattern) == NULL;
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
