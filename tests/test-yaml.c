/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * lib/yaml.c: the quoting table (strings YAML 1.1 or 1.2 would mistype
 * come out quoted; others plain) checked against PyYAML, a YAML 1.1
 * reader v2c did not write, and against v2c's own reader; the reader's
 * refusals (aliases, duplicate keys, depth, several documents, tags).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "v2c-yaml.h"
#include "unit.h"

/* Strings a YAML 1.1 or 1.2 reader would read as something else. */
static const char *const must_quote[]
    = { "on",     "On",         "ON",
        "off",    "yes",        "Yes",
        "no",     "NO",         "y",
        "n",      "true",       "False",
        "null",   "Null",       "~",
        "0755",   "1e3",        "1.5",
        "-1",     "+1",         ".5",
        "0x1F",   "0o17",       "1_000",
        "12:30",  "2024-01-31", "2001-12-14 21:59:43",
        ".inf",   "-.inf",      ".NaN",
        "*",      "&x",         "!tag",
        "- x",    "-",          ":",
        "? x",    "#x",         "a: b",
        "a #b",   "|",          ">",
        "%x",     "@x",         "`x",
        "'x",     "\"x",        "[x]",
        "{x}",    ",x",         " lead",
        "trail ", "",           "<<",
        "=",      "tab\tx",     "x:",
        NULL };
/* Strings that are fine plain. */
static const char *const plain_ok[] = { "nginx",
                                        "/usr/bin/python3",
                                        "500m",
                                        "1Gi",
                                        "app.kubernetes.io/name",
                                        "REPLACE_ME",
                                        "a-b_c.d",
                                        "http://x/y",
                                        "daemon off;",
                                        "x=y",
                                        "caf\xc3\xa9",
                                        "v1",
                                        NULL };

static void
check_string (const char *s, int quoted)
{
  struct v2c_err err = { 0, "" };
  json_t *doc = json_pack ("{s:s}", "v", s), *back;
  size_t len;
  char *y = v2c_yaml_dump (doc, NULL, &len, &err);

  CHECK (y != NULL, "dump '%s': %s", s, err.msg);
  if (y == NULL) {
    json_decref (doc);
    return;
  }
  CHECK (v2c_yaml_needs_quotes (s, strlen (s)) == quoted,
         "needs_quotes('%s') != %d", s, quoted);
  if (quoted)
    CHECK (strncmp (y, "v: \"", 4) == 0, "'%s' written as %s", s, y);
  else
    CHECK (strncmp (y, "v: ", 3) == 0 && y[3] != '"' && y[3] != '\'',
           "'%s' written as %s", s, y);
  back = v2c_yaml_load (y, len, "test", &err);
  CHECK (back && json_equal (back, doc), "'%s' read back differently: %s", s,
         back ? "" : err.msg);
  json_decref (back);
  free (y);
  json_decref (doc);
}

/* All the strings (and a few other values) as one mapping, read by
 * PyYAML's safe_load and printed as JSON by Python. */
static void
check_pyyaml (void)
{
  struct v2c_err err = { 0, "" };
  json_t *doc = json_object (), *back;
  char path[] = "/tmp/test-yaml-XXXXXX", cmd[512], key[32];
  char *y, *out = NULL;
  size_t len, i, cap = 0;
  FILE *f;
  int fd, n = 0;

  for (i = 0; must_quote[i]; i++, n++) {
    snprintf (key, sizeof key, "q%d", n);
    json_object_set_new (doc, key, json_string (must_quote[i]));
  }
  for (i = 0; plain_ok[i]; i++, n++) {
    snprintf (key, sizeof key, "p%d", n);
    json_object_set_new (doc, key, json_string (plain_ok[i]));
  }
  json_object_set_new (doc, "on",
                       json_string ("a key YAML 1.1 reads as true"));
  json_object_set_new (doc, "int", json_integer (8080));
  json_object_set_new (doc, "neg", json_integer (-3));
  json_object_set_new (doc, "bool", json_false ());
  json_object_set_new (doc, "nil", json_null ());
  json_object_set_new (doc, "real", json_real (0.25));
  json_object_set_new (doc, "multi",
                       json_string ("line one\n  indented\nlast"));
  json_object_set_new (doc, "multi2", json_string ("ends with newline\n"));
  json_object_set_new (doc, "nested",
                       json_pack ("{s:[s, {s:[]}, {}]}", "a", "yes", "b"));
  y = v2c_yaml_dump (doc, "a comment\nwith\ttwo lines\x7f", &len, &err);
  CHECK (y != NULL, "dump: %s", err.msg);
  if (y == NULL)
    goto out;
  back = v2c_yaml_load (y, len, "table", &err);
  CHECK (back && json_equal (back, doc),
         "the table reads back differently (%s):\n%s", err.msg, y);
  json_decref (back);
  fd = mkstemp (path);
  CHECK (fd != -1, "mkstemp");
  if (fd == -1 || write (fd, y, len) != (ssize_t) len) {
    free (y);
    goto out;
  }
  close (fd);
  snprintf (cmd, sizeof cmd,
            "python3 -c 'import json,sys,yaml; "
            "json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)' %s",
            path);
  f = popen (cmd, "r");
  CHECK (f != NULL, "popen python3");
  if (f) {
    size_t got = 0;
    ssize_t r;

    while ((r = getline (&out, &cap, f)) > 0)
      got += (size_t) r;
    CHECK (pclose (f) == 0, "python3 with PyYAML is needed and must read "
                            "the YAML (apt-get install python3-yaml)");
    (void) got;
    back = out ? json_loads (out, 0, NULL) : NULL;
    CHECK (back && json_equal (back, doc),
           "PyYAML reads it differently:\n%s\nPyYAML: %s", y, out ? out : "");
    json_decref (back);
  }
  free (out);
  unlink (path);
  free (y);
out:
  json_decref (doc);
}

static void
check_refused (const char *text, const char *want)
{
  struct v2c_err err = { 0, "" };
  json_t *j = v2c_yaml_load (text, strlen (text), "in", &err);

  CHECK (j == NULL && strstr (err.msg, want) != NULL,
         "'%s': expected an error with '%s', got '%s'", text, want,
         j ? "a document" : err.msg);
  json_decref (j);
}

static void
check_reader (void)
{
  struct v2c_err err = { 0, "" };
  char deep[400];
  json_t *j;
  size_t i;

  check_refused ("a: &x [1]\nb: *x\n", "aliases are not supported");
  check_refused ("a: 1\na: 2\n", "duplicate key 'a'");
  check_refused ("a: 1\n---\nb: 2\n", "more than one YAML document");
  check_refused ("a: !custom x\n", "unsupported tag");
  check_refused ("a: !!int x\n", "does not match its tag");
  check_refused ("[1, 2]: x\n", "a mapping key must be a scalar");
  check_refused ("a: [1, 2\n", "line ");
  for (i = 0; i < 100; i++)
    deep[i] = '[';
  deep[100] = '\0';
  check_refused (deep, "nested too deeply");

  /* the YAML 1.2 core schema for plain scalars, strings when quoted */
  {
    static const char core[]
        = "a: yes\nb: 'true'\nc: 0x10\nd: 0o17\ne: ~\nf: 1e3\n"
          "g: 99999999999999999999\nh: !!str 12\ni:\nj: .inf\n";

    j = v2c_yaml_load (core, sizeof core - 1, "core", &err);
  }
  CHECK (j != NULL, "core: %s", err.msg);
  if (j) {
    json_t *want = json_pack (
        "{s:s, s:s, s:I, s:I, s:n, s:f, s:s, s:s, s:n, s:s}", "a", "yes", "b",
        "true", "c", (json_int_t) 16, "d", (json_int_t) 15, "e", "f", 1000.0,
        "g", "99999999999999999999", "h", "12", "i", "j", ".inf");
    CHECK (json_equal (j, want), "core schema: %s",
           json_dumps (j, JSON_COMPACT));
    json_decref (want);
  }
  json_decref (j);
  j = v2c_yaml_load ("# only a comment\n", 17, "empty", &err);
  CHECK (j && json_is_null (j), "an empty stream is not null");
  json_decref (j);
}

int
main (void)
{
  size_t i;

  for (i = 0; must_quote[i]; i++)
    check_string (must_quote[i], 1);
  for (i = 0; plain_ok[i]; i++)
    check_string (plain_ok[i], 0);
  check_pyyaml ();
  check_reader ();
  if (failures) {
    fprintf (stderr, "%d failures\n", failures);
    return 1;
  }
  printf ("ok: the quoting table reads back alike with PyYAML and libyaml\n");
  return 0;
}
