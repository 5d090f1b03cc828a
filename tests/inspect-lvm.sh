#!/bin/bash
# v2c-inspect on the 'lvm' fixture VM: the root is a logical volume.
. "${top_srcdir:?}/tests/inspect-lib.sh"
extra_checks () {
  jqe "root on the LV" '[.filesystems[] | select(.mountpoint == "/" and (.device | test("v2cvg")))] | length == 1'
}
inspect_fixture lvm
