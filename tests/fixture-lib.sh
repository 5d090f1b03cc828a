# tests/fixture-lib.sh: what the fixture builders (tests/make-fixtures.sh,
# tests/make-windows.sh) share.  Sourced by them, never run.
#
# fixture_begin OUTDIR: checks OUTDIR's name and makes the build
#   directory $tmp (OUTDIR.tmp.PID, removed at exit) with $b (its
#   intermediates, not part of the result) in it
# commit: puts $tmp in place of $out (the stamp is the last file
#   written); the builder's commit_hook, if defined, runs first
# skip REASON: leaves only OUTDIR/.skip with the reason (libguestfs
#   cannot work here), exit 0
# launch_with_tcg_fallback: runs the builder's run_guestfish (0 built,
#   1 failed after the launch, 2 could not launch) again with
#   LIBGUESTFS_BACKEND_SETTINGS=force_tcg where KVM failed; writes
#   $tmp/libguestfs.env, so that tests launch the way the build did
#
# make-fixtures.sh rebuilds only when its own script is newer than the
# fixtures: this file holds plumbing, not what the fixtures are.
#
# v2c - move VMware virtual machines onto Kubernetes
# SPDX-License-Identifier: LGPL-2.1-or-later

prog=${0##*/}
die ()
{
  echo "$prog: error: $*" >&2
  exit 1
}
warn ()
{
  echo "$prog: warning: $*" >&2
}

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $prog OUTDIR" >&2
  exit 2
fi
script=$(readlink -f "$0")
out=$(readlink -m "$1")

fixture_begin ()
{
  case $out in
  *[\"\'\\\ $'\n'$'\t']*)
    die "the output directory '$out' has a quote, a backslash or white space in its name"
    ;;
  esac
  umask 022
  export LC_ALL=C TZ=UTC
  start=$(date +%s)
  tmp="$out.tmp.$$"
  trap 'rm -rf "$tmp" "$out.old.$$"' EXIT
  rm -rf "$tmp"
  mkdir -p "$tmp"
  b="$tmp/.build" # intermediates, not part of the result
  mkdir -p "$b"
}

commit ()
{
  if declare -F commit_hook >/dev/null; then commit_hook; fi
  rm -rf "$b"
  date -u +%Y-%m-%dT%H:%M:%SZ >"$tmp/.stamp"
  if [ -e "$out" ]; then
    mv -T "$out" "$out.old.$$"
  fi
  mv -T "$tmp" "$out"
  rm -rf "$out.old.$$"
}

skip ()
{
  warn "${fixture_what:-fixtures} not built: $*"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  printf '%s\n' "$*" >"$tmp/.skip"
  commit
  exit 0
}

# The first line of guestfish's complaint, without "FILE:LINE: ".
launch_error ()
{
  head -n1 "$b/guestfish.err" | sed 's/^[^ ]*\.gfs:[0-9]*: //'
}

launch_with_tcg_fallback ()
{
  local rc=0
  run_guestfish || rc=$?
  if [ "$rc" -eq 2 ] && [ -z "${LIBGUESTFS_BACKEND_SETTINGS+set}" ]; then
    warn "libguestfs could not launch ($(launch_error)); retrying with LIBGUESTFS_BACKEND_SETTINGS=force_tcg"
    export LIBGUESTFS_BACKEND_SETTINGS=force_tcg
    rc=0
    run_guestfish || rc=$?
  fi
  case $rc in
  0)
    # Tests that launch libguestfs again can skip the failing first try.
    if [ -n "${LIBGUESTFS_BACKEND_SETTINGS-}" ]; then
      printf 'LIBGUESTFS_BACKEND_SETTINGS=%s\n' "$LIBGUESTFS_BACKEND_SETTINGS"
    fi >"$tmp/libguestfs.env"
    ;;
  1)
    cat "$b/guestfish.err" >&2
    die "guestfish failed while building the ${fixture_fs:-filesystems}"
    ;;
  *)
    skip "libguestfs cannot launch an appliance here: $(launch_error)"
    ;;
  esac
}
