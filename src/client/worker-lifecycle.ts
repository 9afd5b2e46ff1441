// The worker's lifecycle: one worker, started lazily on the first explanation, serves every
// <ig-explainer> on the page (the pool adds others); a crashed one is replaced on the next
// request; without module workers with OffscreenCanvas the same module runs on this thread.
import { pageOptions } from '../shared/page-options.js';
import type { WorkerMessage } from '../shared/protocol.js';
import type { IgThread } from '../shared/types.js';
import { IgError } from '../shared/types.js';
import { wasmPathsIn, workerName, type WasmPaths } from '../shared/wasm-binaries.js';
import { bundledWasmPaths } from './bundled-wasm.js';
import { Runtime } from './runtime.js';
import { WorkerPool } from './worker-pool.js';

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

interface WorkerModule {
  connect(port: MessagePort, entryUrl: string, wasm?: WasmPaths): () => void;
}

/** Starts a worker; without Worker or OffscreenCanvas, the same module on this thread. */
async function startRuntime(): Promise<Runtime> {
  const url = workerUrl();
  if (typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined') {
    const worker = createWorker(url);
    if (worker) return overWorker(worker.worker, worker.revoke);
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

function overWorker(worker: Worker, revoke: () => void): Runtime {
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

// The shared runtime; a failed one is dropped (usable false) and the next request starts another.
let runtime: Runtime | null = null;
let starting: Promise<Runtime> | null = null;

/** The page's shared runtime, started on the first call. */
export function sharedRuntime(): Promise<Runtime> {
  if (runtime?.usable) return Promise.resolve(runtime);
  starting ??= startRuntime().then(
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

// Slot 0 is the shared worker above: with one worker, the pool is never used.
export const pool = new WorkerPool(sharedRuntime, startRuntime);

/** Stops the shared worker and the pool's others; the next explanation starts fresh ones. */
export function terminateWorker(): void {
  const current = runtime;
  runtime = null;
  if (current?.usable) current.terminate();
  pool.terminate();
}

/** Where the runtime runs: null before the first explanation and after it failed. */
export function runtimeThread(): IgThread | null {
  return runtime?.usable ? runtime.thread : null;
}
