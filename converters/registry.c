/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The one table of converters, in priority order: the specific ones
 * first (a Tomcat is also a Java program), then the language runtimes,
 * then cron jobs and timers, and the generic systemd unit last.
 */
#include <config.h>

#include <string.h>

#include "converters.h"

const struct v2c_converter *const v2c_converters[] = {
  &v2c_converter_nginx,      &v2c_converter_apache,
  &v2c_converter_postgresql, &v2c_converter_mysql,
  &v2c_converter_redis,      &v2c_converter_tomcat,
  &v2c_converter_php_fpm,    &v2c_converter_java,
  &v2c_converter_python,     &v2c_converter_node,
  &v2c_converter_cron,       &v2c_converter_timer,
  &v2c_converter_systemd,    NULL,
};

const struct v2c_converter *
v2c_converter_for (const struct v2c_conv_in *in)
{
  size_t i;

  for (i = 0; v2c_converters[i]; i++)
    if (v2c_converters[i]->detect (in))
      return v2c_converters[i];
  return NULL;
}

const struct v2c_converter *
v2c_converter_named (const char *name)
{
  size_t i;

  for (i = 0; v2c_converters[i]; i++)
    if (strcmp (v2c_converters[i]->name, name) == 0)
      return v2c_converters[i];
  return NULL;
}
