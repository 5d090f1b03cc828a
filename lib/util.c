/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "v2c-internal.h"

const char *
v2c_version (void)
{
  return PACKAGE_VERSION;
}

void
v2c_message (const struct v2c_msg_sink *sink, enum v2c_msg_level level,
             const char *fmt, ...)
{
  char buf[1024];
  va_list ap;

  if (sink->cb == NULL)
    return;
  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  sink->cb (sink->opaque, level, buf);
}

int
v2c_set_error (struct v2c_err *err, int errnum, const char *fmt, ...)
{
  va_list ap;

  if (err == NULL)
    return -1;
  va_start (ap, fmt);
  vsnprintf (err->msg, sizeof err->msg, fmt, ap);
  va_end (ap);
  if (errnum > 0) {
    size_t len = strlen (err->msg);
    snprintf (err->msg + len, sizeof err->msg - len, ": %s",
              strerror (errnum));
  }
  err->errnum = errnum;
  return -1;
}

int
v2c_error_prefix (struct v2c_err *err, const char *fmt, ...)
{
  char prefix[512], old[sizeof err->msg];
  va_list ap;

  if (err == NULL)
    return -1;
  va_start (ap, fmt);
  vsnprintf (prefix, sizeof prefix, fmt, ap);
  va_end (ap);
  memcpy (old, err->msg, sizeof old);
  snprintf (err->msg, sizeof err->msg, "%s: %s", prefix, old);
  return -1;
}

void
v2c_clear_error (struct v2c_err *err)
{
  if (err) {
    err->errnum = 0;
    err->msg[0] = '\0';
  }
}

int
v2c_error_copy (struct v2c_err *err, const char *prefix, const char *msg,
                int errnum)
{
  v2c_set_error (err, 0, "%s%s", prefix ? prefix : "", msg);
  if (err)
    err->errnum = errnum;
  return -1;
}

void
v2c_free_list (void *const *v, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    free (v[i]);
}

void
v2c_json_decref_list (json_t *const *v, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    json_decref (v[i]);
}

void
v2c_vm_disk_free_contents (struct v2c_vm_disk *d)
{
  V2C_FREE (d->file, d->path, d->format, d->controller, d->controller_model);
}

void
v2c_vm_free_contents (struct v2c_vm *vm)
{
  size_t i;

  if (vm == NULL)
    return;
  V2C_FREE (vm->name, vm->id, vm->firmware, vm->guest_os_id);
  for (i = 0; i < vm->ndisks; i++)
    v2c_vm_disk_free_contents (&vm->disks[i]);
  free (vm->disks);
  for (i = 0; i < vm->nnics; i++)
    V2C_FREE (vm->nics[i].model, vm->nics[i].network, vm->nics[i].mac);
  free (vm->nics);
  for (i = 0; i < vm->nsecret_props; i++)
    free (vm->secret_props[i].key);
  free (vm->secret_props);
  for (i = 0; i < vm->ngpus; i++)
    V2C_FREE (vm->gpus[i].kind, vm->gpus[i].vendor, vm->gpus[i].vendor_id,
              vm->gpus[i].device_id, vm->gpus[i].profile, vm->gpus[i].source);
  free (vm->gpus);
  memset (vm, 0, sizeof *vm);
}

void
v2c_vms_free (struct v2c_vm *vms, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    v2c_vm_free_contents (&vms[i]);
  free (vms);
}

void *
v2c_array_grow (void *v, size_t n, size_t size, size_t max, const char *what,
                struct v2c_err *err)
{
  char *nv;

  if (n >= max) {
    v2c_set_error (err, 0, "more than %zu %s", max, what);
    return NULL;
  }
  nv = realloc (v, (n + 1) * size);
  if (nv == NULL) {
    v2c_set_error (err, errno, "out of memory");
    return NULL;
  }
  memset (nv + n * size, 0, size);
  return nv;
}

struct v2c_vm_disk *
v2c_vm_add_disk (struct v2c_vm *vm, struct v2c_err *err)
{
  struct v2c_vm_disk *d = v2c_array_grow (vm->disks, vm->ndisks, sizeof *d,
                                    V2C_MAX_DISKS, "disks", err);

  if (d == NULL)
    return NULL;
  vm->disks = d;
  d = &vm->disks[vm->ndisks++];
  d->bus = d->unit = -1;
  d->capacity_bytes = d->file_size = -1;
  return d;
}

struct v2c_vm_nic *
v2c_vm_add_nic (struct v2c_vm *vm, struct v2c_err *err)
{
  struct v2c_vm_nic *n = v2c_array_grow (vm->nics, vm->nnics, sizeof *n,
                                   V2C_MAX_NICS, "network interfaces", err);

  if (n == NULL)
    return NULL;
  vm->nics = n;
  return &vm->nics[vm->nnics++];
}

int
v2c_pci_id (const char *s, char out[7])
{
  unsigned long v = 0;
  int hex = 0;
  const char *p;

  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s += 2;
    hex = 1;
  }
  for (p = s; *p; p++) {
    if (!isxdigit ((unsigned char) *p))
      return -1;
    hex |= !isdigit ((unsigned char) *p);
  }
  /* four hex digits at most (five decimal ones: 65535) */
  if (p == s || p - s > (hex ? 4 : 5))
    return -1;
  for (p = s; *p; p++)
    v = v * (hex ? 16 : 10)
        + (unsigned long) (isdigit ((unsigned char) *p)
                               ? *p - '0'
                               : tolower ((unsigned char) *p) - 'a' + 10);
  if (v > 0xffff)
    return -1;
  snprintf (out, 7, "0x%04lx", v);
  return 0;
}

const char *
v2c_pci_gpu_vendor (const char *id)
{
  if (id && strcmp (id, "0x10de") == 0)
    return "nvidia";
  if (id && strcmp (id, "0x1002") == 0)
    return "amd";
  return NULL;
}

struct v2c_vm_gpu *
v2c_vm_add_gpu (struct v2c_vm *vm, const char *kind, const char *vendor_id,
                const char *device_id, const char *profile,
                const char *source, struct v2c_err *err)
{
  struct v2c_vm_gpu *g = v2c_array_grow (vm->gpus, vm->ngpus, sizeof *g,
                                         V2C_MAX_GPUS, "GPUs", err);
  const char *vendor = v2c_pci_gpu_vendor (vendor_id);

  if (g == NULL)
    return NULL;
  vm->gpus = g;
  g = &vm->gpus[vm->ngpus++];
  /* a vGPU profile is NVIDIA's (grid_*, nvidia_*) */
  if (vendor == NULL && profile)
    vendor = "nvidia";
  if ((g->kind = strdup (kind)) == NULL
      || (vendor && (g->vendor = strdup (vendor)) == NULL)
      || (vendor_id && (g->vendor_id = strdup (vendor_id)) == NULL)
      || (device_id && (g->device_id = strdup (device_id)) == NULL)
      || (profile && (g->profile = strdup (profile)) == NULL)
      || (g->source = strdup (source)) == NULL) {
    v2c_set_error (err, ENOMEM, "out of memory");
    return NULL;
  }
  return g;
}

char *
v2c_read_file (const char *path, size_t max, size_t *lenp, struct v2c_err *err)
{
  struct stat st;
  char *buf = NULL;
  size_t len = 0, cap = 0;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd == -1) {
    v2c_set_error (err, errno, "can't open '%s'", path);
    return NULL;
  }
  if (fstat (fd, &st) == 0 && S_ISDIR (st.st_mode)) {
    v2c_set_error (err, EISDIR, "can't read '%s'", path);
    goto fail;
  }
  for (;;) {
    ssize_t r;

    if (len + 1 >= cap) {
      size_t ncap = cap ? cap * 2 : 8192;
      char *nbuf;

      if (ncap > max + 1)
        ncap = max + 1;
      if (len + 1 >= ncap) {
        v2c_set_error (err, 0, "'%s' is larger than %zu bytes", path, max);
        goto fail;
      }
      nbuf = realloc (buf, ncap + 1);
      if (nbuf == NULL) {
        v2c_set_error (err, errno, "out of memory reading '%s'", path);
        goto fail;
      }
      buf = nbuf;
      cap = ncap;
    }
    r = read (fd, buf + len, cap - len - 1);
    if (r == -1 && errno == EINTR)
      continue;
    if (r == -1) {
      v2c_set_error (err, errno, "can't read '%s'", path);
      goto fail;
    }
    if (r == 0)
      break;
    len += (size_t) r;
  }
  close (fd);
  if (buf == NULL && (buf = malloc (1)) == NULL) {
    v2c_set_error (err, errno, "out of memory");
    return NULL;
  }
  buf[len] = '\0';
  if (lenp)
    *lenp = len;
  return buf;

fail:
  close (fd);
  free (buf);
  return NULL;
}

char *
v2c_strndup0 (const char *s, size_t n)
{
  return s ? strndup (s, n) : NULL;
}

int
v2c_strcaseprefix (const char *s, const char *prefix)
{
  return strncasecmp (s, prefix, strlen (prefix)) == 0;
}

int
v2c_strcasesuffix (const char *s, const char *suffix)
{
  size_t ls = strlen (s), lx = strlen (suffix);
  return ls >= lx && strcasecmp (s + ls - lx, suffix) == 0;
}

int
v2c_path_cmp (const char *a, const char *b)
{
  const unsigned char *p = (const unsigned char *) a;
  const unsigned char *q = (const unsigned char *) b;
  int x, y;

  for (; *p && *p == *q; p++, q++)
    ;
  if (*p == *q)
    return 0;
  x = *p == 0 ? -2 : *p == '/' ? -1 : *p;
  y = *q == 0 ? -2 : *q == '/' ? -1 : *q;
  return x < y ? -1 : 1;
}

int
v2c_hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

bool
v2c_replaceable_file (const char *path)
{
  struct stat st;

  if (lstat (path, &st) == -1)
    return errno == ENOENT;
  if (S_ISREG (st.st_mode))
    return true;
  errno = EEXIST;
  return false;
}

int
v2c_write_file_atomic (const char *path, const void *buf, size_t len)
{
  char tmp[PATH_MAX];
  const char *p = buf;
  size_t off = 0;
  int fd, saved;

  if (!v2c_replaceable_file (path))
    return -1;
  if ((size_t) snprintf (tmp, sizeof tmp, "%s.tmpXXXXXX", path)
      >= sizeof tmp) {
    errno = ENAMETOOLONG;
    return -1;
  }
  fd = mkostemp (tmp, O_CLOEXEC);
  if (fd == -1)
    return -1;
  while (off < len) {
    ssize_t r = write (fd, p + off, len - off);

    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0) {
      errno = r == -1 ? errno : EIO;
      goto fail;
    }
    off += (size_t) r;
  }
  if (fchmod (fd, 0644) == -1 || fsync (fd) == -1)
    goto fail;
  if (close (fd) == -1) {
    fd = -1;
    goto fail;
  }
  fd = -1;
  if (rename (tmp, path) == -1)
    goto fail;
  return 0;
fail:
  saved = errno;
  if (fd != -1)
    close (fd);
  unlink (tmp);
  errno = saved;
  return -1;
}

/* Run a program (no shell) and wait: 0 when it exits 0, else -1 with
 * its status and the start of its output (stdout and stderr) in err. */
int
v2c_run_command (char *const argv[], struct v2c_err *err)
{
  posix_spawn_file_actions_t fa;
  char out[2048];
  size_t outlen = 0;
  int pipefd[2], status, r;
  pid_t pid;

  if (pipe2 (pipefd, O_CLOEXEC) == -1)
    return v2c_set_error (err, errno, "pipe");
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_addopen (&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2 (&fa, pipefd[1], 1);
  posix_spawn_file_actions_adddup2 (&fa, pipefd[1], 2);
  r = posix_spawnp (&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy (&fa);
  close (pipefd[1]);
  if (r != 0) {
    close (pipefd[0]);
    return v2c_set_error (err, r, "can't run '%s'", argv[0]);
  }
  for (;;) {
    char buf[4096];
    ssize_t n = read (pipefd[0], buf, sizeof buf);

    if (n == -1 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    if (outlen < sizeof out - 1) {
      size_t k = (size_t) n;
      if (k > sizeof out - 1 - outlen)
        k = sizeof out - 1 - outlen;
      memcpy (out + outlen, buf, k);
      outlen += k;
    }
  }
  close (pipefd[0]);
  out[outlen] = '\0';
  while (outlen > 0 && (out[outlen - 1] == '\n' || out[outlen - 1] == ' '))
    out[--outlen] = '\0';
  while (waitpid (pid, &status, 0) == -1)
    if (errno != EINTR)
      return v2c_set_error (err, errno, "waitpid");
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  if (WIFEXITED (status))
    v2c_set_error (err, 0, "'%s' failed with status %d: %s", argv[0],
                   WEXITSTATUS (status), out);
  else
    v2c_set_error (err, 0, "'%s' was killed by signal %d", argv[0],
                   WTERMSIG (status));
  return -1;
}

double
v2c_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}
