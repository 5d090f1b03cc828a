/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The one secret classifier (lib/secret-class.c).  Inspection, the
 * planner, extraction, the manifests and the report all ask it whether
 * something holds a secret, so that they never disagree:
 *   - an environment variable, by its name or by its value;
 *   - a command line (ExecStart, a SysV start line, a crontab command):
 *     the spans of its secret values, each with the name of the
 *     environment variable that carries the value instead ($(VAR), which
 *     Kubernetes expands in command and args);
 *   - a file, by its path (credential files, histories, keystores, host
 *     keys, /etc/shadow).
 * Content (private keys, assignments in config files) is scanned by
 * lib/inspect-secrets.c, which uses the name and value rules from here.
 * Nothing here keeps or prints a value.
 */
#ifndef V2C_SECRET_CLASS_H
#define V2C_SECRET_CLASS_H

#include <stddef.h>

/* What a secret is: the "kind" strings of the inventory's secrets[]. */
enum v2c_secret_kind {
  V2C_SECRET_NONE = 0,
  V2C_SECRET_NAME,     /* "password": the variable's name says so */
  V2C_SECRET_URL,      /* "url-credentials": scheme://user:pass@host */
  V2C_SECRET_TOKEN,    /* "token": a known token shape (sk_live_, ghp_,
                          AKIA..., xoxb-, glpat-, ...) */
  V2C_SECRET_FILE,     /* "credential-file": a file that holds credentials */
  V2C_SECRET_HOST_KEY, /* "host-key": generated at install time (SSH host
                          keys, the snakeoil key): regenerate, don't carry */
};

/* The inventory's name of a kind ("password", "url-credentials", ...). */
const char *v2c_secret_kind_name (enum v2c_secret_kind k);

/* Whether a variable or configuration key names a secret: split into
 * words at '_', '.', '-' and case changes; PASSWORD, PASSWD, PASSPHRASE,
 * PASS, PWD (alone: not the shell's PWD/OLDPWD), SECRET, TOKEN, API_KEY,
 * APIKEY, *_KEY (not KEY_FILE & co), CREDENTIAL(S), AUTH (with another
 * word), PRIVATE; a last word that names something about the secret
 * (FILE, PATH, DIR, LENGTH, TIMEOUT, TYPE, NAME, ID, ...) makes it not
 * secret.  len is the key's length (no NUL needed). */
int v2c_secret_key_is_secret (const char *key, size_t len);

/* Whether a value is secret by itself: credentials in a URL (postgres,
 * postgresql, mysql, mariadb, mongodb, mongodb+srv, redis, rediss, amqp,
 * amqps, http, https, ldap, ldaps, ftp, smtp, ...; user:pass@ with a
 * non-empty password that is not a reference like ${X} or $(X)) or a
 * known token shape.  V2C_SECRET_NONE, V2C_SECRET_URL or
 * V2C_SECRET_TOKEN. */
enum v2c_secret_kind v2c_secret_value_kind (const char *value, size_t len);

/* Whether a value is a placeholder, not a secret: empty, a reference
 * (${VAR}, $VAR, $(VAR), %(x)s, {{ x }}, <x>), a mask (***, xxx), or
 * null/none/true/false/yes/no/on/off. */
int v2c_secret_value_is_placeholder (const char *value, size_t len);

/* NAME=VALUE: V2C_SECRET_NAME when the name says secret and the value is
 * not a placeholder, else v2c_secret_value_kind (value). */
enum v2c_secret_kind v2c_secret_env (const char *name, const char *value);

/* One secret value in a command line: bytes [start, end) of the command
 * (inside quotes when quoted, without the quotes), and the environment
 * variable to carry it: [A-Z_][A-Z0-9_]*, from the option or prefix
 * (--db-password=X: DB_PASSWORD; --api-key X: API_KEY; -pX after mysql,
 * mysqldump, mysqladmin or mariadb: MYSQL_PWD; PGPASSWORD=X cmd:
 * PGPASSWORD; MYSQL_PWD=X: MYSQL_PWD; curl/wget -u user:pass,
 * --user user:pass: the pass part, CURL_PASSWORD; --password X after
 * wget: WGET_PASSWORD; a URL's password: <SCHEME>_PASSWORD, e.g.
 * POSTGRES_PASSWORD, REDIS_PASSWORD, HTTPS_PASSWORD; a bare token:
 * TOKEN). */
struct v2c_secret_span {
  size_t start, end;
  char var[64];
  enum v2c_secret_kind kind;
};

/* The secret values of a command line, in order, at most max of them;
 * words are split as a shell would (' " and \ quoting).  Returns how
 * many were found (may exceed max: only max are stored). */
size_t v2c_secret_command_spans (const char *cmd, struct v2c_secret_span *out,
                                 size_t max);

/* The command with span i replaced by "$(" var[i] ")": caller frees;
 * NULL on out of memory.  The spans are those of
 * v2c_secret_command_spans, in order, not overlapping. */
char *v2c_secret_command_rewrite (const char *cmd,
                                  const struct v2c_secret_span *s, size_t n);

/* What a file's path says it holds: V2C_SECRET_FILE (.pgpass, .my.cnf,
 * .netrc, .git-credentials, .docker/config.json, .aws/credentials,
 * .kube/config, ~/.ssh/id_* (not .pub), .htpasswd, histories
 * (.bash_history, .zsh_history, .mysql_history, .psql_history, ...),
 * /etc/shadow, /etc/gshadow (and their - backups), *.jks, *.keystore,
 * *.p12, *.pfx, tomcat-users.xml), V2C_SECRET_HOST_KEY
 * (/etc/ssh/ssh_host_*_key, /etc/ssl/private/ssl-cert-snakeoil.key), or
 * V2C_SECRET_NONE.  *what (when what is not NULL) is a short name of the
 * form: "pgpass", "mysql-client", "netrc", "git-credentials",
 * "docker-config", "cloud-credentials", "kubeconfig", "ssh-private-key",
 * "htpasswd", "history", "shadow", "keystore", "tomcat-users",
 * "ssh-host-key", "snakeoil-key". */
enum v2c_secret_kind v2c_secret_path (const char *path, const char **what);

/* A salted fingerprint of a value, "hmac-sha256:" and 16 hex digits,
 * into out (at least V2C_SECRET_FP_LEN bytes).  The salt is
 * V2C_SECRET_SALT from the environment, else the content of
 * $XDG_CONFIG_HOME/v2c/secret-salt (~/.config/v2c/secret-salt), made
 * with 32 random bytes (mode 0600) the first time: the same on every run
 * of one user, so a fleet can see two VMs share a credential, and never
 * in any output.  0, or -1 when no salt can be had. */
#define V2C_SECRET_FP_LEN 32
int v2c_secret_fingerprint (const char *value, size_t len,
                            char out[V2C_SECRET_FP_LEN]);

#endif /* V2C_SECRET_CLASS_H */
