/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The converters on a real Debian 12 VM, and the schedules they read.
 *
 * tests/data/plan/debian12-inventory.json is v2c-inspect's inventory of
 * the image tests/make-debian.sh builds with debootstrap: nginx-light,
 * PostgreSQL 15 (cluster 15-main), redis-server, cron, openssh-server,
 * v2c-app.service (User=www-data, uid 33 in Debian's base-passwd,
 * "python3 -m http.server ... 9090", After=postgresql.service) and
 * /etc/cron.d/v2c-job ("17 3 * * * postgres /usr/bin/vacuumdb --all
 * --quiet").  The expectations are those facts and the packages' own
 * units (nginx.service forks with "daemon on;", redis-server.service is
 * Type=notify with --supervised systemd, postgresql@.service runs
 * pg_ctlcluster).  Schedules: systemd.time(7) defines "daily" as
 * "*-*-* 00:00:00" and "weekly" as "Mon *-*-* 00:00:00"; crontab(5)
 * defines @daily & co and 7 as Sunday.  A converter registered at run
 * time gets its component and its rule in the report.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "converter-util.h"
#include "plan.h"
#include "report.h"
#include "unit.h"
#define load(file) unit_load_json ("tests/data/plan/" file)

static json_t *
named (json_t *arr, const char *key, const char *name)
{
  size_t i;

  for (i = 0; i < json_array_size (arr); i++) {
    json_t *v = json_object_get (json_array_get (arr, i), key);
    if (json_is_string (v) && strcmp (json_string_value (v), name) == 0)
      return json_array_get (arr, i);
  }
  return NULL;
}

/* Compare the member of o with the JSON text want. */
static void
expect (json_t *o, const char *what, const char *key, const char *want)
{
  json_t *w = json_loads (want, JSON_DECODE_ANY, NULL);
  json_t *v = o ? json_object_get (o, key) : NULL;
  char *got = v ? json_dumps (v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

  CHECK (w != NULL, "bad test JSON %s", want);
  CHECK (v != NULL && json_equal (v, w), "%s.%s is %s, expected %s", what, key,
         got ? got : "(missing)", want);
  free (got);
  json_decref (w);
}

/* The component whose service (or, for cron, whose command[0]) is s. */
static json_t *
component_of (json_t *comps, const char *service)
{
  json_t *k = named (comps, "service", service);
  size_t i;

  for (i = 0; k == NULL && i < json_array_size (comps); i++) {
    json_t *c = json_array_get (comps, i);
    const char *c0 = json_string_value (
        json_array_get (json_object_get (c, "command"), 0));
    if (c0 && strcmp (c0, service) == 0)
      k = c;
  }
  return k;
}

static int
has_volume (json_t *k, const char *path, const char *kind)
{
  json_t *v = named (json_object_get (k, "volumes"), "mount_path", path);

  return v
         && strcmp (json_string_value (json_object_get (v, "kind")), kind)
                == 0;
}

static void
test_debian (void)
{
  struct v2c_err err = { 0, "" };
  json_t *inv = load ("debian12-inventory.json");
  json_t *plan = unit_plan_build (inv, NULL, &err), *comps, *k, *d;
  static const char *const gone[]
      = { "ssh.service",           "getty@tty1.service",
          "cron.service",          "systemd-journald.service",
          "modprobe@loop.service", "kmod-static-nodes.service",
          "e2scrub_reap.service",  "getty-static.service",
          "postgresql.service",    "apt-daily.timer",
          "fstrim.timer",          "e2scrub_all.timer",
          "/etc/crontab:18",       "/etc/cron.d/e2scrub_all:1",
          "/etc/cron.daily/dpkg",  "/etc/cron.daily/apt-compat" };
  size_t i;

  CHECK (plan != NULL, "build: %s", err.msg);
  if (plan == NULL) {
    json_decref (inv);
    return;
  }
  CHECK (v2c_plan_check (plan, &err) == 0, "check: %s", err.msg);
  comps = json_object_get (plan, "components");
  CHECK (json_array_size (comps) == 5, "%zu components, expected 5",
         json_array_size (comps));

  /* the custom app: a Deployment, its port, its user, not root */
  k = component_of (comps, "v2c-app.service");
  CHECK (k != NULL, "no component for v2c-app.service");
  expect (k, "v2c-app", "kind", "\"Deployment\"");
  expect (k, "v2c-app", "converter", "\"python\"");
  expect (k, "v2c-app", "command",
          "[\"/usr/bin/python3\",\"-m\",\"http.server\",\"--directory\","
          "\"/srv/v2c-app\",\"9090\"]");
  expect (k, "v2c-app", "user", "\"www-data\"");
  expect (k, "v2c-app", "uid", "33");
  expect (k, "v2c-app", "gid", "33");
  expect (k, "v2c-app", "run_as_root", "false");
  expect (k, "v2c-app", "working_dir", "\"/srv/v2c-app\"");
  expect (k, "v2c-app", "env", "{\"PORT\":\"9090\"}");
  expect (k, "v2c-app", "ports",
          "[{\"port\":9090,\"protocol\":\"tcp\",\"name\":\"tcp-9090\"}]");
  expect (k, "v2c-app", "probes",
          "{\"liveness\":{\"tcpSocket\":{\"port\":9090},"
          "\"initialDelaySeconds\":10,\"periodSeconds\":10},\"readiness\":"
          "{\"tcpSocket\":{\"port\":9090},\"initialDelaySeconds\":5,"
          "\"periodSeconds\":10}}");
  /* After=postgresql.service: the cluster's component */
  expect (k, "v2c-app", "depends_on", "[\"postgresql-15-main\"]");
  expect (plan, "plan", "main_component", "\"v2c-app\"");

  /* nginx in the foreground, /var/lib/nginx scratch, the official image */
  k = component_of (comps, "nginx.service");
  CHECK (k != NULL, "no component for nginx.service");
  expect (k, "nginx", "kind", "\"Deployment\"");
  expect (k, "nginx", "command",
          "[\"/usr/sbin/nginx\",\"-g\",\"daemon off; master_process on;\"]");
  expect (k, "nginx", "ports",
          "[{\"port\":80,\"protocol\":\"tcp\",\"name\":\"http\"}]");
  expect (
      k, "nginx", "probes",
      "{\"liveness\":{\"httpGet\":{\"path\":\"/\",\"port\":80},"
      "\"initialDelaySeconds\":10,\"periodSeconds\":10},\"readiness\":"
      "{\"httpGet\":{\"path\":\"/\",\"port\":80},\"initialDelaySeconds\":5,"
      "\"periodSeconds\":10}}");
  CHECK (has_volume (k, "/var/lib/nginx", "emptyDir"),
         "nginx: /var/lib/nginx is not an emptyDir");
  CHECK (has_volume (k, "/etc/nginx/nginx.conf", "configMap"),
         "nginx: no ConfigMap volume for nginx.conf");
  expect (k, "nginx", "read_only_root", "true");
  CHECK (json_is_object (json_object_get (k, "replace_with"))
             && strcmp (json_string_value (json_object_get (
                            json_object_get (k, "replace_with"), "image")),
                        "docker.io/library/nginx:1.22")
                    == 0,
         "nginx: replace_with");

  /* PostgreSQL: a StatefulSet on its data directory, as postgres */
  k = component_of (comps, "postgresql@15-main.service");
  CHECK (k != NULL, "no component for postgresql@15-main.service");
  expect (k, "postgresql", "name", "\"postgresql-15-main\"");
  expect (k, "postgresql", "kind", "\"StatefulSet\"");
  expect (k, "postgresql", "command",
          "[\"/usr/lib/postgresql/15/bin/postgres\",\"-D\","
          "\"/var/lib/postgresql/15/main\",\"-c\","
          "\"config_file=/etc/postgresql/15/main/postgresql.conf\","
          "\"-c\",\"listen_addresses=*\"]");
  expect (k, "postgresql", "user", "\"postgres\"");
  expect (k, "postgresql", "uid", "101");
  expect (k, "postgresql", "ports",
          "[{\"port\":5432,\"protocol\":\"tcp\",\"name\":\"postgresql\"}]");
  d = named (json_object_get (k, "volumes"), "mount_path",
             "/var/lib/postgresql/15/main");
  /* 39940096 bytes, twice that rounded up to GiB */
  CHECK (
      d && strcmp (json_string_value (json_object_get (d, "kind")), "pvc") == 0
          && strcmp (json_string_value (json_object_get (d, "size")), "1Gi")
                 == 0,
      "postgresql: no 1Gi pvc for its data directory");
  expect (json_object_get (k, "probes"), "postgresql.probes", "liveness",
          "{\"tcpSocket\":{\"port\":5432},\"initialDelaySeconds\":30,"
          "\"periodSeconds\":10}");
  CHECK (json_is_object (json_object_get (k, "replace_with"))
             && strcmp (json_string_value (json_object_get (
                            json_object_get (k, "replace_with"), "image")),
                        "docker.io/library/postgres:15")
                    == 0,
         "postgresql: replace_with");
  /* databases weigh 2, the others 1: 1 CPU, 1 GiB over 1+1+2+2 */
  expect (k, "postgresql", "resources",
          "{\"requests\":{\"cpu\":\"333m\",\"memory\":\"341Mi\"},"
          "\"limits\":{\"memory\":\"682Mi\"}}");

  /* Redis keeps its data and stays in the foreground */
  k = component_of (comps, "redis-server.service");
  CHECK (k != NULL, "no component for redis-server.service");
  expect (k, "redis", "kind", "\"StatefulSet\"");
  expect (k, "redis", "command",
          "[\"/usr/bin/redis-server\",\"/etc/redis/redis.conf\","
          "\"--daemonize\",\"no\",\"--supervised\",\"no\","
          "\"--bind\",\"*\",\"-::*\",\"--protected-mode\",\"no\"]");
  expect (k, "redis", "user", "\"redis\"");
  /* both listened on loopback only (Debian's defaults): opened to the
   * pod's addresses, with a note each */
  {
    char *notes = json_dumps (json_object_get (plan, "notes"), 0);
    CHECK (notes && strstr (notes, "'redis-server.service' listened on the "
                                   "VM's loopback address only")
               && strstr (notes, "'postgresql@15-main.service' listened on "
                                 "the VM's loopback address only")
               && strstr (notes, "pg_hba.conf"),
           "no loopback notes: %s", notes ? notes : "(none)");
    /* and not the generic note asking the engineer to do it */
    CHECK (notes && !strstr (notes, "make it listen on all addresses"),
           "a note asks for what the converters did: %s",
           notes ? notes : "(none)");
    free (notes);
  }
  expect (k, "redis", "uid", "100");
  CHECK (has_volume (k, "/var/lib/redis", "pvc"),
         "redis: /var/lib/redis is not a pvc");
  expect (k, "redis", "ports",
          "[{\"port\":6379,\"protocol\":\"tcp\",\"name\":\"redis\"}]");

  /* the cron job: its schedule, vacuumdb as postgres, no probes */
  k = component_of (comps, "/usr/bin/vacuumdb");
  CHECK (k != NULL, "no component for the vacuumdb cron job");
  expect (k, "v2c-job", "name", "\"v2c-job\"");
  expect (k, "v2c-job", "kind", "\"CronJob\"");
  expect (k, "v2c-job", "schedule", "\"17 3 * * *\"");
  expect (k, "v2c-job", "command",
          "[\"/usr/bin/vacuumdb\",\"--all\",\"--quiet\"]");
  expect (k, "v2c-job", "user", "\"postgres\"");
  expect (k, "v2c-job", "uid", "101");
  expect (k, "v2c-job", "probes", "null");
  expect (k, "v2c-job", "source",
          "{\"kind\":\"cron\",\"file\":\"/etc/cron.d/v2c-job\",\"line\":3}");
  expect (k, "v2c-job", "depends_on", "[\"postgresql-15-main\"]");
  expect (k, "v2c-job", "resources",
          "{\"requests\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"},"
          "\"limits\":{\"memory\":\"256Mi\"}}");

  /* every workload: resources; the long-running ones: probes; no
   * sshd/getty/systemd/modprobe workload */
  for (i = 0; i < json_array_size (comps); i++) {
    json_t *c = json_array_get (comps, i);
    const char *name = json_string_value (json_object_get (c, "name"));
    const char *svc = json_string_value (json_object_get (c, "service"));
    int cron
        = strcmp (json_string_value (json_object_get (c, "kind")), "CronJob")
          == 0;
    CHECK (json_is_object (json_object_get (c, "resources")),
           "%s: no resources", name);
    CHECK (cron == json_is_null (json_object_get (c, "probes")), "%s: probes",
           name);
    CHECK (svc == NULL
               || (strncmp (svc, "ssh", 3) != 0
                   && strstr (svc, "getty") == NULL
                   && strncmp (svc, "systemd", 7) != 0
                   && strncmp (svc, "modprobe", 8) != 0),
           "%s: a workload from '%s'", name, svc);
  }
  for (i = 0; i < sizeof gone / sizeof gone[0]; i++) {
    d = named (json_object_get (plan, "dropped"), "name", gone[i]);
    CHECK (d != NULL && json_string_length (json_object_get (d, "reason")) > 0,
           "%s is not dropped with a reason", gone[i]);
  }
  json_decref (plan);

  /* the VM's vCPUs and memory, shared */
  json_object_set_new (json_object_get (inv, "hardware"), "cpus",
                       json_integer (4));
  json_object_set_new (json_object_get (inv, "hardware"), "memory_mib",
                       json_integer (6144));
  plan = unit_plan_build (inv, NULL, &err);
  CHECK (plan != NULL, "build with 4 CPUs: %s", err.msg);
  if (plan) {
    expect (plan, "plan", "vm", "{\"cpus\":4,\"memory_mib\":6144}");
    k = component_of (json_object_get (plan, "components"),
                      "redis-server.service");
    expect (k, "redis", "resources",
            "{\"requests\":{\"cpu\":\"1333m\",\"memory\":\"2Gi\"},"
            "\"limits\":{\"memory\":\"4Gi\"}}");
    json_decref (plan);
  }
  json_decref (inv);
}

/* The demo inventory with one service only (a copy of its second,
 * renamed, running exec), and no timer, cron job or data directory. */
static json_t *
one_service (const json_t *base, const char *name, const char *type,
             const char *exec)
{
  json_t *inv = json_deep_copy (base), *svc;

  svc = json_deep_copy (json_array_get (json_object_get (inv, "services"), 1));
  json_object_set_new (svc, "name", json_string (name));
  json_object_set_new (svc, "type", json_string (type));
  json_object_set_new (svc, "exec_start", json_string (exec));
  json_object_set_new (svc, "user", json_null ());
  json_object_set_new (svc, "group", json_null ());
  json_object_set_new (svc, "working_directory", json_null ());
  json_object_set_new (svc, "environment", json_object ());
  json_object_set_new (svc, "environment_files", json_array ());
  json_object_set_new (svc, "ports", json_array ());
  json_object_set_new (svc, "kind",
                       json_string (strchr (name, '.') ? "systemd" : "sysv"));
  json_array_clear (json_object_get (inv, "services"));
  json_array_append_new (json_object_get (inv, "services"), svc);
  json_array_clear (json_object_get (inv, "timers"));
  json_array_clear (json_object_get (inv, "cron"));
  json_array_clear (json_object_get (inv, "data_dirs"));
  return inv;
}

/* Converters on units of other distributions and kinds. */
static void
test_units (void)
{
  static const struct {
    const char *name, *type, *exec, *converter, *want_cmd, *want_reason;
  } t[] = {
    { "httpd.service", "notify", "/usr/sbin/httpd $OPTIONS -DFOREGROUND",
      "apache", "[\"/usr/sbin/httpd\",\"-DFOREGROUND\"]", NULL },
    { "apache2.service", "forking", "/usr/sbin/apachectl start", "apache",
      "[\"/usr/sbin/apache2ctl\",\"-DFOREGROUND\"]", NULL },
    { "mariadb.service", "notify", "/usr/sbin/mariadbd $MYSQLD_OPTS", "mysql",
      "[\"/bin/sh\",\"-c\",\"exec /usr/sbin/mariadbd $MYSQLD_OPTS\"]", NULL },
    { "mysql", "forking", "/etc/init.d/mysql start", "mysql",
      "[\"/usr/sbin/mysqld\",\"--datadir=/var/lib/mysql\"]", NULL },
    { "tomcat9.service", "simple", "/usr/share/tomcat9/bin/catalina.sh start",
      "tomcat", "[\"/usr/share/tomcat9/bin/catalina.sh\",\"run\"]", NULL },
    { "php8.2-fpm.service", "notify",
      "/usr/sbin/php-fpm8.2 --nodaemonize --fpm-config "
      "/etc/php/8.2/fpm/php-fpm.conf",
      "php-fpm",
      "[\"/usr/sbin/php-fpm8.2\",\"--nodaemonize\",\"--fpm-config\","
      "\"/etc/php/8.2/fpm/php-fpm.conf\"]",
      NULL },
    { "shop.service", "simple", "/usr/bin/java -Xmx512m -jar /opt/shop.jar",
      "java", "[\"/usr/bin/java\",\"-Xmx512m\",\"-jar\",\"/opt/shop.jar\"]",
      NULL },
    { "api.service", "simple", "/usr/bin/node /srv/api/index.js", "node",
      "[\"/usr/bin/node\",\"/srv/api/index.js\"]", NULL },
    { "postgresql.service", "forking",
      "/usr/bin/pg_ctl start -D /var/lib/pgsql/data", "postgresql",
      "[\"/usr/bin/postgres\",\"-D\",\"/var/lib/pgsql/data\"]", NULL },
    { "redis.service", "simple", "/usr/bin/redis-server /etc/redis.conf",
      "redis",
      "[\"/usr/bin/redis-server\",\"/etc/redis.conf\",\"--daemonize\","
      "\"no\",\"--supervised\",\"no\"]",
      NULL },
    { "legacy.service", "forking", "/usr/sbin/legacyd", NULL, NULL,
      "forking unit" },
    { "setup.service", "oneshot", "/usr/local/bin/setup", NULL, NULL,
      "oneshot unit" },
  };
  struct v2c_err err = { 0, "" };
  json_t *base = load ("demo-inventory.json"), *inv, *plan, *k;
  size_t i;

  for (i = 0; i < sizeof t / sizeof t[0]; i++) {
    inv = one_service (base, t[i].name, t[i].type, t[i].exec);
    plan = unit_plan_build (inv, NULL, &err);
    CHECK (plan != NULL, "%s: %s", t[i].name, err.msg);
    if (plan && t[i].converter) {
      k = json_array_get (json_object_get (plan, "components"), 0);
      CHECK (
          k
              && strcmp (json_string_value (json_object_get (k, "converter")),
                         t[i].converter)
                     == 0,
          "%s: converter %s", t[i].name,
          k ? json_string_value (json_object_get (k, "converter")) : "-");
      expect (k, t[i].name, "command", t[i].want_cmd);
      CHECK (v2c_plan_check (plan, &err) == 0, "%s: check: %s", t[i].name,
             err.msg);
    } else if (plan) {
      json_t *d = json_array_get (json_object_get (plan, "dropped"), 0);
      CHECK (json_array_size (json_object_get (plan, "components")) == 0 && d
                 && strncmp (json_string_value (json_object_get (d, "reason")),
                             t[i].want_reason, strlen (t[i].want_reason))
                        == 0,
             "%s: not dropped as '%s'", t[i].name, t[i].want_reason);
    }
    json_decref (plan);
    json_decref (inv);
  }
  json_decref (base);
}

/* A workload kind added through the registry's API, as HACKING.md
 * tells: "kvd", a key-value daemon that keeps its data in /var/lib/kvd,
 * answers GET /healthz on port 7000 and earns a rule in the report. */
static const struct v2c_conv_advice kvd_advice = {
  .id = "kvd-test",
  .severity = V2C_CONV_MEDIUM,
  .title = "kvd key-value store",
  .text = "move the store with kvd-dump",
  .with_converter = 1,
  .moves_state = 1,
};

static int
kvd_detect (const struct v2c_conv_in *in)
{
  return in->src == V2C_CONV_SERVICE && strcmp (in->exe, "kvd") == 0;
}

static int
kvd_contribute (struct v2c_conv_ctx *ctx, const struct v2c_conv_in *in,
                struct v2c_conv_out *out, struct v2c_err *err)
{
  (void) in;
  if (ctx->add_volume (ctx, "/var/lib/kvd", "pvc", "2Gi", NULL) == -1
      || v2c_conv_write_path (out->comp, "/var/lib/kvd", 0) == -1
      || v2c_conv_add_port (out->comp, 7000, "tcp", NULL) == -1
      || ctx->replace_with (ctx, "docker.io/example/kvd:1", "the image") == -1)
    return v2c_set_error (err, 0, "out of memory");
  ctx->set_probe (ctx, "/healthz", 7000, 16);
  out->write_known = 1;
  return 0;
}

static const struct v2c_converter kvd = {
  .name = "kvd",
  .kind = V2C_KIND_STATEFULSET,
  .flags = V2C_CONV_HTTP,
  .advice = &kvd_advice,
  .detect = kvd_detect,
  .contribute = kvd_contribute,
};

static void
test_register (void)
{
  struct v2c_err err = { 0, "" };
  json_t *base = load ("demo-inventory.json");
  json_t *inv = one_service (base, "kvd.service", "simple",
                             "/usr/bin/kvd --port 7000");
  json_t *plan, *report = NULL, *k, *r;
  size_t i;

  CHECK (v2c_converter_register (&kvd) == 0, "can't register kvd");
  CHECK (v2c_converter_register (&kvd) == -1, "kvd registered twice");
  CHECK (v2c_converter_named ("kvd") == &kvd && v2c_converter_at (0) == &kvd,
         "kvd is not the first converter");
  plan = unit_plan_build (inv, NULL, &err);
  CHECK (plan != NULL, "build: %s", err.msg);
  k = json_array_get (json_object_get (plan, "components"), 0);
  expect (k, "kvd", "converter", "\"kvd\"");
  expect (k, "kvd", "kind", "\"StatefulSet\"");
  expect (k, "kvd", "volumes",
          "[{\"name\":\"var-lib-kvd\",\"mount_path\":\"/var/lib/kvd\","
          "\"kind\":\"pvc\",\"size\":\"2Gi\",\"source_path\":null}]");
  expect (k, "kvd", "ports",
          "[{\"port\":7000,\"protocol\":\"tcp\",\"name\":\"http\"}]");
  expect (k, "kvd", "probes",
          "{\"liveness\":{\"httpGet\":{\"path\":\"/healthz\",\"port\":7000},"
          "\"initialDelaySeconds\":16,\"periodSeconds\":10},"
          "\"readiness\":{\"httpGet\":{\"path\":\"/healthz\",\"port\":7000},"
          "\"initialDelaySeconds\":8,\"periodSeconds\":10}}");
  expect (k, "kvd", "read_only_root", "true");
  expect (k, "kvd", "replace_with",
          "{\"image\":\"docker.io/example/kvd:1\",\"advice\":\"the image\"}");
  if (plan) {
    struct v2c_inventory *in = v2c_inventory_load (inv, &err);
    struct v2c_plan *p = v2c_plan_load (plan, &err);

    report = in && p ? v2c_report_build (in, p, NULL, &err) : NULL;
    v2c_inventory_free (in);
    v2c_plan_free (p);
  }
  CHECK (plan == NULL || report != NULL, "report: %s", err.msg);
  /* its advice, and not the generic one on a StatefulSet's volume */
  r = NULL;
  json_array_foreach (
      json_object_get (json_object_get (report, "fitness"), "rules"), i, k)
  {
    const char *id = json_string_value (json_object_get (k, "id"));
    CHECK (strcmp (id, "stateful-service") != 0, "stateful-service fired");
    if (strcmp (id, "kvd-test") == 0)
      r = k;
  }
  CHECK (r != NULL, "no kvd-test rule in the report");
  expect (r, "kvd-test", "severity", "\"medium\"");
  expect (r, "kvd-test", "title", "\"kvd key-value store\"");
  expect (r, "kvd-test", "advice", "\"move the store with kvd-dump\"");
  expect (r, "kvd-test", "evidence", "[\"kvd (converter kvd)\"]");
  v2c_converter_unregister_all ();
  CHECK (v2c_converter_named ("kvd") == NULL, "kvd still registered");
  json_decref (report);
  json_decref (plan);
  json_decref (inv);
  json_decref (base);
}

static void
test_schedules (void)
{
  static const struct {
    const char *in, *want; /* want NULL: refused */
  } cal[] = {
    { "daily", "0 0 * * *" },
    { "weekly", "0 0 * * 1" },
    { "hourly", "0 * * * *" },
    { "monthly", "0 0 1 * *" },
    { "*-*-* 6:00", "0 6 * * *" },
    { "*-*-* 6,18:00", "0 6,18 * * *" },
    { "Sun *-*-* 03:10:00", "10 3 * * 0" },
    { "Mon..Fri *-*-* 08:30", "30 8 * * 1-5" },
    { "Sat,Sun 12:00", "0 12 * * 6,0" },
    { "*-*-01 04:05", "5 4 1 * *" },
    { "*-12-25", "0 0 25 12 *" },
    { "*:0/15", "*/15 * * * *" },
    { "*-*-* 00:00:30", NULL },
    { "2026-01-01 00:00", NULL },
    { "*-*-* 06:00 Europe/Paris", NULL },
    { "*-*-* 25:00", NULL },
    { "Funday 10:00", NULL },
    { "", NULL },
    { "*-*~01 00:00", NULL },
  };
  static const struct {
    const char *in, *want;
  } cron[] = {
    { "17 3 * * *", "17 3 * * *" },
    { "@daily", "0 0 * * *" },
    { "@weekly", "0 0 * * 0" },
    { "@yearly", "0 0 1 1 *" },
    { "47  6 * *\t7", "47 6 * * 0" },
    { "*/15 * * * *", "*/15 * * * *" },
    { "@reboot", NULL },
    { "1 2 3 4", NULL },
    { "1 2 3 4 5 6", NULL },
    { "1 2 3 4 $", NULL },
  };
  char out[V2C_CRON_MAX];
  const char *why;
  size_t i;
  int r;

  for (i = 0; i < sizeof cal / sizeof cal[0]; i++) {
    why = NULL;
    r = v2c_calendar_to_cron (cal[i].in, out, sizeof out, &why);
    if (cal[i].want)
      CHECK (r == 0 && strcmp (out, cal[i].want) == 0,
             "OnCalendar=%s gave '%s', expected '%s'", cal[i].in,
             r == 0 ? out : why, cal[i].want);
    else
      CHECK (r == -1 && why && *why, "OnCalendar=%s accepted ('%s')",
             cal[i].in, out);
  }
  for (i = 0; i < sizeof cron / sizeof cron[0]; i++) {
    why = NULL;
    r = v2c_cron_schedule (cron[i].in, out, sizeof out, &why);
    if (cron[i].want)
      CHECK (r == 0 && strcmp (out, cron[i].want) == 0,
             "cron '%s' gave '%s', expected '%s'", cron[i].in,
             r == 0 ? out : why, cron[i].want);
    else
      CHECK (r == -1 && why && *why, "cron '%s' accepted ('%s')", cron[i].in,
             out);
  }
  CHECK (v2c_cron_valid ("0 0 * * *") && !v2c_cron_valid ("0 0 * *")
             && !v2c_cron_valid ("0  0 * * *")
             && !v2c_cron_valid (" 0 0 * * *"),
         "v2c_cron_valid");
}

int
main (void)
{
  test_debian ();
  test_units ();
  test_register ();
  test_schedules ();
  if (failures) {
    fprintf (stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf ("ok: converters on the Debian 12 VM, units of other kinds, a "
          "converter registered at run time, schedules\n");
  return 0;
}
