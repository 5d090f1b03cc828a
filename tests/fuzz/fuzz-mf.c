/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for v2c_mf_parse, and v2c_mf_verify_range of each
 * entry over the input itself (through a memory file).
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "v2c-internal.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static int fd = -1;
  struct v2c_err err = { 0 };
  struct v2c_mf_entry *e;
  size_t n, i;

  if (v2c_mf_parse ((const char *)data, size, &e, &n, &err) == -1) {
    if (err.msg[0] == '\0')
      abort ();
    return 0;
  }
  if (fd == -1) {
    fd = memfd_create ("fuzz-mf", MFD_CLOEXEC);
    if (fd == -1)
      abort ();
  }
  if (ftruncate (fd, 0) == -1
      || (size && pwrite (fd, data, size, 0) != (ssize_t)size))
    abort ();
  for (i = 0; i < n && i < 4; i++) {
    size_t dl = strlen (e[i].digest);
    if (dl != 40 && dl != 64 && dl != 128)
      abort ();
    /* a digest of the input itself; a match is all but impossible, a
     * crash or an empty message is the bug */
    if (v2c_mf_verify_range (fd, i, size, &e[i], NULL, NULL, &err) == 0)
      continue;
    if (err.msg[0] == '\0')
      abort ();
  }
  v2c_mf_entries_free (e, n);
  return 0;
}
