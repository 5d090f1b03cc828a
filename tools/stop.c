/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * How a tool stops on SIGINT, SIGTERM or SIGHUP (see options.h).  The
 * handler only records the signal and posts a semaphore (both
 * async-signal-safe).  With stop_kids, a thread waiting on that
 * semaphore then stops the tool's child processes: the appliance's qemu
 * (and supermin while it builds the appliance, qemu-img, v2c-verify)
 * get SIGTERM, and so does a child started later (it looks every
 * 100 ms; a child forked but not yet exec'd has this program's
 * handler, which only records the signal, so it gets SIGTERM again at
 * each look until it is another program).  So a libguestfs launch in
 * progress fails within a moment instead of running to its end, and
 * the tool's own code, which checks tool_interrupted between steps,
 * cleans up and exits 128 + the signal.
 * The thread never waits for a child: libguestfs reaps its own.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "options.h"
#include "outdir.h"

volatile sig_atomic_t tool_interrupted;
static sem_t stop_sem;

static void
on_signal (int sig)
{
  int saved = errno;

  if (!tool_interrupted)
    tool_interrupted = sig;
  sem_post (&stop_sem);
  errno = saved;
}

/* The parent of process pid (from /proc/PID/stat), or -1. */
static pid_t
parent_of (const char *pid)
{
  char path[64], buf[512], *p;
  FILE *f;
  size_t n;
  int ppid;

  snprintf (path, sizeof path, "/proc/%s/stat", pid);
  if ((f = fopen (path, "re")) == NULL)
    return -1;
  n = fread (buf, 1, sizeof buf - 1, f);
  fclose (f);
  buf[n] = '\0';
  /* "PID (COMM) STATE PPID ...": COMM may hold spaces and ')' */
  p = strrchr (buf, ')');
  if (p == NULL || sscanf (p + 1, " %*c %d", &ppid) != 1)
    return -1;
  return ppid;
}

/* PID is still a copy of this program: forked, not yet exec'd (as
 * libguestfs forks before it execs qemu), or one that never execs
 * (libguestfs' recovery process).  Such a child has this program's
 * signal handler: SIGTERM only sets its copy of the flag. */
static int
not_execd (const char *pid, const char *self_exe)
{
  char path[64], exe[4096];
  ssize_t n;

  snprintf (path, sizeof path, "/proc/%s/exe", pid);
  n = readlink (path, exe, sizeof exe - 1);
  if (n <= 0)
    return 0;
  exe[n] = '\0';
  return strcmp (exe, self_exe) == 0;
}

/* SIGTERM to every child process not signalled before (done[0..*n),
 * at most max): qemu, supermin and qemu-img end on it at once, and a
 * v2c-verify cleans up what it started; none is killed outright.  A
 * child that has not exec'd yet (self_exe: this program's path) is
 * signalled again at every call: the program it becomes must get the
 * signal too. */
static void
stop_children (pid_t *done, size_t *n, size_t max, const char *self_exe)
{
  DIR *d = opendir ("/proc");
  struct dirent *e;
  pid_t self = getpid ();

  if (d == NULL)
    return;
  while ((e = readdir (d)) != NULL) {
    pid_t pid;
    size_t i;

    if (e->d_name[0] < '0' || e->d_name[0] > '9'
        || parent_of (e->d_name) != self)
      continue;
    pid = (pid_t) atoi (e->d_name);
    for (i = 0; i < *n && done[i] != pid; i++)
      ;
    if (i < *n)
      continue;
    kill (pid, SIGTERM);
    if (self_exe[0] && not_execd (e->d_name, self_exe))
      continue;
    if (*n < max)
      done[(*n)++] = pid;
  }
  closedir (d);
}

static void *
stopper (void *arg)
{
  struct timespec tick = { 0, 100 * 1000 * 1000 };
  pid_t done[64];
  size_t n = 0;
  char self_exe[4096];
  ssize_t len = readlink ("/proc/self/exe", self_exe, sizeof self_exe - 1);

  (void) arg;
  self_exe[len > 0 ? len : 0] = '\0';
  while (sem_wait (&stop_sem) == -1)
    ;
  /* again and again: a child the tool starts after the signal (a
   * launch under way) is stopped too */
  for (;;) {
    stop_children (done, &n, sizeof done / sizeof done[0], self_exe);
    nanosleep (&tick, NULL);
  }
  return NULL;
}

void
tool_catch_signals (int stop_kids)
{
  struct sigaction sa;
  pthread_attr_t attr;
  pthread_t t;
  sigset_t all, old;

  if (sem_init (&stop_sem, 0, 0) == -1)
    return;
  if (!stop_kids)
    goto handlers;
  /* the thread takes no signal: the handler runs in the main thread or
   * libguestfs' */
  sigfillset (&all);
  pthread_sigmask (SIG_SETMASK, &all, &old);
  pthread_attr_init (&attr);
  pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
  if (pthread_create (&t, &attr, stopper, NULL) != 0)
    tool_verbose ("no thread to stop child processes on a signal");
  pthread_attr_destroy (&attr);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
handlers:
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);
}

int
tool_stopped (void)
{
  if (!tool_interrupted)
    return 0;
  tool_progress_done ();
  tool_error ("interrupted; nothing was written");
  return 1;
}

void
tool_failed (const char *msg)
{
  if (!tool_stopped ())
    tool_error ("%s", msg);
}

int
tool_exit_status (int status)
{
  return tool_interrupted ? 128 + tool_interrupted : status;
}

void
tool_test_hold (int stage)
{
  const char *want = getenv ("V2C_TEST_HOLD_STAGE");
  sigset_t none;

  if (want == NULL || atoi (want) != stage)
    return;
  fprintf (stderr, "%s: holding before stage %d (V2C_TEST_HOLD_STAGE)\n",
           program_name, stage);
  sigemptyset (&none);
  while (!tool_interrupted)
    sigsuspend (&none);
}

/* The tool's private TMPDIR (tool_private_tmpdir), removed at exit. */
static char private_tmp[4096];

static void
remove_private_tmp (void)
{
  if (private_tmp[0])
    tool_remove_tree (private_tmp);
  private_tmp[0] = '\0';
}

void
tool_private_tmpdir (void)
{
  /* the lock is held until exit: v2c-batch removes only what nobody
   * holds */
  if (tool_locked_tmpdir ("v2c-tmp", private_tmp, sizeof private_tmp) == -2) {
    private_tmp[0] = '\0';
    return;
  }
  setenv ("TMPDIR", private_tmp, 1);
  atexit (remove_private_tmp);
}
