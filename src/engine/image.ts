// Decoded images (ImageBitmap) to [0, 1] pixel tensors, in a worker or on the main thread.
import * as tf from '@tensorflow/tfjs';
import { IgError } from '../shared/types.js';

/**
 * Longest side kept when decoding. Larger images (an 8000x6000 photo is 576 MB as float32) are
 * scaled down by the browser first; the model's input grid is far smaller anyway.
 */
export const MAX_IMAGE_SIDE = 1024;

/**
 * `bitmap` as float32 pixels on [0, 1], shape [h, w, 3] (alpha dropped); the caller disposes it.
 * Bitmaps larger than `maxSide` are scaled down (aspect ratio kept) before reading.
 * Reads the pixels through an OffscreenCanvas 2D context: `tf.browser.fromPixels` may reach for
 * `document`, which a worker lacks. Without OffscreenCanvas (old main threads) it falls back to
 * `tf.browser.fromPixels`.
 */
export function imageToTensor(
  bitmap: ImageBitmap,
  maxSide: number = MAX_IMAGE_SIDE,
  what: 'image' | 'baseline' = 'image',
): tf.Tensor3D {
  const { width, height } = bitmap;
  if (!(width > 0 && height > 0)) {
    throw new IgError(
      'image-load',
      `The ${what} has no pixels (${width}x${height}): give an image of at least 1x1 pixel.`,
      what === 'image' ? 'src' : 'baseline',
    );
  }
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));

  if (typeof OffscreenCanvas === 'undefined') {
    return tf.tidy(() => {
      const pixels = tf.browser.fromPixels(bitmap, 3).toFloat().div(255) as tf.Tensor3D;
      return scale < 1 ? tf.image.resizeBilinear(pixels, [h, w], false, true) : pixels;
    });
  }
  const canvas = new OffscreenCanvas(w, h);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) {
    throw new IgError(
      'image-load',
      `This browser gave no 2D canvas to read the ${what}'s pixels: try another browser.`,
      what === 'image' ? 'src' : 'baseline',
    );
  }
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, w, h);
  const rgba = context.getImageData(0, 0, w, h).data;
  const rgb = new Float32Array(w * h * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i] / 255;
    rgb[j + 1] = rgba[i + 1] / 255;
    rgb[j + 2] = rgba[i + 2] / 255;
  }
  return tf.tensor3d(rgb, [h, w, 3], 'float32');
}
