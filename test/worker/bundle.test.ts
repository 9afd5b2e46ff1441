// The shipped worker chunk (dist/, built by `npm run build`, as `npm test` does first), started
// from another origin through a blob URL as the client does, on WASM: the binaries must be
// found next to the bundle.
import { expect } from '@open-wc/testing';
import type { ExplainRequest, WorkerMessage } from '../../src/shared/protocol.js';
import { modelUrl, testImageUrl, testOrigins } from './helpers.js';
import { defaultRequestOptions } from '../request-defaults.js';

describe('bundled worker', function () {
  this.timeout(60000);

  it('explains on WASM with the binaries next to dist/ig-explainer-worker.js', async () => {
    const { static: origin } = await testOrigins();
    const entry = `${origin}/dist/ig-explainer-worker.js`;
    const head = await fetch(entry, { method: 'HEAD' });
    expect(head.ok, `${entry}: run npm run build before this test`).to.be.true;
    const source = URL.createObjectURL(
      new Blob([`import ${JSON.stringify(entry)};`], { type: 'text/javascript' }),
    );
    const worker = new Worker(source, { type: 'module', name: `ig-explainer ${entry}` });
    try {
      const image = await createImageBitmap(await (await fetch(await testImageUrl())).blob());
      const request: ExplainRequest = {
        ...defaultRequestOptions(),
        modelUrls: [modelUrl('tiny-graph-10', origin)],
        image,
        baseline: 'black',
        baselineName: 'black',
        steps: 2,
        backend: 'wasm',
        topK: 3,
      };
      const messages: WorkerMessage[] = [];
      const done = new Promise<WorkerMessage>((resolve, reject) => {
        worker.addEventListener('message', (event: MessageEvent<WorkerMessage>) => {
          messages.push(event.data);
          if (event.data.type === 'result' || event.data.type === 'error') resolve(event.data);
        });
        worker.addEventListener('error', (event) => reject(new Error(event.message)));
      });
      worker.postMessage({ type: 'explain', id: 1, request }, [image]);
      const last = await done;
      expect(last.type, JSON.stringify(last)).to.equal('result');
      if (last.type !== 'result') return;
      expect(last.result.backend).to.equal('wasm');
      expect(last.result.thread).to.equal('worker');
      expect(last.result.shape).to.deep.equal([24, 24, 3]);
      expect(messages.map((m) => m.type)).to.include.members([
        'model-load',
        'prediction',
        'progress',
      ]);
    } finally {
      worker.terminate();
      URL.revokeObjectURL(source);
    }
  });
});
