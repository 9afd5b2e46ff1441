// Prints what a page loads before an explanation starts (dist/ig-explainer.js and the chunks it
// imports statically), gzipped, and fails when it exceeds the budget or holds TF.js code.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 15 * 1024;
// Strings that only TF.js's core, converter and backends contain.
const TFJS_MARKERS = [
  'registerKernel',
  'Tensor is disposed',
  'tfjsflags',
  'backend_webgl',
  'getBackend',
];

function staticImports(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(file, 'utf8');
  // Static imports and re-exports, minified: import{a as b}from"./x.js", import"./x.js",
  // export{c}from"./x.js" (dynamic import("./x.js") is not matched: that loads later).
  for (const [, spec] of code.matchAll(
    /\b(?:import|export)\s*(?:[\w*{}\s,$]*?from\s*)?["'](\.{1,2}\/[^"']+)["']/g,
  )) {
    staticImports(join(dirname(file), spec), seen);
  }
  return seen;
}

// `node scripts/size.mjs [dir]`: the build in dir (default dist/).
const dist = process.argv[2] ?? 'dist';
const files = [...staticImports(join(dist, 'ig-explainer.js'))];
let raw = 0;
let gzipped = 0;
const offenders = [];
for (const file of files) {
  const code = readFileSync(file);
  raw += code.length;
  gzipped += gzipSync(code, { level: 9 }).length;
  const text = code.toString('utf8');
  for (const marker of TFJS_MARKERS)
    if (text.includes(marker)) offenders.push(`${file}: "${marker}"`);
}

console.log(
  `first load: ${files.map((f) => relative(dist, f)).join(' + ')} = ${(raw / 1024).toFixed(1)} KB, ` +
    `${(gzipped / 1024).toFixed(1)} KB gzipped (budget ${BUDGET_BYTES / 1024} KB)`,
);
if (offenders.length) {
  console.error(`TF.js code entered the first load:\n  ${offenders.join('\n  ')}`);
  process.exit(1);
}
if (gzipped > BUDGET_BYTES) {
  console.error(
    `The first load is over budget by ${((gzipped - BUDGET_BYTES) / 1024).toFixed(1)} KB gzipped.`,
  );
  process.exit(1);
}
