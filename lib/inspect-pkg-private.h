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

/* Bits of v2c_dpkg_read's with_files: the files of each package
 * (info/), and the licence of each from /usr/share/doc/NAME/copyright
 * (one read a package: the guest session should preload
 * /usr/share/doc first).  rpm and apk record licences in their database
 * and read files for any non-zero value. */
#ifndef V2C_PKG_FILES
#define V2C_PKG_FILES 1
#define V2C_PKG_LICENSES 2
#endif

/* The licence of a Debian copyright file (buf need not be NUL
 * terminated; at most its first 64 KiB are read): for a machine-readable
 * (DEP-5) file, the distinct License: short names of its Files
 * paragraphs (of its header when no Files paragraph has one), as an
 * SPDX expression joined with AND when every name maps to an SPDX id,
 * else as written joined with AND.  NULL for a free-form file or one
 * naming no licence (errno 0), or out of memory (errno ENOMEM). */
char *v2c_dpkg_copyright_license (const char *buf, size_t len);

#endif /* V2C_INSPECT_PKG_PRIVATE_H */
