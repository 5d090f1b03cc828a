/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * v2c-verify's child processes: podman and skopeo, always from an argv
 * array (never a shell string), their output captured up to a bound,
 * killed after a timeout.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "options.h"
#include "verify.h"

extern char **environ;

const struct verify *verify_current;
int verify_cleaning;

/* a child's output kept: enough for any log tail */
#define OUT_MAX (1u << 20)

int
verify_run (char *const *argv, struct v2c_strbuf *out, double timeout)
{
  posix_spawn_file_actions_t fa;
  int fds[2], status = 0, timed_out = 0;
  pid_t pid;
  double end = timeout > 0 ? tool_now () + timeout : 0;
  char buf[4096];

  if (pipe2 (fds, O_CLOEXEC) == -1)
    return -1;
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_addopen (&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2 (&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2 (&fa, fds[1], 2);
  if (opts.verbose > 1) {
    struct v2c_strbuf cmd = V2C_STRBUF_INIT;
    for (size_t i = 0; argv[i]; i++) {
      char *red = verify_current ? verify_redact (verify_current, argv[i])
                                 : strdup (argv[i]);
      v2c_strbuf_printf (&cmd, "%s'%s'", i ? " " : "", red ? red : "");
      free (red);
    }
    tool_verbose ("running %s", cmd.s ? cmd.s : "");
    v2c_strbuf_release (&cmd);
  }
  errno = posix_spawnp (&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy (&fa);
  close (fds[1]);
  if (errno != 0) {
    close (fds[0]);
    return -1;
  }
  for (;;) {
    struct pollfd p = { fds[0], POLLIN, 0 };
    int ms = -1, r;
    ssize_t n;

    if (end > 0 || (tool_interrupted && !verify_cleaning)) {
      double left = tool_interrupted && !verify_cleaning ? 0 : end - tool_now ();
      if (left <= 0) {
        timed_out = 1;
        kill (pid, SIGKILL);
        break;
      }
      ms = (int) (left * 1000) + 1;
    }
    r = poll (&p, 1, ms > 250 || ms < 0 ? 250 : ms);
    if (r == -1 && errno != EINTR)
      break;
    if (r <= 0)
      continue;
    n = read (fds[0], buf, sizeof buf);
    if (n == -1 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    if (out && out->len + (size_t) n <= OUT_MAX)
      v2c_strbuf_add (out, buf, (size_t) n);
  }
  close (fds[0]);
  while (waitpid (pid, &status, 0) == -1 && errno == EINTR)
    ;
  if (timed_out)
    return 124;
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return 128 + (WIFSIGNALED (status) ? WTERMSIG (status) : 0);
}

int
verify_runl (struct v2c_strbuf *out, double timeout, const char *arg0, ...)
{
  const char *argv[64];
  size_t n = 0;
  va_list ap;

  argv[n++] = arg0;
  va_start (ap, arg0);
  while (n < 63 && (argv[n] = va_arg (ap, const char *)) != NULL)
    n++;
  va_end (ap);
  argv[n] = NULL;
  return verify_run ((char *const *) argv, out, timeout);
}

char *
verify_tail (const char *text, size_t max)
{
  size_t len = text ? strlen (text) : 0;
  const char *p = text ? text : "";

  while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r'))
    len--;
  if (len > max) {
    const char *start = p + len - max, *nl = memchr (start, '\n', max);
    if (nl && nl + 1 < p + len)
      start = nl + 1;
    len -= (size_t) (start - p);
    p = start;
  }
  return strndup (p, len);
}

char *
verify_redact (const struct verify *v, const char *s)
{
  struct v2c_strbuf b = V2C_STRBUF_INIT;
  const char *p = s;

  while (*p) {
    size_t best = 0;
    for (size_t i = 0; i < v->secret_values.n; i++) {
      size_t l = strlen (v->secret_values.v[i]);
      if (l > best && strncmp (p, v->secret_values.v[i], l) == 0)
        best = l;
    }
    if (best > 0) {
      v2c_strbuf_puts (&b, "[secret]");
      p += best;
    } else
      v2c_strbuf_addc (&b, *p++);
  }
  return b.s ? b.s : strdup ("");
}
