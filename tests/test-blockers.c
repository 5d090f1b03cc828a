/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Blockers and the command-line redaction, on guest trees built here:
 * a DKMS module and a module installed by hand, modules loaded at boot,
 * kernel parameters, a desktop, one service bound to two addresses and a
 * 32-bit userland must each fire their rule with the evidence that
 * triggered it; a clean tree must fire none.  Secret values on service
 * command lines and in cron commands never reach the inventory.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inspect-tree.h"
#include "unit.h"

static const char dpkg_status[] =
  "Package: base-files\nStatus: install ok installed\nVersion: 12.4\n"
  "Architecture: amd64\n\n"
  "Package: xserver-xorg-core\nStatus: install ok installed\n"
  "Version: 2:21.1.7-3\nArchitecture: amd64\n\n"
  "Package: nginx\nStatus: install ok installed\nVersion: 1.22.1-9\n"
  "Architecture: amd64\n\n";

static const char status_i386[] =
  "Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\n"
  "Architecture: i386\n\n"
  "Package: bash\nStatus: install ok installed\nVersion: 5.2-2\n"
  "Architecture: i386\n\n"
  "Package: tzdata\nStatus: install ok installed\nVersion: 2024a-0\n"
  "Architecture: all\n\n";

/* The guest tree the blockers are read from. */
static const struct {
  const char *path, *content;
} guest_files[] = {
  { "/var/lib/dpkg/status", dpkg_status },
  { "/var/lib/dkms/v2cnet/1.4.2/source/dkms.conf", "x\n" },
  { "/lib/modules/6.1.0-18-amd64/updates/dkms/v2cnet.ko", "ko\n" },
  /* NVIDIA's driver: the GPU nodes' business, not a blocker */
  { "/var/lib/dkms/nvidia/535.104/source/dkms.conf", "x\n" },
  { "/lib/modules/6.1.0-18-amd64/updates/dkms/nvidia.ko", "ko\n" },
  { "/lib/modules/6.1.0-18-amd64/updates/dkms/nvidia-uvm.ko", "ko\n" },
  { "/etc/modules-load.d/nvidia.conf", "nvidia\nnvidia-uvm\n" },
  { "/lib/modules/6.1.0-18-amd64/extra/vendor_hba.ko.xz", "ko\n" },
  { "/lib/modules/6.1.0-18-amd64/kernel/fs/ext4/ext4.ko", "ko\n" },
  { "/etc/modules-load.d/app.conf", "# for the app\nbr_netfilter\n" },
  { "/etc/sysctl.conf", "# defaults\n#net.ipv4.ip_forward=1\n" },
  { "/etc/sysctl.d/90-db.conf",
    "vm.swappiness = 1\nkernel.shmmax=68719476736\n" },
  { "/etc/nginx/nginx.conf",
    "http {\n server {\n  listen 10.0.0.1:80;\n  listen 10.0.0.2:80;\n"
    " }\n}\n" },
  /* secrets on command lines: never in the inventory */
  { "/etc/systemd/system/app.service",
    "[Service]\nExecStart=/opt/app/bin/app --db-password=v2c-planted-cl1 "
    "--token v2c-planted-cl2 --url postgres://app:v2c-planted-cl3@db/app "
    "-Dapp.secret=v2c-planted-cl4 --port 8080\n"
    "[Install]\nWantedBy=multi-user.target\n" },
  { "/etc/systemd/system/multi-user.target", "[Unit]\n" },
};


/* The blocker with that rule, or NULL. */
static json_t *
blocker (json_t *inv, const char *rule)
{
  size_t i;
  json_t *b;

  json_array_foreach (json_object_get (inv, "blockers"), i, b)
    if (strcmp (json_string_value (json_object_get (b, "rule")), rule) == 0)
      return b;
  return NULL;
}

static int
evidence_has (json_t *b, const char *needle)
{
  size_t i;
  json_t *e;

  json_array_foreach (json_object_get (b, "evidence"), i, e)
    if (strstr (json_string_value (e), needle))
      return 1;
  return 0;
}

int
main (void)
{
  char root[] = "/tmp/v2c-test-blockers.XXXXXX";
  char clean[] = "/tmp/v2c-test-clean.XXXXXX";
  char cmd[8192], *dump;
  json_t *inv, *b;
  size_t i;

  if (mkdtemp (root) == NULL || mkdtemp (clean) == NULL)
    return 1;
  for (i = 0; i < sizeof guest_files / sizeof guest_files[0]; i++)
    unit_put (root, guest_files[i].path, guest_files[i].content);
  if (tree_enable_unit (root, "app.service") == -1)
    return 1;
  unit_put (root, "/etc/cron.d/backup",
       "0 1 * * * root /usr/bin/backup --password v2c-planted-cl5\n");

  inv = tree_inventory (root, "x86_64");
  b = blocker (inv, "kernel-module-dkms");
  CHECK_SAY (b && evidence_has (b, "/var/lib/dkms/v2cnet")
             && !evidence_has (b, "nvidia"),
             "a DKMS module fires, NVIDIA's does not");
  b = blocker (inv, "kernel-module-out-of-tree");
  CHECK_SAY (b && evidence_has (b, "updates/dkms/v2cnet.ko")
           && evidence_has (b, "extra/vendor_hba.ko.xz")
           && !evidence_has (b, "ext4.ko") && !evidence_has (b, "nvidia"),
         "modules outside the kernel's tree fire, the kernel's own and NVIDIA's do not");
  b = blocker (inv, "kernel-module-autoload");
  CHECK_SAY (b && evidence_has (b, "/etc/modules-load.d/app.conf:2: br_netfilter")
             && !evidence_has (b, "nvidia"),
         "module loaded at boot, with file and line; NVIDIA's is not a blocker");
  b = blocker (inv, "gpu-driver");
  CHECK_SAY (b && json_string_value (json_object_get (b, "severity"))
             && strcmp (json_string_value (json_object_get (b, "severity")),
                        "info") == 0
             && evidence_has (b, "/var/lib/dkms/nvidia")
             && evidence_has (b, "updates/dkms/nvidia-uvm.ko")
             && evidence_has (b, "/etc/modules-load.d/nvidia.conf:2: nvidia-uvm"),
             "NVIDIA's DKMS tree, modules and their loading: the gpu-driver "
             "rule, info only");
  b = json_object_get (json_object_get (inv, "ai"), "drivers");
  CHECK_SAY (json_array_size (b) == 3
             && strcmp (json_string_value (json_object_get (
                            json_array_get (b, 2), "version")) ?: "",
                        "535.104") == 0,
             "the inventory's ai lists the driver's DKMS tree (its version) "
             "and the two modules loaded at boot");
  b = blocker (inv, "kernel-parameters");
  CHECK_SAY (b && evidence_has (b, "/etc/sysctl.d/90-db.conf:1: vm.swappiness = 1")
           && evidence_has (b, "kernel.shmmax")
           && !evidence_has (b, "ip_forward"),
         "kernel parameters fire (comments do not)");
  b = blocker (inv, "desktop-session");
  CHECK_SAY (b && evidence_has (b, "xserver-xorg-core"), "desktop package fires");
  b = blocker (inv, "multiple-ip-addresses");
  CHECK_SAY (b && evidence_has (b, "10.0.0.1") && evidence_has (b, "10.0.0.2"),
         "one service on two addresses fires");
  CHECK_SAY (blocker (inv, "32-bit-userland") == NULL, "64-bit: no 32-bit rule");
  CHECK_SAY (json_is_string (json_object_get (blocker (inv, "kernel-parameters"),
                                          "severity")),
         "blockers carry a severity");
  dump = json_dumps (inv, 0);
  CHECK_SAY (dump && strstr (dump, "v2c-planted-cl") == NULL,
         "no command-line secret in the inventory");
  CHECK_SAY (dump && strstr (dump, "--db-password=<redacted>")
           && strstr (dump, "--token <redacted>")
           && strstr (dump, "postgres://app:<redacted>@db/app")
           && strstr (dump, "-Dapp.secret=<redacted>")
           && strstr (dump, "--port 8080")
           && strstr (dump, "--password <redacted>"),
         "command lines keep their shape, values redacted");
  free (dump);
  json_decref (inv);

  /* a 32-bit userland */
  unit_put (root, "/var/lib/dpkg/status", status_i386);
  inv = tree_inventory (root, "x86_64");
  b = blocker (inv, "32-bit-userland");
  CHECK_SAY (b && evidence_has (b, "2 of 2 packages"),
         "i386 packages fire the 32-bit rule");
  json_decref (inv);
  inv = tree_inventory (root, "i386");
  CHECK_SAY (blocker (inv, "32-bit-userland") != NULL, "an i386 guest fires it");
  json_decref (inv);

  /* a clean tree fires nothing */
  unit_put (clean, "/var/lib/dpkg/status",
       "Package: base-files\nStatus: install ok installed\nVersion: 12.4\n"
       "Architecture: amd64\n\n");
  unit_put (clean, "/etc/sysctl.conf", "# nothing set\n");
  snprintf (cmd, sizeof cmd,
            "mkdir -p %s/etc/sysctl.d && ln -s ../sysctl.conf "
            "%s/etc/sysctl.d/99-sysctl.conf",
            clean, clean);
  if (system (cmd) != 0)
    return 1;
  inv = tree_inventory (clean, "x86_64");
  CHECK_SAY (json_array_size (json_object_get (inv, "blockers")) == 0,
         "a clean guest has no blocker");
  json_decref (inv);

  snprintf (cmd, sizeof cmd, "rm -rf '%s' '%s'", root, clean);
  if (system (cmd) != 0)
    return 1;
  return failures ? 1 : 0;
}
