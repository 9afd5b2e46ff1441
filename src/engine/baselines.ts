// IG baselines: the path's starting image x'.
import * as tf from '@tensorflow/tfjs';
import { BLUR_SIGMA } from '../shared/defaults.js';
import type { IgBaselineKind } from '../shared/types.js';
import { IgError } from '../shared/types.js';

/**
 * The baseline for `image` (pixels on [0, 1], shape [h, w, c]), same shape, float32; the caller
 * disposes it.
 *
 * - `black`: zeros; `white`: ones.
 * - `random`: uniform noise on [0, 1) from `seed` (TF.js's seeded generator runs in JavaScript,
 *   so the same seed gives the same noise on every backend).
 * - `blur`: the image under a Gaussian blur of sigma `BLUR_SIGMA` pixels (shared/defaults.ts)
 *   on the model-input grid, kernel radius ceil(3 sigma), as two separable depthwise
 *   convolutions with edge padding (the border pixel repeated, scipy's `mode='nearest'`), which
 *   works for images of any size, unlike reflect padding.
 * - a tensor: that image, bilinearly resized to the image's height and width when they differ;
 *   a single channel is repeated, extra channels (alpha) dropped.
 */
export function makeBaseline(
  kind: IgBaselineKind | tf.Tensor3D,
  image: tf.Tensor3D,
  seed: number,
): tf.Tensor3D {
  const [height, width, channels] = image.shape;
  if (kind instanceof tf.Tensor) {
    return tf.tidy(() => {
      let given: tf.Tensor3D = kind.toFloat();
      if (given.shape[0] !== height || given.shape[1] !== width) {
        given = tf.image.resizeBilinear(given, [height, width], false, true);
      }
      if (given.shape[2] === 1 && channels !== 1) given = tf.tile(given, [1, 1, channels]);
      if (given.shape[2] > channels) given = tf.slice(given, [0, 0, 0], [-1, -1, channels]);
      if (given.shape[2] !== channels) {
        throw new IgError(
          'image-load',
          `The baseline image has ${given.shape[2]} channels and the image ${channels}: ` +
            'use an RGB or greyscale baseline image.',
          'baseline',
        );
      }
      return given;
    });
  }
  switch (kind) {
    case 'black':
      return tf.zeros([height, width, channels]);
    case 'white':
      return tf.ones([height, width, channels]);
    case 'random':
      return tf.randomUniform([height, width, channels], 0, 1, 'float32', seed);
    case 'blur':
      return gaussianBlur(image, BLUR_SIGMA);
    default:
      throw new IgError(
        'invalid-attribute',
        `Unknown baseline "${String(kind)}": use black, white, random, blur or an image URL.`,
        'baseline',
      );
  }
}

/** Separable Gaussian blur with edge padding; see makeBaseline. */
function gaussianBlur(image: tf.Tensor3D, sigma: number): tf.Tensor3D {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const taps = Array.from({ length: 2 * radius + 1 }, (_, i) =>
    Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)),
  );
  const total = taps.reduce((a, b) => a + b, 0);
  const kernel = taps.map((t) => t / total);
  const channels = image.shape[2];
  return tf.tidy(() => {
    // depthwiseConv2d filter [fh, fw, inChannels, multiplier]: the same taps for every channel.
    const column = tf.tensor1d(kernel).reshape([-1, 1, 1, 1]).tile([1, 1, channels, 1]);
    const vertical = column as tf.Tensor4D;
    const horizontal = column.reshape([1, -1, channels, 1]) as tf.Tensor4D;
    let x = edgePad(image.toFloat(), radius, 0);
    x = edgePad(x, radius, 1);
    const batch = x.expandDims(0) as tf.Tensor4D;
    const blurredRows = tf.depthwiseConv2d(batch, vertical, 1, 'valid');
    const blurred = tf.depthwiseConv2d(blurredRows, horizontal, 1, 'valid');
    return blurred.squeeze([0]) as tf.Tensor3D;
  });
}

/** Repeats the first and last row (axis 0) or column (axis 1) `pad` times on each side. */
function edgePad(x: tf.Tensor3D, pad: number, axis: 0 | 1): tf.Tensor3D {
  const size = x.shape[axis];
  const lastBegin = axis === 0 ? [size - 1, 0, 0] : [0, size - 1, 0];
  const one = axis === 0 ? [1, -1, -1] : [-1, 1, -1];
  const reps = axis === 0 ? [pad, 1, 1] : [1, pad, 1];
  const first = tf.tile(tf.slice(x, [0, 0, 0], one), reps);
  const last = tf.tile(tf.slice(x, lastBegin, one), reps);
  return tf.concat([first, x, last], axis);
}
