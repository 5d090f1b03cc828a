/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * v2c-convert: one VM, end to end, with one appliance launch: its
 * inventory, plan, OCI image, Kubernetes manifests, refactor report and
 * SBOMs, in the layout of DESIGN.md.  The output directory is built
 * beside itself under a temporary name and renamed at the end.
 */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "extract.h"
#include "image-opts.h"
#include "kube-out.h"
#include "options.h"
#include "outdir.h"
#include "plan.h"
#include "report.h"
#include "sbom.h"
#include "v2c-internal.h"
#include "vm.h"

#define STAGES 6

enum {
  OPT_NAME = OPT_TOOL_BASE,
  OPT_DATA,
  OPT_DATA_MAX,
  OPT_VERIFY_RUN,
  OPT_TARGET
};

static noreturn void
usage (int status)
{
  if (status != EXIT_OK)
    tool_try_help ();
  printf (
      "Usage: %s [OPTION]... SOURCE -o DIR\n"
      "  or:  %s [OPTION]... -c URI -d DOMAIN -o DIR\n"
      "Convert one VM, without booting or changing it, into DIR:\n"
      "  inventory.json  plan.json  image/ (OCI image layout)\n"
      "  k8s/ (kustomize base)  report.html  report.md  report.json\n"
      "  sbom.spdx.json  sbom.cdx.json  data/ (the volumes' content)\n"
      "The VM's disks are read through one read-only appliance launch.\n"
      "\n"
      "  -o, --output=DIR       the directory to create (required)\n"
      "  -p, --plan=PLAN        follow an edited plan instead of planning\n"
      "      --force            replace DIR when it exists\n"
      "      --verify           run v2c-verify DIR afterwards (exit 1 if a\n"
      "                         component fails; see v2c-verify(1))\n"
      "      --name=NAME        the VM's Kubernetes name (a DNS-1123 label:\n"
      "                         the plan's name, its image and app labels;\n"
      "                         default: the VM's name)\n"
      "      --target=T         auto (default: a VM that can't run as\n"
      "                         containers stays a KubeVirt VM), container\n"
      "                         or vm (see v2c-plan(1))\n"
      TOOL_GPU_HELP
      "Image (as v2c-extract):\n"
      "      --tag=NAME         the image's ref name (default: the VM)\n"
      "      --strategy=S       split (default) or single (one layer)\n"
      "      --compress=C       gzip (default), zstd or none\n"
      "      --level=N          compression level (gzip 1-9, zstd 1-19)\n"
      "      --threads=N        compression threads (default: CPUs)\n"
      "      --include=PATTERN  keep what the plan's excludes drop\n"
      "      --exclude=PATTERN  leave a path and its subtree out\n"
      "Data volumes (the content of the plan's pvc volumes):\n"
      "      --data=WHAT        none, seed (a data image in image/ whose\n"
      "                         initContainers fill empty PVCs), archive\n"
      "                         (data/VOLUME.tar.zst) or both (default)\n"
      "      --data-max=SIZE    seed only when the volumes hold at most\n"
      "                         SIZE in total (default 2G; 512M, 2G ...)\n"
      "Manifests (as v2c-manifest):\n"
      "      --registry=REG     image registry, e.g. registry.example/team\n"
      "      --namespace=NS     put every object in namespace NS\n"
      "      --templates=DIR    merge DIR/all.yaml and DIR/KIND.yaml into\n"
      "                         the objects (default: %s)\n"
      "Source:\n"
      "  -c, --connect=URI      read the domain from libvirt\n"
      "  -d, --domain=NAME      the libvirt domain to read\n"
      "      --vm=NAME          the VM of a multi-VM OVF\n"
      "      --no-verify        don't check the OVA/OVF manifest (.mf)\n"
      "      --allow-outside-paths  let the export name files outside its\n"
      "                         folder (refused by default)\n"
      "  -v, --verbose          say more (twice: libguestfs debug)\n"
      "  -q, --quiet            no warnings, no progress, no summary\n",
      program_name, program_name, V2C_TEMPLATES_DIR);
  tool_help_end ("v2c-convert");
}

/* DIR/NAME from a JSON document, atomically. */
static int
write_json (const char *dir, const char *name, const json_t *doc)
{
  char path[4300];

  if ((size_t) snprintf (path, sizeof path, "%s/%s", dir, name)
      >= sizeof path) {
    tool_error ("'%s/%s': %s", dir, name, strerror (ENAMETOOLONG));
    return -1;
  }
  return tool_write_json (doc, path);
}

struct convert {
  struct image_opts io;
  struct v2c_kube_opts ko;
  int force;
  int data;          /* --data: V2C_DATA_* bits */
  int data_given;    /* --data was on the command line */
  uint64_t data_max; /* --data-max */
  int verify;       /* --verify: v2c-verify DIR after it */
  const char *name; /* --name */
  const char *target; /* --target; NULL: auto */
  struct v2c_gpu_opts gpu; /* --gpu-*; gpu_given: one was given */
  int gpu_given;
  struct tool_outdir od;
  struct v2c_extract *x;
  struct v2c_source *src;
  struct v2c_guest *g;
  json_t *inv, *plan, *image, *report; /* inv and plan: the files' */
  struct v2c_inventory *inventory;     /* inv and plan, loaded */
  struct v2c_plan *p;
  char overlays[4200]; /* DIR.tmp/.v2c-overlays: the disks' overlays */
};

/* Once the appliance is closed: the overlays go, so that the output
 * directory holds only outputs. */
static void
drop_overlays (struct convert *cv)
{
  const char *o;

  for (size_t i = 0; cv->g && (o = v2c_guest_overlay (cv->g, i)); i++)
    unlink (o);
  v2c_guest_free (cv->g);
  cv->g = NULL;
  rmdir (cv->overlays);
}

/* --name: the plan's name, in the loaded plan and in plan.json. */
static int
rename_plan (struct convert *cv)
{
  char *name = strdup (cv->name);

  if (name == NULL
      || json_object_set_new (cv->plan, "name", json_string (cv->name))
             == -1) {
    free (name);
    tool_progress_done ();
    tool_error ("out of memory");
    return -1;
  }
  free (cv->p->name);
  cv->p->name = name;
  return 0;
}

/* Stages 1-3: the source, the appliance, the inventory and the plan. */
static int
read_vm (struct convert *cv, const char *path)
{
  struct v2c_err err = { 0, "" };
  double t = tool_now ();

  tool_stage (1, STAGES);
  cv->src = tool_open_source (path, 0);
  if (cv->src == NULL || tool_stopped ())
    return -1;
  tool_verbose ("source opened (%.1f s)", tool_now () - t);
  tool_stage (2, STAGES);
  if (tool_stopped ())
    return -1;
  t = tool_now ();
  /* the disks through overlays of v2c's own: a VM kept as a VM is
   * converted in them by the same appliance that inspects it */
  snprintf (cv->overlays, sizeof cv->overlays, "%s/.v2c-overlays",
            cv->od.tmp);
  if (mkdir (cv->overlays, 0700) == -1) {
    tool_error ("can't create '%s': %s", cv->overlays, strerror (errno));
    return -1;
  }
  cv->g = tool_open_guest (cv->src, cv->overlays);
  if (cv->g == NULL || tool_stopped ())
    return -1;
  tool_verbose ("appliance launched, guest inspected (%.1f s)",
                tool_now () - t);
  tool_stage (3, STAGES);
  if (tool_stopped ())
    return -1;
  t = tool_now ();
  tool_status ("reading packages, services, configuration ...");
  cv->inv = v2c_inventory_build (cv->src, cv->g);
  if (cv->inv == NULL || tool_interrupted) {
    tool_failed (v2c_source_error (cv->src));
    return -1;
  }
  cv->inventory = v2c_inventory_load (cv->inv, &err);
  if (cv->inventory && cv->p == NULL
      && (cv->p = v2c_plan_build (cv->inventory, cv->io.strategy, &err))
      && ((cv->gpu_given
           && v2c_plan_set_gpu (cv->p, cv->inventory, &cv->gpu, &err) == -1)
          || (cv->target
              && v2c_plan_set_target (cv->p, cv->inventory, cv->target, &err)
                     == -1))) {
    v2c_plan_free (cv->p);
    cv->p = NULL;
  }
  if (cv->p && cv->plan == NULL)
    cv->plan = v2c_plan_to_json (cv->p);
  if (cv->inventory == NULL || cv->p == NULL || cv->plan == NULL) {
    tool_progress_done ();
    tool_error ("%s", cv->p && !cv->plan ? "out of memory" : err.msg);
    return -1;
  }
  if (cv->io.plan_path) {
    const char *b = v2c_source_name (cv->src);

    if (b && strcmp (cv->p->name, b) != 0)
      tool_warning ("the plan '%s' is named '%s', the VM '%s'",
                    cv->io.plan_path, cv->p->name, b);
  }
  if (cv->name && rename_plan (cv) == -1)
    return -1;
  tool_verbose ("inventory and plan (%.1f s)", tool_now () - t);
  if (write_json (cv->od.tmp, "inventory.json", cv->inv) == -1
      || write_json (cv->od.tmp, "plan.json", cv->plan) == -1)
    return -1;
  return tool_stopped () ? -1 : 0;
}

/* DIR/data for the archives of --data; none without. */
static int
open_data (struct convert *cv)
{
  char dir[sizeof cv->od.tmp + 16];

  snprintf (dir, sizeof dir, "%s/data", cv->od.tmp);
  if ((cv->data & V2C_DATA_ARCHIVE) && mkdir (dir, 0755) == -1) {
    tool_error ("can't create '%s': %s", dir, strerror (errno));
    return -1;
  }
  if (v2c_extract_set_data (cv->x, cv->data, dir, cv->data_max) == -1) {
    tool_error ("%s", v2c_extract_error (cv->x));
    return -1;
  }
  return 0;
}

/* After the image: what was copied of the volumes goes into the plan
 * (plan.json again); an empty DIR/data goes. */
static int
record_data (struct convert *cv)
{
  char dir[sizeof cv->od.tmp + 16];

  json_decref (cv->plan);
  cv->plan = NULL;
  if (v2c_extract_data_to_plan (cv->x, cv->p) == -1) {
    tool_error ("%s", v2c_extract_error (cv->x));
    return -1;
  }
  if ((cv->plan = v2c_plan_to_json (cv->p)) == NULL) {
    tool_error ("out of memory");
    return -1;
  }
  snprintf (dir, sizeof dir, "%s/data", cv->od.tmp);
  if (cv->data & V2C_DATA_ARCHIVE)
    rmdir (dir);    /* fails unless empty */
  return write_json (cv->od.tmp, "plan.json", cv->plan);
}

/* Stage 4: the image, streamed from the guest. */
static int
build_image (struct convert *cv)
{
  double t = tool_now ();

  tool_stage (4, STAGES);
  tool_status ("reading the package database ...");
  if (v2c_extract_run (cv->x, cv->g, cv->p, cv->io.tag) == -1) {
    tool_failed (v2c_extract_error (cv->x));
    return -1;
  }
  tool_progress_done ();
  cv->image = v2c_extract_summary (cv->x);
  if (cv->image == NULL) {
    tool_error ("out of memory");
    return -1;
  }
  tool_verbose ("image %s (%.1f s)",
                json_string_value (json_object_get (cv->image, "manifest")),
                tool_now () - t);
  if (record_data (cv) == -1)
    return -1;
  /* the appliance is done with: shut it down before the rest */
  drop_overlays (cv);
  return tool_stopped () ? -1 : 0;
}

/* Stage 4 of a VM kept as a VM: its guest converted for KVM (in the
 * overlays, through the appliance that inspected it), then the disks
 * written: the boot disk as a containerDisk image in DIR/image, the
 * others as qcow2 files in DIR/disks for their DataVolumes. */
static int
convert_vm (struct convert *cv)
{
  struct v2c_err err = { 0, "" };
  char image_dir[sizeof cv->od.tmp + 16], disks_dir[sizeof cv->od.tmp + 16];
  char data_dir[sizeof cv->od.tmp + 16], label[64];
  size_t n = v2c_source_disk_count (cv->src), i;
  const char **ov = calloc (n ? n : 1, sizeof *ov);
  json_t *guest;
  double t = tool_now ();

  tool_stage (4, STAGES);
  if (ov == NULL) {
    tool_error ("out of memory");
    return -1;
  }
  /* no container image: its temporary directory goes now */
  v2c_extract_free (cv->x);
  cv->x = NULL;
  /* open_data's DIR/data holds nothing for a VM */
  snprintf (data_dir, sizeof data_dir, "%s/data", cv->od.tmp);
  if (cv->data_given)
    tool_warning ("--data: a VM kept as a VM keeps its data on its disks, "
                  "which are converted whole");
  rmdir (data_dir);
  tool_status ("converting the guest for KVM (virtio) ...");
  guest = v2c_vm_convert_guest (cv->g, cv->p, &err);
  if (guest == NULL || tool_interrupted) {
    tool_progress_done ();
    if (!tool_stopped ())
      tool_error ("guest conversion (the VM is kept as a VM: %s): %s",
                  cv->p->target->reason, err.msg);
    json_decref (guest);
    free (ov);
    return -1;
  }
  tool_verbose ("guest converted (%.1f s)", tool_now () - t);
  t = tool_now ();
  tool_status ("writing the converted disks ...");
  if (v2c_guest_close (cv->g) == -1) {
    tool_failed (v2c_guest_error (cv->g));
    json_decref (guest);
    free (ov);
    return -1;
  }
  for (i = 0; i < n; i++)
    ov[i] = v2c_guest_overlay (cv->g, i);
  snprintf (image_dir, sizeof image_dir, "%s/image", cv->od.tmp);
  snprintf (disks_dir, sizeof disks_dir, "%s/disks", cv->od.tmp);
  v2c_kube_dns_label (cv->p->name, label, sizeof label);
  cv->image = v2c_vm_write_disks (cv->p, ov, n, image_dir, disks_dir,
                                  cv->od.tmp, label, &err);
  free (ov);
  drop_overlays (cv);
  tool_progress_done ();
  if (cv->image == NULL) {
    json_decref (guest);
    tool_failed (err.msg);
    return -1;
  }
  json_object_set_new (cv->image, "guest", guest);
  tool_verbose ("disks written (%.1f s)", tool_now () - t);
  return tool_stopped () ? -1 : 0;
}

/* Stages 5-6: manifests (pinned to the image), report, SBOMs. */
static int
describe (struct convert *cv)
{
  struct v2c_err err = { 0, "" };
  char dir[sizeof cv->od.tmp + 16], image_dir[sizeof cv->od.tmp + 16];
  json_t *doc;
  int n;

  tool_stage (5, STAGES);
  if (tool_stopped ())
    return -1;
  tool_status ("writing the Kubernetes manifests ...");
  snprintf (dir, sizeof dir, "%s/k8s", cv->od.tmp);
  snprintf (image_dir, sizeof image_dir, "%s/image", cv->od.tmp);
  if (mkdir (dir, 0755) == -1) {
    tool_progress_done ();
    tool_error ("can't create '%s': %s", dir, strerror (errno));
    return -1;
  }
  /* a VM whose boot disk is a DataVolume has no image */
  cv->ko.image_dir = access (image_dir, F_OK) == 0 ? image_dir : NULL;
  n = tool_kube_write (cv->p, "plan", &cv->ko, dir);
  if (n == -1)
    return -1;
  tool_verbose ("%d Kubernetes objects", n);

  tool_stage (6, STAGES);
  if (tool_stopped ())
    return -1;
  tool_status ("writing the report and the SBOMs ...");
  cv->report = v2c_report_build (cv->inventory, cv->p, cv->image, &err);
  if (cv->report == NULL
      || v2c_report_write (cv->report, cv->od.tmp, &err) == -1) {
    tool_progress_done ();
    tool_error ("report: %s", err.msg);
    return -1;
  }
  doc = v2c_sbom_spdx (cv->inventory, cv->image, &err);
  if (doc == NULL || write_json (cv->od.tmp, "sbom.spdx.json", doc) == -1) {
    tool_progress_done ();
    if (doc == NULL)
      tool_error ("SPDX SBOM: %s", err.msg);
    json_decref (doc);
    return -1;
  }
  json_decref (doc);
  doc = v2c_sbom_cyclonedx (cv->inventory, cv->image, &err);
  if (doc == NULL || write_json (cv->od.tmp, "sbom.cdx.json", doc) == -1) {
    tool_progress_done ();
    if (doc == NULL)
      tool_error ("CycloneDX SBOM: %s", err.msg);
    json_decref (doc);
    return -1;
  }
  json_decref (doc);
  tool_progress_done ();
  tool_stage (0, 0);
  return tool_stopped () ? -1 : 0;
}

static void
summary (const struct convert *cv, double secs)
{
  const json_t *fit = json_object_get (cv->report, "fitness");
  json_t *l;
  json_int_t bytes = 0;
  size_t i;

  if (opts.quiet)
    return;
  if (v2c_plan_is_vm (cv->p)) {
    fprintf (stderr, "%s: converted '%s' in %.0f s into %s/, kept as a "
             "KubeVirt VM\n  fitness: %s (%zu rules fired)\n",
             program_name, cv->p->name, secs, cv->od.out,
             json_string_value (json_object_get (fit, "verdict")),
             json_array_size (json_object_get (fit, "rules")));
    json_array_foreach (json_object_get (cv->image, "disks"), i, l)
      fprintf (stderr, "  %s: %s, %.1f MiB, %s\n",
               json_string_value (json_object_get (l, "name")),
               json_string_value (json_object_get (l, "delivery")),
               (double) json_integer_value (json_object_get (l, "size"))
                   / 1048576.0,
               json_object_get (l, "file")
                   ? json_string_value (json_object_get (l, "file"))
                   : json_string_value (json_object_get (cv->image,
                                                         "manifest")));
    fprintf (stderr, "  see %s/report.html; deploy with 'kubectl apply -k "
             "%s/k8s'\n", cv->od.out, cv->od.out);
    return;
  }
  json_array_foreach (json_object_get (cv->image, "layers"), i, l) bytes
      += json_integer_value (json_object_get (l, "size"));
  fprintf (stderr,
           "%s: converted '%s' in %.0f s into %s/\n"
           "  fitness: %s (%zu rules fired); %zu components, %zu dropped\n"
           "  image: %zu layers, %.1f MiB, %s\n"
           "  see %s/report.html; deploy with 'kubectl apply -k %s/k8s'\n",
           program_name, cv->p->name, secs,
           cv->od.out, json_string_value (json_object_get (fit, "verdict")),
           json_array_size (json_object_get (fit, "rules")),
           cv->p->components.n, cv->p->dropped.n,
           json_array_size (json_object_get (cv->image, "layers")),
           (double) bytes / 1048576.0,
           json_string_value (json_object_get (cv->image, "manifest")),
           cv->od.out, cv->od.out);
}

int
main (int argc, char **argv)
{
  static const struct option long_opts[]
      = { COMMON_LONG_OPTS,
          IMAGE_LONG_OPTS,
          { "registry", required_argument, NULL, OPT_REGISTRY },
          { "namespace", required_argument, NULL, OPT_NAMESPACE },
          { "force", no_argument, NULL, OPT_FORCE },
          { "name", required_argument, NULL, OPT_NAME },
          { "data", required_argument, NULL, OPT_DATA },
          { "data-max", required_argument, NULL, OPT_DATA_MAX },
          { "verify", no_argument, NULL, OPT_VERIFY_RUN },
          { "target", required_argument, NULL, OPT_TARGET },
          TOOL_GPU_LONG_OPTS,
          SOURCE_LONG_OPTS,
          { NULL, 0, NULL, 0 } };
  struct convert cv;
  const char *path;
  char image_dir[sizeof cv.od.tmp + 16];
  int c;
  int status = EXIT_FAIL;
  double t0 = tool_now ();

  memset (&cv, 0, sizeof cv);
  cv.data = V2C_DATA_SEED | V2C_DATA_ARCHIVE;
  cv.data_max = (uint64_t) 2 << 30;
  tool_init (argc, argv);
  image_opts_init (&cv.io);
  cv.x = v2c_extract_new ();
  if (cv.x == NULL) {
    tool_error ("out of memory");
    return EXIT_FAIL;
  }
  while ((c = tool_getopt (argc, argv, COMMON_SHORT_OPTS IMAGE_SHORT_OPTS,
                           long_opts, usage))
         != -1) {
    if (image_opts_option (&cv.io, cv.x, c, optarg))
      continue;
    switch (c) {
    case OPT_REGISTRY:
      tool_check_kube_name ("--registry", V2C_KUBE_REGISTRY, optarg);
      cv.ko.registry = optarg;
      break;
    case OPT_NAMESPACE:
      tool_check_kube_name ("--namespace", V2C_KUBE_LABEL, optarg);
      cv.ko.ns = optarg;
      break;
    case OPT_NAME:
      tool_check_kube_name ("--name", V2C_KUBE_LABEL, optarg);
      cv.name = optarg;
      break;
    case OPT_FORCE:
      cv.force = 1;
      break;
    case OPT_DATA:
      cv.data = tool_data_mode (optarg);
      cv.data_given = 1;
      break;
    case OPT_DATA_MAX:
      cv.data_max = tool_size_arg ("--data-max", optarg);
      break;
    case OPT_VERIFY_RUN:
      cv.verify = 1;
      break;
    case OPT_TARGET:
      cv.target = tool_target_arg (optarg);
      break;
    default:
      if (!tool_gpu_option (c, optarg, &cv.gpu))
        tool_try_help ();
      cv.gpu_given = 1;
    }
  }
  path = tool_source_arg (argc, argv);
  tool_need_output_dir ();
  image_opts_finish (&cv.io, cv.x);
  if (cv.io.plan_path && cv.target) {
    tool_error ("--target is for runs without --plan: the plan says its "
                "target (edit it, or run v2c-plan --target)");
    tool_try_help ();
  }
  if (cv.io.plan_path && cv.gpu_given) {
    tool_error ("--gpu-* and --models are for runs without --plan: the "
                "plan says what its components request and mount (edit "
                "it, or run v2c-plan --gpu-sharing or --models)");
    tool_try_help ();
  }
  if (opts.templates) {
    struct stat st;

    if (stat (opts.templates, &st) == -1 || !S_ISDIR (st.st_mode)) {
      tool_error ("--templates '%s': not a directory", opts.templates);
      tool_try_help ();
    }
  }

  tool_catch_signals (1);
  tool_private_tmpdir ();

  if (cv.io.plan_path
      && (cv.p = image_opts_read_plan (cv.io.plan_path, &cv.plan)) == NULL)
    goto out;
  /* the output first: a wrong -o fails before the appliance starts */
  if (tool_outdir_begin (&cv.od, opts.output, cv.force) == -1)
    goto out;
  snprintf (image_dir, sizeof image_dir, "%s/image", cv.od.tmp);
  if (v2c_extract_open (cv.x, image_dir, 0) == -1) {
    tool_error ("%s", v2c_extract_error (cv.x));
    goto out;
  }
  if (open_data (&cv) == -1)
    goto out;
  v2c_extract_set_message_callback (cv.x, tool_message_cb, NULL);
  v2c_extract_set_progress_callback (cv.x, tool_progress_cb, NULL);
  v2c_extract_set_cancel_flag (cv.x, &tool_interrupted);

  if (read_vm (&cv, path) == -1
      || (v2c_plan_is_vm (cv.p) ? convert_vm (&cv) : build_image (&cv)) == -1
      || describe (&cv) == -1)
    goto out;
  if (tool_outdir_commit (&cv.od) == -1)
    goto out;
  {
    struct rusage ru;

    if (getrusage (RUSAGE_SELF, &ru) == 0)
      tool_verbose ("peak RSS of %s: %ld KiB (the appliance not counted)",
                    program_name, ru.ru_maxrss);
  }
  summary (&cv, tool_now () - t0);
  status = cv.verify && !tool_interrupted ? tool_run_verify (cv.od.out) : EXIT_OK;
out:
  tool_progress_done ();
  tool_stage (0, 0);
  /* the image's own temporary directory goes first, then ours */
  v2c_extract_free (cv.x);
  v2c_guest_free (cv.g);
  v2c_source_free (cv.src);
  tool_outdir_abort (&cv.od);
  json_decref (cv.report);
  json_decref (cv.image);
  v2c_plan_free (cv.p);
  v2c_inventory_free (cv.inventory);
  json_decref (cv.plan);
  json_decref (cv.inv);
  return tool_exit_status (status);
}
