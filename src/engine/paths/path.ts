// The path an integral of gradients follows from its start (alpha = 0) to the image (alpha = 1).
import * as tf from '@tensorflow/tfjs';

/**
 * A path gamma on [0, 1] with gamma(1) the image. Attributions are
 * factor * sum_i w_i * integrand(grad f(gamma(alpha_i)), alpha_i); for a path whose velocity
 * gamma' is one constant tensor (the straight line, x - x'), `integrand` is the gradient itself
 * and `factor` is that constant, multiplied once at the end instead of at every point.
 *
 * `points` and `integrand` are called inside tf.tidy and must not dispose what they hold.
 */
export interface IntegrationPath {
  /** gamma(alpha) for each of the N `alphas`: [N, h, w, c]. */
  points(alphas: readonly number[]): tf.Tensor4D;
  /** gamma'(alpha) * grad for grad [N, h, w, c] at those alphas, or grad when gamma' is `factor`. */
  integrand(grad: tf.Tensor4D, alphas: readonly number[]): tf.Tensor4D;
  /** The constant velocity multiplied at the end, or null. */
  readonly factor: tf.Tensor3D | null;
  dispose(): void;
}

/** IG's straight line baseline + alpha (image - baseline), as the tutorial's interpolate_images. */
export function straightPath(image: tf.Tensor3D, baseline: tf.Tensor3D): IntegrationPath {
  const difference = tf.sub(image, baseline) as tf.Tensor3D;
  return {
    points: (alphas) =>
      tf.add(
        baseline.expandDims(0),
        tf.mul(tf.tensor1d([...alphas]).reshape([-1, 1, 1, 1]), difference.expandDims(0)),
      ) as tf.Tensor4D,
    integrand: (grad) => grad,
    factor: difference,
    dispose: () => difference.dispose(),
  };
}
