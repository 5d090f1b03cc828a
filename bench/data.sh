#!/bin/bash
# What copying the data volumes costs v2c-convert (issue 15), measured in
# the same run on the same VM:
#   - v2c-convert IMG -o DIR --data none: the image, manifests, report
#   - v2c-convert -v IMG -o DIR (--data both): the same, plus each pvc
#     volume read once into DIR/data/VOLUME.tar.zst and a data image;
#     its log gives the time of each volume's copy within the walk
#   - anchor: virt-tar-out -a IMG VOLUME - for each volume of the plan
#     (one appliance launch each, as a user would run it), to /dev/null
# The copy's cost is the sum of the volumes' copy times v2c-convert -v
# reports (the difference of the two conversions is printed too, but
# appliance launches under TCG vary by more than small volumes cost); it
# must stay within 1.3x the anchor.  The VM is the db fixture (PostgreSQL's cluster
# in a pvc volume) of tests/make-fixtures.sh, or SOURCE and DISK given.
# Prints the medians of N runs (default 3) and the ratio.
# Usage: bench/data.sh [BUILDDIR] [N] [SOURCE DISK]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
build=${1:-$top/build}
n=${2:-3}
tools=$build/tools
fx=${V2C_FIXTURES:-/var/tmp/fx}
src=${3:-$fx/db/db.vmx}
disk=${4:-$fx/db/db.vmdk}
[ -x "$tools/v2c-convert" ] || { echo "bench: build first ($tools/v2c-convert missing)" >&2; exit 1; }
for t in virt-tar-out jq; do
  command -v "$t" >/dev/null || { echo "bench: $t is missing" >&2; exit 1; }
done
[ -f "$src" ] && [ -f "$disk" ] || { echo "bench: no $src or $disk (tests/make-fixtures.sh)" >&2; exit 1; }
tmp=$(mktemp -d /var/tmp/v2c-bench-data-XXXXXX)
trap 'rm -rf "$tmp"' EXIT


echo "bench: $src, $n runs each, backend ${LIBGUESTFS_BACKEND_SETTINGS:-default}, $(nproc) CPUs"
for i in $(seq "$n"); do
  rm -rf "$tmp/none" "$tmp/both"
  s=$(now)
  "$tools/v2c-convert" -q --data none "$src" -o "$tmp/none"
  since "$s" >>"$tmp/t-none"
  s=$(now)
  "$tools/v2c-convert" -v "$src" -o "$tmp/both" 2>"$tmp/log"
  since "$s" >>"$tmp/t-both"
  sed -n "s/.*volume '.*' (.*): [0-9]* bytes of file data copied (\([0-9.]*\) s)/\1/p" "$tmp/log" |
    awk '{ t += $1 } END { printf "%.2f\n", t }' >>"$tmp/t-copy"
  mapfile -t vols < <(jq -r '.image.volumes[] | select(.data) | .path' "$tmp/both/plan.json")
  [ "${#vols[@]}" -gt 0 ] || { echo "bench: the plan has no copied volume" >&2; exit 1; }
  s=$(now)
  for v in "${vols[@]}"; do
    virt-tar-out -a "$disk" "$v" - >/dev/null
  done
  since "$s" >>"$tmp/t-tar"
done
bytes=$(jq '[.image.volumes[].data.size // 0] | add' "$tmp/both/plan.json")
awk -v a="$(median <"$tmp/t-none")" -v b="$(median <"$tmp/t-both")" -v c="$(median <"$tmp/t-copy")" \
    -v t="$(median <"$tmp/t-tar")" -v nv="${#vols[@]}" -v sz="$bytes" 'BEGIN {
  printf "v2c-convert --data none:                 %7.2f s\n", a
  printf "v2c-convert (data: %d volumes, %.1f KiB archived): %7.2f s (difference %.2f s)\n", nv, sz / 1024, b, b - a
  printf "the copy of the data (in the walk):      %7.2f s\n", c
  printf "virt-tar-out of the same directories:    %7.2f s\n", t
  printf "ratio copy / virt-tar-out:               %7.2f (target <= 1.30)\n", c / t
}'
