/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Reading the inventory and the plan: typed getters whose errors name
 * the JSON path of what is wrong ("inventory: services[2].user:
 * expected a string or null"), and the checks of paths and patterns.
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

static const char *
type_name (json_type t)
{
  switch (t) {
  case JSON_STRING:
    return "a string";
  case JSON_INTEGER:
    return "an integer";
  case JSON_ARRAY:
    return "an array";
  case JSON_OBJECT:
    return "an object";
  default:
    return "a boolean";
  }
}

/* Member key of o, of type t (JSON_TRUE: a boolean).  flags: OPT
 * allows it to be missing, NUL_OK to be null; both give *out = NULL. */
int
plan_get (const json_t *o, const char *key, const char *where, json_type t,
          int flags, json_t **out, const char *doc, struct v2c_err *err)
{
  char w[WHERE];
  json_t *v = json_object_get (o, key);
  int ok;

  *out = NULL;
  plan_sub (w, where, key);
  if (v == NULL) {
    if (flags & OPT)
      return 0;
    return plan_bad (err, doc, w, "missing");
  }
  if (json_is_null (v) && (flags & NUL_OK))
    return 0;
  ok = t == JSON_TRUE ? json_is_boolean (v) : json_typeof (v) == t;
  if (!ok)
    return plan_bad (err, doc, w, "expected %s%s", type_name (t),
                     flags & NUL_OK ? " or null" : "");
  if (t == JSON_STRING
      && strlen (json_string_value (v)) != json_string_length (v))
    return plan_bad (err, doc, w, "contains a NUL byte");
  *out = v;
  return 0;
}

int
plan_get_str (const json_t *o, const char *key, const char *where, int flags,
              const char **out, const char *doc, struct v2c_err *err)
{
  json_t *v;

  *out = NULL;
  if (plan_get (o, key, where, JSON_STRING, flags, &v, doc, err) == -1)
    return -1;
  if (v)
    *out = json_string_value (v);
  return 0;
}

/* A string element of an array. */
int
plan_elem_str (const json_t *a, size_t i, const char *where, const char **out,
               const char *doc, struct v2c_err *err)
{
  char w[WHERE];
  json_t *v = json_array_get (a, i);

  plan_idx (w, where, i);
  if (!json_is_string (v))
    return plan_bad (err, doc, w, "expected a string");
  if (strlen (json_string_value (v)) != json_string_length (v))
    return plan_bad (err, doc, w, "contains a NUL byte");
  *out = json_string_value (v);
  return 0;
}

int
plan_check_count (const json_t *a, size_t max, const char *where,
                  const char *doc, struct v2c_err *err)
{
  if (json_array_size (a) > max)
    return plan_bad (err, doc, where, "more than %zu entries", max);
  return 0;
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

/* ------------------------------------------------------------------ */
/* The inventory                                                      */

/* An optional array member of the inventory (missing: empty). */
int
plan_inv_array (const json_t *o, const char *key, const char *where,
                json_t **out, struct v2c_err *err)
{
  char w[WHERE];

  if (plan_get (o, key, where, JSON_ARRAY, OPT, out, INV, err) == -1)
    return -1;
  return plan_check_count (*out, MAX_INV_ITEMS, plan_sub (w, where, key), INV,
                           err);
}

/* An element of an inventory array that must be an object. */
int
plan_inv_elem (const json_t *a, size_t i, const char *where, json_t **out,
               char *w, struct v2c_err *err)
{
  *out = json_array_get (a, i);
  plan_idx (w, where, i);
  if (!json_is_object (*out))
    return plan_bad (err, INV, w, "expected an object");
  return 0;
}

int
plan_inv_int (const json_t *o, const char *key, const char *where, int flags,
              json_int_t min, json_int_t max, json_int_t *out, int *present,
              struct v2c_err *err)
{
  char w[WHERE];
  json_t *v;

  *present = 0;
  if (plan_get (o, key, where, JSON_INTEGER, flags, &v, INV, err) == -1)
    return -1;
  if (v == NULL)
    return 0;
  *out = json_integer_value (v);
  if (*out < min || *out > max)
    return plan_bad (err, INV, plan_sub (w, where, key),
                     "%" JSON_INTEGER_FORMAT " is out of range", *out);
  *present = 1;
  return 0;
}
