// Felzenszwalb & Huttenlocher's graph segmentation ("Efficient graph-based image segmentation",
// IJCV 2004), as scikit-image's `segmentation.felzenszwalb` computes it (PAIR saliency's XRAI
// calls that): Gaussian smoothing per channel, an 8-connected grid graph weighted by the colour
// distance of neighbours, Kruskal-style merging with the threshold `scale / size`, then merging
// of segments under `minSize`. Plain arrays, no TF.js: it runs after the attribution, on the CPU.
// No npm package does this (the registry has none for images).

/** A row-major image `[height][width][channels]` of floats. */
export interface PixelGrid {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

export interface FelzenszwalbOptions {
  /** Higher: larger segments. On the scale of skimage's `scale` (it divides by 255). */
  scale: number;
  /** Standard deviation of the Gaussian smoothing before the graph is built. */
  sigma: number;
  /** Segments smaller than this many pixels are merged into a neighbour. */
  minSize: number;
}

/** The weighted grid graph of one smoothed image: edges sorted by weight, shared by every scale. */
export interface GridGraph {
  pixels: number;
  /** Edge e joins pixels `from[e]` and `to[e]`; weights ascending. */
  from: Int32Array;
  to: Int32Array;
  weight: Float64Array;
}

/**
 * Smooths each channel with a Gaussian of `sigma` (scipy's `gaussian_filter`: truncated at 4
 * sigma, `reflect` edges, as skimage), separably.
 */
export function gaussianSmooth(image: PixelGrid, sigma: number): Float32Array {
  const { data, height, width, channels } = image;
  if (sigma <= 0) return Float32Array.from(data);
  const radius = Math.floor(4 * sigma + 0.5);
  const kernel = new Float64Array(2 * radius + 1);
  let total = 0;
  for (let i = -radius; i <= radius; i++) {
    kernel[i + radius] = Math.exp((-0.5 * i * i) / (sigma * sigma));
    total += kernel[i + radius];
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] /= total;
  // scipy's 'reflect' (d c b a | a b c d | d c b a): the edge pixel is repeated. Index tables per
  // axis: taps[(i * taps) + k] is the pixel that tap k of position i reads.
  const reflected = (n: number): Int32Array => {
    const width = 2 * radius + 1;
    const table = new Int32Array(n * width);
    for (let i = 0; i < n; i++) {
      for (let k = -radius; k <= radius; k++) {
        let j = (((i + k) % (2 * n)) + 2 * n) % (2 * n);
        if (j >= n) j = 2 * n - 1 - j;
        table[i * width + k + radius] = j;
      }
    }
    return table;
  };
  const taps = 2 * radius + 1;
  const pass = (src: Float32Array, alongRows: boolean): Float32Array => {
    const out = new Float32Array(src.length);
    const table = reflected(alongRows ? width : height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const base = (alongRows ? x : y) * taps;
        const o = (y * width + x) * channels;
        for (let c = 0; c < channels; c++) {
          let sum = 0;
          for (let k = 0; k < taps; k++) {
            const j = table[base + k];
            sum += kernel[k] * src[(alongRows ? y * width + j : j * width + x) * channels + c];
          }
          out[o + c] = sum;
        }
      }
    }
    return out;
  };
  return pass(pass(data, true), false);
}

/** The 8-connected grid graph of `image` smoothed by `sigma`, edges sorted by colour distance. */
export function gridGraph(image: PixelGrid, sigma: number): GridGraph {
  const { height, width, channels } = image;
  const smooth = gaussianSmooth(image, sigma);
  const pixels = height * width;
  const capacity = 4 * pixels;
  const from = new Int32Array(capacity);
  const to = new Int32Array(capacity);
  const weight = new Float64Array(capacity);
  let edges = 0;
  const add = (p: number, q: number) => {
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const d = smooth[p * channels + c] - smooth[q * channels + c];
      sum += d * d;
    }
    from[edges] = p;
    to[edges] = q;
    weight[edges] = Math.sqrt(sum);
    edges++;
  };
  // skimage's four directions: right, down, down-right, up-right.
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (x + 1 < width) add(p, p + 1);
      if (y + 1 < height) add(p, p + width);
      if (x + 1 < width && y + 1 < height) add(p, p + width + 1);
      if (x + 1 < width && y > 0) add(p, p - width + 1);
    }
  }
  const order = sortByWeight(weight.subarray(0, edges));
  const sorted: GridGraph = {
    pixels,
    from: new Int32Array(edges),
    to: new Int32Array(edges),
    weight: new Float64Array(edges),
  };
  for (let i = 0; i < edges; i++) {
    sorted.from[i] = from[order[i]];
    sorted.to[i] = to[order[i]];
    sorted.weight[i] = weight[order[i]];
  }
  return sorted;
}

/**
 * The permutation that sorts non-negative `weights` ascending, ties by index: an LSD radix sort
 * on the float32 bit patterns (monotone for non-negative floats), two 16-bit passes. A comparator
 * sort of the ~200,000 edges of a 224x224 image takes several times longer.
 */
function sortByWeight(weights: Float64Array): Uint32Array {
  const n = weights.length;
  const keys = new Uint32Array(new Float32Array(weights).buffer);
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let next = new Uint32Array(n);
  for (const shift of [0, 16]) {
    const counts = new Uint32Array(65537);
    for (let i = 0; i < n; i++) counts[((keys[i] >>> shift) & 0xffff) + 1]++;
    for (let d = 0; d < 65536; d++) counts[d + 1] += counts[d];
    for (let i = 0; i < n; i++) {
      const e = order[i];
      next[counts[(keys[e] >>> shift) & 0xffff]++] = e;
    }
    [order, next] = [next, order];
  }
  return order;
}

/**
 * Segments a grid graph at one scale: labels 0..count-1 per pixel, numbered in raster order of
 * each segment's first pixel (as skimage numbers them).
 */
export function segmentGraph(
  graph: GridGraph,
  scale: number,
  minSize: number,
): { labels: Int32Array; count: number } {
  const { pixels, from, to, weight } = graph;
  const parent = new Int32Array(pixels);
  for (let p = 0; p < pixels; p++) parent[p] = p;
  const size = new Int32Array(pixels).fill(1);
  const inner = new Float64Array(pixels);
  const find = (p: number): number => {
    let root = p;
    while (parent[root] !== root) root = parent[root];
    while (parent[p] !== root) {
      const next = parent[p];
      parent[p] = root;
      p = next;
    }
    return root;
  };
  // The smaller index becomes the root, as in skimage.
  const join = (a: number, b: number): number => {
    const root = Math.min(a, b);
    parent[a] = root;
    parent[b] = root;
    size[root] = size[a] + size[b];
    return root;
  };
  // skimage rescales `scale` to behave like the reference implementation on [0, 255] images.
  const k = scale / 255;
  for (let e = 0; e < from.length; e++) {
    const a = find(from[e]);
    const b = find(to[e]);
    if (a === b) continue;
    const threshold = Math.min(inner[a] + k / size[a], inner[b] + k / size[b]);
    if (weight[e] < threshold) inner[join(a, b)] = weight[e];
  }
  for (let e = 0; e < from.length; e++) {
    const a = find(from[e]);
    const b = find(to[e]);
    if (a !== b && (size[a] < minSize || size[b] < minSize)) join(a, b);
  }
  const labels = new Int32Array(pixels);
  const numbering = new Int32Array(pixels).fill(-1);
  let count = 0;
  for (let p = 0; p < pixels; p++) {
    const root = find(p);
    if (numbering[root] < 0) numbering[root] = count++;
    labels[p] = numbering[root];
  }
  return { labels, count };
}

/** skimage's `felzenszwalb(image, scale, sigma, min_size)` for one image and one scale. */
export function felzenszwalb(
  image: PixelGrid,
  options: FelzenszwalbOptions,
): { labels: Int32Array; count: number } {
  return segmentGraph(gridGraph(image, options.sigma), options.scale, options.minSize);
}
