// The panels of `view`: which parts exist, what the masked and alpha views draw, the path slider.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/index.js';
import type { IgExplainer, IgResult } from '../../src/index.js';
import {
  TINY_LABELS,
  TINY_MODEL,
  part,
  record,
  settle,
  testImage,
  waitForStatus,
} from './helpers.js';

const IMAGE = testImage(1);
const PANELS = ['image', 'mask', 'overlay', 'masked', 'alpha', 'path'];

async function done(attributes: Record<string, string> = {}): Promise<IgExplainer> {
  const el = await fixture<IgExplainer>(
    html`<ig-explainer
      loading="manual"
      src=${IMAGE}
      model-url=${TINY_MODEL}
      labels-url=${TINY_LABELS}
      steps="8"
      clip-percentile="100"
    ></ig-explainer>`,
  );
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  await el.updateComplete;
  await el.explain();
  await waitForStatus(el, ['done']);
  return el;
}

/** sum |a| over channels per pixel, computed here, not by the element's code. */
function absoluteMap(result: IgResult): number[] {
  const [h, w, c] = result.shape;
  const map: number[] = [];
  for (let p = 0; p < h * w; p++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += Math.abs(result.attributions[p * c + k]);
    map.push(s);
  }
  return map;
}

function alphaChannel(canvas: HTMLCanvasElement): number[] {
  const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
  return Array.from({ length: data.length / 4 }, (_, p) => data[p * 4 + 3]);
}

describe('<ig-explainer> views', () => {
  it('shows image, mask and overlay by default, and exactly the listed panels', async () => {
    const el = await done();
    const present = () => PANELS.filter((name) => part(el, name));
    expect(present()).to.deep.equal(['image', 'mask', 'overlay']);
    el.view = 'masked alpha path';
    await el.updateComplete;
    expect(present()).to.deep.equal(['masked', 'alpha', 'path']);
    el.view = 'overlay image';
    await el.updateComplete;
    expect(present()).to.deep.equal(['image', 'overlay']);
  });

  it('masked shows exactly the top mask-top of pixels by attribution, the rest dimmed', async () => {
    const el = await done({ view: 'masked', 'mask-top': '0.2' });
    const result = el.result!;
    const map = absoluteMap(result);
    for (const top of [0.2, 0.5, 0.05]) {
      el.maskTop = top;
      await el.updateComplete;
      const alpha = alphaChannel(part(el, 'masked') as HTMLCanvasElement);
      const visible = alpha.flatMap((a, p) => (a === 0 ? [p] : []));
      expect(visible.length, `mask-top=${top}`).to.equal(Math.round(top * map.length));
      const dimmed = alpha.flatMap((a, p) => (a > 0 ? [p] : []));
      const lowestShown = Math.min(...visible.map((p) => map[p]));
      const highestDimmed = Math.max(...dimmed.map((p) => map[p]));
      expect(lowestShown).to.be.at.least(highestDimmed * (1 - 1e-6));
    }
    expect(el.result).to.equal(result);
  });

  it("alpha: the image's opacity follows the attribution", async () => {
    const el = await done({ view: 'alpha' });
    const map = absoluteMap(el.result!);
    const cover = alphaChannel(part(el, 'alpha') as HTMLCanvasElement);
    const max = Math.max(...map);
    // clip-percentile=100: the cover's opacity is 1 - attribution / max.
    map.forEach((v, p) => expect(cover[p]).to.be.closeTo(255 * (1 - v / max), 1.01));
    const strongest = map.indexOf(max);
    expect(cover[strongest]).to.equal(0);
  });

  it('path: the slider moves the cursor and changes the image, by keyboard', async () => {
    const el = await done({ view: 'path image' });
    const slider = part(el, 'path-slider') as HTMLInputElement;
    const shown = () => part(el, 'path')!.querySelector('img')!;
    const cursors = () =>
      Array.from(part(el, 'charts')!.querySelectorAll('line.cursor')).map((l) =>
        Number(l.getAttribute('x1')),
      );
    const alphas = el.result!.path.alphas;
    expect(slider.type).to.equal('range');
    expect(Number(slider.value)).to.equal(alphas.length - 1);
    expect(Number(shown().style.opacity)).to.be.closeTo(alphas.at(-1)!, 1e-9);
    const before = cursors();
    expect(before.length).to.equal(2);
    slider.focus();
    await sendKeys({ press: 'ArrowLeft' });
    await sendKeys({ press: 'ArrowLeft' });
    await el.updateComplete;
    expect(Number(slider.value)).to.equal(alphas.length - 3);
    expect(Number(shown().style.opacity)).to.be.closeTo(alphas.at(-3)!, 1e-9);
    expect(slider.getAttribute('aria-valuetext')).to.contain(
      `α = ${+alphas.at(-3)!.toPrecision(3)}`,
    );
    const after = cursors();
    expect(after[0]).to.be.below(before[0]);
    await sendKeys({ press: 'Home' });
    await el.updateComplete;
    expect(Number(shown().style.opacity)).to.be.closeTo(alphas[0], 1e-9);
    expect(cursors()[0]).to.be.below(after[0]);
  });

  it('path: the mask shows the attribution accumulated up to the slider, the final one at the end', async () => {
    const el = await done({ view: 'path mask' });
    const result = el.result!;
    const alphas = result.path.alphas;
    // The tiny model's trace keeps every point.
    expect(result.pathTrace!.points).to.deep.equal(alphas.map((_, i) => i));
    const pixels = (name: string) => {
      const canvas = part(el, name) as HTMLCanvasElement;
      return Array.from(
        canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data,
      );
    };
    const brightness = (rgba: number[]) =>
      rgba.reduce((s, v, i) => (i % 4 === 3 ? s : s + v), 0) / rgba.length;
    const slider = part(el, 'path-slider') as HTMLInputElement;
    const accumulated = () => part(el, 'path-mask')!.getAttribute('aria-label');
    // At the last point: exactly the final mask.
    const final = pixels('path-mask');
    expect(final).to.deep.equal(pixels('mask'));
    expect(accumulated()).to.contain(`α = ${+alphas.at(-1)!.toPrecision(3)}`);
    slider.focus();
    await sendKeys({ press: 'Home' });
    await el.updateComplete;
    const first = pixels('path-mask');
    expect(first).to.not.deep.equal(final);
    expect(brightness(first)).to.be.below(brightness(final));
    expect(accumulated()).to.contain(`α = ${+alphas[0].toPrecision(3)}`);
    // The mask panel itself keeps the final attribution.
    expect(pixels('mask')).to.deep.equal(final);
    for (let i = 0; i < 4; i++) await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    const middle = pixels('path-mask');
    expect(middle).to.not.deep.equal(first);
    expect(middle).to.not.deep.equal(final);
    await sendKeys({ press: 'End' });
    await el.updateComplete;
    expect(pixels('path-mask')).to.deep.equal(final);
  });

  it('path added after a run: no trace was computed for the default view; the path view says so and its button computes it', async () => {
    const el = await done();
    const plain = el.result!;
    expect(plain.pathTrace).to.equal(undefined);
    const events = record(el);
    el.setAttribute('view', 'image mask path');
    await el.updateComplete;
    // A view change starts no run: the same result, its path view without the accumulated mask.
    expect(el.status).to.equal('done');
    expect(el.result).to.equal(plain);
    expect(part(el, 'path')).to.not.equal(null);
    expect(part(el, 'path-mask')).to.equal(null);
    expect(part(el, 'path')!.textContent).to.contain('not computed');
    const button = part(el, 'path-trace-button') as HTMLButtonElement;
    expect(button.tagName).to.equal('BUTTON');
    const complete = settle<IgResult>(el);
    button.click();
    const traced = await complete;
    await el.updateComplete;
    events.stop();
    expect(events.events.filter((e) => e.type === 'ig-complete')).to.have.length(1);
    expect(el.result).to.equal(traced);
    expect(traced.pathTrace!.points).to.deep.equal(traced.path.alphas.map((_, i) => i));
    // The same explanation (same inputs, same seed), now with its trace.
    expect(Array.from(traced.attributions)).to.deep.equal(Array.from(plain.attributions));
    expect(part(el, 'path-trace-button')).to.equal(null);
    const pixels = () => {
      const canvas = part(el, 'path-mask') as HTMLCanvasElement;
      return Array.from(
        canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data,
      );
    };
    const final = pixels();
    (part(el, 'path-slider') as HTMLInputElement).focus();
    await sendKeys({ press: 'Home' });
    await el.updateComplete;
    expect(pixels()).to.not.deep.equal(final);
    // Taking path out of the view and back keeps the result and its trace: no run either way.
    el.setAttribute('view', 'image mask overlay');
    await el.updateComplete;
    el.setAttribute('view', 'path');
    await el.updateComplete;
    expect(el.status).to.equal('done');
    expect(el.result).to.equal(traced);
    expect(part(el, 'path-mask')).to.not.equal(null);
  });

  it('path on a saved explanation (no trace in the file): the button starts a live run that has it', async () => {
    const live = await done({ view: 'path mask' });
    expect(live.result!.pathTrace!.points.length).to.be.above(1);
    const saved = URL.createObjectURL(live.exportResult());
    const el = await fixture<IgExplainer>(
      html`<ig-explainer
        loading="manual"
        src=${IMAGE}
        model-url=${TINY_MODEL}
        labels-url=${TINY_LABELS}
        steps="8"
        view="path mask"
        result-src=${saved}
      ></ig-explainer>`,
    );
    await waitForStatus(el, ['done']);
    expect(el.result!.pathTrace).to.equal(undefined);
    expect(part(el, 'path-mask')).to.equal(null);
    const complete = settle<IgResult>(el);
    (part(el, 'path-trace-button') as HTMLButtonElement).click();
    const traced = await complete;
    await el.updateComplete;
    expect(traced.pathTrace!.points).to.deep.equal(live.result!.pathTrace!.points);
    expect(part(el, 'path-mask')).to.not.equal(null);
    expect(part(el, 'path-trace-button')).to.equal(null);
  });

  it('with regions the mask shows the region map: one colour per region', async () => {
    const el = await done({ regions: '', colormap: 'gray' });
    const regionMap = el.result!.regionMap!;
    const canvas = part(el, 'mask') as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Map<number, number>();
    regionMap.forEach((score, p) => {
      const grey = data[p * 4];
      if (!colours.has(score)) colours.set(score, grey);
      expect(grey, `pixel ${p}`).to.equal(colours.get(score));
    });
    expect(colours.size).to.be.greaterThan(1);
    const best = Math.max(...regionMap);
    expect(colours.get(best)).to.equal(255);
  });
});
