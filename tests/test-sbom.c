/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * SPDX and CycloneDX documents of the demo VM's and the Debian 12 VM's
 * inventories (v2c-inspect outputs, tests/data/sbom/), with an image
 * object shaped like v2c_extract_summary's (the demo image's real layer
 * digests).  Compared against: the inventories' own package lists, purl
 * strings written here from the purl specification's rules (epoch as
 * "%3A", '+' as "%2B", sorted qualifiers), the SPDX id grammar, and
 * licence expressions written from the SPDX licence list.  With
 * V2C_SBOM_OUT=DIR the documents are also written there for
 * tests/sbom-schema.sh, which checks them against the official schemas.
 */
#include <config.h>

#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "sbom.h"
#include "unit.h"

static const char *const layer_digests[] = {
  "sha256:5eeef4707ba38ddc642d15b4c3a5d87d1eacea34c5482fae99121d8c8795ebde",
  "sha256:38b51a90a3893d9f375b1e5f58386cf31d4e284f84b65994f68058006f860482",
  "sha256:68fe4f2ef220278d9866ced43384badb938f6ec8165dec08e037e1d62c78785b",
};
#define MANIFEST                                                              \
  "sha256:fa3b51e14d88c322ec230caa98067b5290a82713f2e3f16252ae933718d1c793"

/* The SBOMs of an inventory document, loaded first (as v2c-convert
 * does). */
static json_t *
sbom_of (int cdx, const json_t *doc, const json_t *image,
         struct v2c_err *err)
{
  struct v2c_inventory *inv = v2c_inventory_load (doc, err);
  json_t *out = NULL;

  if (inv)
    out = cdx ? v2c_sbom_cyclonedx (inv, image, err)
              : v2c_sbom_spdx (inv, image, err);
  v2c_inventory_free (inv);
  return out;
}

static json_t *
spdx_of (const json_t *doc, const json_t *image, struct v2c_err *err)
{
  return sbom_of (0, doc, image, err);
}

static json_t *
cdx_of (const json_t *doc, const json_t *image, struct v2c_err *err)
{
  return sbom_of (1, doc, image, err);
}

static json_t *
fake_image (const char *manifest)
{
  json_t *img = json_pack ("{s:s, s:s, s:s, s:[]}", "manifest", manifest,
                           "created", "2026-01-02T03:04:05.250Z", "ref",
                           "v2c-demo:latest", "layers");
  static const char *const names[] = { "os", "config", "app" };
  size_t i;

  for (i = 0; i < 3; i++)
    json_array_append_new (json_object_get (img, "layers"),
                           json_pack ("{s:s, s:s, s:s, s:I}", "name", names[i],
                                      "digest", layer_digests[i], "diff_id",
                                      layer_digests[(i + 1) % 3], "size",
                                      (json_int_t) (1000 * (i + 1))));
  return img;
}

static json_t *
load (const char *name)
{
  char rel[512];

  snprintf (rel, sizeof rel, "tests/data/sbom/%s", name);
  return unit_load_json (rel);
}

static int
matches (const char *re, const char *s)
{
  regex_t r;
  int ok;

  if (regcomp (&r, re, REG_EXTENDED | REG_NOSUB) != 0)
    abort ();
  ok = regexec (&r, s, 0, NULL, 0) == 0;
  regfree (&r);
  return ok;
}

#define PURL_RE                                                               \
  "^pkg:(deb|rpm|apk)/[a-z0-9.-]+/[A-Za-z0-9._~%-]+@[A-Za-z0-9._~%-]+"        \
  "(\\?[a-z]+=[A-Za-z0-9._~%-]+(&[a-z]+=[A-Za-z0-9._~%-]+)*)?$"

static const char *
spdx_purl (json_t *pkg)
{
  json_t *r = json_array_get (json_object_get (pkg, "externalRefs"), 0);
  return json_string_value (json_object_get (r, "referenceLocator"));
}

/* purl of the package named name, in the SPDX and the CycloneDX doc. */
static void
expect_purl (json_t *spdx, json_t *cdx, const char *name, const char *want)
{
  size_t i;
  json_t *p;
  int seen = 0;

  json_array_foreach (
      json_object_get (spdx, "packages"), i,
      p) if (spdx_purl (p)
             && strcmp (json_string_value (json_object_get (p, "name")), name)
                    == 0)
  {
    CHECK (strcmp (spdx_purl (p), want) == 0,
           "SPDX purl of %s: '%s', not '%s'", name, spdx_purl (p), want);
    seen |= 1;
  }
  json_array_foreach (json_object_get (cdx, "components"), i, p)
  {
    const char *pu = json_string_value (json_object_get (p, "purl"));
    if (pu
        && strcmp (json_string_value (json_object_get (p, "name")), name)
               == 0) {
      CHECK (strcmp (pu, want) == 0, "CycloneDX purl of %s: '%s', not '%s'",
             name, pu, want);
      seen |= 2;
    }
  }
  CHECK (seen == 3, "package '%s' missing (seen %d)", name, seen);
}

/* The checks that hold for every document pair. */
static void
check_pair (const char *what, json_t *inv, json_t *image, json_t **spdx_out,
            json_t **cdx_out)
{
  struct v2c_err err = { 0 };
  json_t *spdx = spdx_of (inv, image, &err), *again, *cdx, *p;
  json_t *ids = json_object (), *pkgs = json_object_get (inv, "packages");
  char *a, *b;
  size_t i, npurl = 0, nlib = 0;

  CHECK (spdx != NULL, "%s: SPDX: %s", what, err.msg);
  cdx = cdx_of (inv, image, &err);
  CHECK (cdx != NULL, "%s: CycloneDX: %s", what, err.msg);
  if (spdx == NULL || cdx == NULL)
    exit (1);

  /* deterministic, byte for byte, in the order written */
  again = spdx_of (inv, image, &err);
  a = json_dumps (spdx, 0);
  b = json_dumps (again, 0);
  CHECK (a && b && strcmp (a, b) == 0, "%s: SPDX differs between runs", what);
  free (b);
  json_decref (again);
  again = cdx_of (inv, image, &err);
  b = json_dumps (again, 0);
  {
    char *c2 = json_dumps (cdx, 0);
    CHECK (c2 && b && strcmp (c2, b) == 0, "%s: CycloneDX differs", what);
    /* layer digests in both */
    for (i = 0; image && i < 3; i++) {
      CHECK (strstr (a, layer_digests[i] + 7) != NULL,
             "%s: SPDX lacks layer %s", what, layer_digests[i]);
      CHECK (strstr (c2, layer_digests[i]) != NULL,
             "%s: CycloneDX lacks layer %s", what, layer_digests[i]);
    }
    free (c2);
  }
  free (a);
  free (b);
  json_decref (again);

  /* SPDX ids: the grammar, unique; one purl package per inventory one */
  json_array_foreach (json_object_get (spdx, "packages"), i, p)
  {
    const char *id = json_string_value (json_object_get (p, "SPDXID"));
    CHECK (id && matches ("^SPDXRef-[A-Za-z0-9.-]+$", id),
           "%s: bad SPDXID '%s'", what, id ? id : "(null)");
    if (id) {
      CHECK (json_object_get (ids, id) == NULL, "%s: SPDXID '%s' twice", what,
             id);
      json_object_set_new (ids, id, json_true ());
    }
    if (spdx_purl (p)
        && strcmp (json_string_value (
                       json_object_get (p, "primaryPackagePurpose")),
                   "LIBRARY")
               == 0) {
      CHECK (matches (PURL_RE, spdx_purl (p)), "%s: bad purl '%s'", what,
             spdx_purl (p));
      npurl++;
    }
  }
  CHECK (npurl == json_array_size (pkgs),
         "%s: SPDX %zu packages, inventory %zu", what, npurl,
         json_array_size (pkgs));
  json_array_foreach (json_object_get (cdx, "components"), i, p)
  {
    const char *pu = json_string_value (json_object_get (p, "purl"));
    if (strcmp (json_string_value (json_object_get (p, "type")), "library"))
      continue;
    nlib++;
    CHECK (pu && matches (PURL_RE, pu), "%s: bad purl '%s'", what,
           pu ? pu : "(null)");
  }
  CHECK (nlib == json_array_size (pkgs),
         "%s: CycloneDX %zu packages, inventory %zu", what, nlib,
         json_array_size (pkgs));

  if (image) {
    const char *t = json_string_value (
        json_object_get (json_object_get (spdx, "creationInfo"), "created"));
    CHECK (t && strcmp (t, "2026-01-02T03:04:05Z") == 0,
           "%s: SPDX created '%s'", what, t ? t : "(null)");
    t = json_string_value (
        json_object_get (json_object_get (cdx, "metadata"), "timestamp"));
    CHECK (t && strcmp (t, "2026-01-02T03:04:05Z") == 0,
           "%s: CycloneDX timestamp '%s'", what, t ? t : "(null)");
  }
  json_decref (ids);
  *spdx_out = spdx;
  *cdx_out = cdx;
}

static void
write_doc (const char *name, json_t *doc)
{
  const char *dir = getenv ("V2C_SBOM_OUT");
  char path[4096];

  if (dir == NULL)
    return;
  snprintf (path, sizeof path, "%s/%s", dir, name);
  if (json_dump_file (doc, path, JSON_INDENT (1)) != 0) {
    fprintf (stderr, "can't write '%s'\n", path);
    exit (1);
  }
}

static void
expect_license (const char *in, const char *want, int want_known)
{
  int known = -1;
  char *got = v2c_license_spdx (in, strlen (in), &known);

  CHECK ((got == NULL && want == NULL)
             || (got && want && strcmp (got, want) == 0),
         "licence '%s': '%s', expected '%s'", in, got ? got : "(none)",
         want ? want : "(none)");
  if (want)
    CHECK (known == want_known, "licence '%s': all_known %d", in, known);
  free (got);
}

/* An inventory with every member the loader wants, and no package. */
static json_t *
fake_inventory (const char *distro, const char *version, int major)
{
  return json_pack (
      "{s:s, s:s, s:{s:s, s:n, s:[]}, s:{s:n, s:n, s:n, s:n, s:[], s:[]},"
      " s:{s:s, s:s, s:s, s:i, s:i, s:n, s:n, s:n, s:n, s:n}, s:[], s:[]}",
      "schema", "v2c.inventory/1", "name", "fake", "source", "format", "disk",
      "path", "disks", "hardware", "cpus", "memory_mib", "firmware",
      "guest_os_id", "disks", "nics", "os", "type", "linux", "distro", distro,
      "version", version, "major", major, "minor", 0, "arch", "hostname",
      "product_name", "package_format", "package_manager", "filesystems",
      "packages");
}

static void
add_pkg (json_t *inv, const char *name, const char *epoch, const char *ver,
         const char *rel, const char *evr, const char *arch,
         const char *manager, const char *license)
{
  json_t *p
      = json_pack ("{s:s, s:s, s:s, s:s, s:n}", "name", name, "version", ver,
                   "evr", evr, "manager", manager, "source_package");
  json_object_set_new (p, "epoch", epoch ? json_string (epoch) : json_null ());
  json_object_set_new (p, "release", rel ? json_string (rel) : json_null ());
  json_object_set_new (p, "arch", arch ? json_string (arch) : json_null ());
  json_object_set_new (p, "license",
                       license ? json_string (license) : json_null ());
  json_array_append_new (json_object_get (inv, "packages"), p);
}

int
main (void)
{
  json_t *demo = load ("demo-inventory.json");
  json_t *deb = load ("debian12-inventory.json");
  json_t *img = fake_image (MANIFEST), *img2;
  json_t *s, *c, *s2, *inv;
  struct v2c_err err = { 0 };
  char *d;
  size_t i;
  json_t *p;

  /* licences */
  expect_license ("GPL-2+", "GPL-2.0-or-later", 1);
  expect_license ("GPL-2+ AND BSD-3-clause AND Expat",
                  "GPL-2.0-or-later AND BSD-3-Clause AND MIT", 1);
  expect_license ("LGPL-2.1+ or GPL-3", "LGPL-2.1-or-later OR GPL-3.0-only",
                  1);
  expect_license ("GPLv2+ and ASL 2.0", "GPL-2.0-or-later AND Apache-2.0", 1);
  expect_license ("MIT BSD-2-Clause", "MIT AND BSD-2-Clause", 1);
  expect_license ("(MIT OR Apache-2.0) AND Zlib",
                  "(MIT OR Apache-2.0) AND Zlib", 1);
  expect_license ("Perl AND MIT",
                  "(Artistic-1.0-Perl OR GPL-1.0-or-later) AND MIT", 1);
  expect_license ("GPL-2.0-or-later WITH Classpath-exception-2.0",
                  "GPL-2.0-or-later WITH Classpath-exception-2.0", 1);
  expect_license ("public-domain", "LicenseRef-public-domain", 0);
  expect_license ("GPL-2+ AND public-domain",
                  "GPL-2.0-or-later AND LicenseRef-public-domain", 0);
  expect_license ("GPL-2+ with OpenSSL exception",
                  "LicenseRef-GPL-2-with-OpenSSL-exception", 0);
  expect_license ("((MIT", "LicenseRef-MIT", 0);
  expect_license ("MIT AND", "LicenseRef-MIT-AND", 0);
  expect_license ("", NULL, 0);
  expect_license ("  ()  ", NULL, 0);
  CHECK (v2c_license_is_spdx_id ("MIT") && !v2c_license_is_spdx_id ("Expat"),
         "v2c_license_is_spdx_id");

  /* the two real inventories, with and without an image */
  check_pair ("demo", demo, img, &s, &c);
  expect_purl (s, c, "busybox-static",
               "pkg:deb/debian/busybox-static@1%3A1.35.0-4%2Bb3?arch=amd64"
               "&distro=debian-12");
  expect_purl (s, c, "systemd",
               "pkg:deb/debian/systemd@252.26-1~deb12u2?arch=amd64"
               "&distro=debian-12");
  write_doc ("demo.spdx.json", s);
  write_doc ("demo.cdx.json", c);
  json_decref (s);
  json_decref (c);
  check_pair ("debian", deb, img, &s, &c);
  expect_purl (s, c, "libstdc++6",
               "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14%2Bdeb12u1?arch=amd64"
               "&distro=debian-12");
  expect_purl (s, c, "dmsetup",
               "pkg:deb/debian/dmsetup@2%3A1.02.185-2?arch=amd64"
               "&distro=debian-12");
  write_doc ("debian.spdx.json", s);
  write_doc ("debian.cdx.json", c);
  /* another manifest: another namespace; same inventory without image:
   * still stable */
  img2 = fake_image (
      "sha256:"
      "0000000000000000000000000000000000000000000000000000000000000001");
  s2 = spdx_of (deb, img2, &err);
  CHECK (
      s2
          && strcmp (
                 json_string_value (json_object_get (s, "documentNamespace")),
                 json_string_value (json_object_get (s2, "documentNamespace")))
                 != 0,
      "the namespace does not follow the manifest");
  json_decref (s2);
  json_decref (s);
  json_decref (c);
  check_pair ("debian without image", deb, NULL, &s, &c);
  d = json_dumps (json_object_get (s, "creationInfo"), JSON_SORT_KEYS);
  CHECK (strstr (d, "1970-01-01T00:00:00Z") != NULL, "no image: created %s",
         d);
  free (d);
  CHECK (matches (
             "^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}"
             "-[0-9a-f]{12}$",
             json_string_value (json_object_get (c, "serialNumber"))),
         "serialNumber %s",
         json_string_value (json_object_get (c, "serialNumber")));
  json_decref (s);
  json_decref (c);

  /* rpm and apk, names that need encoding, licences */
  inv = fake_inventory ("fedora", "40", 40);
  add_pkg (inv, "bash", "1", "5.2.26", "3.fc40", "1:5.2.26-3.fc40", "x86_64",
           "rpm", "GPLv3+");
  add_pkg (inv, "gcc-c++", NULL, "14.1.1", "4.fc40", "14.1.1-4.fc40", "x86_64",
           "rpm",
           "GPL-3.0-or-later AND LGPL-3.0-or-later AND "
           "(GPL-3.0-or-later WITH GCC-exception-3.1)");
  add_pkg (inv, "g++", NULL, "1", "1", "1-1", "x86_64", "rpm",
           "Some Odd Licence");
  add_pkg (inv, "g--", NULL, "1", "1", "1-1", "x86_64", "rpm", NULL);
  add_pkg (inv, "g++", NULL, "1", "1", "1-1", "i686", "rpm", "MIT");
  check_pair ("fedora", inv, NULL, &s, &c);
  expect_purl (s, c, "bash",
               "pkg:rpm/fedora/bash@5.2.26-3.fc40?arch=x86_64"
               "&distro=fedora-40&epoch=1");
  expect_purl (s, c, "gcc-c++",
               "pkg:rpm/fedora/gcc-c%2B%2B@14.1.1-4.fc40?arch=x86_64"
               "&distro=fedora-40");
  json_array_foreach (json_object_get (s, "packages"), i, p)
  {
    const char *n = json_string_value (json_object_get (p, "name"));
    const char *l = json_string_value (json_object_get (p, "licenseDeclared"));
    if (strcmp (n, "bash") == 0)
      CHECK (strcmp (l, "GPL-3.0-or-later") == 0, "bash licence %s", l);
    if (strcmp (n, "g--") == 0)
      CHECK (strcmp (l, "NOASSERTION") == 0, "g-- licence %s", l);
    if (strcmp (n, "g++") == 0 && i == 4)
      CHECK (strcmp (l, "LicenseRef-Some-Odd-Licence") == 0, "g++ licence %s",
             l);
  }
  d = json_dumps (json_object_get (s, "hasExtractedLicensingInfos"),
                  JSON_SORT_KEYS);
  CHECK (d && strstr (d, "\"licenseId\": \"LicenseRef-Some-Odd-Licence\""),
         "hasExtractedLicensingInfos: %s", d ? d : "(none)");
  free (d);
  d = json_dumps (json_object_get (c, "components"), JSON_SORT_KEYS);
  CHECK (strstr (d, "{\"license\": {\"id\": \"GPL-3.0-or-later\"}}")
             && strstr (d, "{\"license\": {\"name\": \"Some Odd Licence\"}}")
             && strstr (d, "{\"expression\": \"GPL-3.0-or-later AND "
                           "LGPL-3.0-or-later AND GPL-3.0-or-later WITH "
                           "GCC-exception-3.1\"}"),
         "CycloneDX licences: %s", d);
  free (d);
  write_doc ("fedora.spdx.json", s);
  write_doc ("fedora.cdx.json", c);
  json_decref (s);
  json_decref (c);
  json_decref (inv);

  inv = fake_inventory ("alpine", "3.19.1", 3);
  add_pkg (inv, "musl", NULL, "1.2.4", "r2", "1.2.4-r2", "x86_64", "apk",
           "MIT");
  check_pair ("alpine", inv, img, &s, &c);
  expect_purl (
      s, c, "musl",
      "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.1");
  json_decref (s);
  json_decref (c);

  /* long names that need encoding, twice: ids and bom-refs stay unique */
  {
    json_t *big = fake_inventory ("debian", "12.5", 12);
    char *name = malloc (4001);
    if (name == NULL)
      abort ();
    memset (name, '+', 4000);
    name[4000] = '\0';
    add_pkg (big, name, NULL, "1", "1", "1:1-1", "amd64", "dpkg", NULL);
    add_pkg (big, name, NULL, "1", "1", "1:1-1", "amd64", "dpkg", NULL);
    check_pair ("long names", big, img, &s, &c);
    CHECK (strcmp (json_string_value (json_object_get (
                       json_array_get (json_object_get (c, "components"), 1),
                       "bom-ref")),
                   json_string_value (json_object_get (
                       json_array_get (json_object_get (c, "components"), 2),
                       "bom-ref")))
               != 0,
           "long names: bom-refs equal");
    json_decref (s);
    json_decref (c);
    json_decref (big);
    free (name);
  }

  /* hostile inventories: an error naming the field */
  json_object_set_new (json_array_get (json_object_get (inv, "packages"), 0),
                       "name", json_integer (42));
  s = spdx_of (inv, NULL, &err);
  CHECK (s == NULL && strstr (err.msg, "packages[0].name"), "bad name: %s",
         err.msg);
  json_decref (s);
  json_object_set_new (img, "manifest", json_string ("sha256:xyz"));
  c = cdx_of (deb, img, &err);
  CHECK (c == NULL && strstr (err.msg, "manifest"), "bad manifest: %s",
         err.msg);
  json_decref (c);
  json_object_set_new (img, "manifest", json_string (MANIFEST));
  json_object_set_new (img, "created", json_string ("yesterday"));
  c = cdx_of (deb, img, &err);
  CHECK (c == NULL && strstr (err.msg, "'yesterday' is not an RFC 3339"),
         "bad time: %s", err.msg);
  json_decref (c);
  c = json_string ("x");
  s = spdx_of (c, NULL, &err);
  json_decref (c);
  CHECK (s == NULL && strstr (err.msg, "not a JSON object"), "not object: %s",
         err.msg);

  json_decref (inv);
  json_decref (img);
  json_decref (img2);
  json_decref (demo);
  json_decref (deb);
  if (!failures)
    printf ("ok: SPDX and CycloneDX of 4 inventories\n");
  return unit_status ();
}
