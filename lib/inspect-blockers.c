/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Blockers: what in a guest stands in the way of running it as
 * containers, each with a rule id, a severity (info, low, medium, high,
 * critical) and the evidence that fired it.
 */
#include <config.h>

#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "inspect-private.h"

#define MAX_EVIDENCE 20

static void
add_evidence (json_t *blockers, const char *rule, const char *severity,
              const char *summary, const char *evidence)
{
  size_t i;
  json_t *b, *ev;

  json_array_foreach (blockers, i, b)
    if (strcmp (json_string_value (json_object_get (b, "rule")), rule) == 0) {
      ev = json_object_get (b, "evidence");
      if (json_array_size (ev) < MAX_EVIDENCE)
        json_array_append_new (ev, json_string (evidence));
      return;
    }
  b = json_object ();
  json_object_set_new (b, "rule", json_string (rule));
  json_object_set_new (b, "severity", json_string (severity));
  json_object_set_new (b, "summary", json_string (summary));
  ev = json_array ();
  json_array_append_new (ev, json_string (evidence));
  json_object_set_new (b, "evidence", ev);
  json_array_append_new (blockers, b);
}

#define GPU_DRIVER                                                            \
  "a GPU driver's kernel modules: not in the image and not a blocker; "      \
  "the GPU nodes' driver (the GPU operator) provides them"

/* Non-comment lines of a config, for modules and sysctl files. */
static void
each_setting (struct v2c_fs *fs, const char *path, json_t *blockers,
              const char *rule, const char *severity, const char *summary)
{
  size_t len;
  char *buf = v2c_fs_read (fs, path, 1u << 20, &len), *line, *save = NULL;
  int lineno = 0;

  if (buf == NULL)
    return;
  for (line = strtok_r (buf, "\n", &save); line;
       line = strtok_r (NULL, "\n", &save)) {
    char ev[512];
    size_t l;

    lineno++;
    while (*line == ' ' || *line == '\t')
      line++;
    l = strlen (line);
    while (l > 0 && (line[l - 1] == ' ' || line[l - 1] == '\r'
                     || line[l - 1] == '\t'))
      line[--l] = '\0';
    if (*line == '\0' || *line == '#' || *line == ';')
      continue;
    snprintf (ev, sizeof ev, "%s:%d: %.200s", path, lineno, line);
    /* a GPU module loaded at boot: the node's GPU operator loads it */
    if (strcmp (rule, "kernel-module-autoload") == 0
        && v2c_gpu_driver_module (line))
      add_evidence (blockers, "gpu-driver", "info", GPU_DRIVER, ev);
    else
      add_evidence (blockers, rule, severity, summary, ev);
  }
  free (buf);
}

static void
kernel_modules (struct v2c_fs *fs, json_t *blockers)
{
  char **v, **kv;
  size_t i, j;

  v = v2c_fs_list (fs, "/var/lib/dkms");
  for (i = 0; v && v[i]; i++) {
    char ev[PATH_MAX];
    snprintf (ev, sizeof ev, "/var/lib/dkms/%s", v[i]);
    /* a GPU driver is the node's business (its GPU operator), not the
     * container's: not a blocker (the inventory's "ai" lists it) */
    if (v2c_gpu_driver_module (v[i]))
      add_evidence (blockers, "gpu-driver", "info", GPU_DRIVER, ev);
    else
      add_evidence (blockers, "kernel-module-dkms", "high",
                    "out-of-tree kernel modules built by DKMS: a container "
                    "shares the host's kernel and can't load them",
                    ev);
  }
  v2c_strv_free (v);
  /* modules installed outside the kernel package's tree */
  kv = v2c_fs_list (fs, "/lib/modules");
  for (i = 0; kv && kv[i]; i++) {
    static const char *const extra[] = { "updates", "extra", NULL };
    for (j = 0; extra[j]; j++) {
      char dir[PATH_MAX];
      char **m;
      size_t k;

      snprintf (dir, sizeof dir, "/lib/modules/%s/%s", kv[i], extra[j]);
      m = v2c_fs_find (fs, dir, 1000);
      for (k = 0; m && m[k]; k++)
        if (fnmatch ("*.ko*", m[k], 0) == 0) {
          char ev[PATH_MAX * 2];
          const char *base = strrchr (m[k], '/');

          snprintf (ev, sizeof ev, "%s/%s", dir, m[k]);
          if (v2c_gpu_driver_module (base ? base + 1 : m[k]))
            add_evidence (blockers, "gpu-driver", "info", GPU_DRIVER, ev);
          else
            add_evidence (blockers, "kernel-module-out-of-tree", "high",
                          "kernel modules not shipped with the kernel", ev);
        }
      v2c_strv_free (m);
    }
  }
  v2c_strv_free (kv);
  each_setting (fs, "/etc/modules", blockers, "kernel-module-autoload",
                "medium",
                "kernel modules loaded at boot: the host must provide them");
  v = v2c_fs_list (fs, "/etc/modules-load.d");
  for (i = 0; v && v[i]; i++) {
    char p[PATH_MAX];
    if (fnmatch ("*.conf", v[i], 0))
      continue;
    snprintf (p, sizeof p, "/etc/modules-load.d/%s", v[i]);
    each_setting (fs, p, blockers, "kernel-module-autoload", "medium",
                  "kernel modules loaded at boot: the host must provide "
                  "them");
  }
  v2c_strv_free (v);
}

static void
sysctl (struct v2c_fs *fs, json_t *blockers)
{
  char **v;
  size_t i;
  const char *summary = "kernel parameters set by the guest: a container "
                        "can't set most of them; the node must";

  each_setting (fs, "/etc/sysctl.conf", blockers, "kernel-parameters",
                "medium", summary);
  v = v2c_fs_list (fs, "/etc/sysctl.d");
  for (i = 0; v && v[i]; i++) {
    char p[PATH_MAX];
    struct v2c_fs_stat st;

    if (fnmatch ("*.conf", v[i], 0))
      continue;
    snprintf (p, sizeof p, "/etc/sysctl.d/%s", v[i]);
    /* Debian's 99-sysctl.conf is a link back to /etc/sysctl.conf */
    if (v2c_fs_stat (fs, p, 1, &st) == 0 && st.type == V2C_FS_LNK)
      continue;
    each_setting (fs, p, blockers, "kernel-parameters", "medium", summary);
  }
  v2c_strv_free (v);
}

static void
desktop (const struct v2c_pkgs *pkgs, const struct v2c_services *svcs,
         json_t *blockers)
{
  static const char *const desktop_pkgs[] = {
    "xserver-xorg-core", "xorg-x11-server-Xorg", "xwayland", "gdm3", "gdm",
    "lightdm", "sddm", "gnome-shell", "plasma-workspace", "xfce4-session",
    "mate-session-manager", "cinnamon", NULL
  };
  const char *summary = "a desktop (X/Wayland session): containers run "
                        "services, not desktops";
  size_t i, j;

  for (i = 0; i < pkgs->n; i++)
    for (j = 0; desktop_pkgs[j]; j++)
      if (strcmp (pkgs->v[i].name, desktop_pkgs[j]) == 0) {
        char ev[256];
        snprintf (ev, sizeof ev, "package %s %s", pkgs->v[i].name,
                  pkgs->v[i].evr ? pkgs->v[i].evr : "");
        add_evidence (blockers, "desktop-session", "high", summary, ev);
      }
  for (i = 0; svcs && i < svcs->n; i++)
    if (svcs->v[i].enabled
        && (strcmp (svcs->v[i].name, "display-manager.service") == 0
            || fnmatch ("*dm.service", svcs->v[i].name, 0) == 0)
        && (strstr (svcs->v[i].name, "gdm") || strstr (svcs->v[i].name, "lightdm")
            || strstr (svcs->v[i].name, "sddm")
            || strcmp (svcs->v[i].name, "display-manager.service") == 0)) {
      char ev[256];
      snprintf (ev, sizeof ev, "enabled unit %s", svcs->v[i].name);
      add_evidence (blockers, "desktop-session", "high", summary, ev);
    }
}

static int
wildcard_address (const char *a)
{
  return a == NULL || *a == '\0' || strcmp (a, "*") == 0
         || strcmp (a, "0.0.0.0") == 0 || strcmp (a, "::") == 0
         || strcmp (a, "[::]") == 0 || strcmp (a, "127.0.0.1") == 0
         || strcmp (a, "::1") == 0 || strcmp (a, "[::1]") == 0
         || strcasecmp (a, "localhost") == 0;
}

static void
multiple_ips (const struct v2c_conf_facts *f, json_t *blockers)
{
  size_t i, j;

  for (i = 0; i < f->nports; i++) {
    const struct v2c_port *p = &f->ports[i];
    int other = 0;

    if (wildcard_address (p->address))
      continue;
    for (j = 0; j < f->nports; j++) {
      const struct v2c_port *q = &f->ports[j];
      if (j != i && q->service && p->service
          && strcmp (q->service, p->service) == 0
          && !wildcard_address (q->address)
          && strcmp (q->address, p->address) != 0)
        other = 1;
    }
    if (other)
      add_evidence (blockers, "multiple-ip-addresses", "medium",
                    "a service binds several specific IP addresses: a pod "
                    "has one; the Service must map them",
                    p->evidence ? p->evidence : p->address);
  }
}

static void
userland_32bit (const json_t *inv, const struct v2c_pkgs *pkgs,
                json_t *blockers)
{
  const char *arch = json_string_value (
    json_object_get (json_object_get (inv, "os"), "arch"));
  size_t i, n32 = 0, n64 = 0;

  if (arch && (strcmp (arch, "i386") == 0 || strcmp (arch, "i686") == 0
               || strcmp (arch, "i586") == 0)) {
    char ev[128];
    snprintf (ev, sizeof ev, "guest architecture %s", arch);
    add_evidence (blockers, "32-bit-userland", "high",
                  "a 32-bit userland: container platforms run 64-bit "
                  "images; rebuild or keep as a VM",
                  ev);
    return;
  }
  for (i = 0; i < pkgs->n; i++) {
    const char *a = pkgs->v[i].arch;
    if (a == NULL)
      continue;
    if (strcmp (a, "i386") == 0 || strcmp (a, "i686") == 0)
      n32++;
    else if (strcmp (a, "all") && strcmp (a, "noarch"))
      n64++;
  }
  if (n32 > 0 && n32 >= n64) {
    char ev[128];
    snprintf (ev, sizeof ev, "%zu of %zu packages are 32-bit", n32,
              n32 + n64);
    add_evidence (blockers, "32-bit-userland", "high",
                  "a 32-bit userland: container platforms run 64-bit "
                  "images; rebuild or keep as a VM",
                  ev);
  }
}

json_t *
v2c_inspect_blockers (struct v2c_fs *fs, const json_t *inv,
                      const struct v2c_pkgs *pkgs,
                      const struct v2c_services *svcs,
                      const struct v2c_conf_facts *facts)
{
  json_t *blockers = json_array ();

  if (blockers == NULL)
    return NULL;
  kernel_modules (fs, blockers);
  sysctl (fs, blockers);
  desktop (pkgs, svcs, blockers);
  multiple_ips (facts, blockers);
  userland_32bit (inv, pkgs, blockers);
  return blockers;
}
