// What both example builds share: `ig-explainer` resolves to this repository's built bundle
// (dist/, from `npm run build`), exactly the files the npm package ships.
import { fileURLToPath } from 'node:url';

const dist = (file) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));

export const igExplainerAliases = [
  { find: /^ig-explainer\/react$/, replacement: dist('react.js') },
  { find: /^ig-explainer$/, replacement: dist('ig-explainer.js') },
];
