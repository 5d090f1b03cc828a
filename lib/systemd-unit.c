/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Unit file syntax (systemd.syntax(7)): sections, keys, values,
 * continuation lines and comments, read as systemd reads them, with
 * limits for hostile input.  The unit file reader of the systemd
 * inspector (lib/inspect-systemd*.c).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect-systemd.h"

static int
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void
sysd_trim (const char **s, size_t *n)
{
  while (*n > 0 && is_space (**s)) {
    (*s)++;
    (*n)--;
  }
  while (*n > 0 && is_space ((*s)[*n - 1]))
    (*n)--;
}

void
v2c_unit_file_free_contents (struct v2c_unit_file *u)
{
  size_t i;

  if (u == NULL)
    return;
  for (i = 0; i < u->n; i++)
    V2C_FREE (u->v[i].section, u->v[i].key, u->v[i].value);
  free (u->v);
  u->v = NULL;
  u->n = 0;
}

static int
unit_add (struct v2c_unit_file *out, size_t *cap, const char *section,
          const char *key, size_t klen, const char *val, size_t vlen, int line,
          struct v2c_err *err)
{
  struct v2c_unit_entry *e;

  if (out->n >= UNIT_MAX_ENTRIES)
    return v2c_set_error (err, 0, "more than %d assignments at line %d",
                          UNIT_MAX_ENTRIES, line);
  if (out->n == *cap) {
    size_t ncap = *cap ? *cap * 2 : 32;
    e = realloc (out->v, ncap * sizeof *e);
    if (e == NULL)
      return v2c_set_error (err, errno, "out of memory");
    out->v = e;
    *cap = ncap;
  }
  e = &out->v[out->n];
  e->section = strdup (section);
  e->key = strndup (key, klen);
  e->value = strndup (val, vlen);
  e->line = line;
  if (e->section == NULL || e->key == NULL || e->value == NULL) {
    free (e->section);
    free (e->key);
    free (e->value);
    return v2c_set_error (err, errno, "out of memory");
  }
  out->n++;
  return 0;
}

int
v2c_unit_parse (const char *buf, size_t len, struct v2c_unit_file *out,
                struct v2c_err *err)
{
  char *logical = NULL, *section = NULL;
  size_t llen = 0, cap = 0, pos = 0;
  int line = 0, start_line = 0, cont = 0;

  out->v = NULL;
  out->n = 0;
  if (memchr (buf, '\0', len))
    return v2c_set_error (err, 0, "unit file contains a NUL byte");
  logical = malloc (UNIT_MAX_LINE + 1);
  if (logical == NULL)
    return v2c_set_error (err, errno, "out of memory");
  while (pos < len) {
    const char *l = buf + pos, *nl = memchr (l, '\n', len - pos);
    size_t n = nl ? (size_t) (nl - l) : len - pos, tn;
    const char *t = l;

    pos += n + (nl != NULL);
    line++;
    tn = n;
    sysd_trim (&t, &tn);
    if (cont) {
      /* a comment line inside a continuation is dropped */
      if (tn > 0 && (t[0] == '#' || t[0] == ';'))
        continue;
    } else {
      if (tn == 0 || t[0] == '#' || t[0] == ';')
        continue;
      start_line = line;
      llen = 0;
    }
    if (llen + tn + 1 > UNIT_MAX_LINE) {
      v2c_set_error (err, 0, "line %d longer than %u bytes", start_line,
                     UNIT_MAX_LINE);
      goto fail;
    }
    /* the backslash of a continued line becomes a space */
    if (tn > 0 && t[tn - 1] == '\\') {
      memcpy (logical + llen, t, tn - 1);
      llen += tn - 1;
      logical[llen++] = ' ';
      cont = 1;
      if (pos < len)
        continue;
    } else {
      memcpy (logical + llen, t, tn);
      llen += tn;
      cont = 0;
    }
    cont = 0;
    {
      const char *s = logical, *eq;
      size_t sn = llen;

      sysd_trim (&s, &sn);
      if (sn == 0)
        continue;
      if (s[0] == '[') {
        if (sn < 2 || s[sn - 1] != ']') {
          v2c_set_error (err, 0, "invalid section header at line %d",
                         start_line);
          goto fail;
        }
        free (section);
        section = strndup (s + 1, sn - 2);
        if (section == NULL) {
          v2c_set_error (err, errno, "out of memory");
          goto fail;
        }
        continue;
      }
      eq = memchr (s, '=', sn);
      /* systemd ignores (with a warning) lines without '=' and
       * assignments before the first section */
      if (eq == NULL || section == NULL)
        continue;
      {
        const char *k = s, *v = eq + 1;
        size_t kn = (size_t) (eq - s), vn = sn - kn - 1;

        sysd_trim (&k, &kn);
        sysd_trim (&v, &vn);
        if (kn == 0)
          continue;
        if (unit_add (out, &cap, section, k, kn, v, vn, start_line, err) == -1)
          goto fail;
      }
    }
  }
  free (logical);
  free (section);
  return 0;

fail:
  free (logical);
  free (section);
  v2c_unit_file_free_contents (out);
  return -1;
}
