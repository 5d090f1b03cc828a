/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Reading an OCI image layout (see image.h), the other half of
 * lib/oci.c which writes it: index.json, the manifest it lists
 * (checked against its digest), and blobs by digest.  v2c-manifest
 * (lib/kube-image.c) and v2c-report (lib/report-io.c) read the image
 * through these.  The layout may come from anywhere, so index.json
 * and the manifest are checked as hostile input and a digest is only
 * used as a file name once it is "sha256:" and 64 hex digits.
 */
#include <config.h>

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "image.h"

/* index.json and manifests are small. */
#define MAX_JSON_BYTES (4u << 20)

int
v2c_oci_digest_valid (const char *d)
{
  size_t i;

  if (d == NULL || strncmp (d, "sha256:", 7) != 0 || strlen (d) != 7 + 64)
    return 0;
  for (i = 7; i < 7 + 64; i++)
    if (!((d[i] >= '0' && d[i] <= '9') || (d[i] >= 'a' && d[i] <= 'f')))
      return 0;
  return 1;
}

int
v2c_oci_blob_path (char *buf, size_t size, const char *dir, const char *digest,
                   struct v2c_err *err)
{
  if ((size_t) snprintf (buf, size, "%s/blobs/sha256/%s", dir, digest + 7)
      >= size)
    return v2c_set_error (err, ENAMETOOLONG, "can't open the image '%s'", dir);
  return 0;
}

static json_t *
load_json (const char *path, const char *dir, struct v2c_err *err)
{
  json_error_t jerr;
  size_t len;
  char *buf = v2c_read_file (path, MAX_JSON_BYTES, &len, err);
  json_t *j;

  if (buf == NULL)
    return NULL;
  j = json_loadb (buf, len, JSON_REJECT_DUPLICATES, &jerr);
  free (buf);
  if (j == NULL)
    v2c_set_error (err, 0, "image '%s': can't read '%s': line %d: %s", dir,
                   path, jerr.line, jerr.text);
  return j;
}

json_t *
v2c_oci_read_manifest (const char *dir, char *digest, size_t size,
                       json_t **indexp, struct v2c_err *err)
{
  char path[4096];
  json_t *index, *m, *manifest = NULL;
  const char *d, *mt;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  char hex[2 * EVP_MAX_MD_SIZE + 1];
  char *buf;
  size_t len, i;
  json_error_t jerr;

  if ((size_t) snprintf (path, sizeof path, "%s/index.json", dir)
      >= sizeof path) {
    v2c_set_error (err, ENAMETOOLONG, "can't open the image '%s'", dir);
    return NULL;
  }
  index = load_json (path, dir, err);
  if (index == NULL)
    return NULL;
  m = json_array_get (json_object_get (index, "manifests"), 0);
  d = json_string_value (json_object_get (m, "digest"));
  mt = json_string_value (json_object_get (m, "mediaType"));
  if (!v2c_oci_digest_valid (d)) {
    v2c_set_error (err, 0,
                   "image '%s': index.json: manifests[0].digest is not a "
                   "sha256 digest",
                   dir);
    goto out;
  }
  if (mt && strcmp (mt, "application/vnd.oci.image.manifest.v1+json") != 0
      && strcmp (mt, "application/vnd.docker.distribution.manifest.v2+json")
             != 0) {
    v2c_set_error (err, 0,
                   "image '%s': index.json: manifests[0] is a '%s', not an "
                   "image manifest",
                   dir, mt);
    goto out;
  }
  if (size < strlen (d) + 1) {
    v2c_set_error (err, ENAMETOOLONG, "image '%s'", dir);
    goto out;
  }
  if (v2c_oci_blob_path (path, sizeof path, dir, d, err) == -1)
    goto out;
  buf = v2c_read_file (path, MAX_JSON_BYTES, &len, err);
  if (buf == NULL)
    goto out;
  if (EVP_Digest (buf, len, md, &mdlen, EVP_sha256 (), NULL) != 1) {
    free (buf);
    v2c_set_error (err, 0, "image '%s': can't compute SHA-256", dir);
    goto out;
  }
  for (i = 0; i < mdlen; i++)
    snprintf (hex + 2 * i, 3, "%02x", md[i]);
  if (strcmp (hex, d + 7) != 0) {
    free (buf);
    v2c_set_error (err, 0,
                   "image '%s': the manifest blob does not match its digest "
                   "'%s'",
                   dir, d);
    goto out;
  }
  manifest = json_loadb (buf, len, JSON_REJECT_DUPLICATES, &jerr);
  free (buf);
  if (manifest == NULL
      || !json_is_array (json_object_get (manifest, "layers"))) {
    v2c_set_error (
        err, 0, "image '%s': manifest '%s' is not an image manifest", dir, d);
    json_decref (manifest);
    manifest = NULL;
    goto out;
  }
  snprintf (digest, size, "%s", d);
out:
  if (manifest && indexp)
    *indexp = index;
  else
    json_decref (index);
  return manifest;
}

json_t *
v2c_oci_read_json_blob (const char *dir, const char *digest,
                        struct v2c_err *err)
{
  char path[4200];
  json_error_t jerr;
  json_t *j;
  char *buf;
  size_t len, i;

  if (digest == NULL || strncmp (digest, "sha256:", 7) != 0
      || strlen (digest) != 71) {
    v2c_set_error (err, 0, "'%s': a digest is not 'sha256:<64 hex>'", dir);
    return NULL;
  }
  for (i = 7; i < 71; i++)
    if (v2c_hex_value (digest[i]) < 0) {
      v2c_set_error (err, 0, "'%s': digest '%s' is not hex", dir, digest);
      return NULL;
    }
  snprintf (path, sizeof path, "%s/blobs/sha256/%s", dir, digest + 7);
  buf = v2c_read_file (path, MAX_JSON_BYTES, &len, err);
  if (buf == NULL)
    return NULL;
  j = json_loadb (buf, len, JSON_REJECT_DUPLICATES, &jerr);
  free (buf);
  if (j == NULL)
    v2c_set_error (err, 0, "can't read '%s': %s", path, jerr.text);
  return j;
}
