/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target of lib/vm-text.c, the edits of a guest's text files
 * in a guest conversion: the first byte picks the edit, the rest is the
 * file.  An edit whose map changes nothing must give the text back
 * byte for byte; the interface names must be Ethernet names, each once.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "vm.h"

static int
to_uuid (void *opaque, const char *dev, char *out, size_t size)
{
  (void) opaque;
  return snprintf (out, size, "UUID=%s", dev + 5) < (int) size;
}

static int
none (void *opaque, const char *dev, char *out, size_t size)
{
  (void) opaque;
  (void) dev;
  (void) out;
  (void) size;
  return 0;
}

static void
same (const char *text, size_t len, char *out, int changed)
{
  if (out == NULL || changed != 0 || strlen (out) != strnlen (text, len)
      || memcmp (out, text, strlen (out)) != 0)
    abort ();
  free (out);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const mods[] = { "virtio_blk", "virtio_net", NULL };
  struct v2c_err err = { 0, "" };
  struct v2c_strvec names = V2C_STRVEC_INIT;
  const char *text;
  size_t len, i;
  char *out, *z;
  int n;

  if (size == 0)
    return 0;
  /* the files are C strings to the edits that print them */
  if ((z = malloc (size)) == NULL)
    return 0;
  memcpy (z, data + 1, size - 1);
  z[size - 1] = '\0';
  text = z;
  len = strlen (z);
  switch (data[0] % 9) {
  case 0: case 1: case 2: case 3: case 4:
    if (v2c_vm_nic_names ((enum v2c_vm_netconf) (data[0] % 5), text, len,
                          &names, &err) == 0) {
      v2c_vm_sort_nic_names (&names);
      if (names.n > V2C_VM_NICS_MAX)
        abort ();
      for (i = 0; i < names.n; i++)
        if (strncmp (names.v[i], "e", 1) != 0 || strlen (names.v[i]) > 15
            || v2c_strvec_find (&names, names.v[i]) != (long) i)
          abort ();
    }
    v2c_strvec_clear (&names);
    break;
  case 5:
    free (v2c_vm_fstab_rewrite (text, len, to_uuid, NULL, NULL, &n, &err));
    same (text, len, v2c_vm_fstab_rewrite (text, len, none, NULL, NULL, &n,
                                           &err), n);
    break;
  case 6:
    free (v2c_vm_cmdline_rewrite (text, len, to_uuid, NULL, &n, &err));
    same (text, len, v2c_vm_cmdline_rewrite (text, len, none, NULL, &n, &err),
          n);
    break;
  case 7:
    out = v2c_vm_grub_default_rewrite (text, len, &n, &err);
    if (out == NULL || strlen (out) < len)
      abort ();
    free (out);
    break;
  case 8:
    out = v2c_vm_modules_add (text, len, mods, NULL, &err);
    if (out == NULL || strncmp (out, text, len) != 0)
      abort ();
    free (out);
    break;
  }
  free (z);
  return 0;
}
