// The page side of an explanation: the element's input (images by URL) decoded here, sent to the
// page's shared worker (or split across the pool), its callbacks and result dropped once the
// signal aborts. The worker's lifecycle is worker-lifecycle.ts; the protocol with it, runtime.ts.
import { pageOptions } from '../shared/page-options.js';
import type { ExplainRequest } from '../shared/protocol.js';
import type { IgBaselineKind, IgResult } from '../shared/types.js';
import { abortError } from '../shared/types.js';
import { BASELINES } from '../shared/keywords.js';
import { sha256Hex } from '../shared/sha256.js';
import { decodeImage, imageUrl } from './decode-image.js';
import type { ExplainCallbacks, Runtime } from './runtime.js';
import { pool, sharedRuntime } from './worker-lifecycle.js';
import { assisted, helpersFor } from './pool-helpers.js';
import { sharesFor } from './worker-pool.js';

export type { ExplainCallbacks } from './runtime.js';
export { runtimeThread, terminateWorker } from './worker-lifecycle.js';

/** An explanation as the element asks for it: images by URL (or a slotted <img>), not decoded. */
export interface ExplainInput extends Omit<ExplainRequest, 'image' | 'baseline' | 'baselineName'> {
  /** Image URL, or an <img> element (its currentSrc is fetched). */
  image: string | HTMLImageElement;
  /** A named baseline, or the URL of a baseline image. */
  baseline: IgBaselineKind | string;
}

const NAMED_BASELINES: readonly string[] = BASELINES;

/**
 * Runs one explanation on the page's shared worker (started lazily; main-thread fallback).
 * Rejects with an IgError; with code `aborted` when `signal` aborts, after which no callback runs.
 */
export async function explain(
  input: ExplainInput,
  callbacks: ExplainCallbacks,
  signal: AbortSignal,
): Promise<IgResult> {
  if (signal.aborted) throw abortError();
  const { image: imageInput, baseline: baselineInput, ...options } = input;
  const imageHref = imageUrl(imageInput);
  const stallTimeoutMs = pageOptions.stallTimeout * 1000;
  // `baseline` is one kind or URL, or several space-separated: each URL is decoded.
  const baselineItems = baselineInput.trim().split(/\s+/).filter(Boolean);
  const baselineNames = baselineItems.map((item) =>
    NAMED_BASELINES.includes(item) ? item : new URL(item, document.baseURI).href,
  );
  // The image's content hash (exportResult()), from the bytes decoded here.
  let imageSha256: Promise<string> | undefined;
  // Decode every image (and start the worker) at once; close what was decoded on any failure.
  const decoding = [
    decodeImage(imageHref, 'image', signal, stallTimeoutMs, (bytes) => {
      imageSha256 = sha256Hex(bytes);
    }),
    ...baselineNames.map((name, i) =>
      NAMED_BASELINES.includes(baselineItems[i])
        ? Promise.resolve(null)
        : decodeImage(name, 'baseline', signal, stallTimeoutMs),
    ),
  ];
  const [image, ...baselineImages] = await Promise.allSettled(decoding);
  const settled = [image, ...baselineImages];
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    for (const s of settled) if (s.status === 'fulfilled') s.value?.close();
    throw signal.aborted ? abortError() : failure.reason;
  }
  const decoded = settled.map((s) => (s as PromiseFulfilledResult<ImageBitmap | null>).value);
  const starts = baselineItems.map((item, i) => decoded[i + 1] ?? (item as IgBaselineKind));
  const bitmaps = decoded.filter((b): b is ImageBitmap => b !== null);
  let target: Runtime;
  try {
    if (signal.aborted) throw abortError();
    target = await sharedRuntime();
    if (signal.aborted) throw abortError();
  } catch (error) {
    bitmaps.forEach((b) => b.close());
    throw error;
  }
  const request: ExplainRequest = {
    ...options,
    modelUrls: options.modelUrls.map((url) => new URL(url, document.baseURI).href),
    labelsUrl:
      options.labelsUrl === null ? null : new URL(options.labelsUrl, document.baseURI).href,
    image: decoded[0]!,
    baseline: starts[0],
    ...(starts.length > 1 ? { baselines: starts } : {}),
    baselineName: baselineNames.join(' '),
    stallTimeoutMs,
  };
  // Callbacks stop the moment the signal aborts, whatever is still in flight.
  const guarded: ExplainCallbacks = {
    onModelProgress: (d) => !signal.aborted && callbacks.onModelProgress?.(d),
    onModelLoad: (d) => !signal.aborted && callbacks.onModelLoad?.(d),
    onPrediction: (d) => !signal.aborted && callbacks.onPrediction?.(d),
    onProgress: (d) => !signal.aborted && callbacks.onProgress?.(d),
  };
  const shares = target.thread === 'worker' ? sharesFor(request) : 1;
  if (shares > 1) {
    const { image: pooledImage, baseline: pooledBaseline, ...rest } = request;
    try {
      const pooled = await pool.explain(
        rest,
        { image: pooledImage, baseline: pooledBaseline },
        shares,
        guarded,
        signal,
      );
      return { ...pooled, imageSha256: await imageSha256 };
    } catch (error) {
      throw signal.aborted ? abortError() : error;
    } finally {
      bitmaps.forEach((b) => b.close());
    }
  }
  const helpers = target.thread === 'worker' ? helpersFor(request) : 0;
  if (helpers > 0) {
    try {
      const helped = await assisted(pool, request, helpers, guarded, signal);
      return { ...helped, imageSha256: await imageSha256 };
    } catch (error) {
      throw signal.aborted ? abortError() : error;
    } finally {
      bitmaps.forEach((b) => b.close());
    }
  }
  const id = target.id();
  const result = target
    .request<IgResult>({ type: 'explain', id, request }, guarded, bitmaps)
    .then(async (value) => ({ ...value, imageSha256: await imageSha256 }));
  return new Promise<IgResult>((resolve, reject) => {
    const onAbort = () => {
      target.cancel(id);
      reject(abortError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    result.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) reject(abortError());
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(signal.aborted ? abortError() : error);
      },
    );
  });
}
