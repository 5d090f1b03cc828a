/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * v2c-manifest: the Kubernetes objects of a plan, as a kustomize base:
 * DIR/kustomization.yaml and one YAML file per object.  DIR is written
 * beside itself under a temporary name and renamed into place, so it
 * never looks complete when it is not.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube-out.h"
#include "options.h"
#include "outdir.h"

static noreturn void
usage (int status)
{
  if (status != EXIT_OK)
    tool_try_help ();
  printf (
      "Usage: %s [OPTION]... PLAN -o DIR\n"
      "Write the Kubernetes objects of a conversion plan.\n"
      "\n"
      "PLAN is the output of v2c-plan (a file or '-' for standard\n"
      "input).  DIR gets kustomization.yaml and one file per object\n"
      "(KIND-NAME.yaml); apply it with 'kubectl apply -k DIR'.\n"
      "\n"
      "  -o, --output=DIR       the directory to write (required)\n"
      "      --registry=REG     image registry, e.g. registry.example/team\n"
      "      --image=DIR        OCI image layout of the plan (from\n"
      "                         v2c-extract): pin the image by digest and\n"
      "                         read configuration files from it\n"
      "      --namespace=NS     put every object in namespace NS\n"
      "      --templates=DIR    merge DIR/all.yaml and DIR/KIND.yaml into\n"
      "                         the objects (default: %s)\n"
      "      --force            replace DIR when it exists and is not "
      "empty\n"
      "  -v, --verbose          say more\n"
      "  -q, --quiet            no warnings\n"
      "  -h, --help             show this help and exit\n"
      "  -V, --version          show the version and exit\n"
      "\n"
      "Exit status: 0 success, 1 failure, 2 bad usage.\n"
      "See v2c-manifest(1).\n",
      program_name, V2C_TEMPLATES_DIR);
  exit (EXIT_OK);
}

int
main (int argc, char **argv)
{
  static const struct option long_opts[]
      = { COMMON_LONG_OPTS,
          { "registry", required_argument, NULL, OPT_REGISTRY },
          { "image", required_argument, NULL, OPT_IMAGE },
          { "namespace", required_argument, NULL, OPT_NAMESPACE },
          { "force", no_argument, NULL, OPT_FORCE },
          { NULL, 0, NULL, 0 } };
  struct v2c_kube_opts ko = { NULL, NULL, NULL };
  struct tool_outdir od = { 0 };
  struct v2c_err err = { 0, "" };
  struct v2c_plan *plan = NULL;
  json_t *doc;
  const char *in;
  int c, force = 0, n, status = EXIT_FAIL;

  tool_init (argc, argv);
  while ((c = tool_getopt (argc, argv, COMMON_SHORT_OPTS, long_opts, usage))
         != -1)
    switch (c) {
    case OPT_REGISTRY:
      tool_check_kube_name ("--registry", V2C_KUBE_REGISTRY, optarg);
      ko.registry = optarg;
      break;
    case OPT_IMAGE:
      ko.image_dir = optarg;
      break;
    case OPT_NAMESPACE:
      tool_check_kube_name ("--namespace", V2C_KUBE_LABEL, optarg);
      ko.ns = optarg;
      break;
    case OPT_FORCE:
      force = 1;
      break;
    default:
      tool_try_help ();
    }
  in = tool_file_arg (argc, argv, "PLAN");
  tool_need_output_dir ();

  doc = tool_read_json (in, "plan");
  if (doc == NULL)
    goto end;
  plan = v2c_plan_load (doc, &err);
  json_decref (doc);
  if (plan == NULL) {
    tool_error ("%s: %s", tool_input_name (in), err.msg);
    goto end;
  }
  if (tool_outdir_begin (&od, opts.output, force) == -1)
    goto end;
  n = tool_kube_write (plan, tool_input_name (in), &ko, od.tmp);
  if (n == -1 || tool_outdir_commit (&od) == -1)
    goto end;
  if (!opts.quiet)
    tool_verbose ("%d objects in '%s'", n, od.out);
  status = EXIT_OK;
end:
  tool_outdir_abort (&od);
  v2c_plan_free (plan);
  return status;
}
