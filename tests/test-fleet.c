/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * lib/fleet.c: state records accepted and refused; layer sharing
 * against sums worked out by hand from the test's own manifests; the
 * CSV read back by Python's csv module (an RFC 4180 reader v2c did not
 * write) and the HTML by libxml2's HTML parser, both giving back the
 * hostile strings (commas, quotes, line breaks, markup) unchanged; the
 * Kubernetes names of a batch's VMs.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>

#include "fleet.h"
#include "unit.h"

static int
str_eq (const json_t *v, const char *s)
{
  return json_is_string (v) && strcmp (json_string_value (v), s) == 0;
}

static const char good_state[]
    = "{\"schema\":\"v2c.batch-state/1\",\"name\":\"web-1\",\"source\":"
      "\"/e/web.ova\",\"status\":\"converted\",\"fingerprint\":{\"files\":[{"
      "\"path\":\"/e/web.ova\",\"size\":10,\"mtime_ns\":5}],\"digest\":"
      "\"sha256:00\"},\"started\":1,\"duration_s\":2.5,\"error\":null,"
      "\"max_rss_kib\":1000,\"exit\":0}";

/* good_state with the text from..to replaced by repl. */
static char *
edit (const char *from, const char *repl)
{
  const char *p = strstr (good_state, from);
  char *s = NULL;

  if (p == NULL)
    abort ();
  if (asprintf (&s, "%.*s%s%s", (int) (p - good_state), good_state, repl,
                p + strlen (from))
      == -1)
    abort ();
  return s;
}

static void
test_state (void)
{
  static const struct {
    const char *from, *to, *why;
  } bad[] = {
    { "\"web-1\"", "\"../x\"", "name with a slash" },
    { "\"web-1\"", "\".hidden\"", "name with a leading dot" },
    { "\"web-1\"", "\"\"", "empty name" },
    { "\"converted\"", "\"done\"", "unknown status" },
    { "\"converted\"", "\"planned\"", "planned is not a state" },
    { "\"started\":1", "\"started\":-1", "negative time" },
    { "\"duration_s\":2.5", "\"duration_s\":\"2\"", "duration a string" },
    { "\"max_rss_kib\":1000", "\"max_rss_kib\":1.5", "rss not integer" },
    { "\"error\":null", "\"error\":3", "error a number" },
    { "\"exit\":0", "\"exit\":0,\"extra\":1", "unknown member" },
    { "\"size\":10", "\"size\":-10", "negative size" },
    { "\"mtime_ns\":5", "\"mtime_ns\":5,\"x\":1", "extra file member" },
    { "v2c.batch-state/1", "v2c.batch-state/2", "other schema" },
    { "\"exit\":0", "\"exit\":0,\"exit\":1", "duplicate member" },
    { "\"fingerprint\":{", "\"fingerprint\":[{", "fingerprint array" },
  };
  struct v2c_err err = { 0, "" };
  json_t *doc;
  size_t i;
  char *s;

  doc = v2c_fleet_state_parse (good_state, strlen (good_state), &err);
  CHECK (doc != NULL, "good state refused: %s", err.msg);
  CHECK (
      str_eq (json_object_get (json_object_get (doc, "fingerprint"), "digest"),
              "sha256:00"),
      "fingerprint digest lost");
  json_decref (doc);
  /* never read past len: the record cut short is refused */
  doc = v2c_fleet_state_parse (good_state, strlen (good_state) - 1, &err);
  CHECK (doc == NULL, "a record cut by one byte was accepted");
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    s = edit (bad[i].from, bad[i].to);
    doc = v2c_fleet_state_parse (s, strlen (s), &err);
    CHECK (doc == NULL, "%s: accepted: %s", bad[i].why, s);
    if (doc == NULL)
      CHECK (err.msg[0] != '\0', "%s: no message", bad[i].why);
    json_decref (doc);
    free (s);
  }
  CHECK (v2c_fleet_name_ok ("a.b_c-d+1"), "a good name refused");
  CHECK (!v2c_fleet_name_ok ("-x"), "a leading dash accepted");
  CHECK (!v2c_fleet_name_ok ("a b"), "a space accepted");
}

#define D(c)                                                                  \
  "sha256:" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c \
      c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c

/* A plan the loader takes: split into os, config, app, no component. */
static json_t *
whole_plan (void)
{
  return json_pack (
      "{s:s, s:s, s:{s:s, s:s, s:n}, s:{s:n, s:n}, s:{s:s, s:{s:s, s:s},"
      " s:s, s:s, s:s, s:[{s:s, s:[], s:[]}, {s:s, s:[], s:[]},"
      " {s:s, s:[], s:[]}], s:[], s:[], s:[]}, s:n, s:[], s:[], s:[]}",
      "schema", "v2c.plan/1", "name", "vm", "source", "vm", "vm", "format",
      "disk", "path", "vm", "cpus", "memory_mib", "image", "strategy", "split",
      "base", "distro", "debian", "version", "12.5", "os", "linux",
      "architecture", "amd64", "package_manager", "apt", "layers", "name",
      "os", "includes", "excludes", "name", "config", "includes", "excludes",
      "name", "app", "includes", "excludes", "excludes", "volumes",
      "secret_files", "main_component", "components", "dropped", "notes");
}

/* An inventory the loader takes: Debian 12.5, 2 CPUs, 1 GiB, two
 * disks. */
static json_t *
whole_inventory (void)
{
  return json_pack (
      "{s:s, s:s, s:{s:s, s:n, s:[]}, s:{s:i, s:i, s:n, s:n,"
      " s:[{s:n, s:I}, {s:n, s:I}], s:[]}, s:{s:s, s:s, s:s, s:i, s:i, s:n,"
      " s:n, s:n, s:n, s:n}, s:[]}",
      "schema", "v2c.inventory/1", "name", "vm", "source", "format", "disk",
      "path", "disks", "hardware", "cpus", 2, "memory_mib", 1024, "firmware",
      "guest_os_id", "disks", "controller", "capacity_bytes",
      (json_int_t) 1 << 30, "controller", "capacity_bytes",
      (json_int_t) 1 << 20, "nics", "os", "type", "linux", "distro", "debian",
      "version", "12.5", "major", 12, "minor", 5, "arch", "hostname",
      "product_name", "package_format", "package_manager", "filesystems");
}

/* A VM with a manifest of layers (digest letter, size) and hostile
 * strings in its names. */
static json_t *
vm_summary (const char *name, const char *status, const char *l1, int s1,
            const char *l2, int s2, const char *error)
{
  struct v2c_err err = { 0, "" };
  json_t *state, *report, *manifest, *plan, *inv, *vm;
  struct v2c_inventory *i;
  struct v2c_plan *p;

  state = json_pack ("{s:s,s:s,s:s,s:s?,s:f,s:i}", "name", name, "source",
                     "/exports/a,b \"q\"/x.ova", "status", status, "error",
                     error, "duration_s", 12.25, "max_rss_kib", 2048);
  report = json_pack (
      "{s:{s:s},s:[{s:s},{s:s}],s:[{s:s,s:s,s:s,s:i}],s:[{s:s},{s:s}]}",
      "fitness", "verdict", "good", "components", "name", "nginx", "name",
      "pg <db> & \"x\"", "volumes", "component", "pg", "name", "pgdata",
      "mount_path", "/var/lib/postgresql", "size_bytes", 1000, "secrets",
      "path", "/etc/a", "path", "/etc/b");
  manifest = json_pack ("{s:[{s:s,s:i},{s:s,s:i},{s:s,s:i}]}", "layers",
                        "digest", l1, "size", s1, "digest", l2, "size", s2,
                        "digest", "not-a-digest", "size", 99);
  plan = whole_plan ();
  inv = whole_inventory ();
  if (!state || !report || !manifest || !plan || !inv)
    abort ();
  i = v2c_inventory_load (inv, &err);
  CHECK (i != NULL, "inventory: %s", err.msg);
  p = v2c_plan_load (plan, &err);
  CHECK (p != NULL, "plan: %s", err.msg);
  vm = v2c_fleet_vm (state, i, p, report, manifest, &err);
  CHECK (vm != NULL, "v2c_fleet_vm: %s", err.msg);
  v2c_inventory_free (i);
  v2c_plan_free (p);
  json_decref (state);
  json_decref (report);
  json_decref (manifest);
  json_decref (plan);
  json_decref (inv);
  return vm;
}

static int
run_csv_reader (const char *csv, size_t len, const char *out)
{
  char cmd[512];
  FILE *p;
  int st;

  snprintf (cmd, sizeof cmd,
            "python3 -c 'import csv,json,sys; json.dump(list(csv.reader("
            "open(sys.stdin.fileno(), newline=\"\"), strict=True)), "
            "open(\"%s\",\"w\"))'",
            out);
  p = popen (cmd, "w");
  if (p == NULL)
    return -1;
  fwrite (csv, 1, len, p);
  st = pclose (p);
  return st == 0 ? 0 : -1;
}

static void
test_fleet (void)
{
  struct v2c_err err = { 0, "" };
  const char *evil = "line 1, \"quoted\"\nline 2 <b>&amp;</b>";
  json_t *vms = json_array (), *fleet, *layers, *rows, *row;
  char *csv, *html, tmpl[] = "/tmp/test-fleet-XXXXXX";
  size_t len, hlen, i;
  htmlDocPtr doc;
  xmlXPathContextPtr xp;
  xmlXPathObjectPtr res;
  int fd, found = 0;

  /* a and b share the 100-byte layer; c has its own two layers */
  json_array_append_new (
      vms, vm_summary ("a", "converted", D ("a"), 100, D ("1"), 20, NULL));
  json_array_append_new (
      vms, vm_summary ("b", "up-to-date", D ("a"), 100, D ("2"), 30, NULL));
  json_array_append_new (
      vms, vm_summary ("c", "failed", D ("c"), 7, D ("3"), 0, evil));
  fleet = v2c_fleet_build (vms, "convert", &err);
  json_decref (vms);
  CHECK (fleet != NULL, "v2c_fleet_build: %s", err.msg);
  if (fleet == NULL)
    return;
  layers = json_object_get (fleet, "layers");
  /* by hand: 100+20 + 100+30 + 7+0 = 257; unique 257 - 100 = 157 */
  CHECK (json_integer_value (json_object_get (layers, "total_bytes")) == 257,
         "total layer bytes %lld, expected 257",
         (long long) json_integer_value (
             json_object_get (layers, "total_bytes")));
  CHECK (json_integer_value (json_object_get (layers, "unique_bytes")) == 157,
         "unique layer bytes %lld, expected 157",
         (long long) json_integer_value (
             json_object_get (layers, "unique_bytes")));
  CHECK (json_integer_value (json_object_get (layers, "saved_bytes")) == 100,
         "saved bytes");
  CHECK (json_array_size (json_object_get (layers, "shared")) == 1,
         "%zu shared layers, expected 1",
         json_array_size (json_object_get (layers, "shared")));
  CHECK (json_integer_value (json_object_get (
             json_object_get (json_object_get (fleet, "totals"), "by_status"),
             "failed"))
             == 1,
         "failed count");
  CHECK (json_integer_value (json_object_get (
             json_object_get (fleet, "totals"), "volume_bytes"))
             == 3000,
         "volume bytes");
  CHECK (
      json_integer_value (json_object_get (
          json_object_get (json_array_get (json_object_get (fleet, "vms"), 0),
                           "hardware"),
          "disk_capacity_bytes"))
          == (1 << 30) + (1 << 20),
      "disk capacity");

  csv = v2c_fleet_csv (fleet, &len, &err);
  CHECK (csv != NULL, "csv: %s", err.msg);
  fd = mkstemp (tmpl);
  if (csv && fd != -1 && access ("/usr/bin/python3", X_OK) == 0) {
    close (fd);
    CHECK (run_csv_reader (csv, len, tmpl) == 0, "python csv refused:\n%s",
           csv);
    rows = json_load_file (tmpl, 0, NULL);
    CHECK (json_array_size (rows) == 4, "%zu CSV rows, expected 4",
           json_array_size (rows));
    row = json_array_get (rows, 3);
    CHECK (
        str_eq (json_array_get (row, json_array_size (row) - 1), evil),
        "the error column read back as '%s'",
        json_string_value (json_array_get (row, json_array_size (row) - 1)));
    CHECK (str_eq (json_array_get (row, 2), "/exports/a,b \"q\"/x.ova"),
           "the source column read back wrong");
    json_array_foreach (rows, i, row) CHECK (
        json_array_size (row) == json_array_size (json_array_get (rows, 0)),
        "row %zu has %zu fields", i, json_array_size (row));
    json_decref (rows);
  } else
    fprintf (stderr, "note: python3 missing, CSV not read back\n");
  unlink (tmpl);
  free (csv);

  html = v2c_fleet_html (fleet, &hlen, &err);
  CHECK (html != NULL, "html: %s", err.msg);
  if (html) {
    CHECK (strstr (html, "<script") == NULL, "a script in the page");
    CHECK (strstr (html, "<b>") == NULL, "markup of a VM string in the page");
    doc = htmlReadMemory (html, (int) hlen, "fleet.html", "UTF-8",
                          HTML_PARSE_NONET | HTML_PARSE_NOERROR
                              | HTML_PARSE_NOWARNING);
    CHECK (doc != NULL, "libxml2 can't parse the page");
    xp = doc ? xmlXPathNewContext (doc) : NULL;
    res = xp ? xmlXPathEvalExpression ((const xmlChar *) "//td", xp) : NULL;
    for (i = 0; res && res->nodesetval && i < (size_t) res->nodesetval->nodeNr;
         i++) {
      xmlChar *t = xmlNodeGetContent (res->nodesetval->nodeTab[i]);

      if (t && strcmp ((const char *) t, evil) == 0)
        found++;
      xmlFree (t);
    }
    CHECK (found == 1, "the error text is in %d cells, expected 1", found);
    xmlXPathFreeObject (res);
    xmlXPathFreeContext (xp);
    xmlFreeDoc (doc);
    free (html);
  }
  json_decref (fleet);
}

/* Kubernetes names: a VM of its own name keeps its DNS-1123 form, VMs
 * sharing one get the SHA-256 of their key (hashes from Python's
 * hashlib), cut to 63 characters; what still clashes gets -2. */
static void
test_kube_names (void)
{
  char a70[71], a56[57], long1[64], long2[64];
  const char *names[]
      = { "web", "db", "WEB", "web-aab3e2", a70, a70, "dup", "dup" };
  const char *keys[] = { "a/web.ova", "db.ova", "c/WEB.ova", "z",
                         "a/web.ova", "b/web.ova", "x.ova", "x.ova" };
  const char *want[] = { "web-c4ffdb",   "db",     "web-aab3e2-2",
                         "web-aab3e2",   long1,    long2,
                         "dup-451576",   "dup-451576-2" };
  const int want_sfx[] = { 1, 0, 1, 0, 1, 1, 1, 1 };
  char *out[8];
  int sfx[8];
  struct v2c_err err = { 0, "" };
  size_t i;

  memset (a70, 'a', 70);
  a70[70] = '\0';
  memset (a56, 'a', 56);
  a56[56] = '\0';
  snprintf (long1, sizeof long1, "%s-c4ffdb", a56);
  snprintf (long2, sizeof long2, "%s-cf9704", a56);
  CHECK (v2c_fleet_kube_names (names, keys, 8, out, sfx, &err) == 0, "%s",
         err.msg);
  for (i = 0; i < 8; i++) {
    CHECK (strcmp (out[i], want[i]) == 0 && sfx[i] == want_sfx[i],
           "VM %zu: '%s' (%d), expected '%s' (%d)", i, out[i], sfx[i],
           want[i], want_sfx[i]);
    CHECK (strlen (out[i]) <= 63, "'%s': longer than a label", out[i]);
    free (out[i]);
  }
  /* one VM, and none */
  CHECK (v2c_fleet_kube_names (names, keys, 1, out, sfx, &err) == 0
             && strcmp (out[0], "web") == 0 && sfx[0] == 0,
         "one VM named web: '%s'", out[0]);
  free (out[0]);
  CHECK (v2c_fleet_kube_names (names, keys, 0, out, sfx, &err) == 0,
         "no VM: %s", err.msg);
}

int
main (void)
{
  test_state ();
  test_fleet ();
  test_kube_names ();
  if (failures) {
    fprintf (stderr, "%d failures\n", failures);
    return 1;
  }
  printf ("ok: fleet state records, layer sharing, CSV, HTML, "
          "Kubernetes names\n");
  return 0;
}
