/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * nginx: "nginx -g 'daemon off; ...'" keeps the master process in the
 * foreground; the unit's other -g directives are kept.  /var/lib/nginx
 * holds request bodies and proxy buffers (scratch, not data), the logs
 * and the pid file get scratch space too.  When nothing on the VM
 * speaks FastCGI or uWSGI to it, nginx only serves files or proxies and
 * the official image fits.
 *
 * Kind: the generic default (a Deployment; a StatefulSet only when the
 * inventory gives it a data directory besides /var/lib/nginx).  Read at
 * inspection by v2c_conf_nginx (lib/inspect-conf-web.c): its listen
 * ports and proxy_pass targets.  Ports without a well-known name are
 * "http"; it depends on what listens at its proxy targets; probes: GET
 * / on its first TCP port.  No report rule of its own.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "converter-util.h"

static const char *const aliases[] = { "nginx", NULL };
static const char *const packages[]
    = { "nginx",      "nginx-light",  "nginx-core",
        "nginx-full", "nginx-extras", NULL };
static const char *const backends[]
    = { "php-fpm",    "php7.4-fpm", "php8.1-fpm", "php8.2-fpm",
        "php8.3-fpm", "php-fpm7.4", "uwsgi",      "fcgiwrap",
        "spawn-fcgi", "php",        NULL };

static int
detect (const struct v2c_conv_in *in)
{
  return in->src == V2C_CONV_SERVICE
         && (strcmp (in->base, "nginx") == 0
             || strcmp (in->exe, "nginx") == 0);
}

/* The -g directives without any "daemon ...;", after "daemon off;". */
static char *
directives (const char *g)
{
  size_t len = g ? strlen (g) : 0, n;
  char *out = malloc (2 * len + 16); /* " x;" for each "x" */
  const char *p = g, *end;

  if (out == NULL)
    return NULL;
  n = (size_t) sprintf (out, "daemon off;");
  while (p && *p) {
    while (*p == ' ' || *p == '\t' || *p == ';')
      p++;
    if (*p == '\0')
      break;
    end = strchr (p, ';');
    if (end == NULL)
      end = p + strlen (p);
    if (!(strncmp (p, "daemon", 6) == 0
          && (p[6] == ' ' || p[6] == '\t' || p + 6 == end))) {
      out[n++] = ' ';
      memcpy (out + n, p, (size_t) (end - p));
      n += (size_t) (end - p);
      out[n++] = ';';
    }
    p = *end ? end + 1 : end;
  }
  out[n] = '\0';
  return out;
}

static int
contribute (struct v2c_conv_ctx *ctx, const struct v2c_conv_in *in,
            struct v2c_conv_out *out, struct v2c_err *err)
{
  const char *words[8], *conf, *prefix, *g;
  char *dir = NULL, ver[32], image[96], advice[400];
  size_t n = 0;
  int status = -1;

  words[n++]
      = strcmp (in->exe, "nginx") == 0 ? in->argv[0] : "/usr/sbin/nginx";
  conf = v2c_conv_option (in, "-c");
  prefix = v2c_conv_option (in, "-p");
  g = v2c_conv_option (in, "-g");
  if (prefix) {
    words[n++] = "-p";
    words[n++] = prefix;
  }
  if (conf) {
    words[n++] = "-c";
    words[n++] = conf;
  }
  dir = directives (g);
  if (dir == NULL)
    goto oom;
  words[n++] = "-g";
  words[n++] = dir;
  if (v2c_conv_set_command (out->comp, words, n) == -1)
    goto oom;
  if (conf == NULL)
    conf = "/etc/nginx/nginx.conf";
  if (conf[0] == '/' && v2c_conv_config_file (out->comp, conf) == -1)
    goto oom;
  if (v2c_conv_pvc_to_scratch (out->comp, "/var/lib/nginx") == -1
      || v2c_conv_write_path (out->comp, "/var/lib/nginx", 1) == -1
      || v2c_conv_write_path (out->comp, "/var/log/nginx", 1) == -1
      || v2c_conv_write_path (out->comp, "/run", 1) == -1)
    goto oom;
  out->write_known = 1;
  ctx->set_probe (ctx, "/", 0, 0);
  if (!v2c_conv_has_package (in->inv, backends)) {
    snprintf (image, sizeof image, "docker.io/library/nginx:%s",
              v2c_conv_package_version (in->inv, packages, 2, ver, sizeof ver)
                  ? ver
                  : "stable");
    snprintf (advice, sizeof advice,
              "nginx only serves files%s here (no FastCGI or uWSGI backend "
              "is installed): the official image with this configuration "
              "from a ConfigMap and the site's files in a volume or a "
              "small image does the same%s",
              in->inv->proxy_targets.n ? " and proxies" : "",
              in->inv->proxy_targets.n
                  ? "; proxy targets on 127.0.0.1 become the Services' names"
                  : "");
    if (ctx->replace_with (ctx, image, advice) == -1)
      goto oom;
  }
  status = 0;
  goto out;
oom:
  v2c_set_error (err, 0, "out of memory");
out:
  free (dir);
  return status;
}

const struct v2c_converter v2c_converter_nginx = {
  .name = "nginx",
  .aliases = aliases,
  .kind = V2C_KIND_AUTO,
  .flags = V2C_CONV_HTTP | V2C_CONV_PROXY,
  .detect = detect,
  .contribute = contribute,
};
