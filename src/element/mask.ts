// Attributions -> the per-pixel mask the element draws. Typed arrays only: a 224x224 mask takes a
// few milliseconds on the main thread.
import quickselect from 'quickselect';
import type { IgColormap, IgPolarity } from '../shared/types.js';
import { colormapLut } from './colormaps.js';

export interface MaskOptions {
  polarity: IgPolarity;
  /** Values above this percentile of |value| are clipped (PAIR saliency's VisualizeImageGrayscale). */
  clipPercentile: number;
  colormap: IgColormap;
}

/**
 * One value per pixel of a row-major [h][w][c] array, summed over channels:
 * `absolute` = sum |a| (the tutorial's mask), `positive` = sum of the positive parts,
 * `negative` = magnitude of the sum of the negative parts.
 * With `signed` (the diverging map), `absolute` keeps the sign of the net sum and `negative` is
 * returned as negative values, so blue means "pushes the score down".
 */
export function attributionMap(
  attributions: Float32Array,
  shape: readonly [number, number, number],
  polarity: IgPolarity,
  signed = false,
): Float32Array {
  const [h, w, c] = shape;
  const map = new Float32Array(h * w);
  for (let p = 0, i = 0; p < map.length; p++) {
    let sum = 0;
    for (let k = 0; k < c; k++, i++) {
      const a = attributions[i];
      if (polarity === 'absolute') sum += signed ? a : Math.abs(a);
      else if (polarity === 'positive') sum += a > 0 ? a : 0;
      else sum += a < 0 ? (signed ? a : -a) : 0;
    }
    map[p] = sum;
  }
  return map;
}

/**
 * The p-th percentile (0..100) of |values|, with numpy's default linear interpolation. The two
 * order statistics it needs are selected, not sorted for (quickselect): a 224x224 mask's sort
 * took ~10 ms of the main thread per coarse map drawn, the selection ~1 ms.
 */
export function percentile(values: Float32Array, p: number): number {
  const n = values.length;
  if (n === 0) return 0;
  const magnitudes = new Float32Array(n);
  for (let i = 0; i < n; i++) magnitudes[i] = Math.abs(values[i]);
  const x = (p / 100) * (n - 1);
  const lo = Math.floor(x);
  // After the selection every value past `lo` is at least the lo-th: the next is their minimum.
  quickselect(magnitudes as unknown as number[], lo);
  let next = magnitudes[lo];
  if (lo + 1 < n) {
    next = Infinity;
    for (let i = lo + 1; i < n; i++) if (magnitudes[i] < next) next = magnitudes[i];
  }
  return magnitudes[lo] + (next - magnitudes[lo]) * (x - lo);
}

/**
 * Scales values by the clip-percentile of |values| into [-1, 1] (or [0, 1] for non-negative maps),
 * clipping what lies beyond. Zero stays zero, so "no attribution" is always the map's low end
 * (or its centre for signed maps). When the percentile is 0 (sparse maps) the maximum is used.
 */
export function normalizeMap(
  map: Float32Array,
  clipPercentile: number,
  scaleFrom: Float32Array = map,
): Float32Array {
  let scale = percentile(scaleFrom, clipPercentile);
  if (!(scale > 0)) scale = percentile(scaleFrom, 100);
  const out = new Float32Array(map.length);
  if (!(scale > 0)) return out;
  for (let i = 0; i < map.length; i++) {
    const v = map[i] / scale;
    out[i] = v > 1 ? 1 : v < -1 ? -1 : v;
  }
  return out;
}

/** Opaque RGBA pixels of a normalised map; signed maps put 0 at the colour map's centre. */
export function colorizeMap(
  normalized: Float32Array,
  width: number,
  height: number,
  colormap: IgColormap,
  signed: boolean,
): ImageData {
  const lut = colormapLut(colormap);
  const image = new ImageData(width, height);
  const data = image.data;
  for (let p = 0, o = 0; p < normalized.length; p++, o += 4) {
    const t = signed ? (normalized[p] + 1) / 2 : normalized[p];
    const i = Math.round(t * 255) * 3;
    data[o] = lut[i];
    data[o + 1] = lut[i + 1];
    data[o + 2] = lut[i + 2];
    data[o + 3] = 255;
  }
  return image;
}

/**
 * The mask of an IG result as drawn by the element; with `scaleOf`, on the scale (clip
 * percentile) of that other attribution instead (the path view's accumulated attribution, on the
 * final mask's scale, so that it grows into the final mask along the path).
 */
export function renderMask(
  attributions: Float32Array,
  shape: readonly [number, number, number],
  options: MaskOptions,
  scaleOf?: Float32Array,
): ImageData {
  return finished(renderMaskSteps(attributions, shape, options, scaleOf));
}

/**
 * renderMask in steps: the generator yields between the per-pixel map, the clip scale and the
 * colours, where its caller may end the task (MaskPainter draws a new map over a few tasks, each
 * a few milliseconds, rather than one that a wait for a core can stretch past 50 ms).
 */
export function* renderMaskSteps(
  attributions: Float32Array,
  shape: readonly [number, number, number],
  options: MaskOptions,
  scaleOf?: Float32Array,
): Generator<void, ImageData> {
  const signed = options.colormap === 'diverging';
  const map = attributionMap(attributions, shape, options.polarity, signed);
  const scaleMap = scaleOf && attributionMap(scaleOf, shape, options.polarity, signed);
  yield;
  const normalized = normalizeMap(map, options.clipPercentile, scaleMap);
  yield;
  return colorizeMap(normalized, shape[1], shape[0], options.colormap, signed);
}

/** Runs `steps` to its end, in this task: its result. */
export function finished<T>(steps: Generator<void, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
