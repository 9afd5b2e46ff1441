#!/usr/bin/env node
// `npm run bench:quality`: do the attributions point at the object? Over held-out images of the
// shapes test split (regenerated from its seed with their object masks), the engine (src/engine,
// in headless Chromium, bench/quality.html) explains the trained shapes model's top-1 class with
// every method of bench/src/quality-methods.ts (IG from black, blur and the baseline list black +
// white, Blur IG, Guided IG, SmoothGrad over IG and over Blur IG, gradient x input, XRAI over
// them, a random map for reference). Per method it prints the share of positive
// attribution mass on the object, the pointing-game hit rate, the share of absolute mass on it,
// RISE's insertion and deletion AUC (Petsiuk et al. 2018) and IG's completeness error; the
// object's average area share is what a uniform map scores. Writes bench/quality.json and a
// picture of every method on the same images, bench/methods.png.
//
//   node scripts/bench-quality.mjs [--count 50] [--start 0] [--backend wasm] [--steps 50]
//                                  [--curve-steps 64] [--picture 0,1,2] [--split test]
//                                  [--methods ig-black,blur-ig] [--out bench/quality.json]
//                                  [--samples 0,6,8] (these samples instead of --start/--count)
//
// --split val draws the images from the validation split instead: the split to tune a method's
// hyperparameters on, so that the held-out test images stay unseen.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
    // Explicit sample indices instead of --start/--count (e.g. the misses of a run, to look at).
    samples: { type: 'string', default: '' },
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string' },
    // RISE moves one row of pixels per step: 64 steps on the 64x64 shapes grid.
    'curve-steps': { type: 'string', default: String(SIZE) },
    // Samples drawn in bench/methods.png (one row each).
    picture: { type: 'string', default: '0,1,2,3' },
    // Which images: `test` (held out, the table's) or `val` (for tuning a method).
    split: { type: 'string', default: 'test' },
    // Only these methods (ids of bench/src/quality-methods.ts); default all.
    methods: { type: 'string', default: '' },
    out: { type: 'string', default: 'bench/quality.json' },
  },
});
const SAMPLES = args.samples
  ? args.samples.split(',').filter(Boolean).map(Number)
  : Array.from({ length: Number(args.count) }, (_, k) => Number(args.start) + k);
const COUNT = SAMPLES.length;
const START = SAMPLES[0];
const CURVE_STEPS = Number(args['curve-steps']);
const PICTURE = new Set(args.picture.split(',').filter(Boolean).map(Number));
const SPLIT = args.split;
if (!['test', 'val'].includes(SPLIT)) throw new Error(`--split is test or val, not ${SPLIT}`);
const METHOD_IDS = args.methods.split(',').filter(Boolean);

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
  // The page loads the WASM binaries from the dist/ snapshot.
  ensureProductSnapshot();
  await buildPages();
  const session = await startBrowser();
  const perImage = [];
  let defaults;
  let methods;
  let pointingTolerance;
  try {
    const context = await session.browser.createBrowserContext();
    const page = await openPage(context, session.origin, 'quality');
    let tuning;
    ({ defaults, methods, tuning, pointingTolerance } = await page.evaluate(() => ({
      defaults: window.quality.defaults,
      methods: window.quality.methods,
      tuning: window.quality.tuning,
      pointingTolerance: window.quality.pointingTolerance,
    })));
    if (METHOD_IDS.length) {
      methods = [...methods, ...tuning];
      const unknown = METHOD_IDS.filter((id) => !methods.some((m) => m.id === id));
      if (unknown.length) throw new Error(`Unknown --methods: ${unknown.join(', ')}`);
      methods = methods.filter((m) => METHOD_IDS.includes(m.id));
    }
    const options = {
      backend: args.backend,
      steps: Number(args.steps ?? defaults.steps),
      method: defaults.method,
      curveSteps: CURVE_STEPS,
      methods: methods.map((m) => m.id),
    };
    const modelUrl = `${session.origin}/demo/models/shapes/model.json`;
    for (const i of SAMPLES) {
      const sample = makeSample(SPLIT_SEEDS[SPLIT], i);
      const imageStarted = Date.now();
      const input = { bytes: Array.from(sample.image), height: SIZE, width: SIZE };
      const out = await page.evaluate(
        (url, image, mask, o) => window.quality.evaluate(url, image, mask, o),
        modelUrl,
        input,
        Array.from(sample.mask),
        { ...options, keep: PICTURE.has(i) },
      );
      perImage.push({
        sample: i,
        label: sample.className,
        predicted: CLASSES[out.target],
        areaShare: sample.areaShare,
        clutter: sample.clutter,
        scores: out.scores,
        seconds: (Date.now() - imageStarted) / 1000,
      });
      if (perImage.length % 10 === 0 || COUNT < 10)
        log(`${perImage.length}/${COUNT} images, ${perImage.at(-1).seconds.toFixed(1)} s the last`);
    }
    if (SAMPLES.some((i) => PICTURE.has(i))) {
      const png = await page.evaluate(() => window.quality.picture());
      writeFileSync(join(ROOT, 'bench/methods.png'), Buffer.from(png.split(',')[1], 'base64'));
      log('wrote bench/methods.png');
    }
    await context.close();
  } finally {
    await session.close();
  }

  const summary = methods.map(({ id, label }) => {
    const of = (key) => perImage.map((r) => r.scores[id][key]);
    const errors = of('relativeError').filter((e) => e !== null);
    return {
      method: id,
      label,
      positiveMassIn: mean(of('positiveMassIn')),
      pointingGame: mean(of('pointingHit')),
      // Zhang et al.'s count, with TorchRay's 15 px tolerance scaled to these images.
      pointingGameTolerant: mean(of('pointingHitTolerant')),
      absoluteMassIn: mean(of('absoluteMassIn')),
      insertionAuc: mean(of('insertionAuc')),
      deletionAuc: mean(of('deletionAuc')),
      deletionBlurAuc: mean(of('deletionBlurAuc')),
      // The median: where f(x) and f(x') nearly agree, the relative error of one image explodes.
      relativeError: errors.length ? median(errors) : null,
    };
  });
  const areaShare = mean(perImage.map((r) => r.areaShare));
  const accuracy = mean(perImage.map((r) => (r.label === r.predicted ? 1 : 0)));
  const settings = {
    backend: args.backend,
    steps: Number(args.steps ?? defaults.steps),
    method: defaults.method,
    output: 'probability',
    target: 'top-1 predicted class',
    curveSteps: CURVE_STEPS,
    insertionSubstrate: 'the blur baseline (Gaussian, sigma 5 px)',
    deletionSubstrate: 'black; and the blur baseline in a second curve',
  };
  const results = {
    date: new Date().toISOString(),
    images: {
      split: SPLIT,
      seed: SPLIT_SEEDS[SPLIT],
      ...(args.samples ? { samples: SAMPLES } : { start: START, count: COUNT }),
      areaShare,
    },
    settings,
    // Which weights were measured (the model may be retrained).
    modelWeightsSha256: createHash('sha256')
      .update(readFileSync(join(ROOT, 'demo/models/shapes/weights.bin')))
      .digest('hex'),
    accuracy,
    summary,
    wallSeconds: (Date.now() - started) / 1000,
    secondsPerImage: mean(perImage.map((r) => r.seconds)),
    perImage,
  };
  await writeJson(resolve(ROOT, args.out), results);

  console.log(
    `## Attribution quality: shapes model, ${COUNT} ` +
      `${SPLIT === 'test' ? 'held-out test' : 'validation (tuning)'} images ` +
      `(seed ${SPLIT_SEEDS[SPLIT]}, samples ` +
      `${args.samples ? SAMPLES.join(',') : `${START}-${START + COUNT - 1}`}); ` +
      `${results.secondsPerImage.toFixed(1)} s per image\n\n` +
      `Top-1 accuracy on them ${percent(accuracy)}; IG: ${settings.method}, ` +
      `${settings.steps} steps, softmax probability of the predicted class, ` +
      `${args.backend} backend. Insertion: pixels in the map's order onto the blurred image ` +
      `(sigma 5 px); deletion: to black (RISE), and to the blurred image; ${CURVE_STEPS} steps; ` +
      'AUC of the class probability.\n',
  );
  const best = (key, sign) => Math.max(...summary.map((s) => sign * s[key]));
  const mark = (s, key, sign, text) => (sign * s[key] === best(key, sign) ? `**${text}**` : text);
  console.log(
    table(
      [
        'method',
        'positive mass on object',
        'pointing game (on the object)',
        `pointing game (15 px tolerance, scaled: ${(pointingTolerance * SIZE).toFixed(2)} px)`,
        'abs. mass on object',
        'insertion AUC (higher: better)',
        'deletion AUC, to black (lower: better)',
        'deletion AUC, to blur (lower: better)',
        'median rel. completeness error',
      ],
      [
        ...summary.map((s) => [
          s.label,
          mark(s, 'positiveMassIn', 1, percent(s.positiveMassIn)),
          mark(s, 'pointingGame', 1, percent(s.pointingGame)),
          mark(s, 'pointingGameTolerant', 1, percent(s.pointingGameTolerant)),
          mark(s, 'absoluteMassIn', 1, percent(s.absoluteMassIn)),
          mark(s, 'insertionAuc', 1, s.insertionAuc.toFixed(3)),
          mark(s, 'deletionAuc', -1, s.deletionAuc.toFixed(3)),
          mark(s, 'deletionBlurAuc', -1, s.deletionBlurAuc.toFixed(3)),
          s.relativeError === null ? '–' : percent(s.relativeError, 2),
        ]),
        [
          'uniform map (object area share)',
          percent(areaShare),
          percent(areaShare),
          '–',
          percent(areaShare),
          '–',
          '–',
          '–',
          '–',
        ],
      ],
    ),
  );
  const goal = (key) => {
    const met = summary.filter((s) => s[key] >= 0.9 && s.positiveMassIn >= 0.6);
    return met.length ? `met by ${met.map((s) => s.label).join(', ')}` : 'met by no method';
  };
  console.log(
    `\nIssue 15's goal (pointing game >= 90% and >= 60% of the positive mass on the object): ` +
      `with the pointing game on the object alone, ${goal('pointingGame')}; with the pointing ` +
      `game's 15 px tolerance (Zhang et al. 2016, TorchRay; scaled), ${goal('pointingGameTolerant')}.`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
