# tests/lib.sh: what every shell test of v2c shares.  Sourced first by
# each tests/*.sh (and by the tests/*-lib.sh that group them), never run.
#
#   fail MSG / skip MSG / ok MSG      FAIL: (exit 1), SKIP: (exit 77), ok:
#   need_tools TOOL...               fail when a test dependency is missing
#   need_fixtures                    the fixture VMs of tests/make-fixtures.sh
#                                    (skip where they could not be built)
#   need_appliance                   the appliance runs as the fixtures were
#                                    built (TCG where KVM fails)
#   on_exit CMD, tmpdir NAME         cleanup at exit, scratch directories
#   source_digest FILE               sha256 of a source and the files beside it
#   no_planted_secret_in FILE...     no planted secret value in the files
#   converted_vm SOURCE              golden.sh's conversion of a fixture
#                                    (tests/converted), or nothing
#   build_image DIR LAYERDIR...      an OCI image layout made by hand
#
# v2c - move VMware virtual machines onto Kubernetes
# SPDX-License-Identifier: LGPL-2.1-or-later
set -euo pipefail
: "${top_srcdir:?}"
top_builddir=${top_builddir:-.}

fail () { echo "FAIL: $*" >&2; exit 1; }
skip () { echo "SKIP: $*" >&2; exit 77; }
ok () { echo "ok: $*"; }

need_tools () {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null ||
      fail "$t is missing: it is a test dependency (scripts/install-deps.sh)"
  done
}

# The commands run at exit, last registered first; then the directories
# tmpdir made go.  tmpdir is called as $(tmpdir NAME), in a subshell,
# where on_exit would register nothing the test's own exit sees: its
# directories are listed in a file instead (every test used to leave
# its scratch directories in /var/tmp).
_v2c_on_exit=()
_v2c_tmpdirs=$(mktemp /var/tmp/.v2c-tmpdirs-XXXXXX)
_v2c_run_exit () {
  local i d
  for ((i = ${#_v2c_on_exit[@]} - 1; i >= 0; i--)); do
    eval "${_v2c_on_exit[i]}" || true
  done
  while IFS= read -r d; do
    case $d in /var/tmp/v2c-*) rm -rf "$d" ;; esac
  done <"$_v2c_tmpdirs"
  rm -f "$_v2c_tmpdirs"
  # for whoever trims the suite's time: each log says what its test took
  echo "# took $SECONDS s (started $_v2c_started)"
}
_v2c_started=$(date +%T)
trap _v2c_run_exit EXIT
on_exit () { _v2c_on_exit+=("$1"); }

# tmpdir NAME: a new directory under /var/tmp (the images are large),
# removed at exit
tmpdir () {
  local d
  d=$(mktemp -d "/var/tmp/v2c-$1-XXXXXX") || fail "mktemp"
  echo "$d" >>"$_v2c_tmpdirs"
  echo "$d"
}

# in_parallel_suite: 0 when another test of the suite runs now (a
# parallel 'make -j check': another test-driver, not this test's own)
in_parallel_suite () {
  local p a ours=" "
  a=$$
  while [ "$a" -gt 1 ] 2>/dev/null; do
    ours="$ours$a "
    a=$(awk '{print $4}' "/proc/$a/stat" 2>/dev/null) || break
  done
  for p in $(pgrep -f -- 'build-aux/test-driver'); do
    case $ours in *" $p "*) ;; *) return 0 ;; esac
  done
  return 1
}

# saturate_cores: a busy loop per core (nproc), until unsaturate_cores
# or the test's exit stops them by their PIDs: the test runs on a
# machine busy by design, as batch conversions are.  Inside a parallel
# suite the other tests already load the cores (appliances under TCG):
# busy loops of its own would only slow the suite down, so there are
# none then.
_v2c_busy=()
saturate_cores () {
  local i
  if in_parallel_suite; then
    echo "# other tests of the suite load the cores: no busy loops of this test's own"
    return 0
  fi
  for i in $(seq "$(nproc)"); do
    ( while :; do :; done ) &
    _v2c_busy+=($!)
  done
  on_exit unsaturate_cores
}
unsaturate_cores () {
  [ ${#_v2c_busy[@]} -eq 0 ] && return 0
  kill "${_v2c_busy[@]}" 2>/dev/null || true
  wait "${_v2c_busy[@]}" 2>/dev/null || true
  _v2c_busy=()
}

need_fixtures () {
  : "${V2C_FIXTURES:?}"
  [ -f "$V2C_FIXTURES/.skip" ] && skip "fixtures not built: $(cat "$V2C_FIXTURES/.skip")"
  [ -f "$V2C_FIXTURES/.stamp" ] ||
    fail "fixtures missing in $V2C_FIXTURES (make check builds them)"
  return 0
}

# need_appliance [ENVFILE]: the appliance runs the way it ran when the
# fixtures were built (ENVFILE, default the fixtures' libguestfs.env):
# its LIBGUESTFS_BACKEND_SETTINGS unless the caller set one.
need_appliance () {
  local f=${1:-${V2C_FIXTURES:-}/libguestfs.env} v
  if [ -z "${LIBGUESTFS_BACKEND_SETTINGS+set}" ] && [ -f "$f" ]; then
    v=$(sed -n 's/^LIBGUESTFS_BACKEND_SETTINGS=\([A-Za-z0-9_,:=-]*\)$/\1/p' "$f")
    [ -z "$v" ] || export LIBGUESTFS_BACKEND_SETTINGS=$v
  fi
  return 0
}

# Checksums of every file a source consists of (the files beside it too,
# so split extents and snapshot parents are covered).
source_digest () {
  [ -f "$1" ] || return 0
  find "$(dirname "$1")" -maxdepth 1 -type f -print0 | sort -z | xargs -0 sha256sum
}

# no_planted_secret_in FILE|DIR...: no value tests/make-fixtures.sh
# planted (planted-secrets.txt) appears in them
no_planted_secret_in () {
  local line
  [ -f "$V2C_FIXTURES/planted-secrets.txt" ] || fail "planted-secrets.txt missing"
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    if grep -rlF -- "$line" "$@" >/dev/null; then
      fail "a planted secret value appears in $(grep -rlF -- "$line" "$@" | head -n1)"
    fi
  done <"$V2C_FIXTURES/planted-secrets.txt"
}

# The conversions tests/golden.sh keeps (every fixture VM through
# v2c-batch): the tests that only need a converted fixture read them
# instead of launching the appliance again (Makefile.am orders them
# after golden.log).  Under the sanitizers golden.sh skips: the tests
# then convert what they need themselves.
V2C_CONVERTED=${V2C_CONVERTED:-$top_builddir/tests/converted}

# converted_vm SOURCE: the output directory of fixture SOURCE (a path
# under the fixtures, e.g. ova/demo.ova, or libvirt for the libvirt
# domain) when golden.sh converted it in this build tree since the last
# build of the tools; prints nothing (status 1) otherwise
converted_vm () {
  local dir=files src n f
  [ -f "$V2C_CONVERTED/.complete" ] || return 1
  # not from before the last build of the library or of v2c-convert
  for f in "$top_builddir"/lib/libv2c.la "$top_builddir"/tools/v2c-convert; do
    [ ! -e "$f" ] || [ "$V2C_CONVERTED/.complete" -nt "$f" ] || return 1
  done
  if [ "$1" = libvirt ]; then
    dir=libvirt
    n=$(jq -r '.vms[0].name // empty' "$V2C_CONVERTED/$dir/fleet.json")
  else
    src=$(readlink -f "$V2C_FIXTURES")/$1
    n=$(jq -r --arg s "$src" '.vms[] | select(.source == $s) | .name' \
          "$V2C_CONVERTED/$dir/fleet.json")
  fi
  [ -n "$n" ] && [ -d "$V2C_CONVERTED/$dir/$n" ] || return 1
  echo "$V2C_CONVERTED/$dir/$n"
}

# plain_converted_vm SOURCE: under the sanitizers, which convert nothing
# themselves, the plain build's conversion of fixture SOURCE
# (scripts/check.sh passes its directory as V2C_PLAIN_CONVERTED), for a
# test of a tool that only reads it (v2c-verify); status 1 without one
plain_converted_vm () {
  local n src base=${V2C_PLAIN_CONVERTED:-}
  [ -n "${V2C_SANITIZED:-}" ] && [ -f "$base/.complete" ] || return 1
  src=$(readlink -f "$V2C_FIXTURES")/$1
  n=$(jq -r --arg s "$src" '.vms[] | select(.source == $s) | .name' "$base/files/fleet.json")
  [ -n "$n" ] && [ -d "$base/files/$n" ] || return 1
  echo "$base/files/$n"
}

# build_image DIR LAYERDIR...: an OCI image layout with one gzip layer per
# LAYERDIR (in order), made with GNU tar, gzip and sha256sum, not by v2c.
# Prints the manifest digest.  $OCI_CREATED, if set, is the config's
# "created"; $OCI_REF, if set, the index's ref.name annotation.
build_image () {
  local dir=$1 blobs diffs="" layers="" d u s cfg man
  shift
  blobs=$dir/blobs/sha256
  mkdir -p "$blobs"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
  for l in "$@"; do
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$l" -cf "$dir/layer.tar" .
    u=$(sha256sum <"$dir/layer.tar" | cut -c1-64)
    gzip -n -c "$dir/layer.tar" >"$dir/layer.tgz"
    d=$(sha256sum <"$dir/layer.tgz" | cut -c1-64)
    s=$(stat -c %s "$dir/layer.tgz")
    mv "$dir/layer.tgz" "$blobs/$d"
    rm -f "$dir/layer.tar"
    diffs="$diffs${diffs:+,}\"sha256:$u\""
    layers="$layers${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$d\",\"size\":$s}"
  done
  printf '{"architecture":"amd64","os":"linux",%s"config":{},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
    "${OCI_CREATED:+\"created\":\"$OCI_CREATED\",}" "$diffs" >"$dir/config.json"
  cfg=$(sha256sum <"$dir/config.json" | cut -c1-64)
  s=$(stat -c %s "$dir/config.json")
  mv "$dir/config.json" "$blobs/$cfg"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' "$cfg" "$s" "$layers" >"$dir/manifest.json"
  man=$(sha256sum <"$dir/manifest.json" | cut -c1-64)
  s=$(stat -c %s "$dir/manifest.json")
  mv "$dir/manifest.json" "$blobs/$man"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s%s}]}' \
    "$man" "$s" "${OCI_REF:+,\"annotations\":{\"org.opencontainers.image.ref.name\":\"$OCI_REF\"\}}" >"$dir/index.json"
  echo "sha256:$man"
}
