#!/bin/bash
# v2c-batch without an appliance launch (so it also runs under the
# sanitizers): the two broken fixture VMs through the real v2c-convert
# (failed, with the errors tests/fixtures-bad.tsv expects, exit 1, the
# fleet files list them); --descriptor-only over six fixture VMs
# (hardware as tests/fixtures.tsv says); and, with a stand-in
# V2C_CONVERT written here, --timeout (timed-out, the process group
# gone), SIGTERM to the batch (forwarded, exit 143, the VM redone next
# time) and --retry-failed.
. "${top_srcdir:?}/tests/batch-lib.sh"
need_fixtures
need_convert
command -v virsh >/dev/null || fail "virsh is needed (libvirt-clients): the libvirt part compares with it"
fx=$V2C_FIXTURES

# --- broken VMs through v2c-convert --------------------------------------
rc=0
"$batch" -q -j2 -o "$work/bad" "$fx/bad/truncated.ova" "$fx/bad/mf-mismatch.ova" \
  2>"$work/bad.err" || rc=$?
[ $rc -eq 1 ] || { cat "$work/bad.err" >&2; fail "two broken VMs: exit $rc, expected 1"; }
check_fleet_files "$work/bad" 2
for s in bad/truncated.ova bad/mf-mismatch.ova; do
  want=$(bad_error "$s") || fail "no row for $s in tests/fixtures-bad.tsv"
  [ "$(field_of "$work/bad" "$fx/$s" .status)" = failed ] || fail "$s is not 'failed'"
  err=$(field_of "$work/bad" "$fx/$s" .error)
  grep -qiF -- "$want" <<<"$err" || fail "$s: error '$err' lacks '$want'"
  n=$(name_of "$work/bad" "$fx/$s")
  [ -s "$work/bad/.v2c-batch/logs/$n.log" ] || fail "$s: no log"
  [ ! -e "$work/bad/$n" ] || fail "$s: a failed VM left DIR/$n"
  ok "$s: failed with '$err'"
done
ls -a "$work/bad" | grep -q '\.tmp' && fail "a temporary directory was left in DIR"

# --- --descriptor-only over six fixtures ---------------------------------
six=(ova/demo.ova lvm/lvm.vmx vmx-sparse/demo.vmx twodisk/twodisk.vmx bad/truncated.ova bad/mf-mismatch.ova)
args=()
for s in "${six[@]}"; do args+=("$fx/$s"); done
rc=0
"$batch" -q --descriptor-only -o "$work/plan" "${args[@]}" 2>"$work/plan.err" || rc=$?
[ $rc -eq 1 ] || fail "--descriptor-only with a truncated OVA: exit $rc, expected 1"
check_fleet_files "$work/plan" 6
for s in ova/demo.ova lvm/lvm.vmx vmx-sparse/demo.vmx twodisk/twodisk.vmx; do
  [ "$(field_of "$work/plan" "$fx/$s" .status)" = planned ] || fail "$s is not 'planned'"
  for col in cpus memory_mib; do
    want=$(fixture_col "$s" $col)
    got=$(field_of "$work/plan" "$fx/$s" ".hardware.$col")
    [ "$got" = "$want" ] || fail "$s: $col $got, tests/fixtures.tsv says $want"
  done
  n=$(name_of "$work/plan" "$fx/$s")
  jq -e '.schema == "v2c.inventory/1"' "$work/plan/inventories/$n.json" >/dev/null ||
    fail "$s: no inventory"
  [ ! -e "$work/plan/$n" ] || fail "--descriptor-only made DIR/$n"
done
[ "$(field_of "$work/plan" "$fx/bad/truncated.ova" .status)" = failed ] ||
  fail "the truncated OVA is not 'failed' in --descriptor-only"
ok "--descriptor-only: hardware as tests/fixtures.tsv says, the truncated OVA failed"

# --- --timeout, SIGTERM, --retry-failed with a stand-in v2c-convert --------
cat >"$work/slow-convert" <<'EOS'
#!/bin/bash
# stands in for v2c-convert: records its pid, waits, then writes DIR
for a; do out=$a; done
echo $$ >"$STANDIN_PIDS/$(basename "$out")"
sleep "${STANDIN_SLEEP:-60}" &
wait
mkdir -p "$out" && echo '{"schema":"v2c.report/1"}' >"$out/report.json"
EOS
chmod +x "$work/slow-convert"
mkdir -p "$work/pids"
export STANDIN_PIDS=$work/pids
t0=$(now_ns)
rc=0
V2C_CONVERT=$work/slow-convert "$batch" -q --timeout 2 -o "$work/to" "$fx/lvm/lvm.vmx" || rc=$?
el=$(( ($(now_ns) - t0) / 1000000 ))
[ $rc -eq 1 ] || fail "--timeout: exit $rc, expected 1"
[ $el -lt 10000 ] || fail "--timeout 2 took $el ms"
[ "$(field_of "$work/to" "$fx/lvm/lvm.vmx" .status)" = timed-out ] || fail "not 'timed-out'"
field_of "$work/to" "$fx/lvm/lvm.vmx" .error | grep -q 'timed out' || fail "no timeout error"
pid=$(cat "$work/pids/v2c-lvm")
kill -0 "$pid" 2>/dev/null && fail "the timed-out worker $pid still runs"
for i in $(seq 20); do pgrep -g "$pid" >/dev/null || break; sleep 0.1; done
pgrep -g "$pid" >/dev/null && fail "processes of the worker's group $pid still run"
ok "--timeout: timed-out after ${el} ms, the worker's process group is gone"

rm -f "$work/pids"/*
STANDIN_SLEEP=60 V2C_CONVERT=$work/slow-convert "$batch" -q -j2 -o "$work/st" \
  "$fx/lvm/lvm.vmx" "$fx/twodisk/twodisk.vmx" "$fx/vmx-sparse/demo.vmx" &
bp=$!
for i in $(seq 100); do [ "$(ls "$work/pids" | wc -l)" -ge 2 ] && break; sleep 0.1; done
[ "$(ls "$work/pids" | wc -l)" -eq 2 ] || fail "-j2 did not start two workers"
kill -TERM $bp
rc=0; wait $bp || rc=$?
[ $rc -eq 143 ] || fail "SIGTERM to the batch: exit $rc, expected 143"
for f in "$work/pids"/*; do
  kill -0 "$(cat "$f")" 2>/dev/null && fail "worker $(basename "$f") still runs after SIGTERM"
done
jq -e '[.vms[].status] == ["interrupted", "interrupted", "pending"]' "$work/st/fleet.json" >/dev/null ||
  fail "statuses after SIGTERM: $(jq -c '[.vms[].status]' "$work/st/fleet.json")"
ok "SIGTERM: forwarded to both workers, exit 143, the third VM never started"
STANDIN_SLEEP=0 V2C_CONVERT=$work/slow-convert "$batch" -q -j2 -o "$work/st" \
  "$fx/lvm/lvm.vmx" "$fx/twodisk/twodisk.vmx" "$fx/vmx-sparse/demo.vmx" ||
  fail "the resumed batch failed"
jq -e '[.vms[].status] == ["converted", "converted", "converted"]' "$work/st/fleet.json" >/dev/null ||
  fail "statuses after the rerun: $(jq -c '[.vms[].status]' "$work/st/fleet.json")"
ok "the rerun converts the interrupted and the pending VMs"

# --retry-failed reruns the failures only
rc=0
V2C_CONVERT=/bin/false "$batch" -q -o "$work/rf" "$fx/lvm/lvm.vmx" "$fx/twodisk/twodisk.vmx" || rc=$?
[ $rc -eq 1 ] || fail "failing workers: exit $rc"
rm -f "$work/rf/.v2c-batch/state/v2c-twodisk.json"
STANDIN_SLEEP=0 V2C_CONVERT=$work/slow-convert "$batch" -q --retry-failed -o "$work/rf" \
  "$fx/lvm/lvm.vmx" "$fx/twodisk/twodisk.vmx" || fail "--retry-failed failed"
jq -e '[.vms[].status] == ["converted", "pending"]' "$work/rf/fleet.json" >/dev/null ||
  fail "--retry-failed: $(jq -c '[.vms[].status]' "$work/rf/fleet.json")"
ok "--retry-failed reran the failed VM only"

# --- --verify: passed to every v2c-convert; a VM whose verify fails (its
# v2c-convert exits 1) is failed, the others converted ------------------
cat >"$work/verify-convert" <<'EOS'
#!/bin/bash
# stands in for v2c-convert: records its arguments, writes DIR, and with
# --verify fails the VM named in $VERIFY_FAIL as a failed component would
for a; do out=$a; done
n=$(basename "$out")
printf '%s\n' "$@" >"$STANDIN_PIDS/$n.args"
mkdir -p "$out" && echo '{"schema":"v2c.report/1"}' >"$out/report.json"
case " $* " in
  *" --verify "*)
    if [ "$n" = "$VERIFY_FAIL" ]; then
      echo "v2c-verify: component 'app' failed" >&2
      exit 1
    fi ;;
esac
exit 0
EOS
chmod +x "$work/verify-convert"
rm -f "$work/pids"/*
rc=0
VERIFY_FAIL=v2c-twodisk V2C_CONVERT=$work/verify-convert "$batch" -q --verify -j2 -o "$work/vf" \
  "$fx/lvm/lvm.vmx" "$fx/twodisk/twodisk.vmx" 2>"$work/vf.err" || rc=$?
[ $rc -eq 1 ] || { cat "$work/vf.err" >&2; fail "--verify with one failing VM: exit $rc, expected 1"; }
for n in v2c-lvm v2c-twodisk; do
  grep -qx -- --verify "$work/pids/$n.args" || fail "$n: v2c-convert was not given --verify: $(tr '\n' ' ' <"$work/pids/$n.args")"
done
jq -e '[.vms[].status] == ["converted", "failed"]' "$work/vf/fleet.json" >/dev/null ||
  fail "--verify statuses: $(jq -c '[.vms[].status]' "$work/vf/fleet.json")"
rm -f "$work/pids"/*
VERIFY_FAIL=v2c-twodisk V2C_CONVERT=$work/verify-convert "$batch" -q -o "$work/nv" \
  "$fx/twodisk/twodisk.vmx" || fail "without --verify, the stand-in failed"
! grep -qx -- --verify "$work/pids/v2c-twodisk.args" || fail "--verify passed without being asked"
ok "--verify: passed to every v2c-convert; a failed verify fails that VM only (exit 1)"

# --- -c URI --match: the libvirt fixture domain ------------------------------
uri="test://$fx/libvirt/demo.xml"
"$batch" -q --descriptor-only -o "$work/lv" -c "$uri" --match 'v2c-*' ||
  fail "--descriptor-only -c $uri failed"
jq -e '(.vms | length) == 1 and .vms[0].status == "planned"' "$work/lv/fleet.json" >/dev/null ||
  fail "-c $uri: $(jq -c '[.vms[] | [.name, .status]]' "$work/lv/fleet.json")"
dom=$(virsh -c "$uri" list --all --name | grep -v '^$')
[ "$(jq -r .vms[0].source "$work/lv/fleet.json")" = "$uri#$dom" ] || fail "-c: the source is not '$uri#$dom'"
for col in cpus memory_mib; do
  want=$(awk -F'\t' -v c=$col 'NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i; next } $1 == "libvirt" { print $(k[c]) }' \
    "$top_srcdir/tests/fixtures.tsv")
  got=$(jq -r ".vms[0].hardware.$col" "$work/lv/fleet.json")
  [ "$got" = "$want" ] || fail "-c: $col $got, tests/fixtures.tsv says $want"
done
rc=0
"$batch" -q --descriptor-only -o "$work/lv2" -c "$uri" --match 'no-such-*' 2>/dev/null || rc=$?
[ $rc -eq 1 ] || fail "--match with no domain: exit $rc, expected 1"
ok "-c $uri --match: the domain virsh lists, hardware as tests/fixtures.tsv says"
