#!/usr/bin/env node
// A Teachable Machine image export, made the way Teachable Machine makes one (no such export is
// published on npm): a pretrained MobileNetV2 (nsfwjs@4.4.0's, from .cache/zoo/; MIT) cut at its
// pooled features, and a small head (Dense 100 relu, Dense softmax) trained on the features of
// three photographs of test/fixtures/zoo/ and their flips. Written in TM's layout: one layers
// model.json + weights.bin, and metadata.json with `labels` and `imageSize`, into
// .cache/zoo/teachable-mobilenet-v2/ (never committed: it holds the MIT weights). `npm run zoo`
// calls this after fetching; deterministic (seeded initialisers, fixed epochs).
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePng } from './png.mjs';

const ROOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

const ZOO = join(ROOT_DIR, '.cache', 'zoo');
const OUT = join(ZOO, 'teachable-mobilenet-v2');
const SIZE = 224;
const CLASSES = [
  ['cat', 'chelsea.png'],
  ['coffee cup', 'coffee.png'],
  ['astronaut', 'astronaut.png'],
];

async function loadLayers(dir) {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const buffers = json.weightsManifest.flatMap((g) =>
    g.paths.map((p) => readFileSync(join(dir, p))),
  );
  const data = Buffer.concat(buffers);
  return tf.loadLayersModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    }),
  });
}

/** A photograph as [SIZE, SIZE, 3] on [0, 1], centre-cropped as Teachable Machine crops. */
function photo(file) {
  const { width, height, channels, pixels } = decodePng(
    readFileSync(join(ROOT_DIR, 'test/fixtures/zoo', file)),
  );
  return tf.tidy(() => {
    const image = tf
      .tensor3d(Uint8Array.from(pixels), [height, width, channels])
      .slice([0, 0, 0], [-1, -1, 3]);
    const side = Math.min(width, height);
    const top = Math.floor((height - side) / 2);
    const left = Math.floor((width - side) / 2);
    const crop = image.slice([top, left, 0], [side, side, 3]).toFloat().div(255);
    return tf.image.resizeBilinear(crop, [SIZE, SIZE], false, true);
  });
}

export async function makeTeachable() {
  const base = await loadLayers(join(ZOO, 'nsfw-mobilenet-v2'));
  const features = base.getLayer('flatten_1').output;
  const truncated = tf.model({ inputs: base.inputs, outputs: features, name: 'sequential_1' });
  const head = tf.sequential({
    name: 'sequential_3',
    layers: [
      tf.layers.dense({
        inputShape: [features.shape[1]],
        units: 100,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        name: 'dense_Dense1',
      }),
      tf.layers.dense({
        units: CLASSES.length,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
        useBias: false,
        name: 'dense_Dense2',
      }),
    ],
  });
  const images = tf.stack(
    CLASSES.flatMap(([, file]) => {
      const p = photo(file);
      return [p, tf.reverse(p, 1)];
    }),
  );
  const x = truncated.predict(images);
  const y = tf.oneHot(
    tf.tensor1d(
      CLASSES.flatMap((_, i) => [i, i]),
      'int32',
    ),
    CLASSES.length,
  );
  head.compile({ optimizer: tf.train.adam(0.0001), loss: 'categoricalCrossentropy' });
  await head.fit(x, y, { epochs: 50, batchSize: 16, shuffle: false, verbose: 0 });
  const model = tf.sequential({ layers: [truncated, head] });
  mkdirSync(OUT, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = Buffer.from(tf.io.concatenateArrayBuffers(artifacts.weightData));
      writeFileSync(join(OUT, 'weights.bin'), data);
      const json = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(OUT, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  const metadata = {
    tfjsVersion: tf.version.tfjs,
    tmVersion: '2.4.10',
    packageVersion: '0.8.5',
    packageName: '@teachablemachine/image',
    timeStamp: '2026-01-01T00:00:00.000Z',
    userMetadata: {},
    modelName: 'tm-my-image-model',
    labels: CLASSES.map(([label]) => label),
    imageSize: SIZE,
  };
  writeFileSync(join(OUT, 'metadata.json'), JSON.stringify(metadata));
  const check = tf.tidy(() => model.predict(images).argMax(1).arraySync());
  tf.dispose([images, x, y]);
  console.log(
    `zoo: teachable-mobilenet-v2 (made from nsfw-mobilenet-v2) -> ${OUT}; training images classify as ${check}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await makeTeachable();
