// The tag pasted into someone else's page: the page on one origin, under a strict CSP sent as a
// header (no unsafe-eval, no unsafe-inline; scripts and workers only from 'self', the CDN and
// blob:), the bundle, image, model and labels on a CDN origin with CORS.
import { expect } from '@open-wc/testing';
import { TINY_LABEL_NAMES } from '../element/helpers.js';
import { testOrigins } from '../worker/helpers.js';
import { gzippedSize, openCspPage, type CspPage } from './helpers.js';

const FIRST_LOAD_BUDGET = 15 * 1024;
/** Files that only an explanation may fetch: the client, the result view, the worker, TF.js. */
const LAZY = /explain-client|result-view|worker|chunks\/dist-|\.wasm|model\.json|\.bin$/;

function fixtures(cdn: string) {
  return {
    src: `${cdn}/test/client/fixtures/gradient-8x6.png`,
    'model-url': `${cdn}/test/fixtures/models/tiny-graph-10/model.json`,
    'labels-url': `${cdn}/test/fixtures/models/tiny-graph-10/labels.json`,
    steps: '4',
  };
}

async function cdnOrigin(): Promise<string> {
  return (await testOrigins()).static;
}

describe('the bundle from a CDN origin, in a page with a strict CSP', function () {
  this.timeout(120000);
  let page: CspPage | null = null;
  afterEach(() => {
    page?.close();
    page = null;
  });

  async function explainsUnder(wasm: boolean) {
    const cdn = await cdnOrigin();
    page = await openCspPage({ ...fixtures(cdn), loading: 'eager' }, { wasm });
    const last = await page.next(['ig-complete', 'ig-error']);
    expect(last.type, JSON.stringify(last.detail)).to.equal('ig-complete');
    const result = last.detail!;
    expect(result.thread).to.equal('worker');
    expect(result.shape).to.deep.equal([24, 24, 3]);
    expect(result.steps).to.equal(4);
    expect(result.finite).to.equal(true);
    expect(TINY_LABEL_NAMES).to.include((result.target as { label: string }).label);
    const load = page.messages.find((m) => m.type === 'ig-model-load');
    expect(load?.detail?.modelUrl).to.equal(fixtures(cdn)['model-url']);
    // The script really came from the CDN origin, into a page of a third origin.
    const pageOrigin = new URL(page.frame.src).origin;
    expect(pageOrigin).to.not.equal(location.origin);
    expect(pageOrigin).to.not.equal(cdn);
    expect(last.resources).to.include(`${cdn}/dist/ig-explainer.js`);

    const violations = page.messages.filter((m) => m.type === 'violation');
    expect(violations, JSON.stringify(violations)).to.deep.equal([]);
    // Workers report violations only through report-uri; give the reports time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return { result, reports: await page.reports() };
  }

  it('explains in a worker; without wasm-unsafe-eval only a WASM compile is refused', async () => {
    const { result, reports } = await explainsUnder(false);
    // `auto` may try WASM first (it does where WebGL renders in software); the CSP refuses that
    // compile, as the README says, and the worker goes on to WebGL or CPU. Nothing else.
    const others = reports.filter((r) => r['blocked-uri'] !== 'wasm-eval');
    expect(others, JSON.stringify(others)).to.deep.equal([]);
    expect(result.backend).to.be.oneOf(['webgl', 'cpu']);
  });

  it("explains with no violation at all when the policy adds 'wasm-unsafe-eval'", async () => {
    const { result, reports } = await explainsUnder(true);
    expect(reports, JSON.stringify(reports)).to.deep.equal([]);
    expect(result.backend).to.be.oneOf(['webgl', 'wasm', 'cpu']);
  });

  it('fetches no worker, TF.js or result code before an explanation starts, within 15 KB gzipped', async () => {
    const cdn = await cdnOrigin();
    page = await openCspPage({ ...fixtures(cdn), loading: 'manual' });
    const ready = await page.next(['ready']);
    const before = ready.resources!.filter((name) => name.startsWith(cdn));
    expect(before).to.include(`${cdn}/dist/ig-explainer.js`);
    expect(
      before.filter((name) => LAZY.test(name)),
      'fetched before explain()',
    ).to.deep.equal([]);
    expect(page.messages.some((m) => m.type === 'ig-model-load')).to.equal(false);

    let gzipped = 0;
    for (const name of before.filter((n) => n.endsWith('.js'))) {
      const text = await (await fetch(name)).text();
      for (const marker of ['registerKernel', 'Tensor is disposed', 'tfjsflags']) {
        expect(text, `${name} holds TF.js code ("${marker}")`).to.not.contain(marker);
      }
      gzipped += await gzippedSize(name);
    }
    expect(gzipped, `first load: ${before.join(', ')}`).to.be.at.most(FIRST_LOAD_BUDGET);

    const from = page.messages.length;
    page.explain();
    const last = await page.next(['ig-complete', 'ig-error'], 90000, from);
    expect(last.type, JSON.stringify(last.detail)).to.equal('ig-complete');
    expect(last.detail!.thread).to.equal('worker');
    // The page itself fetched the client chunk only now; TF.js and the model went to the worker.
    const after = last.resources!.filter((name) => !before.includes(name));
    expect(after.some((name) => /explain-client/.test(name))).to.equal(true);
    expect(last.resources!.some((name) => /chunks\/dist-|model\.json/.test(name))).to.equal(false);
  });
});
