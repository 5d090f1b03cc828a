/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The helpers under every Kubernetes object v2c writes (see
 * kube-private.h): errors, label values and DNS names, the checks of
 * hand-edited plan fields (port names, quantities, schedules), and the
 * object list with its labels, selector, annotations and metadata.
 * lib/kube.c and lib/kube-pod.c build on these; nothing here calls
 * back into them.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kube-private.h"

int
kube_bad (struct ctx *c, const char *fmt, ...)
{
  char buf[900];
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  return v2c_set_error (c->err, 0, "plan: %s", buf);
}

json_t *
kube_oom (struct ctx *c)
{
  v2c_set_error (c->err, ENOMEM, "can't build the Kubernetes objects");
  return NULL;
}

int
kube_is_alnum (char ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
         || (ch >= '0' && ch <= '9');
}

/* in folded to ASCII (v2c_name_fold), and room for the hash of in when
 * the folding lost something: *max shrinks by "-" and 8 hex digits. */
static int
fold_name (const char *in, char *folded, size_t size, size_t *max)
{
  int lossy = v2c_name_fold (in, folded, size);

  if (lossy)
    *max -= 9;
  return lossy;
}

/* Append "-HASH" of the original name (n + 9 < size, see fold_name). */
static size_t
add_hash (const char *in, char *out, size_t n, const char *empty)
{
  char h[9];

  v2c_name_hash (in, h);
  if (n == 0)
    return (size_t) sprintf (out, "%s-%s", empty, h);
  return n + (size_t) sprintf (out + n, "-%s", h);
}

/* A label value: at most 63 of [A-Za-z0-9._-], alphanumeric at both
 * ends.  Outside ASCII, see fold_name. */
void
kube_label_value (const char *in, char *out, size_t size)
{
  size_t n = 0, max = size - 1 < 63 ? size - 1 : 63;
  char folded[256];
  const char *p = folded;
  int lossy = fold_name (in, folded, sizeof folded, &max);

  for (; *p && n < max; p++) {
    char ch = *p;

    if (n == 0 && !kube_is_alnum (ch))
      continue;
    out[n++] = (kube_is_alnum (ch) || ch == '-' || ch == '_' || ch == '.')
                   ? ch
                   : '-';
  }
  while (n > 0 && !kube_is_alnum (out[n - 1]))
    n--;
  if (lossy)
    n = add_hash (in, out, n, "unnamed");
  else if (n == 0)
    n = (size_t) snprintf (out, size, "unnamed");
  out[n] = '\0';
}

/* A DNS-1123 label (lower case, digits, '-'; alphanumeric at both ends).
 * Outside ASCII, see fold_name. */
void
v2c_kube_dns_label (const char *in, char *out, size_t size)
{
  size_t n = 0, max = size - 1 < 63 ? size - 1 : 63;
  char folded[256];
  const char *p = folded;
  int lossy = fold_name (in, folded, sizeof folded, &max);

  for (; *p && n < max; p++) {
    char ch = *p;

    if (ch >= 'A' && ch <= 'Z')
      ch = (char) (ch - 'A' + 'a');
    if (!kube_is_alnum (ch))
      ch = '-';
    if (ch == '-' && (n == 0 || out[n - 1] == '-'))
      continue;
    out[n++] = ch;
  }
  while (n > 0 && out[n - 1] == '-')
    n--;
  if (lossy)
    n = add_hash (in, out, n, "x");
  else if (n == 0)
    n = (size_t) snprintf (out, size, "x");
  out[n] = '\0';
}

static int
is_lower_alnum (char ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

/* s[0..n) is a DNS-1123 label: 1 to 63 of [a-z0-9-], alphanumeric at
 * both ends. */
static int
dns_label_ok (const char *s, size_t n)
{
  size_t i;

  if (n == 0 || n > 63 || !is_lower_alnum (s[0]) || !is_lower_alnum (s[n - 1]))
    return 0;
  for (i = 0; i < n; i++)
    if (!is_lower_alnum (s[i]) && s[i] != '-')
      return 0;
  return 1;
}

/* s[0..n): DNS-1123 labels joined by '.', at most 253 in all. */
static int
dns_subdomain_ok (const char *s, size_t n)
{
  size_t start = 0, i;

  if (n == 0 || n > 253)
    return 0;
  for (i = 0; i <= n; i++)
    if (i == n || s[i] == '.') {
      if (!dns_label_ok (s + start, i - start))
        return 0;
      start = i + 1;
    }
  return 1;
}

/* A registry host: labels of [A-Za-z0-9-] joined by '.', an optional
 * :PORT of digits. */
static int
host_ok (const char *s, size_t n)
{
  const char *colon = memchr (s, ':', n);
  size_t h = colon ? (size_t) (colon - s) : n, i, start = 0;

  if (h == 0 || h > 253)
    return 0;
  if (colon) {
    if (n - h - 1 == 0 || n - h - 1 > 5)
      return 0;
    for (i = h + 1; i < n; i++)
      if (s[i] < '0' || s[i] > '9')
        return 0;
  }
  for (i = 0; i <= h; i++)
    if (i == h || s[i] == '.') {
      if (i == start || !kube_is_alnum (s[start]) || !kube_is_alnum (s[i - 1]))
        return 0;
      start = i + 1;
    } else if (!kube_is_alnum (s[i]) && s[i] != '-')
      return 0;
  return 1;
}

/* A repository path component: [a-z0-9]+ joined by '.', '_', "__" or
 * runs of '-'. */
static int
path_component_ok (const char *s, size_t n)
{
  size_t i;

  if (n == 0 || !is_lower_alnum (s[0]) || !is_lower_alnum (s[n - 1]))
    return 0;
  for (i = 1; i < n; i++) {
    if (is_lower_alnum (s[i]) || s[i] == '-')
      continue;
    if (!is_lower_alnum (s[i - 1]))
      return 0;
    if (s[i] == '.' && is_lower_alnum (s[i + 1]))
      continue;
    if (s[i] == '_' && (is_lower_alnum (s[i + 1])
                        || (s[i + 1] == '_' && is_lower_alnum (s[i + 2])))) {
      i += s[i + 1] == '_';
      continue;
    }
    return 0;
  }
  return 1;
}

/* [HOST[:PORT]/]PATH[:TAG][@ALGO:HEX]: the first part is a host when
 * another follows and it has a '.' or ':' or is "localhost". */
static int
image_ok (const char *s)
{
  const char *at = strchr (s, '@'), *slash, *colon, *p;
  size_t n = at ? (size_t) (at - s) : strlen (s), i, start = 0, hex = 0;

  if (strlen (s) > 1024 || n == 0)
    return 0;
  if (at) {
    p = at + 1;
    colon = strchr (p, ':');
    if (colon == NULL || colon == p)
      return 0;
    for (; p < colon; p++)
      if (!is_lower_alnum (*p) && strchr ("+._-", *p) == NULL)
        return 0;
    for (p = colon + 1; *p; p++, hex++)
      if (v2c_hex_value (*p) < 0 || (*p >= 'A' && *p <= 'F'))
        return 0;
    if (hex < 32)
      return 0;
  }
  slash = NULL;
  for (i = 0; i < n; i++)
    if (s[i] == '/')
      slash = s + i;
  colon = memchr (slash ? slash : s, ':', n - (size_t) ((slash ? slash : s) - s));
  if (colon) {
    size_t t = n - (size_t) (colon - s) - 1;

    if (t == 0 || t > 128 || !(kube_is_alnum (colon[1]) || colon[1] == '_'))
      return 0;
    for (i = 1; i <= t; i++)
      if (!kube_is_alnum (colon[i]) && strchr ("_.-", colon[i]) == NULL)
        return 0;
    n = (size_t) (colon - s);
  }
  if (n > 255)
    return 0;
  p = memchr (s, '/', n);
  if (p && (memchr (s, '.', (size_t) (p - s)) || memchr (s, ':', (size_t) (p - s))
            || (p - s == 9 && strncmp (s, "localhost", 9) == 0))) {
    if (!host_ok (s, (size_t) (p - s)))
      return 0;
    start = (size_t) (p - s) + 1;
  }
  for (i = start; i <= n; i++)
    if (i == n || s[i] == '/') {
      if (!path_component_ok (s + start, i - start))
        return 0;
      start = i + 1;
    }
  return 1;
}

/* HOST[:PORT][/PATH] */
static int
registry_ok (const char *r)
{
  size_t i, n = strlen (r);

  if (n == 0 || n > 255 || r[0] == '/' || r[n - 1] == '/'
      || strstr (r, "//") != NULL)
    return 0;
  for (i = 0; i < n; i++)
    if (!kube_is_alnum (r[i]) && strchr ("._:/-", r[i]) == NULL)
      return 0;
  return 1;
}

int
v2c_kube_check_name (enum v2c_kube_name_kind kind, const char *value,
                     struct v2c_err *err)
{
  const char *what;
  int ok;

  switch (kind) {
  case V2C_KUBE_LABEL:
    ok = value && dns_label_ok (value, strlen (value));
    what = "a DNS-1123 label (1 to 63 of a-z, 0-9 and '-', a letter or "
           "digit at both ends)";
    break;
  case V2C_KUBE_SUBDOMAIN:
    ok = value && dns_subdomain_ok (value, strlen (value));
    what = "a DNS-1123 subdomain (DNS-1123 labels joined by '.', at most 253 "
           "characters)";
    break;
  case V2C_KUBE_IMAGE:
    ok = value && image_ok (value);
    what = "an image reference ([HOST[:PORT]/]PATH[:TAG][@DIGEST], the path "
           "in lower case)";
    break;
  case V2C_KUBE_REGISTRY:
  default:
    ok = value && registry_ok (value);
    what = "a registry (host[:port][/path])";
    break;
  }
  if (ok)
    return 0;
  return v2c_set_error (err, 0, "'%.200s' is not %s", value ? value : "",
                        what);
}

/* ConfigMap / Secret key: [-._a-zA-Z0-9]+, not "." or "..". */
void
kube_data_key (const char *in, char *out, size_t size)
{
  size_t n = 0;

  for (; *in && n + 1 < size && n < 200; in++)
    out[n++] = (kube_is_alnum (*in) || *in == '-' || *in == '_' || *in == '.')
                   ? *in
                   : '-';
  out[n] = '\0';
  if (n == 0 || strncmp (out, "..", 2) == 0 || strcmp (out, ".") == 0) {
    char tmp[256];

    snprintf (tmp, sizeof tmp, "file-%s", out);
    snprintf (out, size, "%s", tmp);
  }
}

const char *
kube_basename_of (const char *path)
{
  const char *s = strrchr (path, '/');

  return s && s[1] ? s + 1 : path;
}

/* An IANA service name: 1-15 of [a-z0-9-], a letter somewhere, no "--",
 * no '-' at either end. */
int
kube_port_name_valid (const char *s)
{
  size_t n = s ? strlen (s) : 0, i;
  int letter = 0;

  if (n == 0 || n > 15 || s[0] == '-' || s[n - 1] == '-'
      || strstr (s, "--") != NULL)
    return 0;
  for (i = 0; i < n; i++) {
    if (s[i] >= 'a' && s[i] <= 'z')
      letter = 1;
    else if (!(s[i] >= '0' && s[i] <= '9') && s[i] != '-')
      return 0;
  }
  return letter;
}

/* A resource quantity as platform teams write them: 500m, 1.5, 512Mi. */
int
kube_quantity_valid (const char *s)
{
  static const char *const suffixes[]
      = { "",   "m",  "k",  "M",  "G",  "T",  "P", "E",
          "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", NULL };
  size_t i = 0, n = s ? strlen (s) : 0, d = 0, k;

  if (n == 0 || n > 32)
    return 0;
  while (i < n && s[i] >= '0' && s[i] <= '9') {
    i++;
    d++;
  }
  if (d == 0)
    return 0;
  if (i < n && s[i] == '.') {
    i++;
    d = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      i++;
      d++;
    }
    if (d == 0)
      return 0;
  }
  for (k = 0; suffixes[k]; k++)
    if (strcmp (s + i, suffixes[k]) == 0)
      return 1;
  return 0;
}

int
kube_env_name_valid (const char *s)
{
  size_t i;

  if (s == NULL || s[0] == '\0' || strlen (s) > 1024
      || (s[0] >= '0' && s[0] <= '9'))
    return 0;
  for (i = 0; s[i]; i++)
    if (!kube_is_alnum (s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.')
      return 0;
  return 1;
}

/* Five cron fields, or one of the @ names Kubernetes knows. */
int
kube_schedule_valid (const char *s)
{
  static const char *const names[]
      = { "@yearly", "@annually", "@monthly", "@weekly",
          "@daily",  "@midnight", "@hourly",  NULL };
  size_t i, fields = 0;
  int in = 0;

  if (s == NULL || strlen (s) > 100)
    return 0;
  for (i = 0; names[i]; i++)
    if (strcmp (s, names[i]) == 0)
      return 1;
  for (i = 0; s[i]; i++) {
    if (s[i] == ' ') {
      in = 0;
      continue;
    }
    if (!kube_is_alnum (s[i]) && strchr ("*/,-?", s[i]) == NULL)
      return 0;
    if (!in)
      fields++;
    in = 1;
  }
  return fields == 5;
}

/* ------------------------------------------------------------------ */
/* Objects                                                             */

int
kube_add_object (struct ctx *c, const char *kind, const char *name,
                 json_t *obj, const char *comment)
{
  char file[400], id[400];
  size_t i;
  json_t *item;

  if (obj == NULL) {
    kube_oom (c);
    return -1;
  }
  snprintf (id, sizeof id, "%s/%s", kind, name);
  if (json_object_get (c->seen, id) != NULL) {
    json_decref (obj);
    return kube_bad (c, "two objects would be the %s '%s': rename a component",
                     kind, name);
  }
  if (json_array_size (c->out) >= V2C_KUBE_MAX_OBJECTS) {
    json_decref (obj);
    return kube_bad (c, "more than %d Kubernetes objects",
                     V2C_KUBE_MAX_OBJECTS);
  }
  snprintf (file, sizeof file, "%s-%s.yaml", kind, name);
  for (i = 0; file[i]; i++)
    if (file[i] >= 'A' && file[i] <= 'Z')
      file[i] = (char) (file[i] - 'A' + 'a');
  item = json_pack ("{s:s, s:s?, s:o}", "file", file, "comment", comment,
                    "object", obj);
  if (item == NULL || json_object_set_new (c->seen, id, json_true ()) == -1
      || json_array_append_new (c->out, item) == -1) {
    kube_oom (c);
    return -1;
  }
  if (json_object_get (item, "comment") == NULL)
    json_object_set_new (item, "comment", json_null ());
  return 0;
}

json_t *
kube_labels (struct ctx *c, const struct comp *k)
{
  return json_pack ("{s:s, s:s, s:s, s:s, s:s}", L_NAME, k->name, L_INSTANCE,
                    c->vm, L_COMPONENT, k->component, L_PART_OF, c->vm,
                    L_MANAGED_BY, "v2c");
}

json_t *
kube_selector (struct ctx *c, const struct comp *k)
{
  return json_pack ("{s:s, s:s}", L_NAME, k->name, L_INSTANCE, c->vm);
}

/* The evidence: where the component came from. */
json_t *
kube_annotations (struct ctx *c, const struct comp *k)
{
  const struct v2c_plan_replace *rw = k->p->replace_with;
  const char *unit = k->p->source.file;
  json_t *a = json_object ();

  if (a == NULL)
    return NULL;
  json_object_set_new (a, "v2c.io/source-vm", json_string (c->vm_name));
  if (unit == NULL)
    unit = k->p->service;
  if (unit)
    json_object_set_new (a, "v2c.io/source-unit", json_string (unit));
  if (k->p->source.line.set)
    json_object_set_new (
        a, "v2c.io/source-line",
        json_sprintf ("%lld", (long long) k->p->source.line.v));
  json_object_set_new (a, "v2c.io/source-kind",
                       json_string (k->p->source.kind));
  json_object_set_new (a, "v2c.io/converter", json_string (k->converter));
  if (rw)
    json_object_set_new (a, "v2c.io/replace-with",
                         json_sprintf ("%s: %s", rw->image, rw->advice));
  if (k->root)
    json_object_set_new (
        a, "v2c.io/runs-as-root",
        json_string ("the service runs as root (uid 0) on the VM, so "
                     "runAsNonRoot is not set: give it a user of its own"));
  return a;
}

json_t *
kube_metadata (struct ctx *c, const struct comp *k, const char *name)
{
  json_t *m = json_pack ("{s:s}", "name", name);

  if (m == NULL)
    return NULL;
  if (c->o->ns)
    json_object_set_new (m, "namespace", json_string (c->o->ns));
  json_object_set_new (m, "labels", kube_labels (c, k));
  json_object_set_new (m, "annotations", kube_annotations (c, k));
  return m;
}

const struct comp *
kube_find_comp (const struct ctx *c, const char *name)
{
  size_t i;

  for (i = 0; i < c->ncomps; i++)
    if (strcmp (c->comps[i].name, name) == 0)
      return &c->comps[i];
  return NULL;
}

void
kube_claim_name (const char *kind, const char *comp, const char *volume,
                 char *out, size_t size)
{
  if (strcmp (kind, "StatefulSet") == 0)
    snprintf (out, size, "%s-%s-0", volume, comp);
  else
    snprintf (out, size, "%s-%s", comp, volume);
}

int
kube_unlist_last (struct ctx *c, const char *dir)
{
  json_t *item = json_array_get (c->out, json_array_size (c->out) - 1);
  char file[300];

  if (item == NULL)
    return -1;
  snprintf (file, sizeof file, "%s/%s", dir,
            json_string_value (json_object_get (item, "file")));
  if (json_object_set_new (item, "file", json_string (file)) == -1
      || json_object_set_new (item, "unlisted", json_true ()) == -1) {
    kube_oom (c);
    return -1;
  }
  return 0;
}
