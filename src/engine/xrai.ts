// XRAI (Kapishnikov et al. 2019, "XRAI: Better Attributions Through Regions"), as PAIR saliency's
// `saliency/core/xrai.py` computes it: the image is segmented at several scales (Felzenszwalb's
// graph segmentation on the image resized to 224x224 and scaled to [-1, 1]), every segment is
// dilated, and regions are added greedily, each time the one whose not-yet-covered pixels have
// the highest mean attribution (PAIR's `_xrai`, algorithm "full"). Each pixel's score is the gain
// of the region that covered it. Plain arrays, no TF.js.
import { gridGraph, segmentGraph, type PixelGrid } from './felzenszwalb.js';

/** PAIR's `_FELZENSZWALB_SCALE_VALUES`, `_SIGMA_VALUES` and `_MIN_SEGMENT_SIZE`. */
export const XRAI_SCALES = [50, 100, 150, 250, 500, 1200] as const;
export const XRAI_SIGMA = 0.8;
export const XRAI_MIN_SEGMENT_SIZE = 150;
/** PAIR segments at 224x224 whatever the model's size, so that the scales mean the same. */
export const XRAI_SEGMENTATION_SIZE = 224;

export interface XraiOptions {
  scales?: readonly number[];
  /**
   * Disk radius by which each segment grows (PAIR: 5 on the model's grid). Default: 5 at 224
   * pixels across, in proportion on other grids (PAIR keeps 5, which on a 64x64 model's grid
   * would grow each segment by 8% of the image).
   */
  dilationRadius?: number;
  /** A region adding fewer new pixels than this is dropped (PAIR: 50; default: 50 per 224x224). */
  minPixelDiff?: number;
}

export interface XraiResult {
  /** h*w: each pixel the gain (mean attribution of the pixels it added) of its region. */
  regionMap: Float32Array;
  /** h*w: each pixel its region's rank, 1 = the most important (PAIR's integer segments). */
  ranks: Int32Array;
  /** How many regions were ranked (the last may be the uncovered rest). */
  regions: number;
}

/** Bilinear resize of a [h][w][c] grid (pixel centres aligned, edges clamped). */
export function resizeBilinear(image: PixelGrid, height: number, width: number): PixelGrid {
  const { data, channels } = image;
  const out = new Float32Array(height * width * channels);
  const sy = image.height / height;
  const sx = image.width / width;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), image.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, image.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), image.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, image.width - 1);
      const wx = fx - x0;
      for (let c = 0; c < channels; c++) {
        const at = (yy: number, xx: number) => data[(yy * image.width + xx) * channels + c];
        const top = at(y0, x0) * (1 - wx) + at(y0, x1) * wx;
        const bottom = at(y1, x0) * (1 - wx) + at(y1, x1) * wx;
        out[(y * width + x) * channels + c] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return { data: out, height, width, channels };
}

/** Nearest-neighbour resize of a label map (skimage's `resize(order=0)`). */
function resizeLabels(
  labels: Int32Array,
  from: { height: number; width: number },
  height: number,
  width: number,
): Int32Array {
  if (from.height === height && from.width === width) return labels;
  const out = new Int32Array(height * width);
  const sy = from.height / height;
  const sx = from.width / width;
  for (let y = 0; y < height; y++) {
    const yy = Math.min(from.height - 1, Math.max(0, Math.round((y + 0.5) * sy - 0.5)));
    for (let x = 0; x < width; x++) {
      const xx = Math.min(from.width - 1, Math.max(0, Math.round((x + 0.5) * sx - 0.5)));
      out[y * width + x] = labels[yy * from.width + xx];
    }
  }
  return out;
}

/** The image scaled to [-1, 1] by its own minimum and maximum (PAIR's `_normalize_image`). */
function normalize(image: PixelGrid): PixelGrid {
  let min = Infinity;
  let max = -Infinity;
  for (const v of image.data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min;
  const data = image.data.map((v) => (range > 0 ? (2 * (v - min)) / range - 1 : 0));
  return { ...image, data };
}

/**
 * The dilated segments of every scale, as pixel lists (one per segment, scales in order, labels
 * in order, as PAIR's `_unpack_segs_to_masks`), on the image's own grid.
 */
export function xraiSegments(image: PixelGrid, options: XraiOptions = {}): Int32Array[] {
  const { height, width } = image;
  const size = XRAI_SEGMENTATION_SIZE;
  const resized = resizeBilinear(normalize(image), size, size);
  const graph = gridGraph(resized, XRAI_SIGMA);
  const radius = options.dilationRadius ?? defaultDilation(height, width);
  const disk: number[][] = [];
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      if (dx * dx + dy * dy <= radius * radius) disk.push([dy, dx]);
    }
  }
  const masks: Int32Array[] = [];
  for (const scale of options.scales ?? XRAI_SCALES) {
    const segmented = segmentGraph(graph, scale, XRAI_MIN_SEGMENT_SIZE);
    const labels = resizeLabels(segmented.labels, resized, height, width);
    masks.push(...dilate(labels, segmented.count, height, width, disk));
  }
  return masks;
}

/**
 * Each label's pixels grown by `disk` (skimage's `dilation` of each mask): a pixel joins label k
 * when a pixel of k lies in the disk around it, and the nearest such pixel is on k's boundary, so
 * only boundary pixels are spread. Labels that nearest-neighbour resizing lost are dropped (PAIR's
 * empty masks fall to its min_pixel_diff).
 */
function dilate(
  labels: Int32Array,
  count: number,
  height: number,
  width: number,
  disk: readonly number[][],
): Int32Array[] {
  const n = height * width;
  const boundary = new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const k = labels[p];
      for (let dy = -1; dy <= 1 && !boundary[p]; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
          if (labels[yy * width + xx] !== k) {
            boundary[p] = 1;
            break;
          }
        }
      }
    }
  }
  // Pixels of each label in one array (counting sort), boundary pixels first.
  const start = new Int32Array(count + 1);
  for (let p = 0; p < n; p++) start[labels[p] + 1]++;
  for (let k = 0; k < count; k++) start[k + 1] += start[k];
  const members = new Int32Array(n);
  const fill = start.slice(0, count);
  for (const pass of [1, 0]) {
    for (let p = 0; p < n; p++) if (boundary[p] === pass) members[fill[labels[p]]++] = p;
  }
  const mark = new Int32Array(n).fill(-1);
  const buffer = new Int32Array(n);
  const masks: Int32Array[] = [];
  for (let k = 0; k < count; k++) {
    let length = 0;
    for (let i = start[k]; i < start[k + 1]; i++) {
      mark[members[i]] = k;
      buffer[length++] = members[i];
    }
    for (let i = start[k]; i < start[k + 1]; i++) {
      const q = members[i];
      if (!boundary[q]) break;
      const qy = Math.floor(q / width);
      const qx = q - qy * width;
      for (const [dy, dx] of disk) {
        const yy = qy + dy;
        const xx = qx + dx;
        if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
        const p = yy * width + xx;
        if (mark[p] === k) continue;
        mark[p] = k;
        buffer[length++] = p;
      }
    }
    if (length > 0) masks.push(buffer.slice(0, length));
  }
  return masks;
}

function defaultDilation(height: number, width: number): number {
  return Math.max(1, Math.round((5 * Math.sqrt(height * width)) / XRAI_SEGMENTATION_SIZE));
}

function defaultMinPixelDiff(height: number, width: number): number {
  return Math.max(1, Math.round((50 * height * width) / XRAI_SEGMENTATION_SIZE ** 2));
}

/**
 * PAIR's `_xrai` (algorithm "full", area threshold 1): greedily adds the mask whose uncovered
 * pixels have the highest mean attribution; masks adding fewer than `minPixelDiff` pixels are
 * dropped; pixels no mask covered share their own mean. Running sums per mask keep each step
 * linear in the number of masks.
 */
export function rankRegions(
  attribution: Float32Array,
  masks: readonly Int32Array[],
  minPixelDiff: number,
): XraiResult {
  const pixels = attribution.length;
  // Which masks hold each pixel (CSR), for the running sums.
  const counts = new Int32Array(pixels + 1);
  for (const mask of masks) for (let i = 0; i < mask.length; i++) counts[mask[i] + 1]++;
  for (let p = 0; p < pixels; p++) counts[p + 1] += counts[p];
  const holders = new Int32Array(counts[pixels]);
  const fill = counts.slice(0, pixels);
  for (let m = 0; m < masks.length; m++) {
    const mask = masks[m];
    for (let i = 0; i < mask.length; i++) holders[fill[mask[i]]++] = m;
  }
  const uncovered = new Int32Array(masks.length);
  const sums = new Float64Array(masks.length);
  for (let m = 0; m < masks.length; m++) {
    const mask = masks[m];
    uncovered[m] = mask.length;
    for (let i = 0; i < mask.length; i++) sums[m] += attribution[mask[i]];
  }
  const alive = new Uint8Array(masks.length).fill(1);
  const covered = new Uint8Array(pixels);
  const regionMap = new Float32Array(pixels);
  const ranks = new Int32Array(pixels);
  const gains: number[] = [];
  for (;;) {
    let best = -1;
    let bestGain = -Infinity;
    for (let m = 0; m < masks.length; m++) {
      if (!alive[m]) continue;
      if (uncovered[m] < minPixelDiff) {
        alive[m] = 0;
        continue;
      }
      const gain = sums[m] / uncovered[m];
      if (gain > bestGain) {
        bestGain = gain;
        best = m;
      }
    }
    if (best < 0) break;
    alive[best] = 0;
    const region = gains.length;
    gains.push(bestGain);
    const mask = masks[best];
    for (let j = 0; j < mask.length; j++) {
      const p = mask[j];
      if (covered[p]) continue;
      covered[p] = 1;
      regionMap[p] = bestGain;
      ranks[p] = region;
      for (let i = counts[p]; i < counts[p + 1]; i++) {
        uncovered[holders[i]]--;
        sums[holders[i]] -= attribution[p];
      }
    }
  }
  // Ranks by gain, highest first (PAIR sorts its trace by gain: greedy gains need not fall).
  const order = gains.map((_, i) => i).sort((a, b) => gains[b] - gains[a] || a - b);
  const rankOf = new Int32Array(gains.length);
  order.forEach((region, rank) => (rankOf[region] = rank + 1));
  // The rest, ranked last as PAIR does: one region at its own mean, so that the map sums to the
  // attribution's sum.
  let restSum = 0;
  let restCount = 0;
  for (let p = 0; p < pixels; p++) {
    if (!covered[p]) {
      restSum += attribution[p];
      restCount++;
    }
  }
  for (let p = 0; p < pixels; p++) {
    if (covered[p]) {
      ranks[p] = rankOf[ranks[p]];
    } else {
      regionMap[p] = restSum / restCount;
      ranks[p] = gains.length + 1;
    }
  }
  const regions = gains.length + (restCount > 0 ? 1 : 0);
  return { regionMap, ranks, regions };
}

/**
 * XRAI's region map for per-pixel attributions `attribution` (h*w; PAIR takes the maximum over
 * channels) of `image` (the model's input, [h][w][c], any value range).
 */
export function xrai(
  attribution: Float32Array,
  image: PixelGrid,
  options: XraiOptions = {},
): XraiResult {
  const { height, width } = image;
  if (attribution.length !== height * width) {
    throw new RangeError(`xrai: ${attribution.length} attributions for a ${width}x${height} image`);
  }
  const masks = xraiSegments(image, options);
  return rankRegions(
    attribution,
    masks,
    options.minPixelDiff ?? defaultMinPixelDiff(height, width),
  );
}

/** Per-pixel attribution for XRAI from [h][w][c] attributions: the maximum over channels (PAIR). */
export function maxOverChannels(attributions: Float32Array, channels: number): Float32Array {
  const out = new Float32Array(attributions.length / channels);
  for (let p = 0; p < out.length; p++) {
    let max = -Infinity;
    for (let c = 0; c < channels; c++) max = Math.max(max, attributions[p * channels + c]);
    out[p] = max;
  }
  return out;
}

/**
 * The region map of an explanation: XRAI over `attributions` ([h][w][c], the maximum over
 * channels as PAIR) of the image `pixels` ([h][w][c]) on the model's input grid.
 */
export function xraiRegionMap(
  attributions: Float32Array,
  pixels: Float32Array,
  [height, width, channels]: readonly [number, number, number],
): Float32Array {
  const image = { data: pixels, height, width, channels };
  return xrai(maxOverChannels(attributions, channels), image).regionMap;
}
