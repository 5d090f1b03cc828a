/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * systemd credentials (LoadCredential=, LoadCredentialEncrypted=) of a
 * guest tree built here, through inspection, plan, manifest and
 * report: the inventory records each id and file (never a content),
 * the file is a secret left out of the image, the component gets it
 * from a Secret at /run/credentials/UNIT/ID (mode 0400) with
 * CREDENTIALS_DIRECTORY set, and no content appears in any output.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inspect-private.h"
#include "kube.h"
#include "plan.h"
#include "report.h"
#include "v2c-yaml.h"
#include "unit.h"

static char root[] = "/tmp/v2c-test-credentials.XXXXXX";

/* The contents of the credential files: none may leave the guest. */
static const char *const values[] = {
  "Vq9-cred-DBPW-4471", "Zr8-cred-APIKEY-9902", "Kx2-cred-ENC-5530",
  "Wm3-cred-DIR-1208", "Gn5-cred-GONE-7781",
};

#define DIR_CRED "/run/credentials/shop.service"

static void
put_mode (const char *rel, const char *content, mode_t mode)
{
  char p[4096];

  unit_put (root, rel, content);
  snprintf (p, sizeof p, "%s/%s", root, rel);
  chmod (p, mode);
}

static void
build_tree (void)
{
  unit_put (root, "etc/passwd",
            "root:x:0:0:root:/root:/bin/bash\n"
            "shop:x:1001:1001::/home/shop:/usr/sbin/nologin\n");
  unit_put (root, "etc/group", "root:x:0:\nshop:x:1001:\n");
  unit_put (root, "var/lib/dpkg/status", "");
  /* an empty assignment forgets 'gone' */
  unit_put (root, "etc/systemd/system/shop.service",
            "[Unit]\nDescription=shop\n[Service]\nUser=shop\n"
            "ExecStart=/usr/bin/shop-server --port 8080\n"
            "LoadCredential=gone:/etc/shop/gone\nLoadCredential=\n"
            "LoadCredential=dbpw:/etc/shop/db-password\n"
            "[Install]\nWantedBy=multi-user.target\n");
  unit_put (root, "usr/lib/systemd/system/multi-user.target",
            "[Unit]\nDescription=Multi-User System\n");
  unit_symlink (root, "/etc/systemd/system/shop.service",
                "etc/systemd/system/multi-user.target.wants/shop.service");
  unit_put (root, "etc/systemd/system/shop.service.d/20-cred.conf",
            "[Service]\nLoadCredential=apikey:/opt/shop/settings.dat\n"
            "LoadCredentialEncrypted=tls:/etc/shop/tls.cred\n"
            "LoadCredential=store\n"
            "LoadCredential=confs:/etc/shop/creds.d\n");
  put_mode ("etc/shop/db-password", "Vq9-cred-DBPW-4471\n", 0600);
  put_mode ("opt/shop/settings.dat", "Zr8-cred-APIKEY-9902\n", 0640);
  put_mode ("etc/shop/tls.cred", "Kx2-cred-ENC-5530\n", 0600);
  put_mode ("etc/shop/creds.d/one", "Wm3-cred-DIR-1208\n", 0600);
  put_mode ("etc/shop/gone", "Gn5-cred-GONE-7781\n", 0600);
}

/* The inventory of the tree: the demo's head (source, hardware, os)
 * with what v2c_inspect_fs found in it. */
static json_t *
inventory (void)
{
  struct v2c_err err = { 0, "" };
  json_t *inv = unit_load_json ("tests/data/plan/demo-inventory.json");
  json_t *found = json_object ();
  struct v2c_fs *fs = v2c_fs_open_dir (root, &err);
  const char *key;
  json_t *v;

  if (fs == NULL || v2c_inspect_fs (fs, "deb", found, &err) == -1)
    unit_die ("inventory: %s", err.msg);
  json_object_foreach (found, key, v)
    json_object_set (inv, key, v);
  json_decref (found);
  v2c_fs_free (fs);
  return inv;
}

static void
no_value (const char *what, const char *text)
{
  size_t i;

  for (i = 0; i < sizeof values / sizeof values[0]; i++)
    CHECK (text == NULL || strstr (text, values[i]) == NULL,
           "%s holds the credential content '%s'", what, values[i]);
}

static void
no_value_json (const char *what, const json_t *j)
{
  char *s = json_dumps (j, JSON_COMPACT);

  CHECK (s != NULL, "%s: can't dump", what);
  no_value (what, s);
  free (s);
}

static void
check_inventory (json_t *inv)
{
  json_t *svc = unit_json_find (json_object_get (inv, "services"), "name",
                                "shop.service");
  json_t *want = json_loads (
      "[{\"id\": \"dbpw\", \"path\": \"/etc/shop/db-password\","
      " \"encrypted\": false, \"directory\": false},"
      " {\"id\": \"apikey\", \"path\": \"/opt/shop/settings.dat\","
      " \"encrypted\": false, \"directory\": false},"
      " {\"id\": \"tls\", \"path\": \"/etc/shop/tls.cred\","
      " \"encrypted\": true, \"directory\": false},"
      " {\"id\": \"store\", \"path\": null,"
      " \"encrypted\": false, \"directory\": false},"
      " {\"id\": \"confs\", \"path\": \"/etc/shop/creds.d\","
      " \"encrypted\": false, \"directory\": true}]",
      0, NULL);
  json_t *got = json_object_get (svc, "credentials");
  static const char *const files[]
      = { "/etc/shop/db-password", "/opt/shop/settings.dat",
          "/etc/shop/tls.cred", "/etc/shop/creds.d/one" };
  struct v2c_err err = { 0, "" };
  struct v2c_inventory *model;
  json_t *back;
  size_t i;

  CHECK (svc != NULL, "no shop.service in the inventory");
  CHECK (got != NULL && json_equal (got, want),
         "shop.service credentials: %s", got ? json_dumps (got, 0) : "none");
  json_decref (want);
  /* a unit without credentials has no such member */
  json_array_foreach (json_object_get (inv, "services"), i, svc)
  {
    const char *n = json_string_value (json_object_get (svc, "name"));
    CHECK (strcmp (n, "shop.service") == 0
               || json_object_get (svc, "credentials") == NULL,
           "%s has a credentials member", n);
  }
  for (i = 0; i < sizeof files / sizeof files[0]; i++) {
    json_t *s = unit_json_find (json_object_get (inv, "secrets"), "path",
                                files[i]);
    CHECK (s != NULL, "'%s' is not in secrets[]", files[i]);
  }
  CHECK (unit_json_find (json_object_get (inv, "secrets"), "path",
                         "/etc/shop/gone")
             == NULL,
         "the reset credential's file is a secret");
  CHECK (unit_streq (json_string_value (json_object_get (
                         unit_json_find (json_object_get (inv, "secrets"),
                                         "path", "/opt/shop/settings.dat"),
                         "kind")),
                     "credential-file"),
         "/opt/shop/settings.dat is not a credential-file");
  /* the typed model reads and writes it back the same */
  model = v2c_inventory_load (inv, &err);
  CHECK (model != NULL, "inventory load: %s", err.msg);
  back = model ? v2c_inventory_to_json (model) : NULL;
  CHECK (back && json_equal (
                     json_object_get (unit_json_find (
                                          json_object_get (back, "services"),
                                          "name", "shop.service"),
                                      "credentials"),
                     json_object_get (unit_json_find (
                                          json_object_get (inv, "services"),
                                          "name", "shop.service"),
                                      "credentials")),
         "credentials do not round-trip through the model");
  json_decref (back);
  v2c_inventory_free (model);
  no_value_json ("inventory", inv);
}

static json_t *
find_by (json_t *list, const char *key, const char *value)
{
  return unit_json_find (list, key, value);
}

static json_t *
shop_component (json_t *plan)
{
  return find_by (json_object_get (plan, "components"), "service",
                  "shop.service");
}

static void
check_plan (json_t *plan)
{
  json_t *k = shop_component (plan), *v;
  json_t *sf = json_object_get (json_object_get (plan, "image"),
                                "secret_files");
  size_t i;
  int n = 0;

  CHECK (k != NULL, "no component of shop.service");
  if (k == NULL)
    return;
  v = find_by (json_object_get (k, "volumes"), "mount_path",
               DIR_CRED "/dbpw");
  CHECK (v && unit_streq (json_string_value (json_object_get (v, "kind")),
                          "secret")
             && unit_streq (json_string_value (
                                json_object_get (v, "source_path")),
                            "/etc/shop/db-password"),
         "no secret volume of dbpw");
  v = find_by (json_object_get (k, "volumes"), "mount_path",
               DIR_CRED "/apikey");
  CHECK (v && unit_streq (json_string_value (
                              json_object_get (v, "source_path")),
                          "/opt/shop/settings.dat"),
         "no secret volume of apikey");
  CHECK (find_by (json_object_get (k, "volumes"), "mount_path",
                  DIR_CRED "/tls")
                 == NULL
             && find_by (json_object_get (k, "volumes"), "mount_path",
                         DIR_CRED "/store")
                    == NULL,
         "an encrypted or stored credential is mounted");
  CHECK (unit_streq (json_string_value (json_object_get (
                         json_object_get (k, "env"), "CREDENTIALS_DIRECTORY")),
                     DIR_CRED),
         "env CREDENTIALS_DIRECTORY is not " DIR_CRED);
  /* not at their own paths, though /etc/shop/ is the service's */
  json_array_foreach (json_object_get (k, "secret_files"), i, v)
    CHECK (strncmp (json_string_value (v), "/etc/shop/", 10) != 0,
           "the credential '%s' is mounted at its own path",
           json_string_value (v));
  json_array_foreach (sf, i, v)
  {
    const char *p = json_string_value (json_object_get (v, "path"));
    n += strcmp (p, "/etc/shop/db-password") == 0
         || strcmp (p, "/opt/shop/settings.dat") == 0
         || strcmp (p, "/etc/shop/tls.cred") == 0
         || strcmp (p, "/etc/shop/creds.d/one") == 0;
  }
  CHECK (n == 4, "%d of the 4 credential files in image.secret_files", n);
  n = 0;
  json_array_foreach (json_object_get (plan, "notes"), i, v)
  {
    const char *s = json_string_value (v);
    n += strstr (s, "'tls'") && strstr (s, "decrypted offline") != NULL;
  }
  CHECK (n == 1, "no note on the encrypted credential");
  no_value_json ("plan", plan);
}

static void
check_manifest (json_t *objs)
{
  json_t *item, *ctr = NULL, *vols = NULL, *m, *secret = NULL;
  const char *vol = NULL;
  size_t i;

  json_array_foreach (objs, i, item)
  {
    json_t *o = json_object_get (item, "object");
    const char *kind = json_string_value (json_object_get (o, "kind"));
    json_t *spec = json_object_get (
        json_object_get (json_object_get (o, "spec"), "template"), "spec");
    size_t len;
    char *y = v2c_yaml_dump (o, json_string_value (
                                    json_object_get (item, "comment")),
                             &len, NULL);

    no_value ("manifest YAML", y);
    free (y);
    if (spec && (strcmp (kind, "Deployment") == 0
                 || strcmp (kind, "StatefulSet") == 0)
        && strstr (json_string_value (
                       json_object_get (json_object_get (o, "metadata"),
                                        "name")),
                   "shop")) {
      ctr = json_array_get (json_object_get (spec, "containers"), 0);
      vols = json_object_get (spec, "volumes");
    }
    if (strcmp (kind, "Secret") == 0
        && json_object_get (json_object_get (o, "stringData"), "db-password"))
      secret = o;
  }
  CHECK (ctr != NULL, "no workload of shop");
  if (ctr == NULL)
    return;
  m = find_by (json_object_get (ctr, "volumeMounts"), "mountPath",
               DIR_CRED "/dbpw");
  CHECK (m && unit_streq (json_string_value (json_object_get (m, "subPath")),
                          "db-password")
             && json_is_true (json_object_get (m, "readOnly")),
         "no read-only mount of the key db-password at " DIR_CRED "/dbpw");
  vol = m ? json_string_value (json_object_get (m, "name")) : NULL;
  m = vol ? find_by (vols, "name", vol) : NULL;
  CHECK (m && json_integer_value (json_object_get (
                  json_object_get (m, "secret"), "defaultMode"))
                  == 0400
             && unit_streq (json_string_value (json_object_get (
                                json_object_get (m, "secret"), "secretName")),
                            json_string_value (json_object_get (
                                json_object_get (secret, "metadata"),
                                "name"))),
         "the credential's volume is not its Secret with defaultMode 0400");
  m = find_by (json_object_get (ctr, "env"), "name", "CREDENTIALS_DIRECTORY");
  CHECK (m && unit_streq (json_string_value (json_object_get (m, "value")),
                          DIR_CRED),
         "the container has no CREDENTIALS_DIRECTORY");
  CHECK (find_by (json_object_get (ctr, "volumeMounts"), "mountPath",
                  "/etc/shop/db-password")
             == NULL,
         "the credential is mounted at its own path too");
  no_value_json ("manifest", objs);
}

int
main (void)
{
  struct v2c_err err = { 0, "" };
  struct v2c_inventory *i = NULL;
  struct v2c_plan *p = NULL;
  json_t *inv, *plan, *objs = NULL, *report = NULL;
  char *md = NULL, cmd[4200];

  if (mkdtemp (root) == NULL)
    unit_die ("mkdtemp: %s", strerror (errno));
  build_tree ();
  inv = inventory ();
  check_inventory (inv);
  plan = unit_plan_build (inv, NULL, &err);
  CHECK (plan != NULL, "plan: %s", err.msg);
  if (plan) {
    check_plan (plan);
    if ((p = v2c_plan_load (plan, &err)) == NULL
        || (objs = v2c_kube_build (p, NULL, &err)) == NULL)
      FAIL ("manifest: %s", err.msg);
    else
      check_manifest (objs);
    if (p == NULL || (i = v2c_inventory_load (inv, &err)) == NULL
        || (report = v2c_report_build (i, p, NULL, &err)) == NULL
        || (md = v2c_report_markdown (report, &err)) == NULL)
      FAIL ("report: %s", err.msg);
    else {
      CHECK (strstr (md, "/etc/shop/db-password")
                 && strstr (md, "Secret mounted at " DIR_CRED "/dbpw"),
             "report.md does not say where the credential is mounted");
      CHECK (strstr (md, "| /etc/shop/tls.cred | credential-file | not "
                         "mounted anywhere: an encrypted systemd credential "
                         "can't be decrypted offline |")
                 != NULL,
             "report.md does not list the encrypted credential");
      no_value ("report.md", md);
      no_value_json ("report", report);
    }
  }
  free (md);
  json_decref (report);
  json_decref (objs);
  v2c_plan_free (p);
  v2c_inventory_free (i);
  json_decref (plan);
  json_decref (inv);
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", root);
  if (failures == 0)
    system (cmd);
  else
    fprintf (stderr, "tree kept in %s\n", root);
  return failures ? 1 : 0;
}
