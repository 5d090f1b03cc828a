// v2c - validate Kubernetes YAML against the official Kubernetes schemas
// (the npm package kubernetes-models, generated from the Kubernetes
// OpenAPI definitions).
// SPDX-License-Identifier: LGPL-2.1-or-later
// Usage: node validate-k8s.js FILE.yaml...
// Each file may hold several documents ('---').  Every document must be
// an object whose apiVersion and kind kubernetes-models knows, and its
// validate() must pass.  YAML is read with js-yaml's default (YAML 1.2
// core + timestamps) schema, so a value that a YAML reader mistypes (a
// string read as a boolean, number or date) fails validation here.
// kustomize's Kustomization files are skipped (kubectl kustomize checks
// them); Argo CD (argoproj.io) and Flux (*.fluxcd.io) objects are checked
// against @kubernetes-models/argo-cd and @kubernetes-models/flux-cd.
// Exit 1 when any document is invalid, 2 on bad usage.
'use strict';
const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: validate-k8s.js FILE.yaml...');
  process.exit(2);
}

function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' ||
      !/^[a-z0-9.]*\/?v[0-9a-z]+$/.test(apiVersion) || !/^[A-Za-z]+$/.test(kind))
    return null;
  // Argo CD and Flux objects: their own packages of the same project
  const pkg = /(^|\.)argoproj\.io\//.test(apiVersion) ? '@kubernetes-models/argo-cd'
    : /\.fluxcd\.io\//.test(apiVersion) ? '@kubernetes-models/flux-cd'
    : 'kubernetes-models';
  try {
    const mod = require(`${pkg}/${apiVersion}/${kind}`);
    return mod[kind] || null;
  } catch (e) {
    return null;
  }
}

let bad = 0, good = 0;
for (const file of files) {
  let docs;
  try {
    docs = yaml.loadAll(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`${file}: not YAML: ${e.message}`);
    bad++;
    continue;
  }
  docs.forEach((doc, i) => {
    const where = docs.length > 1 ? `${file}[${i}]` : file;
    if (doc === null || doc === undefined)
      return;
    if (typeof doc !== 'object' || Array.isArray(doc)) {
      console.error(`${where}: not an object`);
      bad++;
      return;
    }
    // kustomize's own file (kubectl kustomize checks it); a Flux
    // Kustomization is an object like the others
    if (doc.kind === 'Kustomization' && /^kustomize\.config\.k8s\.io\//.test(doc.apiVersion || ''))
      return;
    const Model = modelFor(doc.apiVersion, doc.kind);
    if (!Model) {
      console.error(`${where}: no schema for ${doc.apiVersion} ${doc.kind}`);
      bad++;
      return;
    }
    try {
      new Model(doc).validate();
      good++;
      console.log(`${path.basename(file)}: ${doc.kind} ${doc.metadata && doc.metadata.name}: valid`);
    } catch (e) {
      console.error(`${where}: ${doc.kind} ${doc.metadata && doc.metadata.name}: ${e.message}`);
      bad++;
    }
  });
}
if (good === 0 && bad === 0) {
  console.error('no Kubernetes object to validate');
  process.exit(1);
}
process.exit(bad ? 1 : 0);
