#!/bin/bash
# Issue 13 on the "vault" fixture (tests/make-fixtures.sh plants 35
# distinct secret values in every common form: unit environment and
# drop-ins, EnvironmentFile, /etc/default, .env, ExecStart arguments,
# crontabs, a SysV script, histories, client credential files, keys,
# keystores, web and framework configs, /etc/shadow, an OVF password
# property).  After v2c-convert -v and v2c-batch -v on it:
#   - no planted value in any byte of either output directory (every
#     layer decompressed), of the batch's logs and fleet files, or of
#     the tools' -v stderr (v2c-convert, v2c-batch, v2c-plan,
#     v2c-manifest, v2c-report);
#   - every planted place is in report.json's secrets[], and each says
#     what becomes of it;
#   - every key of every Secret is used by a workload (secretKeyRef or
#     a mounted secret volume);
#   - the shop app, started from the image with runc the way a kubelet
#     would (Secret stubs filled with test values, secretKeyRef
#     variables, $(VAR) expansion in command and args, secret volumes
#     at their paths with their defaultMode, runAsUser and fsGroup),
#     prints the sha256 of the password it got as an argument, of the
#     URL it got from its environment and of the password in its config
#     file: each is the test value's.
. "${top_srcdir:?}/tests/extract-lib.sh"
[ -n "${V2C_SANITIZED:-}" ] &&
  skip "V2C_SANITIZED=1: the classifier, scanner and extraction run under ASan in their unit tests and extract-backends.sh"
need_tools kubectl jq python3
python3 -c 'import yaml' 2>/dev/null || fail "python3 with PyYAML is needed"

src=$V2C_FIXTURES/vault/vault.ova
planted=$V2C_FIXTURES/vault/planted.txt
[ -f "$src" ] && [ -s "$planted" ] ||
  fail "the vault fixture is missing (an old fixture set? make fixtures-clean)"
[ "$(sort -u "$planted" | wc -l)" -ge 25 ] || fail "fewer than 25 planted values"
tmp=$(tmpdir secrets-vault)
before=$(source_digest "$src")

# --- the conversions ---------------------------------------------------
v2c-convert -v "$src" -o "$tmp/convert" 2>"$tmp/convert.err" ||
  { cat "$tmp/convert.err" >&2; fail "v2c-convert failed"; }
v2c-batch -v -o "$tmp/batch" "$src" 2>"$tmp/batch.err" ||
  { cat "$tmp/batch.err" >&2; fail "v2c-batch failed"; }
batch=$tmp/batch
# workers run with -q: a clean conversion leaves an empty log, which is
# still searched below with the rest
[ -f "$batch/.v2c-batch/logs/$(jq -r '.vms[0].name' "$batch/fleet.json").log" ] ||
  fail "v2c-batch -v kept no log of the conversion"
[ "$before" = "$(source_digest "$src")" ] || fail "the source's files changed"
ok "source unchanged (sha256)"
out=$tmp/convert
v2c-plan -v "$out/inventory.json" -o "$tmp/plan.json" 2>"$tmp/plan.err" ||
  { cat "$tmp/plan.err" >&2; fail "v2c-plan"; }
v2c-manifest -v "$out/plan.json" -o "$tmp/k8s" 2>"$tmp/manifest.err" ||
  { cat "$tmp/manifest.err" >&2; fail "v2c-manifest"; }
v2c-report -v "$out/inventory.json" "$out/plan.json" --image "$out/image" \
  -o "$tmp/report" 2>"$tmp/report.err" ||
  { cat "$tmp/report.err" >&2; fail "v2c-report"; }

# --- no planted value anywhere -----------------------------------------
mkdir -p "$tmp/blobs"
for img in "$out/image" "$batch"/*/image; do
  [ -d "$img" ] || continue
  for b in "$img"/blobs/sha256/*; do
    layer_cat "$b" >"$tmp/blobs/$(basename "$b")"
  done
done
where=("$out" "$batch" "$tmp/blobs" "$tmp"/*.err "$tmp/plan.json" "$tmp/k8s" "$tmp/report")
n=0 leaks=0
while IFS= read -r v; do
  [ -n "$v" ] || continue
  n=$((n + 1))
  while IFS= read -r hit; do
    echo "LEAK: planted value #$n appears in $hit" >&2
    leaks=$((leaks + 1))
  done < <(grep -rlF -- "$v" "${where[@]}")
done <"$planted"
[ "$leaks" -eq 0 ] || fail "$leaks places hold a planted value"
ok "none of the $n planted values in the outputs, the decompressed layers, the batch's logs and fleet files or any tool's -v stderr"

# --- every planted place is in the report ------------------------------
places=(
  /etc/systemd/system/shop.service
  /etc/systemd/system/shop.service.d/override.conf
  /etc/shop/shop.env /etc/default/shop /opt/shop/.env /etc/shop/shop.ini
  /var/spool/cron/crontabs/shop /etc/cron.d/shop-backup
  /etc/init.d/shop-legacy /root/.bash_history /root/.docker/config.json
  /etc/nginx/.htpasswd /root/.my.cnf /home/deploy/.netrc
  /home/deploy/.git-credentials /root/.aws/credentials /root/.kube/config
  /home/deploy/.ssh/id_ed25519 /opt/shop/keystore.p12
  /opt/tomcat/conf/tomcat-users.xml /var/www/html/wp-config.php
  /opt/shop/settings.py /opt/shop/application.properties
  /opt/shop/application.yml /root/.psql_history /etc/shop/tls/server.key
  /etc/shadow
)
for p in "${places[@]}"; do
  jq -e --arg p "$p" '[.secrets[] | select(.path == $p)] | length > 0' \
    "$out/report.json" >/dev/null || fail "report.json does not list $p"
  # Markdown escapes '_' in table cells
  grep -qF -- "${p//_/\\_}" "$out/report.md" || fail "report.md does not list $p"
done
jq -e '[.secrets[] | select(.kind == "ovf-password-property")] | length == 1' \
  "$out/report.json" >/dev/null || fail "report.json does not list the OVF password property"
jq -e 'all(.secrets[]; (.use | length) > 0)' "$out/report.json" >/dev/null ||
  fail "a secret of report.json does not say what becomes of it"
jq -e '[.secrets[] | select(.path == "/etc/shop/shop.ini")][0].use | test("shop")' \
  "$out/report.json" >/dev/null || fail "shop.ini does not go back to the shop component"
jq -e '[.secrets[] | select(.path == "/root/.bash_history")][0].use == "not mounted anywhere"' \
  "$out/report.json" >/dev/null || fail "/root/.bash_history: $(jq -c '.secrets[] | select(.path == "/root/.bash_history")' "$out/report.json")"
ok "all ${#places[@]} planted files and the OVF property are in the report, each with what becomes of it"

# fingerprints: the same value on two lines gives the same fingerprint
jq -e '[.secrets[] | select(.fingerprint) | .fingerprint | test("^hmac-sha256:[0-9a-f]{16}$")] | all and length > 10' \
  "$out/inventory.json" >/dev/null || fail "inventory.json's secrets lack fingerprints"
ok "inventory findings carry salted fingerprints"

# --- every Secret key is used by a workload ----------------------------
kubectl kustomize "$out/k8s" >"$tmp/all.yaml" 2>"$tmp/kustomize.err" ||
  fail "kubectl kustomize: $(cat "$tmp/kustomize.err")"
python3 - "$tmp/all.yaml" <<'EOF' || fail "a Secret key no workload uses"
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
keys = {(d["metadata"]["name"], k) for d in docs if d["kind"] == "Secret"
        for k in (d.get("stringData") or {})}
used = set()
for d in docs:
    spec = d.get("spec", {})
    if d["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    pod = spec.get("template", {}).get("spec")
    if not pod:
        continue
    vols = {v["name"]: v["secret"]["secretName"] for v in pod.get("volumes", []) if "secret" in v}
    for c in pod.get("containers", []) + pod.get("initContainers", []):
        for e in c.get("env", []):
            r = e.get("valueFrom", {}).get("secretKeyRef")
            if r:
                used.add((r["name"], r["key"]))
        for m in c.get("volumeMounts", []):
            if m["name"] in vols:
                s = vols[m["name"]]
                used |= {(n, k) for (n, k) in keys if n == s and (m.get("subPath") in (None, k))}
missing = sorted(keys - used)
if missing:
    print("unused Secret keys:", missing, file=sys.stderr)
    sys.exit(1)
print(len(keys), "Secret keys, all used")
EOF
ok "every key of every Secret is referenced by a workload"

# --- the shop app gets its secrets back --------------------------------
if [ "$(id -u)" != 0 ] || ! command -v runc >/dev/null || ! command -v umoci >/dev/null; then
  skip "runc needs root (the rest passed)"
fi
check_image "$out/image" v2c-vault
bundle=$out/image.bundle
python3 "$top_srcdir/tests/kubelet-sim.py" "$tmp/all.yaml" shop "$bundle" "$tmp/expect" ||
  fail "could not set the shop container up as a kubelet would"
ctr=v2c-vault-$$
on_exit "runc kill '$ctr' KILL >/dev/null 2>&1; runc delete -f '$ctr' >/dev/null 2>&1"
runc run -d --bundle "$bundle" "$ctr" >"$tmp/runc.out" 2>&1 </dev/null ||
  { cat "$tmp/runc.out" >&2; fail "runc run"; }
for _ in $(seq 50); do
  [ "$(grep -c '^shop: ' "$tmp/runc.out" 2>/dev/null)" -ge 4 ] && break
  sleep 0.2
done
grep '^shop: ' "$tmp/runc.out" >"$tmp/got" || true
diff -u "$tmp/expect" "$tmp/got" >&2 ||
  { sed 's/^/runc: /' "$tmp/runc.out" >&2; fail "the shop app did not receive its test secrets (expected - got +)"; }
ok "the shop app, run by runc as a kubelet would, got its password from \$(VAR) args, its URL from a secretKeyRef and its config file from a mounted Secret"
