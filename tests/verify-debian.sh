#!/bin/bash
# The REAL Debian 12 guest (tests/make-debian.sh, cached) converted with
# its data and run by v2c-verify on podman: PostgreSQL 15 starts from
# the PVC its initContainer seeded with the VM's cluster, and a query
# through its Service, from another container on the network, returns
# exactly the rows the guest's database holds (tests/debian-planted.tsv,
# written by PostgreSQL itself when the guest was made).  A row added
# then survives a second run on the same volumes: the seed does not
# happen twice.  nginx, Redis and the custom app pass too.  Nothing of
# the runs is left in podman afterwards.  Redis, which listened on
# 127.0.0.1 only, answers PING from another pod through its Service.
#
# No appliance: the image is v2c-extract --root of the guest's tree (the
# same walk as in the guest, tests/extract-debian.sh proves the two
# agree) with the inventory inspect-debian.sh kept of the disk.  The
# snakeoil TLS key PostgreSQL's ssl_key_file names is given through
# --secrets KEY=@FILE, as an operator gives the real one.
. "${top_srcdir:?}/tests/lib.sh"
if [ -n "${V2C_SANITIZED:-}" ]; then
  skip "runs in the plain suite (a real Debian guest); verify-demo.sh runs v2c-verify under the sanitizers"
fi
need_tools debootstrap podman skopeo jq
[ "$(id -u)" = 0 ] || skip "v2c-verify runs containers with root podman"
cache=$("$top_srcdir/tests/make-debian.sh") || fail "could not build the Debian guest"
tree=$cache/tree
disk=$cache/debian12.qcow2
tmp=$(tmpdir verify-debian)
dir=$tmp/debian12
mkdir -p "$dir/data"
net=
on_exit '[ ! -d "$dir/k8s" ] || v2c-verify -q --down "$dir" >/dev/null 2>&1 || true'

kept=$top_builddir/tests/debian12-inventory
if [ -f "$kept.json" ] && [ "$kept.json" -nt "$top_builddir/tools/v2c-inspect" ] &&
  [ "$(cat "$kept.sha256" 2>/dev/null)" = "$(sha256sum <"$disk")" ]; then
  cp "$kept.json" "$dir/inventory.json"
else
  v2c-inspect -q "$disk" -o "$dir/inventory.json" || fail "v2c-inspect failed"
fi
v2c-plan -q "$dir/inventory.json" -o "$tmp/plan.json" || fail "v2c-plan failed"
v2c-extract -q --root "$tree" --plan "$tmp/plan.json" --data both \
  --data-dir "$dir/data" --plan-out "$dir/plan.json" -o "$dir/image" ||
  fail "v2c-extract --data failed"
v2c-manifest -q "$dir/plan.json" --image "$dir/image" -o "$dir/k8s" ||
  fail "v2c-manifest failed"
pg=$(jq -r '.components[] | select(.converter == "postgresql") | .name' "$dir/plan.json")
[ -n "$pg" ] || fail "no PostgreSQL component in the plan"
grep -q 'v2c-seed' "$dir/k8s/statefulset-$pg.yaml" || fail "no seed initContainer for $pg"
jq -e --arg p "$pg" '.components[] | select(.name == $p) | .secret_files |
  index("/etc/ssl/private/ssl-cert-snakeoil.key")' "$dir/plan.json" >/dev/null ||
  fail "$pg does not get the key its ssl_key_file names"
ok "converted from the tree with its data; $pg seeds its PVC and gets its TLS key"

printf 'ssl-cert-snakeoil.key=@%s\n' "$tree/etc/ssl/private/ssl-cert-snakeoil.key" >"$tmp/secrets"
want=$(grep -v '^#' "$top_srcdir/tests/debian-planted.tsv" | tr '\t' '|')

# psql, from a container of the image on verify's network, through the
# Service name: the password is the role's (a scram verifier in the
# cluster's data, nothing v2c carries)
psql_rows () {
  local ip
  ip=$(jq -r --arg p "$pg" '.components[] | select(.name == $p) | .ip' "$dir/verify.json")
  # rlimits: podman's defaults are above what root may set here (DESIGN.md)
  podman run --rm --pull never --network "$net" --add-host "$pg:$ip" \
    --ulimit "nofile=$(ulimit -Sn):$(ulimit -Sn)" --ulimit nproc=1024:1024 \
    -e PGPASSWORD=v2c-reader-pw -e PGCONNECT_TIMEOUT=10 --entrypoint /usr/bin/psql \
    "$image" -h "$pg" -U v2c_reader -d v2cdb -At -F '|' -c "$1"
}

verify_run () {
  local rc=0
  v2c-verify -v --keep --timeout 120 --secrets "$tmp/secrets" "$dir" >"$tmp/out$1" 2>"$tmp/err$1" || rc=$?
  net=$(sed -n 's/^  network //p' "$tmp/out$1")
  [ -n "$net" ] || { cat "$tmp/err$1" >&2; fail "run $1: no network printed by --keep (exit $rc)"; }
  image=$(podman images --format '{{.Repository}}:{{.Tag}}' | grep "/$(jq -r .name "$dir/plan.json"):" | head -1)
  [ -n "$image" ] || fail "run $1: the image is not in podman's storage"
  for c in "$pg" nginx v2c-app redis-server; do
    jq -e --arg c "$c" '.components[] | select(.name == $c) | .passed' "$dir/verify.json" >/dev/null ||
      { jq -c --arg c "$c" '.components[] | select(.name == $c)' "$dir/verify.json" >&2; fail "run $1: $c did not pass"; }
  done
}

verify_run 1
jq -e --arg p "$pg" '.components[] | select(.name == $p) | .checks[] |
  select(.check == "init") | .output_tail | test("seeded")' "$dir/verify.json" >/dev/null ||
  fail "run 1: the initContainer did not seed the empty PVC"
got=$(psql_rows "SELECT id, name FROM planted ORDER BY id") || fail "psql through the Service failed"
[ "$got" = "$want" ] || fail "rows through the Service: $(echo "$got" | tr '\n' ' '), expected $(echo "$want" | tr '\n' ' ')"
ok "run 1: $pg started from the seeded PVC; the Service returns the $(echo "$want" | wc -l) planted rows"
psql_rows "INSERT INTO planted VALUES (100, 'added-after-seed')" >/dev/null || fail "insert failed"
# Redis listened on 127.0.0.1 only (Debian's redis.conf): converted, it
# listens on its pod's addresses, so a client in another pod gets PONG
# through the Service name
rip=$(jq -r '.components[] | select(.name == "redis-server") | .ip' "$dir/verify.json")
pong=$(podman run --rm --pull never --network "$net" --add-host "redis-server:$rip" \
  --ulimit "nofile=$(ulimit -Sn):$(ulimit -Sn)" --ulimit nproc=1024:1024 \
  --entrypoint /usr/bin/redis-cli "$image" -h redis-server PING) || fail "redis-cli through the Service failed"
[ "$pong" = PONG ] || fail "redis-cli PING through the Service: '$pong'"
ok "run 1: redis-server (loopback-only on the VM) answers PING through its Service"

# run 2 on the volumes of run 1: the marker stops the seed
verify_run 2
jq -e --arg p "$pg" '.components[] | select(.name == $p) | .checks[] |
  select(.check == "init") | .output_tail | test("seeded from") | not' "$dir/verify.json" >/dev/null ||
  fail "run 2: the PVC was seeded again"
got=$(psql_rows "SELECT id, name FROM planted ORDER BY id") || fail "psql through the Service failed (run 2)"
[ "$got" = "$want"$'\n''100|added-after-seed' ] ||
  fail "run 2: rows $(echo "$got" | tr '\n' ' ') (reseeded or lost?)"
ok "run 2: the same volume, not reseeded: the planted rows and the one added"

id=$(sed -n "s/^v2c-verify: run '\\([^']*\\)'.*/\\1/p" "$tmp/err2" | head -1)
[ -n "$id" ] || fail "no run id in v2c-verify -v's output"
v2c-verify -q --down "$dir" || fail "--down failed"
left=$(
  podman ps -a --format '{{.Names}}' | grep -F "$id" || true
  podman pod ps --format '{{.Name}}' | grep -F "$id" || true
  podman volume ls --filter "label=v2c.verify=$id" --format '{{.Name}}' || true
  podman network ls --format '{{.Name}}' | grep -Fx "$net" || true
)
[ -z "$left" ] || fail "left after --down: $left"
ok "--down removed the containers, pods, volumes and network"
