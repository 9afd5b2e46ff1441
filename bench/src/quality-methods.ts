// The methods `npm run bench:quality` compares: one entry each, in table order. An entry computes
// one per-pixel map for the explained class from what the context offers: `explain` runs the
// engine's own attribution (src/engine/attribution.ts: a path, a baseline list, SmoothGrad's
// noisy copies), memoized per image, so that XRAI over an attribution reuses the run it explains.
// The driver and the table follow this list; nothing else changes.
import { xraiRegionMap } from '../../src/engine/xrai.js';
import type { IgPathKind } from '../../src/shared/paths.js';
import type { IgBaselineKind } from '../../src/shared/types.js';

/** The attributions of one explanation, [h][w][c] on the model-input grid. */
export interface Attribution {
  attributions: Float32Array;
  /** |sum - (f(x) - f(x'))| / |f(x) - f(x')|, f(x') averaged over the baselines; null if none. */
  relativeError: number | null;
}

/** One engine attribution: what `attribute()` takes besides the model, image and target. */
export interface ExplainOptions {
  path: IgPathKind;
  /** Ignored by Blur IG (its start is the maximally blurred image). Default: black. */
  baselines?: readonly IgBaselineKind[];
  /** SmoothGrad's noisy copies (0: none) and their std, a fraction of the image's range. */
  noiseSamples?: number;
  noiseLevel?: number;
  /** Blur IG's largest sigma in model pixels (default the engine's, PAIR's 50). */
  blurSigma?: number;
}

export interface MethodContext {
  /** [h, w, c] of the model-input grid. */
  shape: [number, number, number];
  /** The image on that grid, [h][w][c] on [0, 1]. */
  pixels: Float32Array;
  /** IG of the explained class, averaged over one run per baseline (memoized per image). */
  ig(baselines: readonly IgBaselineKind[]): Promise<Attribution>;
  /** The engine's attribution (src/engine/attribution.ts) with these options (memoized per image). */
  explain(options: ExplainOptions): Promise<Attribution>;
  /** Plain gradient x input of the explained class. */
  gradientTimesInput(): Promise<Attribution>;
  /** Seeded uniform noise, h*w values on [0, 1): a map that knows nothing. */
  noise(): Float32Array;
}

export interface MethodMaps {
  /** h*w, signed: what the pointing game, the positive mass and the pixel order use. */
  map: Float32Array;
  /** h*w, non-negative: the absolute mass. */
  abs: Float32Array;
  /** h*w: the pixel order of the insertion and deletion curves, highest first (default: map). */
  order?: Float32Array;
  relativeError: number | null;
}

export interface QualityMethod {
  id: string;
  label: string;
  run(ctx: MethodContext): Promise<MethodMaps>;
}

/** Channels summed per pixel: signed, and of absolute values (the element's default mask). */
export function channelMaps({ attributions, relativeError }: Attribution): MethodMaps {
  const pixels = attributions.length / 3;
  const map = new Float32Array(pixels);
  const abs = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) {
      map[p] += attributions[3 * p + c];
      abs[p] += Math.abs(attributions[3 * p + c]);
    }
  }
  return { map, abs, relativeError };
}

/** XRAI's region map of each attribution (a few seconds each): the methods over one run share it. */
const regionMaps = new WeakMap<Attribution, Float32Array>();

/** XRAI's region map over `base` (the engine's own call, as `regions: true` makes it). */
export function xraiMap(ctx: MethodContext, base: Attribution): MethodMaps {
  let map = regionMaps.get(base);
  if (!map) {
    map = xraiRegionMap(base.attributions, ctx.pixels, ctx.shape);
    regionMaps.set(base, map);
  }
  return { map, abs: map.map(Math.abs), relativeError: null };
}

/**
 * Only the top `share` of the image's area by XRAI rank, the rest 0: the view PAIR's XRAI example
 * draws (`xrai > np.percentile(xrai, 100 - share)`), and what the element's `masked` view shows.
 * The curves keep the region map's order.
 */
export function topArea(maps: MethodMaps, share: number): MethodMaps {
  const sorted = Float32Array.from(maps.map).sort();
  const threshold = sorted[Math.floor((1 - share) * (sorted.length - 1))];
  const map = maps.map.map((v) => (v >= threshold ? v : 0));
  return { map, abs: map.map(Math.abs), order: maps.map, relativeError: null };
}

/**
 * The attribution itself, kept only inside the XRAI regions that cover the top `share` of the
 * area (PAIR's XRAI example's mask applied to the pixel map): regions choose where, pixels rank
 * within them.
 */
export async function gatedByRegions(
  ctx: MethodContext,
  options: ExplainOptions,
  share: number,
): Promise<MethodMaps> {
  const base = await ctx.explain(options);
  const pixels = channelMaps(base);
  const regions = topArea(xraiMap(ctx, base), share).map;
  const map = pixels.map.map((v, p) => (regions[p] > 0 ? v : 0));
  const abs = pixels.abs.map((v, p) => (regions[p] > 0 ? v : 0));
  return { map, abs, relativeError: null };
}

/**
 * `gatedByRegions` with the pixel map optionally blurred by `smooth` px afterwards (a reading of
 * the map, as the top-area threshold is).
 */
export async function gatedAndSmoothed(
  ctx: MethodContext,
  options: ExplainOptions,
  share: number,
  smooth = 0,
): Promise<MethodMaps> {
  const gated = await gatedByRegions(ctx, options, share);
  if (!smooth) return gated;
  return {
    map: blurMap(gated.map, ctx.shape, smooth),
    abs: blurMap(gated.abs, ctx.shape, smooth),
    relativeError: null,
  };
}

/** `map` (h*w) under a Gaussian blur of `sigma` pixels (separable, edges clamped). */
export function blurMap(map: Float32Array, [h, w]: readonly number[], sigma: number): Float32Array {
  const radius = Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, i) =>
    Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)),
  );
  const total = kernel.reduce((a, b) => a + b, 0);
  const pass = (src: Float32Array, horizontal: boolean) => {
    const out = new Float32Array(src.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let sum = 0;
        for (let k = -radius; k <= radius; k++) {
          const yy = horizontal ? y : Math.min(h - 1, Math.max(0, y + k));
          const xx = horizontal ? Math.min(w - 1, Math.max(0, x + k)) : x;
          sum += kernel[k + radius] * src[yy * w + xx];
        }
        out[y * w + x] = sum / total;
      }
    }
    return out;
  };
  return pass(pass(map, true), false);
}

/** SmoothGrad's noisy copies in the bench's rows (PAIR's default nsamples is 15). */
export const SMOOTHGRAD_SAMPLES = 16;
const BLACK_WHITE: ExplainOptions = { path: 'straight', baselines: ['black', 'white'] };
const BLUR_IG: ExplainOptions = { path: 'blur' };
const BLUR_IG_S10: ExplainOptions = { path: 'blur', blurSigma: 10 };
const SMOOTH_IG: ExplainOptions = {
  path: 'straight',
  baselines: ['black'],
  noiseSamples: SMOOTHGRAD_SAMPLES,
};
const SMOOTH_BLUR_IG: ExplainOptions = { path: 'blur', noiseSamples: SMOOTHGRAD_SAMPLES };
/** Tuned on the validation split (quality-tuning.ts): `noise-level="0.1"` (the default is 0.15). */
const SMOOTH_BLUR_IG_N01: ExplainOptions = { ...SMOOTH_BLUR_IG, noiseLevel: 0.1 };

export const QUALITY_METHODS: readonly QualityMethod[] = [
  {
    id: 'ig-black',
    label: 'IG, black baseline',
    run: async (ctx) => channelMaps(await ctx.ig(['black'])),
  },
  {
    id: 'ig-blur',
    label: 'IG, blur baseline',
    run: async (ctx) => channelMaps(await ctx.ig(['blur'])),
  },
  {
    // The engine's baseline list: the mean of one IG per baseline.
    id: 'ig-black-white',
    label: 'IG, baselines black + white',
    run: async (ctx) => channelMaps(await ctx.explain(BLACK_WHITE)),
  },
  {
    id: 'blur-ig',
    label: 'Blur IG',
    run: async (ctx) => channelMaps(await ctx.explain(BLUR_IG)),
  },
  {
    id: 'guided-ig',
    label: 'Guided IG, black',
    run: async (ctx) => channelMaps(await ctx.explain({ path: 'guided', baselines: ['black'] })),
  },
  {
    id: 'smoothgrad-ig',
    label: `SmoothGrad (${SMOOTHGRAD_SAMPLES}) over IG, black`,
    run: async (ctx) => channelMaps(await ctx.explain(SMOOTH_IG)),
  },
  {
    id: 'smoothgrad-blur-ig',
    label: `SmoothGrad (${SMOOTHGRAD_SAMPLES}) over Blur IG`,
    run: async (ctx) => channelMaps(await ctx.explain(SMOOTH_BLUR_IG)),
  },
  {
    id: 'gradient-x-input',
    label: 'gradient x input',
    run: async (ctx) => channelMaps(await ctx.gradientTimesInput()),
  },
  {
    // PAIR saliency's XRAI default: IG from black and white, averaged.
    id: 'xrai-black-white',
    label: 'XRAI over IG black + white',
    run: async (ctx) => xraiMap(ctx, await ctx.explain(BLACK_WHITE)),
  },
  {
    id: 'xrai-blur-ig',
    label: 'XRAI over Blur IG',
    run: async (ctx) => xraiMap(ctx, await ctx.explain(BLUR_IG)),
  },
  {
    id: 'xrai-smoothgrad-blur-ig',
    label: `XRAI over SmoothGrad (${SMOOTHGRAD_SAMPLES}) Blur IG`,
    run: async (ctx) => xraiMap(ctx, await ctx.explain(SMOOTH_BLUR_IG)),
  },
  {
    id: 'xrai-black',
    label: 'XRAI over IG, black',
    run: async (ctx) => xraiMap(ctx, await ctx.ig(['black'])),
  },
  {
    id: 'xrai-blur',
    label: 'XRAI over IG, blur',
    run: async (ctx) => xraiMap(ctx, await ctx.ig(['blur'])),
  },
  {
    id: 'xrai-black-white-top20',
    label: 'XRAI over IG black + white, top 20% area',
    run: async (ctx) => topArea(xraiMap(ctx, await ctx.explain(BLACK_WHITE)), 0.2),
  },
  {
    id: 'xrai-blur-top20',
    label: 'XRAI over IG blur, top 20% area',
    run: async (ctx) => topArea(xraiMap(ctx, await ctx.ig(['blur'])), 0.2),
  },
  {
    // Tuned on the validation split (scripts/bench-quality.mjs --split val; quality-tuning.ts):
    // Blur IG's max sigma 10 px (of the 64 px grid) and XRAI's top 10% of the area.
    id: 'xrai-blur-ig-s10-top10',
    label: 'XRAI over Blur IG (sigma 10), top 10% area (tuned on val)',
    run: async (ctx) => topArea(xraiMap(ctx, await ctx.explain(BLUR_IG_S10)), 0.1),
  },
  {
    id: 'blur-ig-s10-in-xrai-top10',
    label: "Blur IG (sigma 10) inside XRAI's top 10% area (tuned on val)",
    run: async (ctx) => gatedByRegions(ctx, BLUR_IG_S10, 0.1),
  },
  {
    // Tuned on the validation split too: the pixel map blurred by 1 px before the gate.
    id: 'blur-ig-s10-smooth1-in-xrai-top10',
    label: "Blur IG (sigma 10), map blurred 1 px, inside XRAI's top 10% area (tuned on val)",
    run: (ctx) => gatedAndSmoothed(ctx, BLUR_IG_S10, 0.1, 1),
  },
  {
    // What the element runs as `path="blur" noise-samples="16" regions` (every setting an
    // attribute), its pixel map kept inside the XRAI regions (ranked over that same map) that
    // cover the top 10% of the area.
    id: 'smoothgrad-blur-ig-in-xrai-top10',
    label: `SmoothGrad (${SMOOTHGRAD_SAMPLES}) over Blur IG inside XRAI's top 10% area`,
    run: (ctx) => gatedByRegions(ctx, SMOOTH_BLUR_IG, 0.1),
  },
  {
    // Tuned on the validation split: noise level 0.1 and the top 5% of the area (the most mass
    // among equal pointing games there).
    id: 'smoothgrad-blur-ig-n0.1-in-xrai-top5',
    label: `SmoothGrad (${SMOOTHGRAD_SAMPLES}, noise 0.1) over Blur IG inside XRAI's top 5% area (tuned on val)`,
    run: (ctx) => gatedByRegions(ctx, SMOOTH_BLUR_IG_N01, 0.05),
  },
  {
    id: 'smoothgrad-blur-ig-n0.1-in-xrai-top10',
    label: `SmoothGrad (${SMOOTHGRAD_SAMPLES}, noise 0.1) over Blur IG inside XRAI's top 10% area (tuned on val)`,
    run: (ctx) => gatedByRegions(ctx, SMOOTH_BLUR_IG_N01, 0.1),
  },
  {
    // Chosen on the validation split (quality-tuning.ts EDGE_TUNING, `tune-sgb32-top10`) over
    // SmoothGrad over IG from black + white: `noise-samples="32"`, the rest as above.
    id: 'smoothgrad32-blur-ig-in-xrai-top10',
    label: "SmoothGrad (32) over Blur IG inside XRAI's top 10% area (chosen on val)",
    run: (ctx) => gatedByRegions(ctx, { ...SMOOTH_BLUR_IG, noiseSamples: 32 }, 0.1),
  },
  {
    // The reference: a map that knows nothing scores the object's area share on mass and
    // pointing, and its pixel order is random for insertion and deletion.
    id: 'random-map',
    label: 'random map (reference)',
    run: (ctx) => {
      const map = ctx.noise();
      return Promise.resolve({ map, abs: map, relativeError: null });
    },
  },
];
