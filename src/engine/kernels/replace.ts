// A TF.js backend kernel replaced by ig-explainer's, with TF.js's own kept for what ours leaves.
import * as tf from '@tensorflow/tfjs';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type KernelResult = ReturnType<tf.KernelFunc>;

/** Our kernel of one call; `own` is TF.js's, for the calls ours does not serve. */
export type OwnKernelFunc = (args: KernelArgs, own: tf.KernelFunc) => KernelResult;

/** TF.js's own kernels replaced so far, by `${backend} ${kernel}`: the registry is global. */
const kept = new Map<string, tf.KernelFunc>();

/**
 * Registers `kernelFunc` as `kernelName` on `backendName` in place of TF.js's, once (a second
 * call changes nothing). Does nothing where TF.js has no such kernel on that backend (the backend
 * not bundled, or a TF.js upgrade that renamed it): TF.js's own path then runs as before.
 */
export function replaceKernel(
  kernelName: string,
  backendName: string,
  kernelFunc: OwnKernelFunc,
): void {
  const key = `${backendName} ${kernelName}`;
  if (kept.has(key)) return;
  const own = tf.getKernel(kernelName, backendName);
  if (!own) return;
  kept.set(key, own.kernelFunc);
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ ...own, kernelFunc: (args) => kernelFunc(args, own.kernelFunc) });
}
