/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The OVF descriptor as an XML document: parsing it safely (no network,
 * no entities, the first error kept) and the vocabulary the mapping in
 * lib/source-ovf.c reads it with.  Structural elements are matched by
 * local name in one of the OVF envelope namespaces, which covers every
 * prefix a producer may choose.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "source-ovf-private.h"


bool
ovf_is_envelope_ns (const xmlNs *ns)
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
bool
ovf_in_envelope (const xmlNode *n)
{
  return n->ns == NULL || ovf_is_envelope_ns (n->ns);
}

bool
ovf_is_elem (const xmlNode *n, const char *name)
{
  return n->type == XML_ELEMENT_NODE && ovf_in_envelope (n)
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
    if (ovf_is_envelope_ns (a->ns))
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

char *
ovf_attr_str (struct ovf_state *st, const xmlNode *n, const char *name)
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
bool
ovf_attr_eq (struct ovf_state *st, const xmlNode *n, const char *name,
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
  v = ovf_attr_str (st, n, name);
  r = v && strcmp (v, value) == 0;
  free (v);
  return r;
}

char *
ovf_text_str (struct ovf_state *st, xmlNodePtr n)
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
bool
ovf_is_section (const xmlNode *n, const char *name)
{
  if (n->type != XML_ELEMENT_NODE || !ovf_in_envelope (n))
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

char *
ovf_child_text (struct ovf_state *st, const xmlNode *n, const char *name)
{
  xmlNodePtr c = child_any_ns (n, name);
  return c ? ovf_text_str (st, c) : NULL;
}

/* xs:unsignedLong: decimal digits only, optional surrounding blanks. */
int
ovf_parse_u64 (const char *s, uint64_t *out)
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

const char *
ovf_skip_blanks (const char *s)
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
  const char *s = ovf_skip_blanks (u);
  size_t i;

  *mul = 1;
  *div = 1;
  for (i = 0; i < sizeof named / sizeof named[0]; i++) {
    size_t l = strlen (named[i].name);
    if (strncasecmp (s, named[i].name, l) == 0
        && *ovf_skip_blanks (s + l) == 0) {
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

    s = ovf_skip_blanks (s);
    if (*s == '\0')
      return 0;
    if (*s != '*')
      return -1;
    s = read_digits (ovf_skip_blanks (s + 1), &base);
    if (s == NULL)
      return -1;
    s = ovf_skip_blanks (s);
    if (*s == '^') {
      s = read_digits (ovf_skip_blanks (s + 1), &exp);
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
int
ovf_scaled_bytes (struct ovf_state *st, const char *what,
                  const char *quantity, const char *units, uint64_t max,
                  uint64_t *bytes)
{
  uint64_t q, mul, b;
  unsigned div;

  if (ovf_parse_u64 (quantity, &q) == -1)
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

char *
ovf_xstrdup (struct ovf_state *st, const char *s)
{
  char *r;

  if (s == NULL)
    return NULL;
  r = strdup (s);
  if (r == NULL)
    st->oom = true;
  return r;
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
  char *hint;
  size_t l;

  /* Keep the first error, unless a fatal one (the one that stopped
   * the parser) follows a recoverable one. */
  if (st == NULL || e == NULL || e->level < XML_ERR_ERROR
      || st->have_error == 2 || (st->have_error && e->level < XML_ERR_FATAL))
    return;
  st->have_error = e->level == XML_ERR_FATAL ? 2 : 1;
  snprintf (st->first_error, sizeof st->first_error, "line %d: %s", e->line,
            e->message ? e->message : "error");
  /* libxml2 suggests lifting its own limits; v2c never will. */
  hint = strstr (st->first_error, ", use XML_PARSE_HUGE");
  if (hint == NULL)
    hint = strstr (st->first_error, " use XML_PARSE_HUGE");
  if (hint)
    snprintf (hint, sizeof st->first_error - (size_t) (hint - st->first_error),
              " (a limit v2c keeps)");
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

/* Elements are counted as they are read: a descriptor of a few hundred
 * thousand elements would take more memory as a tree than any real one
 * (a VM with 256 disks has a few thousand). */
#define OVF_MAX_ELEMENTS 100000

static void
on_start_element (void *data, const xmlChar *localname,
                  const xmlChar *prefix, const xmlChar *uri,
                  int nb_namespaces, const xmlChar **namespaces,
                  int nb_attributes, int nb_defaulted,
                  const xmlChar **attributes)
{
  xmlParserCtxtPtr ctxt = data;
  struct ovf_state *st = ctxt->_private;

  if (++st->nelements > OVF_MAX_ELEMENTS) {
    st->too_many = true;
    xmlStopParser (ctxt);
    return;
  }
  st->start_element (data, localname, prefix, uri, nb_namespaces,
                     namespaces, nb_attributes, nb_defaulted, attributes);
}

int
ovf_read_document (struct ovf_state *st, const char *buf, size_t len)
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
  st->start_element = ctxt->sax->startElementNs;
  ctxt->sax->startElementNs = on_start_element;
  /* Never XML_PARSE_NOENT or XML_PARSE_DTDLOAD: nothing outside the
   * buffer is ever read. */
  st->doc = xmlCtxtReadMemory (ctxt, buf, (int) len, "descriptor.ovf", NULL,
                               XML_PARSE_NONET | XML_PARSE_NOERROR
                                   | XML_PARSE_NOWARNING);
  if (st->too_many) {
    xmlFreeDoc (st->doc);
    st->doc = NULL;
    xmlFreeParserCtxt (ctxt);
    return v2c_set_error (st->err, 0,
                          "the OVF has more than %d elements: refused",
                          OVF_MAX_ELEMENTS);
  }
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

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The NAME children of one SECTION must not share an ATTR value: a
 * reference to it would be ambiguous. */
static int
check_section_ids (struct ovf_state *st, xmlNodePtr sec, const char *name,
                   const char *attr)
{
  char **ids = NULL;
  size_t n = 0, cap = 0;
  int r = 0;

  for (xmlNodePtr e = sec->children; e; e = e->next) {
    char *v;

    if (!ovf_is_elem (e, name) || (v = ovf_attr_str (st, e, attr)) == NULL)
      continue;
    if (n == cap) {
      char **g = realloc (ids, (cap = cap ? cap * 2 : 64) * sizeof *g);
      if (g == NULL) {
        free (v);
        r = v2c_set_error (st->err, errno, "out of memory");
        goto out;
      }
      ids = g;
    }
    ids[n++] = v;
  }
  if (n > 1)
    qsort (ids, n, sizeof *ids, cmp_str);
  for (size_t i = 1; i < n; i++)
    if (strcmp (ids[i - 1], ids[i]) == 0) {
      r = v2c_set_error (st->err, 0,
                         "two '%s' elements have ovf:%s '%.80s': a "
                         "reference to it would be ambiguous",
                         name, attr, ids[i]);
      break;
    }
out:
  v2c_free_list ((void *const *) ids, n);
  free (ids);
  return r;
}

int
ovf_check_unique_ids (struct ovf_state *st, xmlNodePtr node, int depth)
{
  if (depth > 64)
    return 0;
  for (xmlNodePtr c = node->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE)
      continue;
    if (ovf_is_section (c, "References")
        && check_section_ids (st, c, "File", "id") == -1)
      return -1;
    if (ovf_is_section (c, "DiskSection")
        && check_section_ids (st, c, "Disk", "diskId") == -1)
      return -1;
    if ((ovf_is_elem (c, "VirtualSystemCollection")
         || ovf_is_elem (c, "VirtualSystem"))
        && ovf_check_unique_ids (st, c, depth + 1) == -1)
      return -1;
  }
  return 0;
}
