/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The objects of a plan whose target is a VM (plan->target, lib/target.c):
 * a KubeVirt VirtualMachine (kubevirt.io/v1), a CDI DataVolume
 * (cdi.kubevirt.io/v1beta1) for each disk too large for a containerDisk,
 * a Service per port the guest listened on and a NetworkPolicy, in the
 * same kustomize base as the containers' objects.
 *
 * Sizing: KubeVirt's user guide makes instancetypes and preferences the
 * default of 'virtctl create vm' (inferred from the boot volume), but an
 * instancetype fixes the guest's CPU and memory to a catalogue size and
 * a VM using one can't set them itself.  An imported VM keeps the sizes
 * the VMX/OVF gave it, so the VM says them plainly (domain.cpu,
 * domain.memory.guest), as the guide's examples without instancetypes
 * do.  Field names follow the kubevirt.io/v1 API reference (domain.firmware
 * .bootloader.bios|efi, domain.machine.type, devices.disks[].disk.bus,
 * devices.interfaces[].masquerade|bridge, .macAddress, .model,
 * volumes[].containerDisk.image|dataVolume.name) and CDI's DataVolume
 * (spec.source.upload, spec.storage.resources.requests.storage);
 * tests/kubevirt-types.sh type-checks them against the KubeVirt API's
 * TypeScript types.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "kube-private.h"
#include "vm.h"

/* What a VM gets when the VMX/OVF did not say. */
#define DEFAULT_CPUS 1
#define DEFAULT_MEMORY_MIB 1024

#define L_DOMAIN "kubevirt.io/domain"

struct vm {
  const struct v2c_plan_target *t;
  char name[64]; /* the VirtualMachine's: a DNS-1123 label */
  int windows;
};

static json_t *
vm_labels (struct ctx *c, const struct vm *v)
{
  return json_pack ("{s:s, s:s, s:s, s:s, s:s}", L_NAME, v->name, L_INSTANCE,
                    c->vm, L_COMPONENT, "virtual-machine", L_PART_OF, c->vm,
                    L_MANAGED_BY, "v2c");
}

static json_t *
vm_selector (struct ctx *c, const struct vm *v)
{
  return json_pack ("{s:s, s:s}", L_NAME, v->name, L_INSTANCE, c->vm);
}

static json_t *
vm_metadata (struct ctx *c, const struct vm *v, const char *name)
{
  json_t *m = json_pack ("{s:s, s:o, s:{s:s, s:s}}", "name", name, "labels",
                         vm_labels (c, v), "annotations", "v2c.io/source-vm",
                         c->vm_name, "v2c.io/target-reason", v->t->reason);

  if (m && c->o->ns)
    json_object_set_new (m, "namespace", json_string (c->o->ns));
  return m;
}

/* The DataVolume of a disk, to which the converted disk is uploaded. */
static int
data_volume (struct ctx *c, const struct vm *v, const char *dv,
             const struct v2c_plan_vm_disk *d)
{
  long long gib = (d->size.v + (1ll << 30) - 1) >> 30;
  char comment[512], size[32];

  snprintf (size, sizeof size, "%lldGi", gib);
  snprintf (comment, sizeof comment,
            "the VM's %s (%s): upload the converted disk into it with\n"
            "  virtctl image-upload dv %s --no-create "
            "--image-path=disks/%s.qcow2",
            d->name,
            strcmp (d->name, v->t->disks.n ? v->t->disks.v[0].name : "disk0")
                    == 0
                ? "larger than a containerDisk may be"
                : "a disk after the boot disk keeps its data, which a "
                  "containerDisk would not",
            dv, dv);
  return kube_add_object (
      c, "DataVolume", dv,
      /* spec.storage, not spec.pvc: CDI takes the access and volume
       * modes from the storage class's StorageProfile */
      json_pack ("{s:s, s:s, s:o, s:{s:{s:{}}, s:{s:{s:{s:s}}}}}",
                 "apiVersion", "cdi.kubevirt.io/v1beta1", "kind", "DataVolume",
                 "metadata", vm_metadata (c, v, dv), "spec", "source",
                 "upload", "storage", "resources", "requests", "storage",
                 size),
      comment);
}

/* The disks, their volumes and the DataVolumes of the large ones. */
static int
disks (struct ctx *c, const struct vm *v, json_t *devs, json_t *vols)
{
  const char *bus = v->windows ? "sata" : "virtio";
  const char *reg = c->o->registry;
  size_t i, n = v->t->disks.n;
  json_t *ds = json_array ();

  if (ds == NULL || json_object_set_new (devs, "disks", ds) == -1)
    return -1;
  /* a plan edited to a VM by hand may list no disk: one all the same */
  for (i = 0; i < (n ? n : 1); i++) {
    static const struct v2c_plan_vm_disk none = { (char *) "disk0", { 0, 0 } };
    const struct v2c_plan_vm_disk *d = n ? &v->t->disks.v[i] : &none;
    char ref[1200], dv[64];
    json_t *disk = json_pack ("{s:s, s:{s:s}}", "name", d->name, "disk",
                              "bus", bus),
           *vol;

    if (disk && i == 0)
      json_object_set_new (disk, "bootOrder", json_integer (1));
    if (json_array_append_new (ds, disk) == -1)
      return -1;
    if (v2c_vm_disk_is_datavolume (v->t, i)) {
      v2c_vm_sub_name (dv, sizeof dv, v->name, d->name);
      if (data_volume (c, v, dv, d) == -1)
        return -1;
      vol = json_pack ("{s:s, s:{s:s}}", "name", d->name, "dataVolume", "name",
                       dv);
    } else {
      /* the boot disk's containerDisk, pinned when its image is there */
      char digest[80];
      if (c->o->image_dir
          && v2c_kube_image_digest (c->o->image_dir, digest, sizeof digest,
                                    c->err)
                 == -1)
        return -1;
      snprintf (ref, sizeof ref, "%s%s%.58s-disk%s%s", reg ? reg : "",
                reg ? "/" : "", v->name, c->o->image_dir ? "@" : ":latest",
                c->o->image_dir ? digest : "");
      vol = json_pack ("{s:s, s:{s:s}}", "name", d->name, "containerDisk",
                       "image", ref);
    }
    if (json_array_append_new (vols, vol) == -1)
      return -1;
  }
  return 0;
}

/* The NICs: the first on the pod network (masquerade), the others
 * bridged to a Multus network named after the VMware network; each
 * with the MAC address the VM had, so the guest's configuration still
 * finds its interface. */
static int
nics (const struct vm *v, json_t *devs, json_t *nets)
{
  const char *model = v->windows ? "e1000e" : "virtio";
  size_t i, n = v->t->nics.n;
  json_t *ifs = json_array ();

  if (ifs == NULL || json_object_set_new (devs, "interfaces", ifs) == -1)
    return -1;
  for (i = 0; i < (n ? n : 1); i++) {
    const struct v2c_plan_vm_nic *x = n ? &v->t->nics.v[i] : NULL;
    char name[16], net[64];
    json_t *iface, *network;

    if (i == 0) {
      snprintf (name, sizeof name, "default");
      iface = json_pack ("{s:s, s:{}, s:s}", "name", name, "masquerade",
                         "model", model);
      network = json_pack ("{s:s, s:{}}", "name", name, "pod");
    } else {
      snprintf (name, sizeof name, "nic%zu", i);
      v2c_kube_dns_label (x->network ? x->network : name, net, sizeof net);
      iface = json_pack ("{s:s, s:{}, s:s}", "name", name, "bridge", "model",
                         model);
      network = json_pack ("{s:s, s:{s:s}}", "name", name, "multus",
                           "networkName", net);
    }
    if (iface && x && x->mac)
      json_object_set_new (iface, "macAddress", json_string (x->mac));
    if (json_array_append_new (ifs, iface) == -1
        || json_array_append_new (nets, network) == -1)
      return -1;
  }
  return 0;
}

/* The GPUs the VM had: KubeVirt's devices.gpus, each by the resource
 * name KubeVirt's permittedHostDevices must give the device (the
 * comment on the object says which selector). */
static int
gpus (const struct vm *v, json_t *devs)
{
  json_t *g;
  size_t i;

  if (v->t->gpus.n == 0)
    return 0;
  g = json_array ();
  if (g == NULL || json_object_set_new (devs, "gpus", g) == -1)
    return -1;
  for (i = 0; i < v->t->gpus.n; i++)
    if (json_array_append_new (
            g, json_pack ("{s:s, s:s}", "name", v->t->gpus.v[i].name,
                          "deviceName", v->t->gpus.v[i].device_name))
        == -1)
      return -1;
  return 0;
}

static int
virtual_machine (struct ctx *c, const struct vm *v)
{
  const struct v2c_plan *p = c->plan;
  long long cpus = p->vm.cpus.set ? p->vm.cpus.v : DEFAULT_CPUS;
  long long mib = p->vm.memory_mib.set ? p->vm.memory_mib.v : DEFAULT_MEMORY_MIB;
  int efi = v->t->firmware && strcmp (v->t->firmware, "efi") == 0;
  json_t *devs = json_object (), *vols = json_array (), *nets = json_array ();
  json_t *boot, *labels, *domain, *vm;
  char memory[32], comment[512];

  if (devs == NULL || vols == NULL || nets == NULL
      || disks (c, v, devs, vols) == -1 || nics (v, devs, nets) == -1
      || gpus (v, devs) == -1) {
    json_decref (devs);
    json_decref (vols);
    json_decref (nets);
    return -1;
  }
  snprintf (memory, sizeof memory, "%lldMi", mib);
  /* VMware's EFI guests boot without Secure Boot unless told to */
  boot = efi ? json_pack ("{s:{s:b}}", "efi", "secureBoot", 0)
             : json_pack ("{s:{}}", "bios");
  labels = vm_selector (c, v);
  if (labels)
    json_object_set_new (labels, L_DOMAIN, json_string (v->name));
  domain = json_pack ("{s:{s:o}, s:{s:I, s:I, s:I}, s:{s:s}, s:{s:s}, s:o}",
                      "firmware", "bootloader", boot, "cpu", "sockets",
                      (json_int_t) 1, "cores", (json_int_t) cpus, "threads",
                      (json_int_t) 1, "memory", "guest", memory, "machine",
                      "type", "q35", "devices", devs);
  vm = json_pack ("{s:s, s:s, s:o, s:{s:s, s:{s:{s:o}, s:{s:o, s:o, s:o}}}}",
                  "apiVersion", "kubevirt.io/v1", "kind", "VirtualMachine",
                  "metadata", vm_metadata (c, v, v->name), "spec",
                  "runStrategy", "Always", "template", "metadata", "labels",
                  labels, "spec", "domain", domain, "networks", nets,
                  "volumes", vols);
  if (v->windows)
    snprintf (comment, sizeof comment,
              "a Windows guest: emulated devices (SATA disks, e1000e NICs), "
              "as no virtio drivers were put into it; once the virtio-win "
              "drivers are installed in the guest, set the disks' bus to "
              "virtio and the interfaces' model to virtio");
  else
    snprintf (comment, sizeof comment, "kept as a VM: %.400s",
              v->t->reason);
  if (v->t->gpus.n) {
    const struct v2c_plan_vm_gpu *g = &v->t->gpus.v[0];
    size_t len = strlen (comment);

    snprintf (comment + len, sizeof comment - len,
              "\nits GPU: KubeVirt's permittedHostDevices must name %s%s%s",
              g->device_name,
              g->pci_vendor_selector ? " for pciVendorSelector " : " (a mediated device)",
              g->pci_vendor_selector ? g->pci_vendor_selector : "");
  }
  return kube_add_object (c, "VirtualMachine", v->name, vm, comment);
}

/* A Service per port the guest listened on, and the NetworkPolicy. */
static int
services (struct ctx *c, const struct vm *v)
{
  const struct v2c_plan_target *t = v->t;
  json_t *pp = json_array ();
  size_t i;

  if (pp == NULL)
    return -1;
  for (i = 0; i < t->ports.n; i++) {
    const struct v2c_plan_vm_port *x = &t->ports.v[i];
    char svc[64], suffix[24], proto[4] = "TCP", pname[16];

    if (strcmp (x->protocol, "udp") == 0)
      snprintf (proto, sizeof proto, "UDP");
    snprintf (suffix, sizeof suffix, "%s-%lld", x->protocol, (long long) x->port);
    snprintf (pname, sizeof pname, "%s", suffix);
    v2c_vm_sub_name (svc, sizeof svc, v->name, suffix);
    json_array_append_new (pp, json_pack ("{s:s, s:I}", "protocol", proto,
                                          "port", (json_int_t) x->port));
    if (kube_add_object (
            c, "Service", svc,
            json_pack ("{s:s, s:s, s:o, s:{s:s, s:o, s:[{s:s, s:I, s:I, s:s}]}}",
                       "apiVersion", "v1", "kind", "Service", "metadata",
                       vm_metadata (c, v, svc), "spec", "type", "ClusterIP",
                       "selector", vm_selector (c, v), "ports", "name", pname,
                       "port", (json_int_t) x->port, "targetPort",
                       (json_int_t) x->port, "protocol", proto),
            NULL)
        == -1) {
      json_decref (pp);
      return -1;
    }
  }
  /* as the containers': in only to its ports, out only to DNS */
  return kube_add_object (
      c, "NetworkPolicy", v->name,
      json_pack ("{s:s, s:s, s:o, s:{s:{s:o}, s:[s, s], s:o,"
                 " s:[{s:[{s:{s:{s:s}}}], s:[{s:s, s:i}, {s:s, s:i}]}]}}",
                 "apiVersion", "networking.k8s.io/v1", "kind", "NetworkPolicy",
                 "metadata", vm_metadata (c, v, v->name), "spec",
                 "podSelector", "matchLabels", vm_selector (c, v),
                 "policyTypes", "Ingress", "Egress", "ingress",
                 json_array_size (pp) ? json_pack ("[{s:o}]", "ports", pp)
                                      : (json_decref (pp), json_array ()),
                 "egress", "to", "namespaceSelector", "matchLabels",
                 "kubernetes.io/metadata.name", "kube-system", "ports",
                 "protocol", "UDP", "port", 53, "protocol", "TCP", "port",
                 53),
      NULL);
}

int
kube_vm (struct ctx *c)
{
  struct vm v;

  memset (&v, 0, sizeof v);
  v.t = c->plan->target;
  v.windows = v.t->os && strcmp (v.t->os, "windows") == 0;
  v2c_kube_dns_label (c->plan->name, v.name, sizeof v.name);
  if (virtual_machine (c, &v) == -1 || services (c, &v) == -1) {
    if (c->err->msg[0] == '\0')
      kube_oom (c);
    return -1;
  }
  return 0;
}
