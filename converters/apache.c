/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Apache httpd: Debian's apache2 runs through apache2ctl (it reads
 * /etc/apache2/envvars), Red Hat's httpd directly; both with
 * -DFOREGROUND.  Logs, run and lock directories get scratch space.
 *
 * Kind: the generic default (a Deployment, a StatefulSet with a data
 * directory).  Read at inspection by v2c_conf_apache
 * (lib/inspect-conf-web.c): Listen ports and ProxyPass targets.  Ports
 * without a well-known name are "http"; it depends on what listens at
 * its proxy targets; probes: GET / on its first TCP port.  No report
 * rule of its own.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "converter-util.h"

static const char *const aliases[] = { "apache2", "httpd", "apache", NULL };

static int
detect (const struct v2c_conv_in *in)
{
  static const char *const exes[]
      = { "apache2", "httpd", "apache2ctl", "apachectl", NULL };

  return v2c_conv_service_named (in, aliases, exes);
}

static int
contribute (struct v2c_conv_ctx *ctx, const struct v2c_conv_in *in,
            struct v2c_conv_out *out, struct v2c_err *err)
{
  static const char *const debian_pkg[] = { "apache2", NULL };
  const char *words[2];
  char httpd[512];
  int debian = strcmp (in->exe, "apache2ctl") == 0
               || strcmp (in->exe, "apache2") == 0
               || strcmp (in->base, "apache2") == 0
               || v2c_conv_has_package (in->inv, debian_pkg);
  int ok;

  if (debian) {
    words[0] = "/usr/sbin/apache2ctl";
    words[1] = "-DFOREGROUND";
    ok = v2c_conv_set_command (out->comp, words, 2) == 0
         && v2c_conv_config_file (out->comp, "/etc/apache2/apache2.conf") == 0
         && v2c_conv_write_path (out->comp, "/var/log/apache2", 1) == 0
         && v2c_conv_write_path (out->comp, "/run/apache2", 1) == 0
         && v2c_conv_write_path (out->comp, "/run/lock/apache2", 1) == 0;
  } else {
    /* httpd next to the unit's program (apachectl or httpd itself) */
    if (in->argc > 0 && strchr (in->argv[0], '/'))
      snprintf (httpd, sizeof httpd, "%.*s/httpd",
                (int) (v2c_conv_basename (in->argv[0]) - in->argv[0] - 1),
                in->argv[0]);
    else
      snprintf (httpd, sizeof httpd, "/usr/sbin/httpd");
    words[0] = httpd;
    words[1] = "-DFOREGROUND";
    ok = v2c_conv_set_command (out->comp, words, 2) == 0
         && v2c_conv_config_file (out->comp, "/etc/httpd/conf/httpd.conf") == 0
         && v2c_conv_write_path (out->comp, "/var/log/httpd", 1) == 0
         && v2c_conv_write_path (out->comp, "/run/httpd", 1) == 0;
  }
  if (!ok)
    return v2c_set_error (err, 0, "out of memory");
  out->write_known = 1;
  ctx->set_probe (ctx, "/", 0, 0);
  return 0;
}

const struct v2c_converter v2c_converter_apache = {
  .name = "apache",
  .aliases = aliases,
  .kind = V2C_KIND_AUTO,
  .flags = V2C_CONV_HTTP | V2C_CONV_PROXY,
  .detect = detect,
  .contribute = contribute,
};
