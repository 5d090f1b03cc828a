#!/bin/bash
# v2c-report on the demo VM's inventory and plan (tests/data/report/,
# outputs of v2c on the demo fixture), without and with an OCI image
# layout made here by hand (GNU tar, gzip, sha256sum).  Judges that v2c
# did not write: ajv (docs/report.schema.json), xmllint (HTML and the
# SVG as XML), headless Chromium (renders the page, its DOM has the
# title and every component of the plan), jq on the inputs (names,
# secrets, layer digests and sizes).  Also the usage and exit codes.
# v2c - move VMware virtual machines onto Kubernetes
# SPDX-License-Identifier: LGPL-2.1-or-later
. "${top_srcdir:?}/tests/lib.sh"
need_tools jq xmllint python3
tool=$top_builddir/tools/v2c-report
data=$top_srcdir/tests/data/report
inv=$data/demo-inv.json
plan=$data/demo-plan.json
work=$(tmpdir report-tool)

expect_exit () {  # expect_exit STATUS GREP ARGS...
  local want=$1 re=$2 rc=0
  shift 2
  "$tool" "$@" >"$work/stdout" 2>"$work/stderr" || rc=$?
  [ "$rc" -eq "$want" ] || fail "v2c-report $*: exit $rc, expected $want ($(cat "$work/stderr"))"
  grep -q -- "$re" "$work/stderr" "$work/stdout" || fail "v2c-report $*: output lacks '$re': $(cat "$work/stderr")"
  ok "v2c-report $*: exit $want"
}

# usage
expect_exit 0 "^Usage: v2c-report " --help
"$tool" --version | grep -qx "v2c-report [0-9.]*" || fail "--version"
expect_exit 2 "Try 'v2c-report --help'"
expect_exit 2 "Try 'v2c-report --help'" --bogus "$inv" -o "$work/x"
expect_exit 2 "give the output directory with -o DIR" "$inv"
expect_exit 2 "give an INVENTORY and at most one PLAN" "$inv" "$plan" "$plan" -o "$work/x"
expect_exit 1 "can't read the inventory '$work/none.json'" "$work/none.json" -o "$work/x"
printf '{"schema": "v2c.inventory/1", "name": ' >"$work/trunc.json"
expect_exit 1 "can't read the inventory '$work/trunc.json': line 1" "$work/trunc.json" -o "$work/x"
jq '.schema = "v2c.plan/1"' "$inv" >"$work/notinv.json"
expect_exit 1 "schema: 'v2c.plan/1' is not 'v2c.inventory/1'" "$work/notinv.json" "$plan" -o "$work/x"
jq '.components = 7' "$plan" >"$work/badplan.json"
expect_exit 1 "components" "$inv" "$work/badplan.json" -o "$work/x"
[ ! -e "$work/x" ] || fail "a failed run left '$work/x'"
[ -z "$(find "$work" -maxdepth 1 -name '.x.tmp*')" ] || fail "a failed run left a temporary directory"

# the report of the demo VM
"$tool" "$inv" "$plan" -o "$work/r1" || fail "v2c-report failed"
for f in report.json report.md report.html; do
  [ -s "$work/r1/$f" ] || fail "no $f"
done
[ -z "$(find "$work" -maxdepth 1 -name '.r1.*')" ] || fail "temporary directory left beside the output"
ok "report.json, report.md, report.html written"
# an existing, non-empty DIR: refused, then replaced with --force
expect_exit 1 "'$work/r1' exists and is not empty (--force replaces it)" "$inv" "$plan" -o "$work/r1"
mkdir "$work/empty"
"$tool" "$inv" "$plan" -o "$work/empty" || fail "an empty DIR was refused"
"$tool" "$inv" "$plan" -o "$work/r1" --force -q || fail "--force failed"
[ -z "$(find "$work" -maxdepth 1 -name '.r1.*')" ] || fail "--force left the old directory"
# same input, same bytes
for f in report.json report.md report.html; do
  cmp -s "$work/r1/$f" "$work/empty/$f" || fail "$f differs between two runs"
done
ok "same input, same bytes; --force replaces, a full DIR is refused"
# without PLAN: the plan is made from the inventory
"$tool" - -o "$work/noplan" <"$inv" || fail "v2c-report - (no PLAN) failed"

r=$work/r1/report.json
# content against the inputs
[ "$(jq -c '[.components[].name]' "$r")" = "$(jq -c '[.components[].name]' "$plan")" ] \
  || fail "components: $(jq -c '[.components[].name]' "$r") vs the plan's $(jq -c '[.components[].name]' "$plan")"
[ "$(jq -c '.dropped' "$r")" = "$(jq -c '[.dropped[] | {name, reason}]' "$plan")" ] || fail "dropped differs from the plan's"
# each secret once per path, kind and what becomes of it (never a line)
[ "$(jq -c '[.secrets[] | {path, kind}] | unique | sort_by(.path, .kind)' "$r")" = "$(jq -c '[.secrets[] | {path, kind}] | unique | sort_by(.path, .kind)' "$inv")" ] \
  || fail "secrets: $(jq -c .secrets "$r") vs $(jq -c '[.secrets[] | {path, kind}] | unique | sort_by(.path, .kind)' "$inv")"
jq -e 'all(.secrets[]; (keys == ["kind", "path", "use"]) and (.use | length > 0))' "$r" >/dev/null \
  || fail "a secret of the report lacks what becomes of it, or has more than path, kind and use"
[ "$(jq -c '[.layers[].name]' "$r")" = "$(jq -c '[.image.layers[].name]' "$plan")" ] || fail "layers differ from the plan's"
[ "$(jq -r .vm.name "$r")" = "$(jq -r .name "$inv")" ] || fail "vm.name"
jq -e '.fitness.verdict | IN("excellent","good","moderate","poor","not-containerisable")' "$r" >/dev/null || fail "verdict"
jq -e --argjson n "$(jq '.data_dirs | map(.used_bytes) | add' "$inv")" '.sizing.data_bytes == $n' "$r" >/dev/null \
  || fail "sizing.data_bytes: $(jq -c .sizing "$r")"
# replace_with in the plan: path replace, reason = its advice
jq -e --slurpfile p "$plan" '[.components[] | select(.path == "replace") | .name] == [$p[0].components[] | select(.replace_with != null) | .name]' "$r" >/dev/null \
  || fail "replace paths: $(jq -c '[.components[] | [.name, .path]]' "$r")"
ok "components, dropped, secrets, layers, sizing match the inputs"

# no secret text: the inventory's evidence lines never show
jq -r '.secrets[].evidence' "$inv" | while IFS= read -r ev; do
  for f in report.json report.md report.html; do
    ! grep -qF -- "$ev" "$work/r1/$f" || fail "$f shows the secret evidence '$ev'"
  done
done
! grep -q 'redacted' "$work/r1"/report.* || fail "a redacted line made it into the report"
ok "no secret evidence in the outputs"

# the schema, checked by ajv
js=$(bash "$top_srcdir/tests/setup-node.sh")
node "$js/validate.js" "$top_srcdir/docs/report.schema.json" "$r" "$work/noplan/report.json" >&2 \
  || fail "report.json does not validate against docs/report.schema.json"
for edit in '.fitness.verdict = "great"' '.secrets[0].evidence = "x"' \
            '.components[0].path = "rehost"' '.layers[0].digest = "md5:1"'; do
  jq "$edit" "$r" >"$work/bad.json"
  if node "$js/validate.js" "$top_srcdir/docs/report.schema.json" "$work/bad.json" >/dev/null 2>&1; then
    fail "the schema accepts: $edit"
  fi
done
ok "report.json validates; the schema refuses a bad verdict, secret text, path, digest"

# the HTML: parses, no script, nothing fetched, SVG well-formed XML
h=$work/r1/report.html
xmllint --html --noout "$h" 2>"$work/xmllint.err" || fail "xmllint --html: $(cat "$work/xmllint.err")"
# libxml2's HTML 4 parser does not know SVG and HTML5 elements; any
# other complaint is a real one
if grep 'error' "$work/xmllint.err" | grep -v 'HTML parser error : Tag [a-z]* invalid' | grep -q .; then
  fail "xmllint --html: $(grep error "$work/xmllint.err" | grep -v 'Tag [a-z]* invalid' | head -3)"
fi
sed -n '/^<svg /,/^<\/svg>/p' "$h" >"$work/diagram.svg"
[ -s "$work/diagram.svg" ] || fail "no inline SVG"
xmllint --noout "$work/diagram.svg" || fail "the SVG diagram is not well-formed XML"
! grep -qi '<script' "$h" || fail "the HTML has a script"
! grep -Eqi '(src|href)[[:space:]]*=[[:space:]]*["'\'']?[[:space:]]*(https?:)?//' "$h" || fail "the HTML fetches a URL"
! grep -Eqi 'url\([[:space:]]*["'\'']?(https?:)?//|@import' "$h" || fail "the CSS fetches a URL"
ok "HTML parses, SVG is XML, no script, nothing fetched"

# an OCI image layout written here: 3 gzip layers (the plan's os,
# config, app), config, manifest, index
img=$work/image
for l in os config app; do
  mkdir -p "$work/tree-$l/$l"
  echo "$l" >"$work/tree-$l/$l/file"
done
man=$(OCI_CREATED=2026-01-02T03:04:05Z OCI_REF=demo:test \
  build_image "$img" "$work/tree-os" "$work/tree-config" "$work/tree-app")
man=${man#sha256:}

"$tool" "$inv" "$plan" --image "$img" -o "$work/r2" || fail "v2c-report --image failed"
r2=$work/r2/report.json
want=$(jq -c --slurpfile p "$plan" '[.layers | to_entries[] | {name: $p[0].image.layers[.key].name, digest: .value.digest, size: .value.size}]' "$img/blobs/sha256/$man")
[ "$(jq -c .layers "$r2")" = "$want" ] || fail "layers: $(jq -c .layers "$r2"), expected $want"
jq -e --arg m "sha256:$man" '.image == {manifest: $m, ref: "demo:test", created: "2026-01-02T03:04:05Z"}' "$r2" >/dev/null \
  || fail "image: $(jq -c .image "$r2")"
node "$js/validate.js" "$top_srcdir/docs/report.schema.json" "$r2" >&2 || fail "the --image report does not validate"
grep -q "sha256:$man" "$work/r2/report.html" || fail "the HTML lacks the manifest digest"
grep -q "$(jq -r '.layers[0].digest' "$r2")" "$work/r2/report.md" || fail "the Markdown lacks the layer digest"
ok "--image: layer names, digests, sizes and the manifest digest match the layout"
# a plan with another number of layers, a manifest that does not match its digest
"$top_builddir/tools/v2c-plan" --strategy=single "$inv" -o "$work/one-layer.json" || fail "v2c-plan --strategy=single failed"
expect_exit 1 "the image has 3 layers and the plan 1" "$inv" "$work/one-layer.json" --image "$img" -o "$work/x"
printf ' ' >>"$img/blobs/sha256/$man"
expect_exit 1 "error: --image: " "$inv" "$plan" --image "$img" -o "$work/x"
[ ! -e "$work/x" ] || fail "a failed --image run left '$work/x'"

# Chromium renders it: the screenshot has the window's size, the DOM the
# title and every component of the plan
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
  echo "SKIP: chromium is not installed (apt-get install chromium): the page was not rendered" >&2
  exit 77
fi
copts=(--headless --no-sandbox --disable-gpu --user-data-dir="$work/chrome" --no-first-run)
timeout 120 "$chrome" "${copts[@]}" --screenshot="$work/shot.png" --window-size=1280,2000 \
  "file://$h" >/dev/null 2>&1 || fail "chromium --screenshot failed"
[ -f "$work/shot.png" ] || fail "no screenshot"
[ "$(stat -c %s "$work/shot.png")" -gt 20000 ] || fail "the screenshot is $(stat -c %s "$work/shot.png") bytes: blank page?"
dims=$(python3 -c 'import struct,sys
d=open(sys.argv[1],"rb").read(24)
assert d[:8]==b"\x89PNG\r\n\x1a\n" and d[12:16]==b"IHDR"
print("%dx%d" % struct.unpack(">II", d[16:24]))' "$work/shot.png") || fail "the screenshot is not a PNG"
[ "$dims" = "1280x2000" ] || fail "screenshot is $dims, expected 1280x2000"
timeout 120 "$chrome" "${copts[@]}" --dump-dom "file://$h" >"$work/dom.html" 2>/dev/null || fail "chromium --dump-dom failed"
grep -qF "<title>v2c report: $(jq -r .name "$inv")</title>" "$work/dom.html" || fail "the DOM lacks the title"
jq -r '.components[].name' "$plan" | while IFS= read -r n; do
  grep -qF ">$n<" "$work/dom.html" || fail "the DOM lacks the component '$n'"
done
! grep -qi '<script' "$work/dom.html" || fail "the DOM has a script"
ok "chromium renders the report ($dims), with its title and every component"
