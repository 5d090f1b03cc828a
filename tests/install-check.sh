#!/bin/sh
# The library is internal: check that an install holds exactly the files
# expected (the tools, their man pages, the templates) and no library,
# header or pkg-config file.  Run by 'make installcheck' (and so by
# 'make distcheck').
# Usage: install-check.sh EXPECTED DIR...
#   EXPECTED  a file listing every installed file, one path a line
#   DIR       the trees to search (prefix, exec_prefix, libdir, includedir)
set -u
expected=$1
shift
status=0
found=$(for d in "$@"; do [ -d "$d" ] && find "$d" \( -type f -o -type l \) -print; done | LC_ALL=C sort -u)
want=$(LC_ALL=C sort -u "$expected")
printf '%s\n' "$want" >"$expected.sorted"
extra=$(printf '%s\n' "$found" | LC_ALL=C comm -23 - "$expected.sorted" | sed '/^$/d')
missing=$(printf '%s\n' "$found" | LC_ALL=C comm -13 - "$expected.sorted" | sed '/^$/d')
rm -f "$expected.sorted"
if [ -n "$extra" ]; then
  echo "install-check: FAIL installed but not expected (the library is internal):"
  printf '  %s\n' $extra
  status=1
fi
if [ -n "$missing" ]; then
  echo "install-check: FAIL expected but not installed:"
  printf '  %s\n' $missing
  status=1
fi
if [ $status -eq 0 ]; then
  echo "install-check: ok $(printf '%s\n' "$want" | wc -l) files, no library, header or .pc"
fi
exit $status
