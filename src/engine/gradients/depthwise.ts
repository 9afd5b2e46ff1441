// The input gradient of a depthwise convolution as a forward depthwise convolution.
import * as tf from '@tensorflow/tfjs';
import { derivedFilter } from './derived-filters.js';
import { lazyFilterGradient } from './lazy-filter.js';
import { overrideGradient } from './override.js';
import type { ConvAttrs } from './transposed.js';
import { convInfo, cropTo, isUndilated, spreadByStrides, transposedConv } from './transposed.js';

const KERNEL = 'DepthwiseConv2dNative';
const BACKPROP_INPUT = 'DepthwiseConv2dNativeBackpropInput';

/**
 * Overrides the gradient of `DepthwiseConv2dNative` so that dL/dx runs as a forward depthwise
 * convolution (see depthwiseInputGradient) on every backend without a
 * DepthwiseConv2dNativeBackpropInput kernel (WASM; tensorflow/tfjs#8474) and, on every backend,
 * for dilated convolutions, whose gradient TF.js does not implement. Elsewhere TF.js's own
 * gradient runs. The filter gradient stays TF.js's, and lazy: the tape never asks for it when
 * the filter is a weight. Registered once; the registry is global to TF.js.
 */
export function registerDepthwiseInputGradient(): void {
  overrideGradient(
    KERNEL,
    (backend, attrs) =>
      !isUndilated((attrs as unknown as ConvAttrs).dilations) ||
      tf.getKernel(BACKPROP_INPUT, backend) === undefined,
    (dy, saved, attrs, own) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as ConvAttrs;
      const dilated = !isUndilated(a.dilations);
      const dx = depthwiseInputGradient(dy as tf.Tensor4D, x.shape, filter, a);
      return {
        x: dx,
        filter: lazyFilterGradient(own, [dy, saved, attrs], dilated, 'depthwise convolution'),
      };
    },
  );
}

/**
 * The thunk computing dL/dx. Filter [kh, kw, C, m] seen as [kh, kw, C*m, 1]: output channel c*m + q of the forward
 * pass read input channel c through f[:, :, c, q]; so dx[c] = sum over q of the transposed
 * depthwise convolution of dy[c*m + q] with that filter, flipped (transposedConv).
 */
export function depthwiseInputGradient(
  dy: tf.Tensor4D,
  xShape: [number, number, number, number],
  filter: tf.Tensor4D,
  attrs: ConvAttrs,
): () => tf.Tensor4D {
  const info = convInfo(xShape, filter.shape, attrs, true);
  const { padding, crop } = transposedConv(info);
  const [kh, kw, channels, multiplier] = filter.shape;
  const dilations: [number, number] = [info.dilationHeight, info.dilationWidth];
  return () => {
    const flipped = derivedFilter(filter, 'depthwise flipped', () =>
      tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, channels * multiplier, 1]),
    );
    const spread = spreadByStrides(dy, info);
    const perOutput = tf.depthwiseConv2d(
      spread,
      flipped as tf.Tensor4D,
      1,
      [[0, 0], ...padding, [0, 0]],
      'NHWC',
      dilations,
    );
    const dx = cropTo(perOutput, info, crop);
    if (multiplier === 1) return dx;
    const [n, h, w] = dx.shape;
    return tf.sum(tf.reshape(dx, [n, h, w, channels, multiplier]), 4);
  };
}
