/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for the OVF reader.
 */
#include "fuzz.h"

#include "v2c-internal.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2c_err err = { 0 };
  struct v2c_vm *vms = NULL;
  size_t n = 0, i, j;

  if (v2c_ovf_parse ((const char *)data, size, &vms, &n, &err) == 0) {
    /* Touch every string so ASan sees any dangling pointer. */
    for (i = 0; i < n; i++) {
      size_t sum = 0;
      if (vms[i].name)
        sum += strlen (vms[i].name);
      if (vms[i].guest_os_id)
        sum += strlen (vms[i].guest_os_id);
      for (j = 0; j < vms[i].ndisks; j++)
        if (vms[i].disks[j].file)
          sum += strlen (vms[i].disks[j].file);
      for (j = 0; j < vms[i].nnics; j++)
        if (vms[i].nics[j].network)
          sum += strlen (vms[i].nics[j].network);
      (void)sum;
    }
    v2c_vms_free (vms, n);
  } else if (vms != NULL || n != 0 || err.msg[0] == '\0')
    __builtin_trap ();
  return 0;
}
