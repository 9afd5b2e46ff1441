// The gradient of Relu6 (graph models' fused conv activations) in one kernel on WASM.
import * as tf from '@tensorflow/tfjs';
import { RELU6_INPUT_GRADIENT } from '../kernels/relu6-gradient.js';
import { overrideGradient } from './override.js';

/**
 * Overrides the gradient of `Relu6` on the backends where the engine registered
 * RELU6_INPUT_GRADIENT (WASM, kernels/relu6-gradient.ts): TF.js's own,
 * dy * cast(lessEqual(x, 6) * step(x)), takes WASM's LessEqual against a scalar through its
 * generic broadcasting loop (11% of a MobileNetV2 evaluation, tf.profile) and two Casts; the
 * kernel gives the same values in one pass. Anything but float32 keeps TF.js's gradient.
 */
export function registerRelu6Gradient(): void {
  overrideGradient(
    'Relu6',
    (backend) => tf.getKernel(RELU6_INPUT_GRADIENT, backend) !== undefined,
    (dy, [x]) => {
      if (x.dtype !== 'float32') return null;
      return {
        x: () =>
          tf.engine().runKernel(RELU6_INPUT_GRADIENT, { dy: dy as tf.Tensor, x }) as tf.Tensor,
      };
    },
  );
}
