/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests of the OVF reader.
 *
 *   test-ovf                 hand-written cases, every corpus OVF, and
 *                            virt-v2v's --print-source readings
 *   test-ovf --dump FILE     print what v2c read (used by
 *                            test-ovf-corpus.sh, which compares it with
 *                            xmllint XPath queries of the same file)
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "secret-class.h"
#include "v2c-internal.h"
#include "unit.h"

static const char *
s_or_dash (const char *s)
{
  return s ? s : "-";
}

static void
dump (const struct v2c_vm *vms, size_t n)
{
  size_t i, j;

  for (i = 0; i < n; i++) {
    const struct v2c_vm *vm = &vms[i];
    printf ("vm\t%zu\t%d\t%" PRId64 "\t%zu\t%zu\t%s\t%s\t%s\t%s\n", i,
            vm->cpus, vm->memory_mib, vm->ndisks, vm->nnics,
            s_or_dash (vm->firmware), s_or_dash (vm->guest_os_id),
            s_or_dash (vm->id), s_or_dash (vm->name));
    for (j = 0; j < vm->ndisks; j++) {
      const struct v2c_vm_disk *d = &vm->disks[j];
      printf ("disk\t%zu\t%zu\t%s\t%s\t%d\t%d\t%" PRId64 "\t%" PRId64
              "\t%s\t%s\n",
              i, j, s_or_dash (d->controller), s_or_dash (d->controller_model),
              d->bus, d->unit, d->capacity_bytes, d->file_size,
              s_or_dash (d->format), s_or_dash (d->file));
    }
    for (j = 0; j < vm->nnics; j++) {
      const struct v2c_vm_nic *nic = &vm->nics[j];
      printf ("nic\t%zu\t%zu\t%s\t%s\t%s\n", i, j, s_or_dash (nic->model),
              s_or_dash (nic->mac), s_or_dash (nic->network));
    }
  }
}

/* Parse a string exactly len bytes long in its own allocation, so ASan
 * catches any read past the end (no NUL terminator to lean on). */
static int
parse_exact (const char *text, size_t len, struct v2c_vm **vms, size_t *n,
             struct v2c_err *err)
{
  char *buf = malloc (len ? len : 1);
  int r;

  if (buf == NULL)
    abort ();
  memcpy (buf, text, len);
  v2c_clear_error (err);
  r = v2c_ovf_parse (buf, len, vms, n, err);
  free (buf);
  return r;
}

static int
parse_str (const char *text, struct v2c_vm **vms, size_t *n,
           struct v2c_err *err)
{
  return parse_exact (text, strlen (text), vms, n, err);
}

/* Expect failure with a message containing want. */
static void
expect_error (const char *what, const char *text, const char *want)
{
  struct v2c_err err = { 0 };
  struct v2c_vm *vms = (void *) 1;
  size_t n = 99;

  if (parse_str (text, &vms, &n, &err) == 0) {
    FAIL ("%s: parsed, expected an error containing \"%s\"", what, want);
    v2c_vms_free (vms, n);
    return;
  }
  if (vms != NULL || n != 0)
    FAIL ("%s: failed but left vms=%p n=%zu", what, (void *) vms, n);
  if (strstr (err.msg, want) == NULL)
    FAIL ("%s: error \"%s\" does not contain \"%s\"", what, err.msg, want);
}

static struct v2c_vm *
expect_ok (const char *what, const char *text, size_t want_n)
{
  struct v2c_err err = { 0 };
  struct v2c_vm *vms = NULL;
  size_t n = 0;

  if (parse_str (text, &vms, &n, &err) == -1) {
    FAIL ("%s: %s", what, err.msg);
    return NULL;
  }
  if (n != want_n) {
    FAIL ("%s: %zu virtual systems, expected %zu", what, n, want_n);
    v2c_vms_free (vms, n);
    return NULL;
  }
  return vms;
}

static void
check_str (const char *what, const char *got, const char *want)
{
  if ((got == NULL) != (want == NULL) || (got && strcmp (got, want) != 0))
    FAIL ("%s: got '%s', expected '%s'", what, s_or_dash (got),
          s_or_dash (want));
}

static void
check_int (const char *what, int64_t got, int64_t want)
{
  if (got != want)
    FAIL ("%s: got %" PRId64 ", expected %" PRId64, what, got, want);
}

#define NS1                                                                   \
  "xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\" "                         \
  "xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\" "                     \
  "xmlns:vmw=\"http://www.vmware.com/schema/ovf\" "                           \
  "xmlns:rasd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/"           \
  "CIM_ResourceAllocationSettingData\""

/* A VirtualSystem with a CPU and a memory item (note: units come
 * before the memory quantity in the text). */
#define VS(id, name, cpus, mem, units)                                        \
  "<VirtualSystem ovf:id=\"" id "\">" name "<VirtualHardwareSection>"         \
  "<Item><rasd:InstanceID>1</rasd:InstanceID>"                                \
  "<rasd:ResourceType>3</rasd:ResourceType>"                                  \
  "<rasd:VirtualQuantity>" cpus "</rasd:VirtualQuantity></Item>"              \
  "<Item><rasd:AllocationUnits>" units "</rasd:AllocationUnits>"              \
  "<rasd:InstanceID>2</rasd:InstanceID>"                                      \
  "<rasd:ResourceType>4</rasd:ResourceType>"                                  \
  "<rasd:VirtualQuantity>" mem "</rasd:VirtualQuantity></Item>"               \
  "</VirtualHardwareSection></VirtualSystem>"

static void
test_ovf2 (void)
{
  static const char doc[]
      = "<?xml version=\"1.0\"?>\n"
        "<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/2\"\n"
        " xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/2\"\n"
        " xmlns:rasd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/"
        "CIM_ResourceAllocationSettingData\"\n"
        " xmlns:sasd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/"
        "CIM_StorageAllocationSettingData\"\n"
        " xmlns:epasd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/"
        "CIM_EthernetPortAllocationSettingData\">\n"
        "<References><File ovf:id=\"f1\" ovf:href=\"a.vmdk\" "
        "ovf:size=\"123\"/>"
        "</References>\n"
        "<DiskSection><Info>x</Info><Disk ovf:diskId=\"d1\" "
        "ovf:fileRef=\"f1\" "
        "ovf:capacity=\"8\" ovf:capacityAllocationUnits=\"byte * 2^30\" "
        "ovf:format=\"http://www.vmware.com/interfaces/specifications/"
        "vmdk.html#streamOptimized\"/></DiskSection>\n"
        "<VirtualSystem ovf:id=\"vm2\"><Info>x</Info>\n"
        "<OperatingSystemSection ovf:id=\"96\"/>\n"
        "<VirtualHardwareSection>\n"
        "<Item><rasd:InstanceID>1</rasd:InstanceID>"
        "<rasd:ResourceType>3</rasd:ResourceType>"
        "<rasd:VirtualQuantity>4</rasd:VirtualQuantity></Item>\n"
        "<Item><rasd:AllocationUnits>byte*2^30</rasd:AllocationUnits>"
        "<rasd:InstanceID>2</rasd:InstanceID>"
        "<rasd:ResourceType>4</rasd:ResourceType>"
        "<rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>\n"
        "<Item><rasd:Address>0</rasd:Address><rasd:InstanceID>3</"
        "rasd:InstanceID>"
        "<rasd:ResourceSubType>vmware.sata.ahci</rasd:ResourceSubType>"
        "<rasd:ResourceType>20</rasd:ResourceType></Item>\n"
        "<StorageItem><sasd:AddressOnParent>2</sasd:AddressOnParent>"
        "<sasd:HostResource>ovf:/disk/d1</sasd:HostResource>"
        "<sasd:InstanceID>4</sasd:InstanceID><sasd:Parent>3</sasd:Parent>"
        "<sasd:ResourceType>17</sasd:ResourceType></StorageItem>\n"
        "<StorageItem><sasd:InstanceID>5</sasd:InstanceID>"
        "<sasd:ResourceType>15</sasd:ResourceType></StorageItem>\n"
        "<EthernetPortItem><epasd:Address>00-50-56-AB-CD-EF</epasd:Address>"
        "<epasd:Connection>VM Network</epasd:Connection>"
        "<epasd:InstanceID>6</epasd:InstanceID>"
        "<epasd:ResourceSubType>VmxNet3</epasd:ResourceSubType>"
        "<epasd:ResourceType>10</epasd:ResourceType></EthernetPortItem>\n"
        "</VirtualHardwareSection></VirtualSystem></Envelope>\n";
  struct v2c_vm *vms = expect_ok ("ovf2", doc, 1);

  if (vms == NULL)
    return;
  check_str ("ovf2 name", vms[0].name, "vm2");
  check_str ("ovf2 id", vms[0].id, "vm2");
  check_str ("ovf2 guest os", vms[0].guest_os_id, "96");
  check_int ("ovf2 cpus", vms[0].cpus, 4);
  check_int ("ovf2 memory", vms[0].memory_mib, 2048);
  check_str ("ovf2 firmware", vms[0].firmware, NULL);
  check_int ("ovf2 ndisks", (int64_t) vms[0].ndisks, 1);
  if (vms[0].ndisks == 1) {
    struct v2c_vm_disk *d = &vms[0].disks[0];
    check_str ("ovf2 disk file", d->file, "a.vmdk");
    check_str ("ovf2 disk format", d->format, "vmdk");
    check_str ("ovf2 disk controller", d->controller, "sata");
    check_str ("ovf2 disk path", d->path, NULL);
    check_int ("ovf2 disk capacity", d->capacity_bytes, INT64_C (8) << 30);
    check_int ("ovf2 disk file size", d->file_size, 123);
    check_int ("ovf2 disk bus", d->bus, 0);
    check_int ("ovf2 disk unit", d->unit, 2);
  }
  check_int ("ovf2 nnics", (int64_t) vms[0].nnics, 1);
  if (vms[0].nnics == 1) {
    check_str ("ovf2 nic model", vms[0].nics[0].model, "vmxnet3");
    check_str ("ovf2 nic network", vms[0].nics[0].network, "VM Network");
    check_str ("ovf2 nic mac", vms[0].nics[0].mac, "00:50:56:ab:cd:ef");
  }
  v2c_vms_free (vms, 1);
}

static void
test_collections (void)
{
  static const char flat[]
      = "<Envelope " NS1 "><VirtualSystemCollection ovf:id=\"app\">"
        "<Info>x</Info>" VS ("web", "<Name>Web Server</Name>", "2", "1024",
                             "byte * 2^20")
            VS ("db", "", "8", "16",
                "byte * 2^30") "</VirtualSystemCollection></Envelope>";
  /* clang-format off */
#define VSC(id) "<VirtualSystemCollection ovf:id=\"" id "\">"
#define VSC_END "</VirtualSystemCollection>"
  static const char nested[]
      = "<Envelope " NS1 ">"
        VSC ("outer")
          VS ("a", "", "1", "512", "MegaBytes")
          VSC ("inner")
            VS ("b", "", "1", "512", "MegaBytes")
            VSC ("innermost")
              VS ("c", "<Name>C</Name>", "1", "512", "MegaBytes")
            VSC_END
          VSC_END
          VS ("d", "", "1", "512", "MegaBytes")
        VSC_END
        "</Envelope>";
#undef VSC
#undef VSC_END
  /* clang-format on */
  struct v2c_vm *vms;
  char *deep;
  size_t i;

  vms = expect_ok ("collection", flat, 2);
  if (vms) {
    check_str ("collection vm 0 name", vms[0].name, "Web Server");
    check_str ("collection vm 0 id", vms[0].id, "web");
    check_int ("collection vm 0 cpus", vms[0].cpus, 2);
    check_int ("collection vm 0 memory", vms[0].memory_mib, 1024);
    check_str ("collection vm 1 name", vms[1].name, "db");
    check_int ("collection vm 1 cpus", vms[1].cpus, 8);
    check_int ("collection vm 1 memory", vms[1].memory_mib, 16384);
    v2c_vms_free (vms, 2);
  }
  vms = expect_ok ("nested collection", nested, 4);
  if (vms) {
    check_str ("nested vm 0", vms[0].name, "a");
    check_str ("nested vm 1", vms[1].name, "b");
    check_str ("nested vm 2", vms[2].name, "C");
    check_str ("nested vm 3", vms[3].name, "d");
    v2c_vms_free (vms, 4);
  }

  /* Collections nested 200 deep are refused, not followed. */
  deep = malloc (200 * 80 + 4096);
  if (deep == NULL)
    abort ();
  strcpy (deep, "<Envelope " NS1 ">");
  for (i = 0; i < 200; i++)
    strcat (deep, "<VirtualSystemCollection ovf:id=\"x\">");
  strcat (deep, VS ("z", "", "1", "1", "MegaBytes"));
  for (i = 0; i < 200; i++)
    strcat (deep, "</VirtualSystemCollection>");
  strcat (deep, "</Envelope>");
  expect_error ("deep nesting", deep, "nested");
  free (deep);
}

static void
test_units (void)
{
  static const struct {
    const char *quantity, *units;
    int64_t mib;
  } mem[] = {
    { "2048", "byte * 2^20", 2048 },
    { "512", "MegaBytes", 512 },
    { "4", "byte * 2^30", 4096 },
    { "1048576", "byte*2^10", 1024 },
    { "1048576", "KiloBytes", 1024 },
    { "3", "GigaBytes", 3072 },
    { "1073741824", "byte", 1024 },
    { "1", "bit * 2^33", 1024 },
    { "256", "MB", 256 },
    { "2", "byte * 2 ^ 30", 2048 },
    { "1000", "byte * 10^6", 954 },
    { "1", "byte", 1 },
  };
  size_t i;
  char doc[2048], what[128];

  for (i = 0; i < sizeof mem / sizeof mem[0]; i++) {
    struct v2c_vm *vms;

    snprintf (doc, sizeof doc,
              "<Envelope " NS1 ">" VS ("u", "", "1", "%s", "%s") "</Envelope>",
              mem[i].units, mem[i].quantity);
    snprintf (what, sizeof what, "memory %s '%s'", mem[i].quantity,
              mem[i].units);
    vms = expect_ok (what, doc, 1);
    if (vms) {
      check_int (what, vms[0].memory_mib, mem[i].mib);
      v2c_vms_free (vms, 1);
    }
  }
  snprintf (doc, sizeof doc,
            "<Envelope " NS1
            ">" VS ("u", "", "1", "4", "furlongs") "</Envelope>");
  expect_error ("unknown memory unit", doc, "'furlongs'");
  snprintf (doc, sizeof doc,
            "<Envelope " NS1
            ">" VS ("u", "", "1", "4", "byte * 2^999") "</Envelope>");
  expect_error ("absurd exponent", doc, "'byte * 2^999'");
}

/* One disk: capacity/units/format given, checked. */
static void
test_disk_capacity (void)
{
  static const struct {
    const char *cap, *units;
    int64_t bytes;
  } caps[] = {
    { "50", "byte * 2^30", INT64_C (50) << 30 },
    { "20480", "byte * 2^20", INT64_C (20480) << 20 },
    { "1073741824", "byte", INT64_C (1) << 30 },
    { "1073741824", NULL, INT64_C (1) << 30 },
  };
  size_t i;
  char doc[4096];

  for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
    struct v2c_vm *vms;
    char units[128] = "";

    if (caps[i].units)
      snprintf (units, sizeof units, " ovf:capacityAllocationUnits=\"%s\"",
                caps[i].units);
    snprintf (doc, sizeof doc,
              "<Envelope " NS1 "><DiskSection><Disk ovf:diskId=\"d\" "
              "ovf:capacity=\"%s\"%s/></DiskSection>"
              "<VirtualSystem ovf:id=\"v\"><VirtualHardwareSection>"
              "<Item><rasd:HostResource>ovf:/disk/d</rasd:HostResource>"
              "<rasd:InstanceID>9</rasd:InstanceID>"
              "<rasd:ResourceType>17</rasd:ResourceType></Item>"
              "</VirtualHardwareSection></VirtualSystem></Envelope>",
              caps[i].cap, units);
    vms = expect_ok ("capacity", doc, 1);
    if (vms && vms[0].ndisks == 1) {
      check_int ("capacity bytes", vms[0].disks[0].capacity_bytes,
                 caps[i].bytes);
      /* A disk with no file is listed, file NULL. */
      check_str ("capacity-only disk file", vms[0].disks[0].file, NULL);
      check_str ("capacity-only disk controller", vms[0].disks[0].controller,
                 NULL);
    } else if (vms)
      FAIL ("capacity: %zu disks", vms[0].ndisks);
    if (vms)
      v2c_vms_free (vms, 1);
  }
  snprintf (doc, sizeof doc,
            "<Envelope " NS1 "><DiskSection><Disk ovf:diskId=\"d\" "
            "ovf:capacity=\"2\" ovf:capacityAllocationUnits=\"byte * 2^60\"/>"
            "</DiskSection><VirtualSystem ovf:id=\"v\">"
            "<VirtualHardwareSection><Item><rasd:HostResource>ovf:/disk/d"
            "</rasd:HostResource><rasd:ResourceType>17</rasd:ResourceType>"
            "</Item></VirtualHardwareSection></VirtualSystem></Envelope>");
  expect_error ("capacity over the limit", doc, "ovf:capacity");
  snprintf (doc, sizeof doc,
            "<Envelope " NS1 "><DiskSection><Disk ovf:diskId=\"d\" "
            "ovf:capacity=\"99999999999999999999999\"/>"
            "</DiskSection><VirtualSystem ovf:id=\"v\">"
            "<VirtualHardwareSection><Item><rasd:HostResource>ovf:/disk/d"
            "</rasd:HostResource><rasd:ResourceType>17</rasd:ResourceType>"
            "</Item></VirtualHardwareSection></VirtualSystem></Envelope>");
  expect_error ("capacity overflow", doc, "ovf:capacity");
  snprintf (doc, sizeof doc,
            "<Envelope " NS1 "><DiskSection><Disk ovf:diskId=\"d\" "
            "ovf:capacity=\"1\" ovf:fileRef=\"nope\"/>"
            "</DiskSection><VirtualSystem ovf:id=\"v\">"
            "<VirtualHardwareSection><Item><rasd:HostResource>ovf:/disk/d"
            "</rasd:HostResource><rasd:ResourceType>17</rasd:ResourceType>"
            "</Item></VirtualHardwareSection></VirtualSystem></Envelope>");
  expect_error ("dangling fileRef", doc, "'nope'");
  snprintf (doc, sizeof doc,
            "<Envelope " NS1 "><VirtualSystem ovf:id=\"v\">"
            "<VirtualHardwareSection><Item><rasd:HostResource>ovf:/disk/gone"
            "</rasd:HostResource><rasd:ResourceType>17</rasd:ResourceType>"
            "</Item></VirtualHardwareSection></VirtualSystem></Envelope>");
  expect_error ("dangling HostResource", doc, "ovf:/disk/gone");
}

/* Disk order, controller kinds and models, CD-ROMs skipped, firmware,
 * osType, deployment configuration selection. */
static void
test_hardware (void)
{
#define CTRL(id, type, sub, addr)                                             \
  "<Item><rasd:Address>" addr "</rasd:Address><rasd:InstanceID>" id           \
  "</rasd:InstanceID><rasd:ResourceSubType>" sub "</rasd:ResourceSubType>"    \
  "<rasd:ResourceType>" type "</rasd:ResourceType></Item>"
#define DISK(d, parent, unit, extra)                                          \
  "<Item " extra "><rasd:AddressOnParent>" unit "</rasd:AddressOnParent>"     \
  "<rasd:HostResource>ovf:/disk/" d "</rasd:HostResource>"                    \
  "<rasd:InstanceID>i" d "</rasd:InstanceID><rasd:Parent>" parent             \
  "</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>"
#define DSK(d) "<Disk ovf:diskId=\"" d "\" ovf:fileRef=\"f" d "\"/>"
#define FILE_(d) "<File ovf:id=\"f" d "\" ovf:href=\"" d ".vmdk\"/>"
  static const char doc[] = "<Envelope " NS1 "><References>" FILE_ (
      "s10") FILE_ ("i00") FILE_ ("s01") FILE_ ("s00") FILE_ ("a00")
      FILE_ ("n00") FILE_ ("small") FILE_ (
          "big") "</References>"
                 "<DiskSection>" DSK ("s10") DSK ("i00") DSK ("s01")
                     DSK ("s00") DSK ("a00") DSK ("n00") DSK ("small") DSK (
                         "big") "</DiskSection>"
                                "<DeploymentOptionSection><Configuration "
                                "ovf:id=\"small\"/>"
                                "<Configuration ovf:id=\"big\" "
                                "ovf:default=\"true\"/>"
                                "</DeploymentOptionSection>"
                                "<VirtualSystem ovf:id=\"hw\">"
                                "<OperatingSystemSection ovf:id=\"101\" "
                                "vmw:osType=\"debian12_64Guest\"/>"
                                "<VirtualHardwareSection>" CTRL (
                                    "1", "6", "lsilogic",
                                    "1") CTRL ("2", "6", "VirtualSCSI", "0")
                                    CTRL ("3", "5", "PIIX4", "0") CTRL (
                                        "4", "20", "vmware.sata.ahci",
                                        "0") CTRL ("5", "20",
                                                   "vmware.nvme.controller",
                                                   "0") DISK ("n00", "5", "0",
                                                              "") DISK ("a00",
                                                                        "4",
                                                                        "0",
                                                                        "")
                                        DISK ("s10", "1", "0", "") DISK (
                                            "small", "2", "5",
                                            "ovf:configuration=\"small\"")
                                            DISK ("i00", "3", "0", "") DISK (
                                                "s01", "2", "1",
                                                "") DISK ("big", "2", "6",
                                                          "ovf:configuration="
                                                          "\"medium big\"")
                                                DISK (
                                                    "s00", "2", "0",
                                                    "") "<Item><rasd:"
                                                        "AddressOnParent>1</"
                                                        "rasd:AddressOnParent>"
                                                        "<rasd:InstanceID>cd</"
                                                        "rasd:InstanceID><"
                                                        "rasd:Parent>3</"
                                                        "rasd:Parent>"
                                                        "<rasd:ResourceType>"
                                                        "15</"
                                                        "rasd:ResourceType></"
                                                        "Item>"
                                                        "<Item><rasd:"
                                                        "InstanceID>n1</"
                                                        "rasd:InstanceID>"
                                                        "<rasd:"
                                                        "ResourceSubType>"
                                                        "PCNet32</"
                                                        "rasd:ResourceSubType>"
                                                        "<rasd:ResourceType>"
                                                        "10</"
                                                        "rasd:ResourceType></"
                                                        "Item>"
                                                        "<Item><rasd:"
                                                        "InstanceID>n2</"
                                                        "rasd:InstanceID><"
                                                        "rasd:Connection>lan"
                                                        "</"
                                                        "rasd:Connection><"
                                                        "rasd:ResourceSubType>"
                                                        "E1000e</"
                                                        "rasd:ResourceSubType>"
                                                        "<rasd:ResourceType>"
                                                        "10</"
                                                        "rasd:ResourceType></"
                                                        "Item>"
                                                        "<vmw:Config "
                                                        "ovf:required="
                                                        "\"false\" "
                                                        "vmw:key=\"firmware\" "
                                                        "vmw:value=\"efi\"/>"
                                                        "</"
                                                        "VirtualHardwareSectio"
                                                        "n></VirtualSystem></"
                                                        "Envelope>";
  static const struct {
    const char *file, *controller, *model;
    int bus, unit;
  } want[] = {
    { "i00.vmdk", "ide", "piix4", 0, 0 },
    { "s00.vmdk", "scsi", "pvscsi", 0, 0 },
    { "s01.vmdk", "scsi", "pvscsi", 0, 1 },
    { "big.vmdk", "scsi", "pvscsi", 0, 6 },
    { "s10.vmdk", "scsi", "lsilogic", 1, 0 },
    { "a00.vmdk", "sata", "ahci", 0, 0 },
    { "n00.vmdk", "nvme", NULL, 0, 0 },
  };
  struct v2c_vm *vms = expect_ok ("hardware", doc, 1);
  size_t i;
  char what[64];

  if (vms == NULL)
    return;
  check_str ("hardware firmware", vms[0].firmware, "efi");
  check_str ("hardware osType", vms[0].guest_os_id, "debian12_64Guest");
  if (vms[0].ndisks != sizeof want / sizeof want[0])
    FAIL ("hardware: %zu disks, expected %zu", vms[0].ndisks,
          sizeof want / sizeof want[0]);
  else
    for (i = 0; i < vms[0].ndisks; i++) {
      const struct v2c_vm_disk *d = &vms[0].disks[i];
      snprintf (what, sizeof what, "hardware disk %zu", i);
      check_str (what, d->file, want[i].file);
      check_str (what, d->controller, want[i].controller);
      check_str (what, d->controller_model, want[i].model);
      check_int (what, d->bus, want[i].bus);
      check_int (what, d->unit, want[i].unit);
    }
  if (vms[0].nnics != 2)
    FAIL ("hardware: %zu nics, expected 2", vms[0].nnics);
  else {
    check_str ("hardware nic 0", vms[0].nics[0].model, "vlance");
    check_str ("hardware nic 0 network", vms[0].nics[0].network, NULL);
    check_str ("hardware nic 1", vms[0].nics[1].model, "e1000e");
    check_str ("hardware nic 1 network", vms[0].nics[1].network, "lan");
  }
  v2c_vms_free (vms, 1);
#undef CTRL
#undef DISK
#undef DSK
#undef FILE_
}

/* Found by fuzz-ovf: a Configuration with an empty ovf:id made the
 * ovf:configuration match read past the attribute.  Items of no
 * configuration apply; the configuration-specific one does not. */
static void
test_empty_configuration (void)
{
  static const char doc[]
      = "<Envelope " NS1 "><DeploymentOptionSection>"
        "<Configuration ovf:id=\"\"/></DeploymentOptionSection>"
        "<VirtualSystem ovf:id=\"v\"><VirtualHardwareSection>"
        "<Item ovf:configuration=\"a b\"><rasd:ResourceType>3"
        "</rasd:ResourceType><rasd:VirtualQuantity>9</rasd:VirtualQuantity>"
        "</Item><Item><rasd:ResourceType>3</rasd:ResourceType>"
        "<rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>"
        "</VirtualHardwareSection></VirtualSystem></Envelope>";
  struct v2c_vm *vms = expect_ok ("empty configuration", doc, 1);

  if (vms) {
    check_int ("empty configuration cpus", vms[0].cpus, 2);
    v2c_vms_free (vms, 1);
  }
}

/* An OVF in another charset says so in its XML declaration; the names
 * come out in UTF-8 (libxml2 decodes, with iconv beyond Latin-1). */
static void
test_encodings (void)
{
  static const struct {
    const char *charset, *bytes, *utf8;
  } cases[] = {
    { "ISO-8859-1", "caf\xe9", "caf\xc3\xa9" },
    { "windows-1252", "\x80 caf\xe9", "\xe2\x82\xac caf\xc3\xa9" },
    { "Shift_JIS", "\x83\x65\x83\x58\x83\x67",
      "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88" },
  };
  size_t i;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *doc;
    struct v2c_vm *vms;

    if (asprintf (&doc,
                  "<?xml version=\"1.0\" encoding=\"%s\"?>\n"
                  "<Envelope " NS1 "><VirtualSystem ovf:id=\"v\">"
                  "<Name>%s</Name></VirtualSystem></Envelope>",
                  cases[i].charset, cases[i].bytes)
        == -1)
      abort ();
    vms = expect_ok (cases[i].charset, doc, 1);
    if (vms) {
      check_str (cases[i].charset, vms[0].name, cases[i].utf8);
      v2c_vms_free (vms, 1);
    }
    free (doc);
  }
}

static void
test_ovf09 (void)
{
  static const char doc[]
      = "<ovf:Envelope "
        "xmlns:ovf=\"http://www.vmware.com/schema/ovf/1/envelope\" "
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
        "xmlns:rasd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/"
        "CIM_ResourceAllocationSettingData\">"
        "<ovf:References><ovf:File ovf:href=\"x.vmdk\" ovf:id=\"file1\"/>"
        "</ovf:References>"
        "<ovf:Section xsi:type=\"ovf:DiskSection_Type\"><ovf:Disk "
        "ovf:capacity=\"1073741824\" ovf:diskId=\"vmdisk1\" "
        "ovf:fileRef=\"file1\""
        "/></ovf:Section>"
        "<ovf:Content ovf:id=\"old\" xsi:type=\"ovf:VirtualSystem_Type\">"
        "<ovf:Section xsi:type=\"ovf:VirtualHardwareSection_Type\">"
        "<ovf:Item><rasd:InstanceId>1</rasd:InstanceId>"
        "<rasd:ResourceType>3</rasd:ResourceType>"
        "<rasd:VirtualQuantity>2</rasd:VirtualQuantity></ovf:Item>"
        "<ovf:Item><rasd:InstanceId>4</rasd:InstanceId>"
        "<rasd:ResourceType>6</rasd:ResourceType>"
        "<rasd:ResourceSubType>buslogic</rasd:ResourceSubType></ovf:Item>"
        "<ovf:Item><rasd:InstanceId>7</rasd:InstanceId>"
        "<rasd:ResourceType>17</rasd:ResourceType>"
        "<rasd:HostResource>/disk/vmdisk1</rasd:HostResource>"
        "<rasd:Parent>4</rasd:Parent></ovf:Item>"
        "</ovf:Section></ovf:Content></ovf:Envelope>";
  struct v2c_vm *vms = expect_ok ("ovf 0.9", doc, 1);

  if (vms == NULL)
    return;
  check_int ("ovf 0.9 cpus", vms[0].cpus, 2);
  check_int ("ovf 0.9 ndisks", (int64_t) vms[0].ndisks, 1);
  if (vms[0].ndisks == 1) {
    check_str ("ovf 0.9 disk", vms[0].disks[0].file, "x.vmdk");
    check_str ("ovf 0.9 model", vms[0].disks[0].controller_model, "buslogic");
    check_int ("ovf 0.9 capacity", vms[0].disks[0].capacity_bytes,
               INT64_C (1) << 30);
  }
  v2c_vms_free (vms, 1);
}

/* Run fn in a child with a time limit: a parser that tried to open the
 * FIFO named in an entity or DTD would block there. */
static int
in_child (void (*fn) (const char *), const char *arg)
{
  pid_t pid = fork ();
  int status;

  if (pid == -1)
    return -1;
  if (pid == 0) {
    alarm (20);
    fn (arg);
    _exit (failures ? 1 : 0);
  }
  if (waitpid (pid, &status, 0) == -1)
    return -1;
  if (WIFSIGNALED (status))
    FAIL ("child killed by signal %d (blocked on the FIFO?)",
          WTERMSIG (status));
  else if (WEXITSTATUS (status) != 0)
    failures++;
  return 0;
}

static void
entity_cases (const char *fifo)
{
  char doc[2048];
  struct v2c_vm *vms;

  snprintf (doc, sizeof doc,
            "<?xml version=\"1.0\"?>\n"
            "<!DOCTYPE Envelope [<!ENTITY x SYSTEM \"file://%s\">]>\n"
            "<Envelope " NS1 ">" VS ("e", "<Name>&x;</Name>", "1", "1",
                                     "MegaBytes") "</Envelope>",
            fifo);
  expect_error ("external entity", doc, "OVF declares XML entities; refused");
  snprintf (doc, sizeof doc,
            "<!DOCTYPE Envelope [<!ENTITY %% p SYSTEM \"file://%s\"> %%p;]>"
            "<Envelope " NS1
            ">" VS ("e", "", "1", "1", "MegaBytes") "</Envelope>",
            fifo);
  expect_error ("parameter entity", doc, "declares XML entities");
  snprintf (doc, sizeof doc,
            "<!DOCTYPE Envelope [<!ENTITY a \"aaaaaaaaaa\">"
            "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
            "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
            "<Envelope " NS1 ">" VS ("e", "<Name>&c;</Name>", "1", "1",
                                     "MegaBytes") "</Envelope>");
  expect_error ("internal entities", doc, "declares XML entities");
  /* An external DTD without entity declarations is fine, and is never
   * fetched. */
  snprintf (doc, sizeof doc,
            "<!DOCTYPE Envelope SYSTEM \"file://%s\">"
            "<Envelope " NS1
            ">" VS ("e", "", "1", "1", "MegaBytes") "</Envelope>",
            fifo);
  vms = expect_ok ("external DTD", doc, 1);
  if (vms)
    v2c_vms_free (vms, 1);
}

static void
test_security (void)
{
  char dir[] = "/tmp/test-ovf-XXXXXX", fifo[64];
  char *big;
  size_t biglen = V2C_MAX_DESCRIPTOR_BYTES + 1;
  struct v2c_err err = { 0 };
  struct v2c_vm *vms;
  size_t n;

  if (mkdtemp (dir) == NULL) {
    FAIL ("mkdtemp: %s", strerror (errno));
    return;
  }
  snprintf (fifo, sizeof fifo, "%s/fifo", dir);
  if (mkfifo (fifo, 0600) == -1)
    FAIL ("mkfifo: %s", strerror (errno));
  else
    in_child (entity_cases, fifo);
  unlink (fifo);
  rmdir (dir);

  expect_error ("malformed",
                "<Envelope " NS1 ">\n<VirtualSystem>\n"
                "</Envelop>\n",
                "not well-formed XML at line 3");
  expect_error ("truncated", "<Envelope " NS1 ">\n<Virtual",
                "not well-formed XML at line 2");
  expect_error ("not xml", "hello", "not well-formed XML at line 1");
  expect_error ("wrong root", "<Project/>", "'Envelope'");
  expect_error ("wrong namespace",
                "<Envelope xmlns=\"urn:example\"><VirtualSystem/></Envelope>",
                "'urn:example'");
  expect_error ("no virtual system", "<Envelope " NS1 "/>", "VirtualSystem");

  if (parse_exact ("", 0, &vms, &n, &err) == 0 || err.msg[0] == '\0')
    FAIL ("empty buffer accepted");
  big = malloc (biglen);
  if (big == NULL)
    abort ();
  memset (big, ' ', biglen);
  memcpy (big, "<Envelope", 9);
  v2c_clear_error (&err);
  if (v2c_ovf_parse (big, biglen, &vms, &n, &err) == 0
      || strstr (err.msg, "larger") == NULL)
    FAIL ("oversized buffer: '%s'", err.msg);
  free (big);
}

static void
test_numbers (void)
{
  static const struct {
    const char *cpus, *mem, *units, *want;
  } bad[] = {
    { "5000", "1", "MegaBytes", "CPU" },
    { "0", "1", "MegaBytes", "CPU" },
    { "-1", "1", "MegaBytes", "CPU" },
    { "two", "1", "MegaBytes", "'two'" },
    { "99999999999999999999", "1", "MegaBytes", "CPU" },
    { "1", "-5", "MegaBytes", "memory" },
    { "1", "68719476737", "MegaBytes", "memory" },
    { "1", "18446744073709551615", "byte * 2^20", "memory" },
    { "1", "0", "MegaBytes", "memory" },
    { "1", "1.5", "GigaBytes", "memory" },
  };
  size_t i;
  char doc[2048], what[64];

  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    snprintf (doc, sizeof doc,
              "<Envelope " NS1
              ">" VS ("n", "", "%s", "%s", "%s") "</Envelope>",
              bad[i].cpus, bad[i].units, bad[i].mem);
    snprintf (what, sizeof what, "bad number %zu", i);
    expect_error (what, doc, bad[i].want);
  }
}

static const char *
corpus_dir (void)
{
  const char *c = getenv ("V2C_CORPUS");
  static char path[4096];
  struct stat st;

#ifdef CORPUS_FALLBACK
  if (c == NULL || *c == '\0')
    c = CORPUS_FALLBACK;
#endif
  if (c == NULL)
    return NULL;
  snprintf (path, sizeof path, "%s/ovf", c);
  if (stat (path, &st) == -1 || !S_ISDIR (st.st_mode))
    return NULL;
  return path;
}

static char *
read_corpus (const char *dir, const char *name, size_t *len)
{
  char path[4096];
  struct v2c_err err = { 0 };
  char *buf;

  snprintf (path, sizeof path, "%s/%s", dir, name);
  buf = v2c_read_file (path, V2C_MAX_DESCRIPTOR_BYTES, len, &err);
  if (buf == NULL)
    FAIL ("%s", err.msg);
  return buf;
}

/* The oVirt OVF in the corpus is virt-v2v's expected output with
 * "#SIZE#" and other placeholders left in.  As it stands the File
 * ovf:size is not a number: it reads, with the size unknown; with the
 * placeholder filled in, the size is read too. */
static void
test_ovirt (const char *dir)
{
  static const char name[] = "virt-v2v-test-o-ovirt.ovf";
  struct v2c_err err = { 0 };
  struct v2c_vm *vms = NULL;
  size_t len, n = 0;
  char *buf = read_corpus (dir, name, &len), *p;

  if (buf == NULL)
    return;
  if (v2c_ovf_parse (buf, len, &vms, &n, &err) == -1)
    FAIL ("%s: refused: %s", name, err.msg);
  else if (n != 1 || vms[0].ndisks != 1)
    FAIL ("%s: %zu vms", name, n);
  else
    check_int ("ovirt placeholder file size", vms[0].disks[0].file_size, -1);
  v2c_vms_free (vms, n);
  p = strstr (buf, "'#SIZE#'");
  if (p == NULL) {
    FAIL ("%s: no '#SIZE#' placeholder", name);
    free (buf);
    return;
  }
  memcpy (p, "'4096  '", 8);
  vms = NULL;
  n = 0;
  if (v2c_ovf_parse (buf, len, &vms, &n, &err) == -1)
    FAIL ("%s with a size: %s", name, err.msg);
  else if (n != 1)
    FAIL ("%s: %zu vms", name, n);
  else {
    /* Expected values read off the file by hand. */
    check_str ("ovirt name", vms[0].name, "windows");
    check_int ("ovirt cpus", vms[0].cpus, 1);
    check_int ("ovirt memory", vms[0].memory_mib, 1024);
    check_int ("ovirt ndisks", (int64_t) vms[0].ndisks, 1);
    if (vms[0].ndisks == 1) {
      check_str ("ovirt disk", vms[0].disks[0].file, "#DISK_ID#/#VOL_ID#");
      check_str ("ovirt format", vms[0].disks[0].format, "raw");
      check_int ("ovirt capacity", vms[0].disks[0].capacity_bytes, 536870912);
      check_int ("ovirt file size", vms[0].disks[0].file_size, 4096);
    }
    check_int ("ovirt nnics", (int64_t) vms[0].nnics, 1);
    if (vms[0].nnics == 1) {
      check_str ("ovirt mac", vms[0].nics[0].mac, "00:11:22:33:44:55");
      check_str ("ovirt network", vms[0].nics[0].network, "default");
    }
  }
  v2c_vms_free (vms, n);
  free (buf);
}

/* Every prefix of a real descriptor fails cleanly or parses (a prefix
 * is never well-formed past the root's start, so it fails). */
static void
test_prefixes (const char *dir)
{
  size_t len, i;
  char *buf = read_corpus (dir, "virt-v2v-test-i-ova.ovf", &len);

  if (buf == NULL)
    return;
  for (i = 1; i < len; i += 3) {
    struct v2c_err err = { 0 };
    struct v2c_vm *vms = NULL;
    size_t n = 0;

    if (parse_exact (buf, i, &vms, &n, &err) == 0) {
      FAIL ("prefix of %zu bytes parsed", i);
      v2c_vms_free (vms, n);
    } else if (err.msg[0] == '\0')
      FAIL ("prefix of %zu bytes: no error message", i);
  }
  free (buf);
}

static int
ends_with (const char *s, const char *suf)
{
  size_t a = strlen (s), b = strlen (suf);
  return a >= b && strcmp (s + a - b, suf) == 0;
}

/* virt-v2v --print-source output for the same OVF. */
static void
check_print_source (const char *dir, const char *stem, const struct v2c_vm *vm)
{
  char name[512], line[1024], *l;
  size_t len, ndisks = 0, nnics = 0;
  char *txt, *save = NULL;
  enum { NONE, DISKS, MEDIA, NICS } in = NONE;
  bool saw_mem = false, saw_cpus = false;

  snprintf (name, sizeof name, "%s.v2v-print-source.txt", stem);
  txt = read_corpus (dir, name, &len);
  if (txt == NULL)
    return;
  for (l = strtok_r (txt, "\n", &save); l; l = strtok_r (NULL, "\n", &save)) {
    long long v;
    char a[256], b[64];

    snprintf (line, sizeof line, "%s", l);
    if (sscanf (line, " memory: %lld (bytes)", &v) == 1) {
      saw_mem = true;
      if (vm->memory_mib * 1048576 != v)
        FAIL ("%s: memory %" PRId64 " MiB, virt-v2v says %lld bytes", stem,
              vm->memory_mib, v);
    } else if (sscanf (line, " nr vCPUs: %lld", &v) == 1) {
      saw_cpus = true;
      check_int (stem, vm->cpus, v);
    } else if (sscanf (line, " firmware: %63s", b) == 1) {
      /* virt-v2v reads no firmware key as BIOS. */
      const char *w = strcmp (b, "uefi") == 0 ? "efi" : "bios";
      check_str (name, vm->firmware ? vm->firmware : "bios", w);
    } else if (strcmp (line, "disks:") == 0)
      in = DISKS;
    else if (strcmp (line, "removable media:") == 0)
      in = MEDIA;
    else if (strcmp (line, "NICs:") == 0)
      in = NICS;
    else if (line[0] == '\t' && in == DISKS) {
      unsigned idx;
      if (sscanf (line, "\t%u [%63[^]]]", &idx, b) != 2)
        FAIL ("%s: can't read '%s'", name, line);
      else if (idx >= vm->ndisks)
        FAIL ("%s: virt-v2v has disk %u, v2c read %zu", stem, idx, vm->ndisks);
      else
        check_str (name, vm->disks[idx].controller, b);
      ndisks++;
    } else if (line[0] == '\t' && in == NICS) {
      if (sscanf (line, "\tBridge \"%255[^\"]\" [%63[^]]]", a, b) != 2)
        FAIL ("%s: can't read '%s'", name, line);
      else if (nnics >= vm->nnics)
        FAIL ("%s: more NICs than v2c read", name);
      else {
        check_str (name, vm->nics[nnics].network, a);
        check_str (name, vm->nics[nnics].model, b);
      }
      nnics++;
    }
  }
  if (!saw_mem || !saw_cpus)
    FAIL ("%s: no memory or vCPU line", name);
  check_int ("disks per virt-v2v", (int64_t) vm->ndisks, (int64_t) ndisks);
  check_int ("NICs per virt-v2v", (int64_t) vm->nnics, (int64_t) nnics);
  free (txt);
}

static void
test_corpus (const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *e;
  size_t count = 0, compared = 0;

  if (d == NULL) {
    FAIL ("can't open '%s': %s", dir, strerror (errno));
    return;
  }
  while ((e = readdir (d)) != NULL) {
    struct v2c_err err = { 0 };
    struct v2c_vm *vms = NULL;
    size_t len, n = 0;
    char *buf, stem[512], other[600];
    struct stat st;

    if (!ends_with (e->d_name, ".ovf")
        || strcmp (e->d_name, "virt-v2v-test-o-ovirt.ovf") == 0)
      continue;
    count++;
    buf = read_corpus (dir, e->d_name, &len);
    if (buf == NULL)
      continue;
    if (v2c_ovf_parse (buf, len, &vms, &n, &err) == -1)
      FAIL ("%s: %s", e->d_name, err.msg);
    else {
      /* the vGPUs: as many as the text has backing.vgpu keys (the
       * corpus has no other GPU), each NVIDIA's with its profile */
      size_t want = 0, got = 0, k;
      const char *p;

      for (p = buf; (p = memmem (p, len - (size_t) (p - buf),
                                 "key=\"backing.vgpu\"", 18))
                    != NULL;
           p++)
        want++;
      for (k = 0; k < n; k++)
        for (size_t g = 0; g < vms[k].ngpus; g++, got++)
          if (strcmp (vms[k].gpus[g].kind, "vgpu") != 0
              || vms[k].gpus[g].profile == NULL
              || strncmp (vms[k].gpus[g].profile, "grid_", 5) != 0
              || vms[k].gpus[g].vendor == NULL
              || strcmp (vms[k].gpus[g].vendor, "nvidia") != 0)
            FAIL ("%s: GPU %zu is not an NVIDIA vGPU with a grid_ profile",
                  e->d_name, g);
      checks++;
      if (got != want)
        FAIL ("%s: %zu GPUs read, the text has %zu backing.vgpu", e->d_name,
              got, want);
      if (strcmp (e->d_name, "govmomi-SimpleVm_with_vgpu.ovf") == 0) {
        checks++;
        if (n != 1 || vms[0].ngpus != 1
            || strcmp (vms[0].gpus[0].profile, "grid_a100-8c") != 0
            || strcmp (vms[0].gpus[0].source, "OVF Item 11") != 0)
          FAIL ("%s: not the one vGPU grid_a100-8c of Item 11", e->d_name);
      }
      snprintf (stem, sizeof stem, "%.*s", (int) (strlen (e->d_name) - 4),
                e->d_name);
      snprintf (other, sizeof other, "%s/%s.v2v-print-source.txt", dir, stem);
      if (stat (other, &st) == 0) {
        if (n != 1)
          FAIL ("%s: %zu vms", e->d_name, n);
        else
          check_print_source (dir, stem, &vms[0]);
        compared++;
      }
    }
    v2c_vms_free (vms, n);
    free (buf);
  }
  closedir (d);
  if (count < 30)
    FAIL ("only %zu OVF files in '%s'", count, dir);
  if (compared < 3)
    FAIL ("only %zu virt-v2v readings compared", compared);
  fprintf (stderr,
           "test-ovf: %zu corpus OVFs read, %zu checked against "
           "virt-v2v\n",
           count, compared);
}

/* ProductSection properties marked ovf:password="true": keys (with the
 * section's class), a fingerprint of a default value, never the value;
 * other properties and a password="false" one are not listed. */
static void
test_password_props (void)
{
  static const char text[] =
      "<?xml version=\"1.0\"?>\n"
      "<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\" "
      "xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\">"
      "<VirtualSystem ovf:id=\"app\">"
      "<ProductSection ovf:class=\"vami\">"
      "<Property ovf:key=\"root_pw\" ovf:type=\"string\" "
      "ovf:password=\"true\" ovf:value=\"v2cOvfDefault9\"/>"
      "<Property ovf:key=\"hostname\" ovf:type=\"string\" "
      "ovf:value=\"app.local\"/>"
      "</ProductSection>"
      "<ProductSection>"
      "<Property ovf:key=\"db_pw\" ovf:type=\"string\" ovf:password=\"true\"/>"
      "<Property ovf:key=\"shown\" ovf:type=\"string\" "
      "ovf:password=\"false\" ovf:value=\"x\"/>"
      "</ProductSection>"
      "</VirtualSystem></Envelope>";
  struct v2c_vm *vms = expect_ok ("password properties", text, 1);
  char fp[32];

  if (vms == NULL)
    return;
  check_int ("password properties: count", (int64_t) vms->nsecret_props, 2);
  if (vms->nsecret_props == 2) {
    check_str ("password properties: key 0", vms->secret_props[0].key,
               "vami.root_pw");
    check_str ("password properties: key 1", vms->secret_props[1].key,
               "db_pw");
    v2c_secret_fingerprint ("v2cOvfDefault9", 14, fp);
    check_str ("password properties: fingerprint", vms->secret_props[0].fingerprint,
               fp);
    check_str ("password properties: no value, no fingerprint",
               vms->secret_props[1].fingerprint, "");
    if (strstr (vms->secret_props[0].key, "v2cOvf")
        || strstr (vms->secret_props[0].fingerprint, "v2cOvf"))
      FAIL ("password properties: the value is kept");
  }
  v2c_vms_free (vms, 1);
}

int
main (int argc, char **argv)
{
  const char *dir;

  if (argc == 3 && strcmp (argv[1], "--dump") == 0) {
    struct v2c_err err = { 0 };
    struct v2c_vm *vms;
    size_t len, n;
    char *buf = v2c_read_file (argv[2], V2C_MAX_DESCRIPTOR_BYTES, &len, &err);

    if (buf == NULL || v2c_ovf_parse (buf, len, &vms, &n, &err) == -1) {
      fprintf (stderr, "test-ovf: %s: %s\n", argv[2], err.msg);
      free (buf);
      return 1;
    }
    dump (vms, n);
    v2c_vms_free (vms, n);
    free (buf);
    return 0;
  }
  if (argc != 1) {
    fprintf (stderr, "usage: test-ovf [--dump FILE]\n");
    return 2;
  }

  test_ovf2 ();
  test_collections ();
  test_units ();
  test_disk_capacity ();
  test_hardware ();
  test_ovf09 ();
  test_encodings ();
  test_empty_configuration ();
  test_security ();
  test_numbers ();
  test_password_props ();

  dir = corpus_dir ();
  if (dir) {
    test_corpus (dir);
    test_ovirt (dir);
    test_prefixes (dir);
  } else
    fprintf (stderr, "test-ovf: no corpus (V2C_CORPUS), corpus checks "
                     "skipped\n");

  if (failures) {
    fprintf (stderr, "test-ovf: %d failures\n", failures);
    return 1;
  }
  if (dir == NULL) {
    /* The hand-written cases passed, but the corpus is the main
     * check: report a skip so it is not mistaken for a full pass. */
    fprintf (stderr, "test-ovf: SKIP corpus part (no V2C_CORPUS)\n");
    return 77;
  }
  return 0;
}
