// TF.js's own gradient of a kernel, which an override keeps for the cases it still serves.
import * as tf from '@tensorflow/tfjs';

/** The gradient TF.js registers for `kernelName`; throws when it has none (a TF.js upgrade). */
export function ownGradient(kernelName: string): tf.GradConfig {
  const own = tf.getGradient(kernelName);
  if (!own) throw new Error(`TF.js has no gradient registered for ${kernelName}`);
  return own;
}
