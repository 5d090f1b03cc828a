/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for the path patterns of plans (lib/extract.c): the
 * input is "PATTERN\nPATH"; matching must end quickly whatever the
 * pattern (no exponential backtracking) and agree with itself: a match
 * is always covered.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "extract.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *buf, *nl;
  int m, c;

  if (size > 8192)
    return 0;
  buf = malloc (size + 1);
  if (buf == NULL)
    return 0;
  memcpy (buf, data, size);
  buf[size] = '\0';
  nl = strchr (buf, '\n');
  if (nl) {
    *nl = '\0';
    m = v2c_extract_match (buf, nl + 1);
    c = v2c_extract_covers (buf, nl + 1);
    if (m && !c)
      abort ();
  }
  free (buf);
  return 0;
}
