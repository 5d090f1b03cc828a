#!/bin/bash
# v2c-inspect on the 'vmx-split' fixture VM: split extents and a snapshot
# chain; the leaf (demo-000001.vmdk) is what must be read.
. "${top_srcdir:?}/tests/inspect-lib.sh"
extra_checks () {
  jqe "the VMX names the snapshot leaf" '.hardware.disks[0].file == "demo-000001.vmdk"'
}
inspect_fixture vmx-split
