/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * cron jobs: crontabs (crontab(5): five time fields or an @keyword, a
 * user field in system crontabs, environment lines skipped, no line
 * continuation, '%' kept as written), the run-parts directories
 * /etc/cron.{hourly,daily,weekly,monthly} and /etc/anacrontab.
 *
 * Schedules: crontab fields are copied joined by single spaces; scripts
 * of /etc/cron.daily etc. get "@daily" etc.; an anacrontab period of 1
 * or 7 days becomes "@daily" / "@weekly", an @keyword is kept, any other
 * period stays as written (a number of days).
 *
 * The data a job works on: the data directories of the inventory that
 * its command line names, or a script it runs (a "#!" text file named
 * on the command line, one level deep, comment lines ignored).  A
 * backup job copying /var/lib/app/data.db needs the volume that holds
 * /var/lib/app.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect-private.h"

#define CRONTAB_MAX_BYTES (1u << 20)
#define MAX_JOBS 10000
#define MAX_LINE (64u << 10)
#define MAX_FILES 4096
/* a script a job runs is read up to this size, at most this many a job */
#define SCRIPT_MAX_BYTES (64u << 10)
#define SCRIPTS_PER_JOB 8

void
v2c_cron_free_contents (struct v2c_cron *c)
{
  size_t i;

  if (c == NULL)
    return;
  for (i = 0; i < c->n; i++) {
    size_t j;

    V2C_FREE (c->v[i].schedule, c->v[i].user, c->v[i].command,
              c->v[i].file, c->v[i].package);
    for (j = 0; j < c->v[i].nenvironment; j++)
      V2C_FREE (c->v[i].environment[j].key, c->v[i].environment[j].value);
    free (c->v[i].environment);
    for (j = 0; j < c->v[i].ndata_dirs; j++)
      free (c->v[i].data_dirs[j]);
    free (c->v[i].data_dirs);
  }
  free (c->v);
  c->v = NULL;
  c->n = 0;
}

static int
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

static int
add_job (struct v2c_cron *out, const char *sched, size_t sn, const char *user,
         size_t un, const char *cmd, size_t cn, const char *file, int line,
         struct v2c_err *err)
{
  struct v2c_cron_job *j;

  if (out->n >= MAX_JOBS)
    return v2c_set_error (err, 0, "more than %d cron jobs", MAX_JOBS);
  j = realloc (out->v, (out->n + 1) * sizeof *j);
  if (j == NULL)
    return v2c_set_error (err, errno, "out of memory");
  out->v = j;
  j = &out->v[out->n];
  memset (j, 0, sizeof *j);
  j->schedule = strndup (sched, sn);
  j->user = user ? strndup (user, un) : NULL;
  j->command = strndup (cmd, cn);
  j->file = file ? strdup (file) : NULL;
  j->line = line;
  if (!j->schedule || (user && !j->user) || !j->command
      || (file && !j->file)) {
    free (j->schedule);
    free (j->user);
    free (j->command);
    free (j->file);
    return v2c_set_error (err, errno, "out of memory");
  }
  out->n++;
  return 0;
}

static int
time_field_ok (const char *f, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    char c = f[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z') || c == '*' || c == ',' || c == '-'
          || c == '/'))
      return 0;
  }
  return n > 0;
}

static int
keyword_ok (const char *w, size_t n)
{
  static const char *const kw[] = {
    "@reboot", "@yearly", "@annually", "@monthly",
    "@weekly", "@daily",  "@midnight", "@hourly",
  };
  size_t i;

  for (i = 0; i < sizeof kw / sizeof kw[0]; i++)
    if (strlen (kw[i]) == n && strncmp (kw[i], w, n) == 0)
      return 1;
  return 0;
}

/* Next blank-separated word of [*p, end). */
static int
word (const char **p, const char *end, const char **w, size_t *wn)
{
  while (*p < end && is_blank (**p))
    (*p)++;
  if (*p == end)
    return 0;
  *w = *p;
  while (*p < end && !is_blank (**p))
    (*p)++;
  *wn = (size_t) (*p - *w);
  return 1;
}

int
v2c_crontab_parse (const char *buf, size_t len, int system, const char *user,
                   const char *file, struct v2c_cron *out, struct v2c_err *err)
{
  size_t pos = 0;
  int line = 0;

  while (pos < len) {
    const char *l = buf + pos, *nl = memchr (l, '\n', len - pos), *end, *p;
    size_t n = nl ? (size_t) (nl - l) : len - pos;
    const char *w, *sched, *u = user, *cmd;
    size_t wn, sn, un = user ? strlen (user) : 0;
    int i;

    pos += n + (nl != NULL);
    line++;
    if (n > MAX_LINE || memchr (l, '\0', n))
      continue; /* cron refuses such lines too */
    end = l + n;
    while (end > l && (end[-1] == '\r' || is_blank (end[-1])))
      end--;
    p = l;
    while (p < end && is_blank (*p))
      p++;
    if (p == end || *p == '#')
      continue;
    /* minute fields start with a digit or '*': anything else with '=' is
     * an environment setting (SHELL=, MAILTO=, CRON_TZ=, ...) */
    if (!(*p == '@' || *p == '*' || (*p >= '0' && *p <= '9')))
      continue;
    sched = p;
    if (*p == '@') {
      if (!word (&p, end, &w, &wn) || !keyword_ok (w, wn))
        continue;
    } else {
      for (i = 0; i < 5; i++)
        if (!word (&p, end, &w, &wn) || !time_field_ok (w, wn))
          break;
      if (i < 5)
        continue;
    }
    sn = (size_t) (p - sched);
    if (system) {
      if (!word (&p, end, &u, &un))
        continue;
    }
    while (p < end && is_blank (*p))
      p++;
    if (p == end)
      continue;
    cmd = p;
    {
      /* the schedule's fields joined by single blanks */
      char s[512];
      size_t o = 0;
      const char *q = sched, *qe = sched + sn;
      while (word (&q, qe, &w, &wn)) {
        if (o + wn + 2 > sizeof s)
          break;
        if (o)
          s[o++] = ' ';
        memcpy (s + o, w, wn);
        o += wn;
      }
      if (q < qe)
        continue;
      if (add_job (out, s, o, u, un, cmd, (size_t) (end - cmd), file, line,
                   err)
          == -1)
        return -1;
    }
  }
  return 0;
}

static int
read_crontab (struct v2c_fs *fs, const char *path, int system,
              const char *user, struct v2c_cron *out, struct v2c_err *err)
{
  size_t len;
  char *buf = v2c_fs_read (fs, path, CRONTAB_MAX_BYTES, &len);
  int r;

  if (buf == NULL) {
    if (errno == ENOMEM)
      return v2c_set_error (err, errno, "can't read '%s'", path);
    return 0; /* missing, too large or not a file: cron skips it too */
  }
  r = v2c_crontab_parse (buf, len, system, user, path, out, err);
  free (buf);
  if (r == -1)
    v2c_error_prefix (err, "%s", path);
  return r;
}

/* run-parts' default name rule: ^[A-Za-z0-9_-]+$ (so no '.', no '~'). */
static int
run_parts_name (const char *n)
{
  if (*n == '\0')
    return 0;
  for (; *n; n++)
    if (!((*n >= 'A' && *n <= 'Z') || (*n >= 'a' && *n <= 'z')
          || (*n >= '0' && *n <= '9') || *n == '_' || *n == '-'))
      return 0;
  return 1;
}

static int
read_dir (struct v2c_fs *fs, const char *dir, int system, int user_is_name,
          int (*ok) (const char *), struct v2c_cron *out, struct v2c_err *err)
{
  char **v = v2c_fs_list (fs, dir);
  size_t i;
  int r = 0;

  for (i = 0; v && v[i] && i < MAX_FILES && r == 0; i++) {
    char p[4096];
    struct v2c_fs_stat st;

    if (!ok (v[i]))
      continue;
    if ((size_t) snprintf (p, sizeof p, "%s/%s", dir, v[i]) >= sizeof p)
      continue;
    if (v2c_fs_stat (fs, p, 0, &st) == -1 || st.type != V2C_FS_REG)
      continue;
    r = read_crontab (fs, p, system, user_is_name ? v[i] : NULL, out, err);
  }
  v2c_strv_free (v);
  return r;
}

/* Debian's cron ignores /etc/cron.d files with a '.' or '~' in the name
 * (dpkg leftovers, .placeholder). */
static int
cron_d_name (const char *n)
{
  return *n && strchr (n, '.') == NULL && strchr (n, '~') == NULL;
}

/* Spool files are named after the user; crontab -e leaves tmp.* files. */
static int
spool_name (const char *n)
{
  return *n && n[0] != '.' && strncmp (n, "tmp.", 4) != 0
         && strchr (n, '~') == NULL && strcmp (n, "crontabs") != 0;
}

static int
read_anacrontab (struct v2c_fs *fs, struct v2c_cron *out, struct v2c_err *err)
{
  static const char path[] = "/etc/anacrontab";
  size_t len, pos = 0;
  int line = 0;
  char *buf = v2c_fs_read (fs, path, CRONTAB_MAX_BYTES, &len);

  if (buf == NULL)
    return errno == ENOMEM
               ? v2c_set_error (err, errno, "can't read '%s'", path)
               : 0;
  while (pos < len) {
    const char *l = buf + pos, *nl = memchr (l, '\n', len - pos), *end, *p;
    const char *period, *w;
    size_t n = nl ? (size_t) (nl - l) : len - pos, pn, wn;

    pos += n + (nl != NULL);
    line++;
    if (n > MAX_LINE || memchr (l, '\0', n))
      continue;
    end = l + n;
    while (end > l && (end[-1] == '\r' || is_blank (end[-1])))
      end--;
    p = l;
    if (!word (&p, end, &period, &pn) || period[0] == '#')
      continue;
    if (!((period[0] >= '0' && period[0] <= '9') || period[0] == '@'))
      continue; /* an environment assignment */
    if (period[0] == '@' ? !keyword_ok (period, pn)
                         : strspn (period, "0123456789") != pn)
      continue;
    /* delay, job identifier */
    if (!word (&p, end, &w, &wn) || !word (&p, end, &w, &wn))
      continue;
    while (p < end && is_blank (*p))
      p++;
    if (p == end)
      continue;
    if (pn == 1 && period[0] == '1')
      period = "@daily", pn = 6;
    else if (pn == 1 && period[0] == '7')
      period = "@weekly", pn = 7;
    if (add_job (out, period, pn, "root", 4, p, (size_t) (end - p), path, line,
                 err)
        == -1) {
      free (buf);
      return v2c_error_prefix (err, "%s", path);
    }
  }
  free (buf);
  return 0;
}

int
v2c_cron_read (struct v2c_fs *fs, struct v2c_cron *out, struct v2c_err *err)
{
  static const char *const parts[]
      = { "hourly", "daily", "weekly", "monthly" };
  size_t i, j;

  if (read_crontab (fs, "/etc/crontab", 1, NULL, out, err) == -1
      || read_dir (fs, "/etc/cron.d", 1, 0, cron_d_name, out, err) == -1
      || read_dir (fs, "/var/spool/cron/crontabs", 0, 1, spool_name, out, err)
             == -1
      || read_dir (fs, "/var/spool/cron", 0, 1, spool_name, out, err) == -1
      /* busybox crond (Alpine) */
      || read_dir (fs, "/etc/crontabs", 0, 1, spool_name, out, err) == -1)
    return -1;
  for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
    char dir[64], sched[16];
    char **v;

    snprintf (dir, sizeof dir, "/etc/cron.%s", parts[i]);
    snprintf (sched, sizeof sched, "@%s", parts[i]);
    v = v2c_fs_list (fs, dir);
    for (j = 0; v && v[j] && j < MAX_FILES; j++) {
      char p[4096];
      struct v2c_fs_stat st;

      /* run-parts runs executable files with plain names only */
      if (!run_parts_name (v[j]) || strcmp (v[j], "README") == 0)
        continue;
      if ((size_t) snprintf (p, sizeof p, "%s/%s", dir, v[j]) >= sizeof p)
        continue;
      if (v2c_fs_stat (fs, p, 0, &st) == -1 || st.type != V2C_FS_REG
          || (st.mode & 0111) == 0)
        continue;
      if (add_job (out, sched, strlen (sched), "root", 4, p, strlen (p), dir,
                   0, err)
          == -1) {
        v2c_strv_free (v);
        return -1;
      }
    }
    v2c_strv_free (v);
  }
  return read_anacrontab (fs, out, err);
}

/* ------------------------------------------------------------------ */
/* The data a job works on                                             */

static int
path_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
         || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'
         || c == '/' || c == '+' || c == '@' || c == '~';
}

/* Does text name dir, as a path of its own or the start of one
 * ("/var/lib/app", "/var/lib/app/data.db"; not "/var/lib/apps")?
 * Comment lines (first non-blank '#') don't count. */
static int
names_dir (const char *text, size_t len, const char *dir)
{
  size_t dn = strlen (dir), i;

  while (dn > 1 && dir[dn - 1] == '/')
    dn--;
  if (dn < 2 || len < dn)
    return 0;
  for (i = 0; i + dn <= len; i++) {
    size_t b;

    if (text[i] != '/' || memcmp (text + i, dir, dn) != 0)
      continue;
    if (i > 0 && path_char (text[i - 1]))
      continue;
    if (i + dn < len && path_char (text[i + dn]) && text[i + dn] != '/')
      continue;
    /* in a comment? */
    for (b = i; b > 0 && text[b - 1] != '\n'; b--)
      ;
    while (b < i && is_blank (text[b]))
      b++;
    if (text[b] == '#')
      continue;
    return 1;
  }
  return 0;
}

static int
add_data_dir (struct v2c_cron_job *j, const char *dir, struct v2c_err *err)
{
  char **nv;
  size_t i;

  for (i = 0; i < j->ndata_dirs; i++)
    if (strcmp (j->data_dirs[i], dir) == 0)
      return 0;
  nv = realloc (j->data_dirs, (j->ndata_dirs + 1) * sizeof *nv);
  if (nv == NULL)
    return v2c_set_error (err, ENOMEM, "out of memory");
  j->data_dirs = nv;
  if ((nv[j->ndata_dirs] = strdup (dir)) == NULL)
    return v2c_set_error (err, ENOMEM, "out of memory");
  j->ndata_dirs++;
  return 0;
}

/* The text of the job: its command line, then the scripts it names (an
 * absolute path to a regular file of at most SCRIPT_MAX_BYTES that
 * starts with "#!"); scripts those scripts run are not followed. */
static char *
job_text (struct v2c_fs *fs, const struct v2c_cron_job *j, size_t *len)
{
  const char *s = j->command, *e;
  size_t n = strlen (s), scripts = 0;
  char *text = strdup (s);

  if (text == NULL)
    return NULL;
  while (*s && scripts < SCRIPTS_PER_JOB) {
    char path[4096], *body, *nt;
    size_t bl, pn;
    struct v2c_fs_stat st;

    while (*s && *s != '/')
      s++;
    for (e = s; *e && path_char (*e); e++)
      ;
    pn = (size_t) (e - s);
    if (pn == 0)
      break;
    if ((s > j->command && path_char (s[-1])) || pn >= sizeof path) {
      s = e;
      continue;
    }
    memcpy (path, s, pn);
    path[pn] = '\0';
    s = e;
    if (v2c_fs_stat (fs, path, 0, &st) == -1 || st.type != V2C_FS_REG
        || st.size > (int64_t) SCRIPT_MAX_BYTES)
      continue;
    body = v2c_fs_read (fs, path, SCRIPT_MAX_BYTES, &bl);
    if (body == NULL || bl < 2 || memcmp (body, "#!", 2) != 0
        || memchr (body, '\0', bl) != NULL) {
      free (body);
      continue;
    }
    scripts++;
    nt = realloc (text, n + 1 + bl + 1);
    if (nt == NULL) {
      free (body);
      free (text);
      return NULL;
    }
    text = nt;
    text[n++] = '\n';
    memcpy (text + n, body, bl);
    n += bl;
    text[n] = '\0';
    free (body);
  }
  *len = n;
  return text;
}

int
v2c_inspect_cron_data (struct v2c_fs *fs, const struct v2c_conf_facts *facts,
                       struct v2c_cron *cron, struct v2c_err *err)
{
  size_t i, k;

  if (facts->ndirs == 0)
    return 0;
  for (i = 0; i < cron->n; i++) {
    struct v2c_cron_job *j = &cron->v[i];
    size_t len;
    char *text = job_text (fs, j, &len);

    if (text == NULL)
      return v2c_set_error (err, ENOMEM, "out of memory");
    for (k = 0; k < facts->ndirs; k++)
      if (names_dir (text, len, facts->dirs[k].path)
          && add_data_dir (j, facts->dirs[k].path, err) == -1) {
        free (text);
        return -1;
      }
    free (text);
  }
  return 0;
}
