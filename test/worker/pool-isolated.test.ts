// Where the page is cross-origin isolated (COOP + COEP: SharedArrayBuffer exists), the bundled
// worker's WASM backend takes TF.js's threaded SIMD build, served from dist/wasm/ beside the
// worker; the pool still splits the run, and the result is one worker's. The isolated page is a
// tab of its own (scripts/wtr-isolated-page.mjs); the bundle, model and image come from the CDN
// origin, whose request counts show which binary each worker fetched. A worker fetches its binary
// with its first share; on a cold page slot 0 may take over slot 1's share before slot 1's script
// has loaded (pool-schedule.ts), so the two-worker tab explains three times in a row, as a reader
// pressing Explain again does, and by the later runs both workers have run a share.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { requestCount, testOrigins } from './helpers.js';

interface IsolatedRun {
  crossOriginIsolated: boolean;
  results?: { backend: string; thread: string; sum: number; delta: number; steps: number }[];
  error?: string;
}

const THREADED = '/dist/wasm/tfjs-backend-wasm-threaded-simd.wasm';
const SIMD = '/dist/wasm/tfjs-backend-wasm-simd.wasm';

describe('a cross-origin isolated page', function () {
  this.timeout(180000);

  it('runs the bundled workers on the threaded SIMD WASM build, one worker or two', async () => {
    const { static: cdn } = await testOrigins();
    const run = async (workers: number, runs: number) => {
      const before = await Promise.all([requestCount(THREADED), requestCount(SIMD)]);
      const out = await executeServerCommand<IsolatedRun, unknown>('ig-isolated-explain', {
        script: `${cdn}/dist/ig-explainer.js`,
        workers,
        runs,
        attributes: {
          backend: 'wasm',
          steps: '8',
          src: `${cdn}/test/client/fixtures/gradient-8x6.png`,
          'model-url': `${cdn}/test/fixtures/models/tiny-graph-10/model.json`,
          'labels-url': `${cdn}/test/fixtures/models/tiny-graph-10/labels.json`,
        },
      });
      const after = await Promise.all([requestCount(THREADED), requestCount(SIMD)]);
      expect(out.error, 'the isolated page explained').to.equal(undefined);
      expect(out.crossOriginIsolated).to.equal(true);
      expect(out.results).to.have.length(runs);
      for (const result of out.results!) {
        expect(result.backend).to.equal('wasm');
        expect(result.thread).to.equal('worker');
      }
      return { results: out.results!, threaded: after[0] - before[0], simd: after[1] - before[1] };
    };
    const one = await run(1, 1);
    expect(one.threaded, 'threaded SIMD binary fetches by one worker').to.equal(1);
    expect(one.simd, 'plain SIMD binary fetches').to.equal(0);
    const sum = one.results[0].sum;
    const two = await run(2, 3);
    expect(two.threaded, 'threaded SIMD binary fetches by two workers').to.equal(2);
    expect(two.simd, 'plain SIMD binary fetches by two workers').to.equal(0);
    for (const result of two.results) {
      expect(result.sum).to.be.closeTo(sum, 1e-5 * Math.abs(sum) + 1e-7);
    }
  });
});
