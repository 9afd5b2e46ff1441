// node --test: `npx ig-explainer explain` (dist/cli.js; built here when missing) on the shipped
// shapes model: saved files that decode to the right predictions, resume, --shard, and bad
// inputs (missing file, unreadable image, bad model, bad option) with a message, an exit code
// and nothing half-written. It also leaves test-results/cli/star-1.png.json for the browser
// test test/saved/cli-parity.test.ts, which compares it with the engine's run in Chromium.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = 'dist/cli.js';
const SHAPES = 'test/fixtures/shapes';
const MODEL = ['--model', 'demo/models/shapes', '--labels-url', 'demo/models/shapes/labels.json'];
const FAST = ['--steps', '8', '--jobs', '2'];

/** The tool's exit code, stdout and stderr (a non-zero exit is an answer here, not an error). */
async function cli(...args) {
  try {
    const { stdout, stderr } = await run('node', [CLI, ...args], { timeout: 240_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (typeof error.code !== 'number') throw error;
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

async function files(dir) {
  return existsSync(dir) ? (await readdir(dir)).sort() : [];
}

before(async () => {
  if (!existsSync(CLI) || !existsSync('dist/cli-worker.js')) {
    await run('npx', ['rollup', '-c', 'rollup.cli.config.mjs'], { timeout: 300_000 });
  }
});

test('writes one saved explanation per image, with its hash and the right class', async () => {
  const out = 'test-results/cli';
  await rm(out, { recursive: true, force: true });
  const images = [`${SHAPES}/star-1.png`, `${SHAPES}/heart-1.png`];
  const { code, stdout } = await cli('explain', ...images, ...MODEL, '--steps', '16', '--out', out);
  assert.equal(code, 0);
  assert.match(stdout, /2 written, 0 up to date, 0 failed/);
  assert.deepEqual(await files(out), ['heart-1.png.json', 'star-1.png.json']);
  for (const [file, label] of [
    ['star-1.png', 'star'],
    ['heart-1.png', 'heart'],
  ]) {
    const saved = JSON.parse(await readFile(join(out, `${file}.json`), 'utf8'));
    assert.equal(saved.format, 'ig-explainer/saved-explanation');
    const schema = JSON.parse(await readFile('schema/saved-explanation.schema.json', 'utf8'));
    assert.deepEqual(
      schema.required.filter((key) => !(key in saved)),
      [],
    );
    assert.deepEqual(
      Object.keys(saved).filter((key) => !(key in schema.properties)),
      [],
    );
    assert.match(saved.image.sha256, new RegExp(schema.$defs.sha256.pattern));
    assert.equal(saved.version, 1);
    assert.equal(saved.predictions[0].label, label);
    assert.equal(saved.target.label, label);
    assert.deepEqual(saved.shape, [64, 64, 3]);
    assert.equal(saved.steps, 16);
    assert.equal(saved.backend, 'wasm');
    const bytes = await readFile(join(SHAPES, file));
    assert.equal(saved.image.sha256, createHash('sha256').update(bytes).digest('hex'));
    const completeness = Math.abs(saved.sum - (saved.scoreInput - saved.scoreBaseline));
    assert.ok(Math.abs(saved.delta - completeness) < 1e-5);
  }
});

test('resumes: skips images whose saved file matches, redoes them when an option changes', async () => {
  const out = await mkdtemp(join(tmpdir(), 'ig-cli-'));
  const image = `${SHAPES}/circle-1.png`;
  assert.equal((await cli('explain', image, ...MODEL, ...FAST, '--out', out)).code, 0);
  const first = await stat(join(out, 'circle-1.png.json'));
  const again = await cli('explain', image, ...MODEL, ...FAST, '--out', out);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /0 written, 1 up to date, 0 failed/);
  assert.equal((await stat(join(out, 'circle-1.png.json'))).mtimeMs, first.mtimeMs);
  const changed = await cli('explain', image, ...MODEL, '--steps', '4', '--out', out);
  assert.match(changed.stdout, /1 written, 0 up to date, 0 failed/);
  const saved = JSON.parse(await readFile(join(out, 'circle-1.png.json'), 'utf8'));
  assert.equal(saved.options.steps, 4);
});

test('--shard i/n splits a folder into disjoint parts that cover it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ig-cli-site-'));
  const names = ['circle-2.png', 'cross-1.png', 'square-1.png'];
  await mkdir(join(dir, 'sub'));
  for (const name of names) await copyFile(join(SHAPES, name), join(dir, name));
  await copyFile(join(SHAPES, 'triangle-1.png'), join(dir, 'sub', 'triangle-1.png'));
  const outs = [];
  for (const shard of ['1/2', '2/2']) {
    const out = await mkdtemp(join(tmpdir(), 'ig-cli-shard-'));
    const result = await cli('explain', dir, ...MODEL, ...FAST, '--shard', shard, '--out', out);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`2 written.*\\(shard ${shard} of 4\\)`));
    outs.push([...(await files(out)), ...(await files(join(out, 'sub'))).map((f) => `sub/${f}`)]);
  }
  assert.equal(outs[0].filter((f) => outs[1].includes(f)).length, 0);
  assert.deepEqual([...outs[0], ...outs[1]].filter((f) => f.endsWith('.json')).sort(), [
    'circle-2.png.json',
    'cross-1.png.json',
    'square-1.png.json',
    'sub/triangle-1.png.json',
  ]);
  const bad = await cli('explain', dir, ...MODEL, '--shard', '3/2', '--out', outs[0][0]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--shard "3\/2" is not valid: use i\/n/);
});

test('a missing file and an unreadable image fail with a summary; the others are written', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ig-cli-bad-'));
  const broken = join(dir, 'broken.png');
  await writeFile(broken, 'this is not a PNG');
  const out = join(dir, 'out');
  const { code, stdout, stderr } = await cli(
    'explain',
    join(dir, 'missing.png'),
    broken,
    `${SHAPES}/star-2.png`,
    ...MODEL,
    ...FAST,
    '--out',
    out,
  );
  assert.equal(code, 1);
  assert.match(stdout, /1 written, 0 up to date, 2 failed/);
  assert.match(stderr, /missing\.png: No such file or folder/);
  assert.match(
    stderr,
    /broken\.png: The image .*broken\.png \(17 bytes\) cannot be decoded .*give a PNG or JPEG file/,
  );
  assert.deepEqual(await files(out), ['star-2.png.json']);
});

test('a bad model fails with the model-load message, an exit code and no files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ig-cli-model-'));
  await writeFile(join(dir, 'model.json'), '<html>not a model</html>');
  const out = join(dir, 'out');
  const notJson = await cli('explain', `${SHAPES}/star-1.png`, '--model', dir, '--out', out);
  assert.equal(notJson.code, 1);
  assert.match(notJson.stderr, /model\.json is not a TF\.js model\.json \(not JSON\)/);
  const missing = await cli(
    'explain',
    `${SHAPES}/star-1.png`,
    '--model',
    join(dir, 'none'),
    '--out',
    out,
  );
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Cannot read file:.*none\/model\.json \(404/);
  const truncated = await cli(
    'explain',
    `${SHAPES}/star-1.png`,
    '--model',
    'test/fixtures/models/truncated-weights',
    ...FAST,
    '--out',
    out,
  );
  assert.equal(truncated.code, 1);
  assert.match(
    truncated.stderr,
    /star-1\.png: The weight files .* hold \d+ bytes but model\.json lists \d+/,
  );
  assert.deepEqual(await files(out), []);
});

test("options are the element's: its checks and messages", async () => {
  const bad = await cli(
    'explain',
    `${SHAPES}/star-1.png`,
    ...MODEL,
    '--steps',
    '0',
    '--out',
    tmpdir(),
  );
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /steps="0" is not valid: use a whole number from 1 to 4096/);
  const method = await cli(
    'explain',
    `${SHAPES}/star-1.png`,
    ...MODEL,
    '--method',
    'simpson',
    '--out',
    tmpdir(),
  );
  assert.equal(method.code, 2);
  assert.match(method.stderr, /method="simpson" is not valid: use gausslegendre, trapezoid/);
});
