// Image files to the pixels the browser path gives the engine (src/client/decode-image.ts then
// src/engine/image.ts): 8-bit RGBA as a canvas reads it back, so /255 gives the same floats.
import { readFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { IgError } from '../shared/types.js';

/**
 * What `tf.browser.fromPixels` takes (PixelData), shaped as the ImageBitmap the engine closes.
 * Without OffscreenCanvas (Node) src/engine/image.ts reads it with `tf.browser.fromPixels`.
 */
export interface DecodedImage {
  width: number;
  height: number;
  data: Uint8Array;
  close(): void;
}

/** The file's bytes and its decoded pixels; IgError `image-load` for what is not a PNG or JPEG. */
export async function readImage(path: string): Promise<{ bytes: Buffer; image: DecodedImage }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new IgError(
      'image-load',
      `Cannot read the image ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}): check the path.`,
      'src',
    );
  }
  return { bytes, image: decodeImageBytes(bytes, path) };
}

export function decodeImageBytes(bytes: Buffer, path: string): DecodedImage {
  let rgba: { width: number; height: number; data: Uint8Array };
  try {
    if (bytes.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))) {
      const png = PNG.sync.read(bytes);
      rgba = { width: png.width, height: png.height, data: new Uint8Array(png.data) };
    } else if (bytes[0] === 0xff && bytes[1] === 0xd8) {
      const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
      rgba = { width: decoded.width, height: decoded.height, data: decoded.data };
    } else {
      throw new Error('neither PNG nor JPEG');
    }
  } catch (error) {
    throw new IgError(
      'image-load',
      `The image ${path} (${bytes.length} bytes) cannot be decoded (${(error as Error).message}): ` +
        'give a PNG or JPEG file.',
      'src',
    );
  }
  if (rgba.width === 0 || rgba.height === 0) {
    throw new IgError(
      'image-load',
      `The image ${path} has no pixels (0x0): give an image of at least 1x1 pixel.`,
      'src',
    );
  }
  asCanvasReadsIt(rgba.data);
  return { ...rgba, close: () => {} };
}

/**
 * A 2D canvas stores premultiplied colour: fully transparent pixels read back black, partly
 * transparent ones lose precision. Done here so transparent PNGs give the browser's pixels.
 */
function asCanvasReadsIt(data: Uint8Array): void {
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3];
    if (a === 255) continue;
    for (let k = 0; k < 3; k++) {
      data[i + k] =
        a === 0 ? 0 : Math.min(255, Math.round((Math.round((data[i + k] * a) / 255) * 255) / a));
    }
  }
}
