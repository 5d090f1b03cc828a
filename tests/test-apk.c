/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The apk reader.  Debian 12 has no apk-tools (apt-cache policy
 * apk-tools finds nothing), so the test writes an Alpine 3.19 style
 * /lib/apk/db/installed itself, together with the files it lists, whose
 * Q1 checksums are base64 SHA-1 computed here with OpenSSL
 * (EVP_EncodeBlock).  The package list is checked against awk's reading
 * of that file, the file counts against grep, and each digest v2c
 * decodes against a SHA-1 of the file on disk, so the Q1 decoding is
 * checked by something it did not produce.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "inspect.h"
#include "unit.h"

static void
digest (const EVP_MD *md, const void *data, size_t n, unsigned char *out,
        unsigned int *len)
{
  if (!EVP_Digest (data, n, out, len, md, NULL))
    abort ();
}

static void
hex (const unsigned char *d, unsigned int n, char *out)
{
  unsigned int i;

  for (i = 0; i < n; i++)
    sprintf (out + 2 * i, "%02x", d[i]);
}

/* "Q1" / "Q2" + base64 of the SHA-1 / SHA-256 of s, as apk writes. */
static void
qsum (int sha256, const char *s, size_t n, char *out)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len;

  digest (sha256 ? EVP_sha256 () : EVP_sha1 (), s, n, md, &len);
  out[0] = 'Q';
  out[1] = sha256 ? '2' : '1';
  EVP_EncodeBlock ((unsigned char *) out + 2, md, (int) len);
}

/* A text buffer. */
struct buf {
  char *s;
  size_t n, cap;
};

static void
add (struct buf *b, const char *fmt, ...)
{
  va_list ap;
  int n;

  for (;;) {
    va_start (ap, fmt);
    n = vsnprintf (b->s + b->n, b->cap - b->n, fmt, ap);
    va_end (ap);
    if (n >= 0 && (size_t) n < b->cap - b->n)
      break;
    b->cap = b->cap * 2 + n + 4096;
    b->s = realloc (b->s, b->cap);
    if (b->s == NULL)
      abort ();
  }
  b->n += n;
}

/* ------------------------------------------------------------------ */
/* An Alpine 3.19 database and tree                                    */

struct apkg {
  const char *name, *version, *license, *origin, *desc;
  long long size;
  /* "dir/file" paths, each followed by its content */
  const char *files[16];
};

static const struct apkg alpine[] = {
  { "musl",
    "1.2.4_git20230717-r4",
    "MIT",
    "musl",
    "the musl c library (libc) implementation",
    643072,
    { "lib/ld-musl-x86_64.so.1", "ELF musl loader\n", NULL } },
  { "busybox",
    "1.36.1-r15",
    "GPL-2.0-only",
    "busybox",
    "Size optimized toolbox of many common UNIX utilities",
    948224,
    { "bin/busybox", "ELF busybox\n", "etc/securetty", "console\ntty1\n",
      "etc/udhcpd.conf", "start 192.168.0.20\nend 192.168.0.254\n",
      "etc/logrotate.d/acpid", "/var/log/acpid.log {\n missingok\n}\n",
      "etc/network/if-up.d/dad", "#!/bin/sh\n", NULL } },
  { "busybox-binsh",
    "1.36.1-r15",
    "GPL-2.0-only",
    "busybox",
    "busybox ash /bin/sh",
    1,
    { "bin/sh", "busybox\n", NULL } },
  { "alpine-baselayout-data",
    "3.4.3-r2",
    "GPL-2.0-only",
    "alpine-baselayout",
    "Alpine base dir structure and init scripts",
    18432,
    { "etc/fstab", "/dev/cdrom\t/media/cdrom\tiso9660\tnoauto,ro 0 0\n",
      "etc/group", "root:x:0:root\nbin:x:1:root,bin,daemon\n", "etc/hostname",
      "localhost\n", "etc/hosts",
      "127.0.0.1\tlocalhost localhost.localdomain\n", "etc/passwd",
      "root:x:0:0:root:/root:/bin/ash\n", "etc/shells", "/bin/sh\n/bin/ash\n",
      NULL } },
  { "alpine-baselayout",
    "3.4.3-r2",
    "GPL-2.0-only",
    "alpine-baselayout",
    "Alpine base dir structure and init scripts",
    8192,
    { "etc/profile", "export PATH=/usr/local/sbin:/usr/local/bin\n",
      "etc/profile.d/color_prompt.sh.disabled", "PS1='\\h:\\w\\$ '\n",
      NULL } },
  { "alpine-keys",
    "2.4-r1",
    "MIT",
    "alpine-keys",
    "Public keys for Alpine",
    159744,
    { "etc/apk/keys/alpine-devel@lists.alpinelinux.org-4a6a0840.rsa.pub",
      "-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----\n",
      NULL } },
  { "ca-certificates-bundle",
    "20240226-r0",
    "MPL-2.0 AND MIT",
    "ca-certificates",
    "Pre generated bundle of CA certificates",
    229376,
    { "etc/ssl/certs/ca-certificates.crt",
      "-----BEGIN CERTIFICATE-----\nMIIF\n-----END CERTIFICATE-----\n",
      NULL } },
  { "libcrypto3",
    "3.1.4-r5",
    "Apache-2.0",
    "openssl",
    "Crypto library from openssl",
    4775936,
    { "etc/ssl/openssl.cnf", "openssl_conf = openssl_init\n",
      "usr/lib/libcrypto.so.3", "ELF libcrypto\n",
      "usr/lib/engines-3/afalg.so", "ELF afalg\n", NULL } },
  { "libssl3",
    "3.1.4-r5",
    "Apache-2.0",
    "openssl",
    "SSL shared libraries",
    802816,
    { "usr/lib/libssl.so.3", "ELF libssl\n", NULL } },
  { "ssl_client",
    "1.36.1-r15",
    "GPL-2.0-only",
    "busybox",
    "EXternal ssl_client for busybox wget",
    28672,
    { "usr/bin/ssl_client", "ELF ssl_client\n", NULL } },
  { "zlib",
    "1.3.1-r0",
    "Zlib",
    "zlib",
    "A compression/decompression Library",
    110592,
    { "lib/libz.so.1.3.1", "ELF zlib\n", NULL } },
  { "apk-tools",
    "2.14.0-r5",
    "GPL-2.0-only",
    "apk-tools",
    "Alpine Package Keeper - package manager for alpine",
    307200,
    { "etc/apk/protected_paths.d/.keep", "", "lib/libapk.so.2.14.0",
      "ELF libapk\n", "sbin/apk", "ELF apk\n", NULL } },
  { "scanelf",
    "1.3.7-r2",
    "GPL-2.0-only",
    "pax-utils",
    "Scan ELF binaries for stuff",
    90112,
    { "usr/bin/scanelf", "ELF scanelf\n", NULL } },
  { "musl-utils",
    "1.2.4_git20230717-r4",
    "MIT AND BSD-2-Clause AND "
    "GPL-2.0-or-later",
    "musl",
    "the musl c library (libc) implementation",
    135168,
    { "sbin/ldconfig", "#!/bin/sh\n", "usr/bin/getconf", "ELF getconf\n",
      "usr/bin/getent", "ELF getent\n", "usr/bin/iconv", "ELF iconv\n",
      NULL } },
  { "libc-utils",
    "0.7.2-r5",
    "BSD-2-Clause AND BSD-3-Clause",
    "libc-dev",
    "Meta package to pull in correct libc",
    4096,
    { NULL } },
  { "alpine-release",
    "3.19.1-r0",
    "MIT",
    "alpine-base",
    "Alpine release data",
    4096,
    { "etc/alpine-release", "3.19.1\n", "etc/issue",
      "Welcome to Alpine Linux 3.19\n", "usr/lib/os-release",
      "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\n", NULL } },
};

#define NALPINE (sizeof alpine / sizeof alpine[0])

/* Write the database (and the files) for alpine[]; returns the text. */
static char *
write_alpine (const char *root, size_t *len)
{
  struct buf b = { 0 };
  char q[128], last[4096];
  size_t i, k;

  for (i = 0; i < NALPINE; i++) {
    const struct apkg *a = &alpine[i];

    qsum (0, a->name, strlen (a->name), q);
    add (&b,
         "C:%s\nP:%s\nV:%s\nA:x86_64\nS:%lld\nI:%lld\nT:%s\n"
         "U:https://alpinelinux.org\nL:%s\n",
         q, a->name, a->version, a->size / 2, a->size, a->desc, a->license);
    if (strcmp (a->origin, a->name) != 0 || i % 2)
      add (&b, "o:%s\n", a->origin);
    add (&b, "m:Natanael Copa <ncopa@alpinelinux.org>\nt:1706000000\n"
             "c:0123456789abcdef0123456789abcdef01234567\n"
             "D:so:libc.musl-x86_64.so.1\n");
    last[0] = '\0';
    for (k = 0; a->files[k]; k += 2) {
      const char *path = a->files[k], *content = a->files[k + 1];
      const char *slash = strrchr (path, '/');
      size_t dn = slash - path;
      char dir[4096];

      snprintf (dir, sizeof dir, "%.*s", (int) dn, path);
      if (strcmp (dir, last) != 0) {
        add (&b, "F:%s\n", dir);
        if (k % 4 == 0)
          add (&b, "M:0:0:755\n");
        snprintf (last, sizeof last, "%s", dir);
      }
      add (&b, "R:%s\n", slash + 1);
      if (strcmp (slash + 1, "busybox") == 0)
        add (&b, "a:0:0:755\n");
      qsum (0, content, strlen (content), q);
      add (&b, "Z:%s\n", q);
      unit_put (root, path, content);
    }
    add (&b, "\n");
  }
  unit_put (root, "lib/apk/db/installed", b.s);
  *len = b.n;
  return b.s;
}

static int
cmp_str (const void *x, const void *y)
{
  return strcmp (*(char *const *) x, *(char *const *) y);
}

/* Lines of a command's output, sorted. */
static size_t
run_sorted (const char *cmd, char ***out)
{
  char *line = NULL, **v = NULL;
  size_t cap = 0, n = 0;
  ssize_t r;
  FILE *p = popen (cmd, "r");

  if (p == NULL)
    return 0;
  while ((r = getline (&line, &cap, p)) != -1) {
    if (r && line[r - 1] == '\n')
      line[r - 1] = '\0';
    v = realloc (v, (n + 1) * sizeof *v);
    v[n++] = strdup (line);
  }
  free (line);
  pclose (p);
  if (n)
    qsort (v, n, sizeof *v, cmp_str);
  *out = v;
  return n;
}

static void
test_alpine (const char *tmp)
{
  char root[4096], cmd[8192], **awk = NULL, **ours, **cnt = NULL;
  struct v2c_pkgs pk = { 0 }, nofiles = { 0 };
  struct v2c_err err = { 0 };
  struct v2c_fs *fs;
  size_t i, k, n, len, nawk, ndirs = 0, nfiles = 0, ndigests = 0;
  char *text;

  snprintf (root, sizeof root, "%s/alpine", tmp);
  mkdir (root, 0755);
  text = write_alpine (root, &len);
  fs = v2c_fs_open_dir (root, &err);
  CHECK (fs != NULL, "open_dir: %s", err.msg);
  if (fs == NULL)
    return;
  CHECK (v2c_apk_read (fs, 1, &pk, &err) == 0, "v2c_apk_read: %s", err.msg);

  /* the packages, as awk reads the database */
  snprintf (cmd, sizeof cmd,
            "awk '/^P:/ {p = substr($0, 3)} /^V:/ {v = substr($0, 3)} "
            "/^A:/ {a = substr($0, 3)} "
            "/^$/ {if (p != \"\") print p \"\\t\" v \"\\t\" a; p = \"\"} "
            "END {if (p != \"\") print p \"\\t\" v \"\\t\" a}' "
            "'%s/lib/apk/db/installed'",
            root);
  nawk = run_sorted (cmd, &awk);
  ours = calloc (pk.n + 1, sizeof *ours);
  for (i = 0; i < pk.n; i++) {
    struct v2c_pkg *p = &pk.v[i];
    char l[4096];
    snprintf (l, sizeof l, "%s\t%s\t%s", p->name, unit_str (p->evr), unit_str (p->arch));
    ours[i] = strdup (l);
  }
  if (pk.n)
    qsort (ours, pk.n, sizeof *ours, cmp_str);
  CHECK (nawk == NALPINE && pk.n == nawk, "%zu packages, awk finds %zu", pk.n,
         nawk);
  for (i = 0; i < pk.n && i < nawk; i++)
    CHECK (strcmp (ours[i], awk[i]) == 0, "package '%s', awk says '%s'",
           ours[i], awk[i]);

  /* fields and files */
  for (i = 0; i < pk.n && i < NALPINE; i++) {
    const struct apkg *a = &alpine[i];
    struct v2c_pkg *p = &pk.v[i];
    const char *dash = strrchr (a->version, '-');
    char disk[8192], want[128];

    CHECK (unit_streq (p->name, a->name), "order: '%s' is not '%s'", unit_str (p->name),
           a->name);
    CHECK (p->epoch == NULL
               && strncmp (p->version, a->version, dash - a->version) == 0
               && strlen (p->version) == (size_t) (dash - a->version)
               && unit_streq (p->release, dash + 1),
           "%s: version '%s' release '%s'", a->name, unit_str (p->version),
           unit_str (p->release));
    CHECK (unit_streq (p->license, a->license), "%s: license '%s'", a->name,
           unit_str (p->license));
    CHECK (unit_streq (p->source_package,
                   strcmp (a->origin, a->name) ? a->origin : NULL),
           "%s: origin '%s'", a->name, unit_str (p->source_package));
    CHECK (p->source_version == NULL && unit_streq (p->manager, "apk")
               && p->installed_size == a->size,
           "%s: size %lld", a->name, (long long) p->installed_size);
    for (k = 0; k < p->nfiles; k++) {
      struct v2c_pkg_file *f = &p->files[k];
      struct stat st;
      FILE *in;
      char data[4096];
      unsigned char md[EVP_MAX_MD_SIZE];
      unsigned int mdlen;

      CHECK (f->path[0] == '/' && !f->conffile, "%s: '%s'", a->name, f->path);
      snprintf (disk, sizeof disk, "%s%s", root, f->path);
      if (stat (disk, &st) == -1) {
        CHECK (0, "%s: '%s' is not in the tree", a->name, f->path);
        continue;
      }
      if (S_ISDIR (st.st_mode)) {
        CHECK (f->digest == NULL, "directory '%s' has a digest", f->path);
        ndirs++;
        continue;
      }
      nfiles++;
      in = fopen (disk, "rb");
      n = in ? fread (data, 1, sizeof data, in) : 0;
      if (in)
        fclose (in);
      digest (EVP_sha1 (), data, n, md, &mdlen);
      hex (md, mdlen, want);
      CHECK (unit_streq (f->digest, want), "%s: '%s' digest %s, sha1 %s", a->name,
             f->path, unit_str (f->digest), want);
      ndigests += f->digest != NULL;
    }
  }
  /* the number of F: and R: lines, as grep counts them */
  snprintf (cmd, sizeof cmd,
            "echo F $(grep -c '^F:' '%s/lib/apk/db/installed'); "
            "echo R $(grep -c '^R:' '%s/lib/apk/db/installed')",
            root, root);
  n = run_sorted (cmd, &cnt);
  CHECK (n == 2, "grep counts");
  if (n == 2) {
    size_t f = strtoul (cnt[0] + 2, NULL, 10);
    size_t r = strtoul (cnt[1] + 2, NULL, 10);
    CHECK (ndirs == f && nfiles == r,
           "%zu directories and %zu files, grep says %zu and %zu", ndirs,
           nfiles, f, r);
  }
  printf ("alpine: %zu packages as awk lists them; %zu directories, %zu "
          "files, %zu SHA-1 digests equal to the files' own\n",
          pk.n, ndirs, nfiles, ndigests);

  /* without files: the same packages, no files; with CRLF: the same */
  CHECK (v2c_apk_parse_installed (text, len, 0, &nofiles, &err) == 0
             && nofiles.n == pk.n,
         "without files: %s", err.msg);
  for (i = 0; i < nofiles.n; i++)
    CHECK (nofiles.v[i].nfiles == 0 && unit_streq (nofiles.v[i].evr, pk.v[i].evr),
           "without files: %s", nofiles.v[i].name);
  v2c_pkgs_free_contents (&nofiles);
  {
    char *crlf = malloc (2 * len + 1);
    size_t m = 0;
    for (i = 0; i < len; i++) {
      if (text[i] == '\n')
        crlf[m++] = '\r';
      crlf[m++] = text[i];
    }
    CHECK (v2c_apk_parse_installed (crlf, m, 1, &nofiles, &err) == 0
               && nofiles.n == pk.n,
           "crlf: %s", err.msg);
    for (i = 0; i < nofiles.n && i < pk.n; i++) {
      CHECK (nofiles.v[i].nfiles == pk.v[i].nfiles
                 && unit_streq (nofiles.v[i].release, pk.v[i].release),
             "crlf: %s", nofiles.v[i].name);
      for (k = 0; k < nofiles.v[i].nfiles && k < pk.v[i].nfiles; k++)
        CHECK (unit_streq (nofiles.v[i].files[k].path, pk.v[i].files[k].path)
                   && unit_streq (nofiles.v[i].files[k].digest,
                              pk.v[i].files[k].digest),
               "crlf: %s", pk.v[i].files[k].path);
    }
    v2c_pkgs_free_contents (&nofiles);
    /* every prefix: no crash, never more packages */
    for (i = 0; i < m; i += 13) {
      if (v2c_apk_parse_installed (crlf, i, 1, &nofiles, &err) == 0)
        CHECK (nofiles.n <= pk.n, "prefix %zu", i);
      v2c_pkgs_free_contents (&nofiles);
    }
    free (crlf);
  }

  for (i = 0; i < nawk; i++)
    free (awk[i]);
  free (awk);
  for (i = 0; i < pk.n; i++)
    free (ours[i]);
  free (ours);
  for (i = 0; i < n; i++)
    free (cnt[i]);
  free (cnt);
  free (text);
  v2c_pkgs_free_contents (&pk);
  v2c_fs_free (fs);
}

/* ------------------------------------------------------------------ */
/* Corners                                                             */

static void
test_corners (const char *tmp)
{
  struct v2c_pkgs pk = { 0 };
  struct v2c_err err = { 0 };
  struct buf b = { 0 };
  char q1[128], q2[128], want1[64], want2[80], root[4096];
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen;
  struct v2c_fs *fs;
  size_t n;
  char *big;

  qsum (0, "one\n", 4, q1);
  digest (EVP_sha1 (), "one\n", 4, md, &mdlen);
  hex (md, mdlen, want1);
  qsum (1, "two\n", 4, q2);
  digest (EVP_sha256 (), "two\n", 4, md, &mdlen);
  hex (md, mdlen, want2);

  add (&b,
       "P:first\nV:1.0-r0\nA:aarch64\n"
       "R:orphan\nZ:%s\n"       /* R before any F: skipped */
       "F:\nR:rootfile\nZ:%s\n" /* F: with no name is / */
       "F:usr/share\nZ:%s\n"    /* Z before an R of this F: skipped */
       "R:sha256\nZ:%s\n"
       "R:md5\nZ:D41D8CD98F00B204E9800998ECF8427E\n"
       "R:unknown\nZ:X1abcdef\n"
       "R:short\nZ:Q1AAAA\n"
       "R:badchar\nZ:Q1!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
       "garbage line\n:\nI:notanumber\n\n\n"
       "V:2.0-r1\nA:x86_64\n\n" /* no P: skipped */
       "P:nover\nA:x86_64\n\n"  /* no V: skipped */
       "P:noarch\nV:20240101\nI:99999999999999999999\n",
       q1, q1, q1, q2);
  CHECK (v2c_apk_parse_installed (b.s, b.n, 1, &pk, &err) == 0, "%s", err.msg);
  CHECK (pk.n == 2, "corners: %zu packages, want 2", pk.n);
  if (pk.n == 2) {
    struct v2c_pkg *p = &pk.v[0];
    CHECK (unit_streq (p->name, "first") && unit_streq (p->version, "1.0")
               && unit_streq (p->release, "r0") && p->installed_size == -1,
           "first: %s %s", unit_str (p->version), unit_str (p->release));
    CHECK (p->nfiles == 7, "first: %zu files, want 7", p->nfiles);
    if (p->nfiles == 7) {
      CHECK (unit_streq (p->files[0].path, "/rootfile")
                 && unit_streq (p->files[0].digest, want1),
             "rootfile: %s %s", p->files[0].path, unit_str (p->files[0].digest));
      CHECK (unit_streq (p->files[1].path, "/usr/share")
                 && p->files[1].digest == NULL,
             "F: entry");
      CHECK (unit_streq (p->files[2].path, "/usr/share/sha256")
                 && unit_streq (p->files[2].digest, want2),
             "Q2: %s", unit_str (p->files[2].digest));
      CHECK (unit_streq (p->files[3].digest, "d41d8cd98f00b204e9800998ecf8427e"),
             "hex md5: %s", unit_str (p->files[3].digest));
      CHECK (p->files[4].digest == NULL && p->files[5].digest == NULL
                 && p->files[6].digest == NULL,
             "unknown checksums kept: %s %s %s", unit_str (p->files[4].digest),
             unit_str (p->files[5].digest), unit_str (p->files[6].digest));
    }
    p = &pk.v[1];
    CHECK (unit_streq (p->name, "noarch") && unit_streq (p->version, "20240101")
               && p->release == NULL && p->arch == NULL
               && p->installed_size == -1,
           "noarch: %s %s", unit_str (p->version), unit_str (p->release));
  }
  v2c_pkgs_free_contents (&pk);
  free (b.s);

  /* a 10 MB line */
  n = 10u << 20;
  big = malloc (n + 64);
  memcpy (big, "P:big\nV:1-r0\nT:", 15);
  memset (big + 15, 'x', n);
  big[15 + n] = '\n';
  err.msg[0] = '\0';
  CHECK (v2c_apk_parse_installed (big, n + 16, 1, &pk, &err) == -1
             && strstr (err.msg, "line 3 is longer") && pk.n == 0,
         "10 MB line: '%s'", err.msg);
  free (big);

  /* no database: an error naming it; under /usr/lib: found */
  snprintf (root, sizeof root, "%s/none", tmp);
  mkdir (root, 0755);
  fs = v2c_fs_open_dir (root, &err);
  CHECK (fs && v2c_apk_read (fs, 0, &pk, &err) == -1
             && strstr (err.msg, "'/lib/apk/db/installed'")
             && err.errnum == ENOENT,
         "missing database: '%s'", err.msg);
  unit_put (root, "usr/lib/apk/db/installed", "P:a\nV:1-r0\n");
  CHECK (fs && v2c_apk_read (fs, 0, &pk, &err) == 0 && pk.n == 1,
         "database under /usr/lib: %s", err.msg);
  v2c_pkgs_free_contents (&pk);
  v2c_fs_free (fs);
}

int
main (void)
{
  char tmp[] = "/tmp/test-apk.XXXXXX", cmd[4200];

  if (mkdtemp (tmp) == NULL) {
    perror ("mkdtemp");
    return 1;
  }
  test_alpine (tmp);
  test_corners (tmp);
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", tmp);
  if (system (cmd) != 0)
    fprintf (stderr, "can't remove '%s'\n", tmp);
  return unit_status ();
}
