// The input gradient of Relu6 on WASM in one pass over WASM memory.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdFunctions } from './simd.js';

/** The kernel's name: not one of TF.js's, so it runs only where the engine asks for it. */
export const RELU6_INPUT_GRADIENT = 'IgRelu6InputGradient';

/**
 * Registers RELU6_INPUT_GRADIENT on WASM: inputs `dy` and `x` (float32, the same shape), output
 * dy * m with m 1 on (0, 6], 0 elsewhere and NaN where x is NaN: TF.js's own Relu6 gradient,
 * dy * cast(lessEqual(x, 6) * step(x)), bit for bit. One pass, four values at a time in the
 * engine's WASM SIMD function (simd.wat) where it runs, in JavaScript elsewhere and for the last
 * values; the float formula before it took five kernels (two Steps, two Subs and a Multiply,
 * 8% of a MobileNetV2 evaluation).
 */
export function registerRelu6InputGradientKernel(): void {
  if (tf.getKernel(RELU6_INPUT_GRADIENT, 'wasm')) return;
  tf.registerKernel({
    kernelName: RELU6_INPUT_GRADIENT,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
      const wasm = backend as BackendWasm;
      const out = wasm.makeOutput(x.shape, 'float32');
      // Views taken after the allocation, which may grow WASM memory and detach older ones.
      const dx = wasm.typedArrayFromHeap(out) as Float32Array;
      const xs = wasm.typedArrayFromHeap(x) as Float32Array;
      const dys = wasm.typedArrayFromHeap(dy) as Float32Array;
      const simd = simdFunctions(wasm);
      const done = simd ? dx.length & ~3 : 0;
      if (simd && done > 0)
        simd.relu6InputGradient(dys.byteOffset, xs.byteOffset, dx.byteOffset, done);
      for (let i = done; i < dx.length; i++) {
        const v = xs[i];
        dx[i] = dys[i] * (v > 0 && v <= 6 ? 1 : v !== v ? v : 0);
      }
      return out;
    },
  });
}
