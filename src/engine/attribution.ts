// One attribution of any method: a path (straight, blur, guided) from each of a list of
// baselines, optionally around SmoothGrad's noisy copies of the image, averaged.
import type * as tf from '@tensorflow/tfjs';
import { DEFAULT_NOISE_LEVEL, MAX_NOISE_SAMPLES } from '../shared/defaults.js';
import type { IgPathKind } from '../shared/paths.js';
import type { IgProgressDetail } from '../shared/types.js';
import { IgError, abortError } from '../shared/types.js';
import {
  integratedGradients,
  type IntegratedGradientsOptions,
  type IntegratedGradientsResult,
} from './integrated-gradients.js';
import { integratorFor } from './adaptive-rule.js';
import { refinementPlan } from './integration-rules.js';
import { BLUR_IG_MAX_SIGMA, blurIgStart, blurPath } from './paths/blur.js';
import { guidedIntegratedGradients } from './paths/guided.js';
import { meanTrace } from './paths/trace.js';
import type { Classifier } from './preprocess.js';
import { noiseStd, noisyCopy } from './smoothgrad.js';

export interface AttributionOptions extends Omit<IntegratedGradientsOptions, 'curve'> {
  path: IgPathKind;
  /** SmoothGrad's noisy copies; 0: the image itself. */
  noiseSamples?: number;
  /** Noise std as a fraction of the image's value range. */
  noiseLevel?: number;
  /** Draws the noise. */
  seed?: number;
  /** Blur IG's largest sigma, in model-input pixels (default PAIR's, BLUR_IG_MAX_SIGMA). */
  blurSigma?: number;
}

export interface AttributionResult extends IntegratedGradientsResult {
  /** `adaptive` only: gradient evaluations and forward-only probes of the first run. */
  evaluations?: number;
  probes?: number;
  /** The explained output at each baseline (mean over noisy copies where it depends on them). */
  baselineScores: number[];
}

/**
 * The mean over noisy copies (or the image alone) and over `baselines` of one attribution each,
 * along `path`. Blur IG's baseline is the maximally blurred copy itself, so it ignores
 * `baselines`. Completeness holds for the mean: `scoreInput` and `scoreBaseline` are the means
 * of the runs' ends (with noise, the noisy copies' scores, not the clean image's).
 *
 * Progress counts path points over the whole run (runs x points per run). Coarse maps: a single
 * run reports its refinement levels; with several runs, the first run's levels and then, after
 * each run, the running mean. `tolerance` applies to each run. Guided IG walks one point at a
 * time and reports no coarse levels (guided.ts).
 */
export async function attribute(
  classifier: Classifier,
  image: tf.Tensor3D,
  baselines: readonly tf.Tensor3D[],
  options: AttributionOptions,
): Promise<AttributionResult> {
  const { path, signal, onProgress } = options;
  const samples = options.noiseSamples ?? 0;
  checkNoise(samples, options.noiseLevel ?? DEFAULT_NOISE_LEVEL);
  if (path !== 'blur' && baselines.length === 0) {
    throw new IgError(
      'invalid-attribute',
      'No baseline was given: set baseline="black" for example.',
      'baseline',
    );
  }
  const starts = path === 'blur' ? 1 : baselines.length;
  const copies = Math.max(1, samples);
  const runs = copies * starts;
  const perRun =
    path === 'guided'
      ? options.method === 'riemann-left'
        ? options.steps
        : options.steps + 1
      : refinementPlan(options.method, options.steps).order.length;
  const std = samples > 0 ? await noiseStd(image, options.noiseLevel ?? DEFAULT_NOISE_LEVEL) : 0;

  const sum = new Float64Array(image.size);
  const baselineSums = new Array<number>(starts).fill(0);
  let inputSum = 0;
  let first:
    (IntegratedGradientsResult & Pick<AttributionResult, 'evaluations' | 'probes'>) | null = null;
  let steps = 0;
  const traces: IntegratedGradientsResult['pathTrace'][] = [];
  for (let copy = 0; copy < copies; copy++) {
    if (signal?.aborted) throw abortError();
    const noisy = samples > 0 ? noisyCopy(image, std, options.seed ?? 0, copy) : null;
    const input = noisy ?? image;
    try {
      for (let start = 0; start < starts; start++) {
        const run = copy * starts + start;
        const runOptions: IntegratedGradientsOptions = {
          ...options,
          run,
          // The given score is the clean image's.
          scoreInput: noisy ? undefined : options.scoreInput,
          partials: options.partials && run === 0,
          onProgress: (detail: IgProgressDetail) =>
            onProgress?.({
              ...detail,
              stepsDone: run * perRun + detail.stepsDone,
              stepsTotal: runs * perRun,
              fraction: (run * perRun + detail.stepsDone) / (runs * perRun),
            }),
        };
        const result = await runOne(classifier, input, path, baselines[start], {
          ...runOptions,
          blurSigma: options.blurSigma,
        });
        first ??= result;
        if (options.trace) traces.push(result.pathTrace);
        steps = Math.max(steps, result.steps);
        result.attributions.forEach((a, i) => (sum[i] += a));
        baselineSums[start] += result.scoreBaseline;
        inputSum += result.scoreInput;
        if (options.partials && runs > 1 && run < runs - 1) {
          const mean = meanOf(sum, baselineSums, inputSum, run + 1);
          onProgress?.({
            stepsDone: (run + 1) * perRun,
            stepsTotal: runs * perRun,
            fraction: (run + 1) / runs,
            path: result.path,
            partial: {
              attributions: mean.attributions,
              shape: result.shape,
              steps: result.steps,
              delta: mean.delta,
            },
          });
        }
      }
    } finally {
      noisy?.dispose();
    }
  }
  const mean = meanOf(sum, baselineSums, inputSum, runs);
  const pathTrace = options.trace ? meanTrace(traces) : undefined;
  // The last point's snapshot is the mean itself, to the bit.
  if (pathTrace && pathTrace.points.at(-1) === first!.path.alphas.length - 1) {
    pathTrace.attributions[pathTrace.attributions.length - 1] = mean.attributions.slice();
  }
  const { pathTrace: _firstTrace, ...firstRun } = first!;
  return {
    ...firstRun,
    ...(pathTrace && { pathTrace }),
    attributions: mean.attributions,
    sum: mean.sum,
    scoreInput: mean.scoreInput,
    scoreBaseline: mean.scoreBaseline,
    delta: mean.delta,
    steps,
    baselineScores: baselineSums.map((s) => s / copies),
  };
}

/** One path from one start to `input`. */
async function runOne(
  classifier: Classifier,
  input: tf.Tensor3D,
  path: IgPathKind,
  baseline: tf.Tensor3D | undefined,
  options: IntegratedGradientsOptions & Pick<AttributionOptions, 'blurSigma'>,
): Promise<IntegratedGradientsResult & Pick<AttributionResult, 'evaluations' | 'probes'>> {
  if (path === 'guided') return guidedIntegratedGradients(classifier, input, baseline!, options);
  if (path === 'straight')
    return integratorFor(options.method)(classifier, input, baseline!, options);
  const sigma = options.blurSigma ?? BLUR_IG_MAX_SIGMA;
  const start = blurIgStart(input, sigma);
  try {
    return await integratedGradients(classifier, input, start, {
      ...options,
      curve: blurPath(input, sigma),
    });
  } finally {
    start.dispose();
  }
}

/** The mean of `runs` runs from their sums; completeness holds for it as for each run. */
function meanOf(
  sum: Float64Array,
  baselineSums: readonly number[],
  inputSum: number,
  runs: number,
) {
  const attributions = Float32Array.from(sum, (a) => a / runs);
  let total = 0;
  for (const a of sum) total += a;
  total /= runs;
  const scoreBaseline = baselineSums.reduce((a, b) => a + b, 0) / runs;
  const scoreInput = inputSum / runs;
  return {
    attributions,
    sum: total,
    scoreInput,
    scoreBaseline,
    delta: Math.abs(total - (scoreInput - scoreBaseline)),
  };
}

function checkNoise(samples: number, level: number): void {
  if (!Number.isInteger(samples) || samples < 0 || samples > MAX_NOISE_SAMPLES) {
    throw new IgError(
      'invalid-attribute',
      `noise-samples must be a whole number from 0 to ${MAX_NOISE_SAMPLES}, not ${samples}: set noise-samples="25" for example, or 0 for none.`,
      'noise-samples',
    );
  }
  if (!Number.isFinite(level) || level < 0 || level > 1) {
    throw new IgError(
      'invalid-attribute',
      `noise-level must be a number from 0 to 1, not ${level}: set noise-level="0.15" for example.`,
      'noise-level',
    );
  }
}
