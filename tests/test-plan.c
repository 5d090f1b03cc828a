/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The plan of the demo fixture VM, its OCI image configuration, command
 * lines split as systemd.service(5) describes, and broken plans each
 * refused with the JSON path of what is wrong.
 *
 * tests/data/plan/demo-inventory.json is v2c-inspect's inventory of the
 * demo fixture VM that tests/make-fixtures.sh builds; the facts checked
 * here are the ones that script planted (demo-app.service with
 * User=demoapp, WorkingDirectory=/opt/demo-app, EnvironmentFile
 * /etc/demo-app/app.env holding DB_PASSWORD and API_TOKEN, demoapp:x:1001
 * in /etc/passwd, /var/lib/demo-app, nginx, ssh, cron, getty@tty1).
 *
 * tests/data/plan/housekeeping-inventory.json is the demo's with the
 * packages' housekeeping jobs of a Debian VM with PHP and Tomcat added
 * (cron[].package and cron[].modified as v2c-inspect records them).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube.h"
#include "model.h"
#include "plan.h"
#include "report.h"
#include "unit.h"
#define load(file) unit_load_json ("tests/data/plan/" file)

/* The value at a path "a/b/0/c" (numbers index arrays). */
static json_t *
at (json_t *root, const char *path)
{
  char buf[512], *save = NULL, *tok;
  json_t *v = root;

  snprintf (buf, sizeof buf, "%s", path);
  for (tok = strtok_r (buf, "/", &save); tok && v;
       tok = strtok_r (NULL, "/", &save))
    v = json_is_array (v) ? json_array_get (v, strtoul (tok, NULL, 10))
                          : json_object_get (v, tok);
  return v;
}

/* Compare the JSON at path with the JSON text want. */
static void
expect_json (json_t *root, const char *path, const char *want)
{
  json_t *w = json_loads (want, JSON_DECODE_ANY, NULL);
  json_t *v = at (root, path);
  char *got = v ? json_dumps (v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

  CHECK (w != NULL, "bad test JSON %s", want);
  CHECK (v != NULL && json_equal (v, w), "%s is %s, expected %s", path,
         got ? got : "(missing)", want);
  free (got);
  json_decref (w);
}

/* The image configuration of a plan document: loaded (as v2c-extract
 * does), then asked.  NULL with err set. */
static json_t *
image_config (const json_t *doc, struct v2c_err *err)
{
  struct v2c_plan *plan = v2c_plan_load (doc, err);
  json_t *cfg = plan ? v2c_plan_image_config (plan, err) : NULL;

  v2c_plan_free (plan);
  return cfg;
}

static long
index_of (json_t *arr, const char *key, const char *name)
{
  size_t i;

  for (i = 0; i < json_array_size (arr); i++)
    if (json_is_string (json_object_get (json_array_get (arr, i), key))
        && strcmp (json_string_value (
                       json_object_get (json_array_get (arr, i), key)),
                   name)
               == 0)
      return (long) i;
  return -1;
}

/* What test_demo expects of the demo plan: a JSON path and its value. */
static const struct {
  const char *path, *json;
} demo_plan[] = {
  { "schema", "\"v2c.plan/1\"" },
  { "name", "\"demo\"" },
  { "source", "{\"vm\":\"demo\",\"format\":\"disk\","
              "\"path\":\"/tmp/fx2/disk/demo.img\"}" },
  { "image/strategy", "\"split\"" },
  { "image/base", "{\"distro\":\"debian\",\"version\":\"12.5\"}" },
  { "image/os", "\"linux\"" },
  { "image/architecture", "\"amd64\"" },
  { "image/package_manager", "\"apt\"" },
  { "image/layers",
    "[{\"name\":\"os\",\"includes\":[],\"excludes\":[]},"
    "{\"name\":\"config\",\"includes\":[\"/etc\"],\"excludes\":[]},"
    "{\"name\":\"app\",\"includes\":[],\"excludes\":[]}]" },
  /* the default excludes, in the order the plan documents */
  { "image/excludes/0/pattern", "\"/proc\"" },
  { "image/excludes/10", "{\"pattern\":\"/swapfile\","
                         "\"what\":\"all\",\"reason\":\"swap file\"}" },
  { "image/volumes", "[{\"path\":\"/var/lib/demo-app\",\"service\":"
                     "\"demo-app.service\",\"used_bytes\":5120,"
                     "\"reason\":\"data directory\"}]" },
  { "image/secret_files",
    "[{\"path\":\"/etc/demo-app/app.env\",\"kinds\":[\"password\","
    "\"token\"]},{\"path\":\"/etc/demo-app/tls.key\",\"kinds\":["
    "\"private-key\"]},{\"path\":\"/etc/ssh/ssh_host_ed25519_key\","
    "\"kinds\":[\"ssh-host-key\"]},{\"path\":\"/root/.pgpass\","
    "\"kinds\":[\"pgpass\"]}]" },
  { "components/0/name", "\"backup\"" },
  { "components/1/name", "\"demo-app\"" },
  { "components/2/name", "\"demo-logs\"" },
  { "components/3/name", "\"demo-report\"" },
  { "components/4/name", "\"demo-report-2\"" },
  { "components/5/name", "\"nginx\"" },
  { "main_component", "\"demo-app\"" },
  { "vm", "{\"cpus\":null,\"memory_mib\":null}" },
  /* demo-app owns /var/lib/demo-app: a StatefulSet */
  { "components/1/converter", "\"systemd\"" },
  { "components/1/kind", "\"StatefulSet\"" },
  { "components/1/schedule", "null" },
  { "components/1/service", "\"demo-app.service\"" },
  { "components/1/source",
    "{\"kind\":\"systemd\",\"file\":"
    "\"/etc/systemd/system/demo-app.service\",\"line\":null}" },
  { "components/1/command", "[\"/opt/demo-app/run.sh\"]" },
  { "components/1/args", "[]" },
  { "components/1/user", "\"demoapp\"" },
  { "components/1/uid", "1001" },
  { "components/1/gid", "1001" },
  { "components/1/run_as_root", "false" },
  { "components/1/working_dir", "\"/opt/demo-app\"" },
  { "components/1/env", "{\"PORT\":\"8080\",\"DB_HOST\":\"db.internal\","
                        "\"DB_USER\":\"appuser\",\"LOG_LEVEL\":\"info\"}" },
  { "components/1/secret_env", "[\"API_TOKEN\",\"DB_PASSWORD\"]" },
  { "components/1/environment_files", "[\"/etc/demo-app/app.env\"]" },
  { "components/1/ports",
    "[{\"port\":8080,\"protocol\":\"tcp\",\"name\":\"tcp-8080\"}]" },
  /* 5120 bytes used, twice that rounded up to GiB */
  { "components/1/volumes",
    "[{\"name\":\"var-lib-demo-app\",\"mount_path\":"
    "\"/var/lib/demo-app\",\"kind\":\"pvc\",\"size\":\"1Gi\","
    "\"source_path\":null},{\"name\":\"etc-demo-app-app-env\","
    "\"mount_path\":\"/etc/demo-app/app.env\",\"kind\":\"secret\","
    "\"size\":null,\"source_path\":\"/etc/demo-app/app.env\"},"
    "{\"name\":\"etc-demo-app-tls-key\",\"mount_path\":"
    "\"/etc/demo-app/tls.key\",\"kind\":\"secret\",\"size\":null,"
    "\"source_path\":\"/etc/demo-app/tls.key\"}]" },
  { "components/1/write_paths", "[\"/var/lib/demo-app\"]" },
  /* a generic unit may write anywhere */
  { "components/1/read_only_root", "false" },
  { "components/1/config_files", "[]" },
  /* its environment file, and the key under /etc/demo-app/ (the
   * directory named after its unit) */
  { "components/1/secret_files",
    "[\"/etc/demo-app/app.env\",\"/etc/demo-app/tls.key\"]" },
  { "components/1/probes/liveness",
    "{\"tcpSocket\":{\"port\":8080},\"initialDelaySeconds\":10,"
    "\"periodSeconds\":10}" },
  /* the default 1 CPU and 1 GiB shared by demo-app and nginx */
  { "components/1/resources",
    "{\"requests\":{\"cpu\":\"500m\",\"memory\":\"512Mi\"},"
    "\"limits\":{\"memory\":\"1Gi\"}}" },
  { "components/1/replace_with", "null" },
  { "components/1/depends_on", "[]" },
  /* nginx: in the foreground, proxying to demo-app (proxy_targets) */
  { "components/5/converter", "\"nginx\"" },
  { "components/5/kind", "\"Deployment\"" },
  { "components/5/command",
    "[\"/usr/sbin/nginx\",\"-g\","
    "\"daemon off; master_process on; worker_processes 2;\"]" },
  /* nginx's port 80 is listed twice in the unit: once here */
  { "components/5/ports",
    "[{\"port\":80,\"protocol\":\"tcp\",\"name\":\"http\"}]" },
  { "components/5/user", "null" },
  { "components/5/run_as_root", "true" },
  { "components/5/probes/readiness/httpGet", "{\"path\":\"/\",\"port\":80}" },
  { "components/5/depends_on", "[\"demo-app\"]" },
  { "components/5/read_only_root", "true" },
  { "components/5/replace_with/image", "\"docker.io/library/nginx:1.22\"" },
  { "components/5/config_files", "[\"/etc/nginx/sites-enabled/default\","
                                 "\"/etc/nginx/nginx.conf\"]" },
  /* the timer's service, daily; the cron job of the same program */
  { "components/3/converter", "\"timer\"" },
  { "components/3/kind", "\"CronJob\"" },
  { "components/3/schedule", "\"0 0 * * *\"" },
  { "components/3/service", "\"demo-report.service\"" },
  { "components/3/source/kind", "\"timer\"" },
  { "components/3/probes", "null" },
  { "components/3/resources",
    "{\"requests\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"},"
    "\"limits\":{\"memory\":\"256Mi\"}}" },
  { "components/4/converter", "\"cron\"" },
  { "components/4/schedule", "\"*/15 * * * *\"" },
  { "components/4/command", "[\"/opt/demo-app/report.sh\"]" },
  { "components/4/uid", "1001" },
  { "components/4/working_dir", "\"/opt/demo-app\"" },
  { "components/4/source",
    "{\"kind\":\"cron\",\"file\":\"/etc/cron.d/demo-report\","
    "\"line\":5}" },
  /* a shell line runs in sh; root's crontab runs as root */
  { "components/0/command",
    "[\"/bin/sh\",\"-c\",\"/usr/local/bin/backup.sh >/dev/null "
    "2>&1\"]" },
  { "components/0/schedule", "\"30 2 * * *\"" },
  { "components/0/run_as_root", "true" },
  /* @daily of /etc/cron.daily */
  { "components/2/schedule", "\"0 0 * * *\"" },
  { "components/2/command", "[\"/etc/cron.daily/demo-logs\"]" },
  { "dropped/0/name", "\"/etc/crontab:19\"" },
  { "dropped/4/name", "\"cron.service\"" },
  { "dropped/4/reason", "\"cron jobs become CronJobs\"" },
  { "dropped/7/reason", "\"remote login: use kubectl exec\"" },
  { "notes", "[\"'nginx' proxies to 127.0.0.1:8080: in Kubernetes that is "
             "the Service 'demo-app'; the ConfigMap's proxy_pass says "
             "'demo-app:8080' instead\"]" },
};

static void
test_demo (json_t *inv)
{
  struct v2c_err err = { 0, "" };
  json_t *plan = unit_plan_build (inv, NULL, &err), *comps, *cfg;
  const char *dropped[] = { "cron.service",    "getty@tty1.service",
                            "ssh.service",     "systemd-journald.service",
                            "legacy-daemon",   "/etc/crontab:19",
                            "/etc/crontab:20", "/etc/crontab:21",
                            "/etc/crontab:22" };
  size_t i;
  long k;
  char path[128];

  CHECK (plan != NULL, "build: %s", err.msg);
  if (plan == NULL)
    return;
  CHECK (v2c_plan_check (plan, &err) == 0, "check of the built plan: %s",
         err.msg);
  for (i = 0; i < sizeof demo_plan / sizeof demo_plan[0]; i++)
    expect_json (plan, demo_plan[i].path, demo_plan[i].json);
  k = index_of (at (plan, "image/excludes"), "pattern", "/var/log");
  CHECK (k >= 0, "no /var/log exclude");
  snprintf (path, sizeof path, "image/excludes/%ld/what", k);
  expect_json (plan, path, "\"files\"");
  CHECK (
      index_of (at (plan, "image/excludes"), "pattern", "/etc/ssh/ssh_host_*")
          >= 0,
      "SSH host keys not excluded");
  CHECK (index_of (at (plan, "image/excludes"), "pattern", "/etc/shadow") >= 0,
         "/etc/shadow not excluded");

  /* components: the app, nginx, the timer's and the cron jobs, sorted */
  comps = at (plan, "components");
  CHECK (json_array_size (comps) == 6, "%zu components, expected 6",
         json_array_size (comps));
  CHECK (index_of (at (plan, "components/5/volumes"), "mount_path",
                   "/var/lib/nginx")
             >= 0,
         "nginx: no volume for /var/lib/nginx");
  /* no redacted value anywhere in the plan */
  {
    char *dump = json_dumps (plan, 0);
    CHECK (dump && strstr (dump, "<redacted>") == NULL,
           "a redacted value reached the plan");
    free (dump);
  }

  /* OS plumbing, housekeeping and the SysV daemon are dropped, sorted */
  CHECK (json_array_size (at (plan, "dropped")) == 9, "%zu dropped",
         json_array_size (at (plan, "dropped")));
  for (i = 0; i < sizeof dropped / sizeof dropped[0]; i++)
    CHECK (index_of (at (plan, "dropped"), "name", dropped[i]) >= 0,
           "%s not dropped", dropped[i]);
  k = index_of (at (plan, "dropped"), "name", "legacy-daemon");
  snprintf (path, sizeof path, "dropped/%ld/reason", k);
  CHECK (k >= 0
             && strncmp (json_string_value (at (plan, path)),
                         "SysV init script", 16)
                    == 0,
         "legacy-daemon's reason");

  /* the OCI image configuration */
  cfg = image_config (plan, &err);
  CHECK (cfg != NULL, "image config: %s", err.msg);
  if (cfg) {
    expect_json (cfg, "User", "\"1001:1001\"");
    expect_json (cfg, "Env",
                 "[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
                 "/sbin:/bin\",\"DB_HOST=db.internal\",\"DB_USER=appuser\","
                 "\"LOG_LEVEL=info\",\"PORT=8080\"]");
    expect_json (cfg, "Entrypoint", "[\"/opt/demo-app/run.sh\"]");
    CHECK (json_object_get (cfg, "Cmd") == NULL, "Cmd with empty args");
    expect_json (cfg, "WorkingDir", "\"/opt/demo-app\"");
    expect_json (cfg, "ExposedPorts", "{\"8080/tcp\":{}}");
    expect_json (cfg, "Volumes", "{\"/var/lib/demo-app\":{}}");
    expect_json (cfg, "Labels",
                 "{\"io.v2c.source.vm\":\"demo\",\"io.v2c.source.format\":"
                 "\"disk\",\"io.v2c.plan.main-component\":\"demo-app\","
                 "\"org.opencontainers.image.title\":\"demo\"}");
    json_decref (cfg);
  }

  /* without a main component: root, a shell, no entrypoint */
  json_array_clear (at (plan, "components"));
  json_object_set_new (plan, "main_component", json_null ());
  cfg = image_config (plan, &err);
  CHECK (cfg != NULL, "image config without components: %s", err.msg);
  if (cfg) {
    expect_json (cfg, "User", "\"0:0\"");
    expect_json (cfg, "Cmd", "[\"/bin/sh\"]");
    CHECK (json_object_get (cfg, "Entrypoint") == NULL, "Entrypoint");
    CHECK (json_object_get (at (cfg, "Labels"), "io.v2c.plan.main-component")
               == NULL,
           "main-component label without a main component");
    json_decref (cfg);
  }
  json_decref (plan);

  plan = unit_plan_build (inv, "single", &err);
  CHECK (plan != NULL, "single: %s", err.msg);
  if (plan)
    expect_json (plan, "image/layers",
                 "[{\"name\":\"rootfs\",\"includes\":[],\"excludes\":[]}]");
  json_decref (plan);
  CHECK (unit_plan_build (inv, "layered", &err) == NULL
             && strstr (err.msg, "unknown strategy 'layered'"),
         "strategy 'layered': %s", err.msg);
}

/* Replace (or with NULL, remove) the value at path with a copy of v. */
static void
mutate (json_t *root, const char *path, json_t *value)
{
  char parent[512];
  const char *slash = strrchr (path, '/'), *last;
  json_t *p, *v = value ? json_deep_copy (value) : NULL;

  if (slash) {
    snprintf (parent, sizeof parent, "%.*s", (int) (slash - path), path);
    p = at (root, parent);
    last = slash + 1;
  } else {
    p = root;
    last = path;
  }
  if (json_is_array (p)) {
    size_t i = strtoul (last, NULL, 10);
    if (v)
      json_array_set_new (p, i, v);
    else
      json_array_remove (p, i);
  } else if (v)
    json_object_set_new (p, last, v);
  else
    json_object_del (p, last);
}

/* Broken plans v2c_plan_check refuses, and inventories no plan can be
 * made of: tests/data/plan/broken.json has the path of what breaks
 * them, its new value (none: removed) and the start of the message,
 * which says which document it is ("plan: ", "inventory: ") and
 * names the place. */
static void
test_broken (json_t *inv)
{
  struct v2c_err err = { 0, "" };
  json_t *good = unit_plan_build (inv, NULL, &err), *bad, *big;
  json_t *t = load ("broken.json");
  size_t i;

  CHECK (good != NULL, "build: %s", err.msg);
  if (good == NULL) {
    json_decref (t);
    return;
  }
  for (i = 0; i < json_array_size (t); i++) {
    json_t *row = json_array_get (t, i), *out = NULL;
    const char *path = json_string_value (json_object_get (row, "path"));
    const char *want = json_string_value (json_object_get (row, "want"));
    json_t *v = json_object_get (row, "value");
    char *value = v ? json_dumps (v, JSON_ENCODE_ANY) : NULL;
    int is_plan = strncmp (want, "plan: ", 6) == 0, rc;
    bad = json_deep_copy (is_plan ? good : inv);
    mutate (bad, path, v);
    err.msg[0] = '\0';
    if (is_plan)
      rc = v2c_plan_check (bad, &err);
    else
      rc = (out = unit_plan_build (bad, NULL, &err)) ? 0 : -1;
    CHECK (rc == -1, "%s = %s accepted", path, value ? value : "(removed)");
    CHECK (strncmp (err.msg, want, strlen (want)) == 0,
           "%s = %s: message '%s', expected '%s...'", path,
           value ? value : "(removed)", err.msg, want);
    CHECK (!is_plan || image_config (bad, &err) == NULL,
           "image config of a broken plan (%s)", path);
    free (value);
    json_decref (out);
    json_decref (bad);
  }

  /* over the bound of patterns in one list */
  bad = json_deep_copy (good);
  big = at (bad, "image/layers/0/excludes");
  for (i = 0; i <= V2C_PLAN_MAX_PATTERNS; i++)
    json_array_append_new (big, json_string ("/x"));
  CHECK (v2c_plan_check (bad, &err) == -1
             && strcmp (err.msg, "plan: image.layers[0].excludes: more than "
                                 "1024 entries")
                    == 0,
         "1025 excludes: %s", err.msg);
  json_decref (bad);
  bad = json_string ("x");
  CHECK (v2c_plan_check (bad, &err) == -1
             && strcmp (err.msg, "plan: not a JSON object") == 0,
         "a string as plan: %s", err.msg);
  json_decref (bad);
  bad = json_integer (1);
  CHECK (unit_plan_build (bad, NULL, &err) == NULL
             && strcmp (err.msg, "inventory: not a JSON object") == 0,
         "inventory 1: %s", err.msg);
  json_decref (bad);
  json_decref (good);
  json_decref (t);
}

static void
test_patterns (void)
{
  static const struct {
    const char *p;
    int valid;
  } t[] = {
    { "/", 1 },         { "/etc", 1 },     { "/var/log/**", 1 },
    { "/a/*.conf", 1 }, { "/[ab]?/x", 1 }, { "/.hidden/..x", 1 },
    { "", 0 },          { "etc", 0 },      { "*/etc", 0 },
    { "//etc", 0 },     { "/etc//x", 0 },  { "/etc/./x", 0 },
    { "/etc/../x", 0 }, { "/etc/.", 0 },   { "/etc/..", 0 },
    { "/etc/", 0 },     { "/..", 0 },
  };
  char *longp = malloc (V2C_PLAN_MAX_PATTERN + 2);
  size_t i;

  for (i = 0; i < sizeof t / sizeof t[0]; i++)
    CHECK (v2c_plan_pattern_valid (t[i].p) == t[i].valid,
           "pattern '%s': %d, expected %d", t[i].p,
           v2c_plan_pattern_valid (t[i].p), t[i].valid);
  CHECK (v2c_plan_pattern_valid (NULL) == 0, "NULL pattern");
  if (longp) {
    memset (longp, 'a', V2C_PLAN_MAX_PATTERN + 1);
    longp[0] = '/';
    longp[V2C_PLAN_MAX_PATTERN] = '\0';
    CHECK (v2c_plan_pattern_valid (longp) == 1, "4096-byte pattern");
    longp[V2C_PLAN_MAX_PATTERN] = 'a';
    longp[V2C_PLAN_MAX_PATTERN + 1] = '\0';
    CHECK (v2c_plan_pattern_valid (longp) == 0, "4097-byte pattern");
    free (longp);
  }
}

/* ExecStart= lines split as systemd.service(5) "Command lines" says. */
static void
test_commands (json_t *inv)
{
  static const struct {
    const char *exec, *instance, *want;
  } t[] = {
    { "/usr/bin/app --port 80", NULL, "[\"/usr/bin/app\",\"--port\",\"80\"]" },
    { "-/usr/bin/app", NULL, "[\"/usr/bin/app\"]" },
    { "+!!/usr/bin/app  a\t b", NULL, "[\"/usr/bin/app\",\"a\",\"b\"]" },
    /* "@": the second word is argv[0] only */
    { "@/usr/bin/app app-name -x", NULL, "[\"/usr/bin/app\",\"-x\"]" },
    { "/bin/echo \"one two\" 'three four'", NULL,
      "[\"/bin/echo\",\"one two\",\"three four\"]" },
    { "/bin/echo a\\ b \\x41\\t\\u00e9", NULL,
      "[\"/bin/echo\",\"a b\",\"A\\t\\u00e9\"]" },
    { "/bin/echo 'it\\'s'", NULL, "[\"/bin/echo\",\"it's\"]" },
    { "/bin/echo \"\"", NULL, "[\"/bin/echo\",\"\"]" },
    { "/bin/echo $$HOME", NULL, "[\"/bin/echo\",\"$HOME\"]" },
    { "/usr/sbin/cron -f $EXTRA_OPTS", NULL,
      "[\"/bin/sh\",\"-c\",\"exec /usr/sbin/cron -f $EXTRA_OPTS\"]" },
    { "/bin/app --dir=${DIR} \"a b\" $$", NULL,
      "[\"/bin/sh\",\"-c\",\"exec /bin/app \\\"--dir=${DIR}\\\" \\\"a b\\\" "
      "\\\"\\\\$\\\"\"]" },
    { "/usr/bin/worker --queue %i --unit %n %%", "mail",
      "[\"/usr/bin/worker\",\"--queue\",\"mail\",\"--unit\","
      "\"app@mail.service\",\"%\"]" },
  };
  static const char *const broken[]
      = { "/bin/echo \"open", "/bin/echo \\", "/bin/echo \\x00", "@/bin/app" };
  struct v2c_err err = { 0, "" };
  json_t *one, *svc, *plan;
  size_t i;

  for (i = 0; i < sizeof t / sizeof t[0] + sizeof broken / sizeof broken[0];
       i++) {
    int bad = i >= sizeof t / sizeof t[0];
    const char *exec = bad ? broken[i - sizeof t / sizeof t[0]] : t[i].exec;
    one = json_deep_copy (inv);
    svc = json_deep_copy (at (one, "services/4")); /* nginx.service */
    json_object_set_new (svc, "name", json_string ("app@mail.service"));
    json_object_set_new (svc, "exec_start", json_string (exec));
    json_object_set_new (svc, "type", json_string ("simple"));
    json_object_set_new (svc, "template_instance",
                         !bad && t[i].instance ? json_string (t[i].instance)
                                               : json_null ());
    json_array_clear (at (one, "services"));
    json_array_append_new (at (one, "services"), svc);
    json_array_clear (at (one, "timers"));
    json_array_clear (at (one, "cron"));
    plan = unit_plan_build (one, NULL, &err);
    CHECK (plan != NULL, "%s: %s", exec, err.msg);
    if (plan && !bad) {
      char label[600];
      snprintf (label, sizeof label, "components/0/command");
      expect_json (plan, "components/0/name", "\"app-mail\"");
      if (json_array_size (at (plan, "components")) == 1)
        expect_json (plan, label, t[i].want);
      else
        CHECK (0, "%s: no component", exec);
    } else if (plan) {
      CHECK (json_array_size (at (plan, "components")) == 0
                 && strncmp (json_string_value (at (plan, "dropped/0/reason")),
                             "can't split ExecStart: ", 23)
                        == 0,
             "%s: not dropped as unsplittable", exec);
    }
    json_decref (plan);
    json_decref (one);
  }
}

/* The component whose source is file (and line, when > 0), or -1. */
static long
component_from (json_t *plan, const char *file, long line)
{
  json_t *v = at (plan, "components");
  size_t i;

  for (i = 0; i < json_array_size (v); i++) {
    json_t *src = json_object_get (json_array_get (v, i), "source");
    json_t *f = json_object_get (src, "file");
    json_t *l = json_object_get (src, "line");

    if (json_is_string (f) && strcmp (json_string_value (f), file) == 0
        && (line <= 0 || json_integer_value (l) == line))
      return (long) i;
  }
  return -1;
}

/* The reason dropped[] gives for name, or NULL. */
static const char *
dropped_reason (json_t *doc, const char *name)
{
  return json_string_value (json_object_get (
      unit_json_find (json_object_get (doc, "dropped"), "name", name),
      "reason"));
}

/* Unchanged files of a package's housekeeping are dropped with why, in
 * the plan and in the report; an edited one and the site's own jobs
 * stay. */
static void
test_housekeeping (void)
{
  static const struct {
    const char *name, *reason;
  } gone[] = {
    { "/etc/cron.d/php:14",
      "housekeeping of package 'php-common' (cleans expired PHP sessions): "
      "sessions are kept in the container and go with it" },
    { "/etc/cron.daily/tomcat10",
      "housekeeping of package 'tomcat10' (deletes old Tomcat logs): logs "
      "go to stdout and the platform keeps them" },
    { "/etc/cron.daily/logrotate",
      "housekeeping of package 'logrotate' (rotates log files): logs go to "
      "stdout and the platform keeps them" },
    { "phpsessionclean.timer",
      "starts 'phpsessionclean.service': cleans PHP sessions: they are "
      "kept in the container and go with it" },
  };
  json_t *inv = load ("housekeeping-inventory.json"), *plan, *report = NULL;
  struct v2c_err err = { 0, "" };
  struct v2c_inventory *i = NULL;
  struct v2c_plan *p = NULL;
  char *md = NULL;
  size_t k, n;

  plan = unit_plan_build (inv, NULL, &err);
  if (plan == NULL)
    unit_die ("housekeeping plan: %s", err.msg);
  for (k = 0; k < sizeof gone / sizeof gone[0]; k++)
    CHECK (unit_streq (dropped_reason (plan, gone[k].name), gone[k].reason),
           "%s: dropped as '%s', expected '%s'", gone[k].name,
           unit_str (dropped_reason (plan, gone[k].name)), gone[k].reason);
  CHECK (component_from (plan, "/etc/cron.d/php", 0) < 0
             && index_of (at (plan, "components"), "name", "php") < 0
             && index_of (at (plan, "components"), "name", "tomcat10") < 0
             && index_of (at (plan, "components"), "name", "logrotate") < 0
             && index_of (at (plan, "components"), "name", "phpsessionclean")
                    < 0,
         "a housekeeping job became a component");
  /* the site's own jobs stay, a script named like a package's too */
  CHECK (component_from (plan, "/etc/cron.d/demo-report", 5) >= 0,
         "/etc/cron.d/demo-report is not a component");
  CHECK (index_of (at (plan, "components"), "name", "demo-logs") >= 0,
         "/etc/cron.daily/demo-logs is not a component");
  CHECK (index_of (at (plan, "components"), "name", "dpkg") >= 0
             && dropped_reason (plan, "/etc/cron.daily/dpkg") == NULL,
         "the site's own /etc/cron.daily/dpkg was dropped");
  /* an edited package job stays, and a note says why */
  CHECK (index_of (at (plan, "components"), "name", "man-db") >= 0,
         "the edited /etc/cron.daily/man-db is not a component");
  for (k = 0, n = 0; k < json_array_size (at (plan, "notes")); k++) {
    const char *note
        = json_string_value (json_array_get (at (plan, "notes"), k));
    n += note && strstr (note, "'/etc/cron.daily/man-db'")
         && strstr (note, "package 'man-db'") && strstr (note, "edited");
  }
  CHECK (n == 1, "%zu notes on the edited man-db job", n);
  /* the report lists them with their reasons */
  if ((i = v2c_inventory_load (inv, &err)) == NULL
      || (p = v2c_plan_load (plan, &err)) == NULL
      || (report = v2c_report_build (i, p, NULL, &err)) == NULL
      || (md = v2c_report_markdown (report, &err)) == NULL)
    FAIL ("report: %s", err.msg);
  for (k = 0; md && k < sizeof gone / sizeof gone[0]; k++) {
    CHECK (unit_streq (dropped_reason (report, gone[k].name), gone[k].reason),
           "report: %s dropped as '%s'", gone[k].name,
           unit_str (dropped_reason (report, gone[k].name)));
    CHECK (strstr (md, gone[k].reason) != NULL, "report.md lacks '%s'",
           gone[k].reason);
  }
  free (md);
  json_decref (report);
  v2c_plan_free (p);
  v2c_inventory_free (i);
  json_decref (plan);
  json_decref (inv);
}

/* A secret file a service's configuration names is mounted into that
 * service's container wherever it lies, a machine's TLS key too; a
 * file another service names, or one that holds no secret, is not. */
static void
test_named_secrets (json_t *inv)
{
  struct v2c_err err = { 0, "" };
  json_t *one = json_deep_copy (inv), *plan;
  long i;

  json_array_append_new (
      at (one, "secrets"),
      json_pack ("{s:s, s:s, s:i, s:s}", "path",
                 "/etc/ssl/private/ssl-cert-snakeoil.key", "kind", "host-key",
                 "line", 1, "evidence", "-----BEGIN PRIVATE KEY----- <redacted>"));
  json_array_append_new (
      at (one, "secrets"),
      json_pack ("{s:s, s:s, s:i, s:s}", "path", "/srv/keys/site.key", "kind",
                 "private-key", "line", 1, "evidence",
                 "-----BEGIN PRIVATE KEY----- <redacted>"));
  json_array_append_new (
      at (one, "secrets"),
      json_pack ("{s:s, s:s, s:i, s:s}", "path", "/srv/keys/other.key", "kind",
                 "private-key", "line", 1, "evidence",
                 "-----BEGIN PRIVATE KEY----- <redacted>"));
  json_object_set_new (
      one, "file_refs",
      json_pack ("[{s:s, s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s, s:s},"
                 " {s:s, s:s, s:s}]",
                 "path", "/etc/ssl/private/ssl-cert-snakeoil.key", "service",
                 "nginx", "evidence", "/etc/nginx/sites-enabled/default:9: "
                 "ssl_certificate_key /etc/ssl/private/ssl-cert-snakeoil.key;",
                 "path", "/srv/keys/site.key", "service", "nginx", "evidence",
                 "/etc/nginx/sites-enabled/default:10: ssl_password_file "
                 "/srv/keys/site.key;",
                 "path", "/etc/ssl/certs/site.pem", "service", "nginx",
                 "evidence", "/etc/nginx/sites-enabled/default:8: "
                 "ssl_certificate /etc/ssl/certs/site.pem;",
                 "path", "/srv/keys/other.key", "service", "postgresql",
                 "evidence", "/etc/postgresql/15/main/postgresql.conf:3: "
                 "ssl_key_file = '/srv/keys/other.key'"));
  plan = unit_plan_build (one, NULL, &err);
  CHECK (plan != NULL, "plan: %s", err.msg);
  i = plan ? index_of (at (plan, "components"), "name", "nginx") : -1;
  CHECK (i >= 0, "no nginx component");
  if (i >= 0) {
    char w[64];
    snprintf (w, sizeof w, "components/%ld/secret_files", i);
    expect_json (plan, w,
                 "[\"/etc/ssl/private/ssl-cert-snakeoil.key\","
                 "\"/srv/keys/site.key\"]");
  }
  if (plan) {
    char *notes = json_dumps (at (plan, "notes"), 0);
    CHECK (notes && strstr (notes, "'nginx' needs the secret file "
                                   "'/srv/keys/site.key' "
                                   "(/etc/nginx/sites-enabled/default:10:"),
           "no note on the named secret: %s", notes ? notes : "(none)");
    CHECK (notes && strstr (notes, "'nginx' needs the host key "
                                   "'/etc/ssl/private/ssl-cert-snakeoil.key' "
                                   "(/etc/nginx/sites-enabled/default:9:")
               && strstr (notes, "generate a new one for the target"),
           "no host-key note: %s", notes ? notes : "(none)");
    free (notes);
  }
  json_decref (plan);
  json_decref (one);
}

/* A cron job that names another component's data directory mounts its
 * claim: a "shared" volume in the plan, the owner's claim name and a
 * podAffinity to the owner's pod in the CronJob; a plan edited to share
 * what no component owns is refused. */
static void
test_shared_claim (json_t *inv)
{
  static const struct {
    const char *field, *value, *want;
  } bad[] = {
    { "owner", "nobody", "no other Deployment or StatefulSet is named "
                         "'nobody'" },
    { "owner", "nginx", "'nginx' has no pvc volume 'var-lib-demo-app'" },
    { "owner", "backup", "no other Deployment or StatefulSet is named "
                         "'backup'" },
    { "owner", NULL, "a shared volume needs the component that owns" },
    { "kind", "pvc", "only a shared volume has one" },
  };
  struct v2c_err err = { 0, "" };
  json_t *one = json_deep_copy (inv), *plan, *job, *vols, *objs = NULL;
  long ci = index_of (at (one, "cron"), "command",
                      "/usr/local/bin/backup.sh >/dev/null 2>&1"), bi;
  struct v2c_plan *p = NULL;
  size_t i;

  CHECK (ci >= 0, "no backup job in the demo inventory");
  if (ci < 0) {
    json_decref (one);
    return;
  }
  json_object_set_new (json_array_get (at (one, "cron"), (size_t) ci),
                       "data_dirs", json_pack ("[s]", "/var/lib/demo-app"));
  plan = unit_plan_build (one, NULL, &err);
  CHECK (plan != NULL, "plan: %s", err.msg);
  bi = plan ? index_of (at (plan, "components"), "name", "backup") : -1;
  CHECK (bi >= 0, "no backup component");
  if (bi < 0)
    goto out;
  job = json_array_get (at (plan, "components"), (size_t) bi);
  vols = json_object_get (job, "volumes");
  CHECK (json_array_size (vols) == 1
             && unit_streq (json_string_value (json_object_get (
                                json_array_get (vols, 0), "kind")),
                            "shared"),
         "backup's volumes: %s", json_dumps (vols, JSON_COMPACT));
  {
    char w[64];
    snprintf (w, sizeof w, "components/%ld/volumes", bi);
    expect_json (plan, w,
                 "[{\"name\":\"var-lib-demo-app\","
                 "\"mount_path\":\"/var/lib/demo-app\",\"kind\":\"shared\","
                 "\"size\":null,\"source_path\":null,"
                 "\"owner\":\"demo-app\"}]");
  }
  {
    char *notes = json_dumps (at (plan, "notes"), 0);
    CHECK (notes && strstr (notes, "cron job 'backup' works on "
                                   "/var/lib/demo-app, the data of "
                                   "'demo-app'"),
           "no note on the shared claim: %s", notes ? notes : "(none)");
    free (notes);
  }
  p = v2c_plan_load (plan, &err);
  objs = p ? v2c_kube_build (p, NULL, &err) : NULL;
  CHECK (objs != NULL, "manifests: %s", err.msg);
  for (i = 0; objs && i < json_array_size (objs); i++) {
    json_t *o = json_object_get (json_array_get (objs, i), "object");
    json_t *ps;
    char *aff;

    if (o == NULL)
      o = json_array_get (objs, i);
    if (!unit_streq (json_string_value (json_object_get (o, "kind")),
                     "CronJob")
        || !unit_streq (json_string_value (
                            at (o, "metadata/name")), "backup"))
      continue;
    ps = at (o, "spec/jobTemplate/spec/template/spec");
    CHECK (unit_streq (json_string_value (
                           at (ps, "volumes/0/persistentVolumeClaim/claimName")),
                       "var-lib-demo-app-demo-app-0"),
           "backup's claim: %s",
           json_dumps (json_object_get (ps, "volumes"), JSON_COMPACT));
    CHECK (unit_streq (json_string_value (
                           at (ps, "containers/0/volumeMounts/0/mountPath")),
                       "/var/lib/demo-app"),
           "backup does not mount /var/lib/demo-app");
    aff = json_dumps (json_object_get (ps, "affinity"), JSON_COMPACT);
    CHECK (aff && strstr (aff, "\"podAffinity\":{\"requiredDuringScheduling"
                               "IgnoredDuringExecution\":[{\"labelSelector\":"
                               "{\"matchLabels\":{\"app.kubernetes.io/name\":"
                               "\"demo-app\"")
               && strstr (aff, "\"topologyKey\":\"kubernetes.io/hostname\""),
           "backup's affinity: %s", aff ? aff : "(none)");
    free (aff);
    i = json_array_size (objs) + 1;
  }
  CHECK (objs == NULL || i == json_array_size (objs) + 2, "no CronJob backup");
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    json_t *b = json_deep_copy (plan);
    json_t *v = json_array_get (
        json_object_get (json_array_get (at (b, "components"), (size_t) bi),
                         "volumes"),
        0);
    if (bad[i].value)
      json_object_set_new (v, bad[i].field, json_string (bad[i].value));
    else
      json_object_del (v, bad[i].field);
    if (strcmp (bad[i].field, "kind") == 0)
      json_object_set_new (v, "size", json_string ("1Gi"));
    err.msg[0] = '\0';
    CHECK (v2c_plan_check (b, &err) == -1 && strstr (err.msg, bad[i].want),
           "shared volume %s = %s: '%s', expected '%s'", bad[i].field,
           bad[i].value ? bad[i].value : "(removed)", err.msg, bad[i].want);
    json_decref (b);
  }
out:
  v2c_plan_free (p);
  json_decref (objs);
  json_decref (plan);
  json_decref (one);
}

static size_t
count_of (const char *s, const char *what)
{
  size_t n = 0;

  while (s && (s = strstr (s, what)) != NULL)
    n++, s++;
  return n;
}

/* --models oci (issue 18): the model volume of an AI server becomes an
 * image volume, and so does a cron job's share of it; the image config
 * declares no VOLUME there; the pods mount the models' image read-only
 * and no claim is made for it; a plan edited to put an image volume
 * where no data volume is, or an unknown --models, is refused. */
static void
test_models_oci (json_t *inv)
{
  struct v2c_err err = { 0, "" };
  json_t *one = json_deep_copy (inv), *doc = NULL, *objs = NULL, *cfg = NULL;
  struct v2c_inventory *in;
  struct v2c_plan *p = NULL;
  struct v2c_gpu_opts o = { NULL, NULL, NULL, 0, "oci" };
  long ci = index_of (at (one, "cron"), "command",
                      "/usr/local/bin/backup.sh >/dev/null 2>&1");
  char *s = NULL;

  if (ci >= 0)
    json_object_set_new (json_array_get (at (one, "cron"), (size_t) ci),
                         "data_dirs", json_pack ("[s]", "/var/lib/demo-app"));
  json_object_set_new (
      one, "ai",
      json_pack ("{s:[], s:[], s:[], s:[{s:s, s:s, s:b, s:s, s:s}], s:[]}",
                 "drivers", "runtimes", "python", "servers", "kind", "vllm",
                 "service", "demo-app.service", "notebook", 0, "model",
                 "/var/lib/demo-app", "evidence", "ExecStart", "models"));
  in = v2c_inventory_load (one, &err);
  p = in ? v2c_plan_build (in, NULL, &err) : NULL;
  CHECK (p && v2c_plan_set_gpu (p, in, &o, &err) == 0, "plan: %s", err.msg);
  doc = p ? v2c_plan_to_json (p) : NULL;
  s = doc ? json_dumps (at (doc, "components"), JSON_COMPACT) : NULL;
  CHECK (count_of (s, "{\"name\":\"var-lib-demo-app\",\"mount_path\":"
                      "\"/var/lib/demo-app\",\"kind\":\"image\",\"size\":"
                      "null,\"source_path\":null}") == 2
             && count_of (s, "\"owner\"") == 0,
         "the server's and the cron job's volumes: %s", unit_str (s));
  free (s);
  CHECK (doc && v2c_plan_check (doc, &err) == 0, "reloaded: %s", err.msg);
  cfg = p ? v2c_plan_image_config (p, &err) : NULL;
  s = cfg ? json_dumps (cfg, JSON_COMPACT) : NULL;
  CHECK (s && strstr (s, "/var/lib/demo-app") == NULL,
         "the image config declares the image volume: %s", unit_str (s));
  free (s);
  objs = p ? v2c_kube_build (p, NULL, &err) : NULL;
  s = objs ? json_dumps (objs, JSON_COMPACT) : NULL;
  CHECK (count_of (s, "-model-var-lib-demo-app:latest\",\"pullPolicy\":"
                      "\"IfNotPresent\"}") == 2
             && count_of (s, "\"mountPath\":\"/var/lib/demo-app\","
                             "\"readOnly\":true") == 2
             && count_of (s, "\"v2c.io/data-dir\":\"/var/lib/demo-app\"")
                    == 0,
         "the pods' image volumes: %s", unit_str (s));
  free (s);
  if (doc) {
    json_t *b = json_deep_copy (doc);
    long k = index_of (at (b, "components"), "name", "backup");
    json_t *v = k >= 0 ? json_array_get (json_object_get (json_array_get (
                                             at (b, "components"), (size_t) k),
                                             "volumes"), 0)
                       : NULL;

    json_object_set_new (v, "mount_path", json_string ("/srv/nothing"));
    err.msg[0] = '\0';
    CHECK (v && v2c_plan_check (b, &err) == -1
               && strstr (err.msg, "not a path of image.volumes"),
           "an image volume where no data volume is: '%s'", err.msg);
    json_decref (b);
  }
  o.models = "tarball";
  CHECK (p && v2c_plan_set_gpu (p, in, &o, &err) == -1
             && strstr (err.msg, "expected pvc or oci"),
         "--models tarball: '%s'", err.msg);
  json_decref (cfg);
  json_decref (objs);
  json_decref (doc);
  v2c_plan_free (p);
  v2c_inventory_free (in);
  json_decref (one);
}

int
main (void)
{
  json_t *inv = load ("demo-inventory.json");

  test_demo (inv);
  test_broken (inv);
  test_patterns ();
  test_commands (inv);
  test_housekeeping ();
  test_named_secrets (inv);
  test_shared_claim (inv);
  test_models_oci (inv);
  json_decref (inv);
  if (failures) {
    fprintf (stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf ("ok: plan of the demo VM, image config, %s\n",
          "broken plans and inventories refused with their JSON path");
  return 0;
}
