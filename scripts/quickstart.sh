#!/bin/bash
# Quick start: install the dependencies, build v2c, make the demo VM (a
# small Debian-like guest exported as a vSphere OVA) and inspect it.
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
cat <<MSG
quickstart: done.
  demo VM:    $top/build/tests/fixtures/ova/demo.ova
  inventory:  $top/demo/inventory.json
  tools:      $top/build/tools/ (v2c-inspect; man pages in docs/)
Run every test with: scripts/check.sh
MSG
