/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers shared by the package database readers (lib/inspect-pkg*.c).
 */
#ifndef V2C_INSPECT_PKG_PRIVATE_H
#define V2C_INSPECT_PKG_PRIVATE_H

#include "inspect.h"

/* Free what a package holds and reset it (installed_size -1). */
void v2c_pkgutil_free_pkg (struct v2c_pkg *p);
/* Append an empty package / file, at most max of them (err set). */
struct v2c_pkg *v2c_pkgutil_add (struct v2c_pkgs *p, size_t max,
                                 struct v2c_err *err);
struct v2c_pkg_file *v2c_pkgutil_add_file (struct v2c_pkg *p, size_t max,
                                           struct v2c_err *err);
/* Split a version string into epoch, version, release and evr. */
int v2c_pkgutil_set_version (struct v2c_pkg *p, const char *evr, size_t len,
                             int with_epoch);
/* The next line of a text database, at most max bytes long. */
int v2c_pkgutil_line (const char *buf, size_t len, size_t *pos, size_t max,
                      const char **line, size_t *llen);
int v2c_pkgutil_is_hex (const char *s, size_t n);
/* A lower-case copy of n bytes.  Caller frees. */
char *v2c_pkgutil_lower (const char *s, size_t n);

#endif /* V2C_INSPECT_PKG_PRIVATE_H */
