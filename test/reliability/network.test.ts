// Downloads that never finish, as a user meets them: a server that sends headers and then
// nothing (model.json, a weight file, the labels, the image), one that never answers, and a
// model.json naming weights on another origin. Each ends in its code with the URL, within the
// stall timeout (IgExplainer.stallTimeout, seconds, page-wide), and never holds back another
// element on the page.
import { expect } from '@open-wc/testing';
import { IgExplainer } from '../../src/index.js';
import { TINY_LABELS, TINY_MODEL, record, testImage } from '../element/helpers.js';
import { requestCount } from '../worker/helpers.js';
import {
  faultOrigins,
  igError,
  isolatedSuite,
  makeElement,
  rejection,
  type FaultOrigins,
} from './helpers.js';

const IMAGE = testImage(2);
const TINY_DIR = 'test/fixtures/models/tiny-graph-10';

describe('reliability: stalled and foreign downloads', function () {
  this.timeout(120000);
  isolatedSuite();
  let origins: FaultOrigins;
  const defaultStall = IgExplainer.stallTimeout;

  before(async () => {
    origins = await faultOrigins();
    // The worker started and TF.js loaded: the timings below are the downloads'.
    const warm = makeElement({ src: IMAGE });
    await warm.explain();
    warm.remove();
  });
  afterEach(() => (IgExplainer.stallTimeout = defaultStall));

  it('states a default stall timeout of 30 s', () => {
    expect(defaultStall).to.equal(30);
  });

  const stalls: Array<{
    name: string;
    set: (o: FaultOrigins) => Record<string, string>;
    code: string;
    attribute: string;
    url: (o: FaultOrigins) => string;
  }> = [
    {
      name: 'model.json sends headers, then nothing',
      set: (o) => ({ 'model-url': `${o.faults}/stall/${TINY_DIR}/model.json` }),
      code: 'model-load',
      attribute: 'model-url',
      url: (o) => `${o.faults}/stall/${TINY_DIR}/model.json`,
    },
    {
      name: 'model.json never answers',
      set: (o) => ({ 'model-url': `${o.faults}/stall-headers/${TINY_DIR}/model.json` }),
      code: 'model-load',
      attribute: 'model-url',
      url: (o) => `${o.faults}/stall-headers/${TINY_DIR}/model.json`,
    },
    {
      name: 'a weight file stalls halfway',
      set: (o) => ({ 'model-url': `${o.faults}/stall-shards/${TINY_DIR}/model.json` }),
      code: 'model-load',
      attribute: 'model-url',
      url: (o) => `${o.faults}/stall-shards/${TINY_DIR}/group1-shard1of1.bin`,
    },
    {
      name: 'the labels stall',
      set: (o) => ({ 'labels-url': `${o.faults}/stall/${TINY_DIR}/labels.json` }),
      code: 'labels-load',
      attribute: 'labels-url',
      url: (o) => `${o.faults}/stall/${TINY_DIR}/labels.json`,
    },
    {
      name: 'the image stalls',
      set: (o) => ({ src: `${o.faults}/stall/test/client/fixtures/gradient-8x6.png` }),
      code: 'image-load',
      attribute: 'src',
      url: (o) => `${o.faults}/stall/test/client/fixtures/gradient-8x6.png`,
    },
  ];

  for (const c of stalls) {
    it(`${c.name}: ${c.code} naming the URL once the stall timeout passes`, async () => {
      IgExplainer.stallTimeout = 1;
      const el = makeElement({ src: IMAGE, ...c.set(origins) });
      const recorder = record(el);
      const start = performance.now();
      const { code, message, attribute } = igError(await rejection(el.explain()));
      const elapsed = performance.now() - start;
      await el.updateComplete;
      expect(code, message).to.equal(c.code);
      expect(attribute).to.equal(c.attribute);
      expect(message).to.contain(c.url(origins));
      expect(message).to.match(/stalled: no bytes arrived for 1 s: check that the server sends/);
      expect(message).to.contain('IgExplainer.stallTimeout');
      expect(elapsed).to.be.at.least(900);
      expect(elapsed).to.be.below(15000);
      expect(el.status).to.equal('error');
      expect(recorder.events.filter((e) => e.type === 'ig-error').length).to.equal(1);
      expect(recorder.events.some((e) => e.type === 'ig-complete')).to.equal(false);
      recorder.stop();
    });
  }

  it('a stalled model download does not hold back another element on the page', async () => {
    IgExplainer.stallTimeout = 20;
    const stalled = makeElement({
      src: IMAGE,
      'model-url': `${origins.faults}/stall-shards/${TINY_DIR}/model.json`,
    });
    const stalledRun = rejection(stalled.explain());
    let stalledSettled = false;
    void stalledRun.then(() => (stalledSettled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const other = makeElement({ src: IMAGE, 'labels-url': TINY_LABELS });
    const start = performance.now();
    const result = await other.explain();
    expect(performance.now() - start).to.be.below(15000);
    expect(result.shape).to.deep.equal([24, 24, 3]);
    expect(stalledSettled, 'the stalled run ended first: the other waited for it').to.equal(false);
    expect(stalled.status).to.equal('loading-model');
    // Cancelling a stalled download ends it at once.
    stalled.cancel();
    expect(igError(await stalledRun).code).to.equal('aborted');
  });

  it('stalled labels do not hold back another element on the page', async () => {
    IgExplainer.stallTimeout = 20;
    const stalled = makeElement({
      src: IMAGE,
      'labels-url': `${origins.faults}/stall/${TINY_DIR}/labels.json`,
    });
    const stalledRun = rejection(stalled.explain());
    let stalledSettled = false;
    void stalledRun.then(() => (stalledSettled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const other = makeElement({ src: testImage(3) });
    const start = performance.now();
    expect((await other.explain()).shape).to.deep.equal([24, 24, 3]);
    expect(performance.now() - start).to.be.below(15000);
    expect(stalledSettled, 'the stalled run ended first: the other waited for it').to.equal(false);
    stalled.cancel();
    expect(igError(await stalledRun).code).to.equal('aborted');
  });

  it('a model.json naming weights on another origin is refused with model-load, nothing fetched there', async () => {
    const shard = `/${TINY_DIR}/group1-shard1of1.bin`;
    const before = await requestCount(shard);
    const el = makeElement({ src: IMAGE, 'model-url': `${origins.faults}/foreign/model.json` });
    const { code, message, attribute } = igError(await rejection(el.explain()));
    expect(code).to.equal('model-load');
    expect(attribute).to.equal('model-url');
    expect(message).to.contain(`${origins.faults}/foreign/model.json`);
    expect(message).to.contain(`another origin (${origins.static}${shard})`);
    expect(message).to.match(/weights only from the model's own origin.*relative path/);
    expect(await requestCount(shard)).to.equal(before);
    // The same model with relative paths loads.
    el.modelUrl = TINY_MODEL;
    expect((await el.explain()).shape).to.deep.equal([24, 24, 3]);
  });
});
