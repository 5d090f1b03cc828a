#!/bin/bash
# v2c-batch --descriptor-only over the shared corpus of real OVF and VMX
# files (third-party descriptors, /work/shared/corpus) and the fixture
# VMs: well under a second per VM; fleet.json is JSON, fleet.csv has a
# header and one row per VM (Python's csv module), fleet.html parses
# with xmllint --html; vCPUs and memory of every VMX that sets them
# agree with libvirt's own reading of it (the corpus' .libvirt.xml).
. "${top_srcdir:?}/tests/batch-lib.sh"
[ -d "${V2C_CORPUS:-}" ] || skip "no corpus at '${V2C_CORPUS:-}'"

srcs=()
for f in "$V2C_CORPUS"/ovf/*.ovf "$V2C_CORPUS"/vmx/*.vmx; do srcs+=("$f"); done
if [ -f "${V2C_FIXTURES:-}/.stamp" ]; then
  for f in ova/demo.ova lvm/lvm.vmx vmx-sparse/demo.vmx twodisk/twodisk.vmx vmx-split/demo.vmx; do
    srcs+=("$V2C_FIXTURES/$f")
  done
fi
n=${#srcs[@]}
[ "$n" -ge 50 ] || fail "only $n descriptors"
t0=$(now_ns)
rc=0
"$batch" -q --descriptor-only -o "$work/plan" "${srcs[@]}" 2>"$work/err" || rc=$?
ms=$(( ($(now_ns) - t0) / 1000000 ))
# a VirtualSystemCollection without --vm fails, the others are planned
[ $rc -le 1 ] || { cat "$work/err" >&2; fail "exit $rc"; }
per=$((ms * 1000 / n))
[ "$per" -lt 100000 ] || fail "$per us per VM: expected well under a second"
ok "$n VMs in $ms ms ($per us per VM)"
check_fleet_files "$work/plan" "$n"
planned=$(jq '[.vms[] | select(.status == "planned")] | length' "$work/plan/fleet.json")
[ "$planned" -ge $((n * 3 / 4)) ] || fail "only $planned of $n VMs planned"
jq -e '[.vms[] | select(.status == "failed" and (.error | length) == 0)] | length == 0' \
  "$work/plan/fleet.json" >/dev/null || fail "a failed VM without an error"
[ "$(ls "$work/plan/inventories" | wc -l)" -eq "$planned" ] || fail "not one inventory per planned VM"
ok "$planned planned, the others failed with a message"

checked=0
for vmx in "$V2C_CORPUS"/vmx/*.vmx; do
  xml=${vmx%.vmx}.libvirt.xml
  [ -f "$xml" ] || continue
  st=$(field_of "$work/plan" "$vmx" .status)
  [ "$st" = planned ] || continue
  if grep -qi '^ *numvcpus *=' "$vmx"; then
    want=$(xmllint --xpath 'string(/domain/vcpu)' "$xml")
    got=$(field_of "$work/plan" "$vmx" .hardware.cpus)
    [ "$got" = "$want" ] || fail "$(basename "$vmx"): $got vCPUs, libvirt reads $want"
    checked=$((checked + 1))
  fi
  if grep -qi '^ *memsize *=' "$vmx"; then
    kib=$(xmllint --xpath 'string(/domain/memory)' "$xml")
    unit=$(xmllint --xpath 'string(/domain/memory/@unit)' "$xml")
    [ -z "$unit" ] || [ "$unit" = KiB ] || continue
    got=$(field_of "$work/plan" "$vmx" .hardware.memory_mib)
    [ "$got" = $((kib / 1024)) ] || fail "$(basename "$vmx"): $got MiB, libvirt reads $((kib / 1024))"
    checked=$((checked + 1))
  fi
done
[ $checked -ge 20 ] || fail "only $checked values compared with libvirt"
ok "$checked vCPU/memory values agree with libvirt's reading of the VMX files"
