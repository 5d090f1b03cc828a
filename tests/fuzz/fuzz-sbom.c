/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for v2c_sbom_spdx and v2c_sbom_cyclonedx: the input
 * is read as JSON and loaded as an inventory (lib/model.h); its "image"
 * member, when there is one, is the image object.  Both documents are made with and without it.
 * A document made twice must be the same (determinism), and every SPDXID
 * must follow the SPDX grammar.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "sbom.h"

static void
check_ids (json_t *doc)
{
  json_t *p;
  size_t i;

  json_array_foreach (json_object_get (doc, "packages"), i, p)
  {
    const char *id = json_string_value (json_object_get (p, "SPDXID"));
    if (id == NULL || strncmp (id, "SPDXRef-", 8) != 0 || id[8] == '\0'
        || strspn (id + 8, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
                           "wxyz0123456789.-")
               != strlen (id + 8))
      abort ();
  }
}

static void
run (const struct v2c_inventory *inv, json_t *image)
{
  struct v2c_err err = { 0 };
  json_t *a = v2c_sbom_spdx (inv, image, &err);
  json_t *b = v2c_sbom_spdx (inv, image, &err);
  json_t *c = v2c_sbom_cyclonedx (inv, image, &err);

  if ((a == NULL) != (b == NULL) || (a == NULL) != (c == NULL))
    abort ();
  if (a) {
    char *sa = json_dumps (a, 0), *sb = json_dumps (b, 0);
    if (sa == NULL || sb == NULL || strcmp (sa, sb) != 0)
      abort ();
    free (sa);
    free (sb);
    check_ids (a);
  }
  json_decref (a);
  json_decref (b);
  json_decref (c);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2c_err err = { 0, "" };
  json_error_t e;
  json_t *doc = json_loadb ((const char *) data, size, 0, &e);
  struct v2c_inventory *inv;

  if (doc == NULL)
    return 0;
  inv = v2c_inventory_load (doc, &err);
  if (inv) {
    run (inv, json_object_get (doc, "image"));
    run (inv, NULL);
  }
  v2c_inventory_free (inv);
  json_decref (doc);
  return 0;
}
