/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for v2c_unit_parse (systemd unit files).
 */
#include "fuzz.h"

#include <stdlib.h>

#include "inspect.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2c_err err = { 0 };
  struct v2c_unit_file u;
  size_t i;

  if (v2c_unit_parse ((const char *) data, size, &u, &err) == -1) {
    if (err.msg[0] == '\0' || u.n != 0 || u.v != NULL)
      abort ();
    return 0;
  }
  for (i = 0; i < u.n; i++)
    if (u.v[i].key[0] == '\0' || u.v[i].line < 1 || strchr (u.v[i].key, '\n')
        || strchr (u.v[i].value, '\n'))
      abort ();
  v2c_unit_file_free_contents (&u);
  return 0;
}
