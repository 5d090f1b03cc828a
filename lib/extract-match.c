/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The path patterns of plans and of --include/--exclude: a glob over
 * absolute paths where "*" stays within a component and "**" crosses
 * them, matched without recursion (tests/test-extract-match.c).
 */
#include <config.h>

#include <string.h>

#include "extract-match.h"
#include "image.h"


static int
class_match (const char **pp, char c)
{
  const char *p = *pp + 1;
  int neg = 0, hit = 0;

  if (*p == '!' || *p == '^') {
    neg = 1;
    p++;
  }
  if (*p == ']') {               /* a leading ']' is literal */
    hit |= c == ']';
    p++;
  }
  for (; *p && *p != ']'; p++) {
    if (p[1] == '-' && p[2] && p[2] != ']') {
      hit |= (unsigned char) c >= (unsigned char) p[0]
             && (unsigned char) c <= (unsigned char) p[2];
      p += 2;
    } else
      hit |= c == *p;
  }
  if (*p != ']')
    return -1;                   /* unterminated: '[' is literal */
  *pp = p + 1;
  return hit != neg;
}

/* Iterative glob with one backtracking point per star kind, so hostile
 * patterns cost O(len(pattern) * len(path)).  A "**" between two slashes
 * also matches no component at all: "/srv/ ** /x" (without the spaces)
 * matches "/srv/x". */
int
v2c_extract_match (const char *pat, const char *s)
{
  const char *start = pat;
  const char *star_p = NULL, *star_s = NULL;     /* last "*" */
  const char *dstar_p = NULL, *dstar_s = NULL;   /* last "**" */
  int dstar_whole = 0;   /* "**" between slashes: resume only after a
                            '/' of the path */

  while (*s) {
    if (*pat == '*' && pat[1] == '*') {
      int after_slash = pat > start && pat[-1] == '/';
      while (*pat == '*')
        pat++;
      dstar_whole = after_slash && *pat == '/';
      if (dstar_whole)
        pat++;                   /* "**" + "/" may match nothing */
      dstar_p = pat;
      dstar_s = s;
      star_p = NULL;
      continue;
    }
    if (*pat == '*') {
      pat++;
      star_p = pat;
      star_s = s;
      continue;
    }
    if (*pat == '[') {
      const char *q = pat;
      int r = class_match (&q, *s);
      if (r == 1 && *s != '/') {
        pat = q;
        s++;
        continue;
      }
      if (r == -1 && *s == '[') {
        pat++;
        s++;
        continue;
      }
    } else if (*pat && (*pat == *s || (*pat == '?' && *s != '/'))) {
      pat++;
      s++;
      continue;
    }
    /* mismatch: let the last "*" eat one more byte (not a '/'), else
     * the last "**" one more byte (or one more component when it stands
     * between slashes) */
    if (star_p && *star_s != '/') {
      pat = star_p;
      s = ++star_s;
      continue;
    }
    if (dstar_p) {
      if (dstar_whole) {
        const char *slash = strchr (dstar_s, '/');
        if (slash == NULL)
          return 0;
        dstar_s = slash + 1;
      } else
        dstar_s++;
      pat = dstar_p;
      s = dstar_s;
      star_p = NULL;
      continue;
    }
    return 0;
  }
  while (*pat == '*')
    pat++;
  return *pat == '\0';
}

int
v2c_extract_covers (const char *pat, const char *path)
{
  char buf[V2C_LAYER_MAX_PATH + 1];
  size_t len = strlen (path), i;

  if (v2c_extract_match (pat, path))
    return 1;
  if (len > V2C_LAYER_MAX_PATH)
    return 0;
  memcpy (buf, path, len + 1);
  for (i = len; i > 1; i--)
    if (buf[i - 1] == '/') {
      buf[i - 1] = '\0';
      if (i - 1 > 0 && v2c_extract_match (pat, buf))
        return 1;
    }
  return 0;
}

/* Could a pattern match something strictly below dir?  Compares the
 * literal part before the first wildcard. */
int
v2c_extract_may_match_below (const char *pat, const char *dir)
{
  size_t lit = strcspn (pat, "*?["), dlen = strlen (dir);

  if (strcmp (dir, "/") == 0)
    return 1;
  if (lit > dlen)
    return strncmp (pat, dir, dlen) == 0 && pat[dlen] == '/';
  /* the wildcard starts within dir's length: compare what is literal */
  return strncmp (pat, dir, lit) == 0;
}
