// Writes fixed held-out "shapes" images (test split, never trained on) as PNGs with their object
// masks, for tests and benchmarks, and a few of them for the demo:
//   test/fixtures/shapes/{<class>-<n>.png, <class>-<n>.mask.png, index.json}
//   demo/images/shapes/<class>.png
// The pick is a rule, not a look at the model: per class, the first two test samples whose
// object covers 5% to 25% of the image (so "mass on the object" is a meaningful measure).
//
//   npm run shapes:samples
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from './png.mjs';
import { CLASSES, SIZE, SPLIT_SEEDS, makeSample } from './shapes-dataset.mjs';

const FIXTURE_DIR = 'test/fixtures/shapes';
const DEMO_DIR = 'demo/images/shapes';
const PER_CLASS = 2;
const AREA_RANGE = [0.05, 0.25];
const DEMO_CLASSES = ['star', 'heart', 'cross'];

const seed = SPLIT_SEEDS.test;
const picked = new Map(CLASSES.map((name) => [name, []]));
for (let sample = 0; [...picked.values()].some((list) => list.length < PER_CLASS); sample++) {
  const s = makeSample(seed, sample);
  const list = picked.get(s.className);
  if (list.length < PER_CLASS && s.areaShare >= AREA_RANGE[0] && s.areaShare <= AREA_RANGE[1]) {
    list.push({ ...s, sample });
  }
}

mkdirSync(FIXTURE_DIR, { recursive: true });
mkdirSync(DEMO_DIR, { recursive: true });
const index = [];
for (const [name, list] of picked) {
  list.forEach((s, n) => {
    const file = `${name}-${n + 1}.png`;
    const mask = `${name}-${n + 1}.mask.png`;
    writeFileSync(join(FIXTURE_DIR, file), encodePng(SIZE, SIZE, s.image, 3));
    writeFileSync(
      join(FIXTURE_DIR, mask),
      encodePng(
        SIZE,
        SIZE,
        s.mask.map((v) => v * 255),
        1,
      ),
    );
    index.push({
      file,
      mask,
      label: name,
      index: s.label,
      areaShare: Number(s.areaShare.toFixed(6)),
      seed,
      sample: s.sample,
    });
    if (n === 0 && DEMO_CLASSES.includes(name)) {
      writeFileSync(join(DEMO_DIR, `${name}.png`), encodePng(SIZE, SIZE, s.image, 3));
    }
  });
}
writeFileSync(join(FIXTURE_DIR, 'index.json'), JSON.stringify(index, null, 2) + '\n');
const meanArea = index.reduce((sum, e) => sum + e.areaShare, 0) / index.length;
console.log(
  `wrote ${index.length} images + masks to ${FIXTURE_DIR} (mean area share ` +
    `${(meanArea * 100).toFixed(1)}%) and ${DEMO_CLASSES.length} demo images to ${DEMO_DIR}`,
);
