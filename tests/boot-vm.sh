#!/bin/bash
# v2c-convert --target vm on a REAL bootable VMware-style Debian guest
# (tests/make-bootable.sh, cached: an initramfs without virtio, root and
# fstab on /dev/sda1, a data disk mounted by /dev/sdb1, open-vm-tools
# enabled, a static address on ens192), proven by booting it under qemu
# (TCG):
#  1. the unconverted disk does not boot with virtio-blk (the initramfs
#     can't find its root);
#  2. v2c-convert --target vm converts it; the source OVA is unchanged;
#  3. the containerDisk image (the boot disk) is accepted by skopeo and
#     umoci and holds exactly one qcow2 under /disk, owned 107:107, that
#     qemu-img check accepts; the data disk is a qcow2 in DIR/disks for
#     its DataVolume; the manifests build with kubectl kustomize and the
#     VirtualMachine and DataVolume type-check against KubeVirt's API
#     types, the NetworkPolicy validates against kubernetes-models;
#  4. the converted disk, taken out of the image, boots under qemu with
#     exactly the devices the VirtualMachine declares (machine, disk bus,
#     NIC model and MAC, firmware) and the data disk: the marker unit
#     reports the static address on the interface with the pinned MAC,
#     open-vm-tools masked and not running, and the data disk mounted;
#  5. the report says what was changed in the guest.
# Under the sanitizers it skips, as the other whole-VM conversions do
# (golden.sh, batch-fleet.sh): an appliance conversion is minutes of
# qemu and seconds of v2c's code, whose parts test-vm and the fuzz
# target run under ASan; V2C_BOOT_VM_SANITIZED=1 runs the conversion
# (not the boots) anyway.
. "${top_srcdir:?}/tests/lib.sh"
[ -n "${V2C_SANITIZED:-}" ] && [ -z "${V2C_BOOT_VM_SANITIZED:-}" ] &&
  skip "V2C_SANITIZED=1: appliance conversions are too slow under ASan (V2C_BOOT_VM_SANITIZED=1 runs it)"
need_tools qemu-system-x86_64 qemu-img skopeo umoci jq kubectl python3
cache=$("$top_srcdir/tests/make-bootable.sh") || fail "could not build the bootable guest"
. "$cache/boot.env"
ova=$cache/boot.ova
work=$(tmpdir boot-vm)
convert=$top_builddir/tools/v2c-convert
qemu_pids=()
on_exit 'for p in "${qemu_pids[@]}"; do kill -9 "$p" 2>/dev/null; done'

# boot NAME DISK DEVICES...: qemu (TCG) on DISK with the given -device
# arguments; waits until the serial console shows the marker's end or
# the initramfs' "ALERT!" (or TIMEOUT s), then stops it.  The console is
# $work/NAME.serial.
boot () {
  local name=$1 disk=$2 log=$work/$1.serial pid t=0 limit=${TIMEOUT:-420}
  shift 2
  : >"$log"
  qemu-system-x86_64 -accel tcg -machine q35 -m 1024 -smp 1 -display none \
    -no-reboot -serial "file:$log" -monitor none -nodefaults \
    -drive "file=$disk,format=qcow2,if=none,id=disk0" \
    -drive "file=$work/$name-data.qcow2,format=qcow2,if=none,id=disk1" "$@" \
    -netdev user,id=net0 >"$work/$name.qemu.log" 2>&1 &
  pid=$!
  qemu_pids+=("$pid")
  while kill -0 "$pid" 2>/dev/null && [ $t -lt "$limit" ]; do
    if grep -q -e 'V2C-MARKER-END' -e 'ALERT!' "$log"; then break; fi
    sleep 2
    t=$((t + 2))
  done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
  echo "# $name: stopped after ${t} s" >&2
}

before=$(sha256sum <"$ova")
tar -C "$work" -xf "$ova" v2c-boot-disk1.vmdk v2c-boot-disk2.vmdk || fail "can't read the OVA"

if [ -z "${V2C_SANITIZED:-}" ]; then
  # 1. as exported: virtio-blk finds no root
  qemu-img create -q -f qcow2 -F vmdk -b "$work/v2c-boot-disk1.vmdk" "$work/unconverted.qcow2"
  qemu-img create -q -f qcow2 -F vmdk -b "$work/v2c-boot-disk2.vmdk" "$work/unconverted-data.qcow2"
  boot unconverted "$work/unconverted.qcow2" -device virtio-blk-pci,drive=disk0 \
    -device virtio-blk-pci,drive=disk1 -device "virtio-net-pci,netdev=net0,mac=$mac"
  if grep -q 'V2C-MARKER-END' "$work/unconverted.serial"; then
    fail "the unconverted disk booted on virtio: the fixture proves nothing"
  fi
  grep -q -e 'ALERT!' -e 'Gave up waiting for root' "$work/unconverted.serial" \
    || { tail -20 "$work/unconverted.serial" >&2; fail "the unconverted disk did not fail the way a missing virtio driver does"; }
  ok "unconverted, the VMware guest does not find its root disk on virtio-blk"
fi

# 2. the conversion
"$convert" -q --target vm -o "$work/out" "$ova" 2>"$work/convert.err" \
  || { cat "$work/convert.err" >&2; fail "v2c-convert --target vm failed"; }
[ "$(sha256sum <"$ova")" = "$before" ] || fail "the source OVA changed"
[ ! -e "$work/out/.v2c-overlays" ] || fail "the overlays were left in the output"
[ "$(jq -r .target.kind "$work/out/plan.json")" = vm ] || fail "the plan's target is not vm"
ok "v2c-convert --target vm converted the OVA, which is unchanged"

# 3. the containerDisk image
ref=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$work/out/image/index.json")
[ "$ref" = v2c-boot-disk:latest ] || fail "containerDisk ref '$ref'"
skopeo inspect "oci:$work/out/image:$ref" >"$work/skopeo.json" || fail "skopeo rejects the containerDisk"
[ "$(jq '.Layers | length' "$work/skopeo.json")" = 1 ] || fail "the containerDisk has not one layer"
umoci unpack --image "$work/out/image:$ref" "$work/bundle" >/dev/null 2>&1 || fail "umoci rejects the containerDisk"
(cd "$work/bundle/rootfs" && find . -mindepth 1 | sort) >"$work/files"
[ "$(cat "$work/files")" = "$(printf './disk\n./disk/disk0.qcow2')" ] \
  || fail "the containerDisk holds more than /disk/disk0.qcow2: $(head -5 "$work/files" | tr '\n' ' ')"
disk=$work/bundle/rootfs/disk/disk0.qcow2
[ "$(stat -c %u:%g "$disk")" = 107:107 ] || fail "the qcow2 is owned by $(stat -c %u:%g "$disk"), not 107:107"
qemu-img check -q "$disk" || fail "qemu-img check rejects the converted disk"
[ "$(qemu-img info --output=json "$disk" | jq -r .format)" = qcow2 ] || fail "the converted disk is not qcow2"
ok "the containerDisk: skopeo and umoci accept it; one qcow2 under /disk, 107:107, qemu-img check clean"

kubectl kustomize "$work/out/k8s" >"$work/all.yaml" || fail "kubectl kustomize rejects the base"
# the VirtualMachine's devices, as qemu arguments
python3 - "$work/all.yaml" >"$work/devices" 2>"$work/dv" <<'EOF' || fail "the VirtualMachine lacks what the boot needs: $(cat "$work/dv")"
import sys, yaml
vm = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "VirtualMachine"]
assert len(vm) == 1, "one VirtualMachine"
spec = vm[0]["spec"]["template"]["spec"]
dom = spec["domain"]
assert dom["machine"]["type"] == "q35", "machine q35"
assert "bios" in dom["firmware"]["bootloader"], "BIOS firmware"
disks = dom["devices"]["disks"]
assert [d["disk"]["bus"] for d in disks] == ["virtio", "virtio"], "two virtio disks"
vols = {v["name"]: v for v in spec["volumes"]}
assert "@sha256:" in vols[disks[0]["name"]]["containerDisk"]["image"], "the boot disk a containerDisk pinned by digest"
dv = vols[disks[1]["name"]]["dataVolume"]["name"]
assert [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "DataVolume" and d["metadata"]["name"] == dv], "the DataVolume"
ifs = dom["devices"]["interfaces"]
assert len(ifs) == 1 and ifs[0]["model"] == "virtio", "one virtio NIC"
print("virtio-blk-pci,drive=disk0")
print("virtio-blk-pci,drive=disk1")
print("virtio-net-pci,netdev=net0,mac=" + ifs[0]["macAddress"])
print("datavolume " + dv, file=sys.stderr)
EOF
grep -qx "virtio-net-pci,netdev=net0,mac=$mac" "$work/devices" || fail "the VirtualMachine does not pin the MAC $mac"
dv=$(sed -n 's/^datavolume //p' "$work/dv")
data=$work/out/disks/$dv.qcow2
[ -f "$data" ] || fail "no $data for the DataVolume $dv: $(ls "$work/out/disks" 2>&1)"
qemu-img check -q "$data" || fail "qemu-img check rejects the data disk"
jq -e --arg f "disks/$dv.qcow2" '.target.disks | map(test("DataVolume.*virtctl image-upload dv .*--image-path=" + $f)) | any' \
  "$work/out/report.json" >/dev/null || fail "the report does not say how to upload the data disk"
ok "the data disk: $dv.qcow2 in disks/ for its DataVolume, with the upload command in the report"
js=$("$top_srcdir/tests/setup-node.sh") || fail "no Node.js modules for the checks"
python3 - "$work/all.yaml" >"$work/core.yaml" <<'EOF' || fail "can't split the core objects"
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
core = [d for d in docs if d["apiVersion"] in ("v1", "networking.k8s.io/v1")]
assert core, "no Service or NetworkPolicy"
yaml.safe_dump_all(core, sys.stdout)
EOF
NODE_PATH=$js/node_modules node "$top_srcdir/tests/js/validate-k8s.js" "$work/core.yaml" \
  >"$work/core.log" 2>&1 || { cat "$work/core.log" >&2; fail "the VM's core objects do not validate against kubernetes-models"; }
if [ -x "$js/node_modules/.bin/tsc" ]; then
  check=$(mktemp -d "$js/check.XXXXXX")
  on_exit "rm -rf '$check'"
  NODE_PATH=$js/node_modules node "$top_srcdir/tests/js/kubevirt-ts.js" "$work/all.yaml" \
    >"$check/objects.ts" || fail "kubevirt-ts.js"
  (cd "$check" && "$js/node_modules/.bin/tsc" --strict --noEmit --skipLibCheck \
    --target es2022 --module nodenext --moduleResolution nodenext objects.ts) >"$work/tsc.log" 2>&1 \
    || { cat "$work/tsc.log" >&2; fail "the converted VM's objects do not type-check"; }
  ok "the base builds; the VirtualMachine and DataVolume type-check against KubeVirt's API types, the core objects validate"
else
  ok "the base builds, the core objects validate (no TypeScript here: the type check is tests/kubevirt-types.sh's)"
fi

# 5. the report
jq -e '.target.guest.changed | map(select(test("initramfs regenerated"))) | length == 1' \
  "$work/out/report.json" >/dev/null || fail "the report does not say the initramfs was regenerated"
jq -e '.target.guest.removed | map(select(startswith("open-vm-tools.service: masked"))) | length == 1' \
  "$work/out/report.json" >/dev/null || fail "the report does not say open-vm-tools was masked"
jq -e --arg m "$mac" '.target.guest.changed | map(select(startswith("ens192: the NIC with MAC " + $m))) | length == 1' \
  "$work/out/report.json" >/dev/null || fail "the report does not say ens192 keeps its name"
grep -q "What v2c-convert changed in the guest" "$work/out/report.html" || fail "report.html lacks the guest conversion"
ok "the report says what was changed in the guest"

if [ -n "${V2C_SANITIZED:-}" ]; then
  ok "under the sanitizers: no boot"
  exit 0
fi

# 4. boot the converted disk with the VirtualMachine's devices
qemu-img create -q -f qcow2 -F qcow2 -b "$disk" "$work/converted.qcow2"
qemu-img create -q -f qcow2 -F qcow2 -b "$data" "$work/converted-data.qcow2"
args=()
while read -r d; do args+=(-device "$d"); done <"$work/devices"
boot converted "$work/converted.qcow2" "${args[@]}"
grep -q 'V2C-MARKER-END' "$work/converted.serial" \
  || { tail -30 "$work/converted.serial" >&2; fail "the converted VM did not boot to the marker"; }
tr -d '\r' <"$work/converted.serial" | grep '^V2C-' >"$work/marker"
cat "$work/marker"
grep -qx "V2C-NIC $nic $mac $addr " "$work/marker" \
  || fail "the static address $addr is not on $nic with MAC $mac"
grep -qx "V2C-VMTOOLS inactive masked" "$work/marker" || fail "open-vm-tools: $(grep VMTOOLS "$work/marker")"
grep -qx "V2C-DATA v2c data disk" "$work/marker" || fail "the data disk: $(grep V2C-DATA "$work/marker")"
ok "the converted VM boots on virtio: $addr on $nic ($mac), open-vm-tools masked, the data disk mounted"
