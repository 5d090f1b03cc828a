/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target: the Berkeley DB hash page walker on a raw
 * "Packages" file; every blob found goes through the header parser.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "inspect-rpmdb.h"

static int
parse (void *opaque, const unsigned char *blob, size_t len,
       struct v2c_err *err)
{
  struct v2c_pkgs *p = opaque;
  struct v2c_err e2 = { 0, "" };

  if (p->n == 0 && v2c_rpm_parse_header (blob, len, 1, p->v, &e2) == 0)
    p->n = 1;
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2c_err err = { 0, "" };
  struct v2c_pkgs p = { NULL, 0 };

  p.v = malloc (sizeof *p.v);
  if (p.v == NULL)
    return 0;
  v2c_rpmdb_bdb_walk (data, size, parse, &p, &err);
  v2c_pkgs_free_contents (&p);
  return 0;
}
