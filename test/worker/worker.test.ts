// The worker runtime end to end in Chromium: real module workers, real fixture models, the
// WebGL backend on an OffscreenCanvas, and the fallbacks.
import { webglRenderer } from '../../src/worker/backend.js';
import { expect } from '@open-wc/testing';
import { explain, runtimeThread, terminateWorker } from '../../src/client/explain-client.js';
import { setWorkerTestFlags, workerMemory } from '../worker-entry/hooks.js';
import type {
  IgModelLoadDetail,
  IgPrediction,
  IgProgressDetail,
  IgResult,
} from '../../src/shared/types.js';
import { isIgError } from '../../src/shared/types.js';
import {
  modelUrl,
  request,
  requestCount,
  testImageUrl,
  testOrigins,
  uncachedModelUrl,
} from './helpers.js';

const never = () => new AbortController().signal;

/** Counts `new Worker(...)` calls (and their URLs) while installed. */
function spyOnWorkers(): { urls: string[]; instances: Worker[]; restore(): void } {
  const Original = window.Worker;
  const urls: string[] = [];
  const instances: Worker[] = [];
  window.Worker = class extends Original {
    constructor(url: string | URL, options?: WorkerOptions) {
      urls.push(String(url));
      super(url, options);
      instances.push(this);
    }
  };
  return { urls, instances, restore: () => (window.Worker = Original) };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const renderer = webglRenderer();
/** What `backend="auto"` picks on this machine. */
const AUTO_BACKEND = renderer !== null && /swiftshader|llvmpipe/i.test(renderer) ? 'wasm' : 'webgl';
describe('worker runtime', function () {
  this.timeout(60000);
  let image: string;

  before(async () => {
    image = await testImageUrl();
    terminateWorker();
  });
  afterEach(() => setWorkerTestFlags({}));
  after(() => terminateWorker());

  // First: the worker starts here, so the spy sees every worker this page creates.
  it('serves two concurrent explanations from one worker and one model load', async () => {
    const workers = spyOnWorkers();
    const { static: origin } = await testOrigins();
    const url = uncachedModelUrl('tiny-graph-10', origin);
    const path = '/test/fixtures/models/tiny-graph-10/model.json';
    const before = await requestCount(path);
    try {
      const loads: IgModelLoadDetail[] = [];
      const [a, b] = await Promise.all([
        explain(
          request({ image, modelUrls: [url], steps: 2 }),
          { onModelLoad: (d) => loads.push(d) },
          never(),
        ),
        explain(
          request({ image, modelUrls: [url], steps: 3, baseline: 'white' }),
          { onModelLoad: (d) => loads.push(d) },
          never(),
        ),
      ]);
      expect(workers.urls).to.have.length(1);
      expect((await requestCount(path)) - before).to.equal(1);
      expect(a.thread).to.equal('worker');
      expect(b.thread).to.equal('worker');
      // `auto`: WebGL on a GPU, WASM where WebGL renders in software (SwiftShader here).
      expect(a.backend).to.equal(AUTO_BACKEND);
      expect(a.path.alphas).to.have.length(3);
      expect(b.path.alphas).to.have.length(4);
      expect(b.baseline).to.equal('white');
      expect(loads).to.have.length(2);
      expect(loads[0].fromCache).to.equal(false);
    } finally {
      workers.restore();
    }
  });

  it('explains with a TF Hub-signature graph model on WebGL in the worker', async () => {
    const loads: IgModelLoadDetail[] = [];
    const predictions: IgPrediction[][] = [];
    const progress: IgProgressDetail[] = [];
    const result = await explain(
      request({ image, steps: 6, batchSize: 4, backend: 'webgl' }),
      {
        onModelLoad: (d) => loads.push(d),
        onPrediction: (d) => predictions.push(d.predictions),
        onProgress: (d) => progress.push(d),
      },
      never(),
    );
    expect(runtimeThread()).to.equal('worker');
    expect(result.backend).to.equal('webgl');
    expect(result.thread).to.equal('worker');
    expect(loads).to.have.length(1);
    expect(loads[0]).to.include({
      modelUrl: modelUrl('tiny-graph'),
      backend: 'webgl',
      thread: 'worker',
      numClasses: 1001,
    });
    expect(loads[0].inputShape).to.deep.equal([-1, 32, 32, 3]);
    expect(result.shape).to.deep.equal([32, 32, 3]);
    expect(result.attributions).to.be.instanceOf(Float32Array);
    expect(result.attributions.length).to.equal(32 * 32 * 3);
    // Built-in labels: background first for 1001 outputs, then ImageNet's.
    expect(predictions).to.have.length(1);
    expect(predictions[0]).to.have.length(3);
    expect(result.target.index).to.equal(predictions[0][0].index);
    expect(result.target.label).to.equal(predictions[0][0].label);
    // Trapezoid: steps + 1 points, in two batches of at most 4.
    expect(progress.map((p) => p.stepsDone)).to.deep.equal([4, 7]);
    // The last report's path (the points so far) is the whole path of the result.
    expect(progress.at(-1)).to.deep.equal({
      stepsDone: 7,
      stepsTotal: 7,
      fraction: 1,
      path: result.path,
    });
    const sum = result.attributions.reduce((a, b) => a + b, 0);
    expect(sum).to.be.closeTo(result.sum, 1e-4 * Math.max(1, Math.abs(sum)));
    expect(result.delta).to.be.closeTo(
      Math.abs(result.sum - (result.scoreInput - result.scoreBaseline)),
      1e-7,
    );
    result.path.alphas.forEach((alpha, i) => expect(alpha).to.be.closeTo(i / 6, 1e-6));
    expect(result.timings.totalMs).to.be.greaterThan(0);
    expect((await workerMemory()).backend).to.equal('webgl');
  });

  it('explains with a layers model, with labels from labels-url', async () => {
    const result = await explain(
      request({
        image,
        modelUrls: [modelUrl('tiny-layers')],
        steps: 3,
        method: 'riemann-middle',
        backend: 'webgl',
      }),
      {},
      never(),
    );
    expect(result.backend).to.equal('webgl');
    expect(result.thread).to.equal('worker');
    expect(result.shape).to.deep.equal([32, 32, 3]);
    expect(result.path.alphas).to.have.length(3);
    expect(result.target.label).to.equal(`class ${result.target.index}`);

    let labels: IgPrediction[] = [];
    const labelled = await explain(
      request({
        image,
        modelUrls: [modelUrl('tiny-graph-10')],
        labelsUrl: '/test/fixtures/models/tiny-graph-10/labels.json',
        target: 'cat',
        steps: 2,
      }),
      { onPrediction: (d) => (labels = d.predictions) },
      never(),
    );
    expect(labelled.target).to.deep.equal({ index: 2, label: 'cat' });
    expect(labels.every((p) => typeof p.label === 'string' && !p.label.startsWith('class'))).to.be
      .true;
  });

  it('cancels mid-run: rejects with aborted, sends nothing more, frees its tensors', async () => {
    // Warm: the model is loaded, so the tensor count below includes its weights.
    await explain(request({ image, steps: 1 }), {}, never());
    const before = (await workerMemory()).numTensors;
    const controller = new AbortController();
    const progress: IgProgressDetail[] = [];
    const running = explain(
      request({ image, steps: 40, batchSize: 2 }),
      {
        onProgress: (d) => {
          progress.push(d);
          if (progress.length === 2) controller.abort();
        },
      },
      controller.signal,
    );
    const error = await rejection(running);
    expect(isIgError(error) && error.code).to.equal('aborted');
    expect(progress).to.have.length(2);
    expect(progress[1].stepsDone).to.be.lessThan(41);
    // The worker stops at the next batch: the count comes back, and no progress arrives later.
    let after = -1;
    for (let i = 0; i < 50 && after !== before; i++) {
      await new Promise((done) => setTimeout(done, 50));
      after = (await workerMemory()).numTensors;
    }
    expect(after).to.equal(before);
    expect(progress).to.have.length(2);
    // The worker still works.
    const next = await explain(request({ image, steps: 1 }), {}, never());
    expect(next.path.alphas).to.have.length(2);
    expect((await workerMemory()).numTensors).to.equal(before);
  });

  it('a signal aborted before the call rejects at once', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(explain(request({ image }), {}, controller.signal));
    expect(isIgError(error) && error.code).to.equal('aborted');
  });

  it('loads a model of 8 weight shards from a plain HTTP/1.1 server', async () => {
    const { static: origin } = await testOrigins();
    const url = uncachedModelUrl('sharded-8', origin);
    const fractions: number[] = [];
    const loads: IgModelLoadDetail[] = [];
    const result = await explain(
      request({ image, modelUrls: [url], steps: 1 }),
      { onModelProgress: (d) => fractions.push(d.fraction), onModelLoad: (d) => loads.push(d) },
      never(),
    );
    expect(loads[0]).to.include({ numClasses: 1001, fromCache: false });
    expect(result.shape).to.deep.equal([32, 32, 3]);
    for (let shard = 1; shard <= 8; shard++) {
      const path = `/test/fixtures/models/sharded-8/group1-shard${shard}of8.bin`;
      expect(await requestCount(path), path).to.be.greaterThan(0);
    }
    expect(fractions.length).to.be.greaterThan(2);
    expect(fractions.at(-1)).to.equal(1);
    for (let i = 1; i < fractions.length; i++) {
      expect(fractions[i]).to.be.at.least(fractions[i - 1]);
    }
  });

  it('honours an explicit backend', async () => {
    const result = await explain(request({ image, steps: 1, backend: 'cpu' }), {}, never());
    expect(result.backend).to.equal('cpu');
    expect(result.thread).to.equal('worker');
  });

  it('reports model errors with what the server answered', async () => {
    const error = await rejection(
      explain(
        request({ image, modelUrls: ['/test/fixtures/models/nope/model.json'] }),
        {},
        never(),
      ),
    );
    expect(isIgError(error) && error.code).to.equal('model-load');
    expect((error as Error).message).to.contain('404');
    expect((error as Error).message).to.contain('self-host');
  });

  it('fails the requests of a crashed worker with worker-failed and starts a new one', async () => {
    const workers = spyOnWorkers();
    terminateWorker();
    try {
      const controller = new AbortController();
      let crashed: Promise<unknown> | null = null;
      const running = explain(
        request({ image, steps: 30, batchSize: 1, backend: 'cpu' }),
        {
          onProgress: () => {
            // What the browser dispatches when a worker throws or dies.
            crashed ??= Promise.resolve().then(() =>
              workers.instances[0].dispatchEvent(new ErrorEvent('error', { message: 'boom' })),
            );
          },
        },
        controller.signal,
      );
      const error = await rejection(running);
      expect(isIgError(error) && error.code).to.equal('worker-failed');
      expect((error as Error).message).to.contain('boom');
      const next = await explain(request({ image, steps: 1, backend: 'cpu' }), {}, never());
      expect(next.thread).to.equal('worker');
      expect(workers.urls).to.have.length(2);
    } finally {
      workers.restore();
    }
  });

  it('serves a second load of the same URL from IndexedDB (fromCache)', async () => {
    const { static: origin } = await testOrigins();
    const url = uncachedModelUrl('tiny-layers', origin);
    const path = '/test/fixtures/models/tiny-layers/group1-shard1of1.bin';
    const first: IgModelLoadDetail[] = [];
    await explain(
      request({ image, modelUrls: [url], steps: 1 }),
      { onModelLoad: (d) => first.push(d) },
      never(),
    );
    expect(first[0].fromCache).to.equal(false);
    const fetched = await requestCount(path);
    terminateWorker(); // drops the in-memory model
    const second: IgModelLoadDetail[] = [];
    const result = await explain(
      request({ image, modelUrls: [url], steps: 1, backend: 'cpu' }),
      { onModelLoad: (d) => second.push(d) },
      never(),
    );
    expect(second[0].fromCache).to.equal(true);
    expect(second[0].modelUrl).to.equal(url);
    expect(await requestCount(path)).to.equal(fetched);
    expect(result.shape).to.deep.equal([32, 32, 3]);
  });

  it('falls back to WASM or CPU in the worker when OffscreenCanvas has no WebGL', async () => {
    terminateWorker();
    setWorkerTestFlags({ noWebgl: true });
    const loads: IgModelLoadDetail[] = [];
    const result = await explain(
      request({ image, steps: 1 }),
      { onModelLoad: (d) => loads.push(d) },
      never(),
    );
    expect(['wasm', 'cpu']).to.include(result.backend);
    expect(result.thread).to.equal('worker');
    expect(loads[0].backend).to.equal(result.backend);
    expect(loads[0].thread).to.equal('worker');
    expect((await workerMemory()).backend).to.equal(result.backend);

    const refused = await rejection(
      explain(request({ image, steps: 1, backend: 'webgl' }), {}, never()),
    );
    expect(isIgError(refused) && refused.code).to.equal('backend-unavailable');
    expect((refused as Error).message).to.match(/webgl/i);
    terminateWorker();
  });

  it('runs on the main thread, with a warning, when Worker is missing', async () => {
    terminateWorker();
    const OriginalWorker = window.Worker;
    const warnings: unknown[][] = [];
    const originalWarn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    let result: IgResult;
    const loads: IgModelLoadDetail[] = [];
    try {
      delete (window as { Worker?: unknown }).Worker;
      result = await explain(
        request({ image, steps: 2, backend: 'cpu' }),
        { onModelLoad: (d) => loads.push(d) },
        never(),
      );
    } finally {
      window.Worker = OriginalWorker;
      console.warn = originalWarn;
    }
    expect(runtimeThread()).to.equal('main');
    expect(result.thread).to.equal('main');
    expect(loads[0].thread).to.equal('main');
    expect(warnings.some((w) => /main thread/.test(String(w[0])))).to.be.true;
    expect(result.attributions.length).to.equal(32 * 32 * 3);
    terminateWorker();
  });

  it('starts the worker from a blob URL when the script comes from another origin', async () => {
    const { proxy, static: models } = await testOrigins();
    const client = (await import(
      /* @vite-ignore */ `${proxy}/src/client/explain-client.ts`
    )) as typeof import('../../src/client/explain-client.js');
    // That module's pool (workers 'auto' by default) starts one worker per share: a fixed-sum run
    // of `steps` points is split across min(pool size, steps) workers.
    const pool = (await import(
      /* @vite-ignore */ `${proxy}/src/client/worker-pool.ts`
    )) as typeof import('../../src/client/worker-pool.js');
    const workers = spyOnWorkers();
    try {
      const input = request({
        image,
        modelUrls: [modelUrl('tiny-graph-10', models)],
        steps: 2,
        backend: 'cpu',
      });
      const result = await client.explain(input, {}, never());
      expect(result.thread).to.equal('worker');
      expect(result.shape).to.deep.equal([24, 24, 3]);
      expect(workers.urls).to.have.length(Math.min(pool.poolSize(), input.steps));
      for (const url of workers.urls) expect(url).to.match(/^blob:/);
    } finally {
      workers.restore();
      client.terminateWorker();
    }
  });
});
