#!/bin/bash
# v2c's admission policies (issue 17): DIR/policies (and REPO/policies
# with --gitops) hold ValidatingAdmissionPolicy objects (CEL) and their
# bindings; v2c evaluates its own rules on its objects (policy.json,
# fleet.html).  The CEL runs here in a CEL evaluator (@bufbuild/cel,
# tests/js/cel-policies.js, matching objects as the API server does),
# and must agree with v2c's C evaluation (tests/policy-check):
# - every object v2c wrote for the shop fixtures, through each
#   environment's overlay (dev, prod with a registry): the only
#   objects refused are prod's Secrets that still hold REPLACE_ME (and
#   the seed Jobs, applied outside the overlays, in prod for their
#   registry); dev refuses nothing; the two evaluators give the same
#   (object, policy) pairs, and policy.json lists the same; each VM's
#   report has a Policy section with its own of them;
# - broken copies are refused by both, each by the policy meant for
#   it: an image not pinned by digest, a privileged container, a pod
#   run as root without v2c.io/runs-as-root, a container without
#   resources, an image from another registry in prod, REPLACE_ME in a
#   prod Secret (accepted in dev);
# - the organisation's rules (--policy-rules) are shipped as policies
#   the CEL evaluator runs (one that every object passes, one that
#   refuses what it should); a bad rules file is a usage error;
# - the policy objects validate against kubernetes-models.
. "${top_srcdir:?}/tests/batch-lib.sh"
[ "${V2C_SANITIZED:-0}" = 1 ] &&
  skip "V2C_SANITIZED=1: four conversions under ASan (policy-check runs lib/policy.c in the plain suite)"
need_fixtures
need_tools kubectl node
check=$top_builddir/tests/policy-check
[ -x "$check" ] || fail "$check is not built"
d=$work/fleet
shop_fleet "$d"
cat >"$work/rules.yaml" <<'EOF'
rules:
- name: part-of
  expression: "has(object.metadata.labels) && 'app.kubernetes.io/part-of' in object.metadata.labels"
  message: every workload names the application it is part of
- name: no-busybox-shell
  expression: "variables.containers.all(c, !has(c.command) || c.command.size() < 2 || c.command[1] != 'sh')"
  message: no container runs a shell script through busybox
  resources: [jobs]
EOF
repo=$work/repo
rc=0
"$batch" -q -j2 -o "$d" --gitops "$repo" --gitops-url https://git.example.org/fleet.git \
  --overlays dev,prod --gitops-registry prod=registry.example.org/shop \
  --policy-rules "$work/rules.yaml" "${shop_srcs[@]}" 2>"$work/batch.err" || rc=$?
[ $rc -eq 0 ] || { cat "$work/batch.err" >&2; fail "v2c-batch --policy-rules: exit $rc"; }
diff -r "$d/policies" "$repo/policies" >/dev/null || fail "DIR/policies and REPO/policies differ"
js=$("$top_srcdir/tests/setup-node.sh")
node "$js/validate.js" "$top_srcdir/docs/policy-report.schema.json" "$d/policy.json" >&2 ||
  fail "policy.json does not validate against docs/policy-report.schema.json"
# each VM's report has the Policy section: the same violations as
# policy.json's for that VM, the report still valid, in HTML and Markdown
for vm in $(jq -r '.vms[] | select(.status == "converted") | .name' "$d/fleet.json"); do
  r=$d/$vm/report.json
  node "$js/validate.js" "$top_srcdir/docs/report.schema.json" "$r" >&2 ||
    fail "$vm/report.json does not validate against docs/report.schema.json"
  want=$(jq -r --arg vm "$vm" '.violations[] | select(.vm == $vm) |
    "\(.environment // "base") \(.kind)/\(.name) \(.policy)"' "$d/policy.json" | LC_ALL=C sort)
  got=$(jq -r '.policy.violations[] | "\(.environment) \(.object) \(.policy)"' "$r" | LC_ALL=C sort)
  [ "$want" = "$got" ] || fail "$vm: the report's violations differ from policy.json's: $(diff <(echo "$want") <(echo "$got"))"
  [ "$(jq '.policy.objects' "$r")" -gt 0 ] || fail "$vm: the report counts no object"
  grep -q '<h2 id="policy">Policy</h2>' "$d/$vm/report.html" || fail "$vm: report.html has no Policy section"
  grep -q '^## Policy$' "$d/$vm/report.md" || fail "$vm: report.md has no Policy section"
  if [ -n "$want" ]; then
    grep -q "$(head -1 <<<"$got" | cut -d' ' -f3)" "$d/$vm/report.md" || fail "$vm: report.md lists no violation"
  fi
done
jq -e '[.violations[] | select(.environment == "prod")] | length > 0' "$d/policy.json" >/dev/null ||
  fail "no violation in prod: the report check above checked nothing"
ok "each VM's report lists its own violations of policy.json (Policy section, HTML and Markdown)"
kubectl kustomize "$repo/policies" >"$work/policies.yaml" || fail "kubectl kustomize policies"
NODE_PATH=$js/node_modules node "$top_srcdir/tests/js/validate-k8s.js" "$work/policies.yaml" >"$work/v.out" 2>&1 ||
  { cat "$work/v.out" >&2; fail "the policy objects do not validate"; }
np=$(grep -c '^kind: ValidatingAdmissionPolicy$' "$work/policies.yaml")
[ "$np" -eq 8 ] || fail "$np policies, expected 8 (5 of v2c, prod's registry, 2 of the organisation)"
ok "$np ValidatingAdmissionPolicies and their bindings validate (kubernetes-models)"

cel () { NODE_PATH=$js/node_modules node "$top_srcdir/tests/js/cel-policies.js" "$work/policies.yaml" "$@"; }
# the (kind name policy) triples of v2c's rules in an evaluator's output
pairs () { jq -r 'select(.policy) | select(.policy | startswith("v2c-org-") | not) | "\(.kind) \(.name) \(.policy)"' | sort; }

# --- every object v2c wrote, per environment: CEL = C = policy.json -----
total=0
for vm in v2c-web v2c-app v2c-db v2c-lvm; do
  for env in dev prod; do
    built=$work/$vm-$env.yaml
    kubectl kustomize "$repo/apps/$vm/overlays/$env" >"$built" || fail "kubectl kustomize $vm $env"
    reg=
    [ $env = prod ] && reg==registry.example.org/shop
    cel "$built" >"$work/cel.out" || fail "cel-policies on $vm $env"
    "$check" --env "$env$reg" "$built" >"$work/c.out" || fail "policy-check on $vm $env"
    a=$(pairs <"$work/cel.out")
    b=$(pairs <"$work/c.out")
    [ "$a" = "$b" ] || fail "$vm $env: the CEL evaluator and v2c disagree:
CEL: $a
v2c: $b"
    c=$(jq -r --arg v "$vm" --arg e "$env" '.violations[] | select(.vm == $v and .environment == $e and (.file | startswith("seed/") | not)) |
      "\(.kind) \(.name) \(.policy)"' "$d/policy.json" | sort)
    [ "$a" = "$c" ] || fail "$vm $env: policy.json says otherwise:
CEL: $a
policy.json: $c"
    if [ $env = dev ]; then
      [ -z "$a" ] || fail "$vm dev: refused: $a"
    else
      [ -n "$a" ] && ! grep -qv ' v2c-no-placeholder-secret$' <<<"$a" ||
        fail "$vm prod: expected only Secrets holding REPLACE_ME to be refused: $a"
      for s in $(awk '$1 == "Secret" { print $2 }' <<<"$a"); do
        grep -q REPLACE_ME "$d/$vm/k8s/secret-$s.yaml" || fail "$vm: Secret $s refused but holds no placeholder"
      done
    fi
    # the seed Jobs, applied as they are into the environment's namespace
    if ls "$d/$vm/k8s/seed/"*.yaml >/dev/null 2>&1; then
      cel --ns-labels "v2c.io/environment=$env" "$d/$vm/k8s/seed/"*.yaml >"$work/cel-seed.out"
      "$check" --env "$env$reg" "$d/$vm/k8s/seed/"*.yaml >"$work/c-seed.out"
      a=$(pairs <"$work/cel-seed.out")
      [ "$a" = "$(pairs <"$work/c-seed.out")" ] || fail "$vm $env seed Jobs: CEL '$a', v2c '$(pairs <"$work/c-seed.out")'"
      c=$(jq -r --arg v "$vm" --arg e "$env" '.violations[] | select(.vm == $v and .environment == $e and (.file | startswith("seed/"))) |
        "\(.kind) \(.name) \(.policy)"' "$d/policy.json" | sort)
      [ "$a" = "$c" ] || fail "$vm $env seed Jobs: policy.json '$c', CEL '$a'"
    fi
    total=$((total + $(jq -s 'map(select(.objects)) | .[0].objects' "$work/cel.out")))
  done
done
n=$(jq '.counts.violations' "$d/policy.json")
[ "$n" -eq "$(jq '.violations | length' "$d/policy.json")" ] || fail "policy.json counts"
grep -q 'Admission policies' "$d/fleet.html" || fail "fleet.html has no policy section"
ok "$total objects in 8 overlays: the CEL evaluator, v2c's C and policy.json agree; dev refuses nothing, prod only Secrets with REPLACE_ME ($n findings in policy.json, listed in fleet.html)"

# --- broken copies: each refused by the policy meant for it ------------
base=$d/v2c-db/k8s
python3 - "$base" "$work" <<'EOF'
import sys, yaml, copy
base, work = sys.argv[1], sys.argv[2]
def load(f):
    return yaml.safe_load(open(f"{base}/{f}"))
def save(name, doc, ns=None):
    if ns:
        doc["metadata"]["namespace"] = ns
    yaml.safe_dump(doc, open(f"{work}/broken-{name}.yaml", "w"))
nginx = load("deployment-nginx.yaml")
d = copy.deepcopy(nginx); d["spec"]["template"]["spec"]["containers"][0]["image"] = "docker.io/library/nginx:latest"
save("unpinned", d)
d = copy.deepcopy(nginx); d["spec"]["template"]["spec"]["containers"][0]["securityContext"]["privileged"] = True
save("privileged", d)
d = copy.deepcopy(nginx); del d["spec"]["template"]["spec"]["containers"][0]["resources"]
save("no-resources", d)
pg = load("statefulset-postgresql.yaml")
d = copy.deepcopy(pg); d["spec"]["template"]["spec"]["containers"][0]["securityContext"]["runAsUser"] = 0
save("root", d)
d = copy.deepcopy(pg)
for c in d["spec"]["template"]["spec"]["containers"] + d["spec"]["template"]["spec"].get("initContainers", []):
    c["image"] = "registry.example.org/shop/" + c["image"]
save("right-registry", d)
d = copy.deepcopy(pg)
for c in d["spec"]["template"]["spec"]["containers"]:
    c["image"] = "other.example/" + c["image"]
save("other-registry", d)
sec = load("secret-demo-app-env.yaml")
ok = copy.deepcopy(sec); ok["stringData"] = {k: "s3t-by-the-team" for k in ok["stringData"]}
save("secret-set", ok)
save("secret-placeholder", copy.deepcopy(sec))
EOF
broken () {  # broken NAME ENV POLICY|-: refused by POLICY only (-: accepted)
  local f=$work/broken-$1.yaml env=$2 want=$3 a b reg=
  [ "$env" = prod ] && reg==registry.example.org/shop
  a=$(cel --ns-labels "v2c.io/environment=$env" "$f" | pairs | awk '{print $3}' | tr '\n' ' ')
  b=$("$check" --env "$env$reg" "$f" | pairs | awk '{print $3}' | tr '\n' ' ')
  [ "$a" = "$b" ] || fail "broken $1 ($env): CEL refuses by '$a', v2c by '$b'"
  if [ "$want" = - ]; then
    [ -z "$a" ] || fail "$1 ($env): refused by $a"
  else
    [ "$a" = "$want " ] || fail "$1 ($env): refused by '$a', expected '$want'"
  fi
  echo "  $1 in $env: ${a:-accepted}"
}
broken unpinned dev v2c-image-digest
broken privileged dev v2c-not-privileged
broken no-resources dev v2c-resources
broken root dev v2c-non-root
broken right-registry prod -
broken other-registry prod v2c-image-registry-prod
broken secret-placeholder prod v2c-no-placeholder-secret
broken secret-placeholder dev -
broken secret-set prod -
ok "broken copies: refused by the CEL evaluator and by v2c, each by its policy; a Secret with placeholders passes in dev only"

# --- the organisation's rules -----------------------------------------
cel "$work/v2c-db-prod.yaml" "$d/v2c-db/k8s/seed/"*.yaml >"$work/org.out"
grep -q '"policy":"v2c-org-part-of"' "$work/org.out" && fail "the part-of rule refused an object that has the label"
cel --ns-labels v2c.io/environment=prod "$d/v2c-db/k8s/seed/"*.yaml | grep -q '"policy":"v2c-org-no-busybox-shell"' ||
  fail "the no-busybox-shell rule does not refuse the seed Jobs (they run busybox sh -c)"
jq -e '[.policies[] | select(.name | startswith("v2c-org-")) | .evaluated_by_v2c] == [false, false]' "$d/policy.json" >/dev/null ||
  fail "policy.json does not say the organisation's rules are evaluated by the API server only"
printf 'rules:\n- name: Bad Name\n  expression: "true"\n  message: x\n' >"$work/bad-rules.yaml"
rc=0
"$batch" -q -o "$work/u" --policy-rules "$work/bad-rules.yaml" "${shop_srcs[0]}" 2>"$work/u.err" || rc=$?
[ $rc -eq 2 ] && grep -q 'rules\[0\].name' "$work/u.err" || fail "a bad rules file: exit $rc, $(cat "$work/u.err")"
[ ! -e "$work/u" ] || fail "a bad rules file wrote output"
ok "the organisation's rules run in the CEL evaluator (one passes every object, one refuses the seed Jobs); a bad rules file exits 2"
