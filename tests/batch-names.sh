#!/bin/bash
# v2c-batch's Kubernetes names, without an appliance (VMX descriptors
# and a stand-in v2c-convert): two VMs of one name get the name with a
# suffix from their path under the export directory (the same wherever
# the tree is), passed as v2c-convert --name, listed in the Job and in
# fleet.json; a VM of its own name keeps it and gets no --name.  Names
# given as options (namespace, claims, image, registry, --name) that
# Kubernetes would refuse are usage errors of every tool that takes them.
. "${top_srcdir:?}/tests/batch-lib.sh"
python3 -c 'import yaml' 2>/dev/null || fail "python3 with PyYAML is needed"
manifest=$top_builddir/tools/v2c-manifest
convert=$top_builddir/tools/v2c-convert

ex=$work/exports
mkdir -p "$ex/team a/web" "$ex/other" "$ex/db"
printf 'displayName = "web"\nnumvcpus = "1"\nmemsize = "512"\n' >"$ex/team a/web/web.vmx"
printf 'displayName = "Web"\nnumvcpus = "2"\nmemsize = "1024"\n' >"$ex/other/web.vmx"
printf 'displayName = "db"\nnumvcpus = "1"\nmemsize = "512"\n' >"$ex/db/db.vmx"
h () { printf '%s' "$1" | sha256sum | cut -c1-6; }
web1=web-$(h "team a/web/web.vmx")
web2=web-$(h "other/web.vmx")
[ "$web1" != "$web2" ] || fail "the test's two paths hash alike"

# the stand-in records its arguments in DIR/args
cat >"$work/fake-convert" <<'EOS'
#!/bin/sh
out=
prev=
for a; do [ "$prev" = "-o" ] && out=$a; prev=$a; done
mkdir -p "$out" && printf '%s\n' "$@" >"$out/args"
EOS
chmod +x "$work/fake-convert"
rc=0
V2C_CONVERT=$work/fake-convert "$batch" -q -j1 --from-dir "$ex" -o "$work/out" 2>"$work/err" || rc=$?
[ $rc -eq 0 ] || fail "batch with the stand-in: exit $rc ($(cat "$work/err"))"
kn () { jq -r --arg d "$2" '.vms[] | select(.source | endswith($d)) | .kube_name' "$1/fleet.json"; }
[ "$(kn "$work/out" "team a/web/web.vmx")" = "$web1" ] || fail "fleet.json: '$(kn "$work/out" "team a/web/web.vmx")', expected '$web1'"
[ "$(kn "$work/out" "other/web.vmx")" = "$web2" ] || fail "fleet.json: '$(kn "$work/out" "other/web.vmx")', expected '$web2'"
[ "$(kn "$work/out" "db/db.vmx")" = db ] || fail "fleet.json: db is '$(kn "$work/out" db/db.vmx)'"
ok "fleet.json: $web1, $web2 and db"
for n in $(jq -r '.vms[].name' "$work/out/fleet.json"); do
  d=$work/out/$n
  src=$(grep '\.vmx$' "$d/args")
  want=
  case $src in
    */team\ a/web/web.vmx) want=$web1 ;;
    */other/web.vmx) want=$web2 ;;
  esac
  got=$(grep -A1 -x -- --name "$d/args" | tail -n +2 || true)
  [ "$got" = "$want" ] || fail "'$src' was converted with --name '$got', expected '$want'"
done
ok "v2c-convert --name for the two VMs named web, none for db"

# the same tree elsewhere: the same names
cp -a "$ex" "$work/moved"
"$batch" -q --descriptor-only --from-dir "$work/moved/" -o "$work/moved-out" || fail "--descriptor-only"
[ "$(kn "$work/moved-out" "team a/web/web.vmx")" = "$web1" ] &&
  [ "$(kn "$work/moved-out" "other/web.vmx")" = "$web2" ] || fail "the moved tree's names: $(jq -c '[.vms[].kube_name]' "$work/moved-out/fleet.json")"
ok "a copy of the tree elsewhere gives the same names"
# ... also when the VMs are named one by one as SOURCEs (no --from-dir):
# keyed below the directory common to them
"$batch" -q --descriptor-only -o "$work/args-out" "$work/moved/team a/web/web.vmx" \
  "$work/moved/other/web.vmx" || fail "--descriptor-only with SOURCEs"
cp -a "$work/moved" "$work/moved2"
"$batch" -q --descriptor-only -o "$work/args-out2" "$work/moved2/team a/web/web.vmx" \
  "$work/moved2/other/web.vmx" || fail "--descriptor-only with SOURCEs, moved"
a=$(jq -c '[.vms[].kube_name]' "$work/args-out/fleet.json")
b=$(jq -c '[.vms[].kube_name]' "$work/args-out2/fleet.json")
[ "$a" = "$b" ] && [ "$a" = "[\"$web1\",\"$web2\"]" ] || fail "SOURCEs in two places: $a, $b (want $web1, $web2)"
ok "SOURCEs named one by one give the same names wherever the tree is"

# the Job: the list of names for v2c-convert --name
"$batch" -q --emit-k8s-job --from-dir "$ex" -o "$work/job" || fail "--emit-k8s-job"
python3 - "$work/job/k8s-job/configmap.yaml" "$web2" "$web1" <<'EOP' || fail "the Job's kube-names"
import sys, yaml
data = yaml.safe_load(open(sys.argv[1]))["data"]
names = data["names"].split("\n")[:-1]
kube = data["kube-names"].split("\n")[:-1]
want = {"db": "", "Web": sys.argv[2], "web": sys.argv[3]}
assert len(kube) == len(names) == 3, (names, kube)
for n, k in zip(names, kube):
    assert want[n] == k, (n, k)
EOP
ok "the Job lists the suffixed names"

# names Kubernetes refuses: exit 2, one error line naming the option
bad () {  # bad TOOL OPTION ARGS...
  local tool=$1 opt=$2 rc=0
  shift 2
  "$tool" "$@" >/dev/null 2>"$work/err" || rc=$?
  [ $rc -eq 2 ] || fail "$(basename "$tool") $opt: exit $rc, expected 2 ($(cat "$work/err"))"
  grep -q "^$(basename "$tool"): error: $opt: '.*' is not " "$work/err" || fail "$(basename "$tool") $opt: '$(cat "$work/err")'"
  [ "$(grep -c ': error: ' "$work/err")" -eq 1 ] || fail "$(basename "$tool") $opt: not one error line"
}
evil='Evil NS: {x}'
bad "$batch" --namespace --emit-k8s-job --from-dir "$ex" -o "$work/e1" --namespace "$evil"
bad "$batch" --exports-pvc --emit-k8s-job --from-dir "$ex" -o "$work/e2" --exports-pvc "$evil"
bad "$batch" --results-pvc --emit-k8s-job --from-dir "$ex" -o "$work/e3" --results-pvc Results_PVC
bad "$batch" --image --emit-k8s-job --from-dir "$ex" -o "$work/e4" --image "$evil"
bad "$batch" --registry --from-dir "$ex" -o "$work/e5" --registry "reg example"
bad "$manifest" --namespace "$top_srcdir/tests/data/manifest/debian-plan.json" -o "$work/e6" --namespace "$evil"
bad "$convert" --namespace "$ex/db/db.vmx" -o "$work/e7" --namespace "$evil"
bad "$convert" --name "$ex/db/db.vmx" -o "$work/e8" --name Web_1
for d in e1 e2 e3 e4 e5 e6 e7 e8; do
  [ ! -e "$work/$d" ] || fail "a refused name left '$work/$d'"
done
ok "refused: namespace, claims, image, registry and --name Kubernetes would refuse"
"$batch" -q --emit-k8s-job --from-dir "$ex" -o "$work/ok" --namespace v2c-migr \
  --exports-pvc exports.v1 --image registry.example:5000/team/v2c:1.0 ||
  fail "valid names refused"
ok "valid names pass"
