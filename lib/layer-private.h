/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The layer writer's handle, shared by lib/layer.c (the tar stream and
 * its entries) and lib/layer-blob.c (the compressed blob: gzip blocks on
 * worker threads, zstd, the digest and the output fd).  Not installed.
 */
#ifndef V2C_LAYER_PRIVATE_H
#define V2C_LAYER_PRIVATE_H

#include <locale.h>
#include <pthread.h>
#include <stdint.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <zlib.h>
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

#include "image.h"


#define GZ_BLOCK (1u << 20)
#define GZ_DICT 32768u
#define GZ_MAX_THREADS 8
#define ZERO_CHUNK 65536u

enum writer_state { W_NEW, W_OPEN, W_STARTED, W_CLOSED, W_FAILED };
enum job_state { J_FREE, J_READY, J_DONE };

struct gz_job {
  unsigned char *buf; /* GZ_DICT bytes of dictionary, then the block */
  size_t dictlen, len;
  unsigned char *out;
  size_t outlen, outcap;
  uLong crc;
  int last;
  int failed;
  enum job_state state;
};

struct v2c_layer_writer {
  struct v2c_err err; /* v2c_layer_writer_error(); first only for the
                         deprecated v2c_error_string() */
  enum writer_state state;
  enum v2c_compression comp;
  int level;
  int threads;
  int fd;
  int discard; /* being freed: drop what libarchive still writes */
  locale_t utf8;

  struct archive *a;
  struct archive_entry *entry;
  EVP_MD_CTX *tar_md, *blob_md;
  int64_t tar_size, blob_size;
  char diff_id[80], digest[80];

  /* Ordering and the data still owed for the current entry. */
  char *last_path;
  char *cur_path;
  uint64_t data_left;
  uint64_t *sparse; /* current entry's map, pairs */
  size_t nsparse, sparse_i;
  uint64_t seg_done; /* bytes given of segment sparse_i */
  uint64_t logical;  /* logical bytes passed to libarchive */

  /* gzip */
  struct gz_job *jobs;
  size_t njobs;
  struct gz_job *cur;
  uint64_t submitted, compressed, written;
  unsigned char dict[GZ_DICT];
  size_t dictlen;
  uLong crc;
  uint64_t isize;
  z_stream z; /* for the calling thread */
  int z_init;
  pthread_t *workers;
  int nworkers;
  int mutex_init;
  pthread_mutex_t mu;
  pthread_cond_t work_cv, done_cv;
  int stop;

#ifdef HAVE_ZSTD
  ZSTD_CCtx *zc;
  unsigned char *zout;
  size_t zoutcap;
#endif
};

/* lib/layer-blob.c */
/* Record the error on the writer (a started stream becomes unusable);
 * returns -1. */
int v2c_layer_fail (struct v2c_layer_writer *w, int errnum,
                    const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
/* Start the writer's compressor (none, gzip or zstd). */
int v2c_layer_blob_start (struct v2c_layer_writer *w);
/* Compress len bytes of the tar stream and write what comes out. */
int v2c_layer_blob_feed (struct v2c_layer_writer *w, const void *buf,
                         size_t len);
/* The end of the tar stream: flush the compressor and its trailer. */
int v2c_layer_blob_finish (struct v2c_layer_writer *w);
/* Stop the gzip worker threads (also after a failure). */
void v2c_layer_blob_stop (struct v2c_layer_writer *w);

#endif /* V2C_LAYER_PRIVATE_H */
