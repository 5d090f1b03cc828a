/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The one table of converters, in priority order: the specific ones
 * first (a Tomcat is also a Java program), then the language runtimes,
 * then cron jobs and timers, and the generic systemd unit last; and
 * the converters a test or an embedding program adds at run time.
 * Adding a workload kind: its file, and its line here.
 */
#include <config.h>

#include <string.h>

#include "converters.h"

/* One line per converter: v2c_converter_NAME, defined in its file. */
#define CONVERTERS(X)                                                         \
  X (nginx)                                                                   \
  X (apache)                                                                  \
  X (postgresql)                                                              \
  X (mysql)                                                                   \
  X (redis)                                                                   \
  X (tomcat)                                                                  \
  X (php_fpm)                                                                 \
  X (java)                                                                    \
  X (inference)                                                               \
  X (python)                                                                  \
  X (node)                                                                    \
  X (cron)                                                                    \
  X (timer)                                                                   \
  X (systemd)

#define DECLARE(n) extern const struct v2c_converter v2c_converter_##n;
#define ENTRY(n) &v2c_converter_##n,

CONVERTERS (DECLARE)

const struct v2c_converter *const v2c_converters[]
    = { CONVERTERS (ENTRY) NULL };

/* Converters added at run time, before the table's. */
static const struct v2c_converter *extra[V2C_CONVERTERS_EXTRA];
static size_t nextra;

const struct v2c_converter *
v2c_converter_at (size_t i)
{
  if (i < nextra)
    return extra[i];
  return v2c_converters[i - nextra];
}

int
v2c_converter_register (const struct v2c_converter *conv)
{
  if (nextra == V2C_CONVERTERS_EXTRA || v2c_converter_named (conv->name))
    return -1;
  extra[nextra++] = conv;
  return 0;
}

void
v2c_converter_unregister_all (void)
{
  nextra = 0;
}

const struct v2c_converter *
v2c_converter_for (const struct v2c_conv_in *in)
{
  const struct v2c_converter *conv;
  size_t i;

  for (i = 0; (conv = v2c_converter_at (i)) != NULL; i++)
    if (conv->detect (in))
      return conv;
  return NULL;
}

const struct v2c_converter *
v2c_converter_named (const char *name)
{
  const struct v2c_converter *conv;
  size_t i;

  for (i = 0; (conv = v2c_converter_at (i)) != NULL; i++)
    if (strcmp (conv->name, name) == 0)
      return conv;
  return NULL;
}
