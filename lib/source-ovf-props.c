/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * OVF ProductSection properties marked ovf:password="true": vApp
 * options an appliance reads at first boot (an admin password, a
 * database password).  Their keys are kept, and a fingerprint of a
 * default value when the descriptor holds one; the value itself is
 * never kept (it is wiped as soon as it is fingerprinted).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "source-ovf-private.h"
#include "secret-class.h"

#define MAX_PASSWORD_PROPS 256

static int
add_prop (struct ovf_state *st, struct v2c_vm *vm, const char *class,
          const char *key, const char *value)
{
  struct v2c_vm_secret_prop *v, *p;
  size_t n = vm->nsecret_props;

  if (n >= MAX_PASSWORD_PROPS)
    return v2c_set_error (st->err, 0, "more than %d password properties",
                          MAX_PASSWORD_PROPS);
  v = realloc (vm->secret_props, (n + 1) * sizeof *v);
  if (v == NULL)
    return v2c_set_error (st->err, errno, "out of memory");
  vm->secret_props = v;
  p = &v[n];
  memset (p, 0, sizeof *p);
  if (class && *class) {
    size_t l = strlen (class) + strlen (key) + 2;
    p->key = malloc (l);
    if (p->key)
      snprintf (p->key, l, "%s.%s", class, key);
  } else
    p->key = strdup (key);
  if (p->key == NULL)
    return v2c_set_error (st->err, ENOMEM, "out of memory");
  if (value && *value)
    v2c_secret_fingerprint (value, strlen (value), p->fingerprint);
  vm->nsecret_props++;
  return 0;
}

static void
wipe (char *s)
{
  if (s) {
    volatile char *p = s;
    while (*p)
      *p++ = '\0';
    free (s);
  }
}

int
ovf_read_password_props (struct ovf_state *st, xmlNodePtr vs,
                         struct v2c_vm *vm)
{
  xmlNodePtr s, e;

  for (s = vs->children; s; s = s->next) {
    char *class;

    if (!ovf_is_section (s, "ProductSection"))
      continue;
    class = ovf_attr_str (st, s, "class");
    for (e = s->children; e; e = e->next) {
      char *key, *value;
      int r;

      if (!ovf_is_elem (e, "Property")
          || !ovf_attr_eq (st, e, "password", "true"))
        continue;
      key = ovf_attr_str (st, e, "key");
      if (key == NULL || *key == '\0') {
        free (key);
        continue;
      }
      value = ovf_attr_str (st, e, "value");
      r = add_prop (st, vm, class, key, value);
      wipe (value);
      free (key);
      if (r == -1) {
        free (class);
        return -1;
      }
    }
    free (class);
  }
  if (st->oom)
    return v2c_set_error (st->err, ENOMEM, "out of memory");
  return 0;
}
