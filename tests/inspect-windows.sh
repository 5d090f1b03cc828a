#!/bin/bash
# v2c - move VMware virtual machines onto Kubernetes
# Copyright (C) 2026 the v2c authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# v2c-inspect on a phony Windows Server 2019 guest (tests/make-windows.sh
# builds it once per build tree into tests/windows-fixture).  The OS
# facts come from libguestfs inspection, the programs from the SOFTWARE
# hive's Uninstall keys, and a Windows guest is a critical blocker.
# The inventory is v2c-convert's (one appliance launch for both): the
# guest stays a VM (the KubeVirt target) with emulated devices, as no
# virtio drivers are put into it, and the report says how to switch.
# Ground truth: the values tests/windows/*.reg put in the hives, read
# back here from the hives in the guest's staged tree with hivex
# (hivexsh, hivexget), plus the values the fixture was built to have.

. "${top_srcdir:?}/tests/lib.sh"
name=windows
need_tools jq node sha256sum hivexsh hivexget kubectl skopeo python3

fx=$top_builddir/tests/windows-fixture
bash "$top_srcdir/tests/make-windows.sh" "$fx" || fail "tests/make-windows.sh failed"
[ -f "$fx/.skip" ] && skip "Windows fixture not built: $(cat "$fx/.skip")"
[ -f "$fx/.stamp" ] || fail "no Windows fixture in $fx"
disk=$fx/windows.img
hives=$fx/tree/Windows/System32/config

# The appliance runs the way it did when the fixture was built.
need_appliance "$fx/libguestfs.env"

out=$(tmpdir inspect-windows)
inv=$out/inv.json

before=$(sha256sum "$disk")
conv=$out/conv
v2c-convert -q "$disk" -o "$conv" 2>"$out/err" || {
  cat "$out/err" >&2
  fail "v2c-convert failed"
}
inv=$conv/inventory.json
after=$(sha256sum "$disk")
[ "$before" = "$after" ] || fail "the disk image changed (sha256)"
echo "ok: $name: disk unchanged (sha256)"

js=$("$top_srcdir/tests/setup-node.sh")
node "$js/validate.js" "$top_srcdir/docs/inventory.schema.json" "$inv" >&2 ||
  fail "inventory does not validate against docs/inventory.schema.json"
echo "ok: $name: inventory validates against docs/inventory.schema.json"

jqe () { # jqe LABEL FILTER: the filter must be true on the inventory
  jq -e "$2" "$inv" >/dev/null || fail "$1 ($2); os: $(jq -c .os "$inv")"
  echo "ok: $name: $1"
}
# hive_value HIVE KEY VALUE: what hivex reads in the guest's hive
hive_value () {
  hivexget "$hives/$1" "$2" "$3" || fail "hivexget cannot read '$2\\$3' in $1"
}

# --- the OS: libguestfs inspection -------------------------------------
cv='\Microsoft\Windows NT\CurrentVersion'
product=$(hive_value SOFTWARE "$cv" ProductName)
major=$(hive_value SOFTWARE "$cv" CurrentMajorVersionNumber)
minor=$(hive_value SOFTWARE "$cv" CurrentMinorVersionNumber)
current=$(hive_value SYSTEM '\Select' Current)
ccs=$(printf '\\ControlSet%03d' "$current")
hostname=$(hive_value SYSTEM "$ccs\\Services\\Tcpip\\Parameters" Hostname)
# what the fixture was built to be (guards against an empty ground truth)
if [ "$product" != "Windows Server 2019 Standard" ] || [ "$major.$minor" != 10.0 ] ||
  [ "$hostname" != V2C-WIN ]; then
  fail "the fixture's hives say '$product' $major.$minor '$hostname'"
fi

jqe "os.type and os.distro are windows" '.os.type == "windows" and .os.distro == "windows"'
jq -e --argjson ma "$major" --argjson mi "$minor" \
  '.os.major == $ma and .os.minor == $mi' "$inv" >/dev/null ||
  fail "os version is $(jq -c '[.os.major, .os.minor]' "$inv"), expected [$major,$minor]"
echo "ok: $name: os.major $major, os.minor $minor"
# (Windows names are case-insensitive: libguestfs may change the case)
jq -e --arg h "$hostname" '.os.hostname | ascii_downcase == ($h | ascii_downcase)' \
  "$inv" >/dev/null ||
  fail "os.hostname is $(jq -c .os.hostname "$inv"), expected '$hostname'"
echo "ok: $name: os.hostname $hostname"
jq -e --arg p "$product" \
  '.os.product_name == $p and (.os.product_name | contains("Windows Server 2019"))' \
  "$inv" >/dev/null ||
  fail "os.product_name is $(jq -c .os.product_name "$inv"), expected '$product'"
echo "ok: $name: os.product_name $product"
jqe "os.arch x86_64 (cmd.exe is PE32+ x86-64)" '.os.arch == "x86_64"'
jqe "the NTFS partition is the root, with used bytes" \
  '[.filesystems[] | select(.type == "ntfs" and .mountpoint == "/" and .used_bytes > 0)] | length == 1'
jqe "one raw source disk" '.source.disks | length == 1 and .[0].format == "raw"'

# --- installed programs: the Uninstall keys with a DisplayName -----------
# (native and 32-bit under WOW6432Node), read with hivexsh; one line per
# program: key name, DisplayVersion, Publisher
want=$(
  for u in '\Microsoft\Windows\CurrentVersion\Uninstall' \
    '\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall'; do
    printf 'cd %s\nls\n' "$u" | hivexsh "$hives/SOFTWARE" | while IFS= read -r k; do
      [ -n "$k" ] || continue
      hivexget "$hives/SOFTWARE" "$u\\$k" DisplayName >/dev/null 2>&1 || continue
      printf '%s\t%s\t%s\n' "$k" \
        "$(hivexget "$hives/SOFTWARE" "$u\\$k" DisplayVersion)" \
        "$(hivexget "$hives/SOFTWARE" "$u\\$k" Publisher)"
    done
  done | sort
)
if ! printf '%s\n' "$want" | grep -qx $'7-Zip\t23.01\tIgor Pavlov' ||
  ! printf '%s\n' "$want" | grep -qx $'Notepad++\t8.6\tNotepad++ Team'; then
  fail "the fixture's SOFTWARE hive does not list the two programs:
$want"
fi
got=$(jq -r '.packages[] | [.name, .version, .publisher] | @tsv' "$inv" | sort)
[ "$want" = "$got" ] || fail "packages differ from the hive's Uninstall keys (< hive, > v2c):
$(diff <(echo "$want") <(echo "$got") || true)"
echo "ok: $name: $(echo "$got" | wc -l) packages = the hive's Uninstall keys with a DisplayName"
jqe "every package is managed by windows, evr = version" \
  '.packages | length > 0 and all(.manager == "windows" and .evr == .version)'
jqe "the update key without DisplayName is not a package" \
  '[.packages[] | select(.name == "KB4489899")] | length == 0'

# --- the blocker --------------------------------------------------------
jqe "blocker windows-guest, critical, naming the product" \
  '[.blockers[] | select(.rule == "windows-guest" and .severity == "critical"
     and any(.evidence[]; contains("Windows Server 2019")))] | length == 1'
# Nothing of a Linux guest is made up for Windows.
jqe "no services, users, cron, ports or secrets invented" \
  '[.services, .timers, .cron, .users, .groups, .ports, .secrets] | all(length == 0)'

# --- the report: not containerisable ------------------------------------
v2c-report "$inv" -o "$out/report" 2>"$out/err" || {
  cat "$out/err" >&2
  fail "v2c-report failed on the Windows inventory"
}
rep=$out/report/report.json
node "$js/validate.js" "$top_srcdir/docs/report.schema.json" "$rep" >&2 ||
  fail "report.json does not validate against docs/report.schema.json"
jq -e '.fitness.verdict == "not-containerisable"' "$rep" >/dev/null ||
  fail "verdict $(jq -r .fitness.verdict "$rep"), expected not-containerisable"
jq -e '[.fitness.rules[] | select(.id == "windows-guest" and .severity == "blocker"
        and any(.evidence[]; contains("Windows")))] | length == 1' "$rep" >/dev/null ||
  fail "the windows-guest rule did not fire with its evidence: $(jq -c .fitness.rules "$rep")"
jq -e '[.components[] | .path == "retain"] | all' "$rep" >/dev/null ||
  fail "a component of a Windows guest is not 'retain'"
grep -q 'not containerisable\|not-containerisable' "$out/report/report.md" ||
  fail "report.md does not give the verdict"
echo "ok: $name: report verdict not-containerisable, rule windows-guest with its evidence"

# --- kept as a VM: emulated devices, the disk as a containerDisk --------
kubectl kustomize "$conv/k8s" >"$out/all.yaml" || fail "kubectl kustomize rejects the base"
python3 - "$out/all.yaml" <<'EOF' || fail "the VirtualMachine's devices are not the emulated ones"
import sys, yaml
vm = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "VirtualMachine"]
assert len(vm) == 1
dev = vm[0]["spec"]["template"]["spec"]["domain"]["devices"]
assert [d["disk"]["bus"] for d in dev["disks"]] == ["sata"], dev["disks"]
assert all(i["model"] == "e1000e" for i in dev["interfaces"]), dev["interfaces"]
EOF
rep=$conv/report.json
jq -e '.target.kind == "vm" and (.target.advice | map(test("virtio-win")) | any)
       and (.target.guest.changed[0] | test("nothing in the guest"))
       and (.target.guest.devices | map(test("SATA")) | any)' "$rep" >/dev/null ||
  fail "the report's target does not give the Windows instructions: $(jq -c .target "$rep")"
ref=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$conv/image/index.json")
skopeo inspect "oci:$conv/image:$ref" >/dev/null || fail "skopeo rejects the containerDisk"
m=$(jq -r '.manifests[0].digest | sub("^sha256:"; "")' "$conv/image/index.json")
l=$(jq -r '.layers[0].digest | sub("^sha256:"; "")' "$conv/image/blobs/sha256/$m")
[ "$(tar -tvf "$conv/image/blobs/sha256/$l" | awk '{print $2, $6}' | tr '\n' ' ')" = "107/107 disk/ 107/107 disk/disk0.qcow2 " ] ||
  fail "the containerDisk layer: $(tar -tvf "$conv/image/blobs/sha256/$l")"
echo "ok: $name: kept as a VM: SATA disk, e1000e NIC, the virtio-win advice, a containerDisk"
