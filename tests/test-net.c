/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * lib/inspect-net.c and lib/inspect-refs.c on configuration files as
 * the guests have them: the network identity from each kind of
 * network configuration, and the references of nginx, Apache, fstab,
 * rsyslog, Tomcat, PHP, Python, Node and environment files, with no
 * credential kept.  Then both from a guest tree (the fs-dir backend).
 */
#include <config.h>

#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inspect-net.h"
#include "unit.h"

static json_t *
parse (enum v2c_net_kind kind, const char *path, const char *text)
{
  json_t *net = v2c_net_new ();

  v2c_net_parse (kind, path, text, strlen (text), net);
  return net;
}

/* The compact JSON of net's member key equals want. */
static void
check_json (const char *ctx, const json_t *net, const char *key,
            const char *want)
{
  char *got = json_dumps (json_object_get (net, key),
                          JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);

  unit_check_str (ctx, key, got, want);
  free (got);
}

static void
test_ifupdown (void)
{
  json_t *n = parse (V2C_NETF_IFUPDOWN, "/etc/network/interfaces",
                     "auto lo\niface lo inet loopback\n\n"
                     "auto ens192\niface ens192 inet static\n"
                     "  address 192.168.50.20\n  netmask 255.255.255.0\n"
                     "  gateway 192.168.50.1\n"
                     "  up ip route add 10.20.0.0/16 via 192.168.50.254\n"
                     "allow-hotplug ens224\niface ens224 inet dhcp\n"
                     "  hwaddress ether 00:50:56:aa:bb:cc\n");

  check_json ("ifupdown", n, "interfaces",
              "[{\"addresses\":[\"192.168.50.20/24\"],\"gateway\":"
              "\"192.168.50.1\",\"mac\":null,\"method\":\"static\",\"name\":"
              "\"ens192\",\"source\":\"/etc/network/interfaces:5\"},"
              "{\"addresses\":[],\"gateway\":null,\"mac\":"
              "\"00:50:56:aa:bb:cc\",\"method\":\"dhcp\",\"name\":\"ens224\","
              "\"source\":\"/etc/network/interfaces:11\"}]");
  check_json ("ifupdown", n, "routes",
              "[{\"interface\":\"ens192\",\"source\":"
              "\"/etc/network/interfaces:9\",\"to\":\"10.20.0.0/16\",\"via\":"
              "\"192.168.50.254\"}]");
  json_decref (n);
}

static void
test_networkd_nm_ifcfg (void)
{
  json_t *n = parse (V2C_NETF_NETWORKD, "/etc/systemd/network/10-eth0.network",
                     "[Match]\nName=eth0\nMACAddress=00:50:56:01:02:03\n\n"
                     "[Network]\nAddress=10.0.0.5/24\nGateway=10.0.0.1\n"
                     "DNS=10.0.0.2 10.0.0.3\nDomains=corp.example\n\n"
                     "[Route]\nDestination=172.16.0.0/12\nGateway=10.0.0.254\n");

  check_json ("networkd", n, "interfaces",
              "[{\"addresses\":[\"10.0.0.5/24\"],\"gateway\":\"10.0.0.1\","
              "\"mac\":\"00:50:56:01:02:03\",\"method\":\"static\",\"name\":"
              "\"eth0\",\"source\":\"/etc/systemd/network/10-eth0.network:2\"}]");
  check_json ("networkd", n, "nameservers", "[\"10.0.0.2\",\"10.0.0.3\"]");
  check_json ("networkd", n, "search", "[\"corp.example\"]");
  check_json ("networkd", n, "routes",
              "[{\"interface\":\"eth0\",\"source\":"
              "\"/etc/systemd/network/10-eth0.network:12\",\"to\":"
              "\"172.16.0.0/12\",\"via\":\"10.0.0.254\"}]");
  json_decref (n);

  n = parse (V2C_NETF_NM, "/etc/NetworkManager/system-connections/Wired.nmconnection",
             "[connection]\nid=Wired\ninterface-name=ens160\n[ethernet]\n"
             "mac-address=00:50:56:0A:0B:0C\n[ipv4]\nmethod=manual\n"
             "address1=172.20.1.10/16,172.20.0.1\ndns=172.20.0.2;\n"
             "dns-search=lab.example;\nroute1=10.9.0.0/16,172.20.0.254,100\n");
  check_json ("nm", n, "interfaces",
              "[{\"addresses\":[\"172.20.1.10/16\"],\"gateway\":\"172.20.0.1\","
              "\"mac\":\"00:50:56:0A:0B:0C\",\"method\":\"static\",\"name\":"
              "\"ens160\",\"source\":\"/etc/NetworkManager/system-connections/"
              "Wired.nmconnection:3\"}]");
  check_json ("nm", n, "routes",
              "[{\"interface\":\"ens160\",\"source\":\"/etc/NetworkManager/"
              "system-connections/Wired.nmconnection:11\",\"to\":"
              "\"10.9.0.0/16\",\"via\":\"172.20.0.254\"}]");
  json_decref (n);

  n = parse (V2C_NETF_IFCFG, "/etc/sysconfig/network-scripts/ifcfg-ens192",
             "TYPE=Ethernet\nBOOTPROTO=none\nDEVICE=ens192\nONBOOT=yes\n"
             "IPADDR=192.168.10.5\nNETMASK=255.255.254.0\nGATEWAY=192.168.10.1\n"
             "DNS1=192.168.10.2\nDOMAIN=\"a.example b.example\"\n"
             "HWADDR=00:50:56:11:22:33\n");
  check_json ("ifcfg", n, "interfaces",
              "[{\"addresses\":[\"192.168.10.5/23\"],\"gateway\":"
              "\"192.168.10.1\",\"mac\":\"00:50:56:11:22:33\",\"method\":"
              "\"static\",\"name\":\"ens192\",\"source\":\"/etc/sysconfig/"
              "network-scripts/ifcfg-ens192:3\"}]");
  check_json ("ifcfg", n, "search", "[\"a.example\",\"b.example\"]");
  json_decref (n);
}

static void
test_netplan_hosts (void)
{
  json_t *n = parse (V2C_NETF_NETPLAN, "/etc/netplan/50-cloud-init.yaml",
                     "network:\n  version: 2\n  ethernets:\n    ens3:\n"
                     "      addresses: [10.1.2.3/24]\n      routes:\n"
                     "        - to: default\n          via: 10.1.2.1\n"
                     "        - to: 192.168.0.0/16\n          via: 10.1.2.254\n"
                     "      nameservers:\n        addresses: [10.1.2.53]\n"
                     "        search: [svc.example]\n");

  check_json ("netplan", n, "interfaces",
              "[{\"addresses\":[\"10.1.2.3/24\"],\"gateway\":\"10.1.2.1\","
              "\"mac\":null,\"method\":\"static\",\"name\":\"ens3\",\"source\":"
              "\"/etc/netplan/50-cloud-init.yaml:1\"}]");
  check_json ("netplan", n, "nameservers", "[\"10.1.2.53\"]");
  check_json ("netplan", n, "routes",
              "[{\"interface\":\"ens3\",\"source\":"
              "\"/etc/netplan/50-cloud-init.yaml:1\",\"to\":\"192.168.0.0/16\","
              "\"via\":\"10.1.2.254\"}]");
  {
    static const char hosts[]
        = "127.0.0.1 localhost\n127.0.1.1 web01.corp.example web01\n"
          "::1 localhost ip6-localhost\n"
          "10.0.0.7 app01.corp.example app01 # app\n";
    v2c_net_parse (V2C_NETF_HOSTS, "/etc/hosts", hosts, strlen (hosts), n);
  }
  v2c_net_identity (n, "web01\n", 6);
  check_json ("hosts", n, "hosts",
              "[{\"address\":\"10.0.0.7\",\"names\":[\"app01.corp.example\","
              "\"app01\"],\"source\":\"/etc/hosts:4\"}]");
  check_json ("identity", n, "hostname", "\"web01\"");
  /* 127.0.1.1 is loopback: no host entry, so no FQDN from it */
  check_json ("identity", n, "fqdn", "null");
  v2c_net_identity (n, "db.corp.example", 15);
  check_json ("identity", n, "fqdn", "\"db.corp.example\"");
  json_decref (n);
}

/* refs: the references of one file, as "kind host port line" lines. */
static char *
refs (enum v2c_ref_kind kind, const char *path, const char *text)
{
  json_t *r = json_array (), *x;
  static char out[4096];
  size_t i, len = 0;

  v2c_refs_scan (kind, path, text, strlen (text), r);
  out[0] = '\0';
  json_array_foreach (r, i, x)
  {
    const char *src = json_string_value (json_object_get (x, "source"));
    len += (size_t) snprintf (out + len, sizeof out - len, "%s %s %lld %s\n",
                              json_string_value (json_object_get (x, "kind")),
                              json_string_value (json_object_get (x, "host")),
                              (long long) json_integer_value (
                                  json_object_get (x, "port")),
                              strrchr (src, ':') + 1);
  }
  json_decref (r);
  return out;
}

static void
test_refs (void)
{
  unit_check_str ("nginx", "refs",
                  refs (V2C_REFF_NGINX, "/etc/nginx/sites-enabled/default",
                        "upstream app {\n  server app01.corp.example:8080 weight=2;\n"
                        "  server 10.0.0.8;\n}\nserver {\n  location / {\n"
                        "    proxy_pass http://app;\n  }\n  location /api {\n"
                        "    proxy_pass https://api.corp.example:8443/v1;\n  }\n"
                        "  location ~ \\.php$ { fastcgi_pass 10.0.0.9:9000; }\n"
                        "  location /local { proxy_pass http://127.0.0.1:9090; }\n}\n"),
                  "upstream app01.corp.example 8080 2\nupstream 10.0.0.8 80 3\n"
                  "http api.corp.example 8443 10\nfastcgi 10.0.0.9 9000 12\n");
  unit_check_str ("apache", "refs",
                  refs (V2C_REFF_APACHE, "/etc/apache2/sites-enabled/app.conf",
                        "<VirtualHost *:80>\n  ProxyPass /app http://tomcat01:8080/app\n"
                        "  ProxyPassReverse /app http://tomcat01:8080/app\n"
                        "  <Proxy balancer://c>\n    BalancerMember http://w2.corp.example:8080\n"
                        "  </Proxy>\n</VirtualHost>\n"),
                  "http tomcat01 8080 2\nhttp w2.corp.example 8080 5\n");
  unit_check_str ("fstab", "refs",
                  refs (V2C_REFF_FSTAB, "/etc/fstab",
                        "UUID=1 / ext4 defaults 0 1\nnas01:/export/data /data nfs4 rw 0 0\n"
                        "//files.corp.example/share /mnt/share cifs credentials=/root/.c 0 0\n"),
                  "nfs nas01 2049 2\ncifs files.corp.example 445 3\n");
  unit_check_str ("rsyslog", "refs",
                  refs (V2C_REFF_SYSLOG, "/etc/rsyslog.d/50-fwd.conf",
                        "*.* @@logs.corp.example:6514\nauth.* @10.0.0.50\n"
                        "action(type=\"omfwd\" target=\"siem.corp.example\" port=\"514\")\n"),
                  "syslog logs.corp.example 6514 1\nsyslog 10.0.0.50 514 2\n"
                  "syslog siem.corp.example 514 3\n");
  /* connection settings; never the user or the password */
  unit_check_str ("config", "refs",
                  refs (V2C_REFF_CONFIG, "/srv/app/.env",
                        "DATABASE_URL=postgresql://app:s3cret@db01.corp.example:5433/app\n"
                        "REDIS_HOST=cache01\nSMTP_SERVER = \"mail.corp.example\"\n"
                        "MONGO_URL=mongodb://u:p@m1.example:27017,m2.example:27018/db\n"
                        "DB_HOST=${DB_HOST}\nAPI=http://ignored.example/\n"
                        "CACHE_HOST=localhost\n"),
                  "postgresql db01.corp.example 5433 1\nredis cache01 6379 2\n"
                  "smtp mail.corp.example 25 3\nmongodb m1.example 27017 4\n"
                  "mongodb m2.example 27018 4\n");
  unit_check_str ("tomcat", "refs",
                  refs (V2C_REFF_CONFIG, "/etc/tomcat9/context.xml",
                        "<Resource name=\"jdbc/app\" url=\"jdbc:postgresql://pg01:5432/app\"\n"
                        " username=\"app\" password=\"x\"/>\n"),
                  "jdbc pg01 5432 1\n");
  unit_check_str ("php", "refs",
                  refs (V2C_REFF_CONFIG, "/var/www/app/config.php",
                        "<?php\ndefine('DB_HOST', 'mysql01.corp.example');\n"
                        "$cfg = ['host' => 'redis02', 'port' => 6379];\n"),
                  "database mysql01.corp.example 0 2\nhost-setting redis02 0 3\n");
  unit_check_str ("python", "refs",
                  refs (V2C_REFF_CONFIG, "/srv/site/settings.py",
                        "DATABASES = {'default': {'ENGINE': 'x', 'HOST': 'pg02', 'PORT': '5432'}}\n"),
                  "host-setting pg02 0 1\n");
  unit_check_str ("conf", "refs",
                  refs (V2C_REFF_CONFIG, "/etc/app/app.conf",
                        "host = notcounted.example\nldap.server=ldap01.corp.example\n"),
                  "ldap ldap01.corp.example 389 2\n");
  CHECK (strstr (refs (V2C_REFF_CONFIG, "/srv/app/.env",
                       "DATABASE_URL=postgresql://app:s3cret@db01/app\n"),
                 "s3cret") == NULL,
         "a password is kept");
}

/* Both from a tree, through the fs-dir backend. */
static void
test_tree (void)
{
  char root[] = "/tmp/test-net.XXXXXX";
  struct v2c_err err = { 0, "" };
  struct v2c_fs *fs;
  json_t *net, *r;

  if (mkdtemp (root) == NULL)
    unit_die ("mkdtemp");
  unit_put (root, "etc/hostname", "web01\n");
  unit_put (root, "etc/hosts", "127.0.0.1 localhost\n10.0.0.5 web01.corp.example web01\n");
  unit_put (root, "etc/network/interfaces",
            "auto ens192\niface ens192 inet static\n  address 10.0.0.5/24\n");
  unit_put (root, "etc/resolv.conf", "search corp.example\nnameserver 10.0.0.2\n");
  /* the enabled site is a link to the available one: read once */
  unit_put (root, "etc/nginx/sites-available/default",
            "server { location / { proxy_pass http://app01.corp.example:8080; } }\n");
  {
    char p[256];

    snprintf (p, sizeof p, "%s/etc/nginx/sites-enabled", root);
    if (mkdir (p, 0755) == -1)
      unit_die ("mkdir %s", p);
    snprintf (p, sizeof p, "%s/etc/nginx/sites-enabled/default", root);
    if (symlink ("../sites-available/default", p) == -1)
      unit_die ("symlink %s", p);
  }
  unit_put (root, "srv/app/.env", "DATABASE_URL=mysql://u:p@db01:3306/x\n");
  unit_put (root, "opt/tool/bin/tool", "REDIS_HOST=notread\n");
  unit_put (root, "opt/tool/node_modules/m/config.json",
            "{\"host\": \"notread.example\"}\n");
  fs = v2c_fs_open_dir (root, &err);
  if (fs == NULL)
    unit_die ("fs: %s", err.msg);
  net = v2c_inspect_network (fs);
  r = v2c_inspect_references (fs);
  check_json ("tree", net, "fqdn", "\"web01.corp.example\"");
  check_json ("tree", net, "search", "[\"corp.example\"]");
  CHECK (json_array_size (json_object_get (net, "interfaces")) == 1,
         "tree: one interface");
  CHECK (json_array_size (r) == 2, "tree: %zu references, want 2 (the file "
         "without a configuration name and node_modules are not read, the "
         "enabled site's link is not read again): %s", json_array_size (r),
         json_dumps (r, JSON_COMPACT));
  json_decref (net);
  json_decref (r);
  v2c_fs_free (fs);
  {
    char cmd[64];
    snprintf (cmd, sizeof cmd, "rm -rf %s", root);
    if (system (cmd) != 0)
      unit_die ("cleanup");
  }
}

int
main (void)
{
  test_ifupdown ();
  test_networkd_nm_ifcfg ();
  test_netplan_hosts ();
  test_refs ();
  test_tree ();
  return unit_status ();
}
