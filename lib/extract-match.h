/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Interface of lib/extract-match.c: the path patterns of plans and of
 * --include/--exclude.  Not installed.
 */
#ifndef V2C_EXTRACT_MATCH_H
#define V2C_EXTRACT_MATCH_H

/* Does the absolute path match pattern?  "*" matches within one path
 * component, "**" across components, "?" one character, "[...]" a
 * class ("[!...]" negated).  A pattern that matches a directory also
 * covers its subtree: see v2c_extract_covers. */
int v2c_extract_match (const char *pattern, const char *path);
/* The pattern matches path or one of its ancestor directories. */
int v2c_extract_covers (const char *pattern, const char *path);
/* Could the pattern match something strictly below dir?  Compares the
 * literal part before the first wildcard. */
int v2c_extract_may_match_below (const char *pattern, const char *dir);

#endif /* V2C_EXTRACT_MATCH_H */
