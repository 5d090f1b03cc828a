/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Users and groups from /etc/passwd and /etc/group (passwd(5),
 * group(5)).  The password fields are never kept, and /etc/shadow and
 * /etc/gshadow are never opened.  Malformed lines (wrong field count,
 * bad numbers, NIS "+"/"-" entries) are skipped, like getent does; as
 * in glibc's parser only '\n' ends a line (a '\r' stays in the field).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "inspect.h"
#include "strbuf.h"

#define PASSWD_MAX_BYTES (16u << 20)
#define MAX_ENTRIES 100000
#define MAX_MEMBERS 65536

void
v2c_users_free_contents (struct v2c_users *u)
{
  size_t i;

  if (u == NULL)
    return;
  for (i = 0; i < u->n; i++) {
    V2C_FREE (u->v[i].name, u->v[i].home, u->v[i].shell, u->v[i].gecos);
    v2c_strv_free (u->v[i].members);
  }
  free (u->v);
  u->v = NULL;
  u->n = 0;
}

static int
parse_id (const char *s, size_t n, uint32_t *out)
{
  uint64_t v = 0;
  size_t i;

  if (n == 0 || n > 10)
    return -1;
  for (i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (uint64_t) (s[i] - '0');
  }
  if (v > UINT32_MAX)
    return -1;
  *out = (uint32_t) v;
  return 0;
}

/* A group's comma-separated members, at most MAX_MEMBERS of them
 * (*out NULL when there are none). */
static int
members (const char *s, size_t n, char ***out)
{
  struct v2c_strvec v = V2C_STRVEC_INIT;
  size_t i = 0;

  while (i < n && v.n < MAX_MEMBERS) {
    size_t j = i;
    while (j < n && s[j] != ',')
      j++;
    if (j > i && v2c_strvec_pushn (&v, s + i, j - i) == -1) {
      v2c_strvec_clear (&v);
      return -1;
    }
    i = j + 1;
  }
  *out = v2c_strvec_detach (&v);
  return 0;
}

int
v2c_passwd_parse (const char *buf, size_t len, int group,
                  struct v2c_users *out, struct v2c_err *err)
{
  size_t pos = 0, want = group ? 4 : 7;
  int line = 0;

  while (pos < len) {
    const char *l = buf + pos, *nl = memchr (l, '\n', len - pos);
    size_t n = nl ? (size_t) (nl - l) : len - pos, nf = 0, i, start = 0;
    const char *f[8];
    size_t fl[8];
    struct v2c_user *u;

    pos += n + (nl != NULL);
    line++;
    if (n == 0 || l[0] == '#' || l[0] == '+' || l[0] == '-'
        || memchr (l, '\0', n))
      continue;
    for (i = 0; i <= n; i++)
      if (i == n || l[i] == ':') {
        if (nf == 8)
          break;
        f[nf] = l + start;
        fl[nf++] = i - start;
        start = i + 1;
      }
    if (nf != want || fl[0] == 0)
      continue;
    if (out->n >= MAX_ENTRIES)
      return v2c_set_error (err, 0, "more than %d entries at line %d",
                            MAX_ENTRIES, line);
    u = realloc (out->v, (out->n + 1) * sizeof *u);
    if (u == NULL)
      return v2c_set_error (err, errno, "out of memory");
    out->v = u;
    u = &out->v[out->n];
    memset (u, 0, sizeof *u);
    if (group) {
      if (parse_id (f[2], fl[2], &u->gid) == -1)
        continue;
      u->uid = u->gid;
      u->is_group = 1;
      if ((u->name = strndup (f[0], fl[0])) == NULL
          || members (f[3], fl[3], &u->members) == -1) {
        free (u->name);
        return v2c_set_error (err, errno, "out of memory");
      }
    } else {
      if (parse_id (f[2], fl[2], &u->uid) == -1
          || parse_id (f[3], fl[3], &u->gid) == -1)
        continue;
      u->name = strndup (f[0], fl[0]);
      u->gecos = strndup (f[4], fl[4]);
      u->home = strndup (f[5], fl[5]);
      u->shell = strndup (f[6], fl[6]);
      if (!u->name || !u->gecos || !u->home || !u->shell) {
        free (u->name);
        free (u->gecos);
        free (u->home);
        free (u->shell);
        return v2c_set_error (err, errno, "out of memory");
      }
    }
    out->n++;
  }
  return 0;
}

static int
read_one (struct v2c_fs *fs, const char *path, int group,
          struct v2c_users *out, struct v2c_err *err)
{
  size_t len;
  char *buf = v2c_fs_read (fs, path, PASSWD_MAX_BYTES, &len);
  int r;

  if (buf == NULL) {
    if (errno == ENOENT)
      return 0;
    return v2c_set_error (err, errno, "can't read '%s'", path);
  }
  r = v2c_passwd_parse (buf, len, group, out, err);
  free (buf);
  if (r == -1)
    v2c_error_prefix (err, "%s", path);
  return r;
}

int
v2c_users_read (struct v2c_fs *fs, struct v2c_users *out, struct v2c_err *err)
{
  if (read_one (fs, "/etc/passwd", 0, out, err) == -1
      || read_one (fs, "/etc/group", 1, out, err) == -1)
    return -1;
  return 0;
}
