// Trains the small "shapes" CNN (scripts/shapes-dataset.mjs) with TensorFlow.js in Node, prints
// its held-out accuracy and writes demo/models/shapes/{model.json, weights.bin, labels.json}: a
// standard layers model whose output is logits (no softmax layer).
//
//   nice -n 10 npm run train:shapes [-- --train 12000 --epochs 8 --out demo/models/shapes]
//
// @tensorflow/tfjs-node cannot be installed here, and the pure-JS CPU backend takes about a
// minute per batch for a conv net's filter gradient, so this runs on the WASM backend (XNNPACK).
// That backend has no Conv2DBackpropFilter kernel, so the convolutions used in training carry a
// custom gradient built from ops it does have (conv2d, transpose, slice, matMul); the layers
// model that is saved uses the same weights with plain conv2d layers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { CLASSES, SIZE, SPLIT_SEEDS, makeDataset, mulberry32 } from './shapes-dataset.mjs';

const { values: args } = parseArgs({
  options: {
    train: { type: 'string', default: '12000' },
    val: { type: 'string', default: '300' },
    test: { type: 'string', default: '1200' },
    epochs: { type: 'string', default: '8' },
    batch: { type: 'string', default: '32' },
    lr: { type: 'string', default: '0.003' },
    out: { type: 'string', default: 'demo/models/shapes' },
    'log-every': { type: 'string', default: '100' },
    pool: { type: 'string', default: 'max' },
  },
});
const TRAIN = Number(args.train);
const EPOCHS = Number(args.epochs);
const BATCH = Number(args.batch);
const LOG_EVERY = Number(args['log-every']);
const POOL = args.pool;

const require = createRequire(import.meta.url);
setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
await tf.setBackend('wasm');
await tf.ready();
tf.setSeed?.(1); // not every tfjs build has it; the initialisers below take explicit seeds

/**
 * The classifier: input [N,64,64,3] in [0,1], output [N,classes] logits. A stride-2 first
 * convolution (64 -> 32) keeps the per-image cost low enough for a few minutes of CPU training;
 * global max pooling lets the few positions that see the shape decide, whatever the clutter.
 */
function buildModel() {
  const model = tf.sequential({ name: 'shapes' });
  const convs = [
    { filters: 16, strides: 2, pool: false },
    { filters: 32, strides: 1, pool: true },
    { filters: 64, strides: 1, pool: true },
    { filters: 64, strides: 1, pool: false },
  ];
  convs.forEach(({ filters, strides, pool }, i) => {
    model.add(
      tf.layers.conv2d({
        ...(i === 0 ? { inputShape: [SIZE, SIZE, 3] } : {}),
        filters,
        kernelSize: 3,
        strides,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: 11 + i }),
        name: `conv${i + 1}`,
      }),
    );
    if (pool) model.add(tf.layers.maxPooling2d({ poolSize: 2, name: `pool${i + 1}` }));
  });
  model.add(
    POOL === 'max'
      ? tf.layers.globalMaxPooling2d({ name: 'global_pool' })
      : tf.layers.globalAveragePooling2d({ name: 'global_pool' }),
  );
  model.add(
    tf.layers.dense({
      units: CLASSES.length,
      kernelInitializer: tf.initializers.glorotUniform({ seed: 21 }),
      name: 'logits',
    }),
  );
  return model;
}

/**
 * conv2d 3x3 'same' (stride 1, or 2 on an even-sized input), with a gradient the WASM backend
 * can compute. `inputGradient: false` skips dx for the first layer, whose input is the image.
 */
function convWithGradient(strides, inputGradient) {
  return tf.customGrad((x, kernel, save) => {
    save([x, kernel]);
    return {
      value: tf.conv2d(x, kernel, strides, 'same'),
      gradFunc: (dy, [x, kernel]) => {
        const [n, , , cin] = x.shape;
        const [, outH, outW, cout] = dy.shape;
        // dx: the transposed convolution = a 'same' conv with the flipped, in/out-swapped kernel
        const dx =
          strides === 1 && inputGradient
            ? tf.conv2d(dy, tf.transpose(tf.reverse(kernel, [0, 1]), [0, 1, 3, 2]), 1, 'same')
            : tf.zerosLike(x);
        if (strides !== 1 && inputGradient) throw new Error('dx of a strided conv: not needed');
        // dW[i,j] = shifted(x)^T dy, channels first so each tap is one plain matMul. TF's 'same'
        // pads 1|1 at stride 1 and 0|1 at stride 2 for an even size.
        const before = strides === 1 ? 1 : 0;
        const padded = tf.pad(x, [
          [0, 0],
          [before, 1],
          [before, 1],
          [0, 0],
        ]);
        const xT = tf.transpose(padded, [3, 0, 1, 2]);
        const dy2 = tf.reshape(dy, [n * outH * outW, cout]);
        const taps = [];
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) {
            const end = [cin, n, i + strides * (outH - 1) + 1, j + strides * (outW - 1) + 1];
            const tap = tf.stridedSlice(xT, [0, 0, i, j], end, [1, 1, strides, strides]);
            taps.push(tf.matMul(tf.reshape(tap, [cin, n * outH * outW]), dy2));
          }
        }
        return [dx, tf.reshape(tf.stack(taps), [3, 3, cin, cout])];
      },
    };
  });
}

const BN_EPSILON = 1e-3;

/**
 * What training optimises: per conv layer a raw kernel and a batch-norm scale and shift (batch
 * norm gets this small net off its initial plateau within the few hundred steps we can afford);
 * the dense layer's own weights. `foldBatchNorm` turns them into plain conv weights + biases.
 */
function trainingParameters(model) {
  const convs = model.layers
    .filter((layer) => layer.getClassName() === 'Conv2D')
    .map((layer, index) => ({
      layer,
      kernel: tf.variable(layer.kernel.read().clone(), true, `${layer.name}/raw_kernel`),
      conv: convWithGradient(layer.strides[0], index > 0),
      gamma: tf.variable(tf.ones([layer.filters]), true, `${layer.name}/gamma`),
      beta: tf.variable(tf.zeros([layer.filters]), true, `${layer.name}/beta`),
    }));
  const dense = model.layers.find((layer) => layer.getClassName() === 'Dense');
  const variables = [
    ...convs.flatMap((c) => [c.kernel, c.gamma, c.beta]),
    dense.kernel.read(),
    dense.bias.read(),
  ];
  return { convs, variables };
}

/** The training graph: the model's layers with conv3x3 + batch norm on batch statistics. */
function trainingForward(model, x, params) {
  let y = x;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls === 'Conv2D') {
      const conv = params.convs.find((c) => c.layer === layer);
      const z = conv.conv(y, conv.kernel);
      const { mean, variance } = tf.moments(z, [0, 1, 2]);
      const scale = tf.mul(conv.gamma, tf.rsqrt(tf.add(variance, BN_EPSILON)));
      y = tf.relu(tf.add(tf.mul(tf.sub(z, mean), scale), conv.beta));
    } else if (cls === 'MaxPooling2D') {
      y = tf.maxPool(y, 2, 2, 'valid');
    } else if (cls === 'GlobalAveragePooling2D') {
      y = tf.mean(y, [1, 2]);
    } else if (cls === 'GlobalMaxPooling2D') {
      y = tf.max(y, [1, 2]);
    } else if (cls === 'Dense') {
      y = tf.add(tf.matMul(y, layer.kernel.read()), layer.bias.read());
    } else {
      throw new Error(`trainingForward: no rule for ${cls}`);
    }
  }
  return y;
}

/**
 * Writes conv kernel * gamma / sigma and bias beta - mu * gamma / sigma into the layers, with mu
 * and sigma measured layer by layer on `calibration` images through the already folded layers
 * ("precise BN": no running averages to tune).
 */
function foldBatchNorm(model, params, calibration) {
  let y = calibration.clone();
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const conv = params.convs.find((c) => c.layer === layer);
    const next = tf.tidy(() => {
      if (conv) {
        const z = tf.conv2d(y, conv.kernel, layer.strides, 'same');
        const { mean, variance } = tf.moments(z, [0, 1, 2]);
        const scale = tf.mul(conv.gamma, tf.rsqrt(tf.add(variance, BN_EPSILON)));
        layer.kernel.write(tf.mul(conv.kernel, scale));
        layer.bias.write(tf.sub(conv.beta, tf.mul(mean, scale)));
        return tf.relu(tf.add(tf.mul(z, scale), layer.bias.read()));
      }
      if (cls === 'MaxPooling2D') return tf.maxPool(y, 2, 2, 'valid');
      return null;
    });
    if (!next) break;
    y.dispose();
    y = next;
  }
  y.dispose();
}

/**
 * Images `indices` of `data` as x [n,64,64,3] in [0,1] and one-hot y. With `rng`, each image is
 * flipped and/or transposed at random (the 8 symmetries of the square): every class here keeps
 * its name under them, and they stretch a few thousand images a long way against overfitting.
 */
function batchTensors(data, indices, rng) {
  const pixels = SIZE * SIZE * 3;
  const x = new Float32Array(indices.length * pixels);
  const y = new Int32Array(indices.length);
  indices.forEach((k, b) => {
    const src = data.images.subarray(k * pixels, (k + 1) * pixels);
    const [flipX, flipY, swap] = rng ? [rng() < 0.5, rng() < 0.5, rng() < 0.5] : [];
    for (let row = 0; row < SIZE; row++) {
      for (let col = 0; col < SIZE; col++) {
        const r = flipY ? SIZE - 1 - row : row;
        const c = flipX ? SIZE - 1 - col : col;
        const from = (swap ? c * SIZE + r : r * SIZE + c) * 3;
        const to = b * pixels + (row * SIZE + col) * 3;
        for (let ch = 0; ch < 3; ch++) x[to + ch] = src[from + ch] / 255;
      }
    }
    y[b] = data.labels[k];
  });
  return {
    x: tf.tensor4d(x, [indices.length, SIZE, SIZE, 3]),
    y: tf.tidy(() => tf.oneHot(tf.tensor1d(y, 'int32'), CLASSES.length)),
  };
}

/** Top-1 accuracy of the saved-format layers model (model.predict, as a browser would run it). */
function accuracy(model, data) {
  let correct = 0;
  for (let start = 0; start < data.count; start += 100) {
    const indices = Array.from({ length: Math.min(100, data.count - start) }, (_, i) => start + i);
    const { x, y } = batchTensors(data, indices);
    const predicted = tf.tidy(() => model.predict(x).argMax(-1).dataSync());
    const truth = tf.tidy(() => y.argMax(-1).dataSync());
    predicted.forEach((p, i) => (correct += p === truth[i] ? 1 : 0));
    tf.dispose([x, y]);
  }
  return correct / data.count;
}

function shuffled(count, rng) {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Writes model.json + one weights file in the standard layers-model format. */
async function saveModel(model, dir) {
  mkdirSync(dir, { recursive: true });
  const weightsFile = 'weights.bin';
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      writeFileSync(join(dir, weightsFile), Buffer.from(artifacts.weightData));
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs} (scripts/train-shapes.mjs)`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  writeFileSync(join(dir, 'labels.json'), JSON.stringify(CLASSES) + '\n');
}

const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(0);
const train = makeDataset(SPLIT_SEEDS.train, TRAIN);
const val = makeDataset(SPLIT_SEEDS.val, Number(args.val));
const test = makeDataset(SPLIT_SEEDS.test, Number(args.test));
console.log(
  `data: ${train.count} train / ${val.count} val / ${test.count} test images of ${SIZE}x${SIZE}, ` +
    `classes ${CLASSES.join(', ')} (${seconds()} s)`,
);

const model = buildModel();
const params = trainingParameters(model);
const calibration = batchTensors(
  train,
  Array.from({ length: 256 }, (_, i) => i),
);
console.log(`model: ${model.countParams()} parameters, backend ${tf.getBackend()}`);
const steps = EPOCHS * Math.ceil(TRAIN / BATCH);
const baseLr = Number(args.lr);
const optimizer = tf.train.adam(baseLr);
const rng = mulberry32(7);
let step = 0;
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  const order = shuffled(TRAIN, rng);
  let lossSum = 0;
  let batches = 0;
  for (let start = 0; start < TRAIN; start += BATCH) {
    // cosine decay to a tenth of the base rate
    optimizer.learningRate = baseLr * (0.1 + 0.45 * (1 + Math.cos((Math.PI * step) / steps)));
    const { x, y } = batchTensors(train, order.slice(start, start + BATCH), rng);
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, trainingForward(model, x, params)),
      true,
      params.variables,
    );
    lossSum += loss.dataSync()[0];
    batches++;
    step++;
    if (LOG_EVERY && step % LOG_EVERY === 0) {
      console.log(
        `  step ${step}/${steps}: loss ${(lossSum / batches).toFixed(4)} (${seconds()} s)`,
      );
    }
    tf.dispose([x, y, loss]);
  }
  foldBatchNorm(model, params, calibration.x);
  await saveModel(model, args.out); // a usable model after every epoch, overwritten by the next
  console.log(
    `epoch ${epoch}/${EPOCHS}: loss ${(lossSum / batches).toFixed(4)}, ` +
      `val accuracy ${(accuracy(model, val) * 100).toFixed(1)}% (${seconds()} s)`,
  );
}

const testAccuracy = accuracy(model, test);
console.log(`held-out test accuracy: ${(testAccuracy * 100).toFixed(2)}% on ${test.count} images`);
await saveModel(model, args.out);
console.log(`saved ${args.out}/model.json, weights.bin, labels.json; total ${seconds()} s`);
