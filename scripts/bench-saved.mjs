#!/usr/bin/env node
// `npm run bench:saved`: bytes a reader downloads and time to the first mask with the built
// element showing a saved explanation (`result-src`: the element's code, the saved file, the
// image) versus a live run of it (the element, the worker with TF.js, the model), on the shipped
// shapes model, each in a fresh browser context (cold cache). Bytes are the files' sizes as the
// benchmark's server sent them (uncompressed), counted from its log, so the worker's fetches
// count too. Prints a Markdown table.
//
//   node scripts/bench-saved.mjs [--no-build] [--runs 3] [--steps 50]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import {
  BUILD,
  ROOT,
  buildProduct,
  fixed,
  openPage,
  startBrowser,
  table,
} from '../bench/driver.mjs';

const { values: args } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    steps: { type: 'string', default: '50' },
  },
});
const IMAGE = 'test/fixtures/shapes/star-1.png';
const MODEL = 'demo/models/shapes';

const snapshot = buildProduct(!args['no-build']);
await build({
  entryPoints: [join(ROOT, 'bench/src/saved-bench.ts')],
  outdir: BUILD,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  logLevel: 'warning',
});
const savedDir = join(BUILD, 'saved');
mkdirSync(savedDir, { recursive: true });
const cli = spawnSync(
  'node',
  [
    join(snapshot, 'cli.js'),
    'explain',
    IMAGE,
    '--model',
    MODEL,
    '--labels-url',
    `${MODEL}/labels.json`,
    '--steps',
    args.steps,
    '--out',
    savedDir,
  ],
  { cwd: ROOT, encoding: 'utf8' },
);
if (cli.status !== 0) throw new Error(`the CLI failed: ${cli.stderr}`);
const savedFile = join(savedDir, 'star-1.png.json');
const savedBytes = statSync(savedFile).size;
const savedGzip = gzipSync(readFileSync(savedFile)).length;
const rel = (path) => `/${path.slice(ROOT.length + 1)}`;

/** Every file the server sent since the last reset (paths), for the request log. */
const served = [];
const session = await startBrowser({
  headers: (path) => {
    served.push(path);
    return {};
  },
});
const rows = { saved: [], live: [] };
const common = {
  src: `/${IMAGE}`,
  'model-url': `/${MODEL}/model.json`,
  'labels-url': `/${MODEL}/labels.json`,
};
const attributes = {
  saved: { ...common, 'result-src': rel(savedFile) },
  live: { ...common, steps: args.steps, loading: 'eager' },
};
const packageDir = rel(snapshot);
try {
  for (let run = 0; run < Number(args.runs); run++) {
    for (const kind of ['saved', 'live']) {
      const context = await session.browser.createBrowserContext();
      try {
        const page = await openPage(context, session.origin, 'saved');
        served.length = 0;
        const measure = await page.evaluate(
          (e, a) => window.savedBench.firstMask(e, a),
          rel(join(snapshot, 'ig-explainer.js')),
          attributes[kind],
        );
        // Each file once: a repeat (the image: shown, hashed, decoded) is revalidated (the
        // server sends no-cache and an ETag), answered 304 with no body.
        const files = [...new Set(served)].map((path) => ({
          path,
          bytes: statSync(join(ROOT, path)).size,
        }));
        const sum = (list) => list.reduce((total, f) => total + f.bytes, 0);
        const pkg = files.filter((f) => f.path.startsWith(`${packageDir}/`));
        const requests = served.length;
        rows[kind].push({ ...measure, files, requests, bytes: sum(files), packageBytes: sum(pkg) });
      } finally {
        await context.close();
      }
    }
  }
} finally {
  await session.close();
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(
  `Saved file: ${savedBytes} bytes, ${savedGzip} gzipped (${args.steps} steps, 64x64x3).`,
);
console.log(
  table(
    [
      'path',
      'bytes downloaded',
      'of which package files',
      'requests',
      'time to first mask (ms, median)',
    ],
    ['saved', 'live'].map((kind) => [
      kind === 'saved'
        ? 'result-src (element, saved file, image)'
        : 'live run (element, worker with TF.js, model)',
      fixed(median(rows[kind].map((m) => m.bytes))),
      fixed(median(rows[kind].map((m) => m.packageBytes))),
      rows[kind][0].requests,
      fixed(median(rows[kind].map((m) => m.firstMaskMs))),
    ]),
  ),
);
for (const kind of ['saved', 'live']) {
  console.log(`${kind}: ${rows[kind][0].files.map((f) => `${f.path} (${f.bytes})`).join(', ')}`);
}
console.log(
  'Bytes are file sizes as sent, uncompressed (a server with gzip sends fewer), each file once\n' +
    '(repeated requests are revalidated: 304, no body). Time runs from\n' +
    "the element's import to its first mask: the saved result shown, or the live run's first\n" +
    'partial map. The benchmark page itself (bench/saved.html) is not counted.',
);
