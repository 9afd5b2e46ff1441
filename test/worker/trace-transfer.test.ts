// What the worker sends back for one explanation of the shipped shapes model at the default steps:
// without the `path` view the result message holds no path trace (result.pathTrace) and transfers
// only the attributions; with `pathTrace` asked for (the element asks when `view` lists `path`) it
// holds the trace and transfers its buffers. Logs the bytes of each (docs/methods.md quotes them).
import { expect } from '@open-wc/testing';
import { sharesFor } from '../../src/client/worker-pool.js';
import { pageOptions } from '../../src/shared/page-options.js';
import { DEFAULT_STEPS } from '../../src/shared/defaults.js';
import type { ClientMessage, ExplainRequest, WorkerMessage } from '../../src/shared/protocol.js';
import type { IgResult } from '../../src/shared/types.js';
import { serve, type Endpoint } from '../../src/worker/serve.js';
import { defaultRequestOptions } from '../request-defaults.js';
import { SHAPES_IMAGE, SHAPES_LABELS, SHAPES_MODEL, bytesOf } from '../saved/helpers.js';

interface Sent {
  result: IgResult;
  transfer: Transferable[];
}

/** serve() on this thread, as the worker runs it, with the messages it posts kept. */
async function resultMessage(overrides: Partial<ExplainRequest>): Promise<Sent> {
  let listener: ((event: MessageEvent<ClientMessage>) => void) | null = null;
  let settle: (sent: Sent) => void = () => {};
  let fail: (error: Error) => void = () => {};
  const sent = new Promise<Sent>((resolve, reject) => ([settle, fail] = [resolve, reject]));
  const endpoint: Endpoint = {
    postMessage(message: WorkerMessage, transfer: Transferable[]) {
      if (message.type === 'result') settle({ result: message.result, transfer });
      if (message.type === 'error') fail(new Error(`${message.code}: ${message.message}`));
    },
    addEventListener: (_type, added) => (listener = added),
  };
  const stop = serve(endpoint, { thread: 'main', entryUrl: location.href });
  try {
    const request: ExplainRequest = {
      ...defaultRequestOptions(),
      modelUrls: [SHAPES_MODEL],
      labelsUrl: SHAPES_LABELS,
      image: await createImageBitmap(new Blob([await bytesOf(SHAPES_IMAGE)])),
      baseline: 'black',
      baselineName: 'black',
      backend: 'cpu',
      topK: 3,
      ...overrides,
    };
    listener!(new MessageEvent('message', { data: { type: 'explain', id: 1, request } }));
    return await sent;
  } finally {
    stop();
  }
}

const bytes = (transfer: Transferable[]) =>
  transfer.reduce<number>((sum, t) => sum + (t as ArrayBuffer).byteLength, 0);

describe('the result message and the path trace (shapes model, default steps)', function () {
  this.timeout(120000);

  it('holds no trace and transfers only the attributions unless the path view asks for it', async () => {
    const plain = await resultMessage({});
    expect(plain.result.steps).to.equal(DEFAULT_STEPS);
    expect(plain.result.pathTrace).to.equal(undefined);
    expect(plain.transfer).to.deep.equal([plain.result.attributions.buffer]);
    const attributionBytes = 64 * 64 * 3 * 4;
    expect(bytes(plain.transfer)).to.equal(attributionBytes);

    const traced = await resultMessage({ pathTrace: true });
    const trace = traced.result.pathTrace!;
    // 64x64x3 fits the trace's budget at every one of the 51 points.
    expect(trace.points).to.deep.equal(traced.result.path.alphas.map((_, i) => i));
    expect(trace.points).to.have.length(DEFAULT_STEPS + 1);
    expect(traced.transfer).to.have.length(1 + trace.points.length);
    for (const snapshot of trace.attributions) expect(traced.transfer).to.include(snapshot.buffer);
    expect(bytes(traced.transfer)).to.equal(attributionBytes * (2 + DEFAULT_STEPS));
    // The same explanation either way: the trace only adds to it.
    expect(Array.from(traced.result.attributions)).to.deep.equal(
      Array.from(plain.result.attributions),
    );
    const { pathTrace: _, attributions: _a, timings: _t, ...rest } = traced.result;
    const { attributions: _b, timings: _u, ...plainRest } = plain.result;
    expect(rest).to.deep.equal(plainRest);
    console.log(
      `shapes model, ${DEFAULT_STEPS} steps, result message transfers: ` +
        `${bytes(plain.transfer)} bytes without the path view, ` +
        `${bytes(traced.transfer)} bytes with it (on main before this change: every run)`,
    );
  });

  it('is never split across a worker pool: the trace is a running sum over the whole path', () => {
    const workers = pageOptions.workers;
    pageOptions.workers = 2;
    try {
      const request = { ...defaultRequestOptions(), topK: 3, baselineName: 'black' };
      expect(sharesFor(request)).to.equal(2);
      expect(sharesFor({ ...request, pathTrace: true })).to.equal(1);
    } finally {
      pageOptions.workers = workers;
    }
  });
});
