/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for the sshd_config parser.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inspect.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2c_err err = { 0, "" };
  struct v2c_conf_facts f;

  memset (&f, 0, sizeof f);
  v2c_conf_sshd ("/etc/ssh/sshd_config", (const char *) data, size, &f, NULL,
                 NULL, &err);
  v2c_conf_facts_free_contents (&f);
  return 0;
}
