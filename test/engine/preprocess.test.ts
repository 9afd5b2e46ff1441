import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { makeBaseline } from '../../src/engine/baselines.js';
import { fitImage, withInputRange } from '../../src/engine/preprocess.js';
import { BLUR_SIGMA } from '../../src/shared/defaults.js';
import { testImage } from './test-models.js';

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).to.equal(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** Sum of |differences| between horizontal and vertical neighbours. */
function totalVariation(values: ArrayLike<number>, [h, w, c]: number[]): number {
  let tv = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) {
        const v = values[(y * w + x) * c + k];
        if (x + 1 < w) tv += Math.abs(values[(y * w + x + 1) * c + k] - v);
        if (y + 1 < h) tv += Math.abs(values[((y + 1) * w + x) * c + k] - v);
      }
    }
  }
  return tv;
}

function mean(values: ArrayLike<number>): number {
  return Array.from(values).reduce((a, b) => a + b, 0) / values.length;
}

/** Zero-pads [h, w, c] values into a [height, width, c] grid at (top, left), in plain JS. */
function zeroPad(
  values: ArrayLike<number>,
  [h, w, c]: number[],
  height: number,
  width: number,
  top: number,
  left: number,
): Float32Array {
  const out = new Float32Array(height * width * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++)
        out[((y + top) * width + x + left) * c + k] = values[(y * w + x) * c + k];
    }
  }
  return out;
}

for (const backend of ['cpu', 'webgl']) {
  describe(`preprocessing and baselines on ${backend}`, () => {
    before(async () => {
      expect(await tf.setBackend(backend)).to.equal(true);
    });

    it('fit "pad" equals resize_with_pad: aspect kept, bilinear, zero padding as TensorFlow places it', async () => {
      // [h, w] -> 8 x 8. TF: ratio = max(w/W, h/H); size = floor(h/ratio); top = floor((H - h/ratio)/2).
      // 9 x 16 gives h/ratio = 4.5: top = floor(1.75) = 1 (not floor((8 - 4)/2) = 2).
      const cases = [
        { h: 10, w: 6, size: [8, 4], top: 0, left: 1 },
        { h: 9, w: 16, size: [4, 8], top: 1, left: 0 },
        { h: 4, w: 4, size: [8, 8], top: 0, left: 0 },
      ];
      for (const { h, w, size, top, left } of cases) {
        const image = testImage(h, w, h * 100 + w);
        const before = tf.memory().numTensors;
        const fitted = fitImage(image, 8, 8, 'pad');
        expect(fitted.shape).to.deep.equal([8, 8, 3]);
        const resized = tf.image.resizeBilinear(image, [size[0], size[1]], false, true);
        const expected = zeroPad(await resized.data(), [size[0], size[1], 3], 8, 8, top, left);
        resized.dispose();
        expect(maxAbsDifference(await fitted.data(), expected), `${h}x${w}`).to.be.below(1e-6);
        fitted.dispose();
        expect(tf.memory().numTensors).to.equal(before);
        image.dispose();
      }
    });

    it('fit "crop" takes the centred square and "stretch" resizes the whole image', async () => {
      const image = testImage(10, 6, 3);
      const before = tf.memory().numTensors;
      const cropped = fitImage(image, 8, 8, 'crop');
      const stretched = fitImage(image, 8, 12, 'stretch');
      expect(cropped.shape).to.deep.equal([8, 8, 3]);
      expect(stretched.shape).to.deep.equal([8, 12, 3]);
      const centre = tf.slice(image, [2, 0, 0], [6, 6, 3]);
      const expectedCrop = tf.image.resizeBilinear(centre, [8, 8], false, true);
      expect(maxAbsDifference(await cropped.data(), await expectedCrop.data())).to.be.below(1e-6);
      const expectedStretch = tf.image.resizeBilinear(image, [8, 12], false, true);
      expect(maxAbsDifference(await stretched.data(), await expectedStretch.data())).to.be.below(
        1e-6,
      );
      // Bilinear interpolation stays within the image's range.
      const [min, max] = [tf.min(stretched), tf.max(stretched)];
      expect((await min.data())[0]).to.be.at.least(0);
      expect((await max.data())[0]).to.be.at.most(1);
      tf.dispose([cropped, stretched, centre, expectedCrop, expectedStretch, min, max]);
      expect(tf.memory().numTensors).to.equal(before);
      image.dispose();
    });

    it('withInputRange scales [0, 1] pixels inside the differentiated function', async () => {
      const pixels = tf.tensor4d([0, 0.5, 1], [1, 1, 1, 3]);
      const seen: number[][] = [];
      const probe = (batch: tf.Tensor4D) => {
        seen.push(Array.from(batch.dataSync()));
        return tf.reshape(tf.sum(batch), [1, 1]) as tf.Tensor2D;
      };
      const slopes: number[] = [];
      for (const range of ['0,1', '-1,1', '0,255'] as const) {
        const grad = tf.grad((x) => withInputRange(probe, range)(x as tf.Tensor4D))(pixels);
        slopes.push((await grad.data())[0]);
        grad.dispose();
      }
      expect(seen).to.deep.equal([
        [0, 0.5, 1],
        [-1, 0, 1],
        [0, 127.5, 255],
      ]);
      expect(slopes).to.deep.equal([1, 2, 255]);
      pixels.dispose();
    });

    it('makes black, white and seeded random baselines of the image shape', async () => {
      const image = testImage(6, 5, 1);
      const before = tf.memory().numTensors;
      const black = makeBaseline('black', image, 0);
      const white = makeBaseline('white', image, 0);
      expect(black.shape).to.deep.equal([6, 5, 3]);
      expect(Array.from(await black.data()).every((v) => v === 0)).to.equal(true);
      expect(Array.from(await white.data()).every((v) => v === 1)).to.equal(true);
      const a = makeBaseline('random', image, 7);
      const b = makeBaseline('random', image, 7);
      const c = makeBaseline('random', image, 8);
      const [va, vb, vc] = [await a.data(), await b.data(), await c.data()];
      expect(Array.from(va)).to.deep.equal(Array.from(vb));
      expect(maxAbsDifference(va, vc)).to.be.above(0.1);
      expect(Array.from(va).every((v) => v >= 0 && v < 1)).to.equal(true);
      expect(mean(va)).to.be.closeTo(0.5, 0.1);
      tf.dispose([black, white, a, b, c]);
      expect(tf.memory().numTensors).to.equal(before);
      image.dispose();
    });

    it(`blurs with sigma ${BLUR_SIGMA}: constant images stay constant, the mean stays, edges soften`, async () => {
      const image = testImage(12, 10, 2);
      const constant = tf.fill([7, 9, 3], 0.25) as tf.Tensor3D;
      const before = tf.memory().numTensors;
      const blurred = makeBaseline('blur', image, 0);
      const flat = makeBaseline('blur', constant, 0);
      expect(blurred.shape).to.deep.equal([12, 10, 3]);
      expect(
        maxAbsDifference(await flat.data(), new Float32Array(7 * 9 * 3).fill(0.25)),
      ).to.be.below(1e-6);
      const [original, smooth] = [await image.data(), await blurred.data()];
      expect(mean(smooth)).to.be.closeTo(mean(original), 0.03);
      expect(totalVariation(smooth, blurred.shape)).to.be.below(
        0.2 * totalVariation(original, image.shape),
      );
      tf.dispose([blurred, flat]);
      expect(tf.memory().numTensors).to.equal(before);
      tf.dispose([image, constant]);
    });

    it('resizes a given baseline image to the image grid and repeats a grey channel', async () => {
      const image = testImage(8, 8, 4);
      const grey = tf.fill([4, 4, 1], 0.5) as tf.Tensor3D;
      const before = tf.memory().numTensors;
      const baseline = makeBaseline(grey, image, 0);
      expect(baseline.shape).to.deep.equal([8, 8, 3]);
      expect(
        maxAbsDifference(await baseline.data(), new Float32Array(8 * 8 * 3).fill(0.5)),
      ).to.be.below(1e-6);
      const same = makeBaseline(image, image, 0);
      expect(same).to.not.equal(image);
      expect(maxAbsDifference(await same.data(), await image.data())).to.equal(0);
      tf.dispose([baseline, same]);
      expect(tf.memory().numTensors).to.equal(before);
      tf.dispose([image, grey]);
    });
  });
}
