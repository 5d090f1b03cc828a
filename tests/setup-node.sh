#!/bin/bash
# Install the npm packages the tests validate with (ajv, ...) into the
# build tree, once, shared by concurrent tests.  Prints the directory.
# The packages come from the npm registry at test time; nothing is vendored.
set -euo pipefail
: "${top_srcdir:?}" "${top_builddir:?}"
dir=$top_builddir/tests/js
mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9
if [ ! -f "$dir/.installed" ] || [ "$top_srcdir/tests/js/package-lock.json" -nt "$dir/.installed" ]; then
  cp "$top_srcdir/tests/js/package.json" "$top_srcdir/tests/js/package-lock.json" "$top_srcdir/tests/js/validate.js" "$dir/" 2>/dev/null || true
  chmod u+w "$dir"/* 2>/dev/null || true
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
  touch "$dir/.installed"
fi
cp "$top_srcdir/tests/js/validate.js" "$dir/validate.js" 2>/dev/null || true
echo "$dir"
