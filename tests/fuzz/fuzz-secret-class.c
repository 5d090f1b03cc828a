/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for the secret classifier: the input as a command
 * line, a key, a value, NAME=VALUE and a path.  The spans of a command
 * must lie inside it, in order, without overlap, each with a variable
 * [A-Z_][A-Z0-9_]* and a kind; the command rewritten must have no span
 * left; a fingerprint has its format.
 */
#include "fuzz.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "secret-class.h"

#define MAX_SPANS 64

static void
check_spans (const char *cmd)
{
  struct v2c_secret_span sp[MAX_SPANS], again[4];
  size_t len = strlen (cmd), n, i, k;
  char *r;

  n = v2c_secret_command_spans (cmd, sp, MAX_SPANS);
  for (i = 0; i < n && i < MAX_SPANS; i++) {
    const char *v = sp[i].var;
    if (sp[i].start >= sp[i].end || sp[i].end > len
        || (i > 0 && sp[i].start < sp[i - 1].end))
      abort ();
    if (sp[i].kind != V2C_SECRET_NAME && sp[i].kind != V2C_SECRET_URL
        && sp[i].kind != V2C_SECRET_TOKEN)
      abort ();
    if (v[0] == '\0' || isdigit ((unsigned char) v[0])
        || strnlen (v, sizeof sp[i].var) >= sizeof sp[i].var)
      abort ();
    for (k = 0; v[k]; k++)
      if (!(isupper ((unsigned char) v[k]) || isdigit ((unsigned char) v[k])
            || v[k] == '_'))
        abort ();
  }
  if (n > MAX_SPANS)
    return;
  r = v2c_secret_command_rewrite (cmd, sp, n);
  if (r == NULL)
    abort ();
  /* rewriting, in at most 4 rounds as lib/inspect-exec-secrets.c does,
   * removes every secret (within the 64 KiB scanned) */
  for (k = 1; k < 4 && strlen (r) < 60 * 1024; k++) {
    struct v2c_secret_span more[MAX_SPANS];
    size_t m = v2c_secret_command_spans (r, more, MAX_SPANS);
    char *r2;

    if (m == 0 || m > MAX_SPANS)
      break;
    r2 = v2c_secret_command_rewrite (r, more, m);
    if (r2 == NULL)
      abort ();
    free (r);
    r = r2;
  }
  if (strlen (r) < 60 * 1024 && v2c_secret_command_spans (r, again, 4) != 0) {
    fprintf (stderr, "left in: [%s] -> [%s] at %zu\n", cmd, r,
             again[0].start);
    abort ();
  }
  free (r);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static int salted;
  char *s = malloc (size + 1), *eq, fp[V2C_SECRET_FP_LEN];
  const char *what;
  size_t len;

  if (s == NULL)
    return 0;
  if (!salted) {
    setenv ("V2C_SECRET_SALT", "fuzz", 1);
    salted = 1;
  }
  memcpy (s, data, size);
  s[size] = '\0';
  len = strlen (s);
  if (len < 60 * 1024)
    check_spans (s);
  (void) v2c_secret_key_is_secret (s, len);
  (void) v2c_secret_value_is_placeholder (s, len);
  if (v2c_secret_kind_name (v2c_secret_value_kind (s, len)) == NULL)
    abort ();
  if (v2c_secret_path (s, &what) != V2C_SECRET_NONE && what == NULL)
    abort ();
  if (v2c_secret_fingerprint (s, len, fp) != 0 || strlen (fp) != 28
      || strncmp (fp, "hmac-sha256:", 12) != 0)
    abort ();
  eq = strchr (s, '=');
  if (eq) {
    *eq = '\0';
    (void) v2c_secret_env (s, eq + 1);
  }
  free (s);
  return 0;
}
