/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal interfaces of libv2c.  Not installed.
 */
#ifndef V2C_INTERNAL_H
#define V2C_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>

#include "v2c.h"

/* The one carrier of errors in the library.  An internal function that
 * can fail takes a 'struct v2c_err *err' and fills it; every handle owns
 * one (its member 'err') and shows it through its own typed accessors,
 * v2c_<object>_error (text) and v2c_<object>_errno, so that asking the
 * wrong object for its error does not compile. */
struct v2c_err {
  int errnum;
  char msg[1024];
};

/* Record an error; returns -1 so callers can write
 * 'return v2c_set_error (err, errno, "can't open '%s'", path);' */
int v2c_set_error (struct v2c_err *err, int errnum, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
/* Prefix the current message: "CONTEXT: old message". */
int v2c_error_prefix (struct v2c_err *err, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
void v2c_clear_error (struct v2c_err *err);
/* Run a program (no shell) and wait: 0 when it exits 0, else -1 with
 * its status and the start of its output in err (lib/util.c). */
int v2c_run_command (char *const argv[], struct v2c_err *err);
/* Seconds on the monotonic clock, for the durations -v prints. */
double v2c_now (void);
/* The typed accessors v2c_OBJECT_error and v2c_OBJECT_errno of
 * struct v2c_OBJECT, defined once here for every handle. */
#define V2C_DEFINE_ERROR_ACCESSORS(object)                              \
  const char *                                                          \
  v2c_##object##_error (const struct v2c_##object *h)                   \
  {                                                                     \
    return h->err.msg;                                                  \
  }                                                                     \
  int                                                                   \
  v2c_##object##_errno (const struct v2c_##object *h)                   \
  {                                                                     \
    return h->err.errnum;                                               \
  }

/* Take over another object's failure: "PREFIXMSG" (prefix may be NULL)
 * with its errnum, whose text msg already names.  Returns -1. */
int v2c_error_copy (struct v2c_err *err, const char *prefix, const char *msg,
                    int errnum);

/* Where a handle's warnings and verbose messages go: the callback its
 * caller installed, or nowhere. */
struct v2c_msg_sink {
  v2c_message_cb cb;
  void *opaque;
};
/* Format a message (at most 1 KiB) and hand it to sink's callback;
 * nothing happens when none is installed. */
void v2c_message (const struct v2c_msg_sink *sink, enum v2c_msg_level level,
                  const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* Free each pointer listed, any of which may be NULL: the one line the
 * free functions of records need, V2C_FREE (p->name, p->path). */
void v2c_free_list (void *const *v, size_t n);
#define V2C_FREE(...)                                                   \
  v2c_free_list ((void *const[]) { __VA_ARGS__ },                       \
                 sizeof ((void *const[]) { __VA_ARGS__ }) / sizeof (void *))
/* The same for JSON values: json_decref each (NULL ones are skipped). */
void v2c_json_decref_list (json_t *const *v, size_t n);
#define V2C_JSON_DECREF(...)                                            \
  v2c_json_decref_list ((json_t *const[]) { __VA_ARGS__ },              \
                        sizeof ((json_t *const[]) { __VA_ARGS__ })      \
                            / sizeof (json_t *))

/* Cleanup helpers (guestfs-tools style). */
static inline void v2c_cleanup_free (void *p) { free (*(void **) p); }
#define CLEANUP_FREE __attribute__ ((cleanup (v2c_cleanup_free)))

/* Hard limits on outside data.  Descriptors are small; anything larger
 * is refused rather than trusted. */
#define V2C_MAX_DESCRIPTOR_BYTES (16u << 20)  /* .ovf, .vmx, .mf, .vmdk text */
#define V2C_MAX_DISKS 256
#define V2C_MAX_NICS 64
#define V2C_MAX_VMS 1024
#define V2C_MAX_CPUS 4096
#define V2C_MAX_MEMORY_MIB (64ull << 20)     /* 64 TiB: ESXi 8 max is 24 TiB */
#define V2C_MAX_CAPACITY_BYTES (1ull << 56)  /* 64 PiB */

/* ------------------------------------------------------------------ */
/* The VM as a descriptor (OVF, VMX, libvirt XML) describes it.        */

struct v2c_vm_disk {
  char *file;            /* file as the descriptor names it (OVF href,
                            VMX fileName, libvirt source file) */
  char *path;            /* resolved host path, or NULL when not local */
  char *format;          /* "vmdk", "raw", "qcow2", or NULL (probe) */
  char *controller;      /* "scsi", "ide", "sata", "nvme", "virtio", ... */
  char *controller_model;/* "lsilogic", "pvscsi", "ahci", ... or NULL */
  int bus, unit;         /* controller number and unit on it, -1 unknown */
  int64_t capacity_bytes;/* from the descriptor; -1 when not given */
  int64_t file_size;     /* OVF File ovf:size; -1 when not given */
};

struct v2c_vm_nic {
  char *model;           /* "vmxnet3", "e1000", "e1000e", "vlance", ... */
  char *network;         /* port group / network name, or NULL */
  char *mac;             /* "00:50:56:..", lower case, or NULL */
};

/* A GPU the VM was given: an NVIDIA or AMD device passed through
 * (VMX pciPassthruN, OVF vmware.pci.passthrough*) or an NVIDIA vGPU
 * (pciPassthruN.vgpu, OVF backing.vgpu).  Other passthrough devices
 * (network cards, HBAs) are not GPUs and are not recorded. */
struct v2c_vm_gpu {
  char *kind;      /* "passthrough" or "vgpu" */
  char *vendor;    /* "nvidia", "amd", or NULL when unknown */
  char *vendor_id; /* "0x10de", or NULL */
  char *device_id; /* "0x1db4", or NULL */
  char *profile;   /* the vGPU profile ("grid_a100-8c"), or NULL */
  char *source;    /* where it was: "pciPassthru0", "OVF Item 11" */
  int64_t mmio_gb; /* pciPassthru.64bitMMIOSizeGB; 0 when not set */
};
#define V2C_MAX_GPUS 16

/* An OVF ProductSection property marked ovf:password="true": its key
 * ("class.key" when the section has a class) and the fingerprint of the
 * descriptor's default value ("" when none).  Never the value. */
struct v2c_vm_secret_prop {
  char *key;
  char fingerprint[32];
};

struct v2c_vm {
  char *name;            /* displayName / VirtualSystem Name / ovf:id */
  char *id;              /* OVF VirtualSystem ovf:id, or NULL */
  int cpus;              /* vCPUs, 0 when not given */
  int64_t memory_mib;    /* 0 when not given */
  char *firmware;        /* "bios" or "efi", NULL when not given */
  char *guest_os_id;     /* VMX guestOS / OVF vmw:osType / OVF os id */
  struct v2c_vm_disk *disks;
  size_t ndisks;
  struct v2c_vm_nic *nics;
  size_t nnics;
  struct v2c_vm_secret_prop *secret_props; /* OVF password properties */
  size_t nsecret_props;
  struct v2c_vm_gpu *gpus;
  size_t ngpus;
};

/* The array v of n records of size bytes with one more, zeroed, at its
 * end: the new array (v is then no longer valid), or NULL with err set
 * ("more than MAX WHAT", or out of memory) and v untouched. */
void *v2c_array_grow (void *v, size_t n, size_t size, size_t max,
                      const char *what, struct v2c_err *err);

void v2c_vm_disk_free_contents (struct v2c_vm_disk *d);
void v2c_vm_free_contents (struct v2c_vm *vm);
void v2c_vms_free (struct v2c_vm *vms, size_t n);
/* Append an empty disk/NIC (fields NULL/-1) and return it, or NULL when
 * out of memory or over V2C_MAX_DISKS / V2C_MAX_NICS (err is set). */
struct v2c_vm_disk *v2c_vm_add_disk (struct v2c_vm *vm, struct v2c_err *err);
struct v2c_vm_nic *v2c_vm_add_nic (struct v2c_vm *vm, struct v2c_err *err);
/* Append a GPU of kind ("passthrough", "vgpu") found at source, its
 * vendor from the PCI vendor ID vendor_id ("0x10de", may be NULL) and
 * its other members from device_id and profile (each may be NULL);
 * NULL with err set (out of memory, more than V2C_MAX_GPUS). */
struct v2c_vm_gpu *v2c_vm_add_gpu (struct v2c_vm *vm, const char *kind,
                                   const char *vendor_id,
                                   const char *device_id,
                                   const char *profile, const char *source,
                                   struct v2c_err *err);
/* A PCI vendor or device ID as a VMX or OVF gives it ("0x10DE",
 * "10de", "4318" in decimal when it has no hex digit) in out as
 * "0x10de".  0, or -1 when it is not one. */
int v2c_pci_id (const char *s, char out[7]);
/* Is PCI vendor ID id ("0x10de") a GPU maker's: "nvidia", "amd", or
 * NULL. */
const char *v2c_pci_gpu_vendor (const char *id);

/* ------------------------------------------------------------------ */
/* Parsers of outside data.  Each takes a buffer that need not be NUL
 * terminated, never reads past len, and fails with a clear message.    */

/* OVF 0.9 / 1.x / 2.x envelope (lib/source-ovf.c).  Fills *vms with one
 * entry per VirtualSystem (a VirtualSystemCollection gives several);
 * disk->file is the File href, disk->path is NULL.  Never resolves
 * external entities or fetches anything. */
int v2c_ovf_parse (const char *buf, size_t len, struct v2c_vm **vms,
                   size_t *nvms, struct v2c_err *err);

/* VMX (lib/source-vmx.c).  dir is the VMX's directory, used to resolve
 * relative disk file names into disk->path (NULL: leave path NULL). */
int v2c_vmx_parse (const char *buf, size_t len, const char *dir,
                   struct v2c_vm *vm, struct v2c_err *err);

/* VMDK (lib/source-vmdk.c): a text descriptor or a sparse file with an
 * embedded descriptor. */
struct v2c_vmdk_extent {
  char *access;          /* RW, RDONLY, NOACCESS */
  int64_t sectors;
  char *type;            /* SPARSE, FLAT, ZERO, VMFS, VMFSSPARSE, ... */
  char *file;            /* as written */
};
struct v2c_vmdk_info {
  char *create_type;     /* monolithicSparse, twoGbMaxExtentSparse, ... */
  int64_t capacity_bytes;
  uint32_t cid, parent_cid;
  char *parent_hint;     /* parentFileNameHint, or NULL */
  struct v2c_vmdk_extent *extents;
  size_t nextents;
  /* v2c_vmdk_read: the file and its parents, canonical paths, top
   * first; remapped when a parent was found by its name in the export's
   * folder rather than where its hint says (qemu must then be told). */
  char **chain;
  size_t nchain;
  bool remapped;
};
void v2c_vmdk_info_free_contents (struct v2c_vmdk_info *info);
/* Parse descriptor text (a .vmdk text file or the embedded descriptor). */
int v2c_vmdk_parse_descriptor (const char *buf, size_t len,
                               struct v2c_vmdk_info *info,
                               struct v2c_err *err);
/* Read a .vmdk file from disk (text descriptor, or KDMV sparse header
 * with embedded descriptor) and parse it.  Also checks, following
 * parentFileNameHint (relative to the file) up to 64 levels, that each
 * extent and parent exists and, unless root is NULL, lies inside root
 * (v2c_contain_path); the top-level info is returned. */
int v2c_vmdk_read (const char *path, const char *root,
                   struct v2c_vmdk_info *info, struct v2c_err *err);

/* lib/source-contain.c.  Whether the canonical path real is root or
 * below it. */
bool v2c_path_within (const char *root, const char *real);
/* The file an export names: name relative to base_dir (or absolute),
 * resolved through symbolic links, refused (NULL, err says which rule)
 * unless it lies inside root; an absolute name outside root is matched
 * to the one file of the same name in root (*remapped set), or refused
 * when remapped is NULL (a name qemu opens as written).  root NULL
 * allows any path.  A relative name that does not exist and does not
 * climb out is returned as it is, for its opener to report.  what names
 * the thing in messages ("disk", "extent").  Caller frees. */
char *v2c_contain_path (const char *root, const char *base_dir,
                        const char *name, const char *what, bool *remapped,
                        struct v2c_err *err);

/* tar index of an OVA (lib/source-tar.c): data offset and size of each
 * regular member, from ustar, pax ('x'/'g') and GNU long-name ('L'/'K')
 * headers.  Member names with an absolute path or a '..' component are
 * an error. */
struct v2c_tar_member {
  char *name;
  uint64_t offset;       /* of the member's data in the file */
  uint64_t size;
};
int v2c_tar_index (int fd, struct v2c_tar_member **members, size_t *n,
                   struct v2c_err *err);
void v2c_tar_members_free (struct v2c_tar_member *m, size_t n);

/* .mf manifest (lib/source-mf.c): lines "SHA256(file)= hex" (also SHA1,
 * SHA512; spacing varies). */
struct v2c_mf_entry {
  char *algorithm;       /* "SHA1", "SHA256", "SHA512" */
  char *file;
  char *digest;          /* lower-case hex */
};
int v2c_mf_parse (const char *buf, size_t len, struct v2c_mf_entry **ents,
                  size_t *n, struct v2c_err *err);
void v2c_mf_entries_free (struct v2c_mf_entry *e, size_t n);
/* Digest size bytes of fd from offset and compare with e->digest.
 * Returns 0 on match, -1 with a message naming e->file otherwise.
 * progress (may be NULL) is called as bytes are read. */
int v2c_mf_verify_range (int fd, uint64_t offset, uint64_t size,
                         const struct v2c_mf_entry *e,
                         v2c_progress_cb progress, void *opaque,
                         struct v2c_err *err);

/* libvirt domain XML (lib/source-libvirt.c). */
int v2c_libvirt_xml_parse (const char *buf, size_t len, struct v2c_vm *vm,
                           struct v2c_err *err);
/* The names of every domain of uri (a read-only connection) that match
 * glob (fnmatch; NULL: all), sorted.  0, or -1 with err set.  Caller
 * frees *names and each name. */
int v2c_libvirt_list_domains (const char *uri, const char *glob,
                              char ***names, size_t *n, struct v2c_err *err);

/* Small utilities (lib/util.c). */
/* Read a whole small file (at most max bytes) into a malloc'd buffer,
 * NUL terminated.  Caller frees. */
char *v2c_read_file (const char *path, size_t max, size_t *len,
                     struct v2c_err *err);
char *v2c_strndup0 (const char *s, size_t n);  /* NULL-safe strndup */
int v2c_strcaseprefix (const char *s, const char *prefix);
int v2c_strcasesuffix (const char *s, const char *suffix);
/* Path order of layers and of the guest cache: negative, 0 or positive
 * as a sorts before, equal to or after b, component by component (the
 * end of a string first, then '/', then every other byte), so that
 * everything under a directory directly follows it. */
int v2c_path_cmp (const char *a, const char *b);
/* The value of a hex digit (either case), or -1. */
int v2c_hex_value (char c);
/* Whether path is absent or a regular file: an output path that is a
 * device, FIFO, socket or symbolic link is never replaced (errno
 * EEXIST, or lstat's). */
bool v2c_replaceable_file (const char *path);
/* Write len bytes to path atomically: a temporary file beside it (mode
 * 0644), fsync, rename.  0, or -1 with errno set (nothing left behind). */
int v2c_write_file_atomic (const char *path, const void *buf, size_t len);

/* Text outside ASCII (lib/text.c). */
/* 1 when s[0..n) is UTF-8 (no overlong forms, no surrogates); else 0
 * with the offset of the first bad byte in *bad (may be NULL). */
int v2c_utf8_valid (const char *s, size_t n, size_t *bad);
/* len bytes in charset (an iconv name) as UTF-8, NUL terminated, its
 * length in *outlen.  NULL with errno EINVAL (iconv knows no such
 * charset), EILSEQ (*bad: the offset of the first byte that does not
 * decode) or ENOMEM.  Caller frees. */
char *v2c_to_utf8 (const char *buf, size_t len, const char *charset,
                   size_t *outlen, size_t *bad);
/* s with every byte that is not UTF-8 replaced by U+FFFD.  Caller
 * frees. */
char *v2c_utf8_repair (const char *s);
/* The ASCII of the UTF-8 name s, at most size-1 bytes into out: Latin
 * letters lose their marks (e with acute -> e, sharp s -> ss), a run of
 * other characters becomes one space.  1 when s had anything outside
 * ASCII (the caller then adds v2c_name_hash of s), else 0. */
int v2c_name_fold (const char *s, char *out, size_t size);
/* A stable 8-hex-digit hash of s (32-bit FNV-1a). */
void v2c_name_hash (const char *s, char out[9]);

#endif /* V2C_INTERNAL_H */
