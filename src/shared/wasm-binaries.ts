// TF.js's WASM binaries: their file names, where a page hosts them (IgExplainer.wasmPaths) and
// how their URLs reach the worker (its name, beside the entry URL).

/** The binaries the WASM backend may load, in the order the worker's name lists their URLs. */
export const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

export type WasmFile = (typeof WASM_FILES)[number];

/** The URL of each binary: what TF.js's `setWasmPaths` takes as a map. */
export type WasmPaths = Record<WasmFile, string>;

/** The three binaries in the folder `base` (resolved against `relativeTo`). */
export function wasmPathsIn(base: string, relativeTo: string): WasmPaths {
  const folder = new URL(base.endsWith('/') ? base : `${base}/`, relativeTo);
  return Object.fromEntries(
    WASM_FILES.map((file) => [file, new URL(file, folder).href]),
  ) as WasmPaths;
}

/**
 * The worker's name: `ig-explainer <entry URL> <binary URL>...`. A blob-URL worker's location
 * says nothing, so the name carries where the worker came from and where its binaries are.
 */
export function workerName(entryUrl: string, wasm: WasmPaths): string {
  return ['ig-explainer', entryUrl, ...WASM_FILES.map((file) => wasm[file])].join(' ');
}

/** The binaries' URLs a worker name lists, or null for a name without them. */
export function wasmPathsOf(name: string): WasmPaths | null {
  const urls = name.split(/\s+/).filter((word) => /^(https?|file|blob|data):/.test(word));
  const binaries = urls.slice(1);
  if (binaries.length !== WASM_FILES.length) return null;
  return Object.fromEntries(WASM_FILES.map((file, i) => [file, binaries[i]])) as WasmPaths;
}
