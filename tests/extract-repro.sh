#!/bin/bash
# v2c-extract is reproducible and its os layer is shared: the same VM
# converted twice (with a different number of compression threads) gives
# byte-identical blobs and the same manifest digest; another VM built
# from the same packages with a different app (the lvm fixture) gets the
# same os layer digest and a different app layer.
. "$top_srcdir/tests/extract-lib.sh"
# Reproducibility is not a memory property: under ASan (scripts/check.sh's
# second run) the same code runs in extract-demo.sh already.
[ -n "${V2C_SANITIZED:-}" ] &&
  skip "V2C_SANITIZED=1: three more extractions of guests extract-demo.sh covers"

tmp=$(mktemp -d /var/tmp/v2c-extract-repro-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

v2c-extract -q --threads 2 "$V2C_FIXTURES/ova/demo.ova" -o "$tmp/a" || fail "first run"
v2c-extract -q --threads 1 "$V2C_FIXTURES/ova/demo.ova" -o "$tmp/b" || fail "second run"
[ "$(manifest_of "$tmp/a")" != "" ] || fail "no manifest"
ma=$(jq -r '.manifests[0].digest' "$tmp/a/index.json")
mb=$(jq -r '.manifests[0].digest' "$tmp/b/index.json")
[ "$ma" = "$mb" ] || fail "manifest digests differ: $ma vs $mb"
diff -r "$tmp/a" "$tmp/b" >/dev/null || fail "the two image directories differ"
ok "the same VM twice: same manifest $ma, identical blobs"

# the lvm run also shows --exclude and --include at work (outside os)
v2c-extract "$V2C_FIXTURES/lvm/lvm.vmx" -o "$tmp/lvm" --tag lvm \
  --exclude '/opt/demo-app/www/**' --include /var/log/demo-app/app.log \
  --include /etc/demo-app/tls.key 2>"$tmp/lvm.err" || { cat "$tmp/lvm.err" >&2; fail "lvm run"; }
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
layer_digest () {
  local i
  i=$(layer_index_of "$1" "$2") || fail "$1 has no $2 layer"
  jq -r ".layers[$i].digest" "$(manifest_of "$1")"
}
[ "$(layer_digest "$tmp/a" os)" = "$(layer_digest "$tmp/lvm" os)" ] ||
  fail "the os layers differ: $(layer_digest "$tmp/a" os) vs $(layer_digest "$tmp/lvm" os)"
ok "demo and lvm share the os layer $(layer_digest "$tmp/a" os)"
[ "$(layer_digest "$tmp/a" app)" != "$(layer_digest "$tmp/lvm" app)" ] ||
  fail "the app layers are the same although the apps differ"
ok "their app layers differ"
