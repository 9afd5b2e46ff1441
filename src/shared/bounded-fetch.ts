// One fetch for every download (model.json, weight shards, labels, images, saved results): an
// AbortSignal and a stall timeout, i.e. no bytes (headers or body) for `stallMs` ends it. A
// server that sends headers and then nothing would otherwise hold a run forever.
import { abortError } from './types.js';

import { DEFAULT_STALL_TIMEOUT_MS } from './defaults.js';

export { DEFAULT_STALL_TIMEOUT_MS };

/** Why a download failed, for the caller's own error code and sentence. */
export type FetchFailure =
  /** No answer at all: offline, wrong host, refused by CORS. */
  | { kind: 'network'; detail: string }
  /** Nothing arrived for `seconds` (before the headers or in the body). */
  | { kind: 'stall'; seconds: number }
  /** The body broke off after it began. */
  | { kind: 'broken'; detail: string };

export class FetchFailed extends Error {
  override name = 'FetchFailed';
  constructor(
    readonly url: string,
    readonly failure: FetchFailure,
  ) {
    super(`${url}: ${describeFailure(failure)}`);
  }
}

/** The failure as words that fit after "the download of URL ...". */
export function describeFailure(failure: FetchFailure): string {
  switch (failure.kind) {
    case 'network':
      return `got no answer from the server (${failure.detail})`;
    case 'stall':
      return `stalled: no bytes arrived for ${failure.seconds} s`;
    case 'broken':
      return `broke off (${failure.detail})`;
  }
}

export interface BoundedFetchOptions {
  signal?: AbortSignal;
  /** No bytes for this long ends the download; default DEFAULT_STALL_TIMEOUT_MS. */
  stallMs?: number;
  init?: Omit<RequestInit, 'signal'>;
}

export interface BoundedResponse {
  /** Status and headers; read the body with bytes(), never with response.body directly. */
  response: Response;
  /** The whole body, chunk by chunk as it arrives (each chunk's size to `onBytes`). */
  bytes(onBytes?: (bytes: number) => void): Promise<Uint8Array<ArrayBuffer>>;
}

/**
 * fetch(url) bounded by `signal` and by the stall timeout. Resolves once the headers arrive,
 * whatever the status (a 304 or a 404 is the caller's to read). Throws IgError `aborted` when
 * `signal` aborts, FetchFailed for anything else.
 */
export async function boundedFetch(
  url: string,
  { signal, stallMs = DEFAULT_STALL_TIMEOUT_MS, init = {} }: BoundedFetchOptions = {},
): Promise<BoundedResponse> {
  if (signal?.aborted) throw abortError();
  const controller = new AbortController();
  const forward = () => controller.abort();
  signal?.addEventListener('abort', forward, { once: true });
  let stalled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, stallMs);
  };
  const done = () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forward);
  };
  const failure = (error: unknown, kind: 'network' | 'broken'): Error => {
    done();
    if (signal?.aborted) return abortError();
    if (stalled) return new FetchFailed(url, { kind: 'stall', seconds: stallMs / 1000 });
    return new FetchFailed(url, { kind, detail: String(error) });
  };

  arm();
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: controller.signal });
  } catch (error) {
    throw failure(error, 'network');
  }
  done();
  return {
    response,
    async bytes(onBytes) {
      if (signal?.aborted) throw abortError();
      signal?.addEventListener('abort', forward, { once: true });
      arm();
      try {
        const chunks: Uint8Array[] = [];
        let length = 0;
        if (response.body) {
          const reader = response.body.getReader();
          for (;;) {
            const { done: end, value } = await reader.read();
            if (end) break;
            arm();
            chunks.push(value);
            length += value.byteLength;
            onBytes?.(value.byteLength);
          }
        }
        done();
        const out = new Uint8Array(length);
        let offset = 0;
        for (const chunk of chunks) {
          out.set(chunk, offset);
          offset += chunk.byteLength;
        }
        return out;
      } catch (error) {
        throw failure(error, 'broken');
      }
    },
  };
}

/** `promise`, or IgError `aborted` as soon as `signal` aborts (the promise itself runs on). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
