// TF.js backend selection: `auto` = WebGL (on an OffscreenCanvas in a worker) on a real GPU, WASM
// where WebGL is a software renderer or missing, else CPU.
import * as tf from '@tensorflow/tfjs';
import { registerInputGradients } from '../engine/gradients/register.js';
import type { IgBackend, IgBackendChoice, IgThread } from '../shared/types.js';
import { IgError } from '../shared/types.js';
import type { WasmPaths } from '../shared/wasm-binaries.js';

export interface BackendOptions {
  thread: IgThread;
  /** The URL of the worker entry (dist/ig-explainer-worker.js or src/worker/worker.ts). */
  entryUrl: string;
  /** Each WASM binary's URL (bundled with the client, or IgExplainer.wasmPaths); else by entryUrl. */
  wasm?: WasmPaths;
}

/**
 * Where the WASM binaries are when the client did not say (a worker started by hand, the test
 * entry): next to the bundled worker entry (dist/wasm/), or in node_modules when the sources
 * run unbundled in the dev server.
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

/**
 * WebGL renderers that run on the CPU. There WASM (SIMD, XNNPACK) is the faster backend: on the
 * Inception-V1-shaped model on a 2-core machine, 0.4 s against 2 s per forward pass (README,
 * "Performance: backend choice").
 */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** Whether this context's WebGL runs on the CPU (false without WebGL). */
export function softwareWebgl(): boolean {
  const renderer = webglRenderer();
  return renderer !== null && SOFTWARE_RENDERER.test(renderer);
}

/** The order `auto` tries: WASM first where WebGL would run in software. */
function autoOrder(): IgBackend[] {
  return softwareWebgl() ? ['wasm', 'webgl', 'cpu'] : ORDER.auto;
}

/** The WebGL renderer string of this context (unmasked where allowed), or null without WebGL. */
export function webglRenderer(): string | null {
  try {
    // A worker has OffscreenCanvas; the main-thread fallback may only have a document.
    const page = (globalThis as { document?: { createElement(tag: 'canvas'): OffscreenCanvas } })
      .document;
    const canvas =
      typeof OffscreenCanvas !== 'undefined'
        ? new OffscreenCanvas(1, 1)
        : (page?.createElement('canvas') ?? null);
    const gl = (canvas?.getContext('webgl2') ?? canvas?.getContext('webgl')) as
      WebGLRenderingContext | null | undefined;
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(
      gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '',
    );
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return renderer;
  } catch {
    return null;
  }
}

const unavailable = new Set<IgBackend>();
let current: IgBackend | null = null;

/** The backend the last explanation ran on, or null before the first. */
export function currentBackend(): IgBackend | null {
  return current;
}
let wasmRegistered: Promise<void> | null = null;

let switching: Promise<unknown> = Promise.resolve();

/**
 * Makes `choice` the active TF.js backend and returns which one that is. Calls run one after
 * another: two tf.setBackend calls at once can leave one backend's kernels running on the
 * other's state.
 */
export function useBackend(choice: IgBackendChoice, options: BackendOptions): Promise<IgBackend> {
  const next = switching.then(() => switchTo(choice, options));
  switching = next.catch(() => {});
  return next;
}

async function switchTo(choice: IgBackendChoice, options: BackendOptions): Promise<IgBackend> {
  const reasons: string[] = [];
  for (const backend of (choice === 'auto' ? autoOrder() : ORDER[choice]) ?? []) {
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
      if (options.thread === 'worker' && !offscreenWebgl()) {
        return 'this browser has no WebGL on OffscreenCanvas in workers';
      }
    }
    if (backend === 'wasm') {
      wasmRegistered ??= import('@tensorflow/tfjs-backend-wasm').then((wasm) => {
        wasm.setWasmPaths(options.wasm ?? wasmBinariesUrl(options.entryUrl));
        // Threads need SharedArrayBuffer, i.e. a cross-origin isolated page (COOP + COEP).
        if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated) {
          wasm.setThreadsCount(Math.max(1, navigator.hardwareConcurrency || 1));
        }
      });
      await wasmRegistered;
    }
    const ok = await tf.setBackend(backend);
    if (!ok) return 'it failed to initialise';
    await tf.ready();
    // IG needs only input gradients: fill those a backend lacks. Once, for every backend.
    registerInputGradients();
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
