/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The OVF reader's state, shared by lib/source-ovf-xml.c (the XML
 * document and the OVF vocabulary: namespaces, sections, attributes,
 * units) and lib/source-ovf.c (mapping the VirtualSystems to VMs, disks
 * and hardware).  Not installed.
 */
#ifndef V2C_SOURCE_OVF_PRIVATE_H
#define V2C_SOURCE_OVF_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "v2c-internal.h"

/* A VirtualSystemCollection may hold collections; deeper nesting than
 * this is refused rather than followed. */
#define OVF_MAX_NESTING 32
/* Items in one VirtualHardwareSection (a 16 MiB descriptor could hold
 * hundreds of thousands). */
#define OVF_MAX_ITEMS 8192

enum {
  RT_OTHER = 1, /* VMware's PCI devices among others */
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
  size_t nelements;
  bool too_many;
  startElementNsSAX2Func start_element; /* libxml2's own */
};

/* lib/source-ovf-props.c: ProductSection password properties of a
 * VirtualSystem into vm->secret_props (keys and fingerprints only). */
int ovf_read_password_props (struct ovf_state *st, xmlNodePtr vs,
                             struct v2c_vm *vm);

/* lib/source-ovf-xml.c: the XML document and its OVF vocabulary */

/* Read the descriptor into st->doc: no network, no entities. */
int ovf_read_document (struct ovf_state *st, const char *buf, size_t len);
/* One of the OVF envelope namespaces (0.9, 1.x, 2.x). */
bool ovf_is_envelope_ns (const xmlNs *ns);
/* Below the root, oVirt writes OVF elements without any namespace. */
bool ovf_in_envelope (const xmlNode *n);
/* An element of that local name in an OVF namespace (or none). */
bool ovf_is_elem (const xmlNode *n, const char *name);
/* Named section (1.x/2.x) or its OVF 0.9 spelling
 * <Section xsi:type="ovf:NAME_Type"> / <Content xsi:type=...>. */
bool ovf_is_section (const xmlNode *n, const char *name);
/* Trimmed copies (caller frees; NULL when absent or out of memory, which
 * sets st->oom): an attribute by local name, a node's text, the text of
 * a child by local name in any namespace. */
char *ovf_attr_str (struct ovf_state *st, const xmlNode *n, const char *name);
/* No two File elements of a References, nor two Disk elements of a
 * DiskSection, below node (sections of VirtualSystem(Collection)s
 * included) share an id. */
int ovf_check_unique_ids (struct ovf_state *st, xmlNodePtr node, int depth);
char *ovf_text_str (struct ovf_state *st, xmlNodePtr n);
char *ovf_child_text (struct ovf_state *st, const xmlNode *n,
                      const char *name);
/* Is attribute name equal to value?  Looked up many times per disk, so
 * the plain one-text-node case is compared in place. */
bool ovf_attr_eq (struct ovf_state *st, const xmlNode *n, const char *name,
                  const char *value);
char *ovf_xstrdup (struct ovf_state *st, const char *s);
/* xs:unsignedLong: decimal digits only, optional surrounding blanks. */
int ovf_parse_u64 (const char *s, uint64_t *out);
const char *ovf_skip_blanks (const char *s);
/* quantity * units in bytes, at most max.  what names the number for
 * the error message. */
int ovf_scaled_bytes (struct ovf_state *st, const char *what,
                      const char *quantity, const char *units, uint64_t max,
                      uint64_t *bytes);

#endif /* V2C_SOURCE_OVF_PRIVATE_H */
