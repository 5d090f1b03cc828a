#!/bin/bash
# The KubeVirt target on two inventories (no appliance):
# tests/data/kubevirt/windows-inventory.json, a Windows Server guest
# (EFI, 4 CPUs, 8 GiB, a 60 GiB disk, two NICs) that --target auto keeps
# as a VM, and tests/data/kubevirt/linux-inventory.json, the demo Debian
# VM (BIOS, a 64 MiB disk) that auto makes containers and --target vm
# makes a VM.  Asserted on kubectl kustomize's output: the VirtualMachine
# (CPU, memory, firmware, q35, disk bus, NIC model and pinned MAC,
# runStrategy), containerDisk or DataVolume by disk size, a Service per
# port on the VM's pod labels, the NetworkPolicy; the plans of
# containers have no target; flipping the target in the plan flips the
# objects; the report shows the target and, for Windows, how to switch
# to virtio.
. "${top_srcdir:?}/tests/manifest-lib.sh"
report=$top_builddir/tools/v2c-report
d=$top_srcdir/tests/data/kubevirt

"$plantool" -q "$d/windows-inventory.json" -o "$work/win.json" || fail "v2c-plan windows"
jq -e '.target.kind == "vm" and (.target.reason | test("Windows"))' "$work/win.json" >/dev/null \
  || fail "auto keeps the Windows guest as a VM: $(jq -c .target "$work/win.json")"
ok "auto: the Windows guest stays a VM ($(jq -r .target.reason "$work/win.json"))"
"$plantool" -q "$d/linux-inventory.json" -o "$work/lin-auto.json" || fail "v2c-plan linux"
jq -e 'has("target") | not' "$work/lin-auto.json" >/dev/null || fail "auto gave the Linux VM a target"
"$plantool" -q --target container "$d/linux-inventory.json" -o "$work/lin-ct.json" || fail "v2c-plan --target container"
jq -e '.target.kind == "container"' "$work/lin-ct.json" >/dev/null || fail "--target container not recorded"
ok "auto: the containerisable Linux VM's plan has no target; --target container records one"
for rule in kernel-module-dkms:vm kernel-module-out-of-tree:vm desktop-session:container 32-bit-userland:container; do
  jq --arg r "${rule%:*}" '.blockers = [{"rule": $r, "severity": "high", "summary": $r, "evidence": ["/x"]}]' \
    "$d/linux-inventory.json" >"$work/poor.json"
  "$plantool" -q "$work/poor.json" -o "$work/poor-plan.json" || fail "v2c-plan with ${rule%:*}"
  [ "$(jq -r '.target.kind // "container"' "$work/poor-plan.json")" = "${rule#*:}" ] \
    || fail "a VM poor for ${rule%:*}: $(jq -c .target "$work/poor-plan.json")"
done
ok "auto: poor for kernel modules makes a VM; poor for other reasons does not"
"$plantool" -q --target vm "$d/linux-inventory.json" -o "$work/lin.json" || fail "v2c-plan --target vm"
rc=0; "$plantool" --target box "$d/linux-inventory.json" >/dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "--target box: exit $rc, not a usage error"

"$manifest" "$work/win.json" -o "$work/win" --registry registry.example/vm || fail "v2c-manifest windows"
kustomize "$work/win" >"$work/win-all.json"
"$manifest" "$work/lin.json" -o "$work/lin" --registry registry.example/vm || fail "v2c-manifest linux"
kustomize "$work/lin" >"$work/lin-all.json"
q () { f=$1; shift; jq -e "$@" "$f" >/dev/null || fail "$(echo "$@" | tr -s ' \n' ' ' | cut -c1-200)"; }

W=$work/win-all.json L=$work/lin-all.json
vm='.[] | select(.kind == "VirtualMachine" and .apiVersion == "kubevirt.io/v1")'
q "$W" "[$vm] | length == 1"
q "$W" "$vm | .spec.runStrategy == \"Always\" and (.spec.template.spec.domain
   | .cpu.cores == 4 and .cpu.sockets == 1 and .memory.guest == \"8192Mi\"
     and .machine.type == \"q35\" and .firmware.bootloader.efi.secureBoot == false
     and (.devices.disks | map(.disk.bus)) == [\"sata\"]
     and (.devices.interfaces | map(.model)) == [\"e1000e\", \"e1000e\"]
     and (.devices.interfaces | map(.macAddress)) == [\"00:50:56:ab:cd:01\", \"00:50:56:ab:cd:02\"]
     and (.devices.interfaces[0].masquerade != null) and (.devices.interfaces[1].bridge != null))"
ok "Windows VirtualMachine: 4 cores, 8192Mi, EFI, q35, SATA disk, e1000e NICs with their MACs"
q "$W" "$vm | .spec.template.spec | (.networks | map(.multus.networkName // \"pod\")) == [\"pod\", \"backup-lan\"]
   and .volumes[0].dataVolume.name == \"win-app-disk0\""
q "$W" '.[] | select(.kind == "DataVolume" and .apiVersion == "cdi.kubevirt.io/v1beta1" and .metadata.name == "win-app-disk0")
   | .spec.source.upload == {} and .spec.storage.resources.requests.storage == "60Gi"'
ok "Windows: the 60 GiB disk is a DataVolume with an upload source"
q "$W" '[.[] | select(.kind == "Service") | .spec.ports[].port] | sort == [443, 3389]'
q "$W" "($vm | .spec.template.metadata.labels) as \$l | [.[] | select(.kind == \"Service\") | .spec.selector
   | to_entries | all(\$l[.key] == .value)] | all"
q "$W" '[.[] | select(.kind == "NetworkPolicy") | .spec.ingress[0].ports | map(.port) | sort] == [[443, 3389]]'
ok "Windows: a Service per port but loopback's, selecting the VM's pod labels, and a NetworkPolicy"
q "$W" '[.[] | select(.kind == "Deployment" or .kind == "StatefulSet")] | length == 0'

q "$L" "$vm | .spec.template.spec | .domain.firmware.bootloader.bios == {} and .domain.cpu.cores == 2
   and .domain.memory.guest == \"2048Mi\"
   and (.domain.devices.disks | map(.disk.bus)) == [\"virtio\"]
   and .domain.devices.interfaces == [{\"name\": \"default\", \"masquerade\": {}, \"model\": \"virtio\", \"macAddress\": \"00:50:56:01:02:03\"}]
   and .volumes[0].containerDisk.image == \"registry.example/vm/demo-vm-disk:latest\""
ok "Linux (--target vm): BIOS, virtio disk and NIC with its MAC, a containerDisk image"
q "$L" '[.[] | select(.kind == "DataVolume")] | length == 0'
q "$L" '[.[] | select(.kind == "Service") | .spec.ports[].port] | sort == [22, 80, 8080]'
q "$L" '[.[] | select(.kind == "Deployment")] | length == 0'

# flip the target by editing the plan
jq '.target.kind = "container"' "$work/lin.json" >"$work/flip.json"
"$manifest" "$work/flip.json" -o "$work/flip" || fail "v2c-manifest on the flipped plan"
kustomize "$work/flip" >"$work/flip-all.json"
q "$work/flip-all.json" '[.[] | select(.kind == "VirtualMachine")] | length == 0'
q "$work/flip-all.json" '[.[] | select(.kind == "Deployment")] | length >= 1'
jq '.target = {"kind": "vm", "reason": "by hand"}' "$work/lin-auto.json" >"$work/flip2.json"
"$manifest" "$work/flip2.json" -o "$work/flip2" || fail "v2c-manifest on a plan made a VM by hand"
kustomize "$work/flip2" >"$work/flip2-all.json"
q "$work/flip2-all.json" "$vm | .spec.template.spec.volumes[0].containerDisk.image == \"demo-vm-disk:latest\""
ok "editing the plan's target flips the objects both ways"
jq '.target.nics[0].mac = "00:50:56:zz:02:03"' "$work/lin.json" >"$work/badmac.json"
"$manifest" "$work/badmac.json" -o "$work/badmac" 2>"$work/badmac.err" && fail "a bad MAC address was taken"
grep -q "target.nics\[0\].mac" "$work/badmac.err" || fail "bad MAC: $(cat "$work/badmac.err")"
ok "a bad MAC address in the plan is refused, by its path"

"$report" -q "$d/windows-inventory.json" "$work/win.json" -o "$work/rep" || fail "v2c-report"
jq -e '.target.kind == "vm" and (.target.advice | any(test("virtio-win")))' "$work/rep/report.json" >/dev/null \
  || fail "report.json: $(jq -c .target "$work/rep/report.json")"
grep -q '^## Target' "$work/rep/report.md" && grep -q 'virtio' "$work/rep/report.md" || fail "report.md has no target"
"$report" -q "$d/linux-inventory.json" "$work/lin-auto.json" -o "$work/rep2" || fail "v2c-report linux"
jq -e 'has("target") | not' "$work/rep2/report.json" >/dev/null || fail "a containerisable VM's report has a target"
ok "the report shows the target and how to switch Windows to virtio; none for containers"

# v2c-verify runs container workloads only: a VM's DIR is refused, by name
mkdir -p "$work/vmdir" && cp -a "$work/win" "$work/vmdir/k8s"
rc=0
"$top_builddir/tools/v2c-verify" -q "$work/vmdir" 2>"$work/verify.err" || rc=$?
[ $rc -eq 1 ] || fail "v2c-verify on a VM's DIR: exit $rc, expected 1"
grep -q "has a VirtualMachine" "$work/verify.err" || fail "v2c-verify on a VM's DIR: $(cat "$work/verify.err")"
ok "v2c-verify refuses a VM's DIR (exit 1) rather than passing with nothing run"
