/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A VM kept as a VM (plan target "vm"): its guest converted to boot on
 * KVM's virtio devices (lib/vm-guest.c, through the appliance, on
 * overlays of the source's disks), and its disks delivered as a
 * KubeVirt containerDisk image or as qcow2 files for CDI DataVolumes
 * (lib/vm-disk.c).  The edits of the guest's text files are pure
 * functions (lib/vm-text.c): each guest file is hostile input, so they
 * have limits, unit tests and a fuzz target.
 */
#ifndef V2C_VM_H
#define V2C_VM_H

#include <stddef.h>

#include <jansson.h>

#include "model.h"
#include "strbuf.h"
#include "v2c-internal.h"

/* Largest guest text file an edit reads (fstab, grub.cfg, network
 * configuration): far beyond any real one. */
#define V2C_VM_TEXT_MAX (4u << 20)
/* The most interface names read from the guest's configuration. */
#define V2C_VM_NICS_MAX 64

/* The device names a guest may use for its disks on VMware, which KVM's
 * virtio bus renames: /dev/sdX, /dev/hdX, /dev/xvdX, with or without a
 * partition number.  Returns the length of the disk part ("/dev/sda" of
 * "/dev/sda1"), or 0 when name is not such a device. */
size_t v2c_vm_disk_device (const char *name, size_t len);

/* What a device name becomes: "UUID=..." or "LABEL=..." in *out, or 0
 * when it has neither (the line is kept). */
typedef int (*v2c_vm_devmap_fn) (void *opaque, const char *dev, char *out,
                                 size_t size);

/* /etc/fstab with each /dev/sdXN (hdXN, xvdXN) in the first field made
 * UUID= or LABEL= by map; every other byte as it was.  Each change is
 * appended to changes as a sentence.  NULL with err when the text is
 * too large or out of memory; *changed counts the lines changed. */
char *v2c_vm_fstab_rewrite (const char *text, size_t len,
                            v2c_vm_devmap_fn map, void *opaque,
                            json_t *changes, int *changed,
                            struct v2c_err *err);

/* A bootloader configuration (grub.cfg, a BLS entry): each root= and
 * resume= naming such a device made root=UUID=... by map. */
char *v2c_vm_cmdline_rewrite (const char *text, size_t len,
                              v2c_vm_devmap_fn map, void *opaque,
                              int *changed, struct v2c_err *err);

/* /etc/default/grub with an active GRUB_DISABLE_LINUX_UUID=true
 * commented out, so that the generated configuration names the root
 * by UUID. */
char *v2c_vm_grub_default_rewrite (const char *text, size_t len,
                                   int *changed, struct v2c_err *err);

/* An initramfs module list (/etc/initramfs-tools/modules) with those of
 * mods that it lacks appended under a comment; each added module's
 * name goes to added. */
char *v2c_vm_modules_add (const char *text, size_t len,
                          const char *const *mods, json_t *added,
                          struct v2c_err *err);

/* The kinds of network configuration the interface names come from. */
enum v2c_vm_netconf {
  V2C_NET_IFUPDOWN, /* /etc/network/interfaces(.d/...) */
  V2C_NET_NETWORKD, /* /etc/systemd/network/NAME.network */
  V2C_NET_IFCFG,    /* /etc/sysconfig/network-scripts/ifcfg-NAME */
  V2C_NET_NM,       /* /etc/NetworkManager/system-connections/... */
  V2C_NET_NETPLAN,  /* /etc/netplan/NAME.yaml */
};

/* Append to names the Ethernet interface names (eth*, en*) that text
 * configures, once each, in the order they appear; at most
 * V2C_VM_NICS_MAX in all.  -1 with err when too large or out of
 * memory. */
int v2c_vm_nic_names (enum v2c_vm_netconf kind, const char *text, size_t len,
                      struct v2c_strvec *names, struct v2c_err *err);

/* Sort interface names the way VMware numbers its NICs: ethN by N, the
 * slot-named ensN (and enpN...) by their number, others after by name. */
void v2c_vm_sort_nic_names (struct v2c_strvec *names);

/* Convert the guest, mounted by v2c_guest_inspect on writable overlays
 * (v2c_guest_set_overlay_dir), to boot on KVM with the devices the
 * plan's VirtualMachine declares.  Returns the record of what it did
 * ({"changed": [...], "removed": [...], "devices": [...]}), or NULL with
 * err. */
struct v2c_guest;
json_t *v2c_vm_convert_guest (struct v2c_guest *g, const struct v2c_plan *p,
                              struct v2c_err *err);

/* After the appliance is closed: the converted disks (the overlays of
 * v2c_guest_overlay) written out.  The first disk, when it is no larger
 * than V2C_VM_CONTAINER_DISK_MAX, becomes a KubeVirt containerDisk
 * image in image_dir (one layer: /disk/NAME.qcow2, owned 107:107);
 * every other disk is a compressed qcow2 in disks_dir/DATAVOLUME.qcow2
 * for its CDI DataVolume.  Returns the image summary the report takes
 * ({"manifest", "ref", "layers", "disks": [...]}) or NULL with err.
 * vm: the VM's name as a DNS label (v2c_kube_dns_label), which names
 * the image (VM-disk) and the DataVolumes. */
#define V2C_VM_CONTAINER_DISK_MAX (10ll << 30)
json_t *v2c_vm_write_disks (const struct v2c_plan *p,
                            const char *const *overlays, size_t n,
                            const char *image_dir, const char *disks_dir,
                            const char *tmp_dir, const char *vm,
                            struct v2c_err *err);

/* A DNS-1035 label NAME-SUFFIX, NAME cut so that it fits 63: a disk's
 * DataVolume (NAME-disk1), shared by the manifests and the disk files,
 * and a VM's Services (NAME-tcp-80). */
void v2c_vm_sub_name (char *out, size_t size, const char *vm,
                             const char *disk);
/* Is disk i delivered as a DataVolume rather than a containerDisk?  The
 * first disk when larger than V2C_VM_CONTAINER_DISK_MAX; every other
 * disk always, since a containerDisk is ephemeral and what a second
 * disk holds is data. */
int v2c_vm_disk_is_datavolume (const struct v2c_plan_target *t, size_t i);

#endif /* V2C_VM_H */
