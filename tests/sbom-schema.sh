#!/bin/bash
# The SPDX 2.3 and CycloneDX 1.5 documents that tests/test-sbom writes
# (demo VM, Debian 12 VM, a Fedora-like inventory) validate against the
# schemas in tests/schemas/ (checked by ajv, not by v2c: the official
# CycloneDX 1.5 one, and for SPDX 2.3 every constraint of its official
# JSON schema, written down in spdx-2.3-constraints.schema.json), and
# their package name@version sets equal the inventories' (checked by jq).
. "${top_srcdir:?}/tests/lib.sh"
need_tools jq node
out=$(tmpdir sbom-schema)

V2C_SBOM_OUT=$out "$top_builddir/tests/test-sbom" >&2 || fail "tests/test-sbom failed"
js=$("$top_srcdir/tests/setup-node.sh")

. "${top_srcdir:?}/tests/sbom-lib.sh"
sbom_validate_cdx "$out"/*.cdx.json
sbom_validate_spdx "$out"/*.spdx.json
# the constraints file is not lax: each of these changes to a document
# that meets it breaks one constraint of SPDX 2.3, and ajv must say so
n=0
while IFS= read -r filter; do
  jq "$filter" "$out/debian.spdx.json" >"$out/broken.json" || fail "jq: $filter"
  node "$js/validate.js" "$schemas/spdx-2.3-constraints.schema.json" "$out/broken.json" >/dev/null 2>&1 &&
    fail "spdx-2.3-constraints.schema.json accepts a document broken by: $filter"
  n=$((n + 1))
done <<'EOF'
(.packages[] | select(.SPDXID | startswith("SPDXRef-OperatingSystem-"))).primaryPackagePurpose = "OPERATING-SYSTEM"
.packages[0].primaryPackagePurpose = "VM"
.packages[0].SPDXID = "SPDXRef-a_b"
.packages[0].SPDXID = "VM"
del(.packages[0].downloadLocation)
del(.packages[0].name)
.packages[0].colour = "blue"
.packages[0].filesAnalyzed = "no"
(.packages[] | select(.checksums)).checksums[0].algorithm = "SHA-256"
(.packages[] | select(.checksums)).checksums[0].checksumValue |= ascii_upcase
(.packages[] | select(.externalRefs)).externalRefs[0].referenceCategory = "PACKAGE_MANAGER"
del((.packages[] | select(.externalRefs)).externalRefs[0].referenceType)
.relationships[0].relationshipType = "CONTAINED-BY"
del(.relationships[0].relatedSpdxElement)
.relationships[0].relatedSpdxElement = "Package-x"
.hasExtractedLicensingInfos[0].licenseId = "Custom"
del(.hasExtractedLicensingInfos[0].extractedText)
.annotations = [{"annotationDate": "2026-01-02T03:04:05Z", "annotationType": "NOTE", "annotator": "Tool: v2c", "comment": "x"}]
.files = [{"SPDXID": "SPDXRef-f", "fileName": "./a", "checksums": []}]
.creationInfo.created = "2026-01-02 03:04:05"
.creationInfo.created = "2026-01-02T03:04:05+01:00"
.creationInfo.creators = []
.creationInfo.creators = ["v2c"]
del(.documentNamespace)
.documentNamespace = "https://spdx.org/spdxdocs/v2c#1"
.spdxVersion = "SPDX-2.2"
.dataLicense = "CC-BY-4.0"
.SPDXID = "SPDXRef-DOC"
del(.creationInfo)
.name = ""
EOF
ok "spdx-2.3-constraints.schema.json rejects each of $n broken documents"
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
