/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The network identity of a guest (the inventory's "network"): its
 * hostname and FQDN, each interface's static addresses, gateway and MAC
 * as its configuration gives them (ifupdown, systemd-networkd,
 * NetworkManager keyfiles, netplan, RHEL ifcfg), static routes,
 * /etc/hosts beyond loopback, and resolv.conf's search domains and
 * nameservers.  Each fact keeps its file and line.  The parsers are
 * pure functions over one file's text (v2c_net_parse), so that tests
 * and the fuzz target feed them directly; every list has a limit.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inspect-net.h"
#include "v2c-yaml.h"

/* The most entries of each list, and the longest string kept. */
#define NET_LIST_MAX 256
#define NET_STR_MAX 255
/* The largest configuration file read. */
#define NET_FILE_MAX (1u << 20)

json_t *
v2c_net_new (void)
{
  return json_pack ("{s:n, s:n, s:[], s:[], s:[], s:[], s:[]}", "hostname",
                    "fqdn", "interfaces", "routes", "hosts", "search",
                    "nameservers");
}

/* A string of at most NET_STR_MAX bytes, without control characters. */
static json_t *
str_n (const char *s, size_t n)
{
  char buf[NET_STR_MAX + 1];
  size_t i, k = 0;
  json_t *j;

  for (i = 0; i < n && k < NET_STR_MAX; i++)
    if ((unsigned char) s[i] >= 0x20 && s[i] != 0x7f)
      buf[k++] = s[i];
  buf[k] = '\0';
  j = json_string (buf);
  if (j == NULL) {
    /* not UTF-8: the ASCII of it */
    for (i = 0; i < k; i++)
      if ((unsigned char) buf[i] >= 0x80)
        buf[i] = '?';
    j = json_string (buf);
  }
  return j;
}

static json_t *
src (const char *path, size_t line)
{
  char buf[NET_STR_MAX + 24];

  snprintf (buf, sizeof buf, "%.*s:%zu", NET_STR_MAX, path, line);
  return json_string (buf);
}

/* Append o to net's list key, unless full; o is consumed. */
static void
push (json_t *net, const char *key, json_t *o)
{
  json_t *l = json_object_get (net, key);

  if (o && json_array_size (l) < NET_LIST_MAX)
    json_array_append (l, o);
  json_decref (o);
}

/* Append a string once. */
static void
push_str (json_t *net, const char *key, const char *s, size_t n)
{
  json_t *l = json_object_get (net, key), *x;
  json_t *v = str_n (s, n);
  size_t i;

  json_array_foreach (l, i, x) if (json_equal (x, v))
  {
    json_decref (v);
    return;
  }
  push (net, key, v);
}

/* The interface called name (created with its source when new). */
static json_t *
iface (json_t *net, const char *name, size_t n, const char *path,
       size_t line)
{
  json_t *l = json_object_get (net, "interfaces"), *x, *v = str_n (name, n);
  size_t i;

  json_array_foreach (l, i, x) if (json_equal (json_object_get (x, "name"), v))
  {
    json_decref (v);
    return x;
  }
  if (json_array_size (l) >= NET_LIST_MAX) {
    json_decref (v);
    return NULL;
  }
  x = json_pack ("{s:o, s:n, s:[], s:n, s:n, s:o}", "name", v, "method",
                 "addresses", "gateway", "mac", "source", src (path, line));
  json_array_append_new (l, x);
  return x;
}

static void
set_str (json_t *o, const char *key, const char *s, size_t n)
{
  if (o)
    json_object_set_new (o, key, str_n (s, n));
}

static void
add_address (json_t *ifc, const char *s, size_t n)
{
  json_t *l = json_object_get (ifc, "addresses");

  if (ifc && json_array_size (l) < NET_LIST_MAX)
    json_array_append_new (l, str_n (s, n));
}

static int
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

size_t
v2c_net_words (const char *l, size_t n, const char **w, size_t *wn,
               size_t max, int directive)
{
  size_t i = 0, k = 0;

  while (i < n && k < max) {
    while (i < n && is_space (l[i]))
      i++;
    if (i == n || l[i] == '#')
      break;
    w[k] = l + i;
    while (i < n && !is_space (l[i]) && !(directive && l[i] == ';'))
      i++;
    wn[k] = (size_t) (l + i - w[k]);
    k++;
    if (directive && i < n && l[i] == ';')
      break;
  }
  return k;
}

int
v2c_net_word_is (const char *w, size_t n, const char *s, int nocase)
{
  return n == strlen (s)
         && (nocase ? strncasecmp (w, s, n) : memcmp (w, s, n)) == 0;
}

static size_t
words (const char *l, size_t n, const char **w, size_t *wn, size_t max)
{
  return v2c_net_words (l, n, w, wn, max, 0);
}

static int
word_is (const char *w, size_t n, const char *s)
{
  return v2c_net_word_is (w, n, s, 0);
}

/* A dotted netmask as a prefix length, or -1. */
static int
mask_prefix (const char *s, size_t n)
{
  unsigned a, b, c, d, bits = 0;
  char buf[20];
  unsigned long m;

  if (n >= sizeof buf)
    return -1;
  memcpy (buf, s, n);
  buf[n] = '\0';
  if (sscanf (buf, "%u.%u.%u.%u", &a, &b, &c, &d) != 4 || a > 255 || b > 255
      || c > 255 || d > 255)
    return -1;
  m = ((unsigned long) a << 24) | (b << 16) | (c << 8) | d;
  while (m & 0x80000000ul) {
    bits++;
    m = (m << 1) & 0xfffffffful;
  }
  return m ? -1 : (int) bits;
}

/* ifupdown: the stanzas of /etc/network/interfaces (and .d/). */
struct lines {
  const char *text;
  size_t len, off, lineno;
};

static int
next_line (struct lines *ls, const char **l, size_t *n)
{
  const char *nl;

  if (ls->off >= ls->len)
    return 0;
  *l = ls->text + ls->off;
  nl = memchr (*l, '\n', ls->len - ls->off);
  *n = nl ? (size_t) (nl - *l) : ls->len - ls->off;
  ls->off += *n + 1;
  ls->lineno++;
  return 1;
}

static void
parse_ifupdown (const char *path, const char *text, size_t len, json_t *net)
{
  struct lines ls = { text, len, 0, 0 };
  const char *l, *w[8];
  size_t n, wn[8], k;
  json_t *cur = NULL;
  int pending_mask = -1;

  while (next_line (&ls, &l, &n)) {
    k = words (l, n, w, wn, 8);
    if (k == 0)
      continue;
    if (word_is (w[0], wn[0], "iface") && k >= 4) {
      cur = NULL;
      if (word_is (w[1], wn[1], "lo") || word_is (w[3], wn[3], "loopback"))
        continue;
      cur = iface (net, w[1], wn[1], path, ls.lineno);
      /* the inventory's three methods: static, dhcp (dhcp, auto,
       * bootp), and manual for the rest (ppp, tunnel, ...) */
      if (cur && json_is_null (json_object_get (cur, "method"))) {
        const char *m = word_is (w[3], wn[3], "static") ? "static"
                        : word_is (w[3], wn[3], "dhcp")
                                || word_is (w[3], wn[3], "auto")
                                || word_is (w[3], wn[3], "bootp")
                            ? "dhcp"
                            : "manual";
        set_str (cur, "method", m, strlen (m));
      }
    } else if (word_is (w[0], wn[0], "auto")
               || word_is (w[0], wn[0], "mapping")
               || word_is (w[0], wn[0], "source")
               || (wn[0] > 6 && memcmp (w[0], "allow-", 6) == 0))
      cur = NULL;
    else if (cur && k >= 2 && word_is (w[0], wn[0], "address")) {
      add_address (cur, w[1], wn[1]);
      pending_mask = memchr (w[1], '/', wn[1]) == NULL;
    } else if (cur && k >= 2 && word_is (w[0], wn[0], "netmask")
               && pending_mask == 1) {
      /* address A + netmask M: A/prefix */
      json_t *a = json_object_get (cur, "addresses");
      json_t *last = json_array_get (a, json_array_size (a) - 1);
      int p = mask_prefix (w[1], wn[1]);
      if (last && p >= 0) {
        char buf[NET_STR_MAX + 8];
        snprintf (buf, sizeof buf, "%s/%d", json_string_value (last), p);
        json_array_set_new (a, json_array_size (a) - 1, json_string (buf));
      }
      pending_mask = 0;
    } else if (cur && k >= 2 && word_is (w[0], wn[0], "gateway"))
      set_str (cur, "gateway", w[1], wn[1]);
    else if (cur && k >= 3 && word_is (w[0], wn[0], "hwaddress"))
      set_str (cur, "mac", w[k - 1], wn[k - 1]);
    else if (cur && k >= 7 && (word_is (w[0], wn[0], "up")
                               || word_is (w[0], wn[0], "post-up"))
             && word_is (w[1], wn[1], "ip") && word_is (w[2], wn[2], "route")
             && word_is (w[3], wn[3], "add") && word_is (w[5], wn[5], "via"))
      push (net, "routes",
            json_pack ("{s:o, s:o, s:O, s:o}", "to", str_n (w[4], wn[4]),
                       "via", str_n (w[6], wn[6]), "interface",
                       json_object_get (cur, "name"), "source",
                       src (path, ls.lineno)));
  }
}

/* An INI-style file (networkd, NM keyfiles): section and key=value. */
struct ini {
  char section[32];
  const char *key, *val;
  size_t kn, vn;
};

static int
ini_line (const char *l, size_t n, struct ini *x)
{
  size_t i = 0, e;

  while (i < n && is_space (l[i]))
    i++;
  if (i == n || l[i] == '#' || l[i] == ';')
    return 0;
  if (l[i] == '[') {
    e = i + 1;
    while (e < n && l[e] != ']')
      e++;
    snprintf (x->section, sizeof x->section, "%.*s",
              (int) (e - i - 1 < 31 ? e - i - 1 : 31), l + i + 1);
    return 0;
  }
  x->key = l + i;
  while (i < n && l[i] != '=')
    i++;
  if (i == n)
    return 0;
  x->kn = (size_t) (l + i - x->key);
  while (x->kn && is_space (x->key[x->kn - 1]))
    x->kn--;
  i++;
  while (i < n && is_space (l[i]))
    i++;
  x->val = l + i;
  x->vn = n - i;
  while (x->vn && is_space (x->val[x->vn - 1]))
    x->vn--;
  return 1;
}

static int
ini_is (const struct ini *x, const char *section, const char *key)
{
  return strcasecmp (x->section, section) == 0 && word_is (x->key, x->kn, key);
}

/* The file's base name without its suffix, as an interface name. */
static void
base_name (const char *path, char *out, size_t size)
{
  const char *b = strrchr (path, '/'), *dot;

  b = b ? b + 1 : path;
  dot = strrchr (b, '.');
  snprintf (out, size, "%.*s", (int) (dot && dot > b ? dot - b : (long) strlen (b)), b);
}

/* Each ';' or ',' or ' ' separated item of v to net's list key. */
static void
push_items (json_t *net, const char *key, const char *v, size_t n)
{
  size_t i = 0, s;

  while (i < n) {
    while (i < n && (v[i] == ';' || v[i] == ',' || is_space (v[i])))
      i++;
    s = i;
    while (i < n && v[i] != ';' && v[i] != ',' && !is_space (v[i]))
      i++;
    if (i > s)
      push_str (net, key, v + s, i - s);
  }
}

/* The interface an INI-style file configures: section's key when a
 * plain name (no glob, one name), else the file's base name. */
static json_t *
ini_iface (json_t *net, const char *path, const char *text, size_t len,
           const char *section, const char *key)
{
  struct lines ls = { text, len, 0, 0 };
  struct ini x = { "", NULL, NULL, 0, 0 };
  const char *l;
  char name[64];
  size_t n;

  while (next_line (&ls, &l, &n))
    if (ini_line (l, n, &x) && ini_is (&x, section, key) && x.vn
        && x.vn < sizeof name && !memchr (x.val, '*', x.vn)
        && !memchr (x.val, ' ', x.vn))
      return iface (net, x.val, x.vn, path, ls.lineno);
  base_name (path, name, sizeof name);
  return iface (net, name, strlen (name), path, 1);
}

static void
parse_networkd (const char *path, const char *text, size_t len, json_t *net)
{
  struct lines ls = { text, len, 0, 0 };
  struct ini x = { "", NULL, NULL, 0, 0 };
  const char *l, *dest = NULL;
  size_t n, dn = 0, dline = 0;
  json_t *cur = ini_iface (net, path, text, len, "Match", "Name");

  while (next_line (&ls, &l, &n)) {
    if (!ini_line (l, n, &x)) {
      if (dest && strcasecmp (x.section, "Route") != 0)
        dest = NULL;
      continue;
    }
    if (ini_is (&x, "Network", "Address") || ini_is (&x, "Address", "Address"))
      add_address (cur, x.val, x.vn);
    else if (ini_is (&x, "Network", "Gateway"))
      set_str (cur, "gateway", x.val, x.vn);
    else if (ini_is (&x, "Network", "DHCP"))
      set_str (cur, "method", word_is (x.val, x.vn, "no") ? "static" : "dhcp",
               word_is (x.val, x.vn, "no") ? 6 : 4);
    else if (ini_is (&x, "Network", "DNS"))
      push_items (net, "nameservers", x.val, x.vn);
    else if (ini_is (&x, "Network", "Domains"))
      push_items (net, "search", x.val, x.vn);
    else if (ini_is (&x, "Match", "MACAddress"))
      set_str (cur, "mac", x.val, x.vn);
    else if (ini_is (&x, "Route", "Destination")) {
      dest = x.val;
      dn = x.vn;
      dline = ls.lineno;
    } else if (ini_is (&x, "Route", "Gateway") && dest)
      push (net, "routes",
            json_pack ("{s:o, s:o, s:O, s:o}", "to", str_n (dest, dn), "via",
                       str_n (x.val, x.vn), "interface",
                       json_object_get (cur, "name"), "source",
                       src (path, dline)));
  }
  if (json_is_null (json_object_get (cur, "method"))
      && json_array_size (json_object_get (cur, "addresses")))
    set_str (cur, "method", "static", 6);
}

static void
parse_nm (const char *path, const char *text, size_t len, json_t *net)
{
  struct lines ls = { text, len, 0, 0 };
  struct ini x = { "", NULL, NULL, 0, 0 };
  const char *l;
  size_t n;
  json_t *cur = ini_iface (net, path, text, len, "connection",
                           "interface-name");

  while (next_line (&ls, &l, &n)) {
    if (!ini_line (l, n, &x))
      continue;
    if (ini_is (&x, "ethernet", "mac-address"))
      set_str (cur, "mac", x.val, x.vn);
    else if (ini_is (&x, "ipv4", "method"))
      set_str (cur, "method", word_is (x.val, x.vn, "manual") ? "static"
                              : word_is (x.val, x.vn, "auto") ? "dhcp"
                                                              : "manual",
               word_is (x.val, x.vn, "auto") ? 4 : 6);
    else if (strcasecmp (x.section, "ipv4") == 0 && x.kn >= 7
             && (memcmp (x.key, "address", 7) == 0)) {
      /* address1=A/N[,GW] or addresses=A/N;B/M */
      size_t c = 0;
      while (c < x.vn && x.val[c] != ',' && x.val[c] != ';')
        c++;
      add_address (cur, x.val, c);
      if (c < x.vn && x.val[c] == ',')
        set_str (cur, "gateway", x.val + c + 1, x.vn - c - 1);
    } else if (ini_is (&x, "ipv4", "gateway"))
      set_str (cur, "gateway", x.val, x.vn);
    else if (ini_is (&x, "ipv4", "dns"))
      push_items (net, "nameservers", x.val, x.vn);
    else if (ini_is (&x, "ipv4", "dns-search"))
      push_items (net, "search", x.val, x.vn);
    else if (strcasecmp (x.section, "ipv4") == 0 && x.kn >= 5
             && memcmp (x.key, "route", 5) == 0 && !memchr (x.key, '_', x.kn)) {
      /* routeN=DEST/PREFIX,GATEWAY[,METRIC] */
      size_t c = 0, g;
      while (c < x.vn && x.val[c] != ',')
        c++;
      for (g = c + 1; g < x.vn && x.val[g] != ','; g++)
        ;
      if (c + 1 < x.vn)
        push (net, "routes",
              json_pack ("{s:o, s:o, s:O, s:o}", "to", str_n (x.val, c), "via",
                         str_n (x.val + c + 1, g - c - 1), "interface",
                         json_object_get (cur, "name"), "source",
                         src (path, ls.lineno)));
    }
  }
}

static void
parse_ifcfg (const char *path, const char *text, size_t len, json_t *net)
{
  struct lines ls = { text, len, 0, 0 };
  const char *l, *addr = NULL;
  size_t n, an = 0, i;
  json_t *cur = NULL;
  char name[64];
  int prefix = -1, dhcp = -1;

  while (next_line (&ls, &l, &n)) {
    const char *v;
    size_t vn;

    for (i = 0; i < n && is_space (l[i]); i++)
      ;
    l += i;
    n -= i;
    v = memchr (l, '=', n);
    if (v == NULL || l[0] == '#')
      continue;
    vn = n - (size_t) (v + 1 - l);
    v++;
    while (vn && (v[vn - 1] == '\r' || is_space (v[vn - 1])))
      vn--;
    if (vn >= 2 && (v[0] == '"' || v[0] == '\'') && v[vn - 1] == v[0]) {
      v++;
      vn -= 2;
    }
    if (cur == NULL) {
      /* DEVICE= names it; else the file name ifcfg-NAME */
      if (n > 7 && memcmp (l, "DEVICE=", 7) == 0)
        cur = iface (net, v, vn, path, ls.lineno);
    }
    if (n > 7 && memcmp (l, "IPADDR=", 7) == 0) {
      addr = v;
      an = vn;
    } else if (n > 7 && memcmp (l, "PREFIX=", 7) == 0) {
      /* within the line: the text need not end after it */
      size_t d;
      for (prefix = 0, d = 0; d < vn && d < 4 && isdigit ((unsigned char) v[d]);
           d++)
        prefix = prefix * 10 + (v[d] - '0');
      if (d == 0)
        prefix = -1;
    } else if (n > 8 && memcmp (l, "NETMASK=", 8) == 0)
      prefix = mask_prefix (v, vn);
    else if (n > 8 && memcmp (l, "GATEWAY=", 8) == 0 && cur)
      set_str (cur, "gateway", v, vn);
    else if (n > 7 && memcmp (l, "HWADDR=", 7) == 0 && cur)
      set_str (cur, "mac", v, vn);
    else if (n > 10 && memcmp (l, "BOOTPROTO=", 10) == 0)
      dhcp = word_is (v, vn, "dhcp") || word_is (v, vn, "bootp");
    else if (n > 3 && memcmp (l, "DNS", 3) == 0 && isdigit ((unsigned char) l[3]))
      push_str (net, "nameservers", v, vn);
    else if (n > 7 && memcmp (l, "DOMAIN=", 7) == 0)
      push_items (net, "search", v, vn);
  }
  if (cur == NULL) {
    const char *b = strrchr (path, '/');
    b = b ? b + 1 : path;
    snprintf (name, sizeof name, "%s", strncmp (b, "ifcfg-", 6) == 0 ? b + 6 : b);
    if (strcmp (name, "lo") == 0)
      return;
    cur = iface (net, name, strlen (name), path, 1);
  }
  if (dhcp >= 0 && cur)
    set_str (cur, "method", dhcp ? "dhcp" : "static", dhcp ? 4 : 6);
  if (addr && cur) {
    char buf[NET_STR_MAX + 8];
    int w = (int) (an < NET_STR_MAX ? an : NET_STR_MAX);

    if (prefix >= 0 && prefix <= 128)
      snprintf (buf, sizeof buf, "%.*s/%d", w, addr, prefix);
    else
      snprintf (buf, sizeof buf, "%.*s", w, addr);
    add_address (cur, buf, strlen (buf));
  }
}

/* netplan: read with lib/yaml.c, then network.ethernets (and bonds,
 * vlans, bridges: their addresses belong to the VM too). */
static void
netplan_iface (json_t *net, const char *path, const char *name,
               const json_t *d)
{
  json_t *cur = iface (net, name, strlen (name), path, 1), *x, *r;
  size_t i;

  if (cur == NULL || !json_is_object (d))
    return;
  json_array_foreach (json_object_get (d, "addresses"), i, x) if (
      json_is_string (x)) add_address (cur, json_string_value (x),
                                       strlen (json_string_value (x)));
  x = json_object_get (d, "gateway4");
  if (json_is_string (x))
    set_str (cur, "gateway", json_string_value (x), strlen (json_string_value (x)));
  x = json_object_get (d, "dhcp4");
  if (json_is_true (x) || (json_is_string (x)
                           && (strcmp (json_string_value (x), "true") == 0
                               || strcmp (json_string_value (x), "yes") == 0)))
    set_str (cur, "method", "dhcp", 4);
  else if (json_array_size (json_object_get (d, "addresses")))
    set_str (cur, "method", "static", 6);
  x = json_object_get (json_object_get (d, "match"), "macaddress");
  if (json_is_string (x))
    set_str (cur, "mac", json_string_value (x), strlen (json_string_value (x)));
  json_array_foreach (json_object_get (d, "routes"), i, r)
  {
    const json_t *to = json_object_get (r, "to"), *via = json_object_get (r, "via");
    if (!json_is_string (to) || !json_is_string (via))
      continue;
    if (strcmp (json_string_value (to), "default") == 0
        || strcmp (json_string_value (to), "0.0.0.0/0") == 0)
      set_str (cur, "gateway", json_string_value (via),
               strlen (json_string_value (via)));
    else
      push (net, "routes",
            json_pack ("{s:O, s:O, s:O, s:o}", "to", to, "via", via,
                       "interface", json_object_get (cur, "name"), "source",
                       src (path, 1)));
  }
  x = json_object_get (d, "nameservers");
  json_array_foreach (json_object_get (x, "addresses"), i, r) if (
      json_is_string (r)) push_str (net, "nameservers", json_string_value (r),
                                    strlen (json_string_value (r)));
  json_array_foreach (json_object_get (x, "search"), i, r) if (
      json_is_string (r)) push_str (net, "search", json_string_value (r),
                                    strlen (json_string_value (r)));
}

static void
parse_netplan (const char *path, const char *text, size_t len, json_t *net)
{
  static const char *const kinds[] = { "ethernets", "bonds", "bridges",
                                       "vlans", NULL };
  struct v2c_err err = { 0, "" };
  json_t *doc = v2c_yaml_load (text, len, path, &err), *n, *d;
  const char *name;
  size_t k;

  n = json_object_get (doc, "network");
  for (k = 0; kinds[k]; k++)
    json_object_foreach (json_object_get (n, kinds[k]), name, d)
      netplan_iface (net, path, name, d);
  json_decref (doc);
}

static int
loopback (const char *a, size_t n)
{
  return (n >= 4 && memcmp (a, "127.", 4) == 0) || word_is (a, n, "::1")
         || (n >= 4 && (memcmp (a, "ff02", 4) == 0 || memcmp (a, "fe00", 4) == 0));
}

static void
parse_hosts (const char *path, const char *text, size_t len, json_t *net)
{
  struct lines ls = { text, len, 0, 0 };
  const char *l, *w[16];
  size_t n, wn[16], k, i;

  while (next_line (&ls, &l, &n)) {
    k = words (l, n, w, wn, 16);
    if (k < 2 || loopback (w[0], wn[0]))
      continue;
    json_t *names = json_array ();
    for (i = 1; i < k; i++)
      json_array_append_new (names, str_n (w[i], wn[i]));
    push (net, "hosts",
          json_pack ("{s:o, s:o, s:o}", "address", str_n (w[0], wn[0]),
                     "names", names, "source", src (path, ls.lineno)));
  }
}

static void
parse_resolv (const char *path, const char *text, size_t len, json_t *net)
{
  struct lines ls = { text, len, 0, 0 };
  const char *l, *w[8];
  size_t n, wn[8], k, i;

  (void) path;
  while (next_line (&ls, &l, &n)) {
    k = words (l, n, w, wn, 8);
    if (k >= 2 && word_is (w[0], wn[0], "nameserver"))
      push_str (net, "nameservers", w[1], wn[1]);
    else if (k >= 2 && (word_is (w[0], wn[0], "search")
                        || word_is (w[0], wn[0], "domain")))
      for (i = 1; i < k; i++)
        push_str (net, "search", w[i], wn[i]);
  }
}

void
v2c_net_parse (enum v2c_net_kind kind, const char *path, const char *text,
               size_t len, json_t *net)
{
  switch (kind) {
  case V2C_NETF_IFUPDOWN: parse_ifupdown (path, text, len, net); break;
  case V2C_NETF_NETWORKD: parse_networkd (path, text, len, net); break;
  case V2C_NETF_NM: parse_nm (path, text, len, net); break;
  case V2C_NETF_NETPLAN: parse_netplan (path, text, len, net); break;
  case V2C_NETF_IFCFG: parse_ifcfg (path, text, len, net); break;
  case V2C_NETF_HOSTS: parse_hosts (path, text, len, net); break;
  case V2C_NETF_RESOLV: parse_resolv (path, text, len, net); break;
  }
}

/* hostname from /etc/hostname; the FQDN from it when it has a dot,
 * else from the hosts line that names it after a dotted name. */
void
v2c_net_identity (json_t *net, const char *hostname, size_t n)
{
  const json_t *h, *names, *x;
  size_t i, j, k = 0;

  while (k < n && !is_space (hostname[k]) && hostname[k] != '\n')
    k++;
  if (k == 0)
    return;
  json_object_set_new (net, "hostname", str_n (hostname, k));
  if (memchr (hostname, '.', k)) {
    json_object_set_new (net, "fqdn", str_n (hostname, k));
    return;
  }
  json_array_foreach (json_object_get (net, "hosts"), i, h)
  {
    names = json_object_get (h, "names");
    json_array_foreach (names, j, x)
    {
      const char *s = json_string_value (x);
      if (s && strlen (s) > k && memcmp (s, hostname, k) == 0 && s[k] == '.') {
        json_object_set_new (net, "fqdn", json_string (s));
        return;
      }
    }
  }
}

/* Read path and feed it to the parser; a missing file is nothing. */
static void
feed (struct v2c_fs *fs, enum v2c_net_kind kind, const char *path,
      json_t *net)
{
  size_t len;
  char *t = v2c_fs_read (fs, path, NET_FILE_MAX, &len);

  if (t == NULL)
    return;
  v2c_net_parse (kind, path, t, len, net);
  free (t);
}

/* Each file of dir whose name ends with suffix (any when NULL), or
 * starts with prefix. */
static void
feed_dir (struct v2c_fs *fs, enum v2c_net_kind kind, const char *dir,
          const char *prefix, const char *suffix, json_t *net)
{
  char **names = v2c_fs_list (fs, dir), path[4096];
  size_t i, sl = suffix ? strlen (suffix) : 0;

  for (i = 0; names && names[i] && i < NET_LIST_MAX; i++) {
    size_t nl = strlen (names[i]);
    if ((prefix && strncmp (names[i], prefix, strlen (prefix)) != 0)
        || (suffix && (nl < sl || strcmp (names[i] + nl - sl, suffix) != 0)))
      continue;
    snprintf (path, sizeof path, "%s/%s", dir, names[i]);
    feed (fs, kind, path, net);
  }
  v2c_strv_free (names);
}

json_t *
v2c_inspect_network (struct v2c_fs *fs)
{
  json_t *net = v2c_net_new ();
  size_t len;
  char *h;

  if (net == NULL)
    return NULL;
  feed (fs, V2C_NETF_IFUPDOWN, "/etc/network/interfaces", net);
  feed_dir (fs, V2C_NETF_IFUPDOWN, "/etc/network/interfaces.d", NULL, NULL, net);
  feed_dir (fs, V2C_NETF_NETWORKD, "/etc/systemd/network", NULL, ".network", net);
  feed_dir (fs, V2C_NETF_NM, "/etc/NetworkManager/system-connections", NULL,
            NULL, net);
  feed_dir (fs, V2C_NETF_NETPLAN, "/etc/netplan", NULL, ".yaml", net);
  feed_dir (fs, V2C_NETF_IFCFG, "/etc/sysconfig/network-scripts", "ifcfg-",
            NULL, net);
  feed (fs, V2C_NETF_HOSTS, "/etc/hosts", net);
  feed (fs, V2C_NETF_RESOLV, "/etc/resolv.conf", net);
  if ((h = v2c_fs_read (fs, "/etc/hostname", 4096, &len))) {
    v2c_net_identity (net, h, len);
    free (h);
  }
  return net;
}
