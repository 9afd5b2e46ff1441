#!/usr/bin/env node
// Makes the demo's saved explanations of its photographs (demo/saved/), which the photograph
// section shows at once (`result-src`) with no model and no network, and writes their index
// (demo/saved/index.json: each photograph's src, as demo/index.html writes it, to its file).
//
//   node scripts/make-demo-saved.mjs [--model <model.json path, folder or URL>]
//                                    [--model-url <URL the page loads the model from>]
//                                    [--out <dir>] [--steps N]
//
// By default it downloads Inception V1 from TF Hub (the element's default model: this needs the
// network), explains each photograph with `ig-explainer explain` (dist/cli.js: run `npm run build`
// first) and records the TF Hub URL as the model, so that the demo's elements, which use the
// default model, accept the files and their Recompute control runs the same model live.
import { execFile } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { DEFAULT_MODEL_URL, downloadModel } from './download-model.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const demo = join(root, 'demo');
const PHOTOS = ['chelsea.png', 'coffee.png', 'rocket.jpg', 'astronaut.png'];

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    'model-url': { type: 'string' },
    out: { type: 'string', default: join(demo, 'saved') },
    steps: { type: 'string', default: '32' },
  },
});

let model = values.model;
let modelUrl = values['model-url'];
if (!model) {
  model = join(root, '.cache', 'inception_v1');
  await downloadModel(DEFAULT_MODEL_URL, model);
  modelUrl ??= DEFAULT_MODEL_URL;
}
const out = resolve(values.out);
const images = PHOTOS.map((file) => join(demo, 'images', file));
const args = [join(root, 'dist', 'cli.js'), 'explain', ...images, '--model', model];
args.push('--out', out, '--steps', values.steps, '--force');
if (modelUrl) args.push('--model-url', modelUrl);
const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { cwd: root });
process.stdout.write(stdout);
process.stderr.write(stderr);

// The CLI names each file <image file name>.json; the index keys are the photographs' src attributes.
const written = new Set(await readdir(out));
const index = {};
for (const file of PHOTOS) {
  const saved = `${file}.json`;
  if (!written.has(saved)) throw new Error(`The tool wrote no ${saved} in ${out}.`);
  index[`images/${file}`] = saved;
}
await writeFile(join(out, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
console.log(`Wrote ${relative(root, join(out, 'index.json'))} for ${PHOTOS.length} photographs.`);
