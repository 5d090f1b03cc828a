/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The loader of the model's tables (lib/model-private.h): one walk over
 * a type's fields that checks the JSON value of each (type, required,
 * null, range, count, enumeration, path) and copies it into the C
 * struct, naming the JSON path of the first problem; and the walk that
 * frees what was copied.
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model-private.h"

int
v2c_model_bad (struct v2c_err *err, const char *doc, const char *where,
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
v2c_model_sub (char *buf, const char *parent, const char *key)
{
  snprintf (buf, V2C_MODEL_WHERE, "%s%s%s", parent, *parent ? "." : "", key);
  return buf;
}

const char *
v2c_model_idx (char *buf, const char *parent, size_t i)
{
  snprintf (buf, V2C_MODEL_WHERE, "%s[%zu]", parent, i);
  return buf;
}

const char *
v2c_model_path_problem (const char *p)
{
  size_t len = strlen (p);

  if (p[0] != '/')
    return "must be an absolute path";
  if (len > 4096)
    return "longer than 4096 bytes";
  if (strstr (p, "//"))
    return "has an empty component ('//')";
  if (strstr (p, "/./") || (len >= 2 && strcmp (p + len - 2, "/.") == 0))
    return "has a '.' component";
  if (strstr (p, "/../") || (len >= 3 && strcmp (p + len - 3, "/..") == 0))
    return "has a '..' component";
  if (len > 1 && p[len - 1] == '/')
    return "ends with '/'";
  return NULL;
}

int
v2c_dns_label_ok (const char *s)
{
  size_t n = strlen (s), i;

  if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
    return 0;
  for (i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')
          || s[i] == '-'))
      return 0;
  return 1;
}

static const char *
type_name (int kind)
{
  switch (kind) {
  case MT_STR:
    return "a string";
  case MT_INT:
  case MT_NINT:
    return "an integer";
  case MT_LIST:
  case MT_STRS:
    return "an array";
  case MT_BOOL:
    return "a boolean";
  default:
    return "an object";
  }
}

static int
type_ok (int kind, const json_t *v)
{
  switch (kind) {
  case MT_STR:
    return json_is_string (v);
  case MT_INT:
  case MT_NINT:
    return json_is_integer (v);
  case MT_LIST:
  case MT_STRS:
    return json_is_array (v);
  case MT_BOOL:
    return json_is_boolean (v);
  default:
    return json_is_object (v);
  }
}

/* A string value v at where, checked by f->check; a copy in *out. */
static int
load_string (struct model_load *l, const struct model_field *f,
             const json_t *v, const char *where, char **out)
{
  const char *s = json_string_value (v), *why;
  char list[256] = "";
  size_t i;

  if (strlen (s) != json_string_length (v))
    return model_bad (l, where, "contains a NUL byte");
  switch (f->check) {
  case MS_PATH:
  case MS_PATTERN:
    if ((why = v2c_model_path_problem (s)) != NULL)
      return model_bad (l, where, "%s %s",
                        f->check == MS_PATH ? "path" : "pattern", why);
    break;
  case MS_NONEMPTY:
    if (*s == '\0')
      return model_bad (l, where, "empty");
    break;
  case MS_LABEL:
    if (!v2c_dns_label_ok (s))
      return model_bad (l, where, "'%s' is not a DNS-1123 label", s);
    break;
  case MS_ENUM:
    for (i = 0; f->enums[i] && strcmp (s, f->enums[i]) != 0; i++)
      snprintf (list + strlen (list), sizeof list - strlen (list), "%s%s",
                i ? ", " : "", f->enums[i]);
    if (f->enums[i] == NULL)
      return model_bad (l, where, "'%s' is not one of: %s", s, list);
    break;
  default:
    break;
  }
  *out = strdup (s);
  return *out ? 0 : model_bad (l, where, "out of memory");
}

static int
load_strings (struct model_load *l, const struct model_field *f,
              const json_t *a, const char *where, struct v2c_strvec *out)
{
  char iw[V2C_MODEL_WHERE];
  size_t i;

  out->cap = json_array_size (a) + 1;
  out->v = calloc (out->cap, sizeof *out->v);
  if (out->v == NULL)
    return model_bad (l, where, "out of memory");
  for (i = 0; i < json_array_size (a); i++) {
    const json_t *e = json_array_get (a, i);

    v2c_model_idx (iw, where, i);
    if (json_is_null (e) && (f->flags & MF_NULITEMS)) {
      out->n++;
      continue;
    }
    if (!json_is_string (e))
      return model_bad (l, iw, "expected a string%s",
                        f->flags & MF_NULITEMS ? " or null" : "");
    if (load_string (l, f, e, iw, &out->v[i]) == -1)
      return -1;
    out->n++;
  }
  return 0;
}

static int
load_pairs (struct model_load *l, const json_t *o, const char *where,
            int64_t max, struct v2c_pairs *out)
{
  char iw[V2C_MODEL_WHERE];
  const char *key;
  json_t *v;

  if ((int64_t) json_object_size (o) > max)
    return model_bad (l, where, "more than %lld variables", (long long) max);
  out->v = calloc (json_object_size (o) + 1, sizeof *out->v);
  if (out->v == NULL)
    return model_bad (l, where, "out of memory");
  json_object_foreach ((json_t *) o, key, v)
  {
    struct v2c_pair *p = &out->v[out->n];

    if (*key == '\0' || strchr (key, '='))
      return model_bad (l, where, "'%s' is not a variable name", key);
    if (!json_is_string (v)
        || strlen (json_string_value (v)) != json_string_length (v))
      return model_bad (l, v2c_model_sub (iw, where, key),
                        "expected a string");
    p->name = strdup (key);
    p->value = strdup (json_string_value (v));
    out->n++;
    if (p->name == NULL || p->value == NULL)
      return model_bad (l, where, "out of memory");
  }
  return 0;
}

static int
load_list (struct model_load *l, const struct model_field *f, const json_t *a,
           const char *where, struct model_list *out)
{
  char iw[V2C_MODEL_WHERE];
  size_t i, n = json_array_size (a);

  for (i = 0; i < n; i++)
    if (!json_is_object (json_array_get (a, i)))
      return model_bad (l, v2c_model_idx (iw, where, i), "expected an object");
  out->v = calloc (n + 1, f->sub->size);
  if (out->v == NULL)
    return model_bad (l, where, "out of memory");
  for (i = 0; i < n; i++) {
    out->n++;
    if (model_load_object (l, f->sub, json_array_get (a, i),
                           (char *) out->v + i * f->sub->size,
                           v2c_model_idx (iw, where, i))
        == -1)
      return -1;
  }
  return 0;
}

/* The value v (of the right type, not null) of field f into m. */
static int
load_value (struct model_load *l, const struct model_field *f, const json_t *v,
            void *m, const char *where)
{
  json_int_t i;
  size_t count;

  switch (f->kind) {
  case MT_STR:
    return load_string (l, f, v, where, (char **) m);
  case MT_INT:
  case MT_NINT:
    i = json_integer_value (v);
    if (i < f->min || i > f->max)
      return model_bad (
          l, where, "%" JSON_INTEGER_FORMAT " is out of range (%lld..%lld)", i,
          (long long) f->min, (long long) f->max);
    if (f->kind == MT_INT)
      *(int64_t *) m = i;
    else
      *(struct v2c_nint *) m = (struct v2c_nint){ i, 1 };
    return 0;
  case MT_BOOL:
    *(int *) m = json_is_true (v);
    return 0;
  case MT_OBJ:
    return model_load_object (l, f->sub, v, m, where);
  case MT_PTR:
    *(void **) m = calloc (1, f->sub->size);
    if (*(void **) m == NULL)
      return model_bad (l, where, "out of memory");
    return model_load_object (l, f->sub, v, *(void **) m, where);
  case MT_PAIRS:
    return load_pairs (l, v, where, f->max, m);
  default:
    count = json_array_size (v);
    if ((int64_t) count > f->max)
      return model_bad (l, where, "more than %lld entries",
                        (long long) f->max);
    if (f->kind == MT_STRS)
      return load_strings (l, f, v, where, m);
    return load_list (l, f, v, where, m);
  }
}

int
model_load_object (struct model_load *l, const struct model_type *t,
                   const json_t *doc, void *obj, const char *where)
{
  const struct model_field *f;
  char w[V2C_MODEL_WHERE];

  for (f = t->fields; f->key; f++) {
    const json_t *v = json_object_get (doc, f->key);

    v2c_model_sub (w, where, f->key);
    if (v && t->has)
      *(uint64_t *) ((char *) obj + t->has - 1) |= (uint64_t) 1
                                                   << (f - t->fields);
    if (f->pre && f->pre (l, obj, w, v) == -1)
      return -1;
    if (v == NULL && !(f->flags & MF_OPT))
      return model_bad (l, w, "missing");
    if (v != NULL && !(json_is_null (v) && (f->flags & MF_NUL))) {
      if (!type_ok (f->kind, v))
        return model_bad (l, w, "expected %s%s", type_name (f->kind),
                          f->flags & MF_NUL ? " or null" : "");
      if (load_value (l, f, v, (char *) obj + f->off, w) == -1)
        return -1;
    }
    if (f->post && f->post (l, obj, w) == -1)
      return -1;
  }
  return t->post ? t->post (l, obj, where) : 0;
}

void
model_free_object (const struct model_type *t, void *obj)
{
  const struct model_field *f;
  size_t i;

  for (f = t->fields; f->key; f++) {
    void *m = (char *) obj + f->off;
    struct model_list *ml = m;
    struct v2c_pairs *p = m;

    switch (f->kind) {
    case MT_STR:
      free (*(char **) m);
      break;
    case MT_OBJ:
      model_free_object (f->sub, m);
      break;
    case MT_PTR:
      if (*(void **) m)
        model_free_object (f->sub, *(void **) m);
      free (*(void **) m);
      break;
    case MT_LIST:
      for (i = 0; i < ml->n; i++)
        model_free_object (f->sub, (char *) ml->v + i * f->sub->size);
      free (ml->v);
      break;
    case MT_STRS:
      v2c_strvec_clear (m);
      break;
    case MT_PAIRS:
      for (i = 0; i < p->n; i++) {
        free (p->v[i].name);
        free (p->v[i].value);
      }
      free (p->v);
      break;
    default:
      break;
    }
  }
}

void *
model_load_doc (struct model_load *l, const struct model_type *t,
                const json_t *doc)
{
  void *obj;

  if (!json_is_object (doc)) {
    model_bad (l, "", "not a JSON object");
    return NULL;
  }
  obj = calloc (1, t->size);
  if (obj == NULL) {
    v2c_set_error (l->err, 0, "out of memory");
    return NULL;
  }
  if (model_load_object (l, t, doc, obj, "") == -1) {
    model_free_doc (t, obj);
    return NULL;
  }
  return obj;
}

void
model_free_doc (const struct model_type *t, void *obj)
{
  if (obj == NULL)
    return;
  model_free_object (t, obj);
  free (obj);
}
