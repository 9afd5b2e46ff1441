#!/usr/bin/env node
// Regenerates the committed test models under test/fixtures/models/ (npm run fixtures).
// Deterministic: the same bytes on every run and machine (seeded weights, fixed JSON order), so
// `git diff --exit-code test/fixtures` after a run proves the committed files are current.
import { mkdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convBlock, hubInput, LOGITS, OPS, VARS } from './fixtures/inception-parts.mjs';
import { heUniform, mulberry32, uniform } from './fixtures/prng.mjs';
import { attr, GraphBuilder, writeGraphModel, writeLayersModel } from './fixtures/tfjs-format.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'test/fixtures/models');

const LOGIT_GAIN_MANY = 3;
const LOGIT_GAIN_FEW = 1.2;

/**
 * A miniature Inception V1 with TF Hub's classification signature: images [-1, size, size, 3] in
 * [0, 1] -> logits [-1, classes]. Stem Conv2D/BiasAdd/Relu (stride 2), MaxPool (stride 2), one
 * Mixed block of three branches (fused convolutions, a max pool) joined by ConcatV2, AvgPool over
 * the remaining grid, Reshape, MatMul + BiasAdd.
 *
 * `variant` makes the broken fixtures: 'rank4-output' stops at the Mixed block; 'no-gradient'
 * passes the pooled features through Cumprod (on a size-1 axis: values unchanged, but TF.js has
 * no gradient for it); 'nan' puts a NaN row in the logits kernel, so every logit is NaN.
 */
function tinyInception({ seed, size, classes, variant = 'good' }) {
  // Scales the logits so the softmax is neither flat nor one-hot on natural-looking images.
  const logitGain = classes > 100 ? LOGIT_GAIN_MANY : LOGIT_GAIN_FEW;
  const random = mulberry32(seed);
  const g = new GraphBuilder();
  const images = g.placeholder('images', [-1, size, size, 3]);
  let x = hubInput(g, images);
  x = convBlock(g, random, 'Conv2d_1a_3x3', x, { k: 3, cin: 3, cout: 8, stride: 2 });
  x = g.pool(`${OPS}/MaxPool_2a_3x3/MaxPool`, 'MaxPool', x, { ksize: [3, 3], strides: [2, 2] });
  const grid = size / 4;

  const b0 = convBlock(g, random, 'Mixed_3b/Branch_0/Conv2d_0a_1x1', x, {
    k: 1,
    cin: 8,
    cout: 8,
    fused: true,
  });
  let b1 = convBlock(g, random, 'Mixed_3b/Branch_1/Conv2d_0a_1x1', x, {
    k: 1,
    cin: 8,
    cout: 4,
    fused: true,
  });
  b1 = convBlock(g, random, 'Mixed_3b/Branch_1/Conv2d_0b_3x3', b1, {
    k: 3,
    cin: 4,
    cout: 8,
    fused: true,
  });
  let b2 = g.pool(`${OPS}/Mixed_3b/Branch_2/MaxPool_0a_3x3/MaxPool`, 'MaxPool', x, {
    ksize: [3, 3],
    strides: [1, 1],
  });
  b2 = convBlock(g, random, 'Mixed_3b/Branch_2/Conv2d_0b_1x1', b2, {
    k: 1,
    cin: 8,
    cout: 4,
    fused: true,
  });
  const axis = g.constant(`${OPS}/Mixed_3b/concat/axis`, [], [3], 'int32');
  x = g.concat(`${OPS}/Mixed_3b/concat`, [b0, b1, b2], axis);
  const channels = 20;
  if (variant === 'rank4-output') return { g, output: x, outputShape: [-1, grid, grid, channels] };

  x = g.pool(`${LOGITS}/AvgPool_0a_${grid}x${grid}/AvgPool`, 'AvgPool', x, {
    ksize: [grid, grid],
    strides: [1, 1],
    padding: 'VALID',
  });
  if (variant === 'no-gradient') {
    const cumAxis = g.constant(`${LOGITS}/Cumprod/axis`, [], [1], 'int32');
    x = g.op(`${LOGITS}/Cumprod`, 'Cumprod', [x, cumAxis], {
      T: attr.type(),
      Tidx: attr.type('int32'),
      exclusive: attr.bool(false),
      reverse: attr.bool(false),
    });
  }
  const flat = g.constant(`${LOGITS}/Flatten/Reshape/shape`, [2], [-1, channels], 'int32');
  x = g.reshape(`${LOGITS}/Flatten/Reshape`, x, flat);
  const kernel = heUniform(random, [channels, classes], channels, logitGain);
  if (variant === 'nan') kernel.fill(NaN, 0, classes);
  const w = g.constant(`${VARS}/Logits/weights`, [channels, classes], kernel);
  const b = g.constant(`${VARS}/Logits/biases`, [classes], uniform(random, classes, 0.05));
  const product = g.matMul(`${LOGITS}/MatMul`, x, w);
  const logits = g.biasAdd(`${LOGITS}/BiasAdd`, product, b);
  return { g, output: logits, outputShape: [-1, classes] };
}

function writeTiny(name, options, shards = {}) {
  const { g, output, outputShape } = tinyInception(options);
  const dir = join(OUT, name);
  const { paths, bytes } = writeGraphModel(dir, g, {
    inputs: { images: { node: 'images', shape: [-1, options.size, options.size, 3] } },
    outputs: { default: { node: output, shape: outputShape } },
    ...shards,
  });
  return { name, dir, paths, bytes };
}

/** A classifier of 10-number feature vectors: a valid model, but not of images. */
function writeBadInput() {
  const random = mulberry32(606);
  const g = new GraphBuilder();
  const features = g.placeholder('features', [-1, 10]);
  const w = g.constant('dense/kernel', [10, 10], heUniform(random, [10, 10], 10));
  const b = g.constant('dense/bias', [10], uniform(random, 10, 0.05));
  const logits = g.biasAdd('dense/BiasAdd', g.matMul('dense/MatMul', features, w), b);
  const dir = join(OUT, 'bad-input');
  const { paths, bytes } = writeGraphModel(dir, g, {
    inputs: { features: { node: 'features', shape: [-1, 10] } },
    outputs: { logits: { node: logits, shape: [-1, 10] } },
  });
  return { name: 'bad-input', dir, paths, bytes };
}

/** Keras Sequential in the converter's layers-model layout (Keras 2.15 config). */
function writeTinyLayers() {
  const random = mulberry32(303);
  const common = {
    trainable: true,
    dtype: 'float32',
    kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
    bias_initializer: { class_name: 'Zeros', config: {} },
    kernel_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  };
  const layers = [
    {
      class_name: 'InputLayer',
      config: {
        batch_input_shape: [null, 32, 32, 3],
        dtype: 'float32',
        sparse: false,
        ragged: false,
        name: 'conv2d_input',
      },
    },
    {
      class_name: 'Conv2D',
      config: {
        name: 'conv2d',
        batch_input_shape: [null, 32, 32, 3],
        filters: 8,
        kernel_size: [3, 3],
        strides: [2, 2],
        padding: 'same',
        data_format: 'channels_last',
        dilation_rate: [1, 1],
        activation: 'relu',
        use_bias: true,
        ...common,
      },
    },
    {
      class_name: 'MaxPooling2D',
      config: {
        name: 'max_pooling2d',
        trainable: true,
        dtype: 'float32',
        pool_size: [2, 2],
        padding: 'valid',
        strides: [2, 2],
        data_format: 'channels_last',
      },
    },
    {
      class_name: 'Flatten',
      config: { name: 'flatten', trainable: true, dtype: 'float32', data_format: 'channels_last' },
    },
    {
      class_name: 'Dense',
      config: { name: 'logits', units: 10, activation: 'linear', use_bias: true, ...common },
    },
  ];
  const weights = [
    {
      name: 'conv2d/kernel',
      shape: [3, 3, 3, 8],
      dtype: 'float32',
      data: heUniform(random, [3, 3, 3, 8], 27),
    },
    { name: 'conv2d/bias', shape: [8], dtype: 'float32', data: uniform(random, 8, 0.05) },
    {
      name: 'logits/kernel',
      shape: [512, 10],
      dtype: 'float32',
      data: heUniform(random, [512, 10], 512, 0.8),
    },
    { name: 'logits/bias', shape: [10], dtype: 'float32', data: uniform(random, 10, 0.05) },
  ];
  const dir = join(OUT, 'tiny-layers');
  const { paths } = writeLayersModel(
    dir,
    { class_name: 'Sequential', config: { name: 'sequential', layers } },
    weights,
  );
  return {
    name: 'tiny-layers',
    dir,
    paths,
    bytes: weights.reduce((n, w) => n + w.data.byteLength, 0),
  };
}

const TEN_LABELS = [
  'apple',
  'bicycle',
  'cat',
  'dolphin',
  'envelope',
  'fern',
  'guitar',
  'harbour',
  'igloo',
  'jellyfish',
];

function main() {
  mkdirSync(OUT, { recursive: true });
  const written = [
    writeTiny('tiny-graph', { seed: 101, size: 32, classes: 1001 }),
    writeTiny('tiny-graph-10', { seed: 202, size: 24, classes: 10 }),
    writeTinyLayers(),
    writeTiny('sharded-8', { seed: 404, size: 32, classes: 1001 }, { shardCount: 8 }),
    writeTiny('no-gradient', {
      seed: 505,
      size: 24,
      classes: 10,
      variant: 'no-gradient',
    }),
    writeTiny('bad-output', {
      seed: 707,
      size: 24,
      classes: 10,
      variant: 'rank4-output',
    }),
    writeBadInput(),
    writeTiny('nan-output', { seed: 808, size: 24, classes: 10, variant: 'nan' }),
    writeTiny('truncated-weights', { seed: 909, size: 24, classes: 10 }),
    writeTiny('missing-weights', { seed: 910, size: 24, classes: 10 }, { shardCount: 2 }),
  ];

  const ten = join(OUT, 'tiny-graph-10');
  writeFileSync(join(ten, 'labels.json'), `${JSON.stringify(TEN_LABELS)}\n`);
  writeFileSync(join(ten, 'labels.txt'), `${TEN_LABELS.join('\n')}\n`);

  // Broken on purpose: the shard ends halfway through the weights the manifest lists ...
  const truncated = written.find((m) => m.name === 'truncated-weights');
  truncateSync(join(truncated.dir, truncated.paths[0]), Math.floor(truncated.bytes / 8) * 4);
  // ... and the second shard of this one does not exist.
  const missing = written.find((m) => m.name === 'missing-weights');
  rmSync(join(missing.dir, missing.paths[1]));

  for (const m of written)
    console.log(`${m.name}: ${m.paths.length} shard(s), ${m.bytes} weight bytes`);
}

main();
