// Copies of evenly spaced runs between typed arrays (views of WASM memory), for the kernels here.
import type * as tf from '@tensorflow/tfjs';

/** Runs shorter than this are copied element by element; longer ones by TypedArray.set. */
const SHORT_RUN = 16;

/**
 * `count` runs of `length` values from `source`, the first at `from` and then every `stride`,
 * written one after another into `target` from `to`.
 */
export function copyRuns(
  source: tf.TypedArray,
  target: tf.TypedArray,
  from: number,
  stride: number,
  length: number,
  count: number,
  to = 0,
): void {
  if (length === stride) {
    target.set(source.subarray(from, from + length * count), to);
    return;
  }
  for (let r = 0; r < count; r++, from += stride, to += length) {
    if (length < SHORT_RUN) {
      for (let k = 0; k < length; k++) target[to + k] = source[from + k];
    } else {
      target.set(source.subarray(from, from + length), to);
    }
  }
}
