#!/bin/bash
# v2c-inspect on the 'twodisk' fixture VM: /var is on the second disk.
# Both disks are as qemu-img exports them (issue 14): the first a
# twoGbMaxExtentSparse descriptor padded with NULs, the second a
# snapshot delta whose parent hint names a datastore; the parent is
# found by name in the folder.
. "${top_srcdir:?}/tests/inspect-lib.sh"
extra_checks () {
  jqe "/var mounted from the second disk" '[.filesystems[] | select(.mountpoint == "/var" and (.device | test("sdb")))] | length == 1'
  jqe "the VMX's two disk files" '[.hardware.disks[].file] == ["twodisk.vmdk", "twodisk_1-000001.vmdk"]'
  jqe "both read as VMDK" '[.source.disks[].format] == ["vmdk", "vmdk"]'
  jqe "capacities from the descriptor and the chain" '[.source.disks[].virtual_size | . > 0] == [true, true]'
}
inspect_fixture twodisk
