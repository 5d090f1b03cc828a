/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for the rewrite of nginx's loopback proxy targets
 * in a ConfigMap, and for the resolution of a symbolic link's text.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include "kube.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const struct v2c_kube_upstream ups[]
      = { { 8080, "demo-app" }, { 9000, "php" } };
  char *out = NULL, *text = malloc (size + 1), path[4096];
  size_t count;

  if (text == NULL)
    return 0;
  memcpy (text, data, size);
  text[size] = '\0';
  if (v2c_kube_rewrite_proxy (text, size, "v2c-demo", ups, 2, &out, &count,
                              NULL)
      == 0)
    free (out);
  /* the input (up to its first NUL) as a link's text */
  v2c_kube_link_target ("/etc/nginx/sites-enabled/default", text, path,
                        sizeof path);
  free (text);
  return 0;
}
