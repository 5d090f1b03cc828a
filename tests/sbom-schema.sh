#!/bin/bash
# The SPDX 2.3 and CycloneDX 1.5 documents that tests/test-sbom writes
# (demo VM, Debian 12 VM, a Fedora-like inventory) validate against the
# official schemas in tests/schemas/ (checked by ajv, not by v2c), and
# their package name@version sets equal the inventories' (checked by jq).
. "$top_srcdir/tests/lib.sh"
need_tools jq node
out=$(tmpdir sbom-schema)

V2C_SBOM_OUT=$out "$top_builddir/tests/test-sbom" >&2 || fail "tests/test-sbom failed"
js=$("$top_srcdir/tests/setup-node.sh")

. "$top_srcdir/tests/sbom-lib.sh"
sbom_validate_cdx "$out"/*.cdx.json
sbom_validate_spdx "$out"/*.spdx.json
for d in demo debian; do
  case $d in demo) inv=demo-inventory.json ;; debian) inv=debian12-inventory.json ;; esac
  for f in "$out/$d".spdx.json "$out/$d".cdx.json; do
    sbom_packages "$top_srcdir/tests/data/sbom/$inv" "$f"
  done
done
echo "ok: package sets equal the inventories'"
# a layer of the image in both forms
jq -e '[.packages[] | select(.primaryPackagePurpose == "ARCHIVE")] | length == 3' "$out/demo.spdx.json" >/dev/null \
  || fail "demo.spdx.json: not 3 layers"
jq -e '.metadata.component.components | map(.hashes[0].content) | length == 3' "$out/demo.cdx.json" >/dev/null \
  || fail "demo.cdx.json: not 3 layers"
echo "ok: layers recorded"
