/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for the VMX reader.
 */
#include "fuzz.h"

#include "v2c-internal.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2c_err err = { 0 };
  struct v2c_vm vm;

  if (v2c_vmx_parse ((const char *)data, size, "/nonexistent", &vm, &err) == 0)
    v2c_vm_free_contents (&vm);
  return 0;
}
