/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * lib/text.c and the names Kubernetes gets of a VM's name outside
 * ASCII (lib/kube-util.c): Latin letters lose their marks, anything
 * lost adds a hash of the original, so that "caf\xc3\xa9" is neither
 * "caf" nor the same name as "cafe"; UTF-8 checks and repair; iconv
 * decoding with the offset of the first bad byte.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kube-private.h"
#include "kube.h"
#include "v2c-internal.h"
#include "unit.h"

#define CAFE "caf\xc3\xa9"
#define TESUTO "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88"

static void
check (const char *what, const char *got, const char *want)
{
  unit_check_str (what, "", got, want);
}

/* "-" and the hash of s, for the expected names. */
static const char *
with_hash (const char *prefix, const char *s)
{
  static char buf[128];
  char h[9];

  v2c_name_hash (s, h);
  snprintf (buf, sizeof buf, "%s-%s", prefix, h);
  return buf;
}

static void
test_fold (void)
{
  char out[64], h1[9], h2[9];

  CHECK_THAT (v2c_name_fold ("web-01", out, sizeof out) == 0);
  check ("ascii", out, "web-01");
  CHECK_THAT (v2c_name_fold (CAFE, out, sizeof out) == 1);
  check ("cafe", out, "cafe");
  v2c_name_fold ("\xc3\x86sir \xc5\x81\xc3\xb3"
                 "d\xc5\xba Stra\xc3\x9f"
                 "e"
                 " \xc3\xa6\xc3\xb8\xc3\xbf \xc5\x92uvre \xc3\x97",
                 out, sizeof out);
  check ("latin", out, "AEsir Lodz Strasse aeoy OEuvre  ");
  v2c_name_fold ("db-" TESUTO "-1", out, sizeof out);
  check ("katakana", out, "db- -1");
  v2c_name_fold ("e\xcc\x81t\xc3\xa9", out, sizeof out); /* combining */
  check ("combining", out, "ete");
  v2c_name_fold ("a\xe9z\xc0\xaf", out, sizeof out); /* not UTF-8 */
  check ("bad bytes", out, "a z ");
  v2c_name_fold ("abcdef", out, 4);
  check ("truncated", out, "abc");
  CHECK_THAT (v2c_name_fold (NULL, out, sizeof out) == 0 && out[0] == '\0');

  v2c_name_hash (CAFE, h1);
  v2c_name_hash ("cafe", h2);
  CHECK (strlen (h1) == 8 && strcmp (h1, h2) != 0, "hashes %s %s", h1, h2);
  v2c_name_hash ("", h1);
  check ("FNV-1a offset basis", h1, "811c9dc5");
}

static void
test_utf8 (void)
{
  size_t bad = 99, n = 0;
  char *s;

  CHECK_THAT (v2c_utf8_valid (CAFE TESUTO, strlen (CAFE TESUTO), &bad));
  CHECK_THAT (!v2c_utf8_valid ("ab\xe9", 3, &bad) && bad == 2);
  CHECK_THAT (!v2c_utf8_valid ("\xed\xa0\x80", 3, &bad) && bad == 0);
  CHECK_THAT (!v2c_utf8_valid ("\xf4\x90\x80\x80", 4, &bad));
  CHECK_THAT (!v2c_utf8_valid ("x\xe3\x83", 3, &bad) && bad == 1);

  s = v2c_utf8_repair ("caf\xe9!");
  check ("repair", s, "caf\xef\xbf\xbd!");
  free (s);

  s = v2c_to_utf8 ("caf\xe9", 4, "windows-1252", &n, NULL);
  check ("iconv", s, CAFE);
  CHECK_THAT (n == strlen (CAFE));
  free (s);
  errno = 0;
  s = v2c_to_utf8 ("ok\n\x81", 4, "windows-1252", &n, &bad);
  CHECK (s == NULL && errno == EILSEQ && bad == 3, "bad byte at %zu", bad);
  errno = 0;
  s = v2c_to_utf8 ("x", 1, "no-such-charset", &n, &bad);
  CHECK_THAT (s == NULL && errno == EINVAL);
}

static void
test_kube_names (void)
{
  char out[64], long_name[200];

  v2c_kube_dns_label ("Web_Server", out, sizeof out);
  check ("dns ascii", out, "web-server");
  v2c_kube_dns_label (CAFE, out, sizeof out);
  check ("dns cafe", out, with_hash ("cafe", CAFE));
  v2c_kube_dns_label (TESUTO, out, sizeof out);
  check ("dns katakana", out, with_hash ("x", TESUTO));
  kube_label_value (CAFE " 1", out, sizeof out);
  check ("label cafe", out, with_hash ("cafe-1", CAFE " 1"));
  kube_label_value (TESUTO, out, sizeof out);
  check ("label katakana", out, with_hash ("unnamed", TESUTO));
  kube_label_value ("", out, sizeof out);
  check ("label empty", out, "unnamed");

  /* A long name keeps its hash within 63 bytes. */
  memset (long_name, 'a', 150);
  strcpy (long_name + 150, CAFE);
  v2c_kube_dns_label (long_name, out, sizeof out);
  CHECK (strlen (out) == 63 && out[54] == '-', "long: '%s'", out);
  kube_label_value (long_name, out, sizeof out);
  CHECK (strlen (out) == 63 && out[54] == '-', "long label: '%s'", out);
}

int
main (void)
{
  test_fold ();
  test_utf8 ();
  test_kube_names ();
  return unit_status ();
}
