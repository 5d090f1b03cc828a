#!/bin/bash
# The batch image (issue 17): the project's Containerfile builds under
# podman without a registry, and one completion index of the Indexed Job
# v2c-batch --emit-k8s-job writes converts a fixture VM inside it with
# the same output bytes as the same command on the host.
#  - scripts/make-base-image.sh makes the Debian 12 base with debootstrap
#    from the configured mirror and imports it (kept between runs, tagged
#    with the script's checksum);
#  - podman build --pull=never from the source tree (.containerignore
#    leaves build trees out): no image is pulled;
#  - the Job over the db fixture (exports root: the fixtures directory),
#    built with kubectl kustomize, is started for index 0 by
#    tests/job-sim.py as a kubelet would start its pod (the exports PVC
#    read-only, the results PVC, the ConfigMap of the VM list, emptyDirs,
#    user 1000, a read-only root filesystem, no capabilities, the memory
#    limit, the fingerprint salt Secret); no network;
#  - the host run: the Job's own shell command with the host's tools,
#    the same paths under the fixtures and a results directory, and the
#    image's installed templates given as --templates (the container's
#    v2c-convert finds them installed);
#  - every output file is the same bytes once the exports path is
#    replaced (the source path is in the inventory and the report), the
#    OCI image digest among them; the fixture is unchanged; podman keeps
#    no container of the run.
# Skipped where podman can't run a container (with the reason), and
# under the sanitizers (the image builds its own, plain tools).
. "${top_srcdir:?}/tests/lib.sh"
[ -n "${V2C_SANITIZED:-}" ] && skip "V2C_SANITIZED=1: the image builds the plain tools, the plain run tests it"
[ "$(id -u)" = 0 ] || skip "root podman and debootstrap are needed"
need_tools podman debootstrap kubectl jq python3
python3 -c 'import yaml' 2>/dev/null || fail "python3 with PyYAML is needed"
need_fixtures
fx=$(readlink -f "$V2C_FIXTURES")
work=$(tmpdir batch-image)
# the containers.conf limits of ../shared/DESIGN.md's podman facts
ulimits=(--ulimit nofile=20000:20000 --ulimit nproc=4096:4096)

key=$(sha256sum <"$top_srcdir/scripts/make-base-image.sh" | cut -c1-12)
base=localhost/v2c-base:bookworm-$key
"$top_srcdir/scripts/make-base-image.sh" "$base" >"$work/base.out" 2>"$work/base.err" ||
  { cat "$work/base.err" >&2; fail "scripts/make-base-image.sh failed"; }
[ "$(cat "$work/base.out")" = "$base" ] || fail "make-base-image.sh printed '$(cat "$work/base.out")'"
[ "$(podman image inspect --format '{{.Os}}/{{.Architecture}}' "$base")" = linux/amd64 ] ||
  fail "the base image is not linux/amd64"
rc=0
podman run --rm --network=none "${ulimits[@]}" "$base" sh -c 'grep -q "^VERSION_ID=\"12\"" /etc/os-release' \
  >"$work/probe" 2>&1 || rc=$?
if [ $rc -ne 0 ]; then
  grep -qi -e 'cgroup' -e 'permission denied' -e 'operation not permitted' -e 'oci runtime' "$work/probe" &&
    skip "podman can't run a container here: $(head -c 300 "$work/probe")"
  fail "the base image is not Debian 12: $(cat "$work/probe")"
fi
ok "the Debian 12 base: debootstrap from the configured mirror, imported as $base"

PACKAGE_VERSION=$(v2c-convert --version | awk '{print $2}')
img=localhost/v2c-check:$PACKAGE_VERSION
old=$(podman image inspect --format '{{.Id}}' "$img" 2>/dev/null || true)
rc=0
podman build -q --pull=never --network=host --build-arg "BASE=$base" -t "$img" \
  -f "$top_srcdir/Containerfile" "$top_srcdir" >"$work/build.out" 2>"$work/build.err" || rc=$?
[ $rc -eq 0 ] || { tail -30 "$work/build.err" >&2; fail "podman build of the Containerfile: exit $rc"; }
# the previous build's image goes (its layers the new one shares stay)
new=$(podman image inspect --format '{{.Id}}' "$img")
[ -z "$old" ] || [ "$old" = "$new" ] || podman rmi "$old" >/dev/null 2>&1 || true
podman run --rm --network=none "${ulimits[@]}" "$img" v2c-convert --version >"$work/version" 2>&1 ||
  fail "the image's v2c-convert: $(cat "$work/version")"
grep -qx "v2c-convert $PACKAGE_VERSION" "$work/version" || fail "the image's v2c-convert is '$(cat "$work/version")'"
[ "$(podman image inspect --format '{{.Config.User}}' "$img")" = 1000:1000 ] || fail "the image does not run as 1000:1000"
ok "the Containerfile builds with --pull=never (no registry), v2c $PACKAGE_VERSION inside, user 1000"

# the Job over one fixture VM, relative to the exports root
v2c-batch -q --emit-k8s-job --exports-root "$fx" -o "$work/out" "$fx/db/db.vmx" ||
  fail "v2c-batch --emit-k8s-job"
kubectl kustomize "$work/out/k8s-job" >"$work/job.yaml" 2>"$work/kerr" || fail "kubectl kustomize: $(cat "$work/kerr")"
name=$(sed -n 1p <(python3 -c 'import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == "ConfigMap": print(d["data"]["names"], end="")' "$work/job.yaml"))
[ "$name" = v2c-db ] || fail "the Job's VM is '$name', expected v2c-db"

fixture_sums () { (cd "$fx/db" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); }
fixture_sums >"$work/fixture.before"

# the same command on the host, while the pod runs: the Job's script
# with the pod's paths mapped to the host's, the host's tools, the
# image's templates
python3 - "$work/job.yaml" "$work" "$fx" >"$work/host.cmd" <<'EOP' || fail "the Job's command"
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
c = [d for d in docs if d["kind"] == "Job"][0]["spec"]["template"]["spec"]["containers"][0]
cm = [d for d in docs if d["kind"] == "ConfigMap"][0]["data"]
work, fx = sys.argv[2], sys.argv[3]
import os
os.makedirs(work + "/host-etc", exist_ok=True)
for k, v in cm.items():
    open(work + "/host-etc/" + k, "w").write(v)
assert c["command"][:2] == ["sh", "-c"], c["command"]
script = (c["command"][2].replace("/etc/v2c-batch", work + "/host-etc")
          .replace("/exports/", fx + "/").replace("/results/", work + "/host/"))
print("\0".join([script] + c["command"][3:] + c.get("args", [])), end="")
EOP

mkdir -p "$work/pod" "$work/results" "$work/host"
mapfile -d '' -t cmd <"$work/host.cmd"
JOB_COMPLETION_INDEX=0 sh -c "${cmd[0]}" "${cmd[@]:1}" --templates "$top_srcdir/templates" \
  >"$work/host.out" 2>"$work/host.err" &
host_pid=$!
on_exit "kill $host_pid 2>/dev/null || true"
# job-sim.py labels its container with its WORK directory
on_exit "podman ps -aq --filter 'label=v2c.job-sim=$work/pod' | xargs -r podman rm -f >/dev/null 2>&1 || true"
rc=0
"$top_srcdir/tests/job-sim.py" "$work/job.yaml" 0 "$img" "$work/pod" \
  v2c-exports="$fx" v2c-results="$work/results" "secret:v2c-secret-salt/salt=$V2C_SECRET_SALT" \
  >"$work/pod.out" 2>"$work/pod.err" || rc=$?
[ $rc -eq 0 ] || { tail -20 "$work/pod.err" >&2; fail "Job index 0 in the image: exit $rc"; }
grep -q "^v2c-batch-job: index 0: db/db.vmx -> /results/v2c-db" "$work/pod.err" ||
  fail "the pod did not run index 0: $(head -5 "$work/pod.err")"
[ -f "$work/results/v2c-db/report.json" ] || fail "no /results/v2c-db from the pod"
ok "Job index 0 converted db/db.vmx inside the image (read-only root, user 1000, no network)"

rc=0
wait "$host_pid" || rc=$?
[ $rc -eq 0 ] || { tail -20 "$work/host.err" >&2; fail "the Job's command on the host: exit $rc"; }

# every file, byte for byte, once the exports path is the same
digests () {  # DIR PATH-TO-REPLACE
  (cd "$1" && find . -type f | LC_ALL=C sort) | while IFS= read -r f; do
    if grep -Iq . "$1/$f"; then
      printf '%s  %s\n' "$(sed "s|$2/|@EXPORTS@/|g" "$1/$f" | sha256sum | cut -c1-64)" "$f"
    else
      printf '%s  %s\n' "$(sha256sum <"$1/$f" | cut -c1-64)" "$f"
    fi
  done
}
digests "$work/results/v2c-db" /exports >"$work/pod.sums"
digests "$work/host/v2c-db" "$fx" >"$work/host.sums"
[ "$(wc -l <"$work/host.sums")" -gt 10 ] || fail "the host run wrote $(wc -l <"$work/host.sums") files"
diff -u "$work/host.sums" "$work/pod.sums" >&2 || fail "the pod's outputs differ from the host run's (- host, + pod)"
grep -q "/exports/db/db.vmx" "$work/results/v2c-db/report.json" || fail "the pod's report does not name /exports/db/db.vmx"
d1=$(jq -r '.manifests[0].digest' "$work/results/v2c-db/image/index.json")
d2=$(jq -r '.manifests[0].digest' "$work/host/v2c-db/image/index.json")
if [ -z "$d1" ] || [ "$d1" != "$d2" ]; then fail "image digests: pod $d1, host $d2"; fi
ok "the pod's $(wc -l <"$work/pod.sums") output files are the host run's bytes (image $d1)"

fixture_sums | diff -u "$work/fixture.before" - >&2 || fail "the conversions changed the fixture"
[ -z "$(podman ps -a --filter "ancestor=$img" --format '{{.ID}}')" ] || fail "a container of $img is left"
ok "the fixture is unchanged (sha256), no container is left"
