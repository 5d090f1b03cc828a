/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Users and groups, compared with an independent awk reading (getent's
 * rules: 7 / 4 colon-separated fields, numeric ids) of the same files,
 * and of this machine's own /etc/passwd and /etc/group.  The guest tree
 * is read through a recording wrapper of struct v2c_fs which proves that
 * /etc/shadow and /etc/gshadow are never looked at; in the tree they are
 * FIFOs, which would block any open().
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs-private.h"
#include "unit.h"

static char root[] = "/tmp/v2c-test-users.XXXXXX";

/* A struct v2c_fs that records every path it is asked about and passes
 * the call on to a directory backend. */
struct rec_fs {
  struct v2c_fs fs;
  struct v2c_fs *inner;
  char seen[1 << 14];
};

static void
note (struct v2c_fs *fs, const char *path)
{
  struct rec_fs *r = (struct rec_fs *) fs;
  size_t n = strlen (r->seen);

  snprintf (r->seen + n, sizeof r->seen - n, "%s\n", path);
}

static int
rec_lstat (struct v2c_fs *fs, const char *path, struct v2c_fs_stat *st)
{
  note (fs, path);
  return v2c_fs_stat (((struct rec_fs *) fs)->inner, path, 1, st);
}

static char *
rec_read (struct v2c_fs *fs, const char *path, size_t max, size_t *len)
{
  note (fs, path);
  return v2c_fs_read (((struct rec_fs *) fs)->inner, path, max, len);
}

static char **
rec_list (struct v2c_fs *fs, const char *path)
{
  note (fs, path);
  return v2c_fs_list (((struct rec_fs *) fs)->inner, path);
}

static char *
rec_readlink (struct v2c_fs *fs, const char *path)
{
  note (fs, path);
  return v2c_fs_readlink (((struct rec_fs *) fs)->inner, path);
}

static int64_t
rec_du (struct v2c_fs *fs, const char *path)
{
  note (fs, path);
  return v2c_fs_du (((struct rec_fs *) fs)->inner, path);
}

static const struct v2c_fs_ops rec_ops = {
  .lstat = rec_lstat,
  .read = rec_read,
  .list = rec_list,
  .readlink = rec_readlink,
  .du = rec_du,
};

/* "name|uid|gid|gecos|home|shell" or "name|gid|m1,m2" per entry, as awk
 * reads the file. */
static void
awk_read (const char *path, int group, char *out, size_t size)
{
  char cmd[8192];
  FILE *f;
  size_t n;

  snprintf (
      cmd, sizeof cmd,
      "awk -F: '/^[#+-]/ || $0 == \"\" { next }"
      " %s { if (NF != 4 || $1 == \"\" || $3 !~ /^[0-9]+$/ || $3 > "
      "4294967295) next;"
      "  m = \"\"; n = split($4, a, \",\"); for (i = 1; i <= n; i++)"
      "  if (a[i] != \"\") m = m (m == \"\" ? \"\" : \",\") a[i];"
      "  print $1 \"|\" $3 \"|\" m; next }"
      " { if (NF != 7 || $1 == \"\" || $3 !~ /^[0-9]+$/ || $4 !~ /^[0-9]+$/"
      "   || $3 > 4294967295 || $4 > 4294967295) next;"
      "  print $1 \"|\" $3 \"|\" $4 \"|\" $5 \"|\" $6 \"|\" $7 }' '%s'",
      group ? "1" : "0", path);
  f = popen (cmd, "r");
  if (f == NULL) {
    out[0] = '\0';
    return;
  }
  n = fread (out, 1, size - 1, f);
  out[n] = '\0';
  pclose (f);
}

static void
mine (const struct v2c_users *u, int group, char *out, size_t size)
{
  size_t i, o = 0, k;

  out[0] = '\0';
  for (i = 0; i < u->n && o < size; i++) {
    if (u->v[i].is_group != group)
      continue;
    if (group) {
      o += (size_t) snprintf (out + o, size - o, "%s|%u|", u->v[i].name,
                              u->v[i].gid);
      for (k = 0; u->v[i].members && u->v[i].members[k] && o < size; k++)
        o += (size_t) snprintf (out + o, size - o, "%s%s", k ? "," : "",
                                u->v[i].members[k]);
      if (o < size)
        o += (size_t) snprintf (out + o, size - o, "\n");
    } else
      o += (size_t) snprintf (out + o, size - o, "%s|%u|%u|%s|%s|%s\n",
                              u->v[i].name, u->v[i].uid, u->v[i].gid,
                              u->v[i].gecos, u->v[i].home, u->v[i].shell);
  }
}

static void
compare (const struct v2c_users *u, const char *passwd, const char *group,
         const char *what)
{
  static char a[1 << 20], b[1 << 20];

  awk_read (passwd, 0, a, sizeof a);
  mine (u, 0, b, sizeof b);
  CHECK (a[0] && strcmp (a, b) == 0, "%s passwd:\n--- v2c\n%s--- awk\n%s",
         what, b, a);
  awk_read (group, 1, a, sizeof a);
  mine (u, 1, b, sizeof b);
  CHECK (a[0] && strcmp (a, b) == 0, "%s group:\n--- v2c\n%s--- awk\n%s", what,
         b, a);
}

int
main (void)
{
  struct v2c_err err = { 0, "" };
  struct v2c_users u = { 0 };
  struct rec_fs *rec;
  char p[4096], q[4096], cmd[4200];
  struct v2c_fs *fs;

  if (system ("awk 'BEGIN{}' </dev/null") != 0) {
    fprintf (stderr, "awk not found\n");
    return 77;
  }
  if (mkdtemp (root) == NULL)
    return 1;
  snprintf (p, sizeof p, "%s/etc", root);
  mkdir (p, 0755);
  unit_put (root, "etc/passwd",
       "root:x:0:0:root:/root:/bin/bash\n"
       "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
       "# a comment\n"
       "\n"
       "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
       "postgres:x:108:114:PostgreSQL administrator,,,:/var/lib/postgresql:"
       "/bin/bash\n"
       "demo:x:1000:1000:Demo User,Room 1:/home/demo:/bin/bash\r\n"
       "broken:x:1001\n"
       "toomany:x:1:1:a:b:c:d\n"
       "baduid:x:12a:1::/:/bin/sh\n"
       "huge:x:4294967296:1::/:/bin/sh\n"
       "max:x:4294967295:0::/:\n"
       "+nisuser::::::\n"
       ":x:5:5::/:/bin/sh\n"
       "last:x:2000:2000::/home/last:/bin/sh");
  unit_put (root, "etc/group", "root:x:0:\n"
                    "sudo:x:27:demo,alice\n"
                    "postgres:x:114:\n"
                    "ssl-cert:x:115:postgres,,www-data,\n"
                    "bad:x:\n"
                    "demo:x:1000:\n");
  /* FIFOs: opening one would block this test forever */
  snprintf (p, sizeof p, "%s/etc/shadow", root);
  snprintf (q, sizeof q, "%s/etc/gshadow", root);
  if (mkfifo (p, 0600) == -1 || mkfifo (q, 0600) == -1) {
    perror ("mkfifo");
    return 1;
  }

  rec = calloc (1, sizeof *rec);
  rec->fs.ops = &rec_ops;
  rec->inner = v2c_fs_open_dir (root, &err);
  if (rec->inner == NULL) {
    fprintf (stderr, "%s\n", err.msg);
    return 1;
  }
  if (v2c_users_read (&rec->fs, &u, &err) == -1) {
    fprintf (stderr, "v2c_users_read: %s\n", err.msg);
    return 1;
  }
  printf ("paths looked at:\n%s", rec->seen);
  CHECK (strstr (rec->seen, "shadow") == NULL, "a shadow file was touched");
  CHECK (strstr (rec->seen, "/etc/passwd") && strstr (rec->seen, "/etc/group"),
         "passwd and group not read");
  snprintf (p, sizeof p, "%s/etc/passwd", root);
  snprintf (q, sizeof q, "%s/etc/group", root);
  compare (&u, p, q, "test tree");
  {
    size_t i, users = 0, groups = 0;
    for (i = 0; i < u.n; i++)
      u.v[i].is_group ? groups++ : users++;
    CHECK (users == 7 && groups == 5, "%zu users, %zu groups", users, groups);
  }
  v2c_users_free_contents (&u);
  v2c_fs_free (rec->inner);
  free (rec);

  /* this machine's own files */
  fs = v2c_fs_open_dir ("/", &err);
  if (fs == NULL || v2c_users_read (fs, &u, &err) == -1) {
    fprintf (stderr, "reading /: %s\n", err.msg);
    return 1;
  }
  compare (&u, "/etc/passwd", "/etc/group", "host");
  v2c_users_free_contents (&u);
  v2c_fs_free (fs);

  snprintf (cmd, sizeof cmd, "rm -rf '%s'", root);
  if (failures == 0)
    system (cmd);
  return failures ? 1 : 0;
}
