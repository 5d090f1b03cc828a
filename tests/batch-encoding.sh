#!/bin/bash
# VM names outside ASCII (issue 14): VMX files in windows-1252 and
# Shift_JIS ('.encoding'), an OVF in ISO-8859-1 (its XML declaration)
# and a VMX without a name whose file name is not UTF-8.  v2c-inspect
# --descriptor-only writes the name in UTF-8 (inventory.schema.json
# requires it), v2c-batch names the VMs' directories in ASCII that
# keeps the letters ("cafe-HASH", never "caf", never the name of the
# VM really called "cafe") and its inventories keep the original.
. "${top_srcdir:?}/tests/batch-lib.sh"
inspect=$top_builddir/tools/v2c-inspect
[ -x "$inspect" ] || fail "$inspect is not built"

src=$work/src
mkdir -p "$src"
printf '.encoding = "windows-1252"\r\ndisplayName = "caf\xe9"\r\nguestOS = "other"\r\n' >"$src/w1252.vmx"
printf '.encoding = "Shift_JIS"\ndisplayName = "\x83\x65\x83\x58\x83\x67"\n' >"$src/sjis.vmx"
printf 'displayName = "cafe"\n' >"$src/ascii.vmx"
printf 'guestOS = "other"\n' >"$src/caf$(printf '\xe9').vmx"
printf '<?xml version="1.0" encoding="ISO-8859-1"?>\n<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"><VirtualSystem ovf:id="v"><Name>Cr\xe8me</Name></VirtualSystem></Envelope>\n' >"$src/latin1.ovf"

# SOURCE-FILE EXPECTED-NAME (the inventory's file name is ASCII: node
# reads file names as UTF-8)
check_inspect () {
  local inv=$work/inv-${#invs[@]}.json got
  "$inspect" -q --descriptor-only -o "$inv" "$src/$1" || fail "$1: v2c-inspect failed"
  got=$(jq -r .name "$inv")
  [ "$got" = "$2" ] || fail "$1: name '$got', expected '$2'"
  invs+=("$inv")
  ok "$1: name '$got'"
}
invs=()
check_inspect w1252.vmx "café"
check_inspect sjis.vmx "テスト"
check_inspect latin1.ovf "Crème"
check_inspect "caf$(printf '\xe9').vmx" "caf�"
if js=$("$top_srcdir/tests/setup-node.sh"); then
  node "$js/validate.js" "$top_srcdir/docs/inventory.schema.json" "${invs[@]}" >&2 ||
    fail "an inventory does not validate against docs/inventory.schema.json"
  ok "the inventories validate"
else
  fail "can't set up the schema validator (tests/setup-node.sh)"
fi

rc=0
"$batch" -q --descriptor-only -o "$work/plan" "$src/w1252.vmx" "$src/ascii.vmx" \
  "$src/sjis.vmx" "$src/latin1.ovf" 2>"$work/err" || rc=$?
[ $rc -eq 0 ] || { cat "$work/err" >&2; fail "v2c-batch: exit $rc"; }
check_fleet_files "$work/plan" 4
# SOURCE-FILE NAME-PATTERN ORIGINAL
check_batch () {
  local n
  n=$(name_of "$work/plan" "$src/$1") || fail "$1: not in fleet.json"
  [[ $n =~ $2 ]] || fail "$1: v2c-batch named it '$n', expected /$2/"
  [ "$(jq -r .name "$work/plan/inventories/$n.json")" = "$3" ] ||
    fail "$1: inventories/$n.json does not name it '$3'"
  ok "$1: '$n', inventory name '$3'"
}
check_batch w1252.vmx '^cafe-[0-9a-f]{8}$' "café"
check_batch ascii.vmx '^cafe$' "cafe"
check_batch sjis.vmx '^vm-[0-9a-f]{8}$' "テスト"
check_batch latin1.ovf '^Creme-[0-9a-f]{8}$' "Crème"
