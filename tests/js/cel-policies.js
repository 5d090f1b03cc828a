// v2c - evaluate ValidatingAdmissionPolicy objects (CEL) on Kubernetes
// objects as the API server would, with the CEL evaluator @bufbuild/cel.
// SPDX-License-Identifier: LGPL-2.1-or-later
// Usage: node cel-policies.js POLICIES.yaml [--ns-labels k=v,...] OBJECTS.yaml...
// POLICIES.yaml holds the policies and their bindings (several
// documents, e.g. `kubectl kustomize DIR/policies`).  Each object is
// matched like the API server matches it: the policy's resourceRules
// (group, resource from the kind), the binding's objectSelector
// (matchLabels) and namespaceSelector (matchLabels, matchExpressions
// In/NotIn/Exists/DoesNotExist) against the labels of its namespace: a
// Namespace object among the inputs, else the --ns-labels given (for
// files applied into such a namespace).  A Secret's stringData is
// merged into data as bytes first, as the API server does before
// admission.  The policy's variables are evaluated in order, then each
// validation: false or an error (failurePolicy Fail) is a violation.
// Prints one JSON line per violation {file, kind, name, namespace,
// policy, message}, then a line {"objects": N, "violations": M}.
// Exit 0; 2 on bad usage or a policy that does not compile.
'use strict';
const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');
const { run } = require('@bufbuild/cel');
const { strings } = require('@bufbuild/cel/ext');

const args = process.argv.slice(2);
if (args.length < 2) {
  console.error('usage: cel-policies.js POLICIES.yaml [--ns-labels k=v,...] OBJECTS.yaml...');
  process.exit(2);
}
const polFile = args.shift();
let nsLabelsDefault = {};
if (args[0] === '--ns-labels') {
  args.shift();
  for (const kv of (args.shift() || '').split(',').filter(Boolean)) {
    const i = kv.indexOf('=');
    nsLabelsDefault[kv.slice(0, i)] = kv.slice(i + 1);
  }
}

// JS values as CEL values: objects as maps, integers as int
function toCel(v) {
  if (Array.isArray(v)) return v.map(toCel);
  if (v instanceof Uint8Array) return v;
  if (v !== null && typeof v === 'object') {
    const m = new Map();
    for (const [k, x] of Object.entries(v)) m.set(k, toCel(x));
    return m;
  }
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  return v;
}

const loaded = yaml.loadAll(fs.readFileSync(polFile, 'utf8')).filter(Boolean);
const policies = new Map(), bindings = [];
for (const d of loaded) {
  if (d.kind === 'ValidatingAdmissionPolicy') policies.set(d.metadata.name, d);
  else if (d.kind === 'ValidatingAdmissionPolicyBinding') bindings.push(d);
}
if (policies.size === 0 || bindings.length === 0) {
  console.error(`${polFile}: no policy or no binding`);
  process.exit(2);
}

const plural = {
  Deployment: ['apps', 'deployments'], StatefulSet: ['apps', 'statefulsets'],
  DaemonSet: ['apps', 'daemonsets'], Job: ['batch', 'jobs'], CronJob: ['batch', 'cronjobs'],
  Pod: ['', 'pods'], Service: ['', 'services'], Secret: ['', 'secrets'],
  ConfigMap: ['', 'configmaps'], PersistentVolumeClaim: ['', 'persistentvolumeclaims'],
  ServiceAccount: ['', 'serviceaccounts'],
};

function ruleMatches(rules, obj) {
  const pr = plural[obj.kind];
  if (!pr) return false;
  return (rules || []).some((r) =>
    (r.apiGroups || []).some((g) => g === '*' || g === pr[0]) &&
    (r.resources || []).some((x) => x === '*' || x === pr[1]) &&
    (r.operations || []).some((o) => o === '*' || o === 'CREATE'));
}

function selectorMatches(sel, labels) {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels || {}))
    if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions || []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function asAdmitted(obj) {
  if (obj.kind !== 'Secret' || !obj.stringData) return obj;
  const o = JSON.parse(JSON.stringify(obj));
  o.data = o.data || {};
  for (const [k, v] of Object.entries(o.stringData)) o.data[k] = Buffer.from(String(v)).toString('base64');
  delete o.stringData;
  return o;
}

function celObject(obj) {
  const c = toCel(obj);
  if (obj.kind === 'Secret' && obj.data) {
    const data = new Map();
    for (const [k, v] of Object.entries(obj.data)) data.set(k, new Uint8Array(Buffer.from(v, 'base64')));
    c.set('data', data);
  }
  return c;
}

const inputs = [];
for (const f of args)
  for (const d of yaml.loadAll(fs.readFileSync(f, 'utf8')))
    if (d && typeof d === 'object') inputs.push([f, d]);
const nsLabels = new Map();
for (const [, d] of inputs)
  if (d.kind === 'Namespace') nsLabels.set(d.metadata.name, (d.metadata && d.metadata.labels) || {});

let nobj = 0, nviol = 0;
for (const [file, raw] of inputs) {
  if (!plural[raw.kind]) continue;
  nobj++;
  const obj = asAdmitted(raw);
  const labels = (obj.metadata && obj.metadata.labels) || {};
  const ns = obj.metadata && obj.metadata.namespace;
  const nl = ns && nsLabels.has(ns) ? nsLabels.get(ns) : nsLabelsDefault;
  for (const b of bindings) {
    const p = policies.get(b.spec.policyName);
    if (!p) { console.error(`binding ${b.metadata.name}: no policy ${b.spec.policyName}`); process.exit(2); }
    const mr = b.spec.matchResources || {};
    if (!ruleMatches(p.spec.matchConstraints.resourceRules, obj) ||
        !selectorMatches(mr.objectSelector, labels) || !selectorMatches(mr.namespaceSelector, nl))
      continue;
    const env = { object: celObject(obj), variables: new Map() };
    let failed = null;
    try {
      for (const v of p.spec.variables || [])
        env.variables.set(v.name, run(v.expression, env, { funcs: strings }));
      for (const v of p.spec.validations) {
        const ok = run(v.expression, env, { funcs: strings });
        if (ok !== true) { failed = v.message || v.expression; break; }
      }
    } catch (e) {
      failed = `error: ${e.message}`;
    }
    if (failed !== null) {
      nviol++;
      console.log(JSON.stringify({ file: path.basename(file), kind: obj.kind, name: obj.metadata.name,
        namespace: ns || null, policy: p.metadata.name, message: failed }));
    }
  }
}
console.log(JSON.stringify({ objects: nobj, violations: nviol }));
