/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * SPDX 2.3 and CycloneDX 1.5 documents of the image built from a VM.
 *
 * The subject is the image (when there is one) generated from the VM;
 * its content is the guest's packages, each with a package URL, which is
 * what grype, trivy and dependency-track match vulnerabilities on
 * (pkg:deb/debian/..?distro=debian-12, pkg:rpm/..., pkg:apk/alpine/...),
 * plus the operating system as one package / component, since scanners
 * pick the distribution's security feed from it.
 *
 * SPDX: the document DESCRIBES the image package (primaryPackagePurpose
 * CONTAINER, the manifest digest as its SHA256 checksum), which was
 * GENERATED_FROM the VM package (purpose DEVICE, the
 * source's format and disks in its comment) and CONTAINS the operating
 * system, each layer (a package with the layer digest as checksum: SPDX
 * 2.3 files would need SHA1 sums we don't have) and each guest package.
 * Without an image the document describes the VM.
 *
 * CycloneDX: metadata.component is the image (type "container", its
 * layers as nested components of type "file" with SHA-256 hashes, the
 * VM as properties); components[] holds the operating system (type
 * "operating-system", as trivy writes it) and the packages (type
 * "library"); dependencies say the image holds the OS which holds the
 * packages.
 *
 * The inventory may have been edited: every field is type-checked and
 * bounded, and a bad one is an error naming it.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "image.h"
#include "sbom.h"

#define MAX_PKGS 262144u
#define MAX_LAYERS 1024u
#define MAX_LEFT_OUT 4096u /* packages_left_out: a few driver packages */
#define NO_TIME "1970-01-01T00:00:00Z"

/* ------------------------------------------------------------------ */
/* Reading the inputs                                                  */

/* The string at key of o: NULL when absent or null; -1 when another
 * type or too long. */
static int
opt_str (const json_t *o, const char *key, const char **out,
         struct v2c_err *err, const char *where, size_t i)
{
  json_t *v = json_object_get (o, key);

  *out = NULL;
  if (v == NULL || json_is_null (v))
    return 0;
  if (!json_is_string (v) || json_string_length (v) > V2C_SBOM_MAX_STR
      || strlen (json_string_value (v)) != json_string_length (v)) {
    if (i == (size_t) -1)
      return v2c_set_error (err, 0, "%s.%s: expected a string or null", where,
                            key);
    return v2c_set_error (err, 0, "%s[%zu].%s: expected a string or null",
                          where, i, key);
  }
  *out = json_string_value (v);
  return 0;
}

/* RFC 3339 in UTC ("Z"); a fraction of seconds is dropped, as SPDX
 * wants "YYYY-MM-DDThh:mm:ssZ". */
static int
set_time (struct v2c_sbom_ctx *c, const char *t)
{
  static const char pat[] = "dddd-dd-ddTdd:dd:dd";
  size_t i, n = strlen (t);

  for (i = 0; i < sizeof pat - 1; i++)
    if (i >= n
        || (pat[i] == 'd' ? !(t[i] >= '0' && t[i] <= '9') : t[i] != pat[i]))
      goto bad;
  if (t[i] == '.') {
    i++;
    if (!(t[i] >= '0' && t[i] <= '9'))
      goto bad;
    while (t[i] >= '0' && t[i] <= '9')
      i++;
  }
  if (t[i] != 'Z' || t[i + 1] != '\0')
    goto bad;
  memcpy (c->created, t, sizeof pat - 1);
  strcpy (c->created + sizeof pat - 1, "Z");
  return 0;
bad:
  return v2c_set_error (
      c->err, 0, "image: created: '%.64s' is not an RFC 3339 UTC time", t);
}

static void
make_uuid (struct v2c_sbom_ctx *c, const char *seed, size_t len)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  static const char hex[] = "0123456789abcdef";
  size_t i, k = 0;

  /* name-based, as RFC 4122 version 5 but with SHA-256 */
  memset (md, 0, sizeof md);
  EVP_Digest (seed, len, md, &mdlen, EVP_sha256 (), NULL);
  md[6] = (md[6] & 0x0f) | 0x50;
  md[8] = (md[8] & 0x3f) | 0x80;
  for (i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      c->uuid[k++] = '-';
    c->uuid[k++] = hex[md[i] >> 4];
    c->uuid[k++] = hex[md[i] & 15];
  }
  c->uuid[k] = '\0';
}

json_t *
v2c_sbom_oom (json_t *doc, struct v2c_err *err, const char *what)
{
  v2c_set_error (err, ENOMEM, "can't make the %s document", what);
  json_decref (doc);
  return NULL;
}

void
v2c_sbom_ctx_free (struct v2c_sbom_ctx *c)
{
  free (c->pkgs);
  free (c->layers);
}

static int
read_image (struct v2c_sbom_ctx *c, const json_t *image)
{
  const char *created;
  json_t *layers;
  size_t i;

  if (!json_is_object (image))
    return v2c_set_error (c->err, 0, "image: expected an object");
  if (opt_str (image, "manifest", &c->manifest, c->err, "image", -1) == -1
      || opt_str (image, "ref", &c->ref, c->err, "image", -1) == -1
      || opt_str (image, "created", &created, c->err, "image", -1) == -1)
    return -1;
  if (!v2c_oci_digest_valid (c->manifest))
    return v2c_set_error (c->err, 0,
                          "image: manifest: expected a 'sha256:' digest");
  if (created && set_time (c, created) == -1)
    return -1;
  layers = json_object_get (image, "layers");
  if (layers == NULL || json_is_null (layers))
    return 0;
  if (!json_is_array (layers) || json_array_size (layers) > MAX_LAYERS)
    return v2c_set_error (c->err, 0,
                          "image: layers: expected an array of at most %u",
                          MAX_LAYERS);
  c->layers = calloc (json_array_size (layers) + 1, sizeof *c->layers);
  if (c->layers == NULL)
    return v2c_set_error (c->err, errno, "out of memory");
  for (i = 0; i < json_array_size (layers); i++) {
    json_t *l = json_array_get (layers, i), *sz;
    struct v2c_sbom_layer *y = &c->layers[i];

    if (!json_is_object (l))
      return v2c_set_error (c->err, 0,
                            "image: layers[%zu]: expected an object", i);
    if (opt_str (l, "name", &y->name, c->err, "image: layers", i) == -1
        || opt_str (l, "digest", &y->digest, c->err, "image: layers", i) == -1
        || opt_str (l, "diff_id", &y->diff_id, c->err, "image: layers", i)
               == -1)
      return -1;
    if (!v2c_oci_digest_valid (y->digest)
        || (y->diff_id && !v2c_oci_digest_valid (y->diff_id)))
      return v2c_set_error (
          c->err, 0, "image: layers[%zu]: expected 'sha256:' digests", i);
    sz = json_object_get (l, "size");
    y->size = json_is_integer (sz) ? json_integer_value (sz) : -1;
    if (y->size < -1)
      return v2c_set_error (c->err, 0, "image: layers[%zu].size: negative", i);
  }
  c->nlayers = i;
  return 0;
}

/* A string of the inventory the SBOM carries: at most V2C_SBOM_MAX_STR
 * bytes. */
static int
str_ok (const char *s, struct v2c_err *err, const char *where, size_t i,
        const char *key)
{
  if (s == NULL || strlen (s) <= V2C_SBOM_MAX_STR)
    return 0;
  if (i == (size_t) -1)
    return v2c_set_error (err, 0, "%s.%s: expected a string or null", where,
                          key);
  return v2c_set_error (err, 0, "%s[%zu].%s: expected a string or null", where,
                        i, key);
}

static int
read_packages (struct v2c_sbom_ctx *c, const struct v2c_inventory *inv)
{
  const char *w = "inventory: packages";
  size_t i;

  if (inv->packages.n > MAX_PKGS)
    return v2c_set_error (
        c->err, 0, "inventory: packages: expected an array of at most %u",
        MAX_PKGS);
  c->pkgs = calloc (inv->packages.n + 1, sizeof *c->pkgs);
  if (c->pkgs == NULL)
    return v2c_set_error (c->err, errno, "out of memory");
  for (i = 0; i < inv->packages.n; i++) {
    const struct v2c_inv_package *k = &inv->packages.v[i];
    struct v2c_sbom_pkg *p = &c->pkgs[i];

    *p = (struct v2c_sbom_pkg){ k->name, k->epoch, k->version, k->release,
                                k->evr,  k->arch,  k->manager, k->license };
    if (str_ok (p->name, c->err, w, i, "name") == -1
        || str_ok (p->epoch, c->err, w, i, "epoch") == -1
        || str_ok (p->version, c->err, w, i, "version") == -1
        || str_ok (p->release, c->err, w, i, "release") == -1
        || str_ok (p->evr, c->err, w, i, "evr") == -1
        || str_ok (p->arch, c->err, w, i, "arch") == -1
        || str_ok (p->license, c->err, w, i, "license") == -1)
      return -1;
  }
  c->npkgs = i;
  return 0;
}

/* The packages the image left out (image.packages_left_out: the GPU
 * driver's, whose files and database entries it does not hold) are not
 * its content. */
static int
drop_left_out (struct v2c_sbom_ctx *c, const json_t *image)
{
  const json_t *lo = json_object_get (image, "packages_left_out"), *v;
  size_t i, j, n = 0;

  if (lo == NULL || json_is_null (lo))
    return 0;
  if (!json_is_array (lo) || json_array_size (lo) > MAX_LEFT_OUT)
    return v2c_set_error (c->err, 0, "image: packages_left_out: expected an "
                          "array of at most %u names", MAX_LEFT_OUT);
  json_array_foreach (lo, i, v)
    if (!json_is_string (v))
      return v2c_set_error (c->err, 0, "image: packages_left_out[%zu]: "
                            "expected a string", i);
  for (i = 0; i < c->npkgs; i++) {
    int out = 0;

    json_array_foreach (lo, j, v)
      out |= strcmp (json_string_value (v), c->pkgs[i].name) == 0;
    if (!out)
      c->pkgs[n++] = c->pkgs[i];
  }
  c->npkgs = n;
  return 0;
}

int
v2c_sbom_ctx_init (struct v2c_sbom_ctx *c, const struct v2c_inventory *inv,
                   const json_t *image, struct v2c_err *err)
{
  const struct v2c_inv_os *os;
  const char *w = "inventory: os";

  memset (c, 0, sizeof *c);
  c->err = err;
  strcpy (c->created, NO_TIME);
  c->inv = inv;
  c->vm_name = c->inv->name;
  if (str_ok (c->vm_name, err, "inventory", -1, "name") == -1)
    return -1;
  os = c->inv->os;
  c->major = -1;
  if (os) {
    c->distro = os->distro;
    c->os_version = os->version;
    c->os_arch = os->arch;
    c->major = os->major;
    if (str_ok (c->distro, err, w, -1, "distro") == -1
        || str_ok (c->os_version, err, w, -1, "version") == -1
        || str_ok (c->os_arch, err, w, -1, "arch") == -1)
      return -1;
  }
  c->format = c->inv->source.format;
  if (read_packages (c, c->inv) == -1)
    return -1;
  if (image && !json_is_null (image)) {
    if (read_image (c, image) == -1 || drop_left_out (c, image) == -1)
      return -1;
    make_uuid (c, c->manifest, strlen (c->manifest));
  } else {
    /* no image: a name-based UUID of the inventory itself (its
     * document, written back as it was loaded) */
    json_t *doc = v2c_inventory_to_json (inv);
    char *s = doc ? json_dumps (doc, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

    json_decref (doc);
    if (s == NULL)
      return v2c_set_error (err, ENOMEM, "can't serialise the inventory");
    make_uuid (c, s, strlen (s));
    free (s);
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Package URLs                                                        */

/* Percent-encode all but the purl spec's unreserved characters (the
 * spec's examples encode ':' in versions, "1%3A2.3-4", and '+'). */
void
v2c_sbom_pct (char *out, size_t *k, size_t size, const char *s)
{
  static const char hex[] = "0123456789ABCDEF";

  for (; *s; s++) {
    unsigned char ch = (unsigned char) *s;
    if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')
        || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_'
        || ch == '~') {
      if (*k + 1 < size)
        out[(*k)++] = ch;
    } else if (*k + 3 < size) {
      out[(*k)++] = '%';
      out[(*k)++] = hex[ch >> 4];
      out[(*k)++] = hex[ch & 15];
    }
  }
  out[*k] = '\0';
}

void
v2c_sbom_lit (char *out, size_t *k, size_t size, const char *s)
{
  for (; *s && *k + 1 < size; s++)
    out[(*k)++] = *s;
  out[*k] = '\0';
}

/* The purl of a package, or NULL when its manager has no purl type.
 * Qualifiers are in the spec's canonical (sorted) order. */
char *
v2c_sbom_purl (const struct v2c_sbom_ctx *c, const struct v2c_sbom_pkg *p)
{
  char out[4 * 3 * V2C_SBOM_MAX_STR], ns[256], distro[512];
  const char *type, *version;
  char vr[2 * V2C_SBOM_MAX_STR + 2];
  size_t k = 0, i;

  if (p->manager == NULL)
    return NULL;
  if (strcmp (p->manager, "dpkg") == 0)
    type = "deb";
  else if (strcmp (p->manager, "rpm") == 0)
    type = "rpm";
  else if (strcmp (p->manager, "apk") == 0)
    type = "apk";
  else
    return NULL;
  /* namespace: the distribution, lower case */
  snprintf (ns, sizeof ns, "%s",
            c->distro && c->distro[0]   ? c->distro
            : strcmp (type, "deb") == 0 ? "debian"
            : strcmp (type, "apk") == 0 ? "alpine"
                                        : "unknown");
  for (i = 0; ns[i]; i++)
    if (ns[i] >= 'A' && ns[i] <= 'Z')
      ns[i] += 'a' - 'A';
  distro[0] = '\0';
  if (strcmp (ns, "debian") == 0 && c->major >= 0)
    snprintf (distro, sizeof distro, "%s-%lld", ns, (long long) c->major);
  else if (c->os_version && c->os_version[0])
    snprintf (distro, sizeof distro, "%s-%s", ns, c->os_version);
  /* version: dpkg's and apk's full version (epoch included for dpkg);
   * rpm's version-release, with the epoch as a qualifier */
  if (strcmp (type, "rpm") == 0) {
    if (p->version && p->release)
      snprintf (vr, sizeof vr, "%s-%s", p->version, p->release);
    else
      snprintf (vr, sizeof vr, "%s", p->version ? p->version : "");
    version = vr;
  } else
    version = p->evr ? p->evr : p->version;
  v2c_sbom_lit (out, &k, sizeof out, "pkg:");
  v2c_sbom_lit (out, &k, sizeof out, type);
  v2c_sbom_lit (out, &k, sizeof out, "/");
  v2c_sbom_pct (out, &k, sizeof out, ns);
  v2c_sbom_lit (out, &k, sizeof out, "/");
  v2c_sbom_pct (out, &k, sizeof out, p->name);
  if (version && version[0]) {
    v2c_sbom_lit (out, &k, sizeof out, "@");
    v2c_sbom_pct (out, &k, sizeof out, version);
  }
  i = 0;
  if (p->arch && p->arch[0]) {
    v2c_sbom_lit (out, &k, sizeof out, i++ ? "&arch=" : "?arch=");
    v2c_sbom_pct (out, &k, sizeof out, p->arch);
  }
  if (distro[0]) {
    v2c_sbom_lit (out, &k, sizeof out, i++ ? "&distro=" : "?distro=");
    v2c_sbom_pct (out, &k, sizeof out, distro);
  }
  if (strcmp (type, "rpm") == 0 && p->epoch && p->epoch[0]
      && strcmp (p->epoch, "0") != 0) {
    v2c_sbom_lit (out, &k, sizeof out, i++ ? "&epoch=" : "?epoch=");
    v2c_sbom_pct (out, &k, sizeof out, p->epoch);
  }
  return strdup (out);
}

/* ------------------------------------------------------------------ */
/* Shared pieces                                                       */

/* A line saying where the subject came from. */
json_t *
v2c_sbom_vm_comment (const struct v2c_sbom_ctx *c)
{
  char buf[3 * V2C_SBOM_MAX_STR];

  snprintf (buf, sizeof buf, "virtual machine '%s'%s%s%s", c->vm_name,
            c->format ? " (from " : "", c->format ? c->format : "",
            c->format ? ")" : "");
  return json_string (buf);
}

/* pkg:oci/NAME@sha256%3A..?repository_url=..&tag=..: the purl spec's
 * oci type, NAME being the last component of the repository, lower
 * case. */
char *
v2c_sbom_oci_purl (const struct v2c_sbom_ctx *c)
{
  char out[3 * V2C_SBOM_MAX_STR + 256], repo[V2C_SBOM_MAX_STR + 1], *slash,
      *colon, *name;
  size_t k = 0, i;

  snprintf (repo, sizeof repo, "%s",
            c->ref && c->ref[0] ? c->ref : c->vm_name);
  slash = strrchr (repo, '/');
  colon = strrchr (slash ? slash : repo, ':');
  if (colon)
    *colon++ = '\0';
  name = slash ? slash + 1 : repo;
  for (i = 0; repo[i]; i++)
    if (repo[i] >= 'A' && repo[i] <= 'Z')
      repo[i] += 'a' - 'A';
  v2c_sbom_lit (out, &k, sizeof out, "pkg:oci/");
  v2c_sbom_pct (out, &k, sizeof out, name[0] ? name : "image");
  v2c_sbom_lit (out, &k, sizeof out, "@");
  v2c_sbom_pct (out, &k, sizeof out, c->manifest);
  i = 0;
  if (slash) {
    v2c_sbom_lit (out, &k, sizeof out, "?repository_url=");
    v2c_sbom_pct (out, &k, sizeof out, repo);
    i++;
  }
  if (colon && colon[0]) {
    v2c_sbom_lit (out, &k, sizeof out, i ? "&tag=" : "?tag=");
    v2c_sbom_pct (out, &k, sizeof out, colon);
  }
  return strdup (out);
}
