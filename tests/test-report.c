/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Unit tests of the report: inventories and plans made here, one per
 * fitness rule, with the verdict and the exact rules expected from the
 * rule table documented in docs/v2c-report.1; what a secret may show;
 * HTML and Markdown escaping of hostile names; same input, same bytes;
 * hostile input refused with the JSON path named.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "strbuf.h"
#include "unit.h"

/* An inventory with every member the loader wants. */
static json_t *
inventory (const char *type, const char *arch)
{
  json_t *inv = json_pack (
      "{s:s, s:s, s:{s:s, s:n, s:[]},"
      " s:{s:i, s:i, s:n, s:n, s:[{s:n, s:I}], s:[]},"
      " s:{s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:n, s:n, s:n},"
      " s:[{s:s, s:s, s:s, s:n, s:I}], s:[], s:[], s:[]}",
      "schema", "v2c.inventory/1", "name", "vm1", "source", "format", "disk",
      "path", "disks", "hardware", "cpus", 2, "memory_mib", 2048, "firmware",
      "guest_os_id", "disks", "controller", "capacity_bytes",
      (json_int_t) 10737418240, "nics", "os", "type", type, "distro", "debian",
      "version", "12", "major", 12, "minor", 0, "arch", arch, "hostname",
      "vm1", "product_name", "package_format", "package_manager",
      "filesystems", "device", "/dev/sda1", "type", "ext4", "mountpoint", "/",
      "size_bytes", "used_bytes", (json_int_t) 3000000000, "data_dirs",
      "secrets", "blockers");
  if (inv == NULL)
    abort ();
  return inv;
}

/* A component as v2c-plan writes it (every member the loader wants);
 * root: uid 0. */
static json_t *
component (const char *name, const char *converter, const char *kind, int root)
{
  int cron = strcmp (kind, "CronJob") == 0;
  json_t *c = json_pack (
      "{s:s, s:s, s:s, s:s?, s:n, s:{s:s, s:n, s:n}, s:[s], s:[], s:n,"
      " s:i, s:i, s:b, s:n, s:{}, s:[], s:[], s:[{s:i, s:s, s:s}], s:[],"
      " s:[], s:b, s:[], s:[], s:n, s:{s:{s:s, s:s}, s:{s:s}}, s:n, s:[]}",
      "name", name, "converter", converter, "kind", kind, "schedule",
      cron ? "0 3 * * *" : NULL, "service", "source", "kind", "systemd",
      "file", "line", "command", "/usr/bin/app", "args", "user", "uid",
      root ? 0 : 1000, "gid", root ? 0 : 1000, "run_as_root", root,
      "working_dir", "env", "secret_env", "environment_files", "ports", "port",
      8000, "protocol", "tcp", "name", "http", "volumes", "write_paths",
      "read_only_root", 0, "config_files", "secret_files", "probes",
      "resources", "requests", "cpu", "500m", "memory", "512Mi", "limits",
      "memory", "1Gi", "replace_with", "depends_on");
  if (c == NULL)
    abort ();
  return c;
}

/* Make component c run as root (uid 0). */
static void
set_root (json_t *c)
{
  json_object_set_new (c, "run_as_root", json_true ());
  json_object_set_new (c, "uid", json_integer (0));
}

/* A pvc volume of a component. */
static void
add_pvc (json_t *c, const char *name, const char *mount, const char *size)
{
  json_array_append_new (json_object_get (c, "volumes"),
                         json_pack ("{s:s, s:s, s:s, s:s, s:n}", "name", name,
                                    "kind", "pvc", "mount_path", mount, "size",
                                    size, "source_path"));
}

static json_t *
plan_of (json_t *components)
{
  json_t *p = json_pack (
      "{s:s, s:s, s:{s:s, s:s, s:n}, s:{s:n, s:n}, s:{s:s, s:{s:s, s:s},"
      " s:s, s:s, s:s, s:[{s:s, s:[], s:[]}], s:[], s:[], s:[]}, s:n, s:o,"
      " s:[], s:[]}",
      "schema", "v2c.plan/1", "name", "vm1", "source", "vm", "vm1", "format",
      "disk", "path", "vm", "cpus", "memory_mib", "image", "strategy",
      "single", "base", "distro", "debian", "version", "12", "os", "linux",
      "architecture", "amd64", "package_manager", "apt", "layers", "name",
      "rootfs", "includes", "excludes", "excludes", "volumes", "secret_files",
      "main_component", "components", components, "dropped", "notes");
  if (p == NULL)
    abort ();
  return p;
}

/* A web application: a Python app and nginx to be replaced. */
static json_t *
web_plan (void)
{
  json_t *nginx = component ("nginx", "nginx", "Deployment", 0);

  json_object_set_new (nginx, "replace_with",
                       json_pack ("{s:s, s:s}", "image", "nginx:1.22",
                                  "advice", "use the official nginx image"));
  json_array_append_new (json_object_get (nginx, "depends_on"),
                         json_string ("app"));
  return plan_of (json_pack (
      "[o, o]", component ("app", "python", "Deployment", 0), nginx));
}

static void
add_blocker (json_t *inv, const char *rule, const char *severity,
             const char *evidence)
{
  json_array_append_new (json_object_get (inv, "blockers"),
                         json_pack ("{s:s, s:s, s:s, s:[s]}", "rule", rule,
                                    "severity", severity, "summary", "x",
                                    "evidence", evidence));
}

/* The report of an inventory and a plan document, loaded in this order
 * (as v2c-report and v2c-convert do). */
static json_t *
report_of (const json_t *inv, const json_t *plan, struct v2c_err *err)
{
  struct v2c_inventory *i = v2c_inventory_load (inv, err);
  struct v2c_plan *p = i ? v2c_plan_load (plan, err) : NULL;
  json_t *r = p ? v2c_report_build (i, p, NULL, err) : NULL;

  v2c_inventory_free (i);
  v2c_plan_free (p);
  return r;
}

static json_t *
build (const json_t *inv, const json_t *plan)
{
  struct v2c_err err = { 0, "" };
  json_t *r = report_of (inv, plan, &err);

  if (r == NULL) {
    fprintf (stderr, "FAIL: v2c_report_build: %s\n", err.msg);
    exit (1);
  }
  return r;
}

/* Fired rule ids joined with ',' (caller frees). */
static char *
rule_ids (const json_t *report)
{
  const json_t *r;
  size_t i;
  char *s = calloc (1, 4096);

  json_array_foreach (
      json_object_get (json_object_get (report, "fitness"), "rules"), i, r)
  {
    if (i)
      strcat (s, ",");
    strncat (s, json_string_value (json_object_get (r, "id")), 100);
  }
  return s;
}

static void
expect (const char *what, const json_t *inv, const json_t *plan,
        const char *verdict, const char *rules)
{
  json_t *r = build (inv, plan);
  const char *v = json_string_value (
      json_object_get (json_object_get (r, "fitness"), "verdict"));
  char *ids = rule_ids (r);

  CHECK (strcmp (v, verdict) == 0, "%s: verdict '%s', expected '%s'", what, v,
         verdict);
  CHECK (strcmp (ids, rules) == 0, "%s: rules '%s', expected '%s'", what, ids,
         rules);
  free (ids);
  json_decref (r);
}

static const json_t *
find (const json_t *list, const char *key, const char *value)
{
  const json_t *x;
  size_t i;

  json_array_foreach (list, i, x)
  {
    const char *s = json_string_value (json_object_get (x, key));
    if (s && strcmp (s, value) == 0)
      return x;
  }
  return NULL;
}

static void
test_clean (void)
{
  json_t *inv = inventory ("linux", "x86_64"), *plan = web_plan (), *r;
  const json_t *c;

  expect ("clean web app", inv, plan, "excellent", "");
  r = build (inv, plan);
  c = find (json_object_get (r, "components"), "name", "nginx");
  CHECK (c
             && strcmp (json_string_value (json_object_get (c, "path")),
                        "replace")
                    == 0,
         "nginx is not 'replace'");
  CHECK (c
             && strcmp (json_string_value (json_object_get (c, "reason")),
                        "use the official nginx image")
                    == 0,
         "nginx's reason is not the plan's advice");
  c = find (json_object_get (r, "components"), "name", "app");
  CHECK (c
             && strcmp (json_string_value (json_object_get (c, "path")),
                        "replatform")
                    == 0,
         "app is not 'replatform'");
  CHECK (json_integer_value (
             json_object_get (json_object_get (r, "sizing"), "disk_bytes"))
             == 10737418240,
         "sizing.disk_bytes");
  CHECK (json_integer_value (
             json_object_get (json_object_get (r, "fitness"), "score"))
             == 100,
         "score of a clean VM");
  json_decref (r);
  /* a root component is still "good", and is to be refactored */
  set_root (json_array_get (json_object_get (plan, "components"), 0));
  expect ("root app", inv, plan, "good", "runs-as-root");
  json_decref (plan);
  json_decref (inv);
}

static void
test_database (void)
{
  json_t *inv = inventory ("linux", "x86_64"), *pg, *plan, *r;
  const json_t *v;

  pg = component ("postgresql-15-main", "postgresql", "StatefulSet", 0);
  add_pvc (pg, "data", "/var/lib/postgresql/15/main", "80Gi");
  plan = plan_of (json_pack ("[o]", pg));
  json_array_append_new (json_object_get (inv, "data_dirs"),
                         json_pack ("{s:s, s:s, s:I}", "path",
                                    "/var/lib/postgresql/15/main", "service",
                                    "postgresql", "used_bytes",
                                    (json_int_t) 60 << 30));
  expect ("database", inv, plan, "moderate",
          "database-in-container,large-data");
  r = build (inv, plan);
  v = json_array_get (json_object_get (r, "volumes"), 0);
  CHECK (json_integer_value (json_object_get (v, "size_bytes"))
             == (json_int_t) 60 << 30,
         "volume size_bytes %lld",
         (long long) json_integer_value (json_object_get (v, "size_bytes")));
  CHECK (strcmp (json_string_value (json_object_get (v, "migrate")),
                 "dump/restore with pg_dump")
             == 0,
         "migrate '%s'", json_string_value (json_object_get (v, "migrate")));
  CHECK (json_array_size (json_object_get (r, "volumes")) == 1, "%zu volumes",
         json_array_size (json_object_get (r, "volumes")));
  json_decref (r);
  /* 50 GiB is not above the threshold */
  json_object_set_new (json_array_get (json_object_get (inv, "data_dirs"), 0),
                       "used_bytes", json_integer ((json_int_t) 50 << 30));
  expect ("database, 50 GiB", inv, plan, "moderate", "database-in-container");
  json_decref (plan);
  /* an application keeping state on disk is not a database */
  pg = component ("app", "systemd", "StatefulSet", 0);
  add_pvc (pg, "state", "/var/lib/app", "1Gi");
  plan = plan_of (json_pack ("[o]", pg));
  expect ("stateful app", inv, plan, "good",
          "stateful-service,unknown-daemon");
  json_decref (plan);
  json_decref (inv);
}

/* A blocker of this rule and severity gives the verdict, with its
 * evidence carried into the report. */
static void
check_blocker (json_t *plan, const char *rule, const char *severity,
               const char *verdict)
{
  json_t *inv = inventory ("linux", "x86_64"), *r;
  const json_t *ev;

  add_blocker (inv, rule, severity, "/evidence/of/it");
  expect (rule, inv, plan, verdict, rule);
  r = build (inv, plan);
  ev = json_object_get (
      json_array_get (
          json_object_get (json_object_get (r, "fitness"), "rules"), 0),
      "evidence");
  CHECK (json_array_size (ev) == 1
             && strcmp (json_string_value (json_array_get (ev, 0)),
                        "/evidence/of/it")
                    == 0,
         "%s: evidence not carried over", rule);
  json_decref (r);
  json_decref (inv);
}

static void
test_blockers (void)
{
  /* a high blocker makes the VM a poor fit, a medium one moderate */
  static const char *const high[] = { "kernel-module-dkms",
                                      "kernel-module-out-of-tree",
                                      "desktop-session", "32-bit-userland" };
  static const char *const medium[] = { "kernel-module-autoload",
                                        "kernel-parameters",
                                        "multiple-ip-addresses" };
  json_t *plan = web_plan ();
  size_t i;

  for (i = 0; i < sizeof high / sizeof high[0]; i++)
    check_blocker (plan, high[i], "high", "poor");
  for (i = 0; i < sizeof medium / sizeof medium[0]; i++)
    check_blocker (plan, medium[i], "medium", "moderate");
  json_decref (plan);
}

static void
test_windows_32bit (void)
{
  json_t *inv = inventory ("windows", "x86_64"), *plan = web_plan (), *r;
  const json_t *c;
  size_t i;

  expect ("windows", inv, plan, "not-containerisable", "windows-guest");
  r = build (inv, plan);
  json_array_foreach (json_object_get (r, "components"), i, c) CHECK (
      strcmp (json_string_value (json_object_get (c, "path")), "retain") == 0,
      "windows: component '%s' is '%s', not 'retain'",
      json_string_value (json_object_get (c, "name")),
      json_string_value (json_object_get (c, "path")));
  json_decref (r);
  json_decref (inv);
  /* not inspected: the descriptor's guest OS id says it */
  inv = inventory ("linux", "x86_64");
  json_object_set_new (inv, "os", json_null ());
  json_object_set_new (json_object_get (inv, "hardware"), "guest_os_id",
                       json_string ("windows2019srv_64Guest"));
  expect ("windows guest_os_id", inv, plan, "not-containerisable",
          "windows-guest");
  json_decref (inv);
  /* 32-bit: the arch and the blocker make one rule */
  inv = inventory ("linux", "i686");
  expect ("i686", inv, plan, "poor", "32-bit-userland");
  add_blocker (inv, "32-bit-userland", "high", "/usr/lib/i386-linux-gnu");
  r = build (inv, plan);
  c = json_array_get (
      json_object_get (json_object_get (r, "fitness"), "rules"), 0);
  CHECK (json_array_size (json_object_get (c, "evidence")) == 2,
         "32-bit: %zu evidence strings, expected 2",
         json_array_size (json_object_get (c, "evidence")));
  json_decref (r);
  json_decref (inv);
  /* a blocker the table does not know counts as the inventory rates it */
  inv = inventory ("linux", "x86_64");
  add_blocker (inv, "firmware-dongle", "critical", "/dev/dongle");
  expect ("unknown critical blocker", inv, plan, "not-containerisable",
          "firmware-dongle");
  json_decref (inv);
  json_decref (plan);
}

static void
test_component_rules (void)
{
  json_t *inv = inventory ("linux", "x86_64"), *plan, *list;
  int i;

  plan = plan_of (
      json_pack ("[o]", component ("legacy", "systemd", "Deployment", 0)));
  expect ("generic systemd", inv, plan, "good", "unknown-daemon");
  json_decref (plan);
  plan = plan_of (json_array ());
  expect ("no component", inv, plan, "poor", "no-components");
  json_decref (plan);
  list = json_array ();
  for (i = 0; i < 11; i++) {
    char name[16];
    snprintf (name, sizeof name, "c%d", i);
    json_array_append_new (list, component (name, "node", "Deployment", 0));
  }
  plan = plan_of (list);
  expect ("11 components", inv, plan, "good", "many-components");
  json_array_remove (list, 0);
  expect ("10 components", inv, plan, "excellent", "");
  json_decref (plan);
  json_decref (inv);
}

static int
contains (const char *hay, const char *needle)
{
  return strstr (hay, needle) != NULL;
}

static void
test_secrets (void)
{
  json_t *inv = inventory ("linux", "x86_64"), *plan = web_plan (), *r;
  const json_t *s;
  char *md, *html, *js;
  struct v2c_err err = { 0, "" };
  size_t i;

  json_array_append_new (
      json_object_get (inv, "secrets"),
      json_pack ("{s:s, s:s, s:i, s:s}", "path", "/etc/app/app.env", "kind",
                 "password", "line", 4, "evidence", "DB_PASSWORD=hunter2x"));
  json_array_append_new (
      json_object_get (inv, "secrets"),
      json_pack ("{s:s, s:s, s:i, s:s}", "path", "/etc/app/app.env", "kind",
                 "password", "line", 9, "evidence", "OTHER=s3cr3tvalue"));
  json_array_append_new (
      json_object_get (inv, "secrets"),
      json_pack ("{s:s, s:s, s:i, s:s}", "path", "/etc/app/key.pem", "kind",
                 "private-key", "line", 1, "evidence", "-----BEGIN KEYDATA"));
  expect ("secrets", inv, plan, "good", "secrets-found");
  r = build (inv, plan);
  CHECK (json_array_size (json_object_get (r, "secrets")) == 2,
         "%zu secrets, expected 2 (one per path and kind)",
         json_array_size (json_object_get (r, "secrets")));
  json_array_foreach (json_object_get (r, "secrets"), i, s)
  {
    const char *use = json_string_value (json_object_get (s, "use"));

    CHECK (json_object_size (s) == 3
               && json_is_string (json_object_get (s, "path"))
               && json_is_string (json_object_get (s, "kind")) && use,
           "secrets[%zu] is not just {path, kind, use}", i);
    /* neither component of the plan claims them */
    CHECK (use && strcmp (use, "not mounted anywhere") == 0,
           "secrets[%zu].use '%s'", i, use ? use : "(null)");
  }
  js = json_dumps (r, 0);
  md = v2c_report_markdown (r, &err);
  html = v2c_report_html (r, &err);
  CHECK (js && md && html, "render: %s", err.msg);
  if (js && md && html) {
    static const char *const values[]
        = { "hunter2x", "s3cr3tvalue", "KEYDATA", "DB_PASSWORD" };
    for (i = 0; i < 4; i++) {
      CHECK (!contains (js, values[i]), "report.json shows '%s'", values[i]);
      CHECK (!contains (md, values[i]), "report.md shows '%s'", values[i]);
      CHECK (!contains (html, values[i]), "report.html shows '%s'", values[i]);
    }
    CHECK (contains (html, "/etc/app/key.pem"), "html lacks the secret path");
  }
  free (js);
  free (md);
  free (html);
  json_decref (r);
  json_decref (plan);
  json_decref (inv);
}

/* Unescaped '|' in a Markdown line. */
static int
pipes (const char *line, size_t len)
{
  size_t i;
  int n = 0;

  for (i = 0; i < len; i++) {
    if (line[i] == '\\') {
      i++;
      continue;
    }
    if (line[i] == '|')
      n++;
  }
  return n;
}

/* The names of a report's components made hostile (a plan can't have
 * them: the loader wants DNS labels, but a report read back may). */
static json_t *
hostile_names (json_t *r)
{
  json_t *comps = json_object_get (r, "components");

  json_object_set_new (json_array_get (comps, 0), "name",
                       json_string ("<script>x</script>"));
  json_object_set_new (json_array_get (comps, 1), "depends_on",
                       json_pack ("[s]", "<script>x</script>"));
  json_object_set_new (json_array_get (comps, 2), "name",
                       json_string ("a|b`c`\ndrop"));
  return r;
}

static void
test_escaping (void)
{
  json_t *inv = inventory ("linux", "x86_64"), *plan = web_plan (), *r, *r2;
  struct v2c_err err = { 0, "" };
  char *html, *html2, *md, *md2, *line;
  int rows = 0;

  json_array_append_new (json_object_get (plan, "components"),
                         component ("drop", "node", "Deployment", 0));
  json_array_append_new (json_object_get (inv, "secrets"),
                         json_pack ("{s:s, s:s, s:i, s:s}", "path",
                                    "/srv/a&\"'b|c", "kind", "token", "line",
                                    1, "evidence", "x"));
  r = hostile_names (build (inv, plan));
  html = v2c_report_html (r, &err);
  md = v2c_report_markdown (r, &err);
  CHECK (html && md, "render: %s", err.msg);
  if (html == NULL || md == NULL)
    exit (1);
  CHECK (!contains (html, "<script"), "html has a <script");
  CHECK (contains (html, "&lt;script&gt;x&lt;/script&gt;"),
         "html lacks the escaped component name");
  CHECK (contains (html, "/srv/a&amp;&quot;&#39;b|c"),
         "html lacks the escaped secret path");
  CHECK (contains (html, "<title>v2c report: vm1</title>"), "html title");
  CHECK (!contains (html, "http://") || !contains (html, "src="),
         "html fetches something");
  CHECK (!contains (md, "<script"), "markdown has a <script");
  CHECK (contains (md, "| a\\|b\\`c\\` drop |"),
         "markdown lacks the escaped name 'a|b`c`<newline>drop'");
  /* every row of the components table has its 7 pipes */
  for (line = strstr (md, "| Component | Kind"); line && *line == '|';) {
    char *end = strchr (line, '\n');
    size_t len = end ? (size_t) (end - line) : strlen (line);

    CHECK (pipes (line, len) == 7, "markdown row with %d pipes: %.*s",
           pipes (line, len), (int) len, line);
    rows++;
    line = end ? end + 1 : NULL;
  }
  CHECK (rows == 2 + 3, "components table has %d lines, expected 5", rows);
  CHECK (contains (md, "/srv/a&amp;\"'b\\|c"),
         "markdown lacks the escaped secret path");
  /* determinism: the same input gives the same bytes */
  r2 = hostile_names (build (inv, plan));
  html2 = v2c_report_html (r2, &err);
  md2 = v2c_report_markdown (r2, &err);
  CHECK (html2 && strcmp (html, html2) == 0, "html differs between runs");
  CHECK (md2 && strcmp (md, md2) == 0, "markdown differs between runs");
  CHECK (json_equal (r, r2), "report differs between runs");
  free (html);
  free (html2);
  free (md);
  free (md2);
  json_decref (r);
  json_decref (r2);
  json_decref (plan);
  json_decref (inv);
}

static void
expect_error (const char *what, const json_t *inv, const json_t *plan,
              const char *msg)
{
  struct v2c_err err = { 0, "" };
  json_t *r = report_of (inv, plan, &err);

  CHECK (r == NULL, "%s: accepted", what);
  CHECK (strstr (err.msg, msg) != NULL, "%s: message '%s' lacks '%s'", what,
         err.msg, msg);
  json_decref (r);
}

static void
test_hostile (void)
{
  json_t *inv = inventory ("linux", "x86_64"), *plan = web_plan (), *bad;

  bad = json_deep_copy (plan);
  json_object_set_new (bad, "components", json_string ("x"));
  expect_error ("components string", inv, bad,
                "plan: components: expected an array");
  json_object_set_new (
      bad, "components",
      json_pack ("[o]", component ("a", "x", "Deployment", 0)));
  json_object_set_new (json_array_get (json_object_get (bad, "components"), 0),
                       "name", json_integer (3));
  expect_error ("component name", inv, bad,
                "plan: components[0].name: expected a string");
  json_object_set_new (bad, "components",
                       json_pack ("[o, o]",
                                  component ("a", "x", "Deployment", 0),
                                  component ("a", "x", "Deployment", 0)));
  expect_error ("duplicate", inv, bad,
                "components[1].name: 'a' is used twice");
  json_decref (bad);
  bad = json_deep_copy (inv);
  json_object_set_new (bad, "schema", json_string ("v2c.plan/1"));
  expect_error ("inventory schema", bad, plan,
                "inventory: schema: 'v2c.plan/1' is not 'v2c.inventory/1'");
  json_object_set_new (bad, "schema", json_string ("v2c.inventory/1"));
  json_object_set_new (bad, "blockers",
                       json_pack ("[{s:s, s:s, s:[i]}]", "rule", "x",
                                  "severity", "low", "evidence", 1));
  expect_error ("evidence", bad, plan, "evidence[0]: expected a string");
  json_decref (bad);
  /* a wrong type, even where a value may be null, is an error */
  bad = json_deep_copy (inv);
  json_object_set_new (json_object_get (bad, "hardware"), "cpus",
                       json_string ("two"));
  expect_error ("cpus", bad, plan,
                "inventory: hardware.cpus: expected an integer or null");
  json_decref (bad);
  bad = json_deep_copy (inv);
  json_object_set_new (json_object_get (bad, "os"), "type", json_integer (1));
  expect_error ("os type", bad, plan,
                "inventory: os.type: expected a string or null");
  json_decref (bad);
  json_decref (plan);
  json_decref (inv);
}

static void
test_write (void)
{
  json_t *inv = inventory ("linux", "x86_64"), *plan = web_plan (), *r, *back;
  char dir[] = "/tmp/test-report.XXXXXX", path[256];
  struct v2c_err err = { 0, "" };
  const char *const files[] = { "report.json", "report.md", "report.html" };
  size_t i;

  if (mkdtemp (dir) == NULL)
    abort ();
  r = build (inv, plan);
  CHECK (v2c_report_write (r, dir, &err) == 0, "write: %s", err.msg);
  snprintf (path, sizeof path, "%s/report.json", dir);
  back = json_load_file (path, 0, NULL);
  CHECK (back && json_equal (back, r), "report.json does not read back");
  json_decref (back);
  for (i = 0; i < 3; i++) {
    snprintf (path, sizeof path, "%s/%s", dir, files[i]);
    CHECK (access (path, R_OK) == 0, "no '%s'", path);
    unlink (path);
  }
  snprintf (path, sizeof path, "%s/none", dir);
  CHECK (v2c_report_write (r, path, &err) == -1
             && strstr (err.msg, "none") != NULL,
         "write into a missing directory: '%s'", err.msg);
  rmdir (dir);
  json_decref (r);
  json_decref (plan);
  json_decref (inv);
}

/* The renderers' buffer and the string vector of lib/strbuf.c. */
static void
test_strbuf (void)
{
  struct v2c_strbuf b = V2C_STRBUF_INIT;
  struct v2c_strvec sv = V2C_STRVEC_INIT;
  char big[1000], **v;
  int i;

  memset (big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  CHECK (v2c_strbuf_add (&b, "", 0) == 0 && b.s && b.s[0] == '\0',
         "an empty addition leaves an empty text");
  v2c_strbuf_printf (&b, "%s-%d", big, 7);
  v2c_strbuf_addc (&b, '!');
  CHECK (!b.failed && b.len == 1002 && strcmp (b.s + 999, "-7!") == 0,
         "printf past the small buffer: %zu", b.len);
  v2c_strbuf_release (&b);
  for (i = 0; i < 20; i++)
    v2c_strvec_push (&sv, i % 2 ? "odd" : "even");
  v2c_strvec_pushn (&sv, "abcdef", 3);
  CHECK (sv.n == 21 && sv.v[21] == NULL && strcmp (sv.v[20], "abc") == 0,
         "strvec: %zu strings", sv.n);
  CHECK (v2c_strvec_find (&sv, "odd") == 1 && v2c_strvec_find (&sv, "x") == -1,
         "strvec find");
  v = v2c_strvec_detach (&sv);
  CHECK (sv.v == NULL && sv.n == 0 && v && strcmp (v[0], "even") == 0,
         "strvec detach");
  for (i = 0; v && v[i]; i++)
    free (v[i]);
  free (v);
  v2c_strvec_clear (&sv);
}

int
main (void)
{
  test_strbuf ();
  test_clean ();
  test_database ();
  test_blockers ();
  test_windows_32bit ();
  test_component_rules ();
  test_secrets ();
  test_escaping ();
  test_hostile ();
  test_write ();
  if (failures) {
    fprintf (stderr, "%d checks failed\n", failures);
    return 1;
  }
  printf ("ok: report rules, paths, secrets, escaping, determinism\n");
  return 0;
}
