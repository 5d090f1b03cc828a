/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The path patterns of plans and --include/--exclude (lib/extract.c),
 * against a table of cases, and against fnmatch(3) with FNM_PATHNAME
 * for the patterns the two define alike (no "**").
 */
#include <config.h>

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "unit.h"

static const struct {
  const char *pattern, *path;
  int match, covers;
} cases[] = {
  { "/proc", "/proc", 1, 1 },
  { "/proc", "/proc/1/status", 0, 1 },
  { "/proc", "/procfs", 0, 0 },
  { "/var/log", "/var/log/nginx/access.log", 0, 1 },
  { "/var/lo", "/var/log", 0, 0 },
  { "/etc/ssh/ssh_host_*", "/etc/ssh/ssh_host_rsa_key", 1, 1 },
  { "/etc/ssh/ssh_host_*", "/etc/ssh/ssh_host_rsa_key.pub", 1, 1 },
  { "/etc/ssh/ssh_host_*", "/etc/ssh/sshd_config", 0, 0 },
  { "/etc/ssh/ssh_host_*", "/etc/ssh/ssh_host_d/x", 0, 1 },
  { "/var/cache/debconf/*-old", "/var/cache/debconf/config.dat-old", 1, 1 },
  { "/var/cache/debconf/*-old", "/var/cache/debconf/config.dat", 0, 0 },
  { "/opt/*", "/opt/app", 1, 1 },
  { "/opt/*", "/opt/app/bin/x", 0, 1 },
  { "/*/www", "/srv/www", 1, 1 },
  { "/*/www", "/srv/a/www", 0, 0 },
  { "/**/*.log", "/var/log/a.log", 1, 1 },
  { "/**/*.log", "/a.log", 1, 1 },
  { "/**/*.log", "/var/log/a.logx", 0, 0 },
  { "/**/.git", "/srv/app/.git", 1, 1 },
  { "/**/.git", "/srv/app/x.git", 0, 0 },
  { "/srv/**", "/srv/a/b/c", 1, 1 },
  { "/srv/**", "/srv", 0, 0 },
  { "/srv/**/cache", "/srv/cache", 1, 1 },
  { "/srv/**/cache", "/srv/a/b/cache", 1, 1 },
  { "/srv/**/cache", "/srv/a/bcache", 0, 0 },
  { "/**", "/anything/at/all", 1, 1 },
  { "/home/?", "/home/a", 1, 1 },
  { "/home/?", "/home/ab", 0, 0 },
  { "/a?b", "/a/b", 0, 0 },
  { "/data[0-9]", "/data7", 1, 1 },
  { "/data[0-9]", "/datax", 0, 0 },
  { "/data[!0-9]", "/datax", 1, 1 },
  { "/data[!0-9]", "/data1", 0, 0 },
  { "/x[]]", "/x]", 1, 1 },
  { "/x[/]y", "/x/y", 0, 0 },
  { "/a[b", "/a[b", 1, 1 },
  { "/a*b*c*d*e*f*g", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0, 0 },
  { "/**a**a**a**a**a**b", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0, 0 },
};

/* pairs compared with fnmatch (FNM_PATHNAME): no "**" */
static const char *const fn_patterns[] = {
  "/etc/*", "/etc/*.conf", "/e?c/p*d", "/[a-f]*/x", "/*/*/*", "/var/lib/[!d]*",
  "/usr/lib/*/libc.so*", "/*a*b*", "/x[0-9][0-9]",
};
static const char *const fn_paths[] = {
  "/etc/passwd", "/etc/nginx.conf", "/etc/nginx/nginx.conf", "/etc/pwd",
  "/bin/x", "/d/x", "/a/b/c", "/a/b", "/var/lib/dpkg", "/var/lib/apt",
  "/usr/lib/x86_64-linux-gnu/libc.so.6", "/xab", "/zaqb", "/x12", "/x1a",
};

int
main (void)
{
  size_t i, j;

  for (i = 0; i < sizeof cases / sizeof *cases; i++) {
    int m = v2c_extract_match (cases[i].pattern, cases[i].path);
    int c = v2c_extract_covers (cases[i].pattern, cases[i].path);
    if (m != cases[i].match || c != cases[i].covers) {
      FAIL ("'%s' on '%s': match %d covers %d, expected %d %d",
            cases[i].pattern, cases[i].path, m, c, cases[i].match,
            cases[i].covers);
    }
  }
  for (i = 0; i < sizeof fn_patterns / sizeof *fn_patterns; i++)
    for (j = 0; j < sizeof fn_paths / sizeof *fn_paths; j++) {
      int want = fnmatch (fn_patterns[i], fn_paths[j], FNM_PATHNAME) == 0;
      int got = v2c_extract_match (fn_patterns[i], fn_paths[j]);
      if (want != got) {
        FAIL ("'%s' on '%s': %d, fnmatch says %d", fn_patterns[i],
              fn_paths[j], got, want);
      }
    }
  if (failures)
    return unit_status ();
  printf ("ok: %zu pattern cases, %zu fnmatch comparisons\n",
          sizeof cases / sizeof *cases,
          sizeof fn_patterns / sizeof *fn_patterns
            * (sizeof fn_paths / sizeof *fn_paths));
  return 0;
}
