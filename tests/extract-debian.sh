#!/bin/bash
# v2c-extract on a REAL Debian 12 guest (tests/make-debian.sh, cached):
#  - the os layer holds exactly the package files whose content still has
#    the md5 of the package's .md5sums (checked here with md5sum -c on the
#    host copy of the tree), /etc aside;
#  - the union of the layers equals libguestfs's own tar of the guest
#    (tests/tar-compare; the tar is made once per cached guest), except
#    the documented excludes;
#  - an interrupted run (SIGINT; of the host copy of the tree, without a
#    second appliance) ends with a clear error and leaves no directory
#    that looks like an image.
# The inventory is the one inspect-debian.sh kept when it ran in this
# build tree (Makefile.am runs it first), else v2c-inspect's own.
. "${top_srcdir:?}/tests/extract-lib.sh"
if [ -n "${V2C_SANITIZED:-}" ]; then
  skip "runs in the plain suite (minutes of TCG); under the sanitizers the demo guests cover v2c-extract"
fi
need_tools debootstrap
cache=$("$top_srcdir/tests/make-debian.sh") || fail "could not build the Debian guest"
tree=$cache/tree
disk=$cache/debian12.qcow2
tmp=$(tmpdir extract-debian)
pid=
on_exit '[ -z "$pid" ] || kill "$pid" 2>/dev/null'
img=$tmp/img

before=$(sha256sum <"$disk")
# the documented workflow: inventory, plan (could be edited), image
kept=$top_builddir/tests/debian12-inventory
if [ -f "$kept.json" ] && [ "$kept.json" -nt "$top_builddir/tools/v2c-inspect" ] &&
  [ "$(cat "$kept.sha256" 2>/dev/null)" = "$before" ]; then
  cp "$kept.json" "$tmp/inv.json"
  ok "the inventory inspect-debian.sh made of this disk"
else
  v2c-inspect -q "$disk" -o "$tmp/inv.json" || fail "v2c-inspect failed"
fi
v2c-plan -q "$tmp/inv.json" -o "$tmp/plan.json" || fail "v2c-plan failed"
s=$(date +%s)
v2c-extract -v --plan "$tmp/plan.json" "$disk" -o "$img" 2>"$tmp/log" || { cat "$tmp/log" >&2; fail "v2c-extract failed"; }
grep -q 'peak RSS' "$tmp/log" || fail "no peak RSS line at -v"
ok "v2c-extract took $(( $(date +%s) - s )) s; $(grep 'peak RSS' "$tmp/log" | sed 's/.*: //')"
[ "$before" = "$(sha256sum <"$disk")" ] || fail "the disk image changed"
check_image "$img" debian12

# --- os layer = unchanged package files (md5sum -c on the tree) ---------
excluded='^(etc|boot|proc|sys|dev|run|tmp|var/tmp|var/cache/apt|var/cache/debconf|var/lib/apt/lists|var/log|lib/modules|usr/lib/modules)(/|$)'
(
  cd "$tree"
  cat var/lib/dpkg/info/*.md5sums | awk '!seen[$2]++' |
    md5sum -c 2>/dev/null | sed -n 's/: OK$//p' |
    # merged /usr: bin/ls is usr/bin/ls in the walk (one readlink and one
    # realpath for all 11,000 paths: a process per path took minutes)
    xargs -r -d '\n' readlink -f -- | sed "s|^$PWD/||" |
    xargs -r -d '\n' realpath -s --relative-to=. --
) | grep -Ev "$excluded" | sort -u >"$tmp/want"
i=$(layer_index_of "$img" os)
layer_cat "$(layers_of "$img" | sed -n "$((i + 1))p")" | tar -tv --quoting-style=literal |
  awk '$1 ~ /^[-h]/ { $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); sub(/ link to .*/, ""); print }' |
  sort -u >"$tmp/got"
if ! diff -u "$tmp/want" "$tmp/got" >"$tmp/os.diff"; then
  head -40 "$tmp/os.diff" >&2
  fail "the os layer's files differ from the unchanged package files (md5sum -c)"
fi
ok "os layer: exactly the $(wc -l <"$tmp/got") package files whose md5 matches their .md5sums"

# --- round trip ----------------------------------------------------------
# libguestfs's tar of the guest depends on the cached disk only: it is
# made once and kept beside it
ref=$cache/ref.tar
if [ ! -f "$ref" ]; then
  on_exit "rm -f '$ref.tmp.$$'"
  guest_ref_tar "$disk" "$ref.tmp.$$"
  mv "$ref.tmp.$$" "$ref"
fi
ln -s "$ref" "$tmp/ref.tar"
mapfile -t layers < <(layers_of "$img")
miss=()
for p in "/proc/**" "/sys/**" "/dev/**" "/run/**" "/tmp/**" "/var/tmp/**" /boot /lost+found \
         /lib/modules /usr/lib/modules /var/cache/apt /var/lib/apt/lists "/var/cache/debconf/*-old" \
         "/var/log/**" /etc/machine-id /var/lib/dbus/machine-id "/etc/ssh/ssh_host_*" \
         /etc/shadow /etc/shadow- /etc/gshadow /etc/gshadow-; do
  miss+=(--missing "$p")
done
jq -r '.image.volumes[].path + "/*", .image.secret_files[].path' "$tmp/plan.json" >"$tmp/planned"
while IFS= read -r p; do miss+=(--missing "$p"); done <"$tmp/planned"
"$top_builddir/tests/tar-compare" --ignore-mtime-dirs "${miss[@]}" "$tmp/ref.tar" "${layers[@]}" \
  >"$tmp/cmp" 2>&1 || { head -60 "$tmp/cmp" >&2; fail "the layers differ from the guest tree"; }
tail -1 "$tmp/cmp"
ok "the layers hold exactly the guest's entries, modes, owners, link targets, content and xattrs"

# --- SIGINT in the middle of the walk ----------------------------------
# The host copy of the tree (--root), read the same way as the guest
# (lib/fs-tree.h) without an appliance of its own: the walk takes close
# to a minute here, the signal comes as it starts.
v2c-extract -v --root "$tree" --plan "$tmp/plan.json" -o "$tmp/int" 2>"$tmp/int.log" &
pid=$!
for _ in $(seq 600); do
  grep -q 'packages own' "$tmp/int.log" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
grep -q 'packages own' "$tmp/int.log" || { cat "$tmp/int.log" >&2; fail "the run never reached the walk"; }
kill -INT "$pid"
st=0
wait "$pid" || st=$?
pid=
[ "$st" = 130 ] || { cat "$tmp/int.log" >&2; fail "interrupted run exited $st, expected 130"; }
grep -q 'error: interrupted' "$tmp/int.log" || { cat "$tmp/int.log" >&2; fail "no 'interrupted' error"; }
[ ! -e "$tmp/int" ] || fail "$tmp/int exists after an interrupted run"
ls -d "$tmp"/int.tmp-* >/dev/null 2>&1 && fail "a temporary image directory was left"
ok "SIGINT: exit 130, 'interrupted', nothing left behind"
