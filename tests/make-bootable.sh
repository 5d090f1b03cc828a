#!/bin/bash
# Build a BOOTABLE Debian 12 guest the way VMware guests often are, and
# export it as an OVA (tests/boot-vm.sh converts it and boots it):
#  - Debian's kernel (linux-image-amd64) with an initramfs made with
#    MODULES=list and only the drivers of VMware's devices (LSI Logic /
#    PVSCSI SCSI, AHCI, vmxnet3): no virtio, so it can't find its root
#    disk on a KVM virtio-blk bus;
#  - GRUB on the MBR, with root=/dev/sda1 on the kernel command line
#    (GRUB_DISABLE_LINUX_UUID=true) and /dev/sda1 in /etc/fstab;
#  - open-vm-tools installed and enabled;
#  - a static IPv4 address on ens192 (ifupdown), the name vmxnet3 gets
#    in PCI slot 192;
#  - a second disk (sdb: ext4, a file of known content) mounted by
#    /dev/sdb1 at /srv/data;
#  - v2c-marker.service, which writes a marker, each interface's name,
#    MAC and IPv4 addresses, whether open-vm-tools runs, and the data
#    disk's file, to the serial console once the network is up.
# To keep the image small, the kernel's modules for hardware no VM has
# (GPUs, sound, wireless, media, InfiniBand) are removed.
# Slow (a few minutes), so cached like tests/make-debian.sh: $V2C_CACHE
# (default ~/.cache/v2c-tests), keyed by this script's checksum.  Prints
# the cache directory, which holds boot.ova and boot.env (the MAC and
# the address the test expects).
# Usage: make-bootable.sh   (as root; needs debootstrap, libguestfs-tools)
set -euo pipefail
key=$(sha256sum <"$0" | cut -c1-12)
cache=${V2C_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/v2c-tests}/bootable-$key
if [ -f "$cache/.stamp" ]; then echo "$cache"; exit 0; fi
mkdir -p "$(dirname "$cache")"
exec 9>"$cache.lock"
flock 9
if [ -f "$cache/.stamp" ]; then echo "$cache"; exit 0; fi
rm -rf "$cache" "$cache.tmp"
mkdir -p "$cache.tmp"
tree=$cache.tmp/tree
mac=00:50:56:a1:b2:c3
addr=192.168.50.20/24
# debootstrap and the chroot need /proc; whatever happens, unmount it
cleanup ()
{
  mountpoint -q "$tree/proc" && umount "$tree/proc"
  mountpoint -q "$tree/dev" && umount "$tree/dev"
  return 0
}
trap cleanup EXIT

mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 ~ /^bookworm/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || { echo "make-bootable: no Debian mirror configured in /etc/apt" >&2; exit 1; }

echo "make-bootable: debootstrap bookworm with a kernel (a few minutes)" >&2
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,udev,kmod,initramfs-tools,linux-image-amd64,grub-pc,open-vm-tools,ifupdown,iproute2 \
  bookworm "$tree" "$mirror" >"$cache.tmp/debootstrap.log" 2>&1 \
  || { tail -20 "$cache.tmp/debootstrap.log" >&2; exit 1; }
kver=$(ls "$tree/lib/modules")
[ "$(echo "$kver" | wc -w)" = 1 ] || { echo "make-bootable: expected one kernel, got: $kver" >&2; exit 1; }

# Only the modules a server VM may need.
for d in gpu sound net/wireless media infiniband staging bluetooth isdn iio; do
  rm -rf "$tree/lib/modules/$kver/kernel/drivers/$d"
done
rm -rf "$tree/lib/modules/$kver/kernel/sound" "$tree/lib/firmware"
rm -rf "$tree/var/cache/apt/archives/"*.deb "$tree/usr/share/doc" "$tree/usr/share/locale" "$tree/usr/share/man"
mount -t proc proc "$tree/proc"
mount --bind /dev "$tree/dev"
chroot "$tree" depmod -a "$kver"

# The initramfs of a VMware guest: the listed drivers only.
cat >"$tree/etc/initramfs-tools/conf.d/v2c-vmware.conf" <<'EOF'
# as a VMware template would have it: no autodetection, the list only
MODULES=list
EOF
cat >>"$tree/etc/initramfs-tools/modules" <<'EOF'
# VMware's virtual hardware
mptspi
vmw_pvscsi
ahci
ata_piix
sd_mod
vmxnet3
ext4
EOF
chroot "$tree" update-initramfs -u -k "$kver" >"$cache.tmp/initramfs.log" 2>&1 \
  || { tail -20 "$cache.tmp/initramfs.log" >&2; exit 1; }
if lsinitramfs "$tree/boot/initrd.img-$kver" | grep -q 'virtio_blk'; then
  echo "make-bootable: the VMware-style initramfs has virtio_blk" >&2
  exit 1
fi

cat >"$tree/etc/default/grub" <<'EOF'
GRUB_DEFAULT=0
GRUB_TIMEOUT=0
GRUB_DISTRIBUTOR=Debian
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX="console=tty0 console=ttyS0,115200n8"
GRUB_TERMINAL="serial console"
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
GRUB_DISABLE_LINUX_UUID=true
GRUB_DISABLE_OS_PROBER=true
EOF
cat >"$tree/etc/fstab" <<'EOF'
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
/dev/sda1       /               ext4    errors=remount-ro 0       1
/dev/sdb1       /srv/data       ext4    defaults,nofail 0       2
EOF
mkdir -p "$tree/srv/data" "$cache.tmp/data"
echo "v2c data disk" >"$cache.tmp/data/hello.txt"
echo v2c-boot >"$tree/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tv2c-boot\n' >"$tree/etc/hosts"
cat >"$tree/etc/network/interfaces" <<EOF
auto lo
iface lo inet loopback

auto ens192
iface ens192 inet static
    address $addr
EOF
cat >"$tree/usr/local/sbin/v2c-marker" <<'EOF'
#!/bin/sh
# What tests/boot-vm.sh looks for on the serial console.
{
  echo "V2C-MARKER-BEGIN"
  for i in /sys/class/net/*; do
    n=${i##*/}
    [ "$n" = lo ] && continue
    a=$(ip -o -4 addr show dev "$n" | awk '{print $4}' | tr '\n' ' ')
    echo "V2C-NIC $n $(cat "$i/address") ${a:-none}"
  done
  echo "V2C-VMTOOLS $(systemctl is-active open-vm-tools.service) $(systemctl is-enabled open-vm-tools.service 2>&1)"
  echo "V2C-DATA $(cat /srv/data/hello.txt 2>&1)"
  echo "V2C-MARKER-END"
} >/dev/ttyS0 2>&1
EOF
chmod 755 "$tree/usr/local/sbin/v2c-marker"
cat >"$tree/etc/systemd/system/v2c-marker.service" <<'EOF'
[Unit]
Description=v2c boot test marker
After=network-online.target open-vm-tools.service
Wants=network-online.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/v2c-marker

[Install]
WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/v2c-marker.service \
  "$tree/etc/systemd/system/multi-user.target.wants/v2c-marker.service"
[ -L "$tree/etc/systemd/system/multi-user.target.wants/open-vm-tools.service" ] \
  || { echo "make-bootable: open-vm-tools is not enabled" >&2; exit 1; }
cleanup

echo "make-bootable: making the disk and installing GRUB (one appliance launch)" >&2
run_make_fs ()
{
  rm -f "$cache.tmp/boot.img" "$cache.tmp/data.img"
  virt-make-fs --format=raw --type=ext4 --partition=mbr --size=+200M \
    "$tree" "$cache.tmp/boot.img" &&
  virt-make-fs --format=raw --type=ext4 --partition=mbr --size=32M \
    "$cache.tmp/data" "$cache.tmp/data.img" &&
  guestfish -a "$cache.tmp/boot.img" -m /dev/sda1 <<'EOF'
command "grub-install --target=i386-pc /dev/sda"
command "update-grub"
EOF
}
if ! run_make_fs >"$cache.tmp/make-fs.log" 2>&1; then
  echo "make-bootable: warning: appliance failed; retrying with TCG" >&2
  LIBGUESTFS_BACKEND_SETTINGS=force_tcg run_make_fs >"$cache.tmp/make-fs.log" 2>&1 \
    || { tail -20 "$cache.tmp/make-fs.log" >&2; exit 1; }
fi
virt-cat -a "$cache.tmp/boot.img" /boot/grub/grub.cfg | grep -q 'root=/dev/sda1' \
  || { echo "make-bootable: grub.cfg does not say root=/dev/sda1" >&2; exit 1; }
rm -rf "$tree" "$cache.tmp/data"

# The OVA, as vSphere exports it: OVF, manifest, streamOptimized VMDK.
ova=$cache.tmp/ova
mkdir -p "$ova"
qemu-img convert -f raw -O vmdk -o subformat=streamOptimized,adapter_type=lsilogic \
  "$cache.tmp/boot.img" "$ova/v2c-boot-disk1.vmdk"
qemu-img convert -f raw -O vmdk -o subformat=streamOptimized,adapter_type=lsilogic \
  "$cache.tmp/data.img" "$ova/v2c-boot-disk2.vmdk"
bytes=$(stat -c %s "$cache.tmp/boot.img")
vsize=$(stat -c %s "$ova/v2c-boot-disk1.vmdk")
bytes2=$(stat -c %s "$cache.tmp/data.img")
vsize2=$(stat -c %s "$ova/v2c-boot-disk2.vmdk")
rm -f "$cache.tmp/boot.img" "$cache.tmp/data.img"
# item NAME VALUE... [XML]: an <Item> of the hardware section, one
# rasd:NAME element per pair, then XML as it is
item ()
{
  echo "      <Item>"
  while [ $# -ge 2 ]; do
    printf '        <rasd:%s>%s</rasd:%s>\n' "$1" "$2" "$1"
    shift 2
  done
  [ $# -eq 0 ] || printf '        %s\n' "$1"
  echo "      </Item>"
}
ns='xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"'
ns="$ns xmlns:rasd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData\""
ns="$ns xmlns:vmw=\"http://www.vmware.com/schema/ovf\""
ns="$ns xmlns:vssd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData\""
{
  echo '<?xml version="1.0" encoding="UTF-8"?>'
  echo "<Envelope $ns>"
  printf '  <References><File ovf:href="v2c-boot-disk1.vmdk" ovf:id="file1" ovf:size="%s"/><File ovf:href="v2c-boot-disk2.vmdk" ovf:id="file2" ovf:size="%s"/></References>\n' "$vsize" "$vsize2"
  echo '  <DiskSection><Info>Virtual disks</Info>'
  for d in "1 $bytes" "2 $bytes2"; do
    set -- $d
    printf '    <Disk ovf:capacity="%s" ovf:capacityAllocationUnits="byte" ovf:diskId="vmdisk%s" ovf:fileRef="file%s" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>\n' "$2" "$1" "$1"
  done
  echo '  </DiskSection>'
  echo '  <NetworkSection><Info>Networks</Info><Network ovf:name="VM Network"><Description>VM Network</Description></Network></NetworkSection>'
  echo '  <VirtualSystem ovf:id="v2c-boot"><Info>A virtual machine</Info><Name>v2c-boot</Name>'
  echo '    <OperatingSystemSection ovf:id="96" vmw:osType="debian12_64Guest"><Info>Guest OS</Info><Description>Debian GNU/Linux 12 (64-bit)</Description></OperatingSystemSection>'
  echo '    <VirtualHardwareSection><Info>Virtual hardware</Info>'
  echo '      <System><vssd:ElementName>Virtual Hardware Family</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-19</vssd:VirtualSystemType></System>'
  item ElementName "1 virtual CPU(s)" InstanceID 1 ResourceType 3 VirtualQuantity 1
  item AllocationUnits "byte * 2^20" ElementName "1024MB of memory" InstanceID 2 ResourceType 4 VirtualQuantity 1024
  item Address 0 ElementName "SCSI controller 0" InstanceID 3 ResourceSubType lsilogic ResourceType 6
  item AddressOnParent 0 ElementName "Hard disk 1" HostResource ovf:/disk/vmdisk1 InstanceID 4 Parent 3 ResourceType 17
  item AddressOnParent 1 ElementName "Hard disk 2" HostResource ovf:/disk/vmdisk2 InstanceID 6 Parent 3 ResourceType 17
  item Address "$mac" AddressOnParent 7 AutomaticAllocation true Connection "VM Network" \
    ElementName "Network adapter 1" InstanceID 5 ResourceSubType VmxNet3 ResourceType 10 \
    '<vmw:Config ovf:required="false" vmw:key="slotInfo.pciSlotNumber" vmw:value="192"/>'
  echo '      <vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="bios"/>'
  echo '    </VirtualHardwareSection>'
  echo '  </VirtualSystem>'
  echo '</Envelope>'
} >"$ova/v2c-boot.ovf"
xmllint --noout "$ova/v2c-boot.ovf" || { echo "make-bootable: the OVF is not well-formed" >&2; exit 1; }
(cd "$ova" && for f in v2c-boot.ovf v2c-boot-disk1.vmdk v2c-boot-disk2.vmdk; do
  echo "SHA256($f)= $(sha256sum <"$f" | cut -d' ' -f1)"
done) >"$ova/v2c-boot.mf"
tar -C "$ova" --format=ustar --numeric-owner --owner=64 --group=64 --mode=0644 \
  -cf "$cache.tmp/boot.ova" v2c-boot.ovf v2c-boot.mf v2c-boot-disk1.vmdk v2c-boot-disk2.vmdk
rm -rf "$ova"
printf 'mac=%s\naddr=%s\nnic=ens192\n' "$mac" "$addr" >"$cache.tmp/boot.env"
touch "$cache.tmp/.stamp"
mv "$cache.tmp" "$cache"
echo "$cache"
