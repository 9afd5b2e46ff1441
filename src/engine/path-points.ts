// One batch of path points through the model: each point's explained score, mean |gradient| and
// integrand, read back. The adaptive rule's evaluation, on its own worker or on a helper.
import * as tf from '@tensorflow/tfjs';
import type { ExplainedOutput } from './gradients.js';
import { withTapeRelease } from './gradients.js';
import type { IntegrationPath } from './paths/path.js';

export interface EvaluatedPoints {
  /** The points' scores, then their mean |gradient| (2N values). */
  values: Float32Array;
  /** The points' integrands, one image after another (N x the image's size). */
  integrands: Float32Array;
}

/** Evaluates `alphas` on `curve` in one pass through the model; no tensor outlives the call. */
export async function evaluatePoints(
  explained: ExplainedOutput,
  curve: IntegrationPath,
  alphas: readonly number[],
): Promise<EvaluatedPoints> {
  const batch = tf.tidy(() => {
    const points = curve.points(alphas);
    const { value, grad } = withTapeRelease(() => tf.valueAndGrad(explained)(points));
    explained.check();
    const readout = tf.stack([value, tf.mean(tf.abs(grad), [1, 2, 3])]);
    return { integrand: curve.integrand(grad as tf.Tensor4D, alphas), readout };
  });
  try {
    const [values, integrands] = (await Promise.all([
      batch.readout.data(),
      batch.integrand.data(),
    ])) as [Float32Array, Float32Array];
    return { values, integrands };
  } finally {
    batch.readout.dispose();
    batch.integrand.dispose();
  }
}
