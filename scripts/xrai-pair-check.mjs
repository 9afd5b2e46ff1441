#!/usr/bin/env node
// Cross-checks src/engine/xrai.ts against PAIR saliency's XRAI in Python, on held-out shapes
// images (scaled to 224x224) with a smooth seeded attribution field that is higher on the object:
//   1. PAIR's ranking (`XRAI._xrai`) over our segments must give our region map (to 1e-6);
//   2. PAIR end to end (its own scaling, Felzenszwalb segments and dilation) against ours, on a
//      224x224 image where neither resizes: the correlation of the two region maps and the share
//      of pixels with the same value. (On a 64x64 grid the two resize differently, PAIR with
//      cubic splines and ours bilinearly, and dilate differently, PAIR 5 px and ours 1 px.)
// Needs Debian's python3-skimage and a checkout of github.com/PAIR-code/saliency (measured at
// commit 7b72b67):
//
//   apt-get install -y python3-skimage
//   node scripts/xrai-pair-check.mjs --pair /path/to/saliency/saliency/core
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { ROOT } from '../bench/driver.mjs';
import { SIZE, SPLIT_SEEDS, makeSample } from './shapes-dataset.mjs';

const { values: args } = parseArgs({
  options: { pair: { type: 'string' }, samples: { type: 'string', default: '0,1,2,3,4' } },
});
if (!args.pair) {
  console.error('usage: node scripts/xrai-pair-check.mjs --pair /path/to/saliency/saliency/core');
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'xrai-pair-'));
try {
  symlinkSync(resolve(args.pair), join(work, 'pair_core'));
  await build({
    entryPoints: [join(ROOT, 'src/engine/xrai.ts')],
    outfile: join(work, 'xrai.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'warning',
  });
  const ours = await import(pathToFileURL(join(work, 'xrai.mjs')).href);
  let worstRanked = 0;
  let worstCorrelation = 1;
  for (const index of args.samples.split(',').map(Number)) {
    const sample = makeSample(SPLIT_SEEDS.test, index);
    // At 224x224 neither side resizes before segmenting (PAIR's cubic resize to 224 is then the
    // identity), and our dilation (5 px) and min_pixel_diff (50) are PAIR's.
    const size = 224;
    const small = {
      data: Float32Array.from(sample.image, (v) => v / 255),
      height: SIZE,
      width: SIZE,
      channels: 3,
    };
    const grid = ours.resizeBilinear(small, size, size);
    const attribution = new Float32Array(size * size);
    for (let p = 0; p < attribution.length; p++) {
      const [y, x] = [Math.floor(p / size), p % size];
      const onObject =
        sample.mask[Math.floor((y * SIZE) / size) * SIZE + Math.floor((x * SIZE) / size)];
      attribution[p] =
        Math.sin(x / 25 + index) * Math.cos(y / 18) +
        0.3 * Math.sin((x * y) / 600) +
        (onObject ? 0.8 : 0);
    }
    const minPixelDiff = 50;
    const masks = ours.xraiSegments(grid);
    const mine = ours.rankRegions(attribution, masks, minPixelDiff).regionMap;
    const endToEnd = ours.xrai(attribution, grid).regionMap;
    const python = spawnSync('/usr/bin/python3', [join(ROOT, 'scripts/xrai-pair-check.py')], {
      input: JSON.stringify({
        height: size,
        width: size,
        image: Array.from(grid.data),
        attribution: Array.from(attribution),
        masks: masks.map((m) => Array.from(m)),
        minPixelDiff,
      }),
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: work },
      maxBuffer: 1 << 28,
    });
    if (python.status !== 0) throw new Error(python.stderr);
    const pair = JSON.parse(python.stdout);
    let ranked = 0;
    for (let p = 0; p < mine.length; p++)
      ranked = Math.max(ranked, Math.abs(mine[p] - pair.ranked[p]));
    worstRanked = Math.max(worstRanked, ranked);
    const correlation = pearson(endToEnd, pair.full);
    worstCorrelation = Math.min(worstCorrelation, correlation);
    let agree = 0;
    for (let p = 0; p < endToEnd.length; p++)
      if (Math.abs(endToEnd[p] - pair.full[p]) < 1e-6) agree++;
    console.log(
      `sample ${index}: PAIR's _xrai over our ${masks.length} segments: max |difference| ` +
        `${ranked.toExponential(2)}; PAIR end to end (${pair.fullMasks} segments): ` +
        `correlation of the region maps ${correlation.toFixed(4)}, ` +
        `${((100 * agree) / endToEnd.length).toFixed(1)}% of pixels equal`,
    );
  }
  if (worstRanked > 1e-6 || worstCorrelation < 0.999) {
    console.error(
      `FAIL: ranking off by ${worstRanked}, end-to-end correlation ${worstCorrelation}`,
    );
    process.exitCode = 1;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

function pearson(a, b) {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}
