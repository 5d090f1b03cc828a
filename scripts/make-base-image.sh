#!/bin/bash
# v2c - move VMware virtual machines onto Kubernetes
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make-base-image.sh [--mirror URL] [--force] [TAG]
#
# The Debian 12 base image of the project's Containerfile, made without
# a registry: debootstrap --variant=minbase bookworm from the Debian
# mirror this machine's apt uses (or --mirror URL), imported into
# podman's local image store as TAG (default localhost/v2c-base:bookworm).
# An existing TAG is kept unless --force.  Then, offline:
#
#   podman build --pull=never --build-arg BASE=localhost/v2c-base:bookworm \
#     -t v2c:VERSION -f Containerfile .
#
# The image's apt reads the same mirror (debootstrap writes it into
# /etc/apt/sources.list), so the Containerfile's apt-get works wherever
# this machine's does.  Needs root, debootstrap and podman.
# Exit status: 0 done (or TAG already there), 1 failure, 2 usage.
set -euo pipefail
usage () {
  echo "Usage: make-base-image.sh [--mirror URL] [--force] [TAG]" >&2
  exit 2
}
mirror='' force='' tag=localhost/v2c-base:bookworm
while [ $# -gt 0 ]; do
  case $1 in
    --mirror) [ $# -ge 2 ] || usage; mirror=$2; shift 2 ;;
    --mirror=*) mirror=${1#*=}; shift ;;
    --force) force=1; shift ;;
    -h|--help)
      sed -n '4,19s/^# \{0,1\}//p' "$0"; exit 0 ;;
    -*) usage ;;
    *) tag=$1; shift; [ $# -eq 0 ] || usage ;;
  esac
done
die () { echo "make-base-image: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "debootstrap needs root"
command -v debootstrap >/dev/null || die "debootstrap is not installed"
command -v podman >/dev/null || die "podman is not installed"
if [ -z "$force" ] && podman image exists "$tag"; then
  echo "$tag"
  exit 0
fi
if [ -z "$mirror" ]; then
  # deb822 sources first (Debian 12's default), then the one-line format
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 ~ /^bookworm/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$mirror" ] || die "no Debian mirror configured in /etc/apt: give --mirror URL"
fi

work=$(mktemp -d /var/tmp/v2c-base.XXXXXX)
cleanup () {
  local m
  for m in proc sys dev; do
    ! mountpoint -q "$work/tree/$m" 2>/dev/null || umount "$work/tree/$m" || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
echo "make-base-image: debootstrap bookworm from $mirror" >&2
if ! debootstrap --variant=minbase bookworm "$work/tree" "$mirror" >"$work/log" 2>&1; then
  tail -20 "$work/log" >&2
  die "debootstrap failed"
fi
# What a container base has no use for: downloaded packages, apt lists
# (the Containerfile runs apt-get update), logs of the bootstrap.
rm -rf "$work/tree/var/cache/apt/archives/"*.deb "$work/tree/var/lib/apt/lists/"* \
  "$work/tree/var/log/bootstrap.log" "$work/tree/debootstrap"
echo "make-base-image: importing as $tag" >&2
tar -C "$work/tree" --numeric-owner --xattrs -cf - . |
  podman import --change 'CMD ["/bin/bash"]' \
    --change 'LABEL org.opencontainers.image.description="Debian 12 minbase (debootstrap) for the v2c Containerfile"' \
    - "$tag" >/dev/null || die "podman import failed"
echo "$tag"
