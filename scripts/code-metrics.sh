#!/bin/bash
# scripts/code-metrics.sh [TOPDIR]
#
# The size limits of HACKING.md: no C file in lib/, converters/ or tools/
# over 1,000 lines, no function over 150 lines (from the line of its
# opening brace to the line of its closing one).  The code is in GNU
# style, so a function body opens with '{' and closes with '}' in column
# one, and its name starts the line before its argument list.  Prints
# each breach and exits 1 if there is one; 0 otherwise.
set -euo pipefail
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
max_file=${V2C_MAX_FILE_LINES:-1000}
max_func=${V2C_MAX_FUNC_LINES:-150}

breaches=0
for f in "$top"/lib/*.c "$top"/lib/*.h "$top"/converters/*.c \
  "$top"/converters/*.h "$top"/tools/*.c "$top"/tools/*.h; do
  [ -f "$f" ] || continue
  n=$(wc -l <"$f")
  if [ "$n" -gt "$max_file" ]; then
    echo "${f#"$top"/}: $n lines (limit $max_file)"
    breaches=$((breaches + 1))
  fi
  case $f in *.h) continue ;; esac
  out=$(awk -v max="$max_func" -v file="${f#"$top"/}" '
    /^[A-Za-z_][A-Za-z0-9_]* *\(/ { name = $0; sub(/ *\(.*/, "", name) }
    /^\{/ { start = NR; next }
    /^\}/ && start { len = NR - start + 1
                     if (len > max) printf "%s: %s(): %d lines (limit %d)\n", file, name, len, max
                     start = 0 }' "$f")
  if [ -n "$out" ]; then
    echo "$out"
    breaches=$((breaches + $(printf '%s\n' "$out" | wc -l)))
  fi
done
if [ "$breaches" -gt 0 ]; then
  echo "code-metrics: $breaches breach(es) of the size limits" >&2
  exit 1
fi
echo "code-metrics: every file within $max_file lines, every function within $max_func"
