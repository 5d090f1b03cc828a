/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * JSON trees (jansson) as YAML and back, through libyaml (lib/yaml.c).
 * Named v2c-yaml.h, not yaml.h: the tree's -I lib must not hide
 * libyaml's own <yaml.h>.
 * Not installed.
 *
 * Writing: block style, keys in the tree's order.  A string is written
 * plain only when every YAML 1.1 and 1.2 reader reads it back as that
 * same string; anything a reader could take for a null, a boolean
 * ("on", "yes", "N"), a number ("0755", "1e3", "1_000", "12:30"), a
 * date, an alias, anchor, tag or indicator ("*", "&x", "!x", "- x",
 * ":"), or that has leading or trailing white space, or is empty, is
 * double quoted.  Multi-line strings are literal blocks where YAML
 * allows it.  Integers, booleans and null are plain scalars.
 *
 * Reading: one document, the YAML 1.2 core schema for plain scalars
 * (null, true/false, integers, floats; everything else a string;
 * quoted scalars are always strings).  The input is hostile: bounded
 * size, depth and node count; aliases are refused (no expansion
 * bombs), so are duplicate keys, non-scalar keys and several
 * documents.
 */
#ifndef V2C_YAML_H
#define V2C_YAML_H

#include <jansson.h>

#include "v2c-internal.h"

/* Limits of v2c_yaml_load. */
#define V2C_YAML_MAX_BYTES (16u << 20)
#define V2C_YAML_MAX_DEPTH 64
#define V2C_YAML_MAX_NODES 1000000

/* doc as YAML text, preceded by comment (NULL for none) written as "# "
 * lines; control characters in the comment are replaced so that it
 * stays a comment.  Returns a NUL-terminated buffer and its length in
 * *lenp (may be NULL); caller frees.  NULL with err set. */
char *v2c_yaml_dump (const json_t *doc, const char *comment, size_t *lenp,
                     struct v2c_err *err);

/* The one document of buf (len bytes) as a JSON tree; an empty stream
 * gives JSON null.  name (e.g. the file name) prefixes messages.  New
 * reference, caller must json_decref; NULL with err set. */
json_t *v2c_yaml_load (const char *buf, size_t len, const char *name,
                       struct v2c_err *err);

/* v2c_yaml_load of a file (at most V2C_YAML_MAX_BYTES). */
json_t *v2c_yaml_load_file (const char *path, struct v2c_err *err);

/* 1 when s (len bytes) must be quoted to be read back as a string by
 * YAML 1.1 and 1.2 readers, else 0. */
int v2c_yaml_needs_quotes (const char *s, size_t len);

#endif /* V2C_YAML_H */
