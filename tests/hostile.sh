#!/bin/bash
# The hostile corpus (tests/hostile/*/, see its README) through every tool
# that reads an export: v2c-inspect (with and without --descriptor-only),
# v2c-convert, v2c-extract and v2c-batch --descriptor-only.  Each case must
# end with exit status 1 and one line 'TOOL: error: ...' (v2c-batch: its
# per-VM warning, and exit 1 at the end) before any appliance launch,
# with nothing written outside -o, nothing left in TMPDIR, and every file
# of the export unchanged.  bounded=1 cases also run v2c-inspect
# --descriptor-only under a memory and time measure: at most 256 MiB
# peak RSS and 10 s (not under the sanitizers, whose shadow memory and
# speed are not v2c's).  No fixture VM is needed.
#
# Usage: hostile.sh [CASE...]   (default: every case)
. "${top_srcdir:?}/tests/lib.sh"
need_tools qemu-img tar gzip python3 sha256sum

corpus=$top_srcdir/tests/hostile
# libguestfs' appliance cache stays where it was: TMPDIR below is v2c's
export LIBGUESTFS_CACHEDIR=${LIBGUESTFS_CACHEDIR:-${TMPDIR:-/var/tmp}}
work=$(tmpdir hostile)
[ -d "$work" ] || fail "no work directory"   # every rm -rf below is under it
export AREA=$work/area
ncases=0

# Everything below the area, with link targets, sizes and digests (a FIFO
# or a link is never opened here).
snapshot () {
  (cd "$AREA" && find . -mindepth 1 \( -type l -printf '%p -> %l\n' \) \
       -o \( -type f -printf '%p %s\n' -exec sha256sum {} + \) \
       -o -printf '%p %y\n' | sort)
}

# expect TOOL WANT-STATUS NEEDLE OUT CMD...: run CMD with a fresh TMPDIR
expect () {
  local tool=$1 want=$2 needle=$3 out=$4 rc=0 before after lines
  shift 4
  rm -rf "$work/tmp" "$work/out"; mkdir "$work/tmp" "$work/out"
  before=$(snapshot)
  TMPDIR=$work/tmp timeout 120 "$@" >"$work/stdout" 2>"$work/stderr" </dev/null || rc=$?
  after=$(snapshot)
  # the one warning of a KVM-less host is not about the input
  grep -v 'warning: the appliance failed to start with KVM' "$work/stderr" >"$work/err" || true
  what="$case: $tool"
  [ "$rc" -eq "$want" ] || { cat "$work/err" >&2; fail "$what: exit status $rc, expected $want"; }
  [ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after") >&2; fail "$what: the export changed"; }
  [ -z "$(ls -A "$work/tmp")" ] || { ls -laR "$work/tmp" >&2; fail "$what: files left in TMPDIR"; }
  [ "$(ls -A "$work" | sort | tr '\n' ' ')" = "area err out stderr stdout tmp " ] ||
    fail "$what: wrote outside -o: $(ls -A "$work")"
  [ "$want" -eq 0 ] && return 0
  if [ "$tool" = v2c-batch ]; then
    grep -q '^v2c-batch: warning: ' "$work/err" || { cat "$work/err" >&2; fail "$what: no per-VM warning"; }
    grep -v '^v2c-batch: warning: \|^v2c-batch: fleet of ' "$work/err" >&2 && fail "$what: more than the warning and the summary"
  else
    lines=$(wc -l <"$work/err")
    [ "$lines" -eq 1 ] || { cat "$work/err" >&2; fail "$what: $lines lines on stderr, expected one"; }
    grep -q "^$tool: error: " "$work/err" || { cat "$work/err" >&2; fail "$what: not '$tool: error: ...'"; }
    [ -z "$(ls -A "$work/out")" ] || { ls -la "$work/out" >&2; fail "$what: output left after the error"; }
  fi
  [ "$needle" = - ] || grep -qF -- "$needle" "$work/err" ||
    { cat "$work/err" >&2; fail "$what: message does not say '$needle'"; }
  # no digest of anything may leak: a hex run of 40 or more
  ! grep -qE '[0-9a-f]{40}' "$work/err" || { cat "$work/err" >&2; fail "$what: a digest is printed"; }
}

# bounded CASE SOURCE: peak RSS and wall time of v2c-inspect --descriptor-only
bounded () {
  local src=$1 rss secs
  [ -n "${V2C_SANITIZED:-}" ] && { echo "ok: $case: bounds not measured under the sanitizers"; return 0; }
  TMPDIR=$work/tmp /usr/bin/time -f '%M %e' -o "$work/stdout" \
    v2c-inspect --descriptor-only "$src" >/dev/null 2>&1 || true
  rm -rf "$work/tmp"/*
  read -r rss secs < <(tail -1 "$work/stdout")
  [ "$rss" -le $((256 * 1024)) ] || fail "$case: peak RSS ${rss} KiB, over 256 MiB"
  awk -v s="$secs" 'BEGIN { exit !(s < 10) }' || fail "$case: took ${secs} s, over 10 s"
  echo "ok: $case: descriptor-only peak RSS ${rss} KiB, ${secs} s"
}
[ -x /usr/bin/time ] || need_tools time

run_case () {
  local dir=$corpus/$1 source error descr descr_error bounded_case needle_d
  case=$1
  source=$(sed -n 's/^source=//p' "$dir/case")
  error=$(sed -n 's/^error=//p' "$dir/case")
  descr=$(sed -n 's/^descr=//p' "$dir/case")
  descr_error=$(sed -n 's/^descr_error=//p' "$dir/case")
  bounded_case=$(sed -n 's/^bounded=//p' "$dir/case")
  [ -n "$error" ] || error=-
  needle_d=${descr_error:-$error}

  rm -rf "$AREA"; mkdir -p "$AREA/other-vm"
  qemu-img create -q -f raw "$AREA/other-vm/disk.img" 64K
  qemu-img create -q -f vmdk "$AREA/other-vm/disk.vmdk" 1M
  cp -r "$dir" "$AREA/$case"
  rm -f "$AREA/$case/case" "$AREA/$case/setup"
  if [ -f "$dir/setup" ]; then
    (cd "$AREA/$case" && bash -e "$dir/setup") || fail "$case: setup failed"
  fi
  src=$AREA/$case/$source
  expect v2c-inspect 1 "$error" - v2c-inspect "$src" -o "$work/out/inv.json"
  expect v2c-convert 1 "$error" - v2c-convert "$src" -o "$work/out/conv"
  expect v2c-extract 1 "$error" - v2c-extract "$src" -o "$work/out/image"
  if [ "$descr" = 1 ]; then
    expect v2c-inspect 1 "$needle_d" - v2c-inspect --descriptor-only "$src" -o "$work/out/inv.json"
    expect v2c-batch 1 "$needle_d" - v2c-batch --descriptor-only -o "$work/out/batch" "$src"
  else
    expect v2c-inspect 0 - - v2c-inspect --descriptor-only "$src" -o "$work/out/inv.json"
  fi
  [ "$bounded_case" = 1 ] && bounded "$src"
  echo "ok: $case: $(head -1 "$dir/case" | sed 's/^# //')"
  ncases=$((ncases + 1))
}

if [ $# -gt 0 ]; then
  cases=("$@")
else
  mapfile -t cases < <(cd "$corpus" && ls -d */ | tr -d /)
fi
for c in "${cases[@]}"; do
  run_case "$c"
done
ok "$ncases hostile exports refused by every tool, nothing changed or left behind"
[ $# -gt 0 ] && exit 0

# --allow-outside-paths is the one way past containment, in every tool
run_case disk-symlink >/dev/null
src=$AREA/disk-symlink/evil.vmx
case=allow-outside-paths
expect v2c-inspect 0 - - v2c-inspect --descriptor-only --allow-outside-paths "$src" -o "$work/out/inv.json"
expect v2c-batch 0 - - v2c-batch --descriptor-only --allow-outside-paths -o "$work/out/batch" "$src"
ok "--allow-outside-paths lets v2c-inspect and v2c-batch read the linked disk"

# a compressed OVA whose declared sizes do not fit in TMPDIR: refused
# before the first byte is unpacked (a 1 MiB tmpfs; root only)
case=ova-gzip-no-room
if [ "$(id -u)" = 0 ] && mkdir "$work/small" && mount -t tmpfs -o size=1m v2c-test "$work/small" 2>/dev/null; then
  on_exit "umount '$work/small'"
  rm -rf "$AREA"; mkdir -p "$AREA/room"
  cp "$corpus/ova-gzip-bomb/evil.ovf" "$AREA/room/"
  sed -i 's/ovf:size="512"/ovf:size="104857600"/' "$AREA/room/evil.ovf"
  (cd "$AREA/room" && truncate -s 4096 evil.vmdk &&
     tar --format=ustar -cf - evil.ovf evil.vmdk | gzip -1 >evil.ova && rm evil.ovf evil.vmdk)
  rc=0
  TMPDIR=$work/small v2c-inspect "$AREA/room/evil.ova" -o "$work/out.json" 2>"$work/err" || rc=$?
  [ "$rc" -eq 1 ] && grep -q "needs 104857600 bytes in '.*' (the sizes its OVF declares), but only [0-9]* are free" "$work/err" ||
    { cat "$work/err" >&2; fail "$case: exit $rc"; }
  [ -z "$(ls -A "$work/small")" ] || fail "$case: left files in TMPDIR"
  msg=$(cat "$work/err"); rm -f "$work/err"
  ok "$case: $msg"
else
  echo "ok: $case: not run (needs root to mount a small tmpfs)"
fi
