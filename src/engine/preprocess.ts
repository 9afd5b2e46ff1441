// Bringing an image to the model's input grid, and the model's pixel range.
import * as tf from '@tensorflow/tfjs';
import type { IgFit, IgInputRange } from '../shared/types.js';
import { IgError } from '../shared/types.js';

/**
 * A classifier as IG sees it: pixels on [0, 1], shape [N, h, w, c] (c = 3, or 1 for luma), to
 * the explained scores [N, classes].
 * It must be differentiable with respect to its input (no gather, no data reads).
 */
export type Classifier = (batch: tf.Tensor4D) => tf.Tensor2D;

/**
 * `image` (float pixels, [h, w, c]) on a `height` x `width` grid; the caller disposes the result.
 *
 * - `pad`: `tf.image.resize_with_pad` of TensorFlow 2, as the tutorial: aspect ratio kept,
 *   bilinear with half-pixel centres, zero padding with `top = floor((height - h / ratio) / 2)`
 *   and `left` alike, `ratio = max(w / width, h / height)`, the resized size floored.
 * - `crop`: the largest centred crop with the target's aspect ratio, then resized.
 * - `stretch`: resized to the grid, aspect ratio ignored.
 */
export function fitImage(
  image: tf.Tensor3D,
  height: number,
  width: number,
  fit: IgFit,
): tf.Tensor3D {
  const [h, w] = image.shape;
  return tf.tidy(() => {
    const pixels: tf.Tensor3D = image.toFloat();
    if (fit === 'stretch') return resize(pixels, height, width);
    if (fit === 'crop') {
      const targetAspect = width / height;
      let cropH = h;
      let cropW = w;
      if (w / h > targetAspect) cropW = Math.max(1, Math.min(w, Math.round(h * targetAspect)));
      else cropH = Math.max(1, Math.min(h, Math.round(w / targetAspect)));
      const top = Math.floor((h - cropH) / 2);
      const left = Math.floor((w - cropW) / 2);
      const cropped = tf.slice(pixels, [top, left, 0], [cropH, cropW, -1]);
      return resize(cropped, height, width);
    }
    const { resizedHeight, resizedWidth, top, left } = padGeometry(h, w, height, width);
    const resized = resize(pixels, resizedHeight, resizedWidth);
    return tf.pad(resized, [
      [top, height - resizedHeight - top],
      [left, width - resizedWidth - left],
      [0, 0],
    ]);
  });
}

/** The sizes and offsets TensorFlow's `_resize_image_with_pad_common` computes. */
export function padGeometry(
  h: number,
  w: number,
  height: number,
  width: number,
): { resizedHeight: number; resizedWidth: number; top: number; left: number } {
  // In float32, as TensorFlow computes it, so the rare sizes where rounding decides agree.
  const f = Math.fround;
  const ratio = Math.max(f(w / width), f(h / height));
  const scaledHeight = f(h / ratio);
  const scaledWidth = f(w / ratio);
  const resizedHeight = Math.min(height, Math.max(1, Math.floor(scaledHeight)));
  const resizedWidth = Math.min(width, Math.max(1, Math.floor(scaledWidth)));
  const top = Math.max(0, Math.floor(f(f(height - scaledHeight) / 2)));
  const left = Math.max(0, Math.floor(f(f(width - scaledWidth) / 2)));
  return { resizedHeight, resizedWidth, top, left };
}

function resize(image: tf.Tensor3D, height: number, width: number): tf.Tensor3D {
  if (image.shape[0] === height && image.shape[1] === width) return image.clone();
  // TF 2's resize (resize_with_pad, tf.image.resize): half-pixel centres, no corner alignment.
  return tf.image.resizeBilinear(image, [height, width], false, true);
}

/** The ImageNet statistics of torchvision and Keras ("torch" mode), per RGB channel. */
const IMAGENET_RGB = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
/** The same for a luma input: the statistics of the grey-level ImageNet. */
const IMAGENET_LUMA = { mean: [0.449], std: [0.226] };

/**
 * `classifier` fed with pixels scaled from [0, 1] to `range`. The scaling happens inside the
 * function IG differentiates, so attributions stay on [0, 1] pixels.
 */
export function withInputRange(classifier: Classifier, range: IgInputRange): Classifier {
  switch (range) {
    case '0,1':
      return classifier;
    case '-1,1':
      return (batch) => classifier(tf.sub(tf.mul(batch, 2), 1));
    case '0,255':
      return (batch) => classifier(tf.mul(batch, 255));
    case 'imagenet':
      return (batch) => {
        const { mean, std } = batch.shape[3] === 1 ? IMAGENET_LUMA : IMAGENET_RGB;
        return classifier(tf.div(tf.sub(batch, mean), std));
      };
    default:
      throw new IgError(
        'invalid-attribute',
        `Unknown input range "${String(range)}": use 0,1 or -1,1 or 0,255 or imagenet.`,
        'input-range',
      );
  }
}

/**
 * An RGB image as one luma channel ([h, w, 1]), weighed as tf.image.rgbToGrayscale does
 * (0.2989, 0.587, 0.114), without its Einsum, which the WASM backend has no kernel for.
 */
export function toLuma(rgb: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => tf.sum(tf.mul(rgb, [0.2989, 0.587, 0.114]), -1, true) as tf.Tensor3D);
}
