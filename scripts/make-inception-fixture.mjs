#!/usr/bin/env node
// Writes an Inception-V1-shaped TF.js graph model with seeded random weights to
// bench/fixtures/inception-v1/ (npm run fixtures:inception; not committed). It stands in for TF
// Hub's imagenet/inception_v1/classification/3 when that cannot be downloaded: same layout
// (TF-slim GoogLeNet: Conv2d_1a_7x7 ... Mixed_5c, AvgPool_0a_7x7, Conv2d_0c_1x1 -> 1001 logits,
// SpatialSqueeze), same signature (images [-1,224,224,3] in [0,1] -> [-1,1001]), same op kinds
// (_FusedConv2D as the converter emits them), about 6.6 M parameters in 4 MiB shards. Its
// predictions mean nothing; its cost per forward and backward pass is the real one's.
//
// Usage: node scripts/make-inception-fixture.mjs [--out DIR] [--seed N] [--unfused]
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { convBlock, hubInput, LOGITS, OPS } from './fixtures/inception-parts.mjs';
import { mulberry32 } from './fixtures/prng.mjs';
import { GraphBuilder, writeGraphModel } from './fixtures/tfjs-format.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: join(ROOT, 'bench/fixtures/inception-v1') },
    seed: { type: 'string', default: '1' },
    unfused: { type: 'boolean', default: false },
  },
});

// Scales the logits so the softmax over 1001 classes is neither flat nor one-hot.
const LOGIT_GAIN = 1;

// TF-slim inception_v1_base: per Mixed block, the output depths of
// [Branch_0 1x1], [Branch_1 1x1 -> 3x3], [Branch_2 1x1 -> 3x3], [Branch_3 maxpool -> 1x1].
const MIXED = {
  Mixed_3b: [64, 96, 128, 16, 32, 32],
  Mixed_3c: [128, 128, 192, 32, 96, 64],
  Mixed_4b: [192, 96, 208, 16, 48, 64],
  Mixed_4c: [160, 112, 224, 24, 64, 64],
  Mixed_4d: [128, 128, 256, 24, 64, 64],
  Mixed_4e: [112, 144, 288, 32, 64, 64],
  Mixed_4f: [256, 160, 320, 32, 128, 128],
  Mixed_5b: [256, 160, 320, 32, 128, 128],
  Mixed_5c: [384, 192, 384, 48, 128, 128],
};

function build(seed, fused) {
  const random = mulberry32(seed);
  const g = new GraphBuilder();
  let channels = 3;
  const conv = (scope, x, k, cout, stride = 1, cin = channels) =>
    convBlock(g, random, scope, x, { k, cin, cout, stride, fused });
  const maxPool = (scope, x, k, stride) =>
    g.pool(`${OPS}/${scope}/MaxPool`, 'MaxPool', x, { ksize: [k, k], strides: [stride, stride] });

  const images = g.placeholder('images', [-1, 224, 224, 3]);
  let x = hubInput(g, images);
  x = conv('Conv2d_1a_7x7', x, 7, 64, 2);
  channels = 64;
  x = maxPool('MaxPool_2a_3x3', x, 3, 2);
  x = conv('Conv2d_2b_1x1', x, 1, 64);
  x = conv('Conv2d_2c_3x3', x, 3, 192);
  channels = 192;
  x = maxPool('MaxPool_3a_3x3', x, 3, 2);

  const mixed = (name, input) => {
    const [d0, d1a, d1b, d2a, d2b, d3] = MIXED[name];
    const b0 = conv(`${name}/Branch_0/Conv2d_0a_1x1`, input, 1, d0);
    const b1a = conv(`${name}/Branch_1/Conv2d_0a_1x1`, input, 1, d1a);
    const b1 = conv(`${name}/Branch_1/Conv2d_0b_3x3`, b1a, 3, d1b, 1, d1a);
    const b2a = conv(`${name}/Branch_2/Conv2d_0a_1x1`, input, 1, d2a);
    // TF-slim's own scope name for this one conv of Mixed_5b is Conv2d_0a_3x3.
    const b2Scope = name === 'Mixed_5b' ? 'Conv2d_0a_3x3' : 'Conv2d_0b_3x3';
    const b2 = conv(`${name}/Branch_2/${b2Scope}`, b2a, 3, d2b, 1, d2a);
    const b3a = maxPool(`${name}/Branch_3/MaxPool_0a_3x3`, input, 3, 1);
    const b3 = conv(`${name}/Branch_3/Conv2d_0b_1x1`, b3a, 1, d3);
    const axis = g.constant(`${OPS}/${name}/concat/axis`, [], [3], 'int32');
    channels = d0 + d1b + d2b + d3;
    return g.concat(`${OPS}/${name}/concat`, [b0, b1, b2, b3], axis);
  };

  x = mixed('Mixed_3b', x);
  x = mixed('Mixed_3c', x);
  x = maxPool('MaxPool_4a_3x3', x, 3, 2);
  for (const name of ['Mixed_4b', 'Mixed_4c', 'Mixed_4d', 'Mixed_4e', 'Mixed_4f'])
    x = mixed(name, x);
  x = maxPool('MaxPool_5a_2x2', x, 2, 2);
  x = mixed('Mixed_5b', x);
  x = mixed('Mixed_5c', x);

  x = g.pool(`${LOGITS}/AvgPool_0a_7x7/AvgPool`, 'AvgPool', x, {
    ksize: [7, 7],
    strides: [1, 1],
    padding: 'VALID',
  });
  // Dropout_0b is the identity at inference and absent from a frozen graph.
  x = convBlock(g, random, 'Logits/Conv2d_0c_1x1', x, {
    k: 1,
    cin: channels,
    cout: 1001,
    fused,
    relu: false,
    ops: 'module_apply_default/InceptionV1',
    gain: LOGIT_GAIN,
  });
  const logits = g.squeeze(`${LOGITS}/SpatialSqueeze`, x, [1, 2]);
  return { g, logits };
}

const started = Date.now();
const out = resolve(args.out);
const { g, logits } = build(Number(args.seed), !args.unfused);
const { paths, bytes } = writeGraphModel(out, g, {
  inputs: { images: { node: 'images', shape: [-1, 224, 224, 3] } },
  outputs: { default: { node: logits, shape: [-1, 1001] } },
});
const params = g.parameterCount();
console.log(
  `Inception-V1-shaped graph model: ${params} parameters (${(params / 1e6).toFixed(2)} M), ` +
    `${g.opNodes.length + g.constNodes.length} nodes, ${(bytes / 2 ** 20).toFixed(1)} MiB in ` +
    `${paths.length} shards, written to ${out} in ${Date.now() - started} ms`,
);
