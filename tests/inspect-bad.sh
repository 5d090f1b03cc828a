#!/bin/bash
# Broken inputs: each must end with exit status 1 and exactly one clear
# 'v2c-inspect: error: ...' line, never a crash, a hang or a leftover
# temporary file; the input must not change.  Rows: tests/fixtures-bad.tsv.
# Only rows whose "launch" column equals the argument (default "no": the
# ones found before any appliance launch).
. "${top_srcdir:?}/tests/lib.sh"
need_fixtures
want_launch=${1:-no}

# libguestfs keeps its appliance cache in $TMPDIR unless told: keep it
# where it was, so the check below sees only v2c's own temporary files
export LIBGUESTFS_CACHEDIR=${LIBGUESTFS_CACHEDIR:-${TMPDIR:-/var/tmp}}
work=$(tmpdir inspect-bad)
mkdir "$work/tmp"

check_bad () {  # check_bad NAME EXPECTED-SUBSTRING ARGS...
  local name=$1 want=$2 rc=0 before after
  shift 2
  before=$(for a in "$@"; do [ -f "$a" ] && sha256sum "$a"; done; true)
  TMPDIR=$work/tmp timeout 600 v2c-inspect "$@" >"$work/out" 2>"$work/err" || rc=$?
  after=$(for a in "$@"; do [ -f "$a" ] && sha256sum "$a"; done; true)
  [ "$rc" -eq 1 ] || { cat "$work/err" >&2; fail "$name: exit status $rc, expected 1"; }
  # the one warning of a KVM-less host (TCG fall-back) is not about the input
  grep -v 'warning: the appliance failed to start with KVM' "$work/err" >"$work/err1" || true
  mv "$work/err1" "$work/err"
  [ "$(wc -l <"$work/err")" -eq 1 ] || { cat "$work/err" >&2; fail "$name: expected exactly one line on stderr"; }
  grep -q '^v2c-inspect: error: ' "$work/err" || { cat "$work/err" >&2; fail "$name: message is not 'v2c-inspect: error: ...'"; }
  grep -qi -- "$want" "$work/err" || { cat "$work/err" >&2; fail "$name: message does not say '$want'"; }
  [ ! -s "$work/out" ] || fail "$name: something was printed on stdout"
  [ "$before" = "$after" ] || fail "$name: the input changed"
  [ -z "$(ls -A "$work/tmp")" ] || { ls -laR "$work/tmp" >&2; fail "$name: temporary files left behind"; }
  echo "ok: $name: $(cat "$work/err")"
}

if [ "$want_launch" = no ]; then
  check_bad missing-file "can't open" "$work/does-not-exist.ova"
  # a launch that fails at once (no emulator): one line, not libguestfs'
  # page of advice (issue 14)
  LIBGUESTFS_HV=/bin/false check_bad launch-fails "can't launch" "$V2C_FIXTURES/disk/demo.qcow2"
fi
while IFS=$'\t' read -r name src launch want; do
  case $name in ''|'#'*|name) continue ;; esac
  [ "$launch" != "$want_launch" ] && continue
  check_bad "$name" "$want" "$V2C_FIXTURES/$src"
done <"$top_srcdir/tests/fixtures-bad.tsv"
