// Renders docs/*.md to HTML pages beside them (docs/*.html, not committed), and writes
// docs/examples.html: a live example of each attribute listed in custom-elements.json, on the
// shipped shapes model (no network). Run by `npm start` and `npm run docs`.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { marked } from 'marked';
import { MANIFEST, ROOT, elementDeclaration } from './manifest.mjs';
import { attributeExamples } from './docs-examples.mjs';
import { loadOptions } from './options-table.mjs';

const DOCS = join(ROOT, 'docs');

/** The page around a rendered body: the element's script, so that live examples run. */
function page(title, body) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title} · ig-explainer</title>
    <link rel="stylesheet" href="docs.css" />
    <script type="module" src="../dist/ig-explainer.js"></script>
  </head>
  <body>
    <nav><a href="index.html">ig-explainer docs</a> · <a href="../demo/">demo</a></nav>
    <main>
${body}
    </main>
  </body>
</html>
`;
}

/** Links between the Markdown pages point at their HTML twins. */
export function htmlLinks(html) {
  return html.replace(/href="((?!\.\.\/|[a-z]+:)[^"#]+)\.md(#[^"]*)?"/g, 'href="$1.html$2"');
}

const written = [];
for (const file of readdirSync(DOCS).filter((name) => name.endsWith('.md'))) {
  const markdown = readFileSync(join(DOCS, file), 'utf8');
  const title = /^# (.+)$/m.exec(markdown)?.[1] ?? file;
  const out = file.replace(/\.md$/, '.html');
  writeFileSync(join(DOCS, out), page(title, htmlLinks(marked.parse(markdown))));
  written.push(out);
}

const manifest = JSON.parse(readFileSync(join(ROOT, MANIFEST), 'utf8'));
writeFileSync(
  join(DOCS, 'examples.html'),
  page(
    'Every attribute, live',
    attributeExamples(
      elementDeclaration(manifest),
      new Set((await loadOptions()).map((option) => option.attribute)),
    ),
  ),
);
written.push('examples.html');
console.log(`docs/: ${written.join(', ')}`);
