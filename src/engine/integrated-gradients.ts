// Integrated Gradients (Sundararajan et al. 2017), batched along the path, as the TF tutorial.
import * as tf from '@tensorflow/tfjs';
import { MAX_STEPS } from '../shared/defaults.js';
import type { IgMethod, IgOutput, IgPath, IgProgressDetail, IgResult } from '../shared/types.js';
import { IgError, abortError, isIgError } from '../shared/types.js';
import {
  integrationRule,
  refinementPlan,
  type IntegrationRule,
  type RefinementLevel,
  type RefinementPlan,
} from './integration-rules.js';
import type { Classifier } from './preprocess.js';

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
  signal?: AbortSignal;
  /** Nodes, weights and levels computed by the caller (the adaptive rule's), instead of method's. */
  schedule?: { rule: IntegrationRule; plan: RefinementPlan };
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
  const rule = options.schedule?.rule ?? integrationRule(method, steps);
  const plan = options.schedule?.plan ?? refinementPlan(method, steps);
  const total = plan.order.length;
  const explained = explainedOutput(classifier, target, output);
  // By node index; filled as nodes are evaluated.
  const scores = new Array<number>(rule.alphas.length);
  const gradientNorms = new Array<number>(rule.alphas.length);

  if (signal?.aborted) throw abortError();
  const difference = tf.sub(image, baseline) as tf.Tensor3D;
  let accumulated: tf.Tensor3D = tf.zeros(image.shape);
  const shape = [...image.shape] as [number, number, number];
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
        const alphas = tf.tensor1d(nodes.map((k) => rule.alphas[k])).reshape([-1, 1, 1, 1]);
        // The tutorial's interpolate_images: baseline + alpha * (image - baseline).
        const points = tf.add(baseline.expandDims(0), tf.mul(alphas, difference.expandDims(0)));
        const { value, grad } = withTapeRelease(() =>
          tf.valueAndGrad(explained)(points as tf.Tensor4D),
        );
        explained.check();
        // One read per batch: scores and mean |gradient| together.
        return { grad, readout: tf.stack([value, tf.mean(tf.abs(grad), [1, 2, 3])]) };
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
          from = to;
          if (to < current.points) break;
          level += 1;
          const last = level === plan.levels.length;
          const check = tolerance !== null && current.steps >= MIN_TOLERANCE_STEPS;
          // A coarse map is read when a tolerance may stop here or when it is shown (the
          // batch's last completed level only).
          const show = options.partials && (to === end || plan.levels[level].points > end);
          if (!last && !check && !show) continue;
          const attributions = await readAttributions(difference, accumulated, current.scale);
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
    };
  } catch (error) {
    throw asIgError(error);
  } finally {
    difference.dispose();
    accumulated.dispose();
  }
}

/** (x - x') * scale * accumulated, read back. */
async function readAttributions(
  difference: tf.Tensor3D,
  accumulated: tf.Tensor3D,
  scale: number,
): Promise<Float32Array> {
  const tensor = tf.tidy(() =>
    scale === 1 ? tf.mul(difference, accumulated) : tf.mul(difference, tf.mul(accumulated, scale)),
  );
  try {
    return (await tensor.data()) as Float32Array;
  } finally {
    tensor.dispose();
  }
}

function sumOf(values: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum;
}

export interface ExplainedOutput {
  /** f(batch): the explained output of each example, [N]. */
  (batch: tf.Tensor4D): tf.Tensor1D;
  /** Throws what the last call found wrong with the classifier's output, if anything. */
  check(): void;
}

/**
 * The per-example explained output. The target's column is taken with slice: WASM has no
 * gather gradient. A wrong output shape is reported by check() after the call instead of thrown
 * inside it: a throw inside tf.valueAndGrad would strand the tensors TF.js saved for backprop.
 */
export function explainedOutput(
  classifier: Classifier,
  target: number,
  output: IgOutput,
): ExplainedOutput {
  let problem: IgError | null = null;
  const explained = (batch: tf.Tensor4D): tf.Tensor1D => {
    const logits = classifier(batch);
    problem = logitsProblem(logits, batch.shape[0], target);
    // Any differentiable [N] output keeps the tape whole; the caller throws `problem`.
    if (problem) return tf.sum(batch, [1, 2, 3]);
    const scores = output === 'probability' ? tf.softmax(logits) : logits;
    return tf.reshape(tf.slice(scores, [0, target], [-1, 1]), [-1]);
  };
  explained.check = () => {
    if (problem) throw problem;
  };
  return explained;
}

function logitsProblem(logits: tf.Tensor, count: number, target: number): IgError | null {
  if (logits.rank !== 2 || logits.shape[0] !== count) {
    return new IgError(
      'model-incompatible',
      `The model returned shape [${logits.shape.join(', ')}] for ${count} images; IG needs ` +
        'logits of shape [N, classes]: use a classifier whose output is [N, classes].',
    );
  }
  const classes = logits.shape[1]!;
  if (target >= classes) {
    return new IgError(
      'target-unknown',
      `The target class ${target} does not exist: the model has ${classes} classes, so use ` +
        `an index from 0 to ${classes - 1}, a label, or "auto".`,
      'target',
    );
  }
  return null;
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

function checkOptions(
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

/**
 * Runs a gradient computation; if it throws (a classifier error, an op without a gradient),
 * frees the tensors TF.js kept on its tape for backprop, as it does itself only on success.
 */
function withTapeRelease<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    const state = tf.engine().state;
    if (state.gradientDepth === 0 && state.activeTape) {
      for (const node of state.activeTape) node.saved?.forEach((tensor) => tensor.dispose());
      state.activeTape = null as unknown as typeof state.activeTape;
    }
    throw error;
  }
}

/** Errors from TF.js that users can act on, as IgErrors; the rest unchanged. */
function asIgError(error: unknown): unknown {
  if (isIgError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/gradient/i.test(message)) {
    return new IgError(
      'model-incompatible',
      `The model cannot be differentiated (${message}): IG needs a model whose ops all have ` +
        'gradients in TensorFlow.js; try another backend or export the model without that op.',
    );
  }
  return error;
}

/**
 * A macrotask turn without timer clamping or requestAnimationFrame (which stalls in hidden
 * pages and has no meaning in a worker without a canvas), so an abort posted meanwhile lands.
 */
function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
