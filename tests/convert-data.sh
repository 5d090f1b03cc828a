#!/bin/bash
# The data comes with the VM (issue 15): v2c-convert copies each pvc
# volume into DIR/data/VOLUME.tar.zst and into a data image of its own
# in DIR/image.  Checked against libguestfs's own tar of the same
# directory (guestfish tar-out, one launch per VM, not v2c's code): the
# archive and the data image's volume layer hold the guest's files byte
# for byte (list, types, modes, owners, xattrs, contents, through
# tests/tar-compare); no planted secret value in either; the plan records
# the archive's sha256 and size; the data image shares the image's os
# layer blob; the workload gets its seed initContainer (root, the few
# capabilities, runAsNonRoot false) and kubectl kustomize still builds
# k8s/, without the seed Jobs of k8s/seed/.  --data none writes none of
# it.  On the demo VM (data.db, 0640) and the db VM (PostgreSQL's
# cluster, owner 105, a 2 MiB file).
. "${top_srcdir:?}/tests/extract-lib.sh"
[ -n "${V2C_SANITIZED:-}" ] &&
  skip "V2C_SANITIZED=1: three conversions and two launches would take many minutes"
need_tools kubectl zstd python3 guestfish node
js=$(bash "$top_srcdir/tests/setup-node.sh")

tmp=$(tmpdir convert-data)
cmp=$top_builddir/tests/tar-compare

# check_vm NAME SOURCE DISK FORMAT VOLPATH: convert, compare, check
check_vm () {
  local name=$1 src=$2 disk=$3 fmt=$4 vol=$5 out=$tmp/$1 vname arch sha size
  # golden.sh's conversion (with the default --data both) when there is
  # one and nothing else is asked, else its own
  if [ -z "$convert_opts" ] && out=$(converted_vm "${src#"$V2C_FIXTURES"/}"); then
    echo "# $name: golden.sh's conversion, $out"
  else
    out=$tmp/$1
    # shellcheck disable=SC2086 # $convert_opts: words
    v2c-convert -q $convert_opts "$src" -o "$out" 2>"$tmp/$name.log" ||
      { cat "$tmp/$name.log" >&2; fail "$name: v2c-convert $convert_opts failed"; }
  fi
  vname=$(jq -r --arg p "$vol" '.image.volumes[] | select(.path == $p) | .data.name' "$out/plan.json")
  arch=$(jq -r --arg p "$vol" '.image.volumes[] | select(.path == $p) | .data.archive' "$out/plan.json")
  sha=$(jq -r --arg p "$vol" '.image.volumes[] | select(.path == $p) | .data.sha256' "$out/plan.json")
  size=$(jq -r --arg p "$vol" '.image.volumes[] | select(.path == $p) | .data.size' "$out/plan.json")
  [ -n "$vname" ] && [ "$vname" != null ] || fail "$name: the plan records no data for $vol"
  [ "$arch" = "data/$vname.tar.zst" ] || fail "$name: archive '$arch'"
  [ -f "$out/$arch" ] || fail "$name: $arch missing"
  [ "$(sha256sum <"$out/$arch" | cut -d' ' -f1)" = "$sha" ] ||
    fail "$name: $arch does not hash to the plan's sha256"
  [ "$(stat -c %s "$out/$arch")" = "$size" ] || fail "$name: $arch is not the plan's size"
  ok "$name: $arch with the plan's sha256 and size"
  jq -e '.image.data_ref and (.image.data_manifest | startswith("sha256:"))' \
    "$out/plan.json" >/dev/null || fail "$name: the plan names no data image"

  # ground truth: libguestfs's tar of the volume, one launch
  guestfish --ro --format="$fmt" -a "$disk" -i tar-out "$vol" "$tmp/$name-ref.tar" \
    numericowner:true xattrs:true acls:true || fail "$name: guestfish tar-out $vol"
  "$cmp" --missing / "$tmp/$name-ref.tar" "$out/$arch" >"$tmp/$name-cmp" 2>&1 ||
    { cat "$tmp/$name-cmp" >&2; fail "$name: the archive differs from the guest's $vol"; }
  ok "$name: the archive holds $vol byte for byte ($(tail -n1 "$tmp/$name-cmp"))"
  seed_tree "$out/image" "$vname" "$tmp/$name-seed.tar"
  "$cmp" --missing / "$tmp/$name-ref.tar" "$tmp/$name-seed.tar" >"$tmp/$name-cmp" 2>&1 ||
    { cat "$tmp/$name-cmp" >&2; fail "$name: the data image differs from the guest's $vol"; }
  ok "$name: the data image's layer holds $vol byte for byte"

  # no planted secret in the archive or any decompressed blob
  zstd -dc "$out/$arch" >"$tmp/$name-arch.tar"
  no_planted_secret_in "$tmp/$name-arch.tar" "$tmp/$name-seed.tar"
  no_planted_secret_in_image "$out/image"

  # the data image: the image's os layer (same blob) and the volumes'
  python3 - "$out/image" <<'EOF' || fail "$name: the data image does not share the os layer"
import json, sys
img = sys.argv[1]
idx = json.load(open(img + "/index.json"))["manifests"]
assert len(idx) == 2, idx
main, data = (json.load(open(img + "/blobs/sha256/" + m["digest"][7:])) for m in idx)
assert data["layers"][0]["digest"] == main["layers"][0]["digest"]
assert all(l["digest"] not in [x["digest"] for x in main["layers"]]
           for l in data["layers"][1:])
EOF
  ok "$name: the data image shares the os layer's blob"

  # the seed initContainer, and the manifests still build
  python3 - "$out/k8s" "$vname" <<'EOF' || fail "$name: no seed initContainer"
import glob, sys, yaml
k8s, v = sys.argv[1:3]
found = 0
for f in glob.glob(k8s + "/*.yaml"):
    for d in yaml.safe_load_all(open(f)):
        spec = (d or {}).get("spec", {}).get("template", {}).get("spec", {})
        for c in spec.get("initContainers", []):
            if c["name"] != "v2c-seed-" + v:
                continue
            sc = c["securityContext"]
            assert sc["runAsUser"] == 0 and sc["runAsNonRoot"] is False
            assert sc["capabilities"]["drop"] == ["ALL"]
            assert set(sc["capabilities"]["add"]) <= {"CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID"}
            assert c["image"].split("@")[1].startswith("sha256:")
            assert "-data@" in c["image"]
            assert any(m["name"] == v for m in c["volumeMounts"])
            assert ".v2c-seeded" in c["command"][-1]
            found += 1
assert found == 1, found
EOF
  ok "$name: the workload has its initContainer v2c-seed-$vname"
  [ -f "$out/k8s/seed/job-v2c-seed-$vname.yaml" ] || fail "$name: no seed Job in k8s/seed"
  grep -q seed/ "$out/k8s/kustomization.yaml" && fail "$name: kustomization.yaml lists a seed Job"
  kubectl kustomize "$out/k8s" >"$tmp/$name-kust.yaml" || fail "$name: kubectl kustomize k8s/"
  grep -q "v2c-seed-$vname" "$tmp/$name-kust.yaml" || fail "$name: the built manifests lack the initContainer"
  NODE_PATH=$js/node_modules node "$top_srcdir/tests/js/validate-k8s.js" \
    "$out"/k8s/seed/*.yaml "$tmp/$name-kust.yaml" >"$tmp/$name-validate.log" 2>&1 ||
    { cat "$tmp/$name-validate.log" >&2; fail "$name: the official schemas refuse an object"; }
  ok "$name: kubectl kustomize builds k8s/ with the initContainer, not the seed Jobs; the schemas accept them"
  grep -q "kubectl exec -i job/v2c-seed-$vname" "$out/report.md" ||
    fail "$name: the report gives no seed command"
  ok "$name: the report gives the commands to seed from the archive"
}

# the demo with --verify where podman runs (root): the converted VM runs
# from its seeded PVC, and every component passes, backup included (it
# copies data.db out of demo-app's claim, which it shares)
convert_opts=
if [ "$(id -u)" = 0 ] && command -v podman >/dev/null; then
  convert_opts=--verify
fi
check_vm demo "$V2C_FIXTURES/ova/demo.ova" "$V2C_FIXTURES/disk/demo.img" raw /var/lib/demo-app
if [ -n "$convert_opts" ]; then
  jq -e '.passed == true and ([.components[] | select(.passed | not)] | length == 0)
         and ([.components[] | select(.name == "backup" and .checks[0].exit_code == 0)] | length == 1)' \
    "$tmp/demo/verify.json" >/dev/null ||
    fail "demo: v2c-convert --verify: $(jq -c '[.components[] | {name, passed}]' "$tmp/demo/verify.json")"
  grep -q '^## Verified' "$tmp/demo/report.md" || fail "demo: --verify added no Verified section"
  id=$(jq -r '[.components[].checks[].target // empty | select(startswith("v2c-verify-"))][0]
              | split("-")[0:3] | join("-")' "$tmp/demo/verify.json")
  [ -n "$id" ] && [ "$id" != null ] || fail "demo: no run id in verify.json's targets"
  left=$(podman ps -aq --filter "label=v2c.verify=$id"; podman volume ls -q --filter "label=v2c.verify=$id")
  [ -z "$left" ] || fail "demo: v2c-convert --verify left: $left"
  ok "demo: v2c-convert --verify: every component passes from the seeded PVC (backup too), nothing left in podman"
fi
convert_opts=
tar -tv --numeric-owner -f "$tmp/demo-arch.tar" | grep -q '^-rw-r----- 1001/1001 .* data.db$' ||
  fail "demo: data.db is not there with mode 0640"
ok "demo: data.db, 0640, 1001:1001"

check_vm db "$V2C_FIXTURES/db/db.vmx" "$V2C_FIXTURES/db/db.vmdk" vmdk /var/lib/postgresql/15/main
dbout=$(converted_vm db/db.vmx) || dbout=$tmp/db
tar -tv --numeric-owner -f "$tmp/db-arch.tar" | grep -q ' 105/105 *2097152 ' ||
  fail "db: no 2 MiB file owned by 105"
jq -e '[.volumes[].note // "" | select(test("crash-consistent") and test("pg_dump")
        and test("pg_restore"))] | length == 1' "$dbout/report.json" >/dev/null ||
  fail "db: the report does not say what PostgreSQL's copied files are worth"
ok "db: the 2 MiB file owned by 105; the report's database note"

# --- --data none: nothing of it -----------------------------------------
v2c-convert -q --data none "$V2C_FIXTURES/ova/demo.ova" -o "$tmp/none" 2>"$tmp/none.log" ||
  { cat "$tmp/none.log" >&2; fail "v2c-convert --data none"; }
[ ! -e "$tmp/none/data" ] || fail "--data none wrote DIR/data"
[ ! -e "$tmp/none/k8s/seed" ] || fail "--data none wrote k8s/seed"
[ "$(jq '.manifests | length' "$tmp/none/image/index.json")" = 1 ] || fail "--data none made a data image"
jq -e '[.image.volumes[] | select(.data)] | length == 0' "$tmp/none/plan.json" >/dev/null ||
  fail "--data none recorded data in the plan"
grep -rq initContainers "$tmp/none/k8s" && fail "--data none added an initContainer"
[ "$(jq -r '.manifests[0].digest' "$tmp/none/image/index.json")" = \
  "$(jq -r '.manifests[0].digest' "$tmp/demo/image/index.json")" ] ||
  fail "the image's manifest depends on --data"
ok "--data none: no archive, no data image, no initContainer; the same image"
