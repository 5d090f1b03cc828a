# Sourced by tests/manifest-*.sh: tools, scratch directory, helpers.
# v2c - move VMware virtual machines onto Kubernetes
# SPDX-License-Identifier: LGPL-2.1-or-later
. "${top_srcdir:?}/tests/lib.sh"
# The ground truths must be there: a test without them would pass
# without checking anything.
command -v kubectl >/dev/null || fail "kubectl is needed (kubectl kustomize checks the output)"
command -v jq >/dev/null || fail "jq is needed (apt-get install jq)"
python3 -c 'import yaml' 2>/dev/null || fail "python3 with PyYAML is needed (apt-get install python3-yaml)"
manifest=$top_builddir/tools/v2c-manifest
plantool=$top_builddir/tools/v2c-plan
data=$top_srcdir/tests/data/manifest
work=$(tmpdir manifest)

# yaml2json FILE...: every document of the files as one JSON array (read
# by PyYAML, a YAML 1.1 reader v2c did not write).
yaml2json () {
  python3 -c '
import json, sys, yaml
docs = []
for f in sys.argv[1:]:
    with open(f) as fh:
        docs.extend(d for d in yaml.safe_load_all(fh) if d is not None)
json.dump(docs, sys.stdout, default=str)
' "$@"
}

# kustomize DIR: kubectl kustomize DIR as a JSON array of objects.
kustomize () {
  kubectl kustomize "$1" >"$work/kustomized.yaml" 2>"$work/kustomize.err" \
    || fail "kubectl kustomize $1: $(cat "$work/kustomize.err")"
  yaml2json "$work/kustomized.yaml"
}

