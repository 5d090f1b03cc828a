# Shared by the tests/batch-*.sh tests: tools, fixtures, helpers.
# Sourced, not run.
# v2c - move VMware virtual machines onto Kubernetes
# SPDX-License-Identifier: GPL-2.0-or-later
. "${top_srcdir:?}/tests/lib.sh"
need_tools jq python3 xmllint
batch=$top_builddir/tools/v2c-batch
[ -x "$batch" ] || fail "$batch is not built"

work=$(tmpdir batch-test)

need_convert () {
  [ -x "$top_builddir/tools/v2c-convert" ] ||
    fail "$top_builddir/tools/v2c-convert is not built: v2c-batch runs it"
}

# The expected error substring of a broken fixture (tests/fixtures-bad.tsv).
bad_error () {
  awk -F'\t' -v s="$1" '!/^#/ && $2 == s { print $4; f = 1 } END { exit !f }' \
    "$top_srcdir/tests/fixtures-bad.tsv"
}

# A column of a good fixture's row of tests/fixtures.tsv, by source path.
fixture_col () {
  awk -F'\t' -v s="$1" -v col="$2" '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    /^#/ { next }
    $2 == s { print $(c[col]); f = 1 }
    END { exit !f }' "$top_srcdir/tests/fixtures.tsv"
}

# The VM name v2c-batch gave SOURCE, from DIR/fleet.json.
name_of () {
  jq -er --arg s "$2" '.vms[] | select(.source == $s) | .name' "$1/fleet.json"
}
field_of () {  # field_of DIR SOURCE JQ-EXPR
  jq -r --arg s "$2" ".vms[] | select(.source == \$s) | $3" "$1/fleet.json"
}

# check_fleet_files DIR N: fleet.json is JSON with N VMs (schema
# v2c.fleet/1), fleet.csv has a header and N rows of equal width as
# Python's csv module reads it, fleet.html parses with xmllint --html
# and names every VM.
check_fleet_files () {
  local dir=$1 n=$2 rows name
  jq -e --argjson n "$n" '.schema == "v2c.fleet/1" and (.vms | length) == $n' \
    "$dir/fleet.json" >/dev/null || fail "$dir/fleet.json: not a fleet of $n VMs"
  rows=$(python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline=""), strict=True))
assert all(len(r) == len(rows[0]) for r in rows), "ragged rows"
assert rows[0][0] == "name"
print(len(rows))' "$dir/fleet.csv") || fail "$dir/fleet.csv: python csv refuses it"
  [ "$rows" -eq $((n + 1)) ] || fail "$dir/fleet.csv: $rows rows, expected $((n + 1))"
  xmllint --html --noout "$dir/fleet.html" 2>"$work/xmllint.err" ||
    fail "xmllint --html: $(cat "$work/xmllint.err")"
  [ ! -s "$work/xmllint.err" ] || fail "xmllint --html: $(cat "$work/xmllint.err")"
  grep -qi '<script' "$dir/fleet.html" && fail "$dir/fleet.html has a script"
  for name in $(jq -r '.vms[].name' "$dir/fleet.json"); do
    xmllint --html --xpath "//td[text()='$name']" "$dir/fleet.html" >/dev/null 2>&1 ||
      fail "$dir/fleet.html does not list $name"
  done
  ok "fleet.json, fleet.csv ($rows rows) and fleet.html list the $n VMs"
}

now_ns () { date +%s%N; }

# shop_fleet DIR: the shop fixtures (web calls app, app calls db; lvm
# calls a host outside) converted into DIR as v2c-batch would: golden.sh's
# conversions copied with their state records when it ran (v2c-batch then
# finds them up to date), else nothing (v2c-batch converts them).  Sets
# shop_srcs to the four SOURCEs.
shop_fleet () {
  local d=$1 fx n s
  fx=$(readlink -f "$V2C_FIXTURES")
  for s in web/web.vmx app/app.vmx; do
    [ -f "$fx/$s" ] || fail "fixture $s missing (an old fixture set? make fixtures-clean)"
  done
  shop_srcs=("$fx/web/web.vmx" "$fx/app/app.vmx" "$fx/db/db.vmx" "$fx/lvm/lvm.vmx")
  mkdir -p "$d/.v2c-batch/state"
  if converted_vm web/web.vmx >/dev/null; then
    for n in v2c-web v2c-app v2c-db v2c-lvm; do
      cp -a "$V2C_CONVERTED/files/$n" "$d/"
      cp -a "$V2C_CONVERTED/files/.v2c-batch/state/$n.json" "$d/.v2c-batch/state/"
    done
    echo "the four VMs: tests/golden.sh's conversions"
  else
    need_appliance
    need_convert
  fi
}
