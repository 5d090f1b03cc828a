/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * v2c-verify's Secrets: --secrets FILE read, each Secret of the base
 * filled (its data decoded, its REPLACE_ME placeholders from the file
 * or generated); the values filled in are remembered so that no output
 * shows them.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "verify.h"

/* The content of file (at most 1 MiB) as a JSON string, or NULL with
 * the error said. */
static json_t *
read_value (const char *list, const char *file)
{
  FILE *f = fopen (file, "re");
  char *buf = NULL;
  size_t n = 0;
  json_t *v = NULL;

  if (f == NULL) {
    tool_error ("'%s': can't open '%s': %s", list, file, strerror (errno));
    return NULL;
  }
  buf = malloc ((1 << 20) + 1);
  if (buf)
    n = fread (buf, 1, (1 << 20) + 1, f);
  if (buf == NULL || ferror (f))
    tool_error ("'%s': can't read '%s'", list, file);
  else if (n > (1 << 20))
    tool_error ("'%s': '%s' is over 1 MiB", list, file);
  else if ((v = json_stringn (buf, n)) == NULL)
    tool_error ("'%s': '%s' is not UTF-8 text", list, file);
  free (buf);
  fclose (f);
  return v;
}

/* What fills a Secret's placeholder: SECRET/KEY=VALUE, else KEY=VALUE
 * of --secrets, else a generated value. */
int
verify_read_secrets (const char *path, json_t *given)
{
  FILE *f = fopen (path, "re");
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;

  if (f == NULL) {
    tool_error ("can't open '%s': %s", path, strerror (errno));
    return -1;
  }
  while ((n = getline (&line, &cap, f)) != -1) {
    char *eq;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
      line[--n] = '\0';
    if (*line == '\0' || *line == '#')
      continue;
    eq = strchr (line, '=');
    if (eq == NULL || eq == line) {
      tool_error ("'%s': a line is not KEY=VALUE", path);
      free (line);
      fclose (f);
      return -1;
    }
    *eq = '\0';
    if (eq[1] == '@') {
      /* KEY=@FILE: the value is FILE's content (a PEM key, ...) */
      json_t *val = read_value (path, eq + 2);
      if (val == NULL) {
        free (line);
        fclose (f);
        return -1;
      }
      json_object_set_new (given, line, val);
    } else
      json_object_set_new (given, line, json_string (eq + 1));
  }
  free (line);
  fclose (f);
  return 0;
}

int
verify_fill_secrets (struct verify *v, json_t *given, json_t *counts)
{
  size_t i;
  json_t *o;

  json_array_foreach (v->objects, i, o) {
    const char *name = json_string_value (
        json_object_get (json_object_get (o, "metadata"), "name"));
    const char *k;
    json_t *val;

    if (strcmp (json_string_value (json_object_get (o, "kind")) ?: "", "Secret"))
      continue;
    json_object_foreach (json_object_get (o, "data"), k, val) {
      const char *b = json_string_value (val) ?: "";
      unsigned char *d = malloc (strlen (b) + 4);
      int dl = d ? EVP_DecodeBlock (d, (const unsigned char *) b, (int) strlen (b)) : -1;
      char key[512];
      if (dl < 0) {
        free (d);
        continue;
      }
      for (size_t j = strlen (b); j > 0 && b[j - 1] == '=' && dl > 0; j--)
        dl--;
      snprintf (key, sizeof key, "%s/%s", name, k);
      json_object_set_new (v->secrets, key, json_stringn ((char *) d, (size_t) dl));
      free (d);
    }
    json_object_foreach (json_object_get (o, "stringData"), k, val) {
      const char *s = json_string_value (val);
      char key[512];
      const char *from;
      snprintf (key, sizeof key, "%s/%s", name, k);
      if (s && strcmp (s, "REPLACE_ME") == 0) {
        from = json_string_value (json_object_get (given, key));
        if (from == NULL)
          from = json_string_value (json_object_get (given, k));
        if (from) {
          json_object_set_new (v->secrets, key, json_string (from));
          json_object_set_new (counts, "from_file", json_integer (
              json_integer_value (json_object_get (counts, "from_file")) + 1));
        } else {
          unsigned char r[12];
          char hex[32];
          int fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);
          if (fd == -1 || read (fd, r, sizeof r) != (ssize_t) sizeof r) {
            tool_error ("can't read /dev/urandom: %s", strerror (errno));
            if (fd != -1)
              close (fd);
            return -1;
          }
          close (fd);
          for (size_t j = 0; j < sizeof r; j++)
            sprintf (hex + 2 * j, "%02x", r[j]);
          json_object_set_new (v->secrets, key, json_string (hex));
          json_object_set_new (counts, "generated", json_integer (
              json_integer_value (json_object_get (counts, "generated")) + 1));
        }
        v2c_strvec_push (&v->secret_values,
                         json_string_value (json_object_get (v->secrets, key)));
      } else if (s)
        json_object_set_new (v->secrets, key, json_string (s));
    }
  }
  return 0;
}
