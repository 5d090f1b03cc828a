#!/bin/bash
# v2c-convert end to end against the libguestfs command-line pipeline
# that does less, measured in the same run on the same VM:
#   - anchors: virt-inspector -a IMG (inspection XML: OS, applications)
#     followed by virt-tar-out -a IMG / - | gzip -6 | sha256sum (the
#     guest tree streamed and compressed): two appliance launches, no
#     layers, no plan, no manifests, no report, no SBOM
#   - v2c-convert IMG -o DIR: one launch; inventory, plan, three gzip -6
#     layers in an OCI layout, manifests, report (HTML/MD/JSON), SBOMs
# The VM is the real Debian 12 image of tests/make-debian.sh (~180
# packages, ~600 MB), or IMG given as the second argument.  Prints the
# medians of N runs (default 3), the ratio (target <= 0.8) and the peak
# RSS of v2c-convert (getrusage; the appliance not counted).
# Usage: bench/convert.sh [BUILDDIR] [N] [IMG]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
build=${1:-$top/build}
n=${2:-3}
tools=$build/tools
[ -x "$tools/v2c-convert" ] || { echo "bench: build first ($tools/v2c-convert missing)" >&2; exit 1; }
for t in virt-inspector virt-tar-out gzip sha256sum; do
  command -v "$t" >/dev/null || { echo "bench: $t is missing (libguestfs-tools)" >&2; exit 1; }
done
img=${3:-$("$top/tests/make-debian.sh")/debian12.qcow2}
tmp=$(mktemp -d /var/tmp/v2c-bench-convert-XXXXXX)
trap 'rm -rf "$tmp"' EXIT


echo "bench: $img, $n runs each, backend ${LIBGUESTFS_BACKEND_SETTINGS:-default}, $(nproc) CPUs"
for i in $(seq "$n"); do
  s=$(now)
  virt-inspector -a "$img" >"$tmp/inspector.xml"
  virt-tar-out -a "$img" / - | gzip -6 | sha256sum >/dev/null
  since "$s" >>"$tmp/base"
  rm -rf "$tmp/out"
  s=$(now)
  "$tools/v2c-convert" -v "$img" -o "$tmp/out" 2>"$tmp/log.$i"
  since "$s" >>"$tmp/conv"
  sed -n 's/.*peak RSS of v2c-convert: \([0-9]*\) KiB.*/\1/p' "$tmp/log.$i" >>"$tmp/rss"
done
for f in inventory.json plan.json image/index.json k8s/kustomization.yaml \
  report.html report.md report.json sbom.spdx.json sbom.cdx.json; do
  [ -s "$tmp/out/$f" ] || { echo "bench: v2c-convert did not write $f" >&2; exit 1; }
done
pkgs=$(jq '.packages | length' "$tmp/out/inventory.json")
size=$(du -sk "$tmp/out/image/blobs" | cut -f1)
grep -E 'appliance launched|inventory and plan|^v2c-convert: image ' "$tmp/log.$n" | sed 's/^/  last run: /'
awk -v b="$(median <"$tmp/base")" -v c="$(median <"$tmp/conv")" \
    -v r="$(median <"$tmp/rss")" -v s="$size" -v p="$pkgs" 'BEGIN {
  printf "virt-inspector + virt-tar-out | gzip -6 | sha256sum: %7.2f s\n", b
  printf "v2c-convert (all outputs, %d packages):            %7.2f s  ratio %.2f (target <= 0.80)\n", p, c, c / b
  printf "v2c-convert peak RSS:                               %7.1f MiB (qemu not counted)\n", r / 1024
  printf "image size (gzip layers + JSON):                    %7.1f MiB\n", s / 1024
}'
