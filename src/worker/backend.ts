// TF.js backend selection: `auto` = WebGL (on an OffscreenCanvas in a worker), else WASM, else CPU.
import * as tf from '@tensorflow/tfjs';
import type { IgBackend, IgBackendChoice, IgThread } from '../shared/types.js';
import { IgError } from '../shared/types.js';

export interface BackendOptions {
  thread: IgThread;
  /** The URL of the worker entry (dist/ig-explainer-worker.js or src/worker/worker.ts). */
  entryUrl: string;
  /** Test hook: behave as if this context had no WebGL. */
  noWebgl?: boolean;
}

/**
 * Where the WASM binaries are: next to the bundled worker entry (rollup copies them to
 * dist/wasm/; this module's own chunk may sit elsewhere, under dist/chunks/), or in
 * node_modules when the sources run unbundled in the dev server.
 */
export function wasmBinariesUrl(entryUrl: string): string {
  return /\.ts(\?|$)/.test(entryUrl)
    ? new URL('/node_modules/@tensorflow/tfjs-backend-wasm/dist/', entryUrl).href
    : new URL('./wasm/', entryUrl).href;
}

const ORDER: Record<IgBackendChoice, IgBackend[]> = {
  auto: ['webgl', 'wasm', 'cpu'],
  webgl: ['webgl'],
  wasm: ['wasm'],
  cpu: ['cpu'],
};

const unavailable = new Set<IgBackend>();
let current: IgBackend | null = null;

/** The backend the last explanation ran on, or null before the first. */
export function currentBackend(): IgBackend | null {
  return current;
}
let wasmRegistered: Promise<void> | null = null;

/** Makes `choice` the active TF.js backend and returns which one that is. */
export async function useBackend(
  choice: IgBackendChoice,
  options: BackendOptions,
): Promise<IgBackend> {
  const reasons: string[] = [];
  for (const backend of ORDER[choice] ?? []) {
    if (current === backend) return backend;
    const reason = unavailable.has(backend)
      ? 'it failed to start before'
      : await start(backend, options);
    if (reason === null) {
      current = backend;
      return backend;
    }
    unavailable.add(backend);
    reasons.push(`${backend}: ${reason}`);
  }
  throw new IgError(
    'backend-unavailable',
    choice === 'auto'
      ? `No TensorFlow.js backend could start here (${reasons.join('; ')}): try another browser.`
      : `The ${choice} backend is not available here (${reasons.join('; ')}): set backend="auto" ` +
          'to use the best one this browser has.',
    'backend',
  );
}

/** null when `backend` is now active, else why not. */
async function start(backend: IgBackend, options: BackendOptions): Promise<string | null> {
  try {
    if (backend === 'webgl') {
      if (options.noWebgl) return 'WebGL is unavailable';
      if (options.thread === 'worker' && !offscreenWebgl()) {
        return 'this browser has no WebGL on OffscreenCanvas in workers';
      }
    }
    if (backend === 'wasm') {
      wasmRegistered ??= import('@tensorflow/tfjs-backend-wasm').then((wasm) => {
        wasm.setWasmPaths(wasmBinariesUrl(options.entryUrl));
      });
      await wasmRegistered;
    }
    const ok = await tf.setBackend(backend);
    if (!ok) return 'it failed to initialise';
    await tf.ready();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function offscreenWebgl(): boolean {
  if (typeof OffscreenCanvas === 'undefined') return false;
  try {
    const canvas = new OffscreenCanvas(1, 1);
    return canvas.getContext('webgl2') !== null || canvas.getContext('webgl') !== null;
  } catch {
    return false;
  }
}

/** Test hook: makes WebGL contexts on OffscreenCanvas (and canvases) unobtainable here. */
export function disableWebgl(): void {
  const patch = (proto: { getContext: (...args: never[]) => unknown } | undefined) => {
    if (!proto) return;
    const original = proto.getContext;
    proto.getContext = function (this: unknown, ...args: never[]) {
      const kind = String(args[0]);
      if (kind.includes('webgl')) return null;
      return original.apply(this, args);
    } as typeof original;
  };
  if (typeof OffscreenCanvas !== 'undefined') patch(OffscreenCanvas.prototype as never);
}
