#!/bin/bash
# The copy of a data volume keeps what a filesystem holds and leaves
# secrets out (issue 15), on a host tree (v2c-extract --root: no
# appliance): a pvc volume with owners, modes, an xattr, a symlink, a
# hard link pair, a sparse file, a listed secret file and an unlisted
# one whose content is a secret.  The archive and the data image's
# layer equal GNU tar's archive of the same directory (tests/tar-compare)
# but for the two secret files, which are in neither, nor their values;
# the hard link is a hard link, the sparse file keeps its map; a second
# run gives the same bytes.  (v2c-plan --strategy single: the tree has no package
# database, and the one layer the data image shares holds /bin/sh.)
. "${top_srcdir:?}/tests/extract-lib.sh"
need_tools jq tar python3 zstd truncate
[ "$(id -u)" = 0 ] || skip "writing the tree's owners needs root"

tmp=$(tmpdir extract-data-tree)
root=$tmp/root
vol=$root/var/lib/demo-app
mkdir -p "$vol/sub" "$root/bin"
printf '#!/bin/sh\n' >"$root/bin/sh" && chmod 0755 "$root/bin/sh"
printf 'rows\n' >"$vol/data.db" && chmod 0640 "$vol/data.db" && chown 105:106 "$vol/data.db"
printf 'shared\n' >"$vol/sub/a" && ln "$vol/sub/a" "$vol/sub/b"
truncate -s 4M "$vol/sparse" && printf 'end' | dd of="$vol/sparse" bs=1 seek=$((3 << 20)) conv=notrunc status=none
ln -s data.db "$vol/current"
xattr=0
if command -v setfattr >/dev/null && setfattr -n user.v2c -v kept "$vol/data.db" 2>/dev/null; then
  xattr=1
fi
printf 'db:5432:app:app:v2cD1listed\n' >"$vol/.pgpass"
printf 'password = v2cD2unlisted\n' >"$vol/sub/app.ini"
chown 1001:1001 "$vol" && chmod 0750 "$vol"

v2c-plan -q --strategy single "$top_srcdir/tests/data/plan/demo-inventory.json" -o "$tmp/plan0.json" ||
  fail "v2c-plan"
jq '.image.secret_files += [{"path": "/var/lib/demo-app/.pgpass", "kinds": ["password"]}]' \
  "$tmp/plan0.json" >"$tmp/plan.json"

run () {  # run N [OPTION...]: extract with data into $tmp/N
  local n=$1
  shift
  mkdir -p "$tmp/$n.data"
  v2c-extract --plan "$tmp/plan.json" --root "$root" --data both --data-dir "$tmp/$n.data" \
    "$@" -o "$tmp/$n" 2>"$tmp/$n.err" || { cat "$tmp/$n.err" >&2; fail "v2c-extract --data both $*"; }
}
run 1
arch=$tmp/1.data/var-lib-demo-app.tar.zst
[ -f "$arch" ] || fail "no archive $arch"
tar -C "$vol" --xattrs --numeric-owner --format=pax -cf "$tmp/ref.tar" . || fail "GNU tar of the volume"
"$top_builddir/tests/tar-compare" --missing / --absent /.pgpass --absent /sub/app.ini \
  "$tmp/ref.tar" "$arch" >"$tmp/cmp" 2>&1 || { cat "$tmp/cmp" >&2; fail "the archive differs from the tree"; }
ok "the archive = the volume but its secret files ($(tail -n1 "$tmp/cmp"))"
seed_tree "$tmp/1" var-lib-demo-app "$tmp/seed.tar"
"$top_builddir/tests/tar-compare" --missing / --absent /.pgpass --absent /sub/app.ini \
  "$tmp/ref.tar" "$tmp/seed.tar" >"$tmp/cmp" 2>&1 || { cat "$tmp/cmp" >&2; fail "the data image's layer differs from the tree"; }
ok "the data image's layer = the volume but its secret files"

zstd -dc "$arch" >"$tmp/arch.tar"
for v in v2cD1listed v2cD2unlisted; do
  ! grep -rqaF "$v" "$tmp/arch.tar" "$tmp/seed.tar" || fail "the secret value $v was copied"
  layers_text=$(for b in "$tmp"/1/blobs/sha256/*; do layer_cat "$b"; done | grep -caF "$v" || true)
  [ "$layers_text" = 0 ] || fail "the secret value $v is in a blob of the image"
done
ok "no secret value in the archive or any blob"
tar -tv --numeric-owner -f "$tmp/arch.tar" >"$tmp/list"
grep -q '^hrw.* sub/b link to sub/a$' "$tmp/list" || fail "sub/b is not a hard link: $(cat "$tmp/list")"
grep -q '^-rw-r----- 105/106 .* data.db$' "$tmp/list" || fail "data.db lost its owner or mode"
python3 - "$tmp/arch.tar" <<'EOF' || fail "the sparse file lost its map"
import sys, tarfile
t = tarfile.open(sys.argv[1])
m = t.getmember("sparse")
assert m.sparse and sum(l for o, l in m.sparse) < 64 * 1024, m.sparse
assert t.extractfile(m).read()[(3 << 20):(3 << 20) + 3] == b"end"
EOF
ok "hard link, owner 105:106 and mode 0640, sparse map kept"
if [ $xattr = 1 ]; then
  python3 -c "import sys,tarfile; t=tarfile.open(sys.argv[1]); assert t.getmember('data.db').pax_headers.get('SCHILY.xattr.user.v2c') == 'kept'" \
    "$tmp/arch.tar" || fail "data.db's xattr was not kept"
  ok "data.db's xattr kept"
fi

run 2
cmp -s "$arch" "$tmp/2.data/var-lib-demo-app.tar.zst" || fail "a second run gives another archive"
[ "$(jq -c .manifests "$tmp/1/index.json")" = "$(jq -c .manifests "$tmp/2/index.json")" ] ||
  fail "a second run gives other manifests"
ok "a second run gives the same archive and the same two manifests"

# a volume under a directory the plan (or --exclude) drops is still copied
run 4 --exclude /var/lib
cmp -s "$arch" "$tmp/4.data/var-lib-demo-app.tar.zst" ||
  fail "with /var/lib excluded, the volume's archive differs"
ok "a volume below an excluded directory is copied all the same"

# without --data, v2c-extract writes neither
v2c-extract -q --plan "$tmp/plan.json" --root "$root" -o "$tmp/3" || fail "v2c-extract"
[ "$(jq '.manifests | length' "$tmp/3/index.json")" = 1 ] || fail "a data image without --data"
ok "no data image without --data"
