/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The source handle, shared by lib/source*.c.  Not installed.
 */
#ifndef V2C_SOURCE_PRIVATE_H
#define V2C_SOURCE_PRIVATE_H

#include <limits.h>

#include "v2c-internal.h"

/* A disk as qemu will open it. */
struct v2c_open_disk {
  char *host_path;     /* the file on the host (for an OVA: the OVA) */
  char *qemu_path;     /* what libguestfs adds (may be an overlay) */
  char *format;        /* the image's format: "vmdk", "raw", "qcow2" */
  char *qemu_format;   /* format of qemu_path (an overlay is "qcow2") */
  int64_t virtual_size;/* -1 when unknown */
  char *member;        /* OVA member name, or NULL */
};

struct v2c_source {
  struct v2c_err err;  /* v2c_source_error() */
  enum v2c_source_format format;
  char *path;          /* absolute path given (or libvirt URI) */
  char *domain;        /* libvirt domain name */
  char *name;
  int verify;
  int descriptor_only;
  char *vm_select;
  struct v2c_msg_sink msg;
  v2c_progress_cb progress_cb;
  void *progress_opaque;

  struct v2c_vm *vms;  /* every VM the descriptor lists */
  size_t nvms;
  struct v2c_vm *vm;   /* the selected one (points into vms) */

  struct v2c_open_disk *disks;
  size_t ndisks;

  char *tmpdir;        /* private temporary directory, or NULL */
  char *root;          /* the export's folder (canonical): every file the
                        * export names must be inside it */
  int allow_outside;   /* --allow-outside-paths */
  char ova_mf[PATH_MAX];/* the one .mf unpacked from a compressed OVA */
  int unpacked;        /* a compressed OVA: its files are in tmpdir */
};

/* The folder files must stay in, or NULL when anything goes. */
static inline const char *
v2c_source_root (const struct v2c_source *s)
{
  return s->allow_outside ? NULL : s->root;
}

/* lib/source-util.c: the helpers every opener shares */
int v2c_source_make_tmpdir (struct v2c_source *s);
int v2c_source_select_vm (struct v2c_source *s);
struct v2c_open_disk *v2c_source_add_open_disk (struct v2c_source *s);
/* Identify the image format of size bytes at offset of fd from its
 * magic: "qcow2", "vmdk" (sparse, stream-optimized or a descriptor),
 * else "raw"; *virtual_size from the header where it has one. */
int v2c_probe_image (int fd, uint64_t offset, uint64_t size,
                     const char **format, int64_t *virtual_size,
                     int *is_descriptor);
/* Open one disk image file on the host and add it for qemu; want_format
 * (may be NULL) is what the descriptor says it is. */
int v2c_source_add_disk_file (struct v2c_source *s, const char *path,
                              const char *want_format);
/* A qcow2 overlay NAME in the private directory whose backing is spec
 * (a qemu json: block spec of FORMAT; stolen): what qemu reads in place
 * of a disk v2c must not give it directly.  *overlay is its path (caller
 * frees); on a qemu-img failure the error says "can't make a read-only
 * view of WHAT". */
int v2c_source_make_overlay (struct v2c_source *s, json_t *spec,
                             const char *format, const char *name,
                             const char *what, char **overlay);
/* "/x/y/demo.vmx" -> "demo"; the directory of a path ("." when it has
 * none).  Caller frees; NULL when out of memory. */
char *v2c_source_path_stem (const char *path);
char *v2c_source_dir_of (const char *path);
/* Resolve the selected VM's disk files against dir and add them (unless
 * descriptor_only). */
int v2c_source_open_vm_disks (struct v2c_source *s, const char *dir);

/* One digest check of a manifest: size bytes of fd at offset. */
struct verify_job {
  int fd;
  uint64_t offset, size;
  const struct v2c_mf_entry *entry;
};
/* A manifest must vouch for the descriptor (ovfname, as the manifest
 * names files) and every disk file of every VM it lists: an empty one,
 * or one that leaves a file out, is an error. */
int v2c_mf_check_coverage (struct v2c_source *s,
                           const struct v2c_mf_entry *ents, size_t n,
                           const char *mfname, const char *ovfname);
/* Run the checks, on two threads where there are two cores. */
int v2c_verify_jobs (struct v2c_source *s, struct verify_job *jobs,
                     size_t n);
/* lib/source-ovfdir.c: an .ovf file with its disks in the same
 * directory. */
int v2c_source_open_ovf_dir (struct v2c_source *s, const char *ovfpath);

/* lib/guest.c: where the guest session's messages go (v2c_message). */
const struct v2c_msg_sink *v2c_guest_msg_sink (const struct v2c_guest *g);

/* lib/source-ova.c */
int v2c_source_open_ova (struct v2c_source *s, int fd);

#endif /* V2C_SOURCE_PRIVATE_H */
