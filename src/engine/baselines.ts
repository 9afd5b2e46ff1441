// IG baselines: the path's starting image x'.
import * as tf from '@tensorflow/tfjs';
import { BLUR_SIGMA } from '../shared/defaults.js';
import type { IgBaselineKind } from '../shared/types.js';
import { IgError } from '../shared/types.js';
import { gaussianBlur } from './gaussian-blur.js';

/**
 * The baseline for `image` (pixels on [0, 1], shape [h, w, c]), same shape, float32; the caller
 * disposes it.
 *
 * - `black`: zeros; `white`: ones.
 * - `random`: uniform noise on [0, 1) from `seed` (TF.js's seeded generator runs in JavaScript,
 *   so the same seed gives the same noise on every backend).
 * - `blur`: the image under a Gaussian blur of sigma `BLUR_SIGMA` pixels (shared/defaults.ts)
 *   on the model-input grid, kernel radius ceil(3 sigma), with edge padding (the border pixel
 *   repeated, scipy's `mode='nearest'`), which works for images of any size, unlike reflect
 *   padding; see gaussian-blur.ts.
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
