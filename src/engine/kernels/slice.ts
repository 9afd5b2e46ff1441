// Slice on WASM straight from WASM memory.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { copyRuns } from './copy-runs.js';
import { replaceKernel } from './replace.js';

/**
 * TF.js's WASM Slice copies its whole input out of WASM memory (readSync) before it copies the
 * slice's runs: a crop of a gradient (gradients/transposed.ts) or of a padded activation paid for
 * the whole tensor (MobileNetV2: 4 calls, 1.5-3% of an evaluation). Here the runs of the last
 * axis are copied straight from WASM memory. Strings keep TF.js's kernel.
 */
export function registerFastSlice(): void {
  replaceKernel('Slice', 'wasm', (args, own) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return own(args);
    const backend = args.backend as BackendWasm;
    const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
    const [start, extent] = tf.slice_util.parseSliceParams(x, begin, size);
    const out = backend.makeOutput(extent, x.dtype);
    // Views taken after the allocation, which may grow WASM memory and detach older ones.
    const source = backend.typedArrayFromHeap(x);
    const target = backend.typedArrayFromHeap(out);
    const rank = x.shape.length;
    if (rank === 0 || tf.util.sizeFromShape(extent) === 0) {
      target.set(source.subarray(0, target.length));
      return out;
    }
    const strides = [...tf.util.computeStrides(x.shape), 1];
    const last = rank - 1;
    // An odometer over every axis but the last, whose runs are copied.
    const index = start.slice(0, last);
    const rows = tf.util.sizeFromShape(extent.slice(0, last));
    for (let row = 0, to = 0; row < rows; row++, to += extent[last]) {
      let from = start[last];
      for (let axis = 0; axis < last; axis++) from += index[axis] * strides[axis];
      copyRuns(source, target, from, extent[last], extent[last], 1, to);
      for (let axis = last - 1; axis >= 0; axis--) {
        if (++index[axis] < start[axis] + extent[axis]) break;
        index[axis] = start[axis];
      }
    }
    return out;
  });
}
