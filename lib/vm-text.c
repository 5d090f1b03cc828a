/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The edits a guest conversion makes to the guest's text files (see
 * vm.h), as pure functions over the text: fstab and bootloader entries
 * by UUID rather than /dev/sdX, the initramfs module list, and the
 * Ethernet interface names the network configuration uses.  Every byte
 * the edit does not change is kept, comments and spacing included.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"

static int
too_large (size_t len, struct v2c_err *err)
{
  if (len <= V2C_VM_TEXT_MAX)
    return 0;
  v2c_set_error (err, EFBIG, "%zu bytes, more than the %u a configuration "
                 "file may have", len, V2C_VM_TEXT_MAX);
  return 1;
}

static char *
finish (struct v2c_strbuf *b, struct v2c_err *err)
{
  if (v2c_strbuf_addc (b, '\0') == -1 || b->failed) {
    v2c_strbuf_release (b);
    v2c_set_error (err, ENOMEM, "out of memory");
    return NULL;
  }
  return b->s;
}

static int
is_lower (char c)
{
  return c >= 'a' && c <= 'z';
}

static int
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

size_t
v2c_vm_disk_device (const char *name, size_t len)
{
  static const char *const prefixes[] = { "/dev/sd", "/dev/hd", "/dev/xvd" };
  size_t i, p, k;

  for (i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
    p = strlen (prefixes[i]);
    if (len > p && memcmp (name, prefixes[i], p) == 0)
      break;
  }
  if (i == sizeof prefixes / sizeof *prefixes)
    return 0;
  for (k = p; k < len && is_lower (name[k]); k++)
    ;
  if (k == p || k - p > 3)
    return 0;
  for (i = k; i < len && is_digit (name[i]); i++)
    ;
  return i == len && len - k <= 3 ? k : 0;
}

/* Each line of text, with its end, to fn; stops at fn's -1. */
static int
each_line (const char *text, size_t len,
           int (*fn) (void *, const char *, size_t, size_t), void *opaque)
{
  size_t off = 0, lineno = 1;

  while (off < len) {
    const char *nl = memchr (text + off, '\n', len - off);
    size_t n = nl ? (size_t) (nl - (text + off)) + 1 : len - off;

    if (fn (opaque, text + off, n, lineno++) == -1)
      return -1;
    off += n;
  }
  return 0;
}

static int
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

struct fstab_ctx {
  struct v2c_strbuf b;
  v2c_vm_devmap_fn map;
  void *opaque;
  json_t *changes;
  int changed;
};

static int
fstab_line (void *opaque, const char *line, size_t n, size_t lineno)
{
  struct fstab_ctx *c = opaque;
  size_t i = 0, start, end;
  char dev[64], to[256];

  while (i < n && is_blank (line[i]))
    i++;
  start = i;
  while (i < n && !is_blank (line[i]) && line[i] != '\n' && line[i] != '\r')
    i++;
  end = i;
  if (end == start || end - start >= sizeof dev || line[start] == '#'
      || v2c_vm_disk_device (line + start, end - start) == 0)
    return v2c_strbuf_add (&c->b, line, n);
  memcpy (dev, line + start, end - start);
  dev[end - start] = '\0';
  if (!c->map (c->opaque, dev, to, sizeof to))
    return v2c_strbuf_add (&c->b, line, n);
  v2c_strbuf_add (&c->b, line, start);
  v2c_strbuf_puts (&c->b, to);
  v2c_strbuf_add (&c->b, line + end, n - end);
  c->changed++;
  if (c->changes) {
    char s[400];
    snprintf (s, sizeof s, "/etc/fstab line %zu: %s is now %s", lineno, dev,
              to);
    json_array_append_new (c->changes, json_string (s));
  }
  return 0;
}

char *
v2c_vm_fstab_rewrite (const char *text, size_t len, v2c_vm_devmap_fn map,
                      void *opaque, json_t *changes, int *changed,
                      struct v2c_err *err)
{
  struct fstab_ctx c = { V2C_STRBUF_INIT, map, opaque, changes, 0 };

  if (too_large (len, err))
    return NULL;
  each_line (text, len, fstab_line, &c);
  *changed = c.changed;
  return finish (&c.b, err);
}

/* Is text[i] the start of a word ("root=" after a blank, a quote or the
 * start of the text)? */
static int
word_start (const char *text, size_t i)
{
  return i == 0 || is_blank (text[i - 1]) || text[i - 1] == '"'
         || text[i - 1] == '\'' || text[i - 1] == '\n';
}

char *
v2c_vm_cmdline_rewrite (const char *text, size_t len, v2c_vm_devmap_fn map,
                        void *opaque, int *changed, struct v2c_err *err)
{
  static const char *const keys[] = { "root=", "resume=" };
  struct v2c_strbuf b = V2C_STRBUF_INIT;
  size_t i = 0, k;

  *changed = 0;
  if (too_large (len, err))
    return NULL;
  while (i < len) {
    for (k = 0; k < 2; k++) {
      size_t kl = strlen (keys[k]), j = i + kl, e;
      char dev[64], to[256];

      if (len - i <= kl || memcmp (text + i, keys[k], kl) != 0
          || !word_start (text, i))
        continue;
      for (e = j; e < len && !is_blank (text[e]) && text[e] != '\n'
                  && text[e] != '"' && text[e] != '\'';
           e++)
        ;
      if (e - j >= sizeof dev || v2c_vm_disk_device (text + j, e - j) == 0)
        continue;
      memcpy (dev, text + j, e - j);
      dev[e - j] = '\0';
      if (!map (opaque, dev, to, sizeof to))
        continue;
      v2c_strbuf_add (&b, text + i, kl);
      v2c_strbuf_puts (&b, to);
      (*changed)++;
      i = e;
      break;
    }
    if (k == 2)
      v2c_strbuf_addc (&b, text[i++]);
  }
  return finish (&b, err);
}

struct grub_ctx {
  struct v2c_strbuf b;
  int changed;
};

static int
grub_line (void *opaque, const char *line, size_t n, size_t lineno)
{
  static const char key[] = "GRUB_DISABLE_LINUX_UUID=";
  struct grub_ctx *c = opaque;
  size_t i = 0, kl = sizeof key - 1, v;

  (void) lineno;
  while (i < n && is_blank (line[i]))
    i++;
  if (n - i > kl && memcmp (line + i, key, kl) == 0) {
    v = i + kl;
    if (line[v] == '"' || line[v] == '\'')
      v++;
    if (n - v >= 4 && memcmp (line + v, "true", 4) == 0) {
      c->changed++;
      v2c_strbuf_puts (&c->b, "# v2c-convert: the root by UUID on KVM\n#");
    }
  }
  return v2c_strbuf_add (&c->b, line, n);
}

char *
v2c_vm_grub_default_rewrite (const char *text, size_t len, int *changed,
                             struct v2c_err *err)
{
  struct grub_ctx c = { V2C_STRBUF_INIT, 0 };

  if (too_large (len, err))
    return NULL;
  each_line (text, len, grub_line, &c);
  *changed = c.changed;
  return finish (&c.b, err);
}

/* Does the module list name mod on a line of its own (its first word)? */
static int
lists_module (const char *text, size_t len, const char *mod)
{
  size_t ml = strlen (mod), off = 0;

  while (off < len) {
    const char *nl = memchr (text + off, '\n', len - off);
    size_t n = nl ? (size_t) (nl - (text + off)) : len - off, i = 0;
    const char *l = text + off;

    while (i < n && is_blank (l[i]))
      i++;
    if (n - i >= ml && memcmp (l + i, mod, ml) == 0
        && (n - i == ml || is_blank (l[i + ml]) || l[i + ml] == '\r'))
      return 1;
    off += n + 1;
  }
  return 0;
}

char *
v2c_vm_modules_add (const char *text, size_t len, const char *const *mods,
                    json_t *added, struct v2c_err *err)
{
  struct v2c_strbuf b = V2C_STRBUF_INIT;
  int head = 0;

  if (too_large (len, err))
    return NULL;
  v2c_strbuf_add (&b, text, len);
  for (; *mods; mods++) {
    if (lists_module (text, len, *mods))
      continue;
    if (!head++)
      v2c_strbuf_puts (&b, len && text[len - 1] != '\n'
                               ? "\n# v2c-convert: KVM's virtio drivers\n"
                               : "# v2c-convert: KVM's virtio drivers\n");
    v2c_strbuf_printf (&b, "%s\n", *mods);
    if (added)
      json_array_append_new (added, json_string (*mods));
  }
  return finish (&b, err);
}

/* An Ethernet interface name as the kernel or udev gives them: eth0,
 * ens192, enp11s0, eno1, enx0050...; not a VLAN (eth0.10), an alias
 * (eth0:1), a glob or a bridge/bond. */
static int
ethernet_name (const char *s, size_t n)
{
  size_t i;

  if (n < 3 || n > 15 || (memcmp (s, "eth", 3) != 0 && memcmp (s, "en", 2) != 0))
    return 0;
  for (i = 2; i < n; i++)
    if (!is_lower (s[i]) && !is_digit (s[i]))
      return 0;
  return 1;
}

struct nic_ctx {
  enum v2c_vm_netconf kind;
  struct v2c_strvec *names;
  int failed;
  /* netplan: the indentation of "ethernets:" (-1: not inside), and of
   * the names under it (-1: not seen yet) */
  int eth_indent, name_indent;
};

static void
add_name (struct nic_ctx *c, const char *s, size_t n)
{
  if (!ethernet_name (s, n) || v2c_strvec_findn (c->names, s, n) >= 0
      || c->names->n >= V2C_VM_NICS_MAX)
    return;
  if (v2c_strvec_pushn (c->names, s, n) == -1)
    c->failed = 1;
}

/* The word at l[i..], its length. */
static size_t
word (const char *l, size_t n, size_t i)
{
  size_t e = i;

  while (e < n && !is_blank (l[e]) && l[e] != '\r' && l[e] != '\n')
    e++;
  return e - i;
}

/* "KEY=value" (value unquoted) at the start of the line: value's length
 * at *v, or 0. */
static size_t
assignment (const char *l, size_t n, const char *key, size_t *v)
{
  size_t kl = strlen (key), w;

  if (n <= kl || memcmp (l, key, kl) != 0)
    return 0;
  *v = kl;
  if (l[*v] == '"' || l[*v] == '\'')
    (*v)++;
  w = word (l, n, *v);
  while (w > 0 && (l[*v + w - 1] == '"' || l[*v + w - 1] == '\''))
    w--;
  return w;
}

static void
netplan_line (struct nic_ctx *c, const char *l, size_t n, size_t i)
{
  size_t w = 0;

  if (i == n || l[i] == '#')
    return;
  while (i + w < n && l[i + w] != ':' && !is_blank (l[i + w]))
    w++;
  if ((int) i <= c->eth_indent || c->eth_indent < 0) {
    c->eth_indent = -1;
    if (w == 9 && memcmp (l + i, "ethernets", 9) == 0 && i + w < n
        && l[i + w] == ':') {
      c->eth_indent = (int) i;
      c->name_indent = -1;
    }
    return;
  }
  if (c->name_indent < 0)
    c->name_indent = (int) i;
  if ((int) i == c->name_indent && i + w < n && l[i + w] == ':')
    add_name (c, l + i, w);
}

static int
nic_line (void *opaque, const char *l, size_t n, size_t lineno)
{
  struct nic_ctx *c = opaque;
  size_t i = 0, v, w;

  (void) lineno;
  while (i < n && is_blank (l[i]))
    i++;
  switch (c->kind) {
  case V2C_NET_IFUPDOWN:
    for (v = 0; v < 3; v++) {
      static const char *const kw[] = { "iface", "auto", "allow-hotplug" };
      size_t kl = strlen (kw[v]);
      if (n - i > kl && memcmp (l + i, kw[v], kl) == 0
          && is_blank (l[i + kl])) {
        i += kl;
        /* "auto a b c" names several */
        while (i < n) {
          while (i < n && is_blank (l[i]))
            i++;
          w = word (l, n, i);
          if (w == 0)
            break;
          add_name (c, l + i, w);
          i += w;
          if (v == 0)
            break;
        }
        break;
      }
    }
    break;
  case V2C_NET_NETWORKD:
    if ((w = assignment (l + i, n - i, "Name=", &v)))
      add_name (c, l + i + v, w);
    break;
  case V2C_NET_IFCFG:
    if ((w = assignment (l + i, n - i, "DEVICE=", &v)))
      add_name (c, l + i + v, w);
    break;
  case V2C_NET_NM:
    if ((w = assignment (l + i, n - i, "interface-name=", &v)))
      add_name (c, l + i + v, w);
    break;
  case V2C_NET_NETPLAN:
    netplan_line (c, l, n, i);
    break;
  }
  return c->failed ? -1 : 0;
}

int
v2c_vm_nic_names (enum v2c_vm_netconf kind, const char *text, size_t len,
                  struct v2c_strvec *names, struct v2c_err *err)
{
  struct nic_ctx c = { kind, names, 0, -1, -1 };

  if (too_large (len, err))
    return -1;
  if (each_line (text, len, nic_line, &c) == -1)
    return v2c_set_error (err, ENOMEM, "out of memory");
  return 0;
}

/* ethN and the numbered en* names: (class, number) to sort by. */
static void
nic_key (const char *s, int *cls, long *num)
{
  const char *d = s;

  while (*d && !is_digit (*d))
    d++;
  *cls = strncmp (s, "eth", 3) == 0 ? 0 : strncmp (s, "en", 2) == 0 ? 1 : 2;
  *num = *d ? strtol (d, NULL, 10) : -1;
}

static int
nic_cmp (const void *a, const void *b)
{
  const char *x = *(char *const *) a, *y = *(char *const *) b;
  int cx, cy;
  long nx, ny;

  nic_key (x, &cx, &nx);
  nic_key (y, &cy, &ny);
  if (cx != cy)
    return cx < cy ? -1 : 1;
  if (nx != ny)
    return nx < ny ? -1 : 1;
  return strcmp (x, y);
}

void
v2c_vm_sort_nic_names (struct v2c_strvec *names)
{
  if (names->n > 1)
    qsort (names->v, names->n, sizeof *names->v, nic_cmp);
}
