// node --test: the import boundaries of shared/STYLE.md, checked on every source file.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

/** What each folder may import (values) beyond its own files; `type:` = type-only imports. */
const ALLOWED = {
  shared: [],
  engine: ['shared', '@tensorflow/', '@tensorflow-models/mobilenet/'],
  worker: ['engine', 'shared', '@tensorflow/'],
  client: ['shared', 'type:worker'],
  element: ['client', 'saved', 'shared', 'lit', '@lit/'],
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

function target(spec) {
  const folder = spec.match(/^\.\.\/(\w+)\//)?.[1];
  if (folder) return folder;
  if (spec.startsWith('./')) return 'self';
  return spec;
}

for (const [folder, allowed] of Object.entries(ALLOWED)) {
  test(`src/${folder} imports only ${allowed.join(', ') || 'itself'}`, () => {
    const dir = join('src', folder);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length > 0, `${dir} has sources`);
    const wrong = [];
    for (const file of files) {
      for (const { spec, typeOnly } of imports(join(dir, file))) {
        const to = target(spec);
        if (to === 'self') continue;
        const ok = allowed.some((rule) =>
          rule.startsWith('type:')
            ? typeOnly && to === rule.slice(5)
            : to === rule ||
              (rule.endsWith('/') || rule.endsWith(':')
                ? to.startsWith(rule)
                : to === rule || to.startsWith(`${rule}/`)),
        );
        if (!ok) wrong.push(`${file}: ${spec}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
}
