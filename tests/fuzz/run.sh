#!/bin/bash
# Run every libFuzzer target named on the command line for SECONDS, two
# at a time.  The targets are built by automake in a build configured
# with --enable-fuzz ('make fuzz' builds them first; see
# tests/fuzz/local.am).  Seeds: SEEDS/NAME/.  A crash, leak or sanitizer
# report fails the target; its reproducer is kept in
# BUILDDIR/tests/fuzz/crashes/NAME/, its log and corpus in
# BUILDDIR/tests/fuzz/out/.
# Usage: run.sh BUILDDIR SEEDS SECONDS tests/fuzz/fuzz-NAME...
set -uo pipefail
builddir=$1 seeds=$2 seconds=$3
shift 3
out=$builddir/tests/fuzz/out
mkdir -p "$out"

run () {
  local prog=$builddir/$1 name=${1##*/fuzz-}
  local corpus=$out/corpus-$name crashes=$builddir/tests/fuzz/crashes/$name
  mkdir -p "$corpus" "$crashes"
  [ -d "$seeds/$name" ] && cp -n "$seeds/$name"/* "$corpus/" 2>/dev/null
  rm -f "$corpus/SOURCES"
  if ASAN_OPTIONS=detect_leaks=1 "$prog" -max_total_time="$seconds" \
      -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$crashes/" "$corpus" >"$out/fuzz-$name.log" 2>&1; then
    echo "fuzz: ok $name ($(awk '/stat::number_of_executed_units/ {print $2}' "$out/fuzz-$name.log") runs in ${seconds}s)"
  else
    echo "fuzz: FAIL $name (see $out/fuzz-$name.log; reproducer in $crashes)"
    grep -m5 -E 'ERROR|SUMMARY|runtime error' "$out/fuzz-$name.log"
    return 1
  fi
}

status=0
pids=()
for prog in "$@"; do
  run "$prog" &
  pids+=($!)
  if [ ${#pids[@]} -ge 2 ]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
