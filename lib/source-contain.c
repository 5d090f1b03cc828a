/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Containment: every file an export names (a VMX fileName, an OVF href,
 * a VMDK extent or parentFileNameHint, a .mf entry) must be, after
 * symbolic links, inside the export's folder.  In a batch over a shared
 * export area one VM's descriptor must not make v2c read another VM's
 * disk, or a file of the host.
 *
 * An absolute datastore path (/vmfs/volumes/<ds>/<vm>/disk.vmdk, or a
 * Windows path) no longer holds once a VM folder is copied; it is
 * matched to the one file of the same name in the export's folder.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "v2c-internal.h"

#define FIND_MAX_DEPTH 2     /* the folder and two levels below */
#define FIND_MAX_ENTRIES 8192

bool
v2c_path_within (const char *root, const char *real)
{
  size_t n = strlen (root);

  while (n > 1 && root[n - 1] == '/')
    n--;
  if (n == 1 && root[0] == '/')
    return real[0] == '/';
  return strncmp (real, root, n) == 0 && (real[n] == '\0' || real[n] == '/');
}

/* The last component of a path written with '/' or '\'. */
static const char *
last_component (const char *name)
{
  const char *b = name;

  for (const char *p = name; *p; p++)
    if (*p == '/' || *p == '\\')
      b = p + 1;
  return b;
}

struct find {
  const char *base;
  char *found;
  int count;
  size_t entries;
};

static void
find_in (struct find *f, const char *dir, int depth)
{
  DIR *d = opendir (dir);
  struct dirent *e;

  if (d == NULL)
    return;
  while ((e = readdir (d)) != NULL && f->entries++ < FIND_MAX_ENTRIES) {
    char path[PATH_MAX];
    struct stat st;

    if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
      continue;
    if ((size_t) snprintf (path, sizeof path, "%s/%s", dir, e->d_name)
        >= sizeof path)
      continue;
    /* lstat: a link is never followed out of the folder here. */
    if (lstat (path, &st) == -1)
      continue;
    if (S_ISDIR (st.st_mode) && depth < FIND_MAX_DEPTH)
      find_in (f, path, depth + 1);
    else if (S_ISREG (st.st_mode) && strcmp (e->d_name, f->base) == 0) {
      if (f->count++ == 0)
        f->found = strdup (path);
    }
  }
  closedir (d);
}

static int
escapes_lexically (const char *name)
{
  for (const char *p = name; *p;) {
    size_t n = strcspn (p, "/");
    if (n == 2 && p[0] == '.' && p[1] == '.')
      return 1;
    p += n;
    while (*p == '/')
      p++;
  }
  return 0;
}

static int
refuse (struct v2c_err *err, const char *what, const char *name,
        const char *root)
{
  return v2c_set_error (err, 0,
                        "%s '%s' is outside the export's folder '%s': v2c "
                        "reads only files inside it "
                        "(--allow-outside-paths to read it anyway)",
                        what, name, root);
}

char *
v2c_contain_path (const char *root, const char *base_dir, const char *name,
                  const char *what, bool *remapped, struct v2c_err *err)
{
  char *cand = NULL, *real;
  struct find f;

  if (remapped)
    *remapped = false;
  if (strstr (name, "://")) {
    v2c_set_error (err, 0, "%s '%s' is a URL: download the export first",
                   what, name);
    return NULL;
  }
  if (name[0] == '/')
    cand = strdup (name);
  else if (asprintf (&cand, "%s/%s", base_dir, name) == -1)
    cand = NULL;
  if (cand == NULL) {
    v2c_set_error (err, errno, "out of memory");
    return NULL;
  }
  real = realpath (cand, NULL);
  if (root == NULL) {           /* --allow-outside-paths */
    if (real) {
      free (cand);
      return real;
    }
    return cand;
  }
  if (real && v2c_path_within (root, real)) {
    free (cand);
    return real;
  }
  if (name[0] != '/' && real == NULL) {
    /* Not there (yet): the opener says so; only refuse a name that
     * climbs out on its face. */
    if (escapes_lexically (name)) {
      refuse (err, what, name, root);
      free (cand);
      return NULL;
    }
    return cand;
  }
  free (real);
  free (cand);
  if (name[0] != '/') {
    refuse (err, what, name, root);
    return NULL;
  }
  /* An absolute path: the file of the same name in the folder, unless
   * the caller can't have it opened there (remapped NULL). */
  if (remapped == NULL) {
    refuse (err, what, name, root);
    return NULL;
  }
  memset (&f, 0, sizeof f);
  f.base = last_component (name);
  if (*f.base && strcmp (f.base, ".") != 0 && strcmp (f.base, "..") != 0)
    find_in (&f, root, 0);
  if (f.count == 1 && f.found) {
    real = realpath (f.found, NULL);
    free (f.found);
    if (real && v2c_path_within (root, real)) {
      *remapped = true;
      return real;
    }
    free (real);
    refuse (err, what, name, root);
    return NULL;
  }
  free (f.found);
  if (f.count > 1)
    v2c_set_error (err, 0,
                   "%s '%s' is outside the export's folder '%s', which "
                   "holds %d files named '%s': v2c can't tell which",
                   what, name, root, f.count, f.base);
  else
    refuse (err, what, name, root);
  return NULL;
}
