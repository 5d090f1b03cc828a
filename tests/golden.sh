#!/bin/bash
# The golden record: the sha256 of every file v2c-convert writes for
# every fixture VM (tests/fixtures.tsv, db, dkms, web and app), through v2c-batch
# -j2 as a migration team runs it, and of v2c-batch's fleet files; the
# libvirt fixture through -c URI.  tests/golden/outputs.sha256 was
# recorded before the architecture changes of issue 12; the same
# commands must keep giving the same bytes.
#
# Normalised before hashing, and only these: the absolute fixtures
# directory becomes @FIXTURES@ in text files (the fixtures live
# wherever the build tree is); the fleet files' wall-clock fields
# (duration_s, max_rss_kib) are dropped.  tests/make-fixtures.sh makes
# the fixtures the same bytes on every machine (fixed seeds, fixed
# times), so the record holds on a fresh CI machine too.
#
# The dkms fixture must stay a VM (a DKMS kernel module), but its guest
# has no kernel to boot on KVM: its conversion fails with that error
# (the fleet files record it), and v2c-batch exits 1.
#
# The inventory of a gzipped OVA names the temporary directory its disks
# were unpacked into (/var/tmp/v2c.XXXXXX): that name becomes @TMP@.
#
# The conversions stay in $V2C_CONVERTED (default tests/converted of the
# build tree): the tests that only need a converted fixture (the
# inspect-*.sh, extract-demo.sh, extract-repro.sh, convert-demo.sh,
# batch-fleet.sh) read them instead of launching the appliance again;
# DIR/.complete tells them the conversions succeeded.  The fixtures'
# files must be the same bytes after the thirteen conversions.
#
# V2C_GOLDEN_UPDATE=1 rewrites the record (only for a deliberate output
# change, with the reason in the commit).  V2C_GOLDEN_REHASH=1 hashes
# what $V2C_CONVERTED already holds instead of converting again.
. "${top_srcdir:?}/tests/lib.sh"

[ -n "${V2C_SANITIZED:-}" ] &&
  skip "V2C_SANITIZED=1: thirteen conversions under ASan; the plain run holds the record"
need_fixtures
need_tools jq

fx=$(readlink -f "$V2C_FIXTURES")
record=$top_srcdir/tests/golden/outputs.sha256
out=$V2C_CONVERTED
if [ -z "${V2C_GOLDEN_REHASH:-}" ]; then
  rm -rf "$out"
  mkdir -p "$out"
fi

srcs=()
for s in ova/demo.ova ova-gz/demo.ova vmx-sparse/demo.vmx \
  vmx-split/demo.vmx disk/demo.img disk/demo.qcow2 twodisk/twodisk.vmx \
  lvm/lvm.vmx db/db.vmx dkms/dkms.vmx web/web.vmx app/app.vmx; do
  [ -f "$fx/$s" ] || fail "fixture $s missing (an old fixture set? make fixtures-clean)"
  srcs+=("$fx/$s")
done

# the fixtures' files, for the check that no conversion changed them
fixture_sums () {
  (cd "$fx" && find . -type f ! -name '.*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}
if [ -z "${V2C_GOLDEN_REHASH:-}" ]; then
  fixture_sums >"$out/fixtures.before"
  rc=0
  v2c-batch -q -j2 -o "$out/files" "${srcs[@]}" 2>"$out/batch.err" || rc=$?
  failed=$(jq -r '.vms[] | select(.status != "converted") | "\(.source | sub(".*/"; "")): \(.error)"' \
    "$out/files/fleet.json" 2>/dev/null) || failed="no fleet.json"
  if [ $rc -ne 1 ] || [ "$(wc -l <<<"$failed")" -ne 1 ] ||
    ! grep -q '^dkms.vmx: .*kept as a VM.*no kernel in /boot' <<<"$failed"; then
    cat "$out/batch.err" >&2
    fail "v2c-batch over the fixture files: exit $rc, expected 1 with only dkms failed; failed: $failed"
  fi
  v2c-batch -q -o "$out/libvirt" -c "test://$fx/libvirt/demo.xml" 2>"$out/libvirt.err" ||
    { cat "$out/libvirt.err" >&2; fail "v2c-batch over the libvirt fixture failed"; }
  fixture_sums | diff -u "$out/fixtures.before" - >&2 ||
    fail "converting changed the fixtures' files (sha256)"
  touch "$out/.complete"
  ok "12 VMs converted (dkms refused: no kernel to boot), the fixtures' files unchanged (sha256)"
fi

# normalised FILE: the bytes the record holds for FILE
normalised () {
  local f=$1
  case ${f##*/} in
    fleet.json)
      jq 'walk(if type == "object" then del(.duration_s, .max_rss_kib) else . end)' "$f" |
        sed "s|$fx|@FIXTURES@|g" ;;
    fleet.csv)
      awk -F, -v OFS=, '
        NR == 1 { for (i = 1; i <= NF; i++) if ($i == "duration_s" || $i == "max_rss_kib") drop[i] = 1 }
        { for (i in drop) $i = ""; print }' "$f" | sed "s|$fx|@FIXTURES@|g" ;;
    fleet.html)
      sed -e 's|<td class="n">[0-9.]*</td><td class="err">|<td class="n">-</td><td class="err">|' \
        -e "s|$fx|@FIXTURES@|g" "$f" ;;
    *)
      if grep -Iq . "$f"; then
        sed -E -e "s|$fx|@FIXTURES@|g" -e 's#[^"]*/v2c\.[A-Za-z0-9]{6}/#@TMP@/#g' "$f"
      else cat "$f"; fi ;;
  esac
}

sums=$out/outputs.sha256
(cd "$out" && find files libvirt -name .v2c-batch -prune -o -type f -print | LC_ALL=C sort) |
  while IFS= read -r f; do
    printf '%s  %s\n' "$(normalised "$out/$f" | sha256sum | cut -d' ' -f1)" "$f"
  done >"$sums"
[ -s "$sums" ] || fail "no output to hash"
ok "$(wc -l <"$sums") files hashed"

if [ -n "${V2C_GOLDEN_UPDATE:-}" ]; then
  mkdir -p "${record%/*}"
  cp "$sums" "$record"
  echo "golden record rewritten: $record"
  exit 0
fi
[ -f "$record" ] || fail "no golden record $record"
if ! diff -u "$record" "$sums" >"$out/diff"; then
  cat "$out/diff" >&2
  fail "the outputs differ from the golden record (lines: - recorded, + now)"
fi
ok "every output file has the recorded sha256"
