/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * systemd units and SysV scripts of a guest tree built here, checked
 * by v2c's own expectations and, where systemctl exists, against
 * systemd's offline reading of the same tree: 'systemctl --root=TREE
 * is-enabled' and 'list-unit-files'.  Nothing of this machine's own
 * units is read: the trees are the only input, so the result does not
 * depend on what the build host has installed.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inspect.h"
#include "inspect-private.h"
#include "unit.h"

static char root[] = "/tmp/v2c-test-systemd.XXXXXX";

/* Stand-in for lib/inspect-secrets.c (another engineer's) when the
 * library does not have it yet; weak, so the real one wins. */
__attribute__ ((weak)) int
v2c_secret_key_name (const char *key)
{
  static const char *const w[]
      = { "PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "PRIVATE_KEY" };
  size_t i;

  for (i = 0; i < sizeof w / sizeof w[0]; i++)
    if (strcasestr (key, w[i]))
      return 1;
  return 0;
}

static void
mkdirs (const char *rel)
{
  char p[4096], *s;

  snprintf (p, sizeof p, "%s/%s", root, rel);
  for (s = p + strlen (root) + 1; (s = strchr (s, '/')); s++) {
    *s = '\0';
    mkdir (p, 0755);
    *s = '/';
  }
  mkdir (p, 0755);
}

static void
put (const char *rel, const char *content)
{
  char p[4096], d[4096], *s;
  FILE *f;

  snprintf (d, sizeof d, "%s", rel);
  if ((s = strrchr (d, '/'))) {
    *s = '\0';
    mkdirs (d);
  }
  snprintf (p, sizeof p, "%s/%s", root, rel);
  f = fopen (p, "w");
  if (f == NULL) {
    perror (p);
    exit (1);
  }
  fputs (content, f);
  fclose (f);
}

static void
put_x (const char *rel, const char *content)
{
  char p[4096];

  put (rel, content);
  snprintf (p, sizeof p, "%s/%s", root, rel);
  chmod (p, 0755);
}

static void
ln (const char *target, const char *rel)
{
  char p[4096], d[4096], *s;

  snprintf (d, sizeof d, "%s", rel);
  if ((s = strrchr (d, '/'))) {
    *s = '\0';
    mkdirs (d);
  }
  snprintf (p, sizeof p, "%s/%s", root, rel);
  if (symlink (target, p) == -1) {
    perror (p);
    exit (1);
  }
}

static const struct v2c_service *
svc (const struct v2c_services *s, const char *name)
{
  size_t i;

  for (i = 0; i < s->n; i++)
    if (strcmp (s->v[i].name, name) == 0)
      return &s->v[i];
  return NULL;
}

static const char *
env (const struct v2c_service *s, const char *key)
{
  size_t i;

  for (i = 0; s && i < s->nenvironment; i++)
    if (strcmp (s->environment[i].key, key) == 0)
      return s->environment[i].value;
  return NULL;
}

static int
streq (const char *a, const char *b)
{
  return a && b && strcmp (a, b) == 0;
}

static char *
run (const char *cmd)
{
  FILE *f = popen (cmd, "r");
  static char out[1 << 16];
  size_t n;

  if (f == NULL)
    return NULL;
  n = fread (out, 1, sizeof out - 1, f);
  out[n] = '\0';
  pclose (f);
  while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
    out[--n] = '\0';
  return out;
}

static int have_systemctl;

/* systemctl's answer, or NULL. */
static const char *
is_enabled (const char *tree, const char *unit)
{
  char cmd[8192];

  snprintf (cmd, sizeof cmd,
            "systemctl --root='%s' is-enabled '%s' 2>/dev/null", tree, unit);
  return run (cmd);
}

static void
build_tree (void)
{
  /* merged /usr */
  mkdirs ("usr/lib/systemd/system");
  ln ("usr/lib", "lib");
  mkdirs ("etc/systemd/system");
  mkdirs ("run/systemd/system");

  put ("usr/lib/systemd/system/multi-user.target",
       "[Unit]\nDescription=Multi-User System\nRequires=basic.target\n"
       "AllowIsolate=yes\n");
  put ("usr/lib/systemd/system/graphical.target",
       "[Unit]\nDescription=Graphical Interface\n"
       "Requires=multi-user.target\nWants=display-manager.service\n"
       "AllowIsolate=yes\n");
  put ("usr/lib/systemd/system/timers.target",
       "[Unit]\nDescription=Timer Units\n");
  put ("usr/lib/systemd/system/e2scrub_reap.service",
       "[Unit]\nDescription=Remove Stale Online ext4 Metadata Check "
       "Snapshots\n[Service]\nType=oneshot\n"
       "ExecStart=/sbin/e2scrub_all -A -r\n[Install]\n"
       "WantedBy=multi-user.target\n");
  put ("usr/lib/systemd/system/fstrim.service",
       "[Unit]\nDescription=Discard unused blocks\n[Service]\n"
       "Type=oneshot\nExecStart=/sbin/fstrim --listed-in /etc/fstab\n");
  put ("usr/lib/systemd/system/fstrim.timer",
       "[Unit]\nDescription=Discard unused blocks once a week\n"
       "[Timer]\nOnCalendar=weekly\nPersistent=true\n[Install]\n"
       "WantedBy=timers.target\n");
  put ("usr/lib/systemd/system/postgresql.service",
       "[Unit]\nDescription=PostgreSQL RDBMS\n[Service]\n"
       "Type=oneshot\nExecStart=/bin/true\nRemainAfterExit=on\n"
       "[Install]\nWantedBy=multi-user.target\n");
  put ("usr/lib/systemd/system/postgresql@.service",
       "[Unit]\nDescription=PostgreSQL Cluster %i\n"
       "PartOf=postgresql.service\nAfter=network.target\n[Service]\n"
       "Type=forking\nExecStart=-/usr/bin/pg_ctlcluster "
       "--skip-systemctl-redirect %i start\n[Install]\n"
       "WantedBy=multi-user.target\n");
  ln ("/lib/systemd/system/multi-user.target",
      "etc/systemd/system/default.target");
  ln ("/lib/systemd/system/e2scrub_reap.service",
      "etc/systemd/system/multi-user.target.wants/e2scrub_reap.service");
  ln ("/lib/systemd/system/fstrim.timer",
      "etc/systemd/system/timers.target.wants/fstrim.timer");
  ln ("/lib/systemd/system/postgresql.service",
      "etc/systemd/system/multi-user.target.wants/postgresql.service");

  put ("usr/lib/systemd/system/nginx.service",
       "# nginx as Debian ships it\n"
       "[Unit]\nDescription=A high performance web server and a reverse "
       "proxy server\nAfter=network-online.target remote-fs.target "
       "nss-lookup.target\nWants=network-online.target "
       "nginx-helper.service\n\n[Service]\nType=forking\n"
       "PIDFile=/run/nginx.pid\n"
       "ExecStartPre=/usr/sbin/nginx -t -q -g 'daemon on; master_process "
       "on;'\nExecStart=/usr/sbin/nginx -g 'daemon on; master_process "
       "on;'\n; a comment\nExecStop=-/sbin/start-stop-daemon --quiet "
       "--stop \\\n  --retry QUIT/5 --pidfile /run/nginx.pid\n"
       "[Install]\nWantedBy=multi-user.target\nAlias=webserver.service\n");
  ln ("/lib/systemd/system/nginx.service",
      "etc/systemd/system/multi-user.target.wants/nginx.service");
  ln ("/lib/systemd/system/nginx.service",
      "etc/systemd/system/webserver.service");
  put ("usr/lib/systemd/system/nginx-helper.service",
       "[Unit]\nDescription=helper pulled in by nginx\n[Service]\n"
       "ExecStart=/usr/local/bin/helper\n");

  put ("etc/systemd/system/demo-app.service",
       "[Unit]\nDescription=Demo application\nAfter=network.target "
       "postgresql.service\nRequires=postgresql.service\n\n[Service]\n"
       "User=demo\nGroup=demo\nWorkingDirectory=/opt/demo\n"
       "Environment=\"GREETING=hello world\" PORT=8080\n"
       "Environment=DB_PASSWORD=inline-secret\n"
       "EnvironmentFile=-/etc/default/demo-app\n"
       "EnvironmentFile=-/etc/default/missing\n"
       "ExecStart=/opt/demo/bin/old-server\n"
       "[Install]\nWantedBy=multi-user.target\n");
  put ("etc/systemd/system/demo-app.service.d/10-override.conf",
       "[Service]\nExecStart=\nExecStart=/opt/demo/bin/server --port "
       "8080\n");
  put ("usr/lib/systemd/system/demo-app.service.d/10-override.conf",
       "[Service]\nExecStart=\nExecStart=/shadowed/by/etc\n");
  put ("usr/lib/systemd/system/demo-app.service.d/05-env.conf",
       "[Service]\nEnvironment=LOG_LEVEL=debug\n");
  put ("run/systemd/system/demo-app.service.d/20-user.conf",
       "[Service]\nUser=app\n");
  put ("etc/default/demo-app",
       "# demo settings\nexport DB_HOST=\"db.internal\"\n"
       "DB_PASSWORD='hunter2'\nAPI_TOKEN=abc123\nPORT=9090\n");
  ln ("/etc/systemd/system/demo-app.service",
      "etc/systemd/system/multi-user.target.wants/demo-app.service");

  put ("usr/lib/systemd/system/worker@.service",
       "[Unit]\nDescription=Worker %i\n[Service]\n"
       "ExecStart=/opt/worker/run %i --unit %n --path %I --pct 100%%\n"
       "WorkingDirectory=/srv/%p\n[Install]\nWantedBy=multi-user.target\n");
  ln ("/lib/systemd/system/worker@.service",
      "etc/systemd/system/multi-user.target.wants/worker@alpha-beta.service");

  put ("usr/lib/systemd/system/legacy.service",
       "[Unit]\nDescription=masked\n[Service]\nExecStart=/bin/legacy\n"
       "[Install]\nWantedBy=multi-user.target\n");
  ln ("/dev/null", "etc/systemd/system/legacy.service");

  put ("usr/lib/systemd/system/kiosk.service",
       "[Unit]\nDescription=kiosk\n[Service]\nExecStart=/bin/kiosk\n"
       "[Install]\nWantedBy=graphical.target\n");
  ln ("/lib/systemd/system/kiosk.service",
      "etc/systemd/system/graphical.target.wants/kiosk.service");

  /* Every name of a unit has its .wants/: the alias default.target's
   * (what podman's presets enable), a vendor alias of a target, an
   * alias of a service, an alias of that alias, and the instance's
   * name under an alias of its template. */
  put ("usr/lib/systemd/system/podman-restart.service",
       "[Unit]\nDescription=restart containers\n[Service]\nType=oneshot\n"
       "ExecStart=/usr/bin/podman start --all\n[Install]\n"
       "WantedBy=default.target\n");
  ln ("/lib/systemd/system/podman-restart.service",
      "etc/systemd/system/default.target.wants/podman-restart.service");
  ln ("multi-user.target", "usr/lib/systemd/system/runlevel2.target");
  put ("usr/lib/systemd/system/bridge.service",
       "[Unit]\nDescription=bridge\n[Service]\nExecStart=/bin/bridge\n"
       "[Install]\nWantedBy=runlevel2.target\n");
  ln ("/lib/systemd/system/bridge.service",
      "etc/systemd/system/runlevel2.target.wants/bridge.service");
  put ("usr/lib/systemd/system/nginx-log.service",
       "[Unit]\nDescription=log shipper\n[Service]\nExecStart=/bin/ship\n"
       "[Install]\nWantedBy=webserver.service\n");
  ln ("/lib/systemd/system/nginx-log.service",
      "etc/systemd/system/webserver.service.wants/nginx-log.service");
  ln ("/etc/systemd/system/webserver.service",
      "etc/systemd/system/www.service");
  put ("usr/lib/systemd/system/www-stats.service",
       "[Unit]\nDescription=stats\n[Service]\nExecStart=/bin/stats\n"
       "[Install]\nWantedBy=www.service\n");
  ln ("/lib/systemd/system/www-stats.service",
      "etc/systemd/system/www.service.requires/www-stats.service");
  ln ("/lib/systemd/system/worker@.service",
      "etc/systemd/system/job@.service");
  put ("usr/lib/systemd/system/worker-aux.service",
       "[Unit]\nDescription=aux\n[Service]\nExecStart=/bin/aux\n"
       "[Install]\nWantedBy=job@alpha-beta.service\n");
  ln ("/lib/systemd/system/worker-aux.service",
      "etc/systemd/system/job@alpha-beta.service.wants/worker-aux.service");
  /* and the alias of a target the default does not reach */
  ln ("graphical.target", "usr/lib/systemd/system/runlevel5.target");
  put ("usr/lib/systemd/system/desk.service",
       "[Unit]\nDescription=desk\n[Service]\nExecStart=/bin/desk\n"
       "[Install]\nWantedBy=runlevel5.target\n");
  ln ("/lib/systemd/system/desk.service",
      "etc/systemd/system/runlevel5.target.wants/desk.service");

  put ("usr/lib/systemd/system/idle.service",
       "[Unit]\nDescription=installed, never enabled\n[Service]\n"
       "ExecStart=/bin/idle\n[Install]\nWantedBy=multi-user.target\n");

  put ("usr/local/lib/systemd/system/setup.service",
       "[Unit]\nDescription=setup\n[Service]\nType=oneshot\n"
       "ExecStart=/bin/step-one\nExecStart=/bin/step-two\n"
       "[Install]\nWantedBy=multi-user.target\n");
  ln ("/usr/local/lib/systemd/system/setup.service",
      "etc/systemd/system/multi-user.target.wants/setup.service");

  put ("usr/lib/systemd/system/report.timer",
       "[Unit]\nDescription=nightly report\n[Timer]\nOnCalendar=daily\n"
       "OnCalendar=Mon *-*-* 03:00:00\nOnBootSec=15min\n"
       "Unit=report-gen.service\n[Install]\nWantedBy=timers.target\n");
  put ("usr/lib/systemd/system/report-gen.service",
       "[Unit]\nDescription=report generator\n[Service]\nType=oneshot\n"
       "ExecStart=/opt/report/gen\n");
  ln ("/lib/systemd/system/report.timer",
      "etc/systemd/system/timers.target.wants/report.timer");
  put ("usr/lib/systemd/system/cleanup.timer",
       "[Timer]\nOnUnitActiveSec=1h\n[Install]\nWantedBy=timers.target\n");

  /* postgresql-common clusters: 15/main auto, 15/manualc manual,
   * 13/old of a removed version */
  put ("etc/postgresql/15/main/postgresql.conf", "port = 5432\n");
  put ("etc/postgresql/15/main/start.conf", "# start mode\nauto\n");
  put ("etc/postgresql/15/manualc/postgresql.conf", "port = 5433\n");
  put ("etc/postgresql/15/manualc/start.conf", "manual\n");
  put ("etc/postgresql/13/old/postgresql.conf", "port = 5434\n");
  put_x ("usr/lib/postgresql/15/bin/postgres", "#!/bin/sh\n");

  /* SysV */
  put_x ("etc/init.d/legacy-daemon",
         "#!/bin/sh\n### BEGIN INIT INFO\n# Provides:          legacy-daemon\n"
         "# Required-Start:    $remote_fs $syslog\n"
         "# Should-Start:      $network\n"
         "# Default-Start:     2 3 4 5\n# Default-Stop:      0 1 6\n"
         "# Short-Description: Legacy daemon\n"
         "# Description:       A longer text\n### END INIT INFO\n"
         "exec /opt/legacy/daemon\n");
  put_x ("etc/init.d/old-off", "#!/bin/sh\n");
  put_x ("etc/init.d/nginx", "#!/bin/sh\n# has a native unit\n");
  put ("etc/init.d/README", "not a script\n");
  put ("etc/init.d/not-exec", "#!/bin/sh\n");
  put_x ("etc/init.d/skeleton", "#!/bin/sh\n");
  put_x ("etc/init.d/legacy-daemon.dpkg-old", "#!/bin/sh\n");
  ln ("../init.d/legacy-daemon", "etc/rc2.d/S01legacy-daemon");
  ln ("../init.d/old-off", "etc/rc2.d/K01old-off");
  ln ("../init.d/nginx", "etc/rc2.d/S02nginx");
}

static void
check_fields (struct v2c_services *s)
{
  const struct v2c_service *d = svc (s, "demo-app.service"), *x;
  size_t i;

  CHECK (d != NULL, "demo-app.service not listed");
  if (d) {
    CHECK (streq (d->exec_start, "/opt/demo/bin/server --port 8080"),
           "demo-app exec_start '%s'", d->exec_start);
    CHECK (streq (d->user, "app"), "demo-app user '%s'", d->user);
    CHECK (streq (d->group, "demo"), "demo-app group '%s'", d->group);
    CHECK (streq (d->type, "simple"), "demo-app type '%s'", d->type);
    CHECK (streq (d->working_directory, "/opt/demo"), "demo-app wd");
    CHECK (d->dropins && d->dropins[0] && d->dropins[1] && d->dropins[2]
               && !d->dropins[3],
           "demo-app: 3 drop-ins expected");
    if (d->dropins && d->dropins[0] && d->dropins[1] && d->dropins[2]) {
      CHECK (streq (d->dropins[0],
                    "/lib/systemd/system/demo-app.service.d/05-env.conf"),
             "dropin 0 '%s'", d->dropins[0]);
      CHECK (streq (d->dropins[1],
                    "/etc/systemd/system/demo-app.service.d/10-override.conf"),
             "dropin 1 '%s'", d->dropins[1]);
      CHECK (streq (d->dropins[2],
                    "/run/systemd/system/demo-app.service.d/20-user.conf"),
             "dropin 2 '%s'", d->dropins[2]);
    }
    CHECK (streq (env (d, "GREETING"), "hello world"), "GREETING '%s'",
           env (d, "GREETING"));
    /* the file overrides Environment= */
    CHECK (streq (env (d, "PORT"), "9090"), "PORT '%s'", env (d, "PORT"));
    CHECK (streq (env (d, "LOG_LEVEL"), "debug"), "LOG_LEVEL");
    CHECK (streq (env (d, "DB_HOST"), "db.internal"), "DB_HOST '%s'",
           env (d, "DB_HOST"));
    /* the parser keeps the values; v2c_inspect_exec_secrets replaces
     * the secret ones before anything is written */
    CHECK (streq (env (d, "DB_PASSWORD"), "hunter2"), "DB_PASSWORD '%s'",
           env (d, "DB_PASSWORD"));
    {
      struct v2c_secrets found;
      struct v2c_err e2 = { 0 };

      memset (&found, 0, sizeof found);
      CHECK (v2c_inspect_exec_secrets (s, NULL, &found, &e2) == 0,
             "v2c_inspect_exec_secrets: %s", e2.msg);
      CHECK (streq (env (d, "DB_PASSWORD"), "<redacted>"), "DB_PASSWORD '%s'",
             env (d, "DB_PASSWORD"));
      CHECK (streq (env (d, "API_TOKEN"), "<redacted>"), "API_TOKEN '%s'",
             env (d, "API_TOKEN"));
      CHECK (streq (env (d, "DB_HOST"), "db.internal"), "DB_HOST kept");
      for (i = 0; i < d->nenvironment; i++)
        CHECK (!strstr (d->environment[i].value, "hunter2")
                   && !strstr (d->environment[i].value, "inline-secret"),
               "secret value leaked in %s", d->environment[i].key);
      for (i = 0; i < found.n; i++)
        CHECK (strcmp (found.v[i].kind, "environment") == 0
                   && found.v[i].name
                   && strncmp (found.v[i].fingerprint, "hmac-sha256:", 12)
                          == 0
                   && !strstr (found.v[i].evidence, "hunter2"),
               "finding %zu: kind '%s'", i, found.v[i].kind);
      CHECK (found.n >= 2, "%zu findings, expected DB_PASSWORD and API_TOKEN",
             found.n);
      v2c_secrets_free_contents (&found);
    }
    CHECK (d->environment_files
               && streq (d->environment_files[0], "-/etc/default/demo-app"),
           "environment_files");
    CHECK (d->requires && streq (d->requires[0], "postgresql.service"),
           "requires");
    CHECK (d->wanted_by && streq (d->wanted_by[0], "multi-user.target"),
           "wanted_by");
  }
  x = svc (s, "nginx.service");
  CHECK (x && streq (x->type, "forking")
             && streq (x->exec_start,
                       "/usr/sbin/nginx -g 'daemon on; master_process on;'")
             && x->exec_start_pre && x->after
             && streq (x->after[0], "network-online.target"),
         "nginx fields");
  CHECK (x && streq (x->unit_path, "/lib/systemd/system/nginx.service"),
         "nginx unit_path '%s'", x ? x->unit_path : "");
  x = svc (s, "worker@alpha-beta.service");
  CHECK (x
             && streq (x->exec_start, "/opt/worker/run alpha-beta --unit "
                                      "worker@alpha-beta.service --path "
                                      "alpha/beta --pct 100%"),
         "worker exec_start '%s'", x ? x->exec_start : "");
  CHECK (x && streq (x->template_instance, "alpha-beta")
             && streq (x->working_directory, "/srv/worker")
             && streq (x->description, "Worker alpha-beta"),
         "worker instance fields");
  x = svc (s, "setup.service");
  CHECK (x && streq (x->exec_start, "/bin/step-one\n/bin/step-two"),
         "oneshot exec_start '%s'", x ? x->exec_start : "");
  x = svc (s, "postgresql@15-main.service");
  CHECK (x && x->exec_start
             && strstr (x->exec_start, "--skip-systemctl-redirect 15-main")
             && x->exec_start[0] == '-' && streq (x->type, "forking"),
         "postgresql@15-main exec_start '%s'", x ? x->exec_start : "");
  CHECK (svc (s, "postgresql@15-manualc.service") != NULL,
         "manual cluster not listed");
  CHECK (svc (s, "postgresql@13-old.service") == NULL,
         "cluster of a removed version listed");
  CHECK (svc (s, "webserver.service") == NULL && svc (s, "www.service") == NULL
             && svc (s, "job@.service") == NULL
             && svc (s, "job@alpha-beta.service") == NULL,
         "alias listed");
  {
    static const struct {
      const char *unit;
      int enabled;
    } byname[] = {
      { "podman-restart.service", 1 }, { "bridge.service", 1 },
      { "nginx-log.service", 1 },      { "www-stats.service", 1 },
      { "worker-aux.service", 1 },     { "desk.service", 0 },
    };
    for (i = 0; i < sizeof byname / sizeof byname[0]; i++) {
      x = svc (s, byname[i].unit);
      CHECK (x && x->enabled == byname[i].enabled,
             "%s: enabled %d, expected %d (linked under an alias's name)",
             byname[i].unit, x ? x->enabled : -1, byname[i].enabled);
    }
  }
  CHECK (svc (s, "postgresql@.service") == NULL, "template listed");
  x = svc (s, "legacy.service");
  CHECK (x && !x->enabled, "masked legacy.service should be listed, off");
  for (i = 0; i < s->ntimers; i++)
    if (streq (s->timers[i].name, "report.timer")) {
      CHECK (streq (s->timers[i].unit, "report-gen.service")
                 && s->timers[i].on_calendar
                 && streq (s->timers[i].on_calendar[0], "daily")
                 && streq (s->timers[i].on_calendar[1], "Mon *-*-* 03:00:00")
                 && !s->timers[i].on_calendar[2]
                 && streq (s->timers[i].on_boot_sec, "15min"),
             "report.timer fields");
    } else if (streq (s->timers[i].name, "cleanup.timer"))
      CHECK (streq (s->timers[i].unit, "cleanup.service")
                 && streq (s->timers[i].on_unit_active_sec, "1h"),
             "cleanup.timer fields");
}

/* Where v2c's reachability deliberately differs from systemctl's "has
 * install symlinks". */
static const struct {
  const char *unit;
  int v2c;
  const char *why;
} deliberate[] = {
  { "kiosk.service", 0,
    "linked into graphical.target.wants but the default is multi-user" },
  { "desk.service", 0,
    "linked into runlevel5.target.wants, an alias of graphical.target" },
  { "nginx-helper.service", 1,
    "static, but pulled in by Wants= of the enabled nginx.service" },
  { "postgresql@15-main.service", 1,
    "made by postgresql-common's generator, which systemctl does not run" },
};

static void
compare_systemctl (const struct v2c_services *s)
{
  size_t i, k;
  char cmd[8192], *out, *line, *save;
  size_t nlisted = 0;

  for (i = 0; i < s->n + s->ntimers; i++) {
    const char *name = i < s->n ? s->v[i].name : s->timers[i - s->n].name;
    int mine = i < s->n ? s->v[i].enabled : s->timers[i - s->n].enabled;
    int theirs, expect;
    const char *ans;

    if (i < s->n && strcmp (s->v[i].kind, "systemd") != 0)
      continue;
    ans = is_enabled (root, name);
    theirs = streq (ans, "enabled") || streq (ans, "enabled-runtime");
    expect = theirs;
    for (k = 0; k < sizeof deliberate / sizeof deliberate[0]; k++)
      if (strcmp (deliberate[k].unit, name) == 0) {
        expect = deliberate[k].v2c;
        CHECK (mine == expect, "%s: v2c %d, expected %d (%s)", name, mine,
               expect, deliberate[k].why);
        printf ("  %-30s systemctl %-9s v2c %d  (deliberate: %s)\n", name, ans,
                mine, deliberate[k].why);
        break;
      }
    if (k == sizeof deliberate / sizeof deliberate[0]) {
      printf ("  %-30s systemctl %-9s v2c %d\n", name, ans, mine);
      CHECK (mine == expect, "%s: systemctl says '%s', v2c enabled=%d", name,
             ans, mine);
    }
  }
  /* every unit file systemctl lists is listed once by v2c (templates as
   * their instances), and nothing else */
  snprintf (cmd, sizeof cmd,
            "systemctl --root='%s' list-unit-files --no-pager --no-legend "
            "--type=service,timer 2>/dev/null",
            root);
  out = run (cmd);
  for (line = strtok_r (out, "\n", &save); line;
       line = strtok_r (NULL, "\n", &save)) {
    char name[512], state[64];
    int found = 0;

    if (sscanf (line, "%511s %63s", name, state) != 2)
      continue;
    for (i = 0; i < s->n; i++)
      found |= streq (s->v[i].name, name);
    for (i = 0; i < s->ntimers; i++)
      found |= streq (s->timers[i].name, name);
    if (strstr (name, "@.") || streq (state, "alias"))
      CHECK (!found, "v2c lists template or alias '%s'", name);
    else {
      nlisted++;
      CHECK (found, "systemctl lists '%s' (%s), v2c does not", name, state);
    }
  }
  CHECK (nlisted > 10, "systemctl listed only %zu unit files", nlisted);
}

static void
check_sysv (const struct v2c_services *s)
{
  const struct v2c_service *l = svc (s, "legacy-daemon"), *o;

  CHECK (l && streq (l->kind, "sysv") && l->enabled
             && streq (l->exec_start, "/etc/init.d/legacy-daemon start")
             && streq (l->description, "Legacy daemon") && l->after
             && streq (l->after[0], "$remote_fs")
             && streq (l->after[1], "$syslog")
             && streq (l->after[2], "$network"),
         "legacy-daemon fields");
  o = svc (s, "old-off");
  CHECK (o && !o->enabled, "old-off should be listed, disabled");
  CHECK (svc (s, "nginx") == NULL, "nginx has a native unit");
  CHECK (svc (s, "README") == NULL && svc (s, "not-exec") == NULL
             && svc (s, "skeleton") == NULL
             && svc (s, "legacy-daemon.dpkg-old") == NULL,
         "non-scripts listed");
}

/* A chain of target aliases counts up to 16 links, as far as a name is
 * resolved; a cycle of aliases ends.  A tree of its own: systemctl is
 * not asked about these. */
static void
check_alias_limits (void)
{
  static const struct {
    int link, enabled;
  } wants[] = { { 0, 1 }, { 15, 1 }, { 16, 0 }, { 19, 0 } };
  char top[] = "/tmp/v2c-test-systemd-chain.XXXXXX";
  char rel[256], target[64], cmd[256];
  struct v2c_err err = { 0, "" };
  struct v2c_services s = { 0 };
  const struct v2c_service *x;
  struct v2c_fs *fs;
  size_t i;

  if (mkdtemp (top) == NULL) {
    FAIL ("mkdtemp: %s", strerror (errno));
    return;
  }
  unit_put (top, "usr/lib/systemd/system/multi-user.target",
            "[Unit]\nDescription=Multi-User System\n");
  for (i = 0; i < 20; i++) {
    if (i == 0)
      snprintf (target, sizeof target, "multi-user.target");
    else
      snprintf (target, sizeof target, "alias%zu.target", i - 1);
    snprintf (rel, sizeof rel, "etc/systemd/system/alias%zu.target", i);
    unit_symlink (top, target, rel);
  }
  for (i = 0; i < sizeof wants / sizeof wants[0]; i++) {
    snprintf (rel, sizeof rel, "usr/lib/systemd/system/svc%d.service",
              wants[i].link);
    unit_put (top, rel, "[Service]\nExecStart=/bin/true\n");
    snprintf (target, sizeof target, "/usr/lib/systemd/system/svc%d.service",
              wants[i].link);
    snprintf (rel, sizeof rel,
              "etc/systemd/system/alias%d.target.wants/svc%d.service",
              wants[i].link, wants[i].link);
    unit_symlink (top, target, rel);
  }
  unit_symlink (top, "loop-b.service", "etc/systemd/system/loop-a.service");
  unit_symlink (top, "loop-a.service", "etc/systemd/system/loop-b.service");
  unit_symlink (top, "/etc/systemd/system/loop-a.service",
                "etc/systemd/system/multi-user.target.wants/loop-a.service");
  unit_put (top, "usr/lib/systemd/system/looped.service",
            "[Service]\nExecStart=/bin/true\n");
  unit_symlink (top, "/usr/lib/systemd/system/looped.service",
                "etc/systemd/system/loop-a.service.wants/looped.service");

  fs = v2c_fs_open_dir (top, &err);
  CHECK (fs && v2c_systemd_read (fs, &s, &err) == 0, "alias chain: %s",
         err.msg);
  for (i = 0; i < sizeof wants / sizeof wants[0]; i++) {
    snprintf (rel, sizeof rel, "svc%d.service", wants[i].link);
    x = svc (&s, rel);
    CHECK (x && x->enabled == wants[i].enabled,
           "%s, wanted by the alias %d links from multi-user.target: "
           "enabled %d, expected %d",
           rel, wants[i].link + 1, x ? x->enabled : -1, wants[i].enabled);
  }
  x = svc (&s, "looped.service");
  CHECK (x && !x->enabled,
         "looped.service, wanted by a cycle of aliases: "
         "enabled %d, expected 0",
         x ? x->enabled : -1);
  v2c_services_free_contents (&s);
  v2c_fs_free (fs);
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", top);
  if (failures == 0 && system (cmd) != 0)
    fprintf (stderr, "can't remove %s\n", top);
}

int
main (void)
{
  struct v2c_err err = { 0, "" };
  struct v2c_services s = { 0 };
  struct v2c_fs *fs;
  char cmd[4200];

  if (mkdtemp (root) == NULL)
    return 1;
  build_tree ();
  fs = v2c_fs_open_dir (root, &err);
  if (fs == NULL) {
    fprintf (stderr, "open: %s\n", err.msg);
    return 1;
  }
  if (v2c_systemd_read (fs, &s, &err) == -1) {
    fprintf (stderr, "v2c_systemd_read: %s\n", err.msg);
    return 1;
  }
  if (v2c_sysv_read (fs, &s, &err) == -1) {
    fprintf (stderr, "v2c_sysv_read: %s\n", err.msg);
    return 1;
  }
  check_fields (&s);
  check_sysv (&s);
  check_alias_limits ();
  have_systemctl = system ("systemctl --version >/dev/null 2>&1") == 0;
  if (have_systemctl) {
    compare_systemctl (&s);
  }
  v2c_services_free_contents (&s);
  v2c_fs_free (fs);
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", root);
  if (failures == 0)
    system (cmd);
  else
    fprintf (stderr, "tree kept in %s\n", root);
  if (!have_systemctl) {
    fprintf (stderr, "systemctl not found: only v2c's own checks ran\n");
    return failures ? 1 : 77;
  }
  return failures ? 1 : 0;
}
