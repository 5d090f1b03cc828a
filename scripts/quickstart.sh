#!/bin/bash
# Quick start: install the dependencies, build v2c, make the demo VM (a
# small Debian-like guest exported as a vSphere OVA), inspect it, plan it
# and write its OCI image.
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
echo "quickstart: building the demo VM (one appliance launch, ~1 minute)" >&2
"$top"/tests/make-fixtures.sh "$top/build/tests/fixtures" >/dev/null
mkdir -p "$top/demo"
tools/v2c-inspect "$top/build/tests/fixtures/ova/demo.ova" -o "$top/demo/inventory.json"
tools/v2c-plan "$top/demo/inventory.json" -o "$top/demo/plan.json"
rm -rf "$top/demo/image"
tools/v2c-extract -q --plan "$top/demo/plan.json" \
  "$top/build/tests/fixtures/ova/demo.ova" -o "$top/demo/image"
cat <<MSG
quickstart: done.
  demo VM:    $top/build/tests/fixtures/ova/demo.ova
  inventory:  $top/demo/inventory.json
  plan:       $top/demo/plan.json
  OCI image:  $top/demo/image (skopeo inspect oci:$top/demo/image:v2c-demo)
  tools:      $top/build/tools/ (v2c-inspect, v2c-plan, v2c-extract; man pages in docs/)
Run every test with: scripts/check.sh
MSG
