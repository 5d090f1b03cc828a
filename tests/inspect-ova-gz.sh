#!/bin/bash
# v2c-inspect on the 'ova-gz' fixture VM (see tests/fixtures.tsv).  Its
# disk is unpacked into a private directory that is gone afterwards: the
# inventory names the OVA and the member, never that directory.
. "${top_srcdir:?}/tests/inspect-lib.sh"
extra_checks () {
  jqe "the disk is the OVA's member" '.source.disks | length == 1 and (.[0].path | endswith("/ova-gz/demo.ova")) and .[0].member == "demo-disk1.vmdk"'
  jqe "no temporary path" '[.. | strings | select(test("/v2c\\.[A-Za-z0-9]{6}/"))] | length == 0'
}
inspect_fixture ova-gz
