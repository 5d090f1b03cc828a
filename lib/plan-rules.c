/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The planner's fixed rules: the services that are the machine's
 * plumbing and the packages' housekeeping jobs that are dropped (with
 * why), the image's layers and the
 * paths no image takes, the architectures an image can have, and the
 * well-known names of ports.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "converter-util.h"
#include "plan-private.h"

const char *
plan_goarch (const char *arch, const char **variant)
{
  static const struct {
    const char *in, *out, *variant;
  } map[] = {
    { "x86_64", "amd64", NULL },    { "amd64", "amd64", NULL },
    { "aarch64", "arm64", NULL },   { "arm64", "arm64", NULL },
    { "i386", "386", NULL },        { "i486", "386", NULL },
    { "i586", "386", NULL },        { "i686", "386", NULL },
    { "armv7l", "arm", "v7" },      { "armhf", "arm", "v7" },
    { "ppc64le", "ppc64le", NULL }, { "s390x", "s390x", NULL },
    { "riscv64", "riscv64", NULL },
  };
  size_t i;

  *variant = NULL;
  for (i = 0; arch && i < sizeof map / sizeof map[0]; i++)
    if (strcmp (arch, map[i].in) == 0) {
      *variant = map[i].variant;
      return map[i].out;
    }
  return NULL;
}

int
plan_layer (struct v2c_plan_image *image, const char *name,
            const char *const *inc, size_t ninc)
{
  struct v2c_plan_layer *l;
  size_t i;

  l = v2c_conv_grow (&image->layers.v, &image->layers.n, sizeof *l);
  if (l == NULL || (l->name = strdup (name)) == NULL)
    return -1;
  for (i = 0; i < ninc; i++)
    if (v2c_strvec_push (&l->includes, inc[i]) == -1)
      return -1;
  return 0;
}

int
plan_default_excludes (struct v2c_plan_image *image)
{
  /* in the order the plan documents; patterns that share a reason
   * share a row */
  static const struct {
    const char *what, *reason, *patterns[8];
  } ex[] = {
    { "contents",
      "kernel interface, mounted at run time",
      { "/proc", "/sys" } },
    { "contents", "device nodes come from the container runtime", { "/dev" } },
    { "contents", "run-time state", { "/run" } },
    { "contents", "temporary files", { "/tmp", "/var/tmp" } },
    { "all", "the kernel is the node's", { "/boot" } },
    { "all",
      "kernel modules are the node's",
      { "/lib/modules", "/usr/lib/modules" } },
    { "all", "filesystem repair area", { "/lost+found" } },
    { "all", "swap file", { "/swapfile", "/swap.img" } },
    { "all",
      "package cache",
      { "/var/cache/apt", "/var/cache/dnf", "/var/cache/yum", "/var/cache/apk",
        "/var/cache/zypp", "/var/cache/man", "/var/cache/debconf/*-old" } },
    { "all", "package index", { "/var/lib/apt/lists" } },
    { "files", "log file contents", { "/var/log" } },
    { "all",
      "machine identity",
      { "/etc/machine-id", "/var/lib/dbus/machine-id" } },
    { "all", "SSH host keys", { "/etc/ssh/ssh_host_*" } },
    { "all",
      "password hashes",
      { "/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-" } },
  };
  size_t i, k, n = 0;
  struct v2c_plan_exclude *e;

  for (i = 0; i < sizeof ex / sizeof ex[0]; i++)
    for (k = 0; k < 8 && ex[i].patterns[k]; k++)
      n++;
  e = calloc (n, sizeof *e);
  if (e == NULL)
    return -1;
  image->excludes.v = e;
  image->excludes.n = n;
  for (i = 0; i < sizeof ex / sizeof ex[0]; i++)
    for (k = 0; k < 8 && ex[i].patterns[k]; k++, e++)
      if ((e->pattern = strdup (ex[i].patterns[k])) == NULL
          || (e->what = strdup (ex[i].what)) == NULL
          || (e->reason = strdup (ex[i].reason)) == NULL)
        return -1;
  return 0;
}

/* Services that are the machine's plumbing, not an application. */
const char *
plan_plumbing_reason (const char *base)
{
  static const struct {
    const char *name;
    int prefix;
    const char *reason;
  } rules[] = {
    { "ssh", 0, "remote login: use kubectl exec" },
    { "sshd", 0, "remote login: use kubectl exec" },
    { "getty", 0, "console login" },
    { "serial-getty", 0, "console login" },
    { "console-getty", 0, "console login" },
    { "container-getty", 0, "console login" },
    { "cron", 0, "cron jobs become CronJobs" },
    { "crond", 0, "cron jobs become CronJobs" },
    { "cronie", 0, "cron jobs become CronJobs" },
    { "anacron", 0, "cron jobs become CronJobs" },
    { "networking", 0, "network is the pod's" },
    { "NetworkManager", 0, "network is the pod's" },
    { "systemd-networkd", 0, "network is the pod's" },
    { "wpa_supplicant", 0, "network is the pod's" },
    { "rsyslog", 0, "logs go to stdout" },
    { "syslog", 0, "logs go to stdout" },
    { "syslog-ng", 0, "logs go to stdout" },
    { "systemd-journald", 0, "logs go to stdout" },
    { "udev", 0, "devices are the node's" },
    { "systemd-udevd", 0, "devices are the node's" },
    { "ufw", 0, "network policy" },
    { "firewalld", 0, "network policy" },
    { "chrony", 0, "time is the node's" },
    { "chronyd", 0, "time is the node's" },
    { "ntp", 0, "time is the node's" },
    { "ntpd", 0, "time is the node's" },
    { "systemd-timesyncd", 0, "time is the node's" },
    { "unattended-upgrades", 0, "updates come with a new image" },
    { "apt-daily", 1, "updates come with a new image" },
    { "open-vm-tools", 0, "VMware tools" },
    { "vmtoolsd", 0, "VMware tools" },
    { "vgauth", 0, "VMware tools" },
    { "vgauthd", 0, "VMware tools" },
    { "systemd-", 1, "systemd's own service: the container runtime's job" },
    { "dbus", 1, "system message bus: not used in a container" },
    { "getty-static", 0, "console login" },
    { "modprobe", 0, "kernel modules are the node's" },
    { "kmod-static-nodes", 0, "devices are the node's" },
    { "e2scrub", 1, "filesystem maintenance is the node's" },
    { "fstrim", 0, "filesystem maintenance is the node's" },
    { "quotaon", 0, "filesystem maintenance is the node's" },
    { "dpkg-db-backup", 0, "package database backup: the image is rebuilt" },
    { "man-db", 0, "manual page index: not used in a container" },
    { "logrotate", 0, "logs go to stdout" },
    { "phpsessionclean", 0,
      "cleans PHP sessions: they are kept in the container and go with it" },
    { "plocate-updatedb", 0, "file name index: not used in a container" },
    { "mlocate", 0, "file name index: not used in a container" },
    { "sysstat-collect", 0, "system metrics are the node's" },
    { "sysstat-summary", 0, "system metrics are the node's" },
    { "exim4-base", 0,
      "Exim's housekeeping: hints are a cache and logs go to stdout" },
    { "debug-shell", 0, "console shell" },
    { "emergency", 0, "console shell" },
    { "rescue", 0, "console shell" },
    { "initrd-", 1, "boot: the node's" },
    { "rc-local", 0, "boot script: the node's" },
    { "hwclock.sh", 0, "time is the node's" },
    { "pam_namespace", 0, "login sessions: not used in a container" },
    { "system-update-cleanup", 0, "offline updates: the image is rebuilt" },
    { "keyboard-setup", 0, "console: the node's" },
    { "console-setup", 0, "console: the node's" },
    { "plymouth", 1, "boot splash: the node's" },
    { "apparmor", 0, "security profiles are the node's" },
    { "auditd", 0, "auditing is the node's" },
    { "irqbalance", 0, "the node's hardware" },
    { "lvm2", 1, "storage is the node's" },
    { "mdmonitor", 0, "storage is the node's" },
    { "multipathd", 0, "storage is the node's" },
    { "polkit", 0, "system authorisation: not used in a container" },
    { "accounts-daemon", 0, "desktop session: not used in a container" },
    { "cloud-init", 1, "VM provisioning: not used in a container" },
    { "snapd", 1, "package manager daemon: the image is rebuilt" },
    { "packagekit", 0, "package manager daemon: the image is rebuilt" },
    { "dnf-makecache", 0, "updates come with a new image" },
    { "atd", 0, "no at jobs in a container" },
  };
  size_t i;

  for (i = 0; i < sizeof rules / sizeof rules[0]; i++)
    if (rules[i].prefix
            ? strncmp (base, rules[i].name, strlen (rules[i].name)) == 0
            : strcmp (base, rules[i].name) == 0)
      return rules[i].reason;
  return NULL;
}

/* The periodic jobs distributions ship that only clean sessions, rotate
 * or delete logs, refresh caches and indexes, back up what the image
 * rebuilds or look after the node: by the file a package installs them
 * as (the caller checks that the package does and that the file is
 * unchanged). */
const struct plan_housekeeping *
plan_housekeeping (const char *path)
{
#define LOGS "logs go to stdout and the platform keeps them"
#define SESSIONS "sessions are kept in the container and go with it"
#define IMAGE "the image is rebuilt, not maintained in place"
#define CACHE "the cache is rebuilt with the image"
#define NODEFS "filesystem maintenance is the node's"
#define METRICS "system metrics are the node's"
  static const struct {
    const char *path;
    struct plan_housekeeping h;
  } t[] = {
    { "/etc/cron.d/php", { "cleans expired PHP sessions", SESSIONS } },
    { "/etc/cron.d/php5", { "cleans expired PHP sessions", SESSIONS } },
    { "/etc/cron.d/e2scrub_all", { "checks ext4 filesystems", NODEFS } },
    { "/etc/cron.d/sysstat", { "collects system activity", METRICS } },
    { "/etc/cron.d/popularity-contest",
      { "reports package use to the distribution", IMAGE } },
    { "/etc/cron.d/mdadm", { "checks RAID arrays", "storage is the node's" } },
    { "/etc/cron.d/raid-check",
      { "checks RAID arrays", "storage is the node's" } },
    { "/etc/cron.daily/logrotate", { "rotates log files", LOGS } },
    { "/etc/cron.daily/tomcat10", { "deletes old Tomcat logs", LOGS } },
    { "/etc/cron.daily/tomcat9", { "deletes old Tomcat logs", LOGS } },
    { "/etc/cron.daily/tomcat8", { "deletes old Tomcat logs", LOGS } },
    { "/etc/cron.daily/apt-compat", { "refreshes the package lists", IMAGE } },
    { "/etc/cron.daily/apt", { "refreshes the package lists", IMAGE } },
    { "/etc/cron.daily/0yum-daily.cron",
      { "refreshes the package lists", IMAGE } },
    { "/etc/cron.daily/dpkg", { "backs up the package database", IMAGE } },
    { "/etc/cron.daily/rpm", { "lists the installed packages", IMAGE } },
    { "/etc/cron.daily/aptitude", { "backs up aptitude's states", IMAGE } },
    { "/etc/cron.daily/passwd", { "backs up the account files", IMAGE } },
    { "/etc/cron.daily/standard", { "backs up system files", IMAGE } },
    { "/etc/cron.daily/debsums", { "checks package files", IMAGE } },
    { "/etc/cron.daily/man-db", { "refreshes the manual page index", CACHE } },
    { "/etc/cron.weekly/man-db",
      { "refreshes the manual page index", CACHE } },
    { "/etc/cron.daily/man-db.cron",
      { "refreshes the manual page index", CACHE } },
    { "/etc/cron.daily/makewhatis.cron",
      { "refreshes the manual page index", CACHE } },
    { "/etc/cron.weekly/makewhatis.cron",
      { "refreshes the manual page index", CACHE } },
    { "/etc/cron.daily/plocate", { "refreshes the file name index", CACHE } },
    { "/etc/cron.daily/mlocate", { "refreshes the file name index", CACHE } },
    { "/etc/cron.daily/mlocate.cron",
      { "refreshes the file name index", CACHE } },
    { "/etc/cron.daily/locate", { "refreshes the file name index", CACHE } },
    { "/etc/cron.daily/cracklib-runtime",
      { "rebuilds the password dictionary", CACHE } },
    { "/etc/cron.daily/apt-show-versions",
      { "refreshes apt-show-versions' cache", CACHE } },
    { "/etc/cron.daily/apache2", { "cleans Apache's disk cache", CACHE } },
    { "/etc/cron.daily/exim4-base",
      { "tidies Exim's hints databases and checks its panic log",
        "hints are a cache and logs go to stdout" } },
    { "/etc/cron.daily/spamassassin",
      { "updates SpamAssassin's rules", IMAGE } },
    { "/etc/cron.daily/sysstat", { "summarises system activity", METRICS } },
    { "/etc/cron.daily/ntp",
      { "rotates ntpd's statistics", "time is the node's" } },
    { "/etc/cron.daily/popularity-contest",
      { "reports package use to the distribution", IMAGE } },
    { "/etc/cron.daily/bsdmainutils",
      { "mails calendar reminders", "nobody logs in to a container" } },
    { "/etc/cron.daily/quota", { "mails disk quota warnings", NODEFS } },
    { "/etc/cron.weekly/fstrim", { "discards unused blocks", NODEFS } },
    { "/etc/cron.daily/tmpwatch",
      { "deletes old temporary files",
        "temporary files go with the container" } },
  };
#undef LOGS
#undef SESSIONS
#undef IMAGE
#undef CACHE
#undef NODEFS
#undef METRICS
  size_t i;

  for (i = 0; i < sizeof t / sizeof t[0]; i++)
    if (strcmp (path, t[i].path) == 0)
      return &t[i].h;
  return NULL;
}

/* ---- finishing a component ---- */

const char *
plan_well_known_port (json_int_t port, const char *proto)
{
  static const struct {
    int port;
    const char *name;
  } t[] = {
    { 21, "ftp" },
    { 25, "smtp" },
    { 53, "dns" },
    { 80, "http" },
    { 110, "pop3" },
    { 143, "imap" },
    { 389, "ldap" },
    { 443, "https" },
    { 465, "smtps" },
    { 587, "submission" },
    { 636, "ldaps" },
    { 993, "imaps" },
    { 995, "pop3s" },
    { 1433, "mssql" },
    { 1521, "oracle" },
    { 2049, "nfs" },
    { 3306, "mysql" },
    { 5432, "postgresql" },
    { 5672, "amqp" },
    { 6379, "redis" },
    { 8009, "ajp" },
    { 8443, "https-alt" },
    { 9200, "elasticsearch" },
    { 11211, "memcache" },
    { 27017, "mongodb" },
  };
  size_t i;

  for (i = 0; i < sizeof t / sizeof t[0]; i++)
    if (t[i].port == port && (strcmp (proto, "tcp") == 0 || t[i].port == 53))
      return t[i].name;
  return NULL;
}
