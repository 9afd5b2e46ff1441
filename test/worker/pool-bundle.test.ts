// The worker pool of the built bundle (dist/, `npm run build`), as a page meets it: the element
// registered by dist/ig-explainer.js, `IgExplainer.workers = 2`, one explanation split across two
// real workers of dist/ig-explainer-worker.js, each loading the WASM binaries from dist/wasm/.
// Nothing here imports src/: the element, the client and the worker are the bundle's.
import { expect } from '@open-wc/testing';
import { relativeDifference } from './compare.js';

const BUNDLE = '/dist/ig-explainer.js';
const MODEL = '/test/fixtures/models/tiny-graph-10/model.json';
const LABELS = '/test/fixtures/models/tiny-graph-10/labels.json';
const IMAGE = '/test/client/fixtures/gradient-8x6.png';

interface BundledElement extends HTMLElement {
  explain(): Promise<{
    attributions: Float32Array;
    backend: string;
    thread: string;
    sum: number;
    target: { index: number };
  }>;
}
type BundledClass = { workers: number | 'auto' } & (new () => BundledElement);

/** Every worker the page starts, with the errors each reported. */
const started: { url: string; errors: string[] }[] = [];
const Original = window.Worker;
window.Worker = class extends Original {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    const record = { url: String(url), errors: [] as string[] };
    started.push(record);
    this.addEventListener('error', (event) => record.errors.push(event.message || 'error'));
  }
};

async function bundledClass(): Promise<BundledClass> {
  await import(/* @vite-ignore */ BUNDLE);
  return (await customElements.whenDefined('ig-explainer')) as unknown as BundledClass;
}

function element(backend: string): BundledElement {
  const el = document.createElement('ig-explainer') as BundledElement;
  for (const [name, value] of Object.entries({
    loading: 'manual',
    backend,
    steps: '8',
    src: IMAGE,
    'model-url': MODEL,
    'labels-url': LABELS,
  })) {
    el.setAttribute(name, value);
  }
  document.body.append(el);
  return el;
}

describe('the bundled worker pool', function () {
  this.timeout(180000);

  // First: the page's first explanation starts both workers at once, nothing loaded yet (in the
  // dev server, two cold workers of the unbundled src/worker/worker.ts loading their module
  // graphs at once often fail: see test/worker/pool.test.ts).
  it('starts two cold workers at once on the first explanation', async () => {
    const IgExplainer = await bundledClass();
    IgExplainer.workers = 2;
    const el = element('wasm');
    try {
      const result = await el.explain();
      expect(result.thread).to.equal('worker');
      expect(result.backend).to.equal('wasm');
      const workers = started.filter((w) => w.url.includes('ig-explainer-worker'));
      expect(
        workers.flatMap((w) => w.errors),
        'no worker failed',
      ).to.deep.equal([]);
      expect(workers, JSON.stringify(started)).to.have.length(2);
    } finally {
      el.remove();
      IgExplainer.workers = 1;
    }
  });

  for (const backend of ['wasm', 'auto']) {
    it(`splits one explanation across two bundled workers on backend="${backend}"`, async () => {
      const IgExplainer = await bundledClass();
      IgExplainer.workers = 1;
      const el = element(backend);
      try {
        const one = await el.explain();
        const before = started.length;
        IgExplainer.workers = 2;
        const two = await el.explain();
        expect(one.thread).to.equal('worker');
        expect(two.thread).to.equal('worker');
        expect(two.backend).to.equal(one.backend);
        if (backend === 'wasm') expect(two.backend).to.equal('wasm');
        // The first run started the page's worker (on the first case); the second added one more.
        const workers = started.filter((w) => w.url.includes('ig-explainer-worker'));
        expect(workers.length, JSON.stringify(started)).to.equal(2);
        expect(started.length - before, 'workers started for the 2-worker run').to.be.at.most(1);
        expect(new Set(workers.map((w) => w.url)).size, 'one worker URL').to.equal(1);
        expect(
          workers.flatMap((w) => w.errors),
          'no worker failed',
        ).to.deep.equal([]);
        expect(two.target).to.deep.equal(one.target);
        expect(relativeDifference(one.attributions, two.attributions)).to.be.below(1e-5);
        expect(two.sum).to.be.closeTo(one.sum, 1e-5 * Math.abs(one.sum) + 1e-7);
      } finally {
        el.remove();
        IgExplainer.workers = 1;
      }
    });
  }
});
