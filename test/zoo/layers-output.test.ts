// A layers model's final softmax (Dense with activation softmax), found in its topology: the
// probability is its own, the logit the Dense layer's product before the activation. On the CPU
// backend: WASM lacks a depthwise-conv gradient kernel until branch grad lands.
import * as tf from '@tensorflow/tfjs';
import { expect } from '@open-wc/testing';
import { loadModel } from '../../src/engine/model-loader.js';
import { expectOwnSoftmax, pageBackend, zooModels, zooUrl } from './helpers.js';

describe('zoo: a layers model with a final softmax', () => {
  it("nsfw-mobilenet-v2: probability is the model's own softmax; logit is the Dense product", async function () {
    this.timeout(280000);
    await pageBackend('cpu');
    const model = (await zooModels()).find((m) => m.name === 'nsfw-mobilenet-v2')!;
    const before = tf.memory().numTensors;
    const m = await loadModel([zooUrl(model)], { cache: false });
    try {
      await expectOwnSoftmax(m, model);
    } finally {
      m.dispose();
    }
    expect(tf.memory().numTensors).to.equal(before);
  });
});
