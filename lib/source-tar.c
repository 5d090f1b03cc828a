/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Index of an OVA: where the data of each regular tar member starts in
 * the file, and how long it is.
 *
 * Why not libarchive: an OVA holds disks of tens of GB, and v2c never
 * extracts them; it hands qemu a raw-offset view of the OVA file at the
 * member's data.  libarchive reads entries as a stream and has no API
 * that gives the offset of an entry's data in the file, so this walks
 * the 512-byte tar headers itself with pread.  It understands what
 * ovftool, VirtualBox, GNU tar, bsdtar and Python write: ustar, pax
 * extended headers ('x', 'g') and GNU long names ('L', 'K'), with sizes
 * in octal or GNU base-256.  It never reads member data except the
 * small extension headers.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "v2c-internal.h"

#define BLOCK 512
#define TAR_MAX_MEMBERS 10000
/* Every header counts here (directories, links, extension headers), so
 * that a file of millions of empty entries is not walked forever. */
#define TAR_MAX_HEADERS 100000
#define TAR_MAX_NAME 4096
#define TAR_MAX_PAX (1u << 20)

/* Offsets into a header block. */
#define H_NAME 0
#define H_SIZE 124
#define H_CHKSUM 148
#define H_TYPEFLAG 156
#define H_MAGIC 257
#define H_PREFIX 345

/* What extension headers say about the entry that follows them. */
struct pending {
  char *pax_path; /* pax 'x' path=, or NULL */
  int have_pax_size;
  uint64_t pax_size; /* pax 'x' size= */
  int sparse;        /* pax GNU.sparse.* keys seen */
  char *long_name;   /* GNU 'L', or NULL */
  int active;        /* some extension header is waiting for its entry */
};

static void
pending_clear (struct pending *p)
{
  free (p->pax_path);
  free (p->long_name);
  memset (p, 0, sizeof *p);
}

/* Read up to len bytes at off; returns the count, short only at end of
 * file, or -1 with errno set. */
static ssize_t
pread_full (int fd, void *buf, size_t len, uint64_t off)
{
  size_t done = 0;

  while (done < len) {
    ssize_t r
        = pread (fd, (char *)buf + done, len - done, (off_t)(off + done));
    if (r == -1 && errno == EINTR)
      continue;
    if (r == -1)
      return -1;
    if (r == 0)
      break;
    done += (size_t)r;
  }
  return (ssize_t)done;
}

static int
is_zero (const unsigned char *p, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (p[i])
      return 0;
  return 1;
}

/* Octal field: optional leading spaces, digits, then only NUL or space.
 * An empty field reads as 0 when empty_ok. */
static int
parse_octal (const unsigned char *p, size_t n, int empty_ok, uint64_t *v)
{
  size_t i = 0;
  uint64_t x = 0;
  int digits = 0;

  while (i < n && p[i] == ' ')
    i++;
  for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
    if (x > (UINT64_MAX >> 3))
      return -1;
    x = (x << 3) | (uint64_t)(p[i] - '0');
    digits++;
  }
  for (; i < n; i++)
    if (p[i] != '\0' && p[i] != ' ')
      return -1;
  if (digits == 0 && !empty_ok)
    return -1;
  *v = x;
  return 0;
}

/* A numeric field: octal, or GNU base-256 when the first byte has its
 * high bit set (then bit 6 is the sign).  Negative values and values
 * beyond INT64_MAX (an off_t) are refused. */
static int
parse_number (const unsigned char *p, size_t n, uint64_t *v)
{
  uint64_t x;
  size_t i;

  if (!(p[0] & 0x80)) {
    if (parse_octal (p, n, 1, &x) == -1)
      return -1;
  } else {
    if (p[0] & 0x40)
      return -1;
    x = p[0] & 0x3f;
    for (i = 1; i < n; i++) {
      if (x > (UINT64_MAX >> 8))
        return -1;
      x = (x << 8) | p[i];
    }
  }
  if (x > INT64_MAX)
    return -1;
  *v = x;
  return 0;
}

/* The chksum field holds the sum of the header's bytes with the field
 * itself counted as spaces.  Old writers summed signed chars. */
static int
checksum_ok (const unsigned char *h)
{
  uint64_t want;
  int64_t sum_signed = 0;
  uint64_t sum = 0;
  size_t i;

  if (parse_octal (h + H_CHKSUM, 8, 0, &want) == -1)
    return 0;
  for (i = 0; i < BLOCK; i++) {
    unsigned char c = (i >= H_CHKSUM && i < H_CHKSUM + 8) ? ' ' : h[i];
    sum += c;
    sum_signed += (signed char)c;
  }
  return want == sum || (int64_t)want == sum_signed;
}

/* Names come from hostile data: refuse what could step outside the
 * directory the OVA describes, even though v2c never extracts. */
static int
name_is_safe (const char *name)
{
  const char *p = name;

  if (name[0] == '\0' || name[0] == '/')
    return 0;
  while (*p) {
    const char *slash = strchr (p, '/');
    size_t len = slash ? (size_t)(slash - p) : strlen (p);

    if (len == 2 && p[0] == '.' && p[1] == '.')
      return 0;
    if (!slash)
      break;
    p = slash + 1;
  }
  return 1;
}

/* The name in the header itself: ustar's prefix + "/" + name, or just
 * the name for GNU and v7 headers (GNU keeps other fields where ustar
 * has the prefix). */
static char *
header_name (const unsigned char *h)
{
  size_t nlen = strnlen ((const char *)h + H_NAME, 100);
  size_t plen = 0;
  char *s;

  if (memcmp (h + H_MAGIC,
              "ustar\0"
              "00",
              8)
      == 0)
    plen = strnlen ((const char *)h + H_PREFIX, 155);
  s = malloc (plen + 1 + nlen + 1);
  if (s == NULL)
    return NULL;
  if (plen) {
    memcpy (s, h + H_PREFIX, plen);
    s[plen] = '/';
    memcpy (s + plen + 1, h + H_NAME, nlen);
    s[plen + 1 + nlen] = '\0';
  } else {
    memcpy (s, h + H_NAME, nlen);
    s[nlen] = '\0';
  }
  return s;
}

/* Records "LEN key=value\n", LEN counting the whole record. */
static int
parse_pax (const char *buf, size_t len, struct pending *pd, uint64_t off,
           struct v2c_err *err)
{
  size_t p = 0;

  while (p < len) {
    size_t q = p, reclen = 0, kvlen;
    const char *kv, *eq;
    size_t klen, vlen;
    const char *val;

    while (q < len && buf[q] >= '0' && buf[q] <= '9') {
      reclen = reclen * 10 + (size_t)(buf[q] - '0');
      if (reclen > len)
        goto bad;
      q++;
    }
    if (q == p || q >= len || buf[q] != ' ')
      goto bad;
    /* room for at least "k=\n" after the space */
    if (reclen < (q - p) + 1 + 3 || reclen > len - p)
      goto bad;
    if (buf[p + reclen - 1] != '\n')
      goto bad;
    kv = buf + q + 1;
    kvlen = p + reclen - 1 - (q + 1);
    eq = memchr (kv, '=', kvlen);
    if (eq == NULL || eq == kv)
      goto bad;
    klen = (size_t)(eq - kv);
    val = eq + 1;
    vlen = kvlen - klen - 1;

    if (klen == 4 && memcmp (kv, "path", 4) == 0) {
      free (pd->pax_path);
      pd->pax_path = NULL;
      /* An empty value cancels the override. */
      if (vlen > 0) {
        if (vlen > TAR_MAX_NAME)
          return v2c_set_error (err, 0,
                                "OVA member name at offset %" PRIu64
                                " is longer than %d bytes",
                                off, TAR_MAX_NAME);
        if (memchr (val, '\0', vlen))
          return v2c_set_error (err, 0,
                                "OVA member name at offset %" PRIu64
                                " contains a NUL byte",
                                off);
        pd->pax_path = v2c_strndup0 (val, vlen);
        if (pd->pax_path == NULL)
          return v2c_set_error (err, errno, "out of memory");
      }
    } else if (klen == 4 && memcmp (kv, "size", 4) == 0) {
      uint64_t x = 0;
      size_t i;

      pd->have_pax_size = 0;
      if (vlen > 0) {
        for (i = 0; i < vlen; i++) {
          if (val[i] < '0' || val[i] > '9')
            goto bad;
          if (x > (INT64_MAX - 9) / 10)
            goto bad;
          x = x * 10 + (uint64_t)(val[i] - '0');
        }
        pd->have_pax_size = 1;
        pd->pax_size = x;
      }
    } else if (klen > 11 && memcmp (kv, "GNU.sparse.", 11) == 0)
      pd->sparse = 1;
    p += reclen;
  }
  return 0;

bad:
  return v2c_set_error (err, 0,
                        "corrupt OVA: bad pax extended header at offset "
                        "%" PRIu64 " (record at byte %zu)",
                        off, p);
}

/* Read the data of an extension header (at most max bytes), NUL
 * terminated.  Caller frees. */
static char *
read_ext_data (int fd, uint64_t off, uint64_t size, uint64_t file_size,
               struct v2c_err *err)
{
  char *buf;
  ssize_t r;

  if (size > file_size || off > file_size - size) {
    v2c_set_error (err, 0,
                   "truncated OVA: extended header at offset %" PRIu64
                   " needs %" PRIu64 " bytes, file ends at %" PRIu64,
                   off - BLOCK, off + size, file_size);
    return NULL;
  }
  buf = malloc ((size_t)size + 1);
  if (buf == NULL) {
    v2c_set_error (err, errno, "out of memory");
    return NULL;
  }
  r = pread_full (fd, buf, (size_t)size, off);
  if (r == -1) {
    v2c_set_error (err, errno, "can't read OVA at offset %" PRIu64, off);
    free (buf);
    return NULL;
  }
  if ((uint64_t)r != size) {
    v2c_set_error (err, 0,
                   "truncated OVA: extended header at offset %" PRIu64
                   " is cut short",
                   off - BLOCK);
    free (buf);
    return NULL;
  }
  buf[size] = '\0';
  return buf;
}

/* "./disk.vmdk" and "disk.vmdk" name the same file for whoever looks a
 * member up. */
static const char *
skip_dot_slash (const char *s)
{
  while (s[0] == '.' && s[1] == '/') {
    s += 2;
    while (*s == '/')
      s++;
  }
  return s;
}

static int
cmp_member_name (const void *a, const void *b)
{
  const struct v2c_tar_member *const *x = a, *const *y = b;
  return strcmp (skip_dot_slash ((*x)->name), skip_dot_slash ((*y)->name));
}

/* Two members of one name: tar says the later one wins, but an OVA
 * whose manifest check and disk could be different copies is refused. */
static int
check_duplicates (struct v2c_tar_member *m, size_t n, struct v2c_err *err)
{
  struct v2c_tar_member **v;
  size_t i;
  int ret = 0;

  if (n < 2)
    return 0;
  v = malloc (n * sizeof *v);
  if (v == NULL)
    return v2c_set_error (err, errno, "out of memory");
  for (i = 0; i < n; i++)
    v[i] = &m[i];
  qsort (v, n, sizeof *v, cmp_member_name);
  for (i = 1; i < n; i++) {
    if (cmp_member_name (&v[i - 1], &v[i]) == 0) {
      ret = v2c_set_error (err, 0, "OVA has more than one member named '%s'",
                           v[i]->name);
      break;
    }
  }
  free (v);
  return ret;
}

static int
file_size_of (int fd, uint64_t *size, struct v2c_err *err)
{
  struct stat st;
  off_t end;

  if (fstat (fd, &st) == -1)
    return v2c_set_error (err, errno, "can't stat OVA");
  if (S_ISREG (st.st_mode)) {
    *size = (uint64_t)st.st_size;
    return 0;
  }
  if (!S_ISBLK (st.st_mode))
    return v2c_set_error (err, 0, "OVA is not a regular file");
  end = lseek (fd, 0, SEEK_END);
  if (end == -1)
    return v2c_set_error (err, errno, "can't find the size of the OVA");
  *size = (uint64_t)end;
  return 0;
}

void
v2c_tar_members_free (struct v2c_tar_member *m, size_t n)
{
  size_t i;

  if (m == NULL)
    return;
  for (i = 0; i < n; i++)
    free (m[i].name);
  free (m);
}

/* One pass over the archive's headers. */
struct tar_scan {
  int fd;
  uint64_t file_size;
  struct pending pd;        /* extension headers waiting for their entry */
  struct v2c_tar_member *m; /* the members found so far */
  size_t n, cap, nheaders;
  struct v2c_err *err;
};

/* Read and check the header block at off into h: 1 at the end of the
 * archive, 0 for a header, -1 on error. */
static int
read_header (struct tar_scan *t, uint64_t off, unsigned char *h)
{
  struct v2c_err *err = t->err;
  ssize_t r = pread_full (t->fd, h, BLOCK, off);

  if (r == -1)
    return v2c_set_error (err, errno, "can't read OVA at offset %" PRIu64,
                          off);
  if (off == 0 && r == 0)
    return v2c_set_error (err, 0,
                          "not a tar archive (OVA): the file is empty");
  if (off == 0 && (r < BLOCK || (!is_zero (h, BLOCK) && !checksum_ok (h))))
    return v2c_set_error (err, 0, "not a tar archive (OVA)");
  /* End: a zero block, or the end of the file at a block boundary
   * (some vSphere exports omit the two zero blocks). */
  if (is_zero (h, (size_t)r)) {
    if (t->pd.active)
      return v2c_set_error (err, 0,
                            "truncated OVA: extended header before offset "
                            "%" PRIu64 " has no entry after it",
                            off);
    return 1;
  }
  if (r < BLOCK)
    return v2c_set_error (
        err, 0,
        "truncated OVA: tar header at offset %" PRIu64 " is cut short", off);
  if (!checksum_ok (h))
    return v2c_set_error (err, 0,
                          "corrupt OVA: bad tar header checksum at offset "
                          "%" PRIu64,
                          off);
  if (++t->nheaders > TAR_MAX_HEADERS)
    return v2c_set_error (err, 0, "OVA has more than %d tar entries",
                          TAR_MAX_HEADERS);
  return 0;
}

/* A pax 'x' header: its keys apply to the next entry. */
static int
read_pax_header (struct tar_scan *t, uint64_t off, uint64_t data_off,
                 uint64_t size)
{
  char *buf;
  int r;

  if (size > TAR_MAX_PAX)
    return v2c_set_error (t->err, 0,
                          "OVA pax extended header at offset %" PRIu64
                          " is larger than %u bytes",
                          off, TAR_MAX_PAX);
  buf = read_ext_data (t->fd, data_off, size, t->file_size, t->err);
  if (buf == NULL)
    return -1;
  r = parse_pax (buf, (size_t)size, &t->pd, off, t->err);
  free (buf);
  if (r == -1)
    return -1;
  t->pd.active = 1;
  return 0;
}

/* A GNU 'L' (long name of the next entry) or 'K' (long link target:
 * read and dropped) header. */
static int
read_gnu_long (struct tar_scan *t, char type, uint64_t off,
               uint64_t data_off, uint64_t size)
{
  char *buf;

  /* GNU writes the name with its terminating NUL. */
  if (size > TAR_MAX_NAME + 1)
    return v2c_set_error (t->err, 0,
                          "OVA member name at offset %" PRIu64
                          " is longer than %d bytes",
                          off, TAR_MAX_NAME);
  buf = read_ext_data (t->fd, data_off, size, t->file_size, t->err);
  if (buf == NULL)
    return -1;
  if (type == 'L') {
    free (t->pd.long_name);
    t->pd.long_name = buf;
  } else
    free (buf);
  t->pd.active = 1;
  return 0;
}

/* Check a member's name and extent and append it; name is taken over
 * (freed on error). */
static int
append_member (struct tar_scan *t, char *name, uint64_t data_off,
               uint64_t size)
{
  struct v2c_err *err = t->err;

  if (t->pd.sparse) {
    v2c_set_error (err, 0,
                   "OVA member '%s' is a sparse file (GNU.sparse pax "
                   "headers), which can't be read in place",
                   name);
    goto fail;
  }
  if (!name_is_safe (name)) {
    v2c_set_error (err, 0, "OVA member '%s' has an unsafe name", name);
    goto fail;
  }
  if (size > t->file_size || data_off > t->file_size - size) {
    v2c_set_error (err, 0,
                   "truncated OVA: member '%s' needs %" PRIu64
                   " bytes, file ends at %" PRIu64,
                   name, data_off + size, t->file_size);
    goto fail;
  }
  if (t->n >= TAR_MAX_MEMBERS) {
    v2c_set_error (err, 0, "OVA has more than %d members", TAR_MAX_MEMBERS);
    goto fail;
  }
  if (t->n == t->cap) {
    size_t ncap = t->cap ? t->cap * 2 : 16;
    struct v2c_tar_member *nm = realloc (t->m, ncap * sizeof *nm);

    if (nm == NULL) {
      v2c_set_error (err, errno, "out of memory");
      goto fail;
    }
    t->m = nm;
    t->cap = ncap;
  }
  t->m[t->n].name = name;
  t->m[t->n].offset = data_off;
  t->m[t->n].size = size;
  t->n++;
  return 0;

fail:
  free (name);
  return -1;
}

/* A regular file ('0', '\0', '7'): its name from the pending pax path
 * or GNU long name, else from the header.  *size may become the pax
 * size. */
static int
regular_member (struct tar_scan *t, const unsigned char *h, uint64_t off,
                uint64_t data_off, uint64_t *size)
{
  char *name;
  size_t len;

  if (t->pd.have_pax_size)
    *size = t->pd.pax_size;
  if (t->pd.pax_path)
    name = strdup (t->pd.pax_path);
  else if (t->pd.long_name)
    name = strdup (t->pd.long_name);
  else
    name = header_name (h);
  if (name == NULL)
    return v2c_set_error (t->err, errno, "out of memory");
  len = strlen (name);
  if (len > TAR_MAX_NAME) {
    free (name);
    return v2c_set_error (t->err, 0,
                          "OVA member name at offset %" PRIu64
                          " is longer than %d bytes",
                          off, TAR_MAX_NAME);
  }
  /* Old tars mark directories by a trailing slash only. */
  if (len > 0 && name[len - 1] == '/') {
    free (name);
    return 0;
  }
  return append_member (t, name, data_off, *size);
}

/* The header at off, of entry type type with size bytes of data: what
 * it adds, and *skip, how many bytes of data follow it. */
static int
read_entry (struct tar_scan *t, const unsigned char *h, char type,
            uint64_t off, uint64_t size, uint64_t *skip)
{
  uint64_t data_off = off + BLOCK;

  *skip = size;
  switch (type) {
  case 'x':
    return read_pax_header (t, off, data_off, size);
  case 'g':
    /* Global pax headers set defaults (mtime, uname, ...) that say
     * nothing of where data lies; a global path or size would make
     * no sense for several members.  Skipped. */
    return 0;
  case 'L':
  case 'K':
    return read_gnu_long (t, type, off, data_off, size);
  case '0':
  case '\0':
  case '7':
    if (regular_member (t, h, off, data_off, &size) == -1)
      return -1;
    *skip = size;
    return 0;
  case 'S': {
    char *hn = t->pd.long_name ? strdup (t->pd.long_name) : header_name (h);

    v2c_set_error (t->err, 0,
                   "OVA member '%s' is a GNU sparse file, which can't be "
                   "read in place",
                   hn ? hn : "?");
    free (hn);
    return -1;
  }
  case '1':
  case '2':
  case '3':
  case '4':
  case '5':
  case '6':
    /* POSIX: links, devices, directories and FIFOs store no data,
     * whatever the size field says. */
    *skip = 0;
    return 0;
  default:
    /* GNU dumpdir 'D', volume labels, vendor types: their size is the
     * data that follows. */
    if (t->pd.have_pax_size)
      *skip = t->pd.pax_size;
    return 0;
  }
}

/* The offset of the header after the entry at off (data at data_off,
 * skip bytes of it). */
static int
next_header (struct tar_scan *t, uint64_t off, uint64_t data_off,
             uint64_t skip, uint64_t *next)
{
  if (data_off > INT64_MAX - BLOCK || skip > INT64_MAX - BLOCK - data_off)
    return v2c_set_error (t->err, 0,
                          "corrupt OVA: size of the entry at offset %" PRIu64
                          " is too large",
                          off);
  *next = data_off + (skip + BLOCK - 1) / BLOCK * BLOCK;
  if (data_off + skip > t->file_size)
    return v2c_set_error (t->err, 0,
                          "truncated OVA: entry at offset %" PRIu64
                          " needs %" PRIu64 " bytes, file ends at %" PRIu64,
                          off, data_off + skip, t->file_size);
  return 0;
}

int
v2c_tar_index (int fd, struct v2c_tar_member **membersp, size_t *np,
               struct v2c_err *err)
{
  struct tar_scan t;
  uint64_t off = 0;
  unsigned char h[BLOCK];

  memset (&t, 0, sizeof t);
  t.fd = fd;
  t.err = err;
  *membersp = NULL;
  *np = 0;
  if (file_size_of (fd, &t.file_size, err) == -1)
    return -1;

  for (;;) {
    uint64_t size, skip;
    char type;
    int r = read_header (&t, off, h);

    if (r == -1)
      goto fail;
    if (r == 1)
      break;
    if (parse_number (h + H_SIZE, 12, &size) == -1) {
      v2c_set_error (err, 0,
                     "corrupt OVA: bad size in tar header at offset "
                     "%" PRIu64,
                     off);
      goto fail;
    }
    type = (char)h[H_TYPEFLAG];
    if (read_entry (&t, h, type, off, size, &skip) == -1)
      goto fail;
    if (type != 'x' && type != 'g' && type != 'L' && type != 'K')
      pending_clear (&t.pd);
    if (next_header (&t, off, off + BLOCK, skip, &off) == -1)
      goto fail;
  }

  if (check_duplicates (t.m, t.n, err) == -1)
    goto fail;
  pending_clear (&t.pd);
  *membersp = t.m;
  *np = t.n;
  return 0;

fail:
  pending_clear (&t.pd);
  v2c_tar_members_free (t.m, t.n);
  return -1;
}
