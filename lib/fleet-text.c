/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The fleet summary as CSV and HTML: see lib/fleet.h.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fleet.h"
#include "strbuf.h"

static const char *
str_of (const json_t *o, const char *key)
{
  return json_string_value (json_object_get (o, key));
}

/* The fleet's texts are written into a v2c_strbuf: the first failure
 * sticks, and is reported once at the end. */
static char *
out_close (struct v2c_strbuf *o, size_t *lenp, struct v2c_err *err)
{
  if (o->failed || (o->s == NULL && v2c_strbuf_add (o, "", 0) == -1)) {
    v2c_strbuf_release (o);
    v2c_set_error (err, ENOMEM, "can't write the fleet summary");
    return NULL;
  }
  if (lenp)
    *lenp = o->len;
  return o->s;
}

static void
csv_field (struct v2c_strbuf *f, const char *s, int last)
{
  if (s == NULL)
    s = "";
  if (strpbrk (s, ",\"\r\n") == NULL)
    v2c_strbuf_puts (f, s);
  else {
    v2c_strbuf_addc (f, '"');
    for (; *s; s++) {
      if (*s == '"')
        v2c_strbuf_addc (f, '"');
      v2c_strbuf_addc (f, *s);
    }
    v2c_strbuf_addc (f, '"');
  }
  v2c_strbuf_puts (f, last ? "\r\n" : ",");
}

static void
csv_int (struct v2c_strbuf *f, const json_t *v, int last)
{
  if (json_is_integer (v))
    v2c_strbuf_printf (f, "%" JSON_INTEGER_FORMAT, json_integer_value (v));
  v2c_strbuf_puts (f, last ? "\r\n" : ",");
}

/* "a;b;c" of the strings of an array (or of member key of its objects),
 * each with its member val when val is not NULL: "name=size". */
static char *
joined (const json_t *arr, const char *key, const char *val)
{
  struct v2c_strbuf o = V2C_STRBUF_INIT;
  const json_t *v;
  size_t i;
  int first = 1;

  json_array_foreach (arr, i, v)
  {
    const char *s = key ? str_of (v, key) : json_string_value (v);
    const json_t *n = val ? json_object_get (v, val) : NULL;

    if (s == NULL)
      continue;
    v2c_strbuf_printf (&o, "%s%s", first ? "" : ";", s);
    if (json_is_integer (n))
      v2c_strbuf_printf (&o, "=%" JSON_INTEGER_FORMAT, json_integer_value (n));
    first = 0;
  }
  return out_close (&o, NULL, NULL);
}

static char *
os_text (const json_t *os)
{
  const char *p = str_of (os, "product_name"), *d = str_of (os, "distro"),
             *v = str_of (os, "version");
  char *s = NULL;

  if (p)
    return strdup (p);
  if (d == NULL)
    return strdup ("");
  if (asprintf (&s, "%s%s%s", d, v ? " " : "", v ? v : "") == -1)
    return NULL;
  return s;
}

/* The columns of the VM table: CSV has them all, HTML those with an
 * HTML title. */
enum col_kind {
  COL_TEXT,       /* string member key */
  COL_STATUS,     /* string member key, also its HTML class */
  COL_INT,        /* integer member key */
  COL_BYTES,      /* integer member key, a size in bytes */
  COL_SECONDS,    /* number member key, in seconds */
  COL_OS,         /* os_text of the member os */
  COL_COMPONENTS, /* the member components, joined */
  COL_VOLUMES,    /* the member volumes, joined with their sizes */
};

struct column {
  const char *csv, *html;
  enum col_kind kind;
  /* a member of the hardware object rather than of the VM */
  int hw;
  const char *key;
  /* HTML class of the cell, or NULL */
  const char *cls;
};

static const struct column columns[] = {
  { "name", "VM", COL_TEXT, 0, "name", NULL },
  { "status", "status", COL_STATUS, 0, "status", NULL },
  { "source", "source", COL_TEXT, 0, "source", NULL },
  { "os", "OS", COL_OS, 0, "os", NULL },
  { "guest_os_id", NULL, COL_TEXT, 1, "guest_os_id", NULL },
  { "cpus", "vCPUs", COL_INT, 1, "cpus", NULL },
  { "memory_mib", "memory MiB", COL_INT, 1, "memory_mib", NULL },
  { "disk_capacity_bytes", "disks", COL_BYTES, 1, "disk_capacity_bytes",
    NULL },
  { "verdict", "verdict", COL_TEXT, 0, "verdict", NULL },
  { "components_count", NULL, COL_INT, 0, "components_count", NULL },
  { "components", "components", COL_COMPONENTS, 0, "components", NULL },
  { "image_bytes", "image", COL_BYTES, 0, "image_bytes", NULL },
  { "volumes", "volumes", COL_VOLUMES, 0, "volumes", NULL },
  { "volume_bytes", NULL, COL_INT, 0, "volume_bytes", NULL },
  { "secrets_count", "secrets", COL_INT, 0, "secrets_count", NULL },
  { "duration_s", "duration s", COL_SECONDS, 0, "duration_s", NULL },
  { "max_rss_kib", NULL, COL_INT, 0, "max_rss_kib", NULL },
  { "error", "error", COL_TEXT, 0, "error", "err" },
};

#define NCOLUMNS (sizeof columns / sizeof columns[0])

/* The texts of a VM's row made from more than one member; NULL when out
 * of memory (the row is written on, the summary then refused). */
struct vm_texts {
  char *os, *components, *volumes;
};

static int
vm_texts_make (struct vm_texts *t, const json_t *vm)
{
  t->os = os_text (json_object_get (vm, "os"));
  t->components = joined (json_object_get (vm, "components"), NULL, NULL);
  t->volumes = joined (json_object_get (vm, "volumes"), "name", "size_bytes");
  return t->os && t->components && t->volumes ? 0 : -1;
}

static void
vm_texts_free (struct vm_texts *t)
{
  free (t->os);
  free (t->components);
  free (t->volumes);
}

/* The text of a column of a text kind (not a number). */
static const char *
column_text (const struct column *c, const json_t *obj,
             const struct vm_texts *t)
{
  switch (c->kind) {
  case COL_OS:
    return t->os;
  case COL_COMPONENTS:
    return t->components;
  case COL_VOLUMES:
    return t->volumes;
  default:
    return str_of (obj, c->key);
  }
}

/* The fleet as text: head, row for each VM, then tail (when not NULL).
 * What CSV and HTML share: the buffer, the per-VM texts, the errors. */
static char *
fleet_text (const json_t *fleet, size_t *lenp, struct v2c_err *err,
            void (*head) (struct v2c_strbuf *, const json_t *),
            void (*row) (struct v2c_strbuf *, const json_t *,
                         const struct vm_texts *),
            void (*tail) (struct v2c_strbuf *, const json_t *))
{
  struct v2c_strbuf o = V2C_STRBUF_INIT;
  struct vm_texts t;
  const json_t *vm;
  size_t i;
  int oom = 0;
  char *text;

  head (&o, fleet);
  json_array_foreach (json_object_get (fleet, "vms"), i, vm)
  {
    if (vm_texts_make (&t, vm) == -1)
      oom = 1;
    row (&o, vm, &t);
    vm_texts_free (&t);
  }
  if (tail)
    tail (&o, fleet);
  text = out_close (&o, lenp, err);
  if (text && oom) {
    free (text);
    v2c_set_error (err, ENOMEM, "can't write the fleet summary");
    return NULL;
  }
  return text;
}

static void
csv_head (struct v2c_strbuf *f, const json_t *fleet)
{
  size_t i;

  for (i = 0; i < NCOLUMNS; i++)
    v2c_strbuf_printf (f, "%s%s", columns[i].csv,
                       i + 1 < NCOLUMNS ? "," : "\r\n");
}

static void
csv_row (struct v2c_strbuf *f, const json_t *vm, const struct vm_texts *t)
{
  const json_t *hw = json_object_get (vm, "hardware");
  size_t i;

  for (i = 0; i < NCOLUMNS; i++) {
    const struct column *c = &columns[i];
    const json_t *obj = c->hw ? hw : vm;
    int last = i + 1 == NCOLUMNS;

    switch (c->kind) {
    case COL_INT:
    case COL_BYTES:
      csv_int (f, json_object_get (obj, c->key), last);
      break;
    case COL_SECONDS:
      v2c_strbuf_printf (f, "%.3f%s",
                         json_number_value (json_object_get (obj, c->key)),
                         last ? "\r\n" : ",");
      break;
    default:
      csv_field (f, column_text (c, obj, t), last);
    }
  }
}

char *
v2c_fleet_csv (const json_t *fleet, size_t *lenp, struct v2c_err *err)
{
  return fleet_text (fleet, lenp, err, csv_head, csv_row, NULL);
}

/* Text as HTML character data or attribute value: markup characters as
 * references, C0 controls (other than tab and line feed) and DEL
 * dropped, so the page stays well formed whatever the VM names hold. */
static void
html_text (struct v2c_strbuf *f, const char *s)
{
  static const char specials[] = "&<>\"'";
  static const char *const entities[]
      = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };

  for (; s && *s; s++) {
    unsigned char c = (unsigned char) *s;
    const char *special = strchr (specials, c);

    if (special)
      v2c_strbuf_puts (f, entities[special - specials]);
    else if ((c >= 0x20 || c == '\t' || c == '\n') && c != 0x7f)
      v2c_strbuf_addc (f, c);
  }
}

static void
html_cell (struct v2c_strbuf *f, const char *s, const char *cls)
{
  v2c_strbuf_printf (f, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "",
                     cls ? "\"" : "");
  html_text (f, s);
  v2c_strbuf_puts (f, "</td>");
}

static void
html_num (struct v2c_strbuf *f, const json_t *v)
{
  if (json_is_integer (v))
    v2c_strbuf_printf (f, "<td class=\"n\">%" JSON_INTEGER_FORMAT "</td>",
                       json_integer_value (v));
  else
    v2c_strbuf_puts (f, "<td class=\"n\"></td>");
}

static void
html_bytes (struct v2c_strbuf *f, const json_t *v)
{
  static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
  double b;
  int u = 0;

  if (!json_is_integer (v)) {
    v2c_strbuf_puts (f, "<td class=\"n\"></td>");
    return;
  }
  b = (double) json_integer_value (v);
  while (b >= 1024 && u < 5) {
    b /= 1024;
    u++;
  }
  v2c_strbuf_printf (
      f, "<td class=\"n\" title=\"%" JSON_INTEGER_FORMAT " bytes\">",
      json_integer_value (v));
  if (u == 0)
    v2c_strbuf_printf (f, "%.0f %s</td>", b, unit[u]);
  else
    v2c_strbuf_printf (f, "%.1f %s</td>", b, unit[u]);
}

static const char html_head[]
    = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>v2c fleet summary</title>\n<style>\n"
      "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}\n"
      "table{border-collapse:collapse;margin:1em 0}\n"
      "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;"
      "vertical-align:top}\n"
      "th{background:#eee}\ntd.n{text-align:right}\n"
      ".converted,.up-to-date{color:#176117}\n"
      ".failed,.timed-out,.interrupted{color:#a31515;font-weight:bold}\n"
      ".planned,.pending{color:#555}\n"
      "td.err{font-family:monospace;font-size:90%;max-width:40em}\n"
      "</style>\n</head>\n<body>\n<h1>v2c fleet summary</h1>\n";

/* A two-column table of labelled numbers (bytes: as a size). */
struct total {
  const char *label, *key;
  int bytes;
};

static void
html_totals (struct v2c_strbuf *f, const json_t *obj, const struct total *rows,
             size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    v2c_strbuf_printf (f, "<tr><th>%s</th>", rows[i].label);
    if (rows[i].bytes)
      html_bytes (f, json_object_get (obj, rows[i].key));
    else
      html_num (f, json_object_get (obj, rows[i].key));
    v2c_strbuf_puts (f, "</tr>\n");
  }
}

static const struct total vm_totals[] = {
  { "image bytes", "image_bytes", 1 },
  { "volume bytes", "volume_bytes", 1 },
  { "components", "components", 0 },
  { "secrets", "secrets", 0 },
  { "vCPUs", "cpus", 0 },
  { "memory MiB", "memory_mib", 0 },
  { "disk capacity", "disk_capacity_bytes", 1 },
};

static const struct total layer_totals[] = {
  { "layer bytes, every VM counted", "total_bytes", 1 },
  { "unique layer bytes (a registry stores)", "unique_bytes", 1 },
  { "saved by sharing", "saved_bytes", 1 },
};

static void
html_top (struct v2c_strbuf *f, const json_t *fleet)
{
  const json_t *totals = json_object_get (fleet, "totals"), *v;
  const char *key;
  size_t i;

  v2c_strbuf_puts (f, html_head);
  v2c_strbuf_puts (f, "<p>Mode: ");
  html_text (f, str_of (fleet, "mode"));
  v2c_strbuf_printf (f, "; %" JSON_INTEGER_FORMAT " VMs:",
                     json_integer_value (json_object_get (totals, "vms")));
  json_object_foreach (json_object_get (totals, "by_status"), key, v)
  {
    if (json_integer_value (v) == 0)
      continue;
    v2c_strbuf_printf (f, " <span class=\"");
    html_text (f, key);
    v2c_strbuf_printf (f, "\">%" JSON_INTEGER_FORMAT " ",
                       json_integer_value (v));
    html_text (f, key);
    v2c_strbuf_puts (f, "</span>");
  }
  v2c_strbuf_puts (f, ".</p>\n<h2>Virtual machines</h2>\n<table>\n<tr>");
  for (i = 0; i < NCOLUMNS; i++)
    if (columns[i].html)
      v2c_strbuf_printf (f, "<th>%s</th>", columns[i].html);
  v2c_strbuf_puts (f, "</tr>\n");
}

static void
html_row (struct v2c_strbuf *f, const json_t *vm, const struct vm_texts *t)
{
  const json_t *hw = json_object_get (vm, "hardware");
  size_t i;

  v2c_strbuf_puts (f, "<tr>");
  for (i = 0; i < NCOLUMNS; i++) {
    const struct column *c = &columns[i];
    const json_t *obj = c->hw ? hw : vm;
    const char *s;

    if (c->html == NULL)
      continue;
    switch (c->kind) {
    case COL_INT:
      html_num (f, json_object_get (obj, c->key));
      break;
    case COL_BYTES:
      html_bytes (f, json_object_get (obj, c->key));
      break;
    case COL_SECONDS:
      v2c_strbuf_printf (f, "<td class=\"n\">%.1f</td>",
                         json_number_value (json_object_get (obj, c->key)));
      break;
    default:
      s = column_text (c, obj, t);
      html_cell (f, s, c->kind == COL_STATUS ? s : c->cls);
    }
  }
  v2c_strbuf_puts (f, "</tr>\n");
}

/* The migration waves (waves.json), when v2c-batch passes them. */
void
v2c_fleet_html_waves_table (struct v2c_strbuf *f, const json_t *waves)
{
  const json_t *w, *v, *b;
  size_t i, j;

  if (!json_is_object (waves))
    return;
  v2c_strbuf_puts (
      f, "<h2>Migration waves</h2>\n<p>Wave 1 is the pilot; a wave never "
         "depends on a later one, except the pilot, whose calls to VMs not "
         "yet moved go through bridges (a Service without selector and an "
         "EndpointSlice with the VM's address), handed over to the VM's "
         "new Service by the wave that moves it. See waves.json, waves/ "
         "and graph.html.</p>\n<table>\n<tr><th>wave</th><th>VMs</th><th>"
         "cycles</th><th>after waves</th><th>bridges</th></tr>\n");
  json_array_foreach (json_object_get (waves, "waves"), i, w)
  {
    v2c_strbuf_printf (f, "<tr><td class=\"n\">%" JSON_INTEGER_FORMAT "%s%s</td><td>",
                       json_integer_value (json_object_get (w, "wave")),
                       json_is_true (json_object_get (w, "pilot")) ? " pilot"
                                                                  : "",
                       json_is_true (json_object_get (w, "oversize"))
                           ? " (oversize)"
                           : "");
    json_array_foreach (json_object_get (w, "vms"), j, v)
    {
      if (j)
        v2c_strbuf_puts (f, ", ");
      html_text (f, json_string_value (v));
    }
    v2c_strbuf_printf (f, "</td><td class=\"n\">%zu</td><td>",
                       json_array_size (json_object_get (w, "cycles")));
    json_array_foreach (json_object_get (w, "depends_on"), j, v)
    {
      v2c_strbuf_printf (f, "%s%" JSON_INTEGER_FORMAT, j ? ", " : "",
                         json_integer_value (v));
    }
    v2c_strbuf_puts (f, "</td><td>");
    json_array_foreach (json_object_get (w, "bridges"), j, b)
    {
      const char *addr = str_of (b, "address");

      if (j)
        v2c_strbuf_puts (f, "; ");
      html_text (f, str_of (b, "service"));
      v2c_strbuf_puts (f, " &rarr; ");
      html_text (f, str_of (b, "to"));
      v2c_strbuf_puts (f, " ");
      html_text (f, addr ? addr : str_of (b, "reason"));
    }
    v2c_strbuf_puts (f, "</td></tr>\n");
  }
  v2c_strbuf_puts (f, "</table>\n");
}

/* What v2c's own evaluation of its admission policies found
 * (policy.json), when v2c-batch passes it. */
static void
html_policy (struct v2c_strbuf *f, const json_t *policy)
{
  const json_t *v, *p;
  size_t i;

  if (!json_is_object (policy))
    return;
  v2c_strbuf_printf (
      f,
      "<h2>Admission policies</h2>\n<p>DIR/policies holds them "
      "(ValidatingAdmissionPolicy, CEL); v2c evaluated its own on the "
      "%" JSON_INTEGER_FORMAT " objects it wrote: %" JSON_INTEGER_FORMAT
      " would be refused.",
      json_integer_value (
          json_object_get (json_object_get (policy, "counts"), "objects")),
      json_integer_value (
          json_object_get (json_object_get (policy, "counts"), "violations")));
  json_array_foreach (json_object_get (policy, "policies"), i, p)
  {
    if (!json_is_true (json_object_get (p, "evaluated_by_v2c"))) {
      v2c_strbuf_puts (f, " The organisation's rules (v2c-org-*) are "
                          "evaluated by the API server only.");
      break;
    }
  }
  v2c_strbuf_puts (f, "</p>\n");
  if (json_array_size (json_object_get (policy, "violations")) == 0)
    return;
  v2c_strbuf_puts (f, "<table>\n<tr><th>VM</th><th>environment</th><th>"
                      "object</th><th>policy</th><th>why</th></tr>\n");
  json_array_foreach (json_object_get (policy, "violations"), i, v)
  {
    char obj[300];

    snprintf (obj, sizeof obj, "%s %s", str_of (v, "kind") ? str_of (v, "kind") : "",
              str_of (v, "name") ? str_of (v, "name") : "");
    v2c_strbuf_puts (f, "<tr>");
    html_cell (f, str_of (v, "vm"), NULL);
    html_cell (f, str_of (v, "environment") ? str_of (v, "environment") : "-",
               NULL);
    html_cell (f, obj, NULL);
    html_cell (f, str_of (v, "policy"), NULL);
    html_cell (f, str_of (v, "message"), NULL);
    v2c_strbuf_puts (f, "</tr>\n");
  }
  v2c_strbuf_puts (f, "</table>\n");
}

static void
html_bottom (struct v2c_strbuf *f, const json_t *fleet)
{
  const json_t *layers = json_object_get (fleet, "layers"), *l, *v;
  size_t i, j;

  v2c_strbuf_puts (f, "</table>\n<h2>Totals</h2>\n<table>\n");
  html_totals (f, json_object_get (fleet, "totals"), vm_totals,
               sizeof vm_totals / sizeof vm_totals[0]);
  v2c_strbuf_puts (f, "</table>\n<h2>Layer sharing</h2>\n<table>\n");
  html_totals (f, layers, layer_totals,
               sizeof layer_totals / sizeof layer_totals[0]);
  v2c_strbuf_puts (f, "</table>\n");
  if (json_array_size (json_object_get (layers, "shared")) > 0) {
    v2c_strbuf_puts (
        f, "<table>\n<tr><th>shared layer</th><th>digest</th><th>size</th>"
           "<th>VMs</th></tr>\n");
    json_array_foreach (json_object_get (layers, "shared"), i, l)
    {
      v2c_strbuf_puts (f, "<tr>");
      html_cell (f, str_of (l, "name"), NULL);
      html_cell (f, str_of (l, "digest"), "err");
      html_bytes (f, json_object_get (l, "size"));
      v2c_strbuf_puts (f, "<td>");
      json_array_foreach (json_object_get (l, "vms"), j, v)
      {
        if (j)
          v2c_strbuf_puts (f, ", ");
        html_text (f, json_string_value (v));
      }
      v2c_strbuf_puts (f, "</td></tr>\n");
    }
    v2c_strbuf_puts (f, "</table>\n");
  }
  v2c_fleet_html_waves_table (f, json_object_get (fleet, "waves"));
  html_policy (f, json_object_get (fleet, "policy"));
  v2c_strbuf_puts (f, "<p>Written by ");
  html_text (f, str_of (fleet, "generator"));
  v2c_strbuf_puts (f, ".</p>\n</body>\n</html>\n");
}

char *
v2c_fleet_html (const json_t *fleet, size_t *lenp, struct v2c_err *err)
{
  return fleet_text (fleet, lenp, err, html_top, html_row, html_bottom);
}

char *
v2c_fleet_html_plan (const json_t *fleet, const json_t *waves,
                     const json_t *policy, size_t *lenp, struct v2c_err *err)
{
  json_t *copy;
  char *out;

  if (waves == NULL && policy == NULL)
    return v2c_fleet_html (fleet, lenp, err);
  /* a shallow copy: fleet.json itself has no waves or policy member */
  copy = json_copy ((json_t *) fleet);
  if (copy == NULL
      || (waves && json_object_set (copy, "waves", (json_t *) waves))
      || (policy && json_object_set (copy, "policy", (json_t *) policy))) {
    json_decref (copy);
    v2c_set_error (err, ENOMEM, "can't build fleet.html");
    return NULL;
  }
  out = v2c_fleet_html (copy, lenp, err);
  json_decref (copy);
  return out;
}

void
v2c_fleet_html_escape (struct v2c_strbuf *f, const char *s)
{
  html_text (f, s);
}
