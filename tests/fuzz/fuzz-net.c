/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target of lib/inspect-net.c and lib/inspect-refs.c: the
 * first byte picks the parser (network configuration, /etc/hosts,
 * resolv.conf, or a reference scan of nginx, Apache, fstab, syslog or
 * any configuration file), the rest is the file.  Every list stays
 * within its limit, every string is valid JSON, no reference's host
 * holds a user or password ('@'), and the inventory's loader accepts
 * what came out (the parsers and docs/inventory.schema.json agree).
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect-net.h"
#include "model.h"

static const char *const paths[] = {
  "/etc/network/interfaces", "/etc/systemd/network/a.network",
  "/etc/NetworkManager/system-connections/a", "/etc/netplan/a.yaml",
  "/etc/sysconfig/network-scripts/ifcfg-a", "/etc/hosts", "/etc/resolv.conf",
  "/etc/nginx/nginx.conf", "/etc/apache2/a.conf", "/etc/fstab",
  "/etc/rsyslog.conf", "/srv/app/config.php",
};

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  unsigned k;
  json_t *out, *x;
  char *text;
  size_t i;

  if (size == 0)
    return 0;
  k = data[0] % 12;
  if (k < 7) {
    out = v2c_net_new ();
    v2c_net_parse ((enum v2c_net_kind) k, paths[k], (const char *) data + 1,
                   size - 1, out);
    v2c_net_identity (out, (const char *) data + 1, size - 1);
    if (json_array_size (json_object_get (out, "interfaces")) > 256
        || json_array_size (json_object_get (out, "hosts")) > 256)
      abort ();
  } else {
    out = json_array ();
    v2c_refs_scan ((enum v2c_ref_kind) (k - 7), paths[k],
                   (const char *) data + 1, size - 1, out);
    json_array_foreach (out, i, x)
    {
      const char *h = json_string_value (json_object_get (x, "host"));
      if (h == NULL || strchr (h, '@') || *h == '\0')
        abort ();
    }
  }
  {
    /* the smallest inventory that holds it */
    struct v2c_err err = { 0, "" };
    json_t *inv = json_pack (
        "{s:s, s:s, s:{s:s, s:n, s:[]}, s:{s:n, s:n, s:n, s:n, s:[], s:[]},"
        " s:n, s:[], s:O}",
        "schema", "v2c.inventory/1", "name", "fuzz", "source", "format",
        "disk", "path", "disks", "hardware", "cpus", "memory_mib", "firmware",
        "guest_os_id", "disks", "nics", "os", "filesystems",
        k < 7 ? "network" : "references", out);
    struct v2c_inventory *m = v2c_inventory_load (inv, &err);

    if (m == NULL) {
      fprintf (stderr, "the loader refuses it: %s\n", err.msg);
      abort ();
    }
    v2c_inventory_free (m);
    json_decref (inv);
  }
  text = json_dumps (out, JSON_COMPACT);
  if (text == NULL)
    abort ();
  free (text);
  json_decref (out);
  return 0;
}
