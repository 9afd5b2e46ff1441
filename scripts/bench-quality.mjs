#!/usr/bin/env node
// `npm run bench:quality`: do the attributions point at the object? Over held-out images of the
// shapes test split (regenerated from its seed with their object masks), the engine (src/engine,
// in headless Chromium) explains the trained shapes model's top-1 class with IG from the black,
// white, random and blur baselines, and with plain gradient x input. Per method it prints the
// share of positive attribution mass on the object, the pointing-game hit rate (the pixel with
// the largest attribution lies on the object), the share of absolute attribution mass on it (the
// element's default mask) and, as the score of a uniform map, the object's average area share.
// Writes bench/quality.json.
//
//   node scripts/bench-quality.mjs [--count 50] [--start 0] [--backend wasm] [--steps 50]
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ROOT,
  buildPages,
  ensureProductSnapshot,
  openPage,
  percent,
  startBrowser,
  table,
  writeJson,
} from '../bench/driver.mjs';
import { CLASSES, SPLIT_SEEDS, SIZE, makeSample } from './shapes-dataset.mjs';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '50' },
    start: { type: 'string', default: '0' },
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string' },
  },
});
const COUNT = Number(args.count);
const START = Number(args.start);
const BASELINES = ['black', 'white', 'random', 'blur'];
const METHODS = [...BASELINES.map((b) => `ig-${b}`), 'gradient-x-input'];

/** Scores of one per-pixel map (signed, channels summed) against the object's mask. */
function score(map, abs, mask) {
  let positive = 0;
  let positiveIn = 0;
  let absolute = 0;
  let absoluteIn = 0;
  let best = 0;
  for (let p = 0; p < map.length; p++) {
    const v = Math.max(0, map[p]);
    positive += v;
    absolute += abs[p];
    if (mask[p]) {
      positiveIn += v;
      absoluteIn += abs[p];
    }
    if (map[p] > map[best]) best = p;
  }
  return {
    positiveMassIn: positive > 0 ? positiveIn / positive : 0,
    absoluteMassIn: absolute > 0 ? absoluteIn / absolute : 0,
    pointingHit: mask[best] === 1 ? 1 : 0,
  };
}

const mean = (values) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const log = (...parts) =>
  console.error(`[quality ${new Date().toISOString().slice(11, 19)}]`, ...parts);

async function main() {
  const started = Date.now();
  // The engine page loads the WASM binaries from the dist/ snapshot.
  ensureProductSnapshot();
  await buildPages();
  const session = await startBrowser();
  const perImage = [];
  let defaults;
  try {
    const context = await session.browser.createBrowserContext();
    const page = await openPage(context, session.origin, 'engine');
    defaults = await page.evaluate(() => window.bench.defaults);
    const steps = Number(args.steps ?? defaults.steps);
    const modelUrl = `${session.origin}/demo/models/shapes/model.json`;
    for (let i = START; i < START + COUNT; i++) {
      const sample = makeSample(SPLIT_SEEDS.test, i);
      const input = { bytes: Array.from(sample.image), height: SIZE, width: SIZE };
      const out = await page.evaluate(
        (url, image, options) => window.bench.attributionMaps(url, image, options),
        modelUrl,
        input,
        { backend: args.backend, baselines: BASELINES, steps },
      );
      const scores = {};
      for (const method of METHODS) {
        const key = method.startsWith('ig-') ? method.slice(3) : method;
        scores[method] = score(out.maps[key], out.absMaps[key], sample.mask);
      }
      perImage.push({
        sample: i,
        label: sample.className,
        predicted: CLASSES[out.target],
        areaShare: sample.areaShare,
        clutter: sample.clutter,
        relativeErrors: out.errors,
        scores,
      });
      if ((i - START + 1) % 10 === 0) log(`${i - START + 1}/${COUNT} images`);
    }
    await context.close();
  } finally {
    await session.close();
  }

  const summary = METHODS.map((method) => ({
    method,
    positiveMassIn: mean(perImage.map((r) => r.scores[method].positiveMassIn)),
    pointingGame: mean(perImage.map((r) => r.scores[method].pointingHit)),
    absoluteMassIn: mean(perImage.map((r) => r.scores[method].absoluteMassIn)),
    // The median: where f(x) and f(x') nearly agree, the relative error of one image explodes.
    relativeError: method.startsWith('ig-')
      ? median(perImage.map((r) => r.relativeErrors[method.slice(3)]))
      : null,
  }));
  const areaShare = mean(perImage.map((r) => r.areaShare));
  const accuracy = mean(perImage.map((r) => (r.label === r.predicted ? 1 : 0)));
  const results = {
    date: new Date().toISOString(),
    images: { split: 'test', seed: SPLIT_SEEDS.test, start: START, count: COUNT, areaShare },
    settings: {
      backend: args.backend,
      steps: Number(args.steps ?? defaults.steps),
      method: defaults.method,
      output: 'probability',
      target: 'top-1 predicted class',
    },
    // Which weights were measured (the model may be retrained).
    modelWeightsSha256: createHash('sha256')
      .update(readFileSync(join(ROOT, 'demo/models/shapes/weights.bin')))
      .digest('hex'),
    accuracy,
    summary,
    wallSeconds: (Date.now() - started) / 1000,
    perImage,
  };
  await writeJson(join(ROOT, 'bench/quality.json'), results);

  const label = (m) =>
    m === 'gradient-x-input' ? 'gradient x input' : `IG, ${m.slice(3)} baseline`;
  console.log(
    `## Attribution quality: shapes model, ${COUNT} held-out test images ` +
      `(seed ${SPLIT_SEEDS.test}, samples ${START}-${START + COUNT - 1})\n\n` +
      `Top-1 accuracy on them ${percent(accuracy)}; IG: ${results.settings.method}, ` +
      `${results.settings.steps} steps, softmax probability of the predicted class, ` +
      `${args.backend} backend.\n`,
  );
  console.log(
    table(
      [
        'method',
        'positive mass on object',
        'pointing game',
        'abs. mass on object',
        'median rel. completeness error',
      ],
      [
        ...summary.map((s) => [
          label(s.method),
          percent(s.positiveMassIn),
          percent(s.pointingGame),
          percent(s.absoluteMassIn),
          s.relativeError === null ? '–' : percent(s.relativeError, 2),
        ]),
        [
          'uniform map (object area share)',
          percent(areaShare),
          percent(areaShare),
          percent(areaShare),
          '–',
        ],
      ],
    ),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
