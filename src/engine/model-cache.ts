// Downloaded models kept in IndexedDB, keyed by the URL they came from, with HTTP validation:
// the ETag and Last-Modified of model.json are kept with the model, every load asks the server
// whether model.json changed (If-None-Match / If-Modified-Since: a 304 uses the cache, a 200
// replaces it), the cache stands in when the server cannot be reached, and a model.json sent
// with Cache-Control: no-store is never stored. tf.io's IndexedDB handler stores whole
// ModelArtifacts (topology, weights, format, signature), which serves graph and layers models.
import * as tf from '@tensorflow/tfjs';
import { raceAbort } from '../shared/bounded-fetch.js';
import { modelSha256 } from '../shared/sha256.js';
import {
  ModelUnreachable,
  fetchModelJson,
  fetchWeights,
  type HttpValidators,
  type ModelFetchOptions,
} from './model-fetch.js';

const SCHEME = 'indexeddb://';
const PREFIX = 'ig-explainer:';
/** Where the validators travel inside the stored artifacts (removed again on read). */
const VALIDATORS_KEY = 'ig-explainer:http-validators';
/** Where the model's hash (shared/sha256.ts) travels, since the files' bytes are not kept. */
const HASH_KEY = 'ig-explainer:model-sha256';

/** Encoded: tf.io's model management splits keys at '://'. */
function cacheKey(url: string): string {
  return `${SCHEME}${PREFIX}${encodeURIComponent(url)}`;
}

function cacheAvailable(): boolean {
  return typeof indexedDB !== 'undefined';
}

export interface CachedModel {
  artifacts: tf.io.ModelArtifacts;
  validators: HttpValidators;
  /** The model's hash as downloaded, or null (stored by a version that did not keep it). */
  sha256: string | null;
}

/** The cached model from `url` with its validators, or null (none cached, or no IndexedDB). */
export async function readCachedEntry(url: string): Promise<CachedModel | null> {
  if (!cacheAvailable()) return null;
  try {
    const [handler] = tf.io.getLoadHandlers(cacheKey(url));
    if (!handler?.load) return null;
    const stored = await handler.load();
    if (!stored.modelTopology || !stored.weightData) return null;
    const {
      [VALIDATORS_KEY]: kept,
      [HASH_KEY]: sha256,
      ...metadata
    } = (stored.userDefinedMetadata ?? {}) as Record<string, unknown>;
    const validators = (kept as HttpValidators | undefined) ?? { etag: null, lastModified: null };
    const artifacts: tf.io.ModelArtifacts = { ...stored };
    if (Object.keys(metadata).length > 0)
      artifacts.userDefinedMetadata = metadata as { [key: string]: object };
    else delete artifacts.userDefinedMetadata;
    return { artifacts, validators, sha256: typeof sha256 === 'string' ? sha256 : null };
  } catch {
    // Not cached (the handler throws), or a broken or blocked database: a miss, never a failure.
    return null;
  }
}

/** The cached artifacts of the model from `url`, or null when none are cached (or no IndexedDB). */
export async function readCachedModel(url: string): Promise<tf.io.ModelArtifacts | null> {
  return (await readCachedEntry(url))?.artifacts ?? null;
}

/** Stores the artifacts of the model from `url`; quota or privacy-mode failures are ignored. */
export async function writeCachedModel(
  url: string,
  artifacts: tf.io.ModelArtifacts,
  validators: HttpValidators = { etag: null, lastModified: null },
  sha256: string | null = null,
): Promise<boolean> {
  if (!cacheAvailable()) return false;
  try {
    const [handler] = tf.io.getSaveHandlers(cacheKey(url));
    if (!handler?.save) return false;
    // The handler joins weightData in place: give it a copy of the record.
    await handler.save({
      ...artifacts,
      userDefinedMetadata: {
        ...(artifacts.userDefinedMetadata ?? {}),
        [VALIDATORS_KEY]: validators,
        ...(sha256 ? { [HASH_KEY]: sha256 } : {}),
      },
    });
    return true;
  } catch {
    return false;
  }
}

/** Removes the cached model from `url`, if any. */
export async function deleteCachedModel(url: string): Promise<void> {
  if (!cacheAvailable()) return;
  try {
    await tf.io.removeModel(cacheKey(url));
  } catch {
    // Nothing cached, or no database: nothing to remove.
  }
}

export interface ObtainedModel {
  artifacts: tf.io.ModelArtifacts;
  /** Served from IndexedDB (revalidated, or the server unreachable). */
  fromCache: boolean;
  /** The model's hash (shared/sha256.ts); '' for a copy cached without one while offline. */
  sha256: string;
  /** Stores a fresh download (call once the model proved usable); a no-op otherwise. */
  commit(): Promise<void>;
}

export interface ObtainOptions extends ModelFetchOptions {
  /** Read and write the IndexedDB cache (default true). */
  cache?: boolean;
  /**
   * Take the result out of the shared slot (a load does; a prefetch leaves it for the load).
   */
  take?: boolean;
}

/**
 * The artifacts of the model at `url` (model.json at `jsonUrl`): from the cache when the server
 * says it is current or cannot be reached, else downloaded. Concurrent callers for the same URL
 * share one download; a finished download waits (a while) for the load that takes it, so a
 * prefetch and the load after it fetch once. Throws IgError `model-load` or `aborted`.
 */
export function obtainModelArtifacts(
  url: string,
  jsonUrl: string,
  options: ObtainOptions = {},
): Promise<ObtainedModel> {
  const useCache = options.cache ?? true;
  const key = `${useCache ? 'cache' : 'no-cache'} ${url}`;
  let slot = slots.get(key);
  if (!slot) {
    const controller = new AbortController();
    const listeners = new Set<(fraction: number) => void>();
    const promise = obtain(url, jsonUrl, useCache, {
      signal: controller.signal,
      stallMs: options.stallMs,
      onProgress: (fraction) => listeners.forEach((listener) => listener(fraction)),
    });
    const created: Slot = { promise, controller, listeners, waiting: 0, settled: false };
    slot = created;
    slots.set(key, created);
    const settle = () => {
      created.settled = true;
      setTimeout(() => slots.get(key) === created && slots.delete(key), KEEP_SETTLED_MS);
    };
    promise.then(settle, settle);
  }
  return waitFor(key, slot, options);
}

const KEEP_SETTLED_MS = 30_000;

interface Slot {
  promise: Promise<ObtainedModel>;
  controller: AbortController;
  listeners: Set<(fraction: number) => void>;
  waiting: number;
  settled: boolean;
}

const slots = new Map<string, Slot>();

async function waitFor(key: string, slot: Slot, options: ObtainOptions): Promise<ObtainedModel> {
  const { signal, onProgress, take = true } = options;
  const listener = (fraction: number) => {
    if (!signal?.aborted) onProgress?.(fraction);
  };
  slot.listeners.add(listener);
  slot.waiting += 1;
  try {
    const result = await raceAbort(slot.promise, signal);
    if (take && slots.get(key) === slot) slots.delete(key);
    return result;
  } catch (error) {
    if (take && slot.settled && slots.get(key) === slot) slots.delete(key);
    throw error;
  } finally {
    slot.listeners.delete(listener);
    slot.waiting -= 1;
    // Nobody wants a download that is still running any more: stop it.
    if (signal?.aborted && slot.waiting === 0 && !slot.settled) {
      slot.controller.abort();
      if (slots.get(key) === slot) slots.delete(key);
    }
  }
}

async function obtain(
  url: string,
  jsonUrl: string,
  useCache: boolean,
  options: ModelFetchOptions,
): Promise<ObtainedModel> {
  const cached = useCache ? await readCachedEntry(url) : null;
  const fromCache = ({ artifacts, sha256 }: CachedModel): ObtainedModel => ({
    artifacts,
    fromCache: true,
    sha256: sha256 ?? '',
    commit: async () => {},
  });
  let answer;
  try {
    // A copy without its hash is fetched whole (no validators), so the hash can be taken.
    const validators = cached?.sha256 ? cached.validators : null;
    answer = await fetchModelJson(jsonUrl, { ...options, validators });
  } catch (error) {
    // Offline, a stalled or failing server: the cached copy is the best there is.
    if (cached && error instanceof ModelUnreachable) return fromCache(cached);
    throw error;
  }
  if (answer.kind === 'not-modified' && cached) return fromCache(cached);
  if (answer.kind === 'not-modified') throw new Error('unreachable: 304 without validators');
  const artifacts = await fetchWeights(jsonUrl, answer.modelJson, { ...options, fresh: !!cached });
  const sha256 = await modelSha256(answer.bytes, weightFiles(artifacts));
  const { validators, noStore } = answer;
  if (noStore || !useCache) {
    // no-store: not kept at all, and an older copy goes too.
    if (useCache && cached) await deleteCachedModel(url);
    return { artifacts, fromCache: false, sha256, commit: async () => {} };
  }
  return {
    artifacts,
    fromCache: false,
    sha256,
    commit: async () => {
      await writeCachedModel(url, artifacts, validators, sha256);
    },
  };
}

/** The weight files of freshly fetched artifacts, in manifest order, as fetchWeights keeps them. */
function weightFiles({ weightData }: tf.io.ModelArtifacts): ArrayBuffer[] {
  if (weightData === undefined) return [];
  return Array.isArray(weightData) ? weightData : [weightData];
}
