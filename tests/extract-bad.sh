#!/bin/bash
# v2c-extract on bad input: bad usage and broken plans (exit 2 / 1, no
# appliance), --root misused, a full output disk (the demo's tree read
# on the host), an unreadable file in the guest (the one launch).  Each
# ends with a clear error and leaves no directory that looks like an
# image (nothing beside the output's parent but what was there).
. "${top_srcdir:?}/tests/extract-lib.sh"

tmp=$(tmpdir extract-bad)
mnt=$tmp/full
on_exit 'mountpoint -q "$mnt" 2>/dev/null && umount "$mnt"'

expect_fail () {  # expect_fail STATUS REGEX CMD...
  local want=$1 re=$2 st=0
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err" || st=$?
  [ "$st" = "$want" ] || { cat "$tmp/err" >&2; fail "'$*' exited $st, expected $want"; }
  grep -qE -- "$re" "$tmp/err" || { cat "$tmp/err" >&2; fail "'$*': no message matching '$re'"; }
  ok "$(head -1 "$tmp/err")"
}
no_image_left () {  # no_image_left DIR
  [ ! -e "$1" ] || fail "$1 exists after a failed run"
  if ls -d "$1".tmp-* >/dev/null 2>&1; then fail "a temporary image directory was left: $(ls -d "$1".tmp-*)"; fi
  ok "nothing left at $1"
}

demo=$V2C_FIXTURES/ova/demo.ova
expect_fail 2 "-o DIR is required" v2c-extract "$demo"
expect_fail 2 "give exactly one SOURCE" v2c-extract -o "$tmp/x"
expect_fail 2 "--compress must be" v2c-extract --compress=lzma "$demo" -o "$tmp/x"
expect_fail 2 "bad pattern" v2c-extract --exclude=relative/path "$demo" -o "$tmp/x"
expect_fail 2 "--strategy is for runs without --plan" v2c-extract --plan /dev/null --strategy single "$demo" -o "$tmp/x"
echo '{"schema": "v2c.plan/1", "name": "x"' >"$tmp/broken.json"
expect_fail 1 "can't read the plan" v2c-extract --plan "$tmp/broken.json" "$demo" -o "$tmp/x"
echo '{"schema": "v2c.plan/2"}' >"$tmp/wrong.json"
expect_fail 1 "schema" v2c-extract --plan "$tmp/wrong.json" "$demo" -o "$tmp/x"
no_image_left "$tmp/x"
mkdir "$tmp/occupied" && echo keep >"$tmp/occupied/precious"
expect_fail 1 "not an OCI image layout" v2c-extract -q "$demo" -o "$tmp/occupied" --force
[ "$(cat "$tmp/occupied/precious")" = keep ] || fail "--force destroyed a directory that was not an image"

# --- --root: a tree on the host ----------------------------------------
tree=$V2C_FIXTURES/demo-tree
v2c-plan -q "$top_srcdir/tests/data/plan/demo-inventory.json" -o "$tmp/plan.json" ||
  fail "v2c-plan of the demo inventory"
expect_fail 2 "--root needs --plan" v2c-extract --root "$tree" -o "$tmp/x"
expect_fail 2 "takes the place of SOURCE" v2c-extract --plan "$tmp/plan.json" --root "$tree" "$demo" -o "$tmp/x"
expect_fail 1 "can't open '$tmp/nowhere'" v2c-extract --plan "$tmp/plan.json" --root "$tmp/nowhere" -o "$tmp/x"
no_image_left "$tmp/x"

# --- a full output disk --------------------------------------------------
# (what is written does not depend on where the tree is read from: the
# demo's tree on the host, no appliance)
if [ "$(id -u)" = 0 ]; then
  mkdir "$mnt"
  mount -t tmpfs -o size=256k tmpfs "$mnt" || fail "can't mount a small tmpfs"
  expect_fail 1 "No space left on device" v2c-extract -q --plan "$tmp/plan.json" --root "$tree" -o "$mnt/img"
  no_image_left "$mnt/img"
  [ -z "$(ls -A "$mnt")" ] || fail "the full disk still holds: $(ls -A "$mnt")"
  umount "$mnt"
else
  echo "SKIP (part): a full disk needs root to mount a small tmpfs" >&2
fi

# --- an unreadable file in the guest ------------------------------------
# The demo tree on ext2 (block maps), with the first block of one file
# pointing past the end of the filesystem: reading it fails with EIO.
command -v mke2fs >/dev/null && command -v debugfs >/dev/null || fail "e2fsprogs missing"
bad=$tmp/unreadable.img
truncate -s 96M "$bad"
mke2fs -q -t ext2 -L v2c-root -d "$V2C_FIXTURES/demo-tree" "$bad" || fail "mke2fs -d"
debugfs -w -R "sif /opt/demo-app/www/index.html block[0] 4000000" "$bad" 2>/dev/null ||
  fail "debugfs"
before=$(sha256sum <"$bad")
expect_fail 1 "can't read '/opt/demo-app/www/index.html' in the guest" \
  v2c-extract -q "$bad" -o "$tmp/unreadable-image"
no_image_left "$tmp/unreadable-image"
[ "$before" = "$(sha256sum <"$bad")" ] || fail "the source disk changed"
ok "the source disk is unchanged"
