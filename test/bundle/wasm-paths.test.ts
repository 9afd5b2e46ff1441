// IgExplainer.wasmPaths: a page that hosts TF.js's WASM binaries elsewhere (here the static
// origin) points the worker there; the binaries are fetched from that folder and WASM runs.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/ig-explainer.js';
import { IgExplainer } from '../../src/index.js';
import { WASM_FILES } from '../../src/shared/wasm-binaries.js';
import { modelUrl, requestCount, testOrigins } from '../worker/helpers.js';

const FOLDER = '/node_modules/@tensorflow/tfjs-backend-wasm/dist/';

describe('IgExplainer.wasmPaths', function () {
  this.timeout(120000);

  it('loads the WASM binaries from the folder the page names', async () => {
    const { static: host } = await testOrigins();
    IgExplainer.wasmPaths = `${host}${FOLDER}`;
    const before = await Promise.all(WASM_FILES.map((file) => requestCount(FOLDER + file)));
    const el = await fixture<IgExplainer>(html`
      <ig-explainer
        loading="manual"
        backend="wasm"
        steps="4"
        src="/test/client/fixtures/gradient-8x6.png"
        model-url=${modelUrl('tiny-graph-10')}
        labels-url="/test/fixtures/models/tiny-graph-10/labels.json"
      ></ig-explainer>
    `);
    const complete = oneEvent(el, 'ig-complete');
    const failed = oneEvent(el, 'ig-error').then((event) => {
      throw new Error(`${event.detail.code}: ${event.detail.message}`);
    });
    void el.explain();
    await Promise.race([complete, failed]);
    expect(el.result!.backend).to.equal('wasm');
    expect(el.result!.thread).to.equal('worker');
    const after = await Promise.all(WASM_FILES.map((file) => requestCount(FOLDER + file)));
    const fetched = after.reduce((sum, n, i) => sum + n - before[i]!, 0);
    expect(fetched, 'no binary was fetched from IgExplainer.wasmPaths').to.be.greaterThan(0);
  });
});
