#!/bin/bash
# Install what v2c needs to build, run and be tested on Debian 12 (as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
pkgs=(
  # build
  build-essential autoconf automake libtool pkg-config
  libguestfs-dev libvirt-dev libarchive-dev zlib1g-dev libxml2-dev
  libjansson-dev libyaml-dev libssl-dev libsqlite3-dev libzstd-dev
  libcurl4-openssl-dev
  # run: libguestfs needs a host kernel for its appliance
  libguestfs-tools linux-image-amd64 qemu-utils
  # v2c-verify runs converted VMs on podman (pods need catatonit)
  podman catatonit skopeo curl
  # tests: fixtures, ground truth, sanitizers, fuzzing
  libvirt-clients libvirt-daemon lvm2 cryptsetup-bin busybox-static openssl
  rpm db5.3-util sqlite3 libxml2-utils jq skopeo umoci runc debootstrap attr libcap2-bin
  clang libclang-rt-14-dev valgrind man-db groff-base python3 python3-yaml file ntfs-3g libhivex-bin libwin-hivex-perl
  chromium fonts-dejavu-core
  # bench/vm.sh: v2c-convert --target vm against virt-v2v
  virt-v2v nbdkit libnbd-bin
)
# Node.js runs the JSON-schema validators and the TypeScript compiler that
# type-checks the KubeVirt objects: take the machine's own when it has one
# (Debian's npm package conflicts with other Node.js builds).  Their npm
# packages (ajv, kubernetes-models, typescript,
# @kubevirt-ui-ext/kubevirt-api) are tests/js/package-lock.json's,
# installed by tests/setup-node.sh when the tests run.
command -v node >/dev/null && command -v npm >/dev/null || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
