/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for v2c_passwd_parse, as /etc/passwd and as
 * /etc/group.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "inspect.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2c_err err = { 0 };
  int group;

  for (group = 0; group <= 1; group++) {
    struct v2c_users u = { 0 };
    size_t i;

    if (v2c_passwd_parse ((const char *) data, size, group, &u, &err) == -1
        && err.msg[0] == '\0')
      abort ();
    for (i = 0; i < u.n; i++) {
      char **m;

      if (u.v[i].name == NULL || u.v[i].name[0] == '\0'
          || strchr (u.v[i].name, ':') || u.v[i].is_group != group
          || (!group && u.v[i].members != NULL))
        abort ();
      /* a group's members: NULL when none, else non-empty names */
      for (m = u.v[i].members; m && *m; m++)
        if ((*m)[0] == '\0' || strpbrk (*m, ",:\n"))
          abort ();
    }
    v2c_users_free_contents (&u);
  }
  return 0;
}
