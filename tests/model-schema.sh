#!/bin/bash
# The plan's loader (lib/model-plan.c, through tests/test-model --check)
# and docs/plan.schema.json (checked by ajv) agree: on plans v2c-plan
# makes and edits of them that stay valid, both accept; on
# counter-examples, each an edit that breaks one rule, both refuse.
# The same for the inventory's loader (lib/model-inventory.c) and
# docs/inventory.schema.json, on the Debian 12 test inventory.
# Rules the schema can't say (between fields: probe ports, names that
# must exist, uid and run_as_root, layers per strategy, ...) are
# refused by the loader alone.  What only the schema refuses (cases
# "schema"): members it does not know (additionalProperties), which
# the loaders ignore as v2c always did, and the inventory's patterns
# of os.version and a NIC's mac, which no stage reads.
. "${top_srcdir:?}/tests/lib.sh"
need_tools jq
out=$(tmpdir model-schema)
plan=$top_builddir/tools/v2c-plan
"$plan" "$top_srcdir/tests/data/plan/demo-inventory.json" -o "$out/demo.json" \
  || fail "v2c-plan of the demo inventory failed"
"$plan" "$top_srcdir/tests/data/plan/debian12-inventory.json" -o "$out/deb.json" \
  || fail "v2c-plan of the Debian 12 inventory failed"

cp "$top_srcdir/tests/data/plan/debian12-inventory.json" "$out/inv.json"

# BASE|WHO|EDIT: WHO is ok (both accept), both (both refuse), loader or
# schema (only that one refuses)
n=0
while IFS='|' read -r base who edit; do
  [ -n "$base" ] || continue
  n=$((n + 1))
  jq "$edit" "$out/$base.json" >"$out/case-$n.json" || fail "jq: $edit"
  printf '%s|%s|%s\n' "$base" "$who" "$edit" >"$out/case-$n.what"
done <<'EOF'
demo|ok|.
deb|ok|.
demo|ok|.image.variant = "v7"
demo|ok|.main_component = null
deb|ok|.components[0].depends_on = []
demo|both|.schema = "v2c.plan/2"
demo|both|.name = ""
demo|both|del(.source)
demo|both|.source.path = 3
demo|both|.vm.cpus = 0
demo|both|.vm.memory_mib = 4294967297
demo|both|.image.strategy = "layered"
demo|both|.image.os = "plan9"
demo|both|.image.architecture = "x86_64"
demo|both|.image.variant = null
demo|both|.image.layers[1].includes = ["etc"]
demo|both|.image.layers[0].name = "base"
demo|both|.image.excludes[0].what = "some"
demo|both|.image.excludes[0].pattern = "/a//b"
demo|both|.image.volumes[0].used_bytes = -1
demo|both|.image.secret_files[0].path = "relative"
deb|both|.components[0].name = "Bad_Name"
deb|both|.components[0].converter = ""
deb|both|.components[0].kind = "DaemonSet"
deb|both|.components[0].source.kind = "upstart"
deb|both|.components[0].source.line = 0
deb|both|.components[0].command = []
deb|both|.components[0].uid = -1
deb|both|.components[0].gid = 4294967295
deb|both|.components[0].run_as_root = "no"
deb|both|.components[0].working_dir = "/opt/../x"
deb|both|.components[0].env.X = 1
deb|both|(.components[] | select(.ports | length > 0) | .ports[0].port) = 0
deb|both|(.components[] | select(.ports | length > 0) | .ports[0].protocol) = "http"
deb|both|(.components[] | select(.ports | length > 0) | .ports[0].name) = "8080"
deb|both|(.components[] | select(.volumes | length > 0) | .volumes[0].kind) = "nfs"
deb|both|(.components[] | select(.volumes | length > 0) | .volumes[0].size) = "lots"
deb|both|.components[0].resources.requests.cpu = "lots"
deb|both|.components[0].resources.limits.memory = "1G"
deb|both|.components[0].replace_with = {"image": "", "advice": "x"}
deb|ok|.components[0].gpu = {"vendor": "nvidia", "sharing": "mig", "resource": "nvidia.com/mig-1g.10gb", "count": 2, "runtime_class": "nvidia", "tolerate": true, "reason": "x"}
deb|both|.components[0].gpu = {"vendor": "nvidia", "sharing": "mig", "resource": "gpu", "count": 1, "runtime_class": null, "tolerate": false, "reason": "x"}
deb|both|.components[0].gpu = {"vendor": "nvidia", "sharing": "exclusive", "resource": "nvidia.com/gpu", "count": 0, "runtime_class": null, "tolerate": false, "reason": "x"}
deb|both|.components[0].gpu = {"vendor": "intel", "sharing": "exclusive", "resource": "nvidia.com/gpu", "count": 1, "runtime_class": null, "tolerate": false, "reason": "x"}
demo|ok|.image.layers = [.image.layers[0], {"name": "cuda", "includes": ["/usr/lib/*/libcudart.so*"], "excludes": []}, .image.layers[1], .image.layers[2]]
demo|loader|.image.layers = [.image.layers[0], .image.layers[1], {"name": "cuda", "includes": [], "excludes": []}, .image.layers[2]]
deb|both|(.components[] | select(.probes != null) | .probes.liveness.httpGet) = {"path": "/", "port": 1}
deb|both|(.components[] | select(.probes != null) | .probes.liveness.periodSeconds) = 0
deb|both|(.components[] | select(.kind == "CronJob") | .schedule) = "0 0 * *"
deb|both|.components[0].depends_on = [.components[1].name, .components[1].name]
deb|both|.main_component = 3
deb|both|.dropped = [{"name": "x"}]
deb|both|.notes = [1]
deb|both|.components = {}
deb|loader|(.components[] | select(.uid != 0) | .run_as_root) = true
deb|loader|(.components[] | select(.probes.liveness.tcpSocket != null) | .probes.liveness.tcpSocket.port) = 1
deb|loader|.main_component = "no-such-component"
deb|loader|.components[0].depends_on = ["no-such-component"]
demo|loader|.image.strategy = "single"
deb|loader|(.components[] | select(.volumes | length > 0) | .volumes[0].size) = null
deb|loader|(.components[] | select(.kind != "CronJob") | .schedule) = "0 3 * * *"
deb|loader|(.components[] | select(.ports | length > 0) | .ports) |= (. + [.[0]])
deb|loader|.components[0].env["A=B"] = "x"
inv|ok|.
inv|ok|.os = null
inv|ok|del(.packages)
inv|ok|.hardware.firmware = "efi"
inv|ok|.cron[0].package = "cron-daemon-common" | .cron[0].modified = false
inv|ok|.cron[0].package = null
inv|both|.schema = "v2c.inventory/2"
inv|both|.name = ""
inv|both|del(.hardware)
inv|both|.source.format = "iso"
inv|both|.source.disks[0].format = "vdi"
inv|both|.hardware.cpus = 0
inv|both|.hardware.firmware = "uefi"
inv|both|.os.major = -1
inv|both|.os.distro = 12
inv|both|.filesystems[0].used_bytes = -1
inv|both|.packages[0].name = ""
inv|both|.packages[0].manager = "pip"
inv|both|.services[0].kind = "upstart"
inv|both|.services[0].enabled = "yes"
inv|both|.cron[0].package = 1
inv|both|.cron[0].modified = "no"
inv|both|.services[0].environment.X = 1
inv|both|.services[0].ports = [{"port": 70000, "protocol": "tcp"}]
inv|both|.users[0].uid = -1
inv|both|.secrets = [{"path": "/x", "kind": "cookie", "line": 1, "evidence": "x"}]
inv|both|.blockers = [{"rule": "x", "severity": "fatal", "evidence": []}]
inv|both|.proxy_targets = [1]
inv|both|.timers = [{"name": "t"}]
inv|ok|.network = {"hostname": "web01", "fqdn": null, "interfaces": [{"name": "ens192", "method": "static", "addresses": ["10.0.0.5/24"], "gateway": "10.0.0.1", "mac": null, "source": "/etc/network/interfaces:5"}], "routes": [{"to": "10.1.0.0/16", "via": "10.0.0.254", "interface": "ens192", "source": "/etc/network/interfaces:8"}], "hosts": [{"address": "10.0.0.7", "names": ["app01"], "source": "/etc/hosts:3"}], "search": ["corp.example"], "nameservers": ["10.0.0.2"]}
inv|ok|.references = [{"kind": "jdbc", "host": "pg01", "port": 5432, "source": "/etc/tomcat9/context.xml:1"}, {"kind": "database", "host": "db", "port": null, "source": "/srv/a/.env:2"}]
inv|ok|.hardware.gpus = [{"kind": "passthrough", "vendor": "nvidia", "vendor_id": "0x10de", "device_id": "0x1db4", "profile": null, "source": "pciPassthru0", "mmio_gb": 64}, {"kind": "vgpu", "vendor": "nvidia", "vendor_id": null, "device_id": null, "profile": "grid_a100-8c", "source": "OVF Item 11", "mmio_gb": null}]
inv|both|.hardware.gpus = [{"kind": "sriov", "vendor": null, "vendor_id": null, "device_id": null, "profile": null, "source": "x", "mmio_gb": null}]
inv|both|.hardware.gpus = [{"kind": "vgpu", "vendor": "intel", "vendor_id": null, "device_id": null, "profile": "p", "source": "x", "mmio_gb": null}]
inv|both|.hardware.gpus = [{"kind": "vgpu", "vendor": null, "vendor_id": null, "device_id": null, "profile": "p", "source": "x", "mmio_gb": 0}]
inv|schema|.hardware.gpus = [{"kind": "passthrough", "vendor": "nvidia", "vendor_id": "10de", "device_id": null, "profile": null, "source": "x", "mmio_gb": null}]
inv|ok|.ai = {"drivers": [{"vendor": "nvidia", "kind": "package", "name": "nvidia-driver", "version": "535.183.01", "evidence": "dpkg package nvidia-driver 535.183.01-1"}, {"vendor": "nvidia", "kind": "dkms", "name": "nvidia", "version": "535.183.01", "evidence": "/var/lib/dkms/nvidia/535.183.01"}], "runtimes": [{"name": "cuda", "version": "12.2.140", "package": "libcudart12", "evidence": "dpkg package libcudart12 12.2.140-1"}], "python": [{"name": "torch", "version": "2.3.1", "location": "/opt/vllm/lib/python3.11/site-packages", "installer": "pip"}], "servers": [{"kind": "vllm", "service": "vllm.service", "notebook": false, "model": "/srv/models/m", "evidence": "x"}], "models": [{"path": "/srv/models/m/model.safetensors", "format": "safetensors", "size_bytes": 1073741824, "service": "vllm.service"}]}
inv|both|.ai = {"drivers": [], "runtimes": [], "python": [], "servers": []}
inv|both|.ai = {"drivers": [{"vendor": "intel", "kind": "package", "name": "x", "version": null, "evidence": "e"}], "runtimes": [], "python": [], "servers": [], "models": []}
inv|both|.ai = {"drivers": [], "runtimes": [{"name": "opencl", "version": null, "package": null, "evidence": "e"}], "python": [], "servers": [], "models": []}
inv|both|.ai = {"drivers": [], "runtimes": [], "python": [{"name": "torch", "version": "1", "location": "venv", "installer": "pip"}], "servers": [], "models": []}
inv|both|.ai = {"drivers": [], "runtimes": [], "python": [], "servers": [{"kind": "flask", "service": "s", "notebook": false, "model": null, "evidence": "e"}], "models": []}
inv|both|.ai = {"drivers": [], "runtimes": [], "python": [], "servers": [], "models": [{"path": "/m.gguf", "format": "gguf", "size_bytes": -1, "service": null}]}
inv|both|.references = [{"kind": "ftp", "host": "h", "port": 21, "source": "f:1"}]
inv|both|.references = [{"kind": "nfs", "host": "h", "port": 70000, "source": "f:1"}]
inv|both|.references = [{"kind": "nfs", "host": "h", "port": 2049}]
inv|both|.network = {"hostname": null, "fqdn": null, "interfaces": [{"name": "e", "method": "bootp", "addresses": [], "gateway": null, "mac": null, "source": "f:1"}], "routes": [], "hosts": [], "search": [], "nameservers": []}
inv|both|.network = {"hostname": null, "fqdn": null, "interfaces": [], "routes": [], "hosts": [], "search": []}
deb|schema|.extra = 1
deb|schema|.components[0].extra = 1
inv|schema|.extra = 1
inv|schema|.os.version = "12"
inv|schema|.hardware.nics = [{"model": null, "network": null, "mac": "XX"}]
EOF

js=$("$top_srcdir/tests/setup-node.sh")
cases=$(ls "$out"/case-*.json)
plans=$(grep -L '^inv|' "$out"/case-*.what | sed 's/what$/json/')
invs=$(grep -l '^inv|' "$out"/case-*.what | sed 's/what$/json/')
# shellcheck disable=SC2086
{
  node "$js/validate.js" "$top_srcdir/docs/plan.schema.json" $plans
  node "$js/validate.js" "$top_srcdir/docs/inventory.schema.json" $invs
} >"$out/schema.out" 2>/dev/null || true
# shellcheck disable=SC2086
"$top_builddir/tests/test-model" --check $cases >"$out/loader.out" \
  || fail "test-model --check failed"
for i in $(seq 1 "$n"); do
  IFS='|' read -r base who edit <"$out/case-$i.what"
  f=$out/case-$i.json
  schema=refuses loader=refuses
  grep -q "^case-$i.json: valid" "$out/schema.out" && schema=accepts
  grep -qx "$f: ok" "$out/loader.out" && loader=accepts
  case $who in
    ok) want="accepts accepts" ;;
    both) want="refuses refuses" ;;
    loader) want="refuses accepts" ;;
    schema) want="accepts refuses" ;;
  esac
  [ "$loader $schema" = "$want" ] \
    || fail "$edit: the loader $loader ($(grep -F "$f:" "$out/loader.out")), the schema $schema"
done
echo "ok: the loaders and docs/plan.schema.json, docs/inventory.schema.json: $n documents, as expected"
