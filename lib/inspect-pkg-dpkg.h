/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The dpkg reader's limits and package entry, shared by
 * lib/inspect-pkg-dpkg.c (the status database, licences) and
 * lib/inspect-pkg-dpkg-files.c (each package's files).  Not installed.
 */
#ifndef V2C_INSPECT_PKG_DPKG_H
#define V2C_INSPECT_PKG_DPKG_H

#include "inspect-pkg-private.h"

#define DPKG_DIR "/var/lib/dpkg"
#define MAX_STATUS_BYTES (256u << 20)
#define MAX_INFO_BYTES (64u << 20) /* one .list, .md5sums, .conffiles */
#define MAX_LINE (1u << 20)        /* Depends of big metapackages: ~10 KB */
#define MAX_PKGS 262144u           /* the whole archive is ~65k a release */
#define MAX_FILES (1u << 21)       /* per package */
#define MAX_PATH 4096
#define MAX_DIR_FILES 65536u /* status.d/ and updates/ entries */

struct span {
  const char *s;
  size_t n;
};

struct ent {
  struct v2c_pkg p;
  int installed;
  int ma_same;
  char *conffiles; /* lines of the Conffiles field, or NULL */
  char *md5sums;   /* a distroless status.d/NAME.md5sums, or NULL */
  size_t seq;
};

/* lib/inspect-pkg-dpkg-files.c */
/* Drop the blanks (space, tab) around n bytes at *s. */
void v2c_dpkg_trim (const char **s, size_t *n);
/* Is name in the sorted names? */
int v2c_dpkg_in_list (char **names, size_t n, const char *name);
/* Read an optional file; NULL with *len 0 when absent (*failed set and
 * err when it can't be read). */
char *v2c_dpkg_read_opt (struct v2c_fs *fs, const char *path, size_t max,
                         size_t *len, struct v2c_err *err, int *failed);
/* Fill e->p.files from info/ (names: its sorted listing, may be NULL). */
int v2c_dpkg_load_files (struct v2c_fs *fs, char **names, size_t nnames,
                         struct ent *e, struct v2c_err *err);

#endif /* V2C_INSPECT_PKG_DPKG_H */
