/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Read-only walkers of the three rpm database formats.  Each takes the
 * whole database image in memory (read through the guest view) and
 * hands every package header blob to a callback; lib/inspect-pkg-rpm.c
 * parses the blobs.
 *
 *  - Berkeley DB hash "Packages" (RHEL <= 8, SUSE < 15.x): we walk the
 *    hash pages directly, as rpm's own bdb_ro backend does, instead of
 *    linking libdb.
 *  - ndb "Packages.db" (rpm >= 4.15, openSUSE): slot pages then blobs.
 *  - "rpmdb.sqlite" (rpm >= 4.16, Fedora 33+, RHEL 9): SQLite table
 *    Packages(hnum INTEGER PRIMARY KEY, blob BLOB).
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>
#include <zlib.h>

#include "inspect-rpmdb.h"

static uint32_t
get32 (const unsigned char *p, int be)
{
  if (be)
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8
           | p[3];
  return (uint32_t) p[3] << 24 | (uint32_t) p[2] << 16 | (uint32_t) p[1] << 8
         | p[0];
}

static uint16_t
get16 (const unsigned char *p, int be)
{
  if (be)
    return (uint16_t) (p[0] << 8 | p[1]);
  return (uint16_t) (p[1] << 8 | p[0]);
}

/* ------------------------------------------------------------------ */
/* Berkeley DB hash                                                    */

#define BDB_HASH_MAGIC 0x061561u
#define BDB_PAGE_HDR 26
#define BDB_P_HASH_UNSORTED 2 /* hash pages of BDB < 4.6 */
#define BDB_P_OVERFLOW 7
#define BDB_P_HASHMETA 8
#define BDB_P_HASH 13
#define BDB_H_KEYDATA 1
#define BDB_H_OFFPAGE 3
#define BDB_HOFFPAGE_SIZE 12

struct bdb {
  const unsigned char *db;
  int be;
  uint32_t pagesize, npages;
  unsigned char *used; /* overflow pages already consumed */
};

/* Copy the overflow chain starting at pgno (tlen bytes in all) into a
 * new buffer.  In a sound file every overflow page belongs to exactly
 * one item, so a page seen twice means a cycle or a crafted file; that
 * also keeps the whole walk linear in the file size. */
static unsigned char *
bdb_overflow (struct bdb *b, uint32_t pgno, uint32_t tlen, struct v2c_err *err)
{
  unsigned char *buf;
  uint32_t got = 0;

  if (tlen > V2C_RPMDB_MAX_BLOB) {
    v2c_set_error (err, 0,
                   "Berkeley DB item of %" PRIu32 " bytes is too "
                   "large",
                   tlen);
    return NULL;
  }
  buf = malloc (tlen ? tlen : 1);
  if (buf == NULL) {
    v2c_set_error (err, errno, "can't allocate a Berkeley DB item");
    return NULL;
  }
  while (got < tlen) {
    const unsigned char *p;
    uint16_t n;

    if (pgno == 0 || pgno >= b->npages) {
      v2c_set_error (err, 0,
                     "Berkeley DB overflow page %" PRIu32 " is out of range",
                     pgno);
      goto fail;
    }
    if (b->used[pgno / 8] & (1u << (pgno % 8))) {
      v2c_set_error (
          err, 0, "Berkeley DB overflow page %" PRIu32 " is used twice", pgno);
      goto fail;
    }
    b->used[pgno / 8] |= 1u << (pgno % 8);
    p = b->db + (size_t) pgno * b->pagesize;
    if (p[25] != BDB_P_OVERFLOW || get32 (p + 8, b->be) != pgno) {
      v2c_set_error (err, 0,
                     "Berkeley DB page %" PRIu32 " is not an overflow page",
                     pgno);
      goto fail;
    }
    /* On overflow pages hf_offset holds the length of the data. */
    n = get16 (p + 22, b->be);
    if (n > b->pagesize - BDB_PAGE_HDR || n > tlen - got || n == 0) {
      v2c_set_error (err, 0,
                     "Berkeley DB overflow page %" PRIu32 " has a bad length",
                     pgno);
      goto fail;
    }
    memcpy (buf + got, p + BDB_PAGE_HDR, n);
    got += n;
    pgno = get32 (p + 16, b->be);
  }
  return buf;

fail:
  free (buf);
  return NULL;
}

/* Bounds of item i of a hash page: items are packed from the end of the
 * page downwards, so item i ends where item i-1 starts. */
static int
bdb_item (struct bdb *b, const unsigned char *p, uint16_t nent, uint16_t i,
          uint32_t *start, uint32_t *end)
{
  uint32_t minoff = BDB_PAGE_HDR + 2u * nent;

  *start = get16 (p + BDB_PAGE_HDR + 2u * i, b->be);
  *end = i == 0 ? b->pagesize : get16 (p + BDB_PAGE_HDR + 2u * (i - 1), b->be);
  return *start >= minoff && *start < *end && *end <= b->pagesize ? 0 : -1;
}

int
v2c_rpmdb_bdb_walk (const unsigned char *db, size_t len, v2c_rpmdb_blob_fn fn,
                    void *opaque, struct v2c_err *err)
{
  struct bdb b = { .db = db };
  uint32_t last, pg, nheaders = 0;
  int r = -1;

  if (len < 512)
    return v2c_set_error (err, 0, "Berkeley DB file is too short");
  if (get32 (db + 12, 0) == BDB_HASH_MAGIC)
    b.be = 0;
  else if (get32 (db + 12, 1) == BDB_HASH_MAGIC)
    b.be = 1;
  else
    return v2c_set_error (err, 0, "not a Berkeley DB hash file");
  b.pagesize = get32 (db + 20, b.be);
  if (b.pagesize < 512 || b.pagesize > 65536
      || (b.pagesize & (b.pagesize - 1)) != 0)
    return v2c_set_error (
        err, 0, "Berkeley DB page size %" PRIu32 " is not valid", b.pagesize);
  if (db[24] != 0)
    return v2c_set_error (err, 0, "encrypted Berkeley DB is not supported");
  if (db[25] != BDB_P_HASHMETA)
    return v2c_set_error (err, 0,
                          "Berkeley DB meta page has type %u, not "
                          "hash",
                          db[25]);
  last = get32 (db + 32, b.be);
  if (last >= UINT32_MAX / 2 || (uint64_t) (last + 1) * b.pagesize > len)
    return v2c_set_error (err, 0,
                          "Berkeley DB file is truncated (last page "
                          "%" PRIu32 ")",
                          last);
  b.npages = last + 1;
  b.used = calloc (b.npages / 8 + 1, 1);
  if (b.used == NULL)
    return v2c_set_error (err, errno, "can't allocate a page map");

  for (pg = 1; pg < b.npages; pg++) {
    const unsigned char *p = db + (size_t) pg * b.pagesize;
    uint16_t nent, i;

    if (p[25] != BDB_P_HASH && p[25] != BDB_P_HASH_UNSORTED)
      continue;
    /* Pages that were allocated but never written keep pgno 0. */
    if (get32 (p + 8, b.be) != pg)
      continue;
    nent = get16 (p + 20, b.be);
    if (nent > (b.pagesize - BDB_PAGE_HDR) / 2 || nent % 2 != 0) {
      v2c_set_error (err, 0,
                     "Berkeley DB page %" PRIu32 " has a bad entry "
                     "count",
                     pg);
      goto out;
    }
    /* Entries come in pairs: key then data.  rpm's key is the 32-bit
     * header number; record 0 holds rpm's own counter, not a header. */
    for (i = 0; i < nent; i += 2) {
      uint32_t ks, ke, ds, de;
      unsigned char *copy = NULL;
      const unsigned char *blob;
      size_t blen;
      int rc;

      if (bdb_item (&b, p, nent, i, &ks, &ke) == -1
          || bdb_item (&b, p, nent, i + 1, &ds, &de) == -1) {
        v2c_set_error (err, 0,
                       "Berkeley DB page %" PRIu32 " has an item "
                       "out of bounds",
                       pg);
        goto out;
      }
      if (p[ks] == BDB_H_KEYDATA && ke - ks == 5
          && get32 (p + ks + 1, b.be) == 0)
        continue;
      if (p[ds] == BDB_H_KEYDATA) {
        blob = p + ds + 1;
        blen = de - ds - 1;
      } else if (p[ds] == BDB_H_OFFPAGE && de - ds >= BDB_HOFFPAGE_SIZE) {
        uint32_t tlen = get32 (p + ds + 8, b.be);

        copy = bdb_overflow (&b, get32 (p + ds + 4, b.be), tlen, err);
        if (copy == NULL)
          goto out;
        blob = copy;
        blen = tlen;
      } else {
        v2c_set_error (err, 0,
                       "Berkeley DB page %" PRIu32 " has an item of "
                       "unsupported type %u",
                       pg, p[ds]);
        goto out;
      }
      if (++nheaders > V2C_RPMDB_MAX_HEADERS) {
        free (copy);
        v2c_set_error (err, 0, "more than %d headers in Berkeley DB file",
                       V2C_RPMDB_MAX_HEADERS);
        goto out;
      }
      rc = fn (opaque, blob, blen, err);
      free (copy);
      if (rc == -1)
        goto out;
    }
  }
  r = 0;
out:
  free (b.used);
  return r;
}

/* ------------------------------------------------------------------ */
/* ndb (rpm's lib/backend/ndb/rpmpkg.c format, little-endian)           */

#define NDB_MAGIC 0x506d7052u      /* "RpmP" */
#define NDB_SLOT_MAGIC 0x746f6c53u /* "Slot" */
#define NDB_BLOB_MAGIC 0x53626c42u /* "BlbS" */
#define NDB_TAIL_MAGIC 0x45626c42u /* "BlbE" */
#define NDB_PAGE 4096u
#define NDB_BLK 16u
#define NDB_HDR 32u
#define NDB_BLOB_HEAD 16u
#define NDB_BLOB_TAIL 12u

int
v2c_rpmdb_ndb_walk (const unsigned char *db, size_t len, v2c_rpmdb_blob_fn fn,
                    void *opaque, struct v2c_err *err)
{
  uint32_t npages, page, nheaders = 0;

  if (len < NDB_HDR || get32 (db, 0) != NDB_MAGIC)
    return v2c_set_error (err, 0, "not an rpm ndb database");
  if (get32 (db + 4, 0) != 0)
    return v2c_set_error (err, 0,
                          "ndb database version %" PRIu32 " is not "
                          "supported",
                          get32 (db + 4, 0));
  npages = get32 (db + 12, 0);
  if (npages == 0 || npages > len / NDB_PAGE)
    return v2c_set_error (
        err, 0, "ndb database is truncated (%" PRIu32 " slot pages)", npages);
  for (page = 0; page < npages; page++) {
    uint32_t o;

    for (o = page ? 0 : NDB_HDR; o < NDB_PAGE; o += NDB_BLK) {
      const unsigned char *s = db + (size_t) page * NDB_PAGE + o, *bl;
      uint32_t pkgidx, blkoff, blkcnt, bloblen;
      uint64_t start, size;

      if (get32 (s, 0) != NDB_SLOT_MAGIC)
        return v2c_set_error (err, 0,
                              "ndb slot page %" PRIu32 " is "
                              "corrupt",
                              page);
      blkoff = get32 (s + 8, 0);
      if (blkoff == 0)
        continue; /* free slot */
      pkgidx = get32 (s + 4, 0);
      blkcnt = get32 (s + 12, 0);
      start = (uint64_t) blkoff * NDB_BLK;
      size = (uint64_t) blkcnt * NDB_BLK;
      if (pkgidx == 0 || blkoff < (uint64_t) npages * (NDB_PAGE / NDB_BLK)
          || size < NDB_BLOB_HEAD + NDB_BLOB_TAIL || start > len
          || size > len - start)
        return v2c_set_error (
            err, 0, "ndb slot of package %" PRIu32 " is out of range", pkgidx);
      bl = db + start;
      bloblen = get32 (bl + 12, 0);
      if (get32 (bl, 0) != NDB_BLOB_MAGIC || get32 (bl + 4, 0) != pkgidx
          || bloblen > V2C_RPMDB_MAX_BLOB
          || (NDB_BLOB_HEAD + (uint64_t) bloblen + NDB_BLOB_TAIL + NDB_BLK - 1)
                     / NDB_BLK
                 != blkcnt)
        return v2c_set_error (
            err, 0, "ndb blob of package %" PRIu32 " is corrupt", pkgidx);
      /* The tail closes the block run: adler32 of everything before it,
       * the length again, and its magic. */
      {
        const unsigned char *t = bl + size - NDB_BLOB_TAIL;
        uLong adl = adler32 (1L, bl, (uInt) (size - NDB_BLOB_TAIL));

        if (get32 (t + 4, 0) != bloblen || get32 (t + 8, 0) != NDB_TAIL_MAGIC
            || get32 (t, 0) != (uint32_t) adl)
          return v2c_set_error (
              err, 0, "ndb blob of package %" PRIu32 " fails its checksum",
              pkgidx);
      }
      if (++nheaders > V2C_RPMDB_MAX_HEADERS)
        return v2c_set_error (err, 0, "more than %d headers in ndb database",
                              V2C_RPMDB_MAX_HEADERS);
      if (fn (opaque, bl + NDB_BLOB_HEAD, bloblen, err) == -1)
        return -1;
    }
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* SQLite                                                              */

static int
sqlite_rows (sqlite3 *sdb, v2c_rpmdb_blob_fn fn, void *opaque,
             struct v2c_err *err)
{
  sqlite3_stmt *st = NULL;
  uint32_t nheaders = 0;
  int rc, r = -1;

  if (sqlite3_prepare_v2 (sdb, "SELECT blob FROM Packages ORDER BY hnum", -1,
                          &st, NULL)
      != SQLITE_OK)
    return v2c_set_error (err, 0, "can't read table 'Packages': %s",
                          sqlite3_errmsg (sdb));
  while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
    const void *blob = sqlite3_column_blob (st, 0);
    int n = sqlite3_column_bytes (st, 0);

    if (++nheaders > V2C_RPMDB_MAX_HEADERS) {
      v2c_set_error (err, 0, "more than %d headers in sqlite database",
                     V2C_RPMDB_MAX_HEADERS);
      goto out;
    }
    if (blob == NULL || n <= 0)
      continue; /* rpm skips empty rows as well */
    if (fn (opaque, blob, (size_t) n, err) == -1)
      goto out;
  }
  if (rc != SQLITE_DONE) {
    v2c_set_error (err, 0, "can't read table 'Packages': %s",
                   sqlite3_errmsg (sdb));
    goto out;
  }
  r = 0;
out:
  sqlite3_finalize (st);
  return r;
}

static void
sqlite_harden (sqlite3 *sdb)
{
  sqlite3_db_config (sdb, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (sdb, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_db_config (sdb, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
  sqlite3_db_config (sdb, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
  sqlite3_limit (sdb, SQLITE_LIMIT_LENGTH, (int) V2C_RPMDB_MAX_BLOB);
}

static int
write_file (const char *path, const unsigned char *buf, size_t len)
{
  FILE *f = fopen (path, "wxe");
  int r = 0;

  if (f == NULL)
    return -1;
  if (len && fwrite (buf, 1, len, f) != len)
    r = -1;
  if (fclose (f) == EOF)
    r = -1;
  return r;
}

/* With a non-empty write-ahead log, the latest transactions (a snapshot
 * taken while rpm ran, or after it was killed) live only in the -wal
 * file.  An in-memory database cannot replay a WAL, so both files are
 * copied into a private temporary directory and SQLite opens the copy
 * read-write (it checkpoints into the copy, never the guest). */
static int
sqlite_walk_wal (const unsigned char *db, size_t len, const unsigned char *wal,
                 size_t wal_len, v2c_rpmdb_blob_fn fn, void *opaque,
                 struct v2c_err *err)
{
  const char *tmp = getenv ("TMPDIR");
  char dir[4096], path[4200], side[4300];
  sqlite3 *sdb = NULL;
  int r = -1;

  if (tmp == NULL || tmp[0] == '\0')
    tmp = "/tmp";
  if ((size_t) snprintf (dir, sizeof dir, "%s/v2c-rpmdb.XXXXXX", tmp)
      >= sizeof dir)
    return v2c_set_error (err, ENAMETOOLONG,
                          "can't make a temporary "
                          "directory in '%s'",
                          tmp);
  if (mkdtemp (dir) == NULL)
    return v2c_set_error (err, errno,
                          "can't make a temporary directory in "
                          "'%s'",
                          tmp);
  snprintf (path, sizeof path, "%s/rpmdb.sqlite", dir);
  snprintf (side, sizeof side, "%s-wal", path);
  if (write_file (path, db, len) == -1
      || write_file (side, wal, wal_len) == -1) {
    v2c_set_error (err, errno, "can't write '%s'", path);
    goto out;
  }
  if (sqlite3_open_v2 (path, &sdb, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
    v2c_set_error (err, 0, "can't open sqlite database: %s",
                   sdb ? sqlite3_errmsg (sdb) : "out of memory");
    goto out;
  }
  sqlite_harden (sdb);
  r = sqlite_rows (sdb, fn, opaque, err);
out:
  sqlite3_close (sdb);
  unlink (path);
  unlink (side);
  snprintf (side, sizeof side, "%s-shm", path);
  unlink (side);
  snprintf (side, sizeof side, "%s-journal", path);
  unlink (side);
  rmdir (dir);
  return r;
}

int
v2c_rpmdb_sqlite_walk (unsigned char *db, size_t len, const unsigned char *wal,
                       size_t wal_len, v2c_rpmdb_blob_fn fn, void *opaque,
                       struct v2c_err *err)
{
  sqlite3 *sdb = NULL;
  int r;

  if (len < 100 || memcmp (db, "SQLite format 3", 16) != 0)
    return v2c_set_error (err, 0, "not an sqlite database");
  if (len > INT64_MAX)
    return v2c_set_error (err, EFBIG, "sqlite database is too large");
  if (wal && wal_len > 0)
    return sqlite_walk_wal (db, len, wal, wal_len, fn, opaque, err);

  /* rpm keeps its database in WAL mode (header bytes 18 and 19 are 2);
   * an in-memory image only opens as a rollback-journal database, which
   * is the same thing when the log is empty. */
  if (db[18] == 2)
    db[18] = 1;
  if (db[19] == 2)
    db[19] = 1;
  if (sqlite3_open_v2 (":memory:", &sdb, SQLITE_OPEN_READWRITE, NULL)
      != SQLITE_OK) {
    sqlite3_close (sdb);
    return v2c_set_error (err, ENOMEM, "can't open an sqlite handle");
  }
  sqlite_harden (sdb);
  if (sqlite3_deserialize (sdb, "main", db, (sqlite3_int64) len,
                           (sqlite3_int64) len, SQLITE_DESERIALIZE_READONLY)
      != SQLITE_OK) {
    v2c_set_error (err, 0, "can't load sqlite database: %s",
                   sqlite3_errmsg (sdb));
    sqlite3_close (sdb);
    return -1;
  }
  r = sqlite_rows (sdb, fn, opaque, err);
  sqlite3_close (sdb);
  return r;
}
