/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VMX reader.  A .vmx is a list of 'key = "value"' lines.  Keys are
 * case-insensitive, the last of duplicate keys wins (as VMware does),
 * and values may carry '|XX' hex escapes ('|22' is '"', '|7C' is '|').
 * '.encoding' names the charset of the whole file; like libvirt, the
 * file is read once to find it, decoded into UTF-8 and read again.
 * Without '.encoding' it is UTF-8, and bytes that are not are an error
 * (the VM's name would otherwise not survive into the inventory).
 *
 * Devices are read the way libvirt's VMX driver (src/vmx/vmx.c) reads
 * them, so that its vmx2xml test data can serve as the ground truth:
 * disks in the order SCSI (controller 0-3, unit 0-64), SATA (0-3, unit
 * 0-29), IDE (bus 0-1, unit 0-1), then NVMe (0-3, unit 0-63), each
 * controller only when '<ctrl>N.present' is true (IDE has no such key).
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "v2c-internal.h"

/* A VMX is a few hundred lines; these bounds only stop hostile input. */
#define VMX_MAX_LINE (1u << 20)
#define VMX_MAX_KEYS 100000
#define VMX_MAX_KEY 256
/* How much of a bad value to quote in an error message. */
#define VMX_QUOTE 64

struct vmx_entry {
  char *key;   /* lower case */
  char *value; /* '|XX' escapes decoded */
  size_t seq;  /* position in the file, so that the last one wins */
  size_t line;
};

struct vmx {
  struct vmx_entry *e;
  size_t n, cap;
};

static void
vmx_free (struct vmx *vmx)
{
  size_t i;

  for (i = 0; i < vmx->n; i++) {
    free (vmx->e[i].key);
    free (vmx->e[i].value);
  }
  free (vmx->e);
  memset (vmx, 0, sizeof *vmx);
}

/* Decode '|XX'.  A '|' not followed by two hex digits, and '|00' (which
 * would cut the C string short), stay as written. */
static char *
unescape (const char *s, size_t n)
{
  char *out = malloc (n + 1);
  size_t i, j = 0;

  if (out == NULL)
    return NULL;
  for (i = 0; i < n; i++) {
    if (s[i] == '|' && i + 2 < n) {
      int hi = v2c_hex_value (s[i + 1]);
      int lo = v2c_hex_value (s[i + 2]);

      if (hi >= 0 && lo >= 0 && (hi | lo) != 0) {
        out[j++] = (char)(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out[j++] = s[i];
  }
  out[j] = '\0';
  return out;
}

static bool
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

static bool
is_key_char (unsigned char c)
{
  return c > 0x20 && c < 0x7f && c != '=' && c != '"' && c != '#';
}

static int
vmx_add (struct vmx *vmx, const char *key, size_t keylen, const char *val,
         size_t vallen, size_t lineno, struct v2c_err *err)
{
  struct vmx_entry *e;
  size_t i;

  if (vmx->n >= VMX_MAX_KEYS)
    return v2c_set_error (err, 0, "line %zu: more than %d keys", lineno,
                          VMX_MAX_KEYS);
  if (vmx->n == vmx->cap) {
    size_t ncap = vmx->cap ? vmx->cap * 2 : 128;

    e = realloc (vmx->e, ncap * sizeof *e);
    if (e == NULL)
      return v2c_set_error (err, errno, "out of memory");
    vmx->e = e;
    vmx->cap = ncap;
  }
  e = &vmx->e[vmx->n];
  e->key = strndup (key, keylen);
  e->value = unescape (val, vallen);
  e->seq = vmx->n;
  e->line = lineno;
  if (e->key == NULL || e->value == NULL) {
    free (e->key);
    free (e->value);
    return v2c_set_error (err, errno, "out of memory");
  }
  for (i = 0; i < keylen; i++)
    if (e->key[i] >= 'A' && e->key[i] <= 'Z')
      e->key[i] = (char)(e->key[i] - 'A' + 'a');
  vmx->n++;
  return 0;
}

/* One line without its end-of-line. */
static int
parse_line (struct vmx *vmx, const char *p, size_t n, size_t lineno,
            struct v2c_err *err)
{
  size_t i = 0, k0, k1, v0, v1;

  if (n > 0 && p[n - 1] == '\r')
    n--;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return v2c_set_error (err, 0, "line %zu: control character 0x%02x",
                            lineno, c);
  }
  i = 0;
  while (i < n && is_blank (p[i]))
    i++;
  if (i == n || p[i] == '#')
    return 0;

  k0 = i;
  while (i < n && is_key_char ((unsigned char)p[i]))
    i++;
  k1 = i;
  if (k1 == k0)
    return v2c_set_error (err, 0, "line %zu: expected 'key = \"value\"'",
                          lineno);
  if (k1 - k0 > VMX_MAX_KEY)
    return v2c_set_error (err, 0, "line %zu: key longer than %d bytes", lineno,
                          VMX_MAX_KEY);
  while (i < n && is_blank (p[i]))
    i++;
  if (i == n || p[i] != '=')
    return v2c_set_error (err, 0, "line %zu: expected '=' after '%.*s'",
                          lineno, (int)(k1 - k0), p + k0);
  i++;
  while (i < n && is_blank (p[i]))
    i++;

  if (i < n && p[i] == '"') {
    const char *q;

    v0 = ++i;
    q = memchr (p + i, '"', n - i);
    if (q == NULL)
      return v2c_set_error (err, 0,
                            "line %zu: the value of '%.*s' has no closing "
                            "quote",
                            lineno, (int)(k1 - k0), p + k0);
    v1 = (size_t)(q - p);
    i = v1 + 1;
    while (i < n && is_blank (p[i]))
      i++;
    if (i < n && p[i] != '#')
      return v2c_set_error (err, 0,
                            "line %zu: unexpected text after the value of "
                            "'%.*s'",
                            lineno, (int)(k1 - k0), p + k0);
  } else {
    /* VMware always quotes, but hand-edited files sometimes don't. */
    v0 = i;
    v1 = n;
    while (v1 > v0 && is_blank (p[v1 - 1]))
      v1--;
  }
  return vmx_add (vmx, p + k0, k1 - k0, p + v0, v1 - v0, lineno, err);
}

static int
entry_cmp (const void *a, const void *b)
{
  const struct vmx_entry *x = a, *y = b;
  int r = strcmp (x->key, y->key);

  if (r)
    return r;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
vmx_load (struct vmx *vmx, const char *buf, size_t len, struct v2c_err *err)
{
  size_t off = 0, lineno = 0, i, j;

  if (len == 0)
    return 0;
  if (memchr (buf, '\0', len) != NULL)
    return v2c_set_error (err, 0, "VMX contains a NUL byte (not a text file)");
  /* UTF-8 byte order mark. */
  if (len >= 3 && memcmp (buf, "\xef\xbb\xbf", 3) == 0)
    off = 3;

  while (off < len) {
    const char *nl = memchr (buf + off, '\n', len - off);
    size_t n = nl ? (size_t)(nl - (buf + off)) : len - off;

    lineno++;
    if (n > VMX_MAX_LINE)
      return v2c_set_error (err, 0, "line %zu is longer than %u bytes", lineno,
                            VMX_MAX_LINE);
    if (parse_line (vmx, buf + off, n, lineno, err) == -1)
      return -1;
    off += n + (nl != NULL);
  }

  /* Keep only the last of each key; sorted for bsearch. */
  if (vmx->n > 1)
    qsort (vmx->e, vmx->n, sizeof *vmx->e, entry_cmp);
  for (i = 0, j = 0; i < vmx->n; i++) {
    if (i + 1 < vmx->n && strcmp (vmx->e[i].key, vmx->e[i + 1].key) == 0) {
      free (vmx->e[i].key);
      free (vmx->e[i].value);
      continue;
    }
    vmx->e[j++] = vmx->e[i];
  }
  vmx->n = j;
  return 0;
}

static int
key_cmp (const void *k, const void *e)
{
  return strcmp (k, ((const struct vmx_entry *)e)->key);
}

/* Look up a key given as printf format (lower-cased before the search). */
static const char *vmx_get (const struct vmx *vmx, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static const char *
vmx_get (const struct vmx *vmx, const char *fmt, ...)
{
  char key[VMX_MAX_KEY + 1];
  const struct vmx_entry *e;
  va_list ap;
  int r;
  char *p;

  va_start (ap, fmt);
  r = vsnprintf (key, sizeof key, fmt, ap);
  va_end (ap);
  if (r < 0 || (size_t)r >= sizeof key)
    return NULL;
  for (p = key; *p; p++)
    if (*p >= 'A' && *p <= 'Z')
      *p = (char)(*p - 'A' + 'a');
  if (vmx->n == 0)
    return NULL;
  e = bsearch (key, vmx->e, vmx->n, sizeof *vmx->e, key_cmp);
  return e ? e->value : NULL;
}

static bool
is_true (const char *v)
{
  return v != NULL
         && (strcasecmp (v, "true") == 0 || strcasecmp (v, "yes") == 0
             || strcmp (v, "1") == 0);
}

/* Strict decimal integer in [min, max]. */
static int
get_int (const struct vmx *vmx, const char *key, int64_t min, int64_t max,
         int64_t *out, struct v2c_err *err)
{
  const char *v = vmx_get (vmx, "%s", key), *p;
  bool neg = false;
  uint64_t acc = 0;

  if (v == NULL)
    return 0;
  p = v;
  while (is_blank (*p))
    p++;
  if (*p == '-' || *p == '+')
    neg = *p++ == '-';
  if (*p < '0' || *p > '9')
    goto nan;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (acc > (UINT64_MAX - 9) / 10)
      goto range;
    acc = acc * 10 + (uint64_t)(*p - '0');
  }
  while (is_blank (*p))
    p++;
  if (*p != '\0')
    goto nan;
  if (acc > (uint64_t)INT64_MAX)
    goto range;
  *out = neg ? -(int64_t)acc : (int64_t)acc;
  if (*out < min || *out > max)
    goto range;
  return 1;

nan:
  return v2c_set_error (err, 0, "'%s' = '%.*s' is not a number", key,
                        VMX_QUOTE, v);
range:
  return v2c_set_error (err, 0, "'%s' = '%.*s' is out of range", key,
                        VMX_QUOTE, v);
}

static char *
lowercase_dup (const char *s)
{
  char *r = strdup (s), *p;

  if (r)
    for (p = r; *p; p++)
      if (*p >= 'A' && *p <= 'Z')
        *p = (char)(*p - 'A' + 'a');
  return r;
}

static int
dup_or_null (const char *s, char **out, bool lower, struct v2c_err *err)
{
  *out = NULL;
  if (s == NULL)
    return 0;
  *out = lower ? lowercase_dup (s) : strdup (s);
  if (*out == NULL)
    return v2c_set_error (err, errno, "out of memory");
  return 0;
}

/* ------------------------------------------------------------------ */
/* Encodings                                                           */

/* The charsets VMware writes into '.encoding' (and their usual
 * aliases); all of them keep ASCII as it is, which the first reading,
 * before the decoding, relies on.  An allow-list rather than whatever
 * iconv takes: UTF-7 or UTF-16 would turn the file into something else. */
static bool
known_encoding (const char *e)
{
  static const char *const prefixes[] = { "windows-125", "cp125", "iso-8859-",
                                          "iso8859-" };
  static const char *const names[]
      = { "us-ascii", "shift_jis", "sjis",      "cp932",  "windows-31j",
          "euc-jp",   "gbk",       "gb2312",    "gb18030", "cp936",
          "big5",     "big5-hkscs", "cp950",    "euc-kr", "cp949",
          "euc-tw",   "koi8-r",    "koi8-u" };
  size_t i, n;

  for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
    n = strlen (prefixes[i]);
    if (strncasecmp (e, prefixes[i], n) == 0 && e[n] >= '0' && e[n] <= '9'
        && strspn (e + n, "0123456789") == strlen (e + n)
        && strlen (e + n) <= 2)
      return true;
  }
  for (i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcasecmp (e, names[i]) == 0)
      return true;
  return false;
}

static size_t
line_of (const char *buf, size_t off)
{
  size_t line = 1, i;

  for (i = 0; i < off; i++)
    line += buf[i] == '\n';
  return line;
}

static bool
is_utf8_name (const char *e)
{
  return strcasecmp (e, "UTF-8") == 0 || strcasecmp (e, "UTF8") == 0;
}

/* After the first reading: decode the file into UTF-8 and read it again
 * when '.encoding' says it is something else. */
static int
vmx_decode (struct vmx *vmx, const char *buf, size_t len, struct v2c_err *err)
{
  const char *enc = vmx_get (vmx, ".encoding");
  CLEANUP_FREE char *utf8 = NULL;
  size_t bad = 0, n = 0, off = 0, i;

  if (len >= 3 && memcmp (buf, "\xef\xbb\xbf", 3) == 0)
    off = 3;
  if (enc == NULL || is_utf8_name (enc)) {
    if (!v2c_utf8_valid (buf + off, len - off, &bad))
      return v2c_set_error (err, 0, "line %zu: not valid UTF-8%s",
                            line_of (buf, off + bad),
                            enc ? "" : " (and no '.encoding' says otherwise)");
  } else {
    if (!known_encoding (enc))
      return v2c_set_error (err, 0,
                            "'.encoding' = '%.*s' is not an encoding v2c "
                            "knows",
                            VMX_QUOTE, enc);
    utf8 = v2c_to_utf8 (buf + off, len - off, enc, &n, &bad);
    if (utf8 == NULL) {
      if (errno == EILSEQ)
        return v2c_set_error (err, 0, "line %zu: not valid %s",
                              line_of (buf, off + bad), enc);
      if (errno == EINVAL)
        return v2c_set_error (err, 0,
                              "'.encoding' = '%s': iconv can't decode it",
                              enc);
      return v2c_set_error (err, errno, "out of memory");
    }
    vmx_free (vmx);
    if (vmx_load (vmx, utf8, n, err) == -1)
      return -1;
  }
  /* A '|XX' escape may still make a value that is not UTF-8. */
  for (i = 0; i < vmx->n; i++)
    if (!v2c_utf8_valid (vmx->e[i].value, strlen (vmx->e[i].value), NULL))
      return v2c_set_error (err, 0,
                            "line %zu: the value of '%s' is not valid UTF-8",
                            vmx->e[i].line, vmx->e[i].key);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Disks                                                               */

struct ctrl_kind {
  const char *name;
  int max_ctrl; /* controllers 0 .. max_ctrl-1 */
  int max_unit; /* units 0 .. max_unit-1 */
  bool has_present;
};

/* libvirt's order.  SCSI units go to 64 for pvscsi on hardware version
 * 13+ ("superwide"); NVMe has 64 namespaces per controller on vSphere 8. */
static const struct ctrl_kind ctrl_kinds[] = {
  { "scsi", 4, 65, true },
  { "sata", 4, 30, true },
  { "ide", 2, 2, false },
  { "nvme", 4, 64, true },
};

static bool
is_cdrom_type (const char *t)
{
  static const char *const types[] = {
    "cdrom-image",
    "atapi-cdrom",
    "cdrom-raw",
    "scsi-passthru",
  };
  size_t i;

  for (i = 0; i < sizeof types / sizeof types[0]; i++)
    if (strcasecmp (t, types[i]) == 0)
      return true;
  return false;
}

static bool
is_disk_type (const char *t)
{
  return strcasecmp (t, "scsi-hardDisk") == 0 || strcasecmp (t, "disk") == 0
         || strcasecmp (t, "ata-hardDisk") == 0;
}

static char *
resolve (const char *file, const char *dir)
{
  size_t dl;
  char *r;

  if (file[0] == '/')
    return strdup (file);
  dl = strlen (dir);
  while (dl > 1 && dir[dl - 1] == '/')
    dl--;
  if (asprintf (&r, "%.*s/%s", (int)dl, dir, file) == -1)
    return NULL;
  return r;
}

static int
add_disk (struct v2c_vm *vm, const struct vmx *vmx, const struct ctrl_kind *k,
          int ctrl, int unit, const char *ctrl_model, const char *dir,
          struct v2c_err *err)
{
  const char *type, *file;
  struct v2c_vm_disk *d;

  if (!is_true (vmx_get (vmx, "%s%d:%d.present", k->name, ctrl, unit)))
    return 0;
  /* Client devices are the vSphere client's CD-ROM or floppy. */
  if (is_true (vmx_get (vmx, "%s%d:%d.clientDevice", k->name, ctrl, unit)))
    return 0;
  type = vmx_get (vmx, "%s%d:%d.deviceType", k->name, ctrl, unit);
  file = vmx_get (vmx, "%s%d:%d.fileName", k->name, ctrl, unit);
  if (file == NULL || (type && is_cdrom_type (type)))
    return 0;
  if (v2c_strcasesuffix (file, ".iso")
      || strcmp (file, "emptyBackingString") == 0)
    return 0;
  if (!v2c_strcasesuffix (file, ".vmdk")) {
    /* A hard disk we cannot read (a raw device mapping, say) must not
     * vanish from the conversion without a word; anything else that is
     * not a .vmdk is some other kind of device. */
    if (type && is_disk_type (type))
      return v2c_set_error (err, 0,
                            "'%s%d:%d.fileName' = '%.*s' is not a .vmdk file",
                            k->name, ctrl, unit, VMX_QUOTE, file);
    return 0;
  }
  if (type && !is_disk_type (type))
    return v2c_set_error (err, 0,
                          "'%s%d:%d.deviceType' = '%.*s' is not a disk type "
                          "v2c knows",
                          k->name, ctrl, unit, VMX_QUOTE, type);

  d = v2c_vm_add_disk (vm, err);
  if (d == NULL)
    return -1;
  d->bus = ctrl;
  d->unit = unit;
  d->file = strdup (file);
  d->format = strdup ("vmdk");
  d->controller = strdup (k->name);
  if (ctrl_model)
    d->controller_model = lowercase_dup (ctrl_model);
  if (dir)
    d->path = resolve (file, dir);
  if (d->file == NULL || d->format == NULL || d->controller == NULL
      || (ctrl_model && d->controller_model == NULL)
      || (dir && d->path == NULL))
    return v2c_set_error (err, errno, "out of memory");
  return 0;
}

static int
read_disks (struct v2c_vm *vm, const struct vmx *vmx, const char *dir,
            struct v2c_err *err)
{
  size_t i;
  int ctrl, unit;

  for (i = 0; i < sizeof ctrl_kinds / sizeof ctrl_kinds[0]; i++) {
    const struct ctrl_kind *k = &ctrl_kinds[i];

    for (ctrl = 0; ctrl < k->max_ctrl; ctrl++) {
      const char *model = NULL;

      if (k->has_present
          && !is_true (vmx_get (vmx, "%s%d.present", k->name, ctrl)))
        continue;
      if (strcmp (k->name, "scsi") == 0)
        model = vmx_get (vmx, "scsi%d.virtualDev", ctrl);
      else if (strcmp (k->name, "sata") == 0)
        model = "ahci";
      for (unit = 0; unit < k->max_unit; unit++)
        if (add_disk (vm, vmx, k, ctrl, unit, model, dir, err) == -1)
          return -1;
    }
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* NICs                                                                */

/* "00:50:56:AB:cd:ef" (or with '-') to lower case with ':'. */
static char *
normalize_mac (const char *s)
{
  static const char digits[] = "0123456789abcdef";
  char out[18];
  int i;

  for (i = 0; i < 6; i++) {
    const char *p = s + i * 3;
    int hi, lo;

    if ((hi = v2c_hex_value (p[0])) < 0 || (lo = v2c_hex_value (p[1])) < 0)
      return NULL;
    if (i < 5 && p[2] != ':' && p[2] != '-')
      return NULL;
    if (i == 5 && p[2] != '\0')
      return NULL;
    out[i * 3] = digits[hi];
    out[i * 3 + 1] = digits[lo];
    out[i * 3 + 2] = i < 5 ? ':' : '\0';
  }
  return strdup (out);
}

static int
read_nic (struct v2c_vm *vm, const struct vmx *vmx, int i, struct v2c_err *err)
{
  const char *dev, *features, *atype, *mac, *mac_key, *ctype, *net;
  struct v2c_vm_nic *nic;

  if (!is_true (vmx_get (vmx, "ethernet%d.present", i)))
    return 0;
  nic = v2c_vm_add_nic (vm, err);
  if (nic == NULL)
    return -1;

  /* VMware's (and libvirt's) rule: vmxnet with features 15 is vmxnet2.
   * With no virtualDev at all ESX gives the guest a vlance (PCnet32). */
  dev = vmx_get (vmx, "ethernet%d.virtualDev", i);
  features = vmx_get (vmx, "ethernet%d.features", i);
  if (dev && strcasecmp (dev, "vmxnet") == 0 && features
      && strcmp (features, "15") == 0)
    dev = "vmxnet2";
  if (dup_or_null (dev ? dev : "vlance", &nic->model, true, err) == -1)
    return -1;

  /* A distributed switch port: the port group key names the network.
   * Otherwise networkName, for bridged/custom (or unset) connections;
   * NAT and host-only networks have no name outside the host. */
  ctype = vmx_get (vmx, "ethernet%d.connectionType", i);
  if (vmx_get (vmx, "ethernet%d.dvs.switchId", i))
    net = vmx_get (vmx, "ethernet%d.dvs.portgroupId", i);
  else if (ctype == NULL || strcasecmp (ctype, "bridged") == 0
           || strcasecmp (ctype, "custom") == 0)
    net = vmx_get (vmx, "ethernet%d.networkName", i);
  else
    net = NULL;
  if (dup_or_null (net, &nic->network, false, err) == -1)
    return -1;

  atype = vmx_get (vmx, "ethernet%d.addressType", i);
  if (atype && strcasecmp (atype, "static") == 0)
    mac_key = "address";
  else if (atype == NULL || strcasecmp (atype, "generated") == 0
           || strcasecmp (atype, "vpx") == 0)
    mac_key = "generatedAddress";
  else if (vmx_get (vmx, "ethernet%d.address", i))
    mac_key = "address";
  else
    mac_key = "generatedAddress";
  mac = vmx_get (vmx, "ethernet%d.%s", i, mac_key);
  if (mac) {
    nic->mac = normalize_mac (mac);
    if (nic->mac == NULL)
      return v2c_set_error (err, 0,
                            "'ethernet%d.%s' = '%.*s' is not a MAC address", i,
                            mac_key, VMX_QUOTE, mac);
  }
  return 0;
}

/* pciPassthruN: a GPU passed through (an NVIDIA or AMD vendor ID, as
 * the device or as Dynamic DirectPath's first allowed device) or an
 * NVIDIA vGPU (its profile in .vgpu).  Other devices are not GPUs. */
static int
read_gpu (struct v2c_vm *vm, const struct vmx *vmx, int i, int64_t mmio,
          struct v2c_err *err)
{
  static const char *const keys[][2]
      = { { "vendorId", "deviceId" },
          { "allowedDevice0.vendorId", "allowedDevice0.deviceId" } };
  const char *profile, *v;
  char ven[7] = "", dev[7] = "", src[32];
  struct v2c_vm_gpu *g;
  size_t k;

  if (!is_true (vmx_get (vmx, "pciPassthru%d.present", i)))
    return 0;
  profile = vmx_get (vmx, "pciPassthru%d.vgpu", i);
  if (profile && *profile == '\0')
    profile = NULL;
  for (k = 0; k < 2 && !ven[0]; k++) {
    if ((v = vmx_get (vmx, "pciPassthru%d.%s", i, keys[k][0])) != NULL
        && v2c_pci_id (v, ven) == -1)
      return v2c_set_error (err, 0, "'pciPassthru%d.%s' = '%.*s' is not a "
                            "PCI vendor ID", i, keys[k][0], VMX_QUOTE, v);
    if (ven[0] && (v = vmx_get (vmx, "pciPassthru%d.%s", i, keys[k][1])) != NULL
        && v2c_pci_id (v, dev) == -1)
      return v2c_set_error (err, 0, "'pciPassthru%d.%s' = '%.*s' is not a "
                            "PCI device ID", i, keys[k][1], VMX_QUOTE, v);
  }
  if (profile == NULL && v2c_pci_gpu_vendor (ven) == NULL)
    return 0;
  snprintf (src, sizeof src, "pciPassthru%d", i);
  g = v2c_vm_add_gpu (vm, profile ? "vgpu" : "passthrough",
                      ven[0] ? ven : NULL, dev[0] ? dev : NULL, profile, src,
                      err);
  if (g == NULL)
    return -1;
  g->mmio_gb = mmio;
  return 0;
}

/* ------------------------------------------------------------------ */

int
v2c_vmx_parse (const char *buf, size_t len, const char *dir, struct v2c_vm *vm,
               struct v2c_err *err)
{
  struct vmx vmx = { 0 };
  const char *v;
  int64_t n;
  int i, r;

  memset (vm, 0, sizeof *vm);
  if (buf == NULL && len > 0)
    return v2c_set_error (err, EINVAL, "can't parse VMX");
  /* Checked here, not in vmx_load: decoded into UTF-8 the file may grow. */
  if (len > V2C_MAX_DESCRIPTOR_BYTES)
    return v2c_set_error (err, 0, "VMX is larger than %u bytes",
                          V2C_MAX_DESCRIPTOR_BYTES);
  if (vmx_load (&vmx, buf, len, err) == -1
      || vmx_decode (&vmx, buf, len, err) == -1)
    goto fail;

  if (dup_or_null (vmx_get (&vmx, "displayName"), &vm->name, false, err) == -1
      || dup_or_null (vmx_get (&vmx, "guestOS"), &vm->guest_os_id, false, err)
             == -1)
    goto fail;

  /* libvirt's defaults when the keys are absent. */
  vm->cpus = 1;
  n = 0;
  r = get_int (&vmx, "numvcpus", 1, V2C_MAX_CPUS, &n, err);
  if (r == -1)
    goto fail;
  if (r == 1)
    vm->cpus = (int)n;
  vm->memory_mib = 32;
  r = get_int (&vmx, "memsize", 1, (int64_t)V2C_MAX_MEMORY_MIB, &n, err);
  if (r == -1)
    goto fail;
  if (r == 1)
    vm->memory_mib = n;

  v = vmx_get (&vmx, "firmware");
  if (v) {
    if (strcasecmp (v, "efi") != 0 && strcasecmp (v, "bios") != 0) {
      v2c_set_error (err, 0, "'firmware' = '%.*s' is not 'bios' or 'efi'",
                     VMX_QUOTE, v);
      goto fail;
    }
    if (dup_or_null (v, &vm->firmware, true, err) == -1)
      goto fail;
  }

  if (read_disks (vm, &vmx, dir, err) == -1)
    goto fail;
  for (i = 0; i < V2C_MAX_NICS; i++)
    if (read_nic (vm, &vmx, i, err) == -1)
      goto fail;
  /* the GPUs, and the 64-bit MMIO space they need (large GPU memory) */
  n = 0;
  if (is_true (vmx_get (&vmx, "pciPassthru.use64bitMMIO"))
      && get_int (&vmx, "pciPassthru.64bitMMIOSizeGB", 1, 1 << 20, &n, err)
             == -1)
    goto fail;
  for (i = 0; i < V2C_MAX_GPUS; i++)
    if (read_gpu (vm, &vmx, i, n, err) == -1)
      goto fail;

  vmx_free (&vmx);
  return 0;

fail:
  vmx_free (&vmx);
  v2c_vm_free_contents (vm);
  return -1;
}
