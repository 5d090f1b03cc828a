#!/bin/bash
# v2c - move VMware virtual machines onto Kubernetes
# Copyright (C) 2026 the v2c authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# tests/tar-compare, the judge of the round-trip tests, must be able to
# fail.  Small trees are archived by GNU tar (and by Python's tarfile
# where GNU tar can't write what is needed: xattrs without a filesystem
# that keeps them, hostile names, whiteouts); each change to the image
# must make tar-compare exit 1 with the right message, equal pairs exit 0,
# unreadable input exits 2.
. "${top_srcdir:?}/tests/lib.sh"
set +e # the checks below count their failures

prog="${top_builddir:-.}/tests/tar-compare"
[ -x "$prog" ] || fail "$prog not built"
need_tools tar gzip python3 truncate dd
tmp=$(tmpdir tar-compare)
cd "$tmp" || fail "cd $tmp"
umask 022

nfail=0
nok=0
# check STATUS REGEX WHAT ARGS...: tar-compare ARGS exits STATUS and its
# output (stdout or stderr) matches the extended regex REGEX.
check () {
  local want=$1 re=$2 what=$3 st
  shift 3
  "$prog" "$@" >out 2>err
  st=$?
  if [ "$st" = "$want" ] && grep -Eq -- "$re" out err; then
    nok=$((nok + 1))
    echo "ok: $what"
  else
    nfail=$((nfail + 1))
    {
      echo "FAIL: $what: exit $st (want $want, output matching '$re')"
      echo "  command: tar-compare $*"
      sed 's/^/  | /' out err
    } >&2
  fi
}

# Every timestamp of tree $1 set to one fixed time.
stamp () {
  find "$1" -depth -exec touch -h -d '2021-05-06 07:08:09 UTC' {} + ||
    fail "touch $1"
}

# GNU tar with fixed owners, so that the test needs no root.
tarc () {
  tar --numeric-owner --owner=0 --group=0 --sort=name "$@" ||
    fail "tar $*"
}

mkdir -p t/etc t/usr/bin t/var/lib/app t/var/tmp t/empty t/run t/opt ||
  fail "mkdir"
printf 'hello world\n' >t/etc/hosts
printf 'root:x:0:0:root:/root:/bin/sh\n' >t/etc/passwd
printf 'root:*:19000::::::\n' >t/etc/shadow
chmod 0640 t/etc/shadow
printf '#!/bin/sh\necho hi\n' >t/usr/bin/tool
chmod 4755 t/usr/bin/tool
ln t/usr/bin/tool t/usr/bin/tool2 || fail "ln"
ln -s ../usr/bin/tool t/etc/tool-link || fail "ln -s"
chmod 1777 t/var/tmp
printf 'some data\n' >t/var/lib/app/data.txt
printf 'notes\n' >t/var/lib/app/notes.txt
printf 'opt\n' >t/opt/readme
truncate -s 3M t/var/lib/app/sparse || fail "truncate"
printf 'x' | dd of=t/var/lib/app/sparse bs=1 seek=1048576 conv=notrunc \
  status=none || fail "dd"
mkfifo t/run/fifo || fail "mkfifo"
chmod 0755 t
stamp t

# The reference: GNU format, "./" names, sparse entries.
tarc -S -C t -cf ref.tar . || fail "tar ref"

# ---- equal pairs ----
tarc --format=pax -C t -cf l-pax.tar .
check 0 ' 0 differences' "equal tree as one pax layer" ref.tar l-pax.tar

# names without "./" and no root entry (the root may be missing)
tarc -C t -cf l-bare.tar etc opt run usr var empty
check 0 ' 0 differences' "names without ./ and no root" ref.tar l-bare.tar

# two layers, the second gzip'd
tarc -C t -cf l1.tar ./etc ./var ./run
tarc -C t -cf l2.tar ./usr ./empty ./opt
gzip -n l2.tar || fail "gzip"
check 0 ' 0 differences' "two layers, second gzip'd" ref.tar l1.tar l2.tar.gz
if command -v zstd >/dev/null; then
  zstd -q -c l1.tar >l1.tar.zst || fail "zstd"
  check 0 ' 0 differences' "zstd layer" ref.tar l1.tar.zst l2.tar.gz
fi

# the other name of the hard link carries the data; no hard links at all
(cd t && find . | sort -r) >list-rev || fail "find"
tarc --no-recursion -C t -T list-rev -cf l-rev.tar
tar -tvf l-rev.tar >l-rev.lst || fail "tar -t"
grep -q 'usr/bin/tool link to ./usr/bin/tool2' l-rev.lst ||
  fail "tar did not store usr/bin/tool as a hard link to tool2"
check 0 ' 0 differences' "hard link stored the other way" ref.tar l-rev.tar
tarc --hard-dereference -C t -cf l-deref.tar .
check 0 ' 0 differences' "hard link stored as two files" ref.tar l-deref.tar

# fifos in the reference may be missing from the image, and are counted
tarc -C t --exclude=fifo -cf l-nofifo.tar .
check 0 '1 device nodes, fifos and sockets' "fifo skipped" \
  ref.tar l-nofifo.tar

# The reference stores the sparse file as sparse (the whole tree is
# smaller than its 3 MiB), the layers above store it whole: the equal
# pairs above compared the holes as zeros.
[ "$(stat -c %s ref.tar)" -lt 1048576 ] ||
  fail "GNU tar -S did not store a sparse file"

# ---- overlays ----
cp -a t old || fail "cp"
printf 'stale content!\n' >old/etc/hosts
chmod 0600 old/etc/hosts
printf 'stale\n' >old/etc/stale
printf 'junk\n' >old/empty/junk
rm old/var/lib/app/notes.txt && mkdir old/var/lib/app/notes.txt &&
  printf 'x\n' >old/var/lib/app/notes.txt/inner || fail "old tree"
stamp old
tarc -C old -cf o1.tar .
check 1 'not in reference: /etc/stale' "stale file of a lower layer" \
  ref.tar o1.tar l-pax.tar
mkdir -p wh/etc wh/empty || fail "mkdir"
: >wh/etc/.wh.stale
: >wh/empty/.wh..wh..opq
tarc -C wh -cf o3.tar ./etc/.wh.stale ./empty/.wh..wh..opq
check 0 ' 0 differences' "replaced files, whiteout, opaque whiteout" \
  ref.tar o1.tar l-pax.tar o3.tar
check 1 'not in reference: /empty/junk' "opaque whiteout needed" \
  ref.tar o1.tar l-pax.tar --missing /etc/stale
grep -q 'notes.txt/inner' out &&
  fail "a file replacing a directory did not hide what was below it"

# ---- differences ----
# new tree: a fresh copy of t changed by "$@", then archived as a layer
variant () {
  local name=$1
  shift
  rm -rf v && cp -a t v || fail "cp"
  (cd v && "$@") || fail "change for $name"
  stamp v
  tarc -C v -cf "$name.tar" .
}

variant v-mode chmod 0600 etc/hosts
check 1 'mode differs: /etc/hosts: image 0600, reference 0644' \
  "changed mode" ref.tar v-mode.tar
variant v-suid chmod u-s usr/bin/tool
check 1 'mode differs: /usr/bin/tool: image 0755, reference 4755' \
  "suid bit lost" ref.tar v-suid.tar
variant v-sticky chmod -t var/tmp
check 1 'mode differs: /var/tmp: image 0777, reference 1777' \
  "sticky bit lost" ref.tar v-sticky.tar

tar --numeric-owner --owner=1234 --group=0 --sort=name -C t \
  -cf v-owner.tar ./etc/hosts || fail "tar"
check 1 'owner differs: /etc/hosts: image 1234:0, reference 0:0' \
  "changed owner" ref.tar l-pax.tar v-owner.tar
tar --numeric-owner --owner=0 --group=4321 --sort=name -C t \
  -cf v-group.tar ./etc/hosts || fail "tar"
check 1 'owner differs: /etc/hosts: image 0:4321, reference 0:0' \
  "changed group" ref.tar l-pax.tar v-group.tar
mkdir many || fail "mkdir"
for i in $(seq 1 60); do printf '%s\n' "$i" >"many/f$i"; done
stamp many
tarc -C many -cf many-ref.tar .
tar --numeric-owner --owner=1234 --group=0 -C many -cf many-owner.tar . ||
  fail "tar"
check 1 '^\.\.\. and 11 more$' "more than 50 differences" \
  many-ref.tar many-owner.tar
[ "$(wc -l <out)" = 52 ] || fail "not 50 lines, '... and N more', summary"
grep -q ' 61 differences$' out || fail "not 61 differences counted"

variant v-content sh -c "printf 'hello World\n' >etc/hosts"
check 1 'content differs: /etc/hosts: image sha256:' \
  "changed content, same size" ref.tar v-content.tar
variant v-size sh -c "printf 'hello world!\n' >etc/hosts"
check 1 'size differs: /etc/hosts: image 13, reference 12' \
  "changed size" ref.tar v-size.tar
variant v-hole sh -c "printf 'y' | dd of=var/lib/app/sparse bs=1 \
  seek=2000000 conv=notrunc status=none"
check 1 'content differs: /var/lib/app/sparse' "byte written in a hole" \
  ref.tar v-hole.tar
variant v-hl sh -c "printf '#!/bin/sh\necho ho\n' >usr/bin/tool"
check 1 'content differs: /usr/bin/tool2: .*hard link to /usr/bin/tool' \
  "changed content of a hard-linked file" ref.tar v-hl.tar

variant v-link ln -sfn ../usr/bin/tool2 etc/tool-link
check 1 "symlink target differs: /etc/tool-link: image '../usr/bin/tool2', \
reference '../usr/bin/tool'" "changed symlink target" ref.tar v-link.tar

variant v-type sh -c "rm etc/hosts && mkdir etc/hosts"
check 1 'type differs: /etc/hosts: image directory, reference regular file' \
  "changed type" ref.tar v-type.tar

variant v-mtime true
touch -d '2022-01-01 00:00:00 UTC' v/etc/hosts v/etc || fail "touch"
tarc -C v -cf v-mtime.tar .
check 1 'mtime differs: /etc/hosts: image 1640995200, reference 1620284889' \
  "changed file mtime" ref.tar v-mtime.tar
check 1 'mtime differs: /etc: image' "changed directory mtime" \
  ref.tar v-mtime.tar
check 1 ' 1 differences' "--ignore-mtime-dirs keeps file mtimes" \
  --ignore-mtime-dirs ref.tar v-mtime.tar
touch -d '2021-05-06 07:08:09 UTC' v/etc/hosts || fail "touch"
tarc -C v -cf v-mtime-dir.tar .
check 0 ' 0 differences' "--ignore-mtime-dirs" \
  --ignore-mtime-dirs ref.tar v-mtime-dir.tar

# ---- missing and absent paths ----
variant v-missing rm etc/passwd
check 1 'missing from image: /etc/passwd \(regular file\)' \
  "missing file" ref.tar v-missing.tar
check 0 ' 1 missing as expected, 0 differences' "--missing exact" \
  --missing /etc/passwd ref.tar v-missing.tar
check 0 ' 0 differences' "--missing with * and ?" \
  --missing '/e?c/pass*' ref.tar v-missing.tar
check 0 ' 0 differences' "--missing with **" \
  --missing '**/passwd' ref.tar v-missing.tar
check 0 ' 0 differences' "--missing with **/ over no directory" \
  --missing '/etc/**/passwd' ref.tar v-missing.tar
check 0 ' 0 differences' "--missing on the directory above" \
  --missing '/etc' ref.tar v-missing.tar
check 1 'missing from image: /etc/passwd' "* does not cross /" \
  --missing '*passwd' ref.tar v-missing.tar
check 1 'missing from image: /etc/passwd' "pattern for another path" \
  --missing '/etc/passwd2' ref.tar v-missing.tar
check 0 "warning: --missing pattern '/nothing/here' matched no" \
  "unused --missing pattern is a warning" \
  --missing /nothing/here --missing /etc/passwd ref.tar v-missing.tar
check 0 '1 paths of the reference are not in the image' "--layers-only" \
  --layers-only ref.tar v-missing.tar

variant v-nodir rm -r var/lib
check 1 'missing from image: /var/lib \(directory\)' "missing directory" \
  ref.tar v-nodir.tar
check 0 ' 5 missing as expected, 0 differences' \
  "--missing on a directory covers its contents" \
  --missing /var/lib ref.tar v-nodir.tar

check 1 'present but must be absent: /etc/shadow' "--absent path present" \
  --absent /etc/shadow ref.tar l-pax.tar
variant v-noshadow rm etc/shadow
check 0 ' 0 differences' "--absent path missing" \
  --absent '/etc/sh*' ref.tar v-noshadow.tar

check 1 'not in reference: /etc/stale' "extra file in the image" \
  ref.tar o1.tar --missing /etc/hosts

# ---- xattrs, names, hostile entries (Python's tarfile writes them) ----
python3 - <<'EOF' || fail "python3 tarfile"
import io, tarfile

def add(tf, name, data=b"", xattrs=None, kind=tarfile.REGTYPE, link=""):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    ti.mtime = 1600000000
    ti.uid = ti.gid = 0
    ti.linkname = link
    if xattrs:
        ti.pax_headers = {"SCHILY.xattr." + k: v for k, v in xattrs.items()}
    if kind == tarfile.REGTYPE:
        ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data))
    else:
        tf.addfile(ti)

long = "d/" + "/".join(["c" * 200] * 20) + "/f"
def write(path, names, xattrs, extra=()):
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tf:
        add(tf, names + "d", kind=tarfile.DIRTYPE)
        add(tf, names + "d/file", b"data\n", xattrs)
        parts = long.split("/")
        for i in range(2, len(parts)):
            add(tf, names + "/".join(parts[:i]), kind=tarfile.DIRTYPE)
        add(tf, names + long, b"deep\n")
        for e in extra:
            add(tf, e, b"evil\n")

xa = {"user.comment": "hello", "security.selinux": "system_u:object_r:etc_t:s0"}
write("x-ref.tar", "./", xa)
write("x-same.tar", "/", xa)
write("x-none.tar", "", {"security.selinux": xa["security.selinux"]})
write("x-value.tar", "", dict(xa, **{"user.comment": "hellO"}))
write("x-extra.tar", "", dict(xa, **{"user.new": "1"}))
write("x-evil.tar", "", xa, ["../evil", "d/../../evil2"])
write("x-dup.tar", "", xa, ["d//file", "./d/./file"])
EOF
check 0 ' 0 differences' "xattrs equal, absolute and very long names" \
  x-ref.tar x-same.tar
check 1 'xattr missing from image: /d/file: user.comment' "missing xattr" \
  x-ref.tar x-none.tar
check 1 'xattr value differs: /d/file: user.comment' "changed xattr" \
  x-ref.tar x-value.tar
check 1 'xattr only in image: /d/file: user.new' "extra xattr" \
  x-ref.tar x-extra.tar
check 1 "bad name in x-evil.tar: '\.\./evil': '\.\.' in the name" \
  "'..' in a layer" x-ref.tar x-evil.tar
check 1 "bad name in x-evil.tar: 'd/\.\./\.\./evil2'" "'..' inside a name" \
  x-ref.tar x-evil.tar
check 1 'content differs: /d/file' "repeated name: the last entry wins" \
  x-ref.tar x-dup.tar

# xattrs written by GNU tar from the filesystem, when it keeps user.*
if command -v setfattr >/dev/null &&
  mkdir -p xa/sub && printf 'x\n' >xa/sub/f &&
  setfattr -n user.v2c -v hello xa/sub/f 2>/dev/null; then
  stamp xa
  tarc --xattrs --xattrs-include='user.*' -C xa -cf xa-ref.tar .
  tarc --xattrs --xattrs-include='user.*' --format=pax -C xa \
    -cf xa-same.tar .
  tarc -C xa -cf xa-none.tar .
  check 0 ' 0 differences' "GNU tar xattrs equal" xa-ref.tar xa-same.tar
  check 1 'xattr missing from image: /sub/f: user.v2c' \
    "GNU tar xattr missing" xa-ref.tar xa-none.tar
else
  echo "skip: GNU tar xattrs (no setfattr, or $tmp refuses user.* xattrs)"
fi

# ---- usage and read errors ----
check 2 'usage: tar-compare' "no arguments"
check 2 'usage: tar-compare' "no layer" ref.tar
check 2 "bad pattern 'etc'" "relative pattern" --missing etc ref.tar l1.tar
check 2 "can't open 'nonexistent.tar'" "missing layer" \
  ref.tar nonexistent.tar
printf 'this is not an archive\n' >junk.txt
check 2 "can't (open|read) 'junk.txt'" "not an archive" ref.tar junk.txt
head -c 3000 l-pax.tar >trunc.tar
check 2 "can't read 'trunc.tar'" "truncated layer" ref.tar trunc.tar
head -c 200 l2.tar.gz >trunc.tar.gz
check 2 "can't (open|read) 'trunc.tar.gz'" "truncated gzip layer" \
  ref.tar trunc.tar.gz

echo "$nok passed, $nfail failed"
[ "$nfail" = 0 ]
