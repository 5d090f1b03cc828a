#!/bin/bash
# The same tree gives the same image, byte for byte, whichever backend
# of the filesystem view v2c-extract reads it through: the demo disk
# read in the appliance (tests/golden.sh's conversion of disk/demo.img)
# and its tree on the host (--root), unpacked from libguestfs's own tar
# of that disk (the one tests/test-fs-guest wrote in its launch).  Both
# come from earlier tests' launches: none of its own in make check (run
# alone, it makes what is missing: one or two launches).
. "${top_srcdir:?}/tests/extract-lib.sh"
# Under ASan (scripts/check.sh's second run) golden.sh converts nothing,
# so this would launch again: the host backend runs in test-fs-tree and
# extract-bad.sh there.
[ -n "${V2C_SANITIZED:-}" ] &&
  skip "V2C_SANITIZED=1: no golden.sh conversion to compare with"
[ "$(id -u)" = 0 ] || skip "unpacking the guest's owners and security.capability needs root"
need_tools fallocate

tmp=$(tmpdir extract-backends)
disk=$V2C_FIXTURES/disk/demo.img

# --- the guest backend ---------------------------------------------------
if conv=$(converted_vm disk/demo.img); then
  guest=$conv/image
  plan=$conv/plan.json
  ok "the guest's image: golden.sh's conversion ($conv)"
else
  plan=$tmp/plan.json
  guest=$tmp/guest
  v2c-plan -q "$top_srcdir/tests/data/plan/demo-inventory.json" -o "$plan" || fail "v2c-plan"
  v2c-extract -q --plan "$plan" "$disk" -o "$guest" || fail "v2c-extract of $disk"
fi

# --- the same tree on the host -------------------------------------------
ref=$top_builddir/tests/demo-ref
if [ -f "$ref.tar" ] && [ "$(cat "$ref.stamp" 2>/dev/null)" = "$(stat -L -c '%s %Y' "$disk")" ]; then
  ref=$ref.tar
  ok "libguestfs's tar of the guest: test-fs-guest's"
else
  guest_ref_tar "$disk" "$tmp/ref.tar"
  ref=$tmp/ref.tar
fi
tree=$tmp/tree
mkdir "$tree"
tar -C "$tree" -xpf "$ref" --numeric-owner --xattrs --xattrs-include='*' ||
  fail "can't unpack $ref"
# a tar keeps no holes: give them back to the files the guest's image
# stores sparse, with their mtimes
n=0
for b in $(layers_of "$guest"); do
  layer_cat "$b" | { grep -ao 'GNU.sparse.name=[^[:cntrl:]]*' || true; } |
    sed 's/^GNU.sparse.name=//'
done | sort -u >"$tmp/sparse"
while IFS= read -r f; do
  t=$(stat -c %Y "$tree/$f")
  fallocate --dig-holes "$tree/$f" || fail "fallocate --dig-holes $f"
  touch -d "@$t" "$tree/$f"
  n=$((n + 1))
done <"$tmp/sparse"
[ "$n" -gt 0 ] || fail "no sparse file in the guest's image (opt/demo-app/cache.img is one)"
ok "the guest's tree on the host ($n sparse files)"
# v2c-convert (golden.sh) also writes the data image into image/: the
# host walk makes it too when the guest's image has one
data=none
jq -e '[.manifests[].annotations["org.opencontainers.image.ref.name"] // "" | endswith("-data")] | any' \
  "$guest/index.json" >/dev/null && data=seed
v2c-extract -q --plan "$plan" --data "$data" --root "$tree" -o "$tmp/host" || fail "v2c-extract --root"
ok "the host walk, with --data $data as the guest's"


# --- byte for byte --------------------------------------------------------
mg=$(jq -r '.manifests[0].digest' "$guest/index.json")
mh=$(jq -r '.manifests[0].digest' "$tmp/host/index.json")
[ "$mg" = "$mh" ] || {
  for l in $(layer_names "$guest"); do
    [ "$(layer_digest_of "$guest" "$l")" = "$(layer_digest_of "$tmp/host" "$l")" ] ||
      echo "layer $l differs" >&2
  done
  fail "the host tree's manifest $mh, the guest's $mg"
}
diff -r "$guest" "$tmp/host" >/dev/null || fail "the image directories differ"
ok "guest and host backends: the same image ($mg), every blob identical"
