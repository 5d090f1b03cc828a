# Sourced by tests/manifest-*.sh: tools, scratch directory, helpers.
# v2c - move VMware virtual machines onto Kubernetes
# SPDX-License-Identifier: LGPL-2.1-or-later
. "$top_srcdir/tests/lib.sh"
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

# build_image DIR LAYERDIR...: an OCI image layout with one gzip layer per
# LAYERDIR (in order), made with GNU tar, gzip and sha256sum.  Prints the
# manifest digest.
build_image () {
  local dir=$1 blobs diffs="" layers="" d u s cfg man
  shift
  blobs=$dir/blobs/sha256
  mkdir -p "$blobs"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
  for l in "$@"; do
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$l" -cf "$dir/layer.tar" .
    u=$(sha256sum <"$dir/layer.tar" | cut -c1-64)
    gzip -n -c "$dir/layer.tar" >"$dir/layer.tgz"
    d=$(sha256sum <"$dir/layer.tgz" | cut -c1-64)
    s=$(stat -c %s "$dir/layer.tgz")
    mv "$dir/layer.tgz" "$blobs/$d"
    rm -f "$dir/layer.tar"
    diffs="$diffs${diffs:+,}\"sha256:$u\""
    layers="$layers${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$d\",\"size\":$s}"
  done
  printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[%s]}}' "$diffs" >"$dir/config.json"
  cfg=$(sha256sum <"$dir/config.json" | cut -c1-64)
  s=$(stat -c %s "$dir/config.json")
  mv "$dir/config.json" "$blobs/$cfg"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' "$cfg" "$s" "$layers" >"$dir/manifest.json"
  man=$(sha256sum <"$dir/manifest.json" | cut -c1-64)
  s=$(stat -c %s "$dir/manifest.json")
  mv "$dir/manifest.json" "$blobs/$man"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s}]}' "$man" "$s" >"$dir/index.json"
  echo "sha256:$man"
}
