// Variants of the quality list's methods whose hyperparameters (Blur IG's sigma, SmoothGrad's
// noise level and samples, XRAI's shown area) are tuned on the validation split
// (`npm run bench:quality -- --split val --methods tune-...`), never on the held-out test images.
// Not in the table unless named with --methods.
import {
  SMOOTHGRAD_SAMPLES,
  type MethodContext,
  type MethodMaps,
  channelMaps,
  topArea,
  xraiMap,
  type ExplainOptions,
  type QualityMethod,
} from './quality-methods.js';

const variant = (id: string, label: string, options: ExplainOptions): QualityMethod => ({
  id,
  label,
  run: async (ctx) => channelMaps(await ctx.explain(options)),
});

const smoothBlur = (extra: Partial<ExplainOptions>): ExplainOptions => ({
  path: 'blur',
  noiseSamples: SMOOTHGRAD_SAMPLES,
  ...extra,
});

/**
 * The attribution itself, kept only inside the XRAI regions that cover the top `share` of the
 * area (PAIR's XRAI example's mask applied to the pixel map): regions choose where, pixels rank
 * within them.
 */
async function gatedByRegions(
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

const gated = (id: string, label: string, options: ExplainOptions, share: number) => ({
  id,
  label,
  run: (ctx: MethodContext) => gatedByRegions(ctx, options, share),
});

export const TUNING_METHODS: readonly QualityMethod[] = [
  ...[0.1, 0.2].flatMap((share) => [
    gated(
      `tune-gated-blur-ig-s10-top${share * 100}`,
      `Blur IG (sigma 10) inside XRAI's top ${share * 100}% area`,
      { path: 'blur', blurSigma: 10 },
      share,
    ),
    gated(
      `tune-gated-sg-blur-ig-top${share * 100}`,
      `SmoothGrad Blur IG inside XRAI's top ${share * 100}% area`,
      smoothBlur({}),
      share,
    ),
  ]),
  {
    id: 'tune-xrai-blur-ig-s10-top10',
    label: 'XRAI over Blur IG (sigma 10), top 10% area',
    run: async (ctx) =>
      topArea(xraiMap(ctx, await ctx.explain({ path: 'blur', blurSigma: 10 })), 0.1),
  },
  ...[5, 10, 20].map((sigma) =>
    variant(`tune-blur-ig-s${sigma}`, `Blur IG, max sigma ${sigma}`, {
      path: 'blur',
      blurSigma: sigma,
    }),
  ),
  ...[5, 10].map((sigma) =>
    variant(
      `tune-sg-blur-ig-s${sigma}`,
      `SmoothGrad over Blur IG, max sigma ${sigma}`,
      smoothBlur({ blurSigma: sigma }),
    ),
  ),
  ...[0.05, 0.3].map((level) =>
    variant(
      `tune-sg-blur-ig-n${level}`,
      `SmoothGrad over Blur IG, noise ${level}`,
      smoothBlur({ noiseLevel: level }),
    ),
  ),
  variant('tune-sg64-blur-ig', 'SmoothGrad (64) over Blur IG', smoothBlur({ noiseSamples: 64 })),
  ...[0.1, 0.2].map((share): QualityMethod => ({
    id: `tune-xrai-sg-blur-ig-top${share * 100}`,
    label: `XRAI over SmoothGrad Blur IG, top ${share * 100}% area`,
    run: async (ctx) => topArea(xraiMap(ctx, await ctx.explain(smoothBlur({}))), share),
  })),
];
