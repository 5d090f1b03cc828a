/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * OVA input.  An OVA is a tar of an .ovf, an optional .mf and the disk
 * files, which may be tens of gigabytes: they are read in place.  Each
 * disk is handed to qemu as a small qcow2 overlay whose backing file is a
 * raw offset/size view into the OVA, so nothing is extracted and the OVA
 * is never opened for writing.  Only a compressed OVA (a .ova that is
 * itself gzip'd), whose members cannot be addressed by offset, is
 * unpacked into a private temporary directory.
 */
#include <config.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source-private.h"

static const struct v2c_tar_member *
find_member (const struct v2c_tar_member *m, size_t n, const char *name)
{
  size_t i;

  /* Descriptors name files relative to the OVA's top; some tools write
   * members as "./name". */
  if (strncmp (name, "./", 2) == 0)
    name += 2;
  for (i = 0; i < n; i++) {
    const char *mn = m[i].name;
    if (strncmp (mn, "./", 2) == 0)
      mn += 2;
    if (strcmp (mn, name) == 0)
      return &m[i];
  }
  return NULL;
}

static const struct v2c_tar_member *
find_by_suffix (const struct v2c_tar_member *m, size_t n, const char *suffix)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (v2c_strcasesuffix (m[i].name, suffix))
      return &m[i];
  return NULL;
}

static size_t
count_by_suffix (const struct v2c_tar_member *m, size_t n, const char *suffix)
{
  size_t k = 0;

  for (size_t i = 0; i < n; i++)
    k += v2c_strcasesuffix (m[i].name, suffix);
  return k;
}

static char *
read_member (struct v2c_source *s, int fd, const struct v2c_tar_member *m,
             size_t *len)
{
  char *buf;
  size_t done = 0;

  if (m->size > V2C_MAX_DESCRIPTOR_BYTES) {
    v2c_set_error (&s->err, 0, "'%s' in the OVA is larger than %u bytes",
                   m->name, V2C_MAX_DESCRIPTOR_BYTES);
    return NULL;
  }
  buf = malloc (m->size + 1);
  if (buf == NULL) {
    v2c_set_error (&s->err, errno, "out of memory");
    return NULL;
  }
  while (done < m->size) {
    ssize_t r = pread (fd, buf + done, m->size - done,
                       (off_t) (m->offset + done));
    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0) {
      v2c_set_error (&s->err, r == 0 ? 0 : errno,
                     "can't read '%s' from the OVA%s", m->name,
                     r == 0 ? ": file is truncated" : "");
      free (buf);
      return NULL;
    }
    done += (size_t) r;
  }
  buf[m->size] = '\0';
  *len = m->size;
  return buf;
}

static int
verify_manifest (struct v2c_source *s, int fd, const struct v2c_tar_member *m,
                 size_t n, const struct v2c_tar_member *mf,
                 const struct v2c_tar_member *ovf)
{
  CLEANUP_FREE char *buf = NULL;
  struct v2c_mf_entry *ents = NULL;
  struct verify_job *jobs;
  size_t len, nents = 0, i, nj = 0;
  int r = -1;

  buf = read_member (s, fd, mf, &len);
  if (buf == NULL)
    return -1;
  if (v2c_mf_parse (buf, len, &ents, &nents, &s->err) == -1)
    return v2c_error_prefix (&s->err, "'%s' in '%s'", mf->name, s->path);
  if (v2c_mf_check_coverage (s, ents, nents, mf->name, ovf->name) == -1) {
    v2c_mf_entries_free (ents, nents);
    return -1;
  }
  jobs = calloc (nents ? nents : 1, sizeof *jobs);
  if (jobs == NULL) {
    v2c_mf_entries_free (ents, nents);
    return v2c_set_error (&s->err, errno, "out of memory");
  }
  for (i = 0; i < nents; i++) {
    const struct v2c_tar_member *t = find_member (m, n, ents[i].file);

    if (t == NULL) {
      v2c_set_error (&s->err, 0,
                     "the manifest names '%s', which is not in '%s'",
                     ents[i].file, s->path);
      goto out;
    }
    /* Planning reads only the descriptor: check just its digest. */
    if (s->descriptor_only && t != ovf)
      continue;
    jobs[nj].fd = fd;
    jobs[nj].offset = t->offset;
    jobs[nj].size = t->size;
    jobs[nj].entry = &ents[i];
    nj++;
  }
  r = v2c_verify_jobs (s, jobs, nj);
 out:
  free (jobs);
  v2c_mf_entries_free (ents, nents);
  return r;
}

static int
make_overlay (struct v2c_source *s, const struct v2c_tar_member *t,
              const char *format, size_t index, char **overlay)
{
  char name[64], what[PATH_MAX + 16];
  json_t *spec;

  /* "backing": null: a sparse member's parentFileNameHint must not make
   * qemu open a file outside the OVA. */
  spec = json_pack ("{s:{s:s, s:I, s:I, s:{s:s, s:s}}}", "file",
                    "driver", "raw", "offset", (json_int_t) t->offset,
                    "size", (json_int_t) t->size, "file",
                    "driver", "file", "filename", s->path);
  if (spec && strcmp (format, "vmdk") == 0)
    json_object_set_new (spec, "backing", json_null ());
  snprintf (name, sizeof name, "disk%zu.qcow2", index);
  snprintf (what, sizeof what, "'%s' in the OVA", t->name);
  return v2c_source_make_overlay (s, spec, format, name, what, overlay);
}

static int
open_ova_disks (struct v2c_source *s, int fd, const struct v2c_tar_member *m,
                size_t n)
{
  size_t i;

  for (i = 0; i < s->vm->ndisks; i++) {
    struct v2c_vm_disk *vd = &s->vm->disks[i];
    const struct v2c_tar_member *t;
    struct v2c_open_disk *d;
    const char *format;
    int64_t vsize;
    int is_desc;

    if (vd->file == NULL)
      continue;
    t = find_member (m, n, vd->file);
    if (t == NULL)
      return v2c_set_error (&s->err, 0,
                            "disk '%s' named by the OVF is not in '%s'",
                            vd->file, s->path);
    if (s->descriptor_only)
      continue;
    if (v2c_probe_image (fd, t->offset, t->size, &format, &vsize, &is_desc)
        == -1)
      return v2c_set_error (&s->err, errno, "can't read '%s' in '%s'",
                            t->name, s->path);
    if (is_desc)
      return v2c_set_error (&s->err, 0,
                            "disk '%s' in the OVA is a VMDK descriptor "
                            "without its extents", t->name);
    if (strcmp (format, "raw") == 0 && vd->format
        && strcmp (vd->format, "vmdk") == 0)
      return v2c_set_error (&s->err, 0,
                            "disk '%s' in '%s' is not a VMDK file",
                            t->name, s->path);
    d = v2c_source_add_open_disk (s);
    if (d == NULL)
      return -1;
    d->host_path = strdup (s->path);
    d->member = strdup (t->name);
    d->format = strdup (format);
    d->qemu_format = strdup ("qcow2");
    d->virtual_size = vsize;
    if (d->host_path == NULL || d->member == NULL || d->format == NULL
        || d->qemu_format == NULL)
      return v2c_set_error (&s->err, errno, "out of memory");
    if (make_overlay (s, t, format, s->ndisks - 1, &d->qemu_path) == -1)
      return -1;
  }
  return 0;
}

/* What a compressed OVA may unpack: the descriptor and manifest, then
 * only the files its OVF names, each no larger than the OVF declares
 * (ovf:size) and all of them within the free space of TMPDIR, checked
 * before the first byte is written.  A gzip bomb stops at the cap. */
struct unpack_budget {
  const struct v2c_source *s; /* its VMs, once the .ovf is read */
  uint64_t free_bytes;     /* of TMPDIR, less a reserve */
  uint64_t written;
};

#define UNPACK_SMALL_CAP (V2C_MAX_DESCRIPTOR_BYTES) /* .ovf, .mf, .cert */
#define UNPACK_MARGIN (1u << 20)  /* a disk's slack over its ovf:size */

/* The cap of member name: its declared size plus a margin, 0 when the
 * OVF does not name it (skipped), UINT64_MAX when it names it without a
 * size (free space is then the only cap). */
static uint64_t
member_cap (const struct unpack_budget *b, const char *name)
{
  for (size_t v = 0; v < b->s->nvms; v++)
    for (size_t i = 0; i < b->s->vms[v].ndisks; i++) {
      const struct v2c_vm_disk *d = &b->s->vms[v].disks[i];

      if (d->file && strcmp (d->file, name) == 0)
        return d->file_size >= 0 ? (uint64_t) d->file_size + UNPACK_MARGIN
                                 : UINT64_MAX;
    }
  return 0;
}

static int
measure_free_space (struct v2c_source *s, struct unpack_budget *b)
{
  struct statvfs sv;

  if (statvfs (s->tmpdir, &sv) == -1)
    return v2c_set_error (&s->err, errno, "can't stat '%s'", s->tmpdir);
  b->free_bytes = (uint64_t) sv.f_bavail * sv.f_frsize;
  /* Keep 5% of it for everything else on the machine. */
  b->free_bytes -= b->free_bytes / 20;
  return 0;
}

static int
check_free_space (struct v2c_source *s, struct unpack_budget *b)
{
  uint64_t need = 0;

  for (size_t v = 0; v < s->nvms; v++)
    for (size_t i = 0; i < s->vms[v].ndisks; i++)
      if (s->vms[v].disks[i].file_size > 0)
        need += (uint64_t) s->vms[v].disks[i].file_size;
  if (need > b->free_bytes)
    return v2c_set_error (&s->err, ENOSPC,
                          "unpacking '%s' needs %" PRIu64 " bytes in '%s' "
                          "(the sizes its OVF declares), but only %" PRIu64
                          " are free: set TMPDIR to a larger filesystem",
                          s->path, need, s->tmpdir, b->free_bytes);
  return 0;
}

/* Copy the current member to out, at most cap bytes. */
static int
unpack_member (struct v2c_source *s, struct archive *a, int out,
               const char *name, uint64_t cap, struct unpack_budget *b)
{
  uint64_t done = 0;

  for (;;) {
    const void *buf;
    size_t len;
    la_int64_t off;
    int r = archive_read_data_block (a, &buf, &len, &off);

    if (r == ARCHIVE_EOF)
      return 0;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
      return v2c_set_error (&s->err, 0, "can't unpack '%s' from '%s': %s",
                            name, s->path, archive_error_string (a));
    if (off < 0 || (uint64_t) off + len > cap)
      return v2c_set_error (&s->err, 0,
                            "'%s' in '%s' is larger than %s: refusing to "
                            "unpack more", name, s->path,
                            cap == UNPACK_SMALL_CAP ? "16 MiB"
                            : "its OVF declares");
    if ((uint64_t) off + len > done) {
      uint64_t grow = (uint64_t) off + len - done;

      if (b->written + grow > b->free_bytes)
        return v2c_set_error (&s->err, ENOSPC,
                              "unpacking '%s' would fill '%s'", s->path,
                              s->tmpdir);
      b->written += grow;
      done = (uint64_t) off + len;
    }
    for (size_t w = 0; w < len;) {
      ssize_t n = pwrite (out, (const char *) buf + w, len - w,
                          (off_t) off + (off_t) w);
      if (n == -1 && errno == EINTR)
        continue;
      if (n == -1)
        return v2c_set_error (&s->err, errno, "can't unpack '%s' into '%s'",
                              name, s->tmpdir);
      w += (size_t) n;
    }
  }
}

/* Read the unpacked .ovf for its VMs and their file sizes: the
 * source's VMs from now on (v2c_source_open_ovf_dir parses no more). */
static int
learn_ovf (struct v2c_source *s, const char *path, struct unpack_budget *b)
{
  CLEANUP_FREE char *buf = NULL;
  size_t len;

  buf = v2c_read_file (path, V2C_MAX_DESCRIPTOR_BYTES, &len, &s->err);
  if (buf == NULL)
    return -1;
  if (v2c_ovf_parse (buf, len, &s->vms, &s->nvms, &s->err) == -1)
    return v2c_error_prefix (&s->err, "'%s' in '%s'", path, s->path);
  return check_free_space (s, b);
}

/* A compressed OVA: unpack its members (flat names only) into the
 * private temporary directory and open the .ovf found there. */
static int
open_compressed_ova (struct v2c_source *s, int fd)
{
  struct unpack_budget b;
  struct archive *a;
  struct archive_entry *e;
  char ovf[PATH_MAX] = "";
  int r, nmembers = 0, nmf = 0, nsmall = 0;

  memset (&b, 0, sizeof b);
  b.s = s;
  if (v2c_source_make_tmpdir (s) == -1 || measure_free_space (s, &b) == -1)
    return -1;
  a = archive_read_new ();
  archive_read_support_filter_all (a);
  archive_read_support_format_tar (a);
  if (lseek (fd, 0, SEEK_SET) == -1
      || archive_read_open_fd (a, fd, 1 << 20) != ARCHIVE_OK) {
    v2c_set_error (&s->err, 0, "can't read '%s': %s", s->path,
                   archive_error_string (a));
    archive_read_free (a);
    return -1;
  }
  while ((r = archive_read_next_header (a, &e)) == ARCHIVE_OK) {
    const char *name = archive_entry_pathname (e);
    char path[PATH_MAX];
    uint64_t cap;
    bool small;
    int out;

    if (archive_entry_filetype (e) != AE_IFREG)
      continue;
    if (name && strncmp (name, "./", 2) == 0)
      name += 2;
    if (name == NULL || *name == '\0' || strchr (name, '/')
        || strcmp (name, "..") == 0 || strcmp (name, ".") == 0) {
      v2c_set_error (&s->err, 0, "OVA member '%s' has an unsafe name",
                     name ? name : "");
      goto fail;
    }
    if (++nmembers > 10000) {
      v2c_set_error (&s->err, 0, "'%s' has too many members", s->path);
      goto fail;
    }
    small = v2c_strcasesuffix (name, ".ovf") || v2c_strcasesuffix (name, ".mf")
            || v2c_strcasesuffix (name, ".cert");
    if (small && nsmall++ >= 4) {
      v2c_set_error (&s->err, 0,
                     "'%s' holds more descriptors, manifests and "
                     "certificates than an OVA has", s->path);
      goto fail;
    }
    if (small)
      cap = UNPACK_SMALL_CAP;
    else if (ovf[0] && s->descriptor_only)
      break;                    /* planning: the descriptor is all */
    else if (ovf[0] == '\0') {
      v2c_set_error (&s->err, 0,
                     "'%s': member '%s' comes before the OVF descriptor, "
                     "which must be first", s->path, name);
      goto fail;
    } else if (s->descriptor_only || (cap = member_cap (&b, name)) == 0)
      continue;                 /* not needed: never written */
    if (v2c_strcasesuffix (name, ".ovf") && ovf[0]) {
      v2c_set_error (&s->err, 0, "'%s' holds more than one .ovf", s->path);
      goto fail;
    }
    snprintf (path, sizeof path, "%s/%s", s->tmpdir, name);
    out = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                0600);
    if (out == -1) {
      v2c_set_error (&s->err, errno, "can't unpack '%s'", name);
      goto fail;
    }
    if (unpack_member (s, a, out, name, cap, &b) == -1) {
      close (out);
      goto fail;
    }
    if (close (out) == -1) {
      v2c_set_error (&s->err, errno, "can't unpack '%s'", name);
      goto fail;
    }
    if (v2c_strcasesuffix (name, ".ovf")) {
      snprintf (ovf, sizeof ovf, "%s", path);
      if (learn_ovf (s, path, &b) == -1)
        goto fail;
    }
    if (v2c_strcasesuffix (name, ".mf")) {
      if (++nmf > 1 && s->verify) {
        v2c_set_error (&s->err, 0,
                       "'%s' holds several manifests (.mf): v2c can't tell "
                       "which one vouches for the export (--no-verify to "
                       "read it unchecked)", s->path);
        goto fail;
      }
      snprintf (s->ova_mf, sizeof s->ova_mf, "%s", path);
    }
  }
  if (r != ARCHIVE_EOF && r != ARCHIVE_OK) {
    v2c_set_error (&s->err, 0, "can't read '%s': %s", s->path,
                   archive_error_string (a));
    goto fail;
  }
  archive_read_free (a);
  if (ovf[0] == '\0')
    return v2c_set_error (&s->err, 0, "'%s' holds no .ovf descriptor",
                          s->path);
  /* The unpacked members are the export now: nothing they name may be
   * outside them. */
  s->unpacked = 1;
  free (s->root);
  s->root = realpath (s->tmpdir, NULL);
  if (s->root == NULL)
    return v2c_set_error (&s->err, errno, "can't resolve '%s'", s->tmpdir);
  return v2c_source_open_ovf_dir (s, ovf);

 fail:
  archive_read_free (a);
  return -1;
}

int
v2c_source_open_ova (struct v2c_source *s, int fd)
{
  struct v2c_tar_member *m = NULL;
  const struct v2c_tar_member *ovf, *mf;
  CLEANUP_FREE char *buf = NULL;
  unsigned char magic[6] = { 0 };
  size_t n = 0, len;
  int r = -1;

  if (pread (fd, magic, sizeof magic, 0) == -1)
    return v2c_set_error (&s->err, errno, "can't read '%s'", s->path);
  if ((magic[0] == 0x1f && magic[1] == 0x8b)
      || memcmp (magic, "\xfd" "7zXZ", 5) == 0
      || memcmp (magic, "BZh", 3) == 0
      || memcmp (magic, "\x28\xb5\x2f\xfd", 4) == 0)
    return open_compressed_ova (s, fd);

  if (v2c_tar_index (fd, &m, &n, &s->err) == -1)
    return v2c_error_prefix (&s->err, "'%s'", s->path);
  ovf = find_by_suffix (m, n, ".ovf");
  if (ovf == NULL) {
    v2c_set_error (&s->err, 0, "'%s' holds no .ovf descriptor", s->path);
    goto out;
  }
  buf = read_member (s, fd, ovf, &len);
  if (buf == NULL)
    goto out;
  if (v2c_ovf_parse (buf, len, &s->vms, &s->nvms, &s->err) == -1) {
    v2c_error_prefix (&s->err, "'%s' in '%s'", ovf->name, s->path);
    goto out;
  }
  if (v2c_source_select_vm (s) == -1)
    goto out;
  mf = find_by_suffix (m, n, ".mf");
  if (mf && s->verify && count_by_suffix (m, n, ".mf") > 1) {
    v2c_set_error (&s->err, 0,
                   "'%s' holds %zu manifests (.mf): v2c can't tell which "
                   "one vouches for the export (--no-verify to read it "
                   "unchecked)", s->path, count_by_suffix (m, n, ".mf"));
    goto out;
  }
  if (mf && s->verify) {
    if (verify_manifest (s, fd, m, n, mf, ovf) == -1)
      goto out;
  } else if (mf == NULL)
    v2c_message (&s->msg, V2C_MSG_VERBOSE,
                 "'%s' has no manifest (.mf): nothing to verify", s->path);
  r = open_ova_disks (s, fd, m, n);
 out:
  v2c_tar_members_free (m, n);
  return r;
}
