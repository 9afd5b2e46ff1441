// The input gradient of max pooling on WASM: right for negative windows, and without MaxPoolGrad.
import * as tf from '@tensorflow/tfjs';
import { overrideGradient } from './override.js';

/**
 * Backends whose max-pooling kernels start each window's maximum at FLT_MIN, the smallest
 * positive float (WASM, tfjs-backend-wasm 4.22): MaxPoolGrad and MaxPoolWithArgmax are wrong for
 * windows whose values are all at most that (a max pool after a linear conv, or an all-zero
 * window after a ReLU). The position of a window's maximum does not change when a constant is
 * added to the input, so they are given the input shifted to be at least 1.
 */
const NEGATIVE_WINDOWS_WRONG = new Set(['wasm']);

interface MaxPoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Overrides the gradient of `MaxPool` on NEGATIVE_WINDOWS_WRONG backends (see above): dL/dx is
 * dy scattered to each window's argmax (MaxPoolWithArgmax, then ScatterNd, which sums what
 * overlapping windows send to one position): the values MaxPoolGrad gives, in about a third of
 * its time on WASM (tf.profile of Inception V1, where MaxPoolGrad took about 50 times as long
 * per call as the forward MaxPool). A pool with a `dimRoundingMode` (which MaxPoolWithArgmax
 * does not take) keeps MaxPoolGrad.
 */
export function registerMaxPoolInputGradient(): void {
  overrideGradient(
    'MaxPool',
    (backend) => NEGATIVE_WINDOWS_WRONG.has(backend),
    (dy, [x, y], attrs) => {
      const a = attrs as unknown as MaxPoolAttrs;
      return {
        x: () => {
          const shift = tf.sub(1, tf.min(x));
          if (a.dimRoundingMode != null) {
            const inputs = {
              dy: dy as tf.Tensor,
              input: tf.add(x, shift),
              output: tf.add(y, shift),
            };
            return tf.engine().runKernel('MaxPoolGrad', inputs, attrs) as tf.Tensor;
          }
          return argmaxGradient(dy as tf.Tensor4D, tf.add(x, shift) as tf.Tensor4D, a);
        },
      };
    },
  );
}

/** dy summed into the positions of x that each window's maximum came from. */
function argmaxGradient(dy: tf.Tensor4D, x: tf.Tensor4D, attrs: MaxPoolAttrs): tf.Tensor4D {
  const { filterSize, strides, pad } = attrs;
  const [, indexes] = tf.engine().runKernel('MaxPoolWithArgmax', { x }, {
    filterSize,
    strides,
    pad,
    includeBatchInIndex: true,
  } as unknown as tf.NamedAttrMap) as tf.Tensor[];
  const flat = tf.scatterND(tf.reshape(indexes, [-1, 1]), tf.reshape(dy, [-1]), [x.size]);
  return tf.reshape(flat, x.shape);
}
