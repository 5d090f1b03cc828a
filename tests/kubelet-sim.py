#!/usr/bin/env python3
# v2c - move VMware virtual machines onto Kubernetes
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# tests/kubelet-sim.py MANIFESTS COMPONENT BUNDLE EXPECT
#
# Set a runc bundle (umoci unpack of a v2c image) up the way a kubelet
# would start COMPONENT's container from MANIFESTS (kubectl kustomize
# output), with every Secret stub filled with a test value:
#   - env: value, valueFrom.secretKeyRef (and envFrom.secretRef) over the
#     image's Env;
#   - command and args: $(VAR) expanded from that environment ($$ is a
#     literal $, an unknown $(VAR) stays as written), as the Kubernetes
#     API documents for container command and args;
#   - secret volumes: each key a file with the volume's defaultMode (or
#     the item's mode), group fsGroup and the group read bit kubelet adds
#     for fsGroup, bind-mounted read-only at mountPath (subPath: that key);
#     emptyDir and PVC volumes: empty writable directories;
#   - runAsUser, runAsGroup, fsGroup (supplementary group),
#     readOnlyRootFilesystem.
# Writes BUNDLE/config.json, and EXPECT: the lines the vault fixture's
# shop app must print when it receives these values (sha256 of the
# --db-password and --api-key arguments, of DATABASE_URL, of the
# password in /etc/shop/shop.ini).
# It knows nothing of v2c's internals: it reads only the manifests.
import hashlib
import json
import os
import re
import sys

import yaml

manifests, component, bundle, expect_path = sys.argv[1:5]
docs = [d for d in yaml.safe_load_all(open(manifests)) if d]

pod = None
for d in docs:
    if d["kind"] in ("Deployment", "StatefulSet") and d["metadata"]["name"] == component:
        pod = d["spec"]["template"]["spec"]
if pod is None:
    sys.exit("no Deployment or StatefulSet named %r" % component)
ctr = pod["containers"][0]
secrets = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Secret"}
configmaps = {d["metadata"]["name"]: d for d in docs if d["kind"] == "ConfigMap"}

INI = "[database]\nhost = db.test\npassword = test-ini-password\n"


def stub(secret, key):
    """The test value a person would put in place of a placeholder."""
    if key == "shop.ini":
        return INI
    return "test-%s-%s" % (secret, key)


def sha(s):
    return hashlib.sha256(s.encode()).hexdigest()


config = json.load(open(os.path.join(bundle, "config.json")))
proc = config["process"]
env = dict(e.split("=", 1) for e in proc.get("env", []))
for src in ctr.get("envFrom", []):
    ref = src.get("secretRef")
    if ref:
        for k in secrets[ref["name"]].get("stringData", {}):
            env[src.get("prefix", "") + k] = stub(ref["name"], k)
for e in ctr.get("env", []):
    if "value" in e:
        env[e["name"]] = e["value"]
        continue
    ref = e.get("valueFrom", {}).get("secretKeyRef")
    if ref is None:
        sys.exit("variable %s: an unsupported valueFrom" % e["name"])
    if ref["key"] not in secrets[ref["name"]].get("stringData", {}):
        sys.exit("variable %s: Secret %s has no key %s" % (e["name"], ref["name"], ref["key"]))
    env[e["name"]] = stub(ref["name"], ref["key"])


def expand(s):
    def one(m):
        if m.group(0) == "$$":
            return "$"
        name = m.group(1)
        return env[name] if name in env else m.group(0)
    return re.sub(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)", one, s)


if "command" in ctr:
    argv = [expand(a) for a in ctr["command"]] + [expand(a) for a in ctr.get("args", [])]
elif "args" in ctr:
    argv = proc["args"][:1] + [expand(a) for a in ctr["args"]]
else:
    argv = proc["args"]
proc["args"] = argv
proc["env"] = ["%s=%s" % kv for kv in sorted(env.items())]
proc["terminal"] = False
if ctr.get("workingDir"):
    proc["cwd"] = ctr["workingDir"]

psc = pod.get("securityContext", {})
csc = ctr.get("securityContext", {})
uid = csc.get("runAsUser", psc.get("runAsUser", proc["user"]["uid"]))
gid = csc.get("runAsGroup", psc.get("runAsGroup", proc["user"]["gid"]))
fs_group = psc.get("fsGroup")
proc["user"] = {"uid": uid, "gid": gid}
if fs_group is not None:
    proc["user"]["additionalGids"] = [fs_group]
if csc.get("readOnlyRootFilesystem"):
    config["root"]["readonly"] = True

# volumes
vols = {v["name"]: v for v in pod.get("volumes", [])}
voldir = os.path.join(bundle, "volumes")
os.makedirs(voldir, exist_ok=True)
mounts = config.setdefault("mounts", [])
for m in ctr.get("volumeMounts", []):
    v = vols[m["name"]]
    host = os.path.join(voldir, m["name"])
    if "secret" in v or "configMap" in v:
        kind = "secret" if "secret" in v else "configMap"
        src = v[kind]
        name = src["secretName"] if kind == "secret" else src["name"]
        data = (secrets[name].get("stringData", {}) if kind == "secret"
                else configmaps[name].get("data", {}))
        items = src.get("items") or [{"key": k, "path": k} for k in data]
        os.makedirs(host, exist_ok=True)
        for it in items:
            value = stub(name, it["key"]) if kind == "secret" else data[it["key"]]
            p = os.path.join(host, it["path"])
            with open(p, "w") as f:
                f.write(value)
            mode = it.get("mode", src.get("defaultMode", 0o644))
            if fs_group is not None:
                os.chown(p, 0, fs_group)
                mode |= 0o440  # kubelet: fsGroup gets read on a read-only volume
            os.chmod(p, mode)
        source = os.path.join(host, m["subPath"]) if m.get("subPath") else host
        opts = ["bind", "ro"]
    else:
        os.makedirs(host, exist_ok=True)
        if fs_group is not None:
            os.chown(host, 0, fs_group)
            os.chmod(host, 0o2775)
        source = os.path.join(host, m["subPath"]) if m.get("subPath") else host
        os.makedirs(source, exist_ok=True)
        opts = ["bind", "ro"] if m.get("readOnly") else ["bind", "rw"]
    mounts.append({"destination": m["mountPath"], "type": "bind",
                   "source": source, "options": opts})
json.dump(config, open(os.path.join(bundle, "config.json"), "w"), indent=1)

# what the shop app must print
pw = key = None
for i, a in enumerate(argv):
    if a.startswith("--db-password="):
        pw = a.split("=", 1)[1]
    if a == "--api-key" and i + 1 < len(argv):
        key = argv[i + 1]
raw = " ".join(ctr.get("command", []) + ctr.get("args", []))
if pw is None or key is None or "$(" not in raw:
    sys.exit("the shop's command line lacks its $(VAR) secret arguments: %r" % raw)
if pw == key or not pw.startswith("test-") or not key.startswith("test-"):
    sys.exit("the arguments did not expand to Secret values: %r" % argv)
if not env.get("DATABASE_URL", "").startswith("test-"):
    sys.exit("DATABASE_URL does not come from a Secret")
with open(expect_path, "w") as f:
    f.write("shop: arg db-password %s\n" % sha(pw))
    f.write("shop: arg api-key %s\n" % sha(key))
    f.write("shop: env DATABASE_URL %s\n" % sha(env["DATABASE_URL"]))
    f.write("shop: file shop.ini %s\n" % sha("test-ini-password"))
