/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * v2c-batch's workers: one v2c-convert process (and process group) per
 * VM, -j at a time, with a timeout each; their exit status, peak RSS
 * (wait4) and last line of stderr become the VM's state record.
 *
 * Signals are blocked and taken with sigtimedwait in the one loop, so
 * there is no handler and no race between a child's exit and a
 * SIGTERM to the batch.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "fleet.h"
#include "options.h"
#include "outdir.h"

/* Seconds between SIGTERM and SIGKILL of a worker's process group:
 * v2c-convert stops its appliance at once on SIGTERM (tools/stop.c)
 * and needs a few seconds at most to clean up, even on a busy host. */
#define KILL_GRACE 10.0

/* The run's own temporary directory ($TMPDIR or /var/tmp, then
 * v2c-batch.XXXXXX, locked while the run lives): each worker's TMPDIR
 * is NAME in it, removed when the worker ends, so that nothing a
 * killed worker had there stays. */
static char run_tmp[4096];
static int run_tmp_fd = -1;

/* Remove the temporary directories that nobody holds: in base, the
 * v2c-batch.XXXXXX of runs and the v2c-tmp.XXXXXX of tools (see
 * tool_private_tmpdir) that ended without cleaning up; in DIR,
 * the .NAME.tmpXXXXXX (and .oldXXXXXX) of conversions that did; both
 * only when last changed before this run started. */
static void
remove_stale (const char *base, time_t before)
{
  DIR *d;
  struct dirent *e;
  int n = 0;

  if ((d = opendir (base)) != NULL) {
    while ((e = readdir (d)) != NULL) {
      char path[4200];
      struct stat st;

      /* a run's (v2c-batch.XXXXXX) or a tool's (v2c-tmp.XXXXXX) */
      if (!(strncmp (e->d_name, "v2c-batch.", 10) == 0
            && strlen (e->d_name) == 16)
          && !(strncmp (e->d_name, "v2c-tmp.", 8) == 0
               && strlen (e->d_name) == 14))
        continue;
      snprintf (path, sizeof path, "%s/%s", base, e->d_name);
      /* in a shared TMPDIR: only this user's */
      if (lstat (path, &st) == 0 && st.st_uid == geteuid ())
        n += tool_remove_unheld (path, before);
    }
    closedir (d);
  }
  if ((d = opendir (bopts.out)) != NULL) {
    while ((e = readdir (d)) != NULL)
      n += tool_outdir_stale (bopts.out, e->d_name, before);
    closedir (d);
  }
  if (n)
    tool_verbose ("removed %d temporary director%s of earlier runs", n,
                  n == 1 ? "y" : "ies");
}

static void
run_tmp_begin (void)
{
  remove_stale (tool_tmp_base (), time (NULL));
  run_tmp_fd = tool_locked_tmpdir ("v2c-batch", run_tmp, sizeof run_tmp);
  if (run_tmp_fd == -2) {
    /* the workers keep the caller's TMPDIR */
    tool_warning ("can't create a directory in '%s': %s", tool_tmp_base (),
                  strerror (errno));
    run_tmp[0] = '\0';
    run_tmp_fd = -1;
  }
}

static void
run_tmp_end (void)
{
  if (run_tmp[0])
    tool_remove_tree (run_tmp);
  run_tmp[0] = '\0';
  if (run_tmp_fd != -1)
    close (run_tmp_fd);
  run_tmp_fd = -1;
}

/* What an ended worker left: its TMPDIR, and its output's temporary
 * directory in DIR when no process holds it any more. */
static void
remove_leftovers (const struct vm *vm)
{
  char path[4200];
  size_t len = strlen (vm->name);
  DIR *d;
  struct dirent *e;

  if (run_tmp[0]) {
    snprintf (path, sizeof path, "%s/%s", run_tmp, vm->name);
    tool_remove_tree (path);
  }
  if ((d = opendir (bopts.out)) == NULL)
    return;
  while ((e = readdir (d)) != NULL)
    if (e->d_name[0] == '.' && strncmp (e->d_name + 1, vm->name, len) == 0
        && strlen (e->d_name) == len + 11)
      tool_outdir_stale (bopts.out, e->d_name, 0);
  closedir (d);
}

char *
batch_path (const char *fmt, ...)
{
  va_list ap;
  char *rel = NULL, *p = NULL;
  int r;

  va_start (ap, fmt);
  r = vasprintf (&rel, fmt, ap);
  va_end (ap);
  if (r == -1)
    return NULL;
  if (asprintf (&p, "%s/%s", bopts.out, rel) == -1)
    p = NULL;
  free (rel);
  return p;
}

void
batch_write_state (const struct vm *vm, const char *st)
{
  char *path = batch_path (".v2c-batch/state/%s.json", vm->name);
  json_t *doc;

  doc = json_pack (
      "{s:s,s:s,s:s,s:s,s:O,s:I,s:f,s:o,s:I,s:o}", "schema",
      V2C_BATCH_STATE_SCHEMA, "name", vm->name, "source", vm->source, "status",
      st, "fingerprint", vm->fingerprint ? vm->fingerprint : json_null (),
      "started", (json_int_t) vm->started, "duration_s", vm->duration, "error",
      vm->error ? json_string (vm->error) : json_null (), "max_rss_kib",
      (json_int_t) vm->max_rss_kib, "exit",
      vm->exit_status >= 0 ? json_integer (vm->exit_status) : json_null ());
  if (path == NULL || doc == NULL)
    tool_warning ("'%s': can't record the state: out of memory", vm->name);
  else if (v2c_json_write_file (doc, path) == -1)
    tool_warning ("can't write '%s': %s", path, strerror (errno));
  json_decref (doc);
  free (path);
}

/* The last non-empty line of the worker's log (its stderr), at most
 * 1000 bytes of it, or NULL. */
static char *
last_line (const char *log)
{
  char buf[8192], *end, *start;
  ssize_t r;
  off_t size;
  int fd = open (log, O_RDONLY | O_CLOEXEC);

  if (fd == -1)
    return NULL;
  size = lseek (fd, 0, SEEK_END);
  if (size < 0) {
    close (fd);
    return NULL;
  }
  r = pread (fd, buf, sizeof buf - 1,
             size > (off_t) sizeof buf - 1 ? size - (off_t) sizeof buf + 1
                                           : 0);
  close (fd);
  if (r <= 0)
    return NULL;
  buf[r] = '\0';
  /* a NUL in the log would end the string early: make it visible */
  for (end = buf; end < buf + r; end++)
    if (*end == '\0' || *end == '\r')
      *end = *end ? ' ' : '?';
  end = buf + r;
  while (end > buf && (end[-1] == '\n' || end[-1] == ' '))
    end--;
  *end = '\0';
  start = strrchr (buf, '\n');
  start = start ? start + 1 : buf;
  if (*start == '\0')
    return NULL;
  if (strlen (start) > 1000)
    start[1000] = '\0';
  return strdup (start);
}

static char *
log_path (const struct vm *vm)
{
  return batch_path (".v2c-batch/logs/%s.log", vm->name);
}

/* fork + exec v2c-convert for vm in its own process group. */
static int
start (struct vm *vm, const sigset_t *oldmask)
{
  char **argv, *log = log_path (vm), *out = batch_path ("%s", vm->name);
  char tmp[4200];
  size_t i, n = 0;
  pid_t pid;
  int fd;

  argv = calloc (bopts.npass + 12, sizeof *argv);
  if (argv == NULL || log == NULL || out == NULL) {
    free (argv);
    free (log);
    free (out);
    return -1;
  }
  argv[n++] = (char *) bopts.convert;
  for (i = 0; i < bopts.npass; i++)
    argv[n++] = bopts.pass[i];
  argv[n++] = (char *) "-q";
  if (vm->force)
    argv[n++] = (char *) "--force";
  if (vm->renamed) {
    argv[n++] = (char *) "--name";
    argv[n++] = vm->kube_name;
  }
  if (vm->path)
    argv[n++] = vm->path;
  else {
    argv[n++] = (char *) "-c";
    argv[n++] = (char *) bopts.uri;
    argv[n++] = (char *) "-d";
    argv[n++] = vm->domain;
  }
  argv[n++] = (char *) "-o";
  argv[n++] = out;
  argv[n] = NULL;

  fd = open (log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd == -1) {
    tool_error ("can't create '%s': %s", log, strerror (errno));
    free (argv);
    free (log);
    free (out);
    return -1;
  }
  vm->started = time (NULL);
  vm->t0 = tool_now ();
  vm->term_at = vm->kill_at = 0;
  vm->timed_out = 0;
  batch_write_state (vm, ST_RUNNING);
  tool_verbose ("%s: starting %s", vm->name, bopts.convert);
  snprintf (tmp, sizeof tmp, "%s/%s", run_tmp, vm->name);
  if (run_tmp[0] && mkdir (tmp, 0700) == -1 && errno != EEXIST) {
    tool_error ("can't create '%s': %s", tmp, strerror (errno));
    close (fd);
    free (argv);
    free (log);
    free (out);
    return -1;
  }
  pid = fork ();
  if (pid == 0) {
    int devnull = open ("/dev/null", O_RDONLY);

    setpgid (0, 0);
    if (run_tmp[0])
      setenv ("TMPDIR", tmp, 1);
    signal (SIGTERM, SIG_DFL);
    signal (SIGINT, SIG_DFL);
    signal (SIGHUP, SIG_DFL);
    signal (SIGCHLD, SIG_DFL);
    sigprocmask (SIG_SETMASK, oldmask, NULL);
    if (devnull == -1 || dup2 (devnull, 0) == -1 || dup2 (fd, 1) == -1
        || dup2 (fd, 2) == -1)
      _exit (126);
    execvp (argv[0], argv);
    dprintf (2, "v2c-batch: error: can't run '%s': %s\n", argv[0],
             strerror (errno));
    _exit (127);
  }
  close (fd);
  free (argv);
  free (log);
  free (out);
  if (pid == -1) {
    tool_error ("can't fork: %s", strerror (errno));
    return -1;
  }
  /* both sides, so that a kill of the group never misses the child */
  setpgid (pid, pid);
  vm->pid = pid;
  return 0;
}

static void
finish (struct vm *vm, int wstatus, const struct rusage *ru)
{
  char *log = log_path (vm), *line = log ? last_line (log) : NULL;
  char *msg = NULL;

  /* what a stopped worker leaves behind in its group (e.g. qemu) goes
   * too */
  if (vm->term_at > 0)
    kill (-vm->pid, SIGKILL);
  remove_leftovers (vm);
  vm->duration = tool_now () - vm->t0;
  vm->max_rss_kib = ru->ru_maxrss;
  vm->exit_status = WIFEXITED (wstatus) ? WEXITSTATUS (wstatus) : -1;
  vm->pid = 0;
  free (vm->error);
  vm->error = NULL;
  if (vm->timed_out) {
    vm->status = ST_TIMED_OUT;
    if (asprintf (&msg, "timed out after %.0f s%s%s", bopts.timeout,
                  line ? "; last message: " : "", line ? line : "")
        != -1)
      vm->error = msg;
  } else if (vm->term_at > 0) {
    vm->status = ST_INTERRUPTED;
    vm->error = strdup ("interrupted: v2c-batch was stopped");
  } else if (WIFEXITED (wstatus) && WEXITSTATUS (wstatus) == 0) {
    vm->status = ST_CONVERTED;
  } else {
    vm->status = ST_FAILED;
    if (line)
      vm->error = strdup (line);
    else if (WIFSIGNALED (wstatus)) {
      if (asprintf (&msg, "v2c-convert was killed by signal %d",
                    WTERMSIG (wstatus))
          != -1)
        vm->error = msg;
    } else if (asprintf (&msg, "v2c-convert exited with status %d",
                         WEXITSTATUS (wstatus))
               != -1)
      vm->error = msg;
  }
  batch_write_state (vm, vm->status);
  if (ST_IS (vm->status, ST_CONVERTED)) {
    if (!opts.quiet && !isatty (STDERR_FILENO))
      fprintf (stderr, "%s: %s: converted in %.1f s\n", program_name, vm->name,
               vm->duration);
    else
      tool_verbose ("%s: converted in %.1f s", vm->name, vm->duration);
  } else if (!ST_IS (vm->status, ST_INTERRUPTED))
    tool_warning ("%s: %s: %s (log: '%s')", vm->name, vm->status,
                  vm->error ? vm->error : "no message", log ? log : "");
  free (line);
  free (log);
}

static void
progress (struct vm *vms, size_t n, double t_start)
{
  size_t i, done = 0, failed = 0, running = 0, queued = 0;
  double sum = 0, eta;
  int jobs = bopts.jobs > 0 ? bopts.jobs : 1;

  (void) t_start;
  for (i = 0; i < n; i++) {
    if (!vms[i].todo)
      continue;
    if (vms[i].pid > 0)
      running++;
    else if (ST_IS (vms[i].status, ST_CONVERTED)) {
      done++;
      sum += vms[i].duration;
    } else if (ST_IS (vms[i].status, ST_PENDING))
      queued++;
    else
      failed++;
  }
  if (done > 0) {
    eta = sum / (double) done * (double) (queued + running) / jobs;
    tool_status ("%zu done, %zu failed, %zu running, %zu queued, ETA %d:%02d",
                 done, failed, running, queued, (int) eta / 60,
                 (int) eta % 60);
  } else
    tool_status ("%zu done, %zu failed, %zu running, %zu queued", done, failed,
                 running, queued);
}

static void
signal_group (struct vm *vm, int sig)
{
  if (vm->pid > 0 && kill (-vm->pid, sig) == -1 && errno == ESRCH)
    kill (vm->pid, sig);
}

int
batch_run (struct vm *vms, size_t n)
{
  sigset_t set, old;
  siginfo_t si;
  struct timespec tick = { 0, 200 * 1000 * 1000 };
  struct rusage ru;
  size_t next = 0, i, running = 0;
  int stop = 0, wstatus, sig;
  double t_start = tool_now (), now;
  pid_t pid;

  sigemptyset (&set);
  sigaddset (&set, SIGCHLD);
  sigaddset (&set, SIGTERM);
  sigaddset (&set, SIGINT);
  sigaddset (&set, SIGHUP);
  sigprocmask (SIG_BLOCK, &set, &old);
  for (i = 0; i < n; i++)
    if (vms[i].todo)
      vms[i].status = ST_PENDING;
  run_tmp_begin ();

  for (;;) {
    while (!stop && running < (size_t) bopts.jobs && next < n) {
      if (!vms[next].todo) {
        next++;
        continue;
      }
      if (start (&vms[next], &old) == -1) {
        vms[next].status = ST_FAILED;
        vms[next].error = strdup ("v2c-batch could not start v2c-convert");
        batch_write_state (&vms[next], ST_FAILED);
      } else
        running++;
      next++;
    }
    if (running == 0)
      break;
    progress (vms, n, t_start);

    sig = sigtimedwait (&set, &si, &tick);
    if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) {
      now = tool_now ();
      for (i = 0; i < n; i++)
        if (vms[i].pid > 0) {
          /* a second signal: no more grace */
          signal_group (&vms[i], stop ? SIGKILL : SIGTERM);
          if (vms[i].term_at == 0)
            vms[i].term_at = now;
          vms[i].kill_at = now + KILL_GRACE;
        }
      if (!stop) {
        tool_progress_done ();
        if (!opts.quiet)
          fprintf (stderr,
                   "%s: stopping: waiting for %zu running conversion%s\n",
                   program_name, running, running == 1 ? "" : "s");
      }
      stop = sig;
    }
    while ((pid = wait4 (-1, &wstatus, WNOHANG, &ru)) > 0) {
      for (i = 0; i < n; i++)
        if (vms[i].pid == pid) {
          finish (&vms[i], wstatus, &ru);
          running--;
          break;
        }
    }
    now = tool_now ();
    for (i = 0; i < n; i++) {
      struct vm *vm = &vms[i];

      if (vm->pid <= 0)
        continue;
      if (bopts.timeout > 0 && vm->term_at == 0
          && now - vm->t0 >= bopts.timeout) {
        vm->timed_out = 1;
        vm->term_at = now;
        vm->kill_at = now + KILL_GRACE;
        signal_group (vm, SIGTERM);
      } else if (vm->kill_at > 0 && now >= vm->kill_at) {
        signal_group (vm, SIGKILL);
        vm->kill_at = now + KILL_GRACE;
      }
    }
  }
  tool_progress_done ();
  run_tmp_end ();
  sigprocmask (SIG_SETMASK, &old, NULL);
  return stop;
}
