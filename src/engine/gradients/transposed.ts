// The input gradient of a strided, padded, dilated convolution as a forward convolution.
import * as tf from '@tensorflow/tfjs';

/** The attributes of Conv2D and DepthwiseConv2dNative that shape the convolution. */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The forward convolution's geometry; `depthwise` for DepthwiseConv2dNative. */
export function convInfo(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: ConvAttrs,
  depthwise = false,
): tf.backend_util.Conv2DInfo {
  const { strides, dilations, pad, dimRoundingMode } = attrs;
  return tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    depthwise,
  );
}

export interface TransposedConv {
  /** Non-negative [[top, bottom], [left, right]] padding of spread(dy). */
  padding: [[number, number], [number, number]];
  /** Rows and columns to drop from the start of the result (explicit pads larger than the filter). */
  crop: [number, number];
}

/**
 * How a stride-1 convolution of spread(dy) (see `spreadByStrides`) with the flipped filter gives
 * dL/dx, with `info` the forward convolution's. With the forward padding (top, left), stride s
 * and dilation d, x's row i feeds dy's row o through filter row k where i = s*o + d*k - top; so
 * dx = conv(spread(dy), flipped filter, dilation d) with top padding d*(kh - 1) - top, and the
 * bottom and right pads chosen so the result has x's size (rows of x that fed no output get
 * zero gradient). A pad that comes out negative (an explicit forward pad larger than the
 * filter: outputs that read only padding) is a crop of the result instead.
 */
export function transposedConv(info: tf.backend_util.Conv2DInfo): TransposedConv {
  const { effectiveFilterHeight: eh, effectiveFilterWidth: ew } = info;
  const spreadHeight = (info.outHeight - 1) * info.strideHeight + 1;
  const spreadWidth = (info.outWidth - 1) * info.strideWidth + 1;
  const top = eh - 1 - info.padInfo.top;
  const left = ew - 1 - info.padInfo.left;
  const bottom = info.inHeight + eh - 1 - top - spreadHeight;
  const right = info.inWidth + ew - 1 - left - spreadWidth;
  return {
    padding: [
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
    ],
    crop: [Math.max(0, -top), Math.max(0, -left)],
  };
}

/** `result` cut to x's size: `crop` rows and columns off the start, the excess off the end. */
export function cropTo(
  result: tf.Tensor4D,
  info: tf.backend_util.Conv2DInfo,
  crop: [number, number],
): tf.Tensor4D {
  const [, height, width] = result.shape;
  if (crop[0] === 0 && crop[1] === 0 && height === info.inHeight && width === info.inWidth) {
    return result;
  }
  return tf.slice(result, [0, crop[0], crop[1], 0], [-1, info.inHeight, info.inWidth, -1]);
}

/** `dy` with stride - 1 zeros between consecutive rows and columns. */
export function spreadByStrides(dy: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  return spreadOut(spreadOut(dy, 1, info.strideHeight), 2, info.strideWidth);
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

/** True for a missing (undefined or null: tfjs-layers passes null) or all-ones dilation. */
export function isUndilated(dilations: number | [number, number] | null | undefined): boolean {
  return dilations == null || tf.backend_util.tupleValuesAreOne(dilations);
}
