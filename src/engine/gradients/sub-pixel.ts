// The input gradient of a strided convolution as one stride-1 convolution and a DepthToSpace.
import * as tf from '@tensorflow/tfjs';
import { derivedFilter } from './derived-filters.js';

/** Along one axis: dy's padding, the sub-filters' length and their taps in the forward filter. */
interface AxisPlan {
  before: number;
  after: number;
  length: number;
  /** taps[b][u]: the forward filter's index feeding dx[s*a + b] from dy[a + u - before], or -1. */
  taps: number[][];
}

/**
 * With stride s, forward padding P and filter size K, dx[s*a + b] = sum over u of
 * dy[a + u - L] * f[b + P + s*(L - u)] (f zero outside [0, K)): for each phase b, a stride-1
 * correlation of dy with a sub-filter of f. L = floor((K - 1 - P) / s) keeps every tap at u >= 0.
 * Null where the phases do not tile x (a size that is not a multiple of s) or would need dy
 * cropped (P >= K, or more dy than the phases read): the zero-spread path serves those.
 */
function axisPlan(
  size: number,
  outSize: number,
  filter: number,
  pad: number,
  stride: number,
): AxisPlan | null {
  const before = Math.floor((filter - 1 - pad) / stride);
  if (before < 0 || size % stride !== 0) return null;
  const length = before + Math.floor((stride - 1 + pad) / stride) + 1;
  const after = size / stride - outSize - before + length - 1;
  if (after < 0) return null;
  const taps = Array.from({ length: stride }, (_, b) =>
    Array.from({ length }, (_, u) => {
      const k = b + pad + stride * (before - u);
      return k >= 0 && k < filter ? k : -1;
    }),
  );
  return { before, after, length, taps };
}

export interface SubPixelPlan {
  rows: AxisPlan;
  columns: AxisPlan;
  stride: number;
}

/**
 * The sub-pixel plan of a strided, undilated Conv2D's input gradient, or null where it does not
 * apply (stride 1, unequal strides, dilation, or an axisPlan null).
 */
export function subPixelPlan(info: tf.backend_util.Conv2DInfo): SubPixelPlan | null {
  const stride = info.strideHeight;
  if (stride === 1 || info.strideWidth !== stride) return null;
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  const rows = axisPlan(info.inHeight, info.outHeight, info.filterHeight, info.padInfo.top, stride);
  const columns = axisPlan(
    info.inWidth,
    info.outWidth,
    info.filterWidth,
    info.padInfo.left,
    stride,
  );
  return rows && columns ? { rows, columns, stride } : null;
}

/**
 * dL/dx of a strided Conv2D: dy convolved (stride 1) with the s*s phases' sub-filters stacked
 * along the output channels, [Th, Tw, Cout, s*s*Cin] in DepthToSpace's (row phase, column
 * phase, channel) order, then DepthToSpace(s). Unlike convolving dy spread out with zeros, no
 * multiplication by an inserted zero: a quarter of the work at stride 2. The sub-filters are
 * gathered from the filter [Kh, Kw, Cin, Cout] (a tap index -1 picks an appended zero).
 */
export function subPixelInputGradient(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  { rows, columns, stride }: SubPixelPlan,
): tf.Tensor4D {
  const subFilters = derivedFilter(
    filter,
    `sub-pixel ${JSON.stringify(rows.taps)} ${JSON.stringify(columns.taps)}`,
    () => gatherSubFilters(filter, rows, columns, stride),
  );
  const padding: tf.backend_util.ExplicitPadding = [
    [0, 0],
    [rows.before, rows.after],
    [columns.before, columns.after],
    [0, 0],
  ];
  const phased = tf.conv2d(dy, subFilters, 1, padding, 'NHWC');
  return tf.depthToSpace(phased, stride, 'NHWC');
}

/** The s*s phases' sub-filters of `filter`, [Th, Tw, Cout, s*s*Cin] (see subPixelInputGradient). */
function gatherSubFilters(
  filter: tf.Tensor4D,
  rows: AxisPlan,
  columns: AxisPlan,
  stride: number,
): tf.Tensor4D {
  const [kh, kw, cin, cout] = filter.shape;
  const zero = kh * kw;
  const indices: number[] = [];
  for (let u = 0; u < rows.length; u++)
    for (let v = 0; v < columns.length; v++)
      for (let bh = 0; bh < stride; bh++)
        for (let bw = 0; bw < stride; bw++) {
          const i = rows.taps[bh][u];
          const j = columns.taps[bw][v];
          indices.push(i < 0 || j < 0 ? zero : i * kw + j);
        }
  const taps = tf.concat([tf.reshape(filter, [zero, cin, cout]), tf.zeros([1, cin, cout])]);
  const gathered = tf.gather(taps, tf.tensor1d(indices, 'int32'));
  const phases = tf.reshape(gathered, [rows.length, columns.length, stride, stride, cin, cout]);
  return tf.reshape(tf.transpose(phases, [0, 1, 5, 2, 3, 4]), [
    rows.length,
    columns.length,
    cout,
    stride * stride * cin,
  ]) as tf.Tensor4D;
}
