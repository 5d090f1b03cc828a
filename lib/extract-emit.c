/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Writing the tree's entries into the layers of v2c-extract: the tar
 * entry of a file, its layer (the policy, with the package digest
 * checked on the data already read or where the file is), the parent
 * directories a layer still lacks, hard links within a layer, sparse
 * files mapped by their zero blocks, and the data in 2 MiB pread
 * replies.  Directories of the "os" and "cuda" layers get mtime 0, so VMs installed
 * from the same packages at different times share that layer byte for
 * byte.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "extract-private.h"
#include "inspect.h"
#include "secret-class.h"

int
v2c_extract_cancelled (struct v2c_extract *x)
{
  if (x->cancel && *x->cancel)
    return v2c_set_error (&x->err, EINTR, "interrupted");
  return 0;
}

static const EVP_MD *
digest_md (size_t hexlen, const char **name)
{
  switch (hexlen) {
  case 32: *name = "md5"; return EVP_md5 ();
  case 40: *name = "sha1"; return EVP_sha1 ();
  case 56: *name = "sha224"; return EVP_sha224 ();
  case 64: *name = "sha256"; return EVP_sha256 ();
  case 96: *name = "sha384"; return EVP_sha384 ();
  case 128: *name = "sha512"; return EVP_sha512 ();
  default: return NULL;
  }
}

/* ------------------------------------------------------------------ */
/* Writing entries                                                     */

static const char *
user_name (struct v2c_extract *x, uint32_t id, int group)
{
  size_t i;

  for (i = 0; i < x->users.n; i++)
    if (!x->users.v[i].is_group == !group
        && (group ? x->users.v[i].gid : x->users.v[i].uid) == id)
      return x->users.v[i].name;
  return NULL;
}

int
v2c_extract_layer_add (struct v2c_extract *x, int li,
                       const struct v2c_layer_entry *e)
{
  struct xlayer *l = &x->layers[li];

  if (v2c_layer_writer_add (l->w, e) == -1) {
    char prefix[64];
    snprintf (prefix, sizeof prefix, "layer '%s': ",
              x->policy.layers[li].name);
    return v2c_error_copy (&x->err, prefix, v2c_layer_writer_error (l->w),
                           v2c_layer_writer_errno (l->w));
  }
  l->entries++;
  return 0;
}

/* Write the directories above the entry at depth x->depth that layer li
 * does not have yet. */
int
v2c_extract_emit_parents (struct v2c_extract *x, int li)
{
  size_t i;

  for (i = 1; i < x->depth; i++) {    /* stack[0] is "/" */
    struct frame *f = &x->stack[i];
    struct v2c_layer_entry e;

    if (f->emitted & (1u << li))
      continue;
    e = f->e;
    if (x->policy.layers[li].shared)
      e.mtime = 0, e.mtime_nsec = 0;
    if (v2c_extract_layer_add (x, li, &e) == -1)
      return -1;
    f->emitted |= 1u << li;
  }
  return 0;
}

int
v2c_extract_fill_entry (struct v2c_extract *x, struct v2c_layer_entry *e,
                        const char *path, const struct v2c_fs_lstat *st,
                        const char *target, const struct v2c_xattr *xa,
                        size_t nxa)
{
  memset (e, 0, sizeof *e);
  e->path = path + 1;
  if (S_ISDIR (st->mode))
    e->type = V2C_FS_DIR;
  else if (S_ISLNK (st->mode))
    e->type = V2C_FS_LNK;
  else
    e->type = V2C_FS_REG;
  e->mode = st->mode & 07777;
  if (st->uid < 0 || st->uid > UINT32_MAX || st->gid < 0
      || st->gid > UINT32_MAX)
    return v2c_set_error (&x->err, 0, "'%s' has a bad owner", path);
  e->uid = (uint32_t) st->uid;
  e->gid = (uint32_t) st->gid;
  e->uname = user_name (x, e->uid, 0);
  e->gname = user_name (x, e->gid, 1);
  e->size = e->type == V2C_FS_REG ? st->size : 0;
  e->mtime = st->mtime_sec;
  e->mtime_nsec = st->mtime_nsec >= 0 && st->mtime_nsec < 1000000000
                    ? (uint32_t) st->mtime_nsec : 0;
  e->link_target = target;
  e->xattrs = xa;
  e->nxattrs = nxa;
  if (e->type == V2C_FS_REG && e->size < 0)
    return v2c_set_error (&x->err, 0, "'%s' has a bad size", path);
  return 0;
}

static void
progress (struct v2c_extract *x)
{
  if (x->prog_cb)
    x->prog_cb (x->prog_opaque, "extracting",
                x->done, x->total > x->done ? x->total : x->done);
}

/* pread up to want bytes at off; the reply is malloc'd (free it). */
char *
v2c_extract_read_chunk (struct v2c_extract *x, const char *path, int64_t off,
            size_t want, size_t *got)
{
  char *b = v2c_fs_pread (x->fs, path, off, want, got, &x->err);

  x->n_pread++;

  if (b == NULL)
    return NULL;
  if (*got == 0) {
    free (b);
    v2c_set_error (&x->err, 0, "can't read '%s' in the guest: it ends at "
                   "%lld bytes, before its size", path, (long long) off);
    return NULL;
  }
  return b;
}

static int
write_data (struct v2c_extract *x, int li, const char *buf, size_t len)
{
  struct xlayer *l = &x->layers[li];

  if (v2c_layer_writer_write_data (l->w, buf, len) == -1) {
    char prefix[64];
    snprintf (prefix, sizeof prefix, "layer '%s': ",
              x->policy.layers[li].name);
    return v2c_error_copy (&x->err, prefix, v2c_layer_writer_error (l->w),
                           v2c_layer_writer_errno (l->w));
  }
  l->data_bytes += len;
  x->done += len;
  progress (x);
  return 0;
}

/* Does the content of a regular file still have the package's digest?
 * first: its first bytes (the whole file when have == size), else the
 * backend computes it where the file is (the guest: one round trip).  A
 * digest of an unknown kind counts as changed. */
static int
content_same (struct v2c_extract *x, const char *path,
              const struct v2c_fs_lstat *st, const char *digest,
              const char *first, size_t have)
{
  const char *alg;
  const EVP_MD *md = digest_md (strlen (digest), &alg);
  char hex[2 * EVP_MAX_MD_SIZE + 1];
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned dl = 0, k;
  char *sum;
  int same;

  if (md == NULL)
    return 0;                    /* a digest we can't check: keep apart */
  if ((int64_t) have == st->size) {
    if (!EVP_Digest (first, have, d, &dl, md, NULL))
      return v2c_set_error (&x->err, 0, "can't compute %s", alg);
    for (k = 0; k < dl; k++)
      sprintf (hex + 2 * k, "%02x", d[k]);
    return strcmp (hex, digest) == 0;
  }
  sum = v2c_fs_checksum (x->fs, alg, path, &x->err);
  x->n_checksum++;
  x->checksum_bytes += (uint64_t) st->size;
  if (sum == NULL)
    return -1;
  same = strcmp (sum, digest) == 0;
  free (sum);
  return same;
}

/* The layer of an entry that is not a hard link to one already written
 * (see v2c_layer_policy_choose).  first: the file's first bytes (whole
 * file when *have == size), used to check a package file's digest.  -1
 * when no layer takes it, < -1 on error. */
int
v2c_extract_choose_layer (struct v2c_extract *x, const char *path,
                          const struct v2c_fs_lstat *st, const char *first,
                          size_t have, int *stock)
{
  int is_reg = S_ISREG (st->mode), same = 0;
  const char *digest = v2c_layer_policy_digest (&x->policy, path, is_reg);

  if (digest && (same = content_same (x, path, st, digest, first, have)) < 0)
    return -2;
  if (stock) {
    /* a file a component's include puts in its layer is still its
     * package's as shipped when the digest says so */
    const char *own = is_reg ? v2c_layer_policy_owned_digest (&x->policy, path)
                             : NULL;
    int s = same;
    if (own && own != digest
        && (s = content_same (x, path, st, own, first, have)) < 0)
      return -2;
    *stock = own != NULL && s == 1;
  }
  return v2c_layer_policy_choose (&x->policy, path, is_reg, same);
}

/* The check at write time: does this file hold a secret, whatever the
 * plan says?  Its path (lib/secret-class.c), else its content (the
 * inventory's scanner on the bytes read, up to CHUNK) unless it is a
 * package's file as shipped.  1: keep it out, 0: write it, -1 error. */
int
v2c_extract_secret_at_write (struct v2c_extract *x, const char *path, const char *first,
                 size_t have, int stock)
{
  struct v2c_secrets found;
  int r;

  if (v2c_secret_path (path, NULL) != V2C_SECRET_NONE)
    return 1;
  if (stock || first == NULL || have == 0)
    return 0;
  memset (&found, 0, sizeof found);
  if (v2c_secrets_scan (path, first, have, &found, &x->err) == -1)
    return -1;
  r = found.n > 0;
  v2c_secrets_free_contents (&found);
  return r;
}

struct hardlink *
v2c_extract_hl_find (struct v2c_extract *x, int64_t dev, int64_t ino, int insert)
{
  size_t i;

  if (x->hl_cap == 0 || (insert && x->hl_n * 2 >= x->hl_cap)) {
    size_t n = x->hl_cap ? x->hl_cap * 2 : 1024, k;
    struct hardlink *t = calloc (n, sizeof *t);
    if (t == NULL)
      return NULL;
    for (k = 0; k < x->hl_cap; k++)
      if (x->hl[k].path) {
        i = (size_t) ((uint64_t) x->hl[k].ino * 2654435761u + (uint64_t) x->hl[k].dev) % n;
        while (t[i].path)
          i = (i + 1) % n;
        t[i] = x->hl[k];
      }
    free (x->hl);
    x->hl = t;
    x->hl_cap = n;
  }
  i = (size_t) ((uint64_t) ino * 2654435761u + (uint64_t) dev) % x->hl_cap;
  while (x->hl[i].path) {
    if (x->hl[i].dev == dev && x->hl[i].ino == ino)
      return &x->hl[i];
    i = (i + 1) % x->hl_cap;
  }
  return insert ? &x->hl[i] : NULL;
}

/* Files with holes (fewer blocks than their size says) are mapped
 * first: one read, noting the 4 KiB blocks that hold something; then
 * only those are read again and written, with the map in the header. */
#define SPARSE_BLOCK 4096

int
v2c_extract_sparse_candidate (const struct v2c_fs_lstat *st)
{
  return S_ISREG (st->mode) && st->size > 65536 && st->blocks >= 0
         && st->blocks <= (st->size - 65536) / 512;
}

static int
all_zero (const char *b, size_t len)
{
  return len == 0 || (b[0] == 0 && memcmp (b, b + 1, len - 1) == 0);
}

/* *n = 0 when the file is better written whole. */
int
v2c_extract_sparse_map (struct v2c_extract *x, const char *path, int64_t size,
            uint64_t **map, size_t *n)
{
  uint64_t *m = NULL;
  size_t cnt = 0, cap = 0;
  int64_t off = 0;

  *map = NULL;
  *n = 0;
  while (off < size) {
    size_t want = size - off < (int64_t) CHUNK ? (size_t) (size - off) : CHUNK;
    size_t got, p;
    char *b;

    if (v2c_extract_cancelled (x) == -1
        || (b = v2c_extract_read_chunk (x, path, off, want, &got)) == NULL) {
      free (m);
      return -1;
    }
    if (got > want)
      got = want;
    for (p = 0; p < got; p += SPARSE_BLOCK) {
      size_t len = got - p < SPARSE_BLOCK ? got - p : SPARSE_BLOCK;
      uint64_t start = (uint64_t) off + p;
      if (all_zero (b + p, len))
        continue;
      if (cnt && m[2 * cnt - 2] + m[2 * cnt - 1] == start) {
        m[2 * cnt - 1] += len;
        continue;
      }
      if (cnt == V2C_LAYER_MAX_SPARSE) {     /* too fragmented: whole */
        free (b);
        free (m);
        return 0;
      }
      if (cnt == cap) {
        size_t nc = cap ? cap * 2 : 64;
        uint64_t *nm = realloc (m, nc * 2 * sizeof *nm);
        if (nm == NULL) {
          free (b);
          free (m);
          return v2c_set_error (&x->err, ENOMEM, "out of memory");
        }
        m = nm;
        cap = nc;
      }
      m[2 * cnt] = start;
      m[2 * cnt + 1] = len;
      cnt++;
    }
    free (b);
    off += (int64_t) got;
  }
  if (cnt == 0) {
    /* all holes: one zero byte at the end keeps the size */
    free (m);
    if ((m = malloc (2 * sizeof *m)) == NULL)
      return v2c_set_error (&x->err, ENOMEM, "out of memory");
    m[0] = (uint64_t) size - 1;
    m[1] = 1;
    cnt = 1;
  } else if (cnt == 1 && m[0] == 0 && m[1] == (uint64_t) size) {
    free (m);
    return 0;
  }
  *map = m;
  *n = cnt;
  return 0;
}

int
v2c_extract_read_range (struct v2c_extract *x, const char *path, int64_t off,
                        int64_t end, const char *buf, size_t have,
                        int (*sink) (void *opaque, const char *buf,
                                     size_t len),
                        void *opaque)
{
  if (buf && have) {
    if ((int64_t) have > end - off)
      have = (size_t) (end - off);
    if (sink (opaque, buf, have) == -1)
      return -1;
    off += (int64_t) have;
  }
  while (off < end) {
    size_t want = end - off < (int64_t) CHUNK ? (size_t) (end - off) : CHUNK;
    size_t got;
    char *b;
    int r;

    if (v2c_extract_cancelled (x) == -1
        || (b = v2c_extract_read_chunk (x, path, off, want, &got)) == NULL)
      return -1;
    if (got > want)
      got = want;
    r = sink (opaque, b, got);
    free (b);
    if (r == -1)
      return -1;
    off += (int64_t) got;
  }
  return 0;
}

struct layer_sink {
  struct v2c_extract *x;
  int li;
};

static int
layer_sink (void *opaque, const char *buf, size_t len)
{
  struct layer_sink *s = opaque;

  return write_data (s->x, s->li, buf, len);
}

/* Write [off, end) of a file to layer li; buf/have: bytes already read
 * at off. */
static int
copy_range (struct v2c_extract *x, int li, const char *path, int64_t off,
            int64_t end, char *buf, size_t have)
{
  struct layer_sink s = { x, li };

  return v2c_extract_read_range (x, path, off, end, buf, have, layer_sink, &s);
}

static int
strbuf_sink (void *opaque, const char *buf, size_t len)
{
  return v2c_strbuf_add (opaque, buf, len);
}

/* dpkg's status (and its backup) in an image that leaves packages out
 * (the plan's image.left_out_packages): read whole, their stanzas
 * dropped; *buf and *len the text to write instead (malloc'd), or NULL
 * when path is no such file. */
#define MAX_STATUS (256u << 20)
static int
status_without (struct v2c_extract *x, const char *path,
                const struct v2c_fs_lstat *st, char **buf, size_t *len)
{
  struct v2c_strbuf whole = V2C_STRBUF_INIT, out = V2C_STRBUF_INIT;
  int r;

  *buf = NULL;
  *len = 0;
  if (x->left_out == NULL || x->left_out->n == 0 || !S_ISREG (st->mode)
      || st->nlink > 1
      || (strcmp (path, "/var/lib/dpkg/status") != 0
          && strcmp (path, "/var/lib/dpkg/status-old") != 0))
    return 0;
  if (st->size > (int64_t) MAX_STATUS)
    return v2c_set_error (&x->err, EFBIG, "'%s': more than %u bytes", path,
                          MAX_STATUS);
  if (v2c_extract_read_range (x, path, 0, st->size, NULL, 0, strbuf_sink,
                              &whole) == -1)
    goto fail;
  r = v2c_dpkg_status_without (whole.s ? whole.s : "", whole.len, x->left_out,
                               &out, &x->dropped_pkgs);
  v2c_strbuf_release (&whole);
  if (r == -1 || out.failed) {
    v2c_strbuf_release (&out);
    return v2c_set_error (&x->err, ENOMEM, "out of memory");
  }
  v2c_message (&x->msg, V2C_MSG_VERBOSE, "%s: %zu bytes without the packages "
               "left out", path, out.len);
  *buf = out.s ? out.s : strdup ("");
  *len = out.len;
  return *buf ? 1 : v2c_set_error (&x->err, ENOMEM, "out of memory");
 fail:
  v2c_strbuf_release (&whole);
  if (x->err.msg[0] == '\0')
    v2c_set_error (&x->err, ENOMEM, "out of memory");
  return -1;
}

/* A non-directory entry. */
int
v2c_extract_emit_leaf (struct v2c_extract *x, const char *path,
                       const struct v2c_fs_lstat *st, const char *target,
                       const struct v2c_xattr *xa, size_t nxa)
{
  struct v2c_layer_entry e;
  char *first = NULL;
  size_t have = 0, nmap = 0, k;
  uint64_t *map = NULL;
  int li, r = -1, sparse = v2c_extract_sparse_candidate (st), stock = 0;
  struct hardlink *h = NULL;

  if (v2c_extract_fill_entry (x, &e, path, st, target, xa, nxa) == -1)
    return -1;
  if ((r = status_without (x, path, st, &first, &have)) == -1)
    return -1;
  if (r == 1) {
    /* its text is the one read and rewritten, not the file's */
    e.size = (int64_t) have;
    sparse = 0;
  }
  r = -1;
  if (first == NULL && e.type == V2C_FS_REG && e.size > 0 && !sparse) {
    size_t want = e.size < (int64_t) CHUNK ? (size_t) e.size : CHUNK;
    first = v2c_extract_read_chunk (x, path, 0, want, &have);
    if (first == NULL)
      return -1;
  }
  li = v2c_extract_choose_layer (x, path, st, first, have, &stock);
  if (li < -1)
    goto out;
  if (li >= 0 && e.type == V2C_FS_REG) {
    int s = v2c_extract_secret_at_write (x, path, first, have, stock);

    if (s == -1)
      goto out;
    if (s == 1 && !v2c_extract_allowed_secret (x, path)) {
      v2c_message (&x->msg, V2C_MSG_WARNING,
                   "'%s' holds a secret the plan does not list: it stays out "
                   "of the image",
                   path);
      x->skipped_secrets++;
      r = 0;
      goto out;
    }
  }
  if (li == -1) {
    x->skipped_unlayered++;
    r = 0;
    goto out;
  }
  if (e.type == V2C_FS_REG && st->nlink > 1) {
    h = v2c_extract_hl_find (x, st->dev, st->ino, 0);
    if (h && h->layer == li) {
      e.type = V2C_LAYER_HARDLINK;
      e.link_target = h->path + 1;
      e.size = 0;
      h = NULL;
    } else if (h == NULL) {
      h = v2c_extract_hl_find (x, st->dev, st->ino, 1);
      if (h == NULL) {
        v2c_set_error (&x->err, ENOMEM, "out of memory");
        goto out;
      }
    } else
      h = NULL;     /* in another layer: this one gets the data again */
  }
  if (e.type == V2C_FS_REG && sparse) {
    if (v2c_extract_sparse_map (x, path, e.size, &map, &nmap) == -1)
      goto out;
    e.sparse = map;
    e.nsparse = nmap;
  }
  if (v2c_extract_emit_parents (x, li) == -1
      || v2c_extract_layer_add (x, li, &e) == -1)
    goto out;
  if (h) {
    h->dev = st->dev;
    h->ino = st->ino;
    h->layer = li;
    if ((h->path = strdup (path)) == NULL) {
      v2c_set_error (&x->err, ENOMEM, "out of memory");
      goto out;
    }
    x->hl_n++;
  }
  if (e.mtime > x->newest)
    x->newest = e.mtime;
  if (li == 0)
    v2c_extract_data_note (x, path);
  if (e.type == V2C_FS_REG && nmap > 0) {
    for (k = 0; k < nmap; k++)
      if (copy_range (x, li, path, (int64_t) map[2 * k],
                      (int64_t) (map[2 * k] + map[2 * k + 1]), NULL, 0) == -1)
        goto out;
  } else if (e.type == V2C_FS_REG && e.size > 0
             && copy_range (x, li, path, 0, e.size, first, have) == -1)
    goto out;
  r = 0;
 out:
  free (map);
  free (first);
  return r;
}
