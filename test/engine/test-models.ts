// Small classifiers with seeded weights for the engine tests. Each returns its weights so the
// test can dispose them.
import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../../src/engine/preprocess.js';

export interface TestModel {
  classifier: Classifier;
  weights: tf.Tensor[];
  dispose(): void;
}

/** logits = flatten(x) @ w: the gradient of logit k is w[:, k] everywhere. */
export function linearModel(
  pixels: number,
  classes: number,
  seed: number,
): TestModel & { w: tf.Tensor2D } {
  const w = tf.randomNormal([pixels, classes], 0, 1, 'float32', seed) as tf.Tensor2D;
  return {
    w,
    classifier: (batch) => tf.matMul(tf.reshape(batch, [batch.shape[0], -1]), w),
    weights: [w],
    dispose: () => w.dispose(),
  };
}

/**
 * conv 3x3 (8 filters, same) + bias -> relu -> max pool 2x2 -> dense to `classes` logits, for
 * [N, size, size, 3] input. Weight scales give logits of a few units, so the softmax bends.
 * `smooth` swaps relu and max pool for softplus and average pool: the same shape of network
 * with a smooth path integrand, where quadrature error falls steadily with steps (relu and max
 * pool put kinks on the path, which make the error fall unevenly).
 */
export function convModel(
  size: number,
  classes: number,
  seed: number,
  kind: 'relu' | 'smooth' = 'relu',
): TestModel {
  const filters = 8;
  const kernel = tf.randomNormal([3, 3, 3, filters], 0, 0.6, 'float32', seed) as tf.Tensor4D;
  const bias = tf.randomNormal([filters], 0, 0.3, 'float32', seed + 1) as tf.Tensor1D;
  const features = (size / 2) * (size / 2) * filters;
  const dense = tf.randomNormal(
    [features, classes],
    0,
    3 / Math.sqrt(features),
    'float32',
    seed + 2,
  ) as tf.Tensor2D;
  const weights = [kernel, bias, dense];
  return {
    classifier: (batch) => {
      const preActivation = tf.add(tf.conv2d(batch, kernel, 1, 'same'), bias) as tf.Tensor4D;
      const pooled =
        kind === 'relu'
          ? tf.maxPool(tf.relu(preActivation), 2, 2, 'valid')
          : tf.avgPool(tf.softplus(preActivation), 2, 2, 'valid');
      return tf.matMul(tf.reshape(pooled, [batch.shape[0], -1]), dense);
    },
    weights,
    dispose: () => weights.forEach((t) => t.dispose()),
  };
}

/** A seeded image with pixels on [0, 1). */
export function testImage(height: number, width: number, seed: number): tf.Tensor3D {
  return tf.randomUniform([height, width, 3], 0, 1, 'float32', seed);
}
