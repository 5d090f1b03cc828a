#!/bin/bash
# Extraction judges every file itself, whatever the plan says (issue
# 13): a plan edited to empty image.secret_files, with --include over
# the places secrets live, still puts none of /etc/shadow, an SSH host
# key, a .pgpass, an application's env file, a history or a keystore in
# a layer, and v2c-extract warns about each; only the reviewer's
# image.allow_secret lets one in, and then v2c-report says so (rule
# secret-in-image).  On a host tree (--root): no appliance launch.
. "${top_srcdir:?}/tests/extract-lib.sh"
need_tools jq
[ "$(id -u)" = 0 ] || skip "writing the tree's owners needs root"

tmp=$(tmpdir secrets-edited-plan)
root=$tmp/root
mkdir -p "$root/etc/ssh" "$root/etc/app" "$root/root" "$root/opt/app" "$root/bin"
printf 'root:$6$v2cE1salt$v2cE1hash:19000:0:99999:7:::\n' >"$root/etc/shadow"
chmod 0640 "$root/etc/shadow"
printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nv2cE2hostkeybody\n-----END OPENSSH PRIVATE KEY-----\n' \
  >"$root/etc/ssh/ssh_host_ed25519_key"
chmod 0600 "$root/etc/ssh/ssh_host_ed25519_key"
printf 'db:5432:app:app:v2cE3pgpass\n' >"$root/root/.pgpass"
printf 'DB_PASSWORD=v2cE4appenv\nLOG_LEVEL=info\n' >"$root/etc/app/app.env"
printf 'mysql -u root -pv2cE5hist\n' >"$root/root/.bash_history"
printf '\0\1v2cE6keystore\0' >"$root/opt/app/keystore.p12"
printf 'plain\n' >"$root/etc/app/readme.txt"
printf '#!/bin/sh\necho ok\n' >"$root/bin/app" && chmod 0755 "$root/bin/app"
planted=(v2cE1hash v2cE2hostkeybody v2cE3pgpass v2cE4appenv v2cE5hist v2cE6keystore)
files=(/etc/shadow /etc/ssh/ssh_host_ed25519_key /root/.pgpass /etc/app/app.env
       /root/.bash_history /opt/app/keystore.p12)

v2c-plan -q "$top_srcdir/tests/data/plan/demo-inventory.json" -o "$tmp/plan.json" ||
  fail "v2c-plan"
jq '.image.secret_files = [] | del(.image.allow_secret)' "$tmp/plan.json" >"$tmp/edited.json"
inc=()
for f in "${files[@]}" /etc /root /opt; do inc+=(--include "$f"); done

layers_text () {  # layers_text IMAGE OUT: every layer, decompressed
  : >"$2"
  for b in "$1"/blobs/sha256/*; do layer_cat "$b" >>"$2"; done
}

# --- the edited plan: nothing secret gets in -------------------------------
v2c-extract --plan "$tmp/edited.json" --root "$root" "${inc[@]}" \
  -o "$tmp/img" 2>"$tmp/extract.err" || { cat "$tmp/extract.err" >&2; fail "v2c-extract"; }
layers_text "$tmp/img" "$tmp/layers"
grep -qF 'echo ok' "$tmp/layers" || fail "the tree's ordinary files are not in the image"
for v in "${planted[@]}"; do
  ! grep -qaF -- "$v" "$tmp/layers" || fail "a secret ($v) is in a layer of the edited plan's image"
  ! grep -qaF -- "$v" "$tmp/extract.err" || fail "a secret ($v) is in v2c-extract's messages"
done
for f in "${files[@]}"; do
  grep -qF -- "$f" "$tmp/extract.err" || fail "v2c-extract does not warn that it left $f out"
done
ok "an edited plan with --include: none of ${#files[@]} secret files in a layer, each left out with a warning"

# --- image.allow_secret lets one in, and the report says so ----------------
jq '.image.allow_secret = ["/etc/app/app.env"]' "$tmp/edited.json" >"$tmp/allow.json"
v2c-extract -q --plan "$tmp/allow.json" --root "$root" "${inc[@]}" -o "$tmp/img2" ||
  fail "v2c-extract with allow_secret"
layers_text "$tmp/img2" "$tmp/layers2"
grep -qaF v2cE4appenv "$tmp/layers2" || fail "image.allow_secret did not let /etc/app/app.env in"
for v in v2cE1hash v2cE3pgpass v2cE5hist; do
  ! grep -qaF -- "$v" "$tmp/layers2" || fail "allow_secret let more than its one file in ($v)"
done
jq '.secrets = [{"path":"/etc/app/app.env","kind":"password","line":1,"evidence":"DB_PASSWORD=<redacted>"}]' \
  "$top_srcdir/tests/data/plan/demo-inventory.json" >"$tmp/inv.json"
v2c-report -q "$tmp/inv.json" "$tmp/allow.json" -o "$tmp/report" ||
  fail "v2c-report"
jq -e '[.fitness[] | .. | strings | select(. == "secret-in-image")] | length > 0' \
  "$tmp/report/report.json" >/dev/null || fail "the report has no secret-in-image finding"
jq -e '[.secrets[] | select(.path == "/etc/app/app.env")][0].use | test("allow_secret")' \
  "$tmp/report/report.json" >/dev/null || fail "the report does not say app.env is in the image"
ok "image.allow_secret lets exactly its file in, and the report's secret-in-image rule says so"
