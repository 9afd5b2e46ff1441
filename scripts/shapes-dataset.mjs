// The procedural "shapes" dataset: one coloured shape of random class, size, position, colour and
// rotation on a cluttered, textured background, with the shape's binary mask. Everything comes
// from a seeded PRNG, so a (seed, index) pair always gives the same image; the train, validation
// and test splits are different seeds.
//
//   node scripts/shapes-dataset.mjs [--out dir] [--seed n] [--count n]
// writes a contact sheet of samples (PNG) for a look at the data.

import { mulberry32 } from './fixtures/prng.mjs';

export { mulberry32 };

export const SIZE = 64;
export const CLASSES = ['circle', 'square', 'triangle', 'star', 'cross', 'heart'];

/** The seeds of the splits; `npm run train:shapes` and the fixtures use them. */
export const SPLIT_SEEDS = { train: 1001, val: 2002, test: 3003 };

/** A per-image seed, so sample i of a split does not depend on how many came before it. */
function sampleSeed(seed, index) {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
}

const uniform = (rng, lo, hi) => lo + (hi - lo) * rng();

function hsv(h, s, v) {
  const i = Math.floor(h * 6) % 6;
  const f = h * 6 - Math.floor(h * 6);
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  return [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q],
  ][i];
}

const randomColor = (rng) => hsv(rng(), uniform(rng, 0.2, 1), uniform(rng, 0.2, 1));

// Shapes in unit coordinates (circumscribed radius about 1, y down).
function polygonInside(points) {
  return (x, y) => {
    let inside = false;
    for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
      const [xi, yi] = points[i];
      const [xj, yj] = points[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
}

const regular = (n, radius, phase) =>
  Array.from({ length: n }, (_, k) => {
    const a = phase + (2 * Math.PI * k) / n;
    return [radius * Math.cos(a), radius * Math.sin(a)];
  });

const starPoints = Array.from({ length: 10 }, (_, k) => {
  const a = -Math.PI / 2 + (Math.PI * k) / 5;
  const r = k % 2 === 0 ? 1 : 0.45;
  return [r * Math.cos(a), r * Math.sin(a)];
});

const INSIDE = {
  circle: (x, y) => x * x + y * y <= 0.81,
  square: (x, y) => Math.abs(x) <= 0.72 && Math.abs(y) <= 0.72,
  triangle: polygonInside(regular(3, 1, -Math.PI / 2)),
  star: polygonInside(starPoints),
  cross: (x, y) =>
    (Math.abs(x) <= 0.3 && Math.abs(y) <= 0.95) || (Math.abs(y) <= 0.3 && Math.abs(x) <= 0.95),
  heart: (x, y) => {
    // (u^2 + v^2 - 1)^3 - u^2 v^3 <= 0, v up, shifted and scaled to fit the unit disc
    const u = x * 1.25;
    const v = -y * 1.25 + 0.15;
    const r = u * u + v * v - 1;
    return r * r * r - u * u * v * v * v <= 0;
  },
};

function smoothNoise(rng, cells) {
  const grid = Float32Array.from({ length: (cells + 1) * (cells + 1) }, () => rng());
  const out = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    const gy = (y / SIZE) * cells;
    const y0 = Math.floor(gy);
    const fy = gy - y0;
    for (let x = 0; x < SIZE; x++) {
      const gx = (x / SIZE) * cells;
      const x0 = Math.floor(gx);
      const fx = gx - x0;
      const i = y0 * (cells + 1) + x0;
      const top = grid[i] * (1 - fx) + grid[i + 1] * fx;
      const bottom = grid[i + cells + 1] * (1 - fx) + grid[i + cells + 2] * fx;
      out[y * SIZE + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/**
 * Paints the background into `rgb` (Float32, [0,1]); `clutter` in [0,1] scales the texture
 * contrast and the number of distractors, so the data runs from plain to busy scenes.
 */
function paintBackground(rng, rgb, clutter) {
  const c0 = randomColor(rng);
  const c1 = randomColor(rng);
  const angle = uniform(rng, 0, 2 * Math.PI);
  const [dx, dy] = [Math.cos(angle) / SIZE, Math.sin(angle) / SIZE];
  // texture: value noise blended with a third colour, and stripes of a fourth
  const noise = smoothNoise(rng, 2 + Math.floor(rng() * 7));
  const noiseColor = randomColor(rng);
  const noiseAmount = uniform(rng, 0, 0.6) * (0.3 + 0.7 * clutter);
  const stripes = rng() < 0.6;
  const stripeColor = randomColor(rng);
  const stripeAmount = uniform(rng, 0.15, 0.5) * (0.3 + 0.7 * clutter);
  const stripeAngle = uniform(rng, 0, Math.PI);
  const stripeFreq = uniform(rng, 0.15, 0.8);
  const [sx, sy] = [Math.cos(stripeAngle) * stripeFreq, Math.sin(stripeAngle) * stripeFreq];
  const phase = uniform(rng, 0, 2 * Math.PI);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const p = y * SIZE + x;
      const g = Math.min(1, Math.max(0, 0.5 + (x - SIZE / 2) * dx + (y - SIZE / 2) * dy));
      const n = noise[p] * noiseAmount;
      const s = stripes ? stripeAmount * (0.5 + 0.5 * Math.sin(x * sx + y * sy + phase)) : 0;
      for (let c = 0; c < 3; c++) {
        let v = c0[c] * (1 - g) + c1[c] * g;
        v = v * (1 - n) + noiseColor[c] * n;
        v = v * (1 - s) + stripeColor[c] * s;
        rgb[p * 3 + c] = v;
      }
    }
  }
  // distractors: lines and soft blobs of random colours, behind the object
  const count = Math.round(1 + 8 * clutter * rng());
  for (let k = 0; k < count; k++) {
    const color = randomColor(rng);
    if (rng() < 0.5) {
      const [x0, y0, x1, y1] = [0, 0, 0, 0].map(() => uniform(rng, -8, SIZE + 8));
      const half = uniform(rng, 0.5, 1.8);
      paintCoverage(rgb, color, (x, y) => segmentCoverage(x, y, x0, y0, x1, y1, half));
    } else {
      const [cx, cy] = [uniform(rng, 0, SIZE), uniform(rng, 0, SIZE)];
      const radius = uniform(rng, 2, 6);
      const alpha = uniform(rng, 0.4, 0.9);
      paintCoverage(rgb, color, (x, y) => {
        const d2 = ((x - cx) ** 2 + (y - cy) ** 2) / (radius * radius);
        return d2 > 4 ? 0 : alpha * Math.exp(-2 * d2);
      });
    }
  }
}

function segmentCoverage(x, y, x0, y0, x1, y1, half) {
  const vx = x1 - x0;
  const vy = y1 - y0;
  const t = Math.max(0, Math.min(1, ((x - x0) * vx + (y - y0) * vy) / (vx * vx + vy * vy)));
  const d = Math.hypot(x - x0 - t * vx, y - y0 - t * vy);
  return Math.max(0, Math.min(1, half + 0.5 - d));
}

function paintCoverage(rgb, color, coverage) {
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const a = coverage(x + 0.5, y + 0.5);
      if (a <= 0) continue;
      const p = (y * SIZE + x) * 3;
      for (let c = 0; c < 3; c++) rgb[p + c] = rgb[p + c] * (1 - a) + color[c] * a;
    }
  }
}

const SUPERSAMPLE = 4;

/**
 * Sample `index` of the split with `seed`. The class is `index % CLASSES.length`, so every split
 * is balanced. Returns { image: Uint8Array [64*64*3] RGB, mask: Uint8Array [64*64] (0 or 1),
 * label, className, areaShare, clutter } where areaShare = mask pixels / all pixels.
 */
export function makeSample(seed, index) {
  const rng = mulberry32(sampleSeed(seed, index));
  const label = index % CLASSES.length;
  const inside = INSIDE[CLASSES[label]];
  const rgb = new Float32Array(SIZE * SIZE * 3);
  const clutter = rng();
  paintBackground(rng, rgb, clutter);

  const radius = uniform(rng, 10, 22);
  const cx = uniform(rng, radius, SIZE - radius);
  const cy = uniform(rng, radius, SIZE - radius);
  const angle = uniform(rng, 0, 2 * Math.PI);
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];

  // coverage by supersampling, in the shape's bounding box only
  const coverage = new Float32Array(SIZE * SIZE);
  const x0 = Math.max(0, Math.floor(cx - radius - 1));
  const x1 = Math.min(SIZE - 1, Math.ceil(cx + radius + 1));
  const y0 = Math.max(0, Math.floor(cy - radius - 1));
  const y1 = Math.min(SIZE - 1, Math.ceil(cy + radius + 1));
  let meanBg = [0, 0, 0];
  let covered = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      let hits = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const px = (x + (sx + 0.5) / SUPERSAMPLE - cx) / radius;
          const py = (y + (sy + 0.5) / SUPERSAMPLE - cy) / radius;
          if (inside(cos * px + sin * py, -sin * px + cos * py)) hits++;
        }
      }
      const a = hits / (SUPERSAMPLE * SUPERSAMPLE);
      coverage[y * SIZE + x] = a;
      if (a > 0) {
        for (let c = 0; c < 3; c++) meanBg[c] += a * rgb[(y * SIZE + x) * 3 + c];
        covered += a;
      }
    }
  }
  meanBg = meanBg.map((v) => v / Math.max(covered, 1e-6));

  // the object's colour: random, but far enough from the background under it to be visible
  let color = randomColor(rng);
  for (let tries = 0; tries < 30; tries++) {
    const candidate = hsv(rng(), uniform(rng, 0.3, 1), uniform(rng, 0.3, 1));
    if (Math.hypot(...candidate.map((v, c) => v - meanBg[c])) > 0.5) {
      color = candidate;
      break;
    }
    if (
      Math.hypot(...candidate.map((v, c) => v - meanBg[c])) >
      Math.hypot(...color.map((v, c) => v - meanBg[c]))
    ) {
      color = candidate;
    }
  }
  // light shading across the object, so it is not one flat colour
  const shadeAngle = uniform(rng, 0, 2 * Math.PI);
  const shade = uniform(rng, 0, 0.25);
  const mask = new Uint8Array(SIZE * SIZE);
  let area = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const p = y * SIZE + x;
      const a = coverage[p];
      if (a >= 0.5) {
        mask[p] = 1;
        area++;
      }
      if (a <= 0) continue;
      const s =
        1 + (shade * ((x - cx) * Math.cos(shadeAngle) + (y - cy) * Math.sin(shadeAngle))) / radius;
      for (let c = 0; c < 3; c++) rgb[p * 3 + c] = rgb[p * 3 + c] * (1 - a) + color[c] * s * a;
    }
  }

  // sensor noise over everything, then 8-bit quantisation (what a PNG stores)
  const image = new Uint8Array(SIZE * SIZE * 3);
  const noise = uniform(rng, 0.01, 0.06);
  for (let i = 0; i < image.length; i++) {
    const v = rgb[i] + noise * (rng() + rng() + rng() - 1.5) * 2;
    image[i] = Math.round(Math.min(1, Math.max(0, v)) * 255);
  }
  return {
    image,
    mask,
    label,
    className: CLASSES[label],
    areaShare: area / (SIZE * SIZE),
    clutter,
  };
}

/**
 * `count` samples of the split with `seed`, packed: images Uint8Array [count*64*64*3],
 * masks Uint8Array [count*64*64], labels Int32Array [count].
 */
export function makeDataset(seed, count, start = 0) {
  const images = new Uint8Array(count * SIZE * SIZE * 3);
  const masks = new Uint8Array(count * SIZE * SIZE);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const s = makeSample(seed, start + i);
    images.set(s.image, i * s.image.length);
    masks.set(s.mask, i * s.mask.length);
    labels[i] = s.label;
  }
  return { images, masks, labels, count };
}

async function writeContactSheet() {
  const { parseArgs } = await import('node:util');
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const { encodePng } = await import('./png.mjs');
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: '.cache/shapes' },
      seed: { type: 'string', default: String(SPLIT_SEEDS.train) },
      count: { type: 'string', default: '48' },
    },
  });
  const count = Number(values.count);
  const cols = 12;
  const rows = Math.ceil(count / cols);
  const width = cols * (SIZE + 2);
  const height = rows * 2 * (SIZE + 2);
  const sheet = new Uint8Array(width * height * 3).fill(255);
  for (let i = 0; i < count; i++) {
    const { image, mask } = makeSample(Number(values.seed), i);
    const ox = (i % cols) * (SIZE + 2);
    const oy = Math.floor(i / cols) * 2 * (SIZE + 2);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        for (let c = 0; c < 3; c++) {
          sheet[((oy + y) * width + ox + x) * 3 + c] = image[(y * SIZE + x) * 3 + c];
          sheet[((oy + SIZE + 2 + y) * width + ox + x) * 3 + c] = mask[y * SIZE + x] * 255;
        }
      }
    }
  }
  mkdirSync(values.out, { recursive: true });
  const file = `${values.out}/contact-sheet-${values.seed}.png`;
  writeFileSync(file, encodePng(width, height, sheet, 3));
  console.log(`wrote ${file} (${count} samples, images above their masks)`);
}

// Run as a script in Node (the module itself is plain JS and also loads in a browser).
if (globalThis.process?.argv && import.meta.url === `file://${globalThis.process.argv[1]}`) {
  await writeContactSheet();
}
