/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * v2c-report: the refactor report of a VM (fitness verdict and rules,
 * what becomes of each component, data to migrate, secrets, layers) as
 * DIR/report.html, DIR/report.md and DIR/report.json.  DIR is written
 * beside itself under a temporary name and renamed into place
 * (tools/outdir.c).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "outdir.h"
#include "plan.h"
#include "report.h"

static noreturn void
usage (int status)
{
  if (status != EXIT_OK)
    tool_try_help ();
  printf ("Usage: %s [OPTION]... INVENTORY [PLAN] -o DIR\n"
          "Write the refactor report of a VM: DIR/report.html,\n"
          "DIR/report.md and DIR/report.json.\n"
          "\n"
          "INVENTORY is the output of v2c-inspect ('-' for standard input),\n"
          "PLAN the output of v2c-plan; without PLAN the plan is made from\n"
          "the inventory as v2c-plan would.\n"
          "\n"
          "  -o, --output=DIR       the directory to write (required)\n"
          "      --image=DIR        OCI image layout of the plan (from\n"
          "                         v2c-extract): list its layers, digests "
          "and\n"
          "                         sizes\n"
          "      --force            replace DIR when it exists and is not "
          "empty\n"
          "  -v, --verbose          say more\n"
          "  -q, --quiet            no warnings\n"
          "  -h, --help             show this help and exit\n"
          "  -V, --version          show the version and exit\n"
          "\n"
          "Exit status: 0 success, 1 failure, 2 bad usage.\n"
          "See v2c-report(1).\n",
          program_name);
  exit (EXIT_OK);
}

int
main (int argc, char **argv)
{
  static const struct option long_opts[]
      = { COMMON_LONG_OPTS,
          { "image", required_argument, NULL, OPT_IMAGE },
          { "force", no_argument, NULL, OPT_FORCE },
          { NULL, 0, NULL, 0 } };
  struct v2c_err err = { 0, "" };
  json_t *inv = NULL, *doc = NULL, *image = NULL, *report = NULL;
  struct v2c_inventory *inventory = NULL;
  struct v2c_plan *plan = NULL;
  const char *image_dir = NULL, *invpath, *planpath = NULL;
  struct tool_outdir od = { 0 };
  int c, force = 0, status = EXIT_FAIL;

  tool_init (argc, argv);
  while ((c = tool_getopt (argc, argv, COMMON_SHORT_OPTS, long_opts, usage))
         != -1)
    switch (c) {
    case OPT_IMAGE:
      image_dir = optarg;
      break;
    case OPT_FORCE:
      force = 1;
      break;
    default:
      tool_try_help ();
    }
  tool_refuse_libvirt ("INVENTORY");
  if (opts.templates) {
    tool_error ("--templates is not used by v2c-report");
    tool_try_help ();
  }
  if (optind != argc - 1 && optind != argc - 2) {
    tool_error ("give an INVENTORY and at most one PLAN");
    tool_try_help ();
  }
  tool_need_output_dir ();
  invpath = argv[optind];
  if (optind == argc - 2)
    planpath = argv[optind + 1];
  if (planpath && strcmp (invpath, "-") == 0 && strcmp (planpath, "-") == 0) {
    tool_error ("only one of INVENTORY and PLAN can be standard input");
    tool_try_help ();
  }
  inv = tool_read_json (invpath, "inventory");
  if (inv == NULL)
    goto end;
  inventory = v2c_inventory_load (inv, &err);
  if (inventory == NULL) {
    tool_error ("%s: %s", invpath, err.msg);
    goto end;
  }
  if (planpath) {
    doc = tool_read_json (planpath, "plan");
    if (doc == NULL)
      goto end;
    plan = v2c_plan_load (doc, &err);
    if (plan == NULL) {
      tool_error ("%s: %s", planpath, err.msg);
      goto end;
    }
  } else {
    plan = v2c_plan_build (inventory, NULL, &err);
    if (plan == NULL) {
      tool_error ("%s: %s", invpath, err.msg);
      goto end;
    }
    tool_verbose ("made the plan of '%s'", invpath);
  }
  if (image_dir) {
    image = v2c_report_image_from_layout (image_dir, plan, &err);
    if (image == NULL) {
      tool_error ("--image: %s", err.msg);
      goto end;
    }
    tool_verbose ("image '%s': manifest %s", image_dir,
                  json_string_value (json_object_get (image, "manifest")));
  }
  report = v2c_report_build (inventory, plan, image, &err);
  if (report == NULL) {
    /* the message says which input it is about */
    tool_error ("%s: %s",
                strncmp (err.msg, "image:", 6) == 0 ? image_dir
                : strncmp (err.msg, "plan:", 5) == 0 && planpath ? planpath
                                                                  : invpath,
                err.msg);
    goto end;
  }

  if (tool_outdir_begin (&od, opts.output, force) == -1)
    goto end;
  if (v2c_report_write (report, od.tmp, &err) == -1) {
    tool_error ("%s", err.msg);
    goto end;
  }
  if (tool_outdir_commit (&od) == -1)
    goto end;
  tool_verbose ("'%s': verdict %s, %zu rules fired, %zu components", od.out,
                json_string_value (json_object_get (
                    json_object_get (report, "fitness"), "verdict")),
                json_array_size (json_object_get (
                    json_object_get (report, "fitness"), "rules")),
                json_array_size (json_object_get (report, "components")));
  status = EXIT_OK;
end:
  tool_outdir_abort (&od);
  json_decref (report);
  json_decref (image);
  v2c_plan_free (plan);
  v2c_inventory_free (inventory);
  json_decref (doc);
  json_decref (inv);
  return status;
}
