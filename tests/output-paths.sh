#!/bin/bash
# -o of every tool replaces only a regular file (v2c-inspect, v2c-plan)
# or a directory (the others): a symbolic link, FIFO, socket or device
# node given as -o is refused with one line, before any work, and is
# still what it was afterwards (issue 14).  A non-empty directory v2c
# did not write is not replaced even with --force.  No appliance: the
# source is a VMX read --descriptor-only, and v2c-convert / v2c-extract
# / v2c-batch must refuse the output before they open anything.
. "${top_srcdir:?}/tests/lib.sh"
need_tools python3 jq
work=$(tmpdir output-paths)
cd "$work"

cat >vm.vmx <<'VMX'
.encoding = "UTF-8"
displayName = "outpaths"
memsize = "512"
numvcpus = "1"
scsi0.present = "TRUE"
scsi0:0.present = "TRUE"
scsi0:0.fileName = "vm.vmdk"
VMX
cp "$top_srcdir/tests/data/report/demo-inv.json" inv.json
cp "$top_srcdir/tests/data/report/demo-plan.json" plan.json
echo precious >target
mkdir home && echo mine >home/notes.txt

make_specials () {
  rm -rf s; mkdir s
  ln -s ../target s/link
  ln -s ../home s/dirlink
  mkfifo s/fifo
  python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind("s/sock")'
  if [ "$(id -u)" = 0 ]; then mknod s/null c 1 3; fi
}
state () { (cd s && find . -mindepth 1 -printf '%p %y %l\n' | sort); sha256sum target home/notes.txt; }

# try KIND CMD...: CMD (with -o s/KIND) must fail with the one line
try () {
  local kind=$1 rc=0 before after
  shift
  [ -e "s/$kind" ] || [ -L "s/$kind" ] || return 0
  before=$(state)
  timeout 60 "$@" >out 2>err </dev/null || rc=$?
  after=$(state)
  [ "$rc" -eq 1 ] || { cat err >&2; fail "$* : exit $rc, expected 1"; }
  [ "$(wc -l <err)" -eq 1 ] || { cat err >&2; fail "$* : not one line on stderr"; }
  grep -q ": error: .*-o replaces only\|: error: .*is a symbolic link" err ||
    { cat err >&2; fail "$* : message does not say what -o may replace"; }
  [ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after") >&2; fail "$* : touched the -o path"; }
  [ -z "$(ls -A s | grep -v '^\(link\|dirlink\|fifo\|sock\|null\)$')" ] || fail "$* : left files beside -o: $(ls -A s)"
}

make_specials
for k in link fifo sock null dirlink; do
  try "$k" v2c-inspect --descriptor-only vm.vmx -o "s/$k"
  try "$k" v2c-plan inv.json -o "s/$k"
done
for k in link fifo sock null dirlink; do
  try "$k" v2c-manifest plan.json -o "s/$k"
  try "$k" v2c-report inv.json plan.json -o "s/$k"
  try "$k" v2c-convert vm.vmx -o "s/$k"
  try "$k" v2c-extract vm.vmx -o "s/$k"
  try "$k" v2c-batch --descriptor-only -o "s/$k" vm.vmx
done
ok "every tool refuses a symbolic link, FIFO, socket or device node as -o"

# a regular file and an empty or v2c-made directory are still replaced
v2c-inspect --descriptor-only vm.vmx -o target || fail "-o a regular file"
jq -e .name target >/dev/null || fail "-o a regular file: not replaced"
echo precious >target
v2c-report inv.json plan.json -o rep || fail "report -o a new directory"
v2c-report --force inv.json plan.json -o rep || fail "report --force over its own output"
rc=0; v2c-report --force inv.json plan.json -o home 2>err || rc=$?
[ "$rc" -eq 1 ] && grep -q "is not a v2c output" err || { cat err >&2; fail "--force replaced a directory v2c did not write"; }
[ "$(cat home/notes.txt)" = mine ] || fail "home/notes.txt changed"
ok "a regular file and v2c's own directories are replaced; someone's directory is not, even with --force"
