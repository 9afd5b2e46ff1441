// `result-src` through the element, as a page uses it: a live explanation of a shapes fixture on
// the shipped shapes model, exported, then shown by a new <ig-explainer result-src> with the same
// mask (within one colour-map entry; 2/255 on gray) and predictions, while the page requests no
// TF.js chunk, no worker and no model file. Each bad file is its own result-load error.
import '../worker-entry/hooks.js';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import type { IgExplainer } from '../../src/index.js';
import { colormapLut } from '../../src/element/colormaps.js';
import { renderMask } from '../../src/element/mask.js';
import { exportResult } from '../../src/saved/saved-result.js';
import {
  OTHER_IMAGE,
  SHAPES_IMAGE,
  SHAPES_LABELS,
  SHAPES_MODEL,
  explainShapes,
  gzipSize,
  type LiveRun,
} from './helpers.js';

function lutStep(colormap: 'inferno' | 'gray'): number {
  const lut = colormapLut(colormap);
  let max = 0;
  for (let i = 3; i < lut.length; i++) max = Math.max(max, Math.abs(lut[i] - lut[i - 3]));
  return max;
}

function maxChannelDifference(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  expect(a.length).to.equal(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

async function shown(resultSrc: string, options: { src?: string; model?: string } = {}) {
  const el = await fixture<IgExplainer>(html`
    <ig-explainer
      src=${options.src ?? SHAPES_IMAGE}
      model-url=${options.model ?? SHAPES_MODEL}
      labels-url=${SHAPES_LABELS}
      result-src=${resultSrc}
      loading="lazy"
    ></ig-explainer>
  `);
  return el;
}

async function resultLoadError(el: IgExplainer): Promise<string> {
  await waitUntil(() => el.status === 'error', 'no error shown', { timeout: 10000 });
  expect(el.error?.code).to.equal('result-load');
  const box = el.shadowRoot!.querySelector('[part="error"]');
  expect(box?.textContent).to.contain(el.error!.message);
  return el.error!.message;
}

function blobUrl(text: string): string {
  return URL.createObjectURL(new Blob([text], { type: 'application/json' }));
}

describe('result-src: a saved explanation through the element', function () {
  this.timeout(60000);
  let live: LiveRun;
  let text: string;

  before(async () => {
    live = await explainShapes();
    const blob = exportResult(live.result, live.predictions, live.meta);
    text = await blob.text();
    expect(await gzipSize(blob)).to.be.below(100 * 1024);
  });

  for (const colormap of ['inferno', 'gray'] as const) {
    it(`shows the live mask (${colormap}) and predictions, requesting no TF.js, worker or model`, async () => {
      const since = performance.now();
      const el = await shown(blobUrl(text));
      el.colormap = colormap;
      await waitUntil(() => el.status === 'done', 'the saved result was not shown', {
        timeout: 10000,
      });
      await el.updateComplete;
      const requested = performance
        .getEntriesByType('resource')
        .filter((e) => e.startTime >= since)
        .map((e) => e.name);
      expect(
        requested.filter((n) => /tfjs|worker|model\.json|weights|\.bin\b/i.test(n)),
      ).to.deep.equal([]);

      expect(el.predictions?.map((p) => p.label)).to.deep.equal(
        live.predictions.slice(0, el.predictions!.length).map((p) => p.label),
      );
      expect(el.result?.target.index).to.equal(live.result.target.index);
      const canvas = el.shadowRoot!.querySelector<HTMLCanvasElement>('canvas[part="mask"]')!;
      const [h, w] = live.result.shape;
      expect([canvas.width, canvas.height]).to.deep.equal([w, h]);
      const drawn = canvas.getContext('2d')!.getImageData(0, 0, w, h).data;
      const options = { polarity: el.polarity, colormap, clipPercentile: el.clipPercentile };
      const expected = renderMask(live.result.attributions, live.result.shape, options).data;
      const max = maxChannelDifference(drawn, expected);
      expect(max).to.be.at.most(lutStep(colormap));
      if (colormap === 'gray') expect(max).to.be.at.most(2);
      // The saved one's Recompute button is there; nothing ran by itself.
      expect(el.shadowRoot!.querySelector('[part="recompute-button"]')).to.exist;
    });
  }

  it('exports a live run of the element, which a new element shows from result-src', async () => {
    const el = await fixture<IgExplainer>(html`
      <ig-explainer
        src=${SHAPES_IMAGE}
        model-url=${SHAPES_MODEL}
        labels-url=${SHAPES_LABELS}
        baseline="black"
        steps="32"
        loading="eager"
        controls
      ></ig-explainer>
    `);
    await waitUntil(() => el.status === 'done', 'the live run did not finish', { timeout: 50000 });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="download-button"]')).to.exist;
    expect(el.shadowRoot!.querySelector('[part="recompute-button"]')).to.equal(null);
    const blob = el.exportResult();
    expect(await gzipSize(blob)).to.be.below(100 * 1024);
    const saved = JSON.parse(await blob.text());
    expect(saved.image.sha256).to.equal(live.meta.imageSha256);
    expect(saved.model.url).to.equal(SHAPES_MODEL);
    expect(saved.options.steps).to.equal(32);

    const since = performance.now();
    const copy = await shown(URL.createObjectURL(blob));
    await waitUntil(() => copy.status === 'done', 'the export was not shown', { timeout: 10000 });
    const requested = performance
      .getEntriesByType('resource')
      .filter((e) => e.startTime >= since)
      .map((e) => e.name);
    expect(
      requested.filter((n) => /tfjs|worker|model\.json|weights|\.bin\b/i.test(n)),
    ).to.deep.equal([]);
    expect(copy.predictions).to.deep.equal(el.predictions);
    for (const colormap of ['inferno', 'gray'] as const) {
      el.colormap = colormap;
      copy.colormap = colormap;
      await Promise.all([el.updateComplete, copy.updateComplete]);
      const pixels = (e: IgExplainer) => {
        const canvas = e.shadowRoot!.querySelector<HTMLCanvasElement>('canvas[part="mask"]')!;
        return canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      };
      const max = maxChannelDifference(pixels(copy), pixels(el));
      expect(max, colormap).to.be.at.most(lutStep(colormap));
      if (colormap === 'gray') expect(max).to.be.at.most(2);
    }
  });

  it('starts a live run only on Recompute, and then shows its result', async () => {
    const el = await shown(blobUrl(text));
    await waitUntil(() => el.status === 'done', 'the saved result was not shown', {
      timeout: 10000,
    });
    const saved = el.result;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(el.result).to.equal(saved);
    const completed = new Promise<CustomEvent>((resolve) =>
      el.addEventListener('ig-complete', (e) => resolve(e as CustomEvent), { once: true }),
    );
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="recompute-button"]')!.click();
    await el.updateComplete;
    expect(el.status).to.not.equal('done');
    const { detail } = await completed;
    expect(detail).to.not.equal(saved);
    expect(el.result).to.equal(detail);
    expect(el.result!.target.index).to.equal(saved!.target.index);
  });

  it('a truncated file is result-load: cut short', async () => {
    const message = await resultLoadError(await shown(blobUrl(text.slice(0, text.length / 2))));
    expect(message).to.match(/cannot be read/);
    expect(message).to.match(/cut short/);
  });

  it('another version is result-load: the version', async () => {
    const other = JSON.stringify({ ...JSON.parse(text), version: 99 });
    const message = await resultLoadError(await shown(blobUrl(other)));
    expect(message).to.match(/version 99/);
  });

  it('another image than src is result-load: another image', async () => {
    const message = await resultLoadError(await shown(blobUrl(text), { src: OTHER_IMAGE }));
    expect(message).to.match(/another image/);
  });

  it('another model than model-url is result-load: another model', async () => {
    const other = new URL('/test/fixtures/models/tiny-graph-10/model.json', location.href).href;
    const message = await resultLoadError(await shown(blobUrl(text), { model: other }));
    expect(message).to.match(/another model/);
  });

  it('a file of the same model URL but another model hash than the loaded model is result-load', async () => {
    const el = await fixture<IgExplainer>(html`
      <ig-explainer
        src=${SHAPES_IMAGE}
        model-url=${SHAPES_MODEL}
        labels-url=${SHAPES_LABELS}
        steps="8"
        loading="manual"
      ></ig-explainer>
    `);
    await el.explain();
    const exported = JSON.parse(await el.exportResult().text());
    expect(exported.model.sha256).to.match(/^[0-9a-f]{64}$/);
    // The files behind the URL changed since the file was made (another hash, same URL).
    const other = { ...exported, model: { ...exported.model, sha256: '0'.repeat(64) } };
    el.resultSrc = blobUrl(JSON.stringify(other));
    const message = await resultLoadError(el);
    expect(message).to.match(/made with another model .* than the one this element loaded/);
    // Its own export, of the model it loaded, is shown.
    el.resultSrc = blobUrl(JSON.stringify(exported));
    await waitUntil(() => el.status === 'done', 'its own export was not shown', { timeout: 10000 });
    expect(el.result?.steps).to.equal(8);
    expect(el.error).to.equal(null);
  });
});
