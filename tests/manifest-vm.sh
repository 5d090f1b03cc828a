#!/bin/bash
# The whole chain on a REAL VM's inventory: tests/data/plan/debian12-inventory.json
# is what v2c-inspect read from tests/make-debian.sh's debootstrap guest
# (nginx in front of a python app, PostgreSQL 15, Redis, a cron job,
# plus Debian's own services).  v2c-plan (the converters) then
# v2c-manifest; asserted on kubectl kustomize's output: a Deployment for
# the app (its port, its user, non-root), a StatefulSet with a volume
# claim for PostgreSQL, Redis keeping its data, a Service per port, the
# CronJob with the crontab's schedule, a Secret stub per secret file, a
# NetworkPolicy per component, resources on every container, and no
# sshd/getty/cron-daemon/systemd/modprobe workload.
. "${top_srcdir:?}/tests/manifest-lib.sh"
inv=$top_srcdir/tests/data/plan/debian12-inventory.json
"$plantool" -q "$inv" -o "$work/plan.json" || fail "v2c-plan"
"$manifest" "$work/plan.json" -o "$work/k8s" --registry registry.example/vm || fail "v2c-manifest"
kustomize "$work/k8s" >"$work/all.json"
q () { jq -e "$@" "$work/all.json" >/dev/null || fail "$(echo "$@" | tr -s ' \n' ' ' | cut -c1-160)"; }

q '.[] | select(.kind == "Deployment" and .metadata.name == "v2c-app") | .spec.template.spec
   | .securityContext.runAsNonRoot == true and .securityContext.runAsUser == 33
     and (.containers[0].ports | map(.containerPort)) == [9090]'
ok "Deployment v2c-app: port 9090, uid 33 (www-data), runAsNonRoot"
q '.[] | select(.kind == "StatefulSet" and (.metadata.name | startswith("postgresql")))
   | (.spec.volumeClaimTemplates | length) >= 1
     and (.spec.template.spec.containers[0].volumeMounts | any(.mountPath == "/var/lib/postgresql/15/main"))
     and (.spec.template.spec.containers[0].command[0] | endswith("/bin/postgres"))'
ok "StatefulSet for PostgreSQL: postgres in the foreground, a claim on /var/lib/postgresql/15/main"
q '.[] | select(.kind == "StatefulSet" and (.metadata.name | startswith("redis")))
   | (.spec.template.spec.containers[0].volumeMounts | any(.mountPath == "/var/lib/redis"))
     and (.spec.template.spec.containers[0] | (.command + (.args // [])) | index("--daemonize") != null)'
ok "redis keeps its data on a claim and runs with --daemonize no"
for p in 80 5432 6379 9090; do
  q --argjson p "$p" '[.[] | select(.kind == "Service") | .spec.ports[].port] | index($p) != null'
done
ok "a Service port for 80, 5432, 6379 and 9090"
q '[.[] | select(.kind == "CronJob") | .spec.schedule] | index("17 3 * * *") != null'
ok "the vacuumdb cron job is a CronJob at '17 3 * * *'"
want=$(jq -r '[.components[].secret_files[]] | unique | .[]' "$work/plan.json")
got=$(jq -r '[.[] | select(.kind == "Secret") | .metadata.annotations["v2c.io/source-file"] // empty] | unique | .[]' "$work/all.json")
[ "$want" = "$got" ] || fail "Secret stubs for '$got', secret files '$want'"
q '[.[] | select(.kind == "Secret") | (.stringData // {}) | .[]] | all(. == "REPLACE_ME")'
ok "a Secret stub per secret file ($(echo "$want" | grep -c . || true)), placeholders only"
for c in $(jq -r '.components[].name' "$work/plan.json"); do
  q --arg n "$c" '[.[] | select(.kind == "NetworkPolicy" and .metadata.name == $n)] | length == 1'
done
ok "a NetworkPolicy per component"
q '[.[] | (.spec.template.spec // .spec.jobTemplate.spec.template.spec // empty) | .containers[]]
   | length >= 5 and all(.resources.requests.cpu and .resources.requests.memory and .resources.limits.memory)'
ok "resources on every container"
q '[.[] | select(.kind == "Deployment" or .kind == "StatefulSet" or .kind == "CronJob" or .kind == "DaemonSet")
    | .metadata.name | select(test("^(ssh|sshd|getty|cron$|systemd|modprobe|kmod|e2scrub|apt)"))] | length == 0'
ok "no sshd, getty, cron daemon, systemd, modprobe or apt workload"
