#!/bin/bash
# v2c-convert --target vm against virt-v2v on the same OVA, in one run:
#   - virt-v2v -i ova OVA -o local -os DIR -of qcow2: one appliance
#     launch; converts the guest for KVM (virtio drivers in the
#     initramfs, bootloader, VMware Tools) and writes an uncompressed
#     qcow2 and a libvirt XML;
#   - v2c-convert --target vm OVA -o DIR: one launch for the inventory
#     and the same kind of guest conversion; writes a compressed qcow2
#     as a KubeVirt containerDisk (an OCI image), the VirtualMachine and
#     its Services, the report and the SBOMs.
# The OVA is the bootable VMware-style Debian guest of
# tests/make-bootable.sh, or OVA given as the third argument.  Prints
# the medians of N runs (default 3) of the time and the output size of
# each, and the ratio of the times (target <= 1.0: no slower).
# Usage: bench/vm.sh [BUILDDIR] [N] [OVA]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
build=${1:-$top/build}
n=${2:-3}
tools=$build/tools
[ -x "$tools/v2c-convert" ] || { echo "bench: build first ($tools/v2c-convert missing)" >&2; exit 1; }
command -v virt-v2v >/dev/null || { echo "bench: virt-v2v is missing (apt-get install virt-v2v)" >&2; exit 1; }
ova=${3:-$("$top/tests/make-bootable.sh")/boot.ova}
tmp=$(mktemp -d /var/tmp/v2c-bench-vm-XXXXXX)
trap 'rm -rf "$tmp"' EXIT


echo "bench: $ova ($(du -m "$ova" | cut -f1) MiB), $n runs each, backend ${LIBGUESTFS_BACKEND_SETTINGS:-default}, $(nproc) CPUs"
for i in $(seq "$n"); do
  rm -rf "$tmp/v2v" "$tmp/out"
  mkdir "$tmp/v2v"
  s=$(now)
  virt-v2v -q -i ova "$ova" -o local -os "$tmp/v2v" -of qcow2 >"$tmp/v2v.log.$i" 2>&1 \
    || { tail -20 "$tmp/v2v.log.$i" >&2; exit 1; }
  since "$s" >>"$tmp/base"
  du -sk "$tmp/v2v" | cut -f1 >>"$tmp/base.size"
  s=$(now)
  "$tools/v2c-convert" -v --target vm "$ova" -o "$tmp/out" 2>"$tmp/log.$i"
  since "$s" >>"$tmp/conv"
  du -sk "$tmp/out" | cut -f1 >>"$tmp/conv.size"
done
[ -s "$tmp/out/image/index.json" ] && [ -s "$tmp/out/k8s/kustomization.yaml" ] \
  || { echo "bench: v2c-convert wrote no containerDisk or no manifests" >&2; exit 1; }
grep -E 'appliance launched|guest: |guest converted|disks written' "$tmp/log.$n" | sed 's/^/  last run: /'
awk -v b="$(median <"$tmp/base")" -v c="$(median <"$tmp/conv")" \
    -v bs="$(median <"$tmp/base.size")" -v cs="$(median <"$tmp/conv.size")" 'BEGIN {
  printf "virt-v2v -i ova -o local -of qcow2:             %7.2f s  %7.1f MiB\n", b, bs / 1024
  printf "v2c-convert --target vm (containerDisk, all):  %7.2f s  %7.1f MiB  ratio %.2f (target <= 1.00)\n", c, cs / 1024, c / b
}'
