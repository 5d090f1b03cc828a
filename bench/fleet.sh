#!/bin/bash
# The fleet plan at scale: v2c-batch --descriptor-only over synthetic
# fleets of 250, 500 and 1,000 VM inventories (bench/make-fleet.py,
# from a fixture VM's real inventory), which resolves every reference
# into graph.json, orders waves.json and writes graph.html and the fleet
# files.  Prints the median of three runs for each size, the part of it
# that is the graph and the waves (the same run less a run over the
# same inventories with no reference at all), and the growth from 500 to
# 1,000 against n log n (2.22).  There is no libguestfs command-line
# equivalent of the graph: the run is measured against itself.
# Exits 1 when 1,000 VMs take 10 s or more, or grow worse than n log n
# by more than a third.
# Usage: bench/fleet.sh [BUILDDIR] [INVENTORY]
#   BUILDDIR   a configured and built tree (default: ./build)
#   INVENTORY  the template (default: the web fixture's, from
#              BUILDDIR/tests/converted, else any inventory.json there)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
. "$top/bench/lib.sh"
batch=$build/tools/v2c-batch
[ -x "$batch" ] || { echo "bench: build first ($batch missing)" >&2; exit 1; }
tmpl=${2:-$build/tests/converted/files/v2c-web/inventory.json}
if [ ! -f "$tmpl" ]; then
  tmpl=$(find "$build/tests/converted" -name inventory.json 2>/dev/null | sort | head -1)
fi
[ -f "$tmpl" ] || { echo "bench: no inventory to start from (run make check, or give one)" >&2; exit 1; }
command -v jq >/dev/null && command -v python3 >/dev/null ||
  { echo "bench: jq and python3 are needed" >&2; exit 1; }
tmp=$(mktemp -d /var/tmp/v2c-bench-fleet-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

echo "template: $tmpl ($(stat -c %s "$tmpl") bytes, $(jq '.packages | length' "$tmpl") packages)"
declare -A full bare
for n in 250 500 1000; do
  python3 "$top/bench/make-fleet.py" "$tmpl" "$n" "$tmp/inv$n"
  # the same VMs with no reference and no network: the fixed costs
  mkdir -p "$tmp/bare$n"
  for f in "$tmp/inv$n"/*.json; do
    jq -c 'del(.network) | .references = []' "$f" >"$tmp/bare$n/${f##*/}"
  done
  for kind in inv bare; do
    ts=()
    for r in 1 2 3; do
      rm -rf "$tmp/out"
      t0=$(now)
      "$batch" -q --descriptor-only --waves-max 50 -o "$tmp/out" "$tmp/$kind$n"/*.json
      ts+=("$(since "$t0")")
    done
    m=$(printf '%s\n' "${ts[@]}" | median)
    if [ $kind = inv ]; then full[$n]=$m; else bare[$n]=$m; fi
  done
  rm -rf "$tmp/out"
  "$batch" -q --descriptor-only --waves-max 50 -o "$tmp/out" "$tmp/inv$n"/*.json
  printf '%5d VMs: %6.2f s in all, %6.2f s without references: graph and waves %5.2f s (%s edges, %s waves, %s cycles)\n' \
    "$n" "${full[$n]}" "${bare[$n]}" \
    "$(awk -v a="${full[$n]}" -v b="${bare[$n]}" 'BEGIN {d = a - b; printf "%.2f", d < 0 ? 0 : d}')" \
    "$(jq .counts.edges "$tmp/out/graph.json")" "$(jq .counts.waves "$tmp/out/waves.json")" \
    "$(jq .counts.cycles "$tmp/out/waves.json")"
done
growth=$(awk -v a="${full[500]}" -v b="${full[1000]}" 'BEGIN {printf "%.2f", b / a}')
echo "growth 500 -> 1000: x$growth in all (n log n: x2.22, n^2: x4)"
status=0
if awk -v t="${full[1000]}" 'BEGIN {exit !(t >= 10)}'; then
  echo "FAIL: 1000 VMs took ${full[1000]} s (limit 10 s)"
  status=1
fi
if awk -v g="$growth" 'BEGIN {exit !(g > 2.22 * 4 / 3)}'; then
  echo "FAIL: grows worse than n log n"
  status=1
fi
[ $status -eq 0 ] && echo "ok: under 10 s for 1,000 VMs, growth within n log n"
exit $status
