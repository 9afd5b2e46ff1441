// The shipped "shapes" model (scripts/train-shapes.mjs) loads in the browser with TF.js's own
// layers loader, outputs logits over its labels, and classifies the fixed held-out fixture
// images (scripts/shapes-samples.mjs) correctly, as decoded by the browser from their PNGs.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { CLASSES, makeSample } from '../../scripts/shapes-dataset.mjs';

const MODEL_URL = '/demo/models/shapes/model.json';
const LABELS_URL = '/demo/models/shapes/labels.json';
const FIXTURES = '/test/fixtures/shapes';

interface FixtureEntry {
  file: string;
  mask: string;
  label: string;
  index: number;
  areaShare: number;
  seed: number;
  sample: number;
}

/** The PNG's RGBA bytes exactly as stored: no colour management, no premultiplication. */
async function pngPixels(url: string): Promise<ImageData> {
  const response = await fetch(url);
  expect(response.ok, `${url} fetched`).to.equal(true);
  const bitmap = await createImageBitmap(await response.blob(), {
    colorSpaceConversion: 'none',
    premultiplyAlpha: 'none',
  });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

function rgbBytes(image: ImageData): Uint8Array {
  const rgb = new Uint8Array(image.width * image.height * 3);
  for (let p = 0; p < image.width * image.height; p++) {
    rgb.set(image.data.subarray(p * 4, p * 4 + 3), p * 3);
  }
  return rgb;
}

describe('the shipped shapes model', () => {
  let model: tf.LayersModel;
  let labels: string[];
  let fixtures: FixtureEntry[];

  before(async () => {
    await tf.setBackend('cpu');
    model = await tf.loadLayersModel(MODEL_URL);
    labels = (await (await fetch(LABELS_URL)).json()) as string[];
    fixtures = (await (await fetch(`${FIXTURES}/index.json`)).json()) as FixtureEntry[];
  });

  after(() => model?.dispose());

  it('takes [N,64,64,3] and outputs one logit per label', () => {
    expect(model.inputs[0].shape).to.deep.equal([null, 64, 64, 3]);
    expect(model.outputs[0].shape).to.deep.equal([null, labels.length]);
    expect(labels).to.deep.equal([...CLASSES]);
    const lastLayer = model.layers[model.layers.length - 1].getConfig();
    expect(lastLayer.activation).to.equal('linear');
  });

  it('has one or two fixtures per class, with masks whose area matches the index', async () => {
    expect(new Set(fixtures.map((f) => f.label))).to.deep.equal(new Set(labels));
    for (const entry of fixtures) {
      expect(labels[entry.index], entry.file).to.equal(entry.label);
      const mask = await pngPixels(`${FIXTURES}/${entry.mask}`);
      let inside = 0;
      for (let p = 0; p < mask.width * mask.height; p++) inside += mask.data[p * 4] > 127 ? 1 : 0;
      expect(inside / (mask.width * mask.height), entry.mask).to.be.closeTo(entry.areaShare, 1e-5);
      expect(entry.areaShare).to.be.within(0.05, 0.25);
    }
  });

  it('decodes each fixture PNG to exactly the pixels the dataset generator makes', async () => {
    for (const entry of fixtures) {
      const decoded = rgbBytes(await pngPixels(`${FIXTURES}/${entry.file}`));
      const generated = makeSample(entry.seed, entry.sample);
      expect(generated.className, entry.file).to.equal(entry.label);
      expect(decoded.length).to.equal(generated.image.length);
      let mismatches = 0;
      for (let i = 0; i < decoded.length; i++)
        mismatches += decoded[i] !== generated.image[i] ? 1 : 0;
      expect(mismatches, `${entry.file} differing bytes`).to.equal(0);
    }
  });

  it('classifies every held-out fixture image as its label, from logits', async () => {
    const before = tf.memory().numTensors;
    const images = await Promise.all(
      fixtures.map(async (entry) => rgbBytes(await pngPixels(`${FIXTURES}/${entry.file}`))),
    );
    const logits = tf.tidy(() => {
      const batch = tf.tensor4d(
        Float32Array.from(images.flatMap((rgb) => Array.from(rgb, (v) => v / 255))),
        [images.length, 64, 64, 3],
      );
      return (model.predict(batch) as tf.Tensor2D).arraySync();
    });
    expect(tf.memory().numTensors).to.equal(before);

    const predicted = logits.map((row) => labels[row.indexOf(Math.max(...row))]);
    expect(predicted).to.deep.equal(fixtures.map((f) => f.label));
    // Logits, not probabilities: rows are not normalised and some entries are negative.
    expect(logits.some((row) => Math.abs(row.reduce((a, b) => a + b, 0) - 1) > 0.1)).to.equal(true);
    expect(logits.flat().some((v) => v < 0)).to.equal(true);
  });
});
