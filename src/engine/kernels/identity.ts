// Identity on WASM without a copy: the output shares the input's memory, as on CPU and WebGL.
import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { replaceKernel } from './replace.js';

/**
 * TF.js's WASM Identity copies its input. TF.js calls it for every tensor it saves for a gradient
 * (engine.clone: every input and output of every kernel under the tape, the weights included),
 * so on WASM each batch of path points copied the model's weights and activations again (362
 * calls on Inception V1), and each weight reached its gradient with a new id: XNNPACK's cache of
 * packed filters, keyed by that id, missed every time. The output here takes the input's data by
 * reference count, as the CPU backend's Identity and WASM's own Reshape do; tensors are immutable,
 * so nothing can tell the two apart but the memory and the time. Strings keep TF.js's kernel.
 */
export function registerSharedIdentity(): void {
  replaceKernel('Identity', 'wasm', (args, own) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return own(args);
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}
