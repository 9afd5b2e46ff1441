// The gradient of Relu6 (graph models' fused conv activations) without boolean kernels on WASM.
import * as tf from '@tensorflow/tfjs';
import { overrideGradient } from './override.js';

/**
 * Backends on which TF.js's Relu6 gradient, dy * cast(lessEqual(x, 6) * step(x)), is slow: WASM's
 * LessEqual against a scalar takes its generic broadcasting loop (11% of a MobileNetV2
 * evaluation, tf.profile), and the boolean mask costs two Casts.
 */
const BOOLEAN_MASK_SLOW = new Set(['wasm']);

/**
 * Overrides the gradient of `Relu6` on BOOLEAN_MASK_SLOW backends with
 * dy * (step(x) - step(x - 6)): the same mask, 1 on (0, 6] and 0 elsewhere (x - 6 > 0 exactly
 * when x > 6 in floating point; NaN stays NaN), from float kernels only. Registered once.
 */
export function registerRelu6Gradient(): void {
  overrideGradient(
    'Relu6',
    (backend) => BOOLEAN_MASK_SLOW.has(backend),
    (dy, [x]) => ({
      x: () => tf.mul(dy as tf.Tensor, tf.sub(tf.step(x), tf.step(tf.sub(x, 6)))),
    }),
  );
}
