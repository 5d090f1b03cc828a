#!/bin/bash
# v2c-extract is reproducible and its os layer is shared.  The same demo
# guest converted from six source forms (tests/golden.sh: OVA, gzipped
# OVA, sparse and split VMX, raw and qcow2 disk) gives the same layers
# byte for byte (the snapshot leaf of vmx-split has its own app and
# config, still the same os layer), the same disk in two formats the
# same image; then v2c-extract itself on the lvm fixture (another VM
# built from the same packages with a different app), with one
# compression thread where golden.sh's ran with the default: the same os
# layer digest, a different app layer.  That run also shows --exclude
# and --include at work (outside os).
. "$top_srcdir/tests/extract-lib.sh"
# Reproducibility is not a memory property: under ASan (scripts/check.sh's
# second run) the same code runs in extract-demo.sh already.
[ -n "${V2C_SANITIZED:-}" ] &&
  skip "V2C_SANITIZED=1: more extractions of guests extract-demo.sh covers"

tmp=$(tmpdir extract-repro)

layer_digest () {
  local i
  i=$(layer_index_of "$1" "$2") || fail "$1 has no $2 layer"
  jq -r ".layers[$i].digest" "$(manifest_of "$1")"
}

# --- the demo guest from six source forms ----------------------------------
if conv=$(converted_vm ova/demo.ova); then
  a=$conv/image
  for s in ova-gz/demo.ova vmx-sparse/demo.vmx vmx-split/demo.vmx disk/demo.img disk/demo.qcow2; do
    c=$(converted_vm "$s") || fail "golden.sh did not convert $s"
    for l in os config app; do
      [ "$s" = vmx-split/demo.vmx ] && [ $l != os ] && continue
      [ "$(layer_digest "$a" $l)" = "$(layer_digest "$c/image" $l)" ] ||
        fail "$s: the $l layer differs from the OVA's ($(layer_digest "$c/image" $l))"
    done
    ok "$s: the same layers as ova/demo.ova"
  done
  diff -r "$(converted_vm disk/demo.img)/image" "$(converted_vm disk/demo.qcow2)/image" >/dev/null ||
    fail "disk/demo.img and disk/demo.qcow2 (one guest, two formats) give different images"
  ok "disk/demo.img and disk/demo.qcow2: byte-identical image directories"
else
  a=$tmp/a
  v2c-extract -q --threads 2 "$V2C_FIXTURES/ova/demo.ova" -o "$a" || fail "first run"
  v2c-extract -q --threads 1 "$V2C_FIXTURES/ova/demo.ova" -o "$tmp/b" || fail "second run"
  ma=$(jq -r '.manifests[0].digest' "$a/index.json")
  mb=$(jq -r '.manifests[0].digest' "$tmp/b/index.json")
  [ "$ma" = "$mb" ] || fail "manifest digests differ: $ma vs $mb"
  diff -r "$a" "$tmp/b" >/dev/null || fail "the two image directories differ"
  ok "the same VM twice: same manifest $ma, identical blobs"
fi

# --- v2c-extract on lvm, --exclude and --include ---------------------------
src=$V2C_FIXTURES/lvm/lvm.vmx
before=$(source_digest "$src")
v2c-extract -v --threads 1 "$src" -o "$tmp/lvm" --tag lvm \
  --exclude '/opt/demo-app/www/**' --include /var/log/demo-app/app.log \
  --include /etc/demo-app/tls.key 2>"$tmp/lvm.err" || { cat "$tmp/lvm.err" >&2; fail "lvm run"; }
[ "$before" = "$(source_digest "$src")" ] || fail "the source's files changed"
ok "source files unchanged (sha256)"
grep -q 'peak RSS' "$tmp/lvm.err" || fail "no peak RSS line at -v"
check_image "$tmp/lvm" lvm
entries "$tmp/lvm" app >"$tmp/lvm.app"
grep -qx 'opt/demo-app/www/' "$tmp/lvm.app" || fail "--exclude '/opt/demo-app/www/**' dropped the directory itself"
if grep -q '^opt/demo-app/www/.' "$tmp/lvm.app"; then
  fail "--exclude '/opt/demo-app/www/**' kept what is below"
fi
grep -qx 'var/log/demo-app/app.log' "$tmp/lvm.app" || fail "--include did not bring back a log file"
ok "--exclude drops a subtree, --include brings back a log file"
for l in os config app; do
  entries "$tmp/lvm" $l >"$tmp/lvm.$l"
  if grep -qx 'etc/demo-app/tls.key' "$tmp/lvm.$l"; then
    fail "--include brought a secret file into the $l layer"
  fi
done
grep -q "warning: '/etc/demo-app/tls.key' holds a secret" "$tmp/lvm.err" || fail "no warning for --include of a secret file"
ok "--include of a secret file: a warning, and the file stays out"
[ "$(layer_digest "$a" os)" = "$(layer_digest "$tmp/lvm" os)" ] ||
  fail "the os layers differ: $(layer_digest "$a" os) vs $(layer_digest "$tmp/lvm" os)"
ok "demo and lvm share the os layer $(layer_digest "$a" os)"
[ "$(layer_digest "$a" app)" != "$(layer_digest "$tmp/lvm" app)" ] ||
  fail "the app layers are the same although the apps differ"
ok "their app layers differ"
