/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * JSON trees as YAML and back (see v2c-yaml.h).  libyaml does the syntax;
 * this file decides the style of each scalar and the type of each plain
 * scalar it reads.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "strbuf.h"
#include "v2c-yaml.h"

/* ------------------------------------------------------------------ */
/* Writing                                                             */

static int
emit_write (void *data, unsigned char *buffer, size_t size)
{
  return v2c_strbuf_add (data, buffer, size) == 0;
}

/* Words that some YAML 1.1 or 1.2 resolver reads as a null, a boolean, a
 * special float, a merge key or a value key (compared without case). */
static const char *const special_words[]
    = { "y", "n",  "yes", "no",   "on",    "off",   "true", "false", "null",
        "~", "<<", "=",   ".inf", "-.inf", "+.inf", ".nan", NULL };

static int
is_numberish_char (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
         || (c >= 'A' && c <= 'F') || strchr ("xXoO_.:+-", c) != NULL;
}

int
v2c_yaml_needs_quotes (const char *s, size_t len)
{
  char low[8];
  size_t i;
  int all_numberish = 1;

  if (len == 0)
    return 1;
  if (len < sizeof low) {
    for (i = 0; i < len; i++)
      low[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char) (s[i] - 'A' + 'a') : s[i];
    low[len] = '\0';
    if (strlen (low) == len)
      for (i = 0; special_words[i]; i++)
        if (strcmp (low, special_words[i]) == 0)
          return 1;
  }
  /* An indicator at the start: sequence entry, mapping key or value,
   * flow collection, comment, anchor, alias, tag, block scalar,
   * quotes, directive, reserved. */
  if (strchr ("-?:,[]{}#&*!|>'\"%@`", s[0]) != NULL)
    return 1;
  if (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t'
      || s[len - 1] == ':')
    return 1;
  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char) s[i];

    if (c < 0x20 && c != '\n')
      return 1;
    if (c == 0x7f)
      return 1;
    if (c == ':' && i + 1 < len && (s[i + 1] == ' ' || s[i + 1] == '\t'))
      return 1;
    if (c == '#' && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
      return 1;
    /* NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR are line breaks to YAML
     * 1.1, and a BOM anywhere is suspect. */
    if (c == 0xc2 && i + 1 < len && (unsigned char) s[i + 1] == 0x85)
      return 1;
    if (c == 0xe2 && i + 2 < len && (unsigned char) s[i + 1] == 0x80
        && ((unsigned char) s[i + 2] == 0xa8
            || (unsigned char) s[i + 2] == 0xa9))
      return 1;
    if (c == 0xef && i + 2 < len && (unsigned char) s[i + 1] == 0xbb
        && (unsigned char) s[i + 2] == 0xbf)
      return 1;
    if (!is_numberish_char ((char) c))
      all_numberish = 0;
  }
  /* Integers (decimal, octal, hex, binary, with '_'), floats,
   * sexagesimal numbers (YAML 1.1) and dates: anything that starts like
   * a number and stays within their alphabet. */
  if (((s[0] >= '0' && s[0] <= '9') || s[0] == '+' || s[0] == '.')
      && all_numberish)
    return 1;
  /* Timestamps with a time part ("2001-12-14 21:59:43", "...T..."). */
  if (len >= 8 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9'
      && s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9'
      && s[4] == '-')
    return 1;
  return 0;
}

static int
emit (yaml_emitter_t *em, yaml_event_t *ev, struct v2c_err *err)
{
  if (!yaml_emitter_emit (em, ev)) {
    v2c_set_error (err, 0, "can't write YAML: %s",
                   em->problem ? em->problem : "out of memory");
    return -1;
  }
  return 0;
}

static int
emit_scalar (yaml_emitter_t *em, const char *s, size_t len, int is_string,
             struct v2c_err *err)
{
  yaml_event_t ev;
  yaml_scalar_style_t style = YAML_PLAIN_SCALAR_STYLE;

  if (len > INT_MAX) {
    v2c_set_error (err, 0, "can't write YAML: a string of %zu bytes", len);
    return -1;
  }
  if (is_string) {
    if (memchr (s, '\n', len) != NULL)
      style = YAML_LITERAL_SCALAR_STYLE;
    else if (v2c_yaml_needs_quotes (s, len))
      style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
  }
  /* A plain scalar is implicit only when it is what the reader would
   * resolve it to; a quoted or block one is always a string. */
  if (!yaml_scalar_event_initialize (
          &ev, NULL, NULL, (yaml_char_t *) (uintptr_t) s, (int) len,
          style == YAML_PLAIN_SCALAR_STYLE, is_string, style)) {
    v2c_set_error (err, ENOMEM, "can't write YAML");
    return -1;
  }
  return emit (em, &ev, err);
}

static int
emit_node (yaml_emitter_t *em, const json_t *j, int depth, struct v2c_err *err)
{
  yaml_event_t ev;
  char num[64];

  if (depth > V2C_YAML_MAX_DEPTH * 4) {
    v2c_set_error (err, 0, "can't write YAML: nested too deeply");
    return -1;
  }
  switch (json_typeof (j)) {
  case JSON_OBJECT: {
    const char *key;
    json_t *v;

    yaml_mapping_start_event_initialize (&ev, NULL, NULL, 1,
                                         YAML_BLOCK_MAPPING_STYLE);
    if (emit (em, &ev, err) == -1)
      return -1;
    json_object_foreach ((json_t *) j, key, v)
    {
      if (emit_scalar (em, key, strlen (key), 1, err) == -1
          || emit_node (em, v, depth + 1, err) == -1)
        return -1;
    }
    yaml_mapping_end_event_initialize (&ev);
    return emit (em, &ev, err);
  }
  case JSON_ARRAY: {
    size_t i;
    json_t *v;

    yaml_sequence_start_event_initialize (&ev, NULL, NULL, 1,
                                          YAML_BLOCK_SEQUENCE_STYLE);
    if (emit (em, &ev, err) == -1)
      return -1;
    json_array_foreach ((json_t *) j, i, v)
    {
      if (emit_node (em, v, depth + 1, err) == -1)
        return -1;
    }
    yaml_sequence_end_event_initialize (&ev);
    return emit (em, &ev, err);
  }
  case JSON_STRING:
    return emit_scalar (em, json_string_value (j), json_string_length (j), 1,
                        err);
  case JSON_INTEGER:
    snprintf (num, sizeof num, "%" JSON_INTEGER_FORMAT,
              json_integer_value (j));
    return emit_scalar (em, num, strlen (num), 0, err);
  case JSON_REAL: {
    char *e;

    snprintf (num, sizeof num - 3, "%.17g", json_real_value (j));
    /* Keep it a float for every reader: "1" -> "1.0", "1e+300" ->
     * "1.0e+300". */
    if (strchr (num, '.') == NULL) {
      e = strchr (num, 'e');
      if (e) {
        memmove (e + 2, e, strlen (e) + 1);
        e[0] = '.';
        e[1] = '0';
      } else
        strcat (num, ".0");
    }
    return emit_scalar (em, num, strlen (num), 0, err);
  }
  case JSON_TRUE:
    return emit_scalar (em, "true", 4, 0, err);
  case JSON_FALSE:
    return emit_scalar (em, "false", 5, 0, err);
  case JSON_NULL:
  default:
    return emit_scalar (em, "null", 4, 0, err);
  }
}

static int
add_comment (struct v2c_strbuf *o, const char *comment)
{
  const char *p = comment;

  while (*p) {
    const char *nl = strchr (p, '\n');
    size_t n = nl ? (size_t) (nl - p) : strlen (p), i;

    if (v2c_strbuf_add (o, n ? "# " : "#", n ? 2 : 1) == -1)
      return -1;
    for (i = 0; i < n; i++) {
      unsigned char c = (unsigned char) p[i];
      char r = (c < 0x20 || c == 0x7f) ? '?' : (char) c;

      /* NEL, LS and PS would end the comment for some readers */
      if ((c == 0xc2 && i + 1 < n && (unsigned char) p[i + 1] == 0x85)
          || (c == 0xe2 && i + 2 < n && (unsigned char) p[i + 1] == 0x80
              && ((unsigned char) p[i + 2] & 0xfe) == 0xa8)) {
        if (v2c_strbuf_add (o, "?", 1) == -1)
          return -1;
        i += c == 0xc2 ? 1 : 2;
        continue;
      }
      if (v2c_strbuf_add (o, &r, 1) == -1)
        return -1;
    }
    if (v2c_strbuf_add (o, "\n", 1) == -1)
      return -1;
    if (nl == NULL)
      break;
    p = nl + 1;
  }
  return 0;
}

char *
v2c_yaml_dump (const json_t *doc, const char *comment, size_t *lenp,
               struct v2c_err *err)
{
  struct v2c_strbuf o = V2C_STRBUF_INIT;
  yaml_emitter_t em;
  yaml_event_t ev;
  int ok = 0;

  if (doc == NULL) {
    v2c_set_error (err, EINVAL, "can't write YAML: no document");
    return NULL;
  }
  if (comment && *comment && add_comment (&o, comment) == -1) {
    free (o.s);
    v2c_set_error (err, ENOMEM, "can't write YAML");
    return NULL;
  }
  if (!yaml_emitter_initialize (&em)) {
    free (o.s);
    v2c_set_error (err, ENOMEM, "can't write YAML");
    return NULL;
  }
  yaml_emitter_set_output (&em, emit_write, &o);
  yaml_emitter_set_unicode (&em, 1);
  yaml_emitter_set_indent (&em, 2);
  /* never fold long lines */
  yaml_emitter_set_width (&em, -1);
  yaml_emitter_set_break (&em, YAML_LN_BREAK);

  yaml_stream_start_event_initialize (&ev, YAML_UTF8_ENCODING);
  if (emit (&em, &ev, err) == -1)
    goto out;
  yaml_document_start_event_initialize (&ev, NULL, NULL, NULL, 1);
  if (emit (&em, &ev, err) == -1)
    goto out;
  if (emit_node (&em, doc, 0, err) == -1)
    goto out;
  yaml_document_end_event_initialize (&ev, 1);
  if (emit (&em, &ev, err) == -1)
    goto out;
  yaml_stream_end_event_initialize (&ev);
  if (emit (&em, &ev, err) == -1)
    goto out;
  if (!yaml_emitter_flush (&em) || o.failed) {
    v2c_set_error (err, ENOMEM, "can't write YAML");
    goto out;
  }
  ok = 1;
out:
  yaml_emitter_delete (&em);
  if (!ok || o.failed) {
    if (ok)
      v2c_set_error (err, ENOMEM, "can't write YAML");
    free (o.s);
    return NULL;
  }
  if (o.s == NULL && (o.s = calloc (1, 1)) == NULL) {
    v2c_set_error (err, ENOMEM, "can't write YAML");
    return NULL;
  }
  if (lenp)
    *lenp = o.len;
  return o.s;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */

struct reader {
  yaml_parser_t parser;
  const char *name;
  size_t nodes;
  struct v2c_err *err;
};

static int
read_error (struct reader *r, const yaml_mark_t *mark, const char *what)
{
  return v2c_set_error (r->err, 0, "%s: line %zu column %zu: %s", r->name,
                        mark->line + 1, mark->column + 1, what);
}

static int
next_event (struct reader *r, yaml_event_t *ev)
{
  if (!yaml_parser_parse (&r->parser, ev)) {
    yaml_mark_t m = r->parser.problem_mark;
    char what[256];

    snprintf (what, sizeof what, "%s%s%s",
              r->parser.problem ? r->parser.problem : "invalid YAML",
              r->parser.context ? " " : "",
              r->parser.context ? r->parser.context : "");
    return read_error (r, &m, what);
  }
  if (++r->nodes > V2C_YAML_MAX_NODES) {
    yaml_event_delete (ev);
    return v2c_set_error (r->err, 0, "%s: more than %u YAML nodes", r->name,
                          V2C_YAML_MAX_NODES);
  }
  return 0;
}

static int
all_digits (const char *s, size_t n, int base)
{
  size_t i;

  if (n == 0)
    return 0;
  for (i = 0; i < n; i++) {
    char c = s[i];
    int ok = base == 8    ? (c >= '0' && c <= '7')
             : base == 16 ? ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
                             || (c >= 'A' && c <= 'F'))
                          : (c >= '0' && c <= '9');
    if (!ok)
      return 0;
  }
  return 1;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static int
is_core_float (const char *s, size_t n)
{
  size_t i = 0, d = 0;

  if (i < n && (s[i] == '-' || s[i] == '+'))
    i++;
  while (i < n && s[i] >= '0' && s[i] <= '9') {
    i++;
    d++;
  }
  if (i < n && s[i] == '.') {
    size_t f = 0;

    i++;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      i++;
      f++;
    }
    if (d == 0 && f == 0)
      return 0;
  } else if (d == 0)
    return 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    size_t e = 0;

    i++;
    if (i < n && (s[i] == '-' || s[i] == '+'))
      i++;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      i++;
      e++;
    }
    if (e == 0)
      return 0;
  }
  return i == n;
}

/* The YAML 1.2 core schema's reading of a plain scalar.  Integers that
 * do not fit and floats that overflow stay strings. */
static json_t *
resolve_plain (const char *s, size_t n)
{
  char tmp[128];

  if (n == 0 || (n == 1 && s[0] == '~')
      || (n == 4
          && (memcmp (s, "null", 4) == 0 || memcmp (s, "Null", 4) == 0
              || memcmp (s, "NULL", 4) == 0)))
    return json_null ();
  if (n == 4
      && (memcmp (s, "true", 4) == 0 || memcmp (s, "True", 4) == 0
          || memcmp (s, "TRUE", 4) == 0))
    return json_true ();
  if (n == 5
      && (memcmp (s, "false", 5) == 0 || memcmp (s, "False", 5) == 0
          || memcmp (s, "FALSE", 5) == 0))
    return json_false ();
  if (n < sizeof tmp) {
    size_t start = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    int base = 0;

    memcpy (tmp, s, n);
    tmp[n] = '\0';
    if (all_digits (s + start, n - start, 10))
      base = 10;
    else if (n > 2 && s[0] == '0' && s[1] == 'o'
             && all_digits (s + 2, n - 2, 8))
      base = 8;
    else if (n > 2 && s[0] == '0' && s[1] == 'x'
             && all_digits (s + 2, n - 2, 16))
      base = 16;
    if (base) {
      long long v;
      char *end;

      errno = 0;
      v = strtoll (base == 10 ? tmp : tmp + 2, &end, base);
      if (errno == 0 && *end == '\0')
        return json_integer ((json_int_t) v);
      return json_stringn (s, n);
    }
    if (is_core_float (s, n)) {
      double d;
      char *end;

      errno = 0;
      d = strtod (tmp, &end);
      if (errno == 0 && *end == '\0')
        return json_real (d);
    }
  }
  return json_stringn (s, n);
}

#define TAG_PREFIX "tag:yaml.org,2002:"

static json_t *load_node (struct reader *r, yaml_event_t *ev, int depth);

static json_t *
load_scalar (struct reader *r, yaml_event_t *ev)
{
  const char *s = (const char *) ev->data.scalar.value;
  size_t n = ev->data.scalar.length;
  const char *tag = (const char *) ev->data.scalar.tag;
  json_t *j;

  if (tag && strcmp (tag, "!") != 0 && strcmp (tag, TAG_PREFIX "str") != 0
      && strcmp (tag, TAG_PREFIX "int") != 0
      && strcmp (tag, TAG_PREFIX "float") != 0
      && strcmp (tag, TAG_PREFIX "bool") != 0
      && strcmp (tag, TAG_PREFIX "null") != 0) {
    read_error (r, &ev->start_mark, "unsupported tag");
    return NULL;
  }
  if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE
      || (tag
          && (strcmp (tag, "!") == 0 || strcmp (tag, TAG_PREFIX "str") == 0)))
    j = json_stringn (s, n);
  else
    j = resolve_plain (s, n);
  if (j == NULL) {
    read_error (r, &ev->start_mark, "not valid UTF-8 or out of memory");
    return NULL;
  }
  if (tag && strncmp (tag, TAG_PREFIX, strlen (TAG_PREFIX)) == 0) {
    const char *t = tag + strlen (TAG_PREFIX);
    int ok = strcmp (t, "str") == 0     ? json_is_string (j)
             : strcmp (t, "int") == 0   ? json_is_integer (j)
             : strcmp (t, "float") == 0 ? json_is_number (j)
             : strcmp (t, "bool") == 0  ? json_is_boolean (j)
                                        : json_is_null (j);
    if (!ok) {
      json_decref (j);
      read_error (r, &ev->start_mark, "the value does not match its tag");
      return NULL;
    }
  }
  return j;
}

static json_t *
load_mapping (struct reader *r, yaml_event_t *start, int depth)
{
  json_t *obj = json_object ();
  yaml_event_t ev;

  (void) start;
  if (obj == NULL) {
    v2c_set_error (r->err, ENOMEM, "%s: out of memory", r->name);
    return NULL;
  }
  for (;;) {
    json_t *val;
    char *key;

    if (next_event (r, &ev) == -1)
      goto fail;
    if (ev.type == YAML_MAPPING_END_EVENT) {
      yaml_event_delete (&ev);
      return obj;
    }
    if (ev.type != YAML_SCALAR_EVENT) {
      read_error (r, &ev.start_mark,
                  ev.type == YAML_ALIAS_EVENT
                      ? "aliases are not supported"
                      : "a mapping key must be a scalar");
      yaml_event_delete (&ev);
      goto fail;
    }
    if (memchr (ev.data.scalar.value, '\0', ev.data.scalar.length) != NULL) {
      read_error (r, &ev.start_mark, "a mapping key holds a NUL byte");
      yaml_event_delete (&ev);
      goto fail;
    }
    key = strndup ((const char *) ev.data.scalar.value, ev.data.scalar.length);
    if (key == NULL) {
      v2c_set_error (r->err, ENOMEM, "%s: out of memory", r->name);
      yaml_event_delete (&ev);
      goto fail;
    }
    if (json_object_get (obj, key) != NULL) {
      char what[160];

      snprintf (what, sizeof what, "duplicate key '%.100s'", key);
      read_error (r, &ev.start_mark, what);
      free (key);
      yaml_event_delete (&ev);
      goto fail;
    }
    yaml_event_delete (&ev);
    if (next_event (r, &ev) == -1) {
      free (key);
      goto fail;
    }
    val = load_node (r, &ev, depth + 1);
    yaml_event_delete (&ev);
    if (val == NULL) {
      free (key);
      goto fail;
    }
    if (json_object_set_new (obj, key, val) == -1) {
      v2c_set_error (r->err, 0, "%s: key '%.100s' is not valid UTF-8", r->name,
                     key);
      free (key);
      goto fail;
    }
    free (key);
  }
fail:
  json_decref (obj);
  return NULL;
}

static json_t *
load_sequence (struct reader *r, int depth)
{
  json_t *arr = json_array ();
  yaml_event_t ev;

  if (arr == NULL) {
    v2c_set_error (r->err, ENOMEM, "%s: out of memory", r->name);
    return NULL;
  }
  for (;;) {
    json_t *val;

    if (next_event (r, &ev) == -1)
      goto fail;
    if (ev.type == YAML_SEQUENCE_END_EVENT) {
      yaml_event_delete (&ev);
      return arr;
    }
    val = load_node (r, &ev, depth + 1);
    yaml_event_delete (&ev);
    if (val == NULL || json_array_append_new (arr, val) == -1) {
      if (val)
        v2c_set_error (r->err, ENOMEM, "%s: out of memory", r->name);
      goto fail;
    }
  }
fail:
  json_decref (arr);
  return NULL;
}

static json_t *
load_node (struct reader *r, yaml_event_t *ev, int depth)
{
  const char *tag = NULL;

  if (depth > V2C_YAML_MAX_DEPTH) {
    read_error (r, &ev->start_mark, "nested too deeply");
    return NULL;
  }
  switch (ev->type) {
  case YAML_SCALAR_EVENT:
    return load_scalar (r, ev);
  case YAML_MAPPING_START_EVENT:
    tag = (const char *) ev->data.mapping_start.tag;
    if (tag && strcmp (tag, TAG_PREFIX "map") != 0) {
      read_error (r, &ev->start_mark, "unsupported tag");
      return NULL;
    }
    return load_mapping (r, ev, depth);
  case YAML_SEQUENCE_START_EVENT:
    tag = (const char *) ev->data.sequence_start.tag;
    if (tag && strcmp (tag, TAG_PREFIX "seq") != 0) {
      read_error (r, &ev->start_mark, "unsupported tag");
      return NULL;
    }
    return load_sequence (r, depth);
  case YAML_ALIAS_EVENT:
    read_error (r, &ev->start_mark, "aliases are not supported");
    return NULL;
  default:
    read_error (r, &ev->start_mark, "unexpected YAML event");
    return NULL;
  }
}

json_t *
v2c_yaml_load (const char *buf, size_t len, const char *name,
               struct v2c_err *err)
{
  struct reader r;
  yaml_event_t ev;
  json_t *doc = NULL;

  if (name == NULL)
    name = "YAML";
  if (len > V2C_YAML_MAX_BYTES) {
    v2c_set_error (err, 0, "%s: larger than %u bytes", name,
                   V2C_YAML_MAX_BYTES);
    return NULL;
  }
  memset (&r, 0, sizeof r);
  r.name = name;
  r.err = err;
  if (!yaml_parser_initialize (&r.parser)) {
    v2c_set_error (err, ENOMEM, "%s: out of memory", name);
    return NULL;
  }
  yaml_parser_set_input_string (&r.parser, (const unsigned char *) buf, len);

  if (next_event (&r, &ev) == -1)
    goto out;
  if (ev.type != YAML_STREAM_START_EVENT) {
    read_error (&r, &ev.start_mark, "no YAML stream");
    yaml_event_delete (&ev);
    goto out;
  }
  yaml_event_delete (&ev);
  if (next_event (&r, &ev) == -1)
    goto out;
  if (ev.type == YAML_STREAM_END_EVENT) {
    yaml_event_delete (&ev);
    doc = json_null ();
    goto out;
  }
  yaml_event_delete (&ev);
  if (next_event (&r, &ev) == -1)
    goto out;
  doc = load_node (&r, &ev, 0);
  yaml_event_delete (&ev);
  if (doc == NULL)
    goto out;
  /* document end, then the stream must end */
  if (next_event (&r, &ev) == -1)
    goto fail;
  yaml_event_delete (&ev);
  if (next_event (&r, &ev) == -1)
    goto fail;
  if (ev.type != YAML_STREAM_END_EVENT) {
    read_error (&r, &ev.start_mark, "more than one YAML document");
    yaml_event_delete (&ev);
    goto fail;
  }
  yaml_event_delete (&ev);
  goto out;
fail:
  json_decref (doc);
  doc = NULL;
out:
  yaml_parser_delete (&r.parser);
  return doc;
}

json_t *
v2c_yaml_load_file (const char *path, struct v2c_err *err)
{
  size_t len;
  char *buf = v2c_read_file (path, V2C_YAML_MAX_BYTES, &len, err);
  json_t *doc;

  if (buf == NULL)
    return NULL;
  doc = v2c_yaml_load (buf, len, path, err);
  free (buf);
  return doc;
}
