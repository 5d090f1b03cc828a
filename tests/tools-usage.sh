#!/bin/bash
# Every tool: --help (stdout, exit 0), --version, bad usage (exit 2 with
# "Try '... --help'"), and a man page that man(1) can render.
. "${top_srcdir:?}/tests/lib.sh"
for t in "$top_builddir"/tools/v2c-*; do
  [ -x "$t" ] && [ -f "$t" ] || continue
  case $t in *.c|*.o|*.1) continue ;; esac
  n=$(basename "$t")
  out=$("$t" --help) || fail "$n --help failed"
  grep -q "^Usage: $n " <<<"$out" || fail "$n --help has no usage line"
  "$t" --version | grep -qx "$n [0-9.]*" || fail "$n --version"
  rc=0; "$t" --no-such-option >/dev/null 2>"$top_builddir/tests/usage.err" || rc=$?
  [ $rc -eq 2 ] || fail "$n: bad option gave exit $rc, expected 2"
  grep -q "Try '$n --help'" "$top_builddir/tests/usage.err" || fail "$n: no 'Try --help' hint"
  rc=0; "$t" >/dev/null 2>&1 || rc=$?
  [ $rc -eq 2 ] || fail "$n: no arguments gave exit $rc, expected 2"
  man=$top_srcdir/docs/$n.1
  [ -f "$man" ] || fail "$n has no man page docs/$n.1"
  MANWIDTH=80 man -l "$man" 2>&1 >/dev/null | grep . && fail "$n.1: man reports problems"
  MANWIDTH=80 man -l "$man" | grep -q "^NAME" || fail "$n.1 does not render"
  # every warning: a line taken for an unknown macro, a control character
  if command -v groff >/dev/null; then
    w=$(groff -man -ww -z "$man" 2>&1) && [ -z "$w" ] || fail "$n.1: groff -ww: $w"
  fi
  LC_ALL=C grep -q $'[\x01-\x08\x0b\x0c\x0e-\x1f]' "$man" && fail "$n.1 holds a control character"
  echo "ok: $n"
done
rm -f "$top_builddir/tests/usage.err"
