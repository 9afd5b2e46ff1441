// Fails when custom-elements.json or docs/reference.md's tables are stale (the JSDoc changed without
// `npm run analyze`), or when the manifest leaves out an item of the public contract.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MANIFEST,
  REFERENCE,
  ROOT,
  generateManifest,
  missingFromContract,
  readmeTables,
  withTables,
} from './manifest.mjs';

const problems = [];
const fresh = await generateManifest();
let committed = '';
try {
  committed = readFileSync(join(ROOT, MANIFEST), 'utf8');
} catch {
  problems.push(`${MANIFEST} is missing.`);
}
if (committed && committed !== fresh) {
  problems.push(`${MANIFEST} is stale: the element's JSDoc says something else.`);
}
const manifest = JSON.parse(fresh);
const readme = readFileSync(join(ROOT, REFERENCE), 'utf8');
try {
  if (withTables(readme, readmeTables(manifest)) !== readme) {
    problems.push(`${REFERENCE}'s reference tables are stale.`);
  }
} catch (error) {
  problems.push(error.message);
}
for (const item of missingFromContract(manifest)) {
  problems.push(`The manifest does not document ${item} (shared/API.md); add it to the JSDoc.`);
}

if (problems.length) {
  console.error(`${problems.join('\n')}\nRun \`npm run analyze\` and commit the result.`);
  process.exit(1);
}
console.log(`${MANIFEST} and the ${REFERENCE} tables are current and cover the public contract.`);
