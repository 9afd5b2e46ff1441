// Builds dist/ig-explainer.js (the element: Lit + client, no TF.js), dist/ig-explainer-worker.js
// (engine + TF.js in one file, fetched only when an explanation starts) and the WASM binaries
// the worker may load.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { rollup } from 'rollup';

const require = createRequire(import.meta.url);
const WORKER_URL =
  /new URL\(\s*(['"])(\.{1,2}\/[^'"]*worker\/worker)\.(?:ts|js)\1\s*,\s*import\.meta\.url\s*\)/g;

/**
 * `new URL('../worker/worker.ts', import.meta.url)` works as is in the dev server; in the
 * bundle it becomes the URL of dist/ig-explainer-worker.js, wherever the referring chunk lands.
 * That file holds the worker, the engine and TF.js with WebGL and CPU in one module (a nested
 * Rollup run), so that bundlers which copy `new URL('x.js', import.meta.url)` files as assets
 * (Vite, webpack 5) ship a worker that runs, the WASM backend included (the binaries' URLs come
 * from the element's bundle, which those bundlers do follow: see wasmBinaries()).
 */
function workerUrl() {
  let ref = null;
  let target = null;
  return {
    name: 'ig-worker-url',
    transform(code, id) {
      if (!code.includes('import.meta.url') || !WORKER_URL.test(code)) return null;
      WORKER_URL.lastIndex = 0;
      let out = code;
      for (const match of code.matchAll(WORKER_URL)) {
        target = resolve(dirname(id), `${match[2]}.ts`);
        ref ??= this.emitFile({ type: 'asset', fileName: 'ig-explainer-worker.js' });
        out = out.replace(match[0], `new URL(import.meta.ROLLUP_FILE_URL_${ref})`);
      }
      return { code: out, map: null };
    },
    async buildEnd(error) {
      if (error || !ref) return;
      const bundle = await rollup({
        input: target,
        plugins: plugins(),
        onwarn,
      });
      try {
        const { output } = await bundle.generate({
          dir: 'dist',
          format: 'es',
          sourcemap: true,
          entryFileNames: 'ig-explainer-worker.js',
          // One file: an app's bundler copies it as an asset, without the chunks it would import.
          inlineDynamicImports: true,
        });
        for (const file of output) {
          if (file.type !== 'chunk') continue;
          // The code ends with its sourceMappingURL comment already.
          const source = file.code;
          if (file.isEntry) this.setAssetSource(ref, source);
          else this.emitFile({ type: 'asset', fileName: file.fileName, source });
          this.emitFile({
            type: 'asset',
            fileName: `${file.fileName}.map`,
            source: file.map.toString(),
          });
        }
      } finally {
        await bundle.close();
      }
    },
  };
}

const WASM_URL =
  /new URL\(\s*(['"])[^'"]*\/@tensorflow\/tfjs-backend-wasm\/dist\/([\w.-]+\.wasm)\1\s*,\s*import\.meta\.url\s*\)/g;

/**
 * `new URL('…/node_modules/@tensorflow/tfjs-backend-wasm/dist/x.wasm', import.meta.url)`
 * (src/client/bundled-wasm.ts) works as is in the dev server; in the bundle the binary is copied
 * to dist/wasm/x.wasm and the URL becomes `new URL('../wasm/x.wasm', import.meta.url)`, relative
 * to the chunk: the literal pattern that an app's bundler follows to emit the file in turn.
 */
function wasmBinaries() {
  const dir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  return {
    name: 'ig-wasm-binaries',
    transform(code) {
      if (!code.includes('import.meta.url') || !WASM_URL.test(code)) return null;
      WASM_URL.lastIndex = 0;
      const out = code.replace(WASM_URL, (_, quote, file) => {
        const ref = this.emitFile({
          type: 'asset',
          fileName: `wasm/${file}`,
          source: readFileSync(join(dir, file)),
        });
        return `new URL(import.meta.ROLLUP_FILE_URL_${ref})`;
      });
      return { code: out, map: null };
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

/**
 * TF.js starts the WASM backend's threads (a cross-origin isolated page) by evaluating the
 * threaded factory's own text, `factory.toString()`, in each pthread worker. That text reads
 * `_scriptDir`, a variable of the factory's enclosing closure, behind a `typeof` guard that terser
 * drops (the variable is declared where it compresses), so every pthread worker threw
 * "ReferenceError: t is not defined" and the explanation worker died. In a browser that variable
 * is always undefined there (no document.currentScript in a worker, no __filename), so the
 * factory reads `undefined` instead and stays self-contained.
 */
function selfContainedThreadedWasm() {
  const GUARD = 'if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}';
  const FALLBACK = '"urlOrBlob":Module["mainScriptUrlOrBlob"]||_scriptDir,';
  return {
    name: 'ig-self-contained-threaded-wasm',
    transform(code, id) {
      if (!/tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/.test(id)) {
        return null;
      }
      if (!code.includes(GUARD) || !code.includes(FALLBACK)) {
        this.error(
          'tfjs-backend-wasm-threaded-simd.js changed: re-check selfContainedThreadedWasm() in ' +
            'rollup.config.mjs (the pthread workers evaluate the factory on its own).',
        );
      }
      return {
        code: code
          .replace(GUARD, '')
          .replace(FALLBACK, '"urlOrBlob":Module["mainScriptUrlOrBlob"],'),
        map: null,
      };
    },
  };
}

/** The plugins both builds share. */
function plugins() {
  return [
    longWithoutWasm(),
    selfContainedThreadedWasm(),
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
    terser({ format: { comments: false } }),
  ];
}

/**
 * The options table's `doc` lines and `type` texts are for the manifest, the README and IDEs (read
 * from the source by scripts/options-table.mjs); the element never reads them, so the bundle
 * leaves them out.
 */
function dropOptionDocs() {
  const DOC = /\b(doc|type):\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`)/g;
  // The table's files (options-model.ts, …) and the entry kinds they are built with.
  const TABLE = /src\/shared\/(options(-[\w-]+)?|option-kinds)\.ts$/;
  return {
    name: 'ig-drop-option-docs',
    transform(code, id) {
      if (!TABLE.test(id.replace(/\\/g, '/'))) return null;
      return { code: code.replace(DOC, "$1: ''"), map: null };
    },
  };
}

function onwarn(warning, warn) {
  // TF.js's ES build rewrites `this` at module top level; harmless.
  if (warning.code === 'THIS_IS_UNDEFINED') return;
  warn(warning);
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
  plugins: [dropOptionDocs(), workerUrl(), wasmBinaries(), ...plugins()],
  onwarn,
};
