/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target: one rpm header blob, with its file list.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "inspect.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2c_err err = { 0, "" };
  struct v2c_pkgs p = { NULL, 0 };

  p.v = malloc (sizeof *p.v);
  if (p.v == NULL)
    return 0;
  if (v2c_rpm_parse_header (data, size, 1, p.v, &err) == 0)
    p.n = 1;
  v2c_pkgs_free_contents (&p);
  return 0;
}
