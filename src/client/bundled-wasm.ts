// Where the WASM binaries ship. Each is a literal `new URL('…', import.meta.url)`, the pattern
// Vite, webpack 5, Rollup, Parcel and esbuild follow to emit and serve a file: an app that
// bundles ig-explainer ships the binaries with no configuration. Here (the dev server) they are
// TF.js's own files; rollup.config.mjs copies them to dist/wasm/ and rewrites these URLs to
// point there, relative to the chunk that holds this module.
import type { WasmPaths } from '../shared/wasm-binaries.js';

export function bundledWasmPaths(): WasmPaths {
  return {
    'tfjs-backend-wasm.wasm': new URL(
      '../../node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
      import.meta.url,
    ).href,
    'tfjs-backend-wasm-simd.wasm': new URL(
      '../../node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
      import.meta.url,
    ).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL(
      '../../node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm',
      import.meta.url,
    ).href,
  };
}
