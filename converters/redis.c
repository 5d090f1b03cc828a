/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Redis: redis-server on its configuration file with --daemonize no
 * and --supervised no (the unit's own values of both are dropped: there
 * is no systemd to notify), keeping its data directory.  A server that
 * listened on loopback only (Debian's "bind 127.0.0.1 -::1") also gets
 * --bind '* -::*' and --protected-mode no: other pods are its clients
 * now, and its NetworkPolicy is what keeps the rest out.
 *
 * Kind: a StatefulSet.  Read at inspection by v2c_conf_redis
 * (lib/inspect-conf-db.c): port and dir; 6379 and /var/lib/redis when
 * unknown.  Probes: TCP.  Replaced by the official redis image; report
 * rule database-in-container (v2c_conv_database_advice).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "converter-util.h"

static const char *const aliases[] = { "redis", "redis-server", NULL };

static int
detect (const struct v2c_conv_in *in)
{
  if (in->src != V2C_CONV_SERVICE)
    return 0;
  return strcmp (in->base, "redis") == 0
         || strcmp (in->base, "redis-server") == 0
         || strcmp (in->exe, "redis-server") == 0;
}

static int
contribute (struct v2c_conv_ctx *ctx, const struct v2c_conv_in *in,
            struct v2c_conv_out *out, struct v2c_err *err)
{
  static const char *const pk[] = { "redis-server", "redis", NULL };
  const char **words, *conf = NULL, *d;
  char ver[16], image[96];
  size_t i, n = 0;
  int server = strcmp (in->exe, "redis-server") == 0;

  words = calloc (in->argc + 6, sizeof *words);
  if (words == NULL)
    goto oom;
  words[n++] = server ? in->argv[0] : "/usr/bin/redis-server";
  for (i = 1; server && i < in->argc; i++) {
    const char *a = in->argv[i];
    if (strcmp (a, "--daemonize") == 0 || strcmp (a, "--supervised") == 0) {
      i++;
      continue;
    }
    if (conf == NULL && a[0] == '/' && n == 1)
      conf = a;
    words[n++] = a;
  }
  if (!server) {
    conf = "/etc/redis/redis.conf";
    words[n++] = conf;
  }
  words[n++] = "--daemonize";
  words[n++] = "no";
  words[n++] = "--supervised";
  words[n++] = "no";
  if (v2c_conv_set_command (out->comp, words, n) == -1)
    goto oom;
  free (words);
  words = NULL;
  {
    /* later options win over the file's bind and protected-mode */
    static const char *const open_up[]
        = { "--bind", "*", "-::*", "--protected-mode", "no" };
    if (v2c_conv_listen_in_pod (ctx, in, out->comp, open_up, 5,
                                "--bind '* -::*', --protected-mode no", "")
        == -1)
      goto oom;
  }
  if (conf && v2c_conv_config_file (out->comp, conf) == -1)
    goto oom;
  if (v2c_conv_own_user (ctx, out->comp, "redis", err) == -1)
    return -1;
  d = v2c_conv_pvc (out->comp);
  if (d == NULL) {
    d = "/var/lib/redis";
    if (ctx->add_volume (ctx, d, "pvc", "1Gi", NULL) == -1)
      goto oom;
  }
  if (v2c_conv_write_path (out->comp, d, 0) == -1
      || v2c_conv_write_path (out->comp, "/run/redis", 1) == -1
      || v2c_conv_write_path (out->comp, "/var/log/redis", 1) == -1)
    goto oom;
  if (v2c_conv_port_count (out->comp) == 0
      && v2c_conv_add_port (out->comp, 6379, "tcp", "redis") == -1)
    goto oom;
  out->write_known = 1;
  out->weight = 2;
  snprintf (image, sizeof image, "docker.io/library/redis:%s",
            v2c_conv_package_version (in->inv, pk, 2, ver, sizeof ver)
                ? ver
                : "latest");
  if (ctx->replace_with (
          ctx, image,
          "the official redis image with this redis.conf from a ConfigMap "
          "and the dump (dump.rdb or the append-only file) copied into its "
          "/data volume")
      == -1)
    goto oom;
  return 0;
oom:
  free (words);
  return v2c_set_error (err, 0, "out of memory");
}

const struct v2c_converter v2c_converter_redis = {
  .name = "redis",
  .aliases = aliases,
  .kind = V2C_KIND_STATEFULSET,
  .flags = V2C_CONV_LISTEN_ANY,
  .advice = &v2c_conv_database_advice,
  .detect = detect,
  .contribute = contribute,
};
