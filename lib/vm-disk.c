/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The converted disks of a VM kept as a VM (see vm.h).  qemu-img
 * flattens each overlay (the guest conversion's writes over the source
 * disk) into a new compressed qcow2: the source is only read.  Its
 * clusters are compressed with zstd, four times faster than zlib here
 * and smaller (qemu 5.1 and later read it; KubeVirt's and CDI's do).  The boot
 * disk, when small enough, becomes a KubeVirt containerDisk, an OCI
 * image whose one layer holds /disk/NAME.qcow2 owned by qemu's uid and
 * gid in KubeVirt's launcher (107), as KubeVirt's documentation builds
 * them; the qcow2 is streamed into the layer and not kept.  Every other
 * disk is a qcow2 in DIR/disks for its CDI DataVolume.  The layer is an
 * uncompressed tar: its one file is compressed qcow2 already, which
 * gzip would only spend CPU time on.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "vm.h"

/* containerDisk: the qcow2's owner, qemu in virt-launcher */
#define QEMU_UID 107
#define CHUNK (1u << 20)

void
v2c_vm_sub_name (char *out, size_t size, const char *vm,
                        const char *disk)
{
  int room = 63 - (int) strlen (disk) - 1;

  snprintf (out, size, "%s%.*s-%s", vm[0] >= '0' && vm[0] <= '9' ? "vm-" : "",
            room - 3, vm, disk);
}

int
v2c_vm_disk_is_datavolume (const struct v2c_plan_target *t, size_t i)
{
  const struct v2c_plan_vm_disk *d = i < t->disks.n ? &t->disks.v[i] : NULL;

  return i > 0 || (d && d->size.set && d->size.v > V2C_VM_CONTAINER_DISK_MAX);
}

/* qemu-img convert: the overlay, flattened, into a new compressed qcow2. */
static int
flatten (const char *overlay, const char *out, struct v2c_err *err)
{
  char *argv[] = { (char *) QEMU_IMG, (char *) "convert", (char *) "-q",
                   (char *) "-c", (char *) "-f", (char *) "qcow2",
                   (char *) "-O", (char *) "qcow2", (char *) "-o",
                   (char *) "compat=1.1,compression_type=zstd",
                   (char *) overlay, (char *) out,
                   NULL };

  if (v2c_run_command (argv, err) == -1)
    return v2c_error_prefix (err, "can't write the converted disk '%s'", out);
  return 0;
}

static int64_t
file_size (const char *path)
{
  struct stat st;

  return stat (path, &st) == 0 ? (int64_t) st.st_size : -1;
}

/* The qcow2 at path streamed into w as disk/NAME.qcow2. */
static int
stream_layer (struct v2c_layer_writer *w, const char *path, const char *name,
              struct v2c_err *err)
{
  char entry_path[300];
  struct v2c_layer_entry dir = { 0 }, file = { 0 };
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  char *buf = malloc (CHUNK);
  struct stat st;
  int64_t left;
  int r = -1;

  if (fd == -1 || buf == NULL || fstat (fd, &st) == -1) {
    v2c_set_error (err, errno, "can't read '%s'", path);
    goto out;
  }
  dir.path = "disk";
  dir.type = V2C_FS_DIR;
  dir.mode = 0555;
  dir.uid = dir.gid = QEMU_UID;
  snprintf (entry_path, sizeof entry_path, "disk/%s.qcow2", name);
  file = dir;
  file.path = entry_path;
  file.type = V2C_FS_REG;
  file.mode = 0440;
  file.size = left = (int64_t) st.st_size;
  if (v2c_layer_writer_add (w, &dir) == -1
      || v2c_layer_writer_add (w, &file) == -1)
    goto werr;
  (void) posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  while (left > 0) {
    ssize_t n = read (fd, buf, left < CHUNK ? (size_t) left : CHUNK);
    if (n == -1 && errno == EINTR)
      continue;
    if (n <= 0) {
      v2c_set_error (err, n ? errno : EIO, "can't read '%s'", path);
      goto out;
    }
    if (v2c_layer_writer_write_data (w, buf, (size_t) n) == -1)
      goto werr;
    left -= n;
  }
  r = 0;
  goto out;
werr:
  v2c_set_error (err, v2c_layer_writer_errno (w), "containerDisk layer: %s",
                 v2c_layer_writer_error (w));
out:
  if (fd != -1)
    close (fd);
  free (buf);
  return r;
}

/* The containerDisk image of the qcow2 at path, in image_dir. */
static json_t *
container_disk (const struct v2c_plan *p, const char *path, const char *disk,
                const char *image_dir, const char *repo, struct v2c_err *err)
{
  struct v2c_oci *o = v2c_oci_new ();
  struct v2c_layer_writer *w;
  json_t *cfg = json_object (), *out = NULL;
  char ref[128];

  snprintf (ref, sizeof ref, "%s:latest", repo);
  if (o == NULL || cfg == NULL) {
    v2c_set_error (err, ENOMEM, "out of memory");
    goto out;
  }
  if (v2c_oci_open (o, image_dir, 0) == -1
      || (w = v2c_oci_layer_begin (o)) == NULL)
    goto oci;
  if (v2c_layer_writer_set_compression (w, V2C_COMPRESS_NONE, -1) == -1
      || stream_layer (w, path, disk, err) == -1) {
    if (err->msg[0] == '\0')
      v2c_set_error (err, v2c_layer_writer_errno (w), "containerDisk layer: %s",
                     v2c_layer_writer_error (w));
    v2c_oci_layer_discard (o, w);
    goto out;
  }
  if (v2c_oci_layer_commit (o, w, "v2c-convert: containerDisk", NULL) == -1
      || v2c_oci_set_config (o, cfg) == -1
      || v2c_oci_set_platform (o, "amd64", "linux", NULL) == -1
      || v2c_oci_add_annotation (o, "io.v2c.source.vm", p->name) == -1
      || v2c_oci_add_annotation (o, "io.v2c.image.kind", "kubevirt-containerdisk")
             == -1
      || v2c_oci_close (o, ref, -1) == -1)
    goto oci;
  out = json_pack ("{s:s, s:s, s:[{s:s, s:s, s:s, s:I}]}", "manifest",
                   v2c_oci_manifest_digest (o), "ref", ref, "layers", "name",
                   "disk", "digest", v2c_oci_layer_digest (o, 0), "diff_id",
                   v2c_oci_layer_diff_id (o, 0), "size",
                   (json_int_t) v2c_oci_layer_size (o, 0));
  if (out == NULL)
    v2c_set_error (err, ENOMEM, "out of memory");
  goto out;
oci:
  v2c_set_error (err, v2c_oci_errno (o), "containerDisk image: %s",
                 v2c_oci_error (o));
out:
  json_decref (cfg);
  v2c_oci_free (o);
  return out;
}

json_t *
v2c_vm_write_disks (const struct v2c_plan *p, const char *const *overlays,
                    size_t n, const char *image_dir, const char *disks_dir,
                    const char *tmp_dir, const char *vm, struct v2c_err *err)
{
  const struct v2c_plan_target *t = p->target;
  json_t *summary = NULL, *list = json_array ();
  char path[4096], dv[128], repo[80];
  size_t i;

  if (list == NULL) {
    v2c_set_error (err, ENOMEM, "out of memory");
    return NULL;
  }
  if (t == NULL || n == 0) {
    v2c_set_error (err, 0, "no disk to write, or the plan's target is not "
                   "a VM");
    goto fail;
  }
  for (i = 0; i < n; i++) {
    char dname[32];
    const char *disk = i < t->disks.n ? t->disks.v[i].name : NULL;
    json_t *d;

    if (disk == NULL) {
      snprintf (dname, sizeof dname, "disk%zu", i);
      disk = dname;
    }
    if (v2c_vm_disk_is_datavolume (t, i)) {
      v2c_vm_sub_name (dv, sizeof dv, vm, disk);
      if (mkdir (disks_dir, 0755) == -1 && errno != EEXIST) {
        v2c_set_error (err, errno, "can't create '%s'", disks_dir);
        goto fail;
      }
      snprintf (path, sizeof path, "%s/%s.qcow2", disks_dir, dv);
      if (flatten (overlays[i], path, err) == -1)
        goto fail;
      d = json_pack ("{s:s, s:s, s:s, s:s++, s:I}", "name", disk, "delivery",
                     "dataVolume", "dataVolume", dv, "file", "disks/", dv,
                     ".qcow2", "size", (json_int_t) file_size (path));
    } else {
      snprintf (path, sizeof path, "%s/%s.qcow2", tmp_dir, disk);
      snprintf (repo, sizeof repo, "%.58s-disk", vm);
      if (flatten (overlays[i], path, err) == -1)
        goto fail;
      d = json_pack ("{s:s, s:s, s:s+, s:I}", "name", disk, "delivery",
                     "containerDisk", "image", repo, ":latest", "size",
                     (json_int_t) file_size (path));
      summary = container_disk (p, path, disk, image_dir, repo, err);
      unlink (path);
      if (summary == NULL) {
        json_decref (d);
        goto fail;
      }
    }
    if (d && i < t->disks.n && t->disks.v[i].size.set)
      json_object_set_new (d, "virtual_size",
                           json_integer ((json_int_t) t->disks.v[i].size.v));
    if (json_array_append_new (list, d) == -1) {
      v2c_set_error (err, ENOMEM, "out of memory");
      goto fail;
    }
  }
  /* no containerDisk (a large boot disk): the summary has no image */
  if (summary == NULL
      && (summary = json_pack ("{s:[]}", "layers")) == NULL) {
    v2c_set_error (err, ENOMEM, "out of memory");
    goto fail;
  }
  json_object_set_new (summary, "disks", list);
  return summary;
fail:
  json_decref (list);
  json_decref (summary);
  return NULL;
}
