/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * PHP-FPM: php-fpm with --nodaemonize (its -D or --daemonize dropped)
 * and the unit's --fpm-config.  Debian's pools listen on a socket in
 * /run/php, which a web server in another pod can't reach: the note
 * says so.
 *
 * Kind: the generic default (a Deployment, a StatefulSet with a data
 * directory); its configuration is not parsed.  No report rule of its
 * own.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "converter-util.h"

static const char *const aliases[] = { "php-fpm", NULL };

static int
is_fpm (const char *s)
{
  size_t n = strlen (s);

  return strncmp (s, "php", 3) == 0 && n >= 7
         && (strcmp (s + n - 4, "-fpm") == 0 || strstr (s, "-fpm") != NULL);
}

static int
detect (const struct v2c_conv_in *in)
{
  return in->src == V2C_CONV_SERVICE
         && (is_fpm (in->base) || is_fpm (in->exe));
}

static int
contribute (struct v2c_conv_ctx *ctx, const struct v2c_conv_in *in,
            struct v2c_conv_out *out, struct v2c_err *err)
{
  const char **words, *conf;
  size_t i, n = 0;
  int self = is_fpm (in->exe);

  words = calloc (in->argc + 4, sizeof *words);
  if (words == NULL)
    return v2c_set_error (err, 0, "out of memory");
  words[n++] = self ? in->argv[0] : "/usr/sbin/php-fpm";
  words[n++] = "--nodaemonize";
  for (i = 1; self && i < in->argc; i++)
    if (strcmp (in->argv[i], "-D") != 0
        && strcmp (in->argv[i], "--daemonize") != 0
        && strcmp (in->argv[i], "-F") != 0
        && strcmp (in->argv[i], "--nodaemonize") != 0)
      words[n++] = in->argv[i];
  i = (size_t) v2c_conv_set_command (out->comp, words, n);
  free (words);
  if (i != 0)
    return v2c_set_error (err, 0, "out of memory");
  conf = v2c_conv_option (in, "--fpm-config");
  if (conf == NULL)
    conf = v2c_conv_option (in, "-y");
  if ((conf && conf[0] == '/' && v2c_conv_config_file (out->comp, conf) == -1)
      || v2c_conv_write_path (out->comp, "/run/php", 1) == -1
      || v2c_conv_write_path (out->comp, "/tmp", 1) == -1)
    return v2c_set_error (err, 0, "out of memory");
  if (v2c_conv_port_count (out->comp) == 0)
    v2c_conv_note (ctx,
                   "'%s' listens on a UNIX socket only: set 'listen = 9000' "
                   "in its pool so the web server's pod can reach it, or "
                   "run both in one pod",
                   in->name);
  /* it logs to /var/log/phpX-fpm.log, a file: not known to be covered */
  out->write_known = 0;
  return 0;
}

const struct v2c_converter v2c_converter_php_fpm = {
  .name = "php-fpm",
  .aliases = aliases,
  .kind = V2C_KIND_AUTO,
  .detect = detect,
  .contribute = contribute,
};
