/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The fleet summary of v2c-batch: see lib/fleet.h.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "kube.h"
#include "model.h"

/* "BASE-SUFFIX" in at most 63 characters: base cut (and any '-' it
 * then ends with dropped) to make room. */
static char *
join_suffix (const char *base, const char *suffix)
{
  size_t room = 63 - 1 - strlen (suffix), n = strlen (base);
  char *s;

  if (n > room)
    n = room;
  while (n > 0 && base[n - 1] == '-')
    n--;
  if (asprintf (&s, "%.*s-%s", (int) n, base, suffix) == -1)
    return NULL;
  return s;
}

/* The first 6 hex digits of the SHA-256 of key, or -1. */
static int
short_hash (const char *key, char hex[7])
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;

  if (EVP_Digest (key, strlen (key), md, &mdlen, EVP_sha256 (), NULL) != 1
      || mdlen < 3)
    return -1;
  snprintf (hex, 7, "%02x%02x%02x", md[0], md[1], md[2]);
  return 0;
}

int
v2c_fleet_kube_names (const char *const *names, const char *const *keys,
                      size_t n, char **out, int *suffixed,
                      struct v2c_err *err)
{
  json_t *count = json_object (), *used = json_object ();
  char label[64], hex[7], num[16];
  size_t i;

  for (i = 0; i < n; i++)
    out[i] = NULL;
  if (count == NULL || used == NULL)
    goto oom;
  /* how many VMs have each label */
  for (i = 0; i < n; i++) {
    json_int_t c;

    v2c_kube_dns_label (names[i], label, sizeof label);
    if ((out[i] = strdup (label)) == NULL)
      goto oom;
    c = json_integer_value (json_object_get (count, label));
    if (json_object_set_new (count, label, json_integer (c + 1)) == -1)
      goto oom;
  }
  /* the labels of one VM stay; the others get the hash of their key */
  for (i = 0; i < n; i++) {
    suffixed[i] = json_integer_value (json_object_get (count, out[i])) > 1;
    if (!suffixed[i])
      continue;
    if (short_hash (keys[i], hex) == -1)
      goto oom;
    snprintf (label, sizeof label, "%s", out[i]);
    free (out[i]);
    if ((out[i] = join_suffix (label, hex)) == NULL)
      goto oom;
  }
  for (i = 0; i < n; i++)
    if (!suffixed[i] && json_object_set_new (used, out[i], json_true ()) == -1)
      goto oom;
  /* the same source twice, or a VM named like another's suffixed name:
   * the later ones get -2, -3 ... */
  for (i = 0; i < n; i++) {
    int k = 2;

    if (!suffixed[i])
      continue;
    snprintf (label, sizeof label, "%s", out[i]);
    while (json_object_get (used, out[i])) {
      snprintf (num, sizeof num, "%d", k++);
      free (out[i]);
      if ((out[i] = join_suffix (label, num)) == NULL)
        goto oom;
    }
    if (json_object_set_new (used, out[i], json_true ()) == -1)
      goto oom;
  }
  json_decref (count);
  json_decref (used);
  return 0;
oom:
  for (i = 0; i < n; i++) {
    free (out[i]);
    out[i] = NULL;
  }
  json_decref (count);
  json_decref (used);
  return v2c_set_error (err, ENOMEM, "can't name the VMs");
}

int
v2c_fleet_name_ok (const char *name)
{
  size_t i;

  if (name == NULL || name[0] == '\0' || name[0] == '.' || name[0] == '-')
    return 0;
  for (i = 0; name[i]; i++) {
    char c = name[i];

    if (i >= V2C_FLEET_MAX_NAME)
      return 0;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'
          || c == '+'))
      return 0;
  }
  return 1;
}

int
v2c_fleet_state_status_ok (const char *status)
{
  static const char *const ok[] = { "running", "converted", "up-to-date",
                                    "failed",  "timed-out", "interrupted" };
  size_t i;

  if (status == NULL)
    return 0;
  for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
    if (strcmp (status, ok[i]) == 0)
      return 1;
  return 0;
}

static int
string_ok (const json_t *v, int nullable)
{
  if (nullable && json_is_null (v))
    return 1;
  return json_is_string (v) && json_string_length (v) <= V2C_FLEET_MAX_STRING
         && strlen (json_string_value (v)) == json_string_length (v);
}

static int
count_ok (const json_t *v)
{
  return json_is_integer (v) && json_integer_value (v) >= 0;
}

static int
fingerprint_ok (const json_t *fp, struct v2c_err *err)
{
  const json_t *files, *f, *v;
  const char *key;
  size_t i;

  if (json_is_null (fp))
    return 0;
  if (!json_is_object (fp))
    return v2c_set_error (err, 0, "'fingerprint' is not an object");
  json_object_foreach ((json_t *) fp, key, v)
  {
    if (strcmp (key, "files") != 0 && strcmp (key, "digest") != 0)
      return v2c_set_error (err, 0, "unknown member 'fingerprint.%s'", key);
  }
  v = json_object_get (fp, "digest");
  if (v == NULL || !string_ok (v, 1))
    return v2c_set_error (err, 0, "'fingerprint.digest' is not a string");
  files = json_object_get (fp, "files");
  if (!json_is_array (files) || json_array_size (files) > V2C_FLEET_MAX_FILES)
    return v2c_set_error (err, 0,
                          "'fingerprint.files' is not an array of "
                          "at most %d files",
                          V2C_FLEET_MAX_FILES);
  json_array_foreach (files, i, f)
  {
    if (!json_is_object (f) || json_object_size (f) != 3
        || !string_ok (json_object_get (f, "path"), 0)
        || !count_ok (json_object_get (f, "size"))
        || !count_ok (json_object_get (f, "mtime_ns")))
      return v2c_set_error (err, 0,
                            "'fingerprint.files[%zu]' is not {path, size, "
                            "mtime_ns}",
                            i);
  }
  return 0;
}

json_t *
v2c_fleet_state_parse (const char *buf, size_t len, struct v2c_err *err)
{
  static const char *const keys[]
      = { "schema",  "name",       "source", "status",      "fingerprint",
          "started", "duration_s", "error",  "max_rss_kib", "exit" };
  json_error_t jerr;
  json_t *doc, *v;
  const char *key;
  size_t i;

  if (len > V2C_FLEET_MAX_STATE_BYTES) {
    v2c_set_error (err, 0, "state record of %zu bytes (at most %u)", len,
                   V2C_FLEET_MAX_STATE_BYTES);
    return NULL;
  }
  doc = json_loadb (buf, len, JSON_REJECT_DUPLICATES, &jerr);
  if (doc == NULL) {
    v2c_set_error (err, 0, "not JSON: line %d: %s", jerr.line, jerr.text);
    return NULL;
  }
  if (!json_is_object (doc)) {
    v2c_set_error (err, 0, "not a JSON object");
    goto bad;
  }
  json_object_foreach (doc, key, v)
  {
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
      if (strcmp (key, keys[i]) == 0)
        break;
    if (i == sizeof keys / sizeof keys[0]) {
      v2c_set_error (err, 0, "unknown member '%.64s'", key);
      goto bad;
    }
  }
  v = json_object_get (doc, "schema");
  if (!json_is_string (v)
      || strcmp (json_string_value (v), V2C_BATCH_STATE_SCHEMA) != 0) {
    v2c_set_error (err, 0, "'schema' is not '%s'", V2C_BATCH_STATE_SCHEMA);
    goto bad;
  }
  v = json_object_get (doc, "name");
  if (!string_ok (v, 0) || !v2c_fleet_name_ok (json_string_value (v))) {
    v2c_set_error (err, 0, "'name' is not a VM directory name");
    goto bad;
  }
  if (!string_ok (json_object_get (doc, "source"), 0)) {
    v2c_set_error (err, 0, "'source' is not a string");
    goto bad;
  }
  v = json_object_get (doc, "status");
  if (!string_ok (v, 0)
      || !v2c_fleet_state_status_ok (json_string_value (v))) {
    v2c_set_error (err, 0, "'status' is not a known status");
    goto bad;
  }
  v = json_object_get (doc, "fingerprint");
  if (v == NULL) {
    v2c_set_error (err, 0, "no 'fingerprint'");
    goto bad;
  }
  if (fingerprint_ok (v, err) == -1)
    goto bad;
  if (!count_ok (json_object_get (doc, "started"))) {
    v2c_set_error (err, 0, "'started' is not a time");
    goto bad;
  }
  v = json_object_get (doc, "duration_s");
  if (!json_is_number (v) || !(json_number_value (v) >= 0)) {
    v2c_set_error (err, 0, "'duration_s' is not a duration");
    goto bad;
  }
  v = json_object_get (doc, "error");
  if (v == NULL || !string_ok (v, 1)) {
    v2c_set_error (err, 0, "'error' is not a string or null");
    goto bad;
  }
  if (!count_ok (json_object_get (doc, "max_rss_kib"))) {
    v2c_set_error (err, 0, "'max_rss_kib' is not a count");
    goto bad;
  }
  v = json_object_get (doc, "exit");
  if (v == NULL || !(json_is_null (v) || json_is_integer (v))) {
    v2c_set_error (err, 0, "'exit' is not an integer or null");
    goto bad;
  }
  return doc;
bad:
  json_decref (doc);
  return NULL;
}

/* Borrowed string member, or NULL. */
static const char *
str_of (const json_t *o, const char *key)
{
  return json_string_value (json_object_get (o, key));
}

/* Non-negative integer member, or -1. */
static json_int_t
int_of (const json_t *o, const char *key)
{
  const json_t *v = json_object_get (o, key);

  if (!json_is_integer (v) || json_integer_value (v) < 0)
    return -1;
  return json_integer_value (v);
}

static json_t *
str_or_null (const char *s)
{
  return s ? json_string (s) : json_null ();
}

/* Saturating sum of non-negative 64-bit counts. */
static json_int_t
add_sat (json_int_t a, json_int_t b)
{
  if (b > 0 && a > INT64_MAX - b)
    return INT64_MAX;
  return a + b;
}

static int
digest_ok (const char *d)
{
  size_t i;

  if (d == NULL || strncmp (d, "sha256:", 7) != 0 || strlen (d) != 71)
    return 0;
  for (i = 7; i < 71; i++)
    if (v2c_hex_value (d[i]) < 0)
      return 0;
  return 1;
}

static json_t *
nint_or_null (const struct v2c_nint *v)
{
  return v->set && v->v >= 0 ? json_integer (v->v) : json_null ();
}

/* The "os" summary of an inventory: {type, distro, version,
 * product_name}, or null. */
static json_t *
os_of (const struct v2c_inventory *inv)
{
  const struct v2c_inv_os *os = inv ? inv->os : NULL;

  if (os == NULL)
    return json_null ();
  return json_pack ("{s:o,s:o,s:o,s:o}", "type", str_or_null (os->type),
                    "distro", str_or_null (os->distro), "version",
                    str_or_null (os->version), "product_name",
                    str_or_null (os->product_name));
}

static json_t *
hardware_of (const struct v2c_inventory *inv)
{
  json_int_t cap = 0;
  size_t i;
  int known = 0;

  if (inv == NULL)
    return json_null ();
  for (i = 0; i < inv->hardware.disks.n; i++) {
    const struct v2c_nint *c = &inv->hardware.disks.v[i].capacity_bytes;
    if (c->set && c->v >= 0) {
      cap = add_sat (cap, c->v);
      known = 1;
    }
  }
  return json_pack (
      "{s:o,s:o,s:o,s:o}", "cpus", nint_or_null (&inv->hardware.cpus),
      "memory_mib", nint_or_null (&inv->hardware.memory_mib),
      "disk_capacity_bytes", known ? json_integer (cap) : json_null (),
      "guest_os_id", str_or_null (inv->hardware.guest_os_id));
}

/* Layers from the image manifest (digest, size), named by the plan's
 * image.layers[i].name. */
static json_t *
layers_of (const json_t *manifest, const struct v2c_plan *plan,
           json_int_t *total)
{
  const json_t *ml = json_object_get (manifest, "layers"), *l;
  json_t *out = json_array ();
  size_t i;

  *total = 0;
  if (out == NULL)
    return NULL;
  json_array_foreach (ml, i, l)
  {
    const char *d = str_of (l, "digest");
    json_int_t size = int_of (l, "size");
    const char *name = plan && i < plan->image.layers.n
                           ? plan->image.layers.v[i].name
                           : NULL;

    if (!digest_ok (d) || size < 0)
      continue;
    *total = add_sat (*total, size);
    if (json_array_append_new (out, json_pack ("{s:o,s:s,s:I}", "name",
                                               str_or_null (name), "digest", d,
                                               "size", (json_int_t) size))
        == -1) {
      json_decref (out);
      return NULL;
    }
  }
  return out;
}

json_t *
v2c_fleet_vm (const json_t *state, const struct v2c_inventory *inv,
              const struct v2c_plan *p, const json_t *report,
              const json_t *manifest, struct v2c_err *err)
{
  json_t *vm = NULL, *comps = NULL, *vols = NULL, *layers = NULL, *v;
  const json_t *fit, *secrets;
  json_int_t image_bytes = 0, vol_bytes = 0, s;
  size_t i, nsecrets = 0;
  const char *verdict = NULL;

  comps = json_array ();
  vols = json_array ();
  if (comps == NULL || vols == NULL)
    goto oom;
  json_array_foreach (json_object_get (report, "components"), i, v)
  {
    const char *n = str_of (v, "name");

    if (n && json_array_append_new (comps, json_string (n)) == -1)
      goto oom;
  }
  json_array_foreach (json_object_get (report, "volumes"), i, v)
  {
    s = int_of (v, "size_bytes");
    if (!json_is_object (v))
      continue;
    if (s > 0)
      vol_bytes = add_sat (vol_bytes, s);
    if (json_array_append_new (
            vols,
            json_pack ("{s:o,s:o,s:o,s:o}", "component",
                       str_or_null (str_of (v, "component")), "name",
                       str_or_null (str_of (v, "name")), "mount_path",
                       str_or_null (str_of (v, "mount_path")), "size_bytes",
                       s >= 0 ? json_integer (s) : json_null ()))
        == -1)
      goto oom;
  }
  secrets = json_object_get (report, "secrets");
  if (json_is_array (secrets))
    nsecrets = json_array_size (secrets);
  fit = json_object_get (report, "fitness");
  verdict = str_of (fit, "verdict");
  layers = layers_of (manifest, p, &image_bytes);
  if (layers == NULL)
    goto oom;

  vm = json_pack (
      "{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:o,s:o,s:I,s:o,s:I,s:I,s:o,"
      "s:o}",
      "name", str_or_null (str_of (state, "name")), "kube_name",
      str_or_null (str_of (state, "kube_name")), "source",
      str_or_null (str_of (state, "source")), "status",
      str_or_null (str_of (state, "status")), "error",
      str_or_null (str_of (state, "error")), "os", os_of (inv), "hardware",
      hardware_of (inv), "verdict", str_or_null (verdict), "components", comps,
      "components_count", (json_int_t) json_array_size (comps), "volumes",
      vols, "layers", layers, "image_bytes", image_bytes, "duration_s",
      json_real (json_number_value (json_object_get (state, "duration_s"))),
      "volume_bytes", vol_bytes, "secrets_count", (json_int_t) nsecrets,
      "max_rss_kib",
      int_of (state, "max_rss_kib") >= 0
          ? json_integer (int_of (state, "max_rss_kib"))
          : json_null (),
      "output",
      json_is_object (report) ? json_string (str_of (state, "name") ?: "")
                              : json_null ());
  comps = vols = layers = NULL;
  if (vm == NULL)
    goto oom;
  return vm;
oom:
  json_decref (comps);
  json_decref (vols);
  json_decref (layers);
  v2c_set_error (err, ENOMEM, "can't build the summary of a VM");
  return NULL;
}

static const char *const statuses[]
    = { "converted", "up-to-date",  "failed",  "timed-out",
        "planned",   "interrupted", "pending", "running" };

json_t *
v2c_fleet_build (json_t *vms, const char *mode, struct v2c_err *err)
{
  json_t *fleet = NULL, *counts, *totals, *seen, *shared, *vm, *l;
  json_int_t total = 0, unique = 0, img = 0, vol = 0, secrets = 0, comps = 0;
  json_int_t cpus = 0, mem = 0, cap = 0, nlayers = 0;
  double dur = 0;
  size_t i, j, k;

  counts = json_object ();
  seen = json_object ();
  shared = json_array ();
  if (counts == NULL || seen == NULL || shared == NULL)
    goto oom;
  for (k = 0; k < sizeof statuses / sizeof statuses[0]; k++)
    if (json_object_set_new (counts, statuses[k], json_integer (0)) == -1)
      goto oom;
  json_array_foreach (vms, i, vm)
  {
    const char *st = str_of (vm, "status");
    const json_t *hw = json_object_get (vm, "hardware");

    if (st && json_is_integer (json_object_get (counts, st)))
      json_object_set_new (
          counts, st,
          json_integer (json_integer_value (json_object_get (counts, st))
                        + 1));
    img = add_sat (
        img, int_of (vm, "image_bytes") > 0 ? int_of (vm, "image_bytes") : 0);
    vol = add_sat (vol, int_of (vm, "volume_bytes") > 0
                            ? int_of (vm, "volume_bytes")
                            : 0);
    secrets = add_sat (secrets, int_of (vm, "secrets_count") > 0
                                    ? int_of (vm, "secrets_count")
                                    : 0);
    comps = add_sat (comps, int_of (vm, "components_count") > 0
                                ? int_of (vm, "components_count")
                                : 0);
    if (int_of (hw, "cpus") > 0)
      cpus = add_sat (cpus, int_of (hw, "cpus"));
    if (int_of (hw, "memory_mib") > 0)
      mem = add_sat (mem, int_of (hw, "memory_mib"));
    if (int_of (hw, "disk_capacity_bytes") > 0)
      cap = add_sat (cap, int_of (hw, "disk_capacity_bytes"));
    if (json_number_value (json_object_get (vm, "duration_s")) > 0)
      dur += json_number_value (json_object_get (vm, "duration_s"));
    json_array_foreach (json_object_get (vm, "layers"), j, l)
    {
      const char *d = str_of (l, "digest");
      json_int_t size = int_of (l, "size");
      json_t *entry;

      if (d == NULL || size < 0)
        continue;
      nlayers++;
      total = add_sat (total, size);
      entry = json_object_get (seen, d);
      if (entry == NULL) {
        unique = add_sat (unique, size);
        entry = json_pack ("{s:s,s:o,s:I,s:[s?]}", "digest", d, "name",
                           str_or_null (str_of (l, "name")), "size", size,
                           "vms", str_of (vm, "name"));
        if (entry == NULL || json_object_set_new (seen, d, entry) == -1)
          goto oom;
      } else if (json_array_append_new (json_object_get (entry, "vms"),
                                        str_or_null (str_of (vm, "name")))
                 == -1)
        goto oom;
    }
  }
  /* Layers used by more than one VM, in the order first seen. */
  json_array_foreach (vms, i, vm)
  {
    json_array_foreach (json_object_get (vm, "layers"), j, l)
    {
      const char *d = str_of (l, "digest");
      json_t *entry = d ? json_object_get (seen, d) : NULL;

      if (entry && json_array_size (json_object_get (entry, "vms")) > 1
          && json_object_get (entry, "listed") == NULL) {
        json_object_set_new (entry, "listed", json_true ());
        if (json_array_append (shared, entry) == -1)
          goto oom;
      }
    }
  }
  json_array_foreach (shared, i, l) json_object_del (l, "listed");

  totals = json_pack ("{s:I,s:O,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f}", "vms",
                      (json_int_t) json_array_size (vms), "by_status", counts,
                      "image_bytes", img, "volume_bytes", vol, "secrets",
                      secrets, "components", comps, "cpus", cpus, "memory_mib",
                      mem, "disk_capacity_bytes", cap, "duration_s", dur);
  if (totals == NULL)
    goto oom;
  fleet = json_pack ("{s:s,s:s,s:s,s:O,s:o,s:{s:I,s:I,s:I,s:I,s:I,s:O}}",
                     "schema", V2C_FLEET_SCHEMA, "generator",
                     "v2c-batch " PACKAGE_VERSION, "mode", mode, "vms", vms,
                     "totals", totals, "layers", "count", nlayers,
                     "unique_count", (json_int_t) json_object_size (seen),
                     "total_bytes", total, "unique_bytes", unique,
                     "saved_bytes", total - unique, "shared", shared);
  if (fleet == NULL)
    goto oom;
  json_decref (counts);
  json_decref (seen);
  json_decref (shared);
  return fleet;
oom:
  json_decref (counts);
  json_decref (seen);
  json_decref (shared);
  v2c_set_error (err, ENOMEM, "can't build the fleet summary");
  return NULL;
}
