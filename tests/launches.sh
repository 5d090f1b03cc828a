#!/bin/bash
# tests/launches.sh: how many times this make check started the
# appliance, test by test (tests/qemu-count.sh counted them into
# tests/NAME.launches).  Runs last (tests/tests.am makes its log depend
# on every other test's).  It fails only if the count is missing: the
# number itself is for people to read ("appliance launches: N").
#
# v2c - move VMware virtual machines onto Kubernetes
# SPDX-License-Identifier: LGPL-2.1-or-later
. "${top_srcdir:?}/tests/lib.sh"
: "${V2C_LAUNCH_FILES?}"
total=0
for f in $V2C_LAUNCH_FILES; do
  [ -s "$f" ] || continue
  n=$(wc -l <"$f")
  printf '%4d  %s\n' "$n" "${f%.launches}"
  total=$((total + n))
done
echo "appliance launches: $total"
