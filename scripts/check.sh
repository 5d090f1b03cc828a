#!/bin/bash
# Run every test: the full suite, the suite again under AddressSanitizer
# and UBSan, every fuzz target, and 'make distcheck'.  Ends with one line
# 'N passed, N failed'.  Exit status 0 only if nothing failed.  The fuzz
# targets run FUZZ_SECONDS each (5: a smoke test; FUZZ_SECONDS=600 for a
# real fuzzing run).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export V2C_CORPUS=${V2C_CORPUS:-$top/../shared/corpus}
start=$(date +%s)
jobs=$(nproc)
fuzz_seconds=${FUZZ_SECONDS:-5}
passed=0 failed=0 skipped=0
log () { echo "check: $*" >&2; }

count_suite () {  # add up an automake test-suite.log's summary
  local f=$1 p=0 x=0 s=0
  if [ -f "$f" ]; then
    p=$(awk '/^# PASS:/ {print $3}' "$f"); x=$(awk '/^# (FAIL|ERROR|XPASS):/ {n += $3} END {print n+0}' "$f")
    s=$(awk '/^# SKIP:/ {print $3}' "$f")
  else
    x=1
  fi
  passed=$((passed + ${p:-0})); failed=$((failed + ${x:-0})); skipped=$((skipped + ${s:-0}))
}

phase () { log "$* (at $(( $(date +%s) - start )) s)"; }
# KVM hangs or aborts on some hosts: one probe decides for the whole run.
if [ -z "${LIBGUESTFS_BACKEND_SETTINGS+set}" ] && command -v guestfish >/dev/null; then
  phase "building the appliance, then probing it with KVM (at most 30 s)"
  if ! scripts/kvm-probe.sh; then
    log "the appliance did not start with KVM: tests use LIBGUESTFS_BACKEND_SETTINGS=force_tcg"
    export LIBGUESTFS_BACKEND_SETTINGS=force_tcg
  fi
fi

[ -x configure ] && [ configure -nt configure.ac ] && [ configure -nt Makefile.am ] || autoreconf -fi >/dev/null 2>&1 || { echo "0 passed, 1 failed"; exit 1; }

# 1. the normal build, warnings as errors, and the whole suite
phase "build + make check"
mkdir -p build-check && cd build-check
if ../configure -q --enable-werror && make -j"$jobs" >make.log 2>&1; then
  phase "make check"
  make -j"$jobs" check >check.log 2>&1 || { grep -E '^(FAIL|ERROR)' check.log >&2; }
  count_suite test-suite.log
else
  tail -30 make.log >&2; failed=$((failed + 1))
fi
fixtures=$PWD/tests/fixtures
cd "$top"

# 2. the same suite under ASan + UBSan (fixtures reused)
phase "sanitizers: make check"
mkdir -p build-asan && cd build-asan
if ../configure -q --enable-werror --enable-sanitizers && make -j"$jobs" >make.log 2>&1; then
  V2C_FIXTURES=$fixtures V2C_PLAIN_CONVERTED=$top/build-check/tests/converted \
    V2C_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    make -j"$jobs" check >check.log 2>&1 || { grep -E '^(FAIL|ERROR)' check.log >&2; }
  count_suite test-suite.log
else
  tail -30 make.log >&2; failed=$((failed + 1))
fi
cd "$top"

# size limits of HACKING.md: files within 1,000 lines, functions within 150
phase "code metrics"
if scripts/code-metrics.sh >&2; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

# 3. fuzz targets, each for FUZZ_SECONDS (built by automake in
# build-check/tests/fuzz/build, configured with --enable-fuzz and clang)
phase "fuzz targets, ${fuzz_seconds}s each"
cd build-check
if make -j"$jobs" fuzz FUZZ_SECONDS="$fuzz_seconds" >fuzz.log 2>&1; then
  n=$(grep -c '^fuzz: ok ' fuzz.log); passed=$((passed + n))
else
  grep '^fuzz: ' fuzz.log >&2
  passed=$((passed + $(grep -c '^fuzz: ok ' fuzz.log))); failed=$((failed + $(grep -c '^fuzz: FAIL' fuzz.log) ))
  [ "$(grep -c '^fuzz: FAIL' fuzz.log)" -gt 0 ] || failed=$((failed + 1))
fi
cd "$top"

# 4. the release tarball is complete: it builds, installs, and passes the
# tests that need no appliance (the appliance tests ran twice above)
phase "make distcheck"
cd build-check
quick=$(cd "$top" && ls tests/test-*.c | sed 's/\.c$//' | grep -v -e test-fs-guest -e test-source-ova | tr '\n' ' ')
if V2C_FIXTURES="$fixtures" make -j"$jobs" distcheck TESTS="$quick tests/tools-usage.sh tests/test-ovf-corpus.sh" >distcheck.log 2>&1; then
  passed=$((passed + 1))
else
  tail -40 distcheck.log >&2; failed=$((failed + 1))
fi
cd "$top"

log "done in $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
