/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The writer of the model's tables (lib/model-private.h): the JSON
 * object of a struct, its members in the table's order, so that a
 * loaded document written again gives the same bytes.
 */
#include <config.h>

#include "model-private.h"

static json_t *
strs_json (const struct v2c_strvec *s)
{
  json_t *a = json_array ();
  size_t i;

  for (i = 0; a && i < s->n; i++)
    if (json_array_append_new (a,
                               s->v[i] ? json_string (s->v[i]) : json_null ())
        == -1) {
      json_decref (a);
      return NULL;
    }
  return a;
}

static json_t *
pairs_json (const struct v2c_pairs *p)
{
  json_t *o = json_object ();
  size_t i;

  for (i = 0; o && i < p->n; i++)
    if (json_object_set_new (o, p->v[i].name, json_string (p->v[i].value))
        == -1) {
      json_decref (o);
      return NULL;
    }
  return o;
}

static json_t *
list_json (const struct model_type *t, const struct model_list *l)
{
  json_t *a = json_array ();
  size_t i;

  for (i = 0; a && i < l->n; i++)
    if (json_array_append_new (
            a, model_write_object (t, (const char *) l->v + i * t->size))
        == -1) {
      json_decref (a);
      return NULL;
    }
  return a;
}

/* The value of field f (member m); *skip when it is not written. */
static json_t *
value_json (const struct model_field *f, const void *m, int *skip)
{
  const struct v2c_nint *ni = m;

  switch (f->kind) {
  case MT_STR:
    if (*(char *const *) m == NULL) {
      *skip = (f->flags & MF_OPT) != 0;
      return json_null ();
    }
    return json_string (*(char *const *) m);
  case MT_INT:
    return json_integer (*(const int64_t *) m);
  case MT_NINT:
    return ni->set ? json_integer (ni->v) : json_null ();
  case MT_BOOL:
    return json_boolean (*(const int *) m);
  case MT_OBJ:
    return model_write_object (f->sub, m);
  case MT_PTR:
    if (*(void *const *) m == NULL) {
      *skip = (f->flags & MF_OPT) != 0;
      return json_null ();
    }
    return model_write_object (f->sub, *(void *const *) m);
  case MT_STRS:
    if ((f->flags & MF_SKIPEMPTY) && ((const struct v2c_strvec *) m)->n == 0)
      *skip = 1;
    return strs_json (m);
  case MT_PAIRS:
    return pairs_json (m);
  default:
    if ((f->flags & MF_SKIPEMPTY) && ((const struct model_list *) m)->n == 0)
      *skip = 1;
    return list_json (f->sub, m);
  }
}

json_t *
model_write_object (const struct model_type *t, const void *obj)
{
  const struct model_field *f;
  json_t *o = json_object ();

  for (f = t->fields; o && f->key; f++) {
    int skip = 0;
    json_t *v;

    if (t->has && (f->flags & MF_OPT)
        && !(*(const uint64_t *) ((const char *) obj + t->has - 1)
             & ((uint64_t) 1 << (f - t->fields))))
      continue;
    v = value_json (f, (const char *) obj + f->off, &skip);
    if (t->has && (f->flags & MF_OPT))
      skip = 0;

    if (v == NULL) {
      json_decref (o);
      return NULL;
    }
    if (skip)
      json_decref (v);
    else if (json_object_set_new (o, f->key, v) == -1) {
      json_decref (o);
      return NULL;
    }
  }
  return o;
}
