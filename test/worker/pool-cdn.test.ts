// The bundled worker pool where the bundle comes from a CDN origin into a page under a strict CSP:
// each worker of the pool then starts from its own same-origin blob URL that imports the CDN's
// dist/ig-explainer-worker.js. Two workers split one explanation and give one worker's result.
import { expect } from '@open-wc/testing';
import { testOrigins } from './helpers.js';
import { openCspPage, type CspPage, type PageMessage } from '../bundle/helpers.js';

describe('the bundled worker pool from a CDN origin, under a strict CSP', function () {
  this.timeout(180000);
  let page: CspPage | null = null;
  afterEach(() => {
    page?.close();
    page = null;
  });

  it('splits one explanation across two blob-URL workers of the CDN bundle', async () => {
    const { static: cdn } = await testOrigins();
    page = await openCspPage(
      {
        src: `${cdn}/test/client/fixtures/gradient-8x6.png`,
        'model-url': `${cdn}/test/fixtures/models/tiny-graph-10/model.json`,
        'labels-url': `${cdn}/test/fixtures/models/tiny-graph-10/labels.json`,
        steps: '8',
        backend: 'wasm',
        loading: 'manual',
      },
      { wasm: true },
    );
    await page.next(['ready']);
    const run = async (workers: number): Promise<PageMessage> => {
      const from = page!.messages.length;
      page!.explain(workers);
      const last = await page!.next(['ig-complete', 'ig-error'], 120000, from);
      expect(last.type, JSON.stringify(last.detail)).to.equal('ig-complete');
      return last;
    };
    const one = await run(1);
    const two = await run(2);
    for (const { detail } of [one, two]) {
      expect(detail!.thread).to.equal('worker');
      expect(detail!.backend).to.equal('wasm');
      expect(detail!.finite).to.equal(true);
    }
    const workers = two.workers!.filter((w) => w.url.startsWith('blob:'));
    expect(workers, JSON.stringify(two.workers)).to.have.length(2);
    expect(
      workers.flatMap((w) => w.errors),
      'no worker failed',
    ).to.deep.equal([]);
    expect(two.detail!.target).to.deep.equal(one.detail!.target);
    const [a, b] = [one.detail!.sum as number, two.detail!.sum as number];
    expect(b).to.be.closeTo(a, 1e-5 * Math.abs(a) + 1e-7);
    expect(two.detail!.delta as number).to.be.closeTo(
      one.detail!.delta as number,
      1e-5 * Math.abs(a) + 1e-7,
    );
  });
});
