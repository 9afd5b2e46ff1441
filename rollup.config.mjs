// Builds dist/ig-explainer.js (the element: Lit + client, no TF.js), the worker chunk (engine +
// TF.js, fetched only when an explanation starts) and the WASM binaries the worker may load.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const require = createRequire(import.meta.url);
const WORKER_URL =
  /new URL\(\s*(['"])(\.{1,2}\/[^'"]*worker\/worker)\.(?:ts|js)\1\s*,\s*import\.meta\.url\s*\)/g;

/**
 * `new URL('../worker/worker.ts', import.meta.url)` works as is in the dev server; in the
 * bundle it becomes the URL of the emitted worker chunk, wherever the referring chunk lands.
 */
function workerUrl() {
  return {
    name: 'ig-worker-url',
    async transform(code, id) {
      if (!code.includes('import.meta.url') || !WORKER_URL.test(code)) return null;
      WORKER_URL.lastIndex = 0;
      let out = code;
      for (const match of code.matchAll(WORKER_URL)) {
        const target = resolve(dirname(id), `${match[2]}.ts`);
        const ref = this.emitFile({
          type: 'chunk',
          id: target,
          fileName: 'ig-explainer-worker.js',
        });
        out = out.replace(match[0], `new URL(import.meta.ROLLUP_FILE_URL_${ref})`);
      }
      return { code: out, map: null };
    },
  };
}

/** Copies TF.js's WASM binaries next to the bundle, where the worker looks for them. */
function wasmBinaries() {
  const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  return {
    name: 'ig-wasm-binaries',
    generateBundle() {
      for (const file of readdirSync(join(dir, 'dist')).filter((f) => f.endsWith('.wasm'))) {
        this.emitFile({
          type: 'asset',
          fileName: `wasm/${file}`,
          source: readFileSync(join(dir, 'dist', file)),
        });
      }
    },
  };
}

/**
 * long.js (TF.js's int64 helper) compiles a tiny WASM module when it loads and falls back to JS
 * when that fails. Under a CSP without 'wasm-unsafe-eval' the attempt is a reported violation on
 * every page, so the bundle takes the JS path at once.
 */
function longWithoutWasm() {
  return {
    name: 'ig-long-without-wasm',
    transform(code, id) {
      if (!/[\\/]node_modules[\\/]long[\\/]/.test(id)) return null;
      if (!code.includes('wasm = new WebAssembly.Instance(')) return null;
      return {
        code: code.replace(
          'wasm = new WebAssembly.Instance(',
          'wasm = null && new WebAssembly.Instance(',
        ),
        map: null,
      };
    },
  };
}

export default {
  input: { 'ig-explainer': 'src/index.ts' },
  output: {
    dir: 'dist',
    format: 'es',
    sourcemap: true,
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
  },
  plugins: [
    workerUrl(),
    longWithoutWasm(),
    nodeResolve({ browser: true }),
    commonjs(),
    typescript({
      // Every source, the worker's too (tsconfig.json leaves src/worker to tsconfig.worker.json).
      tsconfig: './tsconfig.bundle.json',
      declaration: false,
      declarationMap: false,
      outDir: 'dist',
      noEmitOnError: false,
      include: ['src/**/*.ts'],
    }),
    wasmBinaries(),
    terser({ format: { comments: false } }),
  ],
  onwarn(warning, warn) {
    // TF.js's ES build rewrites `this` at module top level; harmless.
    if (warning.code === 'THIS_IS_UNDEFINED') return;
    warn(warning);
  },
};
