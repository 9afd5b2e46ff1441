// The adaptive integration rule: forward-only probes of the explained score along the path,
// then gradient points placed where the score changes (equal score increments, as the
// non-uniform schedules of RiemannOpt, Swain & Singhi 2024), nested so that `tolerance` can
// stop at a coarse level.
import * as tf from '@tensorflow/tfjs';
import type { IgMethod } from '../shared/types.js';
import { abortError } from '../shared/types.js';
import type { IntegrationRule, RefinementPlan } from './integration-rules.js';
import { explainedOutput } from './gradients.js';
import {
  integratedGradients,
  type IntegratedGradientsOptions,
  type IntegratedGradientsResult,
} from './integrated-gradients.js';
import { monotoneCubic } from './monotone-cubic.js';
import type { Classifier } from './preprocess.js';

/** Forward-only probes: segments of the uniform probe grid on [0, 1]. */
export const ADAPTIVE_PROBES = 8;
/** A probe interval holding more than this share of the score's change is split. */
const SPLIT_SHARE = 0.5;
/** Probe intervals are not split below this width. */
const MIN_PROBE_WIDTH = 1 / 256;
/** The first level a tolerance may stop at (points), doubled until within it or at `steps`. */
export const ADAPTIVE_FIRST_LEVEL = 8;
/**
 * Share of the point density spread uniformly over the path, whatever the score does: the
 * gradient can change where the score does not (opposite pixels cancelling), and a flat score
 * then gives the uniform midpoint rule.
 */
const UNIFORM_SHARE = 0.25;
/** Cells of the fine grid on which the schedule's cumulative density is tabulated. */
const FINE_CELLS = 2048;

export interface AdaptiveResult extends IntegratedGradientsResult {
  /** Gradient evaluations (forward + backward) the result cost, every level included. */
  evaluations: number;
  /** Forward-only evaluations: the probes that placed the points, and the baseline's score. */
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
 * Integrated Gradients with the adaptive rule. ADAPTIVE_PROBES forward passes give the score
 * along the path; a density p = |f'| (monotone cubic interpolation of the scores) plus a uniform
 * share places `steps` points at the midpoints of cells of equal p-mass, each weighted by its
 * cell's width in alpha. Equal p-mass is about an equal score increment, so points crowd where
 * the score changes and thin out where it saturates; the weights sum to exactly 1 (exact on a
 * linear model). With `tolerance`, levels of ADAPTIVE_FIRST_LEVEL, twice that, ... points run
 * until one's relative completeness error is within it (or `steps` is reached); each level is
 * placed from every score known by then (probes and the previous levels' points). Every forward
 * pass is counted in `probes`, every gradient in `evaluations`.
 */
export async function adaptiveIntegratedGradients(
  classifier: Classifier,
  image: tf.Tensor3D,
  baseline: tf.Tensor3D,
  options: IntegratedGradientsOptions,
): Promise<AdaptiveResult> {
  const { signal, steps, onProgress } = options;
  const tolerance = options.tolerance ?? null;
  if (signal?.aborted) throw abortError();
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
  const sizes = levelSizes(steps, tolerance);
  const total = sizes.reduce((sum, n) => sum + n, 0);
  let evaluations = 0;
  for (const [i, n] of sizes.entries()) {
    // Points closer than 1e-6 in alpha give slopes of float noise: the first one is kept.
    const alphas = [...curve.keys()]
      .sort((a, b) => a - b)
      .filter((a, k, all) => k === 0 || k === all.length - 1 || a - all[k - 1] > 1e-6);
    const schedule = adaptiveSchedule(
      alphas,
      alphas.map((a) => curve.get(a)!),
      n,
    );
    const done = evaluations;
    const result = await integratedGradients(classifier, image, baseline, {
      ...options,
      method: 'adaptive',
      steps: n,
      tolerance: null,
      partials: false,
      schedule,
      onProgress: (detail) =>
        onProgress?.({
          ...detail,
          stepsDone: done + detail.stepsDone,
          stepsTotal: total,
          fraction: (done + detail.stepsDone) / total,
        }),
    });
    evaluations += n;
    // Midpoints have no node at the ends: the baseline's (and unknown image's) forward pass.
    probes += known === undefined ? 2 : 1;
    const range = Math.abs(result.scoreInput - result.scoreBaseline);
    const last = i === sizes.length - 1;
    if (last || (tolerance !== null && result.delta <= tolerance * range)) {
      return { ...result, evaluations, probes };
    }
    result.path.alphas.forEach((a, k) => curve.set(a, result.path.scores[k]));
    if (options.partials) {
      onProgress?.({
        stepsDone: evaluations,
        stepsTotal: total,
        fraction: evaluations / total,
        path: result.path,
        partial: {
          attributions: result.attributions,
          shape: result.shape,
          steps: n,
          delta: result.delta,
        },
      });
    }
  }
  throw new Error('adaptiveIntegratedGradients: no level ran');
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

/** Points of each level: `steps` alone, or with a tolerance 8, 16, ... below `steps`, then `steps`. */
function levelSizes(steps: number, tolerance: number | null): number[] {
  const sizes: number[] = [];
  if (tolerance !== null) {
    for (let n = ADAPTIVE_FIRST_LEVEL; n < steps; n *= 2) sizes.push(n);
  }
  sizes.push(steps);
  return sizes;
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
 * The adaptive rule with `count` points from scores known at `knownAlphas` (increasing, 0 to
 * 1): u(alpha) is the normalized cumulative of p = |f'| + UNIFORM_SHARE * mean |f'|; node k is
 * alpha((k + 1/2) / count), its weight alpha((k + 1) / count) - alpha(k / count). One level.
 */
export function adaptiveSchedule(
  knownAlphas: readonly number[],
  scores: readonly number[],
  count: number,
): { rule: IntegrationRule; plan: RefinementPlan } {
  const slope = scoreSlope(knownAlphas, scores);
  const variation = trapezoidMean((a) => Math.abs(slope(a)));
  const floor = variation > 0 ? UNIFORM_SHARE * variation : 1;
  const density = (a: number) => Math.abs(slope(a)) + floor;
  // Cumulative of the density on a fine grid (midpoint rule per cell).
  const cumulative = new Float64Array(FINE_CELLS + 1);
  for (let i = 0; i < FINE_CELLS; i++) {
    cumulative[i + 1] = cumulative[i] + density((i + 0.5) / FINE_CELLS) / FINE_CELLS;
  }
  const total = cumulative[FINE_CELLS];
  const alphaAt = (u: number): number => {
    if (u <= 0) return 0;
    if (u >= 1) return 1;
    const target = u * total;
    let lo = 0;
    let hi = FINE_CELLS;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] <= target) lo = mid;
      else hi = mid;
    }
    const cell = cumulative[hi] - cumulative[lo];
    const within = cell > 0 ? (target - cumulative[lo]) / cell : 0;
    return (lo + within) / FINE_CELLS;
  };
  const edges = Array.from({ length: count + 1 }, (_, k) => alphaAt(k / count));
  const weights = edges.slice(1).map((edge, k) => edge - edges[k]);
  const alphas = weights.map((width, k) =>
    meanValuePoint(
      density,
      edges[k],
      edges[k + 1],
      total / count / width,
      alphaAt((k + 0.5) / count),
    ),
  );
  return {
    rule: { alphas, weights },
    plan: {
      order: alphas.map((_, k) => k),
      levels: [{ points: count, scale: 1, steps: count }],
    },
  };
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

/**
 * The point of [lo, hi] where `density` equals its mean `mean` there, nearest to `guess`: a
 * cell's width times the density at that point is the cell's mass, so a gradient that follows
 * the density is integrated exactly, even across a cell where the density falls by orders of
 * magnitude (the u-midpoint there overweights the steep end). `guess` where none is found.
 */
function meanValuePoint(
  density: (a: number) => number,
  lo: number,
  hi: number,
  mean: number,
  guess: number,
): number {
  const samples = 64;
  let best = guess;
  let bestDistance = Infinity;
  let previous = density(lo) - mean;
  for (let i = 1; i <= samples; i++) {
    const a = lo + ((hi - lo) * i) / samples;
    const current = density(a) - mean;
    if (previous === 0 || previous * current < 0) {
      const before = a - (hi - lo) / samples;
      const crossing =
        previous === 0 ? before : before + ((a - before) * previous) / (previous - current);
      if (Math.abs(crossing - guess) < bestDistance) {
        best = crossing;
        bestDistance = Math.abs(crossing - guess);
      }
    }
    previous = current;
  }
  return best;
}

/** The mean of `f` on [0, 1] by the trapezoid rule on the fine grid. */
function trapezoidMean(f: (a: number) => number): number {
  let sum = (f(0) + f(1)) / 2;
  for (let i = 1; i < FINE_CELLS; i++) sum += f(i / FINE_CELLS);
  return sum / FINE_CELLS;
}
