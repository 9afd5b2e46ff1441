// Layers models differentiate towards the input only (src/engine/gradients/layers.ts): the same
// gradient as TF.js's own on the CPU backend, with no weight gradient computed, on every backend.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { differentiateTowardsInput } from '../../src/engine/gradients/layers.js';
import { registerInputGradients } from '../../src/engine/gradients/register.js';
import { countKernels } from './kernel-counter.js';

const SIZE = 16;
const CLASSES = 5;

/**
 * Every layer kind of the published classifiers: Conv2D (linear, no bias; fused relu), batch
 * norm (with and without scale), Activation and ReLU6, DepthwiseConv2D (multiplier 2),
 * SeparableConv2D, Concatenate, Conv2DTranspose, max and average pooling, ZeroPadding2D,
 * Flatten, Dense (relu, softmax).
 */
function everyLayerKind(bnScale: boolean): tf.LayersModel {
  const input = tf.input({ shape: [SIZE, SIZE, 3] });
  const conv = tf.layers
    .conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', useBias: false })
    .apply(input) as tf.SymbolicTensor;
  const norm = tf.layers.batchNormalization({ scale: bnScale }).apply(conv);
  const relu = tf.layers.activation({ activation: 'relu' }).apply(norm);
  const depthwise = tf.layers
    .depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 2 })
    .apply(relu);
  const norm2 = tf.layers.batchNormalization().apply(depthwise);
  const relu6 = tf.layers.reLU({ maxValue: 6 }).apply(norm2) as tf.SymbolicTensor;
  const separable = tf.layers
    .separableConv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' })
    .apply(relu6) as tf.SymbolicTensor;
  const pointwise = tf.layers
    .conv2d({ filters: 8, kernelSize: 1, activation: 'relu' })
    .apply(relu6) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([separable, pointwise]);
  const up = tf.layers
    .conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' })
    .apply(joined);
  const maxPooled = tf.layers.maxPooling2d({ poolSize: 2 }).apply(up);
  const avgPooled = tf.layers.averagePooling2d({ poolSize: 2 }).apply(maxPooled);
  const padded = tf.layers.zeroPadding2d({ padding: 1 }).apply(avgPooled);
  const flat = tf.layers.flatten().apply(padded);
  const hidden = tf.layers.dense({ units: 8, activation: 'relu' }).apply(flat);
  const output = tf.layers
    .dense({ units: CLASSES, activation: 'softmax' })
    .apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

/** Seeded weights (variances positive) set on `model`, the same for every build. */
function seedWeights(model: tf.LayersModel): void {
  let seed = 0;
  tf.tidy(() => {
    for (const layer of model.layers) {
      layer.setWeights(
        layer.weights.map((w) =>
          /moving_variance/.test(w.name)
            ? tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', seed++)
            : tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', seed++),
        ),
      );
    }
  });
}

const DENSE_LAYERS = 2;
const MATMUL = /^(BatchMatMul|_FusedMatMul)$/;

/** d softmax[target] / d input of a batch, read back. */
function gradientOf(model: tf.LayersModel, images: tf.Tensor4D, target: number): tf.Tensor4D {
  return tf.grad((x) => {
    const scores = model.apply(x, { training: false }) as tf.Tensor2D;
    return tf.sum(tf.slice(scores, [0, target], [-1, 1]));
  })(images) as tf.Tensor4D;
}

function maxRelativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    norm = Math.max(norm, Math.abs(want[i]));
  }
  return diff / norm;
}

async function onCpu<T>(run: () => Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  await tf.setBackend('cpu');
  try {
    return await run();
  } finally {
    await tf.setBackend(previous);
  }
}

const images = () => tf.randomUniform([2, SIZE, SIZE, 3], 0, 1, 'float32', 7) as tf.Tensor4D;

for (const backend of ['cpu', 'wasm', 'webgl']) {
  describe(`differentiateTowardsInput on ${backend}`, function () {
    before(async function () {
      if (backend === 'wasm') setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
      if (!(await tf.setBackend(backend).catch(() => false))) {
        console.log(`skipped: the ${backend} backend does not start in this browser`);
        this.skip();
      }
      registerInputGradients();
    });

    it("gives TF.js's own CPU gradient of every layer kind, with no weight gradient", async () => {
      // TF.js's own: the model as loaded, on cpu (which has every backprop kernel).
      const own = everyLayerKind(true);
      seedWeights(own);
      const model = differentiateTowardsInput(everyLayerKind(true));
      model.setWeights(own.getWeights());
      const reference = await onCpu(async () => {
        const x = images();
        const dx = gradientOf(own, x, 3);
        const values = await dx.data();
        tf.dispose([x, dx]);
        return values;
      });
      own.dispose();
      const x = images();
      const before = tf.memory().numTensors;
      let got: ArrayLike<number> = [];
      const kernels = await countKernels(async () => {
        const dx = gradientOf(model, x, 3);
        got = await dx.data();
        return dx;
      });
      expect(kernels.weightGradients).to.deep.equal([]);
      // Each Dense: one product forward, one towards its input; none towards its kernel.
      expect(kernels.names.filter((name) => MATMUL.test(name))).to.have.length(2 * DENSE_LAYERS);
      expect(Array.from(reference).some((v) => v !== 0)).to.equal(true);
      expect(maxRelativeError(got, reference)).to.be.below(1e-4);
      expect(tf.memory().numTensors).to.equal(before);
      x.dispose();
      model.dispose();
    });

    it("gives TF.js's own gradient of ReLU6 on both sides of 0 and 6, with float kernels only", async () => {
      const relu6 = () => {
        const input = tf.input({ shape: [SIZE, SIZE, 3] });
        const output = tf.layers.reLU({ maxValue: 6 }).apply(input) as tf.SymbolicTensor;
        return tf.model({ inputs: input, outputs: output });
      };
      const spread = () =>
        tf.randomUniform([2, SIZE, SIZE, 3], -4, 10, 'float32', 3) as tf.Tensor4D;
      const weights = () => tf.randomNormal([2, SIZE, SIZE, 3], 0, 1, 'float32', 4);
      const gradient = (model: tf.LayersModel, x: tf.Tensor4D) =>
        tf.tidy(() =>
          tf.grad((input) => tf.sum(tf.mul(model.apply(input) as tf.Tensor, weights())))(x),
        );
      const reference = await onCpu(async () => {
        const own = relu6();
        const x = spread();
        const dx = gradient(own, x);
        const values = await dx.data();
        tf.dispose([x, dx]);
        own.dispose();
        return values;
      });
      const model = differentiateTowardsInput(relu6());
      const x = spread();
      const before = tf.memory().numTensors;
      let got: ArrayLike<number> = [];
      const kernels = await countKernels(async () => {
        const dx = gradient(model, x);
        got = await dx.data();
        return dx;
      });
      expect(
        kernels.names.filter((name) => /LogicalAnd|Select|GreaterEqual/.test(name)),
      ).to.deep.equal([]);
      const values = Array.from(reference);
      expect(values.filter((v) => v === 0).length).to.be.greaterThan(values.length / 4);
      expect(maxRelativeError(got, reference)).to.be.below(1e-6);
      expect(tf.memory().numTensors).to.equal(before);
      x.dispose();
      model.dispose();
    });

    it('differentiates batch norm without scale (Keras InceptionV3), which TF.js cannot', async () => {
      // The same network with scale: true and gamma = 1 computes the same function.
      const model = differentiateTowardsInput(everyLayerKind(false));
      seedWeights(model);
      const plain = everyLayerKind(false);
      plain.setWeights(model.getWeights());
      const own = everyLayerKind(true);
      own.layers.forEach((layer, i) => {
        const weights = model.layers[i].getWeights();
        const missing = layer.getWeights().length - weights.length;
        layer.setWeights(missing === 1 ? [tf.onesLike(weights[0]), ...weights] : weights);
      });
      const reference = await onCpu(async () => {
        // TF.js's own gradient of the unscaled model fails on the missing scale tensor.
        const x = images();
        expect(() => gradientOf(plain, x, 1)).to.throw(/Cannot read properties of undefined/);
        const dx = gradientOf(own, x, 1);
        const values = await dx.data();
        tf.dispose([x, dx]);
        return values;
      });
      own.dispose();
      const x = images();
      const before = tf.memory().numTensors;
      const dx = gradientOf(model, x, 1);
      expect(maxRelativeError(await dx.data(), reference)).to.be.below(1e-4);
      dx.dispose();
      expect(tf.memory().numTensors).to.equal(before);
      // Outside a gradient the layers keep TF.js's own (fused) call: the same predictions.
      const [ours, theirs] = [model.predict(x) as tf.Tensor, plain.predict(x) as tf.Tensor];
      expect(Array.from(await ours.data())).to.deep.equal(Array.from(await theirs.data()));
      tf.dispose([x, ours, theirs]);
      model.dispose();
      plain.dispose();
    });
  });
}
