/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The inventory document ("v2c.inventory/1") and atomic JSON output.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source-private.h"
#include "inspect-private.h"

/* The selected VM's OVF password properties, as secrets[] findings:
 * the value belongs to whoever deploys the appliance, so the report
 * says to set it again on the target. */
static int
ovf_password_props (struct v2c_source *s, json_t *inv)
{
  json_t *secrets = json_object_get (inv, "secrets");
  size_t i;

  if (s->vm == NULL || s->vm->nsecret_props == 0)
    return 0;
  if (secrets == NULL) {
    secrets = json_array ();
    if (json_object_set_new (inv, "secrets", secrets) == -1)
      return v2c_set_error (&s->err, ENOMEM, "out of memory");
  }
  for (i = 0; i < s->vm->nsecret_props; i++) {
    const struct v2c_vm_secret_prop *p = &s->vm->secret_props[i];
    char ev[512];
    json_t *o;

    snprintf (ev, sizeof ev,
              "ProductSection Property %s (ovf:password=\"true\")", p->key);
    o = json_pack ("{s:s, s:s, s:i, s:s, s:s}", "path", s->path, "kind",
                   "ovf-password-property", "line", 0, "evidence", ev,
                   "name", p->key);
    if (o && p->fingerprint[0])
      json_object_set_new (o, "fingerprint", json_string (p->fingerprint));
    if (o == NULL || json_array_append_new (secrets, o) == -1)
      return v2c_set_error (&s->err, ENOMEM, "out of memory");
  }
  return 0;
}

json_t *
v2c_inventory_build (struct v2c_source *s, struct v2c_guest *g)
{
  json_t *inv = json_object ();

  if (inv == NULL) {
    v2c_set_error (&s->err, ENOMEM, "out of memory");
    return NULL;
  }
  json_object_set_new (inv, "schema", json_string ("v2c.inventory/1"));
  json_object_set_new (inv, "name", json_string (v2c_source_name (s)
                                                   ? v2c_source_name (s)
                                                   : "vm"));
  json_object_set_new (inv, "generator",
                       json_string ("v2c " PACKAGE_VERSION));
  json_object_set_new (inv, "source", v2c_source_json (s));
  json_object_set_new (inv, "hardware", v2c_source_hardware_json (s));
  if (g) {
    json_object_set_new (inv, "os", v2c_guest_os_json (g));
    json_object_set_new (inv, "filesystems", v2c_guest_filesystems_json (g));
    if (v2c_inspect_guest (g, inv, &s->err) == -1) {
      json_decref (inv);
      return NULL;
    }
  } else {
    json_object_set_new (inv, "os", json_null ());
    json_object_set_new (inv, "filesystems", json_array ());
  }
  if (ovf_password_props (s, inv) == -1) {
    json_decref (inv);
    return NULL;
  }
  return inv;
}

static int
dump_cb (const char *buf, size_t size, void *data)
{
  int fd = *(int *) data;

  while (size > 0) {
    ssize_t r = write (fd, buf, size);
    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0)
      return -1;
    buf += r;
    size -= (size_t) r;
  }
  return 0;
}

int
v2c_json_write_file (const json_t *doc, const char *path)
{
  const size_t flags = JSON_INDENT (2) | JSON_PRESERVE_ORDER;
  char tmp[PATH_MAX];
  int fd, saved;

  if (path == NULL || strcmp (path, "-") == 0) {
    fd = STDOUT_FILENO;
    if (json_dump_callback (doc, dump_cb, &fd, flags) == -1
        || dump_cb ("\n", 1, &fd) == -1)
      return -1;
    return 0;
  }
  if (!v2c_replaceable_file (path))
    return -1;
  if ((size_t) snprintf (tmp, sizeof tmp, "%s.tmpXXXXXX", path)
      >= sizeof tmp) {
    errno = ENAMETOOLONG;
    return -1;
  }
  fd = mkstemp (tmp);
  if (fd == -1)
    return -1;
  if (json_dump_callback (doc, dump_cb, &fd, flags) == -1
      || dump_cb ("\n", 1, &fd) == -1 || fchmod (fd, 0644) == -1
      || fsync (fd) == -1) {
    saved = errno ? errno : EIO;
    close (fd);
    unlink (tmp);
    errno = saved;
    return -1;
  }
  if (close (fd) == -1 || rename (tmp, path) == -1) {
    saved = errno;
    unlink (tmp);
    errno = saved;
    return -1;
  }
  return 0;
}
