// The page side of the worker runtime: one lazily started worker serves every <ig-explainer> on
// the page; requests carry ids, can be cancelled, and fall back to the main thread when this
// browser has no module workers with OffscreenCanvas.
import { pageOptions } from '../shared/page-options.js';
import { wasmPathsIn, workerName, type WasmPaths } from '../shared/wasm-binaries.js';
import { bundledWasmPaths } from './bundled-wasm.js';
import type { ClientMessage, ExplainRequest, WorkerMessage } from '../shared/protocol.js';
import type {
  IgBaselineKind,
  IgModelLoadDetail,
  IgModelProgressDetail,
  IgPredictionDetail,
  IgProgressDetail,
  IgResult,
  IgThread,
} from '../shared/types.js';
import { IgError, abortError } from '../shared/types.js';
import { BASELINES } from '../shared/keywords.js';
import { sha256Hex } from '../shared/sha256.js';
import { decodeImage, imageUrl } from './decode-image.js';
import { WorkerPool, sharesFor } from './worker-pool.js';

/** An explanation as the element asks for it: images by URL (or a slotted <img>), not decoded. */
export interface ExplainInput extends Omit<ExplainRequest, 'image' | 'baseline' | 'baselineName'> {
  /** Image URL, or an <img> element (its currentSrc is fetched). */
  image: string | HTMLImageElement;
  /** A named baseline, or the URL of a baseline image. */
  baseline: IgBaselineKind | string;
}

export interface ExplainCallbacks {
  onModelProgress?(detail: IgModelProgressDetail): void;
  onModelLoad?(detail: IgModelLoadDetail): void;
  onPrediction?(detail: IgPredictionDetail): void;
  onProgress?(detail: IgProgressDetail): void;
}

const NAMED_BASELINES: readonly string[] = BASELINES;

// Rollup turns this into the URL of the emitted worker chunk; the dev server serves it as is.
const BUNDLED_WORKER_URL = new URL('../worker/worker.ts', import.meta.url);

/** The worker script: `IgExplainer.workerUrl` when the page set it, else the bundled one. */
function workerUrl(): URL {
  const url = pageOptions.workerUrl;
  return url ? new URL(url, document.baseURI) : BUNDLED_WORKER_URL;
}

/** The WASM binaries: under `IgExplainer.wasmPaths` when the page set it, else the bundled ones. */
function wasmPaths(): WasmPaths {
  const base = pageOptions.wasmPaths;
  return base ? wasmPathsIn(base, document.baseURI) : bundledWasmPaths();
}

interface Pending {
  callbacks: ExplainCallbacks;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Port {
  postMessage(message: ClientMessage, transfer?: Transferable[]): void;
  close(): void;
}

/** One worker (or main-thread port) and the requests waiting on it. */
class Runtime {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failed = false;

  private constructor(
    private readonly port: Port,
    readonly thread: IgThread,
  ) {}

  /** Starts the worker; without Worker or OffscreenCanvas, the same module on this thread. */
  static async start(): Promise<Runtime> {
    const url = workerUrl();
    if (typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined') {
      const worker = createWorker(url);
      if (worker) return Runtime.overWorker(worker.worker, worker.revoke);
    }
    console.warn(
      '<ig-explainer>: this browser lacks module workers with OffscreenCanvas; explanations run ' +
        'on the main thread and the page may stutter while they run.',
    );
    const module = (await import(/* @vite-ignore */ url.href)) as WorkerModule;
    const channel = new MessageChannel();
    const disconnect = module.connect(channel.port2, url.href, wasmPaths());
    const runtime = new Runtime(
      {
        postMessage: (message, transfer = []) => channel.port1.postMessage(message, transfer),
        close: () => {
          disconnect();
          channel.port1.close();
          channel.port2.close();
        },
      },
      'main',
    );
    channel.port1.addEventListener('message', (event: MessageEvent<WorkerMessage>) =>
      runtime.receive(event.data),
    );
    channel.port1.start();
    return runtime;
  }

  private static overWorker(worker: Worker, revoke: () => void): Runtime {
    const runtime = new Runtime(
      {
        postMessage: (message, transfer = []) => worker.postMessage(message, transfer),
        close: () => {
          worker.terminate();
          revoke();
        },
      },
      'worker',
    );
    worker.addEventListener('message', (event: MessageEvent<WorkerMessage>) =>
      runtime.receive(event.data),
    );
    const crash = (detail: string) => runtime.crash(detail);
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      crash(event.message || 'the worker script failed to load or threw');
    });
    worker.addEventListener('messageerror', () => crash('a message could not be deserialised'));
    return runtime;
  }

  get usable(): boolean {
    return !this.failed;
  }

  request<T>(message: ClientMessage, callbacks: ExplainCallbacks, transfer: Transferable[] = []) {
    const pending = new Promise<T>((resolve, reject) => {
      this.pending.set(message.id, {
        callbacks,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
    });
    this.port.postMessage(message, transfer);
    return pending;
  }

  id(): number {
    return this.nextId++;
  }

  /** Drops request `id`: no callback runs for it any more; the worker stops it. */
  cancel(id: number): void {
    if (!this.pending.delete(id)) return;
    if (!this.failed) this.port.postMessage({ type: 'cancel', id });
  }

  private receive(message: WorkerMessage): void {
    if (message.type === 'error' && message.fatal) {
      this.fail(new IgError(message.code, message.message, message.attribute));
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    const { callbacks } = pending;
    switch (message.type) {
      case 'model-progress':
        callbacks.onModelProgress?.({ fraction: message.fraction });
        break;
      case 'model-load':
        callbacks.onModelLoad?.(message.detail);
        break;
      case 'prediction':
        callbacks.onPrediction?.({ predictions: message.predictions });
        break;
      case 'progress':
        callbacks.onProgress?.({
          stepsDone: message.stepsDone,
          stepsTotal: message.stepsTotal,
          fraction: message.fraction,
          ...(message.path ? { path: message.path } : {}),
          ...(message.partial ? { partial: message.partial } : {}),
        });
        break;
      case 'result':
        this.pending.delete(message.id);
        pending.resolve(message.result);
        break;
      case 'error':
        this.pending.delete(message.id);
        pending.reject(new IgError(message.code, message.message, message.attribute));
        break;
    }
  }

  /** The worker died: its requests fail with `worker-failed`; the next request starts another. */
  private crash(detail: string): void {
    this.fail(
      new IgError(
        'worker-failed',
        `The explanation worker stopped (${detail}): run the explanation again; if it keeps ` +
          'failing, reload the page.',
      ),
    );
  }

  /** This runtime can serve nothing more: its requests fail with `error`. */
  private fail(error: IgError): void {
    this.failed = true;
    if (runtime === this) runtime = null;
    this.port.close();
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  /** Stops the worker; its requests reject with `aborted`. */
  terminate(): void {
    this.failed = true;
    this.port.close();
    for (const pending of this.pending.values()) pending.reject(abortError());
    this.pending.clear();
  }
}

interface WorkerModule {
  connect(port: MessagePort, entryUrl: string, wasm?: WasmPaths): () => void;
}

/**
 * A module worker running the worker script at `url`. Browsers refuse `new Worker(url)` for a script of another
 * origin (the element loaded from a CDN), so then the worker starts from a same-origin blob URL
 * that imports the absolute worker URL (which the CDN serves with CORS headers).
 */
function createWorker(url: URL): { worker: Worker; revoke: () => void } | null {
  // The worker reads its entry URL (to find the WASM binaries) from its name.
  const options: WorkerOptions = { type: 'module', name: workerName(url.href, wasmPaths()) };
  if (url.origin === location.origin) {
    try {
      return { worker: new Worker(url, options), revoke: () => {} };
    } catch {
      // Fall through to the blob URL (some hosts refuse workers by URL policy).
    }
  }
  const source = `import ${JSON.stringify(url.href)};\n`;
  const blobUrl = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    return { worker: new Worker(blobUrl, options), revoke: () => URL.revokeObjectURL(blobUrl) };
  } catch {
    URL.revokeObjectURL(blobUrl);
    return null;
  }
}

let runtime: Runtime | null = null;
let starting: Promise<Runtime> | null = null;

function shared(): Promise<Runtime> {
  if (runtime?.usable) return Promise.resolve(runtime);
  starting ??= Runtime.start().then(
    (started) => {
      runtime = started;
      starting = null;
      return started;
    },
    (error: unknown) => {
      starting = null;
      throw new IgError(
        'worker-failed',
        `The explanation runtime could not start (${String(error)}): reload the page; if the ` +
          "page's Content-Security-Policy restricts workers, allow worker-src 'self' blob:.",
      );
    },
  );
  return starting;
}

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
    target = await shared();
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

// Slot 0 is the shared worker above: with one worker, the pool is never used.
const pool = new WorkerPool(shared, () => Runtime.start());

/** Stops the shared worker and the pool's others; the next explanation starts fresh ones. */
export function terminateWorker(): void {
  const current = runtime;
  runtime = null;
  current?.terminate();
  pool.terminate();
}

/** Where the runtime runs: null before the first explanation. */
export function runtimeThread(): IgThread | null {
  return runtime?.thread ?? null;
}
