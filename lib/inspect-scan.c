/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Where to look for secrets.  The scanner itself (lib/inspect-secrets.c)
 * judges one file; this decides which files: all of /etc, and files
 * that look like configuration or credentials in home directories and
 * application trees, each at most 1 MiB and never a binary.  The same
 * index of the packages' files tells which package ships each cron
 * job's file and whether the file is as shipped.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "inspect-private.h"
#include "secret-class.h"

#define SCAN_MAX_FILE (1u << 20)
#define SCAN_MAX_ENTRIES 50000
#define MAX_CRED_FILES 256

/* Names worth reading outside /etc. */
static const char *const candidate_names[] = {
  ".pgpass", ".my.cnf", ".netrc", ".git-credentials", ".env", ".env.*",
  "credentials", "config.json", "id_rsa", "id_dsa", "id_ecdsa",
  "id_ed25519", "*.pem", "*.key", "*.p8", "*.conf", "*.cnf", "*.cfg",
  "*.ini", "*.env", "*.yml", "*.yaml", "*.json", "*.properties", "*.xml",
  "*.toml", "*.php", "settings.py", "local_settings.py", "*.rc",
  "*.sh", "*.service", "*.htpasswd", ".htpasswd", "*.secret", "*.token",
  NULL
};

/* Never worth reading: large, binary, or generated. */
static const char *const skip_names[] = {
  "*.so", "*.so.*", "*.gz", "*.xz", "*.bz2", "*.zst", "*.zip", "*.jar",
  "*.war", "*.png", "*.jpg", "*.gif", "*.ico", "*.mo", "*.pyc", "*.db",
  "*.sqlite", "*.ttf", "*.woff*", "*.iso", "*.img", "*.qcow2", "*.vmdk",
  NULL
};

static int
matches_any (const char *name, const char *const *pats)
{
  size_t i;

  for (i = 0; pats[i]; i++)
    if (fnmatch (pats[i], name, 0) == 0)
      return 1;
  return 0;
}

/* Files as their packages ship them: a file whose content has its
 * package's digest is the distribution's, not the site's, and holds no
 * secret of the site (commented examples such as openssl.cnf's
 * "# input_password = secret" are not findings).  Every file with a
 * path is listed, with its package, so that ownership can be asked of
 * a file without a digest too. */
struct stock_file {
  const struct v2c_pkg_file *f;
  const struct v2c_pkg *pkg;
};

struct stock {
  struct stock_file *v;
  size_t n;
};

static int
cmp_file (const void *a, const void *b)
{
  return strcmp (((const struct stock_file *) a)->f->path,
                 ((const struct stock_file *) b)->f->path);
}

static int
stock_init (struct stock *st, const struct v2c_pkgs *pkgs)
{
  size_t i, j, n = 0;

  memset (st, 0, sizeof *st);
  for (i = 0; pkgs && i < pkgs->n; i++)
    n += pkgs->v[i].nfiles;
  if (n == 0)
    return 0;
  st->v = malloc (n * sizeof *st->v);
  if (st->v == NULL)
    return -1;
  for (i = 0; i < pkgs->n; i++)
    for (j = 0; j < pkgs->v[i].nfiles; j++)
      if (pkgs->v[i].files[j].path) {
        st->v[st->n].f = &pkgs->v[i].files[j];
        st->v[st->n++].pkg = &pkgs->v[i];
      }
  qsort (st->v, st->n, sizeof *st->v, cmp_file);
  return 0;
}

/* The entry of path, or NULL when no package ships it. */
static const struct stock_file *
stock_find (const struct stock *st, const char *path)
{
  struct v2c_pkg_file f = { (char *) path, NULL, 0 };
  struct stock_file key = { &f, NULL };
  const struct stock_file *e, *end, *p;

  /* no package files: v is NULL, and NULL + 0 is undefined */
  if (st->n == 0)
    return NULL;
  end = st->v + st->n;
  e = bsearch (&key, st->v, st->n, sizeof *st->v, cmp_file);
  if (e == NULL)
    return NULL;
  /* a path two packages list (a directory, a diversion): the one
   * that keeps a digest */
  while (e > st->v && cmp_file (e - 1, &key) == 0)
    e--;
  for (p = e; p < end && cmp_file (p, &key) == 0; p++)
    if (p->f->digest)
      return p;
  return e;
}

/* Whether buf is path as a package ships it. */
static int
stock_match (const struct stock *st, const char *path, const char *buf,
             size_t len)
{
  const struct stock_file *e = stock_find (st, path);
  const EVP_MD *md;
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int dl, i;
  char hex[2 * EVP_MAX_MD_SIZE + 1];

  if (e == NULL || e->f->digest == NULL)
    return 0;
  switch (strlen (e->f->digest)) {
  case 32: md = EVP_md5 (); break;
  case 40: md = EVP_sha1 (); break;
  case 64: md = EVP_sha256 (); break;
  case 128: md = EVP_sha512 (); break;
  default: return 0;
  }
  if (md == NULL || EVP_Digest (buf, len, d, &dl, md, NULL) != 1)
    return 0;
  for (i = 0; i < dl; i++)
    snprintf (hex + 2 * i, 3, "%02x", d[i]);
  return strcasecmp (hex, e->f->digest) == 0;
}

static int
scan_file (struct v2c_fs *fs, const char *path, const struct stock *stock,
           struct v2c_secrets *out, struct v2c_err *err)
{
  struct v2c_fs_stat st;
  char *buf;
  size_t len, before = out->n, i;
  int r;

  if (v2c_fs_stat (fs, path, 1, &st) == -1 || st.type != V2C_FS_REG
      || st.size <= 0)
    return 0;
  /* An account database is a finding only when an account has a
   * password hash: its hashes are counted and wiped, never kept (a
   * clean install has locked accounts only).  A file too large to scan
   * is still judged by its path. */
  if (fnmatch ("/etc/shadow*", path, 0) == 0
      || fnmatch ("/etc/gshadow*", path, 0) == 0) {
    size_t hashes = 1;  /* unreadable: listed, as before */

    if (v2c_fs_password_hashes (fs, path, &hashes) == -1)
      hashes = 1;
    r = hashes ? v2c_secrets_path_only (path, out, err) : 0;
  } else if (st.size > (int64_t) SCAN_MAX_FILE)
    r = v2c_secrets_path_only (path, out, err);
  else {
    buf = v2c_fs_read (fs, path, SCAN_MAX_FILE, &len);
    if (buf == NULL)
      return 0;  /* unreadable files are not secrets we can report */
    r = stock_match (stock, path, buf, len)
            ? 0 : v2c_secrets_scan (path, buf, len, out, err);
    free (buf);
  }
  /* the Secret that gives the file back keeps its mode and owner */
  for (i = before; i < out->n; i++) {
    out->v[i].mode = st.mode & 07777;
    out->v[i].uid = st.uid;
    out->v[i].gid = st.gid;
  }
  return r;
}

/* Scan a tree: every file when all, else the candidate names. */
static int
scan_tree (struct v2c_fs *fs, const char *dir, int all,
           const struct stock *stock, struct v2c_secrets *out,
           struct v2c_err *err)
{
  char **v = v2c_fs_find (fs, dir, SCAN_MAX_ENTRIES);
  size_t i;
  int r = 0;

  if (v == NULL)
    return 0;  /* absent */
  for (i = 0; v[i] && r == 0; i++) {
    const char *base = strrchr (v[i], '/');
    char path[PATH_MAX];

    base = base ? base + 1 : v[i];
    if (matches_any (base, skip_names)
        || (size_t) snprintf (path, sizeof path, "%s/%s",
                              strcmp (dir, "/") ? dir : "", v[i])
               >= sizeof path)
      continue;
    if (!all && !matches_any (base, candidate_names)
        && strstr (v[i], ".ssh/") == NULL && strstr (v[i], ".aws/") == NULL
        && strstr (v[i], "gcloud/") == NULL && strstr (v[i], ".azure/") == NULL
        && strstr (v[i], ".docker/") == NULL
        && v2c_secret_path (path, NULL) == V2C_SECRET_NONE)
      continue;
    r = scan_file (fs, path, stock, out, err);
  }
  v2c_strv_free (v);
  return r;
}

static int
already_scanned (const char *path)
{
  static const char *const roots[] = { "/etc/", "/root/", "/home/", "/opt/",
                                       "/srv/", "/var/www/",
                                       "/usr/local/etc/", NULL };
  size_t i;

  for (i = 0; roots[i]; i++)
    if (strncmp (path, roots[i], strlen (roots[i])) == 0)
      return 1;
  return 0;
}

/* A file LoadCredential= (or LoadCredentialEncrypted=) names is a
 * credential whatever its name or content says: one whole-file finding
 * unless the scan already has one, never read. */
static int
add_credential (struct v2c_fs *fs, const struct v2c_service *s,
                const struct v2c_credential *cr, const char *path,
                struct v2c_secrets *out, struct v2c_err *err)
{
  struct v2c_fs_stat st;
  struct v2c_secret *v, *f;
  size_t i;

  if (v2c_fs_stat (fs, path, 0, &st) == -1 || st.type != V2C_FS_REG)
    return 0;
  for (i = 0; i < out->n; i++)
    if (strcmp (out->v[i].path, path) == 0)
      return 0;
  v = realloc (out->v, (out->n + 1) * sizeof *v);
  if (v == NULL)
    return v2c_set_error (err, ENOMEM, "out of memory");
  out->v = v;
  f = &v[out->n];
  memset (f, 0, sizeof *f);
  f->path = strdup (path);
  f->kind = strdup ("credential-file");
  if (asprintf (&f->evidence, "%s=%s (%s)",
                cr->encrypted ? "LoadCredentialEncrypted" : "LoadCredential",
                cr->id, s->name)
      == -1)
    f->evidence = NULL;
  f->mode = st.mode & 07777;
  f->uid = st.uid;
  f->gid = st.gid;
  out->n++;
  if (f->path == NULL || f->kind == NULL || f->evidence == NULL)
    return v2c_set_error (err, ENOMEM, "out of memory");
  return 0;
}

/* The files of the services' credentials: a directory's files each. */
static int
scan_credentials (struct v2c_fs *fs, const struct v2c_service *s,
                  struct v2c_secrets *out, struct v2c_err *err)
{
  size_t i, j;

  for (i = 0; i < s->ncredentials; i++) {
    const struct v2c_credential *cr = &s->credentials[i];
    char **v, path[PATH_MAX];
    int r = 0;

    if (cr->path == NULL)
      continue;
    if (!cr->directory) {
      if (add_credential (fs, s, cr, cr->path, out, err) == -1)
        return -1;
      continue;
    }
    v = v2c_fs_find (fs, cr->path, MAX_CRED_FILES);
    for (j = 0; v && v[j] && r == 0; j++)
      if ((size_t) snprintf (path, sizeof path, "%s/%s", cr->path, v[j])
          < sizeof path)
        r = add_credential (fs, s, cr, path, out, err);
    v2c_strv_free (v);
    if (r == -1)
      return -1;
  }
  return 0;
}

int
v2c_inspect_secrets (struct v2c_fs *fs, const struct v2c_services *svcs,
                     const struct v2c_pkgs *pkgs, struct v2c_secrets *out,
                     struct v2c_err *err)
{
  static const char *const app_trees[] = { "/root", "/home", "/opt", "/srv",
                                           "/var/www", "/usr/local/etc",
                                           NULL };
  struct stock stock;
  size_t i, j;
  int r = -1;

  if (stock_init (&stock, pkgs) == -1)
    return v2c_set_error (err, ENOMEM, "out of memory");
  if (scan_tree (fs, "/etc", 1, &stock, out, err) == -1
      || scan_tree (fs, "/var/spool/cron", 1, &stock, out, err) == -1)
    goto out;
  for (i = 0; app_trees[i]; i++)
    if (scan_tree (fs, app_trees[i], 0, &stock, out, err) == -1)
      goto out;
  /* services may keep their secrets anywhere they point to */
  for (i = 0; svcs && i < svcs->n; i++) {
    const struct v2c_service *s = &svcs->v[i];

    for (j = 0; s->environment_files && s->environment_files[j]; j++) {
      const char *f = s->environment_files[j];
      if (*f == '-')
        f++;
      if (*f == '/' && !already_scanned (f)
          && scan_file (fs, f, &stock, out, err) == -1)
        goto out;
    }
    if (s->working_directory && s->working_directory[0] == '/'
        && strcmp (s->working_directory, "/")
        && !already_scanned (s->working_directory)
        && scan_tree (fs, s->working_directory, 0, &stock, out, err) == -1)
      goto out;
  }
  /* after the scan: its findings in a credential's file come first */
  for (i = 0; svcs && i < svcs->n; i++)
    if (scan_credentials (fs, &svcs->v[i], out, err) == -1)
      goto out;
  r = 0;
 out:
  free (stock.v);
  return r;
}

/* The file a job comes from: the script of /etc/cron.daily & co (listed
 * with line 0 and the directory as its file), else its crontab. */
static const char *
cron_job_path (const struct v2c_cron_job *j)
{
  if (j->line == 0 && j->file && strncmp (j->file, "/etc/cron.", 10) == 0
      && strcmp (j->file, "/etc/cron.d") != 0)
    return j->command;
  return j->file;
}

int
v2c_inspect_cron_owners (struct v2c_fs *fs, const struct v2c_pkgs *pkgs,
                         struct v2c_cron *cron, struct v2c_err *err)
{
  struct stock stock;
  size_t i;

  if (stock_init (&stock, pkgs) == -1)
    return v2c_set_error (err, ENOMEM, "out of memory");
  for (i = 0; i < cron->n; i++) {
    struct v2c_cron_job *j = &cron->v[i];
    const char *path = cron_job_path (j);
    const struct stock_file *e = path ? stock_find (&stock, path) : NULL;
    char *buf;
    size_t len;

    if (e == NULL)
      continue;
    if ((j->package = strdup (e->pkg->name)) == NULL) {
      free (stock.v);
      return v2c_set_error (err, ENOMEM, "out of memory");
    }
    buf = v2c_fs_read (fs, path, SCAN_MAX_FILE, &len);
    j->modified = buf == NULL || !stock_match (&stock, path, buf, len);
    free (buf);
  }
  free (stock.v);
  return 0;
}
