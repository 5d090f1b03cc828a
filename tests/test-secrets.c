/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The secrets scanner: every kind it reports, in the forms real files
 * write them, with planted values "v2c-planted-KIND-NNNN".  Each finding
 * is checked for kind, line and exact evidence, and no evidence may hold
 * any 6 characters of any planted value.  Lines that only look like
 * secrets (password_encryption, PasswordAuthentication, _FILE keys,
 * references) must give nothing.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <openssl/evp.h>

#include "inspect.h"
#include "inspect-private.h"
#include "unit.h"

struct want {
  const char *kind;
  int line;
  const char *evidence;
};

static struct v2c_secrets all;

/* Scan text as path and compare the findings, in order, with want[]. */
static void
scan (const char *path, const char *text, size_t len, const struct want *want,
      size_t nwant)
{
  struct v2c_secrets s = { NULL, 0 };
  struct v2c_err err = { 0, "" };
  size_t i;

  CHECK (v2c_secrets_scan (path, text, len, &s, &err) == 0, "%s: %s", path,
         err.msg);
  CHECK (s.n == nwant, "%s: %zu findings, expected %zu", path, s.n, nwant);
  for (i = 0; i < s.n; i++) {
    if (i < nwant) {
      CHECK (strcmp (s.v[i].kind, want[i].kind) == 0,
             "%s #%zu: kind %s, expected %s", path, i, s.v[i].kind,
             want[i].kind);
      CHECK (s.v[i].line == want[i].line, "%s #%zu: line %d, expected %d",
             path, i, s.v[i].line, want[i].line);
      CHECK (strcmp (s.v[i].evidence, want[i].evidence) == 0,
             "%s #%zu: evidence '%s', expected '%s'", path, i, s.v[i].evidence,
             want[i].evidence);
    } else
      fprintf (stderr, "  extra: %s %d [%s]\n", s.v[i].kind, s.v[i].line,
               s.v[i].evidence);
    CHECK (strcmp (s.v[i].path, path) == 0, "path %s", s.v[i].path);
  }
  /* keep them for the leak check */
  for (i = 0; i < s.n; i++) {
    all.v = realloc (all.v, (all.n + 1) * sizeof *all.v);
    if (all.v == NULL)
      exit (1);
    all.v[all.n++] = s.v[i];
  }
  free (s.v);
}

#define SCAN(path, text, ...)                                                 \
  do {                                                                        \
    static const struct want w_[] = { __VA_ARGS__ };                          \
    scan (path, text, sizeof text - 1, w_, sizeof w_ / sizeof w_[0]);         \
  } while (0)
#define SCAN_NONE(path, text) scan (path, text, sizeof text - 1, NULL, 0)

static const char pem[]
    = "-----BEGIN OPENSSH PRIVATE KEY-----\n"
      "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"
      "\n"
      "v2c-planted-pkey-0001\n"
      "-----END OPENSSH PRIVATE KEY-----\n"
      "\n"
      "-----BEGIN RSA PRIVATE KEY-----\n"
      "Proc-Type: 4,ENCRYPTED\n"
      "v2c-planted-pkey-0002\n"
      "-----END RSA PRIVATE KEY-----\n"
      "-----BEGIN EC PRIVATE KEY-----v2c-planted-pkey-0003\n"
      "-----END EC PRIVATE KEY-----\n"
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
      "v2c-planted-pkey-0004\n"
      "-----END ENCRYPTED PRIVATE KEY-----\n"
      "-----BEGIN CERTIFICATE-----\n"
      "MIIB\n"
      "-----END CERTIFICATE-----\n";

static const char env[]
    = "# app settings\n"                             /* 1 */
      "DB_PASSWORD=v2c-planted-pw-0001\n"            /* 2 */
      "export API_TOKEN=\"v2c-planted-tok-0002\"\n"  /* 3 */
      "SECRET_KEY='v2c-planted-sec-0003'\n"          /* 4 */
      "AWS_SECRET_ACCESS_KEY=v2c-planted-aws-0004\n" /* 5 */
      "X_API_KEY = v2c-planted-api-0005\n"           /* 6 */
      "PASSWORD_MIN_LEN=8\n"                         /* 7 */
      "DB_PASSWORD_FILE=/run/secrets/db\n"           /* 8 */
      "EMPTY_PASSWORD=\n"                            /* 9 */
      "REF_PASSWORD=${DB_PASS}\n"                    /* 10 */
      "ADMIN_PASSWORD=changeme\n"                    /* 11 */
      "DATABASE_URL=postgres://app:v2c-planted-conn-0006@db:5432/app\n" /* 12
                                                                         */
      "PGPASSWORD=v2c-planted-pw-0007 PGUSER=app\n" /* 13 */
      "GITHUB_TOKEN=v2c-planted-tok-0008\r\n"       /* 14 */
      "PWD=/home/app\n"                             /* 15 */
      "REDIS_AUTH=v2c-planted-auth-0009\n";         /* 16 */

static const char props[]
    = "spring.datasource.url=jdbc:postgresql://db:5432/app\n"
      "spring.datasource.password=v2c-planted-pw-0101\n"
      "app.oauth.clientSecret: v2c-planted-sec-0102\n"
      "password_encryption = scram-sha-256\n"
      "PasswordAuthentication yes\n"
      "author = someone\n";

static const char yaml[]
    = "database:\n"
      "  user: app\n"
      "  password: \"v2c-planted-pw-0201\"  # from vault\n"
      "  accessToken: v2c-planted-tok-0202\n"
      "  password_hint: ask bob\n";

static const char json[]
    = "{\n"
      "  \"db\": {\"user\": \"bob\", \"password\": \"v2c-planted-pw-0301\", "
      "\"host\": \"db\"},\n"
      "  \"apiKey\": \"v2c-planted-api\\\"-0302\",\n"
      "  \"password\": null,\n"
      "  \"token\": \"\"\n"
      "}\n";

static const char xml[] = "<config>\n"
                          "  <password>v2c-planted-pw-0401</password>\n"
                          "  <Resource name=\"jdbc/app\" username=\"app\" "
                          "password=\"v2c-planted-pw-0402\" "
                          "url=\"jdbc:mysql://db/app\"/>\n"
                          "</config>\n";

static const char php[] = "<?php\n"
                          "define( 'DB_PASSWORD', 'v2c-planted-pw-0501' );\n"
                          "$db_password = 'v2c-planted-pw-0502';\n"
                          "$config['secret'] => \"v2c-planted-sec-0503\";\n"
                          "$password = getenv('DB_PASSWORD');\n"
                          "if ($password == 'x') { }\n";

static const char urls[]
    = "mysql://root:v2c-planted-conn-0601@127.0.0.1:3306/shop\n"
      "uri = "
      "\"mongodb+srv://admin:v2c-planted-conn-0602@cluster0.example.net/"
      "?retryWrites=true\"\n"
      "broker=amqp://guest:v2c-planted-conn-0603@rabbit:5672//\n"
      "cache: redis://:v2c-planted-conn-0604@cache:6379/0\n"
      "proxy https://user:v2c-planted-conn-0605@proxy.example:3128 and "
      "http://example.com/\n"
      "template postgres://user:${PASS}@db/x\n";

static const char cmd[]
    = "ExecStart=/usr/bin/app --db-password v2c-planted-pw-0701 --port 80\n"
      "ExecStart=/usr/bin/app --password=v2c-planted-pw-0702 --verbose\n";

static const char pgpass[]
    = "# hostname:port:database:username:password\n"
      "db.example:5432:app:appuser:v2c-planted-pgp-0801\n"
      "*:*:*:postgres:v2c\\:planted-pgp-0802\n";

static const char mycnf[] = "[client]\n"
                            "user=root\n"
                            "password=\"v2c-planted-my-0901\"\n";

static const char netrc[]
    = "machine api.example login bob password v2c-planted-net-1001\n"
      "machine other.example\n"
      "  login alice\n"
      "  password\n"
      "  v2c-planted-net-1002\n";

static const char aws[] = "[default]\n"
                          "aws_access_key_id = AKIAEXAMPLE\n"
                          "aws_secret_access_key = v2c-planted-aws-1101\n";

static const char gcloud[]
    = "{\n"
      "  \"client_id\": \"32555940559.apps.googleusercontent.com\",\n"
      "  \"client_secret\": \"v2c-planted-gcp-1201\",\n"
      "  \"refresh_token\": \"v2c-planted-gcp-1202\",\n"
      "  \"private_key\": \"-----BEGIN PRIVATE "
      "KEY-----\\nv2c-planted-gcp-1203\\n"
      "-----END PRIVATE KEY-----\\n\",\n"
      "  \"type\": \"authorized_user\"\n"
      "}\n";

static const char hostkey[] = "-----BEGIN OPENSSH PRIVATE KEY-----\n"
                              "v2c-planted-ssh-1301\n"
                              "-----END OPENSSH PRIVATE KEY-----\n";

static const char redis[] = "port 6379\n"
                            "requirepass v2c-planted-rd-1401\n"
                            "  masterauth \"v2c-planted-rd-1402\"\n"
                            "# requirepass foobared\n";

static const char binary[] = "ELF\0\0\0password=v2c-planted-bin-1501\n";

static void
test_scan (void)
{
  char longline[1024];
  size_t i;

  SCAN ("/home/app/.ssh/id_ed25519", pem,
        { "private-key", 1, "-----BEGIN OPENSSH PRIVATE KEY----- <redacted>" },
        { "private-key", 6, "-----BEGIN RSA PRIVATE KEY----- <redacted>" },
        { "private-key", 10, "-----BEGIN EC PRIVATE KEY----- <redacted>" },
        { "private-key", 12,
          "-----BEGIN ENCRYPTED PRIVATE KEY----- <redacted>" });
  SCAN ("/srv/app/.env", env, { "password", 2, "DB_PASSWORD=<redacted>" },
        { "token", 3, "export API_TOKEN=\"<redacted>\"" },
        { "secret", 4, "SECRET_KEY='<redacted>'" },
        { "secret", 5, "AWS_SECRET_ACCESS_KEY=<redacted>" },
        { "api-key", 6, "X_API_KEY = <redacted>" },
        { "password", 11, "ADMIN_PASSWORD=<redacted>" },
        { "connection-string", 12,
          "DATABASE_URL=postgres://app:<redacted>@db:5432/app" },
        { "password", 13, "PGPASSWORD=<redacted>" },
        { "token", 14, "GITHUB_TOKEN=<redacted>" },
        { "secret", 16, "REDIS_AUTH=<redacted>" });
  SCAN ("/opt/app/application.properties", props,
        { "password", 2, "spring.datasource.password=<redacted>" },
        { "secret", 3, "app.oauth.clientSecret: <redacted>" });
  SCAN ("/etc/app/config.yaml", yaml,
        { "password", 3, "password: \"<redacted>\"" },
        { "token", 4, "accessToken: <redacted>" });
  SCAN ("/etc/app/config.json", json,
        { "password", 2,
          "\"db\": {\"user\": \"bob\", \"password\": \"<redacted>\"" },
        { "api-key", 3, "\"apiKey\": \"<redacted>\"" });
  SCAN ("/opt/tomcat/conf/context.xml", xml,
        { "password", 2, "<password><redacted>" },
        { "password", 3,
          "<Resource name=\"jdbc/app\" username=\"app\" "
          "password=\"<redacted>\"" });
  SCAN ("/var/www/html/wp-config.php", php,
        { "password", 2, "define( 'DB_PASSWORD', '<redacted>'" },
        { "password", 3, "$db_password = '<redacted>'" },
        { "secret", 4, "$config['secret'] => \"<redacted>\"" });
  SCAN ("/etc/app/urls.txt", urls,
        { "connection-string", 1,
          "mysql://root:<redacted>@127.0.0.1:3306/shop" },
        { "connection-string", 2,
          "uri = \"mongodb+srv://admin:<redacted>@cluster0.example.net/" },
        { "connection-string", 3,
          "broker=amqp://guest:<redacted>@rabbit:5672//" },
        { "connection-string", 4, "cache: redis://:<redacted>@cache:6379/0" },
        { "connection-string", 5,
          "proxy https://user:<redacted>@proxy.example:3128" });
  SCAN ("/etc/systemd/system/app.service", cmd,
        { "argument", 1, "ExecStart=/usr/bin/app --db-password <redacted>" },
        { "argument", 2, "ExecStart=/usr/bin/app --password=<redacted>" });
  SCAN ("/home/app/.pgpass", pgpass,
        { "pgpass", 2, "db.example:5432:app:appuser:<redacted>" },
        { "pgpass", 3, "*:*:*:postgres:<redacted>" });
  SCAN ("/root/.my.cnf", mycnf,
        { "mysql-client", 3, "password=\"<redacted>\"" });
  SCAN ("/home/bob/.netrc", netrc,
        { "netrc", 1, "machine api.example login bob password <redacted>" },
        { "netrc", 5, "<redacted>" });
  SCAN ("/root/.aws/credentials", aws,
        { "cloud-credentials", 3, "aws_secret_access_key = <redacted>" });
  SCAN ("/home/u/.config/gcloud/application_default_credentials.json", gcloud,
        { "cloud-credentials", 3, "\"client_secret\": \"<redacted>\"" },
        { "cloud-credentials", 4, "\"refresh_token\": \"<redacted>\"" },
        { "cloud-credentials", 5,
          "\"private_key\": \"-----BEGIN PRIVATE KEY----- <redacted>" });
  SCAN (
      "/etc/ssh/ssh_host_ed25519_key", hostkey,
      { "host-key", 1, "-----BEGIN OPENSSH PRIVATE KEY----- <redacted>" });
  SCAN ("/etc/redis/redis.conf", redis,
        { "password", 2, "requirepass <redacted>" },
        { "password", 3, "masterauth \"<redacted>\"" });
  SCAN_NONE ("/usr/bin/app", binary);
  SCAN_NONE ("/etc/ssh/ssh_host_ed25519_key.pub",
             "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI root@host\n");

  /* evidence is cut at 200 bytes */
  memset (longline, 'a', 600);
  memcpy (longline + 600, " password=v2c-planted-pw-1601\n", 31);
  {
    struct v2c_secrets s = { NULL, 0 };
    struct v2c_err err = { 0, "" };
    CHECK (v2c_secrets_scan ("/x", longline, strlen (longline), &s, &err) == 0
               && s.n == 1 && strlen (s.v[0].evidence) <= 200
               && strstr (s.v[0].evidence, "v2c-pl") == NULL,
           "long line");
    v2c_secrets_free_contents (&s);
  }

  /* no evidence holds any 6 characters of any planted value */
  for (i = 0; i < all.n; i++) {
    const char *ev = all.v[i].evidence;
    CHECK (strstr (ev, "v2c-pl") == NULL && strstr (ev, "lanted") == NULL
               && strstr (ev, "planted") == NULL,
           "planted value in '%s'", ev);
    CHECK (strlen (ev) <= 200, "evidence longer than 200: '%s'", ev);
  }
  {
    /* every 6-char window of every planted value */
    static const char *const sources[]
        = { pem, env,    props, yaml,  json, xml,    php,     urls,
            cmd, pgpass, mycnf, netrc, aws,  gcloud, hostkey, redis };
    size_t k;
    for (k = 0; k < sizeof sources / sizeof sources[0]; k++) {
      const char *p = sources[k];
      while ((p = strstr (p, "v2c-planted-"))) {
        size_t vl = strspn (p, "abcdefghijklmnopqrstuvwxyz0123456789-");
        size_t w, j;
        for (w = 0; w + 6 <= vl; w++)
          for (j = 0; j < all.n; j++)
            CHECK (memmem (all.v[j].evidence, strlen (all.v[j].evidence),
                           p + w, 6)
                       == NULL,
                   "'%.*s' of a value in evidence '%s'", 6, p + w,
                   all.v[j].evidence);
        p += vl;
      }
    }
  }
  v2c_secrets_free_contents (&all);
}

static void
test_redact (void)
{
  static const struct {
    const char *in, *out;
  } cases[] = {
    { "DB_PASSWORD=hunter2hunter2", "DB_PASSWORD=<redacted>" },
    { "/usr/bin/app --password=v2c-planted-pw-1701 --port 80",
      "/usr/bin/app --password=<redacted> --port 80" },
    { "url=postgres://a:v2c-planted-conn-1702@h/db?x=1",
      "url=postgres://a:<redacted>@h/db?x=1" },
    { "LANG=C.UTF-8", "LANG=C.UTF-8" },
    { "API_TOKEN=<redacted>", "API_TOKEN=<redacted>" },
  };
  size_t i;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *r = v2c_secret_redact_line (cases[i].in, strlen (cases[i].in));
    CHECK (r && strcmp (r, cases[i].out) == 0, "redact '%s': '%s'",
           cases[i].in, r ? r : "(null)");
    free (r);
  }
}

static void
test_key_names (void)
{
  static const char *const yes[] = { "DB_PASSWORD",
                                     "API_TOKEN",
                                     "SECRET_KEY",
                                     "AWS_SECRET_ACCESS_KEY",
                                     "GITHUB_TOKEN",
                                     "PGPASSWORD",
                                     "MYSQL_ROOT_PASSWORD",
                                     "X_API_KEY",
                                     "clientSecret",
                                     "db.password",
                                     "REDIS_AUTH",
                                     "SMTP_PASS",
                                     "apikey",
                                     NULL };
  static const char *const no[] = { "PASSWORD_MIN_LEN",
                                    "DB_PASSWORD_FILE",
                                    "TOKEN_PATH",
                                    "PORT",
                                    "PATH",
                                    "PWD",
                                    "OLDPWD",
                                    "HOME",
                                    "AUTHOR",
                                    "TOKEN_TTL",
                                    "SECRET_NAME",
                                    "AWS_ACCESS_KEY_ID",
                                    "PASSWORD_MAX",
                                    "LANG",
                                    "",
                                    NULL };
  size_t i;

  for (i = 0; yes[i]; i++)
    CHECK (v2c_secret_key_name (yes[i]) == 1, "'%s' not secret", yes[i]);
  for (i = 0; no[i]; i++)
    CHECK (v2c_secret_key_name (no[i]) == 0, "'%s' secret", no[i]);
}

/* The scan over a tree (tests/test-secrets.c writes it in a temporary
 * directory): a file as its package ships it (its digest is the
 * package's) is no finding even with a commented example password; the
 * same file edited is; nsswitch.conf's "passwd:" is never one; a
 * history and /etc/shadow are whole-file findings with mode and owner,
 * and /etc/shadow is never read. */
static void
write_file (const char *root, const char *rel, const char *text, int mode)
{
  char p[4096];
  FILE *f;

  snprintf (p, sizeof p, "%s/%s", root, rel);
  f = fopen (p, "w");
  if (f == NULL) {
    FAIL ("can't write %s", p);
    return;
  }
  fputs (text, f);
  fclose (f);
  chmod (p, (mode_t) mode);
}

static size_t
count_path (const struct v2c_secrets *s, const char *path)
{
  size_t i, n = 0;

  for (i = 0; i < s->n; i++)
    n += strcmp (s->v[i].path, path) == 0;
  return n;
}

static void
test_tree (void)
{
  /* md5 of the text below, as dpkg's Conffiles would list it */
  static const char stock_cnf[] = "[req]\n# input_password = secret\n";
  char root[] = "/tmp/test-secrets-XXXXXX", p[4096];
  struct v2c_pkg_file files[2];
  struct v2c_pkg pkg;
  struct v2c_pkgs pkgs = { &pkg, 1 };
  struct v2c_secrets out = { 0 };
  struct v2c_err err = { 0 };
  struct v2c_fs *fs;
  char md5[33];
  size_t i;

  if (mkdtemp (root) == NULL) {
    FAIL ("mkdtemp");
    return;
  }
  for (i = 0; i < 4; i++) {
    static const char *const dirs[] = { "etc", "etc/ssl", "etc/app", "root" };
    snprintf (p, sizeof p, "%s/%s", root, dirs[i]);
    mkdir (p, 0755);
  }
  write_file (root, "etc/ssl/openssl.cnf", stock_cnf, 0644);
  write_file (root, "etc/app/app.cnf", "[req]\ninput_password = s3cretv2c\n",
              0640);
  write_file (root, "etc/app/doc.cnf", "# input_password = s3cretv2c\n"
              "; password = s3cretv2c\n// $password = 's3cretv2c';\n", 0644);
  write_file (root, "etc/nsswitch.conf", "passwd: files systemd\nshadow: files\n",
              0644);
  write_file (root, "etc/shadow", "root:$6$x$y:19000::::::\n", 0640);
  write_file (root, "root/.bash_history", "ls\n", 0600);
  {
    unsigned char d[16];
    unsigned int dl;
    EVP_Digest (stock_cnf, strlen (stock_cnf), d, &dl, EVP_md5 (), NULL);
    for (i = 0; i < 16; i++)
      snprintf (md5 + 2 * i, 3, "%02x", d[i]);
  }
  memset (&pkg, 0, sizeof pkg);
  memset (files, 0, sizeof files);
  files[0].path = (char *) "/etc/ssl/openssl.cnf";
  files[0].digest = md5;
  files[0].conffile = 1;
  /* the same digest listed for app.cnf, whose content differs */
  files[1].path = (char *) "/etc/app/app.cnf";
  files[1].digest = md5;
  pkg.name = (char *) "openssl";
  pkg.files = files;
  pkg.nfiles = 2;
  fs = v2c_fs_open_dir (root, &err);
  if (fs == NULL) {
    FAIL ("v2c_fs_open_dir: %s", err.msg);
    return;
  }
  if (v2c_inspect_secrets (fs, NULL, &pkgs, &out, &err) == -1)
    FAIL ("v2c_inspect_secrets: %s", err.msg);
  CHECK (count_path (&out, "/etc/ssl/openssl.cnf") == 0,
         "a stock file (its package's digest) is a finding");
  CHECK (count_path (&out, "/etc/app/app.cnf") == 1,
         "an edited file with a password: %zu findings",
         count_path (&out, "/etc/app/app.cnf"));
  CHECK (count_path (&out, "/etc/app/doc.cnf") == 0,
         "comments are findings: %zu", count_path (&out, "/etc/app/doc.cnf"));
  CHECK (count_path (&out, "/etc/nsswitch.conf") == 0,
         "nsswitch.conf's passwd: is a finding");
  CHECK (count_path (&out, "/root/.bash_history") == 1,
         "a history is not a whole-file finding");
  CHECK (count_path (&out, "/etc/shadow") == 1, "/etc/shadow is not listed");
  for (i = 0; i < out.n; i++) {
    if (strcmp (out.v[i].path, "/etc/shadow") == 0) {
      CHECK (strcmp (out.v[i].kind, "credential-file") == 0
                 && out.v[i].mode == 0640 && out.v[i].line == 0,
             "/etc/shadow: kind %s mode %o line %d", out.v[i].kind,
             (unsigned) out.v[i].mode, out.v[i].line);
      CHECK (strstr (out.v[i].evidence, "$6$") == NULL,
             "/etc/shadow was read: %s", out.v[i].evidence);
    }
    if (strcmp (out.v[i].path, "/root/.bash_history") == 0)
      CHECK (out.v[i].mode == 0600, "history mode %o", (unsigned) out.v[i].mode);
  }
  v2c_secrets_free_contents (&out);
  v2c_fs_free (fs);
  snprintf (p, sizeof p, "rm -rf '%s'", root);
  if (system (p) != 0)
    FAIL ("%s", p);
}

int
main (void)
{
  test_scan ();
  test_redact ();
  test_key_names ();
  test_tree ();
  return unit_status ();
}
