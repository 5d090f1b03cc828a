/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What v2c-manifest needs from an OCI image layout (see kube.h): the
 * digest that pins the image, and the content of the configuration
 * files that become ConfigMaps.  The layout itself is read through
 * lib/oci-read.c; the layers' tar streams are walked here.
 */
#include <config.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "image.h"
#include "kube.h"

#define MAX_LAYERS 1024

int
v2c_kube_image_digest (const char *dir, char *digest, size_t size,
                       struct v2c_err *err)
{
  json_t *m = v2c_oci_read_manifest (dir, digest, size, NULL, err);

  if (m == NULL)
    return -1;
  json_decref (m);
  return 0;
}

/* "./etc/x", "/etc/x", "etc/x" -> "etc/x"; NULL when the name climbs
 * out with "..". */
static const char *
entry_name (const char *name)
{
  while (name[0] == '.' && name[1] == '/')
    name += 2;
  while (name[0] == '/')
    name++;
  if (strstr (name, "../") != NULL || strcmp (name, "..") == 0)
    return NULL;
  return name;
}

/* Is path (no leading '/') equal to dir or below it? */
static int
at_or_under (const char *path, const char *dir, size_t dirlen)
{
  if (dirlen == 0)
    return 1;
  return strncmp (path, dir, dirlen) == 0
         && (path[dirlen] == '\0' || path[dirlen] == '/');
}

static void
forget (struct v2c_kube_file *w, int layer)
{
  if (w->layer < 0 || w->layer >= layer)
    return;
  free (w->data);
  w->data = NULL;
  w->len = 0;
  free (w->why);
  free (w->link);
  w->link = NULL;
  w->why = strdup ("deleted by a later layer of the image");
  w->layer = -1;
}

static int
set_why (struct v2c_kube_file *w, int layer, const char *fmt, const char *arg)
{
  char buf[600];

  /* arg may be w->link */
  snprintf (buf, sizeof buf, fmt, arg);
  free (w->data);
  w->data = NULL;
  w->len = 0;
  free (w->why);
  free (w->link);
  w->link = NULL;
  w->why = strdup (buf);
  w->layer = layer;
  return w->why ? 0 : -1;
}

static int
read_layer (const char *path, int layer, struct v2c_kube_file *want, size_t n,
            struct v2c_err *err)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *e;
  int r, status = -1;
  size_t i;

  if (a == NULL)
    return v2c_set_error (err, ENOMEM, "can't read '%s'", path);
  archive_read_support_filter_all (a);
  archive_read_support_format_tar (a);
  if (archive_read_open_filename (a, path, 65536) != ARCHIVE_OK) {
    v2c_set_error (err, archive_errno (a) > 0 ? archive_errno (a) : 0,
                   "can't read the layer '%s': %s", path,
                   archive_error_string (a));
    goto out;
  }
  while ((r = archive_read_next_header (a, &e)) == ARCHIVE_OK
         || r == ARCHIVE_WARN) {
    const char *name = entry_name (
        archive_entry_pathname (e) ? archive_entry_pathname (e) : "");
    const char *base, *slash;
    size_t dirlen;

    if (name == NULL || *name == '\0')
      continue;
    slash = strrchr (name, '/');
    base = slash ? slash + 1 : name;
    dirlen = slash ? (size_t) (slash - name) : 0;
    if (strncmp (base, ".wh.", 4) == 0) {
      /* ".wh..wh..opq": the directory's lower contents are gone;
       * ".wh.NAME": NAME (and what was below it) is gone. */
      int opaque = strcmp (base, ".wh..wh..opq") == 0;
      char gone[4096];

      if ((size_t) snprintf (gone, sizeof gone, "%.*s%s%s", (int) dirlen, name,
                             dirlen ? "/" : "", base + 4)
          >= sizeof gone)
        continue;
      for (i = 0; i < n; i++) {
        const char *p = want[i].path + 1;

        if (opaque ? (dirlen == 0
                      || (strncmp (p, name, dirlen) == 0 && p[dirlen] == '/'))
                   : at_or_under (p, gone, strlen (gone)))
          forget (&want[i], layer);
      }
      continue;
    }
    for (i = 0; i < n; i++) {
      struct v2c_kube_file *w = &want[i];
      int64_t size;
      char *buf;
      la_ssize_t got;

      if (strcmp (w->path + 1, name) != 0)
        continue;
      if (archive_entry_hardlink (e) != NULL) {
        if (set_why (w, layer, "a hard link to '/%s' in the image",
                     archive_entry_hardlink (e))
            == -1)
          goto oom;
        continue;
      }
      if (archive_entry_filetype (e) == AE_IFLNK) {
        const char *to = archive_entry_symlink (e);

        if (set_why (w, layer, "a symbolic link to '%s' in the image",
                     to ? to : "?")
                == -1
            || (to && *to && (w->link = strdup (to)) == NULL))
          goto oom;
        continue;
      }
      if (archive_entry_filetype (e) != AE_IFREG) {
        if (set_why (w, layer, "%s", "not a regular file in the image") == -1)
          goto oom;
        continue;
      }
      size = archive_entry_size (e);
      if (size < 0 || size > (int64_t) V2C_KUBE_MAX_CONFIG_BYTES) {
        if (set_why (w, layer, "%s", "larger than a ConfigMap should hold")
            == -1)
          goto oom;
        continue;
      }
      buf = malloc ((size_t) size + 1);
      if (buf == NULL)
        goto oom;
      got = size ? archive_read_data (a, buf, (size_t) size) : 0;
      if (got != (la_ssize_t) size) {
        free (buf);
        v2c_set_error (err, 0, "can't read '%s' from the layer '%s': %s",
                       w->path, path,
                       got < 0 ? archive_error_string (a) : "short read");
        goto out;
      }
      buf[size] = '\0';
      free (w->data);
      free (w->why);
      free (w->link);
      w->why = NULL;
      w->link = NULL;
      w->data = buf;
      w->len = (size_t) size;
      w->layer = layer;
    }
  }
  if (r != ARCHIVE_EOF) {
    v2c_set_error (err, 0, "can't read the layer '%s': %s", path,
                   archive_error_string (a));
    goto out;
  }
  status = 0;
  goto out;
oom:
  v2c_set_error (err, ENOMEM, "can't read the layer '%s'", path);
out:
  archive_read_free (a);
  return status;
}

static int
read_layers (const char *dir, json_t *layers, struct v2c_kube_file *want,
             size_t n, struct v2c_err *err)
{
  char path[4096];
  size_t i;

  for (i = 0; i < json_array_size (layers); i++) {
    const char *d = json_string_value (
        json_object_get (json_array_get (layers, i), "digest"));

    if (!v2c_oci_digest_valid (d))
      return v2c_set_error (err, 0,
                            "image '%s': manifest: layers[%zu].digest is not "
                            "a sha256 digest",
                            dir, i);
    if (v2c_oci_blob_path (path, sizeof path, dir, d, err) == -1
        || read_layer (path, (int) i, want, n, err) == -1)
      return -1;
  }
  return 0;
}

int
v2c_kube_link_target (const char *from, const char *link, char *out,
                      size_t size)
{
  size_t len = 0;
  const char *parts[2], *p;
  int k;

  if (size < 2)
    return -1;
  parts[0] = link[0] == '/' ? "" : from;
  parts[1] = link;
  out[0] = '\0';
  for (k = 0; k < 2; k++)
    for (p = parts[k]; *p;) {
      size_t n = strcspn (p, "/");
      int last = k == 0 && p[n] == '\0';

      /* the link's own name is not a directory of its target */
      if (last)
        break;
      if (n == 2 && p[0] == '.' && p[1] == '.') {
        if (len == 0)
          return -1;
        while (len > 0 && out[len - 1] != '/')
          len--;
        len--;
        out[len] = '\0';
      } else if (n > 0 && !(n == 1 && p[0] == '.')) {
        if (len + 1 + n >= size)
          return -1;
        out[len++] = '/';
        memcpy (out + len, p, n);
        len += n;
        out[len] = '\0';
      }
      p += n;
      while (*p == '/')
        p++;
    }
  return len > 0 ? 0 : -1;
}

/* Follow the symbolic links among want[0..n): read each target from
 * the layers again, up to V2C_KUBE_MAX_LINKS links deep. */
static int
follow_links (const char *dir, json_t *layers, struct v2c_kube_file *want,
              size_t n, struct v2c_err *err)
{
  struct v2c_kube_file *t = calloc (n + 1, sizeof *t);
  char **paths = calloc (n + 1, sizeof *paths);
  size_t *idx = calloc (n + 1, sizeof *idx), i, m = 0;
  int hop, status = -1;

  if (t == NULL || paths == NULL || idx == NULL) {
    v2c_set_error (err, ENOMEM, "image '%s'", dir);
    goto out;
  }
  for (hop = 0;; hop++) {
    m = 0;
    for (i = 0; i < n; i++) {
      struct v2c_kube_file *w = &want[i];
      const char *from = w->target ? w->target : w->path;
      char buf[4096];

      if (w->link == NULL)
        continue;
      if (hop == V2C_KUBE_MAX_LINKS
          || v2c_kube_link_target (from, w->link, buf, sizeof buf) == -1) {
        if (set_why (w, w->layer,
                     hop == V2C_KUBE_MAX_LINKS
                         ? "more than %s symbolic links deep in the image"
                         : "a symbolic link to '%s', out of the image",
                     hop == V2C_KUBE_MAX_LINKS ? "8" : w->link)
            == -1)
          goto oom;
        continue;
      }
      if ((paths[m] = strdup (buf)) == NULL)
        goto oom;
      memset (&t[m], 0, sizeof t[m]);
      t[m].path = paths[m];
      t[m].layer = -1;
      idx[m++] = i;
    }
    if (m == 0)
      break;
    if (read_layers (dir, layers, t, m, err) == -1)
      goto out;
    for (i = 0; i < m; i++) {
      struct v2c_kube_file *w = &want[idx[i]];
      char why[600];

      free (w->target);
      w->target = paths[i];
      paths[i] = NULL;
      free (w->link);
      w->link = t[i].link;
      t[i].link = NULL;
      free (w->data);
      w->data = t[i].data;
      w->len = t[i].len;
      w->layer = t[i].layer;
      t[i].data = NULL;
      free (w->why);
      w->why = NULL;
      if (w->data == NULL && w->link == NULL) {
        snprintf (why, sizeof why, "a symbolic link to '%s', %s", w->target,
                  t[i].why ? t[i].why : "not in the image");
        if ((w->why = strdup (why)) == NULL)
          goto oom;
      } else if (w->link
                 && (w->why = strdup ("a symbolic link in the image")) == NULL)
        goto oom;
      free (t[i].why);
      t[i].why = NULL;
    }
  }
  status = 0;
  goto out;
oom:
  v2c_set_error (err, ENOMEM, "image '%s'", dir);
out:
  if (t && status == -1)
    for (i = 0; i < m; i++) {
      free (t[i].data);
      free (t[i].why);
      free (t[i].link);
    }
  for (i = 0; paths && i < n; i++)
    free (paths[i]);
  free (paths);
  free (idx);
  free (t);
  return status;
}

int
v2c_kube_image_read_files (const char *dir, struct v2c_kube_file *want,
                           size_t n, struct v2c_err *err)
{
  char digest[80];
  json_t *m, *layers;
  size_t i;
  int status = -1;

  for (i = 0; i < n; i++) {
    want[i].data = NULL;
    want[i].len = 0;
    want[i].why = NULL;
    want[i].target = NULL;
    want[i].link = NULL;
    want[i].layer = -1;
    if (want[i].path == NULL || want[i].path[0] != '/')
      return v2c_set_error (err, EINVAL, "not an absolute path");
  }
  if (n == 0)
    return 0;
  m = v2c_oci_read_manifest (dir, digest, sizeof digest, NULL, err);
  if (m == NULL)
    return -1;
  layers = json_object_get (m, "layers");
  if (json_array_size (layers) > MAX_LAYERS) {
    v2c_set_error (err, 0, "image '%s': more than %d layers", dir, MAX_LAYERS);
    goto out;
  }
  if (read_layers (dir, layers, want, n, err) == -1
      || follow_links (dir, layers, want, n, err) == -1)
    goto out;
  for (i = 0; i < n; i++)
    if (want[i].data == NULL && want[i].why == NULL
        && (want[i].why = strdup ("not in the image")) == NULL) {
      v2c_set_error (err, ENOMEM, "image '%s'", dir);
      goto out;
    }
  status = 0;
out:
  json_decref (m);
  if (status == -1)
    v2c_kube_files_clear (want, n);
  return status;
}

void
v2c_kube_files_clear (struct v2c_kube_file *want, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    free (want[i].data);
    free (want[i].why);
    free (want[i].target);
    free (want[i].link);
    want[i].data = NULL;
    want[i].why = NULL;
    want[i].target = NULL;
    want[i].link = NULL;
    want[i].len = 0;
    want[i].layer = -1;
  }
}
