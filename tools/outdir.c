/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Output directories built under a temporary name: see outdir.h.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"
#include "outdir.h"

int
tool_write_file (const char *dir, const char *name, const char *buf,
                 size_t len)
{
  char path[4096];
  int fd, saved;
  size_t off = 0;

  if ((size_t) snprintf (path, sizeof path, "%s/%s", dir, name)
      >= sizeof path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd == -1)
    return -1;
  while (off < len) {
    ssize_t r = write (fd, buf + off, len - off);

    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0) {
      saved = r == -1 ? errno : EIO;
      close (fd);
      errno = saved;
      return -1;
    }
    off += (size_t) r;
  }
  if (fsync (fd) == -1) {
    saved = errno;
    close (fd);
    errno = saved;
    return -1;
  }
  return close (fd);
}

static int
remove_cb (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) st;
  (void) flag;
  (void) ftw;
  return remove (path);
}

void
tool_remove_tree (const char *dir)
{
  if (nftw (dir, remove_cb, 16, FTW_DEPTH | FTW_PHYS) == -1 && errno != ENOENT)
    tool_warning ("can't remove '%s': %s", dir, strerror (errno));
}

/* 1 when dir is a directory with something in it, 0 when it is absent
 * or empty (rename(2) replaces an empty directory), -1 (message
 * printed) otherwise. */
static int
dir_state (const char *dir)
{
  struct stat st;
  struct dirent *d;
  DIR *dh;
  int full = 0;

  if (tool_check_output (dir, 1) == -1)
    return -1;
  if (lstat (dir, &st) == -1)
    return 0;
  dh = opendir (dir);
  if (dh == NULL) {
    tool_error ("can't read '%s': %s", dir, strerror (errno));
    return -1;
  }
  while (!full && (d = readdir (dh)) != NULL)
    if (strcmp (d->d_name, ".") != 0 && strcmp (d->d_name, "..") != 0)
      full = 1;
  closedir (dh);
  return full;
}

/* A directory v2c wrote holds one of the files its tools write first:
 * --force never replaces someone's home because of a wrong argument. */
static int
made_by_v2c (const char *dir)
{
  static const char *const marks[] = {
    "inventory.json", "plan.json", "kustomization.yaml", "report.json",
    "report.md", "fleet.json", "oci-layout",
  };
  char path[4096];
  struct stat st;

  for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
    if ((size_t) snprintf (path, sizeof path, "%s/%s", dir, marks[i])
            < sizeof path
        && lstat (path, &st) == 0 && S_ISREG (st.st_mode))
      return 1;
  return 0;
}

/* "parent/.base.SUFFIXXXXXXX" beside d->out. */
static int
sibling (const struct tool_outdir *d, const char *suffix, char *buf,
         size_t len)
{
  const char *slash = strrchr (d->out, '/');
  int n;

  if (slash == NULL)
    n = snprintf (buf, len, ".%s.%sXXXXXX", d->out, suffix);
  else if (slash == d->out)
    n = snprintf (buf, len, "/.%s.%sXXXXXX", slash + 1, suffix);
  else
    n = snprintf (buf, len, "%.*s/.%s.%sXXXXXX", (int) (slash - d->out),
                  d->out, slash + 1, suffix);
  return n < 0 || (size_t) n >= len ? -1 : 0;
}

int
tool_outdir_begin (struct tool_outdir *d, const char *path, int force)
{
  size_t len = strlen (path);
  int state;

  memset (d, 0, sizeof *d);
  while (len > 1 && path[len - 1] == '/')
    len--;
  if (len == 0 || len >= sizeof d->out - 32) {
    tool_error ("'%s': %s", path, len ? strerror (ENAMETOOLONG)
                                      : "empty output directory name");
    return -1;
  }
  memcpy (d->out, path, len);
  d->out[len] = '\0';
  if (strcmp (d->out, "/") == 0 || strcmp (d->out, ".") == 0
      || strcmp (d->out, "..") == 0) {
    tool_error ("'%s' can't be an output directory", d->out);
    return -1;
  }
  state = dir_state (d->out);
  if (state == -1)
    return -1;
  if (state == 1 && !force) {
    tool_error ("'%s' exists and is not empty (--force replaces it)", d->out);
    return -1;
  }
  if (state == 1 && !made_by_v2c (d->out)) {
    tool_error ("'%s' exists and is not a v2c output: not replacing it, "
                "even with --force", d->out);
    return -1;
  }
  d->replace = state == 1;
  if (sibling (d, "tmp", d->tmp, sizeof d->tmp) == -1
      || mkdtemp (d->tmp) == NULL) {
    tool_error ("can't create a directory beside '%s': %s", d->out,
                strerror (errno));
    return -1;
  }
  d->made = 1;
  d->lock_fd = tool_lock_dir (d->tmp);
  d->locked = d->lock_fd != -1;
  if (chmod (d->tmp, 0755) == -1) {
    tool_error ("can't chmod '%s': %s", d->tmp, strerror (errno));
    tool_outdir_abort (d);
    return -1;
  }
  return 0;
}

static void
unlock (struct tool_outdir *d)
{
  if (d->locked)
    close (d->lock_fd);
  d->locked = 0;
}

int
tool_outdir_commit (struct tool_outdir *d)
{
  char old[4200];

  if (d->replace) {
    if (sibling (d, "old", old, sizeof old) == -1 || mkdtemp (old) == NULL
        || rename (d->out, old) == -1) {
      tool_error ("can't move '%s' aside: %s", d->out, strerror (errno));
      return -1;
    }
  }
  if (rename (d->tmp, d->out) == -1) {
    tool_error ("can't rename '%s' to '%s': %s", d->tmp, d->out,
                strerror (errno));
    if (d->replace && rename (old, d->out) == -1)
      tool_error ("the old '%s' is now '%s'", d->out, old);
    return -1;
  }
  d->made = 0;
  unlock (d);
  if (d->replace)
    tool_remove_tree (old);
  return 0;
}

void
tool_outdir_abort (struct tool_outdir *d)
{
  if (d->made)
    tool_remove_tree (d->tmp);
  d->made = 0;
  unlock (d);
}

int
tool_lock_dir (const char *path)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd != -1 && flock (fd, LOCK_EX | LOCK_NB) == -1) {
    close (fd);
    fd = -1;
  }
  return fd;
}

int
tool_remove_unheld (const char *path, time_t before)
{
  struct stat st;
  int fd;

  if (lstat (path, &st) == -1 || !S_ISDIR (st.st_mode)
      || (before && st.st_mtime >= before))
    return 0;
  if ((fd = tool_lock_dir (path)) == -1)
    return 0;
  tool_remove_tree (path);
  close (fd);
  return 1;
}

const char *
tool_tmp_base (void)
{
  const char *base = getenv ("TMPDIR");

  return base && *base ? base : "/var/tmp";
}

int
tool_locked_tmpdir (const char *prefix, char *path, size_t size)
{
  const char *base = tool_tmp_base ();

  if (getenv ("LIBGUESTFS_CACHEDIR") == NULL)
    setenv ("LIBGUESTFS_CACHEDIR", base, 1);
  if ((size_t) snprintf (path, size, "%s/%s.XXXXXX", base, prefix) >= size) {
    errno = ENAMETOOLONG;
    return -2;
  }
  if (mkdtemp (path) == NULL)
    return -2;
  return tool_lock_dir (path);
}

int
tool_outdir_stale (const char *dir, const char *name, time_t before)
{
  char path[4200];
  const char *t;
  size_t len = strlen (name);

  /* ".BASE.tmpXXXXXX" or ".BASE.oldXXXXXX" */
  if (name[0] != '.' || len < 12)
    return 0;
  t = name + len - 10;
  if (strncmp (t, ".tmp", 4) != 0 && strncmp (t, ".old", 4) != 0)
    return 0;
  if ((size_t) snprintf (path, sizeof path, "%s/%s", dir, name)
      >= sizeof path)
    return 0;
  return tool_remove_unheld (path, before);
}
