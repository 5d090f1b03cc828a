#!/bin/bash
# v2c-batch throughput and memory, in one run: the same fixture VMs
# converted at -j1 and at -j2 (fresh output directories each time),
# printed as VMs per hour, with the peak RSS of each worker (v2c-convert
# and the appliance's qemu it waits for, from wait4; fleet.json's
# max_rss_kib) and the CPUs of this machine.
# Usage: bench/batch.sh [BUILDDIR] [FIXTURES]
#   BUILDDIR  a configured and built tree (default: ./build)
#   FIXTURES  the fixture VMs (default: BUILDDIR/tests/fixtures)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
fx=${2:-$build/tests/fixtures}
batch=$build/tools/v2c-batch
[ -x "$batch" ] || { echo "bench: build first ($batch missing)" >&2; exit 1; }
[ -x "$build/tools/v2c-convert" ] || { echo "bench: $build/tools/v2c-convert missing" >&2; exit 1; }
[ -f "$fx/.stamp" ] || { echo "bench: no fixtures in $fx (make check builds them)" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench: jq is needed" >&2; exit 1; }
if [ -f "$fx/libguestfs.env" ]; then set -a; . "$fx/libguestfs.env"; set +a; fi
vms=()
for s in ova/demo.ova lvm/lvm.vmx db/db.vmx dkms/dkms.vmx vmx-sparse/demo.vmx twodisk/twodisk.vmx; do
  [ -f "$fx/$s" ] && vms+=("$fx/$s")
done
vms=("${vms[@]:0:4}")
tmp=$(mktemp -d /var/tmp/v2c-bench-batch-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export PATH=$build/tools:$PATH

echo "v2c-batch: ${#vms[@]} VMs ($(for v in "${vms[@]}"; do basename "$v"; done | tr '\n' ' '))"
echo "CPUs: $(nproc); backend: ${LIBGUESTFS_BACKEND_SETTINGS:-default (KVM when available)}"
for j in 1 2; do
  t0=$(date +%s.%N)
  rc=0
  "$batch" -q -j "$j" -o "$tmp/j$j" "${vms[@]}" || rc=$?
  t1=$(date +%s.%N)
  done=$(jq '[.vms[] | select(.status == "converted")] | length' "$tmp/j$j/fleet.json")
  awk -v j="$j" -v a="$t0" -v b="$t1" -v n="$done" -v all="${#vms[@]}" -v rc="$rc" 'BEGIN {
    s = b - a
    printf "-j%d: %d of %d VMs converted in %.1f s: %.1f VMs per hour (exit %d)\n", j, n, all, s, n * 3600 / s, rc }'
  jq -r '.vms[] | "  \(.name): \(.status), \(.duration_s * 10 | round / 10) s, peak RSS \(.max_rss_kib / 1024 | round) MiB"' \
    "$tmp/j$j/fleet.json"
  jq -r '[.vms[] | select(.status == "converted") | .max_rss_kib] | if length > 0 then
    "  peak RSS per worker: max \(max / 1024 | round) MiB, mean \(add / length / 1024 | round) MiB" else empty end' \
    "$tmp/j$j/fleet.json"
done
