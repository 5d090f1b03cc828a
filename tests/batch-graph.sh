#!/bin/bash
# The fleet's dependency graph and migration waves (issue 17) from four
# fixture VMs converted by v2c-batch: web calls app (nginx proxy_pass by
# host name, an upstream by address, and a name only web's /etc/hosts
# maps to app's address), app calls db (a DATABASE_URL and a JDBC URL),
# and every demo-based VM, lvm among them, calls db.internal, a host
# outside the batch.
# - graph.json has exactly the edges web -> app and app -> db, each
#   reference with its FILE:LINE in the guest (checked against the
#   fixture's own files) and how it resolved; db.internal is external;
#   the document validates against docs/graph.schema.json;
# - waves.json: web (no VM depends on it) is the pilot, db moves before
#   app; the pilot's wave reaches the app VM, not yet moved, through a
#   Service without selector, an EndpointSlice with app's address
#   (10.20.0.12, from its /etc/network/interfaces) and an egress
#   NetworkPolicy; app's wave hands that bridge over (web's overlay
#   in wave 3: the same Service name selecting app's pods, checked
#   against app's built pod template); every DIR/waves/wave-K/VM builds with
#   `kubectl kustomize` and its objects validate against the
#   Kubernetes schemas (kubernetes-models);
# - graph.html renders in headless Chromium (screenshot) and draws every
#   VM; no planted secret is in any of these files;
# - the same graph from the inventories alone (--descriptor-only over
#   the inventory files), and --waves-max 1 keeps every wave to one VM.
# The conversions are tests/golden.sh's when it ran (the VMs' outputs
# are copied and found up to date); else converted here.
. "${top_srcdir:?}/tests/batch-lib.sh"
[ "${V2C_SANITIZED:-0}" = 1 ] &&
  skip "V2C_SANITIZED=1: four conversions under ASan (tests/test-graph covers lib/fleet-graph.c and lib/fleet-waves.c)"
need_fixtures
need_tools kubectl node
fx=$(readlink -f "$V2C_FIXTURES")
names=(v2c-web v2c-app v2c-db v2c-lvm)
d=$work/fleet
shop_fleet "$d"
srcs=("${shop_srcs[@]}")
rc=0
"$batch" -q -j2 -o "$d" "${srcs[@]}" 2>"$work/batch.err" || rc=$?
[ $rc -eq 0 ] || { cat "$work/batch.err" >&2; fail "v2c-batch over web, app, db, lvm: exit $rc"; }
check_fleet_files "$d" 4
g=$d/graph.json
w=$d/waves.json
js=$("$top_srcdir/tests/setup-node.sh")
node "$js/validate.js" "$top_srcdir/docs/graph.schema.json" "$g" >&2 ||
  fail "graph.json does not validate against docs/graph.schema.json"
node "$js/validate.js" "$top_srcdir/docs/waves.schema.json" "$w" >&2 ||
  fail "waves.json does not validate against docs/waves.schema.json"
ok "graph.json and waves.json validate against their schemas"

# --- the edges, each reference with its evidence ----------------------
got=$(jq -c '[.edges[] | [.from, .to]]' "$g")
[ "$got" = '[["v2c-web","v2c-app"],["v2c-app","v2c-db"]]' ] ||
  fail "edges: $got, expected web -> app and app -> db only"
want_refs () {  # the references of an edge, one "KIND HOST:PORT SOURCE VIA" per line
  jq -r --arg f "$1" --arg t "$2" '.edges[] | select(.from == $f and .to == $t) |
    .references[] | "\(.kind) \(.host):\(.port) \(.source) \(.resolved_by)"' "$g"
}
refs=$(want_refs v2c-web v2c-app)
for want in \
  "upstream 10.20.0.12:8080 /etc/nginx/sites-available/default:2 address" \
  "http v2c-app:8080 /etc/nginx/sites-available/default:13 hostname" \
  "http app.corp.example:8080 /etc/nginx/sites-available/default:17 hosts"; do
  grep -qxF "$want" <<<"$refs" || fail "web -> app: no reference '$want' in: $refs"
done
[ "$(wc -l <<<"$refs")" -eq 3 ] || fail "web -> app: $(wc -l <<<"$refs") references (the enabled site's link read again?): $refs"
hosts_entry=$(jq -r '.edges[0].references[] | select(.resolved_by == "hosts") | .hosts_entry' "$g")
[[ $hosts_entry == /etc/hosts:* ]] || fail "the /etc/hosts resolution names no hosts entry: $hosts_entry"
refs=$(want_refs v2c-app v2c-db)
for want in \
  "postgresql v2c-db:5432 /etc/demo-app/app.env:2 hostname" \
  "jdbc v2c-db:5432 /etc/demo-app/app.properties:2 hostname"; do
  grep -qxF "$want" <<<"$refs" || fail "app -> db: no reference '$want' in: $refs"
done
# the evidence is where the guest has it: the lines, in the files of the
# VM's image (gzip layers, read with Python's tarfile)
guest_line () {  # guest_line VMDIR FILE LINE: that line of the VM's image
  local n=$1 f=$2 l=$3
  python3 - "$d/$n/image" "$f" "$l" <<'EOF'
import gzip, json, sys, tarfile, os
lay, path, line = sys.argv[1], sys.argv[2].lstrip("/"), int(sys.argv[3])
idx = json.load(open(os.path.join(lay, "index.json")))
dg = idx["manifests"][0]["digest"].split(":")[1]
man = json.load(open(os.path.join(lay, "blobs/sha256", dg)))
text = None
for l in man["layers"]:
    with tarfile.open(os.path.join(lay, "blobs/sha256", l["digest"].split(":")[1])) as t:
        for m in t.getmembers():
            if m.name.lstrip("./") == path and m.isfile():
                text = t.extractfile(m).read().decode()
print(text.splitlines()[line - 1] if text else "")
EOF
}
l=$(guest_line v2c-web /etc/nginx/sites-available/default 13)
[[ $l == *"proxy_pass http://v2c-app:8080"* ]] || fail "web's site line 13 in its image: '$l'"
l=$(guest_line v2c-web /etc/nginx/sites-available/default 2)
[[ $l == *"server 10.20.0.12:8080"* ]] || fail "web's site line 2 in its image: '$l'"
ok "edges: web -> app (hostname, address, /etc/hosts at $hosts_entry), app -> db (DATABASE_URL, JDBC), each FILE:LINE as in the guest"
jq -e '.external | map(.host) | index("db.internal") != null' "$g" >/dev/null ||
  fail "db.internal is not an external dependency: $(jq -c '.external | map(.host)' "$g")"
jq -e '[.external[] | select(.host == "db.internal") | .references[].from] | index("v2c-lvm") != null' "$g" >/dev/null ||
  fail "lvm's call to db.internal is not listed"
jq -e '.ambiguous == []' "$g" >/dev/null || fail "ambiguous names: $(jq -c .ambiguous "$g")"
ok "external: db.internal (from lvm and the others); nothing ambiguous"

# --- the waves --------------------------------------------------------
wave_of () { jq -r --arg n "$1" '.waves[] | select(.vms | index($n)) | .wave' "$w"; }
[ "$(wave_of v2c-web)" = 1 ] || fail "the pilot is not web: $(jq -c '.waves[0].vms' "$w")"
[ "$(wave_of v2c-db)" -lt "$(wave_of v2c-app)" ] ||
  fail "db (wave $(wave_of v2c-db)) does not move before app (wave $(wave_of v2c-app))"
jq -e '[.waves[] | select(.pilot | not) as $x | $x.depends_on[] | select(. >= $x.wave)] == []' "$w" >/dev/null ||
  fail "a wave after the pilot depends on a later one"
b=$(jq -c '.waves[0].bridges' "$w")
jq -e '.waves[0].bridges | length == 1 and .[0].to == "v2c-app" and .[0].service == "v2c-app"
       and .[0].address == "10.20.0.12" and .[0].ports == [8080]' "$w" >/dev/null ||
  fail "wave 1's bridge: $b"
ok "waves: $(jq -c '[.waves[].vms]' "$w"); the pilot bridges to app at 10.20.0.12:8080"

# --- the wave directories: kustomize builds, the bridge objects -------
n=0
for k in "$d"/waves/wave-*/*/; do
  out=$work/$(basename "$(dirname "$k")")-$(basename "$k").yaml
  kubectl kustomize "$k" >"$out" 2>"$work/kustomize.err" ||
    fail "kubectl kustomize $k: $(cat "$work/kustomize.err")"
  NODE_PATH=$js/node_modules node "$top_srcdir/tests/js/validate-k8s.js" "$out" >"$work/validate.out" 2>&1 ||
    { cat "$work/validate.out" >&2; fail "$k: objects do not validate against kubernetes-models"; }
  n=$((n + 1))
done
[ $n -eq 5 ] || fail "$n wave overlays, expected one per VM (4) and web's handover in app's wave"
python3 - "$work/wave-1-v2c-web.yaml" <<'EOF' || fail "the pilot's bridge objects"
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
by = {(d["kind"], d["metadata"]["name"]): d for d in docs}
svc = by[("Service", "v2c-app")]
assert "selector" not in svc["spec"], "the bridge Service has a selector"
assert svc["spec"]["ports"] == [{"name": "tcp-8080", "port": 8080, "protocol": "TCP", "targetPort": 8080}], svc["spec"]
es = by[("EndpointSlice", "v2c-app")]
assert es["metadata"]["labels"]["kubernetes.io/service-name"] == "v2c-app"
assert es["addressType"] == "IPv4" and es["endpoints"][0]["addresses"] == ["10.20.0.12"], es
assert [p["name"] for p in es["ports"]] == [p["name"] for p in svc["spec"]["ports"]]
np = by[("NetworkPolicy", "v2c-bridge-v2c-app")]
assert np["spec"]["egress"][0]["to"] == [{"ipBlock": {"cidr": "10.20.0.12/32"}}], np
sel = np["spec"]["podSelector"]["matchExpressions"][0]
assert sel["key"] == "app.kubernetes.io/instance" and sel["values"] == ["v2c-web"], sel
# the web VM's own pods carry that label
assert any(d["kind"] == "Deployment" and d["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/instance") == "v2c-web" for d in docs)
# the later waves carry no bridge
print("ok: the pilot's overlay: its base, a Service without selector, its EndpointSlice at 10.20.0.12, an egress NetworkPolicy for web's pods")
EOF
for k in "$work"/wave-[23]-*.yaml; do
  grep -q 'v2c.io/bridge-to' "$k" && fail "$k: a bridge in a wave with nothing left to reach"
done
# app's wave hands web's bridge over: the same Service name, now
# selecting the pods of app's Service that serves 8080, as a cluster's
# endpoints controller would match them (labels, named target port)
python3 - "$work/wave-1-v2c-web.yaml" "$work/wave-3-v2c-web.yaml" "$work/wave-3-v2c-app.yaml" <<'EOF' || fail "web's handover in app's wave"
import sys, yaml
def load(f):
    return [d for d in yaml.safe_load_all(open(f)) if d]
bridge, web, app = (load(f) for f in sys.argv[1:4])
def labelled(docs, key, value):
    return sorted((d["kind"], d["metadata"]["name"]) for d in docs
                  if d["metadata"].get("labels", {}).get(key) == value)
svc = [d for d in web if d["kind"] == "Service" and d["metadata"]["name"] == "v2c-app"]
assert len(svc) == 1, svc
svc = svc[0]
assert "v2c.io/bridge-to" not in svc["metadata"]["labels"], svc["metadata"]
assert svc["metadata"]["annotations"]["v2c.io/handed-over-in-wave"] == "3"
assert not [d for d in web if d["kind"] == "EndpointSlice"], "a bridge EndpointSlice after the handover"
sel = svc["spec"]["selector"]
pods = []
for d in app:
    t = d.get("spec", {}).get("template")
    if d["kind"] in ("Deployment", "StatefulSet") and t and all(t["metadata"]["labels"].get(k) == v for k, v in sel.items()):
        pods.append(t)
assert len(pods) == 1, ("the handover selects %d pod templates of app" % len(pods), sel)
(port,) = svc["spec"]["ports"]
assert port["port"] == 8080, port
names = {p.get("name"): p["containerPort"] for c in pods[0]["spec"]["containers"] for p in c.get("ports", [])}
assert port["targetPort"] in names and names[port["targetPort"]] == 8080, (port, names)
target = [d for d in app if d["kind"] == "Service" and d["spec"].get("selector") == sel]
assert target and any(p["port"] == 8080 for p in target[0]["spec"]["ports"]), target
np = [d for d in web if d["kind"] == "NetworkPolicy" and d["metadata"]["name"] == "v2c-handover-v2c-app"][0]
(eg,) = np["spec"]["egress"]
assert eg["to"] == [{"podSelector": {"matchLabels": sel}}] and eg["ports"] == [{"protocol": "TCP", "port": port["targetPort"]}], eg
assert np["spec"]["podSelector"]["matchExpressions"][0]["values"] == ["v2c-web"]
# the wave-1 bridge objects the handover's note deletes by label: exactly
# the bridge's, none of the handover's
assert labelled(bridge, "v2c.io/bridge-to", "v2c-app") == [("EndpointSlice", "v2c-app"), ("NetworkPolicy", "v2c-bridge-v2c-app"), ("Service", "v2c-app")]
assert labelled(web, "v2c.io/bridge-to", "v2c-app") == []
print("ok: app's wave hands web's bridge over: Service v2c-app selects app's pod on its port tcp-8080 (8080), egress allowed to those pods; the bridge's objects carry the label its removal uses")
EOF
grep -q 'kubectl delete endpointslice,networkpolicy -l v2c.io/bridge-to=v2c-app' "$d/waves/wave-3/v2c-web/service-v2c-app.yaml" ||
  fail "the handover does not say how to remove the bridge's objects"
ok "every wave overlay builds with kubectl kustomize and validates (kubernetes-models)"

# --- graph.html in a real browser -------------------------------------
grep -qi '<script' "$d/graph.html" && fail "graph.html has a script"
grep -Eqi '(src|href)="?(https?:)?//' "$d/graph.html" && fail "graph.html fetches from the network"
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$chrome" ]; then
  timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --dump-dom \
    "file://$d/graph.html" >"$work/dom.html" 2>/dev/null || fail "chromium could not load graph.html"
  for n in "${names[@]}" db.internal; do
    grep -q "class=\"t\">$n</text>" "$work/dom.html" || fail "graph.html does not draw $n"
  done
  timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --window-size=1400,700 \
    --screenshot="$work/graph.png" "file://$d/graph.html" >/dev/null 2>&1
  [ -s "$work/graph.png" ] && file "$work/graph.png" | grep -q 'PNG image data, 1400 x 700' ||
    fail "no screenshot of graph.html"
  ok "graph.html renders in Chromium (every VM and db.internal drawn; $work/graph.png)"
else
  echo "SKIP-PART: no chromium to render graph.html"
fi

# --- no secret -------------------------------------------------------
planted=$fx/planted-secrets.txt
if [ -f "$planted" ]; then
  while IFS= read -r v; do
    [ -n "$v" ] || continue
    grep -rqF -- "$v" "$g" "$w" "$d/graph.html" "$d/fleet.html" "$d/waves" &&
      fail "a planted secret is in the graph or waves files"
  done <"$planted"
  ok "no planted secret in graph.json, waves.json, graph.html, fleet.html, waves/"
fi

# --- the same from the inventories alone; --waves-max -------------------
for n in "${names[@]}"; do cp "$d/$n/inventory.json" "$work/$n.json"; done
rc=0
"$batch" -q --descriptor-only --waves-max 1 -o "$work/plan" \
  "$work/v2c-web.json" "$work/v2c-app.json" "$work/v2c-db.json" "$work/v2c-lvm.json" \
  2>"$work/plan.err" || rc=$?
[ $rc -eq 0 ] || { cat "$work/plan.err" >&2; fail "--descriptor-only over inventories: exit $rc"; }
[ "$(jq -c '[.edges[] | [.from, .to, (.references | length)]]' "$work/plan/graph.json")" = \
  "$(jq -c '[.edges[] | [.from, .to, (.references | length)]]' "$g")" ] ||
  fail "the graph from the inventories differs: $(jq -c .edges "$work/plan/graph.json")"
jq -e '.max_per_wave == 1 and ([.waves[].vms | length] | max) == 1 and .counts.waves == 4' \
  "$work/plan/waves.json" >/dev/null || fail "--waves-max 1: $(jq -c '[.waves[].vms]' "$work/plan/waves.json")"
[ ! -e "$work/plan/waves" ] || fail "--descriptor-only wrote wave overlays (nothing was converted)"
rc=0
"$batch" -q -o "$work/nope" "$work/v2c-web.json" 2>"$work/nope.err" || rc=$?
[ $rc -eq 2 ] && grep -q 'descriptor-only' "$work/nope.err" ||
  fail "an inventory to convert: exit $rc, $(cat "$work/nope.err")"
printf '{"schema": "v2c.inventory/1", "name": 3}' >"$work/broken.json"
rc=0
"$batch" -q --descriptor-only -o "$work/plan2" "$work/v2c-web.json" "$work/broken.json" 2>"$work/plan2.err" || rc=$?
[ $rc -eq 1 ] || fail "a broken inventory: exit $rc, expected 1"
jq -e '.vms[] | select(.name == "broken") | .status == "failed" and (.error | test("inventory"))' \
  "$work/plan2/fleet.json" >/dev/null || fail "the broken inventory is not failed with the loader's error: $(jq -c .vms "$work/plan2/fleet.json")"
ok "the inventories alone give the same edges; --waves-max 1 gives four waves of one VM; an inventory is not converted (exit 2); a broken one fails (exit 1)"
