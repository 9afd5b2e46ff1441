// A site ships v2 of its classifier at the same URL; a visitor comes back offline; a host says
// no-store. The model cache (IndexedDB) revalidates model.json with the ETag or Last-Modified it
// kept: a 304 loads from the cache, a 200 replaces it. Each "visit" is a fresh worker, as after
// a reload; the fault server (scripts/test-servers.mjs) replaces the model and counts requests.
import { expect } from '@open-wc/testing';
import { terminateWorker } from '../../src/client/explain-client.js';
import type { IgModelLoadDetail, IgResult } from '../../src/index.js';
import { record, testImage } from '../element/helpers.js';
import {
  faultOrigins,
  igError,
  isolatedSuite,
  makeElement,
  rejection,
  versioned,
} from './helpers.js';

const IMAGE = testImage(4);

/** One visit: a fresh worker (the in-memory model gone), one explanation of model `name`. */
async function visit(url: string): Promise<{ load: IgModelLoadDetail; result: IgResult }> {
  terminateWorker();
  const el = makeElement({ src: IMAGE, 'model-url': url });
  const recorder = record(el);
  try {
    const result = await el.explain();
    const loads = recorder.events.filter((e) => e.type === 'ig-model-load');
    expect(loads.length).to.equal(1);
    return { load: loads[0].detail as IgModelLoadDetail, result };
  } finally {
    recorder.stop();
    el.remove();
  }
}

describe('reliability: the model cache revalidates over HTTP', function () {
  this.timeout(180000);
  isolatedSuite();
  let faults: string;
  const unique = (what: string) => `${what}-${Date.now().toString(36)}`;

  before(async () => ({ faults } = await faultOrigins()));

  for (const validators of ['etag', 'last-modified'] as const) {
    it(`a model replaced at its URL (${validators}): 304 loads the cache, the new version replaces it`, async () => {
      const name = unique(validators);
      const url = `${faults}/versioned/${name}/model.json`;
      await versioned({ name, version: 1, validators });
      const first = await visit(url);
      expect(first.load.fromCache).to.equal(false);
      expect(first.result.shape).to.deep.equal([24, 24, 3]);

      const second = await visit(url);
      expect(second.load.fromCache).to.equal(true);
      expect(second.result.shape).to.deep.equal([24, 24, 3]);
      expect(await versioned({ name })).to.deep.equal({ json: 1, notModified: 1, weights: 1 });

      // v2 at the same URL (another model: 32x32 input): never the old weights again.
      await versioned({ name, version: 2 });
      const third = await visit(url);
      expect(third.load.fromCache).to.equal(false);
      expect(third.result.shape).to.deep.equal([32, 32, 3]);
      const fourth = await visit(url);
      expect(fourth.load.fromCache).to.equal(true);
      expect(fourth.result.shape).to.deep.equal([32, 32, 3]);
      expect(await versioned({ name })).to.deep.equal({ json: 2, notModified: 2, weights: 2 });
    });
  }

  it('offline (the server unreachable), the cached model still explains', async () => {
    const name = unique('offline');
    const url = `${faults}/versioned/${name}/model.json`;
    await versioned({ name, version: 1 });
    expect((await visit(url)).load.fromCache).to.equal(false);
    await versioned({ name, offline: true });
    const offline = await visit(url);
    expect(offline.load.fromCache).to.equal(true);
    expect(offline.result.shape).to.deep.equal([24, 24, 3]);
  });

  it('Cache-Control: no-store is never cached, and drops an older copy', async () => {
    const name = unique('no-store');
    const url = `${faults}/versioned/${name}/model.json`;
    await versioned({ name, version: 1 });
    expect((await visit(url)).load.fromCache).to.equal(false);
    await versioned({ name, noStore: true });
    expect((await visit(url)).load.fromCache).to.equal(false);
    expect((await visit(url)).load.fromCache).to.equal(false);
    // Three downloads of the weights; model.json asked for four times: the second visit's
    // conditional request got a 304 with no-store and asked again whole (the third visit's
    // plain request the browser's HTTP cache revalidates itself: a 304 or a 200).
    const served = await versioned({ name });
    expect(served.weights).to.equal(3);
    expect(served.json + served.notModified).to.equal(4);
    // Nothing kept: offline now, the load fails and says why.
    await versioned({ name, offline: true });
    terminateWorker();
    const el = makeElement({ src: IMAGE, 'model-url': url });
    const { code, message } = igError(await rejection(el.explain()));
    expect(code).to.equal('model-load');
    expect(message).to.contain(url);
    expect(message).to.match(/got no answer from the server/);
  });

  it('a server without validators: the model downloads again (never a guess that it is current)', async () => {
    const name = unique('none');
    const url = `${faults}/versioned/${name}/model.json`;
    await versioned({ name, version: 1, validators: 'none' });
    expect((await visit(url)).load.fromCache).to.equal(false);
    await versioned({ name, version: 2 });
    const replaced = await visit(url);
    expect(replaced.result.shape).to.deep.equal([32, 32, 3]);
    // Offline, the copy it kept serves.
    await versioned({ name, offline: true });
    const offline = await visit(url);
    expect(offline.load.fromCache).to.equal(true);
    expect(offline.result.shape).to.deep.equal([32, 32, 3]);
  });
});
