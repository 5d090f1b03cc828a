/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The walk over a report that the Markdown and the HTML renderers
 * share.  The tables are data: one column list per table, drawn by
 * the format's hooks (see struct v2c_report_fmt in
 * lib/report-private.h).  Every string of the report may
 * come from the guest: the format's text hook escapes it.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report-private.h"

enum cell_kind {
  /* the string member key, or dflt when it is empty and dflt is set */
  CELL_TEXT,
  /* the size in bytes of the integer member key */
  CELL_SIZE,
  /* the ports array key: "80/tcp, 443/tcp" */
  CELL_PORTS,
  /* the array of strings key: "a, b" */
  CELL_LIST,
  /* the integer member key */
  CELL_INT,
};

struct column {
  const char *title, *key;
  enum cell_kind kind;
  const char *dflt;
  enum v2c_report_cell how;
};

#define MAX_COLUMNS 6

struct table {
  /* the report's member holding the rows */
  const char *member;
  /* the paragraph said instead of a table with no row */
  const char *empty;
  /* the paragraph before the table, by format (Markdown, HTML) */
  const char *intro[2];
  struct column cols[MAX_COLUMNS];
};

static const struct table components_table = {
  "components",
  "No component.",
  { NULL, NULL },
  {
      { "Component", "name", CELL_TEXT, NULL, V2C_CELL_CODE },
      { "Kind", "kind", CELL_TEXT, NULL, V2C_CELL_NOWRAP },
      { "Path", "path", CELL_TEXT, NULL, V2C_CELL_PATH },
      { "Reason", "reason", CELL_TEXT, NULL, V2C_CELL_PLAIN },
      { "Ports", "ports", CELL_PORTS, NULL, V2C_CELL_NOWRAP },
      { "Depends on", "depends_on", CELL_LIST, NULL, V2C_CELL_PLAIN },
  },
};

static const struct table layers_table = {
  "layers",
  "No layer.",
  { NULL, NULL },
  {
      { "Layer", "name", CELL_TEXT, NULL, V2C_CELL_PLAIN },
      { "Digest", "digest", CELL_TEXT, "not built", V2C_CELL_CODE },
      { "Size", "size", CELL_SIZE, NULL, V2C_CELL_PLAIN },
  },
};

static const struct table volumes_table = {
  "volumes",
  "No data directory.",
  { NULL, NULL },
  {
      { "Component", "component", CELL_TEXT, "none", V2C_CELL_PLAIN },
      { "Volume", "name", CELL_TEXT, "none", V2C_CELL_PLAIN },
      { "Mount path", "mount_path", CELL_TEXT, NULL, V2C_CELL_CODE },
      { "Used", "size_bytes", CELL_SIZE, NULL, V2C_CELL_PLAIN },
      { "How", "migrate", CELL_TEXT, NULL, V2C_CELL_PLAIN },
  },
};

/* The two formats word the advice differently; kept as they were. */
static const struct table secrets_table = {
  "secrets",
  "No secret found.",
  { "Left out of the image (unless the plan's image.allow_secret names "
    "them); each comes back as a Kubernetes Secret with placeholder values: "
    "fill them in when you create it.",
    "Left out of the image (unless the plan's image.allow_secret names "
    "them): each comes back as a Kubernetes Secret with placeholder values; "
    "fill them in when you create it." },
  {
      { "Path", "path", CELL_TEXT, NULL, V2C_CELL_CODE },
      { "Kind", "kind", CELL_TEXT, NULL, V2C_CELL_PLAIN },
      { "What becomes of it", "use", CELL_TEXT, NULL, V2C_CELL_PLAIN },
  },
};

/* the components of the "verified" object (v2c-verify's result) */
static const struct table verified_table = {
  "components",
  "No component was run.",
  { NULL, NULL },
  {
      { "Component", "name", CELL_TEXT, NULL, V2C_CELL_CODE },
      { "Kind", "kind", CELL_TEXT, NULL, V2C_CELL_NOWRAP },
      { "Result", "result", CELL_TEXT, NULL, V2C_CELL_NOWRAP },
      { "Evidence", "evidence", CELL_TEXT, "none", V2C_CELL_PLAIN },
  },
};

/* the violations of the "policy" object (v2c-batch's evaluation) */
static const struct table policy_table = {
  "violations",
  "None.",
  { NULL, NULL },
  {
      { "Environment", "environment", CELL_TEXT, NULL, V2C_CELL_NOWRAP },
      { "Object", "object", CELL_TEXT, NULL, V2C_CELL_CODE },
      { "Policy", "policy", CELL_TEXT, NULL, V2C_CELL_CODE },
      { "Why", "message", CELL_TEXT, NULL, V2C_CELL_PLAIN },
  },
};

/* the AI/GPU section's tables (members of the report's "ai") */
static const struct table ai_gpus_table = {
  "gpus",
  "The VM had no GPU.",
  { NULL, NULL },
  {
      { "GPU", "kind", CELL_TEXT, NULL, V2C_CELL_NOWRAP },
      { "Vendor", "vendor", CELL_TEXT, "unknown", V2C_CELL_NOWRAP },
      { "Model", "model", CELL_TEXT, NULL, V2C_CELL_CODE },
      { "Where", "source", CELL_TEXT, NULL, V2C_CELL_CODE },
  },
};

static const struct table ai_requests_table = {
  "requests",
  "No pod requests a GPU.",
  { NULL, NULL },
  {
      { "Component", "component", CELL_TEXT, NULL, V2C_CELL_CODE },
      { "Resource", "resource", CELL_TEXT, NULL, V2C_CELL_CODE },
      { "Count", "count", CELL_INT, NULL, V2C_CELL_NOWRAP },
      { "Sharing", "sharing", CELL_TEXT, NULL, V2C_CELL_NOWRAP },
      { "Why", "reason", CELL_TEXT, NULL, V2C_CELL_PLAIN },
  },
};

static const struct table ai_software_table = {
  "software",
  "No GPU software found.",
  { NULL, NULL },
  {
      { "Kind", "kind", CELL_TEXT, NULL, V2C_CELL_NOWRAP },
      { "Name", "name", CELL_TEXT, NULL, V2C_CELL_CODE },
      { "Version", "version", CELL_TEXT, "unknown", V2C_CELL_NOWRAP },
      { "Where", "where", CELL_TEXT, NULL, V2C_CELL_PATH },
  },
};

static const struct table ai_models_table = {
  "models",
  "No model file found.",
  { NULL, NULL },
  {
      { "Model", "path", CELL_TEXT, NULL, V2C_CELL_PATH },
      { "Format", "format", CELL_TEXT, NULL, V2C_CELL_NOWRAP },
      { "Size", "size_bytes", CELL_SIZE, NULL, V2C_CELL_NOWRAP },
      { "Goes to", "goes_to", CELL_TEXT, NULL, V2C_CELL_PLAIN },
  },
};

static const struct table dropped_table = {
  "dropped",
  "None.",
  { NULL, NULL },
  {
      { "Name", "name", CELL_TEXT, NULL, V2C_CELL_CODE },
      { "Reason", "reason", CELL_TEXT, NULL, V2C_CELL_PLAIN },
  },
};

static void
cell (struct v2c_strbuf *b, const struct v2c_report_fmt *f,
      const struct column *col, const json_t *row)
{
  const char *v = v2c_report_str (row, col->key);
  const json_t *a = json_object_get (row, col->key), *x;
  size_t i;

  if (f->cell_open)
    f->cell_open (b, col->how, v);
  switch (col->kind) {
  case CELL_TEXT:
    f->text (b, col->dflt && *v == '\0' ? col->dflt : v);
    break;
  case CELL_SIZE:
    v2c_report_size_text (b, a);
    break;
  case CELL_INT:
    v2c_strbuf_printf (b, "%lld", (long long) json_integer_value (a));
    break;
  case CELL_PORTS:
  case CELL_LIST:
    if (json_array_size (a) == 0)
      v2c_strbuf_puts (b, f->none);
    json_array_foreach (a, i, x)
    {
      if (i)
        v2c_strbuf_puts (b, ", ");
      if (col->kind == CELL_PORTS) {
        v2c_strbuf_printf (
            b, "%lld/",
            (long long) json_integer_value (json_object_get (x, "port")));
        f->text (b, v2c_report_str (x, "protocol"));
      } else
        f->text (b, json_string_value (x));
    }
    break;
  }
  if (f->cell_close)
    f->cell_close (b, col->how);
}

/* The table t of the report, or its empty paragraph. */
static void
table (struct v2c_strbuf *b, const struct v2c_report_fmt *f,
       const struct table *t, const json_t *report)
{
  const char *titles[MAX_COLUMNS];
  const json_t *rows = json_object_get (report, t->member), *row;
  size_t n, i, j;

  if (json_array_size (rows) == 0 && !f->empty_tables) {
    v2c_strbuf_printf (b, f->para, t->empty);
    return;
  }
  if (t->intro[f->kind])
    v2c_strbuf_printf (b, f->para, t->intro[f->kind]);
  for (n = 0; n < MAX_COLUMNS && t->cols[n].title; n++)
    titles[n] = t->cols[n].title;
  f->table_head (b, titles, n);
  json_array_foreach (rows, i, row)
  {
    v2c_strbuf_puts (b, f->row.open);
    for (j = 0; j < n; j++) {
      if (j)
        v2c_strbuf_puts (b, f->row.sep);
      cell (b, f, &t->cols[j], row);
    }
    v2c_strbuf_puts (b, f->row.close);
  }
  v2c_strbuf_puts (b, f->row.end);
}

/* A row of a two-column table: label, then the string s or "unknown"
 * when s is not NULL, else the integer v followed by unit, or v as a
 * size in bytes when unit is NULL. */
static void
kv_row (struct v2c_strbuf *b, const struct v2c_report_fmt *f,
        const char *label, enum v2c_report_cell how, const char *s,
        const json_t *v, const char *unit)
{
  v2c_strbuf_printf (b, f->kv_label, label);
  if (f->cell_open)
    f->cell_open (b, how, s);
  if (s)
    f->text (b, *s ? s : "unknown");
  else if (unit == NULL)
    v2c_report_size_text (b, v);
  else if (json_is_integer (v))
    v2c_strbuf_printf (b, "%lld%s", (long long) json_integer_value (v), unit);
  else
    v2c_strbuf_puts (b, "unknown");
  if (f->cell_close)
    f->cell_close (b, how);
  v2c_strbuf_puts (b, f->row.close);
}

/* A section heading (id: the HTML anchor) after what gap separates. */
static void
heading (struct v2c_strbuf *b, const struct v2c_report_fmt *f, const char *gap,
         const char *id, const char *title)
{
  v2c_strbuf_puts (b, gap);
  v2c_strbuf_printf (b, f->heading, id, title);
}

/* A paragraph of text. */
static void
para (struct v2c_strbuf *b, const struct v2c_report_fmt *f, const char *text)
{
  v2c_strbuf_puts (b, f->kind == V2C_REPORT_MD ? "" : "<p>");
  f->text (b, text);
  v2c_strbuf_puts (b, f->kind == V2C_REPORT_MD ? "\n\n" : "</p>\n");
}

/* "Policy": what the admission policies v2c ships say of the VM's
 * objects, as v2c-batch evaluated them. */
static void
policy_section (struct v2c_strbuf *b, const struct v2c_report_fmt *f,
                const json_t *pol)
{
  size_t nv = json_array_size (json_object_get (pol, "violations"));
  json_int_t nobj = json_integer_value (json_object_get (pol, "objects"));
  char *p = NULL;

  heading (b, f, f->gap, "policy", "Policy");
  if ((nv == 0
           ? asprintf (&p,
                       "v2c-batch evaluated the admission policies it "
                       "ships (DIR/policies) on the VM's %lld objects: "
                       "none breaks one.",
                       (long long) nobj)
           : asprintf (&p,
                       "v2c-batch evaluated the admission policies it "
                       "ships (DIR/policies) on the VM's %lld objects: "
                       "%zu violations, below.  A cluster that enforces "
                       "the policies refuses these objects until they are "
                       "fixed (a placeholder Secret: until the team sets "
                       "its values).",
                       (long long) nobj, nv))
      != -1) {
    para (b, f, p);
    free (p);
  }
  if (nv)
    table (b, f, &policy_table, pol);
}

/* "AI/GPU": the GPUs, the requests, the software, the models, and
 * what the GPU nodes need. */
static void
ai_section (struct v2c_strbuf *b, const struct v2c_report_fmt *f,
            const json_t *ai)
{
  heading (b, f, f->gap, "ai", "AI/GPU");
  para (b, f, v2c_report_str (json_object_get (ai, "node"), "text"));
  table (b, f, &ai_gpus_table, ai);
  table (b, f, &ai_requests_table, ai);
  table (b, f, &ai_software_table, ai);
  table (b, f, &ai_models_table, ai);
}

/* The strings of l as a list. */
static void
put_list (struct v2c_strbuf *b, const struct v2c_report_fmt *f,
          const json_t *l)
{
  const json_t *x;
  size_t i;

  v2c_strbuf_puts (b, f->list.open);
  json_array_foreach (l, i, x)
  {
    v2c_strbuf_puts (b, f->list.sep);
    f->text (b, json_string_value (x));
    v2c_strbuf_puts (b, f->list.close);
  }
  v2c_strbuf_puts (b, f->list.end);
}

/* A list of the target section, under a line of its own (title) when
 * there is one; nothing when empty. */
static void
target_list (struct v2c_strbuf *b, const struct v2c_report_fmt *f,
             const char *title, const json_t *l)
{
  if (json_array_size (l) == 0)
    return;
  if (title) {
    v2c_strbuf_puts (b, f->kind == V2C_REPORT_MD ? "" : "<p>");
    f->text (b, title);
    v2c_strbuf_puts (b, f->kind == V2C_REPORT_MD ? "\n\n" : "</p>\n");
  }
  put_list (b, f, l);
  v2c_strbuf_puts (b, f->gap);
}

/* The target, when the report has one: containers or a KubeVirt VM,
 * why, what to do, and what the conversion did. */
static void
walk_target (struct v2c_strbuf *b, const struct v2c_report_fmt *f,
             const json_t *t)
{
  const json_t *x;

  if (!json_is_object (t))
    return;
  heading (b, f, "", "target", "Target");
  v2c_strbuf_puts (b, f->kind == V2C_REPORT_MD ? "" : "<p>");
  f->text (b, strcmp (v2c_report_str (t, "kind"), "vm") == 0
                  ? "A KubeVirt VM: "
                  : "Containers: ");
  f->text (b, v2c_report_str (t, "reason"));
  v2c_strbuf_puts (b, f->kind == V2C_REPORT_MD ? ".\n\n" : ".</p>\n");
  target_list (b, f, NULL, json_object_get (t, "advice"));
  x = json_object_get (t, "guest");
  target_list (b, f, "What v2c-convert changed in the guest:",
               json_object_get (x, "changed"));
  target_list (b, f, "What it disabled:", json_object_get (x, "removed"));
  target_list (b, f, "The VM's devices:", json_object_get (x, "devices"));
  target_list (b, f, "Its disks:", json_object_get (t, "disks"));
}

void
v2c_report_walk (struct v2c_strbuf *b, const struct v2c_report_fmt *f,
                 const json_t *report)
{
  const json_t *vm = json_object_get (report, "vm");
  const json_t *cs = json_object_get (report, "components");
  const json_t *img = json_object_get (report, "image");
  const json_t *sz = json_object_get (report, "sizing");
  const json_t *notes = json_object_get (report, "notes");

  f->kv_head (b, "VM");
  /* the HTML page has the name in its title and heading only */
  if (f->kind == V2C_REPORT_MD)
    kv_row (b, f, "Name", V2C_CELL_PLAIN, v2c_report_str (vm, "name"), NULL,
            NULL);
  kv_row (b, f, "OS", V2C_CELL_PLAIN, v2c_report_str (vm, "os"), NULL, NULL);
  kv_row (b, f, "Hostname", V2C_CELL_PLAIN, v2c_report_str (vm, "hostname"),
          NULL, NULL);
  kv_row (b, f, "Source", V2C_CELL_CODE, v2c_report_str (vm, "source"), NULL,
          NULL);
  v2c_strbuf_puts (b, f->row.end);
  v2c_strbuf_puts (b, f->gap);

  f->fitness (b, json_object_get (report, "fitness"));
  walk_target (b, f, json_object_get (report, "target"));

  heading (b, f, "", "components", "Components");
  if (json_array_size (cs) == 0)
    v2c_strbuf_printf (b, f->para, components_table.empty);
  else
    table (b, f, &components_table, report);
  f->decomposition (b, cs);

  heading (b, f, "", "layers", "Image layers");
  if (json_is_object (img)) {
    v2c_strbuf_printf (b, f->code.open, "Manifest");
    f->text (b, v2c_report_str (img, "manifest"));
    v2c_strbuf_puts (b, f->code.close);
  }
  table (b, f, &layers_table, report);
  heading (b, f, f->gap, "data", "Data to migrate");
  table (b, f, &volumes_table, report);
  v2c_report_walk_seed (b, f, report);
  heading (b, f, f->gap, "secrets", "Secrets");
  table (b, f, &secrets_table, report);
  heading (b, f, f->gap, "dropped", "Dropped services");
  table (b, f, &dropped_table, report);

  if (json_is_object (json_object_get (report, "ai")))
    ai_section (b, f, json_object_get (report, "ai"));

  if (json_is_object (json_object_get (report, "policy")))
    policy_section (b, f, json_object_get (report, "policy"));

  if (json_is_object (json_object_get (report, "verified"))) {
    const json_t *vf = json_object_get (report, "verified");
    char *p = NULL;
    heading (b, f, f->gap, "verified", "Verified");
    if (asprintf (&p, "Run on podman by v2c-verify (%s): %s.",
                  v2c_report_str (vf, "started") ? v2c_report_str (vf, "started") : "",
                  json_is_true (json_object_get (vf, "passed"))
                      ? "every component passed"
                      : "some components failed, see DIR/verify.json") != -1) {
      para (b, f, p);
      free (p);
    }
    table (b, f, &verified_table, vf);
  }

  heading (b, f, f->gap, "sizing", "Sizing");
  f->kv_head (b, NULL);
  kv_row (b, f, "vCPUs", V2C_CELL_PLAIN, NULL, json_object_get (sz, "cpus"),
          "");
  kv_row (b, f, "Memory", V2C_CELL_PLAIN, NULL,
          json_object_get (sz, "memory_mib"), " MiB");
  kv_row (b, f, "Disks", V2C_CELL_PLAIN, NULL,
          json_object_get (sz, "disk_bytes"), NULL);
  kv_row (b, f, "Used on filesystems", V2C_CELL_PLAIN, NULL,
          json_object_get (sz, "used_bytes"), NULL);
  kv_row (b, f, "Data directories", V2C_CELL_PLAIN, NULL,
          json_object_get (sz, "data_bytes"), NULL);
  v2c_strbuf_puts (b, f->row.end);

  if (json_array_size (notes)) {
    heading (b, f, f->gap, "notes", "Notes");
    put_list (b, f, notes);
  }
}

char *
v2c_report_render (const json_t *report, const struct v2c_report_fmt *f,
                   struct v2c_err *err)
{
  struct v2c_strbuf b = V2C_STRBUF_INIT;

  if (!json_is_object (report)) {
    v2c_set_error (err, 0, "report: expected a JSON object");
    return NULL;
  }
  if (f->top)
    f->top (&b, report);
  v2c_report_walk (&b, f, report);
  if (f->bottom)
    f->bottom (&b, report);
  return v2c_report_finish (&b, err);
}
