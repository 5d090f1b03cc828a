/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A unit's command lines as systemd reads them (lib/systemd-exec.c):
 * the unit specifiers (%n %N %p %P %i %I %%), the ExecStart= lexer,
 * and a command's words made into a sh line when one of them expands a
 * variable.  Used by the systemd inspector (lib/inspect-systemd*.c) and
 * the planner (lib/plan*.c).  Not installed.
 */
#ifndef V2C_SYSTEMD_EXEC_H
#define V2C_SYSTEMD_EXEC_H

#include <stddef.h>

/* Longest command line the lexer takes, and most words it gives. */
#define V2C_EXEC_MAX_LINE (64u << 10)
#define V2C_EXEC_MAX_WORDS 16384

/* ---- unit specifiers ---- */

/* What the specifiers of one unit stand for. */
struct v2c_unit_names {
  const char *name;     /* %n: the unit's name */
  size_t name_len;      /* %N: its first name_len bytes */
  size_t prefix_len;    /* %p: its first prefix_len bytes */
  const char *instance; /* %i: a template's instance, or NULL */
  /* 1: %I and %P are %i and %p unescaped ("-" is "/", "\xNN" a byte);
   * 0: %I is %i and %P is kept as written */
  int unescape;
};

/* The names as systemd has them: %N without the type suffix, %p before
 * the '@', %I and %P unescaped. */
void v2c_unit_names_systemd (struct v2c_unit_names *u, const char *unit,
                             const char *instance);
/* The names as the planner reads a service of an inventory: %N is the
 * name of at most 511 bytes without ".service", %p that name before
 * the '@', and %I and %P are not unescaped. */
void v2c_unit_names_service (struct v2c_unit_names *u, const char *unit,
                             const char *instance);
/* s with the specifiers of u replaced; others are kept as written.
 * NULL when s or the result is longer than max bytes, or out of
 * memory.  Caller frees. */
char *v2c_unit_specifiers (const char *s, const struct v2c_unit_names *u,
                           size_t max);

/* ---- ExecStart= ---- */

/* The words of a command line: v holds n of them and a NULL (it is
 * built as a struct v2c_strvec). */
struct v2c_exec_words {
  char **v;
  size_t n;
};

void v2c_exec_words_free (struct v2c_exec_words *w);
/* Split a command line like systemd's ExecStart=: leading "-", "@",
 * "+", "!", "!!", ":" prefixes are stripped ("@": the second word is
 * argv[0] only, and is dropped); words are separated by blanks, quoted
 * with "" or '' anywhere, with C escapes.  NULL on success, else why
 * not (w is then empty). */
const char *v2c_exec_split (const char *line, struct v2c_exec_words *w);

/* Whether a word expands a variable ("$$" is a literal dollar). */
int v2c_exec_has_var (const char *s);
/* "$$" -> "$" in place: the word runs without a shell. */
void v2c_exec_undouble_dollars (char *s);
/* Append " WORD" to a sh command line of *n bytes in a buffer of *cap
 * (grown as needed): a lone $NAME stays unquoted (it splits at blanks,
 * as in systemd), anything else that is not plain is double-quoted
 * with its variables still expanding.  -1 when the line would pass
 * twice V2C_EXEC_MAX_LINE or out of memory. */
int v2c_exec_sh_append (char **line, size_t *n, size_t *cap, const char *w);

#endif /* V2C_SYSTEMD_EXEC_H */
