// Downloads a request's model before the request joins the worker's queue: the queue runs one
// explanation at a time, so a download inside the queue (a slow or stalled server) would hold
// back every other element on the page. The load that follows takes the finished download.
import { obtainModelArtifacts } from './model-cache.js';
import { modelJsonUrl } from './model-loader.js';

export interface PrefetchOptions {
  signal?: AbortSignal;
  stallMs?: number;
  onProgress?: (fraction: number) => void;
}

/**
 * Downloads (or revalidates) the first of `urls` that answers, as loadModel would. Never
 * throws: a failure is left for the load, which reports it at once from the same download.
 */
export async function prefetchModel(
  urls: readonly string[],
  { signal, stallMs, onProgress }: PrefetchOptions = {},
): Promise<void> {
  for (const url of urls) {
    try {
      await obtainModelArtifacts(url, modelJsonUrl(url), {
        signal,
        stallMs,
        onProgress,
        take: false,
      });
      return;
    } catch {
      if (signal?.aborted) return;
    }
  }
}
