/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The fleet's dependency graph (graph.json): every reference a VM's
 * services are configured with (inventory "references") resolved to
 * another VM of the batch by its addresses, its host names or the
 * calling VM's /etc/hosts and search domains; what resolves to no VM is
 * an external dependency, what resolves to several is ambiguous.
 *
 * The names and addresses of all VMs go into one sorted index, and
 * each reference is a binary search in it: n log n for the fleet, never
 * a comparison of every VM with every other.
 */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fleet.h"

/* A name or an address of a VM: "a:ADDRESS", "f:FQDN", "h:HOSTNAME",
 * lower case. */
struct key {
  char *k;
  size_t node;
};

struct index {
  struct key *v;
  size_t n, cap;
};

/* The canonical text of an address (a CIDR suffix dropped) in out, or 0
 * when s is not one. */
static int
addr_norm (const char *s, char out[INET6_ADDRSTRLEN])
{
  unsigned char bin[sizeof (struct in6_addr)];
  char buf[INET6_ADDRSTRLEN + 8];
  size_t len = strcspn (s, "/%");

  if (len == 0 || len >= INET6_ADDRSTRLEN)
    return 0;
  memcpy (buf, s, len);
  buf[len] = '\0';
  if (inet_pton (AF_INET, buf, bin) == 1)
    return inet_ntop (AF_INET, bin, out, INET6_ADDRSTRLEN) != NULL;
  if (inet_pton (AF_INET6, buf, bin) == 1)
    return inet_ntop (AF_INET6, bin, out, INET6_ADDRSTRLEN) != NULL;
  return 0;
}

static int
loopback (const char *addr)
{
  return strncmp (addr, "127.", 4) == 0 || strcmp (addr, "::1") == 0
         || strcmp (addr, "0.0.0.0") == 0 || strcmp (addr, "::") == 0;
}

/* "p:" + s in lower case, without a final dot; NULL on out of memory. */
static char *
make_key (char p, const char *s, size_t len)
{
  char *k;
  size_t i;

  while (len > 0 && s[len - 1] == '.')
    len--;
  if ((k = malloc (len + 3)) == NULL)
    return NULL;
  k[0] = p;
  k[1] = ':';
  for (i = 0; i < len; i++)
    k[i + 2] = (char) tolower ((unsigned char) s[i]);
  k[len + 2] = '\0';
  return k;
}

static int
index_add (struct index *ix, char p, const char *s, size_t len, size_t node)
{
  char *k;

  if (len == 0)
    return 0;
  if (ix->n == ix->cap) {
    size_t cap = ix->cap ? ix->cap * 2 : 64;
    struct key *v = realloc (ix->v, cap * sizeof *v);

    if (v == NULL)
      return -1;
    ix->v = v;
    ix->cap = cap;
  }
  if ((k = make_key (p, s, len)) == NULL)
    return -1;
  ix->v[ix->n].k = k;
  ix->v[ix->n].node = node;
  ix->n++;
  return 0;
}

/* A host name: the full name as "f:" when it has a dot, its first label
 * as "h:". */
static int
index_name (struct index *ix, const char *name, size_t node)
{
  size_t first;

  if (name == NULL || *name == '\0')
    return 0;
  first = strcspn (name, ".");
  if (name[first] == '.' && index_add (ix, 'f', name, strlen (name), node))
    return -1;
  return index_add (ix, 'h', name, first, node);
}

static int
key_cmp (const void *a, const void *b)
{
  const struct key *x = a, *y = b;
  int c = strcmp (x->k, y->k);

  if (c)
    return c;
  return x->node < y->node ? -1 : x->node > y->node;
}

static int
index_build (struct index *ix, const struct v2c_fleet_node *nodes, size_t n)
{
  size_t i, j, k, out;
  char a[INET6_ADDRSTRLEN];

  for (i = 0; i < n; i++) {
    const struct v2c_inv_network *net = nodes[i].inv ? nodes[i].inv->network
                                                     : NULL;

    if (net == NULL)
      continue;
    if (index_name (ix, net->hostname, i) || index_name (ix, net->fqdn, i))
      return -1;
    for (j = 0; j < net->interfaces.n; j++)
      for (k = 0; k < net->interfaces.v[j].addresses.n; k++)
        if (addr_norm (net->interfaces.v[j].addresses.v[k], a) && !loopback (a)
            && index_add (ix, 'a', a, strlen (a), i))
          return -1;
  }
  if (ix->n)
    qsort (ix->v, ix->n, sizeof *ix->v, key_cmp);
  /* one entry per (key, VM) */
  for (i = 0, out = 0; i < ix->n; i++) {
    if (out && key_cmp (&ix->v[out - 1], &ix->v[i]) == 0) {
      free (ix->v[i].k);
      continue;
    }
    ix->v[out++] = ix->v[i];
  }
  ix->n = out;
  return 0;
}

static void
index_free (struct index *ix)
{
  size_t i;

  for (i = 0; i < ix->n; i++)
    free (ix->v[i].k);
  free (ix->v);
}

/* The VMs a key names: [*lo, *hi) of the index. */
static void
index_find (const struct index *ix, const char *k, size_t *lo, size_t *hi)
{
  size_t a = 0, b = ix->n;

  while (a < b) {
    size_t m = a + (b - a) / 2;

    if (strcmp (ix->v[m].k, k) < 0)
      a = m + 1;
    else
      b = m;
  }
  *lo = a;
  while (b < ix->n && strcmp (ix->v[b].k, k) == 0)
    b++;
  *hi = b > a ? b : a;
}

/* The VM a key names: its index, self when the calling VM is among
 * them (a name of its own), V2C_FLEET_EXTERNAL when none,
 * V2C_FLEET_AMBIGUOUS when several. */
static size_t
lookup (const struct index *ix, char p, const char *s, size_t self)
{
  char *k = make_key (p, s, strlen (s));
  size_t lo, hi, i;

  if (k == NULL)
    return V2C_FLEET_EXTERNAL;
  index_find (ix, k, &lo, &hi);
  free (k);
  for (i = lo; i < hi; i++)
    if (ix->v[i].node == self)
      return self;
  if (hi == lo)
    return V2C_FLEET_EXTERNAL;
  return hi - lo == 1 ? ix->v[lo].node : V2C_FLEET_AMBIGUOUS;
}

/* A short name completed by the calling VM's search domains (and the
 * domain of its own FQDN), the first that names exactly one VM. */
static size_t
lookup_search (const struct index *ix, const char *name,
               const struct v2c_inv_network *net, size_t self)
{
  const char *dom = net->fqdn ? strchr (net->fqdn, '.') : NULL;
  size_t i, n = net->search.n + (dom != NULL);

  for (i = 0; i < n; i++) {
    const char *d = i < net->search.n ? net->search.v[i] : dom + 1;
    size_t len = strlen (name) + strlen (d) + 2, to;
    char *fq = malloc (len);

    if (fq == NULL)
      return V2C_FLEET_EXTERNAL;
    snprintf (fq, len, "%s.%s", name, d);
    to = lookup (ix, 'f', fq, self);
    free (fq);
    if (to != V2C_FLEET_EXTERNAL && to != V2C_FLEET_AMBIGUOUS)
      return to;
  }
  return V2C_FLEET_AMBIGUOUS;
}

/* The calling VM's /etc/hosts entry for a name, or NULL. */
static const struct v2c_inv_host_entry *
hosts_entry (const struct v2c_inv_network *net, const char *name)
{
  size_t i, j;

  for (i = 0; net && i < net->hosts.n; i++)
    for (j = 0; j < net->hosts.v[i].names.n; j++)
      if (strcasecmp (net->hosts.v[i].names.v[j], name) == 0)
        return &net->hosts.v[i];
  return NULL;
}

/* The file of a FILE:LINE evidence. */
static size_t
source_file_len (const char *src)
{
  const char *colon = src ? strrchr (src, ':') : NULL;

  return colon ? (size_t) (colon - src) : (src ? strlen (src) : 0);
}

/* The service of the calling VM a reference belongs to: the one whose
 * EnvironmentFile= is the file, or whose working directory holds it, or
 * whose name is one of the file's path components (/etc/nginx/...). */
static const char *
from_service (const struct v2c_inventory *inv, const char *src)
{
  size_t flen = source_file_len (src), i, j;

  for (i = 0; i < inv->services.n; i++) {
    const struct v2c_inv_service *s = &inv->services.v[i];
    const char *wd = s->working_directory;

    for (j = 0; j < s->environment_files.n; j++) {
      const char *e = s->environment_files.v[j];

      e += *e == '-';
      if (strlen (e) == flen && strncmp (e, src, flen) == 0)
        return s->name;
    }
    if (wd && strlen (wd) > 1 && strlen (wd) < flen
        && strncmp (wd, src, strlen (wd)) == 0 && src[strlen (wd)] == '/')
      return s->name;
  }
  for (i = 0; i < inv->services.n; i++) {
    const char *name = inv->services.v[i].name, *p = src;
    size_t nlen = strcspn (name, ".@");

    while (nlen && (p = memchr (p, '/', flen - (size_t) (p - src)))) {
      p++;
      if ((size_t) (src + flen - p) >= nlen && strncmp (p, name, nlen) == 0
          && (p + nlen == src + flen || p[nlen] == '/' || p[nlen] == '.'))
        return name;
    }
  }
  return NULL;
}

/* The service of the VM reached that listens on the port, or NULL. */
static const char *
to_service (const struct v2c_inventory *inv, const struct v2c_nint *port)
{
  size_t i;

  for (i = 0; inv && port->set && i < inv->ports.n; i++)
    if (inv->ports.v[i].port == port->v && inv->ports.v[i].service)
      return inv->ports.v[i].service;
  return NULL;
}

/* The first address of a VM's interfaces, canonical, or "" . */
static void
first_address (const struct v2c_inventory *inv, char out[INET6_ADDRSTRLEN])
{
  const struct v2c_inv_network *net = inv ? inv->network : NULL;
  size_t i, j;

  out[0] = '\0';
  for (i = 0; net && i < net->interfaces.n; i++)
    for (j = 0; j < net->interfaces.v[i].addresses.n; j++)
      if (addr_norm (net->interfaces.v[i].addresses.v[j], out)
          && !loopback (out) && strchr (out, ':') == NULL)
        return;
  out[0] = '\0';
}

struct resolved {
  size_t to;
  const char *via, *hosts_source;
  char address[INET6_ADDRSTRLEN];
};

static void
resolve (const struct index *ix, const struct v2c_fleet_node *nodes,
         size_t self, const char *host, struct resolved *r)
{
  const struct v2c_inv_network *net = nodes[self].inv->network;
  const struct v2c_inv_host_entry *he;

  r->via = NULL;
  r->hosts_source = NULL;
  r->address[0] = '\0';
  if (addr_norm (host, r->address)) {
    r->via = "address";
    r->to = loopback (r->address) ? self : lookup (ix, 'a', r->address, self);
    return;
  }
  if ((he = hosts_entry (net, host)) != NULL
      && addr_norm (he->address, r->address)) {
    r->via = "hosts";
    r->hosts_source = he->source;
    r->to = loopback (r->address) ? self : lookup (ix, 'a', r->address, self);
    return;
  }
  if (strchr (host, '.')) {
    r->via = "fqdn";
    r->to = lookup (ix, 'f', host, self);
  } else {
    r->via = "hostname";
    r->to = lookup (ix, 'h', host, self);
    if (r->to == V2C_FLEET_AMBIGUOUS && net) {
      r->to = lookup_search (ix, host, net, self);
      if (r->to != V2C_FLEET_AMBIGUOUS)
        r->via = "search";
    }
  }
  if (r->to < V2C_FLEET_AMBIGUOUS)
    first_address (nodes[r->to].inv, r->address);
}

static int
ref_cmp (const void *a, const void *b)
{
  const struct v2c_fleet_edge_ref *x = a, *y = b;

  if (x->from != y->from)
    return x->from < y->from ? -1 : 1;
  if (x->to != y->to)
    return x->to < y->to ? -1 : 1;
  /* refs of one VM point into one array, in inventory order */
  return x->ref < y->ref ? -1 : x->ref > y->ref;
}

int
v2c_fleet_graph_build (const struct v2c_fleet_node *nodes, size_t n,
                       struct v2c_fleet_graph *g, struct v2c_err *err)
{
  struct index ix = { NULL, 0, 0 };
  size_t i, j, cap = 0;

  memset (g, 0, sizeof *g);
  g->nodes = nodes;
  g->n = n;
  if (index_build (&ix, nodes, n) == -1)
    goto oom;
  for (i = 0; i < n; i++) {
    const struct v2c_inventory *inv = nodes[i].inv;

    for (j = 0; inv && j < inv->references.n; j++) {
      const struct v2c_inv_reference *ref = &inv->references.v[j];
      struct v2c_fleet_edge_ref *e;
      struct resolved r;

      if (ref->host == NULL || *ref->host == '\0')
        continue;
      resolve (&ix, nodes, i, ref->host, &r);
      if (r.to == i)
        continue;
      if (g->nrefs == cap) {
        size_t ncap = cap ? cap * 2 : 64;

        if ((e = realloc (g->refs, ncap * sizeof *e)) == NULL)
          goto oom;
        g->refs = e;
        cap = ncap;
      }
      e = &g->refs[g->nrefs];
      memset (e, 0, sizeof *e);
      e->from = i;
      e->to = r.to;
      e->ref = ref;
      e->via = r.via;
      e->hosts_source = r.hosts_source;
      memcpy (e->address, r.address, sizeof e->address);
      e->from_service = from_service (inv, ref->source);
      e->to_service
          = r.to < V2C_FLEET_AMBIGUOUS ? to_service (nodes[r.to].inv, &ref->port)
                                       : NULL;
      g->nrefs++;
    }
  }
  if (g->nrefs)
    qsort (g->refs, g->nrefs, sizeof *g->refs, ref_cmp);
  index_free (&ix);
  return 0;
oom:
  index_free (&ix);
  v2c_fleet_graph_free (g);
  return v2c_set_error (err, ENOMEM, "can't build the dependency graph");
}

void
v2c_fleet_graph_free (struct v2c_fleet_graph *g)
{
  free (g->refs);
  g->refs = NULL;
  g->nrefs = 0;
}

/* ------------------------------------------------------------------ */
/* graph.json                                                          */

static json_t *
jstr (const char *s)
{
  return s ? json_string (s) : json_null ();
}

static json_t *
addresses_json (const struct v2c_inventory *inv)
{
  const struct v2c_inv_network *net = inv ? inv->network : NULL;
  json_t *a = json_array ();
  char buf[INET6_ADDRSTRLEN];
  size_t i, j;

  for (i = 0; a && net && i < net->interfaces.n; i++)
    for (j = 0; j < net->interfaces.v[i].addresses.n; j++)
      if (addr_norm (net->interfaces.v[i].addresses.v[j], buf))
        json_array_append_new (a, json_string (buf));
  return a;
}

/* The reference as evidence: never more than the inventory holds. */
static json_t *
ref_json (const struct v2c_fleet_edge_ref *e, const char *from)
{
  const struct v2c_inv_reference *r = e->ref;
  json_t *o = json_pack (
      "{s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "kind", jstr (r->kind), "host",
      jstr (r->host), "port",
      r->port.set ? json_integer (r->port.v) : json_null (), "source",
      jstr (r->source), "from_component", jstr (e->from_service),
      "resolved_by", jstr (e->via), "hosts_entry", jstr (e->hosts_source));

  if (o == NULL)
    return NULL;
  if (e->to < V2C_FLEET_AMBIGUOUS)
    json_object_set_new (o, "to_component", jstr (e->to_service));
  json_object_set_new (o, "address",
                       e->address[0] ? json_string (e->address) : json_null ());
  if (from)
    json_object_set_new (o, "from", json_string (from));
  return o;
}

/* The number of VMs each VM reaches and is reached by (refs are sorted
 * by from, then to: each pair is one run). */
static void
degrees (const struct v2c_fleet_graph *g, size_t *out, size_t *in)
{
  size_t i;

  for (i = 0; i < g->nrefs; i++) {
    const struct v2c_fleet_edge_ref *e = &g->refs[i];

    if (e->to >= g->n)
      continue;
    if (i > 0 && e[-1].from == e->from && e[-1].to == e->to)
      continue;
    out[e->from]++;
    in[e->to]++;
  }
}

static json_t *
vms_json (const struct v2c_fleet_graph *g, const size_t *out, const size_t *in)
{
  json_t *vms = json_array ();
  size_t i;

  for (i = 0; vms && i < g->n; i++) {
    const struct v2c_fleet_node *nd = &g->nodes[i];
    const struct v2c_inv_network *net = nd->inv ? nd->inv->network : NULL;

    if (json_array_append_new (
            vms, json_pack ("{s:s,s:o,s:o,s:o,s:o,s:o,s:I,s:I}", "name",
                            nd->name, "kube_name", jstr (nd->kube_name),
                            "hostname", jstr (net ? net->hostname : NULL),
                            "fqdn", jstr (net ? net->fqdn : NULL),
                            "addresses", addresses_json (nd->inv), "verdict",
                            jstr (nd->verdict), "dependencies",
                            (json_int_t) out[i], "dependants",
                            (json_int_t) in[i]))
        == -1) {
      json_decref (vms);
      return NULL;
    }
  }
  return vms;
}

static json_t *
edges_json (const struct v2c_fleet_graph *g, size_t *nedges)
{
  json_t *edges = json_array (), *refs = NULL;
  size_t i;

  *nedges = 0;
  for (i = 0; edges && i < g->nrefs; i++) {
    const struct v2c_fleet_edge_ref *e = &g->refs[i];

    if (e->to >= g->n)
      continue;
    if (i == 0 || e[-1].from != e->from || e[-1].to != e->to) {
      refs = json_array ();
      if (json_array_append_new (
              edges, json_pack ("{s:s,s:s,s:o}", "from", g->nodes[e->from].name,
                                "to", g->nodes[e->to].name, "references",
                                refs))
          == -1)
        goto oom;
      ++*nedges;
    }
    if (json_array_append_new (refs, ref_json (e, NULL)) == -1)
      goto oom;
  }
  return edges;
oom:
  json_decref (edges);
  return NULL;
}

static int
ext_cmp (const void *a, const void *b)
{
  const struct v2c_fleet_edge_ref *x = *(const struct v2c_fleet_edge_ref *const *) a;
  const struct v2c_fleet_edge_ref *y = *(const struct v2c_fleet_edge_ref *const *) b;
  int c = strcasecmp (x->ref->host, y->ref->host);

  if (c)
    return c;
  c = strcmp (x->ref->host, y->ref->host);
  if (c)
    return c;
  return x < y ? -1 : x > y;
}

/* The references of one class (external or ambiguous), by host: one
 * entry per host (case-insensitive), each with its references. */
static json_t *
by_host_json (const struct v2c_fleet_graph *g, size_t cls, size_t *nhosts)
{
  const struct v2c_fleet_edge_ref **v = NULL;
  json_t *out = json_array (), *refs = NULL;
  size_t i, n = 0;

  *nhosts = 0;
  if (out == NULL)
    return NULL;
  for (i = 0; i < g->nrefs; i++)
    n += g->refs[i].to == cls;
  if (n == 0)
    return out;
  if ((v = malloc (n * sizeof *v)) == NULL)
    goto oom;
  for (i = 0, n = 0; i < g->nrefs; i++)
    if (g->refs[i].to == cls)
      v[n++] = &g->refs[i];
  qsort (v, n, sizeof *v, ext_cmp);
  for (i = 0; i < n; i++) {
    if (i == 0 || strcasecmp (v[i - 1]->ref->host, v[i]->ref->host) != 0) {
      /* names in lower case: DNS does not tell them apart */
      char *host = make_key ('h', v[i]->ref->host, strlen (v[i]->ref->host));

      refs = json_array ();
      if (host == NULL
          || json_array_append_new (out, json_pack ("{s:s,s:o}", "host",
                                                    host + 2, "references",
                                                    refs))
                 == -1) {
        free (host);
        goto oom;
      }
      free (host);
      ++*nhosts;
    }
    if (json_array_append_new (refs, ref_json (v[i], g->nodes[v[i]->from].name))
        == -1)
      goto oom;
  }
  free (v);
  return out;
oom:
  free (v);
  json_decref (out);
  return NULL;
}

json_t *
v2c_fleet_graph_json (const struct v2c_fleet_graph *g, struct v2c_err *err)
{
  size_t *out = calloc (g->n + 1, sizeof *out);
  size_t *in = calloc (g->n + 1, sizeof *in);
  size_t nedges = 0, next = 0, namb = 0;
  json_t *vms = NULL, *edges = NULL, *ext = NULL, *amb = NULL, *doc = NULL;

  if (out && in) {
    degrees (g, out, in);
    vms = vms_json (g, out, in);
    edges = edges_json (g, &nedges);
    ext = by_host_json (g, V2C_FLEET_EXTERNAL, &next);
    amb = by_host_json (g, V2C_FLEET_AMBIGUOUS, &namb);
  }
  if (vms && edges && ext && amb)
    doc = json_pack ("{s:s,s:s,s:{s:I,s:I,s:I,s:I,s:I},s:O,s:O,s:O,s:O}",
                     "schema", V2C_GRAPH_SCHEMA, "generator",
                     "v2c-batch " PACKAGE_VERSION, "counts", "vms",
                     (json_int_t) g->n, "edges", (json_int_t) nedges,
                     "references", (json_int_t) g->nrefs, "external_hosts",
                     (json_int_t) next, "ambiguous_hosts", (json_int_t) namb,
                     "vms", vms, "edges", edges, "external", ext, "ambiguous",
                     amb);
  free (out);
  free (in);
  json_decref (vms);
  json_decref (edges);
  json_decref (ext);
  json_decref (amb);
  if (doc == NULL)
    v2c_set_error (err, ENOMEM, "can't build graph.json");
  return doc;
}
