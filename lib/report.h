/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The refactor report ("v2c.report/1", lib/report*.c): how fit a VM is
 * for containers (fitness rules kept as data in lib/report-rules.c),
 * what becomes of each component, the data to migrate, the secrets to
 * re-create, and the image's layers; rendered as JSON, Markdown
 * (lib/report-md.c) and one self-contained HTML page
 * (lib/report-html.c).  Not installed.
 *
 * The inventory and the plan come from files people edit: both are
 * hostile.  Every field is type-checked as it is read, every list is
 * bounded, and strings from the guest are escaped by the renderers.
 * Output depends only on the input (same input, same bytes).
 */
#ifndef V2C_REPORT_H
#define V2C_REPORT_H

#include <jansson.h>

#include "model.h"
#include "v2c-internal.h"

/* The report of a loaded inventory (v2c_inventory_load) and its loaded
 * plan (v2c_plan_load, not NULL).  image: NULL, or {"manifest": "sha256:..", "created":
 * "RFC3339", "ref": name, "layers": [{"name", "digest", "diff_id",
 * "size", ...}]} (the shape of v2c_extract_summary).  New reference,
 * caller must json_decref; NULL with err set. */
json_t *v2c_report_build (const struct v2c_inventory *inventory,
                          const struct v2c_plan *plan, const json_t *image,
                          struct v2c_err *err);

/* The report as Markdown / as one HTML page (inline CSS and SVG, no
 * script, nothing fetched).  malloc'd, NUL-terminated; caller frees.
 * NULL with err set. */
char *v2c_report_markdown (const json_t *report, struct v2c_err *err);
char *v2c_report_html (const json_t *report, struct v2c_err *err);

/* report.json, report.md and report.html written into the existing
 * directory dir, each atomically (temporary name, fsync, rename).
 * 0, or -1 with err set. */
int v2c_report_write (const json_t *report, const char *dir,
                      struct v2c_err *err);

/* The image object (above) of an OCI image layout written by
 * v2c-extract: manifest digest (checked), created, ref, and its layers
 * named after plan.image.layers (layer i of the manifest is layer i of
 * the plan).  New reference; NULL with err set. */
json_t *v2c_report_image_from_layout (const char *dir,
                                      const struct v2c_plan *plan,
                                      struct v2c_err *err);

#endif /* V2C_REPORT_H */
