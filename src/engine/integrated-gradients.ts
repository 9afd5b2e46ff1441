// Integrated Gradients (Sundararajan et al. 2017), batched along the path, as the TF tutorial.
import * as tf from '@tensorflow/tfjs';
import { MAX_STEPS } from '../shared/defaults.js';
import type {
  IgMethod,
  IgOutput,
  IgPath,
  IgPathTrace,
  IgProgressDetail,
  IgResult,
} from '../shared/types.js';
import { IgError, abortError } from '../shared/types.js';
import type { ExplainedOutput } from './gradients.js';
import type { PointHelper } from './point-helpers.js';
import { asIgError, explainedOutput, withTapeRelease, yieldToEventLoop } from './gradients.js';
import { schedule, type RefinementLevel, type Schedule } from './integration-rules.js';
import { straightPath, type IntegrationPath } from './paths/path.js';
import { traceIndices } from './paths/trace.js';
import type { Classifier } from './preprocess.js';
import { readAttributions, readTrace, sumOf } from './ig-readback.js';

export interface IntegratedGradientsOptions {
  /** Class index whose output is explained. */
  target: number;
  /** Segments of the path (the tutorial's `m_steps`). */
  steps: number;
  method: IgMethod;
  /** `probability`: softmax(logits)[target], as the tutorial; `logit`: logits[target]. */
  output: IgOutput;
  /** Path points per pass through the model; memory grows with it. */
  batchSize: number;
  /**
   * Relative completeness error |delta| / |scoreInput - scoreBaseline| at which the run stops
   * at a coarser refinement level (of at least MIN_TOLERANCE_STEPS segments); null: all steps.
   */
  tolerance?: number | null;
  /** Attach each completed coarse level's map to the next progress report (`partial`). */
  partials?: boolean;
  /** The explained output at the image when already known (the prediction's): saves a pass. */
  scoreInput?: number;
  /** The path from `baseline` (alpha = 0) to `image`; default the straight line. */
  curve?: IntegrationPath;
  signal?: AbortSignal;
  /** Nodes, weights and levels computed by the caller (the adaptive rule's), instead of method's. */
  schedule?: Schedule;
  /** Keep the attribution accumulated up to some path points (`pathTrace`, the path view's). */
  trace?: boolean;
  /** The adaptive rule's helpers (point-helpers.ts): each round's points are shared with them. */
  helpers?: readonly PointHelper[];
  /** Which of attribute()'s runs this is (a helper rebuilds that run's path); default 0. */
  run?: number;
  /** Called after every batch; `stepsDone`/`stepsTotal` count path points evaluated. */
  onProgress?: (progress: IgProgressDetail) => void;
}

/** The coarsest level a tolerance may stop at: fewer segments agree with completeness by luck. */
export const MIN_TOLERANCE_STEPS = 8;

/** IgResult's attribution fields: the engine's part of a result, before the worker adds the rest. */
export interface IntegratedGradientsResult extends Pick<
  IgResult,
  'attributions' | 'shape' | 'sum' | 'scoreInput' | 'scoreBaseline' | 'delta' | 'path'
> {
  /** Segments of the rule actually used: `steps`, or fewer when `tolerance` stopped early. */
  steps: number;
  method: IgMethod;
  /** With `trace`: the attribution accumulated up to some of `path`'s points. */
  pathTrace?: IgPathTrace;
}

/**
 * Attributions (x - x') * sum_i w_i * grad f(x' + alpha_i (x - x')) for the rule's nodes alpha_i
 * and weights w_i, f the explained output of class `target`.
 *
 * The nodes are visited coarse to fine (refinementPlan): each level is a complete rule on a
 * subset of the nodes, and finer levels reuse every gradient of the coarser ones, so the full run
 * costs what it did in plain order and ends with the same sum. After a level, its map can be
 * reported (`partials`) and, with `tolerance`, the run stops once the level's relative
 * completeness error is within it.
 *
 * Path points go through the classifier `batchSize` at a time, and the weighted gradient sum is
 * a running tensor, so memory is bounded by the batch size, not by `steps`. Between batches the
 * event loop gets a turn, so an abort of `signal` lands; the promise then rejects with IgError
 * `aborted`. No tensor outlives the call, whether it succeeds, is aborted or fails.
 */
export async function integratedGradients(
  classifier: Classifier,
  image: tf.Tensor3D,
  baseline: tf.Tensor3D,
  options: IntegratedGradientsOptions,
): Promise<IntegratedGradientsResult> {
  const { target, steps, method, output, batchSize, signal, onProgress } = options;
  checkOptions(image, baseline, options);
  const tolerance = options.tolerance ?? null;
  const { rule, plan } = options.schedule ?? schedule(method, steps);
  const total = plan.order.length;
  const explained = explainedOutput(classifier, target, output);
  // By node index; filled as nodes are evaluated.
  const scores = new Array<number>(rule.alphas.length);
  const gradientNorms = new Array<number>(rule.alphas.length);

  if (signal?.aborted) throw abortError();
  const curve = options.curve ?? straightPath(image, baseline);
  let accumulated: tf.Tensor3D = tf.zeros(image.shape);
  const shape = [...image.shape] as [number, number, number];
  // The trace: node k's weighted integrand goes to the bucket of the first snapshot node >= k;
  // the snapshots are the buckets' running sums.
  const snapshots = options.trace ? traceIndices(rule.alphas.length, image.size) : [];
  const bucketOf = (k: number) => snapshots.findIndex((b) => b >= k);
  let buckets: tf.Tensor2D | null = options.trace ? tf.zeros([snapshots.length, image.size]) : null;
  try {
    // Ends the rule has no node at, before the path, so that every level can be checked.
    const ends = await missingEnds(explained, image, baseline, method, options.scoreInput);
    const scoreEnds = (): [number, number] => [
      ends.baseline ?? scores[0],
      ends.input ?? scores[scores.length - 1],
    ];
    // The path of the first `points` of the plan, in increasing alpha (node order).
    const pathOf = (points: number): IgPath => {
      const used = plan.order.slice(0, points).sort((a, b) => a - b);
      return {
        alphas: used.map((k) => rule.alphas[k]),
        scores: used.map((k) => scores[k]),
        gradientNorms: used.map((k) => gradientNorms[k]),
      };
    };
    let level = 0;
    let final: { attributions: Float32Array; sum: number; level: RefinementLevel } | null = null;
    for (let start = 0, end = 0; start < total && !final; start = end) {
      end = Math.min(start + batchSize, total);
      // The first coarse maps come early: in the run's first quarter, a batch ends where a
      // shown level does, even when a larger batch would fit.
      if (options.partials) {
        const cut = plan.levels.find(
          ({ points }) => points > start && points < end && points <= total / 4,
        );
        if (cut) end = cut.points;
      }
      const nodes = plan.order.slice(start, end);
      const batch = tf.tidy(() => {
        const alphas = nodes.map((k) => rule.alphas[k]);
        const points = curve.points(alphas);
        const { value, grad } = withTapeRelease(() => tf.valueAndGrad(explained)(points));
        explained.check();
        // One read per batch: scores and mean |gradient| together.
        const readout = tf.stack([value, tf.mean(tf.abs(grad), [1, 2, 3])]);
        return { grad: curve.integrand(grad as tf.Tensor4D, alphas), readout };
      });
      let partial: IgProgressDetail['partial'];
      try {
        let values: Float32Array;
        try {
          values = (await batch.readout.data()) as Float32Array;
        } finally {
          batch.readout.dispose();
        }
        nodes.forEach((k, i) => {
          scores[k] = values[i];
          gradientNorms[k] = values[nodes.length + i];
        });
        // Add the batch level by level: a level's estimate must hold exactly its own points.
        for (let from = start; from < end && !final;) {
          const current = plan.levels[level];
          const to = Math.min(end, current.points);
          const next = tf.tidy(() => {
            const rows =
              from === start && to === end
                ? batch.grad
                : tf.slice(batch.grad, [from - start, 0, 0, 0], [to - from, -1, -1, -1]);
            const weights = tf
              .tensor1d(plan.order.slice(from, to).map((k) => rule.weights[k]))
              .reshape([-1, 1, 1, 1]);
            return tf.add(accumulated, tf.sum(tf.mul(rows, weights), 0)) as tf.Tensor3D;
          });
          accumulated.dispose();
          accumulated = next;
          if (buckets) {
            const bucketRows = plan.order.slice(from, to);
            const nextBuckets = tf.tidy(() => {
              const spread = new Float32Array(snapshots.length * bucketRows.length);
              bucketRows.forEach((k, j) => {
                spread[bucketOf(k) * bucketRows.length + j] = rule.weights[k];
              });
              const rows = tf.slice(batch.grad, [from - start, 0, 0, 0], [to - from, -1, -1, -1]);
              const m = tf.tensor2d(spread, [snapshots.length, bucketRows.length]);
              return tf.add(buckets!, tf.matMul(m, rows.reshape([to - from, -1]))) as tf.Tensor2D;
            });
            buckets.dispose();
            buckets = nextBuckets;
          }
          from = to;
          if (to < current.points) break;
          level += 1;
          const last = level === plan.levels.length;
          const check = tolerance !== null && current.steps >= MIN_TOLERANCE_STEPS;
          // A coarse map is read when a tolerance may stop here or when it is shown (the
          // batch's last completed level only).
          const show = options.partials && (to === end || plan.levels[level].points > end);
          if (!last && !check && !show) continue;
          const attributions = await readAttributions(curve.factor, accumulated, current.scale);
          const sum = sumOf(attributions);
          const [scoreBaseline, scoreInput] = scoreEnds();
          const delta = Math.abs(sum - (scoreInput - scoreBaseline));
          const within = check && delta <= tolerance * Math.abs(scoreInput - scoreBaseline);
          if (last || within) {
            final = { attributions, sum, level: current };
          } else if (show) {
            partial = { attributions, shape, steps: current.steps, delta };
          }
        }
      } finally {
        batch.grad.dispose();
      }
      const done = final ? final.level.points : end;
      onProgress?.({
        stepsDone: done,
        stepsTotal: total,
        fraction: done / total,
        path: pathOf(done),
        ...(partial ? { partial } : {}),
      });
      await yieldToEventLoop();
      if (signal?.aborted) throw abortError();
    }
    if (!final) throw new Error('integratedGradients: the refinement plan did not complete');

    const [scoreBaseline, scoreInput] = scoreEnds();
    const pathTrace = buckets
      ? await readTrace(curve.factor, buckets, final.level.scale, snapshots, shape, (b) =>
          plan.order.slice(0, final!.level.points).reduce((n, k) => n + (k <= b ? 1 : 0), 0),
        )
      : undefined;
    // The last point's snapshot is the result itself (the same sum in another order).
    if (pathTrace?.points.at(-1) === final.level.points - 1) {
      pathTrace.attributions[pathTrace.attributions.length - 1] = final.attributions.slice();
    }
    // The path the estimate used, in increasing alpha (node order).
    return {
      attributions: final.attributions,
      shape,
      sum: final.sum,
      scoreInput,
      scoreBaseline,
      delta: Math.abs(final.sum - (scoreInput - scoreBaseline)),
      steps: final.level.steps,
      method,
      path: pathOf(final.level.points),
      ...(pathTrace && { pathTrace }),
    };
  } catch (error) {
    throw asIgError(error);
  } finally {
    if (!options.curve) curve.dispose();
    accumulated.dispose();
    buckets?.dispose();
  }
}

/**
 * The explained output at alpha = 0 and alpha = 1 where the rule has no node there (trapezoid
 * has both, riemann-left 0, riemann-right 1): one forward pass of the missing ends together, the
 * image's skipped when its score is already known.
 */
async function missingEnds(
  explained: ExplainedOutput,
  image: tf.Tensor3D,
  baseline: tf.Tensor3D,
  method: IgMethod,
  knownInput: number | undefined,
): Promise<{ baseline?: number; input?: number }> {
  const needBaseline = method !== 'trapezoid' && method !== 'riemann-left';
  const needInput = method !== 'trapezoid' && method !== 'riemann-right';
  const ends: tf.Tensor3D[] = [];
  if (needBaseline) ends.push(baseline);
  if (needInput && knownInput === undefined) ends.push(image);
  let computed: number[] = [];
  if (ends.length > 0) {
    const outputs = tf.tidy(() => {
      const scores = explained(tf.stack(ends) as tf.Tensor4D);
      explained.check();
      return scores;
    });
    try {
      computed = Array.from(await outputs.data());
    } finally {
      outputs.dispose();
    }
  }
  return {
    ...(needBaseline ? { baseline: computed[0] } : {}),
    ...(needInput ? { input: knownInput ?? computed[computed.length - 1] } : {}),
  };
}

export function checkOptions(
  image: tf.Tensor3D,
  baseline: tf.Tensor3D,
  { target, steps, batchSize }: IntegratedGradientsOptions,
): void {
  if (image.rank !== 3 || !tf.util.arraysEqual(image.shape, baseline.shape)) {
    throw new IgError(
      'invalid-attribute',
      `The baseline's shape [${baseline.shape.join(', ')}] differs from the image's ` +
        `[${image.shape.join(', ')}]: give a baseline of the image's size.`,
      'baseline',
    );
  }
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS) {
    throw new IgError(
      'invalid-attribute',
      `steps must be a whole number from 1 to ${MAX_STEPS}, not ${steps}: set steps="50" for example.`,
      'steps',
    );
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new IgError(
      'invalid-attribute',
      `batch-size must be a whole number of at least 1, or "auto", not ${batchSize}.`,
      'batch-size',
    );
  }
  if (!Number.isInteger(target) || target < 0) {
    throw new IgError(
      'target-unknown',
      `The target class ${target} does not exist: use a class index of 0 or more, a label, or "auto".`,
      'target',
    );
  }
}
