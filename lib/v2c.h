/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The handle API of libv2c, the internal library the tools link (it is
 * not installed: see HACKING.md).  Every object is an opaque handle used as
 * _new -> configure -> _open/_launch -> operations -> _free.  Calls return
 * 0 (or a pointer) on success and -1 (or NULL) on failure; the failure's
 * text and errno stay on the handle, read back through that handle's own
 * accessors (v2c_source_error, v2c_source_errno, v2c_guest_error, ...).  The
 * library never prints and never exits: messages meant for the user
 * (warnings, progress) go through callbacks the caller installs.
 */
#ifndef V2C_H
#define V2C_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The library's version, "MAJOR.MINOR.PATCH". */
const char *v2c_version (void);

/** Message levels passed to a v2c_message_cb. */
enum v2c_msg_level {
  V2C_MSG_WARNING = 1,  /**< shown unless the user asked for quiet */
  V2C_MSG_VERBOSE = 2,  /**< shown with -v */
  V2C_MSG_DEBUG = 3     /**< shown with -v -v */
};

/** Callback for warnings and verbose messages from the library. */
typedef void (*v2c_message_cb) (void *opaque, enum v2c_msg_level level,
                                const char *msg);

/** Callback for progress of long work: done of total units (total may
 * be 0 when unknown); what names the stage, e.g. "verifying manifest". */
typedef void (*v2c_progress_cb) (void *opaque, const char *what,
                                 uint64_t done, uint64_t total);

/* ------------------------------------------------------------------ */
/* Sources: an exported VM (OVA, OVF, VMX, bare disk) or a libvirt domain */

/** An input VM: its descriptor, its virtual hardware and its disks. */
struct v2c_source;

/** Kinds of source, as reported in the inventory's source.format. */
enum v2c_source_format {
  V2C_SOURCE_UNKNOWN = 0,
  V2C_SOURCE_OVA,
  V2C_SOURCE_OVF,
  V2C_SOURCE_VMX,
  V2C_SOURCE_DISK,     /**< a bare disk image: raw, qcow2, vmdk */
  V2C_SOURCE_LIBVIRT
};

/** A new, unopened source.  Returns NULL only when out of memory. */
struct v2c_source *v2c_source_new (void);

/** Verify the OVA/OVF manifest (.mf) digests while opening (default on). */
int v2c_source_set_verify (struct v2c_source *s, int verify);

/** Select one VM of an OVF VirtualSystemCollection by name or id
 * (default: the only VM; an error lists the names when there are
 * several).  The string is copied. */
int v2c_source_set_vm_name (struct v2c_source *s, const char *name);

/** Read the descriptor only: disks are listed but never opened or
 * required to exist (planning of large exports). */
int v2c_source_set_descriptor_only (struct v2c_source *s, int on);

/** Let the export name files outside its own folder (VMX fileName,
 * OVF href, VMDK extents and parents, .mf entries).  Off by default:
 * such a name is an error, so one VM's export can never read another's
 * disk or a host file. */
int v2c_source_set_allow_outside_paths (struct v2c_source *s, int on);

/** Install callbacks for warnings and for progress (manifest check). */
void v2c_source_set_message_callback (struct v2c_source *s,
                                      v2c_message_cb cb, void *opaque);
void v2c_source_set_progress_callback (struct v2c_source *s,
                                       v2c_progress_cb cb, void *opaque);

/** Open a path: .ova, .ovf, .vmx, or a disk image (raw, qcow2, vmdk).
 * The kind is found from the content, not only the name.  Nothing is
 * ever written to the path or to any file it names. */
int v2c_source_open (struct v2c_source *s, const char *path);

/** Open a libvirt domain: reads its XML read-only through libvirt. */
int v2c_source_open_libvirt (struct v2c_source *s, const char *uri,
                             const char *domain);

/** What was opened. */
enum v2c_source_format v2c_source_format (const struct v2c_source *s);

/** The VM's name (descriptor's name, else the file's stem).  Borrowed. */
const char *v2c_source_name (const struct v2c_source *s);

/** Names of the VMs an OVF lists (VirtualSystemCollection), after an
 * open that failed for want of --vm or after any successful open. */
size_t v2c_source_vm_count (const struct v2c_source *s);
const char *v2c_source_vm_name (const struct v2c_source *s, size_t i);

/** The disks to hand to the guest session, in bus order. */
size_t v2c_source_disk_count (const struct v2c_source *s);
/** Path qemu should open for disk i (for an OVA, a private qcow2 overlay
 * over a read-only offset view of the OVA).  Borrowed. */
const char *v2c_source_disk_path (const struct v2c_source *s, size_t i);
/** qemu format of that path ("raw", "qcow2", "vmdk"), or NULL for probe. */
const char *v2c_source_disk_format (const struct v2c_source *s, size_t i);

/** The inventory's "source" object {format, path, disks[]}.  New
 * reference: caller must json_decref. */
json_t *v2c_source_json (const struct v2c_source *s);
/** The inventory's "hardware" object {cpus, memory_mib, firmware, disks[],
 * nics[], guest_os_id}.  New reference: caller must json_decref. */
json_t *v2c_source_hardware_json (const struct v2c_source *s);

/** Text of the last failure on s; "" when there was none.  Borrowed. */
const char *v2c_source_error (const struct v2c_source *s);
/** errno that came with the last failure on s, 0 when none. */
int v2c_source_errno (const struct v2c_source *s);

/** Close and free; removes any temporary files.  Accepts NULL. */
void v2c_source_free (struct v2c_source *s);

/* ------------------------------------------------------------------ */
/* Guest sessions: one libguestfs appliance per source, read-only      */

/** A libguestfs session over a source's disks. */
struct v2c_guest;

/** A new guest session.  NULL only when out of memory. */
struct v2c_guest *v2c_guest_new (void);

/** Install a callback for warnings (e.g. the fall-back to TCG) and
 * verbose messages. */
void v2c_guest_set_message_callback (struct v2c_guest *g,
                                     v2c_message_cb cb, void *opaque);

/** Pass libguestfs' own debug and trace output to the message callback
 * at V2C_MSG_DEBUG. */
int v2c_guest_set_debug (struct v2c_guest *g, int on);

/** Before launch: add the disks through qcow2 overlays made in dir
 * (disk0.qcow2, ...), writable, with the source's disk as their backing
 * file, which qemu opens read-only.  A guest conversion writes into the
 * overlays and never into the source.  NULL: read-only disks (the
 * default). */
int v2c_guest_set_overlay_dir (struct v2c_guest *g, const char *dir);
/** After launch: the overlay of disk i, or NULL.  Borrowed, valid until
 * v2c_guest_free. */
const char *v2c_guest_overlay (const struct v2c_guest *g, size_t i);

/** When *flag becomes non-zero (a signal handler), a launch that fails
 * is not retried: it fails with "interrupted" (the caller's stop of
 * its child processes is what made it fail).  Default: none. */
void v2c_guest_set_cancel_flag (struct v2c_guest *g,
                                volatile sig_atomic_t *flag);

/** Add every disk of the source read-only and launch the appliance.
 * When a KVM launch fails, retries once with TCG and warns once. */
int v2c_guest_launch (struct v2c_guest *g, const struct v2c_source *s);

/** Inspect the guest OS and mount its filesystems read-only.  Fails with
 * a clear error when there is no OS, several OSes, or an encrypted root. */
int v2c_guest_inspect (struct v2c_guest *g);

/** The inventory's "os" object.  New reference; caller must json_decref. */
json_t *v2c_guest_os_json (const struct v2c_guest *g);
/** The inventory's "filesystems" array.  New reference. */
json_t *v2c_guest_filesystems_json (const struct v2c_guest *g);

/** The underlying libguestfs handle (guestfs_h *), for the inspect and
 * extract stages.  Borrowed; NULL before launch. */
void *v2c_guest_handle (const struct v2c_guest *g);

/** Text of the last failure on g; "" when there was none.  Borrowed. */
const char *v2c_guest_error (const struct v2c_guest *g);
/** errno that came with the last failure on g, 0 when none. */
int v2c_guest_errno (const struct v2c_guest *g);

/** The inspected root device (e.g. "/dev/sda1"); NULL before
 * v2c_guest_inspect.  Borrowed. */
const char *v2c_guest_root (const struct v2c_guest *g);

/** Unmount, shut the appliance down (which flushes what was written to
 * the overlays) and close the handle; the overlays stay.  0, or -1 with
 * the error on g. */
int v2c_guest_close (struct v2c_guest *g);

/** Shut the appliance down and free.  Accepts NULL. */
void v2c_guest_free (struct v2c_guest *g);

/* ------------------------------------------------------------------ */
/* Inventory                                                           */

/** Build the inventory JSON ("v2c.inventory/1") of a source and, unless
 * g is NULL (descriptor-only), of its inspected guest.  New reference;
 * caller must json_decref.  Returns NULL and sets the error on s. */
json_t *v2c_inventory_build (struct v2c_source *s, struct v2c_guest *g);

/** Write a JSON document to path atomically (temporary name, fsync,
 * rename), or to stdout when path is NULL or "-".  Returns 0 / -1 with
 * errno set. */
int v2c_json_write_file (const json_t *doc, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* V2C_H */
