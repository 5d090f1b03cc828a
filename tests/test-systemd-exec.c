/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * lib/systemd-exec.c, the one ExecStart= lexer and specifier expansion
 * of the inspector and the planner: specifiers as systemd has them and
 * as the planner reads an inventory's service, lines split as
 * systemd.service(5) describes (prefixes, quotes, C escapes, "@"), and
 * words made into a sh line.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "systemd-exec.h"
#include "unit.h"

static void
expect_spec (const struct v2c_unit_names *u, const char *in, size_t max,
             const char *want)
{
  char *got = v2c_unit_specifiers (in, u, max);

  CHECK ((got == NULL) == (want == NULL)
             && (got == NULL || strcmp (got, want) == 0),
         "'%s' gives '%s', expected '%s'", in, got ? got : "NULL",
         want ? want : "NULL");
  free (got);
}

static void
test_specifiers (void)
{
  struct v2c_unit_names u;

  /* systemd's reading: %I and %P unescaped */
  v2c_unit_names_systemd (&u, "app-x@srv-www.service", "srv-www");
  expect_spec (&u, "%n %N %p %i %I %P %% %z %", SIZE_MAX,
               "app-x@srv-www.service app-x@srv-www app-x srv-www srv/www "
               "app/x % %z %");
  v2c_unit_names_systemd (&u, "fstrim.timer", NULL);
  expect_spec (&u, "%N-%i.", SIZE_MAX, "fstrim-.");
  /* the planner's: only ".service" comes off %N, %P is kept */
  v2c_unit_names_service (&u, "fstrim.timer", NULL);
  expect_spec (&u, "%N %P %I", SIZE_MAX, "fstrim.timer %P ");
  v2c_unit_names_service (&u, "pg@14-main.service", "14-main");
  expect_spec (&u, "%p/%I/%N", SIZE_MAX, "pg/14-main/pg@14-main");
  /* too long, before or after expanding */
  expect_spec (&u, "%n%n", 20, NULL);
  expect_spec (&u, "%%%%%%", 5, NULL);
  expect_spec (&u, "%%%%", 4, "%%");
}

static void
expect_split (const char *line, const char *why, size_t n,
              const char *const *want)
{
  struct v2c_exec_words w;
  const char *got = v2c_exec_split (line, &w);
  size_t i;

  CHECK ((got == NULL) == (why == NULL)
             && (got == NULL || strcmp (got, why) == 0),
         "'%s': reason '%s', expected '%s'", line, got ? got : "none",
         why ? why : "none");
  CHECK (w.n == n, "'%s': %zu words, expected %zu", line, w.n, n);
  for (i = 0; i < n && i < w.n; i++)
    CHECK (strcmp (w.v[i], want[i]) == 0, "'%s': word %zu is '%s', not '%s'",
           line, i, w.v[i], want[i]);
  v2c_exec_words_free (&w);
}

static void
test_split (void)
{
  static const char *const plain[] = { "/usr/bin/app", "-c", "a b", "" };
  static const char *const at[] = { "/bin/x", "--flag" };
  static const char *const esc[] = { "tab\there", "\xc3\xa9", "A" };

  expect_split ("-+/usr/bin/app -c 'a b' \"\"", NULL, 4, plain);
  expect_split ("@/bin/x argv0 --flag", NULL, 2, at);
  expect_split ("tab\\there \\u00e9 \\x41", NULL, 3, esc);
  expect_split ("a 'open", "unterminated quote", 0, NULL);
  expect_split ("a \\q", "invalid backslash escape", 0, NULL);
  expect_split ("a \\x00", "invalid backslash escape", 0, NULL);
  expect_split ("  -  ", "empty command", 0, NULL);
  expect_split ("@/bin/x", "'@' without an argv[0] word", 0, NULL);
}

static void
test_sh (void)
{
  static const char *const words[] = { "run", "$HOME", "${A}b", "a b", "$$1" };
  char *line = malloc (5);
  size_t n = 4, cap = 5, i;
  char s[] = "a$$b$$";

  CHECK (v2c_exec_has_var ("x$HOME") && v2c_exec_has_var ("${A}")
             && !v2c_exec_has_var ("$$HOME") && !v2c_exec_has_var ("$1"),
         "has_var");
  v2c_exec_undouble_dollars (s);
  CHECK (strcmp (s, "a$b$") == 0, "undouble_dollars gives '%s'", s);
  if (line == NULL)
    return;
  memcpy (line, "exec", 5);
  for (i = 0; i < sizeof words / sizeof words[0]; i++)
    CHECK (v2c_exec_sh_append (&line, &n, &cap, words[i]) == 0, "append");
  CHECK (strcmp (line, "exec run $HOME \"${A}b\" \"a b\" \"\\$1\"") == 0,
         "sh line is '%s'", line);
  free (line);
}

int
main (void)
{
  test_specifiers ();
  test_split ();
  test_sh ();
  return unit_status ();
}
