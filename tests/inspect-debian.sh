#!/bin/bash
# A REAL Debian 12 guest (debootstrap minbase + nginx, PostgreSQL, Redis,
# cron, a custom service and cron job; tests/make-debian.sh, cached):
# v2c-inspect's package list must equal dpkg-query's reading of the same
# tree, and its enabled services the tree's .wants links.  The inventory
# stays in tests/debian12-inventory.json for extract-debian.sh (with the
# disk's sha256 in tests/debian12-inventory.sha256).
. "${top_srcdir:?}/tests/lib.sh"
name=debian12
need_tools debootstrap jq
cache=$("$top_srcdir/tests/make-debian.sh") || fail "could not build the Debian guest"
tree=$cache/tree
img=$cache/debian12.qcow2
out=$(tmpdir inspect-debian)
inv=$out/inv.json
keep=$top_builddir/tests/debian12-inventory
rm -f "$keep.json" "$keep.sha256"

before=$(sha256sum "$img")
start=$(date +%s.%N)
v2c-inspect "$img" -o "$inv" 2>"$out/err" || { cat "$out/err" >&2; fail "v2c-inspect failed"; }
end=$(date +%s.%N)
[ "$before" = "$(sha256sum "$img")" ] || fail "the image changed"
echo "ok: v2c-inspect took $(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}') s (image unchanged)"
js=$("$top_srcdir/tests/setup-node.sh")
node "$js/validate.js" "$top_srcdir/docs/inventory.schema.json" "$inv" >&2 || fail "schema"

# 1. packages: dpkg-query (Debian's own tool) on the tree's database
want=$(dpkg-query --admindir="$tree/var/lib/dpkg" -W \
         -f='${db:Status-Abbrev}|${Package}|${Version}|${Architecture}\n' \
       | awk -F'|' '$1 ~ /^.[iUFWt]/ {print $2 "|" $3 "|" $4}' | sort)
got=$(jq -r '.packages[] | "\(.name)|\(.evr)|\(.arch)"' "$inv" | sort)
if [ "$want" != "$got" ]; then
  diff <(echo "$want") <(echo "$got") >&2
  fail "package list differs from dpkg-query"
fi
echo "ok: $(echo "$got" | wc -l) packages, names, versions and archs = dpkg-query -W"

# 2. enabled services = the .wants/.requires links in the tree, as
# systemctl enable and the packages' own presets made them
# (initrd*.target.wants only run inside an initramfs, never from the
# installed system's default target: not part of the comparison)
want=$(find "$tree/etc/systemd/system" "$tree/lib/systemd/system" \
         \( -path '*.wants/*' -o -path '*.requires/*' \) -name '*.service' \
         -not -path '*/initrd*.target.wants/*' \
         -printf '%f\n' 2>/dev/null | sort -u)
got=$(jq -r '.services[] | select(.enabled and .kind == "systemd") | .name' "$inv" | sort -u)
missing=$(comm -23 <(echo "$want") <(echo "$got"))
extra=$(comm -13 <(echo "$want") <(echo "$got"))
# postgresql@15-main is enabled by Debian's generator (not by a link):
# that is the one expected extra.
extra=$(echo "$extra" | grep -v '^postgresql@15-main.service$' || true)
[ -z "$missing" ] || fail "linked units v2c does not call enabled: $missing"
# Units without a link must be pulled in by name from a unit file
# (Wants=/Requires=, e.g. sys-kernel-config.mount wants
# modprobe@configfs.service): check each against the tree's files.
for u in $extra; do
  grep -rqsE "^(Wants|Requires|BindsTo)=(.* )?$u( |\$)" \
      "$tree/etc/systemd/system" "$tree/lib/systemd/system" \
    || fail "v2c calls $u enabled, but no link or unit file pulls it in"
done
echo "ok: enabled services = the tree's .wants/.requires links ($(echo "$want" | wc -l)),"
echo "    + postgresql@15-main from the generator, + $(echo "$extra" | wc -w) pulled in by Wants=/Requires="


# 3. what the services say
jq -e '.services[] | select(.name == "postgresql@15-main.service") | .enabled and .template_instance == "15-main"' "$inv" >/dev/null \
  || fail "postgresql@15-main not found enabled"
jq -e '[.ports[] | select(.port == 5432 and .service == "postgresql")] | length >= 1' "$inv" >/dev/null || fail "postgresql port"
jq -e '[.ports[] | select(.port == 6379)] | length >= 1' "$inv" >/dev/null || fail "redis port"
jq -e '[.ports[] | select(.port == 80 and .service == "nginx")] | length >= 1' "$inv" >/dev/null || fail "nginx port"
jq -e '[.ports[] | select(.port == 9090)] | length >= 1' "$inv" >/dev/null || fail "v2c-app port"
jq -e '[.data_dirs[] | select(.path == "/var/lib/postgresql/15/main" and .used_bytes > 1000000)] | length == 1' "$inv" >/dev/null \
  || fail "postgresql data directory: $(jq -c .data_dirs "$inv")"
jq -e '[.data_dirs[] | select(.path == "/var/lib/redis")] | length == 1' "$inv" >/dev/null || fail "redis data directory"
jq -e '[.cron[] | select(.file == "/etc/cron.d/v2c-job" and .schedule == "17 3 * * *" and .user == "postgres")] | length == 1' "$inv" >/dev/null \
  || fail "cron job"
echo "ok: postgresql@15-main, ports 5432/6379/80/9090, data dirs, cron job"

# 4. secrets (issue 13): a clean debootstrap tree holds none; its stock
# files (openssl.cnf's and debconf.conf's commented examples, with the
# digests dpkg lists) and nsswitch.conf's "passwd:" are not findings.
# Only install-time keys (SSH host keys, the snakeoil key) remain: the
# account databases hold locked accounts only, so they are no finding.
other=$(jq -r '.secrets[] | select(.kind != "host-key") | "\(.path) \(.kind)"' "$inv")
[ -z "$other" ] || fail "secret findings in a clean Debian tree: $other"
jq -e '[.secrets[] | select(.kind == "host-key")] | length >= 1' "$inv" >/dev/null ||
  fail "no host key listed"
keys=$(find "$tree/etc/ssh" -name 'ssh_host_*_key' | wc -l)
[ "$(jq '[.secrets[] | select(.path | startswith("/etc/ssh/ssh_host_"))] | length' "$inv")" -eq "$keys" ] ||
  fail "the $keys SSH host keys are not each listed once"
echo "ok: no secret findings in the clean tree but its $keys host keys and the snakeoil key"
# 5. network identity (issue 17): the tree's /etc/hostname and the
# nameservers of its resolv.conf (debootstrap's copy of the host's), as
# the shell reads them; no interface configured, no reference
want=$(head -n1 "$tree/etc/hostname")
[ "$(jq -r .network.hostname "$inv")" = "$want" ] || fail "network.hostname: $(jq -r .network.hostname "$inv"), the tree: $want"
want=$(awk '$1 == "nameserver" {print $2}' "$tree/etc/resolv.conf" 2>/dev/null | uniq)
[ "$(jq -r '.network.nameservers[]' "$inv")" = "$want" ] ||
  fail "network.nameservers: $(jq -c .network.nameservers "$inv"), the tree's resolv.conf: $want"
[ "$(jq '.network.interfaces + .references | length' "$inv")" -eq 0 ] ||
  fail "a clean debootstrap tree configures no interface and reaches nothing: $(jq -c '.network.interfaces, .references' "$inv")"
echo "ok: network: hostname and nameservers as the tree's files say; no interface, no reference"
sha256sum <"$img" >"$keep.sha256"
cp "$inv" "$keep.json"
