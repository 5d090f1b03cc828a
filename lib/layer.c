/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The layer writer: sorted entries -> pax tar (libarchive) -> SHA-256
 * (diff_id) and compressor -> SHA-256 (digest) -> fd, in one pass.
 * This file holds the handle and the tar stream: the order and limits of
 * entries, their pax headers, sparse maps and data.  The compressor and
 * the blob's fd are lib/layer-blob.c.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layer-private.h"

static const unsigned char zeros[ZERO_CHUNK];

/* A failure earlier in the stream leaves the tar unusable: say so again. */
static int
check_usable (struct v2c_layer_writer *w)
{
  if (w->state == W_FAILED) {
    if (w->err.msg[0] == '\0')
      v2c_set_error (&w->err, 0, "the layer writer failed earlier");
    return -1;
  }
  if (w->state == W_CLOSED)
    return v2c_set_error (&w->err, 0, "the layer writer is closed");
  return 0;
}

struct v2c_layer_writer *
v2c_layer_writer_new (void)
{
  struct v2c_layer_writer *w = calloc (1, sizeof *w);

  if (w == NULL)
    return NULL;
  w->comp = V2C_COMPRESS_GZIP;
  w->level = 6;
  w->fd = -1;
  return w;
}

int
v2c_layer_writer_set_compression (struct v2c_layer_writer *w,
                                  enum v2c_compression c, int level)
{
  if (w->state != W_NEW && w->state != W_OPEN)
    return v2c_set_error (&w->err, 0,
                          "can't change compression after the first entry");
  switch (c) {
  case V2C_COMPRESS_GZIP:
    if (level == -1)
      level = 6;
    if (level < 1 || level > 9)
      return v2c_set_error (&w->err, 0, "gzip level %d not in 1..9", level);
    break;
  case V2C_COMPRESS_ZSTD:
#ifdef HAVE_ZSTD
    if (level == -1)
      level = 3;
    if (level < 1 || level > 19)
      return v2c_set_error (&w->err, 0, "zstd level %d not in 1..19", level);
    break;
#else
    return v2c_set_error (&w->err, ENOTSUP,
                          "zstd compression: v2c was built without libzstd");
#endif
  case V2C_COMPRESS_NONE:
    level = 0;
    break;
  default:
    return v2c_set_error (&w->err, EINVAL, "unknown compression %d", (int) c);
  }
  w->comp = c;
  w->level = level;
  return 0;
}

int
v2c_layer_writer_set_threads (struct v2c_layer_writer *w, int n)
{
  if (w->state != W_NEW && w->state != W_OPEN)
    return v2c_set_error (&w->err, 0,
                          "can't change threads after the first entry");
  if (n < 0 || n > 256)
    return v2c_set_error (&w->err, EINVAL, "%d threads not in 0..256", n);
  w->threads = n;
  return 0;
}

int
v2c_layer_writer_open_fd (struct v2c_layer_writer *w, int fd)
{
  if (w->state != W_NEW)
    return v2c_set_error (&w->err, 0, "the layer writer is already open");
  if (fd < 0)
    return v2c_set_error (&w->err, EBADF, "can't write a layer to fd %d", fd);
  w->fd = fd;
  w->state = W_OPEN;
  return 0;
}


/* ------------------------------------------------------------------ */
/* The tar stream                                                      */

static la_ssize_t
tar_write_cb (struct archive *a, void *opaque, const void *buf, size_t len)
{
  struct v2c_layer_writer *w = opaque;
  int r = 0;

  if (w->discard)
    return (la_ssize_t) len;
  if (EVP_DigestUpdate (w->tar_md, buf, len) != 1) {
    v2c_layer_fail (w, 0, "can't compute the layer diff_id");
    return -1;
  }
  w->tar_size += (int64_t) len;
  r = v2c_layer_blob_feed (w, buf, len);
  if (r == -1) {
    archive_set_error (a, w->err.errnum ? w->err.errnum : EIO, "%s",
                       w->err.msg);
    return -1;
  }
  return (la_ssize_t) len;
}

static int
digest_init (EVP_MD_CTX **md)
{
  *md = EVP_MD_CTX_new ();
  return *md != NULL && EVP_DigestInit_ex (*md, EVP_sha256 (), NULL) == 1 ? 0
                                                                          : -1;
}

static int
start (struct v2c_layer_writer *w)
{
  if (w->state == W_NEW)
    return v2c_set_error (&w->err, 0, "the layer writer has no output");
  if (w->state != W_OPEN)
    return 0;
  w->state = W_STARTED;
  if (digest_init (&w->tar_md) == -1 || digest_init (&w->blob_md) == -1)
    return v2c_layer_fail (w, 0, "can't start SHA-256");
  if (v2c_layer_blob_start (w) == -1)
    return -1;
  w->utf8 = newlocale (LC_CTYPE_MASK, "C.UTF-8", (locale_t) 0);
  w->a = archive_write_new ();
  w->entry = archive_entry_new ();
  if (w->a == NULL || w->entry == NULL)
    return v2c_layer_fail (w, ENOMEM, "can't start the tar stream");
  /* Restricted pax: a pax header only where ustar can't say it, named
   * "dir/PaxHeader/name" (no PID) and dated with the entry's own mtime.
   * Names go in as bytes, whatever the locale.  xattrs only as
   * SCHILY.xattr, the form Go's archive/tar (umoci, containerd) reads. */
  if (archive_write_set_format_pax_restricted (w->a) != ARCHIVE_OK
      || archive_write_set_format_option (w->a, "pax", "xattrheader", "SCHILY")
             != ARCHIVE_OK
      || archive_write_add_filter_none (w->a) != ARCHIVE_OK
      || archive_write_open2 (w->a, w, NULL, tar_write_cb, NULL, NULL)
             != ARCHIVE_OK)
    return v2c_layer_fail (w, archive_errno (w->a),
                           "can't start the tar stream: %s",
                           archive_error_string (w->a));
  return 0;
}

static int
valid_path (const char *p)
{
  size_t len = strnlen (p, V2C_LAYER_MAX_PATH + 1);
  const char *c = p;

  if (len == 0 || len > V2C_LAYER_MAX_PATH)
    return 0;
  for (;;) {
    const char *slash = strchr (c, '/');
    size_t n = slash ? (size_t) (slash - c) : strlen (c);
    if (n == 0 || (n == 1 && c[0] == '.')
        || (n == 2 && c[0] == '.' && c[1] == '.'))
      return 0;
    if (slash == NULL)
      return 1;
    c = slash + 1;
  }
}

static int
xattr_cmp (const void *a, const void *b)
{
  const struct v2c_xattr *x = *(const struct v2c_xattr *const *) a;
  const struct v2c_xattr *y = *(const struct v2c_xattr *const *) b;
  return strcmp (x->name, y->name);
}

static int
check_data_done (struct v2c_layer_writer *w)
{
  if (w->data_left > 0)
    return v2c_layer_fail (w, 0, "'%s': %llu bytes of data missing",
                           w->cur_path, (unsigned long long) w->data_left);
  return 0;
}

static int
set_sparse (struct v2c_layer_writer *w, const struct v2c_layer_entry *e,
            uint64_t *data)
{
  uint64_t end = 0, sum = 0;

  free (w->sparse);
  w->sparse = NULL;
  w->nsparse = w->sparse_i = 0;
  w->seg_done = w->logical = 0;
  if (e->sparse == NULL) {
    *data = (uint64_t) e->size;
    return 0;
  }
  if (e->nsparse > V2C_LAYER_MAX_SPARSE)
    return v2c_set_error (&w->err, 0, "'%s': more than %d sparse segments",
                          e->path, V2C_LAYER_MAX_SPARSE);
  for (size_t i = 0; i < e->nsparse; i++) {
    uint64_t off = e->sparse[2 * i], len = e->sparse[2 * i + 1];
    if (off < end || len == 0 || len > (uint64_t) e->size
        || off > (uint64_t) e->size - len)
      return v2c_set_error (&w->err, 0, "'%s': bad sparse map at segment %zu",
                            e->path, i);
    end = off + len;
    sum += len;
  }
  if (e->nsparse > 0) {
    w->sparse = malloc (e->nsparse * 2 * sizeof *w->sparse);
    if (w->sparse == NULL)
      return v2c_set_error (&w->err, errno, "can't allocate a sparse map");
    memcpy (w->sparse, e->sparse, e->nsparse * 2 * sizeof *w->sparse);
    w->nsparse = e->nsparse;
  }
  *data = sum;
  return 0;
}

int
v2c_layer_writer_add (struct v2c_layer_writer *w,
                      const struct v2c_layer_entry *e)
{
  struct archive_entry *ae;
  const struct v2c_xattr *sorted[V2C_LAYER_MAX_XATTRS];
  uint64_t data = 0;
  char *path;
  int r;

  if (check_usable (w) == -1 || start (w) == -1 || check_data_done (w) == -1)
    return -1;
  if (e->path == NULL || !valid_path (e->path))
    return v2c_set_error (&w->err, 0,
                          "bad layer path '%s': it must be relative, without "
                          "'.', '..', empty components or a final '/'",
                          e->path ? e->path : "(null)");
  if (w->last_path && v2c_path_cmp (w->last_path, e->path) >= 0)
    return v2c_set_error (&w->err, 0,
                          "layer entries out of order: '%s' after '%s'",
                          e->path, w->last_path);
  if (e->mtime_nsec >= 1000000000u)
    return v2c_set_error (&w->err, 0, "'%s': mtime_nsec %u out of range",
                          e->path, e->mtime_nsec);
  if (e->mode & ~07777u)
    return v2c_set_error (&w->err, 0, "'%s': mode %o has more than 07777",
                          e->path, e->mode);
  if (e->nxattrs > V2C_LAYER_MAX_XATTRS)
    return v2c_set_error (&w->err, 0, "'%s': more than %d xattrs", e->path,
                          V2C_LAYER_MAX_XATTRS);
  for (size_t i = 0; i < e->nxattrs; i++) {
    const struct v2c_xattr *x = &e->xattrs[i];
    if (x->name == NULL || x->name[0] == '\0' || strlen (x->name) > 255
        || (x->value == NULL && x->len > 0)
        || x->len > V2C_LAYER_MAX_XATTR_BYTES)
      return v2c_set_error (&w->err, 0, "'%s': bad xattr '%s'", e->path,
                            x->name ? x->name : "(null)");
    sorted[i] = x;
  }
  qsort (sorted, e->nxattrs, sizeof *sorted, xattr_cmp);
  for (size_t i = 1; i < e->nxattrs; i++)
    if (strcmp (sorted[i - 1]->name, sorted[i]->name) == 0)
      return v2c_set_error (&w->err, 0, "'%s': xattr '%s' given twice",
                            e->path, sorted[i]->name);

  ae = w->entry;
  archive_entry_clear (ae);
  switch (e->type) {
  case V2C_FS_REG:
    if (e->size < 0)
      return v2c_set_error (&w->err, 0, "'%s': negative size", e->path);
    if (set_sparse (w, e, &data) == -1)
      return -1;
    archive_entry_set_filetype (ae, AE_IFREG);
    archive_entry_set_size (ae, e->size);
    for (size_t i = 0; i < w->nsparse; i++)
      archive_entry_sparse_add_entry (ae, (la_int64_t) w->sparse[2 * i],
                                      (la_int64_t) w->sparse[2 * i + 1]);
    /* A file that is all hole: an empty segment at its end makes the
     * map say so (no segments would mean "not sparse"). */
    if (e->sparse && e->nsparse == 0 && e->size > 0)
      archive_entry_sparse_add_entry (ae, e->size, 0);
    break;
  case V2C_FS_DIR:
    archive_entry_set_filetype (ae, AE_IFDIR);
    break;
  case V2C_FS_LNK:
    if (e->link_target == NULL || e->link_target[0] == '\0'
        || strlen (e->link_target) > V2C_LAYER_MAX_PATH)
      return v2c_set_error (&w->err, 0, "'%s': bad symlink target", e->path);
    archive_entry_set_filetype (ae, AE_IFLNK);
    archive_entry_set_symlink (ae, e->link_target);
    break;
  case V2C_LAYER_HARDLINK:
    if (e->link_target == NULL || !valid_path (e->link_target)
        || v2c_path_cmp (e->link_target, e->path) >= 0)
      return v2c_set_error (&w->err, 0,
                            "'%s': a hard link must name an earlier entry, "
                            "not '%s'",
                            e->path, e->link_target ? e->link_target : "");
    archive_entry_set_filetype (ae, AE_IFREG);
    archive_entry_set_hardlink (ae, e->link_target);
    archive_entry_set_size (ae, 0);
    break;
  default:
    return v2c_set_error (&w->err, 0,
                          "'%s': only regular files, directories and links "
                          "go in a layer (type %d)",
                          e->path, e->type);
  }
  archive_entry_set_pathname (ae, e->path);
  archive_entry_set_perm (ae, e->mode);
  archive_entry_set_uid (ae, e->uid);
  archive_entry_set_gid (ae, e->gid);
  if (e->uname)
    archive_entry_set_uname (ae, e->uname);
  if (e->gname)
    archive_entry_set_gname (ae, e->gname);
  archive_entry_set_mtime (ae, e->mtime, e->mtime_nsec);
  for (size_t i = 0; i < e->nxattrs; i++)
    archive_entry_xattr_add_entry (ae, sorted[i]->name, sorted[i]->value,
                                   sorted[i]->len);

  path = strdup (e->path);
  if (path == NULL)
    return v2c_set_error (&w->err, errno, "can't allocate");
  {
    locale_t old = (locale_t) 0;
    if (w->utf8 != (locale_t) 0)
      old = uselocale (w->utf8);
    r = archive_write_header (w->a, ae);
    if (old != (locale_t) 0)
      uselocale (old);
  }
  if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
    free (path);
    if (w->state == W_FAILED)
      return -1;
    return v2c_layer_fail (w, archive_errno (w->a),
                           "can't write '%s' to the layer: %s", e->path,
                           archive_error_string (w->a));
  }
  free (w->last_path);
  w->last_path = path;
  w->cur_path = path;
  w->data_left = data;
  /* The pax writer puts the sparse map before the data on the first
   * write: make that happen even when no data follows. */
  if (e->type == V2C_FS_REG && e->sparse
      && archive_write_data (w->a, zeros, 0) < 0)
    return v2c_layer_fail (w, archive_errno (w->a), "can't write '%s': %s",
                           e->path, archive_error_string (w->a));
  return 0;
}

static int
tar_data (struct v2c_layer_writer *w, const void *buf, size_t len)
{
  const unsigned char *p = buf;

  while (len > 0) {
    la_ssize_t r = archive_write_data (w->a, p, len);
    if (r <= 0) {
      if (w->state == W_FAILED)
        return -1;
      return v2c_layer_fail (w, archive_errno (w->a), "can't write '%s': %s",
                             w->cur_path, archive_error_string (w->a));
    }
    p += r;
    len -= (size_t) r;
  }
  return 0;
}

/* The pax writer takes the logical content and drops what falls in
 * holes: give it zeros there, from a shared read-only buffer. */
static int
tar_hole (struct v2c_layer_writer *w, uint64_t n)
{
  while (n > 0) {
    size_t k = n < ZERO_CHUNK ? (size_t) n : ZERO_CHUNK;
    if (tar_data (w, zeros, k) == -1)
      return -1;
    n -= k;
  }
  return 0;
}

int
v2c_layer_writer_write_data (struct v2c_layer_writer *w, const void *buf,
                             size_t len)
{
  const unsigned char *p = buf;

  if (check_usable (w) == -1)
    return -1;
  if (w->state != W_STARTED || (uint64_t) len > w->data_left)
    return v2c_layer_fail (w, 0, "'%s': more data than the entry's size",
                           w->cur_path ? w->cur_path : "(no entry)");
  w->data_left -= len;
  if (w->sparse == NULL)
    return tar_data (w, buf, len);
  while (len > 0) {
    uint64_t off = w->sparse[2 * w->sparse_i];
    uint64_t seg = w->sparse[2 * w->sparse_i + 1];
    size_t n;
    if (w->seg_done == 0 && w->logical < off) {
      if (tar_hole (w, off - w->logical) == -1)
        return -1;
      w->logical = off;
    }
    n = seg - w->seg_done < len ? (size_t) (seg - w->seg_done) : len;
    if (tar_data (w, p, n) == -1)
      return -1;
    p += n;
    len -= n;
    w->logical += n;
    w->seg_done += n;
    if (w->seg_done == seg) {
      w->sparse_i++;
      w->seg_done = 0;
    }
  }
  return 0;
}

static void
hex_digest (EVP_MD_CTX *md, char *out)
{
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;

  EVP_DigestFinal_ex (md, d, &n);
  strcpy (out, "sha256:");
  for (unsigned int i = 0; i < n; i++)
    sprintf (out + 7 + 2 * i, "%02x", d[i]);
}

int
v2c_layer_writer_close (struct v2c_layer_writer *w)
{
  if (check_usable (w) == -1 || start (w) == -1 || check_data_done (w) == -1)
    return -1;
  if (archive_write_close (w->a) != ARCHIVE_OK) {
    if (w->state == W_FAILED)
      return -1;
    return v2c_layer_fail (w, archive_errno (w->a),
                           "can't end the tar stream: %s",
                           archive_error_string (w->a));
  }
  if (v2c_layer_blob_finish (w) == -1)
    return -1;
  v2c_layer_blob_stop (w);
  hex_digest (w->tar_md, w->diff_id);
  hex_digest (w->blob_md, w->digest);
  w->state = W_CLOSED;
  return 0;
}

const char *
v2c_layer_writer_diff_id (struct v2c_layer_writer *w)
{
  return w->state == W_CLOSED ? w->diff_id : NULL;
}

const char *
v2c_layer_writer_digest (struct v2c_layer_writer *w)
{
  return w->state == W_CLOSED ? w->digest : NULL;
}

int64_t
v2c_layer_writer_blob_size (struct v2c_layer_writer *w)
{
  return w->state == W_CLOSED ? w->blob_size : -1;
}

int64_t
v2c_layer_writer_tar_size (struct v2c_layer_writer *w)
{
  return w->state == W_CLOSED ? w->tar_size : -1;
}

const char *
v2c_layer_writer_media_type (struct v2c_layer_writer *w)
{
  switch (w->comp) {
  case V2C_COMPRESS_GZIP:
    return "application/vnd.oci.image.layer.v1.tar+gzip";
  case V2C_COMPRESS_ZSTD:
    return "application/vnd.oci.image.layer.v1.tar+zstd";
  default:
    return "application/vnd.oci.image.layer.v1.tar";
  }
}

/* v2c_layer_writer_error, v2c_layer_writer_errno */
V2C_DEFINE_ERROR_ACCESSORS (layer_writer)

void
v2c_layer_writer_free (struct v2c_layer_writer *w)
{
  if (w == NULL)
    return;
  w->discard = 1;
  v2c_layer_blob_stop (w);
  if (w->a)
    archive_write_free (w->a);
  if (w->entry)
    archive_entry_free (w->entry);
  EVP_MD_CTX_free (w->tar_md);
  EVP_MD_CTX_free (w->blob_md);
#ifdef HAVE_ZSTD
  ZSTD_freeCCtx (w->zc);
  free (w->zout);
#endif
  if (w->utf8 != (locale_t) 0)
    freelocale (w->utf8);
  free (w->sparse);
  free (w->last_path);
  free (w);
}
