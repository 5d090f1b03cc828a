/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The unit tests' inventory of a guest tree on the host (the
 * host-directory filesystem view): what v2c_inspect_fs writes of it,
 * its os.arch set to arch.  Exits on failure.
 */
#ifndef V2C_TESTS_INSPECT_TREE_H
#define V2C_TESTS_INSPECT_TREE_H

#include <stdio.h>
#include <stdlib.h>

#include "inspect-private.h"

static inline json_t *
tree_inventory (const char *root, const char *arch)
{
  struct v2c_err err = { 0, "" };
  struct v2c_fs *fs = v2c_fs_open_dir (root, &err);
  json_t *inv = json_object ();

  json_object_set_new (inv, "os", json_pack ("{s:s}", "arch", arch));
  if (fs == NULL || v2c_inspect_fs (fs, "deb", inv, &err) == -1) {
    fprintf (stderr, "FAIL: inventory of '%s': %s\n", root, err.msg);
    exit (1);
  }
  v2c_fs_free (fs);
  return inv;
}

/* Enable systemd unit NAME of the tree (its multi-user.target.wants
 * link to /etc/systemd/system/NAME); 0, or -1. */
static inline int
tree_enable_unit (const char *root, const char *name)
{
  char cmd[8192];

  snprintf (cmd, sizeof cmd,
            "mkdir -p %s/etc/systemd/system/multi-user.target.wants && "
            "ln -s /etc/systemd/system/%s "
            "%s/etc/systemd/system/multi-user.target.wants/%s",
            root, name, root, name);
  return system (cmd) == 0 ? 0 : -1;
}

#endif /* V2C_TESTS_INSPECT_TREE_H */
