/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * v2c-plan: decide the image, its layers, excludes and volumes, and the
 * components of a VM from its inventory.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "plan.h"

enum {
  OPT_STRATEGY = OPT_TOOL_BASE,
  OPT_TARGET,
};

static noreturn void
usage (int status)
{
  if (status != EXIT_OK)
    tool_try_help ();
  printf ("Usage: %s [OPTION]... INVENTORY\n"
          "Make the conversion plan (JSON) of a VM from its inventory.\n"
          "\n"
          "INVENTORY is the output of v2c-inspect, a file or '-' for\n"
          "standard input.  The plan says which image to build (layers,\n"
          "excluded paths, volumes, secret files) and which services,\n"
          "timers and cron jobs become components (Deployments,\n"
          "StatefulSets, CronJobs), each by its converter; edit it\n"
          "before v2c-extract and v2c-manifest if needed.\n"
          "\n"
          "  -o, --output=FILE      write the plan to FILE (default:\n"
          "                         standard output)\n"
          "      --strategy=S       image layers: split (os, config, app;\n"
          "                         the default) or single (one layer)\n"
          "      --target=T         auto (the default: a VM that can't run\n"
          "                         as containers stays a KubeVirt VM),\n"
          "                         container or vm\n"
          TOOL_GPU_HELP
          "  -v, --verbose          list the components, the dropped\n"
          "                         services and the notes\n"
          "  -q, --quiet            no warnings\n",
          program_name);
  tool_help_end ("v2c-plan");
}

int
main (int argc, char **argv)
{
  static const struct option long_opts[]
      = { COMMON_LONG_OPTS,
          { "strategy", required_argument, NULL, OPT_STRATEGY },
          { "target", required_argument, NULL, OPT_TARGET },
          TOOL_GPU_LONG_OPTS,
          { NULL, 0, NULL, 0 } };
  struct v2c_err err = { 0, "" };
  json_error_t jerr;
  json_t *inv = NULL, *doc = NULL;
  struct v2c_inventory *inventory = NULL;
  struct v2c_plan *plan = NULL;
  const char *strategy = NULL, *target = NULL, *in, *name;
  struct v2c_gpu_opts gpu = { NULL, NULL, NULL, 0, NULL };
  int c, status = EXIT_FAIL, gpu_given = 0;
  size_t i;

  tool_init (argc, argv);
  while ((c = tool_getopt (argc, argv, COMMON_SHORT_OPTS, long_opts, usage))
         != -1)
    switch (c) {
    case OPT_STRATEGY:
      if (strcmp (optarg, "split") != 0 && strcmp (optarg, "single") != 0) {
        tool_error ("--strategy is 'split' or 'single', not '%s'", optarg);
        tool_try_help ();
      }
      strategy = optarg;
      break;
    case OPT_TARGET:
      target = tool_target_arg (optarg);
      break;
    default:
      if (!tool_gpu_option (c, optarg, &gpu))
        tool_try_help ();
      gpu_given = 1;
    }
  in = tool_file_arg (argc, argv, "INVENTORY");
  name = tool_input_name (in);

  inv = tool_load_json (in, &jerr);
  if (inv == NULL) {
    if (jerr.line > 0)
      tool_error ("can't read the inventory '%s': line %d column %d: %s", name,
                  jerr.line, jerr.column, jerr.text);
    else
      tool_error ("can't read the inventory '%s': %s", name, jerr.text);
    goto out;
  }
  inventory = v2c_inventory_load (inv, &err);
  if (inventory)
    plan = v2c_plan_build (inventory, strategy, &err);
  if (plan && gpu_given
      && v2c_plan_set_gpu (plan, inventory, &gpu, &err) == -1) {
    v2c_plan_free (plan);
    plan = NULL;
  }
  if (plan && target && strcmp (target, "auto") != 0
      && v2c_plan_set_target (plan, inventory, target, &err) == -1) {
    v2c_plan_free (plan);
    plan = NULL;
  }
  if (plan == NULL) {
    tool_error ("%s: %s", name, err.msg);
    goto out;
  }
  for (i = 0; i < plan->components.n; i++) {
    const struct v2c_plan_component *k = &plan->components.v[i];
    const char *from = k->service ? k->service : k->source.file;

    tool_verbose ("component '%s' (%s, %s) from '%s'", k->name, k->kind,
                  k->converter, from ? from : "?");
  }
  for (i = 0; i < plan->dropped.n; i++)
    tool_verbose ("dropped '%s': %s", plan->dropped.v[i].name,
                  plan->dropped.v[i].reason);
  for (i = 0; i < plan->notes.n; i++)
    tool_verbose ("note: %s", plan->notes.v[i]);
  if (plan->target)
    tool_verbose ("target: %s (%s)", plan->target->kind, plan->target->reason);
  doc = v2c_plan_to_json (plan);
  if (doc == NULL) {
    tool_error ("out of memory");
    goto out;
  }
  if (tool_write_json (doc, opts.output) == 0)
    status = EXIT_OK;
out:
  json_decref (doc);
  v2c_plan_free (plan);
  v2c_inventory_free (inventory);
  json_decref (inv);
  return status;
}
