/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Test of the VMX reader (lib/source-vmx.c).
 *
 * Ground truth: for every $V2C_CORPUS/vmx/NAME.vmx, libvirt's own
 * reading of it (NAME.libvirt.xml, the expected output of libvirt's
 * vmx2xml test, read here with libxml2) and virt-v2v's --print-source
 * dump (NAME.v2v-print-source.txt).  Deliberate differences from those
 * readings, each checked explicitly below:
 *   - a NIC without ethernetN.virtualDev: libvirt writes no <model>, v2c
 *     says "vlance" (what ESX gives such a guest);
 *   - SCSI model pvscsi: libvirt calls it "vmpvscsi", v2c keeps VMware's
 *     name "pvscsi";
 *   - a distributed-switch NIC: libvirt gives <interface type='vds'>,
 *     v2c's network is the port group key (dvs.portgroupId);
 *   - a bridged NIC without networkName: virt-v2v names it after the
 *     device ("ethernet0"), v2c leaves the network unset;
 *   - file names: libvirt's test harness maps them (see
 *     corpus/SOURCES.md); map_libvirt_name() applies the same mapping
 *     to v2c's names before comparing.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "v2c-internal.h"
#include "unit.h"

/* unit.h's checks, with the arguments in the order of the tables below */
static void
check_str (const char *what, const char *ctx, const char *got,
           const char *want)
{
  unit_check_str (ctx, what, got, want);
}

static void
check_int (const char *what, const char *ctx, long long got, long long want)
{
  unit_check_int (ctx, what, got, want);
}

#define DIR_FOR_TEST "/srv/vms/test vm"


/* libvirt's vmx2xml test harness (tests/vmx2xmltest.c) maps names:
 * /vmfs/volumes/DS/PATH -> "[DS] PATH"; other absolute paths stay;
 * relative ones -> "[datastore] directory/NAME". */
static char *
map_libvirt_name (const char *f)
{
  char *r = NULL;

  if (strncmp (f, "/vmfs/volumes/", 14) == 0) {
    const char *ds = f + 14, *slash = strchr (ds, '/');

    if (slash
        && asprintf (&r, "[%.*s] %s", (int)(slash - ds), ds, slash + 1) == -1)
      r = NULL;
  } else if (f[0] == '/')
    r = strdup (f);
  else if (asprintf (&r, "[datastore] directory/%s", f) == -1)
    r = NULL;
  if (r == NULL) {
    perror ("map_libvirt_name");
    exit (EXIT_FAILURE);
  }
  return r;
}

/* --------------------------------------------------------------- */
/* libvirt XML                                                     */

static xmlXPathObjectPtr
xpath (xmlXPathContextPtr ctx, xmlNodePtr node, const char *expr)
{
  xmlXPathObjectPtr o;

  ctx->node = node;
  o = xmlXPathEvalExpression (BAD_CAST expr, ctx);
  if (o == NULL) {
    fprintf (stderr, "xpath '%s' failed\n", expr);
    exit (EXIT_FAILURE);
  }
  return o;
}

/* String value of expr (NULL when empty); caller frees. */
static char *
xstr (xmlXPathContextPtr ctx, xmlNodePtr node, const char *expr)
{
  xmlXPathObjectPtr o = xpath (ctx, node, expr);
  xmlChar *s = xmlXPathCastToString (o);
  char *r = NULL;

  if (s && s[0])
    r = strdup ((const char *)s);
  xmlFree (s);
  xmlXPathFreeObject (o);
  return r;
}

static long long
xnum (xmlXPathContextPtr ctx, xmlNodePtr node, const char *expr, long long d)
{
  char *s = xstr (ctx, node, expr);
  long long r = d;

  if (s) {
    char *end;

    errno = 0;
    r = strtoll (s, &end, 10);
    if (errno || *end) {
      fprintf (stderr, "bad number '%s' for %s\n", s, expr);
      exit (EXIT_FAILURE);
    }
    free (s);
  }
  return r;
}

static void
compare_libvirt (const char *name, const char *xmlpath,
                 const struct v2c_vm *vm)
{
  xmlDocPtr doc;
  xmlXPathContextPtr ctx;
  xmlXPathObjectPtr disks, nics;
  long long kib;
  char *unit;
  int i, n;

  doc = xmlReadFile (xmlpath, NULL, XML_PARSE_NONET);
  if (doc == NULL) {
    FAIL ("%s: can't parse '%s'", name, xmlpath);
    return;
  }
  ctx = xmlXPathNewContext (doc);

  check_int ("vCPUs", name, vm->cpus,
             xnum (ctx, NULL, "string(/domain/vcpu)", -1));
  kib = xnum (ctx, NULL, "string(/domain/memory)", -1);
  unit = xstr (ctx, NULL, "string(/domain/memory/@unit)");
  if (unit && strcmp (unit, "KiB") != 0) {
    FAIL ("%s: unexpected memory unit '%s'", name, unit);
    kib = -1;
  }
  free (unit);
  check_int ("memory MiB", name, vm->memory_mib, kib / 1024);

  disks = xpath (ctx, NULL, "/domain/devices/disk[@device='disk']");
  n = disks->nodesetval ? disks->nodesetval->nodeNr : 0;
  check_int ("number of disks", name, (long long)vm->ndisks, n);
  for (i = 0; i < n && (size_t)i < vm->ndisks; i++) {
    xmlNodePtr d = disks->nodesetval->nodeTab[i];
    const struct v2c_vm_disk *vd = &vm->disks[i];
    char *file = xstr (ctx, d, "string(source/@file)");
    char *bus = xstr (ctx, d, "string(target/@bus)");
    char *mapped = map_libvirt_name (vd->file);
    char ctxname[256];
    long long lv_ctrl, lv_bus, lv_unit;

    snprintf (ctxname, sizeof ctxname, "%s disk %d", name, i);
    check_str ("file", ctxname, mapped, file);
    check_str ("controller", ctxname, vd->controller, bus);
    lv_ctrl = xnum (ctx, d, "string(address/@controller)", -1);
    lv_bus = xnum (ctx, d, "string(address/@bus)", -1);
    lv_unit = xnum (ctx, d, "string(address/@unit)", -1);
    /* libvirt puts both IDE channels on one controller. */
    if (bus && strcmp (bus, "ide") == 0)
      check_int ("bus", ctxname, vd->bus, lv_bus);
    else
      check_int ("bus", ctxname, vd->bus, lv_ctrl);
    check_int ("unit", ctxname, vd->unit, lv_unit);
    if (bus && strcmp (bus, "scsi") == 0) {
      char expr[128], *model;

      snprintf (expr, sizeof expr,
                "string(/domain/devices/controller[@type='scsi' and "
                "@index='%d']/@model)",
                vd->bus);
      model = xstr (ctx, NULL, expr);
      if (model && strcmp (model, "vmpvscsi") == 0) {
        free (model);
        model = strdup ("pvscsi"); /* deliberate: VMware's name */
      }
      /* Without scsiN.virtualDev libvirt picks a model by itself; v2c
       * says it does not know. */
      if (vd->controller_model != NULL || model == NULL)
        check_str ("SCSI model", ctxname, vd->controller_model, model);
      free (model);
    }
    check_str ("format", ctxname, vd->format, "vmdk");
    if (vd->file[0] == '/')
      check_str ("path", ctxname, vd->path, vd->file);
    else {
      char *want;

      if (asprintf (&want, "%s/%s", DIR_FOR_TEST, vd->file) == -1)
        exit (EXIT_FAILURE);
      check_str ("path", ctxname, vd->path, want);
      free (want);
    }
    free (mapped);
    free (file);
    free (bus);
  }
  xmlXPathFreeObject (disks);

  nics = xpath (ctx, NULL, "/domain/devices/interface");
  n = nics->nodesetval ? nics->nodesetval->nodeNr : 0;
  check_int ("number of NICs", name, (long long)vm->nnics, n);
  for (i = 0; i < n && (size_t)i < vm->nnics; i++) {
    xmlNodePtr x = nics->nodesetval->nodeTab[i];
    const struct v2c_vm_nic *vn = &vm->nics[i];
    char *model = xstr (ctx, x, "string(model/@type)");
    char *mac = xstr (ctx, x, "string(mac/@address)");
    char *type = xstr (ctx, x, "string(@type)");
    char ctxname[256];

    snprintf (ctxname, sizeof ctxname, "%s NIC %d", name, i);
    /* Deliberate: no virtualDev means vlance for v2c. */
    check_str ("model", ctxname, vn->model, model ? model : "vlance");
    check_str ("MAC", ctxname, vn->mac, mac);
    if (type && strcmp (type, "bridge") == 0) {
      char *br = xstr (ctx, x, "string(source/@bridge)");
      check_str ("network", ctxname, vn->network, br);
      free (br);
    } else if (type && strcmp (type, "vds") == 0) {
      char *pg = xstr (ctx, x, "string(source/@portgroupid)");
      check_str ("network (dvs port group)", ctxname, vn->network, pg);
      free (pg);
    } else {
      check_str ("network", ctxname, vn->network, NULL);
    }
    free (model);
    free (mac);
    free (type);
  }
  xmlXPathFreeObject (nics);

  xmlXPathFreeContext (ctx);
  xmlFreeDoc (doc);
}

/* --------------------------------------------------------------- */
/* virt-v2v --print-source                                         */

static void
compare_v2v (const char *name, const char *txtpath, const struct v2c_vm *vm)
{
  struct v2c_err err = { 0 };
  CLEANUP_FREE char *buf = v2c_read_file (txtpath, 1 << 20, NULL, &err);
  char *line, *save = NULL;
  enum { NONE, DISKS, MEDIA, NICS } sect = NONE;
  size_t ndisks = 0, nnics = 0;
  bool saw_name = false, saw_mem = false, saw_cpus = false, saw_fw = false;

  if (buf == NULL) {
    FAIL ("%s: %s", name, err.msg);
    return;
  }
  for (line = strtok_r (buf, "\n", &save); line;
       line = strtok_r (NULL, "\n", &save)) {
    const char *p = line;
    char ctxname[256];

    while (*p == ' ')
      p++;
    if (strncmp (p, "source name: ", 13) == 0) {
      saw_name = true;
      check_str ("name (virt-v2v)", name, vm->name, p + 13);
    } else if (strncmp (p, "memory: ", 8) == 0) {
      saw_mem = true;
      check_int ("memory bytes (virt-v2v)", name, vm->memory_mib << 20,
                 strtoll (p + 8, NULL, 10));
    } else if (strncmp (p, "nr vCPUs: ", 10) == 0) {
      saw_cpus = true;
      check_int ("vCPUs (virt-v2v)", name, vm->cpus,
                 strtoll (p + 10, NULL, 10));
    } else if (strncmp (p, "firmware: ", 10) == 0) {
      saw_fw = true;
      /* virt-v2v says bios when the VMX does not say. */
      check_str ("firmware (virt-v2v)", name,
                 vm->firmware && strcmp (vm->firmware, "efi") == 0 ? "uefi"
                                                                   : "bios",
                 p + 10);
    } else if (strcmp (p, "disks:") == 0)
      sect = DISKS;
    else if (strcmp (p, "removable media:") == 0)
      sect = MEDIA;
    else if (strcmp (p, "NICs:") == 0)
      sect = NICS;
    else if (line[0] == '\t' && sect == DISKS) {
      const char *b = strchr (p, '['), *e = b ? strchr (b, ']') : NULL;
      char ctrl[32];

      snprintf (ctxname, sizeof ctxname, "%s disk %zu (virt-v2v)", name,
                ndisks);
      if (b == NULL || e == NULL || e - b - 1 >= (long)sizeof ctrl) {
        FAIL ("%s: can't read '%s'", ctxname, p);
        continue;
      }
      snprintf (ctrl, sizeof ctrl, "%.*s", (int)(e - b - 1), b + 1);
      if (ndisks < vm->ndisks)
        check_str ("controller", ctxname, vm->disks[ndisks].controller, ctrl);
      ndisks++;
    } else if (line[0] == '\t' && sect == NICS) {
      /* '\tNetwork "VM Network" mac: 00:.. [vmxnet3]' or 'Bridge "..."' */
      char kind[16], net[256], mac[32], model[32];

      snprintf (ctxname, sizeof ctxname, "%s NIC %zu (virt-v2v)", name, nnics);
      if (sscanf (p, "%15s \"%255[^\"]\" mac: %31s [%31[^]]]", kind, net, mac,
                  model)
          != 4) {
        FAIL ("%s: can't read '%s'", ctxname, p);
        continue;
      }
      if (nnics < vm->nnics) {
        const struct v2c_vm_nic *vn = &vm->nics[nnics];
        char devname[32];

        check_str ("MAC", ctxname, vn->mac, mac);
        check_str ("model", ctxname, vn->model, model);
        snprintf (devname, sizeof devname, "ethernet%zu", nnics);
        /* Deliberate: an unnamed bridge is NULL for v2c. */
        if (strcmp (kind, "Bridge") == 0 && strcmp (net, devname) == 0)
          check_str ("network", ctxname, vn->network, NULL);
        else
          check_str ("network", ctxname, vn->network, net);
      }
      nnics++;
    }
  }
  if (!saw_name || !saw_mem || !saw_cpus || !saw_fw)
    FAIL ("%s: '%s' lacks name/memory/vCPUs/firmware lines", name, txtpath);
  check_int ("number of disks (virt-v2v)", name, (long long)vm->ndisks,
             (long long)ndisks);
  check_int ("number of NICs (virt-v2v)", name, (long long)vm->nnics,
             (long long)nnics);
}

/* --------------------------------------------------------------- */

static int
cmp_names (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

static int
test_corpus (const char *corpus)
{
  char dirpath[4096];
  DIR *dir;
  struct dirent *de;
  char **names = NULL;
  size_t n = 0, i, nlibvirt = 0, nv2v = 0;

  snprintf (dirpath, sizeof dirpath, "%s/vmx", corpus);
  dir = opendir (dirpath);
  if (dir == NULL) {
    fprintf (stderr, "can't open '%s': %s\n", dirpath, strerror (errno));
    return -1;
  }
  while ((de = readdir (dir)) != NULL) {
    size_t l = strlen (de->d_name);

    if (l > 4 && strcmp (de->d_name + l - 4, ".vmx") == 0) {
      names = realloc (names, (n + 1) * sizeof *names);
      if (names == NULL || (names[n] = strndup (de->d_name, l - 4)) == NULL)
        exit (EXIT_FAILURE);
      n++;
    }
  }
  closedir (dir);
  qsort (names, n, sizeof *names, cmp_names);

  for (i = 0; i < n; i++) {
    char path[4096], other[4096];
    struct v2c_err err = { 0 };
    struct v2c_vm vm;
    size_t len;
    CLEANUP_FREE char *buf = NULL;
    FILE *fp;

    snprintf (path, sizeof path, "%s/%s.vmx", dirpath, names[i]);
    buf = v2c_read_file (path, V2C_MAX_DESCRIPTOR_BYTES, &len, &err);
    checks++;
    if (buf == NULL) {
      FAIL ("%s", err.msg);
      continue;
    }
    if (v2c_vmx_parse (buf, len, DIR_FOR_TEST, &vm, &err) == -1) {
      FAIL ("%s: %s", names[i], err.msg);
      continue;
    }
    snprintf (other, sizeof other, "%s/%s.libvirt.xml", dirpath, names[i]);
    if ((fp = fopen (other, "r")) != NULL) {
      fclose (fp);
      compare_libvirt (names[i], other, &vm);
      nlibvirt++;
    }
    snprintf (other, sizeof other, "%s/%s.v2v-print-source.txt", dirpath,
              names[i]);
    if ((fp = fopen (other, "r")) != NULL) {
      fclose (fp);
      compare_v2v (names[i], other, &vm);
      nv2v++;
    }
    v2c_vm_free_contents (&vm);
    free (names[i]);
  }
  free (names);
  printf ("corpus: %zu VMX parsed, %zu compared with libvirt, %zu with "
          "virt-v2v\n",
          n, nlibvirt, nv2v);
  if (n < 40 || nlibvirt < 35 || nv2v < 5) {
    FAIL ("corpus smaller than expected");
    return -1;
  }
  return 0;
}

/* --------------------------------------------------------------- */
/* Hand-written cases                                               */

static int
parse (const char *text, const char *dir, struct v2c_vm *vm,
       struct v2c_err *err)
{
  return v2c_vmx_parse (text, strlen (text), dir, vm, err);
}

static void
expect_error (const char *what, const char *buf, size_t len,
              const char *needle)
{
  struct v2c_err err = { 0 };
  struct v2c_vm vm;

  checks++;
  if (v2c_vmx_parse (buf, len, NULL, &vm, &err) == 0) {
    FAIL ("%s: parsed, expected an error containing '%s'", what, needle);
    v2c_vm_free_contents (&vm);
    return;
  }
  if (strstr (err.msg, needle) == NULL)
    FAIL ("%s: error '%s' lacks '%s'", what, err.msg, needle);
  if (vm.disks || vm.nics || vm.name)
    FAIL ("%s: vm not cleared after the error", what);
}

#define EXPECT_ERROR(what, lit, needle)                                       \
  expect_error (what, lit, sizeof (lit) - 1, needle)

static void
test_hand_written (void)
{
  struct v2c_err err = { 0 };
  struct v2c_vm vm;
  char *big;
  size_t biglen;

  EXPECT_ERROR ("numvcpus huge", "numvcpus = \"99999999999\"\n",
                "'numvcpus' = '99999999999' is out of range");
  EXPECT_ERROR ("numvcpus zero", "numvcpus = \"0\"\n",
                "'numvcpus' = '0' is out of range");
  EXPECT_ERROR ("numvcpus 4097", "numvcpus = \"4097\"\n",
                "'numvcpus' = '4097' is out of range");
  EXPECT_ERROR ("numvcpus text", "numvcpus = \"two\"\n",
                "'numvcpus' = 'two' is not a number");
  EXPECT_ERROR ("numvcpus overflow",
                "numvcpus = \"99999999999999999999999\"\n", "is out of range");
  EXPECT_ERROR ("memsize negative", "memsize = \"-4\"\n",
                "'memsize' = '-4' is out of range");
  EXPECT_ERROR ("memsize zero", "memSize = \"0\"\n",
                "'memsize' = '0' is out of range");
  EXPECT_ERROR ("memsize 128 TiB", "memsize = \"134217728\"\n",
                "'memsize' = '134217728' is out of range");
  EXPECT_ERROR ("bad firmware", "firmware = \"coreboot\"\n",
                "'firmware' = 'coreboot'");
  EXPECT_ERROR ("NUL byte", "displayName = \"a\0b\"\n", "NUL byte");
  EXPECT_ERROR ("binary",
                "\x7f"
                "ELF\x02\x01\x01\x00\x00",
                "NUL");
  EXPECT_ERROR ("control char", "displayName = \"a\x01\"\n",
                "control character");
  EXPECT_ERROR ("no equals", "just some words\n", "expected '='");
  EXPECT_ERROR ("unterminated", "displayName = \"abc\n", "no closing quote");
  EXPECT_ERROR ("trailing junk", "displayName = \"abc\" def\n",
                "unexpected text");
  EXPECT_ERROR ("bad MAC",
                "ethernet0.present = \"TRUE\"\n"
                "ethernet0.addressType = \"static\"\n"
                "ethernet0.address = \"00:50:56:zz:00:01\"\n",
                "'ethernet0.address' = '00:50:56:zz:00:01'");
  EXPECT_ERROR ("RDM disk",
                "scsi0.present = \"TRUE\"\n"
                "scsi0:0.present = \"TRUE\"\n"
                "scsi0:0.deviceType = \"scsi-hardDisk\"\n"
                "scsi0:0.fileName = \"/vmfs/devices/disks/naa.600\"\n",
                "is not a .vmdk file");

  /* 20 MB of valid lines is still refused. */
  biglen = 20u << 20;
  big = malloc (biglen);
  if (big == NULL)
    exit (EXIT_FAILURE);
  for (size_t i = 0; i < biglen; i++)
    big[i] = (i % 32 == 31) ? '\n' : (i % 32 < 4 ? "a = "[i % 32] : 'x');
  expect_error ("20 MB", big, biglen, "larger than");
  free (big);

  /* Escapes, duplicate keys (last wins), case-insensitive keys,
   * comments, CRLF, unquoted value, defaults. */
  checks++;
  if (parse ("#!/usr/bin/vmware\r\n"
             ".encoding = \"windows-1252\"\r\n"
             "# a comment\r\n"
             "displayName = \"first\"\r\n"
             "DISPLAYNAME = \"say |22hi|22 |7C a|7Cb |zz end|\"  # c\r\n"
             "guestOS = \"RHEL7-64\"\r\n"
             "numvcpus = 4\r\n"
             "numvcpus = \"8\"\r\n"
             "firmware = \"EFI\"\r\n",
             NULL, &vm, &err)
      == -1) {
    FAIL ("escapes: %s", err.msg);
  } else {
    check_str ("name", "escapes", vm.name, "say \"hi\" | a|b |zz end|");
    check_str ("guestOS", "escapes", vm.guest_os_id, "RHEL7-64");
    check_int ("cpus", "duplicate keys", vm.cpus, 8);
    check_int ("memory default", "defaults", vm.memory_mib, 32);
    check_str ("firmware", "escapes", vm.firmware, "efi");
    v2c_vm_free_contents (&vm);
  }
  checks++;
  if (parse ("", NULL, &vm, &err) == -1)
    FAIL ("empty: %s", err.msg);
  else {
    check_int ("cpus default", "empty", vm.cpus, 1);
    check_int ("memory default", "empty", vm.memory_mib, 32);
    check_str ("name", "empty", vm.name, NULL);
    check_str ("firmware", "empty", vm.firmware, NULL);
    check_int ("disks", "empty", (long long)vm.ndisks, 0);
    v2c_vm_free_contents (&vm);
  }

  /* present FALSE (device and controller), CD-ROMs, relative and
   * absolute names with a directory, order across controller kinds. */
  checks++;
  if (parse ("memsize = \"2048\"\n"
             "nvme0.present = \"TRUE\"\n"
             "nvme0:0.present = \"TRUE\"\n"
             "nvme0:0.fileName = \"n.vmdk\"\n"
             "sata0.present = \"TRUE\"\n"
             "sata0:2.present = \"TRUE\"\n"
             "sata0:2.fileName = \"/abs/dir/s.VMDK\"\n"
             "sata0:1.present = \"TRUE\"\n"
             "sata0:1.deviceType = \"cdrom-image\"\n"
             "sata0:1.fileName = \"x.iso\"\n"
             "ide1:0.present = \"TRUE\"\n"
             "ide1:0.deviceType = \"ata-hardDisk\"\n"
             "ide1:0.fileName = \"sub/i.vmdk\"\n"
             "scsi1.present = \"FALSE\"\n"
             "scsi1:0.present = \"TRUE\"\n"
             "scsi1:0.fileName = \"hidden.vmdk\"\n"
             "scsi0.present = \"TRUE\"\n"
             "scsi0.virtualDev = \"PVSCSI\"\n"
             "scsi0:1.present = \"TRUE\"\n"
             "scsi0:1.fileName = \"b.vmdk\"\n"
             "scsi0:0.present = \"TRUE\"\n"
             "scsi0:0.fileName = \"a.vmdk\"\n"
             "scsi0:2.present = \"FALSE\"\n"
             "scsi0:2.fileName = \"off.vmdk\"\n"
             "scsi0:3.present = \"TRUE\"\n"
             "scsi0:3.deviceType = \"scsi-passthru\"\n"
             "scsi0:3.fileName = \"/vmfs/devices/cdrom/mpx\"\n"
             "floppy0.present = \"TRUE\"\n"
             "floppy0.fileName = \"f.flp\"\n"
             "ethernet1.present = \"TRUE\"\n"
             "ethernet1.virtualDev = \"vmxnet\"\n"
             "ethernet1.features = \"15\"\n"
             "ethernet1.networkName = \"Prod\"\n"
             "ethernet1.addressType = \"static\"\n"
             "ethernet1.address = \"00:50:56:AA:BB:CC\"\n"
             "ethernet1.generatedAddress = \"00:0c:29:00:00:01\"\n"
             "ethernet0.present = \"FALSE\"\n"
             "ethernet0.virtualDev = \"e1000\"\n",
             "/vms/x/", &vm, &err)
      == -1) {
    FAIL ("devices: %s", err.msg);
  } else {
    static const char *const files[]
        = { "a.vmdk", "b.vmdk", "/abs/dir/s.VMDK", "sub/i.vmdk", "n.vmdk" };
    static const char *const paths[]
        = { "/vms/x/a.vmdk", "/vms/x/b.vmdk", "/abs/dir/s.VMDK",
            "/vms/x/sub/i.vmdk", "/vms/x/n.vmdk" };
    static const char *const ctrls[]
        = { "scsi", "scsi", "sata", "ide", "nvme" };
    static const char *const models[]
        = { "pvscsi", "pvscsi", "ahci", NULL, NULL };
    static const int bus[] = { 0, 0, 0, 1, 0 }, unit[] = { 0, 1, 2, 0, 0 };

    check_int ("memory", "devices", vm.memory_mib, 2048);
    check_int ("disks", "devices", (long long)vm.ndisks, 5);
    for (size_t i = 0; i < 5 && i < vm.ndisks; i++) {
      check_str ("file", "devices", vm.disks[i].file, files[i]);
      check_str ("path", "devices", vm.disks[i].path, paths[i]);
      check_str ("controller", "devices", vm.disks[i].controller, ctrls[i]);
      check_str ("model", "devices", vm.disks[i].controller_model, models[i]);
      check_int ("bus", "devices", vm.disks[i].bus, bus[i]);
      check_int ("unit", "devices", vm.disks[i].unit, unit[i]);
    }
    check_int ("nics", "devices", (long long)vm.nnics, 1);
    if (vm.nnics == 1) {
      check_str ("model", "devices", vm.nics[0].model, "vmxnet2");
      check_str ("network", "devices", vm.nics[0].network, "Prod");
      check_str ("mac", "devices", vm.nics[0].mac, "00:50:56:aa:bb:cc");
    }
    v2c_vm_free_contents (&vm);
  }

  /* GPUs: a passthrough NVIDIA device, a vGPU, a Dynamic DirectPath
   * AMD device (decimal IDs), a network card passed through (not a
   * GPU), one not present; the 64-bit MMIO size on each */
  checks++;
  if (parse ("pciPassthru.use64bitMMIO = \"TRUE\"\n"
             "pciPassthru.64bitMMIOSizeGB = \"64\"\n"
             "pciPassthru0.present = \"TRUE\"\n"
             "pciPassthru0.vendorId = \"0x10DE\"\n"
             "pciPassthru0.deviceId = \"0x1db4\"\n"
             "pciPassthru0.id = \"00000:059:00.0\"\n"
             "pciPassthru1.present = \"TRUE\"\n"
             "pciPassthru1.vgpu = \"grid_t4-16c\"\n"
             "pciPassthru2.present = \"TRUE\"\n"
             "pciPassthru2.allowedDevice0.vendorId = \"4098\"\n"
             "pciPassthru2.allowedDevice0.deviceId = \"29631\"\n"
             "pciPassthru3.present = \"TRUE\"\n"
             "pciPassthru3.vendorId = \"0x8086\"\n"
             "pciPassthru3.deviceId = \"0x1572\"\n"
             "pciPassthru4.present = \"FALSE\"\n"
             "pciPassthru4.vendorId = \"0x10de\"\n",
             NULL, &vm, &err)
      == -1)
    FAIL ("gpus: %s", err.msg);
  else {
    check_int ("gpus", "gpus", (long long) vm.ngpus, 3);
    if (vm.ngpus == 3) {
      check_str ("kind 0", "gpus", vm.gpus[0].kind, "passthrough");
      check_str ("vendor 0", "gpus", vm.gpus[0].vendor, "nvidia");
      check_str ("vendor id 0", "gpus", vm.gpus[0].vendor_id, "0x10de");
      check_str ("device id 0", "gpus", vm.gpus[0].device_id, "0x1db4");
      check_str ("source 0", "gpus", vm.gpus[0].source, "pciPassthru0");
      check_int ("mmio 0", "gpus", vm.gpus[0].mmio_gb, 64);
      check_str ("kind 1", "gpus", vm.gpus[1].kind, "vgpu");
      check_str ("profile 1", "gpus", vm.gpus[1].profile, "grid_t4-16c");
      check_str ("vendor 1", "gpus", vm.gpus[1].vendor, "nvidia");
      check_str ("vendor 2", "gpus", vm.gpus[2].vendor, "amd");
      check_str ("vendor id 2", "gpus", vm.gpus[2].vendor_id, "0x1002");
      check_str ("device id 2", "gpus", vm.gpus[2].device_id, "0x73bf");
    }
    v2c_vm_free_contents (&vm);
  }
  checks++;
  if (parse ("pciPassthru0.present = \"TRUE\"\n"
             "pciPassthru0.vendorId = \"nvidia\"\n",
             NULL, &vm, &err)
      != -1) {
    FAIL ("a vendor ID 'nvidia' was accepted");
    v2c_vm_free_contents (&vm);
  } else if (strstr (err.msg, "pciPassthru0.vendorId") == NULL)
    FAIL ("bad vendor ID: unclear message '%s'", err.msg);

  /* dir NULL leaves path NULL. */
  checks++;
  if (parse ("scsi0.present = \"TRUE\"\nscsi0:0.present = \"TRUE\"\n"
             "scsi0:0.fileName = \"a.vmdk\"\n",
             NULL, &vm, &err)
      == -1)
    FAIL ("no dir: %s", err.msg);
  else {
    check_int ("disks", "no dir", (long long)vm.ndisks, 1);
    if (vm.ndisks == 1)
      check_str ("path", "no dir", vm.disks[0].path, NULL);
    v2c_vm_free_contents (&vm);
  }
}

/* '.encoding': the file is decoded into UTF-8 before it is read (so a
 * Shift_JIS trail byte 0x7C is not taken for a '|XX' escape); without
 * it the file must be UTF-8.  Bytes written here as escapes, in the
 * charsets VMware writes. */
static void
test_encodings (void)
{
  static const struct {
    const char *charset, *bytes, *utf8;
  } cases[] = {
    { "windows-1252", "caf\xe9", "caf\xc3\xa9" },
    { "WINDOWS-1250", "\xaf", "\xc5\xbb" },
    { "ISO-8859-1", "caf\xe9", "caf\xc3\xa9" },
    { "ISO-8859-5", "\xb6", "\xd0\x96" },
    { "Shift_JIS", "\x83\x65\x83\x58\x83\x67",
      "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88" },
    /* 'po' in katakana, then "41": not the escape '|41' */
    { "Shift_JIS", "\x83\x7c" "41", "\xe3\x83\x9d" "41" },
    { "GBK", "\xd6\xd0\xce\xc4", "\xe4\xb8\xad\xe6\x96\x87" },
    { "Big5", "\xa4\xa4\xa4\xe5", "\xe4\xb8\xad\xe6\x96\x87" },
    { "EUC-KR", "\xc7\xd1\xb1\xb9", "\xed\x95\x9c\xea\xb5\xad" },
    { "UTF-8", "caf\xc3\xa9", "caf\xc3\xa9" },
  };
  struct v2c_err err = { 0 };
  struct v2c_vm vm;
  char *text;
  size_t i;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    if (asprintf (&text,
                  "\xef\xbb\xbf.encoding = \"%s\"\n"
                  "displayName = \"%s\"\n"
                  "ethernet0.present = \"TRUE\"\n"
                  "ethernet0.networkName = \"%s\"\n",
                  cases[i].charset, cases[i].bytes, cases[i].bytes)
        == -1)
      exit (EXIT_FAILURE);
    checks++;
    if (parse (text, NULL, &vm, &err) == -1)
      FAIL ("%s: %s", cases[i].charset, err.msg);
    else {
      check_str ("name", cases[i].charset, vm.name, cases[i].utf8);
      if (vm.nnics == 1)
        check_str ("network", cases[i].charset, vm.nics[0].network,
                   cases[i].utf8);
      else
        FAIL ("%s: %zu NICs", cases[i].charset, vm.nnics);
      v2c_vm_free_contents (&vm);
    }
    free (text);
  }

  EXPECT_ERROR ("no .encoding, not UTF-8",
                "guestOS = \"other\"\ndisplayName = \"caf\xe9\"\n",
                "line 2: not valid UTF-8");
  EXPECT_ERROR (".encoding UTF-8, not UTF-8",
                ".encoding = \"UTF-8\"\ndisplayName = \"\xc3\"\n",
                "line 2: not valid UTF-8");
  EXPECT_ERROR ("overlong UTF-8", "displayName = \"\xc0\xaf\"\n",
                "line 1: not valid UTF-8");
  EXPECT_ERROR ("undecodable windows-1252",
                ".encoding = \"windows-1252\"\n\ndisplayName = \"\x81\"\n",
                "line 3: not valid windows-1252");
  EXPECT_ERROR ("undecodable Shift_JIS",
                ".encoding = \"Shift_JIS\"\ndisplayName = \"\x85\x40\"\n",
                "line 2: not valid Shift_JIS");
  EXPECT_ERROR ("unknown encoding",
                ".encoding = \"klingon\"\ndisplayName = \"x\"\n",
                "'.encoding' = 'klingon' is not an encoding v2c knows");
  EXPECT_ERROR ("UTF-7", ".encoding = \"UTF-7\"\ndisplayName = \"+AGE-\"\n",
                "'.encoding' = 'UTF-7' is not an encoding");
  EXPECT_ERROR ("escape to a bad byte", "a = \"b\"\ndisplayName = \"|E9\"\n",
                "line 2: the value of 'displayname' is not valid UTF-8");
}

int
main (void)
{
  const char *corpus = getenv ("V2C_CORPUS");
  FILE *fp;
  char probe[4096];

  LIBXML_TEST_VERSION;
  test_hand_written ();
  test_encodings ();

#ifdef CORPUS_FALLBACK
  if (corpus == NULL)
    corpus = CORPUS_FALLBACK;
#endif
  if (corpus == NULL) {
    fprintf (stderr, "V2C_CORPUS is not set\n");
    return failures ? 1 : 77;
  }
  snprintf (probe, sizeof probe, "%s/SOURCES.md", corpus);
  if ((fp = fopen (probe, "r")) == NULL) {
    fprintf (stderr, "corpus '%s' is absent: skipping the corpus part\n",
             corpus);
    return failures ? 1 : 77;
  }
  fclose (fp);
  if (test_corpus (corpus) == -1 && failures == 0)
    failures++;

  xmlCleanupParser ();
  printf ("%d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
