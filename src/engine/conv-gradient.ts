// The input gradient of a convolution, computed as a forward convolution.
import * as tf from '@tensorflow/tfjs';
import { derivedFilter } from './gradients/derived-filters.js';
import { lazyFilterGradient } from './gradients/lazy-filter.js';
import { overrideGradient } from './gradients/override.js';
import type { ConvAttrs } from './gradients/transposed.js';
import {
  convInfo,
  cropTo,
  isUndilated,
  spreadByStrides,
  transposedConv,
} from './gradients/transposed.js';
import { subPixelInputGradient, subPixelPlan } from './gradients/sub-pixel.js';

type Conv2DAttrs = ConvAttrs & { dataFormat: 'NHWC' | 'NCHW' };

let original: tf.GradConfig | null = null;
/** The backends on which the input gradient runs as a convolution; the others keep TF.js's. */
let fastBackends = new Set<string>();

/**
 * Overrides the gradient of the `Conv2D` kernel so that its input gradient (the only one IG
 * needs) runs as a forward convolution of `dy` with the spatially flipped, in/out-transposed
 * filter: a transposed convolution. On WASM that is XNNPACK's fast convolution instead of the
 * naive `Conv2DBackpropInput` loop (README, "Performance: backend choice"). Strides above 1 are
 * handled by spreading `dy` out with zeros first. Dilated convolutions, whose gradient TF.js does
 * not implement, take this path on every backend. The filter gradient (lazy, never asked for
 * when the filter is a weight) and anything not NHWC go to TF.js's own gradient. The registry is global to TF.js: the override is
 * registered once, and applies only on `backends` (WASM by default, where it was measured; on
 * WebGL the im2col of the 7x7/2 stem's gradient exceeds the texture size limit at 224x224).
 * Calling it again only changes `backends`.
 */
export function registerFastConvGradient(backends: readonly string[] = ['wasm']): void {
  fastBackends = new Set(backends);
  original = overrideGradient(
    'Conv2D',
    // TF.js has no gradient for dilated convolutions: ours runs for them on every backend.
    (backend, attrs) =>
      !isUndilated((attrs as unknown as Conv2DAttrs).dilations) || fastBackends.has(backend),
    (dy, saved, attrs, own) => {
      const a = attrs as unknown as Conv2DAttrs;
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const dx = inputGradient(dy as tf.Tensor4D, x.shape, filter, a);
      if (!dx) return null;
      const dilated = !isUndilated(a.dilations);
      return {
        x: dx,
        filter: lazyFilterGradient(own, [dy, saved, attrs], dilated, 'convolution'),
      };
    },
  );
}

/** TF.js's own Conv2D gradient, or null before `registerFastConvGradient`. Test hook. */
export function originalConvGradient(): tf.GradConfig | null {
  return original;
}

/**
 * The thunk computing dL/dx: for a stride of 2 or more that tiles x, the sub-pixel convolution
 * (subPixelInputGradient); else a stride-1 convolution of the spread-out dy with the spatially
 * flipped, in/out-transposed filter (transposedConv). Null where TF.js's own gradient should run
 * (NCHW).
 */
function inputGradient(
  dy: tf.Tensor4D,
  xShape: [number, number, number, number],
  filter: tf.Tensor4D,
  attrs: Conv2DAttrs,
): (() => tf.Tensor) | null {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') return null;
  const info = convInfo(xShape, filter.shape, attrs);
  const plan = subPixelPlan(info);
  if (plan) return () => subPixelInputGradient(dy, filter, plan);
  const { padding, crop } = transposedConv(info);
  const dilations: [number, number] = [info.dilationHeight, info.dilationWidth];
  return () => {
    // A 1x1 filter (most of a MobileNet's) has nothing to flip: no Reverse kernel.
    const [height, width] = filter.shape;
    const flipped = derivedFilter(filter, 'transposed', () => {
      const spatial = height === 1 && width === 1 ? filter : tf.reverse(filter, [0, 1]);
      return tf.transpose(spatial, [0, 1, 3, 2]) as tf.Tensor4D;
    });
    const padded: tf.backend_util.ExplicitPadding = [[0, 0], ...padding, [0, 0]];
    const dx = tf.conv2d(spreadByStrides(dy, info), flipped, 1, padded, 'NHWC', dilations);
    return cropTo(dx, info, crop);
  };
}
