/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The CycloneDX 1.5 document (see lib/sbom.c for what it describes).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sbom.h"

/* ------------------------------------------------------------------ */
/* CycloneDX 1.5                                                       */

static json_t *
prop (const char *name, const char *value)
{
  return json_pack ("{s:s, s:s}", "name", name, "value", value);
}

/* licenses[]: one SPDX id as license.id, an expression as expression,
 * anything else by name. */
static json_t *
cdx_licenses (const char *raw)
{
  int known = 0;
  char *lic = v2c_license_spdx (raw, strlen (raw), &known);
  json_t *a;

  if (lic == NULL)
    return NULL;
  a = json_array ();
  if (v2c_license_is_spdx_id (lic))
    json_array_append_new (a, json_pack ("{s:{s:s}}", "license", "id", lic));
  else if (known)
    json_array_append_new (a, json_pack ("{s:s}", "expression", lic));
  else
    json_array_append_new (a, json_pack ("{s:{s:s}}", "license", "name", raw));
  free (lic);
  return a;
}

/* The image's layers, as file components of the subject. */
static json_t *
layer_components (const struct v2c_sbom_ctx *c)
{
  json_t *lc = json_array (), *o;
  char buf[V2C_SBOM_MAX_STR + 64];
  size_t i;

  for (i = 0; i < c->nlayers; i++) {
    const struct v2c_sbom_layer *y = &c->layers[i];
    json_t *props = json_array ();

    snprintf (buf, sizeof buf, "v2c:layer:%zu", i + 1);
    o = json_pack ("{s:s, s:s, s:s, s:s}", "type", "file", "bom-ref", buf,
                   "name", y->name && y->name[0] ? y->name : buf, "version",
                   y->digest);
    json_object_set_new (o, "hashes",
                         json_pack ("[{s:s, s:s}]", "alg", "SHA-256",
                                    "content", v2c_sbom_hex (y->digest)));
    json_array_append_new (props, prop ("v2c:layer:digest", y->digest));
    if (y->diff_id)
      json_array_append_new (props, prop ("v2c:layer:diff_id", y->diff_id));
    if (y->size >= 0) {
      snprintf (buf, sizeof buf, "%lld", (long long) y->size);
      json_array_append_new (props, prop ("v2c:layer:size", buf));
    }
    json_object_set_new (o, "properties", props);
    json_array_append_new (lc, o);
  }
  return lc;
}

json_t *
v2c_sbom_cyclonedx (const struct v2c_inventory *inventory,
                    const json_t *image, struct v2c_err *err)
{
  struct v2c_sbom_ctx c;
  json_t *doc = NULL, *comps, *deps, *refs, *meta, *top, *os_deps, *o, *l;
  char serial[64], *ref = NULL;
  size_t i;

  if (v2c_sbom_ctx_init (&c, inventory, image, err) == -1) {
    v2c_sbom_ctx_free (&c);
    return NULL;
  }
  comps = json_array ();
  deps = json_array ();
  refs = json_object ();
  os_deps = json_array ();
  meta = json_object ();
  top = json_object ();
  doc = json_object ();
  if (!comps || !deps || !refs || !os_deps || !meta || !top || !doc)
    goto oom;

  /* the subject: the image, or the VM itself without one */
  json_object_set_new (top, "bom-ref", json_string ("v2c:subject"));
  if (c.manifest) {
    char *p = v2c_sbom_oci_purl (&c);
    if (p == NULL)
      goto oom;
    json_object_set_new (top, "type", json_string ("container"));
    json_object_set_new (top, "name", v2c_sbom_str_or (c.ref, c.vm_name));
    json_object_set_new (top, "version", json_string (c.manifest));
    json_object_set_new (top, "purl", json_string (p));
    free (p);
    json_object_set_new (top, "hashes",
                         json_pack ("[{s:s, s:s}]", "alg", "SHA-256",
                                    "content", v2c_sbom_hex (c.manifest)));
  } else {
    json_object_set_new (top, "type", json_string ("device"));
    json_object_set_new (top, "name", json_string (c.vm_name));
  }
  l = json_array ();
  json_array_append_new (l, prop ("v2c:vm:name", c.vm_name));
  if (c.format)
    json_array_append_new (l, prop ("v2c:vm:source-format", c.format));
  json_object_set_new (top, "properties", l);
  if (c.nlayers)
    json_object_set_new (top, "components", layer_components (&c));

  json_object_set_new (meta, "timestamp", json_string (c.created));
  json_object_set_new (meta, "tools",
                       json_pack ("{s:[{s:s, s:s, s:s}]}", "components",
                                  "type", "application", "name", "v2c",
                                  "version", PACKAGE_VERSION));
  json_object_set_new (meta, "component", top);
  top = NULL;

  o = json_pack ("{s:s, s:s, s:s}", "type", "operating-system", "bom-ref",
                 "v2c:os", "name", c.distro ? c.distro : "unknown");
  if (c.os_version)
    json_object_set_new (o, "version", json_string (c.os_version));
  json_array_append_new (comps, o);

  for (i = 0; i < c.npkgs; i++) {
    const struct v2c_sbom_pkg *k = &c.pkgs[i];
    const char *ver = k->evr ? k->evr : k->version;
    char *p = v2c_sbom_purl (&c, k);
    json_t *props = json_array (), *lic;
    int n;

    /* bom-ref: the purl, unique (two entries could share one) */
    {
      const char *base = p ? p : k->name;
      size_t bl = strlen (base) + 16;
      free (ref);
      ref = malloc (bl);
      if (ref == NULL) {
        free (p);
        json_decref (props);
        goto oom;
      }
      snprintf (ref, bl, "%s", base);
      for (n = 2; json_object_get (refs, ref); n++)
        snprintf (ref, bl, "%s#%d", base, n);
    }
    json_object_set_new (refs, ref, json_true ());
    o = json_pack ("{s:s, s:s, s:s}", "type", "library", "bom-ref", ref,
                   "name", k->name);
    if (ver && ver[0])
      json_object_set_new (o, "version", json_string (ver));
    if (p)
      json_object_set_new (o, "purl", json_string (p));
    free (p);
    if (k->license && (lic = cdx_licenses (k->license)) != NULL)
      json_object_set_new (o, "licenses", lic);
    if (k->manager)
      json_array_append_new (props, prop ("v2c:package:manager", k->manager));
    if (k->arch)
      json_array_append_new (props, prop ("v2c:package:arch", k->arch));
    json_object_set_new (o, "properties", props);
    json_array_append_new (comps, o);
    json_array_append_new (os_deps, json_string (ref));
  }
  json_array_append_new (deps, json_pack ("{s:s, s:[s]}", "ref", "v2c:subject",
                                          "dependsOn", "v2c:os"));
  json_array_append_new (
      deps, json_pack ("{s:s, s:o}", "ref", "v2c:os", "dependsOn", os_deps));
  os_deps = NULL;

  snprintf (serial, sizeof serial, "urn:uuid:%s", c.uuid);
  json_object_set_new (doc, "bomFormat", json_string ("CycloneDX"));
  json_object_set_new (doc, "specVersion", json_string ("1.5"));
  json_object_set_new (doc, "serialNumber", json_string (serial));
  json_object_set_new (doc, "version", json_integer (1));
  json_object_set_new (doc, "metadata", meta);
  meta = NULL;
  json_object_set_new (doc, "components", comps);
  comps = NULL;
  json_object_set_new (doc, "dependencies", deps);
  deps = NULL;
  goto out;
oom:
  doc = v2c_sbom_oom (doc, err, "CycloneDX");
out:
  V2C_JSON_DECREF (comps, deps, refs, os_deps, meta, top);
  free (ref);
  v2c_sbom_ctx_free (&c);
  return doc;
}
