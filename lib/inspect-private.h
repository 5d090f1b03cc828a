/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The inventory's orchestration (lib/inspect.c, -scan.c, -blockers.c).
 */
#ifndef V2C_INSPECT_PRIVATE_H
#define V2C_INSPECT_PRIVATE_H

#include <jansson.h>

#include "inspect.h"

/* Packages of whichever manager the guest uses (package_format from
 * libguestfs: "deb", "rpm", "apk"; NULL: look). */
int v2c_inspect_packages (struct v2c_fs *fs, const char *package_format,
                          int with_files, struct v2c_pkgs *out,
                          struct v2c_err *err);
/* Does a unit belong to the software a config file is of ("nginx",
 * "postgresql", ...)? */
int v2c_service_matches (const struct v2c_service *svc, const char *software);
/* Scan the places secrets live in (/etc, home directories, /opt, /srv,
 * /var/www, services' working directories and environment files). */
int v2c_inspect_secrets (struct v2c_fs *fs, const struct v2c_services *svcs,
                         const struct v2c_pkgs *pkgs, struct v2c_secrets *out,
                         struct v2c_err *err);
/* The package that ships each cron job's file (its script in
 * /etc/cron.daily & co, else its crontab) and whether the file was
 * changed since (lib/inspect-scan.c): fills package and modified. */
int v2c_inspect_cron_owners (struct v2c_fs *fs, const struct v2c_pkgs *pkgs,
                             struct v2c_cron *cron, struct v2c_err *err);
/* The data directories (facts->dirs) each cron job names, on its
 * command line or in a script it runs (lib/inspect-cron.c): fills
 * data_dirs, so that the plan can mount the owner's volume. */
int v2c_inspect_cron_data (struct v2c_fs *fs,
                           const struct v2c_conf_facts *facts,
                           struct v2c_cron *cron, struct v2c_err *err);
/* Secrets in the services' environment and command lines and in the
 * cron jobs' commands (lib/inspect-exec-secrets.c): each value replaced
 * in place, by "<redacted>" in an environment, by $(VAR) in a command
 * (VAR=<redacted> added to the environment), and recorded in out. */
int v2c_inspect_exec_secrets (struct v2c_services *svcs, struct v2c_cron *cron,
                              struct v2c_secrets *out, struct v2c_err *err);
/* The blockers[] array of the inventory (new reference). */
json_t *v2c_inspect_blockers (struct v2c_fs *fs, const json_t *inv,
                              const struct v2c_pkgs *pkgs,
                              const struct v2c_services *svcs,
                              const struct v2c_conf_facts *facts);
/* Fill the inventory's packages, services, ... from a tree. */
int v2c_inspect_fs (struct v2c_fs *fs, const char *package_format,
                    json_t *inv, struct v2c_err *err);
/* The same from an inspected guest session (preloading what it reads). */
int v2c_inspect_guest (struct v2c_guest *g, json_t *inv,
                       struct v2c_err *err);

#endif /* V2C_INSPECT_PRIVATE_H */
