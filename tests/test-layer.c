/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The layer writer against the tree on disk: a layer of the tree, read
 * back with libarchive, gives the same entries in the same order with the
 * same modes, owners, mtimes, link targets, xattrs, sizes and bytes (as
 * lstat, readlink, getxattr, SEEK_DATA and pread report them); diff_id is
 * the SHA-256 of the blob decompressed here with zlib/libzstd, digest
 * that of the blob file; gzip -t accepts the blob; the digest does not
 * change with the run or the number of threads; bad input is refused;
 * memory stays bounded on a 512 MiB stream.
 */
#include <config.h>

#include <sys/resource.h>
#include <sys/wait.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <zlib.h>
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

#include "image-tree.h"
#include "unit.h"
#define check_fail FAIL

#define SPARSE_SIZE (1ll << 30)
#define MEM_STREAM (512ll << 20)
#define MEM_LIMIT_KIB (64 * 1024)

static void
hex (EVP_MD_CTX *md, char *out)
{
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n;
  EVP_DigestFinal_ex (md, d, &n);
  strcpy (out, "sha256:");
  for (unsigned int i = 0; i < n; i++)
    sprintf (out + 7 + 2 * i, "%02x", d[i]);
}

static void
sha256_file (const char *path, char *out)
{
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  static unsigned char buf[1 << 16];
  int fd = open (path, O_RDONLY);
  ssize_t r;

  tree_do (fd, "open", path);
  EVP_DigestInit_ex (md, EVP_sha256 (), NULL);
  while ((r = read (fd, buf, sizeof buf)) > 0)
    EVP_DigestUpdate (md, buf, (size_t) r);
  close (fd);
  hex (md, out);
  EVP_MD_CTX_free (md);
}

/* The blob decompressed with zlib or libzstd directly: its SHA-256 and
 * size.  gzip: exactly one member and nothing after it. */
static void
sha256_decompressed (const char *path, enum v2c_compression c, char *out,
                     int64_t *size)
{
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  static unsigned char in[1 << 16], outb[1 << 17];
  int fd = open (path, O_RDONLY), done = 0;
  ssize_t r;
  z_stream z;
#ifdef HAVE_ZSTD
  ZSTD_DCtx *zd = ZSTD_createDCtx ();
  size_t zr = 1;
#endif

  tree_do (fd, "open", path);
  EVP_DigestInit_ex (md, EVP_sha256 (), NULL);
  memset (&z, 0, sizeof z);
  if (c == V2C_COMPRESS_GZIP && inflateInit2 (&z, 15 + 16) != Z_OK)
    tree_die ("inflateInit2");
  *size = 0;
  while ((r = read (fd, in, sizeof in)) > 0) {
    if (c == V2C_COMPRESS_NONE) {
      EVP_DigestUpdate (md, in, (size_t) r);
      *size += r;
    } else if (c == V2C_COMPRESS_GZIP) {
      if (done)
        tree_die ("%s: bytes after the gzip member", path);
      z.next_in = in;
      z.avail_in = (uInt) r;
      while (z.avail_in > 0 && !done) {
        int zr2;
        z.next_out = outb;
        z.avail_out = sizeof outb;
        zr2 = inflate (&z, Z_NO_FLUSH);
        if (zr2 != Z_OK && zr2 != Z_STREAM_END)
          tree_die ("%s: inflate: %s", path, z.msg ? z.msg : "error");
        EVP_DigestUpdate (md, outb, sizeof outb - z.avail_out);
        *size += (int64_t) (sizeof outb - z.avail_out);
        if (zr2 == Z_STREAM_END) {
          done = 1;
          if (z.avail_in > 0)
            tree_die ("%s: bytes after the gzip member", path);
        }
      }
    }
#ifdef HAVE_ZSTD
    else {
      ZSTD_inBuffer zi = { in, (size_t) r, 0 };
      while (zi.pos < zi.size) {
        ZSTD_outBuffer zo = { outb, sizeof outb, 0 };
        zr = ZSTD_decompressStream (zd, &zo, &zi);
        if (ZSTD_isError (zr))
          tree_die ("%s: zstd: %s", path, ZSTD_getErrorName (zr));
        EVP_DigestUpdate (md, outb, zo.pos);
        *size += (int64_t) zo.pos;
      }
    }
#endif
  }
  if (c == V2C_COMPRESS_GZIP) {
    if (!done)
      tree_die ("%s: truncated gzip", path);
    inflateEnd (&z);
  }
#ifdef HAVE_ZSTD
  if (c == V2C_COMPRESS_ZSTD && zr != 0)
    tree_die ("%s: truncated zstd frame", path);
  ZSTD_freeDCtx (zd);
#endif
  close (fd);
  hex (md, out);
  EVP_MD_CTX_free (md);
}

/* Merge adjacent (offset, length) ranges, in place; returns the count. */
static size_t
merge_ranges (uint64_t *r, size_t n)
{
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (r[2 * i + 1] == 0)
      continue;
    if (m > 0 && r[2 * (m - 1)] + r[2 * (m - 1) + 1] == r[2 * i])
      r[2 * (m - 1) + 1] += r[2 * i + 1];
    else {
      r[2 * m] = r[2 * i];
      r[2 * m + 1] = r[2 * i + 1];
      m++;
    }
  }
  return m;
}

/* The data of a regular file: every block libarchive returns equals the
 * file's bytes at that offset, and the blocks cover exactly the file's
 * data segments (all of it when not sparse). */
static void
compare_data (struct archive *a, struct tree *t, struct tent *te)
{
  static unsigned char disk[1 << 16];
  uint64_t *got = NULL, *want;
  size_t ngot = 0, nwant;
  const void *buf;
  size_t size;
  la_int64_t off;
  char p[4096];
  int fd, r;

  snprintf (p, sizeof p, "%s/%s", t->root, te->path);
  fd = open (p, O_RDONLY);
  tree_do (fd, "open", p);
  while ((r = archive_read_data_block (a, &buf, &size, &off)) == ARCHIVE_OK) {
    for (size_t done = 0; done < size;) {
      size_t k = size - done < sizeof disk ? size - done : sizeof disk;
      if (pread (fd, disk, k, (off_t) off + (off_t) done) != (ssize_t) k
          || memcmp (disk, (const unsigned char *) buf + done, k) != 0) {
        check_fail ("%s: content differs near offset %lld", te->path,
                    (long long) off + (long long) done);
        close (fd);
        free (got);
        return;
      }
      done += k;
    }
    got = realloc (got, (ngot + 1) * 2 * sizeof *got);
    got[2 * ngot] = (uint64_t) off;
    got[2 * ngot + 1] = size;
    ngot++;
  }
  close (fd);
  if (r != ARCHIVE_EOF)
    check_fail ("%s: reading data: %s", te->path, archive_error_string (a));
  ngot = merge_ranges (got, ngot);
  if (te->sparse) {
    want = malloc ((te->nsparse + 1) * 2 * sizeof *want);
    memcpy (want, te->sparse, te->nsparse * 2 * sizeof *want);
    nwant = merge_ranges (want, te->nsparse);
  } else {
    want = malloc (2 * sizeof *want);
    want[0] = 0;
    want[1] = (uint64_t) te->st.st_size;
    nwant = merge_ranges (want, 1);
  }
  if (ngot != nwant
      || (ngot && memcmp (got, want, ngot * 2 * sizeof *got) != 0)) {
    check_fail ("%s: data segments differ: %zu in the layer, %zu on disk",
                te->path, ngot, nwant);
    for (size_t i = 0; i < ngot || i < nwant; i++)
      fprintf (stderr, "  layer %llu+%llu  disk %llu+%llu\n",
               i < ngot ? (unsigned long long) got[2 * i] : 0ull,
               i < ngot ? (unsigned long long) got[2 * i + 1] : 0ull,
               i < nwant ? (unsigned long long) want[2 * i] : 0ull,
               i < nwant ? (unsigned long long) want[2 * i + 1] : 0ull);
  }
  free (got);
  free (want);
}

static void
compare_xattrs (struct archive_entry *ae, struct tent *te)
{
  const char *name;
  const void *val;
  size_t len, n = 0;

  archive_entry_xattr_reset (ae);
  while (archive_entry_xattr_next (ae, &name, &val, &len) == ARCHIVE_OK) {
    size_t k;
    n++;
    for (k = 0; k < te->nx; k++)
      if (!strcmp (te->xname[k], name))
        break;
    if (k == te->nx)
      check_fail ("%s: xattr %s in the layer, not on disk", te->path, name);
    else if (te->xlen[k] != len || memcmp (te->xval[k], val, len))
      check_fail ("%s: xattr %s differs", te->path, name);
  }
  if (n != te->nx)
    check_fail ("%s: %zu xattrs in the layer, %zu on disk", te->path, n,
                te->nx);
}

/* Read the blob back and compare every entry with the tree. */
static void
round_trip (const char *blob, struct tree *t, size_t from, size_t to)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *ae;
  size_t i = from;
  int r;

  archive_read_support_filter_all (a);
  archive_read_support_format_tar (a);
  if (archive_read_open_filename (a, blob, 1 << 16) != ARCHIVE_OK)
    tree_die ("open %s: %s", blob, archive_error_string (a));
  while ((r = archive_read_next_header (a, &ae)) == ARCHIVE_OK) {
    struct tent *te;
    char name[4096];
    size_t len;

    snprintf (name, sizeof name, "%s", archive_entry_pathname (ae));
    len = strlen (name);
    if (len > 1 && name[len - 1] == '/')
      name[len - 1] = '\0';
    if (i >= to) {
      check_fail ("%s: extra entry '%s'", blob, name);
      break;
    }
    te = &t->v[i++];
    if (strcmp (name, te->path)) {
      check_fail ("%s: entry %zu is '%s', the tree has '%s'", blob, i - 1,
                  name, te->path);
      break;
    }
    if (te->hardlink) {
      const char *hl = archive_entry_hardlink (ae);
      if (hl == NULL || strcmp (hl, te->hardlink))
        check_fail ("%s: hard link to '%s', want '%s'", te->path,
                    hl ? hl : "(none)", te->hardlink);
    } else if ((mode_t) archive_entry_filetype (ae)
               != (te->st.st_mode & S_IFMT))
      check_fail ("%s: type %o, want %o", te->path,
                  (unsigned) archive_entry_filetype (ae),
                  (unsigned) (te->st.st_mode & S_IFMT));
    if ((archive_entry_perm (ae) & 07777) != (te->st.st_mode & 07777))
      check_fail ("%s: mode %o, want %o", te->path,
                  (unsigned) archive_entry_perm (ae),
                  (unsigned) (te->st.st_mode & 07777));
    if (archive_entry_uid (ae) != te->st.st_uid
        || archive_entry_gid (ae) != te->st.st_gid)
      check_fail ("%s: owner %lld:%lld, want %u:%u", te->path,
                  (long long) archive_entry_uid (ae),
                  (long long) archive_entry_gid (ae), te->st.st_uid,
                  te->st.st_gid);
    if (archive_entry_mtime (ae) != te->st.st_mtim.tv_sec)
      check_fail ("%s: mtime %lld, want %lld", te->path,
                  (long long) archive_entry_mtime (ae),
                  (long long) te->st.st_mtim.tv_sec);
    if (te->link) {
      const char *sl = archive_entry_symlink (ae);
      if (sl == NULL || strcmp (sl, te->link))
        check_fail ("%s: symlink to '%s', want '%s'", te->path,
                    sl ? sl : "(none)", te->link);
    }
    compare_xattrs (ae, te);
    if (S_ISREG (te->st.st_mode) && !te->hardlink) {
      if (archive_entry_size (ae) != te->st.st_size)
        check_fail ("%s: size %lld, want %lld", te->path,
                    (long long) archive_entry_size (ae),
                    (long long) te->st.st_size);
      compare_data (a, t, te);
    }
  }
  if (r != ARCHIVE_EOF && r != ARCHIVE_OK)
    check_fail ("%s: %s", blob, archive_error_string (a));
  if (i != to)
    check_fail ("%s: %zu entries, the tree has %zu", blob, i - from,
                to - from);
  archive_read_free (a);
}

struct result {
  char digest[80], diff_id[80];
  int64_t blob_size, tar_size;
};

static void
write_layer (const char *blob, struct tree *t, enum v2c_compression c,
             int threads, struct result *res)
{
  struct v2c_layer_writer *w = v2c_layer_writer_new ();
  int fd = open (blob, O_WRONLY | O_CREAT | O_TRUNC, 0644);

  tree_do (fd, "create", blob);
  if (w == NULL || v2c_layer_writer_open_fd (w, fd) == -1
      || v2c_layer_writer_set_compression (w, c, -1) == -1
      || v2c_layer_writer_set_threads (w, threads) == -1)
    tree_die ("writer setup: %s", v2c_layer_writer_error (w));
  tree_feed (w, t, 0, t->n);
  if (v2c_layer_writer_close (w) == -1)
    tree_die ("close: %s", v2c_layer_writer_error (w));
  snprintf (res->digest, sizeof res->digest, "%s",
            v2c_layer_writer_digest (w));
  snprintf (res->diff_id, sizeof res->diff_id, "%s",
            v2c_layer_writer_diff_id (w));
  res->blob_size = v2c_layer_writer_blob_size (w);
  res->tar_size = v2c_layer_writer_tar_size (w);
  v2c_layer_writer_free (w);
  close (fd);
}

static void
check_blob (const char *blob, enum v2c_compression c, struct result *res,
            const char *media_type)
{
  char h[80];
  int64_t size;
  struct stat st;

  sha256_file (blob, h);
  if (strcmp (h, res->digest))
    check_fail ("%s: digest %s, sha256 of the file %s", blob, res->digest, h);
  tree_do (stat (blob, &st), "stat", blob);
  if (st.st_size != res->blob_size)
    check_fail ("%s: blob_size %lld, file %lld", blob,
                (long long) res->blob_size, (long long) st.st_size);
  sha256_decompressed (blob, c, h, &size);
  if (strcmp (h, res->diff_id))
    check_fail ("%s: diff_id %s, sha256 of the decompressed blob %s", blob,
                res->diff_id, h);
  if (size != res->tar_size)
    check_fail ("%s: tar_size %lld, decompressed %lld", blob,
                (long long) res->tar_size, (long long) size);
  if (c == V2C_COMPRESS_NONE && strcmp (res->digest, res->diff_id))
    check_fail ("%s: an uncompressed layer's digest is its diff_id", blob);
  if (strcmp (media_type, c == V2C_COMPRESS_GZIP
                              ? "application/vnd.oci.image.layer.v1.tar+gzip"
                          : c == V2C_COMPRESS_ZSTD
                              ? "application/vnd.oci.image.layer.v1.tar+zstd"
                              : "application/vnd.oci.image.layer.v1.tar"))
    check_fail ("%s: media type %s", blob, media_type);
}

/* Misuse and bad entries are refused with a message. */
static void
check_refusals (const char *dir)
{
  char blob[4096];
  struct v2c_layer_writer *w = v2c_layer_writer_new ();
  struct v2c_layer_entry e = { .type = V2C_FS_REG, .mode = 0644 };
  static const char *bad[]
      = { "/etc", "./x", "a//b", "a/", "..", "a/../b", "a/.", "" };
  int fd;

  snprintf (blob, sizeof blob, "%s/refuse.tar", dir);
  fd = open (blob, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  tree_do (fd, "create", blob);
  v2c_layer_writer_open_fd (w, fd);
  v2c_layer_writer_set_compression (w, V2C_COMPRESS_NONE, -1);
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    e.path = bad[i];
    if (v2c_layer_writer_add (w, &e) == 0)
      check_fail ("path '%s' accepted", bad[i]);
  }
  /* "a/b" < "a-b" < "a.b": accepted in that order. */
  static const char *good[] = { "a", "a/b", "a-b", "a.b", "b" };
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    e.path = good[i];
    if (v2c_layer_writer_add (w, &e) == -1)
      check_fail ("'%s' refused: %s", good[i], v2c_layer_writer_error (w));
  }
  e.path = "a-c";
  if (v2c_layer_writer_add (w, &e) == 0)
    check_fail ("'a-c' after 'b' accepted");
  else if (!strstr (v2c_layer_writer_error (w), "out of order"))
    check_fail ("unsorted input: message '%s'", v2c_layer_writer_error (w));
  e.path = "b";
  if (v2c_layer_writer_add (w, &e) == 0)
    check_fail ("'b' twice accepted");
  e.path = "c";
  e.type = V2C_FS_OTHER;
  if (v2c_layer_writer_add (w, &e) == 0)
    check_fail ("a device/fifo/socket entry accepted");
  e.type = V2C_LAYER_HARDLINK;
  e.link_target = "z";
  if (v2c_layer_writer_add (w, &e) == 0)
    check_fail ("a hard link to a later path accepted");
  e.type = V2C_FS_REG;
  e.size = 10;
  e.path = "d";
  if (v2c_layer_writer_add (w, &e) == -1)
    check_fail ("'d' refused: %s", v2c_layer_writer_error (w));
  if (v2c_layer_writer_write_data (w, "0123456789x", 11) == 0)
    check_fail ("more data than the size accepted");
  v2c_layer_writer_free (w);

  w = v2c_layer_writer_new ();
  v2c_layer_writer_open_fd (w, fd);
  e.path = "d";
  v2c_layer_writer_add (w, &e);
  v2c_layer_writer_write_data (w, "01234", 5);
  if (v2c_layer_writer_close (w) == 0)
    check_fail ("close with 5 of 10 bytes accepted");
  v2c_layer_writer_free (w);
  close (fd);
}

/* Run in a fresh process so ru_maxrss is the writer's alone. */
static int
memory_child (const char *blob, const char *comp)
{
  static const unsigned char zero[1 << 20];
  struct v2c_layer_writer *w = v2c_layer_writer_new ();
  struct v2c_layer_entry e = {
    .path = "zeros", .type = V2C_FS_REG, .mode = 0644, .size = MEM_STREAM
  };
  struct rusage ru;
  int fd = open (blob, O_WRONLY | O_CREAT | O_TRUNC, 0644);

  tree_do (fd, "create", blob);
  v2c_layer_writer_open_fd (w, fd);
  if (v2c_layer_writer_set_compression (w, (enum v2c_compression) atoi (comp),
                                        -1)
          == -1
      || v2c_layer_writer_add (w, &e) == -1)
    tree_die ("%s", v2c_layer_writer_error (w));
  for (int64_t done = 0; done < MEM_STREAM; done += sizeof zero)
    if (v2c_layer_writer_write_data (w, zero, sizeof zero) == -1)
      tree_die ("%s", v2c_layer_writer_error (w));
  if (v2c_layer_writer_close (w) == -1)
    tree_die ("%s", v2c_layer_writer_error (w));
  if (v2c_layer_writer_tar_size (w) < MEM_STREAM)
    tree_die ("tar of %lld bytes", (long long) v2c_layer_writer_tar_size (w));
  v2c_layer_writer_free (w);
  close (fd);
  getrusage (RUSAGE_SELF, &ru);
  printf ("%ld\n", ru.ru_maxrss);
  return 0;
}

static void
check_memory (const char *self, const char *dir, int comp)
{
  char blob[4096], cmd[8192], line[64] = "";
  FILE *f;
  long kib;

  snprintf (blob, sizeof blob, "%s/zeros.blob", dir);
  snprintf (cmd, sizeof cmd, "'%s' mem '%s' %d", self, blob, comp);
  f = popen (cmd, "r");
  if (f == NULL || fgets (line, sizeof line, f) == NULL || pclose (f) != 0) {
    check_fail ("memory child (%s) failed", cmd);
    return;
  }
  kib = atol (line);
  fprintf (stderr, "peak RSS writing %lld MiB (compression %d): %ld KiB\n",
           MEM_STREAM >> 20, comp, kib);
  if (kib <= 0 || kib >= MEM_LIMIT_KIB)
    check_fail ("peak RSS %ld KiB, limit %d KiB", kib, MEM_LIMIT_KIB);
  unlink (blob);
}

int
main (int argc, char **argv)
{
  char dir[] = "/var/tmp/v2c-test-layer-XXXXXX", root[4096], blob[4096],
       cmd[8192];
  struct tree t;
  struct result res[3], again;
  static const enum v2c_compression comps[] = { V2C_COMPRESS_GZIP,
#ifdef HAVE_ZSTD
                                                V2C_COMPRESS_ZSTD,
#endif
                                                V2C_COMPRESS_NONE };
  size_t ncomps = sizeof comps / sizeof *comps;

  if (argc == 4 && !strcmp (argv[1], "mem"))
    return memory_child (argv[2], argv[3]);
  if (geteuid () != 0)
    fprintf (stderr, "not root: the tree has no security.capability xattr "
                     "and no other owners\n");
  if (mkdtemp (dir) == NULL)
    tree_die ("mkdtemp: %s", strerror (errno));
  snprintf (root, sizeof root, "%s/tree", dir);
  tree_make (root, SPARSE_SIZE);
  tree_walk (&t, root);

  for (size_t i = 0; i < ncomps; i++) {
    struct v2c_layer_writer *w = v2c_layer_writer_new ();
    v2c_layer_writer_set_compression (w, comps[i], -1);
    snprintf (blob, sizeof blob, "%s/layer-%d", dir, (int) comps[i]);
    write_layer (blob, &t, comps[i], 2, &res[i]);
    check_blob (blob, comps[i], &res[i], v2c_layer_writer_media_type (w));
    round_trip (blob, &t, 0, t.n);
    fprintf (stderr, "compression %d: %s, blob %lld bytes, tar %lld\n",
             (int) comps[i], v2c_layer_writer_media_type (w),
             (long long) res[i].blob_size, (long long) res[i].tar_size);
    if (i > 0 && strcmp (res[i].diff_id, res[0].diff_id))
      check_fail ("compression %d changed the tar", (int) comps[i]);
    v2c_layer_writer_free (w);
  }
  snprintf (blob, sizeof blob, "%s/layer-0", dir);
  snprintf (cmd, sizeof cmd, "gzip -t '%s'", blob);
  if (system (cmd) != 0)
    check_fail ("%s failed", cmd);

  /* Same input, same bytes, whatever the run or thread count. */
  for (int threads = 1; threads <= 4; threads++) {
    snprintf (blob, sizeof blob, "%s/again", dir);
    write_layer (blob, &t, V2C_COMPRESS_GZIP, threads, &again);
    if (strcmp (again.digest, res[0].digest))
      check_fail ("gzip with %d threads: %s, with 2: %s", threads,
                  again.digest, res[0].digest);
#ifdef HAVE_ZSTD
    if (threads == 1 || threads == 4) {
      write_layer (blob, &t, V2C_COMPRESS_ZSTD, threads, &again);
      if (strcmp (again.digest, res[1].digest))
        check_fail ("zstd with %d threads: %s, with 2: %s", threads,
                    again.digest, res[1].digest);
    }
#endif
  }

  check_refusals (dir);
  check_memory (argv[0], dir, V2C_COMPRESS_GZIP);
#ifdef HAVE_ZSTD
  check_memory (argv[0], dir, V2C_COMPRESS_ZSTD);
#endif

  tree_free (&t);
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system (cmd) != 0)
    fprintf (stderr, "can't remove %s\n", dir);
  return unit_status ();
}
