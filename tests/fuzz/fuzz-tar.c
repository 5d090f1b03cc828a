/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for v2c_tar_index: the input is the whole OVA,
 * handed over as a memory file since the indexer reads with pread.
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
  struct v2c_tar_member *m;
  size_t n, i, done = 0;

  if (fd == -1) {
    fd = memfd_create ("fuzz-tar", MFD_CLOEXEC);
    if (fd == -1)
      abort ();
  }
  if (ftruncate (fd, 0) == -1)
    abort ();
  while (done < size) {
    ssize_t r = pwrite (fd, data + done, size - done, (off_t)done);
    if (r <= 0)
      abort ();
    done += (size_t)r;
  }
  if (v2c_tar_index (fd, &m, &n, &err) == 0) {
    for (i = 0; i < n; i++) {
      /* what the index promises: data inside the file, safe names */
      if (m[i].offset > size || m[i].size > size - m[i].offset)
        abort ();
      if (m[i].offset % 512 != 0 || m[i].name[0] == '\0' || m[i].name[0] == '/'
          || strlen (m[i].name) > 4096)
        abort ();
    }
    v2c_tar_members_free (m, n);
  } else if (err.msg[0] == '\0')
    abort ();
  return 0;
}
