/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The content of the plan's pvc volumes, copied in the walk of
 * v2c-extract (the same appliance launch): when the walk meets a volume
 * it walks it here, reads each file once and writes it to two streams,
 * the volume's archive (DIR/data/NAME.tar.zst, entries relative to the
 * volume root) and its seed layer (entries under v2c-data/NAME/) of the
 * data image, which is the image's first layer plus one seed layer per
 * volume.  Both are layer writers: deterministic tar, numeric owners,
 * modes, xattrs, sparse maps and hard links kept, nothing staged.
 * Secret files stay out of both, as they stay out of the image.
 * An image volume (an AI server's models with --models oci) has one
 * stream instead: the only layer of an image of its own, REF-model-NAME
 * in the same layout, entries relative to the volume root as an image
 * volume mounts them; it is written whatever --data says, since the
 * pod has no other way to get them.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "extract-private.h"

#define SEED_TOP "v2c-data"

#ifdef HAVE_ZSTD
#define ARCHIVE_COMP V2C_COMPRESS_ZSTD
#define ARCHIVE_EXT ".tar.zst"
#else
#define ARCHIVE_COMP V2C_COMPRESS_GZIP
#define ARCHIVE_EXT ".tar.gz"
#endif

int
v2c_extract_set_data (struct v2c_extract *x, int mode, const char *dir,
                      uint64_t max)
{
  char *d = NULL;

  if (mode & ~(V2C_DATA_SEED | V2C_DATA_ARCHIVE))
    return v2c_set_error (&x->err, EINVAL, "bad data mode %d", mode);
  if ((mode & V2C_DATA_ARCHIVE) && (dir == NULL || (d = strdup (dir)) == NULL))
    return v2c_set_error (&x->err, dir ? ENOMEM : EINVAL,
                          dir ? "out of memory" : "no data directory");
  free (x->data_dir);
  x->data_dir = d;
  x->data_mode = mode;
  x->data_max = max;
  return 0;
}

void
v2c_extract_data_reset (struct v2c_extract *x)
{
  size_t i;

  for (i = 0; i < x->ndv; i++) {
    struct dvol *d = &x->dv[i];
    if (d->seed && x->oci)
      v2c_oci_layer_discard (x->oci, d->seed);
    if (d->model && x->oci)
      v2c_oci_layer_discard (x->oci, d->model);
    v2c_layer_writer_free (d->arch);
    if (d->fd >= 0)
      close (d->fd);
    free (d->archive);
  }
  free (x->dv);
  x->dv = NULL;
  x->ndv = x->ndata_layers = 0;
  x->have_sh = x->have_usr_sh = x->have_busybox = 0;
}

/* The pvc or image volume of a component mounted at path: its name;
 * *image says which. */
static const char *
volume_name (const struct v2c_plan *plan, const char *path, int *image)
{
  size_t i, k;

  for (i = 0; i < plan->components.n; i++)
    for (k = 0; k < plan->components.v[i].volumes.n; k++) {
      const struct v2c_plan_volume *v = &plan->components.v[i].volumes.v[k];

      *image = strcmp (v->kind, "image") == 0;
      if ((*image || strcmp (v->kind, "pvc") == 0)
          && strcmp (v->mount_path, path) == 0)
        return v->name;
    }
  return NULL;
}

/* The volumes the data image and DIR/data are for (not image volumes). */
static size_t
data_volumes (const struct v2c_extract *x)
{
  size_t i, n = 0;

  for (i = 0; i < x->ndv; i++)
    n += !x->dv[i].image;
  return n;
}

int
v2c_extract_data_begin (struct v2c_extract *x, const struct v2c_plan *plan)
{
  const struct v2c_plan_image *im = &plan->image;
  uint64_t total = 0;
  size_t i;
  int image;

  if (im->volumes.n == 0)
    return 0;
  x->dv = calloc (im->volumes.n, sizeof *x->dv);
  if (x->dv == NULL)
    return v2c_set_error (&x->err, ENOMEM, "out of memory");
  for (i = 0; i < im->volumes.n; i++) {
    const char *name = volume_name (plan, im->volumes.v[i].path, &image);
    struct dvol *d;

    /* without --data, only image volumes: nothing else holds them */
    if (name == NULL || (x->data_mode == 0 && !image))
      continue;
    d = &x->dv[x->ndv++];
    d->path = im->volumes.v[i].path;
    d->name = name;
    d->image = image;
    d->fd = -1;
    d->used = im->volumes.v[i].used_bytes.set ? im->volumes.v[i].used_bytes.v
                                              : -1;
    if (!image)
      total += d->used > 0 ? (uint64_t) d->used : 0;
  }
  if ((x->data_mode & V2C_DATA_SEED) && total > x->data_max) {
    v2c_message (&x->msg, V2C_MSG_WARNING,
                 "the data volumes hold %llu bytes, more than the %llu of "
                 "--data-max: no data image (seed them from DIR/data)",
                 (unsigned long long) total,
                 (unsigned long long) x->data_max);
    x->data_mode &= ~V2C_DATA_SEED;
  }
  return 0;
}

static struct dvol *
find (struct v2c_extract *x, const char *path)
{
  size_t i;

  for (i = 0; i < x->ndv; i++)
    if (strcmp (x->dv[i].path, path) == 0)
      return &x->dv[i];
  return NULL;
}

int
v2c_extract_data_is_volume (struct v2c_extract *x, const char *path)
{
  return find (x, path) != NULL;
}

int
v2c_extract_data_below (struct v2c_extract *x, const char *dir)
{
  size_t i, n = strlen (dir);

  for (i = 0; i < x->ndv; i++)
    if (strncmp (x->dv[i].path, dir, n) == 0
        && (x->dv[i].path[n] == '/' || (n == 1 && dir[0] == '/')))
      return 1;
  return 0;
}

void
v2c_extract_data_note (struct v2c_extract *x, const char *path)
{
  if (strcmp (path, "/bin/sh") == 0)
    x->have_sh = 1;
  else if (strcmp (path, "/usr/bin/sh") == 0)
    x->have_usr_sh = 1;
  else if (strcmp (path, "/bin/busybox") == 0)
    x->have_busybox = 1;
}

/* ------------------------------------------------------------------ */
/* Copying one volume                                                  */

struct dcopy {
  struct v2c_extract *x;
  struct dvol *d;
  struct v2c_walk walk;
  size_t rootlen, depth;
  char seed_path[V2C_LAYER_MAX_PATH + 64];
};

static int
writer_error (struct v2c_extract *x, struct v2c_layer_writer *w,
              const char *what, const struct dvol *d)
{
  char prefix[160];

  snprintf (prefix, sizeof prefix, "volume '%s' (%s): ", d->name, what);
  return v2c_error_copy (&x->err, prefix, v2c_layer_writer_error (w),
                         v2c_layer_writer_errno (w));
}

/* e (path relative to the volume root) into both streams. */
static int
add_both (struct dcopy *c, struct v2c_layer_entry *e)
{
  const char *rel = e->path, *link = e->link_target;
  char seed_link[V2C_LAYER_MAX_PATH + 64];

  if (c->d->arch && v2c_layer_writer_add (c->d->arch, e) == -1)
    return writer_error (c->x, c->d->arch, "archive", c->d);
  if (c->d->model && v2c_layer_writer_add (c->d->model, e) == -1)
    return writer_error (c->x, c->d->model, "image", c->d);
  if (c->d->seed) {
    snprintf (c->seed_path, sizeof c->seed_path, SEED_TOP "/%s/%s",
              c->d->name, rel);
    e->path = c->seed_path;
    if (e->type == V2C_LAYER_HARDLINK) {
      snprintf (seed_link, sizeof seed_link, SEED_TOP "/%s/%s", c->d->name,
                link);
      e->link_target = seed_link;
    }
    if (v2c_layer_writer_add (c->d->seed, e) == -1)
      return writer_error (c->x, c->d->seed, "seed layer", c->d);
    e->path = rel;
    e->link_target = link;
  }
  return 0;
}

static int
data_both (struct dcopy *c, const char *buf, size_t len)
{
  if (c->d->arch && v2c_layer_writer_write_data (c->d->arch, buf, len) == -1)
    return writer_error (c->x, c->d->arch, "archive", c->d);
  if (c->d->seed && v2c_layer_writer_write_data (c->d->seed, buf, len) == -1)
    return writer_error (c->x, c->d->seed, "seed layer", c->d);
  if (c->d->model
      && v2c_layer_writer_write_data (c->d->model, buf, len) == -1)
    return writer_error (c->x, c->d->model, "image", c->d);
  c->d->bytes += len;
  c->x->done += len;
  if (c->x->prog_cb)
    c->x->prog_cb (c->x->prog_opaque, "extracting", c->x->done,
                   c->x->total > c->x->done ? c->x->total : c->x->done);
  return 0;
}

static int
data_sink (void *opaque, const char *buf, size_t len)
{
  return data_both (opaque, buf, len);
}

/* [off, end) of path, read once; buf/have: what is read already. */
static int
copy_data (struct dcopy *c, const char *path, int64_t off, int64_t end,
           char *buf, size_t have)
{
  return v2c_extract_read_range (c->x, path, off, end, buf, have, data_sink,
                                 c);
}

/* A file, symlink or hard link of the volume. */
static int
copy_leaf (struct dcopy *c, const struct v2c_walk_entry *we,
           struct v2c_layer_entry *e)
{
  struct v2c_extract *x = c->x;
  const struct v2c_fs_lstat *st = we->st;
  int sparse = v2c_extract_sparse_candidate (st), r = -1;
  char *first = NULL;
  size_t have = 0, nmap = 0, k;
  uint64_t *map = NULL;
  struct hardlink *h = NULL;

  if (e->type == V2C_FS_REG && e->size > 0) {
    size_t want = e->size < (int64_t) CHUNK ? (size_t) e->size : CHUNK;
    first = v2c_extract_read_chunk (x, we->path, 0, want, &have);
    if (first == NULL)
      return -1;
  }
  if (e->type == V2C_FS_REG) {
    int s = v2c_extract_secret_at_write (x, we->path, first, have, 0);
    if (s != 0) {
      if (s == 1) {
        v2c_message (&x->msg, V2C_MSG_WARNING,
                     "'%s' holds a secret: it stays out of the data of "
                     "volume '%s'", we->path, c->d->name);
        x->skipped_secrets++;
        r = 0;
      }
      goto out;
    }
  }
  if (e->type == V2C_FS_REG && st->nlink > 1) {
    h = v2c_extract_hl_find (x, st->dev, st->ino, 0);
    if (h && strncmp (h->path, c->d->path, c->rootlen) == 0
        && h->path[c->rootlen] == '/') {
      e->type = V2C_LAYER_HARDLINK;
      e->link_target = h->path + c->rootlen + 1;
      e->size = 0;
      h = NULL;
    } else if (h == NULL
               && (h = v2c_extract_hl_find (x, st->dev, st->ino, 1)) == NULL) {
      v2c_set_error (&x->err, ENOMEM, "out of memory");
      goto out;
    } else if (h->path)
      h = NULL;
  }
  if (e->type == V2C_FS_REG && sparse) {
    free (first);
    first = NULL;
    have = 0;
    if (v2c_extract_sparse_map (x, we->path, e->size, &map, &nmap) == -1)
      goto out;
    e->sparse = map;
    e->nsparse = nmap;
  }
  if (add_both (c, e) == -1)
    goto out;
  if (h) {
    h->dev = st->dev;
    h->ino = st->ino;
    h->layer = -2;
    if ((h->path = strdup (we->path)) == NULL) {
      v2c_set_error (&x->err, ENOMEM, "out of memory");
      goto out;
    }
    x->hl_n++;
  }
  if (e->type == V2C_FS_REG && nmap > 0) {
    for (k = 0; k < nmap; k++)
      if (copy_data (c, we->path, (int64_t) map[2 * k],
                     (int64_t) (map[2 * k] + map[2 * k + 1]), NULL, 0) == -1)
        goto out;
  } else if (e->type == V2C_FS_REG && e->size > 0
             && copy_data (c, we->path, 0, e->size, first, have) == -1)
    goto out;
  r = 0;
 out:
  free (map);
  free (first);
  return r;
}

/* The walker's callback inside a volume. */
static int
copy_visit (void *opaque, const struct v2c_walk_entry *we, int state)
{
  struct dcopy *c = opaque;
  struct v2c_extract *x = c->x;
  struct v2c_layer_entry e;
  int r;

  (void) state;
  if (v2c_extract_cancelled (x) == -1)
    return -1;
  if (!S_ISDIR (we->st->mode) && !S_ISREG (we->st->mode)
      && !S_ISLNK (we->st->mode)) {
    x->skipped_devices++;
    return 0;
  }
  if (v2c_extract_is_secret (x, we->path)) {
    v2c_message (&x->msg, V2C_MSG_VERBOSE, "not in the data (secret): %s",
                 we->path);
    x->skipped_secrets++;
    return 0;
  }
  if (v2c_extract_fill_entry (x, &e, we->path, we->st, we->target,
                              we->xattrs, we->nxattrs) == -1)
    return -1;
  e.path = we->path + c->rootlen + 1;
  e.uname = e.gname = NULL;      /* numeric owners */
  if (!S_ISDIR (we->st->mode))
    return copy_leaf (c, we, &e);
  if (c->depth >= MAX_DEPTH)
    return v2c_set_error (&x->err, 0, "'%s': directories nested deeper "
                          "than %d", we->path, MAX_DEPTH);
  if (add_both (c, &e) == -1)
    return -1;
  c->depth++;
  r = v2c_walk_dir (&c->walk, we->path, 0);
  c->depth--;
  return r;
}

/* The seed layer's first entries: v2c-data/ and v2c-data/NAME with the
 * volume root's owner and mode. */
static int
seed_top (struct v2c_extract *x, struct dvol *d, const struct v2c_fs_lstat *st)
{
  struct v2c_layer_entry e;
  char name[300];

  memset (&e, 0, sizeof e);
  e.path = SEED_TOP;
  e.type = V2C_FS_DIR;
  e.mode = 0755;
  if (v2c_layer_writer_add (d->seed, &e) == -1)
    return writer_error (x, d->seed, "seed layer", d);
  snprintf (name, sizeof name, SEED_TOP "/%s", d->name);
  e.path = name;
  e.mode = st->mode & 07777;
  e.uid = d->uid;
  e.gid = d->gid;
  e.mtime = st->mtime_sec;
  if (v2c_layer_writer_add (d->seed, &e) == -1)
    return writer_error (x, d->seed, "seed layer", d);
  return 0;
}

static int
open_streams (struct v2c_extract *x, struct dvol *d)
{
  char path[4300];

  if (d->image) {
    d->model = v2c_oci_layer_begin (x->oci);
    if (d->model == NULL)
      return v2c_error_copy (&x->err, NULL, v2c_oci_error (x->oci),
                             v2c_oci_errno (x->oci));
    if (v2c_layer_writer_set_compression (d->model, x->comp, x->level) == -1
        || v2c_layer_writer_set_threads (d->model, x->threads) == -1)
      return writer_error (x, d->model, "image", d);
    return 0;
  }
  if (x->data_mode & V2C_DATA_SEED) {
    d->seed = v2c_oci_layer_begin (x->oci);
    if (d->seed == NULL)
      return v2c_error_copy (&x->err, NULL, v2c_oci_error (x->oci),
                             v2c_oci_errno (x->oci));
    if (v2c_layer_writer_set_compression (d->seed, x->comp, x->level) == -1
        || v2c_layer_writer_set_threads (d->seed, x->threads) == -1)
      return writer_error (x, d->seed, "seed layer", d);
  }
  if (!(x->data_mode & V2C_DATA_ARCHIVE))
    return 0;
  if (asprintf (&d->archive, "data/%s" ARCHIVE_EXT, d->name) == -1) {
    d->archive = NULL;
    return v2c_set_error (&x->err, ENOMEM, "out of memory");
  }
  snprintf (path, sizeof path, "%s/%s" ARCHIVE_EXT, x->data_dir, d->name);
  d->fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (d->fd == -1)
    return v2c_set_error (&x->err, errno, "can't create '%s'", path);
  d->arch = v2c_layer_writer_new ();
  if (d->arch == NULL)
    return v2c_set_error (&x->err, ENOMEM, "out of memory");
  if (v2c_layer_writer_set_compression (d->arch, ARCHIVE_COMP, -1) == -1
      || v2c_layer_writer_set_threads (d->arch, x->threads) == -1
      || v2c_layer_writer_open_fd (d->arch, d->fd) == -1)
    return writer_error (x, d->arch, "archive", d);
  return 0;
}

static double
seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

int
v2c_extract_data_volume (struct v2c_extract *x, const char *path,
                         const struct v2c_fs_lstat *st)
{
  struct dvol *d = find (x, path);
  struct dcopy c;
  double t = seconds ();
  int r;

  if (d == NULL || d->done)
    return 0;
  d->done = 1;
  d->uid = (uint32_t) st->uid;
  d->gid = (uint32_t) st->gid;
  d->mode = st->mode & 07777;
  if (open_streams (x, d) == -1
      || (d->seed && seed_top (x, d, st) == -1))
    return -1;
  memset (&c, 0, sizeof c);
  c.x = x;
  c.d = d;
  c.rootlen = strlen (path);
  c.walk.fs = x->fs;
  c.walk.err = &x->err;
  c.walk.fn = copy_visit;
  c.walk.opaque = &c;
  r = v2c_walk_dir (&c.walk, path, 0);
  if (r != 0)
    return -1;
  if (d->arch) {
    if (v2c_layer_writer_close (d->arch) == -1
        || fsync (d->fd) == -1)
      return writer_error (x, d->arch, "archive", d);
    snprintf (d->sha256, sizeof d->sha256, "%s",
              v2c_layer_writer_digest (d->arch) + 7);
    d->size = v2c_layer_writer_blob_size (d->arch);
    v2c_layer_writer_free (d->arch);
    d->arch = NULL;
    close (d->fd);
    d->fd = -1;
  }
  v2c_message (&x->msg, V2C_MSG_VERBOSE, "volume '%s' (%s): %llu bytes of "
               "file data copied (%.2f s)", d->name, path,
               (unsigned long long) d->bytes, seconds () - t);
  return 0;
}

/* The shell of the image's first layer that the seed runs. */
static const char *
shell (struct v2c_extract *x)
{
  return x->have_sh        ? "/bin/sh"
         : x->have_usr_sh  ? "/usr/bin/sh"
         : x->have_busybox ? "/bin/busybox"
                           : NULL;
}

int
v2c_extract_data_commit (struct v2c_extract *x, const char *ref)
{
  char name[300], comment[160];
  size_t i, nseed = 0;
  int seed = (x->data_mode & V2C_DATA_SEED) && shell (x) != NULL;

  if ((x->data_mode & V2C_DATA_SEED) && data_volumes (x) > 0
      && shell (x) == NULL)
    v2c_message (&x->msg, V2C_MSG_WARNING,
                 "the image's first layer has no /bin/sh or /bin/busybox to "
                 "seed volumes with: no data image (seed them from DIR/data)");
  for (i = 0; i < x->ndv; i++) {
    struct dvol *d = &x->dv[i];
    struct v2c_layer_writer *w = d->seed;

    if (d->model) {
      w = d->model;
      d->model = NULL;
      v2c_plan_model_image_name (name, sizeof name, ref, d->name);
      snprintf (comment, sizeof comment, "%s, %llu bytes of file data",
                d->path, (unsigned long long) d->bytes);
      if (v2c_oci_layer_commit_model (x->oci, w, "v2c-extract: files of "
                                      "an image volume", comment, name) == -1)
        return v2c_error_copy (&x->err, NULL, v2c_oci_error (x->oci),
                               v2c_oci_errno (x->oci));
      x->ndata_layers++;
      continue;
    }

    d->seed = NULL;
    if (w == NULL)
      continue;
    if (!seed) {
      v2c_oci_layer_discard (x->oci, w);
      continue;
    }
    snprintf (name, sizeof name, "v2c-extract: data of volume %s", d->name);
    snprintf (comment, sizeof comment, "%s, %llu bytes of file data",
              d->path, (unsigned long long) d->bytes);
    if (v2c_oci_layer_commit_data (x->oci, w, name, comment) == -1)
      return v2c_error_copy (&x->err, NULL, v2c_oci_error (x->oci),
                             v2c_oci_errno (x->oci));
    x->ndata_layers++;
    nseed++;
  }
  if (nseed == 0)
    return 0;
  snprintf (name, sizeof name, "%s-data", ref);
  if (v2c_oci_set_data_image (x->oci, name, 0) == -1)
    return v2c_error_copy (&x->err, NULL, v2c_oci_error (x->oci),
                           v2c_oci_errno (x->oci));
  return 0;
}

/* ------------------------------------------------------------------ */
/* Into the plan                                                       */

int
v2c_extract_data_to_plan (struct v2c_extract *x, struct v2c_plan *plan)
{
  struct v2c_plan_image *im = &plan->image;
  size_t i, k;

  for (i = 0; i < x->ndv; i++) {
    struct dvol *d = &x->dv[i];
    struct v2c_plan_volume_data *pd;

    if (!d->done)
      continue;
    for (k = 0; k < im->volumes.n; k++)
      if (strcmp (im->volumes.v[k].path, d->path) == 0)
        break;
    if (k == im->volumes.n)
      continue;
    pd = calloc (1, sizeof *pd);
    if (pd == NULL || (pd->name = strdup (d->name)) == NULL)
      goto oom;
    im->volumes.v[k].data = pd;   /* the plan frees it from here on */
    pd->size = d->archive ? d->size : d->bytes;
    pd->uid = d->uid;
    pd->gid = d->gid;
    pd->mode = d->mode;
    if (d->image) {
      char ref[300];
      const char *digest;

      v2c_plan_model_image_name (ref, sizeof ref,
                                 x->ref ? x->ref : plan->name, d->name);
      digest = x->oci ? v2c_oci_model_manifest_digest (x->oci, ref) : NULL;
      if (digest && ((pd->image_ref = strdup (ref)) == NULL
                     || (pd->image_manifest = strdup (digest)) == NULL))
        goto oom;
      continue;
    }
    if (d->archive && ((pd->archive = strdup (d->archive)) == NULL
                       || (pd->sha256 = strdup (d->sha256)) == NULL))
      goto oom;
    if (x->data_manifest
        && asprintf (&pd->seed, "/" SEED_TOP "/%s", d->name) == -1) {
      pd->seed = NULL;
      goto oom;
    }
  }
  if (data_volumes (x) > 0 && shell (x)
      && (im->data_shell = strdup (shell (x))) == NULL)
    goto oom;
  if (x->data_manifest) {
    char ref[300];

    snprintf (ref, sizeof ref, "%s-data", x->ref ? x->ref : plan->name);
    if ((im->data_ref = strdup (ref)) == NULL
        || (im->data_manifest = strdup (x->data_manifest)) == NULL)
      goto oom;
  }
  return 0;
 oom:
  return v2c_set_error (&x->err, ENOMEM, "out of memory");
}
