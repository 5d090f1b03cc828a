/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A snapshot copied off its datastore: the delta's parentFileNameHint
 * is still '/vmfs/volumes/ds1/vm/base.vmdk'.  v2c finds base.vmdk in
 * the export's folder (with a warning) and hands qemu a read-only
 * overlay that spells the chain out; qemu-io, which v2c did not write,
 * must read the base's and the delta's data through it.  Without a file
 * of that name in the folder, the same export is refused before any
 * appliance would start.  The export is unchanged and the overlay goes
 * with the source (issue 14).
 */
#include <config.h>

#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "v2c.h"

#include "unit.h"

static char tmp[] = "/tmp/v2c-test-chain.XXXXXX";

static int warnings;

static int
sh (const char *fmt, const char *arg)
{
  char cmd[8192];

  snprintf (cmd, sizeof cmd, "cd '%s' && ", tmp);
  snprintf (cmd + strlen (cmd), sizeof cmd - strlen (cmd), fmt, arg);
  return system (cmd);
}

static void
on_message (void *opaque, enum v2c_msg_level level, const char *msg)
{
  (void) opaque;
  if (level == V2C_MSG_WARNING && strstr (msg, "delta.vmdk")
      && strstr (msg, "parent"))
    warnings++;
}

/* Point the delta's embedded descriptor at a datastore path: the text
 * grows into the NUL padding of its descriptor sectors. */
static const char *hint_why = "";

static int
move_hint (const char *path)
{
  static const char old[] = "parentFileNameHint=\"base.vmdk\"";
  static const char new[] =
      "parentFileNameHint=\"/vmfs/volumes/ds1/vm/base.vmdk\"";
  size_t len, grow = sizeof new - sizeof old, tail;
  char *buf, *p, *end;
  FILE *f = fopen (path, "r+b");
  long sz;

  if (f == NULL || fseek (f, 0, SEEK_END) == -1 || (sz = ftell (f)) <= 0)
    return hint_why = "can't open it or it is empty", -1;
  len = (size_t) sz;
  buf = malloc (len);
  rewind (f);
  if (buf == NULL || fread (buf, 1, len, f) != len)
    return hint_why = "short read", -1;
  p = memmem (buf, len, old, sizeof old - 1);
  if (p == NULL)
    return hint_why = "no parentFileNameHint=\"base.vmdk\" in it", -1;
  end = memchr (p, '\0', len - (size_t) (p - buf));
  if (end == NULL || (size_t) (buf + len - end) < grow)
    return hint_why = "no room after the descriptor", -1;
  for (size_t i = 0; i < grow; i++)
    if (end[i] != '\0')
      return hint_why = "the descriptor's padding is not NUL", -1;
  tail = (size_t) (end - (p + sizeof old - 1));
  memmove (p + sizeof new - 1, p + sizeof old - 1, tail);
  memcpy (p, new, sizeof new - 1);
  rewind (f);
  if (fwrite (buf, 1, len, f) != len || fclose (f) != 0)
    return hint_why = "write failed", -1;
  free (buf);
  return 0;
}

static char *
digest_all (void)
{
  char cmd[8192], *out = calloc (1, 8192);
  FILE *p;

  snprintf (cmd, sizeof cmd, "cd '%s' && sha256sum base.vmdk delta.vmdk "
            "chain.vmx", tmp);
  p = popen (cmd, "r");
  if (p == NULL || out == NULL)
    return out;
  if (fread (out, 1, 8191, p) == 0)
    out[0] = '\0';
  pclose (p);
  return out;
}

int
main (void)
{
  char path[8192], tmpdir[8192];
  struct v2c_source *s;
  char *before, *after;

  if (mkdtemp (tmp) == NULL)
    unit_die ("mkdtemp: %s", strerror (errno));
  snprintf (tmpdir, sizeof tmpdir, "%s/tmpdir", tmp);
  if (mkdir (tmpdir, 0700) == -1 || setenv ("TMPDIR", tmpdir, 1) == -1)
    unit_die ("mkdir '%s': %s", tmpdir, strerror (errno));
  if (sh ("qemu-img create -q -f vmdk base.vmdk 4M && "
          "qemu-io -c 'write -P 0xab 0 64k' base.vmdk >/dev/null && "
          "qemu-img create -q -f vmdk -b base.vmdk -F vmdk delta.vmdk && "
          "qemu-io -c 'write -P 0xcd 1M 64k' delta.vmdk >/dev/null%s", "")
      != 0)
    unit_die ("qemu-img/qemu-io could not make the chain");
  snprintf (path, sizeof path, "%s/delta.vmdk", tmp);
  if (move_hint (path) == -1)
    unit_die ("can't rewrite the parent hint of '%s': %s (%s)", path,
              hint_why, strerror (errno));
  if (sh ("printf '%%s\\n' '.encoding = \"UTF-8\"' 'displayName = \"chain\"' "
          "'memsize = \"512\"' 'numvcpus = \"1\"' 'scsi0.present = \"TRUE\"' "
          "'scsi0:0.present = \"TRUE\"' 'scsi0:0.fileName = \"delta.vmdk\"' "
          ">chain.vmx%s", "") != 0)
    unit_die ("can't write chain.vmx");
  before = digest_all ();

  /* qemu alone cannot open the moved chain */
  CHECK (sh ("qemu-io -r -c 'read 0 512' delta.vmdk >/dev/null 2>&1%s", "")
         != 0, "qemu-io opened the delta although its parent hint is gone");

  s = v2c_source_new ();
  v2c_source_set_message_callback (s, on_message, NULL);
  snprintf (path, sizeof path, "%s/chain.vmx", tmp);
  if (v2c_source_open (s, path) == -1)
    FAIL ("open '%s': %s", path, v2c_source_error (s));
  else {
    const char *ov = v2c_source_disk_path (s, 0);
    char cmd[8192];

    CHECK (warnings == 1, "%d warnings naming the delta's parent, not 1",
           warnings);
    CHECK (strcmp (v2c_source_disk_format (s, 0), "qcow2") == 0,
           "disk is handed to qemu as '%s', not a qcow2 overlay",
           v2c_source_disk_format (s, 0));
    CHECK (strncmp (ov, tmpdir, strlen (tmpdir)) == 0,
           "overlay '%s' is not in TMPDIR", ov);
    snprintf (cmd, sizeof cmd,
              "qemu-io -r -c 'read -P 0xab 0 64k' -c 'read -P 0xcd 1M 64k' "
              "-c 'read -P 0 2M 64k' '%s' 2>&1 | grep -q 'failed\\|error' && "
              "exit 1; qemu-io -r -c 'read 0 1' '%s' >/dev/null", ov, ov);
    CHECK (system (cmd) == 0,
           "qemu-io does not read the base's and the delta's data "
           "through '%s'", ov);
  }
  v2c_source_free (s);
  CHECK (rmdir (tmpdir) == 0, "TMPDIR '%s' not empty after free: %s",
         tmpdir, strerror (errno));

  /* No base.vmdk in the folder: refused, naming the rule. */
  if (sh ("mv base.vmdk moved-away.img%s", "") != 0)
    unit_die ("mv");
  s = v2c_source_new ();
  if (v2c_source_open (s, path) == 0)
    FAIL ("opened although the parent is nowhere in the folder");
  else
    CHECK (strstr (v2c_source_error (s), "parent '/vmfs/volumes/ds1/vm/"
                                         "base.vmdk' is outside the export's "
                                         "folder") != NULL,
           "error '%s'", v2c_source_error (s));
  v2c_source_free (s);
  if (sh ("mv moved-away.img base.vmdk%s", "") != 0)
    unit_die ("mv");

  after = digest_all ();
  CHECK (before && after && *before && strcmp (before, after) == 0,
         "the export changed:\n%s\n%s", before, after);
  free (before);
  free (after);
  if (failures == 0)
    sh ("cd / && rm -rf '%s'", tmp);
  return unit_status ();
}
