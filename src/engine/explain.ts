// One explanation, end to end: model (loaded once per URL), labels, image, prediction, target,
// baseline and Integrated Gradients, with the timings and the backend and thread it ran on.
import { withDerivedFilters } from './gradients/derived-filters.js';
import * as tf from '@tensorflow/tfjs';
import {
  requestImages,
  type ExplainRequest,
  type PointReply,
  type PointRequest,
} from '../shared/protocol.js';
import type {
  IgBackend,
  IgModelLoadDetail,
  IgPrediction,
  IgProgressDetail,
  IgResult,
  IgThread,
} from '../shared/types.js';
import { IgError, abortError } from '../shared/types.js';
import { raceAbort } from '../shared/bounded-fetch.js';
import { DEFAULT_NOISE_LEVEL, DEFAULT_PATH } from '../shared/defaults.js';
import { attribute } from './attribution.js';
import { makeBaselines } from './baseline-set.js';
import { servePoints, type PointHelper, type PointPort } from './point-helpers.js';
import { imageToTensor } from './image.js';
import { loadLabels, prefetchLabels } from './labels.js';
import { loadModel, type LoadedModel } from './model-loader.js';
import { chooseHead } from './model-output.js';
import { prefetchModel } from './model-prefetch.js';
import { autoBatchSize, checkBatchMemory, shareSchedule } from './batching.js';

export { BATCH_MEMORY_BUDGET, autoBatchSize, checkBatchMemory } from './batching.js';
import { labelFor, resolveTarget, topK } from './predictions.js';
import { fitImage, toLuma, withInputRange, type Classifier } from './preprocess.js';
import { xraiRegionMap } from './xrai.js';

export interface ExplainHooks {
  onModelProgress?(fraction: number): void;
  onModelLoad?(detail: IgModelLoadDetail): void;
  onPrediction?(predictions: IgPrediction[]): void;
  onProgress?(detail: IgProgressDetail): void;
}

export interface ExplainEnvironment {
  backend: IgBackend;
  thread: IgThread;
  /** The pool's other workers, which take part of the adaptive rule's points (point-helpers.ts). */
  helpers?: readonly PointHelper[];
}

interface SharedLoad {
  promise: Promise<LoadedModel>;
  controller: AbortController;
  listeners: Set<(fraction: number) => void>;
  waiting: number;
  settled: boolean;
}

/**
 * Runs explanations and keeps what they share: each model URL list is loaded once per backend
 * (concurrent requests share one load), labels once per URL.
 */
export class Explainer {
  private readonly models = new Map<string, SharedLoad>();
  private readonly labels = new Map<string, Promise<readonly string[]>>();

  async explain(
    request: ExplainRequest,
    env: ExplainEnvironment,
    hooks: ExplainHooks,
    signal: AbortSignal,
  ): Promise<IgResult> {
    const start = performance.now();
    const bitmaps = requestImages(request);
    try {
      checkAborted(signal);
      const model = await this.model(request, env.backend, hooks, signal);
      const modelMs = performance.now() - start;
      const head = chooseHead(model.heads, request.modelOutput, model.url);
      hooks.onModelLoad?.({
        modelUrl: model.url,
        backend: env.backend,
        thread: env.thread,
        inputShape: model.inputShape,
        numClasses: head.numClasses,
        fromCache: model.fromCache,
        modelSha256: model.sha256,
        ms: model.ms,
        outputKind: head.kind,
      });
      const labels =
        request.labelsUrl === null && model.labels?.length === head.numClasses
          ? model.labels
          : await this.labelsFor(request, head.numClasses, signal);
      checkAborted(signal);

      const { explained, probabilityOf, onGrid } = inputsOf(request, model, head);
      const image = onGrid(request.image, 'image');
      let baselines: tf.Tensor3D[] = [];
      try {
        const probabilities = await predict(probabilityOf, image, model.url);
        checkAborted(signal);
        hooks.onPrediction?.(topK(probabilities, labels, request.topK));
        const target = resolveTarget(request.target, probabilities, labels);

        baselines = baselinesOf(request, image, onGrid);
        const attributionStart = performance.now();
        const batchSize = batchSizeOf(request, env.backend, model);
        // One explanation: the gradients' derived filters made once, disposed at its end.
        const ig = await withDerivedFilters(() =>
          attribute(explained, image, baselines, {
            path: request.path ?? DEFAULT_PATH,
            noiseSamples: request.noiseSamples ?? 0,
            noiseLevel: request.noiseLevel ?? DEFAULT_NOISE_LEVEL,
            seed: request.seed,
            target,
            steps: request.steps,
            method: request.method,
            // `explained` is already the requested output: its column is taken as it is.
            output: 'logit',
            batchSize,
            tolerance: request.tolerance,
            ...(request.share && {
              schedule: shareSchedule(request.method, request.steps, request.share),
            }),
            partials: true,
            helpers: env.helpers,
            // The path view's snapshots, when it is shown; a pool's share holds only part of the path.
            trace: request.pathTrace === true && !request.share,
            // The prediction's pass was the forward pass at the image: not run again.
            scoreInput: request.output === 'probability' ? probabilities[target] : undefined,
            signal,
            onProgress: (detail) => {
              if (!signal.aborted) hooks.onProgress?.(detail);
            },
          }),
        );
        checkAborted(signal);
        if (!Number.isFinite(ig.sum)) throw nonFiniteGradient(model.url);
        const regionMap = request.regions
          ? xraiRegionMap(ig.attributions, (await image.data()) as Float32Array, ig.shape)
          : undefined;
        checkAborted(signal);
        const end = performance.now();
        return {
          target: { index: target, label: labelFor(target, labels) },
          attributions: ig.attributions,
          shape: ig.shape,
          sum: ig.sum,
          scoreInput: ig.scoreInput,
          scoreBaseline: ig.scoreBaseline,
          delta: ig.delta,
          steps: ig.steps,
          method: ig.method,
          baseline: request.baselineName,
          output: request.output,
          backend: env.backend,
          thread: env.thread,
          path: ig.path,
          timings: { modelMs, attributionMs: end - attributionStart, totalMs: end - start },
          baselineScores: ig.baselineScores,
          ...(ig.pathTrace && { pathTrace: ig.pathTrace }),
          ...(regionMap && { regionMap }),
          ...(ig.probes !== undefined ? { evaluations: ig.evaluations, probes: ig.probes } : {}),
        };
      } finally {
        image.dispose();
        tf.dispose(baselines);
      }
    } finally {
      for (const bitmap of bitmaps) bitmap.close();
    }
  }

  /**
   * Helps another worker's adaptive run of `request`: evaluates the path points it sends on
   * `port` (point-helpers.ts) with this worker's copy of the model, image and baselines, until
   * that run says it is done. Resolves with the points evaluated.
   */
  async assist(
    request: ExplainRequest,
    backend: IgBackend,
    port: PointPort<PointReply, PointRequest>,
    signal: AbortSignal,
  ): Promise<number> {
    const bitmaps = requestImages(request);
    let image: tf.Tensor3D | null = null;
    let baselines: tf.Tensor3D[] = [];
    try {
      checkAborted(signal);
      const model = await this.model(request, backend, {}, signal);
      checkAborted(signal);
      const head = chooseHead(model.heads, request.modelOutput, model.url);
      const { explained, onGrid } = inputsOf(request, model, head);
      const grid = onGrid(request.image, 'image');
      image = grid;
      baselines = baselinesOf(request, grid, onGrid);
      for (const bitmap of bitmaps) bitmap.close();
      return await withDerivedFilters(() =>
        servePoints(
          port,
          {
            classifier: explained,
            image: grid,
            baselines,
            noiseSamples: request.noiseSamples ?? 0,
            noiseLevel: request.noiseLevel ?? DEFAULT_NOISE_LEVEL,
            seed: request.seed,
            batchSize: batchSizeOf(request, backend, model),
          },
          signal,
        ),
      );
    } catch (error) {
      port.postMessage({ type: 'failed', message: String(error) });
      port.close();
      throw error;
    } finally {
      image?.dispose();
      tf.dispose(baselines);
      for (const bitmap of bitmaps) bitmap.close();
    }
  }

  /**
   * Downloads the request's model and labels unless they are loaded already
   * (model-prefetch.ts, labels.ts): call before queueing the request. Never throws.
   */
  async prefetch(request: ExplainRequest, signal: AbortSignal, onProgress: (f: number) => void) {
    const { modelUrls, labelsUrl, stallTimeoutMs: stallMs } = request;
    const loaded = [...this.models.keys()].some((key) => key.endsWith(` ${modelUrls.join(' ')}`));
    const labelled = [...this.labels.keys()].some((key) => key.endsWith(` ${labelsUrl}`));
    await Promise.all([
      loaded ? null : prefetchModel(modelUrls, { signal, stallMs, onProgress }),
      labelsUrl === null || labelled
        ? null
        : raceAbort(prefetchLabels(labelsUrl, stallMs), signal).catch(() => {}),
    ]);
  }

  /** Frees every loaded model. */
  dispose(): void {
    for (const load of this.models.values()) {
      load.controller.abort();
      load.promise.then((model) => model.dispose()).catch(() => {});
    }
    this.models.clear();
    this.labels.clear();
  }

  private async model(
    { modelUrls: urls, stallTimeoutMs }: ExplainRequest,
    backend: IgBackend,
    hooks: ExplainHooks,
    signal: AbortSignal,
  ): Promise<LoadedModel> {
    const key = `${backend} ${urls.join(' ')}`;
    let load = this.models.get(key);
    if (!load) {
      const controller = new AbortController();
      const listeners = new Set<(fraction: number) => void>();
      const promise = loadModel(urls, {
        signal: controller.signal,
        stallMs: stallTimeoutMs,
        onProgress: (fraction) => listeners.forEach((listener) => listener(fraction)),
      });
      const created: SharedLoad = { promise, controller, listeners, waiting: 0, settled: false };
      load = created;
      this.models.set(key, created);
      promise.then(
        () => (created.settled = true),
        () => {
          created.settled = true;
          if (this.models.get(key) === created) this.models.delete(key);
        },
      );
    }
    const shared = load;
    const listener = (fraction: number) => {
      if (!signal.aborted) hooks.onModelProgress?.(fraction);
    };
    shared.listeners.add(listener);
    shared.waiting += 1;
    try {
      return await raceAbort(shared.promise, signal);
    } finally {
      shared.listeners.delete(listener);
      shared.waiting -= 1;
      // Nobody wants a load that is still running any more: stop downloading.
      if (signal.aborted && shared.waiting === 0 && !shared.settled) {
        shared.controller.abort();
        if (this.models.get(key) === shared) this.models.delete(key);
      }
    }
  }

  private labelsFor(
    { labelsUrl: url, stallTimeoutMs }: ExplainRequest,
    numClasses: number,
    signal: AbortSignal,
  ): Promise<readonly string[]> {
    const key = `${numClasses} ${url ?? ''}`;
    let labels = this.labels.get(key);
    if (!labels) {
      labels = loadLabels(url, numClasses, undefined, stallTimeoutMs);
      this.labels.set(key, labels);
      labels.catch(() => this.labels.delete(key));
    }
    return raceAbort(labels, signal);
  }
}

/**
 * The model's class probabilities for one image (its own, model-output.ts); NaN or infinite
 * outputs are refused.
 */
async function predict(
  probabilityOf: Classifier,
  image: tf.Tensor3D,
  url: string,
): Promise<Float32Array> {
  const scores = tf.tidy(() => probabilityOf(image.expandDims(0) as tf.Tensor4D));
  let probabilities: Float32Array;
  try {
    probabilities = (await scores.data()) as Float32Array;
  } finally {
    scores.dispose();
  }
  if (probabilities.some((p) => !Number.isFinite(p))) {
    throw new IgError(
      'model-incompatible',
      `The model at ${url} returned NaN or infinite outputs for this image: check input-range ` +
        "(the pixel scale the model expects) and the model's weights.",
      'model-url',
    );
  }
  return probabilities;
}

/** The gradient overflowed: no attribution can be made of this model at this image. */
function nonFiniteGradient(url: string): IgError {
  return new IgError(
    'model-incompatible',
    `The gradient of the model at ${url} is not finite at this image (its activations overflow ` +
      'float32, or it divides by zero): check that input-range matches how the model was trained ' +
      'and that its weights load as it was saved; a model whose own predictions do not change ' +
      'with the image cannot be explained.',
    'model-url',
  );
}

/**
 * What IG explains of `head` and how images reach the model's grid: the model's own probability,
 * or the tensor before its softmax or sigmoid (never a softmax applied twice, model-output.ts),
 * as the request asks; a one-channel model is fed luma and attributed on that channel.
 */
function inputsOf(
  request: ExplainRequest,
  model: LoadedModel,
  head: ReturnType<typeof chooseHead>,
) {
  const explained = withInputRange(head.scores(request.output), request.inputRange);
  const probabilityOf =
    request.output === 'probability'
      ? explained
      : withInputRange(head.scores('probability'), request.inputRange);
  const onGrid = (bitmap: ImageBitmap, what: 'image' | 'baseline') =>
    tf.tidy(() => {
      const decoded = imageToTensor(bitmap, undefined, what);
      const fitted = fitImage(decoded, model.height, model.width, request.fit);
      return model.channels === 1 ? toLuma(fitted) : fitted;
    });
  return { explained, probabilityOf, onGrid };
}

/** The request's baselines on the model's grid (named ones made from `image`). */
function baselinesOf(
  request: ExplainRequest,
  image: tf.Tensor3D,
  onGrid: ReturnType<typeof inputsOf>['onGrid'],
): tf.Tensor3D[] {
  return tf.tidy(() => {
    const kinds = (request.baselines ?? [request.baseline]).map((kind) =>
      typeof kind === 'string' ? kind : onGrid(kind, 'baseline'),
    );
    return makeBaselines(kinds, image, request.seed);
  });
}

/** Path points per pass: `batch-size` as given (checked against memory), or the automatic one. */
function batchSizeOf(request: ExplainRequest, backend: IgBackend, model: LoadedModel): number {
  if (request.batchSize === 'auto') return autoBatchSize(backend, model.height, model.width);
  checkBatchMemory(request.batchSize, request.steps + 1, model.height, model.width);
  return request.batchSize;
}

function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortError();
}
