// The controller's run bookkeeping, with a scripted explain() in place of the worker client.
import { expect } from '@open-wc/testing';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ExplainCallbacks, ExplainInput } from '../../src/client/explain-client.js';
import { ExplainController } from '../../src/element/explain-controller.js';
import { abortError, IgError, isIgError, type IgResult } from '../../src/shared/types.js';

interface Call {
  input: ExplainInput;
  callbacks: ExplainCallbacks;
  signal: AbortSignal;
  resolve(result: IgResult): void;
  reject(error: unknown): void;
}

/** A fake client that ignores abort (the worst case): the controller must still drop stale runs. */
function scripted() {
  const calls: Call[] = [];
  const explainFn = (input: ExplainInput, callbacks: ExplainCallbacks, signal: AbortSignal) =>
    new Promise<IgResult>((resolve, reject) =>
      calls.push({ input, callbacks, signal, resolve, reject }),
    );
  return { calls, explainFn };
}

function fakeHost(): ReactiveControllerHost & {
  updates: number;
  controllers: ReactiveController[];
} {
  return {
    updates: 0,
    controllers: [],
    addController(c) {
      this.controllers.push(c);
    },
    removeController() {},
    requestUpdate() {
      this.updates++;
    },
    updateComplete: Promise.resolve(true),
  };
}

function fakeResult(steps: number): IgResult {
  return { steps, target: { index: 0, label: 'a' } } as unknown as IgResult;
}

const INPUT = { steps: 8 } as unknown as ExplainInput;

describe('ExplainController', () => {
  it('walks the statuses and emits each event once, then the result', async () => {
    const { calls, explainFn } = scripted();
    const emitted: string[] = [];
    const controller = new ExplainController(fakeHost(), (type) => emitted.push(type), explainFn);
    const run = controller.run(INPUT);
    expect(controller.status).to.equal('loading-model');
    const { callbacks, resolve } = calls[0];
    callbacks.onModelProgress!({ fraction: 0.5 });
    expect(controller.modelFraction).to.equal(0.5);
    callbacks.onModelLoad!({} as never);
    expect(controller.status).to.equal('predicting');
    callbacks.onPrediction!({ predictions: [{ index: 1, label: 'b', probability: 0.9 }] });
    expect(controller.status).to.equal('attributing');
    callbacks.onProgress!({ stepsDone: 8, stepsTotal: 8, fraction: 1 });
    resolve(fakeResult(8));
    expect((await run).steps).to.equal(8);
    expect(controller.status).to.equal('done');
    expect(controller.running).to.equal(false);
    expect(emitted).to.deep.equal([
      'ig-model-progress',
      'ig-model-load',
      'ig-prediction',
      'ig-progress',
      'ig-complete',
    ]);
  });

  it('a new run aborts the previous one, whose late callbacks and result are dropped', async () => {
    const { calls, explainFn } = scripted();
    const emitted: Array<[string, unknown]> = [];
    const controller = new ExplainController(
      fakeHost(),
      (type, detail) => emitted.push([type, detail]),
      explainFn,
    );
    const first = controller.run(INPUT);
    const second = controller.run(INPUT);
    expect(calls[0].signal.aborted).to.equal(true);
    expect(calls[1].signal.aborted).to.equal(false);
    // The stale run keeps talking (a misbehaving client): nothing of it reaches state or events.
    calls[0].callbacks.onPrediction!({
      predictions: [{ index: 9, label: 'stale', probability: 1 }],
    });
    calls[0].resolve(fakeResult(1));
    let rejection: unknown;
    await first.catch((e: unknown) => (rejection = e));
    expect(isIgError(rejection) && rejection.code).to.equal('aborted');
    expect(controller.predictions).to.equal(null);
    expect(controller.result).to.equal(null);
    expect(emitted).to.deep.equal([]);
    calls[1].resolve(fakeResult(2));
    expect((await second).steps).to.equal(2);
    expect(emitted.map(([type]) => type)).to.deep.equal(['ig-complete']);
  });

  it('cancel() rejects with aborted, returns to idle and emits nothing; hostDisconnected cancels', async () => {
    const { calls, explainFn } = scripted();
    const emitted: string[] = [];
    const controller = new ExplainController(fakeHost(), (type) => emitted.push(type), explainFn);
    const run = controller.run(INPUT);
    controller.cancel();
    calls[0].reject(abortError());
    let rejection: unknown;
    await run.catch((e: unknown) => (rejection = e));
    expect(isIgError(rejection) && rejection.code).to.equal('aborted');
    expect(controller.status).to.equal('idle');
    const again = controller.run(INPUT);
    controller.hostDisconnected();
    expect(calls[1].signal.aborted).to.equal(true);
    await again.catch(() => {});
    expect(emitted).to.deep.equal([]);
  });

  it('a failed run shows the IgError and emits ig-error; unknown errors become worker-failed', async () => {
    const { calls, explainFn } = scripted();
    const emitted: Array<[string, unknown]> = [];
    const controller = new ExplainController(
      fakeHost(),
      (type, detail) => emitted.push([type, detail]),
      explainFn,
    );
    const run = controller.run(INPUT);
    calls[0].reject(new IgError('model-load', 'The model could not be fetched: check model-url.'));
    await run.catch(() => {});
    expect(controller.status).to.equal('error');
    expect(controller.error?.code).to.equal('model-load');
    expect(emitted).to.deep.equal([
      [
        'ig-error',
        { code: 'model-load', message: 'The model could not be fetched: check model-url.' },
      ],
    ]);
    const other = controller.run(INPUT);
    expect(controller.error).to.equal(null);
    calls[1].reject(new TypeError('boom'));
    let rejection: unknown;
    await other.catch((e: unknown) => (rejection = e));
    expect(isIgError(rejection) && rejection.code).to.equal('worker-failed');
    expect((rejection as Error).message).to.contain('boom');
  });
});
