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
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source-private.h"

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
v2c_source_set_allow_outside_paths (struct v2c_source *s, int on)
{
  s->allow_outside = !!on;
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
  s->msg.cb = cb;
  s->msg.opaque = opaque;
}

void
v2c_source_set_progress_callback (struct v2c_source *s, v2c_progress_cb cb,
                                   void *opaque)
{
  s->progress_cb = cb;
  s->progress_opaque = opaque;
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

/* v2c_source_error, v2c_source_errno */
V2C_DEFINE_ERROR_ACCESSORS (source)

void
v2c_source_free (struct v2c_source *s)
{
  size_t i;

  if (s == NULL)
    return;
  for (i = 0; i < s->ndisks; i++)
    V2C_FREE (s->disks[i].host_path, s->disks[i].qemu_path,
              s->disks[i].format, s->disks[i].qemu_format,
              s->disks[i].member);
  free (s->disks);
  v2c_vms_free (s->vms, s->nvms);
  if (s->tmpdir) {
    remove_tree (s->tmpdir);
    free (s->tmpdir);
  }
  free (s->path);
  free (s->root);
  free (s->domain);
  free (s->name);
  free (s->vm_select);
  free (s);
}

static int
set_name (struct v2c_source *s)
{
  const char *n = s->vm ? (s->vm->name ? s->vm->name : s->vm->id) : NULL;
  char *name;

  /* The inventory's name is JSON text: a file name's bytes that are not
   * UTF-8 become U+FFFD rather than lose the name altogether. */
  free (s->name);
  s->name = NULL;
  name = n && *n ? strdup (n) : v2c_source_path_stem (s->path);
  if (name)
    s->name = v2c_utf8_repair (name);
  free (name);
  if (s->name == NULL)
    return v2c_set_error (&s->err, errno, "out of memory");
  return 0;
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
  dir = v2c_source_dir_of (path);
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
  return v2c_source_open_vm_disks (s, dir);
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
  s->root = v2c_source_dir_of (s->path);
  if (s->root == NULL) {
    close (fd);
    return v2c_set_error (&s->err, errno, "out of memory");
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
  json_t *j;
  char *r;

  if (s == NULL)
    return json_null ();
  if ((j = json_string (s)) != NULL)
    return j;
  /* A file name that is not UTF-8: JSON text can't hold its bytes, and
   * a field must not vanish from the inventory for that. */
  r = v2c_utf8_repair (s);
  j = r ? json_string (r) : NULL;
  free (r);
  return j;
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

/* A file unpacked into the private directory (a compressed OVA's
 * member) is shown as the OVA and the member: the unpacked copy is gone
 * once the source is closed. */
static const char *
unpacked_member (const struct v2c_source *s, const char *path)
{
  const char *root = s->tmpdir;
  size_t n;

  if (!s->unpacked || root == NULL || path == NULL)
    return NULL;
  n = strlen (root);
  if (strncmp (path, root, n) == 0 && path[n] == '/')
    return path + n + 1;
  /* the canonical path of the directory, as realpath() gave it */
  if (s->root && (n = strlen (s->root)) && strncmp (path, s->root, n) == 0
      && path[n] == '/')
    return path + n + 1;
  return NULL;
}

static void
set_disk_path (json_t *dj, const struct v2c_source *s, const char *path,
               const char *member)
{
  const char *m = unpacked_member (s, path);

  json_object_set_new (dj, "path", str_or_null (m ? s->path : path));
  if (m || member)
    json_object_set_new (dj, "member", str_or_null (m ? m : member));
}

json_t *
v2c_source_json (const struct v2c_source *s)
{
  json_t *o, *disks;
  size_t i;

  disks = json_array ();
  for (i = 0; i < s->ndisks; i++) {
    const struct v2c_open_disk *d = &s->disks[i];
    json_t *dj = json_object ();

    set_disk_path (dj, s, d->host_path, d->member);
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

      set_disk_path (dj, s, vd->path ? vd->path : vd->file, NULL);
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
  /* only a VM with GPUs has the member: the others' inventories are as
   * they were */
  if (vm && vm->ngpus) {
    json_t *gpus = json_array ();

    for (i = 0; i < vm->ngpus; i++) {
      const struct v2c_vm_gpu *g = &vm->gpus[i];

      json_array_append_new (
          gpus, json_pack ("{s:s,s:o,s:o,s:o,s:o,s:s,s:o}", "kind", g->kind,
                           "vendor", str_or_null (g->vendor), "vendor_id",
                           str_or_null (g->vendor_id), "device_id",
                           str_or_null (g->device_id), "profile",
                           str_or_null (g->profile), "source", g->source,
                           "mmio_gb",
                           g->mmio_gb > 0 ? json_integer (g->mmio_gb)
                                          : json_null ()));
    }
    json_object_set_new (o, "gpus", gpus);
  }
  return o;
}
