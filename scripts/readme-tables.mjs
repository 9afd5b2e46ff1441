// Writes docs/reference.md's attribute, property, event, part, custom-property and slot tables from
// custom-elements.json, between the markers (run by `npm run analyze`, after the analyzer).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST, REFERENCE, ROOT, readmeTables, withTables } from './manifest.mjs';

const manifest = JSON.parse(readFileSync(join(ROOT, MANIFEST), 'utf8'));
const path = join(ROOT, REFERENCE);
const before = readFileSync(path, 'utf8');
const after = withTables(before, readmeTables(manifest));
if (after !== before) writeFileSync(path, after);
console.log(`${REFERENCE}: reference tables ${after === before ? 'already current' : 'updated'}.`);
