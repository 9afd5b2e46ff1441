// The apps that `npm run bundler-apps` builds from the packed tarball with Vite and webpack 5
// (no configuration for ig-explainer's assets): each explains the shipped shapes model with
// backend="auto", which on this GPU-less machine is WASM, in the worker. Before the binaries were
// referenced from the element's bundle, both apps lacked them and fell back to WebGL or CPU.
import { expect, waitUntil } from '@open-wc/testing';
import type { IgExplainer, IgModelLoadDetail } from '../../src/index.js';

const SHAPES = ['circle', 'square', 'triangle', 'star', 'cross', 'heart'];

async function open(path: string): Promise<{ doc: Document; close(): void }> {
  const response = await fetch(path);
  expect(response.ok, `${path} is missing: run \`npm run bundler-apps\` first`).to.equal(true);
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width: 800px; height: 900px; border: 0';
  frame.src = path;
  document.body.append(frame);
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  return { doc: frame.contentDocument!, close: () => frame.remove() };
}

async function explainsOnWasm(app: string) {
  const page = await open(`/.cache/bundler-apps/${app}/dist/index.html`);
  try {
    const outcome = page.doc.getElementById('outcome')!;
    await waitUntil(() => outcome.getAttribute('data-done') !== 'false', 'never settled', {
      timeout: 110000,
      interval: 100,
    });
    expect(outcome.getAttribute('data-done'), outcome.textContent!).to.equal('true');
    const load = JSON.parse(outcome.getAttribute('data-model-load')!) as IgModelLoadDetail;
    expect(load.backend).to.equal('wasm');
    expect(load.thread).to.equal('worker');
    const el = page.doc.querySelector('ig-explainer') as IgExplainer;
    expect(el.result!.backend).to.equal('wasm');
    expect(el.result!.shape).to.deep.equal([64, 64, 3]);
    expect(SHAPES).to.include(el.result!.target.label);
    // The app's output holds no other copy of the binaries than its bundler's (a worker's
    // fetches are not in the page's resource timing): WASM ran, so those were found.
  } finally {
    page.close();
  }
}

describe('apps bundled from the packed tarball', function () {
  this.timeout(120000);

  it('Vite: explains on WASM in a worker', async () => {
    await explainsOnWasm('vite');
  });

  it('webpack 5: explains on WASM in a worker', async () => {
    await explainsOnWasm('webpack');
  });
});
