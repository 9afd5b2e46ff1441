// The page-side reader of `result-src`: fetches a saved explanation and checks it against the
// page's image and model. It imports no TF.js and no worker, so the element may use it.
import type { IgPrediction, IgResult } from '../shared/types.js';
import { IgError, abortError } from '../shared/types.js';
import { sha256Hex } from './hash.js';
import { decodeSavedResult } from './saved-result.js';

/** A download that sends no bytes for this long ends with `result-load`. */
export const SAVED_STALL_TIMEOUT_MS = 30_000;

export interface LoadSavedOptions {
  signal: AbortSignal;
  /** The image the page shows (src): its bytes are fetched and hashed. */
  imageUrl?: string;
  /** The page's model-url (space-separated list, or the resolved URLs). */
  modelUrl?: string | readonly string[];
  /** For tests of stalled servers; default SAVED_STALL_TIMEOUT_MS. */
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
  const stallMs = options.stallTimeoutMs ?? SAVED_STALL_TIMEOUT_MS;
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
  const { result, predictions } = decodeSavedResult(text, url, { imageSha256, modelUrls });
  return { ...result, predictions };
}

/** The whole body of `url`; `result-load` on a failed fetch, an error status or a stall. */
async function fetchBytes(
  url: string,
  what: string,
  signal: AbortSignal,
  stallMs: number,
): Promise<ArrayBuffer> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let stalled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, stallMs);
  };
  try {
    arm();
    const response = await fetch(url, { signal: controller.signal, credentials: 'same-origin' });
    if (!response.ok) {
      throw new IgError(
        'result-load',
        `The server answered ${response.status} ${response.statusText} for ${what} at ${url}: ` +
          'check result-src and src.',
        'result-src',
      );
    }
    if (!response.body) return await response.arrayBuffer();
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let length = 0;
    for (;;) {
      arm();
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.byteLength;
    }
    const out = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out.buffer;
  } catch (error) {
    if (signal.aborted) throw abortError();
    if (error instanceof IgError) throw error;
    throw new IgError(
      'result-load',
      stalled
        ? `The server sent nothing for ${stallMs / 1000} s while sending ${what} at ${url}: ` +
            'check the server, or try again.'
        : `Could not fetch ${what} from ${url} (${String(error)}): check result-src and src, and ` +
            'serve them from this origin or with Access-Control-Allow-Origin.',
      'result-src',
    );
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
