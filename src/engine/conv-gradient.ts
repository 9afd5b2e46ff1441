// The input gradient of a convolution, computed as a forward convolution.
import * as tf from '@tensorflow/tfjs';

type Conv2DAttrs = {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

let original: tf.GradConfig | null = null;
/** The backends on which the input gradient runs as a convolution; the others keep TF.js's. */
let fastBackends = new Set<string>();

/**
 * Overrides the gradient of the `Conv2D` kernel so that its input gradient (the only one IG
 * needs) runs as a forward convolution of `dy` with the spatially flipped, in/out-transposed
 * filter: a transposed convolution. On WASM that is XNNPACK's fast convolution instead of the
 * naive `Conv2DBackpropInput` loop (README, "Performance: backend choice"). Strides above 1 are
 * handled by spreading `dy` out with zeros first. The filter gradient, and anything not NHWC or
 * with dilations, goes to TF.js's own gradient. The registry is global to TF.js: the override is
 * registered once, and applies only on `backends` (WASM by default, where it was measured; on
 * WebGL the im2col of the 7x7/2 stem's gradient exceeds the texture size limit at 224x224).
 * Calling it again only changes `backends`.
 */
export function registerFastConvGradient(backends: readonly string[] = ['wasm']): void {
  fastBackends = new Set(backends);
  if (original) return;
  const own = tf.getGradient('Conv2D');
  if (!own) throw new Error('TF.js has no gradient registered for Conv2D');
  original = own;
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: own.inputsToSave,
    outputsToSave: own.outputsToSave,
    gradFunc: (dy, saved, attrs) => {
      const grads = own.gradFunc(dy, saved, attrs);
      if (!fastBackends.has(tf.getBackend())) return grads;
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const dx = inputGradient(dy as tf.Tensor4D, x.shape, filter, attrs as unknown as Conv2DAttrs);
      return dx ? { ...grads, x: dx } : grads;
    },
  });
}

/** TF.js's own Conv2D gradient, or null before `registerFastConvGradient`. Test hook. */
export function originalConvGradient(): tf.GradConfig | null {
  return original;
}

/**
 * The thunk computing dL/dx as a convolution, or null where TF.js's own gradient should run.
 * With the forward padding (top, left) and stride s, x's row i feeds dy's row o through the
 * filter row k = i + top - s*o; so dx = conv(spread(dy), flipped filter) with top padding
 * kh - 1 - top, where spread puts s - 1 zeros between dy's rows (and columns).
 */
function inputGradient(
  dy: tf.Tensor4D,
  xShape: [number, number, number, number],
  filter: tf.Tensor4D,
  attrs: Conv2DAttrs,
): (() => tf.Tensor) | null {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') return null;
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filter.shape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const [, inHeight, inWidth] = xShape;
  const spreadHeight = (info.outHeight - 1) * sh + 1;
  const spreadWidth = (info.outWidth - 1) * sw + 1;
  const padTop = kh - 1 - top;
  const padLeft = kw - 1 - left;
  // Chosen so that the result has x's size; rows of x that fed no output get zero gradient.
  const padBottom = inHeight + kh - 1 - padTop - spreadHeight;
  const padRight = inWidth + kw - 1 - padLeft - spreadWidth;
  if (Math.min(padTop, padLeft, padBottom, padRight) < 0) return null;
  return () => {
    const spread = spreadOut(spreadOut(dy, 1, sh), 2, sw);
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    return tf.conv2d(spread, flipped as tf.Tensor4D, 1, [
      [0, 0],
      [padTop, padBottom],
      [padLeft, padRight],
      [0, 0],
    ]);
  };
}

/** `t` with `stride - 1` zeros between consecutive entries along `axis` (1 or 2). */
function spreadOut(t: tf.Tensor4D, axis: 1 | 2, stride: number): tf.Tensor4D {
  if (stride === 1 || t.shape[axis] === 1) return t;
  const size = t.shape[axis];
  const zeros = tf.zerosLike(t);
  const parts = [t, ...Array.from({ length: stride - 1 }, () => zeros)];
  // [.., size, stride, ..] flattened interleaves each entry with its zeros.
  const shape = [...t.shape] as number[];
  shape[axis] = size * stride;
  const interleaved = tf.reshape(tf.stack(parts, axis + 1), shape);
  const begin = [0, 0, 0, 0];
  const sliceSize = [...t.shape] as number[];
  sliceSize[axis] = (size - 1) * stride + 1;
  return tf.slice(interleaved, begin, sliceSize) as tf.Tensor4D;
}
