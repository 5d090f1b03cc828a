/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * v2c_tar_index against readings it did not compute: tars written by
 * GNU tar in ustar, pax and GNU formats are indexed and compared with
 * (a) libarchive's list of regular entries (name and size, in order),
 * (b) the bytes themselves: size bytes at offset equal the original
 *     file,
 * (c) GNU tar's own block numbers (tar -tRvf), and
 * (d) Python's tarfile (TarInfo.offset_data), when python3 is there.
 * Headers that GNU tar will not write for small files (base-256 and pax
 * sizes beyond 8 GiB, bad and hostile headers) are built by hand here;
 * the large ones as sparse files.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "v2c-internal.h"
#include "unit.h"

static char tmpdir[4096];
static int have_python;

static char *
path_in (const char *name)
{
  static char buf[8][8192];
  static int next;
  char *p = buf[next++ % 8];

  snprintf (p, sizeof buf[0], "%s/%s", tmpdir, name);
  return p;
}

static void
die (const char *what)
{
  fprintf (stderr, "test-tar: %s: %s\n", what, strerror (errno));
  exit (99);
}

static void
write_file (const char *path, const void *data, size_t len)
{
  FILE *f = fopen (path, "wb");

  if (f == NULL || (len && fwrite (data, 1, len, f) != len) || fclose (f))
    die (path);
}

static unsigned char *
read_all (const char *path, size_t *len)
{
  struct v2c_err err = { 0 };
  char *p = v2c_read_file (path, 64u << 20, len, &err);

  if (p == NULL) {
    fprintf (stderr, "test-tar: %s\n", err.msg);
    exit (99);
  }
  return (unsigned char *)p;
}

static int
run (const char *cmd)
{
  int r = system (cmd);
  return WIFEXITED (r) ? WEXITSTATUS (r) : -1;
}

static void
fill (unsigned char *p, size_t n, uint32_t seed)
{
  size_t i;

  for (i = 0; i < n; i++) {
    seed = seed * 1103515245u + 12345u;
    p[i] = (unsigned char)(seed >> 16);
  }
}

/* ---------------------------------------------------------------- */
/* Index a file; expect success or an error containing want.          */

static int
index_file (const char *path, struct v2c_tar_member **m, size_t *n,
            struct v2c_err *err)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  int r;

  if (fd == -1)
    die (path);
  r = v2c_tar_index (fd, m, n, err);
  close (fd);
  return r;
}

static void
expect_error (const char *label, const char *path, const char *want)
{
  struct v2c_err err = { 0 };
  struct v2c_tar_member *m;
  size_t n;

  if (index_file (path, &m, &n, &err) == 0) {
    FAIL ("%s: indexed %zu members, expected error '%s'", label, n, want);
    v2c_tar_members_free (m, n);
  } else if (strstr (err.msg, want) == NULL)
    FAIL ("%s: error '%s' does not contain '%s'", label, err.msg, want);
}

/* (a) libarchive's reading: regular entries, not hard links. */
static void
compare_libarchive (const char *label, const char *path,
                    const struct v2c_tar_member *m, size_t n)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *e;
  size_t i = 0;
  int r;

  archive_read_support_format_tar (a);
  archive_read_support_format_gnutar (a);
  if (archive_read_open_filename (a, path, 10240) != ARCHIVE_OK) {
    FAIL ("%s: libarchive can't open: %s", label, archive_error_string (a));
    archive_read_free (a);
    return;
  }
  while ((r = archive_read_next_header (a, &e)) == ARCHIVE_OK) {
    if (archive_entry_filetype (e) != AE_IFREG
        || archive_entry_hardlink (e) != NULL)
      continue;
    if (i >= n) {
      FAIL ("%s: libarchive has more regular entries than %zu, next '%s'",
            label, n, archive_entry_pathname (e));
      break;
    }
    if (strcmp (archive_entry_pathname (e), m[i].name) != 0)
      FAIL ("%s: entry %zu: libarchive name '%s', index '%s'", label, i,
            archive_entry_pathname (e), m[i].name);
    if ((uint64_t)archive_entry_size (e) != m[i].size)
      FAIL ("%s: '%s': libarchive size %" PRId64 ", index %" PRIu64, label,
            m[i].name, (int64_t)archive_entry_size (e), m[i].size);
    i++;
  }
  if (r != ARCHIVE_EOF && r != ARCHIVE_OK)
    FAIL ("%s: libarchive: %s", label, archive_error_string (a));
  if (i != n)
    FAIL ("%s: libarchive found %zu regular entries, index %zu", label, i, n);
  archive_read_free (a);
}

/* (d) Python tarfile's offset_data, for every regular entry. */
static void
compare_python (const char *label, const char *path,
                const struct v2c_tar_member *m, size_t n)
{
  char cmd[16384], line[8192];
  FILE *p;
  size_t i = 0;

  if (!have_python)
    return;
  snprintf (cmd, sizeof cmd,
            "python3 -c 'import sys, tarfile\n"
            "for t in tarfile.open(sys.argv[1]).getmembers():\n"
            "  if t.isreg(): print(t.offset_data, t.size, t.name)' '%s'",
            path);
  p = popen (cmd, "r");
  if (p == NULL)
    die ("popen");
  while (fgets (line, sizeof line, p)) {
    uint64_t off, size;
    int used = 0;

    line[strcspn (line, "\n")] = '\0';
    if (sscanf (line, "%" SCNu64 " %" SCNu64 " %n", &off, &size, &used) < 2
        || used == 0) {
      FAIL ("%s: can't parse python output '%s'", label, line);
      continue;
    }
    if (i >= n) {
      FAIL ("%s: python lists more regular entries: '%s'", label, line);
      i++;
      continue;
    }
    /* tarfile strips a trailing slash and normalises nothing else */
    if (strcmp (line + used, m[i].name) != 0 || off != m[i].offset
        || size != m[i].size)
      FAIL ("%s: entry %zu: python '%s' at %" PRIu64 " size %" PRIu64
            ", index '%s' at %" PRIu64 " size %" PRIu64,
            label, i, line + used, off, size, m[i].name, m[i].offset,
            m[i].size);
    i++;
  }
  if (pclose (p) != 0)
    FAIL ("%s: python3 tarfile failed", label);
  else if (i != n)
    FAIL ("%s: python found %zu regular entries, index %zu", label, i, n);
}

/* (b) the data at offset is the original file. */
static void
compare_data (const char *label, const char *tar, const char *srcdir,
              const struct v2c_tar_member *m, size_t n)
{
  size_t i, tlen;
  unsigned char *t = read_all (tar, &tlen);

  for (i = 0; i < n; i++) {
    char p[8192];
    size_t len;
    unsigned char *orig;

    snprintf (p, sizeof p, "%s/%s", srcdir, m[i].name);
    orig = read_all (p, &len);
    if (len != m[i].size)
      FAIL ("%s: '%s' is %zu bytes, index says %" PRIu64, label, m[i].name,
            len, m[i].size);
    else if (m[i].offset > tlen || m[i].size > tlen - m[i].offset
             || memcmp (t + m[i].offset, orig, len) != 0)
      FAIL ("%s: bytes at %" PRIu64 " are not '%s'", label, m[i].offset,
            m[i].name);
    free (orig);
  }
  free (t);
}

/* (c) GNU tar's block numbers.  -R gives the block of an entry's first
 * header: for ustar and pax (GNU tar reports the ustar header after
 * the 'x' one) the data follows that block; for a GNU long name it is
 * the 'L' header, followed by the name (with its NUL) in whole blocks
 * and then the real header. */
static void
compare_tar_blocks (const char *label, const char *tar, int gnu,
                    const struct v2c_tar_member *m, size_t n)
{
  char cmd[8192], line[16384];
  FILE *p;
  size_t i = 0;

  snprintf (cmd, sizeof cmd, "LC_ALL=C tar -tRvf '%s'", tar);
  p = popen (cmd, "r");
  if (p == NULL)
    die ("popen");
  while (fgets (line, sizeof line, p)) {
    uint64_t block, want;
    char mode[16], *name;
    size_t len;

    line[strcspn (line, "\n")] = '\0';
    if (sscanf (line, "block %" SCNu64 ": %15s", &block, mode) != 2
        || mode[0] != '-')
      continue;
    name = strrchr (line, ' ');
    if (name == NULL)
      continue;
    name++;
    len = strlen (name);
    want = (block + 1) * 512;
    if (gnu && len >= 100)
      want = (block + 1 + (len + 1 + 511) / 512 + 1) * 512;
    if (i >= n)
      FAIL ("%s: tar -R lists more regular files: '%s'", label, name);
    else if (strcmp (name, m[i].name) != 0 || want != m[i].offset)
      FAIL ("%s: tar -R: '%s' data at %" PRIu64 ", index '%s' at %" PRIu64,
            label, name, want, m[i].name, m[i].offset);
    i++;
  }
  if (pclose (p) != 0)
    FAIL ("%s: tar -tRvf failed", label);
  else if (i != n)
    FAIL ("%s: tar -R lists %zu regular files, index %zu", label, i, n);
}

/* ---------------------------------------------------------------- */
/* Archives written by GNU tar.                                       */

#define LONGNAME                                                              \
  "a-member-name-of-more-than-one-hundred-characters-so-that-gnu-tar-"        \
  "writes-an-L-header-and-pax-a-path-record.txt"
#define PREFIXDIR                                                             \
  "a-directory-name-long-enough-that-the-whole-path-does-not-fit-in-the-"     \
  "name-field/of-a-ustar-header"
#define PREFIXNAME PREFIXDIR "/so-it-needs-the-prefix.txt"

static void
make_source_tree (const char *src)
{
  unsigned char *buf = malloc (200000);
  char p[8192];

  if (buf == NULL || mkdir (src, 0755) == -1)
    die (src);
  fill (buf, 200000, 1);
  snprintf (p, sizeof p, "%s/disk1.vmdk", src);
  write_file (p, buf, 200000 - 17);
  snprintf (p, sizeof p, "%s/vm.ovf", src);
  write_file (p, "<?xml version=\"1.0\"?>\n<Envelope/>\n", 34);
  snprintf (p, sizeof p, "%s/empty.txt", src);
  write_file (p, "", 0);
  fill (buf, 512, 2);
  snprintf (p, sizeof p, "%s/exact512.bin", src);
  write_file (p, buf, 512);
  snprintf (p, sizeof p, "%s/sub", src);
  if (mkdir (p, 0755) == -1)
    die (p);
  snprintf (p, sizeof p, "%s/sub/inner.txt", src);
  write_file (p, "inner\n", 6);
  snprintf (p, sizeof p, "%s/" LONGNAME, src);
  write_file (p, "long\n", 5);
  snprintf (p, sizeof p, "mkdir -p '%s/" PREFIXDIR "'", src);
  if (run (p) != 0)
    die ("mkdir -p");
  snprintf (p, sizeof p, "%s/" PREFIXNAME, src);
  write_file (p, "prefix\n", 7);
  snprintf (p, sizeof p,
            "cd '%s' && ln -s vm.ovf link-sym && "
            "ln disk1.vmdk link-hard",
            src);
  if (run (p) != 0)
    die ("ln");
  free (buf);
}

static void
check_gnu_tar_format (const char *fmt, const char *src)
{
  char cmd[16384], tar[8192], label[64];
  struct v2c_err err = { 0 };
  struct v2c_tar_member *m;
  size_t n, expect;
  int ustar = strcmp (fmt, "ustar") == 0;

  snprintf (tar, sizeof tar, "%s/%s.tar", tmpdir, fmt);
  snprintf (label, sizeof label, "GNU tar --format=%s", fmt);
  /* ustar can't hold LONGNAME at all. */
  snprintf (cmd, sizeof cmd,
            "tar --format=%s -cf '%s' -C '%s' vm.ovf disk1.vmdk empty.txt "
            "exact512.bin sub link-sym link-hard '" PREFIXNAME "' %s",
            fmt, tar, src, ustar ? "" : "'" LONGNAME "'");
  if (run (cmd) != 0) {
    FAIL ("%s: %s failed", label, cmd);
    return;
  }
  if (index_file (tar, &m, &n, &err) == -1) {
    FAIL ("%s: %s", label, err.msg);
    return;
  }
  /* vm.ovf disk1.vmdk empty.txt exact512.bin sub/inner.txt PREFIXNAME
   * [LONGNAME]; not the directory, the symlink or the hard link. */
  expect = ustar ? 6 : 7;
  if (n != expect)
    FAIL ("%s: %zu members, expected %zu", label, n, expect);
  compare_libarchive (label, tar, m, n);
  compare_data (label, tar, src, m, n);
  compare_tar_blocks (label, tar, strcmp (fmt, "gnu") == 0, m, n);
  compare_python (label, tar, m, n);

  if (ustar && n == expect) {
    /* The same archive cut in various places. */
    size_t tlen, end, cut;
    unsigned char *t = read_all (tar, &tlen);
    char want[512], cutp[8192];
    struct v2c_tar_member *m2;
    size_t n2;

    snprintf (cutp, sizeof cutp, "%s/cut.tar", tmpdir);
    /* inside disk1.vmdk's data */
    cut = (size_t)m[1].offset + 1000;
    write_file (cutp, t, cut);
    snprintf (want, sizeof want,
              "truncated OVA: member 'disk1.vmdk' needs %" PRIu64
              " bytes, file ends at %zu",
              m[1].offset + m[1].size, cut);
    expect_error ("cut in member data", cutp, want);
    /* inside the header of the second member */
    write_file (cutp, t, (size_t)m[1].offset - 512 + 100);
    expect_error ("cut in a header", cutp, "is cut short");
    /* no end blocks (vSphere), with and without the last padding */
    end = (size_t)((m[n - 1].offset + m[n - 1].size + 511) / 512 * 512);
    size_t cuts[3], k;
    cuts[0] = (size_t)(m[n - 1].offset + m[n - 1].size);
    cuts[1] = end;
    cuts[2] = end + 512;
    for (k = 0; k < 3; k++) {
      cut = cuts[k];
      write_file (cutp, t, cut);
      if (index_file (cutp, &m2, &n2, &err) == -1)
        FAIL ("archive cut at %zu: %s", cut, err.msg);
      else {
        if (n2 != n || m2[n - 1].offset != m[n - 1].offset)
          FAIL ("archive cut at %zu: %zu members", cut, n2);
        v2c_tar_members_free (m2, n2);
      }
    }
    free (t);
  }
  v2c_tar_members_free (m, n);
}

/* ---------------------------------------------------------------- */
/* Hand-made headers.                                                 */

#define MAGIC_USTAR                                                           \
  "ustar\0"                                                                   \
  "00"
#define MAGIC_GNU "ustar  \0"

struct tarbuf {
  unsigned char *p;
  size_t len;
};

static void
tb_append (struct tarbuf *t, const void *data, size_t len)
{
  size_t pad = (512 - len % 512) % 512;

  t->p = realloc (t->p, t->len + len + pad);
  if (t->p == NULL)
    die ("realloc");
  memcpy (t->p + t->len, data, len);
  memset (t->p + t->len + len, 0, pad);
  t->len += len + pad;
}

enum { SUM_UNSIGNED, SUM_SIGNED, SUM_WRONG };

/* One header; size as 11 octal digits, or base-256 when b256. */
static void
tb_header (struct tarbuf *t, const char *name, char type, uint64_t size,
           int b256, const char *magic, const char *prefix, int sum)
{
  unsigned char h[512];
  unsigned long s = 0;
  long ss = 0;
  int i;

  memset (h, 0, sizeof h);
  memcpy (h, name, strnlen (name, 100));
  memcpy (h + 100, "0000644", 8);
  memcpy (h + 108, "0000000", 8);
  memcpy (h + 116, "0000000", 8);
  memcpy (h + 136, "14104727000", 12);
  h[156] = (unsigned char)type;
  if (b256) {
    h[124] = 0x80;
    for (i = 11; i >= 1; i--, size >>= 8)
      h[124 + i] = (unsigned char)(size & 0xff);
  } else
    snprintf ((char *)h + 124, 12, "%011" PRIo64, size);
  if (magic)
    memcpy (h + 257, magic, 8);
  if (prefix)
    memcpy (h + 345, prefix, strnlen (prefix, 155));
  memset (h + 148, ' ', 8);
  for (i = 0; i < 512; i++) {
    s += h[i];
    ss += (signed char)h[i];
  }
  if (sum == SUM_SIGNED)
    s = (unsigned long)ss;
  if (sum == SUM_WRONG)
    s += 1;
  snprintf ((char *)h + 148, 8, "%06lo", s & 0777777);
  h[155] = ' ';
  tb_append (t, h, 512);
}

static void
tb_member (struct tarbuf *t, const char *name, const void *data, size_t len)
{
  tb_header (t, name, '0', len, 0, MAGIC_USTAR, NULL, SUM_UNSIGNED);
  if (len)
    tb_append (t, data, len);
}

/* A pax 'x' header made of records "LEN key=value\n", LEN computed. */
static void
tb_pax (struct tarbuf *t, char type, const char *const *kv, size_t nkv)
{
  char data[65536];
  size_t len = 0, i;

  for (i = 0; i < nkv; i++) {
    size_t body = strlen (kv[i]) + 2, reclen = body + 1, d;
    /* LEN counts its own digits */
    for (d = 1; d < 20; d++) {
      size_t digits = 0, x;
      for (x = body + d; x; x /= 10)
        digits++;
      if (digits == d) {
        reclen = body + d;
        break;
      }
    }
    len += (size_t)snprintf (data + len, sizeof data - len, "%zu %s\n", reclen,
                             kv[i]);
  }
  tb_header (t, "PaxHeaders/x", type, len, 0, MAGIC_USTAR, NULL, SUM_UNSIGNED);
  tb_append (t, data, len);
}

static void
tb_raw_ext (struct tarbuf *t, char type, const char *data, size_t len)
{
  tb_header (t, "././@LongLink", type, len, 0, MAGIC_GNU, NULL, SUM_UNSIGNED);
  tb_append (t, data, len);
}

static void
tb_end (struct tarbuf *t)
{
  unsigned char z[1024] = { 0 };
  tb_append (t, z, sizeof z);
}

static const char *
tb_write (struct tarbuf *t, const char *name)
{
  const char *p = path_in (name);

  write_file (p, t->p, t->len);
  free (t->p);
  t->p = NULL;
  t->len = 0;
  return p;
}

/* End the archive t, write it to FILE and expect WANT in the error. */
static void
tb_fail (struct tarbuf *t, const char *file, const char *label,
         const char *want)
{
  tb_end (t);
  expect_error (label, tb_write (t, file), want);
}

/* Index a hand-made archive that must succeed and match libarchive. */
static struct v2c_tar_member *
expect_ok (const char *label, const char *path, size_t want_n, size_t *n)
{
  struct v2c_err err = { 0 };
  struct v2c_tar_member *m;

  if (index_file (path, &m, n, &err) == -1) {
    FAIL ("%s: %s", label, err.msg);
    return NULL;
  }
  if (*n != want_n) {
    FAIL ("%s: %zu members, expected %zu", label, *n, want_n);
    v2c_tar_members_free (m, *n);
    return NULL;
  }
  compare_libarchive (label, path, m, *n);
  compare_python (label, path, m, *n);
  return m;
}

static void
check_member (const char *label, const struct v2c_tar_member *m,
              const char *name, uint64_t off, uint64_t size)
{
  if (strcmp (m->name, name) != 0 || m->offset != off || m->size != size)
    FAIL ("%s: member '%s' at %" PRIu64 " size %" PRIu64
          ", expected '%s' at %" PRIu64 " size %" PRIu64,
          label, m->name, m->offset, m->size, name, off, size);
}

#define BIG (9ull << 30) /* more than the 8 GiB octal sizes can say */

/* A sparse file: header block(s) from t, then BIG bytes of data with a
 * marker at the end, then end blocks (all holes). */
static const char *
write_big (struct tarbuf *t, const char *name, uint64_t cut)
{
  const char *p = tb_write (t, name);
  int fd = open (p, O_RDWR);
  struct stat st;

  if (fd == -1 || fstat (fd, &st) == -1)
    die (p);
  if (pwrite (fd, "END!", 4, st.st_size + (off_t)BIG - 4) != 4)
    die (p);
  if (ftruncate (fd, cut ? (off_t)cut : st.st_size + (off_t)BIG + 1024))
    die (p);
  close (fd);
  return p;
}

static void
check_hand_made (void)
{
  struct tarbuf t = { 0 };
  struct v2c_tar_member *m;
  unsigned char data[3000];
  const char *p;
  size_t n, i;
  char name[5000];

  fill (data, sizeof data, 3);

  /* base-256 size, small enough to read back */
  tb_header (&t, "b256.bin", '0', 1000, 1, MAGIC_GNU, NULL, SUM_UNSIGNED);
  tb_append (&t, data, 1000);
  tb_member (&t, "after.txt", "x", 1);
  tb_end (&t);
  p = tb_write (&t, "b256.tar");
  if ((m = expect_ok ("base-256 size", p, 2, &n))) {
    check_member ("base-256 size", &m[0], "b256.bin", 512, 1000);
    check_member ("base-256 size", &m[1], "after.txt", 2048, 1);
    v2c_tar_members_free (m, n);
  }

  /* base-256 size of 9 GiB, sparse */
  tb_header (&t, "big.vmdk", '0', BIG, 1, MAGIC_GNU, NULL, SUM_UNSIGNED);
  p = write_big (&t, "big256.tar", 0);
  if ((m = expect_ok ("9 GiB base-256", p, 1, &n))) {
    check_member ("9 GiB base-256", &m[0], "big.vmdk", 512, BIG);
    v2c_tar_members_free (m, n);
  }
  tb_header (&t, "big.vmdk", '0', BIG, 1, MAGIC_GNU, NULL, SUM_UNSIGNED);
  p = write_big (&t, "big256-cut.tar", 512 + (8ull << 30));
  snprintf (name, sizeof name,
            "truncated OVA: member 'big.vmdk' needs %llu bytes, file ends "
            "at %llu",
            512 + BIG, 512 + (8ull << 30));
  expect_error ("9 GiB base-256 cut at 8 GiB", p, name);

  /* pax size= and path= for a 9 GiB member */
  {
    const char *kv[] = { "size=9663676416",
                         "path=pax/" LONGNAME "/disk-with-a-pax-path.vmdk",
                         "mtime=1000000000.5" };
    tb_pax (&t, 'x', kv, 3);
    tb_header (&t, "placeholder", '0', 0, 0, MAGIC_USTAR, NULL, SUM_UNSIGNED);
    p = write_big (&t, "bigpax.tar", 0);
    if ((m = expect_ok ("9 GiB pax size", p, 1, &n))) {
      check_member ("9 GiB pax size", &m[0],
                    "pax/" LONGNAME "/disk-with-a-pax-path.vmdk", 1536, BIG);
      v2c_tar_members_free (m, n);
    }
  }

  /* ustar prefix by hand; v7 header; signed checksum; old-style dir;
   * global pax header; GNU long link name; no end blocks */
  {
    const char *g[] = { "comment=global" };
    tb_pax (&t, 'g', g, 1);
    tb_header (&t, "name.txt", '0', 3, 0, MAGIC_USTAR, "pre/fix",
               SUM_UNSIGNED);
    tb_append (&t, "abc", 3);
    tb_header (&t, "v7.txt", '0', 2, 0, NULL, NULL, SUM_UNSIGNED);
    tb_append (&t, "v7", 2);
    tb_header (&t, "caf\xc3\xa9.txt", '0', 1, 0, MAGIC_USTAR, NULL,
               SUM_SIGNED);
    tb_append (&t, "e", 1);
    tb_header (&t, "olddir/", '\0', 0, 0, NULL, NULL, SUM_UNSIGNED);
    tb_raw_ext (&t, 'K', "some/link/target", 17);
    tb_header (&t, "sym", '2', 0, 0, MAGIC_GNU, NULL, SUM_UNSIGNED);
    tb_header (&t, "contig.bin", '7', 5, 0, MAGIC_USTAR, NULL, SUM_UNSIGNED);
    tb_append (&t, "12345", 5);
    p = tb_write (&t, "misc.tar");
    /* libarchive takes '7' for a regular file as well */
    if ((m = expect_ok ("hand-made misc", p, 4, &n))) {
      check_member ("hand-made misc", &m[0], "pre/fix/name.txt", 1536, 3);
      check_member ("hand-made misc", &m[1], "v7.txt", 2560, 2);
      check_member ("hand-made misc", &m[2], "caf\xc3\xa9.txt", 3584, 1);
      check_member ("hand-made misc", &m[3], "contig.bin", 6656, 5);
      v2c_tar_members_free (m, n);
    }
  }

  /* a file of zero blocks only is an empty archive */
  tb_end (&t);
  p = tb_write (&t, "empty-archive.tar");
  if ((m = expect_ok ("only end blocks", p, 0, &n)))
    v2c_tar_members_free (m, n);

  /* unsafe names, through each way of naming */
  {
    static const char *bad[]
        = { "../x", "a/../b", "a/..", "/etc/passwd", ".." };
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
      char label[128];
      tb_member (&t, bad[i], "x", 1);
      tb_end (&t);
      p = tb_write (&t, "unsafe.tar");
      snprintf (label, sizeof label, "name '%s'", bad[i]);
      snprintf (name, sizeof name, "OVA member '%s' has an unsafe name",
                bad[i]);
      expect_error (label, p, name);
    }
    tb_header (&t, "x/../y", '0', 0, 0, MAGIC_USTAR, "pre", SUM_UNSIGNED);
    tb_fail (&t, "unsafe.tar", "prefix with ..",
             "OVA member 'pre/x/../y' has an unsafe name");
    {
      const char *kv[] = { "path=../pax" };
      tb_pax (&t, 'x', kv, 1);
      tb_member (&t, "safe", "x", 1);
      tb_fail (&t, "unsafe.tar", "pax path ..",
               "OVA member '../pax' has an unsafe name");
    }
    tb_raw_ext (&t, 'L', "x/../../gnu", 12);
    tb_member (&t, "safe", "x", 1);
    tb_fail (&t, "unsafe.tar", "GNU long name ..",
             "OVA member 'x/../../gnu' has an unsafe name");
    /* dots that are not a '..' component are fine */
    tb_member (&t, "..a/b..", "x", 1);
    tb_member (&t, "./c", "y", 1);
    tb_end (&t);
    p = tb_write (&t, "dots.tar");
    if ((m = expect_ok ("names with dots", p, 2, &n)))
      v2c_tar_members_free (m, n);
    /* a symlink named '..' is not a member and is skipped */
    tb_header (&t, "../link", '2', 0, 0, MAGIC_USTAR, NULL, SUM_UNSIGNED);
    tb_end (&t);
    p = tb_write (&t, "link.tar");
    if ((m = expect_ok ("symlink named ../link", p, 0, &n)))
      v2c_tar_members_free (m, n);
  }

  /* checksums */
  tb_header (&t, "a", '0', 0, 0, MAGIC_USTAR, NULL, SUM_WRONG);
  tb_fail (&t, "sum.tar", "bad checksum, first header",
           "not a tar archive (OVA)");
  tb_member (&t, "a", "x", 1);
  tb_header (&t, "b", '0', 0, 0, MAGIC_USTAR, NULL, SUM_WRONG);
  tb_fail (&t, "sum.tar", "bad checksum, second header",
           "bad tar header checksum at offset 1024");

  /* not tars */
  {
    unsigned char rnd[4096];
    fill (rnd, sizeof rnd, 4);
    write_file (path_in ("random.bin"), rnd, sizeof rnd);
    expect_error ("random bytes", path_in ("random.bin"),
                  "not a tar archive (OVA)");
    write_file (path_in ("empty.bin"), "", 0);
    expect_error ("empty file", path_in ("empty.bin"),
                  "not a tar archive (OVA)");
    write_file (path_in ("short.bin"), data, 100);
    expect_error ("100 bytes", path_in ("short.bin"),
                  "not a tar archive (OVA)");
  }

  /* sizes */
  {
    unsigned char h[512];
    tb_header (&t, "neg", '0', 0, 1, MAGIC_GNU, NULL, SUM_UNSIGNED);
    memcpy (h, t.p, 512);
    free (t.p);
    t.p = NULL;
    t.len = 0;
    /* negative: 0xff...; overflow: 0x80 then 11 bytes of 0xff */
    for (i = 0; i < 2; i++) {
      unsigned long s = 0;
      int k;
      memset (h + 124, 0xff, 12);
      if (i == 1)
        h[124] = 0x80;
      memset (h + 148, ' ', 8);
      for (k = 0; k < 512; k++)
        s += h[k];
      snprintf ((char *)h + 148, 8, "%06lo", s);
      tb_append (&t, h, 512);
      tb_end (&t);
      expect_error (i ? "base-256 overflow" : "negative base-256 size",
                    tb_write (&t, "size.tar"), "bad size in tar header");
    }
    tb_header (&t, "x", '0', 0, 0, MAGIC_USTAR, NULL, SUM_UNSIGNED);
    t.p[124] = '9';
    memset (t.p + 148, ' ', 8);
    {
      unsigned long s = 0;
      int k;
      for (k = 0; k < 512; k++)
        s += t.p[k];
      snprintf ((char *)t.p + 148, 8, "%06lo", s);
    }
    tb_fail (&t, "size.tar", "non-octal size", "bad size in tar header");
  }

  /* pax records */
  {
    static const char *bad[] = {
      "99 path=x\n",                    /* LEN beyond the data */
      "5 path=x\n",                     /* LEN too short */
      "abc path=x\n",                   /* LEN not a number */
      "13 path=abcde",                  /* record does not end at LEN */
      "11path=abc\n",                   /* no space */
      "11 pathabc\n",                   /* no '=' */
      "12 size=12a\n",                  /* size not decimal */
      "29 size=99999999999999999999\n", /* size overflows */
    };
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
      char label[128];
      tb_header (&t, "PaxHeaders/x", 'x', strlen (bad[i]), 0, MAGIC_USTAR,
                 NULL, SUM_UNSIGNED);
      tb_append (&t, bad[i], strlen (bad[i]));
      tb_member (&t, "a", "x", 1);
      tb_end (&t);
      snprintf (label, sizeof label, "pax record '%.*s'",
                (int)strcspn (bad[i], "\n"), bad[i]);
      expect_error (label, tb_write (&t, "pax.tar"),
                    "bad pax extended header");
    }
    /* 'x' then the end of the archive */
    {
      const char *kv[] = { "path=orphan" };
      tb_pax (&t, 'x', kv, 1);
      tb_fail (&t, "pax.tar", "pax header with no entry",
               "has no entry after it");
    }
    /* over 1 MiB */
    tb_header (&t, "PaxHeaders/x", 'x', (1u << 20) + 1, 0, MAGIC_USTAR, NULL,
               SUM_UNSIGNED);
    tb_fail (&t, "pax.tar", "pax header over 1 MiB",
             "is larger than 1048576 bytes");
    /* sparse files can't be read in place */
    {
      const char *kv[] = { "GNU.sparse.major=1", "GNU.sparse.minor=0",
                           "GNU.sparse.name=disk.vmdk" };
      tb_pax (&t, 'x', kv, 3);
      tb_member (&t, "GNUSparseFile.0/disk.vmdk", "x", 1);
      tb_fail (&t, "pax.tar", "pax sparse", "sparse");
    }
    tb_header (&t, "sparse.vmdk", 'S', 0, 0, MAGIC_GNU, NULL, SUM_UNSIGNED);
    tb_fail (&t, "pax.tar", "GNU sparse",
             "OVA member 'sparse.vmdk' is a GNU sparse file");
  }

  /* GNU long names: 4096 bytes pass, 4097 do not */
  memset (name, 'n', 4096);
  name[4096] = '\0';
  tb_raw_ext (&t, 'L', name, 4097);
  tb_member (&t, "short", "x", 1);
  tb_end (&t);
  p = tb_write (&t, "long.tar");
  if ((m = expect_ok ("4096-byte name", p, 1, &n))) {
    if (strcmp (m[0].name, name) != 0)
      FAIL ("4096-byte name: got a name of %zu bytes", strlen (m[0].name));
    v2c_tar_members_free (m, n);
  }
  name[4096] = 'n';
  name[4097] = '\0';
  tb_raw_ext (&t, 'L', name, 4098);
  tb_member (&t, "short", "x", 1);
  tb_fail (&t, "long.tar", "4097-byte name", "is longer than 4096 bytes");
  tb_raw_ext (&t, 'L', (const char *)data, 3000);
  t.len -= 1024;
  expect_error ("L header cut short", tb_write (&t, "long.tar"),
                "truncated OVA");

  /* two members of one name */
  tb_member (&t, "disk.vmdk", "a", 1);
  tb_member (&t, "disk.vmdk", "b", 1);
  tb_fail (&t, "dup.tar", "duplicate names",
           "more than one member named 'disk.vmdk'");
  tb_member (&t, "disk.vmdk", "a", 1);
  tb_member (&t, "./disk.vmdk", "b", 1);
  tb_fail (&t, "dup.tar", "duplicate names, one with ./",
           "more than one member named");

  /* 10000 members pass, 10001 do not */
  for (i = 0; i < 10001; i++) {
    char nm[32];
    if (i == 10000) {
      p = tb_write (&t, "many.tar");
      if ((m = expect_ok ("10000 members", p, 10000, &n))) {
        check_member ("10000 members", &m[9999], "f09999", 9999 * 512 + 512,
                      0);
        v2c_tar_members_free (m, n);
      }
      /* write them all again, one more */
      for (n = 0; n < 10000; n++) {
        snprintf (nm, sizeof nm, "f%05zu", n);
        tb_header (&t, nm, '0', 0, 0, MAGIC_USTAR, NULL, SUM_UNSIGNED);
      }
    }
    snprintf (nm, sizeof nm, "f%05zu", i);
    tb_header (&t, nm, '0', 0, 0, MAGIC_USTAR, NULL, SUM_UNSIGNED);
  }
  tb_fail (&t, "many.tar", "10001 members", "more than 10000 members");
}

int
main (void)
{
  const char *tmp = getenv ("TMPDIR");
  char src[8192];

  if (run ("tar --version 2>/dev/null | grep -q 'GNU tar'") != 0) {
    fprintf (stderr, "test-tar: GNU tar is not installed\n");
    return 77;
  }
  have_python = run ("python3 -c 'import tarfile' 2>/dev/null") == 0;
  if (!have_python)
    fprintf (stderr, "test-tar: no python3, skipping the tarfile check\n");
  snprintf (tmpdir, sizeof tmpdir, "%s/test-tar.XXXXXX", tmp ? tmp : "/tmp");
  if (mkdtemp (tmpdir) == NULL)
    die ("mkdtemp");

  snprintf (src, sizeof src, "%s/src", tmpdir);
  make_source_tree (src);
  check_gnu_tar_format ("ustar", src);
  check_gnu_tar_format ("pax", src);
  check_gnu_tar_format ("gnu", src);
  check_hand_made ();

  if (failures == 0) {
    char cmd[8192];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    run (cmd);
  } else
    fprintf (stderr, "test-tar: %d failures; files left in %s\n", failures,
             tmpdir);
  return failures ? 1 : 0;
}
