// The worker side of the protocol: one explanation at a time, the rest queued; cancel by id.
import * as tf from '@tensorflow/tfjs';
import { Explainer } from '../engine/explain.js';
import { PointHelper } from '../engine/point-helpers.js';
import type { ClientMessage, ExplainRequest, WorkerMessage } from '../shared/protocol.js';
import type { IgErrorCode, IgThread } from '../shared/types.js';
import { isIgError } from '../shared/types.js';
import type { WasmPaths } from '../shared/wasm-binaries.js';
import { currentBackend, useBackend } from './backend.js';

/** A worker's global scope, or a MessagePort (the main-thread fallback). */
export interface Endpoint {
  postMessage(message: WorkerMessage, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ClientMessage>) => void): void;
  start?(): void;
}

export interface ServeOptions {
  thread: IgThread;
  /** The URL of the worker entry module: the WASM binaries are found next to it... */
  entryUrl: string;
  /** ...unless the client said where they are (the bundled or page-set URLs). */
  wasm?: WasmPaths;
}

/**
 * The client names its worker `ig-explainer <entry URL>`: the entry URL locates the WASM binaries
 * (a blob-URL worker's location says nothing).
 */
export function entryUrlOf(name: string): string | null {
  return name.split(/\s+/).find((word) => /^(https?|file):/.test(word)) ?? null;
}

interface Job {
  id: number;
  request: ExplainRequest;
  controller: AbortController;
  /** An `assist` request: the port of the run it helps. */
  assists?: MessagePort;
  /** An explanation's helpers (request.helpers): the pool's other workers. */
  helpers: PointHelper[];
}

/**
 * Serves explanation requests arriving on `endpoint` until the context ends. Returns a function
 * that stops serving and frees the models (for the main-thread fallback; a worker just ends).
 */
export function serve(endpoint: Endpoint, options: ServeOptions): () => void {
  const explainer = new Explainer();
  const queue: Job[] = [];
  const jobs = new Map<number, Job>();
  let running = false;
  const post = (message: WorkerMessage, transfer: Transferable[] = []) =>
    endpoint.postMessage(message, transfer);

  async function pump(): Promise<void> {
    if (running) return;
    running = true;
    try {
      for (let job = queue.shift(); job; job = queue.shift()) {
        if (!job.controller.signal.aborted) await run(job);
        jobs.delete(job.id);
      }
    } finally {
      running = false;
    }
  }

  async function run({ id, request, controller, assists, helpers }: Job): Promise<void> {
    const { signal } = controller;
    // After a cancel the client has rejected already: nothing more is sent for this id.
    const send = (message: WorkerMessage, transfer: Transferable[] = []) => {
      if (!signal.aborted) post(message, transfer);
    };
    try {
      const backend = await useBackend(request.backend, options);
      if (backend === 'webgl') watchContext();
      if (assists) {
        const points = await explainer.assist(request, backend, assists, signal);
        send({ type: 'assisted', id, points });
        return;
      }
      const result = await explainer.explain(
        request,
        { backend, thread: options.thread, helpers },
        {
          onModelProgress: (fraction) => send({ type: 'model-progress', id, fraction }),
          onModelLoad: (detail) => send({ type: 'model-load', id, detail }),
          onPrediction: (predictions) => send({ type: 'prediction', id, predictions }),
          onProgress: (detail) =>
            send(
              { type: 'progress', id, ...detail },
              detail.partial ? [detail.partial.attributions.buffer] : [],
            ),
        },
        signal,
      );
      // The helpers are done before the page hears of the result.
      for (const helper of helpers) helper.close();
      const buffers = [
        result.attributions.buffer,
        result.regionMap?.buffer,
        ...(result.pathTrace?.attributions.map((a) => a.buffer) ?? []),
      ];
      send(
        { type: 'result', id, result },
        buffers.filter((b) => b !== undefined),
      );
    } catch (error) {
      closeImages(request);
      assists?.close();
      const { code, message, name, attribute } = describe(error);
      send({ type: 'error', id, code, message, name, attribute });
    } finally {
      for (const helper of helpers) helper.close();
    }
  }

  let stopped = false;
  endpoint.addEventListener('message', (event) => {
    const message = event.data;
    if (stopped) return;
    switch (message.type) {
      case 'explain':
      case 'assist': {
        const job: Job = {
          id: message.id,
          request: message.request,
          controller: new AbortController(),
          helpers: (message.request.helpers ?? []).map((port) => new PointHelper(port)),
          ...(message.type === 'assist' && { assists: message.port }),
        };
        jobs.set(job.id, job);
        // The model downloads before the job queues: a stalled one never holds back another's run.
        const { signal } = job.controller;
        const progress = (fraction: number) =>
          !signal.aborted && post({ type: 'model-progress', id: job.id, fraction });
        void explainer.prefetch(job.request, signal, progress).then(() => {
          if (stopped || signal.aborted) {
            jobs.delete(job.id);
            drop(job);
            return;
          }
          queue.push(job);
          void pump();
        });
        break;
      }
      case 'cancel': {
        const job = jobs.get(message.id);
        if (!job) break;
        job.controller.abort();
        const queued = queue.indexOf(job);
        if (queued >= 0) {
          queue.splice(queued, 1);
          jobs.delete(job.id);
          drop(job);
        }
        break;
      }
      case 'helper-lost':
        jobs.get(message.id)?.helpers[message.helper]?.lose();
        break;
    }
  });

  // A lost WebGL context (GPU reset, driver update, too many contexts) never comes back for
  // TF.js: its reads would wait forever. Fail everything at once; the client replaces the worker.
  const watched = new WeakSet<object>();
  function watchContext(): void {
    const gl = webglContext();
    if (!gl || watched.has(gl)) return;
    watched.add(gl);
    gl.canvas.addEventListener('webglcontextlost', () => {
      if (stopped) return;
      stop();
      post({
        type: 'error',
        id: 0,
        fatal: true,
        code: 'backend-unavailable',
        name: 'WebGLContextLost',
        attribute: 'backend',
        message:
          'The WebGL context of the explanation worker was lost (the GPU was reset or too many ' +
          'pages use WebGL): run the explanation again and a fresh worker starts; if it keeps ' +
          'happening, set backend="wasm".',
      });
    });
  }
  endpoint.start?.();
  // The client's pool hands the share of a worker that has not said this to one that has.
  post({ type: 'ready', id: 0 });

  const stop = () => {
    stopped = true;
    for (const job of jobs.values()) job.controller.abort();
    for (const job of queue.splice(0)) drop(job);
    jobs.clear();
    // Let the running explanation unwind (it frees its tensors) before the models go.
    const drain = () => (running ? setTimeout(drain, 10) : explainer.dispose());
    drain();
  };

  return stop;
}

/** What is used here of a WebGL context (on an OffscreenCanvas in a worker). */
export interface GlContext {
  canvas: EventTarget;
}

/** The WebGL context of the active TF.js backend, or null when that is not WebGL. */
export function webglContext(): GlContext | null {
  if (currentBackend() !== 'webgl') return null;
  const backend = tf.backend() as { gpgpu?: { gl?: GlContext } };
  return backend.gpgpu?.gl ?? null;
}

/** A job that never runs: its images closed, its ports too. */
function drop(job: Job): void {
  closeImages(job.request);
  job.assists?.close();
  for (const helper of job.helpers) helper.close();
}

function closeImages(request: ExplainRequest): void {
  request.image?.close?.();
  if (typeof request.baseline === 'object') request.baseline?.close?.();
  for (const b of request.baselines ?? []) if (typeof b === 'object') b.close?.();
}

/** Any failure as the protocol's error: IgErrors as they are, TF.js failures classified. */
function describe(error: unknown): {
  code: IgErrorCode;
  message: string;
  name: string;
  attribute?: string;
} {
  if (isIgError(error)) {
    return {
      code: error.code,
      message: error.message,
      name: error.name,
      attribute: error.attribute,
    };
  }
  const name = error instanceof Error ? error.name : 'Error';
  const text = error instanceof Error ? error.message : String(error);
  if (
    /out of memory|failed to allocate|allocation failed|texture size|RangeError/i.test(
      `${name} ${text}`,
    )
  ) {
    return {
      code: 'out-of-memory',
      message:
        `The explanation ran out of memory (${text}): set batch-size to a smaller number or ` +
        '"auto", or use fewer steps.',
      name,
      attribute: 'batch-size',
    };
  }
  return {
    code: 'worker-failed',
    message: `The explanation failed unexpectedly (${name}: ${text}): reload the page and try again.`,
    name,
  };
}
