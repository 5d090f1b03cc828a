#!/bin/bash
# The demo VM's image (OVA): it is accepted by skopeo and umoci, its
# layers follow the package database, secrets and data stay out, the
# union of its layers equals libguestfs's own tar of the guest
# (tests/tar-compare), and its app runs under runc as the guest's own
# user and answers on loopback.  The image is tests/golden.sh's
# conversion of the VM when there is one (v2c-convert extracts as
# v2c-extract does; extract-repro.sh runs v2c-extract itself), else
# v2c-extract's own.
. "${top_srcdir:?}/tests/extract-lib.sh"

name=demo
src=$V2C_FIXTURES/ova/demo.ova
tmp=$(tmpdir extract-demo)
ctr=v2c-test-$$
on_exit "runc kill '$ctr' KILL >/dev/null 2>&1; runc delete -f '$ctr' >/dev/null 2>&1"
img=$tmp/img

if conv=$(converted_vm ova/demo.ova); then
  cp -a "$conv/image" "$img"
  ok "the image of golden.sh's conversion ($conv)"
else
  before=$(source_digest "$src")
  v2c-extract -v "$src" -o "$img" 2>"$tmp/log" || { cat "$tmp/log" >&2; fail "v2c-extract failed"; }
  [ "$before" = "$(source_digest "$src")" ] || fail "the source's files changed"
  ok "source files unchanged (sha256)"
  grep -q 'peak RSS' "$tmp/log" || fail "no peak RSS line at -v"
fi
# v2c-demo, or in golden.sh's batch (four fixture VMs of that name)
# v2c-demo and a suffix
ref=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$img/index.json")
[[ $ref =~ ^v2c-demo(-[0-9a-f]{6})?$ ]] || fail "the image is named '$ref'"
check_image "$img" "$ref"

# --- layers follow the package database --------------------------------
[ "$(layer_names "$img" | tr '\n' ' ')" = "os config app " ] ||
  fail "layers are '$(layer_names "$img" | tr '\n' ' ')', expected os config app"
for l in os config app; do entries "$img" $l >"$tmp/$l.list"; done
in_layer () {  # in_layer PATH LAYER: PATH is in LAYER and in no other
  local p=$1 want=$2 l where=""
  for l in os config app; do
    grep -qxF "$p" "$tmp/$l.list" && where="$where$l "
  done
  [ "$where" = "$want " ] || fail "$p is in layers '$where', expected '$want'"
  ok "$p is in the $want layer"
}
absent () {
  local p=$1 l
  for l in os config app; do
    grep -qxF "$p" "$tmp/$l.list" && fail "$p is in the $l layer: $2"
  done
  ok "$p is in no layer ($2)"
}
in_layer bin/busybox os
in_layer usr/share/doc/nginx/copyright os
# nginx's md5sums has the page as shipped; the admin edited it
in_layer var/www/html/index.html config
in_layer etc/passwd config
in_layer etc/nginx/nginx.conf config
in_layer opt/demo-app/run.sh app
in_layer opt/demo-app/www/index.html app
# data directory: the mount point stays, its content is a volume
in_layer var/lib/demo-app/ app
absent var/lib/demo-app/data.db "data directory content"
in_layer var/log/demo-app/ app
absent var/log/demo-app/app.log "log file content"
for s in etc/demo-app/app.env etc/demo-app/tls.key root/.pgpass \
         etc/ssh/ssh_host_ed25519_key etc/shadow; do
  absent $s "secret"
done
# the sparse file stays sparse: a GNU sparse 1.0 map in its pax header,
# and the layer's tar is far smaller than the file
i=$(layer_index_of "$img" app)
layer_cat "$(layers_of "$img" | sed -n "$((i + 1))p")" >"$tmp/app.tar"
grep -aq 'GNU.sparse.name=opt/demo-app/cache.img' "$tmp/app.tar" ||
  fail "opt/demo-app/cache.img is not stored sparse"
[ "$(stat -c %s "$tmp/app.tar")" -lt 4194304 ] || fail "the app layer's tar holds the sparse file's holes"
ok "opt/demo-app/cache.img (16 MiB, 15 bytes of data) is stored sparse"
# the file capability and the user.* attribute of netcheck
for xa in security.capability user.v2c.origin; do
  grep -aq "SCHILY.xattr.$xa=" "$tmp/app.tar" || fail "netcheck lost its $xa xattr"
done
getcap "$img.bundle/rootfs/opt/demo-app/netcheck" | grep -q cap_net_raw ||
  fail "umoci's unpack of netcheck has no cap_net_raw"
ok "opt/demo-app/netcheck keeps security.capability (cap_net_raw) and user.v2c.origin"
# the os layer holds no directory mtime of this VM's installation
i=$(layer_index_of "$img" os)
layer_cat "$(layers_of "$img" | sed -n "$((i + 1))p")" |
  tar -tv --full-time | awk '/^d/ && $4 " " $5 != "1970-01-01 00:00:00" { print; bad = 1 } END { exit bad }' ||
  fail "an os-layer directory has a non-zero mtime"
ok "os-layer directories have mtime 0"
no_planted_secret_in_image "$img"

# --- image config from the plan's main component ------------------------
cfg=$img.config.json
jq -e '.config.User == "1001:1001"' "$cfg" >/dev/null || fail "User is $(jq -c .config.User "$cfg")"
jq -e '.config.Entrypoint == ["/opt/demo-app/run.sh"] and .config.WorkingDir == "/opt/demo-app"' \
  "$cfg" >/dev/null || fail "Entrypoint/WorkingDir: $(jq -c '.config' "$cfg")"
jq -e '.config.ExposedPorts | has("8080/tcp")' "$cfg" >/dev/null || fail "8080/tcp not exposed"
jq -e '.config.Labels["io.v2c.source.vm"] == "v2c-demo" and .architecture == "amd64" and .os == "linux"' \
  "$cfg" >/dev/null || fail "labels/platform: $(jq -c '{architecture, os, l: .config.Labels}' "$cfg")"
jq -e '[.config.Env[] | select(test("PASSWORD|TOKEN"))] | length == 0' "$cfg" >/dev/null ||
  fail "a secret variable is in Env"
ok "config: User 1001:1001, Entrypoint run.sh, 8080/tcp, no secret in Env"
# the numeric user is demoapp in the image's own /etc/passwd
grep -q '^demoapp:x:1001:1001:' "$img.bundle/rootfs/etc/passwd" || fail "uid 1001 is not demoapp in the image"

# --- round trip: the image = libguestfs's tar of the guest --------------
# the tar tests/test-fs-guest wrote of this disk in its launch, if any
disk=$V2C_FIXTURES/disk/demo.img
ref=$top_builddir/tests/demo-ref
if [ -f "$ref.tar" ] && [ "$(cat "$ref.stamp" 2>/dev/null)" = "$(stat -L -c '%s %Y' "$disk")" ]; then
  ln -s "$ref.tar" "$tmp/ref.tar"
  ok "libguestfs's tar of the guest: test-fs-guest's"
else
  guest_ref_tar "$disk" "$tmp/ref.tar"
fi
mapfile -t layers < <(layers_of "$img")
"$top_builddir/tests/tar-compare" --ignore-mtime-dirs \
  --missing '/proc/**' --missing '/sys/**' --missing '/dev/**' --missing '/run/**' \
  --missing '/tmp/**' --missing '/var/tmp/**' --missing /boot --missing /lost+found \
  --missing /var/cache/apt --missing /var/lib/apt/lists \
  --missing '/var/log/**' --missing /etc/machine-id --missing '/etc/ssh/ssh_host_*' \
  --missing /etc/shadow --missing /etc/shadow- --missing /etc/gshadow --missing /etc/gshadow- \
  --missing '/var/lib/demo-app/*' --missing /etc/demo-app/app.env --missing /etc/demo-app/tls.key \
  --missing /root/.pgpass \
  --absent /etc/demo-app/tls.key --absent /etc/demo-app/app.env --absent /root/.pgpass \
  --absent /var/lib/demo-app/data.db \
  "$tmp/ref.tar" "${layers[@]}" >"$tmp/cmp" 2>&1 || { cat "$tmp/cmp" >&2; fail "the layers differ from the guest tree"; }
tail -1 "$tmp/cmp"
ok "the layers hold exactly the guest's entries, modes, owners, link targets, content and xattrs"

# --- run the app with runc as the guest's user ---------------------------
if [ "$(id -u)" != 0 ] || ! command -v runc >/dev/null; then
  skip "runc needs root (the rest passed)"
fi
bundle=$img.bundle
# share the host's network namespace so the test can reach loopback
jq '.process.terminal = false
    | .linux.namespaces |= map(select(.type != "network"))' \
  "$bundle/config.json" >"$tmp/config.json" && mv "$tmp/config.json" "$bundle/config.json"
jq -e '.process.user.uid == 1001 and .process.user.gid == 1001 and .process.args == ["/opt/demo-app/run.sh"]' \
  "$bundle/config.json" >/dev/null || fail "umoci's runtime config: $(jq -c .process "$bundle/config.json")"
port=8080
if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
  skip "something already listens on 127.0.0.1:$port"
fi
runc run -d --bundle "$bundle" "$ctr" >"$tmp/runc.out" 2>&1 </dev/null ||
  { cat "$tmp/runc.out" >&2; fail "runc run"; }
body=""
for _ in $(seq 50); do
  if exec 3<>/dev/tcp/127.0.0.1/$port 2>/dev/null; then
    printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
    body=$(cat <&3)
    exec 3<&-
    break
  fi
  sleep 0.2
done
[ -n "$body" ] || fail "the app does not answer on 127.0.0.1:$port"
want=$(cat "$V2C_FIXTURES/demo-tree/opt/demo-app/www/index.html")
[[ $body == *"$want"* ]] || fail "the app answered: $body"
pid=$(runc state "$ctr" | jq -r .pid)
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
[ "$uid" = 1001 ] || fail "the app runs as uid $uid, not demoapp (1001)"
ok "the demo app runs under runc as demoapp (uid 1001) and serves its page on loopback"
