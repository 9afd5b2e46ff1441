// method="adaptive" through the real worker: what a page gets back, and what it frees.
import { expect } from '@open-wc/testing';
import { explain, terminateWorker } from '../../src/client/explain-client.js';
import { workerMemory } from '../worker-entry/hooks.js';
import type { IgProgressDetail } from '../../src/shared/types.js';
import { request, testImageUrl } from './helpers.js';

const never = () => new AbortController().signal;

describe('the adaptive rule in the worker', function () {
  // WASM starts in the worker (its binary compiled) on the first run: minutes on a loaded machine.
  this.timeout(240000);
  let image: string;

  before(async () => {
    image = await testImageUrl();
  });

  after(() => {
    terminateWorker();
    URL.revokeObjectURL(image);
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`reports its gradient evaluations and forward probes, complete, on ${backend}`, async () => {
      const progress: IgProgressDetail[] = [];
      const run = request({ image, backend, method: 'adaptive', steps: 8, batchSize: 4 });
      // Warm, with the same request: the model is loaded and the backend has set up what it
      // keeps per shape, so the tensor count below includes those.
      await explain(run, {}, never());
      const before = (await workerMemory()).numTensors;
      const result = await explain(run, { onProgress: (p) => progress.push(p) }, never());
      expect(result.method).to.equal('adaptive');
      expect(result.steps).to.equal(8);
      // A trapezoid of 8 segments: 9 gradients, both ends included.
      expect(result.evaluations).to.equal(9);
      // No forward-only probes: every gradient evaluation's forward pass gives the score.
      expect(result.probes).to.equal(0);
      expect(result.path.alphas).to.have.length(9);
      result.path.alphas.forEach((a, i) => {
        expect(a).to.be.within(0, 1);
        if (i > 0) expect(a).to.be.above(result.path.alphas[i - 1]);
      });
      const sum = result.attributions.reduce((a, b) => a + b, 0);
      expect(sum).to.be.closeTo(result.sum, 1e-4 * Math.max(1, Math.abs(sum)));
      expect(result.delta).to.be.closeTo(
        Math.abs(result.sum - (result.scoreInput - result.scoreBaseline)),
        1e-7,
      );
      expect(progress.at(-1)!.stepsDone).to.equal(9);
      expect((await workerMemory()).numTensors).to.equal(before);
    });
  }

  it('stops at the first level within tolerance and counts every level it ran', async () => {
    const result = await explain(
      request({ image, backend: 'wasm', method: 'adaptive', steps: 64, tolerance: 0.5 }),
      {},
      never(),
    );
    const range = Math.abs(result.scoreInput - result.scoreBaseline);
    expect(result.delta).to.be.at.most(0.5 * range);
    // From 4 segments, cells halved a batch at a time up to the 64 of `steps`: the stop is at
    // the first grid within it, and every gradient of the coarser grids is one of its nodes.
    expect(result.steps).to.be.within(4, 64);
    expect(result.evaluations).to.equal(result.steps + 1);
    expect(result.path.alphas).to.have.length(result.steps + 1);
  });
});
