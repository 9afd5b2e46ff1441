#!/usr/bin/env node
// `npm run bench:kernels`: where one gradient evaluation's time goes on WASM, and ms per
// evaluation, for this tree's engine and (with --baseline) a git revision's, run back to back.
//
//   node scripts/bench-kernels.mjs [--baseline main] [--rounds 3] [--batch 5] [--batches 2]
//                                  [--zoo DIR] [--backend wasm]
//
// For the Inception-V1-shaped fixture (bench/fixtures/inception-v1, generated if missing) and
// the nsfwjs MobileNetV2 graph model (the zoo's nsfw-mobilenet-v2-mid, as bench:pytorch uses):
//   - tf.profile of one batch of path points (forward + input gradient), kernels by time;
//   - ms per evaluation: `--batches` batches of riemann-middle IG (prediction pass included,
//     counted as one evaluation, as bench:pytorch counts it), `--rounds` times, the variants
//     alternating within each round so that a loaded machine slows both alike; the median.
// --batch defaults to 5, autoBatchSize's choice for a 224x224 input on WASM.
// Both variants run the page bench/src/perf-bench.ts of their own tree, bundled into
// node_modules/.cache/ig-explainer-bench/ next to the snapshot of dist/ (its WASM binaries).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import {
  BUILD,
  ROOT,
  ensureProductSnapshot,
  fixed,
  percent,
  startBrowser,
  table,
} from '../bench/driver.mjs';
import { startStaticServer } from './static-server.mjs';

const { values: args } = parseArgs({
  options: {
    baseline: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    batch: { type: 'string', default: '5' },
    batches: { type: 'string', default: '2' },
    zoo: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const ROUNDS = Number(args.rounds);
const BATCH = Number(args.batch);
const BATCHES = Number(args.batches);
const ZOO = resolve(ROOT, args.zoo ?? process.env.IG_ZOO_DIR ?? '.cache/zoo');
const INCEPTION = 'bench/fixtures/inception-v1/model.json';
const MOBILENET = 'nsfw-mobilenet-v2-mid/model.json';
const IMAGE = '/test/fixtures/shapes/';
const log = (...parts) => console.error('[bench:kernels]', ...parts);

/** Bundles `srcRoot`'s perf page as BUILD/kernels-<name>.js with a page that loads it. */
async function bundle(name, srcRoot) {
  await build({
    entryPoints: [join(srcRoot, 'bench/src/perf-bench.ts')],
    outfile: join(BUILD, `kernels-${name}.js`),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    logLevel: 'warning',
  });
  const html = `<!doctype html><meta charset="utf-8"><title>kernels ${name}</title>
<script type="module" src="./kernels-${name}.js"></script>`;
  writeFileSync(join(BUILD, `kernels-${name}.html`), html);
  return `node_modules/.cache/ig-explainer-bench/kernels-${name}.html`;
}

/** `ref`'s src/ and bench/src/ under BUILD (its packages resolve to this repo's node_modules). */
function checkout(ref) {
  const dir = join(BUILD, 'kernels-baseline-tree');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = spawnSync('git', ['archive', ref, 'src', 'bench/src'], {
    cwd: ROOT,
    maxBuffer: 1 << 28,
  });
  if (archive.status !== 0) throw new Error(`git archive ${ref}: ${archive.stderr}`);
  spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  return dir;
}

async function main() {
  ensureProductSnapshot();
  if (!existsSync(join(ROOT, INCEPTION))) {
    log('generating the Inception-V1-shaped fixture');
    spawnSync('node', ['scripts/make-inception-fixture.mjs'], { cwd: ROOT, stdio: 'inherit' });
  }
  const variants = [{ name: 'this tree', page: await bundle('tree', ROOT) }];
  if (args.baseline) {
    variants.unshift({
      name: args.baseline,
      page: await bundle('baseline', checkout(args.baseline)),
    });
  }
  const zooServer = await startStaticServer({ root: existsSync(ZOO) ? ZOO : ROOT, cors: true });
  const session = await startBrowser();
  const models = [
    { name: 'Inception V1 (fixture)', url: `${session.origin}/${INCEPTION}` },
    { name: 'MobileNetV2 (nsfwjs graph)', url: `${zooServer.origin}/${MOBILENET}` },
  ].filter((m) => !m.url.startsWith(zooServer.origin) || existsSync(join(ZOO, MOBILENET)));
  const shapes = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/shapes/index.json'), 'utf8'));
  const imageUrl = session.origin + IMAGE + shapes[0].file;
  const load = [loadavg()[0]];
  const results = new Map(); // `${variant} ${model}` -> { profile, msPerEvaluation: [] }
  try {
    const pages = [];
    for (const variant of variants) {
      const context = await session.browser.createBrowserContext();
      const page = await context.newPage();
      page.setDefaultTimeout(0);
      page.on('pageerror', (error) => console.error(`  [${variant.name}] ${error.message}`));
      await page.goto(`${session.origin}/${variant.page}`);
      await page.waitForFunction(() => document.title === 'perf bench ready');
      pages.push({ variant, page });
    }
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which variant goes first, so neither always runs on a warmer machine.
      const order = round % 2 === 0 ? pages : [...pages].reverse();
      for (const model of models) {
        for (const { variant, page } of order) {
          const key = `${variant.name}\t${model.name}`;
          const entry = results.get(key) ?? { msPerEvaluation: [] };
          results.set(key, entry);
          if (!entry.profile) {
            log('profile', variant.name, model.name);
            entry.profile = await page.evaluate(
              (u, i, b, n) => window.perf.profileEvaluation(u, i, b, n),
              model.url,
              imageUrl,
              args.backend,
              BATCH,
            );
          }
          log('round', round + 1, variant.name, model.name);
          const run = {
            backend: args.backend,
            method: 'riemann-middle',
            steps: BATCHES * BATCH,
            batchSize: BATCH,
            tolerance: null,
          };
          const r = await page.evaluate(
            (u, i, x) => window.perf.runIg(u, i, x),
            model.url,
            imageUrl,
            run,
          );
          entry.msPerEvaluation.push(r.ms / (r.evaluations + r.probes + 1));
        }
      }
      load.push(loadavg()[0]);
    }
  } finally {
    await session.close();
    await zooServer.close();
  }
  print(results, models, variants, load);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function print(results, models, variants, load) {
  const out = [];
  out.push(
    `**ms per evaluation** (${args.backend}, batch ${BATCH}, ${BATCHES} batches, median of ` +
      `${ROUNDS} alternating rounds; load average ${load.map((l) => fixed(l, 1)).join(', ')}):`,
    '',
  );
  const rows = models.map((m) => [
    m.name,
    ...variants.map((v) => {
      const e = results.get(`${v.name}\t${m.name}`);
      return `${fixed(median(e.msPerEvaluation))} (${e.msPerEvaluation.map((x) => fixed(x)).join(', ')})`;
    }),
  ]);
  out.push(table(['model', ...variants.map((v) => v.name)], rows), '');
  for (const m of models) {
    for (const v of variants) {
      const p = results.get(`${v.name}\t${m.name}`).profile;
      out.push(
        `**${m.name}, ${v.name}**: tf.profile of one batch of ${p.points}, ` +
          `${fixed(p.kernelMs)} ms in kernels, peak ${fixed(p.peakBytes / 2 ** 20)} MB:`,
        '',
        table(
          ['kernel', 'ms', 'calls', 'share'],
          p.kernels.slice(0, 12).map((k) => [k.name, fixed(k.ms, 1), k.calls, percent(k.share)]),
        ),
        '',
      );
    }
  }
  console.log(out.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
