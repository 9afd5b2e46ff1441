// The pool on a page whose second worker starts badly (issue 16): on a slow machine or a flaky
// network a worker script may fail to load or take as long as it likes. The explanation must go
// on with the workers that started, give one worker's attributions, and the pool must replace
// the failed worker for later runs. The worker entry's URL is served by the test dev server's
// `test-worker?start=KEY:MODE` route (scripts/wtr-worker-start.mjs): as usual the first time, then refused
// (`fail`, `fail-once`) or never answered (`hang`).
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { terminateWorker } from '../../src/client/explain-client.js';
import '../../src/ig-explainer.js';
import { IgExplainer } from '../../src/index.js';
import type { IgResult } from '../../src/shared/types.js';
import {
  allWorkerMemory,
  liveWorkerCount,
  startedWorkerCount,
  workerErrors,
} from '../worker-entry/hooks.js';
import { modelUrl, testImageUrl } from './helpers.js';
import { relativeDifference } from './compare.js';

const ENTRY = new URL('../worker-entry/test-worker.ts', import.meta.url);

/** The worker entry, served as usual once and then as `mode` says (no extension: see the route). */
function startingBadly(mode: 'fail' | 'fail-once' | 'hang'): string {
  const url = new URL('../worker-entry/test-worker', import.meta.url);
  url.searchParams.set(
    'start',
    `${mode}-${Date.now()}-${Math.random().toString(36).slice(2)}:${mode}`,
  );
  return url.href;
}

describe('worker pool whose second worker starts badly', function () {
  this.timeout(180000);
  let image: string;
  let reference: IgResult;
  const model = modelUrl('tiny-graph-10');

  async function explainer(): Promise<IgExplainer> {
    return fixture<IgExplainer>(html`
      <ig-explainer
        loading="manual"
        model-url=${model}
        src=${image}
        steps="12"
        batch-size="2"
        backend="wasm"
      ></ig-explainer>
    `);
  }

  /** One explanation by a fresh pool of `workers` whose entry is `url`; its element's events. */
  async function run(url: string, workers: number, fresh = true) {
    if (fresh) terminateWorker();
    IgExplainer.workerUrl = url;
    IgExplainer.workers = workers;
    const el = await explainer();
    const errors: string[] = [];
    el.addEventListener('ig-error', (e) => errors.push((e as CustomEvent).detail.code));
    try {
      const result = await el.explain();
      return { result, errors, status: el.status };
    } finally {
      el.remove();
    }
  }

  before(async () => {
    image = await testImageUrl();
    ({ result: reference } = await run(ENTRY.href, 1));
  });
  afterEach(() => {
    IgExplainer.workers = 1;
    IgExplainer.workerUrl = ENTRY.href;
  });
  after(() => terminateWorker());

  it('finishes on the first worker when the second never loads', async () => {
    const errorsBefore = workerErrors().length;
    const { result, errors, status } = await run(startingBadly('hang'), 2);
    expect(errors).to.deep.equal([]);
    expect(status).to.equal('done');
    expect(relativeDifference(reference.attributions, result.attributions)).to.be.below(1e-5);
    expect(result.sum).to.be.closeTo(reference.sum, 1e-5 * Math.abs(reference.sum) + 1e-7);
    // The second worker is still loading (it may yet start): it was not counted as failed.
    expect(liveWorkerCount()).to.equal(2);
    expect(workerErrors().slice(errorsBefore)).to.deep.equal([]);
  });

  it('finishes when the second worker fails to load, and replaces it for the next run', async () => {
    const url = startingBadly('fail');
    const startedBefore = startedWorkerCount();
    const errorsBefore = workerErrors().length;
    const { result, errors, status } = await run(url, 2);
    expect(errors).to.deep.equal([]);
    expect(status).to.equal('done');
    expect(relativeDifference(reference.attributions, result.attributions)).to.be.below(1e-5);
    // It did fail (the route refused it), maybe after the run was done without it.
    await waitUntil(() => workerErrors().length > errorsBefore, 'the second worker failed', {
      timeout: 60000,
    });
    // The next run, on the same page and pool, starts another second worker and still finishes.
    const again = await run(url, 2, false);
    expect(again.errors).to.deep.equal([]);
    expect(relativeDifference(reference.attributions, again.result.attributions)).to.be.below(1e-5);
    expect(startedWorkerCount() - startedBefore).to.be.at.least(3);
  });

  it('uses the replacement once a second worker starts', async () => {
    const url = startingBadly('fail-once');
    const errorsBefore = workerErrors().length;
    const { result, errors } = await run(url, 2);
    expect(errors).to.deep.equal([]);
    expect(relativeDifference(reference.attributions, result.attributions)).to.be.below(1e-5);
    await waitUntil(() => workerErrors().length > errorsBefore, 'the second worker failed', {
      timeout: 60000,
    });
    // The next run replaces it with one that loads (a cold one may see its share taken over)...
    await run(url, 2, false);
    expect(liveWorkerCount()).to.equal(2);
    await allWorkerMemory();
    // ...and, loaded, it serves the run after: both workers hold the model.
    const again = await run(url, 2, false);
    expect(relativeDifference(reference.attributions, again.result.attributions)).to.be.below(1e-5);
    const memories = await allWorkerMemory();
    expect(memories).to.have.length(2);
    expect(memories[0].numTensors).to.be.above(0);
    expect(memories[1].numTensors).to.equal(memories[0].numTensors);
  });
});
