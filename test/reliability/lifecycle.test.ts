// Races and lifecycle through the element: many elements on one worker, rapid attribute changes,
// explain() while the model loads, removal mid-run and re-adding. The basic cases (a second
// explain() aborts the first, four rapid changes, removal cancels) are in
// test/element/explain.test.ts; two concurrent requests on one model load in
// test/worker/worker.test.ts.
import { expect, waitUntil } from '@open-wc/testing';
import { workerMemory } from '../worker-entry/hooks.js';
import type { IgExplainer, IgResult } from '../../src/index.js';
import { isIgError } from '../../src/index.js';
import {
  TINY_LABELS,
  record,
  settle,
  sleep,
  testImage,
  part,
  type Recorded,
} from '../element/helpers.js';
import { requestCount, testOrigins, uncachedModelUrl } from '../worker/helpers.js';
import { isolatedSuite, makeElement, maxDifference, rejection } from './helpers.js';

const IMAGES = [0, 1, 2, 3, 4, 5].map((seed) => testImage(seed));

/** The same explanation from a fresh element alone on the page. */
async function alone(attributes: Record<string, string>): Promise<IgResult> {
  const el = makeElement(attributes);
  try {
    return await el.explain();
  } finally {
    el.remove();
  }
}

function attributesOf(el: IgExplainer): Record<string, string> {
  return Object.fromEntries(el.getAttributeNames().map((name) => [name, el.getAttribute(name)!]));
}

describe('reliability: races and lifecycle', function () {
  this.timeout(180000);
  const { workers } = isolatedSuite();

  // First: the worker starts here, so the spy sees every worker of the page.
  it('twelve elements, two models: one worker, each model.json fetched once, each its own result', async () => {
    const { static: origin } = await testOrigins();
    const models = [
      { url: uncachedModelUrl('tiny-graph-10', origin), path: 'tiny-graph-10', size: 24 },
      { url: uncachedModelUrl('tiny-graph', origin), path: 'tiny-graph', size: 32 },
    ];
    const paths = models.map((m) => `/test/fixtures/models/${m.path}/model.json`);
    const before = await Promise.all(paths.map((p) => requestCount(p)));
    const recorder = record(document);
    const elements = Array.from({ length: 12 }, (_, i) =>
      makeElement({
        loading: 'eager',
        src: IMAGES[i % 6],
        'model-url': models[i % 2].url,
        steps: String(2 + (i % 3)),
        baseline: i % 4 < 2 ? 'black' : 'white',
      }),
    );
    await waitUntil(() => elements.every((el) => el.status === 'done'), 'not all done', {
      timeout: 120000,
      interval: 50,
    });
    recorder.stop();
    expect(workers.instances.length).to.equal(1);
    const after = await Promise.all(paths.map((p) => requestCount(p)));
    expect(after[0] - before[0], paths[0]).to.equal(1);
    expect(after[1] - before[1], paths[1]).to.equal(1);
    const completes = recorder.events.filter((e) => e.type === 'ig-complete');
    expect(completes.length).to.equal(12);
    expect(recorder.events.some((e) => e.type === 'ig-error')).to.equal(false);
    // Each element has its own result, equal to the same run done alone.
    for (const [i, el] of elements.entries()) {
      const result = el.result!;
      expect(result.shape[0], `element ${i}`).to.equal(models[i % 2].size);
      expect(result.steps).to.equal(2 + (i % 3));
      const attributes = attributesOf(el);
      delete attributes.status;
      el.remove();
      const reference = await alone({ ...attributes, loading: 'manual' });
      expect(result.target).to.deep.equal(reference.target);
      expect(
        maxDifference(result.attributions, reference.attributions),
        `element ${i}`,
      ).to.be.below(1e-6);
    }
    expect(workers.instances.length).to.equal(1);
  });

  it('ten changes of src, steps, baseline and target within 100 ms: one result, of the last inputs', async () => {
    const el = makeElement({
      loading: 'eager',
      src: IMAGES[0],
      // Runs long enough (on any backend) that each change lands while the previous one runs.
      steps: '200',
      'batch-size': '1',
      method: 'trapezoid',
      'labels-url': TINY_LABELS,
    });
    const events: Array<Recorded & { run: number }> = [];
    let run = 0;
    const recorder = record(el);
    const onEvent = () => events.push({ ...recorder.events.at(-1)!, run });
    for (const type of [
      'ig-model-load',
      'ig-prediction',
      'ig-progress',
      'ig-complete',
      'ig-error',
    ]) {
      el.addEventListener(type, onEvent);
    }
    const changes: Array<Partial<Pick<IgExplainer, 'src' | 'steps' | 'baseline' | 'target'>>> = [
      { steps: 203 },
      { src: IMAGES[1] },
      { baseline: 'white' },
      { target: 4 },
      { steps: 205 },
      { src: IMAGES[2] },
      { baseline: 'blur' },
      { target: 'cat' },
      { steps: 206 },
      { src: IMAGES[3], baseline: 'random' },
    ];
    const configs = [{ steps: 200 }];
    const start = performance.now();
    for (const change of changes) {
      await sleep(5);
      Object.assign(el, change);
      await el.updateComplete;
      run++;
      configs.push({ steps: el.steps });
    }
    expect(performance.now() - start).to.be.below(100);
    const result = await settle<IgResult>(el);
    await sleep(400);
    recorder.stop();
    // Exactly one ig-complete, from the last run, with the last inputs.
    const completes = events.filter((e) => e.type === 'ig-complete');
    expect(completes.length).to.equal(1);
    expect(completes[0].run).to.equal(10);
    expect(events.some((e) => e.type === 'ig-error')).to.equal(false);
    expect(result).to.equal(el.result);
    expect(result.steps).to.equal(206);
    expect(result.baseline).to.equal('random');
    expect(result.target.label).to.equal('cat');
    // No event of a cancelled run after its cancel: every progress event fits the run it came in.
    for (const e of events.filter((e) => e.type === 'ig-progress')) {
      const { stepsTotal } = e.detail as { stepsTotal: number };
      expect(stepsTotal, `progress during run ${e.run}`).to.equal(configs[e.run].steps + 1);
    }
    const reference = await alone({
      ...attributesOf(el),
      loading: 'manual',
      src: IMAGES[3],
      steps: '206',
      baseline: 'random',
      target: 'cat',
    });
    expect(maxDifference(result.attributions, reference.attributions)).to.be.below(1e-6);
  });

  it('explain() while the model loads: the first rejects with aborted, the second completes', async () => {
    const { static: origin } = await testOrigins();
    const el = makeElement({ src: IMAGES[2], 'model-url': uncachedModelUrl('tiny-graph', origin) });
    const recorder = record(el);
    const first = el.explain();
    await el.updateComplete;
    expect(el.status).to.equal('loading-model');
    await sleep(20);
    const second = el.explain();
    const error = await rejection(first);
    expect(isIgError(error) && error.code).to.equal('aborted');
    const result = await second;
    await sleep(200);
    recorder.stop();
    expect(result).to.equal(el.result);
    expect(result.shape).to.deep.equal([32, 32, 3]);
    const types = recorder.events.map((e) => e.type);
    expect(types.filter((t) => t === 'ig-complete').length).to.equal(1);
    expect(types.filter((t) => t === 'ig-model-load').length).to.equal(1);
    expect(types).not.to.include('ig-error');
  });

  it('removed mid-run: its work is cancelled and its worker tensors freed; re-added, it resumes', async () => {
    const el = makeElement({ src: IMAGES[4], steps: '2' });
    await el.explain();
    const before = await workerMemory();
    el.loading = 'eager';
    el.steps = 400;
    el.batchSize = 1;
    const recorder = record(el);
    await new Promise((resolve) => el.addEventListener('ig-progress', resolve, { once: true }));
    el.remove();
    await el.updateComplete;
    expect(el.status).to.equal('idle');
    const removedAt = recorder.events.length;
    let after = await workerMemory();
    for (let i = 0; i < 100 && after.numTensors !== before.numTensors; i++) {
      await sleep(50);
      after = await workerMemory();
    }
    expect(after.numTensors).to.equal(before.numTensors);
    expect(after.numBytes).to.equal(before.numBytes);
    // The worker stopped that run: a short one right after it is not stuck behind 400 steps.
    const start = performance.now();
    await alone({ src: IMAGES[5], steps: '2' });
    const shortRun = performance.now() - start;
    expect(recorder.events.length, 'events after removal').to.equal(removedAt);
    // Re-added, an eager element starts again by itself.
    el.steps = 3;
    document.body.append(el);
    const result = await settle<IgResult>(el);
    expect(result.steps).to.equal(3);
    expect(el.status).to.equal('done');
    expect(shortRun).to.be.below(30000);
    recorder.stop();
  });
});

// Issue 14, as users filed it: a framework that moves an element in the DOM (React reparenting, a
// Vue <KeepAlive>, a CMS re-rendering a block) removes and re-adds it with the SAME attributes.
describe('reliability: removed and re-added, as frameworks do', function () {
  this.timeout(180000);
  isolatedSuite();

  /** Long enough on any backend that a removal lands mid-run. */
  const SLOW = { steps: '120', 'batch-size': '1' };

  function nextEvent(el: EventTarget, type: string): Promise<void> {
    return new Promise((resolve) => el.addEventListener(type, () => resolve(), { once: true }));
  }

  for (const loading of ['lazy', 'eager'] as const) {
    it(`${loading}: removed mid-run and re-added with the same attributes, it runs again to done`, async () => {
      const el = makeElement({ loading, src: IMAGES[0], ...SLOW });
      await nextEvent(el, 'ig-progress');
      el.remove();
      await el.updateComplete;
      expect(el.status).to.equal('idle');
      document.body.append(el);
      const result = await settle<IgResult>(el);
      expect(el.status).to.equal('done');
      expect(result).to.equal(el.result);
      expect(result.steps).to.equal(120);
    });
  }

  it('manual: removed mid-run and re-added, it waits for explain(), which then completes', async () => {
    const el = makeElement({ src: IMAGES[1], ...SLOW });
    const first = el.explain();
    await nextEvent(el, 'ig-progress');
    el.remove();
    const error = await rejection(first);
    expect(isIgError(error) && error.code).to.equal('aborted');
    const recorder = record(el);
    document.body.append(el);
    await sleep(500);
    await el.updateComplete;
    expect(el.status).to.equal('idle');
    expect(recorder.events.map((e) => e.type)).to.deep.equal([]);
    el.steps = 3;
    const result = await el.explain();
    recorder.stop();
    expect(result.steps).to.equal(3);
    expect(el.status).to.equal('done');
  });

  for (const loading of ['lazy', 'eager', 'manual'] as const) {
    it(`${loading}: src changed while removed: the old result is not shown as current on return`, async () => {
      const el = makeElement({ loading, src: IMAGES[2], steps: '2' });
      const old = loading === 'manual' ? await el.explain() : await settle<IgResult>(el);
      expect(el.result).to.equal(old);
      el.remove();
      el.src = IMAGES[3];
      await el.updateComplete;
      // Not the old image's result, neither while removed nor when back.
      expect(el.result).to.equal(null);
      expect(el.status).not.to.equal('done');
      const recorder = record(el);
      const next = loading === 'manual' ? null : settle<IgResult>(el);
      document.body.append(el);
      await el.updateComplete;
      expect(el.result).to.equal(null);
      expect(el.predictions).to.equal(null);
      expect(part(el, 'mask')).to.equal(null);
      if (loading === 'manual') {
        await sleep(300);
        expect(el.status).to.equal('idle');
        expect(recorder.events).to.deep.equal([]);
      } else {
        // A new run, for the new image.
        const result = await next!;
        expect(result).to.equal(el.result);
        expect(result).not.to.equal(old);
        const reference = await alone({ src: IMAGES[3], steps: '2' });
        expect(maxDifference(result.attributions, reference.attributions)).to.be.below(1e-6);
      }
      recorder.stop();
    });
  }

  it('no event of the old run reaches the element after it is removed', async () => {
    const el = makeElement({ loading: 'eager', src: IMAGES[4], ...SLOW });
    await nextEvent(el, 'ig-progress');
    const recorder = record(el);
    el.remove();
    await sleep(1500);
    recorder.stop();
    expect(recorder.events.map((e) => e.type)).to.deep.equal([]);
  });

  it('connect, disconnect and reconnect in several orders: always the state the attributes call for', async () => {
    const orders: Array<{
      name: string;
      moves: (el: IgExplainer, other: HTMLElement) => Promise<void>;
    }> = [
      // A move within one task (reparenting): disconnected and connected before any update.
      { name: 'moved at once', moves: async (el, other) => other.append(el) },
      {
        name: 'removed, re-added, removed, re-added',
        moves: async (el) => {
          el.remove();
          document.body.append(el);
          el.remove();
          await sleep(20);
          document.body.append(el);
        },
      },
      {
        name: 'removed for a while, then re-added',
        moves: async (el) => {
          el.remove();
          await sleep(300);
          document.body.append(el);
        },
      },
    ];
    const other = document.createElement('section');
    document.body.append(other);
    try {
      for (const { name, moves } of orders) {
        for (const loading of ['eager', 'manual'] as const) {
          const el = makeElement({ loading, src: IMAGES[5], ...SLOW });
          if (loading === 'manual') el.explain().catch(() => {});
          await nextEvent(el, 'ig-progress');
          const recorder = record(el);
          await moves(el, other);
          if (loading === 'eager') {
            const result = await settle<IgResult>(el);
            await sleep(200);
            expect(el.status, name).to.equal('done');
            expect(result.steps, name).to.equal(120);
            const completes = recorder.events.filter((e) => e.type === 'ig-complete');
            expect(completes.length, `${name}: one ig-complete`).to.equal(1);
          } else {
            await sleep(300);
            await el.updateComplete;
            expect(el.status, `${name}: manual waits`).to.equal('idle');
            expect(el.result, name).to.equal(null);
          }
          expect(
            recorder.events.some((e) => e.type === 'ig-error'),
            name,
          ).to.equal(false);
          recorder.stop();
          el.remove();
        }
      }
    } finally {
      other.remove();
    }
  });
});
