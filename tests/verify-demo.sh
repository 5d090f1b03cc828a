#!/bin/bash
# v2c-verify on golden.sh's conversion of the demo VM (a copy of it):
# its usage and exit codes; a copy whose demo-app runs a wrong command
# fails demo-app with its log tail (exit 1) while the other components
# keep their own results; the unbroken copy's demo-app passes with the
# page its HTTP port serves; afterwards nothing of the run is left in
# podman; --keep leaves it running and --down removes it.  A --secrets
# value is never printed nor in verify.json.  DIR's report gets its
# Verified section.
. "${top_srcdir:?}/tests/lib.sh"
need_tools jq podman skopeo curl
[ "$(id -u)" = 0 ] || skip "v2c-verify runs containers with root podman"
verify=$top_builddir/tools/v2c-verify
conv=$(converted_vm ova/demo.ova) || conv=$(plain_converted_vm ova/demo.ova) ||
  skip "no conversion of ova/demo.ova in $V2C_CONVERTED (tests/golden.sh keeps it)"
tmp=$(tmpdir verify-demo)

# (5) usage and exit codes
for args in "" "-o $tmp/x $conv" "--timeout x $conv" "--down --keep $conv" "$conv $conv"; do
  rc=0
  # shellcheck disable=SC2086 # the words are the arguments
  "$verify" $args >/dev/null 2>"$tmp/err" || rc=$?
  [ $rc -eq 2 ] || fail "'$args': exit $rc, expected 2"
  grep -q "Try 'v2c-verify --help'" "$tmp/err" || fail "'$args': no hint"
done
rc=0; "$verify" "$tmp/none" 2>"$tmp/err" || rc=$?
[ $rc -eq 1 ] || fail "a missing DIR: exit $rc, expected 1"
ok "usage errors exit 2, a missing DIR 1"

# what podman holds of run ID (label or name): nothing, after a run
leftovers () {
  {
    podman ps -a --filter "label=v2c.verify=$1" --format '{{.Names}}'
    podman pod ps --filter "label=v2c.verify=$1" --format '{{.Name}}'
    podman volume ls --filter "label=v2c.verify=$1" --format '{{.Name}}'
    podman network ls --format '{{.Name}}' | grep -F "$1" || true
    podman images --format '{{.Repository}}' | grep -F "/$1/" || true
  } | sed '/^$/d' | sort -u
}
run_id () { sed -n "s/^v2c-verify: run '\\([^']*\\)'.*/\\1/p" "$1"; }

# (1) demo-app broken: a command that prints a line and exits 3
broken=$tmp/broken
cp -a "$conv" "$broken"
sts=$broken/k8s/statefulset-demo-app.yaml
grep -q '^        - /opt/demo-app/run.sh$' "$sts" || fail "the demo-app's command is not where the test expects it"
sed -i 's|^        - /opt/demo-app/run.sh$|        - /bin/sh\n        - "-c"\n        - echo broken-on-purpose >\&2; exit 3|' "$sts"
printf 'demo-app-env/DB_PASSWORD=planted-pw-4711\n' >"$tmp/secrets"
rc=0
"$verify" -vv --timeout 20 --secrets "$tmp/secrets" "$broken" >"$tmp/out1" 2>"$tmp/err1" || rc=$?
[ $rc -eq 1 ] || { cat "$tmp/err1" >&2; fail "broken demo-app: exit $rc, expected 1"; }
j=$broken/verify.json
jq -e '.schema == "v2c.verify/1" and .passed == false' "$j" >/dev/null || fail "verify.json: $(head -c 300 "$j")"
jq -e '.components[] | select(.name == "demo-app") | .passed == false' "$j" >/dev/null ||
  fail "demo-app did not fail"
jq -r '.components[] | select(.name == "demo-app") | .checks[] | .log_tail // empty' "$j" |
  grep -q broken-on-purpose || fail "demo-app's failure has no log tail: $(jq -c '.components[] | select(.name == "demo-app")' "$j")"
grep -q "component 'demo-app' failed" "$tmp/err1" || fail "stderr does not name demo-app"
jq -e '.components[] | select(.name == "demo-report") | .passed == true and .checks[0].exit_code == 0' "$j" >/dev/null ||
  fail "the CronJob demo-report does not carry its own pass"
ok "a wrong command fails demo-app (exit 1, log tail), the others keep their results"
! grep -rq planted-pw-4711 "$j" "$tmp/out1" "$tmp/err1" || fail "a --secrets value was printed or written"
grep -q "DB_PASSWORD=\[secret\]" "$tmp/err1" || fail "-vv does not show the env it passes, with the value hidden"
ok "the --secrets value is nowhere in the output (-vv included)"
if js=$(bash "$top_srcdir/tests/setup-node.sh" 2>/dev/null) && [ -n "$js" ]; then
  node "$js/validate.js" "$top_srcdir/docs/verify.schema.json" "$j" >&2 ||
    fail "verify.json does not validate against docs/verify.schema.json"
  ok "verify.json validates against docs/verify.schema.json"
  node "$js/validate.js" "$top_srcdir/docs/report.schema.json" "$broken/report.json" >&2 ||
    fail "report.json with its Verified section does not validate"
fi
jq -e '.verified.components[] | select(.name == "demo-app") | .result == "fail"' "$broken/report.json" >/dev/null ||
  fail "report.json has no Verified section naming demo-app's failure"
grep -q '^## Verified' "$broken/report.md" || fail "report.md has no Verified section"
grep -q 'id="verified"' "$broken/report.html" || fail "report.html has no Verified section"
ok "the report of DIR has a Verified section"

# (3) nothing left
id=$(run_id "$tmp/err1")
[ -n "$id" ] || fail "-v does not name the run"
left=$(leftovers "$id")
[ -z "$left" ] || fail "left after the run: $left"
ok "no container, pod, volume, network or image of the run is left"

# stopped by SIGTERM once its pods exist: it still removes everything
# (the plain suite only: under the sanitizers the runs around it cover
# the same code, and each run is half a minute)
if [ -z "${V2C_SANITIZED:-}" ]; then
  rm -f "$broken/verify.json"
  "$verify" -v --timeout 20 "$broken" >/dev/null 2>"$tmp/err3" &
  pid=$!
  for _ in $(seq 60); do
    [ -n "$(podman pod ps -q --filter "label=v2c.verify=$id")" ] && break
    sleep 0.5
  done
  [ -n "$(podman pod ps -q --filter "label=v2c.verify=$id")" ] || fail "no pod of the run appeared"
  kill -TERM "$pid"
  rc=0; wait "$pid" || rc=$?
  [ $rc -ne 0 ] || fail "a run stopped by SIGTERM exited 0"
  [ ! -e "$broken/verify.json" ] || fail "a stopped run wrote verify.json"
  left=$(leftovers "$id")
  [ -z "$left" ] || fail "left after SIGTERM: $left"
  ok "SIGTERM: exit $rc, nothing left"
fi

# (2) and (4): the demo as converted, --keep, then --down
good=$tmp/good
cp -a "$conv" "$good"
rc=0
"$verify" -v --keep --timeout 20 "$good" >"$tmp/out2" 2>"$tmp/err2" || rc=$?
id=$(run_id "$tmp/err2")
on_exit "'$verify' --down '$good' >/dev/null 2>&1"
[ $rc -eq 0 ] || { cat "$tmp/err2" >&2; fail "--keep: exit $rc"; }
j=$good/verify.json
jq -e '.components[] | select(.name == "demo-app") | .passed == true' "$j" >/dev/null ||
  fail "demo-app did not pass: $(jq -c '.components[] | select(.name == "demo-app")' "$j")"
jq -e '[.components[] | select(.name == "demo-app") | .checks[] | select(.check == "http")
        | select(.http_status == 200 and (.body_prefix | contains("v2c demo app")))] | length == 1' "$j" >/dev/null ||
  fail "demo-app has no HTTP evidence"
ok "demo-app passes with its page as HTTP evidence"
# nginx proxies to the app by its Service name (the ConfigMap's
# proxy_pass http://demo-app:8080): a GET of nginx's Service is the app's page
jq -e '.components[] | select(.name == "nginx") | .passed == true' "$j" >/dev/null ||
  fail "nginx did not pass: $(jq -c '.components[] | select(.name == "nginx")' "$j")"
jq -e '[.components[] | select(.name == "nginx") | .checks[] | select(.check == "http")
        | select(.http_status == 200 and (.body_prefix | contains("v2c demo app")))] | length == 1' "$j" >/dev/null ||
  fail "nginx's Service does not answer with the demo app's page"
ok "nginx passes: a GET of its Service returns the demo app's page, proxied by Service name"
# every component passes, 'backup' too: root's crontab copies
# /var/lib/demo-app/data.db, which lives in demo-app's PVC; the CronJob
# mounts demo-app's claim (the same podman volume), so cp finds the file
bad=$(jq -r '[.components[] | select(.passed == false) | .name] | join(" ")' "$j")
[ -z "$bad" ] || fail "failed components: '$bad'"
jq -e '.passed == true' "$j" >/dev/null || fail "verify.json: passed is not true"
jq -e '.components[] | select(.name == "backup") | .checks[0] | .check == "cronjob" and .exit_code == 0' "$j" >/dev/null ||
  fail "backup did not copy demo-app's data: $(jq -c '.components[] | select(.name == "backup")' "$j")"
ok "every component passes; backup copies data.db from demo-app's claim"
# the verdict of each other component is its own: each failure has evidence
jq -e '[.components[] | select(.passed == false) | .checks[] | select(.passed == false)
        | (.log_tail // .output_tail // .detail)] | all(. != null)' "$j" >/dev/null ||
  fail "a failed check carries no evidence"
[ $rc -eq "$(jq -r 'if .passed then 0 else 1 end' "$j")" ] || fail "exit $rc does not match verify.json"
addr=$(sed -n 's/^  Service demo-app: //p' "$tmp/out2")
[ -n "$addr" ] || fail "--keep did not print demo-app's address: $(cat "$tmp/out2")"
curl -s -m 5 "http://$addr/" | grep -q 'v2c demo app' || fail "demo-app at $addr does not answer after --keep"
naddr=$(sed -n 's/^  Service nginx: //p' "$tmp/out2")
curl -s -m 5 "http://$naddr/" | grep -q 'v2c demo app' || fail "nginx at '$naddr' does not proxy to the app after --keep"
ok "--keep leaves it running at $addr"
if [ -z "${V2C_SANITIZED:-}" ]; then
  # a second run finds the --keep run: it replaces its pods, reuses its
  # volumes (demo-app's volumeClaimTemplate) and leaves them
  rc=0
  "$verify" -v --timeout 20 "$good" >/dev/null 2>"$tmp/err4" || rc=$?
  grep -q "reusing the volume '$id-pvc-var-lib-demo-app-demo-app-0'" "$tmp/err4" ||
    fail "the second run did not reuse the --keep run's volume: $(cat "$tmp/err4")"
  jq -e '.components[] | select(.name == "demo-app") | .passed == true' "$j" >/dev/null ||
    fail "demo-app did not pass on the reused volume"
  left=$(leftovers "$id")
  [ "$left" = "$id-pvc-var-lib-demo-app-demo-app-0" ] ||
    fail "after the second run, expected only the reused volume: $(printf %q "$left")"
  ok "a second run reuses the --keep run's volume and leaves it"
fi
"$verify" --down "$good" || fail "--down failed"
left=$(leftovers "$id")
[ -z "$left" ] || fail "left after --down: $left"
ok "--down removes what --keep left"
