/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * tests/test-kube-links: what a ConfigMap gets of a configuration file
 * that is a symbolic link in the image (followed inside the image,
 * bounded, never above its root), and nginx's loopback proxy targets
 * rewritten to the Services' names.
 */
#include <config.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "image.h"
#include "kube.h"
#include "unit.h"

static void
check_target (const char *from, const char *link, const char *want)
{
  char out[64];
  int r = v2c_kube_link_target (from, link, out, sizeof out);

  if (want == NULL)
    CHECK (r == -1, "'%s' -> '%s': '%s', expected a refusal", from, link,
           r == 0 ? out : "");
  else
    CHECK (r == 0 && strcmp (out, want) == 0, "'%s' -> '%s': '%s', not '%s'",
           from, link, r == 0 ? out : "(refused)", want);
}

static void
check_link_targets (void)
{
  int before = failures;

  check_target ("/etc/nginx/sites-enabled/default",
                "/etc/nginx/sites-available/default",
                "/etc/nginx/sites-available/default");
  check_target ("/etc/nginx/sites-enabled/default",
                "../sites-available/default",
                "/etc/nginx/sites-available/default");
  check_target ("/etc/a", "./b//c/./d", "/etc/b/c/d");
  check_target ("/etc/a", "../../../etc/shadow", NULL);
  check_target ("/etc/a", "..", NULL);
  check_target ("/a", "/", NULL);
  check_target ("/etc/a", "x/../../etc/../../y", NULL);
  check_target (
      "/etc/a",
      "a-very-long-name-that-does-not-fit-into-the-buffer-of-sixty-four",
      NULL);
  CHECK_SAY (failures == before,
             "link targets: relative and absolute, '.' and '..' resolved, "
             "none above '/' or too long");
}

static char *
rewrite (const char *in, size_t *count, char *log, size_t logsize)
{
  static const struct v2c_kube_upstream ups[]
      = { { 8080, "demo-app" }, { 9000, "php-fpm" } };
  char *out = NULL, *l = NULL;
  size_t ll = 0;
  FILE *f = open_memstream (&l, &ll);

  if (f == NULL
      || v2c_kube_rewrite_proxy (in, strlen (in), "v2c-demo", ups, 2, &out,
                                 count, f)
             == -1)
    unit_die ("v2c_kube_rewrite_proxy: out of memory");
  fclose (f);
  snprintf (log, logsize, "%s", l);
  free (l);
  return out;
}

static void
check_rewrite (const char *in, const char *want, const char *want_log)
{
  size_t count;
  char log[256];
  char *out = rewrite (in, &count, log, sizeof log);

  if (want == NULL)
    CHECK (out == NULL && count == 0, "'%s' was rewritten: '%s'", in,
           unit_str (out));
  else {
    CHECK (out && strcmp (out, want) == 0, "'%s' -> '%s', expected '%s'", in,
           unit_str (out), want);
    CHECK (strcmp (log, want_log) == 0, "'%s': log '%s', expected '%s'", in,
           log, want_log);
  }
  free (out);
}

static void
check_rewrites (void)
{
  int before = failures;

  check_rewrite ("location / {\n\tproxy_pass http://127.0.0.1:8080;\n}\n",
                 "location / {\n\tproxy_pass http://demo-app:8080;\n}\n",
                 "127.0.0.1:8080 -> demo-app:8080");
  check_rewrite ("proxy_pass http://localhost:8080/app/;"
                 " fastcgi_pass 127.0.0.1:9000;",
                 "proxy_pass http://demo-app:8080/app/;"
                 " fastcgi_pass php-fpm:9000;",
                 "localhost:8080 -> demo-app:8080, "
                 "127.0.0.1:9000 -> php-fpm:9000");
  check_rewrite ("proxy_pass \"http://[::1]:8080\";",
                 "proxy_pass \"http://demo-app:8080\";",
                 "[::1]:8080 -> demo-app:8080");
  check_rewrite ("proxy_pass http://v2c-demo:8080;",
                 "proxy_pass http://demo-app:8080;",
                 "v2c-demo:8080 -> demo-app:8080");
  /* not directive arguments, other ports, other hosts: left alone */
  check_rewrite ("# proxy_pass http://127.0.0.1:8080;\n"
                 "set $x http://127.0.0.1:8080;\n"
                 "proxy_set_header X-Up 127.0.0.1:8080;\n"
                 "proxy_pass http://127.0.0.1:80801;\n"
                 "proxy_pass http://127.0.0.1:7070;\n"
                 "proxy_pass http://10.0.0.1:8080;\n"
                 "proxy_pass http://127.0.0.10:8080;\n",
                 NULL, NULL);
  /* an unterminated quote or directive ends the file cleanly */
  check_rewrite ("proxy_pass \"http://127.0.0.1:8080",
                 "proxy_pass \"http://demo-app:8080",
                 "127.0.0.1:8080 -> demo-app:8080");
  check_rewrite ("proxy_pass \"", NULL, NULL);
  check_rewrite ("proxy_pass '", NULL, NULL);
  check_rewrite ("proxy_pass http://127.0.0.1:8080",
                 "proxy_pass http://demo-app:8080",
                 "127.0.0.1:8080 -> demo-app:8080");
  {
    /* a NUL byte is a character of a word (it once stopped the scan) */
    static const char nul[] = "proxy_pass \0 http://127.0.0.1:8080;";
    char *o = NULL;
    size_t c = 1;
    int r = v2c_kube_rewrite_proxy (nul, sizeof nul - 1, NULL, NULL, 0, &o, &c,
                                    NULL);
    CHECK (r == 0 && o == NULL && c == 0, "a NUL byte: %d, '%s', %zu", r,
           unit_str (o), c);
    free (o);
  }
  CHECK_SAY (failures == before,
             "proxy_pass and the other pass directives: loopback and the "
             "VM's own name rewritten to the Service, nothing else");
}

/* An image of one layer with these entries (path, link target or
 * NULL, content). */
struct ent {
  const char *path, *link, *data;
};

static void
make_image (const char *dir, const struct ent *v, size_t n)
{
  struct v2c_oci *o = v2c_oci_new ();
  struct v2c_layer_writer *w;
  json_t *cfg;
  size_t i;

  if (o == NULL || v2c_oci_open (o, dir, 0) == -1
      || (w = v2c_oci_layer_begin (o)) == NULL)
    unit_die ("image '%s': %s", dir, o ? v2c_oci_error (o) : "no memory");
  for (i = 0; i < n; i++) {
    struct v2c_layer_entry e = { 0 };

    e.path = v[i].path;
    e.type = v[i].link ? V2C_FS_LNK : v[i].data ? V2C_FS_REG : V2C_FS_DIR;
    e.mode = v[i].data || v[i].link ? 0644 : 0755;
    e.size = v[i].data ? (int64_t) strlen (v[i].data) : 0;
    e.link_target = v[i].link;
    if (v2c_layer_writer_add (w, &e) == -1
        || (v[i].data
            && v2c_layer_writer_write_data (w, v[i].data, strlen (v[i].data))
                   == -1))
      unit_die ("layer: %s", v2c_layer_writer_error (w));
  }
  cfg = json_pack ("{s:s}", "User", "0:0");
  if (v2c_oci_layer_commit (o, w, "v2c: os", NULL) == -1 || cfg == NULL
      || v2c_oci_set_config (o, cfg) == -1
      || v2c_oci_set_platform (o, "amd64", "linux", NULL) == -1
      || v2c_oci_close (o, "t", 0) == -1)
    unit_die ("image '%s': %s", dir, v2c_oci_error (o));
  json_decref (cfg);
  v2c_oci_free (o);
}

static void
check_image (const char *tmp)
{
  static const struct ent tree[] = {
    { "etc", NULL, NULL },
    { "etc/a", "b", NULL },
    { "etc/b", "/etc/c", NULL },
    { "etc/c", NULL, "the content\n" },
    { "etc/deep0", "deep1", NULL },
    { "etc/deep1", "deep2", NULL },
    { "etc/deep2", "deep3", NULL },
    { "etc/deep3", "deep4", NULL },
    { "etc/deep4", "deep5", NULL },
    { "etc/deep5", "deep6", NULL },
    { "etc/deep6", "deep7", NULL },
    { "etc/deep7", "deep8", NULL },
    { "etc/deep8", "c", NULL },
    { "etc/eight", "deep2", NULL },
    { "etc/gone", "missing", NULL },
    { "etc/loop", "loop", NULL },
    { "etc/out", "../../etc/c", NULL },
  };
  struct v2c_kube_file f[] = {
    { .path = "/etc/a" },     { .path = "/etc/eight" },
    { .path = "/etc/deep0" }, { .path = "/etc/loop" },
    { .path = "/etc/out" },   { .path = "/etc/gone" },
  };
  size_t n = sizeof f / sizeof f[0];
  struct v2c_err err = { 0 };
  char dir[4096];
  int before = failures;

  snprintf (dir, sizeof dir, "%s/img", tmp);
  make_image (dir, tree, sizeof tree / sizeof tree[0]);
  if (v2c_kube_image_read_files (dir, f, n, &err) == -1)
    unit_die ("v2c_kube_image_read_files: %s", err.msg);
  CHECK (f[0].data && strcmp (f[0].data, "the content\n") == 0 && f[0].target
             && strcmp (f[0].target, "/etc/c") == 0 && f[0].why == NULL,
         "/etc/a: data '%s', target '%s', why '%s'", unit_str (f[0].data),
         unit_str (f[0].target), unit_str (f[0].why));
  CHECK (f[1].data && strcmp (f[1].target, "/etc/c") == 0,
         "/etc/eight (8 links): why '%s'", unit_str (f[1].why));
  CHECK (f[2].data == NULL && f[2].why && strstr (f[2].why, "deep"),
         "/etc/deep0 (9 links): data '%s', why '%s'", unit_str (f[2].data),
         unit_str (f[2].why));
  CHECK (f[3].data == NULL && f[3].why && strstr (f[3].why, "deep"),
         "/etc/loop: why '%s'", unit_str (f[3].why));
  CHECK (f[4].data == NULL && f[4].why
             && strstr (f[4].why, "out of the image"),
         "/etc/out: data '%s', why '%s'", unit_str (f[4].data),
         unit_str (f[4].why));
  CHECK (f[5].data == NULL && f[5].why
             && strstr (f[5].why, "'/etc/missing', not in the image"),
         "/etc/gone: why '%s'", unit_str (f[5].why));
  v2c_kube_files_clear (f, n);
  CHECK_SAY (failures == before,
             "links in the image: followed to their file (8 deep), not past "
             "8, not above '/', a dangling one says so");
}

int
main (void)
{
  char tmp[] = "/tmp/test-kube-links.XXXXXX";
  char cmd[128];

  check_link_targets ();
  check_rewrites ();
  if (mkdtemp (tmp) == NULL)
    unit_die ("mkdtemp: %m");
  check_image (tmp);
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", tmp);
  if (system (cmd) != 0)
    FAIL ("can't remove '%s'", tmp);
  return unit_status ();
}
