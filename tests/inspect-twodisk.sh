#!/bin/bash
# v2c-inspect on the 'twodisk' fixture VM: /var is on the second disk.
. "$top_srcdir/tests/inspect-lib.sh"
extra_checks () {
  jqe "/var mounted from the second disk" '[.filesystems[] | select(.mountpoint == "/var" and (.device | test("sdb")))] | length == 1'
}
inspect_fixture twodisk
