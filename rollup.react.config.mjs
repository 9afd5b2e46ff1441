// Builds dist/react.js, the `ig-explainer/react` export: the @lit/react wrapper, with @lit/react
// bundled, React external, and the element imported from ./ig-explainer.js (never a second copy:
// one customElements registry, one Lit).
import { fileURLToPath } from 'node:url';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const INDEX = fileURLToPath(new URL('./src/index.', import.meta.url));
const isIndex = (id) => id.startsWith(INDEX) && /\.(ts|js)$/.test(id);

export default {
  input: { react: 'src/react.ts' },
  external: (id, importer) =>
    id === 'react' ||
    (importer !== undefined && isIndex(fileURLToPath(new URL(id, `file://${importer}`)))),
  output: {
    dir: 'dist',
    format: 'es',
    sourcemap: true,
    entryFileNames: '[name].js',
    paths: (id) => (isIndex(id) ? './ig-explainer.js' : id),
  },
  plugins: [
    nodeResolve({ browser: true }),
    typescript({
      tsconfig: './tsconfig.bundle.json',
      declaration: false,
      declarationMap: false,
      outDir: 'dist',
      noEmitOnError: false,
      include: ['src/**/*.ts'],
    }),
    terser({ format: { comments: false } }),
  ],
};
