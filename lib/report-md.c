/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The report as Markdown (CommonMark with GitHub tables), and the text
 * buffer both renderers write into.  Every string of the report may
 * come from the guest: it is escaped so that it stays text, inside a
 * table cell too (pipes, backticks, newlines, HTML).
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

void
v2c_rbuf_add (struct v2c_rbuf *b, const char *s, size_t n)
{
  if (b->failed)
    return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    char *p;

    while (cap < b->len + n + 1) {
      if (cap > SIZE_MAX / 2) {
        b->failed = 1;
        return;
      }
      cap *= 2;
    }
    p = realloc (b->s, cap);
    if (p == NULL) {
      b->failed = 1;
      return;
    }
    b->s = p;
    b->cap = cap;
  }
  memcpy (b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void
v2c_rbuf_puts (struct v2c_rbuf *b, const char *s)
{
  v2c_rbuf_add (b, s, strlen (s));
}

void
v2c_rbuf_printf (struct v2c_rbuf *b, const char *fmt, ...)
{
  char small[512], *big = NULL;
  va_list ap;
  int n;

  va_start (ap, fmt);
  n = vsnprintf (small, sizeof small, fmt, ap);
  va_end (ap);
  if (n < 0) {
    b->failed = 1;
    return;
  }
  if ((size_t) n < sizeof small) {
    v2c_rbuf_add (b, small, (size_t) n);
    return;
  }
  va_start (ap, fmt);
  n = vasprintf (&big, fmt, ap);
  va_end (ap);
  if (n < 0) {
    b->failed = 1;
    return;
  }
  v2c_rbuf_add (b, big, (size_t) n);
  free (big);
}

char *
v2c_rbuf_finish (struct v2c_rbuf *b, struct v2c_err *err)
{
  if (b->failed || b->s == NULL) {
    free (b->s);
    b->s = NULL;
    v2c_set_error (err, ENOMEM, "can't render the report");
    return NULL;
  }
  return b->s;
}

static const char *
str (const json_t *o, const char *key)
{
  const char *s = json_string_value (json_object_get (o, key));
  return s ? s : "";
}

/* Text as Markdown inline text: HTML made inert with entities, the
 * characters Markdown gives a meaning escaped with a backslash, line
 * breaks and other control characters as spaces. */
static void
md (struct v2c_rbuf *b, const char *s)
{
  const char *start = s, *digits;

  /* what would start a list item or a heading at the start of a cell
   * or a list item */
  for (digits = s; digits && *digits >= '0' && *digits <= '9'; digits++)
    ;
  for (; s && *s; s++) {
    unsigned char c = (unsigned char) *s;

    if (c == '&')
      v2c_rbuf_puts (b, "&amp;");
    else if (c == '<')
      v2c_rbuf_puts (b, "&lt;");
    else if (c == '>')
      v2c_rbuf_puts (b, "&gt;");
    else if (c < 0x20 || c == 0x7f)
      v2c_rbuf_puts (b, " ");
    else if (strchr ("\\`*_[]|~#", c)
             || (s == start && (c == '-' || c == '+' || c == '='))
             || (s == digits && s != start && (c == '.' || c == ')'))) {
      char e[2] = { '\\', (char) c };
      v2c_rbuf_add (b, e, 2);
    } else
      v2c_rbuf_add (b, s, 1);
  }
}

static void
md_or (struct v2c_rbuf *b, const char *s, const char *dflt)
{
  md (b, s && *s ? s : dflt);
}

static void
size_cell (struct v2c_rbuf *b, const json_t *v)
{
  char h[32];

  if (!json_is_integer (v)) {
    v2c_rbuf_puts (b, "unknown");
    return;
  }
  v2c_report_human_size (json_integer_value (v), h, sizeof h);
  v2c_rbuf_puts (b, h);
}

static void
fitness (struct v2c_rbuf *b, const json_t *f)
{
  const json_t *r, *e;
  size_t i, j;

  v2c_rbuf_puts (b, "## Verdict\n\n**");
  md_or (b, str (f, "verdict"), "unknown");
  v2c_rbuf_printf (
      b, "** (score %lld of 100)\n\n",
      (long long) json_integer_value (json_object_get (f, "score")));
  if (json_array_size (json_object_get (f, "rules")) == 0) {
    v2c_rbuf_puts (b, "No rule fired.\n\n");
    return;
  }
  v2c_rbuf_puts (b, "## Fitness rules\n\n");
  json_array_foreach (json_object_get (f, "rules"), i, r)
  {
    v2c_rbuf_puts (b, "### ");
    md (b, str (r, "title"));
    v2c_rbuf_puts (b, "\n\n- Rule: ");
    md (b, str (r, "id"));
    v2c_rbuf_puts (b, "\n- Severity: ");
    md (b, str (r, "severity"));
    v2c_rbuf_puts (b, "\n- Advice: ");
    md (b, str (r, "advice"));
    v2c_rbuf_puts (b, "\n- Evidence:\n");
    json_array_foreach (json_object_get (r, "evidence"), j, e)
    {
      v2c_rbuf_puts (b, "  - ");
      md (b, json_string_value (e));
      v2c_rbuf_puts (b, "\n");
    }
    v2c_rbuf_puts (b, "\n");
  }
}

static void
list_cell (struct v2c_rbuf *b, const json_t *a, const char *key)
{
  const json_t *x;
  size_t i;

  if (json_array_size (a) == 0)
    v2c_rbuf_puts (b, "none");
  json_array_foreach (a, i, x)
  {
    if (i)
      v2c_rbuf_puts (b, ", ");
    if (key && strcmp (key, "port") == 0)
      v2c_rbuf_printf (
          b, "%lld/",
          (long long) json_integer_value (json_object_get (x, "port")));
    md (b, key ? str (x, strcmp (key, "port") == 0 ? "protocol" : key)
               : json_string_value (x));
  }
}

static void
components (struct v2c_rbuf *b, const json_t *report)
{
  const json_t *cs = json_object_get (report, "components"), *c;
  size_t i;

  v2c_rbuf_puts (b, "## Components\n\n");
  if (json_array_size (cs) == 0) {
    v2c_rbuf_puts (b, "No component.\n\n");
    return;
  }
  v2c_rbuf_puts (b, "| Component | Kind | Path | Reason | Ports | Depends on "
                    "|\n|---|---|---|---|---|---|\n");
  json_array_foreach (cs, i, c)
  {
    v2c_rbuf_puts (b, "| ");
    md (b, str (c, "name"));
    v2c_rbuf_puts (b, " | ");
    md (b, str (c, "kind"));
    v2c_rbuf_puts (b, " | ");
    md (b, str (c, "path"));
    v2c_rbuf_puts (b, " | ");
    md (b, str (c, "reason"));
    v2c_rbuf_puts (b, " | ");
    list_cell (b, json_object_get (c, "ports"), "port");
    v2c_rbuf_puts (b, " | ");
    list_cell (b, json_object_get (c, "depends_on"), NULL);
    v2c_rbuf_puts (b, " |\n");
  }
  v2c_rbuf_puts (b, "\n### Decomposition\n\n");
  json_array_foreach (cs, i, c)
  {
    const json_t *vols = json_object_get (c, "volumes"), *v;
    size_t j;

    v2c_rbuf_puts (b, "- ");
    md (b, str (c, "name"));
    if (json_array_size (json_object_get (c, "depends_on"))) {
      v2c_rbuf_puts (b, " → ");
      list_cell (b, json_object_get (c, "depends_on"), NULL);
    }
    json_array_foreach (vols, j, v)
    {
      if (strcmp (str (v, "kind"), "pvc") != 0)
        continue;
      v2c_rbuf_puts (b, "; volume ");
      md (b, str (v, "name"));
      v2c_rbuf_puts (b, " at ");
      md (b, str (v, "mount_path"));
    }
    v2c_rbuf_puts (b, "\n");
  }
  v2c_rbuf_puts (b, "\n");
}

static void
tables (struct v2c_rbuf *b, const json_t *report)
{
  const json_t *x, *img = json_object_get (report, "image");
  size_t i;

  v2c_rbuf_puts (b, "## Image layers\n\n");
  if (json_is_object (img)) {
    v2c_rbuf_puts (b, "Manifest: ");
    md (b, str (img, "manifest"));
    v2c_rbuf_puts (b, "\n\n");
  }
  if (json_array_size (json_object_get (report, "layers")) == 0)
    v2c_rbuf_puts (b, "No layer.\n\n");
  else
    v2c_rbuf_puts (b, "| Layer | Digest | Size |\n|---|---|---|\n");
  json_array_foreach (json_object_get (report, "layers"), i, x)
  {
    v2c_rbuf_puts (b, "| ");
    md (b, str (x, "name"));
    v2c_rbuf_puts (b, " | ");
    md_or (b, str (x, "digest"), "not built");
    v2c_rbuf_puts (b, " | ");
    size_cell (b, json_object_get (x, "size"));
    v2c_rbuf_puts (b, " |\n");
  }
  v2c_rbuf_puts (b, "\n## Data to migrate\n\n");
  if (json_array_size (json_object_get (report, "volumes")) == 0)
    v2c_rbuf_puts (b, "No data directory.\n\n");
  else
    v2c_rbuf_puts (b, "| Component | Volume | Mount path | Used | How |\n"
                      "|---|---|---|---|---|\n");
  json_array_foreach (json_object_get (report, "volumes"), i, x)
  {
    v2c_rbuf_puts (b, "| ");
    md_or (b, str (x, "component"), "none");
    v2c_rbuf_puts (b, " | ");
    md_or (b, str (x, "name"), "none");
    v2c_rbuf_puts (b, " | ");
    md (b, str (x, "mount_path"));
    v2c_rbuf_puts (b, " | ");
    size_cell (b, json_object_get (x, "size_bytes"));
    v2c_rbuf_puts (b, " | ");
    md (b, str (x, "migrate"));
    v2c_rbuf_puts (b, " |\n");
  }
  v2c_rbuf_puts (b, "\n## Secrets\n\n");
  if (json_array_size (json_object_get (report, "secrets")) == 0)
    v2c_rbuf_puts (b, "No secret found.\n\n");
  else
    v2c_rbuf_puts (b, "Left out of the image; re-create them as Kubernetes "
                      "Secrets.\n\n| Path | Kind |\n|---|---|\n");
  json_array_foreach (json_object_get (report, "secrets"), i, x)
  {
    v2c_rbuf_puts (b, "| ");
    md (b, str (x, "path"));
    v2c_rbuf_puts (b, " | ");
    md (b, str (x, "kind"));
    v2c_rbuf_puts (b, " |\n");
  }
  v2c_rbuf_puts (b, "\n## Dropped services\n\n");
  if (json_array_size (json_object_get (report, "dropped")) == 0)
    v2c_rbuf_puts (b, "None.\n\n");
  else
    v2c_rbuf_puts (b, "| Name | Reason |\n|---|---|\n");
  json_array_foreach (json_object_get (report, "dropped"), i, x)
  {
    v2c_rbuf_puts (b, "| ");
    md (b, str (x, "name"));
    v2c_rbuf_puts (b, " | ");
    md (b, str (x, "reason"));
    v2c_rbuf_puts (b, " |\n");
  }
}

char *
v2c_report_markdown (const json_t *report, struct v2c_err *err)
{
  struct v2c_rbuf b = { NULL, 0, 0, 0 };
  const json_t *vm = json_object_get (report, "vm");
  const json_t *sz = json_object_get (report, "sizing"), *n;
  size_t i;

  if (!json_is_object (report)) {
    v2c_set_error (err, 0, "report: expected a JSON object");
    return NULL;
  }
  v2c_rbuf_puts (&b, "# v2c report: ");
  md_or (&b, str (vm, "name"), "unnamed VM");
  v2c_rbuf_puts (&b, "\n\n| VM | |\n|---|---|\n| Name | ");
  md_or (&b, str (vm, "name"), "unknown");
  v2c_rbuf_puts (&b, " |\n| OS | ");
  md_or (&b, str (vm, "os"), "unknown");
  v2c_rbuf_puts (&b, " |\n| Hostname | ");
  md_or (&b, str (vm, "hostname"), "unknown");
  v2c_rbuf_puts (&b, " |\n| Source | ");
  md_or (&b, str (vm, "source"), "unknown");
  v2c_rbuf_puts (&b, " |\n\n");
  fitness (&b, json_object_get (report, "fitness"));
  components (&b, report);
  tables (&b, report);
  v2c_rbuf_puts (&b, "\n## Sizing\n\n| | |\n|---|---|\n| vCPUs | ");
  if (json_is_integer (json_object_get (sz, "cpus")))
    v2c_rbuf_printf (
        &b, "%lld",
        (long long) json_integer_value (json_object_get (sz, "cpus")));
  else
    v2c_rbuf_puts (&b, "unknown");
  v2c_rbuf_puts (&b, " |\n| Memory | ");
  if (json_is_integer (json_object_get (sz, "memory_mib")))
    v2c_rbuf_printf (
        &b, "%lld MiB",
        (long long) json_integer_value (json_object_get (sz, "memory_mib")));
  else
    v2c_rbuf_puts (&b, "unknown");
  v2c_rbuf_puts (&b, " |\n| Disks | ");
  size_cell (&b, json_object_get (sz, "disk_bytes"));
  v2c_rbuf_puts (&b, " |\n| Used on filesystems | ");
  size_cell (&b, json_object_get (sz, "used_bytes"));
  v2c_rbuf_puts (&b, " |\n| Data directories | ");
  size_cell (&b, json_object_get (sz, "data_bytes"));
  v2c_rbuf_puts (&b, " |\n");
  if (json_array_size (json_object_get (report, "notes"))) {
    v2c_rbuf_puts (&b, "\n## Notes\n\n");
    json_array_foreach (json_object_get (report, "notes"), i, n)
    {
      v2c_rbuf_puts (&b, "- ");
      md (&b, json_string_value (n));
      v2c_rbuf_puts (&b, "\n");
    }
  }
  return v2c_rbuf_finish (&b, err);
}
