// Gaussian blur as two matrices, one per image axis, with edge padding (the border pixel
// repeated, scipy's mode='nearest'), and its exact derivative along sigma.
import * as tf from '@tensorflow/tfjs';

/**
 * The [n, n] matrix B (row-major) of a 1-D Gaussian blur of sigma `sigma` with taps
 * exp(-d^2 / 2 sigma^2) for |d| <= radius, normalized to sum 1, and edge padding folded in:
 * B[i][j] sums the taps of every padded position i + d that clamps to j. With `derivative`, dB/dsigma
 * as well (the normalization differentiated too). sigma 0 is the identity, derivative 0.
 */
export function blurMatrix(
  n: number,
  sigma: number,
  radius: number,
  derivative = false,
): { matrix: Float32Array; derivative: Float32Array | null } {
  const matrix = new Float32Array(n * n);
  const slope = derivative ? new Float32Array(n * n) : null;
  if (sigma <= 0) {
    for (let i = 0; i < n; i++) matrix[i * n + i] = 1;
    return { matrix, derivative: slope };
  }
  const taps = new Float64Array(2 * radius + 1);
  const tapSlopes = new Float64Array(2 * radius + 1);
  let total = 0;
  let totalSlope = 0;
  for (let d = -radius; d <= radius; d++) {
    const tap = Math.exp(-(d * d) / (2 * sigma * sigma));
    taps[d + radius] = tap;
    tapSlopes[d + radius] = (tap * d * d) / sigma ** 3;
    total += tap;
    totalSlope += tapSlopes[d + radius];
  }
  for (let i = 0; i < n; i++) {
    for (let d = -radius; d <= radius; d++) {
      const j = Math.min(n - 1, Math.max(0, i + d));
      const tap = taps[d + radius] / total;
      matrix[i * n + j] += tap;
      // d(t / T) = (dt - (t / T) dT) / T
      if (slope) slope[i * n + j] += (tapSlopes[d + radius] - tap * totalSlope) / total;
    }
  }
  return { matrix, derivative: slope };
}

/** The kernel radius for sigma: ceil(3 sigma), at least 1. */
export function blurRadius(sigma: number): number {
  return Math.max(1, Math.ceil(3 * sigma));
}

/** rows [N, h, h] applied along the height of `images` [N, h, w, c]. */
export function alongHeight(rows: tf.Tensor3D, images: tf.Tensor4D): tf.Tensor4D {
  const [count, height, width, channels] = images.shape;
  const flat = tf.reshape(images, [count, height, width * channels]) as tf.Tensor3D;
  return tf.reshape(tf.matMul(rows, flat), [count, height, width, channels]);
}

/** columns [N, w, w] applied along the width of `images` [N, h, w, c]. */
export function alongWidth(columns: tf.Tensor3D, images: tf.Tensor4D): tf.Tensor4D {
  const [count, height, width, channels] = images.shape;
  const flat = tf.reshape(tf.transpose(images, [0, 2, 1, 3]), [count, width, height * channels]);
  const blurred = tf.reshape(tf.matMul(columns, flat as tf.Tensor3D), [
    count,
    width,
    height,
    channels,
  ]);
  return tf.transpose(blurred, [0, 2, 1, 3]) as tf.Tensor4D;
}

/** `image` [h, w, c] blurred with sigma and radius (default blurRadius(sigma)); caller disposes. */
export function gaussianBlur(
  image: tf.Tensor3D,
  sigma: number,
  radius = blurRadius(sigma),
): tf.Tensor3D {
  const [height, width] = image.shape;
  return tf.tidy(() => {
    const rows = tf.tensor3d(blurMatrix(height, sigma, radius).matrix, [1, height, height]);
    const columns = tf.tensor3d(blurMatrix(width, sigma, radius).matrix, [1, width, width]);
    const batch = image.toFloat().expandDims(0) as tf.Tensor4D;
    return alongWidth(columns, alongHeight(rows, batch)).squeeze([0]) as tf.Tensor3D;
  });
}
