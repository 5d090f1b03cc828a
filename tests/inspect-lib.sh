# Shared by the tests/inspect-*.sh tests: one fixture VM named in
# tests/fixtures.tsv, checked against what the fixture was built to be.
# The inventory is the one tests/golden.sh's conversion of the VM wrote
# (the same inspection v2c-inspect runs, and golden.sh checked that the
# fixtures' files did not change) when golden.sh ran in this build tree;
# otherwise (a test run alone, the sanitized run) v2c-inspect's own.
# Sourced, not run.
. "${top_srcdir:?}/tests/lib.sh"
need_fixtures
need_tools jq

# Field N of the fixture's row in fixtures.tsv (header names the columns).
fixture_field () {
  awk -F'\t' -v n="$1" -v col="$2" '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    /^#/ { next }
    $1 == n { print $(c[col]); found = 1 }
    END { exit !found }' "$top_srcdir/tests/fixtures.tsv"
}

validate_inventory () {
  local js
  js=$("$top_srcdir/tests/setup-node.sh")
  node "$js/validate.js" "$top_srcdir/docs/inventory.schema.json" "$@" >&2 \
    || fail "inventory does not validate against docs/inventory.schema.json"
}

expect () {  # expect LABEL ACTUAL EXPECTED
  if [ "$2" != "$3" ]; then
    fail "$name: $1 is '$2', expected '$3'"
  fi
  ok "$name: $1 = $2"
}

inspect_fixture () {
  name=$1
  local src before after args=() uri dom rest srcfile conv
  # Under ASan (scripts/check.sh's second run) these read the very guest
  # the 'ova' fixture has through another container (lvm: on an LVM
  # volume libguestfs activates): the guest-side code is the same, and
  # their readers' code runs under ASan in the unit tests and fuzzers; an
  # appliance launch each would only cost time.
  case " ${V2C_SANITIZED:+ova-gz raw qcow2 vmx-split vmx-sparse libvirt lvm} " in
    *" $name "*) skip "V2C_SANITIZED=1: '$name' is the 'ova' guest again (unit tests cover its reader; LVM is libguestfs's)" ;;
  esac
  src=$(fixture_field "$name" source) || fail "no fixture '$name' in tests/fixtures.tsv"
  src=${src//@FIXTURES@/$V2C_FIXTURES}
  out=$(tmpdir "inspect-$name")
  inv=$out/inv.json
  if [[ $src == libvirt:* ]]; then
    rest=${src#libvirt:}
    dom=${rest##*:}
    uri=${rest%:*}
    args=(-c "$uri" -d "$dom")
    srcfile=${uri#test://}
    conv=$(converted_vm libvirt) || conv=
  else
    srcfile=$V2C_FIXTURES/$src
    args=("$srcfile")
    conv=$(converted_vm "$src") || conv=
  fi
  if [ -n "$conv" ]; then
    cp "$conv/inventory.json" "$inv"
    ok "$name: the inventory of golden.sh's conversion ($conv; the fixtures' files unchanged)"
  else
    need_appliance
    before=$(source_digest "$srcfile")
    v2c-inspect "${args[@]}" -o "$inv" 2>"$out/err" || {
      cat "$out/err" >&2; fail "$name: v2c-inspect failed"; }
    after=$(source_digest "$srcfile")
    [ "$before" = "$after" ] || fail "$name: the source's files changed"
    ok "$name: source files unchanged (sha256)"
  fi
  validate_inventory "$inv"
  local col want got
  for col in os_type distro major hostname cpus memory_mib disks nic_model; do
    want=$(fixture_field "$name" "$col")
    case $col in
      os_type) got=$(jq -r '.os.type' "$inv") ;;
      distro) got=$(jq -r '.os.distro' "$inv") ;;
      major) got=$(jq -r '.os.major' "$inv") ;;
      hostname) got=$(jq -r '.os.hostname' "$inv") ;;
      cpus) got=$(jq -r '.hardware.cpus // "-"' "$inv") ;;
      memory_mib) got=$(jq -r '.hardware.memory_mib // "-"' "$inv") ;;
      disks) got=$(jq -r '.source.disks | length' "$inv") ;;
      nic_model) got=$(jq -r '.hardware.nics[0].model // "-"' "$inv") ;;
    esac
    expect "$col" "$got" "$want"
  done
  # Every filesystem the OS mounts has a size; the root has used bytes.
  jq -e '[.filesystems[] | select(.mountpoint == "/")] | length == 1' "$inv" >/dev/null \
    || fail "$name: no filesystem mounted on /"
  jq -e '.filesystems[] | select(.mountpoint == "/") | .used_bytes > 0' "$inv" >/dev/null \
    || fail "$name: root filesystem has no used bytes"
  jq -e '.os.package_format == "deb" and .os.arch == "x86_64"' "$inv" >/dev/null \
    || fail "$name: package format / arch wrong: $(jq -c .os "$inv")"
  no_planted_secret "$inv"
  if declare -F extra_checks >/dev/null; then extra_checks "$inv"; fi
}

# No planted secret value (tests/make-fixtures.sh lists them) may appear
# anywhere in an output file.
no_planted_secret () {
  no_planted_secret_in "$@"
  ok "$name: no planted secret value in the output"
}

jqe () {  # jqe LABEL FILTER: the filter must be true on the inventory
  jq -e "$2" "$inv" >/dev/null || fail "$name: $1 ($2)"
  ok "$name: $1"
}

# What the demo guest (tests/make-fixtures.sh) holds, item by item.
check_demo_inventory () {
  inv=$1
  local want got
  # packages: exactly the installed stanzas of the guest's dpkg status
  # (read independently here with awk from the tree the script wrote)
  want=$(awk -v RS= '/\nStatus: install ok installed/ {
           match($0, /Package: [^\n]+/); p = substr($0, RSTART + 9, RLENGTH - 9)
           match($0, /\nVersion: [^\n]+/); v = substr($0, RSTART + 10, RLENGTH - 10)
           print p "=" v }' "$V2C_FIXTURES/demo-tree/var/lib/dpkg/status" | sort)
  got=$(jq -r '.packages[] | "\(.name)=\(.evr)"' "$inv" | sort)
  [ "$want" = "$got" ] || fail "$name: packages differ:
$(diff <(echo "$want") <(echo "$got"))"
  echo "ok: $name: $(echo "$got" | wc -l) packages = the dpkg status's installed ones"
  jqe "rsyslog (config-files only) is not installed" '[.packages[] | select(.name == "rsyslog")] | length == 0'
  jqe "nginx owns its files and conffiles" '.packages[] | select(.name == "nginx") | .files > 5 and (.conffiles | index("/etc/nginx/nginx.conf") != null)'
  # services
  jqe "demo-app enabled, its user, dir, env" '.services[] | select(.name == "demo-app.service") | .enabled and .user == "demoapp" and .working_directory == "/opt/demo-app" and .environment.PORT == "8080" and (.exec_start | test("run.sh"))'
  jqe "demo-app's environment file read, secrets redacted" '.services[] | select(.name == "demo-app.service") | .environment.DB_PASSWORD == "<redacted>" and .environment.API_TOKEN == "<redacted>"'
  jqe "nginx drop-in overrides ExecStart" '.services[] | select(.name == "nginx.service") | .enabled and (.dropins | length) >= 1 and (.exec_start | test("nginx"))'
  jqe "ssh and cron enabled" '[.services[] | select((.name == "ssh.service" or .name == "cron.service") and .enabled)] | length == 2'
  jqe "template instance getty@tty1" '.services[] | select(.name == "getty@tty1.service") | .template_instance == "tty1" and .enabled'
  jqe "SysV-only legacy-daemon, enabled by its rc2.d link" '.services[] | select(.name == "legacy-daemon") | .kind == "sysv" and .enabled'
  jqe "timer demo-report: daily, enabled" '.timers[] | select(.name == "demo-report.timer") | .enabled and (.on_calendar | index("daily") != null)'
  # cron
  jqe "cron.d job with its schedule and user" '.cron[] | select(.file == "/etc/cron.d/demo-report") | .schedule == "*/15 * * * *" and .user == "demoapp"'
  jqe "root's spool crontab" '[.cron[] | select(.file == "/var/spool/cron/crontabs/root" and .user == "root")] | length >= 1'
  jqe "anacron-style daily jobs" '[.cron[] | select(.schedule == "@daily")] | length >= 1'
  # users
  jqe "demoapp user 1001" '.users[] | select(.name == "demoapp") | .uid == 1001 and .gid == 1001 and .home == "/opt/demo-app"'
  jqe "no password hash field anywhere" '[.. | objects | select(has("password") or has("passwd"))] | length == 0'
  # ports, proxies, data
  jqe "nginx listens on 80 (evidence with file and line)" '[.ports[] | select(.port == 80 and .service == "nginx" and (.evidence | test("^/etc/nginx/.*:[0-9]+: ")))] | length >= 1'
  jqe "sshd on 22" '[.ports[] | select(.port == 22)] | length >= 1'
  jqe "demo-app on 8080 from its environment" '[.ports[] | select(.port == 8080)] | length >= 1'
  jqe "nginx proxies to the app" '.proxy_targets | index("127.0.0.1:8080") != null'
  jqe "the app's state directory is data" '.data_dirs[] | select(.path == "/var/lib/demo-app") | .used_bytes > 0'
  # secrets: where, which kind, never the value
  jqe "app.env password found" '[.secrets[] | select(.path == "/etc/demo-app/app.env" and .kind == "password" and .line > 0 and (.evidence | test("<redacted>")))] | length >= 1'
  jqe "app.env token found" '[.secrets[] | select(.path == "/etc/demo-app/app.env" and .kind == "token")] | length >= 1'
  jqe "TLS private key found" '[.secrets[] | select(.path == "/etc/demo-app/tls.key" and .kind == "private-key")] | length == 1'
  jqe "root's .pgpass found" '[.secrets[] | select(.path == "/root/.pgpass" and .kind == "pgpass")] | length >= 1'
  jqe "SSH host key found" '[.secrets[] | select(.kind == "host-key")] | length >= 1'
  # network (issue 17): the hostname file, no interface configured, and
  # the one host a setting names: grep's DB_HOST= lines of the tree
  want=$(cd "$V2C_FIXTURES/demo-tree" && grep -rn '^DB_HOST=' etc opt srv 2>/dev/null |
           awk -F: '{sub(/^DB_HOST=/, "", $3); print "database " $3 " /" $1 ":" $2}')
  got=$(jq -r '.references[] | "\(.kind) \(.host) \(.source)"' "$inv")
  [ "$want" = "$got" ] || fail "$name: references: $got; the tree's DB_HOST lines: $want"
  jqe "network: the hostname, no interface, no host beyond loopback" \
    '.network.hostname == "'"$(cat "$V2C_FIXTURES/demo-tree/etc/hostname")"'" and (.network.interfaces | length == 0) and (.network.hosts | length == 0)'
}
