/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Apache Tomcat: "catalina.sh run" in CATALINA_HOME (from the unit's
 * environment, the script's own directory, or Debian's
 * /usr/share/tomcatN), with scratch logs, temp and work directories in
 * CATALINA_BASE.  A unit that already runs in the foreground (Debian's
 * tomcat-start.sh) keeps its command.
 *
 * Kind: the generic default (a Deployment, a StatefulSet with a data
 * directory).  Read at inspection by v2c_conf_tomcat
 * (lib/inspect-conf-web.c): the connectors' ports of server.xml;
 * 8080 when none is known.  Ports without a well-known name are
 * "http"; probes: GET / after 30 s.  No report rule of its own.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "converter-util.h"

static const char *const aliases[] = { "tomcat", NULL };

static int
detect (const struct v2c_conv_in *in)
{
  size_t i;

  if (in->src != V2C_CONV_SERVICE)
    return 0;
  if (strncmp (in->base, "tomcat", 6) == 0
      || strcmp (in->exe, "catalina.sh") == 0
      || strcmp (in->exe, "startup.sh") == 0)
    return 1;
  for (i = 1; i < in->argc; i++)
    if (strcmp (in->argv[i], "org.apache.catalina.startup.Bootstrap") == 0)
      return 1;
  return 0;
}

static const char *
env (const struct v2c_plan_component *comp, const char *key)
{
  const char *v = v2c_conv_env (comp, key);

  return v && v[0] == '/' && strchr (v, '$') == NULL ? v : NULL;
}

static int
contribute (struct v2c_conv_ctx *ctx, const struct v2c_conv_in *in,
            struct v2c_conv_out *out, struct v2c_err *err)
{
  char home[512], base[512], script[600], path[640];
  const char *h = env (out->comp, "CATALINA_HOME");
  const char *b = env (out->comp, "CATALINA_BASE"), *words[2];
  static const char *const dirs[] = { "logs", "temp", "work" };
  size_t i;
  int script_exe = strcmp (in->exe, "catalina.sh") == 0
                   || strcmp (in->exe, "startup.sh") == 0;

  if (h)
    snprintf (home, sizeof home, "%s", h);
  else if (script_exe && strchr (in->argv[0], '/')) {
    /* CATALINA_HOME/bin/catalina.sh */
    snprintf (home, sizeof home, "%.*s",
              (int) (v2c_conv_basename (in->argv[0]) - in->argv[0] - 1),
              in->argv[0]);
    if (strlen (home) > 4 && strcmp (home + strlen (home) - 4, "/bin") == 0)
      home[strlen (home) - 4] = '\0';
  } else if (strncmp (in->base, "tomcat", 6) == 0 && in->base[6] >= '0'
             && in->base[6] <= '9')
    snprintf (home, sizeof home, "/usr/share/%s", in->base);
  else
    snprintf (home, sizeof home, "/opt/tomcat");
  if (b)
    snprintf (base, sizeof base, "%s", b);
  else if (strncmp (home, "/usr/share/tomcat", 17) == 0)
    snprintf (base, sizeof base, "/var/lib/%s", home + 11);
  else
    snprintf (base, sizeof base, "%s", home);
  if (script_exe || (in->type && strcmp (in->type, "forking") == 0)) {
    snprintf (script, sizeof script, "%s/bin/catalina.sh", home);
    words[0] = script;
    words[1] = "run";
    if (v2c_conv_set_command (out->comp, words, 2) == -1)
      goto oom;
  }
  if ((h == NULL && v2c_conv_set_env (out->comp, "CATALINA_HOME", home) == -1)
      || (b == NULL
          && v2c_conv_set_env (out->comp, "CATALINA_BASE", base) == -1))
    goto oom;
  for (i = 0; i < 3; i++) {
    snprintf (path, sizeof path, "%s/%s", base, dirs[i]);
    if (v2c_conv_write_path (out->comp, path, 1) == -1)
      goto oom;
  }
  snprintf (path, sizeof path, "%s/conf/server.xml", base);
  if (v2c_conv_config_file (out->comp, path) == -1
      || v2c_conv_write_path (out->comp, "/tmp", 1) == -1)
    goto oom;
  if (v2c_conv_port_count (out->comp) == 0
      && v2c_conv_add_port (out->comp, 8080, "tcp", "http") == -1)
    goto oom;
  out->write_known = 1;
  /* the JVM and the web applications take a while to start */
  ctx->set_probe (ctx, "/", 0, 30);
  return 0;
oom:
  return v2c_set_error (err, 0, "out of memory");
}

const struct v2c_converter v2c_converter_tomcat = {
  .name = "tomcat",
  .aliases = aliases,
  .kind = V2C_KIND_AUTO,
  .flags = V2C_CONV_HTTP,
  .detect = detect,
  .contribute = contribute,
};
