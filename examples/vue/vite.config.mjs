// `npm run examples` builds this page into examples/vue/dist/. Vue is told that ig-* tags are
// custom elements, so it leaves them to the browser.
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';
import { igExplainerAliases } from '../shared.mjs';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  resolve: { alias: igExplainerAliases },
  plugins: [
    vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('ig-') } } }),
  ],
  build: { outDir: 'dist', emptyOutDir: true },
  logLevel: 'warn',
});
