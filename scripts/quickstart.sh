#!/bin/bash
# Quick start: install the dependencies, build v2c, make the demo VM (a
# small Debian-like guest exported as a vSphere OVA) and convert it with
# v2c-convert into demo/.
# Run from the source tree as root on Debian 12.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/install-deps.sh
[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi >/dev/null
mkdir -p build
cd build
[ -f Makefile ] || ../configure -q
make -j"$(nproc)" >/dev/null
# KVM hangs or aborts on some hosts: software emulation then
if [ -z "${LIBGUESTFS_BACKEND_SETTINGS+set}" ] && ! "$top"/scripts/kvm-probe.sh; then
  echo "quickstart: the appliance does not start with KVM here: using software emulation (TCG)" >&2
  export LIBGUESTFS_BACKEND_SETTINGS=force_tcg
fi
echo "quickstart: building the demo VM (one appliance launch, ~1 minute)" >&2
"$top"/tests/make-fixtures.sh "$top/build/tests/fixtures" >/dev/null
# One command converts the VM: inventory, plan, image, manifests, report,
# SBOMs, with one appliance launch.
tools/v2c-convert --force "$top/build/tests/fixtures/ova/demo.ova" -o "$top/demo"
cat <<MSG
quickstart: done.
  demo VM:    $top/build/tests/fixtures/ova/demo.ova
  results:    $top/demo/
    report:     $top/demo/report.html (also report.md, report.json)
    inventory:  $top/demo/inventory.json
    plan:       $top/demo/plan.json
    OCI image:  $top/demo/image (skopeo inspect oci:$top/demo/image:v2c-demo)
    manifests:  $top/demo/k8s (kubectl kustomize $top/demo/k8s)
    SBOMs:      $top/demo/sbom.spdx.json, $top/demo/sbom.cdx.json
  tools:      $top/build/tools/ (v2c-convert, v2c-batch, v2c-inspect, ...; man pages in docs/)
Run every test with: scripts/check.sh
MSG
