/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * tests/unit.h: the harness every C unit test in tests/ includes.
 *
 *   CHECK (cond, fmt, ...)   counts a failure and says where when cond
 *                            is false
 *   CHECK_SAY (cond, ...)    the same, and prints "ok: ..." when true
 *   FAIL (fmt, ...)          counts a failure and says where
 *   unit_skip (fmt, ...)     "SKIP: ..." and exit 77 (automake's skip)
 *   unit_die (fmt, ...)      "FAIL: ..." and exit 1 (setup failed)
 *   unit_status ()           what main returns: 0, or 1 after a failure
 *                            (with the number of failures on stderr)
 *   unit_read_file (path, &len)  a whole file, NUL-terminated; the test
 *                            ends (status 99, a hard error) if it can't
 *   unit_load_json ("tests/...")  a JSON file of the source tree (with
 *                            jansson.h included first)
 *   unit_json_find (list, key, value)  the object of a JSON array whose
 *                            member key is the string value, or NULL
 *   unit_plan_build (inv, strategy, &err)  the plan document of an
 *                            inventory document (with plan.h first)
 *   unit_check_str, unit_check_int (ctx, what, got, want)
 *                            compare a value with the expected one,
 *                            counting the checks made in 'checks'
 *   unit_str (s), unit_streq (a, b)  NULL-safe printing and comparing
 *   unit_put (root, rel, content), unit_symlink (root, target, rel)
 *                            a file or a symbolic link in a test tree,
 *                            with the directories above it
 *
 * A test that wants to stop after too many failures defines
 * UNIT_MAX_FAILURES before including this file.
 */
#ifndef V2C_TESTS_UNIT_H
#define V2C_TESTS_UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The number of failed checks so far, and of the checks made (for the
 * tests that count them). */
static int failures __attribute__ ((unused));
static int checks __attribute__ ((unused));

static inline void __attribute__ ((format (printf, 3, 4)))
unit_fail (const char *file, int line, const char *fmt, ...)
{
  va_list ap;

  fprintf (stderr, "FAIL: %s:%d: ", file, line);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  failures++;
#ifdef UNIT_MAX_FAILURES
  if (failures > UNIT_MAX_FAILURES) {
    fprintf (stderr, "more than %d failures: stopping\n", UNIT_MAX_FAILURES);
    exit (1);
  }
#endif
}

#define FAIL(...) unit_fail (__FILE__, __LINE__, __VA_ARGS__)

#define CHECK(cond, ...)                                                \
  do {                                                                  \
    if (!(cond))                                                        \
      FAIL (__VA_ARGS__);                                               \
  } while (0)

/* CHECK with the condition's own text as the message. */
#define CHECK_THAT(cond) CHECK ((cond), "%s", #cond)

#define CHECK_SAY(cond, ...)                                            \
  do {                                                                  \
    if (!(cond))                                                        \
      FAIL (__VA_ARGS__);                                               \
    else {                                                              \
      printf ("ok: " __VA_ARGS__);                                      \
      putchar ('\n');                                                   \
    }                                                                   \
  } while (0)

static inline void __attribute__ ((noreturn))
unit_exit_with (int status, const char *tag, const char *fmt, va_list ap)
{
  fprintf (stderr, "%s: ", tag);
  vfprintf (stderr, fmt, ap);
  fputc ('\n', stderr);
  exit (status);
}

static inline void __attribute__ ((format (printf, 1, 2), noreturn))
unit_skip (const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  unit_exit_with (77, "SKIP", fmt, ap);
}

/* "FAIL: ..." and exit 1: a check the others need could not be set up. */
static inline void __attribute__ ((format (printf, 1, 2), noreturn))
unit_die (const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  unit_exit_with (1, "FAIL", fmt, ap);
}

static inline int
unit_status (void)
{
  if (failures == 0)
    return 0;
  fprintf (stderr, "%d check(s) failed\n", failures);
  return 1;
}

/* Caller frees. */
static inline char *
unit_read_file (const char *path, size_t *len)
{
  FILE *f = fopen (path, "rb");
  char *buf = NULL;
  long n;

  if (f == NULL || fseek (f, 0, SEEK_END) || (n = ftell (f)) < 0
      || fseek (f, 0, SEEK_SET) || (buf = malloc ((size_t) n + 1)) == NULL
      || fread (buf, 1, (size_t) n, f) != (size_t) n) {
    perror (path);
    exit (99);
  }
  fclose (f);
  buf[n] = '\0';
  if (len)
    *len = (size_t) n;
  return buf;
}

/* ROOT/REL, the directories below ROOT made as needed. */
static inline void
unit_tree_path (const char *root, const char *rel, char *p, size_t size)
{
  char *s;

  snprintf (p, size, "%s/%s", root, rel);
  for (s = p + strlen (root) + 1; (s = strchr (s, '/')); s++) {
    *s = '\0';
    mkdir (p, 0755);
    *s = '/';
  }
}

static inline void
unit_put (const char *root, const char *rel, const char *content)
{
  char p[4096];
  FILE *f;

  unit_tree_path (root, rel, p, sizeof p);
  f = fopen (p, "w");
  if (f == NULL || fputs (content, f) == EOF || fclose (f) == EOF) {
    perror (p);
    exit (99);
  }
}

static inline void
unit_symlink (const char *root, const char *target, const char *rel)
{
  char p[4096];

  unit_tree_path (root, rel, p, sizeof p);
  if (symlink (target, p) == -1) {
    perror (p);
    exit (99);
  }
}

#ifdef JANSSON_H
/* Caller decrefs. */
static inline json_t *
unit_load_json (const char *rel)
{
  const char *srcdir = getenv ("top_srcdir");
  char path[4096];
  json_error_t jerr;
  json_t *j;

  snprintf (path, sizeof path, "%s/%s", srcdir ? srcdir : ".", rel);
  j = json_load_file (path, 0, &jerr);
  if (j == NULL) {
    fprintf (stderr, "can't load %s: %s\n", path, jerr.text);
    exit (99);
  }
  return j;
}

/* The first object of the array list whose string member key is value,
 * or NULL (borrowed). */
static inline json_t *
unit_json_find (const json_t *list, const char *key, const char *value)
{
  size_t i;

  for (i = 0; i < json_array_size (list); i++) {
    json_t *x = json_array_get (list, i);
    const char *s = json_string_value (json_object_get (x, key));

    if (s && strcmp (s, value) == 0)
      return x;
  }
  return NULL;
}
#endif

#ifdef V2C_PLAN_H
/* The plan document v2c_plan_build makes of an inventory document,
 * loaded first as the tools do; NULL with err set.  Caller decrefs. */
static inline json_t *
unit_plan_build (const json_t *doc, const char *strategy,
                 struct v2c_err *err)
{
  struct v2c_inventory *inv = v2c_inventory_load (doc, err);
  struct v2c_plan *plan = inv ? v2c_plan_build (inv, strategy, err) : NULL;
  json_t *out = plan ? v2c_plan_to_json (plan) : NULL;

  v2c_plan_free (plan);
  v2c_inventory_free (inv);
  return out;
}
#endif

static inline const char *
unit_str (const char *s)
{
  return s ? s : "(null)";
}

/* Equal strings, or both NULL. */
static inline int
unit_streq (const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return strcmp (a, b) == 0;
}

static inline void
unit_check_str (const char *ctx, const char *what, const char *got,
                const char *want)
{
  checks++;
  if (!unit_streq (got, want))
    FAIL ("%s: %s: v2c '%s', expected '%s'", ctx, what, unit_str (got),
          unit_str (want));
}

static inline void
unit_check_int (const char *ctx, const char *what, long long got,
                long long want)
{
  checks++;
  if (got != want)
    FAIL ("%s: %s: v2c %lld, expected %lld", ctx, what, got, want);
}

#endif /* V2C_TESTS_UNIT_H */
