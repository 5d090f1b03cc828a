/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for v2c_dpkg_parse_status, v2c_dpkg_status_without
 * (the text without package p: never longer, the same text when p has
 * no stanza, and a text that parses without p), and for v2c_dpkg_read with
 * files: the input, cut at lines "--8<--", becomes var/lib/dpkg/status,
 * info/p.list, info/p.md5sums and info/p.conffiles of a scratch tree
 * (only inputs that have such a line: the files cost time).
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inspect.h"
#include "strbuf.h"

static void
put (const char *root, const char *rel, const char *s, size_t n)
{
  char path[4096];
  FILE *f;

  snprintf (path, sizeof path, "%s/%s", root, rel);
  f = fopen (path, "wb");
  if (f == NULL)
    abort ();
  if (n && fwrite (s, 1, n, f) != n)
    abort ();
  fclose (f);
}

static const char *const names[] = {
  "var/lib/dpkg/status",
  "var/lib/dpkg/info/p.list",
  "var/lib/dpkg/info/p.md5sums",
  "var/lib/dpkg/info/p.conffiles",
  "var/lib/dpkg/info",
  "var/lib/dpkg",
  "var/lib",
  "var",
};
static char root[] = "/tmp/fuzz-dpkg.XXXXXX";

static void
cleanup (void)
{
  char path[4096];
  size_t k;

  for (k = 0; k < sizeof names / sizeof names[0]; k++) {
    snprintf (path, sizeof path, "%s/%s", root, names[k]);
    remove (path);
  }
  rmdir (root);
}

static void
tree (const uint8_t *data, size_t size)
{
  static struct v2c_fs *fs;
  const char *s = (const char *) data, *end = s + size;
  struct v2c_err err = { 0 };
  struct v2c_pkgs pk;
  size_t k;

  if (memmem (data, size, "\n--8<--\n", 8) == NULL)
    return;
  if (fs == NULL) {
    char d[4096];
    if (mkdtemp (root) == NULL)
      abort ();
    atexit (cleanup);
    snprintf (d, sizeof d, "%s/var", root);
    mkdir (d, 0700);
    snprintf (d, sizeof d, "%s/var/lib", root);
    mkdir (d, 0700);
    snprintf (d, sizeof d, "%s/var/lib/dpkg", root);
    mkdir (d, 0700);
    snprintf (d, sizeof d, "%s/var/lib/dpkg/info", root);
    mkdir (d, 0700);
    fs = v2c_fs_open_dir (root, &err);
    if (fs == NULL)
      abort ();
  }
  for (k = 0; k < 4; k++) {
    const char *cut = memmem (s, end - s, "\n--8<--\n", 8);
    const char *e = cut ? cut + 1 : end;
    put (root, names[k], s, e - s);
    s = cut ? cut + 8 : end;
  }
  if (v2c_dpkg_read (fs, 1, &pk, &err) == -1) {
    if (err.msg[0] == '\0')
      abort ();
    return;
  }
  for (k = 0; k < pk.n; k++)
    for (size_t i = 0; i < pk.v[k].nfiles; i++) {
      const char *d = pk.v[k].files[i].digest;
      if (pk.v[k].files[i].path[0] != '/'
          || (d && (strlen (d) != 32 || strspn (d, "0123456789abcdef") != 32)))
        abort ();
    }
  v2c_pkgs_free_contents (&pk);
}

static void
without (const char *s, size_t size, int parsed)
{
  static const char *const v[] = { "p", NULL };
  const struct v2c_strvec drop = { (char **) v, 1, 1 };
  struct v2c_strvec dropped = V2C_STRVEC_INIT;
  struct v2c_strbuf out = V2C_STRBUF_INIT;
  struct v2c_err err = { 0 };
  struct v2c_pkgs pk;
  size_t i;

  if (v2c_dpkg_status_without (s, size, &drop, &out, &dropped) == -1)
    abort ();
  if (out.len > size || dropped.n > 1
      || (dropped.n == 0
          && (out.len != size || (size && memcmp (out.s, s, size) != 0))))
    abort ();
  if (parsed && v2c_dpkg_parse_status (out.s ? out.s : "", out.len, &pk, &err)
                    == 0) {
    for (i = 0; i < pk.n; i++)
      if (strcmp (pk.v[i].name, "p") == 0)
        abort ();
    v2c_pkgs_free_contents (&pk);
  }
  v2c_strbuf_release (&out);
  v2c_strvec_clear (&dropped);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2c_err err = { 0 };
  struct v2c_pkgs pk;
  size_t i;

  if (v2c_dpkg_parse_status ((const char *) data, size, &pk, &err) == -1) {
    if (err.msg[0] == '\0' || pk.n != 0)
      abort ();
    without ((const char *) data, size, 0);
    tree (data, size);
    return 0;
  }
  without ((const char *) data, size, 1);
  for (i = 0; i < pk.n; i++) {
    const struct v2c_pkg *p = &pk.v[i];
    /* every package has a name and a version that splits back whole */
    if (p->name == NULL || p->evr == NULL || p->version == NULL
        || strlen (p->version) > strlen (p->evr) || p->nfiles != 0)
      abort ();
    if (i > 0 && strcmp (pk.v[i - 1].name, p->name) > 0)
      abort ();
  }
  v2c_pkgs_free_contents (&pk);
  tree (data, size);
  return 0;
}
