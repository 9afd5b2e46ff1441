// Integrated Gradients (Sundararajan et al. 2017), batched along the path, as the TF tutorial.
import * as tf from '@tensorflow/tfjs';
import { MAX_STEPS } from '../shared/defaults.js';
import type { IgMethod, IgOutput, IgPath, IgProgressDetail } from '../shared/types.js';
import { IgError, abortError, isIgError } from '../shared/types.js';
import { integrationRule } from './integration-rules.js';
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
  signal?: AbortSignal;
  /** Called after every batch; `stepsDone`/`stepsTotal` count path points evaluated. */
  onProgress?: (progress: IgProgressDetail) => void;
}

export interface IntegratedGradientsResult {
  /** Row-major [h][w][c], the image's shape. */
  attributions: Float32Array;
  shape: [number, number, number];
  sum: number;
  scoreInput: number;
  scoreBaseline: number;
  /** |sum - (scoreInput - scoreBaseline)|. */
  delta: number;
  steps: number;
  method: IgMethod;
  path: IgPath;
}

/**
 * Attributions (x - x') * sum_i w_i * grad f(x' + alpha_i (x - x')) for the rule's nodes alpha_i
 * and weights w_i, f the explained output of class `target`.
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
  const rule = integrationRule(method, steps);
  const total = rule.alphas.length;
  const explained = explainedOutput(classifier, target, output);
  const scores = new Array<number>(total);
  const gradientNorms = new Array<number>(total);

  if (signal?.aborted) throw abortError();
  const difference = tf.sub(image, baseline) as tf.Tensor3D;
  let accumulated: tf.Tensor3D = tf.zeros(image.shape);
  try {
    for (let start = 0; start < total; start += batchSize) {
      const end = Math.min(start + batchSize, total);
      const batch = tf.tidy(() => {
        const alphas = tf.tensor1d(rule.alphas.slice(start, end)).reshape([-1, 1, 1, 1]);
        const weights = tf.tensor1d(rule.weights.slice(start, end)).reshape([-1, 1, 1, 1]);
        // The tutorial's interpolate_images: baseline + alpha * (image - baseline).
        const points = tf.add(baseline.expandDims(0), tf.mul(alphas, difference.expandDims(0)));
        const { value, grad } = withTapeRelease(() =>
          tf.valueAndGrad(explained)(points as tf.Tensor4D),
        );
        explained.check();
        const weightedSum = tf.sum(tf.mul(grad, weights), 0);
        const norms = tf.mean(tf.abs(grad), [1, 2, 3]);
        return {
          next: tf.add(accumulated, weightedSum) as tf.Tensor3D,
          // One read per batch: scores and mean |gradient| together.
          readout: tf.stack([value, norms]),
        };
      });
      accumulated.dispose();
      accumulated = batch.next;
      let values: Float32Array;
      try {
        values = (await batch.readout.data()) as Float32Array;
      } finally {
        batch.readout.dispose();
      }
      const count = end - start;
      for (let i = 0; i < count; i++) {
        scores[start + i] = values[i];
        gradientNorms[start + i] = values[count + i];
      }
      onProgress?.({ stepsDone: end, stepsTotal: total, fraction: end / total });
      await yieldToEventLoop();
      if (signal?.aborted) throw abortError();
    }

    const attributionsTensor = tf.mul(difference, accumulated);
    let attributions: Float32Array;
    try {
      attributions = (await attributionsTensor.data()) as Float32Array;
    } finally {
      attributionsTensor.dispose();
    }
    let sum = 0;
    for (let i = 0; i < attributions.length; i++) sum += attributions[i];

    const [scoreBaseline, scoreInput] = await endScores(explained, image, baseline, method, scores);
    if (signal?.aborted) throw abortError();
    return {
      attributions,
      shape: [...image.shape] as [number, number, number],
      sum,
      scoreInput,
      scoreBaseline,
      delta: Math.abs(sum - (scoreInput - scoreBaseline)),
      steps,
      method,
      path: { alphas: rule.alphas.slice(), scores, gradientNorms },
    };
  } catch (error) {
    throw asIgError(error);
  } finally {
    difference.dispose();
    accumulated.dispose();
  }
}

interface ExplainedOutput {
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
function explainedOutput(
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
 * The explained output at alpha = 0 and alpha = 1: the path's own evaluations where the rule
 * has that node (trapezoid both, riemann-left 0, riemann-right 1), else one forward pass of
 * the missing ends together.
 */
async function endScores(
  explained: ExplainedOutput,
  image: tf.Tensor3D,
  baseline: tf.Tensor3D,
  method: IgMethod,
  scores: number[],
): Promise<[number, number]> {
  const hasStart = method === 'trapezoid' || method === 'riemann-left';
  const hasEnd = method === 'trapezoid' || method === 'riemann-right';
  const ends: tf.Tensor3D[] = [];
  if (!hasStart) ends.push(baseline);
  if (!hasEnd) ends.push(image);
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
  const scoreBaseline = hasStart ? scores[0] : computed[0];
  const scoreInput = hasEnd ? scores[scores.length - 1] : computed[computed.length - 1];
  return [scoreBaseline, scoreInput];
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
