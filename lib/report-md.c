/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The report as Markdown (CommonMark with GitHub tables): the hooks of
 * the walk in lib/report-walk.c.  Every string of the report may come
 * from the guest: it is escaped so that it stays text, inside a table
 * cell too (pipes, backticks, newlines, HTML).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "report-private.h"

/* Text as Markdown inline text: HTML made inert with entities, the
 * characters Markdown gives a meaning escaped with a backslash, line
 * breaks and other control characters as spaces. */
static void
md (struct v2c_strbuf *b, const char *s)
{
  const char *start = s, *digits;

  /* what would start a list item or a heading at the start of a cell
   * or a list item */
  for (digits = s; digits && *digits >= '0' && *digits <= '9'; digits++)
    ;
  for (; s && *s; s++) {
    unsigned char c = (unsigned char) *s;

    if (c == '&')
      v2c_strbuf_puts (b, "&amp;");
    else if (c == '<')
      v2c_strbuf_puts (b, "&lt;");
    else if (c == '>')
      v2c_strbuf_puts (b, "&gt;");
    else if (c < 0x20 || c == 0x7f)
      v2c_strbuf_puts (b, " ");
    else if (strchr ("\\`*_[]|~#", c)
             || (s == start && (c == '-' || c == '+' || c == '='))
             || (s == digits && s != start && (c == '.' || c == ')'))) {
      char e[2] = { '\\', (char) c };
      v2c_strbuf_add (b, e, 2);
    } else
      v2c_strbuf_add (b, s, 1);
  }
}

static void
md_or (struct v2c_strbuf *b, const char *s, const char *dflt)
{
  md (b, s && *s ? s : dflt);
}

static void
md_fitness (struct v2c_strbuf *b, const json_t *f)
{
  const json_t *r, *e;
  size_t i, j;

  v2c_strbuf_puts (b, "## Verdict\n\n**");
  md_or (b, v2c_report_str (f, "verdict"), "unknown");
  v2c_strbuf_printf (
      b, "** (score %lld of 100)\n\n",
      (long long) json_integer_value (json_object_get (f, "score")));
  if (json_array_size (json_object_get (f, "rules")) == 0) {
    v2c_strbuf_puts (b, "No rule fired.\n\n");
    return;
  }
  v2c_strbuf_puts (b, "## Fitness rules\n\n");
  json_array_foreach (json_object_get (f, "rules"), i, r)
  {
    v2c_strbuf_puts (b, "### ");
    md (b, v2c_report_str (r, "title"));
    v2c_strbuf_puts (b, "\n\n- Rule: ");
    md (b, v2c_report_str (r, "id"));
    v2c_strbuf_puts (b, "\n- Severity: ");
    md (b, v2c_report_str (r, "severity"));
    v2c_strbuf_puts (b, "\n- Advice: ");
    md (b, v2c_report_str (r, "advice"));
    v2c_strbuf_puts (b, "\n- Evidence:\n");
    json_array_foreach (json_object_get (r, "evidence"), j, e)
    {
      v2c_strbuf_puts (b, "  - ");
      md (b, json_string_value (e));
      v2c_strbuf_puts (b, "\n");
    }
    v2c_strbuf_puts (b, "\n");
  }
}

/* Each component with what it depends on and its persistent volumes. */
static void
md_decomposition (struct v2c_strbuf *b, const json_t *cs)
{
  const json_t *c, *d;
  size_t i;

  if (json_array_size (cs) == 0)
    return;
  v2c_strbuf_puts (b, "\n### Decomposition\n\n");
  json_array_foreach (cs, i, c)
  {
    const json_t *v;
    size_t j;

    v2c_strbuf_puts (b, "- ");
    md (b, v2c_report_str (c, "name"));
    if (json_array_size (json_object_get (c, "depends_on")))
      v2c_strbuf_puts (b, " → ");
    json_array_foreach (json_object_get (c, "depends_on"), j, d)
    {
      if (j)
        v2c_strbuf_puts (b, ", ");
      md (b, json_string_value (d));
    }
    json_array_foreach (json_object_get (c, "volumes"), j, v)
    {
      if (strcmp (v2c_report_str (v, "kind"), "pvc") != 0)
        continue;
      v2c_strbuf_puts (b, "; volume ");
      md (b, v2c_report_str (v, "name"));
      v2c_strbuf_puts (b, " at ");
      md (b, v2c_report_str (v, "mount_path"));
    }
    v2c_strbuf_puts (b, "\n");
  }
  v2c_strbuf_puts (b, "\n");
}

static void
md_table_head (struct v2c_strbuf *b, const char *const *titles, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    v2c_strbuf_printf (b, "| %s ", titles[i]);
  v2c_strbuf_puts (b, "|\n|");
  for (i = 0; i < n; i++)
    v2c_strbuf_puts (b, "---|");
  v2c_strbuf_puts (b, "\n");
}

static void
md_kv_head (struct v2c_strbuf *b, const char *title)
{
  v2c_strbuf_printf (b, "|%s%s | |\n|---|---|\n", title ? " " : "",
                     title ? title : "");
}

/* The title of the page. */
static void
md_top (struct v2c_strbuf *b, const json_t *report)
{
  v2c_strbuf_puts (b, "# v2c report: ");
  md_or (b, v2c_report_str (json_object_get (report, "vm"), "name"),
         "unnamed VM");
  v2c_strbuf_puts (b, "\n\n");
}

static const struct v2c_report_fmt markdown = {
  .kind = V2C_REPORT_MD,
  .text = md,
  /* Markdown has one kind of cell */
  .cell_open = NULL,
  .row = { "| ", " | ", " |\n", "" },
  .none = "none",
  .table_head = md_table_head,
  .kv_head = md_kv_head,
  .kv_label = "| %s | ",
  .empty_tables = 0,
  /* the heading has no anchor: "%.0s" prints nothing of the id */
  .heading = "%.0s## %s\n\n",
  .para = "%s\n\n",
  .code = { "%s: ", NULL, "\n\n", NULL },
  .list = { "", "- ", "\n", "" },
  /* a table ends without a blank line */
  .gap = "\n",
  .fitness = md_fitness,
  .decomposition = md_decomposition,
  .top = md_top,
  .bottom = NULL,
};

char *
v2c_report_markdown (const json_t *report, struct v2c_err *err)
{
  return v2c_report_render (report, &markdown, err);
}
