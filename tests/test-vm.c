/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * lib/vm-text.c: the edits of a guest conversion on the guest's text
 * files (fstab, bootloader, initramfs module list, network
 * configuration), on files as VMware guests have them.
 */
#include <config.h>

#include <jansson.h>

#include "unit.h"
#include "vm.h"

/* The disks of the test guest: sda1 has a UUID, sdb2 a label only,
 * sdc1 neither. */
static int
map (void *opaque, const char *dev, char *out, size_t size)
{
  (void) opaque;
  if (strcmp (dev, "/dev/sda1") == 0 || strcmp (dev, "/dev/hda1") == 0)
    return snprintf (out, size, "UUID=0f1e2d3c-aaaa-4bbb-8ccc-123456789abc")
           > 0;
  if (strcmp (dev, "/dev/sdb2") == 0)
    return snprintf (out, size, "LABEL=swap") > 0;
  return 0;
}

static void
test_disk_device (void)
{
  static const struct {
    const char *name;
    size_t want;
  } cases[] = {
    { "/dev/sda1", 8 },  { "/dev/sda", 8 },    { "/dev/hdb", 8 },
    { "/dev/xvdc2", 9 }, { "/dev/sdaa12", 9 }, { "/dev/vda1", 0 },
    { "/dev/sd", 0 },    { "/dev/sda1x", 0 },  { "/dev/sdA1", 0 },
    { "/dev/sda12345", 0 }, { "sda1", 0 },     { "/dev/sdabcd1", 0 },
  };
  size_t i;

  for (i = 0; i < sizeof cases / sizeof *cases; i++)
    unit_check_int (cases[i].name, "disk part",
                    (long long) v2c_vm_disk_device (cases[i].name,
                                                    strlen (cases[i].name)),
                    (long long) cases[i].want);
}

static void
test_fstab (void)
{
  static const char in[]
      = "# /etc/fstab: static file system information.\n"
        "# /dev/sda1 was on /dev/sda1 during installation\n"
        "/dev/sda1\t/  ext4  errors=remount-ro 0 1\n"
        "  /dev/sdb2 none swap sw 0 0\n"
        "/dev/sdc1 /data xfs defaults 0 2\n"
        "UUID=1234 /boot ext4 defaults 0 2\n"
        "/dev/disk/by-path/pci-0000:03:00.0-scsi-0:0:1:0 /srv ext4 defaults 0 2\n"
        "/dev/sr0 /media/cdrom0 udf,iso9660 user,noauto 0 0\n"
        "/dev/hda1 /old ext4 defaults 0 0";
  static const char want[]
      = "# /etc/fstab: static file system information.\n"
        "# /dev/sda1 was on /dev/sda1 during installation\n"
        "UUID=0f1e2d3c-aaaa-4bbb-8ccc-123456789abc\t/  ext4  "
        "errors=remount-ro 0 1\n"
        "  LABEL=swap none swap sw 0 0\n"
        "/dev/sdc1 /data xfs defaults 0 2\n"
        "UUID=1234 /boot ext4 defaults 0 2\n"
        "/dev/disk/by-path/pci-0000:03:00.0-scsi-0:0:1:0 /srv ext4 defaults 0 2\n"
        "/dev/sr0 /media/cdrom0 udf,iso9660 user,noauto 0 0\n"
        "UUID=0f1e2d3c-aaaa-4bbb-8ccc-123456789abc /old ext4 defaults 0 0";
  struct v2c_err err = { 0, "" };
  json_t *changes = json_array ();
  char *out;
  int n = -1;

  out = v2c_vm_fstab_rewrite (in, strlen (in), map, NULL, changes, &n, &err);
  CHECK (out && strcmp (out, want) == 0, "fstab: got\n%s", unit_str (out));
  CHECK (n == 3, "fstab: %d lines changed, want 3", n);
  CHECK (json_array_size (changes) == 3
             && unit_streq (json_string_value (json_array_get (changes, 1)),
                            "/etc/fstab line 4: /dev/sdb2 is now LABEL=swap"),
         "fstab: the changes say line and device");
  free (out);
  json_decref (changes);
}

static void
test_cmdline (void)
{
  static const char in[]
      = "\tlinux\t/boot/vmlinuz-6.1.0-28-amd64 root=/dev/sda1 ro "
        "console=ttyS0 resume=/dev/sdb2\n"
        "GRUB_CMDLINE_LINUX=\"root=/dev/hda1 quiet\"\n"
        "options myroot=/dev/sda1 root=/dev/sdc1 root=/dev/vda1\n"
        "root=/dev/sda1";
  static const char want[]
      = "\tlinux\t/boot/vmlinuz-6.1.0-28-amd64 "
        "root=UUID=0f1e2d3c-aaaa-4bbb-8ccc-123456789abc ro "
        "console=ttyS0 resume=LABEL=swap\n"
        "GRUB_CMDLINE_LINUX=\"root=UUID=0f1e2d3c-aaaa-4bbb-8ccc-123456789abc "
        "quiet\"\n"
        "options myroot=/dev/sda1 root=/dev/sdc1 root=/dev/vda1\n"
        "root=UUID=0f1e2d3c-aaaa-4bbb-8ccc-123456789abc";
  struct v2c_err err = { 0, "" };
  char *out;
  int n = -1;

  out = v2c_vm_cmdline_rewrite (in, strlen (in), map, NULL, &n, &err);
  CHECK (out && strcmp (out, want) == 0, "cmdline: got\n%s", unit_str (out));
  CHECK (n == 4, "cmdline: %d changed, want 4", n);
  free (out);
}

static void
test_grub_default (void)
{
  static const char in[] = "GRUB_TIMEOUT=5\nGRUB_DISABLE_LINUX_UUID=true\n"
                           "  GRUB_DISABLE_LINUX_UUID='true'\n"
                           "#GRUB_DISABLE_LINUX_UUID=true\n"
                           "GRUB_DISABLE_LINUX_UUID=false\n";
  static const char want[]
      = "GRUB_TIMEOUT=5\n# v2c-convert: the root by UUID on KVM\n"
        "#GRUB_DISABLE_LINUX_UUID=true\n"
        "# v2c-convert: the root by UUID on KVM\n#  "
        "GRUB_DISABLE_LINUX_UUID='true'\n"
        "#GRUB_DISABLE_LINUX_UUID=true\nGRUB_DISABLE_LINUX_UUID=false\n";
  struct v2c_err err = { 0, "" };
  int n = -1;
  char *out = v2c_vm_grub_default_rewrite (in, strlen (in), &n, &err);

  CHECK (out && strcmp (out, want) == 0, "grub default: got\n%s",
         unit_str (out));
  CHECK (n == 2, "grub default: %d changed, want 2", n);
  free (out);
}

static void
test_modules (void)
{
  static const char *const mods[]
      = { "virtio_pci", "virtio_blk", "virtio_net", "sd_mod", NULL };
  static const char in[] = "# List of modules\nmptspi\nvirtio_net debug=1\n"
                           "#virtio_pci\nsd_mod";
  static const char want[]
      = "# List of modules\nmptspi\nvirtio_net debug=1\n#virtio_pci\nsd_mod"
        "\n# v2c-convert: KVM's virtio drivers\nvirtio_pci\nvirtio_blk\n";
  struct v2c_err err = { 0, "" };
  json_t *added = json_array ();
  char *out = v2c_vm_modules_add (in, strlen (in), mods, added, &err);

  CHECK (out && strcmp (out, want) == 0, "modules: got\n%s", unit_str (out));
  CHECK (json_array_size (added) == 2, "modules: %zu added, want 2",
         json_array_size (added));
  free (out);
  out = v2c_vm_modules_add ("", 0, mods, NULL, &err);
  CHECK (out && strncmp (out, "# v2c-convert", 13) == 0
             && strstr (out, "sd_mod\n"),
         "modules: an empty list gets all: %s", unit_str (out));
  free (out);
  json_decref (added);
}

static void
test_nic_names (void)
{
  static const struct {
    enum v2c_vm_netconf kind;
    const char *text;
  } files[] = {
    { V2C_NET_IFUPDOWN,
      "auto lo ens224\niface lo inet loopback\n# iface eth9 inet dhcp\n"
      "allow-hotplug ens192\niface ens192 inet static\n  address 10.0.0.2/24\n"
      "iface ens192.100 inet manual\nauto bond0\niface br0 inet dhcp\n" },
    { V2C_NET_NETWORKD, "[Match]\nName=eth1\n\n[Network]\nDHCP=yes\n" },
    { V2C_NET_NETWORKD, "[Match]\nName=en*\n" },
    { V2C_NET_IFCFG, "TYPE=Ethernet\nDEVICE=\"eth0\"\nHWADDR=00:50:56:01:02:03\n" },
    { V2C_NET_NM, "[connection]\nid=Wired\ninterface-name=ens192\n" },
    { V2C_NET_NETPLAN,
      "network:\n  version: 2\n  ethernets:\n    ens256:\n      dhcp4: true\n"
      "      match:\n        name: eth7\n    enp11s0: {}\n  bridges:\n"
      "    br0:\n      interfaces: [ens256]\n    eth5:\n      x: y\n" },
  };
  static const char *const want[]
      = { "eth0", "eth1", "enp11s0", "ens192", "ens224", "ens256" };
  struct v2c_strvec names = V2C_STRVEC_INIT;
  struct v2c_err err = { 0, "" };
  size_t i;

  for (i = 0; i < sizeof files / sizeof *files; i++)
    CHECK (v2c_vm_nic_names (files[i].kind, files[i].text,
                             strlen (files[i].text), &names, &err)
               == 0,
           "nic names: file %zu: %s", i, err.msg);
  v2c_vm_sort_nic_names (&names);
  CHECK (names.n == sizeof want / sizeof *want, "nic names: %zu, want %zu",
         names.n, sizeof want / sizeof *want);
  for (i = 0; i < names.n && i < sizeof want / sizeof *want; i++)
    unit_check_str ("nic names", "name", names.v[i], want[i]);
  v2c_strvec_clear (&names);
}

static void
test_limits (void)
{
  size_t len = V2C_VM_TEXT_MAX + 1, i;
  char *big = malloc (len + 1);
  struct v2c_strvec names = V2C_STRVEC_INIT;
  struct v2c_err err = { 0, "" };
  char line[32];
  int n;

  if (big == NULL)
    unit_die ("out of memory");
  memset (big, '\n', len);
  big[len] = '\0';
  CHECK (v2c_vm_fstab_rewrite (big, len, map, NULL, NULL, &n, &err) == NULL
             && strstr (err.msg, "more than"),
         "a file over the limit is refused: %s", err.msg);
  CHECK (v2c_vm_nic_names (V2C_NET_IFUPDOWN, big, len, &names, &err) == -1,
         "a network file over the limit is refused");
  /* many interfaces: the first V2C_VM_NICS_MAX */
  big[0] = '\0';
  for (i = 0, len = 0; i < 2 * V2C_VM_NICS_MAX; i++)
    len += (size_t) snprintf (big + len, 32, "auto eth%zu\n", i);
  CHECK (v2c_vm_nic_names (V2C_NET_IFUPDOWN, big, len, &names, &err) == 0
             && names.n == V2C_VM_NICS_MAX,
         "at most %d names: %zu", V2C_VM_NICS_MAX, names.n);
  snprintf (line, sizeof line, "eth%d", V2C_VM_NICS_MAX - 1);
  CHECK (v2c_strvec_find (&names, line) >= 0, "the first ones are kept");
  v2c_strvec_clear (&names);
  free (big);
}

int
main (void)
{
  test_disk_device ();
  test_fstab ();
  test_cmdline ();
  test_grub_default ();
  test_modules ();
  test_nic_names ();
  test_limits ();
  return unit_status ();
}
