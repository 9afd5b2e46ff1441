// Downloading a TF.js model: model.json (revalidated against the cache's ETag / Last-Modified)
// and its weight shards, each bounded by the stall timeout, weights only from model.json's origin.
import * as tf from '@tensorflow/tfjs';
import {
  FetchFailed,
  boundedFetch,
  describeFailure,
  type BoundedResponse,
} from '../shared/bounded-fetch.js';
import { IgError, abortError, isIgError } from '../shared/types.js';

export const SELF_HOST_HINT =
  'or self-host the model files (model.json and its weight shards) on your own site and point ' +
  'model-url at that model.json.';

/** What HTTP caching keeps to ask "has it changed?" (RFC 9110 validators). */
export interface HttpValidators {
  etag: string | null;
  lastModified: string | null;
}

export interface ModelFetchOptions {
  signal?: AbortSignal;
  stallMs?: number;
  /** Download progress in [0, 1], over the weight bytes. */
  onProgress?: (fraction: number) => void;
}

export type ModelJsonAnswer =
  /** The server says the cached copy is current (304, or the same validators). */
  | { kind: 'not-modified' }
  | {
      kind: 'model';
      modelJson: tf.io.ModelJSON;
      /** model.json's bytes as served: the model hash starts from them (shared/sha256.ts). */
      bytes: Uint8Array;
      validators: HttpValidators;
      noStore: boolean;
    };

/**
 * The model could not be reached (no answer, a stall, a 5xx): a cached copy may stand in.
 * Still an IgError `model-load` for everyone else.
 */
export class ModelUnreachable extends IgError {}

const sameOrigin = (a: string, b: string) => new URL(a).origin === new URL(b).origin;
const pageOrigin = () => (globalThis as { location?: { href: string } }).location?.href;

/**
 * Fetches model.json. With `validators` (of a cached copy) it asks with If-None-Match /
 * If-Modified-Since; a cross-origin host that refuses the CORS preflight these headers need is
 * asked again plainly, and the answer's validators compared. Throws ModelUnreachable, IgError
 * `model-load` or `aborted`.
 */
export async function fetchModelJson(
  jsonUrl: string,
  { signal, stallMs, validators }: ModelFetchOptions & { validators?: HttpValidators | null },
): Promise<ModelJsonAnswer> {
  const conditional: Record<string, string> = {};
  if (validators?.etag) conditional['If-None-Match'] = validators.etag;
  if (validators?.lastModified) conditional['If-Modified-Since'] = validators.lastModified;
  const revalidating = Object.keys(conditional).length > 0;
  const get = (init: RequestInit) =>
    request(jsonUrl, 'the model', { signal, stallMs }, { ...init, mode: 'cors' });
  let answer: BoundedResponse;
  try {
    answer = await get(revalidating ? { headers: conditional, cache: 'no-store' } : {});
  } catch (error) {
    const page = pageOrigin();
    const preflightMayHaveFailed =
      revalidating && error instanceof ModelUnreachable && page && !sameOrigin(jsonUrl, page);
    if (!preflightMayHaveFailed) throw error;
    answer = await get({ cache: 'no-cache' });
  }
  // A 304 that says no-store: the stored copy may not be used either; fetch it whole.
  if (answer.response.status === 304 && noStore(answer.response)) {
    answer = await get({ cache: 'no-store' });
  }
  const { response } = answer;
  if (response.status === 304) return { kind: 'not-modified' };
  checkStatus(response, jsonUrl, 'the model');
  const now: HttpValidators = {
    etag: response.headers.get('etag'),
    lastModified: response.headers.get('last-modified'),
  };
  if (validators && !noStore(response) && unchanged(validators, now)) {
    return { kind: 'not-modified' };
  }
  const text = await body(answer, jsonUrl, 'the model', signal);
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(new TextDecoder().decode(text)) as tf.io.ModelJSON;
  } catch {
    throw new IgError(
      'model-load',
      `${jsonUrl} is not a TF.js model.json (the server sent ` +
        `${response.headers.get('content-type') ?? 'no content type'}, not JSON): point ` +
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
  return { kind: 'model', modelJson, bytes: text, validators: now, noStore: noStore(response) };
}

function noStore(response: Response): boolean {
  return /(^|,)\s*no-store\s*(,|$)/i.test(response.headers.get('cache-control') ?? '');
}

/** The same resource by a strong ETag, or (no ETag either side) by Last-Modified. */
function unchanged(before: HttpValidators, now: HttpValidators): boolean {
  if (before.etag || now.etag) return before.etag !== null && before.etag === now.etag;
  return before.lastModified !== null && before.lastModified === now.lastModified;
}

/**
 * The weight shards of `modelJson` into ModelArtifacts. Every shard's body is read as soon as
 * its response arrives, which frees the connection for the next one: TF.js's own loader awaits
 * all responses before reading any body and hangs with more than six shards on HTTP/1.1.
 * Every path must resolve to model.json's own origin.
 */
export async function fetchWeights(
  jsonUrl: string,
  modelJson: tf.io.ModelJSON,
  { signal, stallMs, onProgress, fresh = false }: ModelFetchOptions & { fresh?: boolean },
): Promise<tf.io.ModelArtifacts> {
  const manifest = modelJson.weightsManifest ?? [];
  const base = new URL(jsonUrl);
  const groups = manifest.map((group) => {
    const expected = group.weights.reduce((sum, w) => sum + weightBytes(w), 0);
    return { group, expected, urls: group.paths.map((path) => weightUrl(path, base)) };
  });
  for (const url of groups.flatMap((g) => g.urls)) checkWeightOrigin(url, jsonUrl);
  checkGraphShapes(modelJson, jsonUrl);
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
  const what = 'a weight file of the model';
  // After model.json changed, the browser's HTTP cache must not hand back the old shards.
  const init: RequestInit = {
    mode: 'cors',
    credentials: 'same-origin',
    ...(fresh ? { cache: 'no-cache' } : {}),
  };
  const buffers = await Promise.all(
    groups.map(async ({ urls, expected, group }) => {
      const shards = await Promise.all(
        urls.map(async (shardUrl) => {
          const answer = await request(shardUrl, what, { signal, stallMs }, init);
          checkStatus(answer.response, shardUrl, what);
          return (await body(answer, shardUrl, what, signal, progress)).buffer;
        }),
      );
      const received = shards.reduce((sum, s) => sum + s.byteLength, 0);
      const hasStrings = group.weights.some((w) => w.dtype === 'string');
      if (!hasStrings && received !== expected) {
        throw new IgError(
          'model-load',
          received < expected
            ? `The weight files ${group.paths.join(', ')} of ${jsonUrl} hold ${received} bytes but ` +
                `model.json lists ${expected}: the upload is truncated; copy the files again, ` +
                SELF_HOST_HINT
            : `The weight files ${group.paths.join(', ')} of ${jsonUrl} hold ${received} bytes but ` +
                `model.json's shapes need ${expected}: model.json and its weight files do not ` +
                'belong together, or the server re-encodes the binary weight files as text (some ' +
                "dev servers' transform steps do, @web/dev-server's among them); copy both from " +
                'the same conversion and serve the weight files as application/octet-stream, ' +
                `untransformed, ${SELF_HOST_HINT}`,
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

/** model.json and its weights, without any cache (benchmarks and tests). */
export async function fetchModelArtifacts(
  jsonUrl: string,
  options: ModelFetchOptions = {},
): Promise<tf.io.ModelArtifacts> {
  const answer = await fetchModelJson(jsonUrl, options);
  if (answer.kind !== 'model') throw new Error('unreachable: no validators were sent');
  return fetchWeights(jsonUrl, answer.modelJson, options);
}

/** A weight path of the manifest as a URL: relative to model.json, with its query (TF Hub's). */
function weightUrl(path: string, modelJson: URL): string {
  const url = new URL(path, modelJson);
  if (modelJson.search && !url.search) url.search = modelJson.search;
  return url.href;
}

function checkWeightOrigin(url: string, jsonUrl: string): void {
  if (sameOrigin(url, jsonUrl)) return;
  throw new IgError(
    'model-load',
    `The model.json at ${jsonUrl} names a weight file on another origin (${url}): ` +
      "ig-explainer loads weights only from the model's own origin, so that a model file cannot " +
      'make the page download from elsewhere. Put the weight files next to model.json and list ' +
      'them by relative path in its weightsManifest, as the TensorFlow.js converter writes them.',
    'model-url',
  );
}

interface GraphNode {
  name?: string;
  op?: string;
  attr?: { value?: { tensor?: { tensorShape?: { dim?: Array<{ size?: string | number }> } } } };
}

/**
 * A graph model's weights carry their shape twice: in the manifest (how the bytes are cut) and on
 * their Const node (what the graph computes with). Different shapes mean model.json was edited
 * or its parts come from different conversions; TF.js would cut the bytes wrongly and fail, or
 * compute garbage, far from the cause.
 */
function checkGraphShapes(modelJson: tf.io.ModelJSON, jsonUrl: string): void {
  const nodes = (modelJson.modelTopology as { node?: unknown } | undefined)?.node;
  if (!Array.isArray(nodes)) return;
  const declared = new Map<string, number[]>();
  for (const node of nodes as GraphNode[]) {
    const shape = node.op === 'Const' ? node.attr?.value?.tensor?.tensorShape : undefined;
    if (node.name && shape)
      declared.set(
        node.name,
        (shape.dim ?? []).map((d) => Number(d.size)),
      );
  }
  for (const entry of (modelJson.weightsManifest ?? []).flatMap((group) => group.weights)) {
    const graph = declared.get(entry.name);
    if (!graph || graph.some((size) => !(size >= 0))) continue;
    if (graph.length === entry.shape.length && graph.every((size, i) => size === entry.shape[i])) {
      continue;
    }
    throw new IgError(
      'model-load',
      `The model.json at ${jsonUrl} lists weight "${entry.name}" with shape ` +
        `[${entry.shape.join(', ')}] but its graph declares [${graph.join(', ')}]: the weights ` +
        'manifest and the graph do not belong together; copy model.json and its weight files ' +
        `from the same conversion, ${SELF_HOST_HINT}`,
      'model-url',
    );
  }
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

async function request(
  url: string,
  what: string,
  options: { signal?: AbortSignal; stallMs?: number },
  init: RequestInit,
): Promise<BoundedResponse> {
  try {
    return await boundedFetch(url, { ...options, init: { credentials: 'same-origin', ...init } });
  } catch (error) {
    throw fetchError(error, url, what, options.signal);
  }
}

function checkStatus(response: Response, url: string, what: string): void {
  if (response.ok) return;
  const Error = response.status >= 500 ? ModelUnreachable : IgError;
  throw new Error(
    'model-load',
    `The server answered ${response.status} ${response.statusText} for ${what} at ${url}. ` +
      `Check model-url, ${SELF_HOST_HINT}`,
    'model-url',
  );
}

async function body(
  answer: BoundedResponse,
  url: string,
  what: string,
  signal: AbortSignal | undefined,
  onBytes?: (bytes: number) => void,
): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return await answer.bytes(onBytes);
  } catch (error) {
    throw fetchError(error, url, what, signal);
  }
}

function fetchError(error: unknown, url: string, what: string, signal?: AbortSignal): Error {
  if (signal?.aborted) return abortError();
  if (isIgError(error)) return error;
  if (!(error instanceof FetchFailed)) return error as Error;
  const { failure } = error;
  const advice =
    failure.kind === 'stall'
      ? 'check that the server sends the whole file, or raise IgExplainer.stallTimeout for a slow ' +
        `network, ${SELF_HOST_HINT}`
      : failure.kind === 'network'
        ? 'check model-url and the network; a server on another origin must send ' +
          `Access-Control-Allow-Origin, ${SELF_HOST_HINT}`
        : `try again, ${SELF_HOST_HINT}`;
  return new ModelUnreachable(
    'model-load',
    `The download of ${what} from ${url} ${describeFailure(failure)}: ${advice}`,
    'model-url',
  );
}
