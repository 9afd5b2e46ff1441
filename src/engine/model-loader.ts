// Loading a classifier: TF.js graph models (TF Hub / Kaggle format) and layers models, from the
// network or the IndexedDB cache, validated and warmed up once.
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_INPUT_SIZE } from '../shared/defaults.js';
import { IgError, abortError, isIgError } from '../shared/types.js';
import { obtainModelArtifacts } from './model-cache.js';
import { SELF_HOST_HINT } from './model-fetch.js';
import type { Classifier } from './preprocess.js';
import { unfuseLinearOps } from './unfuse.js';

export type ModelFormat = 'graph' | 'layers';

/** A loaded, validated, warmed-up classifier. */
export interface LoadedModel {
  /** The URL (of those given) that loaded. */
  url: string;
  format: ModelFormat;
  /** [-1, height, width, 3]; unknown height/width become DEFAULT_INPUT_SIZE. */
  inputShape: [number, number, number, number];
  height: number;
  width: number;
  numClasses: number;
  fromCache: boolean;
  /** Download (or cache read), construction and warm-up. */
  ms: number;
  /** Pixels as the model expects them, [N, height, width, 3], to logits [N, classes]. */
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
  // IG differentiates towards the input only: see unfuseLinearOps (the cache keeps the original).
  const model = await construct(
    format === 'graph' ? unfuseLinearOps(artifacts) : artifacts,
    format,
    url,
  );
  try {
    if (signal?.aborted) throw abortError();
    const loaded = await validateAndWarmUp(model, format, url);
    if (signal?.aborted) throw abortError();
    await obtained.commit();
    return { ...loaded, url, format, fromCache, ms: performance.now() - start };
  } catch (error) {
    model.dispose();
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
      : await tf.loadLayersModel(handler);
  } catch (error) {
    throw new IgError(
      'model-incompatible',
      `TF.js could not build the ${format} model from ${url} (${errorText(error)}): check that ` +
        'model.json and its weight files belong together and were written by the TF.js converter.',
      'model-url',
    );
  }
}

type Validated = Pick<
  LoadedModel,
  'inputShape' | 'height' | 'width' | 'numClasses' | 'classifier'
> & {
  dispose(): void;
};

async function validateAndWarmUp(
  model: AnyModel,
  format: ModelFormat,
  url: string,
): Promise<Validated> {
  const inputs = model.inputs as Array<{
    name: string;
    shape?: Array<number | null>;
    dtype?: string;
  }>;
  if (inputs.length !== 1) {
    throw incompatible(
      url,
      `has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}), not one image input ` +
        '[N, height, width, 3]',
    );
  }
  const shape = inputs[0].shape;
  if (shape && (shape.length !== 4 || shape[3] !== 3)) {
    throw incompatible(
      url,
      `takes input "${inputs[0].name}" of shape [${shape.map(dim).join(', ')}], not RGB images ` +
        '[N, height, width, 3]',
    );
  }
  if (inputs[0].dtype && inputs[0].dtype !== 'float32') {
    throw incompatible(url, `takes ${inputs[0].dtype} input, not float32 pixels`);
  }
  const height = known(shape?.[1]) ?? DEFAULT_INPUT_SIZE;
  const width = known(shape?.[2]) ?? DEFAULT_INPUT_SIZE;

  const classifier: Classifier =
    format === 'graph'
      ? (batch) => firstTensor((model as tf.GraphModel).predict(batch)) as tf.Tensor2D
      : (batch) => (model as tf.LayersModel).apply(batch, { training: false }) as tf.Tensor2D;

  // Warm-up: one forward pass gives the output shape; one gradient proves every op on the path
  // has a gradient (and compiles the backward kernels before the first explanation).
  let outputShape: number[];
  try {
    const logits = tf.tidy(() => classifier(tf.zeros([1, height, width, 3])));
    outputShape = logits.shape;
    await logits.data();
    logits.dispose();
  } catch (error) {
    if (isIgError(error)) throw error;
    throw incompatible(url, `failed on a [1, ${height}, ${width}, 3] image (${errorText(error)})`);
  }
  if (outputShape.length !== 2 || outputShape[0] !== 1) {
    throw incompatible(url, `returns shape [${outputShape.join(', ')}], not logits [N, classes]`);
  }
  try {
    const gradient = tf.tidy(() =>
      tf.grad((x) => tf.sum(tf.slice(classifier(x as tf.Tensor4D), [0, 0], [-1, 1])))(
        tf.zeros([1, height, width, 3]),
      ),
    );
    await gradient.data();
    gradient.dispose();
  } catch (error) {
    throw new IgError(
      'model-incompatible',
      `The model at ${url} cannot be differentiated (${errorText(error)}): IG needs a model ` +
        'whose ops all have gradients in TensorFlow.js; export the model without that op.',
      'model-url',
    );
  }
  return {
    inputShape: [-1, height, width, 3],
    height,
    width,
    numClasses: outputShape[1],
    classifier,
    dispose: () => model.dispose(),
  };
}

function firstTensor(output: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap): tf.Tensor {
  if (output instanceof tf.Tensor) return output;
  if (Array.isArray(output)) return output[0];
  return Object.values(output)[0];
}

function incompatible(url: string, what: string): IgError {
  return new IgError(
    'model-incompatible',
    `The model at ${url} ${what}: ig-explainer needs an image classifier with input ` +
      '[N, height, width, 3] and output [N, classes].',
    'model-url',
  );
}

function known(size: number | null | undefined): number | null {
  return typeof size === 'number' && size > 0 ? size : null;
}

function dim(size: number | null): string {
  return size === null || size < 0 ? '?' : String(size);
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
