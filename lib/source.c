/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Opening a source: find out what a path is (OVA, OVF, VMX, a disk
 * image) and list the VM's disks and virtual hardware.  Nothing here
 * ever opens a source file for writing.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "source-private.h"

extern char **environ;

struct v2c_source *
v2c_source_new (void)
{
  struct v2c_source *s = calloc (1, sizeof *s);

  if (s)
    s->verify = 1;
  return s;
}

int
v2c_source_set_verify (struct v2c_source *s, int verify)
{
  s->verify = !!verify;
  return 0;
}

int
v2c_source_set_descriptor_only (struct v2c_source *s, int on)
{
  s->descriptor_only = !!on;
  return 0;
}

int
v2c_source_set_vm_name (struct v2c_source *s, const char *name)
{
  char *copy = NULL;

  if (name && (copy = strdup (name)) == NULL)
    return v2c_set_error (&s->err, errno, "out of memory");
  free (s->vm_select);
  s->vm_select = copy;
  return 0;
}

void
v2c_source_set_message_callback (struct v2c_source *s, v2c_message_cb cb,
                                  void *opaque)
{
  s->msg_cb = cb;
  s->msg_opaque = opaque;
}

void
v2c_source_set_progress_callback (struct v2c_source *s, v2c_progress_cb cb,
                                   void *opaque)
{
  s->progress_cb = cb;
  s->progress_opaque = opaque;
}

void
v2c_source_message (struct v2c_source *s, enum v2c_msg_level level,
                    const char *fmt, ...)
{
  char buf[1024];
  va_list ap;

  if (s->msg_cb == NULL)
    return;
  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  s->msg_cb (s->msg_opaque, level, buf);
}

enum v2c_source_format
v2c_source_format (const struct v2c_source *s)
{
  return s->format;
}

const char *
v2c_source_name (const struct v2c_source *s)
{
  return s->name;
}

size_t
v2c_source_vm_count (const struct v2c_source *s)
{
  return s->nvms;
}

const char *
v2c_source_vm_name (const struct v2c_source *s, size_t i)
{
  if (i >= s->nvms)
    return NULL;
  return s->vms[i].name ? s->vms[i].name : s->vms[i].id;
}

size_t
v2c_source_disk_count (const struct v2c_source *s)
{
  return s->ndisks;
}

const char *
v2c_source_disk_path (const struct v2c_source *s, size_t i)
{
  return i < s->ndisks ? s->disks[i].qemu_path : NULL;
}

const char *
v2c_source_disk_format (const struct v2c_source *s, size_t i)
{
  return i < s->ndisks ? s->disks[i].qemu_format : NULL;
}

static int
remove_tree (const char *dir)
{
  char *argv[] = { (char *) "rm", (char *) "-rf", (char *) "--",
                   (char *) dir, NULL };
  struct v2c_err err;

  return v2c_run_command (argv, &err) == 0 ? 0 : -1;
}

void
v2c_source_free (struct v2c_source *s)
{
  size_t i;

  if (s == NULL)
    return;
  for (i = 0; i < s->ndisks; i++) {
    free (s->disks[i].host_path);
    free (s->disks[i].qemu_path);
    free (s->disks[i].format);
    free (s->disks[i].qemu_format);
    free (s->disks[i].member);
  }
  free (s->disks);
  v2c_vms_free (s->vms, s->nvms);
  if (s->tmpdir) {
    remove_tree (s->tmpdir);
    free (s->tmpdir);
  }
  free (s->path);
  free (s->domain);
  free (s->name);
  free (s->vm_select);
  free (s);
}

int
v2c_source_make_tmpdir (struct v2c_source *s)
{
  const char *base = getenv ("TMPDIR");
  char tmpl[PATH_MAX];

  if (s->tmpdir)
    return 0;
  if (base == NULL || *base == '\0')
    base = "/var/tmp";
  snprintf (tmpl, sizeof tmpl, "%s/v2c.XXXXXX", base);
  if (mkdtemp (tmpl) == NULL)
    return v2c_set_error (&s->err, errno,
                          "can't create a temporary directory in '%s'", base);
  s->tmpdir = strdup (tmpl);
  if (s->tmpdir == NULL) {
    rmdir (tmpl);
    return v2c_set_error (&s->err, errno, "out of memory");
  }
  return 0;
}

struct v2c_open_disk *
v2c_source_add_open_disk (struct v2c_source *s)
{
  struct v2c_open_disk *d;

  d = realloc (s->disks, (s->ndisks + 1) * sizeof *d);
  if (d == NULL) {
    v2c_set_error (&s->err, errno, "out of memory");
    return NULL;
  }
  s->disks = d;
  d = &s->disks[s->ndisks++];
  memset (d, 0, sizeof *d);
  d->virtual_size = -1;
  return d;
}

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

static uint64_t
get_le (const unsigned char *p, int n)
{
  uint64_t v = 0;
  while (n-- > 0)
    v = (v << 8) | p[n];
  return v;
}

static uint64_t
get_be (const unsigned char *p, int n)
{
  uint64_t v = 0;
  int i;
  for (i = 0; i < n; i++)
    v = (v << 8) | p[i];
  return v;
}

int
v2c_probe_image (int fd, uint64_t offset, uint64_t size, const char **format,
                 int64_t *virtual_size, int *is_descriptor)
{
  unsigned char h[512];
  ssize_t r;
  uint64_t v;

  *format = "raw";
  *virtual_size = size <= INT64_MAX ? (int64_t) size : -1;
  *is_descriptor = 0;
  memset (h, 0, sizeof h);
  r = pread (fd, h, size < sizeof h ? size : sizeof h, (off_t) offset);
  if (r == -1)
    return -1;
  if (memcmp (h, "QFI\xfb", 4) == 0) {
    *format = "qcow2";
    v = get_be (h + 24, 8);
    *virtual_size = v <= V2C_MAX_CAPACITY_BYTES ? (int64_t) v : -1;
  } else if (memcmp (h, "KDMV", 4) == 0) {
    *format = "vmdk";
    v = get_le (h + 12, 8);
    *virtual_size = v <= V2C_MAX_CAPACITY_BYTES / 512 ? (int64_t) v * 512 : -1;
  } else if (memcmp (h, "COWD", 4) == 0) {
    *format = "vmdk";
    v = get_le (h + 12, 4);
    *virtual_size = (int64_t) v * 512;
  } else if (memcmp (h, "# Disk DescriptorFile", 21) == 0) {
    *format = "vmdk";
    *virtual_size = -1;
    *is_descriptor = 1;
  }
  return 0;
}

int
v2c_source_select_vm (struct v2c_source *s)
{
  size_t i;

  if (s->nvms == 0)
    return v2c_set_error (&s->err, 0, "'%s' describes no virtual machine",
                          s->path);
  if (s->vm_select == NULL) {
    char names[768] = "";
    size_t len = 0;

    if (s->nvms == 1) {
      s->vm = &s->vms[0];
      return 0;
    }
    for (i = 0; i < s->nvms && len < sizeof names - 1; i++)
      len += (size_t) snprintf (names + len, sizeof names - len, "%s'%s'",
                                i ? ", " : "", v2c_source_vm_name (s, i));
    return v2c_set_error (&s->err, 0,
                          "'%s' holds %zu virtual machines (%s): choose one "
                          "with --vm NAME", s->path, s->nvms, names);
  }
  for (i = 0; i < s->nvms; i++) {
    const struct v2c_vm *vm = &s->vms[i];
    if ((vm->name && strcmp (vm->name, s->vm_select) == 0)
        || (vm->id && strcmp (vm->id, s->vm_select) == 0)) {
      s->vm = &s->vms[i];
      return 0;
    }
  }
  return v2c_set_error (&s->err, 0, "no virtual machine named '%s' in '%s'",
                        s->vm_select, s->path);
}

/* The stem of a path: "/x/y/demo.vmx" -> "demo". */
static char *
path_stem (const char *path)
{
  const char *base = strrchr (path, '/');
  const char *dot;

  base = base ? base + 1 : path;
  dot = strrchr (base, '.');
  return strndup (base, dot && dot != base ? (size_t) (dot - base)
                                           : strlen (base));
}

static char *
dir_of (const char *path)
{
  const char *slash = strrchr (path, '/');

  if (slash == NULL)
    return strdup (".");
  if (slash == path)
    return strdup ("/");
  return strndup (path, (size_t) (slash - path));
}

static int
set_name (struct v2c_source *s)
{
  const char *n = s->vm ? (s->vm->name ? s->vm->name : s->vm->id) : NULL;

  free (s->name);
  s->name = n && *n ? strdup (n) : path_stem (s->path);
  if (s->name == NULL)
    return v2c_set_error (&s->err, errno, "out of memory");
  return 0;
}

/* Open one disk file on the host and record it for qemu. */
int
v2c_source_add_disk_file (struct v2c_source *s, const char *path, const char *want_format)
{
  struct v2c_open_disk *d;
  const char *format;
  int64_t vsize;
  int fd, is_desc;
  struct stat st;

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd == -1)
    return v2c_set_error (&s->err, errno, "can't open disk '%s'", path);
  if (fstat (fd, &st) == -1 || v2c_probe_image (fd, 0, (uint64_t) st.st_size,
                                                &format, &vsize, &is_desc)
      == -1) {
    v2c_set_error (&s->err, errno, "can't read disk '%s'", path);
    close (fd);
    return -1;
  }
  close (fd);
  if (S_ISDIR (st.st_mode))
    return v2c_set_error (&s->err, EISDIR, "can't use disk '%s'", path);
  if (st.st_size == 0)
    return v2c_set_error (&s->err, 0, "disk '%s' is empty", path);
  if (strcmp (format, "raw") == 0
      && ((want_format && strcmp (want_format, "vmdk") == 0)
          || v2c_strcasesuffix (path, ".vmdk")))
    return v2c_set_error (&s->err, 0, "'%s' is not a VMDK file", path);
  if (strcmp (format, "raw") == 0
      && (v2c_strcasesuffix (path, ".qcow2")))
    return v2c_set_error (&s->err, 0, "'%s' is not a qcow2 image", path);
  if (is_desc) {
    struct v2c_vmdk_info info;

    memset (&info, 0, sizeof info);
    if (v2c_vmdk_read (path, &info, &s->err) == -1) {
      v2c_vmdk_info_free_contents (&info);
      return -1;
    }
    vsize = info.capacity_bytes;
    v2c_vmdk_info_free_contents (&info);
  }
  d = v2c_source_add_open_disk (s);
  if (d == NULL)
    return -1;
  d->host_path = realpath (path, NULL);
  d->qemu_path = d->host_path ? strdup (d->host_path) : NULL;
  d->format = strdup (format);
  d->qemu_format = strdup (format);
  d->virtual_size = vsize;
  if (d->host_path == NULL || d->qemu_path == NULL || d->format == NULL
      || d->qemu_format == NULL)
    return v2c_set_error (&s->err, errno, "can't resolve '%s'", path);
  return 0;
}

/* Disk file names in descriptors are relative to the descriptor; refuse
 * ones that reach outside its directory or name a URL. */
static int
check_relative_name (struct v2c_source *s, const char *file)
{
  const char *p;

  if (strstr (file, "://"))
    return v2c_set_error (&s->err, 0,
                          "disk '%s' is a URL: download the export first",
                          file);
  if (file[0] == '/')
    return 0;
  for (p = file; *p;) {
    size_t n = strcspn (p, "/");
    if (n == 2 && p[0] == '.' && p[1] == '.')
      return v2c_set_error (&s->err, 0,
                            "disk name '%s' reaches outside the export's "
                            "directory", file);
    p += n;
    while (*p == '/')
      p++;
  }
  return 0;
}

static int
open_vm_disks (struct v2c_source *s, const char *dir)
{
  size_t i;

  for (i = 0; i < s->vm->ndisks; i++) {
    struct v2c_vm_disk *vd = &s->vm->disks[i];
    char path[PATH_MAX];

    if (vd->file == NULL)
      continue;  /* a blank disk with no file: nothing to read */
    if (check_relative_name (s, vd->file) == -1)
      return -1;
    if (vd->path == NULL) {
      if (vd->file[0] == '/')
        snprintf (path, sizeof path, "%s", vd->file);
      else
        snprintf (path, sizeof path, "%s/%s", dir, vd->file);
      vd->path = strdup (path);
      if (vd->path == NULL)
        return v2c_set_error (&s->err, errno, "out of memory");
    }
    if (s->descriptor_only)
      continue;
    if (v2c_source_add_disk_file (s, vd->path, vd->format) == -1)
      return -1;
  }
  return 0;
}

struct verify_pool {
  struct verify_job *jobs;
  size_t njobs, next;
  int failed;
  struct v2c_err err;
  pthread_mutex_t lock;
  struct v2c_source *s;
  uint64_t done_total, total;
};

static void *
verify_worker (void *arg)
{
  struct verify_pool *p = arg;

  for (;;) {
    struct verify_job *j;
    struct v2c_err err = { 0, "" };
    int r;

    pthread_mutex_lock (&p->lock);
    if (p->failed || p->next >= p->njobs) {
      pthread_mutex_unlock (&p->lock);
      return NULL;
    }
    j = &p->jobs[p->next++];
    pthread_mutex_unlock (&p->lock);

    r = v2c_mf_verify_range (j->fd, j->offset, j->size, j->entry,
                             NULL, NULL, &err);
    pthread_mutex_lock (&p->lock);
    if (r == -1 && !p->failed) {
      p->failed = 1;
      p->err = err;
    }
    p->done_total += j->size;
    if (p->s->progress_cb)
      p->s->progress_cb (p->s->progress_opaque, "verifying manifest",
                         p->done_total, p->total);
    pthread_mutex_unlock (&p->lock);
  }
}

/* Check every digest of a manifest, two files at a time (hashing is
 * CPU-bound at SSD speeds, and an OVA usually has several disks). */
int
v2c_verify_jobs (struct v2c_source *s, struct verify_job *jobs, size_t n)
{
  struct verify_pool p;
  pthread_t th[2];
  int nth = 0, i;
  long ncpu = sysconf (_SC_NPROCESSORS_ONLN);

  memset (&p, 0, sizeof p);
  p.jobs = jobs;
  p.njobs = n;
  p.s = s;
  for (size_t k = 0; k < n; k++)
    p.total += jobs[k].size;
  pthread_mutex_init (&p.lock, NULL);
  for (i = 0; i < 2 && (i == 0 || (ncpu > 1 && n > 1)); i++)
    if (pthread_create (&th[nth], NULL, verify_worker, &p) == 0)
      nth++;
  if (nth == 0)
    verify_worker (&p);
  for (i = 0; i < nth; i++)
    pthread_join (th[i], NULL);
  pthread_mutex_destroy (&p.lock);
  if (p.failed) {
    s->err = p.err;
    return -1;
  }
  return 0;
}

/* Verify a .mf beside a descriptor in a directory (OVF folder, or an
 * OVA unpacked from gzip). */
static int
verify_manifest_dir (struct v2c_source *s, const char *mfpath,
                     const char *dir)
{
  CLEANUP_FREE char *buf = NULL;
  struct v2c_mf_entry *ents = NULL;
  struct verify_job *jobs = NULL;
  size_t len, n = 0, i, nj = 0;
  int r = -1;

  buf = v2c_read_file (mfpath, V2C_MAX_DESCRIPTOR_BYTES, &len, &s->err);
  if (buf == NULL)
    return -1;
  if (v2c_mf_parse (buf, len, &ents, &n, &s->err) == -1)
    return v2c_error_prefix (&s->err, "'%s'", mfpath);
  jobs = calloc (n ? n : 1, sizeof *jobs);
  if (jobs == NULL) {
    v2c_set_error (&s->err, errno, "out of memory");
    goto out;
  }
  for (i = 0; i < n; i++) {
    char path[PATH_MAX];
    struct stat st;
    int fd;

    if (check_relative_name (s, ents[i].file) == -1
        || ents[i].file[0] == '/') {
      v2c_set_error (&s->err, 0, "manifest '%s' names an unsafe file '%s'",
                     mfpath, ents[i].file);
      goto out;
    }
    snprintf (path, sizeof path, "%s/%s", dir, ents[i].file);
    fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd == -1) {
      if (errno == ENOENT && s->descriptor_only)
        continue;
      v2c_set_error (&s->err, errno, "can't open '%s' named in the manifest",
                     path);
      goto out;
    }
    if (fstat (fd, &st) == -1 || !S_ISREG (st.st_mode)) {
      close (fd);
      v2c_set_error (&s->err, 0, "'%s' named in the manifest is not a file",
                     path);
      goto out;
    }
    jobs[nj].fd = fd;
    jobs[nj].offset = 0;
    jobs[nj].size = (uint64_t) st.st_size;
    jobs[nj].entry = &ents[i];
    nj++;
  }
  r = v2c_verify_jobs (s, jobs, nj);
 out:
  for (i = 0; i < nj; i++)
    close (jobs[i].fd);
  free (jobs);
  v2c_mf_entries_free (ents, n);
  return r;
}

/* An .ovf file with its disks beside it. */
int
v2c_source_open_ovf_dir (struct v2c_source *s, const char *ovfpath)
{
  CLEANUP_FREE char *buf = NULL;
  CLEANUP_FREE char *dir = NULL;
  CLEANUP_FREE char *stem = NULL;
  char mfpath[PATH_MAX];
  size_t len;

  buf = v2c_read_file (ovfpath, V2C_MAX_DESCRIPTOR_BYTES, &len, &s->err);
  if (buf == NULL)
    return -1;
  if (v2c_ovf_parse (buf, len, &s->vms, &s->nvms, &s->err) == -1)
    return v2c_error_prefix (&s->err, "'%s'", ovfpath);
  if (v2c_source_select_vm (s) == -1)
    return -1;
  dir = dir_of (ovfpath);
  stem = path_stem (ovfpath);
  if (dir == NULL || stem == NULL)
    return v2c_set_error (&s->err, errno, "out of memory");
  snprintf (mfpath, sizeof mfpath, "%s/%s.mf", dir, stem);
  if (s->verify && !s->descriptor_only && access (mfpath, F_OK) == 0
      && verify_manifest_dir (s, mfpath, dir) == -1)
    return -1;
  return open_vm_disks (s, dir);
}

static int
open_vmx (struct v2c_source *s, const char *path)
{
  CLEANUP_FREE char *buf = NULL;
  CLEANUP_FREE char *dir = NULL;
  size_t len;

  buf = v2c_read_file (path, V2C_MAX_DESCRIPTOR_BYTES, &len, &s->err);
  if (buf == NULL)
    return -1;
  dir = dir_of (path);
  if (dir == NULL)
    return v2c_set_error (&s->err, errno, "out of memory");
  s->vms = calloc (1, sizeof *s->vms);
  if (s->vms == NULL)
    return v2c_set_error (&s->err, errno, "out of memory");
  s->nvms = 1;
  if (v2c_vmx_parse (buf, len, dir, &s->vms[0], &s->err) == -1)
    return v2c_error_prefix (&s->err, "'%s'", path);
  s->vm = &s->vms[0];
  if (s->vm->ndisks == 0 && !s->descriptor_only)
    return v2c_set_error (&s->err, 0, "'%s' has no disk", path);
  return open_vm_disks (s, dir);
}

static int
looks_like_xml_envelope (const unsigned char *h, size_t n)
{
  size_t i = 0;

  if (n >= 3 && h[0] == 0xef && h[1] == 0xbb && h[2] == 0xbf)
    i = 3;
  while (i < n && (h[i] == ' ' || h[i] == '\t' || h[i] == '\r'
                   || h[i] == '\n'))
    i++;
  return i < n && h[i] == '<' && memmem (h, n, "Envelope", 8) != NULL;
}

int
v2c_source_open (struct v2c_source *s, const char *path)
{
  unsigned char h[4096];
  struct stat st;
  ssize_t n;
  int fd, r;

  v2c_clear_error (&s->err);
  if (s->path)
    return v2c_set_error (&s->err, 0, "source already opened");
  s->path = realpath (path, NULL);
  if (s->path == NULL)
    return v2c_set_error (&s->err, errno, "can't open '%s'", path);
  fd = open (s->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd == -1)
    return v2c_set_error (&s->err, errno, "can't open '%s'", path);
  if (fstat (fd, &st) == -1) {
    v2c_set_error (&s->err, errno, "can't stat '%s'", path);
    close (fd);
    return -1;
  }
  if (S_ISDIR (st.st_mode)) {
    close (fd);
    return v2c_set_error (&s->err, 0,
                          "'%s' is a directory: name the .ova, .ovf or .vmx "
                          "in it", path);
  }
  memset (h, 0, sizeof h);
  n = pread (fd, h, sizeof h, 0);
  if (n == -1) {
    v2c_set_error (&s->err, errno, "can't read '%s'", path);
    close (fd);
    return -1;
  }
  if (n == 0) {
    close (fd);
    return v2c_set_error (&s->err, 0, "'%s' is empty", path);
  }

  if ((n >= 2 && h[0] == 0x1f && h[1] == 0x8b)
      || (n >= 262 && memcmp (h + 257, "ustar", 5) == 0)
      || v2c_strcasesuffix (path, ".ova")) {
    s->format = V2C_SOURCE_OVA;
    r = v2c_source_open_ova (s, fd);
    close (fd);
  } else if (looks_like_xml_envelope (h, (size_t) n)
             || v2c_strcasesuffix (path, ".ovf")) {
    close (fd);
    s->format = V2C_SOURCE_OVF;
    r = v2c_source_open_ovf_dir (s, s->path);
  } else if (v2c_strcasesuffix (path, ".vmx")) {
    close (fd);
    s->format = V2C_SOURCE_VMX;
    r = open_vmx (s, s->path);
  } else {
    close (fd);
    s->format = V2C_SOURCE_DISK;
    r = s->descriptor_only ? 0 : v2c_source_add_disk_file (s, s->path, NULL);
  }
  if (r == -1)
    return -1;
  return set_name (s);
}

static json_t *
str_or_null (const char *s)
{
  return s ? json_string (s) : json_null ();
}

static json_t *
int_or_null (int64_t v)
{
  return v >= 0 ? json_integer (v) : json_null ();
}

static const char *const format_names[] = {
  [V2C_SOURCE_UNKNOWN] = "unknown", [V2C_SOURCE_OVA] = "ova",
  [V2C_SOURCE_OVF] = "ovf", [V2C_SOURCE_VMX] = "vmx",
  [V2C_SOURCE_DISK] = "disk", [V2C_SOURCE_LIBVIRT] = "libvirt",
};

json_t *
v2c_source_json (const struct v2c_source *s)
{
  json_t *o, *disks;
  size_t i;

  disks = json_array ();
  for (i = 0; i < s->ndisks; i++) {
    const struct v2c_open_disk *d = &s->disks[i];
    json_t *dj = json_object ();

    json_object_set_new (dj, "path", str_or_null (d->host_path));
    if (d->member)
      json_object_set_new (dj, "member", json_string (d->member));
    json_object_set_new (dj, "format", str_or_null (d->format));
    json_object_set_new (dj, "virtual_size", int_or_null (d->virtual_size));
    json_array_append_new (disks, dj);
  }
  /* With --descriptor-only no disk is opened: list what the descriptor
   * names, so planners still see them. */
  if (s->ndisks == 0 && s->vm) {
    for (i = 0; i < s->vm->ndisks; i++) {
      const struct v2c_vm_disk *vd = &s->vm->disks[i];
      json_t *dj = json_object ();

      json_object_set_new (dj, "path", str_or_null (vd->path ? vd->path
                                                             : vd->file));
      json_object_set_new (dj, "format", str_or_null (vd->format));
      json_object_set_new (dj, "virtual_size",
                           int_or_null (vd->capacity_bytes));
      json_array_append_new (disks, dj);
    }
  }
  o = json_object ();
  json_object_set_new (o, "format", json_string (format_names[s->format]));
  json_object_set_new (o, "path", str_or_null (s->path));
  if (s->domain)
    json_object_set_new (o, "domain", json_string (s->domain));
  json_object_set_new (o, "name", str_or_null (s->name));
  if (s->nvms > 1) {
    json_t *names = json_array ();
    for (i = 0; i < s->nvms; i++)
      json_array_append_new (names, str_or_null (v2c_source_vm_name (s, i)));
    json_object_set_new (o, "vms", names);
  }
  json_object_set_new (o, "disks", disks);
  return o;
}

json_t *
v2c_source_hardware_json (const struct v2c_source *s)
{
  const struct v2c_vm *vm = s->vm;
  json_t *o = json_object (), *disks = json_array (), *nics = json_array ();
  size_t i;

  json_object_set_new (o, "cpus", vm && vm->cpus > 0 ? json_integer (vm->cpus)
                                                     : json_null ());
  json_object_set_new (o, "memory_mib", vm && vm->memory_mib > 0
                                          ? json_integer (vm->memory_mib)
                                          : json_null ());
  json_object_set_new (o, "firmware", str_or_null (vm ? vm->firmware : NULL));
  json_object_set_new (o, "guest_os_id",
                       str_or_null (vm ? vm->guest_os_id : NULL));
  for (i = 0; vm && i < vm->ndisks; i++) {
    const struct v2c_vm_disk *d = &vm->disks[i];
    json_t *dj = json_object ();

    json_object_set_new (dj, "controller", str_or_null (d->controller));
    json_object_set_new (dj, "controller_model",
                         str_or_null (d->controller_model));
    json_object_set_new (dj, "bus", d->bus >= 0 ? json_integer (d->bus)
                                                : json_null ());
    json_object_set_new (dj, "unit", d->unit >= 0 ? json_integer (d->unit)
                                                  : json_null ());
    json_object_set_new (dj, "file", str_or_null (d->file));
    json_object_set_new (dj, "capacity_bytes",
                         int_or_null (d->capacity_bytes));
    json_array_append_new (disks, dj);
  }
  /* A bare disk has no descriptor: its one disk is all we know. */
  if (vm == NULL)
    for (i = 0; i < s->ndisks; i++) {
      json_t *dj = json_object ();
      json_object_set_new (dj, "controller", json_null ());
      json_object_set_new (dj, "capacity_bytes",
                           int_or_null (s->disks[i].virtual_size));
      json_array_append_new (disks, dj);
    }
  for (i = 0; vm && i < vm->nnics; i++) {
    const struct v2c_vm_nic *n = &vm->nics[i];
    json_t *nj = json_object ();

    json_object_set_new (nj, "model", str_or_null (n->model));
    json_object_set_new (nj, "network", str_or_null (n->network));
    json_object_set_new (nj, "mac", str_or_null (n->mac));
    json_array_append_new (nics, nj);
  }
  json_object_set_new (o, "disks", disks);
  json_object_set_new (o, "nics", nics);
  return o;
}
