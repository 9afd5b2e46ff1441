// The engine's WASM SIMD functions (simd.wat), instantiated on TF.js's WASM memory.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM_BASE64 } from './simd-module.js';

/** simd.wat's exports; every address a byte offset in TF.js's WASM memory. */
export interface SimdFunctions {
  relu6InputGradient(dy: number, x: number, dx: number, count: number): void;
  scatterToMaxima(...args: number[]): void;
}

let compiled: WebAssembly.Module | null | undefined;
const instances = new WeakMap<WebAssembly.Memory, SimdFunctions>();

/**
 * simd.wat's functions on `backend`'s memory, or null where they cannot run: WASM without SIMD
 * (the module does not compile), or TF.js's threaded build, whose memory is shared (the module
 * imports a plain one); the kernels then run in JavaScript. Compiled once (under 1 KB),
 * instantiated once per memory. A page's CSP allows it wherever it allows TF.js's own WASM
 * (`'wasm-unsafe-eval'`).
 */
export function simdFunctions(backend: BackendWasm): SimdFunctions | null {
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) {
    return null;
  }
  let functions = instances.get(memory);
  if (functions) return functions;
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0)));
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return null;
  functions = new WebAssembly.Instance(compiled, { env: { memory } })
    .exports as unknown as SimdFunctions;
  instances.set(memory, functions);
  return functions;
}
