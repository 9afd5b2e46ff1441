// The adaptive integration rule: forward-only probes of the explained score along the path,
// then gradient points placed where the score changes (as the non-uniform schedules of
// RiemannOpt, Swain & Singhi 2024), as a trapezoid rule on a grid refined where the score model
// needs it, whose levels nest so that `tolerance` stops at a coarse one and reuses every gradient.
import * as tf from '@tensorflow/tfjs';
import type { IgMethod } from '../shared/types.js';
import { abortError } from '../shared/types.js';
import type { RefinementLevel, Schedule } from './integration-rules.js';
import { explainedOutput } from './gradients.js';
import {
  checkOptions,
  integratedGradients,
  MIN_TOLERANCE_STEPS,
  type IntegratedGradientsOptions,
  type IntegratedGradientsResult,
} from './integrated-gradients.js';
import { monotoneCubic } from './monotone-cubic.js';
import type { Classifier } from './preprocess.js';

/** Forward-only probes: segments of the uniform probe grid on [0, 1]. */
export const ADAPTIVE_PROBES = 4;
/** A probe interval holding more than this share of the score's change is split. */
const SPLIT_SHARE = 0.5;
/** Probe intervals are not split below this width. */
const MIN_PROBE_WIDTH = 1 / 256;
/**
 * A curvature spread uniformly over the path (this share of the score's variation), whatever
 * the score does: the gradient can change where the score does not (opposite pixels
 * cancelling), and a straight score then gives the uniform trapezoid.
 */
const UNIFORM_SHARE = 0.25;
/** Cells of the fine grid on which the score model is tabulated; grid cells go down to one. */
const FINE_CELLS = 2048;

export interface AdaptiveResult extends IntegratedGradientsResult {
  /** Gradient evaluations (forward + backward) the result cost, every level included. */
  evaluations: number;
  /** Forward-only evaluations: the probes that placed the points (the baseline's score among them). */
  probes: number;
}

/** The IG run for `method`: the adaptive rule's, or integratedGradients with a fixed rule. */
export function integratorFor(
  method: IgMethod,
): (
  ...args: Parameters<typeof integratedGradients>
) => Promise<IntegratedGradientsResult & Partial<Pick<AdaptiveResult, 'evaluations' | 'probes'>>> {
  return method === 'adaptive' ? adaptiveIntegratedGradients : integratedGradients;
}

/**
 * Integrated Gradients with the adaptive rule. ADAPTIVE_PROBES forward passes (the baseline's
 * among them; more where a probe interval holds most of the score's change) give the score
 * along the path; adaptiveSchedule places a trapezoid rule of `steps` segments, both ends
 * included, from them. Its levels nest (every other node is the rule with half the segments),
 * so with `tolerance` the run stops at the first level within it (of at least
 * MIN_TOLERANCE_STEPS segments) and every gradient of a coarse level is reused by the finer
 * ones: stopping at n segments costs n + 1 gradients in all. Every forward pass is counted in
 * `probes`, every gradient in `evaluations`. Its weights sum to 1: exact on a linear model.
 */
export async function adaptiveIntegratedGradients(
  classifier: Classifier,
  image: tf.Tensor3D,
  baseline: tf.Tensor3D,
  options: IntegratedGradientsOptions,
): Promise<AdaptiveResult> {
  const { signal, steps } = options;
  if (signal?.aborted) throw abortError();
  checkOptions(image, baseline, options);
  const probeAlphas = Array.from({ length: ADAPTIVE_PROBES + 1 }, (_, j) => j / ADAPTIVE_PROBES);
  // The image's score is known from the prediction: no probe there.
  const known = options.scoreInput;
  const toProbe = known === undefined ? probeAlphas : probeAlphas.slice(0, -1);
  const probed = await probeScores(classifier, image, baseline, toProbe, options);
  const curve = new Map<number, number>(probeAlphas.map((a, j) => [a, probed[j] ?? known!]));
  let probes = toProbe.length;
  probes += await refineProbes(curve, (alphas) =>
    probeScores(classifier, image, baseline, alphas, options),
  );
  const alphas = [...curve.keys()].sort((a, b) => a - b);
  const result = await integratedGradients(classifier, image, baseline, {
    ...options,
    // Both ends are nodes: no forward pass for the ends (the trapezoid's), and the image's
    // score, when known, is the node's own.
    method: 'trapezoid',
    schedule: adaptiveSchedule(
      alphas,
      alphas.map((a) => curve.get(a)!),
      steps,
      { tolerance: options.tolerance ?? null, partials: options.partials ?? false },
    ),
  });
  return { ...result, method: 'adaptive', evaluations: result.path.alphas.length, probes };
}

/**
 * Probes the midpoint of every probe interval that holds more than SPLIT_SHARE of the score's
 * total variation (a step the probes do not resolve: a saturating score), until none does or the
 * intervals reach MIN_PROBE_WIDTH; returns the probes spent.
 */
async function refineProbes(
  curve: Map<number, number>,
  probe: (alphas: number[]) => Promise<number[]>,
): Promise<number> {
  let spent = 0;
  for (;;) {
    const alphas = [...curve.keys()].sort((a, b) => a - b);
    const steps = alphas.slice(1).map((a, k) => Math.abs(curve.get(a)! - curve.get(alphas[k])!));
    const variation = steps.reduce((sum, d) => sum + d, 0);
    const mids = alphas
      .slice(1)
      .map((a, k) => ({ a, k }))
      .filter(
        ({ a, k }) => steps[k] > SPLIT_SHARE * variation && a - alphas[k] > 2 * MIN_PROBE_WIDTH,
      )
      .map(({ a, k }) => (a + alphas[k]) / 2);
    if (mids.length === 0 || variation === 0) return spent;
    const scores = await probe(mids);
    mids.forEach((a, k) => curve.set(a, scores[k]));
    spent += mids.length;
  }
}

/**
 * The explained score at each alpha of `alphas` along the straight path, forward passes only,
 * `2 * batchSize` points at a time (no activations kept for a backward pass).
 */
async function probeScores(
  classifier: Classifier,
  image: tf.Tensor3D,
  baseline: tf.Tensor3D,
  alphas: number[],
  { target, output, batchSize, signal }: IntegratedGradientsOptions,
): Promise<number[]> {
  const explained = explainedOutput(classifier, target, output);
  const scores: number[] = [];
  const chunk = Math.max(1, 2 * batchSize);
  for (let start = 0; start < alphas.length; start += chunk) {
    const values = tf.tidy(() => {
      const a = tf.tensor1d(alphas.slice(start, start + chunk)).reshape([-1, 1, 1, 1]);
      const points = tf.add(
        baseline.expandDims(0),
        tf.mul(a, tf.sub(image, baseline).expandDims(0)),
      );
      const s = explained(points as tf.Tensor4D);
      explained.check();
      return s;
    });
    try {
      scores.push(...(await values.data()));
    } finally {
      values.dispose();
    }
    if (signal?.aborted) throw abortError();
  }
  return scores;
}

/**
 * The adaptive rule with `steps` segments from scores known at `knownAlphas` (increasing, 0 to
 * 1). A coarse grid of `coarse` cells (steps halved while at least MIN_TOLERANCE_STEPS) is made
 * by halving, again and again, the cell where the trapezoid rule is worst on the score model
 * (monotone cubic interpolation of the scores: the sum of the attributions is the quadrature of
 * d score / d alpha), plus a share of curvature spread over the path whatever the score does
 * (the gradient can change where the score does not: opposite pixels cancelling). Every cell is
 * cut into steps / coarse equal segments, and the rule is the trapezoid on those nodes, weight
 * (alpha[i + 1] - alpha[i - 1]) / 2: exact on a constant gradient at every level. Halving every
 * segment nests the rules exactly (a node's weight halves), so the levels are coarse,
 * 2 coarse, ... steps segments, each the trapezoid on every other node of the next.
 */
export function adaptiveSchedule(
  knownAlphas: readonly number[],
  scores: readonly number[],
  steps: number,
  { tolerance = null, partials = false }: { tolerance?: number | null; partials?: boolean } = {},
): Schedule {
  const slope = scoreSlope(knownAlphas, scores);
  // The model's score on the fine grid (trapezoid of its slope per cell), and its variation.
  const score = new Float64Array(FINE_CELLS + 1);
  let variation = 0;
  let previous = slope(0);
  for (let i = 1; i <= FINE_CELLS; i++) {
    const current = slope(i / FINE_CELLS);
    score[i] = score[i - 1] + (previous + current) / (2 * FINE_CELLS);
    variation += Math.abs(previous + current) / (2 * FINE_CELLS);
    previous = current;
  }
  const curvature = variation > 0 ? UNIFORM_SHARE * variation : 1;
  // Cells are dyadic: [lo, lo + 2^-depth], on the fine grid down to one fine cell.
  const badness = (lo: number, hi: number): number => {
    const i = Math.round(lo * FINE_CELLS);
    const j = Math.round(hi * FINE_CELLS);
    if (j - i < 2) return -1;
    const width = hi - lo;
    const trapezoid = (width * (slope(lo) + slope(hi))) / 2;
    return Math.abs(trapezoid - (score[j] - score[i])) + (curvature * width ** 3) / 12;
  };
  // The coarse grids a tolerance may stop at: steps halved while at least MIN_TOLERANCE_STEPS.
  const counts = [steps];
  while (counts[0] % 2 === 0 && counts[0] / 2 >= MIN_TOLERANCE_STEPS) counts.unshift(counts[0] / 2);
  // The model's own error on the grid: the trapezoid's on each cell, without the curvature share.
  const modelError = (cells: { lo: number; hi: number }[]) =>
    cells.reduce((sum, { lo, hi }) => {
      const i = Math.round(lo * FINE_CELLS);
      const j = Math.round(hi * FINE_CELLS);
      return sum + Math.abs(((hi - lo) * (slope(lo) + slope(hi))) / 2 - (score[j] - score[i]));
    }, 0);
  const range = Math.abs(score[FINE_CELLS]);
  const cells: { lo: number; hi: number; bad: number }[] = [{ lo: 0, hi: 1, bad: badness(0, 1) }];
  // Without a tolerance or partial maps, one level of `steps` cells; with a tolerance, the
  // coarsest grid whose model error is within half of it (the model is smoother than the score);
  // partial maps need levels: the coarsest grid without a tolerance, at most steps / 4 with one.
  const finest = partials ? counts[Math.max(0, counts.length - 3)] : steps;
  const coarseEnough = (count: number): boolean =>
    count === finest ||
    (tolerance !== null ? modelError(cells) <= (tolerance / 2) * range : partials);
  let coarse = counts[0];
  for (const count of counts) {
    coarse = count;
    grow(count);
    if (coarseEnough(count)) break;
  }
  function grow(count: number): void {
    while (cells.length < count) {
      let worst = 0;
      cells.forEach((c, k) => {
        if (c.bad > cells[worst].bad) worst = k;
      });
      const { lo, hi } = cells[worst];
      const mid = (lo + hi) / 2;
      cells.splice(
        worst,
        1,
        { lo, hi: mid, bad: badness(lo, mid) },
        { lo: mid, hi, bad: badness(mid, hi) },
      );
    }
  }
  const split = steps / coarse;
  const alphas = Array.from({ length: steps + 1 }, (_, i) => {
    const k = Math.floor(i / split);
    if (k === coarse) return 1;
    const { lo, hi } = cells[k];
    return lo + ((hi - lo) * (i - k * split)) / split;
  });
  const weights = alphas.map(
    (_, i) => (alphas[Math.min(steps, i + 1)] - alphas[Math.max(0, i - 1)]) / 2,
  );
  // Levels: stride `split` (the coarse grid), then halved down to 1.
  const order: number[] = [];
  const levels: RefinementLevel[] = [];
  const taken = new Uint8Array(steps + 1);
  for (let stride = split; stride >= 1; stride /= 2) {
    for (let i = 0; i <= steps; i += stride) {
      if (!taken[i]) {
        taken[i] = 1;
        order.push(i);
      }
    }
    levels.push({ points: order.length, scale: stride, steps: steps / stride });
  }
  return { rule: { alphas, weights }, plan: { order, levels } };
}

/**
 * d score / d alpha from the known scores. Scores that are probabilities (all in [0, 1]) are
 * interpolated as logits, log(p / (1 - p)) (clamped to +-16: saturated), and differentiated
 * through the sigmoid: a softmax
 * probability saturates as a sigmoid of the logit margin, which is then near linear in alpha
 * (exactly, for a sigmoid of a linear function), where a cubic through p itself misses the step.
 */
function scoreSlope(alphas: readonly number[], scores: readonly number[]): (a: number) => number {
  if (scores.some((p) => !(p >= 0 && p <= 1))) {
    const cubic = monotoneCubic(alphas, scores);
    return (a) => cubic(a)[1];
  }
  const clamp = (p: number) => Math.min(1 - 1e-7, Math.max(1e-7, p));
  const cubic = monotoneCubic(
    alphas,
    scores.map((p) => Math.log(clamp(p)) - Math.log(1 - clamp(p))),
  );
  return (a) => {
    const [logit, slope] = cubic(a);
    const p = 1 / (1 + Math.exp(-logit));
    return p * (1 - p) * slope;
  };
}
