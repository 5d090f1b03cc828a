/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Unit tests of the typed plan and inventory (lib/model.h): every plan
 * and inventory of the source tree, the plans v2c_plan_build makes of
 * the test inventories, and the files named on the command line (e.g.
 * the recorded plan.json and inventory.json of converted VMs) load and
 * write back to the same bytes; a broken plan gives its JSON path; a
 * loaded plan reads as its document says.
 *
 * With "--check FILE...", only says for each file (a plan or an
 * inventory, by its schema member) "ok" or the loader's message (for
 * tests/model-schema.sh, which compares the loaders with the schemas).
 */
#include <config.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "plan.h"
#include "unit.h"

/* The bytes v2c_json_write_file writes of doc (caller frees). */
static char *
dump (const json_t *doc)
{
  char *s = json_dumps (doc, JSON_INDENT (2) | JSON_PRESERVE_ORDER), *t;

  if (s == NULL)
    abort ();
  t = malloc (strlen (s) + 2);
  if (t == NULL)
    abort ();
  strcpy (t, s);
  strcat (t, "\n");
  free (s);
  return t;
}

/* The document doc loaded and written back by the model of its
 * schema: an inventory or a plan (NULL with err set). */
static json_t *
reload (const json_t *doc, struct v2c_err *err)
{
  const char *schema = json_string_value (json_object_get (doc, "schema"));
  json_t *back = NULL;

  if (schema && strncmp (schema, "v2c.inventory/", 14) == 0) {
    struct v2c_inventory *inv = v2c_inventory_load (doc, err);
    if (inv)
      back = v2c_inventory_to_json (inv);
    v2c_inventory_free (inv);
  } else {
    struct v2c_plan *p = v2c_plan_load (doc, err);
    if (p)
      back = v2c_plan_to_json (p);
    v2c_plan_free (p);
  }
  return back;
}

/* Load text (the bytes of a plan file), write it back, compare: the
 * same bytes when bytes is set (a file v2c-plan wrote), else the same
 * JSON (a file edited by hand, its members in another order). */
static void
round_trip (const char *what, const char *text, int bytes)
{
  struct v2c_err err = { 0, "" };
  json_error_t jerr;
  json_t *doc = json_loads (text, 0, &jerr), *back;
  char *out;

  CHECK (doc != NULL, "%s: not JSON: %s", what, jerr.text);
  if (doc == NULL)
    return;
  back = reload (doc, &err);
  CHECK (back != NULL, "%s: %s", what, err.msg);
  if (back) {
    out = dump (back);
    if (bytes)
      CHECK_SAY (strcmp (out, text) == 0, "%s: load, write: same bytes", what);
    else
      CHECK_SAY (json_equal (doc, back), "%s: load, write: same JSON", what);
    free (out);
    json_decref (back);
  }
  json_decref (doc);
}

static void
file_round_trip (const char *path, int bytes)
{
  size_t len;
  char *text = unit_read_file (path, &len);

  round_trip (path, text, bytes);
  free (text);
}

static void
built_round_trip (const char *inventory, const char *strategy)
{
  struct v2c_err err = { 0, "" };
  json_t *inv = unit_load_json (inventory);
  json_t *plan = unit_plan_build (inv, strategy, &err);
  char what[256], *text;

  CHECK (plan != NULL, "%s: build: %s", inventory, err.msg);
  if (plan) {
    snprintf (what, sizeof what, "plan of %s (%s)", inventory,
              strategy ? strategy : "split");
    text = dump (plan);
    round_trip (what, text, 1);
    free (text);
  }
  json_decref (plan);
  json_decref (inv);
}

/* What the loader reads from the demo plan. */
static void
test_fields (void)
{
  struct v2c_err err = { 0, "" };
  json_t *doc = unit_load_json ("tests/data/manifest/debian-plan.json");
  struct v2c_plan *p = v2c_plan_load (doc, &err);
  const struct v2c_plan_component *k;
  size_t i, statefulsets = 0, probes = 0;

  CHECK (p != NULL, "debian plan: %s", err.msg);
  if (p == NULL) {
    json_decref (doc);
    return;
  }
  CHECK (p->components.n
             == json_array_size (json_object_get (doc, "components")),
         "%zu components", p->components.n);
  for (i = 0; i < p->components.n; i++) {
    k = &p->components.v[i];
    statefulsets += strcmp (k->kind, "StatefulSet") == 0;
    probes += k->probes != NULL;
    CHECK (v2c_plan_component (p, k->name) == k, "find %s", k->name);
    CHECK (k->run_as_root == (k->uid == 0), "%s: run_as_root", k->name);
  }
  CHECK_SAY (statefulsets > 0 && probes > 0,
             "debian plan: %zu StatefulSets, %zu with probes", statefulsets,
             probes);
  CHECK (v2c_plan_component (p, "no-such-component") == NULL, "unknown name");
  CHECK (strcmp (p->image.layers.v[0].name, "os") == 0, "first layer %s",
         p->image.layers.v[0].name);
  v2c_plan_free (p);
  json_decref (doc);
}

/* Broken plans: the message names the path. */
static void
test_broken (void)
{
  static const struct {
    const char *text, *want;
  } t[] = {
    { "[]", "plan: not a JSON object" },
    { "{}", "plan: schema: missing" },
    { "{\"schema\": \"v2c.plan/2\"}",
      "plan: schema: 'v2c.plan/2' is not 'v2c.plan/1'" },
    { "{\"schema\": \"v2c.plan/1\", \"name\": \"\"}", "plan: name: empty" },
    { "{\"schema\": \"v2c.plan/1\", \"name\": \"x\", \"source\": 1}",
      "plan: source: expected an object" },
  };
  struct v2c_err err = { 0, "" };
  size_t i;

  for (i = 0; i < sizeof t / sizeof t[0]; i++) {
    json_t *doc = json_loads (t[i].text, JSON_DECODE_ANY, NULL);
    struct v2c_plan *p = v2c_plan_load (doc, &err);

    CHECK (p == NULL, "%s: accepted", t[i].text);
    CHECK (strcmp (err.msg, t[i].want) == 0, "%s: '%s', expected '%s'",
           t[i].text, err.msg, t[i].want);
    v2c_plan_free (p);
    json_decref (doc);
  }
}

static int
check_only (int argc, char **argv)
{
  int i;

  for (i = 2; i < argc; i++) {
    struct v2c_err err = { 0, "" };
    json_t *doc = json_load_file (argv[i], 0, NULL);
    json_t *back = doc ? reload (doc, &err) : NULL;

    printf ("%s: %s\n", argv[i], back ? "ok" : doc ? err.msg : "not JSON");
    json_decref (back);
    json_decref (doc);
  }
  return 0;
}

int
main (int argc, char **argv)
{
  static const char *const plans[]
      = { "tests/data/manifest/debian-plan.json",
          "tests/data/manifest/edge-plan.json",
          "tests/data/report/demo-plan.json",
          "tests/fuzz/seeds/plan/plan-demo.json",
          "tests/fuzz/seeds/plan/plan-single-nomain.json",
          "tests/data/plan/demo-inventory.json",
          "tests/data/plan/debian12-inventory.json",
          "tests/data/sbom/demo-inventory.json",
          "tests/data/sbom/debian12-inventory.json",
          "tests/data/report/demo-inv.json" };
  const char *srcdir = getenv ("top_srcdir");
  char path[4096];
  size_t i;
  int a;

  if (argc > 1 && strcmp (argv[1], "--check") == 0)
    return check_only (argc, argv);
  for (i = 0; i < sizeof plans / sizeof plans[0]; i++) {
    snprintf (path, sizeof path, "%s/%s", srcdir ? srcdir : ".", plans[i]);
    file_round_trip (path, strstr (plans[i], "report") != NULL);
  }
  built_round_trip ("tests/data/plan/demo-inventory.json", NULL);
  built_round_trip ("tests/data/plan/demo-inventory.json", "single");
  built_round_trip ("tests/data/plan/debian12-inventory.json", NULL);
  for (a = 1; a < argc; a++)
    file_round_trip (argv[a], 1);
  test_fields ();
  test_broken ();
  return unit_status ();
}
