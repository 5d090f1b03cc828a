/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A guest's place on the network (issue 17): its identity (hostname,
 * FQDN, interfaces, routes, /etc/hosts, DNS; lib/inspect-net.c) and
 * every address or name its services are configured to reach
 * (lib/inspect-refs.c), each with its file and line.  Credentials in a
 * reference (a URL's user and password) are never kept.
 */
#ifndef V2C_INSPECT_NET_H
#define V2C_INSPECT_NET_H

#include <stddef.h>

#include <jansson.h>

#include "inspect.h"

enum v2c_net_kind {
  V2C_NETF_IFUPDOWN, /* /etc/network/interfaces(.d/...) */
  V2C_NETF_NETWORKD, /* /etc/systemd/network/NAME.network */
  V2C_NETF_NM,       /* NetworkManager keyfiles */
  V2C_NETF_NETPLAN,  /* /etc/netplan/NAME.yaml */
  V2C_NETF_IFCFG,    /* /etc/sysconfig/network-scripts/ifcfg-NAME */
  V2C_NETF_HOSTS,    /* /etc/hosts */
  V2C_NETF_RESOLV,   /* /etc/resolv.conf */
};

/* The words of a configuration line, at most max, as (start, length)
 * pairs: separated by blanks, up to a '#'; a directive (nginx, Apache)
 * also ends at its ';'.  Used by both parsers. */
size_t v2c_net_words (const char *l, size_t n, const char **w, size_t *wn,
                      size_t max, int directive);
/* 1 when the word w (n bytes) is s, case-insensitively with nocase. */
int v2c_net_word_is (const char *w, size_t n, const char *s, int nocase);

/* The inventory's "network" object, empty: hostname and fqdn null, the
 * lists empty. */
json_t *v2c_net_new (void);
/* Add what path (its text) says to net. */
void v2c_net_parse (enum v2c_net_kind kind, const char *path,
                    const char *text, size_t len, json_t *net);
/* hostname (/etc/hostname's text) and the FQDN it or /etc/hosts gives. */
void v2c_net_identity (json_t *net, const char *hostname, size_t n);
/* All of it from a guest tree; NULL only when out of memory. */
json_t *v2c_inspect_network (struct v2c_fs *fs);

/* What kind of file a reference scan reads. */
enum v2c_ref_kind {
  V2C_REFF_NGINX,   /* proxy_pass, upstream servers, fastcgi_pass ... */
  V2C_REFF_APACHE,  /* ProxyPass, BalancerMember */
  V2C_REFF_FSTAB,   /* NFS and CIFS mounts */
  V2C_REFF_SYSLOG,  /* rsyslog forwarding */
  V2C_REFF_CONFIG,  /* any other configuration: URLs, JDBC, KEY=host */
};

/* Append to refs ({kind, host, port, source}) the references of one
 * file. */
void v2c_refs_scan (enum v2c_ref_kind kind, const char *path,
                    const char *text, size_t len, json_t *refs);
/* The inventory's "references" array from a guest tree: nginx, Apache,
 * fstab, rsyslog, and the configuration files of /etc, /srv, /opt and
 * /var/www (by name, at most a few thousand); NULL only when out of
 * memory. */
json_t *v2c_inspect_references (struct v2c_fs *fs);

#endif /* V2C_INSPECT_NET_H */
