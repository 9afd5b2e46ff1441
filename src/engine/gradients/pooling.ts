// The input gradient of max pooling on WASM: right for negative windows, and without MaxPoolGrad.
import * as tf from '@tensorflow/tfjs';
import { MAX_POOL_INPUT_GRADIENT } from '../kernels/max-pool-gradient.js';
import { overrideGradient } from './override.js';

/**
 * Overrides the gradient of `MaxPool` on the backends where the engine registered
 * MAX_POOL_INPUT_GRADIENT (WASM, kernels/max-pool-gradient.ts). WASM's own max-pooling kernels
 * (tfjs-backend-wasm 4.22) start each window's maximum at FLT_MIN, the smallest positive float:
 * its MaxPoolGrad and MaxPoolWithArgmax are wrong for windows whose values are all at most that
 * (a max pool after a linear conv, or an all-zero window after a ReLU), and MaxPoolGrad took
 * about 50 times as long per call as the forward MaxPool (tf.profile of Inception V1). Ours gives
 * the values of TF.js's CPU MaxPoolGrad. A pool of anything but float32 keeps TF.js's gradient.
 */
export function registerMaxPoolInputGradient(): void {
  overrideGradient(
    'MaxPool',
    (backend) => tf.getKernel(MAX_POOL_INPUT_GRADIENT, backend) !== undefined,
    (dy, [x, y], attrs) => {
      if (x.dtype !== 'float32') return null;
      return {
        x: () =>
          tf
            .engine()
            .runKernel(MAX_POOL_INPUT_GRADIENT, { dy: dy as tf.Tensor, x, y }, attrs) as tf.Tensor,
      };
    },
  );
}
