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

  # each file against kubectl's reading, in one PyYAML run for the
  # directory (a process per file took most of this test's time)
  python3 - "$dir" "$work/$name.json" <<'EOF' || fail "$name: PyYAML and kubectl read a file differently"
import json, os, sys, yaml
d, built = sys.argv[1:3]
canon = lambda o: json.dumps(o, sort_keys=True, indent=1, default=str)
objs = json.load(open(built))
bad = 0
for f in sorted(os.listdir(d)):
    if not f.endswith(".yaml") or f == "kustomization.yaml":
        continue
    with open(os.path.join(d, f)) as fh:
        docs = [x for x in yaml.safe_load_all(fh) if x is not None]
    py = docs[0]
    kind, name = py.get("kind"), py.get("metadata", {}).get("name")
    if f != ("%s-%s" % (kind, name)).lower() + ".yaml":
        print("%s/%s holds %s %s" % (d, f, kind, name), file=sys.stderr)
        bad += 1
        continue
    go = [o for o in objs if o.get("kind") == kind and o.get("metadata", {}).get("name") == name]
    if len(go) != 1 or canon(go[0]) != canon(py):
        print("%s/%s: PyYAML and kubectl read it differently:\n%s\n---\n%s"
              % (d, f, "\n".join(canon(g) for g in go), canon(py)), file=sys.stderr)
        bad += 1
sys.exit(1 if bad else 0)
EOF
  ok "$name: PyYAML and kubectl read every file alike"
done
