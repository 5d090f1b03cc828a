#!/bin/bash
# v2c-manifest as a command: usage errors (a bad --namespace or
# --registry too) exit 2, a bad plan 1 with the
# JSON path; an existing non-empty DIR is refused unless --force, and a
# failed run leaves it alone; --namespace; --templates deep-merges
# all.yaml and KIND.yaml (read back by kubectl kustomize, not by v2c);
# an edited plan (component renamed, volume resized) changes the output.
. "${top_srcdir:?}/tests/manifest-lib.sh"
plan=$data/debian-plan.json

expect_exit () {  # expect_exit STATUS GREP ARGS...
  local want=$1 re=$2 rc=0
  shift 2
  "$manifest" "$@" >"$work/stdout" 2>"$work/stderr" || rc=$?
  [ "$rc" -eq "$want" ] || fail "v2c-manifest $*: exit $rc, expected $want ($(cat "$work/stderr"))"
  grep -q -- "$re" "$work/stderr" || fail "v2c-manifest $*: stderr '$(cat "$work/stderr")' lacks '$re'"
  echo "ok: v2c-manifest $*: exit $want"
}
expect_exit 2 "give exactly one PLAN" -o "$work/x"
expect_exit 2 "give the output directory" "$plan"
expect_exit 2 "Try 'v2c-manifest --help'" --bogus "$plan" -o "$work/x"
expect_exit 1 "can't read the plan" "$work/none.json" -o "$work/x"
jq '.components[1].probes.liveness = {"tcpSocket": {"port": 0}}' "$plan" >"$work/bad1.json"
expect_exit 1 "plan: components\[1\].probes.liveness" "$work/bad1.json" -o "$work/x"
jq '.components[4].depends_on = ["nope"]' "$plan" >"$work/bad2.json"
expect_exit 1 "components\[4\].depends_on\[0\]: .*'nope'" "$work/bad2.json" -o "$work/x"
jq '.components[0].schedule = "every day"' "$plan" >"$work/bad3.json"
expect_exit 1 "components\[0\].schedule" "$work/bad3.json" -o "$work/x"
jq '.components[2].resources.requests.cpu = "lots"' "$plan" >"$work/bad4.json"
expect_exit 1 "components\[2\].resources.requests.cpu" "$work/bad4.json" -o "$work/x"
expect_exit 2 "--namespace: 'Bad_NS' is not a DNS-1123 label" "$plan" -o "$work/x" --namespace "Bad_NS"
expect_exit 2 "--registry: 'reg example' is not a registry" "$plan" -o "$work/x" --registry "reg example"
# 5,000 more components than a plan may hold: refused by v2c-manifest
# and by v2c-report alike, naming the plan (issue 14), nothing written
jq '.components as $c | .components = $c + [range(5000) as $i | $c[1] | .name = "c\($i)" | .depends_on = []]' "$plan" >"$work/big.json"
expect_exit 1 "big.json: plan: components: more than 4096 entries" "$work/big.json" -o "$work/x"
[ ! -e "$work/x" ] || fail "v2c-manifest wrote '$work/x' for a refused plan"
rc=0
v2c-report "$top_srcdir/tests/data/plan/debian12-inventory.json" "$work/big.json" -o "$work/r" 2>"$work/stderr" || rc=$?
[ "$rc" -eq 1 ] && grep -q "big.json: plan: components: more than 4096 entries" "$work/stderr" ||
  fail "v2c-report on the big plan: exit $rc, $(cat "$work/stderr")"
[ ! -e "$work/x" ] || fail "a failed run left '$work/x'"

# DIR: created; an empty one is fine; a non-empty one needs --force
"$manifest" "$plan" -o "$work/out" || fail "first run"
mkdir "$work/empty"
"$manifest" "$plan" -o "$work/empty/" || fail "into an empty directory"
cmp -s "$work/out/deployment-v2c-app.yaml" "$work/empty/deployment-v2c-app.yaml" || fail "two runs differ"
expect_exit 1 "exists and is not empty" "$plan" -o "$work/out"
touch "$work/out/stale.yaml"
expect_exit 1 "exists and is not empty" "$plan" -o "$work/out"
[ -e "$work/out/stale.yaml" ] || fail "a refused run changed DIR"
"$manifest" "$plan" -o "$work/out" --force || fail "--force"
[ ! -e "$work/out/stale.yaml" ] || fail "--force kept an old file"
[ -z "$(find "$work" -maxdepth 1 -name '.*.tmp*' -o -maxdepth 1 -name '.*.old*')" ] || fail "temporary directories left"
echo "ok: DIR refused when not empty, replaced with --force, no temporaries left"

# --namespace
"$manifest" "$plan" -o "$work/ns" --namespace shop || fail "--namespace"
kustomize "$work/ns" >"$work/ns.json"
jq -e 'all(.metadata.namespace == "shop")' "$work/ns.json" >/dev/null || fail "an object outside namespace shop"
echo "ok: --namespace puts every object in the namespace"

# --templates
mkdir "$work/tpl"
cat >"$work/tpl/all.yaml" <<'YAML'
metadata:
  labels:
    example.com/team: "payments"
  annotations:
    example.com/owner: "on"
YAML
cat >"$work/tpl/deployment.yaml" <<'YAML'
spec:
  revisionHistoryLimit: 2
  template:
    spec:
      imagePullSecrets:
      - name: regcred
YAML
cat >"$work/tpl/networkpolicy.yaml" <<'YAML'
spec:
  policyTypes: [Ingress, Extra]
YAML
"$manifest" "$plan" -o "$work/tpl-out" --templates "$work/tpl" || fail "--templates"
kustomize "$work/tpl-out" >"$work/tpl.json"
jq -e 'all(.metadata.labels["example.com/team"] == "payments" and .metadata.annotations["example.com/owner"] == "on"
           and .metadata.labels["app.kubernetes.io/name"] != null)' "$work/tpl.json" >/dev/null \
  || fail "all.yaml not merged into every object"
jq -e '[.[] | select(.kind == "Deployment")] | length == 2 and all(.spec.revisionHistoryLimit == 2
         and .spec.template.spec.imagePullSecrets == [{"name": "regcred"}] and (.spec.template.spec.containers | length) == 1)' \
  "$work/tpl.json" >/dev/null || fail "deployment.yaml not merged: $(jq -c '[.[] | select(.kind == "Deployment") | .spec.template.spec.imagePullSecrets]' "$work/tpl.json")"
jq -e '[.[] | select(.kind == "StatefulSet")] | all(.spec.revisionHistoryLimit == null and .spec.template.spec.imagePullSecrets == null)' \
  "$work/tpl.json" >/dev/null || fail "deployment.yaml merged into a StatefulSet"
jq -e '[.[] | select(.kind == "NetworkPolicy")] | all(.spec.policyTypes == ["Ingress", "Egress", "Extra"])' \
  "$work/tpl.json" >/dev/null || fail "a list of scalars was not appended without duplicates"
echo "ok: --templates merges all.yaml and KIND.yaml"
printf 'metadata:\n  name: evil\n' >"$work/tpl/service.yaml"
expect_exit 1 "can't set apiVersion, kind, metadata.name" "$plan" -o "$work/x" --templates "$work/tpl"
printf 'a: *x\n' >"$work/tpl/service.yaml"
expect_exit 1 "service.yaml" "$plan" -o "$work/x" --templates "$work/tpl"

# an edited plan: component renamed, volume resized, a component dropped
# (a rename that forgets depends_on is an error naming the place)
jq '(.components[] | select(.name == "redis")) |= (.name = "cache" | .volumes[0].size = "20Gi")
    | .components |= map(select(.name != "db-backup"))' "$plan" >"$work/edited-half.json"
expect_exit 1 "components\[3\].depends_on\[1\]: .*'redis'" "$work/edited-half.json" -o "$work/x"
jq '.components[].depends_on |= (if . then map(if . == "redis" then "cache" else . end) else . end)' \
  "$work/edited-half.json" >"$work/edited.json"
"$manifest" "$work/edited.json" -o "$work/edited" || fail "edited plan"
kustomize "$work/edited" >"$work/edited.json.out"
jq -e '[.[] | select(.kind == "StatefulSet" and .metadata.name == "cache")][0].spec.volumeClaimTemplates[0].spec.resources.requests.storage == "20Gi"
       and ([.[] | select(.metadata.name == "redis" or .metadata.name == "db-backup")] | length == 0)' \
  "$work/edited.json.out" >/dev/null || fail "the edited plan's changes are not in the manifests"
echo "ok: an edited plan regenerates the manifests accordingly"
