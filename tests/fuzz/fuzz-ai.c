/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target of the AI inspector's parsers (lib/inspect-ai.c):
 * the first byte picks the kind of guest text (a distribution's
 * METADATA, a conda-meta record, a modules-load.d or modprobe.d file, a
 * CUDA version.json or version.txt, a unit's ExecStart=), the rest is
 * the text.  Checked: every record written has the members the
 * inventory's schema requires, as strings.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "inspect.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  json_t *ai, *l, *o;
  const char *key;
  char *text;
  size_t i;

  if (size == 0)
    return 0;
  ai = json_pack ("{s:[],s:[],s:[],s:[]}", "drivers", "runtimes", "python",
                  "servers");
  text = malloc (size);
  if (ai == NULL || text == NULL)
    abort ();
  memcpy (text, data + 1, size - 1);
  text[size - 1] = '\0';
  v2c_ai_parse_text ((enum v2c_ai_text) (data[0] % 7), "/opt/env", text,
                     strlen (text), ai);
  json_object_foreach (ai, key, l)
  {
    json_array_foreach (l, i, o)
    {
      const char *need = strcmp (key, "python") == 0    ? "version"
                         : strcmp (key, "servers") == 0 ? "kind"
                                                        : "evidence";

      if (!json_is_string (json_object_get (o, need)))
        abort ();
    }
  }
  free (text);
  json_decref (ai);
  return 0;
}
