/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The report as one self-contained HTML page: inline CSS (with a print
 * style), an inline SVG diagram of the components, no script and no
 * URL to fetch.  Every string is escaped: names and paths come from
 * the guest.  The diagram's layout is computed here, deterministically:
 * one column per dependency depth, boxes in plan order.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "report-private.h"

/* Components drawn; the table lists them all. */
#define MAX_DRAWN 200
/* Dependencies of one component followed in the diagram. */
#define MAX_EDGES 64
#define BOX_W 230
#define BOX_H 66
#define COL_W 310
#define CYL_H 40
#define MAX_CYLS 3
#define GAP 26
#define MARGIN 20

/* Text for HTML and SVG: the five XML specials as entities, control
 * characters (not allowed in XML) as spaces. */
static void
esc_n (struct v2c_strbuf *b, const char *s, size_t n)
{
  static const char specials[] = "&<>\"'";
  static const char *const entities[]
      = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };
  size_t i;

  for (i = 0; s && i < n && s[i]; i++) {
    unsigned char c = (unsigned char) s[i];
    const char *special = strchr (specials, c);

    if (special)
      v2c_strbuf_puts (b, entities[special - specials]);
    else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
      v2c_strbuf_puts (b, " ");
    else
      v2c_strbuf_add (b, &s[i], 1);
  }
}

static void
esc (struct v2c_strbuf *b, const char *s)
{
  esc_n (b, s, (size_t) -1);
}

static void
esc_or (struct v2c_strbuf *b, const char *s, const char *dflt)
{
  esc (b, s && *s ? s : dflt);
}

/* At most max characters of s (UTF-8), with an ellipsis when cut. */
static void
esc_cut (struct v2c_strbuf *b, const char *s, size_t max)
{
  size_t i = 0, chars = 0;

  while (s[i] && chars < max) {
    i++;
    while (((unsigned char) s[i] & 0xc0) == 0x80)
      i++;
    chars++;
  }
  esc_n (b, s, i);
  if (s[i])
    v2c_strbuf_puts (b, "\xe2\x80\xa6");
}

/* The class suffix of a migration path: one of the four known, or
 * "refactor" for anything else the input holds. */
static const char *
path_class (const char *path)
{
  static const char *const known[] = { "replatform", "replace", "retain" };
  size_t i;

  for (i = 0; i < sizeof known / sizeof known[0]; i++)
    if (strcmp (path, known[i]) == 0)
      return known[i];
  return "refactor";
}

static const char css[]
    = "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
      "color:#1d2430;margin:2em auto;max-width:1180px;padding:0 1em}"
      "h1{font-size:1.7em;margin-bottom:.2em}"
      "h2{border-bottom:2px solid #d5dbe3;padding-bottom:.2em;margin-top:"
      "1.6em}"
      "table{border-collapse:collapse;width:100%;margin:.6em 0}"
      "th,td{border:1px solid #cfd6df;padding:.35em .55em;text-align:left;"
      "vertical-align:top;overflow-wrap:break-word}"
      ".nw{white-space:nowrap}"
      "th{background:#eef2f6}"
      "code{font:13px ui-monospace,monospace;background:#f3f5f8;padding:0 "
      ".2em}"
      ".verdict{display:inline-block;font-size:1.3em;font-weight:700;"
      "padding:.3em .9em;border-radius:6px;color:#fff}"
      ".v-excellent{background:#1e7d32}.v-good{background:#4b8f29}"
      ".v-moderate{background:#b7791f}.v-poor{background:#c0392b}"
      ".v-not-containerisable{background:#5a2a82}"
      ".sev{font-weight:700;text-transform:uppercase;font-size:.8em}"
      ".s-blocker{color:#5a2a82}.s-high{color:#c0392b}.s-medium{color:"
      "#b7791f}.s-low{color:#4b6a88}.s-info{color:#667}"
      ".rule{border-left:4px solid #cfd6df;padding:.2em .9em;margin:.8em 0}"
      ".p-replatform{color:#1e7d32;font-weight:600}.p-replace{color:#1f5fa8;"
      "font-weight:600}.p-refactor{color:#b7791f;font-weight:600}"
      ".p-retain{color:#666;font-weight:600}"
      "svg{max-width:100%;height:auto;border:1px solid #e1e6ec}"
      "svg text{font:12px system-ui,sans-serif;fill:#1d2430}"
      "svg .name{font-weight:700;font-size:13px}"
      "svg .box{stroke:#56657a;stroke-width:1.2}"
      "svg .b-replatform{fill:#e3f2e5}svg .b-replace{fill:#e1ecf8}"
      "svg .b-refactor{fill:#fbefd9}svg .b-retain{fill:#eceef1}"
      "svg .cyl{fill:#f4f1fb;stroke:#6d5a9c}"
      "svg .dep{stroke:#56657a;stroke-width:1.4;fill:none}"
      "footer{margin-top:2em;color:#667;font-size:.85em}"
      "@media print{body{margin:0;max-width:none;font-size:11pt}"
      "h2{break-after:avoid}table,.rule,svg{break-inside:avoid}"
      "th{background:#eee}.verdict{color:#000;border:2px solid #000;"
      "background:none}}";

struct node {
  const json_t *c;
  int level, x, y, h;
  int deps[MAX_EDGES];
  size_t ndeps;
};

/* The nodes of the first n components: their dependencies, their
 * column (1 + the deepest dependency) and their place in it.  The
 * number of columns; colh[] the height of each. */
static size_t
layout (struct node *nodes, size_t n, const json_t *cs, int *colh)
{
  size_t i, j, k, pass, nlevels = 0;
  int changed = 1;

  for (i = 0; i < n; i++) {
    const json_t *deps, *d;

    nodes[i].c = json_array_get (cs, i);
    deps = json_object_get (nodes[i].c, "depends_on");
    json_array_foreach (deps, j, d)
    {
      const char *dn = json_string_value (d);

      if (dn == NULL || nodes[i].ndeps >= MAX_EDGES)
        continue;
      for (k = 0; k < n; k++)
        if (k != i
            && strcmp (v2c_report_str (json_array_get (cs, k), "name"), dn)
                   == 0) {
          nodes[i].deps[nodes[i].ndeps++] = (int) k;
          break;
        }
    }
  }
  /* depth = 1 + the deepest dependency; a cycle stops at n passes */
  for (pass = 0; changed && pass < n; pass++) {
    changed = 0;
    for (i = 0; i < n; i++)
      for (j = 0; j < nodes[i].ndeps; j++) {
        int want = nodes[nodes[i].deps[j]].level + 1;
        if (want > nodes[i].level && want < (int) n) {
          nodes[i].level = want;
          changed = 1;
        }
      }
  }
  for (i = 0; i < n; i++) {
    const json_t *v;
    int cyl = 0;

    json_array_foreach (json_object_get (nodes[i].c, "volumes"), j,
                        v) if (strcmp (v2c_report_str (v, "kind"), "pvc") == 0)
        cyl++;
    if (cyl > MAX_CYLS)
      cyl = MAX_CYLS + 1; /* the last line says how many more */
    nodes[i].h = BOX_H + cyl * CYL_H;
    nodes[i].x = MARGIN + nodes[i].level * COL_W;
    nodes[i].y = MARGIN + colh[nodes[i].level];
    colh[nodes[i].level] += nodes[i].h + GAP;
    if ((size_t) nodes[i].level + 1 > nlevels)
      nlevels = (size_t) nodes[i].level + 1;
  }
  return nlevels;
}

/* One component's box: its name, kind, path and ports, and a cylinder
 * for each of its first MAX_CYLS claims. */
static void
draw_node (struct v2c_strbuf *b, const struct node *nd)
{
  const json_t *p, *v;
  struct v2c_strbuf ports = V2C_STRBUF_INIT;
  size_t j;
  int cy = nd->y + BOX_H, shown = 0, pvcs = 0;

  v2c_strbuf_puts (b, "<g><title>");
  esc (b, v2c_report_str (nd->c, "name"));
  v2c_strbuf_puts (b, ": ");
  esc (b, v2c_report_str (nd->c, "path"));
  v2c_strbuf_printf (b,
                     "</title>\n<rect class=\"box b-%s\" x=\"%d\" y=\"%d\" "
                     "width=\"%d\" height=\"%d\" rx=\"6\"/>\n",
                     path_class (v2c_report_str (nd->c, "path")), nd->x, nd->y,
                     BOX_W, BOX_H);
  v2c_strbuf_printf (b, "<text class=\"name\" x=\"%d\" y=\"%d\">", nd->x + 10,
                     nd->y + 20);
  esc_cut (b, v2c_report_str (nd->c, "name"), 28);
  v2c_strbuf_printf (b, "</text>\n<text x=\"%d\" y=\"%d\">", nd->x + 10,
                     nd->y + 38);
  esc_cut (b, v2c_report_str (nd->c, "kind"), 14);
  v2c_strbuf_puts (b, " \xc2\xb7 ");
  esc_cut (b, v2c_report_str (nd->c, "path"), 12);
  v2c_strbuf_printf (b, "</text>\n<text x=\"%d\" y=\"%d\">ports: ", nd->x + 10,
                     nd->y + 56);
  json_array_foreach (json_object_get (nd->c, "ports"), j, p)
      v2c_strbuf_printf (
          &ports, "%s%lld/%.8s", j ? " " : "",
          (long long) json_integer_value (json_object_get (p, "port")),
          v2c_report_str (p, "protocol"));
  if (ports.failed)
    b->failed = 1;
  esc_cut (b, ports.s ? ports.s : "none", 30);
  free (ports.s);
  v2c_strbuf_puts (b, "</text>\n");
  json_array_foreach (json_object_get (nd->c, "volumes"), j, v)
  {
    if (strcmp (v2c_report_str (v, "kind"), "pvc") != 0)
      continue;
    pvcs++;
    if (shown >= MAX_CYLS)
      continue;
    shown++;
    /* a cylinder: body, then the top ellipse over it */
    v2c_strbuf_printf (
        b,
        "<path class=\"cyl\" d=\"M%d,%d v20 a40,6 0 0,0 80,0 v-20\"/>"
        "<ellipse class=\"cyl\" cx=\"%d\" cy=\"%d\" rx=\"40\" ry=\"6\"/>"
        "<text x=\"%d\" y=\"%d\">",
        nd->x + 20, cy + 10, nd->x + 60, cy + 10, nd->x + 108, cy + 25);
    esc_cut (b, v2c_report_str (v, "mount_path"), 18);
    v2c_strbuf_puts (b, "</text>\n");
    cy += CYL_H;
  }
  if (pvcs > shown)
    v2c_strbuf_printf (b, "<text x=\"%d\" y=\"%d\">+%d more volumes</text>\n",
                       nd->x + 20, cy + 20, pvcs - shown);
  v2c_strbuf_puts (b, "</g>\n");
}

static void
diagram (struct v2c_strbuf *b, const json_t *cs)
{
  size_t n = json_array_size (cs), i, j, nlevels;
  struct node *nodes;
  int colh[MAX_DRAWN] = { 0 }, width, height = 0;

  if (n > MAX_DRAWN)
    n = MAX_DRAWN;
  if (n == 0) {
    v2c_strbuf_puts (b, "<p>No component to draw.</p>\n");
    return;
  }
  nodes = calloc (n, sizeof *nodes);
  if (nodes == NULL) {
    b->failed = 1;
    return;
  }
  nlevels = layout (nodes, n, cs, colh);
  for (i = 0; i < nlevels; i++)
    if (colh[i] > height)
      height = colh[i];
  width = 2 * MARGIN + (int) nlevels * COL_W - (COL_W - BOX_W);
  height += 2 * MARGIN - GAP;
  v2c_strbuf_printf (b,
                     "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
                     "aria-label=\"components and their dependencies\" "
                     "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n"
                     "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" "
                     "refX=\"10\" refY=\"5\" markerWidth=\"8\" "
                     "markerHeight=\"8\" orient=\"auto-start-reverse\">"
                     "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#56657a\"/>"
                     "</marker></defs>\n",
                     width, height, width, height);
  for (i = 0; i < n; i++)
    for (j = 0; j < nodes[i].ndeps; j++) {
      const struct node *s = &nodes[i], *d = &nodes[nodes[i].deps[j]];
      int sy = s->y + BOX_H / 2, dy = d->y + BOX_H / 2;

      if (d->x < s->x)
        v2c_strbuf_printf (
            b,
            "<path class=\"dep\" d=\"M%d,%d C%d,%d %d,%d %d,%d\" "
            "marker-end=\"url(#arrow)\"/>\n",
            s->x, sy, s->x - 40, sy, d->x + BOX_W + 40, dy, d->x + BOX_W, dy);
      else
        v2c_strbuf_printf (
            b,
            "<path class=\"dep\" d=\"M%d,%d C%d,%d %d,%d %d,%d\" "
            "marker-end=\"url(#arrow)\"/>\n",
            s->x + BOX_W, sy, s->x + BOX_W + 50, sy, d->x + BOX_W + 50, dy,
            d->x + BOX_W, dy);
    }
  for (i = 0; i < n; i++)
    draw_node (b, &nodes[i]);
  v2c_strbuf_puts (b, "</svg>\n");
  if (json_array_size (cs) > n)
    v2c_strbuf_printf (b,
                       "<p>The diagram shows the first %zu of %zu "
                       "components.</p>\n",
                       n, json_array_size (cs));
  free (nodes);
}

static void
html_fitness (struct v2c_strbuf *b, const json_t *f)
{
  const json_t *r, *e;
  const char *v = v2c_report_str (f, "verdict");
  size_t i, j;
  static const char *const known[] = {
    "excellent", "good", "moderate", "poor", "not-containerisable", NULL
  };

  for (i = 0; known[i] && strcmp (known[i], v) != 0; i++)
    ;
  v2c_strbuf_printf (
      b,
      "<h2 id=\"verdict\">Verdict</h2>\n<p><span class=\"verdict "
      "v-%s\">",
      known[i] ? known[i] : "poor");
  esc_or (b, v, "unknown");
  v2c_strbuf_printf (
      b, "</span> score %lld of 100</p>\n",
      (long long) json_integer_value (json_object_get (f, "score")));
  v2c_strbuf_puts (b, "<h2 id=\"rules\">Fitness rules</h2>\n");
  if (json_array_size (json_object_get (f, "rules")) == 0)
    v2c_strbuf_puts (b, "<p>No rule fired.</p>\n");
  json_array_foreach (json_object_get (f, "rules"), i, r)
  {
    const char *sev = v2c_report_str (r, "severity");

    v2c_strbuf_puts (b, "<div class=\"rule\"><p><span class=\"sev s-");
    esc (b, strspn (sev, "abcdefghijklmnopqrstuvwxyz") == strlen (sev)
                ? sev
                : "info");
    v2c_strbuf_puts (b, "\">");
    esc (b, sev);
    v2c_strbuf_puts (b, "</span> <strong>");
    esc (b, v2c_report_str (r, "title"));
    v2c_strbuf_puts (b, "</strong> <code>");
    esc (b, v2c_report_str (r, "id"));
    v2c_strbuf_puts (b, "</code></p>\n<p>");
    esc (b, v2c_report_str (r, "advice"));
    v2c_strbuf_puts (b, "</p>\n<ul>\n");
    json_array_foreach (json_object_get (r, "evidence"), j, e)
    {
      v2c_strbuf_puts (b, "<li><code>");
      esc (b, json_string_value (e));
      v2c_strbuf_puts (b, "</code></li>\n");
    }
    v2c_strbuf_puts (b, "</ul></div>\n");
  }
}

static void
html_decomposition (struct v2c_strbuf *b, const json_t *cs)
{
  v2c_strbuf_puts (b, "<h2 id=\"diagram\">Decomposition</h2>\n"
                      "<p>Arrows point from a component to the ones it "
                      "depends on; cylinders are persistent volumes.</p>\n");
  diagram (b, cs);
}

static void
html_table_head (struct v2c_strbuf *b, const char *const *titles, size_t n)
{
  size_t i;

  v2c_strbuf_puts (b, "<table><thead><tr>");
  for (i = 0; i < n; i++)
    v2c_strbuf_printf (b, "<th>%s</th>", titles[i]);
  v2c_strbuf_puts (b, "</tr></thead><tbody>\n");
}

static void
html_kv_head (struct v2c_strbuf *b, const char *title)
{
  v2c_strbuf_puts (b, "<table><tbody>\n");
}

static void
html_cell_open (struct v2c_strbuf *b, enum v2c_report_cell how,
                const char *value)
{
  switch (how) {
  case V2C_CELL_PLAIN:
    v2c_strbuf_puts (b, "<td>");
    break;
  case V2C_CELL_CODE:
    v2c_strbuf_puts (b, "<td><code>");
    break;
  case V2C_CELL_NOWRAP:
    v2c_strbuf_puts (b, "<td class=\"nw\">");
    break;
  case V2C_CELL_PATH:
    v2c_strbuf_printf (b, "<td class=\"nw p-%s\">", path_class (value));
    break;
  }
}

static void
html_cell_close (struct v2c_strbuf *b, enum v2c_report_cell how)
{
  v2c_strbuf_puts (b, how == V2C_CELL_CODE ? "</code></td>" : "</td>");
}

/* The page up to the first section: head, style, title. */
static void
html_top (struct v2c_strbuf *b, const json_t *report)
{
  const char *name = v2c_report_str (json_object_get (report, "vm"), "name");

  if (name[0] == '\0')
    name = "unnamed VM";
  v2c_strbuf_puts (b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                      "<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, "
                      "initial-scale=1\">\n<title>v2c report: ");
  esc (b, name);
  v2c_strbuf_printf (b,
                     "</title>\n<style>%s</style>\n</head>\n<body>\n"
                     "<h1>v2c report: ",
                     css);
  esc (b, name);
  v2c_strbuf_puts (b, "</h1>\n");
}

static void
html_bottom (struct v2c_strbuf *b, const json_t *report)
{
  (void) report;
  v2c_strbuf_puts (b, "<footer>Made by v2c from the VM's inventory and "
                      "plan.</footer>\n</body>\n</html>\n");
}

static const struct v2c_report_fmt html = {
  .kind = V2C_REPORT_HTML,
  .text = esc,
  .cell_open = html_cell_open,
  .cell_close = html_cell_close,
  .row = { "<tr>", "", "</tr>\n", "</tbody></table>\n" },
  .none = "",
  .table_head = html_table_head,
  .kv_head = html_kv_head,
  .kv_label = "<tr><th>%s</th>",
  .empty_tables = 1,
  .heading = "<h2 id=\"%s\">%s</h2>\n",
  .para = "<p>%s</p>\n",
  .code = { "<p>%s <code>", NULL, "</code></p>\n", NULL },
  .list = { "<ul>\n", "<li>", "</li>\n", "</ul>\n" },
  .gap = "",
  .fitness = html_fitness,
  .decomposition = html_decomposition,
  .top = html_top,
  .bottom = html_bottom,
};

char *
v2c_report_html (const json_t *report, struct v2c_err *err)
{
  return v2c_report_render (report, &html, err);
}
