/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VMDK descriptors (VMware "Virtual Disk Format 5.0"): a text file of
 * 'key=value' lines and extent lines ('RW 4192256 SPARSE "x-s001.vmdk"'),
 * either standing alone or embedded in a hosted sparse extent ("KDMV"
 * header).  ESX 2 sparse extents ("COWD") carry no descriptor.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source-private.h"

#define VMDK_MAX_EXTENTS 65536
#define VMDK_MAX_LINE 65536
#define VMDK_MAX_CHAIN 64
#define SECTOR 512
#define MAX_SECTORS ((int64_t)(V2C_MAX_CAPACITY_BYTES / SECTOR))

void
v2c_vmdk_info_free_contents (struct v2c_vmdk_info *info)
{
  size_t i;

  if (info == NULL)
    return;
  free (info->create_type);
  free (info->parent_hint);
  for (i = 0; i < info->nextents; i++)
    V2C_FREE (info->extents[i].access, info->extents[i].type,
              info->extents[i].file);
  free (info->extents);
  v2c_free_list ((void *const *)info->chain, info->nchain);
  free (info->chain);
  memset (info, 0, sizeof *info);
}

static bool
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

/* Unsigned decimal into [0, max]; the whole string. */
static bool
parse_u64 (const char *s, size_t n, uint64_t max, uint64_t *out)
{
  uint64_t acc = 0;
  size_t i;

  if (n == 0)
    return false;
  for (i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    if (acc > (max - (uint64_t)(s[i] - '0')) / 10)
      return false;
    acc = acc * 10 + (uint64_t)(s[i] - '0');
  }
  *out = acc;
  return true;
}

static bool
parse_hex32 (const char *s, size_t n, uint32_t *out)
{
  uint32_t acc = 0;
  size_t i;

  if (n == 0 || n > 8)
    return false;
  for (i = 0; i < n; i++) {
    char c = s[i];
    int d;

    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      return false;
    acc = acc * 16 + (uint32_t)d;
  }
  *out = acc;
  return true;
}

/* Next blank-separated word of p[*i .. n); a word in double quotes may
 * hold blanks.  Returns false at the end of the line. */
static bool
next_word (const char *p, size_t n, size_t *i, const char **w, size_t *wn,
           bool *quoted)
{
  size_t j = *i;

  while (j < n && is_blank (p[j]))
    j++;
  if (j == n)
    return false;
  if (p[j] == '"') {
    const char *q = memchr (p + j + 1, '"', n - j - 1);

    if (q == NULL)
      return false;
    *w = p + j + 1;
    *wn = (size_t)(q - *w);
    *quoted = true;
    *i = (size_t)(q - p) + 1;
    return true;
  }
  *w = p + j;
  while (j < n && !is_blank (p[j]))
    j++;
  *wn = (size_t)(p + j - *w);
  *quoted = false;
  *i = j;
  return true;
}

static bool
word_is (const char *w, size_t n, const char *s)
{
  return strlen (s) == n && strncasecmp (w, s, n) == 0;
}

static const char *const extent_types[] = {
  "SPARSE",     "FLAT",    "ZERO",    "VMFS",
  "VMFSSPARSE", "VMFSRDM", "VMFSRAW", "SESPARSE",
};

static int
parse_extent (struct v2c_vmdk_info *info, const char *p, size_t n,
              size_t lineno, struct v2c_err *err)
{
  const char *w[5];
  size_t wn[5], i = 0, nw = 0, t;
  bool quoted[5];
  uint64_t sectors, offset;
  struct v2c_vmdk_extent *e;
  bool known = false, is_zero;

  while (nw < 5 && next_word (p, n, &i, &w[nw], &wn[nw], &quoted[nw]))
    nw++;
  while (i < n && is_blank (p[i]))
    i++;
  if (i < n)
    return v2c_set_error (err, 0, "line %zu: malformed extent line", lineno);
  if (nw < 3)
    return v2c_set_error (err, 0,
                          "line %zu: extent line needs access, size "
                          "and type",
                          lineno);
  if (!parse_u64 (w[1], wn[1], (uint64_t)MAX_SECTORS, &sectors))
    return v2c_set_error (err, 0,
                          "line %zu: extent size '%.*s' is not a "
                          "number of sectors up to %" PRId64,
                          lineno, (int)(wn[1] > 32 ? 32 : wn[1]), w[1],
                          MAX_SECTORS);
  for (t = 0; t < sizeof extent_types / sizeof extent_types[0]; t++)
    if (word_is (w[2], wn[2], extent_types[t]))
      known = true;
  if (!known || quoted[2])
    return v2c_set_error (err, 0, "line %zu: unknown extent type '%.*s'",
                          lineno, (int)(wn[2] > 32 ? 32 : wn[2]), w[2]);
  is_zero = word_is (w[2], wn[2], "ZERO");
  if (!is_zero && nw < 4)
    return v2c_set_error (err, 0, "line %zu: %.*s extent without a file",
                          lineno, (int)wn[2], w[2]);
  if (nw >= 4 && (!quoted[3] || wn[3] == 0))
    return v2c_set_error (err, 0,
                          "line %zu: extent file name must be "
                          "quoted and not empty",
                          lineno);
  if (nw >= 4 && memchr (w[3], '\0', wn[3]) != NULL)
    return v2c_set_error (err, 0, "line %zu: NUL in extent file name", lineno);
  if (nw == 5
      && (quoted[4] || !parse_u64 (w[4], wn[4], UINT64_MAX / 2, &offset)))
    return v2c_set_error (err, 0, "line %zu: bad extent offset", lineno);
  if ((int64_t)sectors > MAX_SECTORS - info->capacity_bytes / SECTOR)
    return v2c_set_error (err, 0,
                          "line %zu: disk capacity exceeds %llu "
                          "bytes",
                          lineno, (unsigned long long)V2C_MAX_CAPACITY_BYTES);
  if (info->nextents >= VMDK_MAX_EXTENTS)
    return v2c_set_error (err, 0, "more than %d extents", VMDK_MAX_EXTENTS);

  /* Grow to the next power of two: split disks have thousands. */
  if ((info->nextents & (info->nextents - 1)) == 0) {
    size_t ncap = info->nextents ? info->nextents * 2 : 1;

    e = realloc (info->extents, ncap * sizeof *e);
    if (e == NULL)
      return v2c_set_error (err, errno, "out of memory");
    info->extents = e;
  }
  e = &info->extents[info->nextents++];
  memset (e, 0, sizeof *e);
  e->sectors = (int64_t)sectors;
  e->access = strndup (w[0], wn[0]);
  e->type = strndup (w[2], wn[2]);
  if (nw >= 4)
    e->file = strndup (w[3], wn[3]);
  if (e->access == NULL || e->type == NULL || (nw >= 4 && e->file == NULL))
    return v2c_set_error (err, errno, "out of memory");
  /* Upper case, so callers can compare with strcmp. */
  for (t = 0; e->type[t]; t++)
    if (e->type[t] >= 'a' && e->type[t] <= 'z')
      e->type[t] = (char)(e->type[t] - 'a' + 'A');
  for (t = 0; e->access[t]; t++)
    if (e->access[t] >= 'a' && e->access[t] <= 'z')
      e->access[t] = (char)(e->access[t] - 'a' + 'A');
  info->capacity_bytes += (int64_t)sectors * SECTOR;
  return 0;
}

static int
set_string (char **dst, const char *v, size_t n, struct v2c_err *err)
{
  char *s = strndup (v, n);

  if (s == NULL)
    return v2c_set_error (err, errno, "out of memory");
  free (*dst);
  *dst = s;
  return 0;
}

static int
parse_line (struct v2c_vmdk_info *info, const char *p, size_t n, size_t lineno,
            struct v2c_err *err)
{
  const char *eq, *k, *v;
  size_t kn, vn, i;

  if (n > 0 && p[n - 1] == '\r')
    n--;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return v2c_set_error (err, 0, "line %zu: control character 0x%02x",
                            lineno, c);
  }
  while (n > 0 && is_blank (p[n - 1]))
    n--;
  i = 0;
  while (i < n && is_blank (p[i]))
    i++;
  p += i;
  n -= i;
  if (n == 0 || p[0] == '#')
    return 0;

  for (i = 0; i < n && !is_blank (p[i]); i++)
    ;
  if (word_is (p, i, "RW") || word_is (p, i, "RDONLY")
      || word_is (p, i, "NOACCESS"))
    return parse_extent (info, p, n, lineno, err);

  eq = memchr (p, '=', n);
  if (eq == NULL)
    return v2c_set_error (err, 0, "line %zu: not a descriptor line", lineno);
  k = p;
  kn = (size_t)(eq - p);
  while (kn > 0 && is_blank (k[kn - 1]))
    kn--;
  v = eq + 1;
  vn = (size_t)(p + n - v);
  while (vn > 0 && is_blank (*v)) {
    v++;
    vn--;
  }
  if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
    v++;
    vn -= 2;
  }
  if (kn == 0)
    return v2c_set_error (err, 0, "line %zu: empty key", lineno);

  if (word_is (k, kn, "createType")) {
    if (vn == 0)
      return v2c_set_error (err, 0, "line %zu: empty createType", lineno);
    return set_string (&info->create_type, v, vn, err);
  }
  if (word_is (k, kn, "parentFileNameHint")) {
    if (vn == 0)
      return 0;
    return set_string (&info->parent_hint, v, vn, err);
  }
  if (word_is (k, kn, "CID") || word_is (k, kn, "parentCID")) {
    uint32_t x;

    if (!parse_hex32 (v, vn, &x))
      return v2c_set_error (err, 0,
                            "line %zu: %.*s '%.*s' is not a 32-bit "
                            "hex number",
                            lineno, (int)kn, k, (int)(vn > 32 ? 32 : vn), v);
    if (word_is (k, kn, "CID"))
      info->cid = x;
    else
      info->parent_cid = x;
    return 0;
  }
  if (word_is (k, kn, "version")) {
    uint64_t ver;

    if (!parse_u64 (v, vn, 1000, &ver) || ver < 1 || ver > 3)
      return v2c_set_error (err, 0,
                            "line %zu: unsupported descriptor "
                            "version '%.*s'",
                            lineno, (int)(vn > 32 ? 32 : vn), v);
    return 0;
  }
  /* encoding, ddb.*, isNativeSnapshot, ...: not needed. */
  return 0;
}

int
v2c_vmdk_parse_descriptor (const char *buf, size_t len,
                           struct v2c_vmdk_info *info, struct v2c_err *err)
{
  size_t off = 0, lineno = 0;

  memset (info, 0, sizeof *info);
  info->parent_cid = 0xffffffff;
  if (buf == NULL && len > 0)
    return v2c_set_error (err, EINVAL, "can't parse VMDK descriptor");
  if (len > V2C_MAX_DESCRIPTOR_BYTES)
    return v2c_set_error (err, 0, "VMDK descriptor is larger than %u bytes",
                          V2C_MAX_DESCRIPTOR_BYTES);
  if (len > 0 && memchr (buf, '\0', len) != NULL)
    return v2c_set_error (err, 0, "VMDK descriptor contains a NUL byte");

  while (off < len) {
    const char *nl = memchr (buf + off, '\n', len - off);
    size_t n = nl ? (size_t)(nl - (buf + off)) : len - off;

    lineno++;
    if (n > VMDK_MAX_LINE) {
      v2c_set_error (err, 0, "line %zu is longer than %d bytes", lineno,
                     VMDK_MAX_LINE);
      goto fail;
    }
    if (parse_line (info, buf + off, n, lineno, err) == -1)
      goto fail;
    off += n + (nl != NULL);
  }

  if (info->create_type == NULL) {
    v2c_set_error (err, 0, "not a VMDK descriptor: no createType");
    goto fail;
  }
  if (info->nextents == 0) {
    v2c_set_error (err, 0, "VMDK descriptor has no extents");
    goto fail;
  }
  return 0;

fail:
  v2c_vmdk_info_free_contents (info);
  return -1;
}

/* ------------------------------------------------------------------ */
/* Files                                                               */

static uint32_t
le32 (const unsigned char *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16
         | (uint32_t)p[3] << 24;
}

static uint64_t
le64 (const unsigned char *p)
{
  return (uint64_t)le32 (p) | (uint64_t)le32 (p + 4) << 32;
}

static const char *
base_name (const char *path)
{
  const char *s = strrchr (path, '/');

  return s ? s + 1 : path;
}

/* A descriptor-less extent read on its own: describe it as a one-extent
 * disk made of the file itself. */
static int
single_extent (const char *path, const char *create_type, const char *type,
               uint64_t sectors, struct v2c_vmdk_info *info,
               struct v2c_err *err)
{
  struct v2c_vmdk_extent *e;

  if (sectors > (uint64_t)MAX_SECTORS)
    return v2c_set_error (err, 0,
                          "'%s': capacity of %" PRIu64 " sectors is "
                          "out of range",
                          path, sectors);
  memset (info, 0, sizeof *info);
  info->parent_cid = 0xffffffff;
  e = calloc (1, sizeof *e);
  if (e == NULL)
    return v2c_set_error (err, errno, "out of memory");
  info->extents = e;
  info->nextents = 1;
  info->capacity_bytes = (int64_t)sectors * SECTOR;
  e->sectors = (int64_t)sectors;
  e->access = strdup ("RW");
  e->type = strdup (type);
  e->file = strdup (base_name (path));
  info->create_type = strdup (create_type);
  if (!e->access || !e->type || !e->file || !info->create_type) {
    v2c_vmdk_info_free_contents (info);
    return v2c_set_error (err, errno, "out of memory");
  }
  return 0;
}

static int
read_full (int fd, void *buf, size_t n, off_t off, size_t *got)
{
  size_t done = 0;

  while (done < n) {
    ssize_t r = pread (fd, (char *)buf + done, n - done, off + (off_t)done);
    if (r == -1 && errno == EINTR)
      continue;
    if (r == -1)
      return -1;
    if (r == 0)
      break;
    done += (size_t)r;
  }
  *got = done;
  return 0;
}

static bool
looks_like_text (const unsigned char *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
        || p[i] == 0x7f)
      return false;
  return true;
}

/* Parse one file: text descriptor, KDMV with embedded descriptor, or a
 * bare sparse extent. */
static int
read_one (const char *path, struct v2c_vmdk_info *info, struct v2c_err *err)
{
  unsigned char hdr[SECTOR];
  size_t got, len;
  char *buf = NULL;
  struct stat st;
  int fd, r = -1;

  memset (info, 0, sizeof *info);
  /* O_NONBLOCK: a FIFO must not hang us before fstat says what it is. */
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd == -1)
    return v2c_set_error (err, errno, "can't open '%s'", path);
  if (fstat (fd, &st) == -1) {
    v2c_set_error (err, errno, "can't stat '%s'", path);
    goto out;
  }
  if (!S_ISREG (st.st_mode)) {
    v2c_set_error (err, 0, "'%s' is not a regular file", path);
    goto out;
  }
  if (read_full (fd, hdr, sizeof hdr, 0, &got) == -1) {
    v2c_set_error (err, errno, "can't read '%s'", path);
    goto out;
  }

  if (got >= 4 && memcmp (hdr, "KDMV", 4) == 0) {
    uint64_t cap, doff, dsize;

    if (got < 44) {
      v2c_set_error (err, 0, "'%s': truncated VMDK sparse header", path);
      goto out;
    }
    cap = le64 (hdr + 12);
    doff = le64 (hdr + 28);
    dsize = le64 (hdr + 36);
    if (doff == 0 || dsize == 0) {
      r = single_extent (path, "monolithicSparse", "SPARSE", cap, info, err);
      goto out;
    }
    if (dsize > V2C_MAX_DESCRIPTOR_BYTES / SECTOR
        || doff > (uint64_t)INT64_MAX / SECTOR - dsize) {
      v2c_set_error (err, 0,
                     "'%s': embedded descriptor at sector %" PRIu64
                     " (%" PRIu64 " sectors) is out of range",
                     path, doff, dsize);
      goto out;
    }
    len = (size_t)dsize * SECTOR;
    buf = malloc (len);
    if (buf == NULL) {
      v2c_set_error (err, errno, "out of memory");
      goto out;
    }
    if (read_full (fd, buf, len, (off_t)(doff * SECTOR), &got) == -1) {
      v2c_set_error (err, errno, "can't read '%s'", path);
      goto out;
    }
    /* The descriptor area is padded with NULs. */
    len = strnlen (buf, got);
  } else if (got >= 4 && memcmp (hdr, "COWD", 4) == 0) {
    if (got < 16) {
      v2c_set_error (err, 0, "'%s': truncated ESX sparse header", path);
      goto out;
    }
    r = single_extent (path, "vmfsSparse", "VMFSSPARSE", le32 (hdr + 12), info,
                       err);
    goto out;
  } else {
    size_t text = strnlen ((const char *)hdr, got);

    /* A text descriptor, maybe padded with NULs after its text (as
     * qemu-img writes twoGbMaxExtentSparse descriptors): like qemu, the
     * text ends at the first NUL.  Control bytes before it mean some
     * other kind of file. */
    if (text == 0 || !looks_like_text (hdr, text)) {
      v2c_set_error (err, 0, "'%s' is not a VMDK file", path);
      goto out;
    }
    close (fd);
    fd = -1;
    buf = v2c_read_file (path, V2C_MAX_DESCRIPTOR_BYTES, &len, err);
    if (buf == NULL)
      goto out;
    len = strnlen (buf, len);
  }
  r = v2c_vmdk_parse_descriptor (buf, len, info, err);
  if (r == -1)
    v2c_error_prefix (err, "'%s'", path);

out:
  free (buf);
  if (fd >= 0)
    close (fd);
  return r;
}

/* name relative to the directory of 'of'; absolute names as they are. */
static char *
relative_to (const char *of, const char *name)
{
  const char *slash = strrchr (of, '/');
  char *r;

  if (name[0] == '/' || slash == NULL)
    return strdup (name);
  if (asprintf (&r, "%.*s/%s", (int)(slash - of), of, name) == -1)
    return NULL;
  return r;
}

/* Every extent file must be readable and, with a root, inside it.
 * path is canonical, as qemu resolves extents against its directory. */
static int
check_extents (const char *path, const char *root,
               const struct v2c_vmdk_info *info, struct v2c_err *err)
{
  char *dir = v2c_source_dir_of (path);
  int r = -1;

  if (dir == NULL)
    return v2c_set_error (err, errno, "out of memory");
  for (size_t i = 0; i < info->nextents; i++) {
    const char *name = info->extents[i].file;
    char *f;

    if (name == NULL)
      continue;
    /* qemu opens an extent where the descriptor says: no remapping, so
     * an absolute extent outside the folder is refused. */
    f = v2c_contain_path (root, dir, name, "extent", NULL, err);
    if (f == NULL) {
      v2c_error_prefix (err, "'%s'", path);
      goto out;
    }
    if (access (f, R_OK) == -1) {
      v2c_set_error (err, errno, "can't read extent '%s' of '%s'", f, path);
      free (f);
      goto out;
    }
    free (f);
  }
  r = 0;
out:
  free (dir);
  return r;
}

/* Where the parent named by hint is.  VMware writes absolute hints
 * (/vmfs/volumes/..., C:\...) that no longer hold once a VM folder is
 * copied; then the file of the same name is used, as VMware
 * Workstation does: beside the child when there is no root, else the
 * one of that name inside the root. */
static char *
find_parent (const char *child, const char *root, const char *hint,
             bool *remapped, struct v2c_err *err)
{
  CLEANUP_FREE char *dir = v2c_source_dir_of (child);
  const char *b;
  char *p;

  *remapped = false;
  if (dir == NULL) {
    v2c_set_error (err, errno, "out of memory");
    return NULL;
  }
  if (root) {
    p = v2c_contain_path (root, dir, hint, "parent", remapped, err);
    if (p == NULL)
      v2c_error_prefix (err, "'%s'", child);
    return p;
  }
  p = relative_to (child, hint);
  if (p == NULL || access (p, F_OK) == 0)
    goto done;
  b = hint;
  for (const char *s = hint; *s; s++)
    if (*s == '/' || *s == '\\')
      b = s + 1;
  if (b == hint || *b == '\0')
    goto done;
  free (p);
  p = relative_to (child, b);
  *remapped = p != NULL;
done:
  if (p == NULL)
    v2c_set_error (err, errno, "out of memory");
  return p;
}

static int
chain_add (struct v2c_vmdk_info *info, const char *real, struct v2c_err *err)
{
  char **c = realloc (info->chain, (info->nchain + 1) * sizeof *c);

  if (c == NULL)
    return v2c_set_error (err, errno, "out of memory");
  info->chain = c;
  c[info->nchain] = strdup (real);
  if (c[info->nchain] == NULL)
    return v2c_set_error (err, errno, "out of memory");
  info->nchain++;
  return 0;
}

int
v2c_vmdk_read (const char *path, const char *root,
               struct v2c_vmdk_info *info, struct v2c_err *err)
{
  struct v2c_vmdk_info pinfo = { 0 };
  char *cur = NULL;
  const char *hint;
  size_t i;
  int r = -1;

  cur = realpath (path, NULL);
  if (cur == NULL)
    return v2c_set_error (err, errno, "can't open '%s'", path);
  if (read_one (cur, info, err) == -1)
    goto out;
  if (check_extents (cur, root, info, err) == -1
      || chain_add (info, cur, err) == -1)
    goto out;

  for (hint = info->parent_hint; hint; hint = pinfo.parent_hint) {
    char *parent, *real;
    bool remapped;

    if (info->nchain > VMDK_MAX_CHAIN) {
      v2c_set_error (err, 0, "'%s': backing chain is deeper than %d levels",
                     path, VMDK_MAX_CHAIN);
      goto out;
    }
    parent = find_parent (cur, root, hint, &remapped, err);
    if (parent == NULL)
      goto out;
    real = realpath (parent, NULL);
    if (real == NULL) {
      v2c_set_error (err, errno, "can't find parent '%s' of '%s'", hint, cur);
      free (parent);
      goto out;
    }
    free (parent);
    for (i = 0; i < info->nchain; i++)
      if (strcmp (info->chain[i], real) == 0) {
        v2c_set_error (err, 0, "'%s': backing chain loops back to '%s'", path,
                       real);
        free (real);
        goto out;
      }
    if (remapped && strcmp (hint, real) != 0)
      info->remapped = true;
    free (cur);
    cur = real;
    v2c_vmdk_info_free_contents (&pinfo);
    if (read_one (cur, &pinfo, err) == -1
        || check_extents (cur, root, &pinfo, err) == -1
        || chain_add (info, cur, err) == -1)
      goto out;
  }
  r = 0;

out:
  v2c_vmdk_info_free_contents (&pinfo);
  free (cur);
  if (r == -1)
    v2c_vmdk_info_free_contents (info);
  return r;
}
