// cancel() on a `loading="eager"` element, as a page calls it (issue 14): per API.md, cancel()
// stops the running explanation, its explain() promise rejects with `aborted`, and no event of
// it follows (never an ig-error for a cancel). Stopped means stopped: an eager element does not
// start the same inputs again by itself; a change of an input, re-adding the element or
// explain() does. cancel() is the page's last word: inputs changed just before it stay stopped too.
import { expect } from '@open-wc/testing';
import type { IgExplainer, IgResult } from '../../src/index.js';
import { record, settle, sleep, testImage } from '../element/helpers.js';
import { igError, isolatedSuite, makeElement, rejection } from './helpers.js';

const IMAGE = testImage(1);

/** How long the tiny fixture takes for one explanation here: a quiet wait must outlast several. */
async function runMs(): Promise<number> {
  const el = makeElement({ src: IMAGE, steps: '3' });
  const start = performance.now();
  await el.explain();
  el.remove();
  return performance.now() - start;
}

describe('reliability: cancel() on an eager element', function () {
  this.timeout(120000);
  isolatedSuite();
  let quietMs = 0;
  before(async () => {
    // Warm (worker, model), then time a run: 4 runs' time, at least 1.5 s.
    await runMs();
    quietMs = Math.max(1500, 4 * (await runMs()));
  });

  function eager(steps = '2'): { el: IgExplainer; events: ReturnType<typeof record> } {
    const el = makeElement({ src: IMAGE, steps, loading: 'eager' });
    return { el, events: record(el) };
  }

  /**
   * Calls `action` while the eager element's run is surely going: from a page's listener of the
   * run's ig-prediction (a warm tiny run can start and end between two polls of its status).
   */
  function whileRunning(el: IgExplainer, action: () => void): Promise<void> {
    return new Promise((resolve) =>
      el.addEventListener(
        'ig-prediction',
        () => {
          expect(el.status).to.be.oneOf(['predicting', 'attributing']);
          action();
          resolve();
        },
        { once: true },
      ),
    );
  }

  it('explain() then cancel() at once: aborted, no event, idle, and it does not start again by itself', async () => {
    const { el, events } = eager();
    const run = rejection(el.explain());
    el.cancel();
    expect(igError(await run).code).to.equal('aborted');
    await sleep(quietMs);
    await el.updateComplete;
    expect(events.events.map((e) => e.type)).to.deep.equal([]);
    expect(el.status).to.equal('idle');
    expect(el.getAttribute('status')).to.equal('idle');
    expect([el.result, el.predictions, el.error]).to.deep.equal([null, null, null]);
    // explain() runs it on request, once.
    const result = await el.explain();
    expect([result.steps, el.status, el.result]).to.deep.equal([2, 'done', result]);
    expect(events.events.filter((e) => e.type === 'ig-complete').length).to.equal(1);
    events.stop();
  });

  it('after a cancel, a changed input starts the eager element again by itself', async () => {
    const { el, events } = eager();
    void rejection(el.explain());
    el.cancel();
    await sleep(50);
    const complete = settle<IgResult>(el);
    el.steps = 3;
    expect((await complete).steps).to.equal(3);
    expect(el.status).to.equal('done');
    expect(events.events.filter((e) => e.type === 'ig-complete').length).to.equal(1);
    events.stop();
  });

  it('its own run cancelled mid-run stays cancelled; re-added with the same attributes it runs again', async () => {
    const { el, events } = eager();
    await whileRunning(el, () => el.cancel());
    await sleep(quietMs);
    await el.updateComplete;
    expect(el.status).to.equal('idle');
    expect(events.events.filter((e) => e.type === 'ig-complete')).to.deep.equal([]);
    const complete = settle<IgResult>(el);
    el.remove();
    document.body.append(el);
    expect((await complete).steps).to.equal(2);
    expect(el.status).to.equal('done');
    events.stop();
  });

  it('an input changed while it runs, then cancel() at once: nothing runs, nothing of the old inputs shows', async () => {
    const { el, events } = eager();
    await whileRunning(el, () => {
      el.steps = 3;
      el.cancel();
    });
    await sleep(quietMs);
    await el.updateComplete;
    const types = events.events.map((e) => e.type);
    expect(types.filter((t) => t === 'ig-complete' || t === 'ig-error')).to.deep.equal([]);
    expect(el.status).to.equal('idle');
    expect([el.result, el.predictions]).to.deep.equal([null, null]);
    // Still the page's to start: explain() gives the current inputs' result.
    expect((await el.explain()).steps).to.equal(3);
    events.stop();
  });
});
