/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for v2c_apk_parse_installed, with files.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "inspect.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2c_err err = { 0 };
  struct v2c_pkgs pk;
  size_t i, k;

  if (v2c_apk_parse_installed ((const char *) data, size, 1, &pk, &err)
      == -1) {
    if (err.msg[0] == '\0' || pk.n != 0)
      abort ();
    return 0;
  }
  for (i = 0; i < pk.n; i++) {
    const struct v2c_pkg *p = &pk.v[i];
    if (p->name == NULL || p->evr == NULL || p->version == NULL)
      abort ();
    for (k = 0; k < p->nfiles; k++) {
      const char *d = p->files[k].digest;
      size_t n = d ? strlen (d) : 0;
      /* a digest is lower-case hex of a known length, or none */
      if (p->files[k].path[0] != '/'
          || (d
              && ((n != 32 && n != 40 && n != 64)
                  || strspn (d, "0123456789abcdef") != n)))
        abort ();
    }
  }
  v2c_pkgs_free_contents (&pk);
  return 0;
}
