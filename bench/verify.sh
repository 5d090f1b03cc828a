#!/bin/bash
# What v2c-verify costs, and what the data copy costs v2c-convert
# (issue 15), in one run on this machine:
#   - v2c-verify of the demo VM and of the db fixture (each converted
#     once here, with its data), wall time of each verify run;
#   - bench/data.sh on the db fixture: v2c-convert with and without its
#     data volumes and virt-tar-out of the same directories, the ratio
#     of the copy to virt-tar-out (target <= 1.3).
# The db fixture's postgres is the fixture's placeholder binary, so its
# verify ends "failed" for that component; the time is what is measured.
# Usage: bench/verify.sh [BUILDDIR] [N]   (N runs of each, default 3)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
build=${1:-$top/build}
n=${2:-3}
tools=$build/tools
fx=${V2C_FIXTURES:-/var/tmp/fx}
[ -x "$tools/v2c-verify" ] || { echo "bench: build first ($tools/v2c-verify missing)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench: v2c-verify needs root podman" >&2; exit 1; }
tmp=$(mktemp -d /var/tmp/v2c-bench-verify-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

echo "bench: v2c-verify, $n runs each, $(nproc) CPUs, podman $(podman --version | awk '{print $3}')"
for vm in ova/demo.ova db/db.vmx; do
  name=$(basename "$vm" | sed 's/\..*//')
  "$tools/v2c-convert" -q "$fx/$vm" -o "$tmp/$name"
  for _ in $(seq "$n"); do
    s=$(now)
    rc=0
    "$tools/v2c-verify" -q "$tmp/$name" || rc=$?
    since "$s" >>"$tmp/t-$name"
  done
  printf 'v2c-verify %-16s %7.2f s (median; %d components, %d failed)\n' "$vm:" \
    "$(median <"$tmp/t-$name")" "$(jq '.components | length' "$tmp/$name/verify.json")" \
    "$(jq '[.components[] | select(.passed == false)] | length' "$tmp/$name/verify.json")"
done
V2C_FIXTURES=$fx bash "$top/bench/data.sh" "$build" "$n"
