/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for v2c_crontab_parse, as a system crontab (user
 * field) and as a user's crontab.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "inspect.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2c_err err = { 0 };
  int system;

  for (system = 0; system <= 1; system++) {
    struct v2c_cron c = { 0 };
    size_t i;

    if (v2c_crontab_parse ((const char *) data, size, system, "fuzz",
                           "/etc/crontab", &c, &err)
        == -1) {
      if (err.msg[0] == '\0')
        abort ();
    }
    for (i = 0; i < c.n; i++)
      if (c.v[i].schedule[0] == '\0' || c.v[i].command[0] == '\0'
          || c.v[i].user == NULL || c.v[i].line < 1
          || strchr (c.v[i].command, '\n'))
        abort ();
    v2c_cron_free_contents (&c);
  }
  return 0;
}
