// SmoothGrad (Smilkov et al. 2017): attributions averaged over noisy copies of the image.
import * as tf from '@tensorflow/tfjs';

/**
 * A seed for the `index`-th draw of a named stream, from the user's `seed`: distinct streams
 * and indices give unrelated noise (TF.js seeds its JavaScript generator with the number).
 */
export function deriveSeed(seed: number, stream: string, index: number): number {
  let h = Math.imul(seed | 0, 0x9e3779b1) ^ index;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The standard deviation of SmoothGrad's noise: `level` times the image's value range
 * max(x) - min(x), as the paper and PAIR saliency's GetSmoothedMask (`stdev_spread`).
 */
export async function noiseStd(image: tf.Tensor3D, level: number): Promise<number> {
  const range = tf.tidy(() => tf.stack([tf.max(image), tf.min(image)]));
  try {
    const [max, min] = await range.data();
    return level * (max - min);
  } finally {
    range.dispose();
  }
}

/**
 * The `sample`-th noisy copy: image + N(0, std^2) per value, from `seed` (the same seed, the
 * same copies, on every backend). Not clipped, as PAIR and Captum's NoiseTunnel. Caller disposes.
 */
export function noisyCopy(
  image: tf.Tensor3D,
  std: number,
  seed: number,
  sample: number,
): tf.Tensor3D {
  return tf.tidy(() =>
    tf.add(
      image,
      tf.randomNormal(image.shape, 0, std, 'float32', deriveSeed(seed, 'noise', sample)),
    ),
  );
}
