/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * OVF envelope reader (DSP0243 0.9, 1.x, 2.x and the dialects written by
 * vSphere/ovftool, VirtualBox and oVirt).  The document is walked as a
 * tree: elements are matched by local name, and structural elements must
 * also be in one of the OVF envelope namespaces, which covers every
 * prefix a producer may choose.  Property elements inside an Item
 * (rasd:, sasd:, epasd:) are matched by local name alone because real
 * files carry misspelt namespace URIs for them (DSP0243's own example
 * has a space in the epasd URI).
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "v2c-internal.h"

/* A VirtualSystemCollection may hold collections; deeper nesting than
 * this is refused rather than followed. */
#define OVF_MAX_NESTING 32
/* Items in one VirtualHardwareSection (a 16 MiB descriptor could hold
 * hundreds of thousands). */
#define OVF_MAX_ITEMS 8192

enum {
  RT_CPU = 3,
  RT_MEMORY = 4,
  RT_IDE = 5,
  RT_SCSI = 6,
  RT_NIC = 10,
  RT_CDROM = 15,
  RT_DVD = 16,
  RT_DISK = 17,
  RT_OTHER_STORAGE = 20,
  RT_LOGICAL_DISK = 31
};

struct ovf_item {
  xmlNodePtr node;
  bool storage_item; /* <StorageItem> (OVF 2.x sasd) */
  long type;         /* ResourceType, -1 when absent */
  char *instance_id;
  char *subtype;
  char *host_resource;
  char *parent;
  char *address;
  char *address_on_parent;
  char *connection;
  char *quantity;
  char *units;
  char *mac;             /* oVirt's rasd:MACAddress */
  char *sockets, *cores; /* oVirt's rasd:num_of_sockets / cpu_per_socket */
};

struct ovf_state {
  xmlDocPtr doc;
  xmlNodePtr root;
  char *config; /* selected deployment configuration, or NULL */
  bool oom;
  struct v2c_vm *vms;
  size_t nvms;
  struct v2c_err *err;
  /* parser callbacks */
  bool entity_seen;
  int have_error; /* 0, 1 an error, 2 a fatal error */
  char first_error[512];
};

/* Sort key of one disk, kept beside vm->disks while they are built. */
struct disk_key {
  int rank; /* controller kind */
  int bus;
  size_t ctrl_index; /* document position of the controller item */
  int unit;
  size_t index; /* document position of the disk item */
};

static bool
is_ovf_ns (const xmlNs *ns)
{
  const char *h;

  if (ns == NULL || ns->href == NULL)
    return false;
  h = (const char *) ns->href;
  /* 0.9 (VMware), 1.x and 2.x; oVirt writes envelope/1/ with a
   * trailing slash. */
  return strcmp (h, "http://www.vmware.com/schema/ovf/1/envelope") == 0
         || strcmp (h, "http://schemas.dmtf.org/ovf/envelope/1") == 0
         || strcmp (h, "http://schemas.dmtf.org/ovf/envelope/1/") == 0
         || strcmp (h, "http://schemas.dmtf.org/ovf/envelope/2") == 0
         || strcmp (h, "http://schemas.dmtf.org/ovf/envelope/2/") == 0;
}

/* Below the root, oVirt writes OVF elements without any namespace. */
static bool
in_ovf (const xmlNode *n)
{
  return n->ns == NULL || is_ovf_ns (n->ns);
}

static bool
is_elem (const xmlNode *n, const char *name)
{
  return n->type == XML_ELEMENT_NODE && in_ovf (n)
         && strcmp ((const char *) n->name, name) == 0;
}

/* Attribute by local name: one in an OVF namespace first, then one
 * without a namespace, then any (vmw:osType, vmw:key, xsi:type). */
static xmlAttrPtr
find_attr (const xmlNode *n, const char *name)
{
  xmlAttrPtr a, plain = NULL, other = NULL;

  if (n->type != XML_ELEMENT_NODE)
    return NULL;
  for (a = n->properties; a; a = a->next) {
    if (strcmp ((const char *) a->name, name) != 0)
      continue;
    if (is_ovf_ns (a->ns))
      return a;
    if (a->ns == NULL && plain == NULL)
      plain = a;
    else if (other == NULL)
      other = a;
  }
  return plain ? plain : other;
}

/* Copy an xmlChar string into a malloc'd one without surrounding white
 * space; frees x.  NULL in, NULL out. */
static char *
take_trimmed (struct ovf_state *st, xmlChar *x)
{
  const char *s, *e;
  char *r;

  if (x == NULL)
    return NULL;
  s = (const char *) x;
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
    s++;
  e = s + strlen (s);
  while (e > s
         && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
    e--;
  r = strndup (s, (size_t) (e - s));
  if (r == NULL)
    st->oom = true;
  xmlFree (x);
  return r;
}

static char *
attr_str (struct ovf_state *st, const xmlNode *n, const char *name)
{
  xmlAttrPtr a = find_attr (n, name);
  xmlChar *v;

  if (a == NULL)
    return NULL;
  v = xmlNodeListGetString (st->doc, a->children, 1);
  if (v == NULL) {
    /* An empty attribute has no children. */
    v = xmlStrdup ((const xmlChar *) "");
    if (v == NULL) {
      st->oom = true;
      return NULL;
    }
  }
  return take_trimmed (st, v);
}

/* Is attribute name equal to value?  Looked up many times per disk, so
 * the plain one-text-node case is compared in place. */
static bool
attr_eq (struct ovf_state *st, const xmlNode *n, const char *name,
         const char *value)
{
  xmlAttrPtr a = find_attr (n, name);
  char *v;
  bool r;

  if (a == NULL)
    return false;
  if (a->children && a->children->type == XML_TEXT_NODE
      && a->children->next == NULL && a->children->content
      && strpbrk ((const char *) a->children->content, " \t\r\n") == NULL)
    return strcmp ((const char *) a->children->content, value) == 0;
  v = attr_str (st, n, name);
  r = v && strcmp (v, value) == 0;
  free (v);
  return r;
}

static char *
text_str (struct ovf_state *st, xmlNodePtr n)
{
  xmlChar *v = xmlNodeGetContent (n);

  if (v == NULL) {
    st->oom = true;
    return NULL;
  }
  return take_trimmed (st, v);
}

/* The part of "prefix:Local_Type" this section's xsi:type names. */
static bool
xsi_type_is (const xmlNode *n, const char *name)
{
  xmlAttrPtr a;
  const char *t, *colon;
  size_t len = strlen (name);

  for (a = n->properties; a; a = a->next) {
    if (strcmp ((const char *) a->name, "type") != 0 || a->children == NULL
        || a->children->type != XML_TEXT_NODE || a->children->next)
      continue;
    t = (const char *) a->children->content;
    if (t == NULL)
      continue;
    colon = strrchr (t, ':');
    if (colon)
      t = colon + 1;
    if (strncmp (t, name, len) == 0 && strcmp (t + len, "_Type") == 0)
      return true;
  }
  return false;
}

/* Named section (1.x/2.x) or its OVF 0.9 spelling
 * <Section xsi:type="ovf:NAME_Type"> / <Content xsi:type=...>. */
static bool
is_section (const xmlNode *n, const char *name)
{
  if (n->type != XML_ELEMENT_NODE || !in_ovf (n))
    return false;
  if (strcmp ((const char *) n->name, name) == 0)
    return true;
  if (strcmp ((const char *) n->name, "Section") == 0
      || strcmp ((const char *) n->name, "Content") == 0)
    return xsi_type_is (n, name);
  return false;
}

/* First child element (any namespace) with this local name, compared
 * without case: OVF 0.9 writes InstanceId, 1.x InstanceID. */
static xmlNodePtr
child_any_ns (const xmlNode *n, const char *name)
{
  xmlNodePtr c;

  for (c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE
        && strcasecmp ((const char *) c->name, name) == 0)
      return c;
  return NULL;
}

static char *
child_text (struct ovf_state *st, const xmlNode *n, const char *name)
{
  xmlNodePtr c = child_any_ns (n, name);
  return c ? text_str (st, c) : NULL;
}

/* xs:unsignedLong: decimal digits only, optional surrounding blanks. */
static int
parse_u64 (const char *s, uint64_t *out)
{
  uint64_t v = 0;
  bool any = false;

  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
    s++;
  if (*s == '+')
    s++;
  for (; *s >= '0' && *s <= '9'; s++) {
    if (__builtin_mul_overflow (v, 10, &v)
        || __builtin_add_overflow (v, (uint64_t) (*s - '0'), &v))
      return -1;
    any = true;
  }
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
    s++;
  if (!any || *s != '\0')
    return -1;
  *out = v;
  return 0;
}

static const char *
skip_blanks (const char *s)
{
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
    s++;
  return s;
}

/* Read a run of decimal digits into *v (bounded, no overflow). */
static const char *
read_digits (const char *s, uint64_t *v)
{
  const char *start = s;

  *v = 0;
  for (; *s >= '0' && *s <= '9'; s++)
    if (__builtin_mul_overflow (*v, 10, v)
        || __builtin_add_overflow (*v, (uint64_t) (*s - '0'), v))
      return NULL;
  return s == start ? NULL : s;
}

/* DMTF programmatic units of bytes (DSP0004 annex C): "byte",
 * "byte * 2^20", "byte*10^9", "bit * 2^33", plus the older names
 * "MegaBytes", "KB", ....  On success the size in bytes of one unit is
 * *mul / *div (div is 8 for bits). */
static int
parse_byte_units (const char *u, uint64_t *mul, unsigned *div)
{
  static const struct {
    const char *name;
    unsigned shift;
  } named[] = {
    { "kilobytes", 10 }, { "kilobyte", 10 }, { "kb", 10 }, { "kib", 10 },
    { "megabytes", 20 }, { "megabyte", 20 }, { "mb", 20 }, { "mib", 20 },
    { "gigabytes", 30 }, { "gigabyte", 30 }, { "gb", 30 }, { "gib", 30 },
    { "terabytes", 40 }, { "terabyte", 40 }, { "tb", 40 }, { "tib", 40 },
  };
  const char *s = skip_blanks (u);
  size_t i;

  *mul = 1;
  *div = 1;
  for (i = 0; i < sizeof named / sizeof named[0]; i++) {
    size_t l = strlen (named[i].name);
    if (strncasecmp (s, named[i].name, l) == 0 && *skip_blanks (s + l) == 0) {
      *mul = UINT64_C (1) << named[i].shift;
      return 0;
    }
  }
  if (strncasecmp (s, "bytes", 5) == 0)
    s += 5;
  else if (strncasecmp (s, "byte", 4) == 0)
    s += 4;
  else if (strncasecmp (s, "bits", 4) == 0) {
    s += 4;
    *div = 8;
  } else if (strncasecmp (s, "bit", 3) == 0) {
    s += 3;
    *div = 8;
  } else
    return -1;
  for (;;) {
    uint64_t base, exp = 1, f = 1;

    s = skip_blanks (s);
    if (*s == '\0')
      return 0;
    if (*s != '*')
      return -1;
    s = read_digits (skip_blanks (s + 1), &base);
    if (s == NULL)
      return -1;
    s = skip_blanks (s);
    if (*s == '^') {
      s = read_digits (skip_blanks (s + 1), &exp);
      if (s == NULL || exp > 64)
        return -1;
    }
    while (exp-- > 0)
      if (__builtin_mul_overflow (f, base, &f))
        return -1;
    if (__builtin_mul_overflow (*mul, f, mul) || *mul == 0)
      return -1;
  }
}

/* quantity * units in bytes, at most max.  what names the number for
 * the error message. */
static int
scaled_bytes (struct ovf_state *st, const char *what, const char *quantity,
              const char *units, uint64_t max, uint64_t *bytes)
{
  uint64_t q, mul, b;
  unsigned div;

  if (parse_u64 (quantity, &q) == -1)
    return v2c_set_error (st->err, 0, "%s: '%s' is not a valid number", what,
                          quantity);
  if (units && *units && parse_byte_units (units, &mul, &div) == -1)
    return v2c_set_error (st->err, 0, "%s: unknown allocation units '%s'",
                          what, units);
  if (units == NULL || *units == '\0') {
    mul = 1;
    div = 1;
  }
  if (__builtin_mul_overflow (q, mul, &b) || b / div > max)
    return v2c_set_error (st->err, 0,
                          "%s: '%s' '%s' is larger than the limit of "
                          "%" PRIu64 " bytes",
                          what, quantity, units ? units : "byte", max);
  *bytes = b / div + (b % div != 0);
  return 0;
}

static char *
xstrdup (struct ovf_state *st, const char *s)
{
  char *r;

  if (s == NULL)
    return NULL;
  r = strdup (s);
  if (r == NULL)
    st->oom = true;
  return r;
}

/* Lower-case copy of the first whitespace separated token of s that
 * map() knows, else of the first token.  ResourceSubType may list
 * several alternatives ("virtio lsilogic", "VMXNET3 virtio"). */
static char *
pick_subtype (struct ovf_state *st, const char *s,
              const char *(*map) (const char *tok))
{
  char tok[64], first[64] = "";
  const char *p = s;

  while (*p) {
    size_t n = 0;
    const char *m;

    p = skip_blanks (p);
    while (p[n] && p[n] != ' ' && p[n] != '\t' && p[n] != '\n' && p[n] != '\r')
      n++;
    if (n == 0)
      break;
    if (n < sizeof tok) {
      size_t i;
      for (i = 0; i < n; i++)
        tok[i] = (char) (p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
      tok[n] = '\0';
      m = map ? map (tok) : NULL;
      if (m)
        return xstrdup (st, m);
      if (first[0] == '\0')
        memcpy (first, tok, n + 1);
    }
    p += n;
  }
  return first[0] ? xstrdup (st, first) : NULL;
}

static const char *
map_nic (const char *t)
{
  if (strcmp (t, "pcnet32") == 0 || strcmp (t, "vlance") == 0)
    return "vlance";
  if (strcmp (t, "e1000") == 0 || strcmp (t, "e1000e") == 0
      || strcmp (t, "vmxnet3") == 0 || strcmp (t, "vmxnet2") == 0
      || strcmp (t, "vmxnet") == 0)
    return t;
  return NULL;
}

static const char *
map_scsi (const char *t)
{
  if (strcmp (t, "virtualscsi") == 0 || strcmp (t, "pvscsi") == 0)
    return "pvscsi";
  if (strcmp (t, "lsilogic") == 0 || strcmp (t, "lsilogicsas") == 0
      || strcmp (t, "buslogic") == 0)
    return t;
  return NULL;
}

/* "00-16-8B-DB-00-5E" / "00:50:56:AA:BB:CC" -> lower case with colons;
 * NULL when it is not a MAC address. */
static char *
normalise_mac (struct ovf_state *st, const char *s)
{
  char mac[18];
  size_t i;

  if (strlen (s) != 17)
    return NULL;
  for (i = 0; i < 17; i++) {
    char c = s[i];
    if (i % 3 == 2) {
      if (c != ':' && c != '-')
        return NULL;
      mac[i] = ':';
    } else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
      mac[i] = c;
    else if (c >= 'A' && c <= 'F')
      mac[i] = (char) (c + 32);
    else
      return NULL;
  }
  mac[17] = '\0';
  return xstrdup (st, mac);
}

static void
item_free (struct ovf_item *it)
{
  free (it->instance_id);
  free (it->subtype);
  free (it->host_resource);
  free (it->parent);
  free (it->address);
  free (it->address_on_parent);
  free (it->connection);
  free (it->quantity);
  free (it->units);
  free (it->mac);
  free (it->sockets);
  free (it->cores);
}

static void
items_free (struct ovf_item *items, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    item_free (&items[i]);
  free (items);
}

/* Does a space separated ovf:configuration list name the selected
 * configuration?  Items without the attribute apply to every one. */
static bool
config_applies (struct ovf_state *st, const xmlNode *n)
{
  CLEANUP_FREE char *c = attr_str (st, n, "configuration");
  const char *p;
  size_t l;

  if (c == NULL || *c == '\0')
    return true;
  if (st->config == NULL)
    return false;
  l = strlen (st->config);
  for (p = c; *p;) {
    size_t w = strcspn (p, " \t\r\n");
    if (w == l && memcmp (p, st->config, l) == 0)
      return true;
    p += w;
    p += strspn (p, " \t\r\n");
  }
  return false;
}

static int
parse_resource_type (struct ovf_state *st, struct ovf_item *it)
{
  CLEANUP_FREE char *t = child_text (st, it->node, "ResourceType");
  uint64_t v;

  it->type = -1;
  if (t == NULL)
    return 0;
  if (parse_u64 (t, &v) == -1 || v > 65535)
    return v2c_set_error (st->err, 0, "invalid 'ResourceType' '%s'", t);
  it->type = (long) v;
  return 0;
}

/* Gather the items of one VirtualHardwareSection that apply to the
 * selected configuration. */
static int
collect_items (struct ovf_state *st, xmlNodePtr vhs, struct ovf_item **itemsp,
               size_t *np)
{
  struct ovf_item *items = NULL;
  size_t n = 0;
  xmlNodePtr c;

  for (c = vhs->children; c; c = c->next) {
    struct ovf_item *it;
    bool storage;

    if (c->type != XML_ELEMENT_NODE || !in_ovf (c))
      continue;
    storage = strcmp ((const char *) c->name, "StorageItem") == 0;
    if (!storage && strcmp ((const char *) c->name, "Item") != 0
        && strcmp ((const char *) c->name, "EthernetPortItem") != 0)
      continue;
    if (!config_applies (st, c))
      continue;
    if (n >= OVF_MAX_ITEMS) {
      items_free (items, n);
      return v2c_set_error (st->err, 0,
                            "more than %d items in a VirtualHardwareSection",
                            OVF_MAX_ITEMS);
    }
    it = realloc (items, (n + 1) * sizeof *items);
    if (it == NULL) {
      items_free (items, n);
      return v2c_set_error (st->err, errno, "out of memory");
    }
    items = it;
    it = &items[n++];
    memset (it, 0, sizeof *it);
    it->node = c;
    it->storage_item = storage;
    if (parse_resource_type (st, it) == -1) {
      items_free (items, n);
      return -1;
    }
    it->instance_id = child_text (st, c, "InstanceID");
    it->subtype = child_text (st, c, "ResourceSubType");
    it->host_resource = child_text (st, c, "HostResource");
    it->parent = child_text (st, c, "Parent");
    it->address = child_text (st, c, "Address");
    it->address_on_parent = child_text (st, c, "AddressOnParent");
    it->connection = child_text (st, c, "Connection");
    it->quantity = child_text (st, c, "VirtualQuantity");
    it->units = child_text (st, c, "AllocationUnits");
    it->mac = child_text (st, c, "MACAddress");
    it->sockets = child_text (st, c, "num_of_sockets");
    it->cores = child_text (st, c, "cpu_per_socket");
  }
  *itemsp = items;
  *np = n;
  return 0;
}

static int
set_cpus (struct ovf_state *st, struct v2c_vm *vm, const struct ovf_item *it)
{
  uint64_t v, s, c;

  if (it->quantity) {
    if (parse_u64 (it->quantity, &v) == -1)
      return v2c_set_error (st->err, 0,
                            "'VirtualQuantity' of the CPU item is not a "
                            "valid number: '%s'",
                            it->quantity);
  } else if (it->sockets && it->cores) {
    /* oVirt gives the topology instead of a count. */
    if (parse_u64 (it->sockets, &s) == -1 || parse_u64 (it->cores, &c) == -1
        || __builtin_mul_overflow (s, c, &v))
      return v2c_set_error (st->err, 0,
                            "invalid 'num_of_sockets' '%s' or "
                            "'cpu_per_socket' '%s' in the CPU item",
                            it->sockets, it->cores);
  } else
    return 0;
  if (v == 0 || v > V2C_MAX_CPUS)
    return v2c_set_error (st->err, 0,
                          "'VirtualQuantity' of the CPU item is %" PRIu64
                          ", outside 1..%d",
                          v, V2C_MAX_CPUS);
  vm->cpus = (int) v;
  return 0;
}

static int
set_memory (struct ovf_state *st, struct v2c_vm *vm, const struct ovf_item *it)
{
  uint64_t bytes;

  if (it->quantity == NULL)
    return 0;
  /* VMware always states the units; an item without them is read as
   * megabytes, which is what every producer that omits them means. */
  if (scaled_bytes (st, "'VirtualQuantity' of the memory item", it->quantity,
                    it->units ? it->units : "byte * 2^20",
                    V2C_MAX_MEMORY_MIB << 20, &bytes)
      == -1)
    return -1;
  if (bytes == 0)
    return v2c_set_error (st->err, 0,
                          "'VirtualQuantity' of the memory item is 0");
  vm->memory_mib = (int64_t) ((bytes + (1u << 20) - 1) >> 20);
  return 0;
}

/* Find an element <NAME ovf:ATTR="value"> among the children of the
 * SECTION sections of node and of its ancestors. */
static xmlNodePtr
find_in_sections (struct ovf_state *st, xmlNodePtr node, const char *section,
                  const char *name, const char *attr, const char *value)
{
  xmlNodePtr p, s, e;

  for (p = node; p && p->type == XML_ELEMENT_NODE; p = p->parent)
    for (s = p->children; s; s = s->next) {
      if (!is_section (s, section))
        continue;
      for (e = s->children; e; e = e->next)
        if (is_elem (e, name) && attr_eq (st, e, attr, value))
          return e;
    }
  return NULL;
}

/* ${key} in ovf:capacity names a ProductSection property. */
static char *
resolve_property (struct ovf_state *st, xmlNodePtr vs, const char *ref)
{
  CLEANUP_FREE char *key = NULL;
  xmlNodePtr p, s, e;
  size_t l = strlen (ref);

  if (l < 4 || strncmp (ref, "${", 2) != 0 || ref[l - 1] != '}')
    return NULL;
  key = strndup (ref + 2, l - 3);
  if (key == NULL) {
    st->oom = true;
    return NULL;
  }
  for (p = vs; p && p->type == XML_ELEMENT_NODE; p = p->parent)
    for (s = p->children; s; s = s->next) {
      if (!is_section (s, "ProductSection"))
        continue;
      for (e = s->children; e; e = e->next)
        if (is_elem (e, "Property") && attr_eq (st, e, "key", key)
            && config_applies (st, e))
          return attr_str (st, e, "value");
    }
  return NULL;
}

static const char *
format_of (const char *uri)
{
  if (strcasestr (uri, "vmdk"))
    return "vmdk";
  if (strcasestr (uri, "qcow"))
    return "qcow2";
  /* oVirt names raw images by this URI. */
  if (strcasestr (uri, "raw")
      || strcmp (uri, "http://en.wikipedia.org/wiki/Byte") == 0)
    return "raw";
  return NULL;
}

/* Controller number / unit: only an ordering hint, so a value that is
 * not a small number reads as unknown (-1) rather than failing. */
static int
bus_or_unit (const char *s)
{
  uint64_t v;

  if (s == NULL || parse_u64 (s, &v) == -1 || v > INT_MAX)
    return -1;
  return (int) v;
}

/* Fill d from a <File>: href and size. */
static int
fill_from_file (struct ovf_state *st, struct v2c_vm_disk *d, xmlNodePtr file)
{
  CLEANUP_FREE char *size = attr_str (st, file, "size");
  uint64_t v;

  d->file = attr_str (st, file, "href");
  if (d->file == NULL || *d->file == '\0')
    return v2c_set_error (st->err, 0, "a 'File' has no 'ovf:href'");
  /* ovf:size only informs (the file itself is what is read and
   * verified), so one that is not a number, as in templates that leave
   * "#SIZE#" for a tool to fill in, counts as not given. */
  if (size && *size && parse_u64 (size, &v) == 0 && v <= INT64_MAX)
    d->file_size = (int64_t) v;
  return 0;
}

/* File by ovf:id, or by ovf:href: oVirt's fileRef is the href. */
static xmlNodePtr
find_file (struct ovf_state *st, xmlNodePtr vs, const char *ref)
{
  xmlNodePtr f = find_in_sections (st, vs, "References", "File", "id", ref);
  return f ? f : find_in_sections (st, vs, "References", "File", "href", ref);
}

static int
fill_from_disk (struct ovf_state *st, xmlNodePtr vs, struct v2c_vm_disk *d,
                xmlNodePtr disk, const char *id)
{
  CLEANUP_FREE char *cap = attr_str (st, disk, "capacity");
  CLEANUP_FREE char *units = attr_str (st, disk, "capacityAllocationUnits");
  CLEANUP_FREE char *ref = attr_str (st, disk, "fileRef");
  CLEANUP_FREE char *fmt = attr_str (st, disk, "format");
  CLEANUP_FREE char *parent = attr_str (st, disk, "parentRef");
  CLEANUP_FREE char *prop = NULL;
  char what[128];
  uint64_t bytes;

  if (cap && strncmp (cap, "${", 2) == 0) {
    prop = resolve_property (st, vs, cap);
    if (prop == NULL)
      return v2c_set_error (st->err, 0,
                            "'ovf:capacity' of disk '%s' names property "
                            "'%s' which has no value",
                            id, cap);
  }
  snprintf (what, sizeof what, "'ovf:capacity' of disk '%.80s'", id);
  if (cap && *cap) {
    if (scaled_bytes (st, what, prop ? prop : cap, units,
                      V2C_MAX_CAPACITY_BYTES, &bytes)
        == -1)
      return -1;
    d->capacity_bytes = (int64_t) bytes;
  }
  if (fmt && format_of (fmt))
    d->format = xstrdup (st, format_of (fmt));
  /* A delta disk's base must at least exist; struct v2c_vm_disk has no
   * place for the chain itself. */
  if (parent && *parent
      && find_in_sections (st, vs, "DiskSection", "Disk", "diskId", parent)
             == NULL)
    return v2c_set_error (st->err, 0,
                          "disk '%s' has parent disk '%s' which is not in "
                          "the DiskSection",
                          id, parent);
  if (ref && *ref) {
    xmlNodePtr file = find_file (st, vs, ref);
    if (file == NULL)
      return v2c_set_error (st->err, 0,
                            "disk '%s' refers to file '%s' which is not in "
                            "References",
                            id, ref);
    return fill_from_file (st, d, file);
  }
  return 0;
}

static const struct ovf_item *
find_item (const struct ovf_item *items, size_t n, const char *id)
{
  size_t i;

  if (id == NULL)
    return NULL;
  for (i = 0; i < n; i++)
    if (items[i].instance_id && strcmp (items[i].instance_id, id) == 0)
      return &items[i];
  return NULL;
}

/* Controller of a disk from its parent item. */
static int
fill_controller (struct ovf_state *st, struct v2c_vm_disk *d,
                 struct disk_key *k, const struct ovf_item *items, size_t n,
                 const struct ovf_item *it)
{
  const struct ovf_item *p = find_item (items, n, it->parent);
  const char *sub;

  k->rank = 9;
  k->ctrl_index = SIZE_MAX;
  d->unit = bus_or_unit (it->address_on_parent);
  if (p == NULL)
    return 0;
  k->ctrl_index = (size_t) (p - items);
  d->bus = bus_or_unit (p->address);
  sub = p->subtype ? p->subtype : "";
  switch (p->type) {
  case RT_IDE:
    k->rank = 0;
    d->controller = xstrdup (st, "ide");
    d->controller_model = pick_subtype (st, sub, NULL);
    break;
  case RT_SCSI:
    k->rank = 1;
    d->controller = xstrdup (st, "scsi");
    d->controller_model = pick_subtype (st, sub, map_scsi);
    break;
  case RT_OTHER_STORAGE:
    if (strcasestr (sub, "ahci") || strcasestr (sub, "sata")) {
      k->rank = 2;
      d->controller = xstrdup (st, "sata");
      d->controller_model = xstrdup (st, "ahci");
    } else if (strcasestr (sub, "nvme")) {
      k->rank = 3;
      d->controller = xstrdup (st, "nvme");
    } else
      d->controller_model = pick_subtype (st, sub, NULL);
    break;
  default:
    break;
  }
  return 0;
}

static int
add_disk (struct ovf_state *st, xmlNodePtr vs, struct v2c_vm *vm,
          struct disk_key **keys, const struct ovf_item *items, size_t n,
          const struct ovf_item *it)
{
  struct v2c_vm_disk *d;
  struct disk_key *k;
  const char *hr = it->host_resource, *id;

  d = v2c_vm_add_disk (vm, st->err);
  if (d == NULL)
    return -1;
  k = realloc (*keys, vm->ndisks * sizeof **keys);
  if (k == NULL)
    return v2c_set_error (st->err, errno, "out of memory");
  *keys = k;
  k = &k[vm->ndisks - 1];
  memset (k, 0, sizeof *k);
  k->bus = -1;
  k->unit = -1;
  k->index = (size_t) (it - items);
  if (fill_controller (st, d, k, items, n, it) == -1)
    return -1;
  k->bus = d->bus;
  k->unit = d->unit;

  if (hr == NULL || *hr == '\0') {
    /* A disk to be created empty at deployment time. */
    uint64_t bytes;
    if (it->quantity && it->units) {
      if (scaled_bytes (st, "'VirtualQuantity' of a disk item", it->quantity,
                        it->units, V2C_MAX_CAPACITY_BYTES, &bytes)
          == -1)
        return -1;
      d->capacity_bytes = (int64_t) bytes;
    }
    return 0;
  }
  if (strncmp (hr, "ovf:", 4) == 0)
    hr += 4;
  if (strncmp (hr, "/file/", 6) == 0) {
    xmlNodePtr f = find_file (st, vs, hr + 6);
    if (f == NULL)
      return v2c_set_error (st->err, 0,
                            "disk item refers to file '%s' which is not in "
                            "References",
                            hr + 6);
    return fill_from_file (st, d, f);
  }
  if (strncmp (hr, "/disk/", 6) == 0)
    id = hr + 6;
  else if ((id = strrchr (hr, '/')) != NULL)
    id++; /* oVirt: "image-group/image" and diskId is the image */
  else
    id = hr;
  {
    xmlNodePtr disk
        = find_in_sections (st, vs, "DiskSection", "Disk", "diskId", id);
    if (disk == NULL)
      return v2c_set_error (st->err, 0,
                            "disk item refers to '%s' which is not in the "
                            "DiskSection",
                            it->host_resource);
    return fill_from_disk (st, vs, d, disk, id);
  }
}

static int
add_nic (struct ovf_state *st, struct v2c_vm *vm, const struct ovf_item *it)
{
  struct v2c_vm_nic *nic = v2c_vm_add_nic (vm, st->err);

  if (nic == NULL)
    return -1;
  if (it->subtype)
    nic->model = pick_subtype (st, it->subtype, map_nic);
  if (it->connection && *it->connection)
    nic->network = xstrdup (st, it->connection);
  if (it->mac)
    nic->mac = normalise_mac (st, it->mac);
  else if (it->address)
    nic->mac = normalise_mac (st, it->address);
  return 0;
}

static int
cmp_key (const struct disk_key *a, const struct disk_key *b)
{
  unsigned ab = (unsigned) a->bus, bb = (unsigned) b->bus;
  unsigned au = (unsigned) a->unit, bu = (unsigned) b->unit;

  /* Unknown bus/unit (-1) sort last through the unsigned casts. */
  if (a->rank != b->rank)
    return a->rank < b->rank ? -1 : 1;
  if (ab != bb)
    return ab < bb ? -1 : 1;
  if (a->ctrl_index != b->ctrl_index)
    return a->ctrl_index < b->ctrl_index ? -1 : 1;
  if (au != bu)
    return au < bu ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

/* Order disks as a hypervisor enumerates them: by controller kind (IDE,
 * SCSI, SATA, NVMe, then unknown), controller number, unit; ties and
 * unknowns keep document order.  n <= V2C_MAX_DISKS, so a plain
 * insertion sort is enough and keeps the two arrays together. */
static void
sort_disks (struct v2c_vm *vm, struct disk_key *keys)
{
  size_t i, j;

  for (i = 1; i < vm->ndisks; i++)
    for (j = i; j > 0 && cmp_key (&keys[j - 1], &keys[j]) > 0; j--) {
      struct disk_key tk = keys[j];
      struct v2c_vm_disk td = vm->disks[j];
      keys[j] = keys[j - 1];
      keys[j - 1] = tk;
      vm->disks[j] = vm->disks[j - 1];
      vm->disks[j - 1] = td;
    }
}

/* Several VirtualHardwareSections describe alternatives (one per
 * hypervisor); the VMware one is the one to read. */
static xmlNodePtr
pick_hardware_section (struct ovf_state *st, xmlNodePtr vs)
{
  xmlNodePtr c, first = NULL;

  for (c = vs->children; c; c = c->next) {
    xmlNodePtr sys;
    CLEANUP_FREE char *type = NULL;

    if (!is_section (c, "VirtualHardwareSection"))
      continue;
    if (first == NULL)
      first = c;
    for (sys = c->children; sys; sys = sys->next)
      if (is_elem (sys, "System"))
        break;
    if (sys == NULL)
      continue;
    type = child_text (st, sys, "VirtualSystemType");
    if (type && strstr (type, "vmx-"))
      return c;
  }
  return first;
}

static int
read_hardware (struct ovf_state *st, xmlNodePtr vs, struct v2c_vm *vm,
               xmlNodePtr vhs)
{
  struct ovf_item *items = NULL;
  struct disk_key *keys = NULL;
  size_t n = 0, i;
  bool have_cpu = false, have_mem = false;
  xmlNodePtr c;
  int r = -1;

  if (collect_items (st, vhs, &items, &n) == -1)
    return -1;
  for (i = 0; i < n; i++) {
    const struct ovf_item *it = &items[i];

    switch (it->type) {
    case RT_CPU:
      if (!have_cpu) {
        have_cpu = true;
        if (set_cpus (st, vm, it) == -1)
          goto out;
      }
      break;
    case RT_MEMORY:
      if (!have_mem) {
        have_mem = true;
        if (set_memory (st, vm, it) == -1)
          goto out;
      }
      break;
    case RT_DISK:
      if (add_disk (st, vs, vm, &keys, items, n, it) == -1)
        goto out;
      break;
    case RT_LOGICAL_DISK:
      if (it->storage_item && add_disk (st, vs, vm, &keys, items, n, it) == -1)
        goto out;
      break;
    case RT_NIC:
      if (add_nic (st, vm, it) == -1)
        goto out;
      break;
    default:
      break;
    }
  }
  if (vm->ndisks > 1)
    sort_disks (vm, keys);

  for (c = vhs->children; c; c = c->next) {
    CLEANUP_FREE char *key = NULL;
    CLEANUP_FREE char *value = NULL;

    if (c->type != XML_ELEMENT_NODE
        || strcmp ((const char *) c->name, "Config") != 0)
      continue;
    key = attr_str (st, c, "key");
    if (key == NULL || strcmp (key, "firmware") != 0)
      continue;
    value = attr_str (st, c, "value");
    if (value
        && (strcasecmp (value, "efi") == 0
            || strcasecmp (value, "bios") == 0)) {
      free (vm->firmware);
      vm->firmware
          = xstrdup (st, strcasecmp (value, "efi") == 0 ? "efi" : "bios");
    }
  }
  r = 0;
out:
  free (keys);
  items_free (items, n);
  return r;
}

static int
read_virtual_system (struct ovf_state *st, xmlNodePtr vs)
{
  struct v2c_vm *vms, *vm;
  xmlNodePtr c, vhs;

  if (st->nvms >= V2C_MAX_VMS)
    return v2c_set_error (st->err, 0, "more than %d virtual systems",
                          V2C_MAX_VMS);
  vms = realloc (st->vms, (st->nvms + 1) * sizeof *vms);
  if (vms == NULL)
    return v2c_set_error (st->err, errno, "out of memory");
  st->vms = vms;
  vm = &vms[st->nvms++];
  memset (vm, 0, sizeof *vm);

  vm->id = attr_str (st, vs, "id");
  for (c = vs->children; c; c = c->next) {
    if (is_elem (c, "Name") && vm->name == NULL)
      vm->name = text_str (st, c);
    else if (is_section (c, "OperatingSystemSection")
             && vm->guest_os_id == NULL) {
      vm->guest_os_id = attr_str (st, c, "osType");
      if (vm->guest_os_id == NULL || *vm->guest_os_id == '\0') {
        free (vm->guest_os_id);
        vm->guest_os_id = attr_str (st, c, "id");
      }
    }
  }
  if ((vm->name == NULL || *vm->name == '\0') && vm->id) {
    free (vm->name);
    vm->name = xstrdup (st, vm->id);
  }

  vhs = pick_hardware_section (st, vs);
  if (vhs && read_hardware (st, vs, vm, vhs) == -1) {
    char *id = vm->id;
    return v2c_error_prefix (st->err, "virtual system '%s'",
                             id ? id : "(no id)");
  }
  return 0;
}

static int
walk_content (struct ovf_state *st, xmlNodePtr parent, int depth)
{
  xmlNodePtr c;

  if (depth > OVF_MAX_NESTING)
    return v2c_set_error (st->err, 0,
                          "VirtualSystemCollections nested more than %d "
                          "deep",
                          OVF_MAX_NESTING);
  for (c = parent->children; c; c = c->next) {
    if (is_section (c, "VirtualSystem")) {
      if (read_virtual_system (st, c) == -1)
        return -1;
    } else if (is_section (c, "VirtualSystemCollection")) {
      if (walk_content (st, c, depth + 1) == -1)
        return -1;
    }
  }
  return 0;
}

/* The configuration marked ovf:default="true", else the first listed. */
static void
select_configuration (struct ovf_state *st)
{
  xmlNodePtr s, c;

  for (s = st->root->children; s; s = s->next) {
    if (!is_section (s, "DeploymentOptionSection"))
      continue;
    for (c = s->children; c; c = c->next) {
      CLEANUP_FREE char *def = NULL;
      char *id;
      bool is_default;

      if (!is_elem (c, "Configuration"))
        continue;
      id = attr_str (st, c, "id");
      if (id == NULL || *id == '\0') {
        free (id);
        continue;
      }
      def = attr_str (st, c, "default");
      is_default
          = def && (strcmp (def, "true") == 0 || strcmp (def, "1") == 0);
      if (st->config == NULL || is_default) {
        free (st->config);
        st->config = id;
        if (is_default)
          return;
      } else
        free (id);
    }
  }
}

/* Parser callbacks.  userData of a parser context is the context. */
static void
on_error (void *data,
#if LIBXML_VERSION >= 21200
          const xmlError *e
#else
          xmlErrorPtr e
#endif
)
{
  xmlParserCtxtPtr ctxt = data;
  struct ovf_state *st = ctxt ? ctxt->_private : NULL;
  size_t l;

  /* Keep the first error, unless a fatal one (the one that stopped
   * the parser) follows a recoverable one. */
  if (st == NULL || e == NULL || e->level < XML_ERR_ERROR
      || st->have_error == 2 || (st->have_error && e->level < XML_ERR_FATAL))
    return;
  st->have_error = e->level == XML_ERR_FATAL ? 2 : 1;
  snprintf (st->first_error, sizeof st->first_error, "line %d: %s", e->line,
            e->message ? e->message : "error");
  l = strlen (st->first_error);
  while (l > 0
         && (st->first_error[l - 1] == '\n' || st->first_error[l - 1] == ' '))
    st->first_error[--l] = '\0';
}

static void
on_entity_decl (void *data, const xmlChar *name, int type,
                const xmlChar *public_id, const xmlChar *system_id,
                xmlChar *content)
{
  xmlParserCtxtPtr ctxt = data;
  struct ovf_state *st = ctxt->_private;

  (void) name, (void) type, (void) public_id, (void) system_id, (void) content;
  if (st)
    st->entity_seen = true;
  /* Whatever happens next, this document is not returned. */
  ctxt->wellFormed = 0;
  xmlStopParser (ctxt);
}

static void
on_unparsed_entity_decl (void *data, const xmlChar *name,
                         const xmlChar *public_id, const xmlChar *system_id,
                         const xmlChar *notation)
{
  on_entity_decl (data, name, 0, public_id, system_id, (xmlChar *) notation);
}

static int
read_document (struct ovf_state *st, const char *buf, size_t len)
{
  xmlParserCtxtPtr ctxt;

  xmlInitParser ();
  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    return v2c_set_error (st->err, ENOMEM, "can't create an XML parser");
  ctxt->_private = st;
  ctxt->sax->serror = on_error;
  ctxt->sax->entityDecl = on_entity_decl;
  ctxt->sax->unparsedEntityDecl = on_unparsed_entity_decl;
  /* Never XML_PARSE_NOENT or XML_PARSE_DTDLOAD: nothing outside the
   * buffer is ever read. */
  st->doc = xmlCtxtReadMemory (ctxt, buf, (int) len, "descriptor.ovf", NULL,
                               XML_PARSE_NONET | XML_PARSE_NOERROR
                                   | XML_PARSE_NOWARNING);
  if (st->entity_seen) {
    xmlFreeParserCtxt (ctxt);
    return v2c_set_error (st->err, 0, "OVF declares XML entities; refused");
  }
  if (st->doc == NULL || !ctxt->wellFormed) {
    xmlFreeParserCtxt (ctxt);
    if (st->have_error)
      return v2c_set_error (st->err, 0, "not well-formed XML at %s",
                            st->first_error);
    return v2c_set_error (st->err, 0, "not well-formed XML");
  }
  xmlFreeParserCtxt (ctxt);
  /* Belt and braces: no entity may have reached the tree. */
  if (st->doc->intSubset
      && (st->doc->intSubset->entities || st->doc->intSubset->pentities))
    return v2c_set_error (st->err, 0, "OVF declares XML entities; refused");
  return 0;
}

int
v2c_ovf_parse (const char *buf, size_t len, struct v2c_vm **vmsp,
               size_t *nvmsp, struct v2c_err *err)
{
  struct ovf_state st = { .err = err };
  int r = -1;

  *vmsp = NULL;
  *nvmsp = 0;
  if (len == 0)
    return v2c_set_error (err, 0, "the OVF descriptor is empty");
  if (len > V2C_MAX_DESCRIPTOR_BYTES)
    return v2c_set_error (err, 0, "the OVF descriptor is larger than %u bytes",
                          V2C_MAX_DESCRIPTOR_BYTES);
  if (read_document (&st, buf, len) == -1)
    goto out;
  st.root = xmlDocGetRootElement (st.doc);
  if (st.root == NULL || !is_ovf_ns (st.root->ns)
      || strcmp ((const char *) st.root->name, "Envelope") != 0) {
    v2c_set_error (err, 0,
                   "not an OVF descriptor: the root element is '%s' in "
                   "namespace '%s', not an OVF 'Envelope'",
                   st.root ? (const char *) st.root->name : "(none)",
                   st.root && st.root->ns && st.root->ns->href
                       ? (const char *) st.root->ns->href
                       : "(none)");
    goto out;
  }
  select_configuration (&st);
  if (walk_content (&st, st.root, 0) == -1)
    goto out;
  if (st.oom) {
    v2c_set_error (err, ENOMEM, "out of memory reading the OVF descriptor");
    goto out;
  }
  if (st.nvms == 0) {
    v2c_set_error (err, 0, "the OVF descriptor has no VirtualSystem");
    goto out;
  }
  *vmsp = st.vms;
  *nvmsp = st.nvms;
  st.vms = NULL;
  st.nvms = 0;
  r = 0;
out:
  v2c_vms_free (st.vms, st.nvms);
  free (st.config);
  if (st.doc)
    xmlFreeDoc (st.doc);
  return r;
}
