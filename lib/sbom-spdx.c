/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The SPDX 2.3 document (see lib/sbom.c for what it describes).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sbom.h"

/* An SPDXID "SPDXRef-<prefix>-<s>" with every byte outside [A-Za-z0-9-]
 * written ".XX" (so "g++" is "g.2B.2B"), made unique in used by a
 * "-N" suffix. */
static char *
spdx_id (json_t *used, const char *prefix, const char *s, const char *s2)
{
  static const char hex[] = "0123456789ABCDEF";
  char id[3 * 2 * V2C_SBOM_MAX_STR + 128], *r;
  size_t k, n;
  const char *parts[2] = { s, s2 };
  int j;

  k = (size_t) snprintf (id, 128, "SPDXRef-%s", prefix);
  for (j = 0; j < 2; j++) {
    if (parts[j] == NULL || parts[j][0] == '\0')
      continue;
    id[k++] = '-';
    for (s = parts[j]; *s; s++) {
      unsigned char ch = (unsigned char) *s;
      if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')
          || (ch >= '0' && ch <= '9') || ch == '-')
        id[k++] = ch;
      else {
        id[k++] = '.';
        id[k++] = hex[ch >> 4];
        id[k++] = hex[ch & 15];
      }
    }
  }
  id[k] = '\0';
  n = strlen (id);
  for (j = 2; json_object_get (used, id); j++)
    snprintf (id + n, sizeof id - n, "-%d", j);
  if (json_object_set_new (used, id, json_true ()) == -1)
    return NULL;
  r = strdup (id);
  return r;
}

/* ------------------------------------------------------------------ */
/* SPDX 2.3                                                            */

static json_t *
spdx_pkg (const char *id, const char *name, const char *version,
          const char *purpose)
{
  json_t *o = json_object ();

  json_object_set_new (o, "SPDXID", json_string (id));
  json_object_set_new (o, "name", json_string (name));
  if (version && version[0])
    json_object_set_new (o, "versionInfo", json_string (version));
  json_object_set_new (o, "downloadLocation", json_string ("NOASSERTION"));
  json_object_set_new (o, "filesAnalyzed", json_false ());
  if (purpose)
    json_object_set_new (o, "primaryPackagePurpose", json_string (purpose));
  return o;
}

static void
rel (json_t *rels, const char *a, const char *type, const char *b)
{
  json_array_append_new (rels, json_pack ("{s:s, s:s, s:s}", "spdxElementId",
                                          a, "relationshipType", type,
                                          "relatedSpdxElement", b));
}

static void
add_purl_ref (json_t *pkg, const char *p)
{
  json_t *refs = json_array ();

  json_array_append_new (refs,
                         json_pack ("{s:s, s:s, s:s}", "referenceCategory",
                                    "PACKAGE-MANAGER", "referenceType", "purl",
                                    "referenceLocator", p));
  json_object_set_new (pkg, "externalRefs", refs);
}

/* Declare each LicenseRef- of expr once in extracted (an object used as
 * a set, turned into hasExtractedLicensingInfos at the end). */
static void
note_refs (json_t *extracted, const char *expr, const char *raw)
{
  const char *p = expr;

  while ((p = strstr (p, "LicenseRef-")) != NULL) {
    size_t n = strspn (p + 11, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
                               "tuvwxyz0123456789.-");
    char id[128];

    snprintf (id, sizeof id, "%.*s", (int) (n + 11 < sizeof id ? n + 11 : 0),
              p);
    if (id[0] && json_object_get (extracted, id) == NULL)
      json_object_set_new (extracted, id, json_string (raw));
    p += 11 + n;
  }
}

/* hasExtractedLicensingInfos: one entry for each LicenseRef- of
 * extracted, sorted whatever order jansson keeps.  New reference, or
 * NULL (out of memory). */
static json_t *
extracted_infos (const json_t *extracted)
{
  json_t *ex = json_array ();
  const char **keys = calloc (json_object_size (extracted), sizeof *keys);
  const char *key;
  const json_t *v;
  size_t n = 0, a, b;

  if (keys == NULL || ex == NULL) {
    free (keys);
    json_decref (ex);
    return NULL;
  }
  json_object_foreach ((json_t *) extracted, key, v) keys[n++] = key;
  for (a = 1; a < n; a++)
    for (b = a; b > 0 && strcmp (keys[b - 1], keys[b]) > 0; b--) {
      const char *t = keys[b];
      keys[b] = keys[b - 1];
      keys[b - 1] = t;
    }
  for (a = 0; a < n; a++)
    json_array_append_new (
        ex, json_pack ("{s:s, s:s, s:s}", "licenseId", keys[a], "name",
                       keys[a] + 11, "extractedText",
                       "licence as the package database names it: see the "
                       "package's copyright file"));
  free (keys);
  return ex;
}

json_t *
v2c_sbom_spdx (const struct v2c_inventory *inventory, const json_t *image,
               struct v2c_err *err)
{
  struct v2c_sbom_ctx c;
  json_t *doc = NULL, *pkgs, *rels, *used, *extracted, *o;
  char *top = NULL, *vm = NULL, *os = NULL, *id = NULL, *p = NULL;
  char ns[512], name[V2C_SBOM_MAX_STR + 64];
  size_t i;

  if (v2c_sbom_ctx_init (&c, inventory, image, err) == -1) {
    v2c_sbom_ctx_free (&c);
    return NULL;
  }
  used = json_object ();
  extracted = json_object ();
  pkgs = json_array ();
  rels = json_array ();
  doc = json_object ();
  if (!used || !extracted || !pkgs || !rels || !doc)
    goto oom;

  vm = spdx_id (used, "VM", c.vm_name, NULL);
  os = spdx_id (used, "OperatingSystem", c.distro, NULL);
  if (vm == NULL || os == NULL)
    goto oom;
  o = spdx_pkg (vm, c.vm_name, NULL, "DEVICE");
  json_object_set_new (o, "comment", v2c_sbom_vm_comment (&c));
  json_array_append_new (pkgs, o);
  o = spdx_pkg (os, c.distro ? c.distro : "unknown", c.os_version,
                "OPERATING_SYSTEM");
  json_array_append_new (pkgs, o);
  if (c.manifest) {
    /* no purl here: a purl marks the guest's packages (what consumers
     * count); the image is known by its manifest digest */
    top = spdx_id (used, "Image", c.ref ? c.ref : c.vm_name, NULL);
    if (top == NULL)
      goto oom;
    o = spdx_pkg (top, c.ref ? c.ref : c.vm_name, c.manifest, "CONTAINER");
    json_object_set_new (o, "checksums",
                         json_pack ("[{s:s, s:s}]", "algorithm", "SHA256",
                                    "checksumValue",
                                    v2c_sbom_hex (c.manifest)));
    json_array_append_new (pkgs, o);
    rel (rels, "SPDXRef-DOCUMENT", "DESCRIBES", top);
    rel (rels, top, "GENERATED_FROM", vm);
    rel (rels, top, "CONTAINS", os);
  } else {
    rel (rels, "SPDXRef-DOCUMENT", "DESCRIBES", vm);
    rel (rels, vm, "CONTAINS", os);
  }
  for (i = 0; i < c.nlayers; i++) {
    const struct v2c_sbom_layer *y = &c.layers[i];
    char comment[256];

    snprintf (name, sizeof name, "layer %zu%s%s", i + 1, y->name ? " " : "",
              y->name ? y->name : "");
    free (id);
    if ((id = spdx_id (used, "Layer", y->name ? y->name : "", NULL)) == NULL)
      goto oom;
    o = spdx_pkg (id, name, y->digest, "ARCHIVE");
    json_object_set_new (o, "checksums",
                         json_pack ("[{s:s, s:s}]", "algorithm", "SHA256",
                                    "checksumValue",
                                    v2c_sbom_hex (y->digest)));
    snprintf (comment, sizeof comment, "OCI image layer; diff_id %s",
              y->diff_id ? y->diff_id : "unknown");
    json_object_set_new (o, "comment", json_string (comment));
    json_array_append_new (pkgs, o);
    rel (rels, top, "CONTAINS", id);
  }
  for (i = 0; i < c.npkgs; i++) {
    const struct v2c_sbom_pkg *k = &c.pkgs[i];
    char *lic = NULL;
    const char *ver = k->evr ? k->evr : k->version;

    free (id);
    free (p);
    id = spdx_id (used, "Package", k->name, k->arch);
    p = v2c_sbom_purl (&c, k);
    if (id == NULL)
      goto oom;
    o = spdx_pkg (id, k->name, ver, "LIBRARY");
    if (p)
      add_purl_ref (o, p);
    if (k->license
        && (lic = v2c_license_spdx (k->license, strlen (k->license), NULL))
               != NULL) {
      note_refs (extracted, lic, k->license);
      json_object_set_new (o, "licenseDeclared", json_string (lic));
      free (lic);
    } else
      json_object_set_new (o, "licenseDeclared", json_string ("NOASSERTION"));
    json_object_set_new (o, "licenseConcluded", json_string ("NOASSERTION"));
    json_object_set_new (o, "copyrightText", json_string ("NOASSERTION"));
    json_array_append_new (pkgs, o);
    rel (rels, os, "CONTAINS", id);
  }

  json_object_set_new (doc, "spdxVersion", json_string ("SPDX-2.3"));
  json_object_set_new (doc, "dataLicense", json_string ("CC0-1.0"));
  json_object_set_new (doc, "SPDXID", json_string ("SPDXRef-DOCUMENT"));
  json_object_set_new (
      doc, "name",
      v2c_sbom_str_or (c.ref, c.vm_name)); /* the subject's name */
  /* the spec's recommended form: a URI unique to this document */
  snprintf (ns, sizeof ns, "https://spdx.org/spdxdocs/v2c-%s", c.uuid);
  json_object_set_new (doc, "documentNamespace", json_string (ns));
  json_object_set_new (doc, "creationInfo",
                       json_pack ("{s:s, s:[s]}", "created", c.created,
                                  "creators", "Tool: v2c-" PACKAGE_VERSION));
  json_object_set_new (doc, "packages", pkgs);
  pkgs = NULL;
  json_object_set_new (doc, "relationships", rels);
  rels = NULL;
  if (json_object_size (extracted)) {
    json_t *ex = extracted_infos (extracted);

    if (ex == NULL)
      goto oom;
    json_object_set_new (doc, "hasExtractedLicensingInfos", ex);
  }
  goto out;
oom:
  doc = v2c_sbom_oom (doc, err, "SPDX");
out:
  V2C_JSON_DECREF (pkgs, rels, used, extracted);
  V2C_FREE (top, vm, os, id, p);
  v2c_sbom_ctx_free (&c);
  return doc;
}
