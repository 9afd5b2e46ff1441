// node --test: each hand-written WASM kernel's module (src/engine/kernels/*-module.ts, what ships)
// is the wabt assembly of its .wat as it stands, and it compiles with SIMD.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { assembled, moduleFileOf, watFiles } from '../../scripts/wasm-kernels.mjs';

test('every WASM kernel module is its .wat assembled, and compiles', async () => {
  const files = watFiles();
  assert.ok(files.length >= 1, 'no .wat file found in src/engine/kernels');
  for (const wat of files) {
    const expected = await assembled(wat);
    assert.equal(
      readFileSync(moduleFileOf(wat), 'utf8'),
      expected,
      `${moduleFileOf(wat)} is stale: run npm run wasm-kernels`,
    );
    const base64 = /'([A-Za-z0-9+/=]+)'/.exec(expected)[1];
    const module = new WebAssembly.Module(Buffer.from(base64, 'base64'));
    assert.deepEqual(
      WebAssembly.Module.imports(module).map(({ module: m, name, kind }) => `${m}.${name} ${kind}`),
      ['env.memory memory'],
    );
  }
});
