// node --test, after `npm run build`: the shipped code (every file reachable from dist's two
// entries through static imports, dynamic imports and `new URL(..., import.meta.url)`) holds no
// eval and no Function constructor, so pages need no `unsafe-eval` in their CSP. The CSP test of
// test/dist runs the bundle under such a policy.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';

const DIST = 'dist';
const ENTRIES = ['ig-explainer.js', 'ig-explainer-worker.js'];
const REFERENCES = [
  /(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"'\s]+?\.js)["']/g,
  /new URL\(\s*["'](\.{1,2}\/[^"'\s]+?\.js)["']\s*,\s*import\.meta\.url/g,
];
const FORBIDDEN = [
  { name: 'eval(', pattern: /(^|[^\w$.])eval\s*\(/ },
  { name: 'new Function(', pattern: /\bnew\s+Function\s*\(/ },
  { name: 'Function(', pattern: /(^|[^\w$.])Function\s*\(/ },
];

/** The files reachable from the entries, with their text. */
function shippedFiles() {
  const seen = new Map();
  const queue = ENTRIES.map((entry) => join(DIST, entry));
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    assert.ok(existsSync(file), `${file} is missing: run npm run build first`);
    const text = readFileSync(file, 'utf8');
    seen.set(file, text);
    for (const pattern of REFERENCES) {
      for (const [, path] of text.matchAll(pattern)) queue.push(join(dirname(file), path));
    }
  }
  return seen;
}

test('the shipped bundle holds no eval and no Function constructor', () => {
  const files = shippedFiles();
  const all = [...files.values()].join('\n');
  // The walk reached the worker and TF.js, not only the element.
  assert.ok(files.size >= 4, `only ${files.size} files reached: ${[...files.keys()]}`);
  assert.ok(all.includes('WEBGL_lose_context'), 'the worker code was not reached');
  assert.ok(all.includes('Conv2DBackpropInput'), 'TF.js was not reached');
  const found = [];
  for (const [file, text] of files) {
    for (const { name, pattern } of FORBIDDEN) {
      const match = pattern.exec(text);
      if (match) {
        const at = match.index;
        found.push(`${relative('.', file)}: ${name} in …${text.slice(at - 60, at + 60)}…`);
      }
    }
  }
  assert.deepEqual(found, []);
});
