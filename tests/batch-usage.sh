#!/bin/bash
# v2c-batch's command line: --help, --version, exit 2 (with the "Try"
# hint) on every kind of bad usage, and its man page renders.
. "${top_srcdir:?}/tests/batch-lib.sh"
out=$("$batch" --help) || fail "--help failed"
grep -q '^Usage: v2c-batch ' <<<"$out" || fail "--help has no usage line"
for o in --from-dir --descriptor-only --emit-k8s-job --retry-failed --timeout V2C_CONVERT; do
  grep -q -- "$o" <<<"$out" || fail "--help does not mention $o"
done
"$batch" --version | grep -qx 'v2c-batch [0-9.]*' || fail "--version"
ok "--help and --version"
bad () {  # bad WHY ARGS...: exit 2 and the hint
  local why=$1 rc=0
  shift
  "$batch" "$@" >/dev/null 2>"$work/err" || rc=$?
  [ $rc -eq 2 ] || fail "$why: exit $rc, expected 2"
  grep -q "Try 'v2c-batch --help'" "$work/err" || fail "$why: no hint"
  ok "$why: exit 2"
}
bad "no arguments"
bad "no -o" x.ova
bad "no SOURCE" -o "$work/o"
bad "SOURCE and --from-dir" -o "$work/o" --from-dir "$work" x.ova
bad "SOURCE and -c" -o "$work/o" -c test:///default x.ova
bad "-d" -o "$work/o" -c test:///default -d x
bad "--match without -c" -o "$work/o" --match 'a*' x.ova
bad "-j 0" -o "$work/o" -j 0 x.ova
bad "-j x" -o "$work/o" -j x x.ova
bad "--timeout -1" -o "$work/o" --timeout -1 x.ova
bad "--descriptor-only --emit-k8s-job" -o "$work/o" --descriptor-only --emit-k8s-job x.ova
bad "--verify --emit-k8s-job" -o "$work/o" --verify --emit-k8s-job x.ova
bad "--image without --emit-k8s-job" -o "$work/o" --image x x.ova
bad "unknown option" --no-such-option
[ ! -e "$work/o" ] || fail "bad usage created the output directory"
man=$top_srcdir/docs/v2c-batch.1
[ -f "$man" ] || fail "no man page docs/v2c-batch.1"
MANWIDTH=80 man -l "$man" 2>&1 >/dev/null | grep . && fail "man reports problems"
MANWIDTH=80 man -l "$man" >"$work/man.txt" 2>/dev/null
for s in NAME SYNOPSIS fleet.json up-to-date V2C_CONVERT "EXIT STATUS" 143; do
  grep -q -- "$s" "$work/man.txt" || fail "the man page does not mention $s"
done
ok "the man page renders and documents fleet.json, V2C_CONVERT, exit status"
