// Loading a classifier: TF.js graph models (TF Hub / Kaggle format) and layers models, from the
// network or the IndexedDB cache, validated and warmed up once.
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_INPUT_SIZE } from '../shared/defaults.js';
import { IgError, abortError, isIgError } from '../shared/types.js';
import { readCachedModel, writeCachedModel } from './model-cache.js';
import type { Classifier } from './preprocess.js';
import { differentiateTowardsInput } from './gradients/layers.js';
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
}

const HUB_HOSTS = /(^|\.)(tfhub\.dev|kaggle\.com)$/i;
const SELF_HOST_HINT =
  'or self-host the model files (model.json and its weight shards) on your own site and point ' +
  'model-url at that model.json.';

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
  const useCache = options.cache ?? true;
  const start = performance.now();
  let artifacts = useCache ? await readCachedModel(url) : null;
  if (signal?.aborted) throw abortError();
  const fromCache = artifacts !== null;
  if (artifacts === null) {
    artifacts = await fetchModelArtifacts(modelJsonUrl(url), { signal, onProgress });
  }
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
    if (useCache && !fromCache) await writeCachedModel(url, artifacts);
    return { ...loaded, url, format, fromCache, ms: performance.now() - start };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * Reads a TF.js model.json and its weight shards into ModelArtifacts. Every shard's body is read
 * as soon as its response arrives, which frees the connection for the next one: TF.js's own
 * loader awaits all responses before reading any body and hangs with more than six shards on
 * an HTTP/1.1 server.
 */
export async function fetchModelArtifacts(
  jsonUrl: string,
  { signal, onProgress }: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<tf.io.ModelArtifacts> {
  const jsonResponse = await fetchOk(jsonUrl, signal, 'the model');
  const jsonText = await readBody(jsonResponse, signal, () => {});
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(new TextDecoder().decode(jsonText)) as tf.io.ModelJSON;
  } catch {
    throw new IgError(
      'model-load',
      `${jsonUrl} is not a TF.js model.json (the server sent ` +
        `${jsonResponse.headers.get('content-type') ?? 'no content type'}, not JSON): point ` +
        `model-url at the model's model.json, ${SELF_HOST_HINT}`,
      'model-url',
    );
  }
  if (typeof modelJson !== 'object' || modelJson === null || !modelJson.modelTopology) {
    throw new IgError(
      'model-load',
      `${jsonUrl} is JSON but not a TF.js model.json (no modelTopology): point model-url at a ` +
        'model converted with the TensorFlow.js converter.',
      'model-url',
    );
  }
  const manifest = modelJson.weightsManifest ?? [];
  const base = new URL(jsonUrl);
  const groups = manifest.map((group) => {
    const expected = group.weights.reduce((sum, w) => sum + weightBytes(w), 0);
    return { group, expected, urls: group.paths.map((path) => weightUrl(path, base)) };
  });
  const totalBytes = groups.reduce((sum, g) => sum + g.expected, 0);
  let loadedBytes = 0;
  let reported = 0;
  const progress = (bytes: number) => {
    loadedBytes += bytes;
    const fraction = totalBytes > 0 ? Math.min(1, loadedBytes / totalBytes) : 1;
    if (fraction - reported >= 0.01 || fraction === 1) {
      reported = fraction;
      onProgress?.(fraction);
    }
  };
  onProgress?.(0);
  const buffers = await Promise.all(
    groups.map(async ({ urls, expected, group }) => {
      const shards = await Promise.all(
        urls.map(async (shardUrl) =>
          readBody(await fetchOk(shardUrl, signal, 'a weight file of the model'), signal, progress),
        ),
      );
      const received = shards.reduce((sum, s) => sum + s.byteLength, 0);
      const hasStrings = group.weights.some((w) => w.dtype === 'string');
      if (!hasStrings && received < expected) {
        throw new IgError(
          'model-load',
          `The weight files ${group.paths.join(', ')} of ${jsonUrl} hold ${received} bytes but ` +
            `model.json lists ${expected}: the upload is truncated; copy the files again, ` +
            SELF_HOST_HINT,
          'model-url',
        );
      }
      return shards;
    }),
  );
  const weightData = buffers.flat();
  return tf.io.getModelArtifactsForJSON(modelJson, async (weightsManifest) => [
    weightsManifest.flatMap((group) => group.weights),
    weightData.length === 1 ? weightData[0] : weightData,
  ]);
}

/** A weight path of the manifest as a URL: relative to model.json, with its query (TF Hub's). */
function weightUrl(path: string, modelJson: URL): string {
  const url = new URL(path, modelJson);
  if (modelJson.search && !url.search) url.search = modelJson.search;
  return url.href;
}

const DTYPE_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  float16: 2,
  uint16: 2,
  uint8: 1,
  bool: 1,
  complex64: 8,
  string: 0,
};

function weightBytes(entry: tf.io.WeightsManifestEntry): number {
  const dtype = entry.quantization?.dtype ?? entry.dtype;
  return (DTYPE_BYTES[dtype] ?? 4) * entry.shape.reduce((a, b) => a * b, 1);
}

async function fetchOk(
  url: string,
  signal: AbortSignal | undefined,
  what: string,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { mode: 'cors', credentials: 'same-origin', signal });
  } catch (error) {
    if (signal?.aborted) throw abortError();
    throw new IgError(
      'model-load',
      `Could not fetch ${what} from ${url}: no answer from the server (offline, wrong host, or a ` +
        `cross-origin server that does not send Access-Control-Allow-Origin; ${String(error)}). ` +
        `Check model-url, serve the model with CORS headers, ${SELF_HOST_HINT}`,
      'model-url',
    );
  }
  if (!response.ok) {
    throw new IgError(
      'model-load',
      `The server answered ${response.status} ${response.statusText} for ${what} at ${url}. ` +
        `Check model-url, ${SELF_HOST_HINT}`,
      'model-url',
    );
  }
  return response;
}

/** The whole body, read chunk by chunk as it arrives (progress in bytes). */
async function readBody(
  response: Response,
  signal: AbortSignal | undefined,
  onBytes: (bytes: number) => void,
): Promise<ArrayBuffer> {
  try {
    if (!response.body) {
      const buffer = await response.arrayBuffer();
      onBytes(buffer.byteLength);
      return buffer;
    }
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let length = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.byteLength;
      onBytes(value.byteLength);
    }
    const out = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out.buffer;
  } catch (error) {
    if (signal?.aborted) throw abortError();
    throw new IgError(
      'model-load',
      `The download of ${response.url} broke off (${String(error)}): try again, ${SELF_HOST_HINT}`,
      'model-url',
    );
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
