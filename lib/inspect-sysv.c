/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * SysV init scripts, with the semantics of systemd-sysv-generator: a
 * script in /etc/init.d counts only when it is an executable regular
 * file and no native unit NAME.service exists (a unit masked to
 * /dev/null counts as one); it is enabled when the default runlevel's
 * directory (Debian /etc/rc2.d, RHEL /etc/rc.d/rc3.d, also /etc/rc3.d)
 * has a start link S<NN>NAME.  The LSB header gives the description and
 * the ordering (Required-Start and Should-Start become "after", as the
 * generator turns them into After=).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "inspect.h"
#include "strbuf.h"

#define SCRIPT_MAX_BYTES (1u << 20)
#define MAX_SCRIPTS 4096
#define MAX_WORDS 256

static const char *const unit_dirs[] = {
  "/etc/systemd/system",           "/run/systemd/system",
  "/usr/local/lib/systemd/system", "/lib/systemd/system",
  "/usr/lib/systemd/system",
};

static const char *const rc_dirs[] = {
  "/etc/rc2.d",
  "/etc/rc3.d",
  "/etc/rc.d/rc3.d",
};

/* Files that are no services: helpers, templates, backups. */
static int
skip_name (const char *n)
{
  static const char *const names[] = {
    "README", "skeleton", "rc", "rcS", "rc.local", "functions",
  };
  static const char *const backup[] = {
    "~",         ".dpkg-old", ".dpkg-new", ".dpkg-dist", ".dpkg-bak",
    ".dpkg-tmp", ".rpmsave",  ".rpmnew",   ".rpmorig",   ".bak",
    ".orig",     ".swp",      ".ucf-old",  ".ucf-new",   ".ucf-dist",
  };
  size_t i, ln = strlen (n);

  if (n[0] == '.' || ln == 0)
    return 1;
  for (i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp (n, names[i]) == 0)
      return 1;
  for (i = 0; i < sizeof backup / sizeof backup[0]; i++) {
    size_t lb = strlen (backup[i]);
    if (ln >= lb && strcmp (n + ln - lb, backup[i]) == 0)
      return 1;
  }
  return 0;
}

static int
has_native_unit (struct v2c_fs *fs, const char *name)
{
  char p[4096];
  struct v2c_fs_stat st;
  size_t i;

  for (i = 0; i < sizeof unit_dirs / sizeof unit_dirs[0]; i++) {
    if ((size_t) snprintf (p, sizeof p, "%s/%s.service", unit_dirs[i], name)
        >= sizeof p)
      continue;
    if (v2c_fs_stat (fs, p, 1, &st) == 0)
      return 1;
  }
  return 0;
}

/* rc listing has S<digits>NAME. */
static int
started (char **rc, const char *name)
{
  size_t i;

  for (i = 0; rc && rc[i]; i++) {
    const char *p = rc[i];
    if (*p++ != 'S')
      continue;
    if (*p < '0' || *p > '9')
      continue;
    while (*p >= '0' && *p <= '9')
      p++;
    if (strcmp (p, name) == 0)
      return 1;
  }
  return 0;
}

/* Each word once, and at most MAX_WORDS of them. */
static int
push_word (struct v2c_strvec *v, const char *w, size_t wn)
{
  if (v->n >= MAX_WORDS || v2c_strvec_findn (v, w, wn) >= 0)
    return 0;
  return v2c_strvec_pushn (v, w, wn);
}

/* The LSB block "### BEGIN INIT INFO" .. "### END INIT INFO". */
static int
lsb_header (const char *buf, size_t len, struct v2c_service *s)
{
  struct v2c_strvec after = V2C_STRVEC_INIT;
  size_t pos = 0;
  int in = 0;
  char *shortd = NULL, *longd = NULL;

  while (pos < len) {
    const char *l = buf + pos, *nl = memchr (l, '\n', len - pos), *v;
    size_t n = nl ? (size_t) (nl - l) : len - pos, vn;

    pos += n + (nl != NULL);
    while (n > 0 && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
      n--;
    if (n >= 19 && strncmp (l, "### BEGIN INIT INFO", 19) == 0) {
      in = 1;
      continue;
    }
    if (!in)
      continue;
    if (n >= 17 && strncmp (l, "### END INIT INFO", 17) == 0)
      break;
    if (n < 2 || l[0] != '#')
      continue;
    l++;
    n--;
    while (n > 0 && (*l == ' ' || *l == '\t')) {
      l++;
      n--;
    }
    v = memchr (l, ':', n);
    if (v == NULL)
      continue;
    vn = n - (size_t) (v - l) - 1;
    {
      size_t kn = (size_t) (v - l);
      v++;
      while (vn > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        vn--;
      }
      if (kn == 17 && strncmp (l, "Short-Description", kn) == 0
          && shortd == NULL) {
        if ((shortd = strndup (v, vn)) == NULL)
          goto oom;
      } else if (kn == 11 && strncmp (l, "Description", kn) == 0
                 && longd == NULL) {
        if ((longd = strndup (v, vn)) == NULL)
          goto oom;
      } else if ((kn == 14 && strncmp (l, "Required-Start", kn) == 0)
                 || (kn == 12 && strncmp (l, "Should-Start", kn) == 0)) {
        while (vn > 0) {
          size_t wn = 0;
          while (wn < vn && v[wn] != ' ' && v[wn] != '\t')
            wn++;
          if (wn && push_word (&after, v, wn) == -1)
            goto oom;
          v += wn;
          vn -= wn;
          while (vn > 0 && (*v == ' ' || *v == '\t')) {
            v++;
            vn--;
          }
        }
      }
    }
  }
  if (shortd) {
    s->description = shortd;
    free (longd);
  } else
    s->description = longd;
  s->after = v2c_strvec_detach (&after);
  return 0;

oom:
  v2c_strvec_clear (&after);
  free (shortd);
  free (longd);
  return -1;
}

int
v2c_sysv_read (struct v2c_fs *fs, struct v2c_services *out,
               struct v2c_err *err)
{
  char **names, **rc[sizeof rc_dirs / sizeof rc_dirs[0]];
  size_t i, j, count = 0;
  int ret = 0;

  names = v2c_fs_list (fs, "/etc/init.d");
  if (names == NULL) {
    if (errno == ENOENT || errno == ENOTDIR)
      return 0;
    return v2c_set_error (err, errno, "can't list '/etc/init.d'");
  }
  for (j = 0; j < sizeof rc_dirs / sizeof rc_dirs[0]; j++)
    rc[j] = v2c_fs_list (fs, rc_dirs[j]);
  for (i = 0; names[i] && count < MAX_SCRIPTS; i++) {
    char path[4096], *buf;
    struct v2c_fs_stat st;
    struct v2c_service *s;
    size_t len;

    if (skip_name (names[i]))
      continue;
    if ((size_t) snprintf (path, sizeof path, "/etc/init.d/%s", names[i])
        >= sizeof path)
      continue;
    if (v2c_fs_stat (fs, path, 0, &st) == -1 || st.type != V2C_FS_REG
        || (st.mode & 0111) == 0)
      continue;
    if (has_native_unit (fs, names[i]))
      continue;
    s = realloc (out->v, (out->n + 1) * sizeof *s);
    if (s == NULL)
      goto oom;
    out->v = s;
    s = &out->v[out->n];
    memset (s, 0, sizeof *s);
    out->n++;
    count++;
    s->name = strdup (names[i]);
    s->kind = strdup ("sysv");
    s->unit_path = strdup (path);
    /* systemd-sysv-generator gives Type=forking */
    s->type = strdup ("forking");
    if (asprintf (&s->exec_start, "%s start", path) == -1)
      s->exec_start = NULL;
    if (!s->name || !s->kind || !s->unit_path || !s->type || !s->exec_start)
      goto oom;
    for (j = 0; j < sizeof rc_dirs / sizeof rc_dirs[0]; j++)
      if (started (rc[j], names[i]))
        s->enabled = 1;
    buf = v2c_fs_read (fs, path, SCRIPT_MAX_BYTES, &len);
    if (buf) {
      int r = lsb_header (buf, len, s);
      free (buf);
      if (r == -1)
        goto oom;
    }
  }
  goto out;

oom:
  ret = v2c_set_error (err, ENOMEM, "out of memory reading '/etc/init.d'");
out:
  v2c_strv_free (names);
  for (j = 0; j < sizeof rc_dirs / sizeof rc_dirs[0]; j++)
    v2c_strv_free (rc[j]);
  return ret;
}
