/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The report's files (report.json, report.md, report.html, each
 * written under a temporary name and renamed), and the image object of
 * an OCI image layout written by v2c-extract.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "model.h"
#include "report-private.h"

static int
write_atomic (const char *dir, const char *name, const char *buf,
              struct v2c_err *err)
{
  char path[4096];

  if ((size_t) snprintf (path, sizeof path, "%s/%s", dir, name) >= sizeof path)
    return v2c_set_error (err, ENAMETOOLONG, "can't write '%s/%s'", dir, name);
  if (v2c_write_file_atomic (path, buf, strlen (buf)) == -1)
    return v2c_set_error (err, errno, "can't write '%s'", path);
  return 0;
}

int
v2c_report_write (const json_t *report, const char *dir, struct v2c_err *err)
{
  char path[4096];
  char *text;
  int rc;

  if ((size_t) snprintf (path, sizeof path, "%s/report.json", dir)
      >= sizeof path)
    return v2c_set_error (err, ENAMETOOLONG, "can't write '%s/report.json'",
                          dir);
  if (v2c_json_write_file (report, path) == -1)
    return v2c_set_error (err, errno, "can't write '%s'", path);
  text = v2c_report_markdown (report, err);
  if (text == NULL)
    return -1;
  rc = write_atomic (dir, "report.md", text, err);
  free (text);
  if (rc == -1)
    return -1;
  text = v2c_report_html (report, err);
  if (text == NULL)
    return -1;
  rc = write_atomic (dir, "report.html", text, err);
  free (text);
  return rc;
}

/* ------------------------------------------------------------------ */

json_t *
v2c_report_image_from_layout (const char *dir, const struct v2c_plan *p,
                              struct v2c_err *err)
{
  char digest[80];
  json_t *index = NULL, *manifest = NULL, *config = NULL, *out = NULL;
  const json_t *ml, *diffs, *l, *ann;
  size_t i;

  manifest = v2c_oci_read_manifest (dir, digest, sizeof digest, &index, err);
  if (manifest == NULL)
    goto out;
  config = v2c_oci_read_json_blob (
      dir, v2c_report_jstr (json_object_get (manifest, "config"), "digest"),
      err);
  if (config == NULL)
    goto out;
  ml = json_object_get (manifest, "layers");
  diffs = json_object_get (json_object_get (config, "rootfs"), "diff_ids");
  if (!json_is_array (ml) || json_array_size (ml) > V2C_REPORT_MAX_ITEMS) {
    v2c_set_error (err, 0, "'%s': the manifest has no list of layers", dir);
    goto out;
  }
  if (json_array_size (ml) != p->image.layers.n) {
    v2c_set_error (err, 0,
                   "'%s': the image has %zu layers and the plan %zu: is it "
                   "the image of this plan?",
                   dir, json_array_size (ml), p->image.layers.n);
    goto out;
  }
  ann = json_object_get (
      json_array_get (json_object_get (index, "manifests"), 0), "annotations");
  out = json_pack ("{s:s, s:o, s:o, s:[]}", "manifest", digest, "created",
                   v2c_report_string (v2c_report_jstr (config, "created")),
                   "ref",
                   v2c_report_string (v2c_report_jstr (
                       ann, "org.opencontainers.image.ref.name")),
                   "layers");
  if (out == NULL)
    goto oom;
  json_array_foreach (ml, i, l)
  {
    long long size = v2c_report_nonneg (l, "size");
    json_t *o;

    if (v2c_report_jstr (l, "digest") == NULL || size < 0) {
      v2c_set_error (err, 0, "'%s': manifest layers[%zu]: no digest or size",
                     dir, i);
      json_decref (out);
      out = NULL;
      goto out;
    }
    o = json_pack (
        "{s:o, s:o, s:o, s:I}", "name",
        v2c_report_string (p->image.layers.v[i].name), "digest",
        v2c_report_string (v2c_report_jstr (l, "digest")), "diff_id",
        v2c_report_string (json_string_value (json_array_get (diffs, i))),
        "size", (json_int_t) size);
    if (json_array_append_new (json_object_get (out, "layers"), o) == -1)
      goto oom;
  }
  goto out;
oom:
  json_decref (out);
  out = NULL;
  v2c_set_error (err, ENOMEM, "can't read the image '%s'", dir);
out:
  json_decref (index);
  json_decref (manifest);
  json_decref (config);
  return out;
}
