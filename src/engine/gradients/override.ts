// A kernel's gradient replaced where ig-explainer's serves better, TF.js's own kept for the rest.
import * as tf from '@tensorflow/tfjs';

type GradFunc = tf.GradConfig['gradFunc'];
type GradArgs = Parameters<GradFunc>;

/** Whether our gradient serves a call of the kernel on `backend` with these attributes. */
export type Applies = (backend: string, attrs: tf.NamedAttrMap) => boolean;

/**
 * Our gradient of one call; `own` is TF.js's, for what ours leaves to it. Null hands the whole
 * call back to TF.js's own gradient.
 */
export type OwnGradFunc = (
  ...args: [...GradArgs, own: tf.GradConfig]
) => ReturnType<GradFunc> | null;

/** TF.js's own gradient of each kernel overridden so far: the registry is global to TF.js. */
const kept = new Map<string, tf.GradConfig>();

/**
 * Registers `gradFunc` as the gradient of `kernelName` for the calls `applies` picks, and TF.js's
 * own gradient (as registered before the first override) for the rest. The saved inputs and
 * outputs are TF.js's own, so either gradient can serve any call. Registered once: a second call
 * for the same kernel changes nothing. Returns TF.js's own gradient; throws when TF.js has none
 * (a TF.js upgrade), registering nothing.
 */
export function overrideGradient(
  kernelName: string,
  applies: Applies,
  gradFunc: OwnGradFunc,
): tf.GradConfig {
  const known = kept.get(kernelName);
  if (known) return known;
  const own = tf.getGradient(kernelName);
  if (!own) throw new Error(`TF.js has no gradient registered for ${kernelName}`);
  kept.set(kernelName, own);
  tf.registerGradient({
    kernelName,
    inputsToSave: own.inputsToSave,
    outputsToSave: own.outputsToSave,
    gradFunc: (dy, saved, attrs) => {
      const ours = applies(tf.getBackend(), attrs) ? gradFunc(dy, saved, attrs, own) : null;
      return ours ?? own.gradFunc(dy, saved, attrs);
    },
  });
  return own;
}
