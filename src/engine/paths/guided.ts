// Guided IG (Kapishnikov et al. 2021): at each step the features with the smallest absolute
// gradient move first, within anchor bounds around the straight line. Follows PAIR saliency's
// guided_ig_impl (saliency/core/guided_ig.py) step for step, in double precision.
import * as tf from '@tensorflow/tfjs';
import quickselect from 'quickselect';
import type { IgMethod, IgPath, IgPathTrace } from '../../shared/types.js';
import { abortError } from '../../shared/types.js';
import { asIgError, explainedOutput, withTapeRelease, yieldToEventLoop } from '../gradients.js';
import {
  checkOptions,
  type IntegratedGradientsOptions,
  type IntegratedGradientsResult,
} from '../integrated-gradients.js';
import type { Classifier } from '../preprocess.js';
import { traceIndices } from './trace.js';

/** PAIR's (and the paper's) share of features selected per move. */
export const GUIDED_FRACTION = 0.25;
/** PAIR's `max_dist`: how far (relative L1) a feature may run ahead of or behind the line. */
export const GUIDED_MAX_DIST = 0.02;

/** The rules a sequential path supports; the others fall back to the trapezoid rule. */
const GUIDED_METHODS: readonly IgMethod[] = ['trapezoid', 'riemann-left', 'riemann-right'];

/**
 * Guided IG from `baseline` to `image` in `steps` steps. Each step k moves the point x until
 * its L1 distance to the image is (1 - k/steps) of the total, taking the quarter of features
 * with the smallest |gradient| first and keeping each feature's alpha within
 * [k/steps - maxDist, k/steps + maxDist] (the anchors). The step's move dx is weighted by the
 * gradient at its start (`riemann-left`, PAIR's rule, `steps` gradients), at its end
 * (`riemann-right`) or their mean (`trapezoid`, the default; both `steps + 1` gradients);
 * `riemann-middle` and `gausslegendre` have no meaning on a path that is only known as it is
 * walked, and run as `trapezoid` (the result's `method` says so).
 *
 * The path depends on every gradient before it, so points go through the model one at a time
 * (`batchSize` does not apply), no coarser level exists to stop at (`tolerance` does not apply)
 * and no coarse map is reported (`partials`); progress comes after every point.
 */
export async function guidedIntegratedGradients(
  classifier: Classifier,
  image: tf.Tensor3D,
  baseline: tf.Tensor3D,
  options: IntegratedGradientsOptions & { fraction?: number; maxDist?: number },
): Promise<IntegratedGradientsResult> {
  const { target, steps, output, signal, onProgress } = options;
  checkOptions(image, baseline, options);
  const fraction = options.fraction ?? GUIDED_FRACTION;
  const maxDist = options.maxDist ?? GUIDED_MAX_DIST;
  const method: IgMethod = GUIDED_METHODS.includes(options.method) ? options.method : 'trapezoid';
  const left = method === 'riemann-left';
  const shape = [...image.shape] as [number, number, number];
  const explained = explainedOutput(classifier, target, output);
  if (signal?.aborted) throw abortError();
  const input = Float64Array.from(await image.data());
  const start = Float64Array.from(await baseline.data());
  const n = input.length;
  const difference = input.map((v, i) => v - start[i]);
  const l1Total = difference.reduce((s, d) => s + Math.abs(d), 0);
  const x = Float64Array.from(start);
  const attributions = new Float64Array(n);
  const total = left ? steps : steps + 1;
  const path: IgPath = { alphas: [], scores: [], gradientNorms: [] };
  // Path point i has the moves of steps before it (riemann-left: up to and with step i).
  const snapshots = options.trace ? new Set(traceIndices(total, n)) : null;
  const trace: IgPathTrace = { points: [], attributions: [] };
  const snapshot = (point: number) => {
    if (!snapshots?.has(point)) return;
    trace.points.push(point);
    trace.attributions.push(Float32Array.from(attributions));
  };

  /** f and grad f at the current x. */
  const evaluate = async (alpha: number): Promise<Float32Array> => {
    const readout = tf.tidy(() => {
      const point = tf.tensor4d(Float32Array.from(x), [1, ...shape]);
      const { value, grad } = withTapeRelease(() => tf.valueAndGrad(explained)(point));
      explained.check();
      return tf.concat([value, tf.reshape(grad, [-1])]);
    });
    let values: Float32Array;
    try {
      values = (await readout.data()) as Float32Array;
    } finally {
      readout.dispose();
    }
    const grad = values.subarray(1);
    path.alphas.push(alpha);
    path.scores.push(values[0]);
    path.gradientNorms.push(grad.reduce((s, g) => s + Math.abs(g), 0) / n);
    onProgress?.({
      stepsDone: path.alphas.length,
      stepsTotal: total,
      fraction: path.alphas.length / total,
      path: copyPath(path),
    });
    await yieldToEventLoop();
    if (signal?.aborted) throw abortError();
    return grad;
  };

  try {
    let grad = await evaluate(0);
    if (!left) snapshot(0);
    for (let step = 0; step < steps; step++) {
      const before = Float64Array.from(x);
      if (l1Total > 0)
        guidedStep(x, input, start, difference, grad, step, steps, l1Total, fraction, maxDist);
      const startGrad = grad;
      const last = step === steps - 1;
      if (!last || !left) grad = await evaluate((step + 1) / steps);
      const startWeight = left ? 1 : method === 'trapezoid' ? 0.5 : 0;
      for (let i = 0; i < n; i++) {
        const moved = x[i] - before[i];
        if (moved === 0) continue;
        attributions[i] += moved * (startWeight * startGrad[i] + (1 - startWeight) * grad[i]);
      }
      snapshot(left ? step : step + 1);
    }
    const scoreBaseline = path.scores[0];
    const scoreInput = left
      ? (options.scoreInput ?? (await scoreAt(explained, image)))
      : path.scores[path.scores.length - 1];
    const result = Float32Array.from(attributions);
    const sum = attributions.reduce((s, a) => s + a, 0);
    return {
      attributions: result,
      shape,
      sum,
      scoreInput,
      scoreBaseline,
      delta: Math.abs(sum - (scoreInput - scoreBaseline)),
      steps,
      method,
      path,
      ...(snapshots && { pathTrace: trace }),
    };
  } catch (error) {
    throw asIgError(error);
  }
}

/** One step of guided_ig_impl: moves x in place toward the step's L1 target. */
function guidedStep(
  x: Float64Array,
  input: Float64Array,
  start: Float64Array,
  difference: Float64Array,
  grad: Float32Array,
  step: number,
  steps: number,
  l1Total: number,
  fraction: number,
  maxDist: number,
): void {
  const n = x.length;
  const alpha = (step + 1) / steps;
  const alphaMin = Math.max(alpha - maxDist, 0);
  const alphaMax = Math.min(alpha + maxDist, 1);
  const xMin = (i: number) => start[i] + difference[i] * alphaMin;
  const xMax = (i: number) => start[i] + difference[i] * alphaMax;
  const l1Target = l1Total * (1 - (step + 1) / steps);
  const selectable = new Float64Array(n);
  const selected = new Uint8Array(n);
  for (;;) {
    // Features that fell behind alphaMin jump to it (features with no range count as ahead).
    let l1Current = 0;
    for (let i = 0; i < n; i++) {
      if (difference[i] !== 0 && (x[i] - start[i]) / difference[i] < alphaMin) x[i] = xMin(i);
      l1Current += Math.abs(x[i] - input[i]);
    }
    if (isClose(l1Target, l1Current)) return;
    // Features at their bound are out of the selection: infinite gradient.
    for (let i = 0; i < n; i++) {
      selectable[i] = x[i] === xMax(i) ? Infinity : Math.abs(grad[i]);
    }
    const threshold = lowerQuantile(selectable, fraction);
    let l1Selected = 0;
    for (let i = 0; i < n; i++) {
      selected[i] = selectable[i] <= threshold && selectable[i] !== Infinity ? 1 : 0;
      if (selected[i]) l1Selected += Math.abs(x[i] - xMax(i));
    }
    // Nothing left to move (PAIR would loop here): the step ends where it stands.
    if (l1Selected === 0) return;
    const gamma = (l1Current - l1Target) / l1Selected;
    for (let i = 0; i < n; i++) {
      if (!selected[i]) continue;
      x[i] = gamma > 1 ? xMax(i) : x[i] + (xMax(i) - x[i]) * gamma;
    }
    if (gamma <= 1) return;
  }
}

/** math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), PAIR's EPSILON test. */
function isClose(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(1e-9 * Math.max(Math.abs(a), Math.abs(b)), 1e-9);
}

/** np.quantile(values, q, method='lower'): the floor(q (n - 1))-th smallest, by selection. */
export function lowerQuantile(values: Float64Array, q: number): number {
  const a = Float64Array.from(values);
  const k = Math.min(Math.floor(q * (a.length - 1)), a.length - 1);
  quickselect(a as unknown as number[], k);
  return a[k];
}

async function scoreAt(
  explained: ReturnType<typeof explainedOutput>,
  image: tf.Tensor3D,
): Promise<number> {
  const score = tf.tidy(() => {
    const value = explained(image.expandDims(0) as tf.Tensor4D);
    explained.check();
    return value;
  });
  try {
    return (await score.data())[0];
  } finally {
    score.dispose();
  }
}

function copyPath(path: IgPath): IgPath {
  return {
    alphas: [...path.alphas],
    scores: [...path.scores],
    gradientNorms: [...path.gradientNorms],
  };
}
