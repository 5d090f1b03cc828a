#!/usr/bin/python3
# bench/make-fleet.py: a synthetic fleet of N VM inventories for
# bench/fleet.sh, made from one real inventory (a fixture VM's, as
# v2c-inspect wrote it: its packages, services and files stay, so each
# document has a real inventory's size).  Each VM gets its own name,
# hostname, FQDN and static address, and references to others chosen
# with a fixed seed: mostly to VMs of the tier below it (web -> app ->
# db, the shape of an application estate), some back up a tier (so
# that some VMs form cycles), by host name, by address, by FQDN or
# through an /etc/hosts entry; a few to hosts outside the fleet.
# Usage: bench/make-fleet.py TEMPLATE.json N OUTDIR
# v2c - move VMware virtual machines onto Kubernetes
# SPDX-License-Identifier: GPL-2.0-or-later
import json
import os
import random
import sys


def address(i):
    return "10.%d.%d.%d" % (100 + i // 62500, (i // 250) % 250, i % 250 + 1)


def main():
    template, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    base = json.load(open(template))
    rnd = random.Random(17 * n)
    os.makedirs(out, exist_ok=True)
    tiers = 4
    for i in range(n):
        inv = json.loads(json.dumps(base))
        name = "vm%05d" % i
        tier = i % tiers
        inv["name"] = name
        hosts, refs = [], []
        # the next VM of its block (the tier below) and random VMs of that
        # tier; one VM in eight also calls back up its block, which makes
        # a cycle of the two
        below = []
        if tier + 1 < tiers and i + 1 < n:
            below.append(i + 1)
        below += [j for j in (rnd.randrange(n) for _ in range(4))
                  if j % tiers == tier + 1 and j != i]
        if tier > 0 and rnd.random() < 0.125:
            below.append(i - 1)
        line = 1
        for j in below[:4]:
            how = rnd.randrange(4)
            if how == 0:
                host = "vm%05d" % j
            elif how == 1:
                host = address(j)
            elif how == 2:
                host = "vm%05d.corp.example" % j
            else:
                host = "svc-%05d.internal" % j
                hosts.append({"address": address(j), "names": [host],
                              "source": "/etc/hosts:%d" % (len(hosts) + 3)})
            refs.append({"kind": "http", "host": host, "port": 8080,
                         "source": "/etc/app/app.conf:%d" % line})
            line += 1
        if rnd.random() < 0.1:
            refs.append({"kind": "ldap", "host": "ldap%d.partner.example" % rnd.randrange(5),
                         "port": 389, "source": "/etc/ldap/ldap.conf:1"})
        inv["network"] = {
            "hostname": name,
            "fqdn": name + ".corp.example",
            "interfaces": [{"name": "ens192", "method": "static",
                            "addresses": [address(i) + "/16"], "gateway": None,
                            "mac": None, "source": "/etc/network/interfaces:9"}],
            "routes": [], "hosts": hosts, "search": ["corp.example"],
            "nameservers": ["10.0.0.2"]}
        inv["references"] = refs
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump(inv, f)


main()
