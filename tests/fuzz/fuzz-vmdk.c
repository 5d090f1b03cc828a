/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for the VMDK descriptor reader.
 */
#include "fuzz.h"

#include "v2c-internal.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2c_err err = { 0 };
  struct v2c_vmdk_info info;

  if (v2c_vmdk_parse_descriptor ((const char *)data, size, &info, &err) == 0)
    v2c_vmdk_info_free_contents (&info);
  return 0;
}
