/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target of lib/yaml.c: read hostile YAML; whatever is read
 * must write out and read back to the same tree.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "v2c-yaml.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2c_err err = { 0, "" };
  json_t *doc = v2c_yaml_load ((const char *) data, size, "fuzz", &err);
  json_t *back;
  char *y;
  size_t len;

  if (doc == NULL)
    return 0;
  y = v2c_yaml_dump (doc, "fuzz\ncomment", &len, &err);
  if (y == NULL)
    abort ();
  back = v2c_yaml_load (y, len, "again", &err);
  if (back == NULL || !json_equal (doc, back))
    abort ();
  json_decref (back);
  free (y);
  json_decref (doc);
  return 0;
}
