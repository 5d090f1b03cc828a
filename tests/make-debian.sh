#!/bin/bash
# Build a REAL Debian 12 guest: debootstrap --variant=minbase with a few
# services (nginx, PostgreSQL, Redis, cron, a custom systemd service and
# a cron job), kept as a tree (ground truth: dpkg-query and the .wants
# links inside it) and as a qcow2 disk image (what v2c inspects).
# Slow (a few minutes), so cached: $V2C_CACHE (default ~/.cache/v2c-tests)
# keyed by this script's checksum.  Prints the cache directory.
# Usage: make-debian.sh   (as root; needs debootstrap, libguestfs-tools)
set -euo pipefail
key=$(cat "$0" "$(dirname "$(readlink -f "$0")")/debian-planted.tsv" | sha256sum | cut -c1-12)
cache=${V2C_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/v2c-tests}/debian12-$key
if [ -f "$cache/.stamp" ]; then echo "$cache"; exit 0; fi
mkdir -p "$(dirname "$cache")"
exec 9>"$cache.lock"
flock 9
if [ -f "$cache/.stamp" ]; then echo "$cache"; exit 0; fi
rm -rf "$cache" "$cache.tmp"
mkdir -p "$cache.tmp"
tree=$cache.tmp/tree

# The mirror this machine's apt already uses (never a hard-coded host).
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 ~ /^bookworm/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || { echo "make-debian: no Debian mirror configured in /etc/apt" >&2; exit 1; }

echo "make-debian: debootstrap bookworm from the configured mirror (a few minutes)" >&2
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,nginx-light,postgresql,redis-server,cron,procps,python3,openssh-server \
  bookworm "$tree" "$mirror" >"$cache.tmp/debootstrap.log" 2>&1 \
  || { tail -20 "$cache.tmp/debootstrap.log" >&2; exit 1; }

# A custom application service, enabled as systemctl enable would do.
cat >"$tree/etc/systemd/system/v2c-app.service" <<'UNIT'
[Unit]
Description=v2c test application
After=network.target postgresql.service

[Service]
Type=simple
User=www-data
WorkingDirectory=/srv/v2c-app
Environment=PORT=9090
ExecStart=/usr/bin/python3 -m http.server --directory /srv/v2c-app 9090

[Install]
WantedBy=multi-user.target
UNIT
mkdir -p "$tree/srv/v2c-app" "$tree/etc/systemd/system/multi-user.target.wants"
echo "v2c app" >"$tree/srv/v2c-app/index.html"
ln -sf /etc/systemd/system/v2c-app.service "$tree/etc/systemd/system/multi-user.target.wants/v2c-app.service"
cat >"$tree/etc/cron.d/v2c-job" <<'CRON'
# v2c test job
SHELL=/bin/sh
17 3 * * * postgres /usr/bin/vacuumdb --all --quiet
CRON
# The cluster holds data a conversion must carry over: a database with
# a table of known rows (tests/debian-planted.tsv), written by
# PostgreSQL itself in single-user mode inside the tree (no server, no
# network), and a role that may read it from other hosts, as an
# application server on another VM would.  The rows are the ground
# truth the verify test queries through the converted Service.
planted=$(dirname "$(readlink -f "$0")")/debian-planted.tsv
pgbin=/usr/lib/postgresql/15/bin
pgconf=/etc/postgresql/15/main
pg_single () {
  chroot --userspec=postgres:postgres "$tree" "$pgbin/postgres" --single \
    -D /var/lib/postgresql/15/main -c "config_file=$pgconf/postgresql.conf" "$1" \
    >>"$cache.tmp/planted.log" 2>&1
}
echo "CREATE DATABASE v2cdb" | pg_single postgres
{
  echo "CREATE ROLE v2c_reader LOGIN PASSWORD 'v2c-reader-pw'"
  echo "CREATE TABLE planted (id integer PRIMARY KEY, name text NOT NULL)"
  grep -v '^#' "$planted" |
    while IFS=$'\t' read -r id name; do
      echo "INSERT INTO planted VALUES ($id, '$name')"
    done
  echo "GRANT SELECT, INSERT ON planted TO v2c_reader"
} | pg_single v2cdb
cat >"$tree$pgconf/conf.d/v2c.conf" <<'CONF'
# v2c test: clients on other hosts
listen_addresses = '*'
CONF
echo "host v2cdb v2c_reader all scram-sha-256" >>"$tree$pgconf/pg_hba.conf"
chroot "$tree" chown postgres:postgres "$pgconf/conf.d/v2c.conf"
echo "v2c-debian" >"$tree/etc/hostname"
echo "LABEL=v2c-root / ext4 defaults 0 1" >"$tree/etc/fstab"
rm -rf "$tree/var/cache/apt/archives/"*.deb

echo "make-debian: making the disk image (one appliance launch)" >&2
run_make_fs () {
  virt-make-fs --format=qcow2 --type=ext4 --label=v2c-root --partition=mbr \
    --size=+256M "$tree" "$cache.tmp/debian12.qcow2"
}
if ! run_make_fs 2>"$cache.tmp/make-fs.log"; then
  echo "make-debian: warning: appliance failed; retrying with TCG" >&2
  LIBGUESTFS_BACKEND_SETTINGS=force_tcg run_make_fs
fi
touch "$cache.tmp/.stamp"
mv "$cache.tmp" "$cache"
echo "$cache"
