#!/bin/bash
# v2c-convert on bad input and when stopped: bad usage exits 2; a broken
# source, a wrong -o and SIGTERM exit 1 with one clear error and leave
# nothing that looks like output (no DIR, no temporary directory), and an
# old DIR given with --force stays as it was.
. "${top_srcdir:?}/tests/extract-lib.sh"

tmp=$(tmpdir convert-bad)
pid=
on_exit '[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null'

# nothing but DIR's parent's own files may be there afterwards
clean () {
  if ls -A "$tmp/o" | grep -q .; then
    fail "$1: left behind: $(ls -A "$tmp/o" | tr '\n' ' ')"
  fi
}
mkdir "$tmp/o"

# --- usage ---------------------------------------------------------------
expect_usage () {
  local rc=0
  v2c-convert "$@" >/dev/null 2>"$tmp/err" || rc=$?
  [ "$rc" -eq 2 ] || fail "v2c-convert $*: exit $rc, expected 2"
  grep -q "Try 'v2c-convert --help'" "$tmp/err" || fail "v2c-convert $*: no hint: $(cat "$tmp/err")"
}
expect_usage
expect_usage "$V2C_FIXTURES/ova/demo.ova"
expect_usage -o "$tmp/o/x"
expect_usage "$V2C_FIXTURES/ova/demo.ova" -o "$tmp/o/x" --strategy=layered
expect_usage "$V2C_FIXTURES/ova/demo.ova" -o "$tmp/o/x" --compress=lz4
expect_usage "$V2C_FIXTURES/ova/demo.ova" -o "$tmp/o/x" --level=12
expect_usage "$V2C_FIXTURES/ova/demo.ova" -o "$tmp/o/x" --templates=/nonexistent
expect_usage a.ova b.ova -o "$tmp/o/x"
clean "bad usage"
ok "bad usage: exit 2 with a hint, nothing written"
v2c-convert --help | grep -q 'sbom.spdx.json' || fail "--help does not describe the output"
v2c-convert --version | grep -Eq '^v2c-convert [0-9]' || fail "--version"
ok "--help and --version"

# --- broken inputs: one error line, exit 1, nothing written ------------------
expect_fail () { # expect_fail WHAT SUBSTRING ARGS...
  local what=$1 want=$2 rc=0
  shift 2
  v2c-convert -q "$@" -o "$tmp/o/x" 2>"$tmp/err" || rc=$?
  [ "$rc" -eq 1 ] || fail "$what: exit $rc, expected 1 ($(cat "$tmp/err"))"
  grep -qi -- "$want" "$tmp/err" || fail "$what: error '$(cat "$tmp/err")' does not say '$want'"
  [ "$(grep -c 'error:' "$tmp/err")" -eq 1 ] || fail "$what: not one error line: $(cat "$tmp/err")"
  clean "$what"
  ok "$what: '$(head -c 120 "$tmp/err")'"
}
expect_fail "missing source" "no such file" "$tmp/nothere.ova"
expect_fail "truncated OVA" "truncat" "$V2C_FIXTURES/bad/truncated.ova"
expect_fail ".mf mismatch" "checksum mismatch" "$V2C_FIXTURES/bad/mf-mismatch.ova"
expect_fail "bad plan" "plan" --plan "$top_srcdir/configure.ac" "$V2C_FIXTURES/ova/demo.ova"
echo file >"$tmp/o/x"
rc=0
v2c-convert -q "$V2C_FIXTURES/ova/demo.ova" -o "$tmp/o/x" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 1 ] && grep -q 'is a regular file: -o replaces only a directory' "$tmp/err" || fail "-o on a file: exit $rc, $(cat "$tmp/err")"
[ "$(cat "$tmp/o/x")" = file ] || fail "-o on a file: the file changed"
rm "$tmp/o/x"
ok "-o naming a file: refused before the appliance starts, file untouched"

# --- the progress display: on a terminal only, and not with -q -----------
# (script(1) gives v2c-convert a pseudo-terminal; the .mf check is stage 1
# of 6 and draws a bar before the mismatch is found)
if command -v script >/dev/null; then
  rc=0
  script -qfec "v2c-convert '$V2C_FIXTURES/bad/mf-mismatch.ova' -o '$tmp/o/x'" "$tmp/pty" >/dev/null 2>&1 || rc=$?
  [ "$rc" -eq 1 ] || fail "on a terminal: exit $rc"
  grep -q '\[1/6\] verifying manifest \[#' "$tmp/pty" || fail "no '[1/6] verifying manifest' bar on a terminal: $(tr '\r' '\n' <"$tmp/pty" | head -5)"
  script -qfec "v2c-convert -q '$V2C_FIXTURES/bad/mf-mismatch.ova' -o '$tmp/o/x'" "$tmp/pty-q" >/dev/null 2>&1 || true
  grep -q '\[1/6\]' "$tmp/pty-q" && fail "-q still draws the progress bar"
  v2c-convert "$V2C_FIXTURES/bad/mf-mismatch.ova" -o "$tmp/o/x" 2>"$tmp/err" && fail "mf-mismatch converted"
  grep -q '\[1/6\]' "$tmp/err" && fail "a progress bar was drawn into a file"
  clean "progress"
  ok "progress: '[1/6] verifying manifest [###...' on a terminal; none with -q or into a file"
else
  echo "note: script(1) missing: the terminal progress display is not checked" >&2
fi

# --- --force over an old DIR, with a broken source: the old DIR stays -----
mkdir "$tmp/o/x"
echo old >"$tmp/o/x/report.json"
rc=0
v2c-convert -q --force "$V2C_FIXTURES/bad/truncated.ova" -o "$tmp/o/x" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 1 ] || fail "--force with a broken source: exit $rc"
[ "$(cat "$tmp/o/x/report.json")" = old ] || fail "--force with a broken source changed the old DIR"
[ "$(ls -A "$tmp/o")" = x ] || fail "--force: left behind $(ls -A "$tmp/o")"
rm -rf "$tmp/o/x"
ok "--force with a broken source: the old DIR is kept as it was"

# --- SIGTERM while converting: exit 143, nothing left -------------------------
src=$V2C_FIXTURES/ova/demo.ova
before=$(source_digest "$src")
v2c-convert -q "$src" -o "$tmp/o/x" 2>"$tmp/err" &
pid=$!
# wait until the work has started (its temporary directory exists)
for _ in $(seq 6000); do
  ls -A "$tmp/o" | grep -q tmp && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
ls -A "$tmp/o" | grep -q tmp || fail "no temporary directory while converting"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=
[ "$rc" -eq 143 ] || fail "SIGTERM: exit $rc, expected 143 ($(cat "$tmp/err"))"
grep -q 'interrupted' "$tmp/err" || fail "SIGTERM: no 'interrupted' error: $(cat "$tmp/err")"
clean "SIGTERM"
[ "$before" = "$(source_digest "$src")" ] || fail "the source's files changed"
ok "SIGTERM: exit 143, 'interrupted', no DIR and no temporary directory, source unchanged"

# --- SIGTERM while qemu-img runs (the OVA's read-only view) ----------------
# the stop thread signals the child too, which then fails: the error
# must still be 'interrupted', not the child's death.  A qemu-img first
# in PATH says when it runs and then sleeps: the signal comes then.
mkdir "$tmp/bin"
cat >"$tmp/bin/qemu-img" <<EOF
#!/bin/sh
touch '$tmp/qemu-img-runs'
exec sleep 60
EOF
chmod +x "$tmp/bin/qemu-img"
PATH=$tmp/bin:$PATH v2c-convert -q "$src" -o "$tmp/o/x" 2>"$tmp/err" &
pid=$!
for _ in $(seq 6000); do
  [ -e "$tmp/qemu-img-runs" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -e "$tmp/qemu-img-runs" ] || fail "qemu-img was never run for the OVA ($(cat "$tmp/err"))"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=
[ "$rc" -eq 143 ] || fail "SIGTERM during qemu-img: exit $rc, expected 143 ($(cat "$tmp/err"))"
grep -q 'interrupted' "$tmp/err" && ! grep -q 'killed by signal' "$tmp/err" ||
  fail "SIGTERM during qemu-img: not reported as 'interrupted': $(cat "$tmp/err")"
clean "SIGTERM during qemu-img"
[ "$before" = "$(source_digest "$src")" ] || fail "the source's files changed"
ok "SIGTERM while qemu-img runs: exit 143, 'interrupted' (not the child's death), nothing left"
echo "all passed"
