/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal interfaces of the inventory (lib/inspect*.c).  Not installed.
 *
 * Every inspector reads the guest through struct v2c_fs, a read-only view
 * of a guest filesystem tree.  Two backends implement it: a local
 * directory (tests, e.g. a debootstrap tree: lib/fs-dir.c) and the guest
 * session, which loads the directories the inspectors need in a few
 * tar-out streams and serves the rest by single reads (lib/fs-guest.c).
 * Inspectors never touch libguestfs directly, so each is tested on plain
 * directories built by the tests.
 */
#ifndef V2C_INSPECT_H
#define V2C_INSPECT_H

#include <stdint.h>
#include <sys/types.h>

#include "v2c-internal.h"

/* ------------------------------------------------------------------ */
/* Read-only guest filesystem                                          */

enum v2c_fs_type {
  V2C_FS_NONE = 0, V2C_FS_REG, V2C_FS_DIR, V2C_FS_LNK, V2C_FS_OTHER
};

struct v2c_fs_stat {
  enum v2c_fs_type type;
  uint32_t mode;          /* permission bits incl. setuid etc. (07777) */
  uint32_t uid, gid;
  int64_t size;
  int64_t mtime;
};

struct v2c_fs;

/* All paths are absolute guest paths ("/etc/passwd").  Symlinks are
 * resolved inside the guest's root (an absolute link target is relative
 * to the guest's /, never the host's); at most 40 links per lookup. */

/* Read a regular file (following symlinks).  Returns a malloc'd,
 * NUL-terminated buffer, or NULL: errno ENOENT when the file does not
 * exist, EFBIG when it is larger than max, others on errors.  Caller
 * frees. */
/* How many accounts of the account database at path (/etc/shadow,
 * gshadow) have a password hash: 0 when all are locked or empty.  The
 * hashes are counted in memory and wiped, never kept or written.  -1
 * with errno set when it can't be read. */
int v2c_fs_password_hashes (struct v2c_fs *fs, const char *path, size_t *n);
char *v2c_fs_read (struct v2c_fs *fs, const char *path, size_t max,
                   size_t *len);
/* Names in a directory (following symlinks to it), sorted, without "."
 * and "..": a NULL-terminated malloc'd vector, or NULL (errno) when it
 * does not exist or is not a directory.  Free with v2c_strv_free. */
char **v2c_fs_list (struct v2c_fs *fs, const char *dir);
/* lstat (no_follow = 1) or stat (no_follow = 0).  0, or -1 with errno. */
int v2c_fs_stat (struct v2c_fs *fs, const char *path, int no_follow,
                 struct v2c_fs_stat *st);
/* A symlink's target as written.  Caller frees; NULL with errno. */
char *v2c_fs_readlink (struct v2c_fs *fs, const char *path);
/* Disk usage in bytes of a directory tree (like du -sb): -1 with errno. */
int64_t v2c_fs_du (struct v2c_fs *fs, const char *path);
/* The guest session's mounted filesystems (guestfs_h *).  Reads go to
 * the appliance, except under directories preloaded with
 * v2c_fs_guest_preload: each is streamed once (tar-out) and kept, with
 * the content of its files up to content_max bytes. */
struct v2c_fs *v2c_fs_open_guest (void *guestfs_handle, struct v2c_err *err);
int v2c_fs_guest_preload (struct v2c_fs *fs, const char *const *dirs,
                          size_t content_max, struct v2c_err *err);
/* Every path under dir (relative to it, without a leading "./"), at most
 * max of them: one appliance round trip for the guest backend.  A
 * NULL-terminated vector (v2c_strv_free), or NULL with errno. */
char **v2c_fs_find (struct v2c_fs *fs, const char *dir, size_t max);
/* Open a local directory as a guest root (tests, unpacked trees). */
struct v2c_fs *v2c_fs_open_dir (const char *root, struct v2c_err *err);
void v2c_fs_free (struct v2c_fs *fs);

void v2c_strv_free (char **v);

/* ------------------------------------------------------------------ */
/* Packages (lib/inspect-pkg-dpkg.c, -rpm.c, -apk.c)                   */

struct v2c_pkg_file {
  char *path;             /* absolute guest path */
  char *digest;           /* the manager's checksum, lower-case hex (md5
                             for dpkg, per FILEDIGESTALGO for rpm, sha1
                             for apk), or NULL when it keeps none
                             (directories, symlinks, ghost files) */
  int conffile;           /* a configuration file of the package */
};

struct v2c_pkg {
  char *name;
  char *epoch;            /* NULL when none */
  char *version;          /* upstream version */
  char *release;          /* dpkg revision / rpm release / apk -rN; NULL */
  char *evr;              /* the manager's full version string, e.g.
                             dpkg "1:2.36-9+deb12u4", rpm "1:2.3-4.el9" */
  char *arch;
  char *source_package;   /* NULL when the same as name (dpkg) */
  char *source_version;   /* NULL when the same as evr */
  char *license;          /* when the database records it */
  char *manager;          /* "dpkg", "rpm", "apk" */
  int64_t installed_size; /* bytes, -1 unknown */
  struct v2c_pkg_file *files;
  size_t nfiles;
};

struct v2c_pkgs {
  struct v2c_pkg *v;
  size_t n;
};

void v2c_pkgs_free_contents (struct v2c_pkgs *p);

/* dpkg: /var/lib/dpkg/status (only "install ok installed" and the
 * other installed-ish states dpkg-query reports with a version) and,
 * when with_files, info/PKG[:ARCH].{list,md5sums,conffiles}. */
int v2c_dpkg_parse_status (const char *buf, size_t len, struct v2c_pkgs *out,
                           struct v2c_err *err);
int v2c_dpkg_read (struct v2c_fs *fs, int with_files, struct v2c_pkgs *out,
                   struct v2c_err *err);
/* The status file buf without the stanzas of the packages names lists
 * (each with the blank line that ends it), the rest byte for byte, in
 * out; the names of the packages left out are pushed to dropped (a
 * package can have a stanza per architecture).  An image that leaves a
 * package's files out (the GPU driver's) leaves it out of its
 * database too.  -1 when out of memory. */
struct v2c_strbuf;
struct v2c_strvec;
int v2c_dpkg_status_without (const char *buf, size_t len,
                             const struct v2c_strvec *names,
                             struct v2c_strbuf *out,
                             struct v2c_strvec *dropped);
/* apk: /lib/apk/db/installed. */
int v2c_apk_parse_installed (const char *buf, size_t len, int with_files,
                             struct v2c_pkgs *out, struct v2c_err *err);
int v2c_apk_read (struct v2c_fs *fs, int with_files, struct v2c_pkgs *out,
                  struct v2c_err *err);
/* rpm: one header blob (as stored in the database). */
int v2c_rpm_parse_header (const unsigned char *blob, size_t len,
                          int with_files, struct v2c_pkg *out,
                          struct v2c_err *err);
/* rpm: the database under /var/lib/rpm or /usr/lib/sysimage/rpm
 * (rpmdb.sqlite, Packages (Berkeley DB hash), Packages.db (ndb)). */
int v2c_rpm_read (struct v2c_fs *fs, int with_files, struct v2c_pkgs *out,
                  struct v2c_err *err);

/* ------------------------------------------------------------------ */
/* Services, timers, cron, users (lib/inspect-systemd.c, -sysv.c,      */
/* -cron.c, -users.c)                                                  */

struct v2c_kv {
  char *key;
  char *value;
};

/* A credential of LoadCredential= or LoadCredentialEncrypted=
 * (systemd.exec(5)): its id and where systemd reads it from, never its
 * content. */
struct v2c_credential {
  char *id;               /* the name under $CREDENTIALS_DIRECTORY */
  char *path;             /* absolute, as written; NULL when systemd
                             looks it up in its credential stores (no
                             path or a relative one) */
  int encrypted;          /* LoadCredentialEncrypted=: can't be read
                             offline */
  int directory;          /* path is a directory: one credential per
                             file in it */
};

struct v2c_service {
  char *name;             /* "nginx.service", "postgresql@15-main.service",
                             "legacy-daemon" (SysV) */
  char *kind;             /* "systemd" or "sysv" */
  int enabled;            /* reachable from the default target (systemd)
                             or started in the default runlevel (SysV) */
  char *unit_path;        /* file the unit came from */
  char **dropins;         /* drop-in files applied, in order */
  char *description;
  char *type;             /* Type=, default "simple" */
  char *exec_start;       /* the effective ExecStart (after drop-ins),
                             prefixes -@:+! kept as written */
  char **exec_start_pre;
  char *user, *group;
  int dynamic_user;
  char *working_directory;
  struct v2c_kv *environment; /* Environment= and EnvironmentFile=
                                 values; secret values already redacted */
  size_t nenvironment;
  char **environment_files;
  char **after, **wants, **requires, **wanted_by;
  char *template_instance; /* "15-main" for postgresql@15-main */
  struct v2c_credential *credentials; /* LoadCredential= & co, in the
                                         order of their ids' last
                                         assignment */
  size_t ncredentials;
};

struct v2c_timer {
  char *name;             /* "demo-report.timer" */
  char *unit;             /* the service it starts */
  char **on_calendar;
  char *on_boot_sec, *on_unit_active_sec;
  int enabled;
  char *unit_path;
};

struct v2c_cron_job {
  char *schedule;         /* "*\/15 * * * *" or "@daily"; the anacron
                             directories (/etc/cron.daily, ...) give
                             "@daily" etc. */
  char *user;
  char *command;
  char *file;             /* the crontab it came from */
  int line;
  struct v2c_kv *environment; /* variables the command needs: only those
                                 that carry its secrets (value
                                 "<redacted>", see inspect-exec-secrets.c) */
  size_t nenvironment;
  char *package;          /* the installed package that ships the job's
                             file (the script of /etc/cron.daily & co,
                             else the crontab), or NULL */
  int modified;           /* with a package: 0 only when the file has
                             the package's checksum */
  char **data_dirs;       /* the inventory's data directories the job
                             names (v2c_inspect_cron_data), or NULL */
  size_t ndata_dirs;
};

struct v2c_user {
  char *name;
  uint32_t uid, gid;
  char *home, *shell, *gecos;
  int is_group;           /* an /etc/group entry (name, gid, members) */
  char **members;
};

struct v2c_services {
  struct v2c_service *v; size_t n;
  struct v2c_timer *timers; size_t ntimers;
};

void v2c_services_free_contents (struct v2c_services *s);
/* systemd units (with drop-ins, templates, generators for postgresql),
 * SysV scripts with rc?.d links, and timers. */
int v2c_systemd_read (struct v2c_fs *fs, struct v2c_services *out,
                      struct v2c_err *err);
int v2c_sysv_read (struct v2c_fs *fs, struct v2c_services *out,
                   struct v2c_err *err);

/* One systemd unit file: sections and assignments in order. */
struct v2c_unit_entry {
  char *section, *key, *value;
  int line;
};
struct v2c_unit_file {
  struct v2c_unit_entry *v;
  size_t n;
};
int v2c_unit_parse (const char *buf, size_t len, struct v2c_unit_file *out,
                    struct v2c_err *err);
void v2c_unit_file_free_contents (struct v2c_unit_file *u);

struct v2c_cron {
  struct v2c_cron_job *v;
  size_t n;
};
void v2c_cron_free_contents (struct v2c_cron *c);
/* A crontab; system = 1 for /etc/crontab and /etc/cron.d (user field),
 * 0 for a user's spool crontab (user given). */
int v2c_crontab_parse (const char *buf, size_t len, int system,
                       const char *user, const char *file,
                       struct v2c_cron *out, struct v2c_err *err);
int v2c_cron_read (struct v2c_fs *fs, struct v2c_cron *out,
                   struct v2c_err *err);

struct v2c_users {
  struct v2c_user *v;
  size_t n;
};
void v2c_users_free_contents (struct v2c_users *u);
int v2c_passwd_parse (const char *buf, size_t len, int group,
                      struct v2c_users *out, struct v2c_err *err);
/* /etc/passwd and /etc/group; /etc/shadow is never read. */
int v2c_users_read (struct v2c_fs *fs, struct v2c_users *out,
                    struct v2c_err *err);

/* ------------------------------------------------------------------ */
/* Service configuration: ports, data directories (lib/inspect-conf-*.c) */

struct v2c_port {
  int port;
  char *protocol;         /* "tcp" / "udp" */
  char *address;          /* bind address when given, else NULL */
  char *service;          /* "nginx", "postgresql", ... or a unit name */
  char *evidence;         /* "/etc/nginx/sites-enabled/default:3: listen 80" */
};

struct v2c_datadir {
  char *path;
  char *service;
  char *evidence;
  int64_t used_bytes;     /* -1 until measured */
};

/* A file a service's configuration names (a TLS key, a password file):
 * the plan mounts it into that service's container when it holds a
 * secret, wherever it lies. */
struct v2c_fileref {
  char *path;             /* absolute, as the configuration spells it */
  char *service;
  char *evidence;         /* "/etc/postgresql/15/main/postgresql.conf:107: ..." */
};

struct v2c_conf_facts {
  struct v2c_port *ports; size_t nports;
  struct v2c_datadir *dirs; size_t ndirs;
  struct v2c_fileref *refs; size_t nrefs;
  char **proxy_targets; size_t nproxy; /* "127.0.0.1:8080" from
                                          proxy_pass / ProxyPass */
};
void v2c_conf_facts_free_contents (struct v2c_conf_facts *f);

/* Parsers of one config text: each adds what it finds to out, with
 * evidence "FILE:LINE: text".  An include directive is reported through
 * the include callback (may be NULL) for the caller to follow. */
typedef int (*v2c_include_cb) (void *opaque, const char *pattern);
typedef int v2c_conf_parser (const char *file, const char *buf, size_t len,
                             struct v2c_conf_facts *out, v2c_include_cb inc,
                             void *opaque, struct v2c_err *err);
v2c_conf_parser v2c_conf_nginx, v2c_conf_apache, v2c_conf_postgresql,
    v2c_conf_mysql, v2c_conf_redis, v2c_conf_sshd, v2c_conf_tomcat,
    v2c_conf_mongodb;
/* Every service config found in a guest (following includes inside the
 * guest), plus generic evidence from services' ExecStart flags
 * (--port N, -p N, --listen ADDR:N) and environment (PORT=N). */
int v2c_conf_read (struct v2c_fs *fs, const struct v2c_services *svcs,
                   struct v2c_conf_facts *out, struct v2c_err *err);

/* ------------------------------------------------------------------ */
/* Secrets (lib/inspect-secrets.c)                                     */

struct v2c_secret {
  char *path;
  char *kind;             /* "private-key", "password", "token",
                             "api-key", "connection-string", "pgpass",
                             "mysql-client", "netrc", "cloud-credentials",
                             "ssh-host-key", "secret" */
  int line;               /* 0 for a whole-file secret */
  char *evidence;         /* the line with the value replaced by
                             "<redacted>", e.g. "DB_PASSWORD=<redacted>";
                             never any part of the value */
  char *name;             /* the variable or key that holds it, or NULL */
  char fingerprint[32];   /* v2c_secret_fingerprint of the value, or "" */
  int64_t mode, uid, gid; /* of the file, -1 when not a file's */
};
struct v2c_secrets {
  struct v2c_secret *v;
  size_t n;
};
void v2c_secrets_free_contents (struct v2c_secrets *s);
/* Scan one file's content (path decides some kinds: .pgpass, .netrc,
 * .my.cnf, .aws/credentials, ssh_host_*_key).  Binary content is
 * skipped.  Findings are appended. */
/* A whole-file finding for a file whose path alone says it holds
 * credentials (v2c_secret_path), read or not (/etc/shadow is never
 * read).  Nothing is appended otherwise. */
int v2c_secrets_path_only (const char *path, struct v2c_secrets *out,
                           struct v2c_err *err);
int v2c_secrets_scan (const char *path, const char *buf, size_t len,
                      struct v2c_secrets *out, struct v2c_err *err);
/* Redact an assignment's value in place of a line: returns a new string
 * "KEY=<redacted>" style; caller frees. */
char *v2c_secret_redact_line (const char *line, size_t len);
/* Whether an environment variable name looks secret (PASSWORD, TOKEN,
 * SECRET, API_KEY, ...). */
int v2c_secret_key_name (const char *key);

/* AI and GPU workloads (lib/inspect-ai.c): the inventory's "ai" object
 * {drivers, runtimes, python, servers, models}, or NULL when the guest
 * has none of them (its inventory then has no "ai"). */
json_t *v2c_inspect_ai (struct v2c_fs *fs, const struct v2c_pkgs *pkgs,
                        const struct v2c_services *svcs);
/* Is a kernel module (its name, file name, DKMS tree or modules-load
 * line) NVIDIA's or AMD's GPU driver: nvidia, nvidia-uvm, nvidia_drm,
 * nvidia-current..., amdgpu?  The blockers exempt these (rule
 * gpu-driver) and the inventory's ai lists them, by this one test. */
int v2c_gpu_driver_module (const char *m);
/* One guest text the AI inspector parses, into the lists of ai (an
 * object with the arrays drivers, runtimes, python, servers): a
 * distribution's METADATA (path: its site-packages), a conda-meta
 * record (path: its environment), a modules-load.d or modprobe.d file,
 * a CUDA version.json or version.txt, a unit's ExecStart= line.  text
 * is NUL-terminated, len bytes, and may be changed.  For the fuzz
 * target and the tests; v2c_inspect_ai reads the guest's through it. */
enum v2c_ai_text {
  V2C_AI_METADATA,
  V2C_AI_CONDA_META,
  V2C_AI_MODULES,
  V2C_AI_MODPROBE,
  V2C_AI_CUDA_JSON,
  V2C_AI_CUDA_TXT,
  V2C_AI_EXEC_START,
};
void v2c_ai_parse_text (enum v2c_ai_text kind, const char *path, char *text,
                        size_t len, json_t *ai);
/* The minimum NVIDIA Linux driver of the CUDA release a CUDA version
 * ("12.2.140") belongs to, its "MAJOR.MINOR" in mm; NULL when unknown. */
const char *v2c_cuda_min_driver (const char *cuda_version, char *mm,
                                 size_t size);

#endif /* V2C_INSPECT_H */
