// DepthToSpace on WASM as runs copied straight in WASM memory.
import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { copyRuns } from './copy-runs.js';
import { replaceKernel } from './replace.js';

/**
 * TF.js's WASM DepthToSpace computes every element's index in C++ from stride arrays passed in
 * each call: 18-35 ms for the stride-2 stems' input gradient (gradients/sub-pixel.ts,
 * [5, 112, 112, 12] to [5, 224, 224, 3]), 2-4% of an evaluation. In NHWC, for each input pixel
 * and row phase, `blockSize * depth` values are contiguous in the input and in the output:
 * copied as runs. NCHW and anything but float32 keep TF.js's kernel.
 */
export function registerFastDepthToSpace(): void {
  replaceKernel('DepthToSpace', 'wasm', (args, own) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { blockSize: b, dataFormat } = args.attrs as unknown as tf.DepthToSpaceAttrs;
    if (dataFormat !== 'NHWC' || x.dtype !== 'float32') return own(args);
    const backend = args.backend as BackendWasm;
    const [n, h, w, c] = x.shape;
    const depth = c / (b * b);
    const out = backend.makeOutput([n, h * b, w * b, depth], 'float32');
    // Views taken after the allocation, which may grow WASM memory and detach older ones.
    const source = backend.typedArrayFromHeap(x);
    const target = backend.typedArrayFromHeap(out);
    const run = b * depth;
    // Input (row, phase) runs [.., w, phase*run : (phase+1)*run] are every c values; output ones
    // are at (row*b + phase, w*b) and every run values along the output row.
    for (let row = 0; row < n * h; row++) {
      for (let phase = 0; phase < b; phase++) {
        copyRuns(source, target, row * w * c + phase * run, c, run, w, (row * b + phase) * w * run);
      }
    }
    return out;
  });
}
