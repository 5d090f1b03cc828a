#!/usr/bin/env python3
# v2c - move VMware virtual machines onto Kubernetes
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# tests/job-sim.py MANIFESTS INDEX IMAGE WORK CLAIM=DIR... [secret:NAME/KEY=VALUE...]
#
# Run completion index INDEX of the Indexed Job in MANIFESTS (kubectl
# kustomize output of v2c-batch --emit-k8s-job) the way a kubelet would
# start its pod, on root podman, with IMAGE in place of the Job's image:
#   - the container's command, args and env, JOB_COMPLETION_INDEX (the
#     Job controller sets it for Indexed Jobs), workingDir if any; an env
#     valueFrom.secretKeyRef from the secret:NAME/KEY=VALUE arguments (the
#     Secrets that exist), left out when absent and optional;
#   - volumes: persistentVolumeClaim CLAIM -> the host directory DIR
#     given for it (read-only when the volume or its mount says so);
#     configMap -> a directory of its keys (from the ConfigMap in
#     MANIFESTS) mounted read-only; emptyDir -> a new directory under
#     WORK; fsGroup: PVC and emptyDir volumes get that group, group
#     writable and setgid, as kubelet does for volumes that support
#     ownership management;
#   - securityContext: runAsUser, runAsGroup, fsGroup (a supplementary
#     group), runAsNonRoot (refused for uid 0), readOnlyRootFilesystem,
#     allowPrivilegeEscalation: false (no-new-privileges), capabilities
#     drop, seccompProfile RuntimeDefault (podman's default);
#   - resources.limits.memory as the container's memory limit;
#   - no network: the pod needs none (a cluster would give it one);
#   - the label v2c.job-sim=WORK, for the caller to find the container.
# Exit status: the container's.  It knows nothing of v2c's internals: it
# reads only the manifests.
import os
import re
import subprocess
import sys

import yaml

UNITS = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40,
         "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "": 1}


def quantity(q):
    m = re.fullmatch(r"([0-9]+)([A-Za-z]*)", str(q))
    if not m or m.group(2) not in UNITS:
        sys.exit("job-sim: memory quantity %r not understood" % q)
    return int(m.group(1)) * UNITS[m.group(2)]


def main():
    if len(sys.argv) < 5:
        sys.exit("usage: job-sim.py MANIFESTS INDEX IMAGE WORK CLAIM=DIR...")
    manifests, index, image, work = sys.argv[1:5]
    work = os.path.abspath(work)
    claims, secrets = {}, {}
    for a in sys.argv[5:]:
        k, v = a.split("=", 1)
        if k.startswith("secret:"):
            secrets[k[7:]] = v
        else:
            claims[k] = os.path.abspath(v)
    docs = [d for d in yaml.safe_load_all(open(manifests)) if d]
    jobs = [d for d in docs if d.get("kind") == "Job"]
    if len(jobs) != 1:
        sys.exit("job-sim: %d Jobs in %s, expected 1" % (len(jobs), manifests))
    job = jobs[0]
    spec = job["spec"]
    if spec.get("completionMode") != "Indexed":
        sys.exit("job-sim: not an Indexed Job")
    if not 0 <= int(index) < int(spec["completions"]):
        sys.exit("job-sim: index %s outside 0..%d" % (index, spec["completions"] - 1))
    cmaps = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "ConfigMap"}
    pod = spec["template"]["spec"]
    if len(pod["containers"]) != 1 or pod.get("initContainers"):
        sys.exit("job-sim: one container and no init containers expected")
    c = pod["containers"][0]
    psc = pod.get("securityContext", {})
    csc = c.get("securityContext", {})
    sc = dict(psc, **csc)

    run = ["podman", "run", "--rm", "--network=none", "--label", "v2c.job-sim=" + work,
           "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096",
           "-e", "JOB_COMPLETION_INDEX=%s" % index]
    uid = sc.get("runAsUser")
    gid = sc.get("runAsGroup", 0 if uid is not None else None)
    if sc.get("runAsNonRoot") and (uid is None or uid == 0):
        sys.exit("job-sim: runAsNonRoot without a non-zero runAsUser")
    if uid is not None:
        run += ["--user", "%d:%d" % (uid, gid)]
    fsgroup = psc.get("fsGroup")
    if fsgroup is not None:
        run += ["--group-add", str(fsgroup)]
    if sc.get("readOnlyRootFilesystem"):
        run.append("--read-only")
    if sc.get("allowPrivilegeEscalation") is False:
        run += ["--security-opt", "no-new-privileges"]
    if sc.get("privileged"):
        sys.exit("job-sim: a privileged container")
    for cap in sc.get("capabilities", {}).get("drop", []):
        run += ["--cap-drop", cap]
    for cap in sc.get("capabilities", {}).get("add", []):
        run += ["--cap-add", cap]
    mem = c.get("resources", {}).get("limits", {}).get("memory")
    if mem is not None:
        run += ["--memory", str(quantity(mem))]
    for e in c.get("env", []):
        ref = e.get("valueFrom", {}).get("secretKeyRef")
        if ref is not None:
            key = "%s/%s" % (ref["name"], ref["key"])
            if key in secrets:
                run += ["-e", "%s=%s" % (e["name"], secrets[key])]
            elif not ref.get("optional"):
                sys.exit("job-sim: env %s: no Secret %s" % (e["name"], key))
        elif "value" in e:
            run += ["-e", "%s=%s" % (e["name"], e["value"])]
        else:
            sys.exit("job-sim: env %s of a kind not simulated" % e["name"])
    if c.get("workingDir"):
        run += ["--workdir", c["workingDir"]]

    vols = {}
    for v in pod.get("volumes", []):
        name = v["name"]
        if "persistentVolumeClaim" in v:
            pvc = v["persistentVolumeClaim"]
            if pvc["claimName"] not in claims:
                sys.exit("job-sim: no directory given for claim %s" % pvc["claimName"])
            vols[name] = (claims[pvc["claimName"]], bool(pvc.get("readOnly")), True)
        elif "configMap" in v:
            cm = cmaps.get(v["configMap"]["name"])
            if cm is None:
                sys.exit("job-sim: no ConfigMap %s" % v["configMap"]["name"])
            d = os.path.join(work, "cm-" + name)
            os.makedirs(d)
            for k, val in cm.get("data", {}).items():
                with open(os.path.join(d, k), "w") as f:
                    f.write(val)
                os.chmod(os.path.join(d, k), v["configMap"].get("defaultMode", 0o644))
            vols[name] = (d, True, False)
        elif "emptyDir" in v:
            d = os.path.join(work, "empty-" + name)
            os.makedirs(d)
            vols[name] = (d, False, True)
        else:
            sys.exit("job-sim: volume %s of a kind not simulated" % name)
    for name, (d, _, owned) in vols.items():
        if owned and fsgroup is not None and not vols[name][1]:
            os.chown(d, -1, fsgroup)
            os.chmod(d, 0o2775)
    for m in c.get("volumeMounts", []):
        d, ro, _ = vols[m["name"]]
        if m.get("subPath"):
            d = os.path.join(d, m["subPath"])
        opt = "ro" if ro or m.get("readOnly") else "rw"
        run += ["-v", "%s:%s:%s" % (d, m["mountPath"], opt)]
    if c.get("command"):
        run += ["--entrypoint", c["command"][0], image] + c["command"][1:]
    else:
        run.append(image)
    run += c.get("args", [])
    sys.stdout.flush()
    return subprocess.run(run).returncode


sys.exit(main())
