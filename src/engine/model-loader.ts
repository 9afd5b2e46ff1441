// Loading a classifier: TF.js graph models (TF Hub / Kaggle format) and layers models, from the
// network or the IndexedDB cache, validated and warmed up once.
import * as tf from '@tensorflow/tfjs';
import { IgError, abortError, isIgError } from '../shared/types.js';
import { obtainModelArtifacts } from './model-cache.js';
import { checkModel } from './model-check.js';
import { disposeModel } from './model-dispose.js';
import { SELF_HOST_HINT } from './model-fetch.js';
import type { ModelHead, OutputKind } from './model-output.js';
import type { Classifier } from './preprocess.js';
import { differentiateTowardsInput } from './gradients/layers.js';
import { readTeachableMetadata, type TeachableMetadata } from './teachable.js';
import { unfuseLinearOps } from './unfuse.js';

export type ModelFormat = 'graph' | 'layers';

/** A loaded, validated, warmed-up classifier. */
export interface LoadedModel {
  /** The URL (of those given) that loaded. */
  url: string;
  format: ModelFormat;
  /** [-1, height, width, channels]; unknown height/width become DEFAULT_INPUT_SIZE. */
  inputShape: [number, number, number, number];
  height: number;
  width: number;
  /** 3: RGB; 1: luma. */
  channels: 1 | 3;
  /** The default head's classes (a [N, 1] sigmoid counts two). */
  numClasses: number;
  /** What the default head outputs. */
  outputKind: OutputKind;
  /** Every output; `defaultHead` is the first [N, classes] one. */
  heads: ModelHead[];
  defaultHead: ModelHead;
  /** A Teachable Machine export's labels (its metadata.json), or null. */
  labels: readonly string[] | null;
  fromCache: boolean;
  /** The model's hash (shared/sha256.ts: model.json and its weight files as served). */
  sha256: string;
  /** Download (or cache read), construction and warm-up. */
  ms: number;
  /** Pixels as the model expects them, [N, height, width, channels], to the default head's own output. */
  classifier: Classifier;
  dispose(): void;
}

export interface LoadModelOptions {
  signal?: AbortSignal;
  /** Download progress in [0, 1], across the whole load. */
  onProgress?: (fraction: number) => void;
  /** Read and write the IndexedDB cache (default true). */
  cache?: boolean;
  /** No bytes for this long ends a download (default DEFAULT_STALL_TIMEOUT_MS). */
  stallMs?: number;
}

const HUB_HOSTS = /(^|\.)(tfhub\.dev|kaggle\.com)$/i;
export { fetchModelArtifacts } from './model-fetch.js';

/** True for TF Hub and Kaggle model pages, which serve TF.js files at `model.json?tfjs-format=file`. */
export function isHubUrl(url: string): boolean {
  try {
    return HUB_HOSTS.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * The model.json URL for `url`: TF Hub and Kaggle model URLs are rewritten exactly as
 * `tf.loadGraphModel(url, { fromTFHub: true })` does; any other URL is used as given.
 */
export function modelJsonUrl(url: string): string {
  if (!isHubUrl(url) || /model\.json(\?|$)/.test(url)) return url;
  return `${url.endsWith('/') ? url : `${url}/`}model.json?tfjs-format=file`;
}

/**
 * Loads the first of `urls` that works. Each URL is read from the IndexedDB cache when present,
 * otherwise downloaded (weight shards read as they arrive, so more shards than the browser's
 * six connections per host never stall on HTTP/1.1) and then cached.
 * Throws IgError `model-load` (what the server answered), `model-incompatible` (what was found)
 * or `aborted`.
 */
export async function loadModel(
  urls: readonly string[],
  options: LoadModelOptions = {},
): Promise<LoadedModel> {
  if (urls.length === 0) {
    throw new IgError('model-load', 'No model URL was given: set model-url.', 'model-url');
  }
  const failures: IgError[] = [];
  for (const url of urls) {
    try {
      return await loadOne(url, options);
    } catch (error) {
      if (options.signal?.aborted) throw abortError();
      failures.push(asLoadError(error, url));
    }
  }
  if (failures.length === 1) throw failures[0];
  const last = failures[failures.length - 1];
  throw new IgError(
    last.code,
    `None of the ${urls.length} model URLs loaded. ${failures.map((f) => f.message).join(' ')}`,
    'model-url',
  );
}

async function loadOne(url: string, options: LoadModelOptions): Promise<LoadedModel> {
  const { signal, onProgress } = options;
  const start = performance.now();
  // The cache, revalidated over HTTP (model-cache.ts); shares a prefetch's download.
  const obtained = await obtainModelArtifacts(url, modelJsonUrl(url), options);
  const { artifacts, fromCache } = obtained;
  if (signal?.aborted) throw abortError();
  onProgress?.(1);
  const format = modelFormat(artifacts, url);
  // A Teachable Machine export's metadata.json beside model.json: labels and image size.
  const teachable: TeachableMetadata | null =
    format === 'layers' ? await readTeachableMetadata(modelJsonUrl(url), signal) : null;
  // IG differentiates towards the input only: see unfuseLinearOps (the cache keeps the original).
  const built = format === 'graph' ? unfuseLinearOps(artifacts) : artifacts;
  const model = await construct(built, format, url);
  try {
    if (signal?.aborted) throw abortError();
    const size = teachable ? { height: teachable.imageSize, width: teachable.imageSize } : {};
    const checked = await checkModel(model, built.modelTopology, url, size);
    if (signal?.aborted) throw abortError();
    await obtained.commit();
    const { height, width, channels, defaultHead } = checked;
    return {
      ...checked,
      url,
      format,
      fromCache,
      sha256: obtained.sha256,
      ms: performance.now() - start,
      inputShape: [-1, height, width, channels],
      numClasses: defaultHead.numClasses,
      outputKind: defaultHead.kind,
      labels: teachable?.labels ?? null,
      classifier: defaultHead.forward,
      dispose: () => disposeModel(model),
    };
  } catch (error) {
    disposeModel(model);
    throw error;
  }
}

function modelFormat(artifacts: tf.io.ModelArtifacts, url: string): ModelFormat {
  if (artifacts.format === 'graph-model') return 'graph';
  if (artifacts.format === 'layers-model') return 'layers';
  const topology = artifacts.modelTopology as Record<string, unknown> | undefined;
  if (topology && Array.isArray(topology.node)) return 'graph';
  if (topology && ('model_config' in topology || 'class_name' in topology)) return 'layers';
  throw new IgError(
    'model-incompatible',
    `The model at ${url} is neither a TF.js graph model nor a layers model (format ` +
      `"${String(artifacts.format)}"): convert it with the TensorFlow.js converter.`,
    'model-url',
  );
}

type AnyModel = tf.GraphModel | tf.LayersModel;

async function construct(
  artifacts: tf.io.ModelArtifacts,
  format: ModelFormat,
  url: string,
): Promise<AnyModel> {
  const handler: tf.io.IOHandler = { load: async () => artifacts };
  try {
    return format === 'graph'
      ? await tf.loadGraphModel(handler)
      : differentiateTowardsInput(await tf.loadLayersModel(handler));
  } catch (error) {
    throw new IgError(
      'model-incompatible',
      `TF.js could not build the ${format} model from ${url} (${errorText(error)}): check that ` +
        'model.json and its weight files belong together and were written by the TF.js converter.',
      'model-url',
    );
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function asLoadError(error: unknown, url: string): IgError {
  if (isIgError(error)) return error;
  return new IgError(
    'model-load',
    `Loading the model from ${url} failed (${errorText(error)}): check model-url, ${SELF_HOST_HINT}`,
    'model-url',
  );
}
