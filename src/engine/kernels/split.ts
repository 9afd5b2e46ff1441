// SplitV on WASM in one pass over the input.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { copyRuns } from './copy-runs.js';
import { replaceKernel } from './replace.js';

/**
 * TF.js's WASM SplitV slices each part separately, and each Slice copies the whole input out of
 * WASM memory first (readSync) and then copies every run of the split axis with a subarray: the
 * gradient of an Inception module's Concat (dy split into its four branches along the channels)
 * took 9-12% of an Inception V1 evaluation (tf.profile, 9 calls). Here the parts are allocated
 * first and each run is copied once, straight from WASM memory. Strings keep TF.js's kernel.
 */
export function registerFastSplit(): void {
  replaceKernel('SplitV', 'wasm', (args, own) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return own(args);
    const backend = args.backend as BackendWasm;
    const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
    const a = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x, numOrSizeSplits, a);
    const outer = tf.util.sizeFromShape(x.shape.slice(0, a));
    const inner = tf.util.sizeFromShape(x.shape.slice(a + 1));
    const parts = sizes.map((size) => {
      const shape = [...x.shape];
      shape[a] = size;
      return backend.makeOutput(shape, x.dtype);
    });
    // Views taken after every allocation: an allocation that grows WASM memory detaches them.
    const source = backend.typedArrayFromHeap(x);
    const stride = x.shape[a] * inner;
    let offset = 0;
    parts.forEach((part, i) => {
      const target = backend.typedArrayFromHeap(part);
      copyRuns(source, target, offset, stride, sizes[i] * inner, outer);
      offset += sizes[i] * inner;
    });
    return parts;
  });
}
