#!/bin/bash
# v2c-inspect on the 'qcow2' fixture VM (see tests/fixtures.tsv).
. "${top_srcdir:?}/tests/inspect-lib.sh"
inspect_fixture qcow2
