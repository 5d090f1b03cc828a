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
 *   unit_status ()           what main returns: 0, or 1 after a failure
 *                            (with the number of failures on stderr)
 *   unit_read_file (path, &len)  a whole file, NUL-terminated; the test
 *                            ends (status 99, a hard error) if it can't
 *
 * A test that wants to stop after too many failures defines
 * UNIT_MAX_FAILURES before including this file.
 */
#ifndef V2C_TESTS_UNIT_H
#define V2C_TESTS_UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* The number of failed checks so far. */
static int failures __attribute__ ((unused));

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

#define CHECK_SAY(cond, ...)                                            \
  do {                                                                  \
    if (!(cond))                                                        \
      FAIL (__VA_ARGS__);                                               \
    else {                                                              \
      printf ("ok: " __VA_ARGS__);                                      \
      putchar ('\n');                                                   \
    }                                                                   \
  } while (0)

static inline void __attribute__ ((format (printf, 1, 2), noreturn))
unit_skip (const char *fmt, ...)
{
  va_list ap;

  fprintf (stderr, "SKIP: ");
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  exit (77);
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

#endif /* V2C_TESTS_UNIT_H */
