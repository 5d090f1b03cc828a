# Shared by the tests/extract-*.sh and convert-*.sh tests: check an OCI
# image that v2c-extract wrote with tools that did not write it (skopeo,
# umoci, tar, gzip, sha256sum, jq).  Sourced, not run.
. "${top_srcdir:?}/tests/lib.sh"
need_fixtures
need_tools jq skopeo umoci tar gzip zcat sha256sum
need_appliance

# The manifest blob of image DIR (its only manifest).
manifest_of () {
  local d
  d=$(jq -r '.manifests[0].digest' "$1/index.json")
  echo "$1/blobs/sha256/${d#sha256:}"
}

config_of () {
  local d
  d=$(jq -r '.config.digest' "$(manifest_of "$1")")
  echo "$1/blobs/sha256/${d#sha256:}"
}

# Layer blob paths of image DIR, in order.
layers_of () {
  local d
  for d in $(jq -r '.layers[].digest' "$(manifest_of "$1")"); do
    echo "$1/blobs/sha256/${d#sha256:}"
  done
}

# The names v2c gave the layers ("os", "config", "app"), from the
# config's history.
layer_names () {
  jq -r '.history[] | select(.empty_layer != true) | .created_by
         | sub("^v2c-extract: "; "") | sub(" layer$"; "")' "$(config_of "$1")"
}

# decompress a layer blob (gzip, zstd or none) to stdout
layer_cat () {
  case $(file -b --mime-type "$1") in
    application/gzip) zcat "$1" ;;
    application/zstd) zstd -dc "$1" ;;
    *) cat "$1" ;;
  esac
}

# check_image DIR REF: skopeo and umoci accept it, every blob hashes to
# its name, diff_ids are the digests of the uncompressed layers, and the
# image unpacks into DIR.bundle.
check_image () {
  local img=$1 ref=$2 b h i diff want
  for b in "$img"/blobs/sha256/*; do
    h=$(sha256sum <"$b" | cut -d' ' -f1)
    [ "$h" = "$(basename "$b")" ] || fail "blob $(basename "$b") hashes to $h"
  done
  ok "$ref: every blob hashes to its name"
  jq -e --arg r "$ref" '.manifests[0].annotations["org.opencontainers.image.ref.name"] == $r' \
    "$img/index.json" >/dev/null || fail "index.json does not name '$ref'"
  skopeo inspect "oci:$img:$ref" >"$img.inspect.json" || fail "skopeo inspect oci:$img:$ref"
  skopeo inspect --config "oci:$img:$ref" >"$img.config.json" || fail "skopeo inspect --config"
  ok "$ref: skopeo inspect accepts the image"
  i=0
  for b in $(layers_of "$img"); do
    diff=$(layer_cat "$b" | sha256sum | cut -d' ' -f1)
    want=$(jq -r ".rootfs.diff_ids[$i]" "$img.config.json")
    [ "sha256:$diff" = "$want" ] || fail "layer $i: diff_id $want, content sha256:$diff"
    i=$((i + 1))
  done
  [ "$(jq '.rootfs.diff_ids | length' "$img.config.json")" = "$i" ] ||
    fail "the config lists $(jq '.rootfs.diff_ids | length' "$img.config.json") diff_ids for $i layers"
  ok "$ref: the $i diff_ids match the uncompressed layers"
  rm -rf "$img.bundle"
  umoci unpack --image "$img:$ref" "$img.bundle" >/dev/null 2>"$img.umoci.err" ||
    { cat "$img.umoci.err" >&2; fail "umoci unpack $img:$ref"; }
  ok "$ref: umoci unpacks it"
}

# layer_index_of DIR NAME: 0-based position of the layer named NAME
layer_index_of () {
  layer_names "$1" | awk -v n="$2" '$0 == n { print NR - 1; f = 1 } END { exit !f }'
}

# layer_digest_of DIR NAME: the digest of the named layer
layer_digest_of () {
  local i
  i=$(layer_index_of "$1" "$2") || fail "$1 has no $2 layer"
  jq -r ".layers[$i].digest" "$(manifest_of "$1")"
}

# entries DIR NAME: the paths (as tar lists them) of the named layer
entries () {
  local i
  i=$(layer_index_of "$1" "$2") || fail "no layer named $2"
  layer_cat "$(layers_of "$1" | sed -n "$((i + 1))p")" | tar -t --quoting-style=literal
}

# no planted secret value (tests/make-fixtures.sh lists them) in any
# decompressed layer or JSON blob of image DIR
no_planted_secret_in_image () {
  local img=$1 b tmpd
  tmpd=$(tmpdir layers)
  for b in "$img"/blobs/sha256/*; do
    layer_cat "$b" >"$tmpd/$(basename "$b")"
  done
  no_planted_secret_in "$tmpd" "$img/index.json"
  rm -rf "$tmpd"
  ok "no planted secret value in any decompressed blob of $img"
}

# guest_ref_tar DISK OUT: libguestfs's own tar of the guest tree (ground
# truth for the round trip)
guest_ref_tar () {
  guestfish --ro -a "$1" -i tar-out / "$2" numericowner:true xattrs:true ||
    fail "guestfish tar-out of $1"
}

# seed_tree IMAGE NAME OUT: the data image's layer of volume NAME as a
# tar whose paths are relative to the volume root (its v2c-data/NAME/
# prefix dropped), for tar-compare
seed_tree () {
  python3 - "$1" "$2" "$3" <<'EOF' || fail "reading the data image of $1"
import json, sys, tarfile, io, subprocess
img, name, out = sys.argv[1:4]
idx = json.load(open(img + "/index.json"))
man = [m for m in idx["manifests"]
       if m["annotations"]["org.opencontainers.image.ref.name"].endswith("-data")]
assert len(man) == 1, "no single data image in index.json"
m = json.load(open(img + "/blobs/sha256/" + man[0]["digest"][7:]))
pre = "v2c-data/" + name
found = False
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as o:
    for l in m["layers"]:
        raw = open(img + "/blobs/sha256/" + l["digest"][7:], "rb").read()
        if raw[:2] == b"\x1f\x8b":
            pass
        else:
            raw = subprocess.run(["zstd", "-dc"], input=raw, capture_output=True,
                                 check=True).stdout
        t = tarfile.open(fileobj=io.BytesIO(raw))
        names = t.getnames()
        if pre not in names:
            continue
        found = True
        for e in t.getmembers():
            if e.name == pre or not e.name.startswith(pre + "/"):
                continue
            data = t.extractfile(e).read() if e.isreg() else None
            e.name = "./" + e.name[len(pre) + 1:]
            if e.islnk():
                e.linkname = "./" + e.linkname[len(pre) + 1:]
            e.pax_headers = {k: v for k, v in e.pax_headers.items()
                             if not k.startswith("GNU.sparse")}
            if data is not None:
                e.size = len(data)
            o.addfile(e, io.BytesIO(data) if data is not None else None)
assert found, "no layer holds " + pre
EOF
}
