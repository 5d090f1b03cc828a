/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Migration waves (waves.json) from the dependency graph.  VMs that
 * reach each other in a cycle are one group (strongly connected
 * components, Tarjan's algorithm without recursion); the groups are
 * levelled so that a group comes after every group it reaches.  Wave 1
 * is the pilot: the group of the best fitness, then the fewest
 * dependants (nothing else breaks if it goes wrong), then the most
 * dependencies (it proves the bridges the later waves rely on), then
 * the first name.  The other groups follow level by level, at most
 * max VMs in a wave.  What a wave's VMs reach in a later wave (only
 * the pilot can) goes through a bridge: a Service without selector, an
 * EndpointSlice with the old VM's address and an egress NetworkPolicy,
 * until the VM moves; then the handover replaces it: the Service of the
 * same name reaching the moved VM's Service (by its selector, or as an
 * ExternalName across namespaces).  Everything is linear in the graph's
 * size but for the sorts.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "kube.h"

#define NONE SIZE_MAX

struct bref {
  size_t wave;
  const struct v2c_fleet_edge_ref *e;
};

struct waves {
  const struct v2c_fleet_graph *g;
  size_t n;
  size_t *start, *adj;    /* distinct out-edges, CSR */
  size_t *comp, ngroups;  /* node -> group, groups callees first */
  size_t *gsize, *glevel, *gin, *gout, *grank, *gname; /* per group */
  size_t *gstart, *members; /* the VMs of each group, CSR */
  size_t *wave;           /* per group, 1-based */
  struct bref *br;        /* refs into a later wave, by wave, then VM */
  size_t nbr;
  size_t nwaves;
  int *oversize;          /* per wave */
};

static int
rank_of (const char *verdict)
{
  static const char *const order[]
      = { "excellent", "good", "moderate", "poor", "not-containerisable" };
  size_t i;

  for (i = 0; verdict && i < sizeof order / sizeof order[0]; i++)
    if (strcmp (verdict, order[i]) == 0)
      return (int) i;
  return 5;
}

/* The distinct VM -> VM edges as adjacency lists (refs are sorted). */
static int
build_adj (struct waves *w)
{
  const struct v2c_fleet_graph *g = w->g;
  size_t i, m = 0;

  if ((w->start = calloc (w->n + 1, sizeof *w->start)) == NULL)
    return -1;
  for (i = 0; i < g->nrefs; i++) {
    const struct v2c_fleet_edge_ref *e = &g->refs[i];

    if (e->to < w->n && (i == 0 || e[-1].from != e->from || e[-1].to != e->to))
      w->start[e->from + 1]++, m++;
  }
  for (i = 0; i < w->n; i++)
    w->start[i + 1] += w->start[i];
  if ((w->adj = malloc ((m ? m : 1) * sizeof *w->adj)) == NULL)
    return -1;
  for (i = 0, m = 0; i < g->nrefs; i++) {
    const struct v2c_fleet_edge_ref *e = &g->refs[i];

    if (e->to < w->n && (i == 0 || e[-1].from != e->from || e[-1].to != e->to))
      w->adj[m++] = e->to;
  }
  return 0;
}

/* Tarjan's strongly connected components, iteratively: a group is
 * numbered when it is complete, so every group it reaches has a lower
 * number. */
static int
tarjan (struct waves *w)
{
  size_t n = w->n, counter = 0, sp = 0, cp = 0, v;
  size_t *idx = malloc ((n + 1) * sizeof *idx);
  size_t *low = malloc ((n + 1) * sizeof *low);
  size_t *stack = malloc ((n + 1) * sizeof *stack);
  size_t *cstack = malloc ((n + 1) * sizeof *cstack);
  size_t *pos = malloc ((n + 1) * sizeof *pos);
  char *on = calloc (n + 1, 1);
  int ret = -1;

  w->comp = malloc ((n + 1) * sizeof *w->comp);
  if (!idx || !low || !stack || !cstack || !pos || !on || !w->comp)
    goto out;
  for (v = 0; v < n; v++)
    idx[v] = NONE;
  for (v = 0; v < n; v++) {
    if (idx[v] != NONE)
      continue;
    cstack[cp++] = v;
    idx[v] = low[v] = counter++;
    pos[v] = w->start[v];
    stack[sp++] = v;
    on[v] = 1;
    while (cp > 0) {
      size_t u = cstack[cp - 1];

      if (pos[u] < w->start[u + 1]) {
        size_t t = w->adj[pos[u]++];

        if (idx[t] == NONE) {
          idx[t] = low[t] = counter++;
          pos[t] = w->start[t];
          stack[sp++] = t;
          on[t] = 1;
          cstack[cp++] = t;
        } else if (on[t] && idx[t] < low[u])
          low[u] = idx[t];
        continue;
      }
      cp--;
      if (cp > 0 && low[u] < low[cstack[cp - 1]])
        low[cstack[cp - 1]] = low[u];
      if (low[u] == idx[u]) {
        size_t t;

        do {
          t = stack[--sp];
          on[t] = 0;
          w->comp[t] = w->ngroups;
        } while (t != u);
        w->ngroups++;
      }
    }
  }
  ret = 0;
out:
  free (idx);
  free (low);
  free (stack);
  free (cstack);
  free (pos);
  free (on);
  return ret;
}

/* Per group: size, level, dependants (VMs outside reaching it),
 * dependencies (groups it reaches), worst rank and first name. */
static int
group_facts (struct waves *w)
{
  size_t G = w->ngroups ? w->ngroups : 1, v, i;
  size_t *mark = malloc (G * sizeof *mark);

  w->gsize = calloc (G, sizeof *w->gsize);
  w->glevel = calloc (G, sizeof *w->glevel);
  w->gin = calloc (G, sizeof *w->gin);
  w->gout = calloc (G, sizeof *w->gout);
  w->grank = calloc (G, sizeof *w->grank);
  w->gname = malloc (G * sizeof *w->gname);
  if (!mark || !w->gsize || !w->glevel || !w->gin || !w->gout || !w->grank
      || !w->gname) {
    free (mark);
    return -1;
  }
  for (i = 0; i < G; i++)
    mark[i] = NONE, w->gname[i] = NONE;
  for (v = 0; v < w->n; v++) {
    size_t c = w->comp[v], r = (size_t) rank_of (w->g->nodes[v].verdict);

    w->gsize[c]++;
    if (r > w->grank[c])
      w->grank[c] = r;
    if (w->gname[c] == NONE
        || strcmp (w->g->nodes[v].name, w->g->nodes[w->gname[c]].name) < 0)
      w->gname[c] = v;
  }
  /* dependants: distinct (VM, group) pairs */
  for (v = 0; v < w->n; v++)
    for (i = w->start[v]; i < w->start[v + 1]; i++) {
      size_t c = w->comp[w->adj[i]];

      if (c != w->comp[v] && mark[c] != v) {
        mark[c] = v;
        w->gin[c]++;
      }
    }
  /* groups in number order (counting sort of the VMs by group): what
   * a group reaches has a lower number, so is levelled first */
  {
    size_t *gstart = w->gstart = calloc (G + 1, sizeof *gstart);
    size_t *members = w->members
        = malloc ((w->n ? w->n : 1) * sizeof *members);
    size_t c, k;

    if (gstart == NULL || members == NULL) {
      free (mark);
      return -1;
    }
    for (v = 0; v < w->n; v++)
      gstart[w->comp[v] + 1]++;
    for (c = 0; c < G; c++)
      gstart[c + 1] += gstart[c];
    for (v = 0; v < w->n; v++)
      members[gstart[w->comp[v]]++] = v;
    for (c = G; c > 0; c--)
      gstart[c] = gstart[c - 1];
    gstart[0] = 0;
    for (i = 0; i < G; i++)
      mark[i] = NONE;
    for (c = 0; c < w->ngroups; c++)
      for (k = gstart[c]; k < gstart[c + 1]; k++) {
        size_t j;

        v = members[k];
        for (j = w->start[v]; j < w->start[v + 1]; j++) {
          size_t d = w->comp[w->adj[j]];

          if (d == c)
            continue;
          if (w->glevel[d] + 1 > w->glevel[c])
            w->glevel[c] = w->glevel[d] + 1;
          if (mark[d] != c) {
            mark[d] = c;
            w->gout[c]++;
          }
        }
      }
  }
  free (mark);
  return 0;
}

struct gkey {
  const struct waves *w;
  size_t g;
};

/* Pilot order: best fitness, fewest dependants, most dependencies,
 * first name. */
static int
pilot_cmp (const struct waves *w, size_t a, size_t b)
{
  if (w->grank[a] != w->grank[b])
    return w->grank[a] < w->grank[b] ? -1 : 1;
  if (w->gin[a] != w->gin[b])
    return w->gin[a] < w->gin[b] ? -1 : 1;
  if (w->gout[a] != w->gout[b])
    return w->gout[a] > w->gout[b] ? -1 : 1;
  return strcmp (w->g->nodes[w->gname[a]].name, w->g->nodes[w->gname[b]].name);
}

/* Wave order of the other groups: level first, then as the pilot. */
static int
group_cmp (const void *pa, const void *pb)
{
  const struct gkey *a = pa, *b = pb;
  const struct waves *w = a->w;

  if (w->glevel[a->g] != w->glevel[b->g])
    return w->glevel[a->g] < w->glevel[b->g] ? -1 : 1;
  return pilot_cmp (w, a->g, b->g);
}

static int
assign_waves (struct waves *w, size_t max)
{
  size_t G = w->ngroups, i, pilot = 0, cur = 0, level = 0;
  struct gkey *order;

  w->wave = calloc (G ? G : 1, sizeof *w->wave);
  w->oversize = calloc (G + 1, sizeof *w->oversize);
  if (w->wave == NULL || w->oversize == NULL)
    return -1;
  if (G == 0)
    return 0;
  for (i = 1; i < G; i++)
    if (pilot_cmp (w, i, pilot) < 0)
      pilot = i;
  w->wave[pilot] = 1;
  w->nwaves = 1;
  w->oversize[1] = max && w->gsize[pilot] > max;
  if ((order = malloc (G * sizeof *order)) == NULL)
    return -1;
  for (i = 0; i < G; i++)
    order[i].w = w, order[i].g = i;
  qsort (order, G, sizeof *order, group_cmp);
  for (i = 0; i < G; i++) {
    size_t g = order[i].g;

    if (g == pilot)
      continue;
    if (cur == 0 || w->glevel[g] != level || (max && cur + w->gsize[g] > max)) {
      w->nwaves++;
      cur = 0;
      level = w->glevel[g];
    }
    w->wave[g] = w->nwaves;
    cur += w->gsize[g];
    if (max && w->gsize[g] > max)
      w->oversize[w->nwaves] = 1;
  }
  free (order);
  return 0;
}

static void
waves_free (struct waves *w)
{
  free (w->start);
  free (w->adj);
  free (w->comp);
  free (w->gsize);
  free (w->glevel);
  free (w->gin);
  free (w->gout);
  free (w->grank);
  free (w->gname);
  free (w->gstart);
  free (w->members);
  free (w->wave);
  free (w->oversize);
  free (w->br);
}

static size_t
wave_of (const struct waves *w, size_t node)
{
  return w->wave[w->comp[node]];
}

/* ------------------------------------------------------------------ */
/* Bridges                                                             */

/* A DNS-1035 label (a Service name): a DNS-1123 label that starts with
 * a letter. */
static int
service_label (const char *s)
{
  return s[0] >= 'a' && s[0] <= 'z' && v2c_dns_label_ok (s);
}

static int
bridge_cmp (const void *pa, const void *pb)
{
  const struct bref *a = pa, *b = pb;

  if (a->wave != b->wave)
    return a->wave < b->wave ? -1 : 1;
  if (a->e->to != b->e->to)
    return a->e->to < b->e->to ? -1 : 1;
  return a->e < b->e ? -1 : a->e > b->e;
}

/* Every ref from a VM to a VM of a later wave, by wave then VM. */
static int
collect_bridges (struct waves *w)
{
  const struct v2c_fleet_graph *g = w->g;
  size_t i;

  w->nbr = 0;
  if ((w->br = malloc ((g->nrefs ? g->nrefs : 1) * sizeof *w->br)) == NULL)
    return -1;
  for (i = 0; i < g->nrefs; i++) {
    const struct v2c_fleet_edge_ref *e = &g->refs[i];

    if (e->to < w->n && wave_of (w, e->to) > wave_of (w, e->from)) {
      w->br[w->nbr].wave = wave_of (w, e->from);
      w->br[w->nbr++].e = e;
    }
  }
  if (w->nbr)
    qsort (w->br, w->nbr, sizeof *w->br, bridge_cmp);
  return 0;
}

static int
add_unique_str (json_t *arr, const char *s)
{
  size_t i;
  json_t *v;

  json_array_foreach (arr, i, v) if (strcmp (json_string_value (v), s) == 0)
      return 0;
  return json_array_append_new (arr, json_string (s));
}

static int
add_unique_port (json_t *arr, json_int_t port)
{
  size_t i;
  json_t *v;

  json_array_foreach (arr, i, v) if (json_integer_value (v) == port) return 0;
  for (i = 0; i < json_array_size (arr); i++)
    if (json_integer_value (json_array_get (arr, i)) > port)
      break;
  return json_array_insert_new (arr, i, json_integer (port));
}

/* One bridge from the refs [v, v + n) of one wave to one VM. */
static json_t *
bridge_json (const struct waves *w, const struct bref *v, size_t n)
{
  const struct v2c_fleet_node *to = &w->g->nodes[v[0].e->to];
  json_t *ports = json_array (), *names = json_array (), *from = json_array ();
  json_t *refs = json_array (), *b;
  const char *svc = NULL, *addr = NULL, *reason = NULL;
  char label[64];
  size_t i;

  if (!ports || !names || !from || !refs)
    goto oom;
  for (i = 0; i < n; i++) {
    const struct v2c_fleet_edge_ref *e = v[i].e;
    char src[4096];

    if (add_unique_str (names, e->ref->host)
        || add_unique_str (from, w->g->nodes[e->from].name))
      goto oom;
    if (e->ref->port.set && add_unique_port (ports, e->ref->port.v))
      goto oom;
    if (svc == NULL && service_label (e->ref->host))
      svc = e->ref->host;
    if (addr == NULL && e->address[0] && strchr (e->address, ':') == NULL)
      addr = e->address;
    snprintf (src, sizeof src, "%s:%s", w->g->nodes[e->from].name,
              e->ref->source ? e->ref->source : "");
    if (json_array_append_new (refs, json_string (src)))
      goto oom;
  }
  if (svc == NULL) {
    v2c_kube_dns_label (to->kube_name ? to->kube_name : to->name, label,
                        sizeof label);
    svc = label;
    if (!service_label (svc))
      reason = "no name usable as a Service name";
  }
  if (addr == NULL)
    reason = "no IPv4 address of the VM is known (its interfaces are not "
             "static and no reference names one)";
  else if (json_array_size (ports) == 0)
    reason = "no port of the references is known";
  b = json_pack ("{s:s,s:o,s:I,s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "to", to->name,
                 "to_kube_name", to->kube_name ? json_string (to->kube_name)
                                               : json_null (),
                 "replaced_in_wave", (json_int_t) wave_of (w, v[0].e->to),
                 "service", svc, "address",
                 addr ? json_string (addr) : json_null (), "ports", ports,
                 "names", names, "from", from, "references", refs, "reason",
                 reason ? json_string (reason) : json_null ());
  return b;
oom:
  json_decref (ports);
  json_decref (names);
  json_decref (from);
  json_decref (refs);
  return NULL;
}

/* The bridges of wave k: refs from its VMs to VMs of later waves
 * (*pos: where wave k starts in w->br; moved past it). */
static json_t *
bridges_json (const struct waves *w, size_t k, size_t *pos)
{
  json_t *out = json_array ();
  size_t i = *pos, j;

  if (out == NULL)
    return NULL;
  for (; i < w->nbr && w->br[i].wave == k; i = j) {
    for (j = i + 1; j < w->nbr && w->br[j].wave == k
                    && w->br[j].e->to == w->br[i].e->to;
         j++)
      ;
    if (json_array_append_new (out, bridge_json (w, w->br + i, j - i)) == -1) {
      json_decref (out);
      return NULL;
    }
  }
  *pos = i;
  return out;
}

/* Wave k: its VMs (vms, taken), the cycles among them, the earlier
 * waves it reaches and its bridges.  nodes: the VMs of wave k. */
static json_t *
wave_json (const struct waves *w, size_t k, json_t *vms,
           const size_t *nodes, size_t nn, size_t *brpos, char *seen)
{
  json_t *cycles = json_array (), *deps = json_array ();
  size_t v, i, c, a;

  if (cycles == NULL || deps == NULL)
    goto oom;
  memset (seen, 0, w->nwaves + 1);
  for (a = 0; a < nn; a++) {
    v = nodes[a];
    c = w->comp[v];
    for (i = w->start[v]; i < w->start[v + 1]; i++)
      seen[wave_of (w, w->adj[i])] = 1;
    /* a cycle, once: at its first VM */
    if (w->gsize[c] > 1 && w->members[w->gstart[c]] == v) {
      json_t *members = json_array ();

      if (members == NULL || json_array_append_new (cycles, members) == -1)
        goto oom;
      for (i = w->gstart[c]; i < w->gstart[c + 1]; i++)
        json_array_append_new (members,
                               json_string (w->g->nodes[w->members[i]].name));
    }
  }
  for (i = 1; i < k; i++)
    if (seen[i] && json_array_append_new (deps, json_integer ((json_int_t) i)))
      goto oom;
  return json_pack ("{s:I,s:b,s:o,s:o,s:b,s:o,s:o}", "wave", (json_int_t) k,
                    "pilot", k == 1, "vms", vms, "cycles", cycles, "oversize",
                    w->oversize[k], "depends_on", deps, "bridges",
                    bridges_json (w, k, brpos));
oom:
  json_decref (vms);
  json_decref (cycles);
  json_decref (deps);
  return NULL;
}

json_t *
v2c_fleet_waves_json (const struct v2c_fleet_graph *g, size_t max,
                      struct v2c_err *err)
{
  struct waves w;
  json_t *waves = NULL, *doc = NULL;
  size_t *wstart = NULL, *wnodes = NULL, i, k, cycles = 0, brpos = 0;
  char *seen = NULL;

  memset (&w, 0, sizeof w);
  w.g = g;
  w.n = g->n;
  if (build_adj (&w) || tarjan (&w) || group_facts (&w)
      || assign_waves (&w, max) || collect_bridges (&w))
    goto out;
  /* the VMs of each wave, in batch order (CSR) */
  wstart = calloc (w.nwaves + 2, sizeof *wstart);
  wnodes = malloc ((w.n ? w.n : 1) * sizeof *wnodes);
  seen = malloc (w.nwaves + 1);
  if (wstart == NULL || wnodes == NULL || seen == NULL
      || (waves = json_array ()) == NULL)
    goto out;
  for (i = 0; i < w.n; i++)
    wstart[wave_of (&w, i) + 1]++;
  for (k = 1; k <= w.nwaves + 1; k++)
    wstart[k] += wstart[k - 1];
  for (i = 0; i < w.n; i++)
    wnodes[wstart[wave_of (&w, i)]++] = i;
  for (k = w.nwaves + 1; k > 0; k--)
    wstart[k] = wstart[k - 1];
  wstart[0] = 0;
  for (i = 0; i < w.ngroups; i++)
    cycles += w.gsize[i] > 1;
  for (k = 1; k <= w.nwaves; k++) {
    json_t *vms = json_array ();

    for (i = wstart[k]; vms && i < wstart[k + 1]; i++)
      json_array_append_new (vms, json_string (g->nodes[wnodes[i]].name));
    if (vms == NULL
        || json_array_append_new (
               waves, wave_json (&w, k, vms, wnodes + wstart[k],
                                 wstart[k + 1] - wstart[k], &brpos, seen))
               == -1)
      goto out;
  }
  doc = json_pack ("{s:s,s:s,s:o,s:{s:I,s:I,s:I,s:I},s:O}", "schema",
                   V2C_WAVES_SCHEMA, "generator", "v2c-batch " PACKAGE_VERSION,
                   "max_per_wave",
                   max ? json_integer ((json_int_t) max) : json_null (),
                   "counts", "vms", (json_int_t) w.n, "groups",
                   (json_int_t) w.ngroups, "cycles", (json_int_t) cycles,
                   "waves", (json_int_t) w.nwaves, "waves", waves);
out:
  free (wstart);
  free (wnodes);
  free (seen);
  json_decref (waves);
  waves_free (&w);
  if (doc == NULL)
    v2c_set_error (err, ENOMEM, "can't build waves.json");
  return doc;
}

/* A port of a bridge's or a handover's Service or EndpointSlice:
 * {name tcp-PORT, port, protocol TCP}, and targetPort when target is
 * not NULL. */
static json_t *
port_entry (const json_t *port, const json_t *target)
{
  char name[32];

  snprintf (name, sizeof name, "tcp-%" JSON_INTEGER_FORMAT,
            json_integer_value (port));
  return target ? json_pack ("{s:s,s:O,s:s,s:O}", "name", name, "port", port,
                             "protocol", "TCP", "targetPort", target)
                : json_pack ("{s:s,s:O,s:s}", "name", name, "port", port,
                             "protocol", "TCP");
}

/* The DNS labels of the calling VMs of bridge b (its "from"). */
static json_t *
callers (const json_t *b)
{
  json_t *from = json_array (), *f;
  size_t i;

  json_array_foreach (json_object_get (b, "from"), i, f)
  {
    char label[64];

    v2c_kube_dns_label (json_string_value (f), label, sizeof label);
    if (from == NULL || json_array_append_new (from, json_string (label))) {
      json_decref (from);
      return NULL;
    }
  }
  return from;
}

/* The labels of a bridge's or a handover's objects: v2c's, and key set
 * to the Kubernetes name of the VM reached (else the Service's). */
static json_t *
link_labels (const json_t *b, const char *key)
{
  const json_t *tok = json_object_get (b, "to_kube_name");

  return json_pack ("{s:s,s:s}", "app.kubernetes.io/managed-by", "v2c", key,
                    json_is_string (tok)
                        ? json_string_value (tok)
                        : json_string_value (json_object_get (b, "service")));
}

/* The NetworkPolicy name (labels) that lets the pods of the VMs from
 * out to peer on ports. */
static json_t *
egress_policy (const char *name, json_t *labels, json_t *from, json_t *peer,
               json_t *ports)
{
  return json_pack (
      "{s:s,s:s,s:{s:s,s:O},s:{s:{s:[{s:s,s:s,s:O}]},s:[s],s:[{s:[O],s:O}]}}",
      "apiVersion", "networking.k8s.io/v1", "kind", "NetworkPolicy",
      "metadata", "name", name, "labels", labels, "spec", "podSelector",
      "matchExpressions", "key", "app.kubernetes.io/instance", "operator",
      "In", "values", from, "policyTypes", "Egress", "egress", "to", peer,
      "ports", ports);
}

/* The objects of one bridge: a Service without selector, its
 * EndpointSlice (the old VM's address) and the NetworkPolicy that lets
 * the calling VMs' pods out to that address. */
static int
bridge_objects (json_t *out, const json_t *b)
{
  const char *svc = json_string_value (json_object_get (b, "service"));
  const char *addr = json_string_value (json_object_get (b, "address"));
  const char *to = json_string_value (json_object_get (b, "to"));
  const json_t *p;
  json_t *labels, *slabels, *sports = json_array (), *eports = json_array ();
  json_t *nports = json_array (), *from = callers (b), *o, *peer;
  char cidr[64], np[80], replaced[32];
  size_t i;

  if (!sports || !eports || !nports || !from)
    goto oom;
  snprintf (cidr, sizeof cidr, "%s/32", addr);
  snprintf (np, sizeof np, "v2c-bridge-%s", svc);
  snprintf (replaced, sizeof replaced, "%" JSON_INTEGER_FORMAT,
            json_integer_value (json_object_get (b, "replaced_in_wave")));
  json_array_foreach (json_object_get (b, "ports"), i, p)
  {
    if (json_array_append_new (sports, port_entry (p, p))
        || json_array_append_new (eports, port_entry (p, NULL))
        || json_array_append_new (nports, json_pack ("{s:s,s:O}", "protocol",
                                                     "TCP", "port", p)))
      goto oom;
  }
  labels = link_labels (b, "v2c.io/bridge-to");
  if (labels == NULL)
    goto oom;
  o = json_pack ("{s:s,s:s,s:{s:s,s:O,s:{s:s,s:s}},s:{s:O}}", "apiVersion",
                 "v1", "kind", "Service", "metadata", "name", svc, "labels",
                 labels, "annotations", "v2c.io/bridge-to-vm", to,
                 "v2c.io/replaced-in-wave", replaced, "spec", "ports", sports);
  if (o == NULL || json_array_append_new (out, o))
    goto oom_labels;
  slabels = json_deep_copy (labels);
  if (slabels == NULL
      || json_object_set_new (slabels, "kubernetes.io/service-name",
                              json_string (svc)))
    goto oom_labels;
  o = json_pack ("{s:s,s:s,s:{s:s,s:o},s:s,s:[{s:[s],s:{s:b}}],s:O}",
                 "apiVersion", "discovery.k8s.io/v1", "kind", "EndpointSlice",
                 "metadata", "name", svc, "labels", slabels, "addressType",
                 "IPv4", "endpoints", "addresses", addr, "conditions", "ready",
                 1, "ports", eports);
  if (o == NULL || json_array_append_new (out, o))
    goto oom_labels;
  peer = json_pack ("{s:{s:s}}", "ipBlock", "cidr", cidr);
  o = peer ? egress_policy (np, labels, from, peer, nports) : NULL;
  json_decref (peer);
  json_decref (labels);
  if (o == NULL || json_array_append_new (out, o))
    goto oom;
  json_decref (sports);
  json_decref (eports);
  json_decref (nports);
  json_decref (from);
  return 0;
oom_labels:
  json_decref (labels);
oom:
  json_decref (sports);
  json_decref (eports);
  json_decref (nports);
  json_decref (from);
  return -1;
}

json_t *
v2c_fleet_bridge_objects (const json_t *wave, struct v2c_err *err)
{
  json_t *out = json_array (), *b;
  size_t i;

  json_array_foreach (json_object_get (wave, "bridges"), i, b)
  {
    if (!json_is_string (json_object_get (b, "address"))
        || json_array_size (json_object_get (b, "ports")) == 0
        || !json_is_string (json_object_get (b, "service")))
      continue;
    if (out == NULL
        || bridge_objects (out, b) == -1) {
      json_decref (out);
      out = NULL;
      break;
    }
  }
  if (out == NULL)
    v2c_set_error (err, ENOMEM, "can't build the bridge objects");
  return out;
}

/* The port entry of Service svc that serves port p, or NULL. */
static const json_t *
service_port (const json_t *svc, json_int_t p)
{
  const json_t *sp;
  size_t i;

  json_array_foreach (json_object_get (json_object_get (svc, "spec"), "ports"),
                      i, sp) if (json_integer_value (json_object_get (sp,
                                                                      "port"))
                                 == p) return sp;
  return NULL;
}

const json_t *
v2c_fleet_handover_service (const json_t *bridge, const json_t *services)
{
  const json_t *svc, *p;
  size_t i, j;

  json_array_foreach (services, i, svc)
  {
    const json_t *spec = json_object_get (svc, "spec");
    const char *type = json_string_value (json_object_get (spec, "type"));
    int all = json_array_size (json_object_get (bridge, "ports")) > 0;

    if (!json_is_object (json_object_get (spec, "selector"))
        || json_object_size (json_object_get (spec, "selector")) == 0
        || (type && strcmp (type, "ExternalName") == 0)
        || !json_is_string (
            json_object_get (json_object_get (svc, "metadata"), "name")))
      continue;
    json_array_foreach (json_object_get (bridge, "ports"), j, p)
        all &= service_port (svc, json_integer_value (p)) != NULL;
    if (all)
      return svc;
  }
  return NULL;
}

json_t *
v2c_fleet_handover_objects (const json_t *b, const json_t *svc,
                            const char *ns, struct v2c_err *err)
{
  const char *name = json_string_value (json_object_get (b, "service"));
  const char *to = json_string_value (json_object_get (b, "to"));
  const json_t *p;
  const json_t *selector = json_object_get (json_object_get (svc, "spec"),
                                            "selector");
  const char *target = json_string_value (
      json_object_get (json_object_get (svc, "metadata"), "name"));
  json_t *out = json_array (), *sports = json_array (), *nports = json_array ();
  json_t *from = callers (b), *labels = NULL, *spec = NULL, *peer = NULL;
  json_t *o;
  char np[80], wave[32], fqdn[256];
  size_t i;

  if (!out || !sports || !nports || !from || name == NULL || to == NULL
      || target == NULL || !json_is_object (selector))
    goto fail;
  snprintf (np, sizeof np, "v2c-handover-%s", name);
  snprintf (wave, sizeof wave, "%" JSON_INTEGER_FORMAT,
            json_integer_value (json_object_get (b, "replaced_in_wave")));
  json_array_foreach (json_object_get (b, "ports"), i, p)
  {
    const json_t *sp = service_port (svc, json_integer_value (p));
    const json_t *tp = json_object_get (sp, "targetPort");

    if (sp == NULL) {
      v2c_set_error (err, EINVAL,
                     "the handover of bridge '%s': Service '%s' does not "
                     "serve port %" JSON_INTEGER_FORMAT,
                     name, target, json_integer_value (p));
      goto fail_set;
    }
    if (tp == NULL)
      tp = p;
    /* an ExternalName's ports are the name's: no targetPort */
    if (json_array_append_new (sports, port_entry (p, ns ? NULL : tp))
        || json_array_append_new (nports, json_pack ("{s:s,s:O}", "protocol",
                                                     "TCP", "port", tp)))
      goto fail;
  }
  labels = link_labels (b, "v2c.io/handover-to");
  if (labels == NULL)
    goto fail;
  if (ns) {
    /* another namespace: a name in its DNS zone (a selector can't
     * reach across namespaces) */
    if (snprintf (fqdn, sizeof fqdn, "%s.%s.svc.cluster.local", target, ns)
        >= (int) sizeof fqdn)
      goto fail;
    spec = json_pack ("{s:s,s:s,s:O}", "type", "ExternalName",
                      "externalName", fqdn, "ports", sports);
    peer = json_pack ("{s:{s:{s:s}},s:{s:O}}", "namespaceSelector",
                      "matchLabels", "kubernetes.io/metadata.name", ns,
                      "podSelector", "matchLabels", selector);
  } else {
    spec = json_pack ("{s:O,s:O}", "selector", selector, "ports", sports);
    peer = json_pack ("{s:{s:O}}", "podSelector", "matchLabels", selector);
  }
  if (spec == NULL || peer == NULL)
    goto fail;
  o = json_pack ("{s:s,s:s,s:{s:s,s:O,s:{s:s,s:s,s:s}},s:O}", "apiVersion",
                 "v1", "kind", "Service", "metadata", "name", name, "labels",
                 labels, "annotations", "v2c.io/handover-to-vm", to,
                 "v2c.io/handover-to-service", target,
                 "v2c.io/handed-over-in-wave", wave, "spec", spec);
  if (o == NULL || json_array_append_new (out, o))
    goto fail;
  o = egress_policy (np, labels, from, peer, nports);
  if (o == NULL || json_array_append_new (out, o))
    goto fail;
  json_decref (labels);
  json_decref (spec);
  json_decref (peer);
  json_decref (sports);
  json_decref (nports);
  json_decref (from);
  return out;
fail:
  json_decref (labels);
  json_decref (spec);
  json_decref (peer);
  json_decref (sports);
  json_decref (nports);
  json_decref (from);
  json_decref (out);
  v2c_set_error (err, ENOMEM, "can't build the handover of bridge '%s'",
                 name ? name : "?");
  return NULL;
fail_set:
  json_decref (sports);
  json_decref (nports);
  json_decref (from);
  json_decref (out);
  return NULL;
}
