// The worker pool (issue 16) end to end in Chromium: one explanation's path points split across
// real module workers, the same attributions as one worker, a crashed worker replaced, every
// element of the page on the same pool, and no tensor left behind in any worker.
import { expect, fixture, html } from '@open-wc/testing';
import { explain, terminateWorker } from '../../src/client/explain-client.js';
import '../../src/ig-explainer.js';
import { IgExplainer } from '../../src/index.js';
import type { IgProgressDetail, IgResult } from '../../src/shared/types.js';
import {
  allWorkerMemory,
  crashWorker,
  liveWorkerCount,
  startedWorkerCount,
  workerErrors,
} from '../worker-entry/hooks.js';
import { modelUrl, request, testImageUrl } from './helpers.js';
import { relativeDifference } from './compare.js';
import type { ExplainInput } from '../../src/client/explain-client.js';

const never = () => new AbortController().signal;
const SHAPES = new URL('../../demo/models/shapes/', import.meta.url).href;
const SHAPE_IMAGE = new URL('../fixtures/shapes/star-1.png', import.meta.url).href;

async function withWorkers(count: number, input: ExplainInput): Promise<IgResult> {
  IgExplainer.workers = count;
  return explain(input, {}, never());
}

describe('worker pool', function () {
  this.timeout(180000);
  let image: string;

  // A second worker whose script has not loaded when the first is done has its share taken over
  // (pool-schedule.ts): a cold one never computes. So the pool is started first, and every
  // worker answers (its script loaded) before the cases below measure both.
  async function warmPool(model = modelUrl('tiny-graph')): Promise<void> {
    await withWorkers(2, request({ image, modelUrls: [model], steps: 2 }));
    await allWorkerMemory();
  }

  before(async () => {
    image = await testImageUrl();
    terminateWorker();
    await warmPool();
  });
  afterEach(() => {
    IgExplainer.workers = 1;
  });
  after(() => terminateWorker());

  const cases: [string, () => ExplainInput][] = [
    ['tiny-graph, trapezoid', () => request({ image, steps: 8 })],
    [
      'tiny-layers, riemann-middle, white baseline',
      () =>
        request({
          image,
          modelUrls: [modelUrl('tiny-layers')],
          steps: 7,
          method: 'riemann-middle',
          baseline: 'white',
        }),
    ],
    [
      'tiny-graph-10, gausslegendre, logit, batch 3',
      () =>
        request({
          image,
          modelUrls: [modelUrl('tiny-graph-10')],
          steps: 9,
          method: 'gausslegendre',
          output: 'logit',
          batchSize: 3,
        }),
    ],
    [
      'the shapes model, trapezoid, 32 steps',
      () =>
        request({
          image: SHAPE_IMAGE,
          modelUrls: [`${SHAPES}model.json`],
          labelsUrl: `${SHAPES}labels.json`,
          steps: 32,
        }),
    ],
  ];
  for (const [name, input] of cases) {
    it(`gives one worker's attributions with 2 workers: ${name}`, async () => {
      const one = await withWorkers(1, input());
      const progress: IgProgressDetail[] = [];
      IgExplainer.workers = 2;
      const two = await explain(input(), { onProgress: (d) => progress.push(d) }, never());
      expect(liveWorkerCount()).to.equal(2);
      expect(relativeDifference(one.attributions, two.attributions)).to.be.below(1e-5);
      expect(two.target).to.deep.equal(one.target);
      expect(two.steps).to.equal(one.steps);
      expect(two.scoreInput).to.be.closeTo(one.scoreInput, 1e-6 * Math.abs(one.scoreInput) + 1e-9);
      expect(two.scoreBaseline).to.be.closeTo(
        one.scoreBaseline,
        1e-6 * Math.abs(one.scoreBaseline) + 1e-9,
      );
      expect(two.sum).to.be.closeTo(one.sum, 1e-5 * Math.abs(one.sum) + 1e-7);
      expect(two.delta).to.be.closeTo(one.delta, 1e-5 * Math.abs(one.sum) + 1e-7);
      expect(two.path.alphas).to.deep.equal(one.path.alphas);
      // Progress is summed over the shares and ends at every point of the rule.
      const last = progress.at(-1)!;
      expect(last.stepsDone).to.equal(last.stepsTotal);
      expect(last.stepsTotal).to.equal(one.path.alphas.length);
      const done = progress.map((p) => p.stepsDone);
      expect(done).to.deep.equal([...done].sort((a, b) => a - b));
      // Every worker's tensors are back to what they were before any explanation ran there.
      const memories = await allWorkerMemory();
      expect(memories).to.have.length(2);
      const [first, second] = memories;
      expect(second.numTensors, 'the second worker holds only its model').to.equal(
        first.numTensors,
      );
    });
  }

  it('leaves no tensor behind in any worker across runs', async () => {
    IgExplainer.workers = 2;
    await explain(request({ image, steps: 6 }), {}, never());
    const before = await allWorkerMemory();
    for (let i = 0; i < 3; i++) await explain(request({ image, steps: 6 }), {}, never());
    const after = await allWorkerMemory();
    expect(after.map((m) => m.numTensors)).to.deep.equal(before.map((m) => m.numTensors));
    expect(after.map((m) => m.numBytes)).to.deep.equal(before.map((m) => m.numBytes));
  });

  it('replaces a worker that dies mid-run and re-runs its share', async () => {
    const one = await withWorkers(1, request({ image, steps: 40, batchSize: 1 }));
    IgExplainer.workers = 2;
    // Warm both workers (model loaded), so the crash lands while the path is computed.
    await explain(request({ image, steps: 4 }), {}, never());
    expect(liveWorkerCount()).to.equal(2);
    const startedBefore = startedWorkerCount();
    let crashed = false;
    const two = await explain(
      request({ image, steps: 40, batchSize: 1 }),
      {
        onProgress: (d) => {
          if (!crashed && d.stepsDone >= 4) {
            crashed = true;
            crashWorker(1);
          }
        },
      },
      never(),
    );
    expect(crashed).to.equal(true);
    // The crashed worker was replaced by exactly one fresh one.
    expect(startedWorkerCount() - startedBefore).to.equal(1);
    expect(liveWorkerCount()).to.equal(2);
    expect(relativeDifference(one.attributions, two.attributions)).to.be.below(1e-5);
  });

  // What it counts: the workers this test starts (after terminating every earlier one) and the
  // errors they report, not only who is alive at the end: a pool worker that died and had its
  // share re-run on slot 0 gives the right attributions with one worker left, and says why here.
  // The pool is warmed first (both scripts loaded), so both elements' runs reach both workers.
  it('serves two elements from the same pool', async () => {
    terminateWorker();
    const startedBefore = startedWorkerCount();
    const errorsBefore = workerErrors().length;
    const tiny = modelUrl('tiny-graph-10');
    await warmPool(tiny);
    IgExplainer.workers = 2;
    const [a, b] = await Promise.all(
      [0, 1].map(() =>
        fixture<IgExplainer>(html`
          <ig-explainer
            loading="manual"
            model-url=${tiny}
            src=${image}
            steps="6"
            backend="auto"
          ></ig-explainer>
        `),
      ),
    );
    const [ra, rb] = await Promise.all([a.explain(), b.explain()]);
    const errors = workerErrors().slice(errorsBefore);
    expect(errors, 'errors of the pool workers').to.deep.equal([]);
    expect(startedWorkerCount() - startedBefore, 'workers started for both elements').to.equal(2);
    expect(liveWorkerCount()).to.equal(2);
    expect(ra.thread).to.equal('worker');
    expect(rb.thread).to.equal('worker');
    expect(relativeDifference(ra.attributions, rb.attributions)).to.be.below(1e-6);
    // Both workers served: each holds the model (one load per worker, shared by both elements).
    const memories = await allWorkerMemory();
    expect(memories).to.have.length(2);
    expect(memories[0].numTensors).to.be.above(0);
    expect(memories[1].numTensors).to.equal(memories[0].numTensors);
  });
});
