#!/usr/bin/env node
// `npm run bench:saved`: bytes a reader downloads and time to the first mask with a saved
// explanation (what `result-src` fetches: the file and the image) versus a live run of the built
// element (the worker, TF.js, the model), on the shipped shapes model, each in a fresh browser
// context (cold cache). Prints a Markdown table.
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

const session = await startBrowser();
const rows = { saved: [], live: [] };
try {
  for (let run = 0; run < Number(args.runs); run++) {
    for (const kind of ['saved', 'live']) {
      const context = await session.browser.createBrowserContext();
      try {
        const page = await openPage(context, session.origin, 'saved');
        const measure =
          kind === 'saved'
            ? await page.evaluate(
                (s, i) => window.savedBench.saved(s, i),
                rel(savedFile),
                `/${IMAGE}`,
              )
            : await page.evaluate(
                (e, a) => window.savedBench.live(e, a),
                rel(join(snapshot, 'ig-explainer.js')),
                {
                  src: `/${IMAGE}`,
                  'model-url': `/${MODEL}/model.json`,
                  'labels-url': `/${MODEL}/labels.json`,
                  steps: args.steps,
                  loading: 'eager',
                },
              );
        rows[kind].push(measure);
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
    ['path', 'bytes downloaded', 'requests', 'time to first mask (ms, median)'],
    ['saved', 'live'].map((kind) => [
      kind === 'saved'
        ? 'saved explanation (file, image)'
        : 'live run (element, worker, TF.js, model)',
      fixed(median(rows[kind].map((m) => m.bytes))),
      rows[kind][0].requests.length,
      fixed(median(rows[kind].map((m) => m.firstMaskMs))),
    ]),
  ),
);
console.log(
  "The saved row counts the saved file and the image; a page also loads the element's first-load\n" +
    'bundle (dist/ig-explainer.js and its chunk: npm run size), which will hold the reader once\n' +
    "result-src is wired. The live row counts everything from the element's import on.",
);
