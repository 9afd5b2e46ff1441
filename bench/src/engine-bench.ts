// Engine-level benchmark page (bench/engine.html): runs src/engine on this page's main thread,
// on the backend named per call, so one run can time every backend, rule and batch size. The
// tutorial's algorithm (test/engine/tutorial-port.ts) runs here too, as the baseline. The
// driver (scripts/bench.mjs, scripts/bench-quality.mjs) calls `window.bench.*` through puppeteer.
import * as tf from '@tensorflow/tfjs';
import { makeBaseline } from '../../src/engine/baselines.js';
import { imageToTensor } from '../../src/engine/image.js';
import { integratedGradients } from '../../src/engine/integrated-gradients.js';
import { loadModel, type LoadedModel } from '../../src/engine/model-loader.js';
import { fitImage, toLuma } from '../../src/engine/preprocess.js';
import { DEFAULT_METHOD, DEFAULT_STEPS } from '../../src/shared/defaults.js';
import type { IgBackend, IgBaselineKind, IgMethod, IgOutput } from '../../src/shared/types.js';
import { useBackend } from '../../src/worker/backend.js';
import * as tutorial from '../../test/engine/tutorial-port.js';
import { zooTiming, type ZooRun } from './zoo-bench.js';

// The bundled worker's URL (the driver's snapshot of dist/): the backend module finds the WASM
// binaries next to it, in wasm/.
const ENTRY_URL = new URL('./dist/ig-explainer-worker.js', import.meta.url).href;

const models = new Map<string, LoadedModel>();

async function backend(name: IgBackend): Promise<string> {
  const active = await useBackend(name, { thread: 'main', entryUrl: ENTRY_URL });
  return active;
}

async function model(url: string, name: IgBackend): Promise<LoadedModel> {
  await backend(name);
  const key = `${name} ${url}`;
  let loaded = models.get(key);
  if (!loaded) {
    loaded = await loadModel([url], { cache: false });
    models.set(key, loaded);
  }
  return loaded;
}

function renderer(): string {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return 'no WebGL';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

/** An image as RGB bytes [h][w][3], or a URL decoded as the client does (createImageBitmap). */
export type ImageInput = { bytes: number[]; height: number; width: number } | { url: string };

/** The image as pixels on [0, 1], fitted to the model's grid (`pad`). */
async function imageTensor(input: ImageInput, m: LoadedModel): Promise<tf.Tensor3D> {
  let pixels: tf.Tensor3D;
  if ('url' in input) {
    const bitmap = await createImageBitmap(await (await fetch(input.url)).blob());
    pixels = imageToTensor(bitmap);
    bitmap.close();
  } else {
    pixels = tf.tidy(() =>
      tf.tensor3d(Uint8Array.from(input.bytes), [input.height, input.width, 3], 'int32').div(255),
    );
  }
  const fitted = fitImage(pixels, m.height, m.width, 'pad');
  pixels.dispose();
  if (m.channels === 3) return fitted;
  // As the engine feeds luma (src/engine/explain.ts): rgbToGrayscale's Einsum has no WASM kernel.
  const luma = toLuma(fitted);
  fitted.dispose();
  return luma;
}

export interface IgRun {
  backend: IgBackend;
  method: IgMethod;
  steps: number;
  batchSize: number;
  output?: IgOutput;
  baseline?: IgBaselineKind;
  /** Record peak tensor memory with tf.profile (slower: run separately from timed runs). */
  profile?: boolean;
  target?: number;
}

/** The explained output for target `t` at the image: the top-1 class unless given. */
async function topClass(m: LoadedModel, image: tf.Tensor3D): Promise<number> {
  const logits = tf.tidy(() => m.classifier(image.expandDims(0) as tf.Tensor4D).argMax(1));
  const [index] = await logits.data();
  logits.dispose();
  return index;
}

async function runIg(url: string, input: ImageInput, run: IgRun) {
  const m = await model(url, run.backend);
  const image = await imageTensor(input, m);
  const baseline = makeBaseline(run.baseline ?? 'black', image, 0);
  try {
    const target = run.target ?? (await topClass(m, image));
    // The model's own probability or its logit (never a softmax on a softmax), taken as it is.
    const explained = m.defaultHead.scores(run.output ?? 'probability');
    const options = {
      target,
      steps: run.steps,
      method: run.method,
      output: 'logit' as const,
      batchSize: run.batchSize,
    };
    if (run.profile) {
      let evaluations = 0;
      const info = await tf.profile(async () => {
        const r = await integratedGradients(explained, image, baseline, options);
        evaluations = r.path.alphas.length;
      });
      return { peakBytes: info.peakBytes, evaluations };
    }
    const start = performance.now();
    const r = await integratedGradients(explained, image, baseline, options);
    const ms = performance.now() - start;
    const gap = r.scoreInput - r.scoreBaseline;
    return {
      ms,
      evaluations: r.path.alphas.length,
      relativeError: r.delta / Math.abs(gap),
      delta: r.delta,
      scoreInput: r.scoreInput,
      scoreBaseline: r.scoreBaseline,
      numTensors: tf.memory().numTensors,
    };
  } finally {
    image.dispose();
    baseline.dispose();
  }
}

/**
 * The tutorial's code as it is: predict (top-k), then integrated_gradients(m_steps, batch 32),
 * trapezoid, here on the main thread on WebGL. Timed from the image tensor to the attributions
 * read back; the completeness check's two extra forward passes run after the clock stops.
 */
async function runTutorial(url: string, input: ImageInput, mSteps: number, batchSize = 32) {
  const m = await model(url, 'webgl');
  const image = await imageTensor(input, m);
  const baseline = tf.zeros(image.shape) as tf.Tensor3D;
  const net = m.classifier;
  try {
    const start = performance.now();
    // The tutorial's top_k_predictions: a forward pass and a read.
    const probs = tf.tidy(() => tf.softmax(net(image.expandDims(0) as tf.Tensor4D)));
    const { indices } = tf.topk(probs, 3);
    const target = (await indices.data())[0];
    probs.dispose();
    indices.dispose();
    const predictMs = performance.now() - start;
    const attributions = tutorial.integratedGradients(
      net,
      baseline,
      image,
      target,
      mSteps,
      batchSize,
    );
    const values = await attributions.data();
    const ms = performance.now() - start;
    attributions.dispose();
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[i];
    const ends = tf.tidy(() =>
      tf.softmax(net(tf.stack([baseline, image]) as tf.Tensor4D)).slice([0, target], [2, 1]),
    );
    const [scoreBaseline, scoreInput] = Array.from(await ends.data());
    ends.dispose();
    const gap = scoreInput - scoreBaseline;
    return {
      ms,
      predictMs,
      evaluations: mSteps + 1,
      relativeError: Math.abs(sum - gap) / Math.abs(gap),
      scoreInput,
      scoreBaseline,
    };
  } finally {
    image.dispose();
    baseline.dispose();
  }
}

/** Per-pixel maps for the quality benchmark: IG (per baseline) and gradient x input. */
async function attributionMaps(
  url: string,
  input: ImageInput,
  options: { backend: IgBackend; baselines: IgBaselineKind[]; steps?: number; method?: IgMethod },
) {
  const m = await model(url, options.backend);
  const image = await imageTensor(input, m);
  const pixels = m.height * m.width;
  // Channels summed per pixel: signed (positive mass, pointing game) and absolute (the element's
  // default mask).
  const perPixel = (values: ArrayLike<number>, abs: boolean) => {
    const map = new Array<number>(pixels);
    const f = abs ? Math.abs : (v: number) => v;
    for (let p = 0; p < pixels; p++) {
      map[p] = f(values[3 * p]) + f(values[3 * p + 1]) + f(values[3 * p + 2]);
    }
    return map;
  };
  try {
    const target = await topClass(m, image);
    const maps: Record<string, number[]> = {};
    const absMaps: Record<string, number[]> = {};
    const errors: Record<string, number> = {};
    for (const kind of options.baselines) {
      const baseline = makeBaseline(kind, image, 0);
      try {
        const r = await integratedGradients(m.classifier, image, baseline, {
          target,
          steps: options.steps ?? DEFAULT_STEPS,
          method: options.method ?? DEFAULT_METHOD,
          output: 'probability',
          batchSize: 32,
        });
        maps[kind] = perPixel(r.attributions, false);
        absMaps[kind] = perPixel(r.attributions, true);
        errors[kind] = r.delta / Math.abs(r.scoreInput - r.scoreBaseline);
      } finally {
        baseline.dispose();
      }
    }
    // Plain gradient x input, of the same explained output (softmax probability of the target).
    const gradientInput = tf.tidy(() => {
      const f = (x: tf.Tensor) =>
        tf
          .softmax(m.classifier(x as tf.Tensor4D))
          .slice([0, target], [1, 1])
          .sum() as tf.Scalar;
      const g = tf.grad(f)(image.expandDims(0) as tf.Tensor4D);
      return tf.mul(g.squeeze([0]), image);
    });
    const gradientInputValues = await gradientInput.data();
    maps['gradient-x-input'] = perPixel(gradientInputValues, false);
    absMaps['gradient-x-input'] = perPixel(gradientInputValues, true);
    gradientInput.dispose();
    return { target, maps, absMaps, errors, numTensors: tf.memory().numTensors };
  } finally {
    image.dispose();
  }
}

/** A zoo model's forward and per-evaluation times (bench/src/zoo-bench.ts). */
async function runZoo(url: string, input: ImageInput, run: ZooRun) {
  const m = await model(url, run.backend);
  const image = await imageTensor(input, m);
  try {
    return await zooTiming(m, image, run);
  } finally {
    image.dispose();
  }
}

declare global {
  interface Window {
    bench: typeof api;
  }
}

const api = {
  backend,
  renderer,
  defaults: { method: DEFAULT_METHOD, steps: DEFAULT_STEPS },
  runIg,
  runTutorial,
  attributionMaps,
  runZoo,
};
window.bench = api;
document.title = 'engine bench ready';
