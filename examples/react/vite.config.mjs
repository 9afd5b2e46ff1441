// `npm run examples` builds this page into examples/react/dist/. Plain JSX through esbuild.
import { defineConfig } from 'vite';
import { igExplainerAliases } from '../shared.mjs';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  resolve: { alias: igExplainerAliases },
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true },
  logLevel: 'warn',
});
