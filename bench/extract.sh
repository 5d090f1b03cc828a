#!/bin/bash
# Image extraction speed and memory on a real Debian 12 guest (~180
# packages, ~600 MB; tests/make-debian.sh), measured in the same run:
#   - baseline: virt-tar-out -a IMG / - | gzip -6 | sha256sum (libguestfs'
#     own streaming of the tree, compressed at the same level)
#   - v2c-extract --plan PLAN (the plan made beforehand by v2c-inspect and
#     v2c-plan, not timed): launch, package database, sorted walk, three
#     gzip -6 layers, OCI layout
#   - v2c-extract without a plan (inspects and plans in the same session)
# Prints medians of N runs (default 3), the ratios against the baseline
# (target <= 0.8 for --plan) and v2c-extract's own peak RSS (its -v line,
# getrusage RUSAGE_SELF: the qemu appliance is not counted; target <= 64
# MiB).
# Usage: bench/extract.sh [BUILDDIR] [N]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
build=${1:-$top/build}
n=${2:-3}
tools=$build/tools
[ -x "$tools/v2c-extract" ] || { echo "bench: build first ($tools/v2c-extract missing)" >&2; exit 1; }
img=$("$top/tests/make-debian.sh")/debian12.qcow2
tmp=$(mktemp -d /var/tmp/v2c-bench-extract-XXXXXX)
trap 'rm -rf "$tmp"' EXIT


"$tools/v2c-inspect" -q "$img" -o "$tmp/inv.json"
"$tools/v2c-plan" -q "$tmp/inv.json" -o "$tmp/plan.json"
echo "bench: $img, $n runs each, backend ${LIBGUESTFS_BACKEND_SETTINGS:-default}, $(nproc) CPUs"
for i in $(seq "$n"); do
  s=$(now)
  virt-tar-out -a "$img" / - | gzip -6 | sha256sum >/dev/null
  since "$s" >>"$tmp/base"
  rm -rf "$tmp/img"
  s=$(now)
  "$tools/v2c-extract" -v --plan "$tmp/plan.json" "$img" -o "$tmp/img" 2>"$tmp/log.$i"
  since "$s" >>"$tmp/plan"
  sed -n 's/.*peak RSS of v2c-extract: \([0-9]*\) KiB.*/\1/p' "$tmp/log.$i" >>"$tmp/rss"
  rm -rf "$tmp/img"
  s=$(now)
  "$tools/v2c-extract" -q "$img" -o "$tmp/img"
  since "$s" >>"$tmp/noplan"
done
size=$(du -sk "$tmp/img/blobs" | cut -f1)
awk -v b="$(median <"$tmp/base")" -v p="$(median <"$tmp/plan")" \
    -v q="$(median <"$tmp/noplan")" -v r="$(median <"$tmp/rss")" -v s="$size" 'BEGIN {
  printf "virt-tar-out | gzip -6 | sha256sum: %7.2f s\n", b
  printf "v2c-extract --plan:                 %7.2f s  ratio %.2f (target <= 0.80)\n", p, p / b
  printf "v2c-extract (inspects and plans):   %7.2f s  ratio %.2f\n", q, q / b
  printf "v2c-extract peak RSS:               %7.1f MiB (qemu not counted; target <= 64)\n", r / 1024
  printf "image size (3 gzip layers + JSON):  %7.1f MiB\n", s / 1024
}'
