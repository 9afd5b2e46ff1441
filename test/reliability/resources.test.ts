// Leaks and resources: 50 runs in a row, a lost WebGL context, a batch too large for memory.
import { expect, waitUntil } from '@open-wc/testing';
import { loseWorkerContext, workerMemory } from '../worker-entry/hooks.js';
import { BATCH_MEMORY_BUDGET, autoBatchSize, checkBatchMemory } from '../../src/engine/explain.js';
import type { IgError, IgResult } from '../../src/index.js';
import { isIgError } from '../../src/index.js';
import { record, sleep, testImage } from '../element/helpers.js';
import { modelUrl } from '../worker/helpers.js';
import { isolatedSuite, makeElement, rejection } from './helpers.js';

const SMALL = testImage(3);

interface ErrorDetail {
  code: string;
  message: string;
  attribute?: string;
}

/** Fills the old generation and drops it until `done()` or `rounds` run out: V8 collects. */
async function pressure(done: () => boolean, rounds = 40): Promise<void> {
  for (let i = 0; i < rounds && !done(); i++) {
    let kept: Array<Array<{ i: number }>> = [];
    for (let j = 0; j < 4; j++) {
      kept.push(Array.from({ length: 500000 }, (_, k) => ({ i: k })));
      await sleep(0);
    }
    kept = [];
    await sleep(20 + kept.length);
  }
}

describe('reliability: leaks and resources', function () {
  this.timeout(180000);
  const { workers } = isolatedSuite();

  it('50 explanations in a row: worker tensors and bytes come back, results are not retained', async () => {
    const el = makeElement({ src: SMALL });
    // Warm-up: model loaded, backend started, kernels compiled.
    for (let i = 0; i < 3; i++) await el.explain();
    const before = await workerMemory();
    const refs: WeakRef<IgResult>[] = [];
    const baselines = ['black', 'white', 'random', 'blur'];
    for (let i = 0; i < 50; i++) {
      el.steps = 2 + (i % 3);
      el.baseline = baselines[i % 4];
      el.seed = i;
      const result = await el.explain();
      expect(result.steps).to.equal(2 + (i % 3));
      refs.push(new WeakRef(result));
    }
    const after = await workerMemory();
    expect(after.numTensors).to.equal(before.numTensors);
    expect(after.numBytes).to.equal(before.numBytes);
    // The page's heap: once V8 collects, the results older than the newest collected one are gone
    // too (a major GC clears every unreachable WeakRef at once); only the element's latest stays
    // reachable. (performance.memory is too coarse and noisy here to bound a leak of this size.)
    const alive = () => refs.filter((ref) => ref.deref() !== undefined).length;
    await pressure(() => alive() <= 1, 10);
    const collected = refs.map((ref) => ref.deref() === undefined);
    const newest = collected.lastIndexOf(true);
    expect(newest, 'no result was collected (all retained, or V8 never collected)').to.be.at.least(
      10,
    );
    const retained = collected.slice(0, newest - 2).filter((gone) => !gone).length;
    expect(retained, 'results retained').to.equal(0);
    expect(refs.at(-1)!.deref()).to.equal(el.result);
  });

  it('a lost WebGL context fails the run with backend-unavailable; the next run gets a fresh worker', async () => {
    const el = makeElement({ src: SMALL, backend: 'webgl', steps: '200', 'batch-size': '1' });
    const recorder = record(el);
    const started = workers.instances.length;
    let lost: Promise<boolean> | null = null;
    el.addEventListener('ig-progress', () => (lost ??= loseWorkerContext()), { once: true });
    const error = await rejection(el.explain());
    expect(await lost).to.equal(true);
    expect(isIgError(error) && error.code).to.equal('backend-unavailable');
    expect((error as Error).message).to.match(
      /WebGL context .* was lost.*run the explanation again/,
    );
    await el.updateComplete;
    expect(el.status).to.equal('error');
    expect(el.result).to.equal(null);
    const errors = recorder.events.filter((e) => e.type === 'ig-error');
    expect(errors.map((e) => (e.detail as ErrorDetail).code)).to.deep.equal([
      'backend-unavailable',
    ]);
    expect(recorder.events.some((e) => e.type === 'ig-complete')).to.equal(false);
    // The next run works, on WebGL again, in a new worker.
    el.steps = 4;
    const result = await el.explain();
    expect(result.backend).to.equal('webgl');
    expect(result.thread).to.equal('worker');
    expect(workers.instances.length).to.equal(started + 1);
    recorder.stop();
  });

  it('a batch too large for memory gives out-of-memory at once, not a hung tab; auto works', async () => {
    const el = makeElement({
      src: SMALL,
      'model-url': modelUrl('tiny-graph'),
      backend: 'webgl',
      steps: '4096',
      'batch-size': '4096',
    });
    const recorder = record(el);
    const start = performance.now();
    const error = await rejection(el.explain());
    expect(performance.now() - start).to.be.below(30000);
    expect(isIgError(error) && error.code).to.equal('out-of-memory');
    expect((error as IgError).attribute).to.equal('batch-size');
    // 32x32 inputs: 1 GiB / (32 * 32 * 3 * 4 * 64) = 1365 points fit.
    expect((error as Error).message).to.contain('set batch-size to 1365 or less, or to "auto"');
    expect(el.result).to.equal(null);
    expect(recorder.events.some((e) => e.type === 'ig-complete')).to.equal(false);
    expect(
      recorder.events
        .filter((e) => e.type === 'ig-error')
        .map((e) => (e.detail as ErrorDetail).code),
    ).to.deep.equal(['out-of-memory']);
    // A batch within the budget, and auto, run.
    el.steps = 16;
    el.batchSize = 1365;
    expect((await el.explain()).steps).to.equal(16);
    el.batchSize = 'auto';
    expect((await el.explain()).steps).to.equal(16);
    await waitUntil(() => el.status === 'done');
    recorder.stop();
  });

  it('batch-size auto stays within the memory budget for every input size and backend', () => {
    for (const backend of ['webgl', 'wasm', 'cpu'] as const) {
      for (const side of [8, 24, 32, 64, 128, 224, 299, 384, 512, 1024, 4096]) {
        const batch = autoBatchSize(backend, side, side);
        expect(batch, `${backend} ${side}`).to.be.at.least(1);
        expect(
          () => checkBatchMemory(batch, 4097, side, side),
          `${backend} ${side}`,
        ).not.to.throw();
      }
    }
    expect(() => checkBatchMemory(4096, 4097, 224, 224)).to.throw(/batch-size/);
    // A batch of one is never refused: nothing smaller could be asked for.
    expect(() => checkBatchMemory(1, 4097, 4096, 4096)).not.to.throw();
    expect(BATCH_MEMORY_BUDGET).to.equal(2 ** 30);
  });
});
