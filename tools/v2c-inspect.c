/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * v2c-inspect: the inventory of one VM, without booting or changing it.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

enum {
  OPT_DESCRIPTOR_ONLY = OPT_TOOL_BASE,
};

static noreturn void
usage (int status)
{
  if (status != EXIT_OK)
    tool_try_help ();
  printf ("Usage: %s [OPTION]... SOURCE\n"
          "  or:  %s [OPTION]... -c URI -d DOMAIN\n"
          "Print the inventory (JSON) of a VMware VM without booting it.\n"
          "\n"
          "SOURCE is an .ova, .ovf or .vmx file, or a disk image (vmdk, raw,\n"
          "qcow2).  Its disks are opened read-only; nothing is ever written.\n"
          "\n"
          "  -c, --connect=URI      read the domain from libvirt (esx://,\n"
          "                         vpx://, qemu:///system, test:///FILE)\n"
          "  -d, --domain=NAME      the libvirt domain to read\n"
          "  -o, --output=FILE      write the inventory to FILE (default:\n"
          "                         standard output)\n"
          "      --vm=NAME          the VM to read from an OVF that lists\n"
          "                         several (VirtualSystemCollection)\n"
          "      --descriptor-only  read only the OVF/VMX/libvirt XML: no\n"
          "                         disk is opened (fast fleet planning)\n"
          "      --no-verify        don't check the OVA/OVF manifest (.mf)\n"
          "      --allow-outside-paths  let the export name files outside its\n"
          "                         folder (refused by default)\n"
          "  -v, --verbose          say more (twice: libguestfs debug)\n"
          "  -q, --quiet            no warnings, no progress bar\n",
          program_name, program_name);
  tool_help_end ("v2c-inspect");
}

int
main (int argc, char **argv)
{
  static const struct option long_opts[] = {
    COMMON_LONG_OPTS,
    { "descriptor-only", no_argument, NULL, OPT_DESCRIPTOR_ONLY },
    SOURCE_LONG_OPTS,
    { NULL, 0, NULL, 0 }
  };
  struct v2c_source *src = NULL;
  struct v2c_guest *g = NULL;
  json_t *inv = NULL;
  int descriptor_only = 0, c, status = EXIT_FAIL;
  const char *path;

  tool_init (argc, argv);
  while ((c = tool_getopt (argc, argv, COMMON_SHORT_OPTS, long_opts, usage))
         != -1)
    switch (c) {
    case OPT_DESCRIPTOR_ONLY:
      descriptor_only = 1;
      break;
    default:
      tool_try_help ();
    }
  path = tool_source_arg (argc, argv);
  tool_catch_signals (1);
  tool_private_tmpdir ();

  src = tool_open_source (path, descriptor_only);
  if (src == NULL)
    goto out;
  if (!descriptor_only) {
    g = tool_open_guest (src, NULL);
    if (g == NULL)
      goto out;
    tool_status ("reading packages, services, configuration ...");
  }

  inv = tool_interrupted ? NULL : v2c_inventory_build (src, g);
  tool_progress_done ();
  if (inv == NULL || tool_interrupted) {
    tool_failed (v2c_source_error (src));
    goto out;
  }
  if (tool_write_json (inv, opts.output) == 0)
    status = EXIT_OK;
 out:
  json_decref (inv);
  v2c_guest_free (g);
  v2c_source_free (src);
  return tool_exit_status (status);
}
