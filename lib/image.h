/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal interfaces of image building (lib/layer.c, lib/oci.c) and
 * reading (lib/oci-read.c).  Not installed.
 *
 * A layer is a pax tar stream (libarchive, restricted pax), compressed
 * and hashed in one pass while it is written: tar bytes go to SHA-256
 * (the diff_id) and to the compressor, whose output goes to SHA-256 (the
 * blob digest) and to a file descriptor.  Nothing is buffered beyond a
 * few compression blocks, so memory stays bounded whatever the layer
 * size.  The output depends only on the entries given: entries must come
 * sorted, and nothing from the conversion run (time, PID, host) is
 * written.  The gzip output is also the same whatever the number of
 * compression threads.
 */
#ifndef V2C_IMAGE_H
#define V2C_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "inspect.h"

/* ------------------------------------------------------------------ */
/* Layer writer (lib/layer.c)                                          */

enum v2c_compression {
  V2C_COMPRESS_GZIP, V2C_COMPRESS_ZSTD, V2C_COMPRESS_NONE
};

/* Entry type of a hard link, besides V2C_FS_REG, V2C_FS_DIR and
 * V2C_FS_LNK of enum v2c_fs_type. */
#define V2C_LAYER_HARDLINK 100

/* Bounds on one entry (the caller's data comes from a guest). */
#define V2C_LAYER_MAX_PATH 4096
#define V2C_LAYER_MAX_XATTRS 128
#define V2C_LAYER_MAX_XATTR_BYTES (64u << 10)   /* per value, as Linux */
#define V2C_LAYER_MAX_SPARSE 65536              /* (offset, length) pairs */

struct v2c_xattr {
  const char *name;        /* "security.capability", "user.x" */
  const void *value;
  size_t len;
};

struct v2c_layer_entry {
  /* Relative, without a leading "/" or "./" and without a trailing
   * slash (also for a directory): "etc/passwd".  No empty, "." or ".."
   * component. */
  const char *path;
  int type;                /* V2C_FS_REG, V2C_FS_DIR, V2C_FS_LNK or
                              V2C_LAYER_HARDLINK */
  uint32_t mode;           /* permission bits incl. setuid/setgid/sticky */
  uint32_t uid, gid;
  const char *uname, *gname; /* may be NULL */
  int64_t size;            /* regular file: logical size; else ignored */
  int64_t mtime;           /* seconds since the epoch */
  uint32_t mtime_nsec;     /* kept where the entry has a pax header anyway
                              (restricted pax); else whole seconds */
  /* Symlink: its target as written.  Hard link: the path of an earlier
   * entry of this layer (same rules as path). */
  const char *link_target;
  const struct v2c_xattr *xattrs;
  size_t nxattrs;
  /* Optional: the data of a sparse regular file, nsparse (offset,
   * length) pairs in sparse[2 * i], sparse[2 * i + 1], increasing and
   * not overlapping, within size.  Only these bytes are passed to
   * write_data; the tar records the map (GNU sparse 1.0 in pax, which Go's
   * archive/tar, umoci, containerd, GNU tar and libarchive read). */
  const uint64_t *sparse;
  size_t nsparse;
};

struct v2c_layer_writer;

/* v2c_layer_writer_error (w) and v2c_layer_writer_errno (w) give the
 * reason of the last failure. */
struct v2c_layer_writer *v2c_layer_writer_new (void);
/* Before the first entry.  level: -1 for the default (gzip 6, zstd 3);
 * gzip 1..9 (0 is refused: use V2C_COMPRESS_NONE), zstd 1..19. */
int v2c_layer_writer_set_compression (struct v2c_layer_writer *w,
                                      enum v2c_compression c, int level);
/* Compression threads, before the first entry; 0 for the default (online
 * CPUs, at most 8).  The output does not depend on it. */
int v2c_layer_writer_set_threads (struct v2c_layer_writer *w, int n);
/* The blob goes to fd, which is not closed.  The stream starts with the
 * first entry (or close), so compression may still be set after this. */
int v2c_layer_writer_open_fd (struct v2c_layer_writer *w, int fd);
/* Write the header of an entry.  Paths must be strictly increasing,
 * compared component by component ('/' sorts before every other byte:
 * "a/b" < "a-b" < "a.b"); a regular file must then get exactly its size
 * (or the sum of its sparse lengths) in write_data calls.  Device nodes,
 * sockets and FIFOs are refused: the caller skips them. */
int v2c_layer_writer_add (struct v2c_layer_writer *w,
                          const struct v2c_layer_entry *e);
int v2c_layer_writer_write_data (struct v2c_layer_writer *w, const void *buf,
                                 size_t len);
/* End the tar, flush the compressor, finish the digests.  Does not close
 * the fd. */
int v2c_layer_writer_close (struct v2c_layer_writer *w);
/* After close: "sha256:<64 hex>" of the uncompressed tar (diff_id) and of
 * the blob (digest), their sizes, and the OCI media type. */
const char *v2c_layer_writer_diff_id (struct v2c_layer_writer *w);
const char *v2c_layer_writer_digest (struct v2c_layer_writer *w);
int64_t v2c_layer_writer_blob_size (struct v2c_layer_writer *w);
int64_t v2c_layer_writer_tar_size (struct v2c_layer_writer *w);
const char *v2c_layer_writer_media_type (struct v2c_layer_writer *w);
/* The last failure: its text ("" when none; borrowed) and its errno. */
const char *v2c_layer_writer_error (const struct v2c_layer_writer *w);
int v2c_layer_writer_errno (const struct v2c_layer_writer *w);
/* Accepts NULL.  Does not close the fd. */
void v2c_layer_writer_free (struct v2c_layer_writer *w);

/* The order entries must come in: v2c_path_cmp (lib/v2c-internal.h). */

/* ------------------------------------------------------------------ */
/* OCI image layout (lib/oci.c), image-spec 1.1                        */

struct v2c_oci;

struct v2c_oci *v2c_oci_new (void);
/* Build the image in a new directory beside dir ("DIR.tmp-XXXXXX"),
 * moved to dir by v2c_oci_close.  dir must not exist, unless force: then
 * an existing dir that is empty or holds an image layout (an oci-layout
 * file) is replaced at close; anything else is refused. */
int v2c_oci_open (struct v2c_oci *o, const char *dir, int force);
/* A layer writer whose blob goes to a temporary file in blobs/sha256/.
 * The image owns it: give it back with v2c_oci_layer_commit (or let
 * v2c_oci_free discard it); never free it yourself.  Compression and
 * threads may be set on it before the first entry. */
struct v2c_layer_writer *v2c_oci_layer_begin (struct v2c_oci *o);
/* Close w, rename its blob to its digest and append the layer (and a
 * history entry with created_by and comment, either may be NULL) to the
 * image.  w is freed whether this succeeds or not. */
int v2c_oci_layer_commit (struct v2c_oci *o, struct v2c_layer_writer *w,
                          const char *created_by, const char *comment);
/* The same for a layer of the data image only (not of the image): the
 * data image is the image's layer base (counted among the image's own
 * layers) and these, under its own manifest and ref name in the same
 * layout, so a registry stores the shared layer once.  Without
 * v2c_oci_set_data_image, or without such layers, there is none. */
int v2c_oci_layer_commit_data (struct v2c_oci *o, struct v2c_layer_writer *w,
                               const char *created_by, const char *comment);
int v2c_oci_set_data_image (struct v2c_oci *o, const char *ref, size_t base);
/* The same for the one layer of an image of its own, ref, in the same
 * layout: files only (the config has no command), as an image volume
 * mounts them (an AI server's models).  w is freed either way. */
int v2c_oci_layer_commit_model (struct v2c_oci *o, struct v2c_layer_writer *w,
                                const char *created_by, const char *comment,
                                const char *ref);
/* Drop a layer begun with v2c_oci_layer_begin and not committed (an
 * empty one, say): its writer is freed and its temporary blob removed. */
void v2c_oci_layer_discard (struct v2c_oci *o, struct v2c_layer_writer *w);
/* The image config's "config" object (copied): User, ExposedPorts, Env,
 * Entrypoint, Cmd, Volumes, WorkingDir, Labels, StopSignal; other keys
 * or wrong types are refused. */
int v2c_oci_set_config (struct v2c_oci *o, const json_t *cfg);
/* Required before close.  variant may be NULL. */
int v2c_oci_set_platform (struct v2c_oci *o, const char *architecture,
                          const char *os, const char *variant);
/* A manifest annotation (copied; a key set twice keeps the last value). */
int v2c_oci_add_annotation (struct v2c_oci *o, const char *key,
                            const char *value);
/* Write the config blob, the manifest blob, oci-layout and last
 * index.json (with org.opencontainers.image.ref.name = ref_name), fsync,
 * and move the directory into place.  created: seconds since the epoch
 * taken from the source (e.g. the newest guest mtime), or -1 to omit it;
 * never the time of the conversion. */
int v2c_oci_close (struct v2c_oci *o, const char *ref_name, int64_t created);
/* After close: "sha256:<hex>" of the manifest. */
const char *v2c_oci_manifest_digest (struct v2c_oci *o);
/* After close: "sha256:<hex>" of the data image's manifest, or NULL. */
const char *v2c_oci_data_manifest_digest (struct v2c_oci *o);
/* After close: "sha256:<hex>" of the manifest of the model image ref,
 * or NULL. */
const char *v2c_oci_model_manifest_digest (struct v2c_oci *o,
                                           const char *ref);
/* Layers committed so far, in order (those of the data image last). */
size_t v2c_oci_layer_count (struct v2c_oci *o);
const char *v2c_oci_layer_digest (struct v2c_oci *o, size_t i);
const char *v2c_oci_layer_diff_id (struct v2c_oci *o, size_t i);
int64_t v2c_oci_layer_size (struct v2c_oci *o, size_t i);
/* The last failure: its text ("" when none; borrowed) and its errno. */
const char *v2c_oci_error (const struct v2c_oci *o);
int v2c_oci_errno (const struct v2c_oci *o);
/* Accepts NULL.  An image not closed is removed with its temporary
 * directory, so an interrupted run leaves nothing that looks like an
 * image. */
void v2c_oci_free (struct v2c_oci *o);

/* ------------------------------------------------------------------ */
/* Reading an OCI image layout (lib/oci-read.c)                        */

/* Is d "sha256:" and 64 lower-case hex digits? */
int v2c_oci_digest_valid (const char *d);
/* DIR/blobs/sha256/<hex> of a valid digest into buf; 0, or -1 with err
 * set when it does not fit. */
int v2c_oci_blob_path (char *buf, size_t size, const char *dir,
                       const char *digest, struct v2c_err *err);
/* The manifest of the first image listed in DIR/index.json, after
 * checking its blob's SHA-256; its digest ("sha256:<64 hex>", at most
 * 72 bytes) into digest, and index.json into *indexp when indexp is
 * not NULL (both new references).  NULL with err set. */
json_t *v2c_oci_read_manifest (const char *dir, char *digest, size_t size,
                               json_t **indexp, struct v2c_err *err);
/* The JSON blob (a config, a manifest) of digest in the layout DIR.
 * New reference; NULL with err set. */
json_t *v2c_oci_read_json_blob (const char *dir, const char *digest,
                                struct v2c_err *err);

#endif /* V2C_IMAGE_H */
