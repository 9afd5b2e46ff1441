// The React and Vue example pages (examples/, built by `npm run examples` from the built bundle):
// each element explains, in a worker, and the frameworks saw the ig-complete event.
import { expect, waitUntil } from '@open-wc/testing';
import type { IgExplainer } from '../../src/index.js';

const FIXTURE = new URLSearchParams({
  src: '/test/client/fixtures/gradient-8x6.png',
  model: '/test/fixtures/models/tiny-graph-10/model.json',
  labels: '/test/fixtures/models/tiny-graph-10/labels.json',
  steps: '4',
});
const LABELS = ['apple', 'bicycle', 'cat', 'dolphin', 'envelope', 'fern', 'guitar', 'harbour'];

async function open(path: string): Promise<{ doc: Document; close(): void }> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width: 800px; height: 900px; border: 0';
  frame.src = `${path}?${FIXTURE}`;
  document.body.append(frame);
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  return { doc: frame.contentDocument!, close: () => frame.remove() };
}

async function outcome(doc: Document, id: string): Promise<Element> {
  await waitUntil(
    () => doc.getElementById(id)?.getAttribute('data-done') !== 'false' && doc.getElementById(id),
    `#${id} never settled`,
    { timeout: 90000, interval: 100 },
  );
  return doc.getElementById(id)!;
}

function expectExplained(doc: Document, elementId: string, text: string) {
  const el = doc.getElementById(elementId) as IgExplainer;
  expect(el.status, el.error?.message).to.equal('done');
  expect(el.result!.thread).to.equal('worker');
  expect(el.result!.steps).to.equal(4);
  expect(el.result!.shape).to.deep.equal([24, 24, 3]);
  expect(el.shadowRoot!.querySelector('canvas[part="mask"]')).to.exist;
  expect(text).to.contain(`“${el.result!.target.label}”`);
  expect(LABELS.concat(['igloo', 'jellyfish'])).to.include(el.result!.target.label);
}

describe('framework examples', function () {
  this.timeout(120000);

  it('React 19 (the element itself) and the @lit/react wrapper explain', async () => {
    const page = await open('/examples/react/dist/index.html');
    try {
      const native = await outcome(page.doc, 'native-outcome');
      expect(native.getAttribute('data-done'), native.textContent!).to.equal('true');
      expectExplained(page.doc, 'native', native.textContent!);
      const wrapped = await outcome(page.doc, 'wrapped-outcome');
      expect(wrapped.getAttribute('data-done'), wrapped.textContent!).to.equal('true');
      expectExplained(page.doc, 'wrapped', wrapped.textContent!);
      // The wrapper set properties, not strings: colormap reflected from the prop.
      expect(page.doc.getElementById('wrapped')!.getAttribute('colormap')).to.equal('viridis');
    } finally {
      page.close();
    }
  });

  it('Vue 3 explains', async () => {
    const page = await open('/examples/vue/dist/index.html');
    try {
      const done = await outcome(page.doc, 'vue-outcome');
      expect(done.getAttribute('data-done'), done.textContent!).to.equal('true');
      expectExplained(page.doc, 'vue', done.textContent!);
    } finally {
      page.close();
    }
  });
});
