#!/bin/bash
# v2c-manifest on every plan fixture: the hand-written plans of
# tests/data/manifest (the issue-5 contract in full) and the plans that
# v2c-plan makes today from the committed inventories.  For each:
# - kubectl kustomize accepts the directory;
# - every object validates against the official Kubernetes schemas
#   (npm kubernetes-models, installed by tests/setup-node.sh; a failed
#   validation fails the test);
# - kustomization.yaml lists exactly the files of the directory, sorted;
# - PyYAML (YAML 1.1) reads every file to the same object as kubectl
#   (Go) does, so no string was left for a reader to mistype.
. "${top_srcdir:?}/tests/manifest-lib.sh"

js=$("$top_srcdir/tests/setup-node.sh")
plans=()
for p in "$data"/*-plan.json; do plans+=("$p"); done
for inv in "$top_srcdir"/tests/data/plan/*-inventory.json; do
  out=$work/$(basename "$inv" -inventory.json)-generated-plan.json
  "$plantool" "$inv" -o "$out" || fail "v2c-plan $inv"
  plans+=("$out")
done
[ ${#plans[@]} -ge 4 ] || fail "only ${#plans[@]} plan fixtures"

for plan in "${plans[@]}"; do
  name=$(basename "$plan" .json)
  dir=$work/$name
  "$manifest" "$plan" -o "$dir" --registry registry.example/team \
    --templates "$top_srcdir/templates" || fail "v2c-manifest $plan"
  kustomize "$dir" >"$work/$name.json"
  n=$(jq length "$work/$name.json")
  [ "$n" -gt 0 ] || fail "$name: no objects"
  ok "$name: kubectl kustomize: $n objects"

  NODE_PATH=$js/node_modules node "$top_srcdir/tests/js/validate-k8s.js" \
    "$dir"/*.yaml "$work/kustomized.yaml" >"$work/validate.log" 2>&1 \
    || { cat "$work/validate.log" >&2; fail "$name: objects do not validate against kubernetes-models"; }
  ok "$name: every object validates against kubernetes-models"

  (cd "$dir" && ls | grep -v '^kustomization.yaml$' | LC_ALL=C sort) >"$work/files"
  yaml2json "$dir/kustomization.yaml" | jq -r '.[0].resources[]' >"$work/listed"
  diff -u "$work/files" "$work/listed" >&2 || fail "$name: kustomization.yaml resources differ from the files"
  [ "$(wc -l <"$work/files")" -eq "$n" ] || fail "$name: $n objects but $(wc -l <"$work/files") files"
  ok "$name: kustomization.yaml lists the $n files, sorted"

  for f in "$dir"/*.yaml; do
    [ "$(basename "$f")" = kustomization.yaml ] && continue
    yaml2json "$f" | jq -S '.[0]' >"$work/py.json"
    kind=$(jq -r .kind "$work/py.json")
    oname=$(jq -r .metadata.name "$work/py.json")
    [ "$(basename "$f")" = "$(echo "$kind-$oname" | tr A-Z a-z).yaml" ] \
      || fail "$f holds $kind $oname"
    jq -S --arg k "$kind" --arg n "$oname" \
      '.[] | select(.kind == $k and .metadata.name == $n)' "$work/$name.json" >"$work/go.json"
    diff -u "$work/go.json" "$work/py.json" >&2 \
      || fail "$f: PyYAML and kubectl read it differently"
  done
  ok "$name: PyYAML and kubectl read every file alike"
done
