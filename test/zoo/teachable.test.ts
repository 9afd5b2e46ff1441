// A Teachable Machine image export (made by scripts/make-teachable.mjs in TM's format): its
// metadata.json beside model.json gives the labels and the image size. On the CPU backend: WASM
// lacks a depthwise-conv gradient kernel until branch grad lands.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { loadModel } from '../../src/engine/model-loader.js';
import { argmax, outputValues, pageBackend, preprocessed, zooModels, zooUrl } from './helpers.js';

describe('zoo: a Teachable Machine export', () => {
  it("teachable-mobilenet-v2: a Teachable Machine export's metadata.json gives labels and size", async function () {
    this.timeout(280000);
    await pageBackend('cpu');
    const model = (await zooModels()).find((m) => m.name === 'teachable-mobilenet-v2')!;
    const m = await loadModel([zooUrl(model)], { cache: false });
    try {
      expect(m.labels).to.deep.equal(['cat', 'coffee cup', 'astronaut']);
      expect(m.inputShape).to.deep.equal([-1, 224, 224, 3]);
      expect(m.outputKind).to.equal('softmax');
      const image = await preprocessed(model);
      const x = image.expandDims(0) as tf.Tensor4D;
      const probabilities = await outputValues(m.defaultHead.scores('probability'), x);
      x.dispose();
      image.dispose();
      expect(argmax(probabilities)).to.equal(0);
    } finally {
      m.dispose();
    }
  });
});
