// The filter gradient of a convolution whose input gradient ig-explainer fills in: left to
// TF.js, and lazy, so that the tape asks for it only when the filter depends on what is
// differentiated (never in IG, where only the image is).
import type * as tf from '@tensorflow/tfjs';

type GradArgs = Parameters<tf.GradConfig['gradFunc']>;

/** TF.js's own filter gradient on demand; a dilated convolution has none in TF.js. */
export function lazyFilterGradient(
  own: tf.GradConfig,
  [dy, saved, attrs]: GradArgs,
  dilated: boolean,
  kind: string,
): () => tf.Tensor {
  return () => {
    if (dilated) {
      throw new Error(
        `TensorFlow.js has no filter gradient for a dilated ${kind}; ig-explainer ` +
          'computes input gradients only.',
      );
    }
    return own.gradFunc(dy, saved, attrs).filter();
  };
}
