// The adaptive rule on every worker of the pool (issue 16): the run stays on one worker, which
// sends part of each round's path points to the others and adds what they send back. A user sees
// one worker's explanation, sooner; the second worker says how many points it evaluated.
import { expect, waitUntil } from '@open-wc/testing';
import { explain, terminateWorker, type ExplainInput } from '../../src/client/explain-client.js';
import '../../src/ig-explainer.js';
import { IgExplainer } from '../../src/index.js';
import type { IgProgressDetail, IgResult } from '../../src/shared/types.js';
import {
  allWorkerMemory,
  assistedReplies,
  crashWorker,
  liveWorkerCount,
  startedWorkerCount,
} from '../worker-entry/hooks.js';
import { request } from './helpers.js';
import { relativeDifference } from './compare.js';

const never = () => new AbortController().signal;
const SHAPES = new URL('../../demo/models/shapes/', import.meta.url).href;
const STAR = new URL('../fixtures/shapes/star-1.png', import.meta.url).href;

/** An adaptive run of the shapes model that takes several rounds of points. */
const adaptive = (overrides: Partial<Omit<ExplainInput, 'image'>> = {}) =>
  request({
    image: STAR,
    modelUrls: [`${SHAPES}model.json`],
    labelsUrl: `${SHAPES}labels.json`,
    method: 'adaptive',
    steps: 64,
    tolerance: 0.005,
    batchSize: 4,
    ...overrides,
  });

async function withWorkers(
  count: number,
  input: ExplainInput,
  onProgress?: (d: IgProgressDetail) => void,
): Promise<IgResult> {
  IgExplainer.workers = count;
  return explain(input, { onProgress }, never());
}

/**
 * The points helpers evaluated in the `runs` runs since `before` replies: each helper replies
 * once its run has said it is done, just after the run's result reaches the page.
 */
async function helperPoints(before: number, runs = 1): Promise<number> {
  await waitUntil(() => assistedReplies().length >= before + runs, 'no assisted reply', {
    timeout: 10000,
  });
  return assistedReplies()
    .slice(before)
    .reduce((n, reply) => n + reply.points, 0);
}

function expectSameRun(two: IgResult, one: IgResult): void {
  expect(two.method).to.equal('adaptive');
  expect(two.path.alphas).to.deep.equal(one.path.alphas);
  expect(two.evaluations).to.equal(one.evaluations);
  expect(two.steps).to.equal(one.steps);
  expect(two.target).to.deep.equal(one.target);
  expect(relativeDifference(one.attributions, two.attributions)).to.be.below(1e-5);
  expect(two.sum).to.be.closeTo(one.sum, 1e-5 * Math.abs(one.sum) + 1e-7);
  expect(two.delta).to.be.closeTo(one.delta, 1e-5 * Math.abs(one.sum) + 1e-7);
}

describe('worker pool: the adaptive rule on every worker', function () {
  this.timeout(240000);

  before(async () => {
    terminateWorker();
    // Both workers started and holding the model, as on a page that explained once already.
    const before = assistedReplies().length;
    await withWorkers(2, adaptive());
    await helperPoints(before);
    await allWorkerMemory();
  });
  afterEach(() => {
    IgExplainer.workers = 1;
  });
  after(() => terminateWorker());

  it("gives one worker's run, with the second worker evaluating part of its points", async () => {
    const one = await withWorkers(1, adaptive());
    expect(one.evaluations).to.be.above(10);
    const before = assistedReplies().length;
    const progress: IgProgressDetail[] = [];
    const two = await withWorkers(2, adaptive(), (d) => progress.push(d));
    expect(liveWorkerCount()).to.equal(2);
    expectSameRun(two, one);
    // The helper took part of the points: in each round the smaller part of an even split, or,
    // when it had no share, at most as many points ahead as the run evaluated itself (so never
    // more points in all than the run has).
    const helped = await helperPoints(before);
    expect(assistedReplies().slice(before)).to.have.length(1);
    expect(helped).to.be.above(0);
    expect(helped).to.be.at.most(one.evaluations!);
    // Progress counts every point, the helper's too, and never goes back.
    const done = progress.map((p) => p.stepsDone);
    expect(done).to.deep.equal([...done].sort((a, b) => a - b));
    expect(done.at(-1)).to.equal(one.evaluations);
    expect(progress.some((p) => p.partial)).to.equal(true);
  });

  it('averages noisy copies as one worker does (the helper rebuilds each copy)', async () => {
    const input = () => adaptive({ noiseSamples: 2, seed: 7, tolerance: 0.02 });
    const one = await withWorkers(1, input());
    const before = assistedReplies().length;
    const two = await withWorkers(2, input());
    expectSameRun(two, one);
    expect(two.scoreInput).to.be.closeTo(one.scoreInput, 1e-6);
    expect(await helperPoints(before)).to.be.above(0);
  });

  it('leaves no tensor behind in either worker, after runs and a cancelled run', async () => {
    IgExplainer.workers = 2;
    // A helper may still be finishing a batch of points it was evaluating ahead when a run
    // ends (the run does not wait for points it never asked for); it replies once it has freed
    // the run's image, baselines and path. So the memory before is read after its reply, and
    // the memory after once it matches (10 s at most): a tensor left for good fails below.
    const replies = assistedReplies().length;
    await explain(adaptive(), {}, never());
    await helperPoints(replies);
    const before = await allWorkerMemory();
    await explain(adaptive(), {}, never());
    const controller = new AbortController();
    const cancelled = explain(
      adaptive(),
      { onProgress: (d) => d.stepsDone >= 6 && controller.abort() },
      controller.signal,
    );
    const error = await cancelled.catch((e: unknown) => e);
    expect((error as { code?: string }).code).to.equal('aborted');
    await explain(adaptive(), {}, never());
    const same = (memory: { numTensors: number }[]) =>
      memory.every((m, i) => m.numTensors === before[i].numTensors);
    await waitUntil(async () => same(await allWorkerMemory()), 'tensors left', {
      timeout: 10000,
    }).catch(() => {});
    const after = await allWorkerMemory();
    expect(after.map((m) => m.numTensors)).to.deep.equal(before.map((m) => m.numTensors));
    expect(after.map((m) => m.numBytes)).to.deep.equal(before.map((m) => m.numBytes));
  });

  it('finishes the run itself when its helper dies mid-run', async () => {
    const one = await withWorkers(1, adaptive());
    IgExplainer.workers = 2;
    await explain(adaptive(), {}, never());
    const startedBefore = startedWorkerCount();
    let crashed = false;
    const two = await withWorkers(2, adaptive(), (d) => {
      if (!crashed && d.stepsDone >= 7) {
        crashed = true;
        crashWorker(1);
      }
    });
    expect(crashed).to.equal(true);
    expectSameRun(two, one);
    // The next run starts a fresh helper; a cold one is still loading while these short runs
    // end, so within a few runs (not at once) it evaluates points again.
    const before = assistedReplies().length;
    let runs = 0;
    let helped = 0;
    while (helped === 0 && runs < 6) {
      expectSameRun(await withWorkers(2, adaptive()), one);
      runs += 1;
      helped = await helperPoints(before, runs);
    }
    expect(startedWorkerCount() - startedBefore).to.equal(1);
    expect(helped).to.be.above(0);
  });
});
