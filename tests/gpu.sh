#!/bin/bash
# AI and GPU workloads (issue 18), on the gpu fixture: the demo VM plus
# stand-in nvidia-driver, nvidia-kernel-dkms, libcuda1 and libcudart12
# packages (built with dpkg-deb and installed by dpkg, with the Debian
# packages' names, versions and file lists), DKMS's tree and modules,
# a virtualenv with torch and vllm, a vLLM unit serving a 1 GiB sparse
# safetensors file from /srv/models/llama-3-8b, and a VMX that passes
# an NVIDIA GPU through.  After one v2c-convert:
# - the inventory has the GPU, the driver and runtime packages (their
#   versions as dpkg-query reads the guest's own database), torch and
#   vllm, the server and the model with its size;
# - the verdict is the demo's: the driver lowers nothing (the info rule
#   gpu-driver, no kernel-module blocker);
# - the vLLM Deployment requests nvidia.com/gpu: 1 on GPU nodes
#   (nodeSelector nvidia.com/gpu.present);
# - no layer holds a file of the driver's packages (their dpkg .list
#   files are the ground truth), DKMS's tree or the model; the model is
#   in a persistent volume big enough for it, mounted where vLLM reads
#   it; libcudart12's files are in a "cuda" layer and nothing else is;
# - the driver's packages are out of the image's dpkg database (the
#   rest of it is the guest's, stanza for stanza: the fixture keeps the
#   database dpkg wrote) and out of both SBOMs;
# - the report's AI/GPU section (JSON, Markdown, HTML) lists all of it
#   and the driver the nodes need (>= 535.54.03 for CUDA 12.2);
# - for each --gpu-sharing mode the manifests build with kubectl
#   kustomize and validate (kubernetes-models), with the mode's
#   resource (time-slicing's device plugin ConfigMap too);
# - kept as a VM (--target vm) it gets KubeVirt's devices.gpus, which
#   type-checks against KubeVirt's API types;
# - --models oci: the model volume is an image volume; v2c-extract
#   (--root, on a host tree made of the VM's image and its model data)
#   writes the models as an image of their own, one layer of the
#   files relative to the volume, which the vllm pod mounts read-only
#   by digest; podman mounts that image where vLLM reads it (the size
#   and owner of the model, read-only), as a node's runtime would;
# - the cuda layer is the same blob for the VM and for host trees of
#   the same files whose directories have other mtimes and whose app
#   differs (VMs with the same CUDA packages share it);
# - a VM without GPUs has no GPU member (the demo's outputs, when
#   golden.sh converted it); the fixture is unchanged.
. "${top_srcdir:?}/tests/manifest-lib.sh"
[ "${V2C_SANITIZED:-0}" = 1 ] &&
  skip "V2C_SANITIZED=1: an appliance conversion under ASan (tests/test-ai and test-vmx cover the parsers)"
need_fixtures
need_appliance ""
need_tools kubectl node dpkg-query
fx=$(readlink -f "$V2C_FIXTURES")
src=$fx/gpu/gpu.vmx
[ -f "$src" ] || fail "fixture gpu/gpu.vmx missing (an old fixture set? make fixtures-clean)"
before=$(source_digest "$src")
out=$work/gpu
"$top_builddir/tools/v2c-convert" -q -o "$out" "$src" 2>"$work/convert.err" ||
  { cat "$work/convert.err" >&2; fail "v2c-convert of the gpu fixture"; }
inv=$out/inventory.json plan=$out/plan.json rep=$out/report.json
js=$("$top_srcdir/tests/setup-node.sh")
for s in inventory plan report; do
  node "$js/validate.js" "$top_srcdir/docs/$s.schema.json" "$out/$s.json" >&2 ||
    fail "$s.json does not validate against docs/$s.schema.json"
done

# --- the image's files, by layer (Python's tarfile) -------------------
python3 - "$out/image" "$rep" >"$work/layers.tsv" <<'EOF' || fail "can't read the image"
import json, os, sys, tarfile
lay, rep = sys.argv[1], json.load(open(sys.argv[2]))
idx = json.load(open(os.path.join(lay, "index.json")))
man = json.load(open(os.path.join(lay, "blobs/sha256", idx["manifests"][0]["digest"].split(":")[1])))
names = [l["name"] for l in rep["layers"]]
for i, l in enumerate(man["layers"]):
    with tarfile.open(os.path.join(lay, "blobs/sha256", l["digest"].split(":")[1])) as t:
        for m in t.getmembers():
            kind = "d" if m.isdir() else "f"
            print(f"{names[i]}\t{kind}\t/{m.name.lstrip('./')}")
EOF
# the guest's own dpkg database (the fixture keeps a copy, as dpkg wrote
# it), read by dpkg-query; and the image's
adm=$fx/gpu/dpkg
[ -f "$adm/status" ] || fail "fixture gpu/dpkg missing (an old fixture set? make fixtures-clean)"
img_adm=$work/img-dpkg
mkdir -p "$img_adm"
python3 - "$out/image" "$img_adm" <<'EOF' || fail "can't take the dpkg database out of the image"
import json, os, sys, tarfile
lay, dst = sys.argv[1], sys.argv[2]
idx = json.load(open(os.path.join(lay, "index.json")))
man = json.load(open(os.path.join(lay, "blobs/sha256", idx["manifests"][0]["digest"].split(":")[1])))
for l in man["layers"]:
    with tarfile.open(os.path.join(lay, "blobs/sha256", l["digest"].split(":")[1])) as t:
        for m in t.getmembers():
            n = m.name.lstrip("./")
            if m.isfile() and (n == "var/lib/dpkg/status" or n.startswith("var/lib/dpkg/info/")):
                p = os.path.join(dst, n[len("var/lib/dpkg/"):])
                os.makedirs(os.path.dirname(p), exist_ok=True)
                open(p, "wb").write(t.extractfile(m).read())
EOF
mkdir -p "$img_adm/updates"
dpkgv () { dpkg-query --admindir="$adm" -W -f '${Version}' "$1"; }
for p in nvidia-driver nvidia-kernel-dkms libcuda1 libcudart12; do
  [ -n "$(dpkgv "$p")" ] || fail "dpkg-query does not know $p in the guest's database"
done

# --- the inventory -----------------------------------------------------
jq -e '.hardware.gpus == [{"kind": "passthrough", "vendor": "nvidia", "vendor_id": "0x10de",
  "device_id": "0x1db4", "profile": null, "source": "pciPassthru0", "mmio_gb": 64}]' "$inv" >/dev/null ||
  fail "hardware.gpus: $(jq -c .hardware.gpus "$inv")"
for p in nvidia-driver nvidia-kernel-dkms libcuda1; do
  v=$(dpkgv "$p")
  jq -e --arg p "$p" --arg v "${v%-*}" '.ai.drivers | any(.kind == "package" and .name == $p and .version == $v)' \
    "$inv" >/dev/null || fail "ai.drivers lacks $p ${v%-*} (dpkg-query: $v)"
done
v=$(dpkgv libcudart12)
jq -e --arg v "${v%-*}" '.ai.runtimes | any(.name == "cuda" and .package == "libcudart12" and .version == $v)' \
  "$inv" >/dev/null || fail "ai.runtimes lacks libcudart12 ${v%-*}: $(jq -c .ai.runtimes "$inv")"
jq -e '.ai.drivers | any(.kind == "dkms" and .name == "nvidia-current" and .version == "535.183.01")' \
  "$inv" >/dev/null || fail "ai.drivers lacks the DKMS tree"
jq -e '[.ai.python[] | "\(.name) \(.version) \(.installer)"] | sort ==
  ["torch 2.3.1 pip", "vllm 0.5.0.post1 pip"]' "$inv" >/dev/null ||
  fail "ai.python: $(jq -c .ai.python "$inv")"
jq -e '.ai.servers == [{"kind": "vllm", "service": "vllm.service", "notebook": false,
  "model": "/srv/models/llama-3-8b", "evidence": .ai.servers[0].evidence}]' "$inv" >/dev/null ||
  fail "ai.servers: $(jq -c .ai.servers "$inv")"
jq -e '.ai.models == [{"path": "/srv/models/llama-3-8b/model.safetensors", "format": "safetensors",
  "size_bytes": 1073741824, "service": "vllm.service"}]' "$inv" >/dev/null ||
  fail "ai.models: $(jq -c .ai.models "$inv")"
ok "inventory: the GPU passed through (0x10de:0x1db4, 64 GB MMIO), the driver and CUDA packages at dpkg-query's versions, DKMS, torch and vllm, the vLLM server and its 1 GiB model"

# --- the verdict is not lowered by the driver --------------------------
jq -e '.fitness.verdict == "good"' "$rep" >/dev/null ||
  fail "verdict $(jq -r .fitness.verdict "$rep"), expected good (the demo's)"
if demo=$(converted_vm ova/demo.ova 2>/dev/null); then
  [ "$(jq -r .fitness.verdict "$demo/report.json")" = good ] || fail "the demo's verdict changed"
fi
jq -e '[.blockers[].rule] | (index("gpu-driver") != null) and (map(select(startswith("kernel-module"))) == [])' \
  "$inv" >/dev/null || fail "blockers: $(jq -c '[.blockers[] | {rule, severity}]' "$inv")"
ok "verdict good: the driver fires only the info rule gpu-driver"

# --- the vLLM Deployment ------------------------------------------------
kustomize "$out/k8s" >"$work/base.json"
jq -e '[.[] | select(.kind == "Deployment" and .metadata.name == "vllm")] | length == 1' "$work/base.json" >/dev/null ||
  fail "no vllm Deployment: $(jq -c '[.[] | "\(.kind)/\(.metadata.name)"]' "$work/base.json")"
d='.[] | select(.kind == "Deployment" and .metadata.name == "vllm") | .spec.template.spec'
jq -e "$d | .containers[0].resources.limits[\"nvidia.com/gpu\"] == 1 and .nodeSelector == {\"nvidia.com/gpu.present\": \"true\"}" \
  "$work/base.json" >/dev/null || fail "the vllm pod: $(jq -c "$d | {limits: .containers[0].resources.limits, nodeSelector}" "$work/base.json")"
jq -e '[.[] | .spec.template.spec // .spec.jobTemplate.spec.template.spec // empty | .containers[].resources.limits // {} | keys[] | select(contains("gpu"))] | length == 1' \
  "$work/base.json" >/dev/null || fail "a component other than vllm requests a GPU"
NODE_PATH=$js/node_modules node "$top_srcdir/tests/js/validate-k8s.js" "$work/kustomized.yaml" >"$work/v.out" 2>&1 ||
  { cat "$work/v.out" >&2; fail "the base's objects do not validate"; }
ok "the vllm Deployment requests nvidia.com/gpu: 1 on nodes labelled nvidia.com/gpu.present; the base validates"

# --- the layers: no driver, no model; CUDA in its own ----------------
driver_files=$work/driver-files
for p in nvidia-driver nvidia-kernel-dkms libcuda1; do
  cat "$adm/info/$p.list"
done | while read -r f; do
  [ -d "$f" ] 2>/dev/null && continue
  printf '%s\n' "$f"
done | sort -u >"$driver_files"
# directories of the packages are shared (/usr, /usr/lib/...): only the
# entries no other package lists, and their files
grep -v -x -F -f <(cat "$adm"/info/*.list | sort | uniq -d) "$driver_files" >"$work/driver-own" || true
[ "$(wc -l <"$work/driver-own")" -ge 5 ] || fail "too few driver files from dpkg: $(cat "$work/driver-own")"
awk -F'\t' '$2 == "f" {print $3}' "$work/layers.tsv" | sort -u >"$work/image-files"
leak=$(comm -12 "$work/driver-own" "$work/image-files")
[ -z "$leak" ] || fail "driver files in the image: $leak"
grep -E $'\t/(var/lib/dkms/nvidia|lib/modules/.*nvidia|usr/src/nvidia)' "$work/layers.tsv" &&
  fail "DKMS's tree or the modules are in the image"
grep -q 'safetensors' "$work/layers.tsv" && fail "the model is in a layer"
# (the volume's directory stays, empty: the mount point)
grep -q $'\tf\t/srv/models/' "$work/layers.tsv" && fail "a file of the models directory is in a layer"
cudart=$(grep -v -x -F -f <(cat "$adm"/info/*.list | sort | uniq -d) "$adm/info/libcudart12.list" |
  grep -v '^/usr/share/doc' | sort)
incuda=$(awk -F'\t' '$1 == "cuda" && $2 == "f" {print $3}' "$work/layers.tsv" | sort)
[ -n "$cudart" ] && [ "$incuda" = "$cudart" ] ||
  fail "the cuda layer holds: $incuda; libcudart12's libraries are: $cudart"
awk -F'\t' '$1 != "cuda" && $2 == "f"' "$work/layers.tsv" | grep -q libcudart.so && fail "libcudart outside the cuda layer"
ok "no layer holds the driver's $(wc -l <"$work/driver-own") files (dpkg's lists), DKMS's tree or the model; the cuda layer holds libcudart12's libraries and nothing else"

# --- the driver's packages are out of the image's database and SBOMs ------
drivers='["libcuda1","nvidia-driver","nvidia-kernel-dkms"]'
jq -e --argjson d "$drivers" '.image.left_out_packages == $d' "$plan" >/dev/null ||
  fail "plan image.left_out_packages: $(jq -c .image.left_out_packages "$plan")"
for p in nvidia-driver nvidia-kernel-dkms libcuda1; do
  dpkg-query --admindir="$img_adm" -W "$p" >/dev/null 2>&1 && fail "the image's dpkg database lists $p"
  grep -qE $'\t/var/lib/dpkg/info/'"$p"'[.:]' "$work/layers.tsv" && fail "$p's dpkg info files are in the image"
done
# the rest of the guest's database is there, stanza for stanza
python3 - "$adm/status" "$img_adm/status" "$drivers" <<'EOF' || fail "the image's dpkg status is not the guest's without the driver"
import json, sys
def stanzas(p):
    return [s.strip("\n") for s in open(p).read().split("\n\n") if s.strip()]
guest, image, drop = stanzas(sys.argv[1]), stanzas(sys.argv[2]), set(json.loads(sys.argv[3]))
def name(s): return [l.split(":", 1)[1].strip() for l in s.split("\n") if l.startswith("Package:")][0]
want = [s for s in guest if name(s) not in drop]
assert image == want, (len(image), len(want), set(map(name, want)) ^ set(map(name, image)))
assert any(name(s) == "libcudart12" for s in image) and len(guest) - len(image) == len(drop)
EOF
[ "$(dpkg-query --admindir="$img_adm" -W -f '${Version}' libcudart12)" = "$(dpkgv libcudart12)" ] ||
  fail "the image's dpkg database lost libcudart12"
jq -e --argjson d "$drivers" '[.packages[].name] | (index("libcudart12") != null) and ([.[] | select(IN($d[]))] == [])' \
  "$out/sbom.spdx.json" >/dev/null || fail "the SPDX SBOM names the driver or lacks libcudart12"
jq -e --argjson d "$drivers" '[.components[].name] | (index("libcudart12") != null) and ([.[] | select(IN($d[]))] == [])' \
  "$out/sbom.cdx.json" >/dev/null || fail "the CycloneDX SBOM names the driver or lacks libcudart12"
ok "the driver's packages are out of the image's dpkg database (the rest is the guest's, stanza for stanza), its info files and both SBOMs; libcudart12 stays"

# --- the model on a volume -------------------------------------------
jq -e '.image.volumes | any(.path == "/srv/models/llama-3-8b" and .service == "vllm.service" and .used_bytes >= 1073741824)' \
  "$plan" >/dev/null || fail "the plan has no volume for the models: $(jq -c .image.volumes "$plan")"
claim=$(jq -r "$d | .volumes[] | select(.persistentVolumeClaim) | .persistentVolumeClaim.claimName" "$work/base.json")
mount=$(jq -r "$d | .containers[0].volumeMounts[] | select(.mountPath == \"/srv/models/llama-3-8b\") | .name" "$work/base.json")
[ -n "$claim" ] && [ -n "$mount" ] || fail "vllm does not mount a claim at /srv/models/llama-3-8b"
size=$(jq -r --arg c "$claim" '.[] | select(.kind == "PersistentVolumeClaim" and .metadata.name == $c) | .spec.resources.requests.storage' "$work/base.json")
python3 -c 'import sys; s = sys.argv[1]; n = int(s[:-2]) * {"Mi": 2**20, "Gi": 2**30, "Ti": 2**40}[s[-2:]]; sys.exit(n < 2**30)' "$size" ||
  fail "the models' claim is $size, less than the model's 1 GiB"
ok "the model is on the claim $claim ($size) mounted at /srv/models/llama-3-8b"

# --- the report's AI/GPU section ----------------------------------------
jq -e '.ai.gpus == [{"kind": "passthrough", "vendor": "nvidia", "model": "0x10de:0x1db4", "source": "pciPassthru0"}]
  and (.ai.requests | map("\(.component) \(.resource) \(.count)")) == ["vllm nvidia.com/gpu 1"]
  and (.ai.models | map("\(.path) \(.size_bytes) \(.goes_to)")) == ["/srv/models/llama-3-8b/model.safetensors 1073741824 the persistent volume at /srv/models/llama-3-8b"]
  and .ai.node.driver_min == "535.54.03" and .ai.node.cuda == "12.2" and .ai.node.driver_in_image == false' "$rep" >/dev/null ||
  fail "report ai: $(jq -c .ai "$rep")"
for want in "driver nvidia-driver 535.183.01" "driver nvidia-kernel-dkms 535.183.01" "runtime libcudart12 12.2.140~12.2.2" \
  "framework torch 2.3.1" "framework vllm 0.5.0.post1" "server vllm null"; do
  jq -e --arg w "$want" '[.ai.software[] | "\(.kind) \(.name) \(.version)"] | index($w) != null' "$rep" >/dev/null ||
    fail "report ai.software lacks '$want': $(jq -c '[.ai.software[] | "\(.kind) \(.name) \(.version)"]' "$rep")"
done
for f in report.md report.html; do
  for s in "AI/GPU" "nvidia.com/gpu" "535.54.03" "model.safetensors" "1.0 GiB" "torch" "vllm" "0x10de:0x1db4"; do
    grep -qF -- "$s" "$out/$f" || fail "$f's AI/GPU section lacks '$s'"
  done
done
ok "the report's AI/GPU section: the GPU, the request, driver, CUDA, torch, vllm, the model's size and volume, the node's driver >= 535.54.03"

# --- each --gpu-sharing mode ---------------------------------------------
for m in exclusive time-slicing mig:3g.40gb; do
  "$plantool" -q --gpu-sharing "$m" --gpu-tolerate --gpu-runtime-class nvidia "$inv" -o "$work/plan-$m.json" ||
    fail "v2c-plan --gpu-sharing $m"
  "$manifest" -q "$work/plan-$m.json" -o "$work/k8s-$m" || fail "v2c-manifest ($m)"
  kustomize "$work/k8s-$m" >"$work/m.json"
  files=("$work/kustomized.yaml")
  [ "$m" = time-slicing ] && files+=("$work/k8s-$m"/gpu/*.yaml)
  NODE_PATH=$js/node_modules node "$top_srcdir/tests/js/validate-k8s.js" "${files[@]}" >"$work/v.out" 2>&1 ||
    { cat "$work/v.out" >&2; fail "--gpu-sharing $m: an object does not validate"; }
  case $m in
    mig:*) want=nvidia.com/mig-3g.40gb ;;
    *) want=nvidia.com/gpu ;;
  esac
  jq -e --arg r "$want" "$d | .containers[0].resources.limits[\$r] == 1 and .runtimeClassName == \"nvidia\"
    and .tolerations == [{\"key\": \"nvidia.com/gpu\", \"operator\": \"Exists\", \"effect\": \"NoSchedule\"}]" \
    "$work/m.json" >/dev/null || fail "--gpu-sharing $m: $(jq -c "$d | {l: .containers[0].resources.limits, runtimeClassName, tolerations}" "$work/m.json")"
  if [ "$m" = time-slicing ]; then
    python3 - "$work/k8s-$m/gpu/configmap-v2c-time-slicing.yaml" <<'EOF' || fail "the time-slicing ConfigMap"
import sys, yaml
cm = yaml.safe_load(open(sys.argv[1]))
cfg = yaml.safe_load(cm["data"]["any"])
r = cfg["sharing"]["timeSlicing"]["resources"][0]
assert cm["metadata"]["namespace"] == "gpu-operator" and r["name"] == "nvidia.com/gpu" and r["replicas"] >= 2, cm
EOF
    grep -q 'gpu/' "$work/k8s-$m/kustomization.yaml" && fail "the time-slicing ConfigMap is in the kustomization"
  else
    [ ! -e "$work/k8s-$m/gpu" ] || fail "--gpu-sharing $m wrote gpu/"
  fi
done
ok "--gpu-sharing exclusive, time-slicing (with the device plugin's ConfigMap) and mig:3g.40gb: the manifests build and validate, with the runtime class and the toleration asked for"

# --- kept as a VM: KubeVirt's GPU device ----------------------------------
"$plantool" -q --target vm "$inv" -o "$work/plan-vm.json" || fail "v2c-plan --target vm"
"$manifest" -q "$work/plan-vm.json" -o "$work/k8s-vm" || fail "v2c-manifest (vm)"
kubectl kustomize "$work/k8s-vm" >"$work/vm.yaml" || fail "kubectl kustomize (vm)"
yaml2json "$work/vm.yaml" | jq -e '.[] | select(.kind == "VirtualMachine") | .spec.template.spec.domain.devices.gpus ==
  [{"name": "gpu0", "deviceName": "nvidia.com/10de_1db4"}]' >/dev/null ||
  fail "the VirtualMachine's gpus: $(yaml2json "$work/vm.yaml" | jq -c '.[] | select(.kind == "VirtualMachine") | .spec.template.spec.domain.devices.gpus')"
grep -q 'pciVendorSelector 10DE:1DB4' "$work/k8s-vm"/virtualmachine-*.yaml || fail "the VirtualMachine does not say which host device to permit"
if [ -x "$js/node_modules/.bin/tsc" ]; then
  check=$(mktemp -d "$js/check.XXXXXX")
  on_exit "rm -rf '$check'"
  NODE_PATH=$js/node_modules node "$top_srcdir/tests/js/kubevirt-ts.js" "$work/vm.yaml" >"$check/objects.ts" || fail "kubevirt-ts.js"
  (cd "$check" && "$js/node_modules/.bin/tsc" --strict --noEmit --skipLibCheck \
    --target es2022 --module nodenext --moduleResolution nodenext objects.ts) >"$work/tsc.log" 2>&1 ||
    { cat "$work/tsc.log" >&2; fail "the VirtualMachine with its GPU does not type-check"; }
fi
ok "kept as a VM: devices.gpus names nvidia.com/10de_1db4 (type-checks against KubeVirt's API types)"

# --- a host tree of the VM: the image's layers, the model's seed ---------
# (v2c-extract --root reads it as it reads a guest: the same walker and
# writers over the host-directory view, without a second appliance)
extract=$top_builddir/tools/v2c-extract
tree=$work/tree
mkdir -p "$tree" "$work/seed"
python3 - "$out/image" >"$work/blobs" <<'EOF' || fail "can't list the image's layers"
import json, os, sys
lay = sys.argv[1]
idx = json.load(open(os.path.join(lay, "index.json")))
def blob(d): return os.path.join(lay, "blobs/sha256", d.split(":")[1])
for m in idx["manifests"]:
    ref = m["annotations"]["org.opencontainers.image.ref.name"]
    man = json.load(open(blob(m["digest"])))
    for i, l in enumerate(man["layers"]):
        # the image's layers; of the data image, its seed layers
        if not ref.endswith("-data") or i > 0:
            print(("seed" if ref.endswith("-data") else "image") + "\t" + blob(l["digest"]))
EOF
while IFS=$'\t' read -r kind b; do
  dest=$tree
  [ "$kind" = seed ] && dest=$work/seed
  tar -xf "$b" -C "$dest" --numeric-owner --same-permissions --same-owner ||
    fail "can't unpack $b"
done <"$work/blobs"
mdir=/srv/models/llama-3-8b
vol=$(jq -r --arg p "$mdir" '.image.volumes[] | select(.path == $p) | .data.name' "$plan")
[ -f "$work/seed/v2c-data/$vol/model.safetensors" ] || fail "the model is not in the data image's seed layer"
rmdir "$tree$mdir" && mv "$work/seed/v2c-data/$vol" "$tree$mdir" || fail "can't place the model in the tree"

# --- the cuda layer is shared ----------------------------------------------
layer_digest () {  # IMAGE-DIR LAYER-NAME: its digest (the history names it)
  python3 - "$1" "$2" <<'EOF'
import json, os, sys
lay, name = sys.argv[1], sys.argv[2]
idx = json.load(open(os.path.join(lay, "index.json")))
m = idx["manifests"][0]
man = json.load(open(os.path.join(lay, "blobs/sha256", m["digest"].split(":")[1])))
cfg = json.load(open(os.path.join(lay, "blobs/sha256", man["config"]["digest"].split(":")[1])))
hist = [h for h in cfg["history"] if not h.get("empty_layer")]
for h, l in zip(hist, man["layers"]):
    if h.get("created_by") == "v2c-extract: %s layer" % name:
        print(l["digest"])
EOF
}
"$extract" -q --plan "$plan" --root "$tree" -o "$work/image-a" 2>"$work/extract.err" ||
  { cat "$work/extract.err" >&2; fail "v2c-extract --root (a)"; }
# the same CUDA files in a VM whose directories are younger and whose
# application is another
touch -d '2031-01-01 00:00' "$tree/usr" "$tree/usr/lib" "$tree/usr/lib/x86_64-linux-gnu"
mkdir -p "$tree/opt/other-app" && echo other >"$tree/opt/other-app/README"
"$extract" -q --plan "$plan" --root "$tree" -o "$work/image-b" 2>"$work/extract.err" ||
  { cat "$work/extract.err" >&2; fail "v2c-extract --root (b)"; }
rm -r "$tree/opt/other-app"
ca=$(layer_digest "$work/image-a" cuda) cb=$(layer_digest "$work/image-b" cuda)
aa=$(layer_digest "$work/image-a" app) ab=$(layer_digest "$work/image-b" app)
[ -n "$ca" ] && [ -n "$aa" ] || fail "no cuda or app layer in the history: $(jq -c . "$work/image-a/index.json")"
[ "$ca" = "$cb" ] || fail "the cuda layers differ ($ca, $cb) for the same CUDA files"
# and it is the VM's own: directories of the guest with their own
# mtimes, read through the appliance
[ "$(layer_digest "$out/image" cuda)" = "$ca" ] ||
  fail "the VM's cuda layer $(layer_digest "$out/image" cuda) is not the tree's $ca"
[ "$aa" != "$ab" ] || fail "the app layers are the same blob though the apps differ"
ok "the cuda layer is the same blob ($ca) for the VM and for two host trees with the same CUDA files, other directory mtimes and another app"

# --- --models oci: the models as an OCI image of their own -------------------
"$plantool" -q --models oci "$inv" -o "$work/plan-oci.json" || fail "v2c-plan --models oci"
jq -e --arg p "$mdir" '[.components[] | select(.name == "vllm") | .volumes[] | select(.mount_path == $p)]
  | length == 1 and .[0].kind == "image" and .[0].size == null' "$work/plan-oci.json" >/dev/null ||
  fail "--models oci: the vllm volume at $mdir: $(jq -c '.components[] | select(.name == "vllm") | .volumes' "$work/plan-oci.json")"
"$extract" -q --plan "$work/plan-oci.json" --root "$tree" --plan-out "$work/plan-oci-out.json" \
  -o "$work/image-oci" 2>"$work/extract.err" || { cat "$work/extract.err" >&2; fail "v2c-extract --models oci"; }
node "$js/validate.js" "$top_srcdir/docs/plan.schema.json" "$work/plan-oci-out.json" >&2 ||
  fail "the --models oci plan does not validate against docs/plan.schema.json"
python3 - "$work/image-oci" "$work/plan-oci-out.json" "$mdir" <<'EOF' || fail "the models' image"
import json, os, sys, tarfile
lay, plan, mdir = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3]
def blob(d): return os.path.join(lay, "blobs/sha256", d.split(":")[1])
idx = json.load(open(os.path.join(lay, "index.json")))
refs = {m["annotations"]["org.opencontainers.image.ref.name"]: m["digest"] for m in idx["manifests"]}
data = [v["data"] for v in plan["image"]["volumes"] if v["path"] == mdir][0]
ref = data["image_ref"]
assert ref == "v2c-gpu-model-" + data["name"] and refs.get(ref) == data["image_manifest"], (refs, data)
assert set(refs) == {"v2c-gpu", ref}, refs          # --data none: no data image
man = json.load(open(blob(refs[ref])))
cfg = json.load(open(blob(man["config"]["digest"])))
assert len(man["layers"]) == 1 and cfg["config"] == {} and len(cfg["rootfs"]["diff_ids"]) == 1, (man, cfg)
with tarfile.open(blob(man["layers"][0]["digest"])) as t:
    ms = {m.name.lstrip("./"): m for m in t.getmembers()}
m = ms.get("model.safetensors")
assert m is not None and m.size == 1073741824 and m.uid == 106, sorted(ms)
assert not any(n.startswith("srv") for n in ms), sorted(ms)
# the image: no model, no VOLUME where the image volume goes
app = json.load(open(blob(refs["v2c-gpu"])))
acfg = json.load(open(blob(app["config"]["digest"])))
assert mdir not in acfg["config"].get("Volumes", {}), acfg["config"]
for l in app["layers"]:
    with tarfile.open(blob(l["digest"])) as t:
        bad = [x.name for x in t.getmembers() if x.name.endswith(".safetensors")]
        assert not bad, bad
EOF
"$manifest" -q --image "$work/image-oci" "$work/plan-oci-out.json" -o "$work/k8s-oci" || fail "v2c-manifest (--models oci)"
kustomize "$work/k8s-oci" >"$work/oci.json"
NODE_PATH=$js/node_modules node "$top_srcdir/tests/js/validate-k8s.js" "$work/kustomized.yaml" >"$work/v.out" 2>&1 ||
  { cat "$work/v.out" >&2; fail "--models oci: the base's objects do not validate"; }
mdigest=$(jq -r --arg p "$mdir" '.image.volumes[] | select(.path == $p) | .data.image_manifest' "$work/plan-oci-out.json")
jq -e --arg p "$mdir" --arg r "v2c-gpu-model-$vol@$mdigest" "$d | (.volumes[] | select(.image) | .image) == {\"reference\": \$r, \"pullPolicy\": \"IfNotPresent\"}
  and (.containers[0].volumeMounts[] | select(.mountPath == \$p) | .readOnly) == true
  and ([.initContainers[]? | select(.name | contains(\"models\"))] == [])" "$work/oci.json" >/dev/null ||
  fail "--models oci: the vllm pod: $(jq -c "$d | {volumes, m: .containers[0].volumeMounts}" "$work/oci.json")"
jq -e --arg p "$mdir" '[.[] | select(.kind == "PersistentVolumeClaim" and .metadata.annotations["v2c.io/data-dir"] == $p)] == []' \
  "$work/oci.json" >/dev/null || fail "--models oci: a claim for the models is left"
"$top_builddir/tools/v2c-report" -q "$inv" "$work/plan-oci-out.json" --image "$work/image-oci" -o "$work/report-oci" ||
  fail "v2c-report (--models oci)"
jq -e --arg g "the OCI image v2c-gpu-model-$vol, mounted read-only at $mdir" '.ai.models[0].goes_to == $g' \
  "$work/report-oci/report.json" >/dev/null || fail "--models oci: the report: $(jq -c .ai.models "$work/report-oci/report.json")"
ok "--models oci: the vllm pod mounts v2c-gpu-model-$vol@${mdigest:0:19}... read-only at $mdir (no claim); that image is one layer holding model.safetensors (1 GiB, uid 106) relative to the volume; the report says so"

# podman mounts the models' image where vLLM reads it, as a node would
if command -v podman >/dev/null && command -v skopeo >/dev/null && [ "$(id -u)" = 0 ]; then
  tag=v2c-gpu-test-$$
  on_exit "podman rmi -f localhost/$tag/app:1 localhost/$tag/model:1 >/dev/null 2>&1"
  skopeo copy -q "oci:$work/image-oci:v2c-gpu" "containers-storage:localhost/$tag/app:1" 2>"$work/skopeo.err" &&
    skopeo copy -q "oci:$work/image-oci:v2c-gpu-model-$vol" "containers-storage:localhost/$tag/model:1" 2>>"$work/skopeo.err" ||
    { cat "$work/skopeo.err" >&2; fail "skopeo can't copy the images"; }
  podman run --rm --network=none --ulimit nofile=20000:20000 --ulimit nproc=4096:4096 --entrypoint= \
    --mount="type=image,src=localhost/$tag/model:1,dst=$mdir" "localhost/$tag/app:1" \
    sh -c "stat -c '%s %u' $mdir/model.safetensors; touch $mdir/x 2>/dev/null && echo writable || echo read-only" \
    >"$work/podman.out" 2>"$work/podman.err" || { cat "$work/podman.err" >&2; fail "podman run with the models' image mounted"; }
  [ "$(cat "$work/podman.out")" = "1073741824 106
read-only" ] || fail "in the pod: $(cat "$work/podman.out")"
  ok "podman mounts the models' image at $mdir: model.safetensors is 1 GiB, owned by vllm (106), read-only"
else
  echo "# podman, skopeo or root missing: the models' image was not mounted" >&2
fi

# --- a VM without GPUs: no GPU member anywhere ----------------------------
# (golden.sh's conversions; its record proves their bytes unchanged)
for v in ova/demo.ova db/db.vmx; do
  c=$(converted_vm "$v" 2>/dev/null) || continue
  if ! jq -e '(.hardware | has("gpus") | not) and (has("ai") | not)' "$c/inventory.json" >/dev/null ||
    ! jq -e '[.components[] | has("gpu")] | any | not' "$c/plan.json" >/dev/null ||
    ! jq -e '(has("ai") | not) and ([.layers[].name] | index("cuda") == null)' "$c/report.json" >/dev/null ||
    grep -rqE 'nvidia|"gpus"|gpu:' "$c/k8s"; then
    fail "$v (no GPU) has a GPU member"
  fi
  ok "$v (no GPU): no gpus, ai, gpu member or cuda layer in its inventory, plan, report or manifests"
done
[ "$(source_digest "$src")" = "$before" ] || fail "the gpu fixture changed"
ok "the fixture is unchanged"
