/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The layer policy of v2c-extract (lib/layer-policy.c) without a guest:
 * a plan's layers and a small package database in memory, and the layer
 * each path goes to.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layer-policy.h"
#include "strbuf.h"
#include "unit.h"

static char *doc[] = { (char *) "/usr/share/doc" };
static char *etc[] = { (char *) "/etc" };
static char *jars[] = { (char *) "/srv/**/*.jar" };
static char *tmp[] = { (char *) "/tmp" };

/* os excludes /usr/share/doc, config includes /etc, app the jars */
static const struct v2c_plan_layer split_layers[] = {
  { (char *) "os", { NULL, 0, 0 }, { doc, 1, 1 } },
  { (char *) "config", { etc, 1, 1 }, { NULL, 0, 0 } },
  { (char *) "app", { jars, 1, 1 }, { NULL, 0, 0 } },
};

enum { OS, CONFIG, APP };

static void
test_split (void)
{
  struct v2c_layer_policy p;
  struct v2c_err err = { 0, "" };
  struct v2c_pkg_file files[] = {
    { .path = (char *) "/bin/ls",
      .digest = (char *) "d41d8cd98f00b204e9800998ecf8427e" },
    { .path = (char *) "/usr/share/doc/ls/copyright", .digest = NULL },
    { .path = (char *) "/etc/ls.conf",
      .digest = (char *) "00000000000000000000000000000000" },
    { .path = (char *) "/usr/lib/ls", .digest = NULL },
    { .path = (char *) "relative", .digest = (char *) "x" },
  };
  struct v2c_pkg pkg;
  struct v2c_pkgs pkgs = { &pkg, 1 };
  struct v2c_path_alias al = { "/bin/", "/usr/bin/" };

  memset (&pkg, 0, sizeof pkg);
  pkg.files = files;
  pkg.nfiles = sizeof files / sizeof *files;
  memset (&p, 0, sizeof p);
  CHECK_THAT (v2c_layer_policy_set_layers (&p, split_layers, 3, 1, &err) == 0);
  CHECK_THAT (p.nlayers == 3 && p.layers[OS].shared && !p.layers[APP].shared);
  CHECK_THAT (v2c_layer_policy_add_packages (&p, &pkgs, &al, 1, &err) == 0);
  /* /bin/ls, /usr/bin/ls (alias), the doc, /etc/ls.conf, /usr/lib/ls */
  CHECK_THAT (p.nown == 5);

  /* a package file: its digest decides between os and config */
  CHECK_THAT (strcmp (v2c_layer_policy_digest (&p, "/usr/bin/ls", 1),
                 "d41d8cd98f00b204e9800998ecf8427e") == 0);
  CHECK_THAT (v2c_layer_policy_choose (&p, "/usr/bin/ls", 1, 1) == OS);
  CHECK_THAT (v2c_layer_policy_choose (&p, "/bin/ls", 1, 0) == CONFIG);
  /* no digest, or not a regular file: os without a check */
  CHECK_THAT (v2c_layer_policy_digest (&p, "/usr/lib/ls", 1) == NULL);
  CHECK_THAT (v2c_layer_policy_choose (&p, "/usr/lib/ls", 1, 0) == OS);
  CHECK_THAT (v2c_layer_policy_digest (&p, "/bin/ls", 0) == NULL);
  CHECK_THAT (v2c_layer_policy_choose (&p, "/bin/ls", 0, 0) == OS);
  /* os excludes /usr/share/doc: the next layer (config) takes it */
  CHECK_THAT (v2c_layer_policy_choose (&p, "/usr/share/doc/ls/copyright", 1, 0)
         == CONFIG);
  /* config's includes come before the package database */
  CHECK_THAT (v2c_layer_policy_digest (&p, "/etc/ls.conf", 1) == NULL);
  CHECK_THAT (v2c_layer_policy_choose (&p, "/etc/ls.conf", 1, 1) == CONFIG);
  /* nobody's file: app; a relative path in the database is ignored */
  CHECK_THAT (v2c_layer_policy_choose (&p, "/srv/app/x.jar", 1, 0) == APP);
  CHECK_THAT (v2c_layer_policy_choose (&p, "/home/u/notes", 1, 0) == APP);
  CHECK_THAT (v2c_layer_policy_digest (&p, "relative", 1) == NULL);
  v2c_layer_policy_clear (&p);
  CHECK_THAT (p.nown == 0 && p.own == NULL && p.nlayers == 0);
}

static void
test_single_and_errors (void)
{
  struct v2c_layer_policy p;
  struct v2c_err err = { 0, "" };
  const struct v2c_plan_layer one[] = {
    { (char *) "image", { NULL, 0, 0 }, { tmp, 1, 1 } },
  };
  const struct v2c_plan_layer two[] = {
    { (char *) "os", { NULL, 0, 0 }, { NULL, 0, 0 } },
    { (char *) "app", { NULL, 0, 0 }, { NULL, 0, 0 } },
  };

  /* one layer: everything in it but its excludes */
  memset (&p, 0, sizeof p);
  CHECK_THAT (v2c_layer_policy_set_layers (&p, one, 1, 0, &err) == 0);
  CHECK_THAT (v2c_layer_policy_digest (&p, "/bin/ls", 1) == NULL);
  CHECK_THAT (v2c_layer_policy_choose (&p, "/bin/ls", 1, 0) == 0);
  CHECK_THAT (v2c_layer_policy_choose (&p, "/tmp/x", 1, 0) == -1);
  v2c_layer_policy_clear (&p);

  /* the cuda layer (a GPU VM's): shared like os, directories with
   * mtime 0, so VMs with the same CUDA packages have the same layer */
  {
    const struct v2c_plan_layer four[] = {
      split_layers[0], { (char *) "cuda", { NULL, 0, 0 }, { NULL, 0, 0 } },
      split_layers[1], split_layers[2],
    };
    CHECK_THAT (v2c_layer_policy_set_layers (&p, four, 4, 1, &err) == 0);
    CHECK_THAT (p.layers[0].shared && p.layers[1].shared
                && !p.layers[2].shared && !p.layers[3].shared);
    v2c_layer_policy_clear (&p);
  }
  CHECK_THAT (v2c_layer_policy_set_layers (&p, two, 2, 1, &err) == -1);
  CHECK_THAT (strstr (err.msg, "needs the layers os, config and app") != NULL);
  v2c_layer_policy_clear (&p);
  CHECK_THAT (v2c_layer_policy_set_layers (&p, NULL, 0, 0, &err) == -1);
  CHECK_THAT (strstr (err.msg, "image.layers is empty") != NULL);
  v2c_layer_policy_clear (&p);
}

/* Packages the image leaves out (the GPU driver's): their files go to
 * no layer, but a path a kept package owns too stays, and so does
 * everything without the list. */
static void
test_left_out (void)
{
  struct v2c_layer_policy p;
  struct v2c_err err = { 0, "" };
  struct v2c_pkg_file drv_files[] = {
    { .path = (char *) "/usr/lib/libcuda.so.1", .digest = NULL },
    { .path = (char *) "/usr/share/both", .digest = NULL },
    { .path = (char *) "/lib/firmware/x.bin", .digest = NULL },
  };
  struct v2c_pkg_file keep_files[] = {
    { .path = (char *) "/usr/share/both", .digest = NULL },
    { .path = (char *) "/usr/bin/keep", .digest = NULL },
  };
  struct v2c_pkg pk[2];
  struct v2c_pkgs pkgs = { pk, 2 };
  struct v2c_path_alias al = { "/lib/", "/usr/lib/" };
  struct v2c_strvec out = V2C_STRVEC_INIT;
  int pass;

  memset (pk, 0, sizeof pk);
  pk[0].name = (char *) "libcuda1";
  pk[0].files = drv_files;
  pk[0].nfiles = 3;
  pk[1].name = (char *) "keep";
  pk[1].files = keep_files;
  pk[1].nfiles = 2;
  CHECK_THAT (v2c_strvec_push (&out, "libcuda1") == 0);
  for (pass = 0; pass < 2; pass++) {
    memset (&p, 0, sizeof p);
    CHECK_THAT (v2c_layer_policy_set_layers (&p, split_layers, 3, 1, &err)
                == 0);
    p.leave_out = pass ? &out : NULL;
    CHECK_THAT (v2c_layer_policy_add_packages (&p, &pkgs, &al, 1, &err) == 0);
    CHECK_THAT ((v2c_layer_policy_choose (&p, "/usr/lib/libcuda.so.1", 1, 1)
                 == -1) == pass);
    /* under its merged-/usr alias too */
    CHECK_THAT ((v2c_layer_policy_choose (&p, "/usr/lib/firmware/x.bin", 1, 1)
                 == -1) == pass);
    CHECK_THAT (v2c_layer_policy_choose (&p, "/usr/share/both", 1, 1) == OS);
    CHECK_THAT (v2c_layer_policy_choose (&p, "/usr/bin/keep", 1, 1) == OS);
    CHECK_THAT (v2c_layer_policy_choose (&p, "/srv/a.jar", 1, 1) == APP);
    v2c_layer_policy_clear (&p);
  }
  v2c_strvec_clear (&out);
}

int
main (void)
{
  test_split ();
  test_left_out ();
  test_single_and_errors ();
  if (failures == 0)
    printf ("ok: layer policy\n");
  return unit_status ();
}
