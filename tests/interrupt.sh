#!/bin/bash
# Interrupts (issue 19): SIGINT and SIGTERM stop v2c-convert in each
# stage, and v2c-batch -j2 mid-run, promptly and without leftovers, on
# an idle machine and with both cores saturated by busy loops this test
# starts (and stops by their PIDs), or in a parallel suite by the suite's
# other tests (lib.sh's saturate_cores).
#  - the stages: the appliance launch (signalled once qemu runs), the
#    inspection (after "appliance launched"), the image (after
#    "inventory and plan") and the manifests (V2C_TEST_HOLD_STAGE=5
#    holds the tool there: that stage takes milliseconds);
#  - each run: exit 130 (SIGINT) or 143 (SIGTERM), within 3 s of the
#    signal idle and 10 s saturated (while other tests of a parallel
#    suite run, the machine is not idle: only the saturated pass runs,
#    and an idle run that overlaps another test gets the loaded limit);
#    nothing left in -o's parent, in
#    TMPDIR (every run has its own, as v2c uses no other place) or in
#    /var/tmp from it; no qemu of the run; the source unchanged (sha256).
#  - v2c-inspect and v2c-extract, signalled while their appliance
#    starts: the same exit statuses, times and checks;
#  - v2c-batch -j2 over two fixtures, signalled once both workers run
#    their appliance: exit 130/143 within the same times, no
#    DIR/.NAME.tmp*, no v2c-batch.* directory in TMPDIR, no qemu; and
#    a stale .NAME.tmpXXXXXX of a crashed run (unlocked, older than the
#    run), and in TMPDIR its v2c-batch.XXXXXX and a tool's v2c-tmp.XXXXXX,
#    go at the next run, while one a live process holds stays.
# No fixed sleep before a signal: each waits for the state it needs.
# Saturated, the SIGINT and SIGTERM runs of a stage go side by side.
. "${top_srcdir:?}/tests/lib.sh"
[ -n "${V2C_SANITIZED:-}" ] &&
  skip "V2C_SANITIZED=1: twenty appliance launches under ASan; the plain run holds the times"
need_fixtures
need_appliance ""
need_tools pgrep flock
fx=$(readlink -f "$V2C_FIXTURES")
src=$fx/db/db.vmx
work=$(tmpdir interrupt)
# the appliance cache stays shared, whatever TMPDIR a run has
export LIBGUESTFS_CACHEDIR=${LIBGUESTFS_CACHEDIR:-/var/tmp}
before=$(source_digest "$src"; source_digest "$fx/web/web.vmx")

# wait_for WHAT PID CMD...: until CMD succeeds (polled every 50 ms), or
# fail when PID ended first or after 600 s
wait_for () {
  local what=$1 pid=$2 n=0
  shift 2
  until "$@"; do
    kill -0 "$pid" 2>/dev/null || fail "$what: the process ended before: $(tail -3 "$log" 2>/dev/null)"
    n=$((n + 1))
    [ $n -lt 12000 ] || fail "$what: not reached in 600 s"
    sleep 0.05
  done
}
# a qemu whose command line names a path under $1 (its disk overlays
# live in the output's temporary directory)
qemu_of () { pgrep -f -- "qemu-system[^ ]* .*$1" >/dev/null; }
in_log () { grep -qs -- "$1" "$log"; }

# stopped RC SIG T0 LIMIT WHAT: the exit status and the time it took.
# The idle limit holds on an idle machine: while other tests of a
# parallel suite run (appliance boots, image builds), the machine is
# loaded, and the loaded limit applies (the times file says so).
stopped () {
  local rc=$1 sig=$2 t0=$3 limit=$4 what=$5 want dt
  case $sig in INT) want=130 ;; TERM) want=143 ;; esac
  [ "$rc" -eq "$want" ] || { tail -5 "$log" >&2; fail "$what: exit $rc, expected $want"; }
  dt=$(( $(date +%s%N) / 1000000 - t0 ))
  if [ "$load" = idle ] && [ "$limit" -lt 10 ] && in_parallel_suite; then
    echo "$what: other tests ran meanwhile: the loaded limit, 10 s" >>"$work/times"
    limit=10
  fi
  [ "$dt" -le $((limit * 1000)) ] || fail "$what: stopped $dt ms after SIG$sig, limit $limit s"
  echo "$dt"
}

convert_stage () {  # STAGE SIG LOAD LIMIT
  local stage=$1 sig=$2 load=$3 limit=$4 d=$work/$1-$2-$3 pid
  mkdir -p "$d/out" "$d/tmp"
  log=$d/log
  if [ "$stage" = manifests ]; then
    V2C_TEST_HOLD_STAGE=5 TMPDIR=$d/tmp v2c-convert -v "$src" -o "$d/out/vm" 2>"$log" &
  else
    TMPDIR=$d/tmp v2c-convert -v "$src" -o "$d/out/vm" 2>"$log" &
  fi
  pid=$!
  case $stage in
    launch) wait_for "$stage" "$pid" qemu_of "$d/out/" ;;
    inspection) wait_for "$stage" "$pid" in_log "appliance launched, guest inspected" ;;
    image) wait_for "$stage" "$pid" in_log "inventory and plan (" ;;
    manifests) wait_for "$stage" "$pid" in_log "holding before stage 5" ;;
  esac
  signal_and_check "v2c-convert $stage SIG$sig $load" "$pid" "$sig" "$limit" "$d"
  grep -q "interrupted" "$log" || fail "$stage SIG$sig $load: no 'interrupted' message: $(tail -2 "$log")"
}

# signal_and_check WHAT PID SIG LIMIT D: signal PID now; its exit status
# and time; nothing left in D/out (-o's parent), D/tmp (its TMPDIR), no
# qemu naming a path under D
signal_and_check () {
  local what=$1 pid=$2 sig=$3 limit=$4 d=$5 rc=0 t0 dt
  t0=$(( $(date +%s%N) / 1000000 ))
  kill -"$sig" "$pid"
  wait "$pid" || rc=$?
  dt=$(stopped "$rc" "$sig" "$t0" "$limit" "$what")
  [ -z "$(ls -A "$d/out")" ] || fail "$what: left in -o's parent: $(ls -A "$d/out")"
  [ -z "$(ls -A "$d/tmp")" ] || fail "$what: left in TMPDIR: $(ls -A "$d/tmp")"
  ! qemu_of "$d/" || fail "$what: a qemu of the run is left"
  # where qemu picks TCG itself (no usable /dev/kvm, TCG not forced), a
  # launch fails only because the signal stopped its qemu: the tool must
  # not retry it (a second launch, and a false warning about KVM)
  if [ -z "${LIBGUESTFS_BACKEND_SETTINGS:-}" ] && [ ! -w /dev/kvm ] &&
    grep -q 'retrying with software emulation' "$log"; then
    fail "$what: the launch the signal stopped was retried: $(grep retrying "$log")"
  fi
  printf '%s\n' "$what: exit $rc after $dt ms" >>"$work/times"
}

# v2c-inspect and v2c-extract (the same stop code) during their launch
tool_launch () {  # TOOL SIG LOAD LIMIT
  local tool=$1 sig=$2 load=$3 limit=$4 d=$work/$1-$2-$3 pid
  mkdir -p "$d/out" "$d/tmp"
  log=$d/log
  TMPDIR=$d/tmp "$tool" -v "$src" -o "$d/out/x" 2>"$log" &
  pid=$!
  # their appliance reads the source through qemu: its path names it
  wait_for "$tool" "$pid" pgrep -f -- "qemu-system[^ ]* .*$d/tmp/"
  signal_and_check "$tool launch SIG$sig $load" "$pid" "$sig" "$limit" "$d"
}

batch_run () {  # SIG LOAD LIMIT
  local sig=$1 load=$2 limit=$3 d=$work/batch-$1-$2 pid rc=0 t0 dt stale
  mkdir -p "$d/out" "$d/tmp"
  log=$d/log
  # a crashed run's output directory, and one a live process holds
  mkdir -p "$d/out/.v2c-web.tmpAbC123/image" "$d/out/.v2c-db.tmpXyZ789" \
    "$d/tmp/v2c-batch.Old123/v2c-db" "$d/tmp/v2c-tmp.Old456"
  touch -d '1 hour ago' "$d/out/.v2c-web.tmpAbC123" "$d/out/.v2c-db.tmpXyZ789" \
    "$d/tmp/v2c-batch.Old123" "$d/tmp/v2c-tmp.Old456"
  flock "$d/out/.v2c-db.tmpXyZ789" sleep 600 &
  stale=$!
  wait_for "flock" "$stale" sh -c "! flock -n '$d/out/.v2c-db.tmpXyZ789' true"
  TMPDIR=$d/tmp v2c-batch -v -j2 -o "$d/out" "$src" "$fx/web/web.vmx" 2>"$log" &
  pid=$!
  # the first worker started: the run's cleanup is done
  wait_for "batch" "$pid" sh -c "ls '$d/out/.v2c-batch/logs/'*.log >/dev/null 2>&1"
  [ ! -e "$d/out/.v2c-web.tmpAbC123" ] || fail "batch: the stale .v2c-web.tmpAbC123 was not removed"
  [ ! -e "$d/tmp/v2c-batch.Old123" ] && [ ! -e "$d/tmp/v2c-tmp.Old456" ] ||
    fail "batch: the stale directories of an earlier run in TMPDIR were not removed: $(ls "$d/tmp")"
  [ -e "$d/out/.v2c-db.tmpXyZ789" ] || fail "batch: a directory a live process locks was removed"
  kill "$stale"
  wait "$stale" 2>/dev/null || true
  rm -rf "$d/out/.v2c-db.tmpXyZ789"
  # both workers have their appliance
  wait_for "batch" "$pid" sh -c "[ \$(pgrep -fc -- 'qemu-system[^ ]* .*$d/out/') -ge 2 ]"
  t0=$(( $(date +%s%N) / 1000000 ))
  kill -"$sig" "$pid"
  wait "$pid" || rc=$?
  dt=$(stopped "$rc" "$sig" "$t0" "$limit" "v2c-batch -j2, SIG$sig, $load")
  [ -z "$(find "$d/out" -mindepth 1 -maxdepth 1 -name '.*.tmp*')" ] ||
    fail "batch SIG$sig $load: left in DIR: $(ls -A "$d/out")"
  [ -z "$(ls -A "$d/tmp")" ] || fail "batch SIG$sig $load: left in TMPDIR: $(ls -A "$d/tmp")"
  ! qemu_of "$d/" || fail "batch SIG$sig $load: a qemu of the run is left"
  printf '%s\n' "v2c-batch -j2 SIG$sig $load: exit $rc after $dt ms" >>"$work/times"
}

batch_load () { batch_run "$3" "$1" "$2"; }
tool_load () { tool_launch "$1" "$4" "$2" "$3"; }
vartmp () { find /var/tmp -maxdepth 1 -name 'v2c.*' -newer "$work" 2>/dev/null | LC_ALL=C sort; }
vt_before=$(vartmp)
# both (a test function) SIG: on the idle machine one after the other;
# saturated, the SIGINT and SIGTERM runs side by side (the cores are
# busy anyway, and it halves the time of this part)
both () {
  local p1 p2 r1=0 r2=0
  if [ "$load" = idle ]; then
    "$@" INT && "$@" TERM
    return
  fi
  "$@" INT & p1=$!
  "$@" TERM & p2=$!
  wait "$p1" || r1=$?
  wait "$p2" || r2=$?
  [ $r1 -eq 0 ] && [ $r2 -eq 0 ] || exit 1
}
stage_run () { convert_stage "$1" "$4" "$2" "$3"; }
# Within a parallel suite the machine is never idle: the idle pass would
# be a second loaded pass, the saturated one's runs one at a time.  Only
# the saturated pass runs then (the suite's tests are its load: see
# saturate_cores); alone, this test runs both.
loads="idle saturated"
if in_parallel_suite; then
  loads=saturated
  echo "# other tests of the suite run: not idle, so only the saturated pass (run alone for the idle limit)"
fi
for load in $loads; do
  limit=3
  if [ $load = saturated ]; then saturate_cores; limit=10; fi
  for stage in launch inspection image manifests; do
    both stage_run "$stage" "$load" "$limit"
  done
  both batch_load "$load" "$limit"
  both tool_load v2c-inspect "$load" "$limit"
  both tool_load v2c-extract "$load" "$limit"
  unsaturate_cores
  ok "$load: every stage and v2c-batch stop on SIGINT and SIGTERM within $limit s, nothing left"
done
cat "$work/times"
[ "$(vartmp)" = "$vt_before" ] || fail "left in /var/tmp: $(vartmp)"
[ "$(source_digest "$src"; source_digest "$fx/web/web.vmx")" = "$before" ] || fail "a source changed"
ok "the sources unchanged (sha256), nothing in /var/tmp"
