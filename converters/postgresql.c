/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * PostgreSQL: the postmaster started directly on its data directory, as
 * user postgres.  Debian runs each cluster as postgresql@VERSION-NAME
 * (pg_ctlcluster, forking) with its configuration in
 * /etc/postgresql/VERSION/NAME; its postgresql.service only runs
 * /bin/true and is dropped.  pg_ctl start is replaced by the postgres
 * next to it; a unit that runs postgres or postmaster keeps its command.
 *
 * A cluster that listened on loopback only (listen_addresses left at
 * 'localhost') also gets -c listen_addresses=*, with a note on
 * pg_hba.conf.
 *
 * Kind: a StatefulSet (a Deployment when no data directory is known).
 * Read at inspection by v2c_conf_postgresql (lib/inspect-conf-db.c):
 * port and data_directory; 5432 when no port is known.  Probes: TCP
 * after 30 s.  Replaced by the official postgres image; report rule
 * database-in-container (v2c_conv_database_advice).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "converter-util.h"

static const char *const aliases[]
    = { "postgresql", "postgres", "postmaster", NULL };

static int
detect (const struct v2c_conv_in *in)
{
  static const char *const exes[]
      = { "postgres", "postmaster", "pg_ctl", "pg_ctlcluster", NULL };

  return v2c_conv_service_named (in, aliases, exes);
}

/* "15-main" or "15 main" as version and cluster name. */
static int
cluster (const char *a, const char *b, char *ver, size_t vl, char *name,
         size_t nl)
{
  size_t d = strspn (a, "0123456789.");

  if (d == 0 || d >= vl)
    return 0;
  if (a[d] == '-' && a[d + 1]) {
    snprintf (ver, vl, "%.*s", (int) d, a);
    snprintf (name, nl, "%s", a + d + 1);
    return strchr (name, '/') == NULL;
  }
  if (a[d] == '\0' && b && *b && strchr (b, '/') == NULL) {
    snprintf (ver, vl, "%s", a);
    snprintf (name, nl, "%s", b);
    return 1;
  }
  return 0;
}

static int
contribute (struct v2c_conv_ctx *ctx, const struct v2c_conv_in *in,
            struct v2c_conv_out *out, struct v2c_err *err)
{
  char ver[16] = "", name[128] = "", bin[512], data[640], conf[640];
  char opt[700], etc[600];
  const char *words[5], *pvc, *d = NULL;
  size_t i;
  int keep = 0;

  if (strcmp (in->exe, "true") == 0 || in->argc == 0) {
    snprintf (out->reason, sizeof out->reason,
              "umbrella unit (ExecStart=%s): the clusters run in their "
              "postgresql@VERSION-NAME units",
              in->line);
    return 0;
  }
  if (in->instance)
    cluster (in->instance, NULL, ver, sizeof ver, name, sizeof name);
  if (!ver[0] && strcmp (in->exe, "pg_ctlcluster") == 0)
    for (i = 1; i < in->argc && !ver[0]; i++)
      if (in->argv[i][0] != '-')
        cluster (in->argv[i], i + 1 < in->argc ? in->argv[i + 1] : NULL, ver,
                 sizeof ver, name, sizeof name);
  pvc = v2c_conv_pvc (out->comp);
  if (ver[0]) {
    snprintf (bin, sizeof bin, "/usr/lib/postgresql/%s/bin/postgres", ver);
    snprintf (etc, sizeof etc, "/etc/postgresql/%s/%s", ver, name);
    snprintf (data, sizeof data, "/var/lib/postgresql/%s/%s", ver, name);
    d = pvc ? pvc : data;
  } else if (strcmp (in->exe, "pg_ctl") == 0) {
    if (strchr (in->argv[0], '/'))
      snprintf (bin, sizeof bin, "%.*s/postgres",
                (int) (v2c_conv_basename (in->argv[0]) - in->argv[0] - 1),
                in->argv[0]);
    else
      snprintf (bin, sizeof bin, "postgres");
    d = v2c_conv_option (in, "-D");
    if (d == NULL || d[0] != '/' || strchr (d, '$'))
      d = pvc ? pvc : "/var/lib/pgsql/data";
    etc[0] = '\0';
  } else {
    /* postgres or postmaster: already in the foreground */
    keep = in->type == NULL || strcmp (in->type, "forking") != 0;
    if (!keep) {
      snprintf (out->reason, sizeof out->reason,
                "forking unit running '%s': its options are unknown", in->exe);
      return 0;
    }
    d = v2c_conv_option (in, "-D");
    if (d == NULL || d[0] != '/' || strchr (d, '$'))
      d = pvc;
    etc[0] = '\0';
    bin[0] = '\0';
  }
  if (!keep) {
    words[0] = bin;
    words[1] = "-D";
    words[2] = d;
    if (etc[0]) {
      snprintf (conf, sizeof conf, "%s/postgresql.conf", etc);
      snprintf (opt, sizeof opt, "config_file=%s", conf);
      words[3] = "-c";
      words[4] = opt;
    }
    if (v2c_conv_set_command (out->comp, words, etc[0] ? 5 : 3) == -1)
      goto oom;
  }
  if (etc[0]) {
    static const char *const files[]
        = { "postgresql.conf", "pg_hba.conf", "pg_ident.conf" };
    for (i = 0; i < 3; i++) {
      snprintf (conf, sizeof conf, "%s/%s", etc, files[i]);
      if (v2c_conv_config_file (out->comp, conf) == -1)
        goto oom;
    }
  }
  {
    /* -c wins over postgresql.conf */
    static const char *const open_up[] = { "-c", "listen_addresses=*" };
    if (v2c_conv_listen_in_pod (ctx, in, out->comp, open_up, 2,
                                "-c listen_addresses=*",
                                "pg_hba.conf must also admit the clients' "
                                "pod network with a host line; ")
        == -1)
      goto oom;
  }
  if (v2c_conv_own_user (ctx, out->comp, "postgres", err) == -1)
    return -1;
  if (d && d[0] == '/') {
    if (ctx->add_volume (ctx, d, "pvc", "1Gi", NULL) == -1
        || v2c_conv_write_path (out->comp, d, 0) == -1)
      goto oom;
  }
  if (v2c_conv_port_count (out->comp) == 0
      && v2c_conv_add_port (out->comp, 5432, "tcp", "postgresql") == -1)
    goto oom;
  if (v2c_conv_write_path (out->comp, "/run/postgresql", 1) == -1
      || v2c_conv_write_path (out->comp, "/var/log/postgresql", 1) == -1
      || v2c_conv_write_path (out->comp, "/tmp", 1) == -1)
    goto oom;
  out->write_known = d != NULL;
  /* no data directory: nothing to keep */
  if (d == NULL)
    ctx->set_kind (ctx, V2C_KIND_DEPLOYMENT);
  out->weight = 2;
  ctx->set_probe (ctx, NULL, 0, 30);
  if (!ver[0]) {
    static const char *const pk[] = { "postgresql-server",
                                      "postgresql",
                                      "postgresql15",
                                      "postgresql16",
                                      "postgresql14",
                                      "postgresql13",
                                      NULL };
    if (!v2c_conv_package_version (in->inv, pk, 1, ver, sizeof ver))
      snprintf (ver, sizeof ver, "latest");
  }
  return v2c_conv_replace_database (
      ctx, err, "postgres", ver,
      "the official postgres image (or an operator such as CloudNativePG, "
      "which adds backups and failover) with the data moved by pg_dumpall "
      "and psql (or pg_basebackup for the same major version, %s)",
      ver);
oom:
  return v2c_set_error (err, 0, "out of memory");
}

const struct v2c_converter v2c_converter_postgresql = {
  .name = "postgresql",
  .aliases = aliases,
  .kind = V2C_KIND_STATEFULSET,
  .flags = V2C_CONV_LISTEN_ANY,
  .advice = &v2c_conv_database_advice,
  .detect = detect,
  .contribute = contribute,
};
