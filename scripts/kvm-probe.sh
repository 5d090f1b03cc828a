#!/bin/bash
# scripts/kvm-probe.sh: exit 0 if the libguestfs appliance starts with
# KVM here, 1 if it does not (then use LIBGUESTFS_BACKEND_SETTINGS=force_tcg).
#
# On some hosts qemu aborts at once with KVM ("failed to set MSR"), and
# on some it hangs at start, spinning a core, for as long as one waits
# (seen here: an hour).  The first launch builds the appliance
# (supermin), which takes as long as it takes, so it is made with
# software emulation (TCG), which always works; then KVM gets 30 s to
# start that cached appliance, which takes it a few seconds where it
# works.  Used by scripts/check.sh and scripts/quickstart.sh.
set -uo pipefail
command -v guestfish >/dev/null || exit 1
LIBGUESTFS_BACKEND_SETTINGS=force_tcg timeout -k 10 900 \
  guestfish --ro -a /dev/null run </dev/null >/dev/null 2>&1
timeout -k 10 30 guestfish --ro -a /dev/null run </dev/null >/dev/null 2>&1
