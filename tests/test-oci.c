/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The OCI image layout writer.  "test-oci make IMAGE TREE" builds TREE
 * and an image of it in two layers for tests/test-oci-tools.sh, which
 * checks it with skopeo and umoci.  Without arguments: the files of the
 * layout (oci-layout, index.json naming the manifest, the manifest naming
 * blobs whose SHA-256 is their name), the same image twice gives the same
 * manifest digest, an existing directory is refused without force and
 * replaced with it, an interrupted writer leaves nothing behind, bad
 * calls are refused, and a model image (v2c_oci_layer_commit_model: an
 * image of its one layer, beside the image, config without a command)
 * is in the index under its ref while the image does not hold its layer.
 */
#include <config.h>

#include <glob.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "image-tree.h"
#include "unit.h"
#define check_fail FAIL

/* The image of the tree: entries before "data" in one layer, the rest
 * in another (whole top-level subtrees in each). */
static struct v2c_oci *
build_image (const char *img, struct tree *t, int64_t created, int force)
{
  struct v2c_oci *o = v2c_oci_new ();
  json_t *cfg;
  size_t split = 0;

  while (split < t->n && tree_order (t->v[split].path, "data") < 0)
    split++;
  if (v2c_oci_open (o, img, force) == -1)
    tree_die ("open %s: %s", img, v2c_oci_error (o));
  for (int l = 0; l < 2; l++) {
    struct v2c_layer_writer *w = v2c_oci_layer_begin (o);
    if (w == NULL)
      tree_die ("layer_begin: %s", v2c_oci_error (o));
    tree_feed (w, t, l == 0 ? 0 : split, l == 0 ? split : t->n);
    if (v2c_oci_layer_commit (o, w, l == 0 ? "v2c: os" : "v2c: app",
                              l == 0 ? "files before data/" : NULL)
        == -1)
      tree_die ("layer_commit: %s", v2c_oci_error (o));
  }
  cfg = json_pack ("{s:s, s:s, s:[s,s], s:[s,s,s], s:{s:{}}, s:{s:s}}", "User",
                   "1001:1001", "WorkingDir", "/home/app", "Env",
                   "PATH=/usr/local/bin:/usr/bin:/bin", "APP_ENV=test", "Cmd",
                   "/bin/sh", "-c", "exec app", "ExposedPorts", "8080/tcp",
                   "Labels", "org.example.source", "test-oci");
  if (cfg == NULL || v2c_oci_set_config (o, cfg) == -1
      || v2c_oci_set_platform (o, "amd64", "linux", NULL) == -1
      || v2c_oci_add_annotation (o, "org.opencontainers.image.title",
                                 "test-oci")
             == -1)
    tree_die ("config: %s", v2c_oci_error (o));
  json_decref (cfg);
  if (v2c_oci_close (o, "v1", created) == -1)
    tree_die ("close: %s", v2c_oci_error (o));
  return o;
}

static int64_t
newest_mtime (struct tree *t)
{
  int64_t m = -1;
  for (size_t i = 0; i < t->n; i++)
    if (t->v[i].st.st_mtim.tv_sec > m)
      m = t->v[i].st.st_mtim.tv_sec;
  return m;
}

static char *
slurp (const char *path, size_t *len)
{
  FILE *f = fopen (path, "rb");
  char *buf = NULL;
  long n;

  if (f == NULL || fseek (f, 0, SEEK_END) || (n = ftell (f)) < 0
      || fseek (f, 0, SEEK_SET) || (buf = malloc ((size_t) n + 1)) == NULL
      || fread (buf, 1, (size_t) n, f) != (size_t) n)
    tree_die ("can't read %s", path);
  fclose (f);
  buf[n] = '\0';
  *len = (size_t) n;
  return buf;
}

static void
sha256_hex (const void *buf, size_t len, char *out)
{
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n;
  EVP_Digest (buf, len, d, &n, EVP_sha256 (), NULL);
  strcpy (out, "sha256:");
  for (unsigned int i = 0; i < n; i++)
    sprintf (out + 7 + 2 * i, "%02x", d[i]);
}

/* A blob named by digest exists and hashes to its name; its JSON. */
static json_t *
check_blob (const char *img, const char *digest, int64_t size, int parse)
{
  char path[4096], h[80];
  size_t len;
  char *buf;
  json_t *j = NULL;

  if (digest == NULL || strncmp (digest, "sha256:", 7)) {
    check_fail ("bad digest '%s'", digest ? digest : "(null)");
    return NULL;
  }
  snprintf (path, sizeof path, "%s/blobs/sha256/%s", img, digest + 7);
  buf = slurp (path, &len);
  sha256_hex (buf, len, h);
  if (strcmp (h, digest))
    check_fail ("%s hashes to %s", path, h);
  if (size >= 0 && (int64_t) len != size)
    check_fail ("%s: %zu bytes, descriptor says %lld", path, len,
                (long long) size);
  if (parse) {
    json_error_t e;
    j = json_loadb (buf, len, 0, &e);
    if (j == NULL)
      check_fail ("%s: %s", path, e.text);
  }
  free (buf);
  return j;
}

static const char *
jstr (json_t *j, const char *path)
{
  /* a.b.c lookups on objects */
  char key[256];
  const char *p = path;

  while (j && *p) {
    size_t n = strcspn (p, ".");
    snprintf (key, sizeof key, "%.*s", (int) n, p);
    j = json_object_get (j, key);
    p += n + (p[n] == '.');
  }
  return json_is_string (j) ? json_string_value (j) : NULL;
}

static void
expect_str (json_t *j, const char *path, const char *want, const char *what)
{
  const char *got = jstr (j, path);
  if (got == NULL || strcmp (got, want))
    check_fail ("%s: %s is '%s', want '%s'", what, path, got ? got : "(none)",
                want);
}

/* A key with dots in it (annotations). */
static void
expect_key (json_t *j, const char *key, const char *want, const char *what)
{
  const char *got = json_string_value (json_object_get (j, key));
  if (got == NULL || strcmp (got, want))
    check_fail ("%s: %s is '%s', want '%s'", what, key, got ? got : "(none)",
                want);
}

static void
check_layout (const char *img, struct v2c_oci *o, struct tree *t)
{
  char path[4096];
  size_t len;
  char *buf;
  json_t *index, *man, *cfg, *desc, *layers, *diff_ids;
  json_error_t e;

  snprintf (path, sizeof path, "%s/oci-layout", img);
  buf = slurp (path, &len);
  if (strcmp (buf, "{\"imageLayoutVersion\":\"1.0.0\"}"))
    check_fail ("oci-layout is '%s'", buf);
  free (buf);
  snprintf (path, sizeof path, "%s/index.json", img);
  index = json_load_file (path, 0, &e);
  if (index == NULL)
    tree_die ("%s: %s", path, e.text);
  expect_str (index, "mediaType", "application/vnd.oci.image.index.v1+json",
              "index.json");
  if (json_integer_value (json_object_get (index, "schemaVersion")) != 2)
    check_fail ("index.json: schemaVersion is not 2");
  desc = json_array_get (json_object_get (index, "manifests"), 0);
  if (json_array_size (json_object_get (index, "manifests")) != 1)
    check_fail ("index.json: not one manifest");
  expect_str (desc, "mediaType", "application/vnd.oci.image.manifest.v1+json",
              "index.json manifest");
  expect_str (desc, "digest", v2c_oci_manifest_digest (o),
              "index.json manifest");
  expect_key (json_object_get (desc, "annotations"),
              "org.opencontainers.image.ref.name", "v1", "index.json");
  expect_str (desc, "platform.architecture", "amd64", "index.json");
  man = check_blob (img, jstr (desc, "digest"),
                    json_integer_value (json_object_get (desc, "size")), 1);
  if (man == NULL)
    tree_die ("no manifest");
  expect_str (man, "mediaType", "application/vnd.oci.image.manifest.v1+json",
              "manifest");
  expect_key (json_object_get (man, "annotations"),
              "org.opencontainers.image.title", "test-oci", "manifest");
  desc = json_object_get (man, "config");
  expect_str (desc, "mediaType", "application/vnd.oci.image.config.v1+json",
              "manifest config");
  cfg = check_blob (img, jstr (desc, "digest"),
                    json_integer_value (json_object_get (desc, "size")), 1);
  layers = json_object_get (man, "layers");
  diff_ids
      = cfg ? json_object_get (json_object_get (cfg, "rootfs"), "diff_ids")
            : NULL;
  if (json_array_size (layers) != 2 || json_array_size (diff_ids) != 2
      || v2c_oci_layer_count (o) != 2)
    check_fail ("not two layers and two diff_ids");
  for (size_t i = 0; i < json_array_size (layers); i++) {
    json_t *l = json_array_get (layers, i);
    expect_str (l, "digest", v2c_oci_layer_digest (o, i), "layer");
    expect_str (l, "mediaType", "application/vnd.oci.image.layer.v1.tar+gzip",
                "layer");
    if (json_integer_value (json_object_get (l, "size"))
        != v2c_oci_layer_size (o, i))
      check_fail ("layer %zu size", i);
    check_blob (img, jstr (l, "digest"),
                json_integer_value (json_object_get (l, "size")), 0);
    if (strcmp (json_string_value (json_array_get (diff_ids, i)),
                v2c_oci_layer_diff_id (o, i)))
      check_fail ("layer %zu diff_id", i);
  }
  if (cfg) {
    char when[32];
    time_t m = (time_t) newest_mtime (t);
    struct tm tm;
    gmtime_r (&m, &tm);
    strftime (when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    expect_str (cfg, "created", when, "config");
    expect_str (cfg, "architecture", "amd64", "config");
    expect_str (cfg, "os", "linux", "config");
    expect_str (cfg, "config.User", "1001:1001", "config");
    expect_str (cfg, "rootfs.type", "layers", "config");
    if (json_array_size (json_object_get (cfg, "history")) != 2)
      check_fail ("config: not two history entries");
    expect_str (json_array_get (json_object_get (cfg, "history"), 0),
                "created_by", "v2c: os", "config history");
  }
  json_decref (cfg);
  json_decref (man);
  json_decref (index);
}

static int
leftovers (const char *dir, int quiet)
{
  char pat[4096];
  glob_t g;
  int n;

  snprintf (pat, sizeof pat, "%s*", dir);
  if (glob (pat, 0, NULL, &g) != 0)
    return 0;
  n = (int) g.gl_pathc;
  for (size_t i = 0; !quiet && i < g.gl_pathc; i++)
    fprintf (stderr, "left behind: %s\n", g.gl_pathv[i]);
  globfree (&g);
  return n;
}

static void
check_refusals (const char *dir, struct tree *t)
{
  char img[4096], other[4096];
  struct v2c_oci *o;
  struct v2c_layer_writer *w;
  json_t *bad;

  /* An existing image: refused without force, replaced with it. */
  snprintf (img, sizeof img, "%s/img", dir);
  o = v2c_oci_new ();
  if (v2c_oci_open (o, img, 0) == 0)
    check_fail ("an existing image directory accepted without force");
  else if (v2c_oci_errno (o) != EEXIST)
    check_fail ("existing directory: '%s'", v2c_oci_error (o));
  v2c_oci_free (o);
  snprintf (other, sizeof other, "%s/img/marker", dir);
  tree_write (dir, "img/marker", "x", 1, 0);
  o = build_image (img, t, -1, 1);
  v2c_oci_free (o);
  if (access (other, F_OK) == 0)
    check_fail ("force did not replace %s", img);

  /* A directory that is not an image is never replaced. */
  snprintf (other, sizeof other, "%s/notimage", dir);
  tree_do (mkdir (other, 0755), "mkdir", other);
  tree_write (dir, "notimage/precious", "x", 1, 0);
  o = v2c_oci_new ();
  if (v2c_oci_open (o, other, 1) == 0)
    check_fail ("force accepted a directory that is not an image");
  v2c_oci_free (o);

  /* Interrupted: nothing named like the image stays. */
  snprintf (img, sizeof img, "%s/interrupted", dir);
  o = v2c_oci_new ();
  if (v2c_oci_open (o, img, 0) == -1)
    tree_die ("open %s: %s", img, v2c_oci_error (o));
  w = v2c_oci_layer_begin (o);
  tree_feed (w, t, 0, 3);
  v2c_oci_free (o);
  if (leftovers (img, 0))
    check_fail ("an interrupted image left files behind");
  /* Also after a committed layer. */
  o = v2c_oci_new ();
  v2c_oci_open (o, img, 0);
  w = v2c_oci_layer_begin (o);
  tree_feed (w, t, 0, 3);
  if (v2c_oci_layer_commit (o, w, NULL, NULL) == -1)
    check_fail ("commit: %s", v2c_oci_error (o));
  v2c_oci_free (o);
  if (leftovers (img, 0))
    check_fail ("an interrupted image left files behind");

  /* Bad calls. */
  o = v2c_oci_new ();
  v2c_oci_open (o, img, 0);
  bad = json_pack ("{s:s}", "Usr", "root");
  if (v2c_oci_set_config (o, bad) == 0)
    check_fail ("unknown config field accepted");
  json_decref (bad);
  bad = json_pack ("{s:[s]}", "Env", "NOEQUALS");
  if (v2c_oci_set_config (o, bad) == 0)
    check_fail ("Env without '=' accepted");
  json_decref (bad);
  bad = json_pack ("{s:s}", "Cmd", "/bin/sh");
  if (v2c_oci_set_config (o, bad) == 0)
    check_fail ("Cmd as a string accepted");
  json_decref (bad);
  if (v2c_oci_close (o, "v1", -1) == 0)
    check_fail ("close without a platform accepted");
  v2c_oci_set_platform (o, "arm64", "linux", "v8");
  if (v2c_oci_close (o, "bad ref", -1) == 0 || v2c_oci_close (o, "-x", -1) == 0
      || v2c_oci_close (o, "a/", -1) == 0)
    check_fail ("a bad reference name accepted");
  if (v2c_oci_close (o, "registry.example:5000/app--x_1.0@stage", -1) == -1)
    check_fail ("a good reference name refused: %s", v2c_oci_error (o));
  v2c_oci_free (o);
}

/* The blob of digest in img, as JSON. */
static json_t *
blob_json (const char *img, const char *digest)
{
  char path[4096];
  json_error_t e;
  json_t *j;

  snprintf (path, sizeof path, "%s/blobs/sha256/%s", img,
            digest ? digest + 7 : "");
  j = json_load_file (path, 0, &e);
  if (j == NULL)
    tree_die ("%s: %s", path, e.text);
  return j;
}

static void
check_model_image (const char *dir, struct tree *t)
{
  char img[4096];
  struct v2c_oci *o = v2c_oci_new ();
  struct v2c_layer_writer *w;
  json_t *index, *man, *model, *cfg, *m;
  const char *md;
  size_t i;

  snprintf (img, sizeof img, "%s/img-model", dir);
  if (v2c_oci_open (o, img, 0) == -1)
    tree_die ("open %s: %s", img, v2c_oci_error (o));
  for (int l = 0; l < 3; l++) {
    if ((w = v2c_oci_layer_begin (o)) == NULL)
      tree_die ("layer_begin: %s", v2c_oci_error (o));
    tree_feed (w, t, l == 0 ? 0 : t->n / 2, l == 0 ? t->n / 2 : t->n);
    if (l == 0 && v2c_oci_layer_commit (o, w, "v2c: os", NULL) == -1)
      tree_die ("layer_commit: %s", v2c_oci_error (o));
    /* a bad ref name: refused, the writer freed */
    if (l == 1 && (v2c_oci_layer_commit_model (o, w, NULL, NULL, "a b") != -1
                   || v2c_oci_errno (o) != EINVAL))
      check_fail ("a model image named 'a b' was not refused");
    if (l == 2
        && v2c_oci_layer_commit_model (o, w, "v2c: model", NULL, "v1-model-m")
               == -1)
      tree_die ("commit_model: %s", v2c_oci_error (o));
  }
  if (v2c_oci_set_platform (o, "amd64", "linux", NULL) == -1
      || v2c_oci_close (o, "v1", 0) == -1)
    tree_die ("close: %s", v2c_oci_error (o));
  md = v2c_oci_model_manifest_digest (o, "v1-model-m");
  snprintf (img + strlen (img), sizeof img - strlen (img), "/index.json");
  index = json_load_file (img, 0, NULL);
  img[strlen (img) - strlen ("/index.json")] = '\0';
  if (index == NULL || md == NULL
      || json_array_size (json_object_get (index, "manifests")) != 2
      || v2c_oci_model_manifest_digest (o, "v1-model-x") != NULL)
    tree_die ("index.json or the model digest missing");
  json_array_foreach (json_object_get (index, "manifests"), i, m)
    expect_key (json_object_get (m, "annotations"),
                "org.opencontainers.image.ref.name", i ? "v1-model-m" : "v1",
                "index.json");
  expect_str (json_array_get (json_object_get (index, "manifests"), 1),
              "digest", md, "the model manifest");
  man = blob_json (img, v2c_oci_manifest_digest (o));
  model = blob_json (img, md);
  cfg = blob_json (img, jstr (model, "config.digest"));
  if (json_array_size (json_object_get (man, "layers")) != 1
      || json_array_size (json_object_get (model, "layers")) != 1
      || !strcmp (jstr (json_array_get (json_object_get (man, "layers"), 0),
                        "digest"),
                  jstr (json_array_get (json_object_get (model, "layers"), 0),
                        "digest"))
      || json_object_size (json_object_get (cfg, "config")) != 0
      || json_array_size (json_object_get (json_object_get (cfg, "rootfs"),
                                           "diff_ids"))
             != 1)
    check_fail ("the image and the model image share or lack layers");
  json_decref (index);
  json_decref (man);
  json_decref (model);
  json_decref (cfg);
  v2c_oci_free (o);
}

int
main (int argc, char **argv)
{
  char dir[] = "/var/tmp/v2c-test-oci-XXXXXX", root[4096], img[4096],
       img2[4096], cmd[8192];
  struct tree t;
  struct v2c_oci *o, *o2;

  if (argc == 4 && !strcmp (argv[1], "make")) {
    /* umoci writes the holes out: a smaller sparse file than
     * test-layer's keeps the tool test quick. */
    tree_make (argv[3], 256ll << 20);
    tree_walk (&t, argv[3]);
    o = build_image (argv[2], &t, newest_mtime (&t), 0);
    printf ("%s\n", v2c_oci_manifest_digest (o));
    v2c_oci_free (o);
    tree_free (&t);
    return 0;
  }
  if (argc != 1) {
    fprintf (stderr, "usage: test-oci [make IMAGE TREE]\n");
    return 2;
  }
  if (mkdtemp (dir) == NULL)
    tree_die ("mkdtemp: %s", strerror (errno));
  snprintf (root, sizeof root, "%s/tree", dir);
  tree_make (root, 64ll << 20);
  tree_walk (&t, root);

  snprintf (img, sizeof img, "%s/img", dir);
  o = build_image (img, &t, newest_mtime (&t), 0);
  check_layout (img, o, &t);
  snprintf (img2, sizeof img2, "%s/img2", dir);
  o2 = build_image (img2, &t, newest_mtime (&t), 0);
  if (strcmp (v2c_oci_manifest_digest (o), v2c_oci_manifest_digest (o2)))
    check_fail ("the same image twice: manifests %s and %s",
                v2c_oci_manifest_digest (o), v2c_oci_manifest_digest (o2));
  if (leftovers (img2, 1) != 1)
    check_fail ("temporary directories left beside %s", img2);
  v2c_oci_free (o);
  v2c_oci_free (o2);

  check_refusals (dir, &t);
  check_model_image (dir, &t);

  tree_free (&t);
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system (cmd) != 0)
    fprintf (stderr, "can't remove %s\n", dir);
  return unit_status ();
}
