/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * rpm database backends (lib/inspect-rpmdb.c): each walks one database
 * image and hands every stored header blob to a callback.  Not installed.
 */
#ifndef V2C_INSPECT_RPMDB_H
#define V2C_INSPECT_RPMDB_H

#include "inspect.h"

/* Most header blobs one database may hold, and the largest blob. */
#define V2C_RPMDB_MAX_HEADERS 1000000
#define V2C_RPMDB_MAX_BLOB (256u << 20)

/* Called once per header blob, in database order; the blob is only
 * valid during the call.  Return 0 to go on, -1 (err set) to stop. */
typedef int (*v2c_rpmdb_blob_fn) (void *opaque, const unsigned char *blob,
                                  size_t len, struct v2c_err *err);

/* Berkeley DB hash file "Packages" (either byte order). */
int v2c_rpmdb_bdb_walk (const unsigned char *db, size_t len,
                        v2c_rpmdb_blob_fn fn, void *opaque,
                        struct v2c_err *err);
/* rpm's own "Packages.db" (ndb). */
int v2c_rpmdb_ndb_walk (const unsigned char *db, size_t len,
                        v2c_rpmdb_blob_fn fn, void *opaque,
                        struct v2c_err *err);
/* "rpmdb.sqlite"; wal is the content of rpmdb.sqlite-wal (NULL or
 * empty when there is none).  db may be modified (header bytes). */
int v2c_rpmdb_sqlite_walk (unsigned char *db, size_t len,
                           const unsigned char *wal, size_t wal_len,
                           v2c_rpmdb_blob_fn fn, void *opaque,
                           struct v2c_err *err);

#endif /* V2C_INSPECT_RPMDB_H */
