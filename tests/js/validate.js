// v2c - validate JSON documents against a JSON Schema (draft-07 or 2020-12).
// SPDX-License-Identifier: LGPL-2.1-or-later
// Usage: node validate.js SCHEMA.json DOC.json...   (exit 1 if any is invalid)
'use strict';
const fs = require('fs');
const path = require('path');

function loadAjv(schema) {
  const draft2020 = /2020-12/.test(schema.$schema || '');
  const Ajv = draft2020 ? require('ajv/dist/2020') : require('ajv');
  const ajv = new Ajv({ allErrors: true, strict: false });
  require('ajv-formats')(ajv);
  return ajv;
}

const [schemaPath, ...docs] = process.argv.slice(2);
if (!schemaPath || docs.length === 0) {
  console.error('usage: validate.js SCHEMA DOC...');
  process.exit(2);
}
const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
const ajv = loadAjv(schema);
// Extra schemas next to the main one (e.g. SPDX/CycloneDX sub-schemas).
for (const extra of (process.env.V2C_EXTRA_SCHEMAS || '').split(':').filter(Boolean))
  ajv.addSchema(JSON.parse(fs.readFileSync(extra, 'utf8')));
const validate = ajv.compile(schema);
let bad = 0;
for (const doc of docs) {
  let data;
  try {
    data = JSON.parse(fs.readFileSync(doc, 'utf8'));
  } catch (e) {
    console.error(`${doc}: not JSON: ${e.message}`);
    bad++;
    continue;
  }
  if (!validate(data)) {
    bad++;
    for (const e of validate.errors)
      console.error(`${doc}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  } else {
    console.log(`${path.basename(doc)}: valid against ${path.basename(schemaPath)}`);
  }
}
process.exit(bad ? 1 : 0);
