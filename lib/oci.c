/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The OCI image layout writer (image-spec 1.1): layer blobs, the config
 * and the manifest in blobs/sha256/, oci-layout, then index.json last.
 * Everything is built in "DIR.tmp-XXXXXX" and renamed to DIR at the end,
 * so DIR is either a whole image or absent.  JSON is compact with sorted
 * keys, so the same image gives the same bytes.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "image.h"

#define MT_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_CONFIG "application/vnd.oci.image.config.v1+json"
#define OCI_LAYOUT "{\"imageLayoutVersion\":\"1.0.0\"}"
#define MAX_LAYERS 127 /* as Docker and most registries allow */
#define MAX_ANNOTATIONS 1024

struct oci_layer {
  char *digest, *diff_id, *media_type, *created_by, *comment;
  int64_t size;
  int data; /* 0: of the image; 1: of the data image only; 2 + k: the
               only layer of the model image k */
};

/* An image of one layer of files only (v2c_oci_layer_commit_model). */
struct oci_model {
  char *ref;
  char digest[80];
};

struct oci_pending {
  struct v2c_layer_writer *w;
  int fd;
  char *tmp;
};

struct v2c_oci {
  struct v2c_err err; /* v2c_oci_error() */
  char *dir, *tmpdir;
  int force, closed;
  struct oci_layer *layers;
  size_t nlayers;
  struct oci_pending *pend;
  size_t npend;
  json_t *config, *annotations;
  char *arch, *os, *variant;
  char manifest_digest[80];
  /* the data image: the layer it shares with the image, its ref name */
  size_t data_base;
  char *data_ref;
  char data_digest[80];
  struct oci_model *models;
  size_t nmodels;
};

struct v2c_oci *
v2c_oci_new (void)
{
  struct v2c_oci *o = calloc (1, sizeof *o);

  if (o == NULL)
    return NULL;
  o->annotations = json_object ();
  if (o->annotations == NULL) {
    free (o);
    return NULL;
  }
  o->data_base = (size_t) -1;
  return o;
}

static int
rm_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) st;
  (void) ftw;
  return (flag == FTW_DP ? rmdir (path) : unlink (path)) == -1
                 && errno != ENOENT
             ? -1
             : 0;
}

static int
rm_rf (const char *path)
{
  return nftw (path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *
path_join (const char *a, const char *b)
{
  char *p;
  return asprintf (&p, "%s/%s", a, b) == -1 ? NULL : p;
}

static int
fsync_path (const char *path)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int r;

  if (fd == -1)
    return -1;
  r = fsync (fd);
  close (fd);
  return r;
}

static int
is_empty_dir (const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *e;
  int empty = 1;

  if (d == NULL)
    return 0;
  while (empty && (e = readdir (d)) != NULL)
    if (strcmp (e->d_name, ".") && strcmp (e->d_name, ".."))
      empty = 0;
  closedir (d);
  return empty;
}

/* An existing directory may be replaced only when it is empty or an
 * image layout: never someone's home because of a wrong argument. */
static int
replaceable (struct v2c_oci *o, const char *dir)
{
  struct stat st;
  char *layout;
  int r;

  if (lstat (dir, &st) == -1)
    return v2c_set_error (&o->err, errno, "can't stat '%s'", dir);
  if (!S_ISDIR (st.st_mode))
    return v2c_set_error (&o->err, 0,
                          "'%s' exists and is not a directory: not replacing "
                          "it",
                          dir);
  layout = path_join (dir, "oci-layout");
  if (layout == NULL)
    return v2c_set_error (&o->err, errno, "can't allocate");
  r = lstat (layout, &st);
  free (layout);
  if (r == 0 && S_ISREG (st.st_mode))
    return 0;
  if (is_empty_dir (dir))
    return 0;
  return v2c_set_error (&o->err, 0,
                        "'%s' exists and is not an OCI image layout: not "
                        "replacing it",
                        dir);
}

int
v2c_oci_open (struct v2c_oci *o, const char *dir, int force)
{
  struct stat st;
  char *blobs = NULL, *sha = NULL;
  size_t len;

  if (o->dir)
    return v2c_set_error (&o->err, 0, "the image is already open");
  if (dir == NULL || dir[0] == '\0')
    return v2c_set_error (&o->err, EINVAL, "no image directory");
  if (lstat (dir, &st) == 0) {
    if (!force)
      return v2c_set_error (&o->err, EEXIST, "can't create image '%s'", dir);
    if (replaceable (o, dir) == -1)
      return -1;
  } else if (errno != ENOENT)
    return v2c_set_error (&o->err, errno, "can't stat '%s'", dir);
  o->dir = strdup (dir);
  len = strlen (dir);
  while (len > 1 && o->dir && o->dir[len - 1] == '/')
    o->dir[--len] = '\0';
  if (o->dir == NULL || asprintf (&o->tmpdir, "%s.tmp-XXXXXX", o->dir) == -1) {
    o->tmpdir = NULL;
    return v2c_set_error (&o->err, errno, "can't allocate");
  }
  o->force = force;
  if (mkdtemp (o->tmpdir) == NULL) {
    v2c_set_error (&o->err, errno, "can't create '%s'", o->tmpdir);
    free (o->tmpdir);
    o->tmpdir = NULL;
    return -1;
  }
  blobs = path_join (o->tmpdir, "blobs");
  sha = path_join (o->tmpdir, "blobs/sha256");
  if (blobs == NULL || sha == NULL || mkdir (blobs, 0755) == -1
      || mkdir (sha, 0755) == -1 || chmod (o->tmpdir, 0755) == -1) {
    v2c_set_error (&o->err, errno, "can't create '%s'", sha ? sha : "blobs");
    free (blobs);
    free (sha);
    return -1;
  }
  free (blobs);
  free (sha);
  return 0;
}

static int
check_building (struct v2c_oci *o)
{
  if (o->tmpdir == NULL)
    return v2c_set_error (&o->err, 0,
                          o->closed ? "the image is closed"
                                    : "the image is not open");
  return 0;
}

struct v2c_layer_writer *
v2c_oci_layer_begin (struct v2c_oci *o)
{
  struct oci_pending p = { NULL, -1, NULL }, *n;

  if (check_building (o) == -1)
    return NULL;
  if (o->nlayers + o->npend >= MAX_LAYERS) {
    v2c_set_error (&o->err, 0, "more than %d layers", MAX_LAYERS);
    return NULL;
  }
  if (asprintf (&p.tmp, "%s/blobs/sha256/.layer-XXXXXX", o->tmpdir) == -1) {
    v2c_set_error (&o->err, errno, "can't allocate");
    return NULL;
  }
  p.fd = mkostemp (p.tmp, O_CLOEXEC);
  if (p.fd == -1) {
    v2c_set_error (&o->err, errno, "can't create '%s'", p.tmp);
    free (p.tmp);
    return NULL;
  }
  p.w = v2c_layer_writer_new ();
  n = realloc (o->pend, (o->npend + 1) * sizeof *o->pend);
  if (p.w == NULL || n == NULL) {
    v2c_set_error (&o->err, ENOMEM, "can't start a layer");
    v2c_layer_writer_free (p.w);
    close (p.fd);
    unlink (p.tmp);
    free (p.tmp);
    if (n)
      o->pend = n;
    return NULL;
  }
  o->pend = n;
  v2c_layer_writer_open_fd (p.w, p.fd);
  o->pend[o->npend++] = p;
  return p.w;
}

static void
pending_drop (struct v2c_oci *o, size_t i)
{
  struct oci_pending *p = &o->pend[i];

  v2c_layer_writer_free (p->w);
  if (p->fd >= 0)
    close (p->fd);
  if (p->tmp)
    unlink (p->tmp);
  free (p->tmp);
  o->pend[i] = o->pend[--o->npend];
}

void
v2c_oci_layer_discard (struct v2c_oci *o, struct v2c_layer_writer *w)
{
  size_t i;

  for (i = 0; i < o->npend; i++)
    if (o->pend[i].w == w) {
      pending_drop (o, i);
      return;
    }
}

static char *
dup_or_null (const char *s)
{
  return s ? strdup (s) : NULL;
}

/* The blob's file name: the hex part of "sha256:<hex>". */
static char *
blob_path (struct v2c_oci *o, const char *digest)
{
  char *p;
  return asprintf (&p, "%s/blobs/sha256/%s", o->tmpdir, digest + 7) == -1
             ? NULL
             : p;
}

int
v2c_oci_layer_commit (struct v2c_oci *o, struct v2c_layer_writer *w,
                      const char *created_by, const char *comment)
{
  struct oci_pending *p = NULL;
  struct oci_layer *n, l = { 0 };
  char *dest = NULL;
  size_t i;

  for (i = 0; i < o->npend; i++)
    if (o->pend[i].w == w) {
      p = &o->pend[i];
      break;
    }
  if (p == NULL)
    return v2c_set_error (&o->err, 0, "not a layer of this image");
  if (v2c_layer_writer_close (w) == -1) {
    v2c_error_copy (&o->err, NULL, v2c_layer_writer_error (w),
                    v2c_layer_writer_errno (w));
    goto fail;
  }
  if (fchmod (p->fd, 0644) == -1 || fsync (p->fd) == -1) {
    v2c_set_error (&o->err, errno, "can't write '%s'", p->tmp);
    goto fail;
  }
  l.digest = strdup (v2c_layer_writer_digest (w));
  l.diff_id = strdup (v2c_layer_writer_diff_id (w));
  l.media_type = strdup (v2c_layer_writer_media_type (w));
  l.created_by = dup_or_null (created_by);
  l.comment = dup_or_null (comment);
  l.size = v2c_layer_writer_blob_size (w);
  n = realloc (o->layers, (o->nlayers + 1) * sizeof *o->layers);
  if (n)
    o->layers = n;
  if (l.digest == NULL || l.diff_id == NULL || l.media_type == NULL
      || (created_by && l.created_by == NULL) || (comment && l.comment == NULL)
      || n == NULL || (dest = blob_path (o, l.digest)) == NULL) {
    v2c_set_error (&o->err, ENOMEM, "can't record a layer");
    goto fail;
  }
  /* The same layer twice is one blob. */
  if (rename (p->tmp, dest) == -1) {
    v2c_set_error (&o->err, errno, "can't rename '%s' to '%s'", p->tmp, dest);
    goto fail;
  }
  free (p->tmp);
  p->tmp = NULL;
  free (dest);
  o->layers[o->nlayers++] = l;
  pending_drop (o, i);
  return 0;

fail:
  free (dest);
  free (l.digest);
  free (l.diff_id);
  free (l.media_type);
  free (l.created_by);
  free (l.comment);
  pending_drop (o, i);
  return -1;
}

static int
strings_array (const json_t *v, int need_eq)
{
  size_t i;
  json_t *x;

  if (!json_is_array (v))
    return 0;
  json_array_foreach (v, i, x)
  {
    if (!json_is_string (x)
        || (need_eq && !strchr (json_string_value (x), '=')))
      return 0;
  }
  return 1;
}

static int
object_of (const json_t *v, int strings)
{
  const char *k;
  json_t *x;

  if (!json_is_object (v))
    return 0;
  json_object_foreach ((json_t *) v, k, x)
  {
    if (strings ? !json_is_string (x) : !json_is_object (x))
      return 0;
  }
  return 1;
}

int
v2c_oci_set_config (struct v2c_oci *o, const json_t *cfg)
{
  const char *k;
  json_t *v, *copy;

  if (!json_is_object (cfg))
    return v2c_set_error (&o->err, EINVAL,
                          "the image config is not an object");
  json_object_foreach ((json_t *) cfg, k, v)
  {
    int ok;
    if (!strcmp (k, "User") || !strcmp (k, "WorkingDir")
        || !strcmp (k, "StopSignal"))
      ok = json_is_string (v);
    else if (!strcmp (k, "Env"))
      ok = strings_array (v, 1);
    else if (!strcmp (k, "Entrypoint") || !strcmp (k, "Cmd"))
      ok = strings_array (v, 0);
    else if (!strcmp (k, "ExposedPorts") || !strcmp (k, "Volumes"))
      ok = object_of (v, 0);
    else if (!strcmp (k, "Labels"))
      ok = object_of (v, 1);
    else
      return v2c_set_error (&o->err, EINVAL, "unknown image config field '%s'",
                            k);
    if (!ok)
      return v2c_set_error (&o->err, EINVAL,
                            "image config field '%s' has the wrong type", k);
  }
  copy = json_deep_copy (cfg);
  if (copy == NULL)
    return v2c_set_error (&o->err, ENOMEM, "can't copy the image config");
  json_decref (o->config);
  o->config = copy;
  return 0;
}

static int
platform_word (const char *s)
{
  if (s == NULL || s[0] == '\0' || strlen (s) > 64)
    return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'
          || *s == '-' || *s == '.'))
      return 0;
  return 1;
}

int
v2c_oci_set_platform (struct v2c_oci *o, const char *architecture,
                      const char *os, const char *variant)
{
  char *a, *s, *v = NULL;

  if (!platform_word (architecture) || !platform_word (os)
      || (variant && !platform_word (variant)))
    return v2c_set_error (&o->err, EINVAL, "bad platform '%s/%s%s%s'",
                          architecture ? architecture : "", os ? os : "",
                          variant ? "/" : "", variant ? variant : "");
  a = strdup (architecture);
  s = strdup (os);
  if (variant)
    v = strdup (variant);
  if (a == NULL || s == NULL || (variant && v == NULL)) {
    free (a);
    free (s);
    free (v);
    return v2c_set_error (&o->err, ENOMEM, "can't allocate");
  }
  free (o->arch);
  free (o->os);
  free (o->variant);
  o->arch = a;
  o->os = s;
  o->variant = v;
  return 0;
}

int
v2c_oci_add_annotation (struct v2c_oci *o, const char *key, const char *value)
{
  if (key == NULL || key[0] == '\0' || value == NULL)
    return v2c_set_error (&o->err, EINVAL, "bad annotation '%s'",
                          key ? key : "");
  if (json_object_size (o->annotations) >= MAX_ANNOTATIONS
      && json_object_get (o->annotations, key) == NULL)
    return v2c_set_error (&o->err, 0, "more than %d annotations",
                          MAX_ANNOTATIONS);
  if (json_object_set_new (o->annotations, key, json_string (value)) == -1)
    return v2c_set_error (&o->err, EINVAL,
                          "can't set annotation '%s' (not UTF-8?)", key);
  return 0;
}

/* image-spec: ref ::= component ("/" component)*, component ::= alphanum
 * (separator alphanum)*, separator ::= [-._:@+] | "--". */
static int
valid_ref (const char *s)
{
  int need_alnum = 1;

  if (s == NULL || s[0] == '\0' || strlen (s) > 255)
    return 0;
  for (; *s; s++) {
    int alnum = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')
                || (*s >= '0' && *s <= '9');
    if (alnum) {
      need_alnum = 0;
      continue;
    }
    if (need_alnum)
      return 0;
    if (s[0] == '-' && s[1] == '-')
      s++;
    else if (!strchr ("-._:@+/", *s))
      return 0;
    need_alnum = 1;
  }
  return !need_alnum;
}

static void
sha256_hex (const void *buf, size_t len, char *out)
{
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;

  EVP_Digest (buf, len, d, &n, EVP_sha256 (), NULL);
  strcpy (out, "sha256:");
  for (unsigned int i = 0; i < n; i++)
    sprintf (out + 7 + 2 * i, "%02x", d[i]);
}

static int
write_all_fsync (struct v2c_oci *o, const char *dest, const char *buf,
                 size_t len)
{
  if (v2c_write_file_atomic (dest, buf, len) == -1)
    return v2c_set_error (&o->err, errno, "can't write '%s'", dest);
  return 0;
}

int
v2c_oci_layer_commit_data (struct v2c_oci *o, struct v2c_layer_writer *w,
                           const char *created_by, const char *comment)
{
  if (v2c_oci_layer_commit (o, w, created_by, comment) == -1)
    return -1;
  o->layers[o->nlayers - 1].data = 1;
  return 0;
}

int
v2c_oci_layer_commit_model (struct v2c_oci *o, struct v2c_layer_writer *w,
                            const char *created_by, const char *comment,
                            const char *ref)
{
  struct oci_model *m = realloc (o->models, (o->nmodels + 1) * sizeof *m);
  char *r = valid_ref (ref) ? strdup (ref) : NULL;

  if (m)
    o->models = m;
  if (m == NULL || r == NULL) {
    free (r);
    v2c_oci_layer_discard (o, w);
    return valid_ref (ref) ? v2c_set_error (&o->err, ENOMEM, "can't allocate")
           : v2c_set_error (&o->err, EINVAL, "bad image reference name '%s'",
                            ref ? ref : "");
  }
  if (v2c_oci_layer_commit (o, w, created_by, comment) == -1) {
    free (r);
    return -1;
  }
  o->layers[o->nlayers - 1].data = 2 + (int) o->nmodels;
  m = &o->models[o->nmodels++];
  m->ref = r;
  m->digest[0] = '\0';
  return 0;
}

int
v2c_oci_set_data_image (struct v2c_oci *o, const char *ref, size_t base)
{
  char *r = strdup (ref);

  if (r == NULL)
    return v2c_set_error (&o->err, ENOMEM, "can't allocate");
  free (o->data_ref);
  o->data_ref = r;
  o->data_base = base;
  return 0;
}

/* Is layer i one of the image (data 0), of the data image (data 1) or
 * of the model image data - 2? */
static int
in_image (struct v2c_oci *o, size_t i, int data)
{
  size_t k, n = 0;

  if (data != 1)
    return o->layers[i].data == data;
  if (o->layers[i].data == 1)
    return 1;
  if (o->layers[i].data > 1)
    return 0;
  /* data_base counts the image's own layers */
  for (k = 0; k < i; k++)
    n += o->layers[k].data == 0;
  return n == o->data_base;
}

/* Serialise doc (consumed) as a blob; fills desc with its descriptor. */
static json_t *
put_json_blob (struct v2c_oci *o, json_t *doc, const char *media_type)
{
  char digest[80], *dest = NULL, *text;
  json_t *desc = NULL;
  size_t len;

  text = doc ? json_dumps (doc, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref (doc);
  if (text == NULL) {
    v2c_set_error (&o->err, ENOMEM, "can't serialise '%s'", media_type);
    return NULL;
  }
  len = strlen (text);
  sha256_hex (text, len, digest);
  dest = blob_path (o, digest);
  if (dest == NULL)
    v2c_set_error (&o->err, ENOMEM, "can't allocate");
  else if (write_all_fsync (o, dest, text, len) == 0)
    desc = json_pack ("{s:s, s:s, s:I}", "mediaType", media_type, "digest",
                      digest, "size", (json_int_t) len);
  if (desc == NULL && o->err.msg[0] == '\0')
    v2c_set_error (&o->err, ENOMEM, "can't allocate");
  free (text);
  free (dest);
  return desc;
}

static json_t *
platform_json (struct v2c_oci *o)
{
  json_t *p = json_pack ("{s:s, s:s}", "architecture", o->arch, "os", o->os);
  if (p && o->variant
      && json_object_set_new (p, "variant", json_string (o->variant)) == -1) {
    json_decref (p);
    return NULL;
  }
  return p;
}

static json_t *
config_json (struct v2c_oci *o, const char *created, int data)
{
  json_t *doc = platform_json (o), *diff_ids = json_array (),
         *history = json_array ();
  int bad = doc == NULL || diff_ids == NULL || history == NULL;

  for (size_t i = 0; !bad && i < o->nlayers; i++) {
    json_t *h;

    if (!in_image (o, i, data))
      continue;
    h = json_object ();
    bad |= h == NULL
           || json_array_append_new (diff_ids,
                                     json_string (o->layers[i].diff_id));
    if (h && created)
      bad |= json_object_set_new (h, "created", json_string (created));
    if (h && o->layers[i].created_by)
      bad |= json_object_set_new (h, "created_by",
                                  json_string (o->layers[i].created_by));
    if (h && o->layers[i].comment)
      bad |= json_object_set_new (h, "comment",
                                  json_string (o->layers[i].comment));
    bad |= json_array_append_new (history, h);
  }
  if (!bad && created)
    bad |= json_object_set_new (doc, "created", json_string (created));
  if (!bad)
    bad |= json_object_set_new (doc, "config",
                                o->config && !data ? json_deep_copy (o->config)
                                                   : json_object ())
           || json_object_set_new (doc, "rootfs",
                                   json_pack ("{s:s, s:O}", "type", "layers",
                                              "diff_ids", diff_ids))
           || json_object_set_new (doc, "history", json_incref (history));
  json_decref (diff_ids);
  json_decref (history);
  if (bad) {
    json_decref (doc);
    return NULL;
  }
  return doc;
}

static int
format_created (struct v2c_oci *o, int64_t created, char *buf, size_t len)
{
  struct tm tm;
  time_t t = (time_t) created;

  if (created < 0 || created > 253402300799LL /* 9999-12-31 */
      || gmtime_r (&t, &tm) == NULL
      || strftime (buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    return v2c_set_error (&o->err, EINVAL, "bad creation time %lld",
                          (long long) created);
  return 0;
}

static int
move_into_place (struct v2c_oci *o)
{
  char *old = NULL, *parent = NULL, *slash;
  struct stat st;
  int r = 0;

  if (lstat (o->dir, &st) == 0) {
    if (!o->force)
      return v2c_set_error (&o->err, EEXIST, "can't create image '%s'",
                            o->dir);
    if (replaceable (o, o->dir) == -1)
      return -1;
    if (asprintf (&old, "%s.old-XXXXXX", o->dir) == -1)
      return v2c_set_error (&o->err, errno, "can't allocate");
    /* rename() replaces the empty directory mkdtemp made. */
    if (mkdtemp (old) == NULL || rename (o->dir, old) == -1) {
      v2c_set_error (&o->err, errno, "can't move '%s' aside", o->dir);
      rmdir (old);
      free (old);
      return -1;
    }
  }
  if (rename (o->tmpdir, o->dir) == -1) {
    r = v2c_set_error (&o->err, errno, "can't rename '%s' to '%s'", o->tmpdir,
                       o->dir);
    if (old)
      rename (old, o->dir);
    free (old);
    return r;
  }
  if (old) {
    rm_rf (old);
    free (old);
  }
  parent = strdup (o->dir);
  if (parent) {
    slash = strrchr (parent, '/');
    if (slash == NULL)
      fsync_path (".");
    else {
      slash[slash == parent] = '\0';
      fsync_path (parent);
    }
    free (parent);
  }
  return 0;
}

/* The config and manifest blobs of the image (data 0), of the data
 * image (data 1) or of a model image (2 + k); its index.json descriptor
 * (new reference), or NULL. */
static json_t *
write_manifest (struct v2c_oci *o, const char *when, const char *ref_name,
                int data)
{
  json_t *cfg_desc, *man = NULL, *man_desc, *layers;

  cfg_desc = put_json_blob (o, config_json (o, when, data), MT_CONFIG);
  if (cfg_desc == NULL)
    return NULL;
  layers = json_array ();
  for (size_t i = 0; layers && i < o->nlayers; i++)
    if (in_image (o, i, data)
        && json_array_append_new (layers,
                                  json_pack ("{s:s, s:s, s:I}", "mediaType",
                                             o->layers[i].media_type, "digest",
                                             o->layers[i].digest, "size",
                                             (json_int_t) o->layers[i].size))
             == -1) {
      json_decref (layers);
      layers = NULL;
    }
  man = layers ? json_pack ("{s:i, s:s, s:O, s:o}", "schemaVersion", 2,
                            "mediaType", MT_MANIFEST, "config", cfg_desc,
                            "layers", layers)
               : NULL;
  json_decref (cfg_desc);
  if (man && json_object_size (o->annotations) > 0
      && json_object_set (man, "annotations", o->annotations) == -1) {
    json_decref (man);
    man = NULL;
  }
  man_desc = put_json_blob (o, man, MT_MANIFEST);
  if (man_desc
      && (json_object_set_new (man_desc, "platform", platform_json (o)) == -1
          || json_object_set_new (
               man_desc, "annotations",
               json_pack ("{s:s}", "org.opencontainers.image.ref.name",
                          ref_name))
               == -1)) {
    v2c_set_error (&o->err, ENOMEM, "can't allocate");
    json_decref (man_desc);
    man_desc = NULL;
  }
  return man_desc;
}

int
v2c_oci_close (struct v2c_oci *o, const char *ref_name, int64_t created)
{
  char when[64], *path = NULL, *index_text = NULL;
  json_t *man_desc = NULL, *data_desc = NULL, *index;
  int r = -1;

  if (check_building (o) == -1)
    return -1;
  if (o->npend > 0)
    return v2c_set_error (&o->err, 0, "a layer of the image is not committed");
  if (o->arch == NULL)
    return v2c_set_error (&o->err, 0, "the image has no platform");
  if (!valid_ref (ref_name))
    return v2c_set_error (&o->err, EINVAL, "bad image reference name '%s'",
                          ref_name ? ref_name : "");
  if (created != -1 && format_created (o, created, when, sizeof when) == -1)
    return -1;

  man_desc = write_manifest (o, created != -1 ? when : NULL, ref_name, 0);
  if (man_desc == NULL)
    goto out;
  snprintf (o->manifest_digest, sizeof o->manifest_digest, "%s",
            json_string_value (json_object_get (man_desc, "digest")));
  if (o->data_ref && o->data_base < o->nlayers) {
    data_desc = write_manifest (o, created != -1 ? when : NULL, o->data_ref,
                                1);
    if (data_desc == NULL)
      goto out;
    snprintf (o->data_digest, sizeof o->data_digest, "%s",
              json_string_value (json_object_get (data_desc, "digest")));
  }
  index = json_pack ("{s:i, s:s, s:[O]}", "schemaVersion", 2, "mediaType",
                     MT_INDEX, "manifests", man_desc);
  if (index && data_desc
      && json_array_append (json_object_get (index, "manifests"), data_desc)
           == -1) {
    json_decref (index);
    index = NULL;
  }
  for (size_t k = 0; index && k < o->nmodels; k++) {
    json_t *d = write_manifest (o, created != -1 ? when : NULL,
                                o->models[k].ref, 2 + (int) k);

    if (d)
      snprintf (o->models[k].digest, sizeof o->models[k].digest, "%s",
                json_string_value (json_object_get (d, "digest")));
    if (d == NULL
        || json_array_append_new (json_object_get (index, "manifests"), d)
             == -1) {
      json_decref (index);
      index = NULL;
      if (d == NULL)
        goto out;
    }
  }
  index_text
      = index ? json_dumps (index, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref (index);
  if (index_text == NULL) {
    v2c_set_error (&o->err, ENOMEM, "can't serialise index.json");
    goto out;
  }
  /* index.json last: a reader that finds it finds everything. */
  if ((path = path_join (o->tmpdir, "oci-layout")) == NULL
      || write_all_fsync (o, path, OCI_LAYOUT, strlen (OCI_LAYOUT)) == -1)
    goto out;
  free (path);
  path = path_join (o->tmpdir, "blobs/sha256");
  if (path == NULL || fsync_path (path) == -1) {
    v2c_set_error (&o->err, errno, "can't sync '%s'", path ? path : "");
    goto out;
  }
  free (path);
  if ((path = path_join (o->tmpdir, "index.json")) == NULL
      || write_all_fsync (o, path, index_text, strlen (index_text)) == -1)
    goto out;
  if (fsync_path (o->tmpdir) == -1) {
    v2c_set_error (&o->err, errno, "can't sync '%s'", o->tmpdir);
    goto out;
  }
  if (move_into_place (o) == -1)
    goto out;
  free (o->tmpdir);
  o->tmpdir = NULL;
  o->closed = 1;
  r = 0;

out:
  if (path == NULL && r == -1 && o->err.msg[0] == '\0')
    v2c_set_error (&o->err, ENOMEM, "can't allocate");
  free (path);
  free (index_text);
  json_decref (man_desc);
  json_decref (data_desc);
  return r;
}

const char *
v2c_oci_manifest_digest (struct v2c_oci *o)
{
  return o->closed ? o->manifest_digest : NULL;
}

const char *
v2c_oci_data_manifest_digest (struct v2c_oci *o)
{
  return o->closed && o->data_digest[0] ? o->data_digest : NULL;
}

const char *
v2c_oci_model_manifest_digest (struct v2c_oci *o, const char *ref)
{
  for (size_t k = 0; o->closed && k < o->nmodels; k++)
    if (strcmp (o->models[k].ref, ref) == 0)
      return o->models[k].digest;
  return NULL;
}

size_t
v2c_oci_layer_count (struct v2c_oci *o)
{
  return o->nlayers;
}

const char *
v2c_oci_layer_digest (struct v2c_oci *o, size_t i)
{
  return i < o->nlayers ? o->layers[i].digest : NULL;
}

const char *
v2c_oci_layer_diff_id (struct v2c_oci *o, size_t i)
{
  return i < o->nlayers ? o->layers[i].diff_id : NULL;
}

int64_t
v2c_oci_layer_size (struct v2c_oci *o, size_t i)
{
  return i < o->nlayers ? o->layers[i].size : -1;
}

/* v2c_oci_error, v2c_oci_errno */
V2C_DEFINE_ERROR_ACCESSORS (oci)

void
v2c_oci_free (struct v2c_oci *o)
{
  if (o == NULL)
    return;
  while (o->npend > 0)
    pending_drop (o, o->npend - 1);
  if (o->tmpdir)
    rm_rf (o->tmpdir);
  free (o->tmpdir);
  free (o->dir);
  for (size_t i = 0; i < o->nlayers; i++) {
    free (o->layers[i].digest);
    free (o->layers[i].diff_id);
    free (o->layers[i].media_type);
    free (o->layers[i].created_by);
    free (o->layers[i].comment);
  }
  free (o->layers);
  free (o->pend);
  json_decref (o->config);
  json_decref (o->annotations);
  free (o->arch);
  free (o->os);
  free (o->variant);
  free (o->data_ref);
  for (size_t k = 0; k < o->nmodels; k++)
    free (o->models[k].ref);
  free (o->models);
  free (o);
}
