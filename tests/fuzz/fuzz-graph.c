/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target of lib/fleet-graph.c, lib/fleet-waves.c and
 * lib/fleet-graph-html.c.  The input is a fleet in lines (inventories
 * come from hostile guests):
 *   V HOSTNAME FQDN ADDRESS     a VM ("-" for none)
 *   R KIND HOST PORT            a reference of the last VM
 *   H ADDRESS NAME              an /etc/hosts entry of the last VM
 *   S DOMAIN                    a search domain of the last VM
 *   M N                         at most N VMs a wave
 * Each VM becomes an inventory through the model's loader (what does
 * not load is left out), then the graph, the waves, the bridges and the
 * page are made.  Checked: every VM is in exactly one wave; no wave but
 * the pilot depends on a later one; every edge joins two VMs of the
 * batch; a wave holds at most N VMs unless it is one oversize group.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"

#define MAXVMS 64

struct vmspec {
  char host[64], fqdn[64], addr[64];
  json_t *refs, *hosts, *search;
};

static json_t *
inventory (int i, const struct vmspec *v)
{
  char name[16];
  json_t *ifs = json_array ();

  snprintf (name, sizeof name, "vm%d", i);
  if (strcmp (v->addr, "-") != 0)
    json_array_append_new (ifs, json_pack ("{s:s,s:s,s:[s],s:n,s:n,s:s}",
                                           "name", "eth0", "method", "static",
                                           "addresses", v->addr, "gateway",
                                           "mac", "source", "/i:1"));
  return json_pack (
      "{s:s,s:s,s:s,s:{s:s,s:s,s:[]},s:{s:n,s:n,s:n,s:n,s:[],s:[]},s:n,s:[],"
      "s:{s:s?,s:s?,s:o,s:[],s:O,s:O,s:[]},s:O}",
      "schema", "v2c.inventory/1", "name", name, "generator", "fuzz", "source",
      "format", "disk", "path", "/x", "disks", "hardware", "cpus",
      "memory_mib", "firmware", "guest_os_id", "disks", "nics", "os",
      "filesystems", "network", "hostname",
      strcmp (v->host, "-") ? v->host : NULL, "fqdn",
      strcmp (v->fqdn, "-") ? v->fqdn : NULL, "interfaces", ifs, "routes",
      "hosts", v->hosts, "search", v->search, "nameservers", "references",
      v->refs);
}

static void
check (const struct v2c_fleet_graph *g, const json_t *waves, size_t max)
{
  const json_t *w, *v, *d;
  size_t i, j, seen = 0;

  json_array_foreach (json_object_get (waves, "waves"), i, w)
  {
    json_int_t k = json_integer_value (json_object_get (w, "wave"));
    size_t nv = json_array_size (json_object_get (w, "vms"));

    seen += nv;
    if (max && nv > max && !json_is_true (json_object_get (w, "oversize")))
      abort ();
    json_array_foreach (json_object_get (w, "depends_on"), j, d)
    {
      if (json_integer_value (d) >= k)
        abort ();
    }
    json_array_foreach (json_object_get (w, "bridges"), j, v)
    {
      if (json_integer_value (json_object_get (v, "replaced_in_wave")) <= k)
        abort ();
    }
  }
  if (seen != g->n)
    abort ();
  for (i = 0; i < g->nrefs; i++)
    if (g->refs[i].from >= g->n
        || (g->refs[i].to >= g->n && g->refs[i].to != V2C_FLEET_EXTERNAL
            && g->refs[i].to != V2C_FLEET_AMBIGUOUS)
        || g->refs[i].to == g->refs[i].from)
      abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct vmspec specs[MAXVMS];
  struct v2c_inventory *invs[MAXVMS];
  struct v2c_fleet_node nodes[MAXVMS];
  char names[MAXVMS][16], *text, *line, *save;
  struct v2c_err err = { 0, "" };
  struct v2c_fleet_graph g;
  int nv = 0, i, n = 0;
  size_t max = 0, len;
  json_t *graph, *waves, *w;

  if (size > 16384 || (text = malloc (size + 1)) == NULL)
    return 0;
  memcpy (text, data, size);
  text[size] = '\0';
  for (line = strtok_r (text, "\n", &save); line;
       line = strtok_r (NULL, "\n", &save)) {
    char a[64], b[64], c[64];
    int port;

    if (line[0] == 'V' && nv < MAXVMS
        && sscanf (line + 1, "%63s %63s %63s", a, b, c) == 3) {
      struct vmspec *v = &specs[nv++];

      memcpy (v->host, a, sizeof a);
      memcpy (v->fqdn, b, sizeof b);
      memcpy (v->addr, c, sizeof c);
      v->refs = json_array ();
      v->hosts = json_array ();
      v->search = json_array ();
    } else if (nv && line[0] == 'R'
               && sscanf (line + 1, "%63s %63s %d", a, b, &port) == 3)
      json_array_append_new (specs[nv - 1].refs,
                             json_pack ("{s:s,s:s,s:i,s:s}", "kind", a, "host",
                                        b, "port", port, "source", "/f:1"));
    else if (nv && line[0] == 'H' && sscanf (line + 1, "%63s %63s", a, b) == 2)
      json_array_append_new (specs[nv - 1].hosts,
                             json_pack ("{s:s,s:[s],s:s}", "address", a,
                                        "names", b, "source", "/etc/hosts:1"));
    else if (nv && line[0] == 'S' && sscanf (line + 1, "%63s", a) == 1)
      json_array_append_new (specs[nv - 1].search, json_string (a));
    else if (line[0] == 'M' && sscanf (line + 1, "%d", &port) == 1 && port > 0)
      max = (size_t) port % 16;
  }
  free (text);
  for (i = 0; i < nv; i++) {
    json_t *doc = inventory (i, &specs[i]);
    struct v2c_inventory *inv = doc ? v2c_inventory_load (doc, &err) : NULL;

    json_decref (doc);
    json_decref (specs[i].refs);
    json_decref (specs[i].hosts);
    json_decref (specs[i].search);
    if (inv == NULL)
      continue;
    snprintf (names[n], sizeof names[n], "vm%d", i);
    invs[n] = inv;
    nodes[n].name = nodes[n].kube_name = names[n];
    nodes[n].verdict = i % 3 ? "good" : "moderate";
    nodes[n].inv = inv;
    n++;
  }
  if (v2c_fleet_graph_build (nodes, (size_t) n, &g, &err) == 0) {
    graph = v2c_fleet_graph_json (&g, &err);
    waves = v2c_fleet_waves_json (&g, max, &err);
    if (graph && waves) {
      size_t k;

      check (&g, waves, max);
      json_array_foreach (json_object_get (waves, "waves"), k, w)
        json_decref (v2c_fleet_bridge_objects (w, &err));
      free (v2c_fleet_graph_html (graph, waves, &len, &err));
    }
    json_decref (graph);
    json_decref (waves);
    v2c_fleet_graph_free (&g);
  }
  for (i = 0; i < n; i++)
    v2c_inventory_free (invs[i]);
  return 0;
}
