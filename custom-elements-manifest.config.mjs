// custom-elements.json is generated (`npm run analyze`); `npm test` fails when the committed one is
// stale (scripts/check-manifest.mjs). The option attributes come from the options table
// (src/shared/options.ts); the rest (methods, events, parts, `status`) from the element's JSDoc.
import { readFileSync } from 'node:fs';
import { defaultText, keywordTypes, loadOptions } from './scripts/options-table.mjs';

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

/** The options table's rows as manifest attributes and fields, in table order. */
function tableItems(options) {
  const attributes = options.map((o) => ({
    name: o.attribute,
    type: { text: o.type },
    default: defaultText(o.default),
    description: o.doc,
    fieldName: o.property,
  }));
  const members = options.map((o) => ({
    kind: 'field',
    name: o.property,
    type: { text: o.type },
    default: defaultText(o.default),
    description: o.doc,
    attribute: o.attribute,
    ...(o.reflect ? { reflects: true } : {}),
  }));
  return { attributes, members };
}

/** The public surface only, with shared constants and keyword types spelled out. */
function publicApi(options, types) {
  const defaults = constants();
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
            (m) =>
              !m.privacy &&
              !m.name.startsWith('#') &&
              !(m.static && ['properties', 'styles'].includes(m.name)),
          );
          for (const item of [...(declaration.members ?? []), ...(declaration.attributes ?? [])]) {
            if (defaults.has(item.default)) item.default = defaults.get(item.default);
            if (item.type) item.type = spell(item.type);
          }
          if (declaration.tagName === 'ig-explainer') {
            const table = tableItems(options);
            declaration.attributes = [...table.attributes, ...(declaration.attributes ?? [])];
            declaration.members = [...table.members, ...(declaration.members ?? [])];
            // A property declared in `static properties` (`status`) has its attribute but no field.
            const fields = new Set(declaration.members.map((m) => m.name));
            for (const a of declaration.attributes) {
              if (!a.fieldName || fields.has(a.fieldName)) continue;
              const { name, fieldName, ...rest } = a;
              declaration.members.push({
                kind: 'field',
                name: fieldName,
                ...rest,
                attribute: name,
              });
            }
          }
        }
      }
    },
  };
}

export default {
  globs: [
    'src/ig-explainer.ts',
    'src/element/ig-explainer.component.ts',
    'src/element/page-wide-options.ts',
  ],
  outdir: '.',
  litelement: true,
  // package.json's customElements field is written by hand; the analyzer must not rewrite it.
  packagejson: false,
  plugins: [publicApi(await loadOptions(), await keywordTypes())],
};
