/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * lib/fleet-graph.c and lib/fleet-waves.c on inventories made here:
 * references resolved by address, host name, FQDN, /etc/hosts and
 * search domains, external and ambiguous hosts, self references
 * dropped; the waves (pilot, dependency order, cycles, --waves-max, a
 * chain of 2,000 VMs without recursion) and the bridge objects.
 */
#include <config.h>

#include <errno.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "fleet.h"
#include "model.h"
#include "unit.h"

#define MAXN 2000

static struct v2c_inventory *invs[MAXN];
static struct v2c_fleet_node nodes[MAXN];
static char names[MAXN][32];

/* An inventory: hostname, fqdn, one static address (or NULL), /etc/hosts
 * lines ("ADDR NAME"), search domains, references ("KIND HOST PORT
 * SOURCE"), a service listening on a port (or 0). */
static struct v2c_inventory *
make_inv (const char *name, const char *host, const char *fqdn,
          const char *addr, const char *const *hosts,
          const char *const *search, const char *const *refs,
          const char *svc, int port, const char *envfile)
{
  struct v2c_err err = { 0, "" };
  json_t *h = json_array (), *s = json_array (), *r = json_array ();
  json_t *ifs = json_array (), *svcs = json_array (), *ports = json_array ();
  json_t *doc;
  struct v2c_inventory *inv;
  size_t i;

  for (i = 0; hosts && hosts[i]; i++) {
    char a[64], n[128];

    sscanf (hosts[i], "%63s %127s", a, n);
    json_array_append_new (h, json_pack ("{s:s,s:[s],s:s}", "address", a,
                                         "names", n, "source",
                                         "/etc/hosts:3"));
  }
  for (i = 0; search && search[i]; i++)
    json_array_append_new (s, json_string (search[i]));
  for (i = 0; refs && refs[i]; i++) {
    char k[32], ho[128], src[256];
    int p;

    sscanf (refs[i], "%31s %127s %d %255s", k, ho, &p, src);
    json_array_append_new (r, json_pack ("{s:s,s:s,s:i,s:s}", "kind", k,
                                         "host", ho, "port", p, "source",
                                         src));
  }
  if (addr)
    json_array_append_new (ifs, json_pack ("{s:s,s:s,s:[s],s:n,s:n,s:s}",
                                           "name", "ens192", "method",
                                           "static", "addresses", addr,
                                           "gateway", "mac", "source",
                                           "/etc/network/interfaces:9"));
  if (svc) {
    json_array_append_new (
        svcs, json_pack ("{s:s,s:s,s:b,s:s,s:s,s:n,s:n,s:n,s:{},s:[s],s:[],"
                         "s:[],s:[]}",
                         "name", svc, "kind", "systemd", "enabled", 1, "type",
                         "simple", "exec_start", "/usr/bin/true", "user",
                         "group", "working_directory", "environment",
                         "environment_files", envfile ? envfile : "/none",
                         "ports", "after", "wanted_by"));
    if (port)
      json_array_append_new (ports,
                             json_pack ("{s:i,s:s,s:s,s:s}", "port", port,
                                        "protocol", "tcp", "service", svc,
                                        "evidence", "ss"));
  }
  doc = json_pack (
      "{s:s,s:s,s:s,s:{s:s,s:s,s:[]},s:{s:n,s:n,s:n,s:n,s:[],s:[]},s:n,"
      "s:[],s:o,s:o,s:{s:s?,s:s?,s:o,s:[],s:o,s:o,s:[]},s:o}",
      "schema", "v2c.inventory/1", "name", name, "generator", "test",
      "source", "format", "disk", "path", "/x", "disks", "hardware", "cpus",
      "memory_mib", "firmware", "guest_os_id", "disks", "nics", "os",
      "filesystems", "services", svcs, "ports", ports, "network", "hostname",
      host, "fqdn", fqdn, "interfaces", ifs, "routes", "hosts", h, "search",
      s, "nameservers", "references", r);
  if (doc == NULL)
    unit_die ("json_pack of %s", name);
  inv = v2c_inventory_load (doc, &err);
  if (inv == NULL)
    unit_die ("inventory %s: %s", name, err.msg);
  json_decref (doc);
  return inv;
}

static void
set_node (size_t i, const char *name, const char *verdict,
          struct v2c_inventory *inv)
{
  snprintf (names[i], sizeof names[i], "%s", name);
  nodes[i].name = names[i];
  nodes[i].kube_name = names[i];
  nodes[i].verdict = verdict;
  nodes[i].inv = inv;
  invs[i] = inv;
}

static void
free_nodes (size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    v2c_inventory_free (invs[i]);
    invs[i] = NULL;
    nodes[i].inv = NULL;
  }
}

static char *
dump (const json_t *j)
{
  return json_dumps (j, JSON_COMPACT | JSON_ENCODE_ANY);
}

static void
check_dump (const char *ctx, const json_t *j, const char *want)
{
  char *got = dump (j);

  unit_check_str (ctx, "json", got, want);
  free (got);
}

/* [a.key, b.key] of two array items (a new array, checked and freed). */
static void
check_pair (const char *ctx, const json_t *arr, size_t i, const char *ki,
            size_t j, const char *kj, const char *want)
{
  json_t *p = json_pack ("[O,O]", json_object_get (json_array_get (arr, i), ki),
                         json_object_get (json_array_get (arr, j), kj));

  check_dump (ctx, p, want);
  json_decref (p);
}

/* web -> app (by name, by address, through /etc/hosts), app -> db (a
 * DATABASE_URL), ext -> an address outside, db -> an LDAP server
 * outside, and a reference of db to itself. */
static void
test_three_tier (void)
{
  static const char *const web_hosts[] = { "10.20.0.12 app.corp.example", NULL };
  static const char *const web_refs[]
      = { "http v2c-app 8080 /etc/nginx/sites-enabled/shop:12",
          "http 10.20.0.12 8080 /etc/nginx/sites-enabled/shop:20",
          "http app.corp.example 8080 /etc/nginx/sites-enabled/shop:25", NULL };
  static const char *const app_refs[]
      = { "postgresql v2c-db 5432 /etc/app/app.env:2", NULL };
  static const char *const db_refs[]
      = { "ldap ldap.corp.example 389 /etc/ldap/ldap.conf:4",
          "postgresql v2c-db.corp.example 5432 /etc/postgresql/x.conf:1", NULL };
  static const char *const ext_refs[]
      = { "redis 203.0.113.7 6379 /etc/ext/ext.conf:1",
          "ldap LDAP.corp.example 636 /etc/ext/ext.conf:2", NULL };
  struct v2c_err err = { 0, "" };
  struct v2c_fleet_graph g;
  json_t *graph, *waves, *w1, *objs;
  char *html;
  size_t len;

  set_node (0, "web", "good",
            make_inv ("web", "v2c-web", NULL, "10.20.0.11/24", web_hosts, NULL,
                      web_refs, "nginx.service", 80, NULL));
  set_node (1, "app", "good",
            make_inv ("app", "v2c-app", "v2c-app.corp.example",
                      "10.20.0.12/24", NULL, NULL, app_refs, "app.service",
                      8080, "-/etc/app/app.env"));
  set_node (2, "db", "moderate",
            make_inv ("db", "v2c-db", "v2c-db.corp.example", "10.20.0.13/24",
                      NULL, NULL, db_refs, "postgresql.service", 5432, NULL));
  set_node (3, "ext", "moderate",
            make_inv ("ext", "v2c-ext", NULL, NULL, NULL, NULL, ext_refs, NULL,
                      0, NULL));
  CHECK_THAT (v2c_fleet_graph_build (nodes, 4, &g, &err) == 0);
  graph = v2c_fleet_graph_json (&g, &err);
  CHECK_THAT (graph != NULL);
  check_dump ("counts", json_object_get (graph, "counts"),
              "{\"vms\":4,\"edges\":2,\"references\":7,\"external_hosts\":2,"
              "\"ambiguous_hosts\":0}");
  check_dump (
      "edge web->app", json_array_get (json_object_get (graph, "edges"), 0),
      "{\"from\":\"web\",\"to\":\"app\",\"references\":["
      "{\"kind\":\"http\",\"host\":\"v2c-app\",\"port\":8080,\"source\":"
      "\"/etc/nginx/sites-enabled/shop:12\",\"from_component\":\"nginx."
      "service\",\"resolved_by\":\"hostname\",\"hosts_entry\":null,"
      "\"to_component\":\"app.service\",\"address\":\"10.20.0.12\"},"
      "{\"kind\":\"http\",\"host\":\"10.20.0.12\",\"port\":8080,\"source\":"
      "\"/etc/nginx/sites-enabled/shop:20\",\"from_component\":\"nginx."
      "service\",\"resolved_by\":\"address\",\"hosts_entry\":null,"
      "\"to_component\":\"app.service\",\"address\":\"10.20.0.12\"},"
      "{\"kind\":\"http\",\"host\":\"app.corp.example\",\"port\":8080,"
      "\"source\":\"/etc/nginx/sites-enabled/shop:25\",\"from_component\":"
      "\"nginx.service\",\"resolved_by\":\"hosts\",\"hosts_entry\":\"/etc/"
      "hosts:3\",\"to_component\":\"app.service\",\"address\":\"10.20.0.12\""
      "}]}");
  check_dump ("edge app->db",
              json_array_get (json_object_get (graph, "edges"), 1),
              "{\"from\":\"app\",\"to\":\"db\",\"references\":[{\"kind\":"
              "\"postgresql\",\"host\":\"v2c-db\",\"port\":5432,\"source\":"
              "\"/etc/app/app.env:2\",\"from_component\":\"app.service\","
              "\"resolved_by\":\"hostname\",\"hosts_entry\":null,"
              "\"to_component\":\"postgresql.service\",\"address\":"
              "\"10.20.0.13\"}]}");
  /* one entry per host, whatever its case; by host */
  check_pair ("external hosts", json_object_get (graph, "external"), 0,
              "host", 1, "host", "[\"203.0.113.7\",\"ldap.corp.example\"]");
  CHECK_THAT (json_array_size (json_object_get (
                  json_array_get (json_object_get (graph, "external"), 1),
                  "references"))
              == 2);
  check_dump ("vm web",
              json_array_get (json_object_get (graph, "vms"), 0),
              "{\"name\":\"web\",\"kube_name\":\"web\",\"hostname\":\"v2c-web\","
              "\"fqdn\":null,\"addresses\":[\"10.20.0.11\"],\"verdict\":\"good\","
              "\"dependencies\":1,\"dependants\":0}");

  /* waves: web is the pilot (no dependant, a dependency), then db and
   * ext, then app; the pilot bridges to app */
  waves = v2c_fleet_waves_json (&g, 0, &err);
  CHECK_THAT (waves != NULL);
  {
    json_t *vms = json_array ();
    size_t i;
    json_t *w;

    json_array_foreach (json_object_get (waves, "waves"), i, w)
    json_array_append (vms, json_object_get (w, "vms"));
    check_dump ("waves", vms, "[[\"web\"],[\"db\",\"ext\"],[\"app\"]]");
    json_decref (vms);
  }
  w1 = json_array_get (json_object_get (waves, "waves"), 0);
  check_dump ("wave 1 bridges", json_object_get (w1, "bridges"),
              "[{\"to\":\"app\",\"to_kube_name\":\"app\",\"replaced_in_wave\":3,"
              "\"service\":\"v2c-app\",\"address\":\"10.20.0.12\",\"ports\":"
              "[8080],\"names\":[\"v2c-app\",\"10.20.0.12\",\"app.corp.example\""
              "],\"from\":[\"web\"],\"references\":[\"web:/etc/nginx/sites-"
              "enabled/shop:12\",\"web:/etc/nginx/sites-enabled/shop:20\","
              "\"web:/etc/nginx/sites-enabled/shop:25\"],\"reason\":null}]");
  check_dump ("wave 3 depends on",
              json_object_get (json_array_get (json_object_get (waves, "waves"),
                                               2),
                               "depends_on"),
              "[2]");
  objs = v2c_fleet_bridge_objects (w1, &err);
  CHECK_THAT (objs != NULL && json_array_size (objs) == 3);
  check_dump ("bridge Service", json_array_get (objs, 0),
              "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{"
              "\"name\":\"v2c-app\",\"labels\":{\"app.kubernetes.io/managed-by"
              "\":\"v2c\",\"v2c.io/bridge-to\":\"app\"},\"annotations\":{\"v2c"
              ".io/bridge-to-vm\":\"app\",\"v2c.io/replaced-in-wave\":\"3\"}},"
              "\"spec\":{\"ports\":[{\"name\":\"tcp-8080\",\"port\":8080,"
              "\"protocol\":\"TCP\",\"targetPort\":8080}]}}");
  check_dump ("bridge EndpointSlice", json_array_get (objs, 1),
              "{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice"
              "\",\"metadata\":{\"name\":\"v2c-app\",\"labels\":{\"app."
              "kubernetes.io/managed-by\":\"v2c\",\"v2c.io/bridge-to\":\"app\","
              "\"kubernetes.io/service-name\":\"v2c-app\"}},\"addressType\":"
              "\"IPv4\",\"endpoints\":[{\"addresses\":[\"10.20.0.12\"],"
              "\"conditions\":{\"ready\":true}}],\"ports\":[{\"name\":\"tcp-"
              "8080\",\"port\":8080,\"protocol\":\"TCP\"}]}");
  check_dump ("bridge NetworkPolicy",
              json_object_get (json_array_get (objs, 2), "spec"),
              "{\"podSelector\":{\"matchExpressions\":[{\"key\":\"app."
              "kubernetes.io/instance\",\"operator\":\"In\",\"values\":[\"web"
              "\"]}]},\"policyTypes\":[\"Egress\"],\"egress\":[{\"to\":[{"
              "\"ipBlock\":{\"cidr\":\"10.20.0.12/32\"}}],\"ports\":[{\"protocol"
              "\":\"TCP\",\"port\":8080}]}]}");
  json_decref (objs);
  /* the handover once app has moved: its Service that serves 8080 (not
   * the first, which serves 80 only, nor one without a selector) */
  {
    const json_t *b = json_array_get (json_object_get (w1, "bridges"), 0);
    json_t *svcs = json_loads (
        "[{\"kind\":\"Service\",\"metadata\":{\"name\":\"nginx\"},\"spec\":"
        "{\"selector\":{\"a\":\"n\"},\"ports\":[{\"port\":80}]}},"
        "{\"kind\":\"Service\",\"metadata\":{\"name\":\"bare\"},\"spec\":"
        "{\"ports\":[{\"port\":8080}]}},"
        "{\"kind\":\"Service\",\"metadata\":{\"name\":\"shop\"},\"spec\":"
        "{\"selector\":{\"a\":\"s\"},\"ports\":[{\"port\":8080,"
        "\"targetPort\":\"http\"}]}}]",
        0, NULL);
    const json_t *svc = v2c_fleet_handover_service (b, svcs);

    CHECK_THAT (svc == json_array_get (svcs, 2));
    {
      json_t *two = json_pack ("[O,O]", json_array_get (svcs, 0),
                               json_array_get (svcs, 1));

      CHECK_THAT (two && v2c_fleet_handover_service (b, two) == NULL);
      json_decref (two);
    }
    objs = v2c_fleet_handover_objects (b, svc, NULL, &err);
    CHECK_THAT (objs != NULL && json_array_size (objs) == 2);
    check_dump ("handover Service, one namespace",
                json_object_get (json_array_get (objs, 0), "spec"),
                "{\"selector\":{\"a\":\"s\"},\"ports\":[{\"name\":\"tcp-8080\","
                "\"port\":8080,\"protocol\":\"TCP\",\"targetPort\":\"http\"}]}");
    check_dump ("handover NetworkPolicy, one namespace",
                json_object_get (json_object_get (json_array_get (objs, 1),
                                                  "spec"),
                                 "egress"),
                "[{\"to\":[{\"podSelector\":{\"matchLabels\":{\"a\":\"s\"}}}],"
                "\"ports\":[{\"protocol\":\"TCP\",\"port\":\"http\"}]}]");
    json_decref (objs);
    objs = v2c_fleet_handover_objects (b, svc, "app-prod", &err);
    CHECK_THAT (objs != NULL);
    check_dump ("handover Service, another namespace",
                json_object_get (json_array_get (objs, 0), "spec"),
                "{\"type\":\"ExternalName\",\"externalName\":\"shop.app-prod."
                "svc.cluster.local\",\"ports\":[{\"name\":\"tcp-8080\",\"port\""
                ":8080,\"protocol\":\"TCP\"}]}");
    json_decref (objs);
    /* a Service that does not serve the bridge's port: refused */
    objs = v2c_fleet_handover_objects (b, json_array_get (svcs, 0), NULL,
                                       &err);
    CHECK_THAT (objs == NULL && err.errnum == EINVAL);
    json_decref (svcs);
  }
  html = v2c_fleet_graph_html (graph, waves, &len, &err);
  CHECK_THAT (html != NULL && strstr (html, "<svg") != NULL
              && strstr (html, "wave 1 (pilot)") != NULL
              && strstr (html, "/etc/nginx/sites-enabled/shop:25") != NULL);
  free (html);
  json_decref (waves);
  json_decref (graph);
  v2c_fleet_graph_free (&g);
  free_nodes (4);
}

/* Two VMs called "dup": a short name is ambiguous unless the caller's
 * search domains pick one. */
static void
test_ambiguous (void)
{
  static const char *const refs[] = { "http dup 80 /etc/a.conf:1", NULL };
  static const char *const search[] = { "b.example", NULL };
  struct v2c_err err = { 0, "" };
  struct v2c_fleet_graph g;
  json_t *graph;

  set_node (0, "x", NULL,
            make_inv ("x", "x", NULL, NULL, NULL, NULL, refs, NULL, 0, NULL));
  set_node (1, "dup-a", NULL,
            make_inv ("dup-a", "dup", "dup.a.example", NULL, NULL, NULL, NULL,
                      NULL, 0, NULL));
  set_node (2, "dup-b", NULL,
            make_inv ("dup-b", "dup", "dup.b.example", NULL, NULL, NULL, NULL,
                      NULL, 0, NULL));
  set_node (3, "y", NULL,
            make_inv ("y", "y", NULL, NULL, NULL, search, refs, NULL, 0, NULL));
  CHECK_THAT (v2c_fleet_graph_build (nodes, 4, &g, &err) == 0);
  graph = v2c_fleet_graph_json (&g, &err);
  check_dump ("ambiguous", json_object_get (graph, "ambiguous"),
              "[{\"host\":\"dup\",\"references\":[{\"kind\":\"http\",\"host\":"
              "\"dup\",\"port\":80,\"source\":\"/etc/a.conf:1\","
              "\"from_component\":null,\"resolved_by\":\"hostname\","
              "\"hosts_entry\":null,\"address\":null,\"from\":\"x\"}]}]");
  check_pair ("search resolves", json_object_get (graph, "edges"), 0, "from",
              0, "to", "[\"y\",\"dup-b\"]");
  json_decref (graph);
  v2c_fleet_graph_free (&g);
  free_nodes (4);
}

/* a <-> b is one group (a cycle); c calls a: c is the pilot and
 * bridges to a; five lone VMs with --waves-max 2. */
static void
test_cycle_and_max (void)
{
  static const char *const ra[] = { "http b 80 /a:1", NULL };
  static const char *const rb[] = { "http a 80 /b:1", NULL };
  static const char *const rc[] = { "http a 80 /c:1", NULL };
  struct v2c_err err = { 0, "" };
  struct v2c_fleet_graph g;
  json_t *waves;
  size_t i;

  set_node (0, "a", "good",
            make_inv ("a", "a", NULL, "10.0.0.1/8", NULL, NULL, ra, NULL, 0,
                      NULL));
  set_node (1, "b", "good",
            make_inv ("b", "b", NULL, "10.0.0.2/8", NULL, NULL, rb, NULL, 0,
                      NULL));
  set_node (2, "c", "good",
            make_inv ("c", "c", NULL, NULL, NULL, NULL, rc, NULL, 0, NULL));
  for (i = 3; i < 8; i++) {
    char n[8];

    snprintf (n, sizeof n, "l%zu", i);
    set_node (i, n, "poor",
              make_inv (n, n, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL));
  }
  CHECK_THAT (v2c_fleet_graph_build (nodes, 8, &g, &err) == 0);
  waves = v2c_fleet_waves_json (&g, 2, &err);
  {
    json_t *vms = json_array (), *cyc = json_array (), *w;

    json_array_foreach (json_object_get (waves, "waves"), i, w)
    {
      json_array_append (vms, json_object_get (w, "vms"));
      json_array_append (cyc, json_object_get (w, "cycles"));
    }
    check_dump ("waves with a cycle, at most 2", vms,
                "[[\"c\"],[\"a\",\"b\"],[\"l3\",\"l4\"],[\"l5\",\"l6\"],"
                "[\"l7\"]]");
    check_dump ("cycles", cyc, "[[],[[\"a\",\"b\"]],[],[],[]]");
    json_decref (vms);
    json_decref (cyc);
  }
  check_dump ("counts", json_object_get (waves, "counts"),
              "{\"vms\":8,\"groups\":7,\"cycles\":1,\"waves\":5}");
  check_dump ("pilot bridges to a",
              json_object_get (json_array_get (json_object_get (
                                                   json_array_get (
                                                       json_object_get (waves,
                                                                        "waves"),
                                                       0),
                                                   "bridges"),
                                               0),
                               "address"),
              "\"10.0.0.1\"");
  json_decref (waves);
  /* at most 1: the cycle is a wave of its own, larger than that */
  waves = v2c_fleet_waves_json (&g, 1, &err);
  CHECK_THAT (json_is_true (json_object_get (
      json_array_get (json_object_get (waves, "waves"), 1), "oversize")));
  CHECK_THAT (json_integer_value (json_object_get (
                  json_object_get (waves, "counts"), "waves"))
              == 7);
  json_decref (waves);
  v2c_fleet_graph_free (&g);
  free_nodes (8);
}

/* A chain v0 -> v1 -> ... -> v1999: deep, but no recursion; every VM a
 * wave of its own, v0 the pilot. */
static void
test_chain (void)
{
  struct v2c_err err = { 0, "" };
  struct v2c_fleet_graph g;
  json_t *waves;
  size_t i;

  for (i = 0; i < MAXN; i++) {
    char n[16], ref[64];
    const char *refs[] = { ref, NULL };

    snprintf (n, sizeof n, "v%zu", i);
    snprintf (ref, sizeof ref, "http v%zu 80 /etc/x:1", i + 1);
    set_node (i, n, "good",
              make_inv (n, n, NULL, NULL, NULL, NULL,
                        i + 1 < MAXN ? refs : NULL, NULL, 0, NULL));
  }
  CHECK_THAT (v2c_fleet_graph_build (nodes, MAXN, &g, &err) == 0);
  waves = v2c_fleet_waves_json (&g, 0, &err);
  CHECK_THAT (waves != NULL);
  CHECK_THAT (json_integer_value (json_object_get (
                  json_object_get (waves, "counts"), "waves"))
              == MAXN);
  check_dump ("pilot", json_object_get (json_array_get (json_object_get (
                                                            waves, "waves"),
                                                        0),
                                        "vms"),
              "[\"v0\"]");
  check_dump ("after the pilot, the end of the chain",
              json_object_get (json_array_get (json_object_get (waves, "waves"),
                                               1),
                               "vms"),
              "[\"v1999\"]");
  json_decref (waves);
  v2c_fleet_graph_free (&g);
  free_nodes (MAXN);
}

int
main (void)
{
  test_three_tier ();
  test_ambiguous ();
  test_cycle_and_max ();
  test_chain ();
  return unit_status ();
}
