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

# sbom_validate_spdx DOC...: every constraint of the official SPDX 2.3
# JSON schema and the patterns of the specification's text, as written
# down in spdx-2.3-constraints.schema.json (ajv); the official schema
# itself too when it is in tests/schemas (see SOURCES.md: no Debian or
# npm package ships it); and what no schema can say, checked with jq:
# unique ids, relationships between the document's elements, licence
# references declared.
sbom_validate_spdx () {
  local f
  node "$js/validate.js" "$schemas/spdx-2.3-constraints.schema.json" "$@" >&2 ||
    fail "an SPDX document breaks a constraint of SPDX 2.3 (tests/schemas/spdx-2.3-constraints.schema.json)"
  ok "$# SPDX document(s) meet every constraint of the SPDX 2.3 schema"
  if [ -f "$schemas/spdx-2.3.schema.json" ]; then
    node "$js/validate.js" "$schemas/spdx-2.3.schema.json" "$@" >&2 ||
      fail "an SPDX document does not validate against the SPDX 2.3 schema"
    ok "$# SPDX document(s) validate against the official SPDX 2.3 schema"
  fi
  for f in "$@"; do
    jq -e '
      ([.packages[].SPDXID] | length == (unique | length))
      and ([.packages[].SPDXID] as $ids
           | [.relationships[] | (.spdxElementId == "SPDXRef-DOCUMENT"
                or (.spdxElementId | IN($ids[])))
                and (.relatedSpdxElement | IN($ids[]))] | all)
      and ([.relationships[] | select(.relationshipType == "DESCRIBES")] | length == 1)
      and ([.packages[] | .licenseDeclared // "NOASSERTION"
            | scan("LicenseRef-[A-Za-z0-9.-]+")] | unique) as $refs
          | ([.hasExtractedLicensingInfos[]?.licenseId] | sort) == $refs
    ' "$f" >/dev/null || fail "$(basename "$f"): ids, relationships or licence references do not hold together"
  done
  ok "$# SPDX document(s): ids, relationships, licence references"
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
