/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for the secrets scanner: the first byte picks the
 * path (the path decides some kinds), the rest is the file; and every
 * line through v2c_secret_redact_line.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "inspect.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const paths[] = {
    "/srv/app/.env",
    "/home/u/.pgpass",
    "/root/.my.cnf",
    "/home/u/.netrc",
    "/root/.aws/credentials",
    "/home/u/.config/gcloud/application_default_credentials.json",
    "/etc/ssh/ssh_host_rsa_key",
    "/etc/redis/redis.conf",
  };
  struct v2c_err err = { 0, "" };
  struct v2c_secrets s = { NULL, 0 };
  const char *buf;
  char *r;

  if (size == 0)
    return 0;
  buf = (const char *) data + 1;
  size--;
  v2c_secrets_scan (paths[data[0] % (sizeof paths / sizeof paths[0])], buf,
                    size, &s, &err);
  v2c_secrets_free_contents (&s);
  r = v2c_secret_redact_line (buf, size);
  free (r);
  return 0;
}
