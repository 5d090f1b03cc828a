/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* policy-check: v2c's own evaluation of its admission policies
 * (v2c_policy_check, lib/policy.c) on Kubernetes objects, printed like
 * tests/js/cel-policies.js prints the CEL evaluator's, so that a test
 * can require the two to agree object by object.
 *
 *   policy-check [--env NAME[=REGISTRY]] FILE.yaml...
 *
 * Each file holds one or more documents ('---' between them, as
 * kubectl kustomize prints them).  One JSON line per violation {file,
 * kind, name, policy}, then {"objects": N, "violations": M}.  Exit 0,
 * 2 on a file it cannot read.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "v2c-yaml.h"

/* The documents of text, one at a time: [*pos, end of the next). */
static char *
next_doc (char *text, size_t *pos, size_t len, size_t *dlen)
{
  size_t start = *pos, i = start;

  if (start >= len)
    return NULL;
  for (; i < len; i++)
    if ((i == 0 || text[i - 1] == '\n') && strncmp (text + i, "---", 3) == 0
        && (i + 3 == len || text[i + 3] == '\n') && i > start)
      break;
  *dlen = i - start;
  *pos = i + (i < len ? 4 : 0);
  return text + start;
}

int
main (int argc, char **argv)
{
  struct v2c_policy_env env = { NULL, NULL };
  char name[64], *eq;
  size_t nobj = 0, nviol = 0;
  int i = 1;

  if (argc > 2 && strcmp (argv[1], "--env") == 0) {
    snprintf (name, sizeof name, "%s", argv[2]);
    if ((eq = strchr (name, '=')) != NULL) {
      *eq = '\0';
      env.registry = strchr (argv[2], '=') + 1;
    }
    env.name = name;
    i = 3;
  }
  for (; i < argc; i++) {
    struct v2c_err err = { 0, "" };
    size_t len, pos = 0, dlen;
    char *text = v2c_read_file (argv[i], 16u << 20, &len, &err), *d;
    const char *base = strrchr (argv[i], '/') ? strrchr (argv[i], '/') + 1
                                              : argv[i];

    if (text == NULL) {
      fprintf (stderr, "policy-check: %s: %s\n", argv[i], err.msg);
      return 2;
    }
    while ((d = next_doc (text, &pos, len, &dlen)) != NULL) {
      json_t *o = v2c_yaml_load (d, dlen, argv[i], &err), *v, *x;
      size_t k;

      if (!json_is_object (o)) {
        json_decref (o);
        continue;
      }
      nobj++;
      v = v2c_policy_check (o, env.name ? &env : NULL);
      json_array_foreach (v, k, x)
      {
        json_t *line = json_pack (
            "{s:s,s:O,s:O,s:O}", "file", base, "kind",
            json_object_get (o, "kind"), "name",
            json_object_get (json_object_get (o, "metadata"), "name"),
            "policy", json_object_get (x, "policy"));
        char *s = line ? json_dumps (line, JSON_COMPACT | JSON_PRESERVE_ORDER)
                       : NULL;

        if (s)
          puts (s);
        free (s);
        json_decref (line);
        nviol++;
      }
      json_decref (v);
      json_decref (o);
    }
    free (text);
  }
  printf ("{\"objects\": %zu, \"violations\": %zu}\n", nobj, nviol);
  return 0;
}
