#!/usr/bin/env node
// Writes test/fixtures/xrai/felzenszwalb-reference.json: scikit-image's felzenszwalb (the
// segmentation PAIR saliency's XRAI calls) on four 64x64 images, for the agreement test of
// src/engine/felzenszwalb.ts. Needs Debian's python3-skimage:
//
//   apt-get install -y python3-skimage && node scripts/felzenszwalb-reference.mjs
//
// The images: three held-out shapes samples and one of flat blocks with noise, scaled to
// [-1, 1] as XRAI scales its input; the runs: PAIR's sigma and minimum size at three of its scales.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../bench/driver.mjs';
import { mulberry32 } from './fixtures/prng.mjs';
import { SIZE, SPLIT_SEEDS, makeSample } from './shapes-dataset.mjs';

const round = (v) => Math.round(v * 1e4) / 1e4;
const images = [0, 1, 2].map((i) => ({
  name: `shapes test sample ${i}`,
  height: SIZE,
  width: SIZE,
  channels: 3,
  data: Array.from(makeSample(SPLIT_SEEDS.test, i).image, (v) => round((2 * v) / 255 - 1)),
}));
const rng = mulberry32(7);
const blocks = [];
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const block = (y < 32 ? 0 : 2) + (x < 24 ? 0 : 1);
    const colour = [
      [-0.8, -0.2, 0.6],
      [0.7, 0.1, -0.5],
      [0.0, 0.8, 0.2],
      [-0.3, -0.9, -0.1],
    ][block];
    for (const c of colour) blocks.push(round(c + 0.1 * (rng() - 0.5)));
  }
}
images.push({ name: 'four noisy blocks', height: SIZE, width: SIZE, channels: 3, data: blocks });
const runs = [50, 250, 1200].map((scale) => ({ scale, sigma: 0.8, minSize: 150 }));

const python = spawnSync('/usr/bin/python3', [join(ROOT, 'scripts/felzenszwalb-reference.py')], {
  input: JSON.stringify({ images, runs }),
  encoding: 'utf8',
  maxBuffer: 1 << 28,
});
if (python.status !== 0) {
  process.stderr.write(python.stderr);
  process.exit(1);
}
const reference = JSON.parse(python.stdout);
writeFileSync(
  join(ROOT, 'test/fixtures/xrai/felzenszwalb-reference.json'),
  JSON.stringify({
    about: 'scikit-image felzenszwalb labels; written by scripts/felzenszwalb-reference.mjs',
    skimage: reference.skimage,
    runs,
    images: images.map((image, i) => ({ ...image, labels: reference.labels[i] })),
  }),
);
console.log(`skimage ${reference.skimage}: ${images.length} images x ${runs.length} runs`);
