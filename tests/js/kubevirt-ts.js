// v2c - the KubeVirt and CDI objects of YAML files as a TypeScript
// module typed with the KubeVirt API's types (npm
// @kubevirt-ui-ext/kubevirt-api), for 'tsc --strict --noEmit'.
// SPDX-License-Identifier: LGPL-2.1-or-later
// Usage: node kubevirt-ts.js FILE.yaml... > check.ts
// Each object is an object literal assigned to a constant of its type,
// so the compiler's excess-property check fails a misspelled or unknown
// field, and its type check a value of the wrong type.  Other kinds are
// skipped; a file with no KubeVirt object is an error (exit 1).
'use strict';
const fs = require('fs');
const yaml = require('js-yaml');

const types = {
  'kubevirt.io/v1 VirtualMachine': ['V1VirtualMachine', 'kubevirt'],
  'cdi.kubevirt.io/v1beta1 DataVolume': ['V1beta1DataVolume', 'containerized-data-importer'],
};
const out = [];
const used = new Set();
let n = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of yaml.loadAll(fs.readFileSync(file, 'utf8'))) {
    if (!doc || typeof doc !== 'object')
      continue;
    const t = types[`${doc.apiVersion} ${doc.kind}`];
    if (!t)
      continue;
    used.add(t.join(' '));
    out.push(`// ${file}\nexport const o${n++}: ${t[0]} = ${JSON.stringify(doc, null, 2)};\n`);
  }
}
if (n === 0) {
  console.error('kubevirt-ts.js: no KubeVirt or CDI object');
  process.exit(1);
}
const imports = [...used].sort().map((u) => {
  const [type, mod] = u.split(' ');
  return `import type { ${type} } from '@kubevirt-ui-ext/kubevirt-api/${mod}';`;
});
process.stdout.write(imports.join('\n') + '\n\n' + out.join('\n'));
