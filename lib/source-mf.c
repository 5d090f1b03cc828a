/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * OVF manifests (.mf): one "ALGORITHM(file)= hexdigest" line per file of
 * the package, and checking a byte range of a file against one of them.
 * Writers differ in spacing: ovftool and VirtualBox write
 * "SHA256(name)= hex", openssl-style tools "SHA1 (name) = hex".
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "v2c-internal.h"

#define MF_MAX_LINE 8192
#define MF_MAX_ENTRIES 10000
#define MF_CHUNK (1u << 20)
#define MF_PROGRESS_EVERY (64ull << 20)

struct mf_algorithm {
  const char *name;
  size_t hex_len;
  const EVP_MD *(*md) (void);
};

static const struct mf_algorithm algorithms[] = {
  { "SHA1", 40, EVP_sha1 },
  { "SHA256", 64, EVP_sha256 },
  { "SHA512", 128, EVP_sha512 },
};

static const struct mf_algorithm *
find_algorithm (const char *s, size_t len)
{
  size_t i;

  for (i = 0; i < sizeof algorithms / sizeof algorithms[0]; i++)
    if (strlen (algorithms[i].name) == len
        && strncasecmp (s, algorithms[i].name, len) == 0)
      return &algorithms[i];
  return NULL;
}

static int
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

void
v2c_mf_entries_free (struct v2c_mf_entry *e, size_t n)
{
  size_t i;

  if (e == NULL)
    return;
  for (i = 0; i < n; i++) {
    free (e[i].algorithm);
    free (e[i].file);
    free (e[i].digest);
  }
  free (e);
}

/* One line, blanks already trimmed from both ends and not empty. */
static int
parse_line (const char *s, size_t len, size_t lineno, struct v2c_mf_entry *e,
            struct v2c_err *err)
{
  const struct mf_algorithm *alg;
  size_t alen = 0, i, open, close, eq, dstart, nlen, dlen;
  char *digest;

  while (alen < len && s[alen] != '(' && !is_blank (s[alen]))
    alen++;
  open = alen;
  while (open < len && is_blank (s[open]))
    open++;
  if (alen == 0 || open >= len || s[open] != '(')
    goto malformed;
  /* The digest follows the last '=' (hex has none); the name, which may
   * hold '(' ')' or '=', lies between the first '(' and the ')' before
   * that '='. */
  eq = len;
  while (eq > open && s[eq - 1] != '=')
    eq--;
  if (eq == open)
    goto malformed;
  eq--;
  close = eq;
  while (close > open && is_blank (s[close - 1]))
    close--;
  if (close <= open + 1 || s[close - 1] != ')')
    goto malformed;
  close--;
  nlen = close - (open + 1);
  if (nlen == 0)
    return v2c_set_error (err, 0, "manifest line %zu: empty file name",
                          lineno);
  dstart = eq + 1;
  while (dstart < len && is_blank (s[dstart]))
    dstart++;
  dlen = len - dstart;
  if (dlen == 0)
    goto malformed;

  alg = find_algorithm (s, alen);
  if (alg == NULL)
    return v2c_set_error (err, 0,
                          "manifest line %zu: unsupported digest algorithm "
                          "'%.*s'",
                          lineno, (int)(alen > 32 ? 32 : alen), s);
  for (i = 0; i < dlen; i++)
    if (v2c_hex_value (s[dstart + i]) < 0)
      return v2c_set_error (err, 0,
                            "manifest line %zu: digest of '%.*s' is not "
                            "hexadecimal",
                            lineno, (int)nlen, s + open + 1);
  if (dlen != alg->hex_len)
    return v2c_set_error (err, 0,
                          "manifest line %zu: %s digest of '%.*s' has %zu "
                          "hex digits, expected %zu",
                          lineno, alg->name, (int)nlen, s + open + 1, dlen,
                          alg->hex_len);

  e->algorithm = strdup (alg->name);
  e->file = v2c_strndup0 (s + open + 1, nlen);
  e->digest = digest = malloc (dlen + 1);
  if (e->algorithm == NULL || e->file == NULL || digest == NULL)
    return v2c_set_error (err, errno, "out of memory");
  for (i = 0; i < dlen; i++)
    digest[i] = "0123456789abcdef"[v2c_hex_value (s[dstart + i])];
  digest[dlen] = '\0';
  return 0;

malformed:
  return v2c_set_error (err, 0,
                        "manifest line %zu is malformed: expected "
                        "'ALGORITHM(file)= digest'",
                        lineno);
}

int
v2c_mf_parse (const char *buf, size_t len, struct v2c_mf_entry **entsp,
              size_t *np, struct v2c_err *err)
{
  struct v2c_mf_entry *ents = NULL;
  size_t n = 0, cap = 0, pos = 0, lineno = 0;

  *entsp = NULL;
  *np = 0;
  if (len > V2C_MAX_DESCRIPTOR_BYTES)
    return v2c_set_error (err, 0, "manifest is larger than %u bytes",
                          V2C_MAX_DESCRIPTOR_BYTES);
  /* Windows editors may add a UTF-8 byte order mark. */
  if (len >= 3 && memcmp (buf, "\xef\xbb\xbf", 3) == 0)
    pos = 3;

  while (pos < len) {
    const char *line = buf + pos, *nl;
    size_t llen;

    nl = memchr (line, '\n', len - pos);
    llen = nl ? (size_t)(nl - line) : len - pos;
    pos += llen + (nl ? 1 : 0);
    lineno++;
    if (llen > MF_MAX_LINE) {
      v2c_set_error (err, 0, "manifest line %zu is longer than %d bytes",
                     lineno, MF_MAX_LINE);
      goto fail;
    }
    while (llen > 0 && (line[llen - 1] == '\r' || is_blank (line[llen - 1])))
      llen--;
    while (llen > 0 && is_blank (line[0])) {
      line++;
      llen--;
    }
    if (llen == 0)
      continue;
    if (memchr (line, '\0', llen)) {
      v2c_set_error (err, 0, "manifest line %zu contains a NUL byte", lineno);
      goto fail;
    }
    if (n >= MF_MAX_ENTRIES) {
      v2c_set_error (err, 0, "manifest has more than %d entries",
                     MF_MAX_ENTRIES);
      goto fail;
    }
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 8;
      struct v2c_mf_entry *ne = realloc (ents, ncap * sizeof *ne);

      if (ne == NULL) {
        v2c_set_error (err, errno, "out of memory");
        goto fail;
      }
      ents = ne;
      cap = ncap;
    }
    memset (&ents[n], 0, sizeof ents[n]);
    n++;
    if (parse_line (line, llen, lineno, &ents[n - 1], err) == -1)
      goto fail;
  }
  *entsp = ents;
  *np = n;
  return 0;

fail:
  v2c_mf_entries_free (ents, n);
  return -1;
}

int
v2c_mf_verify_range (int fd, uint64_t offset, uint64_t size,
                     const struct v2c_mf_entry *e, v2c_progress_cb progress,
                     void *opaque, struct v2c_err *err)
{
  const struct mf_algorithm *alg;
  unsigned char md[EVP_MAX_MD_SIZE];
  char have[2 * EVP_MAX_MD_SIZE + 1], what[256];
  unsigned int mdlen = 0, i;
  EVP_MD_CTX *ctx = NULL;
  unsigned char *buf = NULL;
  uint64_t done = 0, next_report = MF_PROGRESS_EVERY;
  int ret = -1;

  alg = e->algorithm ? find_algorithm (e->algorithm, strlen (e->algorithm))
                     : NULL;
  if (alg == NULL)
    return v2c_set_error (err, 0,
                          "can't verify '%s': unsupported digest algorithm "
                          "'%s'",
                          e->file, e->algorithm ? e->algorithm : "");
  if (e->digest == NULL || strlen (e->digest) != alg->hex_len)
    return v2c_set_error (err, 0,
                          "can't verify '%s': bad %s digest in the "
                          "manifest",
                          e->file, alg->name);
  if (offset > INT64_MAX || size > INT64_MAX - offset)
    return v2c_set_error (
        err, 0, "can't verify '%s': range is beyond any file size", e->file);
  snprintf (what, sizeof what, "verifying '%s'", e->file);

  buf = malloc (MF_CHUNK);
  ctx = EVP_MD_CTX_new ();
  if (buf == NULL || ctx == NULL) {
    v2c_set_error (err, errno, "out of memory");
    goto out;
  }
  if (EVP_DigestInit_ex (ctx, alg->md (), NULL) != 1) {
    v2c_set_error (err, 0, "can't start a %s digest", alg->name);
    goto out;
  }
  /* A hint only: the kernel reads further ahead. */
  (void)posix_fadvise (fd, (off_t)offset, (off_t)size, POSIX_FADV_SEQUENTIAL);

  while (done < size) {
    size_t want = size - done < MF_CHUNK ? (size_t)(size - done) : MF_CHUNK;
    ssize_t r = pread (fd, buf, want, (off_t)(offset + done));

    if (r == -1 && errno == EINTR)
      continue;
    if (r == -1) {
      v2c_set_error (err, errno, "can't read '%s'", e->file);
      goto out;
    }
    if (r == 0) {
      v2c_set_error (err, 0,
                     "can't verify '%s': truncated, %" PRIu64 " of %" PRIu64
                     " bytes",
                     e->file, done, size);
      goto out;
    }
    if (EVP_DigestUpdate (ctx, buf, (size_t)r) != 1) {
      v2c_set_error (err, 0, "%s digest failed", alg->name);
      goto out;
    }
    done += (uint64_t)r;
    if (progress && done >= next_report && done < size) {
      progress (opaque, what, done, size);
      next_report = (done / MF_PROGRESS_EVERY + 1) * MF_PROGRESS_EVERY;
    }
  }
  if (EVP_DigestFinal_ex (ctx, md, &mdlen) != 1
      || 2 * (size_t)mdlen != alg->hex_len) {
    v2c_set_error (err, 0, "%s digest failed", alg->name);
    goto out;
  }
  if (progress)
    progress (opaque, what, done, size);
  for (i = 0; i < mdlen; i++) {
    have[2 * i] = "0123456789abcdef"[md[i] >> 4];
    have[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
  }
  have[2 * mdlen] = '\0';
  if (strcasecmp (have, e->digest) != 0) {
    v2c_set_error (err, 0,
                   "checksum mismatch for '%s' (%s): the file does not "
                   "have the digest the manifest gives",
                   e->file, alg->name);
    goto out;
  }
  ret = 0;

out:
  EVP_MD_CTX_free (ctx);
  free (buf);
  return ret;
}
