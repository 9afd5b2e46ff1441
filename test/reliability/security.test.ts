// Text from labels, models, URLs and errors is rendered as text only. Labels holding markup in
// the predictions, controls and mask label: test/element/explain.test.ts ('renders labels from a
// URL as text'); here the error paths, whose messages quote URLs, attribute values and answers.
import { expect } from '@open-wc/testing';
import { terminateWorker } from '../../src/client/explain-client.js';
import type { IgExplainer } from '../../src/index.js';
import { TINY_LABEL_NAMES, part, sleep, testImage } from '../element/helpers.js';
import { guardUncaught, makeElement, rejection } from './helpers.js';

// No spaces: model-url splits at them.
const MARKUP = '<img/src=x/onerror=window.__pwned=1><script>window.__pwned=2</script>';
const pwned = () => (window as unknown as { __pwned?: number }).__pwned;

/** Nothing but the element's own markup in its shadow root: no injected element or handler. */
function expectNoInjection(el: IgExplainer): void {
  const root = el.shadowRoot!;
  expect(root.querySelector('script')).to.equal(null);
  expect(root.querySelector('[onerror]')).to.equal(null);
  for (const img of root.querySelectorAll('img'))
    expect(img.getAttribute('part')).to.equal('image');
  expect(part(el, 'error')!.querySelector('*:not(p)')).to.equal(null);
}

describe('reliability: text is rendered as text', function () {
  this.timeout(60000);
  let guard: ReturnType<typeof guardUncaught>;

  before(() => (guard = guardUncaught()));
  after(() => {
    guard.stop();
    terminateWorker();
  });
  afterEach(() => document.querySelectorAll('ig-explainer').forEach((el) => el.remove()));

  const cases: Array<{ name: string; attributes: Record<string, string>; code: string }> = [
    {
      name: 'an attribute value with markup',
      attributes: { steps: MARKUP },
      code: 'invalid-attribute',
    },
    {
      name: 'a model URL whose server answers with an HTML body',
      attributes: { 'model-url': `data:text/html,<html><body>${MARKUP}</body></html>` },
      code: 'model-load',
    },
    {
      name: 'a labels URL holding markup (wrong count: quoted in the message)',
      attributes: { 'labels-url': `data:text/plain,${MARKUP}` },
      code: 'labels-load',
    },
    {
      name: 'a target label with markup',
      attributes: { target: MARKUP },
      code: 'target-unknown',
    },
    {
      name: 'an image URL with markup',
      attributes: { src: `data:text/html,${MARKUP}` },
      code: 'image-load',
    },
  ];

  for (const c of cases) {
    it(`${c.name}: the error shows it as text`, async () => {
      const el = makeElement({ src: testImage(2), ...c.attributes });
      const error = await rejection(el.explain());
      await el.updateComplete;
      await sleep(50);
      expect((error as { code: string }).code).to.equal(c.code);
      const message = (error as Error).message;
      expect(message).to.contain('<img/src=x/onerror=');
      const shown = part(el, 'error')!;
      expect(shown.textContent).to.contain(message);
      expectNoInjection(el);
      expect(pwned()).to.equal(undefined);
      expect(guard.errors).to.deep.equal([]);
    });
  }

  it('labels holding markup are text in predictions, controls, mask label and live region', async () => {
    const labels = TINY_LABEL_NAMES.map((name) => `${MARKUP}${name}`);
    const el = makeElement({
      src: testImage(2),
      'labels-url': `data:application/json,${encodeURIComponent(JSON.stringify(labels))}`,
      controls: '',
    });
    const result = await el.explain();
    await el.updateComplete;
    await sleep(50);
    expect(result.target.label.startsWith(MARKUP)).to.equal(true);
    expect(part(el, 'predictions')!.textContent).to.contain(MARKUP);
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain(MARKUP);
    const root = el.shadowRoot!;
    expect(root.querySelector('script')).to.equal(null);
    expect(root.querySelector('[onerror]')).to.equal(null);
    expect(pwned()).to.equal(undefined);
    expect(guard.errors).to.deep.equal([]);
  });
});
