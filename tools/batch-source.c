/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * v2c-batch's VM list: the sources of an export directory (a libvirt
 * connection's domains are listed by lib/source-libvirt.c), each VM's
 * unique directory name (from its descriptor, read in-process) and the
 * fingerprint of its source that decides whether a finished conversion
 * is still up to date.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch-source.h"
#include "fleet.h"
#include "options.h"
#include "strbuf.h"
#include "v2c-internal.h"

static struct v2c_strvec found;

static int
find_cb (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) ftw;
  if (flag != FTW_F || !S_ISREG (st->st_mode))
    return 0;
  if (v2c_strcasesuffix (path, ".ova") || v2c_strcasesuffix (path, ".ovf")
      || v2c_strcasesuffix (path, ".vmx"))
    return v2c_strvec_push (&found, path) == -1 ? -1 : 0;
  return 0;
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* 1 when path (an .ovf) is what an .ova beside it, or in the parent
 * directory with the same stem as its directory, was unpacked into. */
static int
unpacked_ova (const char *path)
{
  char buf[PATH_MAX], *dir, *p;
  struct stat st;
  size_t len = strlen (path);

  if (len < 4 || len >= sizeof buf - 8)
    return 0;
  /* x/NAME.ovf beside x/NAME.ova */
  snprintf (buf, sizeof buf, "%.*s.ova", (int) (len - 4), path);
  if (stat (buf, &st) == 0 && S_ISREG (st.st_mode))
    return 1;
  snprintf (buf, sizeof buf, "%.*s.OVA", (int) (len - 4), path);
  if (stat (buf, &st) == 0 && S_ISREG (st.st_mode))
    return 1;
  /* PARENT/NAME/whatever.ovf beside PARENT/NAME.ova */
  snprintf (buf, sizeof buf, "%s", path);
  p = strrchr (buf, '/');
  if (p == NULL || p == buf)
    return 0;
  *p = '\0';
  dir = buf;
  if (strlen (dir) + 5 >= sizeof buf)
    return 0;
  strcat (dir, ".ova");
  return stat (dir, &st) == 0 && S_ISREG (st.st_mode);
}

int
batch_find_sources (const char *dir, char ***paths, size_t *n)
{
  size_t i, j;

  v2c_strvec_clear (&found);
  if (nftw (dir, find_cb, 32, FTW_PHYS) != 0) {
    tool_error ("can't search '%s': %s", dir,
                errno ? strerror (errno) : "out of memory");
    v2c_strvec_clear (&found);
    return -1;
  }
  if (found.n)
    qsort (found.v, found.n, sizeof *found.v, cmp_str);
  for (i = j = 0; i < found.n; i++) {
    char *p = found.v[i];

    if (v2c_strcasesuffix (p, ".ovf") && unpacked_ova (p)) {
      tool_verbose ("'%s' is an unpacked OVA: counted once", p);
      free (p);
      continue;
    }
    found.v[j++] = p;
  }
  *n = found.n = j;
  if (found.v)
    found.v[j] = NULL;
  *paths = v2c_strvec_detach (&found);
  return 0;
}

/* A directory name of s: [A-Za-z0-9._+-], others '-', no leading '.'
 * or '-', at most 100 bytes; "vm" when nothing is left.  A name outside
 * ASCII is folded (v2c_name_fold: "cafe" for "caf\xc3\xa9") and gets
 * "-HASH" of the original, so that no two names fold into one. */
static char *
safe_name (const char *s)
{
  char buf[101], folded[256], hash[9];
  const char *p = folded;
  size_t i = 0;
  int lossy = v2c_name_fold (s, folded, sizeof folded);
  size_t max = lossy ? 100 - 9 : 100;

  for (; *p && i < max; p++) {
    char c = *p;

    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'
          || c == '+'))
      c = '-';
    if (i == 0 && (c == '.' || c == '-'))
      continue;
    /* one dash for a run of unsafe characters */
    if (c == '-' && i > 0 && buf[i - 1] == '-')
      continue;
    buf[i++] = c;
  }
  while (i > 0 && buf[i - 1] == '-')
    i--;
  buf[i] = '\0';
  if (lossy) {
    v2c_name_hash (s, hash);
    snprintf (buf + i, sizeof buf - i, "%s%s", i ? "-" : "vm-", hash);
  }
  return strdup (buf[0] ? buf : "vm");
}

static int
name_taken (struct vm *vms, size_t n, const char *name)
{
  static const char *const reserved[]
      = { "fleet.json", "fleet.csv",  "fleet.html", "k8s-job",
          "inventories", "graph.json", "graph.html", "waves.json",
          "waves", "policies", "policy.json" };
  size_t i;

  for (i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
    if (strcmp (name, reserved[i]) == 0)
      return 1;
  for (i = 0; i < n; i++)
    if (vms[i].name && strcmp (vms[i].name, name) == 0)
      return 1;
  return 0;
}

static char *
stem (const char *path)
{
  const char *b = strrchr (path, '/'), *dot;

  b = b ? b + 1 : path;
  dot = strrchr (b, '.');
  return v2c_strndup0 (b, dot && dot != b ? (size_t) (dot - b) : strlen (b));
}

/* Open the descriptor only: name, and disk paths for the fingerprint. */
struct v2c_source *
batch_open_descriptor (const struct vm *vm)
{
  struct v2c_source *src = v2c_source_new ();

  if (src == NULL)
    return NULL;
  v2c_source_set_descriptor_only (src, 1);
  v2c_source_set_verify (src, !opts.no_verify);
  v2c_source_set_allow_outside_paths (src, opts.allow_outside);
  if ((vm->path ? v2c_source_open (src, vm->path)
                : v2c_source_open_libvirt (src, bopts.uri, vm->domain))
      == -1) {
    tool_verbose ("%s: %s", vm->source, v2c_source_error (src));
    v2c_source_free (src);
    return NULL;
  }
  return src;
}

static char *
sha256_hex (const void *buf, size_t len)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0, i;
  char *hex;

  if (EVP_Digest (buf, len, md, &mdlen, EVP_sha256 (), NULL) != 1)
    return NULL;
  hex = malloc (7 + 2 * mdlen + 1);
  if (hex == NULL)
    return NULL;
  strcpy (hex, "sha256:");
  for (i = 0; i < mdlen; i++)
    sprintf (hex + 7 + 2 * i, "%02x", md[i]);
  return hex;
}

static char *
digest_file (const char *path)
{
  struct v2c_err err = { 0, "" };
  size_t len;
  char *buf = v2c_read_file (path, V2C_MAX_DESCRIPTOR_BYTES, &len, &err);
  char *d;

  if (buf == NULL)
    return NULL;
  d = sha256_hex (buf, len);
  free (buf);
  return d;
}

/* The .mf member of an OVA, else its .ovf member. */
static char *
digest_ova (const char *path)
{
  struct v2c_err err = { 0, "" };
  struct v2c_tar_member *m = NULL;
  size_t n = 0, i, pick = (size_t) -1;
  char *buf, *d = NULL;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd == -1)
    return NULL;
  if (v2c_tar_index (fd, &m, &n, &err) == 0) {
    for (i = 0; i < n; i++)
      if (v2c_strcasesuffix (m[i].name, ".mf"))
        pick = i;
    for (i = 0; i < n && pick == (size_t) -1; i++)
      if (v2c_strcasesuffix (m[i].name, ".ovf"))
        pick = i;
    if (pick != (size_t) -1 && m[pick].size <= V2C_MAX_DESCRIPTOR_BYTES
        && (buf = malloc (m[pick].size + 1)) != NULL) {
      if (pread (fd, buf, m[pick].size, (off_t) m[pick].offset)
          == (ssize_t) m[pick].size)
        d = sha256_hex (buf, m[pick].size);
      free (buf);
    }
    v2c_tar_members_free (m, n);
  }
  close (fd);
  return d;
}

static int
add_file (json_t *files, const char *path)
{
  struct stat st;

  if (stat (path, &st) == -1)
    return 0;
  return json_array_append_new (
      files, json_pack ("{s:s,s:I,s:I}", "path", path, "size",
                        (json_int_t) st.st_size, "mtime_ns",
                        (json_int_t) st.st_mtim.tv_sec * 1000000000
                            + st.st_mtim.tv_nsec));
}

static json_t *
fingerprint (const struct vm *vm, struct v2c_source *src)
{
  json_t *files = json_array (), *sj, *d;
  char *digest = NULL, *dump;
  size_t i;

  if (files == NULL)
    return NULL;
  if (vm->path) {
    add_file (files, vm->path);
    if (v2c_strcasesuffix (vm->path, ".ova"))
      digest = digest_ova (vm->path);
    else {
      char mf[PATH_MAX];
      size_t len = strlen (vm->path);
      struct stat st;

      snprintf (mf, sizeof mf, "%.*s.mf", (int) (len > 4 ? len - 4 : len),
                vm->path);
      if (v2c_strcasesuffix (vm->path, ".ovf") && stat (mf, &st) == 0) {
        add_file (files, mf);
        digest = digest_file (mf);
      } else
        digest = digest_file (vm->path);
    }
    /* disks beside a VMX or OVF: their size and mtime */
    sj = src ? v2c_source_json (src) : NULL;
    if (sj && !v2c_strcasesuffix (vm->path, ".ova"))
      json_array_foreach (json_object_get (sj, "disks"), i, d)
      {
        const char *p = json_string_value (json_object_get (d, "path"));

        if (p && p[0] == '/' && json_array_size (files) < V2C_MAX_DISKS)
          add_file (files, p);
      }
    json_decref (sj);
  } else if (src) {
    /* a libvirt domain: what v2c reads of its XML */
    json_t *both = json_pack ("{s:o,s:o}", "source", v2c_source_json (src),
                              "hardware", v2c_source_hardware_json (src));

    dump = both ? json_dumps (both, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (dump)
      digest = sha256_hex (dump, strlen (dump));
    free (dump);
    json_decref (both);
  }
  d = json_pack ("{s:o,s:o}", "files", files, "digest",
                 digest ? json_string (digest) : json_null ());
  free (digest);
  return d;
}

/* What names vm's source for its Kubernetes name's suffix: its path
 * relative to root when it is under it (so the same export tree gives
 * the same names wherever it is), its domain for libvirt. */
static const char *
name_key (const struct vm *vm, const char *root)
{
  size_t len = root ? strlen (root) : 0;
  const char *p = vm->path;

  if (p == NULL)
    return vm->domain;
  while (len > 0 && root[len - 1] == '/')
    len--;
  if (root && strncmp (p, root, len) == 0 && p[len] == '/') {
    p += len;
    while (p[0] == '/' && p[1])
      p++;
  }
  return p;
}

/* The deepest directory holding every SOURCE given on the command line:
 * names are keyed by the path below it, so the same export tree gives
 * the same names wherever it is (NULL for libvirt domains). */
static char *
common_dir (const struct vm *vms, size_t n)
{
  size_t len = 0;
  char *dir;

  if (n == 0 || vms[0].path == NULL)
    return NULL;
  dir = v2c_strndup0 (vms[0].path, strlen (vms[0].path));
  if (dir == NULL)
    return NULL;
  {
    char *slash = strrchr (dir, '/');
    len = slash ? (size_t) (slash - dir) : 0;
  }
  for (size_t i = 1; i < n && len > 0; i++) {
    const char *p = vms[i].path;

    while (len > 0 && (p == NULL || strncmp (p, dir, len) != 0
                       || p[len] != '/')) {
      while (len > 0 && dir[len - 1] != '/')
        len--;
      if (len > 0)
        len--;          /* the slash itself */
    }
  }
  if (len == 0) {
    free (dir);
    return NULL;
  }
  dir[len] = '\0';
  return dir;
}

/* Each VM's Kubernetes name from its name (bases[i]). */
static int
kube_names (struct vm *vms, size_t n, char **bases, const char *root)
{
  struct v2c_err err = { 0, "" };
  const char **keys = calloc (n ? n : 1, sizeof *keys);
  char **out = calloc (n ? n : 1, sizeof *out);
  int *suffixed = calloc (n ? n : 1, sizeof *suffixed);
  size_t i;
  int r = -1;

  if (keys && out && suffixed) {
    for (i = 0; i < n; i++)
      keys[i] = name_key (&vms[i], root);
    if (v2c_fleet_kube_names ((const char *const *) bases, keys, n, out,
                              suffixed, &err)
        == 0) {
      for (i = 0; i < n; i++) {
        vms[i].kube_name = out[i];
        vms[i].renamed = suffixed[i];
        if (suffixed[i])
          tool_verbose ("%s: Kubernetes name '%s' (another VM is named '%s')",
                        vms[i].name, out[i], bases[i]);
      }
      r = 0;
    }
  }
  free (keys);
  free (out);
  free (suffixed);
  return r;
}

int
batch_name_vms (struct vm *vms, size_t n, const char *root)
{
  char **bases = calloc (n ? n : 1, sizeof *bases), *common;
  size_t i;

  if (bases == NULL)
    goto oom;
  for (i = 0; i < n; i++) {
    struct vm *vm = &vms[i];
    struct v2c_source *src = batch_open_descriptor (vm);
    char *base, *name;
    int k = 2;

    if (src)
      bases[i] = strdup (v2c_source_name (src) ? v2c_source_name (src) : "vm");
    else if (vm->path)
      bases[i] = stem (vm->path);
    else
      bases[i] = strdup (vm->domain);
    if (bases[i] == NULL) {
      v2c_source_free (src);
      goto oom;
    }
    if (src)
      base = safe_name (v2c_source_name (src));
    else if (vm->path) {
      name = stem (vm->path);
      base = name ? safe_name (name) : NULL;
      free (name);
    } else
      base = safe_name (vm->domain);
    if (base == NULL)
      goto oom;
    name = strdup (base);
    while (name && name_taken (vms, i, name)) {
      free (name);
      if (asprintf (&name, "%.100s-%d", base, k++) == -1)
        name = NULL;
    }
    free (base);
    if (name == NULL)
      goto oom;
    vm->name = name;
    vm->fingerprint = fingerprint (vm, src);
    v2c_source_free (src);
    if (vm->fingerprint == NULL)
      goto oom;
  }
  common = root ? NULL : common_dir (vms, n);
  if (kube_names (vms, n, bases, root ? root : common) == -1) {
    free (common);
    goto oom;
  }
  free (common);
  for (i = 0; i < n; i++)
    free (bases[i]);
  free (bases);
  return 0;
oom:
  for (i = 0; bases && i < n; i++)
    free (bases[i]);
  free (bases);
  tool_error ("out of memory");
  return -1;
}
