/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The extraction handle, shared by lib/extract.c (the driver: options,
 * the plan, which entries to keep, the run) and lib/extract-emit.c
 * (writing entries into the layers).  Not installed.
 */
#ifndef V2C_EXTRACT_PRIVATE_H
#define V2C_EXTRACT_PRIVATE_H

#include <signal.h>
#include <stdint.h>

#include "extract.h"
#include "extract-walk.h"
#include "inspect-private.h"
#include "layer-policy.h"
#include "v2c-internal.h"

#define CHUNK (2u << 20)       /* bytes per pread reply (protocol max 4 MiB) */
#define MAX_DEPTH 256
#define MAX_PATTERNS 4096

enum { W_ALL, W_CONTENTS, W_FILES };     /* what an exclude drops */
enum { S_KEEP, S_CONTENTS, S_FILES };    /* state a directory passes on */

struct pattern {
  char *glob;
  int what;
};

/* The writer of a layer of the policy, and what went into it. */
struct xlayer {
  struct v2c_layer_writer *w;
  uint64_t entries, data_bytes;
};

struct frame {
  const char *path;          /* absolute, "/usr/lib" */
  struct v2c_layer_entry e;
  unsigned emitted;          /* bit i: written to layer i */
};

struct hardlink {
  int64_t dev, ino;
  char *path;                /* absolute */
  int layer;
};

/* A pvc volume whose content is copied (lib/extract-data.c). */
struct dvol {
  const char *path, *name;   /* borrowed from the plan */
  int64_t used;              /* the plan's estimate, -1 unknown */
  struct v2c_layer_writer *seed, *arch;
  /* an image volume's (--models oci): the layer of its own image, in
   * place of the archive and the seed layer */
  struct v2c_layer_writer *model;
  int image;
  int fd;                    /* of the archive, -1 when none */
  char *archive;             /* "data/NAME.tar.zst" */
  char sha256[65];
  int64_t size, bytes;       /* archive size, file data copied */
  uint32_t uid, gid, mode;   /* the volume root's */
  int done;
};

struct v2c_extract {
  struct v2c_err err;
  struct v2c_msg_sink msg;
  v2c_progress_cb prog_cb;
  void *prog_opaque;
  enum v2c_compression comp;
  int level, threads;
  struct pattern *cli_inc, *cli_exc;
  size_t ncli_inc, ncli_exc;
  volatile sig_atomic_t *cancel;

  /* one run */
  struct v2c_fs *fs;         /* the tree read (borrowed) */
  struct pattern *exc;       /* plan excludes then command-line ones */
  size_t nexc;
  const char **volumes, **secrets, **allowed;
  size_t nvolumes, nsecrets, nallowed;
  /* the plan's image.left_out_packages (borrowed), and the packages
   * the image's dpkg status left out (for the summary) */
  const struct v2c_strvec *left_out;
  struct v2c_strvec dropped_pkgs;
  struct v2c_layer_policy policy;
  struct xlayer layers[V2C_POLICY_MAX_LAYERS];
  struct v2c_pkgs pkgs;
  struct v2c_users users;
  struct frame stack[MAX_DEPTH];
  size_t depth;
  struct hardlink *hl;
  size_t hl_cap, hl_n;
  uint64_t done, total;
  int64_t newest;
  uint64_t skipped_secrets, skipped_excluded, skipped_devices,
    skipped_unlayered;
  uint64_t n_pread, n_checksum, checksum_bytes;
  struct v2c_walk walk;
  struct v2c_oci *oci;
  /* data volumes (v2c_extract_set_data) */
  int data_mode;
  char *data_dir;
  uint64_t data_max;
  struct dvol *dv;
  size_t ndv, ndata_layers;
  int have_sh, have_usr_sh, have_busybox;
  char *data_manifest;
  char *manifest;
  char *ref; /* the image's ref name, after a run */
};

/* lib/extract-emit.c */
/* -1 ("interrupted") once the cancel flag is set. */
int v2c_extract_cancelled (struct v2c_extract *x);
/* The tar entry of an entry of the tree (path: absolute, borrowed). */
int v2c_extract_fill_entry (struct v2c_extract *x,
                            struct v2c_layer_entry *e, const char *path,
                            const struct v2c_fs_lstat *st,
                            const char *target, const struct v2c_xattr *xa,
                            size_t nxa);
/* The layer of an entry (see v2c_layer_policy_choose): -1 when none
 * takes it, < -1 on error. */
int v2c_extract_choose_layer (struct v2c_extract *x, const char *path,
                              const struct v2c_fs_lstat *st,
                              const char *first, size_t have, int *stock);
/* 1 when the plan's image.allow_secret names path (lib/extract.c). */
int v2c_extract_allowed_secret (struct v2c_extract *x, const char *path);
/* Add e to layer li / the directories above x->depth that layer li
 * lacks. */
int v2c_extract_layer_add (struct v2c_extract *x, int li,
                           const struct v2c_layer_entry *e);
int v2c_extract_emit_parents (struct v2c_extract *x, int li);
/* A non-directory entry, with its data. */
int v2c_extract_emit_leaf (struct v2c_extract *x, const char *path,
                           const struct v2c_fs_lstat *st,
                           const char *target, const struct v2c_xattr *xa,
                           size_t nxa);

/* lib/extract-emit.c, shared with lib/extract-data.c */
int v2c_extract_secret_at_write (struct v2c_extract *x, const char *path,
                                 const char *first, size_t have, int stock);
char *v2c_extract_read_chunk (struct v2c_extract *x, const char *path,
                              int64_t off, size_t want, size_t *got);
/* [off, end) of path, read in CHUNK replies and handed to sink in
 * order (buf/have: bytes already read at off); stops at cancel. */
int v2c_extract_read_range (struct v2c_extract *x, const char *path,
                            int64_t off, int64_t end, const char *buf,
                            size_t have,
                            int (*sink) (void *opaque, const char *buf,
                                         size_t len),
                            void *opaque);
int v2c_extract_sparse_candidate (const struct v2c_fs_lstat *st);
int v2c_extract_sparse_map (struct v2c_extract *x, const char *path,
                            int64_t size, uint64_t **map, size_t *n);
struct hardlink *v2c_extract_hl_find (struct v2c_extract *x, int64_t dev,
                                      int64_t ino, int insert);
/* lib/extract.c */
int v2c_extract_is_secret (struct v2c_extract *x, const char *path);

/* lib/extract-data.c */
/* The plan's pvc volumes to copy, after the plan is read. */
int v2c_extract_data_begin (struct v2c_extract *x,
                            const struct v2c_plan *plan);
/* The volume at path, if one is copied: 1 if path is one, 0 if not. */
int v2c_extract_data_is_volume (struct v2c_extract *x, const char *path);
/* Does a copied volume lie below dir? */
int v2c_extract_data_below (struct v2c_extract *x, const char *dir);
/* Copy the volume at path (a directory) into its archive and seed
 * layer. */
int v2c_extract_data_volume (struct v2c_extract *x, const char *path,
                             const struct v2c_fs_lstat *st);
/* Note a file of the image's first layer (the shell the seed needs). */
void v2c_extract_data_note (struct v2c_extract *x, const char *path);
/* After the image's layers: commit the seed layers, name the image. */
int v2c_extract_data_commit (struct v2c_extract *x, const char *ref);
void v2c_extract_data_reset (struct v2c_extract *x);

#endif /* V2C_EXTRACT_PRIVATE_H */
