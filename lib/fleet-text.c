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

static const char *
str_of (const json_t *o, const char *key)
{
  return json_string_value (json_object_get (o, key));
}

/* A text buffer over open_memstream: the first write error sticks. */
struct out {
  FILE *f;
  char *buf;
  size_t len;
};

static int
out_open (struct out *o, struct v2c_err *err)
{
  o->buf = NULL;
  o->len = 0;
  o->f = open_memstream (&o->buf, &o->len);
  if (o->f == NULL)
    return v2c_set_error (err, errno, "can't make a text buffer");
  return 0;
}

static char *
out_close (struct out *o, size_t *lenp, struct v2c_err *err)
{
  int bad = ferror (o->f);

  if (fclose (o->f) != 0 || bad) {
    free (o->buf);
    v2c_set_error (err, ENOMEM, "can't write the fleet summary");
    return NULL;
  }
  if (lenp)
    *lenp = o->len;
  return o->buf;
}

static void
csv_field (FILE *f, const char *s, int last)
{
  if (s == NULL)
    s = "";
  if (strpbrk (s, ",\"\r\n") == NULL)
    fputs (s, f);
  else {
    fputc ('"', f);
    for (; *s; s++) {
      if (*s == '"')
        fputc ('"', f);
      fputc (*s, f);
    }
    fputc ('"', f);
  }
  fputs (last ? "\r\n" : ",", f);
}

static void
csv_int (FILE *f, const json_t *v)
{
  if (json_is_integer (v))
    fprintf (f, "%" JSON_INTEGER_FORMAT ",", json_integer_value (v));
  else
    fputc (',', f);
}

/* "a;b;c" of the strings of an array (or of member key of its objects),
 * each with its member val when val is not NULL: "name=size". */
static char *
joined (const json_t *arr, const char *key, const char *val)
{
  struct out o;
  const json_t *v;
  size_t i;
  int first = 1;

  if (out_open (&o, NULL) == -1)
    return NULL;
  json_array_foreach (arr, i, v)
  {
    const char *s = key ? str_of (v, key) : json_string_value (v);
    const json_t *n = val ? json_object_get (v, val) : NULL;

    if (s == NULL)
      continue;
    fprintf (o.f, "%s%s", first ? "" : ";", s);
    if (json_is_integer (n))
      fprintf (o.f, "=%" JSON_INTEGER_FORMAT, json_integer_value (n));
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

char *
v2c_fleet_csv (const json_t *fleet, size_t *lenp, struct v2c_err *err)
{
  struct out o;
  const json_t *vm, *hw;
  size_t i;
  int oom = 0;
  char *text;

  if (out_open (&o, err) == -1)
    return NULL;
  fputs ("name,status,source,os,guest_os_id,cpus,memory_mib,"
         "disk_capacity_bytes,verdict,components_count,components,"
         "image_bytes,volumes,volume_bytes,secrets_count,duration_s,"
         "max_rss_kib,error\r\n",
         o.f);
  json_array_foreach (json_object_get (fleet, "vms"), i, vm)
  {
    char *os = os_text (json_object_get (vm, "os"));
    char *comps = joined (json_object_get (vm, "components"), NULL, NULL);
    char *vols
        = joined (json_object_get (vm, "volumes"), "name", "size_bytes");

    hw = json_object_get (vm, "hardware");
    csv_field (o.f, str_of (vm, "name"), 0);
    csv_field (o.f, str_of (vm, "status"), 0);
    csv_field (o.f, str_of (vm, "source"), 0);
    csv_field (o.f, os, 0);
    csv_field (o.f, str_of (hw, "guest_os_id"), 0);
    csv_int (o.f, json_object_get (hw, "cpus"));
    csv_int (o.f, json_object_get (hw, "memory_mib"));
    csv_int (o.f, json_object_get (hw, "disk_capacity_bytes"));
    csv_field (o.f, str_of (vm, "verdict"), 0);
    csv_int (o.f, json_object_get (vm, "components_count"));
    csv_field (o.f, comps, 0);
    csv_int (o.f, json_object_get (vm, "image_bytes"));
    csv_field (o.f, vols, 0);
    csv_int (o.f, json_object_get (vm, "volume_bytes"));
    csv_int (o.f, json_object_get (vm, "secrets_count"));
    fprintf (o.f, "%.3f,",
             json_number_value (json_object_get (vm, "duration_s")));
    csv_int (o.f, json_object_get (vm, "max_rss_kib"));
    csv_field (o.f, str_of (vm, "error"), 1);
    if (os == NULL || comps == NULL || vols == NULL)
      oom = 1;
    free (os);
    free (comps);
    free (vols);
  }
  text = out_close (&o, lenp, err);
  if (text && oom) {
    free (text);
    v2c_set_error (err, ENOMEM, "can't write the fleet summary");
    return NULL;
  }
  return text;
}

/* Text as HTML character data or attribute value: markup characters as
 * references, C0 controls (other than tab and line feed) and DEL
 * dropped, so the page stays well formed whatever the VM names hold. */
static void
html_text (FILE *f, const char *s)
{
  if (s == NULL)
    return;
  for (; *s; s++) {
    unsigned char c = (unsigned char) *s;

    switch (c) {
    case '&':
      fputs ("&amp;", f);
      break;
    case '<':
      fputs ("&lt;", f);
      break;
    case '>':
      fputs ("&gt;", f);
      break;
    case '"':
      fputs ("&quot;", f);
      break;
    case '\'':
      fputs ("&#39;", f);
      break;
    default:
      if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
        break;
      fputc (c, f);
    }
  }
}

static void
html_cell (FILE *f, const char *s, const char *cls)
{
  fprintf (f, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "",
           cls ? "\"" : "");
  html_text (f, s);
  fputs ("</td>", f);
}

static void
html_num (FILE *f, const json_t *v)
{
  if (json_is_integer (v))
    fprintf (f, "<td class=\"n\">%" JSON_INTEGER_FORMAT "</td>",
             json_integer_value (v));
  else
    fputs ("<td class=\"n\"></td>", f);
}

static void
html_bytes (FILE *f, const json_t *v)
{
  static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
  double b;
  int u = 0;

  if (!json_is_integer (v)) {
    fputs ("<td class=\"n\"></td>", f);
    return;
  }
  b = (double) json_integer_value (v);
  while (b >= 1024 && u < 5) {
    b /= 1024;
    u++;
  }
  fprintf (f, "<td class=\"n\" title=\"%" JSON_INTEGER_FORMAT " bytes\">",
           json_integer_value (v));
  if (u == 0)
    fprintf (f, "%.0f %s</td>", b, unit[u]);
  else
    fprintf (f, "%.1f %s</td>", b, unit[u]);
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

char *
v2c_fleet_html (const json_t *fleet, size_t *lenp, struct v2c_err *err)
{
  struct out o;
  const json_t *vm, *hw, *totals, *layers, *l, *v;
  const char *key;
  size_t i, j;
  int oom = 0;
  char *text;

  if (out_open (&o, err) == -1)
    return NULL;
  fputs (html_head, o.f);
  totals = json_object_get (fleet, "totals");
  layers = json_object_get (fleet, "layers");
  fputs ("<p>Mode: ", o.f);
  html_text (o.f, str_of (fleet, "mode"));
  fprintf (o.f, "; %" JSON_INTEGER_FORMAT " VMs:",
           json_integer_value (json_object_get (totals, "vms")));
  json_object_foreach (json_object_get (totals, "by_status"), key, v)
  {
    if (json_integer_value (v) == 0)
      continue;
    fprintf (o.f, " <span class=\"");
    html_text (o.f, key);
    fprintf (o.f, "\">%" JSON_INTEGER_FORMAT " ", json_integer_value (v));
    html_text (o.f, key);
    fputs ("</span>", o.f);
  }
  fputs (".</p>\n<h2>Virtual machines</h2>\n<table>\n<tr><th>VM</th>"
         "<th>status</th><th>source</th><th>OS</th><th>vCPUs</th>"
         "<th>memory MiB</th><th>disks</th><th>verdict</th>"
         "<th>components</th><th>image</th><th>volumes</th>"
         "<th>secrets</th><th>duration s</th><th>error</th></tr>\n",
         o.f);
  json_array_foreach (json_object_get (fleet, "vms"), i, vm)
  {
    char *os = os_text (json_object_get (vm, "os"));
    char *comps = joined (json_object_get (vm, "components"), NULL, NULL);
    char *vols
        = joined (json_object_get (vm, "volumes"), "name", "size_bytes");

    if (os == NULL || comps == NULL || vols == NULL)
      oom = 1;
    hw = json_object_get (vm, "hardware");
    fputs ("<tr>", o.f);
    html_cell (o.f, str_of (vm, "name"), NULL);
    html_cell (o.f, str_of (vm, "status"), str_of (vm, "status"));
    html_cell (o.f, str_of (vm, "source"), NULL);
    html_cell (o.f, os, NULL);
    html_num (o.f, json_object_get (hw, "cpus"));
    html_num (o.f, json_object_get (hw, "memory_mib"));
    html_bytes (o.f, json_object_get (hw, "disk_capacity_bytes"));
    html_cell (o.f, str_of (vm, "verdict"), NULL);
    html_cell (o.f, comps, NULL);
    html_bytes (o.f, json_object_get (vm, "image_bytes"));
    html_cell (o.f, vols, NULL);
    html_num (o.f, json_object_get (vm, "secrets_count"));
    fprintf (o.f, "<td class=\"n\">%.1f</td>",
             json_number_value (json_object_get (vm, "duration_s")));
    html_cell (o.f, str_of (vm, "error"), "err");
    fputs ("</tr>\n", o.f);
    free (os);
    free (comps);
    free (vols);
  }
  fputs ("</table>\n<h2>Totals</h2>\n<table>\n", o.f);
  fputs ("<tr><th>image bytes</th>", o.f);
  html_bytes (o.f, json_object_get (totals, "image_bytes"));
  fputs ("</tr>\n<tr><th>volume bytes</th>", o.f);
  html_bytes (o.f, json_object_get (totals, "volume_bytes"));
  fputs ("</tr>\n<tr><th>components</th>", o.f);
  html_num (o.f, json_object_get (totals, "components"));
  fputs ("</tr>\n<tr><th>secrets</th>", o.f);
  html_num (o.f, json_object_get (totals, "secrets"));
  fputs ("</tr>\n<tr><th>vCPUs</th>", o.f);
  html_num (o.f, json_object_get (totals, "cpus"));
  fputs ("</tr>\n<tr><th>memory MiB</th>", o.f);
  html_num (o.f, json_object_get (totals, "memory_mib"));
  fputs ("</tr>\n<tr><th>disk capacity</th>", o.f);
  html_bytes (o.f, json_object_get (totals, "disk_capacity_bytes"));
  fputs ("</tr>\n</table>\n<h2>Layer sharing</h2>\n<table>\n"
         "<tr><th>layer bytes, every VM counted</th>",
         o.f);
  html_bytes (o.f, json_object_get (layers, "total_bytes"));
  fputs ("</tr>\n<tr><th>unique layer bytes (a registry stores)</th>", o.f);
  html_bytes (o.f, json_object_get (layers, "unique_bytes"));
  fputs ("</tr>\n<tr><th>saved by sharing</th>", o.f);
  html_bytes (o.f, json_object_get (layers, "saved_bytes"));
  fputs ("</tr>\n</table>\n", o.f);
  if (json_array_size (json_object_get (layers, "shared")) > 0) {
    fputs ("<table>\n<tr><th>shared layer</th><th>digest</th><th>size</th>"
           "<th>VMs</th></tr>\n",
           o.f);
    json_array_foreach (json_object_get (layers, "shared"), i, l)
    {
      fputs ("<tr>", o.f);
      html_cell (o.f, str_of (l, "name"), NULL);
      html_cell (o.f, str_of (l, "digest"), "err");
      html_bytes (o.f, json_object_get (l, "size"));
      fputs ("<td>", o.f);
      json_array_foreach (json_object_get (l, "vms"), j, v)
      {
        if (j)
          fputs (", ", o.f);
        html_text (o.f, json_string_value (v));
      }
      fputs ("</td></tr>\n", o.f);
    }
    fputs ("</table>\n", o.f);
  }
  fputs ("<p>Written by ", o.f);
  html_text (o.f, str_of (fleet, "generator"));
  fputs (".</p>\n</body>\n</html>\n", o.f);
  text = out_close (&o, lenp, err);
  if (text && oom) {
    free (text);
    v2c_set_error (err, ENOMEM, "can't write the fleet summary");
    return NULL;
  }
  return text;
}
