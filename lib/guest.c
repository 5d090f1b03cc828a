/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The guest session: one libguestfs appliance per source, every disk
 * added read-only (or, for a guest conversion, through a writable qcow2
 * overlay whose backing file is the disk), launched once.  Launches
 * are the expensive step (15-25 s under TCG), so everything later reads
 * through this one session.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <guestfs.h>

#include "v2c-internal.h"
#include "inspect.h"
#include "source-private.h"

struct v2c_guest {
  struct v2c_err err;   /* v2c_guest_error() */
  guestfs_h *g;
  struct v2c_msg_sink msg;
  int debug;
  int tcg;              /* launched under TCG after a failed KVM launch */
  volatile sig_atomic_t *cancel; /* v2c_guest_set_cancel_flag */
  char *root;           /* inspected root device */
  json_t *os;
  json_t *filesystems;
  /* v2c_guest_set_overlay_dir: the disks are added through qcow2
   * overlays of v2c's own, writable, in this directory */
  char *overlay_dir;
  char **overlays;
  size_t noverlays;
};

struct v2c_guest *
v2c_guest_new (void)
{
  return calloc (1, sizeof (struct v2c_guest));
}

void
v2c_guest_set_message_callback (struct v2c_guest *g, v2c_message_cb cb,
                                void *opaque)
{
  g->msg.cb = cb;
  g->msg.opaque = opaque;
}

int
v2c_guest_set_debug (struct v2c_guest *g, int on)
{
  g->debug = !!on;
  return 0;
}

void
v2c_guest_set_cancel_flag (struct v2c_guest *g, volatile sig_atomic_t *flag)
{
  g->cancel = flag;
}

void *
v2c_guest_handle (const struct v2c_guest *g)
{
  return g->g;
}

const struct v2c_msg_sink *
v2c_guest_msg_sink (const struct v2c_guest *g)
{
  return &g->msg;
}

/* v2c_guest_error, v2c_guest_errno */
V2C_DEFINE_ERROR_ACCESSORS (guest)

static void
debug_event (guestfs_h *h, void *opaque, uint64_t event, int handle,
             int flags, const char *buf, size_t len, const uint64_t *array,
             size_t array_len)
{
  struct v2c_guest *g = opaque;
  char line[1024];

  (void) h; (void) event; (void) handle; (void) flags; (void) array;
  (void) array_len;
  if (g->msg.cb == NULL || len == 0)
    return;
  if (len >= sizeof line)
    len = sizeof line - 1;
  memcpy (line, buf, len);
  line[len] = '\0';
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    line[--len] = '\0';
  g->msg.cb (g->msg.opaque, V2C_MSG_DEBUG, line);
}

static int
guestfs_fail (struct v2c_guest *g, const char *what)
{
  const char *e = g->g ? guestfs_last_error (g->g) : NULL;
  int errnum = g->g ? guestfs_last_errno (g->g) : 0;

  size_t n;

  /* libguestfs' launch errors go on for lines of advice; the message
   * is one line, and -v -v gives libguestfs' own debug output. */
  if (e == NULL)
    e = "unknown error";
  n = strcspn (e, "\n");
  while (n > 0 && (e[n - 1] == '.' || e[n - 1] == ' '))
    n--;
  v2c_set_error (&g->err, 0, "%s: %.*s%s", what, (int) n, e,
                 e[strcspn (e, "\n")] ? " (-v -v shows libguestfs' debug "
                                         "output)" : "");
  g->err.errnum = errnum;
  return -1;
}

int
v2c_guest_set_overlay_dir (struct v2c_guest *g, const char *dir)
{
  char *d = dir ? strdup (dir) : NULL;

  if (dir && d == NULL)
    return v2c_set_error (&g->err, ENOMEM, "out of memory");
  if (g->g)
    return free (d), v2c_set_error (&g->err, 0, "guest already launched");
  free (g->overlay_dir);
  g->overlay_dir = d;
  return 0;
}

const char *
v2c_guest_overlay (const struct v2c_guest *g, size_t i)
{
  return i < g->noverlays ? g->overlays[i] : NULL;
}

/* The overlay of disk i: a new qcow2 whose backing file is the disk,
 * which qemu then opens read-only; what the guest conversion writes
 * stays in the overlay. */
static int
make_overlay (struct v2c_guest *g, const struct v2c_source *s, size_t i)
{
  const char *path = v2c_source_disk_path (s, i);
  const char *format = v2c_source_disk_format (s, i);
  char out[PATH_MAX];

  if ((size_t) snprintf (out, sizeof out, "%s/disk%zu.qcow2", g->overlay_dir,
                         i) >= sizeof out)
    return v2c_set_error (&g->err, ENAMETOOLONG, "overlay path too long");
  unlink (out); /* a second (TCG) launch starts from the source again */
  {
    char *argv[] = { (char *) QEMU_IMG, (char *) "create", (char *) "-q",
                     (char *) "-f", (char *) "qcow2", (char *) "-F",
                     (char *) format, (char *) "-b", (char *) path, out,
                     NULL };
    if (v2c_run_command (argv, &g->err) == -1) {
      v2c_error_prefix (&g->err, "can't make an overlay of '%s'", path);
      return -1;
    }
  }
  if (i >= g->noverlays) {
    char **v = realloc (g->overlays, (i + 1) * sizeof *v);
    if (v == NULL)
      return v2c_set_error (&g->err, ENOMEM, "out of memory");
    g->overlays = v;
    g->overlays[g->noverlays++] = NULL;
  }
  free (g->overlays[i]);
  if ((g->overlays[i] = strdup (out)) == NULL)
    return v2c_set_error (&g->err, ENOMEM, "out of memory");
  return 0;
}

/* Create a handle, add every disk read-only (or through an overlay of
 * v2c's own), launch. */
static int
try_launch (struct v2c_guest *g, const struct v2c_source *s, int force_tcg)
{
  size_t i;

  g->g = guestfs_create_flags (0);
  if (g->g == NULL)
    return v2c_set_error (&g->err, errno, "can't create a libguestfs handle");
  /* libguestfs prints errors itself unless told not to: the caller
   * gets them from the handle instead. */
  guestfs_set_error_handler (g->g, NULL, NULL);
  if (g->debug) {
    guestfs_set_verbose (g->g, 1);
    guestfs_set_trace (g->g, 1);
    guestfs_set_event_callback (g->g, debug_event,
                                GUESTFS_EVENT_LIBRARY | GUESTFS_EVENT_APPLIANCE
                                  | GUESTFS_EVENT_WARNING
                                  | GUESTFS_EVENT_TRACE,
                                0, g);
  }
  if (force_tcg && guestfs_set_backend_setting (g->g, "force_tcg", "1") == -1)
    return guestfs_fail (g, "can't select software emulation");
  /* a guest conversion runs the guest's own tools (update-initramfs
   * compresses with every CPU it has): give the appliance the host's */
  if (g->overlay_dir) {
    long n = sysconf (_SC_NPROCESSORS_ONLN);
    if (n > 1 && guestfs_set_smp (g->g, n > 4 ? 4 : (int) n) == -1)
      return guestfs_fail (g, "can't set the appliance's CPUs");
  }
  for (i = 0; i < v2c_source_disk_count (s); i++) {
    const char *path = v2c_source_disk_path (s, i);
    const char *format = v2c_source_disk_format (s, i);

    if (g->overlay_dir) {
      if (make_overlay (g, s, i) == -1)
        return -1;
      path = g->overlays[i];
      format = "qcow2";
    }
    if (guestfs_add_drive_opts (g->g, path, GUESTFS_ADD_DRIVE_OPTS_READONLY,
                                g->overlay_dir == NULL,
                                GUESTFS_ADD_DRIVE_OPTS_FORMAT, format, -1)
        == -1) {
      char what[600];
      snprintf (what, sizeof what, "can't add disk '%s'", path);
      return guestfs_fail (g, what);
    }
  }
  if (guestfs_launch (g->g) == -1)
    return guestfs_fail (g, "can't launch the libguestfs appliance");
  return 0;
}

static int
tcg_forced (guestfs_h *h)
{
  char *v = guestfs_get_backend_setting (h, "force_tcg");
  int forced = v != NULL;

  free (v);
  return forced;
}

int
v2c_guest_launch (struct v2c_guest *g, const struct v2c_source *s)
{
  char first[sizeof g->err.msg];
  int already_tcg;

  if (g->g)
    return v2c_set_error (&g->err, 0, "guest already launched");
  if (v2c_source_disk_count (s) == 0)
    return v2c_set_error (&g->err, 0, "the source has no disk to inspect");
  if (try_launch (g, s, 0) == 0)
    return 0;
  /* A handle whose launch failed can't be launched again. */
  already_tcg = g->g == NULL || tcg_forced (g->g);
  if (g->g) {
    guestfs_close (g->g);
    g->g = NULL;
  }
  /* interrupted: the caller stopped qemu, which is why it failed */
  if (g->cancel && *g->cancel)
    return v2c_set_error (&g->err, EINTR, "interrupted");
  if (already_tcg)
    return -1;
  memcpy (first, g->err.msg, sizeof first);
  v2c_message (&g->msg, V2C_MSG_WARNING,
               "the appliance failed to start with KVM; retrying with "
               "software emulation (TCG), which is slower");
  v2c_message (&g->msg, V2C_MSG_VERBOSE, "KVM launch error: %s", first);
  g->tcg = 1;
  if (try_launch (g, s, 1) == 0)
    return 0;
  if (g->g) {
    guestfs_close (g->g);
    g->g = NULL;
  }
  return -1;
}

static int
compare_mountpoints (const void *a, const void *b)
{
  /* pairs (mountpoint, device): shorter mountpoints first so "/" is
   * mounted before "/var". */
  const char *const *pa = a, *const *pb = b;
  size_t la = strlen (pa[0]), lb = strlen (pb[0]);

  return la != lb ? (la < lb ? -1 : 1) : strcmp (pa[0], pb[0]);
}

static json_t *
str_or_null (const char *s)
{
  return s && *s && strcmp (s, "unknown") ? json_string (s) : json_null ();
}

static json_t *
inspect_string (guestfs_h *h, char *(*fn) (guestfs_h *, const char *),
                const char *root)
{
  char *v = fn (h, root);
  json_t *j = str_or_null (v);

  free (v);
  return j;
}

/* Find out why no OS was found, to say so clearly. */
static int
explain_no_os (struct v2c_guest *g)
{
  char **fses;
  size_t i, k;
  int r;

  /* list_filesystems leaves LUKS containers out: look at every device
   * and partition (and logical volume) for one */
  for (k = 0; k < 3; k++) {
    char **devs = k == 0   ? guestfs_list_devices (g->g)
                  : k == 1 ? guestfs_list_partitions (g->g)
                           : guestfs_lvs (g->g);
    for (i = 0; devs && devs[i]; i++) {
      char *t = guestfs_vfs_type (g->g, devs[i]);
      if (t && strcmp (t, "crypto_LUKS") == 0) {
        r = v2c_set_error (&g->err, 0,
                           "the guest's disk is encrypted (LUKS on '%s'): "
                           "v2c can't read an encrypted root; decrypt the "
                           "disk first", devs[i]);
        free (t);
        v2c_strv_free (devs);
        return r;
      }
      free (t);
    }
    v2c_strv_free (devs);
  }
  fses = guestfs_list_filesystems (g->g);
  for (i = 0; fses && fses[i]; i += 2)
    if (fses[i + 1] && strcmp (fses[i + 1], "unknown") != 0
        && strcmp (fses[i + 1], "swap") != 0) {
      v2c_strv_free (fses);
      return v2c_set_error (&g->err, 0,
                            "no operating system found on the disks "
                            "(there are filesystems, but none is an OS root)");
    }
  v2c_strv_free (fses);
  return v2c_set_error (&g->err, 0,
                        "no operating system found: the disks hold no "
                        "filesystem v2c can read (blank disk?)");
}

static int
build_filesystems (struct v2c_guest *g, char **mps)
{
  char **fses = guestfs_list_filesystems (g->g);
  size_t i, j;

  if (fses == NULL)
    return guestfs_fail (g, "can't list the guest's filesystems");
  g->filesystems = json_array ();
  for (i = 0; fses[i]; i += 2) {
    const char *dev = fses[i], *type = fses[i + 1];
    const char *mp = NULL;
    json_t *o = json_object ();

    for (j = 0; mps && mps[j]; j += 2) {
      char *canon = guestfs_canonical_device_name (g->g, mps[j + 1]);
      if (strcmp (mps[j + 1], dev) == 0 || (canon && strcmp (canon, dev) == 0))
        mp = mps[j];
      free (canon);
      if (mp)
        break;
    }
    json_object_set_new (o, "device", json_string (dev));
    json_object_set_new (o, "type", str_or_null (type));
    json_object_set_new (o, "mountpoint", mp ? json_string (mp) : json_null ());
    if (mp) {
      struct guestfs_statvfs *st = guestfs_statvfs (g->g, mp);
      if (st) {
        json_object_set_new (o, "size_bytes",
                             json_integer (st->blocks * st->frsize));
        json_object_set_new (o, "used_bytes",
                             json_integer ((st->blocks - st->bfree)
                                           * st->frsize));
        guestfs_free_statvfs (st);
      }
    }
    if (json_object_get (o, "size_bytes") == NULL) {
      int64_t size = guestfs_blockdev_getsize64 (g->g, dev);
      json_object_set_new (o, "size_bytes",
                           size >= 0 ? json_integer (size) : json_null ());
      json_object_set_new (o, "used_bytes", json_null ());
    }
    json_array_append_new (g->filesystems, o);
  }
  v2c_strv_free (fses);
  return 0;
}

int
v2c_guest_inspect (struct v2c_guest *g)
{
  char **roots, **mps = NULL;
  size_t n, i;
  const char *root;
  guestfs_h *h = g->g;

  if (h == NULL)
    return v2c_set_error (&g->err, 0, "guest not launched");
  roots = guestfs_inspect_os (h);
  if (roots == NULL)
    return guestfs_fail (g, "inspection failed");
  for (n = 0; roots[n]; n++)
    ;
  if (n == 0) {
    v2c_strv_free (roots);
    return explain_no_os (g);
  }
  if (n > 1) {
    char list[512] = "";
    size_t len = 0;
    for (i = 0; i < n && len < sizeof list; i++)
      len += (size_t) snprintf (list + len, sizeof list - len, "%s'%s'",
                                i ? ", " : "", roots[i]);
    v2c_strv_free (roots);
    return v2c_set_error (&g->err, 0,
                          "several operating systems found (%s): a VM with "
                          "more than one OS can't become one container",
                          list);
  }
  g->root = roots[0];
  free (roots);
  root = g->root;

  g->os = json_object ();
  json_object_set_new (g->os, "type", inspect_string (h, guestfs_inspect_get_type, root));
  json_object_set_new (g->os, "distro", inspect_string (h, guestfs_inspect_get_distro, root));
  {
    int major = guestfs_inspect_get_major_version (h, root);
    int minor = guestfs_inspect_get_minor_version (h, root);
    char version[64];

    snprintf (version, sizeof version, "%d.%d", major, minor);
    json_object_set_new (g->os, "version", json_string (version));
    json_object_set_new (g->os, "major", json_integer (major));
    json_object_set_new (g->os, "minor", json_integer (minor));
  }
  json_object_set_new (g->os, "arch", inspect_string (h, guestfs_inspect_get_arch, root));
  json_object_set_new (g->os, "hostname", inspect_string (h, guestfs_inspect_get_hostname, root));
  json_object_set_new (g->os, "product_name", inspect_string (h, guestfs_inspect_get_product_name, root));
  json_object_set_new (g->os, "package_format", inspect_string (h, guestfs_inspect_get_package_format, root));
  json_object_set_new (g->os, "package_manager", inspect_string (h, guestfs_inspect_get_package_management, root));
  json_object_set_new (g->os, "root", json_string (root));

  mps = guestfs_inspect_get_mountpoints (h, root);
  if (mps == NULL)
    return guestfs_fail (g, "can't read the guest's mountpoints");
  for (n = 0; mps[n]; n += 2)
    ;
  qsort (mps, n / 2, 2 * sizeof (char *), compare_mountpoints);
  for (i = 0; i < n; i += 2)
    if (guestfs_mount_ro (h, mps[i + 1], mps[i]) == -1)
      v2c_message (&g->msg, V2C_MSG_WARNING,
                   "can't mount '%s' on '%s' read-only: %s", mps[i + 1],
                   mps[i], guestfs_last_error (h));
  i = (size_t) build_filesystems (g, mps);
  v2c_strv_free (mps);
  return (int) i;
}

json_t *
v2c_guest_os_json (const struct v2c_guest *g)
{
  return g->os ? json_deep_copy (g->os) : json_null ();
}

json_t *
v2c_guest_filesystems_json (const struct v2c_guest *g)
{
  return g->filesystems ? json_deep_copy (g->filesystems) : json_array ();
}

void
v2c_guest_free (struct v2c_guest *g)
{
  if (g == NULL)
    return;
  if (g->g) {
    guestfs_umount_all (g->g);
    guestfs_shutdown (g->g);
    guestfs_close (g->g);
  }
  free (g->root);
  json_decref (g->os);
  json_decref (g->filesystems);
  free (g->overlay_dir);
  for (size_t i = 0; i < g->noverlays; i++)
    free (g->overlays[i]);
  free (g->overlays);
  free (g);
}

const char *
v2c_guest_root (const struct v2c_guest *g)
{
  return g->root;
}

int
v2c_guest_close (struct v2c_guest *g)
{
  int r = 0;

  if (g->g) {
    if (guestfs_umount_all (g->g) == -1 || guestfs_shutdown (g->g) == -1)
      r = guestfs_fail (g, "can't shut the appliance down");
    guestfs_close (g->g);
    g->g = NULL;
  }
  return r;
}
