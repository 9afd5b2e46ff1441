// Every TF.js backend kernel the engine replaces, registered together.
import { registerFastDepthToSpace } from './depth-to-space.js';
import { registerSharedIdentity } from './identity.js';
import { registerMaxPoolInputGradientKernel } from './max-pool-gradient.js';
import { registerRelu6InputGradientKernel } from './relu6-gradient.js';
import { registerFastReverse } from './reverse.js';
import { registerFastSplit } from './split.js';

/**
 * Replaces the WASM kernels that TF.js implements slowly for what IG runs (global, once):
 * Identity without a copy; SplitV, DepthToSpace and Reverse as runs copied straight in WASM
 * memory; and adds two it lacks, in WASM SIMD: a max pool's input gradient right on negative
 * windows, and Relu6's in one pass. Each gives TF.js's (CPU) results exactly.
 */
export function registerFastKernels(): void {
  registerSharedIdentity();
  registerFastSplit();
  registerFastDepthToSpace();
  registerFastReverse();
  registerMaxPoolInputGradientKernel();
  registerRelu6InputGradientKernel();
}
