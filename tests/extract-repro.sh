#!/bin/bash
# v2c-extract is reproducible and its os layer is shared.  The same demo
# guest converted from six source forms (tests/golden.sh: OVA, gzipped
# OVA, sparse and split VMX, raw and qcow2 disk) gives the same layers
# byte for byte (the snapshot leaf of vmx-split has its own app and
# config, still the same os layer), the same disk in two formats the
# same image; the lvm fixture (another VM built from the same packages
# with a different app) the same os layer digest, a different app layer.
# (convert-demo.sh converts the demo again with one compression thread,
# --exclude and --include, and compares with golden.sh's.)  Without
# golden.sh's conversions: the demo twice with v2c-extract (two threads,
# then one), and v2c-extract on lvm with --exclude and --include.
. "${top_srcdir:?}/tests/extract-lib.sh"
# Reproducibility is not a memory property: under ASan (scripts/check.sh's
# second run) the same code runs in extract-demo.sh already.
[ -n "${V2C_SANITIZED:-}" ] &&
  skip "V2C_SANITIZED=1: more extractions of guests extract-demo.sh covers"

tmp=$(tmpdir extract-repro)

# --- the demo guest from six source forms ----------------------------------
if conv=$(converted_vm ova/demo.ova); then
  # an image without its name: layer digests, and the config without
  # its title label
  unnamed_image () {
    local m c
    m=$(jq -r '.manifests[0].digest' "$1/index.json" | cut -d: -f2)
    c=$(jq -r '.config.digest' "$1/blobs/sha256/$m" | cut -d: -f2)
    jq -c '[.layers[] | .digest, .size]' "$1/blobs/sha256/$m"
    jq -cS 'del(.config.Labels["org.opencontainers.image.title"])' "$1/blobs/sha256/$c"
  }
  a=$conv/image
  for s in ova-gz/demo.ova vmx-sparse/demo.vmx vmx-split/demo.vmx disk/demo.img disk/demo.qcow2; do
    c=$(converted_vm "$s") || fail "golden.sh did not convert $s"
    for l in os config app; do
      [ "$s" = vmx-split/demo.vmx ] && [ $l != os ] && continue
      [ "$(layer_digest_of "$a" $l)" = "$(layer_digest_of "$c/image" $l)" ] ||
        fail "$s: the $l layer differs from the OVA's ($(layer_digest_of "$c/image" $l))"
    done
    ok "$s: the same layers as ova/demo.ova"
  done
  lvm=$(converted_vm lvm/lvm.vmx)/image || fail "golden.sh did not convert lvm/lvm.vmx"
  # the same image but for its name (each VM of the batch has its own)
  [ "$(unnamed_image "$(converted_vm disk/demo.img)/image")" = \
    "$(unnamed_image "$(converted_vm disk/demo.qcow2)/image")" ] ||
    fail "disk/demo.img and disk/demo.qcow2 (one guest, two formats) give different images"
  ok "disk/demo.img and disk/demo.qcow2: byte-identical image directories"
else
  conv=
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
lvm_run () {
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
  lvm=$tmp/lvm
}
[ -n "$conv" ] || lvm_run

[ "$(layer_digest_of "$a" os)" = "$(layer_digest_of "$lvm" os)" ] ||
  fail "the os layers differ: $(layer_digest_of "$a" os) vs $(layer_digest_of "$lvm" os)"
ok "demo and lvm share the os layer $(layer_digest_of "$a" os)"
[ "$(layer_digest_of "$a" app)" != "$(layer_digest_of "$lvm" app)" ] ||
  fail "the app layers are the same although the apps differ"
ok "their app layers differ"
