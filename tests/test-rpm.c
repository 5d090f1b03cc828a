/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The rpm database reader against rpm itself: packages built here with
 * rpmbuild and installed with 'rpm --root' into an sqlite database; the
 * same header blobs loaded into Berkeley DB hash files by db_load (both
 * byte orders, small pages so that headers spill onto overflow pages)
 * and read back by rpm's bdb_ro backend; an ndb Packages.db written here
 * following rpm's format (no tool here writes one); a snapshot with a
 * live write-ahead log.  Every listing is compared with 'rpm -qa' /
 * 'rpm -q --qf' on the same root.  Then corrupt inputs.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>
#include <zlib.h>

#include "inspect-rpmdb.h"
#include "unit.h"

static char work[] = "/tmp/v2c-test-rpm.XXXXXX";

static char *
fmt (const char *f, ...)
{
  va_list ap;
  char *s;

  va_start (ap, f);
  if (vasprintf (&s, f, ap) == -1)
    abort ();
  va_end (ap);
  return s;
}

static int
sh (const char *f, ...)
{
  va_list ap;
  char *cmd;
  int r;

  va_start (ap, f);
  if (vasprintf (&cmd, f, ap) == -1)
    abort ();
  va_end (ap);
  r = system (cmd);
  if (r != 0)
    fprintf (stderr, "command failed (%d): %s\n", r, cmd);
  free (cmd);
  return r;
}

/* Output of a shell command. */
static char *
cap (const char *f, ...)
{
  va_list ap;
  char *cmd, *buf = NULL;
  size_t len = 0;
  FILE *in, *out;
  int c;

  va_start (ap, f);
  if (vasprintf (&cmd, f, ap) == -1)
    abort ();
  va_end (ap);
  in = popen (cmd, "r");
  out = open_memstream (&buf, &len);
  if (in == NULL || out == NULL)
    abort ();
  while ((c = fgetc (in)) != EOF)
    fputc (c, out);
  if (pclose (in) != 0)
    fprintf (stderr, "command failed: %s\n", cmd);
  fclose (out);
  free (cmd);
  return buf;
}

static void
put (const char *path, const char *content)
{
  FILE *f = fopen (path, "w");

  if (f == NULL) {
    perror (path);
    exit (1);
  }
  fputs (content, f);
  fclose (f);
}

static void
put_bytes (const char *path, const void *buf, size_t len)
{
  FILE *f = fopen (path, "w");

  if (f == NULL || fwrite (buf, 1, len, f) != len) {
    perror (path);
    exit (1);
  }
  fclose (f);
}

static unsigned char *
slurp (const char *path, size_t *len)
{
  FILE *f = fopen (path, "r");
  unsigned char *buf;
  long n;

  if (f == NULL) {
    perror (path);
    exit (1);
  }
  fseek (f, 0, SEEK_END);
  n = ftell (f);
  rewind (f);
  buf = malloc ((size_t) n + 1);
  if (buf == NULL || fread (buf, 1, (size_t) n, f) != (size_t) n)
    abort ();
  fclose (f);
  *len = (size_t) n;
  return buf;
}

static int
cmpstr (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Sort the lines of text in place (as a new string). */
static char *
sorted_lines (const char *text)
{
  char *copy = strdup (text), *save, *l, **v = NULL, *out = NULL;
  size_t n = 0, i, len = 0;
  FILE *o = open_memstream (&out, &len);

  for (l = strtok_r (copy, "\n", &save); l; l = strtok_r (NULL, "\n", &save)) {
    v = realloc (v, (n + 1) * sizeof *v);
    v[n++] = l;
  }
  qsort (v, n, sizeof *v, cmpstr);
  for (i = 0; i < n; i++)
    fprintf (o, "%s\n", v[i]);
  fclose (o);
  free (v);
  free (copy);
  return out;
}

static const char *
orn (const char *s)
{
  return s ? s : "(none)";
}

/* rpm's query of a root and our reading of it, side by side. */
static const char *QF
    = "%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{EVR}\\t%{ARCH}\\t"
      "%{LICENSE}\\t%{SOURCERPM}\\t%{LONGSIZE}\\n";

static char *
ours_qa (const struct v2c_pkgs *p)
{
  char *out = NULL;
  size_t len = 0, i;
  FILE *o = open_memstream (&out, &len);

  for (i = 0; i < p->n; i++) {
    const struct v2c_pkg *k = &p->v[i];
    char size[32] = "(none)", *srpm = NULL;

    if (k->installed_size >= 0)
      snprintf (size, sizeof size, "%lld", (long long) k->installed_size);
    if (k->source_package)
      srpm = fmt ("%s-%s.src.rpm", k->source_package, k->source_version);
    fprintf (o, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k->name,
             k->epoch ? k->epoch : "0", k->version, orn (k->release), k->evr,
             orn (k->arch), orn (k->license), orn (srpm), size);
    free (srpm);
    CHECK (strcmp (k->manager, "rpm") == 0, "manager '%s'", k->manager);
    /* Pins the split of SOURCERPM: every package built here has the
     * version and release of its source package. */
    if (k->source_package)
      CHECK (strncmp (k->source_version, k->version, strlen (k->version)) == 0
                 && strcmp (k->source_version + strlen (k->version) + 1,
                            k->release)
                        == 0,
             "%s: source version '%s'", k->name, k->source_version);
  }
  fclose (o);
  return out;
}

static char *
ours_files (const struct v2c_pkg *k)
{
  char *out = NULL;
  size_t len = 0, i;
  FILE *o = open_memstream (&out, &len);

  for (i = 0; i < k->nfiles; i++)
    fprintf (o, "%s\t%d\t%s\n", k->files[i].path, k->files[i].conffile,
             k->files[i].digest ? k->files[i].digest : "-");
  fclose (o);
  return out;
}

/* rpm's file list of package name, from all the lines "NAME\tPATH\t
 * FLAGS\tDIGEST" of 'rpm -qa' (rpm -q NAME would need the Name index,
 * which the Berkeley DB roots made here lack): config flag from
 * FILEFLAGS, no digest for ghosts and entries without one. */
static char *
rpm_files (const char *all, const char *name)
{
  char *raw = strdup (all), *out = NULL, *save, *l;
  size_t len = 0, nlen = strlen (name);
  FILE *o = open_memstream (&out, &len);

  for (l = strtok_r (raw, "\n", &save); l; l = strtok_r (NULL, "\n", &save)) {
    char *t1, *t2;
    unsigned long flags;

    if (strncmp (l, name, nlen) != 0 || l[nlen] != '\t')
      continue;
    l += nlen + 1;
    if ((t1 = strchr (l, '\t')) == NULL
        || (t2 = strchr (t1 + 1, '\t')) == NULL)
      continue;
    *t1 = *t2 = '\0';
    if (l[0] != '/')
      continue; /* "(none)" of a package without files */
    flags = strtoul (t1 + 1, NULL, 10);
    fprintf (o, "%s\t%d\t%s\n", l, (int) (flags & 1),
             (flags & 64) || t2[1] == '\0' ? "-" : t2 + 1);
  }
  fclose (o);
  free (raw);
  return out;
}

/* Read ROOT (freed here) with v2c and compare with rpmq. */
static void
compare_root (const char *label, char *root, const char *rpmq, size_t expect_n)
{
  struct v2c_err err = { 0, "" };
  struct v2c_fs *fs = v2c_fs_open_dir (root, &err);
  struct v2c_pkgs p = { NULL, 0 }, nf = { NULL, 0 };
  char *want, *got, *ws, *gs, *allfiles;
  size_t i;

  free (root);
  if (fs == NULL) {
    CHECK (0, "%s: v2c_fs_open_dir: %s", label, err.msg);
    return;
  }
  if (v2c_rpm_read (fs, 1, &p, &err) == -1) {
    CHECK (0, "%s: v2c_rpm_read: %s", label, err.msg);
    v2c_fs_free (fs);
    return;
  }
  want = cap ("%s -qa --qf '%s'", rpmq, QF);
  allfiles = cap ("%s -qa --qf '[%%{=NAME}\\t%%{FILENAMES}\\t%%{FILEFLAGS}"
                  "\\t%%{FILEDIGESTS}\\n]'",
                  rpmq);
  got = ours_qa (&p);
  ws = sorted_lines (want);
  gs = sorted_lines (got);
  CHECK (strcmp (ws, gs) == 0, "%s: package lists differ\nrpm:\n%sv2c:\n%s",
         label, ws, gs);
  CHECK (p.n == expect_n, "%s: %zu packages, expected %zu", label, p.n,
         expect_n);
  for (i = 0; i < p.n; i++) {
    char *wf = rpm_files (allfiles, p.v[i].name), *gf = ours_files (&p.v[i]);

    CHECK (strcmp (wf, gf) == 0, "%s: files of '%s' differ\nrpm:\n%sv2c:\n%s",
           label, p.v[i].name, wf, gf);
    free (wf);
    free (gf);
  }
  /* Without files: the same packages, no file lists. */
  CHECK (v2c_rpm_read (fs, 0, &nf, &err) == 0 && nf.n == p.n,
         "%s: without files: %s", label, err.msg);
  for (i = 0; i < nf.n; i++)
    CHECK (nf.v[i].nfiles == 0 && nf.v[i].files == NULL,
           "%s: files listed without with_files", label);
  fprintf (stderr, "%s: %zu packages match rpm\n", label, p.n);
  free (want);
  free (allfiles);
  free (got);
  free (ws);
  free (gs);
  v2c_pkgs_free_contents (&p);
  v2c_pkgs_free_contents (&nf);
  v2c_fs_free (fs);
}

/* The header blobs of an sqlite rpmdb, in hnum order. */
struct blobs {
  unsigned char **v;
  size_t *len;
  unsigned *hnum;
  size_t n;
};

static void
load_blobs (const char *db, struct blobs *b)
{
  sqlite3 *s;
  sqlite3_stmt *st;

  if (sqlite3_open_v2 (db, &s, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (
             s, "SELECT hnum, blob FROM Packages ORDER BY hnum", -1, &st, NULL)
             != SQLITE_OK) {
    fprintf (stderr, "%s: %s\n", db, sqlite3_errmsg (s));
    exit (1);
  }
  memset (b, 0, sizeof *b);
  while (sqlite3_step (st) == SQLITE_ROW) {
    size_t n = (size_t) sqlite3_column_bytes (st, 1);

    b->v = realloc (b->v, (b->n + 1) * sizeof *b->v);
    b->len = realloc (b->len, (b->n + 1) * sizeof *b->len);
    b->hnum = realloc (b->hnum, (b->n + 1) * sizeof *b->hnum);
    b->v[b->n] = malloc (n);
    memcpy (b->v[b->n], sqlite3_column_blob (st, 1), n);
    b->len[b->n] = n;
    b->hnum[b->n] = (unsigned) sqlite3_column_int (st, 0);
    b->n++;
  }
  sqlite3_finalize (st);
  sqlite3_close (s);
}

/* db_load input of the blobs: key = header number in the file's byte
 * order, plus rpm's record 0. */
static void
write_dbload (const char *path, const struct blobs *b, int pagesize, int be)
{
  FILE *f = fopen (path, "w");
  size_t i, j;

  fprintf (f,
           "VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=%d\n"
           "db_lorder=%s\nHEADER=END\n 00000000\n %s\n",
           pagesize, be ? "4321" : "1234", be ? "00000009" : "09000000");
  for (i = 0; i < b->n; i++) {
    unsigned h = b->hnum[i];

    if (be)
      fprintf (f, " %02x%02x%02x%02x\n ", h >> 24, (h >> 16) & 255,
               (h >> 8) & 255, h & 255);
    else
      fprintf (f, " %02x%02x%02x%02x\n ", h & 255, (h >> 8) & 255,
               (h >> 16) & 255, h >> 24);
    for (j = 0; j < b->len[i]; j++)
      fprintf (f, "%02x", b->v[i][j]);
    fputc ('\n', f);
  }
  fputs ("DATA=END\n", f);
  fclose (f);
}

static void
le32 (unsigned char *p, uint32_t v)
{
  p[0] = v & 255;
  p[1] = (v >> 8) & 255;
  p[2] = (v >> 16) & 255;
  p[3] = v >> 24;
}

/* An ndb Packages.db holding the blobs, laid out as rpm's rpmpkg.c
 * does: one slot page, then each blob in 16-byte blocks with head and
 * adler32 tail. */
static unsigned char *
make_ndb (const struct blobs *b, size_t *len)
{
  size_t size = 4096, i, off;
  unsigned char *db;

  for (i = 0; i < b->n; i++)
    size += (16 + b->len[i] + 12 + 15) / 16 * 16;
  db = calloc (size, 1);
  memcpy (db, "RpmP", 4);
  le32 (db + 8, 1);
  le32 (db + 12, 1);
  le32 (db + 16, (uint32_t) b->n + 1);
  for (off = 32; off < 4096; off += 16)
    memcpy (db + off, "Slot", 4);
  off = 4096;
  for (i = 0; i < b->n; i++) {
    size_t cnt = (16 + b->len[i] + 12 + 15) / 16;
    unsigned char *bl = db + off, *s = db + 32 + 16 * i;

    le32 (s + 4, (uint32_t) i + 1);
    le32 (s + 8, (uint32_t) (off / 16));
    le32 (s + 12, (uint32_t) cnt);
    memcpy (bl, "BlbS", 4);
    le32 (bl + 4, (uint32_t) i + 1);
    le32 (bl + 8, 7);
    le32 (bl + 12, (uint32_t) b->len[i]);
    memcpy (bl + 16, b->v[i], b->len[i]);
    le32 (bl + cnt * 16 - 12,
          (uint32_t) adler32 (1L, bl, (uInt) (cnt * 16 - 12)));
    le32 (bl + cnt * 16 - 8, (uint32_t) b->len[i]);
    memcpy (bl + cnt * 16 - 4, "BlbE", 4);
    off += cnt * 16;
  }
  *len = size;
  return db;
}

static int
count_cb (void *opaque, const unsigned char *blob, size_t len,
          struct v2c_err *err)
{
  (*(size_t *) opaque)++;
  return 0;
}

/* v2c_rpm_read on ROOT (freed here) must fail with a message
 * containing what. */
static void
expect_read_error (const char *label, char *root, const char *what)
{
  struct v2c_err err = { 0, "" };
  struct v2c_fs *fs = v2c_fs_open_dir (root, &err);
  struct v2c_pkgs p = { NULL, 0 };
  int r = v2c_rpm_read (fs, 1, &p, &err);

  free (root);
  CHECK (r == -1 && strstr (err.msg, what) != NULL,
         "%s: expected an error with '%s', got %d '%s'", label, what, r,
         err.msg);
  CHECK (p.n == 0, "%s: packages returned on error", label);
  v2c_pkgs_free_contents (&p);
  v2c_fs_free (fs);
}

static void
expect_header_error (const char *label, const unsigned char *blob, size_t len,
                     const char *what)
{
  struct v2c_err err = { 0, "" };
  struct v2c_pkg k;
  int r = v2c_rpm_parse_header (blob, len, 1, &k, &err);

  CHECK (r == -1 && strstr (err.msg, what) != NULL,
         "%s: expected an error with '%s', got %d '%s'", label, what, r,
         err.msg);
  if (r == 0) {
    struct v2c_pkgs p = { malloc (sizeof k), 1 };
    p.v[0] = k;
    v2c_pkgs_free_contents (&p);
  }
}

static void
be32w (unsigned char *p, uint32_t v)
{
  p[0] = v >> 24;
  p[1] = (v >> 16) & 255;
  p[2] = (v >> 8) & 255;
  p[3] = v & 255;
}

static void
header_errors (const struct blobs *b)
{
  unsigned char *h;
  size_t len = b->len[0], i;
  uint32_t il = (uint32_t) b->v[0][0] << 24 | b->v[0][1] << 16
                | b->v[0][2] << 8 | b->v[0][3];
  unsigned char tiny[8 + 16 + 4];
  char label[64];

  /* Every truncation of a real header is refused. */
  for (i = 0; i < len; i++) {
    snprintf (label, sizeof label, "truncated to %zu", i);
    expect_header_error (label, b->v[0], i, i < 8 ? "truncated" : "");
  }
  h = malloc (len);
  memcpy (h, b->v[0], len);
  be32w (h, 0x7fffffff);
  expect_header_error ("huge index count", h, len, "index count");
  memcpy (h, b->v[0], len);
  be32w (h + 4, 0x20000000);
  expect_header_error ("huge data size", h, len, "data size");
  /* Point every entry of type STRING past the data. */
  memcpy (h, b->v[0], len);
  for (i = 0; i < il; i++)
    if (h[8 + 16 * i + 7] == 6)
      be32w (h + 8 + 16 * i + 8, 0x7fffff00);
  expect_header_error ("offset out of range", h, len, "out of range");
  free (h);

  /* One NAME string "abc" without its NUL. */
  memset (tiny, 0, sizeof tiny);
  be32w (tiny, 1);
  be32w (tiny + 4, 3);
  be32w (tiny + 8, 1000);
  be32w (tiny + 12, 6);
  be32w (tiny + 20, 1);
  memcpy (tiny + 24, "abc", 3);
  expect_header_error ("unterminated", tiny, 27, "unterminated");
  /* An INT32 at offset 1. */
  be32w (tiny + 4, 4);
  be32w (tiny + 12, 4);
  be32w (tiny + 16, 1);
  be32w (tiny + 20, 0);
  expect_header_error ("misaligned", tiny, 28, "aligned");
  /* A string array claiming more strings than bytes. */
  be32w (tiny + 12, 8);
  be32w (tiny + 16, 0);
  be32w (tiny + 20, 5);
  expect_header_error ("array count", tiny, 28, "past the data");
}

/* Append one index entry and its data to a header under construction;
 * returns the data offset used. */
static uint32_t
add_entry (unsigned char *ix, uint32_t *il, unsigned char *data, uint32_t *dl,
           uint32_t tag, uint32_t type, uint32_t count, const void *val,
           uint32_t len, uint32_t align)
{
  uint32_t off;

  while (*dl % align)
    data[(*dl)++] = 0;
  off = *dl;
  be32w (ix + 16 * *il, tag);
  be32w (ix + 16 * *il + 4, type);
  be32w (ix + 16 * *il + 8, off);
  be32w (ix + 16 * *il + 12, count);
  (*il)++;
  memcpy (data + off, val, len);
  *dl += len;
  return off;
}

/* Packages from rpm < 4.1 list files in OLDFILENAMES: a header made
 * here following the format, with a digest in upper case, a ghost, and
 * a dribble entry that overrides the region's VERSION.  Also written as
 * a fuzz seed. */
static unsigned char *
old_header (size_t *len)
{
  unsigned char ix[16 * 16], data[1024], *h;
  uint32_t il = 0, dl = 0;
  unsigned char flags[12], epoch[4];
  static const char names[] = "/etc/old.conf\0/usr/bin/old\0/var/old.log";
  static const char digests[] = "D41D8CD98F00B204E9800998ECF8427E\0"
                                "0123456789abcdef0123456789abcdef\0"
                                "ffffffffffffffffffffffffffffffff";

  add_entry (ix, &il, data, &dl, 1000, 6, 1, "old", 4, 1);
  add_entry (ix, &il, data, &dl, 1001, 6, 1, "0.1", 4, 1);
  add_entry (ix, &il, data, &dl, 1002, 6, 1, "7", 2, 1);
  be32w (epoch, 0);
  add_entry (ix, &il, data, &dl, 1003, 4, 1, epoch, 4, 4);
  add_entry (ix, &il, data, &dl, 1027, 8, 3, names, sizeof names, 1);
  add_entry (ix, &il, data, &dl, 1035, 8, 3, digests, sizeof digests, 1);
  be32w (flags, 1);
  be32w (flags + 4, 0);
  be32w (flags + 8, 64);
  add_entry (ix, &il, data, &dl, 1037, 4, 3, flags, 12, 4);
  add_entry (ix, &il, data, &dl, 1044, 6, 1, "old-0.2-7.nosrc.rpm", 20, 1);
  add_entry (ix, &il, data, &dl, 1001, 6, 1, "0.2", 4, 1);
  *len = 8 + 16 * (size_t) il + dl;
  h = malloc (*len);
  be32w (h, il);
  be32w (h + 4, dl);
  memcpy (h + 8, ix, 16 * (size_t) il);
  memcpy (h + 8 + 16 * (size_t) il, data, dl);
  return h;
}

static void
old_header_check (void)
{
  size_t len;
  unsigned char *h = old_header (&len);
  struct v2c_err err = { 0, "" };
  struct v2c_pkgs p = { malloc (sizeof (struct v2c_pkg)), 0 };

  if (v2c_rpm_parse_header (h, len, 1, p.v, &err) == -1) {
    CHECK (0, "old-style header: %s", err.msg);
  } else {
    const struct v2c_pkg *k = p.v;

    p.n = 1;
    CHECK (strcmp (k->evr, "0:0.2-7") == 0 && strcmp (k->epoch, "0") == 0,
           "old-style header: evr '%s'", k->evr);
    CHECK (k->arch == NULL && k->license == NULL && k->installed_size == -1,
           "old-style header: arch, license or size present");
    CHECK (strcmp (k->source_package, "old") == 0
               && strcmp (k->source_version, "0.2-7") == 0,
           "old-style header: source '%s' '%s'", k->source_package,
           k->source_version);
    CHECK (k->nfiles == 3, "old-style header: %zu files", k->nfiles);
    if (k->nfiles == 3) {
      CHECK (strcmp (k->files[0].path, "/etc/old.conf") == 0
                 && k->files[0].conffile
                 && strcmp (k->files[0].digest,
                            "d41d8cd98f00b204e9800998ecf8427e")
                        == 0,
             "old-style header: file 0 '%s'", k->files[0].path);
      CHECK (strcmp (k->files[1].path, "/usr/bin/old") == 0
                 && !k->files[1].conffile && k->files[1].digest != NULL,
             "old-style header: file 1 '%s'", k->files[1].path);
      CHECK (strcmp (k->files[2].path, "/var/old.log") == 0
                 && k->files[2].digest == NULL,
             "old-style header: ghost file has a digest");
    }
  }
  if (getenv ("V2C_RPM_SEEDS")) {
    char *s = fmt ("%s/hdr-oldnames.bin", getenv ("V2C_RPM_SEEDS"));
    put_bytes (s, h, len);
    free (s);
  }
  v2c_pkgs_free_contents (&p);
  free (h);
}

int
main (void)
{
  const char *rpmdef = "--define '_dbpath /var/lib/rpm'";
  char *top, *rpmq, *p;
  struct blobs b;
  unsigned char *buf;
  size_t len, i, n_r1, count;
  struct v2c_err err = { 0, "" };
  int have_key, have_dbload;

  if (system ("command -v rpm >/dev/null && command -v rpmbuild >/dev/null")
      != 0) {
    fprintf (stderr, "test-rpm: skipped: rpm and rpmbuild are needed "
                     "(apt-get install rpm)\n");
    return 77;
  }
  if (mkdtemp (work) == NULL)
    return 1;
  top = fmt ("%s/top", work);

  /* Three source packages: an epoch, config and ghost files, a symlink,
   * files over several directories, a subpackage (its SOURCERPM names
   * another package), enough files that the header spills over BDB
   * pages, an explicit epoch 0. */
  put (p = fmt ("%s/alpha.spec", work),
       "Name: alpha\nVersion: 1.2\nRelease: 3.test\nEpoch: 2\n"
       "Summary: a\nLicense: MIT and GPL-2.0-or-later\nBuildArch: noarch\n"
       "%description\na\n%install\n"
       "mkdir -p %{buildroot}/etc/alpha %{buildroot}/usr/share/alpha/sub "
       "%{buildroot}/usr/bin\n"
       "echo conf > %{buildroot}/etc/alpha/alpha.conf\n"
       "echo keep > %{buildroot}/etc/alpha/plain.conf\n"
       "echo data > %{buildroot}/usr/share/alpha/sub/data.txt\n"
       "printf '#!/bin/sh\\necho hi\\n' > %{buildroot}/usr/bin/alpha\n"
       "ln -s alpha %{buildroot}/usr/bin/alpha-link\n"
       "%files\n%config(noreplace) /etc/alpha/alpha.conf\n"
       "%config /etc/alpha/plain.conf\n%dir /etc/alpha\n/usr/share/alpha\n"
       "/usr/bin/alpha\n/usr/bin/alpha-link\n%ghost /var/log/alpha.log\n");
  free (p);
  put (p = fmt ("%s/beta.spec", work),
       "Name: beta\nVersion: 0.9.1\nRelease: 1\nSummary: b\n"
       "License: BSD-3-Clause\n%global debug_package %{nil}\n"
       "%description\nb\n%install\n"
       "for d in lib share/doc/beta share/beta/templates; do "
       "mkdir -p %{buildroot}/usr/$d; for i in $(seq 1 60); do "
       "echo $d $i > %{buildroot}/usr/$d/beta-file-number-$i-with-a-longish"
       "-name.txt; done; done\n"
       "mkdir -p %{buildroot}/etc\necho x > %{buildroot}/etc/beta.conf\n"
       "%files\n/usr/lib/beta-*\n/usr/share/doc/beta\n/usr/share/beta\n"
       "%config(missingok) /etc/beta.conf\n");
  free (p);
  put (p = fmt ("%s/delta.spec", work),
       "Name: delta\nVersion: 1.0\nRelease: 1.el9\nEpoch: 0\nSummary: d\n"
       "License: Apache-2.0\nBuildArch: noarch\n%description\nd\n"
       "%package -n libdelta\nSummary: l\nLicense: LGPL-2.1-only\n"
       "%description -n libdelta\nl\n%install\n"
       "mkdir -p %{buildroot}/usr/lib/delta\n"
       "echo so > %{buildroot}/usr/lib/delta/libdelta.so.1\n"
       "%files\n%files -n libdelta\n/usr/lib/delta/libdelta.so.1\n");
  free (p);
  if (sh ("cd %s && for s in alpha beta delta; do rpmbuild -bb --quiet "
          "--define '_topdir %s' --define '_build_id_links none' "
          "--define '__os_install_post %%{nil}' $s.spec >build.log 2>&1 "
          "|| { cat build.log; exit 1; }; done",
          work, top)
      != 0)
    return 1;

  /* r1: sqlite at /var/lib/rpm, plus a gpg-pubkey pseudo package. */
  if (sh ("mkdir -p %s/r1 && rpm --root %s/r1 %s --initdb && "
          "rpm --root %s/r1 %s -i --nodeps --ignorearch --noscripts "
          "$(find %s/RPMS -name '*.rpm') 2>/dev/null",
          work, work, rpmdef, work, rpmdef, top)
      != 0)
    return 1;
  have_key = sh ("export GNUPGHOME=%s/gpg; mkdir -m 700 $GNUPGHOME && "
                 "gpg --batch --passphrase '' --quick-gen-key "
                 "'v2c test <test@example.org>' ed25519 sign never "
                 ">/dev/null 2>&1 && gpg --export --armor >%s/key.asc && "
                 "rpm --root %s/r1 %s --import %s/key.asc",
                 work, work, work, rpmdef, work)
             == 0;
  if (!have_key)
    fprintf (stderr, "note: no gpg-pubkey package (gpg or import failed)\n");
  n_r1 = 4 + (size_t) have_key;
  rpmq = fmt ("rpm --root %s/r1 %s", work, rpmdef);
  compare_root ("sqlite", fmt ("%s/r1", work), rpmq, n_r1);
  free (rpmq);

  p = fmt ("%s/r1/var/lib/rpm/rpmdb.sqlite", work);
  load_blobs (p, &b);
  free (p);
  CHECK (b.n == n_r1, "%zu blobs in the sqlite database", b.n);

  /* r2: the database somewhere else, /var/lib/rpm an absolute symlink
   * that must resolve inside the guest. */
  if (sh ("mkdir -p %s/r2/srv %s/r2/var/lib && cp -a %s/r1/var/lib/rpm "
          "%s/r2/srv/rpmdb && ln -s /srv/rpmdb %s/r2/var/lib/rpm",
          work, work, work, work, work)
      != 0)
    return 1;
  rpmq = fmt ("rpm --root %s/r1 %s", work, rpmdef);
  compare_root ("symlinked /var/lib/rpm", fmt ("%s/r2", work), rpmq, n_r1);

  /* bdb0..bdb3: Berkeley DB hash files, read back by rpm's bdb_ro. */
  have_dbload = sh ("command -v db_load >/dev/null") == 0;
  if (!have_dbload)
    fprintf (stderr, "note: no db_load (db-util): Berkeley DB not tested\n");
  else {
    {
      static const struct {
        int pagesize, be;
      } v[] = { { 512, 0 }, { 512, 1 }, { 4096, 1 }, { 8192, 0 } };

      for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        char *root = fmt ("%s/bdb%zu", work, i), *txt = fmt ("%s.txt", root);
        char *label = fmt ("bdb pagesize %d %s", v[i].pagesize,
                           v[i].be ? "big-endian" : "little-endian");

        write_dbload (txt, &b, v[i].pagesize, v[i].be);
        if (sh ("mkdir -p %s/var/lib/rpm && db_load -f %s "
                "%s/var/lib/rpm/Packages",
                root, txt, root)
            != 0)
          return 1;
        free (rpmq);
        rpmq = fmt ("rpm --root %s %s --define '_db_backend bdb_ro' "
                    "2>/dev/null",
                    root, rpmdef);
        compare_root (label, root, rpmq, n_r1);
        free (txt);
        free (label);
      }
    }

    /* Overflow chain turned into a loop; a truncated file. */
    p = fmt ("%s/bdb0/var/lib/rpm/Packages", work);
    buf = slurp (p, &len);
    for (i = 512; i + 512 <= len; i += 512)
      if (buf[i + 25] == 7 && (buf[i + 16] | buf[i + 17]) != 0) {
        memcpy (buf + i + 16, buf + i + 8, 4);
        break;
      }
    CHECK (i + 512 <= len, "no overflow chain in the 512-byte-page file");
    sh ("mkdir -p %s/bad1/var/lib/rpm", work);
    free (p);
    put_bytes (p = fmt ("%s/bad1/var/lib/rpm/Packages", work), buf, len);
    expect_read_error ("bdb loop", fmt ("%s/bad1", work), "used twice");
    free (p);
    free (buf);
    p = fmt ("%s/bdb2/var/lib/rpm/Packages", work);
    buf = slurp (p, &len);
    free (p);
    put_bytes (p = fmt ("%s/bad1/var/lib/rpm/Packages", work), buf, len / 2);
    expect_read_error ("bdb truncated", fmt ("%s/bad1", work), "truncated");
    free (buf);
    free (p);
  }

  /* ndb, written by hand. */
  buf = make_ndb (&b, &len);
  sh ("mkdir -p %s/ndb/usr/lib/sysimage/rpm", work);
  put_bytes (p = fmt ("%s/ndb/usr/lib/sysimage/rpm/Packages.db", work), buf,
             len);
  free (p);
  free (rpmq);
  rpmq = fmt ("rpm --root %s/r1 %s", work, rpmdef);
  compare_root ("ndb", fmt ("%s/ndb", work), rpmq, n_r1);
  buf[len - 20] ^= 1;
  sh ("mkdir -p %s/bad2/var/lib/rpm", work);
  put_bytes (p = fmt ("%s/bad2/var/lib/rpm/Packages.db", work), buf, len);
  expect_read_error ("ndb checksum", fmt ("%s/bad2", work), "checksum");
  free (p);
  free (buf);

  /* A snapshot taken while a writer holds the database: the removal of
   * the first package is only in the write-ahead log. */
  if (sh ("command -v sqlite3 >/dev/null") == 0) {
    sh ("cp -a %s/r1 %s/live && mkdir -p %s/snap/var/lib/rpm", work, work,
        work);
    if (sh ("printf '%%s\\n' 'PRAGMA wal_autocheckpoint=0;' "
            "'DELETE FROM Packages WHERE hnum=(SELECT min(hnum) FROM "
            "Packages);' '.shell cp %s/live/var/lib/rpm/rpmdb.sqlite "
            "%s/live/var/lib/rpm/rpmdb.sqlite-wal %s/snap/var/lib/rpm/' "
            "| sqlite3 %s/live/var/lib/rpm/rpmdb.sqlite >/dev/null",
            work, work, work, work)
        != 0)
      return 1;
    p = fmt ("%s/snap/var/lib/rpm/rpmdb.sqlite-wal", work);
    free (slurp (p, &len));
    CHECK (len > 0, "the snapshot has an empty write-ahead log");
    free (p);
    free (rpmq);
    /* rpm gets its own copy: it checkpoints when it closes. */
    sh ("cp -a %s/snap %s/snap-rpm", work, work);
    rpmq = fmt ("rpm --root %s/snap-rpm %s", work, rpmdef);
    compare_root ("write-ahead log", fmt ("%s/snap", work), rpmq, n_r1 - 1);
  } else
    fprintf (stderr, "note: no sqlite3 tool: write-ahead log not tested\n");

  /* Garbage sqlite files. */
  sh ("mkdir -p %s/bad3/var/lib/rpm", work);
  put (p = fmt ("%s/bad3/var/lib/rpm/rpmdb.sqlite", work),
       "this is not a database\n");
  expect_read_error ("text as sqlite", fmt ("%s/bad3", work),
                     "not an sqlite database");
  buf = calloc (8192, 1);
  memcpy (buf, "SQLite format 3", 16);
  for (i = 16; i < 8192; i++)
    buf[i] = (unsigned char) (i * 131 + 7);
  put_bytes (p, buf, 8192);
  expect_read_error ("garbage sqlite", fmt ("%s/bad3", work),
                     "/var/lib/rpm/rpmdb.sqlite");
  free (buf);
  free (p);

  /* Header-level errors; a root without any database has no packages. */
  header_errors (&b);
  old_header_check ();
  {
    struct v2c_fs *fs = v2c_fs_open_dir (work, &err);
    struct v2c_pkgs none = { NULL, 0 };

    CHECK (v2c_rpm_read (fs, 1, &none, &err) == 0 && none.n == 0,
           "no database: %s", err.msg);
    v2c_fs_free (fs);
  }
  if (have_dbload) {
    /* The BDB walker alone on raw bytes: every blob, record 0 skipped. */
    p = fmt ("%s/bdb1/var/lib/rpm/Packages", work);
    buf = slurp (p, &len);
    count = 0;
    CHECK (v2c_rpmdb_bdb_walk (buf, len, count_cb, &count, &err) == 0
               && count == b.n,
           "bdb walk: %zu blobs, %s", count, err.msg);
    free (buf);
    free (p);
  }
  /* Fuzz seeds: V2C_RPM_SEEDS=DIR writes the blobs there. */
  if (getenv ("V2C_RPM_SEEDS")) {
    for (i = 0; i < b.n; i++) {
      char *s = fmt ("%s/hdr-%zu.bin", getenv ("V2C_RPM_SEEDS"), i);
      put_bytes (s, b.v[i], b.len[i]);
      free (s);
    }
  }

  for (i = 0; i < b.n; i++)
    free (b.v[i]);
  free (b.v);
  free (b.len);
  free (b.hnum);
  free (rpmq);
  free (top);
  if (failures == 0)
    sh ("rm -rf %s", work);
  else
    fprintf (stderr, "work files kept in %s\n", work);
  return failures ? 1 : 0;
}
