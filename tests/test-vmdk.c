/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Test of the VMDK descriptor reader (lib/source-vmdk.c).
 *
 * Ground truth: VMDKs that qemu-img creates at test time (monolithic
 * sparse, split sparse, stream-optimized, monolithic flat, delta disks
 * with a backing file), compared with what 'qemu-img info --output=json'
 * says about them: virtual-size, backing-filename, and the format-
 * specific cid / parent-cid / create-type / extents.  Hand-written
 * descriptors cover ZERO extents, ESX types and malformed input.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "v2c-internal.h"
#include "unit.h"

static char tmpdir[] = "/tmp/test-vmdk.XXXXXX";

static int
parse (const char *text, struct v2c_vmdk_info *info, struct v2c_err *err)
{
  return v2c_vmdk_parse_descriptor (text, strlen (text), info, err);
}

static void
expect_parse_error (const char *what, const char *buf, size_t len,
                    const char *needle)
{
  struct v2c_err err = { 0 };
  struct v2c_vmdk_info info;

  checks++;
  if (v2c_vmdk_parse_descriptor (buf, len, &info, &err) == 0) {
    FAIL ("%s: parsed, expected an error containing '%s'", what, needle);
    v2c_vmdk_info_free_contents (&info);
    return;
  }
  if (strstr (err.msg, needle) == NULL)
    FAIL ("%s: error '%s' lacks '%s'", what, err.msg, needle);
  if (info.extents != NULL || info.create_type != NULL)
    FAIL ("%s: info not cleared after the error", what);
}

#define EXPECT_PARSE_ERROR(what, lit, needle)                                 \
  expect_parse_error (what, lit, sizeof (lit) - 1, needle)

/* Every field of a parsed descriptor, one line for the disk
 * ("createType capacity CID parentCID parent") and one per extent
 * ("access sectors type file"); "-" for a NULL. */
static const char *
dump_info (const struct v2c_vmdk_info *info)
{
  static char buf[4096];
  size_t i, n;

  n = (size_t) snprintf (buf, sizeof buf, "%s %lld %08x %08x %s\n",
                         info->create_type, (long long) info->capacity_bytes,
                         info->cid, info->parent_cid,
                         info->parent_hint ? info->parent_hint : "-");
  for (i = 0; i < info->nextents && n < sizeof buf; i++) {
    const struct v2c_vmdk_extent *e = &info->extents[i];
    n += (size_t) snprintf (buf + n, sizeof buf - n, "%s %lld %s %s\n",
                            e->access, (long long) e->sectors, e->type,
                            e->file ? e->file : "-");
  }
  return buf;
}

/* Descriptors that parse, with what they must give. */
static const struct {
  const char *label, *text, *want;
} good_descriptors[] = {
  { "monolithicSparse",
    "# Disk DescriptorFile\n"
    "version=1\n"
    "encoding=\"UTF-8\"\n"
    "CID=fffffffe\n"
    "parentCID=ffffffff\n"
    "isNativeSnapshot=\"no\"\n"
    "createType=\"monolithicSparse\"\n"
    "\n"
    "# Extent description\n"
    "RW 4192256 SPARSE \"disk.vmdk\"\n"
    "\n"
    "# The Disk Data Base\n"
    "#DDB\n"
    "ddb.adapterType = \"lsilogic\"\n"
    "ddb.geometry.cylinders = \"260\"\n"
    "ddb.uuid = \"60 00 C2 9b 69 2f c9 76-74 c4 07 9e 10 87 3b f9\"\n",
    "monolithicSparse 2146435072 fffffffe ffffffff -\n"
    "RW 4192256 SPARSE disk.vmdk\n" },
  { "twoGbMaxExtentSparse",
    "# Disk DescriptorFile\r\n"
    "version=1\r\n"
    "CID=1a2B3c4D\r\n"
    "parentCID=ffffffff\r\n"
    "createType=\"twoGbMaxExtentSparse\"\r\n"
    "RW 4192256 SPARSE \"big disk-s001.vmdk\"\r\n"
    "RW 4192256 SPARSE \"big disk-s002.vmdk\"\r\n"
    "RDONLY 8192 SPARSE \"big disk-s003.vmdk\"\r\n",
    "twoGbMaxExtentSparse 4297064448 1a2b3c4d ffffffff -\n"
    "RW 4192256 SPARSE big disk-s001.vmdk\n"
    "RW 4192256 SPARSE big disk-s002.vmdk\n"
    "RDONLY 8192 SPARSE big disk-s003.vmdk\n" },
  { "snapshot",
    "# Disk DescriptorFile\n"
    "version=1\n"
    "CID=aaaa0002\n"
    "parentCID=aaaa0001\n"
    "createType=\"vmfsSparse\"\n"
    "parentFileNameHint=\"/vmfs/volumes/ds1/vm/vm.vmdk\"\n"
    "RW 16777216 VMFSSPARSE \"vm-000001-delta.vmdk\"\n",
    "vmfsSparse 8589934592 aaaa0002 aaaa0001 /vmfs/volumes/ds1/vm/vm.vmdk\n"
    "RW 16777216 VMFSSPARSE vm-000001-delta.vmdk\n" },
  /* no parentCID: ffffffff */
  { "flat/zero",
    "# Disk DescriptorFile\n"
    "version=1\n"
    "CID=12345678\n"
    "createType=\"custom\"\n"
    "RW 2048 FLAT \"part.raw\" 0\n"
    "RW 1024 ZERO\n"
    "NOACCESS 512 FLAT \"part.raw\" 2048\n"
    "RW 100 vmfs \"esx-flat.vmdk\"\n",
    "custom 1886208 12345678 ffffffff -\n"
    "RW 2048 FLAT part.raw\n"
    "RW 1024 ZERO -\n"
    "NOACCESS 512 FLAT part.raw\n"
    "RW 100 VMFS esx-flat.vmdk\n" },
};

static void
test_descriptors (void)
{
  struct v2c_err err = { 0 };
  struct v2c_vmdk_info info;
  size_t i;

  for (i = 0; i < sizeof good_descriptors / sizeof good_descriptors[0];
       i++) {
    checks++;
    if (parse (good_descriptors[i].text, &info, &err) == -1) {
      FAIL ("%s: %s", good_descriptors[i].label, err.msg);
      continue;
    }
    unit_check_str (good_descriptors[i].label, "fields", dump_info (&info),
                    good_descriptors[i].want);
    v2c_vmdk_info_free_contents (&info);
  }

  EXPECT_PARSE_ERROR ("garbage", "hello world\nthis is not a vmdk\n",
                      "not a descriptor line");
  EXPECT_PARSE_ERROR ("binary", "KDMV\x01\x00\x00\x00\x03", "NUL");
  EXPECT_PARSE_ERROR ("no createType", "version=1\nRW 10 SPARSE \"a\"\n",
                      "no createType");
  EXPECT_PARSE_ERROR ("no extents", "createType=\"monolithicSparse\"\n",
                      "no extents");
  EXPECT_PARSE_ERROR ("empty", "", "no createType");
  EXPECT_PARSE_ERROR ("bad CID", "CID=xyz\n", "CID 'xyz'");
  EXPECT_PARSE_ERROR ("long CID", "CID=123456789\n", "not a 32-bit");
  EXPECT_PARSE_ERROR ("bad version", "version=7\n", "version '7'");
  EXPECT_PARSE_ERROR ("negative size",
                      "createType=\"x\"\nRW -5 SPARSE \"a\"\n",
                      "extent size '-5'");
  EXPECT_PARSE_ERROR ("unknown type", "createType=\"x\"\nRW 5 FOO \"a\"\n",
                      "unknown extent type 'FOO'");
  EXPECT_PARSE_ERROR ("missing file", "createType=\"x\"\nRW 5 SPARSE\n",
                      "without a file");
  EXPECT_PARSE_ERROR ("unquoted file",
                      "createType=\"x\"\nRW 5 SPARSE a.vmdk\n", "quoted");
  EXPECT_PARSE_ERROR ("unterminated",
                      "createType=\"x\"\nRW 5 SPARSE \"a.vmdk\n",
                      "malformed extent");
  EXPECT_PARSE_ERROR ("junk after offset",
                      "createType=\"x\"\nRW 5 FLAT \"a\" 0 junk\n",
                      "malformed extent");
  EXPECT_PARSE_ERROR ("bad offset", "createType=\"x\"\nRW 5 FLAT \"a\" x\n",
                      "bad extent offset");
  EXPECT_PARSE_ERROR ("huge size",
                      "createType=\"x\"\nRW 99999999999999999999 FLAT "
                      "\"a\"\n",
                      "extent size");
  /* Each extent under the cap, the sum over it: 2 x 2^47 sectors. */
  EXPECT_PARSE_ERROR ("capacity overflow",
                      "createType=\"x\"\n"
                      "RW 140737488355328 ZERO\n"
                      "RW 140737488355328 ZERO\n",
                      "capacity exceeds");
  EXPECT_PARSE_ERROR ("control char", "createType=\"x\x1b\"\n",
                      "control character");
}

/* ------------------------------------------------------------------ */
/* Files made by qemu-img                                              */

static bool
run (const char *cmd)
{
  int r = system (cmd);

  if (r != 0) {
    FAIL ("'%s' exited with status %d", cmd, r);
    return false;
  }
  return true;
}

static json_t *
qemu_info (const char *path)
{
  char cmd[4200];
  FILE *fp;
  json_t *j;
  json_error_t jerr;

  snprintf (cmd, sizeof cmd, "qemu-img info --output=json '%s'", path);
  fp = popen (cmd, "r");
  if (fp == NULL) {
    FAIL ("can't run '%s'", cmd);
    return NULL;
  }
  j = json_loadf (fp, 0, &jerr);
  if (pclose (fp) != 0 || j == NULL) {
    FAIL ("'%s' failed: %s", cmd, j ? "exit status" : jerr.text);
    json_decref (j);
    return NULL;
  }
  return j;
}

static const char *
base_name (const char *p)
{
  const char *s = strrchr (p, '/');
  return s ? s + 1 : p;
}

/* v2c_vmdk_read(name) against qemu-img info. */
static void
compare_qemu (const char *name)
{
  char path[4200];
  struct v2c_err err = { 0 };
  struct v2c_vmdk_info info;
  json_t *j, *data, *exts, *bf;
  size_t i;

  snprintf (path, sizeof path, "%s/%s", tmpdir, name);
  j = qemu_info (path);
  if (j == NULL)
    return;
  checks++;
  if (v2c_vmdk_read (path, NULL, &info, &err) == -1) {
    FAIL ("%s: %s", name, err.msg);
    json_decref (j);
    return;
  }
  unit_check_int (name, "capacity (virtual-size)", info.capacity_bytes,
             json_integer_value (json_object_get (j, "virtual-size")));
  bf = json_object_get (j, "backing-filename");
  unit_check_str (name, "parent (backing-filename)", info.parent_hint,
             bf ? json_string_value (bf) : NULL);
  data = json_object_get (json_object_get (j, "format-specific"), "data");
  unit_check_str (name, "createType", info.create_type,
             json_string_value (json_object_get (data, "create-type")));
  unit_check_int (name, "CID", info.cid,
             json_integer_value (json_object_get (data, "cid")));
  unit_check_int (name, "parentCID", info.parent_cid,
             json_integer_value (json_object_get (data, "parent-cid")));
  exts = json_object_get (data, "extents");
  unit_check_int (name, "extents", (long long)info.nextents,
             (long long)json_array_size (exts));
  for (i = 0; i < info.nextents && i < json_array_size (exts); i++) {
    json_t *e = json_array_get (exts, i);
    const char *f = json_string_value (json_object_get (e, "filename"));

    unit_check_int (name, "extent size", info.extents[i].sectors * 512,
               json_integer_value (json_object_get (e, "virtual-size")));
    unit_check_str (name, "extent file", info.extents[i].file,
               f ? base_name (f) : NULL);
  }
  v2c_vmdk_info_free_contents (&info);
  json_decref (j);
}

static void
expect_read_error (const char *name, const char *needle)
{
  char path[4200];
  struct v2c_err err = { 0 };
  struct v2c_vmdk_info info;

  snprintf (path, sizeof path, "%s/%s", tmpdir, name);
  checks++;
  if (v2c_vmdk_read (path, NULL, &info, &err) == 0) {
    FAIL ("%s: read, expected an error containing '%s'", name, needle);
    v2c_vmdk_info_free_contents (&info);
    return;
  }
  if (strstr (err.msg, needle) == NULL)
    FAIL ("%s: error '%s' lacks '%s'", name, err.msg, needle);
  if (info.extents != NULL || info.create_type != NULL)
    FAIL ("%s: info not cleared after the error", name);
}

static void
write_file (const char *name, const void *data, size_t len)
{
  char path[4200];
  FILE *fp;

  snprintf (path, sizeof path, "%s/%s", tmpdir, name);
  fp = fopen (path, "wb");
  if (fp == NULL || fwrite (data, 1, len, fp) != len || fclose (fp) != 0) {
    perror (path);
    exit (EXIT_FAILURE);
  }
}

#define WRITE_TEXT(name, lit) write_file (name, lit, sizeof (lit) - 1)

/* With a root, every extent and parent must be inside it (issue 14). */
static void
test_contained (void)
{
  char path[4200], root[4200];
  struct v2c_err err = { 0 };
  struct v2c_vmdk_info info;
  static const struct {
    const char *name, *text, *needle;
  } bad[] = {
    { "vm/up.vmdk", "createType=\"monolithicFlat\"\n"
                    "RW 1 FLAT \"../flat-flat.vmdk\" 0\n",
      "extent '../flat-flat.vmdk' is outside the export's folder" },
    { "vm/abs.vmdk", "createType=\"monolithicFlat\"\n"
                     "RW 1 FLAT \"/etc/shadow\" 0\n",
      "extent '/etc/shadow' is outside the export's folder" },
    { "vm/proc.vmdk", "createType=\"monolithicFlat\"\n"
                      "RW 1 FLAT \"/proc/self/environ\" 0\n",
      "extent '/proc/self/environ' is outside" },
    { "vm/parent.vmdk", "createType=\"monolithicFlat\"\n"
                        "parentFileNameHint=\"../../../etc/passwd\"\n"
                        "RW 1 FLAT \"ok-flat.vmdk\" 0\n",
      "parent '../../../etc/passwd' is outside the export's folder" },
    { "vm/absparent.vmdk", "createType=\"monolithicFlat\"\n"
                           "parentFileNameHint=\"/etc/passwd\"\n"
                           "RW 1 FLAT \"ok-flat.vmdk\" 0\n",
      "parent '/etc/passwd' is outside the export's folder" },
  };

  snprintf (root, sizeof root, "%s/vm", tmpdir);
  if (mkdir (root, 0700) == -1) {
    FAIL ("mkdir '%s': %s", root, strerror (errno));
    return;
  }
  write_file ("vm/ok-flat.vmdk", "", 0);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    write_file (bad[i].name, bad[i].text, strlen (bad[i].text));
    snprintf (path, sizeof path, "%s/%s", tmpdir, bad[i].name);
    checks++;
    if (v2c_vmdk_read (path, root, &info, &err) == 0) {
      FAIL ("%s: read inside root '%s'", bad[i].name, root);
      v2c_vmdk_info_free_contents (&info);
    } else if (strstr (err.msg, bad[i].needle) == NULL)
      FAIL ("%s: error '%s' lacks '%s'", bad[i].name, err.msg,
            bad[i].needle);
  }
  /* Without a root (--allow-outside-paths) the escaping extent reads. */
  snprintf (path, sizeof path, "%s/vm/up.vmdk", tmpdir);
  checks++;
  if (v2c_vmdk_read (path, NULL, &info, &err) == -1)
    FAIL ("vm/up.vmdk without a root: %s", err.msg);
  else
    v2c_vmdk_info_free_contents (&info);

  /* An absolute datastore hint is matched to the one file of its name
   * in the root, and flagged so qemu is told. */
  snprintf (path, sizeof path, "%s/moved.vmdk", tmpdir);
  checks++;
  if (v2c_vmdk_read (path, tmpdir, &info, &err) == -1)
    FAIL ("moved.vmdk in root: %s", err.msg);
  else {
    unit_check_int ("moved", "remapped", info.remapped, 1);
    unit_check_int ("moved", "chain", (long long) info.nchain, 2);
    if (info.nchain == 2)
      unit_check_str ("moved", "parent", base_name (info.chain[1]),
                      "mono.vmdk");
    v2c_vmdk_info_free_contents (&info);
  }
}

static void
test_qemu (void)
{
  char cmd[8192];
  /* each disk is either of a subformat and size, or a delta over a
   * backing file (of its size) */
  static const struct {
    const char *name, *subformat, *size, *backing;
  } disks[] = {
    { "mono.vmdk", "monolithicSparse", "100M", NULL },
    { "split.vmdk", "twoGbMaxExtentSparse", "5G", NULL },
    { "stream.vmdk", "streamOptimized", "1G", NULL },
    { "flat.vmdk", "monolithicFlat", "3M", NULL },
    { "splitflat.vmdk", "twoGbMaxExtentFlat", "1M", NULL },
    { "odd.vmdk", "monolithicSparse", "1000000512", NULL },
    { "delta.vmdk", NULL, NULL, "mono.vmdk" },
    { "delta2.vmdk", NULL, NULL, "delta.vmdk" },
    { "splitdelta.vmdk", NULL, NULL, "split.vmdk" },
  };
  size_t i;
  unsigned char hdr[512];

  for (i = 0; i < sizeof disks / sizeof disks[0]; i++) {
    if (disks[i].backing)
      snprintf (cmd, sizeof cmd,
                "cd '%s' && qemu-img create -q -f vmdk -b %s -F vmdk '%s'",
                tmpdir, disks[i].backing, disks[i].name);
    else
      snprintf (cmd, sizeof cmd,
                "cd '%s' && qemu-img create -q -f vmdk -o subformat=%s "
                "'%s' %s",
                tmpdir, disks[i].subformat, disks[i].name, disks[i].size);
    if (!run (cmd))
      return;
  }
  for (i = 0; i < sizeof disks / sizeof disks[0]; i++)
    compare_qemu (disks[i].name);

  /* qemu-img convert of a disk with data pads a split descriptor with
   * NULs after its text; qemu reads it, and so must v2c (issue 14). */
  snprintf (cmd, sizeof cmd,
            "cd '%s' && qemu-img create -q -f raw conv.raw 3M && "
            "printf v2c | dd of=conv.raw conv=notrunc status=none && "
            "qemu-img convert -q -f raw -O vmdk "
            "-o subformat=twoGbMaxExtentSparse conv.raw convsplit.vmdk && "
            "tr -d '\\000' <convsplit.vmdk | cmp -s - convsplit.vmdk; "
            "test $? = 1",
            tmpdir);
  checks++;
  if (run (cmd))
    compare_qemu ("convsplit.vmdk");
  else
    FAIL ("qemu-img convert wrote no NUL-padded descriptor to test with");

  /* COWD (ESX 2 sparse): no descriptor, capacity in the header. */
  memset (hdr, 0, sizeof hdr);
  memcpy (hdr, "COWD", 4);
  hdr[4] = 1;
  hdr[12] = 0x00, hdr[13] = 0x10; /* 4096 sectors */
  write_file ("cowd.vmdk", hdr, sizeof hdr);
  {
    struct v2c_err err = { 0 };
    struct v2c_vmdk_info info;
    char path[4200];

    snprintf (path, sizeof path, "%s/cowd.vmdk", tmpdir);
    checks++;
    if (v2c_vmdk_read (path, NULL, &info, &err) == -1)
      FAIL ("cowd: %s", err.msg);
    else {
      unit_check_int ("cowd", "capacity", info.capacity_bytes, 4096LL * 512);
      unit_check_str ("cowd", "type", info.extents[0].type, "VMFSSPARSE");
      v2c_vmdk_info_free_contents (&info);
    }
  }

  /* KDMV with a descriptor offset past the end of the file. */
  memset (hdr, 0, sizeof hdr);
  memcpy (hdr, "KDMV", 4);
  hdr[28] = 0xff, hdr[29] = 0xff, hdr[30] = 0xff, hdr[31] = 0xff;
  hdr[32] = 0xff, hdr[33] = 0xff, hdr[34] = 0xff, hdr[35] = 0x7f;
  hdr[36] = 1;
  write_file ("badoff.vmdk", hdr, sizeof hdr);
  expect_read_error ("badoff.vmdk", "out of range");
  hdr[35] = 0;
  hdr[28] = 8, hdr[29] = 0, hdr[30] = 0, hdr[31] = 0, hdr[32] = 0, hdr[33] = 0,
  hdr[34] = 0;
  write_file ("emptydesc.vmdk", hdr, sizeof hdr);
  expect_read_error ("emptydesc.vmdk", "no createType");

  /* Not VMDK at all. */
  write_file ("binary.vmdk",
              "\x7f"
              "ELF\x02\x01\x01\0\0\0",
              10);
  expect_read_error ("binary.vmdk", "is not a VMDK file");
  expect_read_error ("absent.vmdk", "can't open");
  {
    char path[4200];

    snprintf (path, sizeof path, "%s/fifo.vmdk", tmpdir);
    if (mkfifo (path, 0600) == 0)
      expect_read_error ("fifo.vmdk", "not a regular file");
    else
      FAIL ("mkfifo '%s': %s", path, strerror (errno));
  }

  /* Parent hint that loops. */
  WRITE_TEXT ("loopa.vmdk", "createType=\"monolithicFlat\"\n"
                            "parentFileNameHint=\"loopb.vmdk\"\n"
                            "RW 1 FLAT \"flat-flat.vmdk\" 0\n");
  WRITE_TEXT ("loopb.vmdk", "createType=\"monolithicFlat\"\n"
                            "parentFileNameHint=\"./loopa.vmdk\"\n"
                            "RW 1 FLAT \"flat-flat.vmdk\" 0\n");
  expect_read_error ("loopa.vmdk", "loops back");

  /* An absolute hint from another host falls back to the base name
   * beside the child. */
  WRITE_TEXT ("moved.vmdk", "createType=\"monolithicSparse\"\n"
                            "parentFileNameHint=\"/vmfs/volumes/ds/vm/"
                            "mono.vmdk\"\n"
                            "RW 204800 SPARSE \"mono.vmdk\"\n");
  {
    struct v2c_err err = { 0 };
    struct v2c_vmdk_info info;
    char path[4200];

    snprintf (path, sizeof path, "%s/moved.vmdk", tmpdir);
    checks++;
    if (v2c_vmdk_read (path, NULL, &info, &err) == -1)
      FAIL ("moved: %s", err.msg);
    else
      v2c_vmdk_info_free_contents (&info);
  }

  test_contained ();

  /* Missing pieces are named. */
  snprintf (cmd, sizeof cmd, "rm -f '%s/split-s002.vmdk'", tmpdir);
  if (run (cmd)) {
    expect_read_error ("split.vmdk", "split-s002.vmdk");
    /* ... also when only the parent lacks it. */
    expect_read_error ("splitdelta.vmdk", "split-s002.vmdk");
  }
  snprintf (cmd, sizeof cmd, "rm -f '%s/mono.vmdk'", tmpdir);
  if (run (cmd)) {
    expect_read_error ("delta2.vmdk", "mono.vmdk");
    expect_read_error ("moved.vmdk", "mono.vmdk");
  }
  snprintf (cmd, sizeof cmd, "rm -f '%s/flat-flat.vmdk'", tmpdir);
  if (run (cmd))
    expect_read_error ("flat.vmdk", "flat-flat.vmdk");
}

int
main (void)
{
  char cmd[4200];
  bool have_qemu;

  test_descriptors ();

  have_qemu = system ("qemu-img --version >/dev/null 2>&1") == 0;
  if (!have_qemu)
    fprintf (stderr, "qemu-img not found: skipping the tests on real "
                     "VMDK files\n");
  else {
    if (mkdtemp (tmpdir) == NULL) {
      perror ("mkdtemp");
      return EXIT_FAILURE;
    }
    test_qemu ();
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (failures == 0 && system (cmd) != 0)
      fprintf (stderr, "can't remove '%s'\n", tmpdir);
  }

  printf ("%d checks, %d failed\n", checks, failures);
  if (failures)
    return EXIT_FAILURE;
  return have_qemu ? 0 : 77;
}
