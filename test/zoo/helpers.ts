// The model zoo (test/zoo/models.json, fetched into .cache/zoo/ by `npm run zoo`) as the zoo
// tests read it, and plain TF.js's prediction on the image the engine preprocesses.
import { expect } from '@open-wc/testing';
import * as tf from '@tensorflow/tfjs';
import { imageToTensor } from '../../src/engine/image.js';
import type { LoadedModel } from '../../src/engine/model-loader.js';
import { fitImage, toLuma, withInputRange } from '../../src/engine/preprocess.js';
import type { IgBackend, IgInputRange } from '../../src/shared/types.js';
import { useBackend } from '../../src/worker/backend.js';

export interface ZooModel {
  name: string;
  package: string;
  path: string;
  format: 'graph' | 'layers';
  inputSize: number;
  channels: 1 | 3;
  inputRange: IgInputRange;
  outputKind: 'logits' | 'softmax' | 'sigmoid';
  classes: number;
  licence: string;
  /**
   * Set where the published model's own forward pass overflows float32 on every input (its
   * predictions do not depend on the image): why, and the test that pins it down. The element
   * must then refuse to explain it, with model-incompatible, rather than show NaN.
   */
  overflows?: string;
}

const MANIFEST = new URL('./models.json', import.meta.url).href;

export async function zooModels(): Promise<ZooModel[]> {
  const response = await fetch(MANIFEST);
  return ((await response.json()) as { models: ZooModel[] }).models;
}

/** Where the dev server serves a zoo model's model.json. */
export function zooUrl(model: ZooModel): string {
  return new URL(`../../.cache/zoo/${model.path}`, import.meta.url).href;
}

export const ZOO_IMAGE = new URL('../fixtures/zoo/chelsea.png', import.meta.url).href;

/** The same backend setup as the worker's (src/worker/backend.ts), on this page. */
export function pageBackend(backend: IgBackend): Promise<IgBackend> {
  return useBackend(backend, {
    thread: 'main',
    entryUrl: new URL('/src/worker/worker.ts', location.href).href,
  });
}

/** The image decoded as the client decodes it, on the model's grid as the engine puts it. */
export async function preprocessed(model: ZooModel, url = ZOO_IMAGE): Promise<tf.Tensor3D> {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob());
  try {
    return tf.tidy(() => {
      const fitted = fitImage(imageToTensor(bitmap), model.inputSize, model.inputSize, 'pad');
      return model.channels === 1 ? toLuma(fitted) : fitted;
    });
  } finally {
    bitmap.close();
  }
}

/**
 * Plain TF.js: tf.loadGraphModel / tf.loadLayersModel and predict, with the model's own output
 * (the first output; a [N, 1] sigmoid read as the two classes 1 - p, p), no softmax added.
 */
export async function plainPrediction(model: ZooModel, image: tf.Tensor3D): Promise<number[]> {
  const loaded =
    model.format === 'graph'
      ? await tf.loadGraphModel(zooUrl(model))
      : await tf.loadLayersModel(zooUrl(model));
  try {
    const output = tf.tidy(() => {
      const forward = withInputRange((x) => {
        const out = loaded.predict(x) as tf.Tensor | tf.Tensor[] | tf.NamedTensorMap;
        if (out instanceof tf.Tensor) return out as tf.Tensor2D;
        return (Array.isArray(out) ? out[0] : Object.values(out)[0]) as tf.Tensor2D;
      }, model.inputRange);
      return forward(image.expandDims(0) as tf.Tensor4D);
    });
    const values = Array.from(await output.data());
    output.dispose();
    return values.length === 1 ? [1 - values[0], values[0]] : values;
  } finally {
    loaded.dispose();
  }
}

export async function outputValues(
  f: (x: tf.Tensor4D) => tf.Tensor,
  x: tf.Tensor4D,
): Promise<number[]> {
  const out = tf.tidy(() => f(x));
  const data = Array.from(await out.data());
  out.dispose();
  return data;
}

function softmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const e = logits.map((z) => Math.exp(z - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/**
 * `m`'s default head is a softmax: its probability is the model's own output, untouched, and its
 * logit is the tensor before the softmax (not probabilities; their softmax is the output).
 */
export async function expectOwnSoftmax(m: LoadedModel, model: ZooModel): Promise<void> {
  expect(m.outputKind).to.equal('softmax');
  const image = await preprocessed(model);
  const x = image.expandDims(0) as tf.Tensor4D;
  try {
    const own = await outputValues(m.defaultHead.forward, x);
    const probability = await outputValues(m.defaultHead.scores('probability'), x);
    const logit = await outputValues(m.defaultHead.scores('logit'), x);
    expect(probability).to.deep.equal(own);
    expect(own.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-5);
    expect(logit.some((z) => z < 0 || z > 1)).to.be.true;
    softmax(logit).forEach((p, i) => expect(p).to.be.closeTo(own[i], 1e-5));
  } finally {
    x.dispose();
    image.dispose();
  }
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * Kernels that compute a filter gradient (Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter;
 * the fused convs differentiate through these too): IG never needs one.
 */
export const FILTER_GRADIENT = /BackpropFilter/;
