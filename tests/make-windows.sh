#!/bin/bash
# v2c - move VMware virtual machines onto Kubernetes
# Copyright (C) 2026 the v2c authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# tests/make-windows.sh OUTDIR
#
# Build a phony Windows guest that libguestfs inspection takes for
# Windows Server 2019 Standard (version 10.0, hostname V2C-WIN) with two
# installed programs: OUTDIR/windows.img, a 64 MiB raw disk (MBR, one
# NTFS partition) holding \Windows\System32 with cmd.exe (PE32+ headers,
# tests/windows/stub-pe.py) and the SOFTWARE and SYSTEM registry hives.
#
# The hives are real regf files: tests/windows/empty-hive.py writes an
# empty one, hivexregedit --merge adds tests/windows/software.reg and
# system.reg, and hivexget reads them back before they go in the guest.
# OUTDIR/tree keeps the staged guest tree (hives included) as ground
# truth for the tests; nothing else in the guest carries information.
#
# The NTFS filesystem is made in ONE libguestfs appliance launch.  As in
# tests/make-fixtures.sh the result appears atomically (built in
# OUTDIR.tmp.PID, OUTDIR/.stamp written last, then renamed into place),
# nothing is done when the stamp is newer than this script and its
# inputs, and where libguestfs cannot launch at all OUTDIR/.skip holds
# the reason.  OUTDIR/libguestfs.env says LIBGUESTFS_BACKEND_SETTINGS=
# force_tcg when the appliance only ran that way.
#
# Needs: libguestfs-tools (with ntfs-3g on the host, for the appliance),
# libhivex-bin and libwin-hivex-perl (hivexget, hivexregedit), python3.

set -euo pipefail

. "$(dirname "$(readlink -f "$0")")/fixture-lib.sh"
fixture_what="Windows fixture"
fixture_fs="NTFS filesystem"
data=$(dirname "$script")/windows
inputs=("$script" "$(dirname "$script")/fixture-lib.sh" "$data/empty-hive.py" \
  "$data/stub-pe.py" "$data/software.reg" "$data/system.reg")

# fresh: the stamp exists and is newer than every input
fresh ()
{
  local f
  [ -f "$out/.stamp" ] || return 1
  for f in "${inputs[@]}"; do
    [ "$out/.stamp" -nt "$f" ] || return 1
  done
}
fresh && exit 0

for f in "${inputs[@]}"; do
  [ -f "$f" ] || die "'$f' is missing"
done

# Concurrent builds of the same OUTDIR wait for each other (the lock is
# the parent directory itself: nothing is written beside OUTDIR).
mkdir -p "$(dirname "$out")"
exec 9<"$(dirname "$out")"
flock 9
fresh && exit 0
fixture_begin

command -v guestfish >/dev/null ||
  skip "'guestfish' not found (install libguestfs-tools)"
command -v python3 >/dev/null || die "'python3' not found"
for t in hivexget hivexregedit; do
  command -v "$t" >/dev/null ||
    die "'$t' not found (install libhivex-bin and libwin-hivex-perl)"
done

########################################################################
# The guest tree, staged on the host
########################################################################

root="$b/root"
sys32="$root/Windows/System32"
mkdir -p "$sys32/config" "$sys32/drivers/etc" "$root/Program Files/7-Zip" \
  "$root/Program Files (x86)/Notepad++" "$root/ProgramData" \
  "$root/Users/Administrator/Desktop" "$root/Users/Public"

python3 "$data/stub-pe.py" "$sys32/cmd.exe" console
python3 "$data/stub-pe.py" "$root/Windows/explorer.exe" gui
python3 "$data/stub-pe.py" "$root/Program Files/7-Zip/7zFM.exe" gui
python3 "$data/stub-pe.py" "$root/Program Files (x86)/Notepad++/notepad++.exe" gui
printf '127.0.0.1       localhost\r\n::1             localhost\r\n' \
  >"$sys32/drivers/etc/hosts"

# hive NAME: HKLM\NAME from tests/windows/NAME.reg (name in lower case)
hive ()
{
  local f="$sys32/config/$1"
  python3 "$data/empty-hive.py" "$f" ROOT "\\SystemRoot\\System32\\Config\\$1"
  hivexregedit --merge --prefix "HKEY_LOCAL_MACHINE\\$1" "$f" \
    "$data/${1,,}.reg" || die "hivexregedit could not merge ${1,,}.reg"
}
hive SOFTWARE
hive SYSTEM

# Read back with hivex what libguestfs will read.
# expect_value HIVE KEY VALUE WANT
expect_value ()
{
  local got
  got=$(hivexget "$sys32/config/$1" "$2" "$3") ||
    die "hivexget cannot read '$2\\$3' in $1"
  [ "$got" = "$4" ] || die "$1 '$2\\$3' is '$got', expected '$4'"
}
cv='\Microsoft\Windows NT\CurrentVersion'
expect_value SOFTWARE "$cv" ProductName "Windows Server 2019 Standard"
expect_value SOFTWARE "$cv" CurrentMajorVersionNumber 10
expect_value SOFTWARE "$cv" CurrentMinorVersionNumber 0
expect_value SOFTWARE '\Microsoft\Windows\CurrentVersion\Uninstall\7-Zip' \
  DisplayVersion 23.01
expect_value SOFTWARE \
  '\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\Notepad++' \
  Publisher "Notepad++ Team"
expect_value SYSTEM '\Select' Current 1
expect_value SYSTEM '\ControlSet001\Services\Tcpip\Parameters' Hostname V2C-WIN

########################################################################
# The disk, in one appliance launch
########################################################################

disk="$tmp/windows.img"
disk_mib=64

# guestfish commands that make the directories and upload the files of
# the staged tree (names with spaces and '+' are quoted)
gfs="$b/build.gfs"
{
  echo "add \"$disk\" format:raw"
  cat <<'EOF'
run
echo v2c-launched
# one primary partition from 1 MiB to the end, as Windows' setup makes
part-init /dev/sda mbr
part-add /dev/sda p 2048 -1
part-set-mbr-id /dev/sda 1 0x07
part-set-bootable /dev/sda 1 true
# the MBR disk signature HKLM\SYSTEM\MountedDevices names (system.reg)
pwrite-device /dev/sda "V2CW" 440
mkfs ntfs /dev/sda1 label:Windows
mount /dev/sda1 /
EOF
  (cd "$root" && find . -mindepth 1 -type d | sort) | while IFS= read -r d; do
    echo "mkdir-p \"${d#.}\""
  done
  (cd "$root" && find . -type f | sort) | while IFS= read -r f; do
    echo "upload \"$root${f#.}\" \"${f#.}\""
  done
  cat <<'EOF'
part-list /dev/sda
umount-all
sync
shutdown
EOF
} >"$gfs"

# run_guestfish: 0 built, 1 failed after the launch, 2 could not launch
run_guestfish ()
{
  rm -f "$disk"
  truncate -s "${disk_mib}M" "$disk"
  if guestfish -f "$gfs" >"$b/guestfish.out" 2>"$b/guestfish.err" \
    </dev/null; then
    return 0
  fi
  if grep -qx v2c-launched "$b/guestfish.out"; then
    return 1
  fi
  return 2
}

launch_with_tcg_fallback

# The partition must start where HKLM\SYSTEM\MountedDevices says C: is
# (1 MiB, the 8-byte offset after the disk signature in system.reg).
grep -q '^  part_start: 1048576$' "$b/guestfish.out" ||
  die "the NTFS partition does not start at 1 MiB: $(tr '\n' ' ' <"$b/guestfish.out")"

mv "$root" "$tmp/tree"
commit
echo "$prog: Windows fixture built in $out ($(($(date +%s) - start)) s)"
