import { expect, fixture, html } from '@open-wc/testing';
import '../../src/index.js';
import type { IgExplainer } from '../../src/index.js';
import { isIgError } from '../../src/index.js';
import { part, record, sleep, testImage } from './helpers.js';

const IMAGE = testImage(1);

async function manualElement(): Promise<IgExplainer> {
  return fixture<IgExplainer>(html`<ig-explainer loading="manual" src=${IMAGE}></ig-explainer>`);
}

describe('<ig-explainer> attributes', () => {
  // [attribute, text, property, parsed value]
  const ROUND_TRIPS: Array<[string, string, keyof IgExplainer, unknown]> = [
    ['src', 'cat.jpg', 'src', 'cat.jpg'],
    ['alt', 'A cat', 'alt', 'A cat'],
    ['model-url', 'a/model.json b/model.json', 'modelUrl', 'a/model.json b/model.json'],
    ['labels-url', 'labels.txt', 'labelsUrl', 'labels.txt'],
    ['baseline', 'blur', 'baseline', 'blur'],
    ['seed', '42', 'seed', 42],
    ['steps', '16', 'steps', 16],
    ['method', 'riemann-middle', 'method', 'riemann-middle'],
    ['output', 'logit', 'output', 'logit'],
    ['target', '7', 'target', 7],
    ['target', 'tabby cat', 'target', 'tabby cat'],
    ['target', 'auto', 'target', 'auto'],
    ['batch-size', '4', 'batchSize', 4],
    ['batch-size', 'auto', 'batchSize', 'auto'],
    ['fit', 'crop', 'fit', 'crop'],
    ['input-range', '-1,1', 'inputRange', '-1,1'],
    ['loading', 'eager', 'loading', 'eager'],
    ['backend', 'cpu', 'backend', 'cpu'],
    ['top-k', '5', 'topK', 5],
    ['overlay-alpha', '0.7', 'overlayAlpha', 0.7],
    ['colormap', 'viridis', 'colormap', 'viridis'],
    ['polarity', 'negative', 'polarity', 'negative'],
    ['clip-percentile', '95.5', 'clipPercentile', 95.5],
    ['tolerance', '0.05', 'tolerance', 0.05],
    ['controls', '', 'controls', true],
    ['baseline', 'black white', 'baseline', 'black white'],
    ['path', 'guided', 'path', 'guided'],
    ['noise-samples', '4', 'noiseSamples', 4],
    ['noise-level', '0.3', 'noiseLevel', 0.3],
    ['regions', '', 'regions', true],
    ['view', 'masked alpha path', 'view', 'masked alpha path'],
    ['mask-top', '0.35', 'maskTop', 0.35],
  ];

  it('has the defaults of shared/API.md', async () => {
    const el = await fixture<IgExplainer>(html`<ig-explainer loading="manual"></ig-explainer>`);
    expect(el.src).to.equal(null);
    expect(el.modelUrl).to.equal(
      'https://tfhub.dev/google/tfjs-model/imagenet/inception_v1/classification/3/default/1',
    );
    expect(el.labelsUrl).to.equal(null);
    expect(el.baseline).to.equal('black');
    expect(el.seed).to.equal(0);
    expect(el.steps).to.equal(50);
    expect(el.output).to.equal('probability');
    expect(el.target).to.equal('auto');
    expect(el.batchSize).to.equal('auto');
    expect(el.fit).to.equal('pad');
    expect(el.inputRange).to.equal('0,1');
    expect(el.backend).to.equal('auto');
    expect(el.topK).to.equal(3);
    expect(el.overlayAlpha).to.equal(0.4);
    expect(el.colormap).to.equal('inferno');
    expect(el.polarity).to.equal('absolute');
    expect(el.clipPercentile).to.equal(99);
    expect(el.tolerance).to.equal(null);
    expect(el.controls).to.equal(false);
    expect(el.path).to.equal('straight');
    expect(el.noiseSamples).to.equal(0);
    expect(el.noiseLevel).to.equal(0.15);
    expect(el.regions).to.equal(false);
    expect(el.view).to.equal('image mask overlay');
    expect(el.maskTop).to.equal(0.2);
    expect(el.status).to.equal('idle');
    expect(el.predictions).to.equal(null);
    expect(el.result).to.equal(null);
    expect(el.error).to.equal(null);
    const fresh = document.createElement('ig-explainer');
    expect(fresh.loading).to.equal('lazy');
  });

  for (const [attribute, text, property, value] of ROUND_TRIPS) {
    it(`${attribute}="${text}" sets ${String(property)}, and removing it restores the default`, async () => {
      const el = await manualElement();
      const fallback = document.createElement('ig-explainer')[property];
      el.setAttribute(attribute, text);
      expect(el[property]).to.deep.equal(value);
      if (attribute === 'loading') el.setAttribute('loading', 'manual');
      else el.removeAttribute(attribute);
      expect(el[property]).to.deep.equal(attribute === 'loading' ? 'manual' : fallback);
    });
  }

  it('reflects status, loading, colormap, polarity and controls to attributes', async () => {
    const el = await manualElement();
    expect(el.getAttribute('status')).to.equal('idle');
    expect(el.getAttribute('loading')).to.equal('manual');
    expect(el.getAttribute('colormap')).to.equal('inferno');
    el.colormap = 'magma';
    el.polarity = 'positive';
    el.controls = true;
    await el.updateComplete;
    expect(el.getAttribute('colormap')).to.equal('magma');
    expect(el.getAttribute('polarity')).to.equal('positive');
    expect(el.hasAttribute('controls')).to.equal(true);
    expect(part(el, 'controls')).to.exist;
    el.steps = 0;
    await el.updateComplete;
    expect(el.getAttribute('status')).to.equal('error');
    el.steps = 8;
    await el.updateComplete;
    expect(el.getAttribute('status')).to.equal('idle');
  });

  // Every attribute with invalid values, and a valid value that fixes it.
  const INVALID: Array<[string, string[], string]> = [
    ['src', ['javascript:alert(1)', 'ftp://example.com/cat.jpg'], IMAGE],
    [
      'model-url',
      ['', '   ', 'javascript:alert(1)', 'ok/model.json file:///etc/model.json'],
      'm/model.json',
    ],
    ['labels-url', ['', 'javascript:alert(1)'], 'labels.json'],
    [
      'baseline',
      ['bleck', '', 'javascript:alert(1)', 'black bleck', 'white ftp://x/b.png'],
      'white',
    ],
    ['seed', ['abc', '1.5', ''], '7'],
    ['steps', ['0', '4097', '1.5', 'abc', '', '0x10', '-3'], '8'],
    ['method', ['simpson', ''], 'gausslegendre'],
    ['output', ['softmax', ''], 'logit'],
    ['target', ['-1', '1.5', '', '  '], '2'],
    ['batch-size', ['0', 'many', '2.5', '5000'], '4'],
    ['fit', ['contain', ''], 'stretch'],
    ['input-range', ['0,2', '0-1', ''], '0,255'],
    ['loading', ['later', ''], 'manual'],
    ['backend', ['webgpu', ''], 'wasm'],
    ['top-k', ['0', '21', 'x', '2.5'], '5'],
    ['overlay-alpha', ['1.5', '-0.1', 'half', ''], '0.6'],
    ['colormap', ['jet', ''], 'gray'],
    ['polarity', ['both', ''], 'positive'],
    ['clip-percentile', ['49', '101', 'x', ''], '90'],
    ['tolerance', ['0', '1', 'x', ''], '0.1'],
    ['path', ['curved', ''], 'blur'],
    ['noise-samples', ['-1', '257', '1.5', 'x'], '2'],
    ['noise-level', ['-0.1', '1.5', 'x', ''], '0.2'],
    ['view', ['', 'heatmap', 'image heatmap'], 'alpha masked'],
    ['mask-top', ['-0.1', '1.5', 'x', ''], '0.5'],
  ];

  for (const [attribute, values, fix] of INVALID) {
    it(`${attribute}: each invalid value fires invalid-attribute, shows it, computes nothing; fixing recovers`, async () => {
      const el = await manualElement();
      const recorder = record(el);
      try {
        for (const value of values) {
          el.setAttribute(attribute, value);
          await el.updateComplete;
          const errors = recorder.events.filter((e) => e.type === 'ig-error');
          expect(errors.length, `${attribute}="${value}"`).to.equal(1);
          const detail = errors[0].detail as { code: string; message: string; attribute: string };
          expect(detail.code).to.equal('invalid-attribute');
          expect(detail.attribute).to.equal(attribute);
          expect(detail.message).to.contain(`${attribute}="${value}"`);
          expect(errors[0].bubbles && errors[0].composed).to.equal(true);
          expect(el.status).to.equal('error');
          expect(el.getAttribute('status')).to.equal('error');
          expect(el.error?.code).to.equal('invalid-attribute');
          expect(el.error?.attribute).to.equal(attribute);
          const shown = part(el, 'error');
          expect(shown?.getAttribute('role')).to.equal('alert');
          expect(shown?.textContent).to.contain(`${attribute}="${value}"`);
          let rejection: unknown;
          await el.explain().catch((e: unknown) => (rejection = e));
          expect(isIgError(rejection) && rejection.code).to.equal('invalid-attribute');
          // Nothing was computed: no other event, no result.
          expect(recorder.events.map((e) => e.type)).to.deep.equal(['ig-error']);
          expect(el.result).to.equal(null);
          recorder.events.length = 0;
        }
        el.setAttribute(attribute, fix);
        await el.updateComplete;
        expect(el.status).to.equal('idle');
        expect(el.error).to.equal(null);
        expect(part(el, 'error')).to.equal(null);
        expect(recorder.events).to.deep.equal([]);
      } finally {
        recorder.stop();
      }
    });
  }

  it('reports invalid values set as properties, with the value in the message', async () => {
    const el = await manualElement();
    const recorder = record(el);
    el.steps = 5000;
    el.overlayAlpha = Number.NaN;
    await el.updateComplete;
    const details = recorder.events.map((e) => e.detail as { attribute: string; message: string });
    expect(details.map((d) => d.attribute)).to.deep.equal(['steps', 'overlay-alpha']);
    expect(details[0].message).to.contain('steps="5000"');
    expect(part(el, 'error')!.querySelectorAll('p').length).to.equal(2);
    // The same invalid value is reported once, not at every render.
    el.requestUpdate();
    await el.updateComplete;
    await sleep(10);
    expect(recorder.events.length).to.equal(2);
    recorder.stop();
  });

  it('explain() without an image rejects with image-load and says how to fix it', async () => {
    const el = await fixture<IgExplainer>(html`<ig-explainer loading="manual"></ig-explainer>`);
    const recorder = record(el);
    let rejection: unknown;
    await el.explain().catch((e: unknown) => (rejection = e));
    expect(isIgError(rejection) && rejection.code).to.equal('image-load');
    expect((rejection as Error).message).to.contain('src');
    await el.updateComplete;
    expect(el.status).to.equal('error');
    expect(recorder.events.map((e) => e.type)).to.deep.equal(['ig-error']);
    recorder.stop();
  });
});
