// The page-side reader of `result-src`: fetches a saved explanation and checks it against the
// page's image and model. It imports no TF.js and no worker, so the element may use it.
import type { IgPrediction, IgResult } from '../shared/types.js';
import { FetchFailed, boundedFetch, describeFailure } from '../shared/bounded-fetch.js';
import { pageOptions } from '../shared/page-options.js';
import { IgError, abortError } from '../shared/types.js';
import { sha256Hex } from './hash.js';
import { decodeSavedResult } from './saved-result.js';

export interface LoadSavedOptions {
  signal: AbortSignal;
  /** The image the page shows (src): its bytes are fetched and hashed. */
  imageUrl?: string;
  /** The page's model-url (space-separated list, or the resolved URLs). */
  modelUrl?: string | readonly string[];
  /** SHA-256 of the model the element has loaded (ig-model-load), when it has one. */
  modelSha256?: string;
  /** No bytes for this long ends a download; default the page-wide `IgExplainer.stallTimeout`. */
  stallTimeoutMs?: number;
}

/**
 * The saved explanation at `url`, checked against the page's image and model: the result and
 * the predictions as a live run gives them. Throws IgError `result-load` (which check failed,
 * or that the file could not be fetched) or `aborted`.
 */
export async function loadSavedResult(
  url: string,
  options: LoadSavedOptions,
): Promise<IgResult & { predictions: IgPrediction[] }> {
  const { signal } = options;
  const stallMs = options.stallTimeoutMs ?? pageOptions.stallTimeout * 1000;
  const [text, imageSha256] = await Promise.all([
    fetchBytes(url, 'the saved explanation', signal, stallMs).then((b) =>
      new TextDecoder().decode(b),
    ),
    options.imageUrl === undefined
      ? undefined
      : fetchBytes(options.imageUrl, 'the image', signal, stallMs).then(sha256Hex),
  ]);
  if (signal.aborted) throw abortError();
  const modelUrls =
    options.modelUrl === undefined
      ? undefined
      : typeof options.modelUrl === 'string'
        ? options.modelUrl.trim().split(/\s+/).filter(Boolean)
        : options.modelUrl;
  const { modelSha256 } = options;
  const expect = { imageSha256, modelUrls, modelSha256 };
  const { result, predictions } = decodeSavedResult(text, url, expect);
  return { ...result, ...(imageSha256 ? { imageSha256 } : {}), predictions };
}

/** The whole body of `url`; `result-load` on a failed fetch, an error status or a stall. */
async function fetchBytes(
  url: string,
  what: string,
  signal: AbortSignal,
  stallMs: number | undefined,
): Promise<Uint8Array<ArrayBuffer>> {
  try {
    const answer = await boundedFetch(url, {
      signal,
      stallMs,
      init: { credentials: 'same-origin' },
    });
    const { response } = answer;
    if (!response.ok) {
      throw new IgError(
        'result-load',
        `The server answered ${response.status} ${response.statusText} for ${what} at ${url}: ` +
          'check result-src and src.',
        'result-src',
      );
    }
    return await answer.bytes();
  } catch (error) {
    if (signal.aborted) throw abortError();
    if (!(error instanceof FetchFailed)) throw error;
    throw new IgError(
      'result-load',
      error.failure.kind === 'stall'
        ? `The server sent nothing for ${error.failure.seconds} s while sending ${what} at ${url}: ` +
            'check the server, or try again.'
        : `Could not fetch ${what} from ${url} (${describeFailure(error.failure)}): check ` +
            'result-src and src, and serve them from this origin or with Access-Control-Allow-Origin.',
      'result-src',
    );
  }
}
