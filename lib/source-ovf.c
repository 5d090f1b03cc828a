/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * OVF envelope reader (DSP0243 0.9, 1.x, 2.x and the dialects written by
 * vSphere/ovftool, VirtualBox and oVirt): the VirtualSystems mapped to
 * VMs, their disks, controllers, NICs, CPUs and memory.  The XML side
 * (parsing, namespaces, attributes, units) is lib/source-ovf-xml.c.
 * The document is walked as a tree.  Property elements inside an Item
 * (rasd:, sasd:, epasd:) are matched by local name alone because real
 * files carry misspelt namespace URIs for them (DSP0243's own example
 * has a space in the epasd URI).
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "source-ovf-private.h"

/* Sort key of one disk, kept beside vm->disks while they are built. */
struct disk_key {
  int rank; /* controller kind */
  int bus;
  size_t ctrl_index; /* document position of the controller item */
  int unit;
  size_t index; /* document position of the disk item */
};

/* Lower-case copy of the first whitespace separated token of s that
 * map() knows, else of the first token.  ResourceSubType may list
 * several alternatives ("virtio lsilogic", "VMXNET3 virtio"). */
static char *
pick_subtype (struct ovf_state *st, const char *s,
              const char *(*map) (const char *tok))
{
  char tok[64], first[64] = "";
  const char *p = s;

  while (*p) {
    size_t n = 0;
    const char *m;

    p = ovf_skip_blanks (p);
    while (p[n] && p[n] != ' ' && p[n] != '\t' && p[n] != '\n' && p[n] != '\r')
      n++;
    if (n == 0)
      break;
    if (n < sizeof tok) {
      size_t i;
      for (i = 0; i < n; i++)
        tok[i] = (char) (p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
      tok[n] = '\0';
      m = map ? map (tok) : NULL;
      if (m)
        return ovf_xstrdup (st, m);
      if (first[0] == '\0')
        memcpy (first, tok, n + 1);
    }
    p += n;
  }
  return first[0] ? ovf_xstrdup (st, first) : NULL;
}

static const char *
map_nic (const char *t)
{
  if (strcmp (t, "pcnet32") == 0 || strcmp (t, "vlance") == 0)
    return "vlance";
  if (strcmp (t, "e1000") == 0 || strcmp (t, "e1000e") == 0
      || strcmp (t, "vmxnet3") == 0 || strcmp (t, "vmxnet2") == 0
      || strcmp (t, "vmxnet") == 0)
    return t;
  return NULL;
}

static const char *
map_scsi (const char *t)
{
  if (strcmp (t, "virtualscsi") == 0 || strcmp (t, "pvscsi") == 0)
    return "pvscsi";
  if (strcmp (t, "lsilogic") == 0 || strcmp (t, "lsilogicsas") == 0
      || strcmp (t, "buslogic") == 0)
    return t;
  return NULL;
}

/* "00-16-8B-DB-00-5E" / "00:50:56:AA:BB:CC" -> lower case with colons;
 * NULL when it is not a MAC address. */
static char *
normalise_mac (struct ovf_state *st, const char *s)
{
  char mac[18];
  size_t i;

  if (strlen (s) != 17)
    return NULL;
  for (i = 0; i < 17; i++) {
    char c = s[i];
    if (i % 3 == 2) {
      if (c != ':' && c != '-')
        return NULL;
      mac[i] = ':';
    } else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
      mac[i] = c;
    else if (c >= 'A' && c <= 'F')
      mac[i] = (char) (c + 32);
    else
      return NULL;
  }
  mac[17] = '\0';
  return ovf_xstrdup (st, mac);
}

static void
item_free (struct ovf_item *it)
{
  V2C_FREE (it->instance_id, it->subtype, it->host_resource, it->parent,
            it->address, it->address_on_parent, it->connection,
            it->quantity, it->units, it->mac, it->sockets, it->cores);
}

static void
items_free (struct ovf_item *items, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    item_free (&items[i]);
  free (items);
}

/* Does a space separated ovf:configuration list name the selected
 * configuration?  Items without the attribute apply to every one. */
static bool
config_applies (struct ovf_state *st, const xmlNode *n)
{
  CLEANUP_FREE char *c = ovf_attr_str (st, n, "configuration");
  const char *p;
  size_t l;

  if (c == NULL || *c == '\0')
    return true;
  if (st->config == NULL)
    return false;
  l = strlen (st->config);
  for (p = c; *p;) {
    size_t w = strcspn (p, " \t\r\n");
    if (w == l && memcmp (p, st->config, l) == 0)
      return true;
    p += w;
    p += strspn (p, " \t\r\n");
  }
  return false;
}

static int
parse_resource_type (struct ovf_state *st, struct ovf_item *it)
{
  CLEANUP_FREE char *t = ovf_child_text (st, it->node, "ResourceType");
  uint64_t v;

  it->type = -1;
  if (t == NULL)
    return 0;
  if (ovf_parse_u64 (t, &v) == -1 || v > 65535)
    return v2c_set_error (st->err, 0, "invalid 'ResourceType' '%s'", t);
  it->type = (long) v;
  return 0;
}

/* Gather the items of one VirtualHardwareSection that apply to the
 * selected configuration. */
static int
collect_items (struct ovf_state *st, xmlNodePtr vhs, struct ovf_item **itemsp,
               size_t *np)
{
  struct ovf_item *items = NULL;
  size_t n = 0;
  xmlNodePtr c;

  for (c = vhs->children; c; c = c->next) {
    struct ovf_item *it;
    bool storage;

    if (c->type != XML_ELEMENT_NODE || !ovf_in_envelope (c))
      continue;
    storage = strcmp ((const char *) c->name, "StorageItem") == 0;
    if (!storage && strcmp ((const char *) c->name, "Item") != 0
        && strcmp ((const char *) c->name, "EthernetPortItem") != 0)
      continue;
    if (!config_applies (st, c))
      continue;
    if (n >= OVF_MAX_ITEMS) {
      items_free (items, n);
      return v2c_set_error (st->err, 0,
                            "more than %d items in a VirtualHardwareSection",
                            OVF_MAX_ITEMS);
    }
    it = realloc (items, (n + 1) * sizeof *items);
    if (it == NULL) {
      items_free (items, n);
      return v2c_set_error (st->err, errno, "out of memory");
    }
    items = it;
    it = &items[n++];
    memset (it, 0, sizeof *it);
    it->node = c;
    it->storage_item = storage;
    if (parse_resource_type (st, it) == -1) {
      items_free (items, n);
      return -1;
    }
    it->instance_id = ovf_child_text (st, c, "InstanceID");
    it->subtype = ovf_child_text (st, c, "ResourceSubType");
    it->host_resource = ovf_child_text (st, c, "HostResource");
    it->parent = ovf_child_text (st, c, "Parent");
    it->address = ovf_child_text (st, c, "Address");
    it->address_on_parent = ovf_child_text (st, c, "AddressOnParent");
    it->connection = ovf_child_text (st, c, "Connection");
    it->quantity = ovf_child_text (st, c, "VirtualQuantity");
    it->units = ovf_child_text (st, c, "AllocationUnits");
    it->mac = ovf_child_text (st, c, "MACAddress");
    it->sockets = ovf_child_text (st, c, "num_of_sockets");
    it->cores = ovf_child_text (st, c, "cpu_per_socket");
  }
  *itemsp = items;
  *np = n;
  return 0;
}

static int
set_cpus (struct ovf_state *st, struct v2c_vm *vm, const struct ovf_item *it)
{
  uint64_t v, s, c;

  if (it->quantity) {
    if (ovf_parse_u64 (it->quantity, &v) == -1)
      return v2c_set_error (st->err, 0,
                            "'VirtualQuantity' of the CPU item is not a "
                            "valid number: '%s'",
                            it->quantity);
  } else if (it->sockets && it->cores) {
    /* oVirt gives the topology instead of a count. */
    if (ovf_parse_u64 (it->sockets, &s) == -1
        || ovf_parse_u64 (it->cores, &c) == -1
        || __builtin_mul_overflow (s, c, &v))
      return v2c_set_error (st->err, 0,
                            "invalid 'num_of_sockets' '%s' or "
                            "'cpu_per_socket' '%s' in the CPU item",
                            it->sockets, it->cores);
  } else
    return 0;
  if (v == 0 || v > V2C_MAX_CPUS)
    return v2c_set_error (st->err, 0,
                          "'VirtualQuantity' of the CPU item is %" PRIu64
                          ", outside 1..%d",
                          v, V2C_MAX_CPUS);
  vm->cpus = (int) v;
  return 0;
}

static int
set_memory (struct ovf_state *st, struct v2c_vm *vm, const struct ovf_item *it)
{
  uint64_t bytes;

  if (it->quantity == NULL)
    return 0;
  /* VMware always states the units; an item without them is read as
   * megabytes, which is what every producer that omits them means. */
  if (ovf_scaled_bytes (st, "'VirtualQuantity' of the memory item",
                        it->quantity, it->units ? it->units : "byte * 2^20",
                        V2C_MAX_MEMORY_MIB << 20, &bytes)
      == -1)
    return -1;
  if (bytes == 0)
    return v2c_set_error (st->err, 0,
                          "'VirtualQuantity' of the memory item is 0");
  vm->memory_mib = (int64_t) ((bytes + (1u << 20) - 1) >> 20);
  return 0;
}

/* Find an element <NAME ovf:ATTR="value"> among the children of the
 * SECTION sections of node and of its ancestors. */
static xmlNodePtr
find_in_sections (struct ovf_state *st, xmlNodePtr node, const char *section,
                  const char *name, const char *attr, const char *value)
{
  xmlNodePtr p, s, e;

  for (p = node; p && p->type == XML_ELEMENT_NODE; p = p->parent)
    for (s = p->children; s; s = s->next) {
      if (!ovf_is_section (s, section))
        continue;
      for (e = s->children; e; e = e->next)
        if (ovf_is_elem (e, name) && ovf_attr_eq (st, e, attr, value))
          return e;
    }
  return NULL;
}

/* ${key} in ovf:capacity names a ProductSection property. */
static char *
resolve_property (struct ovf_state *st, xmlNodePtr vs, const char *ref)
{
  CLEANUP_FREE char *key = NULL;
  xmlNodePtr p, s, e;
  size_t l = strlen (ref);

  if (l < 4 || strncmp (ref, "${", 2) != 0 || ref[l - 1] != '}')
    return NULL;
  key = strndup (ref + 2, l - 3);
  if (key == NULL) {
    st->oom = true;
    return NULL;
  }
  for (p = vs; p && p->type == XML_ELEMENT_NODE; p = p->parent)
    for (s = p->children; s; s = s->next) {
      if (!ovf_is_section (s, "ProductSection"))
        continue;
      for (e = s->children; e; e = e->next)
        if (ovf_is_elem (e, "Property") && ovf_attr_eq (st, e, "key", key)
            && config_applies (st, e))
          return ovf_attr_str (st, e, "value");
    }
  return NULL;
}

static const char *
format_of (const char *uri)
{
  if (strcasestr (uri, "vmdk"))
    return "vmdk";
  if (strcasestr (uri, "qcow"))
    return "qcow2";
  /* oVirt names raw images by this URI. */
  if (strcasestr (uri, "raw")
      || strcmp (uri, "http://en.wikipedia.org/wiki/Byte") == 0)
    return "raw";
  return NULL;
}

/* Controller number / unit: only an ordering hint, so a value that is
 * not a small number reads as unknown (-1) rather than failing. */
static int
bus_or_unit (const char *s)
{
  uint64_t v;

  if (s == NULL || ovf_parse_u64 (s, &v) == -1 || v > INT_MAX)
    return -1;
  return (int) v;
}

/* Fill d from a <File>: href and size. */
static int
fill_from_file (struct ovf_state *st, struct v2c_vm_disk *d, xmlNodePtr file)
{
  CLEANUP_FREE char *size = ovf_attr_str (st, file, "size");
  uint64_t v;

  d->file = ovf_attr_str (st, file, "href");
  if (d->file == NULL || *d->file == '\0')
    return v2c_set_error (st->err, 0, "a 'File' has no 'ovf:href'");
  /* ovf:size only informs (the file itself is what is read and
   * verified), so one that is not a number, as in templates that leave
   * "#SIZE#" for a tool to fill in, counts as not given. */
  if (size && *size && ovf_parse_u64 (size, &v) == 0 && v <= INT64_MAX)
    d->file_size = (int64_t) v;
  else if (size && size[strspn (size, " \t")] == '-')
    return v2c_set_error (st->err, 0,
                          "'File' '%.80s' has a negative ovf:size '%.32s'",
                          d->file, size);
  return 0;
}

/* File by ovf:id, or by ovf:href: oVirt's fileRef is the href. */
static xmlNodePtr
find_file (struct ovf_state *st, xmlNodePtr vs, const char *ref)
{
  xmlNodePtr f = find_in_sections (st, vs, "References", "File", "id", ref);
  return f ? f : find_in_sections (st, vs, "References", "File", "href", ref);
}

static int
fill_from_disk (struct ovf_state *st, xmlNodePtr vs, struct v2c_vm_disk *d,
                xmlNodePtr disk, const char *id)
{
  CLEANUP_FREE char *cap = ovf_attr_str (st, disk, "capacity");
  CLEANUP_FREE char *units = ovf_attr_str (st, disk, "capacityAllocationUnits");
  CLEANUP_FREE char *ref = ovf_attr_str (st, disk, "fileRef");
  CLEANUP_FREE char *fmt = ovf_attr_str (st, disk, "format");
  CLEANUP_FREE char *parent = ovf_attr_str (st, disk, "parentRef");
  CLEANUP_FREE char *prop = NULL;
  char what[128];
  uint64_t bytes;

  if (cap && strncmp (cap, "${", 2) == 0) {
    prop = resolve_property (st, vs, cap);
    if (prop == NULL)
      return v2c_set_error (st->err, 0,
                            "'ovf:capacity' of disk '%s' names property "
                            "'%s' which has no value",
                            id, cap);
  }
  snprintf (what, sizeof what, "'ovf:capacity' of disk '%.80s'", id);
  if (cap && *cap) {
    if (ovf_scaled_bytes (st, what, prop ? prop : cap, units,
                          V2C_MAX_CAPACITY_BYTES, &bytes)
        == -1)
      return -1;
    d->capacity_bytes = (int64_t) bytes;
  }
  if (fmt && format_of (fmt))
    d->format = ovf_xstrdup (st, format_of (fmt));
  /* A delta disk's base must at least exist; struct v2c_vm_disk has no
   * place for the chain itself. */
  if (parent && *parent
      && find_in_sections (st, vs, "DiskSection", "Disk", "diskId", parent)
             == NULL)
    return v2c_set_error (st->err, 0,
                          "disk '%s' has parent disk '%s' which is not in "
                          "the DiskSection",
                          id, parent);
  if (ref && *ref) {
    xmlNodePtr file = find_file (st, vs, ref);
    if (file == NULL)
      return v2c_set_error (st->err, 0,
                            "disk '%s' refers to file '%s' which is not in "
                            "References",
                            id, ref);
    return fill_from_file (st, d, file);
  }
  return 0;
}

static const struct ovf_item *
find_item (const struct ovf_item *items, size_t n, const char *id)
{
  size_t i;

  if (id == NULL)
    return NULL;
  for (i = 0; i < n; i++)
    if (items[i].instance_id && strcmp (items[i].instance_id, id) == 0)
      return &items[i];
  return NULL;
}

/* Controller of a disk from its parent item. */
static int
fill_controller (struct ovf_state *st, struct v2c_vm_disk *d,
                 struct disk_key *k, const struct ovf_item *items, size_t n,
                 const struct ovf_item *it)
{
  const struct ovf_item *p = find_item (items, n, it->parent);
  const char *sub;

  k->rank = 9;
  k->ctrl_index = SIZE_MAX;
  d->unit = bus_or_unit (it->address_on_parent);
  if (p == NULL)
    return 0;
  k->ctrl_index = (size_t) (p - items);
  d->bus = bus_or_unit (p->address);
  sub = p->subtype ? p->subtype : "";
  switch (p->type) {
  case RT_IDE:
    k->rank = 0;
    d->controller = ovf_xstrdup (st, "ide");
    d->controller_model = pick_subtype (st, sub, NULL);
    break;
  case RT_SCSI:
    k->rank = 1;
    d->controller = ovf_xstrdup (st, "scsi");
    d->controller_model = pick_subtype (st, sub, map_scsi);
    break;
  case RT_OTHER_STORAGE:
    if (strcasestr (sub, "ahci") || strcasestr (sub, "sata")) {
      k->rank = 2;
      d->controller = ovf_xstrdup (st, "sata");
      d->controller_model = ovf_xstrdup (st, "ahci");
    } else if (strcasestr (sub, "nvme")) {
      k->rank = 3;
      d->controller = ovf_xstrdup (st, "nvme");
    } else
      d->controller_model = pick_subtype (st, sub, NULL);
    break;
  default:
    break;
  }
  return 0;
}

static int
add_disk (struct ovf_state *st, xmlNodePtr vs, struct v2c_vm *vm,
          struct disk_key **keys, const struct ovf_item *items, size_t n,
          const struct ovf_item *it)
{
  struct v2c_vm_disk *d;
  struct disk_key *k;
  const char *hr = it->host_resource, *id;

  d = v2c_vm_add_disk (vm, st->err);
  if (d == NULL)
    return -1;
  k = realloc (*keys, vm->ndisks * sizeof **keys);
  if (k == NULL)
    return v2c_set_error (st->err, errno, "out of memory");
  *keys = k;
  k = &k[vm->ndisks - 1];
  memset (k, 0, sizeof *k);
  k->bus = -1;
  k->unit = -1;
  k->index = (size_t) (it - items);
  if (fill_controller (st, d, k, items, n, it) == -1)
    return -1;
  k->bus = d->bus;
  k->unit = d->unit;

  if (hr == NULL || *hr == '\0') {
    /* A disk to be created empty at deployment time. */
    uint64_t bytes;
    if (it->quantity && it->units) {
      if (ovf_scaled_bytes (st, "'VirtualQuantity' of a disk item",
                            it->quantity, it->units, V2C_MAX_CAPACITY_BYTES,
                            &bytes)
          == -1)
        return -1;
      d->capacity_bytes = (int64_t) bytes;
    }
    return 0;
  }
  if (strncmp (hr, "ovf:", 4) == 0)
    hr += 4;
  if (strncmp (hr, "/file/", 6) == 0) {
    xmlNodePtr f = find_file (st, vs, hr + 6);
    if (f == NULL)
      return v2c_set_error (st->err, 0,
                            "disk item refers to file '%s' which is not in "
                            "References",
                            hr + 6);
    return fill_from_file (st, d, f);
  }
  if (strncmp (hr, "/disk/", 6) == 0)
    id = hr + 6;
  else if ((id = strrchr (hr, '/')) != NULL)
    id++; /* oVirt: "image-group/image" and diskId is the image */
  else
    id = hr;
  {
    xmlNodePtr disk
        = find_in_sections (st, vs, "DiskSection", "Disk", "diskId", id);
    if (disk == NULL)
      return v2c_set_error (st->err, 0,
                            "disk item refers to '%s' which is not in the "
                            "DiskSection",
                            it->host_resource);
    return fill_from_disk (st, vs, d, disk, id);
  }
}

static int
add_nic (struct ovf_state *st, struct v2c_vm *vm, const struct ovf_item *it)
{
  struct v2c_vm_nic *nic = v2c_vm_add_nic (vm, st->err);

  if (nic == NULL)
    return -1;
  if (it->subtype)
    nic->model = pick_subtype (st, it->subtype, map_nic);
  if (it->connection && *it->connection)
    nic->network = ovf_xstrdup (st, it->connection);
  if (it->mac)
    nic->mac = normalise_mac (st, it->mac);
  else if (it->address)
    nic->mac = normalise_mac (st, it->address);
  return 0;
}

static int
cmp_key (const struct disk_key *a, const struct disk_key *b)
{
  unsigned ab = (unsigned) a->bus, bb = (unsigned) b->bus;
  unsigned au = (unsigned) a->unit, bu = (unsigned) b->unit;

  /* Unknown bus/unit (-1) sort last through the unsigned casts. */
  if (a->rank != b->rank)
    return a->rank < b->rank ? -1 : 1;
  if (ab != bb)
    return ab < bb ? -1 : 1;
  if (a->ctrl_index != b->ctrl_index)
    return a->ctrl_index < b->ctrl_index ? -1 : 1;
  if (au != bu)
    return au < bu ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

/* Order disks as a hypervisor enumerates them: by controller kind (IDE,
 * SCSI, SATA, NVMe, then unknown), controller number, unit; ties and
 * unknowns keep document order.  n <= V2C_MAX_DISKS, so a plain
 * insertion sort is enough and keeps the two arrays together. */
static void
sort_disks (struct v2c_vm *vm, struct disk_key *keys)
{
  size_t i, j;

  for (i = 1; i < vm->ndisks; i++)
    for (j = i; j > 0 && cmp_key (&keys[j - 1], &keys[j]) > 0; j--) {
      struct disk_key tk = keys[j];
      struct v2c_vm_disk td = vm->disks[j];
      keys[j] = keys[j - 1];
      keys[j - 1] = tk;
      vm->disks[j] = vm->disks[j - 1];
      vm->disks[j - 1] = td;
    }
}

/* Several VirtualHardwareSections describe alternatives (one per
 * hypervisor); the VMware one is the one to read. */
static xmlNodePtr
pick_hardware_section (struct ovf_state *st, xmlNodePtr vs)
{
  xmlNodePtr c, first = NULL;

  for (c = vs->children; c; c = c->next) {
    xmlNodePtr sys;
    CLEANUP_FREE char *type = NULL;

    if (!ovf_is_section (c, "VirtualHardwareSection"))
      continue;
    if (first == NULL)
      first = c;
    for (sys = c->children; sys; sys = sys->next)
      if (ovf_is_elem (sys, "System"))
        break;
    if (sys == NULL)
      continue;
    type = ovf_child_text (st, sys, "VirtualSystemType");
    if (type && strstr (type, "vmx-"))
      return c;
  }
  return first;
}

/* The value of the vmw:Config child with vmw:key key of node, or NULL
 * (the caller frees). */
static char *
config_value (struct ovf_state *st, xmlNodePtr node, const char *name,
              const char *key)
{
  xmlNodePtr c;

  for (c = node->children; c; c = c->next) {
    CLEANUP_FREE char *k = NULL;

    if (c->type != XML_ELEMENT_NODE
        || strcmp ((const char *) c->name, name) != 0)
      continue;
    k = ovf_attr_str (st, c, "key");
    if (k && strcmp (k, key) == 0)
      return ovf_attr_str (st, c, "value");
  }
  return NULL;
}

/* A PCI passthrough item (ResourceSubType vmware.pci.passthrough...):
 * an NVIDIA vGPU (its profile in backing.vgpu) or a GPU passed through
 * (an NVIDIA or AMD backing.vendorId); other devices are not GPUs. */
static int
add_gpu (struct ovf_state *st, struct v2c_vm *vm, const struct ovf_item *it)
{
  CLEANUP_FREE char *profile = NULL;
  CLEANUP_FREE char *vid = NULL;
  CLEANUP_FREE char *did = NULL;
  char ven[7] = "", dev[7] = "", src[64];

  if (it->subtype == NULL
      || strncmp (it->subtype, "vmware.pci.passthrough", 22) != 0)
    return 0;
  profile = config_value (st, it->node, "Config", "backing.vgpu");
  vid = config_value (st, it->node, "Config", "backing.vendorId");
  did = config_value (st, it->node, "Config", "backing.deviceId");
  if (profile && *profile == '\0') {
    free (profile);
    profile = NULL;
  }
  if (vid && v2c_pci_id (vid, ven) == -1)
    return v2c_set_error (st->err, 0,
                          "'backing.vendorId' '%s' of a PCI item is not a "
                          "PCI vendor ID", vid);
  if (did && v2c_pci_id (did, dev) == -1)
    return v2c_set_error (st->err, 0,
                          "'backing.deviceId' '%s' of a PCI item is not a "
                          "PCI device ID", did);
  if (profile == NULL && v2c_pci_gpu_vendor (ven) == NULL)
    return 0;
  snprintf (src, sizeof src, "OVF Item %.40s",
            it->instance_id ? it->instance_id : "?");
  return v2c_vm_add_gpu (vm, profile ? "vgpu" : "passthrough",
                         ven[0] ? ven : NULL, dev[0] ? dev : NULL, profile,
                         src, st->err)
             ? 0
             : -1;
}

static int
read_hardware (struct ovf_state *st, xmlNodePtr vs, struct v2c_vm *vm,
               xmlNodePtr vhs)
{
  struct ovf_item *items = NULL;
  struct disk_key *keys = NULL;
  size_t n = 0, i;
  bool have_cpu = false, have_mem = false;
  xmlNodePtr c;
  int r = -1;

  if (collect_items (st, vhs, &items, &n) == -1)
    return -1;
  for (i = 0; i < n; i++) {
    const struct ovf_item *it = &items[i];

    switch (it->type) {
    case RT_CPU:
      if (!have_cpu) {
        have_cpu = true;
        if (set_cpus (st, vm, it) == -1)
          goto out;
      }
      break;
    case RT_MEMORY:
      if (!have_mem) {
        have_mem = true;
        if (set_memory (st, vm, it) == -1)
          goto out;
      }
      break;
    case RT_DISK:
      if (add_disk (st, vs, vm, &keys, items, n, it) == -1)
        goto out;
      break;
    case RT_LOGICAL_DISK:
      if (it->storage_item && add_disk (st, vs, vm, &keys, items, n, it) == -1)
        goto out;
      break;
    case RT_NIC:
      if (add_nic (st, vm, it) == -1)
        goto out;
      break;
    case RT_OTHER:
      if (add_gpu (st, vm, it) == -1)
        goto out;
      break;
    default:
      break;
    }
  }
  /* the 64-bit MMIO space the GPUs need (large GPU memory) */
  if (vm->ngpus) {
    CLEANUP_FREE char *use
        = config_value (st, vhs, "ExtraConfig", "pciPassthru.use64bitMMIO");
    CLEANUP_FREE char *gb = config_value (st, vhs, "ExtraConfig",
                                          "pciPassthru.64bitMMIOSizeGB");
    uint64_t v;

    if (use && strcasecmp (use, "true") == 0 && gb) {
      if (ovf_parse_u64 (gb, &v) == -1 || v == 0 || v > (1u << 20)) {
        v2c_set_error (st->err, 0,
                       "invalid 'pciPassthru.64bitMMIOSizeGB' '%s'", gb);
        goto out;
      }
      for (i = 0; i < vm->ngpus; i++)
        vm->gpus[i].mmio_gb = (int64_t) v;
    }
  }
  if (vm->ndisks > 1)
    sort_disks (vm, keys);

  for (c = vhs->children; c; c = c->next) {
    CLEANUP_FREE char *key = NULL;
    CLEANUP_FREE char *value = NULL;

    if (c->type != XML_ELEMENT_NODE
        || strcmp ((const char *) c->name, "Config") != 0)
      continue;
    key = ovf_attr_str (st, c, "key");
    if (key == NULL || strcmp (key, "firmware") != 0)
      continue;
    value = ovf_attr_str (st, c, "value");
    if (value
        && (strcasecmp (value, "efi") == 0
            || strcasecmp (value, "bios") == 0)) {
      free (vm->firmware);
      vm->firmware
          = ovf_xstrdup (st, strcasecmp (value, "efi") == 0 ? "efi" : "bios");
    }
  }
  r = 0;
out:
  free (keys);
  items_free (items, n);
  return r;
}

static int
read_virtual_system (struct ovf_state *st, xmlNodePtr vs)
{
  struct v2c_vm *vms, *vm;
  xmlNodePtr c, vhs;

  if (st->nvms >= V2C_MAX_VMS)
    return v2c_set_error (st->err, 0, "more than %d virtual systems",
                          V2C_MAX_VMS);
  vms = realloc (st->vms, (st->nvms + 1) * sizeof *vms);
  if (vms == NULL)
    return v2c_set_error (st->err, errno, "out of memory");
  st->vms = vms;
  vm = &vms[st->nvms++];
  memset (vm, 0, sizeof *vm);

  vm->id = ovf_attr_str (st, vs, "id");
  for (c = vs->children; c; c = c->next) {
    if (ovf_is_elem (c, "Name") && vm->name == NULL)
      vm->name = ovf_text_str (st, c);
    else if (ovf_is_section (c, "OperatingSystemSection")
             && vm->guest_os_id == NULL) {
      vm->guest_os_id = ovf_attr_str (st, c, "osType");
      if (vm->guest_os_id == NULL || *vm->guest_os_id == '\0') {
        free (vm->guest_os_id);
        vm->guest_os_id = ovf_attr_str (st, c, "id");
      }
    }
  }
  if ((vm->name == NULL || *vm->name == '\0') && vm->id) {
    free (vm->name);
    vm->name = ovf_xstrdup (st, vm->id);
  }

  if (ovf_read_password_props (st, vs, vm) == -1)
    return -1;
  vhs = pick_hardware_section (st, vs);
  if (vhs && read_hardware (st, vs, vm, vhs) == -1) {
    char *id = vm->id;
    return v2c_error_prefix (st->err, "virtual system '%s'",
                             id ? id : "(no id)");
  }
  return 0;
}

static int
walk_content (struct ovf_state *st, xmlNodePtr parent, int depth)
{
  xmlNodePtr c;

  if (depth > OVF_MAX_NESTING)
    return v2c_set_error (st->err, 0,
                          "VirtualSystemCollections nested more than %d "
                          "deep",
                          OVF_MAX_NESTING);
  for (c = parent->children; c; c = c->next) {
    if (ovf_is_section (c, "VirtualSystem")) {
      if (read_virtual_system (st, c) == -1)
        return -1;
    } else if (ovf_is_section (c, "VirtualSystemCollection")) {
      if (walk_content (st, c, depth + 1) == -1)
        return -1;
    }
  }
  return 0;
}

/* The configuration marked ovf:default="true", else the first listed. */
static void
select_configuration (struct ovf_state *st)
{
  xmlNodePtr s, c;

  for (s = st->root->children; s; s = s->next) {
    if (!ovf_is_section (s, "DeploymentOptionSection"))
      continue;
    for (c = s->children; c; c = c->next) {
      CLEANUP_FREE char *def = NULL;
      char *id;
      bool is_default;

      if (!ovf_is_elem (c, "Configuration"))
        continue;
      id = ovf_attr_str (st, c, "id");
      if (id == NULL || *id == '\0') {
        free (id);
        continue;
      }
      def = ovf_attr_str (st, c, "default");
      is_default
          = def && (strcmp (def, "true") == 0 || strcmp (def, "1") == 0);
      if (st->config == NULL || is_default) {
        free (st->config);
        st->config = id;
        if (is_default)
          return;
      } else
        free (id);
    }
  }
}


int
v2c_ovf_parse (const char *buf, size_t len, struct v2c_vm **vmsp,
               size_t *nvmsp, struct v2c_err *err)
{
  struct ovf_state st = { .err = err };
  int r = -1;

  *vmsp = NULL;
  *nvmsp = 0;
  if (len == 0)
    return v2c_set_error (err, 0, "the OVF descriptor is empty");
  if (len > V2C_MAX_DESCRIPTOR_BYTES)
    return v2c_set_error (err, 0, "the OVF descriptor is larger than %u bytes",
                          V2C_MAX_DESCRIPTOR_BYTES);
  if (ovf_read_document (&st, buf, len) == -1)
    goto out;
  st.root = xmlDocGetRootElement (st.doc);
  if (st.root == NULL || !ovf_is_envelope_ns (st.root->ns)
      || strcmp ((const char *) st.root->name, "Envelope") != 0) {
    v2c_set_error (err, 0,
                   "not an OVF descriptor: the root element is '%s' in "
                   "namespace '%s', not an OVF 'Envelope'",
                   st.root ? (const char *) st.root->name : "(none)",
                   st.root && st.root->ns && st.root->ns->href
                       ? (const char *) st.root->ns->href
                       : "(none)");
    goto out;
  }
  select_configuration (&st);
  if (ovf_check_unique_ids (&st, st.root, 0) == -1
      || walk_content (&st, st.root, 0) == -1)
    goto out;
  if (st.oom) {
    v2c_set_error (err, ENOMEM, "out of memory reading the OVF descriptor");
    goto out;
  }
  if (st.nvms == 0) {
    v2c_set_error (err, 0, "the OVF descriptor has no VirtualSystem");
    goto out;
  }
  *vmsp = st.vms;
  *nvmsp = st.nvms;
  st.vms = NULL;
  st.nvms = 0;
  r = 0;
out:
  v2c_vms_free (st.vms, st.nvms);
  free (st.config);
  if (st.doc)
    xmlFreeDoc (st.doc);
  return r;
}
