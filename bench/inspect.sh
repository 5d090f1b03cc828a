#!/bin/bash
# Inventory speed on a real Debian 12 guest (~180 packages, debootstrap +
# nginx, PostgreSQL, Redis; tests/make-debian.sh), in one run:
#   - the appliance launch alone (guestfish --ro -a IMG run)
#   - v2c-inspect (launch + inspection + the full inventory), with its
#     own stage timings (-v) for the inventory after the OS is mounted
#   - virt-inspector on the same image (libguestfs' own inventory tool,
#     which does less: no services, ports, secrets or blockers)
# Prints medians of N runs (default 3), the ratio v2c/virt-inspector,
# the inventory's time beyond the launch (target: <= 15 s under TCG) and
# v2c-inspect's peak RSS.
# Usage: bench/inspect.sh [BUILDDIR] [N]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
build=${1:-$top/build}
n=${2:-3}
tool=$build/tools/v2c-inspect
[ -x "$tool" ] || { echo "bench: build first ($tool missing)" >&2; exit 1; }
img=$("$top/tests/make-debian.sh")/debian12.qcow2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

secs () {  # secs CMD...: wall seconds of one run
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  e=$(date +%s.%N)
  awk -v a="$s" -v b="$e" 'BEGIN {printf "%.2f\n", b - a}'
}

packages=$(dpkg-query --admindir="$(dirname "$img")/tree/var/lib/dpkg" -W | wc -l)
echo "bench: $img ($packages packages), $n runs each, backend ${LIBGUESTFS_BACKEND_SETTINGS:-default}"
for i in $(seq "$n"); do
  secs guestfish --ro -a "$img" run >>"$tmp/launch"
  /usr/bin/time -f '%e %M' -o "$tmp/time.$i" "$tool" -v "$img" -o "$tmp/inv.json" 2>"$tmp/v.$i"
  awk '{print $1}' "$tmp/time.$i" >>"$tmp/v2c"
  awk '{print $2}' "$tmp/time.$i" >>"$tmp/rss"
  # the inventory after the OS is mounted: sum of v2c's stage timings
  sed -n 's/.*inventory: .* (\([0-9.]*\) s)$/\1/p' "$tmp/v.$i" \
    | awk '{s += $1} END {printf "%.2f\n", s}' >>"$tmp/inv"
  secs virt-inspector -a "$img" >>"$tmp/vi"
done
launch=$(median <"$tmp/launch")
v2c=$(median <"$tmp/v2c")
inv=$(median <"$tmp/inv")
vi=$(median <"$tmp/vi")
rss=$(median <"$tmp/rss")
awk -v l="$launch" -v v="$v2c" -v i="$inv" -v vi="$vi" -v r="$rss" -v p="$packages" 'BEGIN {
  printf "appliance launch alone:          %6.2f s\n", l
  printf "v2c-inspect (whole):             %6.2f s\n", v
  printf "virt-inspector (whole):          %6.2f s\n", vi
  printf "ratio v2c-inspect/virt-inspector: %5.2f\n", v / vi
  printf "v2c beyond the launch:           %6.2f s (target <= 15 s)\n", v - l
  printf "  of which the inventory itself: %6.2f s for %d packages\n", i, p
  printf "v2c-inspect peak RSS:            %6.1f MiB (with its qemu appliance child)\n", r / 1024
}'
