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
 * zero gradient). spread(dy) ends in s - 1 zero rows and columns, which stand for that much of
 * the bottom and right padding. A pad that comes out negative is a crop of the result instead:
 * at the start, an explicit forward pad larger than the filter (outputs that read only
 * padding); at the end, fewer padding rows than the spread's trailing zeros.
 */
export function transposedConv(info: tf.backend_util.Conv2DInfo): TransposedConv {
  const { effectiveFilterHeight: eh, effectiveFilterWidth: ew } = info;
  const spreadHeight = info.outHeight * info.strideHeight;
  const spreadWidth = info.outWidth * info.strideWidth;
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

/**
 * `dy` with stride - 1 zeros after each row and column, the last included: [n, h*sh, w*sw, c].
 * A Pad along each axis of dy seen as [n*h, 1, w, c] and then [n*H, w, 1, c] (rank 4: WebGL
 * compiles no Pad of rank 5). The zeros after the last row and column are padding the
 * convolution would add anyway (transposedConv), so nothing is sliced off (WASM's Slice of a 4D
 * tensor copies channel runs one by one from JavaScript).
 */
export function spreadByStrides(dy: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  const { strideHeight: sh, strideWidth: sw } = info;
  const [n, h, w, c] = dy.shape;
  let spread = dy;
  if (sh > 1) {
    const rows = tf.pad(tf.reshape(spread, [n * h, 1, w, c]), [
      [0, 0],
      [0, sh - 1],
      [0, 0],
      [0, 0],
    ]);
    spread = tf.reshape(rows, [n, h * sh, w, c]);
  }
  if (sw > 1) {
    const height = spread.shape[1];
    const columns = tf.pad(tf.reshape(spread, [n * height, w, 1, c]), [
      [0, 0],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ]);
    spread = tf.reshape(columns, [n, height, w * sw, c]);
  }
  return spread;
}

/** True for a missing (undefined or null: tfjs-layers passes null) or all-ones dilation. */
export function isUndilated(dilations: number | [number, number] | null | undefined): boolean {
  return dilations == null || tf.backend_util.tupleValuesAreOne(dilations);
}
