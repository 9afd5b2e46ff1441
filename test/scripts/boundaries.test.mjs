// node --test: the import boundaries of shared/STYLE.md, checked on every source file.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

/** What each folder may import (values) beyond its own files; `type:` = type-only imports. */
const ALLOWED = {
  shared: [],
  engine: ['shared', '@tensorflow/', '@tensorflow-models/mobilenet/', 'quickselect'],
  worker: ['engine', 'shared', '@tensorflow/'],
  client: ['shared', 'type:worker'],
  // quickselect (one small ISC module): the mask's percentile by selection, as in engine.
  element: ['client', 'saved', 'shared', 'lit', '@lit/', 'quickselect'],
  // Saved explanations: format, encoder, reader; for the element, the worker and Node alike.
  saved: ['shared'],
  // The command-line tool: the engine on Node, the format, the element's option checks.
  cli: [
    'engine',
    'saved',
    'shared',
    'element',
    'node:',
    '@tensorflow/',
    'pngjs',
    'jpeg-js',
    'cli-progress',
  ],
};

function imports(file) {
  const code = readFileSync(file, 'utf8');
  const found = [];
  for (const [, typeOnly, spec] of code.matchAll(
    /^\s*(?:import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm,
  )) {
    found.push({ spec, typeOnly: Boolean(typeOnly) });
  }
  for (const [, spec] of code.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push({ spec, typeOnly: false });
  }
  return found;
}

/** The folder of src/ a relative import lands in ('self' inside `folder`), or the package. */
function target(spec, file, folder) {
  if (!spec.startsWith('.')) return spec;
  const to = relative('src', resolve(dirname(file), spec)).split(/[\\/]/)[0];
  return to === folder ? 'self' : to;
}

/** Every .ts file under dir, subfolders included. */
function sources(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

for (const [folder, allowed] of Object.entries(ALLOWED)) {
  test(`src/${folder} imports only ${allowed.join(', ') || 'itself'}`, () => {
    const dir = join('src', folder);
    const files = sources(dir);
    assert.ok(files.length > 0, `${dir} has sources`);
    const wrong = [];
    for (const file of files) {
      for (const { spec, typeOnly } of imports(file)) {
        const to = target(spec, file, folder);
        if (to === 'self') continue;
        const ok = allowed.some((rule) =>
          rule.startsWith('type:')
            ? typeOnly && to === rule.slice(5)
            : to === rule ||
              (rule.endsWith('/') || rule.endsWith(':')
                ? to.startsWith(rule)
                : to === rule || to.startsWith(`${rule}/`)),
        );
        if (!ok) wrong.push(`${relative(dir, file)}: ${spec}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
}
