/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * tests/fuzz/fuzz.h: what the libFuzzer targets in tests/fuzz share.
 * Each fuzz-NAME.c includes it and defines LLVMFuzzerTestOneInput, or,
 * for a parser of one service's configuration files (lib/inspect-conf*.c),
 * says FUZZ_CONF_TARGET (v2c_conf_NAME, "/path/it/is/read/from").
 */
#ifndef V2C_FUZZ_H
#define V2C_FUZZ_H

#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The input as the file PATH of a guest, read by PARSE into the facts
 * of a configuration (needs inspect.h). */
#define FUZZ_CONF_TARGET(parse, path)                                   \
  int                                                                   \
  LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)             \
  {                                                                     \
    struct v2c_err err = { 0, "" };                                     \
    struct v2c_conf_facts f;                                            \
                                                                        \
    memset (&f, 0, sizeof f);                                           \
    parse (path, (const char *) data, size, &f, NULL, NULL, &err);      \
    v2c_conf_facts_free_contents (&f);                                  \
    return 0;                                                           \
  }

#endif /* V2C_FUZZ_H */
