/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The options of the tools that write an image (v2c-extract,
 * v2c-convert), spelled and checked the same in both.
 */
#ifndef V2C_TOOLS_IMAGE_OPTS_H
#define V2C_TOOLS_IMAGE_OPTS_H

#include "extract.h"
#include "options.h"

enum {
  OPT_PLAN = OPT_TOOL_BASE + 0x40,
  OPT_TAG,
  OPT_STRATEGY,
  OPT_COMPRESS,
  OPT_LEVEL,
  OPT_THREADS,
  OPT_INCLUDE,
  OPT_EXCLUDE,
};

#define IMAGE_SHORT_OPTS "p:"
#define IMAGE_LONG_OPTS                                              \
  { "plan", required_argument, NULL, 'p' },                          \
  { "tag", required_argument, NULL, OPT_TAG },                       \
  { "strategy", required_argument, NULL, OPT_STRATEGY },             \
  { "compress", required_argument, NULL, OPT_COMPRESS },             \
  { "level", required_argument, NULL, OPT_LEVEL },                   \
  { "threads", required_argument, NULL, OPT_THREADS },               \
  { "include", required_argument, NULL, OPT_INCLUDE },               \
  { "exclude", required_argument, NULL, OPT_EXCLUDE }

struct image_opts {
  const char *plan_path; /* -p, --plan */
  const char *tag;
  const char *strategy;
  enum v2c_compression comp;
  int level;   /* -1: the default */
  int threads; /* 0: one per CPU */
};

/* Defaults: gzip at its default level, one thread per CPU. */
void image_opts_init (struct image_opts *io);
/* Handle an image option (patterns go straight to x); 1 if c was one,
 * 0 if not; bad values are usage errors (exit 2). */
int image_opts_option (struct image_opts *io, struct v2c_extract *x, int c,
                       const char *arg);
/* After getopt: combinations that make no sense are usage errors; then
 * the compression settings are given to x. */
void image_opts_finish (struct image_opts *io, struct v2c_extract *x);
/* Read and load a plan file ("-" is standard input); its document in
 * *doc when doc is not NULL.  NULL after printing the error. */
struct v2c_plan *image_opts_read_plan (const char *path, json_t **doc);

#endif /* V2C_TOOLS_IMAGE_OPTS_H */
