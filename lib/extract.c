/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A tree (a guest's filesystems, or a directory on the host, read
 * through struct v2c_fs) into OCI layers, in one pass: the driver of
 * v2c-extract.  The walker (lib/extract-walk.c) hands every entry over
 * in sorted order; here it is kept or skipped (secrets, the plan's
 * excludes and volumes, --include/--exclude), and lib/extract-emit.c
 * writes what is kept into the layer that the layer policy
 * (lib/layer-policy.c) chooses.  Entries come out in the order
 * the layer writer wants, so nothing is staged.
 *
 * A directory is written where it is classified, and again into any
 * other layer that has something below it, so every layer carries the
 * parents of its entries.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "extract-private.h"
#include "plan.h"

/* ------------------------------------------------------------------ */
/* Handle                                                              */

struct v2c_extract *
v2c_extract_new (void)
{
  struct v2c_extract *x = calloc (1, sizeof *x);

  if (x) {
    x->comp = V2C_COMPRESS_GZIP;
    x->level = -1;
  }
  return x;
}

V2C_DEFINE_ERROR_ACCESSORS (extract)

void
v2c_extract_set_message_callback (struct v2c_extract *x, v2c_message_cb cb,
                                  void *opaque)
{
  x->msg.cb = cb;
  x->msg.opaque = opaque;
}

void
v2c_extract_set_progress_callback (struct v2c_extract *x,
                                   v2c_progress_cb cb, void *opaque)
{
  x->prog_cb = cb;
  x->prog_opaque = opaque;
}

int
v2c_extract_set_compression (struct v2c_extract *x, enum v2c_compression c,
                             int level)
{
  x->comp = c;
  x->level = level;
  return 0;
}

int
v2c_extract_set_threads (struct v2c_extract *x, int n)
{
  if (n < 0)
    return v2c_set_error (&x->err, EINVAL, "bad thread count %d", n);
  x->threads = n;
  return 0;
}

void
v2c_extract_set_cancel_flag (struct v2c_extract *x,
                             volatile sig_atomic_t *flag)
{
  x->cancel = flag;
}

int
v2c_extract_add_pattern (struct v2c_extract *x, int include,
                         const char *pattern)
{
  struct pattern **v = include ? &x->cli_inc : &x->cli_exc, *n;
  size_t *cnt = include ? &x->ncli_inc : &x->ncli_exc;

  if (!v2c_plan_pattern_valid (pattern))
    return v2c_set_error (&x->err, 0,
                          "bad pattern '%s': it must be an absolute path "
                          "(globs allowed) without '//', '.' or '..'",
                          pattern);
  if (*cnt >= MAX_PATTERNS)
    return v2c_set_error (&x->err, 0, "more than %d patterns", MAX_PATTERNS);
  n = realloc (*v, (*cnt + 1) * sizeof *n);
  if (n == NULL)
    return v2c_set_error (&x->err, ENOMEM, "out of memory");
  *v = n;
  n[*cnt].glob = strdup (pattern);
  n[*cnt].what = W_ALL;
  if (n[*cnt].glob == NULL)
    return v2c_set_error (&x->err, ENOMEM, "out of memory");
  (*cnt)++;
  return 0;
}






/* ------------------------------------------------------------------ */
/* What the package manager owns                                       */

/* Merged /usr: a package lists /bin/ls, the walk meets /usr/bin/ls. */
static size_t
read_aliases (struct v2c_extract *x, struct v2c_path_alias *al, size_t max)
{
  static const char *const tops[] = { "bin", "sbin", "lib", "lib32",
                                      "lib64", "libx32" };
  size_t i, n = 0;

  for (i = 0; i < sizeof tops / sizeof *tops && n < max; i++) {
    char p[32], *t;
    struct v2c_fs_stat st;

    snprintf (p, sizeof p, "/%s", tops[i]);
    if (v2c_fs_stat (x->fs, p, 1, &st) == -1)
      continue;
    if (st.type == V2C_FS_LNK && (t = v2c_fs_readlink (x->fs, p)) != NULL) {
      const char *r = t[0] == '/' ? t + 1 : t;
      if (strncmp (r, "usr/", 4) == 0 && strlen (r) < sizeof al[n].to - 2
          && strchr (r + 4, '/') == NULL && strstr (r, "..") == NULL) {
        snprintf (al[n].from, sizeof al[n].from, "/%s/", tops[i]);
        snprintf (al[n].to, sizeof al[n].to, "/%s/", r);
        n++;
      }
      free (t);
    }
  }
  return n;
}

static int
load_packages (struct v2c_extract *x)
{
  static const char *const pre[] = { "/var/lib/dpkg/info", NULL };
  /* a view of its own: what it preloads goes once the database is read */
  struct v2c_fs *fs = v2c_fs_reopen (x->fs, &x->err);
  struct v2c_path_alias al[6];
  size_t nal;

  if (fs == NULL)
    return -1;
  /* .list and .md5sums of every package: one tar-out, not 2 per package */
  if (v2c_fs_guest_preload (fs, pre, 64u << 20, &x->err) == -1
      || v2c_inspect_packages (fs, NULL, 1, &x->pkgs, &x->err) == -1
      || v2c_users_read (fs, &x->users, &x->err) == -1) {
    v2c_fs_free (fs);
    return v2c_error_prefix (&x->err, "reading the package database");
  }
  v2c_fs_free (fs);
  nal = read_aliases (x, al, sizeof al / sizeof *al);
  /* the files of packages the image leaves out go nowhere */
  x->policy.leave_out = x->left_out && x->left_out->n ? x->left_out : NULL;
  if (v2c_layer_policy_add_packages (&x->policy, &x->pkgs, al, nal,
                                     &x->err) == -1)
    return -1;
  v2c_message (&x->msg, V2C_MSG_VERBOSE, "%zu packages own %zu paths", x->pkgs.n,
           x->policy.nown);
  return 0;
}

/* ------------------------------------------------------------------ */
/* The walk                                                            */

int
v2c_extract_is_secret (struct v2c_extract *x, const char *path)
{
  size_t i;

  for (i = 0; i < x->nsecrets; i++)
    if (strcmp (x->secrets[i], path) == 0)
      return 1;
  return 0;
}

int
v2c_extract_allowed_secret (struct v2c_extract *x, const char *path)
{
  size_t i;

  for (i = 0; i < x->nallowed; i++)
    if (strcmp (x->allowed[i], path) == 0)
      return 1;
  return 0;
}

static int
is_volume (struct v2c_extract *x, const char *path)
{
  size_t i;

  for (i = 0; i < x->nvolumes; i++)
    if (strcmp (x->volumes[i], path) == 0)
      return 1;
  return 0;
}

static int
included (struct v2c_extract *x, const char *path)
{
  size_t i;

  for (i = 0; i < x->ncli_inc; i++)
    if (v2c_extract_covers (x->cli_inc[i].glob, path))
      return 1;
  return 0;
}

static int
include_below (struct v2c_extract *x, const char *dir)
{
  size_t i;

  for (i = 0; i < x->ncli_inc; i++)
    if (v2c_extract_may_match_below (x->cli_inc[i].glob, dir))
      return 1;
  return 0;
}

/* One entry of the guest: skip it, or write it into its layer (a
 * directory, then what is below it). */
static int
visit_entry (struct v2c_extract *x, const char *path,
             const struct v2c_fs_lstat *st, const char *target,
             const struct v2c_xattr *xa, size_t nxa, int state)
{
  int isdir = S_ISDIR (st->mode), emit, child = S_KEEP, descend = 0;
  size_t i;

  if (v2c_extract_cancelled (x) == -1)
    return -1;
  if (st->ino == -1)
    return v2c_set_error (&x->err, 0, "can't read '%s' in the guest: the "
                          "filesystem refuses its inode (damaged?)", path);
  if (!isdir && !S_ISREG (st->mode) && !S_ISLNK (st->mode)) {
    x->skipped_devices++;
    return 0;
  }
  if (v2c_extract_is_secret (x, path) && v2c_extract_allowed_secret (x, path))
    v2c_message (&x->msg, V2C_MSG_WARNING,
                 "'%s' holds a secret: it goes into the image because the "
                 "plan's image.allow_secret names it",
                 path);
  else if (v2c_extract_is_secret (x, path)) {
    if (included (x, path))
      v2c_message (&x->msg, V2C_MSG_WARNING, "'%s' holds a secret: it stays out of "
               "the image whatever --include says", path);
    v2c_message (&x->msg, V2C_MSG_VERBOSE, "not in the image (secret): %s", path);
    x->skipped_secrets++;
    return 0;
  }
  if (included (x, path))
    emit = 1;
  else if (state == S_CONTENTS) {
    emit = 0;
    child = S_CONTENTS;
  } else if (state == S_FILES && !isdir)
    emit = 0;
  else if (state == S_FILES) {
    emit = 1;
    child = S_FILES;
  } else {
    emit = 1;
    for (i = 0; i < x->nexc; i++)
      if (v2c_extract_match (x->exc[i].glob, path)) {
        int w = isdir ? x->exc[i].what : W_ALL;
        if (w == W_ALL)
          emit = 0, child = S_CONTENTS;
        else if (w == W_CONTENTS)
          child = S_CONTENTS;
        else
          child = S_FILES;
        break;
      }
    if (emit && isdir && child == S_KEEP && is_volume (x, path))
      child = S_CONTENTS;
  }
  if (!isdir) {
    if (!emit) {
      x->skipped_excluded++;
      return 0;
    }
    return v2c_extract_emit_leaf (x, path, st, target, xa, nxa);
  }

  descend = child != S_CONTENTS || include_below (x, path)
            || v2c_extract_data_below (x, path);
  if (!emit && !descend) {
    x->skipped_excluded++;
    /* a volume the plan's excludes drop is still copied as data */
    return v2c_extract_data_is_volume (x, path)
             ? v2c_extract_data_volume (x, path, st) : 0;
  }
  if (x->depth >= MAX_DEPTH)
    return v2c_set_error (&x->err, 0, "'%s': directories nested deeper "
                          "than %d", path, MAX_DEPTH);
  {
    struct frame *f = &x->stack[x->depth];
    int r;

    if (v2c_extract_fill_entry (x, &f->e, path, st, NULL, xa, nxa) == -1)
      return -1;
    f->path = path;
    f->emitted = 0;
    x->depth++;
    if (emit) {
      int li = v2c_extract_choose_layer (x, path, st, NULL, 0, NULL);
      if (li < -1) {
        x->depth--;
        return -1;
      }
      if (li >= 0) {
        struct v2c_layer_entry e = f->e;
        if (x->policy.layers[li].shared)
          e.mtime = 0, e.mtime_nsec = 0;
        else if (e.mtime > x->newest)
          x->newest = e.mtime;
        /* parents first: the frame of this directory is the last one */
        x->depth--;
        r = v2c_extract_emit_parents (x, li);
        x->depth++;
        if (r == -1 || v2c_extract_layer_add (x, li, &e) == -1) {
          x->depth--;
          return -1;
        }
        f->emitted |= 1u << li;
      } else
        x->skipped_unlayered++;
    } else
      x->skipped_excluded++;
    r = descend ? v2c_walk_dir (&x->walk, path, child) : 0;
    x->depth--;
    if (r == 0 && v2c_extract_data_is_volume (x, path))
      r = v2c_extract_data_volume (x, path, st);
    return r;
  }
}

/* The walker's callback. */
static int
visit (void *opaque, const struct v2c_walk_entry *e, int state)
{
  return visit_entry (opaque, e->path, e->st, e->target, e->xattrs,
                      e->nxattrs, state);
}

/* ------------------------------------------------------------------ */
/* A run                                                               */

static int
add_exclude (struct v2c_extract *x, const char *glob, int what)
{
  struct pattern *n;

  if (x->nexc >= MAX_PATTERNS)
    return v2c_set_error (&x->err, 0, "more than %d excludes",
                          MAX_PATTERNS);
  n = realloc (x->exc, (x->nexc + 1) * sizeof *n);
  if (n == NULL)
    return v2c_set_error (&x->err, ENOMEM, "out of memory");
  x->exc = n;
  n[x->nexc].glob = (char *) glob;     /* borrowed */
  n[x->nexc].what = what;
  x->nexc++;
  return 0;
}

/* The paths of the plan's volumes and secret files (borrowed), in
 * x->volumes and x->secrets. */
static int
collect_paths (struct v2c_extract *x, const struct v2c_plan_image *image)
{
  size_t i;

  x->volumes = calloc (image->volumes.n + 1, sizeof *x->volumes);
  x->secrets = calloc (image->secret_files.n + 1, sizeof *x->secrets);
  x->allowed = calloc (image->allow_secret.n + 1, sizeof *x->allowed);
  if (x->volumes == NULL || x->secrets == NULL || x->allowed == NULL)
    return v2c_set_error (&x->err, ENOMEM, "out of memory");
  for (i = 0; i < image->allow_secret.n; i++)
    x->allowed[x->nallowed++] = image->allow_secret.v[i];
  for (i = 0; i < image->volumes.n; i++)
    x->volumes[x->nvolumes++] = image->volumes.v[i].path;
  for (i = 0; i < image->secret_files.n; i++)
    x->secrets[x->nsecrets++] = image->secret_files.v[i].path;
  return 0;
}

static int
read_plan (struct v2c_extract *x, const struct v2c_plan *plan)
{
  const struct v2c_plan_image *image = &plan->image;
  size_t i;

  if (v2c_layer_policy_set_layers (&x->policy, image->layers.v,
                                   image->layers.n,
                                   strcmp (image->strategy, "split") == 0,
                                   &x->err) == -1)
    return -1;
  for (i = 0; i < image->excludes.n; i++) {
    const char *w = image->excludes.v[i].what;
    int what = w == NULL || strcmp (w, "all") == 0 ? W_ALL
               : strcmp (w, "contents") == 0      ? W_CONTENTS
                                                  : W_FILES;
    if (add_exclude (x, image->excludes.v[i].pattern, what) == -1)
      return -1;
  }
  for (i = 0; i < x->ncli_exc; i++)
    if (add_exclude (x, x->cli_exc[i].glob, W_ALL) == -1)
      return -1;
  x->left_out = &image->left_out_packages;
  return collect_paths (x, image);
}

static int
commit_layers (struct v2c_extract *x)
{
  size_t i;

  for (i = 0; i < x->policy.nlayers; i++) {
    struct xlayer *l = &x->layers[i];
    char created[256], comment[160];
    struct v2c_layer_writer *w = l->w;

    l->w = NULL;
    if (l->entries == 0 && x->policy.nlayers > 1) {
      /* nothing in it: no empty layer in the image */
      v2c_oci_layer_discard (x->oci, w);
      continue;
    }
    snprintf (created, sizeof created, "v2c-extract: %s layer",
              x->policy.layers[i].name);
    snprintf (comment, sizeof comment, "%llu entries, %llu bytes of file data",
              (unsigned long long) l->entries,
              (unsigned long long) l->data_bytes);
    if (v2c_oci_layer_commit (x->oci, w, created, comment) == -1)
      return v2c_error_copy (&x->err, NULL, v2c_oci_error (x->oci),
                           v2c_oci_errno (x->oci));
  }
  return 0;
}

static void
reset_run (struct v2c_extract *x)
{
  size_t i;

  free (x->exc);
  x->exc = NULL;
  x->nexc = 0;
  free (x->volumes);
  free (x->secrets);
  free (x->allowed);
  x->volumes = x->secrets = x->allowed = NULL;
  x->nvolumes = x->nsecrets = x->nallowed = 0;
  v2c_layer_policy_clear (&x->policy);
  x->left_out = NULL;
  v2c_strvec_clear (&x->dropped_pkgs);
  v2c_pkgs_free_contents (&x->pkgs);
  v2c_users_free_contents (&x->users);
  memset (&x->pkgs, 0, sizeof x->pkgs);
  memset (&x->users, 0, sizeof x->users);
  for (i = 0; i < x->hl_cap; i++)
    free (x->hl[i].path);
  free (x->hl);
  x->hl = NULL;
  x->hl_cap = x->hl_n = 0;
  memset (x->layers, 0, sizeof x->layers);
  x->depth = 0;
  v2c_extract_data_reset (x);
}

int
v2c_extract_open (struct v2c_extract *x, const char *dir, int force)
{
  if (x->oci)
    return v2c_set_error (&x->err, 0, "an image is already open");
  x->oci = v2c_oci_new ();
  if (x->oci == NULL)
    return v2c_set_error (&x->err, ENOMEM, "out of memory");
  if (v2c_oci_open (x->oci, dir, force) == -1) {
    v2c_error_copy (&x->err, NULL, v2c_oci_error (x->oci),
                           v2c_oci_errno (x->oci));
    v2c_oci_free (x->oci);
    x->oci = NULL;
    return -1;
  }
  return 0;
}

int
v2c_extract_run (struct v2c_extract *x, struct v2c_guest *g,
                 const struct v2c_plan *plan, const char *ref)
{
  void *h = v2c_guest_handle (g);
  struct v2c_fs *fs;
  int r;

  if (h == NULL)
    return v2c_set_error (&x->err, 0, "the guest is not launched");
  if ((fs = v2c_fs_open_guest (h, &x->err)) == NULL)
    return -1;
  r = v2c_extract_run_fs (x, fs, plan, ref);
  v2c_fs_free (fs);
  return r;
}

int
v2c_extract_run_fs (struct v2c_extract *x, struct v2c_fs *fs,
                    const struct v2c_plan *plan, const char *ref)
{
  const struct v2c_plan_image *image = &plan->image;
  json_t *cfg = NULL;
  struct v2c_fs_stat root;
  size_t i;
  int r = -1;
  double t;

  reset_run (x);
  x->done = 0;
  x->newest = 0;
  x->skipped_secrets = x->skipped_excluded = x->skipped_devices = 0;
  x->skipped_unlayered = 0;
  x->n_pread = x->n_checksum = x->checksum_bytes = 0;
  x->fs = fs;
  if (read_plan (x, plan) == -1 || v2c_extract_data_begin (x, plan) == -1)
    goto out;
  if (ref == NULL)
    ref = plan->name;
  cfg = v2c_plan_image_config (plan, &x->err);
  if (cfg == NULL)
    goto out;
  t = v2c_now ();
  if (load_packages (x) == -1)
    goto out;
  x->total = v2c_fs_used_bytes (x->fs);
  v2c_message (&x->msg, V2C_MSG_VERBOSE, "package database and users read (%.2f s)",
           v2c_now () - t);

  if (x->oci == NULL || x->manifest) {
    v2c_set_error (&x->err, 0, "no image open (v2c_extract_open)");
    goto out;
  }
  for (i = 0; i < x->policy.nlayers; i++) {
    struct v2c_layer_writer *w = v2c_oci_layer_begin (x->oci);
    if (w == NULL
        || v2c_layer_writer_set_compression (w, x->comp, x->level) == -1
        || v2c_layer_writer_set_threads (w, x->threads) == -1) {
      v2c_set_error (&x->err, 0, "%s",
                     w ? v2c_layer_writer_error (w)
                       : v2c_oci_error (x->oci));
      goto out;
    }
    x->layers[i].w = w;
  }

  if (v2c_fs_stat (x->fs, "/", 1, &root) == -1) {
    v2c_set_error (&x->err, errno, "can't lstat '/' of the tree");
    goto out;
  }
  memset (&x->stack[0], 0, sizeof x->stack[0]);
  x->stack[0].path = "/";
  x->depth = 1;
  t = v2c_now ();
  x->walk.fs = x->fs;
  x->walk.err = &x->err;
  x->walk.fn = visit;
  x->walk.opaque = x;
  x->walk.n_dirs = 0;
  if (v2c_walk_dir (&x->walk, "/", S_KEEP) == -1)
    goto out;
  x->depth = 0;
  v2c_message (&x->msg, V2C_MSG_VERBOSE, "walk: %llu directories, %llu preads, "
           "%llu bytes of file data, %llu in-guest checksums of large "
           "package files (%llu bytes) (%.2f s)",
           (unsigned long long) x->walk.n_dirs, (unsigned long long) x->n_pread,
           (unsigned long long) x->done, (unsigned long long) x->n_checksum,
           (unsigned long long) x->checksum_bytes, v2c_now () - t);
  t = v2c_now ();
  if (v2c_extract_cancelled (x) == -1 || commit_layers (x) == -1
      || v2c_extract_data_commit (x, ref) == -1)
    goto out;

  if (v2c_oci_set_config (x->oci, cfg) == -1
      || v2c_oci_set_platform (x->oci, image->architecture, image->os,
                               image->variant)
           == -1
      || v2c_oci_add_annotation (x->oci, "io.v2c.source.vm", plan->name)
           == -1
      || v2c_oci_add_annotation (x->oci, "io.v2c.image.strategy",
                                 x->policy.split ? "split" : "single")
           == -1
      || v2c_oci_close (x->oci, ref, x->newest) == -1) {
    v2c_error_copy (&x->err, NULL, v2c_oci_error (x->oci),
                           v2c_oci_errno (x->oci));
    goto out;
  }
  x->manifest = strdup (v2c_oci_manifest_digest (x->oci));
  free (x->data_manifest);
  x->data_manifest = v2c_oci_data_manifest_digest (x->oci)
                       ? strdup (v2c_oci_data_manifest_digest (x->oci))
                       : NULL;
  free (x->ref);
  x->ref = strdup (ref);
  v2c_message (&x->msg, V2C_MSG_VERBOSE, "layers finished and image written (%.2f s)",
           v2c_now () - t);
  r = 0;
 out:
  json_decref (cfg);
  x->fs = x->walk.fs = NULL;     /* borrowed for the run only */
  if (r == -1) {
    /* the temporary directory goes; nothing looks like an image */
    v2c_oci_free (x->oci);
    x->oci = NULL;
    memset (x->layers, 0, sizeof x->layers);
  }
  return r;
}

json_t *
v2c_extract_summary (const struct v2c_extract *x)
{
  json_t *o, *layers;
  size_t i, n;

  if (x->oci == NULL || x->manifest == NULL)
    return NULL;
  o = json_object ();
  layers = json_array ();
  n = v2c_oci_layer_count (x->oci) - x->ndata_layers;
  for (i = 0; i < n; i++) {
    /* committed layers skip empty ones: find their names in order */
    json_array_append_new (
      layers, json_pack ("{s:s, s:s, s:I}",
                         "digest", v2c_oci_layer_digest (x->oci, i),
                         "diff_id", v2c_oci_layer_diff_id (x->oci, i),
                         "size", (json_int_t) v2c_oci_layer_size (x->oci, i)));
  }
  {
    size_t j = 0;
    for (i = 0; i < x->policy.nlayers && j < n; i++)
      if (x->layers[i].entries > 0 || x->policy.nlayers == 1) {
        json_t *l = json_array_get (layers, j++);
        json_object_set_new (l, "name",
                             json_string (x->policy.layers[i].name));
        json_object_set_new (l, "entries",
                             json_integer ((json_int_t) x->layers[i].entries));
        json_object_set_new (
          l, "data_bytes", json_integer ((json_int_t) x->layers[i].data_bytes));
      }
  }
  json_object_set_new (o, "manifest", json_string (x->manifest));
  if (x->ref)
    json_object_set_new (o, "ref", json_string (x->ref));
  {
    /* the image configuration's "created": the newest guest mtime */
    struct tm tm;
    time_t t = (time_t) x->newest;
    char when[32];

    if (gmtime_r (&t, &tm) && strftime (when, sizeof when,
                                        "%Y-%m-%dT%H:%M:%SZ", &tm))
      json_object_set_new (o, "created", json_string (when));
  }
  json_object_set_new (o, "layers", layers);
  json_object_set_new (
    o, "skipped",
    json_pack ("{s:I, s:I, s:I, s:I}", "secret_files",
               (json_int_t) x->skipped_secrets, "excluded",
               (json_int_t) x->skipped_excluded, "devices",
               (json_int_t) x->skipped_devices, "unlayered",
               (json_int_t) x->skipped_unlayered));
  json_object_set_new (o, "data_bytes", json_integer ((json_int_t) x->done));
  if (x->dropped_pkgs.n > 0) {
    /* what the image's package database no longer lists (the SBOMs
     * leave them out too) */
    json_t *a = json_array ();

    for (i = 0; a && i < x->dropped_pkgs.n; i++)
      json_array_append_new (a, json_string (x->dropped_pkgs.v[i]));
    json_object_set_new (o, "packages_left_out", a);
  }
  return o;
}

void
v2c_extract_free (struct v2c_extract *x)
{
  size_t i;

  if (x == NULL)
    return;
  reset_run (x);
  v2c_oci_free (x->oci);
  for (i = 0; i < x->ncli_inc; i++)
    free (x->cli_inc[i].glob);
  for (i = 0; i < x->ncli_exc; i++)
    free (x->cli_exc[i].glob);
  free (x->cli_inc);
  free (x->cli_exc);
  free (x->manifest);
  free (x->data_manifest);
  free (x->data_dir);
  free (x->ref);
  free (x);
}
