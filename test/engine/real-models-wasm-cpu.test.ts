// Published classifiers (the zoo's cache, `.cache/zoo/`) have the same input gradient on WASM,
// through the engine's kernels and gradients (src/engine/kernels/, src/engine/gradients/), as
// through TF.js's own on CPU. Each model is skipped, with the reason printed, when absent.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { withDerivedFilters } from '../../src/engine/gradients/derived-filters.js';
import { registerInputGradients } from '../../src/engine/gradients/register.js';
import { loadModel } from '../../src/engine/model-loader.js';
import { cachedZooUrl, skipUnlessCached } from './zoo-cache.js';

// Max pools (emotion, antispoof), stride-2 stems and depthwise convolutions (the MobileNets).
const MODELS = ['human-emotion', 'human-antispoof', 'nsfw-mobilenet-v2-mid'];

/** The input gradient of class 0's score at a batch of two seeded images, on `backend`. */
async function gradientOn(backend: string, name: string): Promise<Float32Array> {
  expect(await tf.setBackend(backend)).to.equal(true);
  const model = await loadModel([cachedZooUrl(name)], { cache: false });
  try {
    const images = tf.randomUniform(
      [2, model.height, model.width, model.channels],
      0,
      1,
      'float32',
      11,
    );
    const dx = await withDerivedFilters(async () =>
      tf.grad((x) => tf.sum(tf.slice(model.classifier(x as tf.Tensor4D), [0, 0], [-1, 1])))(images),
    );
    const values = (await dx.data()) as Float32Array;
    tf.dispose([images, dx]);
    return values;
  } finally {
    model.dispose();
  }
}

describe('published classifiers: the same input gradient on WASM as on CPU', () => {
  before(() => {
    setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    registerInputGradients();
  });
  after(async () => {
    await tf.setBackend('wasm');
  });

  for (const name of MODELS) {
    it(name, async function () {
      await skipUnlessCached(this, name);
      this.timeout(600000);
      const cpu = await gradientOn('cpu', name);
      const wasm = await gradientOn('wasm', name);
      let diff = 0;
      let norm = 0;
      for (let i = 0; i < cpu.length; i++) {
        diff += Math.abs(wasm[i] - cpu[i]);
        norm += Math.abs(cpu[i]);
      }
      expect(norm).to.be.above(0);
      console.log(
        `${name}: WASM vs CPU input gradient, sum |wasm - cpu| / sum |cpu| = ${diff / norm}`,
      );
      // Float rounding of different kernels only (MobileNetV2's 52 layers: 3.5e-4, the same
      // before the engine's WASM kernels); a max pool's dy sent to another position, or a
      // filter flipped wrong, moves the gradient by tens of percent.
      expect(diff / norm).to.be.below(1e-3);
    });
  }
});
