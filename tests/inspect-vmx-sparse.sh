#!/bin/bash
# v2c-inspect on the 'vmx-sparse' fixture VM (see tests/fixtures.tsv).
. "${top_srcdir:?}/tests/inspect-lib.sh"
inspect_fixture vmx-sparse
