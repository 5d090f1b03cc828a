#!/bin/bash
# v2c-plan on the demo VM's inventory (tests/data/plan/demo-inventory.json,
# made by v2c-inspect from the demo fixture) and on the Debian 12 VM's
# (tests/data/plan/debian12-inventory.json, from tests/make-debian.sh):
# the plans, from a file and from stdin, with both strategies, validate
# against docs/plan.schema.json (checked by ajv, not by v2c); bad usage
# exits 2, a broken inventory 1 with a message that names the file and
# the field.
. "${top_srcdir:?}/tests/lib.sh"
need_tools jq
inv=$top_srcdir/tests/data/plan/demo-inventory.json
tool=$top_builddir/tools/v2c-plan
out=$(tmpdir plan-schema)

"$tool" "$inv" -o "$out/split.json" || fail "v2c-plan failed"
"$tool" --strategy=single - <"$inv" >"$out/single.json" || fail "v2c-plan - failed"
"$tool" "$top_srcdir/tests/data/plan/debian12-inventory.json" -o "$out/debian.json" \
  || fail "v2c-plan of the Debian 12 inventory failed"
js=$("$top_srcdir/tests/setup-node.sh")
node "$js/validate.js" "$top_srcdir/docs/plan.schema.json" \
  "$out/split.json" "$out/single.json" "$out/debian.json" >&2 \
  || fail "the plan does not validate against docs/plan.schema.json"
echo "ok: plans validate against docs/plan.schema.json"
jq -e '.main_component == "demo-app" and (.image.layers | map(.name)) == ["os","config","app"]' \
  "$out/split.json" >/dev/null || fail "split plan: $(jq -c '[.main_component, .image.layers]' "$out/split.json")"
jq -e '(.image.layers | map(.name)) == ["rootfs"]' "$out/single.json" >/dev/null \
  || fail "single plan layers: $(jq -c .image.layers "$out/single.json")"
jq -e '[.components[] | select(.kind == "CronJob")] | map(.schedule) | sort == ["17 3 * * *"]' \
  "$out/debian.json" >/dev/null || fail "debian plan CronJobs: $(jq -c '[.components[] | [.name, .kind, .schedule]]' "$out/debian.json")"
jq -e '[.components[] | select(.kind == "StatefulSet") | .name] | sort == ["postgresql-15-main","redis-server"]' \
  "$out/debian.json" >/dev/null || fail "debian plan StatefulSets: $(jq -c '[.components[] | [.name, .kind]]' "$out/debian.json")"
# -o replaces the file only when the plan is complete: no temporary left
[ -z "$(find "$out" -name 'split.json.tmp*')" ] || fail "temporary file left"
# the schema must catch what v2c_plan_check catches
jq '.image.layers[1].includes = ["etc"]' "$out/split.json" >"$out/bad.json"
if node "$js/validate.js" "$top_srcdir/docs/plan.schema.json" "$out/bad.json" >/dev/null 2>&1; then
  fail "the schema accepts a relative include"
fi
echo "ok: the schema refuses a relative include"
for edit in '.components[0].probes.liveness.tcpSocket = {"port": 1}' \
            '.components[0].ports[0].name = "8080"' \
            '.components[0].schedule = "0 0 * *"' \
            '.vm.cpus = 0'; do
  jq "$edit" "$out/debian.json" >"$out/bad.json"
  if node "$js/validate.js" "$top_srcdir/docs/plan.schema.json" "$out/bad.json" >/dev/null 2>&1; then
    fail "the schema accepts: $edit"
  fi
done
echo "ok: the schema refuses a probe with both kinds, a bad port name, schedule, vm"

expect_exit () {  # expect_exit STATUS GREP ARGS...
  local want=$1 re=$2 rc=0
  shift 2
  "$tool" "$@" >"$out/stdout" 2>"$out/stderr" || rc=$?
  [ "$rc" -eq "$want" ] || fail "v2c-plan $*: exit $rc, expected $want ($(cat "$out/stderr"))"
  grep -q -- "$re" "$out/stderr" || fail "v2c-plan $*: stderr '$(cat "$out/stderr")' lacks '$re'"
  echo "ok: v2c-plan $*: exit $want"
}
expect_exit 2 "give exactly one INVENTORY"
expect_exit 2 "give exactly one INVENTORY" "$inv" "$inv"
expect_exit 2 "--strategy is 'split' or 'single', not 'layered'" --strategy=layered "$inv"
expect_exit 2 "Try 'v2c-plan --help'" --bogus "$inv"
expect_exit 1 "can't read the inventory '$out/none.json'" "$out/none.json"
printf '{"schema": "v2c.inventory/1", "name": ' >"$out/trunc.json"
expect_exit 1 "can't read the inventory '$out/trunc.json': line 1" "$out/trunc.json"
jq '.services[1].exec_start = 42' "$inv" >"$out/bad-inv.json"
expect_exit 1 "error: $out/bad-inv.json: inventory: services\[1\].exec_start: expected a string or null" "$out/bad-inv.json"
jq '.os = null' "$inv" >"$out/noos.json"
expect_exit 1 "inventory: os: null" "$out/noos.json"
jq '.schema = "v2c.plan/1"' "$inv" >"$out/notinv.json"
expect_exit 1 "inventory: schema: 'v2c.plan/1' is not 'v2c.inventory/1'" "$out/notinv.json"
# a failed run leaves an existing output alone
cp "$out/split.json" "$out/keep.json"
rc=0; "$tool" "$out/bad-inv.json" -o "$out/keep.json" 2>/dev/null || rc=$?
[ $rc -eq 1 ] && cmp -s "$out/split.json" "$out/keep.json" || fail "a failed run changed the output file"
echo "ok: a failed run leaves the output file alone"
