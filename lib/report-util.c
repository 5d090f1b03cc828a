/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The small helpers under every file of the report (see
 * report-private.h): type-checked getters of the hostile inputs, the
 * strings copied from them cut to a limit, and sizes as people read
 * them.  Nothing here calls the other report files.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "report-private.h"

const char *
v2c_report_jstr (const json_t *o, const char *key)
{
  return json_string_value (json_object_get (o, key));
}

json_t *
v2c_report_string (const char *s)
{
  size_t n;

  if (s == NULL)
    return json_null ();
  n = strlen (s);
  if (n > V2C_REPORT_MAX_STRING) {
    n = V2C_REPORT_MAX_STRING;
    while (n > 0 && ((unsigned char) s[n] & 0xc0) == 0x80)
      n--;
  }
  return json_stringn (s, n);
}

void
v2c_report_human_size (long long bytes, char *buf, size_t size)
{
  static const char *const unit[]
      = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
  double v = (double) bytes;
  int u = -1;

  if (bytes < 1024) {
    snprintf (buf, size, "%lld B", bytes);
    return;
  }
  while (v >= 1024 && u < 5) {
    v /= 1024;
    u++;
  }
  snprintf (buf, size, "%.1f %s", v, unit[u]);
}

long long
v2c_report_nonneg (const json_t *o, const char *key)
{
  const json_t *v = json_object_get (o, key);

  if (!json_is_integer (v) || json_integer_value (v) < 0)
    return -1;
  return json_integer_value (v);
}

const char *
v2c_report_str (const json_t *o, const char *key)
{
  const char *s = json_string_value (json_object_get (o, key));
  return s ? s : "";
}

void
v2c_report_size_text (struct v2c_strbuf *b, const json_t *v)
{
  char h[32];

  if (!json_is_integer (v)) {
    v2c_strbuf_puts (b, "unknown");
    return;
  }
  v2c_report_human_size (json_integer_value (v), h, sizeof h);
  v2c_strbuf_puts (b, h);
}

char *
v2c_report_finish (struct v2c_strbuf *b, struct v2c_err *err)
{
  if (b->failed || b->s == NULL) {
    free (b->s);
    b->s = NULL;
    v2c_set_error (err, ENOMEM, "can't render the report");
    return NULL;
  }
  return b->s;
}
