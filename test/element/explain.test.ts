// End to end with the real worker client and the tiny fixture model (24x24 input, 10 classes).
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import type { IgExplainer, IgResult } from '../../src/index.js';
import type { IgProgressDetail } from '../../src/shared/types.js';
import { isIgError } from '../../src/index.js';
import {
  TINY_LABELS,
  TINY_LABEL_NAMES,
  TINY_MODEL,
  part,
  record,
  settle,
  sleep,
  testImage,
  waitForStatus,
} from './helpers.js';

const IMAGE = testImage(1);
const OTHER_IMAGE = testImage(2);

/** `steps`: a long run (4096) can be interrupted even on a fast backend (WASM takes ms a step). */
function element(loading = 'manual', extra = html``, steps = 8) {
  return fixture<IgExplainer>(
    html`<div>
      <ig-explainer
        loading=${loading}
        src=${IMAGE}
        model-url=${TINY_MODEL}
        labels-url=${TINY_LABELS}
        steps=${steps}
        colormap="gray"
        clip-percentile="100"
      ></ig-explainer
      >${extra}
    </div>`,
  ).then((wrapper) => wrapper.querySelector('ig-explainer')!);
}

/** The per-pixel maps computed independently of the element's code. */
function pixelSums(result: IgResult) {
  const [h, w, c] = result.shape;
  const absolute = new Float64Array(h * w);
  const positive = new Float64Array(h * w);
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < c; k++) {
      const a = result.attributions[p * c + k];
      absolute[p] += Math.abs(a);
      positive[p] += Math.max(a, 0);
    }
  }
  return { absolute, positive };
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

function canvasValue(canvas: HTMLCanvasElement, pixel: number): number {
  const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
  return data[pixel * 4];
}

describe('<ig-explainer> explanations', function () {
  this.timeout(120000);

  it('fires model-load, prediction, progress and complete in order, with the contract details', async () => {
    const recorder = record(document);
    try {
      const el = await element('eager');
      const completed = await settle<IgResult>(el);
      await el.updateComplete;
      const types = recorder.events.map((e) => e.type).filter((t) => t !== 'ig-model-progress');
      expect(types[0]).to.equal('ig-model-load');
      expect(types[1]).to.equal('ig-prediction');
      expect(types.at(-1)).to.equal('ig-complete');
      const middle = types.slice(2, -1);
      expect(middle.length).to.be.at.least(1);
      expect(middle.every((t) => t === 'ig-progress')).to.equal(true);
      expect(recorder.events.every((e) => e.bubbles && e.composed)).to.equal(true);
      for (const e of recorder.events.filter((e) => e.type === 'ig-model-progress')) {
        const { fraction } = e.detail as { fraction: number };
        expect(fraction).to.be.within(0, 1);
      }

      const load = recorder.events.find((e) => e.type === 'ig-model-load')!.detail as Record<
        string,
        unknown
      >;
      expect(load.modelUrl).to.equal(TINY_MODEL);
      expect(['webgl', 'wasm', 'cpu']).to.include(load.backend);
      expect(['worker', 'main']).to.include(load.thread);
      expect((load.inputShape as number[]).slice(1)).to.deep.equal([24, 24, 3]);
      expect(load.numClasses).to.equal(10);
      expect(load.fromCache).to.be.a('boolean');
      expect(load.ms).to.be.a('number');

      const { predictions } = recorder.events.find((e) => e.type === 'ig-prediction')!.detail as {
        predictions: Array<{ index: number; label: string; probability: number }>;
      };
      expect(predictions.length).to.equal(3);
      for (let i = 0; i < 3; i++) {
        expect(predictions[i].label).to.equal(TINY_LABEL_NAMES[predictions[i].index]);
        if (i) expect(predictions[i].probability).to.be.at.most(predictions[i - 1].probability);
      }
      expect(el.predictions).to.deep.equal(predictions);

      const progress = recorder.events
        .filter((e) => e.type === 'ig-progress')
        .map((e) => e.detail as { stepsDone: number; stepsTotal: number; fraction: number });
      for (let i = 1; i < progress.length; i++) {
        expect(progress[i].stepsDone).to.be.at.least(progress[i - 1].stepsDone);
      }
      expect(progress.at(-1)!.fraction).to.be.closeTo(1, 1e-9);

      const result = completed;
      expect(result).to.equal(el.result);
      expect(result.shape).to.deep.equal([24, 24, 3]);
      expect(result.attributions.length).to.equal(24 * 24 * 3);
      expect(result.steps).to.equal(8);
      expect(result.target.index).to.equal(predictions[0].index);
      expect(el.status).to.equal('done');
      expect(el.getAttribute('status')).to.equal('done');
      // The view: mask, overlay, predictions with the target marked, completeness and charts.
      expect(part(el, 'mask')!.getAttribute('role')).to.equal('img');
      expect(part(el, 'overlay')).to.exist;
      expect(part(el, 'predictions')!.querySelector('.target')!.textContent).to.contain(
        result.target.label,
      );
      expect(part(el, 'completeness')!.textContent).to.contain('relative error');
      expect(part(el, 'charts')!.querySelectorAll('svg polyline').length).to.equal(2);
    } finally {
      recorder.stop();
    }
  });

  it('draws the first coarse map while refining, and stops within tolerance', async () => {
    const el = await element('manual');
    el.steps = 256;
    el.batchSize = 1;
    el.tolerance = 0.05;
    const partials: Array<{ steps: number }> = [];
    let drawnWhileRunning = false;
    el.addEventListener('ig-progress', (event) => {
      const { partial } = (event as CustomEvent<IgProgressDetail>).detail;
      if (!partial) return;
      partials.push(partial);
      void el.updateComplete.then(() => {
        const mask = part(el, 'mask') as HTMLCanvasElement | null;
        if (el.status !== 'attributing' || !mask) return;
        const data = mask.getContext('2d')!.getImageData(0, 0, mask.width, mask.height).data;
        if (data.some((v, i) => i % 4 === 0 && v > 0)) drawnWhileRunning = true;
      });
    });
    const result = await el.explain();
    expect(partials.length).to.be.at.least(1);
    expect(partials[0].steps).to.equal(1);
    expect(drawnWhileRunning).to.equal(true);
    // 256 = 2^8: levels of 1, 2, 4, ... segments; a tolerance stops at 8 or more.
    expect(result.steps).to.be.below(256);
    expect(result.steps).to.be.at.least(8);
    expect(result.path.alphas).to.have.length(result.steps + 1);
    expect(result.delta / Math.abs(result.scoreInput - result.scoreBaseline)).to.be.at.most(0.05);
  });

  it('draws the saturation plots live, from the path evaluated so far', async () => {
    const el = await element('manual');
    el.steps = 16;
    el.batchSize = 4;
    const seen: Array<{ stepsDone: number; points: number; sorted: boolean }> = [];
    let chartsWhileRunning = 0;
    el.addEventListener('ig-progress', (event) => {
      const { stepsDone, path } = (event as CustomEvent<IgProgressDetail>).detail;
      const alphas = path?.alphas ?? [];
      seen.push({
        stepsDone,
        points: alphas.length,
        sorted: alphas.every((a, i) => i === 0 || a > alphas[i - 1]),
      });
      void el.updateComplete.then(() => {
        if (
          el.status === 'attributing' &&
          part(el, 'charts')?.querySelector('svg polyline, svg path')
        )
          chartsWhileRunning += 1;
      });
    });
    const result = await el.explain();
    // 17 trapezoid points in batches of 4, the first batches cut at the coarse levels of 1 and 2
    // segments (2 and 3 points); each report holds every point evaluated so far.
    expect(seen.map((s) => s.stepsDone)).to.deep.equal([2, 3, 7, 11, 15, 17]);
    expect(seen.every((s) => s.points === s.stepsDone && s.sorted)).to.equal(true);
    expect(chartsWhileRunning).to.be.at.least(1);
    expect(result.path.alphas).to.have.length(17);
  });

  it('explain() resolves with the result; a second explain() rejects the first with aborted', async () => {
    const el = await element('manual');
    const recorder = record(el);
    const first = el.explain();
    const second = el.explain();
    let rejection: unknown;
    await first.catch((e: unknown) => (rejection = e));
    expect(isIgError(rejection) && rejection.code).to.equal('aborted');
    const result = await second;
    expect(result).to.equal(el.result);
    await el.updateComplete;
    expect(el.status).to.equal('done');
    const completes = recorder.events.filter((e) => e.type === 'ig-complete');
    expect(completes.length).to.equal(1);
    expect(completes[0].detail).to.equal(result);
    // aborted is never an event.
    expect(
      recorder.events.some((e) => (e.detail as { code?: string }).code === 'aborted'),
    ).to.equal(false);
    recorder.stop();
  });

  it('rapid changes of src, steps, baseline and target: only the last run is shown and emitted', async () => {
    const el = await element('eager', html``, 4096);
    const recorder = record(el);
    await sleep(30);
    el.src = OTHER_IMAGE;
    await sleep(20);
    el.baseline = 'white';
    await sleep(20);
    el.target = 3;
    await sleep(20);
    el.steps = 6;
    await settle(el);
    await sleep(500);
    await el.updateComplete;
    const completes = recorder.events.filter((e) => e.type === 'ig-complete');
    expect(completes.length).to.equal(1);
    const result = completes[0].detail as IgResult;
    expect(result.steps).to.equal(6);
    expect(result.baseline).to.equal('white');
    expect(result.target.index).to.equal(3);
    expect(el.result).to.equal(result);
    expect(el.status).to.equal('done');
    expect(recorder.events.some((e) => e.type === 'ig-error')).to.equal(false);
    recorder.stop();
  });

  it('display attributes redraw without recomputing; the mask follows polarity', async () => {
    const el = await element('manual');
    const recorder = record(el);
    const result = await el.explain();
    await el.updateComplete;
    const { absolute, positive } = pixelSums(result);
    const mask = part(el, 'mask') as HTMLCanvasElement;
    expect([mask.width, mask.height]).to.deep.equal([24, 24]);
    // gray, no clipping: the largest |attribution| is white, the smallest proportionally dark.
    const top = argmax(absolute);
    expect(canvasValue(mask, top)).to.equal(255);
    const low = argmax(absolute.map((v) => -v));
    expect(canvasValue(mask, low)).to.be.closeTo((absolute[low] / absolute[top]) * 255, 1.01);

    el.polarity = 'positive';
    await el.updateComplete;
    const topPositive = argmax(positive);
    const overlay = part(el, 'overlay') as HTMLCanvasElement;
    for (const canvas of [mask, overlay]) {
      expect(canvasValue(canvas, topPositive)).to.equal(255);
      for (const p of [top, low]) {
        expect(canvasValue(canvas, p)).to.be.closeTo(
          (positive[p] / positive[topPositive]) * 255,
          1.01,
        );
      }
    }
    el.overlayAlpha = 0.9;
    el.colormap = 'viridis';
    el.topK = 1;
    await el.updateComplete;
    expect(overlay.style.opacity).to.equal('0.9');
    expect(canvasValue(mask, topPositive)).to.be.closeTo(0xfd, 2); // viridis' top end: #fde725
    expect(part(el, 'predictions')!.querySelectorAll('li').length).to.equal(1);
    expect(el.result).to.equal(result);
    expect(recorder.events.filter((e) => e.type === 'ig-complete').length).to.equal(1);
    recorder.stop();
  });

  it('loading=lazy does not start off screen and starts when scrolled into view', async () => {
    const el = await element('lazy', html`<div style="height: 4000px"></div>`);
    // Move the element below the spacer.
    el.parentElement!.append(el);
    const recorder = record(el);
    window.scrollTo(0, 0);
    await sleep(600);
    expect(el.status).to.equal('idle');
    expect(recorder.events).to.deep.equal([]);
    el.scrollIntoView();
    await settle(el);
    expect(el.status).to.equal('done');
    recorder.stop();
    window.scrollTo(0, 0);
  });

  it('loading=manual shows an Explain button that starts the explanation', async () => {
    const el = await element('manual');
    await sleep(200);
    expect(el.status).to.equal('idle');
    const button = part(el, 'explain-button') as HTMLButtonElement;
    expect(button.textContent!.trim()).to.equal('Explain');
    button.click();
    await settle(el);
    expect(el.status).to.equal('done');
  });

  it('explains a slotted <img> when src is absent, with its alt text', async () => {
    const el = await fixture<IgExplainer>(
      html`<ig-explainer loading="manual" model-url=${TINY_MODEL} steps="4"
        ><img src=${OTHER_IMAGE} alt="Yellow square on blue"
      /></ig-explainer>`,
    );
    await waitUntil(() => part(el, 'image'), 'the slotted image was not picked up');
    const image = part(el, 'image') as HTMLImageElement;
    expect(image.getAttribute('src')).to.equal(OTHER_IMAGE);
    expect(image.alt).to.equal('Yellow square on blue');
    const result = await el.explain();
    expect(result.shape).to.deep.equal([24, 24, 3]);
  });

  it('removing the element cancels its run', async () => {
    const el = await element('manual', html``, 4096);
    const recorder = record(el);
    const run = el.explain();
    await waitUntil(() => el.status !== 'idle');
    el.remove();
    let rejection: unknown;
    await run.catch((e: unknown) => (rejection = e));
    expect(isIgError(rejection) && rejection.code).to.equal('aborted');
    await sleep(300);
    expect(recorder.events.some((e) => e.type === 'ig-complete')).to.equal(false);
    recorder.stop();
  });

  it('is accessible when idle, done and in error', async () => {
    const el = await element('manual');
    el.controls = true;
    await el.updateComplete;
    await expect(el).to.be.accessible();
    await el.explain();
    await el.updateComplete;
    await expect(el).to.be.accessible();
    el.setAttribute('steps', 'many');
    await el.updateComplete;
    expect(el.status).to.equal('error');
    await expect(el).to.be.accessible();
  });

  it('renders labels from a URL as text, never as HTML', async () => {
    const evil = '<img src=x onerror=window.__pwned=1>';
    const labels = TINY_LABEL_NAMES.map((name, i) => (i % 2 ? `${evil}${name}` : evil + i));
    const labelsUrl = `data:application/json,${encodeURIComponent(JSON.stringify(labels))}`;
    const el = await element('manual');
    el.labelsUrl = labelsUrl;
    el.controls = true;
    const result = await el.explain();
    await el.updateComplete;
    await sleep(100);
    expect(result.target.label).to.contain('<img');
    const list = part(el, 'predictions')!;
    expect(list.querySelector('img')).to.equal(null);
    expect(list.textContent).to.contain(evil);
    // Only the element's own images: the explained image and the overlay's backdrop.
    expect(el.shadowRoot!.querySelectorAll('img').length).to.equal(2);
    expect(part(el, 'controls')!.querySelector('img')).to.equal(null);
    expect(part(el, 'mask')!.getAttribute('aria-label')).to.contain(evil);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });
});

describe('<ig-explainer> failures from the runtime', function () {
  this.timeout(60000);

  it('shows a model-load error with role alert and fires ig-error; fixing model-url recovers', async () => {
    const el = await element('manual');
    el.modelUrl = new URL('../fixtures/models/missing-weights/model.json', import.meta.url).href;
    const recorder = record(el);
    let rejection: unknown;
    await el.explain().catch((e: unknown) => (rejection = e));
    expect(isIgError(rejection) && rejection.code).to.equal('model-load');
    await el.updateComplete;
    expect(el.status).to.equal('error');
    expect(part(el, 'error')!.textContent).to.contain((rejection as Error).message);
    expect(recorder.events.filter((e) => e.type === 'ig-error').length).to.equal(1);
    el.modelUrl = TINY_MODEL;
    await settle(el);
    await waitForStatus(el, ['done']);
    expect(el.error).to.equal(null);
    recorder.stop();
  });
});
