/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * MySQL and MariaDB: mysqld (mariadbd) in the foreground as user mysql
 * on its data directory.  A unit that already runs the server keeps its
 * command; mysqld_safe and SysV scripts are replaced by the server.
 *
 * Kind: a StatefulSet.  Read at inspection by v2c_conf_mysql
 * (lib/inspect-conf-db.c): port and datadir; 3306 and /var/lib/mysql
 * when unknown.  Probes: TCP after 30 s.  Replaced by the official
 * mysql or mariadb image; report rule database-in-container
 * (v2c_conv_database_advice).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "converter-util.h"

static const char *const aliases[]
    = { "mysql", "mysqld", "mariadb", "mariadbd", NULL };

static int
detect (const struct v2c_conv_in *in)
{
  static const char *const exes[]
      = { "mysqld", "mariadbd", "mysqld_safe", "mariadbd-safe", NULL };

  return v2c_conv_service_named (in, aliases, exes);
}

static int
contribute (struct v2c_conv_ctx *ctx, const struct v2c_conv_in *in,
            struct v2c_conv_out *out, struct v2c_err *err)
{
  static const char *const maria_pkg[]
      = { "mariadb-server", "mariadb-server-core", "MariaDB-server", NULL };
  static const char *const mysql_pkg[]
      = { "mysql-server", "mysql-server-core-8.0", "mysql-community-server",
          NULL };
  int maria = strncmp (in->exe, "mariadb", 7) == 0
              || strncmp (in->base, "mariadb", 7) == 0
              || v2c_conv_has_package (in->inv, maria_pkg);
  int server
      = strcmp (in->exe, "mysqld") == 0 || strcmp (in->exe, "mariadbd") == 0;
  const char *words[2], *d, *pvc, *conf;
  char ver[16], datadir[600];

  if (!(server && (in->type == NULL || strcmp (in->type, "forking") != 0))) {
    words[0] = server  ? in->argv[0]
               : maria ? "/usr/sbin/mariadbd"
                       : "/usr/sbin/mysqld";
    d = v2c_conv_option (in, "--datadir");
    pvc = v2c_conv_pvc (out->comp);
    if (d == NULL || d[0] != '/' || strchr (d, '$'))
      d = pvc ? pvc : "/var/lib/mysql";
    snprintf (datadir, sizeof datadir, "--datadir=%s", d);
    words[1] = datadir;
    if (v2c_conv_set_command (out->comp, words, 2) == -1)
      goto oom;
  } else {
    d = v2c_conv_option (in, "--datadir");
    pvc = v2c_conv_pvc (out->comp);
    if (d == NULL || d[0] != '/' || strchr (d, '$'))
      d = pvc ? pvc : "/var/lib/mysql";
  }
  if (v2c_conv_own_user (ctx, out->comp, "mysql", err) == -1)
    return -1;
  conf = v2c_conv_option (in, "--defaults-file");
  if (conf == NULL || conf[0] != '/')
    conf = strcmp (in->kind ? in->kind : "", "sysv") == 0
                   || v2c_conv_has_package (in->inv, maria_pkg)
                   || v2c_conv_has_package (in->inv, mysql_pkg)
               ? "/etc/mysql/my.cnf"
               : "/etc/my.cnf";
  if (v2c_conv_config_file (out->comp, conf) == -1
      || ctx->add_volume (ctx, d, "pvc", "1Gi", NULL) == -1
      || v2c_conv_write_path (out->comp, d, 0) == -1
      || v2c_conv_write_path (out->comp, "/run/mysqld", 1) == -1
      || v2c_conv_write_path (out->comp, "/var/log/mysql", 1) == -1
      || v2c_conv_write_path (out->comp, "/tmp", 1) == -1)
    goto oom;
  if (v2c_conv_port_count (out->comp) == 0
      && v2c_conv_add_port (out->comp, 3306, "tcp", "mysql") == -1)
    goto oom;
  out->write_known = 1;
  out->weight = 2;
  ctx->set_probe (ctx, NULL, 0, 30);
  if (!v2c_conv_package_version (in->inv, maria ? maria_pkg : mysql_pkg, 2,
                                 ver, sizeof ver))
    snprintf (ver, sizeof ver, "latest");
  return v2c_conv_replace_database (
      ctx, err, maria ? "mariadb" : "mysql", ver,
      "the official %s image (or an operator such as %s) with the data "
      "moved by %s and a restore",
      maria ? "mariadb" : "mysql",
      maria ? "mariadb-operator" : "MySQL Operator for Kubernetes",
      maria ? "mariadb-dump" : "mysqldump");
oom:
  return v2c_set_error (err, 0, "out of memory");
}

const struct v2c_converter v2c_converter_mysql = {
  .name = "mysql",
  .aliases = aliases,
  .kind = V2C_KIND_STATEFULSET,
  .advice = &v2c_conv_database_advice,
  .detect = detect,
  .contribute = contribute,
};
