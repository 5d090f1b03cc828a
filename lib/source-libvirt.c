/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt sources: any domain libvirt can describe (esx://, vpx://,
 * qemu:///system, test:///FILE.xml).  The domain XML is read through a
 * read-only connection; nothing is ever changed on the hypervisor.
 * Also the names of a connection's domains (v2c-batch -c URI).
 */
#include <config.h>

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "source-private.h"

static char *
xpath_string (xmlXPathContextPtr ctx, xmlNodePtr node, const char *expr)
{
  xmlXPathObjectPtr obj;
  char *ret = NULL;

  ctx->node = node;
  obj = xmlXPathEvalExpression (BAD_CAST expr, ctx);
  if (obj == NULL)
    return NULL;
  if (obj->type == XPATH_NODESET && obj->nodesetval
      && obj->nodesetval->nodeNr > 0) {
    xmlChar *v = xmlNodeGetContent (obj->nodesetval->nodeTab[0]);
    if (v) {
      ret = strdup ((const char *) v);
      xmlFree (v);
    }
  } else if (obj->type == XPATH_STRING && obj->stringval
             && obj->stringval[0]) {
    ret = strdup ((const char *) obj->stringval);
  }
  xmlXPathFreeObject (obj);
  return ret;
}

/* libvirt memory units to KiB multipliers. */
static int
memory_mib (const char *text, const char *unit, int64_t *mib)
{
  static const struct { const char *u; double kib; } units[] = {
    { "b", 1.0 / 1024 }, { "bytes", 1.0 / 1024 }, { "KB", 1000.0 / 1024 },
    { "k", 1 }, { "KiB", 1 }, { "MB", 1e6 / 1024 }, { "M", 1024 },
    { "MiB", 1024 }, { "GB", 1e9 / 1024 }, { "G", 1024.0 * 1024 },
    { "GiB", 1024.0 * 1024 }, { "TB", 1e12 / 1024 },
    { "T", 1024.0 * 1024 * 1024 }, { "TiB", 1024.0 * 1024 * 1024 },
  };
  char *end;
  unsigned long long v;
  double kib = -1;
  size_t i;

  errno = 0;
  v = strtoull (text, &end, 10);
  if (errno || end == text || *end != '\0' || text[0] == '-')
    return -1;
  if (unit == NULL)
    kib = 1;
  for (i = 0; unit && i < sizeof units / sizeof units[0]; i++)
    if (strcmp (unit, units[i].u) == 0)
      kib = units[i].kib;
  if (kib < 0)
    return -1;
  if ((double) v * kib / 1024 > (double) V2C_MAX_MEMORY_MIB)
    return -1;
  *mib = (int64_t) ((double) v * kib / 1024);
  return 0;
}

int
v2c_libvirt_xml_parse (const char *buf, size_t len, struct v2c_vm *vm,
                       struct v2c_err *err)
{
  xmlDocPtr doc = NULL;
  xmlXPathContextPtr ctx = NULL;
  xmlXPathObjectPtr obj = NULL;
  char *v = NULL, *unit = NULL;
  int r = -1, i;

  if (len > V2C_MAX_DESCRIPTOR_BYTES || len > INT_MAX)
    return v2c_set_error (err, 0, "domain XML is too large");
  doc = xmlReadMemory (buf, (int) len, "domain.xml", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR
                         | XML_PARSE_NOWARNING);
  if (doc == NULL || xmlDocGetRootElement (doc) == NULL)
    return v2c_set_error (err, 0, "domain XML is not well-formed");
  if (doc->intSubset && doc->intSubset->entities) {
    v2c_set_error (err, 0, "domain XML declares XML entities; refused");
    goto out;
  }
  ctx = xmlXPathNewContext (doc);
  if (ctx == NULL) {
    v2c_set_error (err, errno, "out of memory");
    goto out;
  }
  if (strcmp ((const char *) xmlDocGetRootElement (doc)->name, "domain")) {
    v2c_set_error (err, 0, "not a libvirt domain XML");
    goto out;
  }
  vm->name = xpath_string (ctx, NULL, "/domain/name");
  v = xpath_string (ctx, NULL, "/domain/vcpu");
  if (v) {
    char *end;
    long n;
    errno = 0;
    n = strtol (v, &end, 10);
    if (errno || *end || n <= 0 || n > V2C_MAX_CPUS) {
      v2c_set_error (err, 0, "<vcpu> '%s' is out of range", v);
      goto out;
    }
    vm->cpus = (int) n;
    free (v);
  }
  v = xpath_string (ctx, NULL, "/domain/memory");
  unit = xpath_string (ctx, NULL, "/domain/memory/@unit");
  if (v && memory_mib (v, unit, &vm->memory_mib) == -1) {
    v2c_set_error (err, 0, "<memory> '%s' is out of range", v);
    goto out;
  }
  free (v);
  v = xpath_string (ctx, NULL, "/domain/os/@firmware");
  if (v == NULL) {
    char *loader = xpath_string (ctx, NULL, "/domain/os/loader");
    if (loader)
      v = strdup ("efi");
    free (loader);
  }
  vm->firmware = v ? v : strdup ("bios");
  v = NULL;

  obj = xmlXPathEvalExpression (BAD_CAST "/domain/devices/disk[@device='disk' "
                                "or not(@device)]", ctx);
  for (i = 0; obj && obj->nodesetval && i < obj->nodesetval->nodeNr; i++) {
    xmlNodePtr node = obj->nodesetval->nodeTab[i];
    struct v2c_vm_disk *d = v2c_vm_add_disk (vm, err);

    if (d == NULL)
      goto out;
    d->file = xpath_string (ctx, node, "source/@file");
    if (d->file == NULL)
      d->file = xpath_string (ctx, node, "source/@dev");
    if (d->file == NULL) {
      char *proto = xpath_string (ctx, node, "source/@protocol");
      char *name = xpath_string (ctx, node, "source/@name");
      if (proto && asprintf (&d->file, "%s:%s", proto,
                             name ? name : "") == -1)
        d->file = NULL;
      free (proto);
      free (name);
    } else if (d->file[0] == '/')
      d->path = strdup (d->file);
    d->format = xpath_string (ctx, node, "driver/@type");
    d->controller = xpath_string (ctx, node, "target/@bus");
    {
      char *unitstr = xpath_string (ctx, node, "address/@unit");
      char *bus = xpath_string (ctx, node, "address/@controller");
      if (unitstr)
        d->unit = atoi (unitstr);
      if (bus)
        d->bus = atoi (bus);
      free (unitstr);
      free (bus);
    }
  }
  xmlXPathFreeObject (obj);
  obj = xmlXPathEvalExpression (BAD_CAST "/domain/devices/interface", ctx);
  for (i = 0; obj && obj->nodesetval && i < obj->nodesetval->nodeNr; i++) {
    xmlNodePtr node = obj->nodesetval->nodeTab[i];
    struct v2c_vm_nic *n = v2c_vm_add_nic (vm, err);

    if (n == NULL)
      goto out;
    n->model = xpath_string (ctx, node, "model/@type");
    n->network = xpath_string (ctx, node, "source/@portgroup");
    if (n->network == NULL)
      n->network = xpath_string (ctx, node, "source/@network");
    if (n->network == NULL)
      n->network = xpath_string (ctx, node, "source/@bridge");
    n->mac = xpath_string (ctx, node, "mac/@address");
  }
  r = 0;
 out:
  free (v);
  free (unit);
  xmlXPathFreeObject (obj);
  xmlXPathFreeContext (ctx);
  xmlFreeDoc (doc);
  return r;
}

static void
silent_error (void *opaque, virErrorPtr e)
{
  (void) opaque;
  (void) e;
}

static pthread_once_t libvirt_once = PTHREAD_ONCE_INIT;

/* libvirt prints every error on stderr unless told otherwise; the
 * library reports errors through its handles instead. */
static void
libvirt_init (void)
{
  virInitialize ();
  virSetErrorFunc (NULL, silent_error);
}

static int
libvirt_error (struct v2c_source *s, const char *what)
{
  const char *msg = virGetLastErrorMessage ();
  return v2c_set_error (&s->err, 0, "%s: %s", what, msg ? msg : "");
}

int
v2c_source_open_libvirt (struct v2c_source *s, const char *uri,
                         const char *domain)
{
  virConnectPtr conn;
  virDomainPtr dom;
  char *xml;
  size_t i;
  int r;

  v2c_clear_error (&s->err);
  if (s->path)
    return v2c_set_error (&s->err, 0, "source already opened");
  pthread_once (&libvirt_once, libvirt_init);
  s->format = V2C_SOURCE_LIBVIRT;
  s->path = strdup (uri ? uri : "");
  s->domain = strdup (domain);
  if (s->path == NULL || s->domain == NULL)
    return v2c_set_error (&s->err, errno, "out of memory");
  conn = virConnectOpenAuth (uri, virConnectAuthPtrDefault, VIR_CONNECT_RO);
  if (conn == NULL)
    return libvirt_error (s, uri ? uri : "can't connect to libvirt");
  dom = virDomainLookupByName (conn, domain);
  if (dom == NULL) {
    char what[512];
    snprintf (what, sizeof what, "no domain '%s' on '%s'", domain,
              uri ? uri : "default");
    libvirt_error (s, what);
    virConnectClose (conn);
    return -1;
  }
  xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  virDomainFree (dom);
  virConnectClose (conn);
  if (xml == NULL)
    return libvirt_error (s, "can't read the domain XML");
  s->vms = calloc (1, sizeof *s->vms);
  if (s->vms == NULL) {
    free (xml);
    return v2c_set_error (&s->err, errno, "out of memory");
  }
  s->nvms = 1;
  r = v2c_libvirt_xml_parse (xml, strlen (xml), &s->vms[0], &s->err);
  free (xml);
  if (r == -1)
    return v2c_error_prefix (&s->err, "domain '%s'", domain);
  s->vm = &s->vms[0];
  free (s->name);
  s->name = strdup (s->vm->name ? s->vm->name : domain);
  if (s->name == NULL)
    return v2c_set_error (&s->err, errno, "out of memory");
  if (s->descriptor_only)
    return 0;
  for (i = 0; i < s->vm->ndisks; i++) {
    const struct v2c_vm_disk *vd = &s->vm->disks[i];

    if (vd->file == NULL)
      continue;
    if (vd->path == NULL)
      return v2c_set_error (&s->err, 0,
                            "disk '%s' of domain '%s' is not a local file "
                            "(an ESX datastore or network disk): copy the "
                            "VM's files here and open the .vmx, or use "
                            "--descriptor-only", vd->file, domain);
    if (v2c_source_add_disk_file (s, vd->path, vd->format) == -1)
      return -1;
  }
  return 0;
}

static int
cmp_name (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
v2c_libvirt_list_domains (const char *uri, const char *glob, char ***names,
                          size_t *n, struct v2c_err *err)
{
  virConnectPtr conn;
  virDomainPtr *doms = NULL;
  char **v = NULL;
  size_t nv = 0;
  int i, nd, ret = -1;

  pthread_once (&libvirt_once, libvirt_init);
  conn = virConnectOpenReadOnly (uri);
  if (conn == NULL)
    return v2c_set_error (err, 0, "can't connect to '%s': %s", uri,
                          virGetLastErrorMessage ());
  nd = virConnectListAllDomains (conn, &doms, 0);
  if (nd < 0) {
    v2c_set_error (err, 0, "can't list the domains of '%s': %s", uri,
                   virGetLastErrorMessage ());
    goto out;
  }
  v = calloc (nd > 0 ? (size_t) nd : 1, sizeof *v);
  if (v == NULL) {
    v2c_set_error (err, 0, "out of memory");
    goto out;
  }
  for (i = 0; i < nd; i++) {
    const char *name = virDomainGetName (doms[i]);

    if (name == NULL || (glob && fnmatch (glob, name, 0) != 0))
      continue;
    v[nv] = strdup (name);
    if (v[nv++] == NULL) {
      v2c_set_error (err, 0, "out of memory");
      goto out;
    }
  }
  qsort (v, nv, sizeof *v, cmp_name);
  *names = v;
  *n = nv;
  v = NULL;
  ret = 0;
out:
  for (i = 0; i < nd; i++)
    virDomainFree (doms[i]);
  free (doms);
  if (v) {
    while (nv)
      free (v[--nv]);
    free (v);
  }
  virConnectClose (conn);
  return ret;
}
