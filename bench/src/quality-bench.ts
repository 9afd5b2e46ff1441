// The quality benchmark's page (bench/quality.html): src/engine on this page's main thread
// explains one image with every method of quality-methods.ts and scores each map against the
// object's mask: positive and absolute mass on the object, the pointing game, and RISE's
// insertion and deletion AUC (Petsiuk et al. 2018). It also draws the methods side by side as a
// PNG. Driven by scripts/bench-quality.mjs through `window.quality`.
import * as tf from '@tensorflow/tfjs';
import { attribute } from '../../src/engine/attribution.js';
import { makeBaselines } from '../../src/engine/baseline-set.js';
import { makeBaseline } from '../../src/engine/baselines.js';
import { integratedGradients } from '../../src/engine/integrated-gradients.js';
import { loadModel, type LoadedModel } from '../../src/engine/model-loader.js';
import { fitImage } from '../../src/engine/preprocess.js';
import { colorizeMap, normalizeMap } from '../../src/element/mask.js';
import { DEFAULT_METHOD, DEFAULT_STEPS } from '../../src/shared/defaults.js';
import type { IgBackend, IgBaselineKind, IgMethod } from '../../src/shared/types.js';
import { useBackend } from '../../src/worker/backend.js';
import {
  QUALITY_METHODS,
  type Attribution,
  type ExplainOptions,
  type MethodContext,
  type QualityMethod,
} from './quality-methods.js';
import { ALL_TUNING } from './quality-tuning.js';

// The bundled worker's URL (the driver's snapshot of dist/): the WASM binaries lie next to it.
const ENTRY_URL = new URL('./dist/ig-explainer-worker.js', import.meta.url).href;

export interface QualityOptions {
  backend: IgBackend;
  steps: number;
  method: IgMethod;
  /** Insertion and deletion curves: this many steps (RISE: one row of pixels per step). */
  curveSteps: number;
  /** Keep the maps of this image for picture(). */
  keep?: boolean;
  /** Only these methods (ids of quality-methods.ts), in the list's order; default all. */
  methods?: string[];
}

export interface MethodScores {
  positiveMassIn: number;
  absoluteMassIn: number;
  /** 1 if the largest value lies on the object; with ties, the share of the tied pixels on it. */
  pointingHit: number;
  /**
   * The pointing game as its authors count it (Zhang et al. 2016; TorchRay's PointingGame): a hit
   * when the largest value lies within POINTING_TOLERANCE of the object; with ties, the share.
   */
  pointingHitTolerant: number;
  insertionAuc: number;
  deletionAuc: number;
  /** Deletion onto the blurred image instead of black: a shape deleted to black keeps its outline. */
  deletionBlurAuc: number;
  relativeError: number | null;
  /** Where the map's largest value lies (a diagnostic of the pointing game; not a score). */
  peak: Peak;
}

export interface Peak {
  /** Column and row of the first pixel with the largest value. */
  x: number;
  y: number;
  /** Euclidean distance in pixels to the nearest object pixel: 0 on the object. */
  distance: number;
  /** The object's largest value over the map's largest value: 1 where the peak is on it. */
  objectRatio: number;
}

const models = new Map<string, LoadedModel>();
async function model(url: string, backend: IgBackend): Promise<LoadedModel> {
  await useBackend(backend, { thread: 'main', entryUrl: ENTRY_URL });
  const key = `${backend} ${url}`;
  let loaded = models.get(key);
  if (!loaded) {
    loaded = await loadModel([url], { cache: false });
    models.set(key, loaded);
  }
  return loaded;
}

/** Softmax probabilities of `target` for a batch, in chunks that bound memory. */
async function probabilities(m: LoadedModel, batch: tf.Tensor4D, target: number) {
  const out: number[] = [];
  for (let start = 0; start < batch.shape[0]; start += 32) {
    const size = Math.min(32, batch.shape[0] - start);
    const p = tf.tidy(() =>
      tf
        .softmax(m.classifier(batch.slice([start, 0, 0, 0], [size, -1, -1, -1])))
        .slice([0, target], [size, 1]),
    );
    out.push(...(await p.data()));
    p.dispose();
  }
  return out;
}

/** RISE's area under the curve: the trapezoid rule over the fraction of pixels moved, on [0, 1]. */
function auc(curve: number[]): number {
  const n = curve.length - 1;
  let sum = 0;
  for (let i = 0; i < curve.length; i++) sum += curve[i];
  return (sum - curve[0] / 2 - curve[n] / 2) / n;
}

/**
 * RISE's insertion and deletion curves for the pixel order of `map` (highest first, ties by
 * index): insertion moves the image's pixels onto its blurred copy (the `blur` baseline, sigma 5
 * px, RISE's blur), deletion sets them to black (RISE's zero substrate) and, as a second
 * deletion curve, to the blurred image.
 */
async function insertionDeletion(
  m: LoadedModel,
  image: tf.Tensor3D,
  blurred: tf.Tensor3D,
  map: Float32Array,
  target: number,
  steps: number,
) {
  const [h, w] = image.shape;
  const pixels = h * w;
  const order = Array.from(map.keys()).sort((a, b) => map[b] - map[a] || a - b);
  const masks = new Float32Array((steps + 1) * pixels);
  for (let k = 0; k <= steps; k++) {
    const count = Math.round((k * pixels) / steps);
    for (let i = 0; i < count; i++) masks[k * pixels + order[i]] = 1;
  }
  const [inserted, deleted, blurredOut] = tf.tidy(() => {
    const mask = tf.tensor4d(masks, [steps + 1, h, w, 1]);
    const keep = tf.sub(1, mask);
    return [
      tf.add(tf.mul(blurred, keep), tf.mul(image, mask)) as tf.Tensor4D,
      tf.mul(image, keep) as tf.Tensor4D,
      tf.add(tf.mul(image, keep), tf.mul(blurred, mask)) as tf.Tensor4D,
    ];
  });
  try {
    const insertion = await probabilities(m, inserted, target);
    const deletion = await probabilities(m, deleted, target);
    const deletionToBlur = await probabilities(m, blurredOut, target);
    return {
      insertionAuc: auc(insertion),
      deletionAuc: auc(deletion),
      deletionBlurAuc: auc(deletionToBlur),
    };
  } finally {
    tf.dispose([inserted, deleted, blurredOut]);
  }
}

/**
 * The pointing game's tolerance, in pixels of the shapes images: Zhang et al. (2016) and
 * TorchRay count a hit within 15 px of the object on PASCAL VOC / COCO images (about 500 px on
 * their longer side), so 15 / 500 of the longer side here (1.92 px at 64 x 64). A pixel is within
 * it when its centre is closer than that to an object pixel's centre (TorchRay: d^2 < t^2).
 */
export const POINTING_TOLERANCE = 15 / 500;

/** Pixel p's distance to the nearest object pixel's centre (0 on it; Infinity without one). */
function distanceToObject(mask: ArrayLike<number>, width: number, p: number): number {
  const [x, y] = [p % width, Math.floor(p / width)];
  let distance = Infinity;
  for (let q = 0; q < mask.length; q++) {
    if (mask[q])
      distance = Math.min(distance, Math.hypot((q % width) - x, Math.floor(q / width) - y));
  }
  return distance;
}

function massAndPointing(
  map: Float32Array,
  abs: Float32Array,
  mask: ArrayLike<number>,
  width: number,
) {
  let positive = 0;
  let positiveIn = 0;
  let absolute = 0;
  let absoluteIn = 0;
  let max = -Infinity;
  for (let p = 0; p < map.length; p++) {
    const v = Math.max(0, map[p]);
    positive += v;
    absolute += abs[p];
    if (mask[p]) {
      positiveIn += v;
      absoluteIn += abs[p];
    }
    if (map[p] > max) max = map[p];
  }
  const tolerance = POINTING_TOLERANCE * Math.max(width, map.length / width);
  let tied = 0;
  let tiedIn = 0;
  let tiedNear = 0;
  for (let p = 0; p < map.length; p++) {
    if (map[p] !== max) continue;
    tied++;
    if (mask[p]) tiedIn++;
    if (distanceToObject(mask, width, p) < tolerance) tiedNear++;
  }
  return {
    positiveMassIn: positive > 0 ? positiveIn / positive : 0,
    absoluteMassIn: absolute > 0 ? absoluteIn / absolute : 0,
    pointingHit: tiedIn / tied,
    pointingHitTolerant: tiedNear / tied,
  };
}

function peakOf(map: Float32Array, mask: ArrayLike<number>, width: number): Peak {
  let at = 0;
  let objectMax = -Infinity;
  for (let p = 0; p < map.length; p++) {
    if (map[p] > map[at]) at = p;
    if (mask[p] && map[p] > objectMax) objectMax = map[p];
  }
  return {
    x: at % width,
    y: Math.floor(at / width),
    distance: distanceToObject(mask, width, at),
    objectRatio: map[at] > 0 ? objectMax / map[at] : 0,
  };
}

/** A seeded PRNG (mulberry32), so the random map is the same every run. */
function noise(pixels: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[p] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }
  return out;
}

interface Kept {
  pixels: Float32Array;
  shape: [number, number, number];
  maps: Record<string, Float32Array>;
  methods: readonly QualityMethod[];
}

/** The methods `ids` names, in the list's order; all when none are named. */
function chosen(ids: readonly string[] | undefined): readonly QualityMethod[] {
  if (!ids?.length) return QUALITY_METHODS;
  const all = [...QUALITY_METHODS, ...ALL_TUNING];
  const unknown = ids.filter((id) => !all.some((m) => m.id === id));
  if (unknown.length) throw new Error(`Unknown quality methods: ${unknown.join(', ')}`);
  return all.filter((m) => ids.includes(m.id));
}
const kept: Kept[] = [];

/** Explains `input` with every method and scores each map against `mask` (h*w, 1 on the object). */
async function evaluate(
  url: string,
  input: { bytes: number[]; height: number; width: number },
  mask: number[],
  options: QualityOptions,
) {
  const m = await model(url, options.backend);
  const image = tf.tidy(() => {
    const raw = tf.tensor3d(Uint8Array.from(input.bytes), [input.height, input.width, 3], 'int32');
    return fitImage(raw.div(255), m.height, m.width, 'pad');
  });
  const blurred = makeBaseline('blur', image, 0);
  const shape = image.shape as [number, number, number];
  const pixels = (await image.data()) as Float32Array;
  try {
    const top = tf.tidy(() => m.classifier(image.expandDims(0) as tf.Tensor4D).argMax(1));
    const target = (await top.data())[0];
    top.dispose();
    const igRuns = new Map<
      string,
      Promise<{ attributions: Float32Array; sum: number; gap: number }>
    >();
    const run = (kind: IgBaselineKind, steps: number, method: IgMethod) => {
      const key = `${kind} ${steps} ${method}`;
      let found = igRuns.get(key);
      if (!found) {
        const baseline = makeBaseline(kind, image, 0);
        found = integratedGradients(m.classifier, image, baseline, {
          target,
          steps,
          method,
          output: 'probability',
          batchSize: 32,
        })
          .then((r) => ({
            attributions: r.attributions,
            sum: r.sum,
            gap: r.scoreInput - r.scoreBaseline,
          }))
          .finally(() => baseline.dispose());
        igRuns.set(key, found);
      }
      return found;
    };
    const explanations = new Map<string, Promise<Attribution>>();
    const explain = (o: ExplainOptions): Promise<Attribution> => {
      const key = JSON.stringify(o);
      let found = explanations.get(key);
      if (!found) {
        const baselines = makeBaselines(o.baselines ?? ['black'], image, 0);
        found = attribute(m.classifier, image, baselines, {
          path: o.path,
          noiseSamples: o.noiseSamples ?? 0,
          ...(o.noiseLevel !== undefined && { noiseLevel: o.noiseLevel }),
          ...(o.blurSigma !== undefined && { blurSigma: o.blurSigma }),
          seed: 0,
          target,
          steps: options.steps,
          method: options.method,
          output: 'probability',
          batchSize: 32,
        })
          .then((r) => {
            const gap = r.scoreInput - r.scoreBaseline;
            return {
              attributions: r.attributions,
              relativeError: Math.abs(r.sum - gap) / Math.abs(gap),
            };
          })
          .finally(() => tf.dispose(baselines));
        explanations.set(key, found);
      }
      return found;
    };
    const context: MethodContext = {
      shape,
      pixels,
      explain,
      async ig(baselines) {
        const runs = await Promise.all(
          baselines.map((kind) => run(kind, options.steps, options.method)),
        );
        const attributions = new Float32Array(runs[0].attributions.length);
        let sum = 0;
        let gap = 0;
        for (const r of runs) {
          for (let i = 0; i < attributions.length; i++)
            attributions[i] += r.attributions[i] / runs.length;
          sum += r.sum / runs.length;
          gap += r.gap / runs.length;
        }
        return { attributions, relativeError: Math.abs(sum - gap) / Math.abs(gap) };
      },
      // One right-Riemann step from black: the gradient at the image times (image - 0).
      async gradientTimesInput(): Promise<Attribution> {
        const r = await run('black', 1, 'riemann-right');
        return { attributions: r.attributions, relativeError: null };
      },
      // Seeded per image (from its bytes), so that the random map's top pixel moves between images.
      noise: () =>
        noise(
          shape[0] * shape[1],
          input.bytes.reduce((h, b) => Math.imul(h, 31) + b, 7),
        ),
    };
    const scores: Record<string, MethodScores> = {};
    const maps: Record<string, Float32Array> = {};
    for (const method of chosen(options.methods)) {
      const out = await method.run(context);
      const curves = await insertionDeletion(
        m,
        image,
        blurred,
        out.order ?? out.map,
        target,
        options.curveSteps,
      );
      scores[method.id] = {
        ...massAndPointing(out.map, out.abs, mask, shape[1]),
        ...curves,
        relativeError: out.relativeError,
        peak: peakOf(out.map, mask, shape[1]),
      };
      maps[method.id] = out.map;
    }
    if (options.keep) kept.push({ pixels, shape, maps, methods: chosen(options.methods) });
    return { target, scores, numTensors: tf.memory().numTensors };
  } finally {
    tf.dispose([image, blurred]);
  }
}

/**
 * The kept images (rows) and each method's map (columns, positive part, inferno, clipped at the
 * 99th percentile as the element draws it) as a PNG data URL, `scale` screen pixels per pixel.
 */
function picture(scale = 3): string {
  const [h, w] = kept[0].shape;
  const tile = { w: w * scale, h: h * scale };
  const gap = 6;
  const { methods } = kept[0];
  const columns = ['image', ...methods.map((m) => m.label)];
  const canvas = document.createElement('canvas');
  const g = canvas.getContext('2d')!;
  const font = '11px sans-serif';
  const lineHeight = 14;
  g.font = font;
  // Every label whole, wrapped to the tile's width (as many lines as it takes).
  const wrapped = columns.map((label) => {
    const lines: string[] = [];
    for (const word of label.split(' ')) {
      const last = lines.at(-1);
      if (last !== undefined && g.measureText(`${last} ${word}`).width <= tile.w)
        lines[lines.length - 1] = `${last} ${word}`;
      else lines.push(word);
    }
    return lines;
  });
  const header = 8 + lineHeight * Math.max(...wrapped.map((lines) => lines.length));
  canvas.width = columns.length * (tile.w + gap) + gap;
  canvas.height = header + kept.length * (tile.h + gap) + gap;
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.fillStyle = '#000';
  g.font = font;
  g.textBaseline = 'top';
  wrapped.forEach((lines, c) =>
    lines.forEach((text, i) => g.fillText(text, gap + c * (tile.w + gap), 6 + lineHeight * i)),
  );
  const tileCanvas = document.createElement('canvas');
  tileCanvas.width = w;
  tileCanvas.height = h;
  const t = tileCanvas.getContext('2d')!;
  g.imageSmoothingEnabled = false;
  kept.forEach((row, r) => {
    const y = header + gap + r * (tile.h + gap);
    const rgba = new ImageData(w, h);
    for (let p = 0; p < w * h; p++) {
      for (let c = 0; c < 3; c++) rgba.data[4 * p + c] = Math.round(row.pixels[3 * p + c] * 255);
      rgba.data[4 * p + 3] = 255;
    }
    t.putImageData(rgba, 0, 0);
    g.drawImage(tileCanvas, gap, y, tile.w, tile.h);
    methods.forEach((method, c) => {
      const positive = row.maps[method.id].map((v) => Math.max(0, v));
      t.putImageData(colorizeMap(normalizeMap(positive, 99), w, h, 'inferno', false), 0, 0);
      g.drawImage(tileCanvas, gap + (c + 1) * (tile.w + gap), y, tile.w, tile.h);
    });
  });
  return canvas.toDataURL('image/png');
}

declare global {
  interface Window {
    quality: typeof api;
  }
}

const api = {
  defaults: { method: DEFAULT_METHOD, steps: DEFAULT_STEPS },
  methods: QUALITY_METHODS.map(({ id, label }) => ({ id, label })),
  tuning: ALL_TUNING.map(({ id, label }) => ({
    id,
    label,
  })),
  /** POINTING_TOLERANCE, for the table's heading. */
  pointingTolerance: POINTING_TOLERANCE,
  evaluate,
  picture,
};
window.quality = api;
document.title = 'quality bench ready';
