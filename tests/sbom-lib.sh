# Shared by the tests that check SBOMs (tests/sbom-schema.sh,
# tests/convert-demo.sh): validation against the official schemas kept
# in tests/schemas/ (by ajv, not by v2c) and the package lists (by jq).
# Sourced; needs fail, ok and $js (tests/setup-node.sh's directory).
schemas=$top_srcdir/tests/schemas

# sbom_validate_cdx DOC...: the official CycloneDX 1.5 schema
sbom_validate_cdx () {
  # ajv warns about the formats it does not check (iri-reference, idn-email)
  V2C_EXTRA_SCHEMAS=$schemas/spdx.schema.json:$schemas/jsf-0.82.schema.json \
    node "$js/validate.js" "$schemas/bom-1.5.schema.json" "$@" \
    2> >(grep -v '^unknown format' >&2) ||
    fail "a CycloneDX document does not validate against the CycloneDX 1.5 schema"
  ok "$# CycloneDX document(s) validate against the official CycloneDX 1.5 schema"
}

# sbom_validate_spdx DOC...: the official SPDX 2.3 schema when it is in
# tests/schemas (see SOURCES.md: no Debian or npm package ships it, so a
# machine without the network has none), and always what that schema and
# the SPDX 2.3 specification require, checked with jq.
sbom_validate_spdx () {
  local f
  if [ -f "$schemas/spdx-2.3.schema.json" ]; then
    node "$js/validate.js" "$schemas/spdx-2.3.schema.json" "$@" >&2 ||
      fail "an SPDX document does not validate against the SPDX 2.3 schema"
    ok "$# SPDX document(s) validate against the official SPDX 2.3 schema"
  else
    echo "note: no tests/schemas/spdx-2.3.schema.json (tests/schemas/SOURCES.md says why and how to add it): SPDX checked by jq only" >&2
  fi
  for f in "$@"; do
    jq -e '
      .spdxVersion == "SPDX-2.3" and .dataLicense == "CC0-1.0"
      and .SPDXID == "SPDXRef-DOCUMENT" and (.name | length > 0)
      and (.documentNamespace | test("^https://[^#]+$"))
      and (.creationInfo.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))
      and (.creationInfo.creators | length >= 1)
      and ([.creationInfo.creators[] | test("^(Tool|Organization|Person): ")] | all)
      and ([.packages[] | .SPDXID | test("^SPDXRef-[A-Za-z0-9.-]+$")] | all)
      and ([.packages[] | has("name") and has("downloadLocation")] | all)
      and ([.packages[] | (.checksums // [])[] | (.algorithm | IN("SHA1","SHA224","SHA256","SHA384","SHA512","MD5","SHA3-256","BLAKE2b-256")) and (.checksumValue | test("^[0-9a-f]+$"))] | all)
      and ([.packages[] | (.externalRefs // [])[] | .referenceCategory | IN("SECURITY","PACKAGE-MANAGER","PERSISTENT-ID","OTHER")] | all)
      and ([.packages[].SPDXID] | length == (unique | length))
      and ([.packages[].SPDXID] as $ids
           | [.relationships[] | (.spdxElementId == "SPDXRef-DOCUMENT"
                or (.spdxElementId | IN($ids[])))
                and (.relatedSpdxElement | IN($ids[]))] | all)
      and ([.relationships[] | select(.relationshipType == "DESCRIBES")] | length == 1)
      and ([.packages[] | .licenseDeclared // "NOASSERTION"
            | scan("LicenseRef-[A-Za-z0-9.-]+")] | unique) as $refs
          | ([.hasExtractedLicensingInfos[]?.licenseId] | sort) == $refs
    ' "$f" >/dev/null || fail "$(basename "$f"): not a well-formed SPDX 2.3 document"
  done
  ok "$# SPDX document(s): fields, ids, relationships, licence references"
}

# sbom_packages INVENTORY DOC: the packages an SBOM lists ("name@version",
# sorted) equal the inventory's
sbom_packages () {
  local want got
  want=$(jq -c '[.packages[] | "\(.name)@\(.evr)"] | sort' "$1")
  case $2 in
    *.spdx.json) got=$(jq -c '[.packages[] | select(.primaryPackagePurpose == "LIBRARY") | "\(.name)@\(.versionInfo)"] | sort' "$2") ;;
    *.cdx.json) got=$(jq -c '[.components[] | select(.type == "library") | "\(.name)@\(.version)"] | sort' "$2") ;;
    *) fail "sbom_packages: what is $2?" ;;
  esac
  [ "$want" = "$got" ] ||
    fail "$(basename "$2"): packages differ from $(basename "$1"): $(diff <(jq -r '.[]' <<<"$want") <(jq -r '.[]' <<<"$got") | head -5)"
  ok "$(basename "$2"): the $(jq length <<<"$want") packages of $(basename "$1")"
}
