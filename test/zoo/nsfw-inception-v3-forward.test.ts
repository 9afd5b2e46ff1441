// nsfwjs@4.4.0's uint8-quantized Keras InceptionV3, loaded with plain TF.js as nsfwjs loads it
// (tf.loadLayersModel, input in [0, 1]): finite activations and an output that depends on the
// image. (Served garbled by the test dev server, its activations once overflowed in mixed8 and
// every image gave the same output; see weights-served.test.ts.)
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { pageBackend, preprocessed, zooModels, zooUrl } from './helpers.js';

const MODEL = (await zooModels()).find((m) => m.name === 'nsfw-inception-v3')!;

describe('zoo: nsfw-inception-v3 forward pass (wasm)', () => {
  it('every activation is finite, and different images give different outputs', async function () {
    this.timeout(900000);
    await pageBackend('wasm');
    const before = tf.memory().numTensors;
    const model = await tf.loadLayersModel(zooUrl(MODEL));
    const image = await preprocessed(MODEL);
    try {
      const every = tf.model({
        inputs: model.inputs,
        outputs: model.layers.slice(1).map((layer) => layer.output as tf.SymbolicTensor),
      });
      const largest = tf.tidy(() => {
        const outputs = every.predict(image.expandDims(0)) as tf.Tensor[];
        return tf.max(tf.stack(outputs.map((output) => tf.max(tf.abs(output)))));
      });
      const max = (await largest.data())[0];
      largest.dispose();
      console.log(`nsfw-inception-v3 wasm: largest |activation| ${max.toExponential(2)}`);
      expect(Number.isFinite(max)).to.equal(true);
      expect(max).to.be.lessThan(1e4);

      const outputs = tf.tidy(() =>
        tf.concat([
          model.predict(image.expandDims(0)) as tf.Tensor2D,
          model.predict(tf.zeros([1, 299, 299, 3])) as tf.Tensor2D,
          model.predict(tf.randomUniform([1, 299, 299, 3], 0, 1, 'float32', 5)) as tf.Tensor2D,
        ]),
      );
      const [cat, black, noise] = (await outputs.array()) as number[][];
      outputs.dispose();
      console.log(`nsfw-inception-v3 wasm: cat ${cat}, black ${black}, noise ${noise}`);
      for (const p of [cat, black, noise]) {
        expect(p.every(Number.isFinite)).to.equal(true);
        expect(p.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-4);
      }
      // The photograph of a cat is "Neutral" (nsfwjs's class 2), with confidence.
      expect(cat.indexOf(Math.max(...cat))).to.equal(2);
      expect(Math.max(...cat)).to.be.greaterThan(0.9);
      expect(Math.abs(black[2] - cat[2])).to.be.greaterThan(0.1);
      expect(noise).to.not.deep.equal(cat);
    } finally {
      model.dispose();
      image.dispose();
    }
    expect(tf.memory().numTensors).to.equal(before);
  });
});
