/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Service configuration facts: a guest tree laid out like Debian 12's
 * packages lay out nginx, apache2, postgresql-15, mariadb, redis,
 * openssh, tomcat10 and mongodb (their default files trimmed to what
 * matters, plus the edits an administrator makes), read with
 * v2c_conf_read; every port, data directory and proxy target is checked
 * with the file and line of its evidence, as read off the files below.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inspect.h"
#include "unit.h"

static char root[] = "/tmp/v2c-test-conf.XXXXXX";

static void
mkdirs (const char *rel)
{
  char p[4096], *s;

  snprintf (p, sizeof p, "%s/%s", root, rel);
  for (s = p + strlen (root) + 1; *s; s++)
    if (*s == '/') {
      *s = '\0';
      mkdir (p, 0755);
      *s = '/';
    }
  mkdir (p, 0755);
}

static void
dump (const struct v2c_conf_facts *f)
{
  size_t i;

  for (i = 0; i < f->nports; i++)
    fprintf (stderr, "  port %d/%s %s %s [%s]\n", f->ports[i].port,
             f->ports[i].protocol,
             f->ports[i].address ? f->ports[i].address : "-",
             f->ports[i].service, f->ports[i].evidence);
  for (i = 0; i < f->ndirs; i++)
    fprintf (stderr, "  dir %s %s %lld [%s]\n", f->dirs[i].path,
             f->dirs[i].service, (long long) f->dirs[i].used_bytes,
             f->dirs[i].evidence);
  for (i = 0; i < f->nproxy; i++)
    fprintf (stderr, "  proxy %s\n", f->proxy_targets[i]);
  for (i = 0; i < f->nrefs; i++)
    fprintf (stderr, "  ref %s %s [%s]\n", f->refs[i].path, f->refs[i].service,
             f->refs[i].evidence);
}

/* A file the configuration names, with the evidence's file and line
 * (NULL: must not be there). */
static void
want_ref (const struct v2c_conf_facts *f, const char *path,
          const char *service, const char *evidence)
{
  size_t i;

  for (i = 0; i < f->nrefs; i++)
    if (strcmp (f->refs[i].path, path) == 0) {
      CHECK (evidence && strcmp (f->refs[i].service, service) == 0
                 && strncmp (f->refs[i].evidence, evidence, strlen (evidence))
                        == 0,
             "ref %s: %s [%s], expected %s [%s]", path, f->refs[i].service,
             f->refs[i].evidence, service, evidence ? evidence : "absent");
      return;
    }
  CHECK (evidence == NULL, "no file ref %s for %s", path, service);
}

static const struct v2c_port *
find_port (const struct v2c_conf_facts *f, int port, const char *proto,
           const char *service)
{
  size_t i;

  for (i = 0; i < f->nports; i++)
    if (f->ports[i].port == port && strcmp (f->ports[i].protocol, proto) == 0
        && strcmp (f->ports[i].service, service) == 0)
      return &f->ports[i];
  return NULL;
}

/* A port with its address (NULL: none) and exact evidence. */
static void
want_port (const struct v2c_conf_facts *f, int port, const char *proto,
           const char *service, const char *address, const char *evidence)
{
  const struct v2c_port *p = find_port (f, port, proto, service);

  CHECK (p != NULL, "no port %d/%s for %s", port, proto, service);
  if (p == NULL)
    return;
  CHECK ((address == NULL && p->address == NULL)
             || (address && p->address && strcmp (address, p->address) == 0),
         "port %d %s: address '%s', expected '%s'", port, service,
         p->address ? p->address : "(none)", address ? address : "(none)");
  CHECK (strcmp (p->evidence, evidence) == 0,
         "port %d %s: evidence '%s', expected '%s'", port, service,
         p->evidence, evidence);
}

static void
no_port (const struct v2c_conf_facts *f, int port, const char *service)
{
  size_t i;

  for (i = 0; i < f->nports; i++)
    CHECK (!(f->ports[i].port == port
             && strcmp (f->ports[i].service, service) == 0),
           "unexpected port %d for %s [%s]", port, service,
           f->ports[i].evidence);
}

static void
want_dir (const struct v2c_conf_facts *f, const char *path,
          const char *service, const char *evidence, int64_t used)
{
  size_t i;

  for (i = 0; i < f->ndirs; i++)
    if (strcmp (f->dirs[i].path, path) == 0
        && strcmp (f->dirs[i].service, service) == 0) {
      CHECK (strcmp (f->dirs[i].evidence, evidence) == 0,
             "dir %s: evidence '%s', expected '%s'", path, f->dirs[i].evidence,
             evidence);
      CHECK (f->dirs[i].used_bytes == used, "dir %s: used %lld, expected %lld",
             path, (long long) f->dirs[i].used_bytes, (long long) used);
      return;
    }
  CHECK (0, "no data dir %s for %s", path, service);
}

static int
has_proxy (const struct v2c_conf_facts *f, const char *t)
{
  size_t i;

  for (i = 0; i < f->nproxy; i++)
    if (strcmp (f->proxy_targets[i], t) == 0)
      return 1;
  return 0;
}

/* The guest tree: the configuration files of tests/data/conf-guest
 * (see its README), and what git can't hold or a loop writes better:
 * the links that enable sites and modules, empty directories, and an
 * sshd Include chain deeper than the limit. */
static void
build_guest (void)
{
  const char *srcdir = getenv ("top_srcdir");
  char cmd[8192], chain[64], body[256];
  int i;

  snprintf (cmd, sizeof cmd, "cp -R '%s/tests/data/conf-guest/.' '%s'",
            srcdir ? srcdir : ".", root);
  if (system (cmd) != 0) {
    fprintf (stderr, "can't copy the guest tree: %s\n", cmd);
    exit (99);
  }
  mkdirs ("etc/nginx/modules-enabled");
  unit_symlink (root, "../sites-available/default",
                "etc/nginx/sites-enabled/default");
  unit_symlink (root, "../mods-available/mpm_event.load",
                "etc/apache2/mods-enabled/mpm_event.load");
  unit_symlink (root, "../mods-available/proxy.load",
                "etc/apache2/mods-enabled/proxy.load");
  mkdirs ("etc/apache2/conf-enabled");
  unit_symlink (root, "../sites-available/app.conf",
                "etc/apache2/sites-enabled/app.conf");
  unit_symlink (root, "mariadb.cnf", "etc/mysql/my.cnf");
  mkdirs ("var/lib/redis");
  for (i = 0; i < 30; i++) {
    snprintf (chain, sizeof chain, "etc/ssh/chain/%d.conf", i);
    snprintf (body, sizeof body, "Port %d\nInclude /etc/ssh/chain/%d.conf\n",
              10000 + i, i + 1);
    unit_put (root, chain, body);
  }
}

static void
test_guest (void)
{
  struct v2c_err err = { 0, "" };
  struct v2c_fs *fs;
  struct v2c_conf_facts f;
  struct v2c_services svcs;
  struct v2c_service svc[2];
  struct v2c_kv env[4];
  size_t i;
  int bad = failures;

  build_guest ();
  memset (svc, 0, sizeof svc);
  svc[0].name = (char *) "app.service";
  svc[0].unit_path = (char *) "/etc/systemd/system/app.service";
  svc[0].exec_start
      = (char *) "-/usr/bin/app --port 9100 --listen=0.0.0.0:9200 "
                 "-Dserver.port=9300 --password=v2c-planted-x "
                 "-p 9101 --port 9100";
  env[0].key = (char *) "PORT";
  env[0].value = (char *) "9400";
  env[1].key = (char *) "ADMIN_PORT";
  env[1].value = (char *) "9500";
  env[2].key = (char *) "PORT_RANGE";
  env[2].value = (char *) "9600";
  env[3].key = (char *) "DB_PASSWORD";
  env[3].value = (char *) "<redacted>";
  svc[0].environment = env;
  svc[0].nenvironment = 4;
  svc[1].name = (char *) "nginx.service";
  svc[1].exec_start
      = (char *) "/usr/sbin/nginx -g 'daemon on; master_process on;'";
  svcs.v = svc;
  svcs.n = 2;
  svcs.timers = NULL;
  svcs.ntimers = 0;

  fs = v2c_fs_open_dir (root, &err);
  CHECK (fs != NULL, "open: %s", err.msg);
  if (fs == NULL)
    return;
  CHECK (v2c_conf_read (fs, &svcs, &f, &err) == 0, "read: %s", err.msg);

  /* nginx */
  want_port (&f, 80, "tcp", "nginx", NULL,
             "/etc/nginx/sites-enabled/default:3: listen 80 default_server;");
  want_port (&f, 443, "tcp", "nginx",
             "::", "/etc/nginx/sites-enabled/default:5: listen [::]:443 ssl;");
  want_port (&f, 8080, "tcp", "nginx", "127.0.0.1",
             "/etc/nginx/sites-enabled/default:6: listen 127.0.0.1:8080;");
  want_port (
      &f, 8081, "tcp", "nginx", NULL,
      "/etc/nginx/sites-enabled/default:8: listen *:8081 default_server;");
  want_port (&f, 8443, "tcp", "nginx", NULL,
             "/etc/nginx/sites-enabled/default:9: listen \"8443\" ssl;");
  want_port (&f, 5353, "udp", "nginx", NULL,
             "/etc/nginx/nginx.conf:16: listen 5353 udp;");
  no_port (&f, 9999, "nginx");
  CHECK (has_proxy (&f, "10.0.0.1:8080"), "no upstream 10.0.0.1:8080");
  CHECK (has_proxy (&f, "10.0.0.2:80"), "no upstream 10.0.0.2:80");
  CHECK (has_proxy (&f, "127.0.0.1:9000"), "no proxy_pass 127.0.0.1:9000");
  CHECK (has_proxy (&f, "127.0.0.1:53"), "no stream proxy_pass 127.0.0.1:53");
  CHECK (has_proxy (&f, "legacy.internal:80"), "no legacy.internal:80");
  CHECK (!has_proxy (&f, "app:80"), "upstream name 'app' taken as a host");

  /* apache2: ssl not loaded, mod_proxy is */
  want_port (&f, 80, "tcp", "apache2", NULL,
             "/etc/apache2/ports.conf:3: Listen 80");
  no_port (&f, 443, "apache2");
  want_port (&f, 8443, "tcp", "apache2", "0.0.0.0",
             "/etc/apache2/ports.conf:9: Listen 0.0.0.0:8443 https");
  want_port (&f, 8000, "tcp", "apache2", NULL,
             "/etc/apache2/sites-enabled/app.conf:1: <VirtualHost *:8000>");
  CHECK (has_proxy (&f, "127.0.0.1:8080"), "no ProxyPass 127.0.0.1:8080");
  CHECK (has_proxy (&f, "10.0.0.5:8081"), "no BalancerMember 10.0.0.5:8081");

  /* postgresql: the conf.d port wins */
  want_port (&f, 5433, "tcp", "postgresql", NULL,
             "/etc/postgresql/15/main/conf.d/port.conf:2: port=5433");
  want_port (&f, 5432, "tcp", "postgresql", "localhost",
             "/etc/postgresql/16/other/postgresql.conf: default port 5432");
  want_dir (&f, "/var/lib/postgresql/15/main", "postgresql",
            "/etc/postgresql/15/main/postgresql.conf:2: data_directory = "
            "'/var/lib/postgresql/15/main'",
            13);
  want_dir (&f, "/etc/postgresql/16/other", "postgresql",
            "/etc/postgresql/16/other/postgresql.conf: default "
            "data_directory: the configuration's directory",
            37);

  /* mysql */
  want_port (&f, 3307, "tcp", "mysql", "127.0.0.1",
             "/etc/mysql/mariadb.conf.d/50-server.cnf:9: port=3307");
  no_port (&f, 9999, "mysql");
  no_port (&f, 1, "mysql");
  want_dir (&f, "/srv/mysql", "mysql",
            "/etc/mysql/mariadb.conf.d/50-server.cnf:7: datadir = "
            "/srv/mysql # moved",
            8);

  /* redis */
  want_port (&f, 6380, "tcp", "redis", "127.0.0.1",
             "/etc/redis/redis.conf:4: port 6380");
  want_port (&f, 6390, "tcp", "redis", "127.0.0.1",
             "/etc/redis/extra.conf:1: tls-port 6390");
  want_dir (&f, "/var/lib/redis", "redis",
            "/etc/redis/redis.conf:6: dir /var/lib/redis", 0);

  /* files the configurations name (keys, password files): absolute
     paths only; relative ones depend on the server's directory */
  want_ref (&f, "/srv/keys/site.key", "nginx",
            "/etc/nginx/sites-enabled/default:");
  want_ref (&f, "/etc/ssl/certs/site.pem", "nginx",
            "/etc/nginx/sites-enabled/default:");
  want_ref (&f, "htpasswd", "nginx", NULL);
  want_ref (&f, "/srv/tls/app.key", "apache2",
            "/etc/apache2/sites-enabled/app.conf:");
  want_ref (&f, "/etc/apache2/conf/users", "apache2",
            "/etc/apache2/sites-enabled/app.conf:");
  want_ref (&f, "/etc/ssl/private/ssl-cert-snakeoil.key", "postgresql",
            "/etc/postgresql/15/main/postgresql.conf:");
  want_ref (&f, "server.crt", "postgresql", NULL);
  want_ref (&f, "/etc/redis/tls/redis.key", "redis",
            "/etc/redis/redis.conf:");
  want_ref (&f, "/etc/mysql/ssl/server-key.pem", "mysql",
            "/etc/mysql/mariadb.conf.d/50-server.cnf:10: ssl-key");

  /* sshd: the include chain stops at depth 16 */
  want_port (&f, 22, "tcp", "sshd", NULL, "/etc/ssh/sshd_config:3: Port 22");
  want_port (&f, 2222, "tcp", "sshd", NULL,
             "/etc/ssh/sshd_config:4: Port=2222");
  want_port (
      &f, 2200, "tcp", "sshd", "0.0.0.0",
      "/etc/ssh/sshd_config.d/listen.conf:1: ListenAddress 0.0.0.0:2200");
  no_port (&f, 9, "sshd");
  for (i = 0; i < 16; i++)
    CHECK (find_port (&f, 10000 + i, "tcp", "sshd"), "chain port %zu missing",
           10000 + i);
  no_port (&f, 10016, "sshd");

  /* tomcat: the shutdown port is not a service port */
  want_port (&f, 8080, "tcp", "tomcat", NULL,
             "/etc/tomcat10/server.xml:5: <Connector port=\"8080\" "
             "protocol=\"HTTP/1.1\">");
  want_port (&f, 8009, "tcp", "tomcat", "::1",
             "/etc/tomcat10/server.xml:11: <Connector port=\"8009\" "
             "protocol=\"AJP/1.3\" address=\"::1\">");
  no_port (&f, 8005, "tomcat");
  no_port (&f, 8443, "tomcat");

  /* mongodb */
  want_port (&f, 27018, "tcp", "mongodb", "127.0.0.1",
             "/etc/mongod.conf:7: port: 27018");
  want_dir (&f, "/var/lib/mongodb", "mongodb",
            "/etc/mongod.conf:3: dbPath: /var/lib/mongodb", 18);

  /* command line and environment */
  want_port (&f, 9100, "tcp", "app.service", NULL,
             "/etc/systemd/system/app.service: ExecStart --port 9100");
  want_port (&f, 9101, "tcp", "app.service", NULL,
             "/etc/systemd/system/app.service: ExecStart -p 9101");
  want_port (&f, 9200, "tcp", "app.service", "0.0.0.0",
             "/etc/systemd/system/app.service: ExecStart "
             "--listen=0.0.0.0:9200");
  want_port (&f, 9300, "tcp", "app.service", NULL,
             "/etc/systemd/system/app.service: ExecStart -Dserver.port=9300");
  want_port (&f, 9400, "tcp", "app.service", NULL,
             "/etc/systemd/system/app.service: Environment PORT=9400");
  want_port (&f, 9500, "tcp", "app.service", NULL,
             "/etc/systemd/system/app.service: Environment ADMIN_PORT=9500");
  no_port (&f, 9600, "app.service");
  for (i = 0; i < f.nports; i++) {
    CHECK (strstr (f.ports[i].evidence, "planted") == NULL,
           "a secret in evidence '%s'", f.ports[i].evidence);
    CHECK (strlen (f.ports[i].evidence) <= 200, "evidence too long");
  }
  if (failures > bad)
    dump (&f);
  v2c_conf_facts_free_contents (&f);
  v2c_fs_free (fs);
}

/* The parsers on one text each. */
static int
count_inc (void *opaque, const char *pattern)
{
  char *last = opaque;

  snprintf (last, 256, "%s", pattern);
  return 0;
}

static void
test_parsers (void)
{
  struct v2c_err err = { 0, "" };
  struct v2c_conf_facts f;
  char last[256] = "", deep[4096];
  size_t i;
  static const char ng[] = "http {\n server {\n  server_name x;\n }\n"
                           " include sites/*.conf;\n}\n";
  static const char bad_quote[] = "server { listen \"80; }\n";
  static const char bad_brace[] = "server { listen 80; }\n}\n";
  static const char mongo_old[] = "# old format\ndbpath = /srv/mongo\n"
                                  "port = 27019\nbind_ip = 10.1.1.1\n";
  static const char pg_empty[] = "listen_addresses = ''\n";
  static const char my_none[] = "[client]\nport=3306\n";
  static const char rd_zero[] = "port 0\ndir ./\n";

  /* a server without listen: nginx listens on *:80 */
  memset (&f, 0, sizeof f);
  CHECK (v2c_conf_nginx ("/t/nginx.conf", ng, strlen (ng), &f, count_inc, last,
                         &err)
             == 0,
         "nginx: %s", err.msg);
  CHECK (f.nports == 1 && f.ports[0].port == 80
             && strcmp (f.ports[0].evidence, "/t/nginx.conf:2: server (no "
                                             "listen: default *:80)")
                    == 0,
         "nginx default listen: %s", f.nports ? f.ports[0].evidence : "none");
  CHECK (strcmp (last, "sites/*.conf") == 0, "include pattern '%s'", last);
  v2c_conf_facts_free_contents (&f);

  CHECK (v2c_conf_nginx ("/t/a", bad_quote, strlen (bad_quote), &f, NULL, NULL,
                         &err)
                 == -1
             && strstr (err.msg, "unterminated"),
         "unterminated string: '%s'", err.msg);
  v2c_conf_facts_free_contents (&f);
  CHECK (v2c_conf_nginx ("/t/b", bad_brace, strlen (bad_brace), &f, NULL, NULL,
                         &err)
                 == -1
             && strstr (err.msg, "line 2"),
         "unbalanced brace: '%s'", err.msg);
  v2c_conf_facts_free_contents (&f);
  /* nesting beyond the limit is refused, not recursed into */
  deep[0] = '\0';
  for (i = 0; i < 100; i++)
    strcat (deep, "a {");
  CHECK (v2c_conf_nginx ("/t/c", deep, strlen (deep), &f, NULL, NULL, &err)
                 == -1
             && strstr (err.msg, "nested"),
         "deep nesting: '%s'", err.msg);
  v2c_conf_facts_free_contents (&f);

  CHECK (v2c_conf_mongodb ("/etc/mongodb.conf", mongo_old, strlen (mongo_old),
                           &f, NULL, NULL, &err)
             == 0,
         "mongodb old: %s", err.msg);
  CHECK (f.nports == 1 && f.ports[0].port == 27019
             && strcmp (f.ports[0].address, "10.1.1.1") == 0
             && strcmp (f.ports[0].evidence, "/etc/mongodb.conf:3: port = "
                                             "27019")
                    == 0,
         "mongodb old port");
  CHECK (f.ndirs == 1 && strcmp (f.dirs[0].path, "/srv/mongo") == 0,
         "mongodb old dbpath");
  v2c_conf_facts_free_contents (&f);

  CHECK (v2c_conf_postgresql ("/var/lib/pgsql/data/postgresql.conf", pg_empty,
                              strlen (pg_empty), &f, NULL, NULL, &err)
                 == 0
             && f.nports == 0 && f.ndirs == 1
             && strcmp (f.dirs[0].path, "/var/lib/pgsql/data") == 0,
         "postgresql without TCP");
  v2c_conf_facts_free_contents (&f);
  CHECK (v2c_conf_mysql ("/etc/my.cnf", my_none, strlen (my_none), &f, NULL,
                         NULL, &err)
                 == 0
             && f.nports == 0 && f.ndirs == 0,
         "mysql client-only config gave facts");
  v2c_conf_facts_free_contents (&f);
  CHECK (v2c_conf_redis ("/etc/redis.conf", rd_zero, strlen (rd_zero), &f,
                         NULL, NULL, &err)
                 == 0
             && f.nports == 0 && f.ndirs == 0,
         "redis port 0");
  v2c_conf_facts_free_contents (&f);
}

int
main (void)
{
  char cmd[4200];

  if (mkdtemp (root) == NULL) {
    perror ("mkdtemp");
    return 1;
  }
  test_guest ();
  test_parsers ();
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", root);
  if (system (cmd) != 0)
    fprintf (stderr, "can't remove %s\n", root);
  return unit_status ();
}
