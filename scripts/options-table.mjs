// The options table (src/shared/options.ts) for Node scripts: the manifest's attributes and the
// test that the table, custom-elements.json, the JSX types and the README agree. The TypeScript
// of src/shared is transpiled to a temporary folder (it imports only itself) and imported.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const SHARED = fileURLToPath(new URL('../src/shared/', import.meta.url));

/** The modules of src/shared/: `options` (OPTIONS) and `keywords` (the keyword lists). */
export async function loadShared() {
  const dir = mkdtempSync(join(tmpdir(), 'ig-options-'));
  try {
    for (const file of readdirSync(SHARED).filter((f) => f.endsWith('.ts'))) {
      const { outputText } = ts.transpileModule(readFileSync(join(SHARED, file), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      });
      writeFileSync(join(dir, file.replace(/\.ts$/, '.js')), outputText);
    }
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const load = (name) => import(pathToFileURL(join(dir, `${name}.js`)).href);
    return { options: await load('options'), keywords: await load('keywords') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** OPTIONS of src/shared/options.ts, as plain objects. */
export async function loadOptions() {
  return (await loadShared()).options.OPTIONS;
}

/** Each keyword type of src/shared/keywords.ts spelled out: `IgFit` -> `'pad' | 'crop' | 'stretch'`. */
export async function keywordTypes() {
  const { keywords } = await loadShared();
  const source = readFileSync(join(SHARED, 'keywords.ts'), 'utf8');
  const types = new Map();
  for (const [, type, list] of source.matchAll(/export type (\w+) = \(typeof (\w+)\)\[number\]/g)) {
    types.set(type, keywords[list].map((w) => `'${w}'`).join(' | '));
  }
  return types;
}

/** A default as the manifest writes it: TypeScript literal text. */
export function defaultText(value) {
  return typeof value === 'string' ? `'${value}'` : String(value);
}
