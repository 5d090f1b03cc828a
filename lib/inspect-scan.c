/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Where to look for secrets.  The scanner itself (lib/inspect-secrets.c)
 * judges one file; this decides which files: all of /etc, and files
 * that look like configuration or credentials in home directories and
 * application trees, each at most 1 MiB and never a binary.
 */
#include <config.h>

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "inspect-private.h"
#include "secret-class.h"

#define SCAN_MAX_FILE (1u << 20)
#define SCAN_MAX_ENTRIES 50000

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

static int
scan_file (struct v2c_fs *fs, const char *path, struct v2c_secrets *out,
           struct v2c_err *err)
{
  struct v2c_fs_stat st;
  char *buf;
  size_t len, before = out->n, i;
  int r;

  if (v2c_fs_stat (fs, path, 1, &st) == -1 || st.type != V2C_FS_REG
      || st.size <= 0)
    return 0;
  /* password hashes are never read, whatever the backend; a file too
   * large to scan is still judged by its path */
  if (fnmatch ("/etc/shadow*", path, 0) == 0
      || fnmatch ("/etc/gshadow*", path, 0) == 0
      || st.size > (int64_t) SCAN_MAX_FILE)
    r = v2c_secrets_path_only (path, out, err);
  else {
    buf = v2c_fs_read (fs, path, SCAN_MAX_FILE, &len);
    if (buf == NULL)
      return 0;  /* unreadable files are not secrets we can report */
    r = v2c_secrets_scan (path, buf, len, out, err);
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
           struct v2c_secrets *out, struct v2c_err *err)
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
    r = scan_file (fs, path, out, err);
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

int
v2c_inspect_secrets (struct v2c_fs *fs, const struct v2c_services *svcs,
                     struct v2c_secrets *out, struct v2c_err *err)
{
  static const char *const app_trees[] = { "/root", "/home", "/opt", "/srv",
                                           "/var/www", "/usr/local/etc",
                                           NULL };
  size_t i, j;

  if (scan_tree (fs, "/etc", 1, out, err) == -1
      || scan_tree (fs, "/var/spool/cron", 1, out, err) == -1)
    return -1;
  for (i = 0; app_trees[i]; i++)
    if (scan_tree (fs, app_trees[i], 0, out, err) == -1)
      return -1;
  /* services may keep their secrets anywhere they point to */
  for (i = 0; svcs && i < svcs->n; i++) {
    const struct v2c_service *s = &svcs->v[i];

    for (j = 0; s->environment_files && s->environment_files[j]; j++) {
      const char *f = s->environment_files[j];
      if (*f == '-')
        f++;
      if (*f == '/' && !already_scanned (f)
          && scan_file (fs, f, out, err) == -1)
        return -1;
    }
    if (s->working_directory && s->working_directory[0] == '/'
        && strcmp (s->working_directory, "/")
        && !already_scanned (s->working_directory)
        && scan_tree (fs, s->working_directory, 0, out, err) == -1)
      return -1;
  }
  return 0;
}
