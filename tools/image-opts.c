/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Image options shared by v2c-extract and v2c-convert: see image-opts.h.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image-opts.h"
#include "model.h"

void
image_opts_init (struct image_opts *io)
{
  memset (io, 0, sizeof *io);
  io->comp = V2C_COMPRESS_GZIP;
  io->level = -1;
}

static int
parse_int (const char *s, int lo, int hi, int *out)
{
  char *end;
  long v;

  errno = 0;
  v = strtol (s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi)
    return -1;
  *out = (int) v;
  return 0;
}

int
image_opts_option (struct image_opts *io, struct v2c_extract *x, int c,
                   const char *arg)
{
  switch (c) {
  case 'p':
    io->plan_path = arg;
    return 1;
  case OPT_TAG:
    io->tag = arg;
    return 1;
  case OPT_STRATEGY:
    if (strcmp (arg, "split") != 0 && strcmp (arg, "single") != 0) {
      tool_error ("--strategy must be split or single, not '%s'", arg);
      tool_try_help ();
    }
    io->strategy = arg;
    return 1;
  case OPT_COMPRESS:
    if (strcmp (arg, "gzip") == 0)
      io->comp = V2C_COMPRESS_GZIP;
    else if (strcmp (arg, "zstd") == 0)
      io->comp = V2C_COMPRESS_ZSTD;
    else if (strcmp (arg, "none") == 0)
      io->comp = V2C_COMPRESS_NONE;
    else {
      tool_error ("--compress must be gzip, zstd or none, not '%s'", arg);
      tool_try_help ();
    }
    return 1;
  case OPT_LEVEL:
    if (parse_int (arg, 1, 19, &io->level) == -1) {
      tool_error ("bad --level '%s'", arg);
      tool_try_help ();
    }
    return 1;
  case OPT_THREADS:
    if (parse_int (arg, 1, 64, &io->threads) == -1) {
      tool_error ("bad --threads '%s' (1 to 64)", arg);
      tool_try_help ();
    }
    return 1;
  case OPT_INCLUDE:
  case OPT_EXCLUDE:
    if (v2c_extract_add_pattern (x, c == OPT_INCLUDE, arg) == -1) {
      tool_error ("%s", v2c_extract_error (x));
      tool_try_help ();
    }
    return 1;
  default:
    return 0;
  }
}

void
image_opts_finish (struct image_opts *io, struct v2c_extract *x)
{
  if (io->plan_path && io->strategy) {
    tool_error ("--strategy is for runs without --plan: the plan says its "
                "strategy (edit it, or run v2c-plan --strategy)");
    tool_try_help ();
  }
  if (io->comp == V2C_COMPRESS_GZIP && io->level > 9) {
    tool_error ("gzip levels are 1 to 9");
    tool_try_help ();
  }
  if (io->comp == V2C_COMPRESS_NONE && io->level != -1) {
    tool_error ("--level makes no sense with --compress=none");
    tool_try_help ();
  }
#ifndef HAVE_ZSTD
  if (io->comp == V2C_COMPRESS_ZSTD) {
    tool_error ("this build has no zstd support (libzstd)");
    exit (EXIT_USAGE);
  }
#endif
  v2c_extract_set_compression (x, io->comp, io->level);
  v2c_extract_set_threads (x, io->threads);
}

struct v2c_plan *
image_opts_read_plan (const char *path, json_t **docp)
{
  json_error_t je;
  json_t *doc;
  struct v2c_plan *plan;
  struct v2c_err err = { 0, "" };

  doc = tool_load_json (path, &je);
  if (doc == NULL) {
    tool_error ("can't read the plan '%s': %s (line %d)", path, je.text,
                je.line);
    return NULL;
  }
  plan = v2c_plan_load (doc, &err);
  if (plan == NULL)
    tool_error ("%s: %s", path, err.msg);
  if (plan && docp)
    *docp = doc;
  else
    json_decref (doc);
  return plan;
}
