/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The layer writer's output side: the tar stream that lib/layer.c makes,
 * compressed and written to the blob's fd with its SHA-256 (digest).
 *
 * gzip is compressed in fixed blocks of GZ_BLOCK bytes, as pigz does:
 * each block is a raw deflate stream primed with the previous 32 KiB of
 * input and ended with Z_SYNC_FLUSH (the last with Z_FINISH), so the
 * blocks concatenate into one deflate stream inside one gzip member.
 * Blocks are compressed on worker threads and written in order; a
 * single thread compresses the same blocks itself, so the output does not
 * depend on the number of threads.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layer-private.h"


int
v2c_layer_fail (struct v2c_layer_writer *w, int errnum, const char *fmt, ...)
{
  va_list ap;
  char msg[sizeof w->err.msg];

  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  v2c_set_error (&w->err, errnum, "%s", msg);
  if (w->state == W_STARTED)
    w->state = W_FAILED;
  return -1;
}

/* ------------------------------------------------------------------ */
/* Blob output                                                         */

static int
blob_write (struct v2c_layer_writer *w, const void *buf, size_t len)
{
  const unsigned char *p = buf;

  if (EVP_DigestUpdate (w->blob_md, buf, len) != 1)
    return v2c_layer_fail (w, 0, "can't compute the layer digest");
  w->blob_size += (int64_t) len;
  while (len > 0) {
    ssize_t r = write (w->fd, p, len);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      return v2c_layer_fail (w, errno, "can't write the layer blob");
    }
    p += r;
    len -= (size_t) r;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* gzip in blocks                                                      */

static int
gz_compress (z_stream *z, struct gz_job *job)
{
  int flush = job->last ? Z_FINISH : Z_SYNC_FLUSH;
  int r;

  if (deflateReset (z) != Z_OK)
    return -1;
  if (job->dictlen > 0
      && deflateSetDictionary (z, job->buf, (uInt) job->dictlen) != Z_OK)
    return -1;
  z->next_in = job->buf + job->dictlen;
  z->avail_in = (uInt) job->len;
  job->outlen = 0;
  for (;;) {
    if (job->outlen == job->outcap) {
      size_t ncap = job->outcap + (job->outcap / 2) + 4096;
      unsigned char *n = realloc (job->out, ncap);
      if (n == NULL)
        return -1;
      job->out = n;
      job->outcap = ncap;
    }
    z->next_out = job->out + job->outlen;
    z->avail_out = (uInt) (job->outcap - job->outlen);
    r = deflate (z, flush);
    job->outlen = job->outcap - z->avail_out;
    if (r == Z_STREAM_END)
      break;
    if (r != Z_OK && r != Z_BUF_ERROR)
      return -1;
    if (!job->last && z->avail_in == 0 && z->avail_out > 0)
      break;
  }
  job->crc = crc32 (0L, job->buf + job->dictlen, (uInt) job->len);
  return 0;
}

static void *
gz_worker (void *opaque)
{
  struct v2c_layer_writer *w = opaque;
  z_stream z;
  int z_ok;

  memset (&z, 0, sizeof z);
  z_ok = deflateInit2 (&z, w->level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY)
         == Z_OK;
  pthread_mutex_lock (&w->mu);
  for (;;) {
    struct gz_job *job;
    while (!w->stop && w->compressed == w->submitted)
      pthread_cond_wait (&w->work_cv, &w->mu);
    if (w->compressed == w->submitted)
      break;
    job = &w->jobs[w->compressed % w->njobs];
    w->compressed++;
    pthread_mutex_unlock (&w->mu);
    job->failed = !z_ok || gz_compress (&z, job) == -1;
    pthread_mutex_lock (&w->mu);
    job->state = J_DONE;
    pthread_cond_broadcast (&w->done_cv);
  }
  pthread_mutex_unlock (&w->mu);
  if (z_ok)
    deflateEnd (&z);
  return NULL;
}

/* Write the oldest job out; with wait, block until it is done. */
static int
gz_write_oldest (struct v2c_layer_writer *w, int wait, int *wrote)
{
  struct gz_job *job = &w->jobs[w->written % w->njobs];

  *wrote = 0;
  if (w->written == w->submitted)
    return 0;
  if (w->nworkers > 0) {
    int done;
    pthread_mutex_lock (&w->mu);
    while (wait && job->state != J_DONE)
      pthread_cond_wait (&w->done_cv, &w->mu);
    done = job->state == J_DONE;
    pthread_mutex_unlock (&w->mu);
    if (!done)
      return 0;
  }
  if (job->failed)
    return v2c_layer_fail (w, ENOMEM, "can't compress the layer");
  if (blob_write (w, job->out, job->outlen) == -1)
    return -1;
  w->crc = crc32_combine (w->crc, job->crc, (z_off_t) job->len);
  w->isize += job->len;
  job->state = J_FREE;
  w->written++;
  *wrote = 1;
  return 0;
}

/* Hand the current block over; the next one starts primed with its last
 * 32 KiB. */
static int
gz_submit (struct v2c_layer_writer *w, int last)
{
  struct gz_job *job = w->cur;
  size_t keep;
  int wrote;

  job->last = last;
  keep = job->len < GZ_DICT ? job->len : GZ_DICT;
  /* Only a full block has a successor, so keep is GZ_DICT then. */
  memcpy (w->dict, job->buf + job->dictlen + job->len - keep, keep);
  w->dictlen = keep;
  w->cur = NULL;
  if (w->nworkers == 0) {
    job->failed = gz_compress (&w->z, job) == -1;
    job->state = J_DONE;
    w->submitted++;
  } else {
    pthread_mutex_lock (&w->mu);
    job->state = J_READY;
    w->submitted++;
    pthread_cond_signal (&w->work_cv);
    pthread_mutex_unlock (&w->mu);
  }
  do {
    if (gz_write_oldest (w, 0, &wrote) == -1)
      return -1;
  } while (wrote);
  return 0;
}

static int
gz_next_job (struct v2c_layer_writer *w)
{
  struct gz_job *job;
  int wrote;

  while (w->submitted - w->written >= w->njobs)
    if (gz_write_oldest (w, 1, &wrote) == -1)
      return -1;
  job = &w->jobs[w->submitted % w->njobs];
  memcpy (job->buf, w->dict, w->dictlen);
  job->dictlen = w->dictlen;
  job->len = 0;
  w->cur = job;
  return 0;
}

static int
gz_feed (struct v2c_layer_writer *w, const unsigned char *p, size_t len)
{
  while (len > 0) {
    size_t n;
    if (w->cur == NULL && gz_next_job (w) == -1)
      return -1;
    n = GZ_BLOCK - w->cur->len;
    if (n > len)
      n = len;
    memcpy (w->cur->buf + w->cur->dictlen + w->cur->len, p, n);
    w->cur->len += n;
    p += n;
    len -= n;
    if (w->cur->len == GZ_BLOCK && gz_submit (w, 0) == -1)
      return -1;
  }
  return 0;
}

static int
gz_start (struct v2c_layer_writer *w)
{
  /* No name, no mtime, no OS: nothing from the machine or the run. */
  unsigned char hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255 };
  int threads = w->threads;
  size_t i;

  if (threads == 0) {
    long n = sysconf (_SC_NPROCESSORS_ONLN);
    threads = n < 1 ? 1 : n > GZ_MAX_THREADS ? GZ_MAX_THREADS : (int) n;
  }
  hdr[8] = w->level == 9 ? 2 : w->level == 1 ? 4 : 0;
  w->njobs = threads > 1 ? (size_t) threads + 2 : 1;
  w->jobs = calloc (w->njobs, sizeof *w->jobs);
  if (w->jobs == NULL)
    return v2c_layer_fail (w, errno, "can't allocate compression buffers");
  for (i = 0; i < w->njobs; i++) {
    w->jobs[i].buf = malloc (GZ_DICT + GZ_BLOCK);
    w->jobs[i].outcap = compressBound (GZ_BLOCK) + 4096;
    w->jobs[i].out = malloc (w->jobs[i].outcap);
    if (w->jobs[i].buf == NULL || w->jobs[i].out == NULL)
      return v2c_layer_fail (w, errno, "can't allocate compression buffers");
  }
  w->crc = crc32 (0L, Z_NULL, 0);
  if (threads == 1) {
    if (deflateInit2 (&w->z, w->level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY)
        != Z_OK)
      return v2c_layer_fail (w, ENOMEM, "can't start gzip compression");
    w->z_init = 1;
  } else {
    w->workers = calloc ((size_t) threads, sizeof *w->workers);
    if (w->workers == NULL)
      return v2c_layer_fail (w, errno, "can't allocate compression threads");
    if (pthread_mutex_init (&w->mu, NULL) != 0
        || pthread_cond_init (&w->work_cv, NULL) != 0
        || pthread_cond_init (&w->done_cv, NULL) != 0)
      return v2c_layer_fail (w, 0, "can't start compression threads");
    w->mutex_init = 1;
    for (; w->nworkers < threads; w->nworkers++) {
      int r = pthread_create (&w->workers[w->nworkers], NULL, gz_worker, w);
      if (r != 0)
        return v2c_layer_fail (w, r, "can't start compression threads");
    }
  }
  return blob_write (w, hdr, sizeof hdr);
}

static int
gz_finish (struct v2c_layer_writer *w)
{
  unsigned char trailer[8];
  int wrote;

  if (w->cur == NULL && gz_next_job (w) == -1)
    return -1;
  if (gz_submit (w, 1) == -1)
    return -1;
  while (w->written < w->submitted)
    if (gz_write_oldest (w, 1, &wrote) == -1)
      return -1;
  for (int i = 0; i < 4; i++) {
    trailer[i] = (unsigned char) (w->crc >> (8 * i));
    trailer[4 + i] = (unsigned char) (w->isize >> (8 * i));
  }
  return blob_write (w, trailer, sizeof trailer);
}

static void
gz_stop (struct v2c_layer_writer *w)
{
  if (w->nworkers > 0) {
    pthread_mutex_lock (&w->mu);
    w->stop = 1;
    /* Nothing left to do for a writer being thrown away. */
    w->submitted = w->compressed;
    pthread_cond_broadcast (&w->work_cv);
    pthread_mutex_unlock (&w->mu);
    for (int i = 0; i < w->nworkers; i++)
      pthread_join (w->workers[i], NULL);
    w->nworkers = 0;
  }
  if (w->mutex_init) {
    pthread_mutex_destroy (&w->mu);
    pthread_cond_destroy (&w->work_cv);
    pthread_cond_destroy (&w->done_cv);
    w->mutex_init = 0;
  }
  free (w->workers);
  w->workers = NULL;
  if (w->z_init)
    deflateEnd (&w->z);
  w->z_init = 0;
  for (size_t i = 0; w->jobs && i < w->njobs; i++) {
    free (w->jobs[i].buf);
    free (w->jobs[i].out);
  }
  free (w->jobs);
  w->jobs = NULL;
  w->cur = NULL;
}

/* ------------------------------------------------------------------ */
/* zstd                                                                */

#ifdef HAVE_ZSTD
static int
zstd_start (struct v2c_layer_writer *w)
{
  int threads = w->threads;

  if (threads == 0) {
    long n = sysconf (_SC_NPROCESSORS_ONLN);
    threads = n < 1 ? 1 : n > GZ_MAX_THREADS ? GZ_MAX_THREADS : (int) n;
  }
  w->zc = ZSTD_createCCtx ();
  w->zoutcap = ZSTD_CStreamOutSize ();
  w->zout = malloc (w->zoutcap);
  if (w->zc == NULL || w->zout == NULL)
    return v2c_layer_fail (w, ENOMEM, "can't start zstd compression");
  if (ZSTD_isError (
          ZSTD_CCtx_setParameter (w->zc, ZSTD_c_compressionLevel, w->level))
      || ZSTD_isError (ZSTD_CCtx_setParameter (w->zc, ZSTD_c_checksumFlag, 1)))
    return v2c_layer_fail (w, 0, "can't set zstd parameters");
  /* Multi-threaded zstd gives the same frames for any number of workers
   * >= 1 (but not for 0), so always use at least one.  A libzstd built
   * without threads refuses: then it is single-threaded for everyone. */
  ZSTD_CCtx_setParameter (w->zc, ZSTD_c_nbWorkers, threads);
  /* A fixed job size keeps the output independent of the workers and
   * bounds their buffers (the default grows with the window). */
  ZSTD_CCtx_setParameter (w->zc, ZSTD_c_jobSize, 2 << 20);
  return 0;
}

static int
zstd_feed (struct v2c_layer_writer *w, const void *buf, size_t len,
           ZSTD_EndDirective mode)
{
  ZSTD_inBuffer in = { buf, len, 0 };

  for (;;) {
    ZSTD_outBuffer out = { w->zout, w->zoutcap, 0 };
    size_t r = ZSTD_compressStream2 (w->zc, &out, &in, mode);
    if (ZSTD_isError (r))
      return v2c_layer_fail (w, 0, "zstd compression failed: %s",
                             ZSTD_getErrorName (r));
    if (out.pos > 0 && blob_write (w, w->zout, out.pos) == -1)
      return -1;
    if (mode == ZSTD_e_end ? r == 0 : in.pos == in.size)
      return 0;
  }
}
#endif

int
v2c_layer_blob_start (struct v2c_layer_writer *w)
{
  switch (w->comp) {
  case V2C_COMPRESS_GZIP:
    return gz_start (w);
#ifdef HAVE_ZSTD
  case V2C_COMPRESS_ZSTD:
    return zstd_start (w);
#endif
  default:
    return 0;
  }
}

int
v2c_layer_blob_feed (struct v2c_layer_writer *w, const void *buf, size_t len)
{
  switch (w->comp) {
  case V2C_COMPRESS_GZIP:
    return gz_feed (w, buf, len);
#ifdef HAVE_ZSTD
  case V2C_COMPRESS_ZSTD:
    return zstd_feed (w, buf, len, ZSTD_e_continue);
#endif
  default:
    return blob_write (w, buf, len);
  }
}

int
v2c_layer_blob_finish (struct v2c_layer_writer *w)
{
  switch (w->comp) {
  case V2C_COMPRESS_GZIP:
    return gz_finish (w);
#ifdef HAVE_ZSTD
  case V2C_COMPRESS_ZSTD:
    return zstd_feed (w, NULL, 0, ZSTD_e_end);
#endif
  default:
    return 0;
  }
}

void
v2c_layer_blob_stop (struct v2c_layer_writer *w)
{
  gz_stop (w);
}
