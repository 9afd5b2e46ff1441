// The live example of each attribute on docs/examples.html, made from the manifest's attribute
// list (the one list: custom-elements.json, from src/shared/options.ts). Every example runs the
// shipped shapes model (demo/models/shapes), so the page needs no network.
import { marked } from 'marked';

const SHAPES = '../demo/models/shapes';
/** The attributes every example sets: the shapes model, one of its demo images, few steps. */
export const BASE = {
  'model-url': `${SHAPES}/model.json`,
  'labels-url': `${SHAPES}/labels.json`,
  src: '../demo/images/shapes/star.png',
  steps: '16',
};

/**
 * Values to show for attributes whose type names no choice (numbers, free text). Attributes with
 * a union of literals show the first literal that is not the default; booleans are set.
 */
const VALUES = {
  src: '../demo/images/shapes/heart.png',
  alt: 'A green heart on a textured background',
  'model-url': `${SHAPES}/model.json`,
  'labels-url': `${SHAPES}/labels.json`,
  baseline: 'blur',
  seed: '7',
  steps: '64',
  target: 'circle',
  'batch-size': '4',
  'top-k': '6',
  'overlay-alpha': '0.8',
  'clip-percentile': '90',
  'model-output': '0',
  tolerance: '0.05',
};

const escape = (text) =>
  String(text).replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c],
  );

function literals(typeText) {
  return [...typeText.matchAll(/'([^']*)'/g)].map((m) => m[1]);
}

/** The value an attribute's example sets, or null when it has none to set (read-only). */
export function exampleValue(attribute) {
  if (attribute.name in VALUES) return VALUES[attribute.name];
  const type = attribute.type?.text ?? '';
  if (type === 'boolean') return '';
  const fallback = String(attribute.default ?? '').replace(/^'|'$/g, '');
  return literals(type).find((value) => value !== fallback) ?? null;
}

function tag(attributes) {
  const parts = Object.entries(attributes).map(([name, value]) =>
    value === '' ? name : `${name}="${escape(value)}"`,
  );
  return `<ig-explainer ${parts.join(' ')}></ig-explainer>`;
}

/**
 * The body of docs/examples.html for the element's manifest declaration. `settable` names the
 * attributes of the options table; the others (`status`) are the element's state, shown read.
 */
export function attributeExamples(declaration, settable) {
  const sections = declaration.attributes.map((attribute) => {
    const value = settable.has(attribute.name) ? exampleValue(attribute) : null;
    const id = `attr-${attribute.name}`;
    const description = marked.parseInline(attribute.description ?? '');
    if (value === null) {
      const markup = tag(BASE);
      return `<section id="${id}"><h2><code>${attribute.name}</code></h2><p>${description}</p>
<p>Read it from the element: <code>status</code> here goes from <code>idle</code> to <code>done</code>
(see <a href="reference.html">the reference</a>).</p>
<pre><code>${escape(markup)}</code></pre>
${markup}</section>`;
    }
    const markup = tag({ ...BASE, [attribute.name]: value });
    return `<section id="${id}"><h2><code>${attribute.name}</code></h2><p>${description}</p>
<pre><code>${escape(markup)}</code></pre>
${markup}</section>`;
  });
  return `<h1>Every attribute, live</h1>
<p>Each example below runs the small shapes model shipped in <code>demo/models/shapes</code> (no
network), starting when it nears the viewport. The list is made from
<code>custom-elements.json</code> by <code>scripts/docs-examples.mjs</code>; the
<a href="reference.html">reference</a> has every attribute's type and default.</p>
${sections.join('\n')}`;
}
