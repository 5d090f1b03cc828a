#!/bin/bash
# Build every libFuzzer target named on the command line
# (tests/fuzz/fuzz-NAME.c) with clang, ASan and UBSan, and run each for
# SECONDS, two at a time.  Seeds: tests/fuzz/seeds/NAME/.  A crash, leak
# or sanitizer report fails the target; its reproducer is kept in
# BUILDDIR/tests/fuzz/crashes/NAME/.
# Usage: run.sh SRCDIR BUILDDIR SECONDS NAME...
set -uo pipefail
srcdir=$1 builddir=$2 seconds=$3
shift 3
cc=${CLANG:-clang}
command -v "$cc" >/dev/null || { echo "fuzz: FAIL clang not found (apt-get install clang)"; exit 1; }
bin=$builddir/tests/fuzz/bin
obj=$bin/obj
mkdir -p "$obj"
pkgs="libguestfs libvirt libarchive zlib libxml-2.0 jansson yaml-0.1 libcrypto sqlite3"
cflags="-g -O1 -std=gnu11 -fno-sanitize-recover=undefined -I$srcdir/lib -I$srcdir/converters -I$builddir $(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs) -lpthread"
zstd=$(pkg-config --libs libzstd 2>/dev/null || true)

# The library once, instrumented for the fuzzer (not linked with its
# main), two files at a time; then each target links against it.
objs=()
pids=()
# (file names are unique across lib/ and converters/)
for src in "$srcdir"/lib/*.c "$srcdir"/converters/*.c; do
  o=$obj/$(basename "$src" .c).o
  objs+=("$o")
  if [ ! -f "$o" ] || [ "$src" -nt "$o" ]; then
    "$cc" $cflags -fsanitize=fuzzer-no-link,address,undefined -c "$src" -o "$o" 2>>"$obj/build.log" &
    pids+=($!)
    if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}" || { echo "fuzz: FAIL $(basename "$src") does not build"; cat "$obj/build.log"; exit 1; }; pids=("${pids[@]:1}"); fi
  fi
done
for p in "${pids[@]}"; do wait "$p" || { echo "fuzz: FAIL the library does not build"; cat "$obj/build.log"; exit 1; }; done

build () {
  local name=$1
  "$cc" $cflags -fsanitize=fuzzer,address,undefined \
    "$srcdir/tests/fuzz/fuzz-$name.c" "${objs[@]}" $libs $zstd \
    -o "$bin/fuzz-$name" 2>"$bin/fuzz-$name.build.log"
}

run () {
  local name=$1 corpus=$bin/corpus-$name crashes=$builddir/tests/fuzz/crashes/$name
  mkdir -p "$corpus" "$crashes"
  [ -d "$srcdir/tests/fuzz/seeds/$name" ] && cp -n "$srcdir/tests/fuzz/seeds/$name"/* "$corpus/" 2>/dev/null
  rm -f "$corpus/SOURCES"
  if ASAN_OPTIONS=detect_leaks=1 "$bin/fuzz-$name" -max_total_time="$seconds" \
      -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$crashes/" "$corpus" >"$bin/fuzz-$name.log" 2>&1; then
    echo "fuzz: ok $name ($(awk '/stat::number_of_executed_units/ {print $2}' "$bin/fuzz-$name.log") runs in ${seconds}s)"
  else
    echo "fuzz: FAIL $name (see $bin/fuzz-$name.log; reproducer in $crashes)"
    grep -m5 -E 'ERROR|SUMMARY|runtime error' "$bin/fuzz-$name.log"
    return 1
  fi
}

status=0
for name in "$@"; do
  if ! build "$name"; then
    echo "fuzz: FAIL $name does not build"; cat "$bin/fuzz-$name.build.log"; status=1
  fi
done
[ $status -eq 0 ] || exit 1
pids=()
for name in "$@"; do
  run "$name" &
  pids+=($!)
  if [ ${#pids[@]} -ge 2 ]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
