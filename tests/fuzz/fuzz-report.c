/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for the report: the bytes as JSON, when they load
 * (lib/model.h), go to v2c_report_build as the inventory (with a fixed
 * good plan, and with the plan built from them), as the plan (with a
 * fixed good inventory), and as the image object; every report built
 * is rendered as Markdown and HTML, which must not fail.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "plan.h"
#include "report.h"

static const char good_inventory[]
    = "{\"schema\": \"v2c.inventory/1\", \"name\": \"vm<1>\","
      " \"os\": {\"type\": \"linux\", \"distro\": \"debian\", \"version\":"
      " \"12\", \"arch\": \"x86_64\", \"hostname\": \"h\"},"
      " \"hardware\": {\"cpus\": 2, \"memory_mib\": 1024, \"disks\":"
      " [{\"capacity_bytes\": 1073741824}]},"
      " \"filesystems\": [{\"used_bytes\": 5000}],"
      " \"data_dirs\": [{\"path\": \"/var/lib/pg\", \"service\": \"pg\","
      " \"used_bytes\": 70000000000}],"
      " \"secrets\": [{\"path\": \"/etc/a|b\", \"kind\": \"password\","
      " \"line\": 1, \"evidence\": \"pw=<redacted>\"}],"
      " \"blockers\": [{\"rule\": \"kernel-module-dkms\", \"severity\":"
      " \"high\", \"evidence\": [\"/var/lib/dkms/x\"]}, {\"rule\": \"odd\","
      " \"severity\": \"low\", \"evidence\": [\"e\"]}]}";

static const char good_plan[]
    = "{\"schema\": \"v2c.plan/1\", \"name\": \"vm\", \"image\":"
      " {\"layers\": [{\"name\": \"os\"}, {\"name\": \"app\"}]},"
      " \"components\": [{\"name\": \"web\", \"converter\": \"nginx\","
      " \"kind\": \"Deployment\", \"run_as_root\": true, \"ports\":"
      " [{\"port\": 80, \"protocol\": \"tcp\"}], \"depends_on\": [\"db\"],"
      " \"replace_with\": {\"image\": \"nginx\", \"advice\": \"use it\"}},"
      " {\"name\": \"db\", \"converter\": \"postgresql\", \"kind\":"
      " \"StatefulSet\", \"volumes\": [{\"name\": \"data\", \"kind\":"
      " \"pvc\", \"mount_path\": \"/var/lib/pg\", \"size\": \"1Gi\"}],"
      " \"depends_on\": [\"web\"]}],"
      " \"dropped\": [{\"name\": \"ssh\", \"reason\": \"login\"}],"
      " \"notes\": [\"n\"]}";

static void
render (json_t *report)
{
  struct v2c_err err = { 0, "" };
  char *s;

  if (report == NULL)
    return;
  s = v2c_report_markdown (report, &err);
  if (s == NULL)
    abort ();
  free (s);
  s = v2c_report_html (report, &err);
  if (s == NULL)
    abort ();
  free (s);
  json_decref (report);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2c_err err = { 0, "" };
  json_t *doc, *inv, *plan;
  struct v2c_inventory *di = NULL, *gi;
  struct v2c_plan *dp = NULL, *gp, *bp = NULL;
  const char *schema;

  doc = json_loadb ((const char *) data, size, 0, NULL);
  if (doc == NULL)
    return 0;
  inv = json_loads (good_inventory, 0, NULL);
  plan = json_loads (good_plan, 0, NULL);
  if (inv == NULL || plan == NULL)
    abort ();
  /* the stages take what loads (lib/model.h) */
  gi = v2c_inventory_load (inv, &err);
  gp = v2c_plan_load (plan, &err);
  di = v2c_inventory_load (doc, &err);
  dp = v2c_plan_load (doc, &err);
  if (di && gp)
    render (v2c_report_build (di, gp, NULL, &err));
  schema = json_string_value (json_object_get (doc, "schema"));
  if (di && schema && strcmp (schema, "v2c.inventory/1") == 0
      && (bp = v2c_plan_build (di, NULL, &err)) != NULL)
    render (v2c_report_build (di, bp, NULL, &err));
  if (gi && dp)
    render (v2c_report_build (gi, dp, NULL, &err));
  if (gi && gp)
    render (v2c_report_build (gi, gp, doc, &err));
  /* the renderers take any JSON object too */
  if (json_is_object (doc))
    render (json_incref (doc));
  v2c_inventory_free (gi);
  v2c_inventory_free (di);
  v2c_plan_free (gp);
  v2c_plan_free (dp);
  v2c_plan_free (bp);
  json_decref (inv);
  json_decref (plan);
  json_decref (doc);
  return 0;
}
