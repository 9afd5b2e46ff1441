// Reverse on WASM as runs copied straight in WASM memory.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { copyRuns } from './copy-runs.js';
import { replaceKernel } from './replace.js';

/**
 * TF.js's WASM Reverse computes every element's source index in C++: 88 ms on Inception V1 for
 * the spatial flips of its 3x3 and 5x5 filters that the transposed convolutions of the input
 * gradient take (conv-gradient.ts; made once per explanation, derived-filters.ts), 26 ns an
 * element, as long as 2-3 of its gradient convolutions. Below the innermost reversed axis the
 * values keep their order: each such run is copied whole to its mirrored place. A reversed last
 * axis (runs of one value), strings and complex values keep TF.js's kernel.
 */
export function registerFastReverse(): void {
  replaceKernel('Reverse', 'wasm', (args, own) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string' || x.dtype === 'complex64') return own(args);
    const { dims } = args.attrs as unknown as tf.ReverseAttrs;
    const reversed = new Set(tf.util.parseAxisParam(dims, x.shape));
    const last = Math.max(-1, ...reversed);
    if (last === x.shape.length - 1) return own(args);
    const backend = args.backend as BackendWasm;
    const out = backend.makeOutput(x.shape, x.dtype);
    // Views taken after the allocation, which may grow WASM memory and detach older ones.
    const source = backend.typedArrayFromHeap(x);
    const target = backend.typedArrayFromHeap(out);
    const outer = x.shape.slice(0, last + 1);
    const run = tf.util.sizeFromShape(x.shape.slice(last + 1));
    const count = tf.util.sizeFromShape(outer);
    for (let q = 0; q < count; q++) {
      // Output run q's index along each outer axis, mirrored where reversed: its source run.
      let rest = q;
      let from = 0;
      let stride = 1;
      for (let d = last; d >= 0; d--) {
        const i = rest % outer[d];
        rest = (rest - i) / outer[d];
        from += (reversed.has(d) ? outer[d] - 1 - i : i) * stride;
        stride *= outer[d];
      }
      copyRuns(source, target, from * run, run, run, 1, q * run);
    }
    return out;
  });
}
