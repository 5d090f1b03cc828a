#!/bin/bash
# v2c-inspect on the 'libvirt' fixture VM (see tests/fixtures.tsv).
. "${top_srcdir:?}/tests/inspect-lib.sh"
inspect_fixture libvirt
