/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Software bills of materials of a converted VM (lib/sbom*.c): SPDX 2.3
 * JSON and CycloneDX 1.5 JSON, from the inventory (v2c.inventory/1) and
 * the image built from it.  Not installed.
 */
#ifndef V2C_SBOM_H
#define V2C_SBOM_H

#include <jansson.h>

#include "model.h"

#include "v2c-internal.h"

/* image: NULL or {"manifest": "sha256:..", "created": "RFC3339", "ref":
 *   name, "layers": [{"name","digest","diff_id","size",...}]} (the shape
 *   of v2c_extract_summary).
 * Both are deterministic: the same input gives the same document, byte
 * for byte once dumped with JSON_SORT_KEYS or not.  The time is
 * image.created, or 1970-01-01T00:00:00Z without an image (the
 * inventory records no time); the document namespace / serial number is
 * a name-based UUID of the manifest digest (of the inventory without an
 * image).  Returns a new reference, or NULL with err set. */
json_t *v2c_sbom_spdx (const struct v2c_inventory *inventory,
                       const json_t *image, struct v2c_err *err);
json_t *v2c_sbom_cyclonedx (const struct v2c_inventory *inventory,
                            const json_t *image, struct v2c_err *err);

/* Licences (lib/sbom-license.c).  An SPDX licence expression for a
 * package database's licence text: Debian DEP-5 short names ("GPL-2+",
 * "Expat"), rpm's older names ("GPLv2+", "ASL 2.0"), SPDX ids and
 * expressions ("MIT AND (GPL-2.0-or-later OR BSD-3-Clause)"), apk's
 * space-separated lists.  Terms that name no known licence become
 * "LicenseRef-<term, sanitised>".  *all_known (may be NULL) is set to 1
 * when no LicenseRef was needed.  NULL when the text holds no licence
 * or on out of memory (errno ENOMEM).  Caller frees. */
char *v2c_license_spdx (const char *text, size_t len, int *all_known);
/* Whether s is one SPDX licence id of the table (so usable as a
 * CycloneDX license.id). */
int v2c_license_is_spdx_id (const char *s);

/* ------------------------------------------------------------------ */
/* Shared by lib/sbom*.c                                               */

#define V2C_SBOM_MAX_STR 4096 /* a name, version, licence of a package */

struct v2c_sbom_pkg {
  const char *name, *epoch, *version, *release, *evr, *arch, *manager;
  const char *license;
};

struct v2c_sbom_layer {
  const char *name, *digest, *diff_id;
  json_int_t size;
};

/* The inputs, checked; strings point into the loaded inventory and the
 * caller's image JSON. */
struct v2c_sbom_ctx {
  struct v2c_err *err;
  const struct v2c_inventory *inv; /* the strings below are its */
  const char *vm_name, *distro, *os_version, *os_arch, *format;
  json_int_t major;
  struct v2c_sbom_pkg *pkgs;
  size_t npkgs;
  const char *manifest, *ref; /* manifest NULL: no image */
  char created[32];
  struct v2c_sbom_layer *layers;
  size_t nlayers;
  char uuid[37];
};

int v2c_sbom_ctx_init (struct v2c_sbom_ctx *c,
                       const struct v2c_inventory *inv, const json_t *image,
                       struct v2c_err *err);
void v2c_sbom_ctx_free (struct v2c_sbom_ctx *c);
/* Out of memory making the what document: err set, doc released;
 * NULL. */
json_t *v2c_sbom_oom (json_t *doc, struct v2c_err *err, const char *what);
/* A package's purl, or NULL when its manager has none.  Caller frees. */
char *v2c_sbom_purl (const struct v2c_sbom_ctx *c,
                     const struct v2c_sbom_pkg *p);
/* The image's pkg:oci purl.  Caller frees. */
char *v2c_sbom_oci_purl (const struct v2c_sbom_ctx *c);
json_t *v2c_sbom_vm_comment (const struct v2c_sbom_ctx *c);
/* Append s to out[*k], percent-encoded (pct) or as is (lit), never
 * past size. */
void v2c_sbom_pct (char *out, size_t *k, size_t size, const char *s);
void v2c_sbom_lit (char *out, size_t *k, size_t size, const char *s);

static inline json_t *
v2c_sbom_str_or (const char *s, const char *dflt)
{
  return json_string (s && s[0] ? s : dflt);
}

/* The hex part of a "sha256:" digest. */
static inline const char *
v2c_sbom_hex (const char *digest)
{
  return digest + 7;
}

#endif /* V2C_SBOM_H */
