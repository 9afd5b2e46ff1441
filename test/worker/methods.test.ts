// The methods of issue 15 through the real worker: path, baseline list and SmoothGrad in the
// request, as the element will send them.
import { expect } from '@open-wc/testing';
import { explain, terminateWorker } from '../../src/client/explain-client.js';
import { workerMemory } from '../worker-entry/hooks.js';
import { PATHS } from '../../src/shared/paths.js';
import type { IgProgressDetail } from '../../src/shared/types.js';
import { request, testImageUrl } from './helpers.js';

const never = () => new AbortController().signal;

describe('worker runtime: methods', function () {
  this.timeout(120_000);
  let image: string;

  before(async () => {
    image = await testImageUrl();
  });
  after(() => terminateWorker());

  it('runs every path with a baseline list and SmoothGrad, repeatably, freeing its tensors', async () => {
    await explain(request({ image, steps: 1 }), {}, never());
    const before = (await workerMemory()).numTensors;
    for (const path of PATHS) {
      const progress: IgProgressDetail[] = [];
      const input = request({
        image,
        path,
        baselines: ['black', 'white'],
        noiseSamples: 2,
        steps: 4,
        seed: 7,
      });
      const result = await explain(input, { onProgress: (d) => progress.push(d) }, never());
      const again = await explain(input, {}, never());
      // Blur IG starts from the blurred image whatever the baselines; the others from each.
      const runs = path === 'blur' ? 2 : 4;
      expect(result.baselineScores, path).to.have.length(runs / 2);
      expect(progress[progress.length - 1].stepsTotal, path).to.equal(runs * 5);
      expect(progress[progress.length - 1].stepsDone, path).to.equal(runs * 5);
      expect(result.attributions.every(Number.isFinite), path).to.equal(true);
      expect(Array.from(again.attributions), path).to.deep.equal(Array.from(result.attributions));
      const total = result.attributions.reduce((s, a) => s + a, 0);
      expect(result.sum, path).to.be.closeTo(total, 1e-4 * (1 + Math.abs(total)));
      expect((await workerMemory()).numTensors, path).to.equal(before);
    }
  });
});
