/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Output directories of the tools: built beside the target under a
 * temporary name (".BASE.tmpXXXXXX") and renamed into place at the end,
 * so a directory with the target's name is always complete.  An
 * existing, non-empty target is refused unless the tool was given
 * --force; then it is moved aside only once the new one is ready.
 */
#ifndef V2C_TOOLS_OUTDIR_H
#define V2C_TOOLS_OUTDIR_H

#include <stddef.h>
#include <time.h>

struct tool_outdir {
  char out[4096];  /* the target, without trailing slashes */
  char tmp[4200];  /* where it is being built */
  int replace;     /* the target exists and will be replaced */
  int made;        /* tmp exists and is ours */
  int locked;      /* lock_fd holds an flock on tmp */
  int lock_fd;
};

/* Check the target and create the temporary directory (mode 0755),
 * locked (flock) while this process works in it: v2c-batch removes the
 * temporary directories nobody holds (tool_outdir_stale).  -1 after
 * printing the error. */
int tool_outdir_begin (struct tool_outdir *d, const char *path, int force);
/* Move the finished directory into place (replacing the old one when
 * --force said so).  -1 after printing the error; tmp is then removed
 * by tool_outdir_abort. */
int tool_outdir_commit (struct tool_outdir *d);
/* Remove the temporary directory unless it was committed.  Safe to
 * call more than once, and after a commit. */
void tool_outdir_abort (struct tool_outdir *d);

/* Is DIR/NAME a temporary directory of tool_outdir (".BASE.tmpXXXXXX"
 * or ".BASE.oldXXXXXX") that no live process holds, last changed before
 * before (0: any time)?  Then remove it and return 1; else 0. */
int tool_outdir_stale (const char *dir, const char *name, time_t before);

/* An flock on directory path, held while the returned descriptor is
 * open (close-on-exec): what v2c-batch must not remove.  -1 when the
 * directory can't be opened or is held already. */
int tool_lock_dir (const char *path);
/* Remove the directory path when no process holds it (tool_lock_dir)
 * and it was last changed before before (0: any time); never follows
 * a symbolic link.  1 removed, else 0. */
int tool_remove_unheld (const char *path, time_t before);
/* $TMPDIR, else /var/tmp. */
const char *tool_tmp_base (void);
/* A new directory tool_tmp_base()/PREFIX.XXXXXX into path (size
 * bytes), locked: the lock's descriptor (or -1 when it could not be
 * taken), and -2 with errno set when no directory was made.
 * LIBGUESTFS_CACHEDIR is set to the base when unset, so that libguestfs
 * keeps its appliance there whatever TMPDIR its caller gets. */
int tool_locked_tmpdir (const char *prefix, char *path, size_t size);

/* Write buf to DIR/NAME (a new file, fsync'd).  -1 with errno set. */
int tool_write_file (const char *dir, const char *name, const char *buf,
                     size_t len);
/* Remove a tree the tool made; never follows symbolic links. */
void tool_remove_tree (const char *dir);

#endif /* V2C_TOOLS_OUTDIR_H */
