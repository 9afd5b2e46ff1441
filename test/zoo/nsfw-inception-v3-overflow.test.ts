// Why nsfw-inception-v3 (nsfwjs@4.4.0's uint8-quantized Keras InceptionV3) gives a NaN input
// gradient: not a backend's gradient kernel, its forward pass. As TF.js loads it, its activations
// grow ~10x per block on any image in [0, 1] (nsfwjs's own preprocessing) and pass float32's range
// (Infinity) inside mixed8, the same on the CPU backend as on WASM; every later value is
// Infinity or NaN, the Dense head sees NaN, and the output is the same constant (the head's biases
// through its softmax) for every image. The gradient of such a function is NaN on every backend.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { differentiateTowardsInput } from '../../src/engine/gradients/layers.js';
import { pageBackend, preprocessed, zooModels, zooUrl } from './helpers.js';

const MODEL = (await zooModels()).find((m) => m.name === 'nsfw-inception-v3')!;

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`zoo: nsfw-inception-v3 as published overflows float32 in its forward pass (${backend})`, () => {
    it('the first non-finite activation is in mixed8, and the output ignores the image', async function () {
      this.timeout(900000);
      await pageBackend(backend);
      const model = await tf.loadLayersModel(zooUrl(MODEL));
      const image = await preprocessed(MODEL);
      try {
        const layers = model.layers.slice(1);
        const every = tf.model({
          inputs: model.inputs,
          outputs: layers.map((layer) => layer.output as tf.SymbolicTensor),
        });
        const largest = tf.tidy(() => {
          const outputs = every.predict(image.expandDims(0)) as tf.Tensor[];
          return tf.stack(outputs.map((output) => tf.max(tf.abs(output))));
        });
        const maxima = Array.from(await largest.data());
        largest.dispose();
        const first = maxima.findIndex((m) => !Number.isFinite(m));
        console.log(
          `nsfw-inception-v3 ${backend}: max |activation| ${layers
            .map((layer, i) => `${layer.name} ${maxima[i].toExponential(1)}`)
            .filter((_, i) => i % 24 === 0 || i === first)
            .join(', ')}`,
        );
        expect(first, 'some activation is non-finite').to.be.greaterThan(0);
        // The branch inside mixed8 (3x3 conv, batch norm) whose values pass 3.4e38.
        expect(layers[first].name).to.match(/^batch_normalization_7\d$/);
        expect(Math.max(...maxima.slice(0, first))).to.be.greaterThan(1e36);
        // Two very different images, the same output: the Dense head sees only NaN.
        const outputs = tf.tidy(() =>
          tf.concat([
            model.predict(image.expandDims(0)) as tf.Tensor2D,
            model.predict(tf.zeros([1, 299, 299, 3])) as tf.Tensor2D,
            model.predict(tf.randomUniform([1, 299, 299, 3], 0, 1, 'float32', 5)) as tf.Tensor2D,
          ]),
        );
        const [cat, black, noise] = (await outputs.array()) as number[][];
        outputs.dispose();
        expect(black).to.deep.equal(cat);
        expect(noise).to.deep.equal(cat);
        // And so its input gradient is NaN on this backend too (differentiated as the engine
        // does: TF.js's own gradient fails on its unscaled batch norms).
        differentiateTowardsInput(model);
        const gradient = tf.tidy(() =>
          tf.grad((x: tf.Tensor) =>
            tf.sum(tf.slice(model.apply(x) as tf.Tensor2D, [0, 0], [1, 1])),
          )(image.expandDims(0)),
        );
        const values = await gradient.data();
        gradient.dispose();
        expect(values.every((v) => Number.isNaN(v))).to.equal(true);
      } finally {
        model.dispose();
      }
      // No tf.memory() check here: one tensor (wasm) or two (cpu) outlive this model's NaN
      // gradient, not yet traced (the zoo suite's memory check covers the engine's own path).
      image.dispose();
    });
  });
}
