// ms per path evaluation, completeness error against evaluations for the uniform trapezoid and
// the adaptive rule, and a kernel profile of one evaluation, on this page's main thread.
import * as tf from '@tensorflow/tfjs';
import { integratorFor } from '../../src/engine/adaptive-rule.js';
import { makeBaseline } from '../../src/engine/baselines.js';
import { imageToTensor } from '../../src/engine/image.js';
import { loadModel, type LoadedModel } from '../../src/engine/model-loader.js';
import { fitImage, toLuma, type Classifier } from '../../src/engine/preprocess.js';
import type { IgBackend, IgMethod, IgResult } from '../../src/shared/types.js';
import { explainedOutput } from '../../src/engine/gradients.js';
import { withDerivedFilters } from '../../src/engine/gradients/derived-filters.js';
import { evaluatePoints } from '../../src/engine/path-points.js';
import { straightPath } from '../../src/engine/paths/path.js';
import { softwareWebgl, useBackend, webglRenderer } from '../../src/worker/backend.js';
import { traceMainThread } from './main-thread.js';

const ENTRY_URL = new URL('./dist/ig-explainer-worker.js', import.meta.url).href;
const models = new Map<string, LoadedModel>();

async function model(url: string, backend: IgBackend): Promise<LoadedModel> {
  await useBackend(backend, { thread: 'main', entryUrl: ENTRY_URL });
  const key = `${backend} ${url}`;
  let loaded = models.get(key);
  if (!loaded) {
    loaded = await loadModel([url], { cache: false });
    models.set(key, loaded);
  }
  return loaded;
}

/** The image at `url`, decoded as the client does, fitted to the model's grid (`pad`), luma for one-channel models. */
async function imageTensor(url: string, m: LoadedModel): Promise<tf.Tensor3D> {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob());
  const pixels = imageToTensor(bitmap);
  bitmap.close();
  const fitted = fitImage(pixels, m.height, m.width, 'pad');
  pixels.dispose();
  if (m.channels === 3) return fitted;
  const luma = toLuma(fitted);
  fitted.dispose();
  return luma;
}

export interface PerfRun {
  backend: IgBackend;
  method: IgMethod;
  steps: number;
  batchSize: number;
  tolerance?: number | null;
  /**
   * 'keep': this run's map becomes the reference of `url`'s later runs, which report their
   * mapError against it (sum |a - reference| / sum |reference|, over every pixel and channel).
   */
  reference?: 'keep';
}

const references = new Map<string, Float32Array>();

function mapError(attributions: Float32Array, reference: Float32Array | undefined): number | null {
  if (!reference || reference.length !== attributions.length) return null;
  let distance = 0;
  let size = 0;
  for (let p = 0; p < reference.length; p++) {
    distance += Math.abs(attributions[p] - reference[p]);
    size += Math.abs(reference[p]);
  }
  return distance / size;
}

/** The prediction's pass, as the element runs it: the top-1 class and every class's score. */
async function topClass(probability: Classifier, image: tf.Tensor3D) {
  const probs = tf.tidy(() => probability(image.expandDims(0) as tf.Tensor4D));
  const values = await probs.data();
  probs.dispose();
  let target = 0;
  values.forEach((v, i) => (target = v > values[target] ? i : target));
  return { target, values };
}

/** One IG run of the top-1 class from a black baseline: time, cost and completeness error. */
async function runIg(url: string, imageUrl: string, run: PerfRun) {
  const m = await model(url, run.backend);
  const image = await imageTensor(imageUrl, m);
  const baseline = makeBaseline('black', image, 0);
  try {
    const start = performance.now();
    // The model's own probability, as the element explains it (src/engine/model-output.ts):
    // a softmax model's output as it is, never a second softmax over it.
    const probability = m.defaultHead.scores('probability');
    // The prediction's pass, as the element runs it (its score saves the image's probe).
    const { target, values } = await topClass(probability, image);
    // As explain.ts runs an explanation: the gradients' derived filters made once.
    const r = await withDerivedFilters(() =>
      integratorFor(run.method)(probability, image, baseline, {
        target,
        steps: run.steps,
        method: run.method,
        // The column of `probability` as it is.
        output: 'logit',
        batchSize: run.batchSize,
        tolerance: run.tolerance ?? null,
        scoreInput: values[target],
      }),
    );
    const ms = performance.now() - start;
    if (run.reference === 'keep') references.set(url, r.attributions);
    return {
      ms,
      mapError: run.reference === 'keep' ? null : mapError(r.attributions, references.get(url)),
      evaluations: r.evaluations ?? r.path.alphas.length,
      probes: r.probes ?? 0,
      steps: r.steps,
      relativeError: r.delta / Math.abs(r.scoreInput - r.scoreBaseline),
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
 * tf.profile of one batch of `batchSize` path points (forward + input gradient): kernels by
 * total time, with their share; kernel times are the backend's (WebGL: GPU timer queries).
 */
async function profileEvaluation(
  url: string,
  imageUrl: string,
  backend: IgBackend,
  batchSize: number,
) {
  const m = await model(url, backend);
  const image = await imageTensor(imageUrl, m);
  const baseline = makeBaseline('black', image, 0);
  try {
    const run = integratorFor('riemann-middle');
    const probability = m.defaultHead.scores('probability');
    const options = {
      target: 0,
      steps: batchSize,
      method: 'riemann-middle' as const,
      output: 'logit' as const,
      batchSize,
    };
    const explanation = () => withDerivedFilters(() => run(probability, image, baseline, options));
    await explanation(); // warm-up: shaders, XNNPACK caches
    const start = performance.now();
    const info = await tf.profile(async () => {
      await explanation();
    });
    const wallMs = performance.now() - start;
    const byKernel = new Map<string, { ms: number; calls: number }>();
    // Op scopes (`name__op`) hold the kernels listed after them: counted once, as kernels.
    for (const k of info.kernels.filter((kernel) => !kernel.name.endsWith('__op'))) {
      const time = await k.kernelTimeMs;
      const ms = typeof time === 'number' ? time : 0;
      const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
      entry.ms += ms;
      entry.calls += 1;
      byKernel.set(k.name, entry);
    }
    const total = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
    const kernels = [...byKernel.entries()]
      .map(([name, e]) => ({ name, ms: e.ms, calls: e.calls, share: total > 0 ? e.ms / total : 0 }))
      .sort((a, b) => b.ms - a.ms);
    return { wallMs, kernelMs: total, peakBytes: info.peakBytes, points: batchSize, kernels };
  } finally {
    image.dispose();
    baseline.dispose();
  }
}

declare global {
  interface Window {
    perf: typeof api;
  }
}

type PooledElement = HTMLElement & { explain(): Promise<IgResult> };

/**
 * The built element (the driver's dist/ snapshot next to this bundle) with IgExplainer.workers =
 * `workers`: a warm-up run (workers start, models load), then one timed run; ms per path point
 * evaluated, prediction and messaging included, and the run's relative completeness error.
 */
async function runPooled(
  url: string,
  imageUrl: string,
  run: Pick<PerfRun, 'backend' | 'batchSize'> &
    Partial<Pick<PerfRun, 'method' | 'steps' | 'tolerance'>>,
  workers: number,
) {
  await import(/* @vite-ignore */ new URL('./dist/ig-explainer.js', import.meta.url).href);
  const Element = customElements.get('ig-explainer') as unknown as { workers: number | 'auto' };
  Element.workers = workers;
  const element = document.createElement('ig-explainer') as PooledElement;
  // Method and steps only when given: otherwise the element's defaults.
  const attributes = {
    loading: 'manual',
    'model-url': url,
    src: imageUrl,
    backend: run.backend,
    method: run.method,
    steps: run.steps === undefined ? undefined : String(run.steps),
    'batch-size': String(run.batchSize),
    tolerance: run.tolerance == null ? undefined : String(run.tolerance),
  };
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) element.setAttribute(name, value);
  }
  document.body.append(element);
  try {
    await element.explain();
    const start = performance.now();
    const result = await element.explain();
    const ms = performance.now() - start;
    const evaluations = result.evaluations ?? result.path.alphas.length;
    return {
      ms,
      evaluations,
      msPerEvaluation: ms / evaluations,
      relativeError: result.delta / Math.abs(result.scoreInput - result.scoreBaseline),
    };
  } finally {
    element.remove();
  }
}

/** The last denseNodes run's attribution densities, read back by denseChunk. */
let dense: Float32Array | null = null;

/**
 * The path's `steps + 1` uniform points alpha = k / steps for the top-1 class's probability from
 * a black baseline, each point's attribution density (factor * gradient: the trapezoid's map is
 * their weighted sum) kept in the page for denseChunk, and their scores: enough to replay any
 * rule whose points are multiples of 1 / steps (the adaptive rule's halvings) without the model.
 */
async function denseNodes(
  url: string,
  imageUrl: string,
  backend: IgBackend,
  steps: number,
  batchSize: number,
) {
  const m = await model(url, backend);
  const image = await imageTensor(imageUrl, m);
  const baseline = makeBaseline('black', image, 0);
  const curve = straightPath(image, baseline);
  try {
    const probability = m.defaultHead.scores('probability');
    const { target } = await topClass(probability, image);
    const explained = explainedOutput(probability, target, 'logit');
    const factor = (await curve.factor!.data()) as Float32Array;
    const size = image.size;
    dense = new Float32Array((steps + 1) * size);
    const scores: number[] = [];
    const start = performance.now();
    for (let from = 0; from <= steps; from += batchSize) {
      const alphas = [];
      for (let k = from; k <= Math.min(steps, from + batchSize - 1); k++) alphas.push(k / steps);
      const points = await evaluatePoints(explained, curve, alphas);
      alphas.forEach((_, i) => {
        scores.push(points.values[i]);
        const out = dense!.subarray((from + i) * size, (from + i + 1) * size);
        for (let p = 0; p < size; p++) out[p] = points.integrands[i * size + p] * factor[p];
      });
    }
    return { size, shape: image.shape, target, scores, ms: performance.now() - start };
  } finally {
    curve.dispose();
    image.dispose();
    baseline.dispose();
  }
}

/** Nodes `from` to `from + count` of the last denseNodes run, as base64 of their float32s. */
function denseChunk(from: number, count: number, size: number): string {
  const bytes = new Uint8Array(dense!.buffer, from * size * 4, count * size * 4);
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

/** Frees every model this page loaded (the driver calls it between zoo models). */
function releaseModels(): void {
  for (const loaded of models.values()) loaded.dispose();
  models.clear();
  references.clear();
  dense = null;
}

const api = {
  runIg,
  denseNodes,
  denseChunk,
  releaseModels,
  runPooled,
  /** A cold run of the built element: its main thread's long tasks and time to the first map. */
  traceMainThread: (
    imageUrl: string,
    attributes: Record<string, string>,
    workers: number,
  ): ReturnType<typeof traceMainThread> =>
    traceMainThread(
      new URL('./dist/ig-explainer.js', import.meta.url).href,
      imageUrl,
      attributes,
      workers,
    ),
  profileEvaluation,
  /** The page's WebGL renderer, and whether `auto` counts it as software (src/worker/backend.ts). */
  webgl: () => ({ renderer: webglRenderer(), software: softwareWebgl() }),
  cores: () => navigator.hardwareConcurrency,
};
window.perf = api;
document.title = 'perf bench ready';
