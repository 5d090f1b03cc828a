#!/bin/bash
# v2c-inspect on the 'ova' fixture VM (see tests/fixtures.tsv): the
# hardware and OS, and everything the inventory says of the demo guest.
. "${top_srcdir:?}/tests/inspect-lib.sh"
extra_checks () { check_demo_inventory "$1"; }
inspect_fixture ova
