/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The dpkg reader against dpkg itself, on the database of the machine
 * running the test (or V2C_DPKG_ROOT): the installed packages as
 * dpkg-query -W reports them, the files of some packages as dpkg -L
 * lists them, conffiles as dpkg-query's ${Conffiles}, and md5 digests
 * against the files on disk (computed here with OpenSSL), excusing the
 * files dpkg --verify reports as changed.  Then hand-written status
 * texts and trees for the corners the machine's database does not have.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "inspect.h"
#include "inspect-pkg-private.h"
#include "strbuf.h"
#include "unit.h"

/* A growing vector of strings. */
struct strv {
  char **v;
  size_t n, cap;
};

static void
strv_add (struct strv *s, const char *x)
{
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 64;
    s->v = realloc (s->v, s->cap * sizeof *s->v);
    if (s->v == NULL)
      abort ();
  }
  s->v[s->n] = strdup (x);
  if (s->v[s->n] == NULL)
    abort ();
  s->n++;
}

static void
strv_clear (struct strv *s)
{
  size_t i;

  for (i = 0; i < s->n; i++)
    free (s->v[i]);
  free (s->v);
  memset (s, 0, sizeof *s);
}

static int
cmp_strp (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
strv_sort (struct strv *s)
{
  if (s->n)
    qsort (s->v, s->n, sizeof *s->v, cmp_strp);
}

static int
strv_has (const struct strv *s, const char *x)
{
  return s->n && bsearch (&x, s->v, s->n, sizeof *s->v, cmp_strp) != NULL;
}

/* Lines of a command's output, without their newline. */
static int
run_lines (const char *cmd, struct strv *out)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  FILE *p = popen (cmd, "r");

  if (p == NULL)
    return -1;
  while ((n = getline (&line, &cap, p)) != -1) {
    if (n && line[n - 1] == '\n')
      line[n - 1] = '\0';
    strv_add (out, line);
  }
  free (line);
  return pclose (p) == 0 ? 0 : -1;
}

/* Compare two sorted sets; print up to 10 differences each way. */
static int
compare_sets (const char *what, struct strv *ours, struct strv *theirs)
{
  size_t i = 0, j = 0, only_ours = 0, only_theirs = 0;

  while (i < ours->n || j < theirs->n) {
    int c = i == ours->n     ? 1
            : j == theirs->n ? -1
                             : strcmp (ours->v[i], theirs->v[j]);
    if (c == 0) {
      i++, j++;
    } else if (c < 0) {
      if (only_ours++ < 10)
        fprintf (stderr, "  %s: only v2c has '%s'\n", what, ours->v[i]);
      i++;
    } else {
      if (only_theirs++ < 10)
        fprintf (stderr, "  %s: only dpkg has '%s'\n", what, theirs->v[j]);
      j++;
    }
  }
  if (only_ours || only_theirs)
    fprintf (stderr, "  %s: %zu only in v2c, %zu only in dpkg\n", what,
             only_ours, only_theirs);
  return only_ours == 0 && only_theirs == 0;
}

static int
md5_file (const char *path, char hex[33])
{
  unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
  unsigned int mdlen, i;
  size_t n;
  FILE *f = fopen (path, "rb");
  EVP_MD_CTX *ctx;

  if (f == NULL)
    return -1;
  ctx = EVP_MD_CTX_new ();
  EVP_DigestInit_ex (ctx, EVP_md5 (), NULL);
  while ((n = fread (buf, 1, sizeof buf, f)) > 0)
    EVP_DigestUpdate (ctx, buf, n);
  fclose (f);
  EVP_DigestFinal_ex (ctx, md, &mdlen);
  EVP_MD_CTX_free (ctx);
  for (i = 0; i < mdlen; i++)
    sprintf (hex + 2 * i, "%02x", md[i]);
  return 0;
}

static void
md5_str (const char *s, char hex[33])
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen, i;

  EVP_Digest (s, strlen (s), md, &mdlen, EVP_md5 (), NULL);
  for (i = 0; i < mdlen; i++)
    sprintf (hex + 2 * i, "%02x", md[i]);
}

/* ------------------------------------------------------------------ */
/* The machine's own database against dpkg                             */

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
check_files (const char *root, const char *admindir, struct v2c_pkg *p,
             size_t *nmd5, size_t *nexcused)
{
  char cmd[8192], qual[1024], disk[8192];
  struct strv ours = { 0 }, theirs = { 0 }, lines = { 0 }, conf = { 0 },
              ourconf = { 0 }, changed = { 0 };
  size_t i;

  snprintf (qual, sizeof qual, "%s:%s", p->name, p->arch);
  /* dpkg -L prints the .list paths, plus "diverted by ..." and "package
   * diverts others to: ..." lines, which do not start with '/' */
  snprintf (cmd, sizeof cmd, "dpkg-query --admindir='%s' -L '%s'", admindir,
            qual);
  if (run_lines (cmd, &lines) == -1) {
    CHECK (0, "'%s' failed", cmd);
    goto out;
  }
  for (i = 0; i < lines.n; i++)
    if (lines.v[i][0] == '/')
      /* dpkg writes the root as "/."; v2c gives "/" */
      strv_add (&theirs, strcmp (lines.v[i], "/.") == 0 ? "/" : lines.v[i]);
  for (i = 0; i < p->nfiles; i++) {
    strv_add (&ours, p->files[i].path);
    if (p->files[i].conffile)
      strv_add (&ourconf, p->files[i].path);
  }
  strv_sort (&ours);
  strv_sort (&theirs);
  CHECK (ours.n == p->nfiles, "%s: duplicate paths", qual);
  if (!compare_sets (qual, &ours, &theirs))
    CHECK (0, "%s: files differ from dpkg -L", qual);

  /* conffiles: dpkg-query's ${Conffiles} that are in the file list */
  strv_clear (&lines);
  snprintf (cmd, sizeof cmd,
            "dpkg-query --admindir='%s' -W -f='${Conffiles}\\n' '%s'",
            admindir, qual);
  if (run_lines (cmd, &lines) == -1) {
    CHECK (0, "'%s' failed", cmd);
    goto out;
  }
  for (i = 0; i < lines.n; i++) {
    char path[4096], md5[64];
    if (sscanf (lines.v[i], " %4095s %63s", path, md5) == 2
        && strv_has (&theirs, path))
      strv_add (&conf, path);
  }
  strv_sort (&conf);
  strv_sort (&ourconf);
  if (!compare_sets ("conffiles", &ourconf, &conf))
    CHECK (0, "%s: conffiles differ from dpkg-query ${Conffiles}", qual);

  /* digests: md5 of the file on disk, unless dpkg --verify says it was
   * changed since installation */
  strv_clear (&lines);
  snprintf (cmd, sizeof cmd, "dpkg --admindir='%s' --verify '%s' 2>/dev/null",
            admindir, qual);
  run_lines (cmd, &lines); /* exits 1 when something changed */
  for (i = 0; i < lines.n; i++) {
    char *slash = strchr (lines.v[i], '/');
    if (slash)
      strv_add (&changed, slash);
  }
  strv_sort (&changed);
  for (i = 0; i < p->nfiles; i++) {
    struct v2c_pkg_file *f = &p->files[i];
    struct stat st;
    char hex[33];

    if (f->digest == NULL)
      continue;
    CHECK (strlen (f->digest) == 32, "%s: digest '%s' of '%s'", qual,
           f->digest, f->path);
    snprintf (disk, sizeof disk, "%s%s", strcmp (root, "/") ? root : "",
              f->path);
    if (lstat (disk, &st) == -1 || !S_ISREG (st.st_mode)
        || md5_file (disk, hex) == -1)
      continue;
    if (strcmp (hex, f->digest) != 0) {
      if (strv_has (&changed, f->path)) {
        (*nexcused)++;
        continue;
      }
      CHECK (0, "%s: '%s' md5 on disk %s, v2c says %s", qual, f->path, hex,
             f->digest);
    }
    (*nmd5)++;
  }
out:
  strv_clear (&ours);
  strv_clear (&theirs);
  strv_clear (&lines);
  strv_clear (&conf);
  strv_clear (&ourconf);
  strv_clear (&changed);
}

static int
test_machine (void)
{
  const char *root = getenv ("V2C_DPKG_ROOT");
  char admindir[4096], cmd[8192], line[8192];
  struct strv ours = { 0 }, theirs = { 0 }, all = { 0 };
  struct v2c_err err = { 0 };
  struct v2c_pkgs pkgs = { 0 };
  struct v2c_fs *fs;
  size_t i, nfiles = 0, nmd5 = 0, nexcused = 0, picked = 0;
  double t0, t1, limit;

  if (root == NULL || root[0] == '\0')
    root = "/";
  snprintf (admindir, sizeof admindir, "%s/var/lib/dpkg",
            strcmp (root, "/") ? root : "");
  snprintf (line, sizeof line, "%s/status", admindir);
  if (access (line, R_OK) != 0
      || system ("dpkg-query --version >/dev/null 2>&1") != 0) {
    fprintf (stderr,
             "no dpkg database at '%s' or no dpkg-query: machine "
             "part skipped\n",
             admindir);
    return 77;
  }
  fs = v2c_fs_open_dir (root, &err);
  if (fs == NULL) {
    CHECK (0, "v2c_fs_open_dir: %s", err.msg);
    return 1;
  }

  t0 = now ();
  if (v2c_dpkg_read (fs, V2C_PKG_FILES | V2C_PKG_LICENSES, &pkgs, &err)
      == -1) {
    CHECK (0, "v2c_dpkg_read: %s", err.msg);
    v2c_fs_free (fs);
    return 1;
  }
  t1 = now ();
  for (i = 0; i < pkgs.n; i++)
    nfiles += pkgs.v[i].nfiles;
  printf ("v2c_dpkg_read (with files) of '%s': %zu packages, %zu files in "
          "%.3f s\n",
          root, pkgs.n, nfiles, t1 - t0);
  /* about 0.2 s on a Debian server with 1000 packages; the bound leaves
   * room for sanitizer builds (V2C_DPKG_MAX_SECONDS for valgrind) */
  limit = getenv ("V2C_DPKG_MAX_SECONDS")
              ? atof (getenv ("V2C_DPKG_MAX_SECONDS"))
              : 5.0;
  CHECK (t1 - t0 < limit, "reading the database took %.3f s", t1 - t0);

  /* the package list: dpkg-query -W, whose second status letter says
   * the files are there: H half-installed, U unpacked, F half-configured,
   * W triggers-awaited, t triggers-pending, i installed; and whose third
   * says no error or reinstreq */
  snprintf (cmd, sizeof cmd,
            "dpkg-query --admindir='%s' -W "
            "-f='${db:Status-Abbrev}\\t${Package}\\t${Version}\\t"
            "${Architecture}\\n'",
            admindir);
  if (run_lines (cmd, &all) == -1) {
    CHECK (0, "'%s' failed", cmd);
    goto out;
  }
  for (i = 0; i < all.n; i++) {
    const char *l = all.v[i];
    if (strlen (l) > 4 && strchr ("HUFWti", l[1])
        && (l[2] == ' ' || l[2] == 'R'))
      strv_add (&theirs, strchr (l, '\t') + 1);
  }
  for (i = 0; i < pkgs.n; i++) {
    struct v2c_pkg *p = &pkgs.v[i];
    snprintf (line, sizeof line, "%s\t%s\t%s", p->name, p->evr, unit_str (p->arch));
    strv_add (&ours, line);
    CHECK (unit_streq (p->manager, "dpkg"), "manager '%s'", unit_str (p->manager));
    if (p->license) {
      /* only machine-readable copyright files give one */
      char cp[4200], head[512] = "";
      FILE *cf;
      snprintf (cp, sizeof cp, "%s/usr/share/doc/%s/copyright", root, p->name);
      cf = fopen (cp, "r");
      if (cf) {
        size_t got = fread (head, 1, sizeof head - 1, cf);
        head[got] = '\0';
        fclose (cf);
      }
      CHECK (
          p->license[0]
              && (strstr (head, "copyright-format") || strstr (head, "dep5")),
          "%s: licence '%s' from a file not DEP-5", p->name, p->license);
    }
  }
  strv_sort (&ours);
  strv_sort (&theirs);
  printf ("dpkg-query -W: %zu lines, %zu installed\n", all.n, theirs.n);
  CHECK (theirs.n > 0, "dpkg-query listed no installed package");
  if (!compare_sets ("packages", &ours, &theirs))
    CHECK (0, "package list differs from dpkg-query -W");

  /* the version fields against dpkg-query's own split */
  strv_clear (&all);
  snprintf (cmd, sizeof cmd,
            "dpkg-query --admindir='%s' -W -f='${Package}:${Architecture}"
            "\\t${source:Package}\\t${source:Version}\\t${Installed-Size}\\n'",
            admindir);
  if (run_lines (cmd, &all) == -1)
    CHECK (0, "'%s' failed", cmd);
  strv_sort (&all);
  for (i = 0; i < pkgs.n; i++) {
    struct v2c_pkg *p = &pkgs.v[i];
    char want[8192];
    snprintf (want, sizeof want, "%s:%s\t%s\t%s\t", p->name, unit_str (p->arch),
              p->source_package ? p->source_package : p->name,
              p->source_version ? p->source_version : p->evr);
    if (p->installed_size >= 0)
      snprintf (want + strlen (want), sizeof want - strlen (want), "%lld",
                (long long) (p->installed_size / 1024));
    CHECK (strv_has (&all, want),
           "%s: source/size '%s' not as dpkg-query says", p->name, want);
    CHECK (p->installed_size < 0 || p->installed_size % 1024 == 0,
           "%s: size %lld", p->name, (long long) p->installed_size);
    {
      char evr[1024];
      snprintf (evr, sizeof evr, "%s%s%s%s%s", p->epoch ? p->epoch : "",
                p->epoch ? ":" : "", p->version, p->release ? "-" : "",
                p->release ? p->release : "");
      CHECK (strcmp (evr, p->evr) == 0, "%s: split '%s' is not '%s'", p->name,
             evr, p->evr);
    }
  }

  /* files of about twenty packages: spread over the list, plus the
   * first ones that have conffiles or are Multi-Arch: same libraries */
  for (i = 0; i < pkgs.n && picked < 24; i++) {
    struct v2c_pkg *p = &pkgs.v[i];
    int want = i % (pkgs.n / 14 + 1) == 0;
    size_t k;
    static int nconf, nlib;

    for (k = 0; !want && k < p->nfiles; k++)
      if (p->files[k].conffile && nconf < 5) {
        want = 1;
        nconf++;
      }
    if (!want && strncmp (p->name, "lib", 3) == 0 && nlib < 4
        && strcmp (unit_str (p->arch), "all") != 0) {
      want = 1;
      nlib++;
    }
    if (!want)
      continue;
    picked++;
    check_files (root, admindir, p, &nmd5, &nexcused);
  }
  printf ("files of %zu packages compared with dpkg -L; %zu md5 digests "
          "match the files on disk (%zu changed files excused by dpkg "
          "--verify)\n",
          picked, nmd5, nexcused);
  CHECK (nmd5 > 100, "only %zu digests checked", nmd5);

out:
  strv_clear (&ours);
  strv_clear (&theirs);
  strv_clear (&all);
  v2c_pkgs_free_contents (&pkgs);
  v2c_fs_free (fs);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Hand-written status texts                                           */

static const char status_text[]
    = "Package: libc6\n"
      "Status: install ok installed\n"
      "Priority: optional\n"
      "Architecture: amd64\n"
      "Multi-Arch: same\n"
      "Source: glibc\n"
      "Version: 1:2.36-9+deb12u4\n"
      "Installed-Size: 12000\n"
      "Description: GNU C Library: Shared libraries\n"
      " Contains the standard libraries.\n"
      " .\n"
      " Package: not-a-package\n"
      "\n"
      "Package: libc6\n"
      "Status: install ok installed\n"
      "Architecture: i386\n"
      "Multi-Arch: same\n"
      "Source: glibc\n"
      "Version: 2.36-9+deb12u4\n"
      "\n"
      "Package: bash\n"
      "Status: install ok installed\n"
      "Architecture: amd64\n"
      "Source: bash (5.2.15-2)\n"
      "Version: 5.2.15-2+b2\n"
      "Installed-Size: 7164\n"
      "\n"
      "Package: oldpkg\n"
      "Status: deinstall ok config-files\n"
      "Architecture: amd64\n"
      "Version: 1.0-1\n"
      "Conffiles:\n"
      " /etc/oldpkg.conf 0123456789abcdef0123456789abcdef\n"
      "\n"
      "Package: gone\n"
      "Status: purge ok not-installed\n"
      "Architecture: amd64\n"
      "\n"
      "Version: 9.9\n"
      "Architecture: amd64\n"
      "Status: install ok installed\n"
      "Description: a stanza without Package\n"
      "\n"
      "\n"
      "package: epochy\n"
      "STATUS: hold ok half-configured\n"
      "version: 1:2.0\n"
      "Architecture: all\n"
      "\n"
      "Package: multi\n"
      "Status: install reinstreq half-installed\n"
      "Version: 1.0-1-2\n"
      "Architecture: amd64\n"
      "\n"
      "Package: unp\n"
      "Status: install ok unpacked\n"
      "Version: 3.0~rc1\n"
      "Architecture: arm64\n"
      "Source: unp (3.0~rc1)\n"
      "\n"
      "Package: trig\n"
      "Status: install ok triggers-pending\n"
      "Version: 1-1\n"
      "Architecture: amd64\n"
      "\n"
      "Package: trigaw\n"
      "Status: install ok triggers-awaited\n"
      "Version: 2-1\n"
      "Architecture: amd64\n"
      "\n"
      "Package: badflag\n"
      "Status: install bogus installed\n"
      "Version: 1\n"
      "Architecture: amd64\n"
      "\n"
      "Package: nostatus\n"
      "Version: 1\n"
      "Architecture: amd64\n"
      "\n"
      "Package: nover\n"
      "Status: install ok installed\n"
      "Architecture: amd64\n"
      "\n"
      "Package: dup\n"
      "Version: 1.0\n"
      "Status: install ok installed\n"
      "Architecture: amd64\n"
      "\n"
      "Package: dup\n"
      "Version: 2.0\n"
      "Status: install ok installed\n"
      "Architecture: amd64\n"
      "Installed-Size: 99999999999999999999\n";

struct want {
  const char *name, *arch, *epoch, *version, *release, *evr, *src, *srcver;
  long long size;
};

static const struct want want_status[] = {
  { "bash", "amd64", NULL, "5.2.15", "2+b2", "5.2.15-2+b2", NULL, "5.2.15-2",
    7164 * 1024LL },
  { "dup", "amd64", NULL, "2.0", NULL, "2.0", NULL, NULL, -1 },
  { "epochy", "all", "1", "2.0", NULL, "1:2.0", NULL, NULL, -1 },
  { "libc6", "amd64", "1", "2.36", "9+deb12u4", "1:2.36-9+deb12u4", "glibc",
    NULL, 12000 * 1024LL },
  { "libc6", "i386", NULL, "2.36", "9+deb12u4", "2.36-9+deb12u4", "glibc",
    NULL, -1 },
  { "multi", "amd64", NULL, "1.0-1", "2", "1.0-1-2", NULL, NULL, -1 },
  { "trig", "amd64", NULL, "1", "1", "1-1", NULL, NULL, -1 },
  { "trigaw", "amd64", NULL, "2", "1", "2-1", NULL, NULL, -1 },
  { "unp", "arm64", NULL, "3.0~rc1", NULL, "3.0~rc1", NULL, NULL, -1 },
};

static void
check_want (const char *what, const struct v2c_pkgs *pk, const struct want *w,
            size_t nw)
{
  size_t i;

  CHECK (pk->n == nw, "%s: %zu packages, want %zu", what, pk->n, nw);
  for (i = 0; i < pk->n && i < nw; i++) {
    const struct v2c_pkg *p = &pk->v[i];
    CHECK (unit_streq (p->name, w[i].name), "%s: [%zu] name '%s' want '%s'", what,
           i, unit_str (p->name), w[i].name);
    CHECK (unit_streq (p->arch, w[i].arch) && unit_streq (p->epoch, w[i].epoch)
               && unit_streq (p->version, w[i].version)
               && unit_streq (p->release, w[i].release)
               && unit_streq (p->evr, w[i].evr),
           "%s: %s: arch %s epoch %s version %s release %s evr %s", what,
           w[i].name, unit_str (p->arch), unit_str (p->epoch), unit_str (p->version),
           unit_str (p->release), unit_str (p->evr));
    CHECK (unit_streq (p->source_package, w[i].src)
               && unit_streq (p->source_version, w[i].srcver),
           "%s: %s: source %s (%s)", what, w[i].name, unit_str (p->source_package),
           unit_str (p->source_version));
    CHECK (p->installed_size == w[i].size, "%s: %s: size %lld want %lld", what,
           w[i].name, (long long) p->installed_size, w[i].size);
    CHECK (unit_streq (p->manager, "dpkg") && p->license == NULL && p->nfiles == 0,
           "%s: %s: manager/license/files", what, w[i].name);
  }
}

static void
test_texts (void)
{
  struct v2c_pkgs pk = { 0 };
  struct v2c_err err = { 0 };
  size_t i, n = strlen (status_text), big;
  char *crlf, *buf;

  CHECK (v2c_dpkg_parse_status (status_text, n, &pk, &err) == 0, "parse: %s",
         err.msg);
  check_want ("lf", &pk, want_status,
              sizeof want_status / sizeof want_status[0]);
  v2c_pkgs_free_contents (&pk);

  /* the same with CRLF line ends */
  crlf = malloc (2 * n);
  for (i = 0, big = 0; i < n; i++) {
    if (status_text[i] == '\n')
      crlf[big++] = '\r';
    crlf[big++] = status_text[i];
  }
  CHECK (v2c_dpkg_parse_status (crlf, big, &pk, &err) == 0, "crlf: %s",
         err.msg);
  check_want ("crlf", &pk, want_status,
              sizeof want_status / sizeof want_status[0]);
  v2c_pkgs_free_contents (&pk);

  /* every prefix of the text: never a crash, never more packages (one
   * more at most: a prefix that cuts "amd64" of the second dup to "am"
   * makes it another architecture) */
  for (i = 0; i < big; i += 7) {
    if (v2c_dpkg_parse_status (crlf, i, &pk, &err) == 0)
      CHECK (pk.n <= sizeof want_status / sizeof want_status[0] + 1,
             "prefix %zu: %zu packages", i, pk.n);
    v2c_pkgs_free_contents (&pk);
  }
  free (crlf);

  /* empty input, and a stanza ending without newline */
  CHECK (v2c_dpkg_parse_status ("", 0, &pk, &err) == 0 && pk.n == 0,
         "empty input");
  v2c_pkgs_free_contents (&pk);
  buf = "Package: a\nStatus: install ok installed\nVersion: 1";
  CHECK (v2c_dpkg_parse_status (buf, strlen (buf), &pk, &err) == 0 && pk.n == 1
             && unit_streq (pk.v[0].version, "1") && pk.v[0].arch == NULL,
         "no final newline");
  v2c_pkgs_free_contents (&pk);

  /* a 10 MB line is refused with its line number */
  big = 10u << 20;
  buf = malloc (big + 200);
  n = (size_t) sprintf (buf, "Package: big\nStatus: install ok installed\n"
                             "Version: 1\nDescription: ");
  memset (buf + n, 'x', big);
  n += big;
  buf[n++] = '\n';
  err.msg[0] = '\0';
  CHECK (v2c_dpkg_parse_status (buf, n, &pk, &err) == -1
             && strstr (err.msg, "line 4 is longer") != NULL,
         "10 MB line: '%s'", err.msg);
  CHECK (pk.n == 0 && pk.v == NULL, "10 MB line: output not empty");
  free (buf);
}

/* ------------------------------------------------------------------ */
/* Hand-built trees for v2c_dpkg_read                                  */

static const struct v2c_pkg *
find (const struct v2c_pkgs *pk, const char *name, const char *arch)
{
  size_t i;

  for (i = 0; i < pk->n; i++)
    if (strcmp (pk->v[i].name, name) == 0
        && (arch == NULL || unit_streq (pk->v[i].arch, arch)))
      return &pk->v[i];
  return NULL;
}

static const struct v2c_pkg_file *
find_file (const struct v2c_pkg *p, const char *path)
{
  size_t i;

  for (i = 0; p && i < p->nfiles; i++)
    if (strcmp (p->files[i].path, path) == 0)
      return &p->files[i];
  return NULL;
}

static void
test_tree (const char *tmp)
{
  char root[4096], text[8192], md5a[33], md5b[33], md5c[33], md5d[33];
  struct v2c_pkgs pk = { 0 };
  struct v2c_err err = { 0 };
  struct v2c_fs *fs;
  const struct v2c_pkg *p;
  const struct v2c_pkg_file *f;

  snprintf (root, sizeof root, "%s/deb", tmp);
  mkdir (root, 0755);
  unit_put (root, "lib/x86_64-linux-gnu/libc.so.6", "amd64 libc\n");
  unit_put (root, "lib/i386-linux-gnu/libc.so.6", "i386 libc\n");
  unit_put (root, "etc/app.conf", "port = 80\n");
  unit_put (root, "usr/bin/app", "#!/bin/sh\necho app\n");
  md5_str ("amd64 libc\n", md5a);
  md5_str ("i386 libc\n", md5b);
  md5_str ("port = 80\n", md5c);
  md5_str ("#!/bin/sh\necho app\n", md5d);
  snprintf (text, sizeof text,
            "Package: libc6\nStatus: install ok installed\n"
            "Architecture: amd64\nMulti-Arch: same\nVersion: 2.36-9\n\n"
            "Package: libc6\nStatus: install ok installed\n"
            "Architecture: i386\nMulti-Arch: same\nVersion: 2.36-9\n\n"
            "Package: app\nStatus: install ok installed\nArchitecture: amd64\n"
            "Version: 1.0-1\nConffiles:\n /etc/app.conf %s\n"
            " /etc/app-old.conf ffffffffffffffffffffffffffffffff obsolete\n"
            "Description: x\n more\n\n"
            "Package: later-removed\nStatus: install ok installed\n"
            "Architecture: amd64\nVersion: 1\n\n"
            "Package: upgraded\nStatus: install ok installed\n"
            "Architecture: amd64\nVersion: 1\n",
            md5c);
  unit_put (root, "var/lib/dpkg/status", text);
  unit_put (root, "var/lib/dpkg/info/libc6:amd64.list",
       "/.\n/lib\n/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/libc.so.6\n");
  snprintf (text, sizeof text, "%s  lib/x86_64-linux-gnu/libc.so.6\n", md5a);
  unit_put (root, "var/lib/dpkg/info/libc6:amd64.md5sums", text);
  unit_put (root, "var/lib/dpkg/info/libc6:i386.list",
       "/.\n/lib\n/lib/i386-linux-gnu\n/lib/i386-linux-gnu/libc.so.6\n");
  snprintf (text, sizeof text, "%s  lib/i386-linux-gnu/libc.so.6\n", md5b);
  unit_put (root, "var/lib/dpkg/info/libc6:i386.md5sums", text);
  /* not Multi-Arch: same, yet its files carry the arch: found too */
  unit_put (root, "var/lib/dpkg/info/upgraded:amd64.list",
       "/usr\n/usr/share/doc/upgraded\n");
  unit_put (root, "var/lib/dpkg/info/app.list",
       "/.\n/etc\n/etc/app.conf\n/etc/app-extra.conf\n/usr\n/usr/bin\n"
       "/usr/bin/app\n");
  snprintf (text, sizeof text, "%s  usr/bin/app\n", md5d);
  unit_put (root, "var/lib/dpkg/info/app.md5sums", text);
  unit_put (root, "var/lib/dpkg/info/app.conffiles",
       "/etc/app.conf\n/etc/app-extra.conf\n");
  /* the journal: one package gone to config-files, one upgraded */
  unit_put (root, "var/lib/dpkg/updates/0000",
       "Package: later-removed\nStatus: deinstall ok config-files\n"
       "Architecture: amd64\nVersion: 1\n");
  unit_put (root, "var/lib/dpkg/updates/0001",
       "Package: upgraded\nStatus: install ok installed\n"
       "Architecture: amd64\nVersion: 2\n");
  unit_put (root, "var/lib/dpkg/updates/tmp.i",
       "Package: ignored\nStatus: install ok installed\nVersion: 1\n");

  /* copyright files: DEP-5 with several License: fields (a duplicate,
   * an "or", a stand-alone License paragraph that is not a Files one),
   * DEP-5 naming a licence SPDX lacks, and a free-form file */
  unit_put (root, "usr/share/doc/app/copyright",
       "Format: https://www.debian.org/doc/packaging-manuals/"
       "copyright-format/1.0/\nUpstream-Name: app\n\n"
       "Files: *\nCopyright: 2020 A\nLicense: GPL-2+\n\n"
       "Files: lib/*\nCopyright: 2021 B\nLicense: BSD-3-clause\n"
       " Redistribution and use...\n .\n License: not a field\n\n"
       "Files: debian/*\nLicense: GPL-2+\n\n"
       "Files: contrib/*\nLicense: GPL-2+ or Artistic\n\n"
       "License: GPL-2+\n On Debian systems...\n\n"
       "License: Zope-2.1\n a stand-alone text, no Files: not counted\n");
  unit_put (root, "usr/share/doc/libc6/copyright",
       "Format: http://www.debian.org/doc/packaging-manuals/"
       "copyright-format/1.0/\n\nFiles: *\nLicense: LGPL-2.1+\n\n"
       "Files: timezone/*\nLicense: public-domain\n");
  unit_put (root, "usr/share/doc/upgraded/copyright",
       "This package was debianized by A <a@example.org>.\n\n"
       "License: GPL-2+\n\nIt is free software: see GPL-2.\n");
  fs = v2c_fs_open_dir (root, &err);
  CHECK (fs != NULL, "open_dir: %s", err.msg);
  if (fs == NULL)
    return;
  CHECK (v2c_dpkg_read (fs, V2C_PKG_FILES | V2C_PKG_LICENSES, &pk, &err) == 0,
         "read: %s", err.msg);
  CHECK (pk.n == 4, "tree: %zu packages, want 4 (app, libc6 x2, upgraded)",
         pk.n);
  CHECK (find (&pk, "later-removed", NULL) == NULL,
         "journal's config-files state not applied");
  CHECK (find (&pk, "ignored", NULL) == NULL, "journal tmp.i read");
  p = find (&pk, "upgraded", NULL);
  CHECK (p && unit_streq (p->evr, "2"), "journal's upgrade not applied");
  CHECK (p && p->nfiles == 2
             && unit_streq (p->files[1].path, "/usr/share/doc/upgraded"),
         "NAME:ARCH.list of a package without Multi-Arch: same");
  p = find (&pk, "libc6", "amd64");
  CHECK (p && p->nfiles == 4, "libc6:amd64 files");
  f = find_file (p, "/");
  CHECK (f && f->digest == NULL && !f->conffile, "'/.' is '/'");
  f = find_file (p, "/lib/x86_64-linux-gnu/libc.so.6");
  CHECK (f && unit_streq (f->digest, md5a), "libc6:amd64 digest");
  p = find (&pk, "libc6", "i386");
  f = find_file (p, "/lib/i386-linux-gnu/libc.so.6");
  CHECK (f && unit_streq (f->digest, md5b) && p->nfiles == 4, "libc6:i386 files");
  p = find (&pk, "app", NULL);
  CHECK (p && p->nfiles == 7, "app: %zu files", p ? p->nfiles : 0);
  f = find_file (p, "/etc/app.conf");
  CHECK (f && f->conffile && unit_streq (f->digest, md5c),
         "conffile from the Conffiles field");
  f = find_file (p, "/etc/app-extra.conf");
  CHECK (f && f->conffile && f->digest == NULL,
         "conffile from info/app.conffiles");
  f = find_file (p, "/usr/bin/app");
  CHECK (f && !f->conffile && unit_streq (f->digest, md5d), "app binary");
  CHECK (find_file (p, "/etc/app-old.conf") == NULL,
         "obsolete conffile not in .list listed");
  CHECK (find_file (p, "/usr/bin") && !find_file (p, "/usr/bin")->digest,
         "directory");
  p = find (&pk, "app", NULL);
  CHECK (p
             && unit_streq (p->license, "GPL-2.0-or-later AND BSD-3-Clause AND "
                                    "(GPL-2.0-or-later OR Artistic-1.0)"),
         "app licence: '%s'", p ? unit_str (p->license) : "");
  p = find (&pk, "libc6", "i386");
  CHECK (p && unit_streq (p->license, "LGPL-2.1+ AND public-domain"),
         "libc6 licence (as written: public-domain has no SPDX id): '%s'",
         p ? unit_str (p->license) : "");
  p = find (&pk, "upgraded", NULL);
  CHECK (p && p->license == NULL, "free-form copyright gave '%s'",
         p ? unit_str (p->license) : "");
  v2c_pkgs_free_contents (&pk);

  /* without files: the same packages, no files */
  CHECK (v2c_dpkg_read (fs, 0, &pk, &err) == 0 && pk.n == 4
             && pk.v[0].nfiles == 0,
         "read without files");
  v2c_pkgs_free_contents (&pk);
  /* files without licences, licences without files */
  CHECK (v2c_dpkg_read (fs, V2C_PKG_FILES, &pk, &err) == 0 && pk.n == 4
             && (p = find (&pk, "app", NULL)) && p->license == NULL
             && p->nfiles == 7,
         "files only");
  v2c_pkgs_free_contents (&pk);
  CHECK (v2c_dpkg_read (fs, V2C_PKG_LICENSES, &pk, &err) == 0 && pk.n == 4
             && (p = find (&pk, "app", NULL)) && p->license && p->nfiles == 0,
         "licences only");
  v2c_pkgs_free_contents (&pk);
  v2c_fs_free (fs);

  /* distroless: no status, status.d/ with bare control files and
   * NAME.md5sums beside them */
  snprintf (root, sizeof root, "%s/distroless", tmp);
  mkdir (root, 0755);
  unit_put (root, "var/lib/dpkg/status.d/base-files",
       "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n");
  snprintf (text, sizeof text, "%s  etc/app.conf\n%s  usr/bin/app\n", md5c,
            md5d);
  unit_put (root, "var/lib/dpkg/status.d/base-files.md5sums", text);
  unit_put (root, "var/lib/dpkg/status.d/libssl3",
       "Package: libssl3\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\n"
       "Source: openssl\n");
  {
    /* larger than the 64 KiB read: no licence, no error */
    size_t big = 70000, k;
    char *huge = malloc (big + 1);
    const char *head = "Format: https://www.debian.org/doc/packaging-manuals/"
                       "copyright-format/1.0/\n\nFiles: *\nLicense: MIT\n";
    char path[8192];
    FILE *jf;

    if (huge == NULL)
      abort ();
    memcpy (huge, head, strlen (head));
    for (k = strlen (head); k < big; k++)
      huge[k] = k % 64 == 63 ? '\n' : 'x';
    huge[big] = '\0';
    unit_put (root, "usr/share/doc/base-files/copyright", huge);
    free (huge);
    /* binary junk after a DEP-5 header: a NUL ends the value */
    unit_put (root, "usr/share/doc/libssl3/copyright", "");
    snprintf (path, sizeof path, "%s/usr/share/doc/libssl3/copyright", root);
    jf = fopen (path, "w");
    if (jf == NULL)
      abort ();
    fputs ("Format: https://www.debian.org/doc/packaging-manuals/"
           "copyright-format/1.0/\n\n",
           jf);
    {
      static const char junk[]
          = "Files: *\nLicense: Apache-2.0\0\xff\xfe junk\n\x01\x02:\n\n";
      fwrite (junk, 1, sizeof junk - 1, jf);
    }
    for (k = 0; k < 3000; k++)
      fputc ((int) ((k * 7919) % 256), jf);
    fclose (jf);
  }
  fs = v2c_fs_open_dir (root, &err);
  CHECK (fs
             && v2c_dpkg_read (fs, V2C_PKG_FILES | V2C_PKG_LICENSES, &pk, &err)
                    == 0,
         "distroless: %s", err.msg);
  CHECK (pk.n == 2, "distroless: %zu packages", pk.n);
  p = find (&pk, "base-files", NULL);
  CHECK (p && p->nfiles == 2 && unit_streq (p->files[1].path, "/usr/bin/app")
             && unit_streq (p->files[1].digest, md5d),
         "distroless: files from status.d/base-files.md5sums");
  p = find (&pk, "base-files", NULL);
  CHECK (p && p->license == NULL, "copyright over 64 KiB gave '%s'",
         p ? unit_str (p->license) : "");
  p = find (&pk, "libssl3", NULL);
  CHECK (p && unit_streq (p->license, "Apache-2.0"), "binary copyright: '%s'",
         p ? unit_str (p->license) : "");
  p = find (&pk, "libssl3", NULL);
  CHECK (p && p->nfiles == 0 && unit_streq (p->source_package, "openssl")
             && unit_streq (p->release, "1~deb12u2"),
         "distroless: libssl3");
  v2c_pkgs_free_contents (&pk);
  v2c_fs_free (fs);

  /* nothing at all: an error naming the status file */
  snprintf (root, sizeof root, "%s/empty", tmp);
  mkdir (root, 0755);
  fs = v2c_fs_open_dir (root, &err);
  CHECK (fs && v2c_dpkg_read (fs, 1, &pk, &err) == -1
             && strstr (err.msg, "'/var/lib/dpkg/status'")
             && err.errnum == ENOENT,
         "missing database: '%s'", err.msg);
  v2c_fs_free (fs);
}

/* v2c_dpkg_copyright_license on texts: the header's License when no
 * Files paragraph has one, the draft DEP-5 Format-Specification, CRLF,
 * no Format at all. */
static void
test_copyright (void)
{
  static const struct {
    const char *text, *want;
  } cases[] = {
    { "Format: https://www.debian.org/doc/packaging-manuals/copyright-format"
      "/1.0/\nLicense: Expat\n\nFiles: *\nCopyright: A\n",
      "MIT" },
    { "Format-Specification: http://svn.debian.org/wsvn/dep/web/deps/"
      "dep5.mdwn?op=file&rev=135\n\nFiles: *\nLicense: GPL-3+ with "
      "Classpath-exception-2.0\n",
      "GPL-3.0-or-later WITH Classpath-exception-2.0" },
    { "Format: https://www.debian.org/doc/packaging-manuals/copyright-format"
      "/1.0/\r\n\r\nFiles: *\r\nLicense: LGPL-2.1+\r\n\r\nFiles: a\r\n"
      "License: LGPL-2.1+\r\n",
      "LGPL-2.1-or-later" },
    { "Files: *\nLicense: MIT\n", NULL },
    { "Format: https://www.debian.org/doc/packaging-manuals/copyright-format"
      "/1.0/\n\nFiles: *\nCopyright: nobody\n",
      NULL },
    { "", NULL },
  };
  size_t i;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *got
        = v2c_dpkg_copyright_license (cases[i].text, strlen (cases[i].text));
    CHECK (unit_streq (got, cases[i].want), "copyright case %zu: '%s', want '%s'",
           i, unit_str (got), unit_str (cases[i].want));
    free (got);
  }
}

/* The status file without some packages: their stanzas (each
 * architecture's) and the blank line after each go, the rest stays byte
 * for byte, CRLF and a last stanza without a blank line included. */
static void
test_status_without (void)
{
  static const char in[]
      = "Package: a\nStatus: install ok installed\nVersion: 1\n\n"
        "Package: libcuda1\nArchitecture: amd64\nVersion: 2\n\n"
        "package:   libcuda1  \r\nArchitecture: i386\r\n\r\n"
        "Package: libcuda1-dev\nDescription: x\n Package: libcuda1\n\n\n"
        "Package: nvidia-driver\nVersion: 3";
  static const char want[]
      = "Package: a\nStatus: install ok installed\nVersion: 1\n\n"
        "Package: libcuda1-dev\nDescription: x\n Package: libcuda1\n\n\n";
  struct v2c_strvec names = V2C_STRVEC_INIT, dropped = V2C_STRVEC_INIT;
  struct v2c_strbuf out = V2C_STRBUF_INIT;

  CHECK (v2c_strvec_push (&names, "libcuda1") == 0
             && v2c_strvec_push (&names, "nvidia-driver") == 0,
         "out of memory");
  CHECK (v2c_dpkg_status_without (in, sizeof in - 1, &names, &out, &dropped)
             == 0,
         "status_without failed");
  CHECK (out.len == sizeof want - 1 && memcmp (out.s, want, out.len) == 0,
         "status without libcuda1, nvidia-driver: '%.*s'", (int) out.len,
         out.s ? out.s : "");
  CHECK (dropped.n == 2 && strcmp (dropped.v[0], "libcuda1") == 0
             && strcmp (dropped.v[1], "nvidia-driver") == 0,
         "dropped: %zu", dropped.n);
  /* nothing to drop: the same bytes */
  v2c_strbuf_release (&out);
  v2c_strvec_clear (&dropped);
  v2c_strvec_clear (&names);
  CHECK (v2c_dpkg_status_without (in, sizeof in - 1, &names, &out, &dropped)
             == 0
             && out.len == sizeof in - 1 && memcmp (out.s, in, out.len) == 0
             && dropped.n == 0,
         "status without nothing is not the same text");
  v2c_strbuf_release (&out);
}

int
main (void)
{
  char tmp[] = "/tmp/test-dpkg.XXXXXX", cmd[4200];
  int r;

  r = test_machine ();
  test_texts ();
  if (mkdtemp (tmp) == NULL) {
    perror ("mkdtemp");
    return 1;
  }
  test_tree (tmp);
  test_copyright ();
  test_status_without ();
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", tmp);
  if (system (cmd) != 0)
    fprintf (stderr, "can't remove '%s'\n", tmp);
  if (failures) {
    fprintf (stderr, "%d checks failed\n", failures);
    return 1;
  }
  if (r == 77)
    fprintf (stderr, "(only the hand-written cases ran)\n");
  return 0;
}
