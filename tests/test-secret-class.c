/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The secret classifier, table by table: key names, values, NAME=VALUE,
 * command lines (spans and the exact rewritten command, and a second
 * scan of that finds nothing), paths, and fingerprints (in this process
 * with V2C_SECRET_SALT, in children with another salt and with the salt
 * file under a temporary XDG_CONFIG_HOME).  False positives are rows
 * like the true ones.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "secret-class.h"
#include "unit.h"

static const struct {
  const char *key;
  int secret;
} keys[] = {
  { "PASSWORD", 1 },          { "DB_PASSWORD", 1 },
  { "dbPassword", 1 },        { "db.password", 1 },
  { "PGPASSWORD", 1 },        { "MYSQL_PWD", 1 },
  { "MYSQL_ROOT_PASSWD", 1 }, { "SSH_PASSPHRASE", 1 },
  { "PASS", 1 },              { "SMTP_PASS", 1 },
  { "SECRET", 1 },            { "CLIENT_SECRET", 1 },
  { "SECRET_KEY_BASE", 1 },   { "GITHUB_TOKEN", 1 },
  { "accessToken", 1 },       { "API_KEY", 1 },
  { "APIKEY", 1 },            { "apiKey", 1 },
  { "AWS_ACCESS_KEY", 1 },    { "ENCRYPTION_KEY", 1 },
  { "SSH_KEY", 1 },           { "STRIPE_KEYS", 1 },
  { "CREDENTIALS", 1 },       { "DB_CREDENTIAL", 1 },
  { "PRIVATE_KEY", 1 },       { "REDIS_AUTH", 1 },
  { "auth_token", 1 },        { "AUTH_SECRET", 1 },
  { "PWD", 0 },               { "OLDPWD", 0 },
  { "pwd", 0 },               { "PASSWORD_FILE", 0 },
  { "DB_PASSWORD_FILE", 0 },  { "KEY_PATH", 0 },
  { "SSH_KEY_PATH", 0 },      { "MAX_PASSWORD_LENGTH", 0 },
  { "AUTH_METHOD", 0 },       { "AUTH", 0 },
  { "TOKEN_TTL", 0 },         { "TOKEN_TIMEOUT", 0 },
  { "AWS_ACCESS_KEY_ID", 0 }, { "PUBLIC_KEY", 0 },
  { "SORT_KEY", 0 },          { "PRIMARY_KEY", 0 },
  { "KEY", 0 },               { "PASSWORD_ENCRYPTION", 0 },
  { "PasswordAuthentication", 0 }, { "password_min", 0 },
  { "SECRET_NAME", 0 },       { "HOME", 0 },
  { "PATH", 0 },              { "BYPASS", 0 },
  { "TOKENIZER", 0 },         { "PASSWORD_PROMPT", 0 },
  { "PRIVATE_IP", 0 },        { "TOKEN_URL", 0 },
  { "", 0 },                  { "KEYBOARD", 0 },
};

static const struct {
  const char *value;
  enum v2c_secret_kind kind;
} values[] = {
  { "postgres://app:s3cret@db:5432/app", V2C_SECRET_URL },
  { "postgresql://app:s3cret@db/app", V2C_SECRET_URL },
  { "mysql://root:pw@localhost/db", V2C_SECRET_URL },
  { "mariadb://u:p@h", V2C_SECRET_URL },
  { "mongodb://admin:hunter2@mongo:27017", V2C_SECRET_URL },
  { "mongodb+srv://admin:hunter2@cluster0.example.net", V2C_SECRET_URL },
  { "redis://:hunter2@redis:6379/0", V2C_SECRET_URL },
  { "rediss://default:pw@r", V2C_SECRET_URL },
  { "amqp://guest:guest@rabbit:5672/", V2C_SECRET_URL },
  { "amqps://u:p@mq", V2C_SECRET_URL },
  { "https://user:tok@git.example.com/repo.git", V2C_SECRET_URL },
  { "http://a:b@proxy:3128", V2C_SECRET_URL },
  { "ldaps://cn=admin:pw@ldap", V2C_SECRET_URL },
  { "ftp://anon:x1@ftp.example.com", V2C_SECRET_URL },
  { "smtp://mailer:pw@smtp", V2C_SECRET_URL },
  { "sftp://u:p@h", V2C_SECRET_URL },
  { "jdbc:postgresql://x:y@h/d", V2C_SECRET_URL },
  { "sk_live_4eC39HqLyjWDarjtT1zdp7dc", V2C_SECRET_TOKEN },
  { "sk_test_4eC39HqLyjWDarjtT1zdp7dc", V2C_SECRET_TOKEN },
  { "rk_live_4eC39HqLyjWDarjtT1zdp7dc", V2C_SECRET_TOKEN },
  { "ghp_abcdefghijklmnopqrstuvwxyz0123456789", V2C_SECRET_TOKEN },
  { "gho_abcdefghijklmnopqrstuvwxyz0123456789", V2C_SECRET_TOKEN },
  { "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz", V2C_SECRET_TOKEN },
  { "AKIAIOSFODNN7EXAMPLE", V2C_SECRET_TOKEN },
  { "ASIAIOSFODNN7EXAMPLE", V2C_SECRET_TOKEN },
  { "xoxb-123456789012-abcdefghij", V2C_SECRET_TOKEN },
  { "xoxp-123456789012-abcdefghij", V2C_SECRET_TOKEN },
  { "glpat-abcdefghij0123456789", V2C_SECRET_TOKEN },
  { "AIzaSyA1234567890abcdefghijklmnopqrstuv", V2C_SECRET_TOKEN },
  { "npm_abcdefghijklmnopqrstuvwxyz0123456789", V2C_SECRET_TOKEN },
  { "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig", V2C_SECRET_TOKEN },
  { "Bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789", V2C_SECRET_TOKEN },
  { "postgres://app@db/app", V2C_SECRET_NONE },
  { "postgres://app:@db/app", V2C_SECRET_NONE },
  { "postgres://app:${DB_PASSWORD}@db/app", V2C_SECRET_NONE },
  { "postgres://app:$(DB_PASSWORD)@db/app", V2C_SECRET_NONE },
  { "https://example.com:8443/path", V2C_SECRET_NONE },
  { "https://example.com/a@b", V2C_SECRET_NONE },
  { "sk_", V2C_SECRET_NONE },
  { "sk_live_short", V2C_SECRET_NONE },
  { "skeleton", V2C_SECRET_NONE },
  { "ghp_short", V2C_SECRET_NONE },
  { "AKIA", V2C_SECRET_NONE },
  { "AKIAIOSFODNN7EXAMPLEX", V2C_SECRET_NONE },
  { "XAKIAIOSFODNN7EXAMPLE", V2C_SECRET_NONE },
  { "xoxb-", V2C_SECRET_NONE },
  { "glpat-short", V2C_SECRET_NONE },
  { "AIzaShort", V2C_SECRET_NONE },
  { "eyJhbGciOiJIUzI1NiJ9", V2C_SECRET_NONE },
  { "hello world", V2C_SECRET_NONE },
  { "", V2C_SECRET_NONE },
  { "npm_install", V2C_SECRET_NONE },
};

static const struct {
  const char *value;
  int placeholder;
} placeholders[] = {
  { "", 1 },          { "${DB_PASSWORD}", 1 }, { "$DB_PASSWORD", 1 },
  { "$(DB_PASSWORD)", 1 }, { "%(password)s", 1 }, { "{{ password }}", 1 },
  { "<password>", 1 }, { "***", 1 },           { "xxxx", 1 },
  { "XXX", 1 },       { "null", 1 },           { "None", 1 },
  { "true", 1 },      { "FALSE", 1 },          { "yes", 1 },
  { "no", 1 },        { "on", 1 },             { "off", 1 },
  { "  ", 1 },        { "s3cret", 0 },         { "changeme", 0 },
  { "$", 0 },         { "x", 0 },              { "pa$$word", 0 },
  { "xx", 0 },        { "<a", 0 },             { "nullable", 0 },
  { "*)", 1 },        { "--", 1 },             { "!@#", 1 },
  { "}", 1 },
};

static const struct {
  const char *name, *value;
  enum v2c_secret_kind kind;
} envs[] = {
  { "DB_PASSWORD", "s3cret", V2C_SECRET_NAME },
  { "DB_PASSWORD", "${X}", V2C_SECRET_NONE },
  { "DB_PASSWORD", "", V2C_SECRET_NONE },
  { "PASSWORD_FILE", "/run/secrets/db", V2C_SECRET_NONE },
  { "DATABASE_URL", "postgres://u:p@h/d", V2C_SECRET_URL },
  { "DATABASE_URL", "postgres://u@h/d", V2C_SECRET_NONE },
  { "GH", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", V2C_SECRET_TOKEN },
  { "PWD", "/home/app", V2C_SECRET_NONE },
  { "OLDPWD", "/", V2C_SECRET_NONE },
  { "TOKEN_TTL", "3600", V2C_SECRET_NONE },
  { "API_TOKEN", "abc", V2C_SECRET_NAME },
  { "LANG", "C.UTF-8", V2C_SECRET_NONE },
};

/* A command, what v2c_secret_command_spans finds (the values and their
 * variables, "VALUE=VAR;..."), and the rewritten command. */
static const struct {
  const char *cmd, *spans, *rewrite;
} cmds[] = {
  { "run.sh --db-password=s3cr3t --api-key KEY123456",
    "s3cr3t=DB_PASSWORD;KEY123456=API_KEY;",
    "run.sh --db-password=$(DB_PASSWORD) --api-key $(API_KEY)" },
  { "curl -u admin:pw https://x", "pw=CURL_PASSWORD;",
    "curl -u admin:$(CURL_PASSWORD) https://x" },
  { "app --password \"a b\"", "a b=PASSWORD;", "app --password \"$(PASSWORD)\"" },
  { "app --password 'a b'", "a b=PASSWORD;", "app --password '$(PASSWORD)'" },
  { "app --password=a\\ b", "a\\ b=PASSWORD;", "app --password=$(PASSWORD)" },
  { "app --token=T0k3n --secret S3c", "T0k3n=TOKEN;S3c=SECRET;",
    "app --token=$(TOKEN) --secret $(SECRET)" },
  { "java -Dspring.datasource.password=pw -jar app.jar",
    "pw=SPRING_DATASOURCE_PASSWORD;",
    "java -Dspring.datasource.password=$(SPRING_DATASOURCE_PASSWORD) -jar "
    "app.jar" },
  { "mysql -uroot -ps3cret db", "s3cret=MYSQL_PWD;",
    "mysql -uroot -p$(MYSQL_PWD) db" },
  { "/usr/bin/mysqldump -pX1 --all", "X1=MYSQL_PWD;",
    "/usr/bin/mysqldump -p$(MYSQL_PWD) --all" },
  { "mariadb-dump --password=pw db", "pw=MYSQL_PWD;",
    "mariadb-dump --password=$(MYSQL_PWD) db" },
  { "mysqladmin -p -u root status", "", "mysqladmin -p -u root status" },
  { "mysql -p mydb", "", "mysql -p mydb" },
  { "mysql --password mydb", "", "mysql --password mydb" },
  { "pg_dump --password mydb", "", "pg_dump --password mydb" },
  { "app -p 8080", "", "app -p 8080" },
  { "app -p8080", "", "app -p8080" },
  { "PGPASSWORD=pw pg_dump -h db app", "pw=PGPASSWORD;",
    "PGPASSWORD=$(PGPASSWORD) pg_dump -h db app" },
  { "MYSQL_PWD=pw mysql", "pw=MYSQL_PWD;", "MYSQL_PWD=$(MYSQL_PWD) mysql" },
  { "env -i API_TOKEN=abc LANG=C app", "abc=API_TOKEN;",
    "env -i API_TOKEN=$(API_TOKEN) LANG=C app" },
  { "FOO=1 DB_SECRET='x y' app", "x y=DB_SECRET;",
    "FOO=1 DB_SECRET='$(DB_SECRET)' app" },
  { "wget --password hunter2 http://x/f", "hunter2=WGET_PASSWORD;",
    "wget --password $(WGET_PASSWORD) http://x/f" },
  { "wget --http-password=hunter2 http://x/f", "hunter2=HTTP_PASSWORD;",
    "wget --http-password=$(HTTP_PASSWORD) http://x/f" },
  { "curl --user admin:pw https://x", "pw=CURL_PASSWORD;",
    "curl --user admin:$(CURL_PASSWORD) https://x" },
  { "curl --user=admin:pw https://x", "pw=CURL_PASSWORD;",
    "curl --user=admin:$(CURL_PASSWORD) https://x" },
  { "curl -uadmin:pw https://x", "pw=CURL_PASSWORD;",
    "curl -uadmin:$(CURL_PASSWORD) https://x" },
  { "curl -u admin https://x", "", "curl -u admin https://x" },
  { "docker run --user 1000:1000 img", "", "docker run --user 1000:1000 img" },
  { "app --db postgres://u:p4ss@db/x", "p4ss=POSTGRES_PASSWORD;",
    "app --db postgres://u:$(POSTGRES_PASSWORD)@db/x" },
  { "worker redis://:pw@r:6379", "pw=REDIS_PASSWORD;",
    "worker redis://:$(REDIS_PASSWORD)@r:6379" },
  { "app --url=https://u:p@h/x", "p=HTTPS_PASSWORD;",
    "app --url=https://u:$(HTTPS_PASSWORD)@h/x" },
  { "app https://u@h/x", "", "app https://u@h/x" },
  { "deploy ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789=TOKEN;", "deploy $(TOKEN)" },
  { "curl -H \"Authorization: Bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789\" x",
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789=TOKEN;",
    "curl -H \"Authorization: Bearer $(TOKEN)\" x" },
  { "app --password-file /run/x", "", "app --password-file /run/x" },
  { "app --password=${DB_PASSWORD}", "", "app --password=${DB_PASSWORD}" },
  { "app --password $(cat /run/pw)", "", "app --password $(cat /run/pw)" },
  { "app --password=$PW", "", "app --password=$PW" },
  { "app --no-password db", "", "app --no-password db" },
  { "app --password --verbose", "", "app --password --verbose" },
  { "sh -c 'mysql -ppw db'", "pw=MYSQL_PWD;", "sh -c 'mysql -p$(MYSQL_PWD) db'" },
  { "bash -c \"app --token=abc; x\"", "abc=TOKEN;",
    "bash -c \"app --token=$(TOKEN); x\"" },
  { "a --password=x; b --secret y", "x=PASSWORD;y=SECRET;",
    "a --password=$(PASSWORD); b --secret $(SECRET)" },
  { "app \"--password=ab\"cd", "\"--password=ab\"cd=PASSWORD;", "app $(PASSWORD)" },
  { "app --password=\"ab\"'cd'", "\"ab\"'cd'=PASSWORD;",
    "app --password=$(PASSWORD)" },
  { "app https://h/x?access_token=abc&x=1", "abc=ACCESS_TOKEN;",
    "app https://h/x?access_token=$(ACCESS_TOKEN)&x=1" },
  { "app --skeleton sk_", "", "app --skeleton sk_" },
  { "ls -l /etc", "", "ls -l /etc" },
  { "", "", "" },
  { "make DB_PASSWORD=x install", "x=DB_PASSWORD;",
    "make DB_PASSWORD=$(DB_PASSWORD) install" },
  { "app -e MAX_PASSWORD_LENGTH=64", "", "app -e MAX_PASSWORD_LENGTH=64" },
  { "app --1st-password=z", "z=_1ST_PASSWORD;", "app --1st-password=$(_1ST_PASSWORD)" },
};

static const struct {
  const char *path;
  enum v2c_secret_kind kind;
  const char *what;
} paths[] = {
  { "/home/a/.ssh/id_ed25519", V2C_SECRET_FILE, "ssh-private-key" },
  { "/root/.ssh/id_rsa", V2C_SECRET_FILE, "ssh-private-key" },
  { "/home/a/.ssh/id_ed25519.pub", V2C_SECRET_NONE, NULL },
  { "/home/a/id_rsa", V2C_SECRET_NONE, NULL },
  { "/home/a/.ssh/authorized_keys", V2C_SECRET_NONE, NULL },
  { "/root/.docker/config.json", V2C_SECRET_FILE, "docker-config" },
  { "/etc/app/config.json", V2C_SECRET_NONE, NULL },
  { "/etc/shadow", V2C_SECRET_FILE, "shadow" },
  { "/etc/shadow-", V2C_SECRET_FILE, "shadow" },
  { "/etc/gshadow", V2C_SECRET_FILE, "shadow" },
  { "/etc/gshadow-", V2C_SECRET_FILE, "shadow" },
  { "/etc/passwd", V2C_SECRET_NONE, NULL },
  { "/etc/shadowsocks", V2C_SECRET_NONE, NULL },
  { "/etc/ssh/ssh_host_rsa_key", V2C_SECRET_HOST_KEY, "ssh-host-key" },
  { "/etc/ssh/ssh_host_ed25519_key", V2C_SECRET_HOST_KEY, "ssh-host-key" },
  { "/etc/ssh/ssh_host_rsa_key.pub", V2C_SECRET_NONE, NULL },
  { "/etc/ssl/private/ssl-cert-snakeoil.key", V2C_SECRET_HOST_KEY,
    "snakeoil-key" },
  { "/etc/ssl/certs/ssl-cert-snakeoil.pem", V2C_SECRET_NONE, NULL },
  { "/opt/app/keystore.jks", V2C_SECRET_FILE, "keystore" },
  { "/opt/app/server.keystore", V2C_SECRET_FILE, "keystore" },
  { "/opt/app/client.p12", V2C_SECRET_FILE, "keystore" },
  { "/opt/app/client.pfx", V2C_SECRET_FILE, "keystore" },
  { "/opt/app/client.P12", V2C_SECRET_NONE, NULL },
  { "/opt/tomcat/conf/tomcat-users.xml", V2C_SECRET_FILE, "tomcat-users" },
  { "/var/www/.htpasswd", V2C_SECRET_FILE, "htpasswd" },
  { "/etc/nginx/site.htpasswd", V2C_SECRET_FILE, "htpasswd" },
  { "/usr/bin/htpasswd", V2C_SECRET_NONE, NULL },
  { "/root/.bash_history", V2C_SECRET_FILE, "history" },
  { "/root/.zsh_history", V2C_SECRET_FILE, "history" },
  { "/root/.mysql_history", V2C_SECRET_FILE, "history" },
  { "/root/.psql_history", V2C_SECRET_FILE, "history" },
  { "/root/.python_history", V2C_SECRET_FILE, "history" },
  { "/root/.sh_history", V2C_SECRET_FILE, "history" },
  { "/root/.rediscli_history", V2C_SECRET_FILE, "history" },
  { "/root/.sqlite_history", V2C_SECRET_FILE, "history" },
  { "/root/.node_repl_history", V2C_SECRET_FILE, "history" },
  { "/root/.lesshst", V2C_SECRET_NONE, NULL },
  { "/home/u/.pgpass", V2C_SECRET_FILE, "pgpass" },
  { "/root/.my.cnf", V2C_SECRET_FILE, "mysql-client" },
  { "/etc/mysql/my.cnf", V2C_SECRET_NONE, NULL },
  { "/home/u/.netrc", V2C_SECRET_FILE, "netrc" },
  { "/home/u/.git-credentials", V2C_SECRET_FILE, "git-credentials" },
  { "/root/.aws/credentials", V2C_SECRET_FILE, "cloud-credentials" },
  { "/root/.aws/config", V2C_SECRET_NONE, NULL },
  { "/root/.kube/config", V2C_SECRET_FILE, "kubeconfig" },
  { "/etc/kube/config", V2C_SECRET_NONE, NULL },
  { "/root/.Pgpass", V2C_SECRET_NONE, NULL },
  { "", V2C_SECRET_NONE, NULL },
};

#define N(a) (sizeof (a) / sizeof (a)[0])

static void
test_tables (void)
{
  size_t i;

  for (i = 0; i < N (keys); i++)
    unit_check_int (keys[i].key, "key is secret",
                    v2c_secret_key_is_secret (keys[i].key, strlen (keys[i].key)),
                    keys[i].secret);
  for (i = 0; i < N (values); i++)
    unit_check_str (values[i].value, "value kind",
                    v2c_secret_kind_name (v2c_secret_value_kind (
                        values[i].value, strlen (values[i].value))),
                    v2c_secret_kind_name (values[i].kind));
  for (i = 0; i < N (placeholders); i++)
    unit_check_int (placeholders[i].value, "placeholder",
                    v2c_secret_value_is_placeholder (
                        placeholders[i].value, strlen (placeholders[i].value)),
                    placeholders[i].placeholder);
  for (i = 0; i < N (envs); i++)
    unit_check_str (envs[i].name, envs[i].value,
                    v2c_secret_kind_name (
                        v2c_secret_env (envs[i].name, envs[i].value)),
                    v2c_secret_kind_name (envs[i].kind));
  for (i = 0; i < N (paths); i++) {
    const char *what = "unset";
    enum v2c_secret_kind k = v2c_secret_path (paths[i].path, &what);
    unit_check_str (paths[i].path, "kind", v2c_secret_kind_name (k),
                    v2c_secret_kind_name (paths[i].kind));
    unit_check_str (paths[i].path, "what", what, paths[i].what);
  }
  unit_check_str ("kind", "name", v2c_secret_kind_name (V2C_SECRET_NAME),
                  "password");
  CHECK_THAT (v2c_secret_path (NULL, NULL) == V2C_SECRET_NONE);
  CHECK_THAT (v2c_secret_env (NULL, "x") == V2C_SECRET_NONE);
  CHECK_THAT (v2c_secret_command_spans (NULL, NULL, 0) == 0);
}

static void
test_commands (void)
{
  struct v2c_secret_span sp[16], again[4];
  size_t i, k;

  for (i = 0; i < N (cmds); i++) {
    const char *cmd = cmds[i].cmd;
    size_t n = v2c_secret_command_spans (cmd, sp, N (sp));
    char got[1024] = "", *r;

    for (k = 0; k < n && k < N (sp); k++) {
      size_t l = strlen (got);
      snprintf (got + l, sizeof got - l, "%.*s=%s;",
                (int) (sp[k].end - sp[k].start), cmd + sp[k].start,
                sp[k].var);
      CHECK (sp[k].kind != V2C_SECRET_NONE, "%s: span %zu without kind", cmd,
             k);
    }
    unit_check_str (cmd, "spans", got, cmds[i].spans);
    r = v2c_secret_command_rewrite (cmd, sp, n);
    unit_check_str (cmd, "rewrite", r, cmds[i].rewrite);
    CHECK (r && v2c_secret_command_spans (r, again, N (again)) == 0,
           "%s: secrets left in %s", cmd, unit_str (r));
    free (r);
  }
  /* kinds, and the count beyond max */
  i = v2c_secret_command_spans (
      "a --password=x https://u:p@h ghp_abcdefghijklmnopqrstuvwxyz0123456789",
      sp, 2);
  unit_check_int ("count", "spans beyond max", (long long) i, 3);
  CHECK_THAT (sp[0].kind == V2C_SECRET_NAME && sp[1].kind == V2C_SECRET_URL);
}

/* Long and hostile commands: bounded, and nothing past 64 KiB. */
static void
test_long (void)
{
  size_t n = 200 * 1024, i, cnt;
  char *big = malloc (n + 64);
  struct v2c_secret_span sp[4];

  if (big == NULL)
    exit (99);
  memset (big, 'a', n);
  strcpy (big + n, " --password=late");
  cnt = v2c_secret_command_spans (big, sp, N (sp));
  unit_check_int ("long", "past 64 KiB", (long long) cnt, 0);
  for (i = 0; i + 1 < n; i += 2)
    big[i] = '"', big[i + 1] = '\\';
  cnt = v2c_secret_command_spans (big, sp, N (sp));
  unit_check_int ("quotes", "spans", (long long) cnt, 0);
  free (big);
}

/* The fingerprint of "s3cret" in a child with this environment, into
 * out; the child's status. */
static int
child_fp (const char *salt, const char *xdg, char out[V2C_SECRET_FP_LEN])
{
  int fd[2], st;
  pid_t pid;

  memset (out, 0, V2C_SECRET_FP_LEN);
  if (pipe (fd) == -1 || (pid = fork ()) == -1)
    exit (99);
  if (pid == 0) {
    char fp[V2C_SECRET_FP_LEN];
    close (fd[0]);
    if (salt)
      setenv ("V2C_SECRET_SALT", salt, 1);
    else
      unsetenv ("V2C_SECRET_SALT");
    if (xdg)
      setenv ("XDG_CONFIG_HOME", xdg, 1);
    if (v2c_secret_fingerprint ("s3cret", 6, fp) != 0)
      _exit (1);
    _exit (write (fd[1], fp, sizeof fp) == sizeof fp ? 0 : 2);
  }
  close (fd[1]);
  if (read (fd[0], out, V2C_SECRET_FP_LEN) < 0)
    out[0] = '\0';
  out[V2C_SECRET_FP_LEN - 1] = '\0';
  close (fd[0]);
  waitpid (pid, &st, 0);
  return WIFEXITED (st) ? WEXITSTATUS (st) : -1;
}

static void
test_fingerprint (void)
{
  char a[V2C_SECRET_FP_LEN], b[V2C_SECRET_FP_LEN], c[V2C_SECRET_FP_LEN];
  char tmpl[] = "/tmp/v2c-salt-XXXXXX", path[256], *content;
  struct stat sb;
  size_t len, i;

  /* the children first: they would inherit a salt read here */
  CHECK_THAT (child_fp ("salt-one", NULL, a) == 0);
  unit_check_str ("fingerprint", "known HMAC", a,
                  "hmac-sha256:3c0bf479db17c01c");
  CHECK_THAT (child_fp ("salt-two", NULL, b) == 0);
  CHECK (strcmp (a, b) != 0 && strncmp (b, "hmac-sha256:", 12) == 0,
         "another salt: %s", b);

  /* the salt file: made once, 0600 in a 0700 directory, then reused */
  if (mkdtemp (tmpl) == NULL)
    exit (99);
  CHECK_THAT (child_fp (NULL, tmpl, b) == 0);
  CHECK_THAT (child_fp (NULL, tmpl, c) == 0);
  unit_check_str ("salt file", "second run", c, b);
  snprintf (path, sizeof path, "%s/v2c", tmpl);
  CHECK_THAT (stat (path, &sb) == 0 && (sb.st_mode & 0777) == 0700);
  snprintf (path, sizeof path, "%s/v2c/secret-salt", tmpl);
  CHECK_THAT (stat (path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
  content = unit_read_file (path, &len);
  unit_check_int ("salt file", "length", (long long) len, 65);
  for (i = 0; i + 1 < len; i++)
    CHECK (strchr ("0123456789abcdef", content[i]) && content[i],
           "salt file byte %zu", i);
  content[64] = '\0';
  CHECK_THAT (child_fp (content, NULL, c) == 0);
  unit_check_str ("salt file", "as V2C_SECRET_SALT", c, b);
  free (content);
  unlink (path);
  snprintf (path, sizeof path, "%s/v2c", tmpl);
  rmdir (path);
  rmdir (tmpl);

  /* in this process: V2C_SECRET_SALT=salt-one from main */
  CHECK_THAT (v2c_secret_fingerprint ("s3cret", 6, b) == 0);
  unit_check_str ("fingerprint", "same salt here", b, a);
  CHECK_THAT (v2c_secret_fingerprint ("s3cret", 6, b) == 0);
  unit_check_str ("fingerprint", "same twice", b, a);
  CHECK_THAT (v2c_secret_fingerprint ("s3cres", 6, b) == 0);
  CHECK (strcmp (a, b) != 0, "another value, the same fingerprint");
  CHECK_THAT (v2c_secret_fingerprint ("", 0, b) == 0 && strlen (b) == 28);
}

int
main (void)
{
  setenv ("V2C_SECRET_SALT", "salt-one", 1);
  test_tables ();
  test_commands ();
  test_long ();
  test_fingerprint ();
  printf ("%d checks\n", checks);
  return unit_status ();
}
