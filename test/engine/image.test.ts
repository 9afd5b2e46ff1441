// Decoding bitmaps to [0, 1] tensors, and `fit=pad` against resize_with_pad computed here.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { imageToTensor } from '../../src/engine/image.js';
import { fitImage } from '../../src/engine/preprocess.js';
import { isIgError } from '../../src/shared/types.js';

/** A bitmap whose pixel (x, y) is rgb(x * 10, y * 10, 200), fully opaque. */
async function gradientBitmap(width: number, height: number): Promise<ImageBitmap> {
  const data = new ImageData(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      data.data.set([x * 10, y * 10, 200, 255], i);
    }
  }
  return createImageBitmap(data);
}

describe('image decoding', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('reads RGB pixels on [0, 1], alpha dropped, row-major [h, w, 3]', async () => {
    const bitmap = await gradientBitmap(5, 3);
    const before = tf.memory().numTensors;
    const pixels = imageToTensor(bitmap);
    expect(pixels.shape).to.deep.equal([3, 5, 3]);
    const values = await pixels.array();
    expect(values[2][4][0]).to.be.closeTo(40 / 255, 1e-6);
    expect(values[2][4][1]).to.be.closeTo(20 / 255, 1e-6);
    expect(values[0][0][2]).to.be.closeTo(200 / 255, 1e-6);
    pixels.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('scales huge bitmaps down before reading them, aspect ratio kept', async () => {
    const bitmap = await createImageBitmap(new ImageData(4000, 3000));
    const pixels = imageToTensor(bitmap);
    expect(pixels.shape).to.deep.equal([768, 1024, 3]);
    pixels.dispose();
  });

  it('refuses an image without pixels', async () => {
    const empty = { width: 0, height: 0 } as ImageBitmap;
    let error: unknown;
    try {
      imageToTensor(empty);
    } catch (e) {
      error = e;
    }
    expect(isIgError(error) && error.code).to.equal('image-load');
  });

  it('fit=pad equals tf.image.resizeBilinear plus centred zero padding', async () => {
    // 20x12 (w x h) onto 16x16: scale 16/20 -> 16 x 9.6, floored to 16 x 9; top = floor(6.4 / 2).
    const bitmap = await gradientBitmap(20, 12);
    const pixels = imageToTensor(bitmap);
    const fitted = fitImage(pixels, 16, 16, 'pad');
    const expected = tf.tidy(() => {
      const resized = tf.image.resizeBilinear(pixels, [9, 16], false, true);
      return tf.concat([tf.zeros([3, 16, 3]), resized, tf.zeros([4, 16, 3])], 0);
    });
    expect(fitted.shape).to.deep.equal([16, 16, 3]);
    const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(fitted, expected))));
    expect((await difference.data())[0]).to.be.below(1e-6);
    // The padding is zero and the content is not.
    const rows = (await fitted.array()).map((row) => row.flat().reduce((a, b) => a + b, 0));
    expect(rows.slice(0, 3).every((sum) => sum === 0)).to.be.true;
    expect(rows.slice(12).every((sum) => sum === 0)).to.be.true;
    expect(rows.slice(3, 12).every((sum) => sum > 0)).to.be.true;
    tf.dispose([pixels, fitted, expected, difference]);
  });
});
