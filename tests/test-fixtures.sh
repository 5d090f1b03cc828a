#!/bin/bash
# v2c - move VMware virtual machines onto Kubernetes
# Copyright (C) 2026 the v2c authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Check the fixture VMs that tests/make-fixtures.sh built, with tools v2c
# did not write: GNU tar and od (OVA layout), sha256sum (manifest),
# xmllint (OVF), qemu-img (formats, backing chain, content), virsh (the
# libvirt domain), and one virt-inspector launch (what the guests are,
# against tests/fixtures.tsv).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "${top_srcdir:?}/tests/lib.sh"
# Nothing of v2c runs here: under the sanitizers the plain suite's check
# of the same fixtures stands.
[ -n "${V2C_SANITIZED:-}" ] &&
  skip "V2C_SANITIZED=1: no v2c code runs here (the plain suite checks the fixtures)"
set +e # the checks below count their failures
V2C_FIXTURES=${V2C_FIXTURES:-$top_builddir/tests/fixtures}
need_fixtures
F=$V2C_FIXTURES
need_tools qemu-img tar gzip sha256sum python3 xmllint virsh virt-inspector od

work=$(tmpdir test-fixtures)

passed=0
failed=0
ok ()
{
  echo "ok - $1"
  passed=$((passed + 1))
}
not_ok ()
{
  echo "not ok - $1"
  failed=$((failed + 1))
}
# check DESCRIPTION COMMAND...: the command must succeed
check ()
{
  local d=$1
  shift
  if "$@" >"$work/out" 2>&1; then
    ok "$d"
  else
    not_ok "$d"
    sed 's/^/    /' "$work/out"
  fi
}
# same WHAT ACTUAL EXPECTED
same ()
{
  if [ "$2" = "$3" ]; then
    ok "$1: $2"
  else
    not_ok "$1: got '$2', expected '$3'"
  fi
}

# qemu-img's reading of an image: qinfo FILE PYTHON-EXPR (over "i", the
# JSON of 'qemu-img info', and "c", the --backing-chain list)
qinfo ()
{
  local json chain
  json=$(qemu-img info --output=json "$1" 2>&1) || {
    echo "qemu-img info failed: $json"
    return
  }
  chain=$(qemu-img info --backing-chain --output=json "$1" 2>&1)
  python3 -c '
import json, sys
i = json.loads(sys.argv[1]); c = json.loads(sys.argv[2])
fs = i.get("format-specific", {}).get("data", {})
print(eval(sys.argv[3]))' "$json" "$chain" "$2"
}

cd "$F" || exit 1

# --- OVA layout (GNU tar's listing, ustar magic of every header) ----------
same "ova members in order" "$(tar -tf ova/demo.ova | tr '\n' ' ')" \
  "demo.ovf demo.mf demo-disk1.vmdk "
ustar_headers ()
{
  python3 - "$1" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
off, n = 0, 0
while off + 512 <= len(data) and data[off:off + 512] != b"\0" * 512:
    h = data[off:off + 512]
    if h[257:265] != b"ustar\x0000":
        print("header at %d is not POSIX ustar: %r" % (off, h[257:265]))
        sys.exit(1)
    size = int(h[124:136].rstrip(b"\0 ") or b"0", 8)
    off += 512 + (size + 511) // 512 * 512
    n += 1
print(n)
EOF
}
same "ova ustar headers" "$(ustar_headers ova/demo.ova)" 3
same "ova magic at offset 257 (od)" \
  "$(od -An -c -j257 -N8 ova/demo.ova | tr -s ' ')" " u s t a r \0 0 0"
check "ova-gz is ova gzip-compressed" \
  bash -c 'gzip -dc ova-gz/demo.ova | cmp - ova/demo.ova'

mkdir "$work/ova"
tar -C "$work/ova" -xf ova/demo.ova
mf_check ()
{
  sed -n 's/^SHA256(\(.*\))= \([0-9a-f]*\)$/\2  \1/p' "$1" >"$work/sums"
  [ "$(wc -l <"$work/sums")" -eq "$(wc -l <"$1")" ] || return 1
  (cd "$2" && sha256sum -c "$work/sums")
}
check "demo.mf digests (sha256sum -c)" mf_check "$work/ova/demo.mf" "$work/ova"
check "demo.ovf is well-formed (xmllint)" xmllint --noout --nonet "$work/ova/demo.ovf"
ovf_xpath ()
{
  xmllint --nonet --xpath "$1" "$work/ova/demo.ovf"
}
same "ovf File size = size of demo-disk1.vmdk" \
  "$(ovf_xpath "string(//*[local-name()='File']/@*[local-name()='size'])")" \
  "$(stat -c %s "$work/ova/demo-disk1.vmdk")"
same "ovf Disk capacity = virtual size" \
  "$(ovf_xpath "string(//*[local-name()='Disk']/@*[local-name()='capacity'])")" \
  "$(qinfo "$work/ova/demo-disk1.vmdk" 'i["virtual-size"]')"
same "ovf vCPUs" "$(ovf_xpath "string(//*[local-name()='Item'][*[local-name()='ResourceType']='3']/*[local-name()='VirtualQuantity'])")" 2
same "ovf memory" "$(ovf_xpath "string(//*[local-name()='Item'][*[local-name()='ResourceType']='4']/*[local-name()='VirtualQuantity'])")" 2048
same "ovf disk parent = SCSI controller" \
  "$(ovf_xpath "string(//*[local-name()='Item'][*[local-name()='ResourceType']='17']/*[local-name()='Parent'])")" \
  "$(ovf_xpath "string(//*[local-name()='Item'][*[local-name()='ResourceType']='6']/*[local-name()='InstanceID'])")"

# --- formats and contents (qemu-img) --------------------------------------
same "ova disk" "$(qinfo "$work/ova/demo-disk1.vmdk" 'i["format"], fs.get("create-type")')" \
  "('vmdk', 'streamOptimized')"
same "vmx-sparse disk" "$(qinfo vmx-sparse/demo.vmdk 'i["format"], fs.get("create-type")')" \
  "('vmdk', 'monolithicSparse')"
same "vmx-split base" "$(qinfo vmx-split/demo.vmdk 'i["format"], fs.get("create-type"), len(fs.get("extents", [])) >= 1')" \
  "('vmdk', 'twoGbMaxExtentSparse', True)"
same "vmx-split leaf backing" \
  "$(qinfo vmx-split/demo-000001.vmdk 'i.get("backing-filename"), i.get("backing-filename-format"), len(c)')" \
  "('demo.vmdk', 'vmdk', 2)"
same "vmx-split leaf much smaller than its base" \
  "$(qinfo vmx-split/demo-000001.vmdk 'c[0]["actual-size"] * 5 < c[1]["actual-size"]')" \
  True
same "vmx-split VMX names the leaf" \
  "$(sed -n 's/^scsi0:0\.fileName = "\(.*\)"$/\1/p' vmx-split/demo.vmx)" demo-000001.vmdk
same "raw disk" "$(qinfo disk/demo.img 'i["format"], i["virtual-size"]')" "('raw', 67108864)"
same "qcow2 disk" "$(qinfo disk/demo.qcow2 'i["format"]')" qcow2
for f in twodisk/twodisk_1.vmdk lvm/lvm.vmdk bad/absurd.vmdk; do
  same "$f" "$(qinfo "$f" 'i["format"], fs.get("create-type")')" \
    "('vmdk', 'monolithicSparse')"
done
# twodisk as qemu-img exports it (issue 14): a NUL-padded split
# descriptor, and a snapshot delta whose hint names its datastore
same twodisk/twodisk.vmdk "$(qinfo twodisk/twodisk.vmdk 'i["format"], fs.get("create-type")')" \
  "('vmdk', 'twoGbMaxExtentSparse')"
same "twodisk/twodisk.vmdk is padded with NULs" \
  "$(tr -d '\000' <twodisk/twodisk.vmdk | cmp -s - twodisk/twodisk.vmdk && echo no || echo yes)" yes
same "twodisk/twodisk_1-000001.vmdk names a datastore parent" \
  "$(tr -d '\000' <twodisk/twodisk_1-000001.vmdk | grep -a -o 'parentFileNameHint="[^"]*"')" \
  'parentFileNameHint="/vmfs/volumes/datastore1/v2c-twodisk/twodisk_1.vmdk"'
same "twodisk VMX names the split disk and the delta" \
  "$(sed -n 's/^scsi0:[01]\.fileName = "\(.*\)"$/\1/p' twodisk/twodisk.vmx | tr '\n' ' ')" \
  "twodisk.vmdk twodisk_1-000001.vmdk "
same "bad/luks.vmdk" "$(qinfo bad/luks.vmdk 'fs.get("create-type"), [e["filename"].split("/")[-1] for e in fs["extents"]]')" \
  "('monolithicFlat', ['luks.img'])"
for f in disk/demo.qcow2 vmx-sparse/demo.vmdk vmx-split/demo.vmdk \
  "$work/ova/demo-disk1.vmdk"; do
  check "same content as disk/demo.img: ${f#"$work"/}" \
    qemu-img compare -f raw disk/demo.img "$f"
done
check "the snapshot leaf differs from its base" \
  bash -c '! qemu-img compare -q vmx-split/demo.vmdk vmx-split/demo-000001.vmdk'
check "every VMX names existing disks" bash -c '
  for v in */*.vmx; do
    sed -n "s/^scsi0:[0-9]*\.fileName = \"\(.*\)\"$/\1/p" "$v" |
      while read -r d; do test -f "$(dirname "$v")/$d" || { echo "$v: $d"; exit 1; }; done || exit 1
  done'

# --- planted secrets are really inside the disk ---------------------------
same "planted secrets listed" "$(grep -c . planted-secrets.txt)" 5
while read -r s; do
  check "planted secret in disk/demo.img: ${s:0:12}..." grep -aFq -- "$s" disk/demo.img
done <planted-secrets.txt

# --- the libvirt domain (virsh's reading) ---------------------------------
uri="test://$F/libvirt/demo.xml"
if virsh -c "$uri" dumpxml v2c-demo-libvirt >"$work/dom.xml" 2>"$work/virsh.err"; then
  ok "virsh dumpxml v2c-demo-libvirt"
  dx ()
  {
    xmllint --xpath "$1" "$work/dom.xml"
  }
  same "libvirt vcpus" "$(dx 'string(/domain/vcpu)')" 2
  same "libvirt memory KiB" "$(dx 'string(/domain/memory)')" 1048576
  same "libvirt disk" "$(dx 'string(/domain/devices/disk/source/@file)')" "$F/disk/demo.qcow2"
  same "libvirt disk driver" "$(dx 'string(/domain/devices/disk/driver/@type)')" qcow2
  same "libvirt nic model" "$(dx 'string(/domain/devices/interface/model/@type)')" virtio
else
  not_ok "virsh dumpxml v2c-demo-libvirt: $(cat "$work/virsh.err")"
fi

# --- broken inputs are broken the promised way ----------------------------
same "truncated.ova is 60% of demo.ova" "$(stat -c %s bad/truncated.ova)" \
  "$(($(stat -c %s ova/demo.ova) * 6 / 10))"
check "GNU tar refuses truncated.ova" bash -c '! tar -tf bad/truncated.ova'
same "dotdot.ova first member" "$(tar -tf bad/dotdot.ova 2>/dev/null | head -n1)" ../x
mkdir "$work/mm"
tar -C "$work/mm" -xf bad/mf-mismatch.ova
check "mf-mismatch.ova: the OVF digest is right" bash -c \
  "cd '$work/mm' && grep '^SHA256(demo.ovf)' demo.mf | sed 's/^SHA256(\(.*\))= \(.*\)/\2  \1/' | sha256sum -c"
check "mf-mismatch.ova: the disk digest is wrong" bash -c "cd '$work/mm' &&
  ! (grep '^SHA256(demo-disk1.vmdk)' demo.mf | sed 's/^SHA256(\(.*\))= \(.*\)/\2  \1/' | sha256sum -c --quiet)"
check "xxe.ovf declares an external entity used in Name" bash -c \
  'grep -q "<!ENTITY xxe SYSTEM \"file:///etc/hostname\">" bad/xxe.ovf && grep -q "<Name>&xxe;</Name>" bad/xxe.ovf'
check "random.vmdk is not a VMDK (qemu-img)" bash -c '! qemu-img info -f vmdk bad/random.vmdk'
check "blank.img is 64 MiB of zeros" cmp -n 67108864 bad/blank.img /dev/zero
same "absurd.vmx" "$(grep -i -E '^(numvcpus|memsize) ' bad/absurd.vmx | tr '\n' ' ')" \
  'numvcpus = "99999999999" memsize = "-5" '
check "luks.img holds a LUKS header" bash -c \
  'python3 -c "import sys; d = open(\"bad/luks.img\", \"rb\").read(1 << 21); sys.exit(0 if b\"LUKS\\xba\\xbe\" in d else 1)"'

# --- one appliance launch: libguestfs' inspection of the guests -----------
# The snapshot leaf, the two-disk VM, the LVM VM and (unlocked with its
# key) the LUKS disk, in one virt-inspector run.
if [ -z "${LIBGUESTFS_BACKEND_SETTINGS+set}" ] && [ -f libguestfs.env ]; then
  v=$(sed -n 's/^LIBGUESTFS_BACKEND_SETTINGS=\([A-Za-z0-9_,:=-]*\)$/\1/p' libguestfs.env)
  [ -z "$v" ] || export LIBGUESTFS_BACKEND_SETTINGS=$v
fi
inspect ()
{
  virt-inspector --no-icon --format=vmdk -a vmx-split/demo-000001.vmdk \
    -a twodisk/twodisk.vmdk -a twodisk/twodisk_1.vmdk -a lvm/lvm.vmdk \
    --format=raw -a bad/luks.img --key /dev/sde1:key:v2c-fixture-luks \
    >"$work/inspector.xml" 2>"$work/inspector.err"
}
if ! inspect && [ -z "${LIBGUESTFS_BACKEND_SETTINGS+set}" ]; then
  echo "# virt-inspector failed; retrying with LIBGUESTFS_BACKEND_SETTINGS=force_tcg"
  export LIBGUESTFS_BACKEND_SETTINGS=force_tcg
  inspect
fi
if [ -s "$work/inspector.xml" ]; then
  ok "virt-inspector ran"
  # One line per OS: hostname distro major arch format mountpoints apps
  python3 - "$work/inspector.xml" >"$work/oses" <<'EOF'
import sys
import xml.etree.ElementTree as ET
for os_ in ET.parse(sys.argv[1]).getroot().findall("operatingsystem"):
    t = lambda k: (os_.findtext(k) or "-").strip()
    mps = ",".join(sorted(m.text for m in os_.findall("mountpoints/mountpoint")))
    apps = ",".join(sorted(a.findtext("name") for a in os_.findall("applications/application")))
    print("\t".join([t("hostname"), t("name"), t("distro"), t("major_version"),
                     t("arch"), t("package_format"), mps, apps]))
EOF
  row ()
  {
    awk -F'\t' -v h="$1" '$1 == h' "$work/oses"
  }
  apps=base-files,busybox-static,cron,libc6,libcrypt1,libpcre2-8-0,libssl3,nginx,openssh-server,systemd,tzdata,zlib1g
  for name in vmx-split twodisk lvm; do
    read -r os_type distro major hostname < <(awk -F'\t' -v n="$name" \
      'NR > 1 && !/^#/ && $1 == n { print $3, $4, $5, $6 }' "$top_srcdir/tests/fixtures.tsv")
    r=$(row "$hostname")
    if [ -z "$r" ]; then
      not_ok "$name: no OS with hostname '$hostname' ($(cut -f1 "$work/oses" | tr '\n' ' '))"
      continue
    fi
    IFS=$'\t' read -r _ t d m a p mps got_apps <<<"$r"
    same "$name: os type, distro, major, arch, package format" \
      "$t $d $m $a $p" "$os_type $distro $major x86_64 deb"
    # dpkg status lists rsyslog too, but only as removed with config files.
    same "$name: installed packages" "$got_apps" "$apps"
    case $name in
    twodisk) same "$name: mountpoints" "$mps" "/,/var" ;;
    *) same "$name: mountpoints" "$mps" "/" ;;
    esac
  done
  same "luks: an OS behind the key" "$(row v2c-luks | cut -f1-4)" \
    "$(printf 'v2c-luks\tlinux\tdebian\t12')"
else
  not_ok "virt-inspector: $(tail -n3 "$work/inspector.err")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
