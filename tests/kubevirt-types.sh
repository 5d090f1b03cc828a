#!/bin/bash
# The KubeVirt objects v2c-manifest writes type-check against the
# KubeVirt API's TypeScript types (npm @kubevirt-ui-ext/kubevirt-api,
# generated from KubeVirt's and CDI's OpenAPI definitions): the
# VirtualMachine and DataVolume of the Windows guest of
# tests/data/kubevirt and the VirtualMachine of the Linux VM made a VM
# with --target vm become object literals of those types, compiled with
# 'tsc --strict --noEmit'.  The same check on a copy with one field
# misspelled must fail, so the check is known to bite.  Their Services
# and NetworkPolicies validate against kubernetes-models.
. "${top_srcdir:?}/tests/manifest-lib.sh"
js=$("$top_srcdir/tests/setup-node.sh")
[ -x "$js/node_modules/.bin/tsc" ] || fail "typescript is not installed in '$js'"
[ -d "$js/node_modules/@kubevirt-ui-ext/kubevirt-api" ] || fail "@kubevirt-ui-ext/kubevirt-api is not installed in '$js'"
d=$top_srcdir/tests/data/kubevirt

"$plantool" -q "$d/windows-inventory.json" -o "$work/win.json" || fail "v2c-plan windows"
"$plantool" -q --target vm "$d/linux-inventory.json" -o "$work/lin.json" || fail "v2c-plan linux"
for p in win lin; do
  "$manifest" "$work/$p.json" -o "$work/$p" --registry registry.example/vm || fail "v2c-manifest $p"
  kubectl kustomize "$work/$p" >"$work/$p.yaml" || fail "kubectl kustomize $p"
done

# the module must sit under $js so that node_modules is found
check=$(mktemp -d "$js/check.XXXXXX")
on_exit "rm -rf '$check'"
tsc () {
  (cd "$check" && "$js/node_modules/.bin/tsc" --strict --noEmit --skipLibCheck \
    --target es2022 --module nodenext --moduleResolution nodenext "$1")
}
NODE_PATH=$js/node_modules node "$top_srcdir/tests/js/kubevirt-ts.js" "$work/win.yaml" "$work/lin.yaml" \
  >"$check/objects.ts" || fail "kubevirt-ts.js"
grep -q 'V1VirtualMachine = ' "$check/objects.ts" && grep -q 'V1beta1DataVolume = ' "$check/objects.ts" \
  || fail "objects.ts lacks a VirtualMachine or a DataVolume"
tsc objects.ts >"$work/tsc.log" 2>&1 || { cat "$work/tsc.log" >&2; fail "the KubeVirt objects do not type-check"; }
ok "the VirtualMachines and the DataVolume type-check (tsc --strict)"

# the core objects beside them (Services, NetworkPolicies) against the
# Kubernetes schemas of kubernetes-models
python3 - "$work/win.yaml" "$work/lin.yaml" >"$work/core.yaml" <<'EOF' || fail "can't split the core objects"
import sys, yaml
docs = [d for f in sys.argv[1:] for d in yaml.safe_load_all(open(f)) if d]
core = [d for d in docs if d["apiVersion"] in ("v1", "networking.k8s.io/v1")]
assert {d["kind"] for d in core} >= {"Service", "NetworkPolicy"}, [d["kind"] for d in core]
yaml.safe_dump_all(core, sys.stdout)
EOF
NODE_PATH=$js/node_modules node "$top_srcdir/tests/js/validate-k8s.js" "$work/core.yaml" \
  >"$work/core.log" 2>&1 || { cat "$work/core.log" >&2; fail "the VMs' Services or NetworkPolicies do not validate"; }
ok "the VMs' $(grep -c '^kind:' "$work/core.yaml") Services and NetworkPolicies validate against kubernetes-models"

sed 's/"macAddress"/"macAdress"/' "$check/objects.ts" >"$check/typo.ts"
tsc typo.ts >"$work/typo.log" 2>&1 && fail "a misspelled field (macAdress) type-checks"
grep -q macAdress "$work/typo.log" || fail "tsc failed, but not on the misspelled field: $(head -3 "$work/typo.log")"
sed 's/"cores": 4/"cores": "4"/' "$check/objects.ts" >"$check/type.ts"
tsc type.ts >/dev/null 2>&1 && fail "a string for cpu.cores type-checks"
ok "a misspelled field or a value of the wrong type fails the check"
