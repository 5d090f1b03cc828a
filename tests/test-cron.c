/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * cron jobs of a guest tree built here.  Each crontab's jobs are
 * compared, count and schedule and command, with an independent awk
 * reading of the same file; then the run-parts directories, the spool
 * and anacrontab are checked.  Then the package that ships each job's
 * file, and whether it was edited, as the inventory records them.  Last,
 * the data directories a job names on its command line or in its script
 * (a path of its own or the start of one, comments and look-alike
 * prefixes not counted).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inspect-private.h"
#include "unit.h"

static char root[] = "/tmp/v2c-test-cron.XXXXXX";

static void
put (const char *rel, const char *content, int mode)
{
  char p[4096];

  unit_put (root, rel, content);
  snprintf (p, sizeof p, "%s/%s", root, rel);
  chmod (p, mode);
}

static const char system_tab[]
    = "# /etc/crontab: system-wide crontab\n"
      "SHELL=/bin/sh\n"
      "PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin\n"
      "MAILTO = \"ops@example.com\"\n"
      "CRON_TZ=UTC\n"
      "\n"
      "17 *\t* * *\troot    cd / && run-parts --report /etc/cron.hourly\n"
      "25 6\t* * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts "
      "--report /etc/cron.daily; }\n"
      "*/15 * * * * www-data /usr/bin/php /var/www/cron.php >/dev/null 2>&1\n"
      "0 3 * jan,jul mon-fri backup /opt/backup/run --date=$(date +\\%F) "
      "%stdin\n"
      "  @reboot   root   /usr/local/bin/on-boot  \n"
      "@weekly root /usr/local/bin/weekly\n"
      "@bogus root /never\n"
      "1 2 3 4 root\n"
      "1 2 3 root /missing-a-field\n"
      "# 0 0 * * * root /commented\n";

static const char user_tab[]
    = "MAILTO=dev@example.com\n"
      "# m h dom mon dow command\n"
      "0 */2 * * * /home/demo/bin/sync --all\n"
      "@daily /home/demo/bin/cleanup\n"
      "30 4 1 * * echo 'monthly % report' | mail -s x demo\n";

/* An independent reading of a crontab with awk: one line per job,
 * "schedule|user|command". */
static char *
awk_jobs (const char *path, int system_tab_, const char *user)
{
  char cmd[8192];
  static char out[1 << 16];
  FILE *f;
  size_t n;

  snprintf (
      cmd, sizeof cmd,
      "awk -v sys=%d -v usr='%s' '"
      "/^[ \\t]*(#|$)/ { next }"
      "{ line = $0; sub(/^[ \\t]+/, \"\", line); sub(/[ \\t]+$/, \"\", line) }"
      "line ~ /^@/ { if ($1 !~ /^@(reboot|yearly|annually|monthly|weekly|"
      "daily|midnight|hourly)$/) next; nf = 1 }"
      "line ~ /^[0-9*]/ { nf = 5 }"
      "line !~ /^[0-9*@]/ { next }"
      "{ if (NF < nf + sys + 1) next;"
      "  sched = $1; for (i = 2; i <= nf; i++) sched = sched \" \" $i;"
      "  u = sys ? $(nf + 1) : usr;"
      "  rest = line; for (i = 1; i <= nf + sys; i++) "
      "{ sub(/^[^ \\t]+[ \\t]+/, \"\", rest) }"
      "  print sched \"|\" u \"|\" rest }' '%s'",
      system_tab_, user ? user : "", path);
  f = popen (cmd, "r");
  if (f == NULL)
    return NULL;
  n = fread (out, 1, sizeof out - 1, f);
  out[n] = '\0';
  pclose (f);
  return out;
}

static void
compare_awk (const struct v2c_cron *c, const char *file, int sys,
             const char *user, size_t expect_n)
{
  char path[4096], *aw, *line, *save, mine[1 << 16];
  size_t i, o = 0, n = 0;

  snprintf (path, sizeof path, "%s%s", root, file);
  aw = awk_jobs (path, sys, user);
  CHECK (aw != NULL, "awk failed");
  if (aw == NULL)
    return;
  mine[0] = '\0';
  for (i = 0; i < c->n; i++)
    if (strcmp (c->v[i].file, file) == 0) {
      o += (size_t) snprintf (mine + o, sizeof mine - o, "%s|%s|%s\n",
                              c->v[i].schedule, c->v[i].user, c->v[i].command);
      n++;
    }
  CHECK (strcmp (mine, aw) == 0,
         "%s differs from awk:\n--- v2c\n%s--- awk\n%s", file, mine, aw);
  for (line = strtok_r (aw, "\n", &save); line;
       line = strtok_r (NULL, "\n", &save))
    ;
  CHECK (n == expect_n, "%s: %zu jobs, expected %zu", file, n, expect_n);
}

static const struct v2c_cron_job *
job (const struct v2c_cron *c, const char *cmd)
{
  size_t i;

  for (i = 0; i < c->n; i++)
    if (strcmp (c->v[i].command, cmd) == 0)
      return &c->v[i];
  return NULL;
}

/* cron[].package and cron[].modified: from the dpkg database, by the
 * script of /etc/cron.daily & co or else the crontab, modified when the
 * file's md5 is not the package's. */
static void
test_owners (void)
{
  static const struct {
    const char *cmd, *package;
    int modified;
  } want[] = {
    { "[ -x /usr/lib/php/sessionclean ] && /usr/lib/php/sessionclean",
      "php-common", 0 },
    { "/etc/cron.daily/logrotate", "logrotate", 0 },
    { "/etc/cron.weekly/man-db", "man-db", 1 },
    { "cd / && run-parts --report /etc/cron.hourly", "cron-daemon-common", 1 },
    { "/etc/cron.daily/demo-logs", NULL, 0 },
    { "/home/demo/bin/cleanup", NULL, 0 },
  };
  struct v2c_err err = { 0, "" };
  struct v2c_fs *fs;
  json_t *inv = json_object ();
  size_t i;

  put ("etc/cron.daily/demo-logs", "#!/bin/sh\nfind /var/log/demo\n", 0755);
  put ("var/lib/dpkg/status",
       "Package: php-common\nStatus: install ok installed\n"
       "Architecture: all\nVersion: 2:93\nConffiles:\n"
       " /etc/cron.d/php 5dd820fa46039becba74d2de2c5979e9\n\n"
       "Package: logrotate\nStatus: install ok installed\n"
       "Architecture: amd64\nVersion: 3.21.0-1\nConffiles:\n"
       " /etc/cron.daily/logrotate 3e2b31c72181b87149ff995e7202c0e3\n\n"
       "Package: man-db\nStatus: install ok installed\n"
       "Architecture: amd64\nVersion: 2.11.2-2\nConffiles:\n"
       " /etc/cron.weekly/man-db 00000000000000000000000000000000\n\n"
       "Package: cron-daemon-common\nStatus: install ok installed\n"
       "Architecture: all\nVersion: 3.0pl1-162\nConffiles:\n"
       " /etc/crontab 11111111111111111111111111111111\n",
       0644);
  put ("var/lib/dpkg/info/php-common.list",
       "/etc\n/etc/cron.d\n"
       "/etc/cron.d/php\n",
       0644);
  put ("var/lib/dpkg/info/logrotate.list",
       "/etc\n/etc/cron.daily\n"
       "/etc/cron.daily/logrotate\n",
       0644);
  put ("var/lib/dpkg/info/man-db.list",
       "/etc\n/etc/cron.weekly\n"
       "/etc/cron.weekly/man-db\n",
       0644);
  put ("var/lib/dpkg/info/cron-daemon-common.list", "/etc\n/etc/crontab\n",
       0644);
  fs = v2c_fs_open_dir (root, &err);
  if (fs == NULL || v2c_inspect_fs (fs, "deb", inv, &err) == -1)
    unit_die ("inventory: %s", err.msg);
  for (i = 0; i < sizeof want / sizeof want[0]; i++) {
    json_t *j = unit_json_find (json_object_get (inv, "cron"), "command",
                                want[i].cmd);
    json_t *pkg = json_object_get (j, "package");
    json_t *mod = json_object_get (j, "modified");

    CHECK (j != NULL, "no cron[] entry of '%s'", want[i].cmd);
    if (j == NULL)
      continue;
    if (want[i].package == NULL)
      CHECK (json_is_null (pkg) && mod == NULL,
             "'%s': a package, or modified without one", want[i].cmd);
    else
      CHECK (unit_streq (json_string_value (pkg), want[i].package)
                 && json_is_boolean (mod)
                 && json_is_true (mod) == want[i].modified,
             "'%s': package '%s' modified %d, expected '%s' %d", want[i].cmd,
             unit_str (json_string_value (pkg)), json_is_true (mod),
             want[i].package, want[i].modified);
  }
  json_decref (inv);
  v2c_fs_free (fs);
}

static void
test_data_dirs (void)
{
  static const struct {
    const char *cmd, *dirs; /* dirs joined by ' ', "" for none */
  } want[] = {
    { "/usr/local/bin/nightly.sh >/dev/null 2>&1", "/var/lib/app" },
    { "tar czf /var/backups/db.tgz /srv/db/", "/srv/db" },
    { "/usr/local/bin/comment-only.sh", "" },
    { "find /var/lib/apps -mtime +7 -delete", "" },
    { "cd /var/lib/app&&./x; cp /srv/db/a /tmp", "/var/lib/app /srv/db" },
    { "/usr/local/bin/binary-blob", "" },
  };
  static const char *const dirs[] = { "/var/lib/app", "/srv/db" };
  struct v2c_err err = { 0, "" };
  struct v2c_conf_facts f;
  struct v2c_cron c = { 0 };
  struct v2c_fs *fs;
  char tab[2048] = "";
  size_t i, j;

  memset (&f, 0, sizeof f);
  f.dirs = calloc (2, sizeof *f.dirs);
  if (f.dirs == NULL)
    unit_die ("out of memory");
  for (i = 0; i < 2; i++)
    f.dirs[f.ndirs++].path = (char *) dirs[i];
  put ("usr/local/bin/nightly.sh",
       "#!/bin/sh\n# keeps /srv/db too (a comment)\n"
       "  cp /var/lib/app/data.db /var/backups/\n",
       0755);
  put ("usr/local/bin/comment-only.sh", "#!/bin/sh\n  # /var/lib/app\n",
       0755);
  /* not a script: binary data is not read as one */
  put ("usr/local/bin/binary-blob", "\177ELF /var/lib/app", 0755);
  for (i = 0; i < sizeof want / sizeof want[0]; i++) {
    size_t n = strlen (tab);
    snprintf (tab + n, sizeof tab - n, "* * * * * %s\n", want[i].cmd);
  }
  if (v2c_crontab_parse (tab, strlen (tab), 0, "root", "/x", &c, &err) == -1)
    unit_die ("crontab: %s", err.msg);
  fs = v2c_fs_open_dir (root, &err);
  if (fs == NULL || v2c_inspect_cron_data (fs, &f, &c, &err) == -1)
    unit_die ("data dirs: %s", err.msg);
  CHECK (c.n == sizeof want / sizeof want[0], "%zu jobs", c.n);
  for (i = 0; i < c.n && i < sizeof want / sizeof want[0]; i++) {
    char got[1024] = "";
    for (j = 0; j < c.v[i].ndata_dirs; j++) {
      size_t n = strlen (got);
      snprintf (got + n, sizeof got - n, "%s%s", j ? " " : "",
                c.v[i].data_dirs[j]);
    }
    CHECK (strcmp (got, want[i].dirs) == 0, "'%s': data dirs '%s', not '%s'",
           want[i].cmd, got, want[i].dirs);
  }
  free (f.dirs);
  v2c_cron_free_contents (&c);
  v2c_fs_free (fs);
}

int
main (void)
{
  struct v2c_err err = { 0, "" };
  struct v2c_cron c = { 0 };
  struct v2c_fs *fs;
  const struct v2c_cron_job *j;
  char cmd[4200];
  size_t i;

  if (system ("awk 'BEGIN{}' </dev/null") != 0) {
    fprintf (stderr, "awk not found\n");
    return 77;
  }
  if (mkdtemp (root) == NULL)
    return 1;
  put ("etc/crontab", system_tab, 0644);
  put ("etc/cron.d/php",
       "09,39 * * * * root [ -x /usr/lib/php/sessionclean ]"
       " && /usr/lib/php/sessionclean\n",
       0644);
  put ("etc/cron.d/.placeholder", "# empty\n", 0644);
  put ("etc/cron.d/php.dpkg-old", "* * * * * root /old\n", 0644);
  put ("etc/cron.d/backup~", "* * * * * root /backup-tilde\n", 0644);
  put ("var/spool/cron/crontabs/demo", user_tab, 0600);
  put ("var/spool/cron/crontabs/tmp.XyZ", "* * * * * /tmp-file\n", 0600);
  put ("var/spool/cron/alice", "5 5 * * * /home/alice/rhel-style\n", 0600);
  put ("etc/cron.daily/logrotate", "#!/bin/sh\n", 0755);
  put ("etc/cron.daily/.placeholder", "", 0644);
  put ("etc/cron.daily/README", "", 0755);
  put ("etc/cron.daily/not-exec", "#!/bin/sh\n", 0644);
  put ("etc/cron.daily/dpkg.dpkg-old", "#!/bin/sh\n", 0755);
  put ("etc/cron.weekly/man-db", "#!/bin/sh\n", 0755);
  put ("etc/anacrontab",
       "SHELL=/bin/sh\nHOME=/root\n# period delay id command\n"
       "1\t5\tcron.daily\trun-parts --report /etc/cron.daily\n"
       "7\t10\tcron.weekly\trun-parts --report /etc/cron.weekly\n"
       "@monthly\t15\tcron.monthly\trun-parts --report /etc/cron.monthly\n"
       "3 1 every3 /usr/local/bin/every-third-day\n",
       0644);

  fs = v2c_fs_open_dir (root, &err);
  if (fs == NULL || v2c_cron_read (fs, &c, &err) == -1) {
    fprintf (stderr, "v2c_cron_read: %s\n", err.msg);
    return 1;
  }
  for (i = 0; i < c.n; i++)
    printf ("%s:%d [%s] %s: %s\n", c.v[i].file, c.v[i].line, c.v[i].schedule,
            c.v[i].user ? c.v[i].user : "-", c.v[i].command);

  compare_awk (&c, "/etc/crontab", 1, NULL, 6);
  compare_awk (&c, "/etc/cron.d/php", 1, NULL, 1);
  compare_awk (&c, "/var/spool/cron/crontabs/demo", 0, "demo", 3);
  compare_awk (&c, "/var/spool/cron/alice", 0, "alice", 1);

  j = job (&c, "/opt/backup/run --date=$(date +\\%F) %stdin");
  CHECK (j && strcmp (j->schedule, "0 3 * jan,jul mon-fri") == 0
             && strcmp (j->user, "backup") == 0 && j->line == 10,
         "backup job (%% kept, line 10)");
  j = job (&c, "/usr/local/bin/on-boot");
  CHECK (j && strcmp (j->schedule, "@reboot") == 0, "@reboot job");
  j = job (&c, "/etc/cron.daily/logrotate");
  CHECK (j && strcmp (j->schedule, "@daily") == 0
             && strcmp (j->user, "root") == 0,
         "cron.daily script");
  j = job (&c, "/etc/cron.weekly/man-db");
  CHECK (j && strcmp (j->schedule, "@weekly") == 0, "cron.weekly script");
  CHECK (!job (&c, "/etc/cron.daily/not-exec")
             && !job (&c, "/etc/cron.daily/README")
             && !job (&c, "/etc/cron.daily/dpkg.dpkg-old")
             && !job (&c, "/etc/cron.daily/.placeholder"),
         "run-parts would not run these");
  CHECK (!job (&c, "/old") && !job (&c, "/backup-tilde")
             && !job (&c, "/tmp-file"),
         "files cron ignores were read");
  j = job (&c, "run-parts --report /etc/cron.daily");
  CHECK (j && strcmp (j->schedule, "@daily") == 0
             && strcmp (j->file, "/etc/anacrontab") == 0,
         "anacrontab daily");
  j = job (&c, "run-parts --report /etc/cron.monthly");
  CHECK (j && strcmp (j->schedule, "@monthly") == 0, "anacrontab monthly");
  j = job (&c, "/usr/local/bin/every-third-day");
  CHECK (j && strcmp (j->schedule, "3") == 0, "anacrontab period 3");
  for (i = 0; i < c.n; i++)
    CHECK (strchr (c.v[i].command, '=') == NULL
               || strstr (c.v[i].command, "--"),
           "environment line taken as a job: '%s'", c.v[i].command);

  /* a user crontab parsed as a system one reads the user field */
  {
    struct v2c_cron u = { 0 };
    CHECK (
        v2c_crontab_parse ("1 2 3 4 5 bob /x y\n", 18, 1, NULL, NULL, &u, &err)
                == 0
            && u.n == 1 && strcmp (u.v[0].user, "bob") == 0
            && strcmp (u.v[0].command, "/x y") == 0,
        "system crontab user field");
    v2c_cron_free_contents (&u);
    CHECK (
        v2c_crontab_parse ("1 2 3 4 5 bob /x y", 18, 0, "eve", "f", &u, &err)
                == 0
            && u.n == 1 && strcmp (u.v[0].user, "eve") == 0
            && strcmp (u.v[0].command, "bob /x y") == 0,
        "user crontab without final newline");
    v2c_cron_free_contents (&u);
  }

  v2c_cron_free_contents (&c);
  v2c_fs_free (fs);
  test_owners ();
  test_data_dirs ();
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", root);
  if (failures == 0)
    system (cmd);
  return failures ? 1 : 0;
}
