// The input gradient of max pooling where a backend's MaxPoolGrad kernel is wrong.
import * as tf from '@tensorflow/tfjs';
import { ownGradient } from './own-gradient.js';

/**
 * Backends whose MaxPoolGrad kernel gives wrong values for windows whose values are all
 * negative (WASM, tfjs-backend-wasm 4.22: a max pool after a linear conv, not after a ReLU).
 * The position of a window's maximum does not change when a constant is added to the input,
 * so the kernel is given the input and output shifted to be positive.
 */
const NEGATIVE_WINDOWS_WRONG = new Set(['wasm']);
let registered = false;

/** Overrides the gradient of `MaxPool` on NEGATIVE_WINDOWS_WRONG backends (see above). */
export function registerMaxPoolInputGradient(): void {
  if (registered) return;
  const own = ownGradient('MaxPool');
  registered = true;
  tf.registerGradient({
    kernelName: 'MaxPool',
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      if (!NEGATIVE_WINDOWS_WRONG.has(tf.getBackend())) return own.gradFunc(dy, saved, attrs);
      const [x, y] = saved;
      return {
        x: () => {
          const shift = tf.sub(1, tf.min(x));
          return tf
            .engine()
            .runKernel(
              'MaxPoolGrad',
              { dy: dy as tf.Tensor, input: tf.add(x, shift), output: tf.add(y, shift) },
              attrs,
            ) as tf.Tensor;
        },
      };
    },
  });
}
