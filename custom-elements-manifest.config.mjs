// custom-elements.json is generated from the element's JSDoc (`npm run analyze`); `npm test`
// fails when the committed one is stale (scripts/check-manifest.mjs).
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(path, import.meta.url), 'utf8');

/** `export const NAME = value;` of src/shared/defaults.ts: defaults read `50`, not `DEFAULT_STEPS`. */
function constants() {
  const values = new Map();
  for (const [, name, value] of read('./src/shared/defaults.ts').matchAll(
    /export const (\w+)(?::[^=]+)?\s*=\s*([^;]+);/g,
  )) {
    values.set(name, value.trim());
  }
  return values;
}

/** String-literal unions of src/shared/types.ts: `IgFit` reads `'pad' | 'crop' | 'stretch'`. */
function unions() {
  const values = new Map();
  for (const [, name, value] of read('./src/shared/types.ts').matchAll(
    /export type (\w+) =\s*([^;]+);/g,
  )) {
    const words = value
      .split('|')
      .map((w) => w.trim())
      .filter(Boolean);
    if (words.every((w) => /^'[^']*'$/.test(w))) values.set(name, words.join(' | '));
  }
  return values;
}

/** The public surface only, with shared constants and unions spelled out for tools and docs. */
function publicApi() {
  const defaults = constants();
  const types = unions();
  const spell = (type) =>
    type && { ...type, text: type.text.replace(/\b\w+\b/g, (word) => types.get(word) ?? word) };
  return {
    name: 'ig-public-api',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        const exported = new Set((module.exports ?? []).map((e) => e.declaration?.name));
        module.declarations = (module.declarations ?? []).filter((d) => exported.has(d.name));
        for (const declaration of module.declarations) {
          declaration.members = declaration.members?.filter(
            (m) => !m.privacy && !m.name.startsWith('#'),
          );
          for (const item of [...(declaration.members ?? []), ...(declaration.attributes ?? [])]) {
            if (defaults.has(item.default)) item.default = defaults.get(item.default);
            if (item.type) item.type = spell(item.type);
          }
        }
      }
    },
  };
}

export default {
  globs: ['src/ig-explainer.ts', 'src/element/ig-explainer.component.ts'],
  outdir: '.',
  litelement: true,
  // package.json's customElements field is written by hand; the analyzer must not rewrite it.
  packagejson: false,
  plugins: [publicApi()],
};
