#!/bin/bash
# v2c-batch --gitops (issue 17): the shop fixtures (web calls app, app
# calls db; lvm) as a Git-ready tree for Argo CD and Flux, in a Git
# checkout that already holds a README.
# - the README and .git are left alone; apps/VM/base is DIR/VM/k8s as
#   it is; apps/VM/overlays/{dev,prod} set a namespace (and create it),
#   replicas and resources, prod the registry of --gitops-registry
#   (the digest kept) for every workload kind, also for a VM with
#   CronJobs only; as of the last wave (the default) web's bridge to app
#   is handed over: an ExternalName Service of the same name to app's
#   Service in app's namespace, egress allowed to its pods; as of wave
#   1 (--gitops-wave 1) the tree holds web alone, with its bridge;
# - every overlay, argocd/ENV and flux/ENV builds with kubectl
#   kustomize, and every object validates: core objects against
#   kubernetes-models, Applications against @kubernetes-models/argo-cd,
#   GitRepository and Kustomization against @kubernetes-models/flux-cd;
#   a broken Application and a broken Flux Kustomization are refused
#   (the validators are not blind);
# - each Application's sync wave is its VM's wave of waves.json, each
#   Flux Kustomization depends on those of the wave before;
# - the same batch gives the same tree byte for byte (a second tree
#   elsewhere, and a rerun into the committed checkout leaves git
#   status clean);
# - usage errors: no --gitops-url, with --descriptor-only, a bad
#   environment name, a registry for an environment not listed.
. "${top_srcdir:?}/tests/batch-lib.sh"
[ "${V2C_SANITIZED:-0}" = 1 ] &&
  skip "V2C_SANITIZED=1: four conversions under ASan (the --gitops code runs in the plain suite)"
need_fixtures
need_tools kubectl node git
d=$work/fleet
shop_fleet "$d"
# v2c-lvm with CronJobs only (its Deployment and StatefulSet taken out of
# the copy of its golden.sh output, up to date in the run below): its
# prod overlay must still move every image into prod's registry
cronjob_only=
if [ -f "$d/v2c-lvm/k8s/kustomization.yaml" ]; then
  sed -i '/^- deployment-/d; /^- statefulset-/d' "$d/v2c-lvm/k8s/kustomization.yaml"
  rm -f "$d/v2c-lvm/k8s/"deployment-*.yaml "$d/v2c-lvm/k8s/"statefulset-*.yaml
  cronjob_only=1
fi
repo=$work/repo
mkdir -p "$repo"
git -C "$repo" init -q
printf 'Our platform repository.\n' >"$repo/README.md"
git -C "$repo" add README.md
git -C "$repo" -c user.name=t -c user.email=t@example.org commit -q -m readme
url=https://git.example.org/platform/fleet.git
gitops=(--gitops "$repo" --gitops-url "$url" --overlays dev,prod
  --gitops-registry prod=registry.example.org/shop)
rc=0
"$batch" -q -j2 -o "$d" "${gitops[@]}" "${shop_srcs[@]}" 2>"$work/batch.err" || rc=$?
[ $rc -eq 0 ] || { cat "$work/batch.err" >&2; fail "v2c-batch --gitops: exit $rc"; }
[ "$(cat "$repo/README.md")" = "Our platform repository." ] || fail "the README changed"
git -C "$repo" log --oneline | grep -q readme || fail "the checkout's history is gone"
for n in v2c-web v2c-app v2c-db v2c-lvm; do
  diff -r "$d/$n/k8s" "$repo/apps/$n/base" >/dev/null || fail "apps/$n/base is not $n/k8s"
  for e in dev prod; do
    [ -f "$repo/apps/$n/overlays/$e/kustomization.yaml" ] || fail "no apps/$n/overlays/$e"
    [ -f "$repo/argocd/$e/$n.yaml" ] && [ -f "$repo/flux/$e/$n.yaml" ] || fail "no Application or Flux Kustomization of $n in $e"
  done
done
[ -f "$repo/argocd/prod.yaml" ] && [ -f "$repo/flux/prod/gitrepository.yaml" ] || fail "no app of apps or GitRepository"
ok "the tree: apps/VM/{base,overlays/{dev,prod}}, argocd/, flux/; the README and history kept"

# --- kustomize builds everything; the schemas accept every object ------
js=$("$top_srcdir/tests/setup-node.sh")
validate () { NODE_PATH=$js/node_modules node "$top_srcdir/tests/js/validate-k8s.js" "$@"; }
n=0
for k in "$repo"/apps/*/overlays/* "$repo"/argocd/dev "$repo"/argocd/prod "$repo"/flux/dev "$repo"/flux/prod; do
  rel=${k#"$repo"/}
  out=$work/built-${rel//\//-}.yaml
  kubectl kustomize "$k" >"$out" 2>"$work/kz.err" || fail "kubectl kustomize $rel: $(cat "$work/kz.err")"
  validate "$out" >"$work/validate.out" 2>&1 || { cat "$work/validate.out" >&2; fail "$rel: an object does not validate"; }
  n=$((n + 1))
done
validate "$repo"/argocd/dev.yaml "$repo"/argocd/prod.yaml >/dev/null || fail "the apps of apps do not validate"
[ $n -eq 12 ] || fail "$n directories built, expected 12"
grep -q 'kind: Application$' "$work/built-argocd-prod.yaml" || fail "argocd/prod has no Application"
grep -q 'kind: GitRepository$' "$work/built-flux-prod.yaml" || fail "flux/prod has no GitRepository"
# the validators refuse what is wrong
sed 's/^  destination:/  destinatio:/' "$repo/argocd/prod/v2c-web.yaml" >"$work/bad-app.yaml"
sed 's|^  path: ./apps.*|  path: 42|' "$repo/flux/prod/v2c-web.yaml" >"$work/bad-flux.yaml"
validate "$work/bad-app.yaml" >/dev/null 2>&1 && fail "an Application without destination validates"
validate "$work/bad-flux.yaml" >/dev/null 2>&1 && fail "a Flux Kustomization with a number as path validates"
ok "12 directories build with kubectl kustomize; core, Argo CD and Flux objects validate; broken ones are refused"

# --- what the overlays say ---------------------------------------------
python3 - "$work" "$d/waves.json" "$cronjob_only" <<'EOF' || fail "the overlays or the sync waves"
import json, sys, yaml
work, waves = sys.argv[1], json.load(open(sys.argv[2]))
cronjob_only = sys.argv[3] == "1"
wave = {vm: w["wave"] for w in waves["waves"] for vm in w["vms"]}
def docs(name):
    return [d for d in yaml.safe_load_all(open(f"{work}/built-{name}.yaml")) if d]
for vm in ("v2c-web", "v2c-app", "v2c-db", "v2c-lvm"):
    for env in ("dev", "prod"):
        ds = docs(f"apps-{vm}-overlays-{env}")
        ns = f"{vm}-{env}"
        nsobj = [d for d in ds if d["kind"] == "Namespace"]
        assert [d["metadata"]["name"] for d in nsobj] == [ns], (vm, env, nsobj)
        for d in ds:
            if d["kind"] != "Namespace":
                assert d["metadata"].get("namespace") == ns, (vm, env, d["kind"], d["metadata"])
            assert d["metadata"]["labels"]["v2c.io/environment"] == env
        kinds = set()
        for d in ds:
            if d["kind"] in ("Deployment", "StatefulSet"):
                assert "replicas" in d["spec"] and all("resources" in c for c in d["spec"]["template"]["spec"]["containers"])
            spec = d.get("spec", {})
            if d["kind"] == "CronJob":
                spec = spec["jobTemplate"]["spec"]
            if "template" not in spec:
                continue
            kinds.add(d["kind"])
            for c in spec["template"]["spec"]["containers"] + spec["template"]["spec"].get("initContainers", []):
                # the VM's image, or its data image (seeding init containers)
                img = c["image"].replace(f"{vm}-data@", f"{vm}@", 1)
                if env == "prod":
                    assert img.startswith(f"registry.example.org/shop/{vm}@sha256:"), (d["kind"], img)
                else:
                    assert img.startswith(f"{vm}@sha256:"), (d["kind"], img)
        if vm == "v2c-lvm" and cronjob_only:
            assert kinds == {"CronJob"}, kinds
        # the tree as of the last wave: every VM moved, web's bridge to
        # app handed over to app's Service in app's namespace
        bridges = [d for d in ds if "v2c.io/bridge-to" in d["metadata"].get("labels", {})]
        assert bridges == [], (vm, bridges)
        hand = [d for d in ds if "v2c.io/handover-to" in d["metadata"].get("labels", {})]
        if vm != "v2c-web":
            assert hand == [], (vm, hand)
            continue
        by = {(d["kind"], d["metadata"]["name"]): d for d in hand}
        assert sorted(by) == [("NetworkPolicy", "v2c-handover-v2c-app"), ("Service", "v2c-app")], sorted(by)
        svc, np = by[("Service", "v2c-app")], by[("NetworkPolicy", "v2c-handover-v2c-app")]
        ans = f"v2c-app-{env}"
        assert svc["spec"]["type"] == "ExternalName" and svc["spec"]["externalName"] == f"demo-app.{ans}.svc.cluster.local", svc["spec"]
        target = [d for d in docs(f"apps-v2c-app-overlays-{env}") if d["kind"] == "Service" and d["metadata"]["name"] == "demo-app"]
        assert len(target) == 1 and target[0]["metadata"]["namespace"] == ans, target
        assert 8080 in [p["port"] for p in target[0]["spec"]["ports"]], target[0]["spec"]
        (eg,) = np["spec"]["egress"]
        assert eg["to"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": ans}},
                             "podSelector": {"matchLabels": target[0]["spec"]["selector"]}}], eg
    for env in ("dev", "prod"):
        app = [d for d in docs(f"argocd-{env}") if d["metadata"]["name"] == f"{vm}-{env}"][0]
        assert app["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] == str(wave[vm]), app["metadata"]
        assert app["spec"]["source"]["path"] == f"apps/{vm}/overlays/{env}"
        assert app["spec"]["source"]["repoURL"] == "https://git.example.org/platform/fleet.git"
        assert app["spec"]["destination"]["namespace"] == f"{vm}-{env}"
        fk = [d for d in docs(f"flux-{env}") if d["metadata"]["name"] == f"{vm}-{env}"][0]
        want = sorted(f"{o}-{env}" for o, k in wave.items() if k == wave[vm] - 1)
        assert sorted(x["name"] for x in fk["spec"].get("dependsOn", [])) == want, (vm, fk["spec"])
        assert fk["spec"]["path"] == f"./apps/{vm}/overlays/{env}"
print("ok: overlays: a namespace per VM and environment, replicas and resources, prod's registry with the digest for every workload kind (v2c-lvm with CronJobs only: %s), web's bridge handed over to app's Service in app's namespace; sync waves and dependsOn as waves.json" % ("checked" if cronjob_only else "no golden.sh copy"))
EOF

# --- byte for byte -----------------------------------------------------
repo2=$work/repo2
rc=0
"$batch" -q -j2 -o "$d" --gitops "$repo2" --gitops-url "$url" --overlays dev,prod \
  --gitops-registry prod=registry.example.org/shop "${shop_srcs[@]}" 2>"$work/batch2.err" || rc=$?
[ $rc -eq 0 ] || { cat "$work/batch2.err" >&2; fail "the second --gitops run: exit $rc"; }
diff -r -x .git -x README.md "$repo" "$repo2" >"$work/diff" || { head -20 "$work/diff" >&2; fail "the same batch gave another tree"; }
git -C "$repo" add -A
git -C "$repo" -c user.name=t -c user.email=t@example.org commit -q -m fleet
"$batch" -q -j2 -o "$d" "${gitops[@]}" "${shop_srcs[@]}" 2>"$work/batch3.err" ||
  { cat "$work/batch3.err" >&2; fail "the rerun into the checkout failed"; }
[ -z "$(git -C "$repo" status --porcelain)" ] ||
  fail "a rerun changed the committed tree: $(git -C "$repo" status --porcelain | head -5)"
ls -A "$repo" | grep -q '^\.v2c-gitops' && fail "a temporary directory is left in the checkout"
ok "the same batch gives the same tree byte for byte; a rerun leaves the committed checkout clean"

# --- the tree as of the pilot's wave: web alone, its bridge to app ------
repo1=$work/repo1
rc=0
"$batch" -q -j2 -o "$d" --gitops "$repo1" --gitops-url "$url" --overlays dev,prod \
  --gitops-registry prod=registry.example.org/shop --gitops-wave 1 "${shop_srcs[@]}" 2>"$work/batch4.err" || rc=$?
[ $rc -eq 0 ] || { cat "$work/batch4.err" >&2; fail "--gitops-wave 1: exit $rc"; }
[ "$(ls "$repo1/apps")" = v2c-web ] || fail "--gitops-wave 1: apps/ holds $(ls "$repo1/apps" | tr '\n' ' ')"
[ "$(ls "$repo1/argocd/prod")" = "kustomization.yaml
v2c-web.yaml" ] || fail "--gitops-wave 1: argocd/prod holds $(ls "$repo1/argocd/prod" | tr '\n' ' ')"
k=$repo1/apps/v2c-web/overlays/prod
kubectl kustomize "$k" >"$work/built-wave1.yaml" 2>"$work/kz.err" || fail "kubectl kustomize (wave 1): $(cat "$work/kz.err")"
validate "$work/built-wave1.yaml" >/dev/null 2>&1 || fail "--gitops-wave 1: web's overlay does not validate"
python3 - "$work/built-wave1.yaml" <<'EOF' || fail "--gitops-wave 1: web's bridge"
import sys, yaml
ds = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
br = {(d["kind"], d["metadata"]["name"]): d for d in ds if d["metadata"].get("labels", {}).get("v2c.io/bridge-to") == "v2c-app"}
assert sorted(br) == [("EndpointSlice", "v2c-app"), ("NetworkPolicy", "v2c-bridge-v2c-app"), ("Service", "v2c-app")], sorted(br)
assert "selector" not in br[("Service", "v2c-app")]["spec"] and "type" not in br[("Service", "v2c-app")]["spec"]
assert br[("EndpointSlice", "v2c-app")]["endpoints"][0]["addresses"] == ["10.20.0.12"]
assert not [d for d in ds if "v2c.io/handover-to" in d["metadata"].get("labels", {})]
print("ok: as of wave 1, web reaches app's old address 10.20.0.12 through its bridge")
EOF
ok "--gitops-wave 1: the tree holds web alone, its Application, its bridge to app; the default tree (the last wave) its handover"

# --- usage -------------------------------------------------------------
usage () {  # usage WHAT ARGS...: exit 2 with a message
  local what=$1 rc=0
  shift
  "$batch" -q -o "$work/u" "$@" "${shop_srcs[0]}" 2>"$work/u.err" || rc=$?
  [ $rc -eq 2 ] || fail "$what: exit $rc, expected 2"
  [ -s "$work/u.err" ] || fail "$what: no message"
}
usage "--gitops without --gitops-url" --gitops "$work/r"
usage "--gitops with --descriptor-only" --descriptor-only --gitops "$work/r" --gitops-url "$url"
usage "an environment that is not a DNS label" --gitops "$work/r" --gitops-url "$url" --overlays Prod
usage "a registry of an environment not listed" --gitops "$work/r" --gitops-url "$url" --gitops-registry qa=r.example
usage "two registries for one environment" --gitops "$work/r" --gitops-url "$url" \
  --gitops-registry prod=a.example --gitops-registry prod=b.example
usage "--overlays without --gitops" --overlays dev
usage "--gitops-wave without --gitops" --gitops-wave 1
usage "--gitops-wave 0" --gitops "$work/r" --gitops-url "$url" --gitops-wave 0
[ ! -e "$work/u" ] && [ ! -e "$work/r" ] || fail "a usage error wrote something"
ok "usage errors exit 2: no URL, --descriptor-only, a bad environment, an unknown environment's registry, two registries for one, --overlays or --gitops-wave alone, --gitops-wave 0"
