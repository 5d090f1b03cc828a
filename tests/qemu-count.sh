#!/bin/sh
# tests/qemu-count.sh: the hypervisor libguestfs runs during make check
# (LIBGUESTFS_HV, set in tests/tests.am).  It appends one line per
# appliance start (a qemu run with -kernel; the feature probes -help,
# -device ? and -qmp are not launches) to $V2C_LAUNCHES, the test's own
# tests/NAME.launches, then becomes the real qemu: $V2C_REAL_HV (the
# LIBGUESTFS_HV the caller had), else the qemu libguestfs would pick.
# tests/launches.sh adds the counts up.
#
# v2c - move VMware virtual machines onto Kubernetes
# SPDX-License-Identifier: LGPL-2.1-or-later
real=${V2C_REAL_HV:-}
case $real in *qemu-count.sh) real= ;; esac
if [ -z "$real" ]; then
  for q in "qemu-system-$(uname -m)" qemu-kvm /usr/libexec/qemu-kvm; do
    real=$(command -v "$q") && break
  done
fi
[ -n "$real" ] || { echo "qemu-count.sh: no qemu found" >&2; exit 127; }
case " $* " in
  *" -kernel "*)
    [ -z "${V2C_LAUNCHES:-}" ] || echo "$(date -u +%H:%M:%S) $$" >>"$V2C_LAUNCHES" ;;
esac
exec "$real" "$@"
