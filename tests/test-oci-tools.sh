#!/bin/bash
# v2c - move VMware virtual machines onto Kubernetes
# Copyright (C) 2026 the v2c authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# An image written by lib/oci.c and lib/layer.c (tests/test-oci make),
# read by tools that did not write it: skopeo (manifest, config, a copy
# that checks every digest), umoci (stat, and unpack compared with the
# source tree: types, modes, owners, sizes, link counts, mtimes, link
# targets, content, xattrs incl. security.capability), gzip, zcat and
# sha256sum (layer digests and diff_ids), Python's gzip module.
. "${top_srcdir:?}/tests/lib.sh"
set +e # the checks below count their failures

need_tools skopeo umoci jq gzip zcat sha256sum getfattr python3
[ "$(id -u)" = 0 ] || skip "unpacking with owners and security.capability needs root"

prog="${top_builddir:-.}/tests/test-oci"
[ -x "$prog" ] || fail "$prog not built"
tmp=$(tmpdir test-oci-tools)
img="$tmp/img" tree="$tmp/tree" bundle="$tmp/bundle"

manifest_digest=$("$prog" make "$img" "$tree") || fail "test-oci make failed"
ref="oci:$img:v1"

# Every blob hashes to its name.
for b in "$img"/blobs/sha256/*; do
  h=$(sha256sum < "$b" | cut -d' ' -f1)
  [ "$h" = "$(basename "$b")" ] || fail "blob $(basename "$b") hashes to $h"
done

# skopeo: the manifest and its layers.
skopeo inspect "$ref" > "$tmp/inspect.json" || fail "skopeo inspect $ref"
[ "$(jq -r .Digest "$tmp/inspect.json")" = "$manifest_digest" ] ||
  fail "skopeo's manifest digest $(jq -r .Digest "$tmp/inspect.json")," \
       "v2c's $manifest_digest"
man="$img/blobs/sha256/${manifest_digest#sha256:}"
jq -r '.layers[].digest' "$man" > "$tmp/layers.v2c"
jq -r '.Layers[]' "$tmp/inspect.json" > "$tmp/layers.skopeo"
diff -u "$tmp/layers.v2c" "$tmp/layers.skopeo" || fail "layer lists differ"
[ "$(wc -l < "$tmp/layers.skopeo")" = 2 ] || fail "not two layers"
[ "$(jq -r '.Architecture + "/" + .Os' "$tmp/inspect.json")" = amd64/linux ] ||
  fail "platform: $(jq -c '[.Architecture, .Os]' "$tmp/inspect.json")"

# skopeo: the config.
skopeo inspect --config "$ref" > "$tmp/config.json" ||
  fail "skopeo inspect --config $ref"
check_config () {
  got=$(jq -c "$1" "$tmp/config.json")
  [ "$got" = "$2" ] || fail "config $1 is $got, want $2"
}
check_config .config.User '"1001:1001"'
check_config .config.WorkingDir '"/home/app"'
check_config .config.Env '["PATH=/usr/local/bin:/usr/bin:/bin","APP_ENV=test"]'
check_config .config.Cmd '["/bin/sh","-c","exec app"]'
check_config .config.ExposedPorts '{"8080/tcp":{}}'
check_config .rootfs.type '"layers"'
check_config '[.history[].created_by]' '["v2c: os","v2c: app"]'
newest=$(find "$tree" -mindepth 1 -printf '%T@\n' | cut -d. -f1 | sort -n | tail -1)
check_config .created "\"$(date -u -d "@$newest" +%Y-%m-%dT%H:%M:%SZ)\""

# diff_ids: the decompressed layers, hashed by zcat | sha256sum and by
# Python's gzip; gzip -t accepts each layer.
i=0
while read -r d; do
  b="$img/blobs/sha256/${d#sha256:}"
  gzip -t "$b" || fail "gzip -t $d"
  want=$(jq -r ".rootfs.diff_ids[$i]" "$tmp/config.json")
  got="sha256:$(zcat "$b" | sha256sum | cut -d' ' -f1)"
  [ "$got" = "$want" ] || fail "layer $i: zcat | sha256sum $got, diff_id $want"
  got=$(python3 -c 'import gzip, hashlib, sys
h = hashlib.sha256()
with gzip.open(sys.argv[1]) as f:
    for b in iter(lambda: f.read(1 << 20), b""):
        h.update(b)
print("sha256:" + h.hexdigest())' "$b") || fail "python gzip $d"
  [ "$got" = "$want" ] || fail "layer $i: python gzip $got, diff_id $want"
  i=$((i + 1))
done < "$tmp/layers.v2c"

# skopeo copy verifies every blob against its digest.
skopeo copy -q "$ref" "dir:$tmp/copy" || fail "skopeo copy $ref"

# umoci: stat, then unpack and compare with the tree.
umoci stat --image "$img:v1" --json > "$tmp/stat.json" ||
  fail "umoci stat $img:v1"
[ "$(jq '.history | length' "$tmp/stat.json")" = 2 ] ||
  fail "umoci stat: $(cat "$tmp/stat.json")"
umoci unpack --image "$img:v1" "$bundle" > "$tmp/unpack.log" 2>&1 ||
  { cat "$tmp/unpack.log" >&2; fail "umoci unpack $img:v1"; }
rootfs="$bundle/rootfs"

listing () {
  (cd "$1" && find . -mindepth 1 \
    \( -type d -printf '%P d %m %U:%G %T@\n' \) -o \
    \( -printf '%P %y %m %U:%G %s %n %T@ %l\n' \) | LC_ALL=C sort)
}
listing "$tree" > "$tmp/tree.list"
listing "$rootfs" > "$tmp/rootfs.list"
diff -u "$tmp/tree.list" "$tmp/rootfs.list" ||
  fail "unpacked tree differs (type mode owner size links mtime target)"
[ "$(wc -l < "$tmp/tree.list")" -ge 20 ] || fail "short listing"

contents () {
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}
contents "$tree" > "$tmp/tree.sums"
contents "$rootfs" > "$tmp/rootfs.sums"
diff -u "$tmp/tree.sums" "$tmp/rootfs.sums" || fail "file contents differ"

xattrs () {
  (cd "$1" && find . -mindepth 1 -print | LC_ALL=C sort |
     while read -r f; do getfattr -h -d -m - -e hex "$f" 2>/dev/null; done)
}
xattrs "$tree" > "$tmp/tree.xattrs"
xattrs "$rootfs" > "$tmp/rootfs.xattrs"
grep -q '^security.capability=0x01000002000400' "$tmp/rootfs.xattrs" ||
  fail "no security.capability after unpacking"
diff -u "$tmp/tree.xattrs" "$tmp/rootfs.xattrs" || fail "xattrs differ"

[ "$(stat -c %i "$rootfs/etc/passwd")" = \
  "$(stat -c %i "$rootfs/etc/passwd-hl")" ] || fail "hard link lost"
exit 0
