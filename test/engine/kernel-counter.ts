// Which TF.js kernels a computation dispatches: for asserting that a gradient computes no weight
// gradient. Reusable by any test (the engine's, the zoo's).
import * as tf from '@tensorflow/tfjs';

/** Kernels that compute the gradient of a convolution's weights, never needed by IG. */
export const WEIGHT_GRADIENT_KERNELS: readonly string[] = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'Conv3DBackpropFilterV2',
  'Dilation2DBackpropFilter',
];

export interface KernelCounts {
  /** Every kernel (or custom-gradient op scope) dispatched, in order. */
  names: string[];
  /** How often each name was dispatched. */
  counts: Record<string, number>;
  /** The dispatched names of WEIGHT_GRADIENT_KERNELS, in order (empty when none ran). */
  weightGradients: string[];
}

/**
 * Runs `run` under `tf.profile` and returns the kernels it dispatched. The tensors `run`
 * returns are disposed (read what you need inside `run`, or pass `keep`).
 */
export async function countKernels(
  run: () => tf.TensorContainer | Promise<tf.TensorContainer>,
): Promise<KernelCounts> {
  const profile = await tf.profile(run);
  tf.dispose(profile.result);
  const names = profile.kernels.map((kernel) => kernel.name);
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return {
    names,
    counts,
    weightGradients: names.filter((name) => WEIGHT_GRADIENT_KERNELS.includes(name)),
  };
}
