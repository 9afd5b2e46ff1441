// Every bad input a pasted widget meets, through the element as a page uses it: each gives its
// ig-error code with a message saying how to fix it, nothing uncaught, no result, and the same
// element explains again once the input is fixed. Every invalid value of every attribute is in
// test/element/attributes.test.ts; a few representative ones are repeated here.
import { expect } from '@open-wc/testing';
import { terminateWorker } from '../../src/client/explain-client.js';
import type { IgExplainer } from '../../src/index.js';
import { isIgError } from '../../src/index.js';
import { TINY_LABELS, TINY_LABEL_NAMES, part, record, testImage } from '../element/helpers.js';
import { modelUrl, testOrigins, type TestOrigins } from '../worker/helpers.js';
import { VALID, guardUncaught, makeElement, rejection } from './helpers.js';

const IMAGE = testImage(1);
const fixtureModel = (name: string) => modelUrl(name);
/** A PNG whose header says 0x0 pixels (valid chunks and checksums). */
const ZERO_SIZE_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAAAAAAACAIAAAC06etFAAAACElEQVR4nAMAAAAAAUgGidIAAAAASUVORK5CYII=';
const SVG = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24"><rect width="24" height="24"/></svg>',
)}`;
const json = (value: unknown) =>
  `data:application/json,${encodeURIComponent(JSON.stringify(value))}`;

interface Case {
  name: string;
  /** Attributes over VALID (and src); null removes one. */
  set: (origins: TestOrigins) => Record<string, string | null>;
  code: string;
  attribute?: string;
  /** What the message must say: the cause and how to fix it. */
  message: RegExp;
  /** Back to a valid input; by default the changed attributes go back to VALID (or away). */
  fix?: Record<string, string | null>;
}

const CASES: Case[] = [
  // Attributes (all values: test/element/attributes.test.ts).
  {
    name: 'steps is not a number',
    set: () => ({ steps: 'many' }),
    code: 'invalid-attribute',
    attribute: 'steps',
    message: /steps="many" is not valid: use a whole number from 1 to 4096/,
  },
  {
    name: 'steps out of range',
    set: () => ({ steps: '5000' }),
    code: 'invalid-attribute',
    attribute: 'steps',
    message: /steps="5000" is not valid: use a whole number from 1 to 4096/,
  },
  {
    name: 'unknown method',
    set: () => ({ method: 'simpson' }),
    code: 'invalid-attribute',
    attribute: 'method',
    message: /method="simpson" is not valid: use gausslegendre, .* or riemann-middle/,
  },
  {
    name: 'negative batch-size',
    set: () => ({ 'batch-size': '-3' }),
    code: 'invalid-attribute',
    attribute: 'batch-size',
    message: /batch-size="-3" is not valid: use auto or a whole number/,
  },
  {
    name: 'unknown backend',
    set: () => ({ backend: 'webgpu' }),
    code: 'invalid-attribute',
    attribute: 'backend',
    message: /backend="webgpu" is not valid: use auto, webgl, wasm or cpu/,
  },
  {
    name: 'overlay-alpha out of range',
    set: () => ({ 'overlay-alpha': '1.5' }),
    code: 'invalid-attribute',
    attribute: 'overlay-alpha',
    message: /overlay-alpha="1.5" is not valid: use a number from 0 to 1/,
  },
  {
    name: 'negative target index',
    set: () => ({ target: '-1' }),
    code: 'invalid-attribute',
    attribute: 'target',
    message: /target="-1" is not valid/,
  },
  {
    name: 'input-range of unknown words',
    set: () => ({ 'input-range': '0,2' }),
    code: 'invalid-attribute',
    attribute: 'input-range',
    message: /input-range="0,2" is not valid: use 0,1 or -1,1 or 0,255/,
  },
  // Images.
  {
    name: 'src 404',
    set: () => ({ src: '/test/fixtures/nothing-here.png' }),
    code: 'image-load',
    attribute: 'src',
    message: /answered 404 .*nothing-here\.png: check src/,
    fix: { src: IMAGE },
  },
  {
    name: 'src not an image',
    set: () => ({ src: TINY_LABELS }),
    code: 'image-load',
    attribute: 'src',
    message: /is not an image this browser can decode: give a PNG, JPEG, WebP or GIF image in src/,
    fix: { src: IMAGE },
  },
  {
    name: 'src an SVG',
    set: () => ({ src: SVG }),
    code: 'image-load',
    attribute: 'src',
    message: /image\/svg\+xml.*SVG images cannot be decoded into pixels here: give a PNG/,
    fix: { src: IMAGE },
  },
  {
    name: 'src a zero-size image',
    set: () => ({ src: ZERO_SIZE_PNG }),
    code: 'image-load',
    attribute: 'src',
    message:
      /(no pixels \(0x0\): give an image of at least 1x1)|(not an image this browser can decode: give a PNG)/,
    fix: { src: IMAGE },
  },
  {
    name: 'src from another origin without CORS',
    set: (o) => ({ src: `${o.noCors}/test/client/fixtures/gradient-8x6.png` }),
    code: 'image-tainted',
    attribute: 'src',
    message: /without CORS headers.*serve it with Access-Control-Allow-Origin/,
    fix: { src: IMAGE },
  },
  {
    name: 'baseline image 404',
    set: () => ({ baseline: '/test/fixtures/no-baseline.png' }),
    code: 'image-load',
    attribute: 'baseline',
    message: /answered 404 .* baseline .*: check baseline/,
  },
  // Models.
  {
    name: 'model-url 404',
    set: () => ({ 'model-url': fixtureModel('not-there') }),
    code: 'model-load',
    attribute: 'model-url',
    message: /404.*self-host/,
  },
  {
    name: 'model-url answers HTML',
    set: () => ({ 'model-url': '/demo/index.html' }),
    code: 'model-load',
    attribute: 'model-url',
    message: /is not a TF\.js model\.json .* point model-url at the model's model\.json/,
  },
  {
    name: 'truncated weights',
    set: () => ({ 'model-url': fixtureModel('truncated-weights') }),
    code: 'model-load',
    attribute: 'model-url',
    message: /truncated; copy the files again/,
  },
  {
    name: 'missing weight file',
    set: () => ({ 'model-url': fixtureModel('missing-weights') }),
    code: 'model-load',
    attribute: 'model-url',
    message: /404.*group1-shard2of2\.bin/,
  },
  {
    name: 'model input not an image',
    set: () => ({ 'model-url': fixtureModel('bad-input') }),
    code: 'model-incompatible',
    attribute: 'model-url',
    message:
      /needs an image classifier with input \[N, height, width, 3\] and output \[N, classes\]/,
  },
  {
    name: 'model with an op without gradient',
    set: () => ({ 'model-url': fixtureModel('no-gradient') }),
    code: 'model-incompatible',
    message: /cannot be differentiated .*export the model without that op/,
  },
  {
    name: 'model output not [N, classes]',
    set: () => ({ 'model-url': fixtureModel('bad-output') }),
    code: 'model-incompatible',
    message:
      /(use a classifier whose output is \[N, classes\])|(needs an image classifier with input \[N, height, width, 3\] and output \[N, classes\])/,
  },
  {
    name: 'NaN in the model output',
    set: () => ({ 'model-url': fixtureModel('nan-output') }),
    code: 'model-incompatible',
    attribute: 'model-url',
    message: /NaN or infinite outputs .*check input-range/,
  },
  // Labels and targets (tiny-graph-10: 10 classes).
  {
    name: 'labels 404',
    set: () => ({ 'labels-url': '/test/fixtures/models/tiny-graph-10/no-labels.json' }),
    code: 'labels-load',
    attribute: 'labels-url',
    message: /answered 404 .* labels .*check labels-url/,
  },
  {
    name: 'labels of the wrong count',
    set: () => ({ 'labels-url': json(['a', 'b', 'c']) }),
    code: 'labels-load',
    attribute: 'labels-url',
    message: /hold 3 labels but the model has 10 outputs: give exactly one label per output/,
  },
  {
    name: 'labels neither JSON strings nor lines',
    set: () => ({ 'labels-url': json([1, 2, 3]) }),
    code: 'labels-load',
    attribute: 'labels-url',
    message: /neither a JSON array of strings nor text/,
  },
  {
    name: 'target index out of range',
    set: () => ({ 'labels-url': TINY_LABELS, target: '12' }),
    code: 'target-unknown',
    attribute: 'target',
    message:
      /target class 12 does not exist: the model has 10 classes, so use an index from 0 to 9/,
  },
  {
    name: 'unknown target label',
    set: () => ({ 'labels-url': TINY_LABELS, target: 'zebra' }),
    code: 'target-unknown',
    attribute: 'target',
    message: /No class is labelled "zebra": set target to "auto", a class index from 0 to 9/,
  },
];

describe('reliability: bad input matrix', function () {
  this.timeout(120000);
  let origins: TestOrigins;
  let guard: ReturnType<typeof guardUncaught>;

  before(async () => {
    origins = await testOrigins();
    guard = guardUncaught();
  });
  after(() => {
    guard.stop();
    terminateWorker();
  });
  afterEach(() => document.querySelectorAll('ig-explainer').forEach((el) => el.remove()));

  it(`has at least 25 cases (${CASES.length})`, () => {
    expect(CASES.length).to.be.at.least(25);
  });

  for (const c of CASES) {
    it(`${c.name}: ${c.code}, how to fix it, no result; fixing it recovers`, async () => {
      const recorder = record(document);
      const changed = c.set(origins);
      let el: IgExplainer;
      try {
        el = makeElement({ src: IMAGE });
        for (const [name, value] of Object.entries(changed)) {
          if (value === null) el.removeAttribute(name);
          else el.setAttribute(name, value);
        }
        await el.updateComplete;
        const error = await rejection(el.explain());
        await el.updateComplete;
        expect(isIgError(error), String(error)).to.equal(true);
        const { code, message, attribute } = error as {
          code: string;
          message: string;
          attribute?: string;
        };
        expect(code, message).to.equal(c.code);
        expect(message).to.match(c.message);
        if (c.attribute) expect(attribute).to.equal(c.attribute);
        // One ig-error with the same code and message, no result, the message shown as an alert.
        const errors = recorder.events.filter((e) => e.type === 'ig-error');
        expect(errors.map((e) => (e.detail as { code: string }).code)).to.deep.equal([c.code]);
        expect((errors[0].detail as { message: string }).message).to.equal(message);
        expect(recorder.events.some((e) => e.type === 'ig-complete')).to.equal(false);
        expect(el.result).to.equal(null);
        expect(el.status).to.equal('error');
        expect(el.error?.code).to.equal(c.code);
        expect(part(el, 'error')!.getAttribute('role')).to.equal('alert');
        expect(part(el, 'error')!.textContent).to.contain(message);
        expect(guard.errors).to.deep.equal([]);

        // Fixed, the same element explains.
        const fix =
          c.fix ??
          Object.fromEntries(Object.keys(changed).map((name) => [name, VALID[name] ?? null]));
        for (const [name, value] of Object.entries(fix)) {
          if (value === null) el.removeAttribute(name);
          else el.setAttribute(name, value);
        }
        const result = await el.explain();
        await el.updateComplete;
        expect(result.shape).to.deep.equal([24, 24, 3]);
        expect(el.status).to.equal('done');
        expect(el.error).to.equal(null);
        expect(part(el, 'error')).to.equal(null);
        expect(guard.errors).to.deep.equal([]);
      } finally {
        recorder.stop();
      }
    });
  }

  it('an invalid attribute hides the previous result; restoring the value shows it again without a run', async () => {
    const el = makeElement({ src: IMAGE });
    const result = await el.explain();
    expect(el.predictions).to.not.equal(null);
    const recorder = record(el);
    el.setAttribute('steps', 'many');
    await el.updateComplete;
    expect(el.status).to.equal('error');
    expect(el.result).to.equal(null);
    expect(el.predictions).to.equal(null);
    el.setAttribute('steps', VALID.steps);
    await el.updateComplete;
    expect(el.status).to.equal('done');
    expect(el.result).to.equal(result);
    expect(recorder.events.map((e) => e.type)).to.deep.equal(['ig-error']);
    recorder.stop();
  });

  it('a very large image (8000x6000 PNG) is scaled down in the worker and explained', async () => {
    const canvas = new OffscreenCanvas(8000, 6000);
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#203040';
    context.fillRect(0, 0, 8000, 6000);
    context.fillStyle = '#ffe066';
    context.fillRect(2000, 1500, 4000, 3000);
    const url = URL.createObjectURL(await canvas.convertToBlob({ type: 'image/png' }));
    canvas.width = canvas.height = 1;
    try {
      const el = makeElement({ src: url, 'labels-url': TINY_LABELS });
      const result = await el.explain();
      expect(result.shape).to.deep.equal([24, 24, 3]);
      expect(TINY_LABEL_NAMES).to.include(result.target.label);
      expect(Number.isFinite(result.sum)).to.equal(true);
      expect(guard.errors).to.deep.equal([]);
    } finally {
      URL.revokeObjectURL(url);
    }
  });
});
