#!/bin/bash
# v2c-convert on the demo VM (OVA), end to end, checked with tools that
# did not write the output: the layout of DESIGN.md exactly; the image
# (skopeo, umoci, diff_ids); the manifests (kubectl kustomize, the
# official Kubernetes schemas) pinned to the image's digest; the report
# in three formats (JSON schema, xmllint, headless Chromium); both SBOMs
# (official SPDX 2.3 and CycloneDX 1.5 schemas) listing exactly the
# inventory's packages; no planted secret value in any file; the source
# unchanged.  The first conversion is tests/golden.sh's of the VM
# (v2c-batch runs v2c-convert -q) when there is one, else its own.  Then
# a second run that follows an edited plan (--plan, --force).
. "${top_srcdir:?}/tests/extract-lib.sh"
# Under ASan (scripts/check.sh's second run) the same code runs in
# extract-demo.sh, report-tool.sh, sbom-schema.sh, the manifest tests and
# convert-bad.sh; two more conversions would only cost minutes.
[ -n "${V2C_SANITIZED:-}" ] &&
  skip "V2C_SANITIZED=1: its parts run under ASan in extract-demo.sh, report-tool.sh, sbom-schema.sh and convert-bad.sh"
need_tools kubectl node xmllint python3

src=$V2C_FIXTURES/ova/demo.ova
tmp=$(tmpdir convert-demo)
out=$tmp/out
js=$(bash "$top_srcdir/tests/setup-node.sh")

# one_launch LOG: v2c-convert -v says it launched the appliance once
one_launch () {
  [ "$(grep -c 'launching the appliance' "$1")" -eq 1 ] ||
    fail "expected one appliance launch, the log says: $(grep -c 'launching the appliance' "$1")"
  ok "one appliance launch"
}
if conv=$(converted_vm ova/demo.ova); then
  cp -a "$conv" "$out"
  ok "golden.sh's conversion of the VM ($conv)"
  log=$(dirname "$conv")/.v2c-batch/logs/$(basename "$conv").log
  [ -f "$log" ] || fail "v2c-batch kept no log of the conversion: $log"
  [ ! -s "$log" ] || fail "v2c-convert -q printed: $(cat "$log")"
  ok "v2c-convert -q printed nothing"
else
  before=$(source_digest "$src")
  v2c-convert -v "$src" -o "$out" 2>"$tmp/log" || { cat "$tmp/log" >&2; fail "v2c-convert failed"; }
  [ "$before" = "$(source_digest "$src")" ] || fail "the source's files changed"
  ok "source files unchanged (sha256)"
  one_launch "$tmp/log"
fi

# --- the layout, exactly ------------------------------------------------
(cd "$out" && ls -A | LC_ALL=C sort | tr '\n' ' ') >"$tmp/top"
want="data image inventory.json k8s plan.json report.html report.json report.md sbom.cdx.json sbom.spdx.json "
[ "$(cat "$tmp/top")" = "$want" ] || fail "DIR holds '$(cat "$tmp/top")', expected '$want'"
ls -A "$tmp" | grep -q '\.tmp' && fail "a temporary directory is left beside DIR"
ok "DIR has exactly the layout of DESIGN.md, nothing left beside it"
jq -e '.schema == "v2c.inventory/1"' "$out/inventory.json" >/dev/null || fail "inventory.json"
jq -e '.schema == "v2c.plan/1"' "$out/plan.json" >/dev/null || fail "plan.json"
node "$js/validate.js" "$top_srcdir/docs/plan.schema.json" "$out/plan.json" >&2 ||
  fail "plan.json does not validate against docs/plan.schema.json"
ok "inventory.json and plan.json; plan.json validates"

# --- the image ----------------------------------------------------------
# the image is named after the plan: v2c-demo, or in golden.sh's batch,
# where four fixture VMs share that name, v2c-demo and a suffix
ref=$(jq -r .name "$out/plan.json")
[[ $ref =~ ^v2c-demo(-[0-9a-f]{6})?$ ]] || fail "the plan's name is '$ref'"
check_image "$out/image" "$ref"
no_planted_secret_in_image "$out/image"

# --- the manifests, pinned to the image -----------------------------------
kubectl kustomize "$out/k8s" >"$tmp/kustomized.yaml" 2>"$tmp/kerr" ||
  fail "kubectl kustomize: $(cat "$tmp/kerr")"
NODE_PATH=$js/node_modules node "$top_srcdir/tests/js/validate-k8s.js" \
  "$out"/k8s/*.yaml "$tmp/kustomized.yaml" >"$tmp/validate.log" 2>&1 ||
  { cat "$tmp/validate.log" >&2; fail "objects do not validate against kubernetes-models"; }
ok "k8s/: kubectl kustomize and the official schemas accept every object"
digest=$(jq -r '.manifests[0].digest' "$out/image/index.json")
grep -q "image: $ref@$digest" "$tmp/kustomized.yaml" ||
  fail "the workloads do not pin the image's manifest digest $digest"
ok "workloads pin the image by its digest"

# --- nginx: its site with the app's Service name, and a real nginx -------
# sites-enabled/default is a symbolic link in the guest: the ConfigMap
# has its target's content, proxy_pass rewritten from 127.0.0.1:8080
python3 - "$tmp/kustomized.yaml" "$tmp/nginx-config" <<'EOF' || fail "no ConfigMap nginx-config"
import os, sys, yaml
os.makedirs(sys.argv[2])
for o in yaml.safe_load_all(open(sys.argv[1])):
    if o and o["kind"] == "ConfigMap" and o["metadata"]["name"] == "nginx-config":
        for k, v in o["data"].items():
            open(os.path.join(sys.argv[2], k), "w").write(v)
        sys.exit(0)
sys.exit(1)
EOF
grep -q '^[[:space:]]*proxy_pass http://demo-app:8080;$' "$tmp/nginx-config/default" ||
  fail "nginx-config's default: $(cat "$tmp/nginx-config/default")"
grep -q '127\.0\.0\.1\|PLACEHOLDER' "$tmp/nginx-config/default" &&
  fail "nginx-config's default still has a loopback target or a placeholder"
ok "nginx-config: the site's content, proxy_pass http://demo-app:8080"
# nginx -t in the image as the Deployment runs it: its command, user,
# capabilities, read-only root, emptyDirs and ConfigMap files
nginx_t () {
  local b=$out/image.bundle d=$tmp/nginx-deploy.json
  # nginx resolves its upstreams when it reads its configuration: the
  # Service name as the cluster's DNS would give it
  printf '127.0.0.1 localhost\n10.96.0.10 demo-app\n' >"$tmp/hosts"
  python3 -c '
import json, sys, yaml
for o in yaml.safe_load_all(open(sys.argv[1])):
    if o and o["kind"] == "Deployment" and o["metadata"]["name"] == "nginx":
        print(json.dumps(o["spec"]["template"]["spec"]))' "$tmp/kustomized.yaml" >"$d"
  jq -e '.securityContext.runAsUser == 0 and .containers[0].securityContext.capabilities.add
           == ["NET_BIND_SERVICE", "CHOWN", "SETGID", "SETUID"]' "$d" >/dev/null ||
    fail "nginx's securityContext: $(jq -c '[.securityContext, .containers[0].securityContext]' "$d")"
  jq --slurpfile p "$d" --arg cm "$tmp/nginx-config" --arg hosts "$tmp/hosts" '
      $p[0] as $s | $s.containers[0] as $c
      | .process.terminal = false
      | .process.user = {uid: $s.securityContext.runAsUser, gid: $s.securityContext.runAsGroup}
      | .process.args = $c.command + ["-t"] + ($c.args // [])
      | .process.capabilities = ($c.securityContext.capabilities.add | map("CAP_" + .)
          | {bounding: ., effective: ., permitted: .})
      | .root.readonly = $c.securityContext.readOnlyRootFilesystem
      | .mounts += [$c.volumeMounts[] | . as $m
          | ($s.volumes[] | select(.name == $m.name)) as $v
          | if $v.emptyDir then {destination: $m.mountPath, type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev"]}
            else {destination: $m.mountPath, type: "bind", source: ($cm + "/" + $m.subPath), options: ["rbind", "ro"]} end]
      | .mounts += [{destination: "/etc/hosts", type: "bind", source: $hosts, options: ["rbind", "ro"]}]' \
    "$b/config.json" >"$tmp/config.json" && cp "$tmp/config.json" "$b/config.json" ||
    fail "can't write the runtime config"
  runc run --bundle "$b" "v2c-nginx-$$" >"$tmp/nginx-t.out" 2>&1 </dev/null ||
    { cat "$tmp/nginx-t.out" >&2; fail "nginx -t in the image, as the Deployment says"; }
  grep -q 'test is successful' "$tmp/nginx-t.out" || fail "nginx -t: $(cat "$tmp/nginx-t.out")"
  ok "the image's nginx accepts the ConfigMap's files: $(grep -c . "$tmp/nginx-t.out") lines, test is successful"
}
if [ "$(id -u)" = 0 ] && command -v runc >/dev/null; then
  on_exit "runc delete -f 'v2c-nginx-$$' >/dev/null 2>&1"
  nginx_t
else
  echo "SKIP: nginx -t under runc (needs root and runc)"
fi

# --- the report -----------------------------------------------------------
node "$js/validate.js" "$top_srcdir/docs/report.schema.json" "$out/report.json" >&2 ||
  fail "report.json does not validate against docs/report.schema.json"
ok "report.json validates against docs/report.schema.json"
# the layers it lists are the image's
jq -r '.layers[].digest' "$out/report.json" >"$tmp/rl"
jq -r '.layers[].digest' "$(manifest_of "$out/image")" >"$tmp/il"
diff -u "$tmp/il" "$tmp/rl" >&2 || fail "report.json's layers are not the image's"
ok "report.json lists the image's layers"
# every component of the plan has a path and a reason
jq -r '.components[].name' "$out/plan.json" | LC_ALL=C sort >"$tmp/pc"
jq -r '.components[] | select((.path | IN("replatform","replace","refactor","retain")) and (.reason | length > 0)) | .name' \
  "$out/report.json" | LC_ALL=C sort >"$tmp/rc"
diff -u "$tmp/pc" "$tmp/rc" >&2 || fail "components without a path and a reason in report.json"
ok "every component has a recommended path and a reason"
# the demo: a web app with an nginx front (replace) and secrets found
verdict=$(jq -r '.fitness.verdict' "$out/report.json")
rules=$(jq -r '[.fitness.rules[].id] | sort | join(" ")' "$out/report.json")
echo "verdict $verdict, rules: $rules"
case $verdict in excellent | good) ;; *) fail "demo verdict '$verdict', expected excellent or good" ;; esac
jq -e '.components[] | select(.name == "nginx") | .path == "replace"' "$out/report.json" >/dev/null ||
  fail "nginx is not advised to be replaced by the official image"
jq -e '[.secrets[] | keys == ["kind","path","use"]] | all' "$out/report.json" >/dev/null ||
  fail "report.json secrets carry more than path, kind and use (never a line or its text)"
jq -e '[.secrets[] | select(.path == "/etc/demo-app/app.env")][0].use | test("demo-app")' \
  "$out/report.json" >/dev/null || fail "app.env does not go back to demo-app"
jq -e '[.secrets[].path] | index("/etc/demo-app/app.env") != null' "$out/report.json" >/dev/null ||
  fail "report.json does not list /etc/demo-app/app.env"
ok "demo: verdict $verdict; nginx replaced; secrets listed by path and kind only"
xmllint --html --noout "$out/report.html" 2>"$tmp/xerr" || fail "report.html: $(cat "$tmp/xerr")"
grep -qi '<script' "$out/report.html" && fail "report.html has a script"
grep -Eqi '(src|href)="?(https?:)?//' "$out/report.html" && fail "report.html fetches from the network"
grep -q '<svg' "$out/report.html" || fail "report.html has no inline SVG diagram"
grep -q '^# ' "$out/report.md" || fail "report.md has no title"
for c in $(cat "$tmp/pc"); do
  grep -qF -- "$c" "$out/report.md" || fail "report.md does not name component $c"
  grep -qF -- "$c" "$out/report.html" || fail "report.html does not name component $c"
done
ok "report.html (self-contained, inline SVG) and report.md name every component"

# --- the SBOMs ------------------------------------------------------------
. "${top_srcdir:?}/tests/sbom-lib.sh"
sbom_validate_cdx "$out/sbom.cdx.json"
sbom_validate_spdx "$out/sbom.spdx.json"
sbom_packages "$out/inventory.json" "$out/sbom.spdx.json"
sbom_packages "$out/inventory.json" "$out/sbom.cdx.json"
for d in $(jq -r '.layers[].digest' "$(manifest_of "$out/image")"); do
  grep -qF "${d#sha256:}" "$out/sbom.spdx.json" || fail "layer $d is not in the SPDX SBOM"
  grep -qF "${d#sha256:}" "$out/sbom.cdx.json" || fail "layer $d is not in the CycloneDX SBOM"
done
ok "both SBOMs record every layer digest"

# --- no secret value anywhere in DIR ----------------------------------------
no_planted_secret_in "$out"
ok "no planted secret value in any file of DIR (layers checked decompressed above)"

# --- again, following an edited plan ------------------------------------------
# The engineer drops the demo-logs CronJob and renames the image.
jq '.components |= map(select(.name != "demo-logs"))' "$out/plan.json" >"$tmp/edited.json"
cp -a "$out/report.json" "$tmp/report.before.json"
v2c-convert -q "$src" -o "$out" 2>"$tmp/err" && fail "an existing DIR was replaced without --force"
grep -q 'exists' "$tmp/err" || fail "no clear error for an existing DIR: $(cat "$tmp/err")"
cmp -s "$out/report.json" "$tmp/report.before.json" || fail "the refused run touched DIR"
ok "an existing DIR is refused without --force, and left as it was"
# -v where the first run was golden.sh's -q (and the other way round).
# This run also leaves a subtree out and brings a log file back
# (--exclude, --include outside the os layer, a secret file kept out)
# and compresses with one thread where the first run used the default.
os_before=$(layer_digest_of "$out/image" os)
if [ -n "$conv" ]; then v=-v; else v=-q; fi
v2c-convert $v --force --plan "$tmp/edited.json" --threads 1 \
  --exclude '/opt/demo-app/www/**' --include /var/log/demo-app/app.log \
  --include /etc/demo-app/tls.key "$src" -o "$out" 2>"$tmp/err" ||
  { cat "$tmp/err" >&2; fail "v2c-convert --plan --force failed"; }
if [ -n "$conv" ]; then
  one_launch "$tmp/err"
  grep -q "warning: '/etc/demo-app/tls.key' holds a secret" "$tmp/err" ||
    fail "no warning for --include of a secret file"
else
  [ -s "$tmp/err" ] && fail "-q still printed: $(cat "$tmp/err")"
fi
entries "$out/image" app >"$tmp/app"
grep -qx 'opt/demo-app/www/' "$tmp/app" || fail "--exclude '/opt/demo-app/www/**' dropped the directory itself"
if grep -q '^opt/demo-app/www/.' "$tmp/app"; then
  fail "--exclude '/opt/demo-app/www/**' kept what is below"
fi
grep -qx 'var/log/demo-app/app.log' "$tmp/app" || fail "--include did not bring back a log file"
for l in os config app; do
  if entries "$out/image" $l | grep -qx 'etc/demo-app/tls.key'; then
    fail "--include brought a secret file into the $l layer"
  fi
done
ok "--exclude drops a subtree, --include brings back a log file, not a secret file"
[ "$(layer_digest_of "$out/image" os)" = "$os_before" ] ||
  fail "one compression thread gave another os layer: $(layer_digest_of "$out/image" os), not $os_before"
ok "the os layer with one compression thread: the same bytes ($os_before)"
cmp -s "$tmp/edited.json" "$out/plan.json" || jq -S . "$tmp/edited.json" | cmp -s - <(jq -S . "$out/plan.json") ||
  fail "plan.json is not the plan given"
ls "$out/k8s" | grep -q 'demo-logs' && fail "k8s/ still has the dropped component"
jq -e '[.components[].name] | index("demo-logs") == null' "$out/report.json" >/dev/null ||
  fail "the report still lists the dropped component"
ls "$out/k8s" | grep -q 'cronjob-backup' || fail "k8s/ lost the other CronJobs"
ok "--plan: the edited plan is followed by the manifests and the report; --force replaced DIR"
ls -A "$tmp" | grep -q '\.\(tmp\|old\)' && fail "a temporary directory is left beside DIR"
echo "all passed"
