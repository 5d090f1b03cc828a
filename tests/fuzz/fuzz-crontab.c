/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for v2c_crontab_parse, as a system crontab (user
 * field) and as a user's crontab; then v2c_inspect_cron_data on the
 * jobs, the input also being the script /s (the text a job's command
 * names) in a guest tree of its own.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "inspect-private.h"

static char root[] = "/tmp/fuzz-crontab.XXXXXX";
static char script[sizeof root + 4];

static void
cleanup (void)
{
  remove (script);
  rmdir (root);
}

/* The data directories the jobs name: each one of the two. */
static void
data_dirs (const uint8_t *data, size_t size, struct v2c_cron *c)
{
  static struct v2c_fs *fs;
  static struct v2c_datadir dirs[2]
      = { { .path = (char *) "/var/lib/app" }, { .path = (char *) "/" } };
  struct v2c_conf_facts f = { .dirs = dirs, .ndirs = 2 };
  struct v2c_err err = { 0 };
  struct v2c_cron_job extra = { .command = (char *) "/s" };
  struct v2c_cron one = { &extra, 1 };
  FILE *fp;
  size_t i, j;

  if (fs == NULL) {
    if (mkdtemp (root) == NULL)
      abort ();
    snprintf (script, sizeof script, "%s/s", root);
    atexit (cleanup);
    fs = v2c_fs_open_dir (root, &err);
    if (fs == NULL)
      abort ();
  }
  fp = fopen (script, "wb");
  if (fp == NULL)
    abort ();
  if (fputs ("#!", fp) == EOF || (size && fwrite (data, 1, size, fp) != size))
    abort ();
  fclose (fp);
  if (v2c_inspect_cron_data (fs, &f, c, &err) == -1
      || v2c_inspect_cron_data (fs, &f, &one, &err) == -1)
    abort (); /* only out of memory fails */
  for (i = 0; i < c->n; i++)
    for (j = 0; j < c->v[i].ndata_dirs; j++)
      if (strcmp (c->v[i].data_dirs[j], dirs[0].path) != 0
          && strcmp (c->v[i].data_dirs[j], dirs[1].path) != 0)
        abort ();
  for (j = 0; j < extra.ndata_dirs; j++)
    free (extra.data_dirs[j]);
  free (extra.data_dirs);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2c_err err = { 0 };
  int system;

  for (system = 0; system <= 1; system++) {
    struct v2c_cron c = { 0 };
    size_t i;

    if (v2c_crontab_parse ((const char *) data, size, system, "fuzz",
                           "/etc/crontab", &c, &err)
        == -1) {
      if (err.msg[0] == '\0')
        abort ();
    }
    for (i = 0; i < c.n; i++)
      if (c.v[i].schedule[0] == '\0' || c.v[i].command[0] == '\0'
          || c.v[i].user == NULL || c.v[i].line < 1
          || strchr (c.v[i].command, '\n'))
        abort ();
    if (system)
      data_dirs (data, size, &c);
    v2c_cron_free_contents (&c);
  }
  return 0;
}
