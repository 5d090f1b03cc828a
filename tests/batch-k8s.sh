#!/bin/bash
# v2c-batch --emit-k8s-job: kubectl kustomize builds DIR/k8s-job offline,
# the Job and ConfigMap validate against the official Kubernetes schemas
# (npm kubernetes-models, tests/js/validate-k8s.js), completions is the
# number of VMs, parallelism is -j, and the Job's own shell command, run
# here with JOB_COMPLETION_INDEX=1 and a stand-in v2c-convert on PATH
# that prints its arguments, converts the second VM of the list.
. "${top_srcdir:?}/tests/batch-lib.sh"
command -v kubectl >/dev/null || fail "kubectl is needed (kubectl kustomize checks the output)"
python3 -c 'import yaml' 2>/dev/null || fail "python3 with PyYAML is needed"
js=$("$top_srcdir/tests/setup-node.sh")

# an export tree: three VMs (descriptors are enough: nothing is read)
ex=$work/exports
mkdir -p "$ex/team a/web" "$ex/db" "$ex/web-unpacked"
printf 'displayName = "web"\nnumvcpus = "2"\nmemsize = "1024"\n' >"$ex/team a/web/web.vmx"
printf 'displayName = "db"\nnumvcpus = "1"\nmemsize = "512"\n' >"$ex/db/db.vmx"
printf 'displayName = "web"\nnumvcpus = "4"\nmemsize = "2048"\n' >"$ex/web-unpacked/x.vmx"
rc=0
"$batch" -q --emit-k8s-job -j 2 --from-dir "$ex" -o "$work/out" \
  --image registry.example/v2c:test --exports-pvc exp --results-pvc res \
  --registry registry.example/team --no-verify || rc=$?
[ $rc -eq 0 ] || fail "--emit-k8s-job: exit $rc"
dir=$work/out/k8s-job
for f in kustomization.yaml job.yaml configmap.yaml; do
  [ -f "$dir/$f" ] || fail "no $f"
done
ls "$work/out" | grep -qv '^k8s-job$' && fail "--emit-k8s-job converted something: $(ls "$work/out")"
kubectl kustomize "$dir" >"$work/all.yaml" 2>"$work/kerr" || fail "kubectl kustomize: $(cat "$work/kerr")"
ok "kubectl kustomize builds it"
NODE_PATH=$js/node_modules node "$top_srcdir/tests/js/validate-k8s.js" "$dir"/*.yaml "$work/all.yaml" \
  >"$work/validate.log" 2>&1 || { cat "$work/validate.log" >&2; fail "the objects do not validate"; }
ok "the Job and ConfigMap validate against kubernetes-models"

python3 - "$work/all.yaml" "$work" <<'EOP' || fail "the Job's fields"
import os, sys, yaml
docs = {d["kind"]: d for d in yaml.safe_load_all(open(sys.argv[1])) if d}
job, cm, out = docs["Job"], docs["ConfigMap"], sys.argv[2]
spec = job["spec"]
assert spec["completionMode"] == "Indexed", spec
assert spec["completions"] == 3, spec["completions"]
assert spec["parallelism"] == 2, spec["parallelism"]
pod = spec["template"]["spec"]
c = pod["containers"][0]
assert c["image"] == "registry.example/v2c:test", c["image"]
assert pod["securityContext"]["runAsNonRoot"] is True
claims = {v["name"]: v.get("persistentVolumeClaim", {}).get("claimName") for v in pod["volumes"]}
assert claims["exports"] == "exp" and claims["results"] == "res", claims
mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
assert mounts["/exports"].get("readOnly") is True and "/results" in mounts
assert mounts["/etc/v2c-batch"]["name"] == "vm-list"
# what the Job runs, for the local run below
open(os.path.join(out, "cmd"), "w").write("\0".join(c["command"] + c.get("args", [])))
for k, v in cm["data"].items():
    open(os.path.join(out, "list-" + k), "w").write(v)
EOP
ok "completions 3, parallelism 2, image, PVCs and mounts as asked"

# the list: sorted paths relative to the export dir, names unique
paste "$work/list-names" "$work/list-sources" >"$work/list"
printf 'db\tdb/db.vmx\nweb\tteam a/web/web.vmx\nweb-2\tweb-unpacked/x.vmx\n' >"$work/list.want"
diff -u "$work/list.want" "$work/list" >&2 || fail "the Job's VM list"
ok "the VM list: paths relative to the export dir, names unique"

# run the Job's command for index 1 with the list where the pod mounts it
mkdir -p "$work/fakebin" "$work/etc"
cat >"$work/fakebin/v2c-convert" <<'EOS'
#!/bin/sh
for a; do printf '[%s]' "$a"; done
echo
EOS
chmod +x "$work/fakebin/v2c-convert"
cp "$work/list-names" "$work/etc/names"
cp "$work/list-sources" "$work/etc/sources"
cp "$work/list-kube-names" "$work/etc/kube-names"
python3 - "$work/cmd" "$work" <<'EOP' >"$work/ran" || fail "running the Job's command"
import os, subprocess, sys
argv = open(sys.argv[1]).read().split("\0")
work = sys.argv[2]
# the command reads /etc/v2c-batch: point it at the test's copy
argv = [a.replace("/etc/v2c-batch", work + "/etc") for a in argv]
env = dict(os.environ, JOB_COMPLETION_INDEX="1", PATH=work + "/fakebin:" + os.environ["PATH"])
sys.stdout.write(subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stdout)
EOP
# both VMs named web get a suffix from their path (v2c-convert --name)
h=$(printf '%s' 'team a/web/web.vmx' | sha256sum | cut -c1-6)
want="[--force][--name][web-$h][--registry][registry.example/team][--no-verify][/exports/team a/web/web.vmx][-o][/results/web]"
[ "$(cat "$work/ran")" = "$want" ] || fail "index 1 ran '$(cat "$work/ran")', expected '$want'"
ok "index 1 runs v2c-convert on 'team a/web/web.vmx' into /results/web"
rc=0
JOB_COMPLETION_INDEX=3 PATH=$work/fakebin:$PATH sh -c "$(sed 's|/etc/v2c-batch|'"$work"'/etc|g' <<<"$(python3 -c 'import sys; print(open(sys.argv[1]).read().split(chr(0))[2])' "$work/cmd")")" x >/dev/null 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "index 3 (past the list) did not fail"
ok "an index past the list fails"

# bad usage: -c with --emit-k8s-job, an absolute path without a root
rc=0; "$batch" --emit-k8s-job -o "$work/x" -c test:///default 2>/dev/null || rc=$?
[ $rc -eq 2 ] || fail "--emit-k8s-job -c: exit $rc, expected 2"
rc=0; "$batch" -q --emit-k8s-job -o "$work/x" "$ex/db/db.vmx" 2>/dev/null || rc=$?
[ $rc -eq 1 ] || fail "an absolute SOURCE without --exports-root: exit $rc, expected 1"
ok "refuses -c and paths it can't make relative"
