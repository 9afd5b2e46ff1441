// What every attribution path shares: the explained output of a classifier and its gradient,
// the tape released on failure, TF.js errors users can act on, and a turn of the event loop.
import * as tf from '@tensorflow/tfjs';
import type { IgOutput } from '../shared/types.js';
import { IgError, isIgError } from '../shared/types.js';
import type { Classifier } from './preprocess.js';

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
 * Runs a gradient computation; if it throws (a classifier error, an op without a gradient),
 * frees the tensors TF.js kept on its tape for backprop, as it does itself only on success.
 */
export function withTapeRelease<T>(run: () => T): T {
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
export function asIgError(error: unknown): unknown {
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
export function yieldToEventLoop(): Promise<void> {
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
