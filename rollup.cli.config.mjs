// Builds the command-line tool: dist/cli.js (the `ig-explainer` bin) and dist/cli-worker.js (its
// worker threads), the engine and the saved format bundled in; TF.js, its WASM backend and the
// image and progress packages stay dependencies, loaded from node_modules by Node.
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import typescript from '@rollup/plugin-typescript';

const EXTERNAL = /^(node:|@tensorflow\/tfjs(-backend-wasm)?$|pngjs$|jpeg-js$|cli-progress$)/;

export default {
  input: { cli: 'src/cli/cli.ts', 'cli-worker': 'src/cli/explain-worker.ts' },
  external: (id) => EXTERNAL.test(id),
  output: {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/cli-[name]-[hash].js',
    banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
  },
  plugins: [
    nodeResolve({ preferBuiltins: true }),
    commonjs(),
    typescript({
      tsconfig: './tsconfig.bundle.json',
      declaration: false,
      declarationMap: false,
      sourceMap: false,
      outDir: 'dist',
      noEmitOnError: false,
      include: ['src/**/*.ts'],
    }),
  ],
  onwarn(warning, warn) {
    if (warning.code === 'THIS_IS_UNDEFINED') return;
    warn(warning);
  },
};
