// node --test: the shipped bundle holds none of the test hooks; they live in the test-only worker
// entry (test/worker-entry/). Run after `npm run build`.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

/** Every hook's name, as the code or its messages spell it. */
const HOOKS = [
  'test-lose-context',
  'test-memory',
  'no-webgl',
  'noWebgl',
  'disableWebgl',
  'setWorkerTestFlags',
  'WorkerTestFlags',
  'workerMemory',
  'loseWorkerContext',
  // The old protocol's memory message, minified or not.
  'type:"memory"',
  "type: 'memory'",
  'case"memory"',
  "case 'memory'",
];

function jsFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => /\.(m?js|d\.ts)$/.test(f))
    .map((f) => join(dir, f));
}

test('dist/ holds no test hook', () => {
  assert.ok(
    existsSync('dist/ig-explainer.js'),
    'dist/ig-explainer.js is missing: run npm run build first',
  );
  const found = [];
  for (const file of jsFiles('dist')) {
    const code = readFileSync(file, 'utf8');
    for (const hook of HOOKS) if (code.includes(hook)) found.push(`${file}: ${hook}`);
  }
  assert.deepEqual(found, []);
});

test('src/ holds no test hook either', () => {
  const found = [];
  for (const file of readdirSync('src', { recursive: true }).map(String)) {
    if (!file.endsWith('.ts')) continue;
    const code = readFileSync(join('src', file), 'utf8');
    for (const hook of HOOKS) if (code.includes(hook)) found.push(`src/${file}: ${hook}`);
  }
  assert.deepEqual(found, []);
});
