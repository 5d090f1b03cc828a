/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The table-driven engine behind lib/model.h: a type is a table of
 * fields (JSON key, kind, where the member lives in the C struct, its
 * limits, its enumeration, its element type), read by one loader
 * (lib/model-load.c), written by one writer (lib/model-write.c) and
 * freed by one function.  Rules between fields are hooks, run before
 * or after a field is read.  Not installed.
 */
#ifndef V2C_MODEL_PRIVATE_H
#define V2C_MODEL_PRIVATE_H

#include <stddef.h>

#include "model.h"

/* Kinds of field. */
enum {
  MT_STR,   /* char * */
  MT_INT,   /* int64_t */
  MT_NINT,  /* struct v2c_nint */
  MT_BOOL,  /* int */
  MT_OBJ,   /* an embedded struct of type sub */
  MT_PTR,   /* a pointer to a struct of type sub; NULL for null */
  MT_LIST,  /* struct { T *v; size_t n; } of type sub */
  MT_STRS,  /* struct v2c_strvec */
  MT_PAIRS, /* struct v2c_pairs: a JSON object of strings */
};

/* Flags of a field: may be missing (and is not written when NULL, or,
 * in a type with a 'has' mask, when it was missing), may be null; an
 * MT_STRS whose strings may be null. */
#define MF_OPT 1
#define MF_NUL 2
#define MF_NULITEMS 4
#define MF_SKIPEMPTY 8 /* a list or strings not written when empty */

/* Checks of a string (of each string of an MT_STRS). */
enum {
  MS_ANY,
  MS_PATH,     /* v2c_model_path_problem, "path ..." */
  MS_PATTERN,  /* the same, "pattern ..." */
  MS_NONEMPTY, /* "empty" */
  MS_LABEL,    /* a DNS-1123 label */
  MS_ENUM,     /* one of enums */
};

struct model_load;
struct model_type;

struct model_field {
  const char *key;
  unsigned char kind, flags, check;
  size_t off;
  /* MT_INT, MT_NINT: the range; lists and maps: the most entries */
  int64_t min, max;
  const char *const *enums;
  const struct model_type *sub;
  /* Before the value v (NULL when missing) is read into obj. */
  int (*pre) (struct model_load *l, const void *obj, const char *where,
              const json_t *v);
  /* After it was: where is the field's path. */
  int (*post) (struct model_load *l, const void *obj, const char *where);
};

struct model_type {
  size_t size;
  const struct model_field *fields; /* ends with a NULL key */
  /* After every field was read; where is the object's path. */
  int (*post) (struct model_load *l, const void *obj, const char *where);
  /* 1 + the offset of the struct's uint64_t mask of the fields found
   * (bit i: fields[i]), or 0 when it has none. */
  size_t has;
};

/* The 'has' of a struct type T whose mask is member m. */
#define MODEL_HAS(T, m) (offsetof (T, m) + 1)

struct model_load {
  const char *doc; /* "plan", "inventory" */
  struct v2c_err *err;
};

/* The same layout for every list of the model. */
struct model_list {
  void *v;
  size_t n;
};

#define MODEL_END                                                             \
  {                                                                           \
    NULL, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL                            \
  }

/* -1 with l->err "DOC: WHERE: message" ("DOC: message" at the root). */
#define model_bad(l, where, ...)                                        \
  v2c_model_bad ((l)->err, (l)->doc, where, __VA_ARGS__)

/* Read doc (an object) into obj, a zeroed struct of type t.  0, or -1
 * with l->err set (obj is then partly filled: free it). */
int model_load_object (struct model_load *l, const struct model_type *t,
                       const json_t *doc, void *obj, const char *where);
/* A new struct of type t read from doc, the root of a document (named
 * l->doc in errors), or NULL with l->err set; model_free_doc frees it. */
void *model_load_doc (struct model_load *l, const struct model_type *t,
                      const json_t *doc);
void model_free_doc (const struct model_type *t, void *obj);
/* The three public functions of a document type: NAME_load, NAME_free
 * and NAME_to_json of struct NAME, read with table t, named doc in
 * errors. */
#define MODEL_DOCUMENT(NAME, t, doc)                                          \
  struct NAME *NAME##_load (const json_t *json, struct v2c_err *err)          \
  {                                                                           \
    struct model_load l = { doc, err };                                       \
    return model_load_doc (&l, &t, json);                                     \
  }                                                                           \
  void NAME##_free (struct NAME *obj) { model_free_doc (&t, obj); }           \
  json_t *NAME##_to_json (const struct NAME *obj)                             \
  {                                                                           \
    return model_write_object (&t, obj);                                      \
  }

/* Free what obj owns (not obj itself). */
void model_free_object (const struct model_type *t, void *obj);
/* The JSON object of obj; NULL on out of memory. */
json_t *model_write_object (const struct model_type *t, const void *obj);

#endif /* V2C_MODEL_PRIVATE_H */
