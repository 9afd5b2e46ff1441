// The input gradient of a 2D max pool on WASM: each window's dy added at its first maximum.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdFunctions } from './simd.js';

/** The kernel's name: not one of TF.js's, so it runs only where the engine asks for it. */
export const MAX_POOL_INPUT_GRADIENT = 'IgMaxPoolInputGradient';

/** Its attributes: those of the forward MaxPool. */
export interface MaxPoolGradientAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Registers MAX_POOL_INPUT_GRADIENT on WASM: inputs `dy` (the pool's output gradient), `x` (its
 * input, float32, NHWC) and `y` (its output), output dL/dx. The first of equal maxima in a window
 * takes its dy, as in TF.js's CPU MaxPoolGrad; WASM's own MaxPoolGrad and MaxPoolWithArgmax start
 * each maximum at FLT_MIN, wrong for windows of values at most that (pooling.ts), while its
 * forward MaxPool (XNNPACK) is right. It works straight in WASM memory (replacing, on Inception
 * V1, MaxPoolWithArgmax, 10-13% of an evaluation, the ScatterNd after it and the shift of x):
 * four channels at a time in the engine's WASM SIMD function (simd.wat, on TF.js's memory;
 * 139 to 28 ms for a batch of 5 on Inception V1), the channels past a multiple of 4 (and every
 * channel where that function cannot run: no SIMD, or the threaded build's shared memory) in
 * JavaScript.
 */
export function registerMaxPoolInputGradientKernel(): void {
  if (tf.getKernel(MAX_POOL_INPUT_GRADIENT, 'wasm')) return;
  tf.registerKernel({
    kernelName: MAX_POOL_INPUT_GRADIENT,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { dy, x, y } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo; y: tf.TensorInfo };
      const { filterSize, strides, pad, dimRoundingMode } =
        attrs as unknown as MaxPoolGradientAttrs;
      const wasm = backend as BackendWasm;
      const info = tf.backend_util.computePool2DInfo(
        x.shape as [number, number, number, number],
        filterSize,
        strides,
        1,
        pad,
        dimRoundingMode,
      );
      const out = wasm.makeOutput(x.shape, 'float32');
      // Views taken after the allocation, which may grow WASM memory and detach older ones.
      const dx = wasm.typedArrayFromHeap(out) as Float32Array;
      const [xs, ys, dys] = [x, y, dy].map((t) => wasm.typedArrayFromHeap(t) as Float32Array);
      dx.fill(0);
      const simd = simdFunctions(wasm)?.scatterToMaxima;
      const channels4 = simd ? info.inChannels & ~3 : 0;
      if (simd && channels4 > 0) {
        const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
        const { strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
        simd(
          xs.byteOffset,
          ys.byteOffset,
          dys.byteOffset,
          dx.byteOffset,
          batchSize,
          inHeight,
          inWidth,
          inChannels,
          channels4,
          outHeight,
          outWidth,
          strideHeight,
          strideWidth,
          filterHeight,
          filterWidth,
          padInfo.top,
          padInfo.left,
        );
      }
      scatterToMaxima(xs, ys, dys, dx, info, channels4);
      return out;
    },
  });
}

/**
 * dx (zero on entry) += every window's dy where x first equals the window's maximum y (the
 * forward pool's output, which is one of the window's values), in the window's row-major order,
 * for the channels from `from` on. Looking for the known maximum stops at it, and its test is
 * rarely true: about half the comparisons of a running maximum, and branches that predict well.
 */
function scatterToMaxima(
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  from: number,
): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  if (from >= channels) return;
  const rowStride = inWidth * channels;
  let o = 0; // y's and dy's index of (n, i, j, 0)
  for (let n = 0; n < batchSize; n++) {
    const image = n * inHeight * rowStride;
    for (let i = 0; i < outHeight; i++) {
      const r0 = Math.max(0, i * strideHeight - top);
      const r1 = Math.min(inHeight, i * strideHeight - top + filterHeight);
      for (let j = 0; j < outWidth; j++, o += channels) {
        const c0 = Math.max(0, j * strideWidth - left);
        const c1 = Math.min(inWidth, j * strideWidth - left + filterWidth);
        for (let k = from; k < channels; k++) {
          const max = y[o + k];
          search: for (let r = r0; r < r1; r++) {
            for (
              let c = c0, p = image + r * rowStride + c0 * channels + k;
              c < c1;
              c++, p += channels
            ) {
              if (x[p] === max) {
                dx[p] += dy[o + k];
                break search;
              }
            }
          }
        }
      }
    }
  }
}
