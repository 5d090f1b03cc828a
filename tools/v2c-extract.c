/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * v2c-extract: a VM's filesystems as an OCI image with package-aware
 * layers, streamed from the guest through one read-only appliance; or,
 * with --root, a tree on the host read the same way (no appliance).
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "extract.h"
#include "image-opts.h"
#include "inspect.h"
#include "options.h"
#include "plan.h"
#include "v2c-internal.h"

static noreturn void
usage (int status)
{
  if (status != EXIT_OK)
    tool_try_help ();
  printf ("Usage: %s [OPTION]... SOURCE -o DIR\n"
          "  or:  %s [OPTION]... -c URI -d DOMAIN -o DIR\n"
          "  or:  %s [OPTION]... --plan=PLAN --root=TREE -o DIR\n"
          "Write a VM's filesystems as an OCI image layout in DIR, without\n"
          "booting or changing the VM.\n"
          "\n"
          "Layers follow the package database: 'os' (package files as\n"
          "shipped), 'config' (changed package files and /etc), 'app'\n"
          "(everything else).  Data directories, files holding secrets,\n"
          "logs, caches and the like stay out.\n"
          "\n"
          "  -o, --output=DIR       the image directory to create\n"
          "  -p, --plan=PLAN        the plan (v2c-plan) to follow; without\n"
          "                         it, the VM is inspected and planned in\n"
          "                         the same appliance session\n"
          "      --tag=NAME         the image's ref name (default: the VM)\n"
          "      --strategy=S       split (default) or single (one layer)\n"
          "      --compress=C       gzip (default), zstd or none\n"
          "      --level=N          compression level (gzip 1-9, zstd 1-19)\n"
          "      --threads=N        compression threads (default: CPUs)\n"
          "      --include=PATTERN  keep what the plan's excludes drop\n"
          "      --exclude=PATTERN  leave a path and its subtree out\n"
          "      --data=WHAT        copy the plan's pvc volumes: none\n"
          "                         (default), seed (a data image in DIR),\n"
          "                         archive (--data-dir) or both\n"
          "      --data-max=SIZE    seed only up to SIZE in total (2G)\n"
          "      --data-dir=DDIR    write the archives VOLUME.tar.zst there\n"
          "      --plan-out=FILE    write the plan with what --data copied\n"
          "                         (what v2c-manifest needs for the seeds)\n"
          "      --force            replace an existing image in DIR\n"
          "      --root=TREE        read the guest's tree from the host\n"
          "                         directory TREE instead of a SOURCE\n"
          "                         (no appliance; needs --plan)\n"
          "  -c, --connect=URI      read the domain from libvirt\n"
          "  -d, --domain=NAME      the libvirt domain to read\n"
          "      --vm=NAME          the VM of a multi-VM OVF\n"
          "      --no-verify        don't check the OVA/OVF manifest (.mf)\n"
          "      --allow-outside-paths  let the export name files outside its\n"
          "                         folder (refused by default)\n"
          "  -v, --verbose          say more (twice: libguestfs debug)\n"
          "  -q, --quiet            no warnings, no progress bar\n"
          "  -h, --help             show this help and exit\n"
          "  -V, --version          show the version and exit\n"
          "\n"
          "PATTERN is an absolute path; '*' matches within a component,\n"
          "'**' across components; a directory covers its subtree.\n"
          "\n"
          "Exit status: 0 success, 1 failure, 2 bad usage, 130/143 stopped by\n"
          "SIGINT/SIGTERM.\n"
          "See v2c-extract(1).\n",
          program_name, program_name, program_name);
  exit (EXIT_OK);
}

enum {
  OPT_ROOT = OPT_TOOL_BASE,
  OPT_DATA,
  OPT_DATA_MAX,
  OPT_DATA_DIR,
  OPT_PLAN_OUT
};

/* --plan-out: the plan with each copied volume's data, as v2c-convert
 * records it in DIR/plan.json. */
static int
write_plan_out (struct v2c_extract *x, struct v2c_plan *plan, const char *file)
{
  json_t *doc;
  int r;

  if (v2c_extract_data_to_plan (x, plan) == -1) {
    tool_error ("%s", v2c_extract_error (x));
    return -1;
  }
  doc = v2c_plan_to_json (plan);
  if (doc == NULL) {
    tool_error ("out of memory");
    return -1;
  }
  r = tool_write_json (doc, file);
  json_decref (doc);
  return r;
}

/* What the run wrote, at -v; the one-line summary unless -q. */
static void
print_summary (const json_t *sum, const struct v2c_plan *plan,
               const char *tag)
{
  size_t i;
  json_t *l, *sk = json_object_get (sum, "skipped");
  json_int_t total = 0;
  struct rusage ru;

  json_array_foreach (json_object_get (sum, "layers"), i, l) {
    total += json_integer_value (json_object_get (l, "size"));
    tool_verbose ("layer %-6s %s %lld bytes, %lld entries",
                  json_string_value (json_object_get (l, "name")),
                  json_string_value (json_object_get (l, "digest")),
                  (long long) json_integer_value (json_object_get (l, "size")),
                  (long long) json_integer_value (
                    json_object_get (l, "entries")));
  }
  tool_verbose ("left out: %lld secret files, %lld excluded paths, "
                "%lld device nodes/sockets/fifos",
                (long long) json_integer_value (
                  json_object_get (sk, "secret_files")),
                (long long) json_integer_value (
                  json_object_get (sk, "excluded")),
                (long long) json_integer_value (
                  json_object_get (sk, "devices")));
  if (getrusage (RUSAGE_SELF, &ru) == 0)
    tool_verbose ("peak RSS of %s: %ld KiB (the appliance not counted)",
                  program_name, ru.ru_maxrss);
  if (!opts.quiet)
    fprintf (stderr, "%s: wrote %s: %zu layers, %.1f MiB, ref '%s', "
             "manifest %s\n", program_name, opts.output,
             json_array_size (json_object_get (sum, "layers")),
             (double) total / 1048576.0,
             tag ? tag : plan->name,
             json_string_value (json_object_get (sum, "manifest")));
}

/* The tree to read: the host directory root, else the source's guest
 * (launched and inspected; *plan built from its inventory when NULL).
 * NULL after an error, said. */
static struct v2c_fs *
open_tree (const char *root, const char *path, const struct image_opts *io,
           struct v2c_source **src, struct v2c_guest **g,
           struct v2c_plan **plan)
{
  struct v2c_err err = { 0 };
  struct v2c_fs *fs;

  if (root) {
    if ((fs = v2c_fs_open_dir (root, &err)) == NULL)
      tool_error ("%s", err.msg);
    return fs;
  }
  *src = tool_open_source (path, 0);
  if (*src == NULL || (*g = tool_open_guest (*src, NULL)) == NULL)
    return NULL;
  if (*plan == NULL) {
    struct v2c_inventory *inventory;
    json_t *inv;

    tool_status ("reading packages, services, configuration ...");
    inv = v2c_inventory_build (*src, *g);
    if (inv == NULL) {
      tool_failed (v2c_source_error (*src));
      return NULL;
    }
    inventory = v2c_inventory_load (inv, &err);
    json_decref (inv);
    if (inventory)
      *plan = v2c_plan_build (inventory, io->strategy, &err);
    v2c_inventory_free (inventory);
    if (*plan == NULL) {
      tool_progress_done ();
      tool_error ("%s", err.msg);
      return NULL;
    }
  }
  fs = v2c_fs_open_guest (v2c_guest_handle (*g), &err);
  if (fs == NULL)
    tool_error ("%s", err.msg);
  return fs;
}

int
main (int argc, char **argv)
{
  static const struct option long_opts[] = {
    COMMON_LONG_OPTS,
    IMAGE_LONG_OPTS,
    { "force", no_argument, NULL, OPT_FORCE },
    { "root", required_argument, NULL, OPT_ROOT },
    { "data", required_argument, NULL, OPT_DATA },
    { "data-max", required_argument, NULL, OPT_DATA_MAX },
    { "data-dir", required_argument, NULL, OPT_DATA_DIR },
    { "plan-out", required_argument, NULL, OPT_PLAN_OUT },
    SOURCE_LONG_OPTS,
    { NULL, 0, NULL, 0 }
  };
  struct v2c_source *src = NULL;
  struct v2c_guest *g = NULL;
  struct v2c_extract *x = NULL;
  struct v2c_fs *fs = NULL;
  struct v2c_plan *plan = NULL;
  json_t *sum = NULL;
  struct image_opts io;
  const char *path = NULL, *root = NULL, *data_dir = NULL, *plan_out = NULL;
  int force = 0, c, data = 0;
  uint64_t data_max = (uint64_t) 2 << 30;
  int status = EXIT_FAIL;

  tool_init (argc, argv);
  image_opts_init (&io);
  x = v2c_extract_new ();
  if (x == NULL) {
    tool_error ("out of memory");
    return EXIT_FAIL;
  }
  while ((c = tool_getopt (argc, argv, COMMON_SHORT_OPTS IMAGE_SHORT_OPTS,
                           long_opts, usage))
         != -1) {
    if (image_opts_option (&io, x, c, optarg))
      continue;
    switch (c) {
    case OPT_FORCE:
      force = 1;
      break;
    case OPT_ROOT:
      root = optarg;
      break;
    case OPT_DATA:
      data = tool_data_mode (optarg);
      break;
    case OPT_DATA_MAX:
      data_max = tool_size_arg ("--data-max", optarg);
      break;
    case OPT_DATA_DIR:
      data_dir = optarg;
      break;
    case OPT_PLAN_OUT:
      plan_out = optarg;
      break;
    default:
      tool_try_help ();
    }
  }
  if (root == NULL)
    path = tool_source_arg (argc, argv);
  else if (optind != argc || opts.domain || opts.uri) {
    tool_error ("--root TREE takes the place of SOURCE and -d DOMAIN");
    tool_try_help ();
  } else if (io.plan_path == NULL) {
    /* the inventory needs the guest's own session */
    tool_error ("--root needs --plan");
    tool_try_help ();
  }
  if (opts.output == NULL) {
    tool_error ("-o DIR is required");
    tool_try_help ();
  }
  if ((data & V2C_DATA_ARCHIVE) && data_dir == NULL) {
    tool_error ("--data %s needs --data-dir", data == 2 ? "archive" : "both");
    tool_try_help ();
  }
  image_opts_finish (&io, x);
  if (v2c_extract_set_data (x, data, data_dir, data_max) == -1) {
    tool_error ("%s", v2c_extract_error (x));
    goto out;
  }

  tool_catch_signals (1);
  tool_private_tmpdir ();

  if (io.plan_path && (plan = image_opts_read_plan (io.plan_path, NULL)) == NULL)
    goto out;
  /* the output first: a wrong -o fails before the appliance starts */
  if (tool_check_output (opts.output, 1) == -1)
    goto out;
  if (v2c_extract_open (x, opts.output, force) == -1) {
    tool_error ("%s", v2c_extract_error (x));
    goto out;
  }

  fs = open_tree (root, path, &io, &src, &g, &plan);
  if (fs == NULL)
    goto out;
  if (tool_interrupted) {
    tool_progress_done ();
    tool_error ("interrupted");
    goto out;
  }

  v2c_extract_set_message_callback (x, tool_message_cb, NULL);
  v2c_extract_set_progress_callback (x, tool_progress_cb, NULL);
  v2c_extract_set_cancel_flag (x, &tool_interrupted);
  tool_status ("reading the package database ...");
  if (v2c_extract_run_fs (x, fs, plan, io.tag) == -1) {
    tool_progress_done ();
    tool_error ("%s", tool_interrupted ? "interrupted; no image was written"
                                  : v2c_extract_error (x));
    goto out;
  }
  tool_progress_done ();
  if (plan_out && write_plan_out (x, plan, plan_out) == -1)
    goto out;

  sum = v2c_extract_summary (x);
  if (sum)
    print_summary (sum, plan, io.tag);
  status = EXIT_OK;
 out:
  json_decref (sum);
  v2c_extract_free (x);
  v2c_plan_free (plan);
  v2c_fs_free (fs);
  v2c_guest_free (g);
  v2c_source_free (src);
  return tool_exit_status (status);
}
