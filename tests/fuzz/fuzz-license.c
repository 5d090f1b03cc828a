/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for the licence readers: the input as a Debian
 * copyright file (v2c_dpkg_copyright_license) and as a package
 * database's licence text (v2c_license_spdx).  An SPDX expression made
 * must hold only the characters of ids, LicenseRef-s, parentheses and
 * spaces, with balanced parentheses, and making it again from itself
 * must give it back.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "inspect-pkg-private.h"
#include "sbom.h"

static void
check_expr (const char *s)
{
  int depth = 0;

  for (; *s; s++) {
    if (*s == '(')
      depth++;
    else if (*s == ')' && --depth < 0)
      abort ();
    else if (!strchr ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                      "0123456789.-+ ()",
                      *s))
      abort ();
  }
  if (depth != 0)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  int known = 0, known2 = 0;
  char *l = v2c_dpkg_copyright_license ((const char *) data, size);
  char *s, *again;

  free (l);
  s = v2c_license_spdx ((const char *) data, size, &known);
  if (s) {
    check_expr (s);
    again = v2c_license_spdx (s, strlen (s), &known2);
    if (again == NULL || strcmp (again, s) != 0 || known2 != known)
      abort ();
    free (again);
  }
  free (s);
  return 0;
}
