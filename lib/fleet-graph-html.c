/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * graph.html: the fleet's dependency graph as one self-contained page
 * (inline CSS and SVG, no script, nothing fetched), drawn from
 * graph.json and waves.json: one column per wave (the pilot first),
 * the hosts outside the batch in a last column, an arrow per VM -> VM
 * edge labelled with its references; then the edges with their
 * evidence, the external dependencies and the waves as tables.  Every
 * string from the inventories is escaped.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"

#define COL_W 330
#define BOX_W 210
#define BOX_H 46
#define ROW_H 72
#define TOP 56
#define LEFT 24

static const char *
str_of (const json_t *o, const char *key)
{
  return json_string_value (json_object_get (o, key));
}

static const char *
verdict_colour (const char *v)
{
  static const struct {
    const char *v, *c;
  } t[] = { { "excellent", "#2e7d32" }, { "good", "#558b2f" },
            { "moderate", "#ef6c00" },  { "poor", "#c62828" },
            { "not-containerisable", "#6a1b9a" } };
  size_t i;

  for (i = 0; v && i < sizeof t / sizeof t[0]; i++)
    if (strcmp (v, t[i].v) == 0)
      return t[i].c;
  return "#607d8b";
}

/* Where each VM and each external host is drawn. */
struct pos {
  int x, y;
};

struct layout {
  json_t *index; /* {VM name: its index in graph.json's vms} */
  size_t nvms, next, ncols;
  struct pos *vm, *ext;
  int width, height;
};

/* The index of VM name in graph.json's vms (from l->index, built
 * once), or (size_t) -1. */
static size_t
vm_index (const struct layout *l, const char *name)
{
  const json_t *k = name ? json_object_get (l->index, name) : NULL;

  return k ? (size_t) json_integer_value (k) : (size_t) -1;
}

static int
layout_make (struct layout *l, const json_t *graph, const json_t *waves)
{
  const json_t *w, *v;
  size_t i, j, *rows;
  size_t maxrow = 0;

  l->nvms = json_array_size (json_object_get (graph, "vms"));
  l->next = json_array_size (json_object_get (graph, "external"));
  l->ncols = json_array_size (json_object_get (waves, "waves"));
  if (l->ncols == 0)
    l->ncols = 1;
  l->vm = calloc (l->nvms + 1, sizeof *l->vm);
  l->ext = calloc (l->next + 1, sizeof *l->ext);
  rows = calloc (l->ncols + 1, sizeof *rows);
  l->index = json_object ();
  if (l->vm == NULL || l->ext == NULL || rows == NULL || l->index == NULL) {
    free (rows);
    return -1;
  }
  json_array_foreach (json_object_get (graph, "vms"), i, v)
  {
    const char *name = str_of (v, "name");

    /* the first of a name, as a linear search would find */
    if (name && json_object_get (l->index, name) == NULL
        && json_object_set_new (l->index, name, json_integer ((json_int_t) i))
               == -1) {
      free (rows);
      return -1;
    }
  }
  for (i = 0; i < l->nvms; i++)
    l->vm[i].x = -1;
  json_array_foreach (json_object_get (waves, "waves"), i, w)
  {
    json_array_foreach (json_object_get (w, "vms"), j, v)
    {
      size_t k = vm_index (l, json_string_value (v));

      if (k < l->nvms) {
        l->vm[k].x = LEFT + (int) i * COL_W;
        l->vm[k].y = TOP + (int) rows[i]++ * ROW_H;
      }
    }
  }
  for (i = 0; i < l->nvms; i++)
    if (l->vm[i].x < 0) {
      l->vm[i].x = LEFT;
      l->vm[i].y = TOP + (int) rows[0]++ * ROW_H;
    }
  for (i = 0; i < l->next; i++) {
    l->ext[i].x = LEFT + (int) l->ncols * COL_W;
    l->ext[i].y = TOP + (int) i * ROW_H;
  }
  for (i = 0; i < l->ncols; i++)
    if (rows[i] > maxrow)
      maxrow = rows[i];
  if (l->next > maxrow)
    maxrow = l->next;
  free (rows);
  l->width = LEFT * 2 + (int) (l->ncols + (l->next > 0)) * COL_W;
  l->height = TOP + (int) (maxrow ? maxrow : 1) * ROW_H + 16;
  return 0;
}

static void
svg_box (struct v2c_strbuf *f, const struct pos *p, const char *title,
         const char *sub, const char *colour, int dashed)
{
  v2c_strbuf_printf (f,
                     "<g><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                     "rx=\"6\" fill=\"#fff\" stroke=\"%s\" stroke-width=\"2\"%s/>"
                     "<text x=\"%d\" y=\"%d\" class=\"t\">",
                     p->x, p->y, BOX_W, BOX_H, colour,
                     dashed ? " stroke-dasharray=\"5 3\"" : "", p->x + 10,
                     p->y + 19);
  v2c_fleet_html_escape (f, title);
  v2c_strbuf_printf (f, "</text><text x=\"%d\" y=\"%d\" class=\"s\">",
                     p->x + 10, p->y + 36);
  v2c_fleet_html_escape (f, sub);
  v2c_strbuf_puts (f, "</text></g>\n");
}

/* An arrow from box a to box b: straight between neighbouring columns,
 * else a curve that dips into the gap below the row (boxes of the
 * columns between are not crossed); its label at its middle. */
static void
svg_arrow (struct v2c_strbuf *f, const struct pos *a, const struct pos *b,
           const char *label, const char *cls)
{
  int x1, y1 = a->y + BOX_H / 2, x2, y2 = b->y + BOX_H / 2, span, dip;
  int lx, ly;

  span = (b->x > a->x ? b->x - a->x : a->x - b->x) / COL_W;
  if (b->x > a->x) {
    x1 = a->x + BOX_W;
    x2 = b->x;
  } else if (b->x < a->x) {
    x1 = a->x;
    x2 = b->x + BOX_W;
  } else { /* same column: along the right side */
    x1 = a->x + BOX_W;
    x2 = b->x + BOX_W;
  }
  if (span == 1) {
    v2c_strbuf_printf (f,
                       "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                       "class=\"%s\" marker-end=\"url(#arrow)\"/>",
                       x1, y1, x2, y2, cls);
    lx = (x1 + x2) / 2;
    ly = (y1 + y2) / 2 - 5;
  } else {
    int c1 = x1 == x2 ? x1 + 60 : x1, c2 = x1 == x2 ? x2 + 60 : x2;

    /* the curve's middle is 3/4 of the dip below the two ends: just
     * under the boxes (ROW_H - BOX_H of gap) */
    dip = (BOX_H / 2 + (ROW_H - BOX_H) / 3) * 4 / 3;
    v2c_strbuf_printf (f,
                       "<path d=\"M%d %d C%d %d %d %d %d %d\" class=\"%s\" "
                       "marker-end=\"url(#arrow)\"/>",
                       x1, y1, c1, y1 + dip, c2, y2 + dip, x2, y2, cls);
    lx = x1 == x2 ? x1 + 45 : (x1 + x2) / 2;
    ly = (y1 + y2) / 2 + dip * 3 / 4 + 12;
  }
  v2c_strbuf_printf (f,
                     "<text x=\"%d\" y=\"%d\" class=\"l\" "
                     "text-anchor=\"middle\">",
                     lx, ly);
  v2c_fleet_html_escape (f, label);
  v2c_strbuf_puts (f, "</text>\n");
}

/* "postgresql:5432" ... of an edge's references, at most three. */
static void
edge_label (const json_t *refs, char *out, size_t size)
{
  const json_t *r;
  size_t i, used = 0;

  out[0] = '\0';
  json_array_foreach (refs, i, r)
  {
    const char *kind = str_of (r, "kind");
    json_int_t port = json_integer_value (json_object_get (r, "port"));
    char one[96];

    if (i == 3) {
      snprintf (out + used, size - used, " +%zu", json_array_size (refs) - 3);
      break;
    }
    if (port > 0)
      snprintf (one, sizeof one, "%s%s:%" JSON_INTEGER_FORMAT, i ? ", " : "",
                kind ? kind : "?", port);
    else
      snprintf (one, sizeof one, "%s%s", i ? ", " : "", kind ? kind : "?");
    if (used + strlen (one) + 1 >= size)
      break;
    memcpy (out + used, one, strlen (one) + 1);
    used += strlen (one);
  }
}

static void
svg (struct v2c_strbuf *f, const json_t *graph, const json_t *waves,
     const struct layout *l)
{
  const json_t *v, *e;
  size_t i, j;
  char label[160];

  v2c_strbuf_printf (
      f,
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"dependency graph\">\n"
      "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" "
      "refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">"
      "<path d=\"M0 0 L10 5 L0 10 z\" fill=\"#37474f\"/></marker></defs>\n",
      l->width, l->height, l->width, l->height);
  json_array_foreach (json_object_get (waves, "waves"), i, v)
  {
    v2c_strbuf_printf (f, "<text x=\"%d\" y=\"30\" class=\"h\">wave %zu%s</text>\n",
                       LEFT + (int) i * COL_W, i + 1,
                       json_is_true (json_object_get (v, "pilot")) ? " (pilot)"
                                                                  : "");
  }
  if (l->next)
    v2c_strbuf_printf (f,
                       "<text x=\"%d\" y=\"30\" class=\"h\">outside the batch"
                       "</text>\n",
                       LEFT + (int) l->ncols * COL_W);
  json_array_foreach (json_object_get (graph, "edges"), i, e)
  {
    size_t a = vm_index (l, str_of (e, "from"));
    size_t b = vm_index (l, str_of (e, "to"));

    if (a < l->nvms && b < l->nvms) {
      edge_label (json_object_get (e, "references"), label, sizeof label);
      svg_arrow (f, &l->vm[a], &l->vm[b], label, "e");
    }
  }
  json_array_foreach (json_object_get (graph, "external"), i, e)
  {
    const json_t *r;

    json_array_foreach (json_object_get (e, "references"), j, r)
    {
      size_t a = vm_index (l, str_of (r, "from"));

      /* one arrow per VM and host: the first of its references */
      if (a < l->nvms && (j == 0 || strcmp (str_of (r, "from"),
                                            str_of (json_array_get (
                                                        json_object_get (
                                                            e, "references"),
                                                        j - 1),
                                                    "from"))
                                        != 0)) {
        json_t *one = json_pack ("[O]", r);

        edge_label (one, label, sizeof label);
        json_decref (one);
        svg_arrow (f, &l->vm[a], &l->ext[i], label, "x");
      }
    }
  }
  json_array_foreach (json_object_get (graph, "vms"), i, v)
  {
    const char *verdict = str_of (v, "verdict");
    char sub[160];

    snprintf (sub, sizeof sub, "%s%s%s", verdict ? verdict : "no verdict",
              str_of (v, "hostname") ? " · " : "",
              str_of (v, "hostname") ? str_of (v, "hostname") : "");
    svg_box (f, &l->vm[i], str_of (v, "name"), sub, verdict_colour (verdict),
             0);
  }
  json_array_foreach (json_object_get (graph, "external"), i, e)
  {
    svg_box (f, &l->ext[i], str_of (e, "host"), "external dependency",
             "#90a4ae", 1);
  }
  v2c_strbuf_puts (f, "</svg>\n");
}

static void
cell (struct v2c_strbuf *f, const char *s)
{
  v2c_strbuf_puts (f, "<td>");
  v2c_fleet_html_escape (f, s ? s : "");
  v2c_strbuf_puts (f, "</td>");
}

static void
ref_cells (struct v2c_strbuf *f, const json_t *r)
{
  char hp[300];
  json_int_t port = json_integer_value (json_object_get (r, "port"));
  const char *h = str_of (r, "host"), *via = str_of (r, "resolved_by");
  const char *he = str_of (r, "hosts_entry");
  char how[300];

  if (port > 0)
    snprintf (hp, sizeof hp, "%s:%" JSON_INTEGER_FORMAT, h ? h : "", port);
  else
    snprintf (hp, sizeof hp, "%s", h ? h : "");
  snprintf (how, sizeof how, "%s%s%s", via ? via : "", he ? " " : "",
            he ? he : "");
  cell (f, str_of (r, "kind"));
  cell (f, hp);
  cell (f, str_of (r, "source"));
  cell (f, how);
}

/* One table: a row per reference of each entry of list (edges, or
 * hosts outside the batch, or names several VMs have); each row starts
 * with the cells of keys, read from the entry ("e.") or from the
 * reference ("r."), then the reference's own cells. */
static void
ref_table (struct v2c_strbuf *f, const char *title, const json_t *list,
           const char *const *keys, const char *const *heads)
{
  const json_t *e, *r;
  size_t i, j, k;

  v2c_strbuf_printf (f, "<h2>%s</h2>\n<table><tr>", title);
  for (k = 0; heads[k]; k++)
    v2c_strbuf_printf (f, "<th>%s</th>", heads[k]);
  v2c_strbuf_puts (f, "<th>kind</th><th>reference</th><th>evidence</th>"
                      "<th>resolved by</th></tr>\n");
  json_array_foreach (list, i, e)
  {
    json_array_foreach (json_object_get (e, "references"), j, r)
    {
      v2c_strbuf_puts (f, "<tr>");
      for (k = 0; keys[k]; k++)
        cell (f, str_of (keys[k][0] == 'e' ? e : r, keys[k] + 2));
      ref_cells (f, r);
      v2c_strbuf_puts (f, "</tr>\n");
    }
  }
  v2c_strbuf_puts (f, "</table>\n");
}

static void
tables (struct v2c_strbuf *f, const json_t *graph, const json_t *waves)
{
  static const char *const ekeys[]
      = { "e.from", "r.from_component", "e.to", "r.to_component", NULL };
  static const char *const eheads[]
      = { "from", "component", "to", "component", NULL };
  static const char *const xkeys[]
      = { "e.host", "r.from", "r.from_component", NULL };
  static const char *const xheads[] = { "host", "from", "component", NULL };

  ref_table (f, "Edges", json_object_get (graph, "edges"), ekeys, eheads);
  ref_table (f, "Outside the batch", json_object_get (graph, "external"),
             xkeys, xheads);
  if (json_array_size (json_object_get (graph, "ambiguous")))
    ref_table (f, "Names several VMs have",
               json_object_get (graph, "ambiguous"), xkeys, xheads);
  v2c_fleet_html_waves_table (f, waves);
}

char *
v2c_fleet_graph_html (const json_t *graph, const json_t *waves, size_t *lenp,
                      struct v2c_err *err)
{
  struct v2c_strbuf f = V2C_STRBUF_INIT;
  struct layout l;
  const json_t *counts = json_object_get (graph, "counts");

  memset (&l, 0, sizeof l);
  if (layout_make (&l, graph, waves) == -1)
    goto oom;
  v2c_strbuf_puts (
      &f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
          "\n<title>v2c dependency graph</title>\n<style>\n"
          "body{font:14px/1.4 'DejaVu Sans',sans-serif;margin:24px;color:#263238}"
          "\ntable{border-collapse:collapse;margin:8px 0 24px}"
          "\ntd,th{border:1px solid #cfd8dc;padding:3px 8px;text-align:left}"
          "\nth{background:#eceff1}\n.g{overflow:auto;border:1px solid #cfd8dc}"
          "\n.t{font:bold 13px 'DejaVu Sans',sans-serif;fill:#263238}"
          "\n.s{font:11px 'DejaVu Sans',sans-serif;fill:#546e7a}"
          "\n.h{font:bold 13px 'DejaVu Sans',sans-serif;fill:#37474f}"
          "\n.l{font:11px 'DejaVu Sans',sans-serif;fill:#37474f}"
          "\n.e{stroke:#37474f;stroke-width:1.5;fill:none}"
          "\n.x{stroke:#90a4ae;stroke-width:1.2;stroke-dasharray:4 3;fill:none}"
          "\n</style>\n</head>\n<body>\n<h1>Dependency graph</h1>\n");
  v2c_strbuf_printf (
      &f,
      "<p>VMs: %" JSON_INTEGER_FORMAT "; edges between them: %"
      JSON_INTEGER_FORMAT "; hosts outside the batch: %" JSON_INTEGER_FORMAT
      "; references in their configuration files: %" JSON_INTEGER_FORMAT
      ".  An arrow goes from the VM that calls to the VM it calls.</p>\n"
      "<div class=\"g\">\n",
      json_integer_value (json_object_get (counts, "vms")),
      json_integer_value (json_object_get (counts, "edges")),
      json_integer_value (json_object_get (counts, "external_hosts")),
      json_integer_value (json_object_get (counts, "references")));
  svg (&f, graph, waves, &l);
  v2c_strbuf_puts (&f, "</div>\n");
  tables (&f, graph, waves);
  v2c_strbuf_puts (&f, "</body>\n</html>\n");
  free (l.vm);
  free (l.ext);
  json_decref (l.index);
  if (f.failed)
    goto oom;
  if (lenp)
    *lenp = f.len;
  return f.s;
oom:
  free (l.vm);
  free (l.ext);
  json_decref (l.index);
  v2c_strbuf_release (&f);
  v2c_set_error (err, ENOMEM, "can't build graph.html");
  return NULL;
}
